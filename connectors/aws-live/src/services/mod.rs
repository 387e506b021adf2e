//! One function per part of the layout, one module per service family: the
//! calls, and the conversion of their outputs to the CLI's JSON.

use std::collections::BTreeMap;
use std::future::Future;

use aws_config::{Region, SdkConfig};
use futures_util::stream::{self, StreamExt};
use serde_json::{Value, json};

use crate::CollectError;
use crate::ctx::{Ctx, Outcome, Scope};
use crate::json::{J, file_name, tag};
use crate::manifest::Status;

/// Per-resource calls in flight at once (in one thread; `buffered` keeps
/// their order).
const CONCURRENCY: usize = 8;

/// Runs `f` over `items`, [`CONCURRENCY`] at a time, and keeps the outputs
/// of the calls that succeeded, in order.
async fn each<I, F, Fut, T>(items: I, f: F) -> Result<Vec<T>, CollectError>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future<Output = Outcome<T>>,
{
    let results: Vec<Outcome<T>> = stream::iter(items)
        .map(f)
        .buffered(CONCURRENCY)
        .collect()
        .await;
    let mut out = Vec::new();
    for r in results {
        if let Some(t) = r? {
            out.push(t);
        }
    }
    Ok(out)
}

/// `[x for page in pages for x in page.key]` as one JSON array.
fn merged<P, T>(
    pages: &[P],
    items: impl Fn(&P) -> Option<&Vec<T>>,
    f: impl Fn(&T) -> Value,
) -> Value {
    Value::Array(
        pages
            .iter()
            .filter_map(items)
            .flat_map(|v| v.iter().map(&f))
            .collect(),
    )
}

fn obj(key: &str, v: Value) -> Value {
    let mut m = serde_json::Map::new();
    m.insert(key.into(), v);
    Value::Object(m)
}

mod bedrock;
mod compute;
mod databases;
mod iam;
mod kms;
mod lambda;
mod messaging;
mod organizations;
mod pools;
mod s3;
mod sagemaker;
mod secrets;

use bedrock::*;
use compute::*;
use databases::*;
pub(crate) use iam::global;
use kms::*;
use lambda::*;
use messaging::*;
pub(crate) use organizations::organizations;
use pools::*;
use s3::*;
use sagemaker::*;
use secrets::*;

// -------------------------------------------------------------- regional --

/// Every regional part of the layout, for one account and region.
pub(crate) async fn regional(
    ctx: &Ctx<'_>,
    config: &SdkConfig,
    account: &str,
    region: &str,
) -> Result<(), CollectError> {
    let sc = Scope {
        account: account.to_string(),
        region: region.to_string(),
    };
    let base = format!("{account}/{region}");
    let (sc, base) = (&sc, base.as_str());
    kms(ctx, config, sc, base).await?;
    secretsmanager(ctx, config, sc, base).await?;
    ssm(ctx, config, sc, base).await?;
    lambda(ctx, config, sc, base).await?;
    sns(ctx, config, sc, base).await?;
    sqs(ctx, config, sc, base).await?;
    databases(ctx, config, sc, base).await?;
    sagemaker(ctx, config, sc, base).await?;
    bedrock(ctx, config, sc, base).await?;
    bedrock_agent(ctx, config, sc, base).await?;
    compute(ctx, config, sc, base).await?;
    cognito_identity(ctx, config, sc, base).await?;
    batch(ctx, config, sc, base).await?;
    sso_admin(ctx, config, sc, base).await?;
    Ok(())
}
