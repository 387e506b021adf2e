//! Writing an answer in the format asked for.

use std::io::Write;

use anyhow::{Context, Result, bail};
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
}

/// Writes `answer` as `args` says, to `--output` or to `stdout`.
pub fn emit<T: Serialize>(
    args: &OutputArgs,
    answer: Answer<'_, T>,
    stdout: &mut dyn Write,
) -> Result<()> {
    let mut bytes: Vec<u8> = Vec::new();
    match args.format {
        Format::Table => bytes.extend((answer.text)(answer.report, args.limit).into_bytes()),
        Format::Json => {
            serde_json::to_writer_pretty(&mut bytes, answer.report)?;
            bytes.push(b'\n');
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
        Some(p) => {
            if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            std::fs::write(p, bytes).with_context(|| format!("cannot write {}", p.display()))
        }
        None => stdout
            .write_all(bytes)
            .context("cannot write to standard output"),
    }
}
