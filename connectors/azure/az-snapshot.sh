#!/usr/bin/env bash
# The Azure raw layout (docs/azure-raw-layout.md) made with the Azure CLI
# alone: one `az rest` GET per call, every page followed (`@odata.nextLink`,
# `nextLink`, `@nextLink`) and merged into one `value` array, the body kept
# as the API returns it, written to the file the call's path names:
#   https://graph.microsoft.com/v1.0/PATH       -> OUT_DIR/graph/v1.0/PATH.json
#   https://management.azure.com/PATH           -> OUT_DIR/arm/PATH.json
#
# Usage: az-snapshot.sh OUT_DIR [SUBSCRIPTION-ID...]
#   (no subscription: every subscription `GET /subscriptions` lists)
#   GRAPH_URL, ARM_URL   other endpoints (sovereign clouds, a test server)
#   `az login` first; reading needs Directory.Read.All (or Global Reader),
#   RoleManagement.Read.Directory, Application.Read.All, and Reader on the
#   subscriptions (Key Vault secret *names* need Microsoft.KeyVault/vaults/secrets/read).
#
# Metadata only: no secret values, no keys. Credentials of applications and
# service principals are listed by Graph as metadata (hint, dates, key id);
# `secretText` is never returned by a GET.
#
# Needs jq. A failed call is reported on stderr and leaves no file; the
# script goes on and exits 0.
set -uo pipefail

out=${1:?usage: az-snapshot.sh OUT_DIR [SUBSCRIPTION-ID...]}
shift
subs=("$@")
graph=${GRAPH_URL:-https://graph.microsoft.com}
arm=${ARM_URL:-https://management.azure.com}
command -v jq >/dev/null || { echo "az-snapshot.sh needs jq" >&2; exit 2; }

# GET every page of URL into FILE: `fetch FILE URL`.
fetch() {
  local file=$1 url=$2 page next first=1
  mkdir -p "$(dirname "$file")"
  : >"$file.pages"
  while [ -n "$url" ]; do
    if ! page=$(az rest --method get --url "$url" 2>"$file.err"); then
      echo "failed: GET $url: $(tr '\n' ' ' <"$file.err")" >&2
      rm -f "$file.pages" "$file.err"
      return 1
    fi
    printf '%s\n' "$page" >>"$file.pages"
    next=$(printf '%s' "$page" | jq -r '.["@odata.nextLink"] // .nextLink // .["@nextLink"] // empty')
    url=$next
    first=0
  done
  # Pages merged: the first page's other fields, every page's `value`.
  if jq -s 'if (.[0] | type) == "object" and (.[0] | has("value"))
            then (.[0] | del(.["@odata.nextLink"], .nextLink, .["@nextLink"])) + {value: [.[].value[]]}
            else .[0] end' "$file.pages" >"$file.part"; then
    mv "$file.part" "$file"
  else
    echo "failed: GET $2: the response is not JSON" >&2
    rm -f "$file.part"
  fi
  rm -f "$file.pages" "$file.err"
  [ "$first" = 0 ]
}

g() { fetch "$out/graph/v1.0/$1.json" "$graph/v1.0/$1${2:+?$2}"; }
a() { fetch "$out/arm/$1.json" "$arm/$1?api-version=$2"; }
ids() { jq -r '.value[]?.id // empty' "$1" 2>/dev/null; }

# ---- Microsoft Graph
g organization
g users '$select=id,displayName,userPrincipalName,accountEnabled,userType,onPremisesSyncEnabled'
g groups '$select=id,displayName,securityEnabled,mailEnabled,isAssignableToRole,groupTypes,membershipRule'
g directory/administrativeUnits
g applications
g servicePrincipals
g oauth2PermissionGrants
g roleManagement/directory/roleDefinitions
g roleManagement/directory/roleAssignments
g roleManagement/directory/roleEligibilitySchedules
for id in $(ids "$out/graph/v1.0/groups.json"); do
  g "groups/$id/members" '$select=id'
  g "groups/$id/owners" '$select=id'
done
for id in $(ids "$out/graph/v1.0/directory/administrativeUnits.json"); do
  g "directory/administrativeUnits/$id/members" '$select=id'
done
for id in $(ids "$out/graph/v1.0/applications.json"); do
  g "applications/$id/owners" '$select=id'
  g "applications/$id/federatedIdentityCredentials"
done
for id in $(ids "$out/graph/v1.0/servicePrincipals.json"); do
  g "servicePrincipals/$id/owners" '$select=id'
done
# Application permissions: the assignments to every API that defines app roles.
for id in $(jq -r '.value[]? | select((.appRoles // []) | length > 0) | .id' \
    "$out/graph/v1.0/servicePrincipals.json" 2>/dev/null); do
  g "servicePrincipals/$id/appRoleAssignedTo"
done

# ---- Azure Resource Manager
tenant=$(jq -r '.value[0].id // empty' "$out/graph/v1.0/organization.json" 2>/dev/null)
a providers/Microsoft.Management/managementGroups 2023-04-01
[ -n "$tenant" ] && a "providers/Microsoft.Management/managementGroups/$tenant/descendants" 2023-04-01
for mg in $(jq -r '.value[]?.name // empty' "$out/arm/providers/Microsoft.Management/managementGroups.json" 2>/dev/null); do
  a "providers/Microsoft.Management/managementGroups/$mg/providers/Microsoft.Authorization/roleAssignments" 2022-04-01
done
a subscriptions 2022-12-01
if [ ${#subs[@]} -eq 0 ]; then
  mapfile -t subs < <(jq -r '.value[]?.subscriptionId // empty' "$out/arm/subscriptions.json" 2>/dev/null)
fi
# Resource lists of a subscription: PROVIDER/TYPE API-VERSION.
lists=(
  "Microsoft.KeyVault/vaults 2023-07-01"
  "Microsoft.Storage/storageAccounts 2023-05-01"
  "Microsoft.DocumentDB/databaseAccounts 2024-11-15"
  "Microsoft.CognitiveServices/accounts 2024-10-01"
  "Microsoft.MachineLearningServices/workspaces 2024-04-01"
  "Microsoft.MachineLearningServices/registries 2024-04-01"
  "Microsoft.ManagedIdentity/userAssignedIdentities 2023-01-31"
  "Microsoft.Compute/virtualMachines 2024-07-01"
  "Microsoft.Compute/virtualMachineScaleSets 2024-07-01"
  "Microsoft.Web/sites 2023-12-01"
  "Microsoft.Logic/workflows 2019-05-01"
  "Microsoft.Automation/automationAccounts 2023-11-01"
  "Microsoft.ContainerInstance/containerGroups 2023-05-01"
  "Microsoft.ContainerService/managedClusters 2024-09-01"
)
for s in "${subs[@]}"; do
  p="subscriptions/$s"
  a "$p/resourcegroups" 2022-12-01
  a "$p/providers/Microsoft.Authorization/roleDefinitions" 2022-04-01
  a "$p/providers/Microsoft.Authorization/roleAssignments" 2022-04-01
  a "$p/providers/Microsoft.Authorization/roleEligibilityScheduleInstances" 2020-10-01
  a "$p/providers/Microsoft.Authorization/denyAssignments" 2022-04-01
  for l in "${lists[@]}"; do
    set -- $l
    a "$p/providers/$1" "$2"
  done
  d="$out/arm/$p/providers"
  for id in $(ids "$d/Microsoft.KeyVault/vaults.json"); do a "${id#/}/secrets" 2023-07-01; done
  for id in $(ids "$d/Microsoft.Storage/storageAccounts.json"); do
    a "${id#/}/blobServices/default/containers" 2023-05-01
  done
  for id in $(ids "$d/Microsoft.DocumentDB/databaseAccounts.json"); do
    for sub in sqlDatabases sqlRoleDefinitions sqlRoleAssignments; do a "${id#/}/$sub" 2024-11-15; done
  done
  for id in $(ids "$d/Microsoft.CognitiveServices/accounts.json"); do a "${id#/}/deployments" 2024-10-01; done
  for id in $(ids "$d/Microsoft.MachineLearningServices/registries.json"); do a "${id#/}/models" 2024-04-01; done
  for id in $(ids "$d/Microsoft.MachineLearningServices/workspaces.json"); do
    for sub in models computes; do a "${id#/}/$sub" 2024-04-01; done
  done
  for id in $(ids "$d/Microsoft.ManagedIdentity/userAssignedIdentities.json"); do
    a "${id#/}/federatedIdentityCredentials" 2023-01-31
  done
done
exit 0
