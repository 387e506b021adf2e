//! The [`Estate`]: validated facts from every input, and the builder that
//! collects them record by record.

use rustc_hash::FxHashMap as HashMap;
use std::collections::hash_map::Entry;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::diagnostics::Code;
use crate::edges::EdgeTable;
use crate::vocab::{AccessLevel, Class, Edge, EdgeKind, Node, Provenance};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The record was kept, but something in it was ignored.
    Warning,
    /// The record (or the whole file) was skipped.
    Error,
}

/// One problem found in an input: the file, the place in it, and what was
/// expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// The situation, as a stable code (`docs/diagnostics.md`).
    #[serde(default)]
    pub code: Code,
    /// The input file.
    pub file: String,
    /// The place: a JSON path such as `$.nodes[3].class`, or `line 4, column 7`.
    pub location: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{sev}[{}]: {}: {}: {}",
            self.code, self.file, self.location, self.message
        )
    }
}

/// A whole input file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    /// The file is not well-formed (JSON syntax, encoding).
    #[error("{file}: line {line}, column {column}: {message}")]
    Malformed {
        /// The input file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// The file is well-formed but its top level is not what the format needs.
    #[error("{file}: {location}: {message}")]
    Shape {
        /// The input file.
        file: String,
        /// The JSON path.
        location: String,
        /// What was expected.
        message: String,
    },
    /// A key given twice in one object outside every record: which value
    /// counts is ambiguous, so the file is skipped.
    #[error("{file}: {location}: {message}")]
    DuplicateKey {
        /// The input file.
        file: String,
        /// The JSON path of the key.
        location: String,
        /// The key and what was skipped.
        message: String,
    },
}

impl IngestError {
    /// The diagnostic code of this error.
    pub fn code(&self) -> Code {
        match self {
            IngestError::Malformed { message, .. } if message.contains("empty") => Code::EmptyFile,
            IngestError::Malformed { .. } => Code::MalformedJson,
            IngestError::Shape { .. } => Code::FileShape,
            IngestError::DuplicateKey { .. } => Code::DuplicateKey,
        }
    }
}

/// One input file as recorded in a snapshot's manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputRecord {
    /// The path as given.
    pub path: String,
    /// The connector that read it.
    pub format: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Its size.
    pub bytes: u64,
    /// Nodes it contributed.
    pub nodes: u64,
    /// Edges it contributed.
    pub edges: u64,
    /// Records skipped because of errors.
    pub skipped: u64,
    /// Warnings about records that were kept.
    pub warnings: u64,
}

/// A connector reads files of one format into facts.
///
/// blastgraph asks every connector whether it recognises a file
/// ([`Connector::detect`]), and hands the file to the first that does. Adding
/// a provider is adding an implementation of this trait; the core never
/// changes.
pub trait Connector: Sync {
    /// Short format name, recorded in the manifest (`native`, `opengraph`, ...).
    fn name(&self) -> &'static str;

    /// Whether this connector reads the file. `head` is its first few KiB.
    fn detect(&self, path: &str, head: &[u8]) -> bool;

    /// Reads the whole file into `out`. Bad records go to
    /// [`EstateBuilder::error`] and are skipped; only a file that cannot be read
    /// at all returns an error.
    fn ingest(&self, path: &str, bytes: &[u8], out: &mut EstateBuilder) -> Result<(), IngestError>;

    /// Reads every file this connector recognised, in input order. The
    /// default reads them one at a time with [`Connector::ingest`].
    /// Connectors whose facts span files (AWS: cross-account trust, resource
    /// policies and inventories next to the authorization details) override
    /// it; they must call [`EstateBuilder::begin_input`] for each file before
    /// reading it, and may attribute later records to a file with
    /// [`EstateBuilder::select_input`].
    fn ingest_all(&self, files: &[InputFile<'_>], out: &mut EstateBuilder) {
        ingest_each(self, files, out);
    }

    /// The units of work a sharded build (`build --shard`) divides this
    /// connector's files into, each with its size in bytes: every unit is
    /// read by exactly one shard. The default is one unit, `""`, of every
    /// file; AWS has one per account.
    fn units(&self, files: &[InputFile<'_>]) -> Vec<(String, u64)> {
        vec![(
            String::new(),
            files.iter().map(|f| f.bytes.len() as u64).sum(),
        )]
    }

    /// Reads the units of [`Connector::units`] that `keep` selects, into a
    /// part ([`EstateBuilder::into_part`]): the edges, nodes and problems
    /// of those units only, which the parts of the other units complete.
    /// The default reads every file when it keeps `""`.
    fn ingest_units(
        &self,
        files: &[InputFile<'_>],
        out: &mut EstateBuilder,
        keep: &dyn Fn(&str) -> bool,
    ) {
        if keep("") {
            self.ingest_all(files, out);
        }
    }
}

/// [`Connector::ingest_all`]'s default: each file alone, in order.
fn ingest_each<C: Connector + ?Sized>(c: &C, files: &[InputFile<'_>], out: &mut EstateBuilder) {
    for f in files {
        out.begin_input(f.path, c.name(), f.sha256.to_string(), f.bytes.len() as u64);
        if let Err(e) = c.ingest(f.path, f.bytes, out) {
            out.file_error(&e);
        }
    }
}

/// One input file handed to [`Connector::ingest_all`].
#[derive(Debug, Clone, Copy)]
pub struct InputFile<'a> {
    /// The path as given (or a name such as `demo:...`).
    pub path: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
    /// SHA-256 of the bytes, hex.
    pub sha256: &'a str,
}

/// Validated facts from every input, ready to be built into a graph.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estate {
    /// Every node, in input order, ids unique.
    pub nodes: Vec<Node>,
    /// Every edge whose ends are known nodes, in input order, compactly.
    pub edges: EdgeTable,
    /// Problems found in the inputs.
    pub diagnostics: Vec<Diagnostic>,
    /// The inputs read.
    pub inputs: Vec<InputRecord>,
}

/// Collects validated records from connectors into an [`Estate`].
#[derive(Debug, Default)]
pub struct EstateBuilder {
    nodes: Vec<Node>,
    /// Node id → (position in `nodes`, input that declared it).
    index: HashMap<String, (usize, usize)>,
    /// Edges, checked for dangling ends in `finish`.
    edges: EdgeTable,
    /// The input the edges of each place count for (parallel to the places).
    place_inputs: Vec<u32>,
    /// Edges (by row) that count for another input than their place's first
    /// edge (a place that is not an input path, named from two inputs).
    other_input: HashMap<usize, u32>,
    diagnostics: Vec<Diagnostic>,
    inputs: Vec<InputRecord>,
    /// The input records are counted for (the last begun, or the one selected).
    cur: usize,
    /// Input path → position in `inputs`.
    input_by_path: HashMap<String, usize>,
    /// `--inspect-secret-values`: connectors may read secret values (in
    /// memory only) to recognise the credentials they hold.
    inspect_values: bool,
    /// What inspected values showed, placed once every input is read.
    hints: Vec<CredentialHint>,
    /// The place in the reading order of what is read now
    /// ([`EstateBuilder::set_order`]).
    order: u64,
    /// The order each node was first added in (parallel to `nodes`): at a
    /// merge of parts, the node of the earliest order is the one the
    /// unsharded build keeps.
    node_order: Vec<u64>,
}

/// One shard's part of a sharded build ([`EstateBuilder::into_part`]):
/// what its units gave, before the steps that need every part.
#[derive(Debug, Default)]
pub struct Part {
    /// Its nodes, ids unique within the part.
    pub nodes: Vec<Node>,
    /// The input (position in `inputs`) each node counts for.
    pub node_inputs: Vec<u32>,
    /// The order each node was first added in ([`EstateBuilder::set_order`]).
    pub node_orders: Vec<u64>,
    /// Its edges, including those whose ends another part holds.
    pub edges: EdgeTable,
    /// The input each edge counts for.
    pub edge_inputs: Vec<u32>,
    /// Problems found in its inputs.
    pub diagnostics: Vec<Diagnostic>,
    /// The inputs it began; a file another part counts is here with no
    /// records counted.
    pub inputs: Vec<InputRecord>,
    /// What inspected values held, placed at the merge.
    pub hints: Vec<CredentialHint>,
}

/// A credential an inspected secret value holds, by what identifies it
/// offline (never the value): placed on a node by
/// [`EstateBuilder::resolve_credential_hints`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialHint {
    /// The secret node whose value it is in.
    pub secret: String,
    /// The credential's kind ([`crate::credentials::Finding::kind`]).
    pub kind: &'static str,
    /// Its public identifier (an AWS access key id, an Entra client id).
    pub key: Option<String>,
    /// What may be shown of it.
    pub shown: String,
    /// The input file and place of the value.
    pub source: String,
    /// The place in the file.
    pub location: String,
}

impl EstateBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a new input file; the records that follow are counted for it.
    pub fn begin_input(&mut self, path: &str, format: &str, sha256: String, bytes: u64) {
        self.inputs.push(InputRecord {
            path: path.to_string(),
            format: format.to_string(),
            sha256,
            bytes,
            ..InputRecord::default()
        });
        self.cur = self.inputs.len() - 1;
        self.input_by_path
            .entry(path.to_string())
            .or_insert(self.cur);
    }

    /// Makes an input begun earlier the current one again: the records that
    /// follow are counted for it and problems are reported against it.
    /// Returns false (and changes nothing) when no input has that path.
    pub fn select_input(&mut self, path: &str) -> bool {
        match self.input_by_path.get(path) {
            Some(&i) => {
                self.cur = i;
                true
            }
            None => false,
        }
    }

    fn current(&mut self) -> Option<&mut InputRecord> {
        self.inputs.get_mut(self.cur)
    }

    fn current_path(&self) -> String {
        self.inputs
            .get(self.cur)
            .map(|i| i.path.clone())
            .unwrap_or_else(|| "<input>".to_string())
    }

    /// Reports a bad record that was skipped (code `bad-record`).
    pub fn error(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.error_code(Code::BadRecord, location, message);
    }

    /// Reports something ignored in a record that was kept (code `ignored`).
    pub fn warning(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.warning_code(Code::Ignored, location, message);
    }

    /// Reports a record (or file) that was skipped, with its code.
    pub fn error_code(
        &mut self,
        code: Code,
        location: impl Into<String>,
        message: impl Into<String>,
    ) {
        let file = self.current_path();
        self.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            code,
            file,
            location: location.into(),
            message: message.into(),
        });
        if let Some(i) = self.current() {
            i.skipped += 1;
        }
    }

    /// Reports something ignored in a record that was kept, with its code.
    pub fn warning_code(
        &mut self,
        code: Code,
        location: impl Into<String>,
        message: impl Into<String>,
    ) {
        let file = self.current_path();
        self.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            code,
            file,
            location: location.into(),
            message: message.into(),
        });
        if let Some(i) = self.current() {
            i.warnings += 1;
        }
    }

    /// Records that a whole file could not be read.
    pub fn file_error(&mut self, err: &IngestError) {
        let code = err.code();
        let (file, location, message) = match err {
            IngestError::Malformed {
                file,
                line,
                column,
                message,
            } => (
                file.clone(),
                format!("line {line}, column {column}"),
                message.clone(),
            ),
            IngestError::Shape {
                file,
                location,
                message,
            }
            | IngestError::DuplicateKey {
                file,
                location,
                message,
            } => (file.clone(), location.clone(), message.clone()),
        };
        self.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            code,
            file,
            location,
            message,
        });
        if let Some(i) = self.current() {
            i.skipped += 1;
        }
    }

    /// Links concrete identities to the pattern identities other inputs
    /// name: an OIDC subject `oidc:ISSUER:sub=PATTERN` (an AWS trust's
    /// `StringLike` on `…:sub`, a Vault role's glob) holds every subject of
    /// the same issuer its pattern matches, and an AWS principal pattern
    /// (`arn:aws:iam::1:role/ci-*`, a Vault AWS login) every principal ARN.
    /// Each match is a `member_of` edge, its provenance the pattern's
    /// input: the concrete workflow a GitHub input names then reaches what
    /// an AWS role trusts `repo:acme/*` for. `*` matches any run of
    /// characters, `?` one.
    pub fn link_patterns(&mut self) {
        fn key(id: &str) -> Option<(&str, &str)> {
            if let Some(rest) = id.strip_prefix("oidc:")
                && let Some(i) = rest.find(":sub=")
            {
                return Some((&rest[..i], &rest[i + ":sub=".len()..]));
            }
            id.starts_with("arn:").then_some(("arn", id))
        }
        fn glob(p: &[u8], s: &[u8]) -> bool {
            match p.split_first() {
                None => s.is_empty(),
                Some((b'*', rest)) => (0..=s.len()).any(|i| glob(rest, &s[i..])),
                Some((b'?', rest)) => !s.is_empty() && glob(rest, &s[1..]),
                Some((c, rest)) => s.first() == Some(c) && glob(rest, &s[1..]),
            }
        }
        let wild = |s: &str| s.contains('*') || s.contains('?');
        let patterns: Vec<(String, String, String, usize)> = self
            .nodes
            .iter()
            .filter_map(|n| {
                let (scope, pat) = key(&n.id)?;
                let input = self.index.get(&n.id).map_or(0, |(_, i)| *i);
                wild(pat).then(|| (n.id.clone(), scope.to_string(), pat.to_string(), input))
            })
            .collect();
        if patterns.is_empty() {
            return;
        }
        let mut links = Vec::new();
        for n in &self.nodes {
            let Some((scope, value)) = key(&n.id) else {
                continue;
            };
            if wild(value) {
                continue;
            }
            for (pid, pscope, pat, input) in &patterns {
                if pscope == scope && glob(pat.as_bytes(), value.as_bytes()) {
                    links.push((
                        n.id.clone(),
                        pid.clone(),
                        pat.clone(),
                        value.to_string(),
                        *input,
                    ));
                }
            }
        }
        for (from, to, pat, value, input) in links {
            let source = self
                .inputs
                .get(input)
                .map(|i| i.path.clone())
                .unwrap_or_default();
            self.add_edge(Edge {
                id: None,
                from,
                to,
                kind: EdgeKind::MemberOf,
                access: None,
                mechanism: None,
                conditional: false,
                condition: None,
                provenance: Provenance {
                    source,
                    location: String::new(),
                    reason: format!("`{value}` matches the pattern `{pat}` another input trusts"),
                },
            });
        }
    }

    /// Lets connectors read secret values (in memory) to recognise the
    /// credentials they hold (`--inspect-secret-values`).
    pub fn set_inspect_values(&mut self, on: bool) {
        self.inspect_values = on;
    }

    /// Whether secret values may be inspected.
    pub fn inspect_values(&self) -> bool {
        self.inspect_values
    }

    /// Records what an inspected value holds; the value is not kept.
    pub fn add_credential_hint(&mut self, hint: CredentialHint) {
        self.hints.push(hint);
    }

    /// Scans one secret's value in memory (`--inspect-secret-values`,
    /// [`crate::credentials::scan_value`]) and records each credential it
    /// holds as a hint for `secret`; nothing of the value is kept.
    pub fn inspect_secret_value(
        &mut self,
        secret: &str,
        value: &str,
        source: &str,
        location: &str,
    ) {
        for f in crate::credentials::scan_value(value) {
            self.add_found(secret, &f, source, location);
        }
    }

    /// Records one credential a secret's value holds (found by
    /// [`crate::credentials::scan`], or read from an inspected-values
    /// file): a hint for `secret`, placed once every input is read.
    pub fn add_found(
        &mut self,
        secret: &str,
        f: &crate::credentials::Finding,
        source: &str,
        location: &str,
    ) {
        self.add_credential_hint(CredentialHint {
            secret: secret.to_string(),
            kind: f.kind,
            key: f.key.clone(),
            shown: f.shown.clone(),
            source: source.to_string(),
            location: location.to_string(),
        });
    }

    /// Places each credential inspected values hold, once every input is
    /// read: an AWS access key by its id, an Entra client secret by the
    /// client id beside it. Each placed one is a `holds_credential` edge
    /// from the secret; each other one is said.
    pub fn resolve_credential_hints(&mut self) {
        for h in std::mem::take(&mut self.hints) {
            let target = self
                .nodes
                .iter()
                .find(|n| {
                    crate::credentials::identifies(
                        h.kind,
                        h.key.as_deref(),
                        (&n.id, &n.name, &n.kind),
                        &n.attrs.tags,
                    )
                })
                .map(|n| n.id.clone());
            let input = self.input_by_path.get(&h.source).copied();
            if let Some(i) = input {
                self.cur = i;
            }
            match target {
                Some(to) => self.add_edge(Edge {
                    id: None,
                    from: h.secret.clone(),
                    to: to.clone(),
                    kind: EdgeKind::HoldsCredential,
                    access: None,
                    mechanism: None,
                    conditional: false,
                    condition: None,
                    provenance: Provenance {
                        source: h.source.clone(),
                        location: h.location.clone(),
                        reason: format!(
                            "value inspection (--inspect-secret-values): the value holds an {} ({}) of {to}",
                            h.kind, h.shown
                        ),
                    },
                }),
                None => self.warning_code(
                    Code::UnresolvedReference,
                    h.location.clone(),
                    format!(
                        "the value of {} holds a {} ({}) that no input places",
                        h.secret, h.kind, h.shown
                    ),
                ),
            }
        }
    }

    /// Says where in the unsharded reading order the records that follow
    /// are: `major` the provider's place, `minor` the place within it (an
    /// AWS account's pass). A sharded build reads out of that order; the
    /// merge keeps, of a node several parts hold, the one of the earliest
    /// order, as the unsharded build does.
    pub fn set_order(&mut self, major: u32, minor: u32) {
        self.order = (u64::from(major) << 32) | u64::from(minor);
    }

    /// [`EstateBuilder::set_order`] with the provider's place unchanged.
    pub fn set_minor_order(&mut self, minor: u32) {
        self.order = (self.order & !u64::from(u32::MAX)) | u64::from(minor);
    }

    /// Says that a unit of reading (one account's pass) is done: the
    /// lookups that share its edges' explanations are dropped, since the
    /// next unit's edges cite other places. Its explanations stay; an
    /// equal one that comes later is stored again, which changes no edge.
    pub fn end_unit(&mut self) {
        self.edges.forget_lookups();
    }

    /// Whether a node with this id was added already.
    pub fn has_node(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    /// Adds a node. A second node with the same id from the same input is an
    /// error and is skipped; from another input it describes the same thing,
    /// and fills the attributes the first one left empty.
    pub fn add_node(&mut self, node: Node, location: &str) {
        let input = self.cur;
        match self.index.entry(node.id.clone()) {
            Entry::Occupied(e) => {
                let (pos, first_input) = *e.get();
                if first_input == input {
                    self.error_code(
                        Code::DuplicateId,
                        location,
                        format!("duplicate node id `{}`; the first one is kept", node.id),
                    );
                } else if let Some(existing) = self.nodes.get_mut(pos) {
                    existing.attrs.fill_from(&node.attrs);
                }
            }
            Entry::Vacant(v) => {
                v.insert((self.nodes.len(), input));
                self.push_node(node, input, self.order);
            }
        }
    }

    /// Adds an edge. Its ends are checked when the builder finishes, so an
    /// edge may name a node that a later input declares.
    pub fn add_edge(&mut self, edge: Edge) {
        self.add_edge_with(edge, false);
    }

    /// [`EstateBuilder::add_edge`] for an edge read from a record of its
    /// own whose location is that record's path, which no other edge
    /// shares ([`EdgeTable::push_own_place`]).
    pub fn add_edge_own_place(&mut self, edge: Edge) {
        self.add_edge_with(edge, true);
    }

    fn add_edge_with(&mut self, mut edge: Edge, own_place: bool) {
        let mut problems = Vec::new();
        let self_loop = (edge.from == edge.to).then_some(edge.from.as_str());
        let keep = check_edge(edge.kind, &mut edge.access, self_loop, &mut problems);
        for (severity, code, message) in problems {
            self.report(severity, code, edge.provenance.location.clone(), message);
        }
        if !keep {
            return;
        }
        // An edge counts for the input its provenance names, when that is
        // an input (connectors that read many files emit after reading).
        let input = match self.input_by_path.get(&edge.provenance.source) {
            Some(&i) => i,
            None => self.cur,
        };
        let row = if own_place {
            self.edges.push_own_place(&edge)
        } else {
            self.edges.push(&edge)
        };
        self.count_pushed(row, input as u32);
    }

    /// Records the input the row just pushed counts for.
    fn count_pushed(&mut self, row: crate::EdgeRow, input: u32) {
        let [place, _] = self
            .edges
            .explanations()
            .notes
            .get(row.note as usize)
            .copied()
            .unwrap_or_default();
        self.count_edge(self.edges.len() - 1, place, input);
    }

    /// Adds a table of edges (filled elsewhere, e.g. in parallel), with the
    /// checks of [`EstateBuilder::add_edge`] applied to each.
    pub fn add_edges(&mut self, mut edges: EdgeTable) {
        let mut problems: Vec<(Severity, Code, String, String)> = Vec::new();
        edges.retain_rows(|r, st, ex| {
            let mut found = Vec::new();
            let self_loop = (r.from == r.to).then(|| st.get(r.from));
            let keep = check_edge(r.kind, &mut r.access, self_loop, &mut found);
            for (severity, code, message) in found {
                problems.push((
                    severity,
                    code,
                    st.get(ex.note_place(r.note)[1]).to_string(),
                    message,
                ));
            }
            keep
        });
        for (severity, code, location, message) in problems {
            self.report(severity, code, location, message);
        }
        let start = self.edges.len();
        self.edges.append(edges);
        // Each edge counts for the input its source names, else the current
        // one: decided once per source.
        let mut by_source: HashMap<u32, u32> = HashMap::default();
        for i in start..self.edges.len() {
            let Some(row) = self.edges.rows().get(i) else {
                continue;
            };
            let ex = self.edges.explanations();
            let [place, _] = ex.notes.get(row.note as usize).copied().unwrap_or_default();
            let [source, _] = ex.place_of(place);
            let input = *by_source.entry(source).or_insert_with(|| {
                let path = self.edges.strings().get(source);
                self.input_by_path.get(path).copied().unwrap_or(self.cur) as u32
            });
            self.count_edge(i, place, input);
        }
    }

    /// Reports a problem of either severity against the current input.
    pub fn report(&mut self, severity: Severity, code: Code, location: String, message: String) {
        match severity {
            Severity::Error => self.error_code(code, location, message),
            Severity::Warning => self.warning_code(code, location, message),
        }
    }

    /// Records the input edge `i` (of place `place`) counts for.
    fn count_edge(&mut self, i: usize, place: u32, input: u32) {
        let p = place as usize;
        if p >= self.place_inputs.len() {
            self.place_inputs.resize(p + 1, u32::MAX);
        }
        match self.place_inputs.get_mut(p) {
            Some(first) if *first == u32::MAX => *first = input,
            Some(first) if *first != input => {
                self.other_input.insert(i, input);
            }
            _ => {}
        }
        if let Some(rec) = self.inputs.get_mut(input as usize) {
            rec.edges += 1;
        }
    }

    /// The input edge `i` counts for.
    fn edge_input(&self, i: usize) -> usize {
        self.other_input
            .get(&i)
            .or_else(|| {
                self.edges
                    .rows()
                    .get(i)
                    .and_then(|r| self.edges.explanations().notes.get(r.note as usize))
                    .and_then(|n| self.place_inputs.get(n[0] as usize))
            })
            .map_or(self.cur, |&p| p as usize)
    }

    /// What was read, as one shard's part of a sharded build: unlike
    /// [`EstateBuilder::finish`], edges whose ends another part may hold
    /// are kept, and the steps that need every part (patterns, credential
    /// hints) are left to the merge ([`EstateBuilder::add_part_inputs`]
    /// and its siblings). The redaction rule is applied as in `finish`.
    pub fn into_part(mut self) -> Part {
        self.report_spill_error();
        let mut node_inputs = vec![0u32; self.nodes.len()];
        for &(pos, input) in self.index.values() {
            if let Some(slot) = node_inputs.get_mut(pos) {
                *slot = input as u32;
            }
        }
        let edge_inputs = (0..self.edges.len())
            .map(|i| self.edge_input(i) as u32)
            .collect();
        redact_facts(&mut self.nodes, &mut self.diagnostics);
        Part {
            nodes: self.nodes,
            node_inputs,
            node_orders: self.node_order,
            edges: self.edges,
            edge_inputs,
            diagnostics: self.diagnostics,
            inputs: self.inputs,
            hints: self.hints,
        }
    }

    /// Merging parts: takes a part's input records and returns, for each,
    /// its position here. An input several parts name is one record: its
    /// skipped records and warnings are summed, its nodes and edges are
    /// counted as they are added.
    pub fn add_part_inputs(&mut self, inputs: Vec<InputRecord>) -> Vec<usize> {
        let mut at = Vec::with_capacity(inputs.len());
        for rec in inputs {
            let i = match self.input_by_path.get(&rec.path) {
                Some(&i) => {
                    if let Some(mine) = self.inputs.get_mut(i) {
                        mine.skipped += rec.skipped;
                        mine.warnings += rec.warnings;
                        if mine.sha256.is_empty() {
                            mine.sha256 = rec.sha256;
                            mine.bytes = rec.bytes;
                        }
                    }
                    i
                }
                None => {
                    self.begin_input(&rec.path, &rec.format, rec.sha256, rec.bytes);
                    if let Some(mine) = self.current() {
                        mine.skipped = rec.skipped;
                        mine.warnings = rec.warnings;
                    }
                    self.cur
                }
            };
            at.push(i);
        }
        at
    }

    /// Merging parts: a part's node, counted for input `input` (a position
    /// [`EstateBuilder::add_part_inputs`] gave), first added at `order`.
    /// Of a node several parts hold, the one of the earliest order is kept
    /// and counted, its attributes filled from the others (the unsharded
    /// build's first-come rule, whatever the order of the parts).
    pub fn add_part_node(&mut self, node: Node, input: usize, order: u64) {
        match self.index.entry(node.id.clone()) {
            Entry::Occupied(mut e) => {
                let (pos, old_input) = *e.get();
                let (Some(existing), Some(old_order)) =
                    (self.nodes.get_mut(pos), self.node_order.get_mut(pos))
                else {
                    return;
                };
                if order < *old_order {
                    let old = std::mem::replace(existing, node);
                    existing.attrs.fill_from(&old.attrs);
                    *old_order = order;
                    e.insert((pos, input));
                    if let Some(rec) = self.inputs.get_mut(old_input) {
                        rec.nodes = rec.nodes.saturating_sub(1);
                    }
                    if let Some(rec) = self.inputs.get_mut(input) {
                        rec.nodes += 1;
                    }
                } else {
                    existing.attrs.fill_from(&node.attrs);
                }
            }
            Entry::Vacant(v) => {
                v.insert((self.nodes.len(), input));
                self.push_node(node, input, order);
            }
        }
    }

    /// Appends a node the index has just placed, counted for `input`.
    fn push_node(&mut self, node: Node, input: usize, order: u64) {
        self.nodes.push(node);
        self.node_order.push(order);
        if let Some(rec) = self.inputs.get_mut(input) {
            rec.nodes += 1;
        }
    }

    /// Merging parts: a part's edge, checked already, counted for `input`.
    pub fn add_part_edge(&mut self, edge: &Edge, input: usize) {
        let row = self.edges.push(edge);
        self.count_pushed(row, input as u32);
    }

    /// Merging parts held in memory: [`EstateBuilder::add_part_inputs`],
    /// then its nodes, edges, problems and hints (`blastgraph merge`
    /// streams them from part folders instead).
    pub fn add_part(&mut self, part: Part) {
        let at = self.add_part_inputs(part.inputs);
        let input = |i: u32| at.get(i as usize).copied().unwrap_or(0);
        for ((node, i), order) in part
            .nodes
            .into_iter()
            .zip(part.node_inputs)
            .zip(part.node_orders)
        {
            self.add_part_node(node, input(i), order);
        }
        for (edge, &i) in part.edges.iter().zip(&part.edge_inputs) {
            self.add_part_edge(&edge, input(i));
        }
        self.hints.extend(part.hints);
        self.add_part_diagnostics(part.diagnostics);
    }

    /// Merging parts: a part's problems, counted in its input records already.
    pub fn add_part_diagnostics(&mut self, diagnostics: Vec<Diagnostic>) {
        self.diagnostics.extend(diagnostics);
    }

    /// Says that edge rows could not be kept on disk, if so (they stayed
    /// in memory: nothing is lost).
    fn report_spill_error(&mut self) {
        if let Some(why) = self.edges.rows().spill_error() {
            self.diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                code: Code::SpillFailed,
                file: self.edges.rows().spill_place().unwrap_or_default(),
                location: "$".into(),
                message: why.to_string(),
            });
        }
    }

    /// Keeps the oldest edge rows in `store` once more than `resident`
    /// blocks of `block_rows` rows ([`crate::Rows::BLOCK_ROWS`] unless a
    /// test says otherwise) are in memory, so that an estate of billions
    /// of edges is read in bounded memory ([`crate::RowStore`]).
    pub fn spill_edges_to(
        &mut self,
        store: std::sync::Arc<dyn crate::RowStore>,
        resident: usize,
        block_rows: usize,
    ) {
        self.edges.spill_to(store, resident, block_rows);
    }

    /// Drops edges whose ends are unknown (each one reported against the
    /// input that declared it) and returns the estate.
    pub fn finish(mut self) -> Estate {
        self.report_spill_error();
        // Each distinct end is looked up once; only the bad rows are
        // reported, and they are dropped in place.
        let strings = self.edges.strings();
        let mut known: Vec<Option<bool>> = vec![None; strings.len()];
        let mut is_known = |h: u32| -> bool {
            match known.get(h as usize).copied().flatten() {
                Some(k) => k,
                None => {
                    let k = self.index.contains_key(strings.get(h));
                    if let Some(slot) = known.get_mut(h as usize) {
                        *slot = Some(k);
                    }
                    k
                }
            }
        };
        let mut dangling = Vec::new();
        for (i, row) in self.edges.rows().iter().enumerate() {
            if !is_known(row.from) || !is_known(row.to) {
                dangling.push(i);
            }
        }
        for &i in &dangling {
            let Some(edge) = self.edges.get(i) else {
                continue;
            };
            let input = self.edge_input(i);
            let missing: Vec<&str> = [edge.from.as_str(), edge.to.as_str()]
                .into_iter()
                .filter(|id| !self.index.contains_key(*id))
                .collect();
            let file = self
                .inputs
                .get(input)
                .map(|i| i.path.clone())
                .unwrap_or_default();
            let message = format!(
                "edge `{}` names unknown node{} {}; it is skipped",
                edge.kind,
                if missing.len() > 1 { "s" } else { "" },
                missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            );
            self.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                code: Code::DanglingEdge,
                file,
                location: edge.provenance.location.clone(),
                message,
            });
            if let Some(rec) = self.inputs.get_mut(input) {
                rec.edges = rec.edges.saturating_sub(1);
                rec.skipped += 1;
            }
        }
        let mut edges = std::mem::take(&mut self.edges);
        if !dangling.is_empty() {
            let mut i = 0;
            let mut next = dangling.iter().peekable();
            edges.retain(|_| {
                let keep = next.peek() != Some(&&i);
                if !keep {
                    next.next();
                }
                i += 1;
                keep
            });
        }
        redact_facts(&mut self.nodes, &mut self.diagnostics);
        Estate {
            nodes: self.nodes,
            edges,
            diagnostics: self.diagnostics,
            inputs: self.inputs,
        }
    }
}

/// The redaction rule ([`crate::redact`]) over everything a connector
/// handed over that may carry a secret by mistake: every tag value (a tag
/// whose key names a secret loses its whole value, any other keeps all but
/// the credentials found in it) and every diagnostic's message and place
/// (an API error that echoes a token). Applied here, once, so that every
/// connector gets it and none can forget it.
fn redact_facts(nodes: &mut [Node], diagnostics: &mut [Diagnostic]) {
    use crate::redact::{redact_tag, redact_text};
    use std::borrow::Cow;
    for n in nodes {
        for (k, v) in n.attrs.tags.iter_mut() {
            if let Cow::Owned(clean) = redact_tag(k, v) {
                *v = clean;
            }
        }
    }
    for d in diagnostics {
        if let Cow::Owned(clean) = redact_text(&d.message) {
            d.message = clean;
        }
        if let Cow::Owned(clean) = redact_text(&d.location) {
            d.location = clean;
        }
    }
}

/// The builder's rules for an edge's kind, level and ends, shared by
/// [`EstateBuilder::add_edge`] and [`EstateBuilder::add_edges`]: pushes the
/// problems to report, in order, clears a level on a kind that takes none,
/// and says whether the edge is kept. `self_loop` is the id of both ends
/// when they are the same.
fn check_edge(
    kind: EdgeKind,
    access: &mut Option<AccessLevel>,
    self_loop: Option<&str>,
    problems: &mut Vec<(Severity, Code, String)>,
) -> bool {
    match (kind, *access) {
        (EdgeKind::Access, None) => {
            problems.push((
                Severity::Error,
                Code::BadRecord,
                "an `access` edge needs an `access` level: read, invoke, execute, write or admin"
                    .into(),
            ));
            return false;
        }
        (kind, Some(level)) if kind != EdgeKind::Access && kind != EdgeKind::OauthGrant => {
            problems.push((
                Severity::Warning,
                Code::AccessLevelIgnored,
                format!("access level `{level}` is ignored on a `{kind}` edge"),
            ));
            *access = None;
        }
        _ => {}
    }
    if let Some(id) = self_loop {
        problems.push((
            Severity::Warning,
            Code::SelfLoop,
            format!("self-loop `{id}` ignored"),
        ));
        return false;
    }
    true
}

impl Estate {
    /// Counts nodes per class, in [`Class::ALL`] order.
    pub fn class_counts(&self) -> Vec<(Class, usize)> {
        let mut counts = vec![0usize; Class::ALL.len()];
        for n in &self.nodes {
            if let Some(c) = counts.get_mut(n.class.index()) {
                *c += 1;
            }
        }
        Class::ALL.iter().copied().zip(counts).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{AccessLevel, Attributes};

    #[test]
    fn concrete_subjects_join_the_patterns_other_inputs_trust() {
        let mut b = EstateBuilder::new();
        b.begin_input("aws.json", "aws", String::new(), 0);
        let node = |id: &str| Node {
            id: id.into(),
            name: id.into(),
            provider: "x".into(),
            kind: "x".into(),
            class: Class::Workload,
            attrs: Attributes::default(),
        };
        for id in [
            "oidc:token.actions.githubusercontent.com:sub=repo:acme/*",
            "arn:aws:iam::1:role/ci-*",
        ] {
            b.add_node(node(id), "");
        }
        b.begin_input("github.json", "github", String::new(), 0);
        for id in [
            "oidc:token.actions.githubusercontent.com:sub=repo:acme/api:ref:refs/heads/main",
            "oidc:token.actions.githubusercontent.com:sub=repo:other/api:ref:refs/heads/main",
            "oidc:gitlab.com:sub=repo:acme/api",
            "arn:aws:iam::1:role/ci-deploy",
            "arn:aws:iam::2:role/ci-deploy",
        ] {
            b.add_node(node(id), "");
        }
        b.link_patterns();
        let e = b.finish();
        let links: Vec<(String, String)> = e
            .edges
            .iter()
            .map(|x| (x.from.clone(), x.to.clone()))
            .collect();
        assert_eq!(
            links,
            [
                (
                    "oidc:token.actions.githubusercontent.com:sub=repo:acme/api:ref:refs/heads/main".to_string(),
                    "oidc:token.actions.githubusercontent.com:sub=repo:acme/*".to_string()
                ),
                ("arn:aws:iam::1:role/ci-deploy".to_string(), "arn:aws:iam::1:role/ci-*".to_string()),
            ]
        );
        assert_eq!(
            e.edges.iter().next().map(|x| x.provenance.source),
            Some("aws.json".to_string())
        );
    }

    fn node(id: &str, class: Class) -> Node {
        Node {
            id: id.into(),
            name: id.into(),
            provider: "test".into(),
            kind: "test:thing".into(),
            class,
            attrs: Attributes::default(),
        }
    }

    fn edge(from: &str, to: &str, kind: EdgeKind, access: Option<AccessLevel>) -> Edge {
        Edge {
            id: None,
            from: from.into(),
            to: to.into(),
            kind,
            access,
            mechanism: None,
            conditional: false,
            condition: None,
            provenance: Provenance {
                source: "f.json".into(),
                location: "$.edges[0]".into(),
                reason: "test".into(),
            },
        }
    }

    #[test]
    fn dangling_edges_are_reported_against_their_file_and_skipped() {
        let mut b = EstateBuilder::new();
        b.begin_input("a.json", "native", String::new(), 0);
        b.add_node(node("a", Class::Workload), "$.nodes[0]");
        b.add_edge(edge("a", "ghost", EdgeKind::CanAssume, None));
        b.begin_input("b.json", "native", String::new(), 0);
        b.add_node(node("b", Class::Workload), "$.nodes[0]");
        b.add_edge(edge("b", "a", EdgeKind::CanAssume, None));
        let e = b.finish();
        assert_eq!(e.edges.len(), 1);
        assert_eq!(e.diagnostics.len(), 1);
        assert_eq!(
            e.diagnostics[0].to_string(),
            "error[dangling-edge]: a.json: $.edges[0]: edge `can_assume` names unknown node `ghost`; it is skipped"
        );
        assert_eq!(e.inputs[0].skipped, 1);
        assert_eq!(e.inputs[0].edges, 0);
    }

    #[test]
    fn duplicate_ids_in_one_file_are_errors_across_files_they_merge() {
        let mut b = EstateBuilder::new();
        b.begin_input("a.json", "native", String::new(), 0);
        b.add_node(node("x", Class::Workload), "$.nodes[0]");
        b.add_node(node("x", Class::Human), "$.nodes[1]");
        b.begin_input("b.json", "native", String::new(), 0);
        let mut x = node("x", Class::Workload);
        x.attrs.owner = Some("ml".into());
        b.add_node(x, "$.nodes[0]");
        let e = b.finish();
        assert_eq!(e.nodes.len(), 1);
        assert_eq!(e.nodes[0].class, Class::Workload);
        assert_eq!(e.nodes[0].attrs.owner.as_deref(), Some("ml"));
        assert_eq!(e.diagnostics.len(), 1);
        assert!(e.diagnostics[0].message.contains("duplicate node id `x`"));
    }

    #[test]
    fn a_table_of_edges_meets_the_same_checks() {
        let mut b = EstateBuilder::new();
        b.begin_input("a.json", "native", String::new(), 0);
        b.add_node(node("a", Class::Workload), "$.nodes[0]");
        b.add_node(node("d", Class::Dataset), "$.nodes[1]");
        let mut t = crate::edges::EdgeTable::new();
        t.push(&edge("a", "d", EdgeKind::Access, None));
        t.push(&edge("a", "a", EdgeKind::CanAssume, None));
        t.push(&edge(
            "a",
            "d",
            EdgeKind::CanAssume,
            Some(AccessLevel::Read),
        ));
        b.add_edges(t);
        let e = b.finish();
        let messages: Vec<String> = e.diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "error[bad-record]: a.json: $.edges[0]: an `access` edge needs an `access` level: read, invoke, execute, write or admin",
                "warning[self-loop]: a.json: $.edges[0]: self-loop `a` ignored",
                "warning[access-level-ignored]: a.json: $.edges[0]: access level `read` is ignored on a `can_assume` edge",
            ]
        );
        assert_eq!(e.edges.len(), 1);
        assert_eq!(e.edges.get(0).unwrap().access, None);
        assert_eq!(e.inputs[0].edges, 1);
    }

    #[test]
    fn access_edges_need_a_level() {
        let mut b = EstateBuilder::new();
        b.begin_input("a.json", "native", String::new(), 0);
        b.add_node(node("a", Class::Workload), "$.nodes[0]");
        b.add_node(node("d", Class::Dataset), "$.nodes[1]");
        b.add_edge(edge("a", "d", EdgeKind::Access, None));
        let e = b.finish();
        assert!(e.edges.is_empty());
        assert!(e.diagnostics[0].message.contains("needs an `access` level"));
    }
}
