//! Managed Apache Flink (row 4.55, pathfinding.cloud `kinesisanalytics-001`):
//! the application's code is a JAR in Amazon S3 that the passed role reads.
//! Decided per (attacker, role): an S3 object the attacker may write
//! (`s3:PutObject`) and the role may read (`s3:GetObject`), in a bucket of
//! the account's inventory (bucket policies included) or in a new bucket
//! the attacker creates.

use blastgraph_model::Estate;
use serde_json::{Value, json};

use crate::fixture::{A, Said, acts_via, allow, document, iam, ingest_json, pass_role};

const SERVICE: &str = "kinesisanalytics.amazonaws.com";
const MECHANISM: &str =
    "iam:PassRole+kinesisanalytics:CreateApplication+kinesisanalytics:StartApplication";

fn s3(rest: &str) -> String {
    format!("arn:aws:s3:::{rest}")
}

/// A bucket of the inventory, with its bucket policy when given.
type Bucket<'a> = (&'a str, Option<Value>);

/// Role `flink` (trusts the service; identity policy `reads`), user `dev`
/// (PassRole on it, the application actions, and `writes`), and the S3
/// inventory when `buckets` is given.
fn estate(reads: &[Value], writes: &[Value], buckets: Option<&[Bucket<'_>]>) -> Estate {
    let mut role = json!({"RoleName": "flink", "Arn": iam("role/flink"), "Path": "/",
        "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
            "Principal": {"Service": SERVICE}, "Action": "sts:AssumeRole"})]),
        "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []});
    if !reads.is_empty() {
        role["RolePolicyList"] =
            json!([{"PolicyName": "reads", "PolicyDocument": document(reads)}]);
    }
    let mut grants = vec![
        pass_role("flink", SERVICE),
        allow(
            &[
                "kinesisanalytics:CreateApplication",
                "kinesisanalytics:StartApplication",
            ],
            "*",
        ),
    ];
    grants.extend(writes.iter().cloned());
    let user = json!({"UserName": "dev", "Arn": iam("user/dev"), "Path": "/", "GroupList": [],
        "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(&grants)}]});
    let mut files = vec![(
        format!("snap/{A}/global/iam/get-account-authorization-details.json"),
        json!({"UserDetailList": [user], "GroupDetailList": [], "RoleDetailList": [role],
               "Policies": []}),
    )];
    if let Some(buckets) = buckets {
        let list: Vec<Value> = buckets
            .iter()
            .map(|(name, _)| json!({"Name": name, "CreationDate": "2024-01-01T00:00:00Z"}))
            .collect();
        files.push((
            format!("snap/{A}/global/s3/list-buckets.json"),
            json!({"Buckets": list, "Owner": {"ID": "owner"}}),
        ));
        for (name, policy) in buckets {
            if let Some(p) = policy {
                files.push((
                    format!("snap/{A}/global/s3/get-bucket-policy/{name}.json"),
                    json!({"Policy": p.to_string()}),
                ));
            }
        }
    }
    ingest_json(&files)
}

/// The `can_act_as` edges of `dev` through this row: (to, mechanism,
/// conditional, condition, reason).
fn flink(e: &Estate) -> Vec<Said> {
    acts_via(e, &iam("user/dev"), "kinesisanalytics:")
}

fn reads(bucket: &str) -> Value {
    allow(&["s3:GetObject"], &s3(&format!("{bucket}/*")))
}

fn writes(bucket: &str) -> Value {
    allow(&["s3:PutObject"], &s3(&format!("{bucket}/*")))
}

fn one(got: &[Said]) -> (String, bool, String, String) {
    assert_eq!(got.len(), 1, "{got:#?}");
    let (to, mechanism, conditional, condition, reason) = got[0].clone();
    assert_eq!(to, iam("role/flink"));
    (mechanism, conditional, condition, reason)
}

#[test]
fn a_bucket_the_attacker_writes_and_the_role_reads_makes_it_firm() {
    let e = estate(
        &[reads("code")],
        &[writes("code")],
        Some(&[("code", None), ("logs", None)]),
    );
    let (mechanism, conditional, condition, reason) = one(&flink(&e));
    assert_eq!(mechanism, format!("{MECHANISM}+s3:PutObject"));
    assert!(!conditional, "{condition}");
    assert!(reason.contains("bucket code"), "{reason}");
}

/// The attacker writes only under a prefix of a bucket the role reads
/// whole: an object under that prefix is one both may use.
#[test]
fn a_prefix_the_attacker_writes_in_a_bucket_the_role_reads_makes_it_firm() {
    let e = estate(
        &[reads("code")],
        &[writes("code/uploads")],
        Some(&[("code", None)]),
    );
    let (mechanism, conditional, condition, _) = one(&flink(&e));
    assert_eq!(mechanism, format!("{MECHANISM}+s3:PutObject"));
    assert!(!conditional, "{condition}");
}

/// Negative twin: the role reads another bucket than the one the attacker
/// writes; the inventory was read: no edge.
#[test]
fn the_role_reads_nothing_the_attacker_writes_no_edge() {
    let e = estate(
        &[reads("logs")],
        &[writes("code")],
        Some(&[("code", None), ("logs", None)]),
    );
    assert_eq!(flink(&e), []);
}

/// Without the S3 inventory (and no new bucket both sides allow):
/// conditional, naming it.
#[test]
fn buckets_not_collected_are_named() {
    let e = estate(&[reads("code")], &[writes("code")], None);
    let (mechanism, conditional, condition, _) = one(&flink(&e));
    assert_eq!(mechanism, MECHANISM);
    assert!(conditional);
    assert!(condition.contains("JAR in Amazon S3"), "{condition}");
    assert!(
        condition.contains("s3/list-buckets was not collected"),
        "{condition}"
    );
}

/// The role's read comes from the bucket policy alone (same account).
#[test]
fn a_bucket_policy_that_lets_the_role_read_makes_it_firm() {
    let policy = document(&[json!({"Effect": "Allow",
        "Principal": {"AWS": iam("role/flink")},
        "Action": "s3:GetObject", "Resource": s3("code/*")})]);
    let e = estate(&[], &[writes("code")], Some(&[("code", Some(policy))]));
    let (mechanism, conditional, condition, _) = one(&flink(&e));
    assert_eq!(mechanism, format!("{MECHANISM}+s3:PutObject"));
    assert!(!conditional, "{condition}");
}

/// Negative twin: the bucket policy denies the attacker's writes.
#[test]
fn a_bucket_policy_that_denies_the_write_gives_no_edge() {
    let policy = document(&[json!({"Effect": "Deny",
        "Principal": {"AWS": iam("user/dev")},
        "Action": "s3:PutObject", "Resource": s3("code/*")})]);
    let e = estate(
        &[reads("code")],
        &[writes("code")],
        Some(&[("code", Some(policy))]),
    );
    assert_eq!(flink(&e), []);
}

/// The attacker may create a bucket of a name it picks and write to it, and
/// the role may read any bucket: firm, with or without the inventory.
#[test]
fn a_new_bucket_both_sides_allow_makes_it_firm() {
    let create = allow(&["s3:CreateBucket", "s3:PutObject"], "*");
    let any = allow(&["s3:GetObject"], "*");
    for buckets in [Some(&[][..]), None] {
        let e = estate(
            std::slice::from_ref(&any),
            std::slice::from_ref(&create),
            buckets,
        );
        let (mechanism, conditional, condition, reason) = one(&flink(&e));
        assert_eq!(
            mechanism,
            format!("{MECHANISM}+s3:CreateBucket+s3:PutObject")
        );
        assert!(!conditional, "{condition}");
        assert!(reason.contains("a new bucket"), "{reason}");
    }
}

/// A name pattern both sides share (`team-*`) is a name the attacker picks.
#[test]
fn a_new_bucket_under_a_shared_name_pattern_makes_it_firm() {
    let create = allow(&["s3:CreateBucket"], &s3("team-*"));
    let put = allow(&["s3:PutObject"], &s3("team-*/*"));
    let e = estate(&[reads("team-*")], &[create, put], Some(&[]));
    let (mechanism, conditional, condition, _) = one(&flink(&e));
    assert_eq!(
        mechanism,
        format!("{MECHANISM}+s3:CreateBucket+s3:PutObject")
    );
    assert!(!conditional, "{condition}");
}

/// Negative twin: the role reads buckets of another name pattern than the
/// attacker may create.
#[test]
fn a_new_bucket_the_role_cannot_read_gives_no_edge() {
    let create = allow(&["s3:CreateBucket"], &s3("team-*"));
    let put = allow(&["s3:PutObject"], &s3("team-*/*"));
    let e = estate(&[reads("data-*")], &[create, put], Some(&[]));
    assert_eq!(flink(&e), []);
}

/// The role reads one named bucket that is not in the account: creating a
/// bucket of that name works only if no other account owns it (bucket
/// names are global): conditional, naming it.
#[test]
fn a_named_bucket_missing_from_the_inventory_is_conditional() {
    let create = allow(&["s3:CreateBucket", "s3:PutObject"], "*");
    let e = estate(&[reads("legacy-code")], &[create], Some(&[("logs", None)]));
    let (mechanism, conditional, condition, _) = one(&flink(&e));
    assert_eq!(
        mechanism,
        format!("{MECHANISM}+s3:CreateBucket+s3:PutObject")
    );
    assert!(conditional);
    assert!(condition.contains("legacy-code"), "{condition}");
}

/// A role that may read a bucket only under a condition the inputs do not
/// decide keeps the edge conditional, naming the key.
#[test]
fn an_undecided_condition_on_the_read_stays_conditional() {
    let read = json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": s3("code/*"),
        "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}});
    let e = estate(&[read], &[writes("code")], Some(&[("code", None)]));
    let (_, conditional, condition, _) = one(&flink(&e));
    assert!(conditional);
    assert!(condition.contains("aws:SourceIp"), "{condition}");
}

/// The service-role hub never stands for this row: with eight roles
/// trusting the service and PassRole on all of them, only the role that
/// reads the attacker's bucket is reached.
#[test]
fn the_service_hub_does_not_stand_for_this_row() {
    let role = |name: &str, reads: &[Value]| {
        let mut r = json!({"RoleName": name, "Arn": iam(&format!("role/{name}")), "Path": "/",
            "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
                "Principal": {"Service": SERVICE}, "Action": "sts:AssumeRole"})]),
            "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []});
        if !reads.is_empty() {
            r["RolePolicyList"] =
                json!([{"PolicyName": "reads", "PolicyDocument": document(reads)}]);
        }
        r
    };
    let mut roles: Vec<Value> = (0..8).map(|i| role(&format!("app{i}"), &[])).collect();
    roles.push(role("flink", &[reads("code")]));
    let grants = [
        allow(&["iam:PassRole"], "*"),
        allow(
            &[
                "kinesisanalytics:CreateApplication",
                "kinesisanalytics:StartApplication",
            ],
            "*",
        ),
        writes("code"),
    ];
    let user = json!({"UserName": "dev", "Arn": iam("user/dev"), "Path": "/", "GroupList": [],
        "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(&grants)}]});
    let e = ingest_json(&[
        (
            format!("snap/{A}/global/iam/get-account-authorization-details.json"),
            json!({"UserDetailList": [user], "GroupDetailList": [], "RoleDetailList": roles,
                   "Policies": []}),
        ),
        (
            format!("snap/{A}/global/s3/list-buckets.json"),
            json!({"Buckets": [{"Name": "code"}], "Owner": {"ID": "owner"}}),
        ),
    ]);
    let got: Vec<(String, bool)> = flink(&e)
        .into_iter()
        .map(|(to, _, conditional, ..)| (to, conditional))
        .collect();
    assert_eq!(got, [(iam("role/flink"), false)]);
}

/// A role that may read any bucket reads one in an account the attacker
/// owns, whose bucket policy grants it: the attacker needs no S3
/// permission in this account. Negative twin: a role that reads only its
/// own account's `code` bucket, which the attacker may not write.
#[test]
fn a_role_that_reads_any_bucket_reads_one_the_attacker_owns() {
    let any = allow(&["s3:GetObject"], "*");
    let e = estate(&[any], &[], Some(&[("code", None)]));
    let (mechanism, conditional, condition, reason) = one(&flink(&e));
    assert_eq!(mechanism, MECHANISM);
    assert!(!conditional, "{condition}");
    assert!(reason.contains("an account the attacker owns"), "{reason}");
    let e = estate(&[reads("code")], &[], Some(&[("code", None)]));
    assert_eq!(flink(&e), []);
}
