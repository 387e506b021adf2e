//! Path diagrams: the paths of an answer (`blast`, `who-can`, `trace`) as a
//! Mermaid flowchart, to paste into a ticket or a Markdown page, or as a
//! Graphviz DOT graph, to render with `dot -Tsvg`. Nodes are coloured by
//! class; a conditional hop is dashed; each hop is labelled with its kind
//! (and access level or mechanism). Names and ids come from inputs, so
//! every label is escaped for its language and control characters are
//! shown as `\u{…}` ([`crate::text::printable`]).

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use blastgraph_analysis::report::{
    BlastReport, HopView, NodeView, ReachedView, TraceReport, WhoCanReport,
};
use blastgraph_model::Class;

/// The paths of an answer, their nodes and hops each kept once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Diagram {
    /// (id, name, class), in the order first met.
    nodes: Vec<(String, String, Option<Class>)>,
    index: HashMap<String, usize>,
    /// (from, to, label, conditional) as node indexes, each hop once, in
    /// the order first met.
    edges: Vec<(usize, usize, String, bool)>,
    drawn: HashSet<(usize, usize, String, bool)>,
    /// Paths left out by the limit.
    pub left_out: usize,
}

impl Diagram {
    fn node(&mut self, id: &str, name: &str, class: Option<Class>) -> usize {
        if let Some(&i) = self.index.get(id) {
            if let (Some(n), Some(c)) = (self.nodes.get_mut(i), class) {
                n.2.get_or_insert(c);
            }
            return i;
        }
        self.nodes.push((id.to_string(), name.to_string(), class));
        self.index.insert(id.to_string(), self.nodes.len() - 1);
        self.nodes.len() - 1
    }

    /// Adds one path from `start`.
    pub fn add_path(&mut self, start: &NodeView, hops: &[HopView]) {
        self.node(&start.id, &start.name, Some(start.class));
        for h in hops {
            let from = self.node(&h.from, &h.from_name, None);
            let to = self.node(&h.to, &h.to_name, Some(h.to_class));
            let mut label = h.kind.clone();
            if let Some(a) = h.access {
                let _ = write!(label, " {}", a.as_str());
            }
            if let Some(m) = &h.mechanism {
                let _ = write!(label, " ({m})");
            }
            let edge = (from, to, label, h.conditional);
            if self.drawn.insert(edge.clone()) {
                self.edges.push(edge);
            }
        }
    }

    /// Whether nothing was drawn.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// A Mermaid flowchart (`flowchart LR`).
    pub fn mermaid(&self) -> String {
        let mut s = String::from("flowchart LR\n");
        for (i, (id, name, class)) in self.nodes.iter().enumerate() {
            let _ = writeln!(s, "    n{i}[\"{}\"]", mermaid_text(&label_of(id, name)));
            if let Some(c) = class {
                let _ = writeln!(s, "    class n{i} {}", c.as_str());
            }
        }
        for (from, to, label, conditional) in &self.edges {
            let arrow = if *conditional { "-.->" } else { "-->" };
            let _ = writeln!(s, "    n{from} {arrow}|\"{}\"| n{to}", mermaid_text(label));
        }
        for (class, fill) in COLOURS {
            let _ = writeln!(s, "    classDef {class} fill:{fill},stroke:#333");
        }
        if self.left_out > 0 {
            let _ = writeln!(s, "    %% {} more paths left out (--limit)", self.left_out);
        }
        s
    }

    /// A Graphviz DOT digraph.
    pub fn dot(&self) -> String {
        let mut s = String::from(
            "digraph blastgraph {\n    rankdir=LR;\n    node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\"];\n",
        );
        for (i, (id, name, class)) in self.nodes.iter().enumerate() {
            let fill = class
                .and_then(|c| COLOURS.iter().find(|(k, _)| *k == c.as_str()))
                .map_or("#ffffff", |(_, f)| f);
            let _ = writeln!(
                s,
                "    n{i} [label=\"{}\", fillcolor=\"{fill}\"];",
                dot_text(&label_of(id, name))
            );
        }
        for (from, to, label, conditional) in &self.edges {
            let style = if *conditional { ", style=dashed" } else { "" };
            let _ = writeln!(
                s,
                "    n{from} -> n{to} [label=\"{}\"{style}];",
                dot_text(label)
            );
        }
        if self.left_out > 0 {
            let _ = writeln!(s, "    // {} more paths left out (--limit)", self.left_out);
        }
        s.push_str("}\n");
        s
    }
}

/// Fill colours by class.
const COLOURS: [(&str, &str); 9] = [
    ("human", "#cfe2ff"),
    ("workload", "#b6d4fe"),
    ("group", "#dbe7ff"),
    ("credential", "#fff3cd"),
    ("secret", "#ffe5b4"),
    ("dataset", "#d1e7dd"),
    ("model", "#e2d9f3"),
    ("tool", "#f8d7da"),
    ("scope", "#e9ecef"),
];

/// What a node shows: its name, and its id when the two differ.
fn label_of(id: &str, name: &str) -> String {
    if name.is_empty() || name == id {
        id.to_string()
    } else {
        format!("{name}\n{id}")
    }
}

/// Text inside a Mermaid `"…"` label: quotes and the characters Mermaid
/// reads as markup become entity codes; newlines are line breaks;
/// control characters are escaped.
fn mermaid_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for part in s.split('\n') {
        if !out.is_empty() {
            out.push_str("<br/>");
        }
        for c in crate::text::printable(part, false).chars() {
            match c {
                '"' => out.push_str("#quot;"),
                '#' => out.push_str("#35;"),
                '<' => out.push_str("#lt;"),
                '>' => out.push_str("#gt;"),
                '|' => out.push_str("#124;"),
                '`' => out.push_str("#96;"),
                c => out.push(c),
            }
        }
    }
    out
}

/// Text inside a DOT `"…"` string: `\` and `"` escaped, newlines as `\n`,
/// control characters escaped.
fn dot_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, part) in s.split('\n').enumerate() {
        if i > 0 {
            out.push_str("\\n");
        }
        for c in crate::text::printable(part, false).chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                c => out.push(c),
            }
        }
    }
    out
}

/// The paths of each reached node, up to `limit` per section.
fn reached(
    d: &mut Diagram,
    start: &dyn Fn(&ReachedView) -> Option<NodeView>,
    rows: &[ReachedView],
    limit: usize,
) {
    for r in rows.iter().take(limit) {
        if let Some(s) = start(r) {
            d.add_path(&s, &r.path);
        }
    }
    d.left_out += rows.len().saturating_sub(limit);
}

/// A blast radius: the witness path of each target, credential, identity
/// and scope reached, up to `limit` of each.
pub fn blast_diagram(r: &BlastReport, limit: usize) -> Diagram {
    let mut d = Diagram::default();
    for c in &r.compromised {
        d.add_path(c, &[]);
    }
    // A path starts at the compromised node its first hop leaves.
    let by_id: HashMap<&str, &NodeView> =
        r.compromised.iter().map(|n| (n.id.as_str(), n)).collect();
    let start = |x: &ReachedView| {
        let first = x.path.first()?;
        by_id.get(first.from.as_str()).map(|n| (*n).clone())
    };
    for rows in [&r.targets, &r.credentials, &r.identities, &r.scopes] {
        reached(&mut d, &start, rows, limit);
    }
    d
}

/// Who can reach a target: each identity's path to it, up to `limit`.
pub fn who_can_diagram(r: &WhoCanReport, limit: usize) -> Diagram {
    let mut d = Diagram::default();
    let start = |x: &ReachedView| Some(x.node.clone());
    reached(&mut d, &start, &r.identities, limit);
    d
}

/// The chains of a trace.
pub fn trace_diagram(r: &TraceReport) -> Diagram {
    let mut d = Diagram::default();
    d.add_path(&r.from, &[]);
    for c in &r.chains {
        d.add_path(&r.from, &c.path);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, class: Class) -> NodeView {
        NodeView {
            id: id.into(),
            name: id.rsplit('/').next().unwrap_or(id).into(),
            kind: "k".into(),
            class,
            owner: None,
            environment: None,
        }
    }

    fn hop(from: &str, to: &str, class: Class, conditional: bool) -> HopView {
        HopView {
            edge: format!("{from}->{to}"),
            from: from.into(),
            from_name: from.rsplit('/').next().unwrap_or(from).into(),
            to: to.into(),
            to_name: to.rsplit('/').next().unwrap_or(to).into(),
            to_class: class,
            kind: "can_assume".into(),
            access: None,
            mechanism: None,
            conditional,
            condition: None,
            source: String::new(),
            location: String::new(),
            reason: String::new(),
        }
    }

    fn two_hops() -> Diagram {
        let mut d = Diagram::default();
        let start = node("arn:aws:iam::1:user/ci", Class::Workload);
        d.add_path(
            &start,
            &[
                hop(
                    "arn:aws:iam::1:user/ci",
                    "arn:aws:iam::1:role/\"admin\"|x",
                    Class::Workload,
                    false,
                ),
                hop(
                    "arn:aws:iam::1:role/\"admin\"|x",
                    "s3://bucket\u{1b}[31m",
                    Class::Dataset,
                    true,
                ),
            ],
        );
        // The same path again adds nothing.
        d.add_path(
            &start,
            &[hop(
                "arn:aws:iam::1:user/ci",
                "arn:aws:iam::1:role/\"admin\"|x",
                Class::Workload,
                false,
            )],
        );
        d
    }

    #[test]
    fn mermaid_draws_each_hop_once_escaped_and_dashed_when_conditional() {
        let m = two_hops().mermaid();
        assert!(m.starts_with("flowchart LR\n"), "{m}");
        assert_eq!(
            m.matches("-->").count() + m.matches("-.->").count(),
            2,
            "{m}"
        );
        assert!(m.contains("n1 -.->|\"can_assume\"| n2"), "{m}");
        assert!(m.contains("#quot;admin#quot;#124;x"), "{m}");
        assert!(!m.contains('\u{1b}') && m.contains("\\u{1b}"), "{m}");
        assert!(
            m.contains("class n2 dataset") && m.contains("classDef workload"),
            "{m}"
        );
    }

    #[test]
    fn dot_is_a_digraph_with_quoted_labels() {
        let d = two_hops().dot();
        assert!(
            d.starts_with("digraph blastgraph {") && d.ends_with("}\n"),
            "{d}"
        );
        assert!(
            d.contains("n1 -> n2 [label=\"can_assume\", style=dashed];"),
            "{d}"
        );
        assert!(d.contains("\\\"admin\\\"|x"), "{d}");
        assert!(!d.contains('\u{1b}'), "{d}");
        // Every quote inside a label is escaped: quotes pair up per line.
        for line in d.lines() {
            let bare = line.replace("\\\"", "");
            assert_eq!(bare.matches('"').count() % 2, 0, "{line}");
        }
    }
}
