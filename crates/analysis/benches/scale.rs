//! Scale benchmark: `cargo bench -p blastgraph-analysis --bench scale`.
//!
//! For each size (identities; `BENCH_SIZES`, default `10000,100000,1000000`)
//! it generates an estate once (cached under `target/bench-data/`), saves it
//! as a snapshot, then measures each phase in a fresh child process so that
//! peak memory (VmHWM) belongs to that phase alone:
//!
//! - `load`: build the graph from the Parquet snapshot;
//! - `blast`: 200 blast queries from random identities, each with every
//!   witness path materialised (median and p95);
//! - `rank`: every identity's blast radius.
//!
//! It prints a table of figures and the machine they were measured on.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use blastgraph_analysis::{BlastOptions, Filter, blast, rank};
use blastgraph_gen::{GenOptions, Rng, generate};
use blastgraph_graph::{Graph, snapshot};

const PHASE: &str = "BLASTGRAPH_BENCH_PHASE";

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|k| k.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn snapshot_for(n: usize) -> PathBuf {
    let dir = blastgraph_gen::bench::data_dir().join(format!("gen-{n}-seed1"));
    if !snapshot::is_snapshot(&dir) {
        let t = Instant::now();
        let g = Graph::build(generate(GenOptions {
            identities: n,
            seed: 1,
        }));
        if let Err(e) = snapshot::save(&g, &dir) {
            eprintln!("cannot save {}: {e}", dir.display());
            std::process::exit(2);
        }
        eprintln!(
            "generated {} in {:.1} s",
            dir.display(),
            t.elapsed().as_secs_f64()
        );
    }
    dir
}

fn load(dir: &Path) -> Graph {
    match snapshot::load(dir) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("cannot load {}: {e}", dir.display());
            std::process::exit(2);
        }
    }
}

/// Runs one phase in this process and prints `key=value` figures.
fn child(phase: &str, dir: &Path) {
    if phase == "load" {
        // Three loads, each dropped before the next, so the peak is one graph's.
        let mut times = Vec::new();
        let mut counts = (0, 0);
        for _ in 0..3 {
            let t = Instant::now();
            let g = load(dir);
            times.push(t.elapsed().as_secs_f64());
            counts = (g.node_count(), g.edge_count());
        }
        times.sort_by(f64::total_cmp);
        println!(
            "load_median_s={:.2} load_min_s={:.2} load_max_s={:.2} peak_mib={:.0} nodes={} edges={}",
            times[1],
            times[0],
            times[2],
            peak_rss_mib(),
            counts.0,
            counts.1
        );
        return;
    }
    let g = load(dir);
    match phase {
        "blast" => {
            let ids: Vec<u32> = (0..g.node_count() as u32)
                .filter(|&n| blastgraph_analysis::traverse::is_rankable(g.class(n)))
                .collect();
            let mut rng = Rng::new(42);
            let opts = BlastOptions::default();
            let mut times = Vec::new();
            let mut reached = 0usize;
            for _ in 0..200 {
                let s = ids[rng.below(ids.len())];
                let t = Instant::now();
                let b = blast(&g, &[s], &opts);
                let paths: usize = b
                    .targets
                    .iter()
                    .map(|x| b.path_to_target(&g, x).len())
                    .sum::<usize>()
                    + b.held
                        .iter()
                        .map(|h| b.path_to_held(&g, h.node).len())
                        .sum::<usize>();
                times.push(t.elapsed().as_secs_f64() * 1e3);
                reached += b.targets.len() + b.held.len() + paths.min(1);
            }
            times.sort_by(f64::total_cmp);
            // The worst case: the 20 identities with the widest reach.
            let (rows, _) = rank(&g, &Filter::default());
            let mut heavy = Vec::new();
            let mut heavy_reached = 0usize;
            for r in rows.iter().take(20) {
                let t = Instant::now();
                let b = blast(&g, &[r.node], &opts);
                let paths: usize = b
                    .targets
                    .iter()
                    .map(|x| b.path_to_target(&g, x).len())
                    .sum();
                heavy.push(t.elapsed().as_secs_f64() * 1e3);
                heavy_reached = heavy_reached.max(b.targets.len() + b.held.len() + paths.min(1));
            }
            heavy.sort_by(f64::total_cmp);
            // A full traversal: every account admin compromised at once.
            let scopes: Vec<u32> = (0..g.node_count() as u32)
                .filter(|&n| g.class(n) == blastgraph_model::Class::Scope)
                .collect();
            let t = Instant::now();
            let b = blast(&g, &scopes, &opts);
            let full_ms = t.elapsed().as_secs_f64() * 1e3;
            let full_reached = b.targets.len() + b.held.len();
            println!("blast_all_scopes_ms={full_ms:.1} all_scopes_reached={full_reached}");
            println!(
                "blast_median_ms={:.2} blast_p95_ms={:.2} blast_max_ms={:.2} mean_reached={} widest20_median_ms={:.2} widest_reached={} peak_mib={:.0}",
                times[times.len() / 2],
                times[times.len() * 95 / 100],
                times[times.len() - 1],
                reached / 200,
                heavy.get(heavy.len() / 2).copied().unwrap_or(0.0),
                heavy_reached,
                peak_rss_mib()
            );
        }
        "rank" => {
            let t = Instant::now();
            let (rows, stats) = rank(&g, &Filter::default());
            println!(
                "rank_s={:.2} ranked={} components={} hubs={} levels={} top_score={} peak_mib={:.0}",
                t.elapsed().as_secs_f64(),
                rows.len(),
                stats.components,
                stats.hubs,
                stats.levels,
                rows.first().map_or(0, |r| r.score),
                peak_rss_mib()
            );
        }
        _ => {}
    }
}

fn main() {
    if let Ok(spec) = std::env::var(PHASE) {
        let (phase, dir) = spec.split_once(':').unwrap_or(("", ""));
        child(phase, Path::new(dir));
        return;
    }
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("cannot find myself: {e}");
            std::process::exit(2);
        }
    };
    println!("machine: {}", blastgraph_gen::bench::machine());
    for n in sizes {
        let dir = snapshot_for(n);
        for phase in ["load", "blast", "rank"] {
            let out = Command::new(&exe)
                .env(PHASE, format!("{phase}:{}", dir.display()))
                .output();
            match out {
                Ok(o) if o.status.success() => {
                    println!(
                        "identities={n} phase={phase} {}",
                        String::from_utf8_lossy(&o.stdout).trim()
                    );
                }
                Ok(o) => eprintln!(
                    "phase {phase} failed: {}",
                    String::from_utf8_lossy(&o.stderr)
                ),
                Err(e) => eprintln!("phase {phase} failed: {e}"),
            }
        }
    }
}
