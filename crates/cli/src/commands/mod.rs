//! One module per command; each is a function tests can call.

pub mod blast;
pub mod build;
pub mod collect;
pub mod demo;
pub mod export;
pub mod gen_cmd;
pub mod merge;
pub mod rank;
pub mod report;
pub mod serve;
pub mod shell;
pub mod trace;
pub mod what_if;
pub mod who_can;

use anyhow::{Context, Result};
use blastgraph_analysis::{BlastOptions, Filter};
use blastgraph_graph::{Graph, NodeIx};
use blastgraph_model::Class;

use crate::args::PathArgs;

/// Resolves ids typed by the user, naming the flag in errors.
pub fn resolve_all(g: &Graph, ids: &[String], flag: &str) -> Result<Vec<NodeIx>> {
    ids.iter()
        .map(|q| g.resolve(q).with_context(|| format!("{flag} `{q}`")))
        .collect()
}

/// Resolves the identities a user says are compromised: each must name
/// something an attacker can hold (an identity, a group, a credential, a
/// secret, a scope or a tool that runs code), not a dataset or a model,
/// which are only reached.
pub fn resolve_compromised(g: &Graph, ids: &[String], flag: &str) -> Result<Vec<NodeIx>> {
    let nodes = resolve_all(g, ids, flag)?;
    for (&n, q) in nodes.iter().zip(ids) {
        let class = g.class(n);
        if matches!(class, Class::Dataset | Class::Model) {
            let mut candidates: Vec<&str> = g
                .in_edges(n)
                .map(|(_, e)| g.id(e.from))
                .filter(|&id| id != g.id(n))
                .take(5)
                .collect();
            candidates.sort_unstable();
            candidates.dedup();
            let hint = if candidates.is_empty() {
                String::new()
            } else {
                format!(
                    "; identities that reach it include:\n  {}",
                    candidates.join("\n  ")
                )
            };
            anyhow::bail!(
                "{flag} `{q}` names a {class} (`{}`): a target is reached, not compromised; \
                 `who-can --reach {q}` lists who reaches it{hint}",
                g.id(n),
                class = class.as_str(),
            );
        }
    }
    Ok(nodes)
}

/// Query options from path flags.
pub fn options(p: &PathArgs) -> BlastOptions {
    BlastOptions {
        max_hops: p.max_hops,
        filter: Filter::strict(p.strict),
    }
}
