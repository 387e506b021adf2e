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
        let mut args = crate::shell_words(&cmd);
        if args.first().is_some_and(|c| c == "demo") && !args.iter().any(|a| a == "--report") {
            // The demo writes its report into the working directory.
            args.push("--report".into());
            args.push(format!("{}/demo-report.html", dir.path().display()));
        }
        let mut argv: Vec<&str> = args.iter().map(String::as_str).collect();
        // Commands that read no inputs take no -q.
        let reads_inputs = argv
            .first()
            .is_some_and(|c| !["demo", "gen", "completions", "man"].contains(c));
        if !argv.contains(&"-q") && reads_inputs {
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
