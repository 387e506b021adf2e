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
//! (a bucket whose policy allows `*`) is read in every pass, so an
//! organisation where every account does so is read quadratically: keeping
//! only the exposed records of such a group is the next step.

use std::collections::HashSet;

use super::*;

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

/// Reads `files` one account at a time into `out` (module doc).
pub(crate) fn read_by_account(files: &[InputFile<'_>], out: &mut EstateBuilder) {
    for f in files {
        out.begin_input(f.path, FORMAT, f.sha256.to_string(), f.bytes.len() as u64);
    }
    // 1. Groups, in order of their first file; `shared` is read everywhere.
    let mut groups: Vec<Group> = Vec::new();
    let mut by_account: HashMap<String, usize> = HashMap::new();
    let mut group_of: Vec<Option<usize>> = Vec::with_capacity(files.len());
    for (i, f) in files.iter().enumerate() {
        match file_account(f.path, f.bytes) {
            Some(a) => {
                let g = *by_account.entry(a).or_insert_with(|| {
                    groups.push(Group::default());
                    groups.len() - 1
                });
                if let Some(group) = groups.get_mut(g) {
                    group.files.push(i);
                }
                group_of.push(Some(g));
            }
            None => group_of.push(None),
        }
    }
    let t = std::time::Instant::now();
    let timings = std::env::var_os("BLASTGRAPH_AWS_TIMINGS").is_some();
    let mut reading = std::time::Duration::ZERO;
    let mut groups_read = 0;
    // 2. The index.
    let mut globals = Globals::default();
    let mut claims: HashMap<String, (usize, String)> = HashMap::new();
    let mut aws_managed: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut shared_res: BTreeMap<String, inventory::Resource> = BTreeMap::new();
    let mut sources: HashSet<String> = HashSet::new();
    for group in &mut groups {
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
            let e = claims.entry(name.clone()).or_insert((*file, arn.clone()));
            if *file < e.0 {
                *e = (*file, arn.clone());
            }
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
                .unwrap_or_default()
                .to_string();
            let e = aws_managed
                .entry(arn.clone())
                .or_insert((doc.file, record.clone()));
            if doc.file < e.0 {
                *e = (doc.file, record);
            }
        }
        for r in facts.inv.resources.iter().filter(|r| r.account.is_empty()) {
            match shared_res.get_mut(&r.arn) {
                None => {
                    shared_res.insert(r.arn.clone(), r.clone());
                }
                Some(known) => {
                    let listers = r
                        .attrs
                        .tags
                        .get("aws:listed_by")
                        .cloned()
                        .unwrap_or_default();
                    let e = known.attrs.tags.entry("aws:listed_by".into()).or_default();
                    for a in listers.split(',').filter(|a| !a.is_empty()) {
                        if !e.split(',').any(|x| x == a) {
                            if !e.is_empty() {
                                e.push(',');
                            }
                            e.push_str(a);
                        }
                    }
                    if r.file < known.file {
                        let tags = known.attrs.tags.clone();
                        *known = r.clone();
                        known.attrs.tags = tags;
                    }
                }
            }
        }
    }
    globals.sources = std::sync::Arc::new(sources);
    globals.shared = shared_res.into_values().collect();
    globals.claims = claims.into_iter().map(|(n, (_, a))| (n, a)).collect();
    let managed_records = aws_managed_records(files, &aws_managed);

    if timings {
        eprintln!("aws org index: {:?}", t.elapsed());
    }
    // 3. The passes.
    let mut passes: BTreeSet<String> = BTreeSet::new();
    for g in &groups {
        passes.extend(g.accounts.iter().cloned());
    }
    passes.extend(by_account.keys().cloned());
    if groups.is_empty() {
        let mut reader = Reader::new();
        read_files(&mut reader, files, out, |_| Some(true));
        reader.finish(out, false);
        return;
    }
    // The pass each group counts in: the first of its accounts.
    let owner: Vec<String> = groups
        .iter()
        .zip(by_account_names(&by_account, groups.len()))
        .map(|(g, own)| {
            g.accounts
                .iter()
                .chain(own.iter())
                .min()
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    let first = passes.iter().next().cloned().unwrap_or_default();
    for account in &passes {
        let mut read: BTreeSet<usize> = groups
            .iter()
            .enumerate()
            .filter(|(gi, g)| {
                g.accounts.contains(account)
                    || by_account.get(account) == Some(gi)
                    || g.exports.as_ref().is_none_or(|to| to.contains(account))
            })
            .map(|(gi, _)| gi)
            .collect();
        // What the groups read name, to a fixed point.
        loop {
            let more: BTreeSet<usize> = read
                .iter()
                .filter_map(|&gi| groups.get(gi))
                .flat_map(|g| g.needs.iter())
                .filter_map(|a| by_account.get(a).copied())
                .filter(|gi| !read.contains(gi))
                .collect();
            if more.is_empty() {
                break;
            }
            read.extend(more);
        }
        let is_first = *account == first;
        groups_read += read.len();
        let r0 = std::time::Instant::now();
        let mut reader = Reader::new();
        reader.facts.claims = Some(globals.claims.clone());
        let mut scratch = EstateBuilder::new();
        let mut owned: HashMap<&str, bool> = HashMap::new();
        for (i, f) in files.iter().enumerate() {
            reader.begin_file(f.path);
            let own = match group_of.get(i).copied().flatten() {
                None => is_first,
                Some(g) if read.contains(&g) => owner.get(g) == Some(account),
                Some(_) => {
                    // Not read: only the AWS managed policies first given here.
                    if let Some(records) = managed_records.get(&i) {
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
            owned.insert(f.path, own);
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
        reader.set_globals(&globals);
        reading += r0.elapsed();
        reader.finish_pass(out, account.clone(), is_first, |f| owned.get(f).copied());
    }
    if timings {
        eprintln!(
            "aws org passes: {:?} (reading {reading:?}, {groups_read} groups)",
            t.elapsed()
        );
    }
}

/// The account named by each group index.
fn by_account_names(by_account: &HashMap<String, usize>, n: usize) -> Vec<Option<String>> {
    let mut names = vec![None; n];
    for (a, &g) in by_account {
        if let Some(slot) = names.get_mut(g) {
            *slot = Some(a.clone());
        }
    }
    names
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
