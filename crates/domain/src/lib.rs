//! Plenary's domain: the pure types and rules of a conference and its public record.
//!
//! Nothing here does I/O. The store crates persist what this crate decides; the app crate
//! orchestrates; the web crate speaks HTTP. Every state change is a [`command::Command`]
//! that [`command::decide`] turns into [`event::Change`]s after [`access::authorize`]
//! allowed it; [`projection::apply`] derives the views from those changes; [`chain`] links
//! the recorded events into a hash chain anyone can verify.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod access;
pub mod canonical;
pub mod chain;
pub mod command;
pub mod documents;
pub mod error;
pub mod event;
pub mod meetings;
pub mod model;
pub mod negotiation;
pub mod projection;
pub mod records;
pub mod rights;
pub mod schema;
pub mod search;

pub use error::DomainError;
