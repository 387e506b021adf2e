//! Live collection against moto, offline (127.0.0.1 only).
//!
//! Index:
//! - `collect_against_moto`: one moto server, seeded by `seed.py` with a
//!   small estate; the collector runs in a child process (the standard
//!   credential chain reads fake keys from its environment); then
//!   - every expected file exists with the CLI's shape, `collection.json`
//!     records `not_found` for a bucket and a function without a policy;
//!   - the seeded secret value appears in no written file;
//!   - a second collection of the same state gives the same bytes;
//!   - `cli-snapshot.sh` (the AWS CLI) makes the same folder, and blastgraph
//!     ingests both into identical node and edge sets;
//!   - with moto enforcing IAM, an auditor denied two calls gets them
//!     recorded as `access_denied` and the rest collected.
//! - `no_credentials_is_a_clear_error`: no credentials anywhere.
//! - `child_collect`: the child process (ignored when run directly).
//!
//! Moto and the AWS CLI come from a venv: `BLASTGRAPH_MOTO_VENV`, else
//! `TARGET_DIR/moto-venv` (`CARGO_TARGET_DIR`, else the target folder this
//! test binary was built in). When it is missing (or `requirements.txt`
//! changed) the test creates it with `python3 -m venv` and pip, under a lock
//! file so that concurrent test runs bootstrap it once. Without `python3`
//! the test fails and says so.
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test fails loudly on what it does not expect"
)]

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use blastgraph_connector_aws_live::{CollectOptions, CollectionManifest, NoProgress, Status};
use serde_json::Value;

const REGION: &str = "us-east-1";
const ACCOUNT: &str = "123456789012";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn target_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("CARGO_TARGET_DIR") {
        let d = PathBuf::from(d);
        return if d.is_absolute() {
            d
        } else {
            manifest_dir().join("../..").join(d)
        };
    }
    // TARGET/debug/deps/moto-HASH
    let exe = std::env::current_exe().unwrap();
    exe.ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| manifest_dir().join("../../target"))
}

fn venv_dir() -> PathBuf {
    std::env::var_os("BLASTGRAPH_MOTO_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("moto-venv"))
}

/// Removes the bootstrap lock when dropped.
struct Lock(PathBuf);
impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn lock(path: &Path) -> Lock {
    let start = Instant::now();
    loop {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
        {
            Ok(mut f) => {
                let _ = writeln!(f, "{}", std::process::id());
                return Lock(path.to_path_buf());
            }
            Err(_) => {
                // A lock older than 20 minutes is left over from a killed run.
                let stale = std::fs::metadata(path)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| SystemTime::now().duration_since(t).ok())
                    .is_some_and(|age| age > Duration::from_secs(1200));
                if stale {
                    let _ = std::fs::remove_file(path);
                    continue;
                }
                assert!(
                    start.elapsed() < Duration::from_secs(1500),
                    "waited 25 minutes for {}",
                    path.display()
                );
                std::thread::sleep(Duration::from_millis(500));
            }
        }
    }
}

/// The venv with moto and the AWS CLI, created on first use.
fn ensure_venv() -> PathBuf {
    let venv = venv_dir();
    let requirements = manifest_dir().join("tests/requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).unwrap();
    let stamp = venv.join(".blastgraph-requirements");
    let ready = || std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted);
    if ready() {
        return venv;
    }
    if let Some(parent) = venv.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    let _lock = lock(&venv.with_extension("lock"));
    if ready() {
        return venv;
    }
    let python = Command::new("python3").arg("--version").output();
    assert!(
        python.as_ref().is_ok_and(|o| o.status.success()),
        "the moto test needs python3 (with the venv module) to install moto and the AWS CLI \
         into {}; install python3, or point BLASTGRAPH_MOTO_VENV at a venv made from {}",
        venv.display(),
        requirements.display()
    );
    eprintln!("creating {} (moto, AWS CLI) ...", venv.display());
    let ok = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .unwrap()
        .success();
    assert!(ok, "python3 -m venv {} failed", venv.display());
    let ok = Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements)
        .status()
        .unwrap()
        .success();
    assert!(ok, "pip install -r {} failed", requirements.display());
    std::fs::write(&stamp, &wanted).unwrap();
    venv
}

/// A moto server on a free port of 127.0.0.1, stopped when dropped.
struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    fn start(venv: &Path, log: &Path) -> Moto {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::fs::File::create(log).unwrap();
        let child = Command::new(venv.join("bin/moto_server"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let moto = Moto { child, port };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "moto_server did not listen on {port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        moto
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// POSTs to moto's own API.
    fn post(&self, path: &str, body: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A command with no AWS settings from the outside world: no profile
/// files, no instance metadata, no proxy.
fn clean(cmd: &mut Command) -> &mut Command {
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().to_string();
        if k.starts_with("AWS_") || k.to_ascii_lowercase().ends_with("_proxy") {
            cmd.env_remove(&k);
        }
    }
    cmd.env("AWS_CONFIG_FILE", "/nonexistent/blastgraph-test")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/blastgraph-test",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_PROXY", "127.0.0.1,localhost")
}

/// Runs the collector in a child process with these credentials.
fn collect_in_child(endpoint: &str, out: &Path, key: Option<(&str, &str)>) -> std::process::Output {
    collect_in_child_with(endpoint, out, key, false)
}

/// [`collect_in_child`], with or without `--inspect-secret-values`.
fn collect_in_child_with(
    endpoint: &str,
    out: &Path,
    key: Option<(&str, &str)>,
    inspect: bool,
) -> std::process::Output {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "child_collect", "--ignored", "--nocapture"]);
    clean(&mut cmd)
        .env("BLASTGRAPH_CHILD_ENDPOINT", endpoint)
        .env("BLASTGRAPH_CHILD_OUT", out);
    if inspect {
        cmd.env("BLASTGRAPH_CHILD_INSPECT", "1");
    }
    if let Some((id, secret)) = key {
        cmd.env("AWS_ACCESS_KEY_ID", id)
            .env("AWS_SECRET_ACCESS_KEY", secret);
    }
    cmd.output().unwrap()
}

#[test]
#[ignore = "the child process of the moto tests; runs only when they start it"]
fn child_collect() {
    let (Some(endpoint), Some(out)) = (
        std::env::var_os("BLASTGRAPH_CHILD_ENDPOINT"),
        std::env::var_os("BLASTGRAPH_CHILD_OUT"),
    ) else {
        return;
    };
    let opts = CollectOptions {
        regions: vec![REGION.into()],
        endpoint_url: Some(endpoint.to_string_lossy().into()),
        out_dir: PathBuf::from(out),
        tool: "blastgraph test".into(),
        // moto answers an operation it lacks with HTTP 500, which the SDK
        // would retry: two attempts keep the test fast.
        max_attempts: 2,
        inspect_values: std::env::var_os("BLASTGRAPH_CHILD_INSPECT").is_some(),
        ..CollectOptions::default()
    };
    if let Err(e) = blastgraph_connector_aws_live::collect(&opts, &NoProgress) {
        eprintln!("collect error: {e}");
        std::process::exit(2);
    }
}

fn files_under(dir: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

fn read_json(dir: &Path, rel: &str) -> Value {
    let bytes = std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert!(bytes.ends_with(b"}\n"), "{rel}: pretty JSON with a newline");
    serde_json::from_slice(&bytes).unwrap()
}

fn names(v: &Value, list: &str, key: &str) -> Vec<String> {
    v[list]
        .as_array()
        .unwrap_or_else(|| panic!("no list {list}"))
        .iter()
        .filter_map(|x| x[key].as_str().map(str::to_string))
        .collect()
}

/// Every date the CLI would print: `2024-01-01T00:00:00[.ffffff]+00:00`.
fn assert_dates(v: &Value, path: &str) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{path}.{k}");
                if (k.ends_with("Date") || k.ends_with("Time")) && x.is_string() {
                    let s = x.as_str().unwrap();
                    let ok = s.len() >= 25
                        && s.ends_with("+00:00")
                        && s.as_bytes()[10] == b'T'
                        && (s.len() == 25 || (s.len() == 32 && s.as_bytes()[19] == b'.'));
                    assert!(ok, "{p}: `{s}` is not a CLI date");
                }
                assert_dates(x, &p);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                assert_dates(x, &format!("{path}[{i}]"));
            }
        }
        _ => {}
    }
}

fn manifest(dir: &Path) -> CollectionManifest {
    serde_json::from_value(read_json(dir, "collection.json")).unwrap()
}

fn call<'m>(
    m: &'m CollectionManifest,
    service: &str,
    op: &str,
    target: Option<&str>,
) -> &'m blastgraph_connector_aws_live::CallRecord {
    m.calls
        .iter()
        .find(|c| c.service == service && c.operation == op && c.target.as_deref() == target)
        .unwrap_or_else(|| panic!("no call {service} {op} {target:?}"))
}

/// Nodes and edges of the graph blastgraph builds from a folder, without
/// the input file names.
type Facts = (BTreeSet<String>, BTreeSet<String>);

fn graph_facts(dir: &Path) -> Facts {
    graph_facts_with(dir, false)
}

/// [`graph_facts`], with or without `--inspect-secret-values`.
fn graph_facts_with(dir: &Path, inspect_secret_values: bool) -> Facts {
    let args = blastgraph_cli::args::InputArgs {
        input: vec![dir.to_path_buf()],
        quiet: true,
        inspect_secret_values,
        spill: Default::default(),
    };
    let mut sink = Vec::new();
    let g = blastgraph_cli::inputs::load(&args, &mut sink).unwrap();
    let nodes = (0..g.node_count() as u32)
        .map(|n| {
            let r = g.node(n);
            format!(
                "{} | {} | {} | {} | {:?} | {:?}",
                r.id, r.name, r.provider, r.kind, r.class, r.attrs
            )
        })
        .collect();
    let edges = (0..g.edge_count() as u32)
        .map(|e| {
            let c = g.edge(e);
            let p = g.provenance(e);
            format!(
                "{} -> {} | {:?} {:?} {:?} | {:?} {:?} | {} | {}",
                g.id(c.from),
                g.id(c.to),
                c.kind,
                c.access,
                g.mechanism(e),
                c.conditional,
                g.condition(e),
                p.location,
                p.reason
            )
        })
        .collect();
    (nodes, edges)
}

#[test]
fn collect_against_moto() {
    let venv = ensure_venv();
    let tmp = tempfile::tempdir().unwrap();
    let moto = Moto::start(&venv, &tmp.path().join("moto.log"));
    let marker = format!(
        "blastgraph-secret-{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );

    // Seed.
    let seed = Command::new(venv.join("bin/python"))
        .arg(manifest_dir().join("tests/seed.py"))
        .arg(moto.url())
        .arg(&marker)
        .output()
        .unwrap();
    assert!(
        seed.status.success(),
        "seed.py failed: {}",
        String::from_utf8_lossy(&seed.stderr)
    );
    let seeded: Value = serde_json::from_slice(&seed.stdout).unwrap();
    assert_eq!(seeded["account"], ACCOUNT);
    eprintln!("seeded; moto could not create: {}", seeded["skipped"]);

    // Collect.
    let out = tmp.path().join("collect");
    let run = collect_in_child(&moto.url(), &out, Some(("testing", "testing")));
    assert!(
        run.status.success(),
        "collect failed: {}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );

    // Files and shapes.
    let g = format!("{ACCOUNT}/global");
    let r = format!("{ACCOUNT}/{REGION}");
    let files = files_under(&out);
    for f in [
        "collection.json".to_string(),
        format!("{g}/iam/get-account-authorization-details.json"),
        format!("{g}/iam/list-access-keys/alice.json"),
        format!("{g}/s3/list-buckets.json"),
        format!("{g}/s3/get-bucket-policy/training-data.json"),
        format!("{r}/kms/list-keys.json"),
        format!("{r}/secretsmanager/list-secrets.json"),
        format!("{r}/secretsmanager/get-resource-policy/prod%2Fdb%2Fpassword.json"),
        format!("{r}/ssm/describe-parameters.json"),
        format!("{r}/ssm/list-tags-for-resource/%2Fprod%2Fapi-key.json"),
        format!("{r}/lambda/list-functions.json"),
        format!("{r}/lambda/get-policy/summarize.json"),
        format!("{r}/sns/list-topics.json"),
        format!("{r}/sns/get-topic-attributes/alerts.json"),
        format!("{r}/sqs/list-queues.json"),
        format!("{r}/sqs/get-queue-attributes/jobs.json"),
        format!("{r}/dynamodb/list-tables.json"),
        format!("{r}/sagemaker/list-models.json"),
        format!("{r}/sagemaker/list-notebook-instances.json"),
        format!("{r}/sagemaker/describe-notebook-instance/research.json"),
        format!("{r}/ec2/describe-instances.json"),
        format!("{r}/glue/get-jobs.json"),
        format!("{r}/ecs/list-clusters.json"),
        format!("{r}/ecs/list-container-instances/inference.json"),
        format!("{r}/lambda/list-event-source-mappings.json"),
        "organizations/describe-organization.json".to_string(),
        "organizations/list-accounts.json".to_string(),
        "organizations/list-policies/SERVICE_CONTROL_POLICY.json".to_string(),
    ] {
        assert!(files.contains(&f), "missing {f}; have {files:#?}");
    }
    assert!(!files.contains(&format!("{g}/s3/get-bucket-policy/scratch.json")));
    assert!(!files.contains(&format!("{r}/lambda/get-policy/no-policy.json")));
    for f in &files {
        assert_dates(&read_json(&out, f), f);
    }

    let auth = read_json(
        &out,
        &format!("{g}/iam/get-account-authorization-details.json"),
    );
    let users = names(&auth, "UserDetailList", "UserName");
    for u in ["alice", "ci-bot", "bounded", "auditor"] {
        assert!(users.contains(&u.to_string()), "{users:?}");
    }
    let roles = names(&auth, "RoleDetailList", "RoleName");
    for role in ["ci", "deployer", "app", "notebook"] {
        assert!(roles.contains(&role.to_string()), "{roles:?}");
    }
    let deployer = auth["RoleDetailList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["RoleName"] == "deployer")
        .unwrap();
    // IAM documents are decoded as the CLI decodes them.
    assert_eq!(
        deployer["AssumeRolePolicyDocument"]["Statement"][0]["Action"],
        "sts:AssumeRole"
    );
    let app = auth["RoleDetailList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["RoleName"] == "app")
        .unwrap();
    assert_eq!(
        app["InstanceProfileList"][0]["InstanceProfileName"], "app",
        "instance profiles are listed with their role"
    );
    // moto leaves `PolicyName` out of `Policies` (a gap of moto, not of the
    // collector: the SDK passes on what the service sends).
    assert!(
        names(&auth, "Policies", "Arn")
            .contains(&format!("arn:aws:iam::{ACCOUNT}:policy/ReadTrainingData"))
    );

    // The Glue job with its role as given (a name); its arguments (which
    // held the marker) are not collected.
    let jobs = read_json(&out, &format!("{r}/glue/get-jobs.json"));
    assert_eq!(jobs["Jobs"][0]["Name"], "nightly", "{jobs:#}");
    assert_eq!(jobs["Jobs"][0]["Role"], "notebook", "{jobs:#}");
    assert!(
        jobs["Jobs"][0].get("DefaultArguments").is_none(),
        "{jobs:#}"
    );
    let clusters = read_json(&out, &format!("{r}/ecs/list-clusters.json"));
    assert_eq!(
        clusters["clusterArns"],
        serde_json::json!([format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/inference")]),
        "{clusters:#}"
    );

    let policy = read_json(
        &out,
        &format!("{g}/s3/get-bucket-policy/training-data.json"),
    );
    assert!(policy["Policy"].as_str().unwrap().contains("role/app"));
    let secret = read_json(
        &out,
        &format!("{r}/secretsmanager/get-resource-policy/prod%2Fdb%2Fpassword.json"),
    );
    assert!(
        secret["ResourcePolicy"]
            .as_str()
            .unwrap()
            .contains("GetSecretValue")
    );
    let params = read_json(&out, &format!("{r}/ssm/describe-parameters.json"));
    assert!(names(&params, "Parameters", "Name").contains(&"/prod/api-key".to_string()));
    // Tags of SecureString parameters only (`plain` is a String).
    let tags = read_json(
        &out,
        &format!("{r}/ssm/list-tags-for-resource/%2Fprod%2Fapi-key.json"),
    );
    assert_eq!(tags["TagList"][0]["Key"], "credential-of");
    assert!(
        !files
            .iter()
            .any(|f| f.contains("list-tags-for-resource/plain"))
    );
    let fns = read_json(&out, &format!("{r}/lambda/list-functions.json"));
    assert_eq!(fns["Functions"][0]["FunctionName"], "summarize");
    assert!(fns["Functions"][0].get("Environment").is_none());
    let lp = read_json(&out, &format!("{r}/lambda/get-policy/summarize.json"));
    assert!(lp["Policy"].as_str().unwrap().contains("sns.amazonaws.com"));
    let topic = read_json(&out, &format!("{r}/sns/get-topic-attributes/alerts.json"));
    assert!(
        topic["Attributes"]["Policy"]
            .as_str()
            .unwrap()
            .contains("sns:Publish")
    );
    let queue = read_json(&out, &format!("{r}/sqs/get-queue-attributes/jobs.json"));
    assert!(
        queue["Attributes"]["Policy"]
            .as_str()
            .unwrap()
            .contains("sqs:SendMessage")
    );
    assert_eq!(
        read_json(&out, &format!("{r}/dynamodb/list-tables.json"))["TableNames"],
        serde_json::json!(["features"])
    );
    let nb = read_json(
        &out,
        &format!("{r}/sagemaker/describe-notebook-instance/research.json"),
    );
    assert!(nb["RoleArn"].as_str().unwrap().ends_with(":role/notebook"));
    let ec2 = read_json(&out, &format!("{r}/ec2/describe-instances.json"));
    assert!(
        ec2["Reservations"][0]["Instances"][0]["IamInstanceProfile"]["Arn"]
            .as_str()
            .unwrap()
            .ends_with(":instance-profile/app")
    );

    // The manifest.
    let m = manifest(&out);
    assert_eq!(m.format, "blastgraph-aws-collection");
    assert_eq!(m.version, 1);
    assert_eq!(m.accounts, [ACCOUNT]);
    assert_eq!(m.regions, [REGION]);
    assert_eq!(
        call(&m, "s3", "get-bucket-policy", Some("scratch")).status,
        Status::NotFound
    );
    assert_eq!(
        call(&m, "lambda", "get-policy", Some("no-policy")).status,
        Status::NotFound
    );
    let ok = call(&m, "kms", "list-keys", None);
    assert_eq!(ok.status, Status::Ok);
    assert_eq!(
        ok.file.as_deref(),
        Some(format!("{r}/kms/list-keys.json").as_str())
    );
    for c in &m.calls {
        if let Some(f) = &c.file {
            assert!(files.contains(f), "manifest names {f}, not written");
        }
        if c.status != Status::Ok {
            eprintln!(
                "recorded: {} {} {:?}: {:?} {}",
                c.service,
                c.operation,
                c.target,
                c.status,
                c.message.as_deref().unwrap_or("")
            );
        }
    }

    // No secret value anywhere.
    let leaks = |dir: &Path| -> Vec<String> {
        files_under(dir)
            .into_iter()
            .filter(|f| {
                String::from_utf8_lossy(&std::fs::read(dir.join(f)).unwrap()).contains(&marker)
            })
            .collect()
    };
    assert_eq!(leaks(&out), Vec::<String>::new(), "secret value written");

    // Same state, same bytes.
    let again = tmp.path().join("again");
    let run = collect_in_child(&moto.url(), &again, Some(("testing", "testing")));
    assert!(run.status.success());
    assert_eq!(files_under(&again), files);
    for f in &files {
        if f == "collection.json" {
            // the one field that records a time: when the collection began
            let without_time = |dir: &Path| {
                let mut v: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(dir.join(f)).unwrap()).unwrap();
                let at = v.as_object_mut().unwrap().remove("collected_at");
                assert!(
                    at.as_ref()
                        .and_then(|t| t.as_str())
                        .is_some_and(|t| t.ends_with('Z') && t.len() == 20),
                    "collected_at: {at:?}"
                );
                v
            };
            assert_eq!(without_time(&out), without_time(&again));
            continue;
        }
        assert!(
            std::fs::read(out.join(f)).unwrap() == std::fs::read(again.join(f)).unwrap(),
            "{f} differs between two collections of the same state:\n{}\n---\n{}",
            std::fs::read_to_string(out.join(f)).unwrap(),
            std::fs::read_to_string(again.join(f)).unwrap()
        );
    }

    // The AWS CLI makes the same folder; blastgraph reads the same graph.
    let cli = tmp.path().join("cli");
    let conf = tmp.path().join("aws-config");
    std::fs::write(&conf, "[default]\ncli_timestamp_format = iso8601\n").unwrap();
    let path = format!(
        "{}:{}",
        venv.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.arg(manifest_dir().join("tests/cli-snapshot.sh"))
        .arg(&cli)
        .arg(REGION);
    let script = clean(&mut cmd)
        .env("PATH", path)
        .env("AWS_CONFIG_FILE", &conf)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("ENDPOINT_URL", moto.url())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        script.status.success(),
        "cli-snapshot.sh failed: {}",
        String::from_utf8_lossy(&script.stderr)
    );
    assert_eq!(
        leaks(&cli),
        Vec::<String>::new(),
        "secret value in the CLI's folder"
    );
    // A moto gap: moto sends Bedrock agents' `updatedAt` as epoch numbers
    // where the API model says ISO 8601 strings; botocore accepts them, the
    // SDK rejects the answer (recorded as `error`), so only the CLI's folder
    // has `bedrock-agent/list-agents.json` and `get-agent/*.json`.
    let moto_gap = |f: &String| {
        f.contains("/bedrock-agent/get-agent/") || f.ends_with("/bedrock-agent/list-agents.json")
    };
    let cli_files: BTreeSet<String> = files_under(&cli)
        .into_iter()
        .filter(|f| !moto_gap(f))
        .collect();
    let ours: BTreeSet<String> = files
        .iter()
        .filter(|f| *f != "collection.json")
        .cloned()
        .collect();
    assert_eq!(
        ours.symmetric_difference(&cli_files).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "the collector and the AWS CLI wrote different files"
    );
    let (ours_nodes, ours_edges) = graph_facts(&out);
    // The same moto gap in the graph: the agent (and what hangs off it) is
    // only in the CLI's folder.
    let agent_gap = |x: &String| !x.contains(":agent/") && !x.contains(":agent-alias/");
    let (cli_nodes, cli_edges) = graph_facts(&cli);
    let cli_nodes: BTreeSet<String> = cli_nodes.into_iter().filter(agent_gap).collect();
    let cli_edges: BTreeSet<String> = cli_edges.into_iter().filter(agent_gap).collect();
    assert!(
        ours_nodes
            .iter()
            .any(|n| n.starts_with(&format!("arn:aws:iam::{ACCOUNT}:role/deployer |"))),
        "{ours_nodes:#?}"
    );
    assert!(!ours_edges.is_empty());
    // The Glue job is a target (its role by name: existing.rs `glue_update_job`).
    assert!(
        ours_nodes
            .iter()
            .any(|n| n.starts_with(&format!("arn:aws:glue:{REGION}:{ACCOUNT}:job/nightly |"))),
        "{ours_nodes:#?}"
    );
    assert_eq!(
        ours_nodes
            .symmetric_difference(&cli_nodes)
            .collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "nodes differ"
    );
    assert_eq!(
        ours_edges
            .symmetric_difference(&cli_edges)
            .collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "edges differ"
    );

    // --inspect-secret-values: the values are read in memory and none is
    // written; what one holds (alice's access key id) links its secret to
    // her key, with the flag only.
    let inspected = tmp.path().join("inspected");
    let run = collect_in_child_with(&moto.url(), &inspected, Some(("testing", "testing")), true);
    assert!(
        run.status.success(),
        "collect --inspect-secret-values failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        leaks(&inspected),
        Vec::<String>::new(),
        "secret value written"
    );
    let found = read_json(
        &inspected,
        &format!("{r}/secretsmanager/blastgraph-inspected.json"),
    );
    let entry = found["inspected"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| {
            x["secret"]
                .as_str()
                .unwrap()
                .contains(":secret:ci/alice-key-")
        })
        .unwrap_or_else(|| panic!("{found:#}"));
    assert_eq!(entry["found"][0]["kind"], "aws access key", "{found:#}");
    let m = manifest(&inspected);
    assert!(
        m.calls.iter().any(|c| c.operation == "get-secret-value"
            && c.status == Status::Ok
            && c.file.is_none()),
        "the value reads are recorded, with no file"
    );
    let secret = format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:ci/alice-key");
    let holds = |facts: &Facts| {
        facts
            .1
            .iter()
            .filter(|x| x.starts_with(&format!("{secret} -> ")) && x.contains("HoldsCredential"))
            .cloned()
            .collect::<Vec<_>>()
    };
    let with = holds(&graph_facts_with(&inspected, true));
    assert_eq!(with.len(), 1, "{with:#?}");
    assert!(with[0].contains("value inspection"), "{with:#?}");
    assert_eq!(
        holds(&graph_facts_with(&inspected, false)),
        Vec::<String>::new()
    );

    // Denied calls are recorded and the collection goes on.
    let reply = moto.post("/moto-api/reset-auth", "0");
    assert!(reply.contains("\"ok\""), "{reply}");
    let denied = tmp.path().join("denied");
    let auditor = (
        seeded["auditor"]["id"].as_str().unwrap(),
        seeded["auditor"]["secret"].as_str().unwrap(),
    );
    let run = collect_in_child(&moto.url(), &denied, Some(auditor));
    assert!(
        run.status.success(),
        "collect as the auditor failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let m = manifest(&denied);
    let key_policies: Vec<_> = m
        .calls
        .iter()
        .filter(|c| c.service == "kms" && c.operation == "get-key-policy")
        .collect();
    assert!(!key_policies.is_empty());
    for c in key_policies {
        assert_eq!(c.status, Status::AccessDenied, "{c:?}");
        assert!(c.file.is_none());
        // moto answers these JSON-protocol calls with an XML error body the
        // SDK cannot read: the status comes from HTTP 403.
        assert!(
            c.message.as_deref().unwrap_or("").starts_with("HTTP 403"),
            "{c:?}"
        );
    }
    let c = call(&m, "sagemaker", "list-endpoints", None);
    assert_eq!(c.status, Status::AccessDenied, "{c:?}");
    assert_eq!(
        call(&m, "iam", "get-account-authorization-details", None).status,
        Status::Ok
    );
    assert!(files_under(&denied).contains(&format!("{r}/kms/list-keys.json")));
    assert!(!files_under(&denied).contains(&format!("{r}/sagemaker/list-endpoints.json")));
}

#[test]
fn no_credentials_is_a_clear_error() {
    // Nothing listens on port 9 of 127.0.0.1; no request gets that far.
    let tmp = tempfile::tempdir().unwrap();
    let run = collect_in_child("http://127.0.0.1:9", &tmp.path().join("out"), None);
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("no AWS credentials found"), "{err}");
}
