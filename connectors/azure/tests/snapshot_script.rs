//! `az-snapshot.sh` builds the raw layout with `az rest` alone: run against
//! a stand-in `az` (tests/az-stub/az) that answers from canned responses in
//! the real API shapes, with a second page and a failing call, then read by
//! the connector.

#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on what it does not expect"
)]

#[expect(
    dead_code,
    reason = "this test crate uses only some of the shared helpers"
)]
mod common;

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

fn put(root: &Path, rel: &str, v: &Value) {
    let p = root.join(format!("{rel}.json"));
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, serde_json::to_vec(v).expect("json")).expect("write");
}

#[test]
fn the_script_follows_pages_and_writes_the_layout() {
    let tmp = tempfile::tempdir().expect("tmp");
    let stub = tmp.path().join("stub");
    let out = tmp.path().join("out");
    let t = "4a3b2c1d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
    let gr = "graph.microsoft.com/v1.0";
    put(
        &stub,
        &format!("{gr}/organization"),
        &json!({"value": [{"id": t, "displayName": "Contoso"}]}),
    );
    put(
        &stub,
        &format!("{gr}/users"),
        &json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
                "value": [{"id": "u1", "displayName": "One", "accountEnabled": true}],
                "@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$skiptoken=x&page=2"}),
    );
    put(
        &stub,
        &format!("{gr}/users.page2"),
        &json!({"value": [{"id": "u2", "displayName": "Two", "accountEnabled": false}]}),
    );
    put(
        &stub,
        &format!("{gr}/groups"),
        &json!({"value": [{"id": "g1", "displayName": "devs"}]}),
    );
    put(
        &stub,
        &format!("{gr}/groups/g1/members"),
        &json!({"value": [{"@odata.type": "#microsoft.graph.user", "id": "u1"}]}),
    );
    std::fs::write(
        stub.join(format!("{gr}/oauth2PermissionGrants.json")),
        "FAIL",
    )
    .expect("write");
    let mgmt = "management.azure.com";
    put(
        &stub,
        &format!("{mgmt}/subscriptions"),
        &json!({"value": [{"id": "/subscriptions/s1", "subscriptionId": "s1", "displayName": "prod"}]}),
    );
    let vault = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv";
    put(
        &stub,
        &format!("{mgmt}/subscriptions/s1/providers/Microsoft.KeyVault/vaults"),
        &json!({"value": [{"id": vault, "name": "kv", "type": "Microsoft.KeyVault/vaults",
                 "properties": {"enableRbacAuthorization": true, "accessPolicies": []}}],
                "nextLink": null}),
    );
    put(
        &stub,
        &format!("{mgmt}{vault}/secrets"),
        &json!({"value": [{"id": format!("{vault}/secrets/db"), "name": "db", "type": "Microsoft.KeyVault/vaults/secrets"}]}),
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("az-snapshot.sh");
    let stub_bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/az-stub");
    let path = format!(
        "{}:{}",
        stub_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = Command::new("bash")
        .arg(&script)
        .arg(&out)
        .env("PATH", path)
        .env("AZ_STUB_DIR", &stub)
        .output()
        .expect("bash");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    // The failing call is reported and leaves no file.
    assert!(
        stderr.contains("failed: GET https://graph.microsoft.com/v1.0/oauth2PermissionGrants"),
        "{stderr}"
    );
    assert!(!out.join("graph/v1.0/oauth2PermissionGrants.json").exists());
    // Two pages, one file, no next link.
    let users: Value =
        serde_json::from_slice(&std::fs::read(out.join("graph/v1.0/users.json")).expect("users"))
            .expect("json");
    assert_eq!(users["value"].as_array().map(Vec::len), Some(2));
    assert!(users.get("@odata.nextLink").is_none());
    assert_eq!(
        users["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#users"
    );
    for f in [
        "graph/v1.0/groups/g1/members.json",
        "arm/subscriptions.json",
        "arm/subscriptions/s1/resourcegroups.json",
        "arm/subscriptions/s1/providers/Microsoft.KeyVault/vaults.json",
        "arm/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/secrets.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    // The connector reads the folder.
    let e = common::folder_without(&out.to_string_lossy(), &[]);
    assert!(e.diagnostics.is_empty(), "{:#?}", e.diagnostics);
    for id in ["entra:u1", "entra:u2", "entra:g1"] {
        assert!(e.nodes.iter().any(|n| n.id == id), "{id}");
    }
}
