//! Reading an organisation one account at a time (docs/org-ingest.md).
//!
//! Whole reading holds every account's facts until the end, because an
//! account's edges read what other accounts expose. This reader holds one
//! account (and what it depends on) at a time, in three steps:
//!
//! 1. **Groups.** Every file belongs to the account and service of its
//!    layout folders, or, for an authorization-details file, to the account
//!    of its first IAM ARN and `iam`; a group is one service of one
//!    account. What names no account (Organizations, `collection.json`) is
//!    read in every pass.
//! 2. **Index.** Each group is read alone and dropped, keeping what other
//!    accounts need of it: the files of its trusting roles and of its
//!    resources with a policy (listing and policy), with the accounts
//!    those expose them to (any, when they name anyone or cannot be read)
//!    and the accounts whose KMS keys and roles the exposed resources name;
//!    the accounts whose KMS keys and roles all its resources name; and the
//!    organisation-wide values (every account, the newest date, every
//!    bucket and queue, the foundation models and who lists them, each
//!    AWS managed policy's first record, and who took each managed policy
//!    name first). Of a file whose records alone are exposed (resources of
//!    a listing, roles of authorization details) it keeps those records,
//!    at their places.
//! 3. **Passes.** One per account, in account order, into one builder: the
//!    account's groups, the files of other groups that expose something to
//!    it (another account's shared bucket's record and its policy, the
//!    record of a role that trusts it, not the rest of their files), and
//!    the groups of the accounts those need,
//!    read in input order, with the index's values; the rules emit
//!    that account's nodes and its callers' edges (`Facts::local`). A file
//!    counts (diagnostics, records) in the pass of its own account and is
//!    read into a scratch builder in the others.
//!
//! Memory is one account plus its dependencies; time is the sum over
//! accounts of what each reads. Of another account's files a pass reads
//! only the records exposed beyond their own account (the index keeps the
//! file with the others [`SKIPPED`], so each record keeps its JSON path):
//! a bucket shared with the organisation gives the other passes its record
//! and its policy, not the listing; a role trusting another account gives
//! that pass the role's record (and the AWS managed policies whose first
//! record the file holds), not the authorization details. So the
//! management account's pass, which every member's
//! `OrganizationAccountAccessRole` trusts, reads one role per account.
//! When the passes would still read more than [`DENSE`] times the
//! organisation, it is read whole instead. One account (or none) is read
//! whole too.

use std::collections::HashSet;

use blastgraph_model::json::SKIPPED;

use super::*;

/// How many times its bytes the passes may read before an organisation is
/// read whole instead (each pass reading most accounts).
const DENSE: u64 = 4;

/// One service's files of one account, and what the other accounts need
/// of them: another account's pass reads only the services that expose
/// something to it (a bucket shared with the organisation), not the
/// account's authorization details.
#[derive(Default)]
struct Group {
    /// The account whose folder (or authorization details) it is.
    account: String,
    /// Indices into the inputs, in input order.
    files: Vec<usize>,
    /// The accounts its files give things of (identities, resources,
    /// access keys): the passes that must read it.
    accounts: BTreeSet<String>,
    /// The files whose records other accounts' callers may reach (a
    /// role's trust, a resource with its policy), with what they expose.
    exposed: BTreeMap<usize, Exposure>,
    /// The accounts whose facts its resources name (KMS keys, roles).
    needs: BTreeSet<String>,
}

/// What one file exposes to other accounts.
#[derive(Default)]
struct Exposure {
    /// The accounts whose callers may reach something of it; `None`: any.
    to: Option<BTreeSet<String>>,
    /// The accounts whose facts its exposed resources name.
    needs: BTreeSet<String>,
    /// The JSON paths of the records exposed beyond their own account,
    /// when only records are exposed (resources of a listing, roles of
    /// authorization details); `None`: the whole file (a resource policy).
    records: Option<Vec<String>>,
}

impl Exposure {
    /// Exposing to no account yet.
    fn open() -> Self {
        Exposure {
            to: Some(BTreeSet::new()),
            needs: BTreeSet::new(),
            records: Some(Vec::new()),
        }
    }

    /// Whether it exposes to an account other than `own`, or to anyone.
    fn reaches_beyond(&self, own: &str) -> bool {
        self.to
            .as_ref()
            .is_none_or(|to| to.iter().any(|a| a != own))
    }

    /// Adds what `one` (a role's or a resource's) exposes, and its record
    /// at `path` when other accounts need it.
    fn merge(&mut self, one: &Exposure, path: Option<&String>) {
        match (&mut self.to, &one.to) {
            (Some(to), Some(more)) => to.extend(more.iter().cloned()),
            _ => self.to = None,
        }
        self.needs.extend(one.needs.iter().cloned());
        if let (Some(paths), Some(path)) = (&mut self.records, path) {
            paths.push(path.clone());
        }
    }

    /// Adds the accounts `t` exposes to (anyone when it cannot tell).
    fn add(&mut self, t: &[Trusted]) {
        if let Some(to) = &mut self.to
            && !t.iter().all(|t| expose(to, t))
        {
            self.to = None;
        }
    }
}

/// The values every pass needs from the whole organisation.
#[derive(Default)]
pub(crate) struct Globals {
    /// Every account that owns an IAM identity.
    pub accounts: BTreeSet<String>,
    /// The newest date in all inputs.
    pub newest_date: Option<i64>,
    /// Every inventoried bucket and queue ARN.
    pub sources: std::sync::Arc<HashSet<String>>,
    /// Whether any file of the raw layout beyond IAM was read.
    pub raw: bool,
    /// The resources no account owns (foundation models), as the whole
    /// reading has them: first record, every lister.
    pub shared: Vec<inventory::Resource>,
    /// Managed policy name → the ARN that took it first (its label is the
    /// short name; every other policy of that name is labelled by ARN).
    pub claims: HashMap<String, String>,
}

/// The account and service of a file: its layout folder and service
/// folder, or the account of the first IAM ARN of an authorization-details
/// file and `iam`; `None` for what belongs to no account.
fn file_key(path: &str, bytes: &[u8]) -> Option<(String, String)> {
    match layout::classify(path) {
        Some(layout::RawFile::Account {
            account, service, ..
        }) => Some((account, service)),
        Some(_) => None,
        None => first_iam_account(bytes).map(|a| (a, "iam".to_string())),
    }
}

/// The account of the first `arn:aws:iam::ACCOUNT:` in `bytes`.
fn first_iam_account(bytes: &[u8]) -> Option<String> {
    const PREFIX: &[u8] = b"arn:aws:iam::";
    let mut at = 0;
    while let Some(i) = bytes
        .get(at..)?
        .windows(PREFIX.len())
        .position(|w| w == PREFIX)
    {
        let start = at + i + PREFIX.len();
        let id = bytes.get(start..start + 12)?;
        if id.iter().all(u8::is_ascii_digit) && bytes.get(start + 12) == Some(&b':') {
            return Some(String::from_utf8_lossy(id).into_owned());
        }
        at = start;
    }
    None
}

/// The account of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:…`), when it
/// names one.
fn arn_account(arn: &str) -> Option<&str> {
    let account = arn.strip_prefix("arn:")?.split(':').nth(3)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// Adds what `t` exposes to; `false` when it may be anyone.
fn expose(to: &mut BTreeSet<String>, t: &Trusted) -> bool {
    match t {
        Trusted::Anyone => false,
        Trusted::Account(a) => {
            to.insert(a.clone());
            true
        }
        Trusted::Arn(arn) => match arn_account(arn) {
            Some(a) => {
                to.insert(a.to_string());
                true
            }
            None => false,
        },
    }
}

impl Facts {
    /// The files holding what callers of other accounts may reach (a
    /// role and its trust; a resource, its listing and its policy), and
    /// to which accounts (`None`: any).
    fn exposed(&self) -> BTreeMap<usize, Exposure> {
        let mut out: BTreeMap<usize, Exposure> = BTreeMap::new();
        for ident in self.idents.iter().filter(|i| i.kind == IdKind::Role) {
            if ident.trust.is_none() {
                continue;
            }
            let mut one = Exposure::open();
            match &ident.trusted {
                Some(t) => one.add(t),
                None => one.to = None,
            }
            // Federated principals (SAML and OIDC providers) of an account.
            if let (Some(doc), Some(to)) = (&ident.trust_doc, &mut one.to) {
                for provider in federated_principals(doc) {
                    if let Some(a) = arn_account(&provider) {
                        to.insert(a.to_string());
                    }
                }
            }
            let record = one.reaches_beyond(&ident.account).then_some(&ident.path);
            out.entry(ident.file)
                .or_insert_with(Exposure::open)
                .merge(&one, record);
        }
        for r in self.inv.resources.iter() {
            let Some(policy) = r.policy else { continue };
            let mut one = Exposure::open();
            one.add(&r.named);
            one.needs = named_accounts(r).collect();
            let record = one.reaches_beyond(&r.account).then_some(&r.path);
            let policy_file = self.docs.get(policy).map(|d| d.file);
            for file in [Some(r.file), policy_file].into_iter().flatten() {
                let e = out.entry(file).or_insert_with(Exposure::open);
                if Some(file) == policy_file {
                    e.records = None;
                }
                e.merge(&one, record);
            }
        }
        out
    }

    /// The accounts whose facts this reader's resources name.
    fn needs(&self) -> BTreeSet<String> {
        self.inv.resources.iter().flat_map(named_accounts).collect()
    }
}

/// The accounts whose facts a resource names: its KMS key's, its role's.
fn named_accounts(r: &inventory::Resource) -> impl Iterator<Item = String> + '_ {
    [&r.kms_key, &r.role]
        .into_iter()
        .filter_map(|x| arn_account(x.as_deref()?))
        .map(str::to_string)
}

/// The `Federated` principals of a trust document's statements.
fn federated_principals(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (_, stmt) in statements(doc) {
        match stmt.get("Principal").and_then(|p| p.get("Federated")) {
            Some(Value::String(s)) => out.push(s.clone()),
            Some(Value::Array(v)) => {
                out.extend(v.iter().filter_map(Value::as_str).map(str::to_string))
            }
            _ => {}
        }
    }
    out
}

/// Files grouped by account and service (step 1).
struct Grouping {
    /// In order of their first file.
    groups: Vec<Group>,
    /// Account → its groups, in order.
    by_account: HashMap<String, Vec<usize>>,
    /// Input index → its group; `None`: read in every pass.
    group_of: Vec<Option<usize>>,
}

fn group_files(files: &[InputFile<'_>]) -> Grouping {
    let mut g = Grouping {
        groups: Vec::new(),
        by_account: HashMap::new(),
        group_of: Vec::with_capacity(files.len()),
    };
    let mut by_key: HashMap<(String, String), usize> = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        let Some((account, service)) = file_key(f.path, f.bytes) else {
            g.group_of.push(None);
            continue;
        };
        let (groups, by_account) = (&mut g.groups, &mut g.by_account);
        let gi = *by_key.entry((account.clone(), service)).or_insert_with(|| {
            groups.push(Group {
                account: account.clone(),
                ..Group::default()
            });
            by_account
                .entry(account)
                .or_default()
                .push(groups.len() - 1);
            groups.len() - 1
        });
        if let Some(group) = g.groups.get_mut(gi) {
            group.files.push(i);
        }
        g.group_of.push(Some(gi));
    }
    g
}

/// What the index gives the passes (step 2).
struct Index {
    globals: Globals,
    /// Input index → the file with only its exposed records (the others
    /// [`SKIPPED`]), and its bytes as JSON: what other accounts' passes
    /// read of it.
    records: HashMap<usize, (Value, u64)>,
    /// Input index → the AWS managed policy records the whole reading
    /// first meets in that file: (JSON path, record).
    managed_records: HashMap<usize, Vec<(String, Value)>>,
}

/// Reads each group alone, fills in what it exposes and needs, and
/// gathers the organisation's values.
fn index(files: &[InputFile<'_>], groups: &mut [Group]) -> Index {
    let mut globals = Globals::default();
    let mut claims: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut aws_managed: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut shared: BTreeMap<String, inventory::Resource> = BTreeMap::new();
    let mut sources: HashSet<String> = HashSet::new();
    for group in groups.iter_mut() {
        let mut reader = Reader::new();
        let mut scratch = EstateBuilder::new();
        let read: BTreeSet<usize> = group.files.iter().copied().collect();
        read_files(&mut reader, files, &mut scratch, |i| {
            read.contains(&i).then_some(false)
        });
        reader.link_inventory(&mut scratch);
        let facts = &reader.facts;
        group.accounts = facts.emitted_accounts().into_iter().collect();
        group.exposed = facts.exposed();
        group.needs = facts.needs();
        globals.accounts.extend(facts.accounts.iter().cloned());
        globals.raw |= facts.inv.is_raw();
        if let Some(d) = facts.newest_date {
            globals.newest_date = Some(globals.newest_date.map_or(d, |n| n.max(d)));
        }
        sources.extend(sources::source_arns(facts).map(str::to_string));
        for (name, arn, file) in &facts.claimed {
            keep_first(&mut claims, name, (*file, arn.clone()));
        }
        for (arn, &ix) in &facts.managed {
            let Some(doc) = facts
                .docs
                .get(ix)
                .filter(|_| arn.starts_with("arn:aws:iam::aws:"))
            else {
                continue;
            };
            let record = doc
                .path
                .split(".PolicyVersionList")
                .next()
                .unwrap_or_default();
            keep_first(&mut aws_managed, arn, (doc.file, record.to_string()));
        }
        for r in facts.inv.resources.iter().filter(|r| r.account.is_empty()) {
            add_shared(&mut shared, r);
        }
    }
    // Each AWS managed policy's first record, by file.
    let mut first_managed: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (file, record) in aws_managed.into_values() {
        first_managed.entry(file).or_default().push(record);
    }
    // What other passes read of a file whose records alone are exposed:
    // those records, and the AWS managed policies whose first record it
    // holds (the passes cite them there, as the whole reading does).
    let mut records: HashMap<usize, (Value, u64)> = HashMap::new();
    for group in groups.iter_mut() {
        for (&file, e) in &mut group.exposed {
            let kept = e.records.as_deref().and_then(|paths| {
                let managed = first_managed.get(&file).into_iter().flatten();
                let paths: Vec<String> = paths.iter().chain(managed).cloned().collect();
                exposed_records(files.get(file)?, &paths)
            });
            match kept {
                Some(doc) => {
                    let bytes = serde_json::to_vec(&doc).map_or(0, |b| b.len() as u64);
                    records.insert(file, (doc, bytes));
                }
                None => e.records = None,
            }
        }
    }
    globals.sources = std::sync::Arc::new(sources);
    globals.shared = shared.into_values().collect();
    globals.claims = claims.into_iter().map(|(n, (_, a))| (n, a)).collect();
    Index {
        managed_records: aws_managed_records(files, &first_managed),
        globals,
        records,
    }
}

/// The file `f` with only the records at `paths` ([`Keep`]: the others
/// [`SKIPPED`], so that each kept record keeps its place and JSON path);
/// `None` when the file is not read from its parsed document, cannot be
/// read, or a path is not one of its records.
fn exposed_records(f: &InputFile<'_>, paths: &[String]) -> Option<Value> {
    if paths.is_empty() || !Reader::reads_parsed(f.path) {
        return None;
    }
    let mut scratch = EstateBuilder::new();
    scratch.begin_input(f.path, FORMAT, String::new(), 0);
    let doc = read_document(f.path, f.bytes, &mut scratch).ok()?;
    let mut keep = Keep::default();
    for path in paths {
        let steps = json_steps(path)?;
        // A path read wrongly (a key with a dot or bracket) must not keep
        // the wrong record: each must lead to an object of the document.
        steps
            .iter()
            .try_fold(&doc, |v, step| match step {
                Step::Key(k) => v.get(k.as_str()),
                Step::Item(i) => v.get(*i),
            })
            .filter(|v| v.is_object())?;
        keep.add(&steps);
    }
    Some(keep.filter(&doc, true))
}

/// One step of a JSON path: `.key` or `[i]`.
enum Step {
    Key(String),
    Item(usize),
}

/// The steps of a record path the readers write (`$.Buckets[3]`,
/// `$.Reservations[0].Instances[2]`); `None` for any other shape.
fn json_steps(path: &str) -> Option<Vec<Step>> {
    let mut rest = path.strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let (key, after) = r.split_at_checked(end)?;
            if key.is_empty() {
                return None;
            }
            steps.push(Step::Key(key.to_string()));
            rest = after;
        } else {
            let r = rest.strip_prefix('[')?;
            let (index, after) = r.split_once(']')?;
            steps.push(Step::Item(index.parse().ok()?));
            rest = after;
        }
    }
    Some(steps)
}

/// What of a document to keep: all of it, or some of its fields and
/// items. Every item not named is [`SKIPPED`] up to the last one named
/// (so that each keeps its index) and left out after it; every field not
/// named is kept, but a list at the top that names no item is emptied
/// (the users and groups of authorization details whose roles alone are
/// exposed).
#[derive(Default)]
struct Keep {
    whole: bool,
    keys: BTreeMap<String, Keep>,
    items: BTreeMap<usize, Keep>,
}

impl Keep {
    fn add(&mut self, steps: &[Step]) {
        match steps.split_first() {
            None => self.whole = true,
            Some((Step::Key(k), rest)) => self.keys.entry(k.clone()).or_default().add(rest),
            Some((Step::Item(i), rest)) => self.items.entry(*i).or_default().add(rest),
        }
    }

    /// The document `v` as kept (`top`: `v` is the whole document).
    fn filter(&self, v: &Value, top: bool) -> Value {
        if self.whole {
            return v.clone();
        }
        match v {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, x)| {
                        let kept = match (self.keys.get(k), x) {
                            (Some(keep), _) => keep.filter(x, false),
                            (None, Value::Array(_)) if top => Value::Array(Vec::new()),
                            (None, _) => x.clone(),
                        };
                        (k.clone(), kept)
                    })
                    .collect(),
            ),
            Value::Array(items) if !self.items.is_empty() => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .take(self.items.keys().max().map_or(0, |m| m + 1))
                    .map(|(i, x)| match self.items.get(&i) {
                        Some(keep) => keep.filter(x, false),
                        None => Value::String(SKIPPED.to_string()),
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// Keeps under `key` the value of the earliest file.
fn keep_first(map: &mut BTreeMap<String, (usize, String)>, key: &str, value: (usize, String)) {
    match map.get_mut(key) {
        Some(known) if known.0 <= value.0 => {}
        Some(known) => *known = value,
        None => {
            map.insert(key.to_string(), value);
        }
    }
}

/// Adds a resource no account owns as one group has it: the record of the
/// earliest file, and every account that lists it.
fn add_shared(shared: &mut BTreeMap<String, inventory::Resource>, r: &inventory::Resource) {
    let Some(known) = shared.get_mut(&r.arn) else {
        shared.insert(r.arn.clone(), r.clone());
        return;
    };
    if r.file < known.file {
        let later = std::mem::replace(known, r.clone());
        add_listers(known, &later);
    } else {
        add_listers(known, r);
    }
}

/// Adds the accounts that list `from` to those that list `into`.
fn add_listers(into: &mut inventory::Resource, from: &inventory::Resource) {
    let listers = from
        .attrs
        .tags
        .get(inventory::LISTED_BY)
        .cloned()
        .unwrap_or_default();
    let list = into
        .attrs
        .tags
        .entry(inventory::LISTED_BY.into())
        .or_default();
    for a in listers.split(',').filter(|a| !a.is_empty()) {
        inventory::add_lister(list, a);
    }
}

/// The files each pass reads, in account order (step 3): the account's
/// own groups, the files of other groups that expose something to it, and
/// the groups of the accounts those name, to a fixed point.
/// One account's pass as planned: the files it reads whole, and those it
/// reads only the exposed records of ([`Index::records`]).
struct Planned {
    account: String,
    read: BTreeSet<usize>,
    records: BTreeSet<usize>,
}

fn plan(g: &Grouping) -> Vec<Planned> {
    let mut passes: BTreeSet<&String> = g.by_account.keys().collect();
    for group in &g.groups {
        passes.extend(group.accounts.iter());
    }
    let mut plan = Vec::with_capacity(passes.len());
    for account in passes {
        // Groups read whole, and the files read of the others.
        let mut whole: BTreeSet<usize> = BTreeSet::new();
        let mut needs: BTreeSet<&String> = BTreeSet::new();
        let mut files: BTreeSet<usize> = BTreeSet::new();
        let mut records: BTreeSet<usize> = BTreeSet::new();
        for (gi, group) in g.groups.iter().enumerate() {
            if group.accounts.contains(account) || &group.account == account {
                whole.insert(gi);
                continue;
            }
            for (&file, e) in &group.exposed {
                if e.to.as_ref().is_none_or(|to| to.contains(account)) {
                    if e.records.is_some() {
                        records.insert(file);
                    } else {
                        files.insert(file);
                    }
                    needs.extend(e.needs.iter());
                }
            }
        }
        needs.extend(
            whole
                .iter()
                .filter_map(|&gi| g.groups.get(gi))
                .flat_map(|group| group.needs.iter()),
        );
        loop {
            let more: BTreeSet<usize> = needs
                .iter()
                .filter_map(|a| g.by_account.get(*a))
                .flatten()
                .copied()
                .filter(|gi| !whole.contains(gi))
                .collect();
            if more.is_empty() {
                break;
            }
            for &gi in &more {
                if let Some(group) = g.groups.get(gi) {
                    needs.extend(group.needs.iter());
                }
            }
            whole.extend(more);
        }
        for gi in whole {
            if let Some(group) = g.groups.get(gi) {
                files.extend(group.files.iter().copied());
            }
        }
        records.retain(|f| !files.contains(f));
        plan.push(Planned {
            account: account.clone(),
            read: files,
            records,
        });
    }
    plan
}

/// The pass each group counts in: the first of its accounts.
fn owners(g: &Grouping) -> Vec<String> {
    g.groups
        .iter()
        .map(|group| {
            group
                .accounts
                .iter()
                .chain([&group.account])
                .min()
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

/// One account's pass ([module](self), step 3): the files `read` (input
/// indices), in input order, then its nodes and its callers' edges into
/// `out`.
struct Pass<'a> {
    account: &'a str,
    first: bool,
    read: &'a BTreeSet<usize>,
    /// Files of which it reads only the exposed records.
    records: &'a BTreeSet<usize>,
}

fn run_pass(
    files: &[InputFile<'_>],
    g: &Grouping,
    ix: &Index,
    owner: &[String],
    pass: &Pass<'_>,
    out: &mut EstateBuilder,
) {
    let mut reader = Reader::new();
    reader.facts.claims = Some(ix.globals.claims.clone());
    let mut scratch = EstateBuilder::new();
    let mut counted: HashMap<&str, bool> = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        reader.begin_file(f.path);
        let own = match g.group_of.get(i).copied().flatten() {
            None => pass.first,
            Some(gi) if pass.read.contains(&i) => {
                owner.get(gi).map(String::as_str) == Some(pass.account)
            }
            Some(_) if pass.records.contains(&i) => {
                // The exposed records of another account's listing.
                if let Some((doc, _)) = ix.records.get(&i) {
                    scratch.begin_input(f.path, FORMAT, String::new(), 0);
                    counted.insert(f.path, false);
                    if let Err(e) = reader.read_parsed(f.path, doc, &mut scratch) {
                        scratch.file_error(&e);
                    }
                }
                continue;
            }
            Some(_) => {
                // Not read: only the AWS managed policies first given here.
                if let Some(records) = ix.managed_records.get(&i) {
                    scratch.begin_input(f.path, FORMAT, String::new(), 0);
                    for (path, record) in records {
                        if let Ok(o) = Obj::new(record, path.clone()) {
                            let _ = reader.read_managed(&o, &mut scratch);
                        }
                    }
                }
                continue;
            }
        };
        counted.insert(f.path, own);
        let into: &mut EstateBuilder = if own {
            out.select_input(f.path);
            out
        } else {
            scratch.begin_input(f.path, FORMAT, String::new(), 0);
            &mut scratch
        };
        if let Err(e) = reader.read_file(f.path, f.bytes, into) {
            into.file_error(&e);
        }
    }
    reader.set_globals(&ix.globals);
    reader.finish_pass(out, pass.account.to_string(), pass.first, |f| {
        counted.get(f).copied()
    });
}

/// How [`read_by_account`] reads.
#[derive(Clone, Copy)]
pub(crate) enum Select<'a> {
    /// Files of one account (or none) and dense organisations whole,
    /// which reads each file once; else one account at a time.
    Auto,
    /// One account at a time, always (the tests' comparison).
    Always,
    /// One shard of a sharded build: the passes of the accounts whose
    /// unit ([`units`]) it keeps; a single account's files whole, when it
    /// keeps `""`.
    Units(&'a dyn Fn(&str) -> bool),
}

/// The units of a sharded build: one per account that has files, with
/// their bytes; `""`, every file, when there is one account or none.
pub(crate) fn units(files: &[InputFile<'_>]) -> Vec<(String, u64)> {
    let g = group_files(files);
    if g.by_account.len() <= 1 {
        return vec![(
            String::new(),
            files.iter().map(|f| f.bytes.len() as u64).sum(),
        )];
    }
    let mut units: Vec<(String, u64)> = g
        .by_account
        .iter()
        .map(|(account, own)| {
            let bytes = own
                .iter()
                .filter_map(|&gi| g.groups.get(gi))
                .map(|group| group_bytes(group, files))
                .sum();
            (account.clone(), bytes)
        })
        .collect();
    units.sort();
    units
}

/// The bytes of a group's files.
fn group_bytes(group: &Group, files: &[InputFile<'_>]) -> u64 {
    group
        .files
        .iter()
        .filter_map(|&i| files.get(i))
        .map(|f| f.bytes.len() as u64)
        .sum()
}

/// The unit whose shard runs `account`'s pass: its own, or, for an
/// account with no files (one whose keys or resources another account's
/// files list), that of the first group that gives things of it.
fn unit_of<'a>(g: &'a Grouping, account: &'a str) -> &'a str {
    if g.by_account.contains_key(account) {
        return account;
    }
    g.groups
        .iter()
        .find(|group| group.accounts.contains(account))
        .map_or("", |group| group.account.as_str())
}

/// Reads `files` one account at a time into `out` (module doc), or whole
/// as `select` says.
pub(crate) fn read_by_account(
    files: &[InputFile<'_>],
    out: &mut EstateBuilder,
    select: Select<'_>,
) {
    let mut g = group_files(files);
    if g.by_account.len() <= 1 {
        match select {
            Select::Auto => return read_all(files, out, false),
            Select::Units(keep) if keep("") => return read_all(files, out, false),
            Select::Units(_) => return,
            Select::Always => {}
        }
    }
    for f in files {
        out.begin_input(f.path, FORMAT, f.sha256.to_string(), f.bytes.len() as u64);
    }
    let t = std::time::Instant::now();
    let timings = std::env::var_os("BLASTGRAPH_AWS_TIMINGS").is_some();
    let ix = index(files, &mut g.groups);
    if timings {
        eprintln!("aws org index: {:?}", t.elapsed());
    }
    let plan = plan(&g);
    // Per input: its bytes when it belongs to an account (what names no
    // account is read in every pass, whatever the reading).
    let sizes: Vec<u64> = files
        .iter()
        .zip(&g.group_of)
        .map(|(f, gi)| gi.map_or(0, |_| f.bytes.len() as u64))
        .collect();
    let auto = matches!(select, Select::Auto);
    let planned = plan.iter().map(|p| {
        let whole: u64 = p.read.iter().filter_map(|&f| sizes.get(f)).sum();
        let records: u64 = p
            .records
            .iter()
            .filter_map(|f| ix.records.get(f))
            .map(|(_, b)| b)
            .sum();
        whole + records
    });
    if plan.is_empty() || (auto && is_dense(planned, sizes.iter().sum())) {
        if timings {
            eprintln!("aws org: the passes would read most accounts each: read whole");
        }
        let mut reader = Reader::new();
        read_files(&mut reader, files, out, |_| Some(true));
        reader.finish(out, false);
        return;
    }
    let owner = owners(&g);
    for (n, p) in plan.iter().enumerate() {
        let account = &p.account;
        if let Select::Units(keep) = select
            && !keep(unit_of(&g, account))
        {
            continue;
        }
        out.set_minor_order(n as u32);
        let pass = Pass {
            account,
            first: n == 0,
            read: &p.read,
            records: &p.records,
        };
        run_pass(files, &g, &ix, &owner, &pass, out);
        out.end_unit();
        if timings {
            eprintln!("aws org pass {account}: {:?}", t.elapsed());
        }
    }
}

/// Whether the passes (the bytes each reads) would read more than
/// [`DENSE`] times the organisation's bytes (`total`).
fn is_dense(passes: impl Iterator<Item = u64>, total: u64) -> bool {
    passes.sum::<u64>() > DENSE * total
}

/// Reads into `reader` the files `which` selects (`Some(counted)`), every
/// file begun so that file indices are the inputs'.
fn read_files(
    reader: &mut Reader,
    files: &[InputFile<'_>],
    out: &mut EstateBuilder,
    which: impl Fn(usize) -> Option<bool>,
) {
    for (i, f) in files.iter().enumerate() {
        reader.begin_file(f.path);
        let Some(counted) = which(i) else { continue };
        if counted {
            out.select_input(f.path);
        } else {
            out.begin_input(f.path, FORMAT, String::new(), 0);
        }
        if let Err(e) = reader.read_file(f.path, f.bytes, out) {
            out.file_error(&e);
        }
    }
}

/// The record of each AWS managed policy where the whole reading first
/// meets it (`first`: their JSON paths by file), by file: (JSON path,
/// record).
fn aws_managed_records(
    files: &[InputFile<'_>],
    first: &BTreeMap<usize, Vec<String>>,
) -> HashMap<usize, Vec<(String, Value)>> {
    let mut out: HashMap<usize, Vec<(String, Value)>> = HashMap::new();
    for (&file, records) in first {
        let mut records: Vec<&str> = records.iter().map(String::as_str).collect();
        let Some(f) = files.get(file) else { continue };
        let Ok(doc) = serde_json::from_slice::<Value>(strip_bom(f.bytes)) else {
            continue;
        };
        records.sort_by_key(|r| record_index(r));
        for record in records {
            let Some(v) = record_index(record).and_then(|n| doc.get("Policies")?.get(n)) else {
                continue;
            };
            out.entry(file)
                .or_default()
                .push((record.to_string(), v.clone()));
        }
    }
    out
}

/// `N` of `$.Policies[N]`.
fn record_index(path: &str) -> Option<usize> {
    path.strip_prefix("$.Policies[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organisation_is_read_by_account_unless_each_pass_would_read_most_of_it() {
        // Ten accounts of 100 bytes.
        // A ring: each account reads itself and the one before.
        assert!(!is_dense((0..10).map(|_| 200), 1_000));
        // Every account exposes something to anyone: each pass reads all.
        assert!(is_dense((0..10).map(|_| 1_000), 1_000));
        // One account of ten that everyone reads (a hub) is not dense.
        assert!(!is_dense((0..10).map(|_| 200), 1_000));
        // Every account exposes one record of a listing to anyone: each
        // pass reads its own account and ten records of 10 bytes.
        assert!(!is_dense((0..10).map(|_| 100 + 10 * 10), 1_000));
    }

    #[test]
    fn another_accounts_pass_reads_the_exposed_records_at_their_places() {
        let bytes = br#"{"Buckets": [{"Name": "a"}, {"Name": "logs"}, {"Name": "c"}],
            "Owner": {"ID": "c0ffee"}}"#;
        let f = InputFile {
            path: "org/111122223333/global/s3/list-buckets.json",
            bytes,
            sha256: "",
        };
        let kept = exposed_records(&f, &["$.Buckets[1]".to_string()]);
        let skipped = Value::String(SKIPPED.to_string());
        // The records before it keep their places; none is kept after it.
        assert_eq!(
            kept,
            Some(serde_json::json!({"Buckets": [skipped, {"Name": "logs"}],
                "Owner": {"ID": "c0ffee"}}))
        );
        // Authorization details whose second role alone is exposed: the
        // other lists are emptied.
        let details = InputFile {
            path: "org/111122223333/global/iam/get-account-authorization-details.json",
            bytes:
                br#"{"UserDetailList": [{"UserName": "u"}], "GroupDetailList": [{"GroupName": "g"}],
                "RoleDetailList": [{"RoleName": "a"}, {"RoleName": "b"}, {"RoleName": "c"}],
                "Policies": [{"PolicyName": "p"}], "IsTruncated": false}"#,
            sha256: "",
        };
        assert_eq!(
            exposed_records(&details, &["$.RoleDetailList[1]".to_string()]),
            Some(
                serde_json::json!({"UserDetailList": [], "GroupDetailList": [],
                "RoleDetailList": [skipped, {"RoleName": "b"}], "Policies": [],
                "IsTruncated": false})
            )
        );
        // Nested records keep the path that leads to them.
        let steps = json_steps("$.Reservations[0].Instances[2]").map(|s| s.len());
        assert_eq!(steps, Some(4));
        // A path that is not a record of the file, or not of the shape the
        // readers write, reads the whole file.
        for bad in [
            "$.Buckets[7]",
            "$.Owner.ID",
            "$.Buckets[x]",
            "Buckets[1]",
            "$..a",
        ] {
            assert_eq!(exposed_records(&f, &[bad.to_string()]), None, "{bad}");
        }
        assert_eq!(exposed_records(&f, &[]), None);
        // Secret values are read from their bytes, never from a document.
        let value = InputFile {
            path: "org/111122223333/us-east-1/secretsmanager/get-secret-value/db.json",
            bytes: br#"{"Items": [{"Name": "db"}]}"#,
            sha256: "",
        };
        assert_eq!(exposed_records(&value, &["$.Items[0]".to_string()]), None);
    }

    #[test]
    fn a_shared_bucket_and_a_trusting_role_give_other_passes_their_records_alone() {
        let (a, d) = ("111122223333", "222233334444");
        let role = |account: &str, name: &str, trusted: &str| {
            format!(
                r#"{{"RoleName": "{name}", "Arn": "arn:aws:iam::{account}:role/{name}", "Path": "/",
                "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
                "Principal": {{"AWS": "arn:aws:iam::{trusted}:root"}}, "Action": "sts:AssumeRole"}}]}},
                "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []}}"#
            )
        };
        // D's second role trusts A; its first trusts D.
        let details = |account: &str, roles: &[String]| {
            format!(
                r#"{{"UserDetailList": [{{"UserName": "dev", "Arn": "arn:aws:iam::{account}:user/dev",
                "Path": "/", "GroupList": [], "AttachedManagedPolicies": [], "UserPolicyList": []}}],
                "GroupDetailList": [], "RoleDetailList": [{}], "Policies": []}}"#,
                roles.join(",")
            )
        };
        let policy = serde_json::json!({"Policy": r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::d-logs/*"}]}"#})
        .to_string();
        let paths = [
            format!("org/{a}/global/iam/get-account-authorization-details.json"),
            format!("org/{d}/global/iam/get-account-authorization-details.json"),
            format!("org/{d}/global/s3/list-buckets.json"),
            format!("org/{d}/global/s3/get-bucket-policy/d-logs.json"),
        ];
        let bytes = [
            details(a, &[]),
            details(d, &[role(d, "local", d), role(d, "for-a", a)]),
            r#"{"Buckets": [{"Name": "d-private"}, {"Name": "d-logs"}]}"#.to_string(),
            policy,
        ];
        let files: Vec<InputFile<'_>> = paths
            .iter()
            .zip(&bytes)
            .map(|(path, b)| InputFile {
                path,
                bytes: b.as_bytes(),
                sha256: "",
            })
            .collect();
        let mut g = group_files(&files);
        let ix = index(&files, &mut g.groups);
        let plan = plan(&g);
        let of = |account: &str| plan.iter().find(|p| p.account == account);
        let a_pass = of(a).map(|p| (&p.read, &p.records));
        // A reads its own file whole, D's bucket policy whole, and of D's
        // listing and authorization details only the shared bucket's and
        // the trusting role's records.
        assert_eq!(
            a_pass,
            Some((&BTreeSet::from([0, 3]), &BTreeSet::from([1, 2])))
        );
        let skipped = Value::String(SKIPPED.to_string());
        let kept_roles = ix.records.get(&1).map(|(doc, _)| {
            let names = |list: &str| -> Vec<Value> {
                doc[list]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|r| r.get("RoleName").cloned().unwrap_or_else(|| r.clone()))
                    .collect()
            };
            (names("UserDetailList"), names("RoleDetailList"))
        });
        assert_eq!(
            kept_roles,
            Some((vec![], vec![skipped.clone(), Value::from("for-a")]))
        );
        assert_eq!(
            ix.records.get(&2).map(|(doc, _)| doc),
            Some(&serde_json::json!({"Buckets": [skipped, {"Name": "d-logs"}]}))
        );
        // D's own pass reads its files whole.
        assert_eq!(
            of(d).map(|p| (&p.read, p.records.is_empty())),
            Some((&BTreeSet::from([1, 2, 3]), true))
        );
    }

    #[test]
    fn a_file_belongs_to_its_layout_folder_or_its_first_iam_account() {
        let key = |a: &str, s: &str| Some((a.to_string(), s.to_string()));
        assert_eq!(
            file_key("snap/111122223333/us-east-1/sqs/list-queues.json", b"{}"),
            key("111122223333", "sqs")
        );
        assert_eq!(
            file_key("snap/organizations/list-accounts.json", b"{}"),
            None
        );
        let details = br#"{"Policies": [{"Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
            "RoleDetailList": [{"Arn": "arn:aws:iam::444455556666:role/x"}]}"#;
        assert_eq!(file_key("any.json", details), key("444455556666", "iam"));
        assert_eq!(file_key("any.json", b"{\"RoleDetailList\": []}"), None);
        assert_eq!(
            arn_account("arn:aws:kms:us-east-1:777788889999:key/k"),
            Some("777788889999")
        );
        assert_eq!(arn_account("AROAEXAMPLE"), None);
    }
}
