//! Row 4.54 (pathfinding.cloud `imagebuilder-001`), decided by the inputs:
//! the Image Builder service-linked role (or creating it) and the build
//! role's SSM agent permissions.

use blastgraph_model::{EdgeKind, Estate};
use serde_json::{Value, json};

use crate::fixture::{A, allow, allow_if, document, iam, ingest_json};

const ACTIONS: [&str; 4] = [
    "imagebuilder:CreateComponent",
    "imagebuilder:CreateImageRecipe",
    "imagebuilder:CreateInfrastructureConfiguration",
    "imagebuilder:CreateImage",
];

fn build_role(ssm: bool) -> Value {
    let grants = if ssm {
        vec![allow(
            &[
                "ssm:UpdateInstanceInformation",
                "ec2messages:*",
                "ssmmessages:*",
            ],
            "*",
        )]
    } else {
        vec![allow(&["s3:GetObject"], "*")]
    };
    let profile = json!({"InstanceProfileName": "build", "Path": "/",
        "Arn": iam("instance-profile/build"), "Roles": []});
    json!({"RoleName": "build", "Arn": iam("role/build"), "Path": "/",
        "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})]),
        "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": document(&grants)}],
        "AttachedManagedPolicies": [], "InstanceProfileList": [profile]})
}

fn service_linked_role() -> Value {
    json!({"RoleName": "AWSServiceRoleForImageBuilder",
        "Arn": iam("role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder"),
        "Path": "/aws-service-role/imagebuilder.amazonaws.com/",
        "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
            "Principal": {"Service": "imagebuilder.amazonaws.com"}, "Action": "sts:AssumeRole"})]),
        "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []})
}

fn estate(ssm: bool, slr: bool, extra: &[Value]) -> Estate {
    let mut grants = vec![
        allow(&["iam:PassRole"], &iam("role/build")),
        allow(&ACTIONS, "*"),
    ];
    grants.extend(extra.iter().cloned());
    let user = json!({"UserName": "dev", "Arn": iam("user/dev"), "Path": "/", "GroupList": [],
        "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(&grants)}]});
    let mut roles = vec![build_role(ssm)];
    if slr {
        roles.push(service_linked_role());
    }
    ingest_json(&[(
        format!("snap/{A}/global/iam/get-account-authorization-details.json"),
        json!({"UserDetailList": [user], "GroupDetailList": [], "RoleDetailList": roles,
               "Policies": []}),
    )])
}

fn act_as(e: &Estate) -> Vec<(String, bool)> {
    e.edges
        .iter()
        .filter(|x| x.kind == EdgeKind::CanActAs && x.from == iam("user/dev"))
        .filter(|x| !x.to.contains("/unseen/") && x.to == iam("role/build"))
        .filter(|x| {
            x.mechanism
                .as_deref()
                .is_some_and(|m| m.contains("imagebuilder"))
        })
        .map(|x| (x.mechanism.clone().unwrap_or_default(), x.conditional))
        .collect()
}

#[test]
fn with_the_service_linked_role_and_an_ssm_ready_role_it_is_firm() {
    let got = act_as(&estate(true, true, &[]));
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(!got[0].1, "{got:#?}");
}

#[test]
fn creating_the_service_linked_role_is_named() {
    let create = allow_if(
        &["iam:CreateServiceLinkedRole"],
        "*",
        json!({"StringEquals": {"iam:AWSServiceName": "imagebuilder.amazonaws.com"}}),
    );
    let got = act_as(&estate(true, false, &[create]));
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].0.contains("iam:CreateServiceLinkedRole"), "{got:#?}");
    assert!(!got[0].1);
}

/// Negative twin: the build role cannot register with Systems Manager.
#[test]
fn a_role_without_the_ssm_agents_permissions_gives_no_edge() {
    assert_eq!(act_as(&estate(false, true, &[])), []);
}

/// Negative twin: no service-linked role and no right to create it.
#[test]
fn without_the_service_linked_role_no_edge() {
    assert_eq!(act_as(&estate(true, false, &[])), []);
}

/// Negative twin: a deny on CreateImage in the caller's policies.
#[test]
fn a_deny_on_create_image_gives_no_edge() {
    let deny = json!({"Effect": "Deny", "Action": "imagebuilder:CreateImage", "Resource": "*"});
    assert_eq!(act_as(&estate(true, true, &[deny])), []);
}

/// Negative twin (NT-pre of the catalogue): the role has no instance profile.
#[test]
fn a_role_without_an_instance_profile_gives_no_edge() {
    let mut role = build_role(true);
    role["InstanceProfileList"] = json!([]);
    let user = json!({"UserName": "dev", "Arn": iam("user/dev"), "Path": "/", "GroupList": [],
    "AttachedManagedPolicies": [],
    "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(&[
        allow(&["iam:PassRole"], &iam("role/build")),
        allow(&ACTIONS, "*"),
    ])}]});
    let e = ingest_json(&[(
        format!("snap/{A}/global/iam/get-account-authorization-details.json"),
        json!({"UserDetailList": [user], "GroupDetailList": [],
               "RoleDetailList": [role, service_linked_role()], "Policies": []}),
    )]);
    assert_eq!(act_as(&e), []);
}
