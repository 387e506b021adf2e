//! Whole-process query benchmark: `cargo bench -p blastgraph-cli --bench queries`.
//!
//! What a responder waits for, measured as they run it: the `blastgraph`
//! binary (the bench profile's build) run as a child process, wall time and
//! peak memory (GNU `time`'s `%e` and `%M`), page cache warm. For each size
//! (identities; `BENCH_SIZES`, default `1000000`):
//!
//! - `gen` of the snapshot (cached under `target/bench-data/cli-gen-N`);
//! - the first load after the graph section is removed: the Parquet tables
//!   read and the section written again;
//! - `blast` of the riskiest identity, `who-can` of the farthest target it
//!   reaches, `trace` from it to that target, `what-if` revoking one hop of
//!   that path, each three times (median, and the slowest);
//! - `rank` (firm and possible) three times;
//! - then, once each (`BENCH_INPUTS=0` skips them): `gen` into a new
//!   snapshot, `gen` of a native JSON file, and `build` of that file.
//!
//! It prints one line per figure and the machine they were measured on.

use std::process::Command;

/// Runs the binary under GNU time: (wall seconds, peak MiB, stdout).
fn timed(args: &[&str]) -> Result<(f64, f64, String), String> {
    let dir = blastgraph_gen::bench::data_dir();
    let report = dir.join(format!("time-{}.txt", std::process::id()));
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%e %M")
        .arg("-o")
        .arg(&report)
        .arg(env!("CARGO_BIN_EXE_blastgraph"))
        .args(args)
        .output()
        .map_err(|e| format!("cannot run /usr/bin/time (GNU time): {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "blastgraph {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let figures = std::fs::read_to_string(&report).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&report);
    let mut it = figures.split_whitespace();
    let secs: f64 = it.next().and_then(|s| s.parse().ok()).ok_or("no time")?;
    let kib: f64 = it.next().and_then(|s| s.parse().ok()).ok_or("no memory")?;
    Ok((
        secs,
        kib / 1024.0,
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

/// Three runs: (median s, slowest s, largest peak MiB).
fn three(args: &[&str]) -> Result<(f64, f64, f64), String> {
    let mut runs = Vec::new();
    for _ in 0..3 {
        runs.push(timed(args)?);
    }
    let mut secs: Vec<f64> = runs.iter().map(|r| r.0).collect();
    secs.sort_by(f64::total_cmp);
    let peak = runs.iter().map(|r| r.1).fold(0.0, f64::max);
    Ok((secs[1], secs[2], peak))
}

fn json(text: &str) -> Result<serde_json::Value, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

fn size(n: usize) -> Result<(), String> {
    let dir = blastgraph_gen::bench::data_dir().join(format!("cli-gen-{n}"));
    let snap = dir.to_string_lossy().into_owned();
    if !dir.join("manifest.json").is_file() {
        let (s, mib, _) = timed(&[
            "gen",
            "--identities",
            &n.to_string(),
            "--seed",
            "1",
            "-o",
            &snap,
        ])?;
        println!("identities={n} gen_snapshot_s={s:.1} gen_peak_mib={mib:.0}");
    }
    let _ = std::fs::remove_file(dir.join("graph.bin"));
    let (s, mib, _) = timed(&["rank", "-q", "-i", &snap, "--top", "1", "-f", "json"])?;
    println!(
        "identities={n} first_load_and_rank_s={s:.2} peak_mib={mib:.0} (Parquet read, graph section written)"
    );
    let (_, _, top) = timed(&["rank", "-q", "-i", &snap, "--top", "1", "-f", "json"])?;
    let top = json(&top)?;
    let who = top[0]["id"]
        .as_str()
        .ok_or("no ranked identity")?
        .to_string();
    let (_, _, b) = timed(&[
        "blast",
        "-q",
        "-i",
        &snap,
        "--compromise",
        &who,
        "-f",
        "json",
    ])?;
    let b = json(&b)?;
    let far = b["targets"]
        .as_array()
        .and_then(|t| t.iter().max_by_key(|x| x["hops"].as_u64()))
        .ok_or("the riskiest identity reaches no target")?;
    let target = far["id"].as_str().ok_or("no target id")?.to_string();
    let hop = far["path"]
        .as_array()
        .and_then(|p| p.get(p.len() / 2))
        .and_then(|h| h["edge"].as_str())
        .ok_or("no hop")?
        .to_string();
    println!(
        "identities={n} riskiest={who} reaches={} farthest_target={target} hops={}",
        b["targets"].as_array().map_or(0, Vec::len),
        far["hops"]
    );
    let queries: [(&str, Vec<&str>); 5] = [
        ("blast", vec!["blast", "--compromise", &who]),
        ("who-can", vec!["who-can", "--reach", &target]),
        ("trace", vec!["trace", "--from", &who, "--to", &target]),
        (
            "what-if",
            vec!["what-if", "--compromise", &who, "--revoke", &hop],
        ),
        ("rank", vec!["rank", "--top", "10"]),
    ];
    for (name, mut args) in queries {
        args.extend(["-q", "-i", &snap]);
        let (median, slowest, peak) = three(&args)?;
        println!(
            "identities={n} query={name} median_s={median:.2} slowest_s={slowest:.2} peak_mib={peak:.0}"
        );
    }
    Ok(())
}

/// The inputs' figures (issue 14's item 2), each once: `gen` into a
/// snapshot, `gen` of a native JSON file, and `build` of that file; the
/// files are removed after.
fn inputs(n: usize) -> Result<(), String> {
    let dir = blastgraph_gen::bench::data_dir().join(format!("cli-inputs-{n}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let (snap, json, built) = (path("gen"), path("estate.json"), path("built"));
    let count = n.to_string();
    let runs: [(&str, Vec<&str>, &str); 3] = [
        (
            "gen_snapshot",
            vec!["gen", "--identities", &count, "--seed", "1", "-o", &snap],
            "< 30 s, < 4 GiB",
        ),
        (
            "gen_json",
            vec!["gen", "--identities", &count, "--seed", "1", "-o", &json],
            "< 1 GiB",
        ),
        (
            "build_json",
            vec!["build", "-q", "-i", &json, "-o", &built],
            "< 60 s, < 6 GiB",
        ),
    ];
    for (name, args, target) in runs {
        let (s, mib, _) = timed(&args)?;
        println!("identities={n} step={name} s={s:.1} peak_mib={mib:.0} (target {target})");
    }
    let bytes = std::fs::metadata(&json).map_or(0, |m| m.len());
    println!("identities={n} json_mb={:.0}", bytes as f64 / 1e6);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn main() {
    if let Err(e) = std::fs::create_dir_all(blastgraph_gen::bench::data_dir()) {
        eprintln!(
            "cannot create {}: {e}",
            blastgraph_gen::bench::data_dir().display()
        );
        std::process::exit(2);
    }
    println!("machine: {}", blastgraph_gen::bench::machine());
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .unwrap_or_else(|_| "1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let with_inputs = std::env::var("BENCH_INPUTS").map_or(true, |v| v != "0");
    for n in sizes {
        if let Err(e) = size(n).and_then(|()| if with_inputs { inputs(n) } else { Ok(()) }) {
            eprintln!("identities={n}: {e}");
            std::process::exit(2);
        }
    }
}
