//! Credentials in text: the recognisers `blast --leaked` and
//! `--inspect-secret-values` share. Each keeps only what an answer may
//! show: the kind, the line, an identifier that is not secret (an AWS
//! access key id, an Entra client id), and a shape (`ghp_…`, 40
//! characters). The value itself is dropped as soon as it is recognised.

use serde::{Deserialize, Serialize};

/// Every kind a [`Finding`] may have.
pub const KINDS: &[&str] = &[
    "aws access key",
    "aws temporary access key",
    "entra client secret",
    "github token",
    "github fine-grained token",
    "slack token",
    "anthropic api key",
    "openai api key",
    "vault token",
    "private key",
    "database connection string",
];

/// The kind of that name, as [`Finding::kind`] holds it.
pub fn kind_named(name: &str) -> Option<&'static str> {
    KINDS.iter().copied().find(|k| *k == name)
}

/// The `format` of an inspected-values file: what a live collector run
/// with `--inspect-secret-values` found in the values it read, written
/// beside the layout instead of the values (`DIR/vault/blastgraph-inspected.json`).
pub const INSPECTED_FORMAT: &str = "blastgraph-inspected-values";

/// The name of an inspected-values file, at the root of a provider's layout.
pub const INSPECTED_FILE: &str = "blastgraph-inspected.json";

/// Whether a file is an inspected-values file: by its name *and* its
/// `format` (`head` is the start of the file).
pub fn is_inspected_file(path: &str, head: &[u8]) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let head = head.get(..head.len().min(512)).unwrap_or(head);
    name == INSPECTED_FILE && String::from_utf8_lossy(head).contains(INSPECTED_FORMAT)
}

/// An inspected-values file: per secret, the credentials its value holds,
/// each by its kind, its public identifier and its shape. Never a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectedFile {
    /// [`INSPECTED_FORMAT`].
    pub format: String,
    /// The secrets read whose values hold a credential.
    pub inspected: Vec<InspectedSecret>,
}

impl InspectedFile {
    /// The file of these findings, as the JSON a collector writes.
    pub fn json(inspected: Vec<InspectedSecret>) -> serde_json::Value {
        let file = InspectedFile {
            format: INSPECTED_FORMAT.to_string(),
            inspected,
        };
        // Strings and arrays only: serialising it cannot fail.
        serde_json::to_value(&file).unwrap_or_default()
    }
}

/// One secret of an [`InspectedFile`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectedSecret {
    /// The call that read it, as the layout names it (a Vault API path:
    /// `secret/data/ci/deploy-creds`).
    pub secret: String,
    /// What its value holds.
    pub found: Vec<InspectedCredential>,
}

/// One credential an inspected value holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectedCredential {
    /// [`Finding::kind`].
    pub kind: String,
    /// What identifies it offline (an AWS access key id, an Entra client
    /// id); never the secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// [`Finding::shown`].
    pub shown: String,
}

/// One entry of an inspected-values file, as a connector reads it.
#[derive(Debug, Clone)]
pub struct InspectedEntry {
    /// The secret, as the layout names it (see [`InspectedSecret::secret`]).
    pub secret: String,
    /// The entry's place in the file (`$.inspected[0]`).
    pub at: String,
    /// What its value holds, each with its place in the file.
    pub found: Vec<(Finding, String)>,
}

/// Reads an inspected-values file ([`InspectedFile`]) for a connector. With
/// `--inspect-secret-values`, its entries; a bad record or an unknown kind
/// is reported and the others kept. Without the flag, none: a link made by
/// value inspection exists only with the flag, and the file is said to be
/// skipped.
pub fn read_inspected_file(
    top: &crate::json::Obj<'_>,
    out: &mut crate::EstateBuilder,
) -> Vec<InspectedEntry> {
    use crate::json::{RecordError, for_each_record};
    let mut entries = Vec::new();
    if !out.inspect_values() {
        out.warning(
            "$",
            "what a collection found in secret values (--inspect-secret-values); it links secrets only with that flag; file skipped",
        );
        return entries;
    }
    for_each_record(top, "inspected", out, |s, out| {
        let secret = s.req_str("secret")?.to_string();
        let mut found = Vec::new();
        for_each_record(s, "found", out, |f, out| {
            let name = f.req_str("kind")?;
            let Some(kind) = kind_named(name) else {
                out.warning(
                    f.at("kind"),
                    format!("unknown credential kind `{name}`; skipped"),
                );
                return Ok(());
            };
            let finding = Finding {
                line: 0,
                kind,
                shown: f.req_str("shown")?.to_string(),
                node: None,
                unplaced: None,
                key: f.opt_str("key")?.map(str::to_string),
            };
            found.push((finding, f.path.clone()));
            Ok::<(), RecordError>(())
        });
        entries.push(InspectedEntry {
            secret,
            at: s.path.clone(),
            found,
        });
        Ok::<(), RecordError>(())
    });
    entries
}

impl From<&Finding> for InspectedCredential {
    fn from(f: &Finding) -> Self {
        InspectedCredential {
            kind: f.kind.to_string(),
            key: f.key.clone(),
            shown: f.shown.clone(),
        }
    }
}

/// One credential found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// 1-based line.
    pub line: usize,
    /// What it is (`aws access key`, `entra client secret`, ...).
    pub kind: &'static str,
    /// What may be shown: a public identifier, or the prefix and length.
    pub shown: String,
    /// The node it was placed on (its id), when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// Why it was not placed, when it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unplaced: Option<String>,
    /// What identifies it offline (never the secret).
    #[serde(skip)]
    pub key: Option<String>,
}

fn is_delim(c: char) -> bool {
    c.is_whitespace() || "\"'`=,;()<>[]{}|".contains(c)
}

fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

fn shape(prefix: &str, value: &str) -> String {
    format!("{prefix}… ({} characters)", value.chars().count())
}

/// The credentials of a secret's value. A value that is a JSON object (how
/// Secrets Manager, Key Vault and Vault secrets usually hold several
/// fields) is read one key per line, so that a client id and its secret
/// are near; anything else is read as text.
pub fn scan_value(value: &str) -> Vec<Finding> {
    let pretty = serde_json::from_str::<serde_json::Value>(value)
        .ok()
        .filter(serde_json::Value::is_object)
        .and_then(|v| serde_json::to_string_pretty(&v).ok());
    scan(pretty.as_deref().unwrap_or(value))
}

/// The credentials of a text, in line order.
pub fn scan(text: &str) -> Vec<Finding> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut in_key = false;
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        let mut push = |kind: &'static str, shown: String, key: Option<String>| {
            out.push(Finding {
                line: n,
                kind,
                shown,
                node: None,
                unplaced: None,
                key,
            });
        };
        if line.contains("-----BEGIN") && line.contains("PRIVATE KEY-----") {
            if !in_key {
                push("private key", "-----BEGIN … PRIVATE KEY-----".into(), None);
            }
            in_key = !line.contains("-----END");
            continue;
        }
        if in_key {
            in_key = !line.contains("-----END");
            continue;
        }
        // Connection strings with a password: scheme://user:password@host.
        for scheme in [
            "postgres://",
            "postgresql://",
            "mysql://",
            "mongodb://",
            "mongodb+srv://",
            "redis://",
            "sqlserver://",
            "amqp://",
        ] {
            if let Some(at) = line.find(scheme) {
                let rest = &line[at + scheme.len()..];
                let end = rest.find(is_delim).unwrap_or(rest.len());
                let auth = &rest[..end];
                if let Some((userinfo, host)) = auth.split_once('@')
                    && userinfo.contains(':')
                {
                    let host = host.split(['/', '?']).next().unwrap_or("");
                    push(
                        "database connection string",
                        format!("{scheme}…@{host}"),
                        None,
                    );
                }
            }
        }
        for word in line.split(is_delim).filter(|w| !w.is_empty()) {
            let w = word.trim_end_matches(['.', ':']);
            let b = w.as_bytes();
            let upper_alnum = |s: &str| {
                s.bytes()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            };
            // Access key ids are AKIA (ABIA, ACCA) and 16 or more upper-case
            // letters and digits (20 in all today; the API allows up to 128).
            if (16..=128).contains(&b.len())
                && ["AKIA", "ABIA", "ACCA"].iter().any(|p| w.starts_with(p))
                && upper_alnum(w)
            {
                push("aws access key", w.to_string(), Some(w.to_string()));
            } else if (16..=128).contains(&b.len()) && w.starts_with("ASIA") && upper_alnum(w) {
                push("aws temporary access key", w.to_string(), None);
            } else if ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
                .iter()
                .any(|p| w.starts_with(p))
                && b.len() >= 40
            {
                push("github token", shape(&w[..4], w), None);
            } else if w.starts_with("github_pat_") && b.len() >= 80 {
                push("github fine-grained token", shape("github_pat_", w), None);
            } else if ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-"]
                .iter()
                .any(|p| w.starts_with(p))
                && b.len() >= 20
            {
                push("slack token", shape(&w[..5], w), None);
            } else if w.starts_with("sk-ant-") && b.len() >= 40 {
                push("anthropic api key", shape("sk-ant-", w), None);
            } else if w.starts_with("sk-") && b.len() >= 40 {
                let p = if w.starts_with("sk-proj-") {
                    "sk-proj-"
                } else {
                    "sk-"
                };
                push("openai api key", shape(p, w), None);
            } else if (w.starts_with("hvs.") || w.starts_with("hvb.")) && b.len() >= 24 {
                push("vault token", shape(&w[..4], w), None);
            } else if (37..=40).contains(&b.len())
                && b[3].is_ascii_digit()
                && &w[4..6] == "Q~"
                && w.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"_~.-".contains(&c))
            {
                // An Entra client secret: its client id is a GUID near it.
                let near = lines
                    .iter()
                    .skip(i.saturating_sub(3))
                    .take(7)
                    .flat_map(|l| l.split(is_delim))
                    .find(|x| is_guid(x))
                    .map(|g| g.to_ascii_lowercase());
                push("entra client secret", shape(&w[..3], w), near);
            }
        }
    }
    out
}

/// Whether a node is what a credential names by its public identifier
/// (`key`): an AWS access key by its id (the node's name, or the last part
/// of its id), an Entra client secret by the client id on its service
/// principal (`azure:app_id` tag). Other kinds carry no such identifier.
pub fn identifies(
    kind: &str,
    key: Option<&str>,
    node: (&str, &str, &str),
    tags: &std::collections::BTreeMap<String, String>,
) -> bool {
    let (id, name, node_kind) = node;
    match (kind, key) {
        ("aws access key", Some(k)) => {
            node_kind == "aws:access_key" && (name == k || id.ends_with(&format!("/{k}")))
        }
        ("entra client secret", Some(client)) => tags
            .get("azure:app_id")
            .is_some_and(|a| a.eq_ignore_ascii_case(client)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_recognised_and_no_secret_is_kept() {
        let text = "\
2026-11-30 export AWS_ACCESS_KEY_ID=AKIAEXAMPLELEGACY01 AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYSEEDEDKEY01
client_id: ac3e000d-0000-4000-8000-00000000aaaa
client_secret: \"Abc8Q~SEEDEDAZURESECRETvalue_0123456789.\"
token=ghp_SEEDEDGITHUBTOKEN0123456789abcdefghij
SLACK=xoxb-1234-SEEDEDSLACK-abcdef
OPENAI_API_KEY=sk-proj-SEEDEDOPENAIKEY0123456789abcdefghijklmnopq
DATABASE_URL=postgres://app:SEEDEDDBPASSWORD@db.internal:5432/app
-----BEGIN RSA PRIVATE KEY-----
MIIEowSEEDEDPRIVATEKEY
-----END RSA PRIVATE KEY-----
VAULT_TOKEN=hvs.SEEDEDVAULTTOKEN0123456789ab
not a key: AKIA-too-short, sk-, ghp_x
";
        let found = scan(text);
        let kinds: Vec<&str> = found.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [
                "aws access key",
                "entra client secret",
                "github token",
                "slack token",
                "openai api key",
                "database connection string",
                "private key",
                "vault token",
            ]
        );
        let all = format!("{found:?}");
        for seed in [
            "SEEDEDKEY01",
            "SEEDEDAZURE",
            "SEEDEDGITHUB",
            "SEEDEDSLACK",
            "SEEDEDOPENAI",
            "SEEDEDDBPASSWORD",
            "SEEDEDPRIVATE",
            "SEEDEDVAULT",
        ] {
            assert!(!all.contains(seed), "{seed} kept: {all}");
        }
        assert_eq!(found[0].shown, "AKIAEXAMPLELEGACY01");
        assert_eq!(
            found[1].key.as_deref(),
            Some("ac3e000d-0000-4000-8000-00000000aaaa")
        );
        assert_eq!(found[5].shown, "postgres://…@db.internal:5432");
        // Every kind found has its name in KINDS (an inspected-values file
        // names kinds by it), and what such a file keeps holds no seed.
        assert!(found.iter().all(|f| kind_named(f.kind) == Some(f.kind)));
        let kept: Vec<InspectedCredential> = found.iter().map(Into::into).collect();
        let kept = serde_json::to_string(&kept).unwrap_or_default();
        assert!(!kept.contains("SEEDED"), "{kept}");
        assert_eq!(kind_named("a kind of our own"), None);
    }

    #[test]
    fn an_inspected_file_is_read_only_with_the_flag_and_bad_entries_are_said() {
        let doc = serde_json::json!({"format": INSPECTED_FORMAT, "inspected": [
            {"secret": "secret/data/a", "found": [
                {"kind": "aws access key", "key": "AKIAEXAMPLE000000001", "shown": "AKIAEXAMPLE000000001"},
                {"kind": "a kind of our own", "shown": "x"},
                {"kind": "github token"}]},
            {"found": []},
        ]});
        let top = crate::json::Obj::new(&doc, "$".into()).unwrap_or_else(|e| panic!("{e:?}"));
        let mut b = crate::EstateBuilder::new();
        assert!(read_inspected_file(&top, &mut b).is_empty());
        b.set_inspect_values(true);
        let entries = read_inspected_file(&top, &mut b);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].secret, "secret/data/a");
        assert_eq!(entries[0].found.len(), 1);
        assert_eq!(entries[0].found[0].0.kind, "aws access key");
        assert_eq!(entries[0].found[0].1, "$.inspected[0].found[0]");
        let said: Vec<String> = b
            .finish()
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect();
        for want in [
            "file skipped",
            "unknown credential kind",
            "$.inspected[0].found[2]",
            "$.inspected[1]",
        ] {
            assert!(said.iter().any(|d| d.contains(want)), "{want}: {said:#?}");
        }
    }

    #[test]
    fn a_json_value_is_read_one_key_per_line() {
        // A JSON object's fields, as Secrets Manager and Key Vault hold them.
        let value = r#"{"client_id":"ac3e000d-0000-4000-8000-00000000aaaa","client_secret":"Abc8Q~SEEDEDAZURESECRETvalue_0123456789.","note":"rotated"}"#;
        let found = scan_value(value);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].key.as_deref(),
            Some("ac3e000d-0000-4000-8000-00000000aaaa")
        );
        // Text that is not a JSON object is read as it is.
        assert_eq!(scan_value("AKIAEXAMPLELEGACY01")[0].kind, "aws access key");
    }
}
