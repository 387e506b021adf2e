//! The raw layout beyond IAM: resource inventories, resource policies,
//! credentials and Organizations policies (`docs/aws-raw-layout.md`).
//!
//! Files are read in any order into staging structures
//! ([`Inventory`]); [`Reader::link_inventory`] then ties resource policies
//! and KMS keys to their resources, and [`Reader::emit_inventory`] emits the
//! targets and the edges to them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use blastgraph_model::json::{Obj, is_skipped, read_document, type_name};
use blastgraph_model::{Attributes, Class, EdgeKind, EstateBuilder, IngestError, Node};
use blastgraph_policy::RequestTime;
use blastgraph_policy::{Policy, PolicyKind, base64_decode};
use serde_json::Value;

use crate::layout::{RawFile, classify};
pub(crate) use crate::tables::*;

mod read;
use crate::{
    Bad, Facts, IdKind, Reader, Trusted, account_admin_id, decode_document, edge,
    trusted_aws_principals,
};
pub(crate) use read::{IDENTITY_POOLS, SSO_INSTANCES};

/// One target read from an inventory.
#[derive(Clone)]
pub(crate) struct Resource {
    pub spec: &'static Spec,
    /// The ARN policies are evaluated on.
    pub arn: String,
    /// The node's id: the ARN, but a Secrets Manager secret's without its
    /// six random characters ([`blastgraph_model::ids::aws_secret`]), so
    /// that other inputs naming the secret meet the same node.
    pub id: String,
    pub name: String,
    /// Owning account; empty for AWS-owned (foundation models).
    pub account: String,
    pub file: usize,
    pub path: String,
    pub attrs: Attributes,
    /// The second ARN probes may use ([`On::Alt`]).
    pub alt: Option<String>,
    /// Resource policy (arena index).
    pub policy: Option<usize>,
    /// The AWS principals its resource policy names (a pre-filter).
    pub named: Vec<Trusted>,
    /// KMS key named by the resource (id, ARN or alias), for secrets.
    pub kms_key: Option<String>,
    /// The execution role ARN, or instance profile ARN for instances.
    pub role: Option<String>,
    /// A state of the resource that every edge to it (or through it to its
    /// role) depends on and that the snapshot cannot settle, such as a
    /// stopped instance: the edges are kept and flagged `conditional` with
    /// this text.
    pub caveat: Option<String>,
    /// A parent node (the agent of an action group), linked with `contains`.
    pub parent: Option<String>,
    /// Key of the resource's own files (its resource policy, its tags):
    /// (account, region, service, name).
    pub policy_key: Option<(String, String, String, String)>,
    /// The resource's whole tag set, when its inventory lists it (EC2
    /// instances, secrets) or a tag file gives it (SSM parameters): decides
    /// `aws:ResourceTag/…` conditions.
    pub tags: Option<Vec<(String, String)>>,
    /// Where the tags were read when not in the resource's own record: the
    /// file and the place of its tag list.
    pub tags_at: Option<(usize, String)>,
}

/// The `Tags` list of a record (`[{"Key", "Value"}]`), all of it; absent
/// means untagged.
fn tag_list(o: &Obj<'_>) -> Vec<(String, String)> {
    tags_under(o, "Tags")
}

/// A list of `{"Key", "Value"}` under `field`, all of it; absent means
/// untagged.
fn tags_under(o: &Obj<'_>, field: &str) -> Vec<(String, String)> {
    match o.map.get(field) {
        Some(Value::Array(tags)) => tags
            .iter()
            .filter_map(|t| {
                let k = t.get("Key").and_then(Value::as_str)?;
                let v = t.get("Value").and_then(Value::as_str).unwrap_or("");
                Some((k.to_string(), v.to_string()))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A KMS key.
struct Key {
    policy: Option<usize>,
}

/// One access key or credential-report row.
struct AccessKey {
    id: String,
    user_arn: String,
    account: String,
    file: usize,
    path: String,
    attrs: Attributes,
    /// From the credential report (named after its slot, no real id).
    report: bool,
}

/// A SageMaker Studio domain, for its user profiles.
struct Domain {
    arn: String,
    /// `IAM` or `SSO`.
    auth: Option<String>,
    /// `DefaultUserSettings.ExecutionRole`.
    default_role: Option<String>,
}

/// What the credential report and `list-access-keys` say about a user's
/// credentials; `None` where neither says.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UserCredentials {
    /// Access keys, active or not (both count toward the limit of two).
    pub keys: Option<usize>,
    /// Whether the user has a console password (a login profile).
    pub password: Option<bool>,
}

/// One Cognito identity pool.
#[derive(Debug, Clone)]
pub(crate) struct IdentityPool {
    pub account: String,
    pub region: String,
    /// `REGION:GUID`.
    pub id: String,
    pub name: String,
}

/// One user's credential facts as read.
#[derive(Default)]
struct CredentialFacts {
    /// Keys in the credential report (`access_key_N_last_rotated` set).
    report_keys: Option<usize>,
    /// Keys listed by `list-access-keys` (newer and exact: preferred).
    listed_keys: Option<usize>,
    /// `password_enabled` of the credential report.
    password: Option<bool>,
}

/// Organizations data.
#[derive(Default)]
struct Org {
    read: bool,
    /// The organization id (`o-…`), from `describe-organization`.
    id: Option<String>,
    management: Option<String>,
    /// Child id (account or OU) → parent id.
    parent: HashMap<String, String>,
    /// Policy id → (type, arena index).
    policies: HashMap<String, (PolicyKind, usize)>,
    /// Target id (root, OU, account) → attached policy ids.
    attached: HashMap<String, Vec<String>>,
    roots: Vec<String>,
    /// Account id → its name in the organization.
    names: HashMap<String, String>,
}

/// (account, region or "", service, resource name).
type PolicyKey = (String, String, String, String);
/// A tag list waiting for its resource: the tags, the file and place.
type PendingTags = (Vec<(String, String)>, usize, String);
/// (arena index, file, JSON path, principals named).
type PendingPolicy = (usize, usize, String, Vec<Trusted>);

/// Everything read from the raw layout beyond the authorization details.
#[derive(Default)]
pub(crate) struct Inventory {
    pub resources: Vec<Resource>,
    by_arn: HashMap<String, usize>,
    /// Resource policies waiting for their resource, keyed by
    /// (account, region or "", service, resource name).
    pending: BTreeMap<PolicyKey, PendingPolicy>,
    /// Tag files read per resource (`ssm/list-tags-for-resource/NAME`):
    /// the tags, and the file and place they were read at.
    pending_tags: BTreeMap<PolicyKey, PendingTags>,
    /// KMS keys by ARN, and (account, region, key id) → ARN.
    keys: HashMap<String, Key>,
    key_ids: HashMap<(String, String, String), String>,
    access_keys: Vec<AccessKey>,
    /// User ARN → what the credential report and `list-access-keys` say.
    credentials: HashMap<String, CredentialFacts>,
    /// (account, user name) → the users whose keys `list-access-keys`
    /// named by name only, resolved to ARNs at the link step.
    listed_users: BTreeMap<(String, String), usize>,
    /// Studio domains by (account, region, domain id).
    domains: HashMap<(String, String, String), Domain>,
    /// User profiles to link to their domain: (resource, region, domain id).
    profiles: Vec<(usize, String, String)>,
    /// Accounts with inventories read, and which.
    seen: BTreeMap<String, BTreeSet<&'static str>>,
    /// Calls the collector could not make: (account, inventory, status, message).
    denied: Vec<(String, String, String, String)>,
    /// The collection manifest's file.
    collection_file: Option<usize>,
    /// When the collection started (`collected_at`), in milliseconds.
    pub collected_at: Option<i64>,
    org: Org,
    /// IAM Identity Center instances: (account, instance ARN).
    pub sso_instances: Vec<(String, String)>,
    /// Cognito identity pools (`cognito-identity/list-identity-pools`).
    pub identity_pools: Vec<IdentityPool>,
    /// Lambda function ARN → the event source that invokes it, from enabled
    /// event source mappings (`lambda/list-event-source-mappings`).
    pub triggers: HashMap<String, String>,
    /// ECS clusters by account, over its regions (`ecs/list-clusters`); an
    /// account is a key once one such file was read.
    ecs_clusters: BTreeMap<String, Vec<String>>,
    /// (account, cluster name) → how many container instances it has
    /// (`ecs/list-container-instances/<CLUSTER>`).
    pub ecs_instances: BTreeMap<(String, String), usize>,
}

impl Inventory {
    /// The accounts that own a resource or an access key.
    pub(crate) fn accounts(&self) -> impl Iterator<Item = &str> + '_ {
        self.resources
            .iter()
            .map(|r| r.account.as_str())
            .chain(self.access_keys.iter().map(|k| k.account.as_str()))
            .filter(|a| !a.is_empty())
    }

    /// The ECS clusters of `account`, when an `ecs/list-clusters` file was
    /// read for it (empty: it has none).
    pub(crate) fn ecs_clusters(&self, account: &str) -> Option<&[String]> {
        self.ecs_clusters.get(account).map(Vec::as_slice)
    }

    /// Whether the cluster (ARN) of `account` has a registered container
    /// instance, per `ecs/list-container-instances`.
    pub(crate) fn has_container_instance(&self, account: &str, cluster: &str) -> bool {
        let name = cluster.rsplit('/').next().unwrap_or(cluster);
        self.ecs_instances
            .get(&(account.to_string(), name.to_string()))
            .is_some_and(|&n| n > 0)
    }
}

/// Reads an optional string field, reporting wrong types.
fn opt(o: &Obj<'_>, key: &str) -> Result<Option<String>, Bad> {
    Ok(o.opt_str(key)?.map(str::to_string))
}

impl Reader {
    fn resource(
        &self,
        spec: &'static Spec,
        arn: String,
        name: String,
        account: &str,
        path: String,
    ) -> Resource {
        let id = if spec.kind == SECRET.kind {
            blastgraph_model::ids::aws_secret(&arn)
        } else {
            arn.clone()
        };
        Resource {
            spec,
            arn,
            id,
            name,
            account: account.to_string(),
            file: self.file,
            path,
            attrs: Attributes::default(),
            alt: None,
            policy: None,
            named: Vec::new(),
            kms_key: None,
            role: None,
            caveat: None,
            parent: None,
            policy_key: None,
            tags: None,
            tags_at: None,
        }
    }

    /// Reads one file of the raw layout.
    pub(crate) fn read_raw(
        &mut self,
        path: &str,
        bytes: &[u8],
        out: &mut EstateBuilder,
    ) -> Result<(), IngestError> {
        let Some(kind) = classify(path) else {
            return Ok(());
        };
        // Secret values and what a collection found in them: read (or
        // refused) on their own terms, before any parse.
        if let Some(read) = read::secret_file(path, bytes, &kind, out) {
            return read;
        }
        let doc = read_document(path, bytes, out)?;
        self.read_raw_doc(path, kind, &doc, out)
    }

    /// Reads one parsed file of the raw layout, as [`Reader::read_raw`]
    /// would its bytes; a file of another name is not read.
    pub(crate) fn read_raw_parsed(
        &mut self,
        path: &str,
        doc: &Value,
        out: &mut EstateBuilder,
    ) -> Result<(), IngestError> {
        match classify(path) {
            Some(kind) => self.read_raw_doc(path, kind, doc, out),
            None => Ok(()),
        }
    }

    /// Whether a file may be read from its parsed document
    /// ([`Reader::read_parsed`]): any but a file of secret values, which is
    /// read from its bytes on its own terms.
    pub(crate) fn reads_parsed(path: &str) -> bool {
        classify(path).is_none_or(|kind| !read::is_value_file(&kind))
    }

    /// Reads one parsed file of the raw layout (`org` gives another
    /// account's pass the exposed records of a listing this way, the others
    /// left out as [`blastgraph_model::json::SKIPPED`]).
    pub(crate) fn read_raw_doc(
        &mut self,
        path: &str,
        kind: RawFile,
        doc: &Value,
        out: &mut EstateBuilder,
    ) -> Result<(), IngestError> {
        let shape = |location: String, message: String| IngestError::Shape {
            file: path.to_string(),
            location,
            message,
        };
        let top = Obj::new(doc, "$".into()).map_err(|e| shape(e.location, e.message))?;
        for key in ["NextToken", "Marker", "nextToken"] {
            if top.map.get(key).is_some_and(|v| !v.is_null()) {
                out.warning_code(
                    blastgraph_model::Code::IncompletePage,
                    top.at(key),
                    "the output is one page of a paginated call; items on other pages are missing",
                );
            }
        }
        match kind {
            RawFile::Collection => {
                self.facts.inv.collection_file = Some(self.file);
                self.read_collection(&top, out);
            }
            RawFile::Org {
                operation,
                resource,
            } => self.read_org(&operation, resource.as_deref(), &top, out),
            RawFile::Account {
                account,
                region,
                service,
                operation,
                resource,
            } => {
                let region = region.unwrap_or_default();
                let file = read::File {
                    account: &account,
                    region: &region,
                    service: &service,
                    op: &operation,
                    resource: &resource,
                    top: &top,
                };
                let r = self.read_account_file(&file, out);
                if let Err(e) = r {
                    return Err(shape(e.location, e.message));
                }
            }
        }
        Ok(())
    }

    fn read_collection(&mut self, top: &Obj<'_>, out: &mut EstateBuilder) {
        if top.map.get("format").and_then(Value::as_str) != Some(crate::collection::FORMAT) {
            out.warning("$.format", "not a blastgraph collection manifest; ignored");
            return;
        }
        match top.map.get("collected_at") {
            None | Some(Value::Null) => {}
            Some(Value::String(t)) if RequestTime::parse_millis(t).is_some() => {
                self.facts.inv.collected_at = RequestTime::parse_millis(t);
            }
            Some(other) => out.warning(
                "$.collected_at",
                format!(
                    "expected an ISO 8601 time, found `{other}`; the newest date in the inputs is used"
                ),
            ),
        }
        blastgraph_model::json::for_each_record(top, "calls", out, |o, _| {
            let status = o.req_str("status")?;
            if status == "ok" || status == "not_found" {
                return Ok::<(), Bad>(());
            }
            let account = opt(o, "account")?.unwrap_or_default();
            let what = format!(
                "{}/{}{}",
                o.req_str("service")?,
                o.req_str("operation")?,
                opt(o, "target")?
                    .map(|t| format!(" {t}"))
                    .unwrap_or_default()
            );
            let msg = opt(o, "message")?.unwrap_or_default();
            self.facts
                .inv
                .denied
                .push((account, what, status.to_string(), msg));
            Ok::<(), Bad>(())
        });
    }

    fn read_org(
        &mut self,
        op: &str,
        resource: Option<&str>,
        top: &Obj<'_>,
        out: &mut EstateBuilder,
    ) {
        self.facts.inv.org.read = true;
        match (op, resource) {
            ("describe-organization", None) => {
                if let Some(o) = top
                    .map
                    .get("Organization")
                    .and_then(|v| Obj::new(v, top.at("Organization")).ok())
                {
                    self.facts.inv.org.management = o
                        .opt_str("MasterAccountId")
                        .ok()
                        .flatten()
                        .map(str::to_string);
                    self.facts.inv.org.id = o.opt_str("Id").ok().flatten().map(str::to_string);
                }
            }
            ("list-roots", None) => {
                blastgraph_model::json::for_each_record(top, "Roots", out, |o, _| {
                    self.facts.inv.org.roots.push(o.req_str("Id")?.to_string());
                    Ok::<(), Bad>(())
                });
            }
            ("list-accounts", None) => {
                blastgraph_model::json::for_each_record(top, "Accounts", out, |o, _| {
                    if let Some(name) = o.opt_str("Name")? {
                        self.facts
                            .inv
                            .org
                            .names
                            .insert(o.req_str("Id")?.to_string(), name.to_string());
                    }
                    Ok::<(), Bad>(())
                });
            }
            ("list-policies", Some(_)) => {}
            ("list-parents", Some(child)) => {
                let child = child.to_string();
                blastgraph_model::json::for_each_record(top, "Parents", out, |o, _| {
                    self.facts
                        .inv
                        .org
                        .parent
                        .insert(child.clone(), o.req_str("Id")?.to_string());
                    Ok::<(), Bad>(())
                });
            }
            ("describe-policy", Some(id)) => {
                let r = (|| -> Result<(), Bad> {
                    let Some(v) = top.map.get("Policy") else {
                        return Err(
                            (top.at("Policy"), "missing required field `Policy`".into()).into()
                        );
                    };
                    let po = Obj::new(v, top.at("Policy"))?;
                    let kind = match po
                        .map
                        .get("PolicySummary")
                        .and_then(|s| s.get("Type"))
                        .and_then(Value::as_str)
                    {
                        Some("RESOURCE_CONTROL_POLICY") => PolicyKind::Rcp,
                        Some("SERVICE_CONTROL_POLICY") | None => PolicyKind::Scp,
                        Some(_) => return Ok(()),
                    };
                    let name = po
                        .map
                        .get("PolicySummary")
                        .and_then(|s| s.get("Name"))
                        .and_then(Value::as_str)
                        .unwrap_or(id)
                        .to_string();
                    let Some(content) = po.map.get("Content") else {
                        return Err(
                            (po.at("Content"), "missing required field `Content`".into()).into(),
                        );
                    };
                    let label = if kind == PolicyKind::Rcp {
                        "RCP"
                    } else {
                        "SCP"
                    };
                    if let Some(ix) = self.parse_doc(
                        format!("{label} {name}"),
                        content,
                        po.at("Content"),
                        None,
                        out,
                    ) {
                        self.facts
                            .inv
                            .org
                            .policies
                            .insert(id.to_string(), (kind, ix));
                    }
                    Ok(())
                })();
                if let Err(e) = r {
                    out.error_code(e.code, e.location, e.message);
                }
            }
            ("list-targets-for-policy", Some(id)) => {
                let id = id.to_string();
                blastgraph_model::json::for_each_record(top, "Targets", out, |o, _| {
                    self.facts
                        .inv
                        .org
                        .attached
                        .entry(o.req_str("TargetId")?.to_string())
                        .or_default()
                        .push(id.clone());
                    Ok::<(), Bad>(())
                });
            }
            _ => out.warning_code(
                blastgraph_model::Code::NotInLayout,
                "$",
                format!("`organizations/{op}` is not part of the raw layout; ignored"),
            ),
        }
    }

    /// Registers a target; returns its index, or `None` for a duplicate.
    fn add_resource(&mut self, r: Resource, out: &mut EstateBuilder) -> Option<usize> {
        if self.facts.inv.by_arn.contains_key(&r.arn) {
            if !r.account.is_empty() {
                out.warning_code(
                    blastgraph_model::Code::DuplicateId,
                    r.path.clone(),
                    format!("`{}` listed twice; the first is kept", r.arn),
                );
            }
            return None;
        }
        let ix = self.facts.inv.resources.len();
        self.facts.inv.by_arn.insert(r.arn.clone(), ix);
        self.facts.inv.resources.push(r);
        Some(ix)
    }

    /// Files a resource's tag list (`field` of `top`) for its resource.
    fn pending_tags(&mut self, key: PolicyKey, top: &Obj<'_>, field: &str) {
        let pending = (tags_under(top, field), self.file, top.at(field));
        self.facts.inv.pending_tags.insert(key, pending);
    }

    /// Parses a resource policy document into the arena and files it for
    /// its resource.
    fn pending_policy(
        &mut self,
        key: (String, String, String, String),
        label: String,
        doc: &Value,
        path: String,
        out: &mut EstateBuilder,
    ) {
        if doc.is_null() || doc.as_str().is_some_and(|s| s.trim().is_empty()) {
            return;
        }
        if let Some(ix) = self.parse_doc(label, doc, path.clone(), None, out) {
            let named = named_principals(doc);
            self.facts
                .inv
                .pending
                .insert(key, (ix, self.file, path, named));
        }
    }

    /// `get-credential-report`: base64 CSV, one row per user, up to two keys.
    fn read_credential_report(
        &mut self,
        account: &str,
        top: &Obj<'_>,
        out: &mut EstateBuilder,
    ) -> Result<(), Bad> {
        let content = top.req_str("Content")?;
        let Some(bytes) = base64_decode(content) else {
            return Err((top.at("Content"), "not base64".into()).into());
        };
        let text = String::from_utf8_lossy(&bytes);
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name);
        let (Some(user_c), Some(arn_c)) = (col("user"), col("arn")) else {
            return Err((
                top.at("Content"),
                "the CSV has no `user` and `arn` columns".into(),
            )
                .into());
        };
        for (i, line) in lines.enumerate() {
            let cells: Vec<&str> = line.split(',').collect();
            let get = |c: Option<usize>| {
                c.and_then(|c| cells.get(c))
                    .copied()
                    .filter(|v| !v.is_empty() && *v != "N/A" && *v != "no_information")
            };
            let (Some(user), Some(arn)) = (get(Some(user_c)), get(Some(arn_c))) else {
                out.warning(
                    format!("{}: row {}", top.at("Content"), i + 2),
                    "row without user or ARN; skipped",
                );
                continue;
            };
            if user == "<root_account>" {
                continue;
            }
            let facts = self
                .facts
                .inv
                .credentials
                .entry(arn.to_string())
                .or_default();
            facts.password = match get(col("password_enabled")) {
                Some("true") => Some(true),
                Some("false") => Some(false),
                _ => None,
            };
            // A key exists (active or not) when it has a rotation date.
            facts.report_keys = Some(
                ["1", "2"]
                    .iter()
                    .filter(|n| {
                        get(col(&format!("access_key_{n}_last_rotated"))).is_some()
                            || get(col(&format!("access_key_{n}_active"))) == Some("true")
                    })
                    .count(),
            );
            for n in ["1", "2"] {
                if get(col(&format!("access_key_{n}_active"))) != Some("true") {
                    continue;
                }
                // Named after its slot; `list-access-keys` gives the real
                // ids and replaces these at the link step.
                let id = format!("{arn}/access-key-{n}");
                let mut attrs = Attributes {
                    created: get(col(&format!("access_key_{n}_last_rotated"))).map(str::to_string),
                    last_used: get(col(&format!("access_key_{n}_last_used_date")))
                        .map(str::to_string),
                    ..Attributes::default()
                };
                attrs.tags.insert("aws:status".into(), "Active".into());
                self.facts.inv.access_keys.push(AccessKey {
                    id,
                    user_arn: arn.to_string(),
                    account: account.to_string(),
                    file: self.file,
                    path: format!("{}: row {} ({user})", top.at("Content"), i + 2),
                    attrs,
                    report: true,
                });
            }
        }
        self.facts
            .inv
            .seen
            .entry(account.to_string())
            .or_default()
            .insert("iam/get-credential-report");
        Ok(())
    }

    /// Ties resource policies and KMS key policies to what they belong to,
    /// and reports what could not be tied.
    pub(crate) fn link_inventory(&mut self, out: &mut EstateBuilder) {
        let mut pending = std::mem::take(&mut self.facts.inv.pending);
        let mut pending_tags = std::mem::take(&mut self.facts.inv.pending_tags);
        for r in &mut self.facts.inv.resources {
            let Some(k) = &r.policy_key else { continue };
            if let Some((ix, _, _, named)) = pending.remove(k) {
                r.policy = Some(ix);
                r.named = named;
            }
            if let Some((tags, file, path)) = pending_tags.remove(k) {
                r.tags = Some(tags);
                r.tags_at = Some((file, path));
            }
        }
        for ((_, _, service, name), (_, file, path)) in pending_tags {
            if let Some(f) = self.facts.files.get(file) {
                out.select_input(f);
            }
            out.warning_code(
                blastgraph_model::Code::UnresolvedReference,
                path,
                format!("tags of {service} `{name}`, which is not in its list; ignored"),
            );
        }
        for ((account, region, service, name), (ix, file, path, _)) in pending {
            if service == "kms" {
                let arn = self
                    .facts
                    .inv
                    .key_ids
                    .get(&(account.clone(), region.clone(), name.clone()))
                    .cloned()
                    .unwrap_or_else(|| format!("arn:aws:kms:{region}:{account}:key/{name}"));
                self.facts
                    .inv
                    .keys
                    .entry(arn.clone())
                    .or_insert(Key { policy: None })
                    .policy = Some(ix);
                continue;
            }
            if let Some(f) = self.facts.files.get(file) {
                out.select_input(f);
            }
            out.warning_code(
                blastgraph_model::Code::UnresolvedReference,
                path,
                format!("resource policy of {service} `{name}`, which is not in its list; ignored"),
            );
        }
        // Access keys read before their list (last-used files) merge in.
        let mut merged: Vec<AccessKey> = Vec::new();
        for k in std::mem::take(&mut self.facts.inv.access_keys) {
            if let Some(m) = merged.iter_mut().find(|m| m.id == k.id) {
                if m.user_arn.is_empty() {
                    m.user_arn = k.user_arn;
                    m.file = k.file;
                    m.path = k.path;
                }
                m.attrs.fill_from(&k.attrs);
            } else {
                merged.push(k);
            }
        }
        merged.retain(|k| !k.user_arn.is_empty());
        // `list-access-keys` names users, not ARNs: a user with a path
        // (`user/team/alice`) is found by account and name.
        let users: HashMap<(&str, &str), &str> = self
            .facts
            .idents
            .iter()
            .filter(|i| i.kind == IdKind::User)
            .filter_map(|i| {
                let name = i.arn.rsplit('/').next()?;
                Some(((i.account.as_str(), name), i.arn.as_str()))
            })
            .collect();
        let resolve = |account: &str, name: &str| {
            users.get(&(account, name)).map_or_else(
                || format!("arn:aws:iam::{account}:user/{name}"),
                |a| (*a).to_string(),
            )
        };
        for k in merged.iter_mut().filter(|k| !k.report) {
            if let Some(name) = k.user_arn.rsplit_once(":user/").map(|(_, n)| n.to_string())
                && !name.contains('/')
            {
                k.user_arn = resolve(&k.account, &name);
            }
        }
        for ((account, name), n) in std::mem::take(&mut self.facts.inv.listed_users) {
            self.facts
                .inv
                .credentials
                .entry(resolve(&account, &name))
                .or_default()
                .listed_keys = Some(n);
        }
        // Keys `list-access-keys` lists replace the credential report's
        // slots, keeping the report's last use (matched by creation time).
        let listed: BTreeSet<String> = self
            .facts
            .inv
            .credentials
            .iter()
            .filter(|(_, f)| f.listed_keys.is_some())
            .map(|(u, _)| u.clone())
            .chain(
                merged
                    .iter()
                    .filter(|k| !k.report)
                    .map(|k| k.user_arn.clone()),
            )
            .collect();
        let (slots, mut keys): (Vec<AccessKey>, Vec<AccessKey>) = merged
            .into_iter()
            .partition(|k| k.report && listed.contains(&k.user_arn));
        for slot in slots {
            let second =
                |d: &Option<String>| d.as_deref().and_then(|d| d.get(..19)).map(str::to_string);
            if let Some(k) = keys.iter_mut().find(|k| {
                !k.report
                    && k.user_arn == slot.user_arn
                    && second(&k.attrs.created).is_some()
                    && second(&k.attrs.created) == second(&slot.attrs.created)
            }) {
                k.attrs.fill_from(&slot.attrs);
            }
        }
        self.facts.inv.access_keys = keys;
        self.link_profiles(out);
    }

    /// Gives each Studio user profile its execution role (its own, else its
    /// domain's default) when its domain uses IAM authentication (row
    /// 5.20), and links it to its domain.
    fn link_profiles(&mut self, out: &mut EstateBuilder) {
        for (ix, region, domain_id) in std::mem::take(&mut self.facts.inv.profiles) {
            let Some(r) = self.facts.inv.resources.get_mut(ix) else {
                continue;
            };
            let key = (r.account.clone(), region, domain_id.clone());
            match self.facts.inv.domains.get(&key) {
                Some(d) => {
                    r.parent = Some(d.arn.clone());
                    if r.role.is_none() {
                        r.alt = Some(d.arn.clone());
                    }
                    match d.auth.as_deref() {
                        Some("IAM") => r.role = r.role.take().or_else(|| d.default_role.clone()),
                        Some(_) => r.spec = &SAGEMAKER_USER_PROFILE_SSO,
                        None => {
                            r.role = r.role.take().or_else(|| d.default_role.clone());
                            r.caveat = Some(format!(
                                "domain {domain_id} does not say its AuthMode: the presigned URL works only with IAM authentication"
                            ));
                        }
                    }
                }
                None => {
                    r.caveat = Some(format!(
                        "domain {domain_id} was not collected (sagemaker/describe-domain): the presigned URL works only if it uses IAM authentication"
                    ));
                    if r.role.is_none() {
                        if let Some(f) = self.facts.files.get(r.file) {
                            out.select_input(f);
                        }
                        out.warning_code(blastgraph_model::Code::UnresolvedReference,
                            format!("{}.UserSettings.ExecutionRole", r.path),
                            format!(
                                "user profile {} has no execution role of its own and its domain {domain_id} was not collected, so the role a presigned domain URL gives is unknown; no edge",
                                r.name
                            ),
                        );
                    }
                }
            }
        }
    }
}

impl Facts {
    /// Emits targets, credentials, and the edges to them.
    pub(crate) fn emit_inventory(&self, out: &mut EstateBuilder, escalated: &BTreeSet<usize>) {
        self.report_missing(out);
        for r in self
            .inv
            .resources
            .iter()
            .filter(|r| self.is_local(&r.account))
        {
            if let Some(f) = self.files.get(r.file) {
                out.select_input(f);
            }
            out.add_node(
                Node {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    provider: "aws".into(),
                    kind: r.spec.kind.into(),
                    class: r.spec.class,
                    attrs: r.attrs.clone(),
                },
                &r.path,
            );
            let owners: Vec<String> = if r.account.is_empty() {
                r.attrs
                    .tags
                    .get(LISTED_BY)
                    .map(|a| a.split(',').map(str::to_string).collect())
                    .unwrap_or_default()
            } else {
                vec![r.account.clone()]
            };
            for a in owners {
                out.add_edge(edge(
                    account_admin_id(&a),
                    r.id.clone(),
                    EdgeKind::Contains,
                    self.provenance(
                        (r.file, r.path.clone()),
                        format!("account {a} contains {} {}", r.spec.kind, r.name),
                    ),
                ));
            }
            if let Some(parent) = &r.parent {
                out.add_edge(edge(
                    parent.clone(),
                    r.id.clone(),
                    EdgeKind::Contains,
                    self.provenance(
                        (r.file, r.path.clone()),
                        format!("agent action group {}", r.name),
                    ),
                ));
            }
            // A secret whose tag says whose credential it holds.
            if r.spec.class == Class::Secret
                && let Some(to) = r.tags.as_deref().and_then(|t| {
                    blastgraph_model::ids::credential_of(
                        t.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                    )
                })
            {
                let at = r
                    .tags_at
                    .clone()
                    .unwrap_or_else(|| (r.file, format!("{}.Tags", r.path)));
                out.add_edge(edge(
                    r.id.clone(),
                    to.to_string(),
                    EdgeKind::HoldsCredential,
                    self.provenance(
                        at,
                        format!(
                            "tag {}={to}: the secret's value is a credential of {to}",
                            blastgraph_model::ids::CREDENTIAL_OF
                        ),
                    ),
                ));
            }
        }
        for k in self
            .inv
            .access_keys
            .iter()
            .filter(|k| self.is_local(&k.account))
        {
            if let Some(f) = self.files.get(k.file) {
                out.select_input(f);
            }
            let id = if k.id.starts_with("arn:") {
                k.id.clone()
            } else {
                format!("arn:aws:iam::{}:access-key/{}", k.account, k.id)
            };
            out.add_node(
                Node {
                    id: id.clone(),
                    name: k.id.rsplit('/').next().unwrap_or(&k.id).to_string(),
                    provider: "aws".into(),
                    kind: "aws:access_key".into(),
                    class: Class::Credential,
                    attrs: k.attrs.clone(),
                },
                &k.path,
            );
            let mut ed = edge(
                id,
                k.user_arn.clone(),
                EdgeKind::AuthenticatesAs,
                self.provenance(
                    (k.file, k.path.clone()),
                    format!(
                        "access key of {}",
                        k.user_arn.rsplit(':').next().unwrap_or(&k.user_arn)
                    ),
                ),
            );
            if k.attrs.tags.get("aws:status").map(String::as_str) == Some("Inactive") {
                ed = crate::with_conditions(
                    ed,
                    ["the key is inactive: it authenticates only once reactivated (iam:UpdateAccessKey)".to_string()],
                );
            }
            out.add_edge(ed);
        }
        self.emit_access(out, escalated);
    }

    /// Reports, per account with authorization details, inventories that
    /// were not read, and calls the collector could not make.
    fn report_missing(&self, out: &mut EstateBuilder) {
        if !self.inv.is_raw() && !self.global_raw {
            return;
        }
        if let Some(f) = self.inv.collection_file.and_then(|f| self.files.get(f)) {
            out.select_input(f);
        }
        let first = self.first_pass();
        for (i, (account, what, status, msg)) in
            self.inv.denied.iter().enumerate().filter(|_| first)
        {
            out.warning_code(blastgraph_model::Code::NotCollected,
                format!("$.calls (denied call {})", i + 1),
                format!("account {account}: `{what}` was not collected ({status}: {msg}); what it lists is missing from the graph"),
            );
        }
        let empty = BTreeSet::new();
        for account in self.accounts.iter().filter(|a| self.is_local(a)) {
            let seen = self.inv.seen.get(account).unwrap_or(&empty);
            let missing: Vec<&str> = SPECS
                .iter()
                .map(|s| s.inventory)
                .filter(|i| !seen.contains(i))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            if !missing.is_empty() {
                self.select_first_identity_file(account, out);
                out.warning_code(
                    blastgraph_model::Code::NotCollected,
                    "$",
                    format!(
                        "account {account}: not in the snapshot, so their targets are missing: {}",
                        missing.join(", ")
                    ),
                );
            }
        }
        // Said once, in the pass of the first account with identities,
        // against the file of its first identity.
        let head = self.accounts.first().filter(|a| self.is_local(a));
        if let Some(head) = head
            && !self.inv.org.read
            && self.accounts.len() > 1
        {
            self.select_first_identity_file(head, out);
            out.warning_code(
                blastgraph_model::Code::NotCollected,
                "organizations",
                "no Organizations data: SCPs and RCPs are not applied (which may over-approximate)",
            );
        }
    }

    /// Makes the file of `account`'s first identity the input that what
    /// follows is reported against.
    fn select_first_identity_file(&self, account: &str, out: &mut EstateBuilder) {
        if let Some(f) = self
            .idents
            .iter()
            .find(|i| i.account == account)
            .and_then(|i| self.files.get(i.file))
        {
            out.select_input(f);
        }
    }

    /// Whether `inventory` was read for `account`.
    pub(crate) fn inventory_seen(&self, account: &str, inventory: &str) -> bool {
        self.inv
            .seen
            .get(account)
            .is_some_and(|s| s.contains(inventory))
    }

    /// `aws:PrincipalOrgID` and `aws:PrincipalOrgPaths` of an account's
    /// principals, when the Organizations data places it.
    pub(crate) fn org_of(&self, account: &str) -> Option<(String, Vec<String>)> {
        let org = &self.inv.org;
        let id = org.id.as_ref()?;
        let mut chain = Vec::new();
        let mut at = org.parent.get(account)?;
        let mut seen = BTreeSet::new();
        while seen.insert(at.clone()) {
            chain.push(at.clone());
            match org.parent.get(at) {
                Some(p) => at = p,
                None => break,
            }
        }
        chain.reverse();
        let mut path = format!("{id}/");
        for node in chain {
            path.push_str(&node);
            path.push('/');
        }
        Some((id.clone(), vec![path]))
    }

    /// The SCP levels of an account: root, each OU, the account; empty
    /// outside an organization and for its management account.
    pub(crate) fn org_levels(&self, account: &str, kind: PolicyKind) -> Vec<Vec<&Policy>> {
        let org = &self.inv.org;
        if !org.read || org.management.as_deref() == Some(account) || account.is_empty() {
            return Vec::new();
        }
        let mut chain = vec![account.to_string()];
        let mut seen = BTreeSet::new();
        while let Some(p) = chain.last().and_then(|c| org.parent.get(c)) {
            if !seen.insert(p.clone()) {
                break;
            }
            chain.push(p.clone());
        }
        if chain.len() == 1 && !org.parent.contains_key(account) {
            // Not in the organization data: no levels known.
            return Vec::new();
        }
        chain.reverse();
        chain
            .iter()
            .map(|node| {
                org.attached
                    .get(node)
                    .map(|ids| {
                        ids.iter()
                            .filter_map(|id| org.policies.get(id))
                            .filter(|(k, _)| *k == kind)
                            .filter_map(|(_, ix)| self.docs.get(*ix).map(|d| &d.policy))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            // A level without a known policy of this kind is left out: AWS
            // attaches FullAWSAccess / RCPFullAWSAccess everywhere, so an
            // empty level means the attachments were not collected, and
            // reading it as "deny everything" would hide paths.
            .filter(|level: &Vec<&Policy>| !level.is_empty())
            .collect()
    }
}

/// The AWS principals a resource policy names; anyone when it cannot tell.
fn named_principals(doc: &Value) -> Vec<Trusted> {
    decode_document(doc)
        .as_ref()
        .and_then(trusted_aws_principals)
        .unwrap_or_else(|| vec![Trusted::Anyone])
}

impl Facts {
    /// The key policy of a KMS key, when collected.
    pub(crate) fn inv_key_policy(&self, arn: &str) -> Option<&Policy> {
        self.inv
            .keys
            .get(arn)
            .and_then(|k| k.policy)
            .and_then(|i| self.docs.get(i))
            .map(|d| &d.policy)
    }
}

impl Inventory {
    /// The organization's management account, when Organizations data says.
    pub(crate) fn management_account(&self) -> Option<&str> {
        self.org.management.as_deref()
    }

    /// The account's name in the organization, if listed.
    pub(crate) fn account_name(&self, account: &str) -> Option<&str> {
        self.org.names.get(account).map(String::as_str)
    }

    /// What the credential report and `list-access-keys` say about a user
    /// (by ARN): the key count prefers `list-access-keys`, which lists
    /// every key and is collected after the report.
    pub(crate) fn user_credentials(&self, user_arn: &str) -> UserCredentials {
        self.credentials
            .get(user_arn)
            .map(|f| UserCredentials {
                keys: f.listed_keys.or(f.report_keys),
                password: f.password,
            })
            .unwrap_or_default()
    }

    /// Whether any file of the raw layout beyond IAM was read (then the
    /// inventories not read are reported).
    pub(crate) fn is_raw(&self) -> bool {
        !self.seen.is_empty() || !self.denied.is_empty()
    }

    /// Puts a resource no account owns as the whole organisation has it
    /// (`org`): its first record and every account that lists it.
    pub(crate) fn put_shared(&mut self, r: Resource) {
        match self
            .by_arn
            .get(&r.arn)
            .and_then(|&ix| self.resources.get_mut(ix))
        {
            Some(known) => *known = r,
            None => {
                self.by_arn.insert(r.arn.clone(), self.resources.len());
                self.resources.push(r);
            }
        }
    }

    /// Notes that `account` lists a foundation model (it can invoke it).
    fn foundation_users(&mut self, arn: &str, account: &str) {
        if let Some(&ix) = self.by_arn.get(arn)
            && let Some(r) = self.resources.get_mut(ix)
        {
            add_lister(r.attrs.tags.entry(LISTED_BY.into()).or_default(), account);
        }
    }
}

/// The tag of a foundation model that lists the accounts listing it.
pub(crate) const LISTED_BY: &str = "aws:listed_by";

/// Adds `account` to a comma-separated list of listing accounts.
pub(crate) fn add_lister(list: &mut String, account: &str) {
    if !list.split(',').any(|a| a == account) {
        if !list.is_empty() {
            list.push(',');
        }
        list.push_str(account);
    }
}

/// [`blastgraph_model::json::for_each_record`] for a nested object.
fn each_in(
    top: &Obj<'_>,
    key: &str,
    out: &mut EstateBuilder,
    f: &mut dyn FnMut(&Obj<'_>, &mut EstateBuilder) -> Result<(), Bad>,
) {
    blastgraph_model::json::for_each_record(top, key, out, |o, out| f(o, out));
}

#[cfg(test)]
mod tests {
    use super::*;
    use blastgraph_policy::ActionCatalog;

    #[test]
    fn every_probe_action_is_a_known_action() {
        let cat = ActionCatalog::builtin();
        for s in SPECS {
            for p in s.probes {
                assert!(
                    cat.get(p.action).is_some(),
                    "{} probes unknown action {}",
                    s.kind,
                    p.action
                );
                if let Gives::ActAs(Also::Needs(a) | Also::Trigger(a)) = p.gives {
                    assert!(cat.get(a).is_some(), "{a}");
                }
                if let Gives::ActAs(Also::All(all) | Also::AllAndNew(all, _)) = p.gives {
                    for a in all {
                        assert!(cat.get(a).is_some(), "{a}");
                    }
                }
                if let Gives::ActAs(Also::AllAndNew(_, new)) = p.gives {
                    for a in new {
                        assert!(cat.get(a).is_some(), "{a}");
                    }
                }
                if let Gives::PassTo(pass) = p.gives {
                    for a in pass.then.iter().chain(pass.new).chain(pass.needs) {
                        assert!(cat.get(a).is_some(), "{a}");
                    }
                }
            }
        }
    }

    /// Reads raw-layout files (path, text) together with the account's
    /// authorization details (one role), as `--input DIR` does.
    fn ingest_raw(files: &[(&str, &str)]) -> blastgraph_model::Estate {
        let details = (
            "111122223333/global/iam/get-account-authorization-details.json",
            r#"{"RoleDetailList": [{"RoleName": "app", "Arn": "arn:aws:iam::111122223333:role/app",
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}]}"#,
        );
        let inputs: Vec<blastgraph_model::InputFile<'_>> = std::iter::once(&details)
            .chain(files)
            .map(|(path, text)| blastgraph_model::InputFile {
                path,
                bytes: text.as_bytes(),
                sha256: "",
            })
            .collect();
        let mut b = EstateBuilder::new();
        blastgraph_model::Connector::ingest_all(&crate::AwsAuthDetailsConnector, &inputs, &mut b);
        b.finish()
    }

    /// The errors (the warnings say which inventories were not collected).
    fn errors(e: &blastgraph_model::Estate) -> Vec<String> {
        e.diagnostics
            .iter()
            .filter(|d| d.severity == blastgraph_model::Severity::Error)
            .map(ToString::to_string)
            .collect()
    }

    const BUCKETS: &str = "111122223333/global/s3/list-buckets.json";
    const POLICY: &str = "111122223333/global/s3/get-bucket-policy/data.json";

    #[test]
    fn a_bucket_policy_string_that_gives_effect_twice_is_not_read() {
        let policy = r#"{"Policy": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\", \"Resource\": \"*\", \"Effect\": \"Allow\"}]}"}"#;
        let e = ingest_raw(&[
            (BUCKETS, r#"{"Buckets": [{"Name": "data"}]}"#),
            (POLICY, policy),
        ]);
        assert_eq!(
            errors(&e),
            [format!(
                "error[not-a-policy]: {POLICY}: $.Policy: not a policy document: policy `bucket policy of data`: `Statement[0].Effect`: duplicate key `Effect`; IAM rejects a document that gives a key twice"
            )]
        );
        // The negative twin reads the policy without a word.
        let fine = policy.replace(r#", \"Effect\": \"Allow\""#, "");
        assert_ne!(fine, policy);
        let e = ingest_raw(&[
            (BUCKETS, r#"{"Buckets": [{"Name": "data"}]}"#),
            (POLICY, &fine),
        ]);
        assert_eq!(errors(&e), Vec::<String>::new());
    }

    #[test]
    fn an_inventory_record_with_a_duplicate_key_is_skipped_once_and_the_others_kept() {
        let e = ingest_raw(&[
            (
                BUCKETS,
                r#"{"Buckets": [{"Name": "a", "Name": "b"}, {"Name": "data"}]}"#,
            ),
            (
                "111122223333/us-east-1/sqs/list-queues.json",
                r#"{"QueueUrls": [{"u": 1, "u": 2}, "https://sqs.us-east-1.amazonaws.com/111122223333/jobs"]}"#,
            ),
            (
                "111122223333/us-east-1/ec2/describe-instances.json",
                r#"{"Reservations": [{"Instances": [{"InstanceId": "i-1", "InstanceId": "i-2"}]},
                                     {"Instances": [{"InstanceId": "i-3"}]}]}"#,
            ),
        ]);
        assert_eq!(
            errors(&e),
            [
                format!("error[duplicate-key]: {BUCKETS}: $.Buckets[0].Name: duplicate key `Name`: which of its values counts is ambiguous, so the record `$.Buckets[0]` is skipped"),
                "error[duplicate-key]: 111122223333/us-east-1/sqs/list-queues.json: $.QueueUrls[0].u: duplicate key `u`: which of its values counts is ambiguous, so the record `$.QueueUrls[0]` is skipped".to_string(),
                "error[duplicate-key]: 111122223333/us-east-1/ec2/describe-instances.json: $.Reservations[0].Instances[0].InstanceId: duplicate key `InstanceId`: which of its values counts is ambiguous, so the record `$.Reservations[0]` is skipped".to_string(),
            ]
        );
        let ids: Vec<&str> = e.nodes.iter().map(|n| n.id.as_str()).collect();
        for kept in [
            "arn:aws:s3:::data",
            "arn:aws:sqs:us-east-1:111122223333:jobs",
            "arn:aws:ec2:us-east-1:111122223333:instance/i-3",
        ] {
            assert!(ids.contains(&kept), "{kept} not in {ids:?}");
        }
        assert!(
            !ids.iter()
                .any(|id| id.ends_with(":::a") || id.ends_with(":::b"))
        );
        assert!(
            !ids.iter()
                .any(|id| id.ends_with("/i-1") || id.ends_with("/i-2"))
        );
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("dXNlcixhcm4K").unwrap(), b"user,arn\n");
        assert_eq!(base64_decode("YQ==").unwrap(), b"a");
        assert!(base64_decode("!!").is_none());
    }
}
