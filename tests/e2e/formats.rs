//! Other tools' formats, merged with ours.

use crate::{json, names, ok};

#[test]
fn an_opengraph_document_and_a_native_file_form_one_graph() {
    let out = ok(&[
        "blast",
        "-q",
        "-i",
        "fixtures/opengraph-merge",
        "-c",
        "role/etl",
        "--format",
        "json",
    ]);
    let v = json(&out);
    // AWS role → secret → Azure client secret → SP (from BloodHound) → owner of the subscription.
    assert_eq!(v["scopes"][0]["name"], "sub-ml");
    let storage = v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "featurestore")
        .unwrap();
    assert_eq!(storage["access"], "admin");
    let kinds: Vec<&str> = storage["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "can_read_secret",
            "holds_credential",
            "authenticates_as",
            "can_escalate",
            "contains"
        ]
    );
    insta::assert_snapshot!(
        "opengraph_merge",
        ok(&[
            "blast",
            "-q",
            "-i",
            "fixtures/opengraph-merge",
            "-c",
            "role/etl"
        ])
    );
}

#[test]
fn aws_authorization_details_answer_who_can_become_account_admin() {
    let f = "../connectors/aws/tests/fixtures/account-111122223333.json";
    let out = ok(&[
        "who-can",
        "-q",
        "-i",
        f,
        "--reach",
        "111122223333 admin",
        "--format",
        "json",
    ]);
    let v = json(&out);
    let names: Vec<&str> = names(&v, "identities");
    // mallory (explicit deny) and bounded (permission boundary) are the negative twins.
    assert_eq!(
        names,
        ["break-glass", "policy-editor", "deploy", "ops", "alice"]
    );
    let alice = &v["identities"][4];
    let kinds: Vec<&str> = alice["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["can_assume", "can_assume", "can_escalate"]);
    assert_eq!(
        alice["conditional"], true,
        "break-glass trusts only MFA sessions"
    );
    assert!(
        alice["path"][0]["location"]
            .as_str()
            .unwrap()
            .starts_with("$.RoleDetailList[")
    );
}

/// A mapping file (a native file of `holds_credential` edges) says whose
/// credential a secret holds, between raw inputs of any provider: build-vm's
/// identity reads kv-ml's db-password, which the map says holds hr-sync's
/// client secret, and hr-sync controls the tenant.
#[test]
fn a_mapping_file_says_whose_credential_a_secret_holds() {
    let contoso = "scenarios/azure-tenant/inputs";
    let build_vm = "entra:a00001f5-0000-4000-8000-0000000001f5";
    let scopes = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["blast", "-q", "-i", contoso];
        for x in extra {
            args.extend(["-i", x]);
        }
        args.extend(["-c", build_vm, "--format", "json"]);
        json(&ok(&args))["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    };
    let mapped = scopes(&["fixtures/credential-map/map.json"]);
    assert!(
        mapped.iter().any(|s| s == "tenant admin of Contoso"),
        "{mapped:?}"
    );
    // Without the map the secret leads nowhere.
    let alone = scopes(&[]);
    assert!(
        !alone.iter().any(|s| s == "tenant admin of Contoso"),
        "{alone:?}"
    );
}

#[test]
fn inspected_values_link_secrets_and_no_value_reaches_any_output() {
    // A Vault KV read, a Kubernetes secret with its `data`, an AWS Secrets
    // Manager `get-secret-value` and a Key Vault secret's value, beside the
    // demo's AWS and Azure raw files. Values carry seeded strings.
    let inputs = [
        "-i",
        "../crates/cli/demo/aws",
        "-i",
        "../crates/cli/demo/azure",
        "-i",
        "fixtures/inspect",
    ];
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    let snap_s = snap.to_string_lossy().into_owned();
    let mut args = vec!["build", "--inspect-secret-values"];
    args.extend(inputs);
    args.extend(["-o", &snap_s]);
    let (code, out, err) = crate::run(&args);
    assert_eq!(code, 0, "{err}");
    let mut texts = vec![out, err];
    for f in blastgraph_gen::files_under(&snap) {
        texts.push(String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned());
    }
    // The links, with the flag.
    let trace = |from: &str, to: &str, flag: bool| {
        let mut a = vec!["trace", "-q", "--format", "json"];
        if flag {
            a.push("--inspect-secret-values");
        }
        a.extend(inputs);
        a.extend(["--from", from, "--to", to]);
        crate::run(&a)
    };
    let vault = "vault:inspect-vault/secret/ci/deploy-creds";
    let k8s = "k8s:oidc.eks.us-east-1.amazonaws.com/id/INSPECT0001/namespaces/ml/secrets/azure-sp";
    let aws = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/legacy-etl-key";
    let kv = "arm:/subscriptions/5f1c0a52-7e3d-4c1b-9a2e-3d4c5b6a7f80/resourcegroups/ml/providers/microsoft.keyvault/vaults/acme-ml-kv/secrets/hf-token";
    for (from, to) in [
        (vault, "AKIAEXAMPLELEGACY01"),
        (k8s, "ml-ops-automation"),
        (aws, "AKIAEXAMPLELEGACY01"),
        (kv, "mail-summarizer"),
    ] {
        let (code, out, err) = trace(from, to, true);
        assert_eq!(code, 0, "{err}");
        let v = crate::json(&out);
        let hop = &v["chains"][0]["path"][0];
        assert_eq!(hop["kind"], "holds_credential", "{out}");
        assert!(
            hop["reason"]
                .as_str()
                .unwrap()
                .starts_with("value inspection"),
            "{out}"
        );
        texts.push(out);
        texts.push(err);
        // Without the flag: no link, and the value file is refused unread.
        let (_, out, err) = trace(from, to, false);
        assert!(
            crate::json(&out)["chains"]
                .as_array()
                .is_none_or(Vec::is_empty),
            "{out}"
        );
        texts.push(out);
        texts.push(err);
    }
    for t in &texts {
        assert!(
            !t.contains("SEEDINSPECT"),
            "a secret value reached an output"
        );
        assert!(
            !t.contains("U0VFRElOU1BFQ1Q"),
            "an encoded value reached an output"
        );
    }
}

/// `--format mermaid` and `--format dot` draw an answer's paths: every hop
/// once, between declared nodes, conditional ones dashed. Graphviz renders
/// the DOT (`.ci/run` installs it); a query without paths says so.
#[test]
fn paths_are_drawn_as_mermaid_and_dot() {
    let trace = |format: &str| {
        ok(&[
            "trace",
            "-q",
            "--from",
            "AKIAEXAMPLELEGACY01",
            "--to",
            "acme-customer-pii",
            "-k",
            "2",
            "--format",
            format,
        ])
    };
    let m = trace("mermaid");
    assert!(m.starts_with("flowchart LR\n"), "{m}");
    let declared: Vec<&str> = m
        .lines()
        .filter_map(|l| l.trim().split_once("[\"").map(|(n, _)| n))
        .collect();
    let hops: Vec<(&str, &str)> = m
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let (from, rest) = l.split_once(" -->|").or_else(|| l.split_once(" -.->|"))?;
            Some((from, rest.rsplit_once("| ")?.1))
        })
        .collect();
    assert!(hops.len() >= 4, "{m}");
    for (from, to) in &hops {
        assert!(
            declared.contains(from) && declared.contains(to),
            "{from} -> {to} in {m}"
        );
    }
    assert!(
        m.contains("AKIAEXAMPLELEGACY01") && m.contains("class n0 credential"),
        "{m}"
    );
    let dot = trace("dot");
    assert!(dot.starts_with("digraph blastgraph {"), "{dot}");
    // Graphviz reads it.
    let svg = render_dot(&dot);
    assert!(
        svg.contains("<svg") && svg.contains("acme&#45;customer&#45;pii"),
        "{svg}"
    );
    // blast and who-can draw theirs; --limit caps the paths and says so.
    let blast = ok(&[
        "blast",
        "-q",
        "-c",
        "support-agent",
        "--format",
        "dot",
        "--limit",
        "2",
    ]);
    assert!(blast.contains("more paths left out (--limit)"), "{blast}");
    assert!(render_dot(&blast).contains("<svg"));
    let who = ok(&[
        "who-can",
        "-q",
        "--reach",
        "acme-customer-pii",
        "--format",
        "mermaid",
    ]);
    assert!(
        who.starts_with("flowchart LR\n") && who.contains("acme-customer-pii"),
        "{who}"
    );
    // Answers without paths refuse.
    let (code, _, err) = crate::run(&["rank", "-q", "--format", "mermaid"]);
    assert_eq!(code, 2);
    assert!(err.contains("blast, who-can and trace"), "{err}");
}

/// `dot -Tsvg` of a DOT graph; fails the test when Graphviz is missing or
/// refuses the graph.
fn render_dot(dot: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("Graphviz `dot` is needed (apt-get install graphviz; .ci/run installs it): {e}")
        });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "dot refused the graph: {}\n{dot}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `export --to graphml` writes the whole graph as GraphML that an XML
/// parser reads back: as many nodes and edges as the CSV tables, every
/// edge between declared nodes, every value under a declared key; hostile
/// names stay text (escaped, control characters shown).
#[test]
fn the_graphml_export_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g");
    let o = out.to_str().unwrap();
    ok(&["export", "-q", "--to", "graphml", "-o", o]);
    let csv = dir.path().join("csv");
    ok(&["export", "-q", "--to", "csv", "-o", csv.to_str().unwrap()]);
    let rows = |f: &str| {
        std::fs::read_to_string(csv.join(f))
            .unwrap()
            .lines()
            .count()
            - 1
    };
    let g = read_graphml(&out.join("graph.graphml"));
    assert_eq!(g.nodes.len(), rows("nodes.csv"));
    assert_eq!(g.edges.len(), rows("edges.csv"));
    for (s, t) in &g.edges {
        assert!(g.nodes.contains(s) && g.nodes.contains(t), "{s} -> {t}");
    }
    assert!(g.undeclared.is_empty(), "{:?}", g.undeclared);
    // Hostile names: parsed back as the text they were, escapes shown.
    let hostile = crate::inputs_outputs::hostile_estate(dir.path());
    let out2 = dir.path().join("h");
    ok(&[
        "export",
        "-q",
        "-i",
        hostile.to_str().unwrap(),
        "--to",
        "graphml",
        "-o",
        out2.to_str().unwrap(),
    ]);
    let h = read_graphml(&out2.join("graph.graphml"));
    assert!(
        h.texts
            .iter()
            .any(|t| t.starts_with("=HYPERLINK(\"http://x\")\\u{1b}[31mred\nfake line")),
        "{:?}",
        h.texts
    );
    // And the diagrams of the hostile estate hold no control character.
    for format in ["mermaid", "dot"] {
        let d = ok(&[
            "blast",
            "-q",
            "-i",
            hostile.to_str().unwrap(),
            "-c",
            "role/evil",
            "--format",
            format,
        ]);
        assert!(!d.contains('\u{1b}') && !d.contains('\u{202e}'), "{d}");
        if format == "dot" {
            assert!(render_dot(&d).contains("<svg"));
        }
    }
}

/// What a GraphML file holds, read with an XML parser.
struct GraphMl {
    nodes: std::collections::BTreeSet<String>,
    edges: Vec<(String, String)>,
    texts: Vec<String>,
    undeclared: Vec<String>,
}

fn read_graphml(path: &std::path::Path) -> GraphMl {
    use quick_xml::events::Event;
    let text = std::fs::read_to_string(path).unwrap();
    let mut r = quick_xml::Reader::from_str(&text);
    let mut g = GraphMl {
        nodes: Default::default(),
        edges: Vec::new(),
        texts: Vec::new(),
        undeclared: Vec::new(),
    };
    let mut keys = std::collections::BTreeSet::new();
    let attr = |e: &quick_xml::events::BytesStart<'_>, name: &str| {
        e.attributes()
            .map(Result::unwrap)
            .find(|a| a.key.as_ref() == name.as_bytes())
            .map(|a| a.unescape_value().unwrap().into_owned())
    };
    // Character data comes in pieces: text, and each entity reference.
    let mut piece = String::new();
    loop {
        match r.read_event().unwrap() {
            Event::Eof => break,
            Event::End(_) if !piece.is_empty() => g.texts.push(std::mem::take(&mut piece)),
            Event::GeneralRef(e) => {
                let name = e.decode().unwrap();
                piece.push_str(match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity &{other};"),
                });
            }
            Event::Start(e) | Event::Empty(e) => {
                piece.clear();
                match e.name().as_ref() {
                    b"key" => {
                        keys.insert(attr(&e, "id").unwrap());
                    }
                    b"node" => {
                        g.nodes.insert(attr(&e, "id").unwrap());
                    }
                    b"edge" => g
                        .edges
                        .push((attr(&e, "source").unwrap(), attr(&e, "target").unwrap())),
                    b"data" => {
                        let k = attr(&e, "key").unwrap();
                        if !keys.contains(&k) {
                            g.undeclared.push(k);
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) => piece.push_str(&t.decode().unwrap()),
            _ => {}
        }
    }
    g
}
