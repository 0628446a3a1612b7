//! Operations on a negotiating text (the `plenary_text` model): find, resolve, replace and
//! open brackets, withdraw sponsors' alternatives, list what is still open.

use plenary_text::merge::normalize;
use plenary_text::{Alternative, Bracket, Inline, Instrument, NOC, Provision, Text};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// An open bracket as reports and pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OpenBracket {
    /// The bracket's identity in the text (`b3`).
    pub id: String,
    /// The provision it stands in (`None`: the opening or a footnote).
    pub provision: Option<String>,
    /// The provision's label (`b)`, `2`), when in a provision.
    pub label: Option<String>,
    /// The alternatives, with their sponsors.
    pub alternatives: Vec<AlternativeText>,
}

/// One alternative of a bracket, its text in the notation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AlternativeText {
    /// Who stands behind it (`NOC` marks the base wording).
    pub sponsors: Vec<String>,
    /// The wording (empty: deletion).
    pub text: String,
}

impl AlternativeText {
    fn of(a: &Alternative) -> Self {
        Self {
            sponsors: a.sponsors.clone(),
            text: plenary_text::text_to_notation(&a.text),
        }
    }
}

/// An alternative that left the text because its sponsors withdrew it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LeftAlternative {
    /// The bracket it stood in.
    pub bracket: String,
    /// The provision.
    pub provision: Option<String>,
    /// The sponsors who withdrew.
    pub sponsors: Vec<String>,
    /// The wording that left.
    pub text: String,
}

/// Calls `f` with every text of the instrument and the provision it belongs to.
fn each_text<'a>(inst: &'a Instrument, f: &mut dyn FnMut(Option<&'a Provision>, &'a Text)) {
    fn walk<'a>(list: &'a [Provision], f: &mut dyn FnMut(Option<&'a Provision>, &'a Text)) {
        for p in list {
            f(Some(p), &p.text);
            walk(&p.children, f);
        }
    }
    f(None, &inst.opening);
    for s in &inst.sections {
        walk(&s.provisions, f);
    }
    for n in &inst.footnotes {
        f(None, &n.text);
    }
}

/// Calls `f` with every text of the instrument mutably, with its provision's identity.
fn each_text_mut(inst: &mut Instrument, f: &mut dyn FnMut(Option<&str>, &mut Text)) {
    fn walk(list: &mut [Provision], f: &mut dyn FnMut(Option<&str>, &mut Text)) {
        for p in list {
            f(Some(&p.id), &mut p.text);
            walk(&mut p.children, f);
        }
    }
    f(None, &mut inst.opening);
    for s in &mut inst.sections {
        walk(&mut s.provisions, f);
    }
    for n in &mut inst.footnotes {
        f(None, &mut n.text);
    }
}

/// Every bracket still open, in document order (outer before nested).
pub fn open_brackets(inst: &Instrument) -> Vec<OpenBracket> {
    fn walk(t: &Text, p: Option<&Provision>, out: &mut Vec<OpenBracket>) {
        for i in &t.0 {
            if let Inline::Bracket(b) = i {
                out.push(OpenBracket {
                    id: b.id.clone(),
                    provision: p.map(|p| p.id.clone()),
                    label: p.map(|p| p.label.clone()),
                    alternatives: b.alternatives.iter().map(AlternativeText::of).collect(),
                });
                for a in &b.alternatives {
                    walk(&a.text, p, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    each_text(inst, &mut |p, t| walk(t, p, &mut out));
    out
}

/// Finds a bracket by identity.
pub fn find_bracket<'a>(inst: &'a Instrument, id: &str) -> Option<&'a Bracket> {
    plenary_text::brackets_of(inst)
        .into_iter()
        .find(|b| b.id == id)
}

/// Replaces the bracket `id` by `replacement` (an alternative's text or compromise
/// wording) and returns the bracket as it was.
///
/// # Errors
/// When no open bracket has that identity.
pub fn replace_bracket(
    inst: &mut Instrument,
    id: &str,
    replacement: &Text,
) -> Result<Bracket, DomainError> {
    fn in_text(t: &mut Text, id: &str, replacement: &Text) -> Option<Bracket> {
        for k in 0..t.0.len() {
            let hit = matches!(&t.0[k], Inline::Bracket(b) if b.id == id);
            if hit {
                let Inline::Bracket(old) = t.0.remove(k) else {
                    return None;
                };
                for (j, inline) in replacement.0.iter().enumerate() {
                    t.0.insert(k + j, inline.clone());
                }
                // A bracket that resolves to nothing leaves no space before the
                // punctuation that followed it ("governance [ | … ];" → "governance;").
                let sticks = match t.0.get(k) {
                    Some(Inline::Run { text }) => text.starts_with([',', ';', ':', '.', ')']),
                    Some(Inline::FootnoteRef { .. }) => true,
                    _ => false,
                };
                if replacement.is_empty()
                    && k > 0
                    && sticks
                    && let Some(Inline::Run { text }) = t.0.get_mut(k - 1)
                {
                    let trimmed = text.trim_end().len();
                    text.truncate(trimmed);
                }
                *t = normalize(t);
                return Some(old);
            }
            if let Inline::Bracket(b) = &mut t.0[k] {
                for a in &mut b.alternatives {
                    if let Some(found) = in_text(&mut a.text, id, replacement) {
                        return Some(found);
                    }
                }
            }
        }
        None
    }
    let mut found = None;
    each_text_mut(inst, &mut |_, t| {
        if found.is_none() {
            found = in_text(t, id, replacement);
        }
    });
    found.ok_or_else(|| DomainError::invalid("bracket", format!("no open bracket '{id}'")))
}

/// Puts a bracket around the agreed words `words` of provision `provision`: the words as
/// they stand become the alternative of the paragraph's proposers (`NOC` for the base's
/// words), `alternative` (possibly empty: deletion) the objecting sponsors' one.
///
/// # Errors
/// When the provision does not exist, or the words are not found exactly once in its
/// agreed (unbracketed) text.
pub fn open_bracket(
    inst: &mut Instrument,
    provision: &str,
    words: &str,
    alternative: Text,
    sponsors: Vec<String>,
    id: String,
) -> Result<(), DomainError> {
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.is_empty() {
        return Err(DomainError::invalid("words", "must not be empty"));
    }
    // The words as they stand are the base's (NOC), or those of the proposers the
    // paragraph names.
    let standing: Vec<String> = inst
        .provision(provision)
        .map(|p| p.sponsors.clone())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| vec![NOC.to_owned()]);
    let mut outcome: Option<Result<(), DomainError>> = None;
    each_text_mut(inst, &mut |p, t| {
        if p != Some(provision) || outcome.is_some() {
            return;
        }
        let hits: Vec<(usize, usize)> =
            t.0.iter()
                .enumerate()
                .filter_map(|(k, i)| match i {
                    Inline::Run { text } => Some(
                        text.match_indices(&words)
                            .map(|(at, _)| (k, at))
                            .collect::<Vec<_>>(),
                    ),
                    _ => None,
                })
                .flatten()
                .collect();
        outcome = Some(match hits.as_slice() {
            [] => Err(DomainError::invalid(
                "words",
                format!("'{words}' is not in the agreed text of {provision}"),
            )),
            [(k, at)] => {
                let Inline::Run { text } = &t.0[*k] else {
                    return;
                };
                let before = text[..*at].to_owned();
                let after = text[at + words.len()..].to_owned();
                let bracket = Inline::Bracket(Bracket {
                    id: id.clone(),
                    alternatives: vec![
                        Alternative {
                            sponsors: standing.clone(),
                            text: Text::plain(&words),
                        },
                        Alternative {
                            sponsors: sponsors.clone(),
                            text: alternative.clone(),
                        },
                    ],
                });
                let mut replacement = Vec::new();
                if !before.is_empty() {
                    replacement.push(Inline::Run { text: before });
                }
                replacement.push(bracket);
                if !after.is_empty() {
                    replacement.push(Inline::Run { text: after });
                }
                t.0.splice(*k..=*k, replacement);
                Ok(())
            }
            _ => Err(DomainError::invalid(
                "words",
                format!(
                    "'{words}' occurs {} times in {provision}; give enough words to mark one place",
                    hits.len()
                ),
            )),
        });
    });
    outcome.unwrap_or_else(|| {
        Err(DomainError::invalid(
            "provision",
            format!("no provision '{provision}' in the draft"),
        ))
    })
}

/// Withdraws `sponsors`' support from every alternative and every paragraph's list of
/// proposers. An alternative left with no sponsor leaves the text (and is returned); a
/// bracket left with only the base wording (`NOC`) goes back to that wording; a bracket
/// left with no alternative disappears, and so does a provision that was not in `base`
/// and is left without words. A paragraph whose proposers all withdrew keeps its words:
/// the group has them before it.
pub fn withdraw_sponsors(
    inst: &mut Instrument,
    sponsors: &[String],
    base: Option<&Instrument>,
) -> Vec<LeftAlternative> {
    withdraw_sponsors_except(inst, sponsors, base, &[])
}

/// Like [`withdraw_sponsors`], leaving the provisions `skip` names alone.
pub fn withdraw_sponsors_except(
    inst: &mut Instrument,
    sponsors: &[String],
    base: Option<&Instrument>,
    skip: &[String],
) -> Vec<LeftAlternative> {
    fn marks(list: &mut [Provision], sponsors: &[String], skip: &[String]) {
        for p in list {
            if !skip.contains(&p.id) {
                p.sponsors.retain(|s| !sponsors.contains(s));
            }
            marks(&mut p.children, sponsors, skip);
        }
    }
    for s in &mut inst.sections {
        marks(&mut s.provisions, sponsors, skip);
    }
    withdraw(inst, sponsors, base, None, skip)
}

/// The words of provision `p` that `sponsors` alone brought, as one entry: the whole
/// paragraph when only they proposed it, or, when an alternative of its brackets is
/// theirs alone, the paragraph as they worded it (their alternative chosen in each
/// bracket, the base wording where they kept it), so that the record reads as a sentence
/// of theirs.
pub fn words_of(p: &Provision, sponsors: &[String]) -> Vec<LeftAlternative> {
    let alone = |list: &[String]| !list.is_empty() && list.iter().all(|s| sponsors.contains(s));
    if alone(&p.sponsors) {
        return vec![LeftAlternative {
            bracket: String::new(),
            provision: Some(p.id.clone()),
            sponsors: p.sponsors.clone(),
            text: plenary_text::text_to_notation(&p.text),
        }];
    }
    let mut first: Option<String> = None;
    let mut worded = Text::default();
    for i in &p.text.0 {
        match i {
            Inline::Bracket(b) => {
                let theirs = b.alternatives.iter().find(|a| alone(&a.sponsors));
                if theirs.is_some() && first.is_none() {
                    first = Some(b.id.clone());
                }
                let chosen = theirs
                    .or_else(|| {
                        b.alternatives
                            .iter()
                            .find(|a| a.sponsors.iter().any(|s| sponsors.contains(s)))
                    })
                    .or_else(|| {
                        b.alternatives
                            .iter()
                            .find(|a| a.sponsors.iter().any(|s| s == NOC))
                    })
                    .or_else(|| b.alternatives.first());
                if let Some(a) = chosen {
                    worded = Text::concat([&worded, &a.text]);
                }
            }
            other => worded.push(other.clone()),
        }
    }
    match first {
        Some(bracket) => vec![LeftAlternative {
            bracket,
            provision: Some(p.id.clone()),
            sponsors: sponsors.to_vec(),
            text: plenary_text::text_to_notation(&normalize(&worded)),
        }],
        None => Vec::new(),
    }
}

/// Puts provision `id` of `from` back into `inst` where it stands in `from`: under the
/// same parent (or in the section of the same heading), after the siblings before it.
/// Returns whether it was put back.
pub fn restore_provision(inst: &mut Instrument, from: &Instrument, id: &str) -> bool {
    fn locate<'a>(
        list: &'a [Provision],
        id: &str,
        parent: Option<&'a str>,
    ) -> Option<(Option<&'a str>, Vec<&'a str>, &'a Provision)> {
        for (k, p) in list.iter().enumerate() {
            if p.id == id {
                return Some((parent, list[..k].iter().map(|x| x.id.as_str()).collect(), p));
            }
            if let Some(found) = locate(&p.children, id, Some(&p.id)) {
                return Some(found);
            }
        }
        None
    }
    fn insert(list: &mut Vec<Provision>, earlier: &[&str], p: &Provision) {
        let at = list
            .iter()
            .rposition(|x| earlier.contains(&x.id.as_str()))
            .map_or(0, |k| k + 1);
        list.insert(at, p.clone());
    }
    for (k, s) in from.sections.iter().enumerate() {
        let Some((parent, earlier, p)) = locate(&s.provisions, id, None) else {
            continue;
        };
        match parent {
            Some(pid) => {
                let Some(target) = provision_mut(inst, pid) else {
                    return false;
                };
                insert(&mut target.children, &earlier, p);
            }
            None => match inst.sections.iter_mut().find(|x| x.heading == s.heading) {
                Some(target) => insert(&mut target.provisions, &earlier, p),
                None => {
                    // After the nearest section before it in `from` that `inst` has.
                    let at = from.sections[..k]
                        .iter()
                        .rev()
                        .find_map(|b| inst.sections.iter().position(|x| x.heading == b.heading))
                        .map_or(0, |p| p + 1);
                    inst.sections.insert(
                        at,
                        plenary_text::Section {
                            heading: s.heading.clone(),
                            provisions: vec![p.clone()],
                        },
                    );
                }
            },
        }
        return true;
    }
    false
}

/// Like [`withdraw_sponsors`], from one alternative only (`bracket`, index from 0).
pub fn withdraw_from_alternative(
    inst: &mut Instrument,
    sponsors: &[String],
    bracket: &str,
    alternative: usize,
) -> Vec<LeftAlternative> {
    withdraw(inst, sponsors, None, Some((bracket, alternative)), &[])
}

fn withdraw(
    inst: &mut Instrument,
    sponsors: &[String],
    base: Option<&Instrument>,
    only: Option<(&str, usize)>,
    skip: &[String],
) -> Vec<LeftAlternative> {
    fn in_text(
        t: &mut Text,
        provision: Option<&str>,
        sponsors: &[String],
        only: Option<(&str, usize)>,
        left: &mut Vec<LeftAlternative>,
    ) {
        let mut k = 0;
        while k < t.0.len() {
            let mut collapse: Option<Text> = None;
            if let Inline::Bracket(b) = &mut t.0[k] {
                for a in &mut b.alternatives {
                    in_text(&mut a.text, provision, sponsors, only, left);
                }
                let before = b.alternatives.len();
                let mut kept = Vec::new();
                for (k, mut a) in std::mem::take(&mut b.alternatives).into_iter().enumerate() {
                    if only.is_some_and(|(id, n)| id != b.id || n != k) {
                        kept.push(a);
                        continue;
                    }
                    let withdrawing: Vec<String> = a
                        .sponsors
                        .iter()
                        .filter(|s| sponsors.contains(s))
                        .cloned()
                        .collect();
                    a.sponsors.retain(|s| !sponsors.contains(s));
                    if a.sponsors.is_empty() {
                        left.push(LeftAlternative {
                            bracket: b.id.clone(),
                            provision: provision.map(str::to_owned),
                            sponsors: withdrawing,
                            text: plenary_text::text_to_notation(&a.text),
                        });
                    } else {
                        kept.push(a);
                    }
                }
                b.alternatives = kept;
                let changed = b.alternatives.len() != before;
                if b.alternatives.is_empty() {
                    collapse = Some(Text::default());
                } else if changed
                    && b.alternatives.len() == 1
                    && b.alternatives[0].sponsors.iter().any(|s| s == NOC)
                {
                    collapse = Some(b.alternatives[0].text.clone());
                }
            }
            match collapse {
                Some(words) => {
                    t.0.remove(k);
                    let n = words.0.len();
                    for (j, inline) in words.0.into_iter().enumerate() {
                        t.0.insert(k + j, inline);
                    }
                    k += n;
                }
                None => k += 1,
            }
        }
        *t = normalize(t);
    }
    let mut left = Vec::new();
    each_text_mut(inst, &mut |p, t| {
        if !p.is_some_and(|p| skip.iter().any(|x| x == p)) {
            in_text(t, p, sponsors, only, &mut left);
        }
    });
    if !left.is_empty() {
        let in_base = |id: &str| base.is_some_and(|b| b.provision(id).is_some());
        fn prune(list: &mut Vec<Provision>, in_base: &dyn Fn(&str) -> bool) {
            for p in list.iter_mut() {
                prune(&mut p.children, in_base);
            }
            list.retain(|p| !(p.text.is_empty() && p.children.is_empty() && !in_base(&p.id)));
        }
        for s in &mut inst.sections {
            prune(&mut s.provisions, &in_base);
        }
        inst.sections.retain(|s| {
            !s.provisions.is_empty()
                || base.is_some_and(|b| b.sections.iter().any(|x| x.heading == s.heading))
        });
    }
    left
}

/// Removes the provisions left without words or sub-items (a paragraph whose only
/// bracket resolved to deletion).
pub fn drop_empty_provisions(inst: &mut Instrument) {
    fn walk(list: &mut Vec<Provision>) {
        for p in list.iter_mut() {
            walk(&mut p.children);
        }
        list.retain(|p| !(p.text.is_empty() && p.children.is_empty()));
    }
    for s in &mut inst.sections {
        walk(&mut s.provisions);
    }
    inst.sections.retain(|s| !s.provisions.is_empty());
}

/// The brackets of a text, for checking that an edit of agreed text leaves them alone.
pub fn bracket_set(inst: &Instrument) -> Vec<Bracket> {
    let mut all: Vec<Bracket> = plenary_text::brackets_of(inst)
        .into_iter()
        .cloned()
        .collect();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    all
}

/// The highest bracket number (`b<n>`) in use in a text.
pub fn last_bracket_number(inst: &Instrument) -> usize {
    plenary_text::brackets_of(inst)
        .iter()
        .filter_map(|b| b.id.strip_prefix('b').and_then(|n| n.parse::<usize>().ok()))
        .max()
        .unwrap_or(0)
}

/// The next bracket identity above every one in use and above `last` (the highest a draft
/// has ever used): a new bracket never takes a closed one's identity, so each bracket
/// keeps a history of its own.
pub fn next_bracket_id_after(inst: &Instrument, last: usize) -> String {
    plenary_text::default_bracket_id(last_bracket_number(inst).max(last) + 1)
}

/// Parses a fragment of inline notation (an alternative's or a compromise's wording).
///
/// # Errors
/// When the notation does not parse; the error names `field`.
pub fn parse_inline(field: &str, src: &str) -> Result<Text, DomainError> {
    if src.trim().is_empty() {
        return Ok(Text::default());
    }
    let doc = format!("Draft 0\nFragment\n\n## resolves\n1 {}\n", src.trim());
    let inst = plenary_text::parse(&doc)
        .map_err(|e| DomainError::invalid(field, format!("does not parse: {}", e.message)))?;
    let text = inst
        .sections
        .first()
        .and_then(|s| s.provisions.first())
        .filter(|p| p.children.is_empty())
        .map(|p| p.text.clone())
        .ok_or_else(|| DomainError::invalid(field, "must be one run of words, not paragraphs"))?;
    Ok(text)
}

/// A provision by identity, mutably (paragraphs and sub-items).
pub fn provision_mut<'a>(inst: &'a mut Instrument, id: &str) -> Option<&'a mut Provision> {
    fn walk<'a>(list: &'a mut [Provision], id: &str) -> Option<&'a mut Provision> {
        for p in list {
            if p.id == id {
                return Some(p);
            }
            if let Some(found) = walk(&mut p.children, id) {
                return Some(found);
            }
        }
        None
    }
    inst.sections
        .iter_mut()
        .find_map(|s| walk(&mut s.provisions, id))
}

/// Removes a provision (with its sub-items); returns whether it was there.
pub fn remove_provision(inst: &mut Instrument, id: &str) -> bool {
    fn walk(list: &mut Vec<Provision>, id: &str) -> bool {
        let before = list.len();
        list.retain(|p| p.id != id);
        if list.len() != before {
            return true;
        }
        list.iter_mut().any(|p| walk(&mut p.children, id))
    }
    let removed = inst
        .sections
        .iter_mut()
        .any(|s| walk(&mut s.provisions, id));
    inst.sections.retain(|s| !s.provisions.is_empty());
    removed
}

/// The text with every bracket identity blanked, to compare wording and alternatives
/// regardless of how brackets are numbered.
pub fn without_bracket_ids(t: &Text) -> Text {
    Text(
        t.0.iter()
            .map(|i| match i {
                Inline::Bracket(b) => Inline::Bracket(Bracket {
                    id: String::new(),
                    alternatives: b
                        .alternatives
                        .iter()
                        .map(|a| Alternative {
                            sponsors: a.sponsors.clone(),
                            text: without_bracket_ids(&a.text),
                        })
                        .collect(),
                }),
                other => other.clone(),
            })
            .collect(),
    )
}

/// Gives the brackets of `new` the identities of identical brackets in `old`, and fresh
/// identities (unused anywhere in `doc`, and above `last`) to the others.
pub fn keep_bracket_ids(new: &mut Text, old: &Text, doc: &Instrument, last: usize) {
    let mut next = last_bracket_number(doc).max(last) + 1;
    let olds: Vec<&Inline> = old.0.iter().collect();
    for i in &mut new.0 {
        if let Inline::Bracket(b) = i {
            let same = olds.iter().find_map(|o| match o {
                Inline::Bracket(x) if x.alternatives == b.alternatives => Some(x.id.clone()),
                _ => None,
            });
            b.id = same.unwrap_or_else(|| {
                let id = plenary_text::default_bracket_id(next);
                next += 1;
                id
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Instrument {
        plenary_text::parse(
            "Resolution 1\nT\n\n## resolves\n1 to [{NOC} explore | {USA} study] the matter [{RCC} now | {KOR} later];\n2 to report to the Council;\n",
        )
        .unwrap()
    }

    #[test]
    fn resolving_a_bracket_keeps_the_chosen_words_in_agreed_text() {
        let mut d = draft();
        let b = find_bracket(&d, "b1").unwrap().clone();
        replace_bracket(&mut d, "b1", &b.alternatives[1].text).unwrap();
        let p = d.provision("resolves.1").unwrap();
        assert!(plenary_text::text_to_notation(&p.text).starts_with("to study the matter ["));
        assert_eq!(open_brackets(&d).len(), 1);
        assert_eq!(
            open_brackets(&d)[0].id,
            "b2",
            "other brackets keep their identity"
        );
    }

    #[test]
    fn withdrawing_the_only_change_restores_the_base_wording() {
        let mut d = draft();
        let left = withdraw_sponsors(&mut d, &["USA".to_owned()], None);
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].text, "study");
        let p = d.provision("resolves.1").unwrap();
        assert!(plenary_text::text_to_notation(&p.text).starts_with("to explore the matter ["));
    }

    #[test]
    fn a_bracket_with_one_sponsored_alternative_left_stays_open() {
        let mut d = draft();
        withdraw_sponsors(&mut d, &["RCC".to_owned()], None);
        let open = open_brackets(&d);
        assert_eq!(open.len(), 2);
        assert_eq!(open[1].alternatives.len(), 1);
        assert_eq!(open[1].alternatives[0].sponsors, ["KOR"]);
    }

    #[test]
    fn opening_a_bracket_needs_words_that_occur_once() {
        let mut d = draft();
        let err = open_bracket(
            &mut d,
            "resolves.2",
            "the",
            Text::default(),
            vec!["CHN".into()],
            "b9".into(),
        );
        assert!(err.is_ok(), "'the' occurs once in resolves.2");
        let mut d = draft();
        let err = open_bracket(
            &mut d,
            "resolves.2",
            "Parliament",
            Text::default(),
            vec!["CHN".into()],
            "b9".into(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("not in the agreed text"), "{err}");
    }
}
