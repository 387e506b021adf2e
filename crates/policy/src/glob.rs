//! Wildcard matching: `*` (any run of characters) and `?` (exactly one).
//!
//! A pattern is compiled once into tokens and a *shape* that picks the
//! cheapest matcher: match-all, exact text, a literal prefix, a greedy
//! two-pointer matcher when every wildcard may cross every character, and a
//! bit-set NFA when some wildcards may not cross `:` (ARN matching). None of
//! them allocates for patterns of up to 255 tokens.
//!
//! ARN mode follows the IAM User Guide ("Using wildcards in resource ARNs"):
//! wildcards work within the colon-separated segments; a `*` that is the last
//! character of a segment may expand across colons; everything after the
//! fifth colon is the resource segment, in which `*` and `?` match any
//! character, `/` and `:` included.

use crate::tri::Tri;

/// How the characters `*` and `?` in a pattern are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// No wildcards: `*` and `?` are ordinary characters (StringEquals).
    Literal,
    /// `*` and `?` match any character, `:` and `/` included.
    Plain,
    /// ARN segment rules (Resource, ArnLike).
    Arn,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    Char(char),
    One { colon: bool },
    Star { colon: bool },
    Var(u32),
}

/// A policy variable reference: `${key}` or `${key, 'default'}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct VarRef {
    pub(crate) key: Box<str>,
    pub(crate) default: Option<Box<str>>,
}

/// What the request context says about a policy variable.
pub(crate) enum VarValue<'a> {
    Value(&'a str),
    Absent,
    Unknown,
}

/// Looks policy variables up (implemented by the evaluation environment).
pub(crate) trait Resolver {
    /// `key` is lower-case.
    fn var(&self, key: &str) -> VarValue<'_>;
}

pub(crate) fn fold_char(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

#[derive(Clone, Debug)]
enum Shape {
    Any,
    Exact(Box<str>),
    Prefix(Box<str>),
    Simple,
    Nfa,
}

/// A compiled wildcard pattern without policy variables.
///
/// ```
/// use blastgraph_policy::Glob;
/// assert!(Glob::new("s3:Get*").is_match("s3:GetObject"));
/// assert!(Glob::new("iam:?etRole").is_match("iam:GetRole"));
/// assert!(Glob::arn("arn:aws:s3:::bucket/*").is_match("arn:aws:s3:::bucket/a/b:c"));
/// assert!(!Glob::arn("arn:aws:ec2:us-*-1:*:instance/*").is_match("arn:aws:ec2:us-east:1-1:2:instance/x"));
/// ```
#[derive(Clone, Debug)]
pub struct Glob {
    text: Box<str>,
    toks: Box<[Tok]>,
    shape: Shape,
    fold: bool,
}

impl Glob {
    /// `*` and `?` match any character; case-sensitive.
    pub fn new(pattern: &str) -> Self {
        Self::build(pattern, Mode::Plain, false)
    }

    /// `*` and `?` match any character; case-insensitive (actions).
    pub fn new_ignore_case(pattern: &str) -> Self {
        Self::build(pattern, Mode::Plain, true)
    }

    /// ARN segment rules; case-sensitive (Resource, ArnLike).
    pub fn arn(pattern: &str) -> Self {
        Self::build(pattern, Mode::Arn, false)
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether `text` matches the pattern.
    pub fn is_match(&self, text: &str) -> bool {
        match &self.shape {
            Shape::Any => true,
            Shape::Exact(e) => eq_text(e, text, self.fold),
            Shape::Prefix(p) => starts_with(p, text, self.fold),
            Shape::Simple => match_simple(&self.toks, text, self.fold),
            Shape::Nfa => match_nfa(&self.toks, text, self.fold),
        }
    }

    fn build(pattern: &str, mode: Mode, fold: bool) -> Self {
        let mut toks = Vec::new();
        let mut vars = Vec::new();
        tokenize(pattern, mode, fold, false, &mut toks, &mut vars);
        Self::from_toks(pattern, toks, fold)
    }

    fn from_toks(text: &str, toks: Vec<Tok>, fold: bool) -> Self {
        let shape = shape_of(&toks);
        Glob {
            text: text.into(),
            toks: toks.into_boxed_slice(),
            shape,
            fold,
        }
    }
}

fn shape_of(toks: &[Tok]) -> Shape {
    let literal = |t: &[Tok]| -> Option<String> {
        t.iter()
            .map(|t| match t {
                Tok::Char(c) => Some(*c),
                _ => None,
            })
            .collect()
    };
    if let [Tok::Star { colon: true }] = toks {
        return Shape::Any;
    }
    if let Some(s) = literal(toks) {
        return Shape::Exact(s.into());
    }
    let prefix = toks.split_last().and_then(|(last, head)| match last {
        Tok::Star { colon: true } => literal(head),
        _ => None,
    });
    if let Some(s) = prefix {
        return Shape::Prefix(s.into());
    }
    let restricted = toks
        .iter()
        .any(|t| matches!(t, Tok::One { colon: false } | Tok::Star { colon: false }));
    if restricted {
        Shape::Nfa
    } else {
        Shape::Simple
    }
}

/// Splits pattern text into tokens. Variables are recognised only when
/// `vars_enabled` (policy language version 2012-10-17).
fn tokenize(
    text: &str,
    mode: Mode,
    fold: bool,
    vars_enabled: bool,
    toks: &mut Vec<Tok>,
    vars: &mut Vec<VarRef>,
) {
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let var = if vars_enabled && rest.starts_with("${") {
            rest.find('}')
                .and_then(|end| parse_var(&rest[2..end], vars).map(|tok| (tok, end)))
        } else {
            None
        };
        if let Some((tok, end)) = var {
            toks.push(tok);
            rest = &rest[end + 1..];
            continue;
        }
        let tok = match (c, mode) {
            ('*', Mode::Plain | Mode::Arn) => Tok::Star { colon: true },
            ('?', Mode::Plain | Mode::Arn) => Tok::One { colon: true },
            _ => Tok::Char(if fold { fold_char(c) } else { c }),
        };
        toks.push(tok);
        rest = &rest[c.len_utf8()..];
    }
    if mode == Mode::Arn {
        restrict_arn(toks);
    }
}

fn parse_var(inner: &str, vars: &mut Vec<VarRef>) -> Option<Tok> {
    match inner {
        "*" => return Some(Tok::Char('*')),
        "?" => return Some(Tok::Char('?')),
        "$" => return Some(Tok::Char('$')),
        _ => {}
    }
    let (key, default) = match inner.split_once(',') {
        Some((k, d)) => {
            let d = d.trim();
            let d = d.strip_prefix('\'')?.strip_suffix('\'')?;
            (k.trim(), Some(d.into()))
        }
        None => (inner.trim(), None),
    };
    if key.is_empty() || key.chars().any(char::is_whitespace) {
        return None;
    }
    let index = u32::try_from(vars.len()).ok()?;
    vars.push(VarRef {
        key: key.to_lowercase().into(),
        default,
    });
    Some(Tok::Var(index))
}

/// Before the resource segment (the fifth colon), `?` never matches `:` and
/// `*` matches `:` only when it ends its segment.
fn restrict_arn(toks: &mut [Tok]) {
    let mut colons = 0;
    for i in 0..toks.len() {
        if colons >= 5 {
            break;
        }
        match toks[i] {
            Tok::Char(':') => colons += 1,
            Tok::One { .. } => toks[i] = Tok::One { colon: false },
            Tok::Star { .. } => {
                let ends_segment = matches!(toks.get(i + 1), None | Some(Tok::Char(':')));
                toks[i] = Tok::Star {
                    colon: ends_segment,
                };
            }
            _ => {}
        }
    }
}

fn eq_text(pattern: &str, text: &str, fold: bool) -> bool {
    if fold {
        pattern.chars().eq(text.chars().map(fold_char))
    } else {
        pattern == text
    }
}

fn starts_with(prefix: &str, text: &str, fold: bool) -> bool {
    if fold {
        let mut t = text.chars().map(fold_char);
        prefix.chars().all(|p| t.next() == Some(p))
    } else {
        text.starts_with(prefix)
    }
}

fn char_eq(t: char, c: char, fold: bool) -> bool {
    if fold { t == fold_char(c) } else { t == c }
}

/// Greedy matcher with one back-tracking point; valid when every wildcard
/// may match every character.
fn match_simple(toks: &[Tok], text: &str, fold: bool) -> bool {
    let (mut p, mut s) = (0usize, 0usize);
    let mut back: Option<(usize, usize)> = None;
    while let Some(c) = text[s..].chars().next() {
        if let Some(tok) = toks.get(p) {
            match *tok {
                Tok::Star { .. } => {
                    back = Some((p, s));
                    p += 1;
                    continue;
                }
                Tok::One { .. } => {
                    p += 1;
                    s += c.len_utf8();
                    continue;
                }
                Tok::Char(t) if char_eq(t, c, fold) => {
                    p += 1;
                    s += c.len_utf8();
                    continue;
                }
                _ => {}
            }
        }
        let Some((bp, bs)) = back else { return false };
        let Some(bc) = text[bs..].chars().next() else {
            return false;
        };
        let ns = bs + bc.len_utf8();
        back = Some((bp, ns));
        p = bp + 1;
        s = ns;
    }
    while let Some(Tok::Star { .. }) = toks.get(p) {
        p += 1;
    }
    p == toks.len()
}

fn match_nfa(toks: &[Tok], text: &str, fold: bool) -> bool {
    let words = (toks.len() + 1).div_ceil(64);
    if words <= 4 {
        let mut a = [0u64; 4];
        let mut b = [0u64; 4];
        nfa_run(toks, text, fold, &mut a[..words], &mut b[..words])
    } else {
        let mut a = vec![0u64; words];
        let mut b = vec![0u64; words];
        nfa_run(toks, text, fold, &mut a, &mut b)
    }
}

fn get(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64)
        .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
}

fn set(bits: &mut [u64], i: usize) {
    if let Some(w) = bits.get_mut(i / 64) {
        *w |= 1u64 << (i % 64);
    }
}

fn close(toks: &[Tok], bits: &mut [u64]) {
    for (i, tok) in toks.iter().enumerate() {
        if matches!(tok, Tok::Star { .. }) && get(bits, i) {
            set(bits, i + 1);
        }
    }
}

fn nfa_run(toks: &[Tok], text: &str, fold: bool, a: &mut [u64], b: &mut [u64]) -> bool {
    let (mut cur, mut next) = (a, b);
    set(cur, 0);
    close(toks, cur);
    for c in text.chars() {
        next.fill(0);
        let mut any = false;
        for (i, tok) in toks.iter().enumerate() {
            if !get(cur, i) {
                continue;
            }
            match *tok {
                Tok::Char(t) if char_eq(t, c, fold) => {
                    set(next, i + 1);
                    any = true;
                }
                Tok::One { colon } if colon || c != ':' => {
                    set(next, i + 1);
                    any = true;
                }
                Tok::Star { colon } if colon || c != ':' => {
                    set(next, i);
                    any = true;
                }
                _ => {}
            }
        }
        if !any {
            return false;
        }
        close(toks, next);
        std::mem::swap(&mut cur, &mut next);
    }
    get(cur, toks.len())
}

fn match_toks(toks: &[Tok], text: &str, fold: bool) -> bool {
    match shape_of(toks) {
        Shape::Any => true,
        Shape::Exact(e) => eq_text(&e, text, fold),
        Shape::Prefix(p) => starts_with(&p, text, fold),
        Shape::Simple => match_simple(toks, text, fold),
        Shape::Nfa => match_nfa(toks, text, fold),
    }
}

/// A pattern that may contain policy variables, resolved per request.
#[derive(Clone, Debug)]
pub(crate) struct Template {
    toks: Box<[Tok]>,
    vars: Box<[VarRef]>,
    /// Precompiled matcher when there are no variables.
    glob: Option<Glob>,
    fold: bool,
}

impl Template {
    /// The literal text before the first wildcard or variable; empty when
    /// matching folds case (every text may match then, for a prefix index).
    pub(crate) fn literal_prefix(&self) -> String {
        if self.fold {
            return String::new();
        }
        self.toks
            .iter()
            .map_while(|t| match t {
                Tok::Char(c) => Some(*c),
                _ => None,
            })
            .collect()
    }

    /// Whether the pattern matches every text that starts with `prefix`
    /// (`Some(true)`), none of them (`Some(false)`), or cannot tell
    /// (`None`: some, or a policy variable).
    pub(crate) fn covers_prefix(&self, prefix: &str) -> Option<bool> {
        if self.fold || !self.vars.is_empty() {
            return None;
        }
        let lit = self.literal_prefix();
        let rest = &self.toks[lit.chars().count()..];
        // `LITERAL*` with a star that crosses colons: everything after it.
        let star_all = matches!(rest, [Tok::Star { colon: true }]);
        if prefix.starts_with(&lit) {
            if rest.is_empty() {
                // matches `lit` alone, which is shorter than every such text
                // unless it is the prefix itself
                return (lit.len() < prefix.len()).then_some(false);
            }
            return star_all.then_some(true);
        }
        if lit.starts_with(prefix) {
            return None;
        }
        Some(false)
    }

    /// One text the pattern matches: each wildcard stands for `x`. `None`
    /// when it holds a policy variable.
    pub(crate) fn instance(&self) -> Option<String> {
        let mut out = String::new();
        for t in self.toks.iter() {
            match t {
                Tok::Char(c) => out.push(*c),
                Tok::One { .. } | Tok::Star { .. } => out.push('x'),
                Tok::Var(_) => return None,
            }
        }
        Some(out)
    }

    pub(crate) fn compile(text: &str, mode: Mode, fold: bool, vars_enabled: bool) -> Self {
        let mut toks = Vec::new();
        let mut vars = Vec::new();
        tokenize(text, mode, fold, vars_enabled, &mut toks, &mut vars);
        let glob = if vars.is_empty() {
            Some(Glob::from_toks(text, toks.clone(), fold))
        } else {
            None
        };
        Template {
            toks: toks.into_boxed_slice(),
            vars: vars.into_boxed_slice(),
            glob,
            fold,
        }
    }

    /// Matches `text`, substituting variables. A variable the context does
    /// not know makes the match `Unknown` unless the rest of the pattern
    /// already rules the text out; an absent variable without a default
    /// matches nothing.
    pub(crate) fn matches(&self, text: &str, resolver: &dyn Resolver) -> Tri {
        if let Some(glob) = &self.glob {
            return glob.is_match(text).into();
        }
        let mut expanded = Vec::with_capacity(self.toks.len() + 16);
        let mut unknown = false;
        for tok in self.toks.iter() {
            let Tok::Var(index) = *tok else {
                expanded.push(*tok);
                continue;
            };
            let Some(var) = self.vars.get(index as usize) else {
                return Tri::Unknown;
            };
            let value = match resolver.var(&var.key) {
                VarValue::Value(v) => Some(v),
                VarValue::Absent => match &var.default {
                    Some(d) => Some(&**d),
                    None => return Tri::False,
                },
                VarValue::Unknown => None,
            };
            match value {
                Some(v) => {
                    expanded.extend(
                        v.chars()
                            .map(|c| Tok::Char(if self.fold { fold_char(c) } else { c })),
                    );
                }
                None => {
                    unknown = true;
                    expanded.push(Tok::Star { colon: true });
                }
            }
        }
        match (match_toks(&expanded, text, self.fold), unknown) {
            (false, _) => Tri::False,
            (true, false) => Tri::True,
            (true, true) => Tri::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Vars(&'static [(&'static str, Option<&'static str>)]);
    impl Resolver for Vars {
        fn var(&self, key: &str) -> VarValue<'_> {
            match self.0.iter().find(|(k, _)| *k == key) {
                Some((_, Some(v))) => VarValue::Value(v),
                Some((_, None)) => VarValue::Absent,
                None => VarValue::Unknown,
            }
        }
    }

    #[test]
    fn plain_wildcards() {
        let cases = [
            ("*", "", true),
            ("*", "anything:at/all", true),
            ("s3:*", "s3:getobject", true),
            ("s3:*", "s3", false),
            ("s3:get*", "s3:getobject", true),
            ("s3:get*", "s3:putobject", false),
            ("*object", "s3:getobject", true),
            ("s3:*object*", "s3:getobjectacl", true),
            ("iam:?etrole", "iam:getrole", true),
            ("iam:?etrole", "iam:etrole", false),
            ("iam:??trole", "iam:getrole", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
            (
                "a*a*a*a*b",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                false,
            ),
            ("*:*", "s3:x", true),
            ("exact", "exact", true),
            ("exact", "exactly", false),
            ("", "", true),
            ("", "x", false),
            ("?", "é", true),
        ];
        for (p, t, want) in cases {
            assert_eq!(Glob::new(p).is_match(t), want, "{p} vs {t}");
        }
    }

    #[test]
    fn case_insensitive() {
        assert!(Glob::new_ignore_case("S3:GetObject").is_match("s3:getobject"));
        assert!(Glob::new_ignore_case("s3:get*").is_match("S3:GETOBJECT"));
        assert!(Glob::new_ignore_case("IAM:?ASSROLE").is_match("iam:PassRole"));
        assert!(!Glob::new("S3:GetObject").is_match("s3:getobject"));
    }

    #[test]
    fn arn_segments() {
        let cases = [
            ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c", true),
            ("arn:aws:s3:::bucket*", "arn:aws:s3:::bucket-2/x", true),
            (
                "arn:aws:iam::*:role/admin",
                "arn:aws:iam::123456789012:role/admin",
                true,
            ),
            // a `*` that ends its segment expands across colons
            (
                "arn:aws:iam::*",
                "arn:aws:iam::123456789012:role/admin",
                true,
            ),
            ("arn:aws:*", "arn:aws:s3:::bucket", true),
            // a `*` inside a segment stays inside it
            (
                "arn:aws:ec2:us-*-1:*:instance/*",
                "arn:aws:ec2:us-east-1:1:instance/i",
                true,
            ),
            (
                "arn:aws:ec2:us-*-1:*:instance/*",
                "arn:aws:ec2:us-east:x-1:1:instance/i",
                false,
            ),
            (
                "arn:aws:ec2:us-east-?:*:*",
                "arn:aws:ec2:us-east-1:1:instance/i",
                true,
            ),
            (
                "arn:aws:ec2:us-east-?:*:*",
                "arn:aws:ec2:us-east-::1:instance/i",
                false,
            ),
            // in the resource segment `?` matches `:` and `/`
            (
                "arn:aws:logs:r:1:log-group:a?b",
                "arn:aws:logs:r:1:log-group:a:b",
                true,
            ),
            ("arn:aws:s3:::Bucket", "arn:aws:s3:::bucket", false),
        ];
        for (p, t, want) in cases {
            assert_eq!(Glob::arn(p).is_match(t), want, "{p} vs {t}");
        }
    }

    #[test]
    fn long_pattern_uses_heap_nfa() {
        let p = format!("arn:aws:ec2:us-*-1:1:{}", "a".repeat(300));
        let t = format!("arn:aws:ec2:us-east-1:1:{}", "a".repeat(300));
        assert!(Glob::arn(&p).is_match(&t));
        assert!(!Glob::arn(&p).is_match(&t[..t.len() - 1]));
    }

    #[test]
    fn literal_mode_and_escapes() {
        let none = Vars(&[]);
        let t = Template::compile("a*b", Mode::Literal, false, true);
        assert_eq!(t.matches("a*b", &none), Tri::True);
        assert_eq!(t.matches("axxb", &none), Tri::False);
        let t = Template::compile("${*}${?}${$}x*", Mode::Plain, false, true);
        assert_eq!(t.matches("*?$xyz", &none), Tri::True);
        assert_eq!(t.matches("a?$xyz", &none), Tri::False);
    }

    #[test]
    fn variables() {
        let vars = Vars(&[
            ("aws:username", Some("alice")),
            ("aws:principaltag/team", None),
        ]);
        let t = Template::compile("arn:aws:s3:::b/${aws:username}/*", Mode::Arn, false, true);
        assert_eq!(t.matches("arn:aws:s3:::b/alice/x", &vars), Tri::True);
        assert_eq!(t.matches("arn:aws:s3:::b/bob/x", &vars), Tri::False);
        // unknown variable: undecided, unless the literal part already fails
        let t = Template::compile("arn:aws:s3:::b/${aws:userid}/*", Mode::Arn, false, true);
        assert_eq!(t.matches("arn:aws:s3:::b/AIDA/x", &vars), Tri::Unknown);
        assert_eq!(t.matches("arn:aws:s3:::other/AIDA/x", &vars), Tri::False);
        // absent variable: no match, unless a default is given
        let t = Template::compile("team-${aws:PrincipalTag/team}", Mode::Plain, false, true);
        assert_eq!(t.matches("team-", &vars), Tri::False);
        let t = Template::compile(
            "team-${aws:PrincipalTag/team, 'none'}",
            Mode::Plain,
            false,
            true,
        );
        assert_eq!(t.matches("team-none", &vars), Tri::True);
        // the 2008-10-17 language has no variables: the text is literal
        let t = Template::compile("${aws:username}", Mode::Plain, false, false);
        assert_eq!(t.matches("${aws:username}", &vars), Tri::True);
        assert_eq!(t.matches("alice", &vars), Tri::False);
    }
}
