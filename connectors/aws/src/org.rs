//! Reading an organisation one account at a time (docs/org-ingest.md).
//!
//! Whole reading holds every account's facts until the end, because an
//! account's edges read what other accounts expose. This reader holds one
//! account (and what it depends on) at a time, in three steps:
//!
//! 1. **Groups.** Every file belongs to the account of its layout folder,
//!    or, for an authorization-details file, to the account of its first
//!    IAM ARN; what names no account (Organizations, `collection.json`) is
//!    read in every pass.
//! 2. **Index.** Each group is read alone and dropped, keeping what other
//!    accounts need of it: the accounts its trust and resource policies
//!    expose it to (any, when they name anyone or cannot be read), the
//!    accounts whose KMS keys and roles its resources name, and the
//!    organisation-wide values (every account, the newest date, every
//!    bucket and queue, the foundation models and who lists them, each
//!    AWS managed policy's first record, and who took each managed policy
//!    name first).
//! 3. **Passes.** One per account, in account order, into one builder: the
//!    account's groups, the groups that expose something to it and those it
//!    needs, read in input order, with the index's values; the rules emit
//!    that account's nodes and its callers' edges (`Facts::local`). A file
//!    counts (diagnostics, records) in the pass of its own account and is
//!    read into a scratch builder in the others.
//!
//! Memory is one account plus its dependencies; time is the sum over
//! accounts of what each reads. A group that exposes something to anyone
//! (a bucket whose policy allows `*`) is read in every pass: when the
//! passes would read more than [`DENSE`] times the organisation, it is read
//! whole instead (keeping only the exposed records of such a group is the
//! next step). One account (or none) is read whole too.

use std::collections::HashSet;

use super::*;

/// How many times its bytes the passes may read before an organisation is
/// read whole instead (each pass reading most accounts).
const DENSE: u64 = 4;

/// One account's files and what the other accounts need of them.
#[derive(Default)]
struct Group {
    /// Indices into the inputs, in input order.
    files: Vec<usize>,
    /// The accounts its files give things of (identities, resources,
    /// access keys): the passes that must read it.
    accounts: BTreeSet<String>,
    /// The accounts whose callers may reach something of it; `None`: any.
    exports: Option<BTreeSet<String>>,
    /// The accounts whose facts its resources name (KMS keys, roles).
    needs: BTreeSet<String>,
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

/// The account of a file: its layout folder, or the account of the first
/// IAM ARN of an authorization-details file; `None` for what belongs to no
/// account.
fn file_account(path: &str, bytes: &[u8]) -> Option<String> {
    match layout::classify(path) {
        Some(layout::RawFile::Account { account, .. }) => Some(account),
        Some(_) => None,
        None => first_iam_account(bytes),
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
    /// The accounts callers of other accounts may reach this reader's
    /// things from; `None`: any account.
    fn exports(&self) -> Option<BTreeSet<String>> {
        let mut to = BTreeSet::new();
        for ident in self.idents.iter().filter(|i| i.kind == IdKind::Role) {
            if ident.trust.is_some() && !ident.trusted.as_ref()?.iter().all(|t| expose(&mut to, t))
            {
                return None;
            }
            // Federated principals (SAML and OIDC providers) of an account.
            if let Some(doc) = &ident.trust_doc {
                for provider in federated_principals(doc) {
                    if let Some(a) = arn_account(&provider) {
                        to.insert(a.to_string());
                    }
                }
            }
        }
        for r in self.inv.resources.iter().filter(|r| r.policy.is_some()) {
            if !r.named.iter().all(|t| expose(&mut to, t)) {
                return None;
            }
        }
        Some(to)
    }

    /// The accounts whose facts this reader's resources name.
    fn needs(&self) -> BTreeSet<String> {
        self.inv
            .resources
            .iter()
            .flat_map(|r| [&r.kms_key, &r.role])
            .filter_map(|x| arn_account(x.as_deref()?))
            .map(str::to_string)
            .collect()
    }
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

/// Files grouped by account (step 1).
struct Grouping {
    /// In order of their first file.
    groups: Vec<Group>,
    /// Account → its group.
    by_account: HashMap<String, usize>,
    /// Input index → its group; `None`: read in every pass.
    group_of: Vec<Option<usize>>,
}

fn group_files(files: &[InputFile<'_>]) -> Grouping {
    let mut g = Grouping {
        groups: Vec::new(),
        by_account: HashMap::new(),
        group_of: Vec::with_capacity(files.len()),
    };
    for (i, f) in files.iter().enumerate() {
        let Some(account) = file_account(f.path, f.bytes) else {
            g.group_of.push(None);
            continue;
        };
        let groups = &mut g.groups;
        let gi = *g.by_account.entry(account).or_insert_with(|| {
            groups.push(Group::default());
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
    for group in groups {
        let mut reader = Reader::new();
        let mut scratch = EstateBuilder::new();
        let read: BTreeSet<usize> = group.files.iter().copied().collect();
        read_files(&mut reader, files, &mut scratch, |i| {
            read.contains(&i).then_some(false)
        });
        reader.link_inventory(&mut scratch);
        let facts = &reader.facts;
        group.accounts = facts.emitted_accounts().into_iter().collect();
        group.exports = facts.exports();
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
    globals.sources = std::sync::Arc::new(sources);
    globals.shared = shared.into_values().collect();
    globals.claims = claims.into_iter().map(|(n, (_, a))| (n, a)).collect();
    Index {
        managed_records: aws_managed_records(files, &aws_managed),
        globals,
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

/// The groups each pass reads, in account order (step 3): the account's
/// own, those exposed to it, and what those name, to a fixed point.
fn plan(g: &Grouping) -> Vec<(String, BTreeSet<usize>)> {
    let mut passes: BTreeSet<&String> = g.by_account.keys().collect();
    for group in &g.groups {
        passes.extend(group.accounts.iter());
    }
    let mut plan = Vec::with_capacity(passes.len());
    for account in passes {
        let mut read: BTreeSet<usize> = g
            .groups
            .iter()
            .enumerate()
            .filter(|(gi, group)| {
                group.accounts.contains(account)
                    || g.by_account.get(account) == Some(gi)
                    || group.exports.as_ref().is_none_or(|to| to.contains(account))
            })
            .map(|(gi, _)| gi)
            .collect();
        loop {
            let more: BTreeSet<usize> = read
                .iter()
                .filter_map(|&gi| g.groups.get(gi))
                .flat_map(|group| group.needs.iter())
                .filter_map(|a| g.by_account.get(a).copied())
                .filter(|gi| !read.contains(gi))
                .collect();
            if more.is_empty() {
                break;
            }
            read.extend(more);
        }
        plan.push((account.clone(), read));
    }
    plan
}

/// The pass each group counts in: the first of its accounts.
fn owners(g: &Grouping) -> Vec<String> {
    let mut own: Vec<Option<&String>> = vec![None; g.groups.len()];
    for (a, &gi) in &g.by_account {
        if let Some(slot) = own.get_mut(gi) {
            *slot = Some(a);
        }
    }
    g.groups
        .iter()
        .zip(own)
        .map(|(group, own)| {
            group
                .accounts
                .iter()
                .chain(own)
                .min()
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

/// One account's pass ([module](self), step 3): the groups `read`, in
/// input order, then its nodes and its callers' edges into `out`.
struct Pass<'a> {
    account: &'a str,
    first: bool,
    read: &'a BTreeSet<usize>,
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
            Some(gi) if pass.read.contains(&gi) => {
                owner.get(gi).map(String::as_str) == Some(pass.account)
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
    if g.groups.len() <= 1 {
        return vec![(
            String::new(),
            files.iter().map(|f| f.bytes.len() as u64).sum(),
        )];
    }
    let mut units: Vec<(String, u64)> = g
        .by_account
        .iter()
        .map(|(account, &gi)| {
            let bytes = g
                .groups
                .get(gi)
                .map_or(0, |group| group_bytes(group, files));
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
    let Some(gi) = g
        .groups
        .iter()
        .position(|group| group.accounts.contains(account))
    else {
        return "";
    };
    g.by_account
        .iter()
        .filter(|&(_, &i)| i == gi)
        .map(|(a, _)| a.as_str())
        .min()
        .unwrap_or("")
}

/// Reads `files` one account at a time into `out` (module doc), or whole
/// as `select` says.
pub(crate) fn read_by_account(
    files: &[InputFile<'_>],
    out: &mut EstateBuilder,
    select: Select<'_>,
) {
    let mut g = group_files(files);
    if g.groups.len() <= 1 {
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
    let sizes: Vec<u64> = g
        .groups
        .iter()
        .map(|group| group_bytes(group, files))
        .collect();
    let auto = matches!(select, Select::Auto);
    if plan.is_empty() || (auto && is_dense(plan.iter().map(|(_, read)| read), &sizes)) {
        if timings {
            eprintln!("aws org: the passes would read most accounts each: read whole");
        }
        let mut reader = Reader::new();
        read_files(&mut reader, files, out, |_| Some(true));
        reader.finish(out, false);
        return;
    }
    let owner = owners(&g);
    for (n, (account, read)) in plan.iter().enumerate() {
        if let Select::Units(keep) = select
            && !keep(unit_of(&g, account))
        {
            continue;
        }
        out.set_minor_order(n as u32);
        let pass = Pass {
            account,
            first: n == 0,
            read,
        };
        run_pass(files, &g, &ix, &owner, &pass, out);
        if timings {
            eprintln!("aws org pass {account}: {:?}", t.elapsed());
        }
    }
}

/// Whether the passes (the groups each reads) would read more than
/// [`DENSE`] times the bytes of the groups (`sizes`).
fn is_dense<'a>(passes: impl Iterator<Item = &'a BTreeSet<usize>>, sizes: &[u64]) -> bool {
    let total: u64 = sizes.iter().sum();
    let planned: u64 = passes
        .flat_map(|read| read.iter().filter_map(|&g| sizes.get(g)))
        .sum();
    planned > DENSE * total
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
/// meets it, by file: (JSON path, record).
fn aws_managed_records(
    files: &[InputFile<'_>],
    first: &BTreeMap<String, (usize, String)>,
) -> HashMap<usize, Vec<(String, Value)>> {
    let mut by_file: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for (file, record) in first.values() {
        by_file.entry(*file).or_default().push(record);
    }
    let mut out: HashMap<usize, Vec<(String, Value)>> = HashMap::new();
    for (file, mut records) in by_file {
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
        let sizes = vec![100; 10];
        // A ring: each account reads itself and the one before.
        let ring: Vec<BTreeSet<usize>> = (0..10).map(|i| [i, (i + 9) % 10].into()).collect();
        assert!(!is_dense(ring.iter(), &sizes));
        // Every account exposes something to anyone: each pass reads all.
        let all: Vec<BTreeSet<usize>> = (0..10).map(|_| (0..10).collect()).collect();
        assert!(is_dense(all.iter(), &sizes));
        // One account of ten that everyone reads (a hub) is not dense.
        let hub: Vec<BTreeSet<usize>> = (0..10).map(|i| [i, 0].into()).collect();
        assert!(!is_dense(hub.iter(), &sizes));
    }

    #[test]
    fn a_file_belongs_to_its_layout_folder_or_its_first_iam_account() {
        assert_eq!(
            file_account("snap/111122223333/us-east-1/sqs/list-queues.json", b"{}").as_deref(),
            Some("111122223333")
        );
        assert_eq!(
            file_account("snap/organizations/list-accounts.json", b"{}"),
            None
        );
        let details = br#"{"Policies": [{"Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
            "RoleDetailList": [{"Arn": "arn:aws:iam::444455556666:role/x"}]}"#;
        assert_eq!(
            file_account("any.json", details).as_deref(),
            Some("444455556666")
        );
        assert_eq!(file_account("any.json", b"{\"RoleDetailList\": []}"), None);
        assert_eq!(
            arn_account("arn:aws:kms:us-east-1:777788889999:key/k"),
            Some("777788889999")
        );
        assert_eq!(arn_account("AROAEXAMPLE"), None);
    }
}
