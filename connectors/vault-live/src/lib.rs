//! HashiCorp Vault live collection: `blastgraph collect vault -o DIR` calls
//! Vault's HTTP API and writes the Vault raw layout of
//! `docs/vault-raw-layout.md`, the same folder
//! `connectors/vault/vault-snapshot.sh` makes with `curl` and `jq`, call for
//! call and byte for byte.
//!
//! # Credentials, as the `vault` CLI takes them
//!
//! The address from `--address` or `VAULT_ADDR`; the token from
//! `VAULT_TOKEN`, else the `vault` CLI's token file `~/.vault-token` (never
//! a flag, which `ps` would show); the namespace from `--namespace` or
//! `VAULT_NAMESPACE` (sent as `X-Vault-Namespace`, files under
//! `vault/NAMESPACE/`); a private CA from `VAULT_CACERT` (PEM). The token is
//! never written, printed or put in an error.
//!
//! # Nothing secret
//!
//! KV mounts are listed and their metadata read; `data/` (the values),
//! KV 1 reads and `cubbyhole/` are never requested — but with
//! `--inspect-secret-values`, when each KV value is read in memory, scanned
//! for the credentials it holds, and dropped: `blastgraph-inspected.json`
//! records what it holds (kind, public identifier, shape), never the value.
//!
//! # Failures
//!
//! Every response body is written as Vault returned it, an error body too
//! (`{"errors":["permission denied"]}`): the connector reads it as the gap it
//! is. The collection stops only when the address or the token is missing,
//! Vault cannot be reached at all, or a file cannot be written.
//!
//! Everything here is behind the `live` feature (the CLI's `live-vault`).

#[cfg(feature = "live")]
mod collect;

#[cfg(feature = "live")]
pub use collect::{COLLECTOR, Options, Outcome, VaultCollector, collect, summary};
