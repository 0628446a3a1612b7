//! The one error type of the domain: a stable machine code and a human message.

use thiserror::Error;

/// Why the domain refused a command. Each variant has a stable [`DomainError::code`] that the
/// API reports (RFC 9457 problem type) and the interface translates.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    /// A field of the command breaks a rule.
    #[error("{field}: {rule}")]
    InvalidField {
        /// The field, as named in the command (e.g. `opens_on`).
        field: String,
        /// The rule it breaks, in plain words.
        rule: String,
    },
    /// A referenced entity does not exist.
    #[error("no {kind} with id '{id}'")]
    NotFound {
        /// The kind of entity (e.g. `conference`).
        kind: String,
        /// The id that was asked for.
        id: String,
    },
    /// The entity to create exists already.
    #[error("a {kind} with id '{id}' exists already")]
    AlreadyExists {
        /// The kind of entity.
        kind: String,
        /// The id that is taken.
        id: String,
    },
    /// The actor has no right to do this.
    #[error("not allowed: {reason}")]
    Forbidden {
        /// Why not, naming the right that is missing.
        reason: String,
    },
    /// Stored state could not be read back as the domain expects (a bug or a tampered store).
    #[error("corrupt state for {kind} '{id}': {detail}")]
    CorruptState {
        /// The kind of entity.
        kind: String,
        /// Its id.
        id: String,
        /// What failed.
        detail: String,
    },
    /// The decision needs documents that are not loaded yet. The store loads them and
    /// asks again; this never reaches a user.
    #[error("the decision needs documents that were not loaded: {keys:?}")]
    MustRead {
        /// What to load.
        keys: Vec<crate::projection::DocKey>,
    },
}

impl DomainError {
    /// The stable machine code of this error, used in API problem types.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidField { .. } => "invalid_field",
            Self::NotFound { .. } => "not_found",
            Self::AlreadyExists { .. } => "already_exists",
            Self::Forbidden { .. } => "forbidden",
            Self::CorruptState { .. } => "corrupt_state",
            Self::MustRead { .. } => "internal",
        }
    }

    /// Shorthand for [`DomainError::InvalidField`].
    pub fn invalid(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Self::InvalidField {
            field: field.into(),
            rule: rule.into(),
        }
    }
}
