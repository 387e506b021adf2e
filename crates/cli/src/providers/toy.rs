//! A test-only provider, registered in one line of [`super::PROVIDERS`]:
//! files `{"format": "toy-estate", "identities": ["a", ...]}` become
//! workload nodes `toy:a`, and `collect toy -o DIR` writes one such file.

use blastgraph_model::collect::{CollectError, Collector, Progress};
use blastgraph_model::json::{Obj, RecordError, parse_document};
use blastgraph_model::{Class, Connector, EstateBuilder, IngestError, Node, Provider};

/// The toy connector.
pub struct Toy;

/// The toy in the registry.
pub static PROVIDER: Provider = Provider {
    name: "toy",
    accepts: "a toy estate (`\"format\": \"toy-estate\"`)",
    docs: "crates/cli/src/providers/toy.rs",
    connector: &Toy,
};

impl Connector for Toy {
    fn name(&self) -> &'static str {
        "toy"
    }
    fn detect(&self, _path: &str, head: &[u8]) -> bool {
        String::from_utf8_lossy(head).contains("\"toy-estate\"")
    }
    fn ingest(&self, path: &str, bytes: &[u8], out: &mut EstateBuilder) -> Result<(), IngestError> {
        let doc = parse_document(path, bytes)?;
        let top = Obj::new(&doc, "$".into()).map_err(
            |RecordError {
                 location, message, ..
             }| IngestError::Shape {
                file: path.to_string(),
                location,
                message,
            },
        )?;
        let ids = top.map.get("identities").and_then(|v| v.as_array());
        for (i, id) in ids.into_iter().flatten().enumerate() {
            let Some(id) = id.as_str() else {
                out.error(format!("$.identities[{i}]"), "expected a string");
                continue;
            };
            out.add_node(
                Node {
                    id: format!("toy:{id}"),
                    name: id.to_string(),
                    provider: "toy".into(),
                    kind: "toy:identity".into(),
                    class: Class::Workload,
                    attrs: Default::default(),
                },
                &format!("$.identities[{i}]"),
            );
        }
        Ok(())
    }
}

/// The toy collector.
pub struct ToyCollector;

/// The toy collector in the registry.
pub static COLLECTOR: ToyCollector = ToyCollector;

impl Collector for ToyCollector {
    fn command(&self) -> clap::Command {
        clap::Command::new("toy")
            .about("toy: writes one toy estate")
            .arg(
                clap::Arg::new("output")
                    .long("output")
                    .short('o')
                    .required(true)
                    .value_parser(clap::value_parser!(std::path::PathBuf)),
            )
    }
    fn collect(
        &self,
        args: &clap::ArgMatches,
        tool: &str,
        progress: &dyn Progress,
    ) -> Result<String, CollectError> {
        let dir = args
            .get_one::<std::path::PathBuf>("output")
            .ok_or("no --output")?;
        progress.stage("toy");
        std::fs::create_dir_all(dir)?;
        let body = format!(
            "{{\"format\": \"toy-estate\", \"tool\": \"{tool}\", \"identities\": [\"alpha\", \"beta\"]}}\n"
        );
        std::fs::write(dir.join("toy.json"), body)?;
        progress.call_done();
        Ok(format!("wrote 1 file to {}\n", dir.display()))
    }
}
