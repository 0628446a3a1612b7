//! Amendments to an instrument, as delegations write them: ADD, MOD, SUP, NOC.

use crate::diff::{
    ChangeOp, Diff, Status, WordChange, apply_word_changes, diff, hunks, tree_from_flat,
};
use crate::model::*;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// One amendment to one provision.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "UPPERCASE")]
pub enum Amendment {
    /// Adds a provision.
    Add {
        /// Heading of the section it goes in (created at the end when missing).
        section: String,
        /// The provision it follows, at the same level; `None`: first of its level.
        after: Option<String>,
        /// The provision it is a sub-item of; `None`: a paragraph of the section.
        parent: Option<String>,
        /// The new provision (with its own sub-items).
        provision: Provision,
    },
    /// Modifies the words of a provision (and optionally its label).
    Mod {
        /// The provision.
        id: String,
        /// Word changes from the base text (see [`WordChange`]).
        changes: Vec<WordChange>,
        /// A new label, if it changes.
        label: Option<String>,
    },
    /// Suppresses a provision (with its sub-items).
    Sup {
        /// The provision.
        id: String,
    },
    /// Explicitly keeps a provision unchanged.
    Noc {
        /// The provision.
        id: String,
    },
}

impl Amendment {
    /// The provision the amendment is about (for ADD: its new identity).
    pub fn target(&self) -> &str {
        match self {
            Amendment::Add { provision, .. } => &provision.id,
            Amendment::Mod { id, .. } | Amendment::Sup { id } | Amendment::Noc { id } => id,
        }
    }

    /// `ADD`, `MOD`, `SUP` or `NOC`.
    pub fn action(&self) -> &'static str {
        match self {
            Amendment::Add { .. } => "ADD",
            Amendment::Mod { .. } => "MOD",
            Amendment::Sup { .. } => "SUP",
            Amendment::Noc { .. } => "NOC",
        }
    }

    /// A MOD replacing a provision's text by `new` (word changes computed).
    pub fn modify(base: &Provision, new: &Text) -> Amendment {
        Amendment::Mod {
            id: base.id.clone(),
            changes: crate::diff::word_changes(&base.text, new),
            label: None,
        }
    }
}

/// Two or more amendments that cannot all be applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The provision they are about.
    pub provision: String,
    /// Their positions in the list given to [`apply`].
    pub amendments: Vec<usize>,
    /// Why they conflict.
    pub reason: String,
}

/// Why amendments could not be applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplyError {
    /// Amendments that overlap; nothing was applied.
    Conflicts(Vec<Conflict>),
    /// An amendment names a provision the base does not have.
    UnknownProvision {
        /// Position of the amendment.
        amendment: usize,
        /// The missing identity.
        id: String,
    },
    /// A MOD was written against another text than the base's.
    StaleText {
        /// Position of the amendment.
        amendment: usize,
        /// The provision.
        id: String,
    },
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApplyError::Conflicts(cs) => {
                write!(f, "{} conflict(s):", cs.len())?;
                for c in cs {
                    write!(
                        f,
                        " `{}`: {} (amendments {:?});",
                        c.provision, c.reason, c.amendments
                    )?;
                }
                Ok(())
            }
            ApplyError::UnknownProvision { amendment, id } => {
                write!(
                    f,
                    "amendment {amendment}: no provision `{id}` in the base text"
                )
            }
            ApplyError::StaleText { amendment, id } => write!(
                f,
                "amendment {amendment}: the text of `{id}` is not the one the amendment was written against"
            ),
        }
    }
}

impl std::error::Error for ApplyError {}

/// Applies amendments to a base text. Overlapping amendments (two MODs changing the
/// same words, MOD or NOC with SUP, two SUPs, ADDs with the same identity) are
/// reported as conflicts and nothing is applied. MODs of different words of the same
/// provision combine.
pub fn apply(base: &Instrument, amendments: &[Amendment]) -> Result<Instrument, ApplyError> {
    let flat = base.provisions();
    let by_id: HashMap<&str, &Provision> =
        flat.iter().map(|(_, _, p)| (p.id.as_str(), *p)).collect();
    let mut per_target: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut new_texts: HashMap<usize, Text> = HashMap::new();
    let mut added_ids: HashSet<&str> = HashSet::new();
    for (k, a) in amendments.iter().enumerate() {
        match a {
            Amendment::Add {
                after,
                parent,
                provision,
                ..
            } => {
                for anchor in [after, parent].into_iter().flatten() {
                    if !by_id.contains_key(anchor.as_str()) && !added_ids.contains(anchor.as_str())
                    {
                        return Err(ApplyError::UnknownProvision {
                            amendment: k,
                            id: anchor.clone(),
                        });
                    }
                }
                added_ids.insert(provision.id.as_str());
            }
            Amendment::Mod { id, changes, .. } => {
                let Some(p) = by_id.get(id.as_str()) else {
                    return Err(ApplyError::UnknownProvision {
                        amendment: k,
                        id: id.clone(),
                    });
                };
                let Some(t) = apply_word_changes(&p.text, changes) else {
                    return Err(ApplyError::StaleText {
                        amendment: k,
                        id: id.clone(),
                    });
                };
                new_texts.insert(k, t);
            }
            Amendment::Sup { id } | Amendment::Noc { id } => {
                if !by_id.contains_key(id.as_str()) {
                    return Err(ApplyError::UnknownProvision {
                        amendment: k,
                        id: id.clone(),
                    });
                }
            }
        }
        per_target.entry(a.target()).or_default().push(k);
    }

    // Conflicts.
    let mut conflicts = Vec::new();
    let mut merged_texts: HashMap<&str, Text> = HashMap::new();
    let mut targets: Vec<&&str> = per_target.keys().collect();
    targets.sort();
    for target in targets {
        let ks = &per_target[*target];
        if ks.len() < 2 {
            if let Some(t) = ks.first().and_then(|k| new_texts.get(k)) {
                merged_texts.insert(target, t.clone());
            }
            continue;
        }
        let actions: Vec<&str> = ks.iter().map(|&k| amendments[k].action()).collect();
        let all_mod = actions.iter().all(|a| *a == "MOD");
        if actions.iter().all(|a| *a == "NOC") {
            continue;
        }
        if !all_mod {
            conflicts.push(Conflict {
                provision: target.to_string(),
                amendments: ks.clone(),
                reason: format!("{} on the same provision", actions.join(" and ")),
            });
            continue;
        }
        // Several MODs: combine when they change different words.
        let Some(p) = by_id.get(*target) else {
            continue;
        };
        let mut all: Vec<(usize, usize, usize, Text)> = Vec::new();
        for &k in ks {
            if let Some(t) = new_texts.get(&k) {
                for (s, e, ins) in hunks(&p.text, t).1 {
                    all.push((s, e, k, ins));
                }
            }
        }
        all.sort_by_key(|a| (a.0, a.1, a.2));
        let mut overlapping = HashSet::new();
        for x in 0..all.len() {
            for y in x + 1..all.len() {
                let (a, b) = (&all[x], &all[y]);
                if a.2 == b.2 {
                    continue;
                }
                let overlap = (a.0 < b.1 && b.0 < a.1)
                    || a.0 == b.0
                    || (a.0 == a.1 && b.0 < a.0 && a.0 < b.1)
                    || (b.0 == b.1 && a.0 < b.0 && b.0 < a.1);
                if overlap {
                    overlapping.insert(a.2);
                    overlapping.insert(b.2);
                }
            }
        }
        if !overlapping.is_empty() {
            let mut ams: Vec<usize> = overlapping.into_iter().collect();
            ams.sort_unstable();
            conflicts.push(Conflict {
                provision: target.to_string(),
                amendments: ams,
                reason: "MODs change the same words".into(),
            });
            continue;
        }
        let toks = crate::words::tokens(&p.text);
        let mut out = Text::default();
        let mut pos = 0;
        for (s, e, _, ins) in &all {
            out = Text::concat([&out, &crate::words::text_of(&toks[pos..*s]), ins]);
            pos = *e;
        }
        out = Text::concat([&out, &crate::words::text_of(&toks[pos..])]);
        merged_texts.insert(target, out);
    }
    for id in &added_ids {
        if by_id.contains_key(id) {
            conflicts.push(Conflict {
                provision: id.to_string(),
                amendments: per_target.get(id).cloned().unwrap_or_default(),
                reason: "ADD of an identity that already exists".into(),
            });
        }
    }
    if !conflicts.is_empty() {
        conflicts.sort_by(|a, b| a.provision.cmp(&b.provision));
        return Err(ApplyError::Conflicts(conflicts));
    }

    // Apply: rebuild each section's flat list.
    let suppressed: HashSet<&str> = amendments
        .iter()
        .filter_map(|a| match a {
            Amendment::Sup { id } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let labels: HashMap<&str, &String> = amendments
        .iter()
        .filter_map(|a| match a {
            Amendment::Mod {
                id, label: Some(l), ..
            } => Some((id.as_str(), l)),
            _ => None,
        })
        .collect();
    let mut out = base.clone();
    for a in amendments {
        if let Amendment::Add { section, .. } = a
            && !out.sections.iter().any(|s| &s.heading == section)
        {
            out.sections.push(Section {
                heading: section.clone(),
                provisions: Vec::new(),
            });
        }
    }
    fn rewrite(
        list: &[Provision],
        suppressed: &HashSet<&str>,
        texts: &HashMap<&str, Text>,
        labels: &HashMap<&str, &String>,
    ) -> Vec<Provision> {
        list.iter()
            .filter(|p| !suppressed.contains(p.id.as_str()))
            .map(|p| Provision {
                id: p.id.clone(),
                label: labels
                    .get(p.id.as_str())
                    .map(|l| (*l).clone())
                    .unwrap_or_else(|| p.label.clone()),
                text: texts
                    .get(p.id.as_str())
                    .cloned()
                    .unwrap_or_else(|| p.text.clone()),
                children: rewrite(&p.children, suppressed, texts, labels),
                sponsors: p.sponsors.clone(),
            })
            .collect()
    }
    for s in &mut out.sections {
        s.provisions = rewrite(&s.provisions, &suppressed, &merged_texts, &labels);
    }
    for a in amendments {
        if let Amendment::Add {
            section,
            after,
            parent,
            provision,
        } = a
        {
            insert(
                &mut out,
                section,
                after.as_deref(),
                parent.as_deref(),
                provision.clone(),
            );
        }
    }
    Ok(out)
}

fn insert(
    inst: &mut Instrument,
    section: &str,
    after: Option<&str>,
    parent: Option<&str>,
    p: Provision,
) {
    #[allow(clippy::ptr_arg)]
    fn find_list<'a>(list: &'a mut Vec<Provision>, parent: &str) -> Option<&'a mut Vec<Provision>> {
        for x in list.iter_mut() {
            if x.id == parent {
                return Some(&mut x.children);
            }
            if let Some(l) = find_list(&mut x.children, parent) {
                return Some(l);
            }
        }
        None
    }
    fn holder<'a>(list: &'a mut Vec<Provision>, id: &str) -> Option<&'a mut Vec<Provision>> {
        if list.iter().any(|x| x.id == id) {
            return Some(list);
        }
        for x in list.iter_mut() {
            if let Some(l) = holder(&mut x.children, id) {
                return Some(l);
            }
        }
        None
    }
    let Some(sec) = inst.sections.iter_mut().find(|s| s.heading == section) else {
        return;
    };
    if let Some(a) = after {
        // After a sibling, wherever it is.
        for s in inst.sections.iter_mut() {
            if let Some(list) = holder(&mut s.provisions, a) {
                let pos = list
                    .iter()
                    .position(|x| x.id == a)
                    .map(|i| i + 1)
                    .unwrap_or(list.len());
                list.insert(pos, p);
                return;
            }
        }
        return;
    }
    match parent {
        Some(par) => {
            for s in inst.sections.iter_mut() {
                if let Some(list) = find_list(&mut s.provisions, par) {
                    list.insert(0, p);
                    return;
                }
            }
        }
        None => sec.provisions.insert(0, p),
    }
}

/// The amendments that turn `base` into `revised`: MOD for changed text or label, SUP
/// for removed provisions, ADD for new ones. (Moves become SUP + ADD.)
pub fn amendments_between(base: &Instrument, revised: &Instrument) -> Vec<Amendment> {
    let d: Diff<'_> = diff(base, revised);
    let mut out = Vec::new();
    // Identities in the revised text: new provisions must not reuse a base identity
    // that still exists.
    for sec in &d.sections {
        let mut prev_at_depth: Vec<Option<String>> = Vec::new();
        let mut parents: Vec<Option<String>> = Vec::new();
        for e in &sec.entries {
            let moved = e.status == Status::Moved;
            if let (Some(o), Some(n)) = (&e.old, &e.new)
                && !moved
            {
                let label = (o.label != n.label).then(|| n.label.to_string());
                if !e.changes.is_empty() || label.is_some() {
                    out.push(Amendment::Mod {
                        id: o.id.to_string(),
                        changes: if e.changes.is_empty() {
                            vec![WordChange {
                                op: ChangeOp::Equal,
                                text: o.text.clone().into_owned(),
                            }]
                        } else {
                            e.changes.clone()
                        },
                        label,
                    });
                }
            }
            if let Some(o) = &e.old
                && (e.new.is_none() || moved)
            {
                out.push(Amendment::Sup {
                    id: o.id.to_string(),
                });
            }
            if let Some(n) = &e.new {
                prev_at_depth.truncate(n.depth + 1);
                parents.truncate(n.depth);
                while prev_at_depth.len() <= n.depth {
                    prev_at_depth.push(None);
                }
                let anchor_id =
                    |side: &crate::diff::Side<'_>, old: &Option<crate::diff::Side<'_>>| -> String {
                        match old {
                            Some(o) if !moved => o.id.to_string(),
                            _ => side.id.to_string(),
                        }
                    };
                if e.old.is_none() || moved {
                    let mut new_id = n.id.to_string();
                    let mut k = 1;
                    while base.provision(&new_id).is_some() {
                        k += 1;
                        new_id = format!("{}:{k}", n.id);
                    }
                    out.push(Amendment::Add {
                        section: sec.heading.clone(),
                        after: prev_at_depth[n.depth].clone(),
                        parent: if n.depth == 0 {
                            None
                        } else {
                            parents.get(n.depth - 1).cloned().flatten()
                        },
                        provision: Provision {
                            id: new_id.clone(),
                            label: n.label.to_string(),
                            text: n.text.clone().into_owned(),
                            children: Vec::new(),
                            sponsors: Vec::new(),
                        },
                    });
                }
                let id = if e.old.is_none() || moved {
                    let mut new_id = n.id.to_string();
                    let mut k = 1;
                    while base.provision(&new_id).is_some() {
                        k += 1;
                        new_id = format!("{}:{k}", n.id);
                    }
                    new_id
                } else {
                    anchor_id(n, &e.old)
                };
                prev_at_depth[n.depth] = Some(id.clone());
                while parents.len() <= n.depth {
                    parents.push(None);
                }
                parents[n.depth] = Some(id);
            }
        }
    }
    out
}

/// A provision tree from a flat list (depth, provision) — re-exported helper for
/// importers.
pub fn provisions_from_flat(flat: Vec<(usize, Provision)>) -> Vec<Provision> {
    tree_from_flat(flat)
}

/// The redline of amendments as text: applies them, then shows what changed with
/// `[-deleted-]` and `{+inserted+}` markers (see [`crate::render::redline_text`]).
pub fn redline_text(base: &Instrument, amendments: &[Amendment]) -> Result<String, ApplyError> {
    let amended = apply(base, amendments)?;
    Ok(crate::render::redline_text(&diff(base, &amended)))
}

/// The redline of amendments as an HTML fragment with `<ins>`/`<del>`, escaped (see
/// [`crate::render::redline_html`]).
pub fn redline_html(base: &Instrument, amendments: &[Amendment]) -> Result<String, ApplyError> {
    let amended = apply(base, amendments)?;
    Ok(crate::render::redline_html(&diff(base, &amended)))
}
