//! `blastgraph serve`: the report page, live, on the loopback interface.
//!
//! A small read-only HTTP/1.1 server over the standard library: `GET /`
//! is the report page with `live` set, and the page asks `GET /api/…` for
//! views (search, blast, who-can, trace, what-if), each answered as JSON
//! and each connection closed after its answer. It binds to 127.0.0.1
//! unless `--listen` names another address (with a warning), and answers
//! only requests whose `Host` is the loopback address it listens on, so a
//! page elsewhere cannot read the estate through DNS rebinding.

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use anyhow::{Context, Result};
use blastgraph_analysis::report::{
    blast_report, rank_report, trace_report, what_if_report, who_can_report,
};
use blastgraph_analysis::{BlastOptions, Change};
use blastgraph_export::report::{
    REPORT_VERSION, ReportData, blast_view, html, trace_view, what_if_view, who_can_view,
};
use blastgraph_graph::{Graph, NodeIx};
use serde::Serialize;

use crate::args::ServeArgs;

/// Longest request head read (request line and headers).
const MAX_HEAD: u64 = 16 * 1024;
/// Search hits returned at most.
const MAX_HITS: usize = 25;
/// Chains a trace asks for.
const TRACE_CHAINS: usize = 3;

/// Runs `serve` until the process is stopped.
pub fn run(args: &ServeArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let g = crate::inputs::load(&args.input, err)?;
    let ip = args.listen.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    if args.listen.is_some() && !ip.is_loopback() {
        let line = format!(
            "warning: serving on {ip}: anyone who can reach this address can read the whole estate; blastgraph serve has no authentication"
        );
        writeln!(err, "{}", crate::term::severity_line(&line))?;
    }
    let listener = TcpListener::bind(SocketAddr::new(ip, args.port))
        .with_context(|| format!("cannot listen on {ip} port {}", args.port))?;
    let addr = listener.local_addr()?;
    let server = Server {
        g: &g,
        options: super::options(&args.path),
        page: page(&g)?,
        hosts: if args.listen.is_some() {
            None
        } else {
            Some(loopback_hosts(addr.port()))
        },
    };
    writeln!(out, "listening on http://{addr}/ (read-only; Ctrl-C stops)")?;
    out.flush()?;
    std::thread::scope(|s| {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let server = &server;
            s.spawn(move || server.handle(stream));
        }
    });
    Ok(0)
}

/// The `Host` values a loopback server answers.
fn loopback_hosts(port: u16) -> Vec<String> {
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .map(|h| format!("{h}:{port}"))
        .collect()
}

/// The page: live, no view yet, the riskiest ten listed.
fn page(g: &Graph) -> Result<String> {
    let (rows, _) = blastgraph_analysis::rank_firm_and_possible(g);
    let data = ReportData {
        version: REPORT_VERSION,
        title: "blastgraph serve".to_string(),
        estate: super::report::estate_line(g),
        live: true,
        views: Vec::new(),
        rank: Some(rank_report(g, &rows[..rows.len().min(10)])),
    };
    Ok(html(&data)?)
}

struct Server<'g> {
    g: &'g Graph,
    options: BlastOptions,
    page: String,
    /// `None`: any host (`--listen`).
    hosts: Option<Vec<String>>,
}

/// An answer: status, content type, body.
type Reply = (u16, &'static str, Vec<u8>);

/// One search hit.
#[derive(Serialize)]
struct Hit<'a> {
    id: &'a str,
    name: &'a str,
    class: &'static str,
    kind: &'a str,
}

impl Server<'_> {
    fn handle(&self, stream: TcpStream) {
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let reply = match read_head(&stream) {
            Ok(Some((method, target, host))) => self.answer(&method, &target, host.as_deref()),
            Ok(None) => return,
            Err(e) => error(400, &e),
        };
        let _ = write_reply(stream, reply);
    }

    fn answer(&self, method: &str, target: &str, host: Option<&str>) -> Reply {
        if let Some(hosts) = &self.hosts
            && !host.is_some_and(|h| hosts.iter().any(|x| x.eq_ignore_ascii_case(h)))
        {
            return error(
                421,
                "this server answers only requests to its loopback address",
            );
        }
        if method != "GET" {
            return error(405, "read-only: GET only");
        }
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let param = |key: &str| query_param(query, key);
        let result = match path {
            "/" | "/index.html" => {
                return (
                    200,
                    "text/html; charset=utf-8",
                    self.page.clone().into_bytes(),
                );
            }
            "/api/search" => self.search(&param("q").unwrap_or_default()),
            "/api/blast" => self.blast(&param("id").unwrap_or_default()),
            "/api/who-can" => self.who_can(&param("id").unwrap_or_default()),
            "/api/trace" => self.trace(
                &param("from").unwrap_or_default(),
                &param("to").unwrap_or_default(),
            ),
            "/api/what-if" => self.what_if(
                &param("compromise").unwrap_or_default(),
                &param("revoke").unwrap_or_default(),
            ),
            _ => return error(404, "no such page"),
        };
        match result {
            Ok(body) => (200, "application/json", body),
            Err(e) => error(404, &format!("{e:#}")),
        }
    }

    fn resolve(&self, what: &str, q: &str) -> Result<NodeIx> {
        self.g.resolve(q).with_context(|| format!("{what} `{q}`"))
    }

    /// Ids separated by new lines.
    fn resolve_many(&self, what: &str, qs: &str) -> Result<Vec<NodeIx>> {
        let qs: Vec<String> = qs.lines().map(str::to_string).collect();
        super::resolve_compromised(self.g, &qs, what)
    }

    fn search(&self, q: &str) -> Result<Vec<u8>> {
        let q = q.trim().to_lowercase();
        let g = self.g;
        let mut hits: Vec<(u8, NodeIx)> = Vec::new();
        if !q.is_empty() {
            for n in 0..g.node_count() {
                let Ok(n) = NodeIx::try_from(n) else { break };
                let r = g.node(n);
                let (id, name) = (r.id.to_lowercase(), r.name.to_lowercase());
                let rank = if id == q || name == q {
                    0
                } else if name.starts_with(&q) {
                    1
                } else if name.contains(&q) || id.contains(&q) {
                    2
                } else {
                    continue;
                };
                hits.push((rank, n));
            }
        }
        hits.sort_by(|a, b| (a.0, g.id(a.1)).cmp(&(b.0, g.id(b.1))));
        let hits: Vec<Hit<'_>> = hits
            .iter()
            .take(MAX_HITS)
            .map(|&(_, n)| {
                let r = g.node(n);
                Hit {
                    id: r.id,
                    name: r.name,
                    class: r.class.as_str(),
                    kind: r.kind,
                }
            })
            .collect();
        Ok(serde_json::to_vec(&hits)?)
    }

    fn blast(&self, ids: &str) -> Result<Vec<u8>> {
        let starts = self.resolve_many("id", ids)?;
        let b = blastgraph_analysis::blast(self.g, &starts, &self.options);
        Ok(serde_json::to_vec(&blast_view(&blast_report(self.g, &b)))?)
    }

    fn who_can(&self, id: &str) -> Result<Vec<u8>> {
        let target = self.resolve("id", id)?;
        let rs = blastgraph_analysis::who_can(self.g, target, None, &self.options);
        Ok(serde_json::to_vec(&who_can_view(&who_can_report(
            self.g, target, None, &rs,
        )))?)
    }

    /// From the first of `from` (new-line separated) that reaches `to`.
    fn trace(&self, from: &str, to: &str) -> Result<Vec<u8>> {
        let to = self.resolve("to", to)?;
        let starts = self.resolve_many("from", from)?;
        let mut best = None;
        for &s in &starts {
            let chains = blastgraph_analysis::trace(self.g, s, to, TRACE_CHAINS, &self.options);
            if !chains.is_empty() || best.is_none() {
                best = Some((s, chains));
            }
            if best.as_ref().is_some_and(|(_, c)| !c.is_empty()) {
                break;
            }
        }
        let (from, chains) = best.context("from: no identity given")?;
        Ok(serde_json::to_vec(&trace_view(&trace_report(
            self.g, from, to, &chains,
        )))?)
    }

    fn what_if(&self, compromise: &str, revoke: &str) -> Result<Vec<u8>> {
        let starts = self.resolve_many("compromise", compromise)?;
        let change = Change {
            revoke: self
                .g
                .find_edges(revoke)
                .with_context(|| format!("revoke `{revoke}`: no edge has this id"))?,
            ..Change::default()
        };
        let w = blastgraph_analysis::what_if(self.g, &starts, &change, &self.options);
        let r = what_if_report(self.g, &w, &change.revoke, &change.remove);
        Ok(serde_json::to_vec(&what_if_view(&r))?)
    }
}

/// Reads the request line and the `Host` header; `None` when the client
/// closed the connection without a request.
fn read_head(stream: &TcpStream) -> Result<Option<(String, String, Option<String>)>, String> {
    let mut reader = BufReader::new(std::io::Read::take(stream, MAX_HEAD));
    let mut line = String::new();
    match reader.read_line(&mut line) {
        Ok(0) | Err(_) => return Ok(None),
        Ok(_) => {}
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err("malformed request line".to_string());
    };
    let (method, target) = (method.to_string(), target.to_string());
    let mut host = None;
    loop {
        let mut h = String::new();
        match reader.read_line(&mut h) {
            Ok(0) => return Err("request head too long or cut off".to_string()),
            Ok(_) => {}
            Err(e) => return Err(e.to_string()),
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':')
            && k.trim().eq_ignore_ascii_case("host")
        {
            host = Some(v.trim().to_string());
        }
    }
    Ok(Some((method, target, host)))
}

fn error(status: u16, message: &str) -> Reply {
    let body = serde_json::json!({ "error": message }).to_string();
    (status, "application/json", body.into_bytes())
}

fn write_reply(mut stream: TcpStream, (status, kind, body): Reply) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Misdirected Request",
    };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

/// The value of `key` in a query string, form-decoded (`+` is a space,
/// `%XX` a byte; invalid UTF-8 is replaced).
fn query_param(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (form_decode(k) == key).then(|| form_decode(v))
    })
}

fn form_decode(s: &str) -> String {
    let hex = |c: u8| char::from(c).to_digit(16);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escaped = match b.get(i..i + 3) {
            Some([b'%', h, l]) => hex(*h).zip(hex(*l)).map(|(h, l)| h * 16 + l),
            _ => None,
        };
        match (escaped.and_then(|v| u8::try_from(v).ok()), b[i]) {
            (Some(v), _) => {
                out.push(v);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, c) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_params_are_form_decoded() {
        assert_eq!(query_param("q=a%2Fb+c&x=1", "q").as_deref(), Some("a/b c"));
        assert_eq!(query_param("id=%E2%86%92%0A", "id").as_deref(), Some("→\n"));
        assert_eq!(query_param("id=50%", "id").as_deref(), Some("50%"));
        assert_eq!(query_param("id=%zz", "id").as_deref(), Some("%zz"));
        assert_eq!(query_param("a=1", "b"), None);
    }
}
