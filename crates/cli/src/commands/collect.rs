//! `blastgraph collect aws`

use std::io::Write;

use anyhow::{Context, Result};
use blastgraph_connector_aws_live::{
    CallRecord, CollectOptions, CollectionManifest, Progress, Status, collect,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::args::{CollectAwsArgs, CollectCommand};

/// Runs `collect PROVIDER`.
pub fn run(cmd: &CollectCommand, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    match cmd {
        CollectCommand::Aws(a) => aws(a, out, err),
    }
}

/// A spinner on stderr: the stage and the call in flight, calls done so
/// far. Hidden when stderr is not a terminal (indicatif checks) or with
/// `--quiet`.
struct Bar {
    bar: ProgressBar,
    stage: std::cell::RefCell<String>,
}

impl Bar {
    fn new(quiet: bool) -> Self {
        let target = if quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        if let Ok(style) = ProgressStyle::with_template("{spinner} {pos} calls  {msg}") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Self {
            bar,
            stage: std::cell::RefCell::new(String::new()),
        }
    }
}

impl Progress for Bar {
    fn stage(&self, what: &str) {
        *self.stage.borrow_mut() = what.to_string();
        self.bar.set_message(what.to_string());
    }
    fn call_started(&self, service: &str, operation: &str) {
        let stage = self.stage.borrow().clone();
        self.bar
            .set_message(format!("{stage}  {service} {operation}"));
    }
    fn call_done(&self, _call: &CallRecord) {
        self.bar.inc(1);
    }
}

fn summary(m: &CollectionManifest, dir: &std::path::Path) -> String {
    let denied = m.count(Status::AccessDenied);
    let failed = m.count(Status::Error);
    let missing = m.count(Status::NotFound);
    let mut s = format!(
        "wrote {} file{} to {} (account{} {}; region{} {})\n",
        m.files_written(),
        if m.files_written() == 1 { "" } else { "s" },
        dir.display(),
        if m.accounts.len() == 1 { "" } else { "s" },
        m.accounts.join(", "),
        if m.regions.len() == 1 { "" } else { "s" },
        m.regions.join(", "),
    );
    s.push_str(&format!(
        "{} calls: {} ok, {missing} not found (no policy or no such resource), {denied} denied, {failed} failed\n",
        m.calls.len(),
        m.count(Status::Ok),
    ));
    if denied + failed > 0 {
        s.push_str(&format!(
            "the denied and failed calls, with their messages, are in {}\n",
            dir.join("collection.json").display()
        ));
    }
    s
}

/// Runs `collect aws`.
pub fn aws(args: &CollectAwsArgs, out: &mut dyn Write, _err: &mut dyn Write) -> Result<u8> {
    let opts = CollectOptions {
        profile: args.profile.clone(),
        regions: args.regions.clone(),
        endpoint_url: args.endpoint_url.clone(),
        assume_roles: args.assume_role.clone(),
        out_dir: args.output.clone(),
        tool: format!("blastgraph {}", env!("CARGO_PKG_VERSION")),
        max_attempts: args.max_attempts,
    };
    let bar = Bar::new(args.quiet);
    let result = collect(&opts, &bar);
    bar.bar.finish_and_clear();
    let m = result.context("collect aws")?;
    out.write_all(summary(&m, &args.output).as_bytes())?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn regions_are_comma_separated_or_repeated() {
        let cli = crate::args::Cli::parse_from([
            "blastgraph",
            "collect",
            "aws",
            "--regions",
            "us-east-1,eu-west-1",
            "--regions",
            "ap-south-1",
            "--endpoint-url",
            "http://127.0.0.1:5000",
            "-o",
            "out",
        ]);
        let crate::args::Command::Collect(CollectCommand::Aws(a)) = cli.command else {
            panic!("not collect aws");
        };
        assert_eq!(a.regions, ["us-east-1", "eu-west-1", "ap-south-1"]);
        assert_eq!(a.endpoint_url.as_deref(), Some("http://127.0.0.1:5000"));
        assert_eq!(a.output, std::path::PathBuf::from("out"));
        assert!(a.profile.is_none());
    }

    #[test]
    fn summary_points_at_the_manifest_when_calls_failed() {
        let rec = |status| CallRecord {
            account: "1".into(),
            region: "global".into(),
            service: "iam".into(),
            operation: "x".into(),
            target: None,
            file: (status == Status::Ok).then(|| "f.json".to_string()),
            status,
            message: None,
        };
        let m = CollectionManifest {
            format: "blastgraph-aws-collection".into(),
            version: 1,
            tool: "t".into(),
            accounts: vec!["111122223333".into()],
            regions: vec!["us-east-1".into()],
            calls: vec![
                rec(Status::Ok),
                rec(Status::AccessDenied),
                rec(Status::NotFound),
            ],
        };
        let s = summary(&m, std::path::Path::new("snap"));
        assert!(
            s.starts_with("wrote 1 file to snap (account 111122223333; region us-east-1)"),
            "{s}"
        );
        assert!(
            s.contains(
                "3 calls: 1 ok, 1 not found (no policy or no such resource), 1 denied, 0 failed"
            ),
            "{s}"
        );
        assert!(s.contains("snap/collection.json"), "{s}");
    }
}
