//! Which credential signs the collection in, and how it is chosen.
//!
//! `--credential` names one; `auto` (the default) takes the first whose
//! settings are present, in this order, and never tries another after it:
//!
//! 1. `client-secret` when `AZURE_CLIENT_SECRET` is set (with the tenant
//!    from `--tenant` or `AZURE_TENANT_ID`, the application from
//!    `--client-id` or `AZURE_CLIENT_ID`). The secret is read from the
//!    environment only: a flag would show in `ps`.
//! 2. `workload-identity` when `AZURE_FEDERATED_TOKEN_FILE` is set (AKS
//!    workload identity, GitHub Actions' federated login): the same tenant
//!    and application settings, the assertion read from that file.
//! 3. `managed-identity` when `IDENTITY_ENDPOINT` is set (App Service,
//!    Functions, Container Apps); a user-assigned identity by `--client-id`
//!    or `AZURE_CLIENT_ID`.
//! 4. `developer-tools` otherwise: the Azure CLI's `az account
//!    get-access-token`, then the Azure Developer CLI's `azd auth token`
//!    (after `az login` / `azd auth login`), for `--tenant` when given.
//!
//! `auto` never asks the VM metadata service (169.254.169.254): a machine
//! that is not an Azure VM would wait over a minute for it to time out.
//! `--credential managed-identity` without `IDENTITY_ENDPOINT` asks it.
//!
//! Setting up and first use are checked before any call: a credential that
//! gives no token stops the collection with an error that names it and
//! says why (Entra's error code and description), never with the secret or
//! a token.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use azure_core::error::{Error, ErrorKind};
use azure_core::http::{ClientOptions, ExponentialRetryOptions, RetryOptions, Transport};
use azure_identity::{
    AzureCliCredential, AzureCliCredentialOptions, AzureDeveloperCliCredential,
    AzureDeveloperCliCredentialOptions, ClientAssertionCredentialOptions, ClientSecretCredential,
    ClientSecretCredentialOptions, ManagedIdentityCredential, ManagedIdentityCredentialOptions,
    UserAssignedId, WorkloadIdentityCredential, WorkloadIdentityCredentialOptions,
};

use crate::CollectOptions;
use crate::http::Https;

/// `--credential`: which credential signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Credential {
    /// The first whose settings are present (module docs).
    #[default]
    Auto,
    /// `az account get-access-token`, then `azd auth token`.
    DeveloperTools,
    /// An application's client secret, from `AZURE_CLIENT_SECRET`.
    ClientSecret,
    /// A managed identity: `IDENTITY_ENDPOINT`, else the VM metadata service.
    ManagedIdentity,
    /// A federated token from `AZURE_FEDERATED_TOKEN_FILE`.
    WorkloadIdentity,
}

impl Credential {
    /// The `--credential` value.
    pub fn name(self) -> &'static str {
        match self {
            Credential::Auto => "auto",
            Credential::DeveloperTools => "developer-tools",
            Credential::ClientSecret => "client-secret",
            Credential::ManagedIdentity => "managed-identity",
            Credential::WorkloadIdentity => "workload-identity",
        }
    }
}

/// Why no credential signs in.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// A setting the credential needs is missing.
    #[error("`--credential {credential}` needs {what}: {how}")]
    Missing {
        /// The credential (`client-secret`, ...).
        credential: &'static str,
        /// What is missing.
        what: &'static str,
        /// Where to give it.
        how: &'static str,
    },
    /// The credential could not be built from its settings.
    #[error("the {credential} credential ({name}) cannot be set up: {message}")]
    Setup {
        /// The credential (`client-secret`, ...).
        credential: &'static str,
        /// Its `azure_identity` type.
        name: &'static str,
        /// Why.
        message: String,
    },
    /// The credential gave no token.
    #[error("the {credential} credential ({name}) gives no token for `{scope}`: {message}{hint}")]
    Token {
        /// The credential (`client-secret`, ...).
        credential: &'static str,
        /// Its `azure_identity` type.
        name: &'static str,
        /// The scope asked for.
        scope: String,
        /// Why (Entra's or the tool's error).
        message: String,
        /// What else could be done, for `auto`.
        hint: &'static str,
    },
}

/// The settings the choice reads: flags, then the environment.
#[derive(Debug, Default)]
pub(crate) struct Settings {
    pub kind: Credential,
    /// `--tenant`.
    pub tenant_flag: Option<String>,
    /// `AZURE_TENANT_ID`.
    pub tenant_env: Option<String>,
    /// `--client-id`, else `AZURE_CLIENT_ID`.
    pub client_id: Option<String>,
    /// `AZURE_CLIENT_SECRET`.
    pub client_secret: Option<Secret>,
    /// `AZURE_FEDERATED_TOKEN_FILE`.
    pub federated_token_file: Option<PathBuf>,
    /// Whether `IDENTITY_ENDPOINT` is set.
    pub identity_endpoint: bool,
    /// `--authority`.
    pub authority: Option<String>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Settings {
    /// The options' flags and this process's environment.
    pub(crate) fn from_env(opts: &CollectOptions) -> Self {
        Self {
            kind: opts.credential,
            tenant_flag: opts.tenant.clone().filter(|t| !t.is_empty()),
            tenant_env: env("AZURE_TENANT_ID"),
            client_id: opts
                .client_id
                .clone()
                .filter(|c| !c.is_empty())
                .or_else(|| env("AZURE_CLIENT_ID")),
            client_secret: env("AZURE_CLIENT_SECRET").map(Secret::new),
            federated_token_file: env("AZURE_FEDERATED_TOKEN_FILE").map(PathBuf::from),
            identity_endpoint: env("IDENTITY_ENDPOINT").is_some(),
            authority: opts.authority.clone(),
        }
    }

    fn tenant(&self) -> Option<&String> {
        self.tenant_flag.as_ref().or(self.tenant_env.as_ref())
    }
}

/// The credential the settings call for (no I/O).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Plan {
    ClientSecret {
        tenant: String,
        client_id: String,
    },
    Workload {
        tenant: String,
        client_id: String,
        token_file: PathBuf,
    },
    Managed {
        client_id: Option<String>,
    },
    DeveloperTools {
        tenant: Option<String>,
    },
}

const TENANT_HOW: &str = "give `--tenant` or set `AZURE_TENANT_ID`";
const CLIENT_HOW: &str = "give `--client-id` or set `AZURE_CLIENT_ID`";

/// Chooses the credential (module docs).
pub(crate) fn plan(s: &Settings) -> Result<(Credential, Plan), CredentialError> {
    let kind = match s.kind {
        Credential::Auto if s.client_secret.is_some() => Credential::ClientSecret,
        Credential::Auto if s.federated_token_file.is_some() => Credential::WorkloadIdentity,
        Credential::Auto if s.identity_endpoint => Credential::ManagedIdentity,
        Credential::Auto => Credential::DeveloperTools,
        k => k,
    };
    let missing = |what, how| CredentialError::Missing {
        credential: kind.name(),
        what,
        how,
    };
    let tenant = || s.tenant().cloned().ok_or(missing("a tenant", TENANT_HOW));
    let client_id = || {
        s.client_id
            .clone()
            .ok_or(missing("an application (client) id", CLIENT_HOW))
    };
    let plan = match kind {
        Credential::ClientSecret => {
            if s.client_secret.is_none() {
                return Err(missing(
                    "a client secret",
                    "set `AZURE_CLIENT_SECRET` (it is never read from a flag)",
                ));
            }
            Plan::ClientSecret {
                tenant: tenant()?,
                client_id: client_id()?,
            }
        }
        Credential::WorkloadIdentity => Plan::Workload {
            token_file: s.federated_token_file.clone().ok_or(missing(
                "a federated token file",
                "set `AZURE_FEDERATED_TOKEN_FILE`",
            ))?,
            tenant: tenant()?,
            client_id: client_id()?,
        },
        Credential::ManagedIdentity => Plan::Managed {
            client_id: s.client_id.clone(),
        },
        Credential::DeveloperTools | Credential::Auto => Plan::DeveloperTools {
            tenant: s.tenant_flag.clone(),
        },
    };
    Ok((kind, plan))
}

/// The chosen credential.
#[derive(Debug, Clone)]
pub(crate) struct Chosen {
    pub kind: Credential,
    /// Whether `auto` chose it.
    pub auto: bool,
    /// Its `azure_identity` type.
    pub name: &'static str,
    pub token: Arc<dyn TokenCredential>,
}

/// Client options for a credential's own requests: our HTTP client, the
/// authority, the retries.
pub(crate) fn client_options(
    https: Arc<Https>,
    authority: Option<&str>,
    attempts: u32,
) -> ClientOptions {
    ClientOptions {
        transport: Some(Transport::new(https)),
        cloud: authority.map(|a| {
            let mut c = azure_core::cloud::CustomConfiguration::default();
            c.authority_host = a.trim_end_matches('/').to_string();
            Arc::new(azure_core::cloud::CloudConfiguration::Custom(c))
        }),
        retry: retry(attempts),
        ..Default::default()
    }
}

/// `attempts` in all (the first included), waiting as `Retry-After` says
/// on 429 and 503.
pub(crate) fn retry(attempts: u32) -> RetryOptions {
    RetryOptions::exponential(ExponentialRetryOptions {
        max_retries: attempts.saturating_sub(1),
        // Throttled tenants are told to wait minutes, not seconds: the
        // attempts bound the retries, not the default 60 s budget.
        max_total_elapsed: azure_core::time::Duration::minutes(15),
        ..Default::default()
    })
}

/// Builds the chosen credential.
pub(crate) fn credential(
    s: &Settings,
    tls: &rustls::ClientConfig,
    attempts: u32,
) -> Result<Chosen, CredentialError> {
    let (kind, plan) = plan(s)?;
    let auto = s.kind == Credential::Auto;
    let authority = s.authority.as_deref();
    let setup = |name: &'static str| {
        move |e: Error| CredentialError::Setup {
            credential: kind.name(),
            name,
            message: message(&e),
        }
    };
    let (name, token): (&'static str, Arc<dyn TokenCredential>) = match plan {
        Plan::ClientSecret { tenant, client_id } => {
            let name = "ClientSecretCredential";
            let secret = s.client_secret.clone().unwrap_or_else(|| Secret::new(""));
            let c = ClientSecretCredential::new(
                &tenant,
                client_id,
                secret,
                Some(ClientSecretCredentialOptions {
                    client_options: client_options(
                        Https::new(tls.clone(), false),
                        authority,
                        attempts,
                    ),
                }),
            )
            .map_err(setup(name))?;
            (name, c)
        }
        Plan::Workload {
            tenant,
            client_id,
            token_file,
        } => {
            let name = "WorkloadIdentityCredential";
            let c = WorkloadIdentityCredential::new(Some(WorkloadIdentityCredentialOptions {
                credential_options: ClientAssertionCredentialOptions {
                    client_options: client_options(
                        Https::new(tls.clone(), false),
                        authority,
                        attempts,
                    ),
                },
                client_id: Some(client_id),
                tenant_id: Some(tenant),
                token_file_path: Some(token_file),
            }))
            .map_err(setup(name))?;
            (name, c)
        }
        Plan::Managed { client_id } => {
            let name = "ManagedIdentityCredential";
            // The identity endpoints are local plain-HTTP services.
            let c = ManagedIdentityCredential::new(Some(ManagedIdentityCredentialOptions {
                user_assigned_id: client_id.map(UserAssignedId::ClientId),
                client_options: client_options(Https::new(tls.clone(), true), None, attempts),
            }))
            .map_err(setup(name))?;
            (name, c)
        }
        Plan::DeveloperTools { tenant } => {
            let name = "AzureCliCredential, then AzureDeveloperCliCredential";
            let cli = AzureCliCredential::new(Some(AzureCliCredentialOptions {
                tenant_id: tenant.clone(),
                ..Default::default()
            }))
            .map_err(setup(name))?;
            let azd = AzureDeveloperCliCredential::new(Some(AzureDeveloperCliCredentialOptions {
                tenant_id: tenant,
                ..Default::default()
            }))
            .map_err(setup(name))?;
            let c: Arc<dyn TokenCredential> = Arc::new(DeveloperTools {
                sources: vec![("az", cli), ("azd", azd)],
                chosen: AtomicUsize::new(usize::MAX),
            });
            (name, c)
        }
    };
    Ok(Chosen {
        kind,
        auto,
        name,
        token,
    })
}

/// Asks the credential for a token for each scope, so that a credential
/// that does not work stops the collection before any call.
pub(crate) async fn check(chosen: &Chosen, scopes: &[&str]) -> Result<(), CredentialError> {
    for scope in scopes {
        if let Err(e) = chosen.token.get_token(&[scope], None).await {
            return Err(CredentialError::Token {
                credential: chosen.kind.name(),
                name: chosen.name,
                scope: (*scope).to_string(),
                message: message(&e),
                hint: if chosen.auto && chosen.kind == Credential::DeveloperTools {
                    " (no other credential is configured: run `az login`, set \
                     `AZURE_CLIENT_SECRET`, `AZURE_TENANT_ID` and `AZURE_CLIENT_ID`, or \
                     choose one with `--credential`)"
                } else {
                    ""
                },
            });
        }
    }
    Ok(())
}

/// An error's messages and their sources on one line, without repeats.
pub(crate) fn message(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(x) = cur {
        let m = x
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !m.is_empty() && !parts.iter().any(|p| p.contains(&m)) {
            parts.push(m);
        }
        cur = x.source();
    }
    parts.join(": ")
}

/// `az`, then `azd`: the first that gives a token is kept (like
/// `azure_identity`'s `DeveloperToolsCredential`, which takes no tenant).
#[derive(Debug)]
struct DeveloperTools {
    sources: Vec<(&'static str, Arc<dyn TokenCredential>)>,
    chosen: AtomicUsize,
}

#[async_trait::async_trait]
impl TokenCredential for DeveloperTools {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let i = self.chosen.load(Ordering::Relaxed);
        if let Some((_, source)) = self.sources.get(i) {
            return source.get_token(scopes, options).await;
        }
        let mut errors = Vec::new();
        for (i, (tool, source)) in self.sources.iter().enumerate() {
            match source.get_token(scopes, options.clone()).await {
                Ok(t) => {
                    self.chosen.store(i, Ordering::Relaxed);
                    return Ok(t);
                }
                Err(e) => errors.push(format!("{tool}: {}", message(&e))),
            }
        }
        Err(Error::with_message(
            ErrorKind::Credential,
            errors.join("; "),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(kind: Credential) -> Settings {
        Settings {
            kind,
            ..Settings::default()
        }
    }

    #[test]
    fn auto_takes_the_first_credential_whose_settings_are_present() {
        let mut s = settings(Credential::Auto);
        assert_eq!(
            plan(&s).unwrap(),
            (
                Credential::DeveloperTools,
                Plan::DeveloperTools { tenant: None }
            )
        );
        s.identity_endpoint = true;
        assert_eq!(plan(&s).unwrap().0, Credential::ManagedIdentity);
        s.federated_token_file = Some("/var/run/token".into());
        s.tenant_env = Some("t".into());
        s.client_id = Some("c".into());
        assert_eq!(
            plan(&s).unwrap(),
            (
                Credential::WorkloadIdentity,
                Plan::Workload {
                    tenant: "t".into(),
                    client_id: "c".into(),
                    token_file: "/var/run/token".into()
                }
            )
        );
        s.client_secret = Some(Secret::new("s3cr3t"));
        s.tenant_flag = Some("flag".into());
        assert_eq!(
            plan(&s).unwrap(),
            (
                Credential::ClientSecret,
                Plan::ClientSecret {
                    tenant: "flag".into(),
                    client_id: "c".into()
                }
            )
        );
    }

    #[test]
    fn auto_never_asks_the_vm_metadata_service() {
        // Nothing set: the developer tools, not managed identity.
        let (kind, _) = plan(&settings(Credential::Auto)).unwrap();
        assert_eq!(kind, Credential::DeveloperTools);
        // Asked for by name, managed identity goes without any setting.
        let (kind, p) = plan(&settings(Credential::ManagedIdentity)).unwrap();
        assert_eq!(kind, Credential::ManagedIdentity);
        assert_eq!(p, Plan::Managed { client_id: None });
    }

    #[test]
    fn missing_settings_say_where_to_give_them() {
        let e = plan(&settings(Credential::ClientSecret))
            .unwrap_err()
            .to_string();
        assert!(e.contains("`AZURE_CLIENT_SECRET`"), "{e}");
        assert!(e.contains("never read from a flag"), "{e}");
        let mut s = settings(Credential::Auto);
        s.client_secret = Some(Secret::new("s3cr3t"));
        let e = plan(&s).unwrap_err().to_string();
        assert_eq!(
            e,
            "`--credential client-secret` needs a tenant: give `--tenant` or set `AZURE_TENANT_ID`"
        );
        s.tenant_flag = Some("t".into());
        let e = plan(&s).unwrap_err().to_string();
        assert!(e.contains("`--client-id`"), "{e}");
        assert!(!e.contains("s3cr3t"), "{e}");
        let e = plan(&settings(Credential::WorkloadIdentity))
            .unwrap_err()
            .to_string();
        assert!(e.contains("`AZURE_FEDERATED_TOKEN_FILE`"), "{e}");
    }

    #[test]
    fn the_developer_tools_take_only_the_tenant_flag() {
        let mut s = settings(Credential::DeveloperTools);
        s.tenant_env = Some("env".into());
        assert_eq!(plan(&s).unwrap().1, Plan::DeveloperTools { tenant: None });
        s.tenant_flag = Some("flag".into());
        assert_eq!(
            plan(&s).unwrap().1,
            Plan::DeveloperTools {
                tenant: Some("flag".into())
            }
        );
    }

    /// Every credential builds with our transport (without one, azure_core
    /// would panic: it has no default HTTP client here).
    #[test]
    fn every_credential_builds_with_our_transport() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _guard = rt.enter();
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
        let dir = std::env::temp_dir().join(format!("bg-azure-token-{}", std::process::id()));
        std::fs::write(&dir, "assertion").unwrap();
        for kind in [
            Credential::ClientSecret,
            Credential::WorkloadIdentity,
            Credential::ManagedIdentity,
            Credential::DeveloperTools,
        ] {
            let s = Settings {
                kind,
                tenant_flag: Some("t".into()),
                client_id: Some("c".into()),
                client_secret: Some(Secret::new("s")),
                federated_token_file: Some(dir.clone()),
                authority: Some("https://127.0.0.1:9".into()),
                ..Settings::default()
            };
            let c = credential(&s, &tls, 1).unwrap();
            assert_eq!(c.kind, kind);
            assert!(!format!("{c:?}").contains("assertion"));
        }
        let _ = std::fs::remove_file(&dir);
    }
}
