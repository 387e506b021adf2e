//! What the terminal gets beyond the answer: colour, progress bars and
//! `--verbose` lines, all on stderr.
//!
//! The binary decides colour and progress once at start ([`setup`]):
//! colour when stderr is a terminal, unless `NO_COLOR` is set to anything
//! non-empty (<https://no-color.org>) or `TERM=dumb`, and always when
//! `CLICOLOR_FORCE` is set to anything but `0` (unless `NO_COLOR` is);
//! progress bars only when stderr is a terminal. A command run in-process
//! (the tests) gets neither unless it asks. `--verbose` is a flag of every
//! command ([`set_verbose`]).

use std::borrow::Cow;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

static COLOR: AtomicBool = AtomicBool::new(false);
static PROGRESS: AtomicBool = AtomicBool::new(false);
thread_local! {
    /// Per thread: in-process runs (the tests) run side by side.
    static VERBOSE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether to colour, from the environment and whether stderr is a terminal.
pub fn color_choice(
    no_color: Option<&str>,
    force: Option<&str>,
    term: Option<&str>,
    tty: bool,
) -> bool {
    if no_color.is_some_and(|v| !v.is_empty()) {
        return false;
    }
    if force.is_some_and(|v| !v.is_empty() && v != "0") {
        return true;
    }
    tty && term != Some("dumb")
}

/// Decides colour and progress for this process (the binary calls it).
pub fn setup() {
    let tty = std::io::stderr().is_terminal();
    let env = |k: &str| std::env::var(k).ok();
    COLOR.store(
        color_choice(
            env("NO_COLOR").as_deref(),
            env("CLICOLOR_FORCE").as_deref(),
            env("TERM").as_deref(),
            tty,
        ),
        Ordering::Relaxed,
    );
    PROGRESS.store(tty, Ordering::Relaxed);
}

/// Turns `--verbose` on or off for the command run on this thread.
pub fn set_verbose(on: bool) {
    VERBOSE.with(|v| v.set(on));
}

/// Whether `--verbose` was given.
pub fn verbose() -> bool {
    VERBOSE.with(std::cell::Cell::get)
}

/// The colours used.
#[derive(Debug, Clone, Copy)]
pub enum Paint {
    /// Errors.
    Red,
    /// Warnings.
    Yellow,
    /// Notes and `--verbose` lines.
    Dim,
}

/// `text` in `paint` when colour is on.
pub fn paint(text: &str, paint: Paint) -> Cow<'_, str> {
    paint_if(COLOR.load(Ordering::Relaxed), text, paint)
}

fn paint_if(on: bool, text: &str, paint: Paint) -> Cow<'_, str> {
    if !on {
        return Cow::Borrowed(text);
    }
    let code = match paint {
        Paint::Red => "1;31",
        Paint::Yellow => "1;33",
        Paint::Dim => "2",
    };
    Cow::Owned(format!("\u{1b}[{code}m{text}\u{1b}[0m"))
}

/// A line of a diagnostic with its severity word coloured
/// (`error[code]: …`, `warning[code]: …`, `error: …`, `note: …`).
pub fn severity_line(line: &str) -> Cow<'_, str> {
    severity_line_if(COLOR.load(Ordering::Relaxed), line)
}

fn severity_line_if(on: bool, line: &str) -> Cow<'_, str> {
    let end = line
        .find(':')
        .filter(|&i| !line[..i].contains(' '))
        .unwrap_or(0);
    let head = &line[..end];
    let paint_of = if head.starts_with("error") {
        Paint::Red
    } else if head.starts_with("warning") {
        Paint::Yellow
    } else if head.starts_with("note") {
        Paint::Dim
    } else {
        return Cow::Borrowed(line);
    };
    match paint_if(on, head, paint_of) {
        Cow::Borrowed(_) => Cow::Borrowed(line),
        Cow::Owned(h) => Cow::Owned(format!("{h}{}", &line[end..])),
    }
}

/// Long work shown as a bar (with a length) or a spinner; hidden unless
/// the binary drew progress on a terminal. Cleared when dropped.
pub struct Work {
    bar: ProgressBar,
    started: Instant,
    what: String,
}

/// A bar (with a length) or spinner on stderr in this template, ticking;
/// drawn only when the binary draws progress and `quiet` is not set.
pub fn progress_bar(len: Option<u64>, template: &str, quiet: bool) -> ProgressBar {
    let target = if PROGRESS.load(Ordering::Relaxed) && !quiet {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(len, target);
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Writes `note: TEXT` to `err`, the word coloured.
pub fn note(err: &mut dyn std::io::Write, text: &str) {
    let _ = writeln!(err, "{}", severity_line(&format!("note: {text}")));
}

impl Work {
    fn new(len: Option<u64>, what: &str, template: &str) -> Work {
        let bar = progress_bar(len, template, false);
        bar.set_message(what.to_string());
        Work {
            bar,
            started: Instant::now(),
            what: what.to_string(),
        }
    }

    /// A bar of `len` steps.
    pub fn bar(len: u64, what: &str) -> Work {
        Work::new(
            Some(len),
            what,
            "{spinner} {msg} {wide_bar} {human_pos}/{human_len} [{elapsed}]",
        )
    }

    /// A spinner.
    pub fn spinner(what: &str) -> Work {
        Work::new(None, what, "{spinner} {msg} [{elapsed}]")
    }

    /// `n` more steps done.
    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Ends the work; with `--verbose`, says how long it took.
    pub fn done(self, err: &mut dyn std::io::Write, detail: &str) {
        self.bar.finish_and_clear();
        if verbose() {
            let took = self.started.elapsed().as_secs_f64();
            note(err, &format!("{}{detail} in {took:.2} s", self.what));
        }
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_no_color_clicolor_force_and_the_terminal() {
        assert!(color_choice(None, None, Some("xterm"), true));
        assert!(!color_choice(None, None, Some("xterm"), false));
        assert!(!color_choice(None, None, Some("dumb"), true));
        assert!(!color_choice(Some("1"), None, None, true));
        // An empty NO_COLOR does not count.
        assert!(color_choice(Some(""), None, None, true));
        assert!(color_choice(None, Some("1"), None, false));
        assert!(!color_choice(None, Some("0"), None, false));
        assert!(!color_choice(Some("1"), Some("1"), None, true));
    }

    #[test]
    fn severity_words_are_painted_and_the_rest_is_left() {
        assert_eq!(
            severity_line_if(true, "error[duplicate-key]: a.json: $.x: duplicate"),
            "\u{1b}[1;31merror[duplicate-key]\u{1b}[0m: a.json: $.x: duplicate"
        );
        assert_eq!(
            severity_line_if(true, "warning: serving on 0.0.0.0"),
            "\u{1b}[1;33mwarning\u{1b}[0m: serving on 0.0.0.0"
        );
        assert_eq!(severity_line_if(true, "wrote a.html"), "wrote a.html");
        assert_eq!(
            severity_line_if(true, "a sentence: with a colon"),
            "a sentence: with a colon"
        );
        assert_eq!(severity_line_if(false, "error: x"), "error: x");
    }
}
