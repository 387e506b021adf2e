//! Validated policy documents: what the evaluator runs on.

use crate::condition::Condition;
use crate::context::Env;
use crate::error::{PolicyError, Problem};
use crate::glob::{Glob, Resolver, Template, VarValue};
use crate::parse;
use crate::principal::PrincipalEntry;
use crate::tri::Tri;
use std::ops::Not;

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Effect {
    /// Grants, if nothing denies.
    Allow,
    /// Denies, whatever grants.
    Deny,
}

/// The policy language version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// `2012-10-17`: policy variables are substituted.
    V2012_10_17,
    /// `2008-10-17`, also the default when `Version` is missing: `${...}` is
    /// literal text.
    V2008_10_17,
}

/// A validated policy document, with the caller's name for it.
#[derive(Clone, Debug)]
pub struct Policy {
    pub(crate) name: Box<str>,
    pub(crate) id: Option<Box<str>>,
    pub(crate) version: Version,
    pub(crate) statements: Box<[Statement]>,
    pub(crate) index: ServiceIndex,
}

/// Which statements can cover an action of a given service: statement
/// positions per literal service prefix (sorted by service, for binary
/// search), plus those whose patterns could cover any service (`*`,
/// `NotAction`, a wildcard in the service part).
/// A service prefix and the positions of the statements that name it.
type ServiceEntry = (Box<str>, Box<[u32]>);

#[derive(Clone, Debug, Default)]
pub(crate) struct ServiceIndex {
    by_service: Box<[ServiceEntry]>,
    any_service: Box<[u32]>,
}

impl ServiceIndex {
    pub(crate) fn build(statements: &[Statement]) -> Self {
        let mut by: std::collections::BTreeMap<&str, Vec<u32>> = std::collections::BTreeMap::new();
        let mut any = Vec::new();
        for (i, s) in statements.iter().enumerate() {
            let Ok(i) = u32::try_from(i) else { break };
            let services: Option<Vec<&str>> = if s.actions.negated {
                None
            } else {
                s.actions
                    .items
                    .iter()
                    .map(|g| {
                        let (svc, _) = g.as_str().split_once(':')?;
                        (!svc.contains(['*', '?'])).then_some(svc)
                    })
                    .collect()
            };
            match services {
                Some(mut list) => {
                    list.sort_unstable();
                    list.dedup();
                    for svc in list {
                        by.entry(svc).or_default().push(i);
                    }
                }
                None => any.push(i),
            }
        }
        ServiceIndex {
            by_service: by
                .into_iter()
                .map(|(k, v)| (k.into(), v.into_boxed_slice()))
                .collect(),
            any_service: any.into_boxed_slice(),
        }
    }

    /// Statement positions that may cover an action of `service`, in
    /// document order.
    fn candidates<'a>(&'a self, service: &str) -> impl Iterator<Item = usize> + 'a {
        let specific: &[u32] = match self
            .by_service
            .binary_search_by(|(k, _)| (**k).cmp(service))
        {
            Ok(i) => &self.by_service[i].1,
            Err(_) => &[],
        };
        let (mut a, mut b) = (
            specific.iter().peekable(),
            self.any_service.iter().peekable(),
        );
        std::iter::from_fn(move || match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x <= y => a.next().map(|v| *v as usize),
            (Some(_), Some(_)) | (None, Some(_)) => b.next().map(|v| *v as usize),
            (Some(_), None) => a.next().map(|v| *v as usize),
            (None, None) => None,
        })
    }
}

/// A policy read from a document, with the problems found on the way.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// The policy, holding every statement that could be used.
    pub policy: Policy,
    /// Problems, each naming its JSON path.
    pub problems: Vec<Problem>,
}

/// A set of patterns, possibly negated (`NotAction`, `NotResource`).
#[derive(Clone, Debug)]
pub(crate) struct Patterns<T> {
    pub(crate) negated: bool,
    pub(crate) items: Box<[T]>,
}

/// A `Principal` or `NotPrincipal` element.
#[derive(Clone, Debug)]
pub(crate) struct Principals {
    pub(crate) negated: bool,
    pub(crate) entries: Box<[PrincipalEntry]>,
}

/// One validated statement.
#[derive(Clone, Debug)]
pub struct Statement {
    pub(crate) index: usize,
    pub(crate) sid: Option<Box<str>>,
    pub(crate) effect: Effect,
    /// Lower-cased action patterns.
    pub(crate) actions: Patterns<Glob>,
    /// `None` when the statement has neither `Resource` nor `NotResource`
    /// (trust policies): it applies to the resource the policy is on.
    pub(crate) resources: Option<Patterns<Template>>,
    pub(crate) principals: Option<Principals>,
    pub(crate) conditions: Box<[Condition]>,
    pub(crate) condition_text: Option<Box<str>>,
}

impl Policy {
    /// Reads a policy document given as text: a JSON object, a JSON string
    /// holding one, or URL-encoded JSON (as `aws iam get-role` and similar
    /// calls print it). `name` is the caller's name for the policy, used in
    /// provenance and messages.
    pub fn parse(name: &str, text: &str) -> Result<Parsed, PolicyError> {
        parse::parse_text(name, text, 0)
    }

    /// Reads a policy document given as a JSON value: an object, or a string
    /// holding JSON or URL-encoded JSON.
    pub fn from_value(name: &str, value: &serde_json::Value) -> Result<Parsed, PolicyError> {
        parse::parse_value(name, value, 0)
    }

    /// The caller's name for the policy.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The document's `Id`, if any.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The language version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The usable statements, in document order.
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    /// Statements that may cover an action of `service` (lower-case), in
    /// document order; a superset of those that do.
    pub(crate) fn candidates<'a>(
        &'a self,
        service: &str,
    ) -> impl Iterator<Item = &'a Statement> + 'a {
        self.index
            .candidates(service)
            .filter_map(|i| self.statements.get(i))
    }

    /// Statements whose `Action`/`NotAction` covers `action` (any case),
    /// whatever their effect, resource or condition: the candidates a
    /// connector needs to look at for that action.
    pub fn statements_for_action<'a>(
        &'a self,
        action: &'a str,
    ) -> impl Iterator<Item = &'a Statement> + 'a {
        let lower = lowercase(action);
        self.statements
            .iter()
            .filter(move |s| s.action_matches(&lower))
    }

    /// The `Allow` statements whose `Action`/`NotAction` covers `action`
    /// (any case): where a grant of that action can come from.
    pub fn statements_allowing<'a>(
        &'a self,
        action: &'a str,
    ) -> impl Iterator<Item = &'a Statement> + 'a {
        self.statements_for_action(action)
            .filter(|s| s.effect == Effect::Allow)
    }

    /// Whether some `Allow` statement covers `action`, ignoring resources,
    /// principals and conditions. A quick filter before full evaluation.
    pub fn may_allow(&self, action: &str) -> bool {
        let lower = lowercase(action);
        self.statements
            .iter()
            .any(|s| s.effect == Effect::Allow && s.action_matches(&lower))
    }

    /// Whether the policy has any `Deny` statement.
    pub fn has_deny(&self) -> bool {
        self.statements.iter().any(|s| s.effect == Effect::Deny)
    }
}

pub(crate) fn lowercase(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_uppercase) {
        std::borrow::Cow::Owned(s.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

impl Statement {
    /// The statement's position in the document's `Statement` array (0 when
    /// `Statement` is a single object).
    pub fn index(&self) -> usize {
        self.index
    }

    /// The `Sid`, if any.
    pub fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }

    /// `Allow` or `Deny`.
    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// The action patterns, lower-cased.
    pub fn action_patterns(&self) -> impl Iterator<Item = &str> {
        self.actions.items.iter().map(Glob::as_str)
    }

    /// Whether the patterns are a `NotAction`.
    pub fn is_not_action(&self) -> bool {
        self.actions.negated
    }

    /// Whether the statement covers `action` (any case).
    pub fn matches_action(&self, action: &str) -> bool {
        self.action_matches(&lowercase(action))
    }

    /// The conditions, in document order.
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }

    /// The `Condition` element as compact JSON, as written.
    pub fn condition_text(&self) -> Option<&str> {
        self.condition_text.as_deref()
    }

    /// Whether `Resource`/`NotResource` may match `resource` in some request
    /// context: false only when no value of its policy variables could make
    /// it match. A statement with neither element (a trust policy's) may
    /// match anything. A cheap necessary condition for callers that pair
    /// many principals with many resources.
    pub fn may_match_resource(&self, resource: &str) -> bool {
        struct AllUnknown;
        impl Resolver for AllUnknown {
            fn var(&self, _key: &str) -> VarValue<'_> {
                VarValue::Unknown
            }
        }
        let Some(res) = &self.resources else {
            return true;
        };
        let any = res.items.iter().fold(Tri::False, |acc, t| {
            acc.or(t.matches(resource, &AllUnknown))
        });
        let matched = if res.negated { any.not() } else { any };
        !matched.is_false()
    }

    /// Literal prefixes of the `Resource` patterns: every resource the
    /// statement may match starts with one of them. An empty prefix means
    /// any resource (`NotResource`, no `Resource`, or a pattern that starts
    /// with a wildcard or a policy variable). For indexing many resources.
    pub fn resource_prefixes(&self) -> Vec<String> {
        match &self.resources {
            Some(res) if !res.negated => res.items.iter().map(Template::literal_prefix).collect(),
            _ => vec![String::new()],
        }
    }

    /// One resource each `Resource` pattern matches, wildcards standing for
    /// `x` (patterns with policy variables, and `NotResource`, give none):
    /// names an attacker can give a resource it creates.
    pub fn resource_instances(&self) -> Vec<String> {
        match &self.resources {
            Some(res) if !res.negated => res.items.iter().filter_map(Template::instance).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether `Resource`/`NotResource` matches every resource that starts
    /// with `prefix` (`Some(true)`), none of them (`Some(false)`), or some,
    /// or cannot tell (`None`). No element (a trust policy's) matches all.
    /// For deciding a statement once for a whole family of resources
    /// (`arn:aws:iam::ACCOUNT:role/`).
    pub fn covers_prefix(&self, prefix: &str) -> Option<bool> {
        let Some(res) = &self.resources else {
            return Some(true);
        };
        let mut all = false;
        let mut none = true;
        for t in res.items.iter() {
            match t.covers_prefix(prefix) {
                Some(true) => all = true,
                Some(false) => {}
                None => none = false,
            }
        }
        let any = if all {
            Some(true)
        } else if none {
            Some(false)
        } else {
            None
        };
        if res.negated { any.map(|a| !a) } else { any }
    }

    /// Whether the statement's `Principal` element may name the AWS service
    /// principal `service` (`lambda.amazonaws.com`): it lists it, or names
    /// everyone, or is a `NotPrincipal` (which may exempt anyone else). A
    /// cheap necessary condition before evaluating a trust policy for each
    /// service. A statement without the element (an identity policy's)
    /// names no one.
    pub fn may_name_service(&self, service: &str) -> bool {
        use crate::principal::PrincipalEntry;
        let Some(ps) = &self.principals else {
            return false;
        };
        ps.negated
            || ps.entries.iter().any(|e| match e {
                PrincipalEntry::Everyone => true,
                PrincipalEntry::Service(s) => s.eq_ignore_ascii_case(service),
                _ => false,
            })
    }

    /// Whether the statement has a `Principal` or `NotPrincipal` element.
    pub fn has_principal(&self) -> bool {
        self.principals.is_some()
    }

    /// `action` must be lower-case.
    pub(crate) fn action_matches(&self, action: &str) -> bool {
        let any = self.actions.items.iter().any(|g| g.is_match(action));
        any != self.actions.negated
    }

    pub(crate) fn resource_matches(&self, env: &Env<'_>) -> Tri {
        let Some(res) = &self.resources else {
            return Tri::True;
        };
        let mut any = Tri::False;
        for t in res.items.iter() {
            any = any.or(t.matches(env.resource, env));
            if any.is_true() {
                break;
            }
        }
        if res.negated { any.not() } else { any }
    }

    pub(crate) fn condition_holds(&self, env: &Env<'_>) -> Tri {
        let mut out = Tri::True;
        for c in self.conditions.iter() {
            out = out.and(c.eval(env));
            if out.is_false() {
                break;
            }
        }
        out
    }
}

#[cfg(test)]
mod may_match_tests {
    use super::*;

    #[test]
    fn resource_prefilter_is_a_necessary_condition() {
        let p = Policy::parse(
            "p",
            r#"{"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::1:role/ml-*"},
              {"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::1:role/${aws:username}"},
              {"Effect":"Allow","Action":"sts:AssumeRole","NotResource":"arn:aws:iam::1:role/admin"},
              {"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}"#,
        )
        .unwrap()
        .policy;
        let s = p.statements();
        assert!(s[0].may_match_resource("arn:aws:iam::1:role/ml-train"));
        assert!(!s[0].may_match_resource("arn:aws:iam::1:role/data-etl"));
        assert!(s[1].may_match_resource("arn:aws:iam::1:role/anything"));
        assert!(!s[1].may_match_resource("arn:aws:s3:::bucket"));
        assert!(!s[2].may_match_resource("arn:aws:iam::1:role/admin"));
        assert!(s[2].may_match_resource("arn:aws:iam::1:role/other"));
        assert!(s[3].may_match_resource("arn:aws:iam::1:role/x"));
    }
}

#[cfg(test)]
mod coverage_tests {
    use super::Policy;

    fn cover(resource: &str) -> Option<bool> {
        let doc = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":{resource}}}]}}"#
        );
        let p = Policy::parse("t", &doc).map(|p| p.policy);
        p.ok()?.statements()[0].covers_prefix("arn:aws:iam::111122223333:role/")
    }

    #[test]
    fn resource_coverage_of_a_family() {
        assert_eq!(cover(r#""*""#), Some(true));
        assert_eq!(cover(r#""arn:aws:iam::111122223333:role/*""#), Some(true));
        assert_eq!(cover(r#""arn:aws:iam::111122223333:*""#), Some(true));
        assert_eq!(cover(r#""arn:aws:iam::111122223333:role/team/*""#), None);
        assert_eq!(cover(r#""arn:aws:iam::111122223333:role/deploy""#), None);
        assert_eq!(cover(r#""arn:aws:iam::222222222222:role/*""#), Some(false));
        assert_eq!(cover(r#""arn:aws:s3:::bucket/*""#), Some(false));
        assert_eq!(cover(r#"["arn:aws:s3:::b", "*"]"#), Some(true));
        assert_eq!(cover(r#""arn:aws:iam::*:role/*""#), None);
        assert_eq!(
            cover(r#""arn:aws:iam::111122223333:role/${aws:username}""#),
            None
        );
    }
}
