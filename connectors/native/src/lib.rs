//! The native estate format: blastgraph's own JSON, the generic connector.
//!
//! Any tool can feed blastgraph by writing this format, and tests state
//! scenarios in it compactly. The format is documented in
//! `docs/estate-format.md`:
//!
//! ```json
//! {"format": "blastgraph-estate", "version": 1,
//!  "nodes": [{"id": "...", "kind": "aws:role", "class": "workload", ...}],
//!  "edges": [{"from": "...", "to": "...", "kind": "can_assume", "reason": "...", ...}]}
//! ```
//!
//! Reading is parse-then-validate: the file is parsed as JSON, then every
//! record is validated on its own into a [`Node`] or an [`Edge`]. A bad record
//! is reported with its JSON path and skipped; the rest are kept. Unknown
//! fields are reported as warnings (they are usually typos). A key given
//! twice in one object costs its record (`$.nodes[3]`), or the file when it
//! is outside every record (two `nodes` arrays); see
//! [`blastgraph_model::json`]. A leading UTF-8 byte-order mark is skipped.

use std::collections::BTreeMap;

use blastgraph_model::json::{
    Obj, RecordError, for_each_record, looks_like_date, stream_document, strip_bom, type_name,
};
use blastgraph_model::{
    AccessLevel, Attributes, Class, Code, Connector, Edge, EdgeKind, Estate, EstateBuilder,
    IngestError, Node, Provenance,
};
use serde_json::{Map, Value, json};

/// The value of the top-level `format` field.
pub const FORMAT: &str = "blastgraph-estate";
/// The format version this crate reads and writes.
pub const VERSION: u64 = 1;

const NODE_FIELDS: &[&str] = &[
    "id",
    "name",
    "provider",
    "kind",
    "class",
    "owner",
    "environment",
    "tags",
    "created",
    "last_used",
    "expires",
];
const EDGE_FIELDS: &[&str] = &[
    "id",
    "from",
    "to",
    "kind",
    "access",
    "mechanism",
    "conditional",
    "condition",
    "reason",
    "source",
    "location",
];

/// The native format in the provider registry.
pub static PROVIDER: blastgraph_model::Provider = blastgraph_model::Provider {
    name: "native",
    accepts: "a blastgraph estate (`\"format\": \"blastgraph-estate\"`)",
    docs: "docs/estate-format.md",
    connector: &NativeConnector,
};

/// Reads and writes the native estate format.
#[derive(Debug, Default, Clone, Copy)]
pub struct NativeConnector;

impl Connector for NativeConnector {
    fn name(&self) -> &'static str {
        "native"
    }

    fn detect(&self, _path: &str, head: &[u8]) -> bool {
        let head = String::from_utf8_lossy(strip_bom(head));
        head.trim_start().starts_with('{') && head.contains(FORMAT)
    }

    fn ingest(&self, path: &str, bytes: &[u8], out: &mut EstateBuilder) -> Result<(), IngestError> {
        // Records are read as they are parsed: an estate of millions of
        // records is never held as one JSON tree.
        stream_document(
            path,
            bytes,
            out,
            &["nodes", "edges"],
            &mut |top, out| check_top(top, path, out),
            &mut |key, o, out| match key {
                "nodes" => read_node(o, path, out),
                _ => read_edge(o, path, out),
            },
        )
    }
}

/// The top-level fields: format and version, unknown fields, and `nodes`
/// and `edges` that are not arrays.
fn check_top(top: &Obj<'_>, path: &str, out: &mut EstateBuilder) -> Result<(), IngestError> {
    let shape = |location: &str, message: String| IngestError::Shape {
        file: path.to_string(),
        location: location.to_string(),
        message,
    };
    match top
        .opt_str("format")
        .map_err(|e| shape(&e.location, e.message))?
    {
        Some(FORMAT) => {}
        other => {
            return Err(shape(
                "$.format",
                format!(
                    "expected `{FORMAT}`, found {}",
                    other.map_or("nothing".into(), |o| format!("`{o}`"))
                ),
            ));
        }
    }
    match top.map.get("version") {
        Some(Value::Number(n)) if n.as_u64() == Some(VERSION) => {}
        Some(other) => {
            return Err(shape(
                "$.version",
                format!("unsupported version {other}, this blastgraph reads version {VERSION}"),
            ));
        }
        None => {
            return Err(shape(
                "$.version",
                "missing required field `version`".into(),
            ));
        }
    }
    for key in top.unknown_keys(&["format", "version", "nodes", "edges", "metadata"]) {
        out.warning_code(
            blastgraph_model::Code::UnknownField,
            top.at(key),
            format!("unknown field `{key}` ignored"),
        );
    }
    // Not arrays: reported here (the arrays themselves are streamed).
    for key in ["nodes", "edges"] {
        for_each_record(top, key, out, |_, _| Ok::<(), RecordError>(()));
    }
    Ok(())
}

fn parse_word<T: std::str::FromStr<Err = blastgraph_model::UnknownName>>(
    o: &Obj<'_>,
    key: &str,
    value: &str,
) -> Result<T, RecordError> {
    value
        .parse::<T>()
        .map_err(|e| RecordError::new(Code::UnknownName, o.at(key), e.to_string()))
}

fn read_node(o: &Obj<'_>, _file: &str, out: &mut EstateBuilder) -> Result<(), RecordError> {
    let id = o.req_str("id")?;
    let kind = o.req_str("kind")?;
    let class: Class = parse_word(o, "class", o.req_str("class")?)?;
    let provider = match o.opt_str("provider")? {
        Some(p) => p.to_string(),
        None => kind.split(':').next().unwrap_or(kind).to_string(),
    };
    let name = match o.opt_str("name")? {
        Some(n) => n.to_string(),
        None => default_name(id),
    };
    let mut attrs = Attributes {
        owner: o.opt_str("owner")?.map(str::to_string),
        environment: o.opt_str("environment")?.map(str::to_string),
        ..Attributes::default()
    };
    for (key, slot) in [
        ("created", &mut attrs.created),
        ("last_used", &mut attrs.last_used),
        ("expires", &mut attrs.expires),
    ] {
        if let Some(d) = o.opt_str(key)? {
            if !looks_like_date(d) {
                return Err((
                    o.at(key),
                    format!(
                        "expected an RFC 3339 date such as `2025-01-31T12:00:00Z`, found `{d}`"
                    ),
                )
                    .into());
            }
            *slot = Some(d.to_string());
        }
    }
    match o.map.get("tags") {
        None | Some(Value::Null) => {}
        Some(Value::Object(tags)) => {
            for (k, v) in tags {
                let text = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(_) | Value::Bool(_) => v.to_string(),
                    other => {
                        return Err((
                            format!("{}.{k}", o.at("tags")),
                            format!("expected a string tag value, found {}", type_name(other)),
                        )
                            .into());
                    }
                };
                attrs.tags.insert(k.clone(), text);
            }
        }
        Some(other) => {
            return Err((
                o.at("tags"),
                format!("expected an object of strings, found {}", type_name(other)),
            )
                .into());
        }
    }
    for key in o.unknown_keys(NODE_FIELDS) {
        out.warning_code(
            blastgraph_model::Code::UnknownField,
            o.at(key),
            format!("unknown field `{key}` ignored"),
        );
    }
    out.add_node(
        Node {
            id: id.to_string(),
            name,
            provider,
            kind: kind.to_string(),
            class,
            attrs,
        },
        &o.path,
    );
    Ok(())
}

fn read_edge(o: &Obj<'_>, file: &str, out: &mut EstateBuilder) -> Result<(), RecordError> {
    let from = o.req_str("from")?;
    let to = o.req_str("to")?;
    let kind: EdgeKind = parse_word(o, "kind", o.req_str("kind")?)?;
    let access: Option<AccessLevel> = match o.opt_str("access")? {
        Some(a) => Some(parse_word(o, "access", a)?),
        None => None,
    };
    let conditional = o.opt_bool("conditional")?.unwrap_or(false);
    let condition = o.opt_str("condition")?.map(str::to_string);
    for key in o.unknown_keys(EDGE_FIELDS) {
        out.warning_code(
            blastgraph_model::Code::UnknownField,
            o.at(key),
            format!("unknown field `{key}` ignored"),
        );
    }
    let location = o.opt_str("location")?;
    // An edge placed at its own record (no location, or the record's path,
    // as `gen` writes) shares its place with none.
    let own_place = location.is_none_or(|l| l == o.path);
    let provenance = Provenance {
        source: o.opt_str("source")?.unwrap_or(file).to_string(),
        location: location.map_or_else(|| o.path.clone(), str::to_string),
        reason: o
            .opt_str("reason")?
            .map_or_else(|| "declared in the estate file".to_string(), str::to_string),
    };
    let edge = Edge {
        id: o.opt_str("id")?.map(str::to_string),
        from: from.to_string(),
        to: to.to_string(),
        kind,
        access,
        mechanism: o.opt_str("mechanism")?.map(str::to_string),
        conditional: conditional || condition.is_some(),
        condition,
        provenance,
    };
    if own_place {
        out.add_edge_own_place(edge);
    } else {
        out.add_edge(edge);
    }
    Ok(())
}

/// The display name used when a node has none: the id's last path or ARN segment.
pub fn default_name(id: &str) -> String {
    id.rsplit(['/', ':'])
        .find(|s| !s.is_empty())
        .unwrap_or(id)
        .to_string()
}

/// Writes an estate in the native format (pretty JSON, stable field order).
///
/// Provenance `source` and `location` are written only where they differ from
/// what reading the written file would give back.
pub fn to_native_json(estate: &Estate) -> Result<String, serde_json::Error> {
    let nodes: Vec<Value> = estate.nodes.iter().map(node_json).collect();
    let edges: Vec<Value> = estate.edges.iter().map(|e| edge_json(&e)).collect();
    let doc = json!({
        "format": FORMAT,
        "version": VERSION,
        "nodes": nodes,
        "edges": edges,
    });
    serde_json::to_string_pretty(&doc)
}

/// Writes a native estate file record by record, one record a line, for
/// estates too large to hold as one JSON tree (`blastgraph gen -o x.json`):
/// [`NativeWriter::new`] writes the head, [`NativeWriter::edge`] each edge
/// as it comes, [`NativeWriter::finish`] the nodes and the end. The edges
/// come first in such a file; the reader does not mind the order.
pub struct NativeWriter<W: std::io::Write> {
    w: W,
    edges: usize,
}

impl<W: std::io::Write> NativeWriter<W> {
    /// Starts the file.
    pub fn new(mut w: W) -> std::io::Result<Self> {
        write!(
            w,
            "{{\"format\": \"{FORMAT}\", \"version\": {VERSION},\n\"edges\": ["
        )?;
        Ok(NativeWriter { w, edges: 0 })
    }

    /// Writes one edge.
    pub fn edge(&mut self, e: &Edge) -> std::io::Result<()> {
        self.w
            .write_all(if self.edges == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut self.w, &edge_json(e))?;
        self.edges += 1;
        Ok(())
    }

    /// Writes the nodes and ends the file; returns the writer, flushed.
    pub fn finish(mut self, nodes: &[Node]) -> std::io::Result<W> {
        self.w.write_all(b"\n],\n\"nodes\": [")?;
        for (i, n) in nodes.iter().enumerate() {
            self.w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer(&mut self.w, &node_json(n))?;
        }
        self.w.write_all(b"\n]}\n")?;
        self.w.flush()?;
        Ok(self.w)
    }
}

fn node_json(n: &Node) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), n.id.clone().into());
    m.insert("name".into(), n.name.clone().into());
    m.insert("provider".into(), n.provider.clone().into());
    m.insert("kind".into(), n.kind.clone().into());
    m.insert("class".into(), n.class.as_str().into());
    let a = &n.attrs;
    for (k, v) in [
        ("owner", &a.owner),
        ("environment", &a.environment),
        ("created", &a.created),
        ("last_used", &a.last_used),
        ("expires", &a.expires),
    ] {
        if let Some(v) = v {
            m.insert(k.into(), v.clone().into());
        }
    }
    if !a.tags.is_empty() {
        let tags: BTreeMap<_, _> = a.tags.iter().collect();
        m.insert("tags".into(), json!(tags));
    }
    Value::Object(m)
}

fn edge_json(e: &Edge) -> Value {
    let mut m = Map::new();
    if let Some(id) = &e.id {
        m.insert("id".into(), id.clone().into());
    }
    m.insert("from".into(), e.from.clone().into());
    m.insert("to".into(), e.to.clone().into());
    m.insert("kind".into(), e.kind.as_str().into());
    if let Some(a) = e.access {
        m.insert("access".into(), a.as_str().into());
    }
    if let Some(mech) = &e.mechanism {
        m.insert("mechanism".into(), mech.clone().into());
    }
    if e.conditional {
        m.insert("conditional".into(), true.into());
    }
    if let Some(c) = &e.condition {
        m.insert("condition".into(), c.clone().into());
    }
    m.insert("reason".into(), e.provenance.reason.clone().into());
    if !e.provenance.source.is_empty() {
        m.insert("source".into(), e.provenance.source.clone().into());
    }
    if !e.provenance.location.is_empty() {
        m.insert("location".into(), e.provenance.location.clone().into());
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ingest(text: &str) -> (Result<(), IngestError>, Estate) {
        let mut b = EstateBuilder::new();
        b.begin_input("t.json", "native", String::new(), 0);
        let r = NativeConnector.ingest("t.json", text.as_bytes(), &mut b);
        (r, b.finish())
    }

    #[test]
    fn bad_records_are_reported_with_their_path_and_good_ones_kept() {
        let (r, e) = ingest(
            r#"{"format":"blastgraph-estate","version":1,
            "nodes":[
              {"id":"a","kind":"aws:role","class":"workload"},
              {"id":"b","kind":"aws:role","class":"robot"},
              {"id":"c","kind":"aws:role"},
              {"id":"d","kind":"aws:s3_bucket","class":"dataset","created":"last week"},
              {"id":"e","kind":"aws:s3_bucket","class":"dataset","ownr":"x"},
              7
            ],
            "edges":[{"from":"a","to":"e","kind":"access","access":"read"},
                     {"from":"a","to":"e","kind":"acess"}]}"#,
        );
        assert!(r.is_ok());
        let ids: Vec<_> = e.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["a", "e"]);
        assert_eq!(e.edges.len(), 1);
        let msgs: Vec<String> = e.diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            [
                "error[unknown-name]: t.json: $.nodes[1].class: unknown class `robot`, expected one of: human, workload, group, credential, secret, dataset, model, tool, scope",
                "error[bad-record]: t.json: $.nodes[2].class: missing required field `class`",
                "error[bad-record]: t.json: $.nodes[3].created: expected an RFC 3339 date such as `2025-01-31T12:00:00Z`, found `last week`",
                "warning[unknown-field]: t.json: $.nodes[4].ownr: unknown field `ownr` ignored",
                "error[bad-record]: t.json: $.nodes[5]: expected an object, found a number",
                "error[unknown-name]: t.json: $.edges[1].kind: unknown edge kind `acess`, expected one of: member_of, can_assume, can_act_as, can_escalate, can_read_secret, holds_credential, authenticates_as, oauth_grant, access, contains",
            ]
        );
    }

    #[test]
    fn wrong_top_level_is_a_file_error() {
        let (r, _) = ingest(r#"[1,2]"#);
        assert_eq!(
            r.unwrap_err().to_string(),
            "t.json: $: expected an object, found an array"
        );
        let (r, _) = ingest(r#"{"format":"blastgraph-estate","version":9}"#);
        assert!(r.unwrap_err().to_string().contains("unsupported version 9"));
    }

    #[test]
    fn a_duplicate_key_inside_a_node_skips_that_node_and_keeps_the_others() {
        let text = r#"{"format":"blastgraph-estate","version":1,
          "nodes":[{"id":"a","kind":"aws:role","class":"workload"},
                   {"id":"b","kind":"aws:role","class":"workload","tags":{"team":"x","team":"y"}},
                   {"id":"c","kind":"aws:s3_bucket","class":"dataset"}],
          "edges":[{"from":"a","to":"c","kind":"access","access":"read"}]}"#;
        let (r, e) = ingest(text);
        assert!(r.is_ok());
        let ids: Vec<_> = e.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        assert_eq!(e.edges.len(), 1);
        let msgs: Vec<String> = e.diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            [
                "error[duplicate-key]: t.json: $.nodes[1].tags.team: duplicate key `team`: which of its values counts is ambiguous, so the record `$.nodes[1]` is skipped"
            ]
        );
        assert_eq!(e.inputs[0].skipped, 1);
        // The negative twin: without the duplicate, all three are read.
        let (_, e) = ingest(&text.replace(r#""team":"x","#, ""));
        assert_eq!(e.nodes.len(), 3);
        assert!(e.diagnostics.is_empty(), "{:?}", e.diagnostics);
    }

    #[test]
    fn two_nodes_arrays_are_a_file_error_naming_the_key() {
        let (r, e) = ingest(
            r#"{"format":"blastgraph-estate","version":1,
            "nodes":[{"id":"a","kind":"aws:role","class":"workload"}],
            "nodes":[{"id":"b","kind":"aws:role","class":"workload"}]}"#,
        );
        assert_eq!(
            r.unwrap_err().to_string(),
            "t.json: $.nodes: duplicate key `nodes`: which of its values counts is ambiguous, so the file is skipped"
        );
        assert!(e.nodes.is_empty());
    }

    #[test]
    fn a_byte_order_mark_is_detected_and_read_like_the_file_without_it() {
        let text = r#"{"format":"blastgraph-estate","version":1,
          "nodes":[{"id":"a","kind":"aws:role","class":"workload"},{"id":"b","kind":"aws:role","class":"robot"}],
          "edges":[]}"#;
        let with_bom = format!("\u{feff}{text}");
        assert!(with_bom.as_bytes().starts_with(b"\xEF\xBB\xBF{"));
        assert!(NativeConnector.detect("e.json", with_bom.as_bytes()));
        assert!(NativeConnector.detect("e.json", text.as_bytes()));
        let (r1, plain) = ingest(text);
        let (r2, bom) = ingest(&with_bom);
        assert!(r1.is_ok() && r2.is_ok());
        assert_eq!(bom, plain);
        assert_eq!(bom.nodes.len(), 1);
    }

    #[test]
    fn written_estates_read_back_the_same() {
        let text = r#"{"format":"blastgraph-estate","version":1,
          "nodes":[{"id":"arn:aws:iam::1:role/a","kind":"aws:role","class":"workload","owner":"ml","tags":{"team":"ml"}},
                   {"id":"arn:aws:s3:::data","kind":"aws:s3_bucket","class":"dataset"}],
          "edges":[{"from":"arn:aws:iam::1:role/a","to":"arn:aws:s3:::data","kind":"access","access":"write","reason":"policy p statement 0","condition":"aws:SourceIp"}]}"#;
        let (_, e) = ingest(text);
        assert_eq!(e.nodes[0].name, "a");
        assert_eq!(e.nodes[1].name, "data");
        assert!(e.edges.get(0).unwrap().conditional);
        let written = to_native_json(&e).unwrap();
        let (r, again) = ingest(&written);
        assert!(r.is_ok());
        assert_eq!(again.nodes, e.nodes);
        assert_eq!(again.edges, e.edges);
    }
}
