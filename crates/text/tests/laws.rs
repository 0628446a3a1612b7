//! Property tests for the laws of the text engine.

use plenary_text::merge::normalize;
use plenary_text::*;
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "the",
    "Union",
    "shall",
    "promote",
    "encourage",
    "cooperation;",
    "Member",
    "States,",
    "data",
    "privacy",
    "(i)",
    "Internet",
    "a[1]",
    "x|y",
    "{note}",
    "back\\slash",
    "résumé",
    "ITU-T",
    "2014).",
];
const SPONSORS: &[&str] = &["USA", "ARB", "RCC", "CITEL", "EUR", "APT", "B"];
const HEADINGS: &[&str] = &[
    "considering",
    "recalling",
    "noting",
    "recognizing",
    "bearing in mind",
    "resolves",
    "instructs the Secretary-General",
    "invites Member States",
    "further resolves",
    "Annex",
];

fn words(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..max).prop_map(|w| w.join(" "))
}

fn run() -> impl Strategy<Value = Inline> {
    (words(6), any::<bool>(), any::<bool>()).prop_map(|(w, lead, trail)| Inline::Run {
        text: format!(
            "{}{w}{}",
            if lead { " " } else { "" },
            if trail { " " } else { "" }
        ),
    })
}

fn text(depth: u32) -> BoxedStrategy<Text> {
    let leaf = prop_oneof![
        4 => run(),
        1 => prop::sample::select(&["1", "2", "a"][..]).prop_map(|l| Inline::FootnoteRef { label: l.to_string() }),
    ];
    let inline = if depth == 0 {
        leaf.boxed()
    } else {
        prop_oneof![
            4 => leaf,
            1 => prop::collection::vec(
                (prop::collection::vec(prop::sample::select(SPONSORS), 0..3), text(depth - 1)),
                1..4
            )
            .prop_map(|alts| Inline::Bracket(Bracket {
                id: String::new(),
                alternatives: alts
                    .into_iter()
                    .map(|(mut s, t)| {
                        s.dedup();
                        Alternative {
                            sponsors: s.into_iter().map(str::to_string).collect(),
                            text: t,
                        }
                    })
                    .collect(),
            })),
        ]
        .boxed()
    };
    prop::collection::vec(inline, 0..5)
        .prop_map(|v| normalize(&Text(v)))
        .boxed()
}

fn provision(depth: u32) -> BoxedStrategy<Provision> {
    let label = prop::sample::select(&["a)", "b)", "1", "2", "12bis", "(i)", "-", "iv)"][..]);
    let children = if depth == 0 {
        Just(Vec::new()).boxed()
    } else {
        prop::collection::vec(provision(depth - 1), 0..3).boxed()
    };
    (label, text(1), children)
        .prop_map(|(l, t, c)| Provision {
            id: String::new(),
            label: l.to_string(),
            text: t,
            children: c,
            sponsors: Vec::new(),
        })
        .boxed()
}

/// Gives provisions and brackets identities: the default one, or an explicit one.
fn identify(mut inst: Instrument, flags: &[bool]) -> Instrument {
    let defaults = default_provision_ids(&inst);
    let mut k = 0usize;
    fn walk(list: &mut [Provision], defaults: &[String], flags: &[bool], k: &mut usize) {
        for p in list {
            p.id = if flags[*k % flags.len()] {
                format!("p{k}")
            } else {
                defaults[*k].clone()
            };
            *k += 1;
            walk(&mut p.children, defaults, flags, k);
        }
    }
    for s in &mut inst.sections {
        walk(&mut s.provisions, &defaults, flags, &mut k);
    }
    // Brackets: via JSON round trip of each text would be heavy; walk by hand.
    let mut n = 0usize;
    fn brackets(t: &mut Text, n: &mut usize, flags: &[bool]) {
        for i in &mut t.0 {
            if let Inline::Bracket(b) = i {
                *n += 1;
                b.id = if flags[(*n * 7) % flags.len()] {
                    format!("x{n}")
                } else {
                    default_bracket_id(*n)
                };
                for a in &mut b.alternatives {
                    brackets(&mut a.text, n, flags);
                }
            }
        }
    }
    brackets(&mut inst.opening, &mut n, flags);
    fn provs(list: &mut [Provision], n: &mut usize, flags: &[bool]) {
        for p in list {
            brackets(&mut p.text, n, flags);
            provs(&mut p.children, n, flags);
        }
    }
    for s in &mut inst.sections {
        provs(&mut s.provisions, &mut n, flags);
    }
    for f in &mut inst.footnotes {
        brackets(&mut f.text, &mut n, flags);
    }
    inst
}

fn instrument() -> impl Strategy<Value = Instrument> {
    (
        prop::sample::select(&["Resolution", "Decision", "Draft new Resolution"][..]),
        prop::sample::select(&["102", "1", "ARB/1"][..]),
        prop::option::of(prop::sample::select(
            &["Rev. Busan, 2014", "Dubai, 2018"][..],
        )),
        words(8),
        prop::collection::vec(
            (
                prop::sample::select(&["sponsors", "document"][..]),
                words(3),
            ),
            0..2,
        ),
        text(1),
        prop::collection::vec(
            (
                prop::sample::select(HEADINGS),
                prop::collection::vec(provision(1), 0..4),
            ),
            0..4,
        ),
        prop::collection::vec((prop::sample::select(&["1", "2", "a"][..]), text(1)), 0..3),
        prop::collection::vec(any::<bool>(), 1..8),
    )
        .prop_map(
            |(kind, number, rev, title, meta, opening, sections, notes, flags)| {
                let mut footnotes: Vec<Footnote> = Vec::new();
                for (l, t) in notes {
                    if !footnotes.iter().any(|f| f.label == l) {
                        footnotes.push(Footnote {
                            label: l.to_string(),
                            text: t,
                        });
                    }
                }
                let inst = Instrument {
                    kind: kind.to_string(),
                    number: number.to_string(),
                    revision: rev.map(str::to_string),
                    title,
                    metadata: meta
                        .into_iter()
                        .map(|(k, v)| Metadata {
                            key: k.to_string(),
                            value: v,
                        })
                        .collect(),
                    opening,
                    sections: sections
                        .into_iter()
                        .map(|(h, p)| Section {
                            heading: h.to_string(),
                            provisions: p,
                        })
                        .collect(),
                    footnotes,
                };
                identify(inst, &flags)
            },
        )
}

/// An edit a proposal or a later revision makes.
#[derive(Clone, Debug)]
enum Edit {
    /// Replace words in the k-th provision.
    Reword(usize, usize, Vec<String>),
    /// Delete the k-th top-level paragraph of a section.
    Delete(usize, usize),
    /// Insert a paragraph at a position of a section.
    Insert(usize, usize, String),
    /// Relabel the k-th top-level paragraph.
    Relabel(usize, usize),
    /// Change the title.
    Retitle(String),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        3 => (any::<usize>(), any::<usize>(), prop::collection::vec(prop::sample::select(WORDS).prop_map(str::to_string), 0..3))
            .prop_map(|(a, b, w)| Edit::Reword(a, b, w)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Delete(a, b)),
        2 => (any::<usize>(), any::<usize>(), words(6)).prop_map(|(a, b, w)| Edit::Insert(a, b, w)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Relabel(a, b)),
        1 => words(4).prop_map(Edit::Retitle),
    ];
    prop::collection::vec(edit, 0..6)
}

fn reword(t: &Text, at: usize, new: &[String]) -> Text {
    // Replace one run's word (or insert words) at a position.
    let mut out = t.clone();
    let runs: Vec<usize> = out
        .0
        .iter()
        .enumerate()
        .filter(|(_, i)| matches!(i, Inline::Run { .. }))
        .map(|(k, _)| k)
        .collect();
    if runs.is_empty() {
        out.push(Inline::Run {
            text: format!(" {}", new.join(" ")),
        });
        return normalize(&out);
    }
    let k = runs[at % runs.len()];
    if let Inline::Run { text } = &mut out.0[k] {
        let mut ws: Vec<String> = text.split(' ').map(str::to_string).collect();
        let pos = at % ws.len();
        ws.splice(pos..(pos + 1).min(ws.len()), new.iter().cloned());
        *text = ws.join(" ");
    }
    normalize(&out)
}

fn apply_edits(base: &Instrument, edits: &[Edit], tag: &str) -> Instrument {
    let mut out = base.clone();
    let mut fresh = 0usize;
    for e in edits {
        let nsec = out.sections.len();
        match e {
            Edit::Reword(a, at, w) => {
                if nsec == 0 {
                    continue;
                }
                let s = &mut out.sections[a % nsec];
                if s.provisions.is_empty() {
                    continue;
                }
                let n = s.provisions.len();
                let p = &mut s.provisions[at % n];
                p.text = reword(&p.text, *at / 7, w);
            }
            Edit::Delete(a, b) => {
                if nsec == 0 || out.sections[a % nsec].provisions.is_empty() {
                    continue;
                }
                let s = &mut out.sections[a % nsec];
                let n = s.provisions.len();
                s.provisions.remove(b % n);
            }
            Edit::Insert(a, b, w) => {
                if nsec == 0 {
                    out.sections.push(Section {
                        heading: "resolves".into(),
                        provisions: Vec::new(),
                    });
                }
                let nsec = out.sections.len();
                let s = &mut out.sections[a % nsec];
                let n = s.provisions.len();
                fresh += 1;
                s.provisions.insert(
                    b % (n + 1),
                    Provision {
                        id: format!("{tag}{fresh}"),
                        label: "9".into(),
                        text: Text::plain(w),
                        children: Vec::new(),
                        sponsors: Vec::new(),
                    },
                );
            }
            Edit::Relabel(a, b) => {
                if nsec == 0 || out.sections[a % nsec].provisions.is_empty() {
                    continue;
                }
                let s = &mut out.sections[a % nsec];
                let n = s.provisions.len();
                s.provisions[b % n].label = "7bis".into();
            }
            Edit::Retitle(t) => out.title = t.clone(),
        }
    }
    // Identities must stay unique: a default identity may now collide.
    let mut seen = std::collections::HashSet::new();
    fn uniq(list: &mut [Provision], seen: &mut std::collections::HashSet<String>) {
        for p in list {
            while !seen.insert(p.id.clone()) {
                p.id.push('u');
            }
            uniq(&mut p.children, seen);
        }
    }
    for s in &mut out.sections {
        uniq(&mut s.provisions, &mut seen);
    }
    out
}

fn proposal(text: Instrument, sponsor: &str) -> Proposal {
    Proposal {
        sponsors: vec![sponsor.to_string()],
        text,
        noc: Vec::new(),
    }
}

/// The text with every bracket replaced by its first alternative: a base for the laws
/// about the brackets a merge makes.
fn without_brackets(mut inst: Instrument) -> Instrument {
    fn flat(t: &Text) -> Text {
        let mut out = Text::default();
        for i in &t.0 {
            match i {
                Inline::Bracket(b) => {
                    if let Some(a) = b.alternatives.first() {
                        out = Text::concat([
                            &out,
                            &Text::plain(" "),
                            &flat(&a.text),
                            &Text::plain(" "),
                        ]);
                    }
                }
                other => out.push(other.clone()),
            }
        }
        normalize(&out)
    }
    fn walk(list: &mut [Provision]) {
        for p in list {
            p.text = flat(&p.text);
            walk(&mut p.children);
        }
    }
    inst.opening = flat(&inst.opening);
    for s in &mut inst.sections {
        walk(&mut s.provisions);
    }
    for f in &mut inst.footnotes {
        f.text = flat(&f.text);
    }
    inst
}

/// Rewordings and insertions only (no moves), as most proposals are.
fn rewordings() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        3 => (any::<usize>(), any::<usize>(), prop::collection::vec(prop::sample::select(WORDS).prop_map(str::to_string), 0..3))
            .prop_map(|(a, b, w)| Edit::Reword(a, b, w)),
        1 => (any::<usize>(), any::<usize>(), words(6)).prop_map(|(a, b, w)| Edit::Insert(a, b, w)),
    ];
    prop::collection::vec(edit, 0..5)
}

/// A bracket-free base with distinct paragraphs, and three proposals (RCC, CITEL, USA)
/// that reword it and add paragraphs.
fn base_and_three_proposals() -> impl Strategy<Value = (Instrument, Vec<Proposal>)> {
    (instrument(), rewordings(), rewordings(), rewordings())
        .prop_map(|(base, e1, e2, e3)| {
            let base = without_brackets(base);
            let ps = vec![
                proposal(apply_edits(&base, &e1, "p"), "RCC"),
                proposal(apply_edits(&base, &e2, "q"), "CITEL"),
                proposal(apply_edits(&base, &e3, "r"), "USA"),
            ];
            (base, ps)
        })
        .prop_filter("paragraphs with distinct texts", |(base, ps)| {
            distinct_texts(base) && ps.iter().all(|p| distinct_texts(&p.text))
        })
}

fn distinct_texts(inst: &Instrument) -> bool {
    let texts: Vec<String> = inst
        .provisions()
        .iter()
        .map(|(_, _, p)| print_key(&p.text))
        .collect();
    let set: std::collections::HashSet<&String> = texts.iter().collect();
    set.len() == texts.len()
}

fn print_key(t: &Text) -> String {
    text_to_notation(t)
}

/// The text with each bracket replaced by the alternative `pick` chooses, as a chair's
/// resolution does: a bracket that resolves to nothing leaves no space before the
/// punctuation or footnote reference that followed it.
fn choose(t: &Text, pick: &dyn Fn(&Bracket) -> Option<Text>) -> Option<Text> {
    let mut out = Text::default();
    let mut trim_before_next = false;
    for i in &t.0 {
        let sticks = match i {
            Inline::FootnoteRef { .. } => true,
            Inline::Run { text } => text.starts_with([',', ';', ':', '.', ')']),
            Inline::Bracket(_) => false,
        };
        if trim_before_next
            && sticks
            && let Some(Inline::Run { text }) = out.0.last_mut()
        {
            let n = text.trim_end().len();
            text.truncate(n);
        }
        trim_before_next = false;
        match i {
            Inline::Bracket(b) => {
                let chosen = pick(b)?;
                trim_before_next = chosen.is_empty();
                out = Text::concat([&out, &chosen]);
            }
            other => out.push(other.clone()),
        }
    }
    Some(normalize(&out))
}

/// A proposal's version of each base provision, as the merge reads the proposal alone
/// (`None`: it suppresses the provision), and the paragraphs it adds.
fn versions(base: &Instrument, p: &Proposal) -> (Vec<Option<Text>>, Vec<Text>) {
    let alone = merge_with(base, std::slice::from_ref(p), Identities::Stable);
    let kept = base
        .provisions()
        .iter()
        .map(|(_, _, x)| alone.provision(&x.id).map(|y| y.text.clone()))
        .collect();
    let added = alone
        .provisions()
        .iter()
        .filter(|(_, _, y)| base.provision(&y.id).is_none())
        .map(|(_, _, y)| y.text.clone())
        .collect();
    (kept, added)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn printed_instrument_parses_back_to_the_same_instrument(inst in instrument()) {
        let printed = print(&inst);
        let parsed = parse(&printed).map_err(|e| TestCaseError::fail(format!("{e}\n{printed}")))?;
        prop_assert_eq!(parsed, inst);
    }

    #[test]
    fn canonical_text_prints_back_unchanged(inst in instrument()) {
        let canonical = print(&inst);
        let again = print(&parse(&canonical).map_err(|e| TestCaseError::fail(e.to_string()))?);
        prop_assert_eq!(again, canonical);
    }

    #[test]
    fn model_survives_json_storage(inst in instrument()) {
        let json = serde_json::to_string(&inst).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Instrument = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, inst);
    }

    #[test]
    fn applying_the_diff_of_two_revisions_gives_the_newer(old in instrument(), es in edits()) {
        let new = apply_edits(&old, &es, "n");
        let d = diff(&old, &new);
        prop_assert_eq!(apply_diff(&old, &d).map_err(|e| TestCaseError::fail(e.to_string()))?, new);
    }

    #[test]
    fn applying_the_diff_of_unrelated_texts_gives_the_newer(old in instrument(), new in instrument()) {
        let d = diff(&old, &new);
        prop_assert_eq!(apply_diff(&old, &d).map_err(|e| TestCaseError::fail(e.to_string()))?, new);
    }

    #[test]
    fn diff_survives_json_storage(old in instrument(), es in edits()) {
        let new = apply_edits(&old, &es, "n");
        let d = diff(&old, &new);
        let back: Diff = serde_json::from_str(&serde_json::to_string(&d).map_err(|e| TestCaseError::fail(e.to_string()))?)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, d);
    }

    #[test]
    fn merging_one_proposal_gives_the_proposal_without_brackets(base in instrument(), es in edits()) {
        let p = apply_edits(&base, &es, "n");
        let merged = merge(&base, &[proposal(p.clone(), "USA")]);
        prop_assert_eq!(merged.unattributed(), p);
    }

    #[test]
    fn choosing_a_proposals_alternatives_gives_its_wording_and_noc_gives_the_base(
        (base, ps) in base_and_three_proposals()
    ) {
        // The base wording joins every disputed provision, as a compilation has it.
        let mut all = ps.to_vec();
        all.push(Proposal {
            sponsors: vec![NOC.into()],
            text: base.clone(),
            noc: base.provisions().iter().map(|(_, _, p)| p.id.clone()).collect(),
        });
        let m = merge_with(&base, &all, Identities::Stable);
        for (i, (_, _, x)) in base.provisions().iter().enumerate() {
            let Some(merged) = m.provision(&x.id) else {
                continue;
            };
            if !merged.text.has_brackets() {
                prop_assert_eq!(&merged.text, &x.text, "agreed means unchanged when the base is kept: {}", print(&m));
                continue;
            }
            let noc = choose(&merged.text, &|b| b.alternatives.iter().find(|a| a.sponsors.iter().any(|s| s == NOC)).map(|a| a.text.clone()));
            prop_assert_eq!(noc.as_ref(), Some(&x.text), "NOC gives the base of {}: {}", x.id, print(&m));
            for p in &ps {
                let version = versions(&base, p).0[i].clone().unwrap_or_default();
                if version == x.text {
                    continue;
                }
                let sponsor = &p.sponsors[0];
                let chosen = choose(&merged.text, &|b| b.alternatives.iter().find(|a| a.sponsors.contains(sponsor)).map(|a| a.text.clone()));
                prop_assert_eq!(chosen.as_ref(), Some(&version), "{}'s alternatives give its wording of {}: {}", sponsor, x.id, print(&m));
            }
        }
    }

    #[test]
    fn every_paragraph_that_is_not_the_bases_names_exactly_the_proposals_that_brought_it(
        (base, ps) in base_and_three_proposals()
    ) {
        let m = merge_with(&base, &ps, Identities::Stable);
        let base_ids: std::collections::HashSet<&str> = base.provisions().iter().map(|(_, _, p)| p.id.as_str()).collect();
        // What each proposal added: its paragraphs the merge aligns with no base paragraph.
        let read: Vec<(Vec<Option<Text>>, Vec<Text>)> = ps.iter().map(|p| versions(&base, p)).collect();
        let added: Vec<&Vec<Text>> = read.iter().map(|r| &r.1).collect();
        let all_versions: Vec<&Vec<Option<Text>>> = read.iter().map(|r| &r.0).collect();
        for (_, _, y) in m.provisions() {
            if base_ids.contains(y.id.as_str()) {
                let i = base.provisions().iter().position(|(_, _, b)| b.id == y.id).unwrap_or(0);
                let x = base.provisions()[i].2;
                if y.text.has_brackets() || y.text == x.text {
                    prop_assert!(y.sponsors.is_empty() || y.text == x.text, "a disputed paragraph names no proposer: {}", print(&m));
                    continue;
                }
                let changers: Vec<String> = ps.iter().zip(&all_versions).filter(|(_, v)| v[i].as_ref() != Some(&x.text)).map(|(p, _)| p.sponsors[0].clone()).collect();
                let mut sorted = changers.clone();
                sorted.sort();
                prop_assert_eq!(&y.sponsors, &sorted, "an agreed change names its proposers: {}", print(&m));
                for (p, v) in ps.iter().zip(&all_versions) {
                    if changers.contains(&p.sponsors[0]) {
                        prop_assert_eq!(v[i].as_ref(), Some(&y.text), "each named proposer wrote exactly this: {}", print(&m));
                    }
                }
            } else if y.text.has_brackets() {
                for i in &y.text.0 {
                    if let Inline::Bracket(b) = i {
                        for a in &b.alternatives {
                            for s in &a.sponsors {
                                let k = ps.iter().position(|p| &p.sponsors[0] == s);
                                prop_assert!(k.is_some_and(|k| added[k].contains(&a.text)), "{} added {}: {}", s, text_to_notation(&a.text), print(&m));
                            }
                        }
                    }
                }
            } else {
                prop_assert!(!y.sponsors.is_empty(), "an added paragraph names its proposers: {}", print(&m));
                for s in &y.sponsors {
                    let k = ps.iter().position(|p| &p.sponsors[0] == s);
                    prop_assert!(k.is_some_and(|k| added[k].contains(&y.text)), "{} added {}: {}", s, text_to_notation(&y.text), print(&m));
                }
            }
        }
        // And nothing a proposal added goes unnamed.
        for (k, list) in added.iter().enumerate() {
            let s = &ps[k].sponsors[0];
            for t in list.iter() {
                let named = m.provisions().iter().any(|(_, _, y)| {
                    (&y.text == t && y.sponsors.contains(s))
                        || y.text.0.iter().any(|i| matches!(i, Inline::Bracket(b) if b.alternatives.iter().any(|a| &a.text == t && a.sponsors.contains(s))))
                });
                prop_assert!(named, "{}'s addition {} is named: {}", s, text_to_notation(t), print(&m));
            }
        }
    }

    #[test]
    fn merging_a_proposal_twice_is_merging_it_once(base in instrument(), es in edits()) {
        let p = proposal(apply_edits(&base, &es, "n"), "USA");
        prop_assert_eq!(merge(&base, &[p.clone(), p.clone()]), merge(&base, &[p]));
    }

    #[test]
    fn order_of_proposals_does_not_change_the_negotiating_text(base in instrument(), e1 in edits(), e2 in edits(), e3 in edits()) {
        let p = proposal(apply_edits(&base, &e1, "p"), "RCC");
        let q = proposal(apply_edits(&base, &e2, "q"), "CITEL");
        let r = proposal(apply_edits(&base, &e3, "r"), "B");
        let m1 = merge(&base, &[p.clone(), q.clone(), r.clone()]);
        let m2 = merge(&base, &[r.clone(), p.clone(), q.clone()]);
        let m3 = merge(&base, &[q, r, p]);
        prop_assert_eq!(&m1, &m2);
        prop_assert_eq!(&m1, &m3);
    }

    #[test]
    fn negotiating_text_is_valid_notation(base in instrument(), e1 in edits(), e2 in edits()) {
        let p = proposal(apply_edits(&base, &e1, "p"), "RCC");
        let q = proposal(apply_edits(&base, &e2, "q"), "CITEL");
        let m = merge(&base, &[p, q]);
        let printed = print(&m);
        let parsed = parse(&printed).map_err(|e| TestCaseError::fail(format!("{e}\n{printed}")))?;
        prop_assert_eq!(parsed, m);
    }

    #[test]
    fn parser_never_panics_on_arbitrary_text(s in "\\PC*") {
        let _ = parse(&s);
    }

    #[test]
    fn parser_never_panics_on_mangled_notation(inst in instrument(), cut in any::<usize>(), junk in "[\\[\\]|{}\\\\# \n\t\u{b}%^a-z:)=]{0,12}") {
        let printed = print(&inst);
        let mut at = cut % (printed.len() + 1);
        while !printed.is_char_boundary(at) { at -= 1; }
        let mangled = format!("{}{}{}", &printed[..at], junk, &printed[at..]);
        // Whatever the parser accepts prints back to the same instrument.
        if let Ok(inst) = parse(&mangled) {
            prop_assert_eq!(parse(&print(&inst)).map_err(|e| TestCaseError::fail(e.to_string()))?, inst);
        }
    }
}
