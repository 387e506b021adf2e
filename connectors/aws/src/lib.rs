//! AWS connector: offline ingest of AWS identities, policies and resources.
//!
//! [`AwsAuthDetailsConnector`] reads the JSON that
//! `aws iam get-account-authorization-details` prints and the rest of the
//! raw snapshot layout of `docs/aws-raw-layout.md`, and emits normalized
//! facts into an [`EstateBuilder`]. `docs/aws-connector.md` describes the
//! design (many files at once, parse-then-validate, the nodes and edges it
//! gives, the evaluation, the escalation families and what is left out);
//! `docs/aws-escalation-methods.md` the catalogue of escalation methods.

mod access;
mod inventory;
pub mod layout;

pub use layout::encode_name;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use blastgraph_model::json::{
    Obj, RecordError, for_each_record, read_document, strip_bom, type_name,
};
use blastgraph_model::{
    Attributes, Class, Connector, Edge, EdgeKind, EdgeTable, EstateBuilder, IngestError, InputFile,
    Node, Provenance,
};
use blastgraph_policy::{
    Context, Evaluation, KeyClass, Policy, PolicyKind, PolicySet, Principal, Request, RequestTime,
    Statement, StatementRef, evaluate,
};
use rayon::prelude::*;
use serde_json::Value;

mod assume;
mod bounded;
mod ceiling;
mod cognito;
pub mod collection;
mod emit;
mod escalation;
mod hub;
mod methods;
mod org;
mod parse;
mod pass_role;
mod providers;
mod sources;
mod sso;
mod tables;
mod takeover;
mod through;
mod unseen;
use emit::*;
use parse::*;
pub use tables::{
    INSTANCE_PROFILE_METHODS, InstanceProfileMethod, PASS_ROLE_CAVEATS, PASS_ROLE_METHODS,
};

/// The format name recorded in the manifest.
pub const FORMAT: &str = "aws-authorization-details";

/// The tag that sets a user's class (`human` or `workload`).
pub const CLASS_TAG: &str = "blastgraph:class";

/// The condition key naming the permissions boundary of the principal an
/// IAM write targets (`Put*Policy`, `Attach*Policy` on users and roles).
const BOUNDARY_KEY: &str = "iam:PermissionsBoundary";

/// The condition key naming the policy an `Attach*Policy` attaches.
const POLICY_ARN_KEY: &str = "iam:PolicyARN";

/// `iam:CreateServiceSpecificCredential` (row 2.6): a credential for one
/// service (CodeCommit, Keyspaces, Bedrock API keys) of another user.
const SERVICE_CREDENTIAL: &str = "iam:CreateServiceSpecificCredential";

/// Actions of the services that issue service-specific credentials: a
/// user whose policies may allow none of them gains nothing from one.
const SERVICE_CREDENTIAL_ACTIONS: [&str; 3] = [
    "codecommit:GitPull",
    "cassandra:Select",
    "bedrock:InvokeModel",
];

/// PassRole rows that run a task on a cluster that must already exist.
const ECS_CLUSTER_ROWS: [&str; 2] = [
    "ecs-register-task-definition-run-task",
    "ecs-register-task-definition-create-service",
];

/// How many versions IAM keeps of a managed policy; a sixth needs
/// `iam:DeletePolicyVersion` first.
const MAX_POLICY_VERSIONS: usize = 5;

/// One family-1 write found possible by [`Reader::escalation_write`].
struct EscalationWrite<'a> {
    /// The evaluation of the write itself.
    eval: Evaluation<'a>,
    /// `iam:…` actions joined by `+`.
    mechanism: String,
    /// Text for the reason (the policy attached, the version deleted).
    note: String,
    /// Undecided conditions of a second request the write needs.
    conditions: Vec<String>,
}

/// The id of an account's admin scope node: `aws:account/ACCOUNT/admin`
/// ([`blastgraph_model::ids::aws_account_admin`]).
pub fn account_admin_id(account: &str) -> String {
    blastgraph_model::ids::aws_account_admin(account)
}

/// AWS in the provider registry (live collection: the
/// `blastgraph-connector-aws-live` crate).
pub static PROVIDER: blastgraph_model::Provider = blastgraph_model::Provider {
    name: "aws",
    accepts: "the output of `aws iam get-account-authorization-details` or a file of the AWS raw snapshot layout",
    docs: "docs/aws-raw-layout.md",
    connector: &AwsAuthDetailsConnector,
};

/// Reads `aws iam get-account-authorization-details` output.
#[derive(Debug, Default, Clone, Copy)]
pub struct AwsAuthDetailsConnector;

impl Connector for AwsAuthDetailsConnector {
    fn name(&self) -> &'static str {
        FORMAT
    }

    /// A JSON object whose head names one of the detail lists. The CLI prints
    /// `UserDetailList` first, and a large user list can push the other keys
    /// out of the head, so any one of the three quoted list keys is enough.
    fn detect(&self, path: &str, head: &[u8]) -> bool {
        is_auth_details(head) || layout::claims(path, head)
    }

    fn ingest(&self, path: &str, bytes: &[u8], out: &mut EstateBuilder) -> Result<(), IngestError> {
        read_one(path, bytes, out, false)
    }

    /// Reads authorization details of any number of accounts,
    /// Organizations policies, inventories and resource policies of the raw
    /// layout. Cross-account trust, SCPs and resource policies need other
    /// accounts' files: the files of one account are read whole, an
    /// organisation one account at a time against an index of what each
    /// exposes to the others (`org`, docs/org-ingest.md), which holds one
    /// account and what it depends on instead of all of them.
    fn ingest_all(&self, files: &[InputFile<'_>], out: &mut EstateBuilder) {
        org::read_by_account(files, out, org::Select::Auto);
    }

    /// One unit per account (its layout folder, or the account of an
    /// authorization-details file's first IAM ARN).
    fn units(&self, files: &[InputFile<'_>]) -> Vec<(String, u64)> {
        org::units(files)
    }

    /// The passes of the kept accounts (docs/org-ingest.md): each reads
    /// what other accounts expose to it, so the parts together hold every
    /// cross-account edge.
    fn ingest_units(
        &self,
        files: &[InputFile<'_>],
        out: &mut EstateBuilder,
        keep: &dyn Fn(&str) -> bool,
    ) {
        org::read_by_account(files, out, org::Select::Units(keep));
    }
}

/// [`AwsAuthDetailsConnector`] reading every file before emitting anything,
/// whatever the accounts: the reading the tests and the benchmark compare
/// [`ReadByAccount`] with. Not registered.
#[derive(Debug, Default, Clone, Copy)]
pub struct ReadWhole;

impl Connector for ReadWhole {
    fn name(&self) -> &'static str {
        FORMAT
    }

    fn detect(&self, path: &str, head: &[u8]) -> bool {
        AwsAuthDetailsConnector.detect(path, head)
    }

    fn ingest(&self, path: &str, bytes: &[u8], out: &mut EstateBuilder) -> Result<(), IngestError> {
        read_one(path, bytes, out, false)
    }

    fn ingest_all(&self, files: &[InputFile<'_>], out: &mut EstateBuilder) {
        read_all(files, out, false);
    }
}

/// [`AwsAuthDetailsConnector`] reading one account at a time even when
/// the files are of one account: an index pass, then one pass per account
/// holding that account and what it depends on (docs/org-ingest.md). The
/// nodes and edges are the same as [`ReadWhole`]'s (the tests' fixture
/// builder checks every case both ways, and `AWS_BENCH_READ` times both).
/// Not registered.
#[derive(Debug, Default, Clone, Copy)]
pub struct ReadByAccount;

impl Connector for ReadByAccount {
    fn name(&self) -> &'static str {
        FORMAT
    }

    fn detect(&self, path: &str, head: &[u8]) -> bool {
        AwsAuthDetailsConnector.detect(path, head)
    }

    fn ingest(&self, path: &str, bytes: &[u8], out: &mut EstateBuilder) -> Result<(), IngestError> {
        read_one(path, bytes, out, true)
    }

    fn ingest_all(&self, files: &[InputFile<'_>], out: &mut EstateBuilder) {
        org::read_by_account(files, out, org::Select::Always);
    }
}

/// Reads one file, then emits (one account at a time with `by_account`).
fn read_one(
    path: &str,
    bytes: &[u8],
    out: &mut EstateBuilder,
    by_account: bool,
) -> Result<(), IngestError> {
    let mut reader = Reader::new();
    reader.begin_file(path);
    let r = reader.read_file(path, bytes, out);
    reader.finish(out, by_account);
    r
}

/// Reads every file, then emits (one account at a time with `by_account`).
fn read_all(files: &[InputFile<'_>], out: &mut EstateBuilder, by_account: bool) {
    let mut reader = Reader::new();
    for f in files {
        out.begin_input(f.path, FORMAT, f.sha256.to_string(), f.bytes.len() as u64);
        reader.begin_file(f.path);
        if let Err(e) = reader.read_file(f.path, f.bytes, out) {
            out.file_error(&e);
        }
    }
    reader.finish(out, by_account);
}

/// A JSON object whose head names one of the detail lists. The CLI prints
/// `UserDetailList` first, and a large user list can push the other keys
/// out of the head, so any one of the three quoted list keys is enough.
fn is_auth_details(head: &[u8]) -> bool {
    let head = String::from_utf8_lossy(strip_bom(head));
    head.trim_start().starts_with('{')
        && [
            "\"UserDetailList\"",
            "\"RoleDetailList\"",
            "\"GroupDetailList\"",
        ]
        .iter()
        .any(|k| head.contains(k))
}

/// Whether a principal is a user, a group or a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdKind {
    User,
    Group,
    Role,
}

/// One validated user, group or role.
struct Ident {
    kind: IdKind,
    arn: String,
    /// `user/alice`, `role/deploy`, `group/devs` (for reasons).
    label: String,
    account: String,
    /// JSON path of the record.
    path: String,
    /// The file it came from (index into the reader's files).
    file: usize,
    /// Own inline and attached managed policies (indices into the arena).
    policies: Vec<usize>,
    /// For users: their groups (indices into the identities).
    groups: Vec<usize>,
    boundary: Option<usize>,
    trust: Option<usize>,
    /// The AWS principals the trust policy names (`None`: it may trust
    /// anyone, or it could not be read), for the principal index.
    trusted: Option<Vec<Trusted>>,
    /// The decoded trust document, kept only when a statement names a
    /// federated principal (OIDC, SAML): most roles do not, and an
    /// organization holds hundreds of thousands of them.
    trust_doc: Option<Value>,
    principal: Option<Principal>,
    /// A bounded identity (`bounded`): no file record; never a target.
    synthetic: bool,
}

/// A user or role that can make requests, with its effective policies.
struct Caller<'r> {
    /// Index into the identities.
    ix: usize,
    ident: &'r Ident,
    principal: &'r Principal,
    /// Its inline, attached and group policies (indices into the documents).
    ids: Vec<usize>,
    /// The same, parsed.
    identity: Vec<&'r Policy>,
    boundary: Option<&'r Policy>,
    /// The SCPs of its account, one entry per level.
    scp: Vec<Vec<&'r Policy>>,
}

/// One parsed policy document.
struct Doc {
    policy: Policy,
    /// JSON path of the document.
    path: String,
    /// The file it came from.
    file: usize,
    /// The managed policy ARN, for managed policies.
    arn: Option<String>,
}

/// The facts of every file read: identities, policies, the inventories,
/// and the indices over them. Parsing ([`Reader`]) fills them; the rules
/// (`emit`, `assume`, `escalation`, `takeover`, `pass_role`, `ceiling`,
/// `through`, `providers`, `access`) are functions of them (`&Facts`) that
/// hand edges to the builder.
struct Facts {
    /// Every file read, in order; records point into it.
    files: Vec<String>,
    docs: Vec<Doc>,
    /// Managed policy ARN → arena index (default version).
    managed: HashMap<String, usize>,
    /// Managed policy ARN → its non-default versions (indices into `docs`),
    /// with their version ids.
    other_versions: HashMap<String, Vec<(usize, String)>>,
    /// Managed policy ARN → how many versions it has.
    policy_versions: HashMap<String, usize>,
    idents: Vec<Ident>,
    /// `ACCOUNT/group name` → index into `idents`.
    group_by_name: HashMap<String, usize>,
    accounts: BTreeSet<String>,
    nodes_added: BTreeSet<String>,
    /// Identity ARN → index into `idents`.
    ident_by_arn: HashMap<String, usize>,
    /// Policy name (as given to the parser) → arena index.
    doc_by_name: HashMap<String, usize>,
    /// A parsed policy's address → arena index; filled once every file is
    /// read (the arena does not move after that), to find the document of
    /// a statement an evaluation names.
    doc_by_addr: HashMap<usize, usize>,
    /// Instance profile ARN → role ARN (`InstanceProfileList` of roles).
    profile_role: HashMap<String, String>,
    /// `arn:…:role/NAME` (path left out) → the role's ARN, built on first use.
    role_by_name: std::sync::OnceLock<HashMap<String, String>>,
    /// The users and roles an identity-policy write can reach, built on
    /// first use (`through::WriteIndex`).
    write_index: std::sync::OnceLock<through::WriteIndex>,
    /// Per account, the AWS Batch facts the Batch rows need (job queues a
    /// job can be submitted to, the Batch service-linked role), built on
    /// first use.
    batch: std::sync::OnceLock<HashMap<String, pass_role::BatchFacts>>,
    /// (account, service) of every service-linked role, built on first use.
    service_linked: std::sync::OnceLock<std::collections::HashSet<(String, String)>>,
    /// Role ARN → the ARNs of its instance profiles.
    instance_profiles: HashMap<String, Vec<String>>,
    /// Managed policies that may allow everything (an `Allow` statement
    /// whose action and resource may match any), by ARN, built on first
    /// use: the only candidates [`Facts::admin_equivalent_policies`]
    /// evaluates for each caller.
    admin_candidates: std::sync::OnceLock<Vec<(String, usize)>>,
    /// The raw layout beyond IAM.
    inv: inventory::Inventory,
    /// Account → the creation date of its oldest IAM identity, in
    /// milliseconds: the account is at least that old.
    account_oldest: HashMap<String, i64>,
    /// (account, boundary document, role?) → the bounded identity (index
    /// into `idents`).
    bounded: HashMap<(String, usize, bool), usize>,
    /// The newest date in the authorization details (creation, update,
    /// last use), in milliseconds: the collection was made no earlier.
    newest_date: Option<i64>,
    /// The account whose nodes and callers' edges are being emitted, and
    /// whether its pass is the first (`None`: every account). Emission runs
    /// one account at a time: every edge is emitted in its caller's
    /// account, and every node in its own.
    local: Option<(String, bool)>,
    /// Managed policy name → the ARN that took it first in the whole
    /// reading, when reading one account at a time (`org`); `None`: the
    /// policies read so far decide.
    claims: Option<HashMap<String, String>>,
    /// (name, ARN, file) of each managed policy labelled by its short name.
    claimed: Vec<(String, String, usize)>,
    /// Every bucket and queue ARN of the organisation, when reading one
    /// account at a time (`org`).
    global_sources: std::sync::Arc<std::collections::HashSet<String>>,
    /// Whether any account's raw layout beyond IAM was read, when reading
    /// one account at a time (`org`).
    global_raw: bool,
}

/// Parsing state over the [`Facts`] it fills: the file being read and what
/// waits for a later file. Derefs to the facts.
struct Reader {
    facts: Facts,
    /// The file being read.
    file: usize,
    /// Pending group names per user (resolved after all groups are read).
    user_groups: Vec<(usize, Vec<(String, String)>)>,
}

impl std::ops::Deref for Reader {
    type Target = Facts;
    fn deref(&self) -> &Facts {
        &self.facts
    }
}

impl std::ops::DerefMut for Reader {
    fn deref_mut(&mut self) -> &mut Facts {
        &mut self.facts
    }
}

/// Why a record was skipped.
type Bad = blastgraph_model::json::RecordError;

/// Roles indexed by the AWS principals their trust policies name: by caller
/// (index into the identities), by account, and those that name anyone.
type RoleIndex<'a> = (
    &'a HashMap<usize, Vec<usize>>,
    &'a HashMap<String, Vec<(&'a str, usize)>>,
    &'a [usize],
);

#[cfg(test)]
mod tests {
    //! Reading whole files: duplicate keys and byte-order marks. What the
    //! records mean is tested in `tests/`.
    use super::*;
    use blastgraph_model::Estate;

    fn ingest(name: &str, bytes: &[u8]) -> (Result<(), IngestError>, Estate) {
        let mut b = EstateBuilder::new();
        b.begin_input(name, FORMAT, String::new(), 0);
        let r = AwsAuthDetailsConnector.ingest(name, bytes, &mut b);
        (r, b.finish())
    }

    fn node_ids(e: &Estate) -> Vec<&str> {
        e.nodes.iter().map(|n| n.id.as_str()).collect()
    }

    /// Two roles; the first one's inline policy gives `Effect` twice.
    const TWO_ROLES: &str = r#"{"RoleDetailList": [
      {"RoleName": "denied", "Arn": "arn:aws:iam::111122223333:role/denied",
       "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
       "RolePolicyList": [{"PolicyName": "no-data", "PolicyDocument": {"Version": "2012-10-17",
         "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Effect": "Allow"}]}}]},
      {"RoleName": "kept", "Arn": "arn:aws:iam::111122223333:role/kept",
       "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}
    ]}"#;

    #[test]
    fn a_role_whose_policy_gives_effect_twice_is_reported_and_skipped_and_the_other_kept() {
        let (r, e) = ingest("roles.json", TWO_ROLES.as_bytes());
        r.unwrap();
        let msgs: Vec<String> = e.diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            [
                "error[duplicate-key]: roles.json: $.RoleDetailList[0].RolePolicyList[0].PolicyDocument.Statement[0].Effect: duplicate key `Effect`: which of its values counts is ambiguous, so the record `$.RoleDetailList[0]` is skipped"
            ]
        );
        assert_eq!(e.inputs[0].skipped, 1);
        assert_eq!(
            node_ids(&e),
            [
                "arn:aws:iam::111122223333:role/kept",
                "aws:account/111122223333/admin"
            ]
        );
        // The kept role keeps its path.
        let locations: Vec<String> = e
            .edges
            .iter()
            .filter(|x| x.to == "arn:aws:iam::111122223333:role/kept")
            .map(|x| x.provenance.location.clone())
            .collect();
        assert_eq!(locations, ["$.RoleDetailList[1]"]);

        // The negative twin: the same file without the duplicate reads both.
        let fine = TWO_ROLES.replace(r#", "Effect": "Allow"}]}}]}"#, "}]}}]}");
        assert_ne!(fine, TWO_ROLES);
        let (r, e) = ingest("roles.json", fine.as_bytes());
        r.unwrap();
        assert_eq!(e.diagnostics, [], "{:#?}", e.diagnostics);
        assert_eq!(
            node_ids(&e),
            [
                "arn:aws:iam::111122223333:role/denied",
                "arn:aws:iam::111122223333:role/kept",
                "aws:account/111122223333/admin"
            ]
        );
    }

    #[test]
    fn a_detail_list_given_twice_is_a_file_error_naming_it() {
        let (r, e) = ingest(
            "twice.json",
            br#"{"RoleDetailList": [], "UserDetailList": [], "RoleDetailList": []}"#,
        );
        assert_eq!(
            r.unwrap_err().to_string(),
            "twice.json: $.RoleDetailList: duplicate key `RoleDetailList`: which of its values counts is ambiguous, so the file is skipped"
        );
        assert!(e.nodes.is_empty());
    }

    #[test]
    fn a_byte_order_mark_is_detected_and_read_like_the_file_without_it() {
        let path = format!(
            "{}/tests/fixtures/account-111122223333.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let plain = std::fs::read(&path).unwrap();
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), &plain].concat();
        let head = &with_bom[..4096.min(with_bom.len())];
        assert!(AwsAuthDetailsConnector.detect("account.json", head));
        assert!(is_auth_details(head));
        let (r1, a) = ingest("account.json", &plain);
        let (r2, b) = ingest("account.json", &with_bom);
        r1.unwrap();
        r2.unwrap();
        assert!(!a.nodes.is_empty());
        assert_eq!(a, b);
    }
}
