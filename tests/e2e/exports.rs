//! Whole-graph exports for other tools, read back as those tools would:
//! BloodHound OpenGraph (`export --to opengraph`) read by our own OpenGraph
//! reader into the same graph, and checked against the documented payload
//! and extension-schema rules; Neo4j import CSV (`export --to neo4j`)
//! parsed against `neo4j-admin`'s documented header format.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use blastgraph_cli::args::InputArgs;
use blastgraph_graph::Graph;
use blastgraph_model::{Attributes, Connector, EstateBuilder};
use serde_json::Value;

use crate::ok;

/// The graph of `inputs` (the demo estate when empty), as every command loads it.
fn load(inputs: &[&Path]) -> Graph {
    blastgraph_cli::inputs::load(
        &InputArgs {
            input: inputs.iter().map(|p| p.to_path_buf()).collect(),
            quiet: true,
            inspect_secret_values: false,
            spill: Default::default(),
        },
        &mut Vec::new(),
    )
    .unwrap()
}

/// `export --to FORMAT` of `inputs` into `dir`; returns what it printed.
fn export(inputs: &[&Path], format: &str, dir: &Path) -> String {
    let d = dir.to_str().unwrap();
    let mut args = vec!["export", "-q", "--to", format, "-o", d];
    for i in inputs {
        args.extend(["-i", i.to_str().unwrap()]);
    }
    ok(&args)
}

/// An estate of names and values that CSV and JSON writers get wrong:
/// delimiters, quotes, a backslash before a quote, line breaks, formulas,
/// tag keys that are no property names, an explicit edge id, an acting edge
/// without mechanism, a grant with a level, provenance with quotes.
fn tricky_estate(dir: &Path) -> PathBuf {
    let p = dir.join("tricky.json");
    let doc = serde_json::json!({
        "format": "blastgraph-estate",
        "version": 1,
        "nodes": [
            {"id": "arn:aws:iam::1:role/semi;colon,comma", "name": "a;b,c \"q\" \\\" back\nline\r\nend\ttab",
             "kind": "aws:role", "class": "workload", "owner": "=cmd|' /C calc'!A0", "environment": "prod",
             "created": "2025-01-31", "last_used": "2025-06-01T10:00:00Z",
             "tags": {"aws:cloudformation:stack-name": "s;1", "Team Name": "x\"y", "n": 3}},
            {"id": "arn:aws:s3:::bucket \"b\"", "name": "@SUM(1)", "kind": "aws:s3_bucket", "class": "dataset"},
            {"id": "google:app/1", "name": "Mail \u{202e}reader", "kind": "google:oauth_app", "class": "workload"},
            {"id": "arn:aws:iam::1:root", "name": "account 1 admin", "kind": "aws:account_admin", "class": "scope"},
            {"id": "vault:kv/ci", "name": "ci", "kind": "vault:kv_secret", "class": "secret", "expires": "2026-01-01"},
            {"id": "key/AKIA1", "name": "AKIA1", "kind": "aws:access_key", "class": "credential"}
        ],
        "edges": [
            {"from": "arn:aws:iam::1:role/semi;colon,comma", "to": "arn:aws:s3:::bucket \"b\"", "kind": "access",
             "access": "read", "mechanism": "s3:GetObject", "id": "explicit-1",
             "condition": "aws:SourceIp in \"10.0.0.0/8\"", "reason": "policy P statement 0"},
            {"from": "arn:aws:iam::1:role/semi;colon,comma", "to": "google:app/1", "kind": "can_act_as"},
            {"from": "google:app/1", "to": "arn:aws:s3:::bucket \"b\"", "kind": "oauth_grant", "access": "write",
             "mechanism": "https://www.googleapis.com/auth/devstorage.read_write"},
            {"from": "arn:aws:iam::1:root", "to": "arn:aws:s3:::bucket \"b\"", "kind": "contains"},
            {"from": "arn:aws:iam::1:role/semi;colon,comma", "to": "arn:aws:iam::1:root", "kind": "can_escalate",
             "mechanism": "iam:AttachRolePolicy", "source": "orig \"a\".json", "location": "$.x[0]",
             "reason": "r;\"why\"\nsecond line"},
            {"from": "arn:aws:iam::1:root", "to": "vault:kv/ci", "kind": "contains"},
            {"from": "vault:kv/ci", "to": "key/AKIA1", "kind": "holds_credential", "conditional": true},
            {"from": "key/AKIA1", "to": "arn:aws:iam::1:role/semi;colon,comma", "kind": "authenticates_as"}
        ]
    });
    std::fs::write(&p, serde_json::to_vec(&doc).unwrap()).unwrap();
    p
}

type NodeRow = (String, String, String, String, String, Attributes);
type EdgeRow = (
    String,
    String,
    String,
    Option<String>,
    bool,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Every node: id, name, provider, kind, class, attributes (tags included).
fn node_rows(g: &Graph) -> Vec<NodeRow> {
    let mut rows: Vec<NodeRow> = (0..g.node_count() as u32)
        .map(|n| {
            let r = g.node(n);
            (
                r.id.into(),
                r.name.into(),
                r.provider.into(),
                r.kind.into(),
                r.class.as_str().into(),
                r.attrs.clone(),
            )
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

/// Every edge: from, to, kind, access, conditional, condition, mechanism,
/// explicit id; sorted, so parallel edges compare as a multiset.
fn edge_rows(g: &Graph) -> Vec<EdgeRow> {
    let mut rows: Vec<EdgeRow> = g
        .edges()
        .iter()
        .enumerate()
        .map(|(e, c)| {
            let e = e as u32;
            (
                g.id(c.from).into(),
                g.id(c.to).into(),
                c.kind.as_str().into(),
                c.access.map(|a| a.as_str().into()),
                c.conditional,
                g.condition(e).map(Into::into),
                g.mechanism(e).map(Into::into),
                g.explicit_edge_id(e).map(Into::into),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// `graph.json` read with the OpenGraph connector and built; fails on any
/// diagnostic.
fn read_opengraph(path: &Path) -> Graph {
    let bytes = std::fs::read(path).unwrap();
    let name = path.to_string_lossy();
    let mut b = EstateBuilder::new();
    b.begin_input(&name, "opengraph", String::new(), bytes.len() as u64);
    blastgraph_connector_opengraph::OpenGraphConnector
        .ingest(&name, &bytes, &mut b)
        .unwrap();
    let estate = b.finish();
    let problems: Vec<String> = estate.diagnostics.iter().map(ToString::to_string).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    Graph::build(estate)
}

/// `export --to opengraph`, read back with our OpenGraph reader, is the graph
/// it came from: the same nodes (id, name, provider, kind, class, owner,
/// environment, dates, tags) and the same edges (ends, kind, access,
/// conditional, condition, mechanism, explicit id), for the demo estate, the
/// pivot-chain fixture, the hostile estate (control characters, quotes,
/// bidirectional overrides) and an estate of CSV-hostile names. Every file
/// also keeps the documented OpenGraph rules.
#[test]
fn the_opengraph_export_reads_back_as_the_same_graph() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = crate::inputs_outputs::hostile_estate(dir.path());
    let tricky = tricky_estate(dir.path());
    let pivot = Path::new(crate::PIVOT);
    for (label, inputs) in [
        ("demo", vec![]),
        ("pivot", vec![pivot]),
        ("hostile", vec![hostile.as_path()]),
        ("tricky", vec![tricky.as_path()]),
    ] {
        let out = dir.path().join(format!("og-{label}"));
        let printed = export(&inputs, "opengraph", &out);
        assert!(printed.contains("graph.json") && printed.contains("schema.json"));
        let original = load(&inputs);
        let back = read_opengraph(&out.join("graph.json"));
        assert_eq!(node_rows(&back), node_rows(&original), "{label}: nodes");
        assert_eq!(edge_rows(&back), edge_rows(&original), "{label}: edges");
        assert!(original.edge_count() > 0, "{label}");
        let graph: Value =
            serde_json::from_slice(&std::fs::read(out.join("graph.json")).unwrap()).unwrap();
        let schema: Value =
            serde_json::from_slice(&std::fs::read(out.join("schema.json")).unwrap()).unwrap();
        check_opengraph_rules(&graph, &schema, &original);
    }
    // The hostile name is the same text, control characters and all.
    let back = read_opengraph(&dir.path().join("og-hostile/graph.json"));
    let evil = back.node(back.lookup("role/evil").unwrap()).name;
    assert_eq!(
        evil,
        "=HYPERLINK(\"http://x\")\u{1b}[31mred\nfake line\u{202e}txt"
    );
    // The same graph gives the same bytes.
    let again = dir.path().join("og-demo-again");
    export(&[], "opengraph", &again);
    for f in ["graph.json", "schema.json"] {
        assert_eq!(
            std::fs::read(again.join(f)).unwrap(),
            std::fs::read(dir.path().join("og-demo").join(f)).unwrap(),
            "{f}"
        );
    }
}

/// The rules of BloodHound's OpenGraph documentation (data payload, nodes,
/// edges, metadata, extension definition schema) that the files must keep.
fn check_opengraph_rules(graph: &Value, schema: &Value, g: &Graph) {
    let keys = |v: &Value| -> BTreeSet<String> { v.as_object().unwrap().keys().cloned().collect() };
    let set =
        |items: &[&str]| -> BTreeSet<String> { items.iter().map(|s| s.to_string()).collect() };
    // Payload: `metadata` holds `source_kind` only; `graph` nodes and edges.
    assert_eq!(keys(graph), set(&["metadata", "graph"]));
    assert_eq!(keys(&graph["metadata"]), set(&["source_kind"]));
    let source_kind = graph["metadata"]["source_kind"].as_str().unwrap();
    assert_eq!(keys(&graph["graph"]), set(&["nodes", "edges"]));
    // Schema: metadata, then namespaced, unique kind names.
    let meta = &schema["schema"];
    let ns = meta["namespace"].as_str().unwrap();
    for f in ["name", "display_name", "version", "namespace"] {
        assert!(meta[f].as_str().is_some_and(|s| !s.is_empty()), "{f}");
    }
    let version = meta["version"].as_str().unwrap();
    let semver = version
        .strip_prefix('v')
        .map(|v| v.split('.').collect::<Vec<_>>())
        .unwrap_or_default();
    assert!(
        semver.len() == 3 && semver.iter().all(|p| p.parse::<u32>().is_ok()),
        "{version}"
    );
    let mut declared_nodes = BTreeMap::new();
    for k in schema["node_kinds"].as_array().unwrap() {
        let name = k["name"].as_str().unwrap();
        assert!(
            name.starts_with(&format!("{ns}_")) && name.len() > ns.len() + 1,
            "{name}"
        );
        assert!(k["display_name"].as_str().is_some(), "{name}");
        if let Some(color) = k.get("color") {
            let c = color.as_str().unwrap();
            let hex = c.strip_prefix('#').unwrap();
            assert!(
                (hex.len() == 3 || hex.len() == 6) && hex.chars().all(|c| c.is_ascii_hexdigit()),
                "{c}"
            );
        }
        let display = k["is_display_kind"].as_bool().unwrap();
        assert!(
            declared_nodes.insert(name.to_string(), display).is_none(),
            "{name} twice"
        );
    }
    let mut declared_edges = BTreeSet::new();
    for k in schema["relationship_kinds"].as_array().unwrap() {
        let name = k["name"].as_str().unwrap();
        assert!(name.starts_with(&format!("{ns}_")), "{name}");
        assert!(k["is_traversable"].is_boolean(), "{name}");
        assert!(declared_edges.insert(name.to_string()), "{name} twice");
    }
    // Properties: flat primitives under lowercase names, no `objectid`.
    let check_properties = |p: &Value, at: &str| {
        for (key, value) in p.as_object().unwrap() {
            assert!(
                key.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{at}: property name `{key}`"
            );
            assert_ne!(key, "objectid", "{at}");
            assert!(
                value.is_string() || value.is_number() || value.is_boolean(),
                "{at}: `{key}` is {value}"
            );
        }
    };
    let nodes = graph["graph"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), g.node_count());
    let mut ids = BTreeSet::new();
    for (i, n) in nodes.iter().enumerate() {
        let at = format!("nodes[{i}]");
        assert!(
            keys(n).is_subset(&set(&["id", "kinds", "properties"])),
            "{at}"
        );
        assert!(
            ids.insert(n["id"].as_str().unwrap().to_string()),
            "{at}: id twice"
        );
        let kinds: Vec<&str> = n["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        // At most three kinds, the source kind BloodHound appends included.
        let mut all: BTreeSet<&str> = kinds.iter().copied().collect();
        all.insert(source_kind);
        assert!(!kinds.is_empty() && all.len() <= 3, "{at}: {kinds:?}");
        assert_eq!(
            declared_nodes.get(kinds[0]),
            Some(&true),
            "{at}: primary kind"
        );
        for k in &kinds {
            assert!(declared_nodes.contains_key(*k), "{at}: `{k}` undeclared");
        }
        check_properties(&n["properties"], &at);
    }
    let edges = graph["graph"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), g.edge_count());
    for (i, e) in edges.iter().enumerate() {
        let at = format!("edges[{i}]");
        assert!(
            keys(e).is_subset(&set(&["kind", "start", "end", "properties"])),
            "{at}"
        );
        let kind = e["kind"].as_str().unwrap();
        assert!(
            !kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{at}: kind `{kind}`"
        );
        assert!(declared_edges.contains(kind), "{at}: `{kind}` undeclared");
        for end in ["start", "end"] {
            assert_eq!(keys(&e[end]), set(&["value", "match_by"]), "{at}.{end}");
            assert_eq!(e[end]["match_by"], "id", "{at}.{end}");
            assert!(
                ids.contains(e[end]["value"].as_str().unwrap()),
                "{at}.{end}"
            );
        }
        check_properties(&e["properties"], &at);
    }
}

/// One CSV field: `None` for an empty unquoted field (the importer sets no
/// property), else the text, and whether it was quoted.
type Field = Option<(String, bool)>;

/// Parses CSV as `neo4j-admin` reads it by default: `,` between fields, `"`
/// quotes, `""` a quote inside quotes, line breaks inside quotes kept.
fn parse_csv(text: &str) -> Vec<Vec<Field>> {
    let mut rows = Vec::new();
    let mut row: Vec<Field> = Vec::new();
    let mut chars = text.chars().peekable();
    let mut at_field_start = true;
    while chars.peek().is_some() {
        let mut value = String::new();
        let quoted = chars.peek() == Some(&'"');
        if quoted {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        value.push('"');
                    }
                    Some('"') => break,
                    Some(c) => value.push(c),
                    None => panic!("unterminated quoted field"),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' || c == '\n' {
                    break;
                }
                assert!(
                    c != '"' && c != '\r',
                    "a quote or CR in an unquoted field: {value}{c}"
                );
                value.push(c);
                chars.next();
            }
        }
        row.push((quoted || !value.is_empty()).then_some((value, quoted)));
        at_field_start = false;
        match chars.next() {
            Some(',') => at_field_start = true,
            Some('\n') => rows.push(std::mem::take(&mut row)),
            None => break,
            Some(c) => panic!("`{c}` after a closing quote"),
        }
    }
    assert!(
        !at_field_start && row.is_empty(),
        "the file ends with its last row's newline"
    );
    rows
}

/// The documented property types of the import header format.
const TYPES: [&str; 17] = [
    "int",
    "long",
    "float",
    "double",
    "boolean",
    "byte",
    "short",
    "char",
    "string",
    "point",
    "date",
    "localtime",
    "time",
    "localdatetime",
    "datetime",
    "duration",
    "vector",
];

/// A header field as `(name, type)`: `:LABEL` is `("", "LABEL")`, `id:ID`
/// `("id", "ID")`, `name:string` `("name", "string")`; fails on anything the
/// documented header format does not have.
fn header_field(f: &str) -> (&str, &str) {
    let (name, ty) = f
        .split_once(':')
        .unwrap_or_else(|| panic!("`{f}` has no type"));
    let keyword = ["ID", "LABEL", "START_ID", "END_ID", "TYPE", "IGNORE"].contains(&ty);
    let property = TYPES.contains(&ty.strip_suffix("[]").unwrap_or(ty));
    assert!(keyword || property, "`{f}`: unknown type `{ty}`");
    if property {
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "`{f}`: property name"
        );
    }
    if ["LABEL", "START_ID", "END_ID", "TYPE"].contains(&ty) {
        assert!(name.is_empty(), "`{f}` takes no name");
    }
    (name, ty)
}

/// One relationship, parsed.
struct Rel {
    start: String,
    end: String,
    ty: String,
    kind: String,
    conditional: bool,
    pivot: bool,
    target_access: Option<String>,
}

/// What the files hold, parsed.
struct Neo4jFiles {
    /// Node id → (labels, name).
    nodes: BTreeMap<String, (Vec<String>, String)>,
    /// Every relationship.
    rels: Vec<Rel>,
    /// Every text value.
    texts: Vec<String>,
}

/// Reads the two files against the header format.
fn read_neo4j(dir: &Path) -> Neo4jFiles {
    let read = |f: &str| parse_csv(&std::fs::read_to_string(dir.join(f)).unwrap());
    let field = |v: &Field| v.as_ref().map(|(s, _)| s.clone());
    let mut files = Neo4jFiles {
        nodes: BTreeMap::new(),
        rels: Vec::new(),
        texts: Vec::new(),
    };
    let check_row = |header: &[(&str, &str)], row: &[Field], texts: &mut Vec<String>| {
        assert_eq!(row.len(), header.len(), "{row:?}");
        for ((name, ty), v) in header.iter().zip(row) {
            match (*ty, v) {
                ("boolean", Some((b, false))) => {
                    assert!(b == "true" || b == "false", "{name}: {b}")
                }
                ("boolean", other) => panic!("{name}: boolean {other:?}"),
                ("LABEL" | "TYPE", Some((_, true))) => panic!("{name} quoted"),
                ("ID" | "START_ID" | "END_ID", None) => panic!("an empty {ty}"),
                ("string", Some((s, quoted))) => {
                    assert!(quoted, "{name}: text unquoted");
                    texts.push(s.clone());
                }
                _ => {}
            }
        }
    };
    let nodes = read("neo4j_nodes.csv");
    let (head, rows) = nodes.split_first().unwrap();
    let head: Vec<String> = head.iter().map(|f| field(f).unwrap()).collect();
    let header: Vec<(&str, &str)> = head.iter().map(|f| header_field(f)).collect();
    let col = |ty: &str, name: &str| {
        let found: Vec<usize> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| h.1 == ty && h.0 == name)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(found.len(), 1, "one `{name}:{ty}` column");
        found[0]
    };
    let (id, label, name) = (col("ID", "id"), col("LABEL", ""), col("string", "name"));
    for row in rows {
        check_row(&header, row, &mut files.texts);
        let labels: Vec<String> = field(&row[label])
            .unwrap()
            .split(';')
            .map(str::to_string)
            .collect();
        for l in &labels {
            assert!(
                l.starts_with(|c: char| c.is_ascii_uppercase())
                    && l.chars().all(|c| c.is_ascii_alphanumeric()),
                "label `{l}`"
            );
        }
        let previous = files.nodes.insert(
            field(&row[id]).unwrap(),
            (labels, field(&row[name]).unwrap()),
        );
        assert!(previous.is_none(), "a node id twice");
    }
    let rels = read("neo4j_relationships.csv");
    let (head, rows) = rels.split_first().unwrap();
    let head: Vec<String> = head.iter().map(|f| field(f).unwrap()).collect();
    let header: Vec<(&str, &str)> = head.iter().map(|f| header_field(f)).collect();
    let col = |ty: &str, name: &str| {
        header
            .iter()
            .position(|h| h.1 == ty && h.0 == name)
            .unwrap()
    };
    let (start, end, ty, kind) = (
        col("START_ID", ""),
        col("END_ID", ""),
        col("TYPE", ""),
        col("string", "kind"),
    );
    let (conditional, pivot, target_access) = (
        col("boolean", "conditional"),
        col("boolean", "pivot"),
        col("string", "target_access"),
    );
    for row in rows {
        check_row(&header, row, &mut files.texts);
        let t = field(&row[ty]).unwrap();
        assert!(
            t.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
            "type `{t}`"
        );
        let flag = |i: usize| field(&row[i]).as_deref() == Some("true");
        files.rels.push(Rel {
            start: field(&row[start]).unwrap(),
            end: field(&row[end]).unwrap(),
            ty: t,
            kind: field(&row[kind]).unwrap(),
            conditional: flag(conditional),
            pivot: flag(pivot),
            target_access: field(&row[target_access]),
        });
    }
    files
}

/// What the README's Cypher query computes, over the parsed files: the
/// targets reached from `start` along pivot relationships, each with the
/// highest `target_access` of a relationship into it; `strict` drops
/// conditional relationships.
fn reach_over_csv(files: &Neo4jFiles, start: &str, strict: bool) -> BTreeMap<String, String> {
    const LEVELS: [&str; 5] = ["read", "invoke", "execute", "write", "admin"];
    let rank = |l: &str| LEVELS.iter().position(|x| *x == l).unwrap();
    let mut held = BTreeSet::from([start.to_string()]);
    let mut queue = vec![start.to_string()];
    let mut reached: BTreeMap<String, String> = BTreeMap::new();
    while let Some(n) = queue.pop() {
        for r in files.rels.iter().filter(|r| r.start == n) {
            if strict && r.conditional {
                continue;
            }
            if let Some(level) = &r.target_access {
                let best = reached
                    .entry(r.end.clone())
                    .or_insert_with(|| level.clone());
                if rank(level) > rank(best) {
                    *best = level.clone();
                }
            }
            if r.pivot && held.insert(r.end.clone()) {
                queue.push(r.end.clone());
            }
        }
    }
    reached
}

/// `export --to neo4j` writes a nodes and a relationships file whose headers
/// parse as `name:type` fields of the documented types; rows parse back (as
/// `neo4j-admin` reads them by default) to the graph's ids, names, labels
/// and counts; every relationship's ends are node ids; text with quotes,
/// `;`, commas and line breaks survives; formula-like text is kept as it is;
/// the printed import command asks for multi-line fields only when a value
/// has a line break.
#[test]
fn the_neo4j_export_parses_against_the_import_header_format() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = crate::inputs_outputs::hostile_estate(dir.path());
    let tricky = tricky_estate(dir.path());
    for (label, inputs, multiline) in [
        ("demo", vec![], false),
        ("hostile", vec![hostile.as_path()], true),
        ("tricky", vec![tricky.as_path()], true),
    ] {
        let out = dir.path().join(format!("neo4j-{label}"));
        let printed = export(&inputs, "neo4j", &out);
        let command = printed
            .lines()
            .find_map(|l| l.strip_prefix("import with: "))
            .unwrap();
        assert!(
            command.starts_with("neo4j-admin database import full neo4j --nodes=")
                && command.contains("--relationships="),
            "{command}"
        );
        assert_eq!(
            command.contains("--multiline-fields=true"),
            multiline,
            "{label}"
        );
        let g = load(&inputs);
        let files = read_neo4j(&out);
        assert_eq!(files.nodes.len(), g.node_count(), "{label}");
        assert_eq!(files.rels.len(), g.edge_count(), "{label}");
        for n in 0..g.node_count() as u32 {
            let r = g.node(n);
            let (labels, name) = &files.nodes[r.id];
            assert_eq!(name, r.name, "{label}");
            let class = r.class.as_str();
            assert!(
                labels.iter().any(|l| l.to_lowercase() == class),
                "{labels:?}"
            );
        }
        let mut expected: Vec<(String, String, String)> = g
            .edges()
            .iter()
            .map(|e| {
                (
                    g.id(e.from).into(),
                    g.id(e.to).into(),
                    e.kind.as_str().into(),
                )
            })
            .collect();
        let mut found: Vec<(String, String, String)> = files
            .rels
            .iter()
            .map(|r| {
                assert!(
                    files.nodes.contains_key(&r.start) && files.nodes.contains_key(&r.end),
                    "{} -> {}",
                    r.start,
                    r.end
                );
                assert_eq!(r.ty, r.kind.to_uppercase());
                (r.start.clone(), r.end.clone(), r.kind.clone())
            })
            .collect();
        expected.sort();
        found.sort();
        assert_eq!(found, expected, "{label}");
        if label == "demo" {
            // `pivot` and `target_access` say what blast does: following
            // them from any identity reaches blast's targets at blast's
            // levels, firm and possible.
            let rank = crate::json(&ok(&["rank", "-q", "--format", "json"]));
            let starts: Vec<&str> = rank
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap())
                .collect();
            assert!(starts.len() > 10);
            for start in starts {
                for strict in [false, true] {
                    let mut args = vec!["blast", "-q", "-c", start, "--format", "json"];
                    if strict {
                        args.push("--strict");
                    }
                    let blast = crate::json(&ok(&args));
                    let expected: BTreeMap<String, String> = blast["targets"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|t| {
                            let id = t["id"].as_str().unwrap().to_string();
                            (id, t["access"].as_str().unwrap().to_string())
                        })
                        .collect();
                    assert_eq!(
                        reach_over_csv(&files, start, strict),
                        expected,
                        "{start} strict={strict}"
                    );
                }
            }
        }
        if label == "tricky" {
            let role = &files.nodes["arn:aws:iam::1:role/semi;colon,comma"];
            assert_eq!(role.0, ["Identity", "Workload"]);
            assert_eq!(role.1, "a;b,c \"q\" \\\" back\nline\r\nend\ttab");
            // No spreadsheet guard: the values are what the database gets.
            assert!(files.texts.iter().any(|t| t == "@SUM(1)"));
            assert!(files.texts.iter().any(|t| t == "=cmd|' /C calc'!A0"));
            assert!(files.texts.iter().any(|t| t == "r;\"why\"\nsecond line"));
        }
    }
}
