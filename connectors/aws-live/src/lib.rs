//! AWS live collection: calls the AWS APIs with the SDK and writes the raw
//! snapshot folder of `docs/aws-raw-layout.md`.
//!
//! [`collect`] resolves credentials with the standard chain
//! (`aws-config`: environment, shared config and credentials files with an
//! optional profile, SSO, `credential_process`, web identity, container and
//! instance metadata), asks STS who it is (the account id), then makes every
//! call of the layout: the global ones once per account (IAM, S3's bucket
//! list and bucket policies; Organizations once), the regional ones in every
//! region asked for. Each output is written as the file the AWS CLI would
//! print for the same call with `--output json`: the CLI's key spelling,
//! dates as `2024-01-01T00:00:00+00:00` (the CLI v2 default,
//! `cli_timestamp_format = iso8601`), IAM policy documents URL-decoded and
//! parsed (botocore does that for IAM), other policy documents as the JSON
//! strings the services return, paginated calls merged into one object, 4
//! spaces of indentation and a final newline. The SDK's structs are not
//! serializable, so each shape is converted field by field (module `json`
//! and the service modules); only the fields the layout lists and other
//! identity-relevant ones are written.
//!
//! # Nothing secret
//!
//! No call that returns a secret value is made: no
//! `secretsmanager:GetSecretValue`, no `ssm:GetParameter(s)`, no
//! `lambda:GetFunction` (its code URL), no `kms:Decrypt`. Fields that often
//! hold secrets are left out of the files even though the listing calls
//! return them: Lambda environment variables (`Environment`), CodeBuild
//! environment variables, CloudFormation parameters and outputs, Glue dev
//! endpoint keys, database master user names. Credentials are never logged
//! or written; an error message is the service's code and message.
//!
//! # Failures
//!
//! Every call is recorded in `collection.json` ([`CollectionManifest`]).
//! A call that fails is recorded (`access_denied`, `not_found`, or `error`
//! with the message; [`classify_code`]) and the collection goes on; nothing
//! is written for it. The collection stops only when it cannot start (no
//! credentials, no region, STS refuses the caller) or a file cannot be
//! written. Throttling is retried by the SDK in adaptive mode with
//! [`MAX_ATTEMPTS`] attempts.
//!
//! # Same estate, same files
//!
//! Lists keep the order the API returns (stable for an unchanged estate);
//! string maps (SNS and SQS attributes) are sorted by key, since the SDK
//! holds them in a `HashMap`; calls in the manifest are sorted; one field
//! carries a time, the manifest's `collected_at` (time-conditioned policies
//! are decided against it).
//!
//! # TLS and build cost
//!
//! The SDK crates are used with `default-features = false`, which drops
//! their default HTTPS client: in the current smithy stack
//! (`aws-smithy-http-client` 1.x) that default is rustls over **aws-lc-rs**,
//! whose `aws-lc-sys` build compiles a large C library with cmake (slow on
//! two cores, and one more build tool). Instead this crate builds the HTTP
//! client itself with `aws-smithy-http-client`'s `rustls-ring` feature:
//! rustls over **ring** (a small C/assembly build with `cc` only), hyper 1
//! and the platform's trust store (`rustls-native-certs`). The same client
//! serves the credential providers (STS, SSO, IMDS). No OpenSSL.
//! `sigv4a` (multi-region access points) is left out. Even so the SDK is
//! most of a cold release build (measured on two cores: 604 s with this
//! crate, 182 s without; `aws-sdk-ec2` 190 s, `aws-sdk-sagemaker` 125 s,
//! `aws-sdk-glue` 73 s of compile time), which is why the CLI has it behind
//! its `live` feature, off by default. The clients run on a
//! current-thread tokio runtime; per-resource calls go eight at a time
//! (`buffered`, which keeps their order).
//!
//! # Endpoint override
//!
//! [`CollectOptions::endpoint_url`] is set on every client (a local
//! emulator such as moto); S3 then uses path-style addressing.
//!
//! # Tests and moto's gaps
//!
//! `tests/moto.rs` runs the collector against a seeded moto server and
//! compares it with `tests/cli-snapshot.sh` (the AWS CLI making the same
//! calls): same files, same graph. Moto 5.2.5 falls short in places, none of
//! them in the collector: `Policies` of the authorization details have no
//! `PolicyName`/`PolicyId`; user permissions boundaries are dropped on
//! create; `bedrock list-foundation-models` and `bedrock-agent
//! list-agent-action-groups` answer HTTP 500; `bedrock-agent list-agents`
//! sends epoch-second dates where the model says ISO 8601 (botocore accepts
//! them, the SDK does not: recorded as `error`); denied JSON-protocol calls
//! get XML error bodies, so [`classify_code`] cannot see the code and the
//! HTTP status (403) decides.
//!
//! # Known gaps
//!
//! - OpenSearch, SageMaker notebooks, Bedrock agents, CodeBuild projects:
//!   one listing call whose result writes no file (`list-domain-names`,
//!   `list-notebook-instances`, `list-agents`, `list-projects`,
//!   `list-organizational-units-for-parent`, `generate-credential-report`)
//!   is recorded with `file: null`.
//! - Bedrock agents are read at version `DRAFT` (the working version).
//! - S3 bucket policies are read in the bucket's region (`BucketRegion` of
//!   `list-buckets`); when the service does not say, through the first
//!   region, and a bucket elsewhere is then recorded as an `error`
//!   (`PermanentRedirect`): the SDK does not follow S3's redirects as the
//!   CLI does.
//!
//! # Feature
//!
//! Everything here is behind the `sdk` feature (the CLI's `live-aws`), so
//! that a workspace build without it compiles no SDK crate.

#![cfg(feature = "sdk")]
#![deny(missing_docs)]

mod command;
mod ctx;
mod json;
mod services;

use std::path::PathBuf;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

pub use crate::command::{COLLECTOR, CollectAwsArgs, summary};
pub use crate::json::file_name;
pub use blastgraph_connector_aws::collection::{
    self as manifest, CallRecord, CollectionManifest, Status, classify_code,
};
pub use blastgraph_model::collect::{NoProgress, Progress};

/// Attempts per call (the first one included) before a throttled or
/// transient failure is recorded as an error.
pub const MAX_ATTEMPTS: u32 = 10;

/// What to collect, and where to write it.
#[derive(Debug, Clone, Default)]
pub struct CollectOptions {
    /// A profile of the shared config files; `None` uses the standard
    /// chain's default (`AWS_PROFILE`, then `default`).
    pub profile: Option<String>,
    /// Regions for the regional calls; empty means the profile's (or
    /// `AWS_REGION`'s) default region.
    pub regions: Vec<String>,
    /// An endpoint for every service (a local emulator), e.g.
    /// `http://127.0.0.1:5000`.
    pub endpoint_url: Option<String>,
    /// Roles to assume (by ARN) to collect more accounts, besides the
    /// caller's own.
    pub assume_roles: Vec<String>,
    /// The output folder (created if missing).
    pub out_dir: PathBuf,
    /// The `tool` value of `collection.json`, e.g. `blastgraph 0.1.0`.
    pub tool: String,
    /// Attempts per call before a throttled or transient failure is
    /// recorded; 0 means [`MAX_ATTEMPTS`].
    pub max_attempts: u32,
    /// `--inspect-secret-values`: each Secrets Manager secret's and SSM
    /// SecureString's value is read in memory, scanned for the credentials
    /// it holds and dropped; what it holds (never the value) goes to
    /// `REGION/{secretsmanager,ssm}/blastgraph-inspected.json`.
    pub inspect_values: bool,
}

/// What stops a collection (a failed call does not: it is recorded).
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// The standard chain found no credentials.
    #[error(
        "no AWS credentials found (give `--profile`, set `AWS_PROFILE` or `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, or run `aws configure` or `aws sso login`): {0}"
    )]
    NoCredentials(String),
    /// Neither `--regions` nor the profile names a region.
    #[error(
        "no region: give one with `--regions` or set a default region in the profile (or `AWS_REGION`)"
    )]
    NoRegion,
    /// STS did not say who the caller is.
    #[error("sts get-caller-identity failed: {0}")]
    Identity(String),
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

/// The HTTP client: rustls over ring (see the crate docs).
fn http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::tls;
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https()
}

/// Loads the shared configuration: credentials chain, profile, endpoint,
/// retries, HTTP client.
async fn load_config(opts: &CollectOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client())
        .retry_config(
            RetryConfig::adaptive().with_max_attempts(if opts.max_attempts == 0 {
                MAX_ATTEMPTS
            } else {
                opts.max_attempts
            }),
        );
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(u) = &opts.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    loader.load().await
}

/// Checks that the chain yields credentials, without showing them.
async fn check_credentials(config: &SdkConfig) -> Result<(), CollectError> {
    use aws_credential_types::provider::ProvideCredentials;
    let Some(provider) = config.credentials_provider() else {
        return Err(CollectError::NoCredentials(
            "no credentials provider is configured".into(),
        ));
    };
    provider
        .provide_credentials()
        .await
        .map(|_| ())
        .map_err(|e| {
            let mut parts = Vec::new();
            ctx::chain(&e, &mut parts);
            CollectError::NoCredentials(parts.join(": "))
        })
}

/// The account id of the caller.
async fn whoami(config: &SdkConfig) -> Result<String, CollectError> {
    let sts = aws_sdk_sts::Client::new(config);
    let out = sts.get_caller_identity().send().await.map_err(|e| {
        let (_, message) = ctx::classify(&e);
        CollectError::Identity(message)
    })?;
    out.account
        .ok_or_else(|| CollectError::Identity("the answer has no `Account`".into()))
}

/// [`collect`] for callers that run their own tokio runtime.
pub async fn collect_async(
    opts: &CollectOptions,
    progress: &dyn Progress,
) -> Result<CollectionManifest, CollectError> {
    let started_at = blastgraph_connector_aws::collection::timestamp(std::time::SystemTime::now());
    let base = load_config(opts).await;
    check_credentials(&base).await?;
    let mut regions: Vec<String> = Vec::new();
    for r in &opts.regions {
        if !r.is_empty() && !regions.contains(r) {
            regions.push(r.clone());
        }
    }
    if regions.is_empty() {
        match base.region() {
            Some(r) => regions.push(r.to_string()),
            None => return Err(CollectError::NoRegion),
        }
    }
    // Global APIs are called through the first region's endpoints.
    let home = regions.first().cloned().unwrap_or_default();
    let base = base.to_builder().region(Region::new(home.clone())).build();
    std::fs::create_dir_all(&opts.out_dir).map_err(|source| CollectError::Write {
        path: opts.out_dir.clone(),
        source,
    })?;
    let ctx = ctx::Ctx::new(opts.out_dir.clone(), progress, opts.inspect_values);

    let mut configs = vec![base.clone()];
    for arn in &opts.assume_roles {
        let provider = aws_config::sts::AssumeRoleProvider::builder(arn)
            .session_name("blastgraph-collect")
            .configure(&base)
            .build()
            .await;
        configs.push(
            base.to_builder()
                .credentials_provider(
                    aws_credential_types::provider::SharedCredentialsProvider::new(provider),
                )
                .build(),
        );
    }

    let mut accounts: Vec<String> = Vec::new();
    for (i, config) in configs.iter().enumerate() {
        let account = match whoami(config).await {
            Ok(a) => a,
            // The caller itself must be known; an assumed role that fails
            // is recorded and skipped.
            Err(e) if i > 0 => {
                let arn = opts.assume_roles.get(i - 1).map(String::as_str);
                ctx.fail(
                    &ctx::Scope {
                        account: String::new(),
                        region: "global".into(),
                    },
                    "sts",
                    "assume-role",
                    arn,
                    Status::Error,
                    e.to_string(),
                );
                continue;
            }
            Err(e) => return Err(e),
        };
        if accounts.contains(&account) {
            continue;
        }
        accounts.push(account.clone());
        progress.stage(&format!("{account} global"));
        services::global(&ctx, config, &account, opts.endpoint_url.is_some()).await?;
        if i == 0 {
            progress.stage(&format!("{account} organizations"));
            services::organizations(&ctx, config, &account).await?;
        }
        for region in &regions {
            progress.stage(&format!("{account} {region}"));
            let rc = config
                .to_builder()
                .region(Region::new(region.clone()))
                .build();
            services::regional(&ctx, &rc, &account, region).await?;
        }
    }

    let mut calls = ctx.into_calls();
    calls.sort_by(|a, b| {
        (&a.account, &a.region, &a.service, &a.operation, &a.target).cmp(&(
            &b.account,
            &b.region,
            &b.service,
            &b.operation,
            &b.target,
        ))
    });
    accounts.sort();
    let manifest = CollectionManifest {
        format: manifest::FORMAT.into(),
        version: manifest::VERSION,
        tool: opts.tool.clone(),
        accounts,
        regions,
        calls,
        collected_at: Some(started_at),
    };
    let value = serde_json::to_value(&manifest).map_err(|e| CollectError::Write {
        path: opts.out_dir.join("collection.json"),
        source: std::io::Error::other(e),
    })?;
    let path = opts.out_dir.join("collection.json");
    std::fs::write(&path, json::pretty(&value))
        .map_err(|source| CollectError::Write { path, source })?;
    Ok(manifest)
}
