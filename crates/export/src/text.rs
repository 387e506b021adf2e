//! Human-readable answers: aligned tables and one-line paths.

use std::borrow::Cow;
use std::fmt::Write;

use blastgraph_analysis::report::{
    BlastReport, HopView, NodeView, RankView, ReachedView, TraceReport, WhatIfReport, WhoCanReport,
    short_path_line,
};

/// Text safe to print on a terminal. Control characters (ESC, CR, BEL,
/// ...), the Unicode bidirectional controls (U+202A–U+202E, U+2066–U+2069,
/// U+200E, U+200F, U+061C) and the line and paragraph separators are shown
/// as `\u{…}` escapes (tab as `\t`, newline as `\n`), so an id or a name
/// read from an input cannot move the cursor, recolour the terminal,
/// reverse the text or forge a line. `keep_newlines` keeps `\n` as it is,
/// for whole answers whose lines are ours.
pub fn printable(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && !(keep_newlines && c == '\n'))
            || matches!(
                c,
                '\u{202a}'..='\u{202e}'
                    | '\u{2066}'..='\u{2069}'
                    | '\u{200e}'
                    | '\u{200f}'
                    | '\u{061c}'
                    | '\u{2028}'
                    | '\u{2029}'
            )
    };
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if !keep_newlines => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if bad(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Aligns rows of cells into columns (two spaces apart; the last column is
/// not padded).
pub fn align(rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<Cow<'_, str>>> = rows
        .iter()
        .map(|r| r.iter().map(|c| printable(c, false)).collect())
        .collect();
    let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; ncols];
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in &rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            if i + 1 == r.len() {
                line.push_str(c);
            } else {
                let _ = write!(line, "{c:<w$}  ", w = widths[i]);
            }
        }
        out.push_str("  ");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn who(n: &NodeView) -> String {
    printable(&format!("{} ({}, {})", n.name, n.kind, n.id), false).into_owned()
}

fn section(out: &mut String, title: &str, items: &[ReachedView], with_access: bool, limit: usize) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title} ({})", items.len());
    let mut rows = vec![{
        let mut h = vec!["CLASS".to_string()];
        if with_access {
            h.push("ACCESS".into());
        }
        h.extend(["HOPS".into(), "NAME".into(), "PATH".into()]);
        h
    }];
    for r in items.iter().take(limit) {
        let mut row = vec![r.node.class.to_string()];
        if with_access {
            row.push(r.access.map_or("-".into(), |a| a.to_string()));
        }
        row.push(r.hops.to_string());
        row.push(r.node.name.clone());
        row.push(short_path_line(&r.path));
        rows.push(row);
    }
    out.push_str(&align(&rows));
    if items.len() > limit {
        let _ = writeln!(
            out,
            "  … and {} more (use --format json/csv, or --limit)",
            items.len() - limit
        );
    }
}

/// Summary counts in a fixed order: scopes first, tools last.
pub fn summary_line(summary: &std::collections::BTreeMap<String, usize>) -> String {
    SUMMARY_ORDER
        .iter()
        .map(|k| format!("{k} {}", summary.get(*k).copied().unwrap_or(0)))
        .collect::<Vec<_>>()
        .join(" · ")
}

const SUMMARY_ORDER: [&str; 7] = [
    "scopes",
    "identities",
    "credentials",
    "secrets",
    "datasets",
    "models",
    "tools",
];

/// A blast answer as text. `limit` caps the rows of each section.
pub fn blast_text(r: &BlastReport, limit: usize) -> String {
    let mut out = String::new();
    let names: Vec<String> = r.compromised.iter().map(who).collect();
    let _ = writeln!(out, "Blast radius of {}", names.join(" + "));
    let _ = writeln!(out, "  {}", summary_line(&r.summary));
    section(&mut out, "Scopes owned", &r.scopes, false, limit);
    section(&mut out, "Identities gained", &r.identities, false, limit);
    section(
        &mut out,
        "Credentials obtained",
        &r.credentials,
        false,
        limit,
    );
    section(&mut out, "Targets", &r.targets, true, limit);
    if r.targets.iter().chain(&r.identities).any(|x| x.conditional) {
        out.push_str("\n  `[scope]` starts a path at a scope the attacker owns (its own path is under Scopes owned).\n  `?` marks a hop guarded by a condition that could not be decided (--strict drops them).\n");
    }
    out.push_str(
        "\n  Per-hop provenance: --format json, or `blastgraph trace --from ID --to ID`.\n",
    );
    out
}

/// A who-can answer as text.
pub fn who_can_text(r: &WhoCanReport, limit: usize) -> String {
    let mut out = String::new();
    let _ = write!(out, "Who can reach {}", who(&r.target));
    if let Some(a) = r.access {
        let _ = write!(out, " with {a} access (or admin)");
    }
    let _ = writeln!(
        out,
        ": {} identit{}",
        r.identities.len(),
        if r.identities.len() == 1 { "y" } else { "ies" }
    );
    section(
        &mut out,
        "Identities",
        &r.identities,
        r.target.class.is_target(),
        limit,
    );
    out
}

fn hop_lines(out: &mut String, path: &[HopView]) {
    for (i, h) in path.iter().enumerate() {
        let level = h.access.map_or(String::new(), |a| format!(":{a}"));
        let mech = h
            .mechanism
            .as_ref()
            .map_or(String::new(), |m| format!(" via {m}"));
        let p = |s: &str| printable(s, false).into_owned();
        let _ = writeln!(
            out,
            "    {}. {} -[{}{}{}]-> {}",
            i + 1,
            p(&h.from_name),
            h.kind,
            level,
            p(&mech),
            p(&h.to_name)
        );
        let _ = writeln!(out, "       because: {}", p(&h.reason));
        let _ = writeln!(
            out,
            "       evidence: {} at {}",
            p(&h.source),
            p(&h.location)
        );
        if h.conditional {
            let _ = writeln!(
                out,
                "       conditional: {}",
                p(h.condition
                    .as_deref()
                    .unwrap_or("a condition could not be decided"))
            );
        }
        let _ = writeln!(out, "       edge: {}", p(&h.edge));
    }
}

/// A trace answer as text, every hop with its provenance.
pub fn trace_text(r: &TraceReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Paths from {} to {}", who(&r.from), who(&r.to));
    if r.chains.is_empty() {
        out.push_str("  none: the destination is not reachable from the start\n");
    }
    for c in &r.chains {
        let cond = if c.conditional { ", conditional" } else { "" };
        let _ = writeln!(
            out,
            "\n#{} ({} hop{}{cond}): {}",
            c.rank,
            c.hops,
            if c.hops == 1 { "" } else { "s" },
            printable(&c.summary, false)
        );
        hop_lines(&mut out, &c.path);
    }
    out
}

/// A what-if answer as text.
pub fn what_if_text(r: &WhatIfReport, limit: usize) -> String {
    let mut out = String::new();
    out.push_str("What if");
    for e in &r.revoked {
        let _ = write!(out, "\n  revoke {}", printable(e, false));
    }
    for n in &r.removed {
        let _ = write!(out, "\n  remove {}", printable(n, false));
    }
    out.push('\n');
    let mut rows = vec![vec![
        "".to_string(),
        "BEFORE".into(),
        "AFTER".into(),
        "CHANGE".into(),
    ]];
    for k in SUMMARY_ORDER {
        let b = r.before.get(k).copied().unwrap_or(0);
        let a = r.after.get(k).copied().unwrap_or(0);
        rows.push(vec![
            k.to_string(),
            b.to_string(),
            a.to_string(),
            format!("{:+}", a as i64 - b as i64),
        ]);
    }
    out.push_str(&align(&rows));
    section(
        &mut out,
        "No longer reachable",
        &r.lost_targets,
        true,
        limit,
    );
    section(&mut out, "No longer held", &r.lost_identities, false, limit);
    if !r.reduced_targets.is_empty() {
        let _ = writeln!(out, "\nLower access ({})", r.reduced_targets.len());
        let mut rows = vec![vec![
            "CLASS".to_string(),
            "NAME".into(),
            "BEFORE".into(),
            "AFTER".into(),
        ]];
        for t in r.reduced_targets.iter().take(limit) {
            rows.push(vec![
                t.node.class.to_string(),
                t.node.name.clone(),
                t.before.to_string(),
                t.after.to_string(),
            ]);
        }
        out.push_str(&align(&rows));
    }
    if r.lost_targets.is_empty() && r.lost_identities.is_empty() && r.reduced_targets.is_empty() {
        out.push_str("\n  The change does not shrink this blast radius.\n");
    }
    out
}

/// A rank table as text.
pub fn rank_text(rows: &[RankView]) -> String {
    let mut t = vec![
        [
            "#", "SCORE", "NAME", "KIND", "SCOPES", "IDENT", "SECRETS", "DATA", "MODELS", "TOOLS",
            "OWNER",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>(),
    ];
    // A count is `firm`, or `firm/possible` when conditional edges add to it.
    let both = |firm: u64, possible: u64| {
        if firm == possible {
            firm.to_string()
        } else {
            format!("{firm}/{possible}")
        }
    };
    let mut any = false;
    for r in rows {
        let (f, p) = (&r.counts, &r.possible);
        any |= r.score != r.possible_score;
        t.push(vec![
            r.rank.to_string(),
            both(r.score, r.possible_score),
            r.node.name.clone(),
            r.node.kind.clone(),
            both(f.scopes.into(), p.scopes.into()),
            both(f.identities.into(), p.identities.into()),
            both(f.secrets.into(), p.secrets.into()),
            both(f.datasets.into(), p.datasets.into()),
            both(f.models.into(), p.models.into()),
            both(f.tools.into(), p.tools.into()),
            r.node.owner.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    let mut out = align(&t);
    if any {
        out.push_str(
            "\n  `a/b`: a firm (what the inputs decide), b possible (if every undecided condition holds); sorted by firm score.\n",
        );
    }
    out
}
