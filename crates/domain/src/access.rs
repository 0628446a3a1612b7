//! Who may do what, and who may see what: the one place where access is decided.
//!
//! Every write goes through [`authorize`]; every read surface (API, HTML, search, feeds,
//! exports, live stream) filters through [`can_read`]. Nothing else decides access.

use serde::{Deserialize, Serialize};

use time::Date;

use crate::command::Command;
use crate::documents::Document;
use crate::error::DomainError;
use crate::event::Visibility;

/// A role an account holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "role")]
pub enum Role {
    /// Staff of the secretariat: sets up conferences, groups and members, records texts.
    Secretariat,
    /// A delegate of a member (state, sector member): acts for that member.
    Delegate {
        /// The member.
        member: crate::model::MemberId,
    },
    /// The chair of a group.
    Chair {
        /// The group.
        group: crate::model::GroupId,
    },
    /// A representative of an observer organisation.
    Observer {
        /// The organisation.
        member: crate::model::MemberId,
    },
    /// A registered member of the public (answers consultations, subscribes).
    Public,
}

/// Who acts or reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Actor {
    /// The id written on the log (`system`, `anonymous`, or an account id).
    pub id: String,
    /// The roles held.
    pub roles: Vec<Role>,
}

impl Actor {
    /// Plenary itself (migrations, the demo loader, imports run by an administrator).
    pub fn system() -> Self {
        Self {
            id: "system".into(),
            roles: vec![Role::Secretariat],
        }
    }

    /// Someone who has not signed in.
    pub fn anonymous() -> Self {
        Self {
            id: "anonymous".into(),
            roles: Vec::new(),
        }
    }

    /// Whether the actor holds the secretariat role.
    pub fn is_secretariat(&self) -> bool {
        self.roles.contains(&Role::Secretariat)
    }
}

/// Decides whether `actor` may issue `command`.
///
/// # Errors
/// [`DomainError::Forbidden`] naming the right that is missing.
pub fn authorize(actor: &Actor, command: &Command) -> Result<(), DomainError> {
    let needs_secretariat = match command {
        Command::EstablishBody(_)
        | Command::ConveneConference(_)
        | Command::EstablishGroup(_)
        | Command::AdmitMember(_)
        | Command::RegisterInstrument(_)
        | Command::RecordRevision(_)
        | Command::AdoptRightsRule { .. }
        | Command::AccreditDelegation(_)
        | Command::RecordCredentials { .. }
        | Command::RegisterDelegate(_)
        | Command::SubmitDocument(_)
        | Command::RestrictDocument { .. }
        | Command::RenewRestriction { .. }
        | Command::DeclassifyDocument { .. }
        | Command::RecordLapsedRestriction { .. }
        | Command::RecordVotes(_)
        | Command::RecordTranslation(_)
        | Command::RecordImportedFile(_)
        | Command::ScheduleMeeting(_)
        | Command::AttachFile { .. } => true,
        // The negotiation's rights depend on the state (the sponsor's delegation and
        // credentials, the chair of the draft's group): `command::decide_as` checks them.
        Command::SubmitProposal(_)
        | Command::CompileDraft(_)
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
        | Command::CloseFollowUp { .. } => {
            if actor.roles.is_empty() || actor.roles == [Role::Public] {
                return Err(DomainError::Forbidden {
                    reason: format!(
                        "'{}' requires signing in as a delegate, a chair or the secretariat",
                        command.name()
                    ),
                });
            }
            false
        }
    };
    if needs_secretariat && !actor.is_secretariat() {
        return Err(DomainError::Forbidden {
            reason: format!(
                "'{}' requires the secretariat role, which '{}' does not hold",
                command.name(),
                actor.id
            ),
        });
    }
    Ok(())
}

/// The scopes (e.g. `document:<id>`) whose content is withheld from the public now.
pub trait RestrictedScopes {
    /// Whether content of `scope` is withheld now.
    fn is_restricted(&self, scope: &str) -> bool;
}

impl RestrictedScopes for std::collections::BTreeSet<String> {
    fn is_restricted(&self, scope: &str) -> bool {
        self.contains(scope)
    }
}

/// Whether `actor` may read content with this visibility, given what is restricted now.
/// Content with a scope follows that scope: public while the scope is not restricted
/// (so a declassified document's past content becomes readable, and a restricted one's
/// is withheld), and always readable by the secretariat.
pub fn can_read(actor: &Actor, visibility: &Visibility, restricted: &dyn RestrictedScopes) -> bool {
    match visibility {
        Visibility::Public => true,
        Visibility::Restricted(scope) => actor.is_secretariat() || !restricted.is_restricted(scope),
    }
}

/// Whether `actor` may read a document's content on `today`.
pub fn can_read_document(actor: &Actor, document: &Document, today: Date) -> bool {
    actor.is_secretariat() || !document.is_restricted_on(today)
}

/// The text shown in place of a withheld title.
pub const WITHHELD_TITLE: &str = "(title withheld: see the restriction register)";

/// A document as `actor` may see it on `today`: when its content is withheld, every
/// language version loses its text and file (the language list stays), and the title is
/// replaced when the restriction covers it. Symbol, kind, dates, sponsors, group and the
/// restriction's reason, justification and review date stay: they are the register.
pub fn document_view(actor: &Actor, document: &Document, today: Date) -> Document {
    let mut d = document.clone();
    if !can_read_document(actor, document, today) {
        for v in &mut d.versions {
            v.text = None;
            v.file = None;
        }
        if d.restriction.as_ref().is_some_and(|r| r.title_restricted) {
            d.title = WITHHELD_TITLE.to_owned();
        }
    }
    d
}

/// An event as a reader may see it: its place in the chain always, its payload only when
/// the reader may read it (otherwise only the payload's SHA-256, which is enough to
/// verify the chain and to check the payload once it is declassified).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EventView {
    /// Position in the log.
    pub seq: i64,
    /// Event id.
    pub id: String,
    /// When it was recorded.
    pub at: String,
    /// Who caused it.
    pub actor: String,
    /// The change's kind name.
    pub kind: String,
    /// `public` or `restricted:<scope>`.
    pub visibility: String,
    /// The payload, when the reader may see it.
    pub payload: Option<serde_json::Value>,
    /// SHA-256 of the payload's canonical text (always shown).
    pub payload_sha256: String,
    /// The previous event's hash.
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

/// What `reader` may see of an event.
pub fn event_view(
    reader: &Actor,
    event: &crate::event::RecordedEvent,
    restricted: &dyn RestrictedScopes,
) -> EventView {
    let payload = if can_read(reader, &event.visibility, restricted) {
        serde_json::from_str(&event.payload).ok()
    } else {
        None
    };
    EventView {
        seq: event.seq,
        id: event.id.to_string(),
        at: event.at.clone(),
        actor: event.actor.clone(),
        kind: event.kind.clone(),
        visibility: event.visibility.as_stored(),
        payload,
        payload_sha256: crate::chain::payload_digest(&event.payload),
        prev_hash: event.prev_hash.clone(),
        hash: event.hash.clone(),
    }
}
