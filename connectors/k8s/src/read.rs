//! Readers: the files of one cluster's folder into [`Cluster`].

use blastgraph_model::EstateBuilder;
use blastgraph_model::json::{Obj, RecordError};
use serde_json::Value;

/// What kind of file of the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `kubectl get … -o json`: `{"kind": "List", "items": [...]}`.
    List,
    /// The cluster's `/.well-known/openid-configuration`.
    OpenId,
    /// `aws eks describe-pod-identity-association`.
    PodIdentity,
    /// `blastgraph-inspected.json`: what `collect k8s
    /// --inspect-secret-values` found in secrets' values (never a value).
    Inspected,
}

/// Which file of the layout this is, by its content (and, for the issuer,
/// its name).
pub(crate) fn kind_of(path: &str, head: &[u8]) -> Option<Kind> {
    let text = String::from_utf8_lossy(head);
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !compact.trim_start_matches('\u{feff}').starts_with('{') {
        return None;
    }
    // kubectl writes `kind` after the items: the head may only show
    // `{"apiVersion": "v1", "items": [{… "kind": "ServiceAccount" …`.
    let list_head = compact
        .trim_start_matches('\u{feff}')
        .starts_with("{\"apiVersion\":\"v1\",\"items\":[");
    if (list_head || compact.contains("\"kind\":\"List\"")) && compact.contains("\"items\":") {
        return Some(Kind::List);
    }
    if path.ends_with("openid-configuration.json") && compact.contains("\"issuer\":") {
        return Some(Kind::OpenId);
    }
    if compact.contains("\"association\":{") && compact.contains("\"serviceAccount\"") {
        return Some(Kind::PodIdentity);
    }
    if blastgraph_model::credentials::is_inspected_file(path, head) {
        return Some(Kind::Inspected);
    }
    None
}

#[derive(Debug, Clone, Default)]
pub(crate) struct At {
    pub file: usize,
    pub path: String,
}

#[derive(Debug, Clone)]
pub(crate) struct ServiceAccount {
    pub ns: String,
    pub name: String,
    pub at: At,
}

#[derive(Debug, Clone)]
pub(crate) struct Secret {
    pub ns: String,
    pub name: String,
    /// `kubernetes.io/service-account-token`: the service account it holds
    /// a token of.
    pub token_of: Option<String>,
    /// The `credential-of` annotation or label.
    pub credential_of: Option<String>,
    pub at: At,
}

/// One rule of a role.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rule {
    pub groups: Vec<String>,
    pub resources: Vec<String>,
    pub verbs: Vec<String>,
    pub names: Vec<String>,
    pub index: usize,
}

impl Rule {
    /// Whether the rule allows `verb` on `group`/`resource` (and the object
    /// `name`, when one is asked for).
    pub fn allows(&self, verb: &str, group: &str, resource: &str, name: Option<&str>) -> bool {
        let any = |list: &[String], x: &str| list.iter().any(|v| v == "*" || v == x);
        any(&self.verbs, verb)
            && any(&self.groups, group)
            && any(&self.resources, resource)
            && (self.names.is_empty() || name.is_some_and(|n| self.names.iter().any(|x| x == n)))
    }
}

/// A Role (namespaced) or ClusterRole.
#[derive(Debug, Clone)]
pub(crate) struct Role {
    pub ns: Option<String>,
    pub name: String,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Subject {
    ServiceAccount { ns: String, name: String },
    User(String),
    Group(String),
}

/// A RoleBinding (namespaced) or ClusterRoleBinding.
#[derive(Debug, Clone)]
pub(crate) struct Binding {
    pub ns: Option<String>,
    pub name: String,
    /// `Role` or `ClusterRole`.
    pub role_kind: String,
    pub role_name: String,
    pub subjects: Vec<Subject>,
    pub at: At,
}

/// An EKS Pod Identity association.
#[derive(Debug, Clone)]
pub(crate) struct Association {
    pub ns: String,
    pub sa: String,
    pub role_arn: String,
    pub at: At,
}

/// Everything read from one cluster's folder.
#[derive(Debug, Default)]
pub(crate) struct Cluster {
    pub name: String,
    pub files: Vec<String>,
    pub issuer: Option<(String, At)>,
    pub service_accounts: Vec<ServiceAccount>,
    pub secrets: Vec<Secret>,
    pub roles: Vec<Role>,
    pub bindings: Vec<Binding>,
    pub associations: Vec<Association>,
    /// `--inspect-secret-values`: the credentials secrets' values hold
    /// (namespace, secret, what was found; never the value).
    pub inspected: Vec<(String, String, blastgraph_model::credentials::Finding, At)>,
}

impl Cluster {
    pub fn new(name: &str) -> Self {
        Cluster {
            name: name.to_string(),
            ..Cluster::default()
        }
    }

    pub fn file(&mut self, path: &str) -> usize {
        self.files.push(path.to_string());
        self.files.len() - 1
    }
}

/// A string field of a string map (`annotations`, `labels`).
fn map_get<'v>(o: &Obj<'v>, map: &str, key: &str) -> Option<&'v str> {
    o.map.get(map)?.get(key)?.as_str()
}

/// Reads one file; a file whose top level is wrong is the error returned.
pub(crate) fn file(
    c: &mut Cluster,
    file: usize,
    kind: Kind,
    value: &Value,
    out: &mut EstateBuilder,
) -> Result<(), RecordError> {
    let top = Obj::new(value, "$".into())?;
    match kind {
        Kind::OpenId => {
            let issuer = top.req_str("issuer")?;
            c.issuer = Some((
                issuer.to_string(),
                At {
                    file,
                    path: "$.issuer".into(),
                },
            ));
        }
        Kind::PodIdentity => {
            let a = Obj::new(
                top.map.get("association").unwrap_or(&Value::Null),
                "$.association".into(),
            )?;
            c.associations.push(Association {
                ns: a.req_str("namespace")?.to_string(),
                sa: a.req_str("serviceAccount")?.to_string(),
                role_arn: a.req_str("roleArn")?.to_string(),
                at: At {
                    file,
                    path: a.path.clone(),
                },
            });
        }
        Kind::Inspected => inspected(c, file, &top, out)?,
        Kind::List => {
            let mut values_seen = false;
            let inspect = out.inspect_values();
            blastgraph_model::json::for_each_record(&top, "items", out, |o, _| {
                item(c, file, o, &mut values_seen, inspect)
            });
            if values_seen && !inspect {
                out.warning(
                    "$.items",
                    "secrets here carry their values (`data`): blastgraph never reads them, but the file holds them — strip them when exporting (docs/k8s-raw-layout.md)",
                );
            }
        }
    }
    Ok(())
}

/// What a live collection found in secrets' values: each credential a
/// hint on its secret, only with `--inspect-secret-values` (without it the
/// file is skipped); a bad entry is reported and the others kept.
fn inspected(
    c: &mut Cluster,
    file: usize,
    top: &Obj<'_>,
    out: &mut EstateBuilder,
) -> Result<(), RecordError> {
    for entry in blastgraph_model::credentials::read_inspected_file(top, out) {
        let Some((ns, name)) = entry.secret.split_once('/') else {
            out.error(
                format!("{}.secret", entry.at),
                format!("`{}`: expected NAMESPACE/NAME; skipped", entry.secret),
            );
            continue;
        };
        for (f, path) in entry.found {
            c.inspected
                .push((ns.to_string(), name.to_string(), f, At { file, path }));
        }
    }
    Ok(())
}

fn item(
    c: &mut Cluster,
    file: usize,
    o: &Obj<'_>,
    values_seen: &mut bool,
    inspect: bool,
) -> Result<(), RecordError> {
    let kind = o.req_str("kind")?;
    let meta = Obj::new(
        o.map.get("metadata").unwrap_or(&Value::Null),
        o.at("metadata"),
    )?;
    let name = meta.req_str("name")?.to_string();
    let ns = meta.opt_str("namespace")?.map(str::to_string);
    let at = At {
        file,
        path: o.path.clone(),
    };
    let need_ns = |ns: Option<String>| {
        ns.ok_or_else(|| {
            RecordError::from((
                meta.at("namespace"),
                format!("a {kind} needs its namespace"),
            ))
        })
    };
    match kind {
        "ServiceAccount" => c.service_accounts.push(ServiceAccount {
            ns: need_ns(ns)?,
            name,
            at,
        }),
        "Secret" => {
            *values_seen |= o.map.contains_key("data") || o.map.contains_key("stringData");
            let typ = o.opt_str("type")?.unwrap_or("Opaque");
            let token_of = (typ == "kubernetes.io/service-account-token")
                .then(|| map_get(&meta, "annotations", "kubernetes.io/service-account.name"))
                .flatten()
                .map(str::to_string);
            let credential_of = blastgraph_model::ids::credential_of(
                ["annotations", "labels"]
                    .iter()
                    .filter_map(|m| meta.map.get(*m)?.as_object())
                    .flat_map(|m| {
                        m.iter()
                            .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
                    }),
            )
            .map(str::to_string);
            if inspect && let Some(Value::Object(data)) = o.map.get("data") {
                for f in scan_secret_data(data) {
                    c.inspected.push((
                        ns.clone().unwrap_or_default(),
                        name.clone(),
                        f,
                        At {
                            file,
                            path: o.at("data"),
                        },
                    ));
                }
            }
            c.secrets.push(Secret {
                ns: need_ns(ns)?,
                name,
                token_of,
                credential_of,
                at,
            });
        }
        "Role" | "ClusterRole" => {
            let mut rules = Vec::new();
            if let Some(Value::Array(items)) = o.map.get("rules") {
                for (i, r) in items.iter().enumerate() {
                    let r = Obj::new(r, format!("{}[{i}]", o.at("rules")))?;
                    rules.push(Rule {
                        groups: r.opt_strs("apiGroups")?,
                        resources: r.opt_strs("resources")?,
                        verbs: r.opt_strs("verbs")?,
                        names: r.opt_strs("resourceNames")?,
                        index: i,
                    });
                }
            }
            c.roles.push(Role {
                ns: if kind == "Role" {
                    Some(need_ns(ns)?)
                } else {
                    None
                },
                name,
                rules,
            });
        }
        "RoleBinding" | "ClusterRoleBinding" => {
            let r = Obj::new(
                o.map.get("roleRef").unwrap_or(&Value::Null),
                o.at("roleRef"),
            )?;
            let mut subjects = Vec::new();
            if let Some(Value::Array(items)) = o.map.get("subjects") {
                for (i, s) in items.iter().enumerate() {
                    let s = Obj::new(s, format!("{}[{i}]", o.at("subjects")))?;
                    let sname = s.req_str("name")?.to_string();
                    subjects.push(match s.req_str("kind")? {
                        "ServiceAccount" => Subject::ServiceAccount {
                            // A RoleBinding's service account defaults to
                            // the binding's namespace.
                            ns: s
                                .opt_str("namespace")?
                                .map(str::to_string)
                                .or_else(|| ns.clone())
                                .ok_or_else(|| {
                                    RecordError::from((s.at("namespace"), "a ServiceAccount subject needs its namespace".to_string()))
                                })?,
                            name: sname,
                        },
                        "User" => Subject::User(sname),
                        "Group" => Subject::Group(sname),
                        other => {
                            return Err((s.at("kind"), format!("unknown subject kind `{other}`, expected ServiceAccount, User or Group")).into());
                        }
                    });
                }
            }
            c.bindings.push(Binding {
                ns: if kind == "RoleBinding" {
                    Some(need_ns(ns)?)
                } else {
                    None
                },
                name,
                role_kind: r.req_str("kind")?.to_string(),
                role_name: r.req_str("name")?.to_string(),
                subjects,
                at,
            });
        }
        _ => {}
    }
    Ok(())
}

/// Standard base64 (what a Secret's `data` holds), leniently: what does
/// not decode is dropped.
/// The credentials a secret's `data` holds (its values base64, as the API
/// returns them): decoded in memory as `key: value` lines, scanned, and
/// dropped; only the findings (never a value) are returned. The offline
/// reader and `collect k8s --inspect-secret-values` both use it.
pub fn scan_secret_data(
    data: &serde_json::Map<String, Value>,
) -> Vec<blastgraph_model::credentials::Finding> {
    let text: String = data
        .iter()
        .map(|(k, v)| format!("{k}: {}\n", v.as_str().map(base64).unwrap_or_default()))
        .collect();
    blastgraph_model::credentials::scan(&text)
}

fn base64(s: &str) -> String {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in s.bytes().filter_map(val) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_decodes_what_secrets_hold() {
        assert_eq!(
            super::base64("U0VFREVELUs4Uy1WQUxVRQ=="),
            "SEEDED-K8S-VALUE"
        );
        assert_eq!(super::base64("aGk="), "hi");
    }
}
