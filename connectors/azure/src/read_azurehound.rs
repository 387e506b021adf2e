//! AzureHound output into [`Facts`].
//!
//! AzureHound (`azurehound list -o FILE`) writes
//! `{"data":[{"kind":"AZUser","data":{…}},…],"meta":{"type":"azure",…}}`;
//! without `-o` it prints one `{"kind":…,"data":…}` record per line. Either
//! form, in one file or many, is read here.
//!
//! A record's `data` embeds the object Graph or ARM returned, so most kinds
//! are read by the raw readers' [`read_graph::record`] and
//! [`read_arm::record`]. What AzureHound changes is handled here:
//!
//! - ids may be upper-cased (AzureHound 3): facts lower-case every id;
//! - `false` is left out (`omitempty`): a user or service principal
//!   without `accountEnabled` is disabled;
//! - one-to-many records wrap a parent and a list (`{"groupId":G,
//!   "members":[{"member":{…}}]}`), and ARM role assignments come wrapped
//!   per role and scope, the inherited ones repeated on every child;
//! - a directory role assignment's `directoryScopeId` is rewritten to `/`
//!   for every scope but an application's (AzureHound 2.1.9 on): the scope
//!   is read from the expanded `directoryScope` when it names an
//!   administrative unit, and is unknown otherwise — never the tenant.

use std::collections::BTreeMap;

use blastgraph_model::json::{Obj, RecordError, read_document, type_name};
use blastgraph_model::{EstateBuilder, IngestError};
use serde_json::Value;

use crate::facts::*;
use crate::layout::{ArmCall, GraphCall};
use crate::{read_arm, read_graph};

/// Whether a file is AzureHound's, by its start: a record
/// (`{"kind":"AZ…"`) near the top, in the wrapped or the line form, or an
/// empty wrapper (`{"data":[],"meta":{"type":"azure",…}}`).
pub(crate) fn claims(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    // A record has `data`; an OpenGraph document (whose edges have
    // `"kind":"AZOwner"` too) has `graph` instead.
    text.starts_with('{')
        && key_then(text, "data", "")
        && !key_then(text, "graph", "{")
        && (key_then(text, "kind", "\"AZ") || key_then(text, "type", "\"azure\""))
}

/// Whether `"key"` appears with a value starting with `value`.
fn key_then(text: &str, key: &str, value: &str) -> bool {
    let quoted = format!("\"{key}\"");
    let mut rest = text;
    while let Some(i) = rest.find(&quoted) {
        rest = &rest[i + quoted.len()..];
        if let Some(v) = rest.trim_start().strip_prefix(':')
            && v.trim_start().starts_with(value)
        {
            return true;
        }
    }
    false
}

/// Reads one AzureHound file into `facts`.
pub(crate) fn read(
    path: &str,
    file: usize,
    bytes: &[u8],
    facts: &mut Facts,
    out: &mut EstateBuilder,
) -> Result<(), IngestError> {
    let mut skipped = BTreeMap::new();
    match read_document(path, bytes, out) {
        Ok(doc) => {
            let top = crate::top_of(path, &doc)?;
            if top.map.contains_key("kind") {
                // One record on its own.
                one(&top, file, facts, &mut skipped, out);
            } else {
                if let Some(meta) = top.map.get("meta")
                    && let Some(t) = meta.get("type").and_then(Value::as_str)
                    && !t.eq_ignore_ascii_case("azure")
                {
                    out.warning(
                        "$.meta.type",
                        format!("AzureHound meta type `{t}`, expected `azure`; read as Azure"),
                    );
                }
                if !top.map.contains_key("data") {
                    out.error(
                        "$",
                        "expected AzureHound's `data` array of records; nothing read",
                    );
                }
                blastgraph_model::json::for_each_record(&top, "data", out, |r, out| {
                    one(r, file, facts, &mut skipped, out);
                    Ok::<(), RecordError>(())
                });
            }
        }
        // Not one document: the line form (`azurehound list` without
        // `-o`), when its first line is a record.
        Err(IngestError::Malformed { .. }) if first_line_is_a_record(bytes) => {
            lines(path, file, bytes, facts, &mut skipped, out);
        }
        Err(e) => return Err(e),
    }
    for (kind, (n, why)) in skipped {
        out.warning("$", format!("{n} {kind} record(s) not read: {why}"));
    }
    Ok(())
}

fn first_line_is_a_record(bytes: &[u8]) -> bool {
    bytes
        .split(|b| *b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))
        .and_then(|l| serde_json::from_slice::<Value>(blastgraph_model::json::strip_bom(l)).ok())
        .is_some_and(|v| v.get("kind").is_some())
}

/// The line form: one record per line; a bad line is reported and the
/// others read.
fn lines(
    path: &str,
    file: usize,
    bytes: &[u8],
    facts: &mut Facts,
    skipped: &mut Skipped,
    out: &mut EstateBuilder,
) {
    for (n, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let location = format!("line {}", n + 1);
        match read_document(path, line, out) {
            Ok(v) => match Obj::new(&v, location.clone()) {
                Ok(r) => one(&r, file, facts, skipped, out),
                Err(e) => out.error(location, e.message),
            },
            Err(e) => out.error(location, format!("not a JSON record: {e}")),
        }
    }
}

/// Kinds not read: how many, and why.
type Skipped = BTreeMap<String, (usize, &'static str)>;

/// Reads one `{"kind":…,"data":…}` record.
fn one(
    r: &Obj<'_>,
    file: usize,
    facts: &mut Facts,
    skipped: &mut Skipped,
    out: &mut EstateBuilder,
) {
    let result = (|| -> Result<(), RecordError> {
        let kind = r.req_str("kind")?;
        let data = match r.map.get("data") {
            Some(v @ Value::Object(_)) => Obj::new(v, r.at("data"))?,
            Some(Value::Null) | None => return Ok(()),
            Some(other) => {
                return Err((
                    r.at("data"),
                    format!("expected an object, found {}", type_name(other)),
                )
                    .into());
            }
        };
        record(kind, &data, file, facts, skipped, out)
    })();
    if let Err(e) = result {
        out.error_code(e.code, e.location, e.message);
    }
}

fn record(
    kind: &str,
    d: &Obj<'_>,
    file: usize,
    facts: &mut Facts,
    skipped: &mut Skipped,
    out: &mut EstateBuilder,
) -> Result<(), RecordError> {
    let graph =
        |call: GraphCall, o: &Obj<'_>, facts: &mut Facts| read_graph::record(&call, file, o, facts);
    match kind {
        "AZTenant" => {
            let id = oid(d.req_str("tenantId")?);
            let name = d.opt_str("displayName")?.unwrap_or(&id).to_string();
            let at = At {
                file,
                path: d.path.clone(),
            };
            // The first tenant is the one collected; the others are
            // tenants the collecting account could see.
            if d.opt_bool("collected")? == Some(true) {
                facts.tenant = Some((id, name, at));
            } else {
                facts.tenant.get_or_insert((id, name, at));
            }
        }
        "AZUser" => {
            graph(GraphCall::Users, d, facts)?;
            // `omitempty` drops `false`.
            let enabled = d.opt_bool("accountEnabled")?.unwrap_or(false);
            if let Some(u) = facts.users.get_mut(&oid(d.req_str("id")?)) {
                u.enabled = enabled;
            }
        }
        "AZServicePrincipal" => {
            graph(GraphCall::ServicePrincipals, d, facts)?;
            let enabled = d.opt_bool("accountEnabled")?.unwrap_or(false);
            if let Some(sp) = facts.sps.get_mut(&oid(d.req_str("id")?)) {
                sp.enabled = enabled;
            }
        }
        "AZGroup" => graph(GraphCall::Groups, d, facts)?,
        "AZApp" => graph(GraphCall::Applications, d, facts)?,
        "AZRole" => graph(GraphCall::RoleDefinitions, d, facts)?,
        "AZAppRoleAssignment" => graph(GraphCall::AppRoleAssignments, d, facts)?,
        "AZRoleEligibilityScheduleInstance" => graph(GraphCall::RoleEligibility, d, facts)?,
        "AZGroupMember" => {
            let g = d.req_str("groupId")?.to_string();
            facts.seen.insert(format!("groups/{}/members", oid(&g)));
            nested(
                d,
                "members",
                "member",
                |o, facts| graph(GraphCall::GroupMembers(g.clone()), o, facts),
                facts,
                out,
            )?;
        }
        "AZGroupOwner" => {
            let g = d.req_str("groupId")?.to_string();
            nested(
                d,
                "owners",
                "owner",
                |o, facts| graph(GraphCall::GroupOwners(g.clone()), o, facts),
                facts,
                out,
            )?;
        }
        "AZServicePrincipalOwner" => {
            let sp = d.req_str("servicePrincipalId")?.to_string();
            nested(
                d,
                "owners",
                "owner",
                |o, facts| graph(GraphCall::ServicePrincipalOwners(sp.clone()), o, facts),
                facts,
                out,
            )?;
        }
        "AZAppOwner" => {
            // Each owner's `appId` is the application's object id (the
            // outer one is its client id).
            each_entry(
                d,
                "owners",
                |e, facts| {
                    let app = e.req_str("appId")?.to_string();
                    match inner(e, "owner")? {
                        Some(o) => graph(GraphCall::ApplicationOwners(app), &o, facts),
                        None => Ok(()),
                    }
                },
                facts,
                out,
            )?;
        }
        "AZFederatedIdentityCredential" => {
            // Named by the application's client id; the rules resolve it.
            let app = d.req_str("appId")?.to_string();
            nested(
                d,
                "fics",
                "fic",
                |o, facts| graph(GraphCall::ApplicationFics(app.clone()), o, facts),
                facts,
                out,
            )?;
        }
        "AZRoleAssignment" => {
            each_entry(
                d,
                "roleAssignments",
                |e, facts| dir_assignment(e, file, facts),
                facts,
                out,
            )?;
        }
        "AZSubscription" => arm(ArmCall::Subscriptions, d, file, facts)?,
        "AZResourceGroup" => arm(ArmCall::ResourceGroups, d, file, facts)?,
        "AZManagementGroup" => arm(ArmCall::ManagementGroups, d, file, facts)?,
        "AZManagementGroupDescendant" => arm(ArmCall::Descendants(String::new()), d, file, facts)?,
        "AZKeyVault"
        | "AZVM"
        | "AZVMScaleSet"
        | "AZFunctionApp"
        | "AZWebApp"
        | "AZLogicApp"
        | "AZAutomationAccount"
        | "AZContainerRegistry"
        | "AZManagedCluster"
        | "AZStorageAccount"
        | "AZStorageContainer" => {
            arm(ArmCall::Resources, d, file, facts)?;
            if kind == "AZStorageContainer"
                && let Some(account) = d.opt_str("storageAccountId")?
            {
                facts.seen.insert(format!(
                    "arm:{}/blobservices/default/containers",
                    arm_key(account)
                ));
            }
        }
        k if is_arm_assignments(k) => {
            // `{"owners":[{"owner":<assignment>,"subscriptionId":S}],…}`
            // and its kin: every array of entries, each holding one
            // assignment object.
            for (key, v) in d.map {
                if !v.is_array() {
                    continue;
                }
                each_entry(
                    d,
                    key,
                    |e, facts| {
                        for (k, v) in e.map {
                            if v.get("properties").is_some() {
                                arm(
                                    ArmCall::RoleAssignments,
                                    &Obj::new(v, e.at(k))?,
                                    file,
                                    facts,
                                )?;
                            }
                        }
                        Ok(())
                    },
                    facts,
                    out,
                )?;
            }
        }
        "AZKeyVaultAccessPolicy" => {
            // The same entries as the vault's `accessPolicies`, which its
            // AZKeyVault record carries whole.
        }
        other => {
            let why = match other {
                "AZDevice" | "AZDeviceOwner" => "devices are not in the graph",
                "AZRoleManagementPolicyAssignment" => {
                    "PIM activation policies are not modelled: an eligible assignment stays conditional whatever its policy"
                }
                "AZAppMember" => "AzureHound does not fill this kind",
                _ => "a kind the Azure connector does not know",
            };
            skipped.entry(other.to_string()).or_insert((0, why)).0 += 1;
        }
    }
    Ok(())
}

/// The ARM role-assignment kinds: per scope (`AZSubscriptionRoleAssignment`),
/// per role (`AZSubscriptionOwner`, `AZVMAdminLogin`, ...) and per resource
/// (`AZWebAppRoleAssignment`).
fn is_arm_assignments(kind: &str) -> bool {
    const SCOPES: [&str; 14] = [
        "AZSubscription",
        "AZResourceGroup",
        "AZManagementGroup",
        "AZKeyVault",
        "AZVMScaleSet",
        "AZVM",
        "AZFunctionApp",
        "AZWebApp",
        "AZLogicApp",
        "AZAutomationAccount",
        "AZContainerRegistry",
        "AZManagedCluster",
        "AZStorageAccount",
        "AZStorageContainer",
    ];
    const ROLES: [&str; 9] = [
        "RoleAssignment",
        "Owner",
        "Contributor",
        "UserAccessAdmin",
        "KVContributor",
        "VMContributor",
        "AvereContributor",
        "AdminLogin",
        "RoleAssignments",
    ];
    SCOPES.iter().any(|s| {
        kind.strip_prefix(s)
            .is_some_and(|rest| ROLES.contains(&rest))
    })
}

/// One directory role assignment of an `AZRoleAssignment` record.
fn dir_assignment(e: &Obj<'_>, file: usize, facts: &mut Facts) -> Result<(), RecordError> {
    let raw = e.opt_str("directoryScopeId")?;
    let expanded = match e.map.get("directoryScope") {
        Some(v @ Value::Object(_)) => Some(Obj::new(v, e.at("directoryScope"))?),
        _ => None,
    };
    let scope = match (raw, &expanded) {
        (None, _) => DirScope::Unknown,
        // Before AzureHound 2.1.9: Graph's own value.
        (Some(s), None) => DirScope::parse(s),
        // `/` stands for the tenant and for every scope that is not an
        // application; the expanded object tells an administrative unit.
        (Some(s), Some(x)) if s.trim() == "/" => {
            let id = x.opt_str("id")?.filter(|i| !i.is_empty());
            let kind = x.opt_str("@odata.type")?.unwrap_or("");
            match id {
                Some(id) if kind.to_ascii_lowercase().ends_with("administrativeunit") => {
                    DirScope::Unit(oid(id))
                }
                Some(id) => DirScope::Object(oid(id)),
                None => DirScope::Unknown,
            }
        }
        (Some(s), Some(_)) => DirScope::parse(s),
    };
    facts.dir_assignments.push(DirAssignment {
        principal: oid(e.req_str("principalId")?),
        role: oid(e.req_str("roleDefinitionId")?),
        scope,
        eligible: false,
        at: At {
            file,
            path: e.path.clone(),
        },
    });
    Ok(())
}

fn arm(call: ArmCall, o: &Obj<'_>, file: usize, facts: &mut Facts) -> Result<(), RecordError> {
    read_arm::record(&call, "", file, o, facts)
}

/// Each entry of the array `key` (null: none). An entry in error is
/// reported and the others read.
fn each_entry(
    d: &Obj<'_>,
    key: &str,
    mut read: impl FnMut(&Obj<'_>, &mut Facts) -> Result<(), RecordError>,
    facts: &mut Facts,
    out: &mut EstateBuilder,
) -> Result<(), RecordError> {
    match d.map.get(key) {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let r = Obj::new(item, format!("{}[{i}]", d.at(key))).and_then(|e| read(&e, facts));
                if let Err(e) = r {
                    out.error_code(e.code, e.location, e.message);
                }
            }
            Ok(())
        }
        Some(other) => Err((
            d.at(key),
            format!("expected an array, found {}", type_name(other)),
        )
            .into()),
    }
}

/// The object `field` of each entry of the array `key`
/// (`members[i].member`).
fn nested(
    d: &Obj<'_>,
    key: &str,
    field: &str,
    mut read: impl FnMut(&Obj<'_>, &mut Facts) -> Result<(), RecordError>,
    facts: &mut Facts,
    out: &mut EstateBuilder,
) -> Result<(), RecordError> {
    each_entry(
        d,
        key,
        |e, facts| match inner(e, field)? {
            Some(o) => read(&o, facts),
            None => Ok(()),
        },
        facts,
        out,
    )
}

/// The object `field` of `e` (null or absent: none).
fn inner<'a>(e: &Obj<'a>, field: &str) -> Result<Option<Obj<'a>>, RecordError> {
    match e.map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => Obj::new(v, e.at(field)).map(Some),
    }
}
