//! Google Workspace connector: the OAuth tokens users granted to apps
//! (Directory API `tokens.list`), and the Drive, Gmail and Calendar data
//! their scopes reach (docs/saas-oauth.md has the scope table).
//!
//! Layout (docs/saas-oauth.md): `google/CUSTOMER/users.json` (`users.list`,
//! pages merged) and `google/CUSTOMER/tokens/USER.json` (`tokens.list` of
//! one user). An app holding a user's refresh token acts with its scopes on
//! that user's data: compromising the app (its client secret and the
//! tokens it stores) reaches every granting user's data at once.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use blastgraph_model::json::{Obj, RecordError, read_or_report, type_name};
use blastgraph_model::{
    AccessLevel, Attributes, Class, Code, Connector, Edge, EdgeKind, EstateBuilder, IngestError,
    InputFile, Node, Provenance,
};
use serde_json::Value;

/// The format name recorded in the manifest.
pub const FORMAT: &str = "google";

/// Google Workspace in the provider registry.
pub static PROVIDER: blastgraph_model::Provider = blastgraph_model::Provider {
    name: "google",
    accepts: "a Google Workspace Directory API response under `google/CUSTOMER/` (`users.json` of `users.list`, `tokens/USER.json` of `tokens.list`)",
    docs: "docs/saas-oauth.md",
    connector: &GoogleConnector,
};

/// What a scope reaches: the data (`drive`, `gmail`, `calendar`) or the
/// tenant admin (`admin`), the level, and what limits it: `Ok(note)` a
/// limit the inputs decide (said in the reason), `Err(condition)` one they
/// cannot (the edge is conditional).
pub type Limit = Option<Result<&'static str, &'static str>>;

/// The scope table (docs/saas-oauth.md).
pub const SCOPES: &[(&str, &str, AccessLevel, Limit)] = &[
    (
        "https://www.googleapis.com/auth/drive",
        "drive",
        AccessLevel::Write,
        None,
    ),
    (
        "https://www.googleapis.com/auth/drive.readonly",
        "drive",
        AccessLevel::Read,
        None,
    ),
    (
        "https://www.googleapis.com/auth/drive.metadata.readonly",
        "drive",
        AccessLevel::Read,
        Some(Ok("file names and metadata only, not contents")),
    ),
    (
        "https://www.googleapis.com/auth/drive.file",
        "drive",
        AccessLevel::Write,
        Some(Err(
            "only the files the app created or the user opened with it: which they are is not in the inputs",
        )),
    ),
    (
        "https://mail.google.com/",
        "gmail",
        AccessLevel::Admin,
        None,
    ),
    (
        "https://www.googleapis.com/auth/gmail.readonly",
        "gmail",
        AccessLevel::Read,
        None,
    ),
    (
        "https://www.googleapis.com/auth/gmail.metadata",
        "gmail",
        AccessLevel::Read,
        Some(Ok("headers and labels only, not bodies")),
    ),
    (
        "https://www.googleapis.com/auth/gmail.modify",
        "gmail",
        AccessLevel::Write,
        None,
    ),
    (
        "https://www.googleapis.com/auth/gmail.compose",
        "gmail",
        AccessLevel::Write,
        None,
    ),
    (
        "https://www.googleapis.com/auth/gmail.send",
        "gmail",
        AccessLevel::Write,
        None,
    ),
    (
        "https://www.googleapis.com/auth/calendar",
        "calendar",
        AccessLevel::Write,
        None,
    ),
    (
        "https://www.googleapis.com/auth/calendar.events",
        "calendar",
        AccessLevel::Write,
        None,
    ),
    (
        "https://www.googleapis.com/auth/calendar.readonly",
        "calendar",
        AccessLevel::Read,
        None,
    ),
    (
        "https://www.googleapis.com/auth/admin.directory.user",
        "admin",
        AccessLevel::Admin,
        None,
    ),
    (
        "https://www.googleapis.com/auth/admin.directory.group",
        "admin",
        AccessLevel::Admin,
        None,
    ),
    (
        "https://www.googleapis.com/auth/admin.directory.user.security",
        "admin",
        AccessLevel::Admin,
        None,
    ),
];

/// Sign-in scopes: the user's identity, no data.
pub const SIGN_IN: &[&str] = &[
    "openid",
    "email",
    "profile",
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/userinfo.profile",
];

/// Reads the Google Workspace layout.
#[derive(Debug, Default, Clone, Copy)]
pub struct GoogleConnector;

/// `…/google/CUSTOMER/users.json` → (customer, None);
/// `…/google/CUSTOMER/tokens/USER.json` → (customer, Some(user)).
fn place(path: &str) -> Option<(String, Option<String>)> {
    let rel = blastgraph_model::layout::after_folder(path, "google")?;
    let segs: Vec<&str> = rel.strip_suffix(".json")?.split('/').collect();
    match segs.as_slice() {
        [c, "users"] => Some((c.to_string(), None)),
        [c, "tokens", u] => Some((c.to_string(), Some(u.to_string()))),
        _ => None,
    }
}

impl Connector for GoogleConnector {
    fn name(&self) -> &'static str {
        FORMAT
    }

    fn detect(&self, path: &str, head: &[u8]) -> bool {
        let text = String::from_utf8_lossy(head);
        place(path).is_some()
            && (text.contains("admin#directory#users")
                || text.contains("admin#directory#tokenList"))
    }

    fn ingest(&self, path: &str, bytes: &[u8], out: &mut EstateBuilder) -> Result<(), IngestError> {
        read_all(&[(path, bytes)], out, false);
        Ok(())
    }

    fn ingest_all(&self, files: &[InputFile<'_>], out: &mut EstateBuilder) {
        for f in files {
            out.begin_input(f.path, FORMAT, f.sha256.to_string(), f.bytes.len() as u64);
        }
        let files: Vec<(&str, &[u8])> = files.iter().map(|f| (f.path, f.bytes)).collect();
        read_all(&files, out, true);
    }
}

struct User {
    admin: bool,
    suspended: bool,
}

struct Grant {
    user: String,
    client: String,
    name: String,
    scopes: Vec<String>,
    file: String,
    location: String,
}

fn read_all(files: &[(&str, &[u8])], out: &mut EstateBuilder, select: bool) {
    // customer → email → user
    let mut users: BTreeMap<String, HashMap<String, User>> = BTreeMap::new();
    let mut grants: BTreeMap<String, Vec<Grant>> = BTreeMap::new();
    for (path, bytes) in files {
        if select {
            out.select_input(path);
        }
        let Some((customer, user)) = place(path) else {
            out.warning_code(
                Code::NotInLayout,
                "$",
                "not a file of the Google Workspace layout; skipped",
            );
            continue;
        };
        let Some(value) = read_or_report(path, bytes, out) else {
            continue;
        };
        let field = if user.is_some() { "items" } else { "users" };
        let list = match value.get(field) {
            Some(Value::Array(a)) => a.as_slice(),
            None | Some(Value::Null) => &[],
            Some(other) => {
                out.error(
                    format!("$.{field}"),
                    format!("expected an array, found {}", type_name(other)),
                );
                continue;
            }
        };
        for (i, item) in list.iter().enumerate() {
            let r: Result<(), RecordError> = (|| {
                let o = Obj::new(item, format!("$.{field}[{i}]"))?;
                match &user {
                    None => {
                        let email = o.req_str("primaryEmail")?.to_ascii_lowercase();
                        users.entry(customer.clone()).or_default().insert(
                            email,
                            User {
                                admin: o.opt_bool("isAdmin")?.unwrap_or(false),
                                suspended: o.opt_bool("suspended")?.unwrap_or(false),
                            },
                        );
                    }
                    Some(u) => {
                        let scopes = match o.map.get("scopes") {
                            Some(Value::Array(a)) => a
                                .iter()
                                .filter_map(Value::as_str)
                                .map(str::to_string)
                                .collect(),
                            _ => Vec::new(),
                        };
                        grants.entry(customer.clone()).or_default().push(Grant {
                            user: o.opt_str("userKey")?.unwrap_or(u).to_ascii_lowercase(),
                            client: o.req_str("clientId")?.to_string(),
                            name: o.opt_str("displayText")?.unwrap_or("OAuth app").to_string(),
                            scopes,
                            file: path.to_string(),
                            location: o.path.clone(),
                        });
                    }
                }
                Ok(())
            })();
            if let Err(e) = r {
                out.error_code(e.code, e.location, e.message);
            }
        }
    }
    for (customer, list) in &grants {
        let none = HashMap::new();
        emit(customer, users.get(customer).unwrap_or(&none), list, out);
    }
}

fn emit(customer: &str, users: &HashMap<String, User>, grants: &[Grant], out: &mut EstateBuilder) {
    let mut added: HashSet<String> = HashSet::new();
    let mut unknown: BTreeSet<String> = BTreeSet::new();
    let mut owned: HashSet<String> = HashSet::new();
    let mut node = |out: &mut EstateBuilder, id: &str, name: String, kind: &str, class: Class| {
        if added.insert(id.to_string()) && !out.has_node(id) {
            out.add_node(
                Node {
                    id: id.to_string(),
                    name,
                    provider: "google".into(),
                    kind: kind.into(),
                    class,
                    attrs: Attributes::default(),
                },
                "",
            );
        }
    };
    for g in grants {
        out.select_input(&g.file);
        let user = users.get(&g.user);
        if user.is_some_and(|u| u.suspended) {
            continue;
        }
        let client = format!("google:oauth_client/{}", g.client);
        node(
            out,
            &client,
            g.name.clone(),
            "google:oauth_app",
            Class::Workload,
        );
        let user_id = format!("google:user/{}", g.user);
        node(out, &user_id, g.user.clone(), "google:user", Class::Human);
        for scope in &g.scopes {
            let Some((_, what, level, cond)) = SCOPES.iter().find(|(s, ..)| s == scope) else {
                if !SIGN_IN.contains(&scope.as_str()) {
                    unknown.insert(scope.clone());
                }
                continue;
            };
            let (to, kind, access) = if *what == "admin" {
                if !user.is_some_and(|u| u.admin) {
                    continue;
                }
                let id = format!("google:{customer}/admin");
                node(
                    out,
                    &id,
                    format!("Google Workspace admin of {customer}"),
                    "google:admin",
                    Class::Scope,
                );
                (id, EdgeKind::CanEscalate, None)
            } else {
                let id = format!("google:{what}/{}", g.user);
                node(
                    out,
                    &id,
                    format!("{what} of {}", g.user),
                    &format!("google:{what}"),
                    Class::Dataset,
                );
                // The user reaches their own data.
                if owned.insert(id.clone()) {
                    out.add_edge(edge(
                        &user_id,
                        &id,
                        EdgeKind::Access,
                        Some(AccessLevel::Admin),
                        g,
                        format!("{} owns their {what}", g.user),
                        None,
                    ));
                }
                (id, EdgeKind::OauthGrant, Some(*level))
            };
            let mut reason = format!("{} granted {} the scope {scope}", g.user, g.name);
            if let Some(Ok(note)) = cond {
                reason.push_str(&format!(" ({note})"));
            }
            let condition = match cond {
                Some(Err(c)) => Some(c.to_string()),
                _ => None,
            };
            out.add_edge(edge(&client, &to, kind, access, g, reason, condition));
        }
    }
    if !unknown.is_empty() {
        out.warning_code(
            Code::Ignored,
            "$",
            format!(
                "scopes not in the table of docs/saas-oauth.md, so they reach nothing here: {}",
                unknown.into_iter().collect::<Vec<_>>().join(", ")
            ),
        );
    }
}

fn edge(
    from: &str,
    to: &str,
    kind: EdgeKind,
    access: Option<AccessLevel>,
    g: &Grant,
    reason: String,
    cond: Option<String>,
) -> Edge {
    Edge {
        id: None,
        from: from.to_string(),
        to: to.to_string(),
        kind,
        access,
        mechanism: (kind == EdgeKind::OauthGrant || kind == EdgeKind::CanEscalate)
            .then(|| "google oauth token".to_string()),
        conditional: cond.is_some(),
        condition: cond,
        provenance: Provenance {
            source: g.file.clone(),
            location: g.location.clone(),
            reason,
        },
    }
}
