//! Where a file sits in the raw snapshot layout (`docs/aws-raw-layout.md`):
//! the one SDK-free module of it that the reader and the collector share
//! (path classification, the name encoder and its decoder).

/// What a file of the layout holds, from its path alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RawFile {
    /// `collection.json`: what `collect` did, call by call.
    Collection,
    /// `organizations/OPERATION[/RESOURCE].json`.
    Org {
        operation: String,
        resource: Option<String>,
    },
    /// `ACCOUNT/global|REGION/SERVICE/OPERATION[/RESOURCE...].json`.
    Account {
        account: String,
        /// `None` for `global/`.
        region: Option<String>,
        service: String,
        operation: String,
        /// The decoded resource names after the operation (usually one).
        resource: Vec<String>,
    },
}

/// Classifies a path by the layout; `None` when it is not one of its files.
/// The last account folder in the path counts, so the layout may sit
/// anywhere (`snapshots/2026-11-24/111122223333/...`).
pub(crate) fn classify(path: &str) -> Option<RawFile> {
    let path = path.replace('\\', "/");
    let stem = path.strip_suffix(".json")?;
    let parts: Vec<&str> = stem.split('/').filter(|p| !p.is_empty()).collect();
    if parts.last() == Some(&"collection") {
        return Some(RawFile::Collection);
    }
    // The account folder is never the file itself
    // (`organizations/list-parents/ACCOUNT.json`).
    let dirs = parts
        .get(..parts.len().saturating_sub(1))
        .unwrap_or_default();
    let acct = dirs.iter().rposition(|p| is_account(p));
    let org = dirs.iter().rposition(|p| *p == "organizations");
    if let Some(i) = acct.filter(|a| org.is_none_or(|o| *a > o)) {
        let rest = parts.get(i + 1..)?;
        let [scope, service, operation, resource @ ..] = rest else {
            return None;
        };
        let region = match *scope {
            "global" => None,
            r if is_region(r) => Some(r.to_string()),
            _ => return None,
        };
        return Some(RawFile::Account {
            account: parts.get(i)?.to_string(),
            region,
            service: service.to_string(),
            operation: operation.to_string(),
            resource: resource.iter().map(|r| decode_name(r)).collect(),
        });
    }
    let i = org?;
    match parts.get(i + 1..)? {
        [operation] => Some(RawFile::Org {
            operation: operation.to_string(),
            resource: None,
        }),
        [operation, resource] => Some(RawFile::Org {
            operation: operation.to_string(),
            resource: Some(decode_name(resource)),
        }),
        _ => None,
    }
}

/// The Organizations calls of the layout, with a key their answer holds.
const ORG_CALLS: [(&str, &str); 9] = [
    ("describe-organization", "\"Organization\""),
    ("list-roots", "\"Roots\""),
    ("list-accounts", "\"Accounts\""),
    ("list-parents", "\"Parents\""),
    ("list-policies", "\"Policies\""),
    ("describe-policy", "\"Policy\""),
    ("list-targets-for-policy", "\"Targets\""),
    (
        "list-organizational-units-for-parent",
        "\"OrganizationalUnits\"",
    ),
    ("list-children", "\"Children\""),
];

/// The `format` of `collection.json`.
pub(crate) const COLLECTION_FORMAT: &str = crate::collection::FORMAT;

/// Whether a file of the layout is AWS's, by its path *and* its content: a
/// generic name (`collection.json`, `…/organizations/x.json`) is not enough.
/// `head` is the start of the file (or all of it). Account files sit under
/// a 12-digit account folder and a region or `global`, which no other
/// provider's layout uses.
pub(crate) fn claims(path: &str, head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if !text.starts_with('{') {
        return false;
    }
    match classify(path) {
        None => false,
        Some(RawFile::Collection) => text.contains(&format!("\"{COLLECTION_FORMAT}\"")),
        Some(RawFile::Org { operation, .. }) => ORG_CALLS
            .iter()
            .any(|(op, key)| *op == operation && text.contains(key)),
        Some(RawFile::Account { .. }) => true,
    }
}

/// A 12-digit AWS account id.
pub(crate) fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-5`, ...
fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| !p.is_empty())
        && parts
            .last()
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_lowercase()))
}

/// A resource name from a file name: the inverse of [`encode_name`]. Every
/// `%XX` escape is decoded (`%2F` is `/`, `%25` is `%`, `%2E` is `.`), and
/// `%00` alone is the empty name.
pub fn decode_name(s: &str) -> String {
    if s == "%00" {
        return String::new();
    }
    percent_decode(s)
}

/// Percent-decoding as the AWS CLI does it for IAM policy documents and as
/// file names need it (Python's `urllib.parse.unquote`): every `%XX` escape
/// is decoded, `+` is kept (IAM encodes a space as `%20`, and `+` is legal
/// in IAM names), a `%` that starts no escape is kept, invalid UTF-8 is
/// replaced. The one decoder of the reader and the collector.
pub fn percent_decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A resource name as a file or folder name of the layout (the collector
/// and `cli-snapshot.sh` write these): `%` is written `%25` and `/` is
/// written `%2F`; nothing else is encoded. A name that would still be
/// special to the file system (empty, `.` or `..`) has its dots written
/// `%2E` (and the empty name `%00`) so that it can never leave its folder.
pub fn encode_name(name: &str) -> String {
    let s = name.replace('%', "%25").replace('/', "%2F");
    match s.as_str() {
        "" => "%00".into(),
        "." | ".." => s.replace('.', "%2E"),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_the_layout() {
        assert_eq!(
            classify("snap/111122223333/global/s3/get-bucket-policy/my%2Fodd%25name.json"),
            Some(RawFile::Account {
                account: "111122223333".into(),
                region: None,
                service: "s3".into(),
                operation: "get-bucket-policy".into(),
                resource: vec!["my/odd%name".into()],
            })
        );
        assert_eq!(
            classify("111122223333/us-gov-west-1/kms/list-keys.json"),
            Some(RawFile::Account {
                account: "111122223333".into(),
                region: Some("us-gov-west-1".into()),
                service: "kms".into(),
                operation: "list-keys".into(),
                resource: vec![],
            })
        );
        assert_eq!(
            classify("x/organizations/describe-policy/p-abc.json"),
            Some(RawFile::Org {
                operation: "describe-policy".into(),
                resource: Some("p-abc".into()),
            })
        );
        assert_eq!(classify("x/collection.json"), Some(RawFile::Collection));
        assert_eq!(
            classify("111122223333/organizations/list-parents/444455556666.json"),
            Some(RawFile::Org {
                operation: "list-parents".into(),
                resource: Some("444455556666".into()),
            })
        );
        assert_eq!(classify("111122223333/nowhere/s3/list-buckets.json"), None);
        assert_eq!(classify("111122223333/global/s3.json"), None);
        assert_eq!(classify("estate.json"), None);
        assert_eq!(classify("111122223333/global/s3/list-buckets.txt"), None);
        assert_eq!(encode_name("a/b%c"), "a%2Fb%25c");
        assert_eq!(decode_name(&encode_name("a/b%c")), "a/b%c");
        // Every name the collector can write reads back as itself.
        for name in [
            "", ".", "..", ".deploy", "../../x", "a%2Fb", "100%", "%zz", "é/ü",
        ] {
            assert_eq!(decode_name(&encode_name(name)), name, "{name}");
        }
        assert_eq!(encode_name(".."), "%2E%2E");
        // `+` is not a space (IAM names may hold it).
        assert_eq!(percent_decode("role%2Fa+b%20c"), "role/a+b c");
        assert_eq!(encode_name(""), "%00");
    }
}
