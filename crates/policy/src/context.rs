//! The request context: per condition key, its values, that it is absent,
//! or nothing (unknown at analysis time).

use std::collections::BTreeMap;

use crate::glob::{Resolver, VarValue};
use crate::keys::RequestTime;
use crate::principal::{Principal, PrincipalKind};

/// What the context says about one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyState {
    /// The key is present with these values (several for multivalued keys
    /// such as `aws:TagKeys`).
    Values(Vec<String>),
    /// The key is known not to be in the request.
    Absent,
}

/// Condition keys known for a request. Keys are case-insensitive; values
/// are kept as given.
///
/// A key that is not set is *unknown*: conditions on it are undecided.
/// A [`Context::closed`] context instead treats every unset key as absent,
/// for callers that know the whole request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    keys: BTreeMap<String, KeyState>,
    closed: bool,
    /// Lower-case key prefixes under which every unset key is absent (the
    /// resource's whole tag set is known: `aws:resourcetag/`).
    closed_prefixes: Vec<String>,
}

static EMPTY: Context = Context {
    keys: BTreeMap::new(),
    closed: false,
    closed_prefixes: Vec::new(),
};

impl Context {
    /// An empty context: every key unknown.
    pub const fn new() -> Self {
        Context {
            keys: BTreeMap::new(),
            closed: false,
            closed_prefixes: Vec::new(),
        }
    }

    /// An empty context in which every key not set is absent.
    pub const fn closed() -> Self {
        Context {
            keys: BTreeMap::new(),
            closed: true,
            closed_prefixes: Vec::new(),
        }
    }

    /// A shared empty context.
    pub fn empty() -> &'static Context {
        &EMPTY
    }

    /// Sets a key's values.
    pub fn set<S: Into<String>>(
        &mut self,
        key: &str,
        values: impl IntoIterator<Item = S>,
    ) -> &mut Self {
        let values = values.into_iter().map(Into::into).collect();
        self.keys
            .insert(key.to_lowercase(), KeyState::Values(values));
        self
    }

    /// Marks a key as absent from the request.
    pub fn set_absent(&mut self, key: &str) -> &mut Self {
        self.keys.insert(key.to_lowercase(), KeyState::Absent);
        self
    }

    /// Builder form of [`Context::set`].
    #[must_use]
    pub fn with<S: Into<String>>(mut self, key: &str, values: impl IntoIterator<Item = S>) -> Self {
        self.set(key, values);
        self
    }

    /// Builder form of [`Context::set_absent`].
    #[must_use]
    pub fn with_absent(mut self, key: &str) -> Self {
        self.set_absent(key);
        self
    }

    /// Declares every key under `prefix` (any case) known: the ones not set
    /// are absent. For a resource whose whole tag set is known,
    /// `aws:ResourceTag/` (and the service's own `…:ResourceTag/`).
    #[must_use]
    pub fn with_closed_prefix(mut self, prefix: &str) -> Self {
        self.closed_prefixes.push(prefix.to_lowercase());
        self
    }

    /// What the context says about `key` (any case).
    pub fn get(&self, key: &str) -> Option<&KeyState> {
        if key.bytes().any(|b| b.is_ascii_uppercase()) || !key.is_ascii() {
            self.keys.get(&key.to_lowercase())
        } else {
            self.keys.get(key)
        }
    }

    /// Whether unset keys are absent rather than unknown.
    pub fn is_closed(&self) -> bool {
        self.closed
    }
}

/// The values of a key in the request.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ValueList<'a> {
    One(&'a str),
    Many(&'a [String]),
}

impl<'a> ValueList<'a> {
    pub(crate) fn len(&self) -> usize {
        match self {
            ValueList::One(_) => 1,
            ValueList::Many(m) => m.len(),
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let (one, many): (Option<&'a str>, &'a [String]) = match *self {
            ValueList::One(s) => (Some(s), &[]),
            ValueList::Many(m) => (None, m),
        };
        one.into_iter().chain(many.iter().map(String::as_str))
    }
}

/// What is known about a key for one request.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Lookup<'a> {
    Unknown,
    Absent,
    Values(ValueList<'a>),
    /// A time known only to be at or after this instant (milliseconds).
    NotBefore(i64),
}

/// The evaluation environment: request context plus keys derived from the
/// principal and the resource.
pub(crate) struct Env<'a> {
    pub(crate) principal: &'a Principal,
    pub(crate) action: &'a str,
    pub(crate) resource: &'a str,
    pub(crate) resource_account: Option<&'a str>,
    pub(crate) context: &'a Context,
}

fn one(s: &str) -> Lookup<'_> {
    Lookup::Values(ValueList::One(s))
}

/// A time key: the exact request time as text, or its lower bound.
fn time<'a>(t: Option<&'a RequestTime>, text: fn(&RequestTime) -> &str) -> Lookup<'a> {
    match t {
        Some(t) if t.is_exact() => one(text(t)),
        Some(t) => Lookup::NotBefore(t.millis()),
        None => Lookup::Unknown,
    }
}

impl<'a> Env<'a> {
    /// `key` must be lower-case.
    pub(crate) fn lookup(&self, key: &str) -> Lookup<'a> {
        match self.context.keys.get(key) {
            Some(KeyState::Values(v)) if v.is_empty() => return Lookup::Absent,
            Some(KeyState::Values(v)) => return Lookup::Values(ValueList::Many(v)),
            Some(KeyState::Absent) => return Lookup::Absent,
            None => {}
        }
        match self.derived(key) {
            Lookup::Unknown
                if self.context.closed
                    || self
                        .context
                        .closed_prefixes
                        .iter()
                        .any(|p| key.starts_with(p.as_str())) =>
            {
                Lookup::Absent
            }
            other => other,
        }
    }

    /// Global keys that follow from the principal and the resource.
    fn derived(&self, key: &str) -> Lookup<'a> {
        let p = self.principal;
        let kind = p.kind();
        let anonymous = matches!(kind, PrincipalKind::Anonymous);
        let opt = |v: Option<&'a str>| match v {
            Some(v) => one(v),
            None if anonymous => Lookup::Absent,
            None => Lookup::Unknown,
        };
        if let Some(tag) = key.strip_prefix("aws:principaltag/") {
            return match p.tags() {
                Some(tags) => tags.get(tag).map_or(Lookup::Absent, |v| one(v)),
                None if anonymous => Lookup::Absent,
                None => Lookup::Unknown,
            };
        }
        match key {
            "aws:principalarn" => opt(p.principal_arn()),
            "aws:principalaccount" => opt(p.account()),
            "aws:principaltype" => match kind {
                PrincipalKind::User { .. } | PrincipalKind::GroupMember { .. } => one("User"),
                PrincipalKind::RoleSession { .. } | PrincipalKind::SomeRole => one("AssumedRole"),
                PrincipalKind::Root => one("Account"),
                PrincipalKind::FederatedUser { .. } => one("FederatedUser"),
                PrincipalKind::Anonymous => one("Anonymous"),
                _ => Lookup::Unknown,
            },
            "aws:username" => match kind {
                PrincipalKind::User { name } => one(name),
                PrincipalKind::GroupMember { .. } => Lookup::Unknown,
                PrincipalKind::Service { .. }
                | PrincipalKind::WebIdentity { .. }
                | PrincipalKind::Saml { .. } => Lookup::Unknown,
                _ => Lookup::Absent,
            },
            "aws:userid" => opt(p.userid()),
            "aws:principalisawsservice" => one(if matches!(kind, PrincipalKind::Service { .. }) {
                "true"
            } else {
                "false"
            }),
            "aws:principalservicename" => match kind {
                PrincipalKind::Service { name } => one(name),
                _ => Lookup::Absent,
            },
            "aws:federatedprovider" => match kind {
                PrincipalKind::WebIdentity { provider } | PrincipalKind::Saml { provider } => {
                    one(provider)
                }
                PrincipalKind::RoleSession { .. } => Lookup::Unknown,
                _ => Lookup::Absent,
            },
            "aws:principalorgid" => match p.organization() {
                Some((id, _)) if id.is_empty() => Lookup::Absent,
                Some((id, _)) => one(id),
                None if anonymous => Lookup::Absent,
                None => Lookup::Unknown,
            },
            "aws:principalorgpaths" => match p.organization() {
                Some((id, _)) if id.is_empty() => Lookup::Absent,
                Some((_, paths)) => Lookup::Values(ValueList::Many(paths)),
                None if anonymous => Lookup::Absent,
                None => Lookup::Unknown,
            },
            "aws:currenttime" => time(p.request_time(), RequestTime::iso),
            "aws:epochtime" => time(p.request_time(), RequestTime::epoch),
            // Access keys of a user carry no token; a role session the
            // attacker starts is issued at the request time.
            "aws:tokenissuetime" => match kind {
                PrincipalKind::User { .. }
                | PrincipalKind::GroupMember { .. }
                | PrincipalKind::Root => Lookup::Absent,
                PrincipalKind::RoleSession { .. }
                | PrincipalKind::SomeRole
                | PrincipalKind::FederatedUser { .. } => time(p.request_time(), RequestTime::iso),
                _ => Lookup::Unknown,
            },
            "aws:resourceaccount" => match self.resource_account {
                Some(a) => one(a),
                None => Lookup::Unknown,
            },
            _ => Lookup::Unknown,
        }
    }
}

impl Resolver for Env<'_> {
    fn var(&self, key: &str) -> VarValue<'_> {
        match self.lookup(key) {
            Lookup::Values(v) if v.len() == 1 => {
                v.iter().next().map_or(VarValue::Unknown, VarValue::Value)
            }
            // multivalued keys cannot be policy variables
            Lookup::Values(_) | Lookup::Unknown | Lookup::NotBefore(_) => VarValue::Unknown,
            Lookup::Absent => VarValue::Absent,
        }
    }
}
