//! What search finds, as a pure function of the views: [`entries`] turns a view document
//! (a revision's text, a document's language versions) into search entries, one per
//! provision or per language version, each with its facets and its access scope; and the
//! query language users type ([`parse_query`]) becomes a [`Match`] that each database
//! engine translates into its own syntax.
//!
//! Both engines see the same tokens: words are normalized here (lower case, Arabic
//! diacritics dropped, stemmed in the entry's language, Chinese cut into character
//! bigrams) and the databases index the normalized text without further processing. So
//! SQLite FTS5 and PostgreSQL find exactly the same set for the same query. They show it
//! in the same order too: the hits with the query's words as typed ([`Query::whole_phrase`])
//! first, then newest first by each entry's row number ([`order_key`]), nothing scored. The
//! syntax is described in `docs/search.md`.

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::documents::{Document, DocumentKind};
use crate::error::DomainError;
use crate::model::{Language, Revision};
use crate::projection::DocKind;
use crate::records::{Decision, Sponsor, Translation, VoteRecord};

/// Where an entry stands, as a facet.
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
pub enum Status {
    /// Agreed text of an adopted revision.
    Adopted,
    /// Text that still holds a bracket (disputed alternatives).
    OpenBracket,
    /// Text of a withdrawn proposal or alternative (it stays on the record).
    Withdrawn,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 3] = [Self::Adopted, Self::OpenBracket, Self::Withdrawn];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Adopted => "adopted",
            Self::OpenBracket => "open_bracket",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// Where a hit is found: enough to link to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Place {
    /// The instrument, for a provision.
    pub instrument: Option<String>,
    /// The revision, for a provision.
    pub revision: Option<String>,
    /// The document, for a document's text.
    pub document: Option<String>,
    /// The draft, for a negotiating text (its provisions and what was withdrawn from it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<String>,
    /// The revision whose record holds this text (a translation, a recorded vote): read
    /// at `/api/v1/revisions/{record}/record`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// The fragment that points at the provision on its revision's page (`provision-…`).
    pub anchor: Option<String>,
    /// The provision's label as printed (`a)`, `3`).
    pub label: Option<String>,
    /// The heading of the provision's section (`recognizing`, `resolves`).
    pub section: Option<String>,
}

/// One searchable piece of text, with its facets and who may read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchEntry {
    /// Unique in the index: `revision:<id>#<provision>` or `document:<id>/<language>`.
    pub id: String,
    /// `provision`, or a document's kind (`contribution`, `report`, …). Later kinds
    /// (proposals, drafts) add their own.
    pub kind: String,
    /// What the hit is shown as: a citation, or a document's symbol and title.
    pub title: String,
    /// The text as read (brackets shown as `[a / b]`).
    pub text: String,
    /// The language it is written in: a two-letter code (`en`, `fr`, `de`, see
    /// [`LANGUAGES`]), or the source's own code for a language search does not stem.
    pub language: String,
    /// The conference it belongs to, if any.
    pub conference: Option<String>,
    /// The group it is addressed to, if any.
    pub group: Option<String>,
    /// Its date (adoption or submission).
    pub date: Option<Date>,
    /// Where it stands, if it has a status.
    pub status: Option<Status>,
    /// Who sponsors it (and, for bracketed text, who stands behind each alternative).
    pub sponsors: Vec<String>,
    /// `None` when public; otherwise the access scope it follows (`document:<id>`).
    pub scope: Option<String>,
    /// Whether the title is searched with the text (a document's language versions; not
    /// its title entry, whose text is the title).
    #[serde(default)]
    pub title_in_text: bool,
    /// Where it is.
    pub place: Place,
}

impl SearchEntry {
    /// The normalized tokens the databases index, space-separated: the text, and for a
    /// document's language version also the document's symbol and title.
    pub fn tokens(&self) -> String {
        let mut out = String::new();
        if self.place.document.is_some() && self.title_in_text {
            push_tokens(&self.title, &self.language, &mut out);
        }
        push_tokens(&self.text, &self.language, &mut out);
        out
    }
}

/// The view kinds that have search entries (a store indexes only these).
pub fn indexed(kind: DocKind) -> bool {
    matches!(
        kind,
        DocKind::Revision
            | DocKind::Document
            | DocKind::Draft
            | DocKind::Translation
            | DocKind::Votes
    )
}

/// The search entries of a view document (its kind and canonical JSON). A body that does
/// not decode gives no entries: search never blocks the record.
pub fn entries(kind: DocKind, body: &str) -> Vec<SearchEntry> {
    match kind {
        DocKind::Revision => serde_json::from_str::<Revision>(body)
            .map(|r| revision_entries(&r))
            .unwrap_or_default(),
        DocKind::Document => serde_json::from_str::<Document>(body)
            .map(|d| document_entries(&d))
            .unwrap_or_default(),
        DocKind::Draft => serde_json::from_str::<crate::negotiation::Draft>(body)
            .map(|d| draft_entries(&d))
            .unwrap_or_default(),
        DocKind::Translation => serde_json::from_str::<Translation>(body)
            .map(|t| translation_entries(&t))
            .unwrap_or_default(),
        DocKind::Votes => serde_json::from_str::<VoteRecord>(body)
            .map(|v| vec![vote_entry(&v)])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn document_kind_name(kind: DocumentKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One entry per language version with text (its symbol and title searched with it), all
/// in the document's scope: the content follows the document's restriction, whatever it
/// is now or later. A restricted document whose title is public (the restriction register
/// shows it) also has a title entry, `document:<id>/title`, in the scope
/// [`title_scope`]: readers who may not read the document find it by its symbol and title
/// there, and the others find the document's own entries instead (see [`hidden_scopes`]).
fn document_entries(d: &Document) -> Vec<SearchEntry> {
    let base = |id: String, language: String, text: String, scope: String| SearchEntry {
        id,
        kind: document_kind_name(d.kind),
        title: format!("{} {}", d.symbol, d.title),
        text,
        language,
        conference: Some(d.conference.to_string()),
        group: d.group.as_ref().map(ToString::to_string),
        date: Some(d.submitted_on),
        status: None,
        sponsors: d.sponsors.iter().map(ToString::to_string).collect(),
        scope: Some(scope),
        title_in_text: true,
        place: Place {
            document: Some(d.id.clone()),
            ..Place::default()
        },
    };
    let mut out: Vec<SearchEntry> = d
        .versions
        .iter()
        .filter_map(|v| {
            let text = v.text.as_ref()?;
            let code = language_code(v.language);
            Some(base(
                format!("document:{}/{code}", d.id),
                code.to_owned(),
                one_line(text),
                d.scope(),
            ))
        })
        .collect();
    if has_title_entry(d) {
        let language = d
            .versions
            .first()
            .map_or("en", |v| language_code(v.language));
        let mut e = base(
            format!("document:{}/title", d.id),
            language.to_owned(),
            format!("{} {}", d.symbol, one_line(&d.title)),
            title_scope(&d.scope()),
        );
        e.title_in_text = false;
        out.push(e);
    }
    out
}

/// Whether a document has a title entry apart: restricted, with its title public.
fn has_title_entry(d: &Document) -> bool {
    d.restriction.as_ref().is_some_and(|r| !r.title_restricted)
}

/// The scope of a document's title entry, from the document's scope.
pub fn title_scope(document_scope: &str) -> String {
    format!("title:{document_scope}")
}

/// The scopes whose entries `reader` must not find on `today`: the content of each
/// document it may not read, and the title entry of each document it may read (it finds
/// the document's own entries instead, so nothing is found twice).
pub fn hidden_scopes(
    reader: &crate::access::Actor,
    documents: &[Document],
    today: Date,
) -> Vec<String> {
    let mut out = Vec::new();
    for d in documents {
        let readable = crate::access::can_read_document(reader, d, today);
        if !readable {
            out.push(d.scope());
        } else if has_title_entry(d) {
            out.push(title_scope(&d.scope()));
        }
    }
    out
}

/// Member ids (or names as written, when unmapped) of an imported record's sponsors.
fn sponsor_ids(sponsors: &[Sponsor]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in sponsors {
        let id = s
            .state
            .member
            .as_ref()
            .map_or_else(|| s.state.name.clone(), ToString::to_string);
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// The provisions of an instrument's text, each as an entry made by `base` (its id's
/// suffix and its text), with the provision's anchor, label, section and brackets.
/// `None` when the text does not parse.
fn provision_entries(
    text: &str,
    base: &dyn Fn(String, String) -> SearchEntry,
) -> Option<Vec<SearchEntry>> {
    let instrument = plenary_text::parse(text).ok()?;
    let sponsors: Vec<String> = instrument
        .meta("sponsors")
        .map(|s| {
            s.split(',')
                .map(|x| x.trim().to_owned())
                .filter(|x| !x.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for (si, _, p) in instrument.provisions() {
        let mut e = base(format!("#{}", p.id), p.text.to_plain());
        for s in &sponsors {
            if !e.sponsors.contains(s) {
                e.sponsors.push(s.clone());
            }
        }
        if p.text.has_brackets() {
            e.status = Some(Status::OpenBracket);
            bracket_sponsors(&p.text, &mut e.sponsors);
        }
        e.place.anchor = Some(anchor(&p.id));
        e.place.label = Some(p.label.clone());
        e.place.section = instrument.sections.get(si).map(|s| s.heading.clone());
        out.push(e);
    }
    Some(out)
}

/// A revision's provisions, or its whole text as one entry when the text does not parse.
fn text_entries(text: &str, base: &dyn Fn(String, String) -> SearchEntry) -> Vec<SearchEntry> {
    provision_entries(text, base).unwrap_or_else(|| vec![base(String::new(), one_line(text))])
}

/// One entry per provision (sub-items are their own entries), public. An imported
/// revision carries its record's sponsors, and only an adopted one is `adopted` (a vetoed
/// or rejected draft has no status).
fn revision_entries(r: &Revision) -> Vec<SearchEntry> {
    let adopted = r.record.as_ref().is_none_or(|rec| match rec.decision {
        Decision::AdoptedWithoutVote | Decision::AdoptedByVote { .. } => true,
        Decision::NotRecorded => !rec.document_type.starts_with("draft"),
        _ => false,
    });
    let base = |suffix: String, text: String| SearchEntry {
        id: format!("revision:{}{suffix}", r.id),
        kind: "provision".into(),
        title: r.citation.clone(),
        text,
        language: "en".into(),
        conference: None,
        group: None,
        date: r.adopted_on,
        status: adopted.then_some(Status::Adopted),
        sponsors: r
            .record
            .as_ref()
            .map(|rec| sponsor_ids(&rec.sponsors))
            .unwrap_or_default(),
        scope: None,
        title_in_text: false,
        place: Place {
            instrument: Some(r.instrument.to_string()),
            revision: Some(r.id.to_string()),
            ..Place::default()
        },
    };
    text_entries(&r.text, &base)
}

/// A document's text in another language (imported with its original): one entry per
/// provision, in that language, linked to the record of the revision it translates.
fn translation_entries(t: &Translation) -> Vec<SearchEntry> {
    let language = language_of_iso639_2(&t.language);
    let record = crate::records::revision_id_for_symbol(&t.symbol)
        .ok()
        .map(|r| r.to_string());
    let base = |suffix: String, text: String| SearchEntry {
        id: format!("translation:{}{suffix}", t.key()),
        kind: "translation".into(),
        title: format!("{} ({language}) {}", t.symbol, one_line(&t.title)),
        text,
        language: language.clone(),
        conference: None,
        group: None,
        date: None,
        status: None,
        sponsors: Vec::new(),
        scope: None,
        title_in_text: false,
        place: Place {
            record: record.clone(),
            ..Place::default()
        },
    };
    text_entries(&t.text, &base)
}

/// A recorded vote: the document's symbol and title, how and where it was adopted, and
/// the draft it came from; its sponsors as a facet.
fn vote_entry(v: &VoteRecord) -> SearchEntry {
    let mut text = v.title.as_deref().map(one_line).unwrap_or_default();
    for part in [
        Some(v.adoption.as_str()),
        v.meeting.as_deref(),
        v.meeting_record.as_deref(),
        v.draft.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        if !text.is_empty() {
            text.push_str(". ");
        }
        text.push_str(&one_line(part));
    }
    SearchEntry {
        id: format!("votes:{}", crate::records::symbol_key(&v.symbol)),
        kind: "vote".into(),
        title: v.symbol.clone(),
        text,
        language: "en".into(),
        conference: None,
        group: None,
        date: v.date,
        status: None,
        sponsors: sponsor_ids(&v.sponsors),
        scope: None,
        title_in_text: false,
        place: Place {
            record: crate::records::revision_id_for_symbol(&v.symbol)
                .ok()
                .map(|r| r.to_string()),
            ..Place::default()
        },
    }
}

/// A draft's provisions (text inside open brackets included, marked `open_bracket`) and
/// the alternatives withdrawn from it (marked `withdrawn`): public, like the negotiation.
fn draft_entries(d: &crate::negotiation::Draft) -> Vec<SearchEntry> {
    let Ok(text) = plenary_text::parse(&d.text) else {
        return Vec::new();
    };
    let adopted = matches!(d.state, crate::negotiation::DraftState::Adopted { .. });
    let base = |suffix: String, words: String| SearchEntry {
        id: format!("draft:{}{suffix}", d.id),
        kind: "draft".into(),
        title: format!("{} (draft {})", text.citation(), d.id),
        text: words,
        language: "en".into(),
        conference: Some(d.conference.to_string()),
        group: Some(d.group.to_string()),
        date: None,
        status: adopted.then_some(Status::Adopted),
        sponsors: Vec::new(),
        scope: None,
        title_in_text: false,
        place: Place {
            draft: Some(d.id.clone()),
            ..Place::default()
        },
    };
    let mut out = provision_entries(&d.text, &base).unwrap_or_default();
    for (i, w) in d.withdrawals.iter().enumerate() {
        for (j, left) in w.left.iter().enumerate() {
            if left.text.trim().is_empty() {
                continue;
            }
            let mut e = base(format!("~withdrawn-{i}-{j}"), left.text.clone());
            e.kind = "withdrawn".into();
            e.status = Some(Status::Withdrawn);
            e.sponsors.clone_from(&w.sponsors);
            e.group = Some(w.group.to_string());
            e.place.anchor = left.provision.as_deref().map(anchor);
            out.push(e);
        }
    }
    out
}

fn bracket_sponsors(text: &plenary_text::Text, into: &mut Vec<String>) {
    for inline in &text.0 {
        if let plenary_text::Inline::Bracket(b) = inline {
            for alt in &b.alternatives {
                for s in &alt.sponsors {
                    if s != plenary_text::NOC && !into.contains(s) {
                        into.push(s.clone());
                    }
                }
                bracket_sponsors(&alt.text, into);
            }
        }
    }
}

/// The fragment of a provision on its revision's page.
pub fn anchor(provision_id: &str) -> String {
    format!("provision-{provision_id}")
}

// ---------------------------------------------------------------------------------------
// Words and tokens

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Marks that change no meaning for search: Arabic tatweel and harakat, combining
/// accents, soft hyphen, zero-width characters.
fn is_ignorable(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0640 | 0x064B..=0x065F | 0x0670 | 0x00AD | 0x200B..=0x200F)
}

/// A decimal digit of another script, as an ASCII digit.
fn ascii_digit(c: char) -> Option<char> {
    let d = match c as u32 {
        n @ 0x0660..=0x0669 => n - 0x0660,
        n @ 0x06F0..=0x06F9 => n - 0x06F0,
        n @ 0xFF10..=0xFF19 => n - 0xFF10,
        _ => return None,
    };
    char::from_digit(d, 10)
}

/// A character both engines keep inside a token: ASCII letters and digits, and letters
/// of other scripts. (PostgreSQL's parser drops other numeric signs such as `²`.)
fn word_char(c: char) -> Option<char> {
    if c.is_ascii_alphanumeric() {
        Some(c)
    } else if c.is_ascii() {
        None
    } else if let Some(d) = ascii_digit(c) {
        Some(d)
    } else if c.is_alphabetic() && !is_cjk(c) {
        Some(c)
    } else {
        None
    }
}

/// A piece of text as search sees it.
#[derive(Debug, PartialEq)]
enum Piece {
    /// A word of an alphabetic script, lower-cased.
    Word(String),
    /// A run of Chinese (or Japanese, Korean) characters.
    Cjk(String),
}

/// Splits text into words and CJK runs, with each one's byte range in the source.
fn pieces(text: &str) -> Vec<(std::ops::Range<usize>, Piece)> {
    Pieces::new(text).collect()
}

/// The words and CJK runs of a text as they are read, so that a snippet reads only as far
/// as it shows.
struct Pieces<'a> {
    text: &'a str,
    chars: std::str::CharIndices<'a>,
    /// The piece being read: where it starts, whether it is CJK, its lower-cased text.
    current: Option<(usize, bool, String)>,
}

impl<'a> Pieces<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            chars: text.char_indices(),
            current: None,
        }
    }

    /// Ends the current piece at byte `end`.
    fn finish(&mut self, end: usize) -> Option<(std::ops::Range<usize>, Piece)> {
        let (start, cjk, s) = self.current.take()?;
        if s.is_empty() {
            return None;
        }
        let piece = if cjk { Piece::Cjk(s) } else { Piece::Word(s) };
        Some((start..end, piece))
    }
}

impl Iterator for Pieces<'_> {
    type Item = (std::ops::Range<usize>, Piece);

    fn next(&mut self) -> Option<Self::Item> {
        while let Some((i, c)) = self.chars.next() {
            // Most text is ASCII: a letter or digit goes on a word, anything else ends one.
            if c.is_ascii() {
                if c.is_ascii_alphanumeric() {
                    match &mut self.current {
                        Some((_, false, s)) => s.push(c.to_ascii_lowercase()),
                        Some(_) => {
                            let done = self.finish(i);
                            self.current = Some((i, false, c.to_ascii_lowercase().to_string()));
                            if done.is_some() {
                                return done;
                            }
                        }
                        None => self.current = Some((i, false, c.to_ascii_lowercase().to_string())),
                    }
                } else if let Some(done) = self.finish(i) {
                    return Some(done);
                }
                continue;
            }
            if is_ignorable(c) {
                continue;
            }
            let kind = if is_cjk(c) {
                Some(true)
            } else if word_char(c).is_some() {
                Some(false)
            } else {
                None
            };
            match kind {
                None => {
                    if let Some(done) = self.finish(i) {
                        return Some(done);
                    }
                }
                Some(cjk) => {
                    let done = if self.current.as_ref().is_some_and(|(_, k, _)| *k != cjk) {
                        self.finish(i)
                    } else {
                        None
                    };
                    let cur = self.current.get_or_insert_with(|| (i, cjk, String::new()));
                    if cjk {
                        cur.2.push(c);
                    } else if let Some(w) = word_char(c) {
                        cur.2.extend(w.to_lowercase());
                    }
                    if done.is_some() {
                        return done;
                    }
                }
            }
        }
        self.finish(self.text.len())
    }
}

/// The languages search knows by their stems, as two-letter codes: the six UN languages
/// and German (imported translations hold it). Text in another language is indexed word
/// by word, unstemmed, under its source's code, and found unfiltered.
pub const LANGUAGES: [&str; 7] = ["ar", "zh", "en", "fr", "ru", "es", "de"];

/// The code of one of the six languages, as entries and filters name it.
pub fn language_code(l: Language) -> &'static str {
    match l {
        Language::Arabic => "ar",
        Language::Chinese => "zh",
        Language::English => "en",
        Language::French => "fr",
        Language::Russian => "ru",
        Language::Spanish => "es",
    }
}

/// The search code of an ISO 639-2 language code (as Akoma Ntoso writes it: `fra`,
/// `zho`, `deu`); an unknown code stays as written, lower-cased.
pub fn language_of_iso639_2(code: &str) -> String {
    let code = code.trim().to_ascii_lowercase();
    match code.as_str() {
        "ara" => "ar",
        "zho" | "chi" => "zh",
        "eng" => "en",
        "fra" | "fre" => "fr",
        "rus" => "ru",
        "spa" => "es",
        "deu" | "ger" => "de",
        other => return other.to_owned(),
    }
    .to_owned()
}

fn stemmer(language: &str) -> Option<Stemmer> {
    let algorithm = match language {
        "en" => Algorithm::English,
        "fr" => Algorithm::French,
        "es" => Algorithm::Spanish,
        "ru" => Algorithm::Russian,
        "ar" => Algorithm::Arabic,
        "de" => Algorithm::German,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

/// The index form of one word in a language: its stem (only of word characters, so both
/// engines keep it whole); numbers and mixed words stay as they are.
fn stem_word(word: &str, stemmer: Option<&Stemmer>) -> String {
    match stemmer {
        Some(s) if word.chars().all(char::is_alphabetic) => {
            let stem: String = s.stem(word).chars().filter_map(word_char).collect();
            if stem.is_empty() {
                word.to_owned()
            } else {
                stem
            }
        }
        _ => word.to_owned(),
    }
}

/// The bigrams of a CJK run (a single character stands alone).
fn bigrams(run: &str) -> Vec<String> {
    let chars: Vec<char> = run.chars().collect();
    if chars.len() < 2 {
        return vec![run.to_owned()];
    }
    chars.windows(2).map(|w| w.iter().collect()).collect()
}

fn piece_tokens(piece: &Piece, stemmer: Option<&Stemmer>) -> Vec<String> {
    match piece {
        Piece::Word(w) => vec![stem_word(w, stemmer)],
        Piece::Cjk(run) => bigrams(run),
    }
}

fn push_tokens(text: &str, language: &str, out: &mut String) {
    let stemmer = stemmer(language);
    for (_, piece) in pieces(text) {
        for t in piece_tokens(&piece, stemmer.as_ref()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&t);
        }
    }
}

/// The tokens of a text in a language, as the index holds them.
pub fn tokens(text: &str, language: &str) -> Vec<String> {
    let stemmer = stemmer(language);
    pieces(text)
        .iter()
        .flat_map(|(_, p)| piece_tokens(p, stemmer.as_ref()))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Queries

/// A sequence of index tokens to find next to each other (one token: anywhere); with
/// `prefix`, the last token may be the start of a longer one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pattern {
    /// The tokens, in order (never empty; each only of word characters).
    pub tokens: Vec<String>,
    /// Whether the last token is a prefix.
    pub prefix: bool,
}

/// A query in index tokens: an entry matches when, for every group of `require`, it
/// matches at least one of the group's patterns, and it matches no pattern of `exclude`.
/// `require` is never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Groups that must each match (AND of ORs).
    pub require: Vec<Vec<Pattern>>,
    /// Patterns that must not match.
    pub exclude: Vec<Pattern>,
}

/// One term of a user's query.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    /// The words as typed (a phrase's words, or one word); several tokens are matched as
    /// a phrase.
    words: String,
    prefix: bool,
}

/// A parsed query, before it is put in index tokens for the languages searched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    require: Vec<Vec<Term>>,
    exclude: Vec<Term>,
}

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most terms a query may hold.
pub const MAX_TERMS: usize = 32;

/// Parses the search syntax: words (all must occur), `"a phrase"`, `prefix*`, `a OR b`,
/// `-excluded` (a word or a phrase). See `docs/search.md`.
///
/// # Errors
/// [`DomainError::InvalidField`] on field `q`: empty, too long, an unclosed quote, `OR`
/// without a term on each side, or nothing left to look for.
pub fn parse_query(q: &str) -> Result<Query, DomainError> {
    let invalid = |rule: &str| DomainError::invalid("q", rule);
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(invalid(&format!(
            "must be at most {MAX_QUERY_CHARS} characters"
        )));
    }
    // Lex: terms with an optional leading '-', and bare OR.
    enum Lexeme {
        Term { negated: bool, term: Term },
        Or,
    }
    let mut lexemes = Vec::new();
    let mut chars = q.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut negated = false;
        if c == '-' {
            chars.next();
            negated = true;
        }
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut words = String::new();
            let mut closed = false;
            for c in chars.by_ref() {
                if c == '"' {
                    closed = true;
                    break;
                }
                words.push(c);
            }
            if !closed {
                return Err(invalid("has a quote that is not closed"));
            }
            let prefix = chars.peek() == Some(&'*');
            if prefix {
                chars.next();
            }
            lexemes.push(Lexeme::Term {
                negated,
                term: Term { words, prefix },
            });
            continue;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == '"' {
                break;
            }
            word.push(c);
            chars.next();
        }
        if word == "OR" && !negated {
            lexemes.push(Lexeme::Or);
            continue;
        }
        let prefix = word.ends_with('*');
        let words = word.trim_end_matches('*').to_owned();
        lexemes.push(Lexeme::Term {
            negated,
            term: Term { words, prefix },
        });
    }
    let mut require: Vec<Vec<Term>> = Vec::new();
    let mut exclude = Vec::new();
    let mut joining = false;
    let mut count = 0;
    for (i, lexeme) in lexemes.into_iter().enumerate() {
        match lexeme {
            Lexeme::Or => {
                if i == 0 || joining || require.is_empty() {
                    return Err(invalid("OR needs a word or phrase on each side"));
                }
                joining = true;
            }
            Lexeme::Term { negated, term } => {
                count += 1;
                if pieces(&term.words).is_empty() {
                    if joining {
                        return Err(invalid("OR needs a word or phrase on each side"));
                    }
                    continue;
                }
                if negated {
                    if joining {
                        return Err(invalid("an excluded term (-word) cannot be part of OR"));
                    }
                    exclude.push(term);
                } else if joining {
                    if let Some(last) = require.last_mut() {
                        last.push(term);
                    }
                    joining = false;
                } else {
                    require.push(vec![term]);
                }
            }
        }
    }
    if joining {
        return Err(invalid("OR needs a word or phrase on each side"));
    }
    if count > MAX_TERMS {
        return Err(invalid(&format!("may hold at most {MAX_TERMS} terms")));
    }
    if require.is_empty() {
        return Err(invalid(
            "needs at least one word to look for (excluded words alone find nothing)",
        ));
    }
    Ok(Query { require, exclude })
}

/// A term in index tokens as `language` stems it (`None` when nothing of it is a word).
fn term_pattern(term: &Term, language: &str) -> Option<Pattern> {
    let pieces = pieces(&term.words);
    let stemmer = stemmer(language);
    let mut tokens = Vec::new();
    let mut prefix = false;
    for (i, (_, piece)) in pieces.iter().enumerate() {
        let last = i + 1 == pieces.len();
        match piece {
            Piece::Word(w) if last && term.prefix => {
                // A prefix is matched against stems: keep what the word and its stem
                // share ("digital*" → "digit*", which finds "digital" and "digits").
                let stem = stem_word(w, stemmer.as_ref());
                let shared: String = w
                    .chars()
                    .zip(stem.chars())
                    .take_while(|(a, b)| a == b)
                    .map(|(a, _)| a)
                    .collect();
                tokens.push(if shared.is_empty() { w.clone() } else { shared });
                prefix = true;
            }
            Piece::Cjk(_) if last && term.prefix => {
                tokens.extend(piece_tokens(piece, stemmer.as_ref()));
                prefix = true;
            }
            _ => tokens.extend(piece_tokens(piece, stemmer.as_ref())),
        }
    }
    (!tokens.is_empty()).then_some(Pattern { tokens, prefix })
}

/// Each term in index tokens as each of `languages` stems it, without repeats (an entry
/// matches any of them).
fn patterns(terms: &[Term], languages: &[&str]) -> Vec<Pattern> {
    let mut out = Vec::new();
    for term in terms {
        for &language in languages {
            if let Some(p) = term_pattern(term, language)
                && !out.contains(&p)
            {
                out.push(p);
            }
        }
    }
    out
}

impl Query {
    /// The query in index tokens for entries in `languages` (each word is stemmed as each
    /// language would stem it, and an entry matches any of the forms).
    pub fn to_match(&self, languages: &[&str]) -> Match {
        Match {
            require: self
                .require
                .iter()
                .map(|group| patterns(group, languages))
                .collect(),
            exclude: patterns(&self.exclude, languages),
        }
    }

    /// The query's words as one phrase, in the order typed (`privacy digital` →
    /// `"privacy digital"`), for entries in `languages`: the hits that match it are shown
    /// first. `None` when there is no such phrase: a single term, an `OR`, or a prefix
    /// before the last word.
    pub fn whole_phrase(&self, languages: &[&str]) -> Option<Match> {
        if self.require.len() < 2 || self.require.iter().any(|g| g.len() != 1) {
            return None;
        }
        let terms: Vec<&Term> = self.require.iter().map(|g| &g[0]).collect();
        if terms[..terms.len() - 1].iter().any(|t| t.prefix) {
            return None;
        }
        let mut phrases = Vec::new();
        for &language in languages {
            let mut tokens = Vec::new();
            let mut prefix = false;
            for t in &terms {
                let p = term_pattern(t, language)?;
                tokens.extend(p.tokens);
                prefix = p.prefix;
            }
            let p = Pattern { tokens, prefix };
            if !phrases.contains(&p) {
                phrases.push(p);
            }
        }
        Some(Match {
            require: vec![phrases],
            exclude: patterns(&self.exclude, languages),
        })
    }
}

// ---------------------------------------------------------------------------------------
// Requests and results

/// Narrowing a search.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    /// Only this conference.
    pub conference: Option<String>,
    /// Only this group.
    pub group: Option<String>,
    /// Only this kind (`provision`, `contribution`, …).
    pub kind: Option<String>,
    /// Only entries this member or group sponsors.
    pub sponsor: Option<String>,
    /// Only this language (one of [`LANGUAGES`]).
    pub language: Option<String>,
    /// Only this status.
    pub status: Option<Status>,
    /// Dated on or after.
    pub from: Option<Date>,
    /// Dated on or before.
    pub to: Option<Date>,
}

/// A search as a backend runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// What to find.
    pub matching: Match,
    /// The hits shown first: those that also match this (the query's words as one
    /// phrase, see [`Query::whole_phrase`]). Within each part, and without it, hits are
    /// shown newest first: by [`order_key`].
    pub first: Option<Match>,
    /// How to narrow it.
    pub filters: Filters,
    /// The scopes the reader may not read: entries in them are left out before anything
    /// is counted, ranked or shown.
    pub hidden_scopes: Vec<String>,
    /// Most hits to return.
    pub limit: u32,
    /// Hits to skip (for pages).
    pub offset: u32,
    /// Whether to count the facets over all hits (the total is always counted). Counting
    /// reads every hit's facets, so a search that shows no facets skips it.
    pub facets: bool,
}

/// How many entries one day's part of the order holds: an entry's row number is its
/// day's [`order_key`] plus its place among that day's entries.
pub const ORDER_DAY_SPAN: i64 = 1 << 24;

/// Where the row numbers of entries dated `date` start: its Julian day times
/// [`ORDER_DAY_SPAN`]. Hits are shown by descending row number, so newest first, and the
/// databases can stop reading a term's hits once a page is full instead of scoring every
/// one. Entries without a date (a draft, a translation, a vote whose record gives none)
/// start at 0, after every dated entry, as a date-ordered list shows them.
pub fn order_key(date: Option<Date>) -> i64 {
    date.map_or(0, |d| i64::from(d.to_julian_day()).max(1) * ORDER_DAY_SPAN)
}

/// Most hits one page may hold (an export asks for this many).
pub const MAX_LIMIT: u32 = 1000;

/// The facets a search counts.
pub const FACETS: [&str; 6] = [
    "conference",
    "group",
    "kind",
    "sponsor",
    "language",
    "status",
];

/// One value of a facet and how many hits have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FacetCount {
    /// The value.
    pub value: String,
    /// Hits with that value.
    pub count: u64,
}

/// The counts of one facet over all hits (not only the page), most frequent first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Facet {
    /// One of [`FACETS`].
    pub name: String,
    /// Its values.
    pub values: Vec<FacetCount>,
}

/// A hit as a backend returns it: the entry (with its text) and its rank (higher first).
#[derive(Debug, Clone, PartialEq)]
pub struct RankedEntry {
    /// The entry.
    pub entry: SearchEntry,
    /// Its rank under this backend's scoring.
    pub rank: f64,
}

/// What a backend finds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Found {
    /// Every hit the reader may see.
    pub total: u64,
    /// The page asked for, best first.
    pub hits: Vec<RankedEntry>,
    /// Facet counts over all hits (none when not asked for).
    pub facets: Vec<Facet>,
}

/// A piece of a snippet; `mark` when it matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SnippetPart {
    /// The text.
    pub text: String,
    /// Whether it is a matched word.
    pub mark: bool,
}

/// A hit as shown: where it is, its facets, and a snippet with the matched words marked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SearchHit {
    /// The entry's id.
    pub id: String,
    /// Its kind.
    pub kind: String,
    /// Its title.
    pub title: String,
    /// Its language (a code of [`LANGUAGES`], or the source's own).
    pub language: String,
    /// Its conference.
    pub conference: Option<String>,
    /// Its group.
    pub group: Option<String>,
    /// Its date.
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub date: Option<Date>,
    /// Its status.
    pub status: Option<Status>,
    /// Its sponsors.
    pub sponsors: Vec<String>,
    /// Where it is.
    pub place: Place,
    /// Up to [`SNIPPET_WORDS`] words around the first match.
    pub snippet: Vec<SnippetPart>,
}

/// The results of a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SearchResults {
    /// Every hit the reader may see.
    pub total: u64,
    /// This page.
    pub hits: Vec<SearchHit>,
    /// Facet counts over all hits (none when not asked for).
    pub facets: Vec<Facet>,
}

/// About how many words a snippet holds.
pub const SNIPPET_WORDS: usize = 32;

fn token_matches(token: &str, p: &Pattern, i: usize) -> bool {
    let want = &p.tokens[i];
    token == want || (p.prefix && i + 1 == p.tokens.len() && token.starts_with(want.as_str()))
}

/// Stems of the words snippets have read, per language, kept from one search to the
/// next (a pure function's results: snippets need each word's stem to find the matched
/// words, and stemming is most of their cost). Each language keeps at most
/// [`StemCache::WORDS`] words and starts afresh when full.
#[derive(Default)]
pub struct StemCache {
    by_language: std::collections::HashMap<String, Stems>,
}

impl std::fmt::Debug for StemCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.by_language.iter().map(|(l, s)| (l, s.known.len())))
            .finish()
    }
}

impl StemCache {
    /// Most words kept per language.
    pub const WORDS: usize = 200_000;

    fn language(&mut self, language: &str) -> &mut Stems {
        let stems = self
            .by_language
            .entry(language.to_owned())
            .or_insert_with(|| Stems::new(language));
        if stems.known.len() >= Self::WORDS {
            stems.known.clear();
        }
        stems
    }
}

/// Index tokens of words in one language, each word stemmed once: the hits of a page
/// share most of their words.
struct Stems {
    stemmer: Option<Stemmer>,
    known: std::collections::HashMap<String, std::sync::Arc<str>>,
}

impl Stems {
    fn new(language: &str) -> Self {
        Self {
            stemmer: stemmer(language),
            known: std::collections::HashMap::new(),
        }
    }

    fn tokens(&mut self, piece: &Piece, out: &mut Vec<std::sync::Arc<str>>) {
        match piece {
            Piece::Word(w) => {
                if let Some(stem) = self.known.get(w) {
                    out.push(stem.clone());
                    return;
                }
                let stem: std::sync::Arc<str> = stem_word(w, self.stemmer.as_ref()).into();
                self.known.insert(w.clone(), stem.clone());
                out.push(stem);
            }
            Piece::Cjk(_) => out.extend(piece_tokens(piece, None).into_iter().map(Into::into)),
        }
    }
}

/// The pieces of a text a snippet needs, which of them a match covers (every place where
/// all of a pattern's tokens stand in order), the first matched piece, and whether the
/// text goes on past the pieces read. Words are read and stemmed only as far as the
/// snippet needs: up to [`SNIPPET_WORDS`] pieces past the window's start (and a pattern's
/// length more, for a phrase that runs over its end), so a long text costs little when
/// it matches early.
struct Marked {
    found: Vec<(std::ops::Range<usize>, Piece)>,
    marked: Vec<bool>,
    first: Option<usize>,
    more: bool,
}

fn marked_pieces(text: &str, stems: &mut Stems, m: &Match) -> Marked {
    let longest = m
        .require
        .iter()
        .flatten()
        .map(|p| p.tokens.len())
        .max()
        .unwrap_or(1);
    let mut pieces = Pieces::new(text);
    let mut found = Vec::new();
    let mut flat: Vec<(usize, std::sync::Arc<str>)> = Vec::new();
    let mut tokens = Vec::new();
    let mut marked = Vec::new();
    let mut first: Option<usize> = None;
    let mut limit = usize::MAX;
    while found.len() < limit {
        let Some((range, piece)) = pieces.next() else {
            return Marked {
                found,
                marked,
                first,
                more: false,
            };
        };
        let k = found.len();
        marked.push(false);
        tokens.clear();
        stems.tokens(&piece, &mut tokens);
        for token in tokens.drain(..) {
            flat.push((k, token));
            for p in m.require.iter().flatten() {
                let n = p.tokens.len();
                let Some(start) = flat.len().checked_sub(n) else {
                    continue;
                };
                if (0..n).all(|i| token_matches(&flat[start + i].1, p, i)) {
                    for (piece, _) in &flat[start..] {
                        marked[*piece] = true;
                    }
                    if first.is_none() {
                        let at = flat[start].0;
                        first = Some(at);
                        limit = at.saturating_sub(SNIPPET_WORDS / 4) + SNIPPET_WORDS + longest;
                    }
                }
            }
        }
        found.push((range, piece));
    }
    let more = pieces.next().is_some();
    Marked {
        found,
        marked,
        first,
        more,
    }
}

/// The words around the first match in `text`, with every matched word marked.
pub fn snippet(text: &str, language: &str, m: &Match) -> Vec<SnippetPart> {
    snippet_with(text, &mut Stems::new(language), m)
}

fn snippet_with(text: &str, stems: &mut Stems, m: &Match) -> Vec<SnippetPart> {
    let Marked {
        found,
        marked,
        first,
        more,
    } = marked_pieces(text, stems, m);
    let first = first.unwrap_or(0);
    let start = first.saturating_sub(SNIPPET_WORDS / 4);
    let end = (start + SNIPPET_WORDS).min(found.len());
    let mut parts: Vec<SnippetPart> = Vec::new();
    let push = |s: &str, mark: bool, parts: &mut Vec<SnippetPart>| {
        if s.is_empty() {
            return;
        }
        match parts.last_mut() {
            Some(last) if last.mark == mark => last.text.push_str(s),
            _ => parts.push(SnippetPart {
                text: s.to_owned(),
                mark,
            }),
        }
    };
    if found.is_empty() {
        let short: String = text.chars().take(SNIPPET_WORDS * 8).collect();
        push(&short, false, &mut parts);
        return parts;
    }
    let from = if start == 0 { 0 } else { found[start].0.start };
    if start > 0 {
        push("… ", false, &mut parts);
    }
    let mut at = from;
    for i in start..end {
        let range = &found[i].0;
        push(&text[at..range.start], false, &mut parts);
        push(&text[range.clone()], marked[i], &mut parts);
        at = range.end;
    }
    if end == found.len() && !more {
        push(&text[at..], false, &mut parts);
    } else {
        push(" …", false, &mut parts);
    }
    parts
}

/// Turns what a backend found into results: each hit gets its snippet.
pub fn results(found: Found, m: &Match) -> SearchResults {
    results_with(found, m, &mut StemCache::default())
}

/// [`results`], with the stems that earlier snippets found.
pub fn results_with(found: Found, m: &Match, stems: &mut StemCache) -> SearchResults {
    SearchResults {
        total: found.total,
        facets: found.facets,
        hits: found
            .hits
            .into_iter()
            .map(|RankedEntry { entry: e, .. }| SearchHit {
                snippet: snippet_with(&e.text, stems.language(&e.language), m),
                id: e.id,
                kind: e.kind,
                title: e.title,
                language: e.language,
                conference: e.conference,
                group: e.group,
                date: e.date,
                status: e.status,
                sponsors: e.sponsors,
                place: e.place,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(q: &str) -> Match {
        parse_query(q).expect("parses").to_match(&["en"])
    }

    #[test]
    fn words_are_lowercased_stemmed_and_split_on_punctuation() {
        assert_eq!(
            tokens("ITU's role: Internet-connectivity, 75/176", "en"),
            vec!["itu", "s", "role", "internet", "connect", "75", "176"]
        );
    }

    #[test]
    fn chinese_is_cut_into_bigrams_and_arabic_loses_its_diacritics() {
        assert_eq!(tokens("互联网", "zh"), vec!["互联", "联网"]);
        assert_eq!(tokens("مُرَحَّبًا", "zh"), vec!["مرحبا"]);
    }

    #[test]
    fn the_query_syntax_reads_phrases_prefixes_or_and_exclusions() {
        let got = m("\"right to privacy\" digital* surveillance OR interception -weapons");
        assert_eq!(got.require.len(), 3);
        assert_eq!(got.require[0][0].tokens, vec!["right", "to", "privaci"]);
        assert_eq!(got.require[1][0].tokens, vec!["digit"]);
        assert!(got.require[1][0].prefix);
        assert_eq!(got.require[2].len(), 2);
        assert_eq!(got.exclude[0].tokens, vec!["weapon"]);
    }

    #[test]
    fn the_typed_words_make_one_phrase_in_each_language() {
        let phrase = |q: &str| {
            parse_query(q)
                .expect("parses")
                .whole_phrase(&["en"])
                .map(|m| {
                    (
                        m.require[0][0].tokens.clone(),
                        m.require[0][0].prefix,
                        m.exclude,
                    )
                })
        };
        let (tokens, prefix, exclude) = phrase("privacy digital -weapons").expect("a phrase");
        assert_eq!(tokens, vec!["privaci", "digit"]);
        assert!(!prefix);
        assert_eq!(exclude[0].tokens, vec!["weapon"]);
        let (tokens, _, _) = phrase("\"human rights\" online").expect("a phrase");
        assert_eq!(tokens, vec!["human", "right", "onlin"]);
        let (tokens, prefix, _) = phrase("network digital*").expect("a phrase");
        assert_eq!(tokens, vec!["network", "digit"]);
        assert!(prefix, "a prefix may end the phrase");
        for none in [
            "privacy",
            "\"right to privacy\"",
            "surveillance OR interception privacy",
            "digital* networks",
        ] {
            assert_eq!(phrase(none), None, "{none}");
        }
        // One phrase per language, each in that language's stems.
        let both = parse_query("réseaux numériques")
            .expect("parses")
            .whole_phrase(&["en", "fr"])
            .expect("a phrase");
        assert_eq!(both.require.len(), 1);
        assert_eq!(both.require[0].len(), 2);
    }

    #[test]
    fn newer_entries_are_numbered_above_older_and_undated_below_all() {
        let day = |y, m, d| Some(Date::from_calendar_date(y, m, d).expect("date"));
        let old = order_key(day(1948, time::Month::December, 10));
        let new = order_key(day(2018, time::Month::November, 16));
        let next = order_key(day(2018, time::Month::November, 17));
        assert!(old < new && new < next);
        assert_eq!(
            next - new,
            ORDER_DAY_SPAN,
            "a day holds ORDER_DAY_SPAN entries"
        );
        assert!(order_key(None) < order_key(Some(Date::MIN)));
        assert_eq!(
            order_key(Some(Date::MIN)),
            ORDER_DAY_SPAN,
            "days before the Julian epoch share day 1"
        );
    }

    #[test]
    fn text_is_cut_into_words_and_cjk_runs_with_their_places() {
        let text = "ITU-R's Él 互联网and 42";
        let got: Vec<(&str, Piece)> = pieces(text)
            .into_iter()
            .map(|(r, p)| (&text[r], p))
            .collect();
        assert_eq!(
            got,
            vec![
                ("ITU", Piece::Word("itu".into())),
                ("R", Piece::Word("r".into())),
                ("s", Piece::Word("s".into())),
                ("Él", Piece::Word("él".into())),
                ("互联网", Piece::Cjk("互联网".into())),
                ("and", Piece::Word("and".into())),
                ("42", Piece::Word("42".into())),
            ]
        );
    }

    #[test]
    fn a_snippet_of_a_long_text_reads_only_what_it_shows() {
        let long = format!(
            "{} the right to privacy {}",
            "word ".repeat(5000),
            "tail ".repeat(5000)
        );
        let parts = snippet(&long, "en", &m("privacy"));
        let shown: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert!(shown.starts_with("… ") && shown.ends_with(" …"), "{shown}");
        assert!(
            shown.split_whitespace().count() <= SNIPPET_WORDS + 2,
            "{shown}"
        );
        assert_eq!(parts.iter().filter(|p| p.mark).count(), 1);
        // The stems found are kept for the next page: the same snippet from the cache.
        let mut cache = StemCache::default();
        let first = snippet_with(&long, cache.language("en"), &m("privacy"));
        let again = snippet_with(&long, cache.language("en"), &m("privacy"));
        assert_eq!(first, parts);
        assert_eq!(again, parts);
    }

    #[test]
    fn a_bad_query_is_refused_naming_the_rule() {
        for bad in [
            "",
            "   ",
            "\"open",
            "OR privacy",
            "privacy OR",
            "-privacy",
            "a OR -b",
        ] {
            let err = parse_query(bad).expect_err(bad);
            assert!(
                matches!(&err, DomainError::InvalidField { field, .. } if field == "q"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn a_snippet_marks_the_matched_words_around_the_first_match() {
        let parts = snippet(
            "Affirms that the same rights that people have offline must also be protected online, including the right to privacy",
            "en",
            &m("privacy online"),
        );
        let marked: Vec<&str> = parts
            .iter()
            .filter(|p| p.mark)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(marked, vec!["online", "privacy"]);
        let all: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert!(all.ends_with("right to privacy"), "{all}");
    }

    #[test]
    fn provisions_are_entries_with_their_anchor_and_brackets_are_open() {
        let rev = Revision {
            id: crate::model::RevisionId::new("itu.res-1.x").expect("id"),
            instrument: crate::model::InstrumentId::new("itu.res-1").expect("id"),
            citation: "Resolution 1 (Rev. X, 2014)".into(),
            title: "T".into(),
            previous: None,
            adopted_on: None,
            text: "Resolution 1 (Rev. X, 2014)\nT\nsponsors: ARB\n\n## resolves\n1 to [{USA} promote | {RCC} foster] cooperation;\n2 to act.\n".into(),
            draft: None,
            record: None,
        };
        let body = serde_json::to_string(&rev).expect("json");
        let got = entries(DocKind::Revision, &body);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].status, Some(Status::OpenBracket));
        assert_eq!(got[0].sponsors, vec!["ARB", "USA", "RCC"]);
        assert_eq!(got[1].status, Some(Status::Adopted));
        assert!(
            got[0]
                .place
                .anchor
                .as_deref()
                .is_some_and(|a| a.starts_with("provision-"))
        );
        assert!(
            got[0].text.contains("[promote / foster]"),
            "{}",
            got[0].text
        );
        assert!(got.iter().all(|e| e.scope.is_none()));
    }
}
