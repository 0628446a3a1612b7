//! Documents: numbered, public by default, restricted only for a reason from a short,
//! fixed list, with a written justification, who decided, and a review date.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::error::DomainError;
use crate::model::{ConferenceId, GroupId, Language, MemberId};

/// The few reasons for which a document may be withheld from the public. Anything else is
/// public. (docs/ACCESS.md explains each.)
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RestrictionReason {
    /// It identifies individuals and disclosure would infringe their privacy.
    PersonalData,
    /// Disclosure would endanger the safety or security of persons, premises or networks.
    SafetyAndSecurity,
    /// Commercial or financial information received in confidence.
    CommercialConfidentiality,
    /// Matters of individual members of staff.
    StaffMatters,
    /// Legal advice to the Union, or a matter before a court or arbitration.
    LegalPrivilege,
}

impl RestrictionReason {
    /// Every reason.
    pub const ALL: [RestrictionReason; 5] = [
        Self::PersonalData,
        Self::SafetyAndSecurity,
        Self::CommercialConfidentiality,
        Self::StaffMatters,
        Self::LegalPrivilege,
    ];

    /// A plain description, for the restriction register.
    pub fn describe(self) -> &'static str {
        match self {
            Self::PersonalData => "personal data of identifiable individuals",
            Self::SafetyAndSecurity => "safety or security of persons, premises or networks",
            Self::CommercialConfidentiality => "commercial information received in confidence",
            Self::StaffMatters => "matters of individual members of staff",
            Self::LegalPrivilege => "legal advice or a matter before a court",
        }
    }
}

/// Shortest justification accepted, in characters: a reason must be explained.
pub const MIN_JUSTIFICATION_CHARS: usize = 30;
/// Longest a restriction may run before it must be reviewed, in days.
pub const MAX_REVIEW_DAYS: i64 = 366;

/// A decision to withhold a document's content (and, where needed, its title).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Restriction {
    /// One of the fixed reasons.
    pub reason: RestrictionReason,
    /// Why this reason applies to this document, in writing.
    pub justification: String,
    /// Who decided (an office or a person and their function).
    pub decided_by: String,
    /// When it was decided.
    #[schemars(with = "crate::schema::IsoDate")]
    pub decided_on: Date,
    /// When it must be reviewed; on that day the document becomes public unless the
    /// restriction is renewed with a new justification.
    #[schemars(with = "crate::schema::IsoDate")]
    pub review_on: Date,
    /// Whether the title is withheld too (the symbol, kind, dates and reason never are).
    #[serde(default)]
    pub title_restricted: bool,
}

impl Restriction {
    /// Checks the rules a restriction must meet.
    ///
    /// # Errors
    /// The first rule broken, naming the field.
    pub fn check(&self) -> Result<(), DomainError> {
        let chars = self.justification.trim().chars().count();
        if chars < MIN_JUSTIFICATION_CHARS {
            return Err(DomainError::invalid(
                "restriction.justification",
                format!(
                    "a restriction needs a written justification of at least {MIN_JUSTIFICATION_CHARS} characters (got {chars})"
                ),
            ));
        }
        if self.decided_by.trim().is_empty() {
            return Err(DomainError::invalid(
                "restriction.decided_by",
                "must name who decided",
            ));
        }
        if self.review_on <= self.decided_on {
            return Err(DomainError::invalid(
                "restriction.review_on",
                format!("must be after decided_on ({})", self.decided_on),
            ));
        }
        let days = (self.review_on - self.decided_on).whole_days();
        if days > MAX_REVIEW_DAYS {
            return Err(DomainError::invalid(
                "restriction.review_on",
                format!("must be within {MAX_REVIEW_DAYS} days of decided_on (is {days})"),
            ));
        }
        Ok(())
    }

    /// Whether the restriction still holds on `today` (it lapses on its review date).
    pub fn holds_on(&self, today: Date) -> bool {
        today < self.review_on
    }
}

/// The numbering series of a conference's documents.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Series {
    /// Main documents: contributions, reports, outputs ("PP14/64").
    Main,
    /// Temporary documents ("DT/24").
    Temporary,
    /// Administrative documents ("ADM/54").
    Administrative,
}

/// The kind of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// A contribution (proposals) from members.
    Contribution,
    /// A temporary document.
    Temporary,
    /// An information document.
    Information,
    /// A draft text.
    Draft,
    /// A report of a group.
    Report,
    /// An output (adopted text).
    Output,
    /// A statement.
    Statement,
}

/// How a document relates to an earlier one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "relation")]
pub enum Relation {
    /// Adds to the earlier document.
    Addendum {
        /// The earlier document.
        of: String,
    },
    /// Replaces it.
    Revision {
        /// The earlier document.
        of: String,
    },
    /// Corrects it.
    Corrigendum {
        /// The earlier document.
        of: String,
    },
}

/// A stored file of a language version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    /// Where it is in the object store.
    pub key: String,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// SHA-256 of its bytes (hex).
    pub sha256: String,
}

/// The media types a language version's file may have: PDF, Word (DOCX), OpenDocument
/// text (ODT), HTML and plain text (UTF-8). Each is recognized by its bytes
/// ([`sniff_media_type`]), never by a declared type alone.
pub const FILE_MEDIA_TYPES: &[&str] = &[
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "text/html",
    "text/plain",
];

/// Recognizes an allowed file type by its bytes; `None` when the bytes are none of
/// [`FILE_MEDIA_TYPES`] (see [`recognize_file`] for why).
pub fn sniff_media_type(bytes: &[u8]) -> Option<&'static str> {
    recognize_file(bytes).ok()
}

/// The most a Word or OpenDocument file may expand to (all its entries uncompressed).
pub const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;
/// The most any entry of such a file may expand relative to its compressed size.
pub const MAX_EXPANSION: u64 = 200;

/// Recognizes an allowed file type by its structure, not its first bytes alone: a PDF has
/// its header and its `%%EOF` trailer; a Word (DOCX) or OpenDocument (ODT) file is a ZIP
/// whose central directory names the parts of its format and whose entries expand to at
/// most [`MAX_UNPACKED_BYTES`] (each at most [`MAX_EXPANSION`] times), so that a
/// decompression bomb is refused; HTML and plain text are UTF-8 without control
/// characters.
///
/// # Errors
/// Why the bytes are refused, in words for the uploader.
pub fn recognize_file(bytes: &[u8]) -> Result<&'static str, String> {
    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }
    if bytes.starts_with(b"%PDF-") {
        let version = bytes.get(5..8).unwrap_or_default();
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        if !(version.len() == 3
            && version[0].is_ascii_digit()
            && version[1] == b'.'
            && version[2].is_ascii_digit())
        {
            return Err("the file begins like a PDF but has no PDF version (%PDF-1.7)".into());
        }
        if !contains(tail, b"%%EOF") {
            return Err(
                "the file begins like a PDF but does not end like one (no %%EOF trailer)".into(),
            );
        }
        return Ok("application/pdf");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let entries = zip_entries(bytes)?;
        let mut total: u64 = 0;
        for e in &entries {
            if e.unpacked > e.packed.max(1).saturating_mul(MAX_EXPANSION) {
                return Err(format!(
                    "the entry '{}' expands {} times (at most {MAX_EXPANSION} are allowed): a compressed file that unpacks far larger than it is is refused",
                    e.name,
                    e.unpacked / e.packed.max(1)
                ));
            }
            total = total.saturating_add(e.unpacked);
        }
        if total > MAX_UNPACKED_BYTES {
            return Err(format!(
                "the file unpacks to {total} bytes, more than the {MAX_UNPACKED_BYTES} allowed"
            ));
        }
        let has = |name: &str| entries.iter().any(|e| e.name == name);
        // ODF puts an uncompressed `mimetype` entry first; OOXML has [Content_Types].xml
        // and its main part under word/.
        if bytes.get(30..).is_some_and(|rest| {
            rest.starts_with(b"mimetypeapplication/vnd.oasis.opendocument.text")
        }) && has("content.xml")
        {
            return Ok("application/vnd.oasis.opendocument.text");
        }
        if has("[Content_Types].xml") && has("word/document.xml") {
            return Ok("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        }
        return Err(
            "the file is a ZIP archive but neither a Word document (word/document.xml) nor an OpenDocument text (content.xml)".into(),
        );
    }
    let text = std::str::from_utf8(bytes).map_err(|_| {
        "the file is none of PDF, DOCX, ODT, or HTML and plain text in UTF-8".to_owned()
    })?;
    if text.is_empty() {
        return Err("the file is empty".into());
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
    {
        return Err("the text holds control characters: it is not plain text or HTML".into());
    }
    let head = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .get(..14)
        .unwrap_or("")
        .to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        Ok("text/html")
    } else {
        Ok("text/plain")
    }
}

/// One entry of a ZIP archive's central directory.
struct ZipEntry {
    name: String,
    packed: u64,
    unpacked: u64,
}

/// The entries of a ZIP archive, read from its central directory (the sizes the archive
/// declares; the bytes are never inflated here).
fn zip_entries(bytes: &[u8]) -> Result<Vec<ZipEntry>, String> {
    let u16_at = |at: usize| -> Option<u64> {
        bytes
            .get(at..at + 2)
            .map(|b| u64::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |at: usize| -> Option<u64> {
        bytes
            .get(at..at + 4)
            .map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
    };
    let broken = || "the file is a damaged ZIP archive (no readable central directory)".to_owned();
    // The end of central directory record: within the last 64 KiB + 22 bytes.
    let from = bytes.len().saturating_sub(65_557);
    let eocd = (from..bytes.len().saturating_sub(21))
        .rev()
        .find(|&k| bytes[k..].starts_with(b"PK\x05\x06"))
        .ok_or_else(broken)?;
    let count = u16_at(eocd + 10).ok_or_else(broken)?;
    let mut at = usize::try_from(u32_at(eocd + 16).ok_or_else(broken)?).map_err(|_| broken())?;
    if count == 0xFFFF || at == 0xFFFF_FFFF {
        return Err("the file is a ZIP64 archive, which is not accepted".into());
    }
    let mut out = Vec::new();
    for _ in 0..count {
        if !bytes
            .get(at..)
            .is_some_and(|b| b.starts_with(b"PK\x01\x02"))
        {
            return Err(broken());
        }
        let packed = u32_at(at + 20).ok_or_else(broken)?;
        let unpacked = u32_at(at + 24).ok_or_else(broken)?;
        if packed == 0xFFFF_FFFF || unpacked == 0xFFFF_FFFF {
            return Err("the file is a ZIP64 archive, which is not accepted".into());
        }
        let name_len =
            usize::try_from(u16_at(at + 28).ok_or_else(broken)?).map_err(|_| broken())?;
        let extra = usize::try_from(u16_at(at + 30).ok_or_else(broken)?).map_err(|_| broken())?;
        let comment = usize::try_from(u16_at(at + 32).ok_or_else(broken)?).map_err(|_| broken())?;
        let name = bytes.get(at + 46..at + 46 + name_len).ok_or_else(broken)?;
        out.push(ZipEntry {
            name: String::from_utf8_lossy(name).into_owned(),
            packed,
            unpacked,
        });
        at += 46 + name_len + extra + comment;
    }
    Ok(out)
}

impl FileRef {
    /// The object store key of a file with this SHA-256: files are content addressed.
    pub fn key_for(sha256: &str) -> String {
        format!("sha256/{sha256}")
    }

    /// Checks that the reference is well formed: an allowed media type, a non-empty size,
    /// a SHA-256 in hex and the key that hash gives.
    ///
    /// # Errors
    /// The first rule broken, naming the field.
    pub fn check(&self) -> Result<(), DomainError> {
        if !FILE_MEDIA_TYPES.contains(&self.media_type.as_str()) {
            return Err(DomainError::invalid(
                "file.media_type",
                "is not an allowed type (PDF, DOCX, ODT, HTML, plain text)",
            ));
        }
        if self.size == 0 {
            return Err(DomainError::invalid("file.size", "must not be empty"));
        }
        let hex_ok = self.sha256.len() == 64
            && self
                .sha256
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
        if !hex_ok {
            return Err(DomainError::invalid(
                "file.sha256",
                "must be 64 lowercase hex digits",
            ));
        }
        if self.key != Self::key_for(&self.sha256) {
            return Err(DomainError::invalid(
                "file.key",
                format!("must be {}", Self::key_for(&self.sha256)),
            ));
        }
        Ok(())
    }
}

/// One language version of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageVersion {
    /// The language.
    pub language: Language,
    /// Its text, if given as text.
    pub text: Option<String>,
    /// Its file, if given as a file.
    pub file: Option<FileRef>,
}

/// A numbered document of a conference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Its id, e.g. `pp-14.main-64`.
    pub id: String,
    /// The conference.
    pub conference: ConferenceId,
    /// Its series.
    pub series: Series,
    /// Its number in the series.
    pub number: u32,
    /// Its symbol, e.g. `PP14/64`, `DT/24`, `PP14/64(Add.1)`.
    pub symbol: String,
    /// Its kind.
    pub kind: DocumentKind,
    /// Its title.
    pub title: String,
    /// Who submits it.
    pub sponsors: Vec<MemberId>,
    /// The group it is addressed to.
    pub group: Option<GroupId>,
    /// Its relation to an earlier document.
    pub relation: Option<Relation>,
    /// Its language versions.
    pub versions: Vec<LanguageVersion>,
    /// The day it was submitted.
    #[schemars(with = "crate::schema::IsoDate")]
    pub submitted_on: Date,
    /// The restriction in force, if any.
    pub restriction: Option<Restriction>,
    /// Earlier restrictions and renewals, oldest first.
    #[serde(default)]
    pub restriction_history: Vec<Restriction>,
    /// When it was last declassified, if ever.
    #[serde(default)]
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub declassified_on: Option<Date>,
    /// Its addenda, revisions and corrigenda (ids), in order.
    #[serde(default)]
    pub related: Vec<String>,
}

impl Document {
    /// Whether its content is withheld from the public on `today`.
    pub fn is_restricted_on(&self, today: Date) -> bool {
        self.restriction.as_ref().is_some_and(|r| r.holds_on(today))
    }

    /// The access scope that its content events carry.
    pub fn scope(&self) -> String {
        scope_of(&self.id)
    }
}

/// The access scope of a document's content: `document:<id>`.
pub fn scope_of(document_id: &str) -> String {
    format!("document:{document_id}")
}

/// What a member submits: the secretariat numbers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// The conference.
    pub conference: ConferenceId,
    /// The series it is numbered in.
    pub series: Series,
    /// Its kind.
    pub kind: DocumentKind,
    /// Its title.
    pub title: String,
    /// Who submits it.
    #[serde(default)]
    pub sponsors: Vec<MemberId>,
    /// The group it is addressed to.
    #[serde(default)]
    pub group: Option<GroupId>,
    /// Its relation to an earlier document (then it takes that document's number).
    #[serde(default)]
    pub relation: Option<Relation>,
    /// Its language versions (at least one).
    pub versions: Vec<LanguageVersion>,
    /// A restriction decided at submission, if any.
    #[serde(default)]
    pub restriction: Option<Restriction>,
}

/// How a restriction ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "by")]
pub enum Declassification {
    /// Its review date came without a renewal.
    ReviewDateReached,
    /// Someone decided to lift it.
    Decision {
        /// Who decided.
        decided_by: String,
        /// Why, in writing.
        note: String,
    },
}
#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn restriction() -> Restriction {
        Restriction {
            reason: RestrictionReason::PersonalData,
            justification: "Lists the home addresses of the members of a delegation.".into(),
            decided_by: "Secretary-General".into(),
            decided_on: date!(2014 - 10 - 21),
            review_on: date!(2015 - 10 - 21),
            title_restricted: false,
        }
    }

    #[test]
    fn a_restriction_without_a_real_justification_is_refused() {
        let mut r = restriction();
        r.justification = "confidential".into();
        let err = r.check().unwrap_err();
        assert!(
            matches!(err, DomainError::InvalidField { ref field, .. } if field == "restriction.justification"),
            "{err}"
        );
    }

    #[test]
    fn a_restriction_must_be_reviewed_within_a_year() {
        let mut r = restriction();
        r.review_on = date!(2016 - 10 - 21);
        assert!(r.check().is_err());
        r.review_on = r.decided_on;
        assert!(r.check().is_err());
        assert!(restriction().check().is_ok());
    }

    #[test]
    fn file_types_are_known_by_their_bytes_not_their_name() {
        assert_eq!(
            sniff_media_type(b"%PDF-1.7\n...\n%%EOF\n"),
            Some("application/pdf")
        );
        assert_eq!(sniff_media_type(b"<!DOCTYPE html><p>x"), Some("text/html"));
        assert_eq!(sniff_media_type(b"Resolution 101\n"), Some("text/plain"));
        let odt = zip(&[
            ("mimetype", b"application/vnd.oasis.opendocument.text", 0),
            ("content.xml", b"<office:document-content/>", 0),
        ]);
        assert_eq!(
            sniff_media_type(&odt),
            Some("application/vnd.oasis.opendocument.text")
        );
        let docx = zip(&[
            ("[Content_Types].xml", b"<Types/>", 0),
            ("word/document.xml", b"<w:document/>", 0),
        ]);
        assert_eq!(
            sniff_media_type(&docx),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        );
        assert_eq!(sniff_media_type(b"\x7fELF\x02\x01"), None);
        assert_eq!(sniff_media_type(b"MZ\x90\x00"), None);
        assert_eq!(sniff_media_type(b"PK\x03\x04 a plain zip"), None);
        assert_eq!(sniff_media_type(b""), None);
    }

    /// A ZIP archive of stored entries; `claim` > 0 declares that uncompressed size instead
    /// of the real one (as a decompression bomb's directory does).
    fn zip(entries: &[(&str, &[u8], u32)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut dir = Vec::new();
        for (name, data, claim) in entries {
            let offset = u32::try_from(out.len()).unwrap();
            let size = u32::try_from(data.len()).unwrap();
            let unpacked = if *claim > 0 { *claim } else { size };
            let name_len = u16::try_from(name.len()).unwrap();
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&unpacked.to_le_bytes());
            out.extend_from_slice(&name_len.to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            dir.extend_from_slice(b"PK\x01\x02");
            dir.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            dir.extend_from_slice(&size.to_le_bytes());
            dir.extend_from_slice(&unpacked.to_le_bytes());
            dir.extend_from_slice(&name_len.to_le_bytes());
            dir.extend_from_slice(&[0; 12]);
            dir.extend_from_slice(&offset.to_le_bytes());
            dir.extend_from_slice(name.as_bytes());
        }
        let dir_at = u32::try_from(out.len()).unwrap();
        let dir_len = u32::try_from(dir.len()).unwrap();
        let n = u16::try_from(entries.len()).unwrap();
        out.extend_from_slice(&dir);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&dir_len.to_le_bytes());
        out.extend_from_slice(&dir_at.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn a_file_must_be_what_it_begins_like_and_a_decompression_bomb_is_refused() {
        let html_as_pdf = recognize_file(b"%PDF-1.7\n<html><script>alert(1)</script></html>");
        assert!(html_as_pdf.unwrap_err().contains("%%EOF"));
        assert!(
            recognize_file(b"%PDF-<html>")
                .unwrap_err()
                .contains("version")
        );
        let bomb = zip(&[
            ("[Content_Types].xml", b"<Types/>", 0),
            ("word/document.xml", &[b'x'; 1000], 1 << 30),
        ]);
        let why = recognize_file(&bomb).unwrap_err();
        assert!(
            why.contains("word/document.xml") && why.contains("expands"),
            "{why}"
        );
        let not_word = zip(&[("[Content_Types].xml", b"<Types/>", 0), ("word/", b"", 0)]);
        assert!(
            recognize_file(&not_word)
                .unwrap_err()
                .contains("word/document.xml")
        );
        assert!(
            recognize_file(b"PK\x03\x04 truncated")
                .unwrap_err()
                .contains("damaged")
        );
    }

    #[test]
    fn a_restriction_lapses_on_its_review_date() {
        let r = restriction();
        assert!(r.holds_on(date!(2015 - 10 - 20)));
        assert!(!r.holds_on(date!(2015 - 10 - 21)));
    }
}
