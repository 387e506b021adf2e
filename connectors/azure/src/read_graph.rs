//! Raw Microsoft Graph responses into [`Facts`].

use blastgraph_model::EstateBuilder;
use blastgraph_model::json::{Obj, RecordError, for_each_record};
use serde_json::Value;

use crate::facts::*;
use crate::layout::GraphCall;

/// Reads one Graph response (`top` is the document) into `facts`.
pub(crate) fn read(
    call: &GraphCall,
    file: usize,
    top: &Obj<'_>,
    facts: &mut Facts,
    out: &mut EstateBuilder,
) {
    let seen = match call {
        GraphCall::Users => Some("users".to_string()),
        GraphCall::Groups => Some("groups".into()),
        GraphCall::GroupMembers(g) => Some(format!("groups/{}/members", oid(g))),
        GraphCall::UnitMembers(u) => Some(format!("units/{}/members", oid(u))),
        GraphCall::Applications => Some("applications".into()),
        GraphCall::ServicePrincipals => Some("servicePrincipals".into()),
        GraphCall::Grants => Some("oauth2PermissionGrants".into()),
        _ => None,
    };
    if let Some(key) = seen {
        facts.seen.insert(key);
    }
    each(top, out, |o, _| record(call, file, o, facts));
}

/// Reads one record of a Graph list (an object of its `value` array) into
/// `facts`. AzureHound's records embed the same objects, so its reader
/// calls this too.
pub(crate) fn record(
    call: &GraphCall,
    file: usize,
    o: &Obj<'_>,
    facts: &mut Facts,
) -> Result<(), RecordError> {
    let at = At {
        file,
        path: o.path.clone(),
    };
    match call {
        GraphCall::Organization => {
            let id = oid(o.req_str("id")?);
            let name = o.opt_str("displayName")?.unwrap_or(&id).to_string();
            facts.tenant.get_or_insert((id, name, at));
        }
        GraphCall::Users => {
            let id = oid(o.req_str("id")?);
            let upn = o.opt_str("userPrincipalName")?.map(str::to_string);
            let name = o
                .opt_str("displayName")?
                .map(str::to_string)
                .or_else(|| upn.clone())
                .unwrap_or_else(|| id.clone());
            let user = User {
                name,
                enabled: o.opt_bool("accountEnabled")?.unwrap_or(true),
                guest: o.opt_str("userType")?.is_some_and(|t| t == "Guest"),
                upn,
                at,
            };
            facts.users.insert(id, user);
        }
        GraphCall::Groups => {
            let id = oid(o.req_str("id")?);
            let dynamic = o
                .opt_strs("groupTypes")?
                .iter()
                .any(|t| t.eq_ignore_ascii_case("DynamicMembership"));
            let group = Group {
                name: o.opt_str("displayName")?.unwrap_or(&id).to_string(),
                role_assignable: o.opt_bool("isAssignableToRole")?.unwrap_or(false),
                dynamic,
                at,
            };
            facts.groups.insert(id, group);
        }
        GraphCall::GroupMembers(g) | GraphCall::UnitMembers(g) => {
            let container = match call {
                GraphCall::UnitMembers(_) => format!("unit:{}", oid(g)),
                _ => oid(g),
            };
            facts.members.push(Membership {
                container,
                member: oid(o.req_str("id")?),
                kind: ObjKind::parse(o.opt_str("@odata.type")?.unwrap_or("")),
                at,
            });
        }
        GraphCall::GroupOwners(x)
        | GraphCall::ApplicationOwners(x)
        | GraphCall::ServicePrincipalOwners(x) => {
            let owned_kind = match call {
                GraphCall::GroupOwners(_) => ObjKind::Group,
                GraphCall::ApplicationOwners(_) => ObjKind::Application,
                _ => ObjKind::ServicePrincipal,
            };
            facts.owners.push(Ownership {
                owned: oid(x),
                owned_kind,
                owner: oid(o.req_str("id")?),
                at,
            });
        }
        GraphCall::Units => {
            let id = oid(o.req_str("id")?);
            let name = o.opt_str("displayName")?.unwrap_or(&id).to_string();
            let restricted = o.opt_bool("isMemberManagementRestricted")?.unwrap_or(false);
            facts.units.insert(id, (name, restricted, at));
        }
        GraphCall::Applications => {
            let id = oid(o.req_str("id")?);
            let app = Application {
                name: o.opt_str("displayName")?.unwrap_or(&id).to_string(),
                app_id: oid(o.req_str("appId")?),
            };
            facts.apps.insert(id, app);
        }
        GraphCall::ApplicationFics(a) => facts.fics.push(Fic {
            owner: oid(a),
            name: o.opt_str("name")?.unwrap_or("").to_string(),
            issuer: o.req_str("issuer")?.to_string(),
            subject: o.req_str("subject")?.to_string(),
            at,
        }),
        GraphCall::ServicePrincipals => {
            let id = oid(o.req_str("id")?);
            let kind = o.opt_str("servicePrincipalType")?.unwrap_or("Application");
            let managed = kind.eq_ignore_ascii_case("ManagedIdentity");
            // A managed identity names its ARM resource among its
            // alternative names (`isExplicit=…` and the resource id).
            let resource = o
                .opt_strs("alternativeNames")?
                .into_iter()
                .find(|n| n.to_ascii_lowercase().starts_with("/subscriptions/"))
                .map(|n| arm_key(&n));
            let mut app_roles = std::collections::BTreeMap::new();
            if let Some(Value::Array(roles)) = o.map.get("appRoles") {
                for r in roles {
                    if let (Some(id), Some(value)) = (
                        r.get("id").and_then(Value::as_str),
                        r.get("value").and_then(Value::as_str),
                    ) {
                        app_roles.insert(oid(id), value.to_string());
                    }
                }
            }
            let owner_org = o.opt_str("appOwnerOrganizationId")?.map(oid);
            let sp = ServicePrincipal {
                name: o.opt_str("displayName")?.unwrap_or(&id).to_string(),
                app_id: o.opt_str("appId")?.map(oid),
                managed,
                enabled: o.opt_bool("accountEnabled")?.unwrap_or(true),
                resource,
                app_roles,
                owner_org,
                at,
            };
            facts.sps.insert(id, sp);
        }
        GraphCall::AppRoleAssignments => facts.app_grants.push(AppRoleGrant {
            principal: oid(o.req_str("principalId")?),
            principal_kind: ObjKind::parse(o.opt_str("principalType")?.unwrap_or("")),
            resource: oid(o.req_str("resourceId")?),
            role: oid(o.req_str("appRoleId")?),
            at,
        }),
        GraphCall::Grants => {
            let consent = o.req_str("consentType")?;
            let user = match consent {
                "AllPrincipals" => None,
                "Principal" => Some(oid(o.req_str("principalId")?)),
                other => {
                    return Err((
                        o.at("consentType"),
                        format!("expected `AllPrincipals` or `Principal`, found `{other}`"),
                    )
                        .into());
                }
            };
            facts.delegated.push(DelegatedGrant {
                client: oid(o.req_str("clientId")?),
                user,
                resource: oid(o.req_str("resourceId")?),
                scopes: o
                    .opt_str("scope")?
                    .unwrap_or("")
                    .split_whitespace()
                    .map(str::to_string)
                    .collect(),
                at,
            });
        }
        GraphCall::RoleDefinitions => {
            let id = oid(o.req_str("id")?);
            let mut actions = Vec::new();
            if let Some(Value::Array(perms)) = o.map.get("rolePermissions") {
                for p in perms {
                    if let Some(Value::Array(a)) = p.get("allowedResourceActions") {
                        actions.extend(
                            a.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_ascii_lowercase),
                        );
                    }
                }
            }
            let role = DirRole {
                name: o.opt_str("displayName")?.unwrap_or(&id).to_string(),
                template: o.opt_str("templateId")?.map_or_else(|| id.clone(), oid),
                built_in: o.opt_bool("isBuiltIn")?.unwrap_or(false),
                actions,
            };
            facts.dir_roles.insert(id, role);
        }
        GraphCall::RoleAssignments | GraphCall::RoleEligibility => {
            // `directoryScopeId` is required by the API; its absence
            // means a tool dropped it: the scope is unknown.
            let scope = o
                .opt_str("directoryScopeId")?
                .map_or(DirScope::Unknown, DirScope::parse);
            facts.dir_assignments.push(DirAssignment {
                principal: oid(o.req_str("principalId")?),
                role: oid(o.req_str("roleDefinitionId")?),
                scope,
                eligible: matches!(call, GraphCall::RoleEligibility),
                at,
            });
        }
    }
    Ok(())
}

/// Every record of the response's `value` array (a response that is one
/// object, such as `GET /organization/ID`, is its own record).
pub(crate) fn each(
    top: &Obj<'_>,
    out: &mut EstateBuilder,
    read: impl FnMut(&Obj<'_>, &mut EstateBuilder) -> Result<(), RecordError>,
) {
    if top.map.contains_key("value") {
        for_each_record(top, "value", out, read);
    } else if top.map.contains_key("id") {
        let mut read = read;
        if let Err(e) = read(top, out) {
            out.error_code(e.code, e.location, e.message);
        }
    } else {
        out.error(
            top.path.clone(),
            "expected a response with a `value` array (a list) or an `id` (one object); nothing read",
        );
    }
}
