//! `collect k8s` against a stand-in API server replaying the prod-eks
//! fixture one object per page, secrets with their values: the collector
//! writes the layout with every object and no value, and the connector
//! reads it.

#![expect(
    clippy::expect_used,
    reason = "a test fails loudly on what it does not expect"
)]

use std::path::{Path, PathBuf};

use blastgraph_connector_k8s_live::{Options, collect};
use blastgraph_model::collect::NoProgress;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../k8s/tests/fixtures/k8s/prod-eks")
}

fn stub(dir: &Path) -> blastgraph_gen::LocalServer {
    let port = dir.join("port");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../k8s/tests/k8s_stub.py");
    let f = fixture();
    let args = [f.as_os_str(), port.as_os_str(), "k8s-test-token".as_ref()];
    blastgraph_gen::LocalServer::start(&script, &args, &port).expect("the stand-in starts")
}

fn options(server: &str, token: &str, out: &Path) -> Options {
    Options {
        server: server.into(),
        token: Some(token.into()),
        ca: None,
        ca_pem: None,
        client: None,
        cluster: "prod-eks".into(),
        output: out.to_path_buf(),
        inspect_values: false,
    }
}

#[test]
fn the_collector_writes_every_object_without_values() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let s = stub(tmp.path());
    let out = tmp.path().join("out");
    let n = collect(&options(&s.url, "k8s-test-token", &out), &NoProgress).expect("collects");
    let want: usize = ["rbac.json", "secrets-with-values.json"]
        .iter()
        .map(|f| {
            let v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(fixture().join(f)).expect("fixture"))
                    .expect("json");
            v["items"].as_array().map_or(0, Vec::len)
        })
        .sum();
    assert_eq!(n, want);
    let written = blastgraph_gen::json_files_under(&out);
    for (p, b) in &written {
        let t = String::from_utf8_lossy(b);
        assert!(
            !t.contains("Z2hwX1NFRURFREs4U1ZB") && !t.contains("\"data\""),
            "{p}"
        );
        assert!(!t.contains("k8s-test-token"), "{p}");
    }
    let (e, _) = blastgraph_gen::bench::ingest(&blastgraph_connector_k8s::K8sConnector, &written);
    let issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/5C5A1B2C3D4E5F60718293A4B5C6D7E8";
    let trainer = blastgraph_model::ids::k8s_service_account(issuer, "ml", "trainer");
    let secret = blastgraph_model::ids::k8s_object(issuer, "ml", "secrets", "openai-sp");
    assert!(
        e.edges
            .to_vec()
            .iter()
            .any(|x| x.from == trainer && x.to == secret),
        "{:?}",
        e.diagnostics
    );
}

/// `--inspect-secret-values`: the registry secret's `data` is scanned in
/// memory and removed; `blastgraph-inspected.json` says it holds a GitHub
/// token (its shape, never the token), and the connector takes that only
/// with the flag.
#[test]
fn inspecting_values_writes_what_they_hold_never_the_values() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let s = stub(tmp.path());
    let out = tmp.path().join("out");
    let mut opts = options(&s.url, "k8s-test-token", &out);
    opts.inspect_values = true;
    collect(&opts, &NoProgress).expect("collects");
    let written = blastgraph_gen::json_files_under(&out);
    for (p, b) in &written {
        let t = String::from_utf8_lossy(b);
        assert!(
            !t.contains("SEEDEDK8S") && !t.contains("Z2hwX1NFRURFREs4"),
            "{p}"
        );
    }
    let inspected: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.join("k8s/prod-eks/blastgraph-inspected.json")).expect("written"),
    )
    .expect("JSON");
    assert_eq!(inspected["inspected"][0]["secret"], "ci/registry");
    assert_eq!(
        inspected["inspected"][0]["found"][0]["kind"],
        "github token"
    );
    let read = |inspect: bool| {
        use blastgraph_model::Connector;
        let inputs = blastgraph_gen::bench::inputs(&written);
        let mut b = blastgraph_model::EstateBuilder::new();
        b.set_inspect_values(inspect);
        blastgraph_connector_k8s::K8sConnector.ingest_all(&inputs, &mut b);
        b.resolve_credential_hints();
        b.finish()
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    };
    // A GitHub token carries no identifier the graph could place: said.
    let with = read(true);
    assert!(
        with.iter()
            .any(|d| d.contains("namespaces/ci/secrets/registry") && d.contains("github token")),
        "{with:#?}"
    );
    let without = read(false);
    assert!(
        without
            .iter()
            .any(|d| d.contains("links secrets only with that flag")),
        "{without:#?}"
    );
    assert!(!without.iter().any(|d| d.contains("github token")));
}

/// `collect k8s --kubeconfig FILE --context NAME`: the server and the
/// token come from the kubeconfig's context, as kubectl reads it.
#[test]
fn a_kubeconfig_context_gives_the_server_and_the_token() {
    use blastgraph_model::collect::Collector;
    let tmp = tempfile::tempdir().expect("tempdir");
    let s = stub(tmp.path());
    let config = tmp.path().join("config");
    std::fs::write(
        &config,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: other\nclusters:\n- name: prod\n  cluster:\n    server: {}\ncontexts:\n- name: prod-admin\n  context:\n    cluster: prod\n    user: admin\n- name: other\n  context:\n    cluster: prod\n    user: nobody\nusers:\n- name: admin\n  user:\n    token: k8s-test-token\n- name: nobody\n  user:\n    token: wrong-token\n",
            s.url
        ),
    )
    .expect("kubeconfig");
    let out = tmp.path().join("out");
    let c = &blastgraph_connector_k8s_live::COLLECTOR;
    let run = |context: &str| {
        let m = c
            .command()
            .try_get_matches_from([
                "k8s",
                "--cluster",
                "prod-eks",
                "-o",
                &out.display().to_string(),
                "--kubeconfig",
                &config.display().to_string(),
                "--context",
                context,
            ])
            .expect("flags");
        c.collect(&m, "blastgraph test", &NoProgress)
    };
    let said = run("prod-admin").expect("collects");
    assert!(said.contains("prod-eks"), "{said}");
    assert!(out.join("k8s/prod-eks/rbac.json").is_file());
    // The other context's user is refused; its token is not shown.
    let e = run("other").expect_err("refused").to_string();
    assert!(!e.contains("wrong-token"), "{e}");
    let e = run("nowhere").expect_err("no such context").to_string();
    assert!(e.contains("no context `nowhere`"), "{e}");
}

#[test]
fn a_refused_token_is_a_clear_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let s = stub(tmp.path());
    let e =
        collect(&options(&s.url, "wrong-k8s-token", tmp.path()), &NoProgress).expect_err("refused");
    assert!(
        e.to_string().contains("HTTP 401") && !e.to_string().contains("wrong-k8s"),
        "{e}"
    );
    assert!(!format!("{:?}", options(&s.url, "wrong-k8s-token", tmp.path())).contains("wrong-k8s"));
}
