//! Storage of the public record: the traits every backend implements, and [`Store`], the
//! one place where a decision becomes events and views in a single transaction.
//!
//! A backend owns SQL; this crate owns the order of operations: lock the chain head, load
//! the documents a command reads, let the domain decide, seal each event onto the chain,
//! apply it to the views, write everything, commit. Nothing here knows SQL or HTTP.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "conformance")]
pub mod conformance;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use plenary_domain::DomainError;
use plenary_domain::chain::{ChainBreak, ChainVerifier, Head};
use plenary_domain::event::{PendingEvent, RecordedEvent, Timestamp};
use plenary_domain::projection::{self, Doc, DocKey, DocKind, DocSet};
use plenary_domain::search::{self, Found, SearchEntry, SearchQuery};

/// How many events a page of the log holds when the store reads it in order.
pub const PAGE: u32 = 2000;

/// How many times a decision may ask for more documents before the store gives up.
const MAX_READ_ROUNDS: usize = 64;

/// What can go wrong when storing or reading.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The domain refused the command; nothing was written.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The database could not be reached or answered with an error.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// A stored row could not be read back (a tampered or damaged store).
    #[error("corrupt record at seq {seq}: {detail}")]
    CorruptEvent {
        /// The seq of the row.
        seq: i64,
        /// What failed.
        detail: String,
    },
    /// The database refused the write (a constraint or trigger).
    #[error("refused by the database: {0}")]
    Refused(String),
}

/// Result of the store.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An account as stored (never on the public log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    /// Its id.
    pub id: String,
    /// The sign-in name.
    pub username: String,
    /// The name shown.
    pub display_name: String,
    /// The argon2id hash of the password (PHC string).
    pub password_hash: String,
    /// When it was created.
    pub created_at: String,
}

/// A signed-in session, found by the SHA-256 of its cookie token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the session token (hex).
    pub token_sha256: String,
    /// The account.
    pub account_id: String,
    /// The CSRF token that unsafe requests of this session must echo.
    pub csrf_token: String,
    /// When it was created.
    pub created_at: String,
    /// When it expires.
    pub expires_at: String,
}

/// An API token, found by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    /// Its public id, to list and revoke it by (not the secret, not its hash).
    pub id: String,
    /// SHA-256 of the token (hex).
    pub token_sha256: String,
    /// The account.
    pub account_id: String,
    /// What it is for.
    pub label: String,
    /// When it was created.
    pub created_at: String,
    /// When it stops working.
    pub expires_at: String,
    /// When it last identified a request, to the hour (`None`: never).
    pub last_used_at: Option<String>,
}

/// Accounts, sessions, API tokens and failed sign-ins. Not event-sourced: credentials do
/// not belong on the public record.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates an account; [`StoreError::Domain`] `AlreadyExists` when the username is taken.
    async fn create_account(&self, account: &AccountRecord, roles: &[String]) -> Result<()>;
    /// An account by username.
    async fn account_by_username(&self, username: &str) -> Result<Option<AccountRecord>>;
    /// An account by id.
    async fn account(&self, id: &str) -> Result<Option<AccountRecord>>;
    /// Every account, by username.
    async fn accounts(&self) -> Result<Vec<AccountRecord>>;
    /// Replaces a password hash and ends the account's sessions and API tokens, in one
    /// transaction; false if no such account.
    async fn set_password_hash(&self, id: &str, hash: &str) -> Result<bool>;
    /// The roles of an account (JSON texts).
    async fn roles(&self, id: &str) -> Result<Vec<String>>;
    /// Records a session.
    async fn create_session(&self, session: &SessionRecord) -> Result<()>;
    /// A session by token hash.
    async fn session(&self, token_sha256: &str) -> Result<Option<SessionRecord>>;
    /// Ends a session.
    async fn delete_session(&self, token_sha256: &str) -> Result<()>;
    /// Records an API token.
    async fn create_api_token(&self, token: &ApiTokenRecord) -> Result<()>;
    /// An API token by hash.
    async fn api_token(&self, token_sha256: &str) -> Result<Option<ApiTokenRecord>>;
    /// The API tokens of an account, newest first.
    async fn api_tokens(&self, account_id: &str) -> Result<Vec<ApiTokenRecord>>;
    /// Notes that a token identified a request at `at`.
    async fn touch_api_token(&self, id: &str, at: &str) -> Result<()>;
    /// Revokes an account's token; false if the account holds no token with that id.
    async fn delete_api_token(&self, account_id: &str, id: &str) -> Result<bool>;
    /// Notes a failed sign-in under `key` (a bounded key the caller derives from the
    /// username: never the name as sent), and forgets every failure before `forget_before`,
    /// so that the table holds at most one window of failures.
    async fn record_login_failure(&self, key: &str, at: &str, forget_before: &str) -> Result<()>;
    /// Failed sign-ins under `key` at or after `since`.
    async fn login_failures_since(&self, key: &str, since: &str) -> Result<i64>;
    /// Failed sign-ins under every key (what the table holds).
    async fn login_failures_count(&self) -> Result<i64>;
    /// Forgets the failed sign-ins under `key` (after a success).
    async fn clear_login_failures(&self, key: &str) -> Result<()>;
}

/// A storage backend: SQLite or PostgreSQL.
#[async_trait]
pub trait Backend: AccountStore + std::fmt::Debug {
    /// `sqlite` or `postgres`.
    fn name(&self) -> &'static str;
    /// Brings the schema up to date.
    async fn migrate(&self) -> Result<()>;
    /// Checks that the store can serve, cheaply: the database answers, every migration of
    /// this build is applied (a database recreated empty is not ready) and the chain head
    /// reads.
    async fn ready(&self) -> Result<()>;
    /// Commits [`PROBE_BYTES`] of random bytes to a table of their own, outside the record
    /// and its views: whether the database takes a write of that size now (more than most
    /// commands write). Readiness asks it after a write failed in the database, so that a
    /// full disk is reported until writes can succeed again.
    async fn probe_write(&self) -> Result<()>;
    /// Opens a write transaction holding the chain lock: no other writer, in this process
    /// or any other, can append until it commits or is dropped (rolled back).
    async fn begin(&self) -> Result<Box<dyn WriteTx>>;
    /// The committed head of the chain.
    async fn head(&self) -> Result<Head>;
    /// Up to `limit` events with seq > `after`, in seq order.
    async fn events(&self, after: i64, limit: u32) -> Result<Vec<RecordedEvent>>;
    /// One document of the views.
    async fn doc(&self, key: &DocKey) -> Result<Option<Doc>>;
    /// The documents of a kind, optionally only those under one parent, ordered by id.
    async fn docs(&self, kind: DocKind, parent: Option<&str>) -> Result<Vec<(String, Doc)>>;
    /// The conference documents (kind `document`) with a restriction in force (a
    /// `restriction` that is not null), ordered by id: what access needs on every search
    /// and every page of the event log, found through an index instead of reading every
    /// document. (Whether each restriction still holds today is the domain's to decide.)
    async fn restricted_documents(&self) -> Result<Vec<(String, Doc)>>;
    /// A stream of the seqs that any process appends, for backends shared by several app
    /// servers (PostgreSQL's `LISTEN`); `None` where one process owns the store.
    async fn appended(&self) -> Result<Option<Appended>> {
        Ok(None)
    }
    /// Full-text search over the index: hits and facet counts, leaving out entries in the
    /// query's hidden scopes before counting, ranking or returning anything.
    async fn search(&self, query: &SearchQuery) -> Result<Found>;
    /// Brings the search index into its fastest shape after many entries were written
    /// (an import, a rebuild): SQLite merges FTS5's segments into one; PostgreSQL moves
    /// the GIN index's pending entries into the index and refreshes the planner's
    /// statistics. Searches find the same before and after.
    async fn compact_search_index(&self) -> Result<()> {
        Ok(())
    }
}

/// Seqs appended by any process, in commit order.
pub type Appended = futures::stream::BoxStream<'static, Result<i64>>;

/// A write transaction that holds the chain lock. Dropping it without [`WriteTx::commit`]
/// rolls everything back.
#[async_trait]
pub trait WriteTx: Send {
    /// The head as seen under the lock.
    async fn head(&mut self) -> Result<Head>;
    /// Reads a document as of this transaction.
    async fn load(&mut self, key: &DocKey) -> Result<Option<Doc>>;
    /// Reads events as of this transaction (for a rebuild under the lock).
    async fn events(&mut self, after: i64, limit: u32) -> Result<Vec<RecordedEvent>>;
    /// Appends a sealed event and moves the head to it.
    async fn append(&mut self, event: &RecordedEvent) -> Result<()>;
    /// Writes a document of the views.
    async fn put(&mut self, key: &DocKey, doc: &Doc) -> Result<()>;
    /// Replaces the search entries of one view document with `entries` (none: removes
    /// them).
    async fn index(&mut self, source: &DocKey, entries: &[SearchEntry]) -> Result<()>;
    /// Empties the views and the search index (for a rebuild).
    async fn clear_views(&mut self) -> Result<()>;
    /// Commits; on return the events are durable.
    async fn commit(self: Box<Self>) -> Result<()>;
}

/// What `verify` found on an intact chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The head: event count and last hash.
    pub head: Head,
    /// Payload bytes hashed.
    pub payload_bytes: u64,
}

/// The domain's decision for one command: given the documents it reads, the events to
/// record, or a refusal.
pub type Decide<'a> = dyn Fn(&DocSet) -> Result<Vec<PendingEvent>, DomainError> + Send + Sync + 'a;

/// One decision of a batch: the documents it reads and the decision itself.
#[derive(Clone, Copy)]
pub struct Step<'a> {
    /// The documents to load before deciding.
    pub reads: &'a [DocKey],
    /// The decision.
    pub decide: &'a Decide<'a>,
}

impl std::fmt::Debug for Step<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Step")
            .field("reads", &self.reads)
            .finish_non_exhaustive()
    }
}

/// The result of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Every event is in place and unaltered.
    Intact(Verified),
    /// The chain breaks at an event.
    Broken(ChainBreak),
}

/// How many bytes [`Backend::probe_write`] commits: 64 KiB.
pub const PROBE_BYTES: u32 = 64 * 1024;

/// The store: a backend plus the rules of how the record is written.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Arc<dyn Backend>,
    /// The stems snippets have found, shared by every search.
    stems: Arc<std::sync::Mutex<search::StemCache>>,
    /// Whether the last write failed in the database (a full disk, a lost connection), not
    /// refused by the domain: until a write succeeds, readiness asks for a probe write.
    write_failed: Arc<AtomicBool>,
}

impl Store {
    /// Wraps a backend.
    pub fn new(backend: Arc<dyn Backend>) -> Self {
        Self {
            backend,
            stems: Arc::default(),
            write_failed: Arc::default(),
        }
    }

    /// Checks that the store can serve: [`Backend::ready`], and, when the last write failed
    /// in the database, that a write commits now ([`Backend::probe_write`]). So a store
    /// whose writes fail is not ready, and it is ready again, without a restart, as soon as
    /// it takes writes.
    ///
    /// # Errors
    /// When it cannot serve.
    pub async fn ready(&self) -> Result<()> {
        self.backend.ready().await?;
        if self.write_failed.load(Ordering::Acquire) {
            self.backend.probe_write().await?;
            self.write_failed.store(false, Ordering::Release);
        }
        Ok(())
    }

    /// The backend.
    pub fn backend(&self) -> &dyn Backend {
        self.backend.as_ref()
    }

    /// Accounts, sessions and tokens (not on the public record).
    pub fn accounts(&self) -> &dyn AccountStore {
        self.backend.as_ref()
    }

    /// Lets the domain decide on the current state and records the result: the documents
    /// in `reads` are loaded under the chain lock, `decide` sees them, and the events it
    /// returns are sealed onto the chain and projected into the views in the same
    /// transaction. Either all of it is committed or none of it.
    ///
    /// # Errors
    /// The domain's refusal (nothing written) or a storage failure (nothing written).
    pub async fn record(
        &self,
        actor: &str,
        at: Timestamp,
        reads: &[DocKey],
        decide: &Decide<'_>,
    ) -> Result<Vec<RecordedEvent>> {
        self.record_all(actor, at, &[Step { reads, decide }]).await
    }

    /// Records several decisions in one transaction, each seeing the state the previous
    /// ones left: all are committed, or, if any is refused, none.
    ///
    /// # Errors
    /// The first refusal (nothing written) or a storage failure (nothing written).
    pub async fn record_all(
        &self,
        actor: &str,
        at: Timestamp,
        steps: &[Step<'_>],
    ) -> Result<Vec<RecordedEvent>> {
        let recorded = self.write_all(actor, at, steps).await;
        match &recorded {
            Ok(_) => self.write_failed.store(false, Ordering::Release),
            Err(StoreError::Unavailable(_) | StoreError::Refused(_)) => {
                self.write_failed.store(true, Ordering::Release);
            }
            Err(StoreError::Domain(_) | StoreError::CorruptEvent { .. }) => {}
        }
        recorded
    }

    async fn write_all(
        &self,
        actor: &str,
        at: Timestamp,
        steps: &[Step<'_>],
    ) -> Result<Vec<RecordedEvent>> {
        let mut tx = self.backend.begin().await?;
        let mut head = tx.head().await?;
        let mut docs = DocSet::new();
        let mut recorded = Vec::new();
        for step in steps {
            for key in step.reads {
                load_into(tx.as_mut(), &mut docs, key).await?;
            }
            // A decision may ask for more documents than `reads` named (the negotiation
            // learns a draft's group from the draft); load them and ask again.
            let mut rounds = 0;
            let pending = loop {
                match (step.decide)(&docs) {
                    Err(DomainError::MustRead { keys }) if rounds < MAX_READ_ROUNDS => {
                        for key in &keys {
                            load_into(tx.as_mut(), &mut docs, key).await?;
                        }
                        rounds += 1;
                    }
                    other => break other?,
                }
            };
            for p in &pending {
                for key in projection::touches(&p.change) {
                    load_into(tx.as_mut(), &mut docs, &key).await?;
                }
                let event = RecordedEvent::seal(&head, uuid::Uuid::now_v7(), &at, actor, p);
                projection::apply(&mut docs, &p.change, event.seq)?;
                tx.append(&event).await?;
                head = Head {
                    seq: event.seq,
                    hash: event.hash.clone(),
                };
                recorded.push(event);
            }
        }
        for (key, doc) in docs.written() {
            put_and_index(tx.as_mut(), key, doc).await?;
        }
        tx.commit().await?;
        Ok(recorded)
    }

    /// Recomputes every view from the log, under the chain lock, and replaces the views
    /// with the result. Returns the number of events replayed.
    ///
    /// # Errors
    /// When an event cannot be decoded or applied (the log and the code disagree).
    pub async fn rebuild_views(&self) -> Result<i64> {
        let mut tx = self.backend.begin().await?;
        let docs = replay(tx.as_mut()).await?;
        tx.clear_views().await?;
        let mut count = 0;
        for (key, doc) in docs.all() {
            put_and_index(tx.as_mut(), key, doc).await?;
            count += 1;
        }
        let head = tx.head().await?;
        tx.commit().await?;
        self.backend.compact_search_index().await?;
        tracing::info!(
            events = head.seq,
            documents = count,
            "views rebuilt from the log"
        );
        Ok(head.seq)
    }

    /// Brings the search index into its fastest shape, after an import (see
    /// [`Backend::compact_search_index`]).
    ///
    /// # Errors
    /// A storage failure.
    pub async fn compact_search_index(&self) -> Result<()> {
        self.backend.compact_search_index().await
    }

    /// Searches the index; each hit gets a snippet with the matched words marked.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn search(&self, query: &SearchQuery) -> Result<search::SearchResults> {
        let found = self.backend.search(query).await?;
        // A search that finds the cache in use builds its snippets without it.
        Ok(match self.stems.try_lock() {
            Ok(mut stems) => search::results_with(found, &query.matching, &mut stems),
            Err(_) => search::results(found, &query.matching),
        })
    }

    /// Every document of the views, ordered by kind and id (to compare live and rebuilt).
    ///
    /// # Errors
    /// A storage failure.
    pub async fn snapshot_views(&self) -> Result<Vec<(DocKey, Doc)>> {
        let mut all = Vec::new();
        for kind in DocKind::ALL {
            for (id, doc) in self.backend.docs(kind, None).await? {
                all.push((DocKey::new(kind, id), doc));
            }
        }
        Ok(all)
    }

    /// Recomputes the whole chain from the first event.
    ///
    /// # Errors
    /// A storage failure (an altered chain is a [`Verification::Broken`], not an error).
    pub async fn verify(&self) -> Result<Verification> {
        let mut verifier = ChainVerifier::new();
        loop {
            let after = verifier.head().seq;
            let page = match self.backend.events(after, PAGE).await {
                Ok(page) => page,
                Err(StoreError::CorruptEvent { seq, .. }) => {
                    return Ok(Verification::Broken(ChainBreak::Altered { seq }));
                }
                Err(e) => return Err(e),
            };
            if page.is_empty() {
                break;
            }
            for event in &page {
                if let Err(brk) = verifier.check(event) {
                    return Ok(Verification::Broken(brk));
                }
            }
        }
        // The head row must agree with the last event, or events were cut off the end.
        let stored = self.backend.head().await?;
        if stored.seq != verifier.head().seq {
            return Ok(Verification::Broken(ChainBreak::Gap {
                expected: verifier.head().seq + 1,
                found: stored.seq,
            }));
        }
        if stored.hash != verifier.head().hash {
            return Ok(Verification::Broken(ChainBreak::Altered {
                seq: stored.seq,
            }));
        }
        Ok(Verification::Intact(Verified {
            head: verifier.head().clone(),
            payload_bytes: verifier.payload_bytes(),
        }))
    }

    /// Every document as of the end of the log, computed by replaying it (not read from
    /// the views).
    ///
    /// # Errors
    /// When an event cannot be decoded or applied.
    pub async fn replay_views(&self) -> Result<DocSet> {
        let mut tx = self.backend.begin().await?;
        replay(tx.as_mut()).await
    }
}

/// Writes a view document and, in the same transaction, the search entries it yields.
async fn put_and_index(tx: &mut dyn WriteTx, key: &DocKey, doc: &Doc) -> Result<()> {
    tx.put(key, doc).await?;
    if search::indexed(key.kind) {
        tx.index(key, &search::entries(key.kind, &doc.body)).await?;
    }
    Ok(())
}

async fn load_into(tx: &mut dyn WriteTx, docs: &mut DocSet, key: &DocKey) -> Result<()> {
    if !docs.is_loaded(key) {
        let doc = tx.load(key).await?;
        docs.load(key.clone(), doc);
    }
    Ok(())
}

async fn replay(tx: &mut dyn WriteTx) -> Result<DocSet> {
    let mut docs = DocSet::new();
    let mut after = 0;
    loop {
        let page = tx.events(after, PAGE).await?;
        if page.is_empty() {
            break;
        }
        for event in &page {
            let change = event.change()?;
            for key in projection::touches(&change) {
                if !docs.is_loaded(&key) {
                    docs.load(key, None);
                }
            }
            projection::apply(&mut docs, &change, event.seq)?;
            after = event.seq;
        }
    }
    Ok(docs)
}

/// An event row as both backends store it: every column as text except `seq`.
pub type EventRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

/// Decodes an event row (`seq, id, at, actor, kind, payload, visibility, prev_hash, hash`).
///
/// # Errors
/// [`StoreError::CorruptEvent`] when the id or visibility does not parse.
pub fn event_from_row(row: EventRow) -> Result<RecordedEvent> {
    let (seq, id, at, actor, kind, payload, visibility, prev_hash, hash) = row;
    let id = uuid::Uuid::parse_str(&id).map_err(|e| StoreError::CorruptEvent {
        seq,
        detail: format!("id: {e}"),
    })?;
    let visibility = plenary_domain::event::Visibility::from_stored(&visibility).map_err(|e| {
        StoreError::CorruptEvent {
            seq,
            detail: e.to_string(),
        }
    })?;
    Ok(RecordedEvent {
        seq,
        id,
        at,
        actor,
        kind,
        payload,
        visibility,
        prev_hash,
        hash,
    })
}

/// A document row: `id, parent, version, body`.
pub type DocRow = (String, Option<String>, i64, String);

/// Splits a document row into its id and document.
pub fn doc_from_row(row: DocRow) -> (String, Doc) {
    let (id, parent, version, body) = row;
    (
        id,
        Doc {
            parent,
            body,
            version,
        },
    )
}

/// One schema migration: a version number, a name and the SQL to run.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Applied in increasing order, once each.
    pub version: i64,
    /// What it does.
    pub name: &'static str,
    /// The statements.
    pub sql: &'static str,
}

/// Whether a database whose highest applied migration is `applied` has every one of
/// `migrations` (a newer build may have applied more).
///
/// # Errors
/// [`StoreError::Unavailable`] naming both versions when it lacks some.
pub fn schema_is_current(migrations: &[Migration], applied: Option<i64>) -> Result<()> {
    let latest = migrations.last().map_or(0, |m| m.version);
    match applied {
        Some(v) if v >= latest => Ok(()),
        _ => Err(StoreError::Unavailable(format!(
            "the schema is at migration {}, this build needs {latest}",
            applied.unwrap_or(0)
        ))),
    }
}

/// A search hit row as both backends return it: the entry's JSON, its rank (in the
/// backend's own scale) and the number of all hits (the same on every row).
pub type SearchRow = (String, f64, i64);

/// A facet count row: facet name, value, count.
pub type FacetRow = (String, Option<String>, i64);

/// Assembles what a backend found from its rows: hits in the order given, the total, and
/// (when counted) each facet's values, most frequent first (ties by value).
///
/// # Errors
/// [`StoreError::Unavailable`] when a stored entry does not decode (a damaged index; a
/// rebuild repairs it).
pub fn found_from_rows(
    hits: Vec<SearchRow>,
    total: i64,
    facets: Option<Vec<FacetRow>>,
) -> Result<Found> {
    let hits = hits
        .into_iter()
        .map(|(body, rank, _)| {
            serde_json::from_str::<SearchEntry>(&body)
                .map(|entry| search::RankedEntry { entry, rank })
                .map_err(|e| StoreError::Unavailable(format!("search entry does not decode: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    let facets = facets.map_or_else(Vec::new, |rows| {
        let mut by_name: std::collections::BTreeMap<&str, Vec<search::FacetCount>> =
            search::FACETS.iter().map(|f| (*f, Vec::new())).collect();
        for (name, value, count) in rows {
            if let (Some(values), Some(value)) = (by_name.get_mut(name.as_str()), value) {
                let count = u64::try_from(count).unwrap_or(0);
                values.push(search::FacetCount { value, count });
            }
        }
        search::FACETS
            .iter()
            .map(|name| {
                let mut values = by_name.remove(name).unwrap_or_default();
                values.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
                search::Facet {
                    name: (*name).to_owned(),
                    values,
                }
            })
            .collect()
    });
    Ok(Found {
        total: u64::try_from(total).unwrap_or(0),
        hits,
        facets,
    })
}

/// The columns an index row keeps beside the entry's JSON, for filters and facets.
#[derive(Debug, Clone)]
pub struct IndexRow {
    /// The entry's id.
    pub id: String,
    /// `<kind>:<id>` of the view document it comes from.
    pub source: String,
    /// Its kind.
    pub kind: String,
    /// Its language code.
    pub language: String,
    /// Its conference.
    pub conference: Option<String>,
    /// Its group.
    pub group: Option<String>,
    /// Its date, `YYYY-MM-DD`.
    pub day: Option<String>,
    /// Where its row number goes: the first free number at or after this key
    /// ([`search::order_key`] of its date), so that hits come newest first.
    pub order_key: i64,
    /// Its status name.
    pub status: Option<String>,
    /// Its access scope (`None`: public).
    pub scope: Option<String>,
    /// Its sponsors.
    pub sponsors: Vec<String>,
    /// The entry as JSON.
    pub body: String,
    /// Its normalized tokens.
    pub tokens: String,
}

/// The `<kind>:<id>` an index row points back to.
pub fn index_source(key: &DocKey) -> String {
    format!("{}:{}", key.kind.as_str(), key.id)
}

/// The row a backend stores for an entry.
pub fn index_row(source: &DocKey, e: &SearchEntry) -> IndexRow {
    IndexRow {
        id: e.id.clone(),
        source: index_source(source),
        kind: e.kind.clone(),
        language: e.language.clone(),
        conference: e.conference.clone(),
        group: e.group.clone(),
        day: e.date.map(|d| d.to_string()),
        order_key: search::order_key(e.date),
        status: e.status.map(|s| s.as_str().to_owned()),
        scope: e.scope.clone(),
        sponsors: e.sponsors.clone(),
        body: serde_json::to_string(e).unwrap_or_default(),
        tokens: e.tokens(),
    }
}

/// A query's filters as the text values both backends compare against.
#[derive(Debug, Clone, Default)]
pub struct FilterValues {
    /// Conference.
    pub conference: Option<String>,
    /// Group.
    pub group: Option<String>,
    /// Kind.
    pub kind: Option<String>,
    /// Sponsor.
    pub sponsor: Option<String>,
    /// Language code.
    pub language: Option<String>,
    /// Status name.
    pub status: Option<String>,
    /// First day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    pub to: Option<String>,
}

impl FilterValues {
    /// The filters of a query.
    pub fn of(q: &SearchQuery) -> Self {
        let f = &q.filters;
        Self {
            conference: f.conference.clone(),
            group: f.group.clone(),
            kind: f.kind.clone(),
            sponsor: f.sponsor.clone(),
            language: f.language.clone(),
            status: f.status.map(|s| s.as_str().to_owned()),
            from: f.from.map(|d| d.to_string()),
            to: f.to.map(|d| d.to_string()),
        }
    }
}
