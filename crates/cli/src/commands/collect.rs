//! `blastgraph collect PROVIDER`: runs the provider's live collector from the
//! registry, with a progress bar.

use std::io::Write;

use anyhow::{Result, anyhow, bail};
use blastgraph_model::collect::Progress;
use indicatif::ProgressBar;

use crate::args::CollectCommand;
use crate::providers::{Live, PROVIDERS, live_of};

/// A spinner on stderr: the stage and the call in flight, calls done so
/// far. Drawn only on a terminal ([`crate::term::progress_bar`]), and not
/// with `--quiet`.
struct Bar {
    bar: ProgressBar,
    stage: std::cell::RefCell<String>,
}

impl Bar {
    fn new(quiet: bool) -> Self {
        Self {
            bar: crate::term::progress_bar(None, "{spinner} {pos} calls  {msg}", quiet),
            stage: std::cell::RefCell::new(String::new()),
        }
    }
}

impl Progress for Bar {
    fn stage(&self, what: &str) {
        *self.stage.borrow_mut() = what.to_string();
        self.bar.set_message(what.to_string());
    }
    fn call_started(&self, service: &str, operation: &str) {
        let stage = self.stage.borrow().clone();
        self.bar
            .set_message(format!("{stage}  {service} {operation}"));
    }
    fn call_done(&self) {
        self.bar.inc(1);
    }
}

/// Runs `collect PROVIDER`.
pub fn run(cmd: &CollectCommand, out: &mut dyn Write, _err: &mut dyn Write) -> Result<u8> {
    let name = cmd.provider.as_str();
    let Some(entry) = live_of(PROVIDERS, name) else {
        bail!("no provider `{name}` collects live");
    };
    match entry.live {
        Live::Built(collector) => {
            let quiet = cmd
                .matches
                .try_get_one::<bool>("quiet")
                .ok()
                .flatten()
                .copied()
                .unwrap_or(false);
            let bar = Bar::new(quiet);
            let tool = format!("blastgraph {}", env!("CARGO_PKG_VERSION"));
            let result = collector.collect(&cmd.matches, &tool, &bar);
            bar.bar.finish_and_clear();
            let summary = result.map_err(|e| anyhow!("collect {name}: {e}"))?;
            out.write_all(summary.as_bytes())?;
            Ok(0)
        }
        Live::NotBuilt(feature) => bail!(
            "this blastgraph was built without live collection for {name}; build it with \
             `cargo build --release --features {feature}` (or `--features live` for every provider)"
        ),
        Live::None => bail!("no provider `{name}` collects live"),
    }
}
