//! A file that keeps the edge rows a build cannot hold in memory: the
//! [`RowStore`] of `blastgraph build` and the ingest benchmark
//! (`docs/org-ingest.md`, "Memory").
//!
//! The file is made when the first block comes. Blocks are appended as
//! 16-byte rows ([`EdgeRow::to_bytes`]) and read
//! back by offset. The file is unlinked as soon as it is made, so a build
//! that is killed leaves nothing behind; it lives as long as the build
//! holds it open.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use blastgraph_model::{EdgeRow, RowStore};

/// Edge rows kept in an unlinked file, made when the first block comes.
#[derive(Debug)]
pub struct SpillFile {
    dir: PathBuf,
    path: PathBuf,
    /// The file once made, and where the next block goes.
    file: Mutex<Option<(File, u64)>>,
}

impl SpillFile {
    /// A spill file in `dir`, made (and unlinked) when the first block is
    /// kept: a build that needs none makes none.
    pub fn new(dir: &Path) -> SpillFile {
        let path = dir.join(format!(
            ".blastgraph-edges-{}-{}.spill",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        SpillFile {
            dir: dir.to_path_buf(),
            path,
            file: Mutex::new(None),
        }
    }

    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.lock().as_ref().map_or(0, |(_, end)| *end)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(File, u64)>> {
        self.file.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn make(&self) -> std::io::Result<File> {
        let file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&self.path)?;
        std::fs::remove_file(&self.path)?;
        Ok(file)
    }
}

impl RowStore for SpillFile {
    fn put(&self, rows: &[EdgeRow]) -> Result<u64, String> {
        let bytes: Vec<u8> = rows.iter().flat_map(EdgeRow::to_bytes).collect();
        let mut guard = self.lock();
        if guard.is_none() {
            *guard = Some((self.make().map_err(|e| e.to_string())?, 0));
        }
        let Some((file, end)) = guard.as_mut() else {
            return Err("no spill file".into());
        };
        let at = *end;
        file.write_all_at(&bytes, at).map_err(|e| e.to_string())?;
        *end += bytes.len() as u64;
        Ok(at)
    }

    fn get(&self, key: u64, len: usize) -> Vec<EdgeRow> {
        let mut bytes = vec![0u8; 16 * len];
        let read = match self.lock().as_ref() {
            Some((file, _)) => file
                .read_exact_at(&mut bytes, key)
                .map_err(|e| e.to_string()),
            None => Err("nothing was kept".into()),
        };
        let rows = read.and_then(|()| {
            bytes
                .chunks_exact(16)
                .map(|c| {
                    <&[u8; 16]>::try_from(c)
                        .ok()
                        .and_then(EdgeRow::from_bytes)
                        .ok_or_else(|| format!("a damaged row in the block at byte {key}"))
                })
                .collect::<Result<Vec<_>, _>>()
        });
        match rows {
            Ok(rows) => rows,
            Err(why) => {
                // Like a page of swap that cannot be read: returning fewer
                // rows would give wrong answers without a word.
                eprintln!(
                    "error: edge rows kept in {} could not be read back: {why}",
                    self.place()
                );
                std::process::exit(1)
            }
        }
    }

    fn place(&self) -> String {
        format!("a spill file in {}", self.dir.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use blastgraph_model::{AccessLevel, EdgeKind, Rows};

    #[test]
    fn rows_spilled_to_a_file_read_back_in_order_and_the_file_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(SpillFile::new(dir.path()));
        assert_eq!(store.bytes(), 0);
        let row = |i: usize| EdgeRow {
            from: i as u32,
            to: 3,
            note: (i / 5) as u32,
            kind: EdgeKind::ALL[i % EdgeKind::ALL.len()],
            access: i.is_multiple_of(3).then_some(AccessLevel::Admin),
            conditional: i.is_multiple_of(2),
        };
        let n = 3 * Rows::BLOCK_ROWS + 11;
        let mut rows = Rows::default();
        rows.spill_to(store.clone(), 1);
        rows.extend((0..n).map(row));
        assert_eq!(rows.stored_len(), 3 * Rows::BLOCK_ROWS);
        assert_eq!(store.bytes(), 16 * 3 * Rows::BLOCK_ROWS as u64);
        assert!(rows.iter().eq((0..n).map(row)));
        assert_eq!(
            rows.get(Rows::BLOCK_ROWS + 1),
            Some(row(Rows::BLOCK_ROWS + 1))
        );
        // Unlinked: nothing is left in the folder, even while it is used.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_folder_that_cannot_hold_the_file_is_said_and_nothing_is_lost() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("no-such-folder");
        let store = std::sync::Arc::new(SpillFile::new(&gone));
        let row = |i: usize| EdgeRow {
            from: i as u32,
            to: 0,
            note: 0,
            kind: EdgeKind::CanAssume,
            access: None,
            conditional: false,
        };
        let mut rows = Rows::default();
        rows.set_block_rows(4);
        rows.spill_to(store, 1);
        rows.extend((0..10).map(row));
        assert_eq!(rows.stored_len(), 0);
        assert!(rows.iter().eq((0..10).map(row)));
        let why = rows.spill_error().unwrap();
        assert!(why.contains("No such file or directory"), "{why}");
        assert!(rows.spill_place().unwrap().contains("no-such-folder"));
    }
}
