//! The negotiation: from proposals to an adopted revision, every step on the public record.
//!
//! A delegation with the right to propose submits a [`Proposal`] on an instrument (a
//! numbered document). The chair or the secretariat compiles the proposals on an
//! instrument in a group into a [`Draft`] (the text engine's merge: agreed where they
//! agree, brackets labelled with sponsors where they differ). The group negotiates the
//! draft step by step (resolve, replace or open a bracket, edit agreed text, readings,
//! move or split); sponsors withdraw proposals or alternatives, which leave the text but
//! stay on the record ([`Withdrawal`]). A group's [`Report`] to its parent is generated
//! from the record and always carries every open bracket and every withdrawal of the
//! group. Adoption (by consensus or recorded vote) forwards a draft to the parent group;
//! the plenary's adoption records a new revision of the instrument. Every version of a
//! draft is kept ([`DraftVersion`]) for time travel and [`blame`].

pub mod blame;
pub mod history;
pub mod projection;
pub mod text_ops;

use std::collections::{BTreeMap, BTreeSet};

use plenary_text::{Instrument as Text, NOC};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::access::{Actor, Role};
use crate::documents::{DocumentKind, LanguageVersion, Series, Submission};
use crate::error::DomainError;
use crate::event::{Change, PendingEvent, Visibility};
use crate::model::{
    Conference, ConferenceId, Delegation, Group, GroupId, Instrument, InstrumentId, Language,
    Member, MemberCategory, MemberId, Revision, RevisionId, check_id,
};
use crate::projection::{DocKey, DocKind, DocSet};
use crate::rights::{ParticipantCategory, Right, rights_in};

pub use text_ops::{AlternativeText, LeftAlternative, OpenBracket};

/// Who acted, in which group, at which meeting: carried by every negotiation event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Occasion {
    /// The account that acted.
    pub by: String,
    /// The group in which it happened.
    pub group: GroupId,
    /// The meeting (e.g. `pp-14.adhoc-102.3`), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting: Option<String>,
}

/// What a proposal asks for, as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalInput {
    /// The conference.
    pub conference: ConferenceId,
    /// The group that is to consider it.
    pub group: GroupId,
    /// The instrument it amends (its latest revision is the base); `None` proposes a new
    /// instrument.
    #[serde(default)]
    pub instrument: Option<InstrumentId>,
    /// The document's title.
    pub title: String,
    /// The sponsoring members (member states, or regional telecommunication
    /// organisations for common proposals); the first is the submitter's own.
    pub sponsors: Vec<MemberId>,
    /// The instrument as the sponsors would have it, in the notation (`docs/notation.md`).
    pub text: String,
    /// Reasons per provision identity (`resolves.2`), shown with the amendment.
    #[serde(default)]
    pub reasons: BTreeMap<String, String>,
    /// The language of the text (default English).
    #[serde(default = "english")]
    pub language: Language,
}

fn english() -> Language {
    Language::English
}

/// One amendment of a proposal, as the record lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProposedAmendment {
    /// `ADD`, `MOD`, `SUP` or `NOC`.
    pub action: String,
    /// The provision's identity.
    pub provision: String,
    /// The sponsors' reason, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Where a proposal stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum ProposalStatus {
    /// Submitted, not yet compiled.
    Submitted,
    /// Compiled into a draft.
    Compiled {
        /// The draft.
        draft: String,
    },
    /// Withdrawn by its sponsors: out of the text, on the record.
    Withdrawn {
        /// Why, when they said.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// Who recorded the withdrawal.
        by: String,
    },
}

/// A proposal: a numbered document amending an instrument (or proposing a new one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Proposal {
    /// The id of its document (`pp-14.main-12`).
    pub id: String,
    /// The document symbol (`PP14/12`).
    pub symbol: String,
    /// The conference.
    pub conference: ConferenceId,
    /// The group that considers it.
    pub group: GroupId,
    /// The instrument amended; `None`: a new instrument.
    pub instrument: Option<InstrumentId>,
    /// The revision amended.
    pub base: Option<RevisionId>,
    /// The title.
    pub title: String,
    /// Sponsoring members.
    pub sponsors: Vec<MemberId>,
    /// The amended instrument, in the notation.
    pub text: String,
    /// Provisions the sponsors explicitly keep (NOC).
    pub noc: Vec<String>,
    /// ADD / MOD / SUP / NOC per provision, with reasons.
    pub amendments: Vec<ProposedAmendment>,
    /// Who submitted it.
    pub submitted_by: String,
    /// Where it stands.
    pub status: ProposalStatus,
}

impl Proposal {
    /// The labels its sponsors carry in brackets (`BRA`, `RCC`).
    pub fn labels(&self) -> Vec<String> {
        self.sponsors.iter().map(label).collect()
    }
}

/// The label of a member in brackets: its id in capitals.
pub fn label(member: &MemberId) -> String {
    member.as_str().to_ascii_uppercase()
}

/// First or second reading.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Reading {
    /// First reading.
    First,
    /// Second reading.
    Second,
}

/// A reading held in a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReadingRecord {
    /// Which.
    pub reading: Reading,
    /// Where and by whom.
    pub occasion: Occasion,
}

/// Something withdrawn: it left the text and stays on the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Withdrawal {
    /// The group in which it was withdrawn.
    pub group: GroupId,
    /// The proposal withdrawn (for a whole proposal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<String>,
    /// Its symbol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// The draft it was withdrawn from, when compiled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<String>,
    /// The sponsors who withdrew.
    pub sponsors: Vec<String>,
    /// The alternatives that left the text.
    pub left: Vec<LeftAlternative>,
    /// Why, when they said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Who recorded it.
    pub by: String,
}

/// Where a draft stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum DraftState {
    /// Under negotiation in its group.
    Negotiating,
    /// Adopted by the plenary: a revision of the instrument.
    Adopted {
        /// The revision it became.
        revision: RevisionId,
    },
    /// Rejected by a vote.
    NotAdopted,
}

/// Gives each paragraph added in negotiation (named after its proposal while negotiated:
/// `recognizing.c:citel`) the identity its final label gives it, where no other paragraph
/// has that identity, so that the adopted text reads as written by hand.
fn settle_identities(text: &mut Text, base_ids: &[String]) {
    let defaults = plenary_text::default_provision_ids(text);
    let mut taken: std::collections::HashSet<String> = text
        .provisions()
        .iter()
        .map(|(_, _, p)| p.id.clone())
        .collect();
    fn walk(
        list: &mut [plenary_text::Provision],
        defaults: &mut std::slice::Iter<'_, String>,
        base_ids: &[String],
        taken: &mut std::collections::HashSet<String>,
    ) {
        for p in list {
            if let Some(d) = defaults.next()
                && !base_ids.contains(&p.id)
                && *d != p.id
                && !taken.contains(d)
            {
                taken.remove(&p.id);
                taken.insert(d.clone());
                p.id = d.clone();
            }
            walk(&mut p.children, defaults, base_ids, taken);
        }
    }
    let mut iter = defaults.iter();
    for s in &mut text.sections {
        walk(&mut s.provisions, &mut iter, base_ids, &mut taken);
    }
}

/// A paragraph renumbered at adoption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Renumbered {
    /// The paragraph's identity.
    pub provision: String,
    /// Its label in the draft (`c bis)`).
    pub from: String,
    /// Its label in the revision (`d)`).
    pub to: String,
}

/// A negotiating text in a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Draft {
    /// Its id (`pp-14.draft-res-102`).
    pub id: String,
    /// The conference.
    pub conference: ConferenceId,
    /// The group it is in now.
    pub group: GroupId,
    /// The instrument it revises; `None`: a new instrument.
    pub instrument: Option<InstrumentId>,
    /// The revision it started from.
    pub base: Option<RevisionId>,
    /// The text, in the notation, brackets included.
    pub text: String,
    /// The proposals compiled into it.
    pub proposals: Vec<String>,
    /// Everything withdrawn from it.
    pub withdrawals: Vec<Withdrawal>,
    /// Readings held.
    pub readings: Vec<ReadingRecord>,
    /// The groups it has been in, in order (the current one last).
    pub path: Vec<GroupId>,
    /// Reports that carried it.
    pub reports: Vec<String>,
    /// Where it stands.
    pub state: DraftState,
    /// The adoptions decided on it, by consensus or recorded vote, with their counts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<DecisionRecord>,
    /// The highest bracket number (`b<n>`) its text has ever used, so that a new bracket
    /// never takes the identity of a closed one (kept by the projection).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub last_bracket: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A decision taken on a draft: how, the counts of a recorded vote, what followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DecisionRecord {
    /// By consensus, or the ballots of a recorded vote.
    pub decision: Decision,
    /// The counts of a recorded vote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tally: Option<Tally>,
    /// What followed.
    pub outcome: Outcome,
    /// Who recorded it, in which group, at which meeting.
    pub occasion: Occasion,
}

/// A draft as it stood after one event: the record behind time travel and blame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DraftVersion {
    /// The draft.
    pub draft: String,
    /// The event that made this version.
    pub seq: i64,
    /// The event's kind.
    pub kind: String,
    /// Who, where, when.
    pub occasion: Occasion,
    /// The proposals the event brought in (compilation) or took out (withdrawal).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proposals: Vec<String>,
    /// The text.
    pub text: String,
    /// The chair's step on the text, for a revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<Operation>,
    /// The withdrawal, for a proposal withdrawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal: Option<Withdrawal>,
}

/// The key of a draft version: `<draft>@<seq, 12 digits>` (sorts by seq).
pub fn version_id(draft: &str, seq: i64) -> String {
    format!("{draft}@{seq:012}")
}

/// A change to a draft's text, as the record names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "operation")]
pub enum Operation {
    /// A bracket was resolved by choosing one of its alternatives.
    BracketResolved {
        /// The bracket.
        bracket: String,
        /// The alternatives it had.
        alternatives: Vec<AlternativeText>,
        /// The one chosen.
        chosen: AlternativeText,
    },
    /// A bracket was replaced by compromise wording.
    BracketReplaced {
        /// The bracket.
        bracket: String,
        /// The alternatives it had.
        alternatives: Vec<AlternativeText>,
        /// The compromise.
        text: String,
        /// The proposals whose wordings the compromise combines, when it is the
        /// combination the draft suggested.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        combines: Vec<String>,
    },
    /// A bracket was opened on agreed text.
    BracketOpened {
        /// The new bracket.
        bracket: String,
        /// The provision.
        provision: String,
        /// The words put in question.
        words: String,
        /// Who objects.
        sponsors: Vec<String>,
        /// Their wording.
        alternative: String,
    },
    /// Agreed text was edited (brackets untouched).
    TextEdited {
        /// The provisions whose words changed, were added or removed.
        provisions: Vec<String>,
    },
    /// One alternative was withdrawn by (some of) its sponsors.
    AlternativeWithdrawn {
        /// The withdrawal.
        withdrawal: Withdrawal,
    },
}

/// How a group decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "by")]
pub enum Decision {
    /// By consensus (no objection).
    Consensus,
    /// By recorded vote.
    Vote {
        /// Each voting delegation's ballot, by member.
        votes: BTreeMap<MemberId, Ballot>,
    },
}

/// A ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Ballot {
    /// In favour.
    Yes,
    /// Against.
    No,
    /// Abstaining.
    Abstain,
}

/// The counts of a recorded vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Tally {
    /// In favour.
    pub yes: u32,
    /// Against.
    pub no: u32,
    /// Abstaining.
    pub abstain: u32,
}

impl Tally {
    fn of(votes: &BTreeMap<MemberId, Ballot>) -> Self {
        let count =
            |b| u32::try_from(votes.values().filter(|v| **v == b).count()).unwrap_or(u32::MAX);
        Self {
            yes: count(Ballot::Yes),
            no: count(Ballot::No),
            abstain: count(Ballot::Abstain),
        }
    }

    /// Adopted by a majority of those voting yes or no.
    pub fn carries(self) -> bool {
        self.yes > self.no
    }
}

/// What an adoption led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    /// Adopted by a group and forwarded to its parent.
    Forwarded {
        /// The parent group.
        to: GroupId,
    },
    /// Adopted by the plenary: a new revision.
    Adopted {
        /// The revision.
        revision: RevisionId,
        /// The paragraphs that took their final label: provisional labels of paragraphs
        /// added in negotiation (`c bis)`) and those after them, renumbered.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        renumbered: Vec<Renumbered>,
    },
    /// Rejected by vote.
    NotAdopted,
}

/// The open bracket of a reported draft and the draft's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReportedDraft {
    /// The draft.
    pub draft: String,
    /// Its title.
    pub title: String,
    /// Its text as reported.
    pub text: String,
    /// Every bracket still open.
    pub open_brackets: Vec<OpenBracket>,
}

/// A group's report to the group it answers to, generated from the record: every draft
/// in the group with every open bracket, every withdrawal in the group, and the chair's
/// narrative (which cannot take those parts away).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Report {
    /// The id of its document.
    pub id: String,
    /// Its symbol.
    pub symbol: String,
    /// The conference.
    pub conference: ConferenceId,
    /// The reporting group.
    pub group: GroupId,
    /// The group reported to.
    pub to: GroupId,
    /// The chair's narrative.
    pub narrative: String,
    /// The drafts, with their open brackets.
    pub drafts: Vec<ReportedDraft>,
    /// Every withdrawal recorded in the group.
    pub withdrawals: Vec<Withdrawal>,
    /// Who submitted it.
    pub submitted_by: String,
    /// When.
    #[schemars(with = "crate::schema::IsoDate")]
    pub submitted_on: Date,
}

/// What a group has on its negotiation record: the drafts in it now, the withdrawals made
/// in it, the reports it submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GroupRecord {
    /// Drafts under negotiation in the group now.
    pub drafts: Vec<String>,
    /// Withdrawals made in the group.
    pub withdrawals: Vec<Withdrawal>,
    /// Reports submitted by the group.
    pub reports: Vec<String>,
}

/// A matter referred to another organ, open until closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    /// Its id.
    pub id: String,
    /// The conference that referred it.
    pub conference: ConferenceId,
    /// The group that referred it.
    pub group: GroupId,
    /// The matter, in a sentence.
    pub matter: String,
    /// The organ it goes to (e.g. "ITU Council").
    pub referred_to: String,
    /// When it is due.
    #[schemars(with = "crate::schema::IsoDate")]
    pub due_on: Date,
    /// The draft it came from, if any.
    #[serde(default)]
    pub draft: Option<String>,
    /// Closed with this outcome; `None` while open.
    #[serde(default)]
    pub closed: Option<Closure>,
}

/// How a follow-up was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Closure {
    /// The day.
    #[schemars(with = "crate::schema::IsoDate")]
    pub on: Date,
    /// What became of it.
    pub outcome: String,
}

// ---------------------------------------------------------------------------------------
// Reading state inside `decide`.

/// Loads a document the decision needs, asking the store for it when not loaded yet.
pub(crate) fn need<T: serde::de::DeserializeOwned>(
    docs: &DocSet,
    kind: DocKind,
    id: &str,
) -> Result<T, DomainError> {
    maybe(docs, kind, id)?.ok_or_else(|| DomainError::NotFound {
        kind: kind.as_str().into(),
        id: id.into(),
    })
}

/// Like [`need`], for a document that may be absent.
pub(crate) fn maybe<T: serde::de::DeserializeOwned>(
    docs: &DocSet,
    kind: DocKind,
    id: &str,
) -> Result<Option<T>, DomainError> {
    let key = DocKey::new(kind, id);
    if !docs.is_loaded(&key) {
        return Err(DomainError::MustRead { keys: vec![key] });
    }
    docs.get(&key)
}

fn parse_text(field: &str, src: &str) -> Result<Text, DomainError> {
    plenary_text::parse(src).map_err(|e| {
        DomainError::invalid(
            field,
            format!("line {}, column {}: {}", e.line, e.column, e.message),
        )
    })
}

fn print(t: &Text) -> String {
    plenary_text::print(t)
}

/// The chair of the group, or the secretariat.
fn require_chair(actor: &Actor, group: &GroupId, what: &str) -> Result<(), DomainError> {
    if actor.is_secretariat()
        || actor
            .roles
            .iter()
            .any(|r| matches!(r, Role::Chair { group: g } if g == group))
    {
        return Ok(());
    }
    Err(DomainError::Forbidden {
        reason: format!(
            "only the chair of {group} or the secretariat may {what}; '{}' is neither",
            actor.id
        ),
    })
}

/// The members the actor acts for as a delegate.
fn delegate_of(actor: &Actor) -> Vec<&MemberId> {
    actor
        .roles
        .iter()
        .filter_map(|r| match r {
            Role::Delegate { member } => Some(member),
            _ => None,
        })
        .collect()
}

/// A member's rights in a group of a conference (none without a delegation).
fn rights_of(
    docs: &DocSet,
    conference: &Conference,
    group: &Group,
    member: &MemberId,
) -> Result<(Member, Option<Delegation>, BTreeSet<Right>), DomainError> {
    let m: Member = need(docs, DocKind::Member, member.as_str())?;
    let delegation: Option<Delegation> = maybe(
        docs,
        DocKind::Delegation,
        &format!("{}.{}", conference.id, member),
    )?;
    let rights = match &delegation {
        Some(d) => rights_in(
            ParticipantCategory::of(&m.category),
            &group.id,
            group.visibility,
            &conference.rights_rules,
            d.credentials,
        ),
        None => BTreeSet::new(),
    };
    Ok((m, delegation, rights))
}

fn is_regional_organisation(m: &Member) -> bool {
    matches!(
        ParticipantCategory::of(&m.category),
        ParticipantCategory::RegionalTelecommunicationOrganisation
    )
}

fn group_in(docs: &DocSet, conference: &ConferenceId, id: &GroupId) -> Result<Group, DomainError> {
    let g: Group = need(docs, DocKind::Group, id.as_str())?;
    if &g.conference != conference {
        return Err(DomainError::invalid(
            "group",
            format!("group '{id}' belongs to another conference"),
        ));
    }
    Ok(g)
}

/// Who acted, in which group, at which meeting. A meeting named must be scheduled, and be
/// a meeting of that group.
fn occasion(
    docs: &DocSet,
    actor: &Actor,
    group: &GroupId,
    meeting: &Option<String>,
) -> Result<Occasion, DomainError> {
    if let Some(m) = meeting {
        check_id("meeting", m)?;
        let Some(found) = maybe::<crate::meetings::Meeting>(docs, DocKind::Meeting, m)? else {
            return Err(DomainError::invalid(
                "meeting",
                format!("no meeting '{m}' is scheduled"),
            ));
        };
        if &found.group != group {
            return Err(DomainError::invalid(
                "meeting",
                format!(
                    "meeting '{m}' is a meeting of {}, not of {group}",
                    found.group
                ),
            ));
        }
    }
    Ok(Occasion {
        by: actor.id.clone(),
        group: group.clone(),
        meeting: meeting.clone(),
    })
}

/// The day a step took place: the day its meeting began (in the venue's time), or today
/// when it names no meeting. A meeting that has not begun yet cannot have taken a step.
fn held_on(docs: &DocSet, meeting: &Option<String>, today: Date) -> Result<Date, DomainError> {
    let Some(m) = meeting else {
        return Ok(today);
    };
    let found: crate::meetings::Meeting = need(docs, DocKind::Meeting, m)?;
    let day = found.starts_at.date();
    if day > today {
        return Err(DomainError::invalid(
            "meeting",
            format!("meeting '{m}' has not taken place yet: it begins on {day}"),
        ));
    }
    Ok(day)
}

fn negotiating(draft: &Draft) -> Result<(), DomainError> {
    match &draft.state {
        DraftState::Negotiating => Ok(()),
        DraftState::Adopted { revision } => Err(DomainError::invalid(
            "draft",
            format!(
                "{} was adopted as {revision}; it can no longer change",
                draft.id
            ),
        )),
        DraftState::NotAdopted => Err(DomainError::invalid(
            "draft",
            format!("{} was rejected by vote; it can no longer change", draft.id),
        )),
    }
}

fn opt_text(field: &str, value: &Option<String>) -> Result<(), DomainError> {
    if let Some(v) = value
        && (v.trim().is_empty() || v.chars().count() > 2000)
    {
        return Err(DomainError::invalid(
            field,
            "when given, 1 to 2000 characters",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Decisions.

/// Submits a proposal: checks the sponsors' and the submitter's right to propose in the
/// group, computes its amendments against the instrument's latest revision, and numbers
/// it as a contribution in the conference's main series.
pub(crate) fn submit_proposal(
    actor: &Actor,
    input: &ProposalInput,
    docs: &DocSet,
    today: Date,
) -> Result<Vec<PendingEvent>, DomainError> {
    let conference: Conference = need(docs, DocKind::Conference, input.conference.as_str())?;
    let group = group_in(docs, &input.conference, &input.group)?;
    if input.sponsors.is_empty() {
        return Err(DomainError::invalid(
            "sponsors",
            "a proposal needs at least one sponsor",
        ));
    }
    for (i, s) in input.sponsors.iter().enumerate() {
        if input.sponsors[..i].contains(s) {
            return Err(DomainError::invalid(
                "sponsors",
                format!("'{s}' is listed twice"),
            ));
        }
        let (m, delegation, rights) = rights_of(docs, &conference, &group, s)?;
        if is_regional_organisation(&m) {
            continue;
        }
        if !rights.contains(&Right::Propose) {
            let why = match (&m.category, delegation) {
                (_, None) => format!("{} has no delegation at {}", m.name, conference.short_name),
                (MemberCategory::Observer { .. }, _) => {
                    format!(
                        "{} is an observer, and observers may not make proposals",
                        m.name
                    )
                }
                _ => format!(
                    "{} has no right to make proposals in {}",
                    m.name, group.short_name
                ),
            };
            return Err(DomainError::Forbidden {
                reason: format!("sponsors: {why}"),
            });
        }
    }
    if !actor.is_secretariat() {
        let mine = delegate_of(actor);
        if !input.sponsors.iter().any(|s| mine.contains(&s)) {
            return Err(DomainError::Forbidden {
                reason: format!(
                    "'{}' may submit proposals only for a member whose delegate it is, among the sponsors",
                    actor.id
                ),
            });
        }
    }
    let proposed = parse_text("text", &input.text)?;
    let (base, base_text) = match &input.instrument {
        Some(id) => {
            let instrument: Instrument = need(docs, DocKind::Instrument, id.as_str())?;
            let Some(latest) = instrument.revisions.last() else {
                return Err(DomainError::invalid(
                    "instrument",
                    format!("{id} has no revision to amend yet"),
                ));
            };
            let rev: Revision = need(docs, DocKind::Revision, latest.id.as_str())?;
            let base = parse_text("instrument", &rev.text)?;
            if !base.kind.eq_ignore_ascii_case(&proposed.kind) || base.number != proposed.number {
                return Err(DomainError::invalid(
                    "text",
                    format!(
                        "amends {} {}, but the instrument is {} {}",
                        proposed.kind, proposed.number, base.kind, base.number
                    ),
                ));
            }
            (Some(latest.id.clone()), Some(base))
        }
        None => (None, None),
    };
    let mut amendments = match &base_text {
        Some(b) => plenary_text::amend::amendments_between(b, &proposed),
        None => Vec::new(),
    };
    let noc = plenary_text::Proposal::from_instrument(proposed.clone()).noc;
    if base_text.is_some() {
        amendments.retain(|a| a.action() != "NOC");
        if amendments.is_empty() {
            return Err(DomainError::invalid(
                "text",
                "proposes no change to the instrument",
            ));
        }
    }
    let mut listed: Vec<ProposedAmendment> = amendments
        .iter()
        .map(|a| ProposedAmendment {
            action: a.action().to_owned(),
            provision: a.target().to_owned(),
            reason: None,
        })
        .collect();
    if base_text.is_none() {
        listed = proposed
            .provisions()
            .into_iter()
            .map(|(_, _, p)| ProposedAmendment {
                action: "ADD".into(),
                provision: p.id.clone(),
                reason: None,
            })
            .collect();
    }
    for id in &noc {
        listed.push(ProposedAmendment {
            action: "NOC".into(),
            provision: id.clone(),
            reason: None,
        });
    }
    for (provision, reason) in &input.reasons {
        let Some(a) = listed.iter_mut().find(|a| &a.provision == provision) else {
            return Err(DomainError::invalid(
                format!("reasons.{provision}"),
                "the proposal does not amend this provision",
            ));
        };
        opt_text(&format!("reasons.{provision}"), &Some(reason.clone()))?;
        a.reason = Some(reason.clone());
    }
    let (mut events, document) = number(
        Submission {
            conference: input.conference.clone(),
            series: Series::Main,
            kind: DocumentKind::Contribution,
            title: input.title.clone(),
            sponsors: input.sponsors.clone(),
            group: Some(input.group.clone()),
            relation: None,
            versions: vec![LanguageVersion {
                language: input.language,
                text: Some(input.text.clone()),
                file: None,
            }],
            restriction: None,
        },
        docs,
        today,
    )?;
    let proposal = Proposal {
        id: document.id.clone(),
        symbol: document.symbol.clone(),
        conference: input.conference.clone(),
        group: input.group.clone(),
        instrument: input.instrument.clone(),
        base,
        title: input.title.clone(),
        sponsors: input.sponsors.clone(),
        text: print(&proposed),
        noc,
        amendments: listed,
        submitted_by: actor.id.clone(),
        status: ProposalStatus::Submitted,
    };
    let scope = crate::documents::scope_of(&proposal.id);
    events.push(PendingEvent {
        change: Change::ProposalSubmitted(proposal),
        visibility: Visibility::Restricted(scope),
    });
    Ok(events)
}

/// Numbers a submission in its conference's series: the `document.submitted` event and
/// the numbered document.
fn number(
    submission: Submission,
    docs: &DocSet,
    today: Date,
) -> Result<(Vec<PendingEvent>, crate::documents::Document), DomainError> {
    let events = crate::command::submit(&submission, docs, today)?;
    match events.first().map(|e| &e.change) {
        Some(Change::DocumentSubmitted(document)) => {
            let document = document.clone();
            Ok((events, document))
        }
        _ => Err(DomainError::invalid("document", "could not be numbered")),
    }
}

/// What compiling needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Compilation {
    /// The new draft's id.
    pub id: String,
    /// The conference.
    pub conference: ConferenceId,
    /// The group that will negotiate it.
    pub group: GroupId,
    /// The instrument (all proposals must amend it; `None`: proposals for a new one).
    #[serde(default)]
    pub instrument: Option<InstrumentId>,
    /// The proposals to compile (at least one).
    pub proposals: Vec<String>,
    /// The meeting.
    #[serde(default)]
    pub meeting: Option<String>,
}

/// Compiles proposals into one negotiating text.
pub(crate) fn compile(
    actor: &Actor,
    c: &Compilation,
    docs: &DocSet,
) -> Result<Vec<PendingEvent>, DomainError> {
    check_id("id", &c.id)?;
    if maybe::<Draft>(docs, DocKind::Draft, &c.id)?.is_some() {
        return Err(DomainError::AlreadyExists {
            kind: "draft".into(),
            id: c.id.clone(),
        });
    }
    let _conference: Conference = need(docs, DocKind::Conference, c.conference.as_str())?;
    group_in(docs, &c.conference, &c.group)?;
    require_chair(actor, &c.group, "compile proposals")?;
    if c.proposals.is_empty() {
        return Err(DomainError::invalid(
            "proposals",
            "at least one proposal is needed",
        ));
    }
    let base: Option<(RevisionId, Text)> = match &c.instrument {
        Some(id) => {
            let instrument: Instrument = need(docs, DocKind::Instrument, id.as_str())?;
            let latest = instrument.revisions.last().ok_or_else(|| {
                DomainError::invalid("instrument", format!("{id} has no revision"))
            })?;
            let rev: Revision = need(docs, DocKind::Revision, latest.id.as_str())?;
            Some((latest.id.clone(), parse_text("instrument", &rev.text)?))
        }
        None => None,
    };
    let mut merged_in = Vec::new();
    for (i, pid) in c.proposals.iter().enumerate() {
        let field = format!("proposals[{i}]");
        if c.proposals[..i].contains(pid) {
            return Err(DomainError::invalid(field, "is listed twice"));
        }
        let p: Proposal = need(docs, DocKind::Proposal, pid)?;
        if p.conference != c.conference {
            return Err(DomainError::invalid(field, "belongs to another conference"));
        }
        match &p.status {
            ProposalStatus::Submitted => {}
            ProposalStatus::Compiled { draft } => {
                return Err(DomainError::invalid(
                    field,
                    format!("{} is already compiled into {draft}", p.symbol),
                ));
            }
            ProposalStatus::Withdrawn { .. } => {
                return Err(DomainError::invalid(
                    field,
                    format!(
                        "{} was withdrawn; withdrawn proposals stay out of the text",
                        p.symbol
                    ),
                ));
            }
        }
        if p.instrument != c.instrument {
            return Err(DomainError::invalid(
                field,
                format!("{} concerns another instrument", p.symbol),
            ));
        }
        if p.base.as_ref() != base.as_ref().map(|b| &b.0) {
            return Err(DomainError::invalid(
                field,
                format!(
                    "{} amends an earlier revision than the instrument's latest",
                    p.symbol
                ),
            ));
        }
        let mut text = parse_text(&field, &p.text)?;
        text.metadata.retain(|m| m.key.eq_ignore_ascii_case("noc"));
        merged_in.push((
            p.id.clone(),
            plenary_text::Proposal {
                sponsors: p.labels(),
                noc: p.noc.clone(),
                text,
            },
        ));
    }
    let proposals: Vec<plenary_text::Proposal> = merged_in.iter().map(|(_, p)| p.clone()).collect();
    let base_text = match &base {
        Some((_, t)) => t.clone(),
        None => blank_base(&proposals[0].text),
    };
    let text = compile_text(&base_text, &proposals, base.is_some());
    let draft = Draft {
        id: c.id.clone(),
        conference: c.conference.clone(),
        group: c.group.clone(),
        instrument: c.instrument.clone(),
        base: base.map(|b| b.0),
        text: print(&text),
        proposals: c.proposals.clone(),
        withdrawals: Vec::new(),
        readings: Vec::new(),
        path: vec![c.group.clone()],
        reports: Vec::new(),
        state: DraftState::Negotiating,
        decisions: Vec::new(),
        last_bracket: 0,
    };
    Ok(vec![PendingEvent::public(Change::DraftCompiled {
        draft,
        occasion: occasion(docs, actor, &c.group, &c.meeting)?,
    })])
}

/// The empty instrument proposals for a new instrument are merged onto.
fn blank_base(first: &Text) -> Text {
    Text::new(
        &first.kind,
        &first.number,
        first.revision.as_deref(),
        &first.title,
    )
}

/// The negotiating text of `proposals` on `base`: the text engine's merge, agreed where
/// they agree and bracketed where they differ; where they disagree on a provision of the
/// base, its base wording joins the brackets (labelled NOC), so that a withdrawal can
/// always fall back on it.
fn compile_text(base: &Text, proposals: &[plenary_text::Proposal], has_base: bool) -> Text {
    if proposals.is_empty() {
        return base.clone();
    }
    let stable = plenary_text::Identities::Stable;
    let mut text = plenary_text::merge_with(base, proposals, stable);
    if has_base {
        let disputed: Vec<String> = text_ops::open_brackets(&text)
            .into_iter()
            .filter_map(|b| b.provision)
            .filter(|p| base.provision(p).is_some())
            .collect();
        if !disputed.is_empty() {
            let mut with_base = proposals.to_vec();
            with_base.push(plenary_text::Proposal {
                sponsors: vec![NOC.to_owned()],
                text: base.clone(),
                noc: disputed,
            });
            text = plenary_text::merge_with(base, &with_base, stable);
        }
    }
    text.metadata = base.metadata.clone();
    text
}

/// A proposal as the text engine merges it.
fn mergeable(p: &Proposal) -> Result<plenary_text::Proposal, DomainError> {
    let mut text = parse_text("proposal", &p.text)?;
    text.metadata.retain(|m| m.key.eq_ignore_ascii_case("noc"));
    Ok(plenary_text::Proposal {
        sponsors: p.labels(),
        noc: p.noc.clone(),
        text,
    })
}

/// Takes a withdrawn proposal's contribution out of a draft, and returns exactly the
/// words that it alone brought.
///
/// A provision no step has touched since compilation gets the wording the compilation
/// would have without the proposal: a change or a paragraph it alone brought leaves, a
/// paragraph it alone suppressed comes back, and what other proposals also brought stays
/// with them. In provisions negotiated since, the proposal's sponsors leave every
/// alternative and every paragraph's list of proposers; what the chair has made the
/// group's text stays.
fn take_out(
    current: &mut Text,
    withdrawn: &Proposal,
    live: &[Proposal],
    base: Option<&Text>,
    last_bracket: usize,
) -> Result<Vec<LeftAlternative>, DomainError> {
    let mut with: Vec<plenary_text::Proposal> = Vec::new();
    let mut without = Vec::new();
    for p in live {
        let m = mergeable(p)?;
        if p.id != withdrawn.id {
            without.push(m.clone());
        }
        with.push(m);
    }
    let base_text = match base {
        Some(b) => b.clone(),
        None => blank_base(&mergeable(withdrawn)?.text),
    };
    let a_text = compile_text(&base_text, &with, base.is_some());
    let b_text = compile_text(&base_text, &without, base.is_some());
    let labels = withdrawn.labels();
    let same = |x: &plenary_text::Provision, y: &plenary_text::Provision| {
        text_ops::without_bracket_ids(&x.text) == text_ops::without_bracket_ids(&y.text)
            && x.children.len() == y.children.len()
            && x.label == y.label
            && x.sponsors == y.sponsors
    };
    let mut left = Vec::new();
    let mut untouched: Vec<String> = Vec::new();
    let ids: Vec<String> = current
        .provisions()
        .into_iter()
        .map(|(_, _, p)| p.id.clone())
        .collect();
    for id in ids {
        let (Some(a), Some(c)) = (a_text.provision(&id), current.provision(&id)) else {
            continue;
        };
        if !same(a, c) {
            continue;
        }
        untouched.push(id.clone());
        left.extend(text_ops::words_of(c, &labels));
        match b_text.provision(&id) {
            Some(b) => {
                let mut wording = b.text.clone();
                let (label, sponsors) = (b.label.clone(), b.sponsors.clone());
                let old = c.text.clone();
                text_ops::keep_bracket_ids(&mut wording, &old, current, last_bracket);
                if let Some(target) = text_ops::provision_mut(current, &id) {
                    target.text = wording;
                    target.label = label;
                    target.sponsors = sponsors;
                }
            }
            None => {
                text_ops::remove_provision(current, &id);
            }
        }
    }
    // What the compilation without the proposal has and the one with it had not comes
    // in where it stands: a paragraph of the base the proposal alone suppressed (which
    // the withdrawal records), or another proposal's paragraph that shared a place with
    // the proposal's.
    for (_, _, b) in b_text.provisions() {
        if a_text.provision(&b.id).is_none()
            && current.provision(&b.id).is_none()
            && text_ops::restore_provision(current, &b_text, &b.id)
            && base.is_some_and(|t| t.provision(&b.id).is_some())
        {
            left.push(LeftAlternative {
                bracket: String::new(),
                provision: Some(b.id.clone()),
                sponsors: labels.clone(),
                text: String::new(),
            });
        }
    }
    left.extend(text_ops::withdraw_sponsors_except(
        current, &labels, base, &untouched,
    ));
    // Sections stand as the compilation without the proposal has them: one left without
    // paragraphs stays only where that compilation keeps it.
    for (k, sec) in b_text.sections.iter().enumerate() {
        if sec.provisions.is_empty() && !current.sections.iter().any(|x| x.heading == sec.heading) {
            let at = k
                .checked_sub(1)
                .and_then(|prev| {
                    current
                        .sections
                        .iter()
                        .position(|x| x.heading == b_text.sections[prev].heading)
                })
                .map_or(0, |p| p + 1);
            current.sections.insert(at, sec.clone());
        }
    }
    current.sections.retain(|s| {
        !s.provisions.is_empty() || b_text.sections.iter().any(|x| x.heading == s.heading)
    });
    Ok(left)
}

/// A step on a draft's text by its group's chair (or the secretariat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "step", deny_unknown_fields)]
pub enum TextStep {
    /// Choose one alternative of a bracket (`alternative`: 1 for the first).
    ResolveBracket {
        /// The bracket.
        bracket: String,
        /// Which alternative, from 1.
        alternative: usize,
    },
    /// Replace a bracket with compromise wording (inline notation).
    ReplaceBracket {
        /// The bracket.
        bracket: String,
        /// The compromise.
        text: String,
        /// The proposals whose wordings it combines.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        combines: Vec<String>,
    },
    /// Open a bracket on agreed words, for the delegations that object.
    OpenBracket {
        /// The provision.
        provision: String,
        /// The agreed words put in question (must occur once in the provision).
        words: String,
        /// The objectors' wording (empty: they propose deletion).
        #[serde(default)]
        alternative: String,
        /// Who objects (at least one).
        sponsors: Vec<MemberId>,
    },
    /// Replace the whole text, changing agreed words only: every open bracket must stay
    /// as it is, and no bracket may be added (open one with `open_bracket`).
    EditText {
        /// The new text in the notation.
        text: String,
    },
}

/// Applies a text step to a draft.
pub(crate) fn revise(
    actor: &Actor,
    draft_id: &str,
    step: &TextStep,
    meeting: &Option<String>,
    docs: &DocSet,
) -> Result<Vec<PendingEvent>, DomainError> {
    let draft: Draft = need(docs, DocKind::Draft, draft_id)?;
    require_chair(actor, &draft.group, "change a draft's text")?;
    negotiating(&draft)?;
    let mut text = parse_text("draft", &draft.text)?;
    let gone = |bracket: &str| -> DomainError {
        let withdrawn = draft
            .withdrawals
            .iter()
            .any(|w| w.left.iter().any(|l| l.bracket == bracket));
        if withdrawn {
            DomainError::invalid(
                "bracket",
                format!(
                    "'{bracket}' left the text when its sponsors withdrew; a withdrawn item cannot be resolved"
                ),
            )
        } else {
            DomainError::invalid(
                "bracket",
                format!("no open bracket '{bracket}' in {}", draft.id),
            )
        }
    };
    let operation = match step {
        TextStep::ResolveBracket {
            bracket,
            alternative,
        } => {
            let b = text_ops::find_bracket(&text, bracket)
                .cloned()
                .ok_or_else(|| gone(bracket))?;
            let chosen = alternative
                .checked_sub(1)
                .and_then(|k| b.alternatives.get(k))
                .cloned()
                .ok_or_else(|| {
                    DomainError::invalid(
                        "alternative",
                        format!("'{bracket}' has alternatives 1 to {}", b.alternatives.len()),
                    )
                })?;
            text_ops::replace_bracket(&mut text, bracket, &chosen.text)?;
            Operation::BracketResolved {
                bracket: bracket.clone(),
                alternatives: b.alternatives.iter().map(alt).collect(),
                chosen: alt(&chosen),
            }
        }
        TextStep::ReplaceBracket {
            bracket,
            text: words,
            combines,
        } => {
            let b = text_ops::find_bracket(&text, bracket)
                .cloned()
                .ok_or_else(|| gone(bracket))?;
            let compromise = text_ops::parse_inline("text", words)?;
            if compromise.has_brackets() {
                return Err(DomainError::invalid("text", "a compromise has no brackets"));
            }
            for (i, pid) in combines.iter().enumerate() {
                let field = format!("combines[{i}]");
                if combines[..i].contains(pid) {
                    return Err(DomainError::invalid(field, "is listed twice"));
                }
                if !draft.proposals.contains(pid) {
                    return Err(DomainError::invalid(
                        field,
                        format!("'{pid}' is not a proposal compiled into {}", draft.id),
                    ));
                }
                let p: Proposal = need(docs, DocKind::Proposal, pid)?;
                let labels = p.labels();
                let behind = b
                    .alternatives
                    .iter()
                    .any(|a| a.sponsors.iter().any(|s| labels.contains(s)));
                if !behind {
                    return Err(DomainError::invalid(
                        field,
                        format!("{} has no alternative in '{bracket}'", p.symbol),
                    ));
                }
            }
            text_ops::replace_bracket(&mut text, bracket, &compromise)?;
            Operation::BracketReplaced {
                bracket: bracket.clone(),
                alternatives: b.alternatives.iter().map(alt).collect(),
                text: plenary_text::text_to_notation(&compromise),
                combines: combines.clone(),
            }
        }
        TextStep::OpenBracket {
            provision,
            words,
            alternative,
            sponsors,
        } => {
            if sponsors.is_empty() {
                return Err(DomainError::invalid(
                    "sponsors",
                    "a bracket on agreed text needs the delegations that object",
                ));
            }
            let conference: Conference =
                need(docs, DocKind::Conference, draft.conference.as_str())?;
            let group: Group = need(docs, DocKind::Group, draft.group.as_str())?;
            for s in sponsors {
                let (m, _, rights) = rights_of(docs, &conference, &group, s)?;
                if !rights.contains(&Right::Propose) && !is_regional_organisation(&m) {
                    return Err(DomainError::Forbidden {
                        reason: format!(
                            "sponsors: {} may not make proposals in {}",
                            m.name, group.short_name
                        ),
                    });
                }
            }
            let wording = text_ops::parse_inline("alternative", alternative)?;
            let id = text_ops::next_bracket_id_after(&text, draft.last_bracket);
            let labels: Vec<String> = sponsors.iter().map(label).collect();
            text_ops::open_bracket(
                &mut text,
                provision,
                words,
                wording.clone(),
                labels.clone(),
                id.clone(),
            )?;
            Operation::BracketOpened {
                bracket: id,
                provision: provision.clone(),
                words: words.split_whitespace().collect::<Vec<_>>().join(" "),
                sponsors: labels,
                alternative: plenary_text::text_to_notation(&wording),
            }
        }
        TextStep::EditText { text: src } => {
            let edited = parse_text("text", src)?;
            if text_ops::bracket_set(&edited) != text_ops::bracket_set(&text) {
                return Err(DomainError::invalid(
                    "text",
                    "an edit of agreed text must leave every open bracket as it is and add none",
                ));
            }
            if !edited.kind.eq_ignore_ascii_case(&text.kind) || edited.number != text.number {
                return Err(DomainError::invalid(
                    "text",
                    "must stay the same instrument",
                ));
            }
            let d = plenary_text::diff(&text, &edited);
            let provisions: Vec<String> = d
                .sections
                .iter()
                .flat_map(|s| s.entries.iter())
                .filter(|e| e.status != plenary_text::Status::Unchanged)
                .filter_map(|e| e.new.as_ref().or(e.old.as_ref()).map(|s| s.id.to_string()))
                .collect();
            if edited == text {
                return Err(DomainError::invalid("text", "changes nothing"));
            }
            text = edited;
            Operation::TextEdited { provisions }
        }
    };
    text_ops::drop_empty_provisions(&mut text);
    Ok(vec![PendingEvent::public(Change::DraftRevised {
        draft: draft.id.clone(),
        operation,
        text: print(&text),
        occasion: occasion(docs, actor, &draft.group, meeting)?,
    })])
}

fn alt(a: &plenary_text::Alternative) -> AlternativeText {
    AlternativeText {
        sponsors: a.sponsors.clone(),
        text: plenary_text::text_to_notation(&a.text),
    }
}

/// Withdraws a whole proposal, by its sponsors (or the secretariat for them).
pub(crate) fn withdraw_proposal(
    actor: &Actor,
    proposal_id: &str,
    reason: &Option<String>,
    docs: &DocSet,
) -> Result<Vec<PendingEvent>, DomainError> {
    opt_text("reason", reason)?;
    let p: Proposal = need(docs, DocKind::Proposal, proposal_id)?;
    if !actor.is_secretariat() && !delegate_of(actor).iter().any(|m| p.sponsors.contains(m)) {
        return Err(DomainError::Forbidden {
            reason: format!(
                "only a sponsor of {} (or the secretariat) may withdraw it; '{}' is not",
                p.symbol, actor.id
            ),
        });
    }
    let (draft, group) = match &p.status {
        ProposalStatus::Withdrawn { .. } => {
            return Err(DomainError::invalid(
                "proposal",
                format!("{} was already withdrawn", p.symbol),
            ));
        }
        ProposalStatus::Submitted => (None, p.group.clone()),
        ProposalStatus::Compiled { draft } => {
            let d: Draft = need(docs, DocKind::Draft, draft)?;
            negotiating(&d)?;
            let g = d.group.clone();
            (Some(d), g)
        }
    };
    let mut left = Vec::new();
    let mut new_text = None;
    if let Some(d) = &draft {
        let mut text = parse_text("draft", &d.text)?;
        let base = match &d.base {
            Some(r) => Some(parse_text(
                "base",
                &need::<Revision>(docs, DocKind::Revision, r.as_str())?.text,
            )?),
            None => None,
        };
        let mut live = Vec::new();
        for id in &d.proposals {
            let q: Proposal = need(docs, DocKind::Proposal, id)?;
            if !matches!(q.status, ProposalStatus::Withdrawn { .. }) {
                live.push(q);
            }
        }
        left = take_out(&mut text, &p, &live, base.as_ref(), d.last_bracket)?;
        new_text = Some(print(&text));
    }
    let withdrawal = Withdrawal {
        group: group.clone(),
        proposal: Some(p.id.clone()),
        symbol: Some(p.symbol.clone()),
        draft: draft.as_ref().map(|d| d.id.clone()),
        sponsors: p.labels(),
        left,
        reason: reason.clone(),
        by: actor.id.clone(),
    };
    Ok(vec![PendingEvent::public(Change::ProposalWithdrawn {
        proposal: p.id.clone(),
        withdrawal,
        text: new_text,
        occasion: occasion(docs, actor, &group, &None)?,
    })])
}

/// Withdraws one alternative of a bracket: by a delegate of one of its sponsors (for
/// that sponsor), or by the chair or secretariat for all of them.
pub(crate) fn withdraw_alternative(
    actor: &Actor,
    draft_id: &str,
    bracket: &str,
    alternative: usize,
    reason: &Option<String>,
    meeting: &Option<String>,
    docs: &DocSet,
) -> Result<Vec<PendingEvent>, DomainError> {
    opt_text("reason", reason)?;
    let draft: Draft = need(docs, DocKind::Draft, draft_id)?;
    negotiating(&draft)?;
    let mut text = parse_text("draft", &draft.text)?;
    let b = text_ops::find_bracket(&text, bracket)
        .cloned()
        .ok_or_else(|| DomainError::invalid("bracket", format!("no open bracket '{bracket}'")))?;
    let a = alternative
        .checked_sub(1)
        .and_then(|k| b.alternatives.get(k))
        .cloned()
        .ok_or_else(|| {
            DomainError::invalid(
                "alternative",
                format!("'{bracket}' has alternatives 1 to {}", b.alternatives.len()),
            )
        })?;
    if a.sponsors.iter().all(|s| s == NOC) {
        return Err(DomainError::invalid(
            "alternative",
            "the base wording (NOC) is no one's to withdraw; resolve the bracket instead",
        ));
    }
    let chair = require_chair(actor, &draft.group, "withdraw for others").is_ok();
    let withdrawing: Vec<String> = if chair {
        a.sponsors.iter().filter(|s| *s != NOC).cloned().collect()
    } else {
        let mine: Vec<String> = delegate_of(actor).into_iter().map(label).collect();
        let w: Vec<String> = a
            .sponsors
            .iter()
            .filter(|s| mine.contains(s))
            .cloned()
            .collect();
        if w.is_empty() {
            return Err(DomainError::Forbidden {
                reason: format!(
                    "only its sponsors, the chair of {} or the secretariat may withdraw this alternative",
                    draft.group
                ),
            });
        }
        w
    };
    let left =
        text_ops::withdraw_from_alternative(&mut text, &withdrawing, bracket, alternative - 1);
    let withdrawal = Withdrawal {
        group: draft.group.clone(),
        proposal: None,
        symbol: None,
        draft: Some(draft.id.clone()),
        sponsors: withdrawing,
        left,
        reason: reason.clone(),
        by: actor.id.clone(),
    };
    Ok(vec![PendingEvent::public(Change::DraftRevised {
        draft: draft.id.clone(),
        operation: Operation::AlternativeWithdrawn { withdrawal },
        text: print(&text),
        occasion: occasion(docs, actor, &draft.group, meeting)?,
    })])
}

/// Records a reading of a draft in its group.
pub(crate) fn record_reading(
    actor: &Actor,
    draft_id: &str,
    reading: Reading,
    meeting: &Option<String>,
    docs: &DocSet,
) -> Result<Vec<PendingEvent>, DomainError> {
    let draft: Draft = need(docs, DocKind::Draft, draft_id)?;
    require_chair(actor, &draft.group, "record a reading")?;
    negotiating(&draft)?;
    let held = |r: Reading| {
        draft
            .readings
            .iter()
            .any(|x| x.reading == r && x.occasion.group == draft.group)
    };
    if held(reading) {
        return Err(DomainError::invalid(
            "reading",
            format!(
                "the {reading:?} reading was already held in {}",
                draft.group
            )
            .to_lowercase(),
        ));
    }
    if reading == Reading::Second && !held(Reading::First) {
        return Err(DomainError::invalid(
            "reading",
            "a second reading follows a first one",
        ));
    }
    Ok(vec![PendingEvent::public(Change::ReadingRecorded {
        draft: draft.id.clone(),
        reading,
        occasion: occasion(docs, actor, &draft.group, meeting)?,
    })])
}

/// Moves a draft to another group of the conference, or splits some provisions off into
/// a new draft there.
pub(crate) fn move_draft(
    actor: &Actor,
    draft_id: &str,
    to: &GroupId,
    split: Option<(&str, &[String])>,
    meeting: &Option<String>,
    docs: &DocSet,
) -> Result<Vec<PendingEvent>, DomainError> {
    let draft: Draft = need(docs, DocKind::Draft, draft_id)?;
    require_chair(actor, &draft.group, "move a draft")?;
    negotiating(&draft)?;
    group_in(docs, &draft.conference, to)?;
    let occ = occasion(docs, actor, &draft.group, meeting)?;
    let Some((new_id, provisions)) = split else {
        if to == &draft.group {
            return Err(DomainError::invalid(
                "to",
                "the draft is in that group already",
            ));
        }
        return Ok(vec![PendingEvent::public(Change::DraftMoved {
            draft: draft.id.clone(),
            to: to.clone(),
            occasion: occ,
        })]);
    };
    check_id("id", new_id)?;
    if maybe::<Draft>(docs, DocKind::Draft, new_id)?.is_some() {
        return Err(DomainError::AlreadyExists {
            kind: "draft".into(),
            id: new_id.into(),
        });
    }
    if provisions.is_empty() {
        return Err(DomainError::invalid(
            "provisions",
            "name at least one provision to split off",
        ));
    }
    let text = parse_text("draft", &draft.text)?;
    for (i, p) in provisions.iter().enumerate() {
        if text.provision(p).is_none() {
            return Err(DomainError::invalid(
                format!("provisions[{i}]"),
                format!("no provision '{p}' in {}", draft.id),
            ));
        }
    }
    let keep = |inst: &Text, take: bool| {
        let mut out = inst.clone();
        for s in &mut out.sections {
            s.provisions.retain(|p| provisions.contains(&p.id) == take);
        }
        out.sections.retain(|s| !s.provisions.is_empty());
        out
    };
    let remaining = keep(&text, false);
    let moved = keep(&text, true);
    if moved.provisions().len() != provisions.len() {
        return Err(DomainError::invalid(
            "provisions",
            "only paragraphs (not their sub-items) can be split off",
        ));
    }
    let new = Draft {
        id: new_id.to_owned(),
        group: to.clone(),
        text: print(&moved),
        withdrawals: Vec::new(),
        readings: Vec::new(),
        path: vec![to.clone()],
        reports: Vec::new(),
        decisions: Vec::new(),
        // The projection keeps it from the text; the event carries the draft as compiled.
        last_bracket: 0,
        ..draft.clone()
    };
    Ok(vec![PendingEvent::public(Change::DraftSplit {
        draft: draft.id.clone(),
        text: print(&remaining),
        new,
        occasion: occ,
    })])
}

/// Submits a group's report to the group it answers to. The report's content is taken
/// from the record; the chair adds only the narrative.
pub(crate) fn submit_report(
    actor: &Actor,
    group_id: &GroupId,
    narrative: &str,
    meeting: &Option<String>,
    docs: &DocSet,
    today: Date,
) -> Result<Vec<PendingEvent>, DomainError> {
    let group: Group = need(docs, DocKind::Group, group_id.as_str())?;
    require_chair(actor, group_id, "submit the group's report")?;
    let to = group
        .reporting
        .as_ref()
        .map(|r| r.to.clone())
        .or_else(|| group.parent.clone())
        .ok_or_else(|| DomainError::invalid("group", "the plenary reports to no group"))?;
    if narrative.trim().is_empty() || narrative.len() > 100_000 {
        return Err(DomainError::invalid(
            "narrative",
            "1 to 100000 bytes of text",
        ));
    }
    let record: GroupRecord =
        maybe(docs, DocKind::GroupRecord, group_id.as_str())?.unwrap_or_default();
    let mut drafts = Vec::new();
    for d in &record.drafts {
        let draft: Draft = need(docs, DocKind::Draft, d)?;
        let text = parse_text("draft", &draft.text)?;
        drafts.push(ReportedDraft {
            draft: draft.id.clone(),
            title: text.title.clone(),
            open_brackets: text_ops::open_brackets(&text),
            text: draft.text.clone(),
        });
    }
    // Numbering reads the conference and its main series' counter.
    need::<Conference>(docs, DocKind::Conference, group.conference.as_str())?;
    maybe::<crate::projection::Counter>(
        docs,
        DocKind::Counter,
        &crate::projection::counter_id(group.conference.as_str(), Series::Main),
    )?;
    let title = match &group.reporting {
        Some(r) => r.subject.clone(),
        None => format!("Report of {}", group.name),
    };
    occasion(docs, actor, group_id, meeting)?;
    let today = held_on(docs, meeting, today)?;
    let (mut events, document) = number(
        Submission {
            conference: group.conference.clone(),
            series: Series::Main,
            kind: DocumentKind::Report,
            title,
            sponsors: Vec::new(),
            group: Some(group_id.clone()),
            relation: None,
            versions: vec![LanguageVersion {
                language: Language::English,
                text: Some(narrative.to_owned()),
                file: None,
            }],
            restriction: None,
        },
        docs,
        today,
    )?;
    let report = Report {
        id: document.id.clone(),
        symbol: document.symbol.clone(),
        conference: group.conference.clone(),
        group: group_id.clone(),
        to,
        narrative: narrative.to_owned(),
        drafts,
        withdrawals: record.withdrawals.clone(),
        submitted_by: actor.id.clone(),
        submitted_on: today,
    };
    events.push(PendingEvent::public(Change::ReportSubmitted(report)));
    Ok(events)
}

/// Adopts a draft in its group: by consensus or recorded vote. A group's adoption
/// forwards the draft to its parent; the plenary's records a revision of the instrument
/// ("(Rev. <city>, <year>)"), or a new instrument with the next free number.
pub(crate) fn adopt(
    actor: &Actor,
    draft_id: &str,
    decision: &Decision,
    meeting: &Option<String>,
    docs: &DocSet,
    today: Date,
) -> Result<Vec<PendingEvent>, DomainError> {
    let draft: Draft = need(docs, DocKind::Draft, draft_id)?;
    require_chair(actor, &draft.group, "record an adoption")?;
    negotiating(&draft)?;
    let conference: Conference = need(docs, DocKind::Conference, draft.conference.as_str())?;
    let group: Group = need(docs, DocKind::Group, draft.group.as_str())?;
    let text = parse_text("draft", &draft.text)?;
    let open = text_ops::open_brackets(&text);
    if !open.is_empty() {
        let ids: Vec<&str> = open.iter().map(|b| b.id.as_str()).collect();
        return Err(DomainError::invalid(
            "draft",
            format!(
                "text with open brackets cannot be adopted: resolve {} first",
                ids.join(", ")
            ),
        ));
    }
    let tally = match decision {
        Decision::Consensus => None,
        Decision::Vote { votes } => {
            if votes.is_empty() {
                return Err(DomainError::invalid(
                    "decision.votes",
                    "a recorded vote has ballots",
                ));
            }
            for member in votes.keys() {
                let (m, delegation, rights) = rights_of(docs, &conference, &group, member)?;
                if !rights.contains(&Right::Vote) {
                    let why = match (&m.category, delegation) {
                        (MemberCategory::MemberState { .. }, Some(d)) => {
                            format!("its credentials are {:?}", d.credentials).to_lowercase()
                        }
                        (MemberCategory::MemberState { .. }, None) => {
                            "it has no delegation at this conference".to_owned()
                        }
                        _ => "only member states vote".to_owned(),
                    };
                    return Err(DomainError::Forbidden {
                        reason: format!(
                            "decision.votes.{member}: {} cannot vote in {}: {why}",
                            m.name, group.short_name
                        ),
                    });
                }
            }
            Some(Tally::of(votes))
        }
    };
    let occ = occasion(docs, actor, &draft.group, meeting)?;
    let today = held_on(docs, meeting, today)?;
    if tally.is_some_and(|t| !t.carries()) {
        return Ok(vec![PendingEvent::public(Change::DraftAdopted {
            draft: draft.id.clone(),
            decision: decision.clone(),
            tally,
            outcome: Outcome::NotAdopted,
            occasion: occ,
        })]);
    }
    if let Some(parent) = &group.parent {
        return Ok(vec![PendingEvent::public(Change::DraftAdopted {
            draft: draft.id.clone(),
            decision: decision.clone(),
            tally,
            outcome: Outcome::Forwarded { to: parent.clone() },
            occasion: occ,
        })]);
    }
    // The plenary adopts: a revision of the instrument.
    let year = conference.opens_on.year();
    let mut events = Vec::new();
    let (instrument, previous) = match &draft.instrument {
        Some(id) => {
            let i: Instrument = need(docs, DocKind::Instrument, id.as_str())?;
            let previous = i.revisions.last().map(|r| r.id.clone());
            if previous != draft.base {
                return Err(DomainError::invalid(
                    "draft",
                    "the instrument was revised since the draft was compiled",
                ));
            }
            (i, previous)
        }
        None => {
            let kind = crate::model::InstrumentKind::parse(&text.kind).ok_or_else(|| {
                DomainError::invalid(
                    "draft",
                    format!("'{}' is not an instrument kind", text.kind),
                )
            })?;
            let numbers_id = numbers_id(conference.body.as_str(), kind);
            let next = maybe::<crate::projection::Counter>(docs, DocKind::Counter, &numbers_id)?
                .map_or(1, |c| c.next);
            let id = InstrumentId::new(&format!("{}.{}-{next}", conference.body, kind.code()))?;
            let i = Instrument {
                id,
                body: conference.body.clone(),
                kind,
                number: next.to_string(),
                title: text.title.clone(),
                revisions: Vec::new(),
            };
            events.push(PendingEvent::public(Change::InstrumentRegistered(
                i.clone(),
            )));
            (i, None)
        }
    };
    let city = conference.city.clone();
    let revision_label = if previous.is_some() {
        format!("Rev. {city}, {year}")
    } else {
        format!("{city}, {year}")
    };
    // The adopted text names no proposers, and paragraphs added in negotiation take
    // their final labels.
    let mut text = text.unattributed();
    let base_ids: Vec<String> = match &draft.base {
        Some(r) => parse_text(
            "base",
            &need::<Revision>(docs, DocKind::Revision, r.as_str())?.text,
        )?
        .provisions()
        .iter()
        .map(|(_, _, p)| p.id.clone())
        .collect(),
        None => Vec::new(),
    };
    let renumbered: Vec<Renumbered> = plenary_text::renumber(&mut text)
        .into_iter()
        .map(|r| Renumbered {
            provision: r.provision,
            from: r.from,
            to: r.to,
        })
        .collect();
    settle_identities(&mut text, &base_ids);
    text.kind = instrument.kind.word().to_owned();
    text.number = instrument.number.clone();
    text.revision = Some(revision_label.clone());
    let slug = plenary_text::slug(&city);
    let revision = Revision {
        id: RevisionId::new(&format!("{}.{slug}-{year}", instrument.id))?,
        instrument: instrument.id.clone(),
        citation: format!(
            "{} {} ({revision_label})",
            instrument.kind.word(),
            instrument.number
        ),
        title: text.title.clone(),
        previous,
        adopted_on: Some(today),
        text: print(&text),
        draft: Some(draft.id.clone()),
        record: None,
    };
    let revision_id = revision.id.clone();
    events.push(PendingEvent::public(Change::DraftAdopted {
        draft: draft.id.clone(),
        decision: decision.clone(),
        tally,
        outcome: Outcome::Adopted {
            revision: revision_id,
            renumbered,
        },
        occasion: occ,
    }));
    events.push(PendingEvent::public(Change::RevisionRecorded(revision)));
    Ok(events)
}

/// The counter of an instrument kind's numbers in a body: `numbers/<body>/<kind>`.
pub fn numbers_id(body: &str, kind: crate::model::InstrumentKind) -> String {
    format!("numbers/{body}/{}", kind.code())
}

/// Refers a matter to another organ.
pub(crate) fn refer(
    actor: &Actor,
    f: &FollowUp,
    docs: &DocSet,
) -> Result<Vec<PendingEvent>, DomainError> {
    check_id("id", &f.id)?;
    if maybe::<FollowUp>(docs, DocKind::FollowUp, &f.id)?.is_some() {
        return Err(DomainError::AlreadyExists {
            kind: "follow_up".into(),
            id: f.id.clone(),
        });
    }
    group_in(docs, &f.conference, &f.group)?;
    require_chair(actor, &f.group, "refer a matter")?;
    for (field, v) in [("matter", &f.matter), ("referred_to", &f.referred_to)] {
        if v.trim().is_empty() || v.chars().count() > 2000 {
            return Err(DomainError::invalid(field, "1 to 2000 characters"));
        }
    }
    if f.closed.is_some() {
        return Err(DomainError::invalid("closed", "a new follow-up is open"));
    }
    if let Some(d) = &f.draft {
        need::<Draft>(docs, DocKind::Draft, d)?;
    }
    Ok(vec![PendingEvent::public(Change::FollowUpReferred(
        f.clone(),
    ))])
}

/// Closes a follow-up with its outcome.
pub(crate) fn close_follow_up(
    actor: &Actor,
    id: &str,
    outcome: &str,
    docs: &DocSet,
    today: Date,
) -> Result<Vec<PendingEvent>, DomainError> {
    let f: FollowUp = need(docs, DocKind::FollowUp, id)?;
    require_chair(actor, &f.group, "close a follow-up")?;
    if f.closed.is_some() {
        return Err(DomainError::invalid(
            "id",
            format!("{id} is closed already"),
        ));
    }
    if outcome.trim().is_empty() || outcome.chars().count() > 2000 {
        return Err(DomainError::invalid("outcome", "1 to 2000 characters"));
    }
    Ok(vec![PendingEvent::public(Change::FollowUpClosed {
        id: id.to_owned(),
        closure: Closure {
            on: today,
            outcome: outcome.to_owned(),
        },
    })])
}

#[cfg(test)]
mod withdrawal_laws {
    //! Withdrawing a proposal from a draft no step has touched gives exactly the
    //! compilation of the others, and the record names only the proposal's own words.
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use proptest::prelude::*;

    const BASE: &str = "Resolution 7\nThe title\n\nThe Conference,\n\n## considering\na) that the Union promotes cooperation among its members;\nb) that the Internet is a key resource;\nc) that privacy matters online;\n\n## resolves\n1 to continue to play an active role;\n2 to report to the Council every year;\n";
    const WORDS: &[&str] = &[
        "open", "secure", "all", "Member", "States", "data", "strongly", "[^1]",
    ];
    const SPONSORS: &[&str] = &["arb", "usa", "rcc"];

    #[derive(Debug, Clone)]
    enum Edit {
        Reword(usize, usize, Vec<usize>),
        Add(usize, Vec<usize>),
        Delete(usize),
    }

    fn edits() -> impl Strategy<Value = Vec<Edit>> {
        let words = prop::collection::vec(0..WORDS.len(), 0..3);
        let edit = prop_oneof![
            3 => (0..5usize, 0..8usize, words.clone()).prop_map(|(p, at, w)| Edit::Reword(p, at, w)),
            1 => (0..5usize, prop::collection::vec(0..WORDS.len(), 1..4)).prop_map(|(p, w)| Edit::Add(p, w)),
            1 => (0..5usize).prop_map(Edit::Delete),
        ];
        prop::collection::vec(edit, 0..4)
    }

    /// The base as one proposal would amend it, in the notation.
    fn amended(edits: &[Edit]) -> String {
        let mut lines: Vec<String> = BASE.lines().map(str::to_owned).collect();
        let provision_lines: Vec<usize> = (0..lines.len())
            .filter(|&k| lines[k].starts_with(['a', 'b', 'c', '1', '2']) && lines[k].contains(' '))
            .collect();
        let mut deleted = Vec::new();
        let mut added: Vec<(usize, String)> = Vec::new();
        for e in edits {
            match e {
                Edit::Reword(p, at, w) => {
                    let k = provision_lines[*p];
                    let mut ws: Vec<String> = lines[k].split(' ').map(str::to_owned).collect();
                    let at = 1 + at % (ws.len() - 1);
                    ws.splice(
                        at..=at.min(ws.len() - 1),
                        w.iter().map(|i| WORDS[*i].to_owned()),
                    );
                    if ws.len() > 1 {
                        lines[k] = ws.join(" ");
                    }
                }
                Edit::Add(p, w) => {
                    let label = if *p < 3 { "d)" } else { "3" };
                    let words: Vec<&str> = w.iter().map(|i| WORDS[*i]).collect();
                    added.push((
                        provision_lines[*p],
                        format!("{label} that {};", words.join(" ")),
                    ));
                }
                Edit::Delete(p) => deleted.push(provision_lines[*p]),
            }
        }
        let mut out = Vec::new();
        for (k, line) in lines.iter().enumerate() {
            if !deleted.contains(&k) {
                out.push(line.clone());
            }
            for (_, a) in added.iter().filter(|(at, _)| *at == k) {
                out.push(a.clone());
            }
        }
        let mut text = out.join("\n");
        text.push_str("\n\n[^1]: A note.\n");
        text
    }

    fn proposal(k: usize, text: String) -> Proposal {
        Proposal {
            id: format!("p{k}"),
            symbol: format!("PP/{k}"),
            conference: ConferenceId::new("c").unwrap(),
            group: GroupId::new("c.g").unwrap(),
            instrument: None,
            base: None,
            title: "t".into(),
            sponsors: vec![MemberId::new(SPONSORS[k]).unwrap()],
            text,
            noc: Vec::new(),
            amendments: Vec::new(),
            submitted_by: "x".into(),
            status: ProposalStatus::Submitted,
        }
    }

    /// The text with its brackets numbered in reading order, to compare wordings.
    fn canonical(mut t: Text) -> String {
        fn walk(t: &mut plenary_text::Text, n: &mut usize) {
            for i in &mut t.0 {
                if let plenary_text::Inline::Bracket(b) = i {
                    *n += 1;
                    b.id = plenary_text::default_bracket_id(*n);
                    for a in &mut b.alternatives {
                        walk(&mut a.text, n);
                    }
                }
            }
        }
        fn provisions(list: &mut [plenary_text::Provision], n: &mut usize) {
            for p in list {
                walk(&mut p.text, n);
                provisions(&mut p.children, n);
            }
        }
        let mut n = 0;
        walk(&mut t.opening, &mut n);
        for s in &mut t.sections {
            provisions(&mut s.provisions, &mut n);
        }
        print(&t)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn withdrawing_a_proposal_gives_the_compilation_of_the_others_and_records_only_its_words(
            e0 in edits(), e1 in edits(), e2 in edits(), which in 0..3usize
        ) {
            let base = plenary_text::parse(&format!("{BASE}\n[^1]: A note.\n")).unwrap();
            let all: Vec<Proposal> = [e0, e1, e2]
                .iter()
                .enumerate()
                .map(|(k, e)| proposal(k, amended(e)))
                .collect();
            let merged: Vec<plenary_text::Proposal> = all.iter().map(|p| mergeable(p).unwrap()).collect();
            let mut draft = compile_text(&base, &merged, true);
            let withdrawn = &all[which];
            let left = take_out(&mut draft, withdrawn, &all, Some(&base), 0).unwrap();
            let others: Vec<plenary_text::Proposal> = merged
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != which)
                .map(|(_, p)| p.clone())
                .collect();
            let expected = compile_text(&base, &others, true);
            prop_assert_eq!(canonical(draft.clone()), canonical(expected.clone()));
            let own = withdrawn.text.clone();
            for l in &left {
                prop_assert_eq!(&l.sponsors, &withdrawn.labels());
                prop_assert!(own.contains(&l.text), "{:?} is {}'s own: {}", l, withdrawn.symbol, own);
                // What stays is not what left: no alternative or paragraph of the others'
                // compilation there has the words.
                if let Some(p) = l.provision.as_deref().and_then(|id| expected.provision(id))
                    && !l.text.is_empty()
                {
                    let kept = plenary_text::text_to_notation(&p.text);
                    let readings: Vec<String> = p
                        .text
                        .0
                        .iter()
                        .filter_map(|i| match i {
                            plenary_text::Inline::Bracket(b) => Some(b),
                            _ => None,
                        })
                        .flat_map(|b| b.alternatives.iter())
                        .map(|a| text_ops::words_of(p, &a.sponsors))
                        .filter_map(|w| w.into_iter().next().map(|w| w.text))
                        .collect();
                    prop_assert!(kept != l.text && !readings.contains(&l.text), "{:?} stays in {}", l, kept);
                }
            }
        }
    }
}
