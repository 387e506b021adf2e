//! Reading inputs: raw files, folders of them, or snapshots, into a graph.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use blastgraph_connector_aws::AwsAuthDetailsConnector;
use blastgraph_connector_native::NativeConnector;
use blastgraph_connector_opengraph::OpenGraphConnector;
use blastgraph_graph::{Graph, snapshot};
use blastgraph_model::{
    Connector, Edge, Estate, EstateBuilder, InputFile, Node, Provenance, Severity,
};
use sha2::{Digest, Sha256};

use crate::args::InputArgs;

/// The embedded demo estate's other providers and cross-provider links
/// (native format); its AWS part is [`crate::demo_files::DEMO_AWS`].
pub const DEMO_ESTATE: &str = include_str!("../demo/estate.json");
/// The name the demo estate is recorded under.
pub const DEMO_NAME: &str = "demo:acme-ai/estate.json";

/// Every file of the embedded demo estate, as (name, bytes): the native
/// file, then the AWS raw snapshot under `demo:acme-ai/aws/`.
pub fn demo_files() -> Vec<(String, Vec<u8>)> {
    let mut files = vec![(DEMO_NAME.to_string(), DEMO_ESTATE.as_bytes().to_vec())];
    for (path, text) in crate::demo_files::DEMO_AWS {
        files.push((format!("demo:acme-ai/aws/{path}"), text.as_bytes().to_vec()));
    }
    files
}

/// Every connector, in detection order.
pub fn connectors() -> Vec<Box<dyn Connector>> {
    vec![
        Box::new(NativeConnector),
        Box::new(OpenGraphConnector),
        Box::new(AwsAuthDetailsConnector),
    ]
}

fn files_under(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("cannot read folder {}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            if e.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                continue;
            }
            files_under(&e, out)?;
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    } else {
        bail!("input {} does not exist", path.display());
    }
    Ok(())
}

/// Ingests one file's bytes with the first connector that recognises it.
pub fn ingest_bytes(name: &str, bytes: &[u8], b: &mut EstateBuilder) {
    ingest_files(&[(name.to_string(), bytes.to_vec())], b);
}

/// Ingests files: each goes to the first connector that recognises it, and
/// each connector reads all of its files together (in input order), so that
/// facts spanning files (cross-account trust, resource policies next to the
/// identities) are seen whole.
pub fn ingest_files(files: &[(String, Vec<u8>)], b: &mut EstateBuilder) {
    let all = connectors();
    let hashes: Vec<String> = files
        .iter()
        .map(|(_, bytes)| hex::encode(Sha256::digest(bytes)))
        .collect();
    // Per connector (in order of first appearance): its files.
    let mut groups: Vec<(usize, Vec<InputFile<'_>>)> = Vec::new();
    for ((name, bytes), hash) in files.iter().zip(&hashes) {
        let head = &bytes[..bytes.len().min(4096)];
        // The head decides for well-ordered files; a producer that writes the
        // telling key late still gets recognised from the whole file.
        let found = all
            .iter()
            .position(|c| c.detect(name, head))
            .or_else(|| all.iter().position(|c| c.detect(name, bytes)));
        if bytes.iter().all(u8::is_ascii_whitespace) {
            b.begin_input(name, "unknown", hash.clone(), bytes.len() as u64);
            b.error(
                "line 1, column 1",
                "the file is empty, expected a JSON document",
            );
            continue;
        }
        let Some(c) = found else {
            b.begin_input(name, "unknown", hash.clone(), bytes.len() as u64);
            b.error(
                "file",
                "unrecognised format: expected a blastgraph estate (`\"format\": \"blastgraph-estate\"`), a BloodHound OpenGraph document (`\"graph\": {\"nodes\": …}`), the output of `aws iam get-account-authorization-details` or a file of the AWS raw snapshot layout (docs/aws-raw-layout.md)",
            );
            continue;
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
    for (c, group) in groups {
        if let Some(conn) = all.get(c) {
            conn.ingest_all(&group, b);
        }
    }
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

/// Loads the inputs into a graph; prints input problems to `err` unless quiet.
pub fn load(args: &InputArgs, err: &mut dyn Write) -> Result<Graph> {
    let graph = if args.input.is_empty() {
        if !args.quiet {
            let _ = writeln!(
                err,
                "note: no --input given, using the embedded demo estate"
            );
        }
        let mut b = EstateBuilder::new();
        ingest_files(&demo_files(), &mut b);
        Graph::build(b.finish())
    } else if let [one] = args.input.as_slice()
        && snapshot::is_snapshot(one)
    {
        snapshot::load(one).with_context(|| format!("cannot load snapshot {}", one.display()))?
    } else {
        let mut b = EstateBuilder::new();
        let mut files = Vec::new();
        for path in &args.input {
            if snapshot::is_snapshot(path) {
                let g = snapshot::load(path)
                    .with_context(|| format!("cannot load snapshot {}", path.display()))?;
                b.begin_input(&path.display().to_string(), "snapshot", String::new(), 0);
                estate_of(&g, &mut b);
                continue;
            }
            let mut paths = Vec::new();
            files_under(path, &mut paths)?;
            for f in paths {
                let bytes =
                    std::fs::read(&f).with_context(|| format!("cannot read {}", f.display()))?;
                files.push((f.display().to_string(), bytes));
            }
        }
        ingest_files(&files, &mut b);
        let estate: Estate = b.finish();
        Graph::build(estate)
    };
    if !args.quiet {
        report_diagnostics(&graph, err);
    }
    Ok(graph)
}

/// Prints the first input problems and a count.
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
    for x in d.iter().take(20) {
        let _ = writeln!(err, "  {x}");
    }
    if d.len() > 20 {
        let _ = writeln!(
            err,
            "  … and {} more (all of them are in the snapshot manifest)",
            d.len() - 20
        );
    }
}
