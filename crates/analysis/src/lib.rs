//! Path analysis over a [`Graph`]: blast, who-can, trace, what-if, rank.
//!
//! Every query follows one rule, [`traverse::step`], which says what an edge
//! gives an attacker who holds its source: a new identity to act as (a
//! *pivot*), or an access level on a target. Forward queries are
//! breadth-first searches, so every answer carries a shortest witness path;
//! [`report`] turns answers into views where every hop names its provenance.
//!
//! `rank` shares work between identities (strongly connected components and
//! shared "hub" reaches) instead of one traversal each; see [`rank`].

pub mod blast;
pub mod rank;
pub mod report;
pub mod trace;
pub mod traverse;
pub mod whatif;
pub mod whocan;

pub use blast::{Blast, BlastOptions, Held, TargetHit, blast};
pub use rank::{
    Counts, RankRow, RankStats, Shard, rank, rank_firm_and_possible,
    rank_firm_and_possible_with_progress, rank_with_progress,
};
pub use trace::trace;
pub use traverse::{BitSet, Filter, Step, step};
pub use whatif::{Change, WhatIf, what_if};
pub use whocan::{Reacher, who_can};

#[cfg(test)]
mod tests;
