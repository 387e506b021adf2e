//! Vault ACL policies: parsing (HCL, or JSON) and evaluation with Vault's
//! documented path semantics (developer.hashicorp.com/vault/docs/concepts/policies).
//!
//! - A pattern ending in `*` matches every path it is a prefix of; `*`
//!   anywhere else is an ordinary character.
//! - A segment that is exactly `+` matches any one path segment.
//! - Among the patterns that match a path only the highest-priority one
//!   counts ("priority matching"): P1 ranks below P2 when, in order, its
//!   first `+` or `*` comes earlier, it ends in `*` and P2 does not, it has
//!   more `+` segments, it is shorter, or it is lexicographically smaller.
//!   A pattern without wildcards therefore beats every wildcard pattern.
//! - The same pattern in several policies (or twice in one) unions its
//!   capabilities; `deny` there denies everything on the paths it wins.
//! - Templated paths (`{{identity.entity.name}}` …) are filled from what the
//!   login's identity is known to be; a template the inputs cannot fill
//!   leaves the rule undecided, and a path it may match is reported as
//!   conditional instead of guessed.
//! - The old `policy = "read" | "write" | "sudo" | "deny"` form means the
//!   capability sets Vault gives it.

use std::cmp::Ordering;
use std::fmt;

/// A set of capabilities.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Caps(u16);

impl Caps {
    pub const NONE: Caps = Caps(0);
    pub const DENY: Caps = Caps(1);
    pub const CREATE: Caps = Caps(1 << 1);
    pub const READ: Caps = Caps(1 << 2);
    pub const UPDATE: Caps = Caps(1 << 3);
    pub const DELETE: Caps = Caps(1 << 4);
    pub const LIST: Caps = Caps(1 << 5);
    pub const SUDO: Caps = Caps(1 << 6);
    pub const PATCH: Caps = Caps(1 << 7);
    pub const SUBSCRIBE: Caps = Caps(1 << 8);
    pub const RECOVER: Caps = Caps(1 << 9);

    const NAMES: [(&'static str, Caps); 10] = [
        ("deny", Caps::DENY),
        ("create", Caps::CREATE),
        ("read", Caps::READ),
        ("update", Caps::UPDATE),
        ("delete", Caps::DELETE),
        ("list", Caps::LIST),
        ("sudo", Caps::SUDO),
        ("patch", Caps::PATCH),
        ("subscribe", Caps::SUBSCRIBE),
        ("recover", Caps::RECOVER),
    ];

    /// A capability by its name (lower case, as Vault spells it).
    pub fn named(name: &str) -> Option<Caps> {
        Caps::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
    }

    /// The capabilities of the old `policy = "..."` form.
    fn of_old_policy(word: &str) -> Option<Caps> {
        let read = Caps::READ | Caps::LIST;
        let write = read | Caps::CREATE | Caps::UPDATE | Caps::DELETE;
        Some(match word {
            "deny" => Caps::DENY,
            "read" => read,
            "write" => write,
            "sudo" => write | Caps::SUDO,
            _ => return None,
        })
    }

    pub fn contains(self, other: Caps) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn intersects(self, other: Caps) -> bool {
        self.0 & other.0 != 0
    }

    pub fn is_deny(self) -> bool {
        self.intersects(Caps::DENY)
    }
}

impl std::ops::BitOr for Caps {
    type Output = Caps;
    fn bitor(self, rhs: Caps) -> Caps {
        Caps(self.0 | rhs.0)
    }
}

impl fmt::Display for Caps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Caps::NAMES
            .iter()
            .filter(|(_, c)| self.contains(*c))
            .map(|(n, _)| *n)
            .collect();
        write!(f, "[{}]", names.join(", "))
    }
}

/// One `path "PATTERN" { … }` block of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRule {
    /// The pattern as written, without a leading `/`.
    pub pattern: String,
    pub caps: Caps,
    /// What a request on it needs besides the token: a control group's
    /// approval or an MFA method (undecidable from the inputs).
    pub gate: Option<String>,
}

/// A parsed policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    pub rules: Vec<PathRule>,
}

/// Parses a policy's text: HCL, or JSON when it is a JSON object. Returns
/// the policy and the problems of blocks that were kept in part or
/// skipped (a block whose capabilities cannot be read is skipped; an
/// unknown capability is ignored and said).
pub fn parse(text: &str) -> Result<(Policy, Vec<String>), String> {
    let value: serde_json::Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| format!("policy is not valid JSON: {e}"))?
    } else {
        return parse_hcl(text);
    };
    let mut policy = Policy::default();
    let mut problems = Vec::new();
    let Some(paths) = value.get("path") else {
        return Ok((policy, problems));
    };
    // JSON form: `{"path": {"PATTERN": {"capabilities": [...]}}}`, or a
    // list of such objects.
    let mut blocks: Vec<(&str, &serde_json::Value)> = Vec::new();
    match paths {
        serde_json::Value::Object(m) => blocks.extend(m.iter().map(|(k, v)| (k.as_str(), v))),
        serde_json::Value::Array(list) => {
            for item in list {
                if let Some(m) = item.as_object() {
                    blocks.extend(m.iter().map(|(k, v)| (k.as_str(), v)));
                }
            }
        }
        _ => return Err("`path` must be an object of patterns".into()),
    }
    for (pattern, body) in blocks {
        let caps = body.get("capabilities").map(|c| match c {
            serde_json::Value::Array(a) => a
                .iter()
                .map(|v| v.as_str().map(str::to_string).ok_or(()))
                .collect::<Result<Vec<_>, ()>>(),
            serde_json::Value::String(s) => Ok(vec![s.clone()]),
            _ => Err(()),
        });
        let old = body.get("policy").and_then(serde_json::Value::as_str);
        let gate = gate_of(
            body.get("control_group").is_some(),
            body.get("mfa_methods").is_some(),
        );
        push_rule(&mut policy, &mut problems, pattern, caps, old, gate);
    }
    Ok((policy, problems))
}

fn parse_hcl(text: &str) -> Result<(Policy, Vec<String>), String> {
    // Vault parses policies as HCL 1, where an object and a block are one
    // thing: its documented `control_group = { factor "x" { … } }` is not
    // HCL 2. Written as the block it is, it parses.
    let body = match hcl::parse(text) {
        Ok(body) => body,
        Err(e) => {
            hcl::parse(&hcl1_blocks(text)).map_err(|_| format!("policy is not valid HCL: {e}"))?
        }
    };
    let mut policy = Policy::default();
    let mut problems = Vec::new();
    for block in body.blocks() {
        if block.identifier() != "path" {
            problems.push(format!(
                "block `{}` is not a `path` block; ignored",
                block.identifier()
            ));
            continue;
        }
        let Some(label) = block.labels().first() else {
            problems.push("a `path` block without its pattern; skipped".into());
            continue;
        };
        let pattern = label.as_str().to_string();
        let mut caps = None;
        let mut old = None;
        let mut control_group = false;
        let mut mfa = false;
        for attr in block.body().attributes() {
            match attr.key() {
                "capabilities" => {
                    caps = Some(match attr.expr() {
                        hcl::Expression::Array(items) => items
                            .iter()
                            .map(|e| match e {
                                hcl::Expression::String(s) => Ok(s.clone()),
                                _ => Err(()),
                            })
                            .collect::<Result<Vec<_>, ()>>(),
                        hcl::Expression::String(s) => Ok(vec![s.clone()]),
                        _ => Err(()),
                    })
                }
                "policy" => {
                    if let hcl::Expression::String(s) = attr.expr() {
                        old = Some(s.clone());
                    }
                }
                "mfa_methods" => mfa = true,
                _ => {}
            }
        }
        for inner in block.body().blocks() {
            if inner.identifier() == "control_group" {
                control_group = true;
            }
        }
        push_rule(
            &mut policy,
            &mut problems,
            &pattern,
            caps,
            old.as_deref(),
            gate_of(control_group, mfa),
        );
    }
    Ok((policy, problems))
}

/// HCL 1 forms HCL 2 does not take: `control_group = {` → `control_group {`,
/// and a block's `{` on the line after its labels (`path "x"` then `{`, as
/// HashiCorp's tutorials write policies) joined to them.
fn hcl1_blocks(text: &str) -> String {
    let mut joined: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.trim() == "{"
            && let Some(prev) = joined.iter_mut().rev().find(|l| !l.trim().is_empty())
            && prev.trim_end().ends_with('"')
        {
            prev.push_str(" {");
            continue;
        }
        joined.push(line.to_string());
    }
    let text = joined.join("\n");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("control_group") {
        let (head, tail) = rest.split_at(i + "control_group".len());
        out.push_str(head);
        let trimmed = tail.trim_start();
        match trimmed.strip_prefix('=') {
            Some(after) if after.trim_start().starts_with('{') => {
                out.push(' ');
                rest = after.trim_start();
            }
            _ => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

fn gate_of(control_group: bool, mfa: bool) -> Option<String> {
    match (control_group, mfa) {
        (true, true) => Some(
            "a control group's approvers must authorise the request, and an MFA method must be satisfied".into(),
        ),
        (true, false) => Some("a control group's approvers must authorise the request".into()),
        (false, true) => Some("an MFA method must be satisfied".into()),
        (false, false) => None,
    }
}

fn push_rule(
    policy: &mut Policy,
    problems: &mut Vec<String>,
    pattern: &str,
    caps: Option<Result<Vec<String>, ()>>,
    old: Option<&str>,
    gate: Option<String>,
) {
    let pattern = pattern.trim_start_matches('/').to_string();
    let mut set = Caps::NONE;
    match (caps, old) {
        (Some(Ok(names)), _) => {
            for name in names {
                match Caps::named(&name.to_ascii_lowercase()) {
                    Some(c) => set = set | c,
                    None => problems.push(format!(
                        "path \"{pattern}\": unknown capability `{name}`; ignored"
                    )),
                }
            }
        }
        (Some(Err(())), _) => {
            problems.push(format!(
                "path \"{pattern}\": `capabilities` is not a list of strings; block skipped"
            ));
            return;
        }
        (None, Some(word)) => match Caps::of_old_policy(word) {
            Some(c) => set = c,
            None => {
                problems.push(format!(
                    "path \"{pattern}\": unknown `policy = \"{word}\"`; block skipped"
                ));
                return;
            }
        },
        (None, None) => {
            problems.push(format!(
                "path \"{pattern}\": no `capabilities`; block grants nothing"
            ));
            return;
        }
    }
    policy.rules.push(PathRule {
        pattern,
        caps: set,
        gate,
    });
}

/// Where a rule came from: the policy's name and the pattern as written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Source {
    pub policy: String,
    pub pattern: String,
}

/// One pattern of an ACL, with the capabilities of every policy that
/// names it.
#[derive(Debug, Clone)]
struct Merged {
    /// The full pattern (namespace prefix included, templates filled).
    pattern: String,
    caps: Caps,
    gate: Option<String>,
    sources: Vec<Source>,
    /// A template the inputs cannot fill: the first one, as written.
    unfilled: Option<String>,
    /// The length of the pattern's literal head ([`head_len`]).
    head: usize,
}

/// The length of a pattern's literal head: up to its first `+` segment,
/// trailing `*` or template. Every path it matches starts with it.
fn head_len(p: &str) -> usize {
    let mut end = p.len();
    if let Some(i) = p.find("{{") {
        end = end.min(i);
    }
    if p.ends_with('*') {
        end = end.min(p.len() - 1);
    }
    let mut off = 0;
    for seg in p.split('/') {
        if seg == "+" {
            end = end.min(off);
            break;
        }
        off += seg.len() + 1;
    }
    end
}

/// The values templated paths are filled with, for one login.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    /// `identity.entity.id`, `identity.entity.name`,
    /// `identity.entity.aliases.ACCESSOR.name`, ... → value.
    pub values: Vec<(String, String)>,
}

/// The ACL of one token: its policies merged.
#[derive(Debug, Clone, Default)]
pub struct Acl {
    rules: Vec<Merged>,
    /// The token has the `root` policy.
    pub root: bool,
}

/// What the ACL says of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Allowed by the winning pattern (its sources); `gate` when a control
    /// group or MFA also stands in the way.
    Allowed {
        by: Vec<Source>,
        gate: Option<String>,
    },
    /// Not allowed (no pattern, the winner lacks the capability, or denies).
    Denied,
    /// A templated pattern the inputs cannot fill decides it.
    Unknown { reason: String, by: Vec<Source> },
}

impl Acl {
    /// The ACL of a token with these policies: `(namespace, name,
    /// policy)`; a namespace's patterns are relative to it.
    pub fn new<'p>(
        policies: impl IntoIterator<Item = (&'p str, &'p str, &'p Policy)>,
        identity: &Identity,
    ) -> Acl {
        let mut acl = Acl::default();
        for (ns, name, policy) in policies {
            if name == "root" && ns.is_empty() {
                acl.root = true;
            }
            for rule in &policy.rules {
                let (written, unfilled) = fill(&rule.pattern, identity);
                let full = if ns.is_empty() {
                    written
                } else {
                    format!("{}/{written}", ns.trim_matches('/'))
                };
                let source = Source {
                    policy: name.to_string(),
                    pattern: rule.pattern.clone(),
                };
                match acl
                    .rules
                    .iter_mut()
                    .find(|m| m.pattern == full && m.unfilled == unfilled)
                {
                    Some(m) => {
                        m.caps = m.caps | rule.caps;
                        if m.gate.is_none() {
                            m.gate.clone_from(&rule.gate);
                        }
                        if !m.sources.contains(&source) {
                            m.sources.push(source);
                        }
                    }
                    None => acl.rules.push(Merged {
                        head: head_len(&full),
                        pattern: full,
                        caps: rule.caps,
                        gate: rule.gate.clone(),
                        sources: vec![source],
                        unfilled,
                    }),
                }
            }
        }
        acl
    }

    /// The literal head of every pattern (up to its first `+`, `*` or
    /// template): a path no head is a prefix of matches no pattern.
    pub fn heads(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| &r.pattern[..r.head])
    }

    /// Whether a request on `path` that needs any of `need` is allowed.
    /// `list` requests also match a pattern without the path's trailing `/`.
    pub fn check(&self, path: &str, need: Caps) -> Verdict {
        if self.root {
            return Verdict::Allowed {
                by: vec![Source {
                    policy: "root".into(),
                    pattern: "*".into(),
                }],
                gate: None,
            };
        }
        let path = path.trim_start_matches('/');
        let list = need == Caps::LIST;
        let firm = self
            .rules
            .iter()
            .filter(|r| r.unfilled.is_none())
            .filter(|r| {
                let head = &r.pattern[..r.head];
                path.starts_with(head) && matches(&r.pattern, path)
                    || (list
                        && path.ends_with('/')
                        && matches(&r.pattern, path.trim_end_matches('/')))
            })
            .max_by(|a, b| priority(&a.pattern, &b.pattern));
        let grants = |r: &Merged| !r.caps.is_deny() && r.caps.intersects(need);
        let firm_verdict = match firm {
            Some(r) if grants(r) => Verdict::Allowed {
                by: r.sources.clone(),
                gate: r.gate.clone(),
            },
            _ => Verdict::Denied,
        };
        // An exact winner outranks every templated pattern with a wildcard
        // whatever its template fills (priority rule 1).
        let exact = |p: &str| !p.ends_with('*') && !p.split('/').any(|s| s == "+");
        let firm_exact = firm.is_some_and(|r| exact(&r.pattern));
        let templated: Vec<&Merged> = self
            .rules
            .iter()
            .filter(|r| r.unfilled.is_some() && could_match(&r.pattern, path))
            .filter(|r| !firm_exact || exact(&r.pattern))
            .collect();
        if templated.is_empty() {
            return firm_verdict;
        }
        let firm_allows = matches!(firm_verdict, Verdict::Allowed { .. });
        // Agreement decides: every templated pattern that may match says
        // what the firm winner says (a templated pattern that wins can only
        // confirm it then).
        if templated.iter().all(|r| grants(r) == firm_allows) {
            return firm_verdict;
        }
        let r = templated[0];
        let template = r.unfilled.clone().unwrap_or_default();
        Verdict::Unknown {
            reason: format!(
                "policy {} path \"{}\" may match, depending on `{template}`, which the inputs do not give for this login",
                r.sources.first().map_or("?", |s| s.policy.as_str()),
                r.sources.first().map_or("?", |s| s.pattern.as_str()),
            ),
            by: r.sources.clone(),
        }
    }
}

/// Fills `{{…}}` templates from the identity; the first one it cannot
/// fill is returned and left in place.
fn fill(pattern: &str, identity: &Identity) -> (String, Option<String>) {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    let mut unfilled = None;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        let name = rest[start + 2..start + len].trim();
        match identity.values.iter().find(|(k, _)| k == name) {
            Some((_, v)) => out.push_str(v),
            None => {
                out.push_str(&rest[start..start + len + 2]);
                if unfilled.is_none() {
                    unfilled = Some(format!("{{{{{name}}}}}"));
                }
            }
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    (out, unfilled)
}

/// Whether `pattern` matches `path` (no templates).
pub fn matches(pattern: &str, path: &str) -> bool {
    let (body, glob) = match pattern.strip_suffix('*') {
        Some(b) => (b, true),
        None => (pattern, false),
    };
    if !body.split('/').any(|s| s == "+") {
        return if glob {
            path.starts_with(body)
        } else {
            path == body
        };
    }
    let segs: Vec<&str> = body.split('/').collect();
    let mut rest = path;
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        if i > 0 {
            match rest.strip_prefix('/') {
                Some(r) => rest = r,
                None => return false,
            }
        }
        if *seg == "+" {
            let end = rest.find('/').unwrap_or(rest.len());
            rest = &rest[end..];
            if last && glob {
                return true;
            }
        } else if last && glob {
            return rest.starts_with(seg);
        } else {
            match rest.strip_prefix(seg) {
                Some(r) if r.is_empty() || r.starts_with('/') => rest = r,
                _ => return false,
            }
        }
    }
    rest.is_empty()
}

/// Whether a templated pattern may match `path` for some filling: each
/// template stands for any run of characters within a segment.
fn could_match(pattern: &str, path: &str) -> bool {
    // Tokens: literal text, a segment wildcard (`+` segment or template),
    // and the trailing glob.
    let (body, glob) = match pattern.strip_suffix('*') {
        Some(b) => (b, true),
        None => (pattern, false),
    };
    let mut regex = Vec::new();
    for (i, seg) in body.split('/').enumerate() {
        if i > 0 {
            regex.push(Tok::Lit("/".into()));
        }
        if seg == "+" {
            regex.push(Tok::Seg);
            continue;
        }
        let mut rest = seg;
        while let Some(start) = rest.find("{{") {
            let Some(len) = rest[start..].find("}}") else {
                break;
            };
            regex.push(Tok::Lit(rest[..start].into()));
            regex.push(Tok::Seg);
            rest = &rest[start + len + 2..];
        }
        regex.push(Tok::Lit(rest.into()));
    }
    if glob {
        regex.push(Tok::Any);
    }
    tok_match(&regex, path)
}

#[derive(Debug)]
enum Tok {
    Lit(String),
    /// Any run of characters without `/`.
    Seg,
    /// Anything.
    Any,
}

fn tok_match(toks: &[Tok], s: &str) -> bool {
    match toks.split_first() {
        None => s.is_empty(),
        Some((Tok::Lit(l), rest)) => s
            .strip_prefix(l.as_str())
            .is_some_and(|r| tok_match(rest, r)),
        Some((Tok::Any, _)) => true,
        Some((Tok::Seg, rest)) => {
            let end = s.find('/').unwrap_or(s.len());
            (0..=end).any(|i| tok_match(rest, &s[i..]))
        }
    }
}

/// Vault's priority of two patterns that match the same path: `Greater`
/// when `a` wins.
pub fn priority(a: &str, b: &str) -> Ordering {
    let first_wild = |p: &str| {
        let plus = p
            .split('/')
            .scan(0usize, |off, seg| {
                let at = *off;
                *off += seg.len() + 1;
                Some((at, seg))
            })
            .find(|(_, seg)| *seg == "+")
            .map(|(at, _)| at);
        let star = p.strip_suffix('*').map(str::len);
        match (plus, star) {
            (Some(x), Some(y)) => x.min(y),
            (Some(x), None) | (None, Some(x)) => x,
            (None, None) => usize::MAX,
        }
    };
    let plus_count = |p: &str| p.split('/').filter(|s| *s == "+").count();
    // 1. the first wildcard later wins
    first_wild(a)
        .cmp(&first_wild(b))
        // 2. not ending in `*` wins
        .then_with(|| b.ends_with('*').cmp(&a.ends_with('*')))
        // 3. fewer `+` segments win
        .then_with(|| plus_count(b).cmp(&plus_count(a)))
        // 4. longer wins
        .then_with(|| a.len().cmp(&b.len()))
        // 5. lexicographically larger wins
        .then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the declarative corpus in `tests/acl-corpus/*.json`: each case
    /// names its policies (`name`, `text`, optional `namespace`), the
    /// login's filled template values (`identity`), a request (`path`,
    /// `need`: any of these capabilities) and the verdict Vault gives
    /// (`allowed`, `denied`, `unknown`; `gated` when a control group or MFA
    /// stands in the way), with the documented rule it follows (`note`).
    #[test]
    fn the_corpus_holds() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/acl-corpus");
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        entries.sort();
        let mut failures = Vec::new();
        let mut count = 0;
        for path in entries {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            for case in doc["cases"].as_array().into_iter().flatten() {
                count += 1;
                let name = case["name"].as_str().unwrap_or("?");
                let mut parsed = Vec::new();
                for p in case["policies"].as_array().into_iter().flatten() {
                    let policy = parse(p["text"].as_str().unwrap_or(""))
                        .map(|(p, _)| p)
                        .unwrap_or_default();
                    parsed.push((
                        p["namespace"].as_str().unwrap_or("").to_string(),
                        p["name"].as_str().unwrap_or("").to_string(),
                        policy,
                    ));
                }
                let identity = Identity {
                    values: case["identity"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                        .collect(),
                };
                let acl = Acl::new(
                    parsed.iter().map(|(ns, n, p)| (ns.as_str(), n.as_str(), p)),
                    &identity,
                );
                let need = case["need"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|c| c.as_str().and_then(Caps::named))
                    .fold(Caps::NONE, |a, b| a | b);
                let verdict = acl.check(case["path"].as_str().unwrap_or(""), need);
                let got = match &verdict {
                    Verdict::Allowed { gate: Some(_), .. } => "allowed gated",
                    Verdict::Allowed { .. } => "allowed",
                    Verdict::Denied => "denied",
                    Verdict::Unknown { .. } => "unknown",
                };
                let want = format!(
                    "{}{}",
                    case["expected"].as_str().unwrap_or("?"),
                    if case["gated"].as_bool() == Some(true) {
                        " gated"
                    } else {
                        ""
                    }
                );
                if got != want {
                    failures.push(format!(
                        "{}: {name}: expected {want}, got {got} ({verdict:?})",
                        path.display()
                    ));
                }
            }
        }
        assert!(
            count >= 30,
            "only {count} corpus cases found in {}",
            dir.display()
        );
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn segment_and_glob_matching() {
        assert!(matches("secret/data/*", "secret/data/ml/openai"));
        assert!(matches("secret/data/ml*", "secret/data/ml-x/y"));
        assert!(!matches("secret/data/ml", "secret/data/ml/x"));
        assert!(matches("secret/+/teama", "secret/data/teama"));
        assert!(!matches("secret/+/teama", "secret/data/x/teama"));
        assert!(matches("secret/+/team*", "secret/data/teamb/x"));
        assert!(matches(
            "auth/+/role/+/secret-id",
            "auth/approle/role/ci/secret-id"
        ));
        assert!(!matches("auth/+/role/+/secret-id", "auth/approle/role/ci"));
        // `*` inside a pattern is an ordinary character.
        assert!(!matches("secret/*/x", "secret/a/x"));
        assert!(matches("secret/*/x", "secret/*/x"));
    }

    #[test]
    fn priority_follows_the_documented_order() {
        // An exact path beats any wildcard.
        assert_eq!(priority("secret/a", "secret/*"), Ordering::Greater);
        // The first wildcard later wins.
        assert_eq!(priority("secret/a/*", "secret/*"), Ordering::Greater);
        assert_eq!(priority("secret/+/a", "secret/a/+"), Ordering::Less);
        // Not ending in `*` wins at the same first wildcard.
        assert_eq!(priority("secret/+", "secret/*"), Ordering::Greater);
        // Fewer `+` wins.
        assert_eq!(priority("a/+/b/+", "a/+/b/c"), Ordering::Less);
    }

    #[test]
    fn templates_fill_or_stay_undecided() {
        let id = Identity {
            values: vec![("identity.entity.name".into(), "alice".into())],
        };
        assert_eq!(
            fill("secret/data/{{identity.entity.name}}/*", &id),
            ("secret/data/alice/*".into(), None)
        );
        let (p, u) = fill("secret/data/{{ identity.entity.id }}/*", &id);
        assert_eq!(u.as_deref(), Some("{{identity.entity.id}}"));
        assert!(could_match(&p, "secret/data/e-1/x"));
        assert!(!could_match(&p, "secret/metadata/e-1/x"));
    }
}
