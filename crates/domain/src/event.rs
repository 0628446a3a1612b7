//! Events: what happened, as recorded on the public log.
//!
//! A [`Change`] is the domain fact; a [`RecordedEvent`] is that fact on the log, with its
//! sequence number, id, time, actor, visibility and place in the hash chain.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::canonical::to_canonical_string;
use crate::documents::{Declassification, Document, Restriction};
use crate::error::DomainError;
use crate::model::GroupId;
use crate::model::{
    Body, Conference, ConferenceId, Delegate, Delegation, DelegationId, Group, Instrument, Member,
    Revision,
};
use crate::negotiation::{
    Closure, Decision, Draft, FollowUp, Occasion, Operation, Outcome, Proposal, Reading, Report,
    Tally, Withdrawal,
};
use crate::rights::{CredentialsStatus, RightsRule};

/// A fact about the conference world. Serialized as `{"kind": ..., "payload": ...}`; the kind
/// names are stable and part of the public record format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload")]
pub enum Change {
    /// A body (e.g. the ITU) was established on the platform.
    #[serde(rename = "body.established")]
    BodyEstablished(Body),
    /// A conference of a body was convened.
    #[serde(rename = "conference.convened")]
    ConferenceConvened(Conference),
    /// A group (plenary, committee, working group, ad hoc group) was established.
    #[serde(rename = "group.established")]
    GroupEstablished(Group),
    /// A member (state, sector member, observer organisation) was admitted to a body.
    #[serde(rename = "member.admitted")]
    MemberAdmitted(Member),
    /// An instrument (resolution, decision, recommendation) was registered.
    #[serde(rename = "instrument.registered")]
    InstrumentRegistered(Instrument),
    /// A revision of an instrument was recorded.
    #[serde(rename = "revision.recorded")]
    RevisionRecorded(Revision),
    /// A conference changed the default participation rights.
    #[serde(rename = "rights.rule_adopted")]
    RightsRuleAdopted {
        /// The conference.
        conference: ConferenceId,
        /// The rule.
        rule: RightsRule,
    },
    /// A member's delegation was accredited to a conference.
    #[serde(rename = "delegation.accredited")]
    DelegationAccredited(Delegation),
    /// The Credentials Committee found a delegation's credentials in order or not.
    #[serde(rename = "delegation.credentials_recorded")]
    CredentialsRecorded {
        /// The delegation.
        delegation: DelegationId,
        /// The finding.
        status: CredentialsStatus,
    },
    /// A person joined a delegation.
    #[serde(rename = "delegate.registered")]
    DelegateRegistered(Delegate),
    /// A document was submitted and numbered. Its content follows the document's
    /// restriction state (the event's visibility is the document's scope).
    #[serde(rename = "document.submitted")]
    DocumentSubmitted(Document),
    /// A document was restricted, for a reason from the fixed list.
    #[serde(rename = "document.restricted")]
    DocumentRestricted {
        /// The document.
        document: String,
        /// The decision.
        restriction: Restriction,
    },
    /// A restriction was renewed with a new justification and review date.
    #[serde(rename = "document.restriction_renewed")]
    RestrictionRenewed {
        /// The document.
        document: String,
        /// The renewed decision.
        restriction: Restriction,
    },
    /// A document became public.
    #[serde(rename = "document.declassified")]
    DocumentDeclassified {
        /// The document.
        document: String,
        /// The day.
        on: time::Date,
        /// How.
        declassification: Declassification,
    },
    /// A proposal was submitted (its document is submitted in the same transaction).
    /// Its content follows its document's restriction state.
    #[serde(rename = "proposal.submitted")]
    ProposalSubmitted(Proposal),
    /// Proposals were compiled into a negotiating text.
    #[serde(rename = "draft.compiled")]
    DraftCompiled {
        /// The new draft.
        draft: Draft,
        /// Who, where.
        occasion: Occasion,
    },
    /// A draft's text changed by a negotiation step.
    #[serde(rename = "draft.revised")]
    DraftRevised {
        /// The draft.
        draft: String,
        /// What was done.
        operation: Operation,
        /// The text after the step.
        text: String,
        /// Who, where.
        occasion: Occasion,
    },
    /// A proposal was withdrawn by its sponsors; what it brought left the text.
    #[serde(rename = "proposal.withdrawn")]
    ProposalWithdrawn {
        /// The proposal.
        proposal: String,
        /// What was withdrawn.
        withdrawal: Withdrawal,
        /// The draft's text after the withdrawal, when it had been compiled.
        text: Option<String>,
        /// Who, where.
        occasion: Occasion,
    },
    /// A reading of a draft was held.
    #[serde(rename = "draft.reading_recorded")]
    ReadingRecorded {
        /// The draft.
        draft: String,
        /// Which reading.
        reading: Reading,
        /// Who, where.
        occasion: Occasion,
    },
    /// A draft moved to another group.
    #[serde(rename = "draft.moved")]
    DraftMoved {
        /// The draft.
        draft: String,
        /// The group it moved to.
        to: GroupId,
        /// Who, where.
        occasion: Occasion,
    },
    /// Provisions were split off a draft into a new one.
    #[serde(rename = "draft.split")]
    DraftSplit {
        /// The draft split.
        draft: String,
        /// Its text after the split.
        text: String,
        /// The new draft.
        new: Draft,
        /// Who, where.
        occasion: Occasion,
    },
    /// A group reported to the group it answers to.
    #[serde(rename = "report.submitted")]
    ReportSubmitted(Report),
    /// A group decided on a draft.
    #[serde(rename = "draft.adopted")]
    DraftAdopted {
        /// The draft.
        draft: String,
        /// How the group decided.
        decision: Decision,
        /// The counts of a recorded vote.
        tally: Option<Tally>,
        /// What followed.
        outcome: Outcome,
        /// Who, where.
        occasion: Occasion,
    },
    /// A matter was referred to another organ.
    #[serde(rename = "follow_up.referred")]
    FollowUpReferred(FollowUp),
    /// A follow-up was closed.
    #[serde(rename = "follow_up.closed")]
    FollowUpClosed {
        /// The follow-up.
        id: String,
        /// How.
        closure: Closure,
    },
    /// A vote and sponsorship on a document were recorded (keyed by its symbol).
    #[serde(rename = "votes.recorded")]
    VotesRecorded(crate::records::VoteRecord),
    /// Another language's text of a document was recorded.
    #[serde(rename = "translation.recorded")]
    TranslationRecorded(crate::records::Translation),
    /// A file was imported whole.
    #[serde(rename = "file.imported")]
    FileImported(crate::records::ImportedFile),
    /// A meeting of a group was scheduled.
    #[serde(rename = "meeting.scheduled")]
    MeetingScheduled(crate::meetings::Meeting),
    /// A file was attached to a language version of a document. Its content follows the
    /// document's restriction state, like the document's text.
    #[serde(rename = "document.file_attached")]
    FileAttached {
        /// The document.
        document: String,
        /// The language version.
        language: crate::model::Language,
        /// The stored file.
        file: crate::documents::FileRef,
    },
}

impl Change {
    /// Splits the change into its kind name and its payload as a JSON value.
    pub fn to_kind_and_payload(&self) -> (String, serde_json::Value) {
        let value = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        match value {
            serde_json::Value::Object(mut map) => {
                let kind = match map.remove("kind") {
                    Some(serde_json::Value::String(k)) => k,
                    _ => String::new(),
                };
                let payload = map.remove("payload").unwrap_or(serde_json::Value::Null);
                (kind, payload)
            }
            _ => (String::new(), serde_json::Value::Null),
        }
    }

    /// Reads a change back from its kind name and payload.
    ///
    /// # Errors
    /// [`DomainError::CorruptState`] when the kind is unknown or the payload does not fit it.
    pub fn from_kind_and_payload(kind: &str, payload: &str) -> Result<Self, DomainError> {
        let payload: serde_json::Value =
            serde_json::from_str(payload).map_err(|e| corrupt(kind, e))?;
        let value = serde_json::json!({ "kind": kind, "payload": payload });
        serde_json::from_value(value).map_err(|e| corrupt(kind, e))
    }
}

fn corrupt(kind: &str, e: serde_json::Error) -> DomainError {
    DomainError::CorruptState {
        kind: "event".into(),
        id: kind.into(),
        detail: e.to_string(),
    }
}

/// Who may read an event's payload. The event's place in the chain is always public.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "level", content = "scope")]
pub enum Visibility {
    /// Anyone may read it.
    Public,
    /// Only those with access to the named scope (e.g. a restricted document) may read it;
    /// the public sees only the payload's SHA-256.
    Restricted(String),
}

impl Visibility {
    /// The stored form: `public` or `restricted:<scope>`.
    pub fn as_stored(&self) -> String {
        match self {
            Self::Public => "public".to_owned(),
            Self::Restricted(scope) => format!("restricted:{scope}"),
        }
    }

    /// Parses the stored form.
    ///
    /// # Errors
    /// When the text is neither `public` nor `restricted:<scope>`.
    pub fn from_stored(text: &str) -> Result<Self, DomainError> {
        match text {
            "public" => Ok(Self::Public),
            _ => match text.strip_prefix("restricted:") {
                Some(scope) if !scope.is_empty() => Ok(Self::Restricted(scope.to_owned())),
                _ => Err(DomainError::CorruptState {
                    kind: "event".into(),
                    id: text.into(),
                    detail: "visibility is neither 'public' nor 'restricted:<scope>'".into(),
                }),
            },
        }
    }
}

/// A change that the domain decided, not yet on the log.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingEvent {
    /// The change itself.
    pub change: Change,
    /// Who may read it.
    pub visibility: Visibility,
}

impl PendingEvent {
    /// A public change.
    pub fn public(change: Change) -> Self {
        Self {
            change,
            visibility: Visibility::Public,
        }
    }
}

/// An event as it stands on the log: immutable once written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedEvent {
    /// Position in the log: 1, 2, 3, … without gaps.
    pub seq: i64,
    /// Globally unique id.
    pub id: Uuid,
    /// When it was recorded, canonical UTC text (see [`Timestamp`]).
    pub at: String,
    /// Who caused it (an account id, or `system`).
    pub actor: String,
    /// The change's kind name, e.g. `group.established`.
    pub kind: String,
    /// The change's payload as canonical JSON text.
    pub payload: String,
    /// Who may read the payload.
    pub visibility: Visibility,
    /// The previous event's hash (hex), or 64 zeros for the first event.
    pub prev_hash: String,
    /// This event's hash (hex); see [`crate::chain`].
    pub hash: String,
}

impl RecordedEvent {
    /// Decodes the change this event records.
    ///
    /// # Errors
    /// When the stored kind or payload does not decode.
    pub fn change(&self) -> Result<Change, DomainError> {
        Change::from_kind_and_payload(&self.kind, &self.payload)
    }

    /// Builds the next event of the chain after `prev` (seq and hash of the head).
    pub fn seal(
        prev: &crate::chain::Head,
        id: Uuid,
        at: &Timestamp,
        actor: &str,
        pending: &PendingEvent,
    ) -> Self {
        let (kind, payload) = pending.change.to_kind_and_payload();
        let mut event = Self {
            seq: prev.seq + 1,
            id,
            at: at.to_string(),
            actor: actor.to_owned(),
            kind,
            payload: to_canonical_string(&payload),
            visibility: pending.visibility.clone(),
            prev_hash: prev.hash.clone(),
            hash: String::new(),
        };
        event.hash = crate::chain::event_hash(&event);
        event
    }
}

/// A point in time with the canonical text form the log uses:
/// `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, microseconds), which sorts as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// Wraps a time, normalized to UTC and truncated to microseconds.
    pub fn new(at: OffsetDateTime) -> Self {
        let utc = at.to_offset(time::UtcOffset::UTC);
        let micros = utc.microsecond();
        Self(utc.replace_microsecond(micros).unwrap_or(utc))
    }

    /// Parses an RFC 3339 time.
    ///
    /// # Errors
    /// When the text is not RFC 3339.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        OffsetDateTime::parse(text, &Rfc3339)
            .map(Self::new)
            .map_err(|e| DomainError::invalid("at", format!("not an RFC 3339 time: {e}")))
    }

    /// The wrapped time.
    pub fn get(&self) -> OffsetDateTime {
        self.0
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.microsecond()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Body, BodyId};

    #[test]
    fn change_survives_the_kind_and_payload_split() {
        let change = Change::BodyEstablished(Body {
            id: BodyId::new("itu").unwrap_or_else(|_| unreachable!()),
            name: "International Telecommunication Union".into(),
            acronym: "ITU".into(),
        });
        let (kind, payload) = change.to_kind_and_payload();
        assert_eq!(kind, "body.established");
        let back = Change::from_kind_and_payload(&kind, &to_canonical_string(&payload));
        assert_eq!(back, Ok(change));
    }

    #[test]
    fn unknown_event_kind_is_reported_not_panicked() {
        let err = Change::from_kind_and_payload("nonsense.kind", "{}");
        assert!(matches!(err, Err(DomainError::CorruptState { .. })));
    }

    #[test]
    fn timestamps_print_fixed_width_utc() {
        let t = Timestamp::parse("2014-10-20T09:30:00.5+09:00").unwrap_or_else(|_| unreachable!());
        assert_eq!(t.to_string(), "2014-10-20T00:30:00.500000Z");
    }

    #[test]
    fn visibility_round_trips_through_its_stored_form() {
        for v in [
            Visibility::Public,
            Visibility::Restricted("doc:ADM/12".into()),
        ] {
            assert_eq!(Visibility::from_stored(&v.as_stored()), Ok(v));
        }
        assert!(Visibility::from_stored("restricted:").is_err());
    }
}
