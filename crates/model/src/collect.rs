//! Live collection: what a provider's collector offers the command line.
//!
//! A provider that can collect live implements [`Collector`] in its live
//! crate (behind that crate's feature, so the SDKs stay out of the default
//! build). The CLI's provider registry turns each collector into a
//! `blastgraph collect <provider>` subcommand: the arguments are the
//! collector's own ([`Collector::command`]), the CLI adds `--quiet` and the
//! progress bar. A collector writes the provider's raw snapshot layout and
//! returns a summary for the user; it never prints.

/// Progress of a collection, for a progress bar (the library never prints).
pub trait Progress {
    /// A stage begins (`111122223333 us-east-1`, `tenant contoso`, ...).
    fn stage(&self, _what: &str) {}
    /// A call is about to be made.
    fn call_started(&self, _service: &str, _operation: &str) {}
    /// A call is done (whatever its outcome).
    fn call_done(&self) {}
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;
impl Progress for NoProgress {}

/// Why a collection stopped (a failed call does not stop it: collectors
/// record those in their manifest).
pub type CollectError = Box<dyn std::error::Error + Send + Sync>;

/// A provider's live collector.
pub trait Collector: Sync {
    /// The `collect <provider>` subcommand: named after the provider, with
    /// the collector's arguments (credentials, scope, `-o DIR`).
    fn command(&self) -> clap::Command;

    /// Collects with the arguments parsed by [`Collector::command`]; `tool`
    /// is the collecting program and version, for the manifest. Returns the
    /// summary to show the user.
    fn collect(
        &self,
        args: &clap::ArgMatches,
        tool: &str,
        progress: &dyn Progress,
    ) -> Result<String, CollectError>;
}

/// The `-o/--output DIR` every collector takes; `help` says where under
/// `DIR` its layout goes.
pub fn output_arg(help: &'static str) -> clap::Arg {
    clap::Arg::new("output")
        .short('o')
        .long("output")
        .value_name("DIR")
        .required(true)
        .value_parser(clap::value_parser!(std::path::PathBuf))
        .help(help)
}

/// The folder [`output_arg`] parsed.
pub fn output_of(args: &clap::ArgMatches) -> Result<std::path::PathBuf, CollectError> {
    Ok(args
        .get_one::<std::path::PathBuf>("output")
        .cloned()
        .ok_or("-o DIR is required")?)
}

/// `--inspect-secret-values` for a collector that can read values in
/// memory; `what` names them ("each KV secret's value").
pub fn inspect_arg(what: &str) -> clap::Arg {
    clap::Arg::new("inspect-secret-values")
        .long("inspect-secret-values")
        .action(clap::ArgAction::SetTrue)
        .help(format!(
            "Also read {what}, in memory only, and write which credentials it holds \
             (never the value) to {}",
            crate::credentials::INSPECTED_FILE
        ))
}

/// Whether [`inspect_arg`] was given.
pub fn inspect_of(args: &clap::ArgMatches) -> bool {
    args.get_flag("inspect-secret-values")
}

/// Writes what a collection found in values ([`crate::credentials::InspectedFile`])
/// to `rel`.
pub fn write_inspected(
    out_dir: &std::path::Path,
    rel: &str,
    inspected: Vec<crate::credentials::InspectedSecret>,
) -> Result<(), CollectError> {
    write_json(
        out_dir,
        rel,
        &crate::credentials::InspectedFile::json(inspected),
    )
}

/// Writes one file of a raw layout: `rel` is `/`-separated, relative to
/// `out_dir`; missing folders are made. On failure, the file or folder
/// that could not be written, and why.
pub fn write_layout_file(
    out_dir: &std::path::Path,
    rel: &str,
    bytes: &[u8],
) -> Result<(), (std::path::PathBuf, std::io::Error)> {
    let path = rel
        .split('/')
        .fold(out_dir.to_path_buf(), |p, part| p.join(part));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| (dir.to_path_buf(), e))?;
    }
    std::fs::write(&path, bytes).map_err(|e| (path, e))
}

/// Calls counted by [`CallStatus`](crate::CallStatus).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Calls that succeeded.
    pub ok: usize,
    /// Calls for something that does not exist.
    pub not_found: usize,
    /// Calls the caller may not make.
    pub denied: usize,
    /// Other failures.
    pub failed: usize,
}

impl Tally {
    /// Counts one call.
    pub fn add(&mut self, s: crate::CallStatus) {
        use crate::CallStatus;
        match s {
            CallStatus::Ok => self.ok += 1,
            CallStatus::NotFound => self.not_found += 1,
            CallStatus::AccessDenied => self.denied += 1,
            CallStatus::Error => self.failed += 1,
        }
    }

    /// Every call counted.
    pub fn all(&self) -> usize {
        self.ok + self.not_found + self.denied + self.failed
    }

    /// `N calls: a ok, b NOT_FOUND, c denied, d failed` (`not_found` says
    /// what a miss means to that provider).
    pub fn line(&self, not_found: &str) -> String {
        format!(
            "{} calls: {} ok, {} {not_found}, {} denied, {} failed",
            self.all(),
            self.ok,
            self.not_found,
            self.denied,
            self.failed
        )
    }
}

/// A JSON document as a layout file holds it: pretty, two spaces, with a
/// final newline (as `jq` writes it).
pub fn pretty_json(v: &serde_json::Value) -> Vec<u8> {
    // Writing a `Value` into a `Vec` cannot fail (no I/O, string keys).
    let mut bytes = serde_json::to_vec_pretty(v).unwrap_or_else(|_| b"null".to_vec());
    bytes.push(b'\n');
    bytes
}

/// Writes a JSON document as one file of a raw layout ([`pretty_json`]);
/// on failure, the path and why.
pub fn write_json(
    out_dir: &std::path::Path,
    rel: &str,
    v: &serde_json::Value,
) -> Result<(), CollectError> {
    write_file(out_dir, rel, &pretty_json(v))
}

/// [`write_layout_file`], its failure said as the path and why.
fn write_file(out_dir: &std::path::Path, rel: &str, bytes: &[u8]) -> Result<(), CollectError> {
    write_layout_file(out_dir, rel, bytes).map_err(|(p, e)| format!("{}: {e}", p.display()).into())
}

/// What a collection did: the files it wrote and its calls.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Files written.
    pub files: usize,
    /// The calls, by how they went.
    pub calls: Tally,
}

impl Outcome {
    /// Writes one file of the layout and counts it.
    pub fn write(
        &mut self,
        out_dir: &std::path::Path,
        rel: &str,
        bytes: &[u8],
    ) -> Result<(), CollectError> {
        write_file(out_dir, rel, bytes)?;
        self.files += 1;
        Ok(())
    }

    /// Writes one JSON file of the layout ([`pretty_json`]) and counts it.
    pub fn write_json(
        &mut self,
        out_dir: &std::path::Path,
        rel: &str,
        v: &serde_json::Value,
    ) -> Result<(), CollectError> {
        self.write(out_dir, rel, &pretty_json(v))
    }

    /// `wrote N files to DIR` and, indented, the calls' [`Tally::line`].
    pub fn summary(&self, dir: &std::path::Path, not_found: &str) -> String {
        format!(
            "wrote {} file{} to {}\n  {}",
            self.files,
            if self.files == 1 { "" } else { "s" },
            dir.display(),
            self.calls.line(not_found),
        )
    }
}

/// The lines of a collection summary that count its calls by
/// [`CallStatus`](crate::CallStatus) (`not_found` says what a miss means to
/// that provider), and point at `collection.json` in `dir` when some were
/// denied or failed.
pub fn calls_summary(
    statuses: impl IntoIterator<Item = crate::CallStatus>,
    not_found: &str,
    dir: &std::path::Path,
) -> String {
    let mut t = Tally::default();
    for s in statuses {
        t.add(s);
    }
    let mut s = format!("{}\n", t.line(not_found));
    if t.denied + t.failed > 0 {
        s.push_str(&format!(
            "the denied and failed calls, with their messages, are in {}\n",
            dir.join("collection.json").display()
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_is_two_spaces_and_a_newline() {
        let v = serde_json::json!({"value": [1], "b": {}});
        assert_eq!(
            String::from_utf8_lossy(&pretty_json(&v)),
            "{\n  \"value\": [\n    1\n  ],\n  \"b\": {}\n}\n"
        );
    }

    #[test]
    fn an_outcome_counts_what_it_wrote() {
        let dir = std::env::temp_dir().join(format!("bg-outcome-{}", std::process::id()));
        let mut o = Outcome::default();
        o.calls.add(crate::CallStatus::Ok);
        o.calls.add(crate::CallStatus::NotFound);
        o.write_json(&dir, "p/a.json", &serde_json::json!({"a": 1}))
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("p").join("a.json")).unwrap(),
            "{\n  \"a\": 1\n}\n"
        );
        assert_eq!(
            o.summary(&dir, "missing"),
            format!(
                "wrote 1 file to {}\n  2 calls: 1 ok, 1 missing, 0 denied, 0 failed",
                dir.display()
            )
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
