//! Writing an answer in the format asked for.

use std::io::Write;

use anyhow::{Context, Result, bail};
use blastgraph_export::diagram::Diagram;
use blastgraph_export::text::printable;
use blastgraph_export::{TableFormat, sink_for};
use polars::prelude::DataFrame;
use serde::Serialize;

use crate::args::{Format, OutputArgs};

/// One answer in every form it can take; only the one asked for is made.
pub struct Answer<'a, T: Serialize> {
    /// The report, for JSON.
    pub report: &'a T,
    /// The text form.
    pub text: &'a dyn Fn(&T, usize) -> String,
    /// The table form.
    pub frame: &'a dyn Fn(&T) -> Result<DataFrame, blastgraph_export::ExportError>,
    /// The paths as a diagram, for answers that have paths (`--limit`
    /// paths per section).
    pub diagram: Option<&'a Draw<T>>,
}

/// How an answer draws its paths: the report and `--limit`.
pub type Draw<T> = dyn Fn(&T, usize) -> Diagram;

/// Writes `answer` as `args` says, to `--output` or to `stdout`.
pub fn emit<T: Serialize>(
    args: &OutputArgs,
    answer: Answer<'_, T>,
    stdout: &mut dyn Write,
) -> Result<()> {
    let mut bytes: Vec<u8> = Vec::new();
    match args.format {
        Format::Table => {
            let text = (answer.text)(answer.report, args.limit);
            bytes.extend(printable(&text, true).as_bytes());
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut bytes, answer.report)?;
            bytes.push(b'\n');
        }
        Format::Mermaid | Format::Dot => {
            let Some(draw) = answer.diagram else {
                bail!("--format mermaid and dot draw paths: blast, who-can and trace have them");
            };
            let d = draw(answer.report, args.limit);
            let text = if args.format == Format::Mermaid {
                d.mermaid()
            } else {
                d.dot()
            };
            bytes.extend(text.as_bytes());
        }
        Format::Csv | Format::Parquet => {
            let format = if args.format == Format::Csv {
                TableFormat::Csv
            } else {
                if args.output.is_none() {
                    bail!("parquet is a binary format: give --output FILE");
                }
                TableFormat::Parquet
            };
            let mut df = (answer.frame)(answer.report)?;
            sink_for(format).write(&mut df, &mut bytes)?;
        }
    }
    write_bytes(args.output.as_deref(), &bytes, stdout)
}

/// Writes bytes to a file (creating its folder) or to `stdout`.
pub fn write_bytes(
    path: Option<&std::path::Path>,
    bytes: &[u8],
    stdout: &mut dyn Write,
) -> Result<()> {
    match path {
        Some(p) => write_file(p, bytes),
        None => stdout
            .write_all(bytes)
            .context("cannot write to standard output"),
    }
}

/// Writes a file whole or not at all: into a temporary file beside it,
/// then renamed over it, so an interrupted write never destroys the
/// previous file.
pub fn write_file(p: &std::path::Path, bytes: &[u8]) -> Result<()> {
    write_file_with(p, |w| Ok(w.write_all(bytes)?))
}

/// [`write_file`] for output written piece by piece: `write` fills a
/// buffered file beside `p`, which then replaces it; on any error the
/// partial file is removed and `p` is left as it was.
pub fn write_file_with(
    p: &std::path::Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
) -> Result<()> {
    let dir = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = beside(p);
    let written = (|| -> Result<()> {
        let file = std::fs::File::create(&tmp)?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        write(&mut w)?;
        w.into_inner().map_err(|e| e.into_error())?;
        std::fs::rename(&tmp, p)?;
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.with_context(|| format!("cannot write {}", p.display()))
}

/// The temporary file a write of `p` goes to before it is renamed over `p`:
/// hidden, in the same folder, named by this process.
pub fn beside(p: &std::path::Path) -> std::path::PathBuf {
    let dir = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    dir.join(format!(".{name}.tmp-{}", std::process::id()))
}
