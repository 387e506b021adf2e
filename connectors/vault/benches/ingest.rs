//! Vault ingest benchmark: `cargo bench -p blastgraph-connector-vault --bench ingest`.
//!
//! Generates the Vault raw layout (docs/vault-raw-layout.md) of a server of
//! the shape large platform teams run, and times ingest with every login's
//! ACL asked for every request; prints its figures. At the default size
//! (`VAULT_BENCH_TEAMS`, 500 teams):
//!
//! - 100,000 KV v2 secrets: per team 20 applications of 10 secrets
//!   (`secret/team-T/app-A/S`), a tenth of them in a `prod/` folder;
//! - per team four policies: read the team's secrets, write them, deny
//!   its `prod/` folder, and a templated per-user folder
//!   (`{{identity.entity.name}}`); plus platform-wide policies: read every
//!   secret, rewrite every policy (escalation), mint every AppRole secret id;
//! - per team 4 AppRole roles, 4 GitHub Actions JWT roles (bound by
//!   repository and ref), 2 Kubernetes roles and 1 AWS auth role, with the
//!   team's policies (most sharing a policy set, some with the templated
//!   one): 5,500 logins;
//! - 300 platform logins that read every secret (each with its own policy
//!   set: the worst case for sharing), 100 that can rewrite policies,
//!   50 that mint AppRole secret ids;
//! - 2,000 userpass users with entities, in 500 groups (nested, with
//!   policies); an AWS engine role and a database role per team.
//!
//! `VAULT_BENCH_WRITE=DIR` also writes the folder to DIR;
//! `VAULT_BENCH_DIGEST=1` adds a digest of the nodes and edges.

use std::time::Instant;

use blastgraph_connector_vault::VaultConnector;
use blastgraph_gen::bench;
use blastgraph_model::EdgeKind;
use serde_json::{Value, json};

struct Out(Vec<(String, Vec<u8>)>);

impl Out {
    fn get(&mut self, api: &str, data: Value) {
        let body = json!({"request_id": "b", "lease_id": "", "renewable": false,
                          "lease_duration": 0, "data": data, "wrap_info": null,
                          "warnings": null, "auth": null});
        self.0.push((
            format!("vault/{api}.json"),
            serde_json::to_vec(&body).unwrap_or_default(),
        ));
    }
    fn list(&mut self, api: &str, keys: Vec<String>) {
        self.get(&format!("{api}/LIST"), json!({ "keys": keys }));
    }
    fn policy(&mut self, name: &str, text: String) {
        self.get(
            &format!("sys/policies/acl/{name}"),
            json!({"name": name, "policy": text}),
        );
    }
}

fn path_block(pattern: &str, caps: &str) -> String {
    format!("path \"{pattern}\" {{\n  capabilities = [{caps}]\n}}\n\n")
}

fn server(teams: usize) -> Vec<(String, Vec<u8>)> {
    let mut o = Out(Vec::new());
    o.0.push((
        "vault/sys/health.json".into(),
        br#"{"initialized":true,"sealed":false,"cluster_name":"bench-vault"}"#.to_vec(),
    ));
    let mount = |kind: &str, acc: &str, opts: Value| json!({"type": kind, "accessor": acc, "options": opts});
    o.get(
        "sys/mounts",
        json!({"secret/": mount("kv", "kv_1", json!({"version": "2"})),
               "aws/": mount("aws", "aws_1", Value::Null),
               "database/": mount("database", "db_1", Value::Null)}),
    );
    o.get(
        "sys/auth",
        json!({"approle/": mount("approle", "auth_approle_1", Value::Null),
               "jwt/": mount("jwt", "auth_jwt_1", Value::Null),
               "kubernetes/": mount("kubernetes", "auth_kubernetes_1", Value::Null),
               "aws/": mount("aws", "auth_aws_1", Value::Null),
               "userpass/": mount("userpass", "auth_userpass_1", Value::Null)}),
    );
    o.get(
        "auth/jwt/config",
        json!({"bound_issuer": "https://token.actions.githubusercontent.com"}),
    );
    o.get(
        "auth/kubernetes/config",
        json!({"issuer": "https://oidc.eks.us-east-1.amazonaws.com/id/BENCH"}),
    );
    o.policy(
        "default",
        path_block("auth/token/lookup-self", "\"read\"")
            + &path_block(
                "cubbyhole/*",
                "\"create\", \"read\", \"update\", \"delete\", \"list\"",
            )
            + &path_block("identity/entity/id/{{identity.entity.id}}", "\"read\""),
    );
    o.policy(
        "platform-read",
        path_block("secret/data/*", "\"read\", \"list\""),
    );
    o.policy(
        "policy-admin",
        path_block(
            "sys/policies/acl/*",
            "\"create\", \"read\", \"update\", \"list\"",
        ),
    );
    o.policy(
        "approle-minter",
        path_block("auth/approle/role/+/secret-id", "\"update\"")
            + &path_block("auth/approle/role/+/role-id", "\"read\""),
    );
    let mut approles = Vec::new();
    let mut jwt = Vec::new();
    let mut k8s = Vec::new();
    let mut awsauth = Vec::new();
    let mut aws_roles = Vec::new();
    let mut db_roles = Vec::new();
    let mut top = Vec::new();
    for t in 0..teams {
        let team = format!("team-{t}");
        top.push(format!("{team}/"));
        o.policy(
            &format!("{team}-read"),
            path_block(&format!("secret/data/{team}/*"), "\"read\"")
                + &path_block(&format!("secret/metadata/{team}/*"), "\"list\"")
                + &path_block(&format!("aws/creds/{team}"), "\"read\"")
                + &path_block(&format!("database/creds/{team}-ro"), "\"read\""),
        );
        o.policy(
            &format!("{team}-write"),
            path_block(
                &format!("secret/data/{team}/*"),
                "\"create\", \"update\", \"read\"",
            ),
        );
        o.policy(
            &format!("{team}-deny-prod"),
            path_block(&format!("secret/data/{team}/+/prod/*"), "\"deny\""),
        );
        o.policy(
            &format!("{team}-users"),
            path_block(
                &format!("secret/data/{team}/users/{{{{identity.entity.name}}}}/*"),
                "\"read\", \"update\"",
            ),
        );
        let mut apps = Vec::new();
        for a in 0..20 {
            apps.push(format!("app-{a}/"));
            let mut keys: Vec<String> = (0..9).map(|s| format!("s{s}")).collect();
            keys.push("prod/".into());
            o.list(&format!("secret/metadata/{team}/app-{a}"), keys);
            o.list(
                &format!("secret/metadata/{team}/app-{a}/prod"),
                vec!["db".into()],
            );
        }
        o.list(&format!("secret/metadata/{team}"), apps);
        let token =
            |policies: Vec<String>| json!({"token_policies": policies, "token_bound_cidrs": []});
        for r in 0..4 {
            let name = format!("{team}-etl-{r}");
            let mut d = token(vec![format!("{team}-read")]);
            d["bind_secret_id"] = json!(true);
            o.get(&format!("auth/approle/role/{name}"), d);
            approles.push(name);
            let name = format!("{team}-deploy-{r}");
            let mut d = token(if r == 0 {
                vec![
                    format!("{team}-read"),
                    format!("{team}-write"),
                    format!("{team}-deny-prod"),
                ]
            } else {
                vec![format!("{team}-read"), format!("{team}-deny-prod")]
            });
            d["role_type"] = json!("jwt");
            d["user_claim"] = json!("actor");
            d["bound_claims"] =
                json!({"repository": format!("acme/{team}-app-{r}"), "ref": "refs/heads/main"});
            o.get(&format!("auth/jwt/role/{name}"), d);
            jwt.push(name);
        }
        for r in 0..2 {
            let name = format!("{team}-svc-{r}");
            let mut d = token(vec![format!("{team}-read"), format!("{team}-users")]);
            d["bound_service_account_names"] = json!([format!("svc-{r}")]);
            d["bound_service_account_namespaces"] = json!([team.clone()]);
            d["alias_name_source"] = json!("serviceaccount_name");
            o.get(&format!("auth/kubernetes/role/{name}"), d);
            k8s.push(name);
        }
        let name = format!("{team}-batch");
        let mut d = token(vec![format!("{team}-read")]);
        d["auth_type"] = json!("iam");
        d["bound_iam_principal_arn"] =
            json!([format!("arn:aws:iam::111122223333:role/{team}-batch")]);
        o.get(&format!("auth/aws/role/{name}"), d);
        awsauth.push(name);
        o.get(
            &format!("aws/roles/{team}"),
            json!({"credential_type": "assumed_role", "role_arns": [format!("arn:aws:iam::111122223333:role/{team}-deployer")]}),
        );
        aws_roles.push(team.clone());
        o.get(
            &format!("database/roles/{team}-ro"),
            json!({"db_name": "warehouse", "creation_statements": ["CREATE ROLE \"{{name}}\"; GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{{name}}\";"]}),
        );
        db_roles.push(format!("{team}-ro"));
    }
    o.list("secret/metadata", top);
    // Platform logins: wide read with a policy set of their own each.
    for p in 0..300 {
        let name = format!("platform-{p}");
        o.get(
            &format!("auth/approle/role/{name}"),
            json!({"token_policies": ["platform-read", format!("team-{}-write", p % teams)], "bind_secret_id": true}),
        );
        approles.push(name);
    }
    for p in 0..100 {
        let name = format!("policy-bot-{p}");
        o.get(
            &format!("auth/jwt/role/{name}"),
            json!({"token_policies": ["policy-admin"], "role_type": "jwt", "user_claim": "sub",
                   "bound_subject": format!("repo:acme/vault-config:environment:admin-{p}")}),
        );
        jwt.push(name);
    }
    for p in 0..50 {
        let name = format!("minter-{p}");
        o.get(
            &format!("auth/kubernetes/role/{name}"),
            json!({"token_policies": ["approle-minter"], "bound_service_account_names": [format!("minter-{p}")],
                   "bound_service_account_namespaces": ["vault-ops"]}),
        );
        k8s.push(name);
    }
    o.list("auth/approle/role", approles);
    o.list("auth/jwt/role", jwt);
    o.list("auth/kubernetes/role", k8s);
    o.list("auth/aws/role", awsauth);
    o.list("aws/roles", aws_roles);
    o.list("database/roles", db_roles.clone());
    o.get(
        "database/config/warehouse",
        json!({"plugin_name": "postgresql-database-plugin", "allowed_roles": ["*"]}),
    );
    // Users, entities and nested groups.
    let users = 4 * teams;
    let mut groups: Vec<(Vec<String>, Vec<String>)> = vec![(Vec::new(), Vec::new()); teams];
    for u in 0..users {
        let name = format!("user-{u}");
        o.get(
            &format!("auth/userpass/users/{name}"),
            json!({"token_policies": []}),
        );
        let id = format!("e-{u}");
        o.get(
            &format!("identity/entity/id/{id}"),
            json!({"id": id, "name": name, "policies": [],
                   "aliases": [{"mount_accessor": "auth_userpass_1", "name": name}]}),
        );
        groups[u % teams].0.push(id);
    }
    for (g, (members, _)) in groups.iter().enumerate() {
        let mut sub = Vec::new();
        if g % 10 == 0 && g + 1 < teams {
            sub.push(format!("g-{}", g + 1));
        }
        o.get(
            &format!("identity/group/id/g-{g}"),
            json!({"id": format!("g-{g}"), "name": format!("team-{g}-people"),
                   "policies": [format!("team-{g}-read"), format!("team-{g}-users")],
                   "member_entity_ids": members, "member_group_ids": sub}),
        );
    }
    o.0
}

fn main() {
    let teams: usize = std::env::var("VAULT_BENCH_TEAMS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    let t = Instant::now();
    let files = server(teams);
    bench::announce(
        &files,
        t.elapsed(),
        "VAULT_BENCH_WRITE",
        &format!("vault-{teams}"),
    );
    let (e, s) = bench::ingest(&VaultConnector, &files);
    let count = |k: EdgeKind| bench::count(&e, k);
    let errors = bench::first_errors(&e, 3);
    let digest = blastgraph_gen::bench::digest_if("VAULT_BENCH_DIGEST", &e);
    println!(
        "vault teams={teams} ingest_s={s:.2} nodes={} edges={} can_read_secret={} access={} can_act_as={} can_escalate={} member_of={} authenticates_as={} diagnostics={} process_peak_rss_mib={}{digest}",
        e.nodes.len(),
        e.edges.len(),
        count(EdgeKind::CanReadSecret),
        count(EdgeKind::Access),
        count(EdgeKind::CanActAs),
        count(EdgeKind::CanEscalate),
        count(EdgeKind::MemberOf),
        count(EdgeKind::AuthenticatesAs),
        e.diagnostics.len(),
        blastgraph_gen::bench::peak_rss_mib(),
    );
    for err in errors {
        println!("  error: {err}");
    }
}
