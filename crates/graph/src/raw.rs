//! Columns that stay in a graph section's bytes until a query reads them:
//! the string table and the edge explanations (provenance), which a query
//! reads only for the few hops it prints.

use std::sync::Arc;

use blastgraph_model::{Explanations, Interner};

/// A byte range of a section file, shared by every column read from it.
#[derive(Clone)]
pub(crate) struct Raw {
    file: Arc<Vec<u8>>,
    start: usize,
    len: usize,
}

impl std::fmt::Debug for Raw {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Raw({} bytes at {})", self.len, self.start)
    }
}

impl Raw {
    pub(crate) fn new(file: &Arc<Vec<u8>>, start: usize, len: usize) -> Raw {
        Raw {
            file: Arc::clone(file),
            start,
            len,
        }
    }

    /// Its bytes (empty if the range does not fit the file).
    pub(crate) fn bytes(&self) -> &[u8] {
        self.file
            .get(self.start..self.start.saturating_add(self.len))
            .unwrap_or(&[])
    }

    /// How many `N`-byte numbers it holds.
    pub(crate) fn count<const N: usize>(&self) -> usize {
        self.len / N
    }

    fn word<const N: usize>(&self, i: usize) -> Option<[u8; N]> {
        let at = i.checked_mul(N)?;
        let b = self.bytes().get(at..at.checked_add(N)?)?;
        let mut w = [0u8; N];
        w.copy_from_slice(b);
        Some(w)
    }

    /// The `i`-th little-endian u32.
    pub(crate) fn u32(&self, i: usize) -> Option<u32> {
        self.word::<4>(i).map(u32::from_le_bytes)
    }

    /// The `i`-th little-endian u64.
    pub(crate) fn u64(&self, i: usize) -> Option<u64> {
        self.word::<8>(i).map(u64::from_le_bytes)
    }
}

/// The string table: built in memory, or in a section's bytes (span
/// starts as u64, lengths as u32).
#[derive(Debug, Clone)]
pub(crate) enum Strings {
    Built(Interner),
    Raw { bytes: Raw, starts: Raw, lens: Raw },
}

impl Strings {
    /// The string with this handle ("" for an unknown handle or bytes that
    /// are not UTF-8).
    pub(crate) fn get(&self, h: u32) -> &str {
        match self {
            Strings::Built(i) => i.get(h),
            Strings::Raw {
                bytes,
                starts,
                lens,
            } => {
                let (Some(start), Some(len)) = (starts.u64(h as usize), lens.u32(h as usize))
                else {
                    return "";
                };
                let start = start as usize;
                bytes
                    .bytes()
                    .get(start..start.saturating_add(len as usize))
                    .and_then(|b| std::str::from_utf8(b).ok())
                    .unwrap_or("")
            }
        }
    }
}

/// The edge explanations: built in memory, or in a section's bytes
/// (places as u32 pairs, whys as u32 quadruples, notes as u32 pairs).
#[derive(Debug, Clone)]
pub(crate) enum Explain {
    Built(Explanations),
    Raw { places: Raw, whys: Raw, notes: Raw },
}

impl Explain {
    fn group<const N: usize>(raw: &Raw, i: u32) -> [u32; N] {
        let mut out = [0u32; N];
        for (k, slot) in out.iter_mut().enumerate() {
            *slot = (i as usize)
                .checked_mul(N)
                .and_then(|at| raw.u32(at + k))
                .unwrap_or(0);
        }
        out
    }

    /// A note's `(source, location)` handles.
    pub(crate) fn note_place(&self, note: u32) -> [u32; 2] {
        match self {
            Explain::Built(e) => e.note_place(note),
            Explain::Raw { places, notes, .. } => {
                let [place, _] = Self::group::<2>(notes, note);
                Self::group::<2>(places, place)
            }
        }
    }

    /// A note's `(reason, mechanism, condition, id)` handles.
    pub(crate) fn note_why(&self, note: u32) -> [u32; 4] {
        match self {
            Explain::Built(e) => e.note_why(note),
            Explain::Raw { whys, notes, .. } => {
                let [_, why] = Self::group::<2>(notes, note);
                Self::group::<4>(whys, why)
            }
        }
    }

    /// How many notes there are.
    pub(crate) fn notes(&self) -> usize {
        match self {
            Explain::Built(e) => e.notes.len(),
            Explain::Raw { notes, .. } => notes.count::<8>(),
        }
    }
}
