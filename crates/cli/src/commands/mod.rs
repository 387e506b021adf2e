//! One module per command; each is a function tests can call.

pub mod blast;
pub mod build;
#[cfg(feature = "live")]
pub mod collect;
pub mod demo;
pub mod export;
pub mod gen_cmd;
pub mod rank;
pub mod trace;
pub mod what_if;
pub mod who_can;

use anyhow::{Context, Result};
use blastgraph_analysis::{BlastOptions, Filter};
use blastgraph_graph::{Graph, NodeIx};

use crate::args::PathArgs;

/// Resolves ids typed by the user, naming the flag in errors.
pub fn resolve_all(g: &Graph, ids: &[String], flag: &str) -> Result<Vec<NodeIx>> {
    ids.iter()
        .map(|q| g.resolve(q).with_context(|| format!("{flag} `{q}`")))
        .collect()
}

/// Query options from path flags.
pub fn options(p: &PathArgs) -> BlastOptions {
    BlastOptions {
        max_hops: p.max_hops,
        filter: Filter::strict(p.strict),
    }
}
