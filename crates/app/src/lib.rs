//! Plenary's use cases. Every state change goes through [`App::execute`]:
//! authorize (domain) → decide on the current state (domain, under the store's chain lock) →
//! append the events and update the views in one transaction (store) → publish the events
//! to live subscribers. Reads go through the same access policy.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod accounts;
pub mod demo;
mod files;
mod head;
pub mod import;
pub mod negotiation;
mod reads;

pub use files::UploadError;

use std::collections::BTreeSet;
use std::sync::Arc;

use plenary_domain::DomainError;
use plenary_domain::access::{self, Actor, EventView};
use plenary_domain::chain::Head;
use plenary_domain::command::{self, Command};
use plenary_domain::documents::Document;
use plenary_domain::event::{RecordedEvent, Timestamp};
use plenary_domain::model::{Conference, Delegation, Group, Instrument, Member, Revision};
use plenary_domain::projection::{Doc, DocKey, DocKind};
use plenary_domain::rights::{self, ParticipantCategory};
use plenary_domain::search::{self, Filters, SearchQuery, SearchResults};
use plenary_store::{Store, StoreError, Verification};
use serde::de::DeserializeOwned;
use tokio::sync::broadcast;

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The domain refused: bad input, missing right, unknown id. Nothing was written.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The store failed. Nothing was written.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Domain(d) => Self::Domain(d),
            other => Self::Store(other),
        }
    }
}

/// Today's date (UTC), for restriction review dates.
fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// Prefixes a refusal inside a batch with the command's position and name.
/// View documents of one kind, as the backend returned them (id, stored document), decoded.
fn decode_all<T: DeserializeOwned>(kind: DocKind, docs: Vec<(String, Doc)>) -> Result<Vec<T>> {
    docs.into_iter()
        .map(|(id, doc)| Ok(doc.decode(&DocKey::new(kind, id))?))
        .collect()
}

/// A batch of commands that was not recorded: why, and which command, when one was refused.
#[derive(Debug)]
pub struct Refused {
    /// The refused command's index in the batch, from 0 (none for a storage failure).
    pub index: Option<usize>,
    /// Why.
    pub error: AppError,
}

fn in_batch(index: usize, command: &Command, e: DomainError) -> DomainError {
    let at = format!("command {} ({})", index + 1, command.name());
    match e {
        DomainError::InvalidField { field, rule } => DomainError::InvalidField {
            field: format!("{at}: {field}"),
            rule,
        },
        DomainError::Forbidden { reason } => DomainError::Forbidden {
            reason: format!("{at}: {reason}"),
        },
        other => other,
    }
}

/// A report a group owes, and whether it is overdue.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct ReportingStatus {
    /// The group that owes it.
    pub group: plenary_domain::model::GroupId,
    /// Its name.
    pub group_name: String,
    /// The group it is owed to.
    pub to: plenary_domain::model::GroupId,
    /// What is to be reported.
    pub subject: String,
    /// When it is due.
    #[schemars(with = "plenary_domain::schema::IsoDate")]
    pub due_on: time::Date,
    /// Whether the due date has passed without the report.
    pub overdue: bool,
    /// The report that fulfilled it (its symbol), once submitted.
    pub fulfilled_by: Option<String>,
}

/// One row of a group's rights matrix.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct RightsRow {
    /// The participant category.
    pub category: ParticipantCategory,
    /// Its rights in the group.
    pub rights: BTreeSet<rights::Right>,
}

/// A search as a reader asks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    /// The query, in the search syntax (`docs/search.md`).
    pub q: String,
    /// Filters.
    pub filters: Filters,
    /// Most hits per page (1 to [`search::MAX_LIMIT`]).
    pub limit: u32,
    /// Hits to skip.
    pub offset: u32,
    /// Whether to count facets over all hits (the total is always counted).
    pub facets: bool,
}

impl SearchRequest {
    /// A first page of 20 hits for a query, unfiltered, with facet counts.
    pub fn new(q: &str) -> Self {
        Self {
            q: q.to_owned(),
            filters: Filters::default(),
            limit: 20,
            offset: 0,
            facets: true,
        }
    }
}

/// Result of a use case.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// How many recorded events a slow live subscriber may lag before it must resync.
const LIVE_BUFFER: usize = 1024;

/// The application: a store and the live stream of recorded events.
#[derive(Debug, Clone)]
pub struct App {
    store: Store,
    live: broadcast::Sender<Arc<RecordedEvent>>,
    /// Set once a follower publishes every appended event (from any app server) in seq
    /// order; `execute` then leaves publishing to it.
    followed: Arc<std::sync::atomic::AtomicBool>,
    /// Where language versions' files are kept (content addressed by SHA-256).
    files: Option<Arc<dyn object_store::ObjectStore>>,
    /// Concurrent reads of the chain head, shared (`head.rs`).
    heads: Arc<head::HeadReads>,
}

impl App {
    /// An application over a migrated store.
    pub fn new(store: Store) -> Self {
        let (live, _) = broadcast::channel(LIVE_BUFFER);
        Self {
            store,
            live,
            followed: Arc::default(),
            files: None,
            heads: Arc::default(),
        }
    }

    /// The application with an object store for documents' files (a local directory, or
    /// an S3-compatible store).
    #[must_use]
    pub fn with_files(mut self, files: Arc<dyn object_store::ObjectStore>) -> Self {
        self.files = Some(files);
        self
    }

    /// The store (for verification and maintenance commands).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// When the store is shared by several app servers (PostgreSQL), follows the log so that
    /// live subscribers here see every event, whichever server recorded it, in seq order.
    /// Returns whether a follower was started (false for a store one process owns).
    ///
    /// # Errors
    /// When the store cannot be listened to.
    pub async fn follow_shared_log(&self) -> Result<bool> {
        let Some(mut appended) = self.store.backend().appended().await? else {
            return Ok(false);
        };
        let mut published = self.head().await?.seq;
        self.followed
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let app = self.clone();
        tokio::spawn(async move {
            use futures::StreamExt;
            while let Some(note) = appended.next().await {
                match note {
                    Ok(seq) if seq <= published => continue,
                    Ok(_) => {}
                    Err(e) => {
                        // The listener reconnects; re-read whatever was missed meanwhile.
                        tracing::warn!(error = %e, "listening to the shared log");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
                loop {
                    let page = match app
                        .store
                        .backend()
                        .events(published, plenary_store::PAGE)
                        .await
                    {
                        Ok(page) => page,
                        Err(e) => {
                            tracing::warn!(error = %e, "reading the shared log");
                            break;
                        }
                    };
                    let Some(last) = page.last().map(|e| e.seq) else {
                        break;
                    };
                    for e in page {
                        let _ = app.live.send(Arc::new(e));
                    }
                    published = last;
                }
            }
        });
        Ok(true)
    }

    fn publish(&self, events: &[RecordedEvent]) {
        if self.followed.load(std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        for e in events {
            // No receiver is not an error: nobody is watching.
            let _ = self.live.send(Arc::new(e.clone()));
        }
    }

    /// Subscribes to events as they are recorded by this process.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<RecordedEvent>> {
        self.live.subscribe()
    }

    /// Carries out a command for an actor: authorize, decide, record, publish.
    ///
    /// # Errors
    /// [`AppError::Domain`] when refused (nothing written), [`AppError::Store`] when the
    /// store fails (nothing written).
    pub async fn execute(&self, actor: &Actor, command: Command) -> Result<Vec<RecordedEvent>> {
        self.execute_on(actor, command, today()).await
    }

    /// As [`App::execute`], deciding as on `today` (the events carry the real time).
    async fn execute_on(
        &self,
        actor: &Actor,
        command: Command,
        today: time::Date,
    ) -> Result<Vec<RecordedEvent>> {
        access::authorize(actor, &command)?;
        let reads = command::reads(&command);
        let at = Timestamp::new(time::OffsetDateTime::now_utc());
        let events = self
            .store
            .record(&actor.id, at, &reads, &|docs| {
                command::decide_as(actor, &command, docs, today)
            })
            .await?;
        self.publish(&events);
        tracing::debug!(command = command.name(), events = events.len(), actor = %actor.id, "recorded");
        Ok(events)
    }

    /// Carries out several commands for an actor in one transaction: all are recorded, or,
    /// if any is refused, none (the error names the command's position, from 1).
    ///
    /// # Errors
    /// As [`App::execute`]; nothing is written on error.
    pub async fn execute_all(
        &self,
        actor: &Actor,
        commands: &[Command],
    ) -> Result<Vec<RecordedEvent>> {
        self.execute_all_at(actor, commands)
            .await
            .map_err(|refused| refused.error)
    }

    /// Like [`App::execute_all`], and a refusal also says which command (its index, from
    /// 0) was refused, so that a script's runner can name the line it came from.
    ///
    /// # Errors
    /// As [`App::execute`]; nothing is written on error.
    pub async fn execute_all_at(
        &self,
        actor: &Actor,
        commands: &[Command],
    ) -> std::result::Result<Vec<RecordedEvent>, Refused> {
        for (i, c) in commands.iter().enumerate() {
            access::authorize(actor, c).map_err(|e| Refused {
                index: Some(i),
                error: in_batch(i, c, e).into(),
            })?;
        }
        let at = Timestamp::new(time::OffsetDateTime::now_utc());
        let today = at.get().date();
        let reads: Vec<Vec<plenary_domain::projection::DocKey>> =
            commands.iter().map(command::reads).collect();
        // The index of the command a decision refused (usize::MAX: none).
        let refused_at = std::sync::atomic::AtomicUsize::new(usize::MAX);
        let decides: Vec<Box<plenary_store::Decide<'_>>> = commands
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let refused_at = &refused_at;
                Box::new(move |docs: &plenary_domain::projection::DocSet| {
                    command::decide_as(actor, c, docs, today).map_err(|e| {
                        if !matches!(e, DomainError::MustRead { .. }) {
                            refused_at.store(i, std::sync::atomic::Ordering::Relaxed);
                        }
                        in_batch(i, c, e)
                    })
                }) as Box<plenary_store::Decide<'_>>
            })
            .collect();
        let steps: Vec<plenary_store::Step<'_>> = reads
            .iter()
            .zip(&decides)
            .map(|(r, d)| plenary_store::Step {
                reads: r,
                decide: d.as_ref(),
            })
            .collect();
        let events = self
            .store
            .record_all(&actor.id, at, &steps)
            .await
            .map_err(|e| {
                let error = AppError::from(e);
                let index = match (
                    &error,
                    refused_at.load(std::sync::atomic::Ordering::Relaxed),
                ) {
                    (AppError::Domain(_), i) if i != usize::MAX => Some(i),
                    _ => None,
                };
                Refused { index, error }
            })?;
        self.publish(&events);
        Ok(events)
    }

    /// Whether the store can serve: its schema is in place, the chain head reads, and,
    /// after a write failed in the database, writes commit again ([`Store::ready`]).
    ///
    /// # Errors
    /// When it cannot.
    pub async fn ready(&self) -> Result<()> {
        Ok(self.store.ready().await?)
    }

    /// Recomputes the hash chain.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn verify(&self) -> Result<Verification> {
        Ok(self.store.verify().await?)
    }

    async fn get<T: DeserializeOwned>(&self, kind: DocKind, id: &str) -> Result<Option<T>> {
        let key = DocKey::new(kind, id);
        match self.store.backend().doc(&key).await? {
            Some(doc) => Ok(Some(doc.decode(&key)?)),
            None => Ok(None),
        }
    }

    async fn list<T: DeserializeOwned>(
        &self,
        kind: DocKind,
        parent: Option<&str>,
    ) -> Result<Vec<T>> {
        decode_all(kind, self.store.backend().docs(kind, parent).await?)
    }

    /// Every conference, ordered by opening date (latest first).
    ///
    /// # Errors
    /// A storage failure.
    pub async fn conferences(&self, _reader: &Actor) -> Result<Vec<Conference>> {
        let mut all: Vec<Conference> = self.list(DocKind::Conference, None).await?;
        all.sort_by(|a, b| b.opens_on.cmp(&a.opens_on).then(a.id.cmp(&b.id)));
        Ok(all)
    }

    /// One conference.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn conference(&self, _reader: &Actor, id: &str) -> Result<Option<Conference>> {
        self.get(DocKind::Conference, id).await
    }

    /// The groups of a conference, ordered by id.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn groups(&self, _reader: &Actor, conference: &str) -> Result<Vec<Group>> {
        self.list(DocKind::Group, Some(conference)).await
    }

    /// The members of a body, ordered by id.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn members(&self, _reader: &Actor, body: &str) -> Result<Vec<Member>> {
        self.list(DocKind::Member, Some(body)).await
    }

    /// The instruments of a body, ordered by id.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn instruments(&self, _reader: &Actor, body: &str) -> Result<Vec<Instrument>> {
        self.list(DocKind::Instrument, Some(body)).await
    }

    /// One revision with its text.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn revision(&self, _reader: &Actor, id: &str) -> Result<Option<Revision>> {
        self.get(DocKind::Revision, id).await
    }

    /// Events after `after`, at most `limit`, as `reader` may see them: an event whose
    /// content is restricted keeps its place and hashes in the chain, but its payload is
    /// withheld.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn events(&self, reader: &Actor, after: i64, limit: u32) -> Result<Vec<EventView>> {
        let events = self.store.backend().events(after, limit).await?;
        let restricted = self.restricted_scopes().await?;
        Ok(events
            .iter()
            .map(|e| access::event_view(reader, e, &restricted))
            .collect())
    }

    /// What `reader` may see of one event (for the live stream).
    ///
    /// # Errors
    /// A storage failure.
    pub async fn event_view(&self, reader: &Actor, event: &RecordedEvent) -> Result<EventView> {
        let restricted = match &event.visibility {
            plenary_domain::event::Visibility::Public => BTreeSet::new(),
            plenary_domain::event::Visibility::Restricted(_) => self.restricted_scopes().await?,
        };
        Ok(access::event_view(reader, event, &restricted))
    }

    /// Searches every text `reader` may read: hits (provisions, document versions) with
    /// highlighted snippets, and facet counts. Entries in scopes the reader may not read
    /// are left out by the database before anything is counted or shown.
    ///
    /// # Errors
    /// [`DomainError::InvalidField`] for a bad query (`q`) or page (`limit`), or a
    /// storage failure.
    pub async fn search(&self, reader: &Actor, request: &SearchRequest) -> Result<SearchResults> {
        let query = search::parse_query(&request.q)?;
        if request.limit == 0 || request.limit > search::MAX_LIMIT {
            return Err(DomainError::invalid(
                "limit",
                format!("must be from 1 to {}", search::MAX_LIMIT),
            )
            .into());
        }
        if let (Some(from), Some(to)) = (request.filters.from, request.filters.to)
            && from > to
        {
            return Err(
                DomainError::invalid("from", format!("must not be after to ({to})")).into(),
            );
        }
        let languages: Vec<&str> = match request.filters.language.as_deref() {
            None => search::LANGUAGES.to_vec(),
            Some(code) if search::LANGUAGES.contains(&code) => vec![code],
            Some(_) => {
                return Err(DomainError::invalid(
                    "language",
                    format!("must be one of {}", search::LANGUAGES.join(", ")),
                )
                .into());
            }
        };
        // Only a document with a restriction can hide anything.
        let documents = self.restricted_documents().await?;
        let hidden_scopes = search::hidden_scopes(reader, &documents, today());
        let query = SearchQuery {
            matching: query.to_match(&languages),
            first: query.whole_phrase(&languages),
            filters: request.filters.clone(),
            hidden_scopes,
            limit: request.limit,
            offset: request.offset,
            facets: request.facets,
        };
        let mut results = self.store.search(&query).await?;
        // A vote or translation links to the record of its revision, when that revision
        // was imported (most recorded votes have no text on the platform).
        for hit in &mut results.hits {
            if let Some(revision) = &hit.place.record {
                let key = DocKey::new(DocKind::Revision, revision.as_str());
                if self.store.backend().doc(&key).await?.is_none() {
                    hit.place.record = None;
                }
            }
        }
        Ok(results)
    }

    /// The documents with a restriction in force (not necessarily still holding today).
    async fn restricted_documents(&self) -> Result<Vec<Document>> {
        decode_all(
            DocKind::Document,
            self.store.backend().restricted_documents().await?,
        )
    }

    /// The scopes whose content is withheld today.
    async fn restricted_scopes(&self) -> Result<BTreeSet<String>> {
        let today = today();
        let documents = self.restricted_documents().await?;
        Ok(documents
            .iter()
            .filter(|d| d.is_restricted_on(today))
            .map(Document::scope)
            .collect())
    }

    /// The documents of a conference as `reader` may see them, in id order.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn documents(&self, reader: &Actor, conference: &str) -> Result<Vec<Document>> {
        let today = today();
        let all: Vec<Document> = self.list(DocKind::Document, Some(conference)).await?;
        Ok(all
            .iter()
            .map(|d| access::document_view(reader, d, today))
            .collect())
    }

    /// One document as `reader` may see it.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn document(&self, reader: &Actor, id: &str) -> Result<Option<Document>> {
        let found: Option<Document> = self.get(DocKind::Document, id).await?;
        Ok(found.map(|d| access::document_view(reader, &d, today())))
    }

    /// The restriction register of a conference: every document that is or was restricted,
    /// with the reason, justification, who decided and the review date (never content).
    ///
    /// # Errors
    /// A storage failure.
    pub async fn restriction_register(&self, conference: &str) -> Result<Vec<Document>> {
        let today = today();
        let all: Vec<Document> = self.list(DocKind::Document, Some(conference)).await?;
        let anonymous = Actor::anonymous();
        Ok(all
            .iter()
            .filter(|d| d.restriction.is_some() || !d.restriction_history.is_empty())
            .map(|d| access::document_view(&anonymous, d, today))
            .collect())
    }

    /// The reports groups of a conference owe, with their state on `today`: `overdue` once
    /// the due date has passed. (Submitting a report will fulfil its duty.)
    ///
    /// # Errors
    /// A storage failure.
    pub async fn reporting_duties(
        &self,
        reader: &Actor,
        conference: &str,
    ) -> Result<Vec<ReportingStatus>> {
        let today = today();
        let groups = self.groups(reader, conference).await?;
        let reports = self.reports(reader, conference).await?;
        Ok(groups
            .into_iter()
            .filter_map(|g| {
                let duty = g.reporting?;
                let fulfilled_by = reports
                    .iter()
                    .find(|r| r.group == g.id && r.to == duty.to)
                    .map(|r| r.symbol.clone());
                Some(ReportingStatus {
                    overdue: duty.due_on < today && fulfilled_by.is_none(),
                    fulfilled_by,
                    group: g.id,
                    group_name: g.name,
                    to: duty.to,
                    subject: duty.subject,
                    due_on: duty.due_on,
                })
            })
            .collect())
    }

    /// One group.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn group(&self, _reader: &Actor, id: &str) -> Result<Option<Group>> {
        self.get(DocKind::Group, id).await
    }

    /// The rights matrix of a group: for each participant category, its rights there under
    /// the conference's rules (member states shown with credentials in order).
    ///
    /// # Errors
    /// A storage failure, or [`DomainError::NotFound`] for an unknown group.
    pub async fn rights_matrix(&self, reader: &Actor, group: &str) -> Result<Vec<RightsRow>> {
        let g = self
            .group(reader, group)
            .await?
            .ok_or_else(|| DomainError::NotFound {
                kind: "group".into(),
                id: group.into(),
            })?;
        let conference = self
            .conference(reader, g.conference.as_str())
            .await?
            .ok_or_else(|| DomainError::NotFound {
                kind: "conference".into(),
                id: g.conference.to_string(),
            })?;
        Ok(ParticipantCategory::ALL
            .into_iter()
            .map(|category| RightsRow {
                category,
                rights: rights::rights_in(
                    category,
                    &g.id,
                    g.visibility,
                    &conference.rights_rules,
                    rights::CredentialsStatus::InOrder,
                ),
            })
            .collect())
    }

    /// The delegations to a conference, in id order.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn delegations(&self, _reader: &Actor, conference: &str) -> Result<Vec<Delegation>> {
        self.list(DocKind::Delegation, Some(conference)).await
    }

    /// Records, as the system, that the restriction of every document whose review date
    /// has come by `today` without a renewal has lapsed, so the register and the log show
    /// it. Returns the documents recorded. A document another server recorded meanwhile is
    /// skipped; one failure does not stop the others.
    ///
    /// # Errors
    /// A storage failure while listing the documents.
    pub async fn record_lapsed_restrictions(&self, today: time::Date) -> Result<Vec<String>> {
        let documents: Vec<Document> = self.list(DocKind::Document, None).await?;
        let mut recorded = Vec::new();
        for d in documents {
            let lapsed = d.restriction.as_ref().is_some_and(|r| !r.holds_on(today));
            if !lapsed {
                continue;
            }
            let command = Command::RecordLapsedRestriction {
                document: d.id.clone(),
            };
            match self.execute_on(&Actor::system(), command, today).await {
                Ok(_) => recorded.push(d.id),
                Err(e) => {
                    tracing::warn!(document = %d.id, error = %e, "recording a lapsed restriction")
                }
            }
        }
        Ok(recorded)
    }

    /// Runs [`App::record_lapsed_restrictions`] now and then every `every`, for as long as
    /// the process lives (`plenary serve` and `demo` start it).
    pub fn spawn_lapse_recorder(&self, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match app.record_lapsed_restrictions(today()).await {
                    Ok(docs) if !docs.is_empty() => {
                        tracing::info!(?docs, "recorded lapsed restrictions");
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "looking for lapsed restrictions"),
                }
            }
        })
    }

    /// The head of the chain as committed when this is called (or later): concurrent
    /// callers share one read of the store that started after each of them asked.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn head(&self) -> Result<Head> {
        Ok(self.heads.read(&self.store).await?)
    }
}
