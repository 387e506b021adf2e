//! Raw files into facts: the authorization details (users, groups, roles,
//! managed policies, trust documents) validated record by record into the
//! [`Reader`]'s tables, and the helpers that read their fields.

use super::*;

/// The lists of `aws iam get-account-authorization-details`.
pub(crate) const AUTH_DETAILS_KEYS: [&str; 4] = [
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
];

impl Reader {
    pub(crate) fn new() -> Self {
        Reader {
            facts: Facts {
                files: Vec::new(),
                docs: Vec::new(),
                managed: HashMap::new(),
                other_versions: HashMap::new(),
                policy_versions: HashMap::new(),
                idents: Vec::new(),
                group_by_name: HashMap::new(),
                accounts: BTreeSet::new(),
                nodes_added: BTreeSet::new(),
                ident_by_arn: HashMap::new(),
                doc_by_name: HashMap::new(),
                doc_by_addr: HashMap::new(),
                profile_role: HashMap::new(),
                role_by_name: std::sync::OnceLock::new(),
                write_index: std::sync::OnceLock::new(),
                batch: std::sync::OnceLock::new(),
                service_linked: std::sync::OnceLock::new(),
                instance_profiles: HashMap::new(),
                admin_candidates: std::sync::OnceLock::new(),
                inv: inventory::Inventory::default(),
                newest_date: None,
                account_oldest: HashMap::new(),
                bounded: HashMap::new(),
                local: None,
                claims: None,
                claimed: Vec::new(),
                global_sources: std::sync::Arc::default(),
                global_raw: false,
            },
            file: 0,
            user_groups: Vec::new(),
        }
    }

    /// Starts reading a new file.
    pub(crate) fn begin_file(&mut self, path: &str) {
        self.facts.files.push(path.to_string());
        self.file = self.facts.files.len() - 1;
    }

    /// Reads one authorization-details document.
    pub(crate) fn read_auth_details(
        &mut self,
        path: &str,
        bytes: &[u8],
        out: &mut EstateBuilder,
    ) -> Result<(), IngestError> {
        let doc = read_document(path, bytes, out)?;
        self.read_auth_details_doc(path, &doc, out)
    }

    /// Reads one parsed authorization-details document.
    fn read_auth_details_doc(
        &mut self,
        path: &str,
        doc: &Value,
        out: &mut EstateBuilder,
    ) -> Result<(), IngestError> {
        let top = Obj::new(doc, "$".into()).map_err(
            |RecordError {
                 location, message, ..
             }| IngestError::Shape {
                file: path.to_string(),
                location,
                message,
            },
        )?;
        if !AUTH_DETAILS_KEYS.iter().any(|k| top.map.contains_key(*k)) {
            return Err(IngestError::Shape {
                file: path.to_string(),
                location: "$".into(),
                message: "expected the output of `aws iam get-account-authorization-details` \
                          (UserDetailList, GroupDetailList, RoleDetailList, Policies)"
                    .into(),
            });
        }
        for key in top.unknown_keys(&[
            "UserDetailList",
            "GroupDetailList",
            "RoleDetailList",
            "Policies",
            "IsTruncated",
            "Marker",
        ]) {
            out.warning_code(
                blastgraph_model::Code::UnknownField,
                top.at(key),
                format!("unknown field `{key}` ignored"),
            );
        }
        if top.map.get("IsTruncated") == Some(&Value::Bool(true)) {
            out.warning_code(
                blastgraph_model::Code::IncompletePage,
                top.at("IsTruncated"),
                "the output is truncated (one page of a paginated call); identities and policies \
                 on other pages are missing",
            );
        }
        self.read(&top, out);
        Ok(())
    }

    /// Reads one file: authorization details (recognised by content, any
    /// name) or a file of the raw layout (recognised by its path).
    pub(crate) fn read_file(
        &mut self,
        path: &str,
        bytes: &[u8],
        out: &mut EstateBuilder,
    ) -> Result<(), IngestError> {
        let head = &bytes[..bytes.len().min(4096)];
        if is_auth_details(head) || layout::classify(path).is_none() {
            return self.read_auth_details(path, bytes, out);
        }
        self.read_raw(path, bytes, out)
    }

    /// Reads one parsed file as [`Reader::read_file`] reads its bytes (`org`
    /// gives another account's pass the exposed records of a file this
    /// way): authorization details by their keys, else by the layout.
    pub(crate) fn read_parsed(
        &mut self,
        path: &str,
        doc: &Value,
        out: &mut EstateBuilder,
    ) -> Result<(), IngestError> {
        let auth = AUTH_DETAILS_KEYS.iter().any(|k| doc.get(k).is_some());
        if auth || layout::classify(path).is_none() {
            return self.read_auth_details_doc(path, doc, out);
        }
        self.read_raw_parsed(path, doc, out)
    }

    /// Links what was read and emits every node and edge (one account at a
    /// time with `by_account`).
    pub(crate) fn finish(mut self, out: &mut EstateBuilder, by_account: bool) {
        self.add_bounded_identities(out);
        self.freeze();
        self.link_inventory(out);
        self.stamp_principals();
        // One account at a time (`Facts::local`): the unit a reader of one
        // account at a time will emit.
        let passes = self.facts.emitted_accounts();
        if !by_account || passes.len() <= 1 {
            self.emit(out);
        } else {
            for (i, account) in passes.into_iter().enumerate() {
                self.facts.local = Some((account, i == 0));
                self.emit(out);
            }
            self.facts.local = None;
        }
    }

    /// Links what was read and emits the nodes of `account` and its
    /// callers' edges (`org`). `read` says whether this pass read a file
    /// (`Some`) and counts it (`Some(true)`): the problems linking finds
    /// are reported only for the files it counts.
    pub(crate) fn finish_pass(
        mut self,
        out: &mut EstateBuilder,
        account: String,
        first: bool,
        read: impl Fn(&str) -> Option<bool>,
    ) {
        self.facts.local = Some((account, first));
        self.add_bounded_identities(out);
        self.freeze();
        let mut linking = EstateBuilder::new();
        for f in self.facts.files.iter().filter(|f| read(f).is_some()) {
            linking.begin_input(f, FORMAT, String::new(), 0);
        }
        self.link_inventory(&mut linking);
        for d in linking.finish().diagnostics {
            if read(&d.file) == Some(true) && out.select_input(&d.file) {
                out.report(d.severity, d.code, d.location, d.message);
            }
        }
        self.stamp_principals();
        self.emit(out);
    }

    /// Gives the reader of one account the organisation's values (`org`).
    pub(crate) fn set_globals(&mut self, g: &org::Globals) {
        self.facts.accounts.extend(g.accounts.iter().cloned());
        if let Some(d) = g.newest_date {
            self.facts.newest_date = Some(self.facts.newest_date.map_or(d, |n| n.max(d)));
        }
        self.facts.global_sources = std::sync::Arc::clone(&g.sources);
        self.facts.global_raw = g.raw;
        for r in &g.shared {
            self.facts.inv.put_shared(r.clone());
        }
    }

    /// Gives every user and role what decides the caller's condition keys
    /// beyond its own record: when its requests are made (docs/condition-keys.md:
    /// the collection time, exact from `collection.json`, else no earlier
    /// than the newest date in the inputs) and its organization.
    fn stamp_principals(&mut self) {
        let time = match (self.facts.inv.collected_at, self.facts.newest_date) {
            (Some(t), _) => Some(RequestTime::exact(t)),
            (None, Some(t)) => Some(RequestTime::not_before(t)),
            (None, None) => None,
        };
        let orgs: HashMap<String, Option<(String, Vec<String>)>> = self
            .facts
            .accounts
            .iter()
            .map(|a| (a.clone(), self.facts.org_of(a)))
            .collect();
        for ident in &mut self.facts.idents {
            let Some(p) = ident.principal.take() else {
                continue;
            };
            let mut p = match &time {
                Some(t) => p.with_request_time(t.clone()),
                None => p,
            };
            if let Some(Some((id, paths))) = orgs.get(&ident.account) {
                p = p.with_organization(id, paths.clone());
            }
            ident.principal = Some(p);
        }
    }

    /// Indexes the parsed documents by address; call once all files are read.
    pub(crate) fn freeze(&mut self) {
        self.facts.doc_by_addr = self
            .facts
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| (std::ptr::from_ref(&d.policy) as usize, i))
            .collect();
    }

    pub(crate) fn read(&mut self, top: &Obj<'_>, out: &mut EstateBuilder) {
        for (list, kind) in [
            ("Policies", None),
            ("GroupDetailList", Some(IdKind::Group)),
            ("UserDetailList", Some(IdKind::User)),
            ("RoleDetailList", Some(IdKind::Role)),
        ] {
            for_each_record(top, list, out, |o, out| match kind {
                None => self.read_managed(o, out),
                Some(k) => self.read_ident(o, k, out),
            });
        }
        // Resolve group memberships now that every group is known.
        for (user, names) in std::mem::take(&mut self.user_groups) {
            let account = self
                .facts
                .idents
                .get(user)
                .map(|u| u.account.clone())
                .unwrap_or_default();
            for (name, at) in names {
                match self.facts.group_by_name.get(&format!("{account}/{name}")) {
                    Some(&g) => {
                        if let Some(u) = self.facts.idents.get_mut(user).filter(|u| !u.groups.contains(&g)) {
                            u.groups.push(g);
                        }
                    }
                    None => out.warning_code(blastgraph_model::Code::UnresolvedReference,
                        at,
                        format!(
                            "group `{name}` is not in this file; its membership and policies are unknown"
                        ),
                    ),
                }
            }
        }
        self.read_instance_profiles(top, out);
    }

    /// Parses a policy document into the arena; errors are reported and
    /// give `None`.
    pub(crate) fn parse_doc(
        &mut self,
        name: String,
        value: &Value,
        path: String,
        arn: Option<String>,
        out: &mut EstateBuilder,
    ) -> Option<usize> {
        match Policy::from_value(&name, value) {
            Ok(parsed) if parsed.policy.statements().is_empty() && !parsed.problems.is_empty() => {
                let problems: Vec<String> =
                    parsed.problems.iter().map(ToString::to_string).collect();
                out.error_code(
                    blastgraph_model::Code::NotAPolicy,
                    path,
                    format!("not a policy document: {}", problems.join("; ")),
                );
                None
            }
            Ok(parsed) => {
                for p in &parsed.problems {
                    let mut msg = p.message.clone();
                    if p.statement_dropped {
                        msg.push_str("; statement skipped");
                    }
                    out.warning(format!("{path}.{}", p.path), msg);
                }
                self.facts
                    .doc_by_name
                    .entry(name.clone())
                    .or_insert(self.facts.docs.len());
                self.facts.docs.push(Doc {
                    policy: parsed.policy,
                    path,
                    file: self.file,
                    arn,
                });
                Some(self.facts.docs.len() - 1)
            }
            Err(e) => {
                out.error_code(
                    blastgraph_model::Code::NotAPolicy,
                    path,
                    format!("not a policy document: {e}"),
                );
                None
            }
        }
    }

    pub(crate) fn read_managed(&mut self, o: &Obj<'_>, out: &mut EstateBuilder) -> Result<(), Bad> {
        let arn = o.req_str("Arn")?;
        // Some producers (moto) omit `PolicyName`: fall back to the ARN's
        // last segment rather than lose the policy.
        let name = match o.opt_str("PolicyName")? {
            Some(n) if !n.trim().is_empty() => n,
            _ => {
                out.warning(
                    o.at("PolicyName"),
                    "missing `PolicyName`; the ARN's last segment is used",
                );
                arn.rsplit('/').next().unwrap_or(arn)
            }
        };
        let default_id = o.opt_str("DefaultVersionId")?;
        for key in ["CreateDate", "UpdateDate"] {
            if let Ok(Some(d)) = o.opt_str(key) {
                self.facts.saw_date(d);
            }
        }
        let versions = match o.map.get("PolicyVersionList") {
            Some(Value::Array(v)) => v,
            None | Some(Value::Null) => {
                return Err((
                    o.at("PolicyVersionList"),
                    "missing required field `PolicyVersionList`".into(),
                )
                    .into());
            }
            Some(other) => {
                return Err((
                    o.at("PolicyVersionList"),
                    format!("expected an array, found {}", type_name(other)),
                )
                    .into());
            }
        };
        let mut chosen = None;
        let mut others = Vec::new();
        for (j, v) in versions.iter().enumerate() {
            let vo = Obj::new(v, format!("{}[{j}]", o.at("PolicyVersionList")))?;
            let is_default = vo.opt_bool("IsDefaultVersion")?.unwrap_or(false)
                || (default_id.is_some() && vo.opt_str("VersionId")? == default_id);
            if is_default && chosen.is_none() {
                chosen = Some(vo);
            } else {
                others.push(vo);
            }
        }
        let Some(vo) = chosen else {
            return Err((
                o.at("PolicyVersionList"),
                "no default version (`IsDefaultVersion: true`) in the list".into(),
            )
                .into());
        };
        let Some(document) = vo.map.get("Document") else {
            return Err((
                vo.at("Document"),
                "missing required field `Document`".into(),
            )
                .into());
        };
        let taken = match &self.facts.claims {
            Some(claims) => claims.get(name).is_some_and(|a| a != arn),
            None => self
                .facts
                .doc_by_name
                .contains_key(&format!("managed policy {name}")),
        };
        let label = if taken {
            format!("managed policy {arn}")
        } else {
            format!("managed policy {name}")
        };
        if let Some(&known) = self.facts.managed.get(arn) {
            // AWS managed policies appear in every account's file.
            if arn.starts_with("arn:aws:iam::aws:")
                || self
                    .facts
                    .docs
                    .get(known)
                    .is_some_and(|d| d.file != self.file)
            {
                return Ok(());
            }
            return Err((
                o.at("Arn"),
                format!("duplicate managed policy `{arn}`; the first one is kept"),
            )
                .into());
        }
        // Non-default versions matter to iam:SetDefaultPolicyVersion.
        let mut kept = Vec::new();
        for other in &others {
            let (Some(doc), Some(vid)) = (other.map.get("Document"), other.opt_str("VersionId")?)
            else {
                continue;
            };
            if let Some(idx) = self.parse_doc(
                format!("{label} version {vid}"),
                doc,
                other.at("Document"),
                Some(arn.to_string()),
                out,
            ) {
                kept.push((idx, vid.to_string()));
            }
        }
        let short = !taken;
        if let Some(idx) = self.parse_doc(
            label,
            document,
            vo.at("Document"),
            Some(arn.to_string()),
            out,
        ) {
            if short {
                self.facts
                    .claimed
                    .push((name.to_string(), arn.to_string(), self.file));
            }
            self.facts.managed.insert(arn.to_string(), idx);
            self.facts
                .policy_versions
                .insert(arn.to_string(), versions.len());
            if !kept.is_empty() {
                self.facts.other_versions.insert(arn.to_string(), kept);
            }
        }
        Ok(())
    }

    pub(crate) fn read_ident(
        &mut self,
        o: &Obj<'_>,
        kind: IdKind,
        out: &mut EstateBuilder,
    ) -> Result<(), Bad> {
        let (name_key, inline_key, prefix, node_kind) = match kind {
            IdKind::User => ("UserName", "UserPolicyList", "user", "aws:user"),
            IdKind::Group => ("GroupName", "GroupPolicyList", "group", "aws:group"),
            IdKind::Role => ("RoleName", "RolePolicyList", "role", "aws:role"),
        };
        let arn = o.req_str("Arn")?;
        let name = o.req_str(name_key)?;
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let account = match parts.as_slice() {
            ["arn", _, "iam", "", account, res]
                if !account.is_empty() && res.starts_with(&format!("{prefix}/")) =>
            {
                (*account).to_string()
            }
            _ => {
                return Err((
                    o.at("Arn"),
                    format!(
                        "expected an IAM {prefix} ARN (arn:aws:iam::ACCOUNT:{prefix}/...), found `{arn}`"
                    ),
                ).into());
            }
        };
        if self.facts.ident_by_arn.contains_key(arn) {
            return Err((
                o.at("Arn"),
                format!("duplicate {prefix} `{arn}`; the first one is kept"),
            )
                .into());
        }
        let mut attrs = Attributes::default();
        if let Some(d) = o.opt_str("CreateDate")? {
            self.facts.saw_date(d);
            if let Some(t) = RequestTime::parse_millis(d) {
                let oldest = self
                    .facts
                    .account_oldest
                    .entry(account.clone())
                    .or_insert(t);
                *oldest = (*oldest).min(t);
            }
            attrs.created = Some(d.to_string());
        }
        if let Some(p) = o.opt_str("Path")? {
            attrs.tags.insert("aws:path".into(), p.to_string());
        }
        let tags = read_tags(o)?;
        for (k, v) in &tags {
            // The usual ownership tags fill the governance attributes.
            match k.to_ascii_lowercase().as_str() {
                "owner" | "team" if attrs.owner.is_none() => attrs.owner = Some(v.clone()),
                "environment" | "env" if attrs.environment.is_none() => {
                    attrs.environment = Some(v.clone());
                }
                _ => {}
            }
            attrs.tags.insert(k.clone(), v.clone());
        }
        if kind == IdKind::Role
            && let Some(Value::Array(profiles)) = o.map.get("InstanceProfileList")
        {
            for ip in profiles {
                if let Some(parn) = ip.get("Arn").and_then(Value::as_str) {
                    self.facts
                        .profile_role
                        .insert(parn.to_string(), arn.to_string());
                }
            }
        }
        if kind == IdKind::Role {
            match o.map.get("RoleLastUsed") {
                None | Some(Value::Null) => {}
                Some(v) => {
                    let lu = Obj::new(v, o.at("RoleLastUsed"))?;
                    attrs.last_used = lu.opt_str("LastUsedDate")?.map(str::to_string);
                    if let Some(d) = &attrs.last_used {
                        self.facts.saw_date(d);
                    }
                }
            }
        }
        let class = match kind {
            IdKind::Group => Class::Group,
            IdKind::Role => Class::Workload,
            IdKind::User => match tags
                .get(CLASS_TAG)
                .map(|s| s.to_ascii_lowercase())
                .as_deref()
            {
                Some("human") => Class::Human,
                Some("workload") | None => Class::Workload,
                Some(other) => {
                    out.warning(
                        o.at("Tags"),
                        format!("tag `{CLASS_TAG}` is `{other}`, expected `human` or `workload`; `workload` used"),
                    );
                    Class::Workload
                }
            },
        };
        // A group calls AWS through its members: "some member" (its tags
        // are the member's, unknown).
        let principal = match kind {
            IdKind::User => Principal::user(arn),
            IdKind::Role => Principal::role_session(arn, None),
            IdKind::Group => Principal::group_member(arn),
        };
        let principal = match principal {
            Ok(p) if kind == IdKind::Group => Some(p),
            Ok(p) => Some(p.with_tags(tags.iter().map(|(k, v)| (k.as_str(), v.clone())))),
            Err(e) => return Err((o.at("Arn"), e.to_string()).into()),
        };
        // Groups of a user, resolved later.
        let mut group_names = Vec::new();
        if kind == IdKind::User {
            match o.map.get("GroupList") {
                None | Some(Value::Null) => {}
                Some(Value::Array(gs)) => {
                    for (j, g) in gs.iter().enumerate() {
                        let at = format!("{}[{j}]", o.at("GroupList"));
                        match g {
                            Value::String(s) => group_names.push((s.clone(), at)),
                            other => out.warning(
                                at,
                                format!(
                                    "expected a group name, found {}; ignored",
                                    type_name(other)
                                ),
                            ),
                        }
                    }
                }
                Some(other) => {
                    return Err((
                        o.at("GroupList"),
                        format!(
                            "expected an array of group names, found {}",
                            type_name(other)
                        ),
                    )
                        .into());
                }
            }
        }
        let label = format!("{prefix}/{name}");
        // Inline policies.
        let mut policies = Vec::new();
        let inline = array_field(o, inline_key)?;
        for (j, p) in inline.iter().enumerate() {
            let po = Obj::new(p, format!("{}[{j}]", o.at(inline_key)))?;
            let pname = match po.opt_str("PolicyName")? {
                Some(n) if !n.trim().is_empty() => n.to_string(),
                _ => {
                    out.warning(
                        po.at("PolicyName"),
                        format!("missing `PolicyName`; named `#{j}` after its position"),
                    );
                    format!("#{j}")
                }
            };
            let Some(document) = po.map.get("PolicyDocument") else {
                return Err((
                    po.at("PolicyDocument"),
                    "missing required field `PolicyDocument`".into(),
                )
                    .into());
            };
            if let Some(idx) = self.parse_doc(
                format!("inline policy {pname} of {label}"),
                document,
                po.at("PolicyDocument"),
                None,
                out,
            ) {
                policies.push(idx);
            }
        }
        // Attached managed policies.
        let attached = array_field(o, "AttachedManagedPolicies")?;
        for (j, p) in attached.iter().enumerate() {
            let po = Obj::new(p, format!("{}[{j}]", o.at("AttachedManagedPolicies")))?;
            let parn = po.req_str("PolicyArn")?;
            match self.facts.managed.get(parn) {
                Some(&idx) => {
                    if !policies.contains(&idx) {
                        policies.push(idx);
                    }
                }
                None => out.warning_code(blastgraph_model::Code::UnresolvedReference,
                    po.at("PolicyArn"),
                    format!("managed policy `{parn}` is not in this file's `Policies`; its permissions are unknown"),
                ),
            }
        }
        // Permissions boundary.
        let mut boundary = None;
        match o.map.get("PermissionsBoundary") {
            None | Some(Value::Null) => {}
            Some(v) => {
                let bo = Obj::new(v, o.at("PermissionsBoundary"))?;
                if let Some(barn) = bo.opt_str("PermissionsBoundaryArn")? {
                    match self.facts.managed.get(barn) {
                        Some(&idx) => boundary = Some(idx),
                        None => {
                            // An unknown boundary can only remove permissions:
                            // reading without it over-approximates, so say so.
                            out.warning_code(blastgraph_model::Code::UnresolvedReference,
                                bo.at("PermissionsBoundaryArn"),
                                format!("permissions boundary `{barn}` is not in this file's `Policies`; it is ignored, which may over-approximate"),
                            );
                        }
                    }
                }
            }
        }
        // Trust policy.
        let (mut trust, mut trust_doc, mut trusted) = (None, None, None);
        if kind == IdKind::Role {
            match o.map.get("AssumeRolePolicyDocument") {
                None | Some(Value::Null) => out.warning(
                    o.at("AssumeRolePolicyDocument"),
                    "role has no trust policy; nobody can assume it",
                ),
                Some(v) => {
                    trust = self.parse_doc(
                        format!("trust policy of {label}"),
                        v,
                        o.at("AssumeRolePolicyDocument"),
                        None,
                        out,
                    );
                    if trust.is_some() {
                        let doc = decode_document(v);
                        trusted = doc.as_ref().and_then(trusted_aws_principals);
                        trust_doc = doc.filter(names_federated);
                    }
                }
            }
        }
        if !group_names.is_empty() {
            // Its groups, also when no `member_of` edge links them (a
            // capped member: `Facts::member_cap`).
            let names: Vec<&str> = group_names.iter().map(|(n, _)| n.as_str()).collect();
            attrs.tags.insert("aws:groups".into(), names.join(","));
        }
        out.add_node(
            Node {
                id: arn.to_string(),
                name: name.to_string(),
                provider: "aws".into(),
                kind: node_kind.into(),
                class,
                attrs,
            },
            &o.path,
        );
        self.facts.nodes_added.insert(arn.to_string());
        self.facts.accounts.insert(account.clone());
        let index = self.facts.idents.len();
        self.facts.ident_by_arn.insert(arn.to_string(), index);
        if kind == IdKind::Group {
            self.facts
                .group_by_name
                .insert(format!("{account}/{name}"), index);
        }
        if !group_names.is_empty() {
            self.user_groups.push((index, group_names));
        }
        self.facts.idents.push(Ident {
            kind,
            arn: arn.to_string(),
            label,
            account,
            path: o.path.clone(),
            file: self.file,
            policies,
            groups: Vec::new(),
            boundary,
            trust,
            trusted,
            trust_doc,
            principal,
            synthetic: false,
        });
        Ok(())
    }
}

/// `Tags: [{Key, Value}]` as a map.
pub(crate) fn read_tags(o: &Obj<'_>) -> Result<BTreeMap<String, String>, Bad> {
    let mut tags = BTreeMap::new();
    for (j, t) in array_field(o, "Tags")?.iter().enumerate() {
        let to = Obj::new(t, format!("{}[{j}]", o.at("Tags")))?;
        let key = to.req_str("Key")?;
        let value = to.opt_str("Value")?.unwrap_or("");
        tags.insert(key.to_string(), value.to_string());
    }
    Ok(tags)
}

/// An optional array field (absent or null is empty).
pub(crate) fn array_field<'a>(o: &Obj<'a>, key: &str) -> Result<&'a [Value], Bad> {
    match o.map.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err((
            o.at(key),
            format!("expected an array, found {}", type_name(other)),
        )
            .into()),
    }
}

/// A string or an array of strings, as policy elements allow.
pub(crate) fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// The statements of a decoded document with their indices.
pub(crate) fn statements(doc: &Value) -> Vec<(usize, &Value)> {
    match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().enumerate().collect(),
        Some(v @ Value::Object(_)) => vec![(0, v)],
        _ => Vec::new(),
    }
}

/// A document as a JSON object: an object, a JSON string, or URL-encoded JSON.
pub(crate) fn decode_document(v: &Value) -> Option<Value> {
    match v {
        Value::Object(_) => Some(v.clone()),
        Value::String(s) => {
            let t = s.trim();
            if t.starts_with('{') {
                serde_json::from_str(t).ok()
            } else {
                serde_json::from_str(&crate::layout::percent_decode(t)).ok()
            }
        }
        _ => None,
    }
}

/// Who an `Allow` statement of a trust policy names among AWS principals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Trusted {
    Anyone,
    Account(String),
    Arn(String),
}

/// The AWS principals named by the `Allow` statements of a trust document,
/// for the pre-filter; `None` when the document cannot be indexed (the
/// role is then a candidate for every caller).
/// Whether a statement of a trust document names a federated principal.
pub(crate) fn names_federated(doc: &Value) -> bool {
    statements(doc).into_iter().any(|(_, stmt)| {
        stmt.get("Principal")
            .and_then(|p| p.get("Federated"))
            .is_some()
    })
}

pub(crate) fn trusted_aws_principals(doc: &Value) -> Option<Vec<Trusted>> {
    let mut out = Vec::new();
    for (_, stmt) in statements(doc) {
        let so = stmt.as_object()?;
        if so.get("Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        if so.contains_key("NotPrincipal") {
            out.push(Trusted::Anyone);
            continue;
        }
        let aws = match so.get("Principal") {
            Some(Value::String(s)) if s == "*" => {
                out.push(Trusted::Anyone);
                continue;
            }
            Some(Value::Object(m)) => m.get("AWS").map(strings).unwrap_or_default(),
            _ => {
                out.push(Trusted::Anyone);
                continue;
            }
        };
        for a in aws {
            let parts: Vec<&str> = a.splitn(6, ':').collect();
            match parts.as_slice() {
                _ if a.contains('*') || a.contains('?') => out.push(Trusted::Anyone),
                [acct] if acct.len() == 12 && acct.bytes().all(|c| c.is_ascii_digit()) => {
                    out.push(Trusted::Account((*acct).to_string()));
                }
                ["arn", _, "sts", _, _, res] if res.starts_with("assumed-role/") => {
                    // A session ARN names one session of a role whose path is
                    // not in the ARN: let the evaluation decide.
                    out.push(Trusted::Anyone);
                }
                ["arn", _, "iam", _, acct, "root"] => {
                    out.push(Trusted::Account((*acct).to_string()))
                }
                ["arn", _, "iam", _, _, res]
                    if res.starts_with("user/") || res.starts_with("role/") =>
                {
                    out.push(Trusted::Arn(a.clone()));
                }
                ["arn", _, _, _, acct, _] => out.push(Trusted::Account((*acct).to_string())),
                _ => out.push(Trusted::Anyone),
            }
        }
    }
    Some(out)
}

impl Facts {
    /// Notes a date seen in the inputs (ISO 8601; anything else is ignored).
    fn saw_date(&mut self, text: &str) {
        if let Some(t) = RequestTime::parse_millis(text) {
            self.newest_date = Some(self.newest_date.map_or(t, |n| n.max(t)));
        }
    }
}
