//! The `Condition` element: operators, their values compiled once, and their
//! three-valued evaluation against the request context.

use blastgraph_model::base64_decode;
use serde_json::Value;

use crate::context::{Env, Lookup};
use crate::date::parse_millis;
use crate::glob::{Mode, Template};
use crate::ip::{Cidr, IpAddr};
use crate::tri::Tri;
use std::ops::Not;

/// A condition operator without its set qualifier or `IfExists` suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[expect(missing_docs, reason = "the variant names are the IAM operator names")]
pub enum ConditionOp {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

const OPS: &[(&str, ConditionOp)] = &[
    ("StringEquals", ConditionOp::StringEquals),
    ("StringNotEquals", ConditionOp::StringNotEquals),
    (
        "StringEqualsIgnoreCase",
        ConditionOp::StringEqualsIgnoreCase,
    ),
    (
        "StringNotEqualsIgnoreCase",
        ConditionOp::StringNotEqualsIgnoreCase,
    ),
    ("StringLike", ConditionOp::StringLike),
    ("StringNotLike", ConditionOp::StringNotLike),
    ("NumericEquals", ConditionOp::NumericEquals),
    ("NumericNotEquals", ConditionOp::NumericNotEquals),
    ("NumericLessThan", ConditionOp::NumericLessThan),
    ("NumericLessThanEquals", ConditionOp::NumericLessThanEquals),
    ("NumericGreaterThan", ConditionOp::NumericGreaterThan),
    (
        "NumericGreaterThanEquals",
        ConditionOp::NumericGreaterThanEquals,
    ),
    ("DateEquals", ConditionOp::DateEquals),
    ("DateNotEquals", ConditionOp::DateNotEquals),
    ("DateLessThan", ConditionOp::DateLessThan),
    ("DateLessThanEquals", ConditionOp::DateLessThanEquals),
    ("DateGreaterThan", ConditionOp::DateGreaterThan),
    ("DateGreaterThanEquals", ConditionOp::DateGreaterThanEquals),
    ("Bool", ConditionOp::Bool),
    ("BinaryEquals", ConditionOp::BinaryEquals),
    ("IpAddress", ConditionOp::IpAddress),
    ("NotIpAddress", ConditionOp::NotIpAddress),
    ("ArnEquals", ConditionOp::ArnEquals),
    ("ArnLike", ConditionOp::ArnLike),
    ("ArnNotEquals", ConditionOp::ArnNotEquals),
    ("ArnNotLike", ConditionOp::ArnNotLike),
    ("Null", ConditionOp::Null),
];

impl ConditionOp {
    /// The IAM name of the operator.
    pub fn name(self) -> &'static str {
        OPS.iter()
            .find(|(_, op)| *op == self)
            .map_or("", |(n, _)| n)
    }

    /// Negated operators (`StringNotEquals`, `NotIpAddress`, `ArnNotLike`,
    /// ...) are true when the key is absent and combine several policy
    /// values with NOR.
    pub fn is_negated(self) -> bool {
        use ConditionOp as O;
        matches!(
            self,
            O::StringNotEquals
                | O::StringNotEqualsIgnoreCase
                | O::StringNotLike
                | O::NumericNotEquals
                | O::DateNotEquals
                | O::NotIpAddress
                | O::ArnNotEquals
                | O::ArnNotLike
        )
    }

    fn family(self) -> Family {
        use ConditionOp as O;
        match self {
            O::StringEquals | O::StringNotEquals => Family::Text(Mode::Literal, false),
            O::StringEqualsIgnoreCase | O::StringNotEqualsIgnoreCase => {
                Family::Text(Mode::Literal, true)
            }
            O::StringLike | O::StringNotLike => Family::Text(Mode::Plain, false),
            O::ArnEquals | O::ArnLike | O::ArnNotEquals | O::ArnNotLike => {
                Family::Text(Mode::Arn, false)
            }
            O::Bool => Family::Text(Mode::Literal, true),
            O::NumericEquals
            | O::NumericNotEquals
            | O::NumericLessThan
            | O::NumericLessThanEquals
            | O::NumericGreaterThan
            | O::NumericGreaterThanEquals => Family::Number,
            O::DateEquals
            | O::DateNotEquals
            | O::DateLessThan
            | O::DateLessThanEquals
            | O::DateGreaterThan
            | O::DateGreaterThanEquals => Family::Date,
            O::BinaryEquals => Family::Binary,
            O::IpAddress | O::NotIpAddress => Family::Ip,
            O::Null => Family::Null,
        }
    }
}

#[derive(Clone, Copy)]
enum Family {
    Text(Mode, bool),
    Number,
    Date,
    Binary,
    Ip,
    Null,
}

/// `ForAnyValue:` or `ForAllValues:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// At least one request value must satisfy the operator; false when the
    /// key is absent.
    ForAnyValue,
    /// Every request value must satisfy the operator; true when the key is
    /// absent.
    ForAllValues,
}

/// A full condition operator: `ForAllValues:StringLikeIfExists` and so on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operator {
    /// The base operator.
    pub op: ConditionOp,
    /// The set qualifier, if any.
    pub qualifier: Option<SetQualifier>,
    /// Whether the `IfExists` suffix is present.
    pub if_exists: bool,
}

impl Operator {
    /// Parses an operator name (case-insensitively).
    pub fn parse(text: &str) -> Option<Operator> {
        let lower = text.to_ascii_lowercase();
        let (qualifier, rest) = if let Some(r) = lower.strip_prefix("foranyvalue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else if let Some(r) = lower.strip_prefix("forallvalues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else {
            (None, lower.as_str())
        };
        let (base, if_exists) = match rest.strip_suffix("ifexists") {
            Some(b) => (b, true),
            None => (rest, false),
        };
        let op = OPS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(base))
            .map(|(_, op)| *op)?;
        Some(Operator {
            op,
            qualifier,
            if_exists,
        })
    }
}

#[derive(Clone, Debug)]
enum Values {
    Text(Box<[Template]>),
    Number(Box<[f64]>),
    Date(Box<[i64]>),
    Binary(Box<[Vec<u8>]>),
    Ip(Box<[Cidr]>),
    Null(Box<[bool]>),
    /// The operator or a value could not be understood: always undecided.
    Invalid,
}

/// One `operator → key → values` entry of a `Condition` element.
#[derive(Clone, Debug)]
pub struct Condition {
    operator_text: Box<str>,
    operator: Option<Operator>,
    key: Box<str>,
    key_lower: Box<str>,
    raw_values: Box<[Box<str>]>,
    values: Values,
}

impl Condition {
    /// The operator as written.
    pub fn operator_text(&self) -> &str {
        &self.operator_text
    }

    /// The parsed operator; `None` when it is not one AWS documents (the
    /// condition is then always undecided).
    pub fn operator(&self) -> Option<Operator> {
        self.operator
    }

    /// The condition key as written.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The values as written (numbers and booleans as their JSON text).
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.raw_values.iter().map(|v| &**v)
    }

    /// The key, lower-case.
    pub(crate) fn key_lower(&self) -> &str {
        &self.key_lower
    }

    /// Request values worth trying for this condition's key: each policy
    /// value (a pattern with its wildcards filled in), and for numbers and
    /// dates the values just either side of it.
    pub(crate) fn candidates(&self) -> Vec<String> {
        let mut out = Vec::new();
        match &self.values {
            Values::Text(_) | Values::Null(_) | Values::Binary(_) | Values::Ip(_) => {
                for v in self.raw_values.iter().filter(|v| !v.contains("${")) {
                    out.push(v.replace('*', "").replace('?', "x"));
                    if v.contains(['*', '?']) {
                        out.push(v.replace(['*', '?'], "x"));
                    }
                }
            }
            Values::Number(ns) => {
                for n in ns.iter() {
                    out.extend([n - 1.0, *n, n + 1.0].map(|x| x.to_string()));
                }
            }
            Values::Date(ds) => {
                for d in ds.iter() {
                    out.extend([d - 1000, *d, d + 1000].map(crate::date::format_millis));
                }
            }
            Values::Invalid => {}
        }
        if matches!(self.operator.map(|o| o.op), Some(ConditionOp::Bool)) {
            out.extend(["true".to_owned(), "false".to_owned()]);
        }
        out
    }

    /// Whether the condition tests one request value for equality with
    /// literal policy values (`StringEquals`, `StringNotEquals`, `Bool`,
    /// `Null`, their `IgnoreCase` and `IfExists` forms): then every value it
    /// does not name behaves alike.
    pub(crate) fn is_equality(&self) -> bool {
        use ConditionOp as O;
        let Some(op) = self.operator else {
            return false;
        };
        op.qualifier.is_none()
            && !self.raw_values.iter().any(|v| v.contains("${"))
            && matches!(
                op.op,
                O::StringEquals
                    | O::StringNotEquals
                    | O::StringEqualsIgnoreCase
                    | O::StringNotEqualsIgnoreCase
                    | O::Bool
                    | O::Null
            )
    }

    /// Whether the condition could not be understood and is always
    /// undecided.
    pub fn is_invalid(&self) -> bool {
        matches!(self.values, Values::Invalid)
    }

    /// Compiles one entry. Problems are returned as messages relative to the
    /// entry's JSON path; the condition is then kept as always undecided.
    pub(crate) fn compile(
        operator_text: &str,
        key: &str,
        value: &Value,
        vars: bool,
    ) -> (Condition, Vec<(String, String)>) {
        let mut problems = Vec::new();
        let mut raw = Vec::new();
        let mut scalar = |v: &Value, sub: String| match v {
            Value::String(s) => raw.push(s.as_str().into()),
            Value::Number(n) => raw.push(n.to_string().into()),
            Value::Bool(b) => raw.push(b.to_string().into()),
            other => problems.push((
                sub,
                format!(
                    "expected a string, number or boolean, found {}",
                    kind_of(other)
                ),
            )),
        };
        match value {
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    scalar(v, format!("[{i}]"));
                }
                if items.is_empty() {
                    problems.push((String::new(), "expected at least one value".to_owned()));
                }
            }
            v => scalar(v, String::new()),
        }
        let operator = Operator::parse(operator_text);
        let mut cond = Condition {
            operator_text: operator_text.into(),
            operator,
            key: key.into(),
            key_lower: key.to_lowercase().into(),
            raw_values: raw.into_boxed_slice(),
            values: Values::Invalid,
        };
        let Some(op) = operator else {
            problems.insert(
                0,
                (
                    String::new(),
                    format!(
                        "unknown condition operator `{operator_text}`; the condition is undecided"
                    ),
                ),
            );
            return (cond, problems);
        };
        if op.op == ConditionOp::Null && (op.if_exists || op.qualifier.is_some()) {
            problems.push((String::new(), format!("`{operator_text}`: `Null` takes no set qualifier or `IfExists`; the condition is undecided")));
            return (cond, problems);
        }
        if !problems.is_empty() {
            return (cond, problems);
        }
        let raw = &cond.raw_values;
        let bad = |what: &str, v: &str| {
            format!("expected {what}, found `{v}`; the condition is undecided")
        };
        let values = match op.op.family() {
            Family::Text(mode, fold) => {
                let text = raw.iter().map(|v| {
                    let v = if fold {
                        v.to_lowercase()
                    } else {
                        v.to_string()
                    };
                    Template::compile(&v, mode, fold, vars)
                });
                Some(Values::Text(text.collect()))
            }
            Family::Number => collect(
                raw,
                |v| v.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
                &mut problems,
                |v| bad("a number", v),
            )
            .map(Values::Number),
            Family::Date => collect(raw, parse_millis, &mut problems, |v| {
                bad("an ISO 8601 date or epoch seconds", v)
            })
            .map(Values::Date),
            Family::Binary => collect(raw, base64_decode, &mut problems, |v| bad("base64 text", v))
                .map(Values::Binary),
            Family::Ip => collect(raw, Cidr::parse, &mut problems, |v| {
                bad("an IPv4 or IPv6 address or CIDR block", v)
            })
            .map(Values::Ip),
            Family::Null => collect(
                raw,
                |v| match v.to_ascii_lowercase().as_str() {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => None,
                },
                &mut problems,
                |v| bad("`true` or `false`", v),
            )
            .map(Values::Null),
        };
        cond.values = values.unwrap_or(Values::Invalid);
        (cond, problems)
    }

    /// Evaluates the condition against the request.
    pub(crate) fn eval(&self, env: &Env<'_>) -> Tri {
        let Some(op) = self.operator else {
            return Tri::Unknown;
        };
        if let Values::Invalid = self.values {
            return Tri::Unknown;
        }
        let lookup = env.lookup(&self.key_lower);
        if let Values::Null(expect) = &self.values {
            let absent = match lookup {
                Lookup::Unknown => return Tri::Unknown,
                Lookup::Absent => true,
                Lookup::Values(_) | Lookup::NotBefore(_) => false,
            };
            return expect.contains(&absent).into();
        }
        let negated = op.op.is_negated();
        let values = match lookup {
            Lookup::Unknown => return Tri::Unknown,
            Lookup::Absent => None,
            Lookup::Values(v) => Some(v),
            Lookup::NotBefore(t) => return self.not_before(op.op, t, negated),
        };
        let Some(values) = values else {
            return match (op.if_exists, op.qualifier) {
                (true, _) | (false, Some(SetQualifier::ForAllValues)) => Tri::True,
                (false, Some(SetQualifier::ForAnyValue)) => Tri::False,
                (false, None) => negated.into(),
            };
        };
        let test = |v: &str| -> Tri {
            let m = self.match_any(op.op, v, env);
            if negated && op.qualifier.is_some() {
                m.not()
            } else {
                m
            }
        };
        match op.qualifier {
            None => {
                // a plain operator on several request values: true when any
                // value matches (negated: when none does)
                let mut any = Tri::False;
                for v in values.iter() {
                    any = any.or(test(v));
                    if any.is_true() {
                        break;
                    }
                }
                if negated { any.not() } else { any }
            }
            Some(SetQualifier::ForAnyValue) => {
                let mut out = Tri::False;
                for v in values.iter() {
                    out = out.or(test(v));
                    if out.is_true() {
                        break;
                    }
                }
                out
            }
            Some(SetQualifier::ForAllValues) => {
                let mut out = Tri::True;
                for v in values.iter() {
                    out = out.and(test(v));
                    if out.is_false() {
                        break;
                    }
                }
                out
            }
        }
    }

    /// A `Date*` test of a time known only to be at or after `t`: decided
    /// when every such time gives the same answer.
    fn not_before(&self, op: ConditionOp, t: i64, negated: bool) -> Tri {
        use ConditionOp as O;
        let Values::Date(ds) = &self.values else {
            return Tri::Unknown;
        };
        let mut any = Tri::False;
        for &d in ds.iter() {
            let m = match op {
                O::DateLessThan if t >= d => Tri::False,
                O::DateLessThanEquals | O::DateEquals | O::DateNotEquals if t > d => Tri::False,
                O::DateGreaterThan if t > d => Tri::True,
                O::DateGreaterThanEquals if t >= d => Tri::True,
                _ => Tri::Unknown,
            };
            any = any.or(m);
        }
        if negated { any.not() } else { any }
    }

    /// Whether one request value matches any policy value, with the
    /// positive form of the operator.
    fn match_any(&self, op: ConditionOp, value: &str, env: &Env<'_>) -> Tri {
        match &self.values {
            Values::Text(patterns) => {
                let mut out = Tri::False;
                for p in patterns.iter() {
                    out = out.or(p.matches(value, env));
                    if out.is_true() {
                        break;
                    }
                }
                out
            }
            Values::Number(ns) => {
                let Some(x) = value.trim().parse::<f64>().ok() else {
                    return Tri::False;
                };
                ns.iter().any(|n| compare(op, x.partial_cmp(n))).into()
            }
            Values::Date(ds) => {
                let Some(x) = parse_millis(value) else {
                    return Tri::False;
                };
                ds.iter().any(|d| compare(op, Some(x.cmp(d)))).into()
            }
            Values::Binary(bs) => {
                let Some(x) = base64_decode(value) else {
                    return Tri::False;
                };
                bs.contains(&x).into()
            }
            Values::Ip(cidrs) => {
                let Some(ip) = IpAddr::parse(value) else {
                    return Tri::False;
                };
                cidrs.iter().any(|c| c.contains(ip)).into()
            }
            Values::Null(_) | Values::Invalid => Tri::Unknown,
        }
    }
}

fn compare(op: ConditionOp, ord: Option<std::cmp::Ordering>) -> bool {
    use ConditionOp as O;
    use std::cmp::Ordering::{Equal, Greater, Less};
    let Some(ord) = ord else { return false };
    match op {
        O::NumericEquals | O::NumericNotEquals | O::DateEquals | O::DateNotEquals => ord == Equal,
        O::NumericLessThan | O::DateLessThan => ord == Less,
        O::NumericLessThanEquals | O::DateLessThanEquals => ord != Greater,
        O::NumericGreaterThan | O::DateGreaterThan => ord == Greater,
        O::NumericGreaterThanEquals | O::DateGreaterThanEquals => ord != Less,
        _ => false,
    }
}

fn collect<T>(
    raw: &[Box<str>],
    parse: impl Fn(&str) -> Option<T>,
    problems: &mut Vec<(String, String)>,
    msg: impl Fn(&str) -> String,
) -> Option<Box<[T]>> {
    let mut out = Vec::with_capacity(raw.len());
    for (i, v) in raw.iter().enumerate() {
        match parse(v) {
            Some(x) => out.push(x),
            None => {
                let sub = if raw.len() > 1 {
                    format!("[{i}]")
                } else {
                    String::new()
                };
                problems.push((sub, msg(v)));
            }
        }
    }
    (out.len() == raw.len()).then(|| out.into_boxed_slice())
}

pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names() {
        let op = Operator::parse("ForAllValues:StringLikeIfExists").unwrap();
        assert_eq!(op.op, ConditionOp::StringLike);
        assert_eq!(op.qualifier, Some(SetQualifier::ForAllValues));
        assert!(op.if_exists);
        assert_eq!(
            Operator::parse("stringequals").unwrap().op,
            ConditionOp::StringEquals
        );
        assert_eq!(
            Operator::parse("NotIpAddressIfExists").unwrap().op,
            ConditionOp::NotIpAddress
        );
        assert!(Operator::parse("StringSortOf").is_none());
        assert_eq!(ConditionOp::ArnNotLike.name(), "ArnNotLike");
        assert!(ConditionOp::NumericNotEquals.is_negated());
        assert!(!ConditionOp::Bool.is_negated());
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("aGVsbG8").unwrap(), b"hello");
        assert_eq!(base64_decode("").unwrap(), b"");
        assert!(base64_decode("a*b").is_none());
        assert!(base64_decode("aG=VsbG8").is_none());
    }
}
