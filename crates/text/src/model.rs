//! The instrument model: what a resolution, decision or draft is made of.

use crate::words::FxMap as HashMap;
use serde::{Deserialize, Serialize};

/// A negotiated instrument: a resolution, decision, recommendation or draft.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Instrument {
    /// What kind of instrument this is: `Resolution`, `Decision`, `Recommendation`,
    /// `Draft new Resolution`, …
    pub kind: String,
    /// Its number (`102`), or a provisional reference for a draft (`ARB/60A1/1`).
    pub number: String,
    /// The revision it cites, without parentheses: `Rev. Busan, 2014`.
    pub revision: Option<String>,
    /// The title, on one line.
    pub title: String,
    /// `key: value` metadata lines, in order (e.g. `sponsors: ARB, RCC`).
    pub metadata: Vec<Metadata>,
    /// The opening formula ("The Plenipotentiary Conference of …,").
    pub opening: Text,
    /// Preamble, operative and annex sections, in order.
    pub sections: Vec<Section>,
    /// Footnotes, referred to from the text by `[^label]`.
    pub footnotes: Vec<Footnote>,
}

/// One `key: value` metadata line.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Metadata {
    /// The key (letters, digits, `-`, `_`).
    pub key: String,
    /// The value, trimmed.
    pub value: String,
}

/// A section opened by a keyword phrase: `considering`, `resolves`, `instructs the
/// Secretary-General`, `Annex`, …
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Section {
    /// The keyword phrase as written.
    pub heading: String,
    /// Its paragraphs.
    pub provisions: Vec<Provision>,
}

/// Which part of an instrument a section belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    /// considering, recalling, noting, … (lettered paragraphs).
    Preamble,
    /// resolves, instructs, invites, … (numbered paragraphs).
    Operative,
    /// An annex.
    Annex,
}

/// First words of preamble headings (after an optional `further`).
pub const PREAMBLE_KEYWORDS: &[&str] = &[
    "considering",
    "recalling",
    "noting",
    "recognizing",
    "recognising",
    "bearing",
    "having",
    "aware",
    "emphasizing",
    "concerned",
    "convinced",
    "taking",
    "observing",
    "acknowledging",
    "mindful",
    "reaffirming",
    "welcoming",
    "expressing",
    "guided",
    "stressing",
    "affirming",
    "believing",
    "acting",
];

/// First words of operative headings (after an optional `further`).
pub const OPERATIVE_KEYWORDS: &[&str] = &[
    "resolves",
    "decides",
    "instructs",
    "invites",
    "encourages",
    "requests",
    "calls",
    "urges",
    "recommends",
    "approves",
    "adopts",
    "endorses",
    "authorizes",
    "appeals",
    "charges",
    "asks",
    "supports",
];

impl Section {
    /// Classifies a heading by its first keyword, or `None` when it is not in the
    /// documented lists ([`PREAMBLE_KEYWORDS`], [`OPERATIVE_KEYWORDS`], or `Annex`).
    pub fn part_of(heading: &str) -> Option<Part> {
        let mut words = heading.split_whitespace();
        let mut first = words.next()?.to_lowercase();
        if first == "annex" || first.starts_with("annex") && first.len() <= 6 {
            return Some(Part::Annex);
        }
        if first == "further" || first == "also" {
            first = words.next()?.to_lowercase();
        }
        let first = first.trim_end_matches([',', ':', ';']);
        if PREAMBLE_KEYWORDS.contains(&first) {
            Some(Part::Preamble)
        } else if OPERATIVE_KEYWORDS.contains(&first) {
            Some(Part::Operative)
        } else {
            Self::part_by_form(first, words.next())
        }
    }

    /// UN and other bodies use many more verbs than the keyword lists hold ("Deeply
    /// concerned", "Reaffirming", "Reaffirms", "Condemns"). Their grammatical form tells
    /// the part: a participle or adjective (after an optional adverb in -ly) opens a
    /// preamble paragraph; a verb in the third person singular opens an operative one.
    fn part_by_form(first: &str, second: Option<&str>) -> Option<Part> {
        let is_word = |w: &str| w.len() > 3 && w.chars().all(|c| c.is_alphabetic() || c == '-');
        if !is_word(first) {
            return None;
        }
        let word = match second {
            Some(next) if first.ends_with("ly") => next.to_lowercase(),
            _ => first.to_owned(),
        };
        let word = word.trim_end_matches([',', ':', ';']);
        // A near miss of a keyword is a typo ("considring"), not a new verb.
        let near_miss = PREAMBLE_KEYWORDS
            .iter()
            .chain(OPERATIVE_KEYWORDS)
            .any(|k| k.len().abs_diff(first.len()) <= 1 && edit_distance(k, first) <= 2);
        if near_miss {
            return None;
        }
        if word.ends_with("ing") || word.ends_with("ed") || word.ends_with("ful") {
            Some(Part::Preamble)
        } else if word.ends_with('s') && !word.ends_with("ss") {
            Some(Part::Operative)
        } else {
            None
        }
    }

    /// The part this section belongs to (operative when the heading is unknown).
    pub fn part(&self) -> Part {
        Self::part_of(&self.heading).unwrap_or(Part::Operative)
    }
}

/// A paragraph with a stable identity, a label (`a)`, `1`, `i)`) and its sub-items.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Provision {
    /// Stable identity, kept across renumbering. See [`crate::default_provision_ids`].
    pub id: String,
    /// The label as printed: `a)`, `1`, `1bis`, `(i)`, `-`.
    pub label: String,
    /// The paragraph's own text.
    pub text: Text,
    /// Sub-items, one level deeper.
    pub children: Vec<Provision>,
    /// In a negotiating text, who proposed this paragraph's unbracketed wording: the
    /// sponsors of the proposals that added it, or that changed it and agree on the
    /// change (written `c) {BRA,USA} …`). Empty for base and adopted text, and where the
    /// wording is disputed (each bracket's alternatives then carry their sponsors).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sponsors: Vec<String>,
}

/// A footnote.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Footnote {
    /// The label used by references (`1` in `[^1]`).
    pub label: String,
    /// The footnote's text.
    pub text: Text,
}

/// Text: a sequence of plain runs, brackets and footnote references.
///
/// Canonical form (what the parser produces and the printer expects): no empty runs, no
/// two adjacent runs, whitespace is single spaces, no space at either end.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(pub Vec<Inline>);

/// One element of [`Text`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Inline {
    /// Plain, agreed text.
    Run {
        /// The characters (literal; escapes are resolved).
        text: String,
    },
    /// Disputed text.
    Bracket(Bracket),
    /// A reference to a footnote by its label.
    FootnoteRef {
        /// The footnote label.
        label: String,
    },
}

/// Disputed text in square brackets: one or more alternatives.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Bracket {
    /// Stable identity. See [`crate::notation`] for how it appears in the notation.
    pub id: String,
    /// The alternatives, at least one. An empty alternative proposes deletion.
    pub alternatives: Vec<Alternative>,
}

/// One alternative inside a bracket, with the delegations or groups behind it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Alternative {
    /// Sponsors (`USA`, `ARB`, `RCC`; `NOC` marks the unchanged base text).
    pub sponsors: Vec<String>,
    /// The proposed text (empty: delete).
    pub text: Text,
}

/// The pseudo-sponsor that marks an alternative keeping the base text.
pub const NOC: &str = "NOC";

impl Text {
    /// Text made of one plain run (normalized: whitespace collapsed, ends trimmed).
    pub fn plain(s: &str) -> Text {
        let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if joined.is_empty() {
            Text::default()
        } else {
            Text(vec![Inline::Run { text: joined }])
        }
    }

    /// True when there is no content at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when the text contains a bracket, at any depth.
    pub fn has_brackets(&self) -> bool {
        self.0.iter().any(|i| matches!(i, Inline::Bracket(_)))
    }

    /// The text for reading, without notation: brackets show as
    /// `[alt1 / alt2]`, footnote references as `[^1]`.
    pub fn to_plain(&self) -> String {
        let mut out = String::new();
        self.write_plain(&mut out);
        out
    }

    fn write_plain(&self, out: &mut String) {
        for inline in &self.0 {
            match inline {
                Inline::Run { text } => out.push_str(text),
                Inline::FootnoteRef { label } => {
                    out.push_str("[^");
                    out.push_str(label);
                    out.push(']');
                }
                Inline::Bracket(b) => {
                    out.push('[');
                    for (i, alt) in b.alternatives.iter().enumerate() {
                        if i > 0 {
                            out.push_str(" / ");
                        }
                        alt.text.write_plain(out);
                    }
                    out.push(']');
                }
            }
        }
    }

    /// Appends inlines, merging adjacent runs so the result stays canonical.
    pub fn push(&mut self, inline: Inline) {
        match inline {
            Inline::Run { text } if text.is_empty() => {}
            Inline::Run { text } => {
                if let Some(Inline::Run { text: last }) = self.0.last_mut() {
                    last.push_str(&text);
                } else {
                    self.0.push(Inline::Run { text });
                }
            }
            other => self.0.push(other),
        }
    }

    /// Concatenates texts, merging runs at the joins.
    pub fn concat<'a>(parts: impl IntoIterator<Item = &'a Text>) -> Text {
        let mut out = Text::default();
        for part in parts {
            for inline in &part.0 {
                out.push(inline.clone());
            }
        }
        out
    }
}

impl Instrument {
    /// A new instrument with no metadata, opening, sections or footnotes.
    pub fn new(kind: &str, number: &str, revision: Option<&str>, title: &str) -> Instrument {
        Instrument {
            kind: kind.to_string(),
            number: number.to_string(),
            revision: revision.map(str::to_string),
            title: title.to_string(),
            metadata: Vec::new(),
            opening: Text::default(),
            sections: Vec::new(),
            footnotes: Vec::new(),
        }
    }

    /// The citation line: `Resolution 102 (Rev. Busan, 2014)`.
    pub fn citation(&self) -> String {
        match &self.revision {
            Some(rev) => format!("{} {} ({})", self.kind, self.number, rev),
            None => format!("{} {}", self.kind, self.number),
        }
    }

    /// The value of a metadata key, if present.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.metadata
            .iter()
            .find(|m| m.key.eq_ignore_ascii_case(key))
            .map(|m| m.value.as_str())
    }

    /// The sponsors named by the `sponsors:` metadata line, comma-separated.
    pub fn sponsors(&self) -> Vec<String> {
        self.meta("sponsors")
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every provision in document order (pre-order: a paragraph before its sub-items),
    /// with the index of its section and its depth (0 for top level).
    pub fn provisions(&self) -> Vec<(usize, usize, &Provision)> {
        fn walk<'a>(
            sec: usize,
            depth: usize,
            list: &'a [Provision],
            out: &mut Vec<(usize, usize, &'a Provision)>,
        ) {
            for p in list {
                out.push((sec, depth, p));
                walk(sec, depth + 1, &p.children, out);
            }
        }
        let mut out = Vec::new();
        for (i, s) in self.sections.iter().enumerate() {
            walk(i, 0, &s.provisions, &mut out);
        }
        out
    }

    /// The text without the names of proposers on its paragraphs: how it reads once
    /// adopted, or as the plain amended text a proposal is.
    pub fn unattributed(&self) -> Instrument {
        fn walk(list: &mut [Provision]) {
            for p in list {
                p.sponsors.clear();
                walk(&mut p.children);
            }
        }
        let mut out = self.clone();
        for s in &mut out.sections {
            walk(&mut s.provisions);
        }
        out
    }

    /// Finds a provision by its identity.
    pub fn provision(&self, id: &str) -> Option<&Provision> {
        self.provisions()
            .into_iter()
            .map(|(_, _, p)| p)
            .find(|p| p.id == id)
    }
}

/// A slug usable in an identity: lowercase letters, digits and `-`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    push_slug(s, &mut out);
    out
}

/// Appends the slug of `s` to `out` (see [`slug`]).
fn push_slug(s: &str, out: &mut String) {
    let start = out.len();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if out.len() > start && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.len() > start && out.ends_with('-') {
        out.pop();
    }
}

/// The identities a provision gets when none is written: `<section>.<label>` for a
/// paragraph (`resolves.1`, `considering.a`), `<parent>.<label>` for a sub-item
/// (`resolves.2.a`), with `~2`, `~3` appended when the same path occurs again.
/// Returned in document order (the order of [`Instrument::provisions`]).
pub fn default_provision_ids(inst: &Instrument) -> Vec<String> {
    let mut out = Vec::new();
    // One path buffer, extended and truncated while walking (no allocation per level).
    fn walk(path: &mut String, list: &[Provision], out: &mut Vec<String>) {
        for (i, p) in list.iter().enumerate() {
            let len = path.len();
            path.push('.');
            let before = path.len();
            push_slug(&p.label, path);
            if path.len() == before {
                path.push('p');
                path.push_str(&(i + 1).to_string());
            }
            out.push(path.clone());
            walk(path, &p.children, out);
            path.truncate(len);
        }
    }
    let mut path = String::new();
    for s in &inst.sections {
        path.clear();
        push_slug(&s.heading, &mut path);
        if path.is_empty() {
            path.push_str("section");
        }
        walk(&mut path, &s.provisions, &mut out);
    }
    // Repeated paths get `~2`, `~3`, … in document order.
    let mut seen: HashMap<&str, usize> = HashMap::default();
    let mut suffix: Vec<(usize, usize)> = Vec::new();
    for (k, path) in out.iter().enumerate() {
        let n = seen.entry(path.as_str()).or_insert(0);
        *n += 1;
        if *n > 1 {
            suffix.push((k, *n));
        }
    }
    for (k, n) in suffix {
        out[k] = format!("{}~{n}", out[k]);
    }
    out
}

/// Every bracket in document order (opening, provisions, footnotes; an outer bracket
/// before the brackets nested in it).
pub fn brackets_of(inst: &Instrument) -> Vec<&Bracket> {
    fn walk<'a>(t: &'a Text, out: &mut Vec<&'a Bracket>) {
        for i in &t.0 {
            if let Inline::Bracket(b) = i {
                out.push(b);
                for a in &b.alternatives {
                    walk(&a.text, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&inst.opening, &mut out);
    for (_, _, p) in inst.provisions() {
        walk(&p.text, &mut out);
    }
    for f in &inst.footnotes {
        walk(&f.text, &mut out);
    }
    out
}

/// Calls `f` on every text of the instrument (opening, provisions, footnotes) mutably.
pub(crate) fn for_each_text_mut(inst: &mut Instrument, f: &mut dyn FnMut(&mut Text)) {
    fn walk(list: &mut [Provision], f: &mut dyn FnMut(&mut Text)) {
        for p in list {
            f(&mut p.text);
            walk(&mut p.children, f);
        }
    }
    f(&mut inst.opening);
    for s in &mut inst.sections {
        walk(&mut s.provisions, f);
    }
    for n in &mut inst.footnotes {
        f(&mut n.text);
    }
}

/// The default bracket identity for the n-th bracket (1-based) in document order.
pub fn default_bracket_id(n: usize) -> String {
    format!("b{n}")
}

/// Levenshtein distance between two short words.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
