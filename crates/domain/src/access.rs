//! Who may do what, and who may see what: the one place where access is decided.
//!
//! Every write goes through [`authorize`]; every read surface (API, HTML, search, feeds,
//! exports, live stream) filters through [`can_read`]. Nothing else decides access.

use serde::{Deserialize, Serialize};

use crate::command::Command;
use crate::error::DomainError;
use crate::event::Visibility;

/// A role an account holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "role")]
pub enum Role {
    /// Staff of the secretariat: sets up conferences, groups and members, records texts.
    Secretariat,
}

/// Who acts or reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
        | Command::RecordRevision(_) => true,
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

/// Whether `actor` may read content with this visibility.
pub fn can_read(actor: &Actor, visibility: &Visibility) -> bool {
    match visibility {
        Visibility::Public => true,
        Visibility::Restricted(_) => actor.is_secretariat(),
    }
}

/// An event as a reader may see it: its place in the chain always, its payload only when
/// the reader may read it (otherwise only the payload's SHA-256, which is enough to
/// verify the chain and to check the payload once it is declassified).
#[derive(Debug, Clone, PartialEq, Serialize)]
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
pub fn event_view(reader: &Actor, event: &crate::event::RecordedEvent) -> EventView {
    let payload = if can_read(reader, &event.visibility) {
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
