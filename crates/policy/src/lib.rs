//! AWS IAM policies: parsing, validation and the documented evaluation
//! logic, decided in three-valued logic so that what cannot be known at
//! analysis time is flagged instead of guessed.
//!
//! # Parse, then validate
//!
//! [`Policy::parse`] reads a document as AWS tools print it: a JSON object,
//! a JSON string holding one, or URL-encoded JSON (`aws iam get-role`). The
//! document is validated once into typed values: action patterns are
//! lower-cased and compiled into [`Glob`]s, resources into ARN patterns with
//! their policy variables located, principals into typed entries, condition
//! values into numbers, dates, CIDR blocks or patterns. A document that is
//! not JSON, or that gives a key twice in one object (IAM rejects such
//! documents), is an error ([`PolicyError`]); anything smaller is a
//! [`Problem`] naming its JSON path (`Statement[2].Condition.StringEquals`):
//! a structurally bad statement is dropped and the others kept; a condition
//! that cannot be understood (unknown operator, a date that is not a date)
//! keeps its statement but is always *undecided*, so a result that depends
//! on it is flagged rather than silently won or lost.
//!
//! # Matching
//!
//! `*` matches any run of characters and `?` exactly one. Actions are
//! case-insensitive; resources, condition values and ARNs are
//! case-sensitive, except with the `...IgnoreCase` operators and `Bool`;
//! condition keys are case-insensitive. Resources and the `Arn*` operators
//! match ARNs segment by segment: a wildcard stays within its
//! colon-separated segment, except a `*` that ends a segment, and the
//! resource part (after the fifth colon) where wildcards match anything.
//! `ArnEquals` and `ArnLike` behave alike, as documented. `NotAction` and
//! `NotResource` match what their list does not.
//!
//! Principals in resource-based policies are matched by kind. An account
//! (`123456789012` or `arn:aws:iam::123456789012:root`) *delegates* to that
//! account's IAM policies; a user ARN names the user; a role ARN names every
//! session of the role; an assumed-role session ARN names one session; `*`
//! names everyone; `Service`, `Federated` (OIDC/SAML providers) and
//! `CanonicalUser` name those callers. `NotPrincipal` exempts a caller only
//! when its whole chain is listed (account, then role, then session; or
//! account, then user), as AWS checks it; and, as documented, a `Deny` with
//! `NotPrincipal` always applies to users and roles that have a permissions
//! boundary.
//!
//! # Policy variables
//!
//! In the 2012-10-17 language, `${key}` in `Resource`/`NotResource` and in
//! string, ARN and `Bool` condition values is replaced by the key's value:
//! `aws:username`, `aws:userid`, `aws:PrincipalTag/KEY`,
//! `aws:PrincipalAccount`, `aws:PrincipalArn`, or any key of the request
//! context. `${*}`, `${?}` and `${$}` are the literal characters, and
//! `${key, 'default'}` falls back to the default when the key is absent.
//! An absent key without a default matches nothing; an unknown key makes the
//! match undecided (unless the rest of the pattern already rules it out).
//! In the 2008-10-17 language (also when `Version` is missing), `${...}` is
//! literal text.
//!
//! # Conditions, in three values
//!
//! A [`Context`] says, per key, its values, that it is absent, or nothing.
//! Keys about the principal (`aws:PrincipalArn`, `aws:PrincipalAccount`,
//! `aws:PrincipalType`, `aws:username`, `aws:userid`, `aws:PrincipalTag/*`,
//! `aws:PrincipalIsAWSService`, `aws:PrincipalServiceName`,
//! `aws:FederatedProvider`) and `aws:ResourceAccount` are derived from the
//! [`Principal`] and the request unless the context sets them, and so are
//! `aws:PrincipalOrgID` / `aws:PrincipalOrgPaths`
//! ([`Principal::with_organization`]) and the time keys `aws:CurrentTime`,
//! `aws:EpochTime` and `aws:TokenIssueTime` ([`Principal::with_request_time`],
//! exact or a lower bound; a user's access keys have no token issue time).
//! Any other key not set is unknown (or absent, in a [`Context::closed`]
//! context), and a condition on an unknown key is [`Tri::Unknown`].
//!
//! [`keys`] classifies every key by what decides it (docs/condition-keys.md).
//! A result left conditional only by keys the attacker chooses
//! (`aws:RequestedRegion`, request tags, `s3:prefix`, ...) is decided by
//! trying the values the policies name for them: the first request allowed
//! without conditions wins ([`Evaluation::chosen`]); when every condition on
//! them compares for equality and none is allowed, it is denied. Every key a
//! result stays undecided on is in [`Evaluation::undecided_keys`] with its
//! [`KeyClass`].
//!
//! Operators, keys and values combine as documented: several operators and
//! several keys are ANDed; several policy values for one key are ORed, and
//! NORed for negated operators. When the key is absent, a condition is
//! false, except that negated operators (`StringNotEquals`, `NotIpAddress`,
//! `ArnNotLike`, ...) are true, `...IfExists` is true, `ForAllValues:` is
//! true and `ForAnyValue:` is false. `Null` tests presence. With several
//! request values, `ForAnyValue:` needs one value to pass and
//! `ForAllValues:` every value; a negated operator under a qualifier tests
//! each value for matching *none* of the policy values; a plain operator
//! passes when any value matches (a negated one when none does).
//!
//! # Evaluation
//!
//! [`evaluate`] takes a [`Request`] and a [`PolicySet`] and returns an
//! [`Evaluation`]: a [`Decision`], a `conditional` flag with the undecided
//! statements (and their condition text), and the provenance of the
//! statements that decided. The logic, per the IAM User Guide:
//!
//! 1. An explicit `Deny` in any applicable policy (identity, resource,
//!    boundary, session, SCP, RCP) wins. An undecided `Deny` makes an
//!    otherwise-allowed result conditional.
//! 2. The grant. Within one account, an allow from the identity side (the
//!    identity policies, limited by the permissions boundary and session
//!    policies) *or* from the resource-based policy suffices. A resource
//!    policy that names the caller directly (its user ARN, its session ARN,
//!    `*`, its service or provider) grants regardless of boundary and
//!    session policies; one that names the role behind a session, or the
//!    IAM user behind a federated user session, is limited by them; one
//!    that names the account only delegates to the identity side. Role
//!    trust policies and KMS key policies must themselves allow
//!    ([`PolicySet::resource_policy_required`]): the identity side alone is
//!    not enough, and an account principal there means "and the identity
//!    side allows". Across accounts, the identity side *and* the resource
//!    policy must both allow. The root user has full access on the identity
//!    side.
//! 3. SCPs: every level (root, OUs, account) must have an applicable
//!    `Allow`. They restrict users, role sessions, root and federated users
//!    of member accounts, not service-linked roles, AWS service principals
//!    or web/SAML callers; the caller passes no SCPs for the management
//!    account. RCPs: likewise for the resource's account, only for actions
//!    of [`RCP_SERVICES`], not for service-linked roles.
//!
//! "Can principal P assume role R" is a request for `sts:AssumeRole` (or
//! `...WithWebIdentity`, `...WithSAML`) on R's ARN, with R's trust policy as
//! the resource policy, `resource_policy_required` set, P's identity
//! policies, and for federated callers a [`Principal::web_identity`] or
//! [`Principal::saml`] with the token's claims in the context
//! (`token.actions.githubusercontent.com:sub`, ...).
//!
//! A resource-based statement without `Principal` is read as naming
//! everyone (AWS rejects such statements, so they only come from hand-made
//! input); an identity-based statement without `Resource` is read as
//! covering every resource, with a [`Problem`].
//!
//! ```
//! use blastgraph_policy::{evaluate, Context, Decision, Policy, PolicySet, Principal, Request};
//!
//! // Can a GitHub Actions workflow of acme/app assume the deploy role?
//! let trust = Policy::parse("deploy-trust", r#"{
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Federated": "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"},
//!     "Action": "sts:AssumeRoleWithWebIdentity",
//!     "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}}
//!   }]}"#).unwrap().policy;
//! let caller = Principal::web_identity(
//!     "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com");
//! let set = PolicySet { resource: &[&trust], resource_policy_required: true, ..PolicySet::default() };
//! let role = "arn:aws:iam::111111111111:role/deploy";
//!
//! // The subject is not known offline: allowed, but only under the condition.
//! let e = evaluate(&Request::new(&caller, "sts:AssumeRoleWithWebIdentity", role), &set);
//! assert_eq!(e.decision, Decision::Allowed);
//! assert!(e.conditional);
//! assert_eq!(e.conditions().next(),
//!     Some(r#"{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/app:*"}}"#));
//!
//! // With the token's claims, it is decided.
//! let ctx = Context::new().with("token.actions.githubusercontent.com:sub", ["repo:evil/app:ref:refs/heads/main"]);
//! let e = evaluate(&Request::new(&caller, "sts:AssumeRoleWithWebIdentity", role).with_context(&ctx), &set);
//! assert_eq!(e.decision, Decision::ImplicitDeny);
//! ```
//!
//! # Performance
//!
//! Policies are parsed once; [`PolicySet`] borrows them, so one set serves
//! every request of a principal. Each policy keeps its statements indexed
//! by the literal service prefix of their actions, so a request only visits
//! statements that can name its service (plus `*`/`NotAction` ones).
//! Evaluation checks the action first (pre-lower-cased globs), then the
//! principal, resource and condition, and allocates only to report the
//! statements of a result that is not a plain implicit deny (and for
//! patterns that contain policy variables). On the 2-core development
//! machine (release build): about 260 ns per request against an
//! administrator policy plus an SCP, and about 1.9 µs against ten policies
//! of twenty statements each (ten to twenty candidate statements per
//! request).
//!
//! [`Policy::statements_allowing`], [`Policy::may_allow`] and
//! [`Statement::action_patterns`] let a connector find candidate actions
//! and statements before it builds requests.

pub mod actions;
mod condition;
mod context;
mod date;
mod error;
mod eval;
mod glob;
mod ip;
pub mod keys;
mod parse;
mod policy;
mod principal;
mod tri;

pub use actions::{ActionCatalog, ActionInfo, ActionLevel};
pub use blastgraph_model::base64_decode;
pub use condition::{Condition, ConditionOp, Operator, SetQualifier};
pub use context::{Context, KeyState};
pub use error::{PolicyError, Problem};
pub use eval::{
    Decision, DenyReason, Evaluation, PolicyKind, PolicySet, RCP_SERVICES, Request, StatementRef,
    evaluate, rcp_applies_to,
};
pub use glob::Glob;
pub use ip::{Cidr, IpAddr};
pub use keys::{KeyClass, RequestTime, classify};
pub use policy::{Effect, Parsed, Policy, Statement, Version};
pub use principal::{Arn, Principal, PrincipalKind};
pub use tri::Tri;
