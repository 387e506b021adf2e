//! Azure live collection: calls Microsoft Graph and Azure Resource Manager
//! and writes the Azure raw layout of `docs/azure-raw-layout.md`, the same
//! folder `connectors/azure/az-snapshot.sh` makes with `az rest`.
//!
//! [`collect`] picks a credential ([`auth`]: client secret, workload
//! identity, managed identity or the developer tools `az` / `azd`, by
//! `--credential` or, for `auto`, by which settings the environment holds),
//! asks it for one Graph and one ARM token up front (a credential that does
//! not work stops the collection with its own error), then makes the calls
//! of the script, in its order and with its api-versions (`calls.rs`): the
//! directory lists, then the per-object lists their ids lead to; the
//! management groups and subscriptions, then every subscription's (or the
//! `--subscription`s') role definitions, assignments, eligibilities and
//! resource lists, then the per-resource lists (Key Vault secret *names*,
//! containers, Cosmos DB data roles, deployments, models, federated
//! credentials). Each answer is written, pages merged, to the file its path
//! names (`fetch.rs`).
//!
//! # Nothing secret
//!
//! Metadata only. No call returns a secret value: no `listKeys`, no
//! `listSecrets`, no Key Vault data plane (`…/secrets` on ARM lists names
//! and attributes, never values); Graph lists application and service
//! principal credentials with `secretText: null`. Tokens and the client
//! secret are never written, printed or put in an error: the secret is read
//! from `AZURE_CLIENT_SECRET` only (never a flag, which `ps` would show) and
//! held in `azure_core`'s [`Secret`](azure_core::credentials::Secret), whose
//! `Debug` hides it; a failed call is recorded with its HTTP status and the
//! service's error code and message, never the body or headers.
//!
//! # Failures
//!
//! Every call is recorded in `collection.json` ([`CollectionManifest`]): a
//! call that fails (`access_denied`, `not_found`, `error`) leaves no file,
//! and the collection goes on. A page that is not JSON, not an object, or
//! has no `value` array fails its call with the page and JSON path. The
//! collection stops only when no credential works or a file cannot be
//! written. Throttling (429, with `Retry-After`) and transient failures
//! (408, 500, 502, 503, 504, connection errors) are retried by
//! `azure_core`'s retry policy, up to [`MAX_ATTEMPTS`] attempts per request.
//!
//! # Same tenant, same files
//!
//! Lists keep the order the API returns; files are pretty JSON (two spaces,
//! as `jq` writes) with a final newline; calls in the manifest are sorted;
//! one field carries a time, the manifest's `collected_at`.
//!
//! # TLS and build cost
//!
//! `azure_core` and `azure_identity` are used without default features,
//! which drops their HTTP client (reqwest over rustls with aws-lc-rs, a C
//! build with cmake). `http.rs` implements `azure_core`'s `HttpClient` on
//! hyper 1, rustls over ring and the platform's trust store
//! (`rustls-native-certs`, which honours `SSL_CERT_FILE` and
//! `SSL_CERT_DIR`): the stack the AWS collector already builds. No OpenSSL.
//! Every request, token requests included, goes through it.
//!
//! # Feature
//!
//! Everything here is behind the `live` feature (the CLI's `live-azure`).

#![cfg(feature = "live")]
#![deny(missing_docs)]

pub mod auth;
mod calls;
mod command;
mod ctx;
mod fetch;
mod http;
mod manifest;

use std::path::PathBuf;

pub use crate::auth::Credential;
pub use crate::command::{COLLECTOR, CollectAzureArgs, summary};
pub use crate::manifest::{Api, CallRecord, CollectionManifest, FORMAT, Status, VERSION};
pub use blastgraph_model::collect::{NoProgress, Progress};

/// Attempts per request (the first one included) before a throttled or
/// transient failure is recorded as an error.
pub const MAX_ATTEMPTS: u32 = 10;

/// Microsoft Graph in the public cloud.
pub const GRAPH_URL: &str = "https://graph.microsoft.com";
/// Azure Resource Manager in the public cloud.
pub const ARM_URL: &str = "https://management.azure.com";
/// A Key Vault's data plane in Azure's public cloud; `{vault}` is the
/// vault's name. Its token scope is `https://vault.azure.net/.default`.
pub const KEYVAULT_URL: &str = "https://{vault}.vault.azure.net";

/// What to collect, with which credential, and where to write it.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// The tenant to sign in to (`--tenant`; else `AZURE_TENANT_ID` where a
    /// credential needs one).
    pub tenant: Option<String>,
    /// Only these subscriptions' ARM calls; empty: every subscription
    /// `GET /subscriptions` lists.
    pub subscriptions: Vec<String>,
    /// Which credential.
    pub credential: Credential,
    /// The application (client) id: of the app registration for
    /// `client-secret` and `workload-identity`, of a user-assigned identity
    /// for `managed-identity` (else `AZURE_CLIENT_ID`).
    pub client_id: Option<String>,
    /// The Entra authority host (`https://login.microsoftonline.com` when
    /// `None` and `AZURE_AUTHORITY_HOST` is unset).
    pub authority: Option<String>,
    /// Microsoft Graph's base URL ([`GRAPH_URL`]).
    pub graph_url: String,
    /// Azure Resource Manager's base URL ([`ARM_URL`]).
    pub arm_url: String,
    /// The output folder (created if missing).
    pub out_dir: PathBuf,
    /// The `tool` value of `collection.json`, e.g. `blastgraph 0.1.0`.
    pub tool: String,
    /// Attempts per request; 0 means [`MAX_ATTEMPTS`].
    pub max_attempts: u32,
    /// `--inspect-secret-values`: each listed Key Vault secret's value is
    /// read in memory, scanned for the credentials it holds and dropped;
    /// what it holds (never the value) goes to
    /// `keyvault/blastgraph-inspected.json`.
    pub inspect_values: bool,
    /// A vault's data-plane URL, `{vault}` standing for its name
    /// ([`KEYVAULT_URL`]).
    pub keyvault_url: String,
}

impl Default for CollectOptions {
    fn default() -> Self {
        Self {
            tenant: None,
            subscriptions: Vec::new(),
            credential: Credential::Auto,
            client_id: None,
            authority: None,
            graph_url: GRAPH_URL.into(),
            arm_url: ARM_URL.into(),
            out_dir: PathBuf::new(),
            tool: String::new(),
            max_attempts: 0,
            inspect_values: false,
            keyvault_url: KEYVAULT_URL.into(),
        }
    }
}

/// What stops a collection (a failed call does not: it is recorded).
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// No credential could be chosen, or the chosen one gives no token.
    #[error("{0}")]
    Credential(#[from] auth::CredentialError),
    /// A base URL flag is not an https URL.
    #[error("`--{flag}` `{url}` is not usable: {reason}")]
    Url {
        /// The flag (`graph-url`, `arm-url`, `authority`).
        flag: &'static str,
        /// Its value.
        url: String,
        /// Why.
        reason: String,
    },
    /// A `--subscription` that is not a subscription id.
    #[error("`--subscription` `{0}` is not a subscription id (letters, digits and `-`)")]
    Subscription(String),
    /// No trusted root certificate, or rustls refused its configuration.
    #[error("cannot set up TLS: {0}")]
    Tls(String),
    /// A file of the layout could not be written.
    #[error("cannot write `{path}`: {source}")]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// Collects with a current-thread tokio runtime of its own and returns the
/// manifest, which is also written as `collection.json`.
pub fn collect(
    opts: &CollectOptions,
    progress: &dyn Progress,
) -> Result<CollectionManifest, CollectError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CollectError::Runtime)?;
    rt.block_on(collect_async(opts, progress))
}

/// [`collect`] for callers that run their own tokio runtime (with its time
/// and I/O drivers enabled).
pub async fn collect_async(
    opts: &CollectOptions,
    progress: &dyn Progress,
) -> Result<CollectionManifest, CollectError> {
    let started_at = manifest::timestamp(std::time::SystemTime::now());
    let graph_base = fetch::base_url("graph-url", &opts.graph_url)?;
    let arm_base = fetch::base_url("arm-url", &opts.arm_url)?;
    if let Some(a) = &opts.authority {
        fetch::base_url("authority", a)?;
    }
    for s in &opts.subscriptions {
        if !calls::is_plain_id(s) {
            return Err(CollectError::Subscription(s.clone()));
        }
    }
    let attempts = if opts.max_attempts == 0 {
        MAX_ATTEMPTS
    } else {
        opts.max_attempts
    };
    let tls = http::tls_config()?;
    let settings = auth::Settings::from_env(opts);
    progress.stage("credentials");
    let chosen = auth::credential(&settings, &tls, attempts)?;
    let graph_scope = fetch::scope(&graph_base);
    let arm_scope = fetch::scope(&arm_base);
    auth::check(&chosen, &[&graph_scope, &arm_scope]).await?;
    let vaults = if opts.inspect_values {
        let scope = fetch::keyvault_scope(&opts.keyvault_url)?;
        auth::check(&chosen, &[&scope]).await?;
        Some((opts.keyvault_url.clone(), scope))
    } else {
        None
    };

    std::fs::create_dir_all(&opts.out_dir).map_err(|source| CollectError::Write {
        path: opts.out_dir.clone(),
        source,
    })?;
    let https = http::Https::new(tls, false);
    let graph = fetch::Api::new(
        fetch::ApiKind::Graph,
        graph_base,
        &https,
        chosen.token.clone(),
        graph_scope,
        attempts,
    );
    let arm = fetch::Api::new(
        fetch::ApiKind::Arm,
        arm_base,
        &https,
        chosen.token.clone(),
        arm_scope,
        attempts,
    );
    let ctx = ctx::Ctx::new(opts.out_dir.clone(), progress);
    let vaults = vaults.map(|(template, scope)| fetch::Vaults {
        template,
        scope,
        https: https.clone(),
        token: chosen.token.clone(),
        attempts,
    });
    let collected = calls::run(&ctx, &graph, &arm, vaults.as_ref(), opts).await?;

    let mut calls = ctx.into_calls();
    calls.sort_by(|a, b| (a.api, &a.path).cmp(&(b.api, &b.path)));
    let manifest = CollectionManifest {
        format: FORMAT.into(),
        version: VERSION,
        tool: opts.tool.clone(),
        credential: chosen.kind.name().into(),
        tenant: collected.tenant,
        subscriptions: collected.subscriptions,
        calls,
        collected_at: Some(started_at),
    };
    let path = opts.out_dir.join("collection.json");
    let value = serde_json::to_value(&manifest).map_err(|e| CollectError::Write {
        path: path.clone(),
        source: std::io::Error::other(e),
    })?;
    std::fs::write(&path, blastgraph_model::collect::pretty_json(&value))
        .map_err(|source| CollectError::Write { path, source })?;
    Ok(manifest)
}
