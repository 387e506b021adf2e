//! `k8s-snapshot.sh` with stand-ins for `kubectl` and `aws` on PATH that
//! print what the real ones print for the fixture cluster (its secrets with
//! their values): the script writes the fixture's files, with no value.

use std::path::Path;
use std::process::Command;

#[test]
fn the_script_writes_the_cluster_folder_without_values() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixture = here.join("tests/fixtures/k8s/prod-eks");
    let tmp = tempfile::tempdir().expect("tempdir");
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    // kubectl: the RBAC list with a secret value put back, and the issuer.
    let rbac: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture.join("rbac.json")).expect("rbac"))
            .expect("json");
    let mut with_values = rbac.clone();
    if let Some(items) = with_values["items"].as_array_mut() {
        for item in items.iter_mut().filter(|i| i["kind"] == "Secret") {
            item["data"] = serde_json::json!({"key": "U0VFREVELVNDUklQVC1WQUxVRQ=="});
        }
    }
    std::fs::write(
        tmp.path().join("list.json"),
        serde_json::to_vec(&with_values).expect("bytes"),
    )
    .expect("write");
    let kubectl = format!(
        "#!/usr/bin/env bash\ncase \"$*\" in\n  get\\ --raw*) cat '{}' ;;\n  get\\ serviceaccounts*) cat '{}' ;;\n  *) echo \"unexpected kubectl $*\" >&2; exit 1 ;;\nesac\n",
        fixture.join("openid-configuration.json").display(),
        tmp.path().join("list.json").display()
    );
    let aws = format!(
        "#!/usr/bin/env bash\ncase \"$*\" in\n  eks\\ list-pod-identity-associations*) echo '{{\"associations\":[{{\"associationId\":\"a-frontend\"}}]}}' ;;\n  eks\\ describe-pod-identity-association*) cat '{}' ;;\n  *) exit 1 ;;\nesac\n",
        fixture
            .join("pod-identity-associations/a-frontend.json")
            .display()
    );
    for (name, text) in [("kubectl", kubectl), ("aws", aws)] {
        let p = bin.join(name);
        std::fs::write(&p, text).expect("stand-in");
        let _ = Command::new("chmod").arg("+x").arg(&p).status();
    }
    let out = tmp.path().join("out");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = Command::new("bash")
        .arg(here.join("k8s-snapshot.sh"))
        .arg(&out)
        .arg("prod-eks")
        .arg("prod-eks")
        .env("PATH", path)
        .output()
        .expect("bash runs the script");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let dir = out.join("k8s/prod-eks");
    let got: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("rbac.json")).expect("rbac written"))
            .expect("json");
    assert_eq!(
        got, rbac,
        "the values are stripped and nothing else changes"
    );
    for f in [
        "openid-configuration.json",
        "pod-identity-associations/a-frontend.json",
    ] {
        let a: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(f)).expect("written")).expect("json");
        let b: serde_json::Value =
            serde_json::from_slice(&std::fs::read(fixture.join(f)).expect("fixture"))
                .expect("json");
        assert_eq!(a, b, "{f}");
    }
    for f in blastgraph_gen::files_under(&out) {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        assert!(
            !text.contains("U0VFREVELVNDUklQVC1WQUxVRQ"),
            "{}",
            f.display()
        );
    }
}
