//! The HTML report: one self-contained page (the vendored Cytoscape.js, our
//! script and style, and the answer as JSON, all inline) that shows a blast
//! radius or a who-can answer as an interactive graph, with the tables, each
//! witness path hop by hop with its provenance, and a summary in sentences.
//!
//! The answer is carried as a [`View`]: every node and edge of every witness
//! path once, and each row naming its path by edge numbers, so a radius of
//! thousands of targets whose paths share their first hops stays small. The
//! page (`assets/report.js`) draws it; `blastgraph serve` answers with the
//! same views over HTTP and the same page fetches them.

use std::collections::{BTreeMap, HashMap};

use blastgraph_analysis::report::{
    BlastReport, HopView, NodeView, RankView, ReachedView, TraceReport, WhatIfReport, WhoCanReport,
};
use blastgraph_model::Class;
use serde::Serialize;

/// The page's version of [`ReportData`]; the script refuses another.
pub const REPORT_VERSION: u32 = 1;

/// Everything a report page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ReportData {
    /// [`REPORT_VERSION`].
    pub version: u32,
    /// The page's title.
    pub title: String,
    /// What the estate was built from, in a line.
    pub estate: String,
    /// Whether the page is served by `blastgraph serve` (it then searches
    /// and asks the server for more answers).
    pub live: bool,
    /// The answers, one tab each.
    pub views: Vec<View>,
    /// The riskiest identities, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<Vec<RankView>>,
}

/// One answer, drawn as a graph.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// `blast` or `who-can`.
    pub kind: &'static str,
    /// A title, e.g. "Blast radius of support-agent".
    pub title: String,
    /// Sentences for a reader who will not look at the graph.
    pub summary: Vec<String>,
    /// Counts per section or class, as the query reports them.
    pub counts: BTreeMap<String, usize>,
    /// Where the paths start (the compromised identities) or, for who-can,
    /// the node they end at: ids.
    pub anchors: Vec<String>,
    /// Every node of every path (and the anchors).
    pub nodes: Vec<PageNode>,
    /// Every hop of every path, once.
    pub edges: Vec<PageEdge>,
    /// The rows of the tables, each with its witness path.
    pub rows: Vec<PageRow>,
}

/// A node of a [`View`].
#[derive(Debug, Clone, Serialize)]
pub struct PageNode {
    /// Its id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The provider's kind.
    pub kind: String,
    /// Its class.
    pub class: Class,
    /// Where it lives (account, subscription, tenant, provider): the page
    /// groups large radii by class and this.
    pub home: String,
    /// Owner, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Environment, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
}

/// A hop of a [`View`], with its provenance.
#[derive(Debug, Clone, Serialize)]
pub struct PageEdge {
    /// The edge id (what `what-if --revoke` takes).
    pub id: String,
    /// Index of the start node in [`View::nodes`].
    pub from: usize,
    /// Index of the end node.
    pub to: usize,
    /// Edge kind.
    pub kind: String,
    /// Access level (access edges).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<String>,
    /// Mechanism (acting-as and escalation edges).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mechanism: Option<String>,
    /// Whether the hop depends on an undecided condition.
    pub conditional: bool,
    /// The condition, and what would decide it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Input file.
    pub source: String,
    /// Place in that file.
    pub location: String,
    /// The statement, assignment, grant or secret behind the hop.
    pub reason: String,
}

/// A row of a [`View`]'s tables.
#[derive(Debug, Clone, Serialize)]
pub struct PageRow {
    /// `target`, `identity`, `credential` or `scope`.
    pub section: &'static str,
    /// Index of the node in [`View::nodes`].
    pub node: usize,
    /// Access level, for targets and who-can rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<String>,
    /// Hops of the witness path.
    pub hops: u32,
    /// Whether some hop of it is conditional.
    pub conditional: bool,
    /// The witness path: indices into [`View::edges`], in order.
    pub path: Vec<usize>,
}

/// Where a node lives, from its id: the AWS account, Azure subscription or
/// management group, Entra tenant, Vault cluster, or else the provider.
pub fn home(id: &str) -> String {
    if let Some(rest) = id.strip_prefix("arn:") {
        return match rest.split(':').nth(3) {
            Some(account) if !account.is_empty() => format!("aws {account}"),
            _ => "aws".to_string(),
        };
    }
    if let Some(rest) = id.strip_prefix("aws:account/") {
        return format!("aws {}", rest.split('/').next().unwrap_or(rest));
    }
    if let Some(rest) = id.strip_prefix("arm:/subscriptions/") {
        return format!("azure {}", rest.split('/').next().unwrap_or(rest));
    }
    if let Some(rest) = id.strip_prefix("arm:/providers/microsoft.management/managementgroups/") {
        return format!("azure mg {}", rest.split('/').next().unwrap_or(rest));
    }
    if let Some(rest) = id.strip_prefix("entra:tenant/") {
        return format!("entra {}", rest.split('/').next().unwrap_or(rest));
    }
    if let Some(rest) = id.strip_prefix("vault:") {
        return format!("vault {}", rest.split('/').next().unwrap_or(rest));
    }
    match id.split_once(':') {
        Some((provider, _)) if !provider.is_empty() => provider.to_string(),
        _ => "other".to_string(),
    }
}

/// Builds a [`View`]: nodes and edges deduplicated by id.
#[derive(Default)]
struct ViewBuilder {
    nodes: Vec<PageNode>,
    node_ix: HashMap<String, usize>,
    edges: Vec<PageEdge>,
    edge_ix: HashMap<String, usize>,
    rows: Vec<PageRow>,
}

impl ViewBuilder {
    fn node(&mut self, n: &NodeView) -> usize {
        if let Some(&i) = self.node_ix.get(&n.id) {
            return i;
        }
        let i = self.nodes.len();
        self.nodes.push(PageNode {
            id: n.id.clone(),
            name: n.name.clone(),
            kind: n.kind.clone(),
            class: n.class,
            home: home(&n.id),
            owner: n.owner.clone(),
            environment: n.environment.clone(),
        });
        self.node_ix.insert(n.id.clone(), i);
        i
    }

    /// The index of a hop's end node; hops name their start by id only,
    /// and a path's start is an anchor or the previous hop's end.
    fn hop_node(&mut self, id: &str, name: &str, class: Class, kind: &str) -> usize {
        if let Some(&i) = self.node_ix.get(id) {
            return i;
        }
        self.node(&NodeView {
            id: id.to_string(),
            name: name.to_string(),
            kind: kind.to_string(),
            class,
            owner: None,
            environment: None,
        })
    }

    fn edge(&mut self, h: &HopView, from: usize, to: usize) -> usize {
        if let Some(&i) = self.edge_ix.get(&h.edge) {
            return i;
        }
        let i = self.edges.len();
        self.edges.push(PageEdge {
            id: h.edge.clone(),
            from,
            to,
            kind: h.kind.clone(),
            access: h.access.map(|a| a.to_string()),
            mechanism: h.mechanism.clone(),
            conditional: h.conditional,
            condition: h.condition.clone(),
            source: h.source.clone(),
            location: h.location.clone(),
            reason: h.reason.clone(),
        });
        self.edge_ix.insert(h.edge.clone(), i);
        i
    }

    /// Adds a row: its node, and its path's nodes and edges. The row's own
    /// node is added first, so it keeps the kind and owner its view knows.
    fn row(&mut self, section: &'static str, r: &ReachedView) {
        let node = self.node(&r.node);
        let mut path = Vec::with_capacity(r.path.len());
        for h in &r.path {
            // A hop's start is known by now (an anchor or the previous
            // hop's end) except in a path whose first node is the row
            // itself (who-can): name it from the hop.
            let from = match self.node_ix.get(&h.from) {
                Some(&i) => i,
                None => self.hop_node(&h.from, &h.from_name, r.node.class, &r.node.kind),
            };
            let to = self.hop_node(&h.to, &h.to_name, h.to_class, "");
            path.push(self.edge(h, from, to));
        }
        self.rows.push(PageRow {
            section,
            node,
            access: r.access.map(|a| a.to_string()),
            hops: r.hops,
            conditional: r.conditional,
            path,
        });
    }
}

/// "3 datasets, 1 model and 2 tools", from (count, singular, plural).
fn list_counts(parts: &[(usize, &str, &str)]) -> String {
    let named: Vec<String> = parts
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| {
            if *n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        })
        .collect();
    match named.as_slice() {
        [] => "nothing".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The edge most witness paths of `rows` go through, with how many: the
/// hop whose revocation cuts the most paths at once (ties: the earliest).
fn busiest_hop(rows: &[PageRow]) -> Option<(usize, usize)> {
    let mut uses: BTreeMap<usize, usize> = BTreeMap::new();
    for r in rows {
        let mut seen: Vec<usize> = r.path.clone();
        seen.sort_unstable();
        seen.dedup();
        for e in seen {
            *uses.entry(e).or_default() += 1;
        }
    }
    uses.into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
}

/// The view of a blast answer.
pub fn blast_view(r: &BlastReport) -> View {
    let mut b = ViewBuilder::default();
    let anchors: Vec<String> = r.compromised.iter().map(|n| n.id.clone()).collect();
    for n in &r.compromised {
        b.node(n);
    }
    let sections = [
        ("target", &r.targets),
        ("identity", &r.identities),
        ("credential", &r.credentials),
        ("scope", &r.scopes),
    ];
    // Every row's node first, so a node met earlier as a hop of another
    // row's path still has the kind and owner its own row knows.
    for (_, list) in sections {
        for x in list.iter() {
            b.node(&x.node);
        }
    }
    for (section, list) in sections {
        for x in list.iter() {
            b.row(section, x);
        }
    }
    let who = match r.compromised.as_slice() {
        [one] => one.name.clone(),
        many => format!("{} identities", many.len()),
    };
    let count = |k: &str| r.summary.get(k).copied().unwrap_or(0);
    let mut summary = Vec::new();
    let targets = list_counts(&[
        (count("datasets"), "dataset", "datasets"),
        (count("models"), "model", "models"),
        (count("tools"), "tool", "tools"),
        (count("secrets"), "secret", "secrets"),
    ]);
    let homes: std::collections::BTreeSet<&str> = b
        .rows
        .iter()
        .filter(|x| x.section == "target")
        .map(|x| b.nodes[x.node].home.as_str())
        .collect();
    summary.push(format!(
        "If {who} is compromised, an attacker can reach {targets}{}.",
        if homes.len() > 1 {
            format!(
                " in {} places (accounts, subscriptions, providers)",
                homes.len()
            )
        } else {
            String::new()
        }
    ));
    let target_rows: Vec<PageRow> = b
        .rows
        .iter()
        .filter(|x| x.section == "target")
        .cloned()
        .collect();
    let firm = target_rows.iter().filter(|x| !x.conditional).count();
    if !target_rows.is_empty() {
        summary.push(if firm == target_rows.len() {
            "Every one of these paths is decided by the inputs: none depends on an undecided condition.".to_string()
        } else {
            format!(
                "{firm} of the {} are reached for certain; {} depend on a condition the inputs could not decide (dashed in the graph; each hop says what would decide it).",
                target_rows.len(),
                target_rows.len() - firm
            )
        });
    }
    let writes = target_rows
        .iter()
        .filter(|x| matches!(x.access.as_deref(), Some("write" | "admin")))
        .count();
    if writes > 0 {
        summary.push(format!(
            "{writes} of them can be written or administered, not only read."
        ));
    }
    if count("identities") + count("scopes") > 0 {
        let scopes: Vec<&str> = b
            .rows
            .iter()
            .filter(|x| x.section == "scope")
            .take(3)
            .map(|x| b.nodes[x.node].name.as_str())
            .collect();
        summary.push(format!(
            "On the way the attacker becomes {}{}.",
            list_counts(&[(count("identities"), "other identity", "other identities")]),
            if scopes.is_empty() {
                String::new()
            } else {
                format!(
                    " and holds {} ({}{})",
                    list_counts(&[(count("scopes"), "admin scope", "admin scopes")]),
                    scopes.join(", "),
                    if count("scopes") > scopes.len() {
                        ", …"
                    } else {
                        ""
                    }
                )
            }
        ));
    }
    if let Some((e, n)) = busiest_hop(&target_rows)
        && n > 1
    {
        let edge = &b.edges[e];
        summary.push(format!(
            "Revoke first: {} → {} ({}), on the paths to {n} of the {} targets.",
            b.nodes[edge.from].name,
            b.nodes[edge.to].name,
            edge.reason,
            target_rows.len()
        ));
    }
    View {
        kind: "blast",
        title: format!("Blast radius of {who}"),
        summary,
        counts: r.summary.clone(),
        anchors,
        nodes: b.nodes,
        edges: b.edges,
        rows: b.rows,
    }
}

/// The view of a who-can answer.
pub fn who_can_view(r: &WhoCanReport) -> View {
    let mut b = ViewBuilder::default();
    b.node(&r.target);
    for x in &r.identities {
        b.node(&x.node);
    }
    for x in &r.identities {
        b.row("identity", x);
    }
    let n = r.identities.len();
    let what = match r.access {
        Some(a) => format!("{a} {}", r.target.name),
        None => format!("reach {}", r.target.name),
    };
    let mut summary = Vec::new();
    if n == 0 {
        summary.push(format!("No identity can {what}."));
    } else {
        let humans = r
            .identities
            .iter()
            .filter(|x| x.node.class == Class::Human)
            .count();
        summary.push(format!(
            "{} can {what}: {}.",
            list_counts(&[(n, "identity", "identities")]),
            list_counts(&[
                (humans, "person", "people"),
                (n - humans, "non-human identity", "non-human identities")
            ])
        ));
        let firm = r.identities.iter().filter(|x| !x.conditional).count();
        if firm < n {
            summary.push(format!(
                "{firm} for certain; {} only if a condition the inputs could not decide holds (dashed).",
                n - firm
            ));
        }
        if let Some((e, k)) = busiest_hop(&b.rows)
            && k > 1
        {
            let edge = &b.edges[e];
            summary.push(format!(
                "Revoke first: {} → {} ({}), on the paths of {k} of the {n} identities.",
                b.nodes[edge.from].name, b.nodes[edge.to].name, edge.reason
            ));
        }
    }
    let mut counts = BTreeMap::new();
    counts.insert("identities".to_string(), n);
    View {
        kind: "who-can",
        title: format!("Who can {what}"),
        summary,
        counts,
        anchors: vec![r.target.id.clone()],
        nodes: b.nodes,
        edges: b.edges,
        rows: b.rows,
    }
}

/// The view of a trace: one row per chain, each ending at the target.
pub fn trace_view(r: &TraceReport) -> View {
    let mut b = ViewBuilder::default();
    b.node(&r.from);
    b.node(&r.to);
    for c in &r.chains {
        b.row(
            "chain",
            &ReachedView {
                node: r.to.clone(),
                access: None,
                hops: u32::try_from(c.hops).unwrap_or(u32::MAX),
                conditional: c.conditional,
                path: c.path.clone(),
            },
        );
    }
    let mut summary = Vec::new();
    match r.chains.first() {
        None => summary.push(format!("{} does not reach {}.", r.from.name, r.to.name)),
        Some(first) => {
            summary.push(format!(
                "{} reaches {} by {}; the shortest has {} hop{}.",
                r.from.name,
                r.to.name,
                list_counts(&[(r.chains.len(), "chain", "distinct chains")]),
                first.hops,
                if first.hops == 1 { "" } else { "s" }
            ));
            let conditional = r.chains.iter().filter(|c| c.conditional).count();
            if conditional > 0 {
                summary.push(format!(
                    "{conditional} of them depend on a condition the inputs could not decide (dashed)."
                ));
            }
        }
    }
    let mut counts = BTreeMap::new();
    counts.insert("chains".to_string(), r.chains.len());
    View {
        kind: "trace",
        title: format!("How {} reaches {}", r.from.name, r.to.name),
        summary,
        counts,
        anchors: vec![r.from.id.clone()],
        nodes: b.nodes,
        edges: b.edges,
        rows: b.rows,
    }
}

/// The view of a what-if: the blast radius after the change, with what
/// the change takes away said first.
pub fn what_if_view(r: &WhatIfReport) -> View {
    let mut v = blast_view(&r.after_report);
    let change: Vec<&str> = r
        .revoked
        .iter()
        .chain(&r.removed)
        .map(String::as_str)
        .collect();
    let lost: Vec<&str> = r
        .lost_targets
        .iter()
        .take(10)
        .map(|t| t.node.name.as_str())
        .collect();
    let total = |m: &BTreeMap<String, usize>| -> usize {
        ["datasets", "models", "tools", "secrets"]
            .iter()
            .map(|k| m.get(*k).copied().unwrap_or(0))
            .sum()
    };
    let mut said = vec![if r.lost_targets.is_empty() {
        format!(
            "Revoking {} takes no target away: every target is still reached by another path ({} before and after).",
            change.join(", "),
            total(&r.before)
        )
    } else {
        format!(
            "Revoking {} takes {} away ({}{}): {} targets before, {} after.",
            change.join(", "),
            list_counts(&[(r.lost_targets.len(), "target", "targets")]),
            lost.join(", "),
            if r.lost_targets.len() > lost.len() {
                ", …"
            } else {
                ""
            },
            total(&r.before),
            total(&r.after)
        )
    }];
    if !r.reduced_targets.is_empty() {
        said.push(format!(
            "{} stay reachable with less access.",
            list_counts(&[(r.reduced_targets.len(), "target", "targets")])
        ));
    }
    if !r.lost_identities.is_empty() {
        said.push(format!(
            "The attacker no longer becomes {}.",
            list_counts(&[(r.lost_identities.len(), "identity", "identities")])
        ));
    }
    said.append(&mut v.summary);
    v.summary = said;
    v.kind = "what-if";
    v.title = format!("{} (after revoking)", v.title);
    v
}

/// The page's template, style and script, and the vendored graph library.
const TEMPLATE: &str = include_str!("../assets/report.html");
const STYLE: &str = include_str!("../assets/report.css");
const SCRIPT: &str = include_str!("../assets/report.js");
const CYTOSCAPE: &str = include_str!("../assets/vendor/cytoscape/cytoscape.min.js");

/// JSON that is safe inside a `<script>` element: `<`, `>` and `&` as
/// escapes, so no name can close the element or open a comment; U+2028
/// and U+2029 escaped for old parsers.
pub fn script_json<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let s = serde_json::to_string(value)?;
    Ok(s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029"))
}

/// Text safe in HTML element content.
fn html_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            // No name can hold a later placeholder of the template.
            '{' => out.push_str("&#123;"),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The whole page for `data`.
pub fn html(data: &ReportData) -> Result<String, serde_json::Error> {
    let json = script_json(data)?;
    // Placeholders are replaced once each, in an order in which no
    // inserted text can hold a later placeholder: the data goes last.
    Ok(TEMPLATE
        .replacen("{{TITLE}}", &html_text(&data.title), 1)
        .replacen("/*{{STYLE}}*/", STYLE, 1)
        .replacen("/*{{CYTOSCAPE}}*/", CYTOSCAPE, 1)
        .replacen("/*{{SCRIPT}}*/", SCRIPT, 1)
        .replacen("{{DATA}}", &json, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homes() {
        assert_eq!(home("arn:aws:iam::111122223333:role/x"), "aws 111122223333");
        assert_eq!(home("arn:aws:s3:::bucket"), "aws");
        assert_eq!(home("aws:account/111122223333/admin"), "aws 111122223333");
        assert_eq!(
            home("arm:/subscriptions/0000/resourcegroups/rg/providers/x/y/z"),
            "azure 0000"
        );
        assert_eq!(home("entra:tenant/abc/admin"), "entra abc");
        assert_eq!(home("vault:prod/secret/x"), "vault prod");
        assert_eq!(home("agent:acme/x"), "agent");
        assert_eq!(home("no-colon"), "other");
    }

    #[test]
    fn script_json_cannot_close_the_element() {
        let s = script_json(&serde_json::json!({"name": "</script><!--x&\u{2028}"})).unwrap();
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        assert!(!s.contains('\u{2028}'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["name"], "</script><!--x&\u{2028}");
    }

    #[test]
    fn counts_read_as_english() {
        assert_eq!(list_counts(&[(0, "dataset", "datasets")]), "nothing");
        assert_eq!(
            list_counts(&[(1, "dataset", "datasets"), (0, "model", "models")]),
            "1 dataset"
        );
        assert_eq!(
            list_counts(&[
                (3, "dataset", "datasets"),
                (1, "model", "models"),
                (2, "tool", "tools")
            ]),
            "3 datasets, 1 model and 2 tools"
        );
    }
}
