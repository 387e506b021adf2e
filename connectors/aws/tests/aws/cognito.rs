//! Row 3.6 (pathfinding.cloud `cognitoidentity-001`): PassRole and
//! SetIdentityPoolRoles make a role trusting Cognito the unauthenticated
//! role of an identity pool, whose credentials anyone can then get.

use blastgraph_model::{EdgeKind, Estate};
use serde_json::{Value, json};

use crate::fixture::{A, allow, allow_if, document, iam, ingest_json};

const POOL: &str = "us-east-1:0f1e2d3c-4b5a-6978-8897-a6b5c4d3e2f1";

/// A role of the usual Cognito shape: the pool id in `aud`, unauthenticated
/// identities in `amr`.
fn cognito_role() -> Value {
    json!({"RoleName": "app-guest", "Arn": iam("role/app-guest"), "Path": "/",
        "AssumeRolePolicyDocument": document(&[json!({"Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": POOL},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}
            }})]),
        "RolePolicyList": [{"PolicyName": "inline",
            "PolicyDocument": document(&[allow(&["s3:*"], "*")])}],
        "AttachedManagedPolicies": [], "InstanceProfileList": []})
}

fn estate(grants: &[Value], pools: Option<&str>) -> Estate {
    let user = json!({"UserName": "dev", "Arn": iam("user/dev"), "Path": "/", "GroupList": [],
        "AttachedManagedPolicies": [],
        "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(grants)}]});
    let mut files = vec![(
        format!("snap/{A}/global/iam/get-account-authorization-details.json"),
        json!({"UserDetailList": [user], "GroupDetailList": [],
               "RoleDetailList": [cognito_role()], "Policies": []}),
    )];
    if let Some(id) = pools {
        files.push((
            format!("snap/{A}/us-east-1/cognito-identity/list-identity-pools.json"),
            json!({"IdentityPools": [{"IdentityPoolId": id, "IdentityPoolName": "app"}]}),
        ));
    }
    ingest_json(&files)
}

fn pass_to_cognito() -> Value {
    allow_if(
        &["iam:PassRole"],
        &iam("role/app-guest"),
        json!({"StringEquals": {"iam:PassedToService": "cognito-identity.amazonaws.com"}}),
    )
}

/// (mechanism, conditional, condition) of dev's `can_act_as` to the role.
fn act_as(e: &Estate) -> Option<(String, bool, String)> {
    e.edges
        .iter()
        .find(|x| {
            x.kind == EdgeKind::CanActAs
                && x.from == iam("user/dev")
                && x.to == iam("role/app-guest")
        })
        .map(|x| {
            (
                x.mechanism.clone().unwrap_or_default(),
                x.conditional,
                x.condition.clone().unwrap_or_default(),
            )
        })
}

#[test]
fn setting_the_pools_roles_with_update_is_firm() {
    let grants = [
        pass_to_cognito(),
        allow(
            &[
                "cognito-identity:SetIdentityPoolRoles",
                "cognito-identity:UpdateIdentityPool",
            ],
            "*",
        ),
    ];
    let (mechanism, conditional, _) = act_as(&estate(&grants, Some(POOL))).unwrap();
    assert_eq!(
        mechanism,
        "iam:PassRole+cognito-identity:SetIdentityPoolRoles+cognito-identity:UpdateIdentityPool"
    );
    assert!(!conditional);
}

/// Without UpdateIdentityPool: whether the pool allows unauthenticated
/// identities decides it, and the condition names where that is.
#[test]
fn without_update_the_pool_setting_decides() {
    let grants = [
        pass_to_cognito(),
        allow(&["cognito-identity:SetIdentityPoolRoles"], "*"),
    ];
    let (_, conditional, condition) = act_as(&estate(&grants, Some(POOL))).unwrap();
    assert!(conditional);
    assert!(condition.contains("describe-identity-pool"), "{condition}");
}

/// Negative twin: the account's only pool is not the one the trust names.
#[test]
fn a_pool_the_trust_does_not_name_gives_no_edge() {
    let grants = [
        pass_to_cognito(),
        allow(
            &[
                "cognito-identity:SetIdentityPoolRoles",
                "cognito-identity:UpdateIdentityPool",
            ],
            "*",
        ),
    ];
    let other = "us-east-1:11111111-2222-3333-4444-555555555555";
    assert_eq!(act_as(&estate(&grants, Some(other))), None);
}

/// Negative twin: PassRole to another service.
#[test]
fn pass_role_to_another_service_gives_no_edge() {
    let grants = [
        allow_if(
            &["iam:PassRole"],
            &iam("role/app-guest"),
            json!({"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}),
        ),
        allow(&["cognito-identity:SetIdentityPoolRoles"], "*"),
    ];
    assert_eq!(act_as(&estate(&grants, Some(POOL))), None);
}

/// Without the pool inventory: conditional, naming it.
#[test]
fn pools_not_collected_are_named() {
    let grants = [
        pass_to_cognito(),
        allow(&["cognito-identity:SetIdentityPoolRoles"], "*"),
    ];
    let (_, conditional, condition) = act_as(&estate(&grants, None)).unwrap();
    assert!(conditional);
    assert!(
        condition.contains("cognito-identity/list-identity-pools was not collected"),
        "{condition}"
    );
}
