//! One positive fixture and one negative twin per privilege-escalation
//! method of `docs/aws-escalation-methods.md` (families 1–4).
//!
//! Every fixture is an `aws iam get-account-authorization-details` document
//! written by the small builder below: an attacker (user `attacker`, or role
//! `attacker` for the methods that write a role's own policies) whose inline
//! policy grants the method's actions, the identity it targets, and a
//! harmless role. A negative twin differs from its positive by one change,
//! named in the test: the key grant names a harmless or other resource
//! (NT-res), an explicit `Deny` in another policy (NT-deny), a permissions
//! boundary without the action (NT-pb), a condition the attacker cannot meet
//! and that is decided offline (NT-cond: `aws:PrincipalTag/team` the
//! attacker lacks, `iam:PassedToService` for another service), or a
//! precondition the authorization details decide (NT-pre).
//!
//! Positives assert the exact pivot edge (kind, from, to, mechanism,
//! conditional); twins assert that the attacker has no pivot edge at all.
//!
//! Index:
//! - family 1 (writes to one's own permissions): `iam_*_policy*` modules
//! - families 2 and 3 (other principals, trust): `iam_create_access_key` ...
//!   `iam_update_assume_role_policy`
//! - family 4 (PassRole to new compute): one module per row of
//!   `PASS_ROLE_METHODS` and `INSTANCE_PROFILE_METHODS`
//! - coverage: every table row has a module here

use crate::fixture::{A, Twin, allow, allow_if, document, pass_role, pivots};
use blastgraph_connector_aws::{
    AwsAuthDetailsConnector, INSTANCE_PROFILE_METHODS, PASS_ROLE_METHODS, account_admin_id,
};
use blastgraph_model::{Connector, EdgeKind, Estate, EstateBuilder};
use serde_json::{Value, json};

const CAN_ESCALATE: EdgeKind = EdgeKind::CanEscalate;

use crate::fixture::iam as arn;

// ---------------------------------------------------------------------------
// The fixture builder
// ---------------------------------------------------------------------------

/// The NT-cond condition: a principal tag the attacker does not carry.
fn tag_condition() -> Value {
    json!({"StringEquals": {"aws:PrincipalTag/team": "iam-admins"}})
}

/// A customer-managed policy with one (default) version.
fn managed(name: &str, statements: &[Value]) -> Value {
    managed_versions(name, &[statements.to_vec()])
}

/// A customer-managed policy; the first version is the default.
fn managed_versions(name: &str, versions: &[Vec<Value>]) -> Value {
    let list: Vec<Value> = versions
        .iter()
        .enumerate()
        .map(|(i, st)| {
            json!({"VersionId": format!("v{}", i + 1), "IsDefaultVersion": i == 0, "Document": document(st)})
        })
        .collect();
    json!({"PolicyName": name, "Arn": arn(&format!("policy/{name}")), "DefaultVersionId": "v1",
           "PolicyVersionList": list})
}

/// A user, group or role record.
#[derive(Clone)]
struct Id(Value);

impl Id {
    fn user(name: &str) -> Id {
        Id(
            json!({"UserName": name, "Arn": arn(&format!("user/{name}")), "Path": "/",
                  "GroupList": [], "UserPolicyList": [], "AttachedManagedPolicies": [],
                  "Tags": [{"Key": "team", "Value": "web"}]}),
        )
    }

    fn group(name: &str) -> Id {
        Id(
            json!({"GroupName": name, "Arn": arn(&format!("group/{name}")), "Path": "/",
                  "GroupPolicyList": [], "AttachedManagedPolicies": []}),
        )
    }

    /// A role trusting `service`.
    fn role(name: &str, service: &str) -> Id {
        Id(
            json!({"RoleName": name, "Arn": arn(&format!("role/{name}")), "Path": "/",
                  "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
                      "Principal": {"Service": service}, "Action": "sts:AssumeRole"})]),
                  "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []}),
        )
    }

    fn list_key(&self) -> &'static str {
        if self.0.get("UserName").is_some() {
            "UserPolicyList"
        } else if self.0.get("GroupName").is_some() {
            "GroupPolicyList"
        } else {
            "RolePolicyList"
        }
    }

    fn push(mut self, key: &str, v: Value) -> Id {
        self.0[key].as_array_mut().unwrap().push(v);
        self
    }

    /// Its inline policy.
    fn inline(self, statements: &[Value]) -> Id {
        let key = self.list_key();
        self.push(
            key,
            json!({"PolicyName": "inline", "PolicyDocument": document(statements)}),
        )
    }

    fn attach(self, policy: &str) -> Id {
        self.push(
            "AttachedManagedPolicies",
            json!({"PolicyName": policy, "PolicyArn": arn(&format!("policy/{policy}"))}),
        )
    }

    fn boundary(mut self, policy: &str) -> Id {
        self.0["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": arn(&format!("policy/{policy}"))});
        self
    }

    fn member_of(self, group: &str) -> Id {
        self.push("GroupList", json!(group))
    }

    fn instance_profile(self, name: &str) -> Id {
        let role = self.0.clone();
        self.push(
            "InstanceProfileList",
            json!({"InstanceProfileName": name, "Path": "/",
                   "Arn": arn(&format!("instance-profile/{name}")), "Roles": [role]}),
        )
    }
}

/// One authorization-details document.
#[derive(Default, Clone)]
struct Account {
    users: Vec<Id>,
    groups: Vec<Id>,
    roles: Vec<Id>,
    policies: Vec<Value>,
}

impl Account {
    fn with(mut self, id: Id) -> Account {
        if id.0.get("UserName").is_some() {
            self.users.push(id);
        } else if id.0.get("GroupName").is_some() {
            self.groups.push(id);
        } else {
            self.roles.push(id);
        }
        self
    }

    fn policy(mut self, p: Value) -> Account {
        self.policies.push(p);
        self
    }

    /// The same account as a raw snapshot in an organization whose SCP on
    /// the account's OU denies `denied` (NT-scp).
    fn ingest_under_scp(&self, denied: &str) -> Estate {
        let content =
            |stmt: Value| json!({"Version": "2012-10-17", "Statement": [stmt]}).to_string();
        let policy = |id: &str, stmt: Value| {
            json!({"Policy": {"PolicySummary": {"Id": id, "Name": id, "Type": "SERVICE_CONTROL_POLICY"},
                   "Content": content(stmt)}})
        };
        self.ingest_raw(vec![
            (
                "snap/organizations/describe-organization.json".into(),
                json!({"Organization": {"Id": "o-x", "MasterAccountId": "999999999999"}}),
            ),
            (
                format!("snap/organizations/list-parents/{A}.json"),
                json!({"Parents": [{"Id": "ou-x", "Type": "ORGANIZATIONAL_UNIT"}]}),
            ),
            (
                "snap/organizations/list-parents/ou-x.json".into(),
                json!({"Parents": [{"Id": "r-x", "Type": "ROOT"}]}),
            ),
            (
                "snap/organizations/describe-policy/p-full.json".into(),
                policy(
                    "p-full",
                    json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
                ),
            ),
            (
                "snap/organizations/describe-policy/p-deny.json".into(),
                policy(
                    "p-deny",
                    json!({"Effect": "Deny", "Action": denied, "Resource": "*"}),
                ),
            ),
            (
                "snap/organizations/list-targets-for-policy/p-full.json".into(),
                json!({"Targets": [{"TargetId": "r-x", "Type": "ROOT"},
                    {"TargetId": "ou-x", "Type": "ORGANIZATIONAL_UNIT"}, {"TargetId": A, "Type": "ACCOUNT"}]}),
            ),
            (
                "snap/organizations/list-targets-for-policy/p-deny.json".into(),
                json!({"Targets": [{"TargetId": "ou-x", "Type": "ORGANIZATIONAL_UNIT"}]}),
            ),
        ])
    }

    /// The account as a raw snapshot (`snap/ACCOUNT/global/iam/...`) with
    /// `extra` files (paths under `snap/`), read with `ingest_all`.
    fn ingest_raw(&self, extra: Vec<(String, Value)>) -> Estate {
        let ids = |v: &[Id]| v.iter().map(|i| i.0.clone()).collect::<Vec<_>>();
        let doc = json!({"UserDetailList": ids(&self.users), "GroupDetailList": ids(&self.groups),
                         "RoleDetailList": ids(&self.roles), "Policies": self.policies});
        let mut files = vec![(
            format!("snap/{A}/global/iam/get-account-authorization-details.json"),
            doc,
        )];
        files.extend(extra);
        crate::fixture::ingest_json(&files)
    }

    fn ingest(&self) -> Estate {
        let ids = |v: &[Id]| v.iter().map(|i| i.0.clone()).collect::<Vec<_>>();
        let doc = json!({"UserDetailList": ids(&self.users), "GroupDetailList": ids(&self.groups),
                         "RoleDetailList": ids(&self.roles), "Policies": self.policies});
        let bytes = serde_json::to_vec_pretty(&doc).unwrap();
        let mut b = EstateBuilder::new();
        b.begin_input(
            "methods.json",
            "aws-authorization-details",
            String::new(),
            0,
        );
        AwsAuthDetailsConnector
            .ingest("methods.json", &bytes, &mut b)
            .unwrap();
        let e = b.finish();
        assert!(e.diagnostics.is_empty(), "{:#?}", e.diagnostics);
        e
    }
}

/// The single pivot edge of a positive fixture, asserted exactly; returns
/// its reason and condition text for further checks.
fn assert_edge(
    e: &Estate,
    from: &str,
    (kind, to, mechanism, conditional): (EdgeKind, &str, &str, bool),
) -> (String, String) {
    assert_eq!(
        pivots(e, from),
        [(kind, to.to_string(), mechanism.to_string(), conditional)],
        "{:#?}",
        e.edges
    );
    let x = e
        .edges
        .iter()
        .find(|x| x.from == from && x.to == to && x.kind == kind)
        .unwrap();
    (
        x.provenance.reason.clone(),
        x.condition.clone().unwrap_or_default(),
    )
}

fn assert_no_edge(e: &Estate, from: &str) {
    assert_eq!(pivots(e, from), [], "{:#?}", e.edges);
}

// ---------------------------------------------------------------------------
// The four twin kinds, as changes to an attacker and its account
// ---------------------------------------------------------------------------

/// Applies the twin's policy-side change (Deny, Boundary) to an attacker.
fn guard(attacker: Id, account: Account, twin: Option<Twin>) -> (Id, Account) {
    match twin {
        Some(Twin::Deny(action)) => (
            attacker.attach("Guardrail"),
            account.policy(managed(
                "Guardrail",
                &[json!({"Effect": "Deny", "Action": action, "Resource": "*"})],
            )),
        ),
        Some(Twin::Boundary(action)) => (
            attacker.boundary("Boundary"),
            account.policy(managed(
                "Boundary",
                &[json!({"Effect": "Allow", "NotAction": action, "Resource": "*"})],
            )),
        ),
        _ => (attacker, account),
    }
}

// ---------------------------------------------------------------------------
// Family 1: writes to one's own permissions → can_escalate to the account admin
// ---------------------------------------------------------------------------

/// Family 1 fixture: `attacker` (a user, or a role with `role: true`) is
/// granted `action` on `resource` (key grant), with the twin applied.
fn escalation_case(
    action: &str,
    resource: &str,
    role: bool,
    extra: impl FnOnce(Id, Account) -> (Id, Account),
    twin: Option<Twin>,
) -> (Estate, String) {
    let (resource, condition) = match twin {
        Some(Twin::Res) => (
            resource.rsplit_once('/').unwrap().0.to_string() + "/other",
            None,
        ),
        Some(Twin::Tag) => (resource.to_string(), Some(tag_condition())),
        _ => (resource.to_string(), None),
    };
    let grant = match condition {
        Some(c) => allow_if(&[action], &resource, c),
        None => allow(&[action], &resource),
    };
    let attacker = if role {
        Id::role("attacker", "ec2.amazonaws.com")
    } else {
        Id::user("attacker")
    };
    let (attacker, account) = extra(attacker, Account::default());
    let (attacker, account) = guard(attacker.inline(&[grant]), account, twin);
    let from = attacker.0["Arn"].as_str().unwrap().to_string();
    (account.with(attacker).ingest(), from)
}

fn no_extra(a: Id, acc: Account) -> (Id, Account) {
    (a, acc)
}

fn assert_escalates(e: &Estate, from: &str, mechanism: &str) {
    assert_edge(
        e,
        from,
        (
            EdgeKind::CanEscalate,
            &account_admin_id(A),
            mechanism,
            false,
        ),
    );
}

mod iam_attach_user_policy {
    use super::*;
    const ACTION: &str = "iam:AttachUserPolicy";

    #[test]
    fn positive() {
        let (e, from) = escalation_case(ACTION, &arn("user/attacker"), false, no_extra, None);
        assert_escalates(&e, &from, ACTION);
    }

    #[test]
    fn negative_principal_tag_condition() {
        let (e, from) = escalation_case(
            ACTION,
            &arn("user/attacker"),
            false,
            no_extra,
            Some(Twin::Tag),
        );
        assert_no_edge(&e, &from);
    }
}

mod iam_put_user_policy {
    use super::*;
    const ACTION: &str = "iam:PutUserPolicy";

    #[test]
    fn positive() {
        let (e, from) = escalation_case(
            ACTION,
            "arn:aws:iam::*:user/${aws:username}",
            false,
            no_extra,
            None,
        );
        assert_escalates(&e, &from, ACTION);
    }

    #[test]
    fn negative_boundary_without_the_action() {
        let (e, from) = escalation_case(
            ACTION,
            "arn:aws:iam::*:user/${aws:username}",
            false,
            no_extra,
            Some(Twin::Boundary(ACTION)),
        );
        assert_no_edge(&e, &from);
    }
}

fn in_group(a: Id, acc: Account) -> (Id, Account) {
    (a.member_of("devs"), acc.with(Id::group("devs")))
}

mod iam_attach_group_policy {
    use super::*;
    const ACTION: &str = "iam:AttachGroupPolicy";

    #[test]
    fn positive() {
        let (e, from) = escalation_case(ACTION, &arn("group/devs"), false, in_group, None);
        assert_escalates(&e, &from, ACTION);
    }

    #[test]
    fn negative_boundary_without_the_action() {
        let (e, from) = escalation_case(
            ACTION,
            &arn("group/devs"),
            false,
            in_group,
            Some(Twin::Boundary(ACTION)),
        );
        assert_no_edge(&e, &from);
    }

    /// NT-pre: writing a group one is not in gains nothing.
    #[test]
    fn negative_not_a_member() {
        let (e, from) = escalation_case(
            ACTION,
            &arn("group/devs"),
            false,
            |a, acc| (a, acc.with(Id::group("devs"))),
            None,
        );
        assert_no_edge(&e, &from);
    }
}

mod iam_put_group_policy {
    use super::*;
    const ACTION: &str = "iam:PutGroupPolicy";

    #[test]
    fn positive() {
        let (e, from) = escalation_case(ACTION, &arn("group/devs"), false, in_group, None);
        assert_escalates(&e, &from, ACTION);
    }

    /// The catalogue's twin: the Deny sits in a second group's policy.
    #[test]
    fn negative_deny_in_another_groups_policy() {
        let (e, from) = escalation_case(
            ACTION,
            &arn("group/devs"),
            false,
            |a, acc| {
                let (a, acc) = in_group(a, acc);
                let guard = Id::group("guarded")
                    .inline(&[json!({"Effect": "Deny", "Action": ACTION, "Resource": "*"})]);
                (a.member_of("guarded"), acc.with(guard))
            },
            None,
        );
        assert_no_edge(&e, &from);
    }
}

mod iam_attach_role_policy {
    use super::*;
    const ACTION: &str = "iam:AttachRolePolicy";

    #[test]
    fn positive() {
        let (e, from) = escalation_case(ACTION, &arn("role/attacker"), true, no_extra, None);
        assert_escalates(&e, &from, ACTION);
    }

    #[test]
    fn negative_grant_on_another_role() {
        let (e, from) = escalation_case(
            ACTION,
            &arn("role/attacker"),
            true,
            no_extra,
            Some(Twin::Res),
        );
        assert_no_edge(&e, &from);
    }
}

mod iam_put_role_policy {
    use super::*;
    const ACTION: &str = "iam:PutRolePolicy";

    #[test]
    fn positive() {
        let (e, from) = escalation_case(ACTION, &arn("role/attacker"), true, no_extra, None);
        assert_escalates(&e, &from, ACTION);
    }

    #[test]
    fn negative_deny_in_another_policy() {
        let (e, from) = escalation_case(
            ACTION,
            &arn("role/attacker"),
            true,
            no_extra,
            Some(Twin::Deny(ACTION)),
        );
        assert_no_edge(&e, &from);
    }
}

/// The attacker's customer-managed policy `SelfService`, attached to it.
fn self_service(versions: Vec<Vec<Value>>) -> impl FnOnce(Id, Account) -> (Id, Account) {
    move |a, acc| {
        (
            a.attach("SelfService"),
            acc.policy(managed_versions("SelfService", &versions)),
        )
    }
}

mod iam_create_policy_version {
    use super::*;
    const ACTION: &str = "iam:CreatePolicyVersion";

    fn read_only() -> Vec<Value> {
        vec![allow(&["s3:GetObject"], "*")]
    }

    #[test]
    fn positive() {
        let (e, from) = escalation_case(
            ACTION,
            &arn("policy/SelfService"),
            false,
            self_service(vec![read_only()]),
            None,
        );
        assert_escalates(&e, &from, ACTION);
    }

    #[test]
    fn negative_grant_on_another_policy() {
        let (e, from) = escalation_case(
            ACTION,
            &arn("policy/SelfService"),
            false,
            self_service(vec![read_only()]),
            Some(Twin::Res),
        );
        assert_no_edge(&e, &from);
    }
}

mod iam_set_default_policy_version {
    use super::*;
    const ACTION: &str = "iam:SetDefaultPolicyVersion";

    /// v1 (default) reads S3; v2, stored, is administrator.
    fn versions() -> Vec<Vec<Value>> {
        vec![
            vec![allow(&["s3:GetObject"], "*")],
            vec![allow(&["*"], "*")],
        ]
    }

    #[test]
    fn positive() {
        let (e, from) = escalation_case(
            ACTION,
            &arn("policy/SelfService"),
            true,
            self_service(versions()),
            None,
        );
        assert_escalates(&e, &from, ACTION);
    }

    #[test]
    fn negative_deny_in_another_policy() {
        let (e, from) = escalation_case(
            ACTION,
            &arn("policy/SelfService"),
            true,
            self_service(versions()),
            Some(Twin::Deny(ACTION)),
        );
        assert_no_edge(&e, &from);
    }
}

/// Rows 1.9 and 1.10: the boundary is what binds, and it can go.
mod boundary_removal {
    use super::*;

    /// Role `attacker` whose inline policy allows everything, bounded by
    /// `Narrow` (S3 and `extra`).
    fn case(extra: &[&str]) -> (Estate, String) {
        let mut allowed = vec!["s3:*"];
        allowed.extend(extra);
        let attacker = Id::role("attacker", "ec2.amazonaws.com")
            .inline(&[allow(&["*"], "*")])
            .boundary("Narrow");
        let from = attacker.0["Arn"].as_str().unwrap().to_string();
        let account = Account::default()
            .policy(managed("Narrow", &[allow(&allowed, "*")]))
            .with(attacker);
        (account.ingest(), from)
    }

    /// Row 1.10.
    #[test]
    fn delete_the_boundary() {
        let (e, from) = case(&["iam:DeleteRolePermissionsBoundary"]);
        assert_escalates(&e, &from, "iam:DeleteRolePermissionsBoundary");
    }

    /// Row 1.9.
    #[test]
    fn replace_the_boundary_with_administrator_access() {
        let (e, from) = case(&["iam:PutRolePermissionsBoundary"]);
        let (reason, _) = assert_edge(
            &e,
            &from,
            (
                CAN_ESCALATE,
                &account_admin_id(A),
                "iam:PutRolePermissionsBoundary",
                false,
            ),
        );
        assert!(reason.contains("AdministratorAccess"), "{reason}");
    }

    /// NT-pb: the boundary allows neither.
    #[test]
    fn negative_boundary_without_the_action() {
        let (e, from) = case(&[]);
        assert_no_edge(&e, &from);
    }
}

/// Row 1.11: the Deny guardrail is all that stops the attacker, and it can
/// remove the guardrail.
mod deny_removal {
    use super::*;

    fn guardrail(denied: &[&str]) -> Value {
        managed(
            "DenyIAMWrites",
            &[json!({"Effect": "Deny", "Action": denied, "Resource": "*"})],
        )
    }

    const WRITES: [&str; 3] = ["iam:Put*", "iam:Attach*", "iam:Create*"];

    #[test]
    fn detach_the_guardrail() {
        let attacker = Id::user("attacker")
            .inline(&[allow(&["*"], "*")])
            .attach("DenyIAMWrites");
        let e = Account::default()
            .policy(guardrail(&WRITES))
            .with(attacker)
            .ingest();
        assert_escalates(&e, &arn("user/attacker"), "iam:DetachUserPolicy");
    }

    /// The guardrail held by the attacker's group.
    #[test]
    fn detach_the_guardrail_from_the_group() {
        let e = Account::default()
            .policy(guardrail(&WRITES))
            .with(Id::group("restricted").attach("DenyIAMWrites"))
            .with(
                Id::user("attacker")
                    .inline(&[allow(&["*"], "*")])
                    .member_of("restricted"),
            )
            .ingest();
        assert_escalates(&e, &arn("user/attacker"), "iam:DetachGroupPolicy");
    }

    /// NT-deny: the guardrail also denies its own removal.
    #[test]
    fn negative_a_guardrail_that_protects_itself() {
        let mut denied = WRITES.to_vec();
        denied.extend(["iam:Detach*", "iam:Delete*"]);
        let attacker = Id::user("attacker")
            .inline(&[allow(&["*"], "*")])
            .attach("DenyIAMWrites");
        let e = Account::default()
            .policy(guardrail(&denied))
            .with(attacker)
            .ingest();
        assert_no_edge(&e, &arn("user/attacker"));
    }
}

/// Rows 1.12 and 1.13: a new identity the attacker names and makes admin.
mod new_admin_identity {
    use super::*;

    fn case(grants: &[Value]) -> (Estate, String) {
        let attacker = Id::user("attacker").inline(grants);
        let from = attacker.0["Arn"].as_str().unwrap().to_string();
        (Account::default().with(attacker).ingest(), from)
    }

    /// Row 1.12.
    #[test]
    fn create_role_and_put_its_policy() {
        let (e, from) = case(&[allow(&["iam:CreateRole", "iam:PutRolePolicy"], "*")]);
        assert_escalates(&e, &from, "iam:CreateRole+iam:PutRolePolicy");
    }

    /// Row 1.12 under a name pattern the attacker can use.
    #[test]
    fn create_role_on_a_name_pattern() {
        let (e, from) = case(&[allow(
            &["iam:CreateRole", "iam:AttachRolePolicy"],
            &arn("role/sandbox-*"),
        )]);
        assert_escalates(&e, &from, "iam:CreateRole+iam:AttachRolePolicy");
    }

    /// Row 1.12's NT-cond: roles may only be created with a boundary, so
    /// the new role holds what the boundary allows (conditional).
    #[test]
    fn create_role_only_with_a_boundary_is_conditional() {
        let (e, from) = case(&[
            allow_if(
                &["iam:CreateRole"],
                "*",
                json!({"StringEquals": {"iam:PermissionsBoundary": arn("policy/ReadOnlyBoundary")}}),
            ),
            allow(&["iam:PutRolePolicy"], "*"),
        ]);
        let (_, condition) = assert_edge(
            &e,
            &from,
            (
                CAN_ESCALATE,
                &account_admin_id(A),
                "iam:CreateRole+iam:PutRolePolicy",
                true,
            ),
        );
        assert!(
            condition.contains("requires a permissions boundary"),
            "{condition}"
        );
    }

    /// Row 1.13.
    #[test]
    fn create_user_with_policy_and_key() {
        let (e, from) = case(&[allow(
            &[
                "iam:CreateUser",
                "iam:AttachUserPolicy",
                "iam:CreateAccessKey",
            ],
            &arn("user/new-*"),
        )]);
        assert_escalates(
            &e,
            &from,
            "iam:CreateUser+iam:AttachUserPolicy+iam:CreateAccessKey",
        );
    }

    /// Row 1.13's twin: no way to get the new user's credentials.
    #[test]
    fn negative_create_user_without_credentials() {
        let (e, from) = case(&[allow(
            &["iam:CreateUser", "iam:PutUserPolicy"],
            &arn("user/new-*"),
        )]);
        assert_no_edge(&e, &from);
    }
}

/// NT-scp: one twin per family, the positive's account under an SCP that
/// denies the key action. Each case first checks that the same account
/// without the SCP gives the pivot.
mod scp_twins {
    use super::*;

    fn target_role() -> Id {
        Id(
            json!({"RoleName": "target", "Arn": arn("role/target"), "Path": "/",
                  "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
                      "Principal": {"AWS": format!("arn:aws:iam::{A}:root")}, "Action": "sts:AssumeRole"})]),
                  "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []}),
        )
    }

    /// (what, the account, the action the SCP denies)
    fn cases() -> Vec<(&'static str, Account, &'static str)> {
        let attacker = |grants: &[Value]| Id::user("attacker").inline(grants);
        vec![
            (
                "1.6 PutUserPolicy on itself",
                Account::default().with(attacker(&[allow(
                    &["iam:PutUserPolicy"],
                    &arn("user/attacker"),
                )])),
                "iam:PutUserPolicy",
            ),
            (
                "1.16 PutRolePolicy on another role + assume",
                Account::default()
                    .with(target_role())
                    .with(attacker(&[allow(
                        &["iam:PutRolePolicy", "sts:AssumeRole"],
                        &arn("role/target"),
                    )])),
                "sts:AssumeRole",
            ),
            (
                "1.12 CreateRole + PutRolePolicy",
                Account::default().with(attacker(&[allow(
                    &["iam:CreateRole", "iam:PutRolePolicy"],
                    "*",
                )])),
                "iam:CreateRole",
            ),
            (
                "2.1 CreateAccessKey on another user",
                Account::default()
                    .with(Id::user("victim"))
                    .with(attacker(&[allow(
                        &["iam:CreateAccessKey", "iam:DeleteAccessKey"],
                        &arn("user/victim"),
                    )])),
                "iam:CreateAccessKey",
            ),
            (
                "3.3 UpdateAssumeRolePolicy",
                Account::default()
                    .with(Id::role("prod", "ec2.amazonaws.com"))
                    .with(attacker(&[allow(
                        &["iam:UpdateAssumeRolePolicy"],
                        &arn("role/prod"),
                    )])),
                "iam:UpdateAssumeRolePolicy",
            ),
            (
                "4.1 PassRole + Lambda CreateFunction + InvokeFunction",
                Account::default()
                    .with(Id::role("target", "lambda.amazonaws.com"))
                    .with(attacker(&[
                        pass_role("target", "lambda.amazonaws.com"),
                        allow(&["lambda:CreateFunction", "lambda:InvokeFunction"], "*"),
                    ])),
                "lambda:CreateFunction",
            ),
        ]
    }

    #[test]
    fn an_scp_denying_the_key_action_removes_the_pivot() {
        for (what, account, denied) in cases() {
            let from = arn("user/attacker");
            let without = account.ingest();
            assert!(
                !pivots(&without, &from).is_empty(),
                "{what}: no pivot without the SCP: {:#?}",
                without.edges
            );
            let with = account.ingest_under_scp(denied);
            let left = pivots(&with, &from);
            assert!(
                left.is_empty(),
                "{what}: the SCP denying {denied} left {left:#?}"
            );
            // A policy the SCP does not name leaves the pivot.
            let other = account.ingest_under_scp("s3:DeleteBucket");
            assert!(
                !pivots(&other, &from).is_empty(),
                "{what}: an unrelated SCP removed the pivot"
            );
        }
    }
}

/// Rows 4.35 and 4.36 with the ECS inventory: an existing cluster decides
/// the "needs an existing cluster" caveat, and `ecs:cluster` names it.
mod ecs_clusters {
    use super::*;
    const CLUSTER: &str = "arn:aws:ecs:us-east-1:111122223333:cluster/prod";
    const MECHANISM: &str = "iam:PassRole+ecs:RegisterTaskDefinition+ecs:RunTask";

    fn account(run_task: Value) -> Account {
        Account::default()
            .with(Id::role("target", ECS))
            .with(Id::user("attacker").inline(&[
                pass_role("target", ECS),
                allow(&["ecs:RegisterTaskDefinition"], "*"),
                run_task,
            ]))
    }

    fn clusters(arns: &[&str]) -> Vec<(String, Value)> {
        vec![(
            format!("snap/{A}/us-east-1/ecs/list-clusters.json"),
            json!({ "clusterArns": arns }),
        )]
    }

    fn run_task_edge(e: &Estate, conditional: bool) -> String {
        assert_edge(
            e,
            &arn("user/attacker"),
            (
                EdgeKind::CanActAs,
                &arn("role/target"),
                MECHANISM,
                conditional,
            ),
        )
        .1
    }

    #[test]
    fn an_existing_cluster_makes_run_task_firm() {
        let e = account(allow(&["ecs:RunTask"], "*")).ingest_raw(clusters(&[CLUSTER]));
        run_task_edge(&e, false);
    }

    /// Without the inventory the caveat stays.
    #[test]
    fn without_the_inventory_it_stays_conditional() {
        let e = account(allow(&["ecs:RunTask"], "*")).ingest();
        let condition = run_task_edge(&e, true);
        assert!(condition.contains("existing ECS cluster"), "{condition}");
    }

    /// NT-pre: the account has no cluster (and the attacker cannot make one).
    #[test]
    fn negative_no_cluster() {
        let e = account(allow(&["ecs:RunTask"], "*")).ingest_raw(clusters(&[]));
        assert_no_edge(&e, &arn("user/attacker"));
    }

    /// NT-cond: tasks may only run on another cluster.
    #[test]
    fn negative_run_task_only_on_another_cluster() {
        let e = account(allow_if(
            &["ecs:RunTask"],
            "*",
            json!({"ArnEquals": {"ecs:cluster": "arn:aws:ecs:us-east-1:111122223333:cluster/sandbox"}}),
        ))
        .ingest_raw(clusters(&[CLUSTER]));
        assert_no_edge(&e, &arn("user/attacker"));
    }
}

// ---------------------------------------------------------------------------
// Family 1, pass 2: writes to another identity, then its credentials
// (rows 1.14–1.21) → can_escalate to the account admin
// ---------------------------------------------------------------------------

mod through_another_identity {
    use super::*;

    /// A role any principal of the account may assume (when its own
    /// policies allow `sts:AssumeRole` on it).
    fn target_role() -> Id {
        Id(
            json!({"RoleName": "target", "Arn": arn("role/target"), "Path": "/",
                  "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
                      "Principal": {"AWS": format!("arn:aws:iam::{A}:root")}, "Action": "sts:AssumeRole"})]),
                  "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []}),
        )
    }

    fn case(
        grants: &[Value],
        target: Id,
        extra: impl FnOnce(Account) -> Account,
    ) -> (Estate, String) {
        let attacker = Id::user("attacker").inline(grants);
        let from = attacker.0["Arn"].as_str().unwrap().to_string();
        (
            extra(Account::default().with(target))
                .with(attacker)
                .ingest(),
            from,
        )
    }

    fn escalation(e: &Estate, from: &str) -> Vec<(String, bool)> {
        pivots(e, from)
            .into_iter()
            .filter(|(k, ..)| *k == CAN_ESCALATE)
            .map(|(_, _, m, c)| (m, c))
            .collect()
    }

    /// Row 1.16.
    #[test]
    fn put_role_policy_then_assume() {
        let (e, from) = case(
            &[allow(
                &["iam:PutRolePolicy", "sts:AssumeRole"],
                &arn("role/target"),
            )],
            target_role(),
            |a| a,
        );
        assert_eq!(
            escalation(&e, &from),
            [("iam:PutRolePolicy+sts:AssumeRole".to_string(), false)]
        );
        let x = e.edges.iter().find(|x| x.kind == CAN_ESCALATE).unwrap();
        assert!(
            x.provenance.reason.contains("through role/target"),
            "{}",
            x.provenance.reason
        );
    }

    /// Row 1.16's twin: assuming the role is denied in another policy.
    #[test]
    fn negative_assume_denied_in_another_policy() {
        let (e, from) = case(
            &[
                allow(
                    &["iam:PutRolePolicy", "sts:AssumeRole"],
                    &arn("role/target"),
                ),
                json!({"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}),
            ],
            target_role(),
            |a| a,
        );
        assert_no_edge(&e, &from);
    }

    /// Row 1.14's twin: the role's trust does not let the attacker in.
    #[test]
    fn negative_attach_role_policy_on_a_role_it_cannot_assume() {
        let (e, from) = case(
            &[allow(
                &["iam:AttachRolePolicy", "sts:AssumeRole"],
                &arn("role/target"),
            )],
            Id::role("target", "lambda.amazonaws.com"),
            |a| a,
        );
        assert_no_edge(&e, &from);
    }

    /// Row 1.14.
    #[test]
    fn attach_role_policy_then_assume() {
        let (e, from) = case(
            &[allow(
                &["iam:AttachRolePolicy", "sts:AssumeRole"],
                &arn("role/target"),
            )],
            target_role(),
            |a| a,
        );
        assert_eq!(
            escalation(&e, &from),
            [("iam:AttachRolePolicy+sts:AssumeRole".to_string(), false)]
        );
    }

    /// Row 1.15: a new version of a customer policy attached to the role.
    #[test]
    fn create_policy_version_then_assume() {
        let (e, from) = case(
            &[
                allow(&["iam:CreatePolicyVersion"], &arn("policy/TargetPolicy")),
                allow(&["sts:AssumeRole"], &arn("role/target")),
            ],
            target_role().attach("TargetPolicy"),
            |a| a.policy(managed("TargetPolicy", &[allow(&["s3:GetObject"], "*")])),
        );
        assert_eq!(
            escalation(&e, &from),
            [("iam:CreatePolicyVersion+sts:AssumeRole".to_string(), false)]
        );
    }

    /// Row 1.21: the trust is rewritten instead of assumed.
    #[test]
    fn put_role_policy_then_update_trust() {
        let (e, from) = case(
            &[allow(
                &["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"],
                &arn("role/target"),
            )],
            Id::role("target", "lambda.amazonaws.com"),
            |a| a,
        );
        assert_eq!(
            escalation(&e, &from),
            [(
                "iam:PutRolePolicy+iam:UpdateAssumeRolePolicy".to_string(),
                false
            )]
        );
    }

    /// Row 1.17: a policy on another user, then a key for it. Without the
    /// credential report the two-key limit keeps it conditional.
    #[test]
    fn attach_user_policy_then_create_access_key() {
        let (e, from) = case(
            &[allow(
                &["iam:AttachUserPolicy", "iam:CreateAccessKey"],
                &arn("user/target"),
            )],
            Id::user("target"),
            |a| a,
        );
        assert_eq!(
            escalation(&e, &from),
            [("iam:AttachUserPolicy+iam:CreateAccessKey".to_string(), true)]
        );
    }

    /// Row 1.18, with the credential report saying nothing: conditional.
    #[test]
    fn put_user_policy_then_create_access_key() {
        let (e, from) = case(
            &[allow(
                &["iam:PutUserPolicy", "iam:CreateAccessKey"],
                &arn("user/target"),
            )],
            Id::user("target"),
            |a| a,
        );
        assert_eq!(
            escalation(&e, &from),
            [("iam:PutUserPolicy+iam:CreateAccessKey".to_string(), true)]
        );
    }

    /// Row 1.19.
    #[test]
    fn attach_role_policy_then_update_trust() {
        let (e, from) = case(
            &[allow(
                &["iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"],
                &arn("role/target"),
            )],
            Id::role("target", "lambda.amazonaws.com"),
            |a| a,
        );
        assert_eq!(
            escalation(&e, &from),
            [(
                "iam:AttachRolePolicy+iam:UpdateAssumeRolePolicy".to_string(),
                false
            )]
        );
    }

    /// Row 1.20, and its twin: the role has only AWS-managed policies.
    #[test]
    fn create_policy_version_then_update_trust() {
        let grants = [
            allow(&["iam:CreatePolicyVersion"], "*"),
            allow(&["iam:UpdateAssumeRolePolicy"], &arn("role/target")),
        ];
        let (e, from) = case(
            &grants,
            Id::role("target", "lambda.amazonaws.com").attach("TargetPolicy"),
            |a| a.policy(managed("TargetPolicy", &[allow(&["s3:GetObject"], "*")])),
        );
        assert_eq!(
            escalation(&e, &from),
            [(
                "iam:CreatePolicyVersion+iam:UpdateAssumeRolePolicy".to_string(),
                false
            )]
        );
        let aws_managed = Id::role("target", "lambda.amazonaws.com").push(
            "AttachedManagedPolicies",
            json!({"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
        );
        let read_only = json!({"PolicyName": "ReadOnlyAccess",
            "Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "DefaultVersionId": "v1",
            "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true,
                "Document": document(&[allow(&["s3:GetObject"], "*")])}]});
        let (e, from) = case(&grants, aws_managed, |a| a.policy(read_only));
        assert!(escalation(&e, &from).is_empty(), "{:#?}", e.edges);
    }

    /// Row 1.18's twin: the key grant is on the attacker itself only.
    #[test]
    fn negative_put_user_policy_with_a_key_only_for_itself() {
        let (e, from) = case(
            &[
                allow(&["iam:PutUserPolicy"], &arn("user/target")),
                allow(&["iam:CreateAccessKey"], &arn("user/${aws:username}")),
            ],
            Id::user("target"),
            |a| a,
        );
        assert!(escalation(&e, &from).is_empty(), "{:#?}", e.edges);
    }

    /// NT-ceil: the written role's boundary caps what it gets: decided, a
    /// firm edge to the bounded identity of that boundary (issue 11, item 1).
    #[test]
    fn a_bounded_target_is_decided_within_its_boundary() {
        let (e, from) = case(
            &[allow(
                &["iam:PutRolePolicy", "sts:AssumeRole"],
                &arn("role/target"),
            )],
            target_role().boundary("Narrow"),
            |a| a.policy(managed("Narrow", &[allow(&["s3:*"], "*")])),
        );
        assert_eq!(
            escalation(&e, &from),
            [("iam:PutRolePolicy+sts:AssumeRole".to_string(), false)]
        );
        let x = e.edges.iter().find(|x| x.kind == CAN_ESCALATE).unwrap();
        assert_eq!(x.to, arn("role/(rewritten)/bounded-by-Narrow"));
        assert!(x.provenance.reason.contains("it then holds what"), "{x:?}");
        // the bounded identity itself does not reach the admin: s3:* only
        assert!(
            !e.edges
                .iter()
                .any(|y| y.from == x.to && y.to == account_admin_id(A)),
            "{:#?}",
            e.edges
        );
    }
}

// ---------------------------------------------------------------------------
// Family 1: the condition keys IAM puts on the request, decided
// ---------------------------------------------------------------------------

/// `iam:PolicyARN` on `Attach*Policy`: the attacker picks the policy, so a
/// grant limited to named policies escalates only when one of them grants
/// everything (AWS `AdministratorAccess`, or a customer policy that is
/// admin-equivalent); a grant limited to a read-only policy gives nothing.
mod iam_policy_arn_condition {
    use super::*;
    const ACTION: &str = "iam:AttachUserPolicy";
    const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
    const READ_ONLY: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

    fn attach_if(condition: Value) -> impl FnOnce(Id, Account) -> (Id, Account) {
        move |a, acc| {
            (
                a.inline(&[allow_if(&[ACTION], &arn("user/attacker"), condition)]),
                acc,
            )
        }
    }

    fn case(extra: impl FnOnce(Id, Account) -> (Id, Account)) -> (Estate, String) {
        let (attacker, account) = extra(Id::user("attacker"), Account::default());
        let from = attacker.0["Arn"].as_str().unwrap().to_string();
        (account.with(attacker).ingest(), from)
    }

    #[test]
    fn limited_to_administrator_access_escalates_firmly() {
        let (e, from) = case(attach_if(json!({"ArnEquals": {"iam:PolicyARN": ADMIN}})));
        let (reason, _) = assert_edge(
            &e,
            &from,
            (CAN_ESCALATE, &account_admin_id(A), ACTION, false),
        );
        assert!(reason.contains("AdministratorAccess"), "{reason}");
    }

    #[test]
    fn negative_limited_to_a_read_only_policy() {
        let (e, from) = case(attach_if(
            json!({"ArnEquals": {"iam:PolicyARN": [READ_ONLY, arn("policy/Reader")]}}),
        ));
        assert_no_edge(&e, &from);
    }

    #[test]
    fn limited_to_a_customer_policy_that_grants_everything() {
        let (e, from) = case(|a, acc| {
            attach_if(json!({"ArnLike": {"iam:PolicyARN": arn("policy/team-*")}}))(
                a,
                acc.policy(managed("team-reader", &[allow(&["s3:GetObject"], "*")]))
                    .policy(managed("team-admin", &[allow(&["*"], "*")])),
            )
        });
        let (reason, _) = assert_edge(
            &e,
            &from,
            (CAN_ESCALATE, &account_admin_id(A), ACTION, false),
        );
        assert!(reason.contains(&arn("policy/team-admin")), "{reason}");
    }

    #[test]
    fn negative_limited_to_customer_policies_that_do_not() {
        let (e, from) = case(|a, acc| {
            attach_if(json!({"ArnLike": {"iam:PolicyARN": arn("policy/team-*")}}))(
                a,
                acc.policy(managed("team-reader", &[allow(&["s3:GetObject"], "*")])),
            )
        });
        assert_no_edge(&e, &from);
    }

    #[test]
    fn negative_deny_on_every_other_policy_arn() {
        let (e, from) = case(|a, acc| {
            (
                a.inline(&[
                    allow(&[ACTION], &arn("user/attacker")),
                    json!({"Effect": "Deny", "Action": ACTION, "Resource": "*",
                           "Condition": {"ArnNotEquals": {"iam:PolicyARN": READ_ONLY}}}),
                ]),
                acc,
            )
        });
        assert_no_edge(&e, &from);
    }
}

/// `iam:PermissionsBoundary` on `Put*Policy` / `Attach*Policy`: the boundary
/// the written principal has, known from the authorization details. The
/// delegation pattern "write policies only on principals bounded by B".
mod iam_permissions_boundary_condition {
    use super::*;
    const ACTION: &str = "iam:PutUserPolicy";

    fn case(boundary: Option<(&str, Vec<Value>)>) -> (Estate, String) {
        let grant = allow_if(
            &[ACTION],
            &arn("user/attacker"),
            json!({"StringEquals": {"iam:PermissionsBoundary": arn("policy/DevBoundary")}}),
        );
        let mut attacker = Id::user("attacker").inline(&[grant]);
        let mut account = Account::default();
        if let Some((name, statements)) = boundary {
            attacker = attacker.boundary(name);
            account = account.policy(managed(name, &statements));
        }
        let from = attacker.0["Arn"].as_str().unwrap().to_string();
        (account.with(attacker).ingest(), from)
    }

    #[test]
    fn bounded_by_the_named_boundary_escalates_within_it() {
        // The boundary allows everything, so the write is not capped.
        let (e, from) = case(Some(("DevBoundary", vec![allow(&["*"], "*")])));
        assert_escalates(&e, &from, ACTION);
    }

    #[test]
    fn bounded_by_a_narrow_named_boundary_is_capped() {
        let (e, from) = case(Some(("DevBoundary", vec![allow(&["s3:*", ACTION], "*")])));
        // decided: a firm edge to what the boundary lets it be
        let (reason, _) = assert_edge(
            &e,
            &from,
            (
                CAN_ESCALATE,
                &arn("user/(rewritten)/bounded-by-DevBoundary"),
                ACTION,
                false,
            ),
        );
        assert!(
            reason.contains("within the permissions boundary"),
            "{reason}"
        );
    }

    #[test]
    fn negative_no_boundary() {
        let (e, from) = case(None);
        assert_no_edge(&e, &from);
    }

    #[test]
    fn negative_another_boundary() {
        let (e, from) = case(Some(("OtherBoundary", vec![allow(&["*"], "*")])));
        assert_no_edge(&e, &from);
    }
}

/// `iam:CreatePolicyVersion` fails with `LimitExceeded` on a policy that
/// already has five versions; the attacker must delete one first.
mod iam_create_policy_version_limit {
    use super::*;
    const ACTION: &str = "iam:CreatePolicyVersion";

    fn five_versions() -> Vec<Vec<Value>> {
        (0..5)
            .map(|_| vec![allow(&["s3:GetObject"], "*")])
            .collect()
    }

    #[test]
    fn with_delete_policy_version_escalates() {
        let (e, from) = escalation_case(
            ACTION,
            &arn("policy/SelfService"),
            false,
            |a, acc| {
                self_service(five_versions())(
                    a.inline(&[allow(
                        &["iam:DeletePolicyVersion"],
                        &arn("policy/SelfService"),
                    )]),
                    acc,
                )
            },
            None,
        );
        let (reason, _) = assert_edge(
            &e,
            &from,
            (
                CAN_ESCALATE,
                &account_admin_id(A),
                "iam:DeletePolicyVersion+iam:CreatePolicyVersion",
                false,
            ),
        );
        assert!(reason.contains("five versions"), "{reason}");
    }

    #[test]
    fn negative_five_versions_and_no_delete() {
        let (e, from) = escalation_case(
            ACTION,
            &arn("policy/SelfService"),
            false,
            self_service(five_versions()),
            None,
        );
        assert_no_edge(&e, &from);
    }

    #[test]
    fn four_versions_need_no_delete() {
        let (e, from) = escalation_case(
            ACTION,
            &arn("policy/SelfService"),
            false,
            self_service(five_versions()[..4].to_vec()),
            None,
        );
        assert_escalates(&e, &from, ACTION);
    }
}

// ---------------------------------------------------------------------------
// Families 2 and 3: other principals and trust → can_act_as the target
// ---------------------------------------------------------------------------

const SUPPORT_SLR: &str = "role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport";

/// Family 2/3 fixture: user `attacker` is granted `actions` on `target`
/// (key grant: the first action), with the twin applied. The account holds
/// the target (`user/victim`, `group/admins` or `role/prod`).
fn takeover_case(actions: &[&str], target: &str, twin: Option<Twin>) -> (Estate, String) {
    let (resource, condition) = match twin {
        Some(Twin::Res) => ("arn:aws:iam::*:user/${aws:username}".to_string(), None),
        Some(Twin::Tag) => (target.to_string(), Some(tag_condition())),
        _ => (target.to_string(), None),
    };
    let mut grants = vec![match condition {
        Some(c) => allow_if(&actions[..1], &resource, c),
        None => allow(&actions[..1], &resource),
    }];
    if actions.len() > 1 {
        grants.push(allow(&actions[1..], target));
    }
    let account = Account::default()
        .with(Id::user("victim"))
        .with(Id::group("admins").inline(&[allow(&["*"], "*")]))
        .with(Id::role("prod", "ec2.amazonaws.com"))
        .with(Id(json!({"RoleName": "AWSServiceRoleForSupport",
            "Path": "/aws-service-role/support.amazonaws.com/", "Arn": arn(SUPPORT_SLR),
            "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
                "Principal": {"Service": "support.amazonaws.com"}, "Action": "sts:AssumeRole"})]),
            "RolePolicyList": [], "AttachedManagedPolicies": []})));
    let (attacker, account) = guard(Id::user("attacker").inline(&grants), account, twin);
    (account.with(attacker).ingest(), arn("user/attacker"))
}

mod iam_create_access_key {
    use super::*;
    const ACTION: &str = "iam:CreateAccessKey";

    #[test]
    fn positive() {
        let (e, from) = takeover_case(&[ACTION], &arn("user/victim"), None);
        let (_, condition) = assert_edge(
            &e,
            &from,
            (EdgeKind::CanActAs, &arn("user/victim"), ACTION, true),
        );
        assert!(condition.contains("two access keys"), "{condition}");
    }

    /// The catalogue's twin: `user/${aws:username}` covers only oneself.
    #[test]
    fn negative_self_only_resource() {
        let (e, from) = takeover_case(&[ACTION], &arn("user/victim"), Some(Twin::Res));
        assert_no_edge(&e, &from);
    }
}

/// Row 2.2: with `iam:DeleteAccessKey` too, the two-key limit cannot stop it.
mod iam_create_access_key_rotate {
    use super::*;

    #[test]
    fn positive() {
        let (e, from) = takeover_case(
            &["iam:CreateAccessKey", "iam:DeleteAccessKey"],
            &arn("user/victim"),
            None,
        );
        assert_edge(
            &e,
            &from,
            (
                EdgeKind::CanActAs,
                &arn("user/victim"),
                "iam:CreateAccessKey",
                false,
            ),
        );
    }

    #[test]
    fn negative_deny_in_another_policy() {
        let (e, from) = takeover_case(
            &["iam:CreateAccessKey", "iam:DeleteAccessKey"],
            &arn("user/victim"),
            Some(Twin::Deny("iam:CreateAccessKey")),
        );
        assert_no_edge(&e, &from);
    }
}

mod iam_create_login_profile {
    use super::*;
    const ACTION: &str = "iam:CreateLoginProfile";

    #[test]
    fn positive() {
        let (e, from) = takeover_case(&[ACTION], &arn("user/victim"), None);
        let (_, condition) = assert_edge(
            &e,
            &from,
            (EdgeKind::CanActAs, &arn("user/victim"), ACTION, true),
        );
        assert!(
            condition.contains("already has a console password"),
            "{condition}"
        );
    }

    #[test]
    fn negative_principal_tag_condition() {
        let (e, from) = takeover_case(&[ACTION], &arn("user/victim"), Some(Twin::Tag));
        assert_no_edge(&e, &from);
    }

    /// Create and update together work whatever the user's state: firm.
    #[test]
    fn positive_with_update_is_firm() {
        let (e, from) = takeover_case(
            &[ACTION, "iam:UpdateLoginProfile"],
            &arn("user/victim"),
            None,
        );
        assert_edge(
            &e,
            &from,
            (EdgeKind::CanActAs, &arn("user/victim"), ACTION, false),
        );
    }
}

mod iam_update_login_profile {
    use super::*;
    const ACTION: &str = "iam:UpdateLoginProfile";

    #[test]
    fn positive() {
        let (e, from) = takeover_case(&[ACTION], &arn("user/victim"), None);
        let (_, condition) = assert_edge(
            &e,
            &from,
            (EdgeKind::CanActAs, &arn("user/victim"), ACTION, true),
        );
        assert!(condition.contains("no console password"), "{condition}");
    }

    #[test]
    fn negative_boundary_without_the_action() {
        let (e, from) = takeover_case(&[ACTION], &arn("user/victim"), Some(Twin::Boundary(ACTION)));
        assert_no_edge(&e, &from);
    }
}

mod iam_add_user_to_group {
    use super::*;
    const ACTION: &str = "iam:AddUserToGroup";

    #[test]
    fn positive() {
        let (e, from) = takeover_case(&[ACTION], &arn("group/admins"), None);
        assert_edge(
            &e,
            &from,
            (EdgeKind::CanActAs, &arn("group/admins"), ACTION, false),
        );
    }

    #[test]
    fn negative_deny_in_another_policy() {
        let (e, from) = takeover_case(&[ACTION], &arn("group/admins"), Some(Twin::Deny(ACTION)));
        assert_no_edge(&e, &from);
    }
}

/// Row 2.6: a service-specific credential (Bedrock API key, CodeCommit,
/// Keyspaces) of another user: conditional, scoped to those services.
mod iam_create_service_specific_credential {
    use super::*;
    const ACTION: &str = "iam:CreateServiceSpecificCredential";

    fn case(victim_grants: &[Value]) -> (Estate, String) {
        let victim = if victim_grants.is_empty() {
            Id::user("victim")
        } else {
            Id::user("victim").inline(victim_grants)
        };
        let attacker = Id::user("attacker").inline(&[allow(&[ACTION], &arn("user/victim"))]);
        let from = attacker.0["Arn"].as_str().unwrap().to_string();
        (
            Account::default().with(victim).with(attacker).ingest(),
            from,
        )
    }

    #[test]
    fn positive_a_bedrock_user() {
        let (e, from) = case(&[allow(&["bedrock:InvokeModel"], "*")]);
        let (_, condition) = assert_edge(
            &e,
            &from,
            (EdgeKind::CanActAs, &arn("user/victim"), ACTION, true),
        );
        assert!(condition.contains("Amazon Bedrock"), "{condition}");
    }

    /// NT-pre: the user has nothing in the services that issue them.
    #[test]
    fn negative_a_user_without_such_permissions() {
        let (e, from) = case(&[allow(&["s3:GetObject"], "*")]);
        assert_no_edge(&e, &from);
    }
}

/// Row 3.4: new metadata for a SAML provider opens every role that trusts
/// it (the trust's SAML conditions hold what the forged assertion says).
mod iam_update_saml_provider {
    use super::*;
    const ACTION: &str = "iam:UpdateSAMLProvider";

    fn sso_role() -> Id {
        Id(
            json!({"RoleName": "sso-admin", "Arn": arn("role/sso-admin"), "Path": "/",
                  "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
                      "Principal": {"Federated": arn("saml-provider/Okta")},
                      "Action": "sts:AssumeRoleWithSAML",
                      "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}})]),
                  "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []}),
        )
    }

    fn case(provider: &str) -> (Estate, String) {
        let attacker = Id::user("attacker").inline(&[allow(&[ACTION], &arn(provider))]);
        let from = attacker.0["Arn"].as_str().unwrap().to_string();
        (
            Account::default().with(sso_role()).with(attacker).ingest(),
            from,
        )
    }

    #[test]
    fn positive() {
        let (e, from) = case("saml-provider/Okta");
        let (reason, _) = assert_edge(
            &e,
            &from,
            (EdgeKind::CanActAs, &arn("role/sso-admin"), ACTION, false),
        );
        assert!(reason.contains("saml-provider/Okta"), "{reason}");
    }

    #[test]
    fn negative_grant_on_another_provider() {
        let (e, from) = case("saml-provider/Other");
        assert_no_edge(&e, &from);
    }

    /// IAM has no resource policies: a grant on `*` lets the attacker
    /// rewrite its own account's providers, never another account's. The
    /// role of account B that trusts B's provider stays closed; the same
    /// role in the attacker's account is open (the twin).
    #[test]
    fn negative_the_provider_of_another_account() {
        const B: &str = "444455556666";
        let attacker = Id::user("attacker").inline(&[allow(&[ACTION], "*")]);
        let from = attacker.0["Arn"].as_str().unwrap().to_string();
        let role_b = sso_role().0.to_string().replace(A, B);
        let other = json!({"UserDetailList": [], "GroupDetailList": [], "Policies": [],
            "RoleDetailList": [serde_json::from_str::<Value>(&role_b).unwrap()]});
        let e = Account::default().with(attacker.clone()).ingest_raw(vec![(
            format!("snap/{B}/global/iam/get-account-authorization-details.json"),
            other,
        )]);
        assert!(
            e.nodes
                .iter()
                .any(|n| n.id == format!("arn:aws:iam::{B}:role/sso-admin")),
            "the other account's role is read"
        );
        assert_no_edge(&e, &from);

        let e = Account::default()
            .with(attacker)
            .with(sso_role())
            .ingest_raw(Vec::new());
        assert_edge(
            &e,
            &from,
            (EdgeKind::CanActAs, &arn("role/sso-admin"), ACTION, false),
        );
    }
}

mod iam_update_assume_role_policy {
    use super::*;
    const ACTION: &str = "iam:UpdateAssumeRolePolicy";

    #[test]
    fn positive() {
        let (e, from) = takeover_case(&[ACTION], &arn("role/prod"), None);
        assert_edge(
            &e,
            &from,
            (EdgeKind::CanActAs, &arn("role/prod"), ACTION, false),
        );
    }

    #[test]
    fn negative_principal_tag_condition() {
        let (e, from) = takeover_case(&[ACTION], &arn("role/prod"), Some(Twin::Tag));
        assert_no_edge(&e, &from);
    }

    /// NT-pre: AWS protects service-linked roles' trust policies.
    #[test]
    fn negative_service_linked_role() {
        let (e, from) = takeover_case(&[ACTION], &arn(SUPPORT_SLR), None);
        assert_no_edge(&e, &from);
    }
}

// ---------------------------------------------------------------------------
// Family 4: PassRole to a new compute resource → can_act_as the role
// ---------------------------------------------------------------------------

/// A family-4 row as the test sees it.
struct PassCase {
    /// Row id (must appear in the edge's reason).
    id: &'static str,
    /// The service the role is passed to and trusts.
    service: &'static str,
    /// The service actions.
    actions: &'static [&'static str],
    /// The target role's instance profile, for EC2 rows.
    profile: bool,
    /// Extra setup (a service role, the Auto Scaling service-linked role).
    extra: fn(Account) -> Account,
}

impl PassCase {
    const fn new(
        id: &'static str,
        service: &'static str,
        actions: &'static [&'static str],
    ) -> PassCase {
        PassCase {
            id,
            service,
            actions,
            profile: false,
            extra: unchanged,
        }
    }

    /// The fixture: PassRole on `role/target` to the service, the actions
    /// on `*`, with the twin applied; plus `more` statements.
    fn account(&self, twin: Option<Twin>, more: &[Value]) -> Account {
        let passed = match twin {
            Some(Twin::Res) => pass_role("harmless", self.service),
            Some(Twin::OtherService) => {
                pass_role("target", if self.service == GLUE { LAMBDA } else { GLUE })
            }
            _ => pass_role("target", self.service),
        };
        let actions = match twin {
            Some(Twin::Tag) => allow_if(self.actions, "*", tag_condition()),
            _ => allow(self.actions, "*"),
        };
        let mut statements = vec![passed];
        if !self.actions.is_empty() {
            statements.push(actions);
        }
        statements.extend(more.iter().cloned());
        let mut target = Id::role("target", self.service);
        if self.profile {
            target = target.instance_profile("target");
        }
        let account = (self.extra)(
            Account::default()
                .with(target)
                .with(Id::role("harmless", "backup.amazonaws.com")),
        );
        let (attacker, account) = guard(Id::user("attacker").inline(&statements), account, twin);
        account.with(attacker)
    }

    fn mechanism(&self) -> String {
        format!("iam:PassRole+{}", self.actions.join("+"))
    }

    /// The positive: exactly the edge to `role/target`, conditional as
    /// given; returns the condition text.
    fn positive(&self, conditional: bool) -> String {
        let e = self.account(None, &[]).ingest();
        let (reason, condition) = assert_edge(
            &e,
            &arn("user/attacker"),
            (
                EdgeKind::CanActAs,
                &arn("role/target"),
                &self.mechanism(),
                conditional,
            ),
        );
        assert!(reason.contains(self.id), "{reason}");
        condition
    }

    fn negative(&self, twin: Twin) {
        let e = self.account(Some(twin), &[]).ingest();
        assert_no_edge(&e, &arn("user/attacker"));
    }
}

/// One module per row: `positive` (firm or conditional, with the expected
/// condition text) and one negative twin.
macro_rules! pass_role_rows {
    ($( $module:ident: $case:expr, $conditional:expr, $negative:ident => $twin:expr; )*) => {
        $(
            mod $module {
                use super::*;

                #[test]
                fn positive() {
                    let (case, cond): (PassCase, Option<&str>) = ($case, $conditional);
                    let text = case.positive(cond.is_some());
                    if let Some(c) = cond {
                        assert!(text.contains(c), "{text}");
                    }
                }

                #[test]
                fn $negative() {
                    let (case, _): (PassCase, Option<&str>) = ($case, $conditional);
                    case.negative($twin);
                }
            }
        )*
        /// The rows tested above, for the coverage check.
        const TESTED_PASS_ROLE_ROWS: &[&str] = &[$( stringify!($module) ),*];
    };
}

const LAMBDA: &str = "lambda.amazonaws.com";
const GLUE: &str = "glue.amazonaws.com";
const SAGEMAKER: &str = "sagemaker.amazonaws.com";
const ECS: &str = "ecs-tasks.amazonaws.com";
const AGENTCORE: &str = "bedrock-agentcore.amazonaws.com";
const EC2: &str = "ec2.amazonaws.com";
const ECS_CLUSTER: Option<&str> = Some("needs an existing ECS cluster");

pass_role_rows! {
    lambda_create_function_invoke:
        PassCase::new("lambda-create-function-invoke", LAMBDA, &["lambda:CreateFunction", "lambda:InvokeFunction"]),
        None, negative_pass_role_on_harmless_role => Twin::Res;
    lambda_create_function_event_source:
        PassCase::new("lambda-create-function-event-source", LAMBDA, &["lambda:CreateFunction", "lambda:CreateEventSourceMapping"]),
        Some("needs an event source the role can read"), negative_deny_in_another_policy => Twin::Deny("lambda:CreateEventSourceMapping");
    glue_create_dev_endpoint:
        PassCase::new("glue-create-dev-endpoint", GLUE, &["glue:CreateDevEndpoint"]),
        None, negative_deny_in_another_policy => Twin::Deny("glue:CreateDevEndpoint");
    glue_create_job_start_run:
        PassCase::new("glue-create-job-start-run", GLUE, &["glue:CreateJob", "glue:StartJobRun"]),
        None, negative_passed_to_another_service => Twin::OtherService;
    glue_create_job_trigger:
        PassCase::new("glue-create-job-trigger", GLUE, &["glue:CreateJob", "glue:CreateTrigger"]),
        None, negative_boundary_without_the_action => Twin::Boundary("glue:CreateTrigger");
    glue_create_session_run_statement:
        PassCase::new("glue-create-session-run-statement", GLUE, &["glue:CreateSession", "glue:RunStatement"]),
        None, negative_principal_tag_condition => Twin::Tag;
    cloudformation_create_stack:
        PassCase::new("cloudformation-create-stack", "cloudformation.amazonaws.com", &["cloudformation:CreateStack"]),
        None, negative_passed_to_another_service => Twin::OtherService;
    cloudformation_change_set_passrole:
        PassCase::new("cloudformation-change-set-passrole", "cloudformation.amazonaws.com", &["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"]),
        None, negative_deny_in_another_policy => Twin::Deny("cloudformation:ExecuteChangeSet");
    codebuild_create_project_start_build:
        PassCase::new("codebuild-create-project-start-build", "codebuild.amazonaws.com", &["codebuild:CreateProject", "codebuild:StartBuild"]),
        None, negative_pass_role_on_harmless_role => Twin::Res;
    codebuild_create_project_start_build_batch:
        PassCase::new("codebuild-create-project-start-build-batch", "codebuild.amazonaws.com", &["codebuild:CreateProject", "codebuild:StartBuildBatch"]),
        None, negative_deny_in_another_policy => Twin::Deny("codebuild:StartBuildBatch");
    sagemaker_create_notebook_instance:
        PassCase::new("sagemaker-create-notebook-instance", SAGEMAKER, &["sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"]),
        None, negative_boundary_without_the_action => Twin::Boundary("sagemaker:CreatePresignedNotebookInstanceUrl");
    sagemaker_create_training_job:
        PassCase::new("sagemaker-create-training-job", SAGEMAKER, &["sagemaker:CreateTrainingJob"]),
        None, negative_deny_in_another_policy => Twin::Deny("sagemaker:CreateTrainingJob");
    sagemaker_create_processing_job:
        PassCase::new("sagemaker-create-processing-job", SAGEMAKER, &["sagemaker:CreateProcessingJob"]),
        None, negative_principal_tag_condition => Twin::Tag;
    sagemaker_create_hyperparameter_tuning_job:
        PassCase::new("sagemaker-create-hyperparameter-tuning-job", SAGEMAKER, &["sagemaker:CreateHyperParameterTuningJob"]),
        None, negative_pass_role_on_harmless_role => Twin::Res;
    bedrock_agentcore_create_code_interpreter:
        PassCase::new("bedrock-agentcore-create-code-interpreter", AGENTCORE, &["bedrock-agentcore:CreateCodeInterpreter", "bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"]),
        None, negative_boundary_without_the_action => Twin::Boundary("bedrock-agentcore:InvokeCodeInterpreter");
    bedrock_agentcore_create_browser:
        PassCase::new("bedrock-agentcore-create-browser", AGENTCORE, &["bedrock-agentcore:CreateBrowser", "bedrock-agentcore:StartBrowserSession", "bedrock-agentcore:ConnectBrowserAutomationStream"]),
        None, negative_deny_in_another_policy => Twin::Deny("bedrock-agentcore:ConnectBrowserAutomationStream");
    bedrock_agentcore_create_runtime:
        PassCase::new("bedrock-agentcore-create-runtime", AGENTCORE, &["bedrock-agentcore:CreateAgentRuntime", "bedrock-agentcore:CreateAgentRuntimeEndpoint", "bedrock-agentcore:CreateWorkloadIdentity", "bedrock-agentcore:InvokeAgentRuntimeCommand"]),
        Some("container image in Amazon ECR"), negative_deny_in_another_policy => Twin::Deny("bedrock-agentcore:InvokeAgentRuntimeCommand");
    ecs_register_task_definition_run_task:
        PassCase::new("ecs-register-task-definition-run-task", ECS, &["ecs:RegisterTaskDefinition", "ecs:RunTask"]),
        ECS_CLUSTER, negative_deny_in_another_policy => Twin::Deny("ecs:RunTask");
    ecs_register_task_definition_start_task:
        PassCase::new("ecs-register-task-definition-start-task", ECS, &["ecs:RegisterTaskDefinition", "ecs:StartTask"]),
        Some("registered EC2 container instance"), negative_passed_to_another_service => Twin::OtherService;
    ecs_register_task_definition_create_service:
        PassCase::new("ecs-register-task-definition-create-service", ECS, &["ecs:RegisterTaskDefinition", "ecs:CreateService"]),
        ECS_CLUSTER, negative_principal_tag_condition => Twin::Tag;
    ecs_create_cluster_run_task:
        PassCase::new("ecs-create-cluster-run-task", ECS, &["ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:RunTask"]),
        None, negative_boundary_without_the_action => Twin::Boundary("ecs:RunTask");
    ecs_create_cluster_create_service:
        PassCase::new("ecs-create-cluster-create-service", ECS, &["ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:CreateService"]),
        None, negative_pass_role_on_harmless_role => Twin::Res;
    emr_serverless_start_job_run:
        PassCase::new("emr-serverless-start-job-run", "emr-serverless.amazonaws.com", &["emr-serverless:CreateApplication", "emr-serverless:StartJobRun"]),
        None, negative_deny_in_another_policy => Twin::Deny("emr-serverless:StartJobRun");
    braket_create_job:
        PassCase::new("braket-create-job", "braket.amazonaws.com", &["braket:CreateJob"]),
        None, negative_principal_tag_condition => Twin::Tag;
    ssm_create_automation_document:
        PassCase::new("ssm-create-automation-document", "ssm.amazonaws.com", &["ssm:CreateDocument", "ssm:StartAutomationExecution"]),
        None, negative_deny_in_another_policy => Twin::Deny("ssm:StartAutomationExecution");
    stepfunctions_create_state_machine:
        PassCase::new("stepfunctions-create-state-machine", "states.amazonaws.com", &["states:CreateStateMachine", "states:StartExecution"]),
        None, negative_boundary_without_the_action => Twin::Boundary("states:StartExecution");
    stepfunctions_test_state:
        PassCase::new("stepfunctions-test-state", "states.amazonaws.com", &["states:TestState"]),
        None, negative_passed_to_another_service => Twin::OtherService;
    scheduler_create_schedule:
        PassCase::new("scheduler-create-schedule", "scheduler.amazonaws.com", &["scheduler:CreateSchedule"]),
        None, negative_pass_role_on_harmless_role => Twin::Res;
    lambda_create_function_add_permission:
        PassCase::new("lambda-create-function-add-permission", LAMBDA, &["lambda:CreateFunction", "lambda:AddPermission"]),
        None, negative_deny_in_another_policy => Twin::Deny("lambda:AddPermission");
    lambda_create_function_url:
        PassCase::new("lambda-create-function-url", LAMBDA, &["lambda:CreateFunction", "lambda:CreateFunctionUrlConfig", "lambda:InvokeFunctionUrl"]),
        None, negative_boundary_without_the_action => Twin::Boundary("lambda:CreateFunctionUrlConfig");
    gamelift_create_fleet:
        PassCase::new("gamelift-create-fleet", "gamelift.amazonaws.com", &["gamelift:CreateBuild", "gamelift:RequestUploadCredentials", "gamelift:CreateFleet"]),
        None, negative_pass_role_on_harmless_role => Twin::Res;
    rolesanywhere_trust_anchor:
        PassCase::new("rolesanywhere-trust-anchor", "rolesanywhere.amazonaws.com", &["rolesanywhere:CreateTrustAnchor", "rolesanywhere:CreateProfile"]),
        None, negative_deny_in_another_policy => Twin::Deny("rolesanywhere:CreateTrustAnchor");
    cloudformation_create_stack_set:
        PassCase::new("cloudformation-create-stack-set", "cloudformation.amazonaws.com", &["cloudformation:CreateStackSet", "cloudformation:CreateStackInstances"]),
        None, negative_deny_in_another_policy => Twin::Deny("cloudformation:CreateStackInstances");
    batch_register_job_definition_submit_job:
        more_rows::BATCH_JOB, Some("needs an existing AWS Batch job queue"), negative_pass_role_on_harmless_role => Twin::Res;
    batch_create_compute_environment_pipeline:
        more_rows::BATCH_PIPELINE, Some("AWS Batch service-linked role"), negative_deny_in_another_policy => Twin::Deny("batch:SubmitJob");
    apprunner_create_service:
        more_rows::APPRUNNER, None, negative_passed_to_another_service => Twin::OtherService;
    kinesisanalytics_create_application:
        PassCase::new("kinesisanalytics-create-application", "kinesisanalytics.amazonaws.com", &["kinesisanalytics:CreateApplication", "kinesisanalytics:StartApplication"]),
        Some("JAR in Amazon S3"), negative_principal_tag_condition => Twin::Tag;
    omics_start_run:
        PassCase::new("omics-start-run", "omics.amazonaws.com", &["omics:CreateWorkflow", "omics:StartRun"]),
        Some("private Amazon ECR repository"), negative_boundary_without_the_action => Twin::Boundary("omics:StartRun");
    amplify_create_app:
        PassCase::new("amplify-create-app", "amplify.amazonaws.com", &["amplify:CreateApp", "amplify:CreateBranch", "amplify:StartJob"]),
        Some("source repository"), negative_deny_in_another_policy => Twin::Deny("amplify:CreateApp");
}

// Instance-profile rows: the target trusts EC2 and is in an instance profile.

fn unchanged(a: Account) -> Account {
    a
}

/// The Auto Scaling service-linked role, as AWS creates it.
fn with_autoscaling_slr(a: Account) -> Account {
    a.with(Id(json!({"RoleName": "AWSServiceRoleForAutoScaling", "Path": "/aws-service-role/autoscaling.amazonaws.com/",
        "Arn": arn("role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"),
        "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
            "Principal": {"Service": "autoscaling.amazonaws.com"}, "Action": "sts:AssumeRole"})]),
        "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []})))
}

/// Data Pipeline's pipeline role, passed to the service beside the resource role.
fn with_pipeline_role(a: Account) -> Account {
    a.with(Id::role("pipeline", "datapipeline.amazonaws.com"))
}

const fn profile_case(
    id: &'static str,
    actions: &'static [&'static str],
    extra: fn(Account) -> Account,
) -> PassCase {
    PassCase {
        id,
        service: EC2,
        actions,
        profile: true,
        extra,
    }
}

/// `cloudformation:RoleArn` names the role `CreateStack` passes: a grant
/// limited to one role decides that role's edge (row 4.18).
mod cloudformation_role_arn_condition {
    use super::*;
    const CREATE: &str = "cloudformation:CreateStack";

    fn case(role: &str) -> Estate {
        PassCase::new(
            "cloudformation-create-stack",
            "cloudformation.amazonaws.com",
            &[],
        )
        .account(
            None,
            &[allow_if(
                &[CREATE],
                "*",
                json!({"ArnEquals": {"cloudformation:RoleArn": arn(&format!("role/{role}"))}}),
            )],
        )
        .ingest()
    }

    #[test]
    fn limited_to_the_passed_role_is_firm() {
        let e = case("target");
        let (reason, _) = assert_edge(
            &e,
            &arn("user/attacker"),
            (
                EdgeKind::CanActAs,
                &arn("role/target"),
                &format!("iam:PassRole+{CREATE}"),
                false,
            ),
        );
        assert!(reason.contains("cloudformation-create-stack"), "{reason}");
    }

    #[test]
    fn negative_limited_to_another_role() {
        let e = case("harmless");
        assert_no_edge(&e, &arn("user/attacker"));
    }
}

mod instance_profile_rows {
    use super::*;

    pub(super) const RUN: PassCase =
        profile_case("ec2-run-instances", &["ec2:RunInstances"], unchanged);
    pub(super) const SPOT: PassCase = profile_case(
        "ec2-request-spot-instances",
        &["ec2:RequestSpotInstances"],
        unchanged,
    );
    pub(super) const LAUNCH_TEMPLATE: PassCase = profile_case(
        "autoscaling-launch-template",
        &[
            "ec2:CreateLaunchTemplate",
            "autoscaling:CreateAutoScalingGroup",
            "ec2:RunInstances",
        ],
        with_autoscaling_slr,
    );
    pub(super) const LAUNCH_CONFIGURATION: PassCase = profile_case(
        "autoscaling-create-launch-configuration",
        &[
            "autoscaling:CreateLaunchConfiguration",
            "autoscaling:CreateAutoScalingGroup",
        ],
        with_autoscaling_slr,
    );
    pub(super) const DATA_PIPELINE: PassCase = profile_case(
        "datapipeline-create-pipeline",
        &[
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
            "datapipeline:ActivatePipeline",
        ],
        with_pipeline_role,
    );
}
use instance_profile_rows::*;

mod ec2_run_instances {
    use super::*;

    #[test]
    fn positive() {
        RUN.positive(false);
    }

    #[test]
    fn negative_passed_to_another_service() {
        RUN.negative(Twin::OtherService);
    }

    /// NT-pre: no instance profile and no way to create one.
    #[test]
    fn negative_no_instance_profile() {
        let case = PassCase {
            profile: false,
            ..RUN
        };
        let e = case.account(None, &[]).ingest();
        assert_no_edge(&e, &arn("user/attacker"));
    }

    /// `ec2:RunInstances` is decided with `ec2:InstanceProfile` set to the
    /// role's profile.
    #[test]
    fn negative_instance_profile_condition_names_another_profile() {
        let case = PassCase {
            actions: &[],
            ..RUN
        };
        let e = case
            .account(
                None,
                &[allow_if(
                    &["ec2:RunInstances"],
                    "*",
                    json!({"ArnEquals": {"ec2:InstanceProfile": arn("instance-profile/web")}}),
                )],
            )
            .ingest();
        assert_no_edge(&e, &arn("user/attacker"));
    }
}

/// Row 4.4: the role has no instance profile; the attacker creates one.
mod iam_add_role_to_instance_profile {
    use super::*;

    fn case() -> PassCase {
        PassCase {
            profile: false,
            ..RUN
        }
    }

    fn more() -> Vec<Value> {
        vec![allow(
            &["iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile"],
            "*",
        )]
    }

    #[test]
    fn positive() {
        let e = case().account(None, &more()).ingest();
        let (reason, _) = assert_edge(
            &e,
            &arn("user/attacker"),
            (
                EdgeKind::CanActAs,
                &arn("role/target"),
                "iam:PassRole+ec2:RunInstances+iam:CreateInstanceProfile+iam:AddRoleToInstanceProfile",
                false,
            ),
        );
        assert!(
            reason.contains("iam-add-role-to-instance-profile"),
            "{reason}"
        );
    }

    #[test]
    fn negative_deny_in_another_policy() {
        let e = case()
            .account(Some(Twin::Deny("iam:AddRoleToInstanceProfile")), &more())
            .ingest();
        assert_no_edge(&e, &arn("user/attacker"));
    }
}

mod ec2_request_spot_instances {
    use super::*;

    #[test]
    fn positive() {
        SPOT.positive(false);
    }

    #[test]
    fn negative_deny_in_another_policy() {
        SPOT.negative(Twin::Deny("ec2:RequestSpotInstances"));
    }
}

mod autoscaling_launch_template {
    use super::*;

    /// Its actions include `ec2:RunInstances`, so the simpler
    /// `ec2-run-instances` edge is the one emitted.
    #[test]
    fn positive() {
        let e = LAUNCH_TEMPLATE.account(None, &[]).ingest();
        let (reason, _) = assert_edge(
            &e,
            &arn("user/attacker"),
            (
                EdgeKind::CanActAs,
                &arn("role/target"),
                "iam:PassRole+ec2:RunInstances",
                false,
            ),
        );
        assert!(reason.contains("ec2-run-instances"), "{reason}");
    }

    /// The catalogue's twin: groups with launch templates need RunInstances.
    #[test]
    fn negative_deny_in_another_policy() {
        LAUNCH_TEMPLATE.negative(Twin::Deny("ec2:RunInstances"));
    }
}

mod autoscaling_create_launch_configuration {
    use super::*;

    #[test]
    fn positive() {
        let condition = LAUNCH_CONFIGURATION.positive(true);
        assert!(condition.contains("launch configurations"), "{condition}");
    }

    #[test]
    fn negative_principal_tag_condition() {
        LAUNCH_CONFIGURATION.negative(Twin::Tag);
    }

    /// An account with an identity created before 2024-10-01 is older than
    /// the cut-off: launch configurations work there, the edge is firm.
    #[test]
    fn positive_firm_in_an_account_older_than_the_cut_off() {
        let mut account = LAUNCH_CONFIGURATION.account(None, &[]);
        account.users[0].0["CreateDate"] = json!("2019-03-01T09:00:00Z");
        let e = account.ingest();
        assert_edge(
            &e,
            &arn("user/attacker"),
            (
                EdgeKind::CanActAs,
                &arn("role/target"),
                &LAUNCH_CONFIGURATION.mechanism(),
                false,
            ),
        );
        // negative twin: every identity created after the cut-off
        let mut account = LAUNCH_CONFIGURATION.account(None, &[]);
        account.users[0].0["CreateDate"] = json!("2025-02-01T09:00:00Z");
        let condition = assert_edge(
            &account.ingest(),
            &arn("user/attacker"),
            (
                EdgeKind::CanActAs,
                &arn("role/target"),
                &LAUNCH_CONFIGURATION.mechanism(),
                true,
            ),
        )
        .1;
        assert!(
            condition.contains("creation date would decide"),
            "{condition}"
        );
    }

    /// NT-pre: no Auto Scaling service-linked role and no right to create it.
    #[test]
    fn negative_no_service_linked_role() {
        let case = PassCase {
            extra: unchanged,
            ..LAUNCH_CONFIGURATION
        };
        let e = case.account(None, &[]).ingest();
        assert_no_edge(&e, &arn("user/attacker"));
    }

    /// The right to create the service-linked role is enough, and named.
    #[test]
    fn positive_creates_the_service_linked_role() {
        let case = PassCase {
            extra: unchanged,
            ..LAUNCH_CONFIGURATION
        };
        let e = case
            .account(
                None,
                &[allow_if(
                    &["iam:CreateServiceLinkedRole"],
                    "*",
                    json!({"StringEquals": {"iam:AWSServiceName": "autoscaling.amazonaws.com"}}),
                )],
            )
            .ingest();
        assert_edge(
            &e,
            &arn("user/attacker"),
            (
                EdgeKind::CanActAs,
                &arn("role/target"),
                &format!(
                    "{}+iam:CreateServiceLinkedRole",
                    LAUNCH_CONFIGURATION.mechanism()
                ),
                true,
            ),
        );
    }
}

mod datapipeline_create_pipeline {
    use super::*;

    /// PassRole on both roles to Data Pipeline; T is the resource role.
    fn more() -> Vec<Value> {
        vec![pass_role("pipeline", "datapipeline.amazonaws.com")]
    }

    #[test]
    fn positive() {
        let case = PassCase {
            service: "datapipeline.amazonaws.com",
            ..DATA_PIPELINE
        };
        // `service` here only sets the PassedToService of the PassRole
        // grant; the target still trusts EC2.
        let mut account = case.account(None, &more());
        account.roles[0] = Id::role("target", EC2).instance_profile("target");
        let e = account.ingest();
        let (reason, condition) = assert_edge(
            &e,
            &arn("user/attacker"),
            (
                EdgeKind::CanActAs,
                &arn("role/target"),
                &DATA_PIPELINE.mechanism(),
                true,
            ),
        );
        assert!(reason.contains("service role role/pipeline"), "{reason}");
        // a fact told, not a condition (issue 11: firm when everything is allowed)
        assert!(reason.contains("closed to new customers"), "{reason}");
        assert!(
            !condition.contains("closed to new customers"),
            "{condition}"
        );
        assert!(
            condition.contains("iam:PassedToService value uncertain"),
            "{condition}"
        );
    }

    /// Every action allowed, PassRole to both services: firm (issue 11).
    #[test]
    fn positive_firm_when_everything_is_allowed() {
        let more = [
            more(),
            vec![pass_role("target", "datapipeline.amazonaws.com")],
        ]
        .concat();
        let mut account = DATA_PIPELINE.account(None, &more);
        account.roles[0] = Id::role("target", EC2).instance_profile("target");
        let e = account.ingest();
        let (reason, _) = assert_edge(
            &e,
            &arn("user/attacker"),
            (
                EdgeKind::CanActAs,
                &arn("role/target"),
                &DATA_PIPELINE.mechanism(),
                false,
            ),
        );
        assert!(reason.contains("closed to new customers"), "{reason}");
    }

    #[test]
    fn negative_deny_in_another_policy() {
        let e = DATA_PIPELINE
            .account(Some(Twin::Deny("datapipeline:ActivatePipeline")), &more())
            .ingest();
        assert_no_edge(&e, &arn("user/attacker"));
    }

    /// NT-pre: no role trusts Data Pipeline, so no pipeline can run.
    #[test]
    fn negative_no_pipeline_role() {
        let case = PassCase {
            extra: unchanged,
            ..DATA_PIPELINE
        };
        let e = case.account(None, &more()).ingest();
        assert_no_edge(&e, &arn("user/attacker"));
    }
}

// ---------------------------------------------------------------------------
// Family 1 ceilings (NT-ceil) and regressions
// ---------------------------------------------------------------------------

/// A user writing its own policy under a boundary that allows the write but
/// not everything gains only what the boundary allows: a firm edge to its
/// bounded identity, never plainly admin.
#[test]
fn escalation_bounded_by_a_narrow_boundary_is_decided() {
    let boundary = managed("Boundary", &[allow(&["iam:PutUserPolicy", "s3:*"], "*")]);
    let e = Account::default()
        .policy(boundary)
        .with(
            Id::user("attacker")
                .inline(&[allow(&["iam:PutUserPolicy"], &arn("user/attacker"))])
                .boundary("Boundary"),
        )
        .ingest();
    let bounded = arn("user/(rewritten)/bounded-by-Boundary");
    let (reason, _) = assert_edge(
        &e,
        &arn("user/attacker"),
        (EdgeKind::CanEscalate, &bounded, "iam:PutUserPolicy", false),
    );
    assert!(
        reason.contains(&format!(
            "within the permissions boundary {}",
            arn("policy/Boundary")
        )),
        "{reason}"
    );
    // negative twin: the bounded identity has no edge to the admin
    assert_no_edge(&e, &bounded);
}

/// A boundary that allows everything except changing itself (the usual
/// guardrail) does not bound the escalation.
#[test]
fn escalation_under_an_allow_all_boundary_is_firm() {
    let boundary = managed(
        "Boundary",
        &[
            allow(&["*"], "*"),
            json!({"Effect": "Deny", "Action": "iam:DeleteUserPermissionsBoundary", "Resource": "*"}),
        ],
    );
    let e = Account::default()
        .policy(boundary)
        .with(
            Id::user("attacker")
                .inline(&[allow(&["iam:PutUserPolicy"], &arn("user/attacker"))])
                .boundary("Boundary"),
        )
        .ingest();
    assert_escalates(&e, &arn("user/attacker"), "iam:PutUserPolicy");
}

/// `iam:CreatePolicyVersion` on one's own boundary lifts the ceiling, but
/// the identity policies stay: here they grant nothing more.
#[test]
fn rewriting_only_the_boundary_is_conditional() {
    let e = Account::default()
        .policy(managed(
            "Boundary",
            &[allow(&["iam:CreatePolicyVersion"], &arn("policy/Boundary"))],
        ))
        .with(
            Id::user("attacker")
                .inline(&[allow(&["iam:CreatePolicyVersion"], &arn("policy/Boundary"))])
                .boundary("Boundary"),
        )
        .ingest();
    let (_, condition) = assert_edge(
        &e,
        &arn("user/attacker"),
        (
            EdgeKind::CanEscalate,
            &account_admin_id(A),
            "iam:CreatePolicyVersion",
            true,
        ),
    );
    assert!(
        condition.contains("rewrites its permissions boundary"),
        "{condition}"
    );
}

/// Regression: the first allowed write used to be emitted even when
/// conditional, hiding a firm one checked later (`--strict` lost the path).
#[test]
fn a_conditional_write_does_not_hide_a_firm_one() {
    let mfa = json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}});
    let e = Account::default()
        .with(Id::user("attacker").inline(&[
            allow_if(&["iam:PutUserPolicy"], &arn("user/attacker"), mfa),
            allow(&["iam:AttachUserPolicy"], &arn("user/attacker")),
        ]))
        .ingest();
    assert_escalates(&e, &arn("user/attacker"), "iam:AttachUserPolicy");
}

/// Regression: an identity that escalated only conditionally used to lose
/// its other pivots (the other emitters skipped it), so `--strict` kept
/// nothing.
#[test]
fn a_conditional_escalation_keeps_the_firm_pivots() {
    let mfa = json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}});
    let e = Account::default()
        .with(Id::role("target", LAMBDA))
        .with(Id::user("attacker").inline(&[
            allow_if(&["iam:PutUserPolicy"], &arn("user/attacker"), mfa),
            pass_role("target", LAMBDA),
            allow(&["lambda:CreateFunction", "lambda:InvokeFunction"], "*"),
        ]))
        .ingest();
    let mut got = pivots(&e, &arn("user/attacker"));
    got.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        got,
        [
            (
                EdgeKind::CanActAs,
                arn("role/target"),
                "iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction".to_string(),
                false
            ),
            (
                EdgeKind::CanEscalate,
                account_admin_id(A),
                "iam:PutUserPolicy".to_string(),
                true
            ),
        ]
    );
}

/// Regression: a service action whose only grant carries a condition that
/// is decided false was reported as "granted on some resource names only"
/// (a conditional edge). A grant on a name pattern in the caller's own
/// account is firm (the attacker names the new job `team-…`); one only on a
/// name it cannot create there stays conditional.
#[test]
fn a_false_condition_is_not_a_resource_scoped_grant() {
    let scoped = |resource: &str, condition: Option<Value>| {
        let mut grant = allow(&["sagemaker:CreateTrainingJob"], resource);
        if let Some(c) = condition {
            grant["Condition"] = c;
        }
        Account::default()
            .with(Id::role("target", SAGEMAKER))
            .with(Id::user("attacker").inline(&[pass_role("target", SAGEMAKER), grant]))
            .ingest()
    };
    let own = format!("arn:aws:sagemaker:*:{A}:training-job/team-*");
    let edge = (
        EdgeKind::CanActAs,
        arn("role/target"),
        "iam:PassRole+sagemaker:CreateTrainingJob",
    );
    assert_edge(
        &scoped(&own, None),
        &arn("user/attacker"),
        (edge.0, &edge.1, edge.2, false),
    );
    let (_, condition) = assert_edge(
        &scoped(
            "arn:aws:sagemaker:us-east-1:999988887777:training-job/nightly",
            None,
        ),
        &arn("user/attacker"),
        (edge.0, &edge.1, edge.2, true),
    );
    assert!(
        condition.contains("granted on some resource names only"),
        "{condition}"
    );
    assert_no_edge(&scoped(&own, Some(tag_condition())), &arn("user/attacker"));
}

/// A malformed instance-profile entry is a warning; the role is kept.
#[test]
fn a_malformed_instance_profile_is_a_warning() {
    let mut role = Id::role("target", EC2);
    role.0["InstanceProfileList"] = json!([{"InstanceProfileName": "x"}, 7]);
    let doc = json!({"RoleDetailList": [role.0]});
    let mut b = EstateBuilder::new();
    b.begin_input("p.json", "aws-authorization-details", String::new(), 0);
    AwsAuthDetailsConnector
        .ingest("p.json", &serde_json::to_vec(&doc).unwrap(), &mut b)
        .unwrap();
    let e = b.finish();
    let msgs: Vec<String> = e.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(msgs.len(), 2, "{msgs:#?}");
    assert!(
        msgs[0].contains("$.RoleDetailList[0].InstanceProfileList[0]"),
        "{msgs:#?}"
    );
    assert!(e.nodes.iter().any(|n| n.id == arn("role/target")));
}

// ---------------------------------------------------------------------------
// Coverage: every row of the connector's tables has a module above
// ---------------------------------------------------------------------------

/// Rows with alternative actions are listed twice in `PASS_ROLE_METHODS`
/// under the same id: the second alternative alone gives the edge too.
#[test]
fn alternative_actions_of_a_row_each_give_the_edge() {
    for case in [
        PassCase::new(
            "stepfunctions-create-state-machine",
            "states.amazonaws.com",
            &["states:CreateStateMachine", "states:StartSyncExecution"],
        ),
        PassCase::new(
            "sagemaker-create-notebook-instance",
            SAGEMAKER,
            &[
                "sagemaker:CreateNotebookInstance",
                "sagemaker:CreateNotebookInstanceLifecycleConfig",
            ],
        ),
    ] {
        case.positive(false);
        case.negative(Twin::Res);
    }
}

#[test]
fn every_pass_role_row_is_tested() {
    let module = |id: &str| id.replace('-', "_");
    let mut untested: Vec<&str> = PASS_ROLE_METHODS
        .iter()
        .map(|(id, _, _)| *id)
        .filter(|id| !TESTED_PASS_ROLE_ROWS.contains(&module(id).as_str()))
        .collect();
    let profile_rows = [
        "ec2_run_instances",
        "ec2_request_spot_instances",
        "autoscaling_launch_template",
        "autoscaling_create_launch_configuration",
        "datapipeline_create_pipeline",
        "emr_run_job_flow",
        "imagebuilder_create_image",
    ];
    untested.extend(
        INSTANCE_PROFILE_METHODS
            .iter()
            .map(|m| m.id)
            .filter(|id| !profile_rows.contains(&module(id).as_str())),
    );
    assert_eq!(untested, Vec::<&str>::new());
    let mut ids: Vec<&str> = PASS_ROLE_METHODS.iter().map(|(id, _, _)| *id).collect();
    ids.dedup();
    assert_eq!(
        TESTED_PASS_ROLE_ROWS.len(),
        ids.len(),
        "a tested row is not in PASS_ROLE_METHODS"
    );
}

/// bedrock-agentcore-create-runtime needs an image the attacker controls:
/// firm when it may push one to a new ECR repository (issue 11, item 5).
mod bedrock_agentcore_with_ecr_push {
    use super::*;

    const CASE: PassCase = PassCase::new(
        "bedrock-agentcore-create-runtime",
        AGENTCORE,
        &[
            "bedrock-agentcore:CreateAgentRuntime",
            "bedrock-agentcore:CreateAgentRuntimeEndpoint",
            "bedrock-agentcore:CreateWorkloadIdentity",
            "bedrock-agentcore:InvokeAgentRuntimeCommand",
        ],
    );

    #[test]
    fn positive_firm_when_it_can_push_an_image() {
        let push = allow(&["ecr:*"], "*");
        let e = CASE.account(None, &[push]).ingest();
        assert_edge(
            &e,
            &arn("user/attacker"),
            (
                EdgeKind::CanActAs,
                &arn("role/target"),
                &CASE.mechanism(),
                false,
            ),
        );
    }

    /// NT: every ECR action but PutImage: the caveat stands, named.
    #[test]
    fn negative_without_put_image() {
        let partial = allow(
            &[
                "ecr:CreateRepository",
                "ecr:GetAuthorizationToken",
                "ecr:InitiateLayerUpload",
                "ecr:UploadLayerPart",
                "ecr:CompleteLayerUpload",
            ],
            "*",
        );
        let e = CASE.account(None, &[partial]).ingest();
        let (_, condition) = assert_edge(
            &e,
            &arn("user/attacker"),
            (
                EdgeKind::CanActAs,
                &arn("role/target"),
                &CASE.mechanism(),
                true,
            ),
        );
        assert!(
            condition.contains("container image in Amazon ECR"),
            "{condition}"
        );
    }
}

// ---------------------------------------------------------------------------
// Issue 11 item 7: rows of pathfinding.cloud's ids that were missing
// ---------------------------------------------------------------------------

/// The cases of the rows whose role trusts another principal than the
/// `iam:PassedToService` value, or that need a service role beside it.
mod more_rows {
    use super::*;

    pub(super) const BATCH: &str = "batch.amazonaws.com";
    pub(super) const EMR_SERVICE: &str = "elasticmapreduce.amazonaws.com";

    /// The target is a Batch job role: it trusts `ecs-tasks`.
    pub(super) fn ecs_tasks_target(mut a: Account) -> Account {
        a.roles[0] = Id::role("target", ECS);
        a
    }

    /// The target is an App Runner instance role.
    pub(super) fn apprunner_instance_role(mut a: Account) -> Account {
        a.roles[0] = Id::role("target", "tasks.apprunner.amazonaws.com");
        a
    }

    /// An EMR service role beside the instance role.
    pub(super) fn with_emr_service_role(a: Account) -> Account {
        a.with(Id::role("emr-service", EMR_SERVICE))
    }

    /// Row 4.43 (batch-001): PassRole to `batch.amazonaws.com` only, so the
    /// PassedToService value is uncertain as well as the queue.
    pub(super) const BATCH_JOB: PassCase = PassCase {
        id: "batch-register-job-definition-submit-job",
        service: BATCH,
        actions: &["batch:RegisterJobDefinition", "batch:SubmitJob"],
        profile: false,
        extra: ecs_tasks_target,
    };
    /// Row 4.44 (batch-003).
    pub(super) const BATCH_PIPELINE: PassCase = PassCase {
        id: "batch-create-compute-environment-pipeline",
        service: BATCH,
        actions: &[
            "batch:CreateComputeEnvironment",
            "batch:CreateJobQueue",
            "batch:RegisterJobDefinition",
            "batch:SubmitJob",
        ],
        profile: false,
        extra: ecs_tasks_target,
    };
    /// Row 4.45 (apprunner-001): passed to `apprunner.amazonaws.com`, the
    /// role trusts `tasks.apprunner.amazonaws.com`.
    pub(super) const APPRUNNER: PassCase = PassCase {
        id: "apprunner-create-service",
        service: "apprunner.amazonaws.com",
        actions: &["apprunner:CreateService"],
        profile: false,
        extra: apprunner_instance_role,
    };
    /// Row 4.50 (emr-001).
    pub(super) const EMR: PassCase = profile_case(
        "emr-run-job-flow",
        &["elasticmapreduce:RunJobFlow"],
        with_emr_service_role,
    );
    /// Row 4.54 (imagebuilder-001).
    pub(super) const IMAGEBUILDER: PassCase = profile_case(
        "imagebuilder-create-image",
        &[
            "imagebuilder:CreateComponent",
            "imagebuilder:CreateImageRecipe",
            "imagebuilder:CreateInfrastructureConfiguration",
            "imagebuilder:CreateImage",
        ],
        unchanged,
    );
}

/// The Batch rows evaluate PassRole under both PassedToService values the
/// sources give (`batch`, `ecs-tasks`); the job role trusts `ecs-tasks`.
mod batch_passed_to_service {
    use super::more_rows::*;
    use super::*;

    /// PassRole under one value only: conditional, and the reason says so.
    #[test]
    fn one_value_only_is_uncertain() {
        let condition = BATCH_JOB.positive(true);
        assert!(
            condition.contains(
                "iam:PassedToService value uncertain: iam:PassRole allowed for batch.amazonaws.com, not for ecs-tasks.amazonaws.com"
            ),
            "{condition}"
        );
    }

    /// PassRole under both values, the service-linked role creatable: the
    /// pipeline the attacker builds is firm.
    #[test]
    fn positive_firm_with_both_values_and_the_service_linked_role() {
        let more = [
            pass_role("target", ECS),
            allow(&["iam:CreateServiceLinkedRole"], "*"),
        ];
        let e = BATCH_PIPELINE.account(None, &more).ingest();
        let (reason, _) = assert_edge(
            &e,
            &arn("user/attacker"),
            (
                EdgeKind::CanActAs,
                &arn("role/target"),
                &BATCH_PIPELINE.mechanism(),
                false,
            ),
        );
        assert!(
            reason.contains("batch-create-compute-environment-pipeline"),
            "{reason}"
        );
    }

    /// The catalogue's twin of 4.44 (Deny `batch:CreateJobQueue`): no
    /// pipeline of its own, so only the existing-queue row is left, and it
    /// names the queue it needs.
    #[test]
    fn deny_create_job_queue_leaves_the_existing_queue_row() {
        let e = BATCH_PIPELINE
            .account(Some(Twin::Deny("batch:CreateJobQueue")), &[])
            .ingest();
        let (reason, condition) = assert_edge(
            &e,
            &arn("user/attacker"),
            (
                EdgeKind::CanActAs,
                &arn("role/target"),
                &BATCH_JOB.mechanism(),
                true,
            ),
        );
        assert!(
            reason.contains("batch-register-job-definition-submit-job"),
            "{reason}"
        );
        assert!(
            condition.contains("needs an existing AWS Batch job queue"),
            "{condition}"
        );
    }

    /// NT-pre: a role that trusts `batch.amazonaws.com` (a Batch service
    /// role) is no job role.
    #[test]
    fn negative_role_trusting_batch_is_no_job_role() {
        let case = PassCase {
            extra: unchanged,
            ..BATCH_PIPELINE
        };
        let more = [pass_role("target", ECS)];
        let e = case.account(None, &more).ingest();
        assert_no_edge(&e, &arn("user/attacker"));
    }
}

/// App Runner's instance role trusts `tasks.apprunner.amazonaws.com`
/// (`PASS_ROLE_SERVICES`).
mod apprunner_instance_role {
    use super::more_rows::*;
    use super::*;

    /// NT-pre (the catalogue's twin): the role trusts the build principal
    /// only (an access role, not an instance role).
    #[test]
    fn negative_access_role_trusting_build() {
        let case = PassCase {
            extra: |mut a: Account| {
                a.roles[0] = Id::role("target", "build.apprunner.amazonaws.com");
                a
            },
            ..APPRUNNER
        };
        let e = case.account(None, &[]).ingest();
        assert_no_edge(&e, &arn("user/attacker"));
    }

    /// NT-pre: a role that trusts `apprunner.amazonaws.com` itself (the
    /// PassedToService value) is not an instance role either.
    #[test]
    fn negative_role_trusting_the_service_principal() {
        let case = PassCase {
            extra: unchanged,
            ..APPRUNNER
        };
        let e = case.account(None, &[]).ingest();
        assert_no_edge(&e, &arn("user/attacker"));
    }
}

/// Row 4.21: the edge goes to the administration role; the execution role
/// it may assume follows through the graph.
mod cloudformation_stack_set_execution_role {
    use super::*;

    #[test]
    fn the_administration_role_assumes_the_execution_role() {
        let case = PassCase::new(
            "cloudformation-create-stack-set",
            "cloudformation.amazonaws.com",
            &[
                "cloudformation:CreateStackSet",
                "cloudformation:CreateStackInstances",
            ],
        );
        let mut account = case.account(None, &[]);
        account.roles[0] = Id::role("target", "cloudformation.amazonaws.com").inline(&[allow(
            &["sts:AssumeRole"],
            &arn("role/AWSCloudFormationStackSetExecutionRole"),
        )]);
        let exec = Id(json!({"RoleName": "AWSCloudFormationStackSetExecutionRole",
            "Arn": arn("role/AWSCloudFormationStackSetExecutionRole"), "Path": "/",
            "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
                "Principal": {"AWS": arn("role/target")}, "Action": "sts:AssumeRole"})]),
            "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []}));
        let e = account.with(exec).ingest();
        assert_edge(
            &e,
            &arn("user/attacker"),
            (
                EdgeKind::CanActAs,
                &arn("role/target"),
                &case.mechanism(),
                false,
            ),
        );
        assert_eq!(
            pivots(&e, &arn("role/target")),
            [(
                EdgeKind::CanAssume,
                arn("role/AWSCloudFormationStackSetExecutionRole"),
                String::new(),
                false
            )]
        );
    }
}

/// Row 4.50 (emr-001): the instance role through its profile, and an EMR
/// service role passed beside it.
mod emr_run_job_flow {
    use super::more_rows::*;
    use super::*;

    fn more() -> Vec<Value> {
        vec![pass_role("emr-service", EMR_SERVICE)]
    }

    #[test]
    fn positive() {
        let e = EMR.account(None, &more()).ingest();
        let (reason, _) = assert_edge(
            &e,
            &arn("user/attacker"),
            (
                EdgeKind::CanActAs,
                &arn("role/target"),
                &EMR.mechanism(),
                false,
            ),
        );
        assert!(reason.contains("emr-run-job-flow"), "{reason}");
        assert!(
            reason
                .contains("service role role/emr-service passed to elasticmapreduce.amazonaws.com"),
            "{reason}"
        );
    }

    /// NT-res (the catalogue's twin): PassRole covers the instance role but
    /// no EMR service role.
    #[test]
    fn negative_pass_role_on_no_service_role() {
        let e = EMR.account(None, &[]).ingest();
        assert_no_edge(&e, &arn("user/attacker"));
    }

    /// NT-pre: the role has no instance profile, and none can be made.
    #[test]
    fn negative_no_instance_profile() {
        let case = PassCase {
            profile: false,
            ..EMR
        };
        let e = case.account(None, &more()).ingest();
        assert_no_edge(&e, &arn("user/attacker"));
    }
}

/// Row 4.54 (imagebuilder-001): the build instance runs as the profile's
/// role; the service-linked role and the agent's permissions are not
/// checked, so conditional.
mod imagebuilder_create_image {
    use super::more_rows::*;
    use super::*;

    /// The fixture's role has no SSM agent permissions and the account no
    /// Image Builder service-linked role: decided, no edge (the positive
    /// cases are in `imagebuilder.rs`).
    #[test]
    fn negative_no_service_linked_role_nor_ssm_agent() {
        let e = IMAGEBUILDER.account(None, &[]).ingest();
        assert_no_edge(&e, &arn("user/attacker"));
    }

    // The positive case and its other twins (a deny, no instance profile)
    // build on a role the SSM agent can use: `imagebuilder.rs`.
}

/// Row 4.58: AWS CodeStar was discontinued on 2024-07-31 and creates no
/// projects: decided, no edge, however much the policies allow.
#[test]
fn codestar_create_project_is_no_edge() {
    let case = PassCase::new(
        "codestar-create-project",
        "codestar.amazonaws.com",
        &["codestar:CreateProject"],
    );
    let e = case.account(None, &[]).ingest();
    assert_no_edge(&e, &arn("user/attacker"));
}
