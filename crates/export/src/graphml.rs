//! The whole graph as GraphML (<http://graphml.graphdrawing.org/>), for
//! Gephi, yEd, NetworkX and igraph: every node with its name, provider,
//! kind and class; every edge with its id, kind, access level, mechanism,
//! whether it is conditional, and its provenance (file, place, reason).
//! Text is XML-escaped; characters XML 1.0 cannot hold (most control
//! characters) are written as `\u{…}`.

use std::fmt::Write;

use blastgraph_graph::Graph;
use blastgraph_model::AccessLevel;

/// The GraphML keys: (id, for, name, type).
const KEYS: [(&str, &str, &str, &str); 11] = [
    ("n_name", "node", "name", "string"),
    ("n_provider", "node", "provider", "string"),
    ("n_kind", "node", "kind", "string"),
    ("n_class", "node", "class", "string"),
    ("e_id", "edge", "id", "string"),
    ("e_kind", "edge", "kind", "string"),
    ("e_access", "edge", "access", "string"),
    ("e_mechanism", "edge", "mechanism", "string"),
    ("e_conditional", "edge", "conditional", "boolean"),
    ("e_condition", "edge", "condition", "string"),
    ("e_reason", "edge", "reason", "string"),
];

/// Text as XML character data or an attribute value.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn data(out: &mut String, key: &str, value: &str) {
    let _ = write!(out, "<data key=\"{key}\">{}</data>", xml(value));
}

/// The graph as one GraphML document.
pub fn graphml(g: &Graph) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    for (id, on, name, ty) in KEYS {
        let _ = writeln!(
            s,
            "  <key id=\"{id}\" for=\"{on}\" attr.name=\"{name}\" attr.type=\"{ty}\"/>"
        );
    }
    s.push_str("  <graph id=\"blastgraph\" edgedefault=\"directed\">\n");
    for n in 0..g.node_count() as u32 {
        let r = g.node(n);
        let _ = write!(s, "    <node id=\"{}\">", xml(r.id));
        data(&mut s, "n_name", r.name);
        data(&mut s, "n_provider", r.provider);
        data(&mut s, "n_kind", r.kind);
        data(&mut s, "n_class", r.class.as_str());
        s.push_str("</node>\n");
    }
    for (e, edge) in g.edges().iter().enumerate() {
        let e = e as u32;
        let _ = write!(
            s,
            "    <edge source=\"{}\" target=\"{}\">",
            xml(g.id(edge.from)),
            xml(g.id(edge.to))
        );
        data(&mut s, "e_id", &g.edge_id(e));
        data(&mut s, "e_kind", edge.kind.as_str());
        if let Some(a) = edge.access {
            data(&mut s, "e_access", AccessLevel::as_str(a));
        }
        if let Some(m) = g.mechanism(e) {
            data(&mut s, "e_mechanism", m);
        }
        data(
            &mut s,
            "e_conditional",
            if edge.conditional { "true" } else { "false" },
        );
        if let Some(c) = g.condition(e) {
            data(&mut s, "e_condition", c);
        }
        data(&mut s, "e_reason", &g.provenance(e).reason);
        s.push_str("</edge>\n");
    }
    s.push_str("  </graph>\n</graphml>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_unholdable_characters_are_shown() {
        assert_eq!(
            xml("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
        assert_eq!(xml("x\u{1b}[31m"), "x\\u{1b}[31m");
        assert_eq!(xml("line\nnext"), "line\nnext");
    }
}
