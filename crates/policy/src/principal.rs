//! The calling principal of a request, and the `Principal` / `NotPrincipal`
//! entries of resource-based policies that are matched against it.

use std::collections::BTreeMap;

use crate::error::PolicyError;
use crate::keys::RequestTime;
use crate::tri::Tri;

/// What kind of identity makes the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalKind {
    /// An IAM user.
    User {
        /// The user name (last path segment of the ARN).
        name: String,
    },
    /// Some IAM user that is a member of this group, not known which: what
    /// the group's policies grant its members. Keys about the user (its ARN,
    /// name, id, tags) are undecided; a policy naming a user matches it
    /// undecidedly; it has no permissions boundary of its own.
    GroupMember {
        /// The group's ARN.
        group_arn: String,
    },
    /// A session of some IAM role of the account, not known which (a role
    /// whose policies an attacker rewrote, standing for every such role):
    /// keys about the role (its ARN, id, tags) are undecided, and a policy
    /// naming a role of the account matches it undecidedly.
    SomeRole,
    /// A session of an IAM role (`sts:AssumeRole*`); the role itself never
    /// calls AWS, its sessions do.
    RoleSession {
        /// The role ARN, with its path.
        role_arn: String,
        /// The role name.
        role_name: String,
        /// The session name when known; blast-radius analysis usually does
        /// not know it (the attacker picks it).
        session_name: Option<String>,
    },
    /// The account root user.
    Root,
    /// An STS federated user session (`sts:GetFederationToken`).
    FederatedUser {
        /// The federated user name.
        name: String,
        /// The IAM user that called `GetFederationToken`, when known.
        user_arn: Option<String>,
    },
    /// An AWS service principal such as `lambda.amazonaws.com`.
    Service {
        /// The service principal name.
        name: String,
    },
    /// A caller authenticated by an OIDC provider, before
    /// `sts:AssumeRoleWithWebIdentity`.
    WebIdentity {
        /// The provider as written in trust policies: an OIDC provider ARN,
        /// or `accounts.google.com`, `cognito-identity.amazonaws.com`, ...
        provider: String,
    },
    /// A caller authenticated by a SAML provider, before
    /// `sts:AssumeRoleWithSAML`.
    Saml {
        /// The SAML provider ARN.
        provider: String,
    },
    /// An unauthenticated caller.
    Anonymous,
}

/// The identity making a request, with what is known about it.
///
/// Build one per identity and reuse it for every request it makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    kind: PrincipalKind,
    arn: Option<String>,
    partition: String,
    account: Option<String>,
    unique_id: Option<String>,
    userid: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    service_linked: bool,
    canonical_id: Option<String>,
    /// The organization id and OU paths of the principal's account, when
    /// Organizations data says.
    organization: Option<(String, Vec<String>)>,
    /// When its requests are made.
    time: Option<RequestTime>,
}

/// The parts of an ARN: `arn:partition:service:region:account:resource`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...
    pub partition: &'a str,
    /// The service namespace (`iam`, `s3`, ...).
    pub service: &'a str,
    /// The region, empty for global services.
    pub region: &'a str,
    /// The account id, empty for S3 buckets.
    pub account: &'a str,
    /// Everything after the fifth colon.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Splits an ARN; `None` when the text is not `arn:` and six parts.
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let mut parts = text.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        Some(Arn {
            partition: parts.next()?,
            service: parts.next()?,
            region: parts.next()?,
            account: parts.next()?,
            resource: parts.next()?,
        })
    }
}

fn bad_arn(arn: &str, expected: &str) -> PolicyError {
    PolicyError::InvalidArn {
        arn: arn.to_owned(),
        expected: expected.to_owned(),
    }
}

fn last_segment(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

impl Principal {
    fn with_kind(
        kind: PrincipalKind,
        arn: Option<String>,
        partition: &str,
        account: Option<&str>,
    ) -> Self {
        let userid = match (&kind, account) {
            (PrincipalKind::Root, Some(a)) => Some(a.to_owned()),
            (PrincipalKind::FederatedUser { name, .. }, Some(a)) => Some(format!("{a}:{name}")),
            (PrincipalKind::Anonymous, _) => Some("anonymous".to_owned()),
            _ => None,
        };
        Principal {
            userid,
            kind,
            arn,
            partition: partition.to_owned(),
            account: account.map(str::to_owned),
            unique_id: None,
            tags: None,
            service_linked: false,
            canonical_id: None,
            organization: None,
            time: None,
        }
    }

    /// An IAM user, from `arn:aws:iam::ACCOUNT:user/path/name`.
    pub fn user(arn: &str) -> Result<Self, PolicyError> {
        let p = Arn::parse(arn).ok_or_else(|| bad_arn(arn, "an IAM user ARN"))?;
        let path = p
            .resource
            .strip_prefix("user/")
            .ok_or_else(|| bad_arn(arn, "an IAM user ARN"))?;
        if p.service != "iam" || p.account.is_empty() {
            return Err(bad_arn(arn, "an IAM user ARN"));
        }
        let kind = PrincipalKind::User {
            name: last_segment(path).to_owned(),
        };
        Ok(Self::with_kind(
            kind,
            Some(arn.to_owned()),
            p.partition,
            Some(p.account),
        ))
    }

    /// A member of the group `arn:aws:iam::ACCOUNT:group/path/name`
    /// ([`PrincipalKind::GroupMember`]).
    pub fn group_member(group_arn: &str) -> Result<Self, PolicyError> {
        let p = Arn::parse(group_arn).ok_or_else(|| bad_arn(group_arn, "an IAM group ARN"))?;
        if p.service != "iam" || p.account.is_empty() || !p.resource.starts_with("group/") {
            return Err(bad_arn(group_arn, "an IAM group ARN"));
        }
        let kind = PrincipalKind::GroupMember {
            group_arn: group_arn.to_owned(),
        };
        Ok(Self::with_kind(kind, None, p.partition, Some(p.account)))
    }

    /// Some user of `account`, not known which: a [`PrincipalKind::GroupMember`]
    /// of no particular group (the group ARN is empty).
    pub fn some_user(partition: &str, account: &str) -> Self {
        let kind = PrincipalKind::GroupMember {
            group_arn: String::new(),
        };
        Self::with_kind(kind, None, partition, Some(account))
    }

    /// A session of some role of `account` ([`PrincipalKind::SomeRole`]).
    pub fn some_role(partition: &str, account: &str) -> Self {
        Self::with_kind(PrincipalKind::SomeRole, None, partition, Some(account))
    }

    /// A session of the role `arn:aws:iam::ACCOUNT:role/path/name`. With no
    /// session name, policies that name one specific session are undecided.
    /// Roles under the `/aws-service-role/` path are service-linked.
    pub fn role_session(role_arn: &str, session_name: Option<&str>) -> Result<Self, PolicyError> {
        let p = Arn::parse(role_arn).ok_or_else(|| bad_arn(role_arn, "an IAM role ARN"))?;
        let path = p
            .resource
            .strip_prefix("role/")
            .ok_or_else(|| bad_arn(role_arn, "an IAM role ARN"))?;
        if p.service != "iam" || p.account.is_empty() {
            return Err(bad_arn(role_arn, "an IAM role ARN"));
        }
        let role_name = last_segment(path).to_owned();
        let arn = session_name.map(|s| {
            format!(
                "arn:{}:sts::{}:assumed-role/{}/{}",
                p.partition, p.account, role_name, s
            )
        });
        let kind = PrincipalKind::RoleSession {
            role_arn: role_arn.to_owned(),
            role_name,
            session_name: session_name.map(str::to_owned),
        };
        let mut out = Self::with_kind(kind, arn, p.partition, Some(p.account));
        out.service_linked = path.starts_with("aws-service-role/");
        Ok(out)
    }

    /// A role session from its ARN `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`.
    /// The role path is not in a session ARN: pass the role ARN with
    /// [`Principal::role_session`] when the role has a path.
    pub fn assumed_role(session_arn: &str) -> Result<Self, PolicyError> {
        let expected = "an assumed-role session ARN";
        let p = Arn::parse(session_arn).ok_or_else(|| bad_arn(session_arn, expected))?;
        let rest = p
            .resource
            .strip_prefix("assumed-role/")
            .ok_or_else(|| bad_arn(session_arn, expected))?;
        let (role, session) = rest
            .split_once('/')
            .ok_or_else(|| bad_arn(session_arn, expected))?;
        let role_arn = format!("arn:{}:iam::{}:role/{}", p.partition, p.account, role);
        Self::role_session(&role_arn, Some(session))
    }

    /// The root user of an account (12 digits).
    pub fn root(account: &str) -> Self {
        Self::root_in("aws", account)
    }

    /// The root user of an account in a partition other than `aws`.
    pub fn root_in(partition: &str, account: &str) -> Self {
        let arn = format!("arn:{partition}:iam::{account}:root");
        Self::with_kind(PrincipalKind::Root, Some(arn), partition, Some(account))
    }

    /// An STS federated user, from `arn:aws:sts::ACCOUNT:federated-user/NAME`,
    /// optionally with the IAM user that created the session.
    pub fn federated_user(arn: &str, user_arn: Option<&str>) -> Result<Self, PolicyError> {
        let expected = "a federated-user ARN";
        let p = Arn::parse(arn).ok_or_else(|| bad_arn(arn, expected))?;
        let name = p
            .resource
            .strip_prefix("federated-user/")
            .ok_or_else(|| bad_arn(arn, expected))?;
        let kind = PrincipalKind::FederatedUser {
            name: name.to_owned(),
            user_arn: user_arn.map(str::to_owned),
        };
        Ok(Self::with_kind(
            kind,
            Some(arn.to_owned()),
            p.partition,
            Some(p.account),
        ))
    }

    /// An AWS service principal (`lambda.amazonaws.com`).
    pub fn service(name: &str) -> Self {
        Self::with_kind(
            PrincipalKind::Service {
                name: name.to_owned(),
            },
            None,
            "aws",
            None,
        )
    }

    /// An OIDC-authenticated caller of `sts:AssumeRoleWithWebIdentity`.
    pub fn web_identity(provider: &str) -> Self {
        Self::with_kind(
            PrincipalKind::WebIdentity {
                provider: provider.to_owned(),
            },
            None,
            "aws",
            None,
        )
    }

    /// A SAML-authenticated caller of `sts:AssumeRoleWithSAML`.
    pub fn saml(provider_arn: &str) -> Self {
        Self::with_kind(
            PrincipalKind::Saml {
                provider: provider_arn.to_owned(),
            },
            None,
            "aws",
            None,
        )
    }

    /// An unauthenticated caller.
    pub fn anonymous() -> Self {
        Self::with_kind(PrincipalKind::Anonymous, None, "aws", None)
    }

    /// Sets the principal's tags (`aws:PrincipalTag/KEY`). Without this call
    /// the tags are unknown and conditions on them are undecided; with it,
    /// a tag not in the map is absent.
    #[must_use]
    pub fn with_tags<K: AsRef<str>, V: Into<String>>(
        mut self,
        tags: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.tags = Some(
            tags.into_iter()
                .map(|(k, v)| (k.as_ref().to_lowercase(), v.into()))
                .collect(),
        );
        self
    }

    /// Sets the IAM unique id of the user or role (`AIDA...`, `AROA...`),
    /// which gives `aws:userid` and matches unique ids in `Principal`.
    #[must_use]
    pub fn with_unique_id(mut self, id: &str) -> Self {
        self.unique_id = Some(id.to_owned());
        match &self.kind {
            PrincipalKind::User { .. } => self.userid = Some(id.to_owned()),
            PrincipalKind::RoleSession {
                session_name: Some(s),
                ..
            } => self.userid = Some(format!("{id}:{s}")),
            _ => {}
        }
        self
    }

    /// Marks the principal as a service-linked role (SCPs and RCPs do not
    /// restrict it).
    #[must_use]
    pub fn with_service_linked(mut self, yes: bool) -> Self {
        self.service_linked = yes;
        self
    }

    /// Sets the S3 canonical user id (matched by `CanonicalUser`).
    #[must_use]
    pub fn with_canonical_id(mut self, id: &str) -> Self {
        self.canonical_id = Some(id.to_owned());
        self
    }

    /// Sets the organization of the principal's account
    /// (`aws:PrincipalOrgID`) and its OU paths (`aws:PrincipalOrgPaths`,
    /// `o-xxx/r-xxx/ou-xxx/`). Without this call both keys are undecided.
    #[must_use]
    pub fn with_organization(mut self, org_id: &str, paths: Vec<String>) -> Self {
        self.organization = Some((org_id.to_owned(), paths));
        self
    }

    /// Marks the principal's account as outside any organization: both
    /// organization keys are absent.
    #[must_use]
    pub fn without_organization(mut self) -> Self {
        self.organization = Some((String::new(), Vec::new()));
        self
    }

    /// Sets when the principal's requests are made (`aws:CurrentTime`,
    /// `aws:EpochTime`, and `aws:TokenIssueTime` of a new role session).
    #[must_use]
    pub fn with_request_time(mut self, time: RequestTime) -> Self {
        self.time = Some(time);
        self
    }

    pub(crate) fn organization(&self) -> Option<&(String, Vec<String>)> {
        self.organization.as_ref()
    }

    pub(crate) fn request_time(&self) -> Option<&RequestTime> {
        self.time.as_ref()
    }

    /// The kind of identity.
    pub fn kind(&self) -> &PrincipalKind {
        &self.kind
    }

    /// The caller's own ARN (user, root, federated user, or role session
    /// when the session name is known).
    pub fn arn(&self) -> Option<&str> {
        self.arn.as_deref()
    }

    /// The account the principal belongs to (none for services and
    /// federated web/SAML callers).
    pub fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    /// The ARN partition.
    pub fn partition(&self) -> &str {
        &self.partition
    }

    /// Whether this is a service-linked role.
    pub fn is_service_linked(&self) -> bool {
        self.service_linked
    }

    /// The value of `aws:PrincipalArn`: the user ARN, the *role* ARN for a
    /// role session, the root ARN, the federated user ARN.
    pub(crate) fn principal_arn(&self) -> Option<&str> {
        match &self.kind {
            PrincipalKind::RoleSession { role_arn, .. } => Some(role_arn),
            PrincipalKind::User { .. }
            | PrincipalKind::Root
            | PrincipalKind::FederatedUser { .. } => self.arn.as_deref(),
            _ => None,
        }
    }

    /// The value of `aws:userid`, when known.
    pub(crate) fn userid(&self) -> Option<&str> {
        self.userid.as_deref()
    }

    pub(crate) fn tags(&self) -> Option<&BTreeMap<String, String>> {
        self.tags.as_ref()
    }

    pub(crate) fn unique_id(&self) -> Option<&str> {
        self.unique_id.as_deref()
    }

    /// Whether the principal is an IAM identity of an account, which is what
    /// SCPs restrict (users, role sessions, root, federated users).
    pub(crate) fn is_account_identity(&self) -> bool {
        matches!(
            self.kind,
            PrincipalKind::User { .. }
                | PrincipalKind::GroupMember { .. }
                | PrincipalKind::SomeRole
                | PrincipalKind::RoleSession { .. }
                | PrincipalKind::Root
                | PrincipalKind::FederatedUser { .. }
        )
    }

    /// Whether the principal is an IAM user or role (what a permissions
    /// boundary can be attached to).
    pub(crate) fn is_user_or_role(&self) -> bool {
        matches!(
            self.kind,
            PrincipalKind::User { .. }
                | PrincipalKind::GroupMember { .. }
                | PrincipalKind::SomeRole
                | PrincipalKind::RoleSession { .. }
        )
    }
}

/// One entry of a `Principal` or `NotPrincipal` element, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PrincipalEntry {
    /// `"*"` or `{"AWS": "*"}`.
    Everyone,
    /// `"123456789012"` or `arn:aws:iam::123456789012:root`.
    Account(Box<str>),
    /// An IAM user ARN.
    User(Box<str>),
    /// An IAM role ARN.
    Role(Box<str>),
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    Session {
        account: Box<str>,
        role: Box<str>,
        session: Box<str>,
    },
    /// Any other AWS ARN (federated user, ...): compared with the caller ARN.
    OtherArn(Box<str>),
    /// An IAM unique id (`AIDA...`, `AROA...`), as AWS shows principals of
    /// deleted identities.
    UniqueId(Box<str>),
    /// `{"Service": ...}`.
    Service(Box<str>),
    /// `{"Federated": ...}`.
    Federated(Box<str>),
    /// `{"CanonicalUser": ...}`.
    CanonicalUser(Box<str>),
}

/// How a resource-based policy statement names the caller. The distinction
/// decides whether boundaries and session policies limit the grant and
/// whether identity-based policies are also needed (see the crate docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PrincipalMatch {
    /// Names the caller itself: its user ARN, its session ARN, `*`, its
    /// service, its federated provider, or the root user by its account.
    pub(crate) direct: Tri,
    /// Names the identity behind a session: the role ARN for a role
    /// session, the IAM user ARN for a federated user session.
    pub(crate) via: Tri,
    /// Names the caller's account: delegates to the account's IAM policies.
    pub(crate) account: Tri,
}

impl PrincipalMatch {
    pub(crate) fn any(&self) -> Tri {
        self.direct.or(self.via).or(self.account)
    }

    fn add(&mut self, other: PrincipalMatch) {
        self.direct = self.direct.or(other.direct);
        self.via = self.via.or(other.via);
        self.account = self.account.or(other.account);
    }
}

fn direct(t: Tri) -> PrincipalMatch {
    PrincipalMatch {
        direct: t,
        ..PrincipalMatch::default()
    }
}

impl PrincipalEntry {
    /// Validates one principal value of the given type (`AWS`, `Service`,
    /// `Federated`, `CanonicalUser`).
    pub(crate) fn parse(kind: &str, value: &str) -> Result<Self, String> {
        let v: Box<str> = value.into();
        match kind {
            "AWS" => Self::parse_aws(value),
            "Service" => Ok(PrincipalEntry::Service(v)),
            "Federated" => Ok(PrincipalEntry::Federated(v)),
            "CanonicalUser" => Ok(PrincipalEntry::CanonicalUser(v)),
            other => Err(format!(
                "unknown principal type `{other}`, expected `AWS`, `Service`, `Federated` or `CanonicalUser`"
            )),
        }
    }

    fn parse_aws(value: &str) -> Result<Self, String> {
        if value == "*" {
            return Ok(PrincipalEntry::Everyone);
        }
        if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(PrincipalEntry::Account(value.into()));
        }
        if let Some(arn) = Arn::parse(value) {
            if arn.service == "iam" && arn.resource == "root" {
                return Ok(PrincipalEntry::Account(arn.account.into()));
            }
            if arn.service == "iam" && arn.resource.starts_with("user/") {
                return Ok(PrincipalEntry::User(value.into()));
            }
            if arn.service == "iam" && arn.resource.starts_with("role/") {
                return Ok(PrincipalEntry::Role(value.into()));
            }
            let session = if arn.service == "sts" {
                arn.resource
                    .strip_prefix("assumed-role/")
                    .and_then(|r| r.split_once('/'))
            } else {
                None
            };
            if let Some((role, session)) = session {
                return Ok(PrincipalEntry::Session {
                    account: arn.account.into(),
                    role: role.into(),
                    session: session.into(),
                });
            }
            return Ok(PrincipalEntry::OtherArn(value.into()));
        }
        if value.len() > 4 && value.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Ok(PrincipalEntry::UniqueId(value.into()));
        }
        Err(format!(
            "expected an account id, an ARN, a unique id or `*`, found `{value}`"
        ))
    }

    /// How this entry names the caller.
    pub(crate) fn matches(&self, p: &Principal) -> PrincipalMatch {
        let none = PrincipalMatch::default();
        match self {
            PrincipalEntry::Everyone => direct(Tri::True),
            PrincipalEntry::Account(a) => match (&p.kind, p.account()) {
                (PrincipalKind::Root, Some(acct)) if acct == &**a => direct(Tri::True),
                (_, Some(acct)) if acct == &**a => PrincipalMatch {
                    account: Tri::True,
                    ..none
                },
                _ => none,
            },
            PrincipalEntry::User(arn) => match &p.kind {
                PrincipalKind::User { .. } if p.arn() == Some(&**arn) => direct(Tri::True),
                // some member: that user, if it is in the group
                PrincipalKind::GroupMember { .. } if same_account(arn, p) => direct(Tri::Unknown),
                PrincipalKind::FederatedUser {
                    user_arn: Some(u), ..
                } if u == &**arn => PrincipalMatch {
                    via: Tri::True,
                    ..none
                },
                _ => none,
            },
            PrincipalEntry::Role(arn) => match &p.kind {
                PrincipalKind::RoleSession { role_arn, .. } if role_arn == &**arn => {
                    PrincipalMatch {
                        via: Tri::True,
                        ..none
                    }
                }
                PrincipalKind::SomeRole if same_account(arn, p) => PrincipalMatch {
                    via: Tri::Unknown,
                    ..none
                },
                _ => none,
            },
            PrincipalEntry::Session {
                account,
                role,
                session,
            } => match &p.kind {
                PrincipalKind::RoleSession {
                    role_name,
                    session_name,
                    ..
                } if p.account() == Some(&**account) && role_name == &**role => {
                    match session_name {
                        Some(s) => direct((s == &**session).into()),
                        None => direct(Tri::Unknown),
                    }
                }
                PrincipalKind::SomeRole if p.account() == Some(&**account) => direct(Tri::Unknown),
                _ => none,
            },
            PrincipalEntry::OtherArn(arn) => direct((p.arn() == Some(&**arn)).into()),
            PrincipalEntry::UniqueId(id) => match (&p.kind, p.unique_id()) {
                (PrincipalKind::User { .. }, Some(u)) if u == &**id => direct(Tri::True),
                (PrincipalKind::GroupMember { .. }, _) if id.starts_with("AIDA") => {
                    direct(Tri::Unknown)
                }
                (PrincipalKind::SomeRole, _) if id.starts_with("AROA") => PrincipalMatch {
                    via: Tri::Unknown,
                    ..none
                },
                (PrincipalKind::RoleSession { .. }, Some(u)) if u == &**id => PrincipalMatch {
                    via: Tri::True,
                    ..none
                },
                _ => none,
            },
            PrincipalEntry::Service(s) => match &p.kind {
                PrincipalKind::Service { name } => direct((name == &**s).into()),
                _ => none,
            },
            PrincipalEntry::Federated(f) => match &p.kind {
                PrincipalKind::WebIdentity { provider } | PrincipalKind::Saml { provider } => {
                    direct((provider == &**f).into())
                }
                _ => none,
            },
            PrincipalEntry::CanonicalUser(c) => {
                direct((p.canonical_id.as_deref() == Some(&**c)).into())
            }
        }
    }
}

/// Whether an ARN is of the principal's account.
fn same_account(arn: &str, p: &Principal) -> bool {
    Arn::parse(arn).is_some_and(|a| Some(a.account) == p.account())
}

/// Matches a `Principal` list: the best way any entry names the caller.
pub(crate) fn match_principal(entries: &[PrincipalEntry], p: &Principal) -> PrincipalMatch {
    let mut out = PrincipalMatch::default();
    for e in entries {
        out.add(e.matches(p));
        if out.direct.is_true() {
            break;
        }
    }
    out
}

/// Whether a `NotPrincipal` list exempts the caller. AWS checks the account,
/// then the role, then the session (or the account, then the user), so the
/// caller is exempt only when every link of that chain is listed.
pub(crate) fn not_principal_exempts(entries: &[PrincipalEntry], p: &Principal) -> Tri {
    if entries.contains(&PrincipalEntry::Everyone) {
        return Tri::True;
    }
    let listed = |pred: &dyn Fn(&PrincipalEntry) -> Tri| -> Tri {
        entries.iter().fold(Tri::False, |acc, e| acc.or(pred(e)))
    };
    let account_listed = || {
        listed(&|e| match (e, p.account()) {
            (PrincipalEntry::Account(a), Some(acct)) => (acct == &**a).into(),
            _ => Tri::False,
        })
    };
    match &p.kind {
        PrincipalKind::Root => account_listed(),
        PrincipalKind::User { .. } | PrincipalKind::GroupMember { .. } => {
            account_listed().and(listed(&|e| e.matches(p).direct))
        }
        PrincipalKind::RoleSession { .. } => {
            let session = listed(&|e| match e {
                PrincipalEntry::Session { .. } | PrincipalEntry::OtherArn(_) => e.matches(p).direct,
                _ => Tri::False,
            });
            account_listed()
                .and(listed(&|e| e.matches(p).via))
                .and(session)
        }
        PrincipalKind::FederatedUser { .. } => {
            account_listed().and(listed(&|e| e.matches(p).direct))
        }
        PrincipalKind::SomeRole => account_listed().and(listed(&|e| {
            let m = e.matches(p);
            m.via.or(m.direct)
        })),
        PrincipalKind::Service { .. }
        | PrincipalKind::WebIdentity { .. }
        | PrincipalKind::Saml { .. } => listed(&|e| e.matches(p).direct),
        PrincipalKind::Anonymous => Tri::False,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(v: &str) -> PrincipalEntry {
        PrincipalEntry::parse("AWS", v).unwrap()
    }

    #[test]
    fn account_forms_are_equivalent() {
        assert_eq!(
            entry("111122223333"),
            entry("arn:aws:iam::111122223333:root")
        );
    }

    #[test]
    fn role_session_matching() {
        let p = Principal::role_session("arn:aws:iam::111122223333:role/app/Deploy", Some("ci"))
            .unwrap();
        assert_eq!(
            p.arn(),
            Some("arn:aws:sts::111122223333:assumed-role/Deploy/ci")
        );
        assert_eq!(
            entry("arn:aws:iam::111122223333:role/app/Deploy")
                .matches(&p)
                .via,
            Tri::True
        );
        assert_eq!(
            entry("arn:aws:iam::111122223333:role/Deploy")
                .matches(&p)
                .via,
            Tri::False
        );
        assert_eq!(
            entry("arn:aws:sts::111122223333:assumed-role/Deploy/ci")
                .matches(&p)
                .direct,
            Tri::True
        );
        assert_eq!(
            entry("arn:aws:sts::111122223333:assumed-role/Deploy/x")
                .matches(&p)
                .direct,
            Tri::False
        );
        assert_eq!(entry("111122223333").matches(&p).account, Tri::True);
        let unknown =
            Principal::role_session("arn:aws:iam::111122223333:role/Deploy", None).unwrap();
        assert_eq!(
            entry("arn:aws:sts::111122223333:assumed-role/Deploy/ci")
                .matches(&unknown)
                .direct,
            Tri::Unknown
        );
        let slr = Principal::role_session(
            "arn:aws:iam::1:role/aws-service-role/x.amazonaws.com/R",
            None,
        )
        .unwrap();
        assert!(slr.is_service_linked());
    }

    #[test]
    fn bad_arns_are_errors() {
        assert!(Principal::user("arn:aws:iam::1:role/x").is_err());
        assert!(Principal::role_session("nope", None).is_err());
        assert!(Principal::assumed_role("arn:aws:sts::1:assumed-role/x").is_err());
        assert!(PrincipalEntry::parse("AWS", "not a principal").is_err());
        assert!(PrincipalEntry::parse("Group", "x").is_err());
    }
}
