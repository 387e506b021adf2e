//! `blastgraph collect aws`: the arguments and the summary, as the
//! [`Collector`] the CLI's provider registry names.

use std::path::{Path, PathBuf};

use blastgraph_model::collect::{CollectError, Collector, Progress};
use clap::{Args, FromArgMatches};

use crate::{CollectOptions, CollectionManifest, MAX_ATTEMPTS, collect};

/// `collect aws`
#[derive(Debug, Clone, Args)]
pub struct CollectAwsArgs {
    /// A profile of the shared AWS config files (default: `AWS_PROFILE`, then `default`).
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
    /// Regions to collect (comma-separated or repeated; default: the profile's region).
    #[arg(long, value_delimiter = ',', value_name = "REGION")]
    pub regions: Vec<String>,
    /// Send every call to this endpoint (a local emulator such as moto).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Also collect the account of this role, assumed from the caller (repeatable).
    #[arg(long, value_name = "ROLE_ARN")]
    pub assume_role: Vec<String>,
    /// The folder to write (created if missing).
    #[arg(long, short, value_name = "DIR")]
    pub output: PathBuf,
    /// Attempts per call before a throttled or failing call is recorded as an error.
    #[arg(long, default_value_t = MAX_ATTEMPTS, value_name = "N")]
    pub max_attempts: u32,
    /// Also read each Secrets Manager secret's and SSM SecureString's value, in memory only, and write which credentials it holds (never the value) to blastgraph-inspected.json.
    #[arg(long)]
    pub inspect_secret_values: bool,
}

/// The AWS collector.
#[derive(Debug, Clone, Copy, Default)]
pub struct AwsCollector;

/// The AWS collector, for the provider registry.
pub static COLLECTOR: AwsCollector = AwsCollector;

impl Collector for AwsCollector {
    fn command(&self) -> clap::Command {
        // The struct's doc comment would be the about: set it after.
        CollectAwsArgs::augment_args(clap::Command::new("aws")).about(
            "AWS: IAM, resource policies and inventories into the raw snapshot layout \
             (docs/aws-raw-layout.md), with the standard credential chain",
        )
    }

    fn collect(
        &self,
        args: &clap::ArgMatches,
        tool: &str,
        progress: &dyn Progress,
    ) -> Result<String, CollectError> {
        let a = CollectAwsArgs::from_arg_matches(args)?;
        let opts = CollectOptions {
            profile: a.profile.clone(),
            regions: a.regions.clone(),
            endpoint_url: a.endpoint_url.clone(),
            assume_roles: a.assume_role.clone(),
            out_dir: a.output.clone(),
            tool: tool.to_string(),
            max_attempts: a.max_attempts,
            inspect_values: a.inspect_secret_values,
        };
        let m = collect(&opts, progress)?;
        Ok(summary(&m, &a.output))
    }
}

/// What a collection did, for the user: files, accounts, regions, and how
/// the calls went.
pub fn summary(m: &CollectionManifest, dir: &Path) -> String {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut s = format!(
        "wrote {} file{} to {} (account{} {}; region{} {})\n",
        m.files_written(),
        plural(m.files_written()),
        dir.display(),
        plural(m.accounts.len()),
        m.accounts.join(", "),
        plural(m.regions.len()),
        m.regions.join(", "),
    );
    s.push_str(&blastgraph_model::collect::calls_summary(
        m.calls.iter().map(|c| c.status),
        "not found (no policy or no such resource)",
        dir,
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CallRecord, Status};

    #[test]
    fn regions_are_comma_separated_or_repeated() {
        let m = COLLECTOR
            .command()
            .try_get_matches_from([
                "aws",
                "--regions",
                "us-east-1,eu-west-1",
                "--regions",
                "ap-south-1",
                "--endpoint-url",
                "http://127.0.0.1:5000",
                "-o",
                "out",
            ])
            .unwrap();
        let a = CollectAwsArgs::from_arg_matches(&m).unwrap();
        assert_eq!(a.regions, ["us-east-1", "eu-west-1", "ap-south-1"]);
        assert_eq!(a.endpoint_url.as_deref(), Some("http://127.0.0.1:5000"));
        assert_eq!(a.output, PathBuf::from("out"));
        assert!(a.profile.is_none());
        assert_eq!(a.max_attempts, MAX_ATTEMPTS);
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
            collected_at: None,
        };
        let s = summary(&m, Path::new("snap"));
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
