//! The Vault raw layout (docs/vault-raw-layout.md): under a folder named
//! `vault`, `GET PATH` is `PATH.json` and `LIST PATH` is `PATH/LIST.json`,
//! each the HTTP API's response body as it is (with its `request_id`,
//! `data`, … envelope). A namespace's calls sit under its path
//! (`vault/team-a/sys/mounts.json`). The root's `sys/mounts.json` and
//! `sys/auth.json` say which mount each other file belongs to.

/// A Vault API response: its envelope (`request_id`, `lease_duration`), or
/// at least a `data` object, as the API documentation's shortened samples
/// show it.
pub(crate) fn is_response(head: &[u8]) -> bool {
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    if has(b"\"request_id\"") || has(b"\"lease_duration\"") {
        return true;
    }
    // `"data"` followed by `:` and `{` (AzureHound's `data` is an array).
    let text = String::from_utf8_lossy(head);
    text.match_indices("\"data\"").any(|(i, k)| {
        let rest = text[i + k.len()..].trim_start();
        rest.strip_prefix(':')
            .is_some_and(|r| r.trim_start().starts_with('{'))
    })
}

/// An error response (`{"errors":[…]}`): what Vault answers a `LIST` with
/// no keys (404 with no message), a missing path or a refused call.
pub(crate) fn is_error(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.strip_prefix('{')
        .is_some_and(|r| r.trim_start().starts_with("\"errors\""))
}

/// `sys/health`: no envelope, but the cluster's name.
pub(crate) fn is_health(path: &str, head: &[u8]) -> bool {
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    path.replace('\\', "/").ends_with("sys/health.json") && has(b"\"cluster_name\"")
}

/// The positions after each `vault` folder of a path, innermost first.
pub(crate) fn roots(path: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for seg in path.split('/') {
        let end = start + seg.len();
        if seg == "vault" && end < path.len() {
            out.push((&path[..end + 1], &path[end + 1..]));
        }
        start = end + 1;
    }
    out.reverse();
    out
}

/// Whether a path lies in a Vault layout at all.
pub(crate) fn in_layout(path: &str) -> bool {
    !roots(&path.replace('\\', "/")).is_empty()
}

/// A file's call, relative to its root: the namespace-qualified API path
/// without `.json`, and whether it is a `LIST`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Call {
    pub api: String,
    pub list: bool,
}

impl Call {
    pub(crate) fn of(rest: &str) -> Option<Call> {
        let p = rest.strip_suffix(".json")?;
        match p.strip_suffix("/LIST") {
            Some(api) => Some(Call {
                api: api.to_string(),
                list: true,
            }),
            None if p == "LIST" => None,
            None => Some(Call {
                api: p.to_string(),
                list: false,
            }),
        }
    }
}

/// A mount table call (`[NS/]sys/mounts` or `[NS/]sys/auth`): its
/// namespace and whether it lists auth methods.
pub(crate) fn mount_table(api: &str) -> Option<(String, bool)> {
    for (suffix, auth) in [("sys/mounts", false), ("sys/auth", true)] {
        if api == suffix {
            return Some((String::new(), auth));
        }
        if let Some(ns) = api.strip_suffix(&format!("/{suffix}")) {
            return Some((ns.to_string(), auth));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_are_vault_folders_innermost_first() {
        let r = roots("home/vault/x/vault/sys/mounts.json");
        assert_eq!(r[0], ("home/vault/x/vault/", "sys/mounts.json"));
        assert_eq!(r[1], ("home/vault/", "x/vault/sys/mounts.json"));
        assert!(roots("vault").is_empty());
        assert_eq!(
            Call::of("secret/metadata/ml/LIST.json"),
            Some(Call {
                api: "secret/metadata/ml".into(),
                list: true
            })
        );
        assert_eq!(
            mount_table("team-a/sys/auth"),
            Some(("team-a".into(), true))
        );
        assert_eq!(mount_table("sys/mounts"), Some((String::new(), false)));
        assert_eq!(mount_table("secret/sys/mountsx"), None);
    }
}
