//! The record of a deliberation beyond its text: what an imported document says about
//! itself (identifiers, symbol, issuing body), the steps that led to it (draft, sponsors,
//! recommendation, adoption or veto), the decision taken, its sponsors, recorded votes, and
//! where the import came from (source file, its SHA-256, the reader's warnings).
//!
//! Recorded votes are keyed by document symbol, not by revision: the votes and the texts
//! come from different files, and either may be imported first. A revision's read joins
//! them through [`symbol_key`].

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Date;

use crate::error::DomainError;
use crate::model::{BodyId, MemberId, RevisionId};

/// A state as a source names it, and the member id it maps to (ISO 3166-1 alpha-3 in
/// lower case), when it maps. A name that does not map is kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StateRef {
    /// The name as written in the source (`BOLIVIA (PLURINATIONAL STATE OF)`).
    pub name: String,
    /// The member id, when the name maps to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<MemberId>,
}

/// A sponsor of a draft: an original sponsor, or one that joined later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sponsor {
    /// The state.
    #[serde(flatten)]
    pub state: StateRef,
    /// Whether it joined after the draft was issued (an additional sponsor).
    pub additional: bool,
}

/// One step of the document's workflow (AKN `<step>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowStep {
    /// The day, when known (the UN writes `0001-01-01` when it is not).
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub date: Option<Date>,
    /// `draftResolution`, `draftResolutionAdditionalSponsors`, `recommendedForAdoption`,
    /// `adopted`, `notAdopted`, `veto`, …
    pub outcome: String,
    /// The document of the step (`A/C.3/77/L.36`, `S/PV.9371`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// Who acted, or a sentence explaining the outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// Votes cast, with the members listed when the source lists them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tally {
    /// Votes in favour.
    pub yes: u32,
    /// Votes against.
    pub no: u32,
    /// Abstentions.
    pub abstain: u32,
    /// Members voting in favour.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub yes_members: Vec<StateRef>,
    /// Members voting against.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub no_members: Vec<StateRef>,
    /// Members abstaining.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub abstain_members: Vec<StateRef>,
}

/// What was decided on the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Decision {
    /// Adopted without a vote (consensus, acclamation).
    AdoptedWithoutVote,
    /// Adopted by a recorded vote.
    AdoptedByVote {
        /// The votes.
        tally: Tally,
    },
    /// Put to the vote and not adopted (not enough votes in favour).
    NotAdopted {
        /// The votes, when recorded.
        tally: Option<Tally>,
    },
    /// Not adopted because of the negative vote of a permanent member of the Security
    /// Council.
    Vetoed {
        /// The permanent member(s) whose negative vote defeated it.
        vetoed_by: Vec<StateRef>,
        /// The votes, when recorded.
        tally: Option<Tally>,
    },
    /// The source records no decision (e.g. a presidential statement).
    NotRecorded,
}

/// Where an import came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The source file's name (without its directory).
    pub source: String,
    /// The SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// What the reader noticed or repaired.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// What an imported document says about itself, kept with its revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionRecord {
    /// The document symbol (`A/RES/77/211`, `S/2023/506`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// The issuing body (`un-ga`, `un-sc`, `itu`).
    pub issued_by: BodyId,
    /// The document's own name for its type (`resolution`, `draftResolution`,
    /// `presidentialStatement`, `decision`).
    pub document_type: String,
    /// FRBR Work URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frbr_work: Option<String>,
    /// FRBR Expression URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frbr_expression: Option<String>,
    /// The date of the document (adoption, or issue for a draft).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub date: Option<Date>,
    /// The workflow steps, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workflow: Vec<WorkflowStep>,
    /// The decision.
    pub decision: Decision,
    /// Sponsors, original first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sponsors: Vec<Sponsor>,
    /// Where it was imported from.
    pub provenance: Provenance,
}

/// A recorded vote and sponsorship on a document, from a voting record (e.g. the UN
/// Digital Library's), keyed by the document's symbol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteRecord {
    /// The document symbol as the source writes it.
    pub symbol: String,
    /// The body that voted.
    pub body: BodyId,
    /// The title, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The meeting (`54th plenary meeting`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting: Option<String>,
    /// The meeting record (`A/77/PV.54`, `S/PV.9586`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting_record: Option<String>,
    /// The day of the vote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub date: Option<Date>,
    /// How it was adopted, as written (`Without a vote`, `By a recorded vote`,
    /// `Adopted 14-0-1, 9586th meeting`).
    pub adoption: String,
    /// The draft it was adopted from (`A/77/463/Add.2, para. 87`, `S/2024/254`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<String>,
    /// The votes, when counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tally: Option<Tally>,
    /// Sponsors, original first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sponsors: Vec<Sponsor>,
    /// Where it was imported from, with the line.
    pub provenance: Provenance,
    /// The line of the source file.
    pub line: u32,
}

/// A file imported whole, keyed by its SHA-256: importing the same bytes again is
/// recognised and refused before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportedFile {
    /// The file's name and SHA-256.
    pub source: String,
    /// The SHA-256 of its bytes, hex (the key).
    pub sha256: String,
    /// `akn` or `votes`.
    pub format: String,
    /// The revisions it recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<RevisionId>,
    /// The translations it recorded (keys of [`Translation`]s).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<String>,
    /// How many vote records it held.
    #[serde(default)]
    pub votes: u32,
}

/// Another language's text of a document (its AKN expression in that language), keyed by
/// symbol and language so that it attaches to the revision whichever is imported first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    /// The document symbol.
    pub symbol: String,
    /// The expression's language (ISO 639-2, as AKN writes it: `fra`, `ara`).
    pub language: String,
    /// The title in that language.
    pub title: String,
    /// The text in the notation.
    pub text: String,
    /// Where it was imported from.
    pub provenance: Provenance,
}

impl Translation {
    /// Its key: `<symbol key>@<language>`.
    pub fn key(&self) -> String {
        format!("{}@{}", symbol_key(&self.symbol), self.language)
    }
}

/// The key under which a symbol's votes and translations are kept: upper case, without
/// white space, so that `S/RES/2728 (2024)` and `S/RES/2728(2024)` are one symbol.
pub fn symbol_key(symbol: &str) -> String {
    symbol
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A plain id from free text: lower-case ASCII letters and digits, every other run of
/// characters one `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = match c {
            'à'..='å' | 'À'..='Å' => 'a',
            'è'..='ë' | 'È'..='Ë' => 'e',
            'ì'..='ï' | 'Ì'..='Ï' => 'i',
            'ò'..='ö' | 'Ò'..='Ö' => 'o',
            'ù'..='ü' | 'Ù'..='Ü' => 'u',
            'ç' | 'Ç' => 'c',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '’' {
            // "people's" → "peoples", not "people-s".
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The id of the instrument a body's document with this title revises: `<body>.<slug of
/// the title>`. Ids are at most 64 characters: a longer one keeps the first words and ends
/// with 8 hex digits of the SHA-256 of the whole normalised title, so it stays stable and
/// distinct. Two titles that differ only in case, punctuation or spacing give one id.
///
/// # Errors
/// When the title has no letter or digit.
pub fn instrument_id_for(body: &BodyId, title: &str) -> Result<String, DomainError> {
    let s = slug(title);
    if s.is_empty() {
        return Err(DomainError::invalid(
            "title",
            format!("'{title}' has no letter or digit to make an instrument id from"),
        ));
    }
    let id = format!("{body}.{s}");
    if id.len() <= 64 {
        return Ok(id);
    }
    let digest = hex::encode(Sha256::digest(s.as_bytes()));
    let room = 64 - body.as_str().len() - 1 - 9;
    let mut head = s[..room].to_owned();
    while head.ends_with('-') {
        head.pop();
    }
    Ok(format!("{body}.{head}-{}", &digest[..8]))
}

/// The id of a revision recorded from a document with a symbol: the symbol's slug
/// (`A/RES/77/211` → `a-res-77-211`).
///
/// # Errors
/// When the symbol gives no valid id.
pub fn revision_id_for_symbol(symbol: &str) -> Result<RevisionId, DomainError> {
    let mut s = slug(symbol);
    s.truncate(64);
    RevisionId::new(&s).map_err(|_| {
        DomainError::invalid("symbol", format!("'{symbol}' gives no valid revision id"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolutions_of_one_title_in_one_body_share_an_instrument_id() {
        let ga = BodyId::new("un-ga").unwrap();
        let a = instrument_id_for(&ga, "The right to privacy in the digital age").unwrap();
        let b = instrument_id_for(&ga, "The right to privacy  in the digital age.").unwrap();
        assert_eq!(a, "un-ga.the-right-to-privacy-in-the-digital-age");
        assert_eq!(a, b);
        let sc = BodyId::new("un-sc").unwrap();
        assert_ne!(
            a,
            instrument_id_for(&sc, "The right to privacy in the digital age").unwrap()
        );
    }

    #[test]
    fn long_titles_give_stable_distinct_ids_within_the_limit() {
        let ga = BodyId::new("un-ga").unwrap();
        let t1 = "Developments in the field of information and telecommunications in the context of international security";
        let t2 = "Developments in the field of information and telecommunications in the context of international peace";
        let (a, b) = (
            instrument_id_for(&ga, t1).unwrap(),
            instrument_id_for(&ga, t2).unwrap(),
        );
        assert!(a.len() <= 64 && b.len() <= 64, "{a} {b}");
        assert_ne!(a, b);
        assert_eq!(a, instrument_id_for(&ga, t1).unwrap());
        crate::model::check_id("instrument", &a).unwrap();
    }

    #[test]
    fn symbols_key_without_spacing_and_make_plain_revision_ids() {
        assert_eq!(
            symbol_key("S/RES/2728 (2024)"),
            symbol_key("S/RES/2728(2024)")
        );
        assert_eq!(
            revision_id_for_symbol("A/RES/ES-11/1").unwrap().as_str(),
            "a-res-es-11-1"
        );
        assert_eq!(
            revision_id_for_symbol("S/RES/2728 (2024)")
                .unwrap()
                .as_str(),
            "s-res-2728-2024"
        );
    }
}
