//! Command-line arguments (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// blastgraph: if this identity is compromised, what can the attacker reach, and how?
#[derive(Debug, Parser)]
#[command(name = "blastgraph", version, about, long_about = None)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
    /// Say more on stderr: every input problem (not only the first 20) and
    /// how long each step took.
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
}

/// Every command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Showcase on the embedded demo estate: riskiest identities and one
    /// blast radius with paths, and an HTML report of them.
    Demo(DemoArgs),
    /// Read inputs and save the built graph as a snapshot folder (or, with
    /// `--shard I/N`, one part of it).
    Build(BuildArgs),
    /// Join the parts of a sharded build into a snapshot folder.
    Merge(MergeArgs),
    /// Everything reachable from compromised identities.
    Blast(BlastArgs),
    /// Every identity that can reach a node.
    WhoCan(WhoCanArgs),
    /// The k shortest distinct pivot chains from one node to another, hop by hop.
    Trace(TraceArgs),
    /// A blast radius before and after revoking edges or removing nodes.
    WhatIf(WhatIfArgs),
    /// Every identity's blast radius at once, riskiest first.
    Rank(RankArgs),
    /// Write an HTML report that works offline: a blast radius, a who-can
    /// answer or the riskiest identities as an interactive graph, with the
    /// tables and every witness path hop by hop.
    Report(ReportArgs),
    /// Serve the report page live on 127.0.0.1: search any identity or
    /// target, see its blast radius or who can reach it, trace, and try a
    /// revocation (read-only).
    Serve(ServeArgs),
    /// Write nodes, edges and the rank table as CSV, Parquet or JSON.
    Export(ExportArgs),
    /// Generate a synthetic estate of realistic shape.
    Gen(GenArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Write man pages: blastgraph.1 and one per command.
    Man(ManArgs),
    /// Collect raw snapshot files from a provider's live API (each
    /// provider's collector is behind a cargo feature: `--features live`
    /// builds them all).
    #[command(subcommand)]
    Collect(CollectCommand),
}

/// `collect PROVIDER ...`: the provider's subcommand and its arguments,
/// parsed by the provider's collector (see [`crate::providers`]).
#[derive(Debug, Clone)]
pub struct CollectCommand {
    /// The provider (`aws`, ...).
    pub provider: String,
    /// Its arguments.
    pub matches: clap::ArgMatches,
}

impl clap::FromArgMatches for CollectCommand {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        match m.subcommand() {
            Some((name, sub)) => Ok(Self {
                provider: name.to_string(),
                matches: sub.clone(),
            }),
            None => Err(clap::Error::new(clap::error::ErrorKind::MissingSubcommand)),
        }
    }
    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl Subcommand for CollectCommand {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        let all = crate::providers::collect_command(crate::providers::PROVIDERS);
        all.get_subcommands()
            .fold(cmd, |cmd, sub| cmd.subcommand(sub.clone()))
            .subcommand_required(true)
            .arg_required_else_help(true)
    }
    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_subcommands(cmd)
    }
    fn has_subcommand(name: &str) -> bool {
        crate::providers::live_of(crate::providers::PROVIDERS, name).is_some()
    }
}

/// Where the estate comes from.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Raw files, folders of them, or a saved snapshot folder; formats are
    /// detected. Without any, the embedded demo estate is used.
    #[arg(long, short, num_args = 1.., value_name = "PATH")]
    pub input: Vec<PathBuf>,
    /// Do not print input warnings and errors (they are still counted in the manifest).
    #[arg(long, short)]
    pub quiet: bool,
    /// Read secret values found beside the raw layouts (Vault KV reads,
    /// Kubernetes secrets' `data`) in memory, recognise the credentials
    /// they hold and link each secret to the identity it unlocks; only the
    /// match is kept, never the value. Off by default: value files are
    /// then refused unread.
    #[arg(long)]
    pub inspect_secret_values: bool,
    /// Where edge rows go once they pass the memory budget.
    #[command(flatten)]
    pub spill: SpillArgs,
}

/// Where edge rows go when an estate's edges do not fit in memory
/// (docs/org-ingest.md, "Memory").
#[derive(Debug, Clone, Default, Args)]
pub struct SpillArgs {
    /// Folder for the spill file of edge rows past the memory budget (made
    /// when the first rows go to it, and unlinked at once; default: the
    /// temporary folder, `TMPDIR`).
    #[arg(long, value_name = "DIR")]
    pub spill_dir: Option<PathBuf>,
    /// Edge rows kept in memory while reading before the oldest go to the
    /// spill file (default: a quarter of the available memory, at 16 bytes
    /// a row).
    #[arg(long, value_name = "ROWS")]
    pub spill_after: Option<u64>,
    /// Rows per spilled block (default 1,048,576): tests spill small
    /// inputs with it.
    #[arg(long, value_name = "ROWS", hide = true)]
    pub spill_block_rows: Option<usize>,
}

/// Output format of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    Table,
    /// The full answer, with per-hop provenance.
    Json,
    /// One row per result, path as a JSON column.
    Csv,
    /// Like csv, as Apache Parquet (needs --output).
    Parquet,
    /// The answer's paths as a Mermaid flowchart (blast, who-can, trace).
    Mermaid,
    /// The answer's paths as a Graphviz DOT graph (blast, who-can, trace).
    Dot,
}

/// Where and how answers are written.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Rows shown per section in table format.
    #[arg(long, default_value_t = 25)]
    pub limit: usize,
}

/// Options shared by path queries.
#[derive(Debug, Clone, Args)]
pub struct PathArgs {
    /// Longest path considered, in hops.
    #[arg(long, value_name = "N")]
    pub max_hops: Option<u32>,
    /// Drop edges whose conditions could not be decided.
    #[arg(long)]
    pub strict: bool,
}

/// `completions`
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell, e.g. `blastgraph completions bash > /etc/bash_completion.d/blastgraph`.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `man`
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The folder to write the pages into (e.g. /usr/local/share/man/man1).
    #[arg(long, short, value_name = "DIR")]
    pub output: PathBuf,
}

/// `demo`
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the demo's HTML report.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "blastgraph-demo-report.html"
    )]
    pub report: PathBuf,
    /// Write no report.
    #[arg(long, conflicts_with = "report")]
    pub no_report: bool,
}

/// `report`
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Compromised identities: one tab with their blast radius.
    #[arg(long, short, num_args = 1.., value_name = "ID", required_unless_present_any = ["who_can", "rank"])]
    pub compromise: Vec<String>,
    /// A tab with every identity that can reach this node.
    #[arg(long, value_name = "ID")]
    pub who_can: Option<String>,
    /// The N riskiest identities (10 when N is left out): their table, and
    /// a blast-radius tab for each of the first ten.
    #[arg(
        long,
        value_name = "N",
        num_args = 0..=1,
        default_missing_value = "10",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..)
    )]
    pub rank: Option<usize>,
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Path options.
    #[command(flatten)]
    pub path: PathArgs,
    /// The HTML file to write.
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
}

/// `serve`
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port (0: any free one; the address is printed).
    #[arg(long, default_value_t = 8765)]
    pub port: u16,
    /// Listen on this address instead of 127.0.0.1. Anyone who can reach
    /// it can read the whole estate: there is no authentication.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::IpAddr>,
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Path options.
    #[command(flatten)]
    pub path: PathArgs,
}

/// `build`
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// The snapshot folder to write (with `--shard`, the part folder).
    #[arg(long, short, value_name = "DIR")]
    pub output: PathBuf,
    /// Read only the I-th of N shares of the inputs' units of work (AWS:
    /// one per account; other providers: each whole) into a part folder,
    /// for running a build as N jobs; `merge` joins the N parts into the
    /// snapshot the unsharded build writes. Every shard is given the same
    /// inputs: an account's pass reads what other accounts expose to it.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<blastgraph_analysis::Shard>,
}

/// `merge`
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The N part folders of one sharded build (`build --shard I/N`),
    /// each shard once.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    /// The snapshot folder to write.
    #[arg(long, short, value_name = "DIR")]
    pub output: PathBuf,
    /// Do not print input warnings and errors (they are still counted in the manifest).
    #[arg(long, short)]
    pub quiet: bool,
}

/// `blast`
#[derive(Debug, Args)]
pub struct BlastArgs {
    /// Compromised identities: full id, unique name or unique id suffix.
    #[arg(long, short, required_unless_present = "leaked", num_args = 1.., value_name = "ID")]
    pub compromise: Vec<String>,
    /// A log or file (`-` for standard input) in which credentials leaked:
    /// each one recognised is placed on the graph by what identifies it
    /// offline (an AWS access key id, an Entra client id next to its
    /// secret) and compromised; values are never printed.
    #[arg(long, value_name = "FILE")]
    pub leaked: Option<PathBuf>,
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Path options.
    #[command(flatten)]
    pub path: PathArgs,
    /// Output.
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Access levels accepted by `--access`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    /// read
    Read,
    /// invoke
    Invoke,
    /// execute
    Execute,
    /// write
    Write,
    /// admin
    Admin,
}

/// `who-can`
#[derive(Debug, Args)]
pub struct WhoCanArgs {
    /// The node to reach.
    #[arg(long, short, value_name = "ID")]
    pub reach: String,
    /// Only identities with this access level (or admin).
    #[arg(long, short, value_enum)]
    pub access: Option<Level>,
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Path options.
    #[command(flatten)]
    pub path: PathArgs,
    /// Output.
    #[command(flatten)]
    pub out: OutputArgs,
}

/// `trace`
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// Start.
    #[arg(long, value_name = "ID")]
    pub from: String,
    /// Destination.
    #[arg(long, value_name = "ID")]
    pub to: String,
    /// How many chains.
    #[arg(short, long = "k", default_value_t = 3)]
    pub k: usize,
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Path options.
    #[command(flatten)]
    pub path: PathArgs,
    /// Output.
    #[command(flatten)]
    pub out: OutputArgs,
}

/// `what-if`
#[derive(Debug, Args)]
pub struct WhatIfArgs {
    /// Compromised identities.
    #[arg(long, short, required = true, num_args = 1.., value_name = "ID")]
    pub compromise: Vec<String>,
    /// Edges to revoke: an edge id (as printed in paths) or `FROM->TO`.
    #[arg(long, value_name = "EDGE")]
    pub revoke: Vec<String>,
    /// Nodes to remove.
    #[arg(long, value_name = "ID")]
    pub remove: Vec<String>,
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Path options.
    #[command(flatten)]
    pub path: PathArgs,
    /// Output.
    #[command(flatten)]
    pub out: OutputArgs,
}

/// `rank`
#[derive(Debug, Args)]
pub struct RankArgs {
    /// Show only the first N rows.
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Firm reach only (rank shows firm and possible side by side by
    /// default; this skips the possible columns, which then equal the firm).
    #[arg(long)]
    pub strict: bool,
    /// Exit with code 3 when some identity's possible score is at least this.
    #[arg(long, value_name = "SCORE")]
    pub fail_on: Option<u64>,
    /// Print how the work was shared (components, hubs, levels) to stderr.
    #[arg(long)]
    pub stats: bool,
    /// Only the I-th of N disjoint sets of identities (1 ≤ I ≤ N), for
    /// running a rank as N jobs: only what those identities reach is
    /// computed, and the N outputs together are the whole rank (`rank`
    /// numbers rows within the shard).
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<blastgraph_analysis::Shard>,
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output.
    #[command(flatten)]
    pub out: OutputArgs,
}

/// Table formats of `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportTo {
    /// CSV with header.
    Csv,
    /// Apache Parquet.
    Parquet,
    /// JSON arrays of rows.
    Json,
    /// The whole graph as one GraphML file (`graph.graphml`: Gephi, yEd,
    /// NetworkX), instead of the tables.
    Graphml,
    /// The whole graph as BloodHound CE OpenGraph (`graph.json`) with its
    /// extension schema (`schema.json`: our kinds, icons, traversable
    /// edges), instead of the tables.
    Opengraph,
    /// The whole graph as CSV for `neo4j-admin database import full`
    /// (`neo4j_nodes.csv`, `neo4j_relationships.csv`, typed headers),
    /// instead of the tables; prints the import command.
    Neo4j,
}

/// `export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Table format.
    #[arg(long, value_enum)]
    pub to: ExportTo,
    /// Folder to write `nodes`, `edges` and `rank` (or the graph files) into.
    #[arg(long, short, value_name = "DIR")]
    pub output: PathBuf,
    /// Rank the firm reach only (by default the rank table has firm and
    /// possible columns side by side).
    #[arg(long)]
    pub strict: bool,
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
}

/// `gen`
#[derive(Debug, Args)]
pub struct GenArgs {
    /// Number of identities.
    #[arg(long, default_value_t = 10_000)]
    pub identities: usize,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// A `.json` file (native estate format) or a snapshot folder.
    #[arg(long, short, value_name = "PATH")]
    pub output: PathBuf,
}

/// `I/N`, 1 ≤ I ≤ N, as a 0-based shard.
fn parse_shard(s: &str) -> Result<blastgraph_analysis::Shard, String> {
    let bad = || format!("`{s}`: expected I/N with 1 ≤ I ≤ N, e.g. 2/8");
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if i == 0 || i > n {
        return Err(bad());
    }
    Ok(blastgraph_analysis::Shard {
        index: i - 1,
        count: n,
    })
}
