#!/usr/bin/env python3
"""The Contoso fixture (tests/scenarios/azure-tenant/inputs, raw Graph and
ARM responses) as AzureHound would have written it: `v2/` in AzureHound 2.x
casing, `v3/` with the identifiers AzureHound 3 upper-cases. Only what
AzureHound collects is carried over: no administrative units, no OAuth2
permission grants, no ARM role definitions or eligibility, no Cosmos DB,
Cognitive Services, secrets or user-assigned identities, and role
assignments only at the scopes AzureHound lists them (management groups,
subscriptions, resource groups, key vaults, VMs, web apps, storage
accounts).

The shapes follow AzureHound's models (github.com/SpecterOps/AzureHound,
models/*.go, cmd/list-*.go at v3.1.0): one-to-many kinds wrap a parent
and a list, a directory role assignment's non-application scope is
rewritten to "/" with the scope object expanded beside it, `false` and
empty strings are left out (omitempty), and assignments inherited from a
parent scope are repeated in a VM's lists.

Run: python3 make.py  (from this folder; rewrites v2/ and v3/)."""
import glob, json, os

HERE = os.path.dirname(os.path.abspath(__file__))
RAW = os.path.join(HERE, "../../../../tests/scenarios/azure-tenant/inputs")
OWNER, CONTRIB, UAA, VMC = ("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "b24988ac-6180-42a0-ab88-20f7382dd24c",
                            "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "9980e02c-c2be-4d73-94e8-173b1dc7cf3c")
GRAPH_APP = "00000003-0000-0000-c000-000000000000"


def raw(path):
    with open(os.path.join(RAW, path)) as f:
        return json.load(f)


def values(pattern):
    out = []
    for p in sorted(glob.glob(os.path.join(RAW, pattern))):
        rel = os.path.relpath(p, RAW)
        out.append((rel, raw(rel)["value"]))
    return out


def omit(o):
    """Go's omitempty on the top-level fields: no false, "", 0 or null."""
    return {k: v for k, v in o.items() if v not in (False, "", 0, None)}


def rec(kind, data):
    return {"kind": kind, "data": data}


org = raw("graph/v1.0/organization.json")["value"][0]
T, TNAME = org["id"], org["displayName"]
ten = {"tenantId": T, "tenantName": TNAME}
ad, rm = [], []

ad.append(rec("AZTenant", {"id": "/tenants/" + T, "tenantId": T, "displayName": TNAME,
                            "defaultDomain": "contoso.example", "tenantType": "AAD", "collected": True}))
for u in raw("graph/v1.0/users.json")["value"]:
    ad.append(rec("AZUser", omit({**u, **ten, "employeeOrgData": {}, "passwordProfile": {}, "signInActivity": {}})))
for gr in raw("graph/v1.0/groups.json")["value"]:
    ad.append(rec("AZGroup", omit({**gr, **ten})))
for rel, members in values("graph/v1.0/groups/*/members.json"):
    gid = rel.split("/")[3]
    ad.append(rec("AZGroupMember", {"groupId": gid, "members": [{"groupId": gid, "member": m} for m in members]}))
for rel, owners in values("graph/v1.0/groups/*/owners.json"):
    gid = rel.split("/")[3]
    ad.append(rec("AZGroupOwner", {"groupId": gid, "owners": [{"groupId": gid, "owner": o} for o in owners]}))
apps = raw("graph/v1.0/applications.json")["value"]
client = {a["id"]: a["appId"] for a in apps}
for a in apps:
    ad.append(rec("AZApp", omit({**a, **ten, "api": {}, "info": {}, "web": {"implicitGrantSettings": {}}})))
for rel, owners in values("graph/v1.0/applications/*/owners.json"):
    aid = rel.split("/")[3]
    # The outer appId is the client id, each owner's the object id.
    ad.append(rec("AZAppOwner", {"appId": client[aid], "owners": [{"appId": aid, "owner": o} for o in owners]}))
for rel, fics in values("graph/v1.0/applications/*/federatedIdentityCredentials.json"):
    aid = rel.split("/")[3]
    ad.append(rec("AZFederatedIdentityCredential", {"appId": client[aid], **ten,
                                                    "fics": [{"appId": client[aid], "fic": f} for f in fics]}))
sps = raw("graph/v1.0/servicePrincipals.json")["value"]
sp_app = {s["id"]: s.get("appId") for s in sps}
for s in sps:
    ad.append(rec("AZServicePrincipal", omit({**s, **ten})))
for rel, owners in values("graph/v1.0/servicePrincipals/*/owners.json"):
    sid = rel.split("/")[3]
    ad.append(rec("AZServicePrincipalOwner", {"servicePrincipalId": sid,
                                              "owners": [{"servicePrincipalId": sid, "owner": o} for o in owners]}))
for rel, grants in values("graph/v1.0/servicePrincipals/*/appRoleAssignedTo.json"):
    for gr in grants:
        ad.append(rec("AZAppRoleAssignment", {**gr, "appId": sp_app.get(gr["resourceId"]), "tenantId": T}))
roles = raw("graph/v1.0/roleManagement/directory/roleDefinitions.json")["value"]
for r in roles:
    ad.append(rec("AZRole", omit({**r, **ten})))
units = {u["id"] for u in raw("graph/v1.0/directory/administrativeUnits.json")["value"]}
by_role = {}
for a in raw("graph/v1.0/roleManagement/directory/roleAssignments.json")["value"]:
    scope = a["directoryScopeId"]
    shell = {"api": {}, "info": {}, "web": {"implicitGrantSettings": {}}}
    if scope == "/":
        expanded = shell
    elif scope.startswith("/administrativeUnits/"):
        # AzureHound 2.1.9 on writes "/" + the expanded object's appId,
        # which a unit has not: "/". The unit object itself is expanded.
        unit = scope.rsplit("/", 1)[1]
        expanded = {**shell, "id": unit, "@odata.type": "#microsoft.graph.administrativeUnit"}
        scope = "/"
    else:
        oid = scope[1:]
        expanded = {**shell, "id": oid, "appId": client.get(oid, sp_app.get(oid)),
                    "@odata.type": "#microsoft.graph.application"}
        scope = "/" + expanded["appId"]
    entry = {**a, "directoryScopeId": scope, "roleDefinition": {"id": ""}, "directoryScope": expanded, "appScope": {}}
    by_role.setdefault(a["roleDefinitionId"], []).append(entry)
for role, entries in by_role.items():
    ad.append(rec("AZRoleAssignment", {"roleDefinitionId": role, "tenantId": T, "roleAssignments": entries}))
for e in raw("graph/v1.0/roleManagement/directory/roleEligibilitySchedules.json")["value"]:
    ad.append(rec("AZRoleEligibilityScheduleInstance", {
        "id": e["id"], "roleDefinitionId": e["roleDefinitionId"], "principalId": e["principalId"],
        "directoryScopeId": e["directoryScopeId"], "startDateTime": "2026-01-01T00:00:00Z", "tenantId": T}))
# A device: a kind the connector does not read, and says so.
ad.append(rec("AZDevice", {"id": "dd000000-0000-4000-8000-0000000000d1", "displayName": "LAPTOP-01",
                           "operatingSystem": "Windows", **ten}))

# ---------------------------------------------------------------- ARM
for m in raw("arm/providers/Microsoft.Management/managementGroups.json")["value"]:
    rm.append(rec("AZManagementGroup", {**m, "tenantId": T}))
for rel, ds in values("arm/providers/Microsoft.Management/managementGroups/*/descendants.json"):
    for d in ds:
        p = d.get("properties", {})
        rm.append(rec("AZManagementGroupDescendant", {
            "id": d["id"], "name": d["name"], "type": d["type"],
            "properties": {"display_name": p.get("displayName"), "parent": p.get("parent")}}))
for s in raw("arm/subscriptions.json")["value"]:
    rm.append(rec("AZSubscription", {**s, "tenantId": T}))
for rel, rgs in values("arm/subscriptions/*/resourcegroups.json"):
    sub = "/subscriptions/" + rel.split("/")[2]
    for r in rgs:
        rm.append(rec("AZResourceGroup", {**r, "subscriptionId": sub, "tenantId": T}))


def placed(r):
    rg = r["id"].split("/providers/")[0]
    return {"subscriptionId": "/subscriptions/" + r["id"].split("/")[2], "resourceGroupId": rg,
            "resourceGroupName": rg.rsplit("/", 1)[1], "tenantId": T}


vms, vaults, sites, accounts = [], [], [], []
for rel, items in values("arm/subscriptions/*/providers/Microsoft.Compute/virtualMachines.json"):
    for v in items:
        vms.append(v["id"])
        rm.append(rec("AZVM", {**v, **placed(v)}))
for rel, items in values("arm/subscriptions/*/providers/Microsoft.KeyVault/vaults.json"):
    for v in items:
        vaults.append(v["id"])
        p = placed(v)
        rm.append(rec("AZKeyVault", {**v, "subscriptionId": v["id"].split("/")[2],
                                     "resourceGroup": p["resourceGroupId"], "tenantId": T}))
for rel, items in values("arm/subscriptions/*/providers/Microsoft.Web/sites.json"):
    for v in items:
        sites.append(v["id"])
        rm.append(rec("AZFunctionApp" if v.get("kind") == "functionapp" else "AZWebApp", {**v, **placed(v)}))
for rel, items in values("arm/subscriptions/*/providers/Microsoft.Storage/storageAccounts.json"):
    for v in items:
        accounts.append(v["id"])
        rm.append(rec("AZStorageAccount", {**v, **placed(v)}))
for rel, items in values("arm/subscriptions/*/resourceGroups/*/providers/Microsoft.Storage/storageAccounts/*/blobServices/default/containers.json"):
    for v in items:
        acct = v["id"].split("/blobServices/")[0]
        rm.append(rec("AZStorageContainer", {**v, **placed(v), "storageAccountId": acct}))

assignments = [a for _, items in values("arm/subscriptions/*/providers/Microsoft.Authorization/roleAssignments.json")
               for a in items]


def ra(a):
    p = a["properties"]
    return {"id": a["id"], "name": a["name"], "type": a["type"],
            "properties": {"principalId": p["principalId"], "roleDefinitionId": p["roleDefinitionId"],
                           "scope": p["scope"]}}


def role(a):
    return a["properties"]["roleDefinitionId"].rsplit("/", 1)[1]


FILTERED = {OWNER: ("owners", "owner", "Owner"), CONTRIB: ("contributors", "contributor", "Contributor"),
            UAA: ("userAccessAdmins", "userAccessAdmin", "UserAccessAdmin")}
scopes = sorted({a["properties"]["scope"] for a in assignments})
for scope in scopes:
    here = [a for a in assignments if a["properties"]["scope"] == scope]
    low = scope.lower()
    if "/providers/" not in low or low.startswith("/providers/microsoft.management/"):
        kind, key = (("AZManagementGroup", "managementGroupId") if low.startswith("/providers/")
                     else ("AZResourceGroup", "resourceGroupId") if "/resourcegroups/" in low
                     else ("AZSubscription", "subscriptionId"))
        # `list subscription-role-assignments` and kin: every assignment.
        rm.append(rec(kind + "RoleAssignment", {key: scope, "roleAssignments": [
            {"roleAssignment": ra(a), key: scope} for a in here]}))
        # `list`: the Owner, Contributor and User Access Administrator ones
        # again, per role (the same assignments: read once).
        for guid, (plural, single, suffix) in FILTERED.items():
            mine = [a for a in here if role(a) == guid]
            rm.append(rec(kind + suffix, {key: scope, plural: [{single: ra(a), key: scope} for a in mine] or None}))
    elif scope in vaults:
        rm.append(rec("AZKeyVaultRoleAssignment", {"virtualMachineId": scope, "roleAssignments": [
            {"roleAssignment": ra(a), "virtualMachineId": scope} for a in here]}))
    elif scope in accounts or scope in sites:
        kind = "AZStorageAccountRoleAssignment" if scope in accounts else "AZWebAppRoleAssignment"
        rm.append(rec(kind, {"objectId": scope, "assignees": [
            {"assignee": ra(a), "objectId": scope, "roleDefinitionId": role(a)} for a in here]}))
    # Other scopes (Cognitive Services accounts, blob containers) are not
    # listed by AzureHound.
# A VM's lists repeat the assignments inherited from its resource group.
for vm in vms:
    rg = vm.split("/providers/")[0]
    inherited = [a for a in assignments if a["properties"]["scope"] == rg and role(a) == VMC]
    rm.append(rec("AZVMVMContributor", {"virtualMachineId": vm, "vmContributors": [
        {"vmContributor": ra(a), "virtualMachineId": vm} for a in inherited] or None}))


def write(folder, name, records):
    os.makedirs(os.path.join(HERE, folder), exist_ok=True)
    with open(os.path.join(HERE, folder, name), "w") as f:
        # The file sink: `{"data":[` then one compact record per line.
        f.write('{\n\t"data": [\n')
        f.write(",\n".join("\t\t" + json.dumps(r, separators=(",", ":")) for r in records))
        f.write('\n\t],\n\t"meta": {"type":"azure","version":5,"count":%d}\n}\n' % len(records))


UPPER = {"id", "displayName", "tenantId", "tenantName", "appId", "appOwnerOrganizationId", "principalId",
         "resourceId", "roleDefinitionId", "directoryScopeId", "groupId", "servicePrincipalId",
         "subscriptionId", "resourceGroupId", "resourceGroupName", "managementGroupId", "virtualMachineId",
         "keyVaultId", "objectId", "scope", "resourceGroup", "storageAccountId"}
KEEP = {"AZAppRoleAssignment": {"appId"}}


def upper(v, kind, key=None, arm_ra=False):
    """AzureHound 3: identifiers upper-cased, except an ARM assignment's
    own id, name and roleDefinitionId, and the app role assignment's appId."""
    if isinstance(v, dict):
        is_ra = v.get("type") == "Microsoft.Authorization/roleAssignments"
        return {k: upper(x, kind, k, is_ra) for k, x in v.items()}
    if isinstance(v, list):
        return [upper(x, kind, key, arm_ra) for x in v]
    if isinstance(v, str) and key in UPPER and key not in KEEP.get(kind, ()):
        if arm_ra and key in ("id", "roleDefinitionId"):
            return v
        if kind == "AZRole" and key == "templateId":
            return v
        return v.upper()
    return v


write("v2", "ad.json", ad)
write("v2", "rm.json", rm)
write("v3", "ad.json", [rec(r["kind"], upper(r["data"], r["kind"])) for r in ad])
write("v3", "rm.json", [rec(r["kind"], upper(r["data"], r["kind"])) for r in rm])
print(len(ad), "Entra records,", len(rm), "ARM records")
