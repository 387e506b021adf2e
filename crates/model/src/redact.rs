//! One redaction rule, applied by every connector and to every message, so
//! that secret values never reach snapshots, exports, manifests or logs.
//!
//! # The rule
//!
//! Redaction is applied to **tag values**, **node and edge attributes**,
//! **diagnostic messages** and **manifest text**: every string that came from
//! an input and may be written out again. Two functions carry the rule:
//!
//! - [`redact_tag`] for a key and its value. When the key names a secret
//!   ([`secret_key_name`]: `password`, `db_pass`, `client_secret`, `ApiKey`,
//!   `connection_string`, `sas_token`, ...) the whole value is replaced. Any
//!   other value goes through [`redact_text`].
//! - [`redact_text`] for free text. It replaces every credential that
//!   [`find_credentials`] recognises, and keeps the rest of the text as it
//!   was.
//!
//! A key names a secret when one of its words (split at `_ - . :`, spaces
//! and camelCase) is a secret word (`password`, `passwd`, `pwd`, `pass`,
//! `secret`, `token`, `credential(s)`, `auth`, `sas`, `signature`,
//! `connstr`, ...) or ends in one (`dbpassword`, `clientsecret`,
//! `authtoken`), or two neighbouring words form a secret compound
//! (`api key`, `access key`, `secret key`, `private key`, `session key`,
//! `account key`, `connection string`). `pass` only counts as a whole word:
//! `passport`, `bypass` and `compass` are not secrets. `key` alone is
//! metadata (`Key`, `kms-key-id`). A key whose last word names an attribute
//! *of* a secret is metadata too: `token_expiry`, `password_last_used`,
//! `secret_arn`, `secret_name`, `access_key_id`, `key_rotation`,
//! `password_age` (also `_id`, `_type`, `_version`, `_created_at`, `_url`,
//! `_path`, ...). Values that are references to a secret rather than the
//! secret (an ARN such as `arn:aws:secretsmanager:...:secret:db-pass-AbCdEf`,
//! a `@Microsoft.KeyVault(...)` reference, a Key Vault secret URL, a Google
//! `projects/.../secrets/...` name) are kept: they are what blast-radius
//! analysis follows.
//!
//! [`find_credentials`] recognises, with hand-written scanners and no
//! regular expressions:
//!
//! | kind | what |
//! |---|---|
//! | `aws-access-key-id` | `AKIA`, `ASIA`, `ABIA`, `ACCA` + 16 of `[A-Z2-7]` |
//! | `aws-secret-key` | 40 of `[A-Za-z0-9/+]`, mixed case and not hex, within 64 bytes after the word `secret` on the same line (`aws_secret_access_key = ...`, `"SecretAccessKey": "..."`) |
//! | `github-token` | `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` + 36 alphanumerics; `github_pat_` + 40 or more of `[A-Za-z0-9_]` |
//! | `slack-token` | `xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`, `xapp-` + 10 or more of `[A-Za-z0-9-]` |
//! | `slack-webhook` | `https://hooks.slack.com/services/...` |
//! | `anthropic-key` | `sk-ant-` + 20 or more of `[A-Za-z0-9_-]`, with upper and lower case and a digit |
//! | `openai-key` | `sk-`, `sk-proj-` + 20 or more of `[A-Za-z0-9_-]`, with upper and lower case and a digit (not a name such as `sk-prod-cluster-1`) |
//! | `google-api-key` | `AIza` + 35 of `[A-Za-z0-9_-]` |
//! | `google-client-secret` | `GOCSPX-` + 20 or more of `[A-Za-z0-9_-]` |
//! | `azure-client-secret` | 3 characters, `8Q~`, 31 or more of `[A-Za-z0-9_~.-]` |
//! | `jwt` | `eyJ...` `.` `...` `.` `...`, three base64url parts of 10 or more |
//! | `private-key` | `-----BEGIN ... PRIVATE KEY-----` through the `-----END ...-----` line, or to the end of the text |
//! | `vault-token` | `hvs.`, `hvb.`, `hvr.` + 20 or more of `[A-Za-z0-9_-]`, with upper and lower case and a digit |
//! | `npm-token` | `npm_` + 36 alphanumerics |
//! | `stripe-key` | `sk_live_`, `rk_live_`, `sk_test_`, `rk_test_` + 16 or more alphanumerics |
//! | `password` | the password of a URL (`scheme://user:PASSWORD@host`, password only), and the value of a password-named assignment (`Password=...;`, `Pwd=...`, `"db_pass": "..."`) |
//! | `secret` | the value of any other secret-named assignment (`token: ...`, `AccountKey=...;`, `SharedAccessSignature=...`, `sig=...`, `"client_secret": "..."`, `Authorization: Bearer ...`) |
//!
//! An assignment is `name=value`, `name := value`, `name: value` or
//! `"name": "value"`, where the name is a secret key name (or `sig`, the
//! signature of a SAS URL). A quoted value runs to its closing quote (a
//! backslash escapes); a bare value runs to `;`, `&`, a quote or whitespace,
//! less a trailing `,` and unmatched closing brackets, so that
//! `{db_password: x, api_key: y}` keeps its shape. In `Authorization: Bearer
//! <token>` (also `Basic`, `Token`, `Bot`, `Digest`) the credential is the
//! word after the scheme. The unquoted `name: value` form is an assignment
//! where a field can start (start of a line, after `{`, `,`, `;`, `(`, `[`,
//! `|`, a quote, or a list or comment marker); elsewhere it is prose and
//! counts only as `word: value` with spaces around the colon and a value
//! that looks like a secret (six or more bytes with a digit, a symbol or an
//! inner capital): `the password: hunter2` is redacted, `invalid token:
//! expected a string` is not, and the `:secret:` segment of an ARN never
//! is. Placeholders (`${VAR}`, `{{ var }}`, `$(cmd)`, `<password>`, `***`,
//! `null`, `true`, `false`, `none`, `[redacted]`, an existing marker) are not
//! secrets. Pairs held in separate fields (`{"Key": "db_password", "Value":
//! "..."}`, `name:`/`value:` list items) are not paired up by the text scan:
//! connectors pass them through [`redact_tag`] once parsed. When matches
//! overlap, the longest wins, then the leftmost, then a kind recognised by
//! the shape of the value over `password`/`secret`.
//!
//! # The marker
//!
//! Each credential becomes `[redacted <kind> <fp>]`, for example
//! `[redacted aws-access-key-id 1a2b3c4d]`, and a secret-named tag value
//! becomes `[redacted secret <fp>]`. `<fp>` is the first 8 hex digits of
//! the SHA-256 of the value ([`fingerprint`]). A fingerprint and not the
//! value: two occurrences of one secret (the same key in two roles, in two
//! snapshots, in a manifest and in a log) can still be correlated, and a
//! rotated secret shows as changed, but the value cannot be read back. The
//! fingerprint is deterministic (no salt, no key), so snapshots stay
//! reproducible and comparable; the price is that a *weak* secret, such as a
//! dictionary password, can be confirmed by hashing guesses, while a
//! generated key or token cannot. Markers are never redacted again: the
//! rule is idempotent.
//!
//! # Cost
//!
//! The scan is one pass over the bytes, linear in the length of the text:
//! each position costs one byte match, and scanners only start where a
//! token can start (after a byte that cannot be part of it), so no region is
//! rescanned. Clean text allocates nothing and [`redact_text`] returns it
//! borrowed. Match boundaries are always ASCII bytes or the ends of the
//! text, so multibyte UTF-8 around a match is kept intact.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use sha2::{Digest, Sha256};

/// The kind of a recognised credential; its [`name`](Self::name) appears in
/// the redaction marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    /// An AWS access key id: `AKIA`/`ASIA`/`ABIA`/`ACCA` + 16 characters.
    AwsAccessKeyId,
    /// An AWS secret access key: 40 base64 characters next to `secret`.
    AwsSecretKey,
    /// A GitHub token: `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`.
    GithubToken,
    /// A Slack token: `xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`, `xapp-`.
    SlackToken,
    /// A Slack incoming-webhook URL.
    SlackWebhook,
    /// An OpenAI API key: `sk-`, `sk-proj-`.
    OpenaiKey,
    /// An Anthropic API key: `sk-ant-`.
    AnthropicKey,
    /// A Google API key: `AIza` + 35 characters.
    GoogleApiKey,
    /// A Google OAuth client secret: `GOCSPX-`.
    GoogleClientSecret,
    /// An Azure AD (Entra ID) client secret: `xxx8Q~...`.
    AzureClientSecret,
    /// A JSON Web Token.
    Jwt,
    /// A PEM private key block.
    PrivateKey,
    /// A HashiCorp Vault token: `hvs.`, `hvb.`, `hvr.`.
    VaultToken,
    /// An npm access token: `npm_`.
    NpmToken,
    /// A Stripe secret or restricted key: `sk_live_`, `rk_live_`, `sk_test_`, `rk_test_`.
    StripeKey,
    /// A password: in a URL, or the value of a password-named assignment.
    Password,
    /// The value of another secret-named assignment or tag.
    Secret,
}

impl CredentialKind {
    /// The short, stable name used in markers, such as `aws-access-key-id`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::AwsAccessKeyId => "aws-access-key-id",
            Self::AwsSecretKey => "aws-secret-key",
            Self::GithubToken => "github-token",
            Self::SlackToken => "slack-token",
            Self::SlackWebhook => "slack-webhook",
            Self::OpenaiKey => "openai-key",
            Self::AnthropicKey => "anthropic-key",
            Self::GoogleApiKey => "google-api-key",
            Self::GoogleClientSecret => "google-client-secret",
            Self::AzureClientSecret => "azure-client-secret",
            Self::Jwt => "jwt",
            Self::PrivateKey => "private-key",
            Self::VaultToken => "vault-token",
            Self::NpmToken => "npm-token",
            Self::StripeKey => "stripe-key",
            Self::Password => "password",
            Self::Secret => "secret",
        }
    }

    /// Whether the kind comes from a name (`password = ...`) rather than
    /// from the shape of the value; such kinds lose ties.
    const fn generic(self) -> bool {
        matches!(self, Self::Password | Self::Secret)
    }
}

impl fmt::Display for CredentialKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A credential found in a text: the byte range of the secret value and its
/// kind. `start` and `end` are always `char` boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Found {
    /// Byte offset of the first byte of the value.
    pub start: usize,
    /// Byte offset just past the value.
    pub end: usize,
    /// What was recognised.
    pub kind: CredentialKind,
}

impl Found {
    /// The byte range of the value, for slicing the text it was found in.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
}

/// The fingerprint of a value in markers: the first 8 hex digits of its
/// SHA-256.
pub fn fingerprint(value: &str) -> String {
    let mut out = String::with_capacity(8);
    push_fingerprint(&mut out, value);
    out
}

fn push_fingerprint(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(value.as_bytes());
    for &byte in digest.iter().take(4) {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
}

fn push_marker(out: &mut String, kind: CredentialKind, value: &str) {
    out.push_str("[redacted ");
    out.push_str(kind.name());
    out.push(' ');
    push_fingerprint(out, value);
    out.push(']');
}

/// Whether a tag or attribute key names a secret, so that its whole value
/// must be redacted.
///
/// Case-insensitive; the key is split into words at `_ - . :`, spaces,
/// camelCase and letter/digit boundaries. See the module documentation for
/// the words, the compounds and the metadata suffixes (`token_expiry` and
/// `secret_arn` are not secrets).
pub fn secret_key_name(key: &str) -> bool {
    classify_key(key).is_some()
}

/// Redacts every credential in `text` (see [`find_credentials`]), each
/// replaced by `[redacted <kind> <fp>]`. Borrowed when nothing was found.
pub fn redact_text(text: &str) -> Cow<'_, str> {
    let found = find_credentials(text);
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 32 * found.len());
    let mut last = 0;
    for f in &found {
        // Always char boundaries; widening keeps it so without a panic path.
        let start = floor_char_boundary(text, f.start);
        let end = ceil_char_boundary(text, f.end);
        if start < last {
            continue;
        }
        out.push_str(text.get(last..start).unwrap_or_default());
        push_marker(&mut out, f.kind, text.get(start..end).unwrap_or_default());
        last = end;
    }
    out.push_str(text.get(last..).unwrap_or_default());
    Cow::Owned(out)
}

/// The value to keep for a tag or attribute: `[redacted secret <fp>]` when
/// the key names a secret ([`secret_key_name`]) and the value is not empty,
/// a placeholder or a reference to a secret (an ARN, a Key Vault
/// reference); otherwise [`redact_text`] of the value.
pub fn redact_tag<'a>(key: &str, value: &'a str) -> Cow<'a, str> {
    if !value.is_empty()
        && secret_key_name(key)
        && !is_placeholder(value)
        && !is_secret_reference(value)
    {
        let mut out = String::with_capacity(28);
        push_marker(&mut out, CredentialKind::Secret, value);
        return Cow::Owned(out);
    }
    redact_text(value)
}

/// The credentials in `text`, sorted by position and not overlapping.
///
/// When matches overlap the longest is kept, then the leftmost, then the one
/// recognised by its shape over one recognised by its name. Linear in the
/// length of the text.
pub fn find_credentials(text: &str) -> Vec<Found> {
    let mut scan = Scanner {
        text,
        hits: Vec::new(),
        next: [0; SLOTS],
    };
    if text.len() < MIN_LEN {
        return scan.hits;
    }
    let b = text.as_bytes();
    // End of the last `secret` seen, and start of the current line: the
    // context an AWS secret access key needs.
    let mut secret_end: Option<usize> = None;
    let mut line_start = 0;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'\n' => line_start = i + 1,
            b'[' => {
                if let Some(n) = b.get(i..).and_then(marker_len) {
                    i += n;
                    continue;
                }
            }
            b'A' => {
                scan.attempt(Slot::AwsKeyId, i, aws_access_key_id);
                scan.attempt(Slot::GoogleApiKey, i, google_api_key);
            }
            b'G' => scan.attempt(Slot::GoogleSecret, i, google_client_secret),
            b'g' => scan.attempt(Slot::Github, i, github_token),
            b'x' => scan.attempt(Slot::Slack, i, slack_token),
            b'h' => {
                scan.attempt(Slot::Webhook, i, slack_webhook);
                scan.attempt(Slot::Vault, i, vault_token);
            }
            b'r' => scan.attempt(Slot::Stripe, i, stripe_key),
            b'n' => scan.attempt(Slot::Npm, i, npm_token),
            b'e' => scan.attempt(Slot::Jwt, i, jwt),
            b'-' => scan.attempt(Slot::Pem, i, private_key),
            b'8' => scan.attempt(Slot::Azure, i, azure_client_secret),
            b':' => {
                scan.attempt_scan(Slot::Url, i, url_password);
                scan.attempt_scan(Slot::Assign, i, assignment);
            }
            b'=' => scan.attempt_scan(Slot::Assign, i, assignment),
            b's' | b'S' => {
                if at_ci(b, i, b"secret") {
                    secret_end = Some(i + 6);
                }
                if c == b's' {
                    scan.attempt(Slot::OpenAi, i, openai_or_anthropic_key);
                    scan.attempt(Slot::Stripe, i, stripe_key);
                }
            }
            _ => {}
        }
        let near_secret =
            secret_end.is_some_and(|e| i >= e && i - e <= SECRET_WINDOW && e >= line_start);
        if near_secret && is_b64(c) {
            scan.attempt(Slot::AwsSecret, i, aws_secret_key);
        }
        i += 1;
    }
    resolve(scan.hits)
}

/// No credential fits in fewer bytes (`pwd=x`).
const MIN_LEN: usize = 5;
/// How far after `secret` an AWS secret access key may start.
const SECRET_WINDOW: usize = 64;

/// One slot per scanner: where its last match (or scanned value) ended, so
/// that it never rescans a region and the whole scan stays linear.
#[derive(Clone, Copy)]
enum Slot {
    AwsKeyId,
    AwsSecret,
    GoogleApiKey,
    GoogleSecret,
    Github,
    Slack,
    Webhook,
    Vault,
    OpenAi,
    Stripe,
    Npm,
    Jwt,
    Pem,
    Azure,
    Url,
    Assign,
}

const SLOTS: usize = Slot::Assign as usize + 1;

/// A scanner's answer when it had to read past its start: the match, if
/// any, and where its reading ended.
type Scan = (Option<Found>, usize);

struct Scanner<'t> {
    text: &'t str,
    hits: Vec<Found>,
    next: [usize; SLOTS],
}

impl Scanner<'_> {
    fn attempt(&mut self, slot: Slot, i: usize, f: fn(&str, usize) -> Option<Found>) {
        let Some(next) = self.next.get_mut(slot as usize) else {
            return;
        };
        if i < *next {
            return;
        }
        if let Some(found) = f(self.text, i) {
            *next = found.end;
            self.hits.push(found);
        }
    }

    fn attempt_scan(&mut self, slot: Slot, i: usize, f: fn(&str, usize) -> Scan) {
        let Some(next) = self.next.get_mut(slot as usize) else {
            return;
        };
        if i < *next {
            return;
        }
        let (found, scanned) = f(self.text, i);
        *next = (*next).max(scanned);
        if let Some(found) = found {
            self.hits.push(found);
        }
    }
}

/// Longest first, then leftmost, then specific kinds; keep what does not
/// overlap a match already kept. Returns the kept matches by position.
fn resolve(mut hits: Vec<Found>) -> Vec<Found> {
    if hits.len() <= 1 {
        return hits;
    }
    hits.sort_by(|a, b| {
        b.len()
            .cmp(&a.len())
            .then(a.start.cmp(&b.start))
            .then(a.kind.generic().cmp(&b.kind.generic()))
    });
    let mut kept: BTreeMap<usize, Found> = BTreeMap::new();
    for hit in hits {
        // Kept matches are disjoint: only the last one starting before this
        // one ends can overlap it.
        let clash = kept
            .range(..hit.end)
            .next_back()
            .is_some_and(|(_, k)| k.end > hit.start);
        if !clash {
            kept.insert(hit.start, hit);
        }
    }
    kept.into_values().collect()
}

// ---------------------------------------------------------------------------
// Byte classes and helpers.

fn is_alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}
fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}
fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}
fn is_b64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'/' || c == b'+'
}
fn is_alnum_dash(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}
fn is_aws_id_char(c: u8) -> bool {
    c.is_ascii_uppercase() || (b'2'..=b'7').contains(&c)
}
fn is_azure(c: u8) -> bool {
    is_b64url(c) || c == b'~' || c == b'.'
}
fn is_dotted(c: u8) -> bool {
    is_b64url(c) || c == b'.'
}
fn is_url_char(c: u8) -> bool {
    is_dotted(c) || c == b'/' || c == b':'
}
fn is_webhook_path(c: u8) -> bool {
    is_b64url(c) || c == b'/'
}
fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}
/// A byte of a bare (unquoted) assignment value.
fn is_value_char(c: u8) -> bool {
    !(c.is_ascii_whitespace() || matches!(c, b';' | b'&' | b'"' | b'\'' | b'`'))
}
/// A byte of a URL authority (`user:password@host:port`).
fn is_authority_char(c: u8) -> bool {
    !(c.is_ascii_whitespace()
        || c.is_ascii_control()
        || matches!(
            c,
            b'/' | b'?' | b'#' | b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\'
        ))
}

fn at(b: &[u8], i: usize, p: &[u8]) -> bool {
    b.get(i..).is_some_and(|s| s.starts_with(p))
}

fn at_ci(b: &[u8], i: usize, p: &[u8]) -> bool {
    b.get(i..i.saturating_add(p.len()))
        .is_some_and(|s| s.eq_ignore_ascii_case(p))
}

/// Whether the byte before `i` is in `class` (false at the start).
fn prev_is(b: &[u8], i: usize, class: fn(u8) -> bool) -> bool {
    i.checked_sub(1)
        .and_then(|j| b.get(j))
        .is_some_and(|&c| class(c))
}

/// The end of the run of `class` bytes starting at `from`.
fn run_end(b: &[u8], from: usize, class: fn(u8) -> bool) -> usize {
    run_end_capped(b, from, class, usize::MAX)
}

fn run_end_capped(b: &[u8], from: usize, class: fn(u8) -> bool, cap: usize) -> usize {
    let limit = from.saturating_add(cap);
    let mut j = from;
    while j < limit && b.get(j).is_some_and(|&c| class(c)) {
        j += 1;
    }
    j
}

/// The start of the run of `class` bytes ending at `to`, at most `cap` long.
fn run_start(b: &[u8], to: usize, class: fn(u8) -> bool, cap: usize) -> usize {
    let limit = to.saturating_sub(cap);
    let mut j = to;
    while j > limit && prev_is(b, j, class) {
        j -= 1;
    }
    j
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The first newline at or after `from`, looking at most `cap` bytes.
fn line_end_capped(b: &[u8], from: usize, cap: usize) -> usize {
    run_end_capped(b, from, |c| c != b'\n', cap)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The length of the redaction marker `[redacted <kind> <8 hex>]` at the
/// start of `b`, if there is one.
fn marker_len(b: &[u8]) -> Option<usize> {
    const OPEN: &[u8] = b"[redacted ";
    let rest = b.strip_prefix(OPEN)?;
    let kind = rest
        .iter()
        .take(33)
        .position(|&c| c == b' ')
        .filter(|&n| n > 0)?;
    if !rest
        .get(..kind)?
        .iter()
        .all(|&c| c.is_ascii_lowercase() || c == b'-')
    {
        return None;
    }
    let fp = rest.get(kind + 1..kind + 9)?;
    if !fp.iter().all(|&c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    (rest.get(kind + 9) == Some(&b']')).then_some(OPEN.len() + kind + 10)
}

/// A value that stands for a secret without being one.
fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty()
        || marker_len(v.as_bytes()) == Some(v.len())
        || v.bytes().all(|c| c == b'*')
        || v.starts_with("${")
        || v.starts_with("{{")
        || v.starts_with("$(")
        || (v.starts_with('<') && v.ends_with('>'))
    {
        return true;
    }
    // `null,` or `{` after a quoted JSON key: the end of a bare value.
    let bare = v.trim_end_matches([',', ')', ']', '}']);
    [
        "",
        "{",
        "[",
        "null",
        "nil",
        "none",
        "true",
        "false",
        "undefined",
        "redacted",
        "[redacted",
    ]
    .iter()
    .any(|p| bare.eq_ignore_ascii_case(p))
}

/// A value that names where a secret is kept rather than holding it.
fn is_secret_reference(value: &str) -> bool {
    let v = value.trim();
    v.starts_with("arn:aws")
        || v.starts_with("@Microsoft.KeyVault(")
        || (v.starts_with("https://") && v.contains(".vault.azure.net/secrets/"))
        || (v.starts_with("projects/") && v.contains("/secrets/"))
}

// ---------------------------------------------------------------------------
// Key names.

fn eq_ci(w: &str, s: &str) -> bool {
    w.eq_ignore_ascii_case(s)
}

/// `w` ends with `s` and is longer.
fn ends_ci(w: &str, s: &str) -> bool {
    w.len() > s.len()
        && w.as_bytes()
            .get(w.len() - s.len()..)
            .is_some_and(|t| t.eq_ignore_ascii_case(s.as_bytes()))
}

const PASSWORD_WORDS: &[&str] = &[
    "password",
    "passwords",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "passcode",
];
const PASSWORD_SUFFIXES: &[&str] = &["password", "passwords", "passwd", "passphrase", "pwd"];
const SECRET_WORDS: &[&str] = &[
    "secret",
    "secrets",
    "token",
    "tokens",
    "credential",
    "credentials",
    "creds",
    "auth",
    "authorization",
    "apikey",
    "apikeys",
    "accesskey",
    "secretkey",
    "privatekey",
    "sessionkey",
    "accountkey",
    "masterkey",
    "signingkey",
    "sharedkey",
    "clientsecret",
    "connstr",
    "connectionstring",
    "sas",
    "signature",
];
const SECRET_SUFFIXES: &[&str] = &[
    "secret",
    "secrets",
    "token",
    "tokens",
    "credential",
    "credentials",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
    "sessionkey",
    "accountkey",
    "connstr",
    "connectionstring",
];
/// Two neighbouring words that together name a secret.
const SECRET_COMPOUNDS: &[(&str, &str)] = &[
    ("api", "key"),
    ("api", "keys"),
    ("access", "key"),
    ("secret", "key"),
    ("private", "key"),
    ("session", "key"),
    ("account", "key"),
    ("master", "key"),
    ("signing", "key"),
    ("shared", "key"),
    ("client", "secret"),
    ("connection", "string"),
    ("conn", "string"),
    ("conn", "str"),
];
/// Last words that make a key name an attribute of a secret, not its value.
const METADATA_WORDS: &[&str] = &[
    "arn",
    "arns",
    "id",
    "ids",
    "name",
    "names",
    "expiry",
    "expires",
    "expire",
    "expiration",
    "expired",
    "rotation",
    "rotated",
    "age",
    "ttl",
    "lifetime",
    "last",
    "used",
    "type",
    "kind",
    "length",
    "len",
    "size",
    "count",
    "limit",
    "policy",
    "created",
    "updated",
    "changed",
    "date",
    "time",
    "timestamp",
    "at",
    "version",
    "hint",
    "enabled",
    "disabled",
    "required",
    "status",
    "state",
    "days",
    "url",
    "uri",
    "endpoint",
    "path",
    "file",
    "location",
    "ref",
    "method",
    "mode",
    "scope",
    "scopes",
    "provider",
    "issuer",
    "audience",
    "fingerprint",
    "format",
    "algorithm",
    "manager",
    "store",
    "vault",
    "service",
    "server",
    "host",
    "port",
    "region",
    "user",
    "username",
    "role",
];

/// The words of a key: split at ASCII non-alphanumerics, lower-to-upper
/// case changes (`dbPass`), the end of an acronym (`APIKey`) and
/// letter/digit changes (`oauth2Token`).
fn words(key: &str) -> impl Iterator<Item = &str> {
    let b = key.as_bytes();
    let sep = |c: u8| c.is_ascii() && !c.is_ascii_alphanumeric();
    let mut pos = 0;
    std::iter::from_fn(move || {
        while b.get(pos).is_some_and(|&c| sep(c)) {
            pos += 1;
        }
        let start = pos;
        let &first = b.get(start)?;
        let mut prev = first;
        pos += 1;
        while let Some(&c) = b.get(pos) {
            let boundary = sep(c)
                || (prev.is_ascii_lowercase() && c.is_ascii_uppercase())
                || (prev.is_ascii_alphabetic() && c.is_ascii_digit())
                || (prev.is_ascii_digit() && c.is_ascii_alphabetic())
                || (prev.is_ascii_uppercase()
                    && c.is_ascii_uppercase()
                    && b.get(pos + 1).is_some_and(u8::is_ascii_lowercase));
            if boundary {
                break;
            }
            prev = c;
            pos += 1;
        }
        key.get(start..pos)
    })
}

/// `Some(Password)` or `Some(Secret)` when the key names a secret.
fn classify_key(key: &str) -> Option<CredentialKind> {
    let mut password = false;
    let mut secret = false;
    let mut prev: Option<&str> = None;
    for w in words(key) {
        if w.bytes().all(|c| c.is_ascii_digit()) {
            continue;
        }
        if PASSWORD_WORDS.iter().any(|s| eq_ci(w, s))
            || PASSWORD_SUFFIXES.iter().any(|s| ends_ci(w, s))
        {
            password = true;
        } else if SECRET_WORDS.iter().any(|s| eq_ci(w, s))
            || SECRET_SUFFIXES.iter().any(|s| ends_ci(w, s))
        {
            secret = true;
        }
        if prev.is_some_and(|p| {
            SECRET_COMPOUNDS
                .iter()
                .any(|(a, b)| eq_ci(p, a) && eq_ci(w, b))
        }) {
            secret = true;
        }
        prev = Some(w);
    }
    if prev.is_some_and(|last| METADATA_WORDS.iter().any(|m| eq_ci(last, m))) {
        return None;
    }
    if password {
        Some(CredentialKind::Password)
    } else if secret {
        Some(CredentialKind::Secret)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------
// Scanners. Each is called at a byte that may start its match and either
// returns the match or nothing; a scanner with an unbounded body only starts
// after a byte that cannot be part of that body, so failures never overlap.

/// A fixed prefix followed by a run of body bytes.
struct Prefixed {
    prefixes: &'static [&'static [u8]],
    /// Bytes that may not come just before the prefix.
    boundary: fn(u8) -> bool,
    body: fn(u8) -> bool,
    min: usize,
    /// The body must hold an upper-case letter, a lower-case letter and a
    /// digit, as generated keys do (and resource names such as
    /// `sk-prod-cluster-1` do not).
    mixed: bool,
    kind: CredentialKind,
}

impl Prefixed {
    fn at(&self, text: &str, i: usize) -> Option<Found> {
        let b = text.as_bytes();
        if prev_is(b, i, self.boundary) {
            return None;
        }
        let prefix = self.prefixes.iter().find(|p| at(b, i, p))?;
        let body = i + prefix.len();
        let end = run_end(b, body, self.body);
        if end - body < self.min || (self.mixed && !mixed_case_and_digit(b.get(body..end)?)) {
            return None;
        }
        Some(Found {
            start: i,
            end,
            kind: self.kind,
        })
    }
}

fn mixed_case_and_digit(v: &[u8]) -> bool {
    v.iter().any(u8::is_ascii_uppercase)
        && v.iter().any(u8::is_ascii_lowercase)
        && v.iter().any(u8::is_ascii_digit)
}

const GITHUB: Prefixed = Prefixed {
    prefixes: &[b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_"],
    boundary: is_word,
    body: is_alnum,
    min: 36,
    mixed: false,
    kind: CredentialKind::GithubToken,
};
const GITHUB_PAT: Prefixed = Prefixed {
    prefixes: &[b"github_pat_"],
    boundary: is_word,
    body: is_word,
    min: 40,
    mixed: false,
    kind: CredentialKind::GithubToken,
};
const SLACK: Prefixed = Prefixed {
    prefixes: &[b"xoxb-", b"xoxp-", b"xoxa-", b"xoxr-", b"xoxs-", b"xapp-"],
    boundary: is_b64url,
    body: is_alnum_dash,
    min: 10,
    mixed: false,
    kind: CredentialKind::SlackToken,
};
const SLACK_WEBHOOK: Prefixed = Prefixed {
    prefixes: &[
        b"https://hooks.slack.com/services/",
        b"http://hooks.slack.com/services/",
        b"hooks.slack.com/services/",
    ],
    boundary: is_url_char,
    body: is_webhook_path,
    min: 20,
    mixed: false,
    kind: CredentialKind::SlackWebhook,
};
const ANTHROPIC: Prefixed = Prefixed {
    prefixes: &[b"sk-ant-"],
    boundary: is_b64url,
    body: is_b64url,
    min: 20,
    mixed: true,
    kind: CredentialKind::AnthropicKey,
};
const OPENAI: Prefixed = Prefixed {
    prefixes: &[b"sk-proj-", b"sk-"],
    boundary: is_b64url,
    body: is_b64url,
    min: 20,
    mixed: true,
    kind: CredentialKind::OpenaiKey,
};
const STRIPE: Prefixed = Prefixed {
    prefixes: &[b"sk_live_", b"rk_live_", b"sk_test_", b"rk_test_"],
    boundary: is_word,
    body: is_alnum,
    min: 16,
    mixed: false,
    kind: CredentialKind::StripeKey,
};
const GOOGLE_API: Prefixed = Prefixed {
    prefixes: &[b"AIza"],
    boundary: is_b64url,
    body: is_b64url,
    min: 35,
    mixed: false,
    kind: CredentialKind::GoogleApiKey,
};
const GOOGLE_SECRET: Prefixed = Prefixed {
    prefixes: &[b"GOCSPX-"],
    boundary: is_b64url,
    body: is_b64url,
    min: 20,
    mixed: false,
    kind: CredentialKind::GoogleClientSecret,
};
const VAULT: Prefixed = Prefixed {
    prefixes: &[b"hvs.", b"hvb.", b"hvr."],
    boundary: is_dotted,
    body: is_b64url,
    min: 20,
    mixed: true,
    kind: CredentialKind::VaultToken,
};
const NPM: Prefixed = Prefixed {
    prefixes: &[b"npm_"],
    boundary: is_word,
    body: is_alnum,
    min: 36,
    mixed: false,
    kind: CredentialKind::NpmToken,
};

fn github_token(text: &str, i: usize) -> Option<Found> {
    GITHUB.at(text, i).or_else(|| GITHUB_PAT.at(text, i))
}
fn slack_token(text: &str, i: usize) -> Option<Found> {
    SLACK.at(text, i)
}
fn slack_webhook(text: &str, i: usize) -> Option<Found> {
    SLACK_WEBHOOK.at(text, i)
}
fn openai_or_anthropic_key(text: &str, i: usize) -> Option<Found> {
    // Anthropic's prefix extends OpenAI's: decide on it first.
    if at(text.as_bytes(), i, b"sk-ant-") {
        ANTHROPIC.at(text, i)
    } else {
        OPENAI.at(text, i)
    }
}
fn stripe_key(text: &str, i: usize) -> Option<Found> {
    STRIPE.at(text, i)
}
fn google_api_key(text: &str, i: usize) -> Option<Found> {
    GOOGLE_API.at(text, i)
}
fn google_client_secret(text: &str, i: usize) -> Option<Found> {
    GOOGLE_SECRET.at(text, i)
}
fn vault_token(text: &str, i: usize) -> Option<Found> {
    VAULT.at(text, i)
}
fn npm_token(text: &str, i: usize) -> Option<Found> {
    NPM.at(text, i)
}

/// `AKIA`/`ASIA`/`ABIA`/`ACCA` + exactly 16 of `[A-Z2-7]`.
fn aws_access_key_id(text: &str, i: usize) -> Option<Found> {
    let b = text.as_bytes();
    if prev_is(b, i, is_alnum) {
        return None;
    }
    if !matches!(b.get(i..i + 4)?, b"AKIA" | b"ASIA" | b"ABIA" | b"ACCA") {
        return None;
    }
    let end = i + 20;
    if !b.get(i + 4..end)?.iter().all(|&c| is_aws_id_char(c))
        || b.get(end).is_some_and(|&c| is_alnum(c))
    {
        return None;
    }
    Some(Found {
        start: i,
        end,
        kind: CredentialKind::AwsAccessKeyId,
    })
}

/// Exactly 40 of `[A-Za-z0-9/+]`, with upper and lower case letters and not
/// all hex; the caller checks for `secret` before it.
fn aws_secret_key(text: &str, i: usize) -> Option<Found> {
    let b = text.as_bytes();
    if prev_is(b, i, is_b64) {
        return None;
    }
    let end = run_end_capped(b, i, is_b64, 41);
    if end - i != 40 || b.get(end) == Some(&b'=') {
        return None;
    }
    let v = b.get(i..end)?;
    if v.iter().all(u8::is_ascii_hexdigit)
        || !v.iter().any(u8::is_ascii_uppercase)
        || !v.iter().any(u8::is_ascii_lowercase)
    {
        return None;
    }
    Some(Found {
        start: i,
        end,
        kind: CredentialKind::AwsSecretKey,
    })
}

/// Called at the `8` of `8Q~`: three characters before it, 31 or more after.
fn azure_client_secret(text: &str, i: usize) -> Option<Found> {
    let b = text.as_bytes();
    if !at(b, i, b"8Q~") {
        return None;
    }
    let start = i.checked_sub(3)?;
    if !b.get(start..i)?.iter().all(|&c| is_azure(c)) || prev_is(b, start, is_azure) {
        return None;
    }
    let body = i + 3;
    let end = run_end(b, body, is_azure);
    (end - body >= 31).then_some(Found {
        start,
        end,
        kind: CredentialKind::AzureClientSecret,
    })
}

/// `eyJ` + base64url, `.`, base64url, `.`, base64url; each part 10 or more.
fn jwt(text: &str, i: usize) -> Option<Found> {
    let b = text.as_bytes();
    if !at(b, i, b"eyJ") || prev_is(b, i, is_dotted) {
        return None;
    }
    let mut end = run_end(b, i, is_b64url);
    if end - i < 10 {
        return None;
    }
    for _ in 0..2 {
        if b.get(end) != Some(&b'.') {
            return None;
        }
        let part = end + 1;
        end = run_end(b, part, is_b64url);
        if end - part < 10 {
            return None;
        }
    }
    Some(Found {
        start: i,
        end,
        kind: CredentialKind::Jwt,
    })
}

/// `-----BEGIN ... PRIVATE KEY-----` through the end of the next
/// `-----END ...-----`, or to the end of the text.
fn private_key(text: &str, i: usize) -> Option<Found> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    const END: &[u8] = b"-----END ";
    let b = text.as_bytes();
    if !at(b, i, BEGIN) {
        return None;
    }
    let header_end = line_end_capped(b, i, 128);
    find(b.get(..header_end)?, i, b"PRIVATE KEY")?;
    let end = match find(b, i + BEGIN.len(), END) {
        Some(k) => {
            let label = k + END.len();
            let line_end = line_end_capped(b, label, 128);
            match find(b.get(..line_end)?, label, b"-----") {
                Some(dashes) => dashes + 5,
                None => line_end,
            }
        }
        None => b.len(),
    };
    Some(Found {
        start: i,
        end,
        kind: CredentialKind::PrivateKey,
    })
}

/// Called at the `:` of `scheme://`: the password of `user:password@host`.
fn url_password(text: &str, i: usize) -> Scan {
    let b = text.as_bytes();
    let none = (None, i + 1);
    if !at(b, i, b"://") || !prev_is(b, i, is_alnum) {
        return none;
    }
    let authority = i + 3;
    let end = run_end(b, authority, is_authority_char);
    let Some(auth) = b.get(authority..end) else {
        return none;
    };
    let Some(at_sign) = auth.iter().rposition(|&c| c == b'@') else {
        return (None, end);
    };
    let Some(colon) = auth
        .get(..at_sign)
        .and_then(|user| user.iter().position(|&c| c == b':'))
    else {
        return (None, end);
    };
    let (start, stop) = (authority + colon + 1, authority + at_sign);
    match text.get(start..stop) {
        Some(pw) if !is_placeholder(pw) => (
            Some(Found {
                start,
                end: stop,
                kind: CredentialKind::Password,
            }),
            end,
        ),
        _ => (None, end),
    }
}

/// Called at `=` or `:`: the value of `name=value`, `name: value` or
/// `"name": "value"` when the name is a secret key name or `sig`.
fn assignment(text: &str, i: usize) -> Scan {
    let b = text.as_bytes();
    let none = (None, i + 1);
    let Some(&sep) = b.get(i) else {
        return none;
    };
    let next = b.get(i + 1).copied();
    let prev = i.checked_sub(1).and_then(|j| b.get(j)).copied();
    let mut key_end = i;
    match sep {
        b'=' => {
            if matches!(next, Some(b'=' | b'>')) || matches!(prev, Some(b'=' | b'!' | b'<' | b'>'))
            {
                return none;
            }
            if prev == Some(b':') {
                key_end -= 1; // `name := value`
            }
        }
        _ => {
            if matches!(next, Some(b':' | b'/' | b'=')) || prev == Some(b':') {
                return none;
            }
        }
    }

    // The name.
    let key_end = run_start(b, key_end, is_blank, 8);
    let quote = key_end
        .checked_sub(1)
        .and_then(|j| b.get(j))
        .copied()
        .filter(|&c| c == b'"' || c == b'\'');
    let (key_start, key_end) = match quote {
        Some(q) => {
            let close = key_end - 1;
            let start = run_start(b, close, |c| is_dotted(c) || c == b' ', 64);
            let opened = start.checked_sub(1).and_then(|j| b.get(j)) == Some(&q);
            if !opened {
                return none;
            }
            (start, close)
        }
        None => (run_start(b, key_end, is_dotted, 64), key_end),
    };
    let Some(key) = text.get(key_start..key_end).filter(|k| !k.is_empty()) else {
        return none;
    };
    let kind = if key.eq_ignore_ascii_case("sig") {
        CredentialKind::Secret
    } else {
        match classify_key(key) {
            Some(kind) => kind,
            None => return none,
        }
    };
    // `name: value` outside a field position is prose (`invalid token:
    // expected ...`): only a spaced `word: value` whose value looks like a
    // secret counts, never `a:b:c` (the `:secret:` of an ARN).
    let prose = sep == b':' && quote.is_none() && !field_start(b, key_start);
    if prose && !(prev_is(b, key_start, is_blank) && next.is_some_and(is_blank)) {
        return none;
    }

    // The value.
    let v = run_end_capped(b, i + 1, is_blank, 16);
    let (mut start, mut end, mut scanned, value_quoted) = match b.get(v) {
        None | Some(b'\n' | b'\r') => return none,
        Some(&q @ (b'"' | b'\'' | b'`')) => {
            let end = quoted_end(b, v + 1, q);
            (v + 1, end, end + 1, true)
        }
        Some(_) => {
            let end = run_end(b, v, is_value_char);
            (v, end, end, false)
        }
    };
    // `Authorization: Bearer <token>`: the credential is the second word.
    if let Some(word) = AUTH_SCHEMES
        .iter()
        .find(|w| at_ci(b, start, w.as_bytes()) && b.get(start + w.len()) == Some(&b' '))
    {
        let second = run_end_capped(b, start + word.len(), is_blank, 16);
        if value_quoted {
            start = second.min(end);
        } else if end == start + word.len() {
            // A bare value stops at the space: take the next word.
            start = second;
            end = run_end(b, second, is_value_char);
            scanned = scanned.max(end);
        }
    }
    if !value_quoted {
        end = trim_bare_end(b, start, end);
    }
    if b.get(start..).and_then(marker_len).is_some() {
        return (None, scanned);
    }
    match text.get(start..end) {
        Some(value)
            if !is_placeholder(value)
                && !is_secret_reference(value)
                && (!prose || looks_secret(value)) =>
        {
            (Some(Found { start, end, kind }), scanned)
        }
        _ => (None, scanned),
    }
}

/// The end of a bare value without the `,` and the unmatched `)`, `]`, `}`
/// that belong to the text around it (`{db_password: x, api_key: y}`).
fn trim_bare_end(b: &[u8], start: usize, mut end: usize) -> usize {
    let value = b.get(start..end).unwrap_or_default();
    let opens = |o: u8| value.contains(&o);
    let (paren, bracket, brace) = (opens(b'('), opens(b'['), opens(b'{'));
    while end > start + 1 {
        let trim = match b.get(end - 1) {
            Some(b',') => true,
            Some(b')') => !paren,
            Some(b']') => !bracket,
            Some(b'}') => !brace,
            _ => false,
        };
        if !trim {
            break;
        }
        end -= 1;
    }
    end
}

/// Whether a value in prose (`the password: hunter2`) looks like a secret
/// rather than a word: six or more bytes with a digit, a symbol or an
/// upper-case letter after the first.
fn looks_secret(value: &str) -> bool {
    let v = value.trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
    v.len() >= 6
        && v.bytes().enumerate().any(|(k, c)| {
            c.is_ascii_digit() || c.is_ascii_punctuation() || (k > 0 && c.is_ascii_uppercase())
        })
}

const AUTH_SCHEMES: &[&str] = &["bearer", "basic", "token", "bot", "digest"];

/// Where a quoted value starting at `from` ends: its closing quote, the end
/// of the line or the end of the text. A backslash escapes the next byte.
fn quoted_end(b: &[u8], from: usize, quote: u8) -> usize {
    let mut j = from;
    while let Some(&c) = b.get(j) {
        if c == b'\\' {
            j += 2;
            continue;
        }
        if c == quote || c == b'\n' {
            return j;
        }
        j += 1;
    }
    b.len()
}

/// Whether an unquoted name starting at `key_start` is in a place where a
/// field can start (so `name: value` is an assignment, not prose).
fn field_start(b: &[u8], key_start: usize) -> bool {
    let j = run_start(b, key_start, is_blank, 16);
    let Some(&c) = j.checked_sub(1).and_then(|p| b.get(p)) else {
        return true;
    };
    match c {
        b'\n' | b'\r' | b'{' | b',' | b';' | b'(' | b'[' | b'|' | b'"' | b'\'' | b'`' => true,
        // `- token: ...`, `# token: ...`, `// token: ...`.
        b'-' | b'#' | b'/' | b'*' | b'>' => j < key_start,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fake credentials are assembled from pieces so that the source holds
    /// nothing a secret scanner would take for a leak.
    fn cat(parts: &[&str]) -> String {
        parts.concat()
    }

    const BODY36: &str = "Fake0123456789abcdefghijKLMNOPQRSTUV";
    const AWS_ID: &str = "AKIAIOSFODNN7EXAMPLE";
    const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const SHA1: &str = "da39a3ee5e6b4b0d3255bfef95601890afd80709";

    fn kinds(text: &str) -> Vec<CredentialKind> {
        find_credentials(text).iter().map(|f| f.kind).collect()
    }

    /// The one value found in `text`, and its kind.
    fn only(text: &str) -> (String, CredentialKind) {
        let found = find_credentials(text);
        assert_eq!(
            found.len(),
            1,
            "expected one credential in {text:?}: {found:?}"
        );
        let f = found[0];
        (text[f.range()].to_owned(), f.kind)
    }

    fn assert_found(text: &str, value: &str, kind: CredentialKind) {
        assert_eq!(only(text), (value.to_owned(), kind), "in {text:?}");
        let red = redact_text(text);
        let marker = format!("[redacted {} {}]", kind.name(), fingerprint(value));
        assert!(red.contains(&marker), "{red:?} lacks {marker:?}");
        assert!(!red.contains(value), "{red:?} still holds {value:?}");
        assert_eq!(redact_text(&red), red, "not idempotent on {text:?}");
    }

    fn assert_clean(text: &str) {
        assert!(
            find_credentials(text).is_empty(),
            "unexpected credential in {text:?}: {:?}",
            find_credentials(text)
        );
        assert!(matches!(redact_text(text), Cow::Borrowed(_)));
    }

    // -- key names ---------------------------------------------------------

    #[test]
    fn secret_key_names() {
        for key in [
            "password",
            "Password",
            "PASSWORD",
            "db_password",
            "dbPassword",
            "adminpassword",
            "passwd",
            "pwd",
            "Pwd",
            "db_pass",
            "DB-PASS",
            "db.pass",
            "pass",
            "passphrase",
            "secret",
            "client_secret",
            "clientSecret",
            "ClientSecret",
            "token",
            "auth_token",
            "GITHUB_TOKEN",
            "sessionToken",
            "x-amz-security-token",
            "api_key",
            "apikey",
            "ApiKey",
            "APIKey",
            "x-api-key",
            "access_key",
            "AccessKey",
            "secret_key",
            "SecretAccessKey",
            "aws_secret_access_key",
            "private_key",
            "PrivateKey",
            "credential",
            "credentials",
            "auth",
            "Authorization",
            "connection_string",
            "ConnectionString",
            "connstr",
            "conn_str",
            "sas",
            "sas_token",
            "signature",
            "session_key",
            "AccountKey",
            "SecretString",
            "db_password_2",
            "password2",
            "oauth2Token",
            "id_token",
        ] {
            assert!(secret_key_name(key), "{key} should name a secret");
        }
    }

    #[test]
    fn metadata_key_names() {
        for key in [
            "owner",
            "team",
            "environment",
            "costcenter",
            "CostCenter",
            "Key",
            "key",
            "kms-key-id",
            "KmsKeyId",
            "key-rotation-days",
            "passport",
            "PassportNumber",
            "bypass",
            "compass",
            "passwordless",
            "secretary",
            "tokenizer",
            "author",
            "authority",
            "token_expiry",
            "TokenExpiry",
            "token_expires_at",
            "password_last_used",
            "PasswordLastUsed",
            "password_age",
            "password_policy",
            "secret_arn",
            "SecretArn",
            "secret_name",
            "secret_id",
            "secret_rotation",
            "access_key_id",
            "AccessKeyId",
            "aws_access_key_id",
            "api_key_name",
            "token_type",
            "auth_method",
            "signature_version",
            "private_key_id",
            "password_file",
            "",
            "_",
        ] {
            assert!(!secret_key_name(key), "{key} should be metadata");
        }
    }

    // -- one positive and one negative case per recogniser ---------------------

    #[test]
    fn aws_access_key_id_found() {
        assert_found(
            &format!("key id {AWS_ID} in use"),
            AWS_ID,
            CredentialKind::AwsAccessKeyId,
        );
        let asia = cat(&["AS", "IA", "Y34FZKBOKMUTVV7A"]);
        assert_found(
            &format!("\"AccessKeyId\":\"{asia}\""),
            &asia,
            CredentialKind::AwsAccessKeyId,
        );
    }

    #[test]
    fn aws_access_key_id_lookalikes_are_kept() {
        assert_clean("AKIAiosfodnn7example");
        assert_clean("XAKIAIOSFODNN7EXAMPLE");
        assert_clean("AKIAIOSFODNN7EXAMPL");
        assert_clean("AKIAIOSFODNN7EXAMPLE0");
        assert_clean("AKIAIOSFODNN1EXAMPLE"); // `1` is not base32
    }

    #[test]
    fn aws_secret_key_found_next_to_secret() {
        for text in [
            format!("aws_secret_access_key = {AWS_SECRET}"),
            format!("{{\"SecretAccessKey\": \"{AWS_SECRET}\"}}"),
            format!("the secret is {AWS_SECRET}"),
            format!("AWS_SECRET_ACCESS_KEY={AWS_SECRET}\n"),
        ] {
            assert_found(&text, AWS_SECRET, CredentialKind::AwsSecretKey);
        }
    }

    #[test]
    fn aws_secret_key_lookalikes_are_kept() {
        // Hex (a SHA-1) next to `secret`, and base64 without `secret`.
        assert_clean(&format!("secret rotated by commit {SHA1}"));
        assert_clean(&format!("secret rotated by commit {}", SHA1.to_uppercase()));
        assert_clean(&format!("object {AWS_SECRET} stored"));
        // `secret` on another line, too far away, or a longer run.
        assert_clean(&format!("secret\n{AWS_SECRET}"));
        assert_clean(&format!("secret {} {AWS_SECRET}", "x".repeat(80)));
        assert_clean(&format!("secret {AWS_SECRET}A"));
        assert_clean(&format!("secret {AWS_SECRET}="));
    }

    #[test]
    fn github_tokens_found() {
        for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] {
            let token = cat(&[prefix, BODY36]);
            assert_found(&format!("GH={token}"), &token, CredentialKind::GithubToken);
        }
        let pat = cat(&[
            "github_",
            "pat_",
            "11ABCDEFG0123456789abc_",
            &"Zy9".repeat(20),
        ]);
        assert_found(
            &format!("token {pat} expired"),
            &pat,
            CredentialKind::GithubToken,
        );
    }

    #[test]
    fn github_lookalikes_are_kept() {
        assert_clean("ghp_short0123");
        assert_clean(&cat(&["xghp_", BODY36]));
        assert_clean("github_pat_tooShort_123");
        assert_clean("see github_pages_settings for details");
    }

    #[test]
    fn slack_tokens_found() {
        for prefix in ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xapp-"] {
            let token = cat(&[prefix, "000000000000-0000000000000-FakeFakeFakeFake"]);
            assert_found(
                &format!("slack {token}."),
                &token,
                CredentialKind::SlackToken,
            );
        }
    }

    #[test]
    fn slack_lookalikes_are_kept() {
        assert_clean("xoxb-short");
        assert_clean("xoxz-000000000000-0000000000000");
        assert_clean("boxoxb-000000000000-0000000000000");
    }

    #[test]
    fn slack_webhook_found() {
        let hook = cat(&[
            "https://hooks.",
            "slack.com/services/",
            "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        ]);
        assert_found(
            &format!("notify <{hook}> on failure"),
            &hook,
            CredentialKind::SlackWebhook,
        );
    }

    #[test]
    fn slack_webhook_lookalikes_are_kept() {
        assert_clean("https://hooks.slack.com/");
        assert_clean("https://hooks.slack.com/services/");
        assert_clean("https://api.slack.com/services/T00000000/B00000000");
    }

    #[test]
    fn openai_keys_found() {
        let key = cat(&["sk-", "proj-", BODY36, "_Fake-Key"]);
        assert_found(&format!("OPENAI={key}"), &key, CredentialKind::OpenaiKey);
        let legacy = cat(&["sk-", BODY36]);
        assert_found(
            &format!("using {legacy}"),
            &legacy,
            CredentialKind::OpenaiKey,
        );
    }

    #[test]
    fn anthropic_keys_are_not_openai_keys() {
        let key = cat(&["sk-", "ant-", "api03-", BODY36, "-FakeAA"]);
        assert_found(&format!("key: {key}"), &key, CredentialKind::AnthropicKey);
    }

    #[test]
    fn openai_and_anthropic_lookalikes_are_kept() {
        assert_clean("sk-short");
        assert_clean("sk-ant-short");
        assert_clean("task-abcdefghijklmnopqrstuvwxyz0123");
        assert_clean("risk-abcdefghijklmnopqrstuvwxyz0123");
        assert_clean("sk-prod-cluster-eu-west-1-primary");
        assert_clean("sk-ant-prod-cluster-eu-west-1-primary");
    }

    #[test]
    fn google_api_key_found() {
        let key = cat(&["AI", "za", "SyFake0123456789abcdefghij_KLMNOPQR"]);
        assert_eq!(key.len(), 39);
        assert_found(
            &format!("maps key={key}&x=1"),
            &key,
            CredentialKind::GoogleApiKey,
        );
    }

    #[test]
    fn google_api_key_lookalikes_are_kept() {
        assert_clean("AIzaShort0123");
        assert_clean("AIzaSyFake0123456789abcdefghij_KLMNOP"); // 34 after AIza
    }

    #[test]
    fn google_client_secret_found() {
        let secret = cat(&["GOC", "SPX-", "Fake0123456789abcdefghijKLMN"]);
        assert_found(
            &format!("oauth {secret}"),
            &secret,
            CredentialKind::GoogleClientSecret,
        );
    }

    #[test]
    fn google_client_secret_lookalikes_are_kept() {
        assert_clean("GOCSPX-short");
        assert_clean("GOCSPX is the prefix of a google client secret");
    }

    #[test]
    fn azure_client_secret_found() {
        let secret = cat(&["Abc", "8Q~", "Fake0123456789abcdefghij.KLMN~op_q-"]);
        assert_eq!(secret.len(), 41);
        assert_found(
            &format!("AZURE_CLIENT_ID=x AZ={secret}"),
            &secret,
            CredentialKind::AzureClientSecret,
        );
    }

    #[test]
    fn azure_client_secret_lookalikes_are_kept() {
        assert_clean("Abc8Q~short");
        assert_clean("Abc8Q-Fake0123456789abcdefghij.KLMN~op_q");
        assert_clean("8Q~Fake0123456789abcdefghij.KLMN~op_q-rs");
    }

    #[test]
    fn jwt_found() {
        let jwt = cat(&[
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
            ".",
            "eyJzdWIiOiJmYWtlIn0",
            ".",
            "FakeSignatureFakeSignature_-",
        ]);
        assert_found(
            &format!("Authorization: Bearer {jwt}"),
            &jwt,
            CredentialKind::Jwt,
        );
    }

    #[test]
    fn jwt_lookalikes_are_kept() {
        assert_clean("eyJhbGciOiJIUzI1NiJ9");
        assert_clean("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0");
        assert_clean("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.short");
        assert_clean("keyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlIn0.FakeSignatureFake");
    }

    #[test]
    fn private_key_block_found() {
        let block = cat(&[
            "-----BEGIN RSA ",
            "PRIVATE KEY-----\nMIIBOgIBAAJBAKfakefakefake\nfakefakefake==\n-----END RSA PRIVATE KEY-----",
        ]);
        let text = format!("key file:\n{block}\nnext line");
        assert_found(&text, &block, CredentialKind::PrivateKey);
        assert_eq!(
            redact_text(&text),
            format!(
                "key file:\n[redacted private-key {}]\nnext line",
                fingerprint(&block)
            )
        );
        // JSON-escaped newlines, as in a service account key file.
        let escaped = cat(&[
            "-----BEGIN ",
            "PRIVATE KEY-----\\nMIIEfake\\n-----END PRIVATE KEY-----",
        ]);
        assert_found(
            &format!("log: {escaped} end"),
            &escaped,
            CredentialKind::PrivateKey,
        );
        // In a JSON string the quoted value is longer (its trailing `\n`)
        // and wins; the key is redacted either way.
        let value = format!("{escaped}\\n");
        assert_found(
            &format!("{{\"private_key\": \"{value}\"}}"),
            &value,
            CredentialKind::Secret,
        );
    }

    #[test]
    fn private_key_without_end_runs_to_the_end() {
        let text = cat(&[
            "x -----BEGIN OPENSSH ",
            "PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAfake",
        ]);
        let found = find_credentials(&text);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].start, found[0].end), (2, text.len()));
    }

    #[test]
    fn public_keys_and_certificates_are_kept() {
        assert_clean(
            "-----BEGIN PUBLIC KEY-----\nMFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKfake\n-----END PUBLIC KEY-----",
        );
        assert_clean("-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----");
    }

    #[test]
    fn url_password_found() {
        let text = "DATABASE_URL=postgres://app:s3cr3t-Pa55@db.example.com:5432/app";
        assert_found(text, "s3cr3t-Pa55", CredentialKind::Password);
        assert_eq!(
            redact_text(text),
            format!(
                "DATABASE_URL=postgres://app:[redacted password {}]@db.example.com:5432/app",
                fingerprint("s3cr3t-Pa55")
            )
        );
        assert_found(
            "redis://:Fake%40pw@cache:6379",
            "Fake%40pw",
            CredentialKind::Password,
        );
        assert_found(
            "mongodb+srv://u:pw@h1,h2/db",
            "pw",
            CredentialKind::Password,
        );
    }

    #[test]
    fn urls_without_password_are_kept() {
        assert_clean("postgres://user@host/db");
        assert_clean("postgres://user:@host/db");
        assert_clean("https://example.com:8443/path?q=1");
        assert_clean("see https://example.com/a:b@c");
        assert_clean("postgres://app:${DB_PASSWORD}@db/app");
    }

    #[test]
    fn connection_string_values_found() {
        let text = "Server=tcp:db.example.net,1433;User ID=app;Password=Fake!Pa55;Encrypt=true";
        assert_found(text, "Fake!Pa55", CredentialKind::Password);
        assert_found(
            "Data Source=x;Pwd=FakePwd;",
            "FakePwd",
            CredentialKind::Password,
        );
        let storage = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Fake+Key/abc==;EndpointSuffix=core.windows.net";
        assert_found(storage, "Fake+Key/abc==", CredentialKind::Secret);
        let sas = "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2030-01-01&sig=Fake%2Bsig%3D&sp=r";
        assert_found(sas, "Fake%2Bsig%3D", CredentialKind::Secret);
        let shared = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessSignature=FakeSignature";
        assert_found(shared, "FakeSignature", CredentialKind::Secret);
    }

    #[test]
    fn connection_string_metadata_is_kept() {
        assert_clean(
            "DefaultEndpointsProtocol=https;AccountName=acct;EndpointSuffix=core.windows.net",
        );
        assert_clean("Server=tcp:db.example.net,1433;User ID=app;Encrypt=true");
        assert_clean("https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sp=r");
    }

    #[test]
    fn generic_assignments_found() {
        for (text, value, kind) in [
            ("password=hunter2", "hunter2", CredentialKind::Password),
            (
                "{\"password\": \"hunter2\"}",
                "hunter2",
                CredentialKind::Password,
            ),
            (
                "{'db_pass':'hunter 2'}",
                "hunter 2",
                CredentialKind::Password,
            ),
            ("DB-PASS=hunter2", "hunter2", CredentialKind::Password),
            (
                "export CLIENT_SECRET=Fake.value",
                "Fake.value",
                CredentialKind::Secret,
            ),
            ("token: Fake0123", "Fake0123", CredentialKind::Secret),
            (
                "  api_key: \"Fake0123\"\n",
                "Fake0123",
                CredentialKind::Secret,
            ),
            ("error: token: Fake0123", "Fake0123", CredentialKind::Secret),
            ("--password=hunter2", "hunter2", CredentialKind::Password),
            (
                "password := \"hunter2\"",
                "hunter2",
                CredentialKind::Password,
            ),
            (
                "Authorization: Bearer Fake0123",
                "Fake0123",
                CredentialKind::Secret,
            ),
            (
                "curl -H 'X-Api-Key: Fake0123' x",
                "Fake0123",
                CredentialKind::Secret,
            ),
            (
                "the password: hunter2 was found",
                "hunter2",
                CredentialKind::Password,
            ),
            ("{\"token\": 123456}", "123456", CredentialKind::Secret),
            ("(password=hunter2)", "hunter2", CredentialKind::Password),
            ("password=f(x)", "f(x)", CredentialKind::Password),
            (
                "{\"Authorization\": \"Basic RmFrZTpmYWtl\"}",
                "RmFrZTpmYWtl",
                CredentialKind::Secret,
            ),
            (
                "\"password\": \"with \\\"escaped\\\" quote\"",
                "with \\\"escaped\\\" quote",
                CredentialKind::Password,
            ),
        ] {
            assert_found(text, value, kind);
        }
    }

    #[test]
    fn generic_lookalikes_are_kept() {
        for text in [
            "passport=ABC123",
            "bypass=true",
            "token_expiry=3600",
            "password_last_used: 2024-01-01T00:00:00Z",
            "\"SecretArn\": \"arn:aws:secretsmanager:us-east-1:111122223333:secret:db-pass-AbCdEf\"",
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-pass-AbCdEf",
            "secret=arn:aws:secretsmanager:us-east-1:111122223333:secret:db-pass-AbCdEf",
            "invalid token: expected a string",
            "the auth: missing",
            "`x.json` line 3: password: expected a string",
            "missing token:expected",
            "`x.json` line 3: unknown auth mode `sso`",
            "password=",
            "password=${DB_PASSWORD}",
            "password: \"{{ vault_db_password }}\"",
            "\"password\": null,",
            "\"credentials\": {\"type\": \"x\"}",
            "password=***",
            "password=[redacted]",
            "if token == other {",
            "token::parse",
            "key=value; team=payments",
        ] {
            assert_clean(text);
        }
    }

    #[test]
    fn surrounding_structure_is_kept() {
        let text = "{DB_PASSWORD: hunter2, API_KEY: Fake0123, LOG_LEVEL: info}";
        assert_eq!(
            redact_text(text),
            format!(
                "{{DB_PASSWORD: [redacted password {}], API_KEY: [redacted secret {}], LOG_LEVEL: info}}",
                fingerprint("hunter2"),
                fingerprint("Fake0123")
            )
        );
    }

    #[test]
    fn vault_token_found() {
        let token = cat(&["hv", "s.", "CAESIFakeFakeFake0123456789abcdef"]);
        assert_found(
            &format!("VAULT {token}"),
            &token,
            CredentialKind::VaultToken,
        );
    }

    #[test]
    fn vault_lookalikes_are_kept() {
        assert_clean("hvs.short");
        assert_clean("www.hvs.example.com is a host");
    }

    #[test]
    fn npm_token_found() {
        let token = cat(&["np", "m_", BODY36]);
        assert_found(
            &format!("//registry.npmjs.org/:_authToken {token}"),
            &token,
            CredentialKind::NpmToken,
        );
    }

    #[test]
    fn npm_lookalikes_are_kept() {
        assert_clean("npm_install_ran_ok");
        assert_clean("run npm_config_cache");
    }

    #[test]
    fn stripe_keys_found() {
        for prefix in ["sk_", "rk_"] {
            let key = cat(&[prefix, "live", "_", "FakeFake0123456789abcdef"]);
            assert_found(&format!("stripe {key}"), &key, CredentialKind::StripeKey);
        }
    }

    #[test]
    fn stripe_lookalikes_are_kept() {
        assert_clean("sk_live_short");
        assert_clean("desk_live_FakeFake0123456789abcdef");
    }

    // -- markers, fingerprints, overlaps --------------------------------------

    #[test]
    fn fingerprints_are_short_and_deterministic() {
        let fp = fingerprint("hunter2");
        assert_eq!(fp.len(), 8);
        assert!(fp.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')));
        assert_eq!(fp, fingerprint("hunter2"));
        assert_ne!(fp, fingerprint("hunter3"));
        // SHA-256("abc") starts ba7816bf.
        assert_eq!(fingerprint("abc"), "ba7816bf");
    }

    #[test]
    fn one_value_twice_gets_one_marker() {
        let text = format!("a={AWS_ID} b={AWS_ID}");
        let red = redact_text(&text);
        let marker = format!("[redacted aws-access-key-id {}]", fingerprint(AWS_ID));
        assert_eq!(red, format!("a={marker} b={marker}"));
    }

    #[test]
    fn specific_kind_wins_a_tie_and_longest_wins_an_overlap() {
        assert_eq!(
            kinds(&format!("password={AWS_ID}")),
            [CredentialKind::AwsAccessKeyId]
        );
        let jwt = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJmYWtlIn0.FakeSignature";
        assert_eq!(
            kinds(&format!("\"token\": \"{jwt}\"")),
            [CredentialKind::Jwt]
        );
        // The password value is longer than the key id inside it.
        let text = format!("password={AWS_ID}-and-more");
        assert_eq!(
            only(&text),
            (format!("{AWS_ID}-and-more"), CredentialKind::Password)
        );
    }

    #[test]
    fn found_credentials_are_sorted_and_disjoint() {
        let text = format!(
            "{AWS_ID} password=hunter2 {} secret {AWS_SECRET} postgres://u:pw@h",
            cat(&["ghp_", BODY36])
        );
        let found = find_credentials(&text);
        assert_eq!(found.len(), 5, "{found:?}");
        for pair in found.windows(2) {
            assert!(pair[0].end <= pair[1].start);
        }
    }

    #[test]
    fn redaction_is_idempotent() {
        let corpus = [
            format!("id {AWS_ID} secret {AWS_SECRET}"),
            format!(
                "{} {}",
                cat(&["ghp_", BODY36]),
                cat(&["xoxb-", "000000000000-FakeFake"])
            ),
            "postgres://app:pw@db/app password=hunter2 token: abc".to_owned(),
            "Server=x;Password=p;AccountKey=k==;sig=s&x=1".to_owned(),
            cat(&[
                "-----BEGIN ",
                "PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----",
            ]),
            "token=abc wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned(),
            "Authorization: Bearer abc".to_owned(),
        ];
        for text in &corpus {
            let once = redact_text(text);
            assert_ne!(once, text.as_str());
            assert_eq!(redact_text(&once), once, "not idempotent on {text:?}");
        }
        let tagged = redact_tag("db_password", "hunter2");
        assert_eq!(redact_tag("db_password", &tagged), tagged);
    }

    #[test]
    fn clean_text_is_borrowed() {
        for text in [
            "",
            "prod",
            "team-payments",
            "arn:aws:iam::111122223333:role/deploy",
            "`x.json` line 3: expected `class` to be one of `user`, `role`",
            "Key=Name; Value=web-01",
        ] {
            assert_clean(text);
        }
    }

    #[test]
    fn big_clean_text_is_scanned_in_one_pass() {
        let line = "arn:aws:iam::111122223333:role/x key=value eyJ sk- AKIA xoxb- -----BEGIN CERT :// 8Q~ secret ";
        let text = line.repeat((1 << 20) / line.len() + 1);
        assert!(text.len() >= 1 << 20);
        assert!(find_credentials(&text).is_empty());
        assert!(matches!(redact_text(&text), Cow::Borrowed(_)));
    }

    #[test]
    fn adversarial_text_does_not_rescan() {
        // Each of these would take hours with a quadratic scan.
        let n = 1 << 18;
        for text in [
            "eyJ".repeat(n),
            format!(" eyJ{}", "a".repeat(4 * n)),
            "eyJaaaaaaaaaa.".repeat(n / 4),
            "a://".repeat(n),
            format!("a://{}", "b:".repeat(n)),
            "8Q~".repeat(n),
            "sk-".repeat(n),
            " sk-".repeat(n),
            "=".repeat(n),
            ":".repeat(n),
            "a: ".repeat(n),
            "password=".repeat(n),
            "\"password\": \"".repeat(n / 4),
            cat(&["-----BEGIN ", "PRIVATE KEY-----"]).repeat(n / 8),
            "-----BEGIN CERTIFICATE-----".repeat(n / 8),
            "secret ".repeat(n / 2),
            format!("secret {}", "A".repeat(4 * n)),
        ] {
            let _ = redact_text(&text);
        }
    }

    #[test]
    fn multibyte_text_around_matches_is_preserved() {
        let text = format!("clé «{AWS_ID}» für 日本 🎉 password=pässwörd ✓ end {AWS_ID}");
        let red = redact_text(&text);
        let id = format!("[redacted aws-access-key-id {}]", fingerprint(AWS_ID));
        let pw = format!("[redacted password {}]", fingerprint("pässwörd"));
        assert_eq!(
            red,
            format!("clé «{id}» für 日本 🎉 password={pw} ✓ end {id}")
        );
    }

    #[test]
    fn no_panic_on_any_prefix_of_mixed_text() {
        let text = format!(
            "ü{AWS_ID}é password=日本語 {} «secret» {AWS_SECRET}🎉 postgres://ü:пароль@h -----BEGIN EC PRIVATE KEY-----ключ \"token\": \"✓",
            cat(&["ghp_", BODY36])
        );
        for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let prefix = &text[..i];
            let red = redact_text(prefix);
            assert_eq!(redact_text(&red), red);
            for f in find_credentials(prefix) {
                assert!(prefix.is_char_boundary(f.start) && prefix.is_char_boundary(f.end));
            }
        }
        // A value at the very end, after multibyte characters.
        assert_found(
            "ключ: ✓ password=пароль",
            "пароль",
            CredentialKind::Password,
        );
        assert_found(
            &format!("日本{AWS_ID}"),
            AWS_ID,
            CredentialKind::AwsAccessKeyId,
        );
    }

    // -- tags -------------------------------------------------------------------

    #[test]
    fn secret_tags_are_redacted_whole() {
        assert_eq!(
            redact_tag("DB-PASS", "hunter2 with spaces"),
            format!("[redacted secret {}]", fingerprint("hunter2 with spaces"))
        );
        assert_eq!(
            redact_tag("clientSecret", "x"),
            format!("[redacted secret {}]", fingerprint("x"))
        );
    }

    #[test]
    fn other_tags_go_through_text_redaction() {
        assert!(matches!(
            redact_tag("owner", "alice"),
            Cow::Borrowed("alice")
        ));
        assert!(matches!(redact_tag("password", ""), Cow::Borrowed("")));
        assert!(matches!(
            redact_tag("passport", "X1234567"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            redact_tag("note", &format!("rotate {AWS_ID}")),
            format!(
                "rotate [redacted aws-access-key-id {}]",
                fingerprint(AWS_ID)
            )
        );
        let arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-pass-AbCdEf";
        assert!(matches!(redact_tag("secret_arn", arn), Cow::Borrowed(_)));
        assert!(matches!(redact_tag("secret", arn), Cow::Borrowed(_)));
        assert!(matches!(
            redact_tag("token_expiry", "2030-01-01"),
            Cow::Borrowed(_)
        ));
        let kv = "@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/db/)";
        assert!(matches!(redact_tag("password", kv), Cow::Borrowed(_)));
    }
}
