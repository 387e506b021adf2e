//! A string table: every string stored once in one buffer, addressed by a
//! `u32`. Interning deduplicates; `push` appends without the hash lookup
//! (for high-cardinality columns such as JSON locations).

use std::hash::BuildHasher;

use hashbrown::HashTable;

/// An append-only, deduplicating string table.
#[derive(Clone, Default)]
pub struct Interner {
    bytes: String,
    spans: Vec<(u64, u32)>,
    table: HashTable<u32>,
    hasher: hashbrown::DefaultHashBuilder,
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Interner({} strings, {} bytes)",
            self.spans.len(),
            self.bytes.len()
        )
    }
}

/// The string `id` of a buffer and its spans ("" for an unknown id).
fn span_str<'a>(bytes: &'a str, spans: &[(u64, u32)], id: u32) -> &'a str {
    spans
        .get(id as usize)
        .and_then(|&(start, len)| bytes.get(start as usize..start as usize + len as usize))
        .unwrap_or("")
}

impl Interner {
    /// The string with this handle ("" for an unknown handle).
    pub fn get(&self, id: u32) -> &str {
        span_str(&self.bytes, &self.spans, id)
    }

    /// Appends a string without looking for an equal one.
    pub fn push(&mut self, s: &str) -> u32 {
        let id = self.spans.len() as u32;
        self.spans.push((self.bytes.len() as u64, s.len() as u32));
        self.bytes.push_str(s);
        id
    }

    /// The handle of an equal string, if one was interned.
    pub fn find(&self, s: &str) -> Option<u32> {
        self.table
            .find(self.hasher.hash_one(s), |&id| {
                span_str(&self.bytes, &self.spans, id) == s
            })
            .copied()
    }

    /// The handle of an equal string, adding it if new.
    pub fn intern(&mut self, s: &str) -> u32 {
        let h = self.hasher.hash_one(s);
        if let Some(&id) = self
            .table
            .find(h, |&id| span_str(&self.bytes, &self.spans, id) == s)
        {
            return id;
        }
        let id = self.push(s);
        let Self {
            bytes,
            spans,
            table,
            hasher,
        } = self;
        table.insert_unique(h, id, |&other| {
            hasher.hash_one(span_str(bytes, spans, other))
        });
        id
    }

    /// The buffer and the spans (what a snapshot's graph section stores).
    pub fn parts(&self) -> (&str, &[(u64, u32)]) {
        (&self.bytes, &self.spans)
    }

    /// Total length of the strings, in bytes.
    pub fn bytes(&self) -> usize {
        self.bytes.len()
    }

    /// Number of strings.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether it holds no string.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_deduplicates_and_push_does_not() {
        let mut i = Interner::default();
        let a = i.intern("aws");
        let b = i.intern("azure");
        assert_eq!(i.intern("aws"), a);
        assert_ne!(a, b);
        let c = i.push("aws");
        assert_ne!(c, a);
        assert_eq!(i.get(c), "aws");
        assert_eq!(i.get(b), "azure");
        assert_eq!(i.get(999), "");
        for k in 0..10_000 {
            i.intern(&format!("s{k}"));
        }
        assert_eq!(i.intern("s77"), i.intern("s77"));
        let h = i.intern("s9999");
        assert_eq!(i.get(h), "s9999");
    }
}
