#!/usr/bin/env python3
"""Writes the Azure part of the demo estate in the Azure raw layout
(docs/azure-raw-layout.md).

The files are what `connectors/azure/az-snapshot.sh` (or `blastgraph collect
azure`) would write for the fictional Acme AI tenant: an automation service
principal whose client secret sits in AWS Secrets Manager (estate.json links
the two), with Virtual Machine Contributor on the ML resource group and a
blob data role on the training data; a training VM whose managed identity
owns the subscription; a key vault, an Azure OpenAI deployment; and an app
with Mail.Read that Alice owns. Run from this folder; the output replaces
./azure. Re-run after changing the estate, then `cargo test` (the CLI embeds
every file listed in src/demo_files.rs, and a test checks that list against
this folder).
"""
import json, os, shutil

OUT = "azure"
T = "5b0e3d7a-acde-4a1a-9f00-ac3e00000001"
S = "5f1c0a52-7e3d-4c1b-9a2e-3d4c5b6a7f80"
RG = f"/subscriptions/{S}/resourceGroups/ml"
GRAPH_APP = "00000003-0000-0000-c000-000000000000"
MAIL_READ = "810c84a8-4a9e-49e6-bf7d-12d183f40d01"
OWNER, VM_CONTRIBUTOR, BLOB_CONTRIBUTOR = (
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "9980e02c-c2be-4d73-94e8-173b1dc7cf3c",
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
)


def g(n):
    return "ac3e%04x-0000-4000-8000-%012x" % (n, n)


ALICE = g(1)
OPS_APP, OPS_CLIENT, OPS_SP = g(11), g(12), g(13)
MAIL_APP, MAIL_CLIENT, MAIL_SP = g(21), g(22), g(23)
VM_MI = g(31)
GRAPH_SP = g(90)
VM = f"{RG}/providers/Microsoft.Compute/virtualMachines/training-vm"
SA = f"{RG}/providers/Microsoft.Storage/storageAccounts/acmetraining"
AOAI = f"{RG}/providers/Microsoft.CognitiveServices/accounts/acme-aoai"
KV = f"{RG}/providers/Microsoft.KeyVault/vaults/acme-ml-kv"


def w(path, obj):
    path = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def graph(path, items, context):
    w(f"graph/v1.0/{path}.json", {
        "@odata.context": f"https://graph.microsoft.com/v1.0/$metadata#{context}",
        "value": items})


def arm(path, items):
    w(f"arm/{path.lstrip('/')}.json", {"value": items})


if os.path.isdir(OUT):
    shutil.rmtree(OUT)

graph("organization", [{"id": T, "displayName": "acme-ai",
                        "verifiedDomains": [{"name": "acme.ai", "isDefault": True, "type": "Managed"}]}],
      "organization")
graph("users", [{"id": ALICE, "displayName": "alice (Entra)", "userPrincipalName": "alice@acme.ai",
                 "accountEnabled": True, "userType": "Member"}], "users")
graph("groups", [], "groups")
graph("applications", [
    {"id": OPS_APP, "appId": OPS_CLIENT, "displayName": "ml-ops-automation", "signInAudience": "AzureADMyOrg",
     "passwordCredentials": [{"customKeyIdentifier": None, "displayName": "2024", "endDateTime": "2026-03-01T00:00:00Z",
                              "hint": "Q8~", "keyId": g(14), "secretText": None, "startDateTime": "2024-03-01T00:00:00Z"}],
     "keyCredentials": []},
    {"id": MAIL_APP, "appId": MAIL_CLIENT, "displayName": "mail-summarizer", "signInAudience": "AzureADMyOrg",
     "passwordCredentials": [],
     "keyCredentials": [{"customKeyIdentifier": "A1B2C3", "displayName": "CN=mail-summarizer",
                         "endDateTime": "2027-03-04T00:00:00Z", "keyId": g(24), "startDateTime": "2025-03-04T00:00:00Z",
                         "type": "AsymmetricX509Cert", "usage": "Verify", "key": None}]},
], "applications")
graph("servicePrincipals", [
    {"id": OPS_SP, "appId": OPS_CLIENT, "displayName": "ml-ops-automation", "servicePrincipalType": "Application",
     "accountEnabled": True, "appOwnerOrganizationId": T},
    {"id": MAIL_SP, "appId": MAIL_CLIENT, "displayName": "mail-summarizer", "servicePrincipalType": "Application",
     "accountEnabled": True, "appOwnerOrganizationId": T},
    {"id": VM_MI, "appId": g(32), "displayName": "training-vm", "servicePrincipalType": "ManagedIdentity",
     "accountEnabled": True, "alternativeNames": ["isExplicit=False", VM]},
    {"id": GRAPH_SP, "appId": GRAPH_APP, "displayName": "Microsoft Graph", "servicePrincipalType": "Application",
     "accountEnabled": True, "appOwnerOrganizationId": "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
     "appRoles": [{"allowedMemberTypes": ["Application"], "id": MAIL_READ, "value": "Mail.Read",
                   "displayName": "Read mail in all mailboxes", "isEnabled": True}]},
], "servicePrincipals")
graph(f"applications/{MAIL_APP}/owners", [
    {"@odata.type": "#microsoft.graph.user", "id": ALICE, "userPrincipalName": "alice@acme.ai"}], "directoryObjects")
graph(f"servicePrincipals/{GRAPH_SP}/appRoleAssignedTo", [
    {"id": "mail-summarizer-mail-read", "appRoleId": MAIL_READ, "createdDateTime": "2025-03-04T09:12:00Z",
     "principalDisplayName": "mail-summarizer", "principalId": MAIL_SP, "principalType": "ServicePrincipal",
     "resourceDisplayName": "Microsoft Graph", "resourceId": GRAPH_SP}], "servicePrincipals('%s')/appRoleAssignedTo" % GRAPH_SP)
graph("oauth2PermissionGrants", [], "oauth2PermissionGrants")
graph("roleManagement/directory/roleAssignments", [], "roleManagement/directory/roleAssignments")

arm("subscriptions", [{"id": f"/subscriptions/{S}", "subscriptionId": S, "displayName": "sub-ml-prod",
                       "state": "Enabled", "tenantId": T}])
arm(f"subscriptions/{S}/resourcegroups", [{"id": RG, "name": "ml", "type": "Microsoft.Resources/resourceGroups",
                                           "location": "eastus"}])
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "../../../connectors/azure/data/builtin-roles.json")) as f:
    builtin = {r["name"]: r for r in json.load(f)["value"]}
arm(f"subscriptions/{S}/providers/Microsoft.Authorization/roleDefinitions",
    [builtin[r] for r in (OWNER, VM_CONTRIBUTOR, BLOB_CONTRIBUTOR)])


def assignment(n, scope, role, principal, kind):
    return {"id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{g(200 + n)}", "name": g(200 + n),
            "type": "Microsoft.Authorization/roleAssignments",
            "properties": {"roleDefinitionId": f"/subscriptions/{S}/providers/Microsoft.Authorization/roleDefinitions/{role}",
                           "principalId": principal, "principalType": kind, "scope": scope}}


arm(f"subscriptions/{S}/providers/Microsoft.Authorization/roleAssignments", [
    assignment(1, RG, VM_CONTRIBUTOR, OPS_SP, "ServicePrincipal"),
    assignment(2, SA, BLOB_CONTRIBUTOR, OPS_SP, "ServicePrincipal"),
    assignment(3, f"/subscriptions/{S}", OWNER, VM_MI, "ServicePrincipal"),
])
arm(f"subscriptions/{S}/providers/Microsoft.Compute/virtualMachines", [
    {"id": VM, "name": "training-vm", "type": "Microsoft.Compute/virtualMachines", "location": "eastus",
     "identity": {"type": "SystemAssigned", "principalId": VM_MI, "tenantId": T},
     "properties": {"hardwareProfile": {"vmSize": "Standard_NC6s_v3"}}}])
arm(f"subscriptions/{S}/providers/Microsoft.Storage/storageAccounts", [
    {"id": SA, "name": "acmetraining", "type": "Microsoft.Storage/storageAccounts", "kind": "StorageV2",
     "location": "eastus", "properties": {"allowSharedKeyAccess": False}}])
arm(f"{SA}/blobServices/default/containers", [
    {"id": f"{SA}/blobServices/default/containers/training-data", "name": "training-data",
     "type": "Microsoft.Storage/storageAccounts/blobServices/containers", "properties": {"publicAccess": "None"}}])
arm(f"subscriptions/{S}/providers/Microsoft.CognitiveServices/accounts", [
    {"id": AOAI, "name": "acme-aoai", "type": "Microsoft.CognitiveServices/accounts", "kind": "OpenAI",
     "location": "eastus", "properties": {"disableLocalAuth": True}}])
arm(f"{AOAI}/deployments", [
    {"id": f"{AOAI}/deployments/gpt-4o-support", "name": "gpt-4o-support",
     "type": "Microsoft.CognitiveServices/accounts/deployments",
     "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-08-06"}}}])
arm(f"subscriptions/{S}/providers/Microsoft.KeyVault/vaults", [
    {"id": KV, "name": "acme-ml-kv", "type": "Microsoft.KeyVault/vaults", "location": "eastus",
     "properties": {"tenantId": T, "enableRbacAuthorization": True, "accessPolicies": []}}])
arm(f"{KV}/secrets", [
    {"id": f"{KV}/secrets/hf-token", "name": "hf-token", "type": "Microsoft.KeyVault/vaults/secrets",
     "properties": {"attributes": {"enabled": True}, "contentType": "text/plain"}}])
print("wrote", OUT)
