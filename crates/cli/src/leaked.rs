//! `blast --leaked FILE`: the credentials a pasted log or file shows
//! ([`blastgraph_model::credentials::scan`]), placed on the graph by what
//! identifies them offline, never printed.

use blastgraph_graph::{Graph, NodeIx};
pub use blastgraph_model::credentials::{Finding, scan};

/// Places each finding on the graph, or says why it cannot be.
pub fn place(g: &Graph, findings: &mut [Finding]) -> Vec<NodeIx> {
    let mut starts = Vec::new();
    for f in findings.iter_mut() {
        let found = (0..g.node_count() as NodeIx).find(|&n| {
            let r = g.node(n);
            blastgraph_model::credentials::identifies(
                f.kind,
                f.key.as_deref(),
                (r.id, r.name, r.kind),
                &r.attrs.tags,
            )
        });
        match found {
            Some(n) => {
                f.node = Some(g.id(n).to_string());
                starts.push(n);
            }
            None => {
                f.unplaced = Some(match (f.kind, &f.key) {
                    ("aws access key", Some(_)) => "no input holds this access key (the IAM credential report or list-access-keys would)".into(),
                    ("entra client secret", Some(c)) => format!("no service principal of the inputs has client id {c}"),
                    ("entra client secret", None) => "no client id (a GUID) next to it: whose secret it is cannot be told offline".into(),
                    ("aws temporary access key", _) => "a session credential: the role session it belongs to is not in the inputs (CloudTrail would tell)".into(),
                    ("github token" | "github fine-grained token", _) => "GitHub lists tokens without their values: which one it is cannot be told offline".into(),
                    ("vault token", _) => "which login issued it is not in the inputs (its accessor would tell)".into(),
                    _ => "its format carries no identifier the inputs hold".into(),
                });
            }
        }
    }
    starts.sort_unstable();
    starts.dedup();
    starts
}

/// The findings as text, for the table format.
pub fn text(source: &str, findings: &[Finding], g: &Graph) -> String {
    let mut s = format!("Leaked credentials in {source}: {} found\n", findings.len());
    for f in findings {
        let place = match (&f.node, &f.unplaced) {
            (Some(id), _) => {
                let name = g.lookup(id).map_or(id.as_str(), |n| g.node(n).name);
                format!("→ {name} ({id})")
            }
            (None, Some(why)) => format!("not placed: {why}"),
            _ => String::new(),
        };
        s.push_str(&format!(
            "  line {:<4} {:<27} {:<34} {place}\n",
            f.line, f.kind, f.shown
        ));
    }
    s.push('\n');
    s
}
