//! The registry: a provider is one line, detection is unambiguous, and
//! `collect` derives from the list.

use clap::Parser;

use super::*;
use crate::inputs::ingest_files_with;
use blastgraph_model::{Connector, EstateBuilder, IngestError, Severity};

const TOY_FILE: &str = r#"{"format": "toy-estate", "identities": ["alpha", "beta"]}"#;

#[test]
fn a_provider_registered_in_one_line_is_detected_ingested_and_collected() {
    // Detection and ingest.
    let toy = PROVIDERS
        .iter()
        .position(|e| e.provider.name == "toy")
        .unwrap();
    assert_eq!(
        detect(PROVIDERS, "x.json", TOY_FILE.as_bytes()),
        Detected::One(toy)
    );
    let mut b = EstateBuilder::new();
    crate::inputs::ingest_files(&[("x.json".into(), TOY_FILE.as_bytes().to_vec())], &mut b);
    let estate = b.finish();
    let ids: Vec<&str> = estate.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["toy:alpha", "toy:beta"]);
    assert_eq!(estate.inputs[0].format, "toy");
    // The message for a file nobody reads names it, with its docs.
    let msg = unrecognised(PROVIDERS);
    assert!(msg.contains("a toy estate"), "{msg}");
    assert!(msg.contains("crates/cli/src/providers/toy.rs"), "{msg}");
    assert!(msg.contains("docs/aws-raw-layout.md"), "{msg}");
    // `collect toy` exists and runs the toy's collector.
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("snap");
    let cli = crate::args::Cli::try_parse_from([
        "blastgraph",
        "collect",
        "toy",
        "-q",
        "-o",
        out_dir.to_str().unwrap(),
    ])
    .unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(crate::run(&cli, &mut out, &mut err).unwrap(), 0);
    assert!(String::from_utf8_lossy(&out).starts_with("wrote 1 file to"));
    assert!(out_dir.join("toy.json").is_file());
    // The help of `collect` lists it.
    let help = collect_command(PROVIDERS).render_help().to_string();
    assert!(help.contains("toy"), "{help}");
}

/// Claims every file.
struct Greedy;
static GREEDY: Provider = Provider {
    name: "greedy",
    accepts: "anything",
    docs: "nowhere",
    connector: &Greedy,
};
impl Connector for Greedy {
    fn name(&self) -> &'static str {
        "greedy"
    }
    fn detect(&self, _path: &str, _head: &[u8]) -> bool {
        true
    }
    fn ingest(&self, _: &str, _: &[u8], _: &mut EstateBuilder) -> Result<(), IngestError> {
        Ok(())
    }
}

#[test]
fn a_file_two_providers_claim_is_an_error_naming_both() {
    let list = [
        Entry {
            provider: &toy::PROVIDER,
            live: Live::None,
        },
        Entry {
            provider: &GREEDY,
            live: Live::None,
        },
    ];
    assert_eq!(
        detect(&list, "x.json", TOY_FILE.as_bytes()),
        Detected::Conflict(vec!["toy", "greedy"])
    );
    let mut b = EstateBuilder::new();
    ingest_files_with(
        &list,
        &[
            ("both.json".into(), TOY_FILE.as_bytes().to_vec()),
            ("other.json".into(), b"{\"a\": 1}".to_vec()),
        ],
        &mut b,
    );
    let estate = b.finish();
    assert!(estate.nodes.is_empty());
    let d = &estate.diagnostics[0];
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.file, "both.json");
    assert!(d.message.contains("`toy` and `greedy`"), "{}", d.message);
    // The other file has one claimant: no conflict there.
    assert_eq!(estate.diagnostics.len(), 1, "{:?}", estate.diagnostics);
}

#[test]
fn collect_of_a_provider_not_in_this_build_names_the_feature() {
    static NOT_BUILT: Entry = Entry {
        provider: &toy::PROVIDER,
        live: Live::NotBuilt("live-toy"),
    };
    let cmd = collect_command(std::slice::from_ref(&NOT_BUILT));
    let m = cmd
        .try_get_matches_from(["collect", "toy", "--anything", "-o", "x"])
        .unwrap();
    assert_eq!(m.subcommand_name(), Some("toy"));
    // The real registry: every provider with a collector has a subcommand,
    // built or not, and nothing else has one.
    let names: Vec<String> = collect_command(PROVIDERS)
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "aws", "azure", "vault", "k8s", "github", "google", "slack", "toy"
        ]
    );
    #[cfg(not(feature = "live-aws"))]
    names_its_feature(&["collect", "aws", "-o", "x"], "live-aws");
    #[cfg(not(feature = "live-azure"))]
    names_its_feature(&["collect", "azure", "-o", "x"], "live-azure");
    #[cfg(not(feature = "live-k8s"))]
    names_its_feature(&["collect", "k8s", "--cluster", "c", "-o", "x"], "live-k8s");
    #[cfg(not(feature = "live-github"))]
    names_its_feature(
        &["collect", "github", "--org", "acme", "-o", "x"],
        "live-github",
    );
    #[cfg(not(feature = "live-vault"))]
    names_its_feature(&["collect", "vault", "-o", "x"], "live-vault");
    #[cfg(not(feature = "live-saas"))]
    names_its_feature(&["collect", "slack", "--team", "T", "-o", "x"], "live-saas");
}

/// `blastgraph ARGS…` (a `collect` of a provider this build lacks) fails
/// and names the feature that adds it.
#[cfg_attr(
    all(
        feature = "live-aws",
        feature = "live-azure",
        feature = "live-k8s",
        feature = "live-github",
        feature = "live-vault",
        feature = "live-saas"
    ),
    expect(
        dead_code,
        reason = "every collect is built: no collect lacks its feature"
    )
)]
fn names_its_feature(args: &[&str], feature: &str) {
    let argv: Vec<&str> = std::iter::once("blastgraph")
        .chain(args.iter().copied())
        .collect();
    let cli = crate::args::Cli::try_parse_from(argv).unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let e = crate::run(&cli, &mut out, &mut err)
        .unwrap_err()
        .to_string();
    assert!(e.contains(&format!("--features {feature}")), "{e}");
}

#[test]
fn no_detection_by_a_generic_file_name_alone() {
    // A GitHub-like `organizations/` folder and a `collection.json` that is
    // not blastgraph's AWS manifest belong to nobody.
    for (name, body) in [
        (
            "gh/organizations/acme.json",
            r#"{"login": "acme", "id": 1}"#,
        ),
        (
            "gh/organizations/list-accounts.json",
            r#"{"login": "acme"}"#,
        ),
        ("other/collection.json", r#"{"items": []}"#),
    ] {
        assert_eq!(
            detect(PROVIDERS, name, body.as_bytes()),
            Detected::None,
            "{name}"
        );
    }
    // The real ones still are AWS's.
    let aws = PROVIDERS
        .iter()
        .position(|e| e.provider.name == "aws")
        .unwrap();
    for (name, body) in [
        (
            "snap/organizations/list-accounts.json",
            r#"{"Accounts": [{"Id": "111122223333"}]}"#,
        ),
        (
            "snap/collection.json",
            r#"{"format": "blastgraph-aws-collection", "version": 1}"#,
        ),
        (
            "snap/111122223333/global/s3/list-buckets.json",
            r#"{"Buckets": []}"#,
        ),
    ] {
        assert_eq!(
            detect(PROVIDERS, name, body.as_bytes()),
            Detected::One(aws),
            "{name}"
        );
    }
}
