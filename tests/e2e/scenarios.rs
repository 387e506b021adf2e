//! Every query, pinned.

use crate::{PIVOT, json, names, ok};

#[test]
fn blast_from_a_ci_workflow_reaches_another_cloud_through_a_secret() {
    let out = ok(&[
        "blast",
        "-q",
        "-i",
        PIVOT,
        "--compromise",
        "infra-ci",
        "--format",
        "json",
    ]);
    let v = json(&out);
    // What a responder needs to know at a glance.
    assert_eq!(v["summary"]["scopes"], 1);
    assert_eq!(v["scopes"][0]["name"], "s1 owner");
    assert_eq!(v["scopes"][0]["hops"], 5);
    let features = v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "features")
        .unwrap();
    assert_eq!(features["access"], "admin");
    assert_eq!(features["path"].as_array().unwrap().len(), 6);
    insta::assert_snapshot!("blast_pivot_chain_json", out);
}

#[test]
fn blast_text_shows_paths_and_marks_conditions() {
    insta::assert_snapshot!(
        "blast_pivot_chain_text",
        ok(&["blast", "-q", "-i", PIVOT, "-c", "infra-ci"])
    );
}

#[test]
fn strict_drops_conditional_edges() {
    let loose = ok(&[
        "blast", "-q", "-i", PIVOT, "-c", "deployer", "--format", "json",
    ]);
    let strict = ok(&[
        "blast", "-q", "-i", PIVOT, "-c", "deployer", "--format", "json", "--strict",
    ]);
    let level = |s: &str| {
        let v = json(s);
        v["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "training-data")
            .unwrap()["access"]
            .clone()
    };
    // Break-glass (behind an MFA condition) gives admin; without it, read via the trainer.
    assert_eq!(level(&loose), "admin");
    assert_eq!(level(&strict), "read");
    assert!(loose.contains("aws:MultiFactorAuthPresent = true"));
}

#[test]
fn max_hops_bounds_the_search() {
    let out = ok(&[
        "blast",
        "-q",
        "-i",
        PIVOT,
        "-c",
        "infra-ci",
        "--max-hops",
        "2",
        "--format",
        "json",
    ]);
    let v = json(&out);
    assert_eq!(v["summary"]["scopes"], 0);
    for section in ["identities", "credentials", "scopes", "targets"] {
        for x in v[section].as_array().unwrap() {
            assert!(x["hops"].as_u64().unwrap() <= 2, "{x}");
        }
    }
}

#[test]
fn who_can_reach_the_training_data() {
    insta::assert_snapshot!(
        "who_can_training_data",
        ok(&["who-can", "-q", "-i", PIVOT, "--reach", "training-data"])
    );
    let admins = ok(&[
        "who-can",
        "-q",
        "-i",
        PIVOT,
        "--reach",
        "training-data",
        "--access",
        "admin",
        "--format",
        "json",
    ]);
    let v = json(&admins);
    let names: Vec<&str> = names(&v, "identities");
    assert_eq!(names, ["breakglass", "deployer", "infra-ci"]);
}

#[test]
fn trace_lists_distinct_chains_with_provenance() {
    insta::assert_snapshot!(
        "trace_ci_to_features",
        ok(&[
            "trace",
            "-q",
            "-i",
            PIVOT,
            "--from",
            "infra-ci",
            "--to",
            "training-data",
            "-k",
            "3"
        ])
    );
}

#[test]
fn what_if_revoking_the_secret_read_cuts_the_azure_pivot() {
    let out = ok(&[
        "what-if",
        "-q",
        "-i",
        PIVOT,
        "-c",
        "infra-ci",
        "--revoke",
        "deployer->azure-sp",
        "--format",
        "json",
    ]);
    let v = json(&out);
    assert_eq!(v["before"]["scopes"], 1);
    assert_eq!(v["after"]["scopes"], 0);
    let lost: Vec<&str> = names(&v, "lost_targets");
    assert_eq!(lost, ["azure-sp", "features"]);
    insta::assert_snapshot!(
        "what_if_revoke_secret_read",
        ok(&[
            "what-if",
            "-q",
            "-i",
            PIVOT,
            "-c",
            "infra-ci",
            "--revoke",
            "deployer->azure-sp",
            "--remove",
            "breakglass"
        ])
    );
}

#[test]
fn rank_orders_identities_by_documented_score() {
    insta::assert_snapshot!("rank_pivot_chain", ok(&["rank", "-q", "-i", PIVOT]));
    let out = ok(&["rank", "-q", "-i", PIVOT, "--format", "json"]);
    let v = json(&out);
    let top = &v[0];
    assert_eq!(top["name"], "infra-ci");
    let score = 100 * top["scopes"].as_u64().unwrap()
        + 10 * top["models"].as_u64().unwrap()
        + 8 * top["datasets"].as_u64().unwrap()
        + 6 * top["secrets"].as_u64().unwrap()
        + 4 * top["tools"].as_u64().unwrap()
        + 2 * top["identities"].as_u64().unwrap()
        + top["credentials"].as_u64().unwrap();
    assert_eq!(top["score"].as_u64().unwrap(), score);
}

#[test]
fn demo_showcase() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("demo.html");
    let out = ok(&["demo", "--report", report.to_str().unwrap()]);
    // The page's size changes with its script: not pinned.
    let out = out.replace(report.to_str().unwrap(), "DIR/demo.html");
    let kib = out.find(" KiB)").unwrap();
    let digits = out[..kib].rfind(' ').unwrap() + 1;
    let out = format!("{}N{}", &out[..digits], &out[kib..]);
    insta::assert_snapshot!("demo", out);
    // The demo's report is the page `report` writes for the same question.
    let page = std::fs::read_to_string(&report).unwrap();
    let data = crate::report::page_data(&page);
    assert_eq!(data["title"], "Blast radius of support-agent");
    assert_eq!(
        data["views"][0]["anchors"][0],
        "agent:acme-ai/support-agent"
    );
    assert_eq!(data["rank"].as_array().unwrap().len(), 8);
}

#[test]
fn a_github_workflow_reaches_azure_openai_through_a_vault_held_client_secret() {
    // The demo estate: raw AWS, Azure and Vault files. The workflow logs in
    // to a Vault JWT role, reads the KV secret whose metadata says it holds
    // the Entra app's client secret, and the app reaches the deployment.
    let workflow =
        "oidc:token.actions.githubusercontent.com:sub=repo:acme-ai/ml-infra:ref:refs/heads/main";
    let v = json(&ok(&[
        "trace",
        "-q",
        "--from",
        workflow,
        "--to",
        "gpt-4o-support",
        "-k",
        "4",
        "--format",
        "json",
    ]));
    let chains = v["chains"].as_array().unwrap();
    let through_vault = chains
        .iter()
        .find(|c| c["path"][0]["to"] == "vault:acme-vault/auth/jwt/role/ml-infra")
        .expect("a chain through Vault");
    assert_eq!(through_vault["conditional"], false);
    let hops: Vec<(&str, &str, &str)> = through_vault["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["kind"].as_str().unwrap(),
                h["to"].as_str().unwrap(),
                h["source"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        hops[..3],
        [
            (
                "authenticates_as",
                "vault:acme-vault/auth/jwt/role/ml-infra",
                "demo:acme-ai/vault/auth/jwt/role/ml-infra.json"
            ),
            (
                "can_read_secret",
                "vault:acme-vault/secret/ml/azure-openai-sp",
                "demo:acme-ai/vault/sys/policies/acl/ml-ops.json"
            ),
            (
                "holds_credential",
                "entra:ac3e000d-0000-4000-8000-00000000000d",
                "demo:acme-ai/vault/secret/metadata/ml/azure-openai-sp.json"
            ),
        ]
    );
    assert_eq!(
        through_vault["path"][1]["location"],
        "$.data.policy path \"secret/data/ml/*\""
    );
    assert!(
        hops.last()
            .unwrap()
            .1
            .ends_with("/deployments/gpt-4o-support")
    );
    // The negative twin: a pull-request run of the same repository is no
    // Vault login.
    let pr = "oidc:token.actions.githubusercontent.com:sub=repo:acme-ai/ml-infra:pull_request";
    let (code, out, err) = crate::run(&[
        "trace",
        "-q",
        "--from",
        pr,
        "--to",
        "gpt-4o-support",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        json(&out)["chains"].as_array().is_none_or(Vec::is_empty),
        "{out}"
    );
}
