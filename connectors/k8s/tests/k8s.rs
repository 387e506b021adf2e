//! The prod-eks fixture (tests/fixtures/make.py writes it): what a
//! security engineer expects of a cluster's RBAC, each with its negative
//! twin, and the cluster meeting the Vault fixture through the issuer.

use std::path::Path;

use blastgraph_connector_k8s::K8sConnector;
use blastgraph_model::{
    Attributes, Class, Code, Connector, Edge, EdgeKind, Estate, EstateBuilder, Node, ids,
};

const ISSUER: &str = "https://oidc.eks.us-east-1.amazonaws.com/id/5C5A1B2C3D4E5F60718293A4B5C6D7E8";
const ENTRA_SP: &str = "entra:ac3e000d-0000-4000-8000-00000000000d";
const FRONTEND_ROLE: &str = "arn:aws:iam::111122223333:role/web-frontend";

fn read(dir: &str) -> Vec<(String, Vec<u8>)> {
    blastgraph_gen::json_files_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
}

fn ingest(files: &[(String, Vec<u8>)], with_vault: bool) -> Estate {
    let inputs = blastgraph_gen::bench::inputs(files);
    let mut b = EstateBuilder::new();
    b.begin_input("other-providers", "native", String::new(), 0);
    for id in [ENTRA_SP, FRONTEND_ROLE] {
        b.add_node(
            Node {
                id: id.into(),
                name: id.into(),
                provider: "other".into(),
                kind: "other".into(),
                class: Class::Workload,
                attrs: Attributes::default(),
            },
            "",
        );
    }
    let (k8s, vault): (Vec<_>, Vec<_>) = inputs
        .iter()
        .partition(|f| f.path.contains("/k8s/prod-eks/"));
    K8sConnector.ingest_all(&k8s.into_iter().copied().collect::<Vec<_>>(), &mut b);
    if with_vault {
        blastgraph_connector_vault::VaultConnector
            .ingest_all(&vault.into_iter().copied().collect::<Vec<_>>(), &mut b);
    }
    b.finish()
}

fn cluster() -> Estate {
    ingest(&read("tests/fixtures"), false)
}

fn sa(ns: &str, name: &str) -> String {
    ids::k8s_service_account(ISSUER, ns, name)
}

fn secret(ns: &str, name: &str) -> String {
    ids::k8s_object(ISSUER, ns, "secrets", name)
}

fn between(e: &Estate, from: &str, to: &str, kind: EdgeKind) -> Vec<Edge> {
    e.edges
        .to_vec()
        .into_iter()
        .filter(|x| x.from == from && x.to == to && x.kind == kind)
        .collect()
}

fn firm(e: &Estate, from: &str, to: &str, kind: EdgeKind) -> bool {
    between(e, from, to, kind).iter().any(|x| !x.conditional)
}

#[test]
fn every_file_is_detected_and_others_are_not() {
    for (path, bytes) in read("tests/fixtures") {
        assert!(K8sConnector.detect(&path, &bytes), "{path}");
    }
    let list = br#"{"apiVersion":"v1","kind":"List","items":[]}"#;
    assert!(
        !K8sConnector.detect("exports/rbac.json", list),
        "outside k8s/CLUSTER/"
    );
    assert!(!K8sConnector.detect("k8s/prod/notes.json", br#"{"a":1}"#));
}

#[test]
fn a_role_binding_reads_its_namespace_secrets_only() {
    let e = cluster();
    let trainer = sa("ml", "trainer");
    assert!(firm(
        &e,
        &trainer,
        &secret("ml", "openai-sp"),
        EdgeKind::CanReadSecret
    ));
    let x = &between(
        &e,
        &trainer,
        &secret("ml", "openai-sp"),
        EdgeKind::CanReadSecret,
    )[0];
    assert!(
        x.provenance
            .reason
            .contains("RoleBinding trainer-reads-secrets binds Role secret-reader"),
        "{}",
        x.provenance.reason
    );
    assert!(x.provenance.source.ends_with("k8s/prod-eks/rbac.json"));
    // Not another namespace's; not the namespace's default account.
    assert!(!firm(
        &e,
        &trainer,
        &secret("web", "session-key"),
        EdgeKind::CanReadSecret
    ));
    assert!(
        between(
            &e,
            &sa("ml", "default"),
            &secret("ml", "openai-sp"),
            EdgeKind::CanReadSecret
        )
        .is_empty()
    );
    // resourceNames: dana reads the one secret named.
    let dana = ids::k8s_subject(ISSUER, "users", "dana@acme.ai");
    assert!(firm(
        &e,
        &dana,
        &secret("web", "session-key"),
        EdgeKind::CanReadSecret
    ));
    // The secrets say whose credential they hold.
    assert!(firm(
        &e,
        &secret("ml", "openai-sp"),
        ENTRA_SP,
        EdgeKind::HoldsCredential
    ));
    assert!(firm(
        &e,
        &secret("ml", "trainer-token"),
        &trainer,
        EdgeKind::HoldsCredential
    ));
}

#[test]
fn creating_pods_runs_as_any_account_of_the_namespace() {
    let e = cluster();
    // system:serviceaccounts:ci may create pods in ml: builder runs as trainer.
    let builder = sa("ci", "builder");
    let group = ids::k8s_subject(ISSUER, "groups", "system:serviceaccounts:ci");
    assert!(firm(&e, &builder, &group, EdgeKind::MemberOf));
    assert!(firm(&e, &group, &sa("ml", "trainer"), EdgeKind::CanActAs));
    // Not ml's accounts as members; not web's accounts as targets.
    assert!(between(&e, &sa("ml", "trainer"), &group, EdgeKind::MemberOf).is_empty());
    assert!(between(&e, &group, &sa("web", "frontend"), EdgeKind::CanActAs).is_empty());
    // A token request for one named account.
    let erin = ids::k8s_subject(ISSUER, "users", "erin@acme.ai");
    assert!(firm(&e, &erin, &sa("web", "frontend"), EdgeKind::CanActAs));
    // pods/exec: which pods run is not in the inputs.
    let oncall = ids::k8s_subject(ISSUER, "groups", "oncall");
    let exec = between(&e, &oncall, &sa("ml", "trainer"), EdgeKind::CanActAs);
    assert_eq!(exec.len(), 1);
    assert!(
        exec[0].conditional
            && exec[0]
                .condition
                .as_deref()
                .unwrap_or("")
                .contains("which pods run")
    );
}

#[test]
fn cluster_admins_control_the_cluster_and_pod_identity_reaches_aws() {
    let e = cluster();
    let admin = ids::k8s_cluster_admin(ISSUER);
    let alice = ids::k8s_subject(ISSUER, "users", "alice@acme.ai");
    assert!(firm(&e, &alice, &admin, EdgeKind::CanEscalate));
    assert!(firm(
        &e,
        &admin,
        &secret("web", "session-key"),
        EdgeKind::CanReadSecret
    ));
    assert!(firm(&e, &admin, &sa("ml", "trainer"), EdgeKind::CanActAs));
    assert!(between(&e, &sa("ci", "builder"), &admin, EdgeKind::CanEscalate).is_empty());
    assert!(firm(
        &e,
        &sa("web", "frontend"),
        FRONTEND_ROLE,
        EdgeKind::CanAssume
    ));
    assert!(between(&e, &sa("ml", "trainer"), FRONTEND_ROLE, EdgeKind::CanAssume).is_empty());
}

#[test]
fn values_are_never_kept_and_gaps_are_said() {
    let e = cluster();
    let all = format!("{e:?}");
    assert!(
        !all.contains("Z2hwX1NFRURFREs4U1ZB") && !all.contains("SEEDEDK8S"),
        "a secret value reached the estate"
    );
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.file.ends_with("secrets-with-values.json")
                && d.message.contains("never reads them"))
    );
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.code == Code::UnresolvedReference && d.message.contains("Role ghost"))
    );
    // Without the issuer, the accounts are named under the cluster and said so.
    let files: Vec<_> = read("tests/fixtures")
        .into_iter()
        .filter(|(p, _)| !p.ends_with("openid-configuration.json"))
        .collect();
    let e = ingest(&files, false);
    assert!(e.diagnostics.iter().any(
        |d| d.code == Code::NotCollected && d.message.contains("no openid-configuration.json")
    ));
    assert!(
        e.nodes
            .iter()
            .any(|n| n.id == ids::k8s_service_account("k8s-cluster/prod-eks", "ml", "trainer"))
    );
}

#[test]
fn bad_records_are_reported_and_the_rest_kept() {
    let mut files = read("tests/fixtures");
    let root = files[0]
        .0
        .split("/k8s/prod-eks/")
        .next()
        .expect("root")
        .to_string();
    files.push((
        format!("{root}/k8s/prod-eks/broken.json"),
        br#"{"apiVersion":"v1","kind":"List","items":[{"kind":"RoleBinding","metadata":{"name":"x","namespace":"ml"},"roleRef":{"kind":"Role","name":"secret-reader"},"subjects":[{"kind":"Robot","name":"r"}]},{"kind":"ServiceAccount","metadata":{"namespace":"ml"}},7]}"#.to_vec(),
    ));
    let e = ingest(&files, false);
    let broken: Vec<String> = e
        .diagnostics
        .iter()
        .filter(|d| d.file.ends_with("broken.json"))
        .map(|d| format!("{} {}", d.location, d.message))
        .collect();
    assert_eq!(broken.len(), 3, "{broken:?}");
    assert!(
        broken[0].contains("$.items[0].subjects[0].kind") && broken[0].contains("Robot"),
        "{broken:?}"
    );
    assert!(broken[1].contains("$.items[1].metadata.name"), "{broken:?}");
    assert!(firm(
        &e,
        &sa("ml", "trainer"),
        &secret("ml", "openai-sp"),
        EdgeKind::CanReadSecret
    ));
}

#[test]
fn a_ci_account_reaches_a_vault_secret_through_the_account_it_runs_as() {
    // The Vault fixture's Kubernetes auth trusts ml/trainer under this
    // cluster's issuer: one node, whoever names it.
    let mut files = read("tests/fixtures");
    files.extend(read("../vault/tests/fixtures/acme"));
    let e = ingest(&files, true);
    let trainer = sa("ml", "trainer");
    let vault_role = "vault:acme-vault/auth/kubernetes/role/trainer";
    assert!(firm(&e, &trainer, vault_role, EdgeKind::AuthenticatesAs));
    let group = ids::k8s_subject(ISSUER, "groups", "system:serviceaccounts:ci");
    assert!(firm(&e, &group, &trainer, EdgeKind::CanActAs));
    assert_eq!(e.nodes.iter().filter(|n| n.id == trainer).count(), 1);
}

#[test]
fn binding_oneself_a_namespace_admin_reaches_the_namespace() {
    let e = cluster();
    // gina may create role bindings and bind `admin`: web's secrets and accounts.
    let gina = ids::k8s_subject(ISSUER, "users", "gina@acme.ai");
    assert!(firm(
        &e,
        &gina,
        &secret("web", "session-key"),
        EdgeKind::CanReadSecret
    ));
    assert!(firm(&e, &gina, &sa("web", "frontend"), EdgeKind::CanActAs));
    // Not another namespace's.
    assert!(
        between(
            &e,
            &gina,
            &secret("ml", "openai-sp"),
            EdgeKind::CanReadSecret
        )
        .is_empty()
    );
    // Creating bindings without `bind` on a role that can do it grants nothing.
    let hal = ids::k8s_subject(ISSUER, "users", "hal@acme.ai");
    assert!(
        between(
            &e,
            &hal,
            &secret("web", "session-key"),
            EdgeKind::CanReadSecret
        )
        .is_empty()
    );
}
