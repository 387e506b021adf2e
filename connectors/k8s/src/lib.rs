//! Kubernetes connector: a cluster's RBAC, service accounts and secret
//! metadata, as `kubectl get … -A -o json` prints them
//! (docs/k8s-raw-layout.md), into the estate.
//!
//! Reading and deciding are apart: [`read`] turns each file of a cluster's
//! folder into [`read::Cluster`]; [`emit`] decides once the whole folder is
//! read, since a binding joins a role of one file, subjects and the
//! secrets and service accounts of others. docs/k8s-connector.md says what
//! each rule decides. Secret values are never kept: a secret's `data` and
//! `stringData` are not read (but with `--inspect-secret-values`, scanned
//! in memory), and a file that carries them is said.

mod emit;
mod read;

pub use read::scan_secret_data;

use std::collections::BTreeMap;

use blastgraph_model::json::read_or_report;
use blastgraph_model::{Code, Connector, EstateBuilder, IngestError, InputFile};

/// The format name recorded in the manifest.
pub const FORMAT: &str = "k8s";

/// Kubernetes in the provider registry.
pub static PROVIDER: blastgraph_model::Provider = blastgraph_model::Provider {
    name: "k8s",
    accepts: "a cluster's `kubectl get serviceaccounts,secrets,roles,rolebindings,clusterroles,clusterrolebindings -A -o json` output or its `openid-configuration.json` under `k8s/CLUSTER/`, or an EKS pod identity association (`aws eks describe-pod-identity-association`)",
    docs: "docs/k8s-raw-layout.md",
    connector: &K8sConnector,
};

/// Reads the Kubernetes layout.
#[derive(Debug, Default, Clone, Copy)]
pub struct K8sConnector;

impl Connector for K8sConnector {
    fn name(&self) -> &'static str {
        FORMAT
    }

    fn detect(&self, path: &str, head: &[u8]) -> bool {
        let path = path.replace('\\', "/");
        cluster_of(&path).is_some() && read::kind_of(&path, head).is_some()
    }

    fn ingest(&self, path: &str, bytes: &[u8], out: &mut EstateBuilder) -> Result<(), IngestError> {
        read_all(&[(path, bytes, "")], out, false);
        Ok(())
    }

    fn ingest_all(&self, files: &[InputFile<'_>], out: &mut EstateBuilder) {
        let files: Vec<(&str, &[u8], &str)> =
            files.iter().map(|f| (f.path, f.bytes, f.sha256)).collect();
        read_all(&files, out, true);
    }
}

/// The cluster folder of a path: `…/k8s/CLUSTER/…` (the innermost `k8s`).
fn cluster_of(path: &str) -> Option<(&str, &str)> {
    let mut start = 0;
    let mut found = None;
    for seg in path.split('/') {
        let end = start + seg.len();
        if seg == "k8s" {
            let rest = &path[(end + 1).min(path.len())..];
            if let Some((cluster, _)) = rest.split_once('/')
                && !cluster.is_empty()
            {
                found = Some((&path[..end + 1 + cluster.len()], cluster));
            }
        }
        start = end + 1;
    }
    found
}

fn read_all(files: &[(&str, &[u8], &str)], out: &mut EstateBuilder, begin: bool) {
    if begin {
        for (path, bytes, sha) in files {
            out.begin_input(path, FORMAT, sha.to_string(), bytes.len() as u64);
        }
    }
    let mut clusters: BTreeMap<String, read::Cluster> = BTreeMap::new();
    for (path, bytes) in files.iter().map(|(p, b, _)| (*p, *b)) {
        if begin {
            out.select_input(path);
        }
        let norm = path.replace('\\', "/");
        let Some((root, name)) = cluster_of(&norm) else {
            out.warning_code(
                Code::NotInLayout,
                "$",
                "not under a `k8s/CLUSTER/` folder: which cluster it describes is unknown; skipped",
            );
            continue;
        };
        let head = &bytes[..bytes.len().min(4096)];
        let Some(kind) = read::kind_of(&norm, head) else {
            out.warning_code(
                Code::NotInLayout,
                "$",
                "not a file of the Kubernetes layout; skipped",
            );
            continue;
        };
        let Some(value) = read_or_report(path, bytes, out) else {
            continue;
        };
        let cluster = clusters
            .entry(root.to_string())
            .or_insert_with(|| read::Cluster::new(name));
        let file = cluster.file(path);
        if let Err(e) = read::file(cluster, file, kind, &value, out) {
            out.file_error(&IngestError::Shape {
                file: path.to_string(),
                location: e.location,
                message: e.message,
            });
        }
    }
    for cluster in clusters.values() {
        emit::emit(cluster, out);
    }
}
