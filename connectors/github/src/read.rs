//! The GitHub layout's files into [`Org`] facts, and the rules.

use std::collections::{BTreeMap, HashMap, HashSet};

use blastgraph_model::json::{Obj, RecordError, type_name};
use blastgraph_model::{
    AccessLevel, Attributes, Class, Code, Edge, EdgeKind, EstateBuilder, Node, Provenance, ids,
};
use serde_json::Value;

/// One call of the layout (the path under `github/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Call {
    Repos,
    OrgTemplate,
    RepoTemplate(String, String),
    Environments(String, String),
    Branches(String, String),
    Collaborators(String, String),
    Installations,
    InstallationRepos(String),
    Tokens,
    TokenRepos(String),
}

/// The call a path names: `…/github/orgs/ORG/repos.json`, ...
pub(crate) fn call_of(path: &str) -> Option<Call> {
    let rel = blastgraph_model::layout::after_folder(path, "github")?;
    let segs: Vec<&str> = rel.strip_suffix(".json")?.split('/').collect();
    Some(match segs.as_slice() {
        ["orgs", _, "repos"] => Call::Repos,
        ["orgs", _, "actions", "oidc", "customization", "sub"] => Call::OrgTemplate,
        ["orgs", _, "installations"] => Call::Installations,
        ["orgs", _, "personal-access-tokens"] => Call::Tokens,
        ["orgs", _, "personal-access-tokens", id, "repositories"] => {
            Call::TokenRepos(id.to_string())
        }
        ["installations", id, "repositories"] => Call::InstallationRepos(id.to_string()),
        ["repos", o, r, "actions", "oidc", "customization", "sub"] => {
            Call::RepoTemplate(o.to_string(), r.to_string())
        }
        ["repos", o, r, "environments"] => Call::Environments(o.to_string(), r.to_string()),
        ["repos", o, r, "branches"] => Call::Branches(o.to_string(), r.to_string()),
        ["repos", o, r, "collaborators"] => Call::Collaborators(o.to_string(), r.to_string()),
        _ => return None,
    })
}

/// A JSON document (object or array).
pub(crate) fn looks_like(head: &[u8]) -> bool {
    let t = String::from_utf8_lossy(head);
    let t = t.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('{') || t.starts_with('[')
}

#[derive(Debug, Clone, Default)]
pub(crate) struct At {
    pub file: usize,
    pub path: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Repo {
    pub owner: String,
    pub name: String,
    pub default_branch: String,
    pub id: Option<u64>,
    pub owner_id: Option<u64>,
    pub at: At,
}

#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub use_default: bool,
    pub keys: Vec<String>,
    pub at: At,
}

#[derive(Debug, Clone)]
pub(crate) struct Environment {
    pub name: String,
    /// Required reviewers must approve a job that uses it.
    pub reviewers: bool,
    /// Only protected (or listed) branches may deploy to it.
    pub branch_policy: bool,
    pub at: At,
}

/// A collaborator's permission, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    Read,
    Triage,
    Write,
    Maintain,
    Admin,
}

#[derive(Debug, Clone)]
pub(crate) struct Collaborator {
    pub login: String,
    pub level: Level,
    pub at: At,
}

/// An app installation or a fine-grained token: who acts with a set of
/// repository permissions on all or some repositories.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub id: String,
    pub label: String,
    pub all: bool,
    pub permissions: BTreeMap<String, String>,
    pub expired: bool,
    pub at: At,
}

#[derive(Debug, Default)]
pub(crate) struct Org {
    pub files: Vec<String>,
    pub repos: Vec<Repo>,
    pub org_template: Option<Template>,
    pub templates: HashMap<String, Template>,
    pub environments: HashMap<String, Vec<Environment>>,
    pub branches: HashMap<String, Vec<(String, bool)>>,
    pub collaborators: HashMap<String, Vec<Collaborator>>,
    pub installations: Vec<Grant>,
    pub tokens: Vec<Grant>,
    /// Installation or token id → the repositories it was given.
    pub selected: HashMap<String, Vec<String>>,
}

impl Org {
    pub fn file(&mut self, path: &str) -> usize {
        self.files.push(path.to_string());
        self.files.len() - 1
    }
}

/// `owner/repo`, lower case: the key of a repository.
fn key(owner: &str, repo: &str) -> String {
    format!(
        "{}/{}",
        owner.to_ascii_lowercase(),
        repo.to_ascii_lowercase()
    )
}

fn items<'v>(value: &'v Value, field: Option<&str>) -> Result<(&'v [Value], String), RecordError> {
    let (v, path) = match field {
        Some(f) => (value.get(f).unwrap_or(&Value::Null), format!("$.{f}")),
        None => (value, "$".to_string()),
    };
    match v {
        Value::Array(a) => Ok((a.as_slice(), path)),
        other => Err((
            path,
            format!("expected an array, found {}", type_name(other)),
        )
            .into()),
    }
}

fn each(
    list: &[Value],
    base: &str,
    out: &mut EstateBuilder,
    mut read: impl FnMut(&Obj<'_>) -> Result<(), RecordError>,
) {
    for (i, v) in list.iter().enumerate() {
        if blastgraph_model::json::is_skipped(v) {
            continue;
        }
        let r = Obj::new(v, format!("{base}[{i}]")).and_then(|o| read(&o));
        if let Err(e) = r {
            out.error_code(e.code, e.location, e.message);
        }
    }
}

/// A record's `id` (a number or a string) as text.
fn id_of(o: &Obj<'_>) -> Result<String, RecordError> {
    match o.map.get("id") {
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        _ => Err((
            o.at("id"),
            "missing required field `id` (a number)".to_string(),
        )
            .into()),
    }
}

fn permissions(o: &Obj<'_>) -> BTreeMap<String, String> {
    o.map
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect()
}

/// Reads one file; a file whose top level is wrong is reported.
pub(crate) fn file(
    org: &mut Org,
    file: usize,
    call: &Call,
    value: &Value,
    out: &mut EstateBuilder,
) {
    if let Err(e) = file_inner(org, file, call, value, out) {
        out.error_code(e.code, e.location, e.message);
    }
}

fn file_inner(
    org: &mut Org,
    file: usize,
    call: &Call,
    value: &Value,
    out: &mut EstateBuilder,
) -> Result<(), RecordError> {
    let at = |path: &str| At {
        file,
        path: path.to_string(),
    };
    match call {
        Call::Repos => {
            let (list, base) = items(value, None)?;
            each(list, &base, out, |o| {
                let owner = Obj::new(o.map.get("owner").unwrap_or(&Value::Null), o.at("owner"))?;
                org.repos.push(Repo {
                    owner: owner.req_str("login")?.to_string(),
                    name: o.req_str("name")?.to_string(),
                    default_branch: o.opt_str("default_branch")?.unwrap_or("main").to_string(),
                    id: o.map.get("id").and_then(Value::as_u64),
                    owner_id: owner.map.get("id").and_then(Value::as_u64),
                    at: at(&o.path),
                });
                Ok(())
            });
        }
        Call::OrgTemplate | Call::RepoTemplate(..) => {
            let o = Obj::new(value, "$".into())?;
            let keys = match o.map.get("include_claim_keys") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
                Some(other) => {
                    return Err((
                        o.at("include_claim_keys"),
                        format!("expected a list of claim names, found {}", type_name(other)),
                    )
                        .into());
                }
            };
            let t = Template {
                use_default: o.opt_bool("use_default")?.unwrap_or(false),
                keys,
                at: at("$"),
            };
            match call {
                Call::RepoTemplate(ow, r) => {
                    org.templates.insert(key(ow, r), t);
                }
                _ => org.org_template = Some(t),
            }
        }
        Call::Environments(ow, r) => {
            let (list, base) = items(value, Some("environments"))?;
            let mut envs = Vec::new();
            each(list, &base, out, |o| {
                let rules: Vec<&str> = o
                    .map
                    .get("protection_rules")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(|r| r.get("type")?.as_str()).collect())
                    .unwrap_or_default();
                let policy = o
                    .map
                    .get("deployment_branch_policy")
                    .filter(|v| !v.is_null())
                    .is_some();
                envs.push(Environment {
                    name: o.req_str("name")?.to_string(),
                    reviewers: rules.contains(&"required_reviewers"),
                    branch_policy: policy || rules.contains(&"branch_policy"),
                    at: at(&o.path),
                });
                Ok(())
            });
            org.environments.entry(key(ow, r)).or_default().extend(envs);
        }
        Call::Branches(ow, r) => {
            let (list, base) = items(value, None)?;
            let mut bs = Vec::new();
            each(list, &base, out, |o| {
                bs.push((
                    o.req_str("name")?.to_string(),
                    o.opt_bool("protected")?.unwrap_or(false),
                ));
                Ok(())
            });
            org.branches.entry(key(ow, r)).or_default().extend(bs);
        }
        Call::Collaborators(ow, r) => {
            let (list, base) = items(value, None)?;
            let mut cs = Vec::new();
            each(list, &base, out, |o| {
                let perms = o.map.get("permissions");
                let has =
                    |k: &str| perms.and_then(|p| p.get(k)).and_then(Value::as_bool) == Some(true);
                let level = match o.opt_str("role_name")? {
                    Some("admin") => Level::Admin,
                    Some("maintain") => Level::Maintain,
                    Some("write") => Level::Write,
                    Some("triage") => Level::Triage,
                    Some("read") => Level::Read,
                    _ if has("admin") => Level::Admin,
                    _ if has("maintain") => Level::Maintain,
                    _ if has("push") => Level::Write,
                    _ if has("triage") => Level::Triage,
                    _ => Level::Read,
                };
                cs.push(Collaborator {
                    login: o.req_str("login")?.to_string(),
                    level,
                    at: at(&o.path),
                });
                Ok(())
            });
            org.collaborators.entry(key(ow, r)).or_default().extend(cs);
        }
        Call::Installations => {
            let (list, base) = items(value, Some("installations"))?;
            let mut gs = Vec::new();
            each(list, &base, out, |o| {
                let id = id_of(o)?;
                let perms = o
                    .map
                    .get("permissions")
                    .filter(|v| v.is_object())
                    .map(|p| Obj::new(p, o.at("permissions")))
                    .transpose()?;
                gs.push(Grant {
                    id,
                    label: o.opt_str("app_slug")?.unwrap_or("app").to_string(),
                    all: o.opt_str("repository_selection")? == Some("all"),
                    permissions: perms.as_ref().map(permissions).unwrap_or_default(),
                    expired: o.opt_str("suspended_at")?.is_some(),
                    at: at(&o.path),
                });
                Ok(())
            });
            org.installations.extend(gs);
        }
        Call::Tokens => {
            let (list, base) = items(value, None)?;
            let mut gs = Vec::new();
            each(list, &base, out, |o| {
                let id = id_of(o)?;
                let owner = o
                    .map
                    .get("owner")
                    .and_then(|x| x.get("login"))
                    .and_then(Value::as_str)
                    .unwrap_or("?");
                let repo_perms = o
                    .map
                    .get("permissions")
                    .and_then(|p| p.get("repository"))
                    .filter(|v| v.is_object())
                    .map(|p| Obj::new(p, o.at("permissions.repository")))
                    .transpose()?;
                gs.push(Grant {
                    id,
                    label: format!(
                        "{} of {owner}",
                        o.opt_str("token_name")?.unwrap_or("fine-grained token")
                    ),
                    all: o.opt_str("repository_selection")? == Some("all"),
                    permissions: repo_perms.as_ref().map(permissions).unwrap_or_default(),
                    expired: o.opt_bool("token_expired")?.unwrap_or(false),
                    at: at(&o.path),
                });
                Ok(())
            });
            org.tokens.extend(gs);
        }
        Call::InstallationRepos(id) | Call::TokenRepos(id) => {
            let field = if value.get("repositories").is_some() {
                Some("repositories")
            } else {
                None
            };
            let (list, base) = items(value, field)?;
            let mut rs = Vec::new();
            each(list, &base, out, |o| {
                let full = o.req_str("full_name")?;
                rs.push(full.to_ascii_lowercase());
                Ok(())
            });
            let tag = if matches!(call, Call::TokenRepos(_)) {
                "pat"
            } else {
                "app"
            };
            org.selected
                .entry(format!("{tag}:{id}"))
                .or_default()
                .extend(rs);
        }
    }
    Ok(())
}

// ------------------------------------------------------------------ rules

/// A run context of a repository's workflows and what stands before it.
struct Context {
    /// The default `sub` claim's context: `ref:refs/heads/B`,
    /// `environment:E`, `pull_request`.
    claim: String,
    /// What decides whether a writer's run gets there (none: nothing).
    guard: Option<String>,
    /// A repository admin can lift the guard.
    admin_lifts: bool,
    at: At,
}

pub(crate) fn emit(org: &Org, out: &mut EstateBuilder) {
    let mut added: HashSet<String> = HashSet::new();
    let mut node = |out: &mut EstateBuilder,
                    org: &Org,
                    id: &str,
                    name: String,
                    kind: &str,
                    class: Class,
                    at: &At| {
        if !added.insert(id.to_string()) || out.has_node(id) {
            return;
        }
        if let Some(f) = org.files.get(at.file) {
            out.select_input(f);
        }
        out.add_node(
            Node {
                id: id.to_string(),
                name,
                provider: "github".into(),
                kind: kind.into(),
                class,
                attrs: Attributes::default(),
            },
            &at.path,
        );
    };
    #[expect(
        clippy::too_many_arguments,
        reason = "one call site per rule reads best with its parts named in order"
    )]
    fn edge(
        out: &mut EstateBuilder,
        org: &Org,
        from: &str,
        to: &str,
        kind: EdgeKind,
        access: Option<AccessLevel>,
        mech: Option<&str>,
        at: &At,
        reason: String,
        cond: Option<String>,
    ) {
        let source = org.files.get(at.file).cloned().unwrap_or_default();
        out.select_input(&source);
        out.add_edge(Edge {
            id: None,
            from: from.to_string(),
            to: to.to_string(),
            kind,
            access,
            mechanism: mech.map(str::to_string),
            conditional: cond.is_some(),
            condition: cond,
            provenance: Provenance {
                source,
                location: at.path.clone(),
                reason,
            },
        });
    }

    for repo in &org.repos {
        let k = key(&repo.owner, &repo.name);
        let repo_id = ids::github_repo(&repo.owner, &repo.name);
        node(
            out,
            org,
            &repo_id,
            format!("{}/{}", repo.owner, repo.name),
            "github:repository",
            Class::Dataset,
            &repo.at,
        );

        // The run contexts: branches, environments, pull requests.
        let mut contexts = Vec::new();
        let branches: Vec<(String, bool)> = org
            .branches
            .get(&k)
            .cloned()
            .unwrap_or_else(|| vec![(repo.default_branch.clone(), false)]);
        for (b, protected) in &branches {
            contexts.push(Context {
                claim: format!("ref:refs/heads/{b}"),
                guard: protected.then(|| format!("branch {b} is protected: whether its rules (reviews, status checks) let this writer's change run there is not in the inputs")),
                admin_lifts: true,
                at: repo.at.clone(),
            });
        }
        for env in org.environments.get(&k).into_iter().flatten() {
            let mut guards = Vec::new();
            if env.reviewers {
                guards.push(format!(
                    "environment {} needs a required reviewer's approval",
                    env.name
                ));
            }
            if env.branch_policy {
                guards.push(format!(
                    "environment {} accepts only the branches its deployment policy allows",
                    env.name
                ));
            }
            contexts.push(Context {
                claim: format!("environment:{}", env.name),
                guard: (!guards.is_empty()).then(|| guards.join("; ")),
                admin_lifts: true,
                at: env.at.clone(),
            });
        }
        contexts.push(Context {
            claim: "pull_request".into(),
            guard: None,
            admin_lifts: false,
            at: repo.at.clone(),
        });

        // The `sub` template.
        let template = match org.templates.get(&k) {
            Some(t) if t.use_default => None,
            Some(t) if !t.keys.is_empty() => Some(t),
            Some(_) => org.org_template.as_ref().filter(|t| !t.keys.is_empty()),
            None => org.org_template.as_ref().filter(|t| !t.keys.is_empty()),
        };
        let mut subjects = Vec::new();
        for c in &contexts {
            let sub = match template {
                None => format!("repo:{}/{}:{}", repo.owner, repo.name, c.claim),
                Some(t) => match custom_sub(repo, &c.claim, &t.keys) {
                    Ok(s) => s,
                    Err(claim) => {
                        if let Some(f) = org.files.get(t.at.file) {
                            out.select_input(f);
                        }
                        out.warning_code(
                            Code::NotCollected,
                            t.at.path.clone(),
                            format!(
                                "{}/{}: the sub template includes `{claim}`, whose value each workflow run chooses: its Actions subjects are not derived",
                                repo.owner, repo.name
                            ),
                        );
                        break;
                    }
                },
            };
            let id = ids::github_actions_subject(&sub);
            node(
                out,
                org,
                &id,
                format!("{} sub={sub}", ids::GITHUB_ACTIONS_ISSUER),
                "github:workflow",
                Class::Workload,
                &c.at,
            );
            subjects.push((id, sub, c));
        }

        // Who writes, and what that makes them.
        let mut writers: Vec<(String, String, bool, bool, At)> = Vec::new(); // (id, label, admin, can_write_workflows, at)
        for c in org.collaborators.get(&k).into_iter().flatten() {
            let user = format!("github:user/{}", c.login.to_ascii_lowercase());
            node(
                out,
                org,
                &user,
                c.login.clone(),
                "github:user",
                Class::Human,
                &c.at,
            );
            if c.level >= Level::Write {
                writers.push((
                    user,
                    format!("collaborator {} ({:?})", c.login, c.level).to_lowercase(),
                    c.level == Level::Admin,
                    true,
                    c.at.clone(),
                ));
            } else {
                edge(
                    out,
                    org,
                    &user,
                    &repo_id,
                    EdgeKind::Access,
                    Some(AccessLevel::Read),
                    None,
                    &c.at,
                    format!(
                        "collaborator {} reads {}/{}",
                        c.login, repo.owner, repo.name
                    ),
                    None,
                );
            }
        }
        for (tag, grants) in [("app", &org.installations), ("pat", &org.tokens)] {
            for g in grants {
                let covers = g.all
                    || org
                        .selected
                        .get(&format!("{tag}:{}", g.id))
                        .is_some_and(|rs| rs.contains(&k));
                if !covers || g.expired {
                    continue;
                }
                let contents = g.permissions.get("contents").map(String::as_str);
                let workflows = g.permissions.get("workflows").map(String::as_str) == Some("write");
                let id = if tag == "app" {
                    ids::github_app(&g.label)
                } else {
                    format!("github:pat/{}", g.id)
                };
                let (kind, class) = if tag == "app" {
                    ("github:app", Class::Workload)
                } else {
                    ("github:token", Class::Credential)
                };
                node(out, org, &id, g.label.clone(), kind, class, &g.at);
                match contents {
                    Some("write") => {
                        writers.push((id, g.label.clone(), false, workflows, g.at.clone()))
                    }
                    Some("read") => edge(
                        out,
                        org,
                        &id,
                        &repo_id,
                        EdgeKind::Access,
                        Some(AccessLevel::Read),
                        None,
                        &g.at,
                        format!(
                            "{} reads {}/{} (contents: read)",
                            g.label, repo.owner, repo.name
                        ),
                        None,
                    ),
                    _ => {}
                }
            }
        }
        for (who, label, admin, workflows, at) in &writers {
            edge(
                out,
                org,
                who,
                &repo_id,
                EdgeKind::Access,
                Some(if *admin {
                    AccessLevel::Admin
                } else {
                    AccessLevel::Write
                }),
                None,
                at,
                format!("{label} pushes to {}/{}", repo.owner, repo.name),
                None,
            );
            for (sid, sub, c) in &subjects {
                let mut cond = c.guard.clone().filter(|_| !(*admin && c.admin_lifts));
                if !workflows {
                    cond = Some(match cond {
                        Some(g) => format!("{g}; without `workflows: write` only workflows already in the repository run, and whether one asks for an id-token is not in the inputs"),
                        None => "without `workflows: write` only workflows already in the repository run, and whether one asks for an id-token is not in the inputs".to_string(),
                    });
                }
                edge(
                    out,
                    org,
                    who,
                    sid,
                    EdgeKind::CanActAs,
                    None,
                    Some("github actions workflow"),
                    at,
                    format!(
                        "{label} pushes a workflow to {}/{} that runs as `{sub}` and asks GitHub for an OIDC token",
                        repo.owner, repo.name
                    ),
                    cond,
                );
            }
        }
    }
}

/// The `sub` claim under a customised template, or the claim whose value
/// the inputs cannot give.
fn custom_sub(repo: &Repo, context: &str, keys: &[String]) -> Result<String, String> {
    let mut parts = Vec::new();
    for k in keys {
        let v = match k.as_str() {
            "repo" | "repository" => format!("{}/{}", repo.owner, repo.name),
            "repository_owner" => repo.owner.clone(),
            "repository_id" => repo.id.map(|i| i.to_string()).ok_or_else(|| k.clone())?,
            "repository_owner_id" => repo
                .owner_id
                .map(|i| i.to_string())
                .ok_or_else(|| k.clone())?,
            "context" => {
                parts.push(context.to_string());
                continue;
            }
            _ => return Err(k.clone()),
        };
        parts.push(format!("{k}:{v}"));
    }
    Ok(parts.join(":"))
}
