//! Akoma Ntoso 3.0 (OASIS LegalDocML) in and out of the Plenary text model.
//!
//! - [`read`] / [`read_collection`]: AKN XML (AKN4UN General Assembly and Security
//!   Council files, the ITU PP-18 Final Acts conversion, and Plenary's own exports) →
//!   [`AknDocument`]: an [`Instrument`] plus [`AknMeta`] (FRBR identifiers, symbol,
//!   workflow steps, votes, sponsors, warnings).
//! - [`write`] / [`write_collection`]: the model → AKN XML valid against the OASIS 2018
//!   schema, with brackets, alternatives and sponsors as inline elements (see
//!   `docs/akoma-ntoso.md`). Reading an export gives back the same model.
//!
//! Pure: functions take strings or bytes and return values; no I/O.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod itu;
mod read;
mod tree;
mod write;

pub use plenary_text::Instrument;
use serde::{Deserialize, Serialize};

/// One instrument read from Akoma Ntoso, with what the XML says about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AknDocument {
    /// The text: title, preamble and operative sections, footnotes.
    pub instrument: Instrument,
    /// Identifiers, workflow, votes, sponsors and warnings.
    pub meta: AknMeta,
}

/// Metadata of an Akoma Ntoso document beyond the text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AknMeta {
    /// The AKN document type (`statement`, `act`, …).
    pub doc_type: String,
    /// The document's `name` attribute (`resolution`, `draftResolution`, `decision`, …).
    pub doc_name: String,
    /// FRBR Work URI (`/akn/un/statement/deliberation/unga/2022-12-15/77-211/`).
    pub frbr_work: Option<String>,
    /// FRBR Expression URI (work plus language and version).
    pub frbr_expression: Option<String>,
    /// The Work date (adoption or publication), `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Language of the expression (`eng`).
    pub language: Option<String>,
    /// The document symbol (`A/RES/77/211`, `S/2023/506`).
    pub symbol: Option<String>,
    /// Workflow steps in order (draft, additional sponsors, recommendation, adoption,
    /// veto, …).
    pub workflow: Vec<Step>,
    /// The recorded vote, when there is one.
    pub votes: Option<Vote>,
    /// Sponsors named by the draft steps, in order, without duplicates.
    pub sponsors: Vec<String>,
    /// Permanent members whose negative vote defeated the draft (from a `veto` step).
    pub vetoed_by: Vec<String>,
    /// What the reader noticed or repaired (not part of the exported XML).
    pub warnings: Vec<String>,
}

/// One workflow step (`<step>`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// `YYYY-MM-DD` (the UN writes `0001-01-01` when unknown).
    pub date: String,
    /// `draftResolution`, `draftResolutionAdditionalSponsors`, `recommendedForAdoption`,
    /// `adopted`, `notAdopted`, `veto`, …
    pub outcome: String,
    /// The document of the step (`as`: `A/C.3/75/L.40`, `S/PV.9371`).
    pub document: Option<String>,
    /// The `by` text: sponsors, or a sentence explaining the outcome.
    pub by: Option<String>,
    /// `refersTo` (e.g. the paragraph of the committee report).
    pub refers_to: Option<String>,
}

/// A recorded vote (`<voting>`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    /// `adoptedWithoutVote`, `adoptedRecordedVote`, or empty when not stated.
    pub outcome: String,
    /// Votes in favour, against, abstaining (absent when not counted).
    pub yes: Option<u32>,
    /// Votes against.
    pub no: Option<u32>,
    /// Abstentions.
    pub abstain: Option<u32>,
    /// Member States voting in favour, when listed (`akn4un:voters`).
    pub yes_voters: Vec<String>,
    /// Member States voting against, when listed.
    pub no_voters: Vec<String>,
    /// Member States abstaining, when listed.
    pub abstain_voters: Vec<String>,
}

/// Why a document could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AknError {
    /// What went wrong, in words.
    pub message: String,
    /// Byte offset in the input, when known.
    pub offset: Option<usize>,
}

impl std::fmt::Display for AknError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.offset {
            Some(o) => write!(f, "{} (at byte {o})", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for AknError {}

/// Splits a list of names as the UN writes it ("Brazil, Chile and Trinidad and Tobago")
/// into the names, keeping compound names ("Antigua and Barbuda") whole.
pub fn split_names(list: &str) -> Vec<String> {
    read::split_names(list)
}

/// True when the input looks like XML (first non-space character is `<`).
pub fn looks_like_xml(src: &[u8]) -> bool {
    let s = src.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(src);
    s.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'<')
}

/// Reads a file holding exactly one instrument. A collection (e.g. Final Acts) is an
/// error naming how many it holds; use [`read_collection`] for those.
pub fn read(src: &[u8]) -> Result<AknDocument, AknError> {
    let mut docs = read_collection(src)?;
    match docs.len() {
        1 => Ok(docs.remove(0)),
        n => Err(AknError {
            message: format!(
                "the document holds {n} instruments; read it as a collection (or select one)"
            ),
            offset: None,
        }),
    }
}

/// Reads every instrument of an Akoma Ntoso file: one for a single `statement`, `act`,
/// `bill`, `doc`…; all components of a `documentCollection` (Final Acts, a resolution
/// with parts A and B).
pub fn read_collection(src: &[u8]) -> Result<Vec<AknDocument>, AknError> {
    read::read_collection(src)
}

/// Writes one instrument (and its metadata) as an Akoma Ntoso 3.0 document.
pub fn write(doc: &AknDocument) -> String {
    write::write(doc)
}

/// Writes several instruments as one `documentCollection`, or a single document when
/// there is exactly one.
pub fn write_collection(docs: &[AknDocument]) -> String {
    write::write_collection(docs)
}

/// Writes a bare instrument (no workflow or votes) as Akoma Ntoso.
pub fn write_instrument(inst: &Instrument) -> String {
    write::write(&AknDocument {
        instrument: inst.clone(),
        meta: AknMeta::default(),
    })
}

impl AknDocument {
    /// Wraps an instrument with empty metadata.
    pub fn new(instrument: Instrument) -> AknDocument {
        AknDocument {
            instrument,
            meta: AknMeta::default(),
        }
    }
}

impl AknMeta {
    /// The last workflow step's outcome (`adopted`, `veto`, `notAdopted`, …).
    pub fn outcome(&self) -> Option<&str> {
        self.workflow.last().map(|s| s.outcome.as_str())
    }
}
