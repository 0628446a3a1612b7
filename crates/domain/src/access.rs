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
