//! The README's example commands, run as written (with `blastgraph`
//! replaced by the in-process CLI). Each line of the README that starts
//! with `$ blastgraph ` inside a code block is run and must succeed.

use crate::run;

#[test]
fn every_readme_example_runs() {
    let readme = std::fs::read_to_string("../README.md").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut count = 0;
    for line in readme.lines() {
        let Some(cmd) = line.trim().strip_prefix("$ blastgraph ") else {
            continue;
        };
        // Paths in the README are relative to the repository; tests run in `tests/`.
        let cmd = cmd
            .replace("out/", &format!("{}/", dir.path().display()))
            .replace(" tests/fixtures/", " fixtures/")
            .replace(" connectors/", " ../connectors/");
        let args = split(&cmd);
        let mut argv: Vec<&str> = args.iter().map(String::as_str).collect();
        if !argv.contains(&"-q") && argv.first().is_some_and(|c| *c != "demo" && *c != "gen") {
            argv.push("-q");
        }
        let (code, _, err) = run(&argv);
        assert!(
            code == 0 || code == 3,
            "README example `blastgraph {cmd}` failed: {err}"
        );
        count += 1;
    }
    assert!(count >= 8, "only {count} README examples found");
}

/// Splits a shell-like command line (single and double quotes).
fn split(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (None, ' ') => {
                if !cur.is_empty() || any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            (None, c) => cur.push(c),
        }
    }
    if !cur.is_empty() || any {
        out.push(cur);
    }
    out
}
