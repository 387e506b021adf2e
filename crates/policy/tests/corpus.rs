//! Runs the declarative policy corpus in `tests/corpus/*.json`.
//!
//! Each file is `{"about": "...", "cases": [...]}`; each case is
//!
//! ```text
//! { "name", "note",
//!   "policies": { "identity": [doc...], "resource": [...], "boundary": [doc],
//!                 "session": [...], "scp": [[level 0 docs], [level 1]...], "rcp": [[...]] },
//!   "resource_policy_required": bool,              // trust and KMS key policies
//!   "request": { "principal": {...}, "action", "resource", "resource_account",
//!                "context": {"key": ["v", ...]}, "absent": ["key"], "closed": bool,
//!                "closed_prefixes": ["aws:ResourceTag/", ...] },
//!   "expected": "allowed" | "implicit_deny" | "explicit_deny",
//!   "conditional": bool,
//!   optional: "deny_reason", "allowed_by", "denied_by", "undecided" (lists of `policy#index`),
//!             "problems" (JSON paths of every parse problem, in order) }
//! ```
//!
//! A document is a JSON object or a string (JSON or URL-encoded). Policies
//! are named `identity[0]`, `scp[1][0]`, ... A principal is
//! `{"type": "user"|"group_member"|"some_role"|"role"|"assumed_role"|"root"|"federated_user"|"service"|"web_identity"|"saml"|"anonymous", ...}`
//! with `arn`, `group`, `session`, `account`, `user_arn`, `name`, `provider`, and
//! optionally `tags`, `unique_id`, `service_linked`, `canonical_id`.
//!
//! Every failing case is reported, with expected and actual results.

use std::path::Path;

use blastgraph_policy::{
    Context, Decision, DenyReason, Evaluation, Policy, PolicySet, Principal, Request, RequestTime,
    evaluate, keys::KEYS,
};
use serde_json::Value;

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn principal(v: &Value) -> Result<Principal, String> {
    let t = s(v, "type").ok_or("principal has no `type`")?;
    let need = |k: &str| s(v, k).ok_or_else(|| format!("principal of type `{t}` needs `{k}`"));
    let mut p = match t {
        "user" => Principal::user(need("arn")?).map_err(|e| e.to_string())?,
        "group_member" => Principal::group_member(need("group")?).map_err(|e| e.to_string())?,
        "some_role" => Principal::some_role("aws", need("account")?),
        "role" => {
            Principal::role_session(need("arn")?, s(v, "session")).map_err(|e| e.to_string())?
        }
        "assumed_role" => Principal::assumed_role(need("arn")?).map_err(|e| e.to_string())?,
        "root" => Principal::root(need("account")?),
        "federated_user" => {
            Principal::federated_user(need("arn")?, s(v, "user_arn")).map_err(|e| e.to_string())?
        }
        "service" => Principal::service(need("name")?),
        "web_identity" => Principal::web_identity(need("provider")?),
        "saml" => Principal::saml(need("provider")?),
        "anonymous" => Principal::anonymous(),
        other => return Err(format!("unknown principal type `{other}`")),
    };
    if let Some(tags) = v.get("tags").and_then(Value::as_object) {
        p = p.with_tags(
            tags.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())),
        );
    }
    if let Some(id) = s(v, "unique_id") {
        p = p.with_unique_id(id);
    }
    if let Some(b) = v.get("service_linked").and_then(Value::as_bool) {
        p = p.with_service_linked(b);
    }
    if let Some(c) = s(v, "canonical_id") {
        p = p.with_canonical_id(c);
    }
    if let Some(t) = v.get("request_time") {
        let (text, exact) = match (s(t, "exact"), s(t, "not_before")) {
            (Some(x), _) => (x, true),
            (None, Some(x)) => (x, false),
            _ => return Err("`request_time` needs `exact` or `not_before`".into()),
        };
        let ms = RequestTime::parse_millis(text).ok_or("`request_time` is not a date")?;
        p = p.with_request_time(if exact {
            RequestTime::exact(ms)
        } else {
            RequestTime::not_before(ms)
        });
    }
    match v.get("organization") {
        Some(Value::String(none)) if none == "none" => p = p.without_organization(),
        Some(o) => {
            let paths = o
                .get("paths")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect();
            p = p.with_organization(s(o, "id").ok_or("`organization` needs `id`")?, paths);
        }
        None => {}
    }
    Ok(p)
}

struct Loaded {
    identity: Vec<Policy>,
    resource: Vec<Policy>,
    boundary: Option<Policy>,
    session: Vec<Policy>,
    scp: Vec<Vec<Policy>>,
    rcp: Vec<Vec<Policy>>,
    problems: Vec<String>,
}

fn load(policies: &Value) -> Result<Loaded, String> {
    let mut problems = Vec::new();
    let mut one = |name: String, doc: &Value| -> Result<Policy, String> {
        let parsed = Policy::from_value(&name, doc).map_err(|e| e.to_string())?;
        problems.extend(parsed.problems.iter().map(|p| format!("{name}:{}", p.path)));
        Ok(parsed.policy)
    };
    let list = |v: Option<&Value>| v.and_then(Value::as_array).cloned().unwrap_or_default();
    let flat = |kind: &str, one: &mut dyn FnMut(String, &Value) -> Result<Policy, String>| {
        list(policies.get(kind))
            .iter()
            .enumerate()
            .map(|(i, d)| one(format!("{kind}[{i}]"), d))
            .collect::<Result<Vec<_>, _>>()
    };
    let identity = flat("identity", &mut one)?;
    let resource = flat("resource", &mut one)?;
    let session = flat("session", &mut one)?;
    let mut boundary = flat("boundary", &mut one)?;
    let levels = |kind: &str, one: &mut dyn FnMut(String, &Value) -> Result<Policy, String>| {
        list(policies.get(kind))
            .iter()
            .enumerate()
            .map(|(l, level)| {
                list(Some(level))
                    .iter()
                    .enumerate()
                    .map(|(i, d)| one(format!("{kind}[{l}][{i}]"), d))
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<Vec<_>, _>>()
    };
    let scp = levels("scp", &mut one)?;
    let rcp = levels("rcp", &mut one)?;
    let boundary = if boundary.is_empty() {
        None
    } else {
        Some(boundary.remove(0))
    };
    Ok(Loaded {
        identity,
        resource,
        boundary,
        session,
        scp,
        rcp,
        problems,
    })
}

fn context(req: &Value) -> Context {
    let mut ctx = if req.get("closed").and_then(Value::as_bool) == Some(true) {
        Context::closed()
    } else {
        Context::new()
    };
    if let Some(map) = req.get("context").and_then(Value::as_object) {
        for (k, v) in map {
            let values: Vec<String> = match v {
                Value::Array(items) => items
                    .iter()
                    .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
                    .collect(),
                Value::String(x) => vec![x.clone()],
                other => vec![other.to_string()],
            };
            ctx.set(k, values);
        }
    }
    for p in req
        .get("closed_prefixes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(p) = p.as_str() {
            ctx = ctx.with_closed_prefix(p);
        }
    }
    for k in req
        .get("absent")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(k) = k.as_str() {
            ctx.set_absent(k);
        }
    }
    ctx
}

fn refs(list: &[blastgraph_policy::StatementRef<'_>]) -> Vec<String> {
    list.iter()
        .map(|r| format!("{}#{}", r.policy_name(), r.index()))
        .collect()
}

fn reason_name(r: Option<DenyReason>) -> String {
    match r {
        None => "none".into(),
        Some(DenyReason::ExplicitDeny) => "explicit_deny".into(),
        Some(DenyReason::NoAllow) => "no_allow".into(),
        Some(DenyReason::ResourcePolicy) => "resource_policy".into(),
        Some(DenyReason::IdentityPolicy) => "identity_policy".into(),
        Some(DenyReason::PermissionsBoundary) => "permissions_boundary".into(),
        Some(DenyReason::SessionPolicy) => "session_policy".into(),
        Some(DenyReason::Scp { level }) => format!("scp:{level}"),
        Some(DenyReason::Rcp { level }) => format!("rcp:{level}"),
    }
}

fn describe(e: &Evaluation<'_>) -> String {
    let d = match e.decision {
        Decision::Allowed => "allowed",
        Decision::ImplicitDeny => "implicit_deny",
        Decision::ExplicitDeny => "explicit_deny",
    };
    format!(
        "{d} conditional={} reason={} allowed_by={:?} denied_by={:?} undecided={:?}",
        e.conditional,
        reason_name(e.deny_reason),
        refs(&e.allowed_by),
        refs(&e.denied_by),
        refs(&e.undecided)
    )
}

fn run_case(case: &Value) -> Result<(), String> {
    let loaded = load(case.get("policies").unwrap_or(&Value::Null))?;
    let req = case.get("request").ok_or("no `request`")?;
    let principal = principal(req.get("principal").ok_or("no `request.principal`")?)?;
    let ctx = context(req);
    let action = s(req, "action").ok_or("no `request.action`")?;
    let resource = s(req, "resource").unwrap_or("*");
    let mut request = Request::new(&principal, action, resource).with_context(&ctx);
    if let Some(a) = s(req, "resource_account") {
        request = request.with_resource_account(a);
    }
    let identity: Vec<&Policy> = loaded.identity.iter().collect();
    let resource_p: Vec<&Policy> = loaded.resource.iter().collect();
    let session: Vec<&Policy> = loaded.session.iter().collect();
    let scp: Vec<Vec<&Policy>> = loaded.scp.iter().map(|l| l.iter().collect()).collect();
    let rcp: Vec<Vec<&Policy>> = loaded.rcp.iter().map(|l| l.iter().collect()).collect();
    let set = PolicySet {
        identity: &identity,
        resource: &resource_p,
        boundary: loaded.boundary.as_ref(),
        session: &session,
        scp: &scp,
        rcp: &rcp,
        resource_policy_required: case
            .get("resource_policy_required")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    };
    let e = evaluate(&request, &set);
    let mut wrong = Vec::new();
    let expected = s(case, "expected").ok_or("no `expected`")?;
    let got = match e.decision {
        Decision::Allowed => "allowed",
        Decision::ImplicitDeny => "implicit_deny",
        Decision::ExplicitDeny => "explicit_deny",
    };
    if got != expected {
        wrong.push(format!("decision: expected {expected}, got {got}"));
    }
    let want_cond = case
        .get("conditional")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if e.conditional != want_cond {
        wrong.push(format!(
            "conditional: expected {want_cond}, got {}",
            e.conditional
        ));
    }
    if let Some(r) = s(case, "deny_reason").filter(|r| reason_name(e.deny_reason) != *r) {
        wrong.push(format!(
            "deny_reason: expected {r}, got {}",
            reason_name(e.deny_reason)
        ));
    }
    for (key, list) in [
        ("allowed_by", &e.allowed_by),
        ("denied_by", &e.denied_by),
        ("undecided", &e.undecided),
    ] {
        if let Some(want) = case.get(key).and_then(Value::as_array) {
            let want: Vec<String> = want
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            let got = refs(list);
            if want != got {
                wrong.push(format!("{key}: expected {want:?}, got {got:?}"));
            }
        }
    }
    if let Some(want) = case.get("undecided_keys") {
        let got: Vec<(String, String)> = e
            .undecided_keys
            .iter()
            .map(|(k, c)| (k.clone(), c.as_str().to_owned()))
            .collect();
        let want: Vec<(String, String)> =
            serde_json::from_value(want.clone()).map_err(|e| format!("`undecided_keys`: {e}"))?;
        if want != got {
            wrong.push(format!("undecided_keys: expected {want:?}, got {got:?}"));
        }
    }
    if let Some(want) = case.get("chosen") {
        let want: Vec<(String, Option<String>)> =
            serde_json::from_value(want.clone()).map_err(|e| format!("`chosen`: {e}"))?;
        if want != e.chosen {
            wrong.push(format!("chosen: expected {want:?}, got {:?}", e.chosen));
        }
    }
    if let Some(want) = case.get("problems").and_then(Value::as_array) {
        let want: Vec<String> = want
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if want != loaded.problems {
            wrong.push(format!(
                "problems: expected {want:?}, got {:?}",
                loaded.problems
            ));
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n      got: {}",
            wrong.join("\n      "),
            describe(&e)
        ))
    }
}

#[test]
fn corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    let mut total = 0;
    let mut failures = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    let mut rows = std::collections::BTreeSet::new();
    for file in &files {
        let fname = file.file_name().unwrap().to_string_lossy().into_owned();
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap())
            .unwrap_or_else(|e| panic!("{fname}: not JSON: {e}"));
        let cases = doc
            .get("cases")
            .and_then(Value::as_array)
            .unwrap_or_else(|| panic!("{fname}: no `cases` array"));
        println!("{fname}: {} cases", cases.len());
        for case in cases {
            total += 1;
            let name = s(case, "name").unwrap_or("<unnamed>").to_owned();
            if !names.insert(name.clone()) {
                failures.push(format!("{fname}: {name}\n      duplicate case name"));
            }
            if s(case, "note").is_none_or(str::is_empty) {
                failures.push(format!(
                    "{fname}: {name}\n      no `note` citing the documented rule"
                ));
            }
            if let Some(row) = s(case, "row") {
                rows.insert(row.to_ascii_lowercase());
            }
            if let Err(msg) = run_case(case) {
                failures.push(format!("{fname}: {name}\n      {msg}"));
            }
        }
    }
    println!("{total} cases in {} files", files.len());
    // docs/condition-keys.md: a case for every row of the key table
    for r in KEYS {
        if !rows.contains(&r.key.to_ascii_lowercase()) {
            failures.push(format!(
                "condition key table row `{}` has no case (`\"row\"`)",
                r.key
            ));
        }
    }
    if total < 200 {
        failures.push(format!(
            "the corpus must have at least 200 cases, has {total}"
        ));
    }
    if !failures.is_empty() {
        panic!(
            "{} of {total} corpus cases failed:\n  {}",
            failures.len(),
            failures.join("\n  ")
        );
    }
}
