//! Small conversions from SDK values to the JSON the AWS CLI prints.
//!
//! The SDK's output structs are not serde-serializable, so every file is
//! built field by field with [`J`], using the CLI's key spelling. A field
//! the service did not send (`None`) is left out, as the CLI leaves it out.

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use serde_json::{Map, Value};

/// A JSON object under construction, keys in insertion order.
#[derive(Debug, Default)]
pub(crate) struct J(Map<String, Value>);

impl J {
    /// An empty object.
    pub(crate) fn new() -> Self {
        Self(Map::new())
    }

    /// A string field, left out when absent.
    pub(crate) fn s(mut self, key: &str, v: Option<&str>) -> Self {
        if let Some(v) = v {
            self.0.insert(key.into(), Value::String(v.to_string()));
        }
        self
    }

    /// A string field that the SDK models as always present.
    pub(crate) fn s1(self, key: &str, v: &str) -> Self {
        self.s(key, Some(v))
    }

    /// A date field, printed as the CLI prints it ([`iso`]).
    pub(crate) fn dt(mut self, key: &str, v: Option<&DateTime>) -> Self {
        if let Some(v) = v {
            self.0.insert(key.into(), Value::String(iso(v)));
        }
        self
    }

    /// A boolean field.
    pub(crate) fn b(mut self, key: &str, v: Option<bool>) -> Self {
        if let Some(v) = v {
            self.0.insert(key.into(), Value::Bool(v));
        }
        self
    }

    /// An integer field.
    pub(crate) fn i(mut self, key: &str, v: Option<i64>) -> Self {
        if let Some(v) = v {
            self.0.insert(key.into(), Value::from(v));
        }
        self
    }

    /// Any value.
    pub(crate) fn v(mut self, key: &str, v: Option<Value>) -> Self {
        if let Some(v) = v {
            self.0.insert(key.into(), v);
        }
        self
    }

    /// A list field converted item by item; `None` leaves it out, an empty
    /// list is kept (the CLI prints `[]` when the service sent an empty list).
    pub(crate) fn list<T>(self, key: &str, v: Option<&Vec<T>>, f: impl Fn(&T) -> Value) -> Self {
        let v = v.map(|items| Value::Array(items.iter().map(f).collect()));
        self.v(key, v)
    }

    /// A list of strings.
    pub(crate) fn strs(self, key: &str, v: Option<&Vec<String>>) -> Self {
        self.list(key, v, |s| Value::String(s.clone()))
    }

    /// A string map, keys sorted (the SDK's `HashMap` has no stable order).
    pub(crate) fn map(
        self,
        key: &str,
        v: Option<&std::collections::HashMap<String, String>>,
    ) -> Self {
        let v = v.map(|m| {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                if let Some(x) = m.get(k) {
                    out.insert(k.clone(), Value::String(x.clone()));
                }
            }
            Value::Object(out)
        });
        self.v(key, v)
    }

    /// An IAM policy document: the API returns it URL-encoded; the CLI
    /// prints it decoded ([`iam_document`]).
    pub(crate) fn doc(self, key: &str, v: Option<&str>) -> Self {
        self.v(key, v.map(iam_document))
    }

    /// The finished object.
    pub(crate) fn done(self) -> Value {
        Value::Object(self.0)
    }
}

/// `[{"Key", "Value"}]`, the tag shape of IAM, EC2 and most services.
pub(crate) fn tag(key: Option<&str>, value: Option<&str>) -> Value {
    J::new().s("Key", key).s("Value", value).done()
}

/// A date as the AWS CLI prints it with `cli_timestamp_format = iso8601`
/// (the CLI v2 default): Python's `datetime.isoformat()` of a UTC time,
/// `2024-01-01T00:00:00+00:00`, with `.ffffff` only when the microseconds
/// are not zero. Sub-microsecond parts are rounded to the nearest
/// microsecond, as Python's `datetime.fromtimestamp` does for the epoch
/// seconds of JSON protocols (`1700000000.224` is `.224000`, not the
/// `.223999` its binary float would truncate to).
pub(crate) fn iso(d: &DateTime) -> String {
    let mut secs = d.secs();
    let mut micros = (d.subsec_nanos() + 500) / 1000;
    if micros >= 1_000_000 {
        secs = secs.saturating_add(1);
        micros = 0;
    }
    let Ok(s) = DateTime::from_secs(secs).fmt(Format::DateTime) else {
        // Out of the formatter's range (years before 1 or after 9999):
        // never sent by AWS; seconds since the epoch keep the information.
        return d.secs().to_string();
    };
    let whole = s.trim_end_matches('Z');
    if micros == 0 {
        format!("{whole}+00:00")
    } else {
        format!("{whole}.{micros:06}+00:00")
    }
}

/// What the AWS CLI prints for an IAM policy document: botocore URL-decodes
/// the string (`urllib.parse.unquote`: `%XX` only, `+` kept, invalid
/// sequences kept as they are, invalid UTF-8 replaced) and parses it as JSON,
/// keeping key order; when that fails it prints the string as received.
pub(crate) fn iam_document(raw: &str) -> Value {
    let decoded = blastgraph_connector_aws::layout::percent_decode(raw);
    match serde_json::from_str::<Value>(&decoded) {
        Ok(v) => v,
        Err(_) => Value::String(raw.to_string()),
    }
}

/// A resource name as a file or folder name of the layout: the layout's one
/// encoder ([`blastgraph_connector_aws::layout::encode_name`]).
pub fn file_name(name: &str) -> String {
    blastgraph_connector_aws::layout::encode_name(name)
}

/// Pretty JSON as the CLI prints it (`json.dumps(indent=4)`), with a
/// trailing newline.
pub(crate) fn pretty(v: &Value) -> Vec<u8> {
    use serde::Serialize;
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    // Writing a `Value` into a `Vec` cannot fail (no I/O, string keys).
    if v.serialize(&mut ser).is_err() {
        out.clear();
        out.extend_from_slice(b"null");
    }
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_like_python_isoformat() {
        assert_eq!(
            iso(&DateTime::from_secs(1_704_067_200)),
            "2024-01-01T00:00:00+00:00"
        );
        assert_eq!(
            iso(&DateTime::from_secs_and_nanos(1_704_067_200, 123_000_000)),
            "2024-01-01T00:00:00.123000+00:00"
        );
        assert_eq!(
            iso(&DateTime::from_secs_and_nanos(1_704_067_200, 123_456_789)),
            "2024-01-01T00:00:00.123457+00:00"
        );
        assert_eq!(
            iso(&DateTime::from_secs_and_nanos(1_704_067_200, 499)),
            "2024-01-01T00:00:00+00:00"
        );
        // An epoch float's binary error is rounded away, as Python does.
        assert_eq!(
            iso(&DateTime::from_fractional_secs(1_704_067_200, 0.224)),
            "2024-01-01T00:00:00.224000+00:00"
        );
        assert_eq!(
            iso(&DateTime::from_secs_and_nanos(1_704_067_200, 999_999_600)),
            "2024-01-01T00:00:01+00:00"
        );
    }

    #[test]
    fn iam_documents_are_decoded_like_botocore() {
        let raw = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(
            iam_document(raw),
            serde_json::json!({"Version": "2012-10-17", "Statement": []})
        );
        // Already plain JSON (moto sends it so): parsed as well.
        assert_eq!(
            iam_document("{\"a\": \"b+c\"}"),
            serde_json::json!({"a": "b+c"})
        );
        // Not JSON after decoding: the string as received.
        assert_eq!(
            iam_document("%ZZnot json"),
            Value::String("%ZZnot json".into())
        );
        // Key order is kept.
        let v = iam_document("{\"z\":1,\"a\":2}");
        let keys: Vec<&String> = v
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["z", "a"]);
    }

    #[test]
    fn file_names_encode_percent_and_slash_only() {
        assert_eq!(file_name("prod/db/password"), "prod%2Fdb%2Fpassword");
        assert_eq!(file_name("100%/x"), "100%25%2Fx");
        assert_eq!(file_name("a b:c"), "a b:c");
        assert_eq!(file_name(".."), "%2E%2E");
        assert_eq!(file_name(""), "%00");
    }

    #[test]
    fn pretty_uses_four_spaces_and_a_newline() {
        let v = serde_json::json!({"A": [1], "B": {}});
        assert_eq!(
            String::from_utf8_lossy(&pretty(&v)),
            "{\n    \"A\": [\n        1\n    ],\n    \"B\": {}\n}\n"
        );
    }
}
