//! The whole graph as the CSV files of `neo4j-admin database import full`:
//! one nodes file and one relationships file, each with its typed header
//! row (Neo4j's "import header format": `name:type` fields, `id:ID`,
//! `:LABEL`, `:START_ID`, `:END_ID`, `:TYPE`).
//!
//! - Node labels come from the class, with the category first:
//!   `Identity;Workload`, `Identity;Group`, `Target;Dataset`, `Credential`,
//!   `Scope` (`;` is the importer's array delimiter). The id is the `:ID`
//!   and is kept as the property `id`.
//! - Relationship types are our edge kinds in Neo4j's UPPER_SNAKE style
//!   (`CAN_ACT_AS`); each relationship keeps its id, our kind word, access
//!   level, mechanism, `conditional:boolean` and condition, what it gives
//!   an attacker who holds its start as blast and who-can decide it
//!   (`pivot:boolean`: the attacker goes on from the end; `target_access`:
//!   the access recorded on a target end) and its provenance.
//! - Every text value is quoted with `"`, a `"` inside doubled (RFC 4180,
//!   the importer's default `--quote`; backslashes are plain text as long as
//!   `--legacy-style-quoting` stays off, its default). An absent value is an
//!   empty unquoted field, which the importer skips, so the property is not
//!   set; an empty text is `""`. Text is never split on `;`: only array
//!   fields are, and only `:LABEL` is one here.
//! - A value with a line break needs `--multiline-fields=true`; the export
//!   says whether any has one ([`Neo4jCsv::multiline`]) and
//!   [`import_command`] adds the flag only then, since it slows the importer.
//! - No spreadsheet formula guard: these files are read by `neo4j-admin`,
//!   and the `'` that guards a spreadsheet cell would end up in the database
//!   (the `csv` export, meant for spreadsheets, keeps the guard).
//!
//! The graph holds no secret value, so none is written. Rows are in graph
//! order, so the same graph gives the same bytes.

use blastgraph_graph::Graph;
use blastgraph_model::{Class, EdgeKind};

/// The nodes file's name.
pub const NODES_FILE: &str = "neo4j_nodes.csv";
/// The relationships file's name.
pub const RELATIONSHIPS_FILE: &str = "neo4j_relationships.csv";

/// The nodes file's header fields.
pub const NODE_HEADER: [&str; 12] = [
    "id:ID",
    ":LABEL",
    "name:string",
    "provider:string",
    "kind:string",
    "class:string",
    "owner:string",
    "environment:string",
    "created:string",
    "last_used:string",
    "expires:string",
    "tags:string",
];

/// The relationships file's header fields.
pub const RELATIONSHIP_HEADER: [&str; 14] = [
    ":START_ID",
    ":END_ID",
    ":TYPE",
    "id:string",
    "kind:string",
    "access:string",
    "mechanism:string",
    "conditional:boolean",
    "condition:string",
    "pivot:boolean",
    "target_access:string",
    "source:string",
    "location:string",
    "reason:string",
];

/// The two files, and whether a value spans lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neo4jCsv {
    /// The nodes file.
    pub nodes: String,
    /// The relationships file.
    pub relationships: String,
    /// Some value holds a line break: import with `--multiline-fields=true`.
    pub multiline: bool,
}

/// A node's labels, `;`-separated: the category, then the class.
pub fn labels(class: Class) -> &'static str {
    match class {
        Class::Human => "Identity;Human",
        Class::Workload => "Identity;Workload",
        Class::Group => "Identity;Group",
        Class::Credential => "Credential",
        Class::Secret => "Target;Secret",
        Class::Dataset => "Target;Dataset",
        Class::Model => "Target;Model",
        Class::Tool => "Target;Tool",
        Class::Scope => "Scope",
    }
}

/// A relationship type: the edge kind in upper case (`CAN_ACT_AS`).
pub fn relationship_type(kind: EdgeKind) -> String {
    kind.as_str().to_ascii_uppercase()
}

/// A CSV file being written.
struct Csv {
    out: String,
    multiline: bool,
    first: bool,
}

impl Csv {
    fn new(header: &[&str]) -> Csv {
        let mut c = Csv {
            out: String::new(),
            multiline: false,
            first: true,
        };
        for field in header {
            c.bare(field);
        }
        c.end();
        c
    }

    fn sep(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
    }

    /// A field written as it is (labels, types, booleans, header fields).
    fn bare(&mut self, v: &str) {
        self.sep();
        self.out.push_str(v);
    }

    /// A text value, quoted, with `"` doubled.
    fn text(&mut self, v: &str) {
        self.sep();
        self.multiline |= v.contains(['\n', '\r']);
        self.out.push('"');
        for c in v.chars() {
            if c == '"' {
                self.out.push('"');
            }
            self.out.push(c);
        }
        self.out.push('"');
    }

    /// An optional text value: absent is an empty unquoted field.
    fn opt(&mut self, v: Option<&str>) {
        match v {
            Some(v) => self.text(v),
            None => self.sep(),
        }
    }

    fn boolean(&mut self, b: bool) {
        self.bare(if b { "true" } else { "false" });
    }

    fn end(&mut self) {
        self.out.push('\n');
        self.first = true;
    }
}

/// The graph as the two CSV files.
pub fn neo4j_csv(g: &Graph) -> Neo4jCsv {
    let mut nodes = Csv::new(&NODE_HEADER);
    for n in 0..g.node_count() as u32 {
        let r = g.node(n);
        let a = r.attrs;
        nodes.text(r.id);
        nodes.bare(labels(r.class));
        nodes.text(r.name);
        nodes.text(r.provider);
        nodes.text(r.kind);
        nodes.text(r.class.as_str());
        nodes.opt(a.owner.as_deref());
        nodes.opt(a.environment.as_deref());
        nodes.opt(a.created.as_deref());
        nodes.opt(a.last_used.as_deref());
        nodes.opt(a.expires.as_deref());
        let tags = (!a.tags.is_empty()).then(|| serde_json::to_string(&a.tags).unwrap_or_default());
        nodes.opt(tags.as_deref());
        nodes.end();
    }
    let mut rels = Csv::new(&RELATIONSHIP_HEADER);
    for (e, edge) in g.edges().iter().enumerate() {
        let ix = e as u32;
        rels.text(g.id(edge.from));
        rels.text(g.id(edge.to));
        rels.bare(&relationship_type(edge.kind));
        rels.text(&g.edge_id(ix));
        rels.text(edge.kind.as_str());
        rels.opt(edge.access.map(|a| a.as_str()));
        rels.opt(g.mechanism(ix));
        rels.boolean(edge.conditional);
        rels.opt(g.condition(ix));
        let step = blastgraph_analysis::step(edge, g.class(edge.from), g.class(edge.to));
        rels.boolean(step.pivot);
        rels.opt(step.level.map(|l| l.as_str()));
        let prov = g.provenance(ix);
        rels.text(&prov.source);
        rels.text(&prov.location);
        rels.text(&prov.reason);
        rels.end();
    }
    Neo4jCsv {
        multiline: nodes.multiline || rels.multiline,
        nodes: nodes.out,
        relationships: rels.out,
    }
}

/// A path as one shell word: as it is when it holds only safe characters,
/// else single-quoted.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:=@%,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The command line that imports the two files into the database `neo4j`
/// (which must not exist yet, or add `--overwrite-destination=true`). The
/// database name comes first: `--nodes` and `--relationships` take several
/// files, and a name after them is read as one (Neo4j 5.19 and later).
pub fn import_command(nodes: &str, relationships: &str, multiline: bool) -> String {
    format!(
        "neo4j-admin database import full neo4j --nodes={} --relationships={}{}",
        shell_word(nodes),
        shell_word(relationships),
        if multiline {
            " --multiline-fields=true"
        } else {
            ""
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_quoted_with_quotes_doubled_and_absent_is_empty() {
        let mut c = Csv::new(&["a", "b:string", "c:boolean", "d"]);
        c.text("say \"hi\", ok; \\\"");
        c.opt(None);
        c.boolean(true);
        c.text("");
        c.end();
        assert_eq!(
            c.out,
            "a,b:string,c:boolean,d\n\"say \"\"hi\"\", ok; \\\"\"\",,true,\"\"\n"
        );
        assert!(!c.multiline);
        c.text("two\nlines");
        assert!(c.multiline);
    }

    #[test]
    fn labels_and_types() {
        assert_eq!(labels(Class::Workload), "Identity;Workload");
        assert_eq!(relationship_type(EdgeKind::CanActAs), "CAN_ACT_AS");
        assert_eq!(
            import_command("out/n.csv", "my dir/r.csv", true),
            "neo4j-admin database import full neo4j --nodes=out/n.csv --relationships='my dir/r.csv' --multiline-fields=true"
        );
    }
}
