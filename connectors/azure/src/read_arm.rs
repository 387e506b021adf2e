//! Raw Azure Resource Manager responses into [`Facts`].

use blastgraph_model::EstateBuilder;
use blastgraph_model::json::{Obj, RecordError, type_name};
use serde_json::{Map, Value};

use crate::facts::*;
use crate::layout::ArmCall;
use crate::read_graph::each;

/// Reads one ARM response (`top` is the document, `path` the call's path)
/// into `facts`.
pub(crate) fn read(
    call: &ArmCall,
    path: &str,
    file: usize,
    top: &Obj<'_>,
    facts: &mut Facts,
    out: &mut EstateBuilder,
) {
    facts.seen.insert(format!("arm:{}", arm_key(path)));
    each(top, out, |o, _| record(call, path, file, o, facts));
}

/// Reads one record of an ARM list (`path` is the call's path) into
/// `facts`. AzureHound's records embed the same objects, so its reader
/// calls this too.
pub(crate) fn record(
    call: &ArmCall,
    path: &str,
    file: usize,
    o: &Obj<'_>,
    facts: &mut Facts,
) -> Result<(), RecordError> {
    let at = |o: &Obj<'_>| At {
        file,
        path: o.path.clone(),
    };
    match call {
        ArmCall::ManagementGroups | ArmCall::Descendants(_) => {
            let id = arm_key(o.req_str("id")?);
            let props = props(o)?;
            let kind = if id.starts_with("/subscriptions/") {
                ScopeKind::Subscription
            } else {
                ScopeKind::ManagementGroup
            };
            let parent = props
                .as_ref()
                .and_then(|p| p.map.get("parent").or_else(|| detail_parent(p.map)))
                .and_then(|p| p.get("id"))
                .and_then(Value::as_str)
                .map(arm_key);
            let name = props
                .as_ref()
                .and_then(|p| p.map.get("displayName"))
                .and_then(Value::as_str)
                .or(o.opt_str("name")?)
                .unwrap_or(&id)
                .to_string();
            upsert_scope(facts, id, name, kind, parent, at(o));
        }
        ArmCall::Subscriptions => {
            let id = arm_key(o.req_str("id")?);
            let name = o.opt_str("displayName")?.unwrap_or(&id).to_string();
            upsert_scope(facts, id, name, ScopeKind::Subscription, None, at(o));
        }
        ArmCall::ResourceGroups => {
            let id = arm_key(o.req_str("id")?);
            let name = o.opt_str("name")?.unwrap_or(&id).to_string();
            let parent = id.split("/resourcegroups/").next().map(str::to_string);
            upsert_scope(facts, id, name, ScopeKind::ResourceGroup, parent, at(o));
        }
        ArmCall::RoleDefinitions | ArmCall::CosmosRoleDefinitions => {
            let cosmos = matches!(call, ArmCall::CosmosRoleDefinitions);
            let id = o.req_str("id")?;
            let props = props(o)?.ok_or_else(|| missing(o, "properties"))?;
            let name = props.opt_str("roleName")?.unwrap_or(id).to_string();
            let permissions = permissions(&props)?;
            let role = ArmRole {
                name,
                permissions,
                shipped: false,
                denied: Vec::new(),
            };
            if cosmos {
                facts.cosmos_roles.insert(arm_key(id), role);
            } else {
                facts.arm_roles.insert(guid(id), role);
            }
        }
        ArmCall::RoleAssignments | ArmCall::RoleEligibility => {
            let eligible = matches!(call, ArmCall::RoleEligibility);
            let p = props(o)?.ok_or_else(|| missing(o, "properties"))?;
            if let Some(id) = o.opt_str("id")?
                && !facts.arm_assignment_ids.insert(format!(
                    "{}{}",
                    arm_key(id),
                    if eligible { "?" } else { "" }
                ))
            {
                return Ok(());
            }
            if eligible
                && p.opt_str("status")?
                    .is_some_and(|s| !s.eq_ignore_ascii_case("Provisioned"))
            {
                return Ok(());
            }
            let scope = match p.opt_str("scope")? {
                Some(s) => arm_key(s),
                // The assignment's own id starts with its scope.
                None => {
                    let id = arm_key(o.req_str("id")?);
                    id.split("/providers/microsoft.authorization/")
                        .next()
                        .unwrap_or("/")
                        .to_string()
                }
            };
            facts.arm_assignments.push(ArmAssignment {
                principal: oid(p.req_str("principalId")?),
                principal_kind: ObjKind::parse(p.opt_str("principalType")?.unwrap_or("")),
                role: guid(p.req_str("roleDefinitionId")?),
                scope: if scope.is_empty() { "/".into() } else { scope },
                condition: p
                    .opt_str("condition")?
                    .filter(|c| !c.trim().is_empty())
                    .map(str::to_string),
                eligible,
                at: at(o),
            });
        }
        ArmCall::DenyAssignments => {
            let p = props(o)?.ok_or_else(|| missing(o, "properties"))?;
            let scope = match p.opt_str("scope")? {
                Some(s) => arm_key(s),
                None => arm_key(o.req_str("id")?)
                    .split("/providers/microsoft.authorization/")
                    .next()
                    .unwrap_or("/")
                    .to_string(),
            };
            let ids = |key: &str| -> Result<Vec<String>, RecordError> {
                match p.map.get(key) {
                    None | Some(Value::Null) => Ok(Vec::new()),
                    Some(Value::Array(items)) => items
                        .iter()
                        .enumerate()
                        .map(|(i, x)| {
                            x.get("id").and_then(Value::as_str).map(oid).ok_or_else(|| {
                                (
                                    format!("{}[{i}].id", p.at(key)),
                                    "missing required field `id`".to_string(),
                                )
                                    .into()
                            })
                        })
                        .collect(),
                    Some(v) => Err(wrong(&p, key, "an array", v)),
                }
            };
            let mut principals = ids("principals")?;
            let everyone = principals.iter().any(|x| x == EVERYONE);
            principals.retain(|x| x != EVERYONE);
            facts.denies.push(Deny {
                name: p.opt_str("denyAssignmentName")?.unwrap_or("").to_string(),
                scope: if scope.is_empty() { "/".into() } else { scope },
                everyone,
                principals,
                exclude: ids("excludePrincipals")?,
                permissions: permissions(&p)?,
                children: !p.opt_bool("doNotApplyToChildScopes")?.unwrap_or(false),
            });
        }
        ArmCall::CosmosRoleAssignments => {
            let account = arm_key(path)
                .trim_end_matches("/sqlroleassignments")
                .to_string();
            let p = props(o)?.ok_or_else(|| missing(o, "properties"))?;
            facts.cosmos_assignments.push(CosmosAssignment {
                account,
                principal: oid(p.req_str("principalId")?),
                role: arm_key(p.req_str("roleDefinitionId")?),
                scope: arm_key(p.req_str("scope")?),
                at: at(o),
            });
        }
        ArmCall::Resources => {
            let id = arm_key(o.req_str("id")?);
            let kind = o
                .opt_str("type")?
                .map(str::to_ascii_lowercase)
                .unwrap_or_else(|| type_of(&id));
            let p = props(o)?;
            let credential_of = match o.map.get("tags") {
                Some(Value::Object(tags)) => blastgraph_model::ids::credential_of(
                    tags.iter()
                        .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?))),
                )
                .map(str::to_string),
                _ => None,
            };
            let mut r = Resource {
                credential_of,
                name: o.opt_str("name")?.unwrap_or(&id).to_string(),
                sub_kind: o.opt_str("kind")?.unwrap_or("").to_ascii_lowercase(),
                identities: identities(o)?,
                at: at(o),
                kind,
                ..Resource::default()
            };
            if let Some(p) = &p {
                r.rbac_vault = p.opt_bool("enableRbacAuthorization")?.unwrap_or(false);
                r.keys_off = p.opt_bool("allowSharedKeyAccess")? == Some(false)
                    || p.opt_bool("disableLocalAuth")? == Some(true);
                r.principal_id = p.opt_str("principalId")?.map(oid);
                // An AKS cluster's kubelet identity: what its pods reach
                // through the node's metadata endpoint.
                if let Some(k) = p
                    .map
                    .get("identityProfile")
                    .and_then(|i| i.get("kubeletidentity"))
                    .and_then(|k| k.get("objectId"))
                    .and_then(Value::as_str)
                {
                    r.identities.push(IdentityRef::Principal(oid(k)));
                }
                if let Some(v) = p.map.get("accessPolicies") {
                    let Value::Array(items) = v else {
                        return Err(wrong(p, "accessPolicies", "an array", v));
                    };
                    for (i, item) in items.iter().enumerate() {
                        let a = Obj::new(item, format!("{}.accessPolicies[{i}]", p.path))?;
                        let perms = match a.map.get("permissions") {
                            Some(v @ Value::Object(_)) => Obj::new(v, a.at("permissions"))?,
                            _ => continue,
                        };
                        r.access_policies.push(AccessPolicy {
                            object: oid(a.req_str("objectId")?),
                            secrets: lower(perms.opt_strs("secrets")?),
                            path: a.path.clone(),
                        });
                    }
                }
            }
            // A federated identity credential of a user-assigned identity.
            if r.kind.ends_with("/federatedidentitycredentials")
                && let Some(p) = &p
            {
                let owner = id
                    .rsplit_once("/federatedidentitycredentials/")
                    .map_or_else(|| id.clone(), |(o, _)| o.to_string());
                facts.fics.push(Fic {
                    owner,
                    name: r.name.clone(),
                    issuer: p.req_str("issuer")?.to_string(),
                    subject: p.req_str("subject")?.to_string(),
                    at: r.at.clone(),
                });
            }
            // A list read twice (or a record in two files) fills in.
            match facts.resources.get_mut(&id) {
                Some(old) => {
                    if old.identities.is_empty() {
                        old.identities = r.identities;
                    }
                    if p.is_some() {
                        old.rbac_vault = r.rbac_vault;
                        old.keys_off = r.keys_off;
                        old.access_policies = r.access_policies;
                        old.principal_id = old.principal_id.take().or(r.principal_id);
                    }
                }
                None => {
                    facts.resources.insert(id, r);
                }
            }
        }
    }
    Ok(())
}

/// The object id ARM uses for "Everyone" in a deny assignment.
const EVERYONE: &str = "00000000-0000-0000-0000-000000000000";

/// A role definition's or deny assignment's `permissions` blocks.
fn permissions(props: &Obj<'_>) -> Result<Vec<Permission>, RecordError> {
    let mut out = Vec::new();
    if let Some(v) = props.map.get("permissions") {
        let Value::Array(items) = v else {
            return Err(wrong(props, "permissions", "an array", v));
        };
        for (i, p) in items.iter().enumerate() {
            let p = Obj::new(p, format!("{}.permissions[{i}]", props.path))?;
            out.push(Permission {
                actions: lower(p.opt_strs("actions")?),
                not_actions: lower(p.opt_strs("notActions")?),
                data_actions: lower(p.opt_strs("dataActions")?),
                not_data_actions: lower(p.opt_strs("notDataActions")?),
            });
        }
    }
    Ok(out)
}

fn detail_parent(p: &Map<String, Value>) -> Option<&Value> {
    p.get("details")?.get("parent")
}

fn upsert_scope(
    facts: &mut Facts,
    id: String,
    name: String,
    kind: ScopeKind,
    parent: Option<String>,
    at: At,
) {
    match facts.scopes.get_mut(&id) {
        Some(s) => {
            if s.parent.is_none() {
                s.parent = parent;
            }
        }
        None => {
            facts.scopes.insert(
                id,
                ArmScope {
                    name,
                    kind,
                    parent,
                    at,
                },
            );
        }
    }
}

/// The managed identities of a resource record (`identity`).
fn identities(o: &Obj<'_>) -> Result<Vec<IdentityRef>, RecordError> {
    let Some(v) = o.map.get("identity") else {
        return Ok(Vec::new());
    };
    if v.is_null() {
        return Ok(Vec::new());
    }
    let i = Obj::new(v, o.at("identity"))?;
    let mut out = Vec::new();
    if let Some(p) = i.opt_str("principalId")? {
        out.push(IdentityRef::Principal(oid(p)));
    }
    if let Some(v) = i.map.get("userAssignedIdentities") {
        let Value::Object(map) = v else {
            if v.is_null() {
                return Ok(out);
            }
            return Err(wrong(&i, "userAssignedIdentities", "an object", v));
        };
        for (res, detail) in map {
            match detail.get("principalId").and_then(Value::as_str) {
                Some(p) => out.push(IdentityRef::Principal(oid(p))),
                None => out.push(IdentityRef::UserAssigned(arm_key(res))),
            }
        }
    }
    Ok(out)
}

fn props<'a>(o: &Obj<'a>) -> Result<Option<Obj<'a>>, RecordError> {
    match o.map.get("properties") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => Obj::new(v, o.at("properties")).map(Some),
    }
}

fn missing(o: &Obj<'_>, key: &str) -> RecordError {
    (o.at(key), format!("missing required field `{key}`")).into()
}

fn wrong(o: &Obj<'_>, key: &str, expected: &str, v: &Value) -> RecordError {
    (
        o.at(key),
        format!("expected {expected}, found {}", type_name(v)),
    )
        .into()
}

fn lower(v: Vec<String>) -> Vec<String> {
    v.into_iter().map(|s| s.to_ascii_lowercase()).collect()
}

/// The last segment of a role definition id: its GUID, lower.
pub(crate) fn guid(id: &str) -> String {
    id.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(id)
        .to_ascii_lowercase()
}

/// The resource type an ARM id names (`microsoft.keyvault/vaults/secrets`).
pub(crate) fn type_of(id: &str) -> String {
    let Some((_, rest)) = id.rsplit_once("/providers/") else {
        return String::new();
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let mut t = vec![parts.first().copied().unwrap_or("")];
    t.extend(parts.iter().skip(1).step_by(2));
    t.join("/").to_ascii_lowercase()
}
