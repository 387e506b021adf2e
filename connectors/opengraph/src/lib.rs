//! The BloodHound OpenGraph connector: reads BloodHound CE's generic graph
//! format into blastgraph facts.
//!
//! An OpenGraph file is a graph of typed nodes and edges, the format that
//! BloodHound CE ingests from custom collectors (GitHound and friends) and
//! that tools export AzureHound-style data to:
//!
//! ```json
//! {"metadata": {"source_kind": "AZBase"},
//!  "graph": {
//!    "nodes": [{"id": "…", "kinds": ["AZServicePrincipal", "AZBase"],
//!               "properties": {"name": "…", "objectid": "…"}}],
//!    "edges": [{"kind": "AZOwns",
//!               "start": {"value": "…", "match_by": "id"},
//!               "end": {"value": "…", "match_by": "name", "kind": "AZApp"},
//!               "properties": {"description": "…"}}]}}
//! ```
//!
//! BloodHound kinds are provider words (`AZOwns`, `GenericAll`,
//! `GHWriteRepoContents`); this crate maps them onto blastgraph's vocabulary
//! with two documented tables, [`NODE_CLASSES`] and [`EDGE_RULES`], kept in
//! step with `docs/opengraph.md` by a test. A node whose kinds are not in the
//! table needs a `blastgraph_class` property; an edge whose kind is not in the
//! table needs `blastgraph_kind` (and `blastgraph_access` for `access`).
//! Those properties also override the tables, because the author of a file
//! knows more than a table does (an `AWSUser` that is a person, say). A few
//! more (`blastgraph_provider`, `blastgraph_tags`, `blastgraph_mechanism`,
//! `blastgraph_id`, and `blastgraph_kind` on a node) carry what BloodHound
//! kinds cannot say, so that `blastgraph export --to opengraph` reads back
//! as the graph it came from.
//!
//! Most BloodHound edges mean one blastgraph edge. *Control* edges
//! (`GenericAll`, `AZOwner`, `AZContributor`, ...) mean different things
//! depending on what they point at, so [`EdgeRule::Control`] is resolved
//! against the class of the end node: escalation on a scope, acting as an
//! identity, access on a target — and both access and acting-as on a tool,
//! because controlling a VM or a web app runs code as its managed identity.
//! Where a mapping reaches further than the BloodHound edge surely allows,
//! the edge is flagged `conditional` with the reason; it is never silent.
//!
//! Reading is parse-then-validate, like the native connector: the file is
//! parsed as JSON (syntax errors carry line and column), then every node and
//! edge is validated on its own. A bad record is reported with its JSON path
//! (`$.graph.nodes[3].kinds`) and skipped; the rest are kept. A key given
//! twice in one object costs its record (`$.graph.nodes[3]`), or the file
//! when it is outside every record; see [`blastgraph_model::json`]. Ids are
//! kept as given: BloodHound object ids are case-sensitive strings.

use std::collections::{BTreeMap, HashMap};

use blastgraph_model::json::{
    Obj, RecordError, is_skipped, looks_like_date, read_document, strip_bom, type_name,
};
use blastgraph_model::{
    AccessLevel, Attributes, Class, Connector, Edge, EdgeKind, EstateBuilder, IngestError, Node,
    Provenance,
};
use serde_json::{Map, Value};

/// The most node properties kept as tags; the first ones by name are kept.
pub const MAX_TAGS: usize = 32;

/// Node property that sets the class, overriding [`NODE_CLASSES`].
pub const CLASS_PROPERTY: &str = "blastgraph_class";
/// Edge property that sets the blastgraph edge kind, overriding [`EDGE_RULES`];
/// on a node, the provider kind (`aws:role`) instead of `<provider>:<first kind>`.
pub const KIND_PROPERTY: &str = "blastgraph_kind";
/// Edge property that sets the access level of a `blastgraph_kind: access` edge.
pub const ACCESS_PROPERTY: &str = "blastgraph_access";
/// Node property that sets the provider, instead of [`provider_for`].
pub const PROVIDER_PROPERTY: &str = "blastgraph_provider";
/// Node property holding tags as the text of a JSON object of strings
/// (OpenGraph properties are flat, and tag keys such as `aws:path` are not
/// good property names).
pub const TAGS_PROPERTY: &str = "blastgraph_tags";
/// Edge property that sets the mechanism of every edge made from the record
/// (empty: none), instead of the BloodHound kind.
pub const MECHANISM_PROPERTY: &str = "blastgraph_mechanism";
/// Edge property that sets the explicit id of the one edge made from the record.
pub const ID_PROPERTY: &str = "blastgraph_id";

/// The native format's marker; files that carry it belong to the native connector.
const NATIVE_FORMAT: &str = "blastgraph-estate";

/// Well-known BloodHound node kinds and their class. A node takes the class
/// of the first of its kinds found here.
pub const NODE_CLASSES: &[(&str, Class)] = &[
    // Active Directory
    ("User", Class::Human),
    ("Computer", Class::Workload),
    ("Group", Class::Group),
    ("Domain", Class::Scope),
    // Azure / Entra ID (AzureHound)
    ("AZUser", Class::Human),
    ("AZServicePrincipal", Class::Workload),
    ("AZApp", Class::Workload),
    ("AZDevice", Class::Workload),
    ("AZGroup", Class::Group),
    ("AZRole", Class::Group),
    ("AZKeyVault", Class::Secret),
    ("AZStorageAccount", Class::Dataset),
    ("AZStorageContainer", Class::Dataset),
    ("AZVM", Class::Tool),
    ("AZVMScaleSet", Class::Tool),
    ("AZWebApp", Class::Tool),
    ("AZFunctionApp", Class::Tool),
    ("AZLogicApp", Class::Tool),
    ("AZAutomationAccount", Class::Tool),
    ("AZManagedCluster", Class::Tool),
    ("AZContainerRegistry", Class::Tool),
    ("AZTenant", Class::Scope),
    ("AZManagementGroup", Class::Scope),
    ("AZSubscription", Class::Scope),
    ("AZResourceGroup", Class::Scope),
    // AWS
    ("AWSUser", Class::Workload),
    ("AWSRole", Class::Workload),
    ("AWSGroup", Class::Group),
    ("AWSAccount", Class::Scope),
    // GitHub (GitHound)
    ("GHUser", Class::Human),
    ("GHApp", Class::Workload),
    ("GHWorkflow", Class::Workload),
    ("GHTeam", Class::Group),
    ("GHOrgRole", Class::Group),
    ("GHTeamRole", Class::Group),
    ("GHRepoRole", Class::Group),
    ("GHRepository", Class::Tool),
    ("GHBranch", Class::Tool),
    ("GHOrganization", Class::Scope),
];

/// What a BloodHound edge kind becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeRule {
    /// Always this edge kind, without a mechanism (`member_of`, `contains`,
    /// `can_read_secret`, `authenticates_as`, `can_assume`).
    Plain(EdgeKind),
    /// `can_act_as`, with the BloodHound kind as the mechanism.
    ActAs,
    /// `access` at this level.
    Access(AccessLevel),
    /// Control of the end node; what it becomes depends on the end's class:
    ///
    /// | end | edges |
    /// |---|---|
    /// | scope | `can_escalate` (flagged `conditional` unless `grants_scope`) |
    /// | human, workload, group, credential | `can_act_as` |
    /// | tool | `access` at `level` and `can_act_as` (runs code as the tool's identity) |
    /// | dataset, model | `access` at `level` |
    /// | secret | `access` at `level`; below `admin` also a `conditional` `can_read_secret` |
    /// | not in this file | `can_act_as`, with a warning |
    Control {
        /// The access level on a target.
        level: AccessLevel,
        /// Whether control of a scope lets the holder grant itself everything
        /// in it (`AZOwner`, `GenericAll`); otherwise the escalation is
        /// flagged as an over-approximation (`AZContributor`).
        grants_scope: bool,
    },
}

use EdgeRule::{ActAs, Control, Plain};

const fn control(level: AccessLevel, grants_scope: bool) -> EdgeRule {
    Control {
        level,
        grants_scope,
    }
}

const fn access(level: AccessLevel) -> EdgeRule {
    EdgeRule::Access(level)
}

/// Well-known BloodHound edge kinds and what they become.
pub const EDGE_RULES: &[(&str, EdgeRule)] = &[
    // Membership and structure
    ("MemberOf", Plain(EdgeKind::MemberOf)),
    ("AZMemberOf", Plain(EdgeKind::MemberOf)),
    ("AZHasRole", Plain(EdgeKind::MemberOf)),
    ("GHMemberOf", Plain(EdgeKind::MemberOf)),
    ("GHHasRole", Plain(EdgeKind::MemberOf)),
    ("GHHasBaseRole", Plain(EdgeKind::MemberOf)),
    ("Contains", Plain(EdgeKind::Contains)),
    ("AZContains", Plain(EdgeKind::Contains)),
    ("GHContains", Plain(EdgeKind::Contains)),
    ("GHOwns", Plain(EdgeKind::Contains)),
    ("GHHasBranch", Plain(EdgeKind::Contains)),
    // Secrets, sign-in, role assumption
    ("AZGetSecrets", Plain(EdgeKind::CanReadSecret)),
    ("AZGetKeys", Plain(EdgeKind::CanReadSecret)),
    ("AZGetCertificates", Plain(EdgeKind::CanReadSecret)),
    ("AZRunsAs", Plain(EdgeKind::AuthenticatesAs)),
    ("CanAssume", Plain(EdgeKind::CanAssume)),
    // Acting as another identity
    ("AZOwns", ActAs),
    ("AZAddSecret", ActAs),
    ("AZAddOwner", ActAs),
    ("AZAddMembers", ActAs),
    ("AZResetPassword", ActAs),
    ("AZAppAdmin", ActAs),
    ("AZCloudAppAdmin", ActAs),
    ("AZManagedIdentity", ActAs),
    ("AZMGAddSecret", ActAs),
    ("AZMGAddOwner", ActAs),
    ("AZMGAddMember", ActAs),
    ("ForceChangePassword", ActAs),
    ("AddMember", ActAs),
    ("AddSelf", ActAs),
    ("AddKeyCredentialLink", ActAs),
    ("AdminTo", ActAs),
    ("CanRDP", ActAs),
    ("CanPSRemote", ActAs),
    ("ExecuteDCOM", ActAs),
    ("HasSession", ActAs),
    ("ReadLAPSPassword", ActAs),
    ("ReadGMSAPassword", ActAs),
    ("AllowedToDelegate", ActAs),
    ("AllowedToAct", ActAs),
    ("AddAllowedToAct", ActAs),
    ("GHAddMember", ActAs),
    // Full control: escalation on a scope
    ("AZGlobalAdmin", control(AccessLevel::Admin, true)),
    ("AZPrivilegedRoleAdmin", control(AccessLevel::Admin, true)),
    ("AZPrivilegedAuthAdmin", control(AccessLevel::Admin, true)),
    ("AZGrantAppRoles", control(AccessLevel::Admin, true)),
    ("AZMGGrantAppRoles", control(AccessLevel::Admin, true)),
    ("AZMGGrantRole", control(AccessLevel::Admin, true)),
    ("AZOwner", control(AccessLevel::Admin, true)),
    (
        "AZUserAccessAdministrator",
        control(AccessLevel::Admin, true),
    ),
    ("GenericAll", control(AccessLevel::Admin, true)),
    ("WriteDacl", control(AccessLevel::Admin, true)),
    ("WriteOwner", control(AccessLevel::Admin, true)),
    ("Owns", control(AccessLevel::Admin, true)),
    ("AllExtendedRights", control(AccessLevel::Admin, true)),
    ("DCSync", control(AccessLevel::Admin, true)),
    // Contributor-style control: write, runs code on compute
    ("AZContributor", control(AccessLevel::Write, false)),
    (
        "AZKeyVaultKVContributor",
        control(AccessLevel::Write, false),
    ),
    ("AZKeyVaultContributor", control(AccessLevel::Write, false)),
    ("AZVMContributor", control(AccessLevel::Write, false)),
    ("AZAvereContributor", control(AccessLevel::Write, false)),
    ("AZWebsiteContributor", control(AccessLevel::Write, false)),
    (
        "AZAutomationContributor",
        control(AccessLevel::Write, false),
    ),
    ("AZLogicAppContributor", control(AccessLevel::Write, false)),
    ("AZAKSContributor", control(AccessLevel::Write, false)),
    ("GenericWrite", control(AccessLevel::Write, false)),
    ("AZExecuteCommand", control(AccessLevel::Execute, false)),
    ("AZVMAdminLogin", control(AccessLevel::Execute, false)),
    // Repository access (GitHound)
    ("GHCanPull", access(AccessLevel::Read)),
    ("GHReadRepoContents", access(AccessLevel::Read)),
    ("GHCanPush", access(AccessLevel::Write)),
    ("GHWriteRepoContents", access(AccessLevel::Write)),
    ("GHPushProtectedBranch", access(AccessLevel::Write)),
    ("GHBypassProtections", access(AccessLevel::Write)),
    ("GHAdminTo", access(AccessLevel::Admin)),
];

/// The class of a well-known BloodHound node kind.
pub fn node_class(kind: &str) -> Option<Class> {
    NODE_CLASSES
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, c)| *c)
}

/// What a well-known BloodHound edge kind becomes.
pub fn edge_rule(kind: &str) -> Option<EdgeRule> {
    EDGE_RULES.iter().find(|(k, _)| *k == kind).map(|(_, r)| *r)
}

/// The provider of a node: the known prefix of its first kind (`AZ` →
/// `azure`, `AWS` → `aws`, `GH` → `github`); otherwise the file's
/// `metadata.source_kind` (by the same prefixes, else lower-cased);
/// otherwise `opengraph`.
pub fn provider_for(first_kind: &str, source_kind: Option<&str>) -> String {
    if let Some(p) = known_prefix(first_kind) {
        return p.to_string();
    }
    match source_kind {
        Some(s) => known_prefix(s).map_or_else(|| s.to_ascii_lowercase(), str::to_string),
        None => "opengraph".to_string(),
    }
}

fn known_prefix(kind: &str) -> Option<&'static str> {
    [("AZ", "azure"), ("AWS", "aws"), ("GH", "github")]
        .into_iter()
        .find(|(prefix, _)| {
            kind.strip_prefix(prefix)
                .and_then(|rest| rest.chars().next())
                .is_some_and(|c| c.is_ascii_uppercase())
        })
        .map(|(_, provider)| provider)
}

/// BloodHound OpenGraph in the provider registry.
pub static PROVIDER: blastgraph_model::Provider = blastgraph_model::Provider {
    name: "opengraph",
    accepts: "a BloodHound OpenGraph document (`\"graph\": {\"nodes\": …}`)",
    docs: "docs/opengraph.md",
    connector: &OpenGraphConnector,
};

/// Reads BloodHound OpenGraph JSON files.
#[derive(Debug, Default, Clone, Copy)]
pub struct OpenGraphConnector;

impl Connector for OpenGraphConnector {
    fn name(&self) -> &'static str {
        "opengraph"
    }

    fn detect(&self, _path: &str, head: &[u8]) -> bool {
        let head = String::from_utf8_lossy(strip_bom(head));
        head.trim_start().starts_with('{')
            && head.contains("\"graph\"")
            && !head.contains(NATIVE_FORMAT)
    }

    fn ingest(&self, path: &str, bytes: &[u8], out: &mut EstateBuilder) -> Result<(), IngestError> {
        let doc = read_document(path, bytes, out)?;
        let shape = |RecordError {
                         location, message, ..
                     }: RecordError| IngestError::Shape {
            file: path.to_string(),
            location,
            message,
        };
        let top = Obj::new(&doc, "$".into()).map_err(shape)?;
        for key in top.unknown_keys(&["metadata", "graph"]) {
            out.warning_code(
                blastgraph_model::Code::UnknownField,
                top.at(key),
                format!("unknown field `{key}` ignored"),
            );
        }
        let source_kind = read_source_kind(&top, out);
        let graph = match top.map.get("graph") {
            None | Some(Value::Null) => {
                return Err(shape(RecordError::new(
                    blastgraph_model::Code::FileShape,
                    "$.graph",
                    "missing required field `graph`",
                )));
            }
            Some(v) => Obj::new(v, "$.graph".into()).map_err(shape)?,
        };
        for key in graph.unknown_keys(&["nodes", "edges"]) {
            out.warning_code(
                blastgraph_model::Code::UnknownField,
                graph.at(key),
                format!("unknown field `{key}` ignored"),
            );
        }
        let mut reader = Reader::new(path, source_kind);
        for (i, item) in list(&graph, "nodes", out).iter().enumerate() {
            if is_skipped(item) {
                continue;
            }
            let result =
                Obj::new(item, format!("$.graph.nodes[{i}]")).and_then(|o| reader.node(&o, out));
            if let Err(e) = result {
                out.error_code(e.code, e.location, e.message);
            }
        }
        if reader.capped > 0 {
            out.warning(
                "$.graph.nodes",
                format!(
                    "{} more than {MAX_TAGS} properties usable as tags; only the first {MAX_TAGS} by name are kept",
                    match reader.capped {
                        1 => "1 node has".to_string(),
                        n => format!("{n} nodes have"),
                    }
                ),
            );
        }
        for (i, item) in list(&graph, "edges", out).iter().enumerate() {
            if is_skipped(item) {
                continue;
            }
            let result =
                Obj::new(item, format!("$.graph.edges[{i}]")).and_then(|o| reader.edge(&o, out));
            if let Err(e) = result {
                out.error_code(e.code, e.location, e.message);
            }
        }
        Ok(())
    }
}

/// `metadata.source_kind`, if present; a malformed `metadata` is a warning.
fn read_source_kind<'a>(top: &Obj<'a>, out: &mut EstateBuilder) -> Option<&'a str> {
    let v = match top.map.get("metadata") {
        None | Some(Value::Null) => return None,
        Some(v) => v,
    };
    let found = Obj::new(v, top.at("metadata")).and_then(|m| m.opt_str("source_kind"));
    match found {
        Ok(s) => s.filter(|s| !s.trim().is_empty()),
        Err(e) => {
            out.warning(e.location, format!("{}; ignored", e.message));
            None
        }
    }
}

/// The array `graph.KEY`; absent is empty, anything else is reported.
fn list<'a>(graph: &Obj<'a>, key: &str, out: &mut EstateBuilder) -> &'a [Value] {
    match graph.map.get(key) {
        None | Some(Value::Null) => &[],
        Some(Value::Array(items)) => items,
        Some(other) => {
            out.error(
                graph.at(key),
                format!(
                    "expected an array, found {}; no {key} read",
                    type_name(other)
                ),
            );
            &[]
        }
    }
}

/// A node of this file, kept for resolving edge ends.
struct Known<'a> {
    id: &'a str,
    class: Class,
    kinds: Vec<&'a str>,
    props: Option<&'a Map<String, Value>>,
}

impl Known<'_> {
    fn has_kind(&self, kind: Option<&str>) -> bool {
        kind.is_none_or(|k| self.kinds.contains(&k))
    }
}

/// A resolved edge end: its id and, when known, its class.
struct End<'a> {
    id: &'a str,
    class: Option<Class>,
}

/// What an edge's kind resolved to: a table rule, or a kind declared with
/// `blastgraph_kind`.
enum Mapping {
    Rule(EdgeRule),
    Declared(EdgeKind, Option<AccessLevel>),
}

/// One blastgraph edge produced from a BloodHound edge.
struct Produced {
    kind: EdgeKind,
    access: Option<AccessLevel>,
    mechanism: bool,
    condition: Option<String>,
}

impl Produced {
    fn new(kind: EdgeKind) -> Self {
        Produced {
            kind,
            access: None,
            mechanism: matches!(kind, EdgeKind::CanActAs | EdgeKind::CanEscalate),
            condition: None,
        }
    }
    fn access(level: AccessLevel) -> Self {
        Produced {
            access: Some(level),
            ..Produced::new(EdgeKind::Access)
        }
    }
}

/// Reads one file's records, remembering its nodes to resolve edge ends.
struct Reader<'a> {
    file: &'a str,
    source_kind: Option<&'a str>,
    nodes: Vec<Known<'a>>,
    by_id: HashMap<&'a str, usize>,
    by_name: HashMap<&'a str, Vec<usize>>,
    /// Property key → JSON text of a value → nodes; built on first use.
    by_property: HashMap<&'a str, HashMap<String, Vec<usize>>>,
    /// Nodes whose tags were cut at [`MAX_TAGS`].
    capped: usize,
}

type Fail = RecordError;

impl<'a> Reader<'a> {
    fn new(file: &'a str, source_kind: Option<&'a str>) -> Self {
        Reader {
            file,
            source_kind,
            nodes: Vec::new(),
            by_id: HashMap::new(),
            by_name: HashMap::new(),
            by_property: HashMap::new(),
            capped: 0,
        }
    }

    fn node(&mut self, o: &Obj<'a>, out: &mut EstateBuilder) -> Result<(), Fail> {
        let id = o.req_str("id")?;
        let kinds = read_kinds(o)?;
        let props = optional_object(o, "properties")?;
        for key in o.unknown_keys(&["id", "kinds", "properties"]) {
            out.warning_code(
                blastgraph_model::Code::UnknownField,
                o.at(key),
                format!("unknown field `{key}` ignored"),
            );
        }
        let declared = match &props {
            Some(p) => p.opt_str(CLASS_PROPERTY)?.map(|w| (p, w)),
            None => None,
        };
        let class = match declared {
            Some((p, word)) => word
                .parse::<Class>()
                .map_err(|e| (p.at(CLASS_PROPERTY), e.to_string()))?,
            None => kinds
                .iter()
                .find_map(|k| node_class(k))
                .ok_or_else(|| {
                    (
                        o.at("kinds"),
                        format!(
                            "no known BloodHound kind among {}; set `properties.{CLASS_PROPERTY}` to one of: {}",
                            backticked(&kinds),
                            words(Class::ALL.iter().map(|c| c.as_str())),
                        ),
                    )
                })?,
        };
        let first = kinds.first().copied().unwrap_or_default();
        let text_property = |key: &str| -> Result<Option<&'a str>, Fail> {
            Ok(match &props {
                Some(p) => p.opt_str(key)?.filter(|s| !s.trim().is_empty()),
                None => None,
            })
        };
        let provider = match text_property(PROVIDER_PROPERTY)? {
            Some(p) => p.to_string(),
            None => provider_for(first, self.source_kind),
        };
        let kind = match text_property(KIND_PROPERTY)? {
            Some(k) => k.to_string(),
            None => format!("{provider}:{first}"),
        };
        let (name, attrs) = match &props {
            Some(p) => self.attributes(id, p, out),
            None => (id.to_string(), Attributes::default()),
        };
        out.add_node(
            Node {
                id: id.to_string(),
                name,
                provider,
                kind,
                class,
                attrs,
            },
            &o.path,
        );
        if let std::collections::hash_map::Entry::Vacant(v) = self.by_id.entry(id) {
            let ix = self.nodes.len();
            v.insert(ix);
            if let Some(Value::String(name)) = props.as_ref().and_then(|p| p.map.get("name")) {
                self.by_name.entry(name.as_str()).or_default().push(ix);
            }
            self.nodes.push(Known {
                id,
                class,
                kinds,
                props: props.map(|p| p.map),
            });
        }
        Ok(())
    }

    /// The display name and governance attributes from a node's properties.
    /// Problems here are warnings: the node is kept without the value.
    fn attributes(
        &mut self,
        id: &str,
        p: &Obj<'a>,
        out: &mut EstateBuilder,
    ) -> (String, Attributes) {
        let text = |key: &str| match p.map.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.as_str()),
            _ => None,
        };
        let (name, name_key) = match (text("name"), text("displayname")) {
            (Some(n), _) => (n, "name"),
            (None, Some(d)) => (d, "displayname"),
            (None, None) => (id, "name"),
        };
        let mut attrs = Attributes {
            owner: attribute(p, "owner", false, out),
            environment: attribute(p, "environment", false, out),
            created: attribute(p, "created", true, out),
            last_used: attribute(p, "last_used", true, out),
            expires: attribute(p, "expires", true, out),
            ..Attributes::default()
        };
        let mut tags = BTreeMap::new();
        for (key, value) in p.map {
            let skip = key == "name"
                || key == name_key
                || (key == "objectid" && value.as_str() == Some(id))
                || ATTRIBUTE_KEYS.contains(&key.as_str())
                || key.starts_with("blastgraph_");
            if skip {
                continue;
            }
            let text = match value {
                Value::String(_) if secret_like(key) => continue,
                Value::String(s) => s.clone(),
                Value::Number(_) | Value::Bool(_) => value.to_string(),
                Value::Null | Value::Array(_) | Value::Object(_) => continue,
            };
            tags.insert(key.clone(), text);
        }
        for (key, text) in declared_tags(p, out) {
            tags.insert(key, text);
        }
        if tags.len() > MAX_TAGS {
            self.capped += 1;
            tags = tags.into_iter().take(MAX_TAGS).collect();
        }
        attrs.tags = tags;
        (name.to_string(), attrs)
    }

    fn edge(&mut self, o: &Obj<'a>, out: &mut EstateBuilder) -> Result<(), Fail> {
        let bh_kind = o.req_str("kind")?;
        let props = optional_object(o, "properties")?;
        for key in o.unknown_keys(&["kind", "start", "end", "properties"]) {
            out.warning_code(
                blastgraph_model::Code::UnknownField,
                o.at(key),
                format!("unknown field `{key}` ignored"),
            );
        }
        let mapping = mapping(o, bh_kind, props.as_ref())?;
        let start = self.end(o, "start", out)?;
        let end = self.end(o, "end", out)?;
        let (flagged, own_condition, description) = match &props {
            Some(p) => (
                p.opt_bool("conditional")?.unwrap_or(false),
                p.opt_str("condition")?,
                match p.map.get("description") {
                    Some(Value::String(d)) if !d.trim().is_empty() => Some(d.as_str()),
                    _ => None,
                },
            ),
            None => (false, None, None),
        };
        let (declared_mechanism, declared_id) = match &props {
            Some(p) => (p.opt_str(MECHANISM_PROPERTY)?, p.opt_str(ID_PROPERTY)?),
            None => (None, None),
        };
        let produced = match mapping {
            Mapping::Declared(kind, level) => vec![Produced {
                access: level,
                ..Produced::new(kind)
            }],
            Mapping::Rule(rule) => {
                if matches!(rule, Control { .. }) && end.class.is_none() {
                    out.warning(
                        o.at("end"),
                        format!(
                            "`{}` is not a node of this file and its reference has no `kind`, so `{bh_kind}` is read as `can_act_as`",
                            end.id
                        ),
                    );
                }
                expand(rule, bh_kind, end.class)
            }
        };
        let reason = match description {
            Some(d) => format!("BloodHound edge `{bh_kind}`: {d}"),
            None => format!("BloodHound edge `{bh_kind}`"),
        };
        let id = match (declared_id, produced.len()) {
            (Some(id), 1) => Some(id.to_string()),
            (Some(_), n) => {
                out.warning(
                    format!("{}.{ID_PROPERTY}", o.at("properties")),
                    format!(
                        "the record makes {n} edges, so its `{ID_PROPERTY}` names none; ignored"
                    ),
                );
                None
            }
            (None, _) => None,
        };
        for p in produced {
            let condition = match (own_condition, p.condition) {
                (Some(a), Some(b)) => Some(format!("{a}; {b}")),
                (Some(a), None) => Some(a.to_string()),
                (None, b) => b,
            };
            let mechanism = match declared_mechanism {
                Some(m) => (!m.is_empty()).then(|| m.to_string()),
                None => p.mechanism.then(|| bh_kind.to_string()),
            };
            out.add_edge(Edge {
                id: id.clone(),
                from: start.id.to_string(),
                to: end.id.to_string(),
                kind: p.kind,
                access: p.access,
                mechanism,
                conditional: flagged || condition.is_some(),
                condition,
                provenance: Provenance {
                    source: self.file.to_string(),
                    location: o.path.clone(),
                    reason: reason.clone(),
                },
            });
        }
        Ok(())
    }

    /// Resolves the edge's `start` or `end` reference.
    fn end(&mut self, edge: &Obj<'a>, key: &str, out: &mut EstateBuilder) -> Result<End<'a>, Fail> {
        let r = match edge.map.get(key) {
            None | Some(Value::Null) => {
                return Err((edge.at(key), format!("missing required field `{key}`")).into());
            }
            Some(v) => Obj::new(v, edge.at(key))?,
        };
        for k in r.unknown_keys(&["value", "match_by", "kind", "property_matchers"]) {
            out.warning_code(
                blastgraph_model::Code::UnknownField,
                r.at(k),
                format!("unknown field `{k}` ignored"),
            );
        }
        let kind = r.opt_str("kind")?;
        let of_kind = kind.map_or(String::new(), |k| format!(" of kind `{k}`"));
        let match_by = r.opt_str("match_by")?.unwrap_or("id");
        match match_by.to_ascii_lowercase().as_str() {
            "id" => {
                let id = r.req_str("value")?;
                match self.by_id.get(id).and_then(|&i| self.nodes.get(i)) {
                    Some(n) if !n.has_kind(kind) => {
                        Err((r.path.clone(), format!("node `{id}` is not{of_kind}")).into())
                    }
                    Some(n) => Ok(End {
                        id: n.id,
                        class: Some(n.class),
                    }),
                    // A node of another input, or one skipped above; the
                    // estate builder reports it if no input declares it.
                    None => Ok(End {
                        id,
                        class: kind.and_then(node_class),
                    }),
                }
            }
            "name" => {
                let name = r.req_str("value")?;
                let found: Vec<usize> = self
                    .by_name
                    .get(name)
                    .map(|ixs| {
                        ixs.iter()
                            .copied()
                            .filter(|&i| self.nodes.get(i).is_some_and(|n| n.has_kind(kind)))
                            .collect()
                    })
                    .unwrap_or_default();
                self.one(
                    &r,
                    &found,
                    || format!("no node{of_kind} in this file has name `{name}`"),
                    || format!("name `{name}` matches {} nodes{of_kind}", found.len()),
                )
            }
            "property" => {
                let found = self.by_properties(&r, kind)?;
                self.one(
                    &r,
                    &found,
                    || format!("no node{of_kind} in this file matches `property_matchers`"),
                    || format!("`property_matchers` match {} nodes{of_kind}", found.len()),
                )
            }
            _ => Err((
                r.at("match_by"),
                format!("unknown match_by `{match_by}`, expected one of: id, name, property"),
            )
                .into()),
        }
    }

    /// The single node of `found`, or an error naming what went wrong.
    fn one(
        &self,
        r: &Obj<'a>,
        found: &[usize],
        none: impl FnOnce() -> String,
        many: impl FnOnce() -> String,
    ) -> Result<End<'a>, Fail> {
        match found {
            [] => Err((r.path.clone(), none()).into()),
            [i] => self
                .nodes
                .get(*i)
                .map(|n| End {
                    id: n.id,
                    class: Some(n.class),
                })
                .ok_or_else(|| (r.path.clone(), none()).into()),
            more => {
                let ids: Vec<&str> = more
                    .iter()
                    .take(5)
                    .filter_map(|&i| self.nodes.get(i).map(|n| n.id))
                    .collect();
                let etc = if more.len() > ids.len() { ", ..." } else { "" };
                Err((
                    r.path.clone(),
                    format!(
                        "{} ({}{etc}); match by `id` or add a `kind`",
                        many(),
                        backticked(&ids)
                    ),
                )
                    .into())
            }
        }
    }

    /// Nodes of this file whose properties equal every matcher's value.
    fn by_properties(&mut self, r: &Obj<'a>, kind: Option<&str>) -> Result<Vec<usize>, Fail> {
        let at = r.at("property_matchers");
        let items = match r.map.get("property_matchers") {
            Some(Value::Array(items)) if !items.is_empty() => items,
            Some(Value::Array(_)) => {
                return Err((at, "expected at least one property matcher".into()).into());
            }
            None | Some(Value::Null) => {
                return Err((at, "missing required field `property_matchers`".into()).into());
            }
            Some(other) => {
                return Err((at, format!("expected an array, found {}", type_name(other))).into());
            }
        };
        let mut found: Option<Vec<usize>> = None;
        for (j, item) in items.iter().enumerate() {
            let m = Obj::new(item, format!("{at}[{j}]"))?;
            let key = m.req_str("key")?;
            match m.opt_str("operator")? {
                None => {}
                Some(op) if op.eq_ignore_ascii_case("equals") => {}
                Some(op) => {
                    return Err((
                        m.at("operator"),
                        format!("unsupported operator `{op}`, expected `equals`"),
                    )
                        .into());
                }
            }
            let value = match m.map.get("value") {
                Some(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => v.to_string(),
                None | Some(Value::Null) => {
                    return Err((m.at("value"), "missing required field `value`".into()).into());
                }
                Some(other) => {
                    return Err((
                        m.at("value"),
                        format!(
                            "expected a string, a number or a boolean, found {}",
                            type_name(other)
                        ),
                    )
                        .into());
                }
            };
            let nodes = &self.nodes;
            let index = self.by_property.entry(key).or_insert_with(|| {
                let mut index: HashMap<String, Vec<usize>> = HashMap::new();
                for (i, n) in nodes.iter().enumerate() {
                    if let Some(v) = n.props.and_then(|p| p.get(key)) {
                        index.entry(v.to_string()).or_default().push(i);
                    }
                }
                index
            });
            let hits = index.get(&value).map(Vec::as_slice).unwrap_or_default();
            found = Some(match found {
                None => hits.to_vec(),
                // Both lists are in input order, so ascending.
                Some(mut prev) => {
                    prev.retain(|i| hits.binary_search(i).is_ok());
                    prev
                }
            });
        }
        Ok(found
            .unwrap_or_default()
            .into_iter()
            .filter(|&i| self.nodes.get(i).is_some_and(|n| n.has_kind(kind)))
            .collect())
    }
}

/// The tags of `blastgraph_tags`: the text of a JSON object whose values are
/// strings, numbers or booleans; secret-looking keys are left out like any
/// property's. Anything else is a warning and no tag.
fn declared_tags(p: &Obj<'_>, out: &mut EstateBuilder) -> Vec<(String, String)> {
    let text = match p.map.get(TAGS_PROPERTY) {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::String(s)) => s,
        Some(other) => {
            out.warning(
                p.at(TAGS_PROPERTY),
                format!(
                    "expected the text of a JSON object, found {}; ignored",
                    type_name(other)
                ),
            );
            return Vec::new();
        }
    };
    let map = match serde_json::from_str::<Map<String, Value>>(text) {
        Ok(map) => map,
        Err(e) => {
            out.warning(
                p.at(TAGS_PROPERTY),
                format!("expected the text of a JSON object of strings: {e}; ignored"),
            );
            return Vec::new();
        }
    };
    let mut tags = Vec::with_capacity(map.len());
    for (key, value) in map {
        let text = match value {
            Value::String(_) if secret_like(&key) => continue,
            Value::String(s) => s,
            Value::Number(_) | Value::Bool(_) => value.to_string(),
            Value::Null | Value::Array(_) | Value::Object(_) => {
                out.warning(
                    p.at(TAGS_PROPERTY),
                    format!(
                        "tag `{key}` is {}, not a string; ignored",
                        type_name(&value)
                    ),
                );
                continue;
            }
        };
        tags.push((key, text));
    }
    tags
}

/// Node properties read into [`Attributes`] rather than tags.
const ATTRIBUTE_KEYS: &[&str] = &["owner", "environment", "created", "last_used", "expires"];

/// Whether a string property may hold a secret value; such values are never
/// copied into tags.
fn secret_like(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "api_key",
        "privatekey",
        "private_key",
        "connectionstring",
        "connection_string",
    ]
    .iter()
    .any(|w| key.contains(w))
}

/// A governance attribute from a node's properties; a wrong type or a
/// malformed date is a warning and the value is left out.
fn attribute(p: &Obj<'_>, key: &str, date: bool, out: &mut EstateBuilder) -> Option<String> {
    match p.map.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if date && !looks_like_date(s) => {
            out.warning(
                p.at(key),
                format!(
                    "expected an RFC 3339 date such as `2025-01-31T12:00:00Z`, found `{s}`; ignored"
                ),
            );
            None
        }
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            out.warning(
                p.at(key),
                format!("expected a string, found {}; ignored", type_name(other)),
            );
            None
        }
    }
}

/// A node's `kinds`: a non-empty array of non-empty strings.
fn read_kinds<'a>(o: &Obj<'a>) -> Result<Vec<&'a str>, Fail> {
    let at = o.at("kinds");
    match o.map.get("kinds") {
        None | Some(Value::Null) => Err((at, "missing required field `kinds`".into()).into()),
        Some(Value::Array(items)) if items.is_empty() => {
            Err((at, "expected at least one kind".into()).into())
        }
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(j, v)| match v {
                Value::String(s) if !s.trim().is_empty() => Ok(s.as_str()),
                Value::String(_) => {
                    Err((format!("{at}[{j}]"), "expected a non-empty string".into()).into())
                }
                other => Err((
                    format!("{at}[{j}]"),
                    format!("expected a string, found {}", type_name(other)),
                )
                    .into()),
            })
            .collect(),
        Some(other) => Err((
            at,
            format!("expected an array of strings, found {}", type_name(other)),
        )
            .into()),
    }
}

/// An optional object field; null counts as absent.
fn optional_object<'a>(o: &Obj<'a>, key: &str) -> Result<Option<Obj<'a>>, Fail> {
    match o.map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => Obj::new(v, o.at(key)).map(Some),
    }
}

/// The mapping of an edge kind: `blastgraph_kind` if set, else the table.
fn mapping(o: &Obj<'_>, bh_kind: &str, props: Option<&Obj<'_>>) -> Result<Mapping, Fail> {
    let declared = match props {
        Some(p) => p.opt_str(KIND_PROPERTY)?.map(|w| (p, w)),
        None => None,
    };
    if let Some((p, word)) = declared {
        let kind: EdgeKind = word
            .parse()
            .map_err(|e: blastgraph_model::UnknownName| (p.at(KIND_PROPERTY), e.to_string()))?;
        let level = match p.opt_str(ACCESS_PROPERTY)? {
            Some(w) => Some(
                w.parse::<AccessLevel>()
                    .map_err(|e| (p.at(ACCESS_PROPERTY), e.to_string()))?,
            ),
            None if kind == EdgeKind::Access => {
                return Err((
                    p.at(ACCESS_PROPERTY),
                    format!(
                        "an `access` edge needs `{ACCESS_PROPERTY}`: one of {}",
                        words(AccessLevel::ALL.iter().map(|a| a.as_str()))
                    ),
                )
                    .into());
            }
            None => None,
        };
        return Ok(Mapping::Declared(kind, level));
    }
    edge_rule(bh_kind).map(Mapping::Rule).ok_or_else(|| {
        RecordError::new(
            blastgraph_model::Code::UnknownName,
            o.at("kind"),
            format!(
                "unknown BloodHound edge kind `{bh_kind}`; set `properties.{KIND_PROPERTY}` to one of: {} (and `properties.{ACCESS_PROPERTY}` for `access`)",
                words(EdgeKind::ALL.iter().map(|k| k.as_str()))
            ),
        )
    })
}

/// The blastgraph edges a rule gives, given the end node's class.
fn expand(rule: EdgeRule, bh_kind: &str, end: Option<Class>) -> Vec<Produced> {
    match rule {
        Plain(kind) => vec![Produced {
            mechanism: false,
            ..Produced::new(kind)
        }],
        ActAs => vec![Produced::new(EdgeKind::CanActAs)],
        EdgeRule::Access(level) => vec![Produced::access(level)],
        Control {
            level,
            grants_scope,
        } => match end {
            Some(Class::Scope) => vec![Produced {
                condition: (!grants_scope).then(|| {
                    format!(
                        "`{bh_kind}` does not let the holder write role assignments; reaching everything in the scope is an over-approximation"
                    )
                }),
                ..Produced::new(EdgeKind::CanEscalate)
            }],
            Some(Class::Tool) => vec![
                Produced::access(level),
                Produced::new(EdgeKind::CanActAs),
            ],
            Some(Class::Secret) if level < AccessLevel::Admin => vec![
                Produced::access(level),
                Produced {
                    condition: Some(format!(
                        "`{bh_kind}` gives secret values only once the holder grants itself data access (key vault access-policy model)"
                    )),
                    ..Produced::new(EdgeKind::CanReadSecret)
                },
            ],
            Some(Class::Secret | Class::Dataset | Class::Model) => {
                vec![Produced::access(level)]
            }
            Some(Class::Human | Class::Workload | Class::Group | Class::Credential) | None => {
                vec![Produced::new(EdgeKind::CanActAs)]
            }
        },
    }
}

fn backticked(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn words<'w>(items: impl Iterator<Item = &'w str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use blastgraph_model::Estate;

    fn ingest(text: &str) -> (Result<(), IngestError>, Estate) {
        let mut b = EstateBuilder::new();
        b.begin_input("t.json", "opengraph", String::new(), 0);
        let r = OpenGraphConnector.ingest("t.json", text.as_bytes(), &mut b);
        (r, b.finish())
    }

    fn node_lines(e: &Estate) -> Vec<String> {
        e.nodes
            .iter()
            .map(|n| format!("{} | {} | {} | {}", n.id, n.name, n.kind, n.class))
            .collect()
    }

    fn edge_lines(e: &Estate) -> Vec<String> {
        e.edges
            .iter()
            .map(|e| {
                let mut s = format!("{} -{}", e.from, e.kind);
                if let Some(a) = e.access {
                    s += &format!(":{a}");
                }
                if let Some(m) = &e.mechanism {
                    s += &format!("[{m}]");
                }
                s += &format!("-> {}", e.to);
                if e.conditional {
                    s += &format!(" ?{}", e.condition.as_deref().unwrap_or(""));
                }
                s
            })
            .collect()
    }

    fn messages(e: &Estate) -> Vec<String> {
        e.diagnostics.iter().map(ToString::to_string).collect()
    }

    /// An Azure tenant as an OpenGraph exporter writes it: a deployment
    /// service principal that owns an app, the app's own service principal
    /// (same name, told apart by `kind`), a VM with a system-assigned managed
    /// identity (same name as the VM), a key vault, group membership.
    const TENANT: &str = r#"{
      "metadata": {"source_kind": "AZBase"},
      "graph": {
        "nodes": [
          {"id": "T-1", "kinds": ["AZTenant", "AZBase"], "properties": {"name": "CONTOSO.ONMICROSOFT.COM", "objectid": "T-1"}},
          {"id": "SUB-1", "kinds": ["AZSubscription", "AZBase"], "properties": {"name": "ML-PROD", "environment": "prod"}},
          {"id": "U-1", "kinds": ["AZUser", "AZBase"], "properties": {"name": "ALICE@CONTOSO.COM", "displayname": "Alice Liddell", "enabled": true, "owner": "it-identity", "created": "2023-05-01T09:00:00Z"}},
          {"id": "G-1", "kinds": ["AZGroup", "AZBase"], "properties": {"name": "ML-ENGINEERS@CONTOSO.COM"}},
          {"id": "SP-1", "kinds": ["AZServicePrincipal", "AZBase"], "properties": {"name": "DEPLOY-BOT", "serviceprincipaltype": "Application", "appid": "a1", "client_secret": "hunter2", "appownerorganizationid": null}},
          {"id": "APP-1", "kinds": ["AZApp", "AZBase"], "properties": {"name": "TRAINING-PIPELINE", "owners": ["SP-1"]}},
          {"id": "SP-2", "kinds": ["AZServicePrincipal", "AZBase"], "properties": {"name": "TRAINING-PIPELINE"}},
          {"id": "VM-1", "kinds": ["AZVM", "AZBase"], "properties": {"name": "GPU-TRAINER-01"}},
          {"id": "MI-1", "kinds": ["AZServicePrincipal", "AZBase"], "properties": {"name": "GPU-TRAINER-01", "serviceprincipaltype": "ManagedIdentity"}},
          {"id": "KV-1", "kinds": ["AZKeyVault", "AZBase"], "properties": {"name": "ML-SECRETS"}}
        ],
        "edges": [
          {"kind": "AZMemberOf", "start": {"value": "U-1"}, "end": {"value": "G-1", "match_by": "id"}},
          {"kind": "AZVMContributor", "start": {"value": "G-1"}, "end": {"value": "VM-1"}},
          {"kind": "AZOwns", "start": {"value": "SP-1"}, "end": {"value": "APP-1"}},
          {"kind": "AZRunsAs", "start": {"value": "APP-1"}, "end": {"value": "TRAINING-PIPELINE", "match_by": "name", "kind": "AZServicePrincipal"}},
          {"kind": "AZManagedIdentity", "start": {"value": "VM-1"}, "end": {"value": "GPU-TRAINER-01", "match_by": "name", "kind": "AZServicePrincipal"}},
          {"kind": "AZGetSecrets", "start": {"value": "MI-1"}, "end": {"value": "KV-1"}, "properties": {"description": "Key Vault Secrets User"}},
          {"kind": "AZContains", "start": {"value": "T-1"}, "end": {"value": "SUB-1"}},
          {"kind": "AZContains", "start": {"value": "SUB-1"}, "end": {"value": "VM-1"}},
          {"kind": "AZContains", "start": {"value": "SUB-1"}, "end": {"value": "KV-1"}},
          {"kind": "AZOwner", "start": {"value": "SP-2"}, "end": {"value": "SUB-1"}},
          {"kind": "AZContributor", "start": {"value": "U-1"}, "end": {"value": "KV-1"}, "properties": {"condition": "PIM activation required"}},
          {"kind": "AZContributor", "start": {"value": "SP-1"}, "end": {"value": "SUB-1"}}
        ]
      }
    }"#;

    #[test]
    fn an_azure_tenant_maps_to_nodes_and_edges() {
        let (r, e) = ingest(TENANT);
        assert!(r.is_ok());
        assert_eq!(messages(&e), Vec::<String>::new());
        assert_eq!(
            node_lines(&e),
            [
                "T-1 | CONTOSO.ONMICROSOFT.COM | azure:AZTenant | scope",
                "SUB-1 | ML-PROD | azure:AZSubscription | scope",
                "U-1 | ALICE@CONTOSO.COM | azure:AZUser | human",
                "G-1 | ML-ENGINEERS@CONTOSO.COM | azure:AZGroup | group",
                "SP-1 | DEPLOY-BOT | azure:AZServicePrincipal | workload",
                "APP-1 | TRAINING-PIPELINE | azure:AZApp | workload",
                "SP-2 | TRAINING-PIPELINE | azure:AZServicePrincipal | workload",
                "VM-1 | GPU-TRAINER-01 | azure:AZVM | tool",
                "MI-1 | GPU-TRAINER-01 | azure:AZServicePrincipal | workload",
                "KV-1 | ML-SECRETS | azure:AZKeyVault | secret",
            ]
        );
        let alice = &e.nodes[2];
        assert_eq!(alice.provider, "azure");
        assert_eq!(
            alice.attrs,
            Attributes {
                owner: Some("it-identity".into()),
                created: Some("2023-05-01T09:00:00Z".into()),
                tags: [("displayname", "Alice Liddell"), ("enabled", "true")]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                ..Attributes::default()
            }
        );
        assert_eq!(e.nodes[1].attrs.environment.as_deref(), Some("prod"));
        // The secret-looking value, the null and the array are not tags.
        let sp_tags: Vec<_> = e.nodes[4].attrs.tags.iter().collect();
        assert_eq!(
            format!("{sp_tags:?}"),
            r#"[("appid", "a1"), ("serviceprincipaltype", "Application")]"#
        );
        assert!(
            e.nodes[0].attrs.tags.is_empty(),
            "objectid equal to id is no tag"
        );
        assert!(e.nodes[5].attrs.tags.is_empty());

        let over = "`AZContributor` does not let the holder write role assignments; reaching everything in the scope is an over-approximation";
        let vault = "`AZContributor` gives secret values only once the holder grants itself data access (key vault access-policy model)";
        assert_eq!(
            edge_lines(&e),
            [
                "U-1 -member_of-> G-1".to_string(),
                "G-1 -access:write-> VM-1".into(),
                "G-1 -can_act_as[AZVMContributor]-> VM-1".into(),
                "SP-1 -can_act_as[AZOwns]-> APP-1".into(),
                "APP-1 -authenticates_as-> SP-2".into(),
                "VM-1 -can_act_as[AZManagedIdentity]-> MI-1".into(),
                "MI-1 -can_read_secret-> KV-1".into(),
                "T-1 -contains-> SUB-1".into(),
                "SUB-1 -contains-> VM-1".into(),
                "SUB-1 -contains-> KV-1".into(),
                "SP-2 -can_escalate[AZOwner]-> SUB-1".into(),
                "U-1 -access:write-> KV-1 ?PIM activation required".into(),
                format!("U-1 -can_read_secret-> KV-1 ?PIM activation required; {vault}"),
                format!("SP-1 -can_escalate[AZContributor]-> SUB-1 ?{over}"),
            ]
        );
        assert_eq!(
            e.edges.get(6).unwrap().provenance,
            Provenance {
                source: "t.json".into(),
                location: "$.graph.edges[5]".into(),
                reason: "BloodHound edge `AZGetSecrets`: Key Vault Secrets User".into(),
            }
        );
        assert_eq!(
            e.edges.get(0).unwrap().provenance.reason,
            "BloodHound edge `AZMemberOf`"
        );
        assert_eq!(e.inputs[0].nodes, 10);
        assert_eq!(e.inputs[0].edges, 14);
    }

    #[test]
    fn the_same_file_gives_the_same_estate() {
        let (_, a) = ingest(TENANT);
        let (_, b) = ingest(TENANT);
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
    }

    #[test]
    fn bad_records_are_reported_with_their_path_and_good_ones_kept() {
        let (r, e) = ingest(
            r#"{"graph": {
              "nodes": [
                {"id": "ok-1", "kinds": ["AZUser"], "properties": {"name": "DUP"}},
                {"kinds": ["AZUser"]},
                {"id": "x", "kinds": ["Person", "Base"]},
                {"id": "ok-2", "kinds": ["AZUser"], "properties": {"name": "DUP"}},
                {"id": "y", "kinds": "AZUser"},
                {"id": 7, "kinds": ["AZUser"]},
                {"id": "z", "kinds": ["AZUser", 3]},
                {"id": "w", "kinds": ["AZUser"], "properties": [1]},
                {"id": "v", "kinds": ["Person"], "properties": {"blastgraph_class": "robot"}},
                {"id": "ok-3", "kinds": ["AZVM"], "properties": {"owner": 5, "created": "last week"}},
                "oops",
                {"id": "u", "kinds": []}
              ],
              "edges": [
                {"kind": "AZExecuteCommand", "start": {"value": "ok-1"}, "end": {"value": "ok-3"}},
                {"kind": "AZOwns", "start": {"value": "ok-1"}, "end": {"value": "NOBODY", "match_by": "name"}},
                {"kind": "AZOwns", "start": {"value": "ok-1"}, "end": {"value": "DUP", "match_by": "name"}},
                {"kind": "Frobnicates", "start": {"value": "ok-1"}, "end": {"value": "ok-2"}},
                {"kind": "AZOwns", "end": {"value": "ok-2"}},
                {"kind": "AZOwns", "start": {"value": "ok-1", "match_by": "sid"}, "end": {"value": "ok-2"}},
                {"kind": "AZOwns", "start": {"value": "ok-1"}, "end": {"value": "ok-2"}, "properties": {"conditional": "yes"}},
                {"kind": "AZOwns", "start": {"value": "ok-1"}, "end": {"value": "ghost"}},
                {"kind": 7, "start": {"value": "ok-1"}, "end": {"value": "ok-2"}},
                {"kind": "AZOwns", "start": {"value": "ok-1"}, "end": {"value": "ok-2", "kind": "AZGroup"}},
                {"kind": "Reads", "start": {"value": "ok-1"}, "end": {"value": "ok-3"}, "properties": {"blastgraph_kind": "access"}},
                {"kind": "Reads", "start": {"value": "ok-1"}, "end": {"value": "ok-3"}, "properties": {"blastgraph_kind": "access", "blastgraph_access": "read"}},
                {"kind": "AZOwns", "start": {"value": "ok-1"}, "end": {"value": 42}},
                {"kind": "AZOwns", "start": "ok-1", "end": {"value": "ok-2"}}
              ]}}"#,
        );
        assert!(r.is_ok());
        let ids: Vec<_> = e.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["ok-1", "ok-2", "ok-3"]);
        assert_eq!(
            edge_lines(&e),
            [
                "ok-1 -access:execute-> ok-3",
                "ok-1 -can_act_as[AZExecuteCommand]-> ok-3",
                "ok-1 -access:read-> ok-3",
            ]
        );
        assert_eq!(
            messages(&e),
            [
                "error[bad-record]: t.json: $.graph.nodes[1].id: missing required field `id`",
                "error[bad-record]: t.json: $.graph.nodes[2].kinds: no known BloodHound kind among `Person`, `Base`; set `properties.blastgraph_class` to one of: human, workload, group, credential, secret, dataset, model, tool, scope",
                "error[bad-record]: t.json: $.graph.nodes[4].kinds: expected an array of strings, found a string",
                "error[bad-record]: t.json: $.graph.nodes[5].id: expected a string, found a number",
                "error[bad-record]: t.json: $.graph.nodes[6].kinds[1]: expected a string, found a number",
                "error[bad-record]: t.json: $.graph.nodes[7].properties: expected an object, found an array",
                "error[bad-record]: t.json: $.graph.nodes[8].properties.blastgraph_class: unknown class `robot`, expected one of: human, workload, group, credential, secret, dataset, model, tool, scope",
                "warning[ignored]: t.json: $.graph.nodes[9].properties.owner: expected a string, found a number; ignored",
                "warning[ignored]: t.json: $.graph.nodes[9].properties.created: expected an RFC 3339 date such as `2025-01-31T12:00:00Z`, found `last week`; ignored",
                "error[bad-record]: t.json: $.graph.nodes[10]: expected an object, found a string",
                "error[bad-record]: t.json: $.graph.nodes[11].kinds: expected at least one kind",
                "error[bad-record]: t.json: $.graph.edges[1].end: no node in this file has name `NOBODY`",
                "error[bad-record]: t.json: $.graph.edges[2].end: name `DUP` matches 2 nodes (`ok-1`, `ok-2`); match by `id` or add a `kind`",
                "error[unknown-name]: t.json: $.graph.edges[3].kind: unknown BloodHound edge kind `Frobnicates`; set `properties.blastgraph_kind` to one of: member_of, can_assume, can_act_as, can_escalate, can_read_secret, holds_credential, authenticates_as, oauth_grant, access, contains (and `properties.blastgraph_access` for `access`)",
                "error[bad-record]: t.json: $.graph.edges[4].start: missing required field `start`",
                "error[bad-record]: t.json: $.graph.edges[5].start.match_by: unknown match_by `sid`, expected one of: id, name, property",
                "error[bad-record]: t.json: $.graph.edges[6].properties.conditional: expected a boolean, found a string",
                "error[bad-record]: t.json: $.graph.edges[8].kind: expected a string, found a number",
                "error[bad-record]: t.json: $.graph.edges[9].end: node `ok-2` is not of kind `AZGroup`",
                "error[bad-record]: t.json: $.graph.edges[10].properties.blastgraph_access: an `access` edge needs `blastgraph_access`: one of read, invoke, execute, write, admin",
                "error[bad-record]: t.json: $.graph.edges[12].end.value: expected a string, found a number",
                "error[bad-record]: t.json: $.graph.edges[13].start: expected an object, found a string",
                "error[dangling-edge]: t.json: $.graph.edges[7]: edge `can_act_as` names unknown node `ghost`; it is skipped",
            ]
        );
        assert_eq!(e.inputs[0].skipped, 21);
        assert_eq!(e.inputs[0].warnings, 2);
    }

    #[test]
    fn malformed_json_is_a_file_error_with_line_and_column() {
        let (r, e) = ingest("{\"graph\": {\n  \"nodes\": [\n    {\"id\": \"a\",}\n]}}");
        assert_eq!(
            r.unwrap_err().to_string(),
            "t.json: line 3, column 16: malformed JSON: trailing comma"
        );
        assert!(e.nodes.is_empty());
        let (r, _) = ingest("  \n");
        assert_eq!(
            r.unwrap_err().to_string(),
            "t.json: line 1, column 1: the file is empty, expected a JSON object"
        );
    }

    #[test]
    fn a_duplicate_key_costs_its_record_or_outside_records_the_file() {
        let text = r#"{"graph": {
              "nodes": [
                {"id": "ok-1", "kinds": ["AZUser"]},
                {"id": "twice", "kinds": ["AZUser"], "properties": {"name": "A", "name": "B"}},
                {"id": "ok-2", "kinds": ["AZVM"]}
              ],
              "edges": [
                {"kind": "AZExecuteCommand", "start": {"value": "ok-1"}, "end": {"value": "ok-2"}, "kind": "AZOwns"},
                {"kind": "AZExecuteCommand", "start": {"value": "ok-1"}, "end": {"value": "ok-2"}}
              ]}}"#;
        let (r, e) = ingest(text);
        assert!(r.is_ok());
        let ids: Vec<_> = e.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["ok-1", "ok-2"]);
        // Both edges come from `$.graph.edges[1]`.
        assert_eq!(
            edge_lines(&e),
            [
                "ok-1 -access:execute-> ok-2",
                "ok-1 -can_act_as[AZExecuteCommand]-> ok-2"
            ]
        );
        assert!(
            e.edges
                .iter()
                .all(|x| x.provenance.location == "$.graph.edges[1]")
        );
        assert_eq!(
            messages(&e),
            [
                "error[duplicate-key]: t.json: $.graph.nodes[1].properties.name: duplicate key `name`: which of its values counts is ambiguous, so the record `$.graph.nodes[1]` is skipped",
                "error[duplicate-key]: t.json: $.graph.edges[0].kind: duplicate key `kind`: which of its values counts is ambiguous, so the record `$.graph.edges[0]` is skipped",
            ]
        );
        let (r, e) =
            ingest(r#"{"graph": {"nodes": [{"id": "a", "kinds": ["AZUser"]}], "nodes": []}}"#);
        assert_eq!(
            r.unwrap_err().to_string(),
            "t.json: $.graph.nodes: duplicate key `nodes`: which of its values counts is ambiguous, so the file is skipped"
        );
        assert!(e.nodes.is_empty());
    }

    #[test]
    fn wrong_top_level_shapes_are_file_errors() {
        let cases = [
            (r#"[1, 2]"#, "t.json: $: expected an object, found an array"),
            (
                r#"{"metadata": {}}"#,
                "t.json: $.graph: missing required field `graph`",
            ),
            (
                r#"{"graph": "nodes"}"#,
                "t.json: $.graph: expected an object, found a string",
            ),
        ];
        for (text, expected) in cases {
            let (r, _) = ingest(text);
            assert_eq!(r.unwrap_err().to_string(), expected, "{text}");
        }
    }

    #[test]
    fn a_list_of_the_wrong_type_is_reported_and_the_other_list_read() {
        let (r, e) = ingest(
            r#"{"graph": {"nodes": {"id": "a"},
                          "edges": [{"kind": "CanAssume", "start": {"value": "r1"}, "end": {"value": "r2"}}],
                          "extra": 1},
                "metadata": "AZBase"}"#,
        );
        assert!(r.is_ok());
        assert_eq!(
            messages(&e),
            [
                "warning[ignored]: t.json: $.metadata: expected an object, found a string; ignored",
                "warning[unknown-field]: t.json: $.graph.extra: unknown field `extra` ignored",
                "error[bad-record]: t.json: $.graph.nodes: expected an array, found an object; no nodes read",
                "error[dangling-edge]: t.json: $.graph.edges[0]: edge `can_assume` names unknown nodes `r1` and `r2`; it is skipped",
            ]
        );
        let (_, e) = ingest(r#"{"graph": {"nodes": [], "edges": 3}}"#);
        assert_eq!(
            messages(&e),
            [
                "error[bad-record]: t.json: $.graph.edges: expected an array, found a number; no edges read"
            ]
        );
    }

    #[test]
    fn declared_class_and_kind_override_the_tables_and_name_the_provider() {
        let (r, e) = ingest(
            r#"{"metadata": {"source_kind": "HRSystem"},
                "graph": {
                  "nodes": [
                    {"id": "p1", "kinds": ["Person", "Base"], "properties": {"blastgraph_class": "human", "displayname": "Pat"}},
                    {"id": "arn:aws:iam::1:user/ci", "kinds": ["AWSUser"]},
                    {"id": "arn:aws:iam::1:user/bob", "kinds": ["AWSUser"], "properties": {"blastgraph_class": "Human"}},
                    {"id": "repo", "kinds": ["GHRepository"], "properties": {"name": "ml-infra"}},
                    {"id": "pay", "kinds": ["Payroll"], "properties": {"blastgraph_class": "dataset"}}
                  ],
                  "edges": [
                    {"kind": "ReadsPayroll", "start": {"value": "p1"}, "end": {"value": "pay"},
                     "properties": {"blastgraph_kind": "access", "blastgraph_access": "read"}},
                    {"kind": "MemberOf", "start": {"value": "p1"}, "end": {"value": "arn:aws:iam::1:user/ci"},
                     "properties": {"blastgraph_kind": "can-assume", "conditional": true}},
                    {"kind": "GHWriteRepoContents", "start": {"value": "arn:aws:iam::1:user/bob"}, "end": {"value": "repo"}},
                    {"kind": "GenericWrite", "start": {"value": "p1"}, "end": {"value": "arn:aws:iam::1:user/bob"}, "properties": {"blastgraph_kind": "can_act_as"}}
                  ]}}"#,
        );
        assert!(r.is_ok());
        assert_eq!(messages(&e), Vec::<String>::new());
        assert_eq!(
            node_lines(&e),
            [
                "p1 | Pat | hrsystem:Person | human",
                "arn:aws:iam::1:user/ci | arn:aws:iam::1:user/ci | aws:AWSUser | workload",
                "arn:aws:iam::1:user/bob | arn:aws:iam::1:user/bob | aws:AWSUser | human",
                "repo | ml-infra | github:GHRepository | tool",
                "pay | pay | hrsystem:Payroll | dataset",
            ]
        );
        assert_eq!(
            edge_lines(&e),
            [
                "p1 -access:read-> pay",
                "p1 -can_assume-> arn:aws:iam::1:user/ci ?",
                "arn:aws:iam::1:user/bob -access:write-> repo",
                "p1 -can_act_as[GenericWrite]-> arn:aws:iam::1:user/bob",
            ]
        );
        let (_, e) = ingest(r#"{"graph": {"nodes": [{"id": "d", "kinds": ["Domain"]}]}}"#);
        assert_eq!(node_lines(&e), ["d | d | opengraph:Domain | scope"]);
    }

    /// What `blastgraph export --to opengraph` writes to be read back as it
    /// was: provider, provider kind and tags on nodes; mechanism (empty for
    /// none) and explicit id on edges.
    #[test]
    fn declared_provider_kind_tags_mechanism_and_id_are_kept() {
        let (r, e) = ingest(
            r#"{"metadata": {"source_kind": "BG_Base"},
                "graph": {
                  "nodes": [
                    {"id": "arn:aws:iam::1:role/etl", "kinds": ["BG_Workload", "BG_Base"],
                     "properties": {"name": "etl", "blastgraph_class": "workload", "blastgraph_provider": "aws",
                                    "blastgraph_kind": "aws:role", "owner": "data",
                                    "blastgraph_tags": "{\"aws:path\": \"/\", \"owner\": \"tag-owner\", \"api_token\": \"x\", \"n\": 3}"}},
                    {"id": "b", "kinds": ["BG_Dataset", "BG_Base"],
                     "properties": {"name": "b", "blastgraph_class": "dataset", "blastgraph_tags": "[1]"}},
                    {"id": "c", "kinds": ["BG_Workload"],
                     "properties": {"blastgraph_class": "workload", "blastgraph_tags": "{\"k\": [\"v\"]}"}}
                  ],
                  "edges": [
                    {"kind": "BG_CanActAs", "start": {"value": "arn:aws:iam::1:role/etl"}, "end": {"value": "c"},
                     "properties": {"blastgraph_kind": "can_act_as", "blastgraph_mechanism": ""}},
                    {"kind": "BG_Access", "start": {"value": "arn:aws:iam::1:role/etl"}, "end": {"value": "b"},
                     "properties": {"blastgraph_kind": "access", "blastgraph_access": "read",
                                    "blastgraph_mechanism": "s3:GetObject", "blastgraph_id": "e-1"}},
                    {"kind": "AZOwns", "start": {"value": "c"}, "end": {"value": "arn:aws:iam::1:role/etl"},
                     "properties": {"blastgraph_mechanism": "iam:PassRole"}}
                  ]}}"#,
        );
        assert!(r.is_ok());
        assert_eq!(
            node_lines(&e),
            [
                "arn:aws:iam::1:role/etl | etl | aws:role | workload",
                "b | b | bg_base:BG_Dataset | dataset",
                "c | c | bg_base:BG_Workload | workload",
            ]
        );
        assert_eq!(e.nodes[0].provider, "aws");
        assert_eq!(e.nodes[0].attrs.owner.as_deref(), Some("data"));
        assert_eq!(
            format!("{:?}", e.nodes[0].attrs.tags),
            r#"{"aws:path": "/", "n": "3", "owner": "tag-owner"}"#,
            "the secret-looking tag is left out"
        );
        assert_eq!(
            edge_lines(&e),
            [
                "arn:aws:iam::1:role/etl -can_act_as-> c",
                "arn:aws:iam::1:role/etl -access:read[s3:GetObject]-> b",
                "c -can_act_as[iam:PassRole]-> arn:aws:iam::1:role/etl",
            ]
        );
        let ids: Vec<Option<String>> = e.edges.iter().map(|e| e.id).collect();
        assert_eq!(ids, [None, Some("e-1".to_string()), None]);
        assert_eq!(
            messages(&e),
            [
                "warning[ignored]: t.json: $.graph.nodes[1].properties.blastgraph_tags: expected the text of a JSON object of strings: invalid type: sequence, expected a map at line 1 column 0; ignored",
                "warning[ignored]: t.json: $.graph.nodes[2].properties.blastgraph_tags: tag `k` is an array, not a string; ignored",
            ]
        );
    }

    #[test]
    fn ends_resolve_by_property_and_ends_from_other_files_use_their_reference_kind() {
        let (r, e) = ingest(
            r#"{"graph": {
                  "nodes": [
                    {"id": "u1", "kinds": ["GHUser"], "properties": {"login": "alice", "site_admin": false}},
                    {"id": "u2", "kinds": ["GHUser"], "properties": {"login": "bob", "site_admin": false}},
                    {"id": "t1", "kinds": ["GHTeam"], "properties": {"slug": "ml"}}
                  ],
                  "edges": [
                    {"kind": "GHMemberOf",
                     "start": {"match_by": "property", "property_matchers": [{"key": "login", "operator": "equals", "value": "alice"}, {"key": "site_admin", "value": false}]},
                     "end": {"match_by": "property", "kind": "GHTeam", "property_matchers": [{"key": "slug", "value": "ml"}]}},
                    {"kind": "GHMemberOf",
                     "start": {"match_by": "property", "property_matchers": [{"key": "site_admin", "value": false}]},
                     "end": {"value": "t1"}},
                    {"kind": "GHMemberOf",
                     "start": {"match_by": "property", "property_matchers": [{"key": "login", "operator": "startswith", "value": "a"}]},
                     "end": {"value": "t1"}},
                    {"kind": "GenericAll", "start": {"value": "u1"}, "end": {"value": "TENANT-ELSEWHERE", "kind": "AZTenant"}},
                    {"kind": "GenericAll", "start": {"value": "u1"}, "end": {"value": "SOMETHING-ELSEWHERE"}}
                  ]}}"#,
        );
        assert!(r.is_ok());
        assert_eq!(
            edge_lines(&e),
            ["u1 -member_of-> t1"],
            "edges to nodes no input declares are dropped by the builder"
        );
        assert_eq!(
            messages(&e),
            [
                "error[bad-record]: t.json: $.graph.edges[1].start: `property_matchers` match 2 nodes (`u1`, `u2`); match by `id` or add a `kind`",
                "error[bad-record]: t.json: $.graph.edges[2].start.property_matchers[0].operator: unsupported operator `startswith`, expected `equals`",
                "warning[ignored]: t.json: $.graph.edges[4].end: `SOMETHING-ELSEWHERE` is not a node of this file and its reference has no `kind`, so `GenericAll` is read as `can_act_as`",
                "error[dangling-edge]: t.json: $.graph.edges[3]: edge `can_escalate` names unknown node `TENANT-ELSEWHERE`; it is skipped",
                "error[dangling-edge]: t.json: $.graph.edges[4]: edge `can_act_as` names unknown node `SOMETHING-ELSEWHERE`; it is skipped",
            ]
        );
    }

    #[test]
    fn tags_are_capped_with_one_warning_per_file() {
        let props: Vec<String> = (0..40).map(|i| format!("\"p{i:02}\": {i}")).collect();
        let node = |id: &str| {
            format!(
                r#"{{"id": "{id}", "kinds": ["AZUser"], "properties": {{{}}}}}"#,
                props.join(", ")
            )
        };
        let (_, e) = ingest(&format!(
            r#"{{"graph": {{"nodes": [{}, {}]}}}}"#,
            node("a"),
            node("b")
        ));
        assert_eq!(e.nodes[0].attrs.tags.len(), MAX_TAGS);
        assert_eq!(
            e.nodes[0].attrs.tags.keys().last().map(String::as_str),
            Some("p31")
        );
        assert_eq!(
            messages(&e),
            [
                "warning[ignored]: t.json: $.graph.nodes: 2 nodes have more than 32 properties usable as tags; only the first 32 by name are kept"
            ]
        );
    }

    #[test]
    fn detects_opengraph_but_not_the_native_format() {
        let c = OpenGraphConnector;
        assert_eq!(c.name(), "opengraph");
        assert!(c.detect("g.json", br#"  {"graph": {"nodes": []}}"#));
        assert!(c.detect("g.json", b"\xEF\xBB\xBF{\"metadata\": {}, \"graph\": {}}"));
        assert!(!c.detect(
            "e.json",
            br#"{"format": "blastgraph-estate", "version": 1, "graph": 1}"#
        ));
        assert!(!c.detect("x.json", br#"{"nodes": []}"#));
        assert!(!c.detect("x.json", br#"["graph"]"#));
        let (r, e) =
            ingest("\u{feff}{\"graph\": {\"nodes\": [{\"id\": \"a\", \"kinds\": [\"User\"]}]}}");
        assert!(r.is_ok());
        assert_eq!(e.nodes.len(), 1);
    }

    #[test]
    fn every_table_entry_is_documented() {
        let doc = include_str!("../../../docs/opengraph.md");
        for (kind, class) in NODE_CLASSES {
            let row = format!("| `{kind}` | {class} |");
            assert!(doc.contains(&row), "docs/opengraph.md lacks the row {row}");
        }
        for (kind, _) in EDGE_RULES {
            assert!(
                doc.contains(&format!("`{kind}`")),
                "docs/opengraph.md does not mention `{kind}`"
            );
        }
        let mut nodes = std::collections::HashSet::new();
        for (kind, _) in NODE_CLASSES {
            assert!(nodes.insert(*kind), "`{kind}` is in the node table twice");
        }
        let mut edges = std::collections::HashSet::new();
        for (kind, _) in EDGE_RULES {
            assert!(edges.insert(*kind), "`{kind}` is in the edge table twice");
        }
    }
}
