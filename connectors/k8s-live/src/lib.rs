//! Kubernetes live collection: `blastgraph collect k8s --cluster NAME -o
//! DIR` asks the API server for the objects of
//! `connectors/k8s/k8s-snapshot.sh` and writes `DIR/k8s/NAME/rbac.json`
//! (kubectl's `List`, each item with its `kind`, secret values removed
//! before anything is written) and `openid-configuration.json`.
//!
//! Where the cluster is and how to sign in, as `kubectl` finds them: the
//! server from `--server` or `KUBE_SERVER` (with the bearer token from
//! `KUBE_TOKEN` and the CA from `--certificate-authority` or
//! `KUBE_CA_FILE`); else a kubeconfig (`--kubeconfig`, `KUBECONFIG`,
//! `~/.kube/config`) and its context (`--context`, else the current one):
//! token, token file, client certificate or exec plugin
//! ([`kubeconfig`]); else, inside a pod, the service account's token, CA
//! and `KUBERNETES_SERVICE_HOST`. Tokens and keys are never written,
//! printed or put in an error.
//!
//! Everything here is behind the `live` feature (the CLI's `live-k8s`).

#[cfg(feature = "live")]
mod collect;
#[cfg(feature = "live")]
mod kubeconfig;

#[cfg(feature = "live")]
pub use collect::{COLLECTOR, K8sCollector, Options, collect};
