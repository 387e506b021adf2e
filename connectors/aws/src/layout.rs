//! Where a file sits in the raw snapshot layout (`docs/aws-raw-layout.md`).

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

/// A resource name from a file name: `%2F` is `/`, `%25` is `%`.
pub(crate) fn decode_name(s: &str) -> String {
    s.replace("%2F", "/")
        .replace("%2f", "/")
        .replace("%25", "%")
}

/// The file name of a resource name (the inverse of `decode_name`).
pub fn encode_name(s: &str) -> String {
    s.replace('%', "%25").replace('/', "%2F")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
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
    }
}
