#!/usr/bin/env bash
# Builds the Vault raw layout (docs/vault-raw-layout.md) with curl and jq:
#   VAULT_ADDR=https://vault.example:8200 VAULT_TOKEN=... vault-snapshot.sh OUT_DIR
# VAULT_NAMESPACE (Enterprise) reads one namespace, written under
# OUT_DIR/vault/NAMESPACE/. VAULT_CACERT is passed to curl as --cacert.
#
# Each file is the API's response body as it is: `GET PATH` →
# vault/PATH.json, `LIST PATH` → vault/PATH/LIST.json. An error body
# (a refused call, an empty listing) is written too: blastgraph reads it as
# a gap it names, or as nothing. Secret values are never requested: KV
# mounts are listed and their metadata read, never `data/`.
set -euo pipefail

out="${1:?usage: vault-snapshot.sh OUT_DIR}"
: "${VAULT_ADDR:?set VAULT_ADDR}"
: "${VAULT_TOKEN:?set VAULT_TOKEN}"
command -v jq >/dev/null || { echo "vault-snapshot.sh: jq is needed" >&2; exit 2; }
addr="${VAULT_ADDR%/}"
ns="${VAULT_NAMESPACE:-}"
ns="${ns#/}"; ns="${ns%/}"
root="$out/vault${ns:+/$ns}"
curl_opts=(-sS -H "X-Vault-Token: $VAULT_TOKEN")
[ -n "$ns" ] && curl_opts+=(-H "X-Vault-Namespace: $ns")
[ -n "${VAULT_CACERT:-}" ] && curl_opts+=(--cacert "$VAULT_CACERT")

# One path segment per argument, URL-encoded for the request.
enc() { jq -rn --arg p "$1" '$p | split("/") | map(@uri) | join("/")'; }

# fetch API_PATH FILE [QUERY]
fetch() {
  mkdir -p "$(dirname "$2")"
  curl "${curl_opts[@]}" -o "$2" "$addr/v1/$(enc "$1")${3:-}" || {
    echo "vault-snapshot.sh: $1: request failed" >&2
    return 0
  }
}
get() { fetch "$1" "$root/$1.json"; }
list() { fetch "$1" "$root/$1/LIST.json" "?list=true"; }
# The keys of a LIST file (none for an error body).
keys() { jq -r '(.data.keys // [])[]' "$root/$1/LIST.json" 2>/dev/null || true; }

fetch "sys/health" "$root/sys/health.json" "?standbyok=true&perfstandbyok=true"
get sys/mounts
get sys/auth

list sys/policies/acl
for p in $(keys sys/policies/acl); do
  [ "$p" = root ] || get "sys/policies/acl/$p"
done

for kind in entity group; do
  list "identity/$kind/id"
  for id in $(keys "identity/$kind/id"); do get "identity/$kind/id/$id"; done
done

# Auth methods: `PATH/ TYPE` pairs.
jq -r '(.data // .) | to_entries[] | select(.key|endswith("/")) | "\(.key) \(.value.type)"' \
  "$root/sys/auth.json" | while read -r path type; do
  m="auth/${path%/}"
  case "$type" in
    approle|jwt|oidc|kubernetes|aws)
      case "$type" in jwt|oidc|kubernetes) get "$m/config" ;; esac
      list "$m/role"
      for r in $(keys "$m/role"); do
        get "$m/role/$r"
        # An AppRole's role id names its logins' entity alias.
        if [ "$type" = approle ]; then get "$m/role/$r/role-id"; fi
      done
      ;;
    userpass)
      list "$m/users"
      for u in $(keys "$m/users"); do get "$m/users/$u"; done
      ;;
  esac
done

# A KV listing, recursively: folders end in `/`.
walk() { # walk LIST_PREFIX META_PREFIX
  list "$1"
  keys "$1" | while IFS= read -r k; do
    case "$k" in
      */) walk "$1/${k%/}" "${2:+$2/${k%/}}" ;;
      *) if [ -n "$2" ]; then get "$2/$k"; fi ;;
    esac
  done
}

jq -r '(.data // .) | to_entries[] | select(.key|endswith("/")) | "\(.key) \(.value.type) \(.value.options.version // "1")"' \
  "$root/sys/mounts.json" | while read -r path type version; do
  m="${path%/}"
  case "$type" in
    kv|generic)
      if [ "$version" = 2 ]; then walk "$m/metadata" "$m/metadata"; else walk "$m" ""; fi
      ;;
    aws)
      list "$m/roles"
      for r in $(keys "$m/roles"); do get "$m/roles/$r"; done
      ;;
    database)
      for what in config roles static-roles; do
        list "$m/$what"
        for r in $(keys "$m/$what"); do get "$m/$what/$r"; done
      done
      ;;
  esac
done
echo "vault-snapshot.sh: wrote $root" >&2
