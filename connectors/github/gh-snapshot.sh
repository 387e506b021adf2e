#!/usr/bin/env bash
# Builds the GitHub layout (docs/github-raw-layout.md) of one organisation
# with the GitHub CLI (`gh api`, pages merged) and jq:
#   gh-snapshot.sh OUT_DIR ORG
# Needs a token that may read the organisation's repositories, their
# collaborators, branches, environments and OIDC templates, its app
# installations (org owner) and its fine-grained token grants (org owner,
# `GET /orgs/ORG/personal-access-tokens`). A call that is refused leaves no
# file and is said on stderr.
set -euo pipefail

out="${1:?usage: gh-snapshot.sh OUT_DIR ORG}"
org="${2:?usage: gh-snapshot.sh OUT_DIR ORG}"
command -v jq >/dev/null || { echo "gh-snapshot.sh: jq is needed" >&2; exit 2; }
root="$out/github"

# get API_PATH [JQ_MERGE]: one file per call, pages merged.
get() {
  local dest="$root/$1.json" tmp
  mkdir -p "$(dirname "$dest")"
  tmp="$(mktemp)"
  if gh api --paginate "$1" > "$tmp" 2>/dev/null; then
    # --paginate concatenates pages: merge arrays, or the list field of objects.
    jq -s "${2:-add}" "$tmp" > "$dest"
  else
    echo "gh-snapshot.sh: $1: refused or missing; not written" >&2
  fi
  rm -f "$tmp"
}

get "orgs/$org/repos"
get "orgs/$org/actions/oidc/customization/sub" '.[0]'
get "orgs/$org/installations" '{total_count: (map(.total_count) | max), installations: (map(.installations) | add)}'
get "orgs/$org/personal-access-tokens"

for repo in $(jq -r '.[].name' "$root/orgs/$org/repos.json"); do
  r="repos/$org/$repo"
  get "$r/branches"
  get "$r/collaborators"
  get "$r/environments" '{total_count: (map(.total_count) | max), environments: (map(.environments) | add)}'
  get "$r/actions/oidc/customization/sub" '.[0]'
done

if [ -f "$root/orgs/$org/installations.json" ]; then
  for id in $(jq -r '.installations[] | select(.repository_selection == "selected") | .id' "$root/orgs/$org/installations.json"); do
    # The repositories an installation was given (needs a token that sees them).
    get "user/installations/$id/repositories" '{total_count: (map(.total_count) | max), repositories: (map(.repositories) | add)}'
    if [ -f "$root/user/installations/$id/repositories.json" ]; then
      mkdir -p "$root/installations/$id"
      mv "$root/user/installations/$id/repositories.json" "$root/installations/$id/repositories.json"
    fi
  done
  rm -rf "$root/user"
fi
if [ -f "$root/orgs/$org/personal-access-tokens.json" ]; then
  for id in $(jq -r '.[] | select(.repository_selection == "subset") | .id' "$root/orgs/$org/personal-access-tokens.json"); do
    get "orgs/$org/personal-access-tokens/$id/repositories"
  done
fi
echo "gh-snapshot.sh: wrote $root" >&2
