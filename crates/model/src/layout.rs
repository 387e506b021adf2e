//! Where a file sits in a provider's raw layout.

/// The part of `path` after the innermost folder named `folder`
/// (`a/github/orgs/x.json`, `github` → `orgs/x.json`), `/`-separated;
/// `None` when no such folder holds it. Backslashes count as `/`.
pub fn after_folder(path: &str, folder: &str) -> Option<String> {
    let p = path.replace('\\', "/");
    let inner = format!("/{folder}/");
    let at = match p.rfind(&inner) {
        Some(i) => i + inner.len(),
        None => p
            .strip_prefix(&format!("{folder}/"))
            .map(|_| folder.len() + 1)?,
    };
    Some(p[at..].to_string())
}

#[cfg(test)]
mod tests {
    use super::after_folder;

    #[test]
    fn the_innermost_folder_counts() {
        assert_eq!(
            after_folder("x/github/a/github/orgs/o.json", "github").as_deref(),
            Some("orgs/o.json")
        );
        assert_eq!(
            after_folder("github/orgs/o.json", "github").as_deref(),
            Some("orgs/o.json")
        );
        assert_eq!(
            after_folder("c:\\data\\slack\\T\\f.json", "slack").as_deref(),
            Some("T/f.json")
        );
        assert_eq!(after_folder("mygithub/orgs/o.json", "github"), None);
    }
}
