//! Reading policy documents: JSON, JSON-in-a-string or URL-encoded JSON,
//! then validation of each statement into typed values.
//!
//! The text is parsed with [`json::parse_checked`], which lists keys given
//! twice in one object: IAM rejects such a document, so it is an error
//! ([`PolicyError::DuplicateKey`]) rather than a silent choice of the last
//! value.

use blastgraph_model::json;
use serde_json::{Map, Value};

use crate::condition::{Condition, kind_of};
use crate::error::{PolicyError, Problem};
use crate::glob::{Glob, Mode, Template};
use crate::policy::{Effect, Parsed, Patterns, Policy, Principals, Statement, Version};
use crate::principal::PrincipalEntry;

/// How many layers of string-in-string or URL encoding are unwrapped.
const MAX_NESTING: usize = 3;

pub(crate) fn parse_text(name: &str, text: &str, depth: usize) -> Result<Parsed, PolicyError> {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if depth < MAX_NESTING && looks_url_encoded(trimmed) {
        let decoded = url_decode(trimmed).map_err(|message| PolicyError::UrlEncoding {
            name: name.to_owned(),
            message,
        })?;
        return parse_text(name, &decoded, depth + 1);
    }
    let checked = json::parse_checked(trimmed.as_bytes()).map_err(|e| PolicyError::Json {
        name: name.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if let Some(dup) = checked.duplicates.first() {
        return Err(PolicyError::DuplicateKey {
            name: name.to_owned(),
            key: dup.key.clone(),
            path: policy_path(&dup.path()),
        });
    }
    parse_value(name, &checked.value, depth)
}

/// A JSON path of the parser (`$.Statement[0].Effect`) as policy problems
/// write it (`Statement[0].Effect`).
fn policy_path(path: &str) -> String {
    let rel = path.strip_prefix('$').unwrap_or(path);
    rel.strip_prefix('.').unwrap_or(rel).to_owned()
}

pub(crate) fn parse_value(name: &str, value: &Value, depth: usize) -> Result<Parsed, PolicyError> {
    match value {
        Value::Object(doc) => Ok(parse_document(name, doc)),
        Value::String(inner) if depth < MAX_NESTING => parse_text(name, inner, depth + 1),
        other => Err(PolicyError::NotAnObject {
            name: name.to_owned(),
            found: kind_of(other).to_owned(),
        }),
    }
}

fn looks_url_encoded(text: &str) -> bool {
    let lower = text.get(..3).map(str::to_ascii_lowercase);
    matches!(lower.as_deref(), Some("%7b") | Some("%22"))
}

/// Percent-decoding (RFC 3986). `+` is kept: IAM encodes spaces as `%20`
/// and `+` is legal in IAM names.
fn url_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .ok_or_else(|| format!("truncated escape at byte {i}"))?;
            let hex = std::str::from_utf8(hex).map_err(|_| format!("bad escape at byte {i}"))?;
            let b = u8::from_str_radix(hex, 16)
                .map_err(|_| format!("bad escape `%{hex}` at byte {i}"))?;
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|e| format!("decoded bytes are not UTF-8: {e}"))
}

struct Problems(Vec<Problem>);

impl Problems {
    fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem {
            path: path.into(),
            message: message.into(),
            statement_dropped: false,
        });
    }
    fn drop(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem {
            path: path.into(),
            message: message.into(),
            statement_dropped: true,
        });
    }
}

fn parse_document(name: &str, doc: &Map<String, Value>) -> Parsed {
    let mut problems = Problems(Vec::new());
    let mut version = Version::V2008_10_17;
    let mut id = None;
    for (k, v) in doc {
        match (k.as_str(), v) {
            ("Version", Value::String(s)) if s == "2012-10-17" => version = Version::V2012_10_17,
            ("Version", Value::String(s)) if s == "2008-10-17" => version = Version::V2008_10_17,
            ("Version", other) => {
                problems.warn(
                    "Version",
                    format!(
                        "expected `2012-10-17` or `2008-10-17`, found {}; read as `2012-10-17`",
                        show(other)
                    ),
                );
                version = Version::V2012_10_17;
            }
            ("Id", Value::String(s)) => id = Some(s.as_str().into()),
            ("Id", other) => {
                problems.warn("Id", format!("expected a string, found {}", kind_of(other)))
            }
            ("Statement", _) => {}
            (other, _) => problems.warn(other, format!("unknown element `{other}`, ignored")),
        }
    }
    let vars = version == Version::V2012_10_17;
    let mut statements = Vec::new();
    match doc.get("Statement") {
        Some(Value::Object(s)) => {
            if let Some(st) = parse_statement(s, 0, "Statement".to_owned(), vars, &mut problems) {
                statements.push(st);
            }
        }
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let path = format!("Statement[{i}]");
                match item {
                    Value::Object(s) => {
                        if let Some(st) = parse_statement(s, i, path, vars, &mut problems) {
                            statements.push(st);
                        }
                    }
                    other => problems.drop(
                        path,
                        format!("expected an object, found {}", kind_of(other)),
                    ),
                }
            }
        }
        Some(other) => problems.drop(
            "Statement",
            format!(
                "expected an object or an array of objects, found {}",
                kind_of(other)
            ),
        ),
        None => problems.drop("Statement", "missing; the policy has no statements"),
    }
    Parsed {
        policy: Policy {
            name: name.into(),
            id,
            version,
            index: crate::policy::ServiceIndex::build(&statements),
            statements: statements.into_boxed_slice(),
        },
        problems: problems.0,
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => kind_of(other).to_owned(),
    }
}

/// A string or an array of strings.
fn strings<'v>(v: &'v Value, path: &str) -> Result<Vec<&'v str>, (String, String)> {
    match v {
        Value::String(s) => Ok(vec![s.as_str()]),
        Value::Array(items) if items.is_empty() => {
            Err((path.to_owned(), "expected at least one value".to_owned()))
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, x)| match x {
                Value::String(s) => Ok(s.as_str()),
                other => Err((
                    format!("{path}[{i}]"),
                    format!("expected a string, found {}", kind_of(other)),
                )),
            })
            .collect(),
        other => Err((
            path.to_owned(),
            format!(
                "expected a string or an array of strings, found {}",
                kind_of(other)
            ),
        )),
    }
}

fn parse_statement(
    s: &Map<String, Value>,
    index: usize,
    path: String,
    vars: bool,
    problems: &mut Problems,
) -> Option<Statement> {
    let mut ok = true;
    let mut fail = |problems: &mut Problems, p: String, m: String| {
        problems.drop(p, m);
        ok = false;
    };
    for k in s.keys() {
        if !matches!(
            k.as_str(),
            "Sid"
                | "Effect"
                | "Action"
                | "NotAction"
                | "Resource"
                | "NotResource"
                | "Principal"
                | "NotPrincipal"
                | "Condition"
        ) {
            problems.warn(
                format!("{path}.{k}"),
                format!("unknown element `{k}`, ignored"),
            );
        }
    }
    let sid = match s.get("Sid") {
        Some(Value::String(x)) => Some(x.as_str().into()),
        Some(other) => {
            problems.warn(
                format!("{path}.Sid"),
                format!("expected a string, found {}", kind_of(other)),
            );
            None
        }
        None => None,
    };
    let effect = match s.get("Effect") {
        Some(Value::String(e)) if e == "Allow" => Some(Effect::Allow),
        Some(Value::String(e)) if e == "Deny" => Some(Effect::Deny),
        Some(Value::String(e))
            if e.eq_ignore_ascii_case("allow") || e.eq_ignore_ascii_case("deny") =>
        {
            problems.warn(
                format!("{path}.Effect"),
                format!("expected `Allow` or `Deny`, found `{e}`; read case-insensitively"),
            );
            Some(if e.eq_ignore_ascii_case("allow") {
                Effect::Allow
            } else {
                Effect::Deny
            })
        }
        Some(other) => {
            fail(
                problems,
                format!("{path}.Effect"),
                format!("expected `Allow` or `Deny`, found {}", show(other)),
            );
            None
        }
        None => {
            fail(
                problems,
                format!("{path}.Effect"),
                "missing; expected `Allow` or `Deny`".to_owned(),
            );
            None
        }
    };
    // Action / NotAction
    let actions = match (s.get("Action"), s.get("NotAction")) {
        (Some(_), Some(_)) => {
            fail(
                problems,
                path.clone(),
                "has both `Action` and `NotAction`".to_owned(),
            );
            None
        }
        (None, None) => {
            fail(
                problems,
                format!("{path}.Action"),
                "missing; expected `Action` or `NotAction`".to_owned(),
            );
            None
        }
        (a, n) => {
            let (elem, v, negated) = match (a, n) {
                (Some(v), _) => ("Action", v, false),
                (_, Some(v)) => ("NotAction", v, true),
                _ => ("Action", &Value::Null, false),
            };
            let p = format!("{path}.{elem}");
            match strings(v, &p) {
                Ok(list) => {
                    for (i, a) in list.iter().enumerate() {
                        if *a != "*" && !a.contains(':') {
                            let sub = if list.len() > 1 {
                                format!("{p}[{i}]")
                            } else {
                                p.clone()
                            };
                            problems.warn(sub, format!("expected `service:action`, found `{a}`"));
                        }
                    }
                    let items = list.iter().map(|a| Glob::new(&a.to_lowercase())).collect();
                    Some(Patterns { negated, items })
                }
                Err((p, m)) => {
                    fail(problems, p, m);
                    None
                }
            }
        }
    };
    // Resource / NotResource
    let resources = match (s.get("Resource"), s.get("NotResource")) {
        (Some(_), Some(_)) => {
            fail(
                problems,
                path.clone(),
                "has both `Resource` and `NotResource`".to_owned(),
            );
            None
        }
        (None, None) => None,
        (a, n) => {
            let (elem, v, negated) = match (a, n) {
                (Some(v), _) => ("Resource", v, false),
                (_, Some(v)) => ("NotResource", v, true),
                _ => ("Resource", &Value::Null, false),
            };
            match strings(v, &format!("{path}.{elem}")) {
                Ok(list) => {
                    let items = list
                        .iter()
                        .map(|r| Template::compile(r, Mode::Arn, false, vars))
                        .collect();
                    Some(Patterns { negated, items })
                }
                Err((p, m)) => {
                    fail(problems, p, m);
                    None
                }
            }
        }
    };
    // Principal / NotPrincipal
    let principals = match (s.get("Principal"), s.get("NotPrincipal")) {
        (Some(_), Some(_)) => {
            fail(
                problems,
                path.clone(),
                "has both `Principal` and `NotPrincipal`".to_owned(),
            );
            None
        }
        (None, None) => None,
        (a, n) => {
            let (elem, v, negated) = match (a, n) {
                (Some(v), _) => ("Principal", v, false),
                (_, Some(v)) => ("NotPrincipal", v, true),
                _ => ("Principal", &Value::Null, false),
            };
            let p = format!("{path}.{elem}");
            match parse_principal(v, &p) {
                Ok(entries) => {
                    if wildcard_principal(v) {
                        problems.warn(&p, "AWS does not support wildcards inside principal names or ARNs; matched literally");
                    }
                    if negated && effect == Some(Effect::Allow) {
                        problems.warn(&p, "`NotPrincipal` with `Allow` is not supported by AWS; read as allowing every principal not listed");
                    }
                    Some(Principals {
                        negated,
                        entries: entries.into_boxed_slice(),
                    })
                }
                Err((p, m)) => {
                    fail(problems, p, m);
                    None
                }
            }
        }
    };
    // Condition
    let mut conditions = Vec::new();
    let mut condition_text = None;
    if let Some(c) = s.get("Condition") {
        condition_text = Some(
            serde_json::to_string(c)
                .unwrap_or_default()
                .into_boxed_str(),
        );
        let cpath = format!("{path}.Condition");
        match c {
            Value::Object(ops) => {
                for (op, keys) in ops {
                    let opath = format!("{cpath}.{op}");
                    match keys {
                        Value::Object(keys) => {
                            for (key, value) in keys {
                                let (cond, found) = Condition::compile(op, key, value, vars);
                                if cond.operator().is_none() {
                                    // report an unknown operator once, not once per key
                                    let first = found
                                        .first()
                                        .filter(|_| !problems.0.iter().any(|p| p.path == opath));
                                    if let Some((_, m)) = first {
                                        problems.warn(&opath, m.clone());
                                    }
                                } else {
                                    for (sub, m) in found {
                                        problems.warn(format!("{opath}.{key}{sub}"), m);
                                    }
                                }
                                conditions.push(cond);
                            }
                        }
                        other => {
                            problems.warn(&opath, format!("expected an object of condition keys, found {}; the statement's condition is undecided", kind_of(other)));
                            conditions.push(Condition::compile("", "", &Value::Null, vars).0);
                        }
                    }
                }
            }
            other => {
                problems.warn(
                    &cpath,
                    format!(
                        "expected an object, found {}; the statement's condition is undecided",
                        kind_of(other)
                    ),
                );
                conditions.push(Condition::compile("", "", &Value::Null, vars).0);
            }
        }
    }
    if !ok {
        return None;
    }
    let (Some(effect), Some(actions)) = (effect, actions) else {
        return None;
    };
    if resources.is_none() && principals.is_none() {
        problems.warn(
            &path,
            "has no `Resource`, `NotResource` or `Principal`; read as applying to every resource",
        );
    }
    Some(Statement {
        index,
        sid,
        effect,
        actions,
        resources,
        principals,
        conditions: conditions.into_boxed_slice(),
        condition_text,
    })
}

/// Whether a principal value other than `*` contains `*` or `?`.
fn wildcard_principal(v: &Value) -> bool {
    let odd = |s: &str| s != "*" && (s.contains('*') || s.contains('?'));
    match v {
        Value::Object(map) => map.values().any(|x| match x {
            Value::String(s) => odd(s),
            Value::Array(items) => items.iter().any(|i| i.as_str().is_some_and(odd)),
            _ => false,
        }),
        _ => false,
    }
}

fn parse_principal(v: &Value, path: &str) -> Result<Vec<PrincipalEntry>, (String, String)> {
    match v {
        Value::String(s) if s == "*" => Ok(vec![PrincipalEntry::Everyone]),
        Value::Object(map) => {
            if map.is_empty() {
                return Err((
                    path.to_owned(),
                    "expected at least one principal type".to_owned(),
                ));
            }
            let mut out = Vec::new();
            for (kind, values) in map {
                let p = format!("{path}.{kind}");
                let list = strings(values, &p)?;
                for (i, value) in list.iter().enumerate() {
                    let sub = if list.len() > 1 {
                        format!("{p}[{i}]")
                    } else {
                        p.clone()
                    };
                    let entry = PrincipalEntry::parse(kind, value).map_err(|m| (sub, m))?;
                    out.push(entry);
                }
            }
            Ok(out)
        }
        other => Err((
            path.to_owned(),
            format!(
                "expected `*` or an object of principal types, found {}",
                show(other)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoded_and_string_wrapped() {
        let json = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#;
        let encoded: String = json
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b == b'-' {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let p = Policy::parse("enc", &encoded).unwrap();
        assert_eq!(p.policy.statements().len(), 1);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let wrapped = serde_json::to_string(&Value::String(json.to_owned())).unwrap();
        let p = Policy::parse("str", &wrapped).unwrap();
        assert_eq!(p.policy.statements().len(), 1);
        let p = Policy::from_value("val", &Value::String(encoded)).unwrap();
        assert_eq!(p.policy.statements().len(), 1);
    }

    #[test]
    fn fatal_errors_name_the_policy() {
        let e = Policy::parse("p1", "{not json").unwrap_err();
        assert!(e.to_string().contains("`p1`"), "{e}");
        assert!(matches!(
            Policy::parse("p2", "[1,2]").unwrap_err(),
            PolicyError::NotAnObject { .. }
        ));
        assert!(matches!(
            Policy::parse("p3", "%7B%ZZ").unwrap_err(),
            PolicyError::UrlEncoding { .. }
        ));
        assert!(matches!(
            Policy::parse("p4", "%7B%C3%28%7D").unwrap_err(),
            PolicyError::UrlEncoding { .. }
        ));
        // deep nesting stops instead of recursing forever
        let mut s = Value::String("{}".to_owned());
        for _ in 0..10 {
            s = Value::String(serde_json::to_string(&s).unwrap());
        }
        assert!(Policy::from_value("p5", &s).is_err());
    }

    #[test]
    fn duplicate_keys_are_rejected_naming_the_key_and_its_path() {
        let dup = r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Effect": "Allow"}]}"#;
        let expected = PolicyError::DuplicateKey {
            name: "bucket policy of b".to_owned(),
            key: "Effect".to_owned(),
            path: "Statement[1].Effect".to_owned(),
        };
        assert_eq!(
            Policy::parse("bucket policy of b", dup).unwrap_err(),
            expected
        );
        assert_eq!(
            expected.to_string(),
            "policy `bucket policy of b`: `Statement[1].Effect`: duplicate key `Effect`; IAM rejects a document that gives a key twice"
        );
        // Given as a JSON string (a bucket policy in `get-bucket-policy`
        // output), string-wrapped again, or URL-encoded: the same error.
        let as_string = Value::String(dup.to_owned());
        assert_eq!(
            Policy::from_value("bucket policy of b", &as_string).unwrap_err(),
            expected
        );
        let wrapped = serde_json::to_string(&as_string).unwrap();
        assert_eq!(
            Policy::parse("bucket policy of b", &wrapped).unwrap_err(),
            expected
        );
        let encoded: String = dup.bytes().map(|b| format!("%{b:02X}")).collect();
        assert_eq!(
            Policy::parse("bucket policy of b", &encoded).unwrap_err(),
            expected
        );
        // At the top level, and deep in a condition.
        assert!(matches!(
            Policy::parse("p", r#"{"Version": "2012-10-17", "Version": "2008-10-17", "Statement": []}"#),
            Err(PolicyError::DuplicateKey { key, path, .. }) if key == "Version" && path == "Version"
        ));
        assert!(matches!(
            Policy::parse("p", r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
                "Condition": {"StringEquals": {"aws:username": "a", "aws:username": "b"}}}}"#),
            Err(PolicyError::DuplicateKey { key, path, .. })
                if key == "aws:username" && path == "Statement.Condition.StringEquals.aws:username"
        ));
        // The negative twin: without the duplicate, both statements are read.
        let fine = dup.replace(r#", "Effect": "Allow"}]"#, "}]");
        let p = Policy::parse("bucket policy of b", &fine).unwrap();
        assert_eq!(p.policy.statements().len(), 2);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
    }

    #[test]
    fn malformed_statements_are_reported_and_skipped() {
        let text = r#"{
          "Version": "2012-10-17",
          "Statement": [
            {"Sid": "Good", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Permit", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Allow", "Action": ["s3:GetObject", 7], "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
             "Condition": {"StringEquals": {"aws:SourceVpc": {"nested": true}}}},
            {"Effect": "Deny", "Action": "iam:*", "Resource": "*",
             "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "soon"}}},
            "not an object",
            {"Effect": "Allow", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Principal": {"Group": "x"}},
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringFuzzy": {"k": "v", "k2": "v"}}},
            {"Sid": "AlsoGood", "Effect": "Deny", "NotAction": "s3:*", "NotResource": "arn:aws:s3:::b/*"}
          ]
        }"#;
        let parsed = Policy::parse("mixed", text).unwrap();
        let kept: Vec<usize> = parsed
            .policy
            .statements()
            .iter()
            .map(Statement::index)
            .collect();
        assert_eq!(kept, vec![0, 3, 4, 8, 9]);
        let paths: Vec<(&str, bool)> = parsed
            .problems
            .iter()
            .map(|p| (p.path.as_str(), p.statement_dropped))
            .collect();
        assert_eq!(
            paths,
            vec![
                ("Statement[1].Effect", true),
                ("Statement[2].Action[1]", true),
                ("Statement[3].Condition.StringEquals.aws:SourceVpc", false),
                (
                    "Statement[4].Condition.NumericLessThan.aws:MultiFactorAuthAge",
                    false
                ),
                ("Statement[5]", true),
                ("Statement[6].Action", true),
                ("Statement[7].Principal.Group", true),
                ("Statement[8].Condition.StringFuzzy", false),
            ]
        );
        let msg = parsed.problems[0].to_string();
        assert_eq!(
            msg,
            "`Statement[1].Effect`: expected `Allow` or `Deny`, found `Permit`; statement skipped"
        );
        assert!(parsed.problems[3].message.contains("`soon`"));
        // the kept statements with bad conditions are undecided, not dropped
        assert!(parsed.policy.statements()[1].conditions()[0].is_invalid());
        assert_eq!(parsed.policy.statements()[4].sid(), Some("AlsoGood"));
    }

    #[test]
    fn version_and_unknown_elements() {
        let p = Policy::parse("v", r#"{"Statement": [], "Extra": 1}"#).unwrap();
        assert_eq!(p.policy.version(), Version::V2008_10_17);
        assert_eq!(p.problems[0].path, "Extra");
        let p = Policy::parse("v", r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Bogus": 1}}"#).unwrap();
        assert_eq!(p.policy.version(), Version::V2012_10_17);
        assert_eq!(p.problems[0].path, "Statement.Bogus");
        assert_eq!(p.policy.statements().len(), 1);
        let p = Policy::parse("v", r#"{"Version": "2012-10-17"}"#).unwrap();
        assert_eq!(p.problems[0].path, "Statement");
        assert!(p.policy.statements().is_empty());
    }

    #[test]
    fn never_panics_on_odd_input() {
        let odd = [
            "",
            " ",
            "null",
            "true",
            "1",
            "\"\"",
            "\"%7B\"",
            "{}",
            r#"{"Statement": null}"#,
            r#"{"Statement": [null, 1, "x", [], {}]}"#,
            r#"{"Statement": {"Effect": "Allow", "Action": [], "Resource": []}}"#,
            r#"{"Statement": {"Effect": "Allow", "Action": "*", "Principal": 5}}"#,
            r#"{"Statement": {"Effect": "Allow", "Action": "*", "Principal": {}}}"#,
            r#"{"Statement": {"Effect": "Allow", "Action": "*", "Condition": []}}"#,
            r#"{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"Null": {"k": ["maybe"]}}}}"#,
            r#"{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"NullIfExists": {"k": "true"}}}}"#,
            r#"{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"IpAddress": {"k": []}}}}"#,
            "%",
            "%7",
            "%7B%7D",
            "\u{feff}{}",
        ];
        for text in odd {
            let _ = Policy::parse("odd", text);
        }
    }
}
