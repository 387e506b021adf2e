//! The Acme GitHub fixture (tests/fixtures/make.py writes it): who can run
//! a workflow as which Actions subject, with its negative twins, and the
//! workflow meeting the Vault fixture's JWT role.

use std::path::Path;

use blastgraph_connector_github::GithubConnector;
use blastgraph_model::{
    AccessLevel, Code, Connector, Edge, EdgeKind, Estate, EstateBuilder, InputFile, ids,
};

fn read(dir: &str) -> Vec<(String, Vec<u8>)> {
    blastgraph_gen::json_files_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
}

fn ingest(files: &[(String, Vec<u8>)]) -> Estate {
    let inputs = blastgraph_gen::bench::inputs(files);
    let (gh, vault): (Vec<InputFile<'_>>, Vec<InputFile<'_>>) = inputs
        .iter()
        .partition(|f| f.path.contains("/acme/github/"));
    let mut b = EstateBuilder::new();
    GithubConnector.ingest_all(&gh, &mut b);
    if !vault.is_empty() {
        blastgraph_connector_vault::VaultConnector.ingest_all(&vault, &mut b);
    }
    b.link_patterns();
    b.finish()
}

fn acme() -> Estate {
    ingest(&read("tests/fixtures/acme"))
}

fn between(e: &Estate, from: &str, to: &str, kind: EdgeKind) -> Vec<Edge> {
    e.edges
        .to_vec()
        .into_iter()
        .filter(|x| x.from == from && x.to == to && x.kind == kind)
        .collect()
}

fn sub(s: &str) -> String {
    ids::github_actions_subject(s)
}

fn user(login: &str) -> String {
    format!("github:user/{login}")
}

#[test]
fn every_file_is_detected() {
    for (path, bytes) in read("tests/fixtures/acme") {
        assert!(GithubConnector.detect(&path, &bytes), "{path}");
    }
    assert!(!GithubConnector.detect("exports/orgs/acme/repos.json", b"[]"));
    assert!(!GithubConnector.detect("github/orgs/acme/members.json", b"[]"));
}

#[test]
fn a_writer_runs_as_unprotected_branches_firmly_and_protected_ones_conditionally() {
    let e = acme();
    let carol = user("carol");
    let dev = between(
        &e,
        &carol,
        &sub("repo:acme/infra:ref:refs/heads/dev"),
        EdgeKind::CanActAs,
    );
    assert_eq!(dev.len(), 1);
    assert!(!dev[0].conditional);
    assert!(
        dev[0]
            .provenance
            .source
            .ends_with("repos/acme/infra/collaborators.json")
    );
    let main = between(
        &e,
        &carol,
        &sub("repo:acme/infra:ref:refs/heads/main"),
        EdgeKind::CanActAs,
    );
    assert!(
        main[0].conditional
            && main[0]
                .condition
                .as_deref()
                .unwrap_or("")
                .contains("branch main is protected")
    );
    let prod = between(
        &e,
        &carol,
        &sub("repo:acme/infra:environment:prod"),
        EdgeKind::CanActAs,
    );
    assert!(
        prod[0].conditional
            && prod[0]
                .condition
                .as_deref()
                .unwrap_or("")
                .contains("required reviewer")
    );
    assert!(
        !between(
            &e,
            &carol,
            &sub("repo:acme/infra:pull_request"),
            EdgeKind::CanActAs
        )[0]
        .conditional
    );
    // An admin lifts protections; a reader runs nothing.
    let erin = user("erin");
    assert!(
        !between(
            &e,
            &erin,
            &sub("repo:acme/infra:ref:refs/heads/main"),
            EdgeKind::CanActAs
        )[0]
        .conditional
    );
    assert!(
        !between(
            &e,
            &erin,
            &sub("repo:acme/infra:environment:prod"),
            EdgeKind::CanActAs
        )[0]
        .conditional
    );
    let dan = user("dan");
    assert!(
        e.edges
            .to_vec()
            .iter()
            .all(|x| !(x.from == dan && x.kind == EdgeKind::CanActAs))
    );
    let read = between(&e, &dan, "github:repo/acme/infra", EdgeKind::Access);
    assert_eq!(read[0].access, Some(AccessLevel::Read));
}

#[test]
fn apps_and_tokens_act_through_their_permissions_and_repositories() {
    let e = acme();
    let app = ids::github_app("deploy-bot");
    assert!(
        !between(
            &e,
            &app,
            &sub("repo:acme/infra:ref:refs/heads/dev"),
            EdgeKind::CanActAs
        )[0]
        .conditional
    );
    // Selected repositories only.
    assert!(
        e.edges
            .to_vec()
            .iter()
            .all(|x| !(x.from == app && x.to.contains("acme/web")))
    );
    // A token without `workflows: write` runs only existing workflows.
    let pat = "github:pat/25381";
    let x = between(
        &e,
        pat,
        &sub("repo:acme/infra:ref:refs/heads/dev"),
        EdgeKind::CanActAs,
    );
    assert!(
        x[0].conditional
            && x[0]
                .condition
                .as_deref()
                .unwrap_or("")
                .contains("workflows: write")
    );
    // An expired token reaches nothing.
    assert!(
        e.edges
            .to_vec()
            .iter()
            .all(|x| x.from != "github:pat/25382")
    );
}

#[test]
fn a_customised_sub_template_changes_the_subjects() {
    let e = acme();
    let custom = sub("repository_owner:acme:ref:refs/heads/main");
    assert!(!between(&e, &user("erin"), &custom, EdgeKind::CanActAs).is_empty());
    // The default form of that repository is not a subject.
    assert!(
        !e.nodes
            .iter()
            .any(|n| n.id == sub("repo:acme/web:ref:refs/heads/main"))
    );
    // A claim whose value each run chooses is said, not guessed.
    let mut files = read("tests/fixtures/acme");
    for (p, b) in files.iter_mut() {
        if p.ends_with("repos/acme/web/actions/oidc/customization/sub.json") {
            *b = br#"{"use_default": false, "include_claim_keys": ["repo", "context", "job_workflow_ref"]}"#.to_vec();
        }
    }
    let e = ingest(&files);
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.code == Code::NotCollected && d.message.contains("job_workflow_ref"))
    );
}

#[test]
fn a_collaborator_reaches_a_vault_secret_through_the_workflow_it_runs() {
    let mut files = read("tests/fixtures/acme");
    files.extend(read("../vault/tests/fixtures/acme"));
    let e = ingest(&files);
    let main = sub("repo:acme/infra:ref:refs/heads/main");
    assert!(
        !between(
            &e,
            &main,
            "vault:acme-vault/auth/jwt/role/deploy",
            EdgeKind::AuthenticatesAs
        )
        .is_empty()
    );
    assert!(!between(&e, &user("erin"), &main, EdgeKind::CanActAs)[0].conditional);
    assert_eq!(e.nodes.iter().filter(|n| n.id == main).count(), 1);
}

#[test]
fn bad_records_are_reported_with_their_place_and_the_rest_kept() {
    let mut files = read("tests/fixtures/acme");
    let first = &files[0].0;
    let root =
        first[..first.find("/acme/github/").expect("layout root") + "/acme".len()].to_string();
    files.push((
        format!("{root}/github/repos/acme/infra/collaborators.json"),
        br#"[{"login": "zed", "role_name": "write"}, {"role_name": "admin"}, 7]"#.to_vec(),
    ));
    files.push((
        format!("{root}/github/repos/acme/web/branches.json"),
        br#"{"not": "a list"}"#.to_vec(),
    ));
    files.push((
        format!("{root}/github/orgs/acme/installations.json"),
        br#"{"installations": [{"app_slug": "x"}]"#.to_vec(),
    ));
    let e = ingest(&files);
    let on = |f: &str| {
        e.diagnostics
            .iter()
            .filter(|d| d.file.ends_with(f) && d.file.contains("/github/"))
            .map(|d| format!("{} {}", d.location, d.message))
            .collect::<Vec<_>>()
    };
    let c = on("repos/acme/infra/collaborators.json");
    assert!(c.iter().any(|d| d.starts_with("$[1].login")), "{c:?}");
    assert!(c.iter().any(|d| d.starts_with("$[2]")), "{c:?}");
    assert!(
        on("repos/acme/web/branches.json")
            .iter()
            .any(|d| d.contains("expected an array"))
    );
    assert!(!on("orgs/acme/installations.json").is_empty());
    // zed, from the good record of the bad file, writes to infra.
    assert!(
        !between(
            &e,
            &user("zed"),
            &sub("repo:acme/infra:ref:refs/heads/dev"),
            EdgeKind::CanActAs
        )
        .is_empty()
    );
}
