//! Emitting edges: provenance of a statement, the callers and their
//! policies, the decided edge of an evaluation, and the structural edges
//! (admin scopes, group membership).

use super::*;

impl Facts {
    pub(crate) fn provenance(
        &self,
        (file, location): (usize, String),
        reason: String,
    ) -> Provenance {
        Provenance {
            source: self.files.get(file).cloned().unwrap_or_default(),
            location,
            reason,
        }
    }

    /// The file and JSON path of a statement an evaluation names.
    pub(crate) fn statement_path(&self, s: &StatementRef<'_>) -> (usize, String) {
        let doc = self
            .doc_by_addr
            .get(&(std::ptr::from_ref(s.policy) as usize))
            .or_else(|| self.doc_by_name.get(s.policy_name()))
            .and_then(|&i| self.docs.get(i));
        let (file, base) = doc.map_or_else(
            || (self.files.len().saturating_sub(1), String::new()),
            |d| (d.file, d.path.clone()),
        );
        (file, format!("{base}.Statement[{}]", s.index()))
    }

    /// Where the first of the caller's statements that allows `action`
    /// is (file, JSON path); the caller's record when none does.
    pub(crate) fn allowing_location(&self, c: &Caller<'_>, action: &str) -> (usize, String) {
        c.ids
            .iter()
            .filter_map(|&i| self.docs.get(i))
            .find_map(|d| {
                let s = d.policy.statements_allowing(action).next()?;
                Some((d.file, format!("{}.Statement[{}]", d.path, s.index())))
            })
            .unwrap_or_else(|| (c.ident.file, c.ident.path.clone()))
    }

    /// The effective identity policies of an identity: its own, then its
    /// groups', without duplicates.
    pub(crate) fn identity_policies(&self, ident: &Ident) -> Vec<usize> {
        let mut all = ident.policies.clone();
        for &g in &ident.groups {
            if let Some(group) = self.idents.get(g) {
                for &p in &group.policies {
                    if !all.contains(&p) {
                        all.push(p);
                    }
                }
            }
        }
        all
    }

    /// The edge an evaluation decided, from `from`: the reason ends with
    /// `joiner` and the allowing statement, the location is that
    /// statement's JSON path (or `from`'s record), undecided conditions make
    /// it conditional.
    pub(crate) fn decided_edge(
        &self,
        from: &Ident,
        to: String,
        kind: EdgeKind,
        (mut reason, joiner, stmt): (String, &str, Option<&StatementRef<'_>>),
        mechanism: String,
        e: &Evaluation<'_>,
    ) -> Edge {
        if let Some(s) = stmt {
            reason.push_str(joiner);
            reason.push_str(&describe(s));
        }
        let location = stmt.map_or_else(
            || (from.file, from.path.clone()),
            |s| self.statement_path(s),
        );
        let mut ed = conditioned(
            edge(
                from.arn.clone(),
                to,
                kind,
                self.provenance(location, reason),
            ),
            e,
        );
        ed.mechanism = Some(mechanism);
        ed
    }

    /// Every account that owns an identity, a resource or an access key,
    /// in order: the passes of emission.
    pub(crate) fn emitted_accounts(&self) -> Vec<String> {
        let mut all: BTreeSet<&str> = self.accounts.iter().map(String::as_str).collect();
        all.extend(self.inv.accounts());
        all.into_iter().map(str::to_string).collect()
    }

    /// Whether the things of `account` are emitted in this pass. What no
    /// account owns (`""`: AWS foundation models) goes with the first.
    pub(crate) fn is_local(&self, account: &str) -> bool {
        match &self.local {
            None => true,
            Some((_, first)) if account.is_empty() => *first,
            Some((l, _)) => l == account,
        }
    }

    /// Whether this pass is the first (or the only) one: what belongs to no
    /// account (collection-wide warnings) is emitted in it.
    pub(crate) fn first_pass(&self) -> bool {
        self.is_local("")
    }

    /// Every user and role of this pass's account, with its effective
    /// policies.
    pub(crate) fn callers(&self) -> impl Iterator<Item = Caller<'_>> {
        self.idents.iter().enumerate().filter_map(|(ix, ident)| {
            if !self.is_local(&ident.account) {
                return None;
            }
            let principal = ident.principal.as_ref()?;
            let ids = self.identity_policies(ident);
            Some(Caller {
                ix,
                ident,
                principal,
                identity: self.refs(&ids),
                ids,
                boundary: self.boundary_of(ident),
                scp: self.org_levels(&ident.account, PolicyKind::Scp),
            })
        })
    }

    /// An identity's permissions boundary, parsed.
    pub(crate) fn boundary_of(&self, ident: &Ident) -> Option<&Policy> {
        ident
            .boundary
            .and_then(|b| self.docs.get(b))
            .map(|d| &d.policy)
    }

    pub(crate) fn refs(&self, indices: &[usize]) -> Vec<&Policy> {
        indices
            .iter()
            .filter_map(|&i| self.docs.get(i).map(|d| &d.policy))
            .collect()
    }

    pub(crate) fn emit(&self, out: &mut EstateBuilder) {
        let t = std::time::Instant::now();
        let lap = |n: &str| {
            if std::env::var_os("BLASTGRAPH_AWS_TIMINGS").is_some() {
                eprintln!("aws emit {n}: {:?}", t.elapsed());
            }
        };
        self.emit_scopes(out);
        self.emit_membership(out);
        self.emit_assume(out);
        lap("assume");
        self.emit_federated(out);
        let escalated = self.emit_escalation(out);
        lap("escalation");
        self.emit_takeover(out, &escalated);
        self.emit_provider_takeover(out, &escalated);
        lap("takeover");
        self.emit_pass_role(out, &escalated);
        self.emit_identity_pool_roles(out, &escalated);
        self.emit_identity_center(out, &escalated);
        lap("pass_role");
        self.emit_instance_profile_roles(out, &escalated);
        lap("instance_profiles");
        self.emit_inventory(out, &escalated);
        lap("inventory");
        self.emit_unseen_resources(out, &escalated);
        lap("unseen");
    }

    pub(crate) fn emit_scopes(&self, out: &mut EstateBuilder) {
        // An account's admin node counts for the file of its first identity.
        let mut first_file: HashMap<&str, usize> = HashMap::new();
        for ident in &self.idents {
            first_file.entry(&ident.account).or_insert(ident.file);
        }
        for account in self.accounts.iter().filter(|a| self.is_local(a)) {
            if let Some(f) = first_file
                .get(account.as_str())
                .and_then(|&f| self.files.get(f))
            {
                out.select_input(f);
            }
            let id = account_admin_id(account);
            out.add_node(
                Node {
                    id: id.clone(),
                    name: match self.inv.account_name(account) {
                        Some(n) => format!("{n} ({account}) admin"),
                        None => format!("{account} admin"),
                    },
                    provider: "aws".into(),
                    kind: "aws:account_admin".into(),
                    class: Class::Scope,
                    attrs: Attributes::default(),
                },
                "$",
            );
        }
        for ident in self.idents.iter().filter(|i| self.is_local(&i.account)) {
            out.add_edge(edge(
                account_admin_id(&ident.account),
                ident.arn.clone(),
                EdgeKind::Contains,
                self.provenance(
                    (ident.file, ident.path.clone()),
                    format!("account {} contains {}", ident.account, ident.label),
                ),
            ));
        }
    }

    pub(crate) fn emit_membership(&self, out: &mut EstateBuilder) {
        for ident in self
            .idents
            .iter()
            .filter(|i| i.kind == IdKind::User && self.is_local(&i.account))
        {
            for &g in &ident.groups {
                if let Some(group) = self.idents.get(g) {
                    // A capped member's own edges hold what it keeps of the
                    // group's powers; through the group it would hold them all.
                    if self.member_cap(ident).is_some() {
                        continue;
                    }
                    out.add_edge(edge(
                        ident.arn.clone(),
                        group.arn.clone(),
                        EdgeKind::MemberOf,
                        self.provenance(
                            (ident.file, format!("{}.GroupList", ident.path)),
                            format!("{} is a member of {}", ident.label, group.label),
                        ),
                    ));
                }
            }
        }
    }

    /// What caps a user's share of its groups' powers: a permissions
    /// boundary, or a `Deny` in its own or its groups' policies. A group's
    /// edges are what a member without either gets; a capped user is not
    /// linked to its groups by `member_of` (its own edges, decided under the
    /// cap, hold what it keeps: `aws:groups` on its node names the groups),
    /// and joining a group gives it a conditional edge.
    pub(crate) fn member_cap(&self, user: &Ident) -> Option<String> {
        if let Some(b) = user.boundary.and_then(|b| self.docs.get(b)) {
            let name = b.arn.as_deref().unwrap_or(b.policy.name());
            return Some(format!(
                "bounded by {name}: {} holds a group's powers only where its permissions boundary allows them",
                user.label
            ));
        }
        let deny = self
            .identity_policies(user)
            .into_iter()
            .filter_map(|p| self.docs.get(p))
            .find(|d| d.policy.has_deny())?;
        Some(format!(
            "{} holds a group's powers except what {} denies it",
            user.label,
            d_name(deny)
        ))
    }
}

pub(crate) fn edge(from: String, to: String, kind: EdgeKind, provenance: Provenance) -> Edge {
    Edge {
        id: None,
        from,
        to,
        kind,
        access: None,
        mechanism: None,
        conditional: false,
        condition: None,
        provenance,
    }
}

/// Copies the evaluation's conditional flag and condition text onto an edge.
pub(crate) fn conditioned(e: Edge, ev: &Evaluation<'_>) -> Edge {
    if ev.conditional {
        with_conditions(e, undecided_text(ev))
    } else {
        e
    }
}

/// The `Allow` statements of identity policies that cover `action`: where
/// a grant of it can come from.
pub(crate) fn allowing<'a>(
    identity: &'a [&'a Policy],
    action: &'a str,
) -> impl Iterator<Item = &'a Statement> + 'a {
    identity
        .iter()
        .flat_map(move |p| p.statements_allowing(action))
}

/// The conditions an evaluation left undecided, as one text; `None` when
/// it decided everything.
pub(crate) fn undecided_text(e: &Evaluation<'_>) -> Option<String> {
    e.conditional.then(|| {
        let conditions = e.conditions().collect::<Vec<_>>().join(" AND ");
        match decided_by(&e.undecided_keys) {
            Some(why) if conditions.is_empty() => why,
            Some(why) => format!("{why}: {conditions}"),
            None => conditions,
        }
    })
}

/// What would decide a result left undecided on these keys
/// (docs/condition-keys.md): "needs MFA", the network origin, the time,
/// or the keys themselves.
pub(crate) fn decided_by(keys: &[(String, KeyClass)]) -> Option<String> {
    let of = |class: KeyClass| -> Vec<&str> {
        keys.iter()
            .filter(|(_, c)| *c == class)
            .map(|(k, _)| k.as_str())
            .collect()
    };
    let mut parts = Vec::new();
    if !of(KeyClass::Mfa).is_empty() {
        parts.push("needs MFA".to_owned());
    }
    for (class, text) in [
        (KeyClass::Network, "depends on the request's network origin"),
        (KeyClass::Time, "depends on when the request is made"),
        (KeyClass::Caller, "depends on caller facts the inputs lack"),
        (
            KeyClass::Chosen,
            "depends on request values no value in the policies decides",
        ),
        (
            KeyClass::Other,
            "depends on condition keys the inputs do not decide",
        ),
    ] {
        let ks = of(class);
        if !ks.is_empty() {
            parts.push(format!("{text} ({})", ks.join(", ")));
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Marks an edge conditional and appends condition texts to those it has.
pub(crate) fn with_conditions(mut e: Edge, extra: impl IntoIterator<Item = String>) -> Edge {
    e.conditional = true;
    let mut all: Vec<String> = e.condition.take().into_iter().collect();
    all.extend(extra);
    if !all.is_empty() {
        e.condition = Some(all.join(" AND "));
    }
    e
}

/// The identity-policy statement that allowed (or conditionally allowed) a request.
pub(crate) fn identity_statement<'e>(e: &'e Evaluation<'_>) -> Option<&'e StatementRef<'e>> {
    e.allowed_by
        .iter()
        .chain(e.undecided.iter())
        .find(|s| s.kind == PolicyKind::Identity)
}

/// `managed policy X statement 0 (Sid Y)`.
pub(crate) fn describe(s: &StatementRef<'_>) -> String {
    match s.sid().filter(|sid| !sid.is_empty()) {
        Some(sid) => format!("{} statement {} (Sid {sid})", s.policy_name(), s.index()),
        None => format!("{} statement {}", s.policy_name(), s.index()),
    }
}

/// Callers decided per chunk: each chunk's callers in parallel, their edges
/// then added in caller order. Only one chunk's edges are ever held as
/// values, so memory follows the compact edge table, not the edge count.
pub(crate) fn emit_per_caller<T: Sync>(
    callers: &[T],
    out: &mut EstateBuilder,
    decide: impl Fn(&T) -> Vec<Edge> + Sync,
) {
    // A chunk is split into pieces decided in parallel, each into its own
    // compact table (strings freed where they were made); the pieces are
    // merged in order, once per distinct string.
    const CHUNK: usize = 1024;
    const PIECE: usize = 32;
    for chunk in callers.chunks(CHUNK) {
        let pieces: Vec<EdgeTable> = chunk
            .par_chunks(PIECE)
            .map(|cs| {
                let mut t = EdgeTable::new();
                for c in cs {
                    for e in decide(c) {
                        t.push(&e);
                    }
                }
                t
            })
            .collect();
        for t in pieces {
            out.add_edges(t);
        }
    }
}

/// A policy's ARN, else its name.
fn d_name(d: &Doc) -> &str {
    d.arn.as_deref().unwrap_or(d.policy.name())
}
