//! Synthetic estates of realistic shape, deterministic per seed.
//!
//! Used by benchmarks and property tests, and by users who want to try
//! blastgraph at scale. The shape follows what real estates look like:
//!
//! - accounts of a few thousand identities each, with an admin scope that
//!   contains every identity and resource of the account;
//! - mostly workloads (roles, service principals, CI workflows, agents),
//!   some people, groups that people belong to;
//! - heavy-tailed fan-out: most identities touch a handful of targets, a few
//!   touch hundreds;
//! - role chains that mostly go one way (service → platform → deploy), a few
//!   cycles, a few cross-account trusts;
//! - secrets, some holding another identity's credential;
//! - a few escalation paths to account admin.
//!
//! About ten edges per identity. The generator uses its own SplitMix64, so
//! a seed gives the same estate on every platform and version of Rust.

use blastgraph_model::{
    AccessLevel, Attributes, Class, Edge, EdgeKind, EdgeTable, Estate, InputRecord, Node,
    Provenance,
};

/// SplitMix64: small, fast and stable.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (((self.next_u64() >> 11) as u128 * n as u128) >> 53) as usize
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 > 1.0 - p
    }
    /// A heavy-tailed count: usually near `typical`, sometimes up to `max`.
    pub fn heavy(&mut self, typical: usize, max: usize) -> usize {
        let u = ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64).max(1e-9);
        // Pareto with shape 1.6, scale typical/2.
        let x = (typical as f64 / 2.0) / u.powf(1.0 / 1.6);
        (x as usize).clamp(1, max.max(1))
    }
}

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct GenOptions {
    /// Number of identities (people and workloads).
    pub identities: usize,
    /// Seed.
    pub seed: u64,
}

const PER_ACCOUNT: usize = 2_000;

struct Acct {
    id: String,
    admin: usize,
    identities: Vec<usize>,
    datasets: Vec<usize>,
    models: Vec<usize>,
    tools: Vec<usize>,
    secrets: Vec<usize>,
    groups: Vec<usize>,
}

/// Generates an estate.
pub fn generate(opts: GenOptions) -> Estate {
    // Each edge is stored as it is made (no list of ten million `Edge`s),
    // and its location `$.edges[K]` is its own.
    let mut edges = EdgeTable::new();
    let (nodes, input) = generate_streaming(opts, &mut |e| {
        edges.push_own_place(&e);
    });
    Estate {
        nodes,
        edges,
        diagnostics: Vec::new(),
        inputs: vec![input],
    }
}

/// Generates an estate, handing each edge to `edge` as it is made (in the
/// order [`generate`] lists them) instead of keeping it: the edges are most
/// of an estate. Returns the nodes and the input record.
pub fn generate_streaming(
    opts: GenOptions,
    edge: &mut dyn FnMut(Edge),
) -> (Vec<Node>, InputRecord) {
    let mut rng = Rng::new(opts.seed);
    let n = opts.identities.max(1);
    let naccts = n.div_ceil(PER_ACCOUNT);
    let mut nodes: Vec<Node> = Vec::new();
    let mut made = 0usize;
    let source = format!("gen:identities={n},seed={}", opts.seed);
    let mk =
        |id: String, name: String, provider: &str, kind: &str, class: Class, attrs: Attributes| {
            Node {
                id,
                name,
                provider: provider.to_string(),
                kind: kind.to_string(),
                class,
                attrs,
            }
        };
    let mut accts: Vec<Acct> = Vec::new();
    let envs = ["prod", "staging", "dev"];
    let teams = [
        "ml-platform",
        "data-eng",
        "research",
        "infra",
        "security",
        "apps",
    ];
    let mut remaining = n;
    for a in 0..naccts {
        let acct = format!("{:012}", 100_000_000_000u64 + a as u64 * 7919);
        let admin = nodes.len();
        nodes.push(mk(
            format!("aws:account/{acct}/admin"),
            format!("{acct}-admin"),
            "aws",
            "aws:account_admin",
            Class::Scope,
            Attributes::default(),
        ));
        let mut ac = Acct {
            id: acct.clone(),
            admin,
            identities: Vec::new(),
            datasets: Vec::new(),
            models: Vec::new(),
            tools: Vec::new(),
            secrets: Vec::new(),
            groups: Vec::new(),
        };
        let count = remaining.min(PER_ACCOUNT);
        remaining -= count;
        let env = envs[a % envs.len()];
        for g in 0..(count / 50).max(1) {
            ac.groups.push(nodes.len());
            nodes.push(mk(
                format!("arn:aws:iam::{acct}:group/g{g}"),
                format!("{acct}/g{g}"),
                "aws",
                "aws:group",
                Class::Group,
                Attributes::default(),
            ));
        }
        for i in 0..count {
            let team = teams[rng.below(teams.len())];
            let attrs = Attributes {
                owner: Some(team.to_string()),
                environment: Some(env.to_string()),
                created: Some(format!(
                    "202{}-0{}-1{}T00:00:00Z",
                    2 + rng.below(4),
                    1 + rng.below(9),
                    rng.below(10)
                )),
                ..Attributes::default()
            };
            let r = rng.below(100);
            let (id, kind, class, provider) = if r < 55 {
                (
                    format!("arn:aws:iam::{acct}:role/svc-{i}"),
                    "aws:role",
                    Class::Workload,
                    "aws",
                )
            } else if r < 70 {
                (
                    format!("arn:aws:iam::{acct}:user/u{i}"),
                    "aws:user",
                    Class::Human,
                    "aws",
                )
            } else if r < 85 {
                (
                    format!("azure:sp/{acct}-{i}"),
                    "azure:service_principal",
                    Class::Workload,
                    "azure",
                )
            } else if r < 95 {
                (
                    format!("github:repo:org/app-{a}-{i}:ref:refs/heads/main"),
                    "github:workflow",
                    Class::Workload,
                    "github",
                )
            } else {
                (
                    format!("agent:{acct}/agent-{i}"),
                    "ai:agent",
                    Class::Workload,
                    "ai",
                )
            };
            ac.identities.push(nodes.len());
            nodes.push(mk(id, format!("{acct}/{i}"), provider, kind, class, attrs));
        }
        let push_targets =
            |nodes: &mut Vec<Node>,
             list: &mut Vec<usize>,
             k: usize,
             f: &dyn Fn(usize) -> (String, &'static str, Class)| {
                for t in 0..k {
                    let (id, kind, class) = f(t);
                    list.push(nodes.len());
                    nodes.push(Node {
                        name: id.rsplit(['/', ':']).next().unwrap_or("").to_string(),
                        id,
                        provider: "aws".into(),
                        kind: kind.into(),
                        class,
                        attrs: Attributes::default(),
                    });
                }
            };
        let a2 = acct.clone();
        push_targets(&mut nodes, &mut ac.datasets, count / 2 + 1, &|t| {
            (
                format!("arn:aws:s3:::{a2}-data-{t}"),
                "aws:s3_bucket",
                Class::Dataset,
            )
        });
        push_targets(&mut nodes, &mut ac.models, count / 20 + 1, &|t| {
            (
                format!("arn:aws:sagemaker:us-east-1:{a2}:endpoint/model-{t}"),
                "aws:sagemaker_endpoint",
                Class::Model,
            )
        });
        push_targets(&mut nodes, &mut ac.tools, count / 5 + 1, &|t| {
            (
                format!("arn:aws:lambda:us-east-1:{a2}:function:tool-{t}"),
                "aws:lambda_function",
                Class::Tool,
            )
        });
        push_targets(&mut nodes, &mut ac.secrets, count / 10 + 1, &|t| {
            (
                format!("arn:aws:secretsmanager:us-east-1:{a2}:secret:s-{t}"),
                "aws:secret",
                Class::Secret,
            )
        });
        accts.push(ac);
    }

    let mut e = |from: usize,
                 to: usize,
                 kind: EdgeKind,
                 access: Option<AccessLevel>,
                 mech: Option<&str>,
                 reason: String,
                 nodes: &Vec<Node>| {
        let k = made;
        made += 1;
        edge(Edge {
            id: None,
            from: nodes[from].id.clone(),
            to: nodes[to].id.clone(),
            kind,
            access,
            mechanism: mech.map(str::to_string),
            conditional: false,
            condition: None,
            provenance: Provenance {
                source: source.clone(),
                location: format!("$.edges[{k}]"),
                reason,
            },
        });
    };
    let levels = [
        AccessLevel::Read,
        AccessLevel::Read,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::Admin,
    ];
    let mut creds: Vec<(usize, usize)> = Vec::new();
    for ai in 0..accts.len() {
        let ac = &accts[ai];
        let ids = ac.identities.clone();
        let admin = ac.admin;
        // Scope structure.
        for &x in ids
            .iter()
            .chain(&ac.datasets)
            .chain(&ac.models)
            .chain(&ac.tools)
            .chain(&ac.secrets)
        {
            e(
                admin,
                x,
                EdgeKind::Contains,
                None,
                None,
                format!("account {}", ac.id),
                &nodes,
            );
        }
        for (gi, &g) in ac.groups.iter().enumerate() {
            for _ in 0..rng.heavy(4, 200) {
                let t = ac.datasets[rng.below(ac.datasets.len())];
                let l = levels[rng.below(levels.len())];
                e(
                    g,
                    t,
                    EdgeKind::Access,
                    Some(l),
                    None,
                    format!("group g{gi} policy statement 0"),
                    &nodes,
                );
            }
        }
        for (pos, &x) in ids.iter().enumerate() {
            let class = nodes[x].class;
            if class == Class::Human && !ac.groups.is_empty() {
                for _ in 0..1 + rng.below(2) {
                    let g = ac.groups[rng.below(ac.groups.len())];
                    e(
                        x,
                        g,
                        EdgeKind::MemberOf,
                        None,
                        None,
                        "group membership".into(),
                        &nodes,
                    );
                }
            }
            let pol = format!("policy-{pos}");
            for s in 0..rng.heavy(6, 300) {
                let pick = rng.below(10);
                let (list, l) = match pick {
                    0..=5 => (&ac.datasets, levels[rng.below(levels.len())]),
                    6 => (&ac.models, AccessLevel::Invoke),
                    7 | 8 => (&ac.tools, AccessLevel::Execute),
                    _ => (&ac.models, AccessLevel::Read),
                };
                let t = list[rng.below(list.len())];
                e(
                    x,
                    t,
                    EdgeKind::Access,
                    Some(l),
                    None,
                    format!("{pol} statement {s}"),
                    &nodes,
                );
            }
            // Role chains: mostly towards later identities (a hierarchy), sometimes back.
            let chains = if rng.chance(0.5) { rng.heavy(1, 20) } else { 0 };
            for _ in 0..chains {
                let span = ids.len() - pos;
                let y = if rng.chance(0.97) && span > 1 {
                    ids[pos + 1 + rng.below(span - 1)]
                } else {
                    ids[rng.below(ids.len())]
                };
                if y != x && nodes[y].kind == "aws:role" {
                    e(
                        x,
                        y,
                        EdgeKind::CanAssume,
                        None,
                        None,
                        format!("trust policy of {} statement 0", nodes[y].name),
                        &nodes,
                    );
                }
            }
            if rng.chance(0.003) {
                e(
                    x,
                    admin,
                    EdgeKind::CanEscalate,
                    None,
                    Some("iam:AttachRolePolicy"),
                    format!("{pol} statement 0"),
                    &nodes,
                );
            }
            if rng.chance(0.002) && accts.len() > 1 {
                let other = &accts[rng.below(accts.len())];
                let y = other.identities[rng.below(other.identities.len())];
                if nodes[y].kind == "aws:role" && y != x {
                    e(
                        x,
                        y,
                        EdgeKind::CanAssume,
                        None,
                        None,
                        format!("cross-account trust of {}", nodes[y].name),
                        &nodes,
                    );
                }
            }
            if rng.chance(0.15) {
                let s = ac.secrets[rng.below(ac.secrets.len())];
                e(
                    x,
                    s,
                    EdgeKind::CanReadSecret,
                    None,
                    None,
                    format!("{pol} secretsmanager:GetSecretValue"),
                    &nodes,
                );
            }
            if (matches!(class, Class::Human) || nodes[x].kind == "azure:service_principal")
                && rng.chance(0.3)
            {
                creds.push((x, ai));
            }
        }
    }
    for (i, (x, ai)) in creds.into_iter().enumerate() {
        let cid = nodes.len();
        let id = format!("{}#key-{i}", nodes[x].id);
        nodes.push(Node {
            name: format!("key-{i}"),
            id,
            provider: nodes[x].provider.clone(),
            kind: "credential:access_key".into(),
            class: Class::Credential,
            attrs: Attributes::default(),
        });
        e(
            cid,
            x,
            EdgeKind::AuthenticatesAs,
            None,
            None,
            "access key".into(),
            &nodes,
        );
        if rng.chance(0.4) {
            let secrets = &accts[ai].secrets;
            let s = secrets[rng.below(secrets.len())];
            e(
                s,
                cid,
                EdgeKind::HoldsCredential,
                None,
                None,
                "secret value holds the key".into(),
                &nodes,
            );
        }
    }
    (
        nodes,
        InputRecord {
            path: source,
            format: "gen".into(),
            sha256: String::new(),
            bytes: 0,
            ..InputRecord::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_estate_other_seed_other_estate() {
        let a = generate(GenOptions {
            identities: 300,
            seed: 7,
        });
        let b = generate(GenOptions {
            identities: 300,
            seed: 7,
        });
        let c = generate(GenOptions {
            identities: 300,
            seed: 8,
        });
        assert_eq!(a, b);
        assert_ne!(a.edges, c.edges);
    }

    #[test]
    fn shape_is_realistic() {
        let e = generate(GenOptions {
            identities: 5_000,
            seed: 1,
        });
        let ids = e
            .nodes
            .iter()
            .filter(|n| matches!(n.class, Class::Human | Class::Workload))
            .count();
        assert_eq!(ids, 5_000);
        let per = e.edges.len() as f64 / ids as f64;
        assert!((6.0..16.0).contains(&per), "{per} edges per identity");
        for k in [
            EdgeKind::MemberOf,
            EdgeKind::CanAssume,
            EdgeKind::CanEscalate,
            EdgeKind::HoldsCredential,
            EdgeKind::AuthenticatesAs,
            EdgeKind::CanReadSecret,
            EdgeKind::Contains,
            EdgeKind::Access,
        ] {
            assert!(e.edges.iter().any(|x| x.kind == k), "no {k} edge");
        }
        let known: std::collections::HashSet<&str> =
            e.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(known.len(), e.nodes.len(), "ids are unique");
        assert!(
            e.edges
                .iter()
                .all(|x| known.contains(x.from.as_str()) && known.contains(x.to.as_str()))
        );
    }
}

/// Every file under a folder, recursively, in path order: for tests that
/// read a fixture folder.
pub fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every `.json` file under a folder, with its bytes, its path written
/// with `/`: a fixture as a connector's tests hand it over.
pub fn json_files_under(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    files_under(dir)
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|p| p.ends_with(".json"))
        .filter_map(|p| std::fs::read(&p).ok().map(|b| (p, b)))
        .collect()
}

/// A local stand-in for a provider's API: a Python script that serves on
/// 127.0.0.1 and writes its port to a file; stopped when dropped. For the
/// live collectors' and snapshot scripts' tests.
pub struct LocalServer {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl LocalServer {
    /// Starts `python3 SCRIPT ARGS…`; one of `args` is `port_file`, where
    /// the script writes its port once it serves. The script can import
    /// `stub_http` (this crate's `py/`: a JSON handler and `serve`).
    pub fn start(
        script: &std::path::Path,
        args: &[&std::ffi::OsStr],
        port_file: &std::path::Path,
    ) -> Result<LocalServer, String> {
        let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("py");
        let path = std::env::join_paths(
            std::iter::once(shared).chain(
                std::env::var_os("PYTHONPATH")
                    .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
                    .unwrap_or_default(),
            ),
        )
        .map_err(|e| format!("PYTHONPATH: {e}"))?;
        let child = std::process::Command::new("python3")
            .arg(script)
            .args(args)
            .env("PYTHONPATH", path)
            .spawn()
            .map_err(|e| format!("python3 {} does not start: {e}", script.display()))?;
        let mut server = LocalServer {
            child,
            url: String::new(),
        };
        let start = std::time::Instant::now();
        loop {
            if let Ok(p) = std::fs::read_to_string(port_file) {
                server.url = format!("http://127.0.0.1:{}", p.trim());
                return Ok(server);
            }
            if start.elapsed() > std::time::Duration::from_secs(20) {
                return Err(format!("{} did not start within 20 s", script.display()));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the connectors' ingest benchmarks share.
pub mod bench {
    /// A digest of the edge set, independent of edge order: every edge with
    /// its ends, kind, access, condition, mechanism and provenance, sorted. The
    /// same inputs must give the same digest before and after a refactor
    /// (`AWS_BENCH_DIGEST=1`, `AZURE_BENCH_DIGEST=1`).
    pub fn edge_digest(e: &blastgraph_model::Estate) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut lines: Vec<String> = e
            .edges
            .iter()
            .map(|x| {
                format!(
                    "{}\t{}\t{:?}\t{:?}\t{}\t{:?}\t{:?}\t{}\t{}\t{}\t{:?}",
                    x.from,
                    x.to,
                    x.kind,
                    x.access,
                    x.conditional,
                    x.mechanism,
                    x.condition,
                    x.provenance.source,
                    x.provenance.location,
                    x.provenance.reason,
                    x.id,
                )
            })
            .collect();
        lines.sort_unstable();
        let mut nodes: Vec<String> = e.nodes.iter().map(|n| format!("{n:?}")).collect();
        nodes.sort_unstable();
        let mut h = std::hash::DefaultHasher::new();
        lines.hash(&mut h);
        nodes.hash(&mut h);
        h.finish()
    }

    /// ` edge_digest=…` when the environment variable `var` is `1` (the
    /// bench's opt-in), else nothing: for a bench's result line.
    pub fn digest_if(var: &str, e: &blastgraph_model::Estate) -> String {
        if std::env::var(var).as_deref() == Ok("1") {
            format!(" edge_digest={:016x}", edge_digest(e))
        } else {
            String::new()
        }
    }

    /// A bench's generated files (path, bytes): says how many and how big,
    /// and writes them under `DIR/name` when the environment variable `var`
    /// names a folder `DIR`, for timing `blastgraph` on them as a user runs
    /// it.
    pub fn announce(files: &[(String, Vec<u8>)], took: std::time::Duration, var: &str, name: &str) {
        let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
        println!(
            "generated {} files, {:.0} MiB, in {:.1} s",
            files.len(),
            bytes as f64 / (1024.0 * 1024.0),
            took.as_secs_f64()
        );
        if let Ok(dir) = std::env::var(var) {
            let root = std::path::Path::new(&dir).join(name);
            for (path, body) in files {
                let p = root.join(path);
                if let Some(parent) = p.parent() {
                    let _ = std::fs::create_dir_all(parent);
                }
                let _ = std::fs::write(p, body);
            }
            println!("wrote {}", root.display());
        }
    }

    /// `(path, bytes)` pairs as a connector's input files (no digest).
    pub fn inputs<P: AsRef<str>, B: AsRef<[u8]>>(
        files: &[(P, B)],
    ) -> Vec<blastgraph_model::InputFile<'_>> {
        files
            .iter()
            .map(|(p, b)| blastgraph_model::InputFile {
                path: p.as_ref(),
                bytes: b.as_ref(),
                sha256: "",
            })
            .collect()
    }

    /// Where [`ingest_spilling`] keeps edge rows.
    pub struct Spill {
        /// The store.
        pub store: std::sync::Arc<dyn blastgraph_model::RowStore>,
        /// Blocks kept in memory.
        pub resident: usize,
        /// Rows per block.
        pub block_rows: usize,
    }

    /// Ingests generated files with one connector: the estate and the
    /// seconds it took.
    pub fn ingest(
        connector: &dyn blastgraph_model::Connector,
        files: &[(String, Vec<u8>)],
    ) -> (blastgraph_model::Estate, f64) {
        ingest_spilling(connector, files, None)
    }

    /// [`ingest`], keeping the edge rows beyond `resident` blocks of
    /// `block_rows` in a store
    /// ([`blastgraph_model::EstateBuilder::spill_edges_to`]).
    pub fn ingest_spilling(
        connector: &dyn blastgraph_model::Connector,
        files: &[(String, Vec<u8>)],
        spill: Option<Spill>,
    ) -> (blastgraph_model::Estate, f64) {
        let inputs = inputs(files);
        let mut b = blastgraph_model::EstateBuilder::new();
        if let Some(s) = spill {
            b.spill_edges_to(s.store, s.resident, s.block_rows);
        }
        let t = std::time::Instant::now();
        connector.ingest_all(&inputs, &mut b);
        let e = b.finish();
        (e, t.elapsed().as_secs_f64())
    }

    /// [`ingest`] as a sharded build does it (`build --shard I/N`, then
    /// `merge`): unit `k` of the connector's units in shard `k mod n`,
    /// each shard into a part, the parts merged in reverse (the merge does
    /// not depend on their order) and finished.
    pub fn ingest_sharded(
        connector: &dyn blastgraph_model::Connector,
        files: &[(String, Vec<u8>)],
        n: usize,
    ) -> blastgraph_model::Estate {
        let inputs = inputs(files);
        let units = connector.units(&inputs);
        let mut parts = Vec::new();
        for shard in 0..n {
            let keep = |u: &str| {
                units
                    .iter()
                    .position(|(k, _)| k == u)
                    .is_some_and(|k| k % n == shard)
            };
            let mut b = blastgraph_model::EstateBuilder::new();
            connector.ingest_units(&inputs, &mut b, &keep);
            parts.push(b.into_part());
        }
        let mut merged = blastgraph_model::EstateBuilder::new();
        for p in parts.into_iter().rev() {
            merged.add_part(p);
        }
        merged.resolve_credential_hints();
        merged.finish()
    }

    /// The first `n` errors of an estate, one line each.
    pub fn first_errors(e: &blastgraph_model::Estate, n: usize) -> Vec<String> {
        e.diagnostics
            .iter()
            .filter(|d| d.severity == blastgraph_model::Severity::Error)
            .take(n)
            .map(|d| format!("{}: {}: {}", d.file, d.location, d.message))
            .collect()
    }

    /// The number of edges of a kind.
    pub fn count(e: &blastgraph_model::Estate, kind: blastgraph_model::EdgeKind) -> usize {
        e.edges.rows().iter().filter(|x| x.kind == kind).count()
    }

    /// Where benchmarks cache what they generate: `bench-data/` in the
    /// cargo target folder (`CARGO_TARGET_DIR`, else the workspace's).
    pub fn data_dir() -> std::path::PathBuf {
        let target = std::env::var("CARGO_TARGET_DIR").map_or_else(
            |_| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
            std::path::PathBuf::from,
        );
        target.join("bench-data")
    }

    /// The machine figures were measured on: CPU model, cores, memory.
    pub fn machine() -> String {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("model name"))
                    .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
            })
            .unwrap_or_else(|| "unknown cpu".into());
        let mem = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|s| {
                s.lines().next().and_then(|l| {
                    l.split_whitespace()
                        .nth(1)
                        .and_then(|k| k.parse::<f64>().ok())
                })
            })
            .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        format!("{cpu}, {cores} cores, {mem:.0} GiB")
    }

    /// The process's resident memory now (`VmRSS`), in MiB.
    pub fn rss_mib() -> u64 {
        status_mib("VmRSS:")
    }

    /// A `kB` line of `/proc/self/status`, in MiB (0 where it cannot be
    /// read).
    fn status_mib(key: &str) -> u64 {
        std::fs::read_to_string("/proc/self/status")
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kib| kib / 1024)
    }

    /// What an estate holds, in MiB by part (heap bytes of its strings
    /// plus the structs; allocator overhead not counted): its nodes, its
    /// edge rows in memory, its interned strings and explanations, its
    /// problems and input records.
    pub fn estate_mib(e: &blastgraph_model::Estate) -> String {
        let mib = |b: usize| b as f64 / (1024.0 * 1024.0);
        let s = |x: &String| x.capacity();
        let o = |x: &Option<String>| x.as_ref().map_or(0, String::capacity);
        let nodes: usize = e
            .nodes
            .iter()
            .map(|n| {
                let a = &n.attrs;
                std::mem::size_of::<blastgraph_model::Node>()
                    + s(&n.id)
                    + s(&n.name)
                    + s(&n.provider)
                    + s(&n.kind)
                    + o(&a.owner)
                    + o(&a.environment)
                    + o(&a.created)
                    + o(&a.last_used)
                    + o(&a.expires)
                    + a.tags.iter().map(|(k, v)| 64 + s(k) + s(v)).sum::<usize>()
            })
            .sum();
        let rows = e.edges.rows();
        let ex = e.edges.explanations();
        let strings = e.edges.strings();
        let diags: usize = e
            .diagnostics
            .iter()
            .map(|d| 80 + s(&d.file) + s(&d.location) + s(&d.message))
            .sum();
        let inputs: usize = e
            .inputs
            .iter()
            .map(|i| {
                std::mem::size_of::<blastgraph_model::InputRecord>()
                    + s(&i.path)
                    + s(&i.format)
                    + s(&i.sha256)
            })
            .sum();
        format!(
            "nodes_mib={:.1} rows_in_memory_mib={:.1} strings_mib={:.1} explanations_mib={:.1} diagnostics={} diagnostics_mib={:.1} inputs={} inputs_mib={:.1} rss_mib={}",
            mib(nodes),
            mib(16 * (rows.len() - rows.stored_len())),
            mib(strings.bytes() + 12 * strings.len()),
            mib(8 * ex.places.len() + 16 * ex.whys.len() + 8 * ex.notes.len()),
            e.diagnostics.len(),
            mib(diags),
            e.inputs.len(),
            mib(inputs),
            rss_mib(),
        )
    }

    /// The process's peak resident memory so far (`VmHWM`), in MiB: runs go
    /// from small to large, so after a run it is that run's peak unless an
    /// earlier run was larger.
    pub fn peak_rss_mib() -> u64 {
        status_mib("VmHWM:")
    }
}
