//! Renderings of a diff: a plain-text redline, an HTML redline and JSON.
//!
//! Plain-text markers follow `git diff --word-diff`: `[-deleted-]` and `{+inserted+}`.

use crate::diff::{ChangeOp, CollectionDiff, Diff, ProvisionDiff, Status, Summary, WordChange};
use crate::model::{Inline, Text};
use serde_json::Value;
use std::fmt::Write;

/// Word changes as text with `[-…-]` and `{+…+}` markers.
pub fn changes_text(changes: &[WordChange]) -> String {
    let mut out = String::new();
    for c in changes {
        let t = c.text.to_plain();
        match c.op {
            ChangeOp::Equal => out.push_str(&t),
            ChangeOp::Delete => {
                let _ = write!(out, "[-{t}-]");
            }
            ChangeOp::Insert => {
                let _ = write!(out, "{{+{t}+}}");
            }
        }
    }
    out
}

/// Escapes `& < > " '` for HTML.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A text as HTML for reading, escaped: footnote references as superscript marks
/// linking to the footnote (`<sup><a href="#fn-1">1</a></sup>`), brackets as
/// `[one / other]`; never the notation.
pub fn text_html(t: &Text) -> String {
    let mut out = String::new();
    for inline in &t.0 {
        match inline {
            Inline::Run { text } => out.push_str(&html_escape(text)),
            Inline::FootnoteRef { label } => {
                let l = html_escape(label);
                let _ = write!(
                    out,
                    "<sup class=\"fnref\"><a href=\"#fn-{l}\" aria-label=\"Footnote {l}\">{l}</a></sup>"
                );
            }
            Inline::Bracket(b) => {
                out.push('[');
                for (k, a) in b.alternatives.iter().enumerate() {
                    if k > 0 {
                        out.push_str(" / ");
                    }
                    out.push_str(&text_html(&a.text));
                }
                out.push(']');
            }
        }
    }
    out
}

/// Word changes as HTML with `<ins>` and `<del>`, escaped.
pub fn changes_html(changes: &[WordChange]) -> String {
    let mut out = String::new();
    for c in changes {
        let t = text_html(&c.text);
        match c.op {
            ChangeOp::Equal => out.push_str(&t),
            ChangeOp::Delete => {
                let _ = write!(out, "<del>{t}</del>");
            }
            ChangeOp::Insert => {
                let _ = write!(out, "<ins>{t}</ins>");
            }
        }
    }
    out
}

fn labels(e: &ProvisionDiff<'_>) -> String {
    match (&e.old, &e.new) {
        (Some(o), Some(n)) if o.label != n.label || o.section != n.section => {
            if o.section != n.section {
                format!("{} (was {} in {})", n.label, o.label, o.section)
            } else {
                format!("{} (was {})", n.label, o.label)
            }
        }
        (_, Some(n)) => n.label.to_string(),
        (Some(o), None) => o.label.to_string(),
        (None, None) => String::new(),
    }
}

fn indent(e: &ProvisionDiff<'_>) -> String {
    let d = e
        .new
        .as_ref()
        .or(e.old.as_ref())
        .map(|s| s.depth)
        .unwrap_or(0);
    "    ".repeat(d)
}

/// A readable redline of one instrument's diff: per section a summary line, then each
/// changed provision with a marker (`+` added, `-` deleted, `~` modified, `>` moved,
/// `#` renumbered). Unchanged provisions are left out.
pub fn redline_text(d: &Diff<'_>) -> String {
    let mut out = String::new();
    if d.old_citation == d.new_citation {
        let _ = writeln!(out, "{}", d.new_citation);
    } else {
        let _ = writeln!(out, "{} -> {}", d.old_citation, d.new_citation);
    }
    if let Some(h) = &d.header {
        if !d.opening_changes.is_empty() {
            let _ = writeln!(out, "opening: {}", changes_text(&d.opening_changes));
        }
        let _ = h;
    }
    for (sec, (heading, s)) in d.sections.iter().zip(d.section_summaries()) {
        let removed = if sec.removed {
            " (section removed)"
        } else {
            ""
        };
        let _ = writeln!(out, "\n## {heading}: {}{removed}", s.describe());
        for e in &sec.entries {
            let (mark, body) = match e.status {
                Status::Unchanged => continue,
                Status::Added => (
                    "+",
                    e.new
                        .as_ref()
                        .map(|s| s.text.to_plain())
                        .unwrap_or_default(),
                ),
                Status::Deleted => (
                    "-",
                    e.old
                        .as_ref()
                        .map(|s| s.text.to_plain())
                        .unwrap_or_default(),
                ),
                Status::Renumbered => (
                    "#",
                    e.new
                        .as_ref()
                        .map(|s| s.text.to_plain())
                        .unwrap_or_default(),
                ),
                Status::Modified => ("~", changes_text(&e.changes)),
                Status::Moved => (
                    ">",
                    if e.changes.is_empty() {
                        e.new
                            .as_ref()
                            .map(|s| s.text.to_plain())
                            .unwrap_or_default()
                    } else {
                        changes_text(&e.changes)
                    },
                ),
            };
            let _ = writeln!(out, "{}{mark} {} {body}", indent(e), labels(e));
        }
    }
    if d.footnotes.is_some() {
        let _ = writeln!(out, "\nfootnotes changed");
    }
    let _ = writeln!(out, "\nsummary: {}", summary_line(&d.summary()));
    out
}

/// `2 added, 1 deleted, 3 modified, 0 moved, 1 renumbered, 12 unchanged`.
pub fn summary_line(s: &Summary) -> String {
    format!(
        "{} added, {} deleted, {} modified, {} moved, {} renumbered, {} unchanged",
        s.added, s.deleted, s.modified, s.moved, s.renumbered, s.unchanged
    )
}

/// The redline of a collection: each changed instrument, then instruments added or
/// removed, then the total.
pub fn collection_text(cd: &CollectionDiff<'_>) -> String {
    let mut out = String::new();
    let several = cd.changed.len() + cd.added.len() + cd.removed.len() > 1;
    for d in &cd.changed {
        if several && d.is_unchanged() {
            continue;
        }
        out.push_str(&redline_text(d));
        if several {
            out.push_str("=====\n");
        }
    }
    for a in &cd.added {
        let _ = writeln!(out, "+ instrument added: {a}");
    }
    for r in &cd.removed {
        let _ = writeln!(out, "- instrument removed: {r}");
    }
    if several {
        let _ = writeln!(
            out,
            "total over {} instruments: {}",
            cd.changed.len(),
            summary_line(&cd.summary())
        );
    }
    out
}

/// An HTML fragment (no page shell) with the redline: `<ins>`/`<del>` inside each
/// changed provision, classes `added`, `deleted`, `modified`, `moved`, `renumbered`.
pub fn redline_html(d: &Diff<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "<article class=\"redline\">");
    let _ = writeln!(
        out,
        "<h1>{}</h1>",
        if d.old_citation == d.new_citation {
            html_escape(&d.new_citation)
        } else {
            format!(
                "<del>{}</del> <ins>{}</ins>",
                html_escape(&d.old_citation),
                html_escape(&d.new_citation)
            )
        }
    );
    if !d.opening_changes.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"opening\">{}</p>",
            changes_html(&d.opening_changes)
        );
    }
    for (sec, (heading, s)) in d.sections.iter().zip(d.section_summaries()) {
        let _ = writeln!(
            out,
            "<section><h2>{}</h2><p class=\"summary\">{}</p>",
            html_escape(&heading),
            html_escape(&s.describe())
        );
        for e in &sec.entries {
            let body = match e.status {
                Status::Added => format!(
                    "<ins>{}</ins>",
                    e.new
                        .as_ref()
                        .map(|s| text_html(&s.text))
                        .unwrap_or_default()
                ),
                Status::Deleted => format!(
                    "<del>{}</del>",
                    e.old
                        .as_ref()
                        .map(|s| text_html(&s.text))
                        .unwrap_or_default()
                ),
                _ if !e.changes.is_empty() => changes_html(&e.changes),
                _ => e
                    .new
                    .as_ref()
                    .map(|s| text_html(&s.text))
                    .unwrap_or_default(),
            };
            let depth = e
                .new
                .as_ref()
                .or(e.old.as_ref())
                .map(|s| s.depth)
                .unwrap_or(0);
            let _ = writeln!(
                out,
                "<p class=\"{}\" data-depth=\"{depth}\"><span class=\"label\">{}</span> {body}</p>",
                e.status.name(),
                html_escape(&labels(e))
            );
        }
        let _ = writeln!(out, "</section>");
    }
    let _ = writeln!(out, "</article>");
    out
}

/// HTML for a collection: one `<article>` per instrument.
pub fn collection_html(cd: &CollectionDiff<'_>) -> String {
    let mut out = String::new();
    for d in &cd.changed {
        out.push_str(&redline_html(d));
    }
    for a in &cd.added {
        let _ = writeln!(
            out,
            "<p class=\"added\">instrument added: {}</p>",
            html_escape(a)
        );
    }
    for r in &cd.removed {
        let _ = writeln!(
            out,
            "<p class=\"deleted\">instrument removed: {}</p>",
            html_escape(r)
        );
    }
    out
}

#[derive(serde::Serialize)]
struct JsonChange {
    op: &'static str,
    text: String,
}

#[derive(serde::Serialize)]
struct JsonProvision<'a> {
    instrument: &'a str,
    status: &'static str,
    section: &'a str,
    old_section: Option<&'a str>,
    old_id: Option<&'a str>,
    new_id: Option<&'a str>,
    old_label: Option<&'a str>,
    new_label: Option<&'a str>,
    old_text: Option<String>,
    new_text: Option<String>,
    changes: Vec<JsonChange>,
}

#[derive(serde::Serialize)]
struct JsonSection<'a> {
    section: &'a str,
    summary: Summary,
    description: String,
}

#[derive(serde::Serialize)]
struct JsonDiff<'a> {
    old: &'a str,
    new: &'a str,
    summary: Summary,
    sections: Vec<JsonSection<'a>>,
    provisions: Vec<JsonProvision<'a>>,
}

#[derive(serde::Serialize)]
struct JsonInstrument<'a> {
    old: &'a str,
    new: &'a str,
    summary: Summary,
}

#[derive(serde::Serialize)]
struct JsonCollection<'a> {
    summary: Summary,
    instruments: Vec<JsonInstrument<'a>>,
    instruments_added: &'a [String],
    instruments_removed: &'a [String],
    provisions: Vec<JsonProvision<'a>>,
}

fn provisions_json<'a>(d: &'a Diff<'_>, out: &mut Vec<JsonProvision<'a>>) {
    for sec in &d.sections {
        for e in &sec.entries {
            out.push(JsonProvision {
                instrument: &d.new_citation,
                status: e.status.name(),
                section: &sec.heading,
                old_section: e.old.as_ref().map(|s| s.section.as_ref()),
                old_id: e.old.as_ref().map(|s| s.id.as_ref()),
                new_id: e.new.as_ref().map(|s| s.id.as_ref()),
                old_label: e.old.as_ref().map(|s| s.label.as_ref()),
                new_label: e.new.as_ref().map(|s| s.label.as_ref()),
                old_text: e.old.as_ref().map(|s| s.text.to_plain()),
                new_text: e.new.as_ref().map(|s| s.text.to_plain()),
                changes: e
                    .changes
                    .iter()
                    .map(|c| JsonChange {
                        op: match c.op {
                            ChangeOp::Equal => "equal",
                            ChangeOp::Delete => "delete",
                            ChangeOp::Insert => "insert",
                        },
                        text: c.text.to_plain(),
                    })
                    .collect(),
            });
        }
    }
}

fn json_diff<'a>(d: &'a Diff<'_>) -> JsonDiff<'a> {
    let mut provisions = Vec::new();
    provisions_json(d, &mut provisions);
    JsonDiff {
        old: &d.old_citation,
        new: &d.new_citation,
        summary: d.summary(),
        sections: d
            .sections
            .iter()
            .zip(d.section_summaries())
            .map(|(sec, (_, s))| JsonSection {
                section: &sec.heading,
                summary: s,
                description: s.describe(),
            })
            .collect(),
        provisions,
    }
}

fn json_collection<'a>(cd: &'a CollectionDiff<'_>) -> JsonCollection<'a> {
    let mut provisions = Vec::new();
    for d in &cd.changed {
        provisions_json(d, &mut provisions);
    }
    JsonCollection {
        summary: cd.summary(),
        instruments: cd
            .changed
            .iter()
            .map(|d| JsonInstrument {
                old: &d.old_citation,
                new: &d.new_citation,
                summary: d.summary(),
            })
            .collect(),
        instruments_added: &cd.added,
        instruments_removed: &cd.removed,
        provisions,
    }
}

/// JSON for a diff: `old`, `new` (citations), `summary` (counts `added`, `deleted`,
/// `modified`, `moved`, `renumbered`, `unchanged`), `sections` (counts per section) and
/// `provisions` (each with `status`, `section`, `old_label`, `new_label`, `old_text`,
/// `new_text` as plain text or null, identities and word `changes`).
pub fn diff_json(d: &Diff<'_>) -> Value {
    serde_json::to_value(json_diff(d)).unwrap_or(Value::Null)
}

/// JSON for a collection diff: for one pair of instruments, the same as [`diff_json`];
/// otherwise `summary` over all, `instruments` (each pair's counts),
/// `instruments_added`, `instruments_removed` and `provisions` of every instrument
/// (each names its `instrument`).
pub fn collection_json(cd: &CollectionDiff<'_>) -> Value {
    serde_json::from_str(&collection_json_string(cd)).unwrap_or(Value::Null)
}

/// [`collection_json`] as text (written directly, without building a `Value`), ending
/// with a newline.
pub fn collection_json_string(cd: &CollectionDiff<'_>) -> String {
    let r = if cd.changed.len() == 1 && cd.added.is_empty() && cd.removed.is_empty() {
        serde_json::to_string(&json_diff(&cd.changed[0]))
    } else {
        serde_json::to_string(&json_collection(cd))
    };
    let mut s = r.unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// Instruments as pretty JSON (one object for one instrument, else an array), ending
/// with a newline.
pub fn instruments_json(insts: &[crate::model::Instrument]) -> String {
    let mut s = if insts.len() == 1 {
        serde_json::to_string_pretty(&insts[0])
    } else {
        serde_json::to_string_pretty(insts)
    }
    .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// A complete, self-contained HTML page around a redline fragment (UTF-8, a title, a
/// little CSS so insertions and deletions are visible without colour alone).
pub fn html_page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\nbody{{font-family:serif;max-width:50em;margin:auto;padding:1em;line-height:1.5}}\nins{{background:#dfd;text-decoration:underline}}\ndel{{background:#fdd;text-decoration:line-through}}\n.label{{font-weight:bold}}\n.summary{{font-style:italic}}\n</style>\n</head>\n<body>\n{}</body>\n</html>\n",
        html_escape(title),
        body
    )
}
