//! An organisation read one account at a time (`ReadByAccount`,
//! docs/org-ingest.md): what an account's pass must carry from the others.
//! `ingest_json` reads every case at once and one account at a time, and
//! checks that both agree; these
//! cases are the ones where an account depends on another that is neither
//! before it nor trusted by it.

use blastgraph_model::{EdgeKind, Estate};
use serde_json::{Value, json};

use crate::fixture::{allow, document, ingest_json};

const A: &str = "111122223333";
const B: &str = "444455556666";
const C: &str = "777788889999";
const D: &str = "222233334444";
const E: &str = "555566667777";
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

fn managed(arn: &str, name: &str, statements: &[Value]) -> Value {
    json!({"PolicyName": name, "Arn": arn, "DefaultVersionId": "v1", "PolicyVersionList": [
        {"VersionId": "v1", "IsDefaultVersion": true, "Document": document(statements)}]})
}

fn role(account: &str, name: &str, trusted: &Value, attached: &[&str]) -> Value {
    let attached: Vec<Value> = attached
        .iter()
        .map(|a| json!({"PolicyName": a.rsplit('/').next(), "PolicyArn": a}))
        .collect();
    json!({"RoleName": name, "Arn": format!("arn:aws:iam::{account}:role/{name}"), "Path": "/",
        "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow", "Principal": trusted, "Action": "sts:AssumeRole"})]),
        "RolePolicyList": [], "AttachedManagedPolicies": attached, "InstanceProfileList": []})
}

fn details(account: &str, policies: &[Value], users: &[Value], roles: &[Value]) -> (String, Value) {
    (
        format!("org/{account}/global/iam/get-account-authorization-details.json"),
        json!({"UserDetailList": users, "GroupDetailList": [], "RoleDetailList": roles, "Policies": policies}),
    )
}

/// C first (it gives AdministratorAccess first and takes the name
/// `shared`), then A (a developer), B (a hop role trusting A, which C's
/// role trusts in turn), D (a bucket and a secret exposed to A, the
/// secret's key in C), E (on its own, with its copy of AdministratorAccess
/// and its own `shared`). With `b_trusts_a` false, B trusts only itself.
fn organisation(b_trusts_a: bool) -> Estate {
    let shared = |account: &str| {
        managed(
            &format!("arn:aws:iam::{account}:policy/shared"),
            "shared",
            &[allow(&["s3:ListAllMyBuckets"], "*")],
        )
    };
    let admin = managed(ADMIN, "AdministratorAccess", &[allow(&["*"], "*")]);
    let b_trust = if b_trusts_a { A } else { B };
    let dev = json!({"UserName": "dev", "Arn": format!("arn:aws:iam::{A}:user/dev"), "Path": "/",
        "GroupList": [], "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "dev", "PolicyDocument": document(&[allow(
            &["sts:AssumeRole", "s3:GetObject", "secretsmanager:GetSecretValue", "kms:Decrypt"], "*")])}]});
    let files = vec![
        details(
            C,
            &[admin.clone(), shared(C)],
            &[],
            &[role(
                C,
                "c-data",
                &json!({"AWS": format!("arn:aws:iam::{B}:role/b-hop")}),
                &[],
            )],
        ),
        details(A, &[], &[dev], &[]),
        details(
            B,
            &[admin, shared(B)],
            &[],
            &[role(
                B,
                "b-hop",
                &json!({"AWS": format!("arn:aws:iam::{b_trust}:root")}),
                &[ADMIN, &format!("arn:aws:iam::{B}:policy/shared")],
            )],
        ),
        details(
            D,
            &[],
            &[],
            &[role(
                D,
                "d-app",
                &json!({"Service": "lambda.amazonaws.com"}),
                &[],
            )],
        ),
        // E depends on no other account: its pass reads only its files.
        details(
            E,
            &[
                managed(ADMIN, "AdministratorAccess", &[allow(&["*"], "*")]),
                shared(E),
            ],
            &[],
            &[role(
                E,
                "e-ops",
                &json!({"AWS": format!("arn:aws:iam::{E}:root")}),
                &[ADMIN, &format!("arn:aws:iam::{E}:policy/shared")],
            )],
        ),
        (
            format!("org/{D}/global/s3/list-buckets.json"),
            json!({"Buckets": [{"Name": "d-bucket"}]}),
        ),
        (
            format!("org/{D}/global/s3/get-bucket-policy/d-bucket.json"),
            json!({"Policy": document(&[json!({"Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{A}:root")},
                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::d-bucket/*"})]).to_string()}),
        ),
        (
            format!("org/{D}/us-east-1/secretsmanager/list-secrets.json"),
            json!({"SecretList": [{"ARN": format!("arn:aws:secretsmanager:us-east-1:{D}:secret:db-AbCdEf"),
                "Name": "db", "KmsKeyId": format!("arn:aws:kms:us-east-1:{C}:key/k1")}]}),
        ),
        (
            format!("org/{D}/us-east-1/secretsmanager/get-resource-policy/db.json"),
            json!({"ARN": format!("arn:aws:secretsmanager:us-east-1:{D}:secret:db-AbCdEf"), "Name": "db",
                "ResourcePolicy": document(&[json!({"Effect": "Allow",
                    "Principal": {"AWS": format!("arn:aws:iam::{A}:root")},
                    "Action": "secretsmanager:GetSecretValue", "Resource": "*"})]).to_string()}),
        ),
        (
            format!("org/{C}/us-east-1/kms/list-keys.json"),
            json!({"Keys": [{"KeyId": "k1", "KeyArn": format!("arn:aws:kms:us-east-1:{C}:key/k1")}]}),
        ),
        (
            format!("org/{C}/us-east-1/kms/get-key-policy/k1.json"),
            json!({"PolicyName": "default", "Policy": document(&[json!({"Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{A}:root")},
                "Action": "kms:Decrypt", "Resource": "*"})]).to_string()}),
        ),
    ];
    ingest_json(&files)
}

/// (kind, from, to) of the edges from A's developer and B's hop role.
fn reach(e: &Estate) -> Vec<(EdgeKind, String, String)> {
    let mut v: Vec<_> = e
        .edges
        .iter()
        .filter(|x| {
            [
                EdgeKind::CanAssume,
                EdgeKind::Access,
                EdgeKind::CanReadSecret,
            ]
            .contains(&x.kind)
                && (x.from.ends_with(":user/dev") || x.from.ends_with(":role/b-hop"))
        })
        .map(|x| (x.kind, x.from.clone(), x.to.clone()))
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn a_developer_reaches_across_three_accounts_read_one_at_a_time() {
    let e = organisation(true);
    let got = reach(&e);
    let dev = format!("arn:aws:iam::{A}:user/dev");
    let hop = format!("arn:aws:iam::{B}:role/b-hop");
    let want = [
        (EdgeKind::CanAssume, dev.clone(), hop.clone()),
        (
            EdgeKind::CanAssume,
            hop.clone(),
            format!("arn:aws:iam::{C}:role/c-data"),
        ),
    ];
    for w in &want {
        assert!(got.contains(w), "{w:?} missing from {got:#?}");
    }
    // The bucket and the secret of D, exposed to A's account.
    assert!(
        got.iter()
            .any(|(k, f, t)| *k == EdgeKind::Access && *f == dev && t.contains("d-bucket")),
        "{got:#?}"
    );
    assert!(
        got.iter().any(|(k, f, t)| *k == EdgeKind::CanReadSecret
            && *f == dev
            && t.contains(":secret:db")),
        "{got:#?}"
    );
    // AdministratorAccess is cited where the whole reading first met it
    // (C's file), though E's pass reads only E; `shared` is C's name, so
    // E's policy of that name is labelled by its ARN (the fixture builder
    // compares every reason of the three readings).
    let ops = format!("arn:aws:iam::{E}:role/e-ops");
    let via_admin: Vec<String> = e
        .edges
        .iter()
        .filter(|x| x.from == ops && x.provenance.reason.contains("AdministratorAccess"))
        .map(|x| x.provenance.source.clone())
        .collect();
    assert!(
        via_admin.iter().any(|f| f.contains(&format!("org/{C}/"))),
        "{via_admin:#?}"
    );
}

#[test]
fn negative_without_the_trust_of_a_the_developer_stops_at_its_own_reach() {
    let e = organisation(false);
    let got = reach(&e);
    let dev = format!("arn:aws:iam::{A}:user/dev");
    assert!(
        !got.iter()
            .any(|(k, f, _)| *k == EdgeKind::CanAssume && *f == dev),
        "{got:#?}"
    );
    // D's bucket still names A.
    assert!(
        got.iter()
            .any(|(k, f, t)| *k == EdgeKind::Access && *f == dev && t.contains("d-bucket")),
        "{got:#?}"
    );
}

/// A's developer (allowed `s3:GetObject` on everything) and D's listing
/// of three buckets, the middle one shared with the organisation when
/// `shared` (`Principal: *` under `aws:PrincipalOrgID`, as a log bucket
/// is). A's pass reads only that record of D's listing, at its place; the
/// fixture builder checks it gives what the whole reading gives.
fn listing_with_one_shared_bucket(shared: bool) -> Estate {
    let dev = json!({"UserName": "dev", "Arn": format!("arn:aws:iam::{A}:user/dev"), "Path": "/",
        "GroupList": [], "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "dev", "PolicyDocument": document(&[allow(&["s3:GetObject"], "*")])}]});
    let org = json!({"Organization": {"Id": "o-example", "Arn": format!("arn:aws:organizations::{A}:organization/o-example"),
        "MasterAccountId": A}});
    let accounts = json!({"Accounts": [
        {"Id": A, "Arn": format!("arn:aws:organizations::{A}:account/o-example/{A}"), "Name": "a", "Status": "ACTIVE"},
        {"Id": D, "Arn": format!("arn:aws:organizations::{A}:account/o-example/{D}"), "Name": "d", "Status": "ACTIVE"}]});
    let principal = if shared {
        json!("*")
    } else {
        json!({"AWS": format!("arn:aws:iam::{D}:root")})
    };
    let files = vec![
        (
            "org/organizations/describe-organization.json".to_string(),
            org,
        ),
        ("org/organizations/list-accounts.json".to_string(), accounts),
        details(A, &[], &[dev], &[]),
        details(D, &[], &[], &[]),
        (
            format!("org/{D}/global/s3/list-buckets.json"),
            json!({"Buckets": [
                {"Name": "d-private", "CreationDate": "2024-01-01T00:00:00+00:00"},
                {"Name": "d-logs", "CreationDate": "2024-01-01T00:00:00+00:00"},
                {"Name": "d-other", "CreationDate": "2024-01-01T00:00:00+00:00"}],
                "Owner": {"DisplayName": "d", "ID": "c0ffee"}}),
        ),
        (
            format!("org/{D}/global/s3/get-bucket-policy/d-logs.json"),
            json!({"Policy": document(&[json!({"Effect": "Allow", "Principal": principal,
                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::d-logs/*",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-example"}}})]).to_string()}),
        ),
    ];
    ingest_json(&files)
}

#[test]
fn a_bucket_shared_with_the_organisation_is_reached_from_its_record_alone() {
    let e = listing_with_one_shared_bucket(true);
    let dev = format!("arn:aws:iam::{A}:user/dev");
    let reached = targets(&e, &dev, EdgeKind::Access);
    assert!(reached.iter().any(|t| t.contains("d-logs")), "{reached:#?}");
    // The buckets of the listing A's pass leaves out are D's alone.
    assert!(
        !reached
            .iter()
            .any(|t| t.contains("d-private") || t.contains("d-other")),
        "{reached:#?}"
    );
}

/// The targets of `from`'s edges of `kind`, sorted.
fn targets(e: &Estate, from: &str, kind: EdgeKind) -> Vec<String> {
    let mut v: Vec<String> = e
        .edges
        .iter()
        .filter(|x| x.kind == kind && x.from == from)
        .map(|x| x.to.clone())
        .collect();
    v.sort();
    v
}

#[test]
fn negative_a_bucket_shared_with_its_own_account_only_is_not_reached() {
    let e = listing_with_one_shared_bucket(false);
    let dev = format!("arn:aws:iam::{A}:user/dev");
    let reached = targets(&e, &dev, EdgeKind::Access);
    assert!(!reached.iter().any(|t| t.contains("d-")), "{reached:#?}");
}

/// Every member account's `OrganizationAccountAccessRole` trusts the
/// management account M (as AWS Organizations creates it), next to roles
/// and users of the member's own; A's file gives AdministratorAccess first.
/// M's pass reads of A and D only those roles' records (and the managed
/// policy's first record, which the reasons cite); the fixture builder
/// checks every reading gives the same. With `trusting` false the roles
/// trust their own account.
fn members_trusting_the_management_account(trusting: bool) -> Estate {
    const M: &str = "999900001111";
    let admin = managed(ADMIN, "AdministratorAccess", &[allow(&["*"], "*")]);
    let ops = json!({"UserName": "ops", "Arn": format!("arn:aws:iam::{M}:user/ops"), "Path": "/",
        "GroupList": [], "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "ops", "PolicyDocument": document(&[allow(&["sts:AssumeRole"], "*")])}]});
    let member = |account: &str| {
        let trusted = if trusting { M } else { account };
        let local = json!({"UserName": "local", "Arn": format!("arn:aws:iam::{account}:user/local"), "Path": "/",
            "GroupList": [], "AttachedManagedPolicies": [], "UserPolicyList": []});
        details(
            account,
            std::slice::from_ref(&admin),
            &[local],
            &[
                role(
                    account,
                    "app",
                    &json!({"AWS": format!("arn:aws:iam::{account}:root")}),
                    &[],
                ),
                role(
                    account,
                    "OrganizationAccountAccessRole",
                    &json!({"AWS": format!("arn:aws:iam::{trusted}:root")}),
                    &[ADMIN],
                ),
            ],
        )
    };
    ingest_json(&[details(M, &[], &[ops], &[]), member(A), member(D)])
}

#[test]
fn the_management_account_reaches_each_members_access_role_from_its_record() {
    let e = members_trusting_the_management_account(true);
    let ops = "arn:aws:iam::999900001111:user/ops";
    assert_eq!(
        targets(&e, ops, EdgeKind::CanAssume),
        [
            format!("arn:aws:iam::{A}:role/OrganizationAccountAccessRole"),
            format!("arn:aws:iam::{D}:role/OrganizationAccountAccessRole"),
        ]
    );
    // The roles' own edges are their accounts' (AdministratorAccess, cited
    // from A's file, where the whole reading first met it).
    let role = format!("arn:aws:iam::{D}:role/OrganizationAccountAccessRole");
    assert!(
        e.edges
            .iter()
            .any(|x| x.from == role && x.provenance.source.contains(&format!("org/{A}/"))),
        "{:#?}",
        e.edges
            .iter()
            .filter(|x| x.from == role)
            .map(|x| x.provenance.source.clone())
            .collect::<Vec<_>>()
    );
}

#[test]
fn negative_member_roles_trusting_their_own_account_are_not_reached() {
    let e = members_trusting_the_management_account(false);
    let ops = "arn:aws:iam::999900001111:user/ops";
    let assumed = targets(&e, ops, EdgeKind::CanAssume);
    assert!(assumed.is_empty(), "{assumed:#?}");
}
