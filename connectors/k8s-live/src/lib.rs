//! Kubernetes live collection: `blastgraph collect k8s --cluster NAME -o
//! DIR` asks the API server for the objects of
//! `connectors/k8s/k8s-snapshot.sh` and writes `DIR/k8s/NAME/rbac.json`
//! (kubectl's `List`, each item with its `kind`, secret values removed
//! before anything is written) and `openid-configuration.json`.
//!
//! The server from `--server` or `KUBE_SERVER`, the bearer token from
//! `KUBE_TOKEN`, the CA from `--certificate-authority` or `KUBE_CA_FILE`;
//! inside a pod, the service account's token, CA and
//! `KUBERNETES_SERVICE_HOST` are used when those are not given. (A
//! kubeconfig is not read: `kubectl` users run the script.) The token is
//! never written, printed or put in an error.
//!
//! Everything here is behind the `live` feature (the CLI's `live-k8s`).

#[cfg(feature = "live")]
mod collect;

#[cfg(feature = "live")]
pub use collect::{COLLECTOR, K8sCollector, Options, collect};
