//! Repairs for the third-party ITU PP-18 Final Acts conversion (AKN4ITU PDF
//! converter). Its defects come from PDF extraction:
//!
//! - the first label of a list is merged into the text (`1 to explore…`,
//!   `a) Resolution 101…`) and the `num` is missing;
//! - footnotes are inline, after a rule of underscores (`… ____ 1 These include…`),
//!   and their references are glued to the word before (`organizations2`);
//! - a section heading that follows a paragraph is glued to its end
//!   (`…Development, instructs the Director of the Telecommunication Development Bureau`);
//! - sub-items are merged into one item (`…; ii) Internet naming…; iii) …`), and
//!   sub-items come out as siblings of their parent.
//!
//! Each repair is counted and reported in one warning per instrument.

use crate::read::normalize;
use plenary_text::{Footnote, Inline, Instrument, Provision, Section, Text};

#[derive(Default)]
struct Counts {
    labels: usize,
    footnotes: usize,
    refs: usize,
    headings: usize,
    split_items: usize,
    nested: usize,
    citation: bool,
}

pub(crate) fn repair(
    inst: &mut Instrument,
    footnotes: &mut Vec<Footnote>,
    warnings: &mut Vec<String>,
) {
    let mut c = Counts::default();
    citation(inst, &mut c);

    // 1. Footnotes out of the text.
    let mut found: Vec<Footnote> = Vec::new();
    for s in &mut inst.sections {
        for p in &mut s.provisions {
            extract_footnotes(p, &mut found);
        }
    }
    c.footnotes = found.len();

    // 2. Headings glued to the end of a paragraph: split the section there.
    let mut sections = Vec::new();
    for s in std::mem::take(&mut inst.sections) {
        split_headings(s, &mut sections, &mut c);
    }
    inst.sections = sections;

    // 3. Labels merged into the text; 4. merged sub-items; 5. nesting.
    for s in &mut inst.sections {
        for p in &mut s.provisions {
            split_label(p, &mut c);
        }
        let mut list = Vec::new();
        for p in std::mem::take(&mut s.provisions) {
            split_items(p, &mut list, &mut c);
        }
        s.provisions = nest(list, &mut c);
    }

    // Footnote references glued to words.
    for f in &found {
        if restore_ref(inst, &f.label) {
            c.refs += 1;
        }
    }
    for f in found {
        if footnotes.iter().any(|x| x.label == f.label) {
            warnings.push(format!(
                "footnote {} appears twice in the source; the second was dropped",
                f.label
            ));
            continue;
        }
        footnotes.push(f);
    }

    let mut parts = Vec::new();
    if c.citation {
        parts.push("citation split from `NUMBER (REV. PLACE, YEAR)` and recased".to_string());
    }
    if c.labels > 0 {
        parts.push(format!("{} label(s) separated from the text", c.labels));
    }
    if c.footnotes > 0 {
        parts.push(format!(
            "{} inline footnote(s) moved to footnotes ({} reference(s) restored)",
            c.footnotes, c.refs
        ));
    }
    if c.headings > 0 {
        parts.push(format!(
            "{} section heading(s) split from the end of a paragraph",
            c.headings
        ));
    }
    if c.split_items > 0 {
        parts.push(format!("{} merged sub-item(s) split", c.split_items));
    }
    if c.nested > 0 {
        parts.push(format!(
            "{} sub-item(s) nested under their parent",
            c.nested
        ));
    }
    if !parts.is_empty() {
        warnings.push(format!(
            "repaired the third-party ITU conversion: {}",
            parts.join("; ")
        ));
    }
}

fn titlecase(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f
            .to_uppercase()
            .chain(c.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

fn citation(inst: &mut Instrument, c: &mut Counts) {
    if inst.kind.chars().any(|ch| ch.is_lowercase()) && inst.revision.is_some() {
        return;
    }
    inst.kind = inst
        .kind
        .split_whitespace()
        .map(titlecase)
        .collect::<Vec<_>>()
        .join(" ");
    if let Some((num, rest)) = inst.number.split_once('(') {
        let rev = rest.trim_end_matches(')').trim();
        let rev = rev
            .split_whitespace()
            .map(|w| {
                if w.eq_ignore_ascii_case("rev.") {
                    "Rev.".into()
                } else {
                    titlecase(w)
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        inst.number = num.trim().to_string();
        inst.revision = Some(rev);
    }
    c.citation = true;
}

/// Is this word a list label: `1`, `12`, `1bis`, `a)`, `iv)`, `(a)`?
fn is_label(w: &str) -> bool {
    let digits = w.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        return digits <= 2 && w[digits..].chars().all(|c| c.is_ascii_lowercase()) && w.len() <= 6;
    }
    let inner = w.strip_prefix('(').unwrap_or(w);
    match inner.strip_suffix(')') {
        Some(l) => !l.is_empty() && l.len() <= 5 && l.chars().all(|c| c.is_ascii_lowercase()),
        None => false,
    }
}

fn split_label(p: &mut Provision, c: &mut Counts) {
    if p.label != "-" {
        return;
    }
    let Some(Inline::Run { text }) = p.text.0.first_mut() else {
        return;
    };
    let Some((first, rest)) = text.split_once(' ') else {
        return;
    };
    if !is_label(first) || rest.is_empty() {
        return;
    }
    p.label = first.to_string();
    *text = rest.to_string();
    c.labels += 1;
}

/// Cuts `____ 1 text 2 text` off the end of a provision's text into footnotes.
fn extract_footnotes(p: &mut Provision, found: &mut Vec<Footnote>) {
    for ch in &mut p.children {
        extract_footnotes(ch, found);
    }
    let Some(pos) = p
        .text
        .0
        .iter()
        .position(|i| matches!(i, Inline::Run { text } if text.contains("_____")))
    else {
        return;
    };
    let Inline::Run { text } = p.text.0[pos].clone() else {
        return;
    };
    let Some(cut) = text.find("_____") else {
        return;
    };
    let before = text[..cut].to_string();
    let mut after = text[cut..].trim_start_matches('_').to_string();
    // The rest of the text after the rule belongs to the footnotes too.
    for i in p.text.0.drain(pos + 1..) {
        if let Inline::Run { text } = i {
            after.push_str(&text);
        }
    }
    p.text.0[pos] = Inline::Run { text: before };
    p.text = normalize(std::mem::take(&mut p.text.0));

    // Split `1 These include … 2 Another …` on the expected next number.
    let words: Vec<&str> = after.split_whitespace().collect();
    let mut current: Option<(String, Vec<&str>)> = None;
    let mut expected: Option<u32> = None;
    for w in words {
        let n = w.parse::<u32>().ok().filter(|_| w.len() <= 3);
        let starts = match (n, expected, &current) {
            (Some(_), None, None) => true,
            (Some(n), Some(e), _) => n == e,
            _ => false,
        };
        if starts {
            if let Some((label, body)) = current.take() {
                found.push(Footnote {
                    label,
                    text: Text::plain(&body.join(" ")),
                });
            }
            let n = n.unwrap_or(0);
            expected = Some(n + 1);
            current = Some((n.to_string(), Vec::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.push(w);
        }
    }
    if let Some((label, body)) = current {
        found.push(Footnote {
            label,
            text: Text::plain(&body.join(" ")),
        });
    }
}

/// Finds `word<label>` (a lowercase word with the footnote number glued on) and puts a
/// footnote reference there. Only the first occurrence in reading order.
fn restore_ref(inst: &mut Instrument, label: &str) -> bool {
    fn in_text(t: &mut Text, label: &str) -> bool {
        for k in 0..t.0.len() {
            let Inline::Run { text } = &t.0[k] else {
                continue;
            };
            let mut start = 0;
            while let Some(off) = text[start..].find(label) {
                let at = start + off;
                let end = at + label.len();
                let word_start = text[..at]
                    .rfind(|c: char| !c.is_alphabetic())
                    .map(|i| i + 1)
                    .unwrap_or(0);
                let word = &text[word_start..at];
                let after_ok = text[end..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric());
                if word.chars().count() >= 3 && word.chars().all(|c| c.is_lowercase()) && after_ok {
                    let (a, b) = (text[..at].to_string(), text[end..].to_string());
                    let mut new = vec![
                        Inline::Run { text: a },
                        Inline::FootnoteRef {
                            label: label.to_string(),
                        },
                        Inline::Run { text: b },
                    ];
                    let tail: Vec<Inline> = t.0.drain(k + 1..).collect();
                    t.0.truncate(k);
                    t.0.append(&mut new);
                    t.0.extend(tail);
                    *t = normalize(std::mem::take(&mut t.0));
                    return true;
                }
                start = end;
            }
        }
        false
    }
    fn walk(list: &mut [Provision], label: &str) -> bool {
        for p in list {
            if in_text(&mut p.text, label) || walk(&mut p.children, label) {
                return true;
            }
        }
        false
    }
    for s in &mut inst.sections {
        if walk(&mut s.provisions, label) {
            return true;
        }
    }
    false
}

/// Splits a section where a heading is glued to the end of one of its paragraphs.
fn split_headings(s: Section, out: &mut Vec<Section>, c: &mut Counts) {
    let mut cur = Section {
        heading: s.heading,
        provisions: Vec::new(),
    };
    for mut p in s.provisions {
        let tail = glued_heading(&mut p.text);
        cur.provisions.push(p);
        if let Some(h) = tail {
            c.headings += 1;
            out.push(std::mem::replace(
                &mut cur,
                Section {
                    heading: h,
                    provisions: Vec::new(),
                },
            ));
        }
    }
    out.push(cur);
}

/// `…Development, instructs the Director of BDT` → removes and returns the heading.
fn glued_heading(t: &mut Text) -> Option<String> {
    let Some(Inline::Run { text }) = t.0.last_mut() else {
        return None;
    };
    if text.ends_with([';', '.', ',', ':']) {
        return None;
    }
    let cut = text.rfind(", ")?;
    let tail = text[cut + 2..].trim();
    if tail.len() > 120 || tail.contains([';', ':', '.']) {
        return None;
    }
    Section::part_of(tail)?;
    let first = tail.split_whitespace().next()?;
    // Keyword phrases start in lower case (`instructs`, `invites`, `further resolves`).
    if !first.starts_with(|ch: char| ch.is_lowercase()) {
        return None;
    }
    let heading = tail.to_string();
    text.truncate(cut + 1);
    *t = normalize(std::mem::take(&mut t.0));
    Some(heading)
}

const ROMAN: &[&str] = &[
    "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv",
];

fn next_label(label: &str, roman: bool) -> Option<String> {
    let (open, core) = match label.strip_prefix('(') {
        Some(r) => ("(", r),
        None => ("", label),
    };
    let core = core.strip_suffix(')')?;
    if roman {
        let i = ROMAN.iter().position(|r| *r == core)?;
        return ROMAN.get(i + 1).map(|n| format!("{open}{n})"));
    }
    let mut ch = core.chars();
    let first = ch.next()?;
    if ch.next().is_some() || !first.is_ascii_lowercase() || first == 'z' {
        return None;
    }
    Some(format!("{open}{})", (first as u8 + 1) as char))
}

fn is_roman(label: &str) -> bool {
    let core = label.trim_start_matches('(').trim_end_matches(')');
    ROMAN.contains(&core)
}

/// `i) infrastructure…; ii) Internet naming…` → two items.
fn split_items(p: Provision, out: &mut Vec<Provision>, c: &mut Counts) {
    let mut p = p;
    let prev_is_h = out
        .last()
        .is_some_and(|x| x.label.trim_start_matches('(') == "h)");
    let roman = is_roman(&p.label) && !prev_is_h && p.label != "v)" || p.label == "ii)";
    while let Some(next) = next_label(&p.label, roman) {
        let Some(Inline::Run { text }) = p.text.0.last() else {
            break;
        };
        let mut at = None;
        for sep in ["; ", ": "] {
            if let Some(i) = text.find(&format!("{sep}{next} ")) {
                at = Some((i, sep.len()));
                break;
            }
        }
        let Some((i, sl)) = at else { break };
        // Only the last run can be split; earlier inlines stay with the first item.
        let text = text.clone();
        let head = text[..i + 1].to_string();
        let rest = text[i + sl + next.len() + 1..].to_string();
        let k = p.text.0.len() - 1;
        p.text.0[k] = Inline::Run { text: head };
        p.text = normalize(std::mem::take(&mut p.text.0));
        out.push(p);
        c.split_items += 1;
        p = Provision {
            id: String::new(),
            label: next,
            text: Text::plain(&rest),
            children: Vec::new(),
            sponsors: Vec::new(),
        };
    }
    out.push(p);
}

/// Puts sub-items under their parent: roman items after a lettered one, lettered items
/// after a numbered one.
fn nest(list: Vec<Provision>, c: &mut Counts) -> Vec<Provision> {
    fn class(label: &str, prev_top: Option<&str>) -> u8 {
        let core = label.trim_start_matches('(').trim_end_matches(')');
        if core.starts_with(|ch: char| ch.is_ascii_digit()) {
            0
        } else if ROMAN.contains(&core)
            && !(core == "i" && prev_top == Some("h"))
            && !(core == "v" && prev_top == Some("u"))
            && !(core == "x" && prev_top == Some("w"))
        {
            2
        } else if core.len() == 1 && core.chars().all(|ch| ch.is_ascii_lowercase()) {
            1
        } else {
            3
        }
    }
    let mut out: Vec<Provision> = Vec::new();
    let mut top_class: Option<u8> = None;
    for p in list {
        let prev_top = out.last().map(|x| {
            x.label
                .trim_start_matches('(')
                .trim_end_matches(')')
                .to_string()
        });
        let k = class(&p.label, prev_top.as_deref());
        match (top_class, out.last_mut()) {
            (Some(t), Some(parent)) if k != 3 && t != 3 && k > t && p.label != "-" => {
                parent.children.push(p);
                c.nested += 1;
            }
            _ => {
                if p.label != "-" {
                    top_class = Some(k);
                }
                out.push(p);
            }
        }
    }
    out
}
