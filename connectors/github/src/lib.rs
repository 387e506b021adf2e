//! GitHub connector: GitHub REST API responses (docs/github-raw-layout.md)
//! into the estate.
//!
//! What it decides (docs/github-connector.md): who can push to a
//! repository (collaborators, app installations, fine-grained personal
//! access tokens) and so run a workflow that asks GitHub for an Actions
//! OIDC token — the subjects AWS roles, Entra federated credentials and
//! Vault roles trust, named by the shared ids and shaped by the
//! repository's `sub` claim template. Branch protection and environment
//! reviewers make those runs conditional; expired tokens reach nothing.

mod read;

use blastgraph_model::json::read_or_report;
use blastgraph_model::{Code, Connector, EstateBuilder, IngestError, InputFile};

/// The format name recorded in the manifest.
pub const FORMAT: &str = "github";

/// GitHub in the provider registry.
pub static PROVIDER: blastgraph_model::Provider = blastgraph_model::Provider {
    name: "github",
    accepts: "a GitHub REST API response under a `github/` folder (`github/orgs/ORG/repos.json`, `github/repos/OWNER/REPO/collaborators.json`, `github/repos/OWNER/REPO/actions/oidc/customization/sub.json`, ...)",
    docs: "docs/github-raw-layout.md",
    connector: &GithubConnector,
};

/// Reads the GitHub layout.
#[derive(Debug, Default, Clone, Copy)]
pub struct GithubConnector;

impl Connector for GithubConnector {
    fn name(&self) -> &'static str {
        FORMAT
    }

    fn detect(&self, path: &str, head: &[u8]) -> bool {
        read::call_of(path).is_some() && read::looks_like(head)
    }

    fn ingest(&self, path: &str, bytes: &[u8], out: &mut EstateBuilder) -> Result<(), IngestError> {
        read_all(&[(path, bytes)], out, false);
        Ok(())
    }

    fn ingest_all(&self, files: &[InputFile<'_>], out: &mut EstateBuilder) {
        for f in files {
            out.begin_input(f.path, FORMAT, f.sha256.to_string(), f.bytes.len() as u64);
        }
        let files: Vec<(&str, &[u8])> = files.iter().map(|f| (f.path, f.bytes)).collect();
        read_all(&files, out, true);
    }
}

fn read_all(files: &[(&str, &[u8])], out: &mut EstateBuilder, select: bool) {
    let mut org = read::Org::default();
    for (path, bytes) in files {
        if select {
            out.select_input(path);
        }
        let Some(call) = read::call_of(path) else {
            out.warning_code(
                Code::NotInLayout,
                "$",
                "not a file of the GitHub layout; skipped",
            );
            continue;
        };
        let Some(value) = read_or_report(path, bytes, out) else {
            continue;
        };
        let file = org.file(path);
        read::file(&mut org, file, &call, &value, out);
    }
    read::emit(&org, out);
}
