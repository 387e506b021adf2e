//! The one rule every query shares: what an edge does to an attacker.
//!
//! [`step`] says, for an edge leaving a node the attacker holds, whether the
//! attacker comes to hold the destination (a *pivot*), and which access
//! level on the destination it records (a *target*). Blast, who-can, trace
//! and rank all call it, so they cannot disagree.

use blastgraph_graph::{EdgeCore, EdgeIx, Graph, NodeIx};
use blastgraph_model::{AccessLevel, Class, EdgeKind};

/// What following one edge gives the attacker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The attacker holds the destination and goes on from it.
    pub pivot: bool,
    /// The access recorded on the destination, if it is a target.
    pub level: Option<AccessLevel>,
}

/// What an edge gives an attacker who holds its source (of class `src`).
///
/// - pivot kinds (member_of, can_assume, ...) move the attacker;
/// - `access` records its level on the target; reading (or administering) a
///   secret is also a pivot, because the secret's value may be a credential;
/// - `contains` is followed only out of a scope: the scope's admin reaches
///   everything in it, with `admin` access;
/// - an `oauth_grant` into a target records its own level (`read` when it
///   has none);
/// - a pivot edge into a target records `read` (`can_read_secret`) or, for
///   other pivot kinds, `read` as the least it can mean.
#[inline]
pub fn step(e: &EdgeCore, src: Class, dst: Class) -> Step {
    let target = dst.is_target();
    match e.kind {
        EdgeKind::Access => Step {
            pivot: dst == Class::Secret
                && matches!(e.access, Some(AccessLevel::Read | AccessLevel::Admin)),
            level: if target { e.access } else { None },
        },
        EdgeKind::Contains => {
            if src == Class::Scope {
                Step {
                    pivot: true,
                    level: target.then_some(AccessLevel::Admin),
                }
            } else {
                Step {
                    pivot: false,
                    level: None,
                }
            }
        }
        // A grant to data says how much of it (read when it does not).
        EdgeKind::OauthGrant => Step {
            pivot: true,
            level: target.then_some(e.access.unwrap_or(AccessLevel::Read)),
        },
        _ => Step {
            pivot: true,
            level: target.then_some(AccessLevel::Read),
        },
    }
}

/// Which edges and nodes a query may use.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Drop edges flagged `conditional`.
    pub strict: bool,
    /// Edges revoked by a what-if.
    pub revoked: BitSet,
    /// Nodes removed by a what-if.
    pub removed: BitSet,
}

impl Filter {
    /// A filter that only applies `--strict`.
    pub fn strict(strict: bool) -> Self {
        Filter {
            strict,
            ..Filter::default()
        }
    }

    /// Whether the query may use edge `ix`.
    #[inline]
    pub fn allows(&self, ix: EdgeIx, e: &EdgeCore) -> bool {
        let dropped = (self.strict && e.conditional)
            || self.revoked.contains(ix as usize)
            || self.removed.contains(e.to as usize)
            || self.removed.contains(e.from as usize);
        !dropped
    }

    /// Whether node `n` is still there.
    #[inline]
    pub fn has_node(&self, n: NodeIx) -> bool {
        !self.removed.contains(n as usize)
    }
}

/// A plain growable bit set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BitSet {
    words: Vec<u64>,
}

impl BitSet {
    /// A set able to hold `0..n` without growing.
    pub fn with_capacity(n: usize) -> Self {
        BitSet {
            words: vec![0; n.div_ceil(64)],
        }
    }
    /// Adds `i`; returns whether it was new.
    #[inline]
    pub fn insert(&mut self, i: usize) -> bool {
        let w = i / 64;
        if w >= self.words.len() {
            self.words.resize(w + 1, 0);
        }
        let bit = 1u64 << (i % 64);
        let word = &mut self.words[w];
        let new = *word & bit == 0;
        *word |= bit;
        new
    }
    /// Whether `i` is in the set.
    #[inline]
    pub fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }
    /// Adds every element of `other`.
    pub fn union_with(&mut self, other: &BitSet) {
        if other.words.len() > self.words.len() {
            self.words.resize(other.words.len(), 0);
        }
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }
    /// Whether it has no element.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }
    /// The elements, in order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let t = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(i * 64 + t)
            })
        })
    }
    /// Number of elements also in `other`.
    pub fn intersection_len(&self, other: &BitSet) -> usize {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }
}

/// The identities whose blast radius `rank` computes: people, workloads and
/// credentials (a leaked key is the usual start of an incident).
pub fn is_rankable(c: Class) -> bool {
    matches!(c, Class::Human | Class::Workload | Class::Credential)
}

/// Follows a parent-edge array back from `n` to a start: the path's edges in
/// order. `parent[n] == NONE` marks a start.
pub fn walk_back(g: &Graph, parent: &[EdgeIx], mut n: NodeIx) -> Vec<EdgeIx> {
    let mut path = Vec::new();
    while let Some(&e) = parent.get(n as usize) {
        if e == NONE || path.len() > parent.len() {
            break;
        }
        path.push(e);
        n = g.edge(e).from;
    }
    path.reverse();
    path
}

/// "No edge" / "not reached" marker in parent and distance arrays.
pub const NONE: u32 = u32::MAX;

#[cfg(test)]
mod tests {
    use super::*;

    fn core(kind: EdgeKind, access: Option<AccessLevel>) -> EdgeCore {
        EdgeCore {
            from: 0,
            to: 1,
            note: 0,
            kind,
            access,
            conditional: false,
        }
    }

    #[test]
    fn steps_follow_the_design_table() {
        let s = step(
            &core(EdgeKind::CanAssume, None),
            Class::Workload,
            Class::Workload,
        );
        assert_eq!(
            s,
            Step {
                pivot: true,
                level: None
            }
        );
        let s = step(
            &core(EdgeKind::Access, Some(AccessLevel::Write)),
            Class::Workload,
            Class::Dataset,
        );
        assert_eq!(
            s,
            Step {
                pivot: false,
                level: Some(AccessLevel::Write)
            }
        );
        let s = step(
            &core(EdgeKind::Access, Some(AccessLevel::Read)),
            Class::Workload,
            Class::Secret,
        );
        assert_eq!(
            s,
            Step {
                pivot: true,
                level: Some(AccessLevel::Read)
            }
        );
        let s = step(&core(EdgeKind::Contains, None), Class::Scope, Class::Model);
        assert_eq!(
            s,
            Step {
                pivot: true,
                level: Some(AccessLevel::Admin)
            }
        );
        let s = step(
            &core(EdgeKind::Contains, None),
            Class::Dataset,
            Class::Dataset,
        );
        assert_eq!(
            s,
            Step {
                pivot: false,
                level: None
            }
        );
        let s = step(
            &core(EdgeKind::CanReadSecret, None),
            Class::Workload,
            Class::Secret,
        );
        assert_eq!(
            s,
            Step {
                pivot: true,
                level: Some(AccessLevel::Read)
            }
        );
    }

    #[test]
    fn bitsets_count_and_iterate() {
        let mut a = BitSet::with_capacity(10);
        assert!(a.insert(3));
        assert!(!a.insert(3));
        a.insert(200);
        let mut b = BitSet::default();
        b.insert(3);
        b.insert(64);
        assert_eq!(a.intersection_len(&b), 1);
        a.union_with(&b);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![3, 64, 200]);
        assert_eq!(a.len(), 3);
    }
}
