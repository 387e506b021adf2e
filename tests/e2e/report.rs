//! `report` and `serve`: the page's data read back and checked against the
//! answers of `blast` and `who-can`; the page refers to nothing outside
//! itself; `serve` answers on loopback only, read-only. What the page does
//! in a browser is checked by `tests/browser/check_report.py` (.ci/run).

use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::Value;

use crate::{json, ok, run};

/// The JSON a report page carries.
pub fn page_data(page: &str) -> Value {
    let open = r#"<script id="data" type="application/json">"#;
    let start = page.find(open).unwrap() + open.len();
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

fn report(args: &[&str]) -> (String, Value) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.html");
    let mut argv = vec!["report", "-q", "-o", path.to_str().unwrap()];
    argv.extend_from_slice(args);
    let out = ok(&argv);
    assert!(out.contains("makes no network request"), "{out}");
    let page = std::fs::read_to_string(&path).unwrap();
    let data = page_data(&page);
    (page, data)
}

/// Every row's path is a chain of the view's edges: it starts at an anchor
/// (blast) or at the row (who-can), each hop starts where the last ended,
/// and it ends at the row (blast) or the anchor (who-can).
fn check_paths(view: &Value) {
    let nodes = view["nodes"].as_array().unwrap();
    let edges = view["edges"].as_array().unwrap();
    let anchors: Vec<&str> = view["anchors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let id = |i: &Value| nodes[i.as_u64().unwrap() as usize]["id"].as_str().unwrap();
    for e in edges {
        assert!(e["from"].as_u64().unwrap() < nodes.len() as u64);
        assert!(e["to"].as_u64().unwrap() < nodes.len() as u64);
        assert!(!e["reason"].as_str().unwrap().is_empty(), "{e}");
        assert!(!e["source"].as_str().unwrap().is_empty(), "{e}");
    }
    let mut ids: Vec<&str> = edges.iter().map(|e| e["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "an edge is listed twice");
    for row in view["rows"].as_array().unwrap() {
        let path: Vec<&Value> = row["path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| &edges[i.as_u64().unwrap() as usize])
            .collect();
        assert_eq!(path.len() as u64, row["hops"].as_u64().unwrap(), "{row}");
        for w in path.windows(2) {
            assert_eq!(w[0]["to"], w[1]["from"], "{row}");
        }
        let (first, last) = (path[0], path[path.len() - 1]);
        let row_id = id(&row["node"]);
        let conditional = path.iter().any(|e| e["conditional"] == true);
        assert_eq!(row["conditional"], conditional, "{row}");
        if view["kind"] == "who-can" {
            assert_eq!(id(&first["from"]), row_id);
            assert!(anchors.contains(&id(&last["to"])));
        } else {
            assert!(anchors.contains(&id(&first["from"])), "{row}");
            assert_eq!(id(&last["to"]), row_id);
        }
    }
}

#[test]
fn a_blast_report_carries_every_row_and_hop_of_the_blast_answer() {
    let (page, data) = report(&["--compromise", "support-agent"]);
    assert_eq!(data["version"], 1);
    assert_eq!(data["live"], false);
    assert_eq!(data["views"].as_array().unwrap().len(), 1);
    let view = &data["views"][0];
    check_paths(view);
    let b = json(&ok(&[
        "blast",
        "-q",
        "--compromise",
        "support-agent",
        "-f",
        "json",
    ]));
    assert_eq!(view["counts"], b["summary"]);
    let rows = view["rows"].as_array().unwrap();
    for (section, key) in [
        ("target", "targets"),
        ("identity", "identities"),
        ("credential", "credentials"),
        ("scope", "scopes"),
    ] {
        let ours: Vec<(&str, &Value, &Value)> = rows
            .iter()
            .filter(|r| r["section"] == section)
            .map(|r| {
                let n = &view["nodes"][r["node"].as_u64().unwrap() as usize];
                (n["id"].as_str().unwrap(), &r["hops"], &r["conditional"])
            })
            .collect();
        let theirs: Vec<(&str, &Value, &Value)> = b[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["id"].as_str().unwrap(), &r["hops"], &r["conditional"]))
            .collect();
        assert_eq!(ours, theirs, "{section}");
    }
    // Each hop carries its provenance as `blast` gives it.
    let hop = &b["targets"][0]["path"][1];
    let edge = view["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == hop["edge"])
        .unwrap();
    for k in ["reason", "source", "location", "kind"] {
        assert_eq!(edge[k], hop[k], "{k}");
    }
    let summary = view["summary"][0].as_str().unwrap();
    assert!(
        summary.starts_with(
            "If support-agent is compromised, an attacker can reach 8 datasets, 5 models, 3 tools and 7 secrets"
        ),
        "{summary}"
    );
    // A node met first as a hop keeps the kind its own row gives it.
    assert!(
        view["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| !n["kind"].as_str().unwrap().is_empty()),
        "a node without its kind"
    );
    // The page is whole: the library and the script are inline, and it
    // refers to nothing outside itself.
    assert!(page.contains("default-src 'none'"));
    assert!(page.contains("cytoscape"));
    for outside in [
        "src=\"http",
        "href=\"http",
        "src=\"//",
        "href=\"//",
        "url(http",
        "@import",
    ] {
        assert!(!page.contains(outside), "{outside}");
    }
}

#[test]
fn a_who_can_report_ends_every_path_at_the_target() {
    let (_, data) = report(&["--who-can", "acme-customer-pii"]);
    let view = &data["views"][0];
    assert_eq!(view["kind"], "who-can");
    check_paths(view);
    let w = json(&ok(&[
        "who-can",
        "-q",
        "--reach",
        "acme-customer-pii",
        "-f",
        "json",
    ]));
    assert_eq!(
        view["rows"].as_array().unwrap().len(),
        w["identities"].as_array().unwrap().len()
    );
    assert!(
        view["summary"][0]
            .as_str()
            .unwrap()
            .contains("can reach acme-customer-pii")
    );
}

#[test]
fn a_rank_report_has_a_tab_per_identity_and_none_twice() {
    let (_, data) = report(&["--rank", "3"]);
    let ranked: Vec<&str> = data["rank"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ranked.len(), 3);
    let tabs: Vec<&str> = data["views"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["anchors"][0].as_str().unwrap())
        .collect();
    assert_eq!(tabs, ranked);
    assert_eq!(data["title"], "The riskiest identities");
    for v in data["views"].as_array().unwrap() {
        check_paths(v);
    }
    // The negative twin: the compromised identity is ranked first; it gets
    // its own tab and no second one.
    let first = ranked[0];
    let (_, data) = report(&["--compromise", first, "--rank", "3"]);
    let tabs: Vec<&str> = data["views"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["anchors"][0].as_str().unwrap())
        .collect();
    assert_eq!(tabs.len(), 3, "{tabs:?}");
    assert_eq!(tabs.iter().filter(|t| **t == first).count(), 1);
}

#[test]
fn undecided_hops_are_marked_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let estate = dir.path().join("e.json");
    std::fs::write(
        &estate,
        serde_json::json!({
            "format": "blastgraph-estate", "version": 1,
            "nodes": [
                {"id": "role/a", "name": "a", "kind": "aws:role", "class": "workload"},
                {"id": "bucket/x", "name": "x", "kind": "aws:s3_bucket", "class": "dataset"},
                {"id": "bucket/y", "name": "y", "kind": "aws:s3_bucket", "class": "dataset"}
            ],
            "edges": [
                {"from": "role/a", "to": "bucket/x", "kind": "access", "access": "read", "reason": "r1"},
                {"from": "role/a", "to": "bucket/y", "kind": "access", "access": "write", "reason": "r2",
                 "conditional": true, "condition": "aws:SourceIp: the caller's address is not in the inputs"}
            ]
        })
        .to_string(),
    )
    .unwrap();
    let (_, data) = report(&["-i", estate.to_str().unwrap(), "--compromise", "role/a"]);
    let view = &data["views"][0];
    let y = view["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["reason"] == "r2")
        .unwrap();
    assert_eq!(y["conditional"], true);
    assert_eq!(
        y["condition"],
        "aws:SourceIp: the caller's address is not in the inputs"
    );
    let said = view["summary"].as_array().unwrap();
    assert!(
        said.iter().any(|s| s
            .as_str()
            .unwrap()
            .starts_with("1 of the 2 are reached for certain; 1 depend")),
        "{said:?}"
    );
}

#[test]
fn hostile_names_cannot_leave_the_data_element() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "</script><script>alert(1)</script><!--{{DATA}}\u{1b}[31m\u{2028}";
    let estate = dir.path().join("e.json");
    std::fs::write(
        &estate,
        serde_json::json!({
            "format": "blastgraph-estate", "version": 1,
            "nodes": [
                {"id": "role/evil", "name": evil, "kind": "aws:role", "class": "workload"},
                {"id": "bucket/x", "name": "x", "kind": "aws:s3_bucket", "class": "dataset"}
            ],
            "edges": [{"from": "role/evil", "to": "bucket/x", "kind": "access", "access": "read", "reason": evil}]
        })
        .to_string(),
    )
    .unwrap();
    let (page, data) = report(&["-i", estate.to_str().unwrap(), "--compromise", "role/evil"]);
    // Read back as they were.
    assert_eq!(data["views"][0]["nodes"][0]["name"], evil);
    assert_eq!(data["views"][0]["edges"][0]["reason"], evil);
    // Three script elements: data, library, ours; the name opened none.
    assert_eq!(page.matches("</script>").count(), 3);
    assert_eq!(page.matches("<script").count(), 3);
    assert!(!page.contains('\u{1b}'));
    // The title element holds the name as text.
    let title = &page[page.find("<title>").unwrap()..page.find("</title>").unwrap()];
    assert!(title.contains("&lt;/script&gt;"), "{title}");
}

#[test]
fn report_needs_a_question_and_refuses_a_target_as_compromised() {
    let (code, _, err) = run(&["report", "-q", "-o", "/tmp/never.html"]);
    assert_eq!(code, 2);
    assert!(err.contains("--compromise"), "{err}");
    let (code, _, err) = run(&[
        "report",
        "-q",
        "--compromise",
        "acme-customer-pii",
        "-o",
        "/tmp/never.html",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("a target is reached, not compromised"),
        "{err}"
    );
    let (code, _, err) = run(&["report", "-q", "--rank", "0", "-o", "/tmp/never.html"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value '0' for '--rank"), "{err}");
    assert!(!std::path::Path::new("/tmp/never.html").exists());
}

/// Stdout of an in-process command, line by line.
struct Lines(std::sync::mpsc::Sender<String>);

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = self.0.send(String::from_utf8_lossy(buf).into_owned());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Starts `serve` on a free port in this process; returns its address.
fn serve() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let cli = <blastgraph_cli::args::Cli as clap::Parser>::try_parse_from([
            "blastgraph",
            "serve",
            "-q",
            "--port",
            "0",
        ])
        .unwrap();
        let _ = blastgraph_cli::run(&cli, &mut Lines(tx), &mut std::io::sink());
    });
    // `writeln!` may write its pieces one by one.
    let mut line = String::new();
    while !line.contains('\n') {
        line += &rx.recv_timeout(std::time::Duration::from_secs(60)).unwrap();
    }
    let url = line.split_whitespace().nth(2).unwrap();
    url.trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string()
}

/// (status, body) of one request.
fn http(addr: &str, request: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    let status = reply[9..12].parse().unwrap();
    let body = reply.split_once("\r\n\r\n").unwrap().1.to_string();
    (status, body)
}

fn get(addr: &str, path: &str) -> (u16, String) {
    http(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
}

#[test]
fn serve_answers_the_views_of_the_report_on_loopback_only() {
    let addr = serve();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    let (status, page) = get(&addr, "/");
    assert_eq!(status, 200);
    let data = page_data(&page);
    assert_eq!(data["live"], true);
    assert_eq!(data["rank"].as_array().unwrap().len(), 10);

    // The same blast view the report carries.
    let (status, body) = get(&addr, "/api/blast?id=support-agent");
    assert_eq!(status, 200);
    let (_, written) = report(&["--compromise", "support-agent"]);
    assert_eq!(json(&body), written["views"][0]);

    let (_, body) = get(&addr, "/api/search?q=support-ag");
    let hits = json(&body);
    assert_eq!(hits[0]["id"], "agent:acme-ai/support-agent");
    let (_, body) = get(&addr, "/api/who-can?id=acme-customer-pii");
    check_paths(&json(&body));
    let (_, body) = get(&addr, "/api/trace?from=support-agent&to=acme-customer-pii");
    let trace = json(&body);
    assert_eq!(trace["kind"], "trace");
    assert_eq!(trace["rows"].as_array().unwrap().len(), 3);
    let (_, body) = get(
        &addr,
        "/api/what-if?compromise=support-agent&revoke=support-agent-runtime-%3Efeature-pipeline",
    );
    let after = json(&body);
    assert_eq!(after["kind"], "what-if");
    assert!(
        after["summary"][0]
            .as_str()
            .unwrap()
            .contains("takes 17 targets away"),
        "{}",
        after["summary"][0]
    );

    // Negative twins: an unknown id, another host (DNS rebinding), a
    // write, an unknown page.
    let (status, body) = get(&addr, "/api/blast?id=nobody-at-all");
    assert_eq!(status, 404);
    assert!(
        json(&body)["error"]
            .as_str()
            .unwrap()
            .contains("nobody-at-all")
    );
    let (status, _) = http(
        &addr,
        "GET / HTTP/1.1\r\nHost: attacker.example:80\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 421);
    let (status, _) = http(
        &addr,
        &format!("POST /api/blast?id=x HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\n\r\n"),
    );
    assert_eq!(status, 405);
    assert_eq!(get(&addr, "/etc/passwd").0, 404);
}
