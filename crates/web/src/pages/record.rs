//! What the draft page and the reports show of the negotiation's record, in words: each
//! withdrawal with exactly the words that left the text (read as text, never as
//! notation), and each bracket's own history with the compromise the chair may adopt.

use plenary_domain::model::Group;
use plenary_domain::negotiation::history::{BracketEvent, BracketHistory};
use plenary_domain::negotiation::{DraftVersion, Proposal, Withdrawal};
use plenary_text::{Instrument, NOC};

use super::instruments::{ReadingPart, reading_of};

/// A withdrawal as pages show it.
pub(crate) struct WithdrawalView {
    /// The proposal withdrawn (its document's id, for the link) and its symbol.
    pub proposal: Option<(String, String)>,
    pub sponsors: String,
    pub group: String,
    pub reason: Option<String>,
    pub left: Vec<LeftView>,
}

/// Words that left the text with a withdrawal.
pub(crate) struct LeftView {
    /// Where they stood: "recognizing, paragraph c)".
    pub place: String,
    pub parts: Vec<ReadingPart>,
    /// The proposal had suppressed a paragraph of the base, which came back.
    pub restored: bool,
}

/// Where provision `id` stood, in the newest of `texts` that has it.
fn place_of(texts: &[Instrument], id: &str) -> String {
    for t in texts.iter().rev() {
        if let Some((sec, _, p)) = t.provisions().into_iter().find(|(_, _, p)| p.id == id) {
            return format!("{}, paragraph {}", t.sections[sec].heading, p.label);
        }
    }
    "a paragraph".to_owned()
}

fn group_name(groups: &[Group], id: &plenary_domain::model::GroupId) -> String {
    groups
        .iter()
        .find(|g| &g.id == id)
        .map_or_else(|| id.to_string(), |g| g.short_name.clone())
}

/// The texts of a draft's versions, oldest first, for finding where words stood.
pub(crate) fn texts_of(versions: &[DraftVersion]) -> Vec<Instrument> {
    let mut out: Vec<(i64, Instrument)> = versions
        .iter()
        .filter_map(|v| plenary_text::parse(&v.text).ok().map(|t| (v.seq, t)))
        .collect();
    out.sort_by_key(|(seq, _)| *seq);
    out.into_iter().map(|(_, t)| t).collect()
}

/// Withdrawals for reading; `texts` are the versions of the drafts they left.
pub(crate) fn withdrawal_views(
    withdrawals: &[Withdrawal],
    texts: &[Instrument],
    groups: &[Group],
) -> Vec<WithdrawalView> {
    withdrawals
        .iter()
        .map(|w| WithdrawalView {
            proposal: w.proposal.clone().zip(w.symbol.clone()),
            sponsors: w.sponsors.join(", "),
            group: group_name(groups, &w.group),
            reason: w.reason.clone(),
            left: w
                .left
                .iter()
                .map(|l| LeftView {
                    place: l.provision.as_deref().map_or_else(
                        || "the opening or a footnote".to_owned(),
                        |p| place_of(texts, p),
                    ),
                    restored: l.text.is_empty() && l.bracket.is_empty(),
                    parts: reading_of(&l.text),
                })
                .collect(),
        })
        .collect()
}

/// One bracket's history as the draft page shows it.
pub(crate) struct BracketView {
    pub id: String,
    pub place: String,
    pub open: bool,
    pub steps: Vec<StepView>,
    pub suggestion: Option<SuggestionView>,
}

/// One step of a bracket's history.
pub(crate) struct StepView {
    pub seq: i64,
    /// What happened, in words.
    pub words: String,
    /// The wording chosen or agreed, when the step closed the bracket.
    pub outcome: Option<Vec<ReadingPart>>,
    pub by: String,
    pub group: String,
    pub group_id: String,
    pub meeting: Option<String>,
}

/// The combination of a bracket's alternatives that the chair may adopt.
pub(crate) struct SuggestionView {
    pub parts: Vec<ReadingPart>,
    /// The wording in the notation, for the chair's form.
    pub notation: String,
    /// The proposals it combines (ids, comma-separated, for the form) and their symbols.
    pub combines: String,
    pub names: String,
}

fn symbols(ids: &[String], proposals: &[Proposal]) -> String {
    let list: Vec<String> = ids
        .iter()
        .map(|id| {
            proposals.iter().find(|p| &p.id == id).map_or_else(
                || id.clone(),
                |p| format!("{} ({})", p.symbol, p.labels().join(", ")),
            )
        })
        .collect();
    list.join(", ")
}

fn sponsors_words(sponsors: &[String]) -> String {
    if sponsors.iter().all(|s| s == NOC) {
        "the base text (no change)".to_owned()
    } else {
        let named: Vec<&str> = sponsors
            .iter()
            .map(|s| if s == NOC { "the base text" } else { s })
            .collect();
        format!("the wording of {}", named.join(", "))
    }
}

/// The proposals behind a suggestion: those compiled into the draft whose sponsors stand
/// behind one of the alternatives it combines.
fn behind(sponsors: &[String], proposals: &[Proposal]) -> Vec<String> {
    proposals
        .iter()
        .filter(|p| {
            !matches!(
                p.status,
                plenary_domain::negotiation::ProposalStatus::Withdrawn { .. }
            )
        })
        .filter(|p| p.labels().iter().any(|l| sponsors.contains(l)))
        .map(|p| p.id.clone())
        .collect()
}

/// Each bracket's history for reading.
pub(crate) fn bracket_views(
    histories: &[BracketHistory],
    texts: &[Instrument],
    proposals: &[Proposal],
    groups: &[Group],
) -> Vec<BracketView> {
    histories
        .iter()
        .map(|h| BracketView {
            id: h.bracket.clone(),
            place: h
                .provision
                .as_deref()
                .map_or_else(|| "the opening or a footnote".to_owned(), |p| {
                    place_of(texts, p)
                }),
            open: h.open,
            suggestion: h.suggestion.as_ref().map(|s| {
                let combines = behind(&s.sponsors, proposals);
                SuggestionView {
                    parts: reading_of(&s.text),
                    notation: s.text.clone(),
                    names: symbols(&combines, proposals),
                    combines: combines.join(","),
                }
            }),
            steps: h
                .steps
                .iter()
                .map(|st| {
                    let alternatives: Vec<String> = st
                        .alternatives
                        .iter()
                        .map(|a| {
                            a.sponsors
                                .iter()
                                .map(|s| if s == NOC { "the base text (NOC)" } else { s })
                                .collect::<Vec<_>>()
                                .join(" and ")
                        })
                        .collect();
                    let words = match st.event {
                        BracketEvent::Compiled => format!(
                            "Opened by the compilation of {}, with the alternatives of {}",
                            symbols(&st.proposals, proposals),
                            alternatives.join("; ")
                        ),
                        BracketEvent::Objected => format!(
                            "Opened on agreed text for {}, who object",
                            st.sponsors.join(", ")
                        ),
                        BracketEvent::ProposalWithdrawn => format!(
                            "{} withdrawn: its alternative left; the alternatives now are those of {}",
                            symbols(&st.proposals, proposals),
                            alternatives.join("; ")
                        ),
                        BracketEvent::AlternativeWithdrawn => format!(
                            "The alternative of {} withdrawn",
                            st.sponsors.join(", ")
                        ),
                        BracketEvent::Resolved => format!(
                            "Resolved: the group chose {}",
                            st.outcome
                                .as_ref()
                                .map_or_else(String::new, |o| sponsors_words(&o.sponsors))
                        ),
                        BracketEvent::Replaced if st.proposals.is_empty() => {
                            "Replaced by a compromise".to_owned()
                        }
                        BracketEvent::Replaced => format!(
                            "Replaced by a compromise that combines the wordings of {}",
                            symbols(&st.proposals, proposals)
                        ),
                        BracketEvent::ClosedByWithdrawal => format!(
                            "Closed when {} was withdrawn: {} stands",
                            symbols(&st.proposals, proposals),
                            st.outcome
                                .as_ref()
                                .map_or_else(|| "the base text".to_owned(), |o| sponsors_words(&o.sponsors))
                        ),
                        BracketEvent::Changed => "Changed with an edit of the text".to_owned(),
                    };
                    StepView {
                        seq: st.seq,
                        words,
                        outcome: st.outcome.as_ref().map(|o| reading_of(&o.text)),
                        by: st.occasion.by.clone(),
                        group: group_name(groups, &st.occasion.group),
                        group_id: st.occasion.group.to_string(),
                        meeting: st.occasion.meeting.clone(),
                    }
                })
                .collect(),
        })
        .collect()
}
