//! Each bracket's own history, read from a draft's versions: which compilation or
//! objection opened it, how its alternatives changed and who withdrew them, and who
//! closed it, at which meeting, to which alternative or compromise.

use std::collections::BTreeMap;

use plenary_text::{Instrument, NOC};
use serde::{Deserialize, Serialize};

use super::text_ops::AlternativeText;
use super::{DraftVersion, Occasion, Operation};

/// What happened to a bracket at one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BracketEvent {
    /// Opened by the compilation of proposals that differ.
    Compiled,
    /// Opened on agreed text, for the delegations that object.
    Objected,
    /// Its alternatives changed when a proposal was withdrawn.
    ProposalWithdrawn,
    /// One alternative was withdrawn by (some of) its sponsors.
    AlternativeWithdrawn,
    /// Closed by choosing one alternative.
    Resolved,
    /// Closed by a compromise wording.
    Replaced,
    /// Closed when a proposal was withdrawn (the one wording left, or the base, stands).
    ClosedByWithdrawal,
    /// Its alternatives changed, or it opened or closed, with another step (an edit, a
    /// split).
    Changed,
}

/// One step of a bracket's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BracketStep {
    /// The event.
    pub seq: i64,
    /// What happened.
    pub event: BracketEvent,
    /// Who acted, in which group, at which meeting.
    pub occasion: Occasion,
    /// The proposals compiled or withdrawn, or whose wordings a compromise combines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proposals: Vec<String>,
    /// The delegations that objected or withdrew.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sponsors: Vec<String>,
    /// The alternatives after the step (before it, for a step that closed the bracket).
    pub alternatives: Vec<AlternativeText>,
    /// The alternative chosen, or the compromise wording, for a step that closed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<AlternativeText>,
}

/// A bracket with its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BracketHistory {
    /// The bracket's identity (`b3`).
    pub bracket: String,
    /// The provision it stands in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provision: Option<String>,
    /// That provision's label when the bracket was last seen (`b)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Whether it is still open.
    pub open: bool,
    /// The combination of its alternatives' changes that the chair may adopt as a
    /// compromise, when they change different words (open brackets only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<AlternativeText>,
    /// What happened to it, oldest first.
    pub steps: Vec<BracketStep>,
}

struct Seen {
    provision: Option<String>,
    label: Option<String>,
    alternatives: Vec<AlternativeText>,
}

fn brackets(text: &Instrument) -> BTreeMap<String, Seen> {
    super::text_ops::open_brackets(text)
        .into_iter()
        .map(|b| {
            (
                b.id,
                Seen {
                    provision: b.provision,
                    label: b.label,
                    alternatives: b.alternatives,
                },
            )
        })
        .collect()
}

/// The history of every bracket a draft has had, in the order they opened, from its
/// versions in seq order (unparsable versions are skipped: the record keeps only
/// printed notation, so none is expected).
pub fn bracket_histories(versions: &[DraftVersion]) -> Vec<BracketHistory> {
    let mut order: Vec<String> = Vec::new();
    let mut all: BTreeMap<String, BracketHistory> = BTreeMap::new();
    let mut before: BTreeMap<String, Seen> = BTreeMap::new();
    // Where each bracket stood when last seen.
    let mut last: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    let mut latest: Option<Instrument> = None;
    for v in versions {
        let Ok(text) = plenary_text::parse(&v.text) else {
            continue;
        };
        let now = brackets(&text);
        for (id, seen) in &now {
            last.insert(id.clone(), (seen.provision.clone(), seen.label.clone()));
        }
        let step = |event: BracketEvent,
                    alternatives: &[AlternativeText],
                    outcome: Option<AlternativeText>| {
            let (proposals, sponsors) = match (&v.operation, &v.withdrawal) {
                (Some(Operation::BracketOpened { sponsors, .. }), _) => {
                    (Vec::new(), sponsors.clone())
                }
                (Some(Operation::AlternativeWithdrawn { withdrawal }), _) => {
                    (Vec::new(), withdrawal.sponsors.clone())
                }
                (Some(Operation::BracketReplaced { combines, .. }), _) => {
                    (combines.clone(), Vec::new())
                }
                (_, Some(w)) => (v.proposals.clone(), w.sponsors.clone()),
                _ => (v.proposals.clone(), Vec::new()),
            };
            BracketStep {
                seq: v.seq,
                event,
                occasion: v.occasion.clone(),
                proposals,
                sponsors,
                alternatives: alternatives.to_vec(),
                outcome,
            }
        };
        for (id, seen) in &now {
            let event = match before.get(id) {
                None if v.kind == "draft.compiled" => Some(BracketEvent::Compiled),
                None => Some(match &v.operation {
                    Some(Operation::BracketOpened { bracket, .. }) if bracket == id => {
                        BracketEvent::Objected
                    }
                    _ => BracketEvent::Changed,
                }),
                Some(old) if old.alternatives != seen.alternatives => Some(match &v.operation {
                    _ if v.kind == "proposal.withdrawn" => BracketEvent::ProposalWithdrawn,
                    Some(Operation::AlternativeWithdrawn { .. }) => {
                        BracketEvent::AlternativeWithdrawn
                    }
                    _ => BracketEvent::Changed,
                }),
                Some(_) => None,
            };
            let Some(event) = event else { continue };
            let h = all.entry(id.clone()).or_insert_with(|| {
                order.push(id.clone());
                BracketHistory {
                    bracket: id.clone(),
                    provision: None,
                    label: None,
                    open: true,
                    suggestion: None,
                    steps: Vec::new(),
                }
            });
            h.open = true;
            h.steps.push(step(event, &seen.alternatives, None));
        }
        for (id, old) in &before {
            if now.contains_key(id) {
                continue;
            }
            let (event, outcome) = match &v.operation {
                Some(Operation::BracketResolved {
                    bracket, chosen, ..
                }) if bracket == id => (BracketEvent::Resolved, Some(chosen.clone())),
                Some(Operation::BracketReplaced {
                    bracket, text: t, ..
                }) if bracket == id => (
                    BracketEvent::Replaced,
                    Some(AlternativeText {
                        sponsors: Vec::new(),
                        text: t.clone(),
                    }),
                ),
                Some(Operation::AlternativeWithdrawn { .. }) => {
                    (BracketEvent::AlternativeWithdrawn, None)
                }
                _ if v.kind == "proposal.withdrawn" => {
                    // What stands: the one alternative the withdrawal left, else the base.
                    let gone: &[String] = v.withdrawal.as_ref().map_or(&[], |w| &w.sponsors);
                    let left: Vec<&AlternativeText> = old
                        .alternatives
                        .iter()
                        .filter(|a| !a.sponsors.iter().all(|s| gone.contains(s)))
                        .collect();
                    let stands = match left.as_slice() {
                        [one] => Some((*one).clone()),
                        _ => old
                            .alternatives
                            .iter()
                            .find(|a| a.sponsors.iter().any(|s| s == NOC))
                            .cloned(),
                    };
                    (BracketEvent::ClosedByWithdrawal, stands)
                }
                _ => (BracketEvent::Changed, None),
            };
            if let Some(h) = all.get_mut(id) {
                h.open = false;
                h.steps.push(step(event, &old.alternatives, outcome));
            }
        }
        before = now;
        latest = Some(text);
    }
    // The brackets open in the latest version may offer a compromise.
    for id in before.keys() {
        let bracket = latest
            .as_ref()
            .and_then(|t| super::text_ops::find_bracket(t, id));
        if let (Some(h), Some(bracket)) = (all.get_mut(id), bracket) {
            h.suggestion =
                plenary_text::merge::combined_wording(bracket).map(|t| AlternativeText {
                    sponsors: bracket
                        .alternatives
                        .iter()
                        .flat_map(|a| a.sponsors.iter())
                        .filter(|s| *s != NOC)
                        .cloned()
                        .collect(),
                    text: plenary_text::text_to_notation(&t),
                });
        }
    }
    order
        .into_iter()
        .filter_map(|id| {
            let mut h = all.remove(&id)?;
            if let Some((p, l)) = last.remove(&id) {
                h.provision = p;
                h.label = l;
            }
            Some(h)
        })
        .collect()
}
