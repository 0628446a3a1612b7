//! Importing public records: Akoma Ntoso documents (UN General Assembly and Security
//! Council resolutions and drafts, ITU Final Acts) as instruments and revisions, and
//! voting records (JSON Lines) as vote records keyed by symbol.
//!
//! One file is one batch ([`App::execute_all`]): all of it is recorded, or, when a line or
//! a document is bad, none of it. Files already imported (same SHA-256) are recognised and
//! nothing is written. Everything goes through the ordinary commands, so it is on the log.

mod states;
mod votes;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use plenary_akn::AknDocument;
use plenary_domain::access::Actor;
use plenary_domain::command::{Command, MAX_NAME_CHARS};
use plenary_domain::model::{
    Body, BodyId, Instrument, InstrumentId, InstrumentKind, Revision, RevisionId,
};
use plenary_domain::projection::DocKind;
use plenary_domain::records::{
    Decision, ImportedFile, Provenance, RevisionRecord, Sponsor, Tally, Translation, VoteRecord,
    WorkflowStep, instrument_id_for, revision_id_for_symbol, slug, symbol_key,
};
use sha2::{Digest, Sha256};

use crate::{App, AppError};

pub use states::member_of;

/// A file to import: its name (as reported and kept as provenance) and its bytes.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name, e.g. `A_RES_77_211-2228952E.xml`.
    pub name: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// Why a file was not imported. Nothing of it was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The file.
    pub file: String,
    /// The line (and column), when the problem has a place in the file.
    pub at: Option<(u32, Option<u32>)>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.at {
            Some((line, Some(col))) => write!(f, "{}:{line}:{col}: {}", self.file, self.message),
            Some((line, None)) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ImportError {}

/// What importing one file did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    /// The file.
    pub file: String,
    /// True when the same bytes were imported before: nothing was written.
    pub already_imported: bool,
    /// Instruments registered.
    pub instruments: usize,
    /// Revisions recorded (ids).
    pub revisions: Vec<RevisionId>,
    /// Revisions skipped because they were recorded before (from another file).
    pub already_recorded: Vec<RevisionId>,
    /// Translations recorded.
    pub translations: usize,
    /// Vote records recorded.
    pub votes: usize,
    /// Vote lines skipped: superseded by a later line for the same symbol in the file, or
    /// identical to the record already stored.
    pub votes_unchanged: usize,
    /// The reader's warnings, each prefixed with the document's citation.
    pub warnings: Vec<String>,
    /// State names that map to no member id (kept as written).
    pub unmapped_names: BTreeSet<String>,
    /// Events written.
    pub events: usize,
}

/// A revision with what the record says about it: its own record (workflow, decision,
/// sponsors, provenance), the recorded vote on its symbol, and its other languages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct RevisionRecordView {
    /// The revision.
    pub revision: RevisionId,
    /// Its document symbol, if any.
    pub symbol: Option<String>,
    /// What the imported document says about itself.
    pub record: Option<RevisionRecord>,
    /// The recorded vote and sponsorship on its symbol, if imported.
    pub votes: Option<VoteRecord>,
    /// Its text in other languages.
    pub translations: Vec<Translation>,
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The line and column of a byte offset.
fn line_col(bytes: &[u8], offset: usize) -> (u32, Option<u32>) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        Some(u32::try_from(col).unwrap_or(u32::MAX)),
    )
}

fn body(id: &str) -> Option<Body> {
    let (name, acronym) = match id {
        "un-ga" => ("United Nations General Assembly", "UNGA"),
        "un-sc" => ("United Nations Security Council", "UNSC"),
        "itu" => ("International Telecommunication Union", "ITU"),
        _ => return None,
    };
    Some(Body {
        id: BodyId::new(id).ok()?,
        name: name.into(),
        acronym: acronym.into(),
    })
}

/// The issuing body of a document: from its FRBR work URI, else its symbol.
fn issuing_body(d: &AknDocument) -> Option<BodyId> {
    let work = d.meta.frbr_work.as_deref().unwrap_or("");
    let id = if work.contains("/unga/") {
        "un-ga"
    } else if work.contains("/unsc/") {
        "un-sc"
    } else if work.contains("/itu") {
        "itu"
    } else {
        return d.meta.symbol.as_deref().and_then(votes::body_of_symbol);
    };
    BodyId::new(id).ok()
}

/// The symbol of a UN document; a General Assembly resolution without one (75/101 A and B)
/// gets it from its FRBR work (`…/75-101A/` → `A/RES/75/101 A`).
fn symbol_of(d: &AknDocument, body: &BodyId) -> Option<String> {
    if let Some(s) = &d.meta.symbol {
        return Some(s.clone());
    }
    if body.as_str() != "un-ga" || d.meta.doc_name != "resolution" {
        return None;
    }
    let segment = d
        .meta
        .frbr_work
        .as_deref()?
        .trim_end_matches('/')
        .rsplit('/')
        .next()?;
    let (session, rest) = segment.split_once('-')?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let part = &rest[digits.len()..];
    if session.is_empty() || digits.is_empty() {
        return None;
    }
    Some(if part.is_empty() {
        format!("A/RES/{session}/{digits}")
    } else {
        format!("A/RES/{session}/{digits} {part}")
    })
}

fn day(s: &str) -> Option<time::Date> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, f).ok().filter(|d| d.year() > 1)
}

fn tally_of(v: &plenary_akn::Vote) -> Option<Tally> {
    let listed = |names: &[String]| names.iter().map(|n| states::state(n)).collect::<Vec<_>>();
    let (yes, no, abstain) = (
        listed(&v.yes_voters),
        listed(&v.no_voters),
        listed(&v.abstain_voters),
    );
    if v.yes.is_none() && v.no.is_none() && v.abstain.is_none() && yes.is_empty() {
        return None;
    }
    let n = |c: Option<u32>, list: &Vec<_>| c.unwrap_or(u32::try_from(list.len()).unwrap_or(0));
    Some(Tally {
        yes: n(v.yes, &yes),
        no: n(v.no, &no),
        abstain: n(v.abstain, &abstain),
        yes_members: yes,
        no_members: no,
        abstain_members: abstain,
    })
}

fn decision_of(d: &AknDocument) -> Decision {
    let tally = d.meta.votes.as_ref().and_then(tally_of);
    match d.meta.outcome() {
        Some("veto") => Decision::Vetoed {
            vetoed_by: d.meta.vetoed_by.iter().map(|n| states::state(n)).collect(),
            tally,
        },
        Some("notAdopted") => Decision::NotAdopted { tally },
        Some("adopted") => match tally {
            Some(tally)
                if d.meta.votes.as_ref().map(|v| v.outcome.as_str())
                    != Some("adoptedWithoutVote") =>
            {
                Decision::AdoptedByVote { tally }
            }
            _ => Decision::AdoptedWithoutVote,
        },
        _ => Decision::NotRecorded,
    }
}

fn sponsors_of(d: &AknDocument) -> Vec<Sponsor> {
    let mut out: Vec<Sponsor> = Vec::new();
    let mut add = |name: &str, additional: bool| {
        let s = states::state(name);
        if !s.name.is_empty() && !out.iter().any(|o| o.state.name == s.name) {
            out.push(Sponsor {
                state: s,
                additional,
            });
        }
    };
    for step in &d.meta.workflow {
        let additional = match step.outcome.as_str() {
            "draftResolution" => false,
            "draftResolutionAdditionalSponsors" => true,
            _ => continue,
        };
        for name in plenary_akn::split_names(step.by.as_deref().unwrap_or("")) {
            add(&name, additional);
        }
    }
    for name in &d.meta.sponsors {
        add(name, false);
    }
    out
}

fn unmapped(record: &RevisionRecord, into: &mut BTreeSet<String>) {
    let mut states: Vec<&plenary_domain::records::StateRef> =
        record.sponsors.iter().map(|s| &s.state).collect();
    let tally = match &record.decision {
        Decision::AdoptedByVote { tally } => Some(tally),
        Decision::NotAdopted { tally } => tally.as_ref(),
        Decision::Vetoed { vetoed_by, tally } => {
            states.extend(vetoed_by);
            tally.as_ref()
        }
        _ => None,
    };
    if let Some(t) = tally {
        states.extend(
            t.yes_members
                .iter()
                .chain(&t.no_members)
                .chain(&t.abstain_members),
        );
    }
    into.extend(
        states
            .into_iter()
            .filter(|s| s.member.is_none())
            .map(|s| s.name.clone()),
    );
}

fn kind_of(d: &AknDocument) -> InstrumentKind {
    match d.meta.doc_name.as_str() {
        "recommendation" => InstrumentKind::Recommendation,
        // A presidential statement is a decision of the Council, not a resolution.
        "decision" | "presidentialStatement" => InstrumentKind::Decision,
        _ if d.instrument.kind.eq_ignore_ascii_case("decision") => InstrumentKind::Decision,
        _ if d.instrument.kind.eq_ignore_ascii_case("recommendation") => {
            InstrumentKind::Recommendation
        }
        _ => InstrumentKind::Resolution,
    }
}

/// One document of a file, ready to record: a revision, or (`Err`) another language's
/// text of a document.
struct Prepared {
    body: BodyId,
    document: Result<NewRevision, Box<Translation>>,
}

impl Prepared {
    fn translation(t: Translation) -> Result<NewRevision, Box<Translation>> {
        Err(Box::new(t))
    }
}

/// A revision, with what registering its instrument needs.
struct NewRevision {
    instrument: InstrumentId,
    kind: InstrumentKind,
    number: String,
    revision: Revision,
}

fn prepare(d: &AknDocument, provenance: &Provenance) -> Result<Prepared, String> {
    let citation0 = d.instrument.citation();
    let body = issuing_body(d).ok_or_else(|| {
        format!(
            "{citation0}: cannot tell the issuing body (no UN or ITU FRBR work URI, no UN symbol)"
        )
    })?;
    let symbol = symbol_of(d, &body);
    let mut title = d
        .instrument
        .title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if title.chars().count() > MAX_NAME_CHARS {
        // A draft titled by its sponsors' names (S/2023/970 has 101): its citation names it.
        title = citation0.clone();
    }
    let text = plenary_text::print(&d.instrument);
    let warnings: Vec<String> = d.meta.warnings.clone();
    let provenance = Provenance {
        warnings,
        ..provenance.clone()
    };
    if let (Some(lang), Some(symbol)) = (&d.meta.language, &symbol)
        && lang != "eng"
    {
        return Ok(Prepared {
            body,
            document: Prepared::translation(Translation {
                symbol: symbol.clone(),
                language: lang.clone(),
                title,
                text,
                provenance,
            }),
        });
    }
    let (instrument, revision_id, number, citation) = match &symbol {
        Some(symbol) => {
            let titled = d.meta.doc_name == "resolution" && title != *symbol;
            let instrument = if titled {
                instrument_id_for(&body, &title).map_err(|e| e.to_string())?
            } else {
                format!("{body}.{}", slug(symbol))
            };
            let (number, citation) = if d.meta.symbol.is_none() {
                let n = symbol.trim_start_matches("A/RES/").to_owned();
                let c = format!("{} {n}", d.instrument.kind);
                (n, c)
            } else {
                (d.instrument.number.clone(), citation0.clone())
            };
            (
                instrument,
                revision_id_for_symbol(symbol).map_err(|e| e.to_string())?,
                number,
                citation,
            )
        }
        None => {
            // ITU: `itu.res-102`, revision `itu.res-102.dubai-2018` (as the demo names them).
            let prefix = match kind_of(d) {
                InstrumentKind::Resolution => "res",
                InstrumentKind::Decision => "dec",
                InstrumentKind::Recommendation => "rec",
            };
            let instrument = format!("{body}.{prefix}-{}", slug(&d.instrument.number));
            let place = d
                .instrument
                .revision
                .as_deref()
                .map(|r| slug(r.trim_start_matches("Rev.")))
                .or_else(|| d.meta.date.clone())
                .ok_or_else(|| format!("{citation0}: no symbol and no revision to name it by"))?;
            let rev = RevisionId::new(&format!("{instrument}.{place}"))
                .map_err(|e| format!("{citation0}: {e}"))?;
            (
                instrument,
                rev,
                d.instrument.number.clone(),
                citation0.clone(),
            )
        }
    };
    let instrument = InstrumentId::new(&instrument).map_err(|e| format!("{citation0}: {e}"))?;
    let decision = decision_of(d);
    let date = d.meta.date.as_deref().and_then(day);
    let adopted = matches!(
        decision,
        Decision::AdoptedWithoutVote | Decision::AdoptedByVote { .. }
    ) || (matches!(decision, Decision::NotRecorded)
        && matches!(
            d.meta.doc_name.as_str(),
            "resolution" | "decision" | "recommendation"
        ));
    let record = RevisionRecord {
        symbol,
        issued_by: body.clone(),
        document_type: d.meta.doc_name.clone(),
        frbr_work: d.meta.frbr_work.clone(),
        frbr_expression: d.meta.frbr_expression.clone(),
        date,
        workflow: d
            .meta
            .workflow
            .iter()
            .map(|s| WorkflowStep {
                date: day(&s.date),
                outcome: s.outcome.clone(),
                document: s.document.clone(),
                by: s.by.clone().filter(|b| !b.trim().is_empty()),
            })
            .collect(),
        decision,
        sponsors: sponsors_of(d),
        provenance,
    };
    Ok(Prepared {
        body,
        document: Ok(NewRevision {
            kind: kind_of(d),
            number,
            instrument: instrument.clone(),
            revision: Revision {
                id: revision_id,
                instrument: instrument.clone(),
                citation,
                title,
                previous: None,
                adopted_on: if adopted { date } else { None },
                text,
                draft: None,
                record: Some(record),
            },
        }),
    })
}

/// A file read and checked, waiting for its turn.
struct ReadFile {
    name: String,
    sha256: String,
    earliest: String,
    docs: Vec<Prepared>,
}

impl App {
    async fn ensure_body(&self, id: &BodyId, batch: &mut Vec<Command>) -> crate::Result<()> {
        let known: Option<Body> = self.get(DocKind::Body, id.as_str()).await?;
        let queued = batch
            .iter()
            .any(|c| matches!(c, Command::EstablishBody(b) if &b.id == id));
        if known.is_none()
            && !queued
            && let Some(b) = body(id.as_str())
        {
            batch.push(Command::EstablishBody(b));
        }
        Ok(())
    }

    async fn imported_before(&self, sha: &str) -> crate::Result<bool> {
        Ok(self
            .get::<ImportedFile>(DocKind::ImportedFile, sha)
            .await?
            .is_some())
    }

    /// Imports Akoma Ntoso files: each document becomes a revision of its instrument
    /// (registered when new), with its record; another language's expression becomes a
    /// translation. Files are taken oldest first, so that revisions of one instrument are
    /// recorded in order whatever the order given. Each file is one batch; the result for
    /// each file is given in the order taken.
    ///
    /// # Errors
    /// Per file: an [`ImportError`] naming the file (and the position for unreadable XML);
    /// nothing of that file is stored. A store failure is an error for its file too.
    pub async fn import_akn(
        &self,
        actor: &Actor,
        files: Vec<SourceFile>,
    ) -> Vec<Result<FileReport, ImportError>> {
        let mut results = Vec::new();
        let mut ready = Vec::new();
        for f in files {
            match read_akn(&f) {
                Ok(r) => ready.push(r),
                Err(e) => results.push(Err(e)),
            }
        }
        ready.sort_by(|a, b| a.earliest.cmp(&b.earliest).then(a.name.cmp(&b.name)));
        for f in ready {
            let name = f.name.clone();
            results.push(
                self.import_read_file(actor, f)
                    .await
                    .map_err(|e| ImportError {
                        file: name,
                        at: None,
                        message: e.to_string(),
                    }),
            );
        }
        results
    }

    async fn import_read_file(&self, actor: &Actor, f: ReadFile) -> crate::Result<FileReport> {
        let mut report = FileReport {
            file: f.name.clone(),
            ..FileReport::default()
        };
        if self.imported_before(&f.sha256).await? {
            report.already_imported = true;
            return Ok(report);
        }
        let mut batch = Vec::new();
        let mut latest: HashMap<InstrumentId, Option<RevisionId>> = HashMap::new();
        let mut translations = Vec::new();
        for Prepared { body, document } in f.docs {
            self.ensure_body(&body, &mut batch).await?;
            let p = match document {
                Ok(p) => p,
                Err(t) => {
                    let known: Option<Translation> =
                        self.get(DocKind::Translation, &t.key()).await?;
                    if known.is_none() && !translations.contains(&t.key()) {
                        translations.push(t.key());
                        batch.push(Command::RecordTranslation(*t));
                    }
                    continue;
                }
            };
            let known: Option<Revision> =
                self.get(DocKind::Revision, p.revision.id.as_str()).await?;
            if known.is_some() || report.revisions.contains(&p.revision.id) {
                report.already_recorded.push(p.revision.id);
                continue;
            }
            let previous = match latest.get(&p.instrument) {
                Some(l) => l.clone(),
                None => {
                    let stored: Option<Instrument> =
                        self.get(DocKind::Instrument, p.instrument.as_str()).await?;
                    match stored {
                        Some(i) => i.revisions.last().map(|r| r.id.clone()),
                        None => {
                            batch.push(Command::RegisterInstrument(Instrument {
                                id: p.instrument.clone(),
                                body: body.clone(),
                                kind: p.kind,
                                number: p.number.clone(),
                                title: p.revision.title.clone(),
                                revisions: Vec::new(),
                            }));
                            report.instruments += 1;
                            None
                        }
                    }
                }
            };
            if let Some(r) = &p.revision.record {
                report.warnings.extend(
                    r.provenance
                        .warnings
                        .iter()
                        .map(|w| format!("{}: {w}", p.revision.citation)),
                );
                unmapped(r, &mut report.unmapped_names);
            }
            latest.insert(p.instrument.clone(), Some(p.revision.id.clone()));
            report.revisions.push(p.revision.id.clone());
            batch.push(Command::RecordRevision(Revision {
                previous,
                ..p.revision
            }));
        }
        report.translations = translations.len();
        if report.revisions.is_empty() && translations.is_empty() {
            // Everything in it is on the record already (e.g. the same text in other bytes).
            return Ok(report);
        }
        batch.push(Command::RecordImportedFile(ImportedFile {
            source: f.name,
            sha256: f.sha256,
            format: "akn".into(),
            revisions: report.revisions.clone(),
            translations,
            votes: 0,
        }));
        report.events = self.execute_all(actor, &batch).await?.len();
        Ok(report)
    }

    /// Imports a voting record (JSON Lines): each line becomes a vote record keyed by its
    /// symbol, whether or not the document itself is imported (they are public votes, and
    /// the document may come later). A later line for the same symbol supersedes an earlier
    /// one; a record identical to the stored one is not written again.
    ///
    /// # Errors
    /// `FILE:LINE: what is wrong` for the first bad line; nothing of the file is stored.
    pub async fn import_votes(
        &self,
        actor: &Actor,
        file: SourceFile,
    ) -> Result<FileReport, ImportError> {
        let fail = |at: Option<(u32, Option<u32>)>, message: String| ImportError {
            file: file.name.clone(),
            at,
            message,
        };
        let mut report = FileReport {
            file: file.name.clone(),
            ..FileReport::default()
        };
        let sha = sha256(&file.bytes);
        let provenance = Provenance {
            source: file.name.clone(),
            sha256: sha.clone(),
            warnings: Vec::new(),
        };
        let src = std::str::from_utf8(&file.bytes).map_err(|e| {
            let (line, col) = line_col(&file.bytes, e.valid_up_to());
            fail(Some((line, col)), format!("not UTF-8: {e}"))
        })?;
        let mut by_symbol: BTreeMap<String, VoteRecord> = BTreeMap::new();
        for (i, line) in src.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let record =
                votes::read_line(line, n, &provenance).map_err(|m| fail(Some((n, None)), m))?;
            if by_symbol
                .insert(symbol_key(&record.symbol), record)
                .is_some()
            {
                report.votes_unchanged += 1;
            }
        }
        if by_symbol.is_empty() {
            return Err(fail(None, "holds no vote record".into()));
        }
        let store_err = |e: AppError| fail(None, e.to_string());
        if self.imported_before(&sha).await.map_err(store_err)? {
            report.already_imported = true;
            return Ok(report);
        }
        let mut batch = Vec::new();
        let mut stored: HashMap<String, VoteRecord> = HashMap::new();
        for b in by_symbol
            .values()
            .map(|v| v.body.clone())
            .collect::<BTreeSet<_>>()
        {
            self.ensure_body(&b, &mut batch).await.map_err(store_err)?;
            let all: Vec<VoteRecord> = self
                .list(DocKind::Votes, Some(b.as_str()))
                .await
                .map_err(store_err)?;
            stored.extend(all.into_iter().map(|v| (symbol_key(&v.symbol), v)));
        }
        for (key, v) in by_symbol {
            let same = stored.get(&key).is_some_and(|s| {
                VoteRecord {
                    provenance: v.provenance.clone(),
                    line: v.line,
                    ..s.clone()
                } == v
            });
            if same {
                report.votes_unchanged += 1;
                continue;
            }
            for s in v
                .sponsors
                .iter()
                .map(|s| &s.state)
                .chain(v.tally.iter().flat_map(|t| {
                    t.yes_members
                        .iter()
                        .chain(&t.no_members)
                        .chain(&t.abstain_members)
                }))
                .filter(|s| s.member.is_none())
            {
                report.unmapped_names.insert(s.name.clone());
            }
            report.votes += 1;
            batch.push(Command::RecordVotes(v));
        }
        batch.push(Command::RecordImportedFile(ImportedFile {
            source: file.name.clone(),
            sha256: sha,
            format: "votes".into(),
            revisions: Vec::new(),
            translations: Vec::new(),
            votes: u32::try_from(report.votes).unwrap_or(u32::MAX),
        }));
        report.events = self
            .execute_all(actor, &batch)
            .await
            .map_err(store_err)?
            .len();
        Ok(report)
    }

    /// A revision's record: what its document says about itself, the recorded vote on its
    /// symbol, and its other languages. `None` when there is no such revision.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn revision_record(
        &self,
        _reader: &Actor,
        id: &str,
    ) -> crate::Result<Option<RevisionRecordView>> {
        let Some(revision): Option<Revision> = self.get(DocKind::Revision, id).await? else {
            return Ok(None);
        };
        let symbol = revision.record.as_ref().and_then(|r| r.symbol.clone());
        let (votes, translations) = match &symbol {
            Some(s) => (
                self.get(DocKind::Votes, &symbol_key(s)).await?,
                self.list(DocKind::Translation, Some(&symbol_key(s)))
                    .await?,
            ),
            None => (None, Vec::new()),
        };
        Ok(Some(RevisionRecordView {
            revision: revision.id,
            symbol,
            record: revision.record,
            votes,
            translations,
        }))
    }
}

/// Reads and checks one AKN file; nothing is stored yet.
fn read_akn(f: &SourceFile) -> Result<ReadFile, ImportError> {
    let fail = |at, message| ImportError {
        file: f.name.clone(),
        at,
        message,
    };
    let docs = plenary_akn::read_collection(&f.bytes)
        .map_err(|e| fail(e.offset.map(|o| line_col(&f.bytes, o)), e.message.clone()))?;
    if docs.is_empty() {
        return Err(fail(None, "holds no document".into()));
    }
    let sha = sha256(&f.bytes);
    let provenance = Provenance {
        source: f.name.clone(),
        sha256: sha.clone(),
        warnings: Vec::new(),
    };
    let earliest = docs
        .iter()
        .filter_map(|d| d.meta.date.clone())
        .min()
        .unwrap_or_default();
    let prepared = docs
        .iter()
        .map(|d| prepare(d, &provenance))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|m| fail(None, m))?;
    Ok(ReadFile {
        name: f.name.clone(),
        sha256: sha,
        earliest,
        docs: prepared,
    })
}
