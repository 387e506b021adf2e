//! Where the new compute of two PassRole rows gets what it runs, decided
//! per (attacker, passed role) from the inventories:
//!
//! - `kinesisanalytics-create-application` (pathfinding.cloud
//!   `kinesisanalytics-001`): the application's code is a JAR in Amazon S3
//!   that the role reads (`s3:GetObject`); the attacker puts it there
//!   (`s3:PutObject`).
//! - `lambda-create-function-event-source` (`lambda-002`): the function
//!   runs when records arrive at an event source the role reads; on SQS
//!   Lambda checks `sqs:ReceiveMessage`, `sqs:DeleteMessage` and
//!   `sqs:GetQueueAttributes` when the mapping is created, and the attacker
//!   sends the message (`sqs:SendMessage`).
//!
//! A location both sides may use is either a resource of the account's
//! inventory (`s3/list-buckets`, `sqs/list-queues`), evaluated with its
//! resource policy, or a new one the attacker creates
//! (`s3:CreateBucket`, `sqs:CreateQueue`) and names: a name both sides'
//! policies allow, taken from their statements' resource patterns
//! ([`Statement::resource_instances`]) or any name where both grant every
//! name. Bucket names are global, so a new bucket under a name that a
//! policy spells out (no wildcard) works only if no other account owns it:
//! conditional. Firm when a location is firmly allowed to both sides; no
//! edge when the inventory was read and no location works (except that an
//! SQS queue only others send to, or streams, which are not inventoried,
//! keep a conditional edge); conditional naming the inventory when it was
//! not collected.
//!
//! Each role's side is built once ([`Sources`], on first use), each
//! caller's once per caller ([`CallerSources`]); a (caller, role) pair
//! only intersects them, evaluating the few locations one side names and
//! the other has not been asked about.

use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

use blastgraph_policy::{
    Policy, PolicyKind, PolicySet, Principal, Request, Statement, evaluate, rcp_applies_to,
};

use crate::access::attacker_context;
use crate::methods::{Verdict, new_resource_actions};
use crate::tables::{PASS_ROLE_CAVEATS, S3_BUCKET, SQS_QUEUE, Spec};
use crate::{Facts, Trusted, allowing};

/// A PassRole row whose new compute needs a location the passed role reads
/// and the attacker writes.
pub(crate) struct CodeSource {
    /// The row id of `PASS_ROLE_METHODS`.
    row: &'static str,
    /// The inventory of existing locations.
    spec: &'static Spec,
    /// `bucket`, `queue` (for reasons).
    what: &'static str,
    /// What the role needs on the location, all of them.
    read: &'static [&'static str],
    /// What the attacker needs on the location, all of them.
    write: &'static [&'static str],
    /// What the attacker needs on the container to create a new one.
    create: &'static [&'static str],
    /// The location is an object under the resource (`RES/KEY`), read and
    /// write apply to it; create applies to the resource.
    keyed: bool,
    /// Names are global (S3): a name a policy spells out may be another
    /// account's.
    global_names: bool,
    /// The reason's words before the location.
    via: &'static str,
    /// Whoever else writes to an existing location runs the code (SQS).
    others_write: bool,
    /// Action sets of event sources that are not inventoried: a role that
    /// may do all of one keeps the edge conditional.
    uninventoried: &'static [&'static [&'static str]],
    /// What is needed then (after "needs" or "or").
    uninventoried_reason: &'static str,
}

/// The rows decided here.
pub(crate) const SOURCES: [CodeSource; 2] = [
    CodeSource {
        row: "kinesisanalytics-create-application",
        spec: &S3_BUCKET,
        what: "bucket",
        read: &["s3:GetObject"],
        write: &["s3:PutObject"],
        create: &["s3:CreateBucket"],
        keyed: true,
        global_names: true,
        via: "its code in",
        others_write: false,
        uninventoried: &[],
        uninventoried_reason: "",
    },
    CodeSource {
        row: "lambda-create-function-event-source",
        spec: &SQS_QUEUE,
        what: "queue",
        read: &[
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
        ],
        write: &["sqs:SendMessage"],
        create: &["sqs:CreateQueue"],
        keyed: false,
        global_names: false,
        via: "an event source mapping on",
        others_write: true,
        // AWSLambdaDynamoDBExecutionRole, AWSLambdaKinesisExecutionRole.
        uninventoried: &[
            &[
                "dynamodb:DescribeStream",
                "dynamodb:GetRecords",
                "dynamodb:GetShardIterator",
                "dynamodb:ListStreams",
            ],
            &[
                "kinesis:DescribeStream",
                "kinesis:GetRecords",
                "kinesis:GetShardIterator",
                "kinesis:ListShards",
            ],
        ],
        uninventoried_reason: "a DynamoDB or Kinesis stream the role may read (its policies allow reading streams) that records arrive at: streams are not inventoried",
    },
];

/// Candidate object keys per side (S3), at most.
const MAX_KEYS: usize = 16;
/// Candidate new locations per side, at most.
const MAX_NEW: usize = 16;

/// The index in [`SOURCES`] of the row `id`.
pub(crate) fn source_of(id: &str) -> Option<usize> {
    SOURCES.iter().position(|s| s.row == id)
}

/// How a decided row gets its code: the words of the reason and the
/// attacker's actions beyond the row's (`s3:PutObject`, ...).
#[derive(Debug, Clone)]
pub(crate) struct Via {
    pub note: String,
    pub actions: Vec<&'static str>,
}

/// The principal and policies a request is decided on.
#[derive(Clone, Copy)]
pub(crate) struct Who<'a> {
    /// The identity's ARN, as resource policies name it.
    pub arn: &'a str,
    pub principal: &'a Principal,
    pub identity: &'a [&'a Policy],
    pub boundary: Option<&'a Policy>,
    pub scp: &'a [Vec<&'a Policy>],
}

/// One location: the resource (bucket, queue) and the object read and
/// written (`BUCKET/KEY`; the queue itself).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Loc {
    container: String,
    object: String,
}

/// The existing locations one side may use, for one source.
#[derive(Default)]
struct Reach {
    /// The object keys tried (S3: `*` and the keys of the side's patterns;
    /// one empty key for queues).
    keys: Vec<String>,
    /// Resource (index into the inventory) → per key, the verdict where
    /// allowed; only resources with some key allowed.
    on: BTreeMap<u32, Vec<Option<Verdict>>>,
}

/// A new location one side's patterns name, with that side's verdict.
struct Cand {
    loc: Loc,
    /// The resource's name (for reasons).
    name: String,
    /// The name is the attacker's pick (a wildcard, or a name that is
    /// not global).
    free: bool,
    verdict: Option<Verdict>,
}

/// One account's inventoried resources of one source.
#[derive(Default)]
struct Pool<'f> {
    /// (ARN, index into the inventory), by ARN.
    sorted: Vec<(&'f str, u32)>,
    /// Principal ARN → the resources whose policy names it.
    named: HashMap<&'f str, Vec<u32>>,
    /// The resources whose policy names anyone (or cannot tell).
    anyone: Vec<u32>,
}

/// What a role's side holds, built on first use.
struct RoleSide<'f> {
    arn: &'f str,
    principal: &'f Principal,
    identity: Vec<&'f Policy>,
    boundary: Option<&'f Policy>,
    scp: Vec<Vec<&'f Policy>>,
    account: &'f str,
    partition: &'f str,
    reach: [OnceLock<Reach>; 2],
    new: [OnceLock<Vec<Cand>>; 2],
    uninventoried: [OnceLock<bool>; 2],
    /// Whether (and how) the role may read a location in an account the
    /// attacker owns, under that location's policy granting it.
    outside: [OnceLock<Option<Verdict>>; 2],
    /// Verdicts on locations only the other side named, by (new?, object):
    /// many callers name the same ones.
    memo: [Mutex<Memo>; 2],
}

/// Verdicts on locations by (new location?, object ARN).
type Memo = HashMap<(bool, String), Option<Verdict>>;

impl RoleSide<'_> {
    fn who(&self) -> Who<'_> {
        Who {
            arn: self.arn,
            principal: self.principal,
            identity: &self.identity,
            boundary: self.boundary,
            scp: &self.scp,
        }
    }
}

/// A caller's side, built on first use, for one caller's pairs.
pub(crate) struct CallerSources<'c> {
    /// The caller's ARN.
    arn: &'c str,
    reach: [OnceCell<Reach>; 2],
    new: [OnceCell<Vec<Cand>>; 2],
    /// As [`RoleSide`]'s: the roles' names repeat across roles.
    memo: [RefCell<Memo>; 2],
}

impl<'c> CallerSources<'c> {
    /// Nothing built yet for the caller `arn`.
    pub(crate) fn new(arn: &'c str) -> Self {
        CallerSources {
            arn,
            reach: Default::default(),
            new: Default::default(),
            memo: Default::default(),
        }
    }

    /// The caller's ARN.
    pub(crate) fn arn(&self) -> &'c str {
        self.arn
    }
}

/// The ARN of every inventoried bucket and queue of `facts`.
pub(crate) fn source_arns(facts: &Facts) -> impl Iterator<Item = &str> {
    facts
        .inv
        .resources
        .iter()
        .filter(|r| SOURCES.iter().any(|src| src.spec.kind == r.spec.kind))
        .map(|r| r.arn.as_str())
}

/// The per-account candidates and the per-role sides ([module](self)).
pub(crate) struct Sources<'f> {
    facts: &'f Facts,
    /// Account → per source, its inventoried resources.
    by_account: HashMap<&'f str, [Pool<'f>; 2]>,
    /// The ARN of every inventoried bucket and queue of the estate.
    known: HashSet<&'f str>,
    /// Account → its RCPs.
    rcps: HashMap<&'f str, Vec<Vec<&'f Policy>>>,
    /// Identity index → the role's side; empty when no row is decided here.
    roles: Vec<OnceLock<Option<Box<RoleSide<'f>>>>>,
}

impl<'f> Sources<'f> {
    /// Sources for `facts`; `needed` is false when no role can be passed
    /// under a row decided here (then nothing is built).
    pub(crate) fn new(facts: &'f Facts, needed: bool) -> Self {
        let mut s = Sources {
            facts,
            by_account: HashMap::new(),
            known: HashSet::new(),
            rcps: HashMap::new(),
            roles: Vec::new(),
        };
        if !needed {
            return s;
        }
        for (ri, r) in facts.inv.resources.iter().enumerate() {
            let Some(k) = SOURCES.iter().position(|src| src.spec.kind == r.spec.kind) else {
                continue;
            };
            s.known.insert(r.arn.as_str());
            let Some(pool) = s
                .by_account
                .entry(r.account.as_str())
                .or_default()
                .get_mut(k)
            else {
                continue;
            };
            let ri = ri as u32;
            pool.sorted.push((r.arn.as_str(), ri));
            if r.policy.is_some() {
                for t in &r.named {
                    match t {
                        Trusted::Anyone => pool.anyone.push(ri),
                        Trusted::Arn(a) => pool.named.entry(a.as_str()).or_default().push(ri),
                        // Naming the account leaves it to the identity
                        // policies.
                        Trusted::Account(_) => {}
                    }
                }
            }
        }
        for pool in s.by_account.values_mut().flatten() {
            pool.sorted.sort_unstable();
        }
        for account in &facts.accounts {
            s.rcps
                .insert(account.as_str(), facts.org_levels(account, PolicyKind::Rcp));
        }
        s.roles = (0..facts.idents.len()).map(|_| OnceLock::new()).collect();
        s
    }

    fn role(&self, ix: usize) -> Option<&RoleSide<'f>> {
        let facts = self.facts;
        self.roles
            .get(ix)?
            .get_or_init(|| {
                let role = facts.idents.get(ix)?;
                let principal = role.principal.as_ref()?;
                let ids = facts.identity_policies(role);
                Some(Box::new(RoleSide {
                    arn: role.arn.as_str(),
                    principal,
                    identity: facts.refs(&ids),
                    boundary: facts.boundary_of(role),
                    scp: facts.org_levels(&role.account, PolicyKind::Scp),
                    account: role.account.as_str(),
                    partition: role.arn.split(':').nth(1).unwrap_or("aws"),
                    reach: Default::default(),
                    new: Default::default(),
                    uninventoried: Default::default(),
                    outside: Default::default(),
                    memo: Default::default(),
                }))
            })
            .as_deref()
    }

    /// Decides source `s` for the attacker `who` passing role `role_ix`:
    /// the verdict and how it runs, or `None` (no edge).
    pub(crate) fn decide(
        &self,
        s: usize,
        who: &Who<'_>,
        mine: &CallerSources<'_>,
        role_ix: usize,
    ) -> Option<(Verdict, Option<Via>)> {
        let src = SOURCES.get(s)?;
        let role = self.role(role_ix)?;
        let account = role.account;
        let mut fallback: Option<(Verdict, Via)> = None;
        // Existing locations: those of the role's reach the attacker may
        // write too.
        let theirs = role.reach[s].get_or_init(|| self.reach(src, s, &role.who(), account, false));
        if !theirs.on.is_empty() {
            let ours = mine.reach[s].get_or_init(|| self.reach(src, s, who, account, true));
            let shared = sorted_common(theirs.on.keys(), ours.on.keys());
            let mut keys: Vec<&str> = theirs.keys.iter().map(String::as_str).collect();
            for k in &ours.keys {
                if !keys.contains(&k.as_str()) {
                    keys.push(k);
                }
            }
            for ri in shared {
                let Some(r) = self.facts.inv.resources.get(ri as usize) else {
                    continue;
                };
                let policy = r
                    .policy
                    .and_then(|i| self.facts.docs.get(i))
                    .map(|d| &d.policy);
                for k in &keys {
                    let loc = self.existing_loc(src, &r.arn, k);
                    let known = |reach: &Reach| {
                        let i = reach.keys.iter().position(|x| x.as_str() == *k)?;
                        Some(reach.on.get(&ri).and_then(|v| v.get(i)).cloned().flatten())
                    };
                    // What either side was asked already; a refusal ends it.
                    let (r_known, a_known) = (known(theirs), known(ours));
                    if matches!(r_known, Some(None)) || matches!(a_known, Some(None)) {
                        continue;
                    }
                    let rv = r_known.unwrap_or_else(|| {
                        role_memo(&role.memo[s], (false, &loc.object), || {
                            self.all(&role.who(), (src.read, &[]), &loc, policy, &r.account)
                        })
                    });
                    let Some(rv) = rv else {
                        continue;
                    };
                    let av = a_known.unwrap_or_else(|| {
                        caller_memo(&mine.memo[s], (false, &loc.object), || {
                            self.all(who, (src.write, &[]), &loc, policy, &r.account)
                        })
                    });
                    let Some(av) = av else {
                        continue;
                    };
                    let v = rv.and(&av);
                    if v.firm || fallback.is_none() {
                        let via = Via {
                            note: format!("{} {} {}", src.via, src.what, r.name),
                            actions: src.write.to_vec(),
                        };
                        if v.firm {
                            return Some((v, Some(via)));
                        }
                        fallback = Some((v, via));
                    }
                }
            }
        }
        // New locations, named by either side's patterns.
        let theirs_new = role.new[s].get_or_init(|| self.new_cands(src, &role.who(), role, false));
        let ours_new = mine.new[s].get_or_init(|| self.new_cands(src, who, role, true));
        let mut tried: Vec<&Loc> = Vec::new();
        for c in theirs_new.iter().chain(ours_new) {
            if tried.contains(&&c.loc) {
                continue;
            }
            tried.push(&c.loc);
            let container = c.loc.container.as_str();
            // Read one account at a time (`org`): the organisation's too.
            if self.known.contains(container) || self.facts.global_sources.contains(container) {
                // It exists: an existing location, decided above.
                continue;
            }
            let named = |cands: &[Cand]| {
                cands
                    .iter()
                    .find(|x| x.loc == c.loc)
                    .map(|x| x.verdict.clone())
            };
            let (r_known, a_known) = (named(theirs_new), named(ours_new));
            if matches!(r_known, Some(None)) || matches!(a_known, Some(None)) {
                continue;
            }
            let rv = r_known.unwrap_or_else(|| {
                role_memo(&role.memo[s], (true, &c.loc.object), || {
                    self.all(&role.who(), (src.read, &[]), &c.loc, None, account)
                })
            });
            let Some(rv) = rv else {
                continue;
            };
            let av = a_known.unwrap_or_else(|| {
                caller_memo(&mine.memo[s], (true, &c.loc.object), || {
                    self.all(who, (src.write, src.create), &c.loc, None, account)
                })
            });
            let Some(av) = av else {
                continue;
            };
            let free = c.free
                || theirs_new
                    .iter()
                    .chain(ours_new)
                    .any(|x| x.free && x.loc == c.loc);
            let mut v = rv.and(&av);
            if src.global_names && !free {
                v = v.because(&format!(
                    "a new {what} named {} (a name a policy spells out, not one the attacker picks): {what} names are global, so it works only if no other account owns one of that name",
                    c.name,
                    what = src.what
                ));
            }
            if v.firm || fallback.is_none() {
                let via = Via {
                    note: format!("{} a new {}", src.via, src.what),
                    actions: src.create.iter().chain(src.write).copied().collect(),
                };
                if v.firm {
                    return Some((v, Some(via)));
                }
                fallback = Some((v, via));
            }
        }
        if let Some((v, via)) = fallback {
            return Some((v, Some(via)));
        }
        // A location the role reads and others write (SQS): it runs when
        // they do.
        if src.others_write
            && let Some((&ri, keys)) = theirs.on.iter().next()
            && let Some(r) = self.facts.inv.resources.get(ri as usize)
        {
            let read = keys
                .iter()
                .flatten()
                .next()
                .cloned()
                .unwrap_or_else(Verdict::firm);
            let v = Verdict::firm().and(&read).because(&format!(
                "runs when someone else sends to {} {}: the role may read it, the attacker may not send to it",
                src.what, r.name
            ));
            let via = Via {
                note: format!("{} {} {}", src.via, src.what, r.name),
                actions: Vec::new(),
            };
            return Some((v, Some(via)));
        }
        // A location in an account the attacker owns, whose policy grants
        // the role: the attacker needs no permission here to fill it.
        let outside = role.outside[s].get_or_init(|| self.outside(src, role));
        if let Some(v) = outside {
            let via = Via {
                note: format!(
                    "{} a {} in an account the attacker owns, whose policy grants the role",
                    src.via, src.what
                ),
                actions: Vec::new(),
            };
            return Some((v.clone(), Some(via)));
        }
        // What the inputs do not hold.
        let unlisted = (!self.facts.inventory_seen(account, src.spec.inventory)).then(|| {
            PASS_ROLE_CAVEATS
                .iter()
                .find(|c| c.id == src.row)
                .map_or(src.spec.inventory, |c| c.reason)
        });
        let streams = role.uninventoried[s].get_or_init(|| {
            let r = role.who();
            src.uninventoried.iter().any(|acts| {
                new_resource_actions(
                    r.principal,
                    (r.identity, r.boundary, r.scp),
                    acts,
                    attacker_context(),
                )
                .is_some()
            })
        });
        let why = match (unlisted, *streams) {
            (None, false) => return None,
            (Some(u), false) => u.to_string(),
            (None, true) => format!("needs {}", src.uninventoried_reason),
            (Some(u), true) => format!("{u}; or {}", src.uninventoried_reason),
        };
        Some((Verdict::firm().because(&why), None))
    }

    /// The role's verdict on reading a location in an account outside the
    /// inputs, whose resource policy (the attacker's) grants the role the
    /// reads: its own policies, boundary and SCPs decide.
    fn outside(&self, src: &CodeSource, role: &RoleSide<'_>) -> Option<Verdict> {
        const OUTSIDE: &str = "999999999999";
        let container = if src.keyed {
            format!("arn:{}:s3:::attacker-owned-code", role.partition)
        } else {
            format!(
                "arn:{}:sqs:us-east-1:{OUTSIDE}:attacker-owned-queue",
                role.partition
            )
        };
        let loc = Loc {
            object: if src.keyed {
                format!("{container}/code.jar")
            } else {
                container.clone()
            },
            container,
        };
        let doc = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"AWS": role.arn},
                "Action": src.read,
                "Resource": "*",
            }],
        });
        let granted = Policy::from_value("the attacker's resource policy", &doc).ok()?;
        self.all(
            &role.who(),
            (src.read, &[]),
            &loc,
            Some(&granted.policy),
            OUTSIDE,
        )
    }

    /// The location `KEY` of an existing resource.
    fn existing_loc(&self, src: &CodeSource, arn: &str, key: &str) -> Loc {
        Loc {
            container: arn.to_string(),
            object: if src.keyed {
                format!("{arn}/{key}")
            } else {
                arn.to_string()
            },
        }
    }

    /// The existing locations of `account` that `who` may read (the role,
    /// `write` false) or write (the attacker).
    fn reach(
        &self,
        src: &CodeSource,
        s: usize,
        who: &Who<'_>,
        account: &str,
        write: bool,
    ) -> Reach {
        let actions = if write { src.write } else { src.read };
        let keys: Vec<String> = if src.keyed {
            let mut keys = vec!["*".to_string()];
            for inst in actions
                .iter()
                .flat_map(|a| allowing(who.identity, a))
                .flat_map(Statement::resource_instances)
            {
                if let Some((_, key)) = split_s3(&inst).and_then(|(_, rest)| rest.split_once('/'))
                    && !key.is_empty()
                    && keys.len() < MAX_KEYS
                    && !keys.iter().any(|k| k == key)
                {
                    keys.push(key.to_string());
                }
            }
            keys
        } else {
            vec![String::new()]
        };
        let mut on = BTreeMap::new();
        let Some(pool) = self.by_account.get(account).and_then(|v| v.get(s)) else {
            return Reach { keys, on };
        };
        let first = actions.first().copied().unwrap_or_default();
        // Candidates: under an allowing statement's literal prefix (or the
        // bucket it names), or named by a resource policy.
        let by_policy: Vec<u32> = pool
            .named
            .get(who.arn)
            .into_iter()
            .flatten()
            .chain(&pool.anyone)
            .copied()
            .collect();
        let mut cand: Vec<u32> = by_policy.clone();
        for st in allowing(who.identity, first) {
            for prefix in st.resource_prefixes() {
                let start = pool.sorted.partition_point(|(a, _)| *a < prefix.as_str());
                cand.extend(
                    pool.sorted
                        .get(start..)
                        .unwrap_or_default()
                        .iter()
                        .take_while(|(a, _)| a.starts_with(prefix.as_str()))
                        .map(|(_, ri)| *ri),
                );
                // A prefix inside one bucket's objects names that bucket.
                if let Some((head, rest)) = split_s3(&prefix)
                    && let Some((bucket, _)) = rest.split_once('/')
                {
                    let arn = format!("{head}{bucket}");
                    if let Ok(i) = pool
                        .sorted
                        .binary_search_by(|(a, _)| (*a).cmp(arn.as_str()))
                        && let Some((_, ri)) = pool.sorted.get(i)
                    {
                        cand.push(*ri);
                    }
                }
            }
        }
        cand.sort_unstable();
        cand.dedup();
        for ri in cand {
            let Some(r) = self.facts.inv.resources.get(ri as usize) else {
                continue;
            };
            let policy = r
                .policy
                .and_then(|i| self.facts.docs.get(i))
                .map(|d| &d.policy);
            let named = by_policy.contains(&ri);
            let mut verdicts = Vec::with_capacity(keys.len());
            for k in &keys {
                let loc = self.existing_loc(src, &r.arn, k);
                // Only a resource policy that names it (or anyone) or an
                // identity statement that may match can allow it (a policy
                // naming the account leaves it to the identity policies).
                let maybe = named
                    || allowing(who.identity, first).any(|st| st.may_match_resource(&loc.object));
                verdicts.push(if maybe {
                    self.all(who, (actions, &[]), &loc, policy, &r.account)
                } else {
                    None
                });
            }
            if verdicts.iter().any(Option::is_some) {
                on.insert(ri, verdicts);
            }
        }
        Reach { keys, on }
    }

    /// New locations the patterns of `who`'s statements name (the role's
    /// read, or the attacker's create and write), and one any-name
    /// location, with `who`'s verdict on each.
    fn new_cands(
        &self,
        src: &CodeSource,
        who: &Who<'_>,
        role: &RoleSide<'_>,
        attacker: bool,
    ) -> Vec<Cand> {
        let (acts, containers): (&[&str], &[&str]) = if attacker {
            (src.write, src.create)
        } else {
            (src.read, &[])
        };
        let mut named: Vec<(Loc, String, bool)> = Vec::new();
        let any = format!("{}x", self.default_prefix(src, role));
        named.extend(self.parse_new(src, role, &any, None));
        for a in acts.iter().chain(containers) {
            for st in allowing(who.identity, a) {
                let prefixes = st.resource_prefixes();
                let instances = st.resource_instances();
                let aligned = prefixes.len() == instances.len();
                for (i, inst) in instances.iter().enumerate() {
                    // Unaligned (a pattern with a policy variable): the
                    // whole instance, so no wildcard is seen.
                    let prefix = if aligned {
                        prefixes.get(i).map_or("", String::as_str)
                    } else {
                        inst.as_str()
                    };
                    if let Some(c) = self.parse_new(src, role, inst, Some(prefix))
                        && named.len() < MAX_NEW
                        && !named.iter().any(|(l, ..)| *l == c.0)
                    {
                        named.push(c);
                    }
                }
            }
        }
        named
            .into_iter()
            .map(|(loc, name, free)| {
                let verdict = self.all(who, (acts, containers), &loc, None, role.account);
                Cand {
                    loc,
                    name,
                    free,
                    verdict,
                }
            })
            .collect()
    }

    /// `arn:P:s3:::` or `arn:P:sqs:x:ACCOUNT:`: where a name any pattern
    /// allows starts.
    fn default_prefix(&self, src: &CodeSource, role: &RoleSide<'_>) -> String {
        if src.keyed {
            format!("arn:{}:s3:::", role.partition)
        } else {
            format!("arn:{}:sqs:x:{}:", role.partition, role.account)
        }
    }

    /// A new location from a pattern's instance `inst` (whose literal
    /// prefix is `prefix`; `None` for the any-name location): `None` when
    /// it is not one of this source or not in the role's account.
    fn parse_new(
        &self,
        src: &CodeSource,
        role: &RoleSide<'_>,
        inst: &str,
        prefix: Option<&str>,
    ) -> Option<(Loc, String, bool)> {
        if src.keyed {
            let (head, rest) = split_s3(inst)?;
            let (bucket, key) = rest.split_once('/').unwrap_or((rest, "x"));
            if bucket.is_empty() {
                return None;
            }
            let key = if key.is_empty() { "x" } else { key };
            // A wildcard at or before the end of the bucket name: a name
            // the attacker picks. (An empty prefix on an ARN: a
            // case-insensitive pattern, not read.)
            let free = prefix.is_none_or(|p| !p.is_empty() && p.len() < head.len() + bucket.len());
            let container = format!("{head}{bucket}");
            let object = format!("{container}/{key}");
            Some((Loc { container, object }, bucket.to_string(), free))
        } else {
            let mut parts = inst.splitn(6, ':');
            let (Some("arn"), Some(partition), Some("sqs"), Some(region), Some(acct), Some(name)) = (
                parts.next(),
                parts.next(),
                parts.next(),
                parts.next(),
                parts.next(),
                parts.next(),
            ) else {
                return None;
            };
            // `x` in the account stands for a wildcard: the role's account.
            if name.is_empty() || !(acct == role.account || acct == "x" || acct.is_empty()) {
                return None;
            }
            let arn = format!("arn:{partition}:sqs:{region}:{}:{name}", role.account);
            Some((
                Loc {
                    container: arn.clone(),
                    object: arn,
                },
                name.to_string(),
                true,
            ))
        }
    }

    /// `who`'s verdict on every action of `acts.0` on the location's
    /// object and of `acts.1` on its container; `None` when one is refused.
    fn all(
        &self,
        who: &Who<'_>,
        (on_object, on_container): (&[&str], &[&str]),
        loc: &Loc,
        policy: Option<&Policy>,
        account: &str,
    ) -> Option<Verdict> {
        let resource: &[&Policy] = policy.as_slice();
        let none: Vec<Vec<&Policy>> = Vec::new();
        let mut v = Verdict::firm();
        let requests = on_container
            .iter()
            .map(|a| (*a, loc.container.as_str()))
            .chain(on_object.iter().map(|a| (*a, loc.object.as_str())));
        for (action, arn) in requests {
            let rcp = if rcp_applies_to(action) {
                self.rcps.get(account).unwrap_or(&none)
            } else {
                &none
            };
            let set = PolicySet {
                identity: who.identity,
                resource,
                boundary: who.boundary,
                scp: who.scp,
                rcp,
                ..PolicySet::default()
            };
            let e = evaluate(
                &Request::new(who.principal, action, arn)
                    .with_resource_account(account)
                    .with_context(attacker_context()),
                &set,
            );
            if !e.is_allowed() {
                return None;
            }
            v = v.and(&Verdict::of(&e));
        }
        Some(v)
    }
}

/// The elements two ascending sequences share, by one merge.
fn sorted_common<'a>(
    a: impl Iterator<Item = &'a u32>,
    b: impl Iterator<Item = &'a u32>,
) -> Vec<u32> {
    let mut out = Vec::new();
    let (mut a, mut b) = (a.peekable(), b.peekable());
    while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => {
                a.next();
            }
            std::cmp::Ordering::Greater => {
                b.next();
            }
            std::cmp::Ordering::Equal => {
                out.push(**x);
                a.next();
                b.next();
            }
        }
    }
    out
}

/// A role's verdict on a location, remembered (computed outside the lock;
/// a poisoned lock only loses the memo).
fn role_memo(
    memo: &Mutex<Memo>,
    (new, object): (bool, &str),
    decide: impl FnOnce() -> Option<Verdict>,
) -> Option<Verdict> {
    let key = (new, object.to_string());
    if let Some(v) = memo.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return v;
    }
    let v = decide();
    if let Ok(mut m) = memo.lock() {
        m.insert(key, v.clone());
    }
    v
}

/// A caller's verdict on a location, remembered for its other pairs.
fn caller_memo(
    memo: &RefCell<Memo>,
    (new, object): (bool, &str),
    decide: impl FnOnce() -> Option<Verdict>,
) -> Option<Verdict> {
    let key = (new, object.to_string());
    if let Some(v) = memo.borrow().get(&key) {
        return v.clone();
    }
    let v = decide();
    memo.borrow_mut().insert(key, v.clone());
    v
}

/// `arn:P:s3:::REST` → (`arn:P:s3:::`, REST).
fn split_s3(arn: &str) -> Option<(&str, &str)> {
    let i = arn.find(":s3:::")?;
    if !arn.starts_with("arn:") {
        return None;
    }
    let cut = i + ":s3:::".len();
    Some((arn.get(..cut)?, arn.get(cut..)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use blastgraph_policy::ActionCatalog;

    /// Every action the location rows evaluate is in the action catalogue:
    /// a misspelt action would never be allowed.
    #[test]
    fn every_source_names_known_actions() {
        let cat = ActionCatalog::builtin();
        for src in &SOURCES {
            let all = src
                .read
                .iter()
                .chain(src.write)
                .chain(src.create)
                .chain(src.uninventoried.iter().flat_map(|a| a.iter()));
            for a in all {
                assert!(cat.get(a).is_some(), "{a}");
            }
            assert!(source_of(src.row).is_some());
            assert!(
                crate::PASS_ROLE_METHODS
                    .iter()
                    .any(|(id, ..)| *id == src.row),
                "{}",
                src.row
            );
        }
    }
}
