//! Reading inputs: raw files, folders of them, or snapshots, into a graph.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::term::{self, Work};
use anyhow::{Context, Result, bail};
use blastgraph_export::text::printable;
use blastgraph_graph::{Graph, part, snapshot};
use blastgraph_model::{
    Code, Edge, Estate, EstateBuilder, InputFile, Node, Part, Provenance, Severity,
};
use sha2::{Digest, Sha256};

use crate::args::InputArgs;
use crate::providers::{self, Detected, Entry, PROVIDERS};

/// The embedded demo estate's other providers and cross-provider links
/// (native format); its raw parts are the lists of [`crate::demo_files`].
pub const DEMO_ESTATE: &str = include_str!("../demo/estate.json");
/// The name the demo estate is recorded under.
pub const DEMO_NAME: &str = "demo:acme-ai/estate.json";

/// Every file of the embedded demo estate, as (name, bytes): the native
/// file, then each provider's raw files under `demo:acme-ai/PROVIDER/`
/// (AWS, Azure, Vault, GitHub, Kubernetes, Google Workspace, Slack).
pub fn demo_files() -> Vec<(String, Vec<u8>)> {
    use crate::demo_files::*;
    let mut files = vec![(DEMO_NAME.to_string(), DEMO_ESTATE.as_bytes().to_vec())];
    for (part, list) in [
        ("aws", DEMO_AWS),
        ("azure", DEMO_AZURE),
        ("vault", DEMO_VAULT),
        ("github", DEMO_GITHUB),
        ("k8s", DEMO_K8S),
        ("google", DEMO_GOOGLE),
        ("slack", DEMO_SLACK),
    ] {
        for (path, text) in list {
            files.push((
                format!("demo:acme-ai/{part}/{path}"),
                text.as_bytes().to_vec(),
            ));
        }
    }
    files
}

/// A path that was not read, and why.
struct NotRead {
    path: PathBuf,
    reason: String,
    /// Skipped on purpose (a version-control folder): a warning, not an error.
    on_purpose: bool,
}

/// Folders of version control, which hold no inputs: skipped, and said so.
const VCS_FOLDERS: [&str; 3] = [".git", ".hg", ".svn"];

/// What kind of thing a path is that is neither a file nor a folder.
fn odd_kind(t: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "neither a file nor a folder"
    }
}

/// Every file under `path` (sorted, hidden names included: an IAM user may
/// be called `.deploy`), and every path that could not be read with the
/// real reason.
fn files_under(path: &Path, out: &mut Vec<PathBuf>, not_read: &mut Vec<NotRead>) {
    let mut fail = |reason: String| {
        not_read.push(NotRead {
            path: path.to_path_buf(),
            reason,
            on_purpose: false,
        })
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            match e.kind() {
                std::io::ErrorKind::NotFound if link => fail(format!(
                    "a broken symbolic link (its target {} does not exist)",
                    std::fs::read_link(path)
                        .map(|t| t.display().to_string())
                        .unwrap_or_else(|_| "?".into())
                )),
                std::io::ErrorKind::NotFound => fail("does not exist".into()),
                _ => fail(format!("cannot read: {e}")),
            }
            return;
        }
    };
    if meta.is_dir() {
        let entries = match std::fs::read_dir(path) {
            Ok(rd) => rd,
            Err(e) => return fail(format!("cannot read the folder: {e}")),
        };
        let mut children = Vec::new();
        for e in entries {
            match e {
                Ok(e) => children.push(e.path()),
                Err(e) => fail(format!("cannot read an entry of the folder: {e}")),
            }
        }
        children.sort();
        for c in children {
            let name = c.file_name().map(|n| n.to_string_lossy().into_owned());
            if name.as_deref().is_some_and(|n| VCS_FOLDERS.contains(&n)) && c.is_dir() {
                not_read.push(NotRead {
                    path: c,
                    reason: "a version-control folder: skipped".into(),
                    on_purpose: true,
                });
                continue;
            }
            files_under(&c, out, not_read);
        }
    } else if meta.is_file() {
        out.push(path.to_path_buf());
    } else {
        fail(format!(
            "{}, not a file: skipped",
            odd_kind(meta.file_type())
        ));
    }
}

/// A path made absolute and free of `.`, `..` and links as far as it
/// exists (an output folder may not exist yet).
fn resolved(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut rest = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = cur.canonicalize() {
            let mut out = c;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            _ => return abs,
        }
    }
}

/// Refuses an output that is, or is inside, an input folder (its files
/// would be read as inputs next time), or that contains an input (writing
/// it would replace the input).
pub fn check_output(inputs: &[PathBuf], output: &Path) -> Result<()> {
    let out = resolved(output);
    for i in inputs {
        let inp = resolved(i);
        if out.starts_with(&inp) && inp.is_dir() {
            bail!(
                "the output {} is inside the input {}: choose an output outside the inputs",
                output.display(),
                i.display()
            );
        }
        if inp.starts_with(&out) {
            bail!(
                "the output {} contains the input {}: writing it would replace the input",
                output.display(),
                i.display()
            );
        }
    }
    Ok(())
}

/// Ingests one file's bytes with the first connector that recognises it.
pub fn ingest_bytes(name: &str, bytes: &[u8], b: &mut EstateBuilder) {
    ingest_files(&[(name.to_string(), bytes.to_vec())], b);
}

/// Ingests files with the providers of the registry: each file goes to
/// the one provider that claims it, and each provider reads all of its
/// files together (in input order), so that facts spanning files
/// (cross-account trust, resource policies next to the identities) are
/// seen whole.
pub fn ingest_files(files: &[(String, Vec<u8>)], b: &mut EstateBuilder) {
    ingest_files_with(PROVIDERS, files, b);
}

/// [`ingest_files`] with another list of providers (tests).
pub fn ingest_files_with(list: &[Entry], files: &[(String, Vec<u8>)], b: &mut EstateBuilder) {
    ingest_shard_with(list, files, b, None);
    // Across providers: a concrete subject joins the patterns others trust,
    // and the credentials inspected values hold find their identities.
    b.link_patterns();
    b.resolve_credential_hints();
}

/// What one shard read ([`ingest_shard_with`]).
pub struct ShardRead {
    /// The units it read, as `provider:unit` (`provider` alone for a
    /// provider read whole).
    pub units: Vec<String>,
    /// How many units the inputs have in all.
    pub all_units: usize,
    /// SHA-256 over every file's name and content hash, in order, and
    /// whether values were inspected: the parts of one build must have
    /// read the same inputs the same way.
    pub inputs_key: String,
}

/// Ingests `files` with the providers of `list`, each provider's files
/// together; with a shard `(I, N)` (1-based), only the units of work
/// ([`blastgraph_model::Connector::units`]) that fall to shard I (the
/// largest first, each to the shard with the fewest bytes so far), and
/// the files no provider reads only in shard 1. The steps across
/// providers are left to the caller.
pub fn ingest_shard_with(
    list: &[Entry],
    files: &[(String, Vec<u8>)],
    b: &mut EstateBuilder,
    shard: Option<(usize, usize)>,
) -> ShardRead {
    let hashes: Vec<String> = files
        .iter()
        .map(|(_, bytes)| hex::encode(Sha256::digest(bytes)))
        .collect();
    let mut key = Sha256::new();
    for ((name, _), hash) in files.iter().zip(&hashes) {
        key.update(name.as_bytes());
        key.update([0]);
        key.update(hash.as_bytes());
        key.update([b'\n']);
    }
    // Reading values or not changes what a part holds.
    key.update([u8::from(b.inspect_values())]);
    let first_shard = shard.is_none_or(|(i, _)| i == 1);
    // Per provider (in order of first appearance): its files.
    let mut groups: Vec<(usize, Vec<InputFile<'_>>)> = Vec::new();
    for ((name, bytes), hash) in files.iter().zip(&hashes) {
        let unknown = |b: &mut EstateBuilder| {
            b.begin_input(name, "unknown", hash.clone(), bytes.len() as u64);
        };
        let detected = if bytes.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            Some(providers::detect(list, name, bytes))
        };
        let c = match detected {
            Some(Detected::One(c)) => c,
            _ if !first_shard => continue,
            None => {
                unknown(b);
                b.error_code(
                    Code::EmptyFile,
                    "line 1, column 1",
                    "the file is empty, expected a JSON document",
                );
                continue;
            }
            Some(Detected::None) => {
                unknown(b);
                b.error_code(
                    Code::UnrecognisedFormat,
                    "file",
                    providers::unrecognised(list),
                );
                continue;
            }
            Some(Detected::Conflict(names)) => {
                unknown(b);
                b.error_code(
                    Code::ClaimedTwice,
                    "file",
                    format!(
                        "claimed by more than one provider ({}); the file is skipped (a detection bug: please report it with the file's first lines)",
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(" and ")
                    ),
                );
                continue;
            }
        };
        let file = InputFile {
            path: name,
            bytes,
            sha256: hash,
        };
        match groups.iter_mut().find(|(i, _)| *i == c) {
            Some((_, g)) => g.push(file),
            None => groups.push((c, vec![file])),
        }
    }
    let label = |c: usize, unit: &str| {
        let name = list.get(c).map_or("?", |e| e.provider.name);
        if unit.is_empty() {
            name.to_string()
        } else {
            format!("{name}:{unit}")
        }
    };
    let mut read = ShardRead {
        units: Vec::new(),
        all_units: 0,
        inputs_key: hex::encode(key.finalize()),
    };
    let Some((index, count)) = shard else {
        for (rank, (c, group)) in groups.into_iter().enumerate() {
            if let Some(e) = list.get(c) {
                b.set_order(rank as u32, 0);
                e.provider.connector.ingest_all(&group, b);
                read.units.push(label(c, ""));
            }
        }
        read.all_units = read.units.len();
        return read;
    };
    let mut units: Vec<(u64, usize, String)> = Vec::new();
    for (c, group) in &groups {
        if let Some(e) = list.get(*c) {
            for (unit, bytes) in e.provider.connector.units(group) {
                units.push((bytes, *c, unit));
            }
        }
    }
    read.all_units = units.len();
    let to = assign_units(&mut units, count);
    let mine = |c: usize, unit: &str| to.get(&(c, unit.to_string())) == Some(&(index - 1));
    for (rank, (c, group)) in groups.iter().enumerate() {
        let Some(e) = list.get(*c) else { continue };
        b.set_order(rank as u32, 0);
        e.provider
            .connector
            .ingest_units(group, b, &|unit| mine(*c, unit));
    }
    read.units = units
        .iter()
        .filter(|(_, c, unit)| mine(*c, unit))
        .map(|(_, c, unit)| label(*c, unit))
        .collect();
    read
}

/// The shard (0-based) of each unit `(bytes, provider, unit)`: the
/// largest first, each to the shard with the fewest bytes so far (the
/// lowest on a tie). Every shard computes the same from the same inputs.
fn assign_units(
    units: &mut [(u64, usize, String)],
    count: usize,
) -> std::collections::HashMap<(usize, String), usize> {
    units.sort_by(|a, b| b.0.cmp(&a.0).then((a.1, &a.2).cmp(&(b.1, &b.2))));
    let mut load = vec![0u64; count.max(1)];
    let mut to = std::collections::HashMap::new();
    for (bytes, c, unit) in units.iter() {
        let shard = load
            .iter()
            .enumerate()
            .min_by_key(|&(i, l)| (*l, i))
            .map_or(0, |(i, _)| i);
        if let Some(l) = load.get_mut(shard) {
            *l += bytes;
        }
        to.insert((*c, unit.clone()), shard);
    }
    to
}

/// A graph as an estate again, to merge a snapshot with raw files.
fn estate_of(g: &Graph, b: &mut EstateBuilder) {
    for n in 0..g.node_count() as u32 {
        let r = g.node(n);
        b.add_node(
            Node {
                id: r.id.to_string(),
                name: r.name.to_string(),
                provider: r.provider.to_string(),
                kind: r.kind.to_string(),
                class: r.class,
                attrs: r.attrs.clone(),
            },
            "",
        );
    }
    for e in 0..g.edge_count() as u32 {
        let c = g.edge(e);
        let p: Provenance = g.provenance(e);
        b.add_edge(Edge {
            id: g.explicit_edge_id(e).map(str::to_string),
            from: g.id(c.from).to_string(),
            to: g.id(c.to).to_string(),
            kind: c.kind,
            access: c.access,
            mechanism: g.mechanism(e).map(str::to_string),
            conditional: c.conditional,
            condition: g.condition(e).map(str::to_string),
            provenance: p,
        });
    }
}

/// Lets the builder keep edge rows on disk once they pass a memory budget,
/// so that an organisation whose edges do not fit is still read
/// (docs/org-ingest.md, "Memory"): `--spill-after` rows, by default a
/// quarter of the memory available when the build starts; the file
/// (unlinked at once) goes in `--spill-dir`, else the temporary folder.
fn spill_edges(args: &crate::args::SpillArgs, b: &mut EstateBuilder) {
    let dir = args.spill_dir.clone().unwrap_or_else(std::env::temp_dir);
    let block_rows = args
        .spill_block_rows
        .unwrap_or(blastgraph_model::Rows::BLOCK_ROWS)
        .max(1);
    let rows = args
        .spill_after
        .unwrap_or_else(|| available_memory() / 4 / 16);
    let blocks = (rows / block_rows as u64).max(1) as usize;
    let file = blastgraph_graph::spill::SpillFile::new(&dir);
    b.spill_edges_to(std::sync::Arc::new(file), blocks, block_rows);
}

/// Says how many edge rows went to the spill file, if any did.
fn say_spilled(rows: &blastgraph_model::Rows, quiet: bool, err: &mut dyn Write) {
    let n = rows.stored_len();
    if n > 0 && !quiet {
        term::note(
            err,
            &format!(
                "{n} of {} edge rows ({} MiB) were kept in {} while reading (--spill-after)",
                rows.len(),
                (16 * n as u64) >> 20,
                rows.spill_place().unwrap_or_default()
            ),
        );
    }
}

/// `MemAvailable` of `/proc/meminfo` in bytes; 4 GiB where it cannot be
/// read.
fn available_memory() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemAvailable:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(4 << 30, |kib| kib * 1024)
}

/// Loads the inputs into a graph; prints input problems to `err` unless quiet.
pub fn load(args: &InputArgs, err: &mut dyn Write) -> Result<Graph> {
    let graph = if args.input.is_empty() {
        if !args.quiet {
            term::note(err, "no --input given, using the embedded demo estate");
        }
        let mut b = EstateBuilder::new();
        ingest_files(&demo_files(), &mut b);
        Graph::build(b.finish())
    } else if let [one] = args.input.as_slice()
        && snapshot::is_snapshot(one)
    {
        let work = Work::spinner(&format!("loading snapshot {}", one.display()));
        let mut notes = Vec::new();
        let g = snapshot::load_noting(one, &mut |n| notes.push(n))
            .with_context(|| format!("cannot load snapshot {}", one.display()))?;
        work.done(err, &graph_detail(&g));
        if term::verbose() {
            for n in notes {
                term::note(err, &n);
            }
        }
        g
    } else {
        let mut b = EstateBuilder::new();
        b.set_inspect_values(args.inspect_secret_values);
        spill_edges(&args.spill, &mut b);
        let read = gather(args, err)?;
        for path in &read.snapshots {
            let g = snapshot::load(path)
                .with_context(|| format!("cannot load snapshot {}", path.display()))?;
            b.begin_input(&path.display().to_string(), "snapshot", String::new(), 0);
            estate_of(&g, &mut b);
        }
        let work = Work::spinner("ingesting");
        ingest_files(&read.files, &mut b);
        drop(read.files);
        work.done(err, "");
        record_not_read(&mut b, read.not_read);
        let estate: Estate = b.finish();
        say_spilled(estate.edges.rows(), args.quiet, err);
        let work = Work::spinner("building the graph");
        let g = Graph::build(estate);
        work.done(err, &graph_detail(&g));
        g
    };
    check_usable(&graph, args.quiet, !args.input.is_empty(), err)?;
    Ok(graph)
}

/// Reports the inputs' problems (unless quiet) and refuses a graph built
/// from inputs none of which could be read.
/// `given`: the inputs were the user's (the demo always is usable).
pub fn check_usable(graph: &Graph, quiet: bool, given: bool, err: &mut dyn Write) -> Result<()> {
    if !quiet {
        report_diagnostics(graph, err);
    }
    if given && !usable(graph) {
        bail!(
            "no usable input: none of the {} input{} could be read (see the problems above; \
             an empty result would hide them)",
            graph.manifest().inputs.len(),
            if graph.manifest().inputs.len() == 1 {
                ""
            } else {
                "s"
            }
        );
    }
    Ok(())
}

/// The raw files of the inputs' paths (read), the snapshot folders among
/// the paths, and what could not be read.
struct Gathered {
    files: Vec<(String, Vec<u8>)>,
    snapshots: Vec<PathBuf>,
    not_read: Vec<NotRead>,
}

fn gather(args: &InputArgs, err: &mut dyn Write) -> Result<Gathered> {
    let mut paths = Vec::new();
    let mut g = Gathered {
        files: Vec::new(),
        snapshots: Vec::new(),
        not_read: Vec::new(),
    };
    for path in &args.input {
        if part::is_part(path) {
            let what = part::read_meta(path)
                .map(|m| format!(" (shard {} of {})", m.shard.index, m.shard.count))
                .unwrap_or_default();
            bail!(
                "{} is a part of a sharded build{what}: join the parts with `blastgraph merge`, then read the snapshot it writes",
                path.display()
            );
        }
        if snapshot::is_snapshot(path) {
            g.snapshots.push(path.clone());
            continue;
        }
        files_under(path, &mut paths, &mut g.not_read);
    }
    let work = Work::bar(paths.len() as u64, "reading files");
    let mut bytes_read = 0;
    for f in paths {
        work.inc(1);
        match std::fs::read(&f) {
            Ok(bytes) => {
                bytes_read += bytes.len();
                g.files.push((f.display().to_string(), bytes));
            }
            Err(e) => g.not_read.push(NotRead {
                path: f,
                reason: format!("cannot read: {e}"),
                on_purpose: false,
            }),
        }
    }
    work.done(
        err,
        &format!(
            ": {} files, {:.1} MB",
            g.files.len(),
            bytes_read as f64 / 1e6
        ),
    );
    Ok(g)
}

/// Records each path that was not read as an input of its own, with why.
fn record_not_read(b: &mut EstateBuilder, not_read: Vec<NotRead>) {
    for n in not_read {
        let path = n.path.display().to_string();
        if n.on_purpose {
            b.begin_input(&path, "skipped", String::new(), 0);
            b.warning_code(Code::SkippedPath, "file", n.reason);
        } else {
            b.begin_input(&path, "unreadable", String::new(), 0);
            b.error_code(Code::UnreadablePath, "file", n.reason);
        }
    }
}

/// One shard `(I, N)` (1-based) of a sharded build
/// ([`ingest_shard_with`]): its part, and what it read. Snapshots cannot
/// be sharded; the paths that could not be read are said in shard 1.
pub fn load_shard(
    args: &InputArgs,
    shard: (usize, usize),
    err: &mut dyn Write,
) -> Result<(Part, ShardRead)> {
    let mut b = EstateBuilder::new();
    b.set_inspect_values(args.inspect_secret_values);
    spill_edges(&args.spill, &mut b);
    let read = if args.input.is_empty() {
        if !args.quiet {
            term::note(err, "no --input given, using the embedded demo estate");
        }
        ingest_shard_with(PROVIDERS, &demo_files(), &mut b, Some(shard))
    } else {
        // Refused before any file is read.
        if let Some(s) = args.input.iter().find(|p| snapshot::is_snapshot(p)) {
            bail!(
                "{} is a snapshot: a sharded build reads raw files (a snapshot is read whole by `build -i SNAPSHOT -i MERGED`)",
                s.display()
            );
        }
        let g = gather(args, err)?;
        let work = Work::spinner("ingesting");
        let read = ingest_shard_with(PROVIDERS, &g.files, &mut b, Some(shard));
        drop(g.files);
        work.done(err, "");
        if shard.0 == 1 {
            record_not_read(&mut b, g.not_read);
        }
        read
    };
    let part = b.into_part();
    say_spilled(part.edges.rows(), args.quiet, err);
    Ok((part, read))
}

/// Whether any input was read: a file a provider recognised and did not
/// reject whole, or a snapshot.
fn usable(g: &Graph) -> bool {
    g.manifest().inputs.iter().any(|i| {
        let read = !matches!(i.format.as_str(), "unknown" | "unreadable" | "skipped");
        let all_rejected = i.nodes == 0 && i.edges == 0 && i.skipped > 0;
        read && !all_rejected
    })
}

/// ": N nodes, M edges", for `--verbose`.
fn graph_detail(g: &Graph) -> String {
    format!(": {} nodes, {} edges", g.node_count(), g.edges().len())
}

/// Prints the first input problems (all with `--verbose`) and a count.
pub fn report_diagnostics(g: &Graph, err: &mut dyn Write) {
    let d = &g.manifest().diagnostics;
    if d.is_empty() {
        return;
    }
    let errors = d.iter().filter(|x| x.severity == Severity::Error).count();
    let _ = writeln!(
        err,
        "{} problem{} in the inputs ({errors} error{}, records skipped; {} warning{}):",
        d.len(),
        if d.len() == 1 { "" } else { "s" },
        if errors == 1 { "" } else { "s" },
        d.len() - errors,
        if d.len() - errors == 1 { "" } else { "s" }
    );
    // `--verbose` prints them all.
    let shown = if term::verbose() { d.len() } else { 20 };
    for x in d.iter().take(shown) {
        let line = printable(&x.to_string(), false).into_owned();
        let _ = writeln!(err, "  {}", term::severity_line(&line));
    }
    if d.len() > shown {
        let _ = writeln!(
            err,
            "  … and {} more (all of them are in the snapshot manifest, and --verbose prints them)",
            d.len() - shown
        );
    }
}
