//! Helpers for connectors that read JSON: parsing that refuses duplicate
//! keys, and typed field access whose errors name the JSON path and what
//! was expected.
//!
//! # Duplicate keys
//!
//! `serde_json` keeps the last of two equal keys in one object, so
//! `{"Effect": "Deny", "Effect": "Allow"}` would silently read as `Allow`;
//! AWS IAM rejects such a document, and a second `"nodes"` array in an
//! estate file would drop the first. [`parse_checked`] builds the same
//! [`Value`] as `serde_json` (same map type, same numbers) and lists every
//! key given twice with its JSON path ([`DuplicateKey`]); the path is
//! written out only for a duplicate, so a clean document costs about what
//! `serde_json::from_slice` does.
//!
//! A duplicate costs the *record* that holds it: the element of the
//! outermost array on its path (`$.nodes[3]`, `$.RoleDetailList[3]`,
//! `$.graph.nodes[0]`). [`read_document`] reports it and puts the
//! placeholder [`SKIPPED`] in the record's place, so the other records keep
//! their JSON paths; readers skip the placeholder without a second
//! diagnostic ([`for_each_record`] does, loops of their own test
//! [`is_skipped`]). A duplicate outside every array element (two `"nodes"`
//! keys at the top level) rejects the whole file.

use std::fmt::{self, Write as _};

use serde::Deserialize as _;
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

use crate::estate::{EstateBuilder, IngestError};

/// Why a record was skipped: its code, the place and the message. [`Obj`]'s
/// accessors return it (`bad-record`); a `(location, message)` pair
/// converts into it as `bad-record`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// The diagnostic code.
    pub code: crate::Code,
    /// The JSON path.
    pub location: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl RecordError {
    /// A record error with its code.
    pub fn new(code: crate::Code, location: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            location: location.into(),
            message: message.into(),
        }
    }
}

impl From<(String, String)> for RecordError {
    fn from((location, message): (String, String)) -> Self {
        Self::new(crate::Code::BadRecord, location, message)
    }
}

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
    pub fn new(v: &'a Value, path: String) -> Result<Self, RecordError> {
        match v {
            Value::Object(map) => Ok(Obj { map, path }),
            other => Err((
                path,
                format!("expected an object, found {}", type_name(other)),
            )
                .into()),
        }
    }

    /// The path of a field of this object.
    pub fn at(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    /// An optional string field; null counts as absent.
    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, RecordError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err((
                self.at(key),
                format!("expected a string, found {}", type_name(other)),
            )
                .into()),
        }
    }

    /// A required, non-empty string field.
    pub fn req_str(&self, key: &str) -> Result<&'a str, RecordError> {
        match self.opt_str(key)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            Some(_) => Err((self.at(key), "expected a non-empty string".to_string()).into()),
            None => Err((self.at(key), format!("missing required field `{key}`")).into()),
        }
    }

    /// An optional array of strings; null or absent is empty.
    pub fn opt_strs(&self, key: &str) -> Result<Vec<String>, RecordError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Value::String(s) => Ok(s.clone()),
                    other => Err((
                        format!("{}[{i}]", self.at(key)),
                        format!("expected a string, found {}", type_name(other)),
                    )
                        .into()),
                })
                .collect(),
            Some(other) => Err((
                self.at(key),
                format!("expected an array of strings, found {}", type_name(other)),
            )
                .into()),
        }
    }

    /// An optional boolean field.
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, RecordError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err((
                self.at(key),
                format!("expected a boolean, found {}", type_name(other)),
            )
                .into()),
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
/// reading goes on. A record reported already ([`SKIPPED`]) is passed by.
pub fn for_each_record<E: Into<RecordError>>(
    top: &Obj<'_>,
    key: &str,
    out: &mut EstateBuilder,
    mut read: impl FnMut(&Obj<'_>, &mut EstateBuilder) -> Result<(), E>,
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
        if is_skipped(item) {
            continue;
        }
        let result = match Obj::new(item, format!("{}.{key}[{i}]", top.path)) {
            Ok(o) => read(&o, out).map_err(Into::into),
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            out.error_code(e.code, e.location, e.message);
        }
    }
}

/// The placeholder [`read_document`] puts in place of a record it reported
/// and skipped. It starts with a NUL character, which no producer writes; a
/// file that spells it out only hides its own record, which it could as
/// well leave out.
pub const SKIPPED: &str = "\u{0}blastgraph: record skipped, reported already";

/// Whether `v` is the placeholder of a record that was reported and
/// skipped ([`SKIPPED`]): loops over records pass it by in silence.
pub fn is_skipped(v: &Value) -> bool {
    matches!(v, Value::String(s) if s == SKIPPED)
}

/// `bytes` without a leading UTF-8 byte-order mark (`EF BB BF`), which some
/// Windows tools write before JSON.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// A key given twice in one JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// JSON path of the object, e.g. `$.RoleDetailList[3].RolePolicyList[0]`
    /// (`$` for the top level).
    pub object: String,
    /// The key.
    pub key: String,
    /// JSON path of the record that holds the object: the element of the
    /// outermost array on its path (`$.RoleDetailList[3]`). `None` when no
    /// array element holds it: then the whole document is at stake.
    pub record: Option<String>,
}

impl DuplicateKey {
    /// JSON path of the key itself, e.g. `$.nodes[3].class`.
    pub fn path(&self) -> String {
        format!("{}.{}", self.object, self.key)
    }
}

/// A document read by [`parse_checked`].
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The document, as `serde_json` reads it, except that every record
    /// with a duplicate key is replaced by [`SKIPPED`].
    pub value: Value,
    /// Every key given twice, in document order; those of one record are
    /// next to each other.
    pub duplicates: Vec<DuplicateKey>,
}

/// Parses JSON into a [`Value`] like `serde_json::from_slice`, listing every
/// key given twice in an object instead of keeping the last silently.
///
/// A record (element of the outermost array on the path) that holds a
/// duplicate is replaced by [`SKIPPED`] in the value, so the paths of the
/// others do not move. Paths are written out only for duplicates, so a
/// document without any costs about what `serde_json::from_slice` does.
pub fn parse_checked(bytes: &[u8]) -> Result<Checked, serde_json::Error> {
    let mut duplicates = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Seed {
        duplicates: &mut duplicates,
        at: &Step::Root,
        in_record: false,
        skip_records: false,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(Checked { value, duplicates })
}

/// Where a value sits: a chain of steps back to the root, borrowed from the
/// stack frames of the values that hold it. The path is written out only
/// for a duplicate, so reading a document without one builds no paths.
enum Step<'a> {
    Root,
    Key(&'a str, &'a Step<'a>),
    Index(usize, &'a Step<'a>),
}

impl Step<'_> {
    /// The JSON path, e.g. `$.RoleDetailList[3].RolePolicyList[0]`.
    fn path(&self) -> String {
        let mut path = String::new();
        self.write_path(&mut path);
        path
    }

    fn write_path(&self, out: &mut String) {
        match self {
            Step::Root => out.push('$'),
            Step::Key(key, up) => {
                up.write_path(out);
                out.push('.');
                out.push_str(key);
            }
            Step::Index(i, up) => {
                up.write_path(out);
                // Writing to a String cannot fail.
                let _ = write!(out, "[{i}]");
            }
        }
    }
}

/// Reads one value at `at`, adding the duplicates found in it to
/// `duplicates`.
struct Seed<'s> {
    duplicates: &'s mut Vec<DuplicateKey>,
    at: &'s Step<'s>,
    /// Whether the value is inside an array element (a record).
    in_record: bool,
    /// Whether records (the elements of the outermost array) are checked
    /// for syntax and dropped, the array read as empty
    /// ([`stream_document`]'s first pass).
    skip_records: bool,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

// Leaves as in `serde_json`'s own `Deserialize for Value`; only arrays and
// objects differ.
impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Value, E> {
        Number::deserialize(serde::de::value::I128Deserializer::<E>::new(v)).map(Value::Number)
    }

    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Value, E> {
        Number::deserialize(serde::de::value::U128Deserializer::<E>::new(v)).map(Value::Number)
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        // The elements of the outermost array are the records.
        let records = !self.in_record;
        if records && self.skip_records {
            while seq.next_element::<Skip>()?.is_some() {}
            return Ok(Value::Array(Vec::new()));
        }
        let mut items = Vec::new();
        loop {
            let at = Step::Index(items.len(), self.at);
            let before = self.duplicates.len();
            let seed = Seed {
                duplicates: &mut *self.duplicates,
                at: &at,
                in_record: true,
                skip_records: false,
            };
            let Some(mut item) = seq.next_element_seed(seed)? else {
                break;
            };
            if records && self.duplicates.len() > before {
                let record = at.path();
                for d in &mut self.duplicates[before..] {
                    d.record = Some(record.clone());
                }
                item = Value::String(SKIPPED.to_owned());
            }
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let at = Step::Key(&key, self.at);
            let value = access.next_value_seed(Seed {
                duplicates: &mut *self.duplicates,
                at: &at,
                in_record: self.in_record,
                skip_records: self.skip_records,
            })?;
            match map.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                Entry::Occupied(mut slot) => {
                    self.duplicates.push(DuplicateKey {
                        object: self.at.path(),
                        key: slot.key().clone(),
                        record: None,
                    });
                    // The last wins, as in `serde_json`; the record is
                    // dropped anyway.
                    slot.insert(value);
                }
            }
        }
        Ok(Value::Object(map))
    }
}

/// At most this many further duplicates of one record (or file) are named
/// in its diagnostic.
const MORE_NAMED: usize = 3;

/// The diagnostic text for the duplicates of one record or file: the first
/// one, what is skipped, and the paths of the next few.
fn duplicate_message(first: &DuplicateKey, rest: &[DuplicateKey], skipped: &str) -> String {
    let mut msg = format!(
        "duplicate key `{}`: which of its values counts is ambiguous, so {skipped} is skipped",
        first.key
    );
    if !rest.is_empty() {
        let named: Vec<String> = rest
            .iter()
            .take(MORE_NAMED)
            .map(|d| format!("`{}`", d.path()))
            .collect();
        let _ = write!(msg, "; further duplicate keys: {}", named.join(", "));
        if rest.len() > MORE_NAMED {
            let _ = write!(msg, " and {} more", rest.len() - MORE_NAMED);
        }
    }
    msg
}

/// Parses a whole file (a leading byte-order mark is skipped), turning a
/// syntax error into an [`IngestError::Malformed`] with line and column.
fn parse_file(file: &str, bytes: &[u8]) -> Result<Checked, IngestError> {
    let bytes = non_empty(file, bytes)?;
    parse_checked(bytes).map_err(|e| malformed(file, &e))
}

/// The bytes after a byte-order mark, or the error of an empty file.
fn non_empty<'b>(file: &str, bytes: &'b [u8]) -> Result<&'b [u8], IngestError> {
    let bytes = strip_bom(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::Malformed {
            file: file.to_string(),
            line: 1,
            column: 1,
            message: "the file is empty, expected a JSON object".to_string(),
        });
    }
    Ok(bytes)
}

/// A syntax error as the file error that names its line and column.
fn malformed(file: &str, e: &serde_json::Error) -> IngestError {
    IngestError::Malformed {
        file: file.to_string(),
        line: e.line(),
        column: e.column(),
        message: format!("malformed JSON: {e}")
            .split(" at line ")
            .next()
            .unwrap_or("malformed JSON")
            .to_string(),
    }
}

/// The file error for duplicates that cost the whole file.
fn file_duplicate(file: &str, dups: &[DuplicateKey]) -> Option<IngestError> {
    let (first, rest) = dups.split_first()?;
    Some(IngestError::DuplicateKey {
        file: file.to_string(),
        location: first.path(),
        message: duplicate_message(first, rest, "the file"),
    })
}

/// Parses a whole file as JSON for a connector: a leading byte-order mark
/// is skipped, a syntax error is an [`IngestError::Malformed`] with line and
/// column, and a duplicate key outside every record rejects the file
/// ([`IngestError::DuplicateKey`] at the key's path).
///
/// A record that holds a duplicate key is reported to `out`, at the key's
/// path and naming the record, and replaced by [`SKIPPED`]; the other
/// records are read as usual.
pub fn read_document(
    file: &str,
    bytes: &[u8],
    out: &mut EstateBuilder,
) -> Result<Value, IngestError> {
    let Checked { value, duplicates } = parse_file(file, bytes)?;
    let (in_records, outside): (Vec<_>, Vec<_>) =
        duplicates.into_iter().partition(|d| d.record.is_some());
    if let Some(e) = file_duplicate(file, &outside) {
        return Err(e);
    }
    // One diagnostic per record: its duplicates are next to each other.
    for group in in_records.chunk_by(|a, b| a.record == b.record) {
        if let Some((first, rest)) = group.split_first() {
            let record = first.record.as_deref().unwrap_or("$");
            out.error_code(
                crate::Code::DuplicateKey,
                first.path(),
                duplicate_message(first, rest, &format!("the record `{record}`")),
            );
        }
    }
    Ok(value)
}

/// [`read_document`], with a file that cannot be read reported to `out`
/// (its error names the file) and `None` returned: for connectors that read
/// many files and go on after a bad one.
pub fn read_or_report(file: &str, bytes: &[u8], out: &mut EstateBuilder) -> Option<Value> {
    match read_document(file, bytes, out) {
        Ok(v) => Some(v),
        Err(e) => {
            out.file_error(&e);
            None
        }
    }
}

/// Parses a whole file as JSON like [`read_document`], for a caller with no
/// [`EstateBuilder`] to report to: any duplicate key rejects the file.
pub fn parse_document(file: &str, bytes: &[u8]) -> Result<Value, IngestError> {
    let Checked { value, duplicates } = parse_file(file, bytes)?;
    match file_duplicate(file, &duplicates) {
        Some(e) => Err(e),
        None => Ok(value),
    }
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

/// Reads a document whose top level is an object as [`read_document`] and
/// [`for_each_record`] do, without ever holding it as one tree: each element
/// of the top-level arrays named in `streamed` is parsed, handed to `read`
/// with its path (`$.nodes[3]`) and dropped. For files of millions of
/// records (a generated estate of a million identities is 3 GB of JSON,
/// whose tree would take several times that).
///
/// The same answers as reading the tree: a first pass checks the syntax of
/// the whole document, the top-level keys and the small members (those not
/// streamed), so a malformed file or a top-level duplicate key is an error
/// before any record is read; `head` then sees the top-level object (the
/// streamed arrays as empty arrays; a streamed member that is not an array
/// as it is, for `head` to report) and may refuse the file; a second pass
/// reads the records. A record holding a duplicate key is reported and
/// skipped, a record `read` refuses is reported and skipped. Records are
/// read in document order.
pub fn stream_document(
    file: &str,
    bytes: &[u8],
    out: &mut EstateBuilder,
    streamed: &[&str],
    head: &mut dyn FnMut(&Obj<'_>, &mut EstateBuilder) -> Result<(), IngestError>,
    read: &mut dyn FnMut(&str, &Obj<'_>, &mut EstateBuilder) -> Result<(), RecordError>,
) -> Result<(), IngestError> {
    let bytes = non_empty(file, bytes)?;
    let malformed = |e: serde_json::Error| malformed(file, &e);
    let mut duplicates = Vec::new();
    let mut arrays = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let top = TopPass {
        streamed,
        duplicates: &mut duplicates,
        arrays: &mut arrays,
    }
    .deserialize(&mut de)
    .map_err(|e| match e.classify() {
        // Valid JSON that is not an object: said as for a document read
        // whole (which this is not a large one of).
        serde_json::error::Category::Data => {
            let found = parse_checked(bytes).map_or("no object", |c| type_name(&c.value));
            IngestError::Shape {
                file: file.to_string(),
                location: "$".to_string(),
                message: format!("expected an object, found {found}"),
            }
        }
        _ => malformed(e),
    })?;
    de.end().map_err(malformed)?;
    if let Some(e) = file_duplicate(file, &duplicates) {
        return Err(e);
    }
    let obj = Obj::new(&top, "$".into()).map_err(|e| IngestError::Shape {
        file: file.to_string(),
        location: e.location,
        message: e.message,
    })?;
    head(&obj, out)?;
    if arrays.is_empty() {
        return Ok(());
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    RecordPass {
        arrays: &arrays,
        out,
        read,
    }
    .deserialize(&mut de)
    .map_err(malformed)?;
    Ok(())
}

/// The first pass of [`stream_document`]: the top-level object, its
/// streamed arrays read as empty (their records checked for syntax and
/// dropped), and the names of those arrays.
struct TopPass<'s> {
    streamed: &'s [&'s str],
    duplicates: &'s mut Vec<DuplicateKey>,
    arrays: &'s mut Vec<String>,
}

impl<'de> DeserializeSeed<'de> for TopPass<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopPass<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let at = Step::Key(&key, &Step::Root);
            let streamed = self.streamed.contains(&key.as_str());
            let value = access.next_value_seed(Seed {
                duplicates: &mut *self.duplicates,
                at: &at,
                in_record: false,
                skip_records: streamed,
            })?;
            if streamed && value.is_array() {
                self.arrays.push(key.clone());
            }
            if map.contains_key(&key) {
                self.duplicates.push(DuplicateKey {
                    object: "$".to_string(),
                    key: key.clone(),
                    record: None,
                });
            }
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

/// The second pass of [`stream_document`]: the records of the streamed
/// arrays, one at a time.
struct RecordPass<'s> {
    arrays: &'s [String],
    out: &'s mut EstateBuilder,
    read: &'s mut dyn FnMut(&str, &Obj<'_>, &mut EstateBuilder) -> Result<(), RecordError>,
}

impl<'de> DeserializeSeed<'de> for RecordPass<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordPass<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<(), A::Error> {
        while let Some(key) = access.next_key::<String>()? {
            if self.arrays.contains(&key) {
                access.next_value_seed(Records {
                    key: &key,
                    out: &mut *self.out,
                    read: &mut *self.read,
                })?;
            } else {
                access.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// One streamed array's records.
struct Records<'s> {
    key: &'s str,
    out: &'s mut EstateBuilder,
    read: &'s mut dyn FnMut(&str, &Obj<'_>, &mut EstateBuilder) -> Result<(), RecordError>,
}

impl<'de> DeserializeSeed<'de> for Records<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Records<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let top = Step::Key(self.key, &Step::Root);
        let mut i = 0;
        loop {
            let at = Step::Index(i, &top);
            let mut dups = Vec::new();
            let Some(item) = seq.next_element_seed(Seed {
                duplicates: &mut dups,
                at: &at,
                in_record: true,
                skip_records: false,
            })?
            else {
                break;
            };
            let path = at.path();
            if let Some((first, rest)) = dups.split_first() {
                self.out.error_code(
                    crate::Code::DuplicateKey,
                    first.path(),
                    duplicate_message(first, rest, &format!("the record `{path}`")),
                );
            } else {
                let result = match Obj::new(&item, path) {
                    Ok(o) => (self.read)(self.key, &o, self.out),
                    Err(e) => Err(e),
                };
                if let Err(e) = result {
                    self.out.error_code(e.code, e.location, e.message);
                }
            }
            i += 1;
        }
        Ok(())
    }
}

/// A value parsed and dropped through `deserialize_any`, so that a syntax
/// error reads as it does when the value is kept (serde's `IgnoredAny`
/// takes a faster path whose messages differ: "key must be a string" where
/// a kept value says "trailing comma").
struct Skip;

impl<'de> serde::Deserialize<'de> for Skip {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Skip, D::Error> {
        d.deserialize_any(SkipVisitor)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_unit<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Skip, A::Error> {
        while access.next_key::<Skip>()?.is_some() {
            access.next_value::<Skip>()?;
        }
        Ok(Skip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opt_strs_reads_an_array_and_names_a_bad_item() {
        let v = serde_json::json!({"a": ["x", "y"], "n": null, "b": ["x", 1], "c": "x"});
        let o = Obj::new(&v, "$".into()).unwrap();
        assert_eq!(o.opt_strs("a").unwrap(), ["x", "y"]);
        assert!(o.opt_strs("n").unwrap().is_empty());
        assert!(o.opt_strs("missing").unwrap().is_empty());
        let e = o.opt_strs("b").unwrap_err();
        assert_eq!(
            (e.location.as_str(), e.message.as_str()),
            ("$.b[1]", "expected a string, found a number")
        );
        let e = o.opt_strs("c").unwrap_err();
        assert_eq!(
            (e.location.as_str(), e.message.as_str()),
            ("$.c", "expected an array of strings, found a string")
        );
    }

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

    /// (object, key, record) of every duplicate `parse_checked` finds.
    fn duplicates(text: &str) -> Vec<(String, String, Option<String>)> {
        parse_checked(text.as_bytes())
            .unwrap()
            .duplicates
            .into_iter()
            .map(|d| (d.object, d.key, d.record))
            .collect()
    }

    fn owned(object: &str, key: &str, record: Option<&str>) -> (String, String, Option<String>) {
        (object.into(), key.into(), record.map(Into::into))
    }

    #[test]
    fn duplicate_keys_are_found_with_their_paths_and_records() {
        assert_eq!(
            duplicates(r#"{"a": 1, "b": {"c": 2, "c": 3}, "a": 4}"#),
            [owned("$.b", "c", None), owned("$", "a", None)]
        );
        assert_eq!(
            duplicates(
                r#"{"RoleDetailList": [
                     {"RoleName": "fine"},
                     {"RoleName": "r", "RolePolicyList": [{"PolicyDocument": {"Statement": [
                        {"Effect": "Deny", "Action": "*", "Effect": "Allow"}]}}]}],
                    "graph": {"nodes": [[{"x": 1}, {"y": [{"z": 1, "z": 2}]}]]}}"#
            ),
            [
                owned(
                    "$.RoleDetailList[1].RolePolicyList[0].PolicyDocument.Statement[0]",
                    "Effect",
                    Some("$.RoleDetailList[1]")
                ),
                owned("$.graph.nodes[0][1].y[0]", "z", Some("$.graph.nodes[0]")),
            ]
        );
        // A document that is an array: its elements are the records.
        assert_eq!(
            duplicates(r#"[{}, {"k": 1, "k": 1}]"#),
            [owned("$[1]", "k", Some("$[1]"))]
        );
        assert_eq!(
            DuplicateKey {
                object: "$.nodes[3]".into(),
                key: "class".into(),
                record: Some("$.nodes[3]".into())
            }
            .path(),
            "$.nodes[3].class"
        );
    }

    #[test]
    fn no_duplicates_reads_exactly_like_serde_json() {
        let text = r#"{"s": "é\u00e9\ud83d\ude00", "n": [0, -1, 18446744073709551615, -9223372036854775808,
            1.5, 1e300, 123456789012345678901234567890, -0.0], "t": true, "f": false, "z": null,
            "o": {"b": 1, "a": [[], {}, [{}]]}, "": "empty key", "a.b": {"[0]": 1}}"#;
        let checked = parse_checked(text.as_bytes()).unwrap();
        assert_eq!(checked.duplicates, []);
        let plain: Value = serde_json::from_str(text).unwrap();
        assert_eq!(checked.value, plain);
        // Same key order (the map type is serde_json's, insertion-ordered).
        assert_eq!(
            serde_json::to_string(&checked.value).unwrap(),
            serde_json::to_string(&plain).unwrap()
        );
        // Same errors, with the same line and column.
        for bad in [
            "{\"a\": 1,\n}",
            "[1] 2",
            "[1e400]",
            "{\"a\" 1}",
            "",
            "\"\\x\"",
        ] {
            let ours = parse_checked(bad.as_bytes()).unwrap_err();
            let theirs = serde_json::from_str::<Value>(bad).unwrap_err();
            assert_eq!(ours.to_string(), theirs.to_string(), "{bad}");
        }
        // The same nesting limit: deep input is an error, not a stack overflow.
        let deep = "[".repeat(10_000);
        assert_eq!(
            parse_checked(deep.as_bytes()).unwrap_err().to_string(),
            serde_json::from_str::<Value>(&deep)
                .unwrap_err()
                .to_string()
        );
    }

    #[test]
    fn a_large_document_is_read_in_one_pass_like_serde_json() {
        // 100,000 records. No timing assertion: this checks the result,
        // and that nothing is slow enough to stall a test run (measured
        // outside the tests: within about 10% of `serde_json::from_slice`
        // on a 74 MB authorization-details file).
        let mut text = String::from(r#"{"format": "x", "nodes": ["#);
        for i in 0..100_000 {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&format!(
                r#"{{"id": "role/r{i}", "kind": "aws:role", "tags": {{"n": {i}, "deep": [[{{"k": "v"}}]]}}}}"#
            ));
        }
        text.push_str("]}");
        let checked = parse_checked(text.as_bytes()).unwrap();
        assert!(checked.duplicates.is_empty());
        assert_eq!(checked.value, serde_json::from_str::<Value>(&text).unwrap());
    }

    fn native_with_nodes(nodes: &str) -> String {
        format!(r#"{{"format": "x", "nodes": [{nodes}], "edges": []}}"#)
    }

    #[test]
    fn a_record_with_a_duplicate_key_is_reported_once_and_skipped_in_place() {
        let text = native_with_nodes(
            r#"{"id": "a"},
               {"id": "b", "class": "workload", "tags": {"t": 1, "t": 2}, "class": "human"},
               {"id": "c"}"#,
        );
        let mut out = EstateBuilder::new();
        out.begin_input("f.json", "native", String::new(), 0);
        let doc = read_document("f.json", text.as_bytes(), &mut out).unwrap();
        // The record keeps its place, so `c` is still `$.nodes[2]`.
        let nodes = doc["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 3);
        assert!(is_skipped(&nodes[1]));
        assert_eq!(nodes[2]["id"], "c");
        // for_each_record passes the placeholder by in silence.
        let top = Obj::new(&doc, "$".into()).unwrap();
        let mut seen = Vec::new();
        for_each_record(&top, "nodes", &mut out, |o, _| {
            seen.push(o.path.clone());
            Ok::<(), RecordError>(())
        });
        assert_eq!(seen, ["$.nodes[0]", "$.nodes[2]"]);
        let e = out.finish();
        let msgs: Vec<String> = e.diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            [
                "error[duplicate-key]: f.json: $.nodes[1].tags.t: duplicate key `t`: which of its values counts is ambiguous, so the record `$.nodes[1]` is skipped; further duplicate keys: `$.nodes[1].class`"
            ]
        );
        assert_eq!(e.inputs[0].skipped, 1);
    }

    #[test]
    fn a_duplicate_outside_every_record_rejects_the_file() {
        let text = r#"{"nodes": [{"id": "a"}], "nodes": [{"id": "b"}]}"#;
        let mut out = EstateBuilder::new();
        let err = read_document("f.json", text.as_bytes(), &mut out).unwrap_err();
        assert_eq!(
            err.to_string(),
            "f.json: $.nodes: duplicate key `nodes`: which of its values counts is ambiguous, so the file is skipped"
        );
        assert!(out.finish().diagnostics.is_empty());
        // parse_document has nobody to report a record to: any duplicate
        // rejects the file.
        let err = parse_document(
            "f.json",
            native_with_nodes(r#"{"k": 1, "k": 2}"#).as_bytes(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "f.json: $.nodes[0].k: duplicate key `k`: which of its values counts is ambiguous, so the file is skipped"
        );
        // Many duplicates: the first three more are named.
        let err = parse_document(
            "f.json",
            br#"{"a":1,"a":1,"b":1,"b":1,"c":1,"c":1,"d":1,"d":1,"e":1,"e":1}"#,
        )
        .unwrap_err();
        assert!(
            err.to_string().ends_with(
                "the file is skipped; further duplicate keys: `$.b`, `$.c`, `$.d` and 1 more"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_leading_byte_order_mark_is_skipped() {
        let text = native_with_nodes(r#"{"id": "a"}"#);
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(
            parse_document("f.json", &with_bom).unwrap(),
            parse_document("f.json", text.as_bytes()).unwrap()
        );
        assert_eq!(strip_bom(b"\xEF\xBB\xBF{}"), b"{}");
        assert_eq!(strip_bom(b"{}"), b"{}");
        assert_eq!(strip_bom(b"\xEF\xBB"), b"\xEF\xBB");
        assert!(matches!(
            parse_document("f.json", b"\xEF\xBB\xBF \n"),
            Err(IngestError::Malformed { .. })
        ));
    }

    #[test]
    fn dates_are_checked_loosely() {
        assert!(looks_like_date("2025-01-02"));
        assert!(looks_like_date("2025-01-02T03:04:05Z"));
        assert!(!looks_like_date("yesterday"));
        assert!(!looks_like_date("2025-1-2"));
    }

    /// Records read by [`stream_document`]: (array, path, id).
    fn streamed(text: &str) -> (Result<(), IngestError>, Vec<String>, Vec<String>) {
        let mut b = EstateBuilder::new();
        b.begin_input("s.json", "test", String::new(), 0);
        let mut seen = Vec::new();
        let r = stream_document(
            "s.json",
            text.as_bytes(),
            &mut b,
            &["nodes", "edges"],
            &mut |_, _| Ok(()),
            &mut |key, o, _| {
                seen.push(format!("{key} {} {}", o.path, o.req_str("id")?));
                Ok(())
            },
        );
        let diags = b
            .finish()
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect();
        (r, seen, diags)
    }

    #[test]
    fn streamed_records_are_read_in_order_and_a_bad_one_skipped() {
        let (r, seen, diags) = streamed(
            r#"{"edges": [{"id": "e0"}], "meta": {"x": 1},
                "nodes": [{"id": "a"}, {"id": "b", "id": "c"}, {"id": 5}, 7, {"id": "d"}]}"#,
        );
        r.unwrap();
        assert_eq!(
            seen,
            [
                "edges $.edges[0] e0",
                "nodes $.nodes[0] a",
                "nodes $.nodes[4] d"
            ]
        );
        assert_eq!(
            diags,
            [
                "error[duplicate-key]: s.json: $.nodes[1].id: duplicate key `id`: which of its values counts is ambiguous, so the record `$.nodes[1]` is skipped",
                "error[bad-record]: s.json: $.nodes[2].id: expected a string, found a number",
                "error[bad-record]: s.json: $.nodes[3]: expected an object, found a number",
            ]
        );
    }

    #[test]
    fn a_file_streamed_is_refused_whole_before_any_record_is_read() {
        for (text, error) in [
            (
                r#"{"nodes": [{"id": "a"}], "nodes": []}"#,
                "s.json: $.nodes: duplicate key `nodes`: which of its values counts is ambiguous, so the file is skipped",
            ),
            (
                r#"{"nodes": [{"id": "a"}, {"id": "b",}]}"#,
                "s.json: line 1, column 36: malformed JSON: trailing comma",
            ),
            (
                r#"{"nodes": [{"id": "a"}], "meta": {"k": 1, "k": 2}}"#,
                "s.json: $.meta.k: duplicate key `k`: which of its values counts is ambiguous, so the file is skipped",
            ),
            (
                r#"{"nodes": [{"id": "a"}"#,
                "s.json: line 1, column 22: malformed JSON: EOF while parsing a list",
            ),
            (
                "   ",
                "s.json: line 1, column 1: the file is empty, expected a JSON object",
            ),
            ("[1, 2]", "s.json: $: expected an object, found an array"),
            ("\"x\"", "s.json: $: expected an object, found a string"),
        ] {
            let (r, seen, _) = streamed(text);
            assert_eq!(r.unwrap_err().to_string(), error, "{text}");
            assert!(seen.is_empty(), "{text}: {seen:?}");
        }
    }
}
