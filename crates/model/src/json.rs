//! Helpers for connectors that read JSON: typed field access whose errors
//! name the JSON path and what was expected.

use serde_json::{Map, Value};

use crate::estate::{EstateBuilder, IngestError};

/// A JSON object with the path it was found at.
pub struct Obj<'a> {
    /// The object.
    pub map: &'a Map<String, Value>,
    /// Its JSON path, e.g. `$.nodes[3]`.
    pub path: String,
}

/// The JSON type name used in messages.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'a> Obj<'a> {
    /// Views `v` as an object, or says what it is instead.
    pub fn new(v: &'a Value, path: String) -> Result<Self, (String, String)> {
        match v {
            Value::Object(map) => Ok(Obj { map, path }),
            other => Err((
                path,
                format!("expected an object, found {}", type_name(other)),
            )),
        }
    }

    /// The path of a field of this object.
    pub fn at(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    /// An optional string field; null counts as absent.
    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, (String, String)> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err((
                self.at(key),
                format!("expected a string, found {}", type_name(other)),
            )),
        }
    }

    /// A required, non-empty string field.
    pub fn req_str(&self, key: &str) -> Result<&'a str, (String, String)> {
        match self.opt_str(key)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            Some(_) => Err((self.at(key), "expected a non-empty string".to_string())),
            None => Err((self.at(key), format!("missing required field `{key}`"))),
        }
    }

    /// An optional boolean field.
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, (String, String)> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err((
                self.at(key),
                format!("expected a boolean, found {}", type_name(other)),
            )),
        }
    }

    /// Keys of this object that are not in `known`.
    pub fn unknown_keys(&self, known: &[&str]) -> Vec<&'a str> {
        self.map
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .map(String::as_str)
            .collect()
    }
}

/// Reads every record of the array field `key` of `top`: a missing or null
/// field has nothing to read; any other non-array is reported. Each element
/// is handed to `read` as an object with its JSON path (`$.key[i]`); an
/// error it returns is reported against that record, which is skipped, and
/// reading goes on.
pub fn for_each_record(
    top: &Obj<'_>,
    key: &str,
    out: &mut EstateBuilder,
    mut read: impl FnMut(&Obj<'_>, &mut EstateBuilder) -> Result<(), (String, String)>,
) {
    let items = match top.map.get(key) {
        None | Some(Value::Null) => return,
        Some(Value::Array(items)) => items,
        Some(other) => {
            out.error(
                top.at(key),
                format!(
                    "expected an array, found {}; no {key} read",
                    type_name(other)
                ),
            );
            return;
        }
    };
    for (i, item) in items.iter().enumerate() {
        let result = Obj::new(item, format!("{}.{key}[{i}]", top.path)).and_then(|o| read(&o, out));
        if let Err((location, message)) = result {
            out.error(location, message);
        }
    }
}

/// Parses a whole file as JSON, turning a syntax error into an
/// [`IngestError::Malformed`] with line and column.
pub fn parse_document(file: &str, bytes: &[u8]) -> Result<Value, IngestError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::Malformed {
            file: file.to_string(),
            line: 1,
            column: 1,
            message: "the file is empty, expected a JSON object".to_string(),
        });
    }
    serde_json::from_slice(bytes).map_err(|e| IngestError::Malformed {
        file: file.to_string(),
        line: e.line(),
        column: e.column(),
        message: format!("malformed JSON: {e}")
            .split(" at line ")
            .next()
            .unwrap_or("malformed JSON")
            .to_string(),
    })
}

/// Whether `s` starts like an RFC 3339 date (`YYYY-MM-DD`, optionally with a time).
pub fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b.iter().take(4).all(u8::is_ascii_digit)
        && b.get(4) == Some(&b'-')
        && b.get(5..7)
            .is_some_and(|m| m.iter().all(u8::is_ascii_digit))
        && b.get(7) == Some(&b'-')
        && b.get(8..10)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        && (b.len() == 10 || matches!(b.get(10), Some(b'T' | b't' | b' ')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = parse_document("x.json", b"{\n  \"a\": [1,\n}").unwrap_err();
        match err {
            IngestError::Malformed { line, message, .. } => {
                assert_eq!(line, 3);
                assert!(message.starts_with("malformed JSON"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(parse_document("x.json", b"  \n").is_err());
    }

    #[test]
    fn dates_are_checked_loosely() {
        assert!(looks_like_date("2025-01-02"));
        assert!(looks_like_date("2025-01-02T03:04:05Z"));
        assert!(!looks_like_date("yesterday"));
        assert!(!looks_like_date("2025-1-2"));
    }
}
