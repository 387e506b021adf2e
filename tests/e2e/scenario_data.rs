//! Scenarios as data (`tests/scenarios/*/`, see its README): every line of
//! every `queries.txt` is run and its answer compared with the expected
//! file. `BLESS=1` writes the expected files instead.

use std::path::{Path, PathBuf};

/// One case of a `queries.txt`.
struct Case {
    name: String,
    exit: u8,
    args: Vec<String>,
}

fn cases(file: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (head, args) = line
            .split_once(": ")
            .unwrap_or_else(|| panic!("{}:{}: expected `CASE: ARGS`", file.display(), i + 1));
        let (name, exit) = match head.split_once(" (exit ") {
            Some((n, code)) => (n, code.trim_end_matches(')').parse().unwrap()),
            None => (head, 0),
        };
        let mut args = crate::shell_words(args);
        assert!(!args.is_empty(), "{}:{}: no command", file.display(), i + 1);
        args.insert(1, "-q".into());
        out.push(Case {
            name: name.to_string(),
            exit,
            args,
        });
    }
    out
}

fn scenario_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("queries.txt").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_scenario_gives_its_expected_answers() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    for dir in scenario_dirs() {
        for case in cases(&dir.join("queries.txt")) {
            count += 1;
            let args: Vec<&str> = case.args.iter().map(String::as_str).collect();
            let (code, out, err) = crate::run(&args);
            let json = args.windows(2).any(|w| w == ["--format", "json"]);
            let answer = if case.exit == 0 { out } else { err.clone() };
            let expected = dir.join("expected").join(format!(
                "{}.{}",
                case.name,
                if json { "json" } else { "txt" }
            ));
            let label = format!("{}: {}", dir.display(), case.name);
            if code != case.exit {
                failures.push(format!(
                    "{label}: exit {code}, expected {}: {err}",
                    case.exit
                ));
                continue;
            }
            if bless {
                std::fs::create_dir_all(dir.join("expected")).unwrap();
                std::fs::write(&expected, &answer).unwrap();
                continue;
            }
            match std::fs::read_to_string(&expected) {
                Ok(want) if want == answer => {}
                Ok(want) => failures.push(format!(
                    "{label}: the answer differs from {}\n--- expected\n{want}\n--- got\n{answer}",
                    expected.display()
                )),
                Err(_) => failures.push(format!(
                    "{label}: no {} (BLESS=1 writes it)",
                    expected.display()
                )),
            }
        }
    }
    assert!(count >= 7, "only {count} scenario cases found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn query_lines_split_like_a_shell() {
    assert_eq!(
        crate::shell_words("what-if --revoke 'a->b c' -c \"x y\" ''"),
        ["what-if", "--revoke", "a->b c", "-c", "x y", ""]
    );
}
