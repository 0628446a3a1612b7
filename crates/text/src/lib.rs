//! Negotiated text as data: the instrument model, the bracket notation, amendments,
//! structure-aware diff and n-way merge. Pure: this crate does no I/O.
//!
//! - [`model`]: [`Instrument`], [`Section`], [`Provision`], [`Text`], [`Bracket`].
//! - [`notation`]: [`parse`] and [`print`] (see `docs/notation.md`).
//! - [`diff`]: [`diff()`](diff::diff) old → new, [`apply_diff`], summaries.
//! - [`amend`]: ADD / MOD / SUP / NOC amendments and [`apply`].
//! - [`merge`]: base + proposals → negotiating text.
//! - [`render`]: redlines (text, HTML) and JSON for diffs.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod amend;
pub mod diff;
pub mod merge;
pub mod model;
pub mod notation;
pub mod render;
mod words;

pub use amend::{Amendment, ApplyError, Conflict, apply};
pub use diff::{
    ChangeOp, CollectionDiff, Diff, ProvisionDiff, SectionDiff, Side, Status, Summary, WordChange,
    apply_diff, diff, diff_collections,
};
pub use merge::{Identities, Proposal, Relabel, merge, merge_with, renumber};
pub use model::*;
pub use notation::{
    ParseError, parse, parse_collection, print, print_collection, text_to_notation,
};
