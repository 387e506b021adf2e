//! The provider registry: one line per provider.
//!
//! Everything that depends on which providers exist derives from
//! [`PROVIDERS`]: file detection ([`detect`]), the "unrecognised format"
//! message ([`unrecognised`]), and the `collect <provider>` subcommands
//! ([`collect_command`]). Adding a provider is its crate (which exports a
//! [`Provider`] descriptor, and optionally a live crate exporting a
//! [`Collector`]), one line below, and the workspace member. The unit
//! tests show it with the test-only provider of [`toy`], registered by the
//! `#[cfg(test)]` line of the list.
//!
//! Live collection sits behind one cargo feature per provider family
//! (`live-aws`, `live-azure`, `live-vault`, `live-github`, `live-saas`,
//! `live-k8s`; `live` turns them all on). A build without a
//! provider's feature still lists `collect <provider>`, and answers it with
//! the feature that adds it.

use blastgraph_model::Provider;
use blastgraph_model::collect::Collector;

#[cfg(test)]
pub mod toy;

/// How a provider collects live.
#[derive(Clone, Copy)]
pub enum Live {
    /// It has no live collector.
    None,
    /// Its collector is in this build.
    Built(&'static dyn Collector),
    /// Its collector exists behind this cargo feature of the CLI.
    NotBuilt(&'static str),
}

/// One provider of the registry.
#[derive(Clone, Copy)]
pub struct Entry {
    /// Detection, ingest, docs.
    pub provider: &'static Provider,
    /// Live collection.
    pub live: Live,
}

/// `live!("feature", path::TO::COLLECTOR)`: the collector when the CLI's
/// feature is on, else the feature's name.
macro_rules! live {
    ($feature:literal, $collector:path) => {{
        #[cfg(feature = $feature)]
        const LIVE: Live = Live::Built(&$collector);
        #[cfg(not(feature = $feature))]
        const LIVE: Live = Live::NotBuilt($feature);
        LIVE
    }};
}

/// Every provider, in detection order (detection must be unambiguous: a
/// file two providers claim is an error, see [`detect`]).
#[rustfmt::skip]
pub static PROVIDERS: &[Entry] = &[
    Entry { provider: &blastgraph_connector_native::PROVIDER, live: Live::None },
    Entry { provider: &blastgraph_connector_opengraph::PROVIDER, live: Live::None },
    Entry { provider: &blastgraph_connector_aws::PROVIDER, live: live!("live-aws", blastgraph_connector_aws_live::COLLECTOR) },
    Entry { provider: &blastgraph_connector_azure::PROVIDER, live: live!("live-azure", blastgraph_connector_azure_live::COLLECTOR) },
    Entry { provider: &blastgraph_connector_vault::PROVIDER, live: live!("live-vault", blastgraph_connector_vault_live::COLLECTOR) },
    Entry { provider: &blastgraph_connector_k8s::PROVIDER, live: live!("live-k8s", blastgraph_connector_k8s_live::COLLECTOR) },
    Entry { provider: &blastgraph_connector_github::PROVIDER, live: live!("live-github", blastgraph_connector_github_live::COLLECTOR) },
    Entry { provider: &blastgraph_connector_google::PROVIDER, live: live!("live-saas", blastgraph_connector_saas_live::GOOGLE) },
    Entry { provider: &blastgraph_connector_slack::PROVIDER, live: live!("live-saas", blastgraph_connector_saas_live::SLACK) },
    #[cfg(test)]
    Entry { provider: &toy::PROVIDER, live: Live::Built(&toy::COLLECTOR) },
];

/// What detection found for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detected {
    /// The position in the list of the one provider that claims it.
    One(usize),
    /// Nobody claims it.
    None,
    /// More than one provider claims it (their names).
    Conflict(Vec<&'static str>),
}

/// Which provider reads a file. The head (the first 4 KiB) decides for
/// well-ordered files; a producer that writes the telling key late still
/// gets recognised from the whole file.
pub fn detect(list: &[Entry], name: &str, bytes: &[u8]) -> Detected {
    let head = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
    let claims = |probe: &[u8]| -> Vec<usize> {
        list.iter()
            .enumerate()
            .filter(|(_, e)| e.provider.connector.detect(name, probe))
            .map(|(i, _)| i)
            .collect()
    };
    let mut found = claims(head);
    if found.is_empty() && head.len() < bytes.len() {
        found = claims(bytes);
    }
    match found.as_slice() {
        [] => Detected::None,
        [one] => Detected::One(*one),
        many => Detected::Conflict(
            many.iter()
                .filter_map(|&i| list.get(i).map(|e| e.provider.name))
                .collect(),
        ),
    }
}

/// The "unrecognised format" message: what every provider reads.
pub fn unrecognised(list: &[Entry]) -> String {
    let accepted: Vec<String> = list
        .iter()
        .map(|e| format!("{} ({})", e.provider.accepts, e.provider.docs))
        .collect();
    format!(
        "unrecognised format: expected one of: {}",
        accepted.join("; ")
    )
}

/// The `collect` command: one subcommand per provider that collects live.
/// Each gets `-q/--quiet` (no progress bar) besides its own arguments.
pub fn collect_command(list: &[Entry]) -> clap::Command {
    let mut cmd = clap::Command::new("collect")
        .about("Collect raw snapshot files from a provider's live API")
        .subcommand_required(true)
        .arg_required_else_help(true);
    for e in list {
        let sub = match e.live {
            Live::None => continue,
            Live::Built(c) => c.command().arg(
                clap::Arg::new("quiet")
                    .long("quiet")
                    .short('q')
                    .action(clap::ArgAction::SetTrue)
                    .help("No progress bar"),
            ),
            Live::NotBuilt(feature) => clap::Command::new(e.provider.name)
                .about(format!(
                    "{} (not in this build: `cargo build --release --features {feature}`)",
                    e.provider.name
                ))
                .arg(
                    clap::Arg::new("args")
                        .num_args(0..)
                        .trailing_var_arg(true)
                        .allow_hyphen_values(true),
                ),
        };
        cmd = cmd.subcommand(sub);
    }
    cmd
}

/// The registry entry of a `collect` subcommand.
pub fn live_of<'a>(list: &'a [Entry], name: &str) -> Option<&'a Entry> {
    list.iter()
        .find(|e| e.provider.name == name && !matches!(e.live, Live::None))
}

#[cfg(test)]
mod tests;
