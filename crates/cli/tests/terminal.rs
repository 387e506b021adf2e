//! What the terminal gets, tried on the binary as a user runs it: colour
//! follows `NO_COLOR` and `CLICOLOR_FORCE`, and progress bars never reach a
//! pipe or a file.
#![expect(
    clippy::panic,
    reason = "a test fails loudly on what it does not expect"
)]

use std::process::{Command, Output};

fn blastgraph(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_blastgraph"));
    c.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap_or_else(|e| panic!("run: {e}"))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn colour_is_forced_by_clicolor_force_and_refused_by_no_color() {
    let args = ["blast", "--compromise", "nobody-at-all"];
    // A pipe, nothing set: plain.
    let plain = blastgraph(&args, &[]);
    assert_eq!(plain.status.code(), Some(2));
    assert!(
        stderr(&plain).starts_with("note: no --input given"),
        "{}",
        stderr(&plain)
    );
    assert!(!stderr(&plain).contains('\u{1b}'));
    // Forced: the severity words are painted.
    let forced = blastgraph(&args, &[("CLICOLOR_FORCE", "1")]);
    assert!(
        stderr(&forced).contains("\u{1b}[1;31merror\u{1b}[0m: --compromise `nobody-at-all`"),
        "{}",
        stderr(&forced)
    );
    // NO_COLOR wins over CLICOLOR_FORCE.
    let refused = blastgraph(&args, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!stderr(&refused).contains('\u{1b}'), "{}", stderr(&refused));
    assert_eq!(stderr(&refused), stderr(&plain));
}

#[test]
fn no_progress_bar_reaches_a_pipe_and_verbose_says_each_step() {
    let o = blastgraph(&["rank", "--top", "1", "-v"], &[]);
    assert!(o.status.success());
    let err = stderr(&o);
    // No spinner frames or carriage returns: stderr is a pipe.
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
    for step in [
        "note: ranking (firm and possible reach): ",
        " identities in ",
    ] {
        assert!(err.contains(step), "{step}: {err}");
    }
    // Without --verbose, no timing line.
    let quiet = blastgraph(&["rank", "--top", "1"], &[]);
    assert!(!stderr(&quiet).contains("ranking"), "{}", stderr(&quiet));
}
