//! Views derived from the log: every entity is a document keyed by kind and id, and
//! [`apply`] computes the documents an event changes. The store writes those documents in
//! the same transaction as the event; replaying the whole log through [`apply`] rebuilds them.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::canonical::to_canonical_string;
use crate::documents::{Document, Relation, Series};
use crate::error::DomainError;
use crate::event::Change;
use crate::model::RevisionRef;

/// The kinds of document the views hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocKind {
    /// [`crate::model::Body`]
    Body,
    /// [`crate::model::Conference`]
    Conference,
    /// [`crate::model::Group`]
    Group,
    /// [`crate::model::Member`]
    Member,
    /// [`crate::model::Instrument`]
    Instrument,
    /// [`crate::model::Revision`]
    Revision,
    /// [`crate::model::Delegation`]
    Delegation,
    /// [`crate::model::Delegate`]
    Delegate,
    /// [`crate::documents::Document`]
    Document,
    /// The next number of a conference's document series: `{"next": n}`, keyed
    /// `<conference>/<series>`.
    Counter,
    /// [`crate::negotiation::Proposal`], keyed by its document's id.
    Proposal,
    /// [`crate::negotiation::Draft`]
    Draft,
    /// [`crate::negotiation::DraftVersion`], keyed `<draft>@<seq>`.
    DraftVersion,
    /// [`crate::negotiation::Report`], keyed by its document's id.
    Report,
    /// [`crate::negotiation::GroupRecord`], keyed by the group's id.
    GroupRecord,
    /// [`crate::negotiation::FollowUp`]
    FollowUp,
    /// [`crate::records::VoteRecord`], keyed by [`crate::records::symbol_key`].
    Votes,
    /// [`crate::records::Translation`], keyed by [`crate::records::Translation::key`].
    Translation,
    /// [`crate::records::ImportedFile`], keyed by the file's SHA-256.
    ImportedFile,
    /// [`crate::meetings::Meeting`], listed under its conference.
    Meeting,
}

impl DocKind {
    /// Every kind.
    pub const ALL: [DocKind; 20] = [
        Self::Body,
        Self::Conference,
        Self::Group,
        Self::Member,
        Self::Instrument,
        Self::Revision,
        Self::Delegation,
        Self::Delegate,
        Self::Document,
        Self::Counter,
        Self::Proposal,
        Self::Draft,
        Self::DraftVersion,
        Self::Report,
        Self::GroupRecord,
        Self::FollowUp,
        Self::Votes,
        Self::Translation,
        Self::ImportedFile,
        Self::Meeting,
    ];

    /// The stored name of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Body => "body",
            Self::Conference => "conference",
            Self::Group => "group",
            Self::Member => "member",
            Self::Instrument => "instrument",
            Self::Revision => "revision",
            Self::Delegation => "delegation",
            Self::Delegate => "delegate",
            Self::Document => "document",
            Self::Counter => "counter",
            Self::Proposal => "proposal",
            Self::Draft => "draft",
            Self::DraftVersion => "draft_version",
            Self::Report => "report",
            Self::GroupRecord => "group_record",
            Self::FollowUp => "follow_up",
            Self::Votes => "votes",
            Self::Translation => "translation",
            Self::ImportedFile => "imported_file",
            Self::Meeting => "meeting",
        }
    }

    /// Parses a stored kind name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// The key of a document: its kind and id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocKey {
    /// The kind.
    pub kind: DocKind,
    /// The id.
    pub id: String,
}

impl DocKey {
    /// A key.
    pub fn new(kind: DocKind, id: impl Into<String>) -> Self {
        Self {
            kind,
            id: id.into(),
        }
    }
}

/// A document of the views: an entity as JSON, with the id of what it belongs to (a body,
/// a conference, an instrument) for listing, and the seq of the last event that changed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// What it belongs to, for listings (e.g. the conference of a group).
    pub parent: Option<String>,
    /// The entity as canonical JSON text.
    pub body: String,
    /// The seq of the last event that wrote it.
    pub version: i64,
}

impl Doc {
    /// Decodes the entity.
    ///
    /// # Errors
    /// [`DomainError::CorruptState`] when the stored JSON does not fit the type.
    pub fn decode<T: DeserializeOwned>(&self, key: &DocKey) -> Result<T, DomainError> {
        serde_json::from_str(&self.body).map_err(|e| DomainError::CorruptState {
            kind: key.kind.as_str().into(),
            id: key.id.clone(),
            detail: e.to_string(),
        })
    }
}

/// A working set of documents: those a command reads and an event writes, loaded from the
/// store (or held in memory for a rebuild). Records which keys were written.
#[derive(Debug, Default, Clone)]
pub struct DocSet {
    docs: BTreeMap<DocKey, Option<Doc>>,
    written: Vec<DocKey>,
}

impl DocSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the key has been loaded (present or known absent).
    pub fn is_loaded(&self, key: &DocKey) -> bool {
        self.docs.contains_key(key)
    }

    /// Records what the store holds for a key (`None`: absent).
    pub fn load(&mut self, key: DocKey, doc: Option<Doc>) {
        self.docs.insert(key, doc);
    }

    /// The raw document for a key, if loaded and present.
    pub fn doc(&self, key: &DocKey) -> Option<&Doc> {
        self.docs.get(key).and_then(Option::as_ref)
    }

    /// Decodes the entity under a key.
    ///
    /// # Errors
    /// When the stored document does not decode.
    pub fn get<T: DeserializeOwned>(&self, key: &DocKey) -> Result<Option<T>, DomainError> {
        self.doc(key).map(|d| d.decode(key)).transpose()
    }

    /// Whether a document exists under a key.
    pub fn exists(&self, key: &DocKey) -> bool {
        self.doc(key).is_some()
    }

    /// Writes an entity.
    pub fn put<T: Serialize>(
        &mut self,
        key: DocKey,
        parent: Option<String>,
        entity: &T,
        version: i64,
    ) {
        let body = serde_json::to_value(entity)
            .map(|v| to_canonical_string(&v))
            .unwrap_or_default();
        if !self.written.contains(&key) {
            self.written.push(key.clone());
        }
        self.docs.insert(
            key,
            Some(Doc {
                parent,
                body,
                version,
            }),
        );
    }

    /// The keys written since the set was made, in first-write order, with their documents.
    pub fn written(&self) -> impl Iterator<Item = (&DocKey, &Doc)> {
        self.written
            .iter()
            .filter_map(|k| self.doc(k).map(|d| (k, d)))
    }

    /// Every present document.
    pub fn all(&self) -> impl Iterator<Item = (&DocKey, &Doc)> {
        self.docs
            .iter()
            .filter_map(|(k, d)| d.as_ref().map(|d| (k, d)))
    }
}

/// The documents an event's projection reads or writes; the store loads them before
/// [`apply`].
pub fn touches(change: &Change) -> Vec<DocKey> {
    match change {
        Change::BodyEstablished(b) => vec![DocKey::new(DocKind::Body, b.id.as_str())],
        Change::ConferenceConvened(c) => vec![DocKey::new(DocKind::Conference, c.id.as_str())],
        Change::GroupEstablished(g) => vec![DocKey::new(DocKind::Group, g.id.as_str())],
        Change::MemberAdmitted(m) => vec![DocKey::new(DocKind::Member, m.id.as_str())],
        Change::InstrumentRegistered(i) => vec![
            DocKey::new(DocKind::Instrument, i.id.as_str()),
            DocKey::new(
                DocKind::Counter,
                crate::negotiation::numbers_id(i.body.as_str(), i.kind),
            ),
        ],
        Change::RevisionRecorded(r) => vec![
            DocKey::new(DocKind::Revision, r.id.as_str()),
            DocKey::new(DocKind::Instrument, r.instrument.as_str()),
        ],
        Change::RightsRuleAdopted { conference, .. } => {
            vec![DocKey::new(DocKind::Conference, conference.as_str())]
        }
        Change::DelegationAccredited(d) => vec![DocKey::new(DocKind::Delegation, d.id.as_str())],
        Change::CredentialsRecorded { delegation, .. } => {
            vec![DocKey::new(DocKind::Delegation, delegation.as_str())]
        }
        Change::DelegateRegistered(d) => vec![DocKey::new(DocKind::Delegate, d.id.as_str())],
        Change::DocumentSubmitted(d) => {
            let mut keys = vec![
                DocKey::new(DocKind::Document, d.id.as_str()),
                DocKey::new(
                    DocKind::Counter,
                    counter_id(d.conference.as_str(), d.series),
                ),
            ];
            if let Some(base) = d.relation.as_ref().map(relation_target) {
                keys.push(DocKey::new(DocKind::Document, base));
            }
            keys
        }
        Change::DocumentRestricted { document, .. }
        | Change::RestrictionRenewed { document, .. }
        | Change::DocumentDeclassified { document, .. }
        | Change::FileAttached { document, .. } => {
            vec![DocKey::new(DocKind::Document, document.as_str())]
        }
        Change::ProposalSubmitted(_)
        | Change::DraftCompiled { .. }
        | Change::DraftRevised { .. }
        | Change::ProposalWithdrawn { .. }
        | Change::ReadingRecorded { .. }
        | Change::DraftMoved { .. }
        | Change::DraftSplit { .. }
        | Change::ReportSubmitted(_)
        | Change::DraftAdopted { .. }
        | Change::FollowUpReferred(_)
        | Change::FollowUpClosed { .. } => crate::negotiation::projection::touches(change),
        Change::VotesRecorded(v) => vec![DocKey::new(
            DocKind::Votes,
            crate::records::symbol_key(&v.symbol),
        )],
        Change::TranslationRecorded(t) => vec![DocKey::new(DocKind::Translation, t.key())],
        Change::FileImported(f) => vec![DocKey::new(DocKind::ImportedFile, f.sha256.as_str())],
        Change::MeetingScheduled(m) => vec![DocKey::new(DocKind::Meeting, m.id.as_str())],
    }
}

/// Applies one recorded change (at `seq`) to the documents it touches.
///
/// # Errors
/// When a document the change needs is missing or does not decode: the log and the views
/// disagree, and the transaction must not commit.
pub fn apply(docs: &mut DocSet, change: &Change, seq: i64) -> Result<(), DomainError> {
    match change {
        Change::BodyEstablished(b) => {
            docs.put(DocKey::new(DocKind::Body, b.id.as_str()), None, b, seq);
        }
        Change::ConferenceConvened(c) => {
            let parent = Some(c.body.to_string());
            docs.put(
                DocKey::new(DocKind::Conference, c.id.as_str()),
                parent,
                c,
                seq,
            );
        }
        Change::GroupEstablished(g) => {
            let parent = Some(g.conference.to_string());
            docs.put(DocKey::new(DocKind::Group, g.id.as_str()), parent, g, seq);
        }
        Change::MemberAdmitted(m) => {
            let parent = Some(m.body.to_string());
            docs.put(DocKey::new(DocKind::Member, m.id.as_str()), parent, m, seq);
        }
        Change::InstrumentRegistered(i) => {
            if let Ok(n) = i.number.parse::<u32>() {
                let key = DocKey::new(
                    DocKind::Counter,
                    crate::negotiation::numbers_id(i.body.as_str(), i.kind),
                );
                let next = docs.get::<Counter>(&key)?.map_or(1, |c| c.next).max(n + 1);
                docs.put(key, Some(i.body.to_string()), &Counter { next }, seq);
            }
            let parent = Some(i.body.to_string());
            docs.put(
                DocKey::new(DocKind::Instrument, i.id.as_str()),
                parent,
                i,
                seq,
            );
        }
        Change::RevisionRecorded(r) => {
            let key = DocKey::new(DocKind::Instrument, r.instrument.as_str());
            let mut instrument: crate::model::Instrument =
                docs.get(&key)?.ok_or_else(|| DomainError::NotFound {
                    kind: "instrument".into(),
                    id: r.instrument.to_string(),
                })?;
            instrument.title = r.title.clone();
            instrument.revisions.push(RevisionRef {
                id: r.id.clone(),
                citation: r.citation.clone(),
            });
            let parent = docs.doc(&key).and_then(|d| d.parent.clone());
            docs.put(key, parent, &instrument, seq);
            let rev_parent = Some(r.instrument.to_string());
            docs.put(
                DocKey::new(DocKind::Revision, r.id.as_str()),
                rev_parent,
                r,
                seq,
            );
        }
        Change::RightsRuleAdopted { conference, rule } => {
            let key = DocKey::new(DocKind::Conference, conference.as_str());
            let mut c: crate::model::Conference = required(docs, &key)?;
            c.rights_rules.push(rule.clone());
            let parent = Some(c.body.to_string());
            docs.put(key, parent, &c, seq);
        }
        Change::DelegationAccredited(d) => {
            let parent = Some(d.conference.to_string());
            docs.put(
                DocKey::new(DocKind::Delegation, d.id.as_str()),
                parent,
                d,
                seq,
            );
        }
        Change::CredentialsRecorded { delegation, status } => {
            let key = DocKey::new(DocKind::Delegation, delegation.as_str());
            let mut d: crate::model::Delegation = required(docs, &key)?;
            d.credentials = *status;
            let parent = Some(d.conference.to_string());
            docs.put(key, parent, &d, seq);
        }
        Change::DelegateRegistered(d) => {
            let parent = Some(d.delegation.to_string());
            docs.put(
                DocKey::new(DocKind::Delegate, d.id.as_str()),
                parent,
                d,
                seq,
            );
        }
        Change::DocumentSubmitted(d) => {
            let counter = DocKey::new(
                DocKind::Counter,
                counter_id(d.conference.as_str(), d.series),
            );
            let next = docs
                .get::<Counter>(&counter)?
                .map_or(1, |c| c.next)
                .max(d.number + 1);
            docs.put(
                counter,
                Some(d.conference.to_string()),
                &Counter { next },
                seq,
            );
            if let Some(base) = d.relation.as_ref().map(relation_target) {
                let key = DocKey::new(DocKind::Document, base);
                let mut b: Document = required(docs, &key)?;
                b.related.push(d.id.clone());
                let parent = Some(b.conference.to_string());
                docs.put(key, parent, &b, seq);
            }
            let parent = Some(d.conference.to_string());
            docs.put(
                DocKey::new(DocKind::Document, d.id.as_str()),
                parent,
                d,
                seq,
            );
        }
        Change::DocumentRestricted {
            document,
            restriction,
        }
        | Change::RestrictionRenewed {
            document,
            restriction,
        } => {
            let key = DocKey::new(DocKind::Document, document.as_str());
            let mut d: Document = required(docs, &key)?;
            if let Some(previous) = d.restriction.take() {
                d.restriction_history.push(previous);
            }
            d.restriction = Some(restriction.clone());
            let parent = Some(d.conference.to_string());
            docs.put(key, parent, &d, seq);
        }
        Change::DocumentDeclassified { document, on, .. } => {
            let key = DocKey::new(DocKind::Document, document.as_str());
            let mut d: Document = required(docs, &key)?;
            if let Some(previous) = d.restriction.take() {
                d.restriction_history.push(previous);
            }
            d.declassified_on = Some(*on);
            let parent = Some(d.conference.to_string());
            docs.put(key, parent, &d, seq);
        }
        Change::ProposalSubmitted(_)
        | Change::DraftCompiled { .. }
        | Change::DraftRevised { .. }
        | Change::ProposalWithdrawn { .. }
        | Change::ReadingRecorded { .. }
        | Change::DraftMoved { .. }
        | Change::DraftSplit { .. }
        | Change::ReportSubmitted(_)
        | Change::DraftAdopted { .. }
        | Change::FollowUpReferred(_)
        | Change::FollowUpClosed { .. } => {
            crate::negotiation::projection::apply(docs, change, seq)?;
        }
        Change::VotesRecorded(v) => {
            let key = DocKey::new(DocKind::Votes, crate::records::symbol_key(&v.symbol));
            docs.put(key, Some(v.body.to_string()), v, seq);
        }
        Change::TranslationRecorded(t) => {
            let parent = Some(crate::records::symbol_key(&t.symbol));
            docs.put(DocKey::new(DocKind::Translation, t.key()), parent, t, seq);
        }
        Change::FileImported(f) => {
            docs.put(
                DocKey::new(DocKind::ImportedFile, f.sha256.as_str()),
                None,
                f,
                seq,
            );
        }
        Change::MeetingScheduled(m) => {
            let parent = Some(m.conference.to_string());
            docs.put(DocKey::new(DocKind::Meeting, m.id.as_str()), parent, m, seq);
        }
        Change::FileAttached {
            document,
            language,
            file,
        } => {
            let key = DocKey::new(DocKind::Document, document.as_str());
            let mut d: Document = required(docs, &key)?;
            for v in d.versions.iter_mut().filter(|v| v.language == *language) {
                v.file = Some(file.clone());
            }
            let parent = Some(d.conference.to_string());
            docs.put(key, parent, &d, seq);
        }
    }
    Ok(())
}

/// The next number of a document series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counter {
    /// The number the next document of the series gets.
    pub next: u32,
}

/// The key of a series counter: `<conference>/<series>`.
pub fn counter_id(conference: &str, series: Series) -> String {
    let name = match series {
        Series::Main => "main",
        Series::Temporary => "dt",
        Series::Administrative => "adm",
    };
    format!("{conference}/{name}")
}

/// The document a relation points at.
pub fn relation_target(relation: &Relation) -> &str {
    match relation {
        Relation::Addendum { of } | Relation::Revision { of } | Relation::Corrigendum { of } => of,
    }
}

pub(crate) fn required<T: DeserializeOwned>(docs: &DocSet, key: &DocKey) -> Result<T, DomainError> {
    docs.get(key)?.ok_or_else(|| DomainError::NotFound {
        kind: key.kind.as_str().into(),
        id: key.id.clone(),
    })
}
