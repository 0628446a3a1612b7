//! Base text + proposals → one negotiating text.
//!
//! Each proposal is the base text as its sponsors would amend it. A proposal *touches*
//! a provision when it modifies or suppresses it, or names it in its `noc:` metadata
//! (explicit "no change"). Where every proposal that touches a stretch of words agrees,
//! the result is agreed text; where they differ, the stretch becomes a bracket whose
//! alternatives carry the sponsors behind them (the base wording is one alternative,
//! labelled `NOC`, when a proposal explicitly keeps it). Changes to different words of
//! the same paragraph combine without brackets.
//!
//! Laws (tested): `merge(base, [p]) == p` (as amended text, no brackets added; a
//! proposal's `noc:` line is consumed by the merge, not copied);
//! `merge(base, [p, p]) == merge(base, [p])`; the order of proposals does not matter.
//! Moves of existing provisions inside a proposal are not carried over: the merged
//! text keeps the base position (the text changes are kept).

use crate::diff::{align, hunks};
use crate::model::*;
use crate::notation::{ORDINALS, print};
use crate::words::{self, Tok};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};

/// A proposal: the amended text and who stands behind it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Proposal {
    /// Sponsoring delegations or groups.
    pub sponsors: Vec<String>,
    /// The base text as the sponsors would amend it.
    pub text: Instrument,
    /// Identities of provisions the sponsors explicitly keep unchanged (NOC).
    pub noc: Vec<String>,
}

impl Proposal {
    /// A proposal from an amended text: sponsors from its `sponsors:` metadata line,
    /// explicit NOCs from its `noc:` line (comma-separated provision identities).
    /// Without sponsors, the instrument's number stands for them.
    pub fn from_instrument(text: Instrument) -> Proposal {
        let mut sponsors = text.sponsors();
        if sponsors.is_empty() {
            sponsors.push(
                text.number
                    .replace([',', '{', '}', '[', ']', '|', '\\', '#'], ""),
            );
        }
        let noc = text
            .meta("noc")
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        Proposal {
            sponsors,
            text,
            noc,
        }
    }
}

impl Proposal {
    /// Like [`Proposal::from_instrument`], but when the text names no sponsors,
    /// `fallback` (e.g. a file name) stands for them.
    pub fn with_default_sponsor(text: Instrument, fallback: &str) -> Proposal {
        let named = !text.sponsors().is_empty();
        let mut p = Proposal::from_instrument(text);
        if !named {
            let clean: String = fallback
                .chars()
                .filter(|c| {
                    !matches!(c, ',' | '{' | '}' | '[' | ']' | '|' | '\\' | '#') && !c.is_control()
                })
                .collect();
            p.sponsors = vec![if clean.trim().is_empty() {
                "proposal".into()
            } else {
                clean.trim().to_string()
            }];
        }
        p
    }
}

/// Merges collections: each base instrument with the proposal instruments of the same
/// kind and number. Each element of `proposals` is one proposal file's instruments.
/// Fails when a proposal amends an instrument that is not in the base.
pub fn merge_collection(
    base: &[Instrument],
    proposals: &[Vec<Proposal>],
) -> Result<Vec<Instrument>, String> {
    let same = |a: &Instrument, b: &Instrument| {
        a.kind.eq_ignore_ascii_case(&b.kind) && a.number == b.number
    };
    for p in proposals.iter().flatten() {
        if !base.iter().any(|b| same(b, &p.text)) {
            return Err(format!(
                "the proposal from {} amends {}, which is not in the base text",
                p.sponsors.join(", "),
                p.text.citation()
            ));
        }
    }
    Ok(base
        .iter()
        .map(|b| {
            let ps: Vec<Proposal> = proposals
                .iter()
                .flatten()
                .filter(|p| same(b, &p.text))
                .cloned()
                .collect();
            merge(b, &ps)
        })
        .collect())
}

/// What one proposal does to one stretch of text.
#[derive(Clone, Debug)]
enum Variant {
    /// Explicitly keeps the base.
    Keep,
    /// Replaces the text.
    Change(Text),
    /// Suppresses the provision.
    Suppress,
}

/// How a merged text names its provisions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Identities {
    /// As the proposals write them: merging one proposal gives it back as written.
    #[default]
    Proposed,
    /// Stable, for a negotiation's record: a provision of the base keeps the base's
    /// identity whatever the proposals call it, and an added one is named after its
    /// proposal's sponsors (`recognizing.c:bra`), so that every provision keeps its
    /// identity when proposals join the text or leave it.
    Stable,
}

/// Merges proposals on a base text into a negotiating text, provisions named as the
/// proposals name them ([`Identities::Proposed`]).
pub fn merge(base: &Instrument, proposals: &[Proposal]) -> Instrument {
    merge_with(base, proposals, Identities::Proposed)
}

/// Merges proposals on a base text into a negotiating text.
pub fn merge_with(base: &Instrument, proposals: &[Proposal], identities: Identities) -> Instrument {
    // Order-independence: work on a canonical order, without exact duplicates.
    let mut props: Vec<(String, String, &Proposal)> = proposals
        .iter()
        .map(|p| (p.sponsors.join(","), print(&p.text), p))
        .collect();
    props.sort_by(|a, b| (&a.0, &a.1, &a.2.noc).cmp(&(&b.0, &b.1, &b.2.noc)));
    props.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1 && a.2.noc == b.2.noc);
    let props: Vec<&Proposal> = props.into_iter().map(|x| x.2).collect();

    let base_flat = base.provisions();
    let mut out = base.clone();

    // Header fields.
    out.kind = agreed(&base.kind, props.iter().map(|p| &p.text.kind));
    out.number = agreed(&base.number, props.iter().map(|p| &p.text.number));
    out.revision = agreed(&base.revision, props.iter().map(|p| &p.text.revision));
    out.title = agreed(&base.title, props.iter().map(|p| &p.text.title));
    // `noc:` says how a proposal relates to the base; it is not part of the text.
    out.metadata = merge_metadata(base, &props);
    out.metadata.retain(|m| !m.key.eq_ignore_ascii_case("noc"));
    let opening_variants: Vec<(&[String], Variant)> = props
        .iter()
        .filter(|p| p.text.opening != base.opening)
        .map(|p| {
            (
                p.sponsors.as_slice(),
                Variant::Change(p.text.opening.clone()),
            )
        })
        .collect();
    out.opening = merge_text(&base.opening, &opening_variants).0;
    out.footnotes = merge_footnotes(base, &props);

    // Per proposal: the alignment of its provisions onto the base.
    struct Aligned<'a> {
        flat: Vec<(usize, usize, &'a Provision)>,
        new_to_old: Vec<Option<usize>>,
        old_to_new: Vec<Option<usize>>,
        /// Provisions of the proposal that it moved (taken out of their base place
        /// and put where the proposal has them).
        moved: Vec<bool>,
    }
    let aligned: Vec<Aligned<'_>> = props
        .iter()
        .map(|p| {
            let flat = p.text.provisions();
            let new_to_old = align(base, &p.text);
            let mut old_to_new = vec![None; base_flat.len()];
            for (j, m) in new_to_old.iter().enumerate() {
                if let Some(i) = m {
                    old_to_new[*i] = Some(j);
                }
            }
            let matched: Vec<(usize, usize)> = new_to_old
                .iter()
                .enumerate()
                .filter_map(|(j, m)| m.map(|i| (j, i)))
                .collect();
            let olds: Vec<usize> = matched.iter().map(|x| x.1).collect();
            let in_order = crate::diff::lis(&olds);
            let mut moved = vec![false; flat.len()];
            // Sections are told apart by heading and occurrence: a text may repeat a
            // heading ("Annex", "Recalling"), and a provision moved between two sections of
            // the same name has moved.
            let (base_sections, p_sections) = (section_keys(base), section_keys(&p.text));
            for (k, &(j, i)) in matched.iter().enumerate() {
                let cross = base_sections[base_flat[i].0] != p_sections[flat[j].0];
                moved[j] = !in_order[k] || cross || base_flat[i].1 != flat[j].1;
            }
            Aligned {
                flat,
                new_to_old,
                old_to_new,
                moved,
            }
        })
        .collect();

    // Additions, keyed by where they go: after a base provision, or at the start of a
    // section (by heading).
    #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
    enum Anchor {
        After(usize),
        Start(SectionKey),
    }
    let mut additions: HashMap<Anchor, Vec<(usize, usize, &Provision)>> = HashMap::new(); // (proposal, depth, provision)
    let base_keys = section_keys(base);
    let mut new_sections: Vec<(Option<SectionKey>, SectionKey)> = Vec::new(); // (after, section)
    for (k, a) in aligned.iter().enumerate() {
        let p = &props[k].text;
        let p_keys = section_keys(p);
        let mut anchor: Option<Anchor> = None;
        let mut cur_sec = usize::MAX;
        for (j, (sec, depth, prov)) in a.flat.iter().enumerate() {
            if *sec != cur_sec {
                cur_sec = *sec;
                anchor = None;
            }
            match a.new_to_old[j] {
                Some(i) if !a.moved[j] => {
                    anchor = Some(Anchor::After(i));
                }
                _ => {
                    let key = anchor
                        .clone()
                        .unwrap_or_else(|| Anchor::Start(p_keys[*sec].clone()));
                    additions.entry(key).or_default().push((k, *depth, prov));
                }
            }
        }
        for (si, key) in p_keys.iter().enumerate() {
            if !base_keys.contains(key) && !new_sections.iter().any(|(_, h)| h == key) {
                let after = p_keys[..si]
                    .iter()
                    .rev()
                    .find(|h| base_keys.contains(h))
                    .cloned();
                new_sections.push((after, key.clone()));
            }
        }
    }

    let render_additions =
        |list: &[(usize, usize, &Provision)]| -> Vec<(usize, Provision, Option<usize>)> {
            // Group additions with the same or similar text at the same depth.
            let mut groups: Vec<(usize, Vec<(usize, &Provision)>)> = Vec::new();
            for &(k, depth, prov) in list {
                let bag = words::word_bag(&prov.text);
                let found = groups.iter_mut().find(|(d, members)| {
                    *d == depth
                        && !members.iter().any(|(mk, _)| *mk == k)
                        && (members[0].1.text == prov.text
                            || words::similarity(&words::word_bag(&members[0].1.text), &bag)
                                >= crate::diff::SIMILARITY_THRESHOLD)
                });
                match found {
                    Some((_, members)) => members.push((k, prov)),
                    None => groups.push((depth, vec![(k, prov)])),
                }
            }
            groups
                .into_iter()
                .map(|(depth, members)| {
                    let variants: Vec<(&[String], Variant)> = members
                        .iter()
                        .map(|(k, p)| {
                            (
                                props[*k].sponsors.as_slice(),
                                Variant::Change(p.text.clone()),
                            )
                        })
                        .collect();
                    let (first_k, first) = members[0];
                    let text = whole_alternatives(&Text::default(), &variants);
                    // One wording: it is agreed so far, and its proposers are named on it.
                    let sponsors = if text.has_brackets() {
                        Vec::new()
                    } else {
                        sorted_sponsors(
                            members.iter().map(|(k, _)| props[*k].sponsors.as_slice()),
                            false,
                        )
                    };
                    let id = match identities {
                        Identities::Proposed => first.id.clone(),
                        Identities::Stable => {
                            format!("{}:{}", first.id, sponsor_tag(&props[first_k].sponsors))
                        }
                    };
                    (
                        depth,
                        Provision {
                            id,
                            label: first.label.clone(),
                            text,
                            children: Vec::new(),
                            sponsors,
                        },
                        Some(first_k),
                    )
                })
                .collect()
        };

    let mut sections: Vec<Section> = Vec::new();
    let mut kept_keys: Vec<SectionKey> = Vec::new();
    let mut flat_index = 0usize;
    for (si, sec) in base.sections.iter().enumerate() {
        // (depth, provision, the proposal that added it)
        let mut flat: Vec<(usize, Provision, Option<usize>)> = Vec::new();
        if let Some(list) = additions.get(&Anchor::Start(base_keys[si].clone())) {
            flat.extend(render_additions(list));
        }
        while flat_index < base_flat.len() && base_flat[flat_index].0 == si {
            let i = flat_index;
            flat_index += 1;
            let (_, depth, bp) = base_flat[i];
            let mut variants: Vec<(&[String], Variant)> = Vec::new();
            let mut labels = Vec::new();
            let mut ids = Vec::new();
            for (k, a) in aligned.iter().enumerate() {
                let sponsors = props[k].sponsors.as_slice();
                match a.old_to_new[i] {
                    None => variants.push((sponsors, Variant::Suppress)),
                    Some(j) if a.moved[j] => variants.push((sponsors, Variant::Suppress)),
                    Some(j) => {
                        let np = a.flat[j].2;
                        if np.text != bp.text {
                            variants.push((sponsors, Variant::Change(np.text.clone())));
                        } else if props[k].noc.iter().any(|x| x == &bp.id) {
                            variants.push((sponsors, Variant::Keep));
                        }
                        labels.push(&np.label);
                        ids.push(&np.id);
                    }
                }
            }
            let all_suppress =
                !variants.is_empty() && variants.iter().all(|v| matches!(v.1, Variant::Suppress));
            let any_suppress = variants.iter().any(|v| matches!(v.1, Variant::Suppress));
            if !all_suppress {
                let (text, changed_by) = if any_suppress {
                    let text = whole_alternatives(&bp.text, &variants);
                    let by = if text.has_brackets() {
                        Vec::new()
                    } else {
                        changers(&variants)
                    };
                    (text, by)
                } else {
                    merge_text(&bp.text, &variants)
                };
                let sponsors = if variants.is_empty() {
                    bp.sponsors.clone()
                } else {
                    changed_by
                };
                let id = match identities {
                    Identities::Proposed => agreed(&bp.id, ids.into_iter()),
                    Identities::Stable => bp.id.clone(),
                };
                flat.push((
                    depth,
                    Provision {
                        id,
                        label: agreed(&bp.label, labels.into_iter()),
                        text,
                        children: Vec::new(),
                        sponsors,
                    },
                    None,
                ));
            }
            if let Some(list) = additions.get(&Anchor::After(i)) {
                flat.extend(render_additions(list));
            }
        }
        let touched_removal = props
            .iter()
            .any(|p| !section_keys(&p.text).contains(&base_keys[si]));
        if flat.is_empty() && touched_removal {
            continue;
        }
        kept_keys.push(base_keys[si].clone());
        sections.push(Section {
            heading: sec.heading.clone(),
            provisions: crate::diff::tree_from_flat(provisional_labels(flat)),
        });
    }
    // Occurrence numbers refer to the base's sections, also when some were dropped.
    let mut keys = kept_keys;
    for (after, key) in new_sections {
        let flat = additions
            .get(&Anchor::Start(key.clone()))
            .map(|l| render_additions(l))
            .unwrap_or_default();
        let mut pos = match after {
            Some(h) => keys
                .iter()
                .position(|k| *k == h)
                .map(|p| p + 1)
                .unwrap_or(keys.len()),
            None => 0,
        };
        // Keep several new sections after the same one in proposal order.
        while pos < keys.len() && !base_keys.contains(&keys[pos]) {
            pos += 1;
        }
        keys.insert(pos, key.clone());
        sections.insert(
            pos,
            Section {
                heading: key.0,
                provisions: crate::diff::tree_from_flat(provisional_labels(flat)),
            },
        );
    }
    out.sections = sections;
    finish_ids(&mut out);
    out
}

/// A section's identity for the merge: its heading and which occurrence of that
/// heading it is (1 for the first).
type SectionKey = (String, usize);

fn section_keys(inst: &Instrument) -> Vec<SectionKey> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    inst.sections
        .iter()
        .map(|s| {
            let n = seen.entry(s.heading.as_str()).or_insert(0);
            *n += 1;
            (s.heading.clone(), *n)
        })
        .collect()
}

/// The value every changer agrees on, or the base.
fn agreed<'a, T: PartialEq + Clone + 'a>(base: &T, values: impl Iterator<Item = &'a T>) -> T {
    let mut chosen: Option<&T> = None;
    for v in values {
        if v == base {
            continue;
        }
        match chosen {
            None => chosen = Some(v),
            Some(c) if c == v => {}
            Some(_) => return base.clone(),
        }
    }
    chosen.cloned().unwrap_or_else(|| base.clone())
}

fn merge_metadata(base: &Instrument, props: &[&Proposal]) -> Vec<Metadata> {
    let changed: Vec<&Vec<Metadata>> = props
        .iter()
        .map(|p| &p.text.metadata)
        .filter(|m| **m != base.metadata)
        .collect();
    if changed.is_empty() {
        return base.metadata.clone();
    }
    if changed.iter().all(|m| *m == changed[0]) {
        return changed[0].clone();
    }
    let mut keys: Vec<String> = Vec::new();
    for m in base
        .metadata
        .iter()
        .chain(changed.iter().flat_map(|m| m.iter()))
    {
        if !keys.contains(&m.key) {
            keys.push(m.key.clone());
        }
    }
    let get =
        |list: &Vec<Metadata>, k: &str| list.iter().find(|m| m.key == k).map(|m| m.value.clone());
    keys.into_iter()
        .filter_map(|k| {
            let b = get(&base.metadata, &k);
            let values: Vec<Option<String>> = changed.iter().map(|m| get(m, &k)).collect();
            let changers: Vec<&Option<String>> = values.iter().filter(|v| **v != b).collect();
            let value = if changers.is_empty() {
                b
            } else if changers.iter().all(|v| *v == changers[0]) {
                changers[0].clone()
            } else {
                let mut set = BTreeSet::new();
                for v in values.iter().flatten().chain(b.iter()) {
                    for part in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                        set.insert(part.to_string());
                    }
                }
                Some(set.into_iter().collect::<Vec<_>>().join(", "))
            };
            value.map(|value| Metadata { key: k, value })
        })
        .collect()
}

fn merge_footnotes(base: &Instrument, props: &[&Proposal]) -> Vec<Footnote> {
    let changed: Vec<&Proposal> = props
        .iter()
        .copied()
        .filter(|p| p.text.footnotes != base.footnotes)
        .collect();
    if changed.is_empty() {
        return base.footnotes.clone();
    }
    if changed
        .iter()
        .all(|p| p.text.footnotes == changed[0].text.footnotes)
    {
        return changed[0].text.footnotes.clone();
    }
    let mut labels: Vec<&String> = Vec::new();
    for f in base
        .footnotes
        .iter()
        .chain(changed.iter().flat_map(|p| p.text.footnotes.iter()))
    {
        if !labels.contains(&&f.label) {
            labels.push(&f.label);
        }
    }
    let mut out = Vec::new();
    for label in labels {
        let b = base
            .footnotes
            .iter()
            .find(|f| &f.label == label)
            .map(|f| &f.text);
        let mut variants: Vec<(&[String], Variant)> = Vec::new();
        for p in &changed {
            let t = p
                .text
                .footnotes
                .iter()
                .find(|f| &f.label == label)
                .map(|f| &f.text);
            if t != b {
                variants.push((
                    p.sponsors.as_slice(),
                    match t {
                        Some(t) => Variant::Change(t.clone()),
                        None => Variant::Suppress,
                    },
                ));
            }
        }
        let empty = Text::default();
        let bt = b.unwrap_or(&empty);
        if !variants.is_empty() && variants.iter().all(|v| matches!(v.1, Variant::Suppress)) {
            continue;
        }
        let text = if variants.iter().any(|v| matches!(v.1, Variant::Suppress)) || b.is_none() {
            whole_alternatives(bt, &variants)
        } else {
            merge_text(bt, &variants).0
        };
        out.push(Footnote {
            label: label.clone(),
            text,
        });
    }
    out
}

fn sorted_sponsors<'a>(lists: impl Iterator<Item = &'a [String]>, noc: bool) -> Vec<String> {
    let set: BTreeSet<&String> = lists.flatten().collect();
    let mut out: Vec<String> = Vec::new();
    if noc {
        out.push(NOC.to_string());
    }
    out.extend(set.into_iter().filter(|s| s.as_str() != NOC).cloned());
    out
}

/// Alternatives as a bracket: each distinct outcome once, with its sponsors; the base
/// (kept by NOC) first, then by sponsors. One outcome only: that outcome, unbracketed.
fn alternatives_of(base: &Text, variants: &[(&[String], Text, bool)]) -> Text {
    // (text, sponsor lists, is base kept explicitly)
    let mut groups: Vec<(Text, Vec<&[String]>, bool)> = Vec::new();
    for (s, t, keep) in variants {
        match groups.iter_mut().find(|g| &g.0 == t) {
            Some(g) => {
                g.1.push(s);
                g.2 |= *keep;
            }
            None => groups.push((t.clone(), vec![s], *keep)),
        }
    }
    if groups.len() == 1 {
        return groups.remove(0).0;
    }
    let mut alts: Vec<(bool, Alternative)> = groups
        .into_iter()
        .map(|(t, lists, keep)| {
            let is_base = keep && &t == base;
            (
                !is_base,
                Alternative {
                    sponsors: sorted_sponsors(lists.into_iter(), is_base),
                    text: normalize(&t),
                },
            )
        })
        .collect();
    alts.sort_by(|a, b| {
        (a.0, &a.1.sponsors, print_key(&a.1.text)).cmp(&(b.0, &b.1.sponsors, print_key(&b.1.text)))
    });
    Text(vec![Inline::Bracket(Bracket {
        id: String::new(),
        alternatives: alts.into_iter().map(|a| a.1).collect(),
    })])
}

fn print_key(t: &Text) -> String {
    crate::notation::text_to_notation(t)
}

fn whole_alternatives(base: &Text, variants: &[(&[String], Variant)]) -> Text {
    let vs: Vec<(&[String], Text, bool)> = variants
        .iter()
        .map(|(s, v)| match v {
            Variant::Keep => (*s, base.clone(), true),
            Variant::Change(t) => (*s, t.clone(), false),
            Variant::Suppress => (*s, Text::default(), false),
        })
        .collect();
    alternatives_of(base, &vs)
}

/// Word-level n-way merge of one provision's text. Where the proposals that change it
/// agree, their wording, with their sponsors (the second value); where they differ, one
/// bracket over the smallest stretch that covers every proposal's changes, each
/// alternative exactly one wording of that stretch, so that choosing an alternative
/// gives one proposal's text and never words that nobody proposed.
fn merge_text(base: &Text, variants: &[(&[String], Variant)]) -> (Text, Vec<String>) {
    let btoks = words::tokens(base);
    let all = changes_of(base, variants);
    if all.is_empty() {
        return (base.clone(), Vec::new());
    }
    let keeps = variants.iter().any(|v| matches!(v.1, Variant::Keep));
    let changed: Vec<(&[String], &Text)> = variants
        .iter()
        .filter_map(|(s, v)| match v {
            Variant::Change(t) if t != base => Some((*s, t)),
            _ => None,
        })
        .collect();
    if !keeps && changed.iter().all(|c| c.1 == changed[0].1) {
        let by = sorted_sponsors(changed.iter().map(|c| c.0), false);
        return (normalize(changed[0].1), by);
    }
    // The stretch runs over whole words: spaces stay outside the bracket, so that any
    // alternative, the empty one included, reads as its sponsor wrote it.
    let mut cs = all.iter().map(|h| h.0).min().unwrap_or(0);
    let mut ce = all.iter().map(|h| h.1).max().unwrap_or(cs);
    while cs > 0 && btoks[cs - 1] != Tok::Space {
        cs -= 1;
    }
    while ce < btoks.len() && btoks[ce] != Tok::Space {
        ce += 1;
    }
    // Each changing variant's wording of base[cs..ce].
    let mut vs: Vec<(&[String], Text, bool)> = Vec::new();
    for (v, (sponsors, _)) in variants.iter().enumerate() {
        let mut t = Text::default();
        let mut p = cs;
        let mut touched = false;
        for (s, e, vv, ins) in &all {
            if *vv != v {
                continue;
            }
            touched = true;
            t = Text::concat([&t, &words::text_of(&btoks[p..*s]), ins]);
            p = *e;
        }
        if touched {
            t = Text::concat([&t, &words::text_of(&btoks[p..ce])]);
            vs.push((sponsors, t, false));
        }
    }
    for (s, var) in variants {
        if matches!(var, Variant::Keep) {
            vs.push((s, words::text_of(&btoks[cs..ce]), true));
        }
    }
    let bracket = alternatives_of(&words::text_of(&btoks[cs..ce]), &vs);
    let out = Text::concat([
        &words::text_of(&btoks[..cs]),
        &bracket,
        &words::text_of(&btoks[ce..]),
    ]);
    (normalize(&out), Vec::new())
}

/// The wording that combines every change the alternatives of a bracket make to its base
/// wording (the `NOC` alternative), when they change different words: the compromise a
/// chair may adopt (`replace_bracket`), never a compilation's own result. `None` when
/// the bracket has no base wording, fewer than two alternatives change it, two change
/// the same words differently, or the combination is one of the alternatives already.
pub fn combined_wording(bracket: &Bracket) -> Option<Text> {
    let base = bracket
        .alternatives
        .iter()
        .find(|a| a.sponsors.iter().any(|s| s == NOC))?;
    let changes: Vec<(&[String], Variant)> = bracket
        .alternatives
        .iter()
        .filter(|a| !a.sponsors.iter().any(|s| s == NOC) && a.text != base.text)
        .map(|a| (a.sponsors.as_slice(), Variant::Change(a.text.clone())))
        .collect();
    if changes.len() < 2 {
        return None;
    }
    let combined = combine_changes(&base.text, &changes)?;
    let known = bracket.alternatives.iter().any(|a| a.text == combined);
    (!known).then_some(combined)
}

/// The sponsors of every variant that changes or suppresses a text.
fn changers(variants: &[(&[String], Variant)]) -> Vec<String> {
    sorted_sponsors(
        variants
            .iter()
            .filter(|v| !matches!(v.1, Variant::Keep))
            .map(|v| v.0),
        false,
    )
}

/// A sponsor list as part of an identity: `bra`, `can-usa`.
fn sponsor_tag(sponsors: &[String]) -> String {
    let mut list: Vec<String> = sponsors.iter().map(|s| crate::model::slug(s)).collect();
    list.sort();
    let tag = list.join("-");
    if tag.is_empty() {
        "proposal".into()
    } else {
        tag
    }
}

/// Gives paragraphs added by proposals a provisional label where theirs is taken by a
/// sibling: `e bis)` after `e)`, `e ter)` after `e bis)` (the UN and ITU house style for
/// paragraphs added in negotiation), until the text is renumbered at adoption.
fn provisional_labels(mut flat: Vec<(usize, Provision, Option<usize>)>) -> Vec<(usize, Provision)> {
    // Siblings: the same depth under the same parent.
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(flat.len());
    let mut stack: Vec<usize> = Vec::new();
    for (i, (depth, _, _)) in flat.iter().enumerate() {
        stack.truncate(*depth);
        parent.push(if *depth == 0 {
            None
        } else {
            stack.last().copied()
        });
        stack.push(i);
    }
    // (parent, depth) → the siblings' indices, in order
    type Siblings = ((Option<usize>, usize), Vec<usize>);
    let mut groups: Vec<Siblings> = Vec::new();
    for (i, (depth, _, _)) in flat.iter().enumerate() {
        let key = (parent[i], *depth);
        match groups.iter_mut().find(|g| g.0 == key) {
            Some(g) => g.1.push(i),
            None => groups.push((key, vec![i])),
        }
    }
    for (_, members) in groups {
        // Each label with where it comes from (None: the base).
        // A proposal's labels among the base's are its own doing; only another
        // proposal's addition under the same label makes a provisional one.
        let mut used: HashMap<String, Vec<Option<usize>>> = HashMap::new();
        let base_labels: HashSet<String> = members
            .iter()
            .filter(|&&i| flat[i].2.is_none())
            .map(|&i| flat[i].1.label.clone())
            .collect();
        let mut prev: Option<String> = None;
        for &i in &members {
            let label = flat[i].1.label.clone();
            let origin = flat[i].2;
            let taken = |l: &str, used: &HashMap<String, Vec<Option<usize>>>| {
                used.get(l).is_some_and(|o| o.iter().any(|x| *x != origin))
            };
            if origin.is_some() && label != "-" && taken(&label, &used) {
                let after = prev.clone().unwrap_or_else(|| label.clone());
                let all: HashSet<String> = used.keys().chain(&base_labels).cloned().collect();
                if let Some(next) = next_provisional(&after, &all) {
                    flat[i].1.label = next;
                }
            }
            if origin.is_some() {
                used.entry(flat[i].1.label.clone())
                    .or_default()
                    .push(origin);
            }
            prev = Some(flat[i].1.label.clone());
        }
    }
    flat.into_iter().map(|(d, p, _)| (d, p)).collect()
}

/// A paragraph that took a new label when the text was renumbered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relabel {
    /// The paragraph's identity.
    pub provision: String,
    /// Its label before (`c bis)`).
    pub from: String,
    /// Its label after (`d)`).
    pub to: String,
}

/// Renumbers every list of paragraphs that holds a provisional label (`c bis)`, `3 bis`)
/// in its own style (`a)` `b)` …, `(a)` …, `1` `2` …, `1)` …), as a text is at adoption,
/// and returns what changed. Lists in another style (roman numerals, `2.1`) and
/// unnumbered paragraphs (`-`) keep their labels.
pub fn renumber(inst: &mut Instrument) -> Vec<Relabel> {
    fn provisional(label: &str) -> bool {
        let inner = label.trim_start_matches('(').trim_end_matches(')');
        inner
            .split_once(' ')
            .is_some_and(|(_, ord)| ORDINALS.contains(&ord))
    }
    /// (open, first value, close, letters?)
    fn style(label: &str) -> Option<(&'static str, usize, &'static str, bool)> {
        let (open, rest) = match label.strip_prefix('(') {
            Some(r) => ("(", r),
            None => ("", label),
        };
        let (close, inner) = match rest.strip_suffix(')') {
            Some(r) => (")", r),
            None => ("", rest),
        };
        let inner = inner.split(' ').next().unwrap_or("");
        if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()) {
            return Some((open, inner.parse().ok()?, close, false));
        }
        let mut chars = inner.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_lowercase() && close == ")" => {
                Some((open, (c as u8 - b'a') as usize, close, true))
            }
            _ => None,
        }
    }
    fn letters(n: usize) -> String {
        let c = (b'a' + (n % 26) as u8) as char;
        std::iter::repeat_n(c, n / 26 + 1).collect()
    }
    fn walk(list: &mut [Provision], out: &mut Vec<Relabel>) {
        let numbered: Vec<usize> = (0..list.len()).filter(|&k| list[k].label != "-").collect();
        if numbered.iter().any(|&k| provisional(&list[k].label))
            && let Some(&first) = numbered.first()
            && let Some((open, start, close, alpha)) = style(&list[first].label)
        {
            for (n, &k) in numbered.iter().enumerate() {
                let value = start + n;
                let to = if alpha {
                    format!("{open}{}{close}", letters(value))
                } else {
                    format!("{open}{value}{close}")
                };
                if list[k].label != to {
                    out.push(Relabel {
                        provision: list[k].id.clone(),
                        from: std::mem::replace(&mut list[k].label, to.clone()),
                        to,
                    });
                }
            }
        }
        for p in list {
            walk(&mut p.children, out);
        }
    }
    let mut out = Vec::new();
    for s in &mut inst.sections {
        walk(&mut s.provisions, &mut out);
    }
    out
}

/// The first free provisional label after `label`: `c)` → `c bis)`, `c bis)` → `c ter)`,
/// `3` → `3 bis`; `None` when the label has no such form (`2.1`, `-`).
fn next_provisional(label: &str, used: &HashSet<String>) -> Option<String> {
    let (open, rest) = match label.strip_prefix('(') {
        Some(r) => ("(", r),
        None => ("", label),
    };
    let (close, rest) = match rest.strip_suffix(')') {
        Some(r) => (")", r),
        None => ("", rest),
    };
    let (stem, from) = match rest.split_once(' ') {
        Some((stem, ord)) => (stem, ORDINALS.iter().position(|o| *o == ord)? + 1),
        None => (rest, 0),
    };
    ORDINALS[from.min(ORDINALS.len())..]
        .iter()
        .map(|ord| format!("{open}{stem} {ord}{close}"))
        .find(|c| !used.contains(c) && crate::notation::label_of(&format!("{c} x")) == c)
}

/// Every change the variants make to `base`, word by word: (start, end, variant index,
/// inserted text), in base token positions.
fn changes_of(base: &Text, variants: &[(&[String], Variant)]) -> Vec<(usize, usize, usize, Text)> {
    let mut all = Vec::new();
    for (v, (_, var)) in variants.iter().enumerate() {
        if let Variant::Change(t) = var {
            let (_, hs) = hunks(base, t);
            for (s, e, ins) in hs {
                all.push((s, e, v, ins));
            }
        }
    }
    all
}

/// Word-level n-way combination of changes to one text: changes to different words are
/// all applied; where two change the same words differently, `None`.
fn combine_changes(base: &Text, variants: &[(&[String], Variant)]) -> Option<Text> {
    let btoks = words::tokens(base);
    let mut all = changes_of(base, variants);
    if all.is_empty() {
        return Some(base.clone());
    }
    all.sort_by_key(|a| (a.0, a.1, a.2));
    // Clusters of overlapping hunks.
    let mut clusters: Vec<(usize, usize, Vec<usize>)> = Vec::new(); // start, end, hunk indices
    for (h, (s, e, _, _)) in all.iter().enumerate() {
        let joins = match clusters.last() {
            Some((cs, ce, members)) => {
                *s < *ce
                    || *s == *cs
                    || (*s == *ce
                        && (*s == *e
                            || members.iter().any(|&m| all[m].0 == *ce && all[m].1 == *ce)))
            }
            None => false,
        };
        if joins {
            if let Some(last) = clusters.last_mut() {
                last.1 = last.1.max(*e);
                last.2.push(h);
            }
        } else {
            clusters.push((*s, *e, vec![h]));
        }
    }
    let mut out = Text::default();
    let mut pos = 0usize;
    for (cs, ce, members) in clusters {
        out = Text::concat([&out, &words::text_of(&btoks[pos..cs])]);
        // Each variant touching the cluster: its replacement of base[cs..ce].
        let mut touching: Vec<usize> = members.iter().map(|&m| all[m].2).collect();
        touching.sort_unstable();
        touching.dedup();
        let mut vs: Vec<(&[String], Text, bool)> = Vec::new();
        for &v in &touching {
            let mut t = Text::default();
            let mut p = cs;
            for &m in &members {
                let (s, e, vv, ref ins) = all[m];
                if vv != v {
                    continue;
                }
                t = Text::concat([&t, &words::text_of(&btoks[p..s]), ins]);
                p = e;
            }
            t = Text::concat([&t, &words::text_of(&btoks[p..ce])]);
            vs.push((variants[v].0, t, false));
        }
        for (s, var) in variants {
            if matches!(var, Variant::Keep) {
                vs.push((s, words::text_of(&btoks[cs..ce]), true));
            }
        }
        let distinct: HashSet<&Text> = vs.iter().map(|v| &v.1).collect();
        if distinct.len() == 1 {
            out = Text::concat([&out, &vs[0].1]);
        } else {
            return None;
        }
        pos = ce;
    }
    out = Text::concat([&out, &words::text_of(&btoks[pos..])]);
    Some(normalize(&out))
}

fn ends_with_space(t: &Text) -> bool {
    matches!(t.0.last(), Some(Inline::Run { text }) if text.ends_with(' '))
}

/// Canonical form: runs merged, whitespace collapsed to single spaces, ends trimmed
/// (also inside alternatives).
pub fn normalize(t: &Text) -> Text {
    let mut out = Text::default();
    for inline in &t.0 {
        match inline {
            Inline::Run { text } => {
                let mut s = String::new();
                let mut space = false;
                for c in text.chars() {
                    if c.is_whitespace() {
                        space = true;
                    } else {
                        if space {
                            s.push(' ');
                        }
                        space = false;
                        s.push(c);
                    }
                }
                if space {
                    s.push(' ');
                }
                // Avoid a double space at the join with the previous run.
                if s.starts_with(' ') && ends_with_space(&out) {
                    s.remove(0);
                }
                out.push(Inline::Run { text: s });
            }
            Inline::Bracket(b) => out.push(Inline::Bracket(Bracket {
                id: b.id.clone(),
                alternatives: b
                    .alternatives
                    .iter()
                    .map(|a| Alternative {
                        sponsors: a.sponsors.clone(),
                        text: normalize(&a.text),
                    })
                    .collect(),
            })),
            other => out.push(other.clone()),
        }
    }
    // Trim the ends.
    if let Some(Inline::Run { text }) = out.0.first_mut() {
        let t = text.trim_start().to_string();
        *text = t;
    }
    if let Some(Inline::Run { text }) = out.0.last_mut() {
        let t = text.trim_end().to_string();
        *text = t;
    }
    out.0
        .retain(|i| !matches!(i, Inline::Run { text } if text.is_empty()));
    out
}

/// Gives new brackets (empty id) and repeated bracket identities a fresh identity, and
/// makes provision identities unique.
fn finish_ids(inst: &mut Instrument) {
    let mut used: HashSet<String> = brackets_of(inst)
        .iter()
        .filter(|b| !b.id.is_empty())
        .map(|b| b.id.clone())
        .collect();
    let mut seen_b: HashSet<String> = HashSet::new();
    let mut counter = 0usize;
    fn walk(
        t: &mut Text,
        counter: &mut usize,
        used: &mut HashSet<String>,
        seen: &mut HashSet<String>,
    ) {
        for i in &mut t.0 {
            if let Inline::Bracket(b) = i {
                *counter += 1;
                if b.id.is_empty() || seen.contains(&b.id) {
                    let mut id = default_bracket_id(*counter);
                    let mut k = 1;
                    while used.contains(&id) {
                        k += 1;
                        id = format!("{}-{k}", default_bracket_id(*counter));
                    }
                    used.insert(id.clone());
                    b.id = id;
                }
                seen.insert(b.id.clone());
                for a in &mut b.alternatives {
                    walk(&mut a.text, counter, used, seen);
                }
            }
        }
    }
    for_each_text_mut(inst, &mut |t| walk(t, &mut counter, &mut used, &mut seen_b));
    let mut seen = HashSet::new();
    fn ids(list: &mut [Provision], seen: &mut HashSet<String>) {
        for p in list {
            if !seen.insert(p.id.clone()) {
                let mut k = 2;
                while seen.contains(&format!("{}:{k}", p.id)) {
                    k += 1;
                }
                p.id = format!("{}:{k}", p.id);
                seen.insert(p.id.clone());
            }
            ids(&mut p.children, seen);
        }
    }
    for s in &mut inst.sections {
        ids(&mut s.provisions, &mut seen);
    }
}
