//! `blastgraph collect azure`: the arguments and the summary, as the
//! [`Collector`] the CLI's provider registry names.

use std::path::{Path, PathBuf};

use blastgraph_model::collect::{CollectError, Collector, Progress};
use clap::{Args, FromArgMatches};

use crate::{
    ARM_URL, CollectOptions, CollectionManifest, Credential, GRAPH_URL, KEYVAULT_URL, MAX_ATTEMPTS,
    collect,
};

/// `collect azure`
#[derive(Debug, Clone, Args)]
pub struct CollectAzureArgs {
    /// The tenant to sign in to (id or domain; default: the credential's, or `AZURE_TENANT_ID`).
    #[arg(long, value_name = "TENANT")]
    pub tenant: Option<String>,
    /// Only this subscription's ARM calls (repeatable or comma-separated; default: every subscription listed).
    #[arg(long, value_delimiter = ',', value_name = "SUBSCRIPTION_ID")]
    pub subscription: Vec<String>,
    /// Which credential signs in; `auto` takes the first configured: `AZURE_CLIENT_SECRET`, `AZURE_FEDERATED_TOKEN_FILE`, `IDENTITY_ENDPOINT`, else `az`/`azd`.
    #[arg(long, value_enum, default_value_t = Credential::Auto, value_name = "KIND")]
    pub credential: Credential,
    /// The application (client) id for client-secret and workload-identity, or a user-assigned managed identity's (default: `AZURE_CLIENT_ID`). The secret itself is read from `AZURE_CLIENT_SECRET` only.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// The Entra authority host (default: `AZURE_AUTHORITY_HOST`, else `https://login.microsoftonline.com`).
    #[arg(long, value_name = "URL")]
    pub authority: Option<String>,
    /// Microsoft Graph's base URL (sovereign clouds, a test server).
    #[arg(long, default_value = GRAPH_URL, value_name = "URL")]
    pub graph_url: String,
    /// Azure Resource Manager's base URL (sovereign clouds, a test server).
    #[arg(long, default_value = ARM_URL, value_name = "URL")]
    pub arm_url: String,
    /// The folder to write (created if missing).
    #[arg(long, short, value_name = "DIR")]
    pub output: PathBuf,
    /// Attempts per request before a throttled or failing call is recorded as an error.
    #[arg(long, default_value_t = MAX_ATTEMPTS, value_name = "N")]
    pub max_attempts: u32,
    /// Also read each listed Key Vault secret's value (data plane), in memory only, and write which credentials it holds (never the value) to keyvault/blastgraph-inspected.json.
    #[arg(long)]
    pub inspect_secret_values: bool,
    /// A vault's data-plane URL, `{vault}` standing for its name (another cloud: `https://{vault}.vault.azure.cn`).
    #[arg(long, default_value = KEYVAULT_URL, value_name = "URL")]
    pub keyvault_url: String,
}

impl CollectAzureArgs {
    /// The collection these arguments ask for; `tool` names the collector.
    pub fn options(&self, tool: &str) -> CollectOptions {
        CollectOptions {
            tenant: self.tenant.clone(),
            subscriptions: self.subscription.clone(),
            credential: self.credential,
            client_id: self.client_id.clone(),
            authority: self.authority.clone(),
            graph_url: self.graph_url.clone(),
            arm_url: self.arm_url.clone(),
            out_dir: self.output.clone(),
            tool: tool.to_string(),
            max_attempts: self.max_attempts,
            inspect_values: self.inspect_secret_values,
            keyvault_url: self.keyvault_url.clone(),
        }
    }
}

/// The Azure collector.
#[derive(Debug, Clone, Copy, Default)]
pub struct AzureCollector;

/// The Azure collector, for the provider registry.
pub static COLLECTOR: AzureCollector = AzureCollector;

impl Collector for AzureCollector {
    fn command(&self) -> clap::Command {
        // The struct's doc comment would be the about: set it after.
        CollectAzureArgs::augment_args(clap::Command::new("azure")).about(
            "Azure and Entra ID: Microsoft Graph and ARM into the Azure raw layout \
             (docs/azure-raw-layout.md), with azure_identity's credentials (docs/azure-live.md)",
        )
    }

    fn collect(
        &self,
        args: &clap::ArgMatches,
        tool: &str,
        progress: &dyn Progress,
    ) -> Result<String, CollectError> {
        let a = CollectAzureArgs::from_arg_matches(args)?;
        let m = collect(&a.options(tool), progress)?;
        Ok(summary(&m, &a.output))
    }
}

/// What a collection did, for the user: files, tenant, subscriptions, and
/// how the calls went.
pub fn summary(m: &CollectionManifest, dir: &Path) -> String {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut s = format!(
        "wrote {} file{} to {} (tenant {}; subscription{} {}; credential {})\n",
        m.files_written(),
        plural(m.files_written()),
        dir.display(),
        m.tenant.as_deref().unwrap_or("unknown"),
        plural(m.subscriptions.len()),
        if m.subscriptions.is_empty() {
            "none".to_string()
        } else {
            m.subscriptions.join(", ")
        },
        m.credential,
    );
    s.push_str(&blastgraph_model::collect::calls_summary(
        m.calls.iter().map(|c| c.status),
        "not found",
        dir,
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::manifest::{Api, CallRecord, FORMAT, VERSION};

    #[test]
    fn flags_parse_with_their_defaults() {
        let m = COLLECTOR
            .command()
            .try_get_matches_from([
                "azure",
                "--subscription",
                "s1,s2",
                "--subscription",
                "s3",
                "--credential",
                "workload-identity",
                "-o",
                "out",
            ])
            .unwrap();
        let a = CollectAzureArgs::from_arg_matches(&m).unwrap();
        assert_eq!(a.subscription, ["s1", "s2", "s3"]);
        assert_eq!(a.credential, Credential::WorkloadIdentity);
        assert_eq!(a.graph_url, GRAPH_URL);
        assert_eq!(a.arm_url, ARM_URL);
        assert_eq!(a.max_attempts, MAX_ATTEMPTS);
        assert!(a.tenant.is_none() && a.authority.is_none() && a.client_id.is_none());
        let o = a.options("t");
        assert_eq!(o.out_dir, PathBuf::from("out"));
    }

    #[test]
    fn there_is_no_secret_flag() {
        for flag in ["--client-secret", "--secret", "--password"] {
            assert!(
                COLLECTOR
                    .command()
                    .try_get_matches_from(["azure", flag, "x", "-o", "out"])
                    .is_err(),
                "{flag}"
            );
        }
        for kind in [
            "auto",
            "developer-tools",
            "client-secret",
            "managed-identity",
            "workload-identity",
        ] {
            let m = COLLECTOR
                .command()
                .try_get_matches_from(["azure", "--credential", kind, "-o", "out"])
                .unwrap();
            let a = CollectAzureArgs::from_arg_matches(&m).unwrap();
            assert_eq!(a.credential.name(), kind);
        }
    }

    #[test]
    fn summary_points_at_the_manifest_when_calls_failed() {
        let rec = |status| CallRecord {
            api: Api::Graph,
            path: "v1.0/users".into(),
            query: String::new(),
            file: (status == Status::Ok).then(|| "graph/v1.0/users.json".to_string()),
            status,
            message: None,
        };
        let m = CollectionManifest {
            format: FORMAT.into(),
            version: VERSION,
            tool: "t".into(),
            credential: "developer-tools".into(),
            tenant: Some("t1".into()),
            subscriptions: vec!["s1".into()],
            calls: vec![
                rec(Status::Ok),
                rec(Status::AccessDenied),
                rec(Status::NotFound),
            ],
            collected_at: None,
        };
        let s = summary(&m, Path::new("snap"));
        assert!(
            s.starts_with(
                "wrote 1 file to snap (tenant t1; subscription s1; credential developer-tools)"
            ),
            "{s}"
        );
        assert!(
            s.contains("3 calls: 1 ok, 1 not found, 1 denied, 0 failed"),
            "{s}"
        );
        assert!(s.contains("snap/collection.json"), "{s}");
    }
}
