//! Commands: what an actor asks for. [`decide`] checks a command against the current state
//! and turns it into the changes to record, or refuses it with a clear error.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::event::{Change, PendingEvent};
use time::Date;

use crate::access::Actor;
use crate::documents::{
    Declassification, Document, Relation, Restriction, Series, Submission, scope_of,
};
use crate::event::Visibility;
use crate::model::{
    Body, Conference, ConferenceId, Delegate, Delegation, DelegationId, Group, GroupKind,
    Instrument, Member, Revision,
};
use crate::model::{GroupId, MemberId};
use crate::negotiation::{Compilation, Decision, FollowUp, ProposalInput, Reading};
use crate::projection::{Counter, counter_id, relation_target};
use crate::projection::{DocKey, DocKind, DocSet};
use crate::records::{ImportedFile, Translation, VoteRecord, symbol_key};
use crate::rights::{CredentialsStatus, RightsRule};

/// Longest name or title accepted, in characters.
pub const MAX_NAME_CHARS: usize = 500;
/// Longest text accepted (a revision's full text), in bytes.
pub const MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;

/// A request to change the state of the conference world.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "command", content = "input", rename_all = "snake_case")]
pub enum Command {
    /// Establish a body.
    EstablishBody(Body),
    /// Convene a conference of a body.
    ConveneConference(Conference),
    /// Establish a group of a conference.
    EstablishGroup(Group),
    /// Admit a member to a body.
    AdmitMember(Member),
    /// Register an instrument of a body (its revisions are recorded separately).
    RegisterInstrument(Instrument),
    /// Record a revision of an instrument, following its latest one.
    RecordRevision(Revision),
    /// Change the default participation rights of a conference.
    AdoptRightsRule {
        /// The conference.
        conference: ConferenceId,
        /// The rule.
        rule: RightsRule,
    },
    /// Accredit a member's delegation to a conference (credentials pending).
    AccreditDelegation(Delegation),
    /// Record the Credentials Committee's finding on a delegation.
    RecordCredentials {
        /// The delegation.
        delegation: DelegationId,
        /// The finding.
        status: CredentialsStatus,
    },
    /// Register a person on a delegation.
    RegisterDelegate(Delegate),
    /// Submit a document; the secretariat numbers it in its series.
    SubmitDocument(Submission),
    /// Restrict a public document for a reason from the fixed list.
    RestrictDocument {
        /// The document.
        document: String,
        /// The decision.
        restriction: Restriction,
    },
    /// Renew a restriction in force, with a new justification and review date.
    RenewRestriction {
        /// The document.
        document: String,
        /// The renewed decision.
        restriction: Restriction,
    },
    /// Lift a restriction before its review date.
    DeclassifyDocument {
        /// The document.
        document: String,
        /// Who decided.
        decided_by: String,
        /// Why.
        note: String,
    },
    /// Record that a restriction lapsed on its review date.
    RecordLapsedRestriction {
        /// The document.
        document: String,
    },
    /// Submit a proposal on an instrument (numbered as a contribution).
    SubmitProposal(ProposalInput),
    /// Compile proposals into one negotiating text.
    CompileDraft(Compilation),
    /// Resolve a bracket by choosing one of its alternatives (from 1).
    ResolveBracket {
        /// The draft.
        draft: String,
        /// The bracket (`b3`).
        bracket: String,
        /// Which alternative, 1 for the first.
        alternative: usize,
        /// The meeting.
        #[serde(default)]
        meeting: Option<String>,
    },
    /// Replace a bracket with compromise wording.
    ReplaceBracket {
        /// The draft.
        draft: String,
        /// The bracket.
        bracket: String,
        /// The compromise, in inline notation.
        text: String,
        /// The proposals whose wordings the compromise combines (a suggestion the draft
        /// offers: `GET /api/v1/drafts/{id}` `suggestions`), recorded so that its words
        /// are traced to every sponsor behind them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        combines: Vec<String>,
        /// The meeting.
        #[serde(default)]
        meeting: Option<String>,
    },
    /// Open a bracket on agreed words, for the delegations that object.
    OpenBracket {
        /// The draft.
        draft: String,
        /// The provision (`resolves.2`).
        provision: String,
        /// The agreed words put in question (must occur once in the provision).
        words: String,
        /// The objectors' wording (empty: deletion).
        #[serde(default)]
        alternative: String,
        /// Who objects.
        sponsors: Vec<MemberId>,
        /// The meeting.
        #[serde(default)]
        meeting: Option<String>,
    },
    /// Edit the agreed text of a draft (open brackets stay as they are).
    EditDraft {
        /// The draft.
        draft: String,
        /// The whole new text, in the notation.
        text: String,
        /// The meeting.
        #[serde(default)]
        meeting: Option<String>,
    },
    /// Withdraw a proposal, by its sponsors.
    WithdrawProposal {
        /// The proposal.
        proposal: String,
        /// Why, if they say.
        #[serde(default)]
        reason: Option<String>,
    },
    /// Withdraw one alternative of a bracket, by its sponsors.
    WithdrawAlternative {
        /// The draft.
        draft: String,
        /// The bracket.
        bracket: String,
        /// Which alternative, 1 for the first.
        alternative: usize,
        /// Why, if they say.
        #[serde(default)]
        reason: Option<String>,
        /// The meeting.
        #[serde(default)]
        meeting: Option<String>,
    },
    /// Record a first or second reading of a draft.
    RecordReading {
        /// The draft.
        draft: String,
        /// Which reading.
        reading: Reading,
        /// The meeting.
        #[serde(default)]
        meeting: Option<String>,
    },
    /// Move a draft to another group.
    MoveDraft {
        /// The draft.
        draft: String,
        /// The group.
        to: GroupId,
        /// The meeting.
        #[serde(default)]
        meeting: Option<String>,
    },
    /// Split provisions off a draft into a new draft in another (or the same) group.
    SplitDraft {
        /// The draft.
        draft: String,
        /// The new draft's id.
        id: String,
        /// The provisions (paragraphs) to split off.
        provisions: Vec<String>,
        /// The group of the new draft.
        to: GroupId,
        /// The meeting.
        #[serde(default)]
        meeting: Option<String>,
    },
    /// Submit a group's report to the group it answers to.
    SubmitReport {
        /// The group.
        group: GroupId,
        /// The chair's narrative.
        narrative: String,
        /// The meeting.
        #[serde(default)]
        meeting: Option<String>,
    },
    /// Adopt a draft in its group, by consensus or recorded vote.
    AdoptDraft {
        /// The draft.
        draft: String,
        /// How.
        decision: Decision,
        /// The meeting.
        #[serde(default)]
        meeting: Option<String>,
    },
    /// Refer a matter to another organ, with a due date.
    ReferFollowUp(FollowUp),
    /// Close a follow-up with its outcome.
    CloseFollowUp {
        /// The follow-up.
        id: String,
        /// What became of it.
        outcome: String,
    },
    /// Record a vote and sponsorship on a document, keyed by its symbol (a later record
    /// for the same symbol supersedes the earlier one in the views; both stay on the log).
    RecordVotes(VoteRecord),
    /// Record another language's text of a document.
    RecordTranslation(Translation),
    /// Record that a file was imported whole (refused when its bytes were imported before).
    RecordImportedFile(ImportedFile),
    /// Schedule a meeting of a group.
    ScheduleMeeting(crate::meetings::Meeting),
    /// Attach a stored file to a language version of a document (the file is in the
    /// object store already, keyed by its SHA-256).
    AttachFile {
        /// The document.
        document: String,
        /// The language version.
        language: crate::model::Language,
        /// The stored file.
        file: crate::documents::FileRef,
    },
}

impl Command {
    /// The command's name, as in its JSON form.
    pub fn name(&self) -> &'static str {
        match self {
            Self::EstablishBody(_) => "establish_body",
            Self::ConveneConference(_) => "convene_conference",
            Self::EstablishGroup(_) => "establish_group",
            Self::AdmitMember(_) => "admit_member",
            Self::RegisterInstrument(_) => "register_instrument",
            Self::RecordRevision(_) => "record_revision",
            Self::AdoptRightsRule { .. } => "adopt_rights_rule",
            Self::AccreditDelegation(_) => "accredit_delegation",
            Self::RecordCredentials { .. } => "record_credentials",
            Self::RegisterDelegate(_) => "register_delegate",
            Self::SubmitDocument(_) => "submit_document",
            Self::RestrictDocument { .. } => "restrict_document",
            Self::RenewRestriction { .. } => "renew_restriction",
            Self::DeclassifyDocument { .. } => "declassify_document",
            Self::RecordLapsedRestriction { .. } => "record_lapsed_restriction",
            Self::SubmitProposal(_) => "submit_proposal",
            Self::CompileDraft(_) => "compile_draft",
            Self::ResolveBracket { .. } => "resolve_bracket",
            Self::ReplaceBracket { .. } => "replace_bracket",
            Self::OpenBracket { .. } => "open_bracket",
            Self::EditDraft { .. } => "edit_draft",
            Self::WithdrawProposal { .. } => "withdraw_proposal",
            Self::WithdrawAlternative { .. } => "withdraw_alternative",
            Self::RecordReading { .. } => "record_reading",
            Self::MoveDraft { .. } => "move_draft",
            Self::SplitDraft { .. } => "split_draft",
            Self::SubmitReport { .. } => "submit_report",
            Self::AdoptDraft { .. } => "adopt_draft",
            Self::ReferFollowUp(_) => "refer_follow_up",
            Self::CloseFollowUp { .. } => "close_follow_up",
            Self::RecordVotes(_) => "record_votes",
            Self::RecordTranslation(_) => "record_translation",
            Self::RecordImportedFile(_) => "record_imported_file",
            Self::ScheduleMeeting(_) => "schedule_meeting",
            Self::AttachFile { .. } => "attach_file",
        }
    }
}

/// The documents [`decide`] needs to see.
pub fn reads(command: &Command) -> Vec<DocKey> {
    use DocKind as K;
    match command {
        Command::EstablishBody(b) => vec![DocKey::new(K::Body, b.id.as_str())],
        Command::ConveneConference(c) => vec![
            DocKey::new(K::Conference, c.id.as_str()),
            DocKey::new(K::Body, c.body.as_str()),
        ],
        Command::EstablishGroup(g) => {
            let mut keys = vec![
                DocKey::new(K::Group, g.id.as_str()),
                DocKey::new(K::Conference, g.conference.as_str()),
            ];
            if let Some(p) = &g.parent {
                keys.push(DocKey::new(K::Group, p.as_str()));
            }
            if let Some(r) = &g.reporting {
                keys.push(DocKey::new(K::Group, r.to.as_str()));
            }
            keys
        }
        Command::AdmitMember(m) => vec![
            DocKey::new(K::Member, m.id.as_str()),
            DocKey::new(K::Body, m.body.as_str()),
        ],
        Command::RegisterInstrument(i) => vec![
            DocKey::new(K::Instrument, i.id.as_str()),
            DocKey::new(K::Body, i.body.as_str()),
        ],
        Command::RecordRevision(r) => {
            let mut keys = vec![
                DocKey::new(K::Revision, r.id.as_str()),
                DocKey::new(K::Instrument, r.instrument.as_str()),
            ];
            if let Some(p) = &r.previous {
                keys.push(DocKey::new(K::Revision, p.as_str()));
            }
            keys
        }
        Command::AdoptRightsRule { conference, rule } => {
            let mut keys = vec![DocKey::new(K::Conference, conference.as_str())];
            if let Some(g) = &rule.group {
                keys.push(DocKey::new(K::Group, g.as_str()));
            }
            keys
        }
        Command::AccreditDelegation(d) => vec![
            DocKey::new(K::Delegation, d.id.as_str()),
            DocKey::new(K::Conference, d.conference.as_str()),
            DocKey::new(K::Member, d.member.as_str()),
        ],
        Command::RecordCredentials { delegation, .. } => {
            vec![DocKey::new(K::Delegation, delegation.as_str())]
        }
        Command::RegisterDelegate(d) => vec![
            DocKey::new(K::Delegate, d.id.as_str()),
            DocKey::new(K::Delegation, d.delegation.as_str()),
        ],
        Command::SubmitDocument(s) => {
            let mut keys = vec![
                DocKey::new(K::Conference, s.conference.as_str()),
                DocKey::new(K::Counter, counter_id(s.conference.as_str(), s.series)),
            ];
            if let Some(g) = &s.group {
                keys.push(DocKey::new(K::Group, g.as_str()));
            }
            for m in &s.sponsors {
                keys.push(DocKey::new(K::Member, m.as_str()));
            }
            if let Some(r) = &s.relation {
                keys.push(DocKey::new(K::Document, relation_target(r)));
            }
            keys
        }
        Command::RestrictDocument { document, .. }
        | Command::RenewRestriction { document, .. }
        | Command::DeclassifyDocument { document, .. }
        | Command::RecordLapsedRestriction { document } => {
            vec![DocKey::new(K::Document, document.as_str())]
        }
        Command::SubmitProposal(p) => {
            let mut keys = vec![
                DocKey::new(K::Conference, p.conference.as_str()),
                DocKey::new(K::Counter, counter_id(p.conference.as_str(), Series::Main)),
                DocKey::new(K::Group, p.group.as_str()),
            ];
            for m in &p.sponsors {
                keys.push(DocKey::new(K::Member, m.as_str()));
                keys.push(DocKey::new(K::Delegation, format!("{}.{m}", p.conference)));
            }
            if let Some(i) = &p.instrument {
                keys.push(DocKey::new(K::Instrument, i.as_str()));
            }
            keys
        }
        // The negotiation's decisions ask for what they need as they go (see
        // `DomainError::MustRead`).
        Command::CompileDraft(_)
        | Command::ResolveBracket { .. }
        | Command::ReplaceBracket { .. }
        | Command::OpenBracket { .. }
        | Command::EditDraft { .. }
        | Command::WithdrawProposal { .. }
        | Command::WithdrawAlternative { .. }
        | Command::RecordReading { .. }
        | Command::MoveDraft { .. }
        | Command::SplitDraft { .. }
        | Command::SubmitReport { .. }
        | Command::AdoptDraft { .. }
        | Command::ReferFollowUp(_)
        | Command::CloseFollowUp { .. } => Vec::new(),
        Command::RecordVotes(v) => vec![
            DocKey::new(K::Body, v.body.as_str()),
            DocKey::new(K::Votes, symbol_key(&v.symbol)),
        ],
        Command::RecordTranslation(t) => vec![DocKey::new(K::Translation, t.key())],
        Command::RecordImportedFile(f) => vec![DocKey::new(K::ImportedFile, f.sha256.as_str())],
        Command::ScheduleMeeting(m) => crate::meetings::reads(m),
        Command::AttachFile { document, .. } => vec![DocKey::new(K::Document, document.as_str())],
    }
}

/// Checks `command` against `docs` (which hold at least [`reads`]) on `today` and returns
/// the changes to record.
///
/// # Errors
/// The first rule the command breaks, naming the field.
pub fn decide(
    command: &Command,
    docs: &DocSet,
    today: Date,
) -> Result<Vec<PendingEvent>, DomainError> {
    decide_as(&Actor::system(), command, docs, today)
}

/// Like [`decide`], for `actor`: the negotiation's rights (who may propose, vote, resolve
/// a bracket) depend on who asks and on the state, so they are checked here, and the
/// actor is named in the negotiation's events.
///
/// # Errors
/// The first rule the command breaks, naming the field; [`DomainError::Forbidden`] when
/// the actor lacks the right; [`DomainError::MustRead`] when the decision needs documents
/// not loaded yet (the store loads them and asks again).
pub fn decide_as(
    actor: &Actor,
    command: &Command,
    docs: &DocSet,
    today: Date,
) -> Result<Vec<PendingEvent>, DomainError> {
    use crate::negotiation as n;
    use DocKind as K;
    let change = match command {
        Command::SubmitProposal(p) => return n::submit_proposal(actor, p, docs, today),
        Command::CompileDraft(c) => return n::compile(actor, c, docs),
        Command::ResolveBracket {
            draft,
            bracket,
            alternative,
            meeting,
        } => {
            let step = n::TextStep::ResolveBracket {
                bracket: bracket.clone(),
                alternative: *alternative,
            };
            return n::revise(actor, draft, &step, meeting, docs);
        }
        Command::ReplaceBracket {
            draft,
            bracket,
            text,
            combines,
            meeting,
        } => {
            let step = n::TextStep::ReplaceBracket {
                bracket: bracket.clone(),
                text: text.clone(),
                combines: combines.clone(),
            };
            return n::revise(actor, draft, &step, meeting, docs);
        }
        Command::OpenBracket {
            draft,
            provision,
            words,
            alternative,
            sponsors,
            meeting,
        } => {
            let step = n::TextStep::OpenBracket {
                provision: provision.clone(),
                words: words.clone(),
                alternative: alternative.clone(),
                sponsors: sponsors.clone(),
            };
            return n::revise(actor, draft, &step, meeting, docs);
        }
        Command::EditDraft {
            draft,
            text,
            meeting,
        } => {
            let step = n::TextStep::EditText { text: text.clone() };
            return n::revise(actor, draft, &step, meeting, docs);
        }
        Command::WithdrawProposal { proposal, reason } => {
            return n::withdraw_proposal(actor, proposal, reason, docs);
        }
        Command::WithdrawAlternative {
            draft,
            bracket,
            alternative,
            reason,
            meeting,
        } => {
            return n::withdraw_alternative(
                actor,
                draft,
                bracket,
                *alternative,
                reason,
                meeting,
                docs,
            );
        }
        Command::RecordReading {
            draft,
            reading,
            meeting,
        } => return n::record_reading(actor, draft, *reading, meeting, docs),
        Command::MoveDraft { draft, to, meeting } => {
            return n::move_draft(actor, draft, to, None, meeting, docs);
        }
        Command::SplitDraft {
            draft,
            id,
            provisions,
            to,
            meeting,
        } => return n::move_draft(actor, draft, to, Some((id, provisions)), meeting, docs),
        Command::SubmitReport {
            group,
            narrative,
            meeting,
        } => return n::submit_report(actor, group, narrative, meeting, docs, today),
        Command::AdoptDraft {
            draft,
            decision,
            meeting,
        } => return n::adopt(actor, draft, decision, meeting, docs, today),
        Command::ReferFollowUp(f) => return n::refer(actor, f, docs),
        Command::CloseFollowUp { id, outcome } => {
            return n::close_follow_up(actor, id, outcome, docs, today);
        }
        Command::EstablishBody(b) => {
            absent(docs, K::Body, b.id.as_str())?;
            name("name", &b.name)?;
            name("acronym", &b.acronym)?;
            Change::BodyEstablished(b.clone())
        }
        Command::ConveneConference(c) => {
            absent(docs, K::Conference, c.id.as_str())?;
            present(docs, K::Body, c.body.as_str())?;
            name("name", &c.name)?;
            name("short_name", &c.short_name)?;
            name("city", &c.city)?;
            name("country", &c.country)?;
            if c.closes_on < c.opens_on {
                return Err(DomainError::invalid(
                    "closes_on",
                    format!("{} is before opens_on {}", c.closes_on, c.opens_on),
                ));
            }
            if c.languages.is_empty() {
                return Err(DomainError::invalid(
                    "languages",
                    "at least one official language is required",
                ));
            }
            let mut langs = c.languages.clone();
            langs.sort();
            langs.dedup();
            if langs.len() != c.languages.len() {
                return Err(DomainError::invalid(
                    "languages",
                    "a language is listed twice",
                ));
            }
            Change::ConferenceConvened(c.clone())
        }
        Command::EstablishGroup(g) => {
            absent(docs, K::Group, g.id.as_str())?;
            present(docs, K::Conference, g.conference.as_str())?;
            name("name", &g.name)?;
            name("short_name", &g.short_name)?;
            match (&g.parent, g.kind) {
                (Some(_), GroupKind::Plenary) => {
                    return Err(DomainError::invalid(
                        "parent",
                        "a plenary has no parent group",
                    ));
                }
                (None, kind) if kind != GroupKind::Plenary => {
                    return Err(DomainError::invalid(
                        "parent",
                        "every group but the plenary answers to a parent group",
                    ));
                }
                _ => {}
            }
            if let Some(p) = &g.parent {
                same_conference(docs, "parent", p.as_str(), g)?;
            }
            if let Some(r) = &g.reporting {
                same_conference(docs, "reporting.to", r.to.as_str(), g)?;
                name("reporting.subject", &r.subject)?;
            }
            Change::GroupEstablished(g.clone())
        }
        Command::AdmitMember(m) => {
            absent(docs, K::Member, m.id.as_str())?;
            present(docs, K::Body, m.body.as_str())?;
            name("name", &m.name)?;
            Change::MemberAdmitted(m.clone())
        }
        Command::RegisterInstrument(i) => {
            absent(docs, K::Instrument, i.id.as_str())?;
            present(docs, K::Body, i.body.as_str())?;
            name("number", &i.number)?;
            name("title", &i.title)?;
            if !i.revisions.is_empty() {
                return Err(DomainError::invalid(
                    "revisions",
                    "must be empty: revisions are recorded one by one with record_revision",
                ));
            }
            Change::InstrumentRegistered(i.clone())
        }
        Command::RecordRevision(r) => {
            absent(docs, K::Revision, r.id.as_str())?;
            let key = DocKey::new(K::Instrument, r.instrument.as_str());
            let instrument: Instrument = docs.get(&key)?.ok_or_else(|| DomainError::NotFound {
                kind: "instrument".into(),
                id: r.instrument.to_string(),
            })?;
            name("citation", &r.citation)?;
            name("title", &r.title)?;
            if r.draft.is_some() {
                return Err(DomainError::invalid(
                    "draft",
                    "is set by the plenary's adoption of a draft, not by hand",
                ));
            }
            if r.text.trim().is_empty() {
                return Err(DomainError::invalid("text", "must not be empty"));
            }
            if r.text.len() > MAX_TEXT_BYTES {
                return Err(DomainError::invalid(
                    "text",
                    format!("is {} bytes; the limit is {MAX_TEXT_BYTES}", r.text.len()),
                ));
            }
            revision_in_order(r, docs)?;
            let latest = instrument.revisions.last().map(|l| &l.id);
            if r.previous.as_ref() != latest {
                return Err(DomainError::invalid(
                    "previous",
                    match latest {
                        Some(l) => format!("must be the instrument's latest revision '{l}'"),
                        None => "must be empty: the instrument has no revision yet".to_owned(),
                    },
                ));
            }
            Change::RevisionRecorded(r.clone())
        }
        Command::AdoptRightsRule { conference, rule } => {
            present(docs, K::Conference, conference.as_str())?;
            if let Some(g) = &rule.group {
                let group: Group =
                    docs.get(&DocKey::new(K::Group, g.as_str()))?
                        .ok_or_else(|| DomainError::NotFound {
                            kind: "group".into(),
                            id: g.to_string(),
                        })?;
                if &group.conference != conference {
                    return Err(DomainError::invalid(
                        "rule.group",
                        format!("group '{g}' belongs to another conference"),
                    ));
                }
            }
            if rule.grant.is_empty() && rule.withdraw.is_empty() {
                return Err(DomainError::invalid("rule", "grants or withdraws no right"));
            }
            if let Some(r) = rule.grant.intersection(&rule.withdraw).next() {
                return Err(DomainError::invalid(
                    "rule",
                    format!("grants and withdraws {r:?} at once"),
                ));
            }
            name("rule.basis", &rule.basis)?;
            Change::RightsRuleAdopted {
                conference: conference.clone(),
                rule: rule.clone(),
            }
        }
        Command::AccreditDelegation(d) => {
            absent(docs, K::Delegation, d.id.as_str())?;
            if d.id.as_str() != format!("{}.{}", d.conference, d.member) {
                return Err(DomainError::invalid(
                    "id",
                    format!(
                        "a delegation's id is '<conference>.<member>': '{}.{}'",
                        d.conference, d.member
                    ),
                ));
            }
            present(docs, K::Conference, d.conference.as_str())?;
            present(docs, K::Member, d.member.as_str())?;
            if d.credentials != CredentialsStatus::Pending {
                return Err(DomainError::invalid(
                    "credentials",
                    "a new delegation's credentials are pending until the Credentials Committee records its finding",
                ));
            }
            Change::DelegationAccredited(d.clone())
        }
        Command::RecordCredentials { delegation, status } => {
            present(docs, K::Delegation, delegation.as_str())?;
            Change::CredentialsRecorded {
                delegation: delegation.clone(),
                status: *status,
            }
        }
        Command::RegisterDelegate(d) => {
            absent(docs, K::Delegate, d.id.as_str())?;
            present(docs, K::Delegation, d.delegation.as_str())?;
            name("name", &d.name)?;
            Change::DelegateRegistered(d.clone())
        }
        Command::SubmitDocument(s) => return submit(s, docs, today),
        Command::RestrictDocument {
            document,
            restriction,
        } => {
            let d = document_of(docs, document)?;
            if d.is_restricted_on(today) {
                return Err(DomainError::invalid(
                    "document",
                    format!(
                        "{} is already restricted until {}; renew the restriction instead",
                        d.symbol,
                        d.restriction.as_ref().map_or(today, |r| r.review_on)
                    ),
                ));
            }
            restriction.check()?;
            if restriction.review_on <= today {
                return Err(DomainError::invalid(
                    "restriction.review_on",
                    "must be in the future",
                ));
            }
            Change::DocumentRestricted {
                document: document.clone(),
                restriction: restriction.clone(),
            }
        }
        Command::RenewRestriction {
            document,
            restriction,
        } => {
            let d = document_of(docs, document)?;
            let Some(current) = d.restriction.as_ref().filter(|r| r.holds_on(today)) else {
                return Err(DomainError::invalid(
                    "document",
                    format!("{} has no restriction in force to renew", d.symbol),
                ));
            };
            restriction.check()?;
            if restriction.justification.trim() == current.justification.trim() {
                return Err(DomainError::invalid(
                    "restriction.justification",
                    "a renewal needs a new justification, not the one already given",
                ));
            }
            if restriction.review_on <= current.review_on {
                return Err(DomainError::invalid(
                    "restriction.review_on",
                    format!(
                        "must be after the current review date {}",
                        current.review_on
                    ),
                ));
            }
            Change::RestrictionRenewed {
                document: document.clone(),
                restriction: restriction.clone(),
            }
        }
        Command::DeclassifyDocument {
            document,
            decided_by,
            note,
        } => {
            let d = document_of(docs, document)?;
            if d.restriction.is_none() {
                return Err(DomainError::invalid(
                    "document",
                    format!("{} is not restricted", d.symbol),
                ));
            }
            name("decided_by", decided_by)?;
            name("note", note)?;
            Change::DocumentDeclassified {
                document: document.clone(),
                on: today,
                declassification: Declassification::Decision {
                    decided_by: decided_by.clone(),
                    note: note.clone(),
                },
            }
        }
        Command::RecordLapsedRestriction { document } => {
            let d = document_of(docs, document)?;
            match &d.restriction {
                Some(r) if !r.holds_on(today) => Change::DocumentDeclassified {
                    document: document.clone(),
                    on: r.review_on,
                    declassification: Declassification::ReviewDateReached,
                },
                Some(r) => {
                    return Err(DomainError::invalid(
                        "document",
                        format!("{}'s restriction holds until {}", d.symbol, r.review_on),
                    ));
                }
                None => {
                    return Err(DomainError::invalid(
                        "document",
                        format!("{} is not restricted", d.symbol),
                    ));
                }
            }
        }
        Command::RecordVotes(v) => {
            present(docs, K::Body, v.body.as_str())?;
            name("symbol", &v.symbol)?;
            name("adoption", &v.adoption)?;
            Change::VotesRecorded(v.clone())
        }
        Command::RecordTranslation(t) => {
            absent(docs, K::Translation, &t.key())?;
            name("symbol", &t.symbol)?;
            name("language", &t.language)?;
            name("title", &t.title)?;
            if t.text.trim().is_empty() || t.text.len() > MAX_TEXT_BYTES {
                return Err(DomainError::invalid(
                    "text",
                    format!("must hold 1 to {MAX_TEXT_BYTES} bytes"),
                ));
            }
            Change::TranslationRecorded(t.clone())
        }
        Command::RecordImportedFile(f) => {
            if docs.exists(&DocKey::new(K::ImportedFile, f.sha256.as_str())) {
                return Err(DomainError::AlreadyExists {
                    kind: "imported file".into(),
                    id: format!("{} (SHA-256 {})", f.source, f.sha256),
                });
            }
            if f.sha256.len() != 64 || !f.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(DomainError::invalid("sha256", "must be 64 hex digits"));
            }
            name("source", &f.source)?;
            Change::FileImported(f.clone())
        }
        Command::ScheduleMeeting(m) => crate::meetings::schedule(m, docs)?,
        Command::AttachFile {
            document,
            language,
            file,
        } => {
            let d = document_of(docs, document)?;
            if !d.versions.iter().any(|v| v.language == *language) {
                return Err(DomainError::invalid(
                    "language",
                    format!("{} has no version in this language", d.symbol),
                ));
            }
            file.check()?;
            return Ok(vec![PendingEvent {
                change: Change::FileAttached {
                    document: document.clone(),
                    language: *language,
                    file: file.clone(),
                },
                visibility: Visibility::Restricted(scope_of(document)),
            }]);
        }
    };
    Ok(vec![PendingEvent::public(change)])
}

/// An imported revision may not predate the imported revision it replaces (both dated by
/// their documents). A revision adopted on the platform is dated by the platform's clock
/// (the demo replays 2014 today), so it does not take part.
fn revision_in_order(r: &Revision, docs: &DocSet) -> Result<(), DomainError> {
    let Some(previous) = &r.previous else {
        return Ok(());
    };
    let before: Option<Revision> = docs.get(&DocKey::new(DocKind::Revision, previous.as_str()))?;
    let day = |r: &Revision| r.record.as_ref().and_then(|x| x.date);
    if let (Some(before), Some(on)) = (before, day(r))
        && let Some(was) = day(&before)
        && on < was
    {
        return Err(DomainError::invalid(
            "adopted_on",
            format!(
                "{on} is before {was}, the date of the revision it would follow ('{}'): revisions are recorded oldest first",
                before.id
            ),
        ));
    }
    Ok(())
}

fn document_of(docs: &DocSet, id: &str) -> Result<Document, DomainError> {
    docs.get(&DocKey::new(DocKind::Document, id))?
        .ok_or_else(|| DomainError::NotFound {
            kind: "document".into(),
            id: id.into(),
        })
}

/// Numbers and checks a submission.
pub(crate) fn submit(
    s: &Submission,
    docs: &DocSet,
    today: Date,
) -> Result<Vec<PendingEvent>, DomainError> {
    use DocKind as K;
    let conference: Conference = docs
        .get(&DocKey::new(K::Conference, s.conference.as_str()))?
        .ok_or_else(|| DomainError::NotFound {
            kind: "conference".into(),
            id: s.conference.to_string(),
        })?;
    name("title", &s.title)?;
    if let Some(g) = &s.group {
        let group: Group = docs
            .get(&DocKey::new(K::Group, g.as_str()))?
            .ok_or_else(|| DomainError::NotFound {
                kind: "group".into(),
                id: g.to_string(),
            })?;
        if group.conference != s.conference {
            return Err(DomainError::invalid(
                "group",
                format!("group '{g}' belongs to another conference"),
            ));
        }
    }
    for m in &s.sponsors {
        present(docs, K::Member, m.as_str())?;
    }
    if s.versions.is_empty() {
        return Err(DomainError::invalid(
            "versions",
            "at least one language version is required",
        ));
    }
    for (i, v) in s.versions.iter().enumerate() {
        if s.versions[..i].iter().any(|w| w.language == v.language) {
            return Err(DomainError::invalid(
                format!("versions[{i}].language"),
                "a language is given twice",
            ));
        }
        if !conference.languages.contains(&v.language) {
            return Err(DomainError::invalid(
                format!("versions[{i}].language"),
                "is not an official language of the conference",
            ));
        }
        if v.text.is_none() && v.file.is_none() {
            return Err(DomainError::invalid(
                format!("versions[{i}]"),
                "needs a text or a file",
            ));
        }
        if v.text.as_ref().is_some_and(|t| t.len() > MAX_TEXT_BYTES) {
            return Err(DomainError::invalid(
                format!("versions[{i}].text"),
                format!("is over {MAX_TEXT_BYTES} bytes"),
            ));
        }
    }
    if let Some(r) = &s.restriction {
        r.check()?;
        if r.review_on <= today {
            return Err(DomainError::invalid(
                "restriction.review_on",
                "must be in the future",
            ));
        }
    }
    let (id, series, number, symbol) = match &s.relation {
        Some(relation) => {
            let base = document_of(docs, relation_target(relation))?;
            if base.conference != s.conference {
                return Err(DomainError::invalid(
                    "relation.of",
                    "the document belongs to another conference",
                ));
            }
            let (code, label) = match relation {
                Relation::Addendum { .. } => ("add", "Add."),
                Relation::Revision { .. } => ("rev", "Rev."),
                Relation::Corrigendum { .. } => ("corr", "Corr."),
            };
            let prefix = format!("{}.{code}-", base.id);
            let k = base
                .related
                .iter()
                .filter(|r| r.starts_with(&prefix))
                .count()
                + 1;
            (
                format!("{prefix}{k}"),
                base.series,
                base.number,
                format!("{}({label}{k})", base.symbol),
            )
        }
        None => {
            let next = docs
                .get::<Counter>(&DocKey::new(
                    K::Counter,
                    counter_id(s.conference.as_str(), s.series),
                ))?
                .map_or(1, |c| c.next);
            let (code, symbol) = match s.series {
                Series::Main => ("main", format!("{}/{next}", conference.document_prefix())),
                Series::Temporary => ("dt", format!("DT/{next}")),
                Series::Administrative => ("adm", format!("ADM/{next}")),
            };
            (
                format!("{}.{code}-{next}", s.conference),
                s.series,
                next,
                symbol,
            )
        }
    };
    let document = Document {
        id: id.clone(),
        conference: s.conference.clone(),
        series,
        number,
        symbol,
        kind: s.kind,
        title: s.title.clone(),
        sponsors: s.sponsors.clone(),
        group: s.group.clone(),
        relation: s.relation.clone(),
        versions: s.versions.clone(),
        submitted_on: today,
        restriction: s.restriction.clone(),
        restriction_history: Vec::new(),
        declassified_on: None,
        related: Vec::new(),
    };
    Ok(vec![PendingEvent {
        change: Change::DocumentSubmitted(document),
        visibility: Visibility::Restricted(scope_of(&id)),
    }])
}

pub(crate) fn name(field: &str, value: &str) -> Result<(), DomainError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(DomainError::invalid(field, "must not be empty"));
    }
    if trimmed != value {
        return Err(DomainError::invalid(
            field,
            "must not start or end with white space",
        ));
    }
    let chars = value.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(DomainError::invalid(
            field,
            format!("is {chars} characters; the limit is {MAX_NAME_CHARS}"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

pub(crate) fn absent(docs: &DocSet, kind: DocKind, id: &str) -> Result<(), DomainError> {
    if docs.exists(&DocKey::new(kind, id)) {
        return Err(DomainError::AlreadyExists {
            kind: kind.as_str().into(),
            id: id.into(),
        });
    }
    Ok(())
}

fn present(docs: &DocSet, kind: DocKind, id: &str) -> Result<(), DomainError> {
    if !docs.exists(&DocKey::new(kind, id)) {
        return Err(DomainError::NotFound {
            kind: kind.as_str().into(),
            id: id.into(),
        });
    }
    Ok(())
}

fn same_conference(docs: &DocSet, field: &str, id: &str, group: &Group) -> Result<(), DomainError> {
    let other: Group =
        docs.get(&DocKey::new(DocKind::Group, id))?
            .ok_or_else(|| DomainError::NotFound {
                kind: "group".into(),
                id: id.into(),
            })?;
    if other.conference != group.conference {
        return Err(DomainError::invalid(
            field,
            format!(
                "group '{id}' belongs to another conference ({})",
                other.conference
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BodyId;

    fn today() -> Date {
        time::macros::date!(2014 - 10 - 20)
    }

    fn itu() -> Body {
        Body {
            id: BodyId::new("itu").unwrap(),
            name: "International Telecommunication Union".into(),
            acronym: "ITU".into(),
        }
    }

    #[test]
    fn commands_read_as_tagged_json() {
        let cmd: Command = serde_json::from_str(
            r#"{"command":"establish_body","input":{"id":"itu","name":"International Telecommunication Union","acronym":"ITU"}}"#,
        )
        .unwrap();
        assert_eq!(cmd, Command::EstablishBody(itu()));
    }

    #[test]
    fn unknown_fields_in_a_command_are_refused() {
        let err = serde_json::from_str::<Command>(
            r#"{"command":"establish_body","input":{"id":"itu","name":"x","acronym":"x","colour":"red"}}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
    }

    #[test]
    fn a_body_cannot_be_established_twice() {
        let cmd = Command::EstablishBody(itu());
        let mut docs = DocSet::new();
        for key in reads(&cmd) {
            docs.load(key, None);
        }
        let events = decide(&cmd, &docs, today()).unwrap();
        for e in &events {
            crate::projection::apply(&mut docs, &e.change, 1).unwrap();
        }
        assert!(matches!(
            decide(&cmd, &docs, today()),
            Err(DomainError::AlreadyExists { .. })
        ));
    }

    #[test]
    fn blank_names_are_refused_naming_the_field() {
        let mut body = itu();
        body.acronym = "  ".into();
        let err = decide(&Command::EstablishBody(body), &DocSet::new(), today()).unwrap_err();
        assert_eq!(err, DomainError::invalid("acronym", "must not be empty"));
    }
}
