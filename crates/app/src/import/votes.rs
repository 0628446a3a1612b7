//! Voting records as JSON Lines (one object per line), in the two shapes of the UN
//! Digital Library extracts: General Assembly (`title`, `pv`, `originating_document`) and
//! Security Council (`resolution_title`, `outcome_letter`, `draft_resolution`). Keys
//! neither shape uses are ignored.

use plenary_domain::model::BodyId;
use plenary_domain::records::{Provenance, Sponsor, Tally, VoteRecord};
use serde::Deserialize;

use super::states::state;

/// One line, as far as the import reads it.
#[derive(Debug, Deserialize)]
struct Line {
    symbol: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    resolution_title: Option<String>,
    #[serde(default)]
    adoption_meeting: Option<String>,
    #[serde(default)]
    adoption_date: Option<String>,
    #[serde(default)]
    adoption_type: Option<String>,
    #[serde(default)]
    pv: Option<String>,
    #[serde(default)]
    outcome_letter: Option<String>,
    #[serde(default)]
    originating_document: Option<String>,
    #[serde(default)]
    draft_resolution: Option<String>,
    #[serde(default, rename = "MS_in_favour_count")]
    yes_count: Option<String>,
    #[serde(default, rename = "MS_against_count")]
    no_count: Option<String>,
    #[serde(default, rename = "MS_abstaining_count")]
    abstain_count: Option<String>,
    #[serde(default, rename = "MS_in_favour")]
    yes: Vec<String>,
    #[serde(default, rename = "MS_against")]
    no: Vec<String>,
    #[serde(default, rename = "MS_abstaining")]
    abstain: Vec<String>,
    #[serde(default)]
    sponsors: Vec<String>,
    #[serde(default)]
    additional_sponsors: Vec<String>,
}

fn text(s: Option<String>) -> Option<String> {
    s.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty() && s != "N.A.")
}

fn count(s: Option<&String>) -> Option<u32> {
    s.map(|s| s.trim())
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|s| s.parse().ok())
}

/// "15 December 2022" (spaces of any kind) → a date.
pub(crate) fn parse_day(s: &str) -> Option<time::Date> {
    let words: Vec<&str> = s.split_whitespace().collect();
    let [day, month, year] = words.as_slice() else {
        return None;
    };
    let month = time::Month::January.nth_next(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
        .iter()
        .position(|m| m.eq_ignore_ascii_case(month))? as u8,
    );
    time::Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()
}

/// The body a symbol belongs to: `A/…` the General Assembly, `S/…` the Security Council.
pub(crate) fn body_of_symbol(symbol: &str) -> Option<BodyId> {
    let id = if symbol.starts_with("A/") {
        "un-ga"
    } else if symbol.starts_with("S/") {
        "un-sc"
    } else {
        return None;
    };
    BodyId::new(id).ok()
}

fn sponsors(original: &[String], additional: &[String]) -> Vec<Sponsor> {
    let mut out: Vec<Sponsor> = Vec::new();
    for (names, is_additional) in [(original, false), (additional, true)] {
        for n in names.iter().filter(|n| !n.trim().is_empty()) {
            let s = state(n);
            if !out.iter().any(|o| o.state.name == s.name) {
                out.push(Sponsor {
                    state: s,
                    additional: is_additional,
                });
            }
        }
    }
    out
}

/// Reads one line (`line` counts from 1) into a vote record.
///
/// # Errors
/// What is wrong with the line, in words (the caller adds the file and line).
pub(crate) fn read_line(
    src: &str,
    line: u32,
    provenance: &Provenance,
) -> Result<VoteRecord, String> {
    let l: Line = serde_json::from_str(src).map_err(|e| format!("not a JSON vote record: {e}"))?;
    let symbol = text(l.symbol).ok_or("symbol: missing or empty")?;
    let body = body_of_symbol(&symbol).ok_or_else(|| {
        format!("symbol: '{symbol}' is neither a General Assembly (A/…) nor a Security Council (S/…) symbol")
    })?;
    let adoption = text(l.adoption_type).unwrap_or_else(|| "not stated".to_owned());
    let listed = |names: &[String]| -> Vec<_> {
        names
            .iter()
            .filter(|n| !n.trim().is_empty())
            .map(|n| state(n))
            .collect()
    };
    let counts = [
        count(l.yes_count.as_ref()),
        count(l.no_count.as_ref()),
        count(l.abstain_count.as_ref()),
    ];
    let without_vote = adoption.eq_ignore_ascii_case("Without a vote");
    let any_count = counts.iter().any(|c| c.is_some_and(|n| n > 0));
    let any_listed = !(l.yes.is_empty() && l.no.is_empty() && l.abstain.is_empty());
    let tally = (!without_vote && (any_count || any_listed)).then(|| {
        let (yes, no, abstain) = (listed(&l.yes), listed(&l.no), listed(&l.abstain));
        let n = |c: Option<u32>, list: &Vec<_>| c.unwrap_or(list.len() as u32);
        Tally {
            yes: n(counts[0], &yes),
            no: n(counts[1], &no),
            abstain: n(counts[2], &abstain),
            yes_members: yes,
            no_members: no,
            abstain_members: abstain,
        }
    });
    let date_text = text(l.adoption_date);
    Ok(VoteRecord {
        symbol,
        body,
        title: text(l.title).or(text(l.resolution_title)),
        meeting: text(l.adoption_meeting),
        meeting_record: text(l.pv).or(text(l.outcome_letter)),
        date: date_text.as_deref().and_then(parse_day),
        adoption,
        draft: text(l.originating_document).or(text(l.draft_resolution)),
        tally,
        sponsors: sponsors(&l.sponsors, &l.additional_sponsors),
        provenance: provenance.clone(),
        line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_dates_read_with_any_spacing() {
        assert_eq!(
            parse_day("25\u{a0}March 2024"),
            Some(time::macros::date!(2024 - 03 - 25))
        );
        assert_eq!(parse_day("on8 March 2024"), None);
    }
}
