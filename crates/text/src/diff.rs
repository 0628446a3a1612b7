//! Structure-aware diff of two revisions of an instrument, and its inverse, apply.
//!
//! Provisions are aligned in four passes, each only over what the previous ones left:
//! 1. same identity and same text;
//! 2. same text anywhere (a hash lookup: catches moves and renumbering);
//! 3. same identity and similar text (≥ [`SIMILARITY_THRESHOLD`]);
//! 4. similar text in the same section, then anywhere, among the few remaining
//!    candidates (bounded, so a large collection stays near-linear).
//!
//! Inside an aligned pair the change is word-level (Myers).

use crate::model::*;
use crate::words::FxMap as HashMap;
use crate::words::{self, Op, Tok};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Two texts at least this similar (Dice over words) may be the same provision.
pub const SIMILARITY_THRESHOLD: f64 = 0.5;

/// Beyond this many candidate pairs, pass 4 only compares provisions near in position.
const MAX_PAIRS: usize = 40_000;

/// What happened to a provision between two revisions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Same text, same label, same place.
    Unchanged,
    /// Text changed (the word changes say how).
    Modified,
    /// New in the later revision.
    Added,
    /// Gone from the later revision.
    Deleted,
    /// Now in another section, or out of its former order (text may also have changed).
    Moved,
    /// Same text and place, new label (e.g. `3` became `4` after an insertion).
    Renumbered,
}

impl Status {
    /// The lowercase name used in summaries and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Status::Unchanged => "unchanged",
            Status::Modified => "modified",
            Status::Added => "added",
            Status::Deleted => "deleted",
            Status::Moved => "moved",
            Status::Renumbered => "renumbered",
        }
    }
}

/// Kind of a word-level change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeOp {
    /// Kept.
    Equal,
    /// Removed from the old text.
    Delete,
    /// Added in the new text.
    Insert,
}

/// A stretch of words kept, deleted or inserted. The old text is the concatenation
/// of the `Equal` and `Delete` stretches; the new text of `Equal` and `Insert`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WordChange {
    /// Kept, deleted or inserted.
    pub op: ChangeOp,
    /// The words (with their spaces, brackets and footnote references).
    pub text: Text,
}

/// One side (old or new) of a provision in a diff. Borrows from the compared
/// instruments (no copy of large collections); [`Diff::into_owned`] detaches it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Side<'a> {
    /// The provision's identity.
    pub id: Cow<'a, str>,
    /// Its label.
    pub label: Cow<'a, str>,
    /// The heading of its section.
    pub section: Cow<'a, str>,
    /// 0 for a paragraph, 1 for its sub-items, …
    pub depth: usize,
    /// Its text.
    pub text: Cow<'a, Text>,
}

impl Side<'_> {
    /// The same side, owning its data.
    pub fn into_owned(self) -> Side<'static> {
        Side {
            id: Cow::Owned(self.id.into_owned()),
            label: Cow::Owned(self.label.into_owned()),
            section: Cow::Owned(self.section.into_owned()),
            depth: self.depth,
            text: Cow::Owned(self.text.into_owned()),
        }
    }
}

/// How one provision changed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProvisionDiff<'a> {
    /// The classification.
    pub status: Status,
    /// The provision in the old revision (absent when added).
    pub old: Option<Side<'a>>,
    /// The provision in the new revision (absent when deleted).
    pub new: Option<Side<'a>>,
    /// Word changes from old to new text; empty when the text is the same or when the
    /// provision was added or deleted.
    pub changes: Vec<WordChange>,
}

/// One section of the new revision with its provisions' changes in reading order
/// (deleted provisions where they used to be). Sections that exist only in the old
/// revision come last with `removed` set.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SectionDiff<'a> {
    /// The section heading.
    pub heading: String,
    /// True when the section no longer exists in the new revision.
    pub removed: bool,
    /// Changes of its provisions.
    pub entries: Vec<ProvisionDiff<'a>>,
}

/// Counts of provisions per status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Summary {
    /// Provisions new in the later revision.
    pub added: usize,
    /// Provisions gone.
    pub deleted: usize,
    /// Provisions whose text changed.
    pub modified: usize,
    /// Provisions moved.
    pub moved: usize,
    /// Provisions with only a new label.
    pub renumbered: usize,
    /// Provisions unchanged.
    pub unchanged: usize,
}

impl Summary {
    /// Counts one more provision of this status.
    pub fn count(&mut self, s: Status) {
        match s {
            Status::Added => self.added += 1,
            Status::Deleted => self.deleted += 1,
            Status::Modified => self.modified += 1,
            Status::Moved => self.moved += 1,
            Status::Renumbered => self.renumbered += 1,
            Status::Unchanged => self.unchanged += 1,
        }
    }

    /// Adds another summary's counts.
    pub fn add(&mut self, o: &Summary) {
        self.added += o.added;
        self.deleted += o.deleted;
        self.modified += o.modified;
        self.moved += o.moved;
        self.renumbered += o.renumbered;
        self.unchanged += o.unchanged;
    }

    /// Human form, changes only: `1 added, 2 modified` (or `no change`).
    pub fn describe(&self) -> String {
        let parts: Vec<String> = [
            (self.added, "added"),
            (self.deleted, "deleted"),
            (self.modified, "modified"),
            (self.moved, "moved"),
            (self.renumbered, "renumbered"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, s)| format!("{n} {s}"))
        .collect();
        if parts.is_empty() {
            "no change".into()
        } else {
            parts.join(", ")
        }
    }
}

/// Everything that changed from one revision of an instrument to the next.
/// [`apply_diff`]`(old, &diff(old, new)) == new`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Diff<'a> {
    /// The old citation line.
    pub old_citation: String,
    /// The new citation line.
    pub new_citation: String,
    /// The new citation, title, metadata and opening, when any of them changed.
    pub header: Option<Header>,
    /// Word changes of the opening formula (empty when unchanged).
    pub opening_changes: Vec<WordChange>,
    /// Sections with their provisions' changes.
    pub sections: Vec<SectionDiff<'a>>,
    /// The new footnotes, when they changed.
    pub footnotes: Option<Vec<Footnote>>,
}

/// The parts of an instrument before its sections.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Header {
    /// Kind.
    pub kind: String,
    /// Number.
    pub number: String,
    /// Revision cited.
    pub revision: Option<String>,
    /// Title.
    pub title: String,
    /// Metadata lines.
    pub metadata: Vec<Metadata>,
    /// Opening formula.
    pub opening: Text,
}

impl Header {
    fn of(i: &Instrument) -> Header {
        Header {
            kind: i.kind.clone(),
            number: i.number.clone(),
            revision: i.revision.clone(),
            title: i.title.clone(),
            metadata: i.metadata.clone(),
            opening: i.opening.clone(),
        }
    }
}

impl Diff<'_> {
    /// The same diff, owning all its data (to keep it beyond the instruments).
    pub fn into_owned(self) -> Diff<'static> {
        Diff {
            old_citation: self.old_citation,
            new_citation: self.new_citation,
            header: self.header,
            opening_changes: self.opening_changes,
            footnotes: self.footnotes,
            sections: self
                .sections
                .into_iter()
                .map(|s| SectionDiff {
                    heading: s.heading,
                    removed: s.removed,
                    entries: s
                        .entries
                        .into_iter()
                        .map(|e| ProvisionDiff {
                            status: e.status,
                            old: e.old.map(Side::into_owned),
                            new: e.new.map(Side::into_owned),
                            changes: e.changes,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// Counts over all provisions.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for sec in &self.sections {
            for e in &sec.entries {
                s.count(e.status);
            }
        }
        s
    }

    /// Counts per section heading, in order: `("recognizing", {added: 1, …})`.
    pub fn section_summaries(&self) -> Vec<(String, Summary)> {
        self.sections
            .iter()
            .map(|sec| {
                let mut s = Summary::default();
                for e in &sec.entries {
                    s.count(e.status);
                }
                (sec.heading.clone(), s)
            })
            .collect()
    }

    /// True when nothing at all changed.
    pub fn is_unchanged(&self) -> bool {
        self.header.is_none()
            && self.footnotes.is_none()
            && self
                .sections
                .iter()
                .all(|s| !s.removed && s.entries.iter().all(|e| e.status == Status::Unchanged))
    }
}

/// A flattened provision.
struct Item<'a> {
    sec: usize,
    depth: usize,
    p: &'a Provision,
    hash: u64,
}

fn flatten(inst: &Instrument) -> Vec<Item<'_>> {
    inst.provisions()
        .into_iter()
        .map(|(sec, depth, p)| Item {
            sec,
            depth,
            p,
            hash: words::text_hash(&p.text),
        })
        .collect()
}

/// Word changes turning `old` into `new`.
pub fn word_changes(old: &Text, new: &Text) -> Vec<WordChange> {
    let ot = words::tokens(old);
    let nt = words::tokens(new);
    words::diff_tokens(&ot, &nt)
        .into_iter()
        .map(|op| match op {
            Op::Equal(o, _, len) => WordChange {
                op: ChangeOp::Equal,
                text: words::text_of(&ot[o..o + len]),
            },
            Op::Delete(o, len) => WordChange {
                op: ChangeOp::Delete,
                text: words::text_of(&ot[o..o + len]),
            },
            Op::Insert(n, len) => WordChange {
                op: ChangeOp::Insert,
                text: words::text_of(&nt[n..n + len]),
            },
        })
        .collect()
}

/// Aligns the provisions of two revisions: for each new provision, the index of its
/// old counterpart (indices into [`Instrument::provisions`]).
pub fn align(old: &Instrument, new: &Instrument) -> Vec<Option<usize>> {
    let o = flatten(old);
    let n = flatten(new);
    align_items(old, new, &o, &n)
}

fn align_items(
    old: &Instrument,
    new: &Instrument,
    o: &[Item<'_>],
    n: &[Item<'_>],
) -> Vec<Option<usize>> {
    let mut new_to_old: Vec<Option<usize>> = vec![None; n.len()];
    let mut old_taken = vec![false; o.len()];
    let by_id: HashMap<&str, usize> = o
        .iter()
        .enumerate()
        .map(|(i, it)| (it.p.id.as_str(), i))
        .collect();

    // 1. identity and text.
    for (j, it) in n.iter().enumerate() {
        if let Some(&i) = by_id.get(it.p.id.as_str())
            && o[i].hash == it.hash
            && o[i].p.text == it.p.text
        {
            new_to_old[j] = Some(i);
            old_taken[i] = true;
        }
    }
    // 2. same text anywhere (first unused in document order).
    let mut by_hash: HashMap<u64, Vec<usize>> = HashMap::default();
    for (i, it) in o.iter().enumerate().rev() {
        if !old_taken[i] {
            by_hash.entry(it.hash).or_default().push(i);
        }
    }
    for (j, it) in n.iter().enumerate() {
        if new_to_old[j].is_some() || it.p.text.is_empty() {
            continue;
        }
        if let Some(list) = by_hash.get_mut(&it.hash) {
            while let Some(i) = list.pop() {
                if !old_taken[i] && o[i].p.text == it.p.text {
                    new_to_old[j] = Some(i);
                    old_taken[i] = true;
                    break;
                }
            }
        }
    }
    // 3. identity and similar text.
    let mut bags_o: HashMap<usize, Vec<u64>> = HashMap::default();
    let mut bags_n: HashMap<usize, Vec<u64>> = HashMap::default();
    for (j, it) in n.iter().enumerate() {
        if new_to_old[j].is_some() {
            continue;
        }
        if let Some(&i) = by_id.get(it.p.id.as_str())
            && !old_taken[i]
        {
            let bo = bags_o
                .entry(i)
                .or_insert_with(|| words::word_bag(&o[i].p.text))
                .clone();
            let bn = bags_n
                .entry(j)
                .or_insert_with(|| words::word_bag(&it.p.text));
            if words::similarity(&bo, bn) >= SIMILARITY_THRESHOLD {
                new_to_old[j] = Some(i);
                old_taken[i] = true;
            }
        }
    }
    // 4. similar text among the remaining: same section heading first, then anywhere.
    let heading_o = |i: usize| old.sections[o[i].sec].heading.as_str();
    let heading_n = |j: usize| new.sections[n[j].sec].heading.as_str();
    for pass in 0..2 {
        let rest_o: Vec<usize> = (0..o.len()).filter(|&i| !old_taken[i]).collect();
        let rest_n: Vec<usize> = (0..n.len()).filter(|&j| new_to_old[j].is_none()).collect();
        if rest_o.is_empty() || rest_n.is_empty() {
            break;
        }
        let mut groups: HashMap<&str, (Vec<usize>, Vec<usize>)> = HashMap::default();
        for &i in &rest_o {
            let key = if pass == 0 { heading_o(i) } else { "" };
            groups.entry(key).or_default().0.push(i);
        }
        for &j in &rest_n {
            let key = if pass == 0 { heading_n(j) } else { "" };
            groups.entry(key).or_default().1.push(j);
        }
        let mut keys: Vec<&str> = groups.keys().copied().collect();
        keys.sort_unstable();
        for key in keys {
            let (gi, gj) = &groups[key];
            if gi.is_empty() || gj.is_empty() {
                continue;
            }
            let window = if gi.len() * gj.len() <= MAX_PAIRS {
                usize::MAX
            } else {
                30
            };
            let mut cands: Vec<(u64, usize, usize, usize)> = Vec::new();
            for (a, &j) in gj.iter().enumerate() {
                let bn = bags_n
                    .entry(j)
                    .or_insert_with(|| words::word_bag(&n[j].p.text))
                    .clone();
                // Position of j scaled into gi's range, for the window.
                let centre = a * gi.len() / gj.len().max(1);
                let lo = centre.saturating_sub(window);
                let hi = centre.saturating_add(window).min(gi.len());
                for (b, &i) in gi.iter().enumerate().take(hi).skip(lo) {
                    let bo = bags_o
                        .entry(i)
                        .or_insert_with(|| words::word_bag(&o[i].p.text));
                    let s = words::similarity(bo, &bn);
                    if s >= SIMILARITY_THRESHOLD {
                        let dist = a.abs_diff(b);
                        cands.push(((s * 1_000_000.0) as u64, dist, j, i));
                    }
                }
            }
            cands.sort_by(|x, y| {
                y.0.cmp(&x.0)
                    .then(x.1.cmp(&y.1))
                    .then(x.2.cmp(&y.2))
                    .then(x.3.cmp(&y.3))
            });
            for (_, _, j, i) in cands {
                if new_to_old[j].is_none() && !old_taken[i] {
                    new_to_old[j] = Some(i);
                    old_taken[i] = true;
                }
            }
        }
    }
    new_to_old
}

/// Indices (into `seq`) of a longest strictly increasing subsequence.
pub(crate) fn lis(seq: &[usize]) -> Vec<bool> {
    let mut tails: Vec<usize> = Vec::new(); // index into seq
    let mut prev = vec![usize::MAX; seq.len()];
    for k in 0..seq.len() {
        let pos = tails.partition_point(|&t| seq[t] < seq[k]);
        if pos > 0 {
            prev[k] = tails[pos - 1];
        }
        if pos == tails.len() {
            tails.push(k);
        } else {
            tails[pos] = k;
        }
    }
    let mut keep = vec![false; seq.len()];
    let mut k = tails.last().copied().unwrap_or(usize::MAX);
    while k != usize::MAX {
        keep[k] = true;
        k = prev[k];
    }
    keep
}

/// Compares two revisions of an instrument.
pub fn diff<'a>(old: &'a Instrument, new: &'a Instrument) -> Diff<'a> {
    let o = flatten(old);
    let n = flatten(new);
    let new_to_old = align_items(old, new, &o, &n);
    let mut old_to_new = vec![None; o.len()];
    for (j, m) in new_to_old.iter().enumerate() {
        if let Some(i) = m {
            old_to_new[*i] = Some(j);
        }
    }
    // Order preserved? (longest increasing run of old positions in new order)
    let matched: Vec<usize> = new_to_old.iter().flatten().copied().collect();
    let in_order = lis(&matched);
    let mut moved_old = vec![false; o.len()];
    for (k, &i) in matched.iter().enumerate() {
        moved_old[i] = !in_order[k];
    }

    let side = |inst: &'a Instrument, it: &Item<'a>| Side {
        id: Cow::Borrowed(it.p.id.as_str()),
        label: Cow::Borrowed(it.p.label.as_str()),
        section: Cow::Borrowed(inst.sections[it.sec].heading.as_str()),
        depth: it.depth,
        text: Cow::Borrowed(&it.p.text),
    };

    // Key for reading order: (section index in output, position, tiebreak).
    let mut keyed: Vec<((usize, usize, usize, usize), ProvisionDiff<'a>)> = Vec::new();
    let mut sections: Vec<SectionDiff<'a>> = new
        .sections
        .iter()
        .map(|s| SectionDiff {
            heading: s.heading.clone(),
            removed: false,
            entries: Vec::new(),
        })
        .collect();
    for (j, it) in n.iter().enumerate() {
        let entry = match new_to_old[j] {
            None => ProvisionDiff {
                status: Status::Added,
                old: None,
                new: Some(side(new, it)),
                changes: Vec::new(),
            },
            Some(i) => {
                let oi = &o[i];
                let changes = if oi.p.text == it.p.text {
                    Vec::new()
                } else {
                    word_changes(&oi.p.text, &it.p.text)
                };
                let same_text = same_but_footnote_numbers(old, &oi.p.text, new, &it.p.text);
                let cross = old.sections[oi.sec].heading != new.sections[it.sec].heading;
                let status = if moved_old[i] || cross {
                    Status::Moved
                } else if !same_text {
                    Status::Modified
                } else if oi.p.label != it.p.label || oi.depth != it.depth {
                    Status::Renumbered
                } else {
                    Status::Unchanged
                };
                ProvisionDiff {
                    status,
                    old: Some(side(old, oi)),
                    new: Some(side(new, it)),
                    changes,
                }
            }
        };
        keyed.push(((it.sec, j + 1, 0, 0), entry));
    }
    // Deleted provisions go after the nearest earlier old provision that survived in
    // the same section, or at the start of their section.
    let mut extra: Vec<SectionDiff<'a>> = Vec::new();
    let mut last_survivor: Option<usize> = None; // new index
    let mut cur_sec = usize::MAX;
    for (i, it) in o.iter().enumerate() {
        if it.sec != cur_sec {
            cur_sec = it.sec;
            last_survivor = None;
        }
        let heading = &old.sections[it.sec].heading;
        if let Some(j) = old_to_new[i] {
            if &new.sections[n[j].sec].heading == heading {
                last_survivor = Some(j);
            }
            continue;
        }
        let entry = ProvisionDiff {
            status: Status::Deleted,
            old: Some(side(old, it)),
            new: None,
            changes: Vec::new(),
        };
        let key = match last_survivor {
            Some(j) => Some((n[j].sec, j + 1, 1, i)),
            None => new
                .sections
                .iter()
                .position(|s| &s.heading == heading)
                .map(|s| (s, 0, 1, i)),
        };
        match key {
            Some(k) => keyed.push((k, entry)),
            None => {
                if let Some(x) = extra.iter_mut().find(|x| &x.heading == heading) {
                    x.entries.push(entry);
                } else {
                    extra.push(SectionDiff {
                        heading: heading.clone(),
                        removed: true,
                        entries: vec![entry],
                    });
                }
            }
        }
    }
    keyed.sort_by_key(|a| a.0);
    for (k, e) in keyed {
        sections[k.0].entries.push(e);
    }
    // Old sections that vanished without provisions are reported too.
    for s in &old.sections {
        if !new.sections.iter().any(|x| x.heading == s.heading)
            && !extra.iter().any(|x| x.heading == s.heading)
        {
            extra.push(SectionDiff {
                heading: s.heading.clone(),
                removed: true,
                entries: Vec::new(),
            });
        }
    }
    sections.extend(extra);

    let (ho, hn) = (Header::of(old), Header::of(new));
    Diff {
        old_citation: old.citation(),
        new_citation: new.citation(),
        opening_changes: if old.opening == new.opening {
            Vec::new()
        } else {
            word_changes(&old.opening, &new.opening)
        },
        header: if ho == hn { None } else { Some(hn) },
        sections,
        footnotes: if old.footnotes == new.footnotes {
            None
        } else {
            Some(new.footnotes.clone())
        },
    }
}

/// Whether two texts read the same once each footnote reference is read as its footnote:
/// a footnote renumbered because an earlier one was added (UN 75/176 → 77/211) does not
/// make its paragraph modified. (The word changes still carry the new label, so applying
/// the diff gives the new text.)
fn same_but_footnote_numbers(old: &Instrument, a: &Text, new: &Instrument, b: &Text) -> bool {
    let note = |inst: &Instrument, label: &str| {
        inst.footnotes
            .iter()
            .find(|f| f.label == label)
            .map(|f| f.text.clone())
    };
    a.0.len() == b.0.len()
        && a.0.iter().zip(&b.0).all(|(x, y)| match (x, y) {
            (Inline::FootnoteRef { label: l }, Inline::FootnoteRef { label: m }) => {
                l == m || note(old, l).is_some_and(|t| Some(t) == note(new, m))
            }
            _ => x == y,
        })
}

/// Why a diff or amendment could not be applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiffApplyError {
    /// The diff refers to a provision the base does not have.
    UnknownProvision(String),
    /// The base text of a provision is not the one the diff was made from.
    StaleText(String),
}

impl std::fmt::Display for DiffApplyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DiffApplyError::UnknownProvision(id) => {
                write!(f, "no provision `{id}` in the base text")
            }
            DiffApplyError::StaleText(id) => {
                write!(f, "provision `{id}` has changed since the diff was made")
            }
        }
    }
}

impl std::error::Error for DiffApplyError {}

/// Rebuilds a text from the old text and word changes, checking that the changes were
/// made from that old text.
pub fn apply_word_changes(old: &Text, changes: &[WordChange]) -> Option<Text> {
    let was = Text::concat(
        changes
            .iter()
            .filter(|c| c.op != ChangeOp::Insert)
            .map(|c| &c.text),
    );
    if &was != old {
        return None;
    }
    Some(Text::concat(
        changes
            .iter()
            .filter(|c| c.op != ChangeOp::Delete)
            .map(|c| &c.text),
    ))
}

/// Builds a provision tree from (depth, provision without children) in reading order.
pub(crate) fn tree_from_flat(flat: Vec<(usize, Provision)>) -> Vec<Provision> {
    fn build(
        iter: &mut std::iter::Peekable<std::vec::IntoIter<(usize, Provision)>>,
        depth: usize,
    ) -> Vec<Provision> {
        let mut out: Vec<Provision> = Vec::new();
        while let Some((d, _)) = iter.peek() {
            let d = *d;
            if d < depth {
                break;
            }
            if d > depth {
                let kids = build(iter, depth + 1);
                match out.last_mut() {
                    Some(last) => last.children.extend(kids),
                    None => out.extend(kids),
                }
                continue;
            }
            if let Some((_, p)) = iter.next() {
                out.push(p);
            }
        }
        out
    }
    let mut iter = flat.into_iter().peekable();
    build(&mut iter, 0)
}

/// Applies a diff to the revision it was made from. `apply_diff(old, &diff(old, new))`
/// gives `new`.
pub fn apply_diff(old: &Instrument, d: &Diff<'_>) -> Result<Instrument, DiffApplyError> {
    let by_id: HashMap<&str, &Provision> = old
        .provisions()
        .into_iter()
        .map(|(_, _, p)| (p.id.as_str(), p))
        .collect();
    let mut out = old.clone();
    if let Some(h) = &d.header {
        out.kind = h.kind.clone();
        out.number = h.number.clone();
        out.revision = h.revision.clone();
        out.title = h.title.clone();
        out.metadata = h.metadata.clone();
        out.opening = h.opening.clone();
    }
    if let Some(f) = &d.footnotes {
        out.footnotes = f.clone();
    }
    out.sections.clear();
    for sec in d.sections.iter().filter(|s| !s.removed) {
        let mut flat = Vec::new();
        for e in &sec.entries {
            let Some(new) = &e.new else { continue };
            let text = match &e.old {
                None => new.text.clone().into_owned(),
                Some(o) => {
                    let base = by_id
                        .get(o.id.as_ref())
                        .ok_or_else(|| DiffApplyError::UnknownProvision(o.id.to_string()))?;
                    if e.changes.is_empty() {
                        if base.text != *o.text {
                            return Err(DiffApplyError::StaleText(o.id.to_string()));
                        }
                        base.text.clone()
                    } else {
                        apply_word_changes(&base.text, &e.changes)
                            .ok_or_else(|| DiffApplyError::StaleText(o.id.to_string()))?
                    }
                }
            };
            flat.push((
                new.depth,
                Provision {
                    id: new.id.to_string(),
                    label: new.label.to_string(),
                    text,
                    children: Vec::new(),
                    sponsors: Vec::new(),
                },
            ));
        }
        out.sections.push(Section {
            heading: sec.heading.clone(),
            provisions: tree_from_flat(flat),
        });
    }
    Ok(out)
}

/// A diff of two collections of instruments, paired by kind and number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionDiff<'a> {
    /// Instruments present on both sides, with their diff.
    pub changed: Vec<Diff<'a>>,
    /// Citations only in the new collection.
    pub added: Vec<String>,
    /// Citations only in the old collection.
    pub removed: Vec<String>,
}

impl CollectionDiff<'_> {
    /// Counts over all instruments.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for d in &self.changed {
            s.add(&d.summary());
        }
        s
    }
}

/// Compares two collections: instruments are paired by kind and number (the revision
/// may differ), then each pair is diffed.
pub fn diff_collections<'a>(old: &'a [Instrument], new: &'a [Instrument]) -> CollectionDiff<'a> {
    let key = |i: &Instrument| format!("{}\u{0}{}", i.kind.to_lowercase(), i.number);
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::default();
    for (k, i) in old.iter().enumerate().rev() {
        by_key.entry(key(i)).or_default().push(k);
    }
    let mut used = vec![false; old.len()];
    let mut out = CollectionDiff {
        changed: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
    };
    let mut pairs: Vec<(usize, &'a Instrument)> = Vec::new();
    // Two single instruments are two revisions of one text even when their numbers differ
    // (a UN resolution is renumbered every session: 75/176 → 77/211).
    if let ([o], [n]) = (old, new) {
        out.changed = vec![diff(o, n)];
        return out;
    }
    for n in new {
        match by_key.get_mut(&key(n)).and_then(|v| v.pop()) {
            Some(k) => {
                used[k] = true;
                pairs.push((k, n));
            }
            None => out.added.push(n.citation()),
        }
    }
    // Pairs are independent: large collections are compared on several threads.
    out.changed = crate::words::par_map(&pairs, |(k, n)| diff(&old[*k], n));
    for (k, o) in old.iter().enumerate() {
        if !used[k] {
            out.removed.push(o.citation());
        }
    }
    out
}

/// Keeps the token type private while letting the merge reuse the diff.
pub(crate) fn hunks(old: &Text, new: &Text) -> (usize, Vec<(usize, usize, Text)>) {
    let ot = words::tokens(old);
    let nt = words::tokens(new);
    let ops = words::diff_tokens(&ot, &nt);
    let mut out: Vec<(usize, usize, Text)> = Vec::new();
    let mut pos = 0usize;
    for op in ops {
        match op {
            Op::Equal(o, _, len) => pos = o + len,
            Op::Delete(o, len) => {
                out.push((o, o + len, Text::default()));
                pos = o + len;
            }
            Op::Insert(nn, len) => {
                let ins = words::text_of(&nt[nn..nn + len]);
                match out.last_mut() {
                    Some(last) if last.1 == pos && last.2.is_empty() && last.0 != last.1 => {
                        last.2 = ins
                    }
                    _ => out.push((pos, pos, ins)),
                }
            }
        }
    }
    let _: &[Tok<'_>] = &ot;
    (ot.len(), out)
}
