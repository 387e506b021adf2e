//! AWS connector: offline ingest of AWS identities, policies and resources.
//!
//! [`AwsAuthDetailsConnector`] reads the JSON that
//! `aws iam get-account-authorization-details` prints and the rest of the
//! raw snapshot layout of `docs/aws-raw-layout.md`, and emits normalized
//! facts into an [`EstateBuilder`]. `docs/aws-connector.md` describes the
//! design (many files at once, parse-then-validate, the nodes and edges it
//! gives, the evaluation, the escalation families and what is left out);
//! `docs/aws-escalation-methods.md` the catalogue of escalation methods.

mod access;
mod inventory;
pub mod layout;

pub use layout::encode_name;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use blastgraph_model::json::{Obj, for_each_record, read_document, strip_bom, type_name};
use blastgraph_model::{
    Attributes, Class, Connector, Edge, EdgeKind, EdgeTable, EstateBuilder, IngestError, InputFile,
    Node, Provenance,
};
use blastgraph_policy::{
    Context, Evaluation, Policy, PolicyKind, PolicySet, Principal, Request, Statement,
    StatementRef, evaluate,
};
use rayon::prelude::*;
use serde_json::Value;

mod ceiling;
mod methods;
mod providers;
mod through;
pub use methods::{INSTANCE_PROFILE_METHODS, InstanceProfileMethod, PASS_ROLE_CAVEATS};

/// The format name recorded in the manifest.
pub const FORMAT: &str = "aws-authorization-details";

/// The tag that sets a user's class (`human` or `workload`).
pub const CLASS_TAG: &str = "blastgraph:class";

/// The condition key naming the permissions boundary of the principal an
/// IAM write targets (`Put*Policy`, `Attach*Policy` on users and roles).
const BOUNDARY_KEY: &str = "iam:PermissionsBoundary";

/// The condition key naming the policy an `Attach*Policy` attaches.
const POLICY_ARN_KEY: &str = "iam:PolicyARN";

/// `iam:CreateServiceSpecificCredential` (row 2.6): a credential for one
/// service (CodeCommit, Keyspaces, Bedrock API keys) of another user.
const SERVICE_CREDENTIAL: &str = "iam:CreateServiceSpecificCredential";

/// Actions of the services that issue service-specific credentials: a
/// user whose policies may allow none of them gains nothing from one.
const SERVICE_CREDENTIAL_ACTIONS: [&str; 3] = [
    "codecommit:GitPull",
    "cassandra:Select",
    "bedrock:InvokeModel",
];

/// PassRole rows that run a task on a cluster that must already exist.
const ECS_CLUSTER_ROWS: [&str; 2] = [
    "ecs-register-task-definition-run-task",
    "ecs-register-task-definition-create-service",
];

/// How many versions IAM keeps of a managed policy; a sixth needs
/// `iam:DeletePolicyVersion` first.
const MAX_POLICY_VERSIONS: usize = 5;

/// One family-1 write found possible by [`Reader::escalation_write`].
struct EscalationWrite<'a> {
    /// The evaluation of the write itself.
    eval: Evaluation<'a>,
    /// `iam:…` actions joined by `+`.
    mechanism: String,
    /// Text for the reason (the policy attached, the version deleted).
    note: String,
    /// Undecided conditions of a second request the write needs.
    conditions: Vec<String>,
}

/// The id of an account's admin scope node: `aws:account/ACCOUNT/admin`
/// ([`blastgraph_model::ids::aws_account_admin`]).
pub fn account_admin_id(account: &str) -> String {
    blastgraph_model::ids::aws_account_admin(account)
}

/// AWS in the provider registry (live collection: the
/// `blastgraph-connector-aws-live` crate).
pub static PROVIDER: blastgraph_model::Provider = blastgraph_model::Provider {
    name: "aws",
    accepts: "the output of `aws iam get-account-authorization-details` or a file of the AWS raw snapshot layout",
    docs: "docs/aws-raw-layout.md",
    connector: &AwsAuthDetailsConnector,
};

/// Reads `aws iam get-account-authorization-details` output.
#[derive(Debug, Default, Clone, Copy)]
pub struct AwsAuthDetailsConnector;

impl Connector for AwsAuthDetailsConnector {
    fn name(&self) -> &'static str {
        FORMAT
    }

    /// A JSON object whose head names one of the detail lists. The CLI prints
    /// `UserDetailList` first, and a large user list can push the other keys
    /// out of the head, so any one of the three quoted list keys is enough.
    fn detect(&self, path: &str, head: &[u8]) -> bool {
        is_auth_details(head) || layout::claims(path, head)
    }

    fn ingest(&self, path: &str, bytes: &[u8], out: &mut EstateBuilder) -> Result<(), IngestError> {
        let mut reader = Reader::new();
        reader.begin_file(path);
        let r = reader.read_file(path, bytes, out);
        reader.finish(out);
        r
    }

    /// Reads every file first (authorization details of any number of
    /// accounts, Organizations policies, inventories and resource policies of
    /// the raw layout), then emits: cross-account trust, SCPs and resource
    /// policies need all of them.
    fn ingest_all(&self, files: &[InputFile<'_>], out: &mut EstateBuilder) {
        let mut reader = Reader::new();
        for f in files {
            out.begin_input(f.path, FORMAT, f.sha256.to_string(), f.bytes.len() as u64);
            reader.begin_file(f.path);
            if let Err(e) = reader.read_file(f.path, f.bytes, out) {
                out.file_error(&e);
            }
        }
        reader.finish(out);
    }
}

/// A JSON object whose head names one of the detail lists. The CLI prints
/// `UserDetailList` first, and a large user list can push the other keys
/// out of the head, so any one of the three quoted list keys is enough.
fn is_auth_details(head: &[u8]) -> bool {
    let head = String::from_utf8_lossy(strip_bom(head));
    head.trim_start().starts_with('{')
        && [
            "\"UserDetailList\"",
            "\"RoleDetailList\"",
            "\"GroupDetailList\"",
        ]
        .iter()
        .any(|k| head.contains(k))
}

/// Whether a principal is a user, a group or a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdKind {
    User,
    Group,
    Role,
}

/// One validated user, group or role.
struct Ident {
    kind: IdKind,
    arn: String,
    /// `user/alice`, `role/deploy`, `group/devs` (for reasons).
    label: String,
    account: String,
    /// JSON path of the record.
    path: String,
    /// The file it came from (index into the reader's files).
    file: usize,
    /// Own inline and attached managed policies (indices into the arena).
    policies: Vec<usize>,
    /// For users: their groups (indices into the identities).
    groups: Vec<usize>,
    boundary: Option<usize>,
    trust: Option<usize>,
    /// The AWS principals the trust policy names (`None`: it may trust
    /// anyone, or it could not be read), for the principal index.
    trusted: Option<Vec<Trusted>>,
    /// The decoded trust document, kept only when a statement names a
    /// federated principal (OIDC, SAML): most roles do not, and an
    /// organization holds hundreds of thousands of them.
    trust_doc: Option<Value>,
    principal: Option<Principal>,
}

/// A user or role that can make requests, with its effective policies.
struct Caller<'r> {
    /// Index into the identities.
    ix: usize,
    ident: &'r Ident,
    principal: &'r Principal,
    /// Its inline, attached and group policies (indices into the documents).
    ids: Vec<usize>,
    /// The same, parsed.
    identity: Vec<&'r Policy>,
    boundary: Option<&'r Policy>,
    /// The SCPs of its account, one entry per level.
    scp: Vec<Vec<&'r Policy>>,
}

/// One parsed policy document.
struct Doc {
    policy: Policy,
    /// JSON path of the document.
    path: String,
    /// The file it came from.
    file: usize,
    /// The managed policy ARN, for managed policies.
    arn: Option<String>,
}

struct Reader {
    /// Every file read, in order; records point into it.
    files: Vec<String>,
    /// The file being read.
    file: usize,
    docs: Vec<Doc>,
    /// Managed policy ARN → arena index (default version).
    managed: HashMap<String, usize>,
    /// Managed policy ARN → its non-default versions (indices into `docs`),
    /// with their version ids.
    other_versions: HashMap<String, Vec<(usize, String)>>,
    /// Managed policy ARN → how many versions it has.
    policy_versions: HashMap<String, usize>,
    idents: Vec<Ident>,
    /// `ACCOUNT/group name` → index into `idents`.
    group_by_name: HashMap<String, usize>,
    /// Pending group names per user (resolved after all groups are read).
    user_groups: Vec<(usize, Vec<(String, String)>)>,
    accounts: BTreeSet<String>,
    nodes_added: BTreeSet<String>,
    /// Identity ARN → index into `idents`.
    ident_by_arn: HashMap<String, usize>,
    /// Policy name (as given to the parser) → arena index.
    doc_by_name: HashMap<String, usize>,
    /// A parsed policy's address → arena index; filled once every file is
    /// read (the arena does not move after that), to find the document of
    /// a statement an evaluation names.
    doc_by_addr: HashMap<usize, usize>,
    /// Instance profile ARN → role ARN (`InstanceProfileList` of roles).
    profile_role: HashMap<String, String>,
    /// `arn:…:role/NAME` (path left out) → the role's ARN, built on first use.
    role_by_name: std::sync::OnceLock<HashMap<String, String>>,
    /// Role ARN → the ARNs of its instance profiles.
    instance_profiles: HashMap<String, Vec<String>>,
    /// The raw layout beyond IAM.
    inv: inventory::Inventory,
}

type Bad = (String, String);

/// Roles indexed by the AWS principals their trust policies name: by caller
/// (index into the identities), by account, and those that name anyone.
type RoleIndex<'a> = (
    &'a HashMap<usize, Vec<usize>>,
    &'a HashMap<String, Vec<(&'a str, usize)>>,
    &'a [usize],
);

impl Reader {
    fn new() -> Self {
        Reader {
            files: Vec::new(),
            file: 0,
            docs: Vec::new(),
            managed: HashMap::new(),
            other_versions: HashMap::new(),
            policy_versions: HashMap::new(),
            idents: Vec::new(),
            group_by_name: HashMap::new(),
            user_groups: Vec::new(),
            accounts: BTreeSet::new(),
            nodes_added: BTreeSet::new(),
            ident_by_arn: HashMap::new(),
            doc_by_name: HashMap::new(),
            doc_by_addr: HashMap::new(),
            profile_role: HashMap::new(),
            role_by_name: std::sync::OnceLock::new(),
            instance_profiles: HashMap::new(),
            inv: inventory::Inventory::default(),
        }
    }

    /// Starts reading a new file.
    fn begin_file(&mut self, path: &str) {
        self.files.push(path.to_string());
        self.file = self.files.len() - 1;
    }

    /// Reads one authorization-details document.
    fn read_auth_details(
        &mut self,
        path: &str,
        bytes: &[u8],
        out: &mut EstateBuilder,
    ) -> Result<(), IngestError> {
        let doc = read_document(path, bytes, out)?;
        let top = Obj::new(&doc, "$".into()).map_err(|(location, message)| IngestError::Shape {
            file: path.to_string(),
            location,
            message,
        })?;
        if ![
            "UserDetailList",
            "GroupDetailList",
            "RoleDetailList",
            "Policies",
        ]
        .iter()
        .any(|k| top.map.contains_key(*k))
        {
            return Err(IngestError::Shape {
                file: path.to_string(),
                location: "$".into(),
                message: "expected the output of `aws iam get-account-authorization-details` \
                          (UserDetailList, GroupDetailList, RoleDetailList, Policies)"
                    .into(),
            });
        }
        for key in top.unknown_keys(&[
            "UserDetailList",
            "GroupDetailList",
            "RoleDetailList",
            "Policies",
            "IsTruncated",
            "Marker",
        ]) {
            out.warning_code(
                blastgraph_model::Code::UnknownField,
                top.at(key),
                format!("unknown field `{key}` ignored"),
            );
        }
        if top.map.get("IsTruncated") == Some(&Value::Bool(true)) {
            out.warning_code(
                blastgraph_model::Code::IncompletePage,
                top.at("IsTruncated"),
                "the output is truncated (one page of a paginated call); identities and policies \
                 on other pages are missing",
            );
        }
        self.read(&top, out);
        Ok(())
    }

    /// Reads one file: authorization details (recognised by content, any
    /// name) or a file of the raw layout (recognised by its path).
    fn read_file(
        &mut self,
        path: &str,
        bytes: &[u8],
        out: &mut EstateBuilder,
    ) -> Result<(), IngestError> {
        let head = &bytes[..bytes.len().min(4096)];
        if is_auth_details(head) || layout::classify(path).is_none() {
            return self.read_auth_details(path, bytes, out);
        }
        self.read_raw(path, bytes, out)
    }

    /// Links what was read and emits every node and edge.
    fn finish(mut self, out: &mut EstateBuilder) {
        self.freeze();
        self.link_inventory(out);
        self.emit(out);
    }

    /// Indexes the parsed documents by address; call once all files are read.
    fn freeze(&mut self) {
        self.doc_by_addr = self
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| (std::ptr::from_ref(&d.policy) as usize, i))
            .collect();
    }

    fn read(&mut self, top: &Obj<'_>, out: &mut EstateBuilder) {
        for (list, kind) in [
            ("Policies", None),
            ("GroupDetailList", Some(IdKind::Group)),
            ("UserDetailList", Some(IdKind::User)),
            ("RoleDetailList", Some(IdKind::Role)),
        ] {
            for_each_record(top, list, out, |o, out| match kind {
                None => self.read_managed(o, out),
                Some(k) => self.read_ident(o, k, out),
            });
        }
        // Resolve group memberships now that every group is known.
        for (user, names) in std::mem::take(&mut self.user_groups) {
            let account = self
                .idents
                .get(user)
                .map(|u| u.account.clone())
                .unwrap_or_default();
            for (name, at) in names {
                match self.group_by_name.get(&format!("{account}/{name}")) {
                    Some(&g) => {
                        if let Some(u) = self.idents.get_mut(user).filter(|u| !u.groups.contains(&g)) {
                            u.groups.push(g);
                        }
                    }
                    None => out.warning_code(blastgraph_model::Code::UnresolvedReference,
                        at,
                        format!(
                            "group `{name}` is not in this file; its membership and policies are unknown"
                        ),
                    ),
                }
            }
        }
        self.read_instance_profiles(top, out);
    }

    /// Parses a policy document into the arena; errors are reported and
    /// give `None`.
    fn parse_doc(
        &mut self,
        name: String,
        value: &Value,
        path: String,
        arn: Option<String>,
        out: &mut EstateBuilder,
    ) -> Option<usize> {
        match Policy::from_value(&name, value) {
            Ok(parsed) if parsed.policy.statements().is_empty() && !parsed.problems.is_empty() => {
                let problems: Vec<String> =
                    parsed.problems.iter().map(ToString::to_string).collect();
                out.error_code(
                    blastgraph_model::Code::NotAPolicy,
                    path,
                    format!("not a policy document: {}", problems.join("; ")),
                );
                None
            }
            Ok(parsed) => {
                for p in &parsed.problems {
                    let mut msg = p.message.clone();
                    if p.statement_dropped {
                        msg.push_str("; statement skipped");
                    }
                    out.warning(format!("{path}.{}", p.path), msg);
                }
                self.doc_by_name
                    .entry(name.clone())
                    .or_insert(self.docs.len());
                self.docs.push(Doc {
                    policy: parsed.policy,
                    path,
                    file: self.file,
                    arn,
                });
                Some(self.docs.len() - 1)
            }
            Err(e) => {
                out.error_code(
                    blastgraph_model::Code::NotAPolicy,
                    path,
                    format!("not a policy document: {e}"),
                );
                None
            }
        }
    }

    fn read_managed(&mut self, o: &Obj<'_>, out: &mut EstateBuilder) -> Result<(), Bad> {
        let arn = o.req_str("Arn")?;
        // Some producers (moto) omit `PolicyName`: fall back to the ARN's
        // last segment rather than lose the policy.
        let name = match o.opt_str("PolicyName")? {
            Some(n) if !n.trim().is_empty() => n,
            _ => {
                out.warning(
                    o.at("PolicyName"),
                    "missing `PolicyName`; the ARN's last segment is used",
                );
                arn.rsplit('/').next().unwrap_or(arn)
            }
        };
        let default_id = o.opt_str("DefaultVersionId")?;
        let versions = match o.map.get("PolicyVersionList") {
            Some(Value::Array(v)) => v,
            None | Some(Value::Null) => {
                return Err((
                    o.at("PolicyVersionList"),
                    "missing required field `PolicyVersionList`".into(),
                ));
            }
            Some(other) => {
                return Err((
                    o.at("PolicyVersionList"),
                    format!("expected an array, found {}", type_name(other)),
                ));
            }
        };
        let mut chosen = None;
        let mut others = Vec::new();
        for (j, v) in versions.iter().enumerate() {
            let vo = Obj::new(v, format!("{}[{j}]", o.at("PolicyVersionList")))?;
            let is_default = vo.opt_bool("IsDefaultVersion")?.unwrap_or(false)
                || (default_id.is_some() && vo.opt_str("VersionId")? == default_id);
            if is_default && chosen.is_none() {
                chosen = Some(vo);
            } else {
                others.push(vo);
            }
        }
        let Some(vo) = chosen else {
            return Err((
                o.at("PolicyVersionList"),
                "no default version (`IsDefaultVersion: true`) in the list".into(),
            ));
        };
        let Some(document) = vo.map.get("Document") else {
            return Err((
                vo.at("Document"),
                "missing required field `Document`".into(),
            ));
        };
        let label = if self
            .doc_by_name
            .contains_key(&format!("managed policy {name}"))
        {
            format!("managed policy {arn}")
        } else {
            format!("managed policy {name}")
        };
        if let Some(&known) = self.managed.get(arn) {
            // AWS managed policies appear in every account's file.
            if arn.starts_with("arn:aws:iam::aws:")
                || self.docs.get(known).is_some_and(|d| d.file != self.file)
            {
                return Ok(());
            }
            return Err((
                o.at("Arn"),
                format!("duplicate managed policy `{arn}`; the first one is kept"),
            ));
        }
        // Non-default versions matter to iam:SetDefaultPolicyVersion.
        let mut kept = Vec::new();
        for other in &others {
            let (Some(doc), Some(vid)) = (other.map.get("Document"), other.opt_str("VersionId")?)
            else {
                continue;
            };
            if let Some(idx) = self.parse_doc(
                format!("{label} version {vid}"),
                doc,
                other.at("Document"),
                Some(arn.to_string()),
                out,
            ) {
                kept.push((idx, vid.to_string()));
            }
        }
        if let Some(idx) = self.parse_doc(
            label,
            document,
            vo.at("Document"),
            Some(arn.to_string()),
            out,
        ) {
            self.managed.insert(arn.to_string(), idx);
            self.policy_versions.insert(arn.to_string(), versions.len());
            if !kept.is_empty() {
                self.other_versions.insert(arn.to_string(), kept);
            }
        }
        Ok(())
    }

    fn read_ident(
        &mut self,
        o: &Obj<'_>,
        kind: IdKind,
        out: &mut EstateBuilder,
    ) -> Result<(), Bad> {
        let (name_key, inline_key, prefix, node_kind) = match kind {
            IdKind::User => ("UserName", "UserPolicyList", "user", "aws:user"),
            IdKind::Group => ("GroupName", "GroupPolicyList", "group", "aws:group"),
            IdKind::Role => ("RoleName", "RolePolicyList", "role", "aws:role"),
        };
        let arn = o.req_str("Arn")?;
        let name = o.req_str(name_key)?;
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let account = match parts.as_slice() {
            ["arn", _, "iam", "", account, res]
                if !account.is_empty() && res.starts_with(&format!("{prefix}/")) =>
            {
                (*account).to_string()
            }
            _ => {
                return Err((
                    o.at("Arn"),
                    format!(
                        "expected an IAM {prefix} ARN (arn:aws:iam::ACCOUNT:{prefix}/...), found `{arn}`"
                    ),
                ));
            }
        };
        if self.ident_by_arn.contains_key(arn) {
            return Err((
                o.at("Arn"),
                format!("duplicate {prefix} `{arn}`; the first one is kept"),
            ));
        }
        let mut attrs = Attributes::default();
        if let Some(d) = o.opt_str("CreateDate")? {
            attrs.created = Some(d.to_string());
        }
        if let Some(p) = o.opt_str("Path")? {
            attrs.tags.insert("aws:path".into(), p.to_string());
        }
        let tags = read_tags(o)?;
        for (k, v) in &tags {
            // The usual ownership tags fill the governance attributes.
            match k.to_ascii_lowercase().as_str() {
                "owner" | "team" if attrs.owner.is_none() => attrs.owner = Some(v.clone()),
                "environment" | "env" if attrs.environment.is_none() => {
                    attrs.environment = Some(v.clone());
                }
                _ => {}
            }
            attrs.tags.insert(k.clone(), v.clone());
        }
        if kind == IdKind::Role
            && let Some(Value::Array(profiles)) = o.map.get("InstanceProfileList")
        {
            for ip in profiles {
                if let Some(parn) = ip.get("Arn").and_then(Value::as_str) {
                    self.profile_role.insert(parn.to_string(), arn.to_string());
                }
            }
        }
        if kind == IdKind::Role {
            match o.map.get("RoleLastUsed") {
                None | Some(Value::Null) => {}
                Some(v) => {
                    let lu = Obj::new(v, o.at("RoleLastUsed"))?;
                    attrs.last_used = lu.opt_str("LastUsedDate")?.map(str::to_string);
                }
            }
        }
        let class = match kind {
            IdKind::Group => Class::Group,
            IdKind::Role => Class::Workload,
            IdKind::User => match tags
                .get(CLASS_TAG)
                .map(|s| s.to_ascii_lowercase())
                .as_deref()
            {
                Some("human") => Class::Human,
                Some("workload") | None => Class::Workload,
                Some(other) => {
                    out.warning(
                        o.at("Tags"),
                        format!("tag `{CLASS_TAG}` is `{other}`, expected `human` or `workload`; `workload` used"),
                    );
                    Class::Workload
                }
            },
        };
        let principal = match kind {
            IdKind::User => Some(Principal::user(arn)),
            IdKind::Role => Some(Principal::role_session(arn, None)),
            IdKind::Group => None,
        };
        let principal = match principal {
            Some(Ok(p)) => Some(p.with_tags(tags.iter().map(|(k, v)| (k.as_str(), v.clone())))),
            Some(Err(e)) => return Err((o.at("Arn"), e.to_string())),
            None => None,
        };
        // Groups of a user, resolved later.
        let mut group_names = Vec::new();
        if kind == IdKind::User {
            match o.map.get("GroupList") {
                None | Some(Value::Null) => {}
                Some(Value::Array(gs)) => {
                    for (j, g) in gs.iter().enumerate() {
                        let at = format!("{}[{j}]", o.at("GroupList"));
                        match g {
                            Value::String(s) => group_names.push((s.clone(), at)),
                            other => out.warning(
                                at,
                                format!(
                                    "expected a group name, found {}; ignored",
                                    type_name(other)
                                ),
                            ),
                        }
                    }
                }
                Some(other) => {
                    return Err((
                        o.at("GroupList"),
                        format!(
                            "expected an array of group names, found {}",
                            type_name(other)
                        ),
                    ));
                }
            }
        }
        let label = format!("{prefix}/{name}");
        // Inline policies.
        let mut policies = Vec::new();
        let inline = array_field(o, inline_key)?;
        for (j, p) in inline.iter().enumerate() {
            let po = Obj::new(p, format!("{}[{j}]", o.at(inline_key)))?;
            let pname = match po.opt_str("PolicyName")? {
                Some(n) if !n.trim().is_empty() => n.to_string(),
                _ => {
                    out.warning(
                        po.at("PolicyName"),
                        format!("missing `PolicyName`; named `#{j}` after its position"),
                    );
                    format!("#{j}")
                }
            };
            let Some(document) = po.map.get("PolicyDocument") else {
                return Err((
                    po.at("PolicyDocument"),
                    "missing required field `PolicyDocument`".into(),
                ));
            };
            if let Some(idx) = self.parse_doc(
                format!("inline policy {pname} of {label}"),
                document,
                po.at("PolicyDocument"),
                None,
                out,
            ) {
                policies.push(idx);
            }
        }
        // Attached managed policies.
        let attached = array_field(o, "AttachedManagedPolicies")?;
        for (j, p) in attached.iter().enumerate() {
            let po = Obj::new(p, format!("{}[{j}]", o.at("AttachedManagedPolicies")))?;
            let parn = po.req_str("PolicyArn")?;
            match self.managed.get(parn) {
                Some(&idx) => {
                    if !policies.contains(&idx) {
                        policies.push(idx);
                    }
                }
                None => out.warning_code(blastgraph_model::Code::UnresolvedReference,
                    po.at("PolicyArn"),
                    format!("managed policy `{parn}` is not in this file's `Policies`; its permissions are unknown"),
                ),
            }
        }
        // Permissions boundary.
        let mut boundary = None;
        match o.map.get("PermissionsBoundary") {
            None | Some(Value::Null) => {}
            Some(v) => {
                let bo = Obj::new(v, o.at("PermissionsBoundary"))?;
                if let Some(barn) = bo.opt_str("PermissionsBoundaryArn")? {
                    match self.managed.get(barn) {
                        Some(&idx) => boundary = Some(idx),
                        None => {
                            // An unknown boundary can only remove permissions:
                            // reading without it over-approximates, so say so.
                            out.warning_code(blastgraph_model::Code::UnresolvedReference,
                                bo.at("PermissionsBoundaryArn"),
                                format!("permissions boundary `{barn}` is not in this file's `Policies`; it is ignored, which may over-approximate"),
                            );
                        }
                    }
                }
            }
        }
        // Trust policy.
        let (mut trust, mut trust_doc, mut trusted) = (None, None, None);
        if kind == IdKind::Role {
            match o.map.get("AssumeRolePolicyDocument") {
                None | Some(Value::Null) => out.warning(
                    o.at("AssumeRolePolicyDocument"),
                    "role has no trust policy; nobody can assume it",
                ),
                Some(v) => {
                    trust = self.parse_doc(
                        format!("trust policy of {label}"),
                        v,
                        o.at("AssumeRolePolicyDocument"),
                        None,
                        out,
                    );
                    if trust.is_some() {
                        let doc = decode_document(v);
                        trusted = doc.as_ref().and_then(trusted_aws_principals);
                        trust_doc = doc.filter(names_federated);
                    }
                }
            }
        }
        out.add_node(
            Node {
                id: arn.to_string(),
                name: name.to_string(),
                provider: "aws".into(),
                kind: node_kind.into(),
                class,
                attrs,
            },
            &o.path,
        );
        self.nodes_added.insert(arn.to_string());
        self.accounts.insert(account.clone());
        let index = self.idents.len();
        self.ident_by_arn.insert(arn.to_string(), index);
        if kind == IdKind::Group {
            self.group_by_name
                .insert(format!("{account}/{name}"), index);
        }
        if !group_names.is_empty() {
            self.user_groups.push((index, group_names));
        }
        self.idents.push(Ident {
            kind,
            arn: arn.to_string(),
            label,
            account,
            path: o.path.clone(),
            file: self.file,
            policies,
            groups: Vec::new(),
            boundary,
            trust,
            trusted,
            trust_doc,
            principal,
        });
        Ok(())
    }

    fn provenance(&self, (file, location): (usize, String), reason: String) -> Provenance {
        Provenance {
            source: self.files.get(file).cloned().unwrap_or_default(),
            location,
            reason,
        }
    }

    /// The file and JSON path of a statement an evaluation names.
    fn statement_path(&self, s: &StatementRef<'_>) -> (usize, String) {
        let doc = self
            .doc_by_addr
            .get(&(std::ptr::from_ref(s.policy) as usize))
            .or_else(|| self.doc_by_name.get(s.policy_name()))
            .and_then(|&i| self.docs.get(i));
        let (file, base) =
            doc.map_or_else(|| (self.file, String::new()), |d| (d.file, d.path.clone()));
        (file, format!("{base}.Statement[{}]", s.index()))
    }

    /// The effective identity policies of an identity: its own, then its
    /// groups', without duplicates.
    fn identity_policies(&self, ident: &Ident) -> Vec<usize> {
        let mut all = ident.policies.clone();
        for &g in &ident.groups {
            if let Some(group) = self.idents.get(g) {
                for &p in &group.policies {
                    if !all.contains(&p) {
                        all.push(p);
                    }
                }
            }
        }
        all
    }

    /// The edge an evaluation decided, from `from`: the reason ends with
    /// `joiner` and the allowing statement, the location is that
    /// statement's JSON path (or `from`'s record), undecided conditions make
    /// it conditional.
    fn decided_edge(
        &self,
        from: &Ident,
        to: String,
        kind: EdgeKind,
        (mut reason, joiner, stmt): (String, &str, Option<&StatementRef<'_>>),
        mechanism: String,
        e: &Evaluation<'_>,
    ) -> Edge {
        if let Some(s) = stmt {
            reason.push_str(joiner);
            reason.push_str(&describe(s));
        }
        let location = stmt.map_or_else(
            || (from.file, from.path.clone()),
            |s| self.statement_path(s),
        );
        let mut ed = conditioned(
            edge(
                from.arn.clone(),
                to,
                kind,
                self.provenance(location, reason),
            ),
            e,
        );
        ed.mechanism = Some(mechanism);
        ed
    }

    /// Every user and role, with its effective policies.
    fn callers(&self) -> impl Iterator<Item = Caller<'_>> {
        self.idents.iter().enumerate().filter_map(|(ix, ident)| {
            let principal = ident.principal.as_ref()?;
            let ids = self.identity_policies(ident);
            Some(Caller {
                ix,
                ident,
                principal,
                identity: self.refs(&ids),
                ids,
                boundary: self.boundary_of(ident),
                scp: self.org_levels(&ident.account, PolicyKind::Scp),
            })
        })
    }

    /// An identity's permissions boundary, parsed.
    fn boundary_of(&self, ident: &Ident) -> Option<&Policy> {
        ident
            .boundary
            .and_then(|b| self.docs.get(b))
            .map(|d| &d.policy)
    }

    fn refs(&self, indices: &[usize]) -> Vec<&Policy> {
        indices
            .iter()
            .filter_map(|&i| self.docs.get(i).map(|d| &d.policy))
            .collect()
    }

    fn emit(&self, out: &mut EstateBuilder) {
        self.emit_scopes(out);
        self.emit_membership(out);
        self.emit_assume(out);
        self.emit_federated(out);
        let escalated = self.emit_escalation(out);
        self.emit_takeover(out, &escalated);
        self.emit_provider_takeover(out, &escalated);
        self.emit_pass_role(out, &escalated);
        self.emit_instance_profile_roles(out, &escalated);
        self.emit_inventory(out, &escalated);
    }

    fn emit_scopes(&self, out: &mut EstateBuilder) {
        for account in &self.accounts {
            let id = account_admin_id(account);
            out.add_node(
                Node {
                    id: id.clone(),
                    name: match self.inv.account_name(account) {
                        Some(n) => format!("{n} ({account}) admin"),
                        None => format!("{account} admin"),
                    },
                    provider: "aws".into(),
                    kind: "aws:account_admin".into(),
                    class: Class::Scope,
                    attrs: Attributes::default(),
                },
                "$",
            );
        }
        for ident in &self.idents {
            out.add_edge(edge(
                account_admin_id(&ident.account),
                ident.arn.clone(),
                EdgeKind::Contains,
                self.provenance(
                    (ident.file, ident.path.clone()),
                    format!("account {} contains {}", ident.account, ident.label),
                ),
            ));
        }
    }

    fn emit_membership(&self, out: &mut EstateBuilder) {
        for ident in self.idents.iter().filter(|i| i.kind == IdKind::User) {
            for &g in &ident.groups {
                if let Some(group) = self.idents.get(g) {
                    out.add_edge(edge(
                        ident.arn.clone(),
                        group.arn.clone(),
                        EdgeKind::MemberOf,
                        self.provenance(
                            (ident.file, format!("{}.GroupList", ident.path)),
                            format!("{} is a member of {}", ident.label, group.label),
                        ),
                    ));
                }
            }
        }
    }

    fn emit_assume(&self, out: &mut EstateBuilder) {
        const ACTION: &str = "sts:AssumeRole";
        // Index the roles whose trust policy may allow sts:AssumeRole by the
        // AWS principals it names.
        let mut exact: HashMap<usize, Vec<usize>> = HashMap::new();
        // Per account, (role ARN, role) sorted by ARN, to find the roles an
        // identity statement's resource prefix covers.
        let mut by_account: HashMap<String, Vec<(&str, usize)>> = HashMap::new();
        let mut anyone: Vec<usize> = Vec::new();
        for (r, role) in self.idents.iter().enumerate() {
            let Some(trust) = role.trust.and_then(|t| self.docs.get(t)) else {
                continue;
            };
            if !trust.policy.may_allow(ACTION) {
                continue;
            }
            match &role.trusted {
                Some(list) => {
                    for t in list.iter().cloned() {
                        match t {
                            Trusted::Anyone => anyone.push(r),
                            Trusted::Account(a) => {
                                by_account
                                    .entry(a)
                                    .or_default()
                                    .push((role.arn.as_str(), r));
                            }
                            Trusted::Arn(a) => {
                                if let Some(i) = self.ident_by_arn.get(&a) {
                                    exact.entry(*i).or_default().push(r);
                                }
                            }
                        }
                    }
                }
                _ => anyone.push(r),
            }
        }
        // Callers are independent: decide them in parallel, emit in order.
        for v in by_account.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        let callers: Vec<Caller<'_>> = self.callers().collect();
        emit_per_caller(&callers, out, |c| {
            self.assume_edges(c, (&exact, &by_account, &anyone))
        });
    }

    /// The `can_assume` edges of one caller, given the roles indexed by the
    /// principals their trust names (exact caller, account, anyone).
    fn assume_edges(
        &self,
        c: &Caller<'_>,
        (exact, by_account, anyone): RoleIndex<'_>,
    ) -> Vec<Edge> {
        const ACTION: &str = "sts:AssumeRole";
        let Caller {
            ix: c,
            ident: caller,
            principal,
            identity,
            boundary,
            scp,
            ..
        } = c;
        let (c, boundary) = (*c, *boundary);
        let mut edges = Vec::new();
        {
            // Same-account trust naming the caller directly grants without an
            // identity allow; otherwise the identity side must allow.
            let identity_may = identity.iter().any(|p| p.may_allow(ACTION))
                && boundary.is_none_or(|b| b.may_allow(ACTION));
            let mut candidates: BTreeSet<usize> = BTreeSet::new();
            if let Some(rs) = exact.get(&c) {
                candidates.extend(rs);
            }
            // `*` names every caller directly (no identity allow needed).
            candidates.extend(anyone);
            // A trust that delegates to the account needs an identity Allow
            // whose resource could be the role: a necessary condition, found
            // from the roles under the literal prefix of each allowing
            // statement's resources before the full evaluation.
            if let Some(rs) = by_account.get(&caller.account).filter(|_| identity_may) {
                for st in allowing(identity, ACTION) {
                    for prefix in st.resource_prefixes() {
                        let start = rs.partition_point(|(arn, _)| *arn < prefix.as_str());
                        candidates.extend(
                            rs.get(start..)
                                .unwrap_or_default()
                                .iter()
                                .take_while(|(arn, _)| arn.starts_with(prefix.as_str()))
                                .filter(|(arn, _)| st.may_match_resource(arn))
                                .map(|&(_, r)| r),
                        );
                    }
                }
            }
            for r in candidates {
                let Some(role) = self.idents.get(r) else {
                    continue;
                };
                if role.arn == caller.arn {
                    continue;
                }
                let Some(trust) = role.trust.and_then(|t| self.docs.get(t)) else {
                    continue;
                };
                let resource = [&trust.policy];
                let set = PolicySet {
                    scp,
                    identity,
                    resource: &resource,
                    boundary,
                    resource_policy_required: true,
                    ..PolicySet::default()
                };
                let e = evaluate(
                    &Request::new(principal, ACTION, &role.arn)
                        .with_resource_account(&role.account)
                        .with_context(access::attacker_context()),
                    &set,
                );
                if !e.is_allowed() {
                    continue;
                }
                // A conditional allow lists its statement among the undecided.
                let trust_stmt = e
                    .allowed_by
                    .iter()
                    .chain(e.undecided.iter())
                    .find(|s| s.kind == PolicyKind::Resource);
                let id_stmt = e.allowed_by.iter().find(|s| s.kind == PolicyKind::Identity);
                // Caller and role are the edge's ends, and the location is
                // the trust statement: the reason cites the two statements
                // without naming either end, so all the edges one grant
                // gives share it.
                let mut reason = String::from("trust policy");
                if let Some(s) = trust_stmt {
                    reason.push_str(&format!(" statement {}", s.index()));
                    if let Some(sid) = s.sid().filter(|sid| !sid.is_empty()) {
                        reason.push_str(&format!(" (Sid {sid})"));
                    }
                }
                match id_stmt {
                    Some(s) => {
                        reason.push_str("; identity: ");
                        reason.push_str(&describe(s));
                    }
                    None => reason.push_str(
                        "; the trust policy names the caller directly, no identity allow needed",
                    ),
                }
                let location = trust_stmt.map_or_else(
                    || (role.file, format!("{}.AssumeRolePolicyDocument", role.path)),
                    |s| self.statement_path(s),
                );
                edges.push(conditioned(
                    edge(
                        caller.arn.clone(),
                        role.arn.clone(),
                        EdgeKind::CanAssume,
                        self.provenance(location, reason),
                    ),
                    &e,
                ));
            }
        }
        edges
    }

    /// A role's `Allow` trust statements that name federated providers:
    /// (statement index, the parsed statement, the provider ARNs).
    fn federated_trust<'a>(&'a self, role: &Ident) -> Vec<(usize, &'a Statement, Vec<String>)> {
        let (Some(trust), Some(doc)) = (
            role.trust.and_then(|t| self.docs.get(t)),
            role.trust_doc.as_ref(),
        ) else {
            return Vec::new();
        };
        statements(doc)
            .into_iter()
            .filter_map(|(index, stmt)| {
                let so = stmt.as_object()?;
                if so.get("Effect").and_then(Value::as_str) != Some("Allow") {
                    return None;
                }
                let parsed = trust
                    .policy
                    .statements()
                    .iter()
                    .find(|s| s.index() == index)?;
                let providers = so
                    .get("Principal")
                    .and_then(|p| p.get("Federated"))
                    .map(strings)
                    .unwrap_or_default();
                (!providers.is_empty()).then_some((index, parsed, providers))
            })
            .collect()
    }

    fn emit_federated(&self, out: &mut EstateBuilder) {
        for role in &self.idents {
            let Some(trust) = role.trust.and_then(|t| self.docs.get(t)) else {
                continue;
            };
            for (index, parsed, providers) in self.federated_trust(role) {
                for provider in providers {
                    let saml = provider.contains(":saml-provider/");
                    let action = if saml {
                        "sts:AssumeRoleWithSAML"
                    } else {
                        "sts:AssumeRoleWithWebIdentity"
                    };
                    if !parsed.matches_action(action) {
                        continue;
                    }
                    let issuer = match provider.split_once(":oidc-provider/") {
                        Some((_, iss)) => iss.to_string(),
                        None => provider.clone(),
                    };
                    let sub_key = if saml {
                        "saml:sub".to_string()
                    } else {
                        format!("{}:sub", issuer.to_ascii_lowercase())
                    };
                    let mut subjects: Vec<String> = parsed
                        .conditions()
                        .iter()
                        .filter(|c| c.key().to_ascii_lowercase() == sub_key)
                        .filter(|c| {
                            let op = c.operator_text().to_ascii_lowercase();
                            let op = op.rsplit(':').next().unwrap_or("");
                            op == "stringequals" || op == "stringlike"
                        })
                        .flat_map(|c| c.values().map(str::to_string).collect::<Vec<_>>())
                        .collect();
                    subjects.sort();
                    subjects.dedup();
                    let unrestricted = subjects.is_empty();
                    if unrestricted {
                        subjects.push("*".into());
                    }
                    let caller = if saml {
                        Principal::saml(&provider)
                    } else {
                        Principal::web_identity(&provider)
                    };
                    let (scheme, node_kind, node_provider) = if saml {
                        ("saml", "saml:subject", "saml")
                    } else if issuer.starts_with("token.actions.githubusercontent.com") {
                        ("oidc", "github:workflow", "github")
                    } else {
                        ("oidc", "oidc:subject", "oidc")
                    };
                    let key_name = if saml {
                        "SAML:sub".to_string()
                    } else {
                        format!("{issuer}:sub")
                    };
                    for subject in subjects {
                        let ctx;
                        let mut request = Request::new(&caller, action, &role.arn);
                        if !unrestricted {
                            ctx = Context::new().with(&key_name, [subject.clone()]);
                            request = request.with_context(&ctx);
                        }
                        let resource = [&trust.policy];
                        let set = PolicySet {
                            resource: &resource,
                            resource_policy_required: true,
                            ..PolicySet::default()
                        };
                        let e = evaluate(&request, &set);
                        if !e.is_allowed() {
                            continue;
                        }
                        let id =
                            blastgraph_model::ids::federated_subject(scheme, &issuer, &subject);
                        if !self.nodes_added.contains(&id) && !out.has_node(&id) {
                            out.add_node(
                                Node {
                                    id: id.clone(),
                                    name: format!("{issuer} sub={subject}"),
                                    provider: node_provider.into(),
                                    kind: node_kind.into(),
                                    class: Class::Workload,
                                    attrs: Attributes::default(),
                                },
                                &role.path,
                            );
                        }
                        let mut reason = format!(
                            "{action} by {issuer} subject `{subject}`: trust policy of {} statement {index}",
                            role.label
                        );
                        if let Some(sid) = parsed.sid().filter(|sid| !sid.is_empty()) {
                            reason.push_str(&format!(" (Sid {sid})"));
                        }
                        if unrestricted {
                            reason.push_str(
                                "; the subject is not restricted: any identity with a token from this issuer can assume the role",
                            );
                        }
                        let location = (
                            role.file,
                            format!("{}.AssumeRolePolicyDocument.Statement[{index}]", role.path),
                        );
                        out.add_edge(conditioned(
                            edge(
                                id,
                                role.arn.clone(),
                                EdgeKind::CanAssume,
                                self.provenance(location, reason),
                            ),
                            &e,
                        ));
                    }
                }
            }
        }
    }

    /// Emits `can_escalate` edges; returns the identities that escalate
    /// unconditionally (the other emitters skip them).
    fn emit_escalation(&self, out: &mut EstateBuilder) -> BTreeSet<usize> {
        let mut escalated = BTreeSet::new();
        for caller in self.callers() {
            let (ix, ident, principal, boundary) =
                (caller.ix, caller.ident, caller.principal, caller.boundary);
            let (ids, identity) = (&caller.ids, &caller.identity);
            // (action, resource, what the resource is, the condition keys
            // IAM puts on that request).
            let boundary_key = |target: Option<&Ident>| {
                match target
                    .and_then(|t| t.boundary)
                    .and_then(|b| self.docs.get(b))
                    .and_then(|d| d.arn.as_deref())
                {
                    Some(b) => Context::new().with(BOUNDARY_KEY, [b]),
                    // Groups have no boundary; the key is not on their requests.
                    None => Context::new().with_absent(BOUNDARY_KEY),
                }
            };
            let mut checks: Vec<(&str, String, String, Context)> = Vec::new();
            match ident.kind {
                IdKind::Role => {
                    for a in ["iam:PutRolePolicy", "iam:AttachRolePolicy"] {
                        checks.push((
                            a,
                            ident.arn.clone(),
                            "itself".into(),
                            boundary_key(Some(ident)),
                        ));
                    }
                }
                IdKind::User => {
                    for a in ["iam:PutUserPolicy", "iam:AttachUserPolicy"] {
                        checks.push((
                            a,
                            ident.arn.clone(),
                            "itself".into(),
                            boundary_key(Some(ident)),
                        ));
                    }
                    for &g in &ident.groups {
                        if let Some(group) = self.idents.get(g) {
                            for a in ["iam:PutGroupPolicy", "iam:AttachGroupPolicy"] {
                                checks.push((
                                    a,
                                    group.arn.clone(),
                                    format!("its {}", group.label),
                                    boundary_key(None),
                                ));
                            }
                        }
                    }
                }
                IdKind::Group => continue,
            }
            for &p in ids.iter().chain(ident.boundary.iter()) {
                // AWS-managed policies (account `aws`) cannot be changed.
                let customer = self
                    .docs
                    .get(p)
                    .and_then(|d| d.arn.as_ref())
                    .filter(|arn| !arn.contains(":iam::aws:policy/"));
                if let Some(arn) = customer {
                    checks.push((
                        "iam:CreatePolicyVersion",
                        arn.clone(),
                        format!("its policy {arn}"),
                        Context::new()
                            .with_absent(BOUNDARY_KEY)
                            .with_absent(POLICY_ARN_KEY),
                    ));
                }
            }
            let set = PolicySet {
                scp: &self.org_levels(&ident.account, PolicyKind::Scp),
                identity,
                boundary,
                ..PolicySet::default()
            };
            // The first firm edge, else the first conditional one: a
            // conditional grant must not hide a firm one (`--strict` would
            // lose the path).
            let mut fallback = None;
            for (action, resource, what, ctx) in &checks {
                let Some(EscalationWrite {
                    eval: e,
                    mut mechanism,
                    note,
                    conditions,
                }) = self.escalation_write(ident, principal, &set, (action, resource, ctx))
                else {
                    continue;
                };
                let stmt = identity_statement(&e);
                let wild = stmt.and_then(|s| {
                    s.statement
                        .action_patterns()
                        .find(|p| *p == "*" || *p == "iam:*")
                });
                if let Some(wild) = wild.filter(|_| mechanism == *action) {
                    mechanism = wild.to_string();
                }
                let reason = format!(
                    "{} can escalate to account admin: {action} on {what}{note}",
                    ident.label
                );
                let mut ed = self.decided_edge(
                    ident,
                    account_admin_id(&ident.account),
                    EdgeKind::CanEscalate,
                    (reason, " allowed by ", stmt),
                    mechanism,
                    &e,
                );
                if !conditions.is_empty() {
                    ed = with_conditions(ed, conditions);
                }
                if let Some(c) = self.ceiling_caveat(ident, principal, identity, resource) {
                    ed = with_conditions(ed, [c]);
                }
                if ed.conditional {
                    fallback.get_or_insert(ed);
                    continue;
                }
                out.add_edge(ed);
                escalated.insert(ix);
                break;
            }
            // The other ways, in order; the first firm one ends the search.
            for way in 0..5 {
                if escalated.contains(&ix) {
                    break;
                }
                let found = match way {
                    0 => self.set_default_version(ident, principal, ids, &set),
                    1 => self.boundary_removal(&caller, &set),
                    2 => self.deny_removal(&caller, &set),
                    3 => self.new_admin_identity(&caller),
                    // Pass 2: through another identity it writes and obtains.
                    _ => self.escalation_through(&caller, &set),
                };
                match found {
                    Some(ed) if !ed.conditional => {
                        out.add_edge(ed);
                        escalated.insert(ix);
                    }
                    Some(ed) => {
                        fallback.get_or_insert(ed);
                    }
                    None => {}
                }
            }
            if let Some(ed) = fallback.filter(|_| !escalated.contains(&ix)) {
                out.add_edge(ed);
            }
        }
        escalated
    }

    /// Decides one family-1 write with the condition keys IAM puts on it.
    /// `Attach*Policy` carries `iam:PolicyARN`, the policy the attacker
    /// picks: AWS `AdministratorAccess` first, then each customer-managed
    /// policy of the account that grants everything; a grant limited to
    /// other policies gives no edge. `iam:CreatePolicyVersion` on a policy
    /// that already has five versions needs `iam:DeletePolicyVersion` too.
    fn escalation_write<'a>(
        &self,
        ident: &Ident,
        principal: &Principal,
        set: &PolicySet<'a>,
        (action, resource, ctx): (&str, &str, &Context),
    ) -> Option<EscalationWrite<'a>> {
        let write = |ctx: &Context| {
            evaluate(
                &Request::new(principal, action, resource).with_context(ctx),
                set,
            )
        };
        // With the policy ARN unknown: if that is denied, no policy helps.
        let e = write(ctx);
        if !e.is_allowed() {
            return None;
        }
        let plain = |eval, note: String| EscalationWrite {
            eval,
            mechanism: action.to_string(),
            note,
            conditions: Vec::new(),
        };
        if action.starts_with("iam:Attach") {
            let partition = ident.arn.split(':').nth(1).unwrap_or("aws");
            let admin = format!("arn:{partition}:iam::aws:policy/AdministratorAccess");
            let mut fallback = None;
            // The account's own admin-equivalent policies only when needed.
            let customer = std::iter::once_with(|| {
                self.admin_equivalent_policies(principal, partition, &ident.account)
            });
            let candidates = std::iter::once(admin).chain(customer.flatten());
            for policy in candidates {
                let e = write(&ctx.clone().with(POLICY_ARN_KEY, [policy.as_str()]));
                if !e.is_allowed() {
                    continue;
                }
                let note = format!(" (attaching {policy}, which allows everything)");
                if !e.conditional {
                    return Some(plain(e, note));
                }
                fallback.get_or_insert((e, note));
            }
            return fallback.map(|(e, note)| plain(e, note));
        }
        if action == "iam:CreatePolicyVersion"
            && self.policy_versions.get(resource).copied().unwrap_or(0) >= MAX_POLICY_VERSIONS
        {
            const DELETE: &str = "iam:DeletePolicyVersion";
            let d = evaluate(&Request::new(principal, DELETE, resource), set);
            if !d.is_allowed() {
                return None;
            }
            return Some(EscalationWrite {
                eval: e,
                mechanism: format!("{DELETE}+{action}"),
                note: format!(
                    " (it has five versions, the most IAM keeps, so {DELETE} on it comes first)"
                ),
                conditions: if d.conditional {
                    d.conditions().map(str::to_string).collect()
                } else {
                    Vec::new()
                },
            });
        }
        Some(plain(e, String::new()))
    }

    /// The customer-managed policies of `account` that allow everything
    /// (candidates for `iam:PolicyARN`), sorted.
    fn admin_equivalent_policies(
        &self,
        principal: &Principal,
        partition: &str,
        account: &str,
    ) -> Vec<String> {
        let prefix = format!("arn:{partition}:iam::{account}:policy/");
        let mut found: Vec<String> = self
            .managed
            .iter()
            .filter(|(arn, _)| arn.starts_with(&prefix))
            .filter(|(_, i)| {
                self.docs
                    .get(**i)
                    .is_some_and(|d| methods::allows_everything(principal, &[&d.policy], None))
            })
            .map(|(arn, _)| arn.clone())
            .collect();
        found.sort();
        found
    }

    /// `iam:SetDefaultPolicyVersion` on one of its own customer-managed
    /// policies (or its boundary) escalates when another version of that
    /// policy, made default, would let the identity write its own policy
    /// (`iam:PutRolePolicy` / `iam:PutUserPolicy` on itself). Authorization
    /// details list every version, so this is decided, not guessed.
    fn set_default_version(
        &self,
        ident: &Ident,
        principal: &Principal,
        ids: &[usize],
        set: &PolicySet<'_>,
    ) -> Option<Edge> {
        const SET: &str = "iam:SetDefaultPolicyVersion";
        let self_write = match ident.kind {
            IdKind::Role => "iam:PutRolePolicy",
            IdKind::User => "iam:PutUserPolicy",
            IdKind::Group => return None,
        };
        for &p in ids.iter().chain(ident.boundary.iter()) {
            let Some(arn) = self.docs.get(p).and_then(|d| d.arn.as_ref()) else {
                continue;
            };
            let Some(versions) = self.other_versions.get(arn) else {
                continue;
            };
            let e = evaluate(&Request::new(principal, SET, arn), set);
            if !e.is_allowed() {
                continue;
            }
            for (v, vid) in versions {
                let Some(vdoc) = self.docs.get(*v) else {
                    continue;
                };
                let swapped: Vec<&Policy> = ids
                    .iter()
                    .filter_map(|&i| {
                        if i == p {
                            Some(&vdoc.policy)
                        } else {
                            self.docs.get(i).map(|d| &d.policy)
                        }
                    })
                    .collect();
                let boundary = if ident.boundary == Some(p) {
                    Some(&vdoc.policy)
                } else {
                    self.boundary_of(ident)
                };
                let after = PolicySet {
                    scp: &self.org_levels(&ident.account, PolicyKind::Scp),
                    identity: &swapped,
                    boundary,
                    ..PolicySet::default()
                };
                let e2 = evaluate(&Request::new(principal, self_write, &ident.arn), &after);
                if !e2.is_allowed() {
                    continue;
                }
                let reason = format!(
                    "{} can escalate to account admin: {SET} on {arn} makes version {vid} the default, which allows {self_write} on itself",
                    ident.label
                );
                let mut ed = self.decided_edge(
                    ident,
                    account_admin_id(&ident.account),
                    EdgeKind::CanEscalate,
                    (
                        reason,
                        "; SetDefaultPolicyVersion allowed by ",
                        identity_statement(&e),
                    ),
                    SET.to_string(),
                    &e,
                );
                if e2.conditional {
                    // Keep both sides' undecided conditions.
                    ed = with_conditions(ed, e2.conditions().map(str::to_string));
                }
                // The policy it then writes is bounded by the boundary in force.
                if let Some(c) = boundary.and_then(|b| methods::boundary_caveat(principal, b, arn))
                {
                    ed = with_conditions(ed, [c]);
                }
                return Some(ed);
            }
        }
        None
    }

    /// A PassRole row's service actions, decided once per caller. Rows that
    /// need an existing ECS cluster are decided on the account's clusters
    /// when `ecs/list-clusters` was read (`ecs:cluster` names each).
    fn pass_role_row(
        &self,
        (principal, account): (&Principal, &str),
        policies: (&[&Policy], Option<&Policy>, &[Vec<&Policy>]),
        (id, actions): (&str, &[&str]),
    ) -> Option<(bool, Vec<String>)> {
        if ECS_CLUSTER_ROWS.contains(&id)
            && let Some(clusters) = self.inv.ecs_clusters(account)
        {
            let mut fallback = None;
            for cluster in clusters {
                let ctx = Context::new().with("ecs:cluster", [cluster.as_str()]);
                let Some((firm, conditions)) =
                    methods::new_resource_actions(principal, policies, actions, &ctx)
                else {
                    continue;
                };
                if firm && conditions.is_empty() {
                    return Some((true, conditions));
                }
                fallback.get_or_insert((false, conditions));
            }
            return fallback;
        }
        let (firm, conditions) =
            methods::new_resource_actions(principal, policies, actions, Context::empty())?;
        Some(methods::pass_role_caveat(id, firm, conditions))
    }

    /// A PassRole row's service actions for passing `role`: the verdict
    /// decided once per caller, except that CloudFormation's actions are
    /// decided again with `cloudformation:RoleArn` = the role when that
    /// verdict was conditional (a grant limited to some roles).
    fn pass_role_actions(
        &self,
        principal: &Principal,
        policies: (&[&Policy], Option<&Policy>, &[Vec<&Policy>]),
        (row, role): (usize, &str),
        per_caller: &[Option<(bool, Vec<String>)>],
    ) -> Option<(bool, Vec<String>)> {
        let (id, _, actions) = PASS_ROLE_METHODS.get(row)?;
        let cached = per_caller.get(row)?.clone()?;
        if cached.0 || !actions.iter().any(|a| a.starts_with("cloudformation:")) {
            return Some(cached);
        }
        let ctx = Context::new().with("cloudformation:RoleArn", [role]);
        let (firm, conditions) = methods::new_resource_actions(principal, policies, actions, &ctx)?;
        Some(methods::pass_role_caveat(id, firm, conditions))
    }

    /// Permissions on other principals and on trust (families 2 and 3 of
    /// docs/aws-escalation-methods.md): a new access key or console password
    /// for another user, adding oneself to a group, rewriting a role's trust
    /// policy. Each gives `can_act_as` to the target, with the action as the
    /// mechanism. Identities that already escalate to the account admin are
    /// skipped: the admin scope contains every identity of the account, so
    /// these edges would add no reach. Service-linked roles are skipped (AWS
    /// protects their trust policies).
    fn emit_takeover(&self, out: &mut EstateBuilder, escalated: &BTreeSet<usize>) {
        const USER: [&str; 4] = [
            "iam:CreateAccessKey",
            "iam:CreateLoginProfile",
            "iam:UpdateLoginProfile",
            SERVICE_CREDENTIAL,
        ];
        const ROLE: [&str; 1] = ["iam:UpdateAssumeRolePolicy"];
        const GROUP: [&str; 1] = ["iam:AddUserToGroup"];
        for Caller {
            ix: c,
            ident: caller,
            principal,
            identity,
            boundary,
            ..
        } in self.callers()
        {
            if escalated.contains(&c) {
                continue;
            }
            // The actions its policies may allow at all, with the allowing statements.
            let allows: Vec<(&str, Vec<&Statement>)> = USER
                .iter()
                .chain(&ROLE)
                .chain(&GROUP)
                .filter_map(|&a| {
                    let st: Vec<&Statement> = allowing(&identity, a).collect();
                    (!st.is_empty()).then_some((a, st))
                })
                .collect();
            if allows.is_empty() {
                continue;
            }
            let set = PolicySet {
                scp: &self.org_levels(&caller.account, PolicyKind::Scp),
                identity: &identity,
                boundary,
                ..PolicySet::default()
            };
            for (t, target) in self.idents.iter().enumerate() {
                if t == c || target.account != caller.account {
                    continue;
                }
                let actions: &[&str] = match target.kind {
                    IdKind::User => &USER,
                    IdKind::Role if !target.arn.contains(":role/aws-service-role/") => &ROLE,
                    IdKind::Group if caller.kind == IdKind::User && !caller.groups.contains(&t) => {
                        &GROUP
                    }
                    _ => continue,
                };
                let mut best: Option<Edge> = None;
                for (action, stmts) in allows.iter().filter(|(a, _)| actions.contains(a)) {
                    if !stmts.iter().any(|s| s.may_match_resource(&target.arn)) {
                        continue;
                    }
                    let e = evaluate(&Request::new(principal, action, &target.arn), &set);
                    if !e.is_allowed() {
                        continue;
                    }
                    // The target's credentials may rule the write out (a
                    // third access key); then the next action is tried.
                    let Some(mut how) = self.takeover(principal, &set, action, &target.arn) else {
                        continue;
                    };
                    if *action == SERVICE_CREDENTIAL {
                        // Row 2.6: only for a user with a permission in a
                        // service that issues such credentials, and scoped
                        // to those services.
                        let policies = self.refs(&self.identity_policies(target));
                        if !SERVICE_CREDENTIAL_ACTIONS
                            .iter()
                            .any(|a| policies.iter().any(|p| p.may_allow(a)))
                        {
                            continue;
                        }
                        how.condition = Some(
                            "a service-specific credential works with CodeCommit, Amazon Keyspaces and Amazon Bedrock (API keys) only: the user's other permissions are not usable with it"
                                .into(),
                        );
                    }
                    let mut reason = format!(
                        "{} can act as {}: {action} on it",
                        caller.label, target.label
                    );
                    let mut mechanism = (*action).to_string();
                    if let (Some(also), Some(note)) = (how.also, &how.note) {
                        reason.push_str(&format!(" ({note}: {also})"));
                        mechanism = format!("{action}+{also}");
                    }
                    let mut ed = self.decided_edge(
                        caller,
                        target.arn.clone(),
                        EdgeKind::CanActAs,
                        (reason, " allowed by ", identity_statement(&e)),
                        mechanism,
                        &e,
                    );
                    if let Some(c) = how.condition {
                        ed = with_conditions(ed, [c]);
                    }
                    // The first firm write, else the first conditional one
                    // (`--strict` must not lose a firm path).
                    let firm = !ed.conditional;
                    if best.is_none() || firm {
                        best = Some(ed);
                    }
                    if firm {
                        break;
                    }
                }
                if let Some(ed) = best {
                    out.add_edge(ed);
                }
            }
        }
    }

    /// Whether `role` is a role a service may be given: not service-linked,
    /// and its trust policy lets `service` assume it.
    fn trusts_service(&self, role: &Ident, service: &str) -> bool {
        role.kind == IdKind::Role
            && !methods::is_service_linked(role)
            && methods::trusts(self, role, service)
    }

    /// PassRole to a new compute resource ([`PASS_ROLE_METHODS`]): the
    /// attacker may pass role T to service S (`iam:PassRole` on T with
    /// `iam:PassedToService` = S), T trusts S, and the attacker may call S's
    /// actions. The new resource's name is the attacker's choice: a service
    /// action granted on `*` is decided; one granted only on some resource
    /// names (and not denied on `*`) makes the edge conditional. One edge per
    /// (attacker, role), the first firm method or else the first conditional
    /// one. Identities that already reach the account admin are skipped.
    fn emit_pass_role(&self, out: &mut EstateBuilder, escalated: &BTreeSet<usize>) {
        const PASS: &str = "iam:PassRole";
        // Roles and the table rows whose service their trust policy lets in.
        let mut trusted: Vec<(usize, Vec<usize>)> = Vec::new();
        for (r, role) in self.idents.iter().enumerate() {
            if role.kind != IdKind::Role || role.arn.contains(":role/aws-service-role/") {
                continue;
            }
            let rows: Vec<usize> = PASS_ROLE_METHODS
                .iter()
                .enumerate()
                .filter(|(_, (_, svc, _))| self.trusts_service(role, svc))
                .map(|(i, _)| i)
                .collect();
            if !rows.is_empty() {
                trusted.push((r, rows));
            }
        }
        if trusted.is_empty() {
            return;
        }
        for Caller {
            ix: c,
            ident: caller,
            principal,
            identity,
            boundary,
            scp,
            ..
        } in self.callers()
        {
            if escalated.contains(&c) {
                continue;
            }
            let passes: Vec<&Statement> = allowing(&identity, PASS).collect();
            if passes.is_empty() {
                continue;
            }
            let set = PolicySet {
                scp: &self.org_levels(&caller.account, PolicyKind::Scp),
                identity: &identity,
                boundary,
                ..PolicySet::default()
            };
            // Each row's service actions, decided once per caller:
            // Some(evaluation) when allowed on `*`, or the conditional case.
            let actions_ok: Vec<Option<(bool, Vec<String>)>> = PASS_ROLE_METHODS
                .iter()
                .map(|(id, _, actions)| {
                    self.pass_role_row(
                        (principal, &caller.account),
                        (&identity, boundary, &scp),
                        (id, actions),
                    )
                })
                .collect();
            if actions_ok.iter().all(Option::is_none) {
                continue;
            }
            for (r, rows) in &trusted {
                let Some(role) = self.idents.get(*r) else {
                    continue;
                };
                if *r == c || role.account != caller.account {
                    continue;
                }
                if !passes.iter().any(|s| s.may_match_resource(&role.arn)) {
                    continue;
                }
                let mut best: Option<(usize, Evaluation<'_>, bool, Vec<String>)> = None;
                for &row in rows {
                    let Some((firm, conds)) = self.pass_role_actions(
                        principal,
                        (&identity, boundary, &scp),
                        (row, &role.arn),
                        &actions_ok,
                    ) else {
                        continue;
                    };
                    let (_, svc, _) = PASS_ROLE_METHODS[row];
                    let ctx = Context::new().with("iam:PassedToService", [svc]);
                    let e = evaluate(
                        &Request::new(principal, PASS, &role.arn).with_context(&ctx),
                        &set,
                    );
                    if !e.is_allowed() {
                        continue;
                    }
                    let firm = firm && !e.conditional;
                    if best.as_ref().is_none_or(|b| firm && !b.2) {
                        best = Some((row, e, firm, conds));
                    }
                    if firm {
                        break;
                    }
                }
                let Some((row, e, firm, conds)) = best else {
                    continue;
                };
                let (id, svc, actions) = PASS_ROLE_METHODS[row];
                let reason = format!(
                    "{} can act as {}: passes it to {svc} ({id}: iam:PassRole + {})",
                    caller.label,
                    role.label,
                    actions.join(" + ")
                );
                let mut ed = self.decided_edge(
                    caller,
                    role.arn.clone(),
                    EdgeKind::CanActAs,
                    (reason, "; PassRole allowed by ", identity_statement(&e)),
                    format!("iam:PassRole+{}", actions.join("+")),
                    &e,
                );
                if !firm {
                    ed = with_conditions(ed, conds);
                }
                out.add_edge(ed);
            }
        }
    }
}

/// PassRole to a new compute resource (family 4 of
/// docs/aws-escalation-methods.md): (id, the service the role is passed to and
/// that the role must trust, the service actions the attacker needs).
/// A row with alternative actions appears once per alternative, under the
/// same id. Rows that run on EC2 are in [`INSTANCE_PROFILE_METHODS`]; rows
/// that need an existing resource are probes of its inventory
/// (`inventory::PassExisting`).
pub const PASS_ROLE_METHODS: &[(&str, &str, &[&str])] = &[
    (
        "lambda-create-function-invoke",
        "lambda.amazonaws.com",
        &["lambda:CreateFunction", "lambda:InvokeFunction"],
    ),
    (
        "lambda-create-function-event-source",
        "lambda.amazonaws.com",
        &["lambda:CreateFunction", "lambda:CreateEventSourceMapping"],
    ),
    (
        "glue-create-dev-endpoint",
        "glue.amazonaws.com",
        &["glue:CreateDevEndpoint"],
    ),
    (
        "glue-create-job-start-run",
        "glue.amazonaws.com",
        &["glue:CreateJob", "glue:StartJobRun"],
    ),
    (
        "glue-create-job-trigger",
        "glue.amazonaws.com",
        &["glue:CreateJob", "glue:CreateTrigger"],
    ),
    (
        "glue-create-session-run-statement",
        "glue.amazonaws.com",
        &["glue:CreateSession", "glue:RunStatement"],
    ),
    (
        "cloudformation-create-stack",
        "cloudformation.amazonaws.com",
        &["cloudformation:CreateStack"],
    ),
    // A change set of type CREATE needs no existing stack.
    (
        "cloudformation-change-set-passrole",
        "cloudformation.amazonaws.com",
        &[
            "cloudformation:CreateChangeSet",
            "cloudformation:ExecuteChangeSet",
        ],
    ),
    (
        "codebuild-create-project-start-build",
        "codebuild.amazonaws.com",
        &["codebuild:CreateProject", "codebuild:StartBuild"],
    ),
    (
        "codebuild-create-project-start-build-batch",
        "codebuild.amazonaws.com",
        &["codebuild:CreateProject", "codebuild:StartBuildBatch"],
    ),
    (
        "sagemaker-create-notebook-instance",
        "sagemaker.amazonaws.com",
        &[
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
        ],
    ),
    (
        "sagemaker-create-notebook-instance",
        "sagemaker.amazonaws.com",
        &[
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreateNotebookInstanceLifecycleConfig",
        ],
    ),
    (
        "sagemaker-create-training-job",
        "sagemaker.amazonaws.com",
        &["sagemaker:CreateTrainingJob"],
    ),
    (
        "sagemaker-create-processing-job",
        "sagemaker.amazonaws.com",
        &["sagemaker:CreateProcessingJob"],
    ),
    (
        "sagemaker-create-hyperparameter-tuning-job",
        "sagemaker.amazonaws.com",
        &["sagemaker:CreateHyperParameterTuningJob"],
    ),
    (
        "bedrock-agentcore-create-code-interpreter",
        "bedrock-agentcore.amazonaws.com",
        &[
            "bedrock-agentcore:CreateCodeInterpreter",
            "bedrock-agentcore:StartCodeInterpreterSession",
            "bedrock-agentcore:InvokeCodeInterpreter",
        ],
    ),
    (
        "bedrock-agentcore-create-browser",
        "bedrock-agentcore.amazonaws.com",
        &[
            "bedrock-agentcore:CreateBrowser",
            "bedrock-agentcore:StartBrowserSession",
            "bedrock-agentcore:ConnectBrowserAutomationStream",
        ],
    ),
    (
        "bedrock-agentcore-create-runtime",
        "bedrock-agentcore.amazonaws.com",
        &[
            "bedrock-agentcore:CreateAgentRuntime",
            "bedrock-agentcore:CreateAgentRuntimeEndpoint",
            "bedrock-agentcore:CreateWorkloadIdentity",
            "bedrock-agentcore:InvokeAgentRuntimeCommand",
        ],
    ),
    (
        "ecs-register-task-definition-run-task",
        "ecs-tasks.amazonaws.com",
        &["ecs:RegisterTaskDefinition", "ecs:RunTask"],
    ),
    (
        "ecs-register-task-definition-start-task",
        "ecs-tasks.amazonaws.com",
        &["ecs:RegisterTaskDefinition", "ecs:StartTask"],
    ),
    (
        "ecs-register-task-definition-create-service",
        "ecs-tasks.amazonaws.com",
        &["ecs:RegisterTaskDefinition", "ecs:CreateService"],
    ),
    (
        "ecs-create-cluster-run-task",
        "ecs-tasks.amazonaws.com",
        &[
            "ecs:CreateCluster",
            "ecs:RegisterTaskDefinition",
            "ecs:RunTask",
        ],
    ),
    (
        "ecs-create-cluster-create-service",
        "ecs-tasks.amazonaws.com",
        &[
            "ecs:CreateCluster",
            "ecs:RegisterTaskDefinition",
            "ecs:CreateService",
        ],
    ),
    (
        "emr-serverless-start-job-run",
        "emr-serverless.amazonaws.com",
        &[
            "emr-serverless:CreateApplication",
            "emr-serverless:StartJobRun",
        ],
    ),
    (
        "braket-create-job",
        "braket.amazonaws.com",
        &["braket:CreateJob"],
    ),
    (
        "ssm-create-automation-document",
        "ssm.amazonaws.com",
        &["ssm:CreateDocument", "ssm:StartAutomationExecution"],
    ),
    (
        "codestar-create-project",
        "codestar.amazonaws.com",
        &["codestar:CreateProject"],
    ),
    (
        "stepfunctions-create-state-machine",
        "states.amazonaws.com",
        &["states:CreateStateMachine", "states:StartExecution"],
    ),
    (
        "stepfunctions-create-state-machine",
        "states.amazonaws.com",
        &["states:CreateStateMachine", "states:StartSyncExecution"],
    ),
    (
        "stepfunctions-test-state",
        "states.amazonaws.com",
        &["states:TestState"],
    ),
    (
        "scheduler-create-schedule",
        "scheduler.amazonaws.com",
        &["scheduler:CreateSchedule"],
    ),
    // Row 4.10: the attacker lets an account it owns invoke the function.
    (
        "lambda-create-function-add-permission",
        "lambda.amazonaws.com",
        &["lambda:CreateFunction", "lambda:AddPermission"],
    ),
    // Row 4.11: a function URL, called with IAM auth, or made public.
    (
        "lambda-create-function-url",
        "lambda.amazonaws.com",
        &[
            "lambda:CreateFunction",
            "lambda:CreateFunctionUrlConfig",
            "lambda:InvokeFunctionUrl",
        ],
    ),
    (
        "lambda-create-function-url",
        "lambda.amazonaws.com",
        &[
            "lambda:CreateFunction",
            "lambda:CreateFunctionUrlConfig",
            "lambda:AddPermission",
        ],
    ),
    // Row 4.52: a GameLift fleet runs the attacker's build as the role.
    (
        "gamelift-create-fleet",
        "gamelift.amazonaws.com",
        &[
            "gamelift:CreateBuild",
            "gamelift:RequestUploadCredentials",
            "gamelift:CreateFleet",
        ],
    ),
    // Row 3.8: a trust anchor for the attacker's CA and a profile for the
    // role; the trust's conditions on the certificate's subject are the
    // attacker's to meet.
    (
        "rolesanywhere-trust-anchor",
        "rolesanywhere.amazonaws.com",
        &[
            "rolesanywhere:CreateTrustAnchor",
            "rolesanywhere:CreateProfile",
        ],
    ),
];

fn edge(from: String, to: String, kind: EdgeKind, provenance: Provenance) -> Edge {
    Edge {
        id: None,
        from,
        to,
        kind,
        access: None,
        mechanism: None,
        conditional: false,
        condition: None,
        provenance,
    }
}

/// Copies the evaluation's conditional flag and condition text onto an edge.
fn conditioned(e: Edge, ev: &Evaluation<'_>) -> Edge {
    if ev.conditional {
        with_conditions(e, ev.conditions().map(str::to_string))
    } else {
        e
    }
}

/// The `Allow` statements of identity policies that cover `action`: where
/// a grant of it can come from.
fn allowing<'a>(
    identity: &'a [&'a Policy],
    action: &'a str,
) -> impl Iterator<Item = &'a Statement> + 'a {
    identity
        .iter()
        .flat_map(move |p| p.statements_allowing(action))
}

/// The conditions an evaluation left undecided, as one text; `None` when
/// it decided everything.
fn undecided_text(e: &Evaluation<'_>) -> Option<String> {
    e.conditional
        .then(|| e.conditions().collect::<Vec<_>>().join(" AND "))
}

/// Marks an edge conditional and appends condition texts to those it has.
fn with_conditions(mut e: Edge, extra: impl IntoIterator<Item = String>) -> Edge {
    e.conditional = true;
    let mut all: Vec<String> = e.condition.take().into_iter().collect();
    all.extend(extra);
    if !all.is_empty() {
        e.condition = Some(all.join(" AND "));
    }
    e
}

/// The identity-policy statement that allowed (or conditionally allowed) a request.
fn identity_statement<'e>(e: &'e Evaluation<'_>) -> Option<&'e StatementRef<'e>> {
    e.allowed_by
        .iter()
        .chain(e.undecided.iter())
        .find(|s| s.kind == PolicyKind::Identity)
}

/// `managed policy X statement 0 (Sid Y)`.
fn describe(s: &StatementRef<'_>) -> String {
    match s.sid().filter(|sid| !sid.is_empty()) {
        Some(sid) => format!("{} statement {} (Sid {sid})", s.policy_name(), s.index()),
        None => format!("{} statement {}", s.policy_name(), s.index()),
    }
}

/// Callers decided per chunk: each chunk's callers in parallel, their edges
/// then added in caller order. Only one chunk's edges are ever held as
/// values, so memory follows the compact edge table, not the edge count.
pub(crate) fn emit_per_caller<T: Sync>(
    callers: &[T],
    out: &mut EstateBuilder,
    decide: impl Fn(&T) -> Vec<Edge> + Sync,
) {
    // A chunk is split into pieces decided in parallel, each into its own
    // compact table (strings freed where they were made); the pieces are
    // merged in order, once per distinct string.
    const CHUNK: usize = 1024;
    const PIECE: usize = 32;
    for chunk in callers.chunks(CHUNK) {
        let pieces: Vec<EdgeTable> = chunk
            .par_chunks(PIECE)
            .map(|cs| {
                let mut t = EdgeTable::new();
                for c in cs {
                    for e in decide(c) {
                        t.push(&e);
                    }
                }
                t
            })
            .collect();
        for t in pieces {
            out.add_edges(t);
        }
    }
}

/// `Tags: [{Key, Value}]` as a map.
fn read_tags(o: &Obj<'_>) -> Result<BTreeMap<String, String>, Bad> {
    let mut tags = BTreeMap::new();
    for (j, t) in array_field(o, "Tags")?.iter().enumerate() {
        let to = Obj::new(t, format!("{}[{j}]", o.at("Tags")))?;
        let key = to.req_str("Key")?;
        let value = to.opt_str("Value")?.unwrap_or("");
        tags.insert(key.to_string(), value.to_string());
    }
    Ok(tags)
}

/// An optional array field (absent or null is empty).
fn array_field<'a>(o: &Obj<'a>, key: &str) -> Result<&'a [Value], Bad> {
    match o.map.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err((
            o.at(key),
            format!("expected an array, found {}", type_name(other)),
        )),
    }
}

/// A string or an array of strings, as policy elements allow.
fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// The statements of a decoded document with their indices.
fn statements(doc: &Value) -> Vec<(usize, &Value)> {
    match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().enumerate().collect(),
        Some(v @ Value::Object(_)) => vec![(0, v)],
        _ => Vec::new(),
    }
}

/// A document as a JSON object: an object, a JSON string, or URL-encoded JSON.
fn decode_document(v: &Value) -> Option<Value> {
    match v {
        Value::Object(_) => Some(v.clone()),
        Value::String(s) => {
            let t = s.trim();
            if t.starts_with('{') {
                serde_json::from_str(t).ok()
            } else {
                serde_json::from_str(&percent_decode(t)?).ok()
            }
        }
        _ => None,
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(if c == b'+' { b' ' } else { c });
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Who an `Allow` statement of a trust policy names among AWS principals.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Trusted {
    Anyone,
    Account(String),
    Arn(String),
}

/// The AWS principals named by the `Allow` statements of a trust document,
/// for the pre-filter; `None` when the document cannot be indexed (the
/// role is then a candidate for every caller).
/// Whether a statement of a trust document names a federated principal.
fn names_federated(doc: &Value) -> bool {
    statements(doc).into_iter().any(|(_, stmt)| {
        stmt.get("Principal")
            .and_then(|p| p.get("Federated"))
            .is_some()
    })
}

fn trusted_aws_principals(doc: &Value) -> Option<Vec<Trusted>> {
    let mut out = Vec::new();
    for (_, stmt) in statements(doc) {
        let so = stmt.as_object()?;
        if so.get("Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        if so.contains_key("NotPrincipal") {
            out.push(Trusted::Anyone);
            continue;
        }
        let aws = match so.get("Principal") {
            Some(Value::String(s)) if s == "*" => {
                out.push(Trusted::Anyone);
                continue;
            }
            Some(Value::Object(m)) => m.get("AWS").map(strings).unwrap_or_default(),
            _ => {
                out.push(Trusted::Anyone);
                continue;
            }
        };
        for a in aws {
            let parts: Vec<&str> = a.splitn(6, ':').collect();
            match parts.as_slice() {
                _ if a.contains('*') || a.contains('?') => out.push(Trusted::Anyone),
                [acct] if acct.len() == 12 && acct.bytes().all(|c| c.is_ascii_digit()) => {
                    out.push(Trusted::Account((*acct).to_string()));
                }
                ["arn", _, "sts", _, _, res] if res.starts_with("assumed-role/") => {
                    // A session ARN names one session of a role whose path is
                    // not in the ARN: let the evaluation decide.
                    out.push(Trusted::Anyone);
                }
                ["arn", _, "iam", _, acct, "root"] => {
                    out.push(Trusted::Account((*acct).to_string()))
                }
                ["arn", _, "iam", _, _, res]
                    if res.starts_with("user/") || res.starts_with("role/") =>
                {
                    out.push(Trusted::Arn(a.clone()));
                }
                ["arn", _, _, _, acct, _] => out.push(Trusted::Account((*acct).to_string())),
                _ => out.push(Trusted::Anyone),
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    //! Reading whole files: duplicate keys and byte-order marks. What the
    //! records mean is tested in `tests/`.
    use super::*;
    use blastgraph_model::Estate;

    fn ingest(name: &str, bytes: &[u8]) -> (Result<(), IngestError>, Estate) {
        let mut b = EstateBuilder::new();
        b.begin_input(name, FORMAT, String::new(), 0);
        let r = AwsAuthDetailsConnector.ingest(name, bytes, &mut b);
        (r, b.finish())
    }

    fn node_ids(e: &Estate) -> Vec<&str> {
        e.nodes.iter().map(|n| n.id.as_str()).collect()
    }

    /// Two roles; the first one's inline policy gives `Effect` twice.
    const TWO_ROLES: &str = r#"{"RoleDetailList": [
      {"RoleName": "denied", "Arn": "arn:aws:iam::111122223333:role/denied",
       "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
       "RolePolicyList": [{"PolicyName": "no-data", "PolicyDocument": {"Version": "2012-10-17",
         "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Effect": "Allow"}]}}]},
      {"RoleName": "kept", "Arn": "arn:aws:iam::111122223333:role/kept",
       "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}
    ]}"#;

    #[test]
    fn a_role_whose_policy_gives_effect_twice_is_reported_and_skipped_and_the_other_kept() {
        let (r, e) = ingest("roles.json", TWO_ROLES.as_bytes());
        r.unwrap();
        let msgs: Vec<String> = e.diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            [
                "error[duplicate-key]: roles.json: $.RoleDetailList[0].RolePolicyList[0].PolicyDocument.Statement[0].Effect: duplicate key `Effect`: which of its values counts is ambiguous, so the record `$.RoleDetailList[0]` is skipped"
            ]
        );
        assert_eq!(e.inputs[0].skipped, 1);
        assert_eq!(
            node_ids(&e),
            [
                "arn:aws:iam::111122223333:role/kept",
                "aws:account/111122223333/admin"
            ]
        );
        // The kept role keeps its path.
        let locations: Vec<String> = e
            .edges
            .iter()
            .filter(|x| x.to == "arn:aws:iam::111122223333:role/kept")
            .map(|x| x.provenance.location.clone())
            .collect();
        assert_eq!(locations, ["$.RoleDetailList[1]"]);

        // The negative twin: the same file without the duplicate reads both.
        let fine = TWO_ROLES.replace(r#", "Effect": "Allow"}]}}]}"#, "}]}}]}");
        assert_ne!(fine, TWO_ROLES);
        let (r, e) = ingest("roles.json", fine.as_bytes());
        r.unwrap();
        assert_eq!(e.diagnostics, [], "{:#?}", e.diagnostics);
        assert_eq!(
            node_ids(&e),
            [
                "arn:aws:iam::111122223333:role/denied",
                "arn:aws:iam::111122223333:role/kept",
                "aws:account/111122223333/admin"
            ]
        );
    }

    #[test]
    fn a_detail_list_given_twice_is_a_file_error_naming_it() {
        let (r, e) = ingest(
            "twice.json",
            br#"{"RoleDetailList": [], "UserDetailList": [], "RoleDetailList": []}"#,
        );
        assert_eq!(
            r.unwrap_err().to_string(),
            "twice.json: $.RoleDetailList: duplicate key `RoleDetailList`: which of its values counts is ambiguous, so the file is skipped"
        );
        assert!(e.nodes.is_empty());
    }

    #[test]
    fn a_byte_order_mark_is_detected_and_read_like_the_file_without_it() {
        let path = format!(
            "{}/tests/fixtures/account-111122223333.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let plain = std::fs::read(&path).unwrap();
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), &plain].concat();
        let head = &with_bom[..4096.min(with_bom.len())];
        assert!(AwsAuthDetailsConnector.detect("account.json", head));
        assert!(is_auth_details(head));
        let (r1, a) = ingest("account.json", &plain);
        let (r2, b) = ingest("account.json", &with_bom);
        r1.unwrap();
        r2.unwrap();
        assert!(!a.nodes.is_empty());
        assert_eq!(a, b);
    }
}
