//! The embedded backend: one SQLite file in WAL mode, `synchronous = FULL`, so that an
//! acknowledged append survives a crash of the process or the machine.
//!
//! Writers serialize on SQLite's write lock: every write transaction begins with `BEGIN
//! IMMEDIATE` (waiting up to the busy timeout), so seq and hash are always computed from
//! the committed head. A connection left inside a transaction by an error (a COMMIT that
//! failed on a full disk) is closed, never reused.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "testing")]
pub mod testing;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use plenary_domain::chain::Head;
use plenary_domain::event::RecordedEvent;
use plenary_domain::projection::{Doc, DocKey, DocKind};
use plenary_domain::search::{self, Found, Match, Pattern, SearchEntry, SearchQuery};
use plenary_store::{
    AccountRecord, AccountStore, ApiTokenRecord, Backend, DocRow, EventRow, FacetRow, FilterValues,
    Migration, Result, SearchRow, SessionRecord, StoreError, WriteTx, doc_from_row, event_from_row,
    found_from_rows, index_row, index_source,
};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection, Sqlite, Transaction};

/// The database file inside a data directory.
pub const DATABASE_FILE: &str = "plenary.sqlite3";

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "record",
        sql: include_str!("../migrations/0001_record.sql"),
    },
    Migration {
        version: 2,
        name: "accounts",
        sql: include_str!("../migrations/0002_accounts.sql"),
    },
    Migration {
        version: 3,
        name: "search",
        sql: include_str!("../migrations/0003_search.sql"),
    },
    Migration {
        version: 4,
        name: "search_scope",
        sql: include_str!("../migrations/0004_search_scope.sql"),
    },
    Migration {
        version: 5,
        name: "restricted documents",
        sql: include_str!("../migrations/0005_restricted_documents.sql"),
    },
    Migration {
        version: 6,
        name: "write probe",
        sql: include_str!("../migrations/0006_write_probe.sql"),
    },
    Migration {
        version: 7,
        name: "bounded credentials",
        sql: include_str!("../migrations/0007_bounded_credentials.sql"),
    },
];

/// Binds a search's match expression, hidden scopes and filters, in the order the search
/// statements number them (a statement may leave filters out: SQLite ignores them).
macro_rules! bind_search {
    ($query:expr, $expr:expr, $hidden:expr, $f:expr) => {
        $query
            .bind(&$expr)
            .bind(&$hidden)
            .bind(&$f.conference)
            .bind(&$f.group)
            .bind(&$f.kind)
            .bind(&$f.sponsor)
            .bind(&$f.language)
            .bind(&$f.status)
            .bind(&$f.from)
            .bind(&$f.to)
    };
}

/// How much of the database file reads map (SQLite's `mmap_size`): 1 GiB.
const MMAP_BYTES: u64 = 1 << 30;

const EVENT_COLUMNS: &str = "seq, id, at, actor, kind, payload, visibility, prev_hash, hash";

/// The SQLite backend.
#[derive(Debug, Clone)]
pub struct SqliteBackend {
    pool: SqlitePool,
    path: PathBuf,
}

fn unavailable(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::Database(db) => StoreError::Refused(db.message().to_owned()),
        other => StoreError::Unavailable(other.to_string()),
    }
}

impl SqliteBackend {
    /// Opens (creating if needed) the database in `data_dir`.
    ///
    /// # Errors
    /// When the directory cannot be created or the file cannot be opened.
    pub async fn open(data_dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::Unavailable(format!(
                "cannot create data directory {}: {e}",
                data_dir.display()
            ))
        })?;
        Self::open_file(&data_dir.join(DATABASE_FILE)).await
    }

    /// Opens (creating if needed) a database file.
    ///
    /// # Errors
    /// When the file cannot be opened.
    pub async fn open_file(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::from_str("sqlite:")
            .map_err(unavailable)?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            // Reads map the file instead of copying each page through a system call (a
            // search reads thousands of index pages); the operating system's cache is
            // shared by every connection, where SQLite's own is one per connection.
            .pragma("mmap_size", MMAP_BYTES.to_string());
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            // A connection to a local file does not go stale as a network one may: no
            // round trip to test it before every query (every request reads the head).
            .test_before_acquire(false)
            .after_release(|conn, _| Box::pin(connection_is_clean(conn)))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
        Ok(Self {
            pool,
            path: path.to_owned(),
        })
    }

    /// A transaction holding the database's write lock (taken at once by `BEGIN
    /// IMMEDIATE`, waiting for other writers up to the busy timeout), so that the head it
    /// reads is the committed one. sqlx refuses a `BEGIN` on a connection it counts inside a
    /// transaction, and checks that SQLite did enter one: a write never runs as a savepoint
    /// of a transaction that will not commit (see [`connection_is_clean`]).
    async fn write_transaction(&self) -> Result<Transaction<'static, Sqlite>> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(unavailable)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection pool (for the search index and other views of this backend).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

/// Whether a connection given back to the pool may serve again: only outside any
/// transaction.
///
/// A COMMIT can fail (a full disk: SQLITE_FULL, SQLITE_IOERR) after SQLite has already
/// rolled the transaction back by itself. The ROLLBACK sqlx then sends fails ("no
/// transaction is active"), and sqlx still counts the connection inside a transaction. Given
/// back to the pool, its next `begin` became `SAVEPOINT`, the following `ROLLBACK TO`
/// left that savepoint open, and from then on every "commit" was a `RELEASE` inside a
/// transaction that never committed: acknowledged writes, visible on that connection only,
/// holding the write lock until the process ended, then lost, their seqs handed out again
/// with other hashes. Such a connection is closed instead (closing rolls back whatever it
/// holds); the pool opens a fresh one.
async fn connection_is_clean(conn: &mut sqlx::SqliteConnection) -> sqlx::Result<bool> {
    // The round trip runs after the rollback a dropped transaction queued, so the count
    // read next includes its outcome.
    conn.ping().await?;
    let clean = !conn.is_in_transaction();
    if !clean {
        tracing::warn!("closing a database connection left inside a transaction after an error");
    }
    Ok(clean)
}

#[async_trait]
impl Backend for SqliteBackend {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    async fn migrate(&self) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        sqlx::Executor::execute(
            &mut *tx,
            sqlx::raw_sql(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL
            ) STRICT",
            ),
        )
        .await
        .map_err(unavailable)?;
        let applied: Vec<(i64,)> = sqlx::query_as("SELECT version FROM schema_migrations")
            .fetch_all(&mut *tx)
            .await
            .map_err(unavailable)?;
        for m in MIGRATIONS {
            if applied.iter().any(|(v,)| *v == m.version) {
                continue;
            }
            tracing::info!(version = m.version, name = m.name, "applying migration");
            sqlx::Executor::execute(&mut *tx, sqlx::raw_sql(m.sql))
                .await
                .map_err(unavailable)?;
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at)
                 VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
            )
            .bind(m.version)
            .bind(m.name)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        }
        tx.commit().await.map_err(unavailable)
    }

    async fn ready(&self) -> Result<()> {
        let (version, _seq): (Option<i64>, i64) = sqlx::query_as(
            "SELECT (SELECT max(version) FROM schema_migrations), seq
             FROM chain_head WHERE id = 1",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(unavailable)?;
        plenary_store::schema_is_current(MIGRATIONS, version)
    }

    async fn probe_write(&self) -> Result<()> {
        sqlx::query(
            "INSERT INTO write_probe (id, pad) VALUES (1, randomblob(?1))
             ON CONFLICT (id) DO UPDATE SET pad = excluded.pad",
        )
        .bind(i64::from(plenary_store::PROBE_BYTES))
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(unavailable)
    }

    async fn begin(&self) -> Result<Box<dyn WriteTx>> {
        let tx = self.write_transaction().await?;
        Ok(Box::new(SqliteWrite { tx }))
    }

    async fn head(&self) -> Result<Head> {
        let (seq, hash): (i64, String) =
            sqlx::query_as("SELECT seq, hash FROM chain_head WHERE id = 1")
                .fetch_one(&self.pool)
                .await
                .map_err(unavailable)?;
        Ok(Head { seq, hash })
    }

    async fn events(&self, after: i64, limit: u32) -> Result<Vec<RecordedEvent>> {
        let rows: Vec<EventRow> = sqlx::query_as(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2"
        ))
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        rows.into_iter().map(event_from_row).collect()
    }

    async fn doc(&self, key: &DocKey) -> Result<Option<Doc>> {
        let row: Option<DocRow> = sqlx::query_as(
            "SELECT id, parent, version, body FROM docs WHERE kind = ?1 AND id = ?2",
        )
        .bind(key.kind.as_str())
        .bind(&key.id)
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(row.map(|r| doc_from_row(r).1))
    }

    async fn restricted_documents(&self) -> Result<Vec<(String, Doc)>> {
        // The partial index's own condition; named, because the planner would rather walk
        // the primary key (it gives the order) and read every document.
        let rows: Vec<DocRow> = sqlx::query_as(
            "SELECT id, parent, version, body FROM docs INDEXED BY docs_restricted
             WHERE kind = ?1 AND json_extract(body, '$.restriction') IS NOT NULL ORDER BY id",
        )
        .bind(DocKind::Document.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(rows.into_iter().map(doc_from_row).collect())
    }

    async fn docs(&self, kind: DocKind, parent: Option<&str>) -> Result<Vec<(String, Doc)>> {
        let rows: Vec<DocRow> = match parent {
            Some(p) => {
                sqlx::query_as(
                    "SELECT id, parent, version, body FROM docs
                 WHERE kind = ?1 AND parent = ?2 ORDER BY id",
                )
                .bind(kind.as_str())
                .bind(p)
                .fetch_all(&self.pool)
                .await
            }
            None => {
                sqlx::query_as(
                    "SELECT id, parent, version, body FROM docs WHERE kind = ?1 ORDER BY id",
                )
                .bind(kind.as_str())
                .fetch_all(&self.pool)
                .await
            }
        }
        .map_err(unavailable)?;
        Ok(rows.into_iter().map(doc_from_row).collect())
    }

    async fn search(&self, query: &SearchQuery) -> Result<Found> {
        let expr = fts5_expression(&query.matching);
        let first = query.first.as_ref().map(fts5_expression);
        // The rest: the hits that are not shown first.
        let rest = match &first {
            Some(first) => format!("({expr}) NOT ({first})"),
            None => expr.clone(),
        };
        let hidden = serde_json::Value::from(query.hidden_scopes.clone()).to_string();
        let f = FilterValues::of(query);
        let page_sql = page_sql(&f, first.is_some());
        let page = |c| {
            bind_search!(sqlx::query_as(&page_sql), expr, hidden, f)
                .bind(i64::from(query.limit))
                .bind(i64::from(query.offset))
                .bind(first.as_deref().unwrap_or(""))
                .bind(&rest)
                .fetch_all(c)
        };
        let facets_sql = format!("{} {SEARCH_FACETS}", hits_cte(&f, true));
        let count_sql = format!("{} SELECT count(*) FROM hits", hits_cte(&f, false));
        // A page past the last hit carries no total: count the hits apart.
        let count =
            |c| bind_search!(sqlx::query_as::<_, (i64,)>(&count_sql), expr, hidden, f).fetch_one(c);
        let mut c = self.pool.acquire().await.map_err(unavailable)?;
        // One statement reads one snapshot; when the facets or the count need a second
        // statement, a read transaction keeps them on the page's snapshot.
        let (hits, facets, total): (Vec<SearchRow>, _, i64) = if query.facets {
            let mut tx = c.begin().await.map_err(unavailable)?;
            let hits: Vec<SearchRow> = page(&mut *tx).await.map_err(unavailable)?;
            let rows: Vec<FacetRow> = bind_search!(sqlx::query_as(&facets_sql), expr, hidden, f)
                .fetch_all(&mut *tx)
                .await
                .map_err(unavailable)?;
            let total = match hits.first() {
                Some(h) => h.2,
                None => count(&mut *tx).await.map_err(unavailable)?.0,
            };
            tx.commit().await.map_err(unavailable)?;
            (hits, Some(rows), total)
        } else {
            let hits = page(&mut *c).await.map_err(unavailable)?;
            let total = match hits.first() {
                Some(h) => h.2,
                None => count(&mut *c).await.map_err(unavailable)?.0,
            };
            (hits, None, total)
        };
        found_from_rows(hits, total, facets)
    }

    async fn compact_search_index(&self) -> Result<()> {
        sqlx::query("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

/// The visible entries that match the FTS5 expression `?{param}`, with the filters
/// `?3`–`?10`; hidden entries (scopes in the JSON array `?2`) are left out by their row
/// number, found through the scope index. The entries table is joined only when a filter
/// or the facets need its columns.
fn matching(f: &FilterValues, param: u8, facets: bool) -> String {
    let filters = [
        (f.conference.is_some(), "e.conference = ?3"),
        (f.group.is_some(), "e.grp = ?4"),
        (f.kind.is_some(), "e.kind = ?5"),
        (
            f.sponsor.is_some(),
            "EXISTS (SELECT 1 FROM search_sponsors s WHERE s.n = e.n AND s.sponsor = ?6)",
        ),
        (f.language.is_some(), "e.language = ?7"),
        (f.status.is_some(), "e.status = ?8"),
        (f.from.is_some(), "e.day >= ?9"),
        (f.to.is_some(), "e.day <= ?10"),
    ];
    let mut sql = String::from(" FROM search_fts f");
    if facets || filters.iter().any(|(set, _)| *set) {
        sql.push_str(" JOIN search_entries e ON e.n = f.rowid");
    }
    sql.push_str(&format!(
        " WHERE search_fts MATCH ?{param} AND f.rowid NOT IN
            (SELECT n FROM search_entries WHERE scope IN (SELECT value FROM json_each(?2)))"
    ));
    for (set, clause) in filters {
        if set {
            sql.push_str(" AND ");
            sql.push_str(clause);
        }
    }
    sql
}

/// The page: `?11` hits from `?12` on, those matching `?13` (the query's words as a
/// phrase) first, then the rest (`?14`), each newest first (descending row number, the
/// order FTS5 keeps its doclists in, so it stops reading once the page is full); every
/// row carries the total of `?1`'s hits. Nothing is scored.
fn page_sql(f: &FilterValues, first: bool) -> String {
    let part = |param: u8, tier: u8| {
        format!(
            "SELECT n, tier FROM (SELECT f.rowid AS n, {tier}.0 AS tier {} \
             ORDER BY f.rowid DESC LIMIT ?11 + ?12)",
            matching(f, param, false)
        )
    };
    let parts = if first {
        format!("{} UNION ALL {}", part(13, 1), part(14, 0))
    } else {
        part(14, 0)
    };
    format!(
        "SELECT e.body, h.tier, (SELECT count(*) {}) AS total
         FROM ({parts} ORDER BY tier DESC, n DESC LIMIT ?11 OFFSET ?12) h
         JOIN search_entries e ON e.n = h.n ORDER BY h.tier DESC, h.n DESC",
        matching(f, 1, false)
    )
}

/// The hits a reader may see as a CTE `hits (n[, facet columns…])` of `?1`.
fn hits_cte(f: &FilterValues, facets: bool) -> String {
    let columns = if facets {
        ", e.kind, e.language, e.conference, e.grp, e.status"
    } else {
        ""
    };
    format!(
        "WITH hits AS MATERIALIZED (SELECT f.rowid AS n{columns}{})",
        matching(f, 1, facets)
    )
}

/// Every facet's counts over all hits (the `hits` CTE with its facet columns). The
/// sponsors are looked up hit by hit (`CROSS JOIN` keeps that order: left to itself, the
/// planner scans every sponsor row and probes the hits).
const SEARCH_FACETS: &str = "
    SELECT 'conference', conference, count(*) FROM hits WHERE conference IS NOT NULL GROUP BY conference
    UNION ALL SELECT 'group', grp, count(*) FROM hits WHERE grp IS NOT NULL GROUP BY grp
    UNION ALL SELECT 'kind', kind, count(*) FROM hits GROUP BY kind
    UNION ALL SELECT 'language', language, count(*) FROM hits GROUP BY language
    UNION ALL SELECT 'status', status, count(*) FROM hits WHERE status IS NOT NULL GROUP BY status
    UNION ALL SELECT 'sponsor', s.sponsor, count(*) FROM hits CROSS JOIN search_sponsors s ON s.n = hits.n GROUP BY s.sponsor";

/// A pattern in FTS5 syntax: tokens are only word characters, so quoting is enough.
fn fts5_pattern(p: &Pattern) -> String {
    let star = if p.prefix { "*" } else { "" };
    format!("\"{}\"{star}", p.tokens.join(" "))
}

/// A [`Match`] as an FTS5 expression: `(a OR b) AND (c) NOT (d OR e)`.
fn fts5_expression(m: &Match) -> String {
    let group = |ps: &[Pattern]| {
        let inner: Vec<String> = ps.iter().map(fts5_pattern).collect();
        format!("({})", inner.join(" OR "))
    };
    let mut out = m
        .require
        .iter()
        .map(|g| group(g))
        .collect::<Vec<_>>()
        .join(" AND ");
    if !m.exclude.is_empty() {
        out = format!("({out}) NOT {}", group(&m.exclude));
    }
    out
}

struct SqliteWrite {
    tx: Transaction<'static, Sqlite>,
}

#[async_trait]
impl WriteTx for SqliteWrite {
    async fn head(&mut self) -> Result<Head> {
        let (seq, hash): (i64, String) =
            sqlx::query_as("SELECT seq, hash FROM chain_head WHERE id = 1")
                .fetch_one(&mut *self.tx)
                .await
                .map_err(unavailable)?;
        Ok(Head { seq, hash })
    }

    async fn load(&mut self, key: &DocKey) -> Result<Option<Doc>> {
        let row: Option<DocRow> = sqlx::query_as(
            "SELECT id, parent, version, body FROM docs WHERE kind = ?1 AND id = ?2",
        )
        .bind(key.kind.as_str())
        .bind(&key.id)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(unavailable)?;
        Ok(row.map(|r| doc_from_row(r).1))
    }

    async fn events(&mut self, after: i64, limit: u32) -> Result<Vec<RecordedEvent>> {
        let rows: Vec<EventRow> = sqlx::query_as(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2"
        ))
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&mut *self.tx)
        .await
        .map_err(unavailable)?;
        rows.into_iter().map(event_from_row).collect()
    }

    async fn append(&mut self, e: &RecordedEvent) -> Result<()> {
        sqlx::query(&format!(
            "INSERT INTO events ({EVENT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        ))
        .bind(e.seq)
        .bind(e.id.to_string())
        .bind(&e.at)
        .bind(&e.actor)
        .bind(&e.kind)
        .bind(&e.payload)
        .bind(e.visibility.as_stored())
        .bind(&e.prev_hash)
        .bind(&e.hash)
        .execute(&mut *self.tx)
        .await
        .map_err(unavailable)?;
        sqlx::query("UPDATE chain_head SET seq = ?1, hash = ?2 WHERE id = 1")
            .bind(e.seq)
            .bind(&e.hash)
            .execute(&mut *self.tx)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn put(&mut self, key: &DocKey, doc: &Doc) -> Result<()> {
        sqlx::query(
            "INSERT INTO docs (kind, id, parent, version, body) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (kind, id) DO UPDATE
             SET parent = excluded.parent, version = excluded.version, body = excluded.body",
        )
        .bind(key.kind.as_str())
        .bind(&key.id)
        .bind(&doc.parent)
        .bind(doc.version)
        .bind(&doc.body)
        .execute(&mut *self.tx)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn index(&mut self, source: &DocKey, entries: &[SearchEntry]) -> Result<()> {
        let source_name = index_source(source);
        sqlx::query(
            "DELETE FROM search_fts WHERE rowid IN (SELECT n FROM search_entries WHERE source = ?1)",
        )
        .bind(&source_name)
        .execute(&mut *self.tx)
        .await
        .map_err(unavailable)?;
        sqlx::query("DELETE FROM search_entries WHERE source = ?1")
            .bind(&source_name)
            .execute(&mut *self.tx)
            .await
            .map_err(unavailable)?;
        // Three statements for all of a view's entries (a revision has hundreds), not a
        // few per entry: each statement is a hand-off to SQLite's thread and back, which
        // cost more than the writes themselves. Each entry takes the next free row number
        // of its day (see `order_key`).
        let mut rows = Vec::with_capacity(entries.len());
        let mut next: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
        for e in entries {
            let row = index_row(source, e);
            let n = match next.get(&row.order_key) {
                Some(&n) => n,
                None => {
                    let last: Option<(i64,)> = sqlx::query_as(
                        "SELECT n FROM search_entries WHERE n >= ?1 AND n < ?1 + ?2
                         ORDER BY n DESC LIMIT 1",
                    )
                    .bind(row.order_key)
                    .bind(search::ORDER_DAY_SPAN)
                    .fetch_optional(&mut *self.tx)
                    .await
                    .map_err(unavailable)?;
                    last.map_or(row.order_key, |(n,)| n + 1)
                }
            };
            next.insert(row.order_key, n + 1);
            rows.push(serde_json::json!({
                "n": n,
                "id": row.id,
                "source": row.source,
                "kind": row.kind,
                "language": row.language,
                "conference": row.conference,
                "grp": row.group,
                "day": row.day,
                "status": row.status,
                "scope": row.scope,
                "body": row.body,
                "tokens": row.tokens,
                "sponsors": row.sponsors,
            }));
        }
        if rows.is_empty() {
            return Ok(());
        }
        let rows = serde_json::Value::from(rows).to_string();
        for sql in [
            "INSERT INTO search_entries
             (n, id, source, kind, language, conference, grp, day, status, scope, body)
             SELECT value ->> 'n', value ->> 'id', value ->> 'source', value ->> 'kind',
                    value ->> 'language', value ->> 'conference', value ->> 'grp',
                    value ->> 'day', value ->> 'status', value ->> 'scope', value ->> 'body'
             FROM json_each(?1) ORDER BY key",
            "INSERT INTO search_fts (rowid, tokens)
             SELECT value ->> 'n', value ->> 'tokens' FROM json_each(?1) ORDER BY key",
            "INSERT INTO search_sponsors (n, sponsor)
             SELECT e.value ->> 'n', s.value FROM json_each(?1) e, json_each(e.value, '$.sponsors') s
             WHERE true ON CONFLICT DO NOTHING",
        ] {
            sqlx::query(sql)
                .bind(&rows)
                .execute(&mut *self.tx)
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }

    async fn clear_views(&mut self) -> Result<()> {
        for sql in [
            "DELETE FROM docs",
            "INSERT INTO search_fts (search_fts) VALUES ('delete-all')",
            "DELETE FROM search_entries",
        ] {
            sqlx::query(sql)
                .execute(&mut *self.tx)
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }

    async fn commit(self: Box<Self>) -> Result<()> {
        self.tx.commit().await.map_err(unavailable)
    }
}

#[async_trait]
impl AccountStore for SqliteBackend {
    async fn create_account(&self, a: &AccountRecord, roles: &[String]) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        let inserted = sqlx::query(
            "INSERT INTO accounts (id, username, display_name, password_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(&a.id)
        .bind(&a.username)
        .bind(&a.display_name)
        .bind(&a.password_hash)
        .bind(&a.created_at)
        .execute(&mut *tx)
        .await;
        if let Err(sqlx::Error::Database(db)) = &inserted
            && db.is_unique_violation()
        {
            return Err(StoreError::Domain(
                plenary_domain::DomainError::AlreadyExists {
                    kind: "account".into(),
                    id: a.username.clone(),
                },
            ));
        }
        inserted.map_err(unavailable)?;
        for role in roles {
            sqlx::query("INSERT INTO account_roles (account_id, role) VALUES (?1, ?2)")
                .bind(&a.id)
                .bind(role)
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
        }
        tx.commit().await.map_err(unavailable)
    }

    async fn account_by_username(&self, username: &str) -> Result<Option<AccountRecord>> {
        let row: Option<AccountRow> = sqlx::query_as(
            "SELECT id, username, display_name, password_hash, created_at FROM accounts WHERE username = ?1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(row.map(account_from_row))
    }

    async fn account(&self, id: &str) -> Result<Option<AccountRecord>> {
        let row: Option<AccountRow> = sqlx::query_as(
            "SELECT id, username, display_name, password_hash, created_at FROM accounts WHERE id = ?1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(row.map(account_from_row))
    }

    async fn accounts(&self) -> Result<Vec<AccountRecord>> {
        let rows: Vec<AccountRow> = sqlx::query_as(
            "SELECT id, username, display_name, password_hash, created_at FROM accounts ORDER BY username",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(rows.into_iter().map(account_from_row).collect())
    }

    async fn set_password_hash(&self, id: &str, hash: &str) -> Result<bool> {
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        let done = sqlx::query("UPDATE accounts SET password_hash = ?1 WHERE id = ?2")
            .bind(hash)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        sqlx::query("DELETE FROM sessions WHERE account_id = ?1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        sqlx::query("DELETE FROM api_tokens WHERE account_id = ?1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(done.rows_affected() == 1)
    }

    async fn roles(&self, id: &str) -> Result<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT role FROM account_roles WHERE account_id = ?1 ORDER BY role")
                .bind(id)
                .fetch_all(&self.pool)
                .await
                .map_err(unavailable)?;
        Ok(rows.into_iter().map(|(r,)| r).collect())
    }

    async fn create_session(&self, s: &SessionRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_sha256, account_id, csrf_token, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(&s.token_sha256)
        .bind(&s.account_id)
        .bind(&s.csrf_token)
        .bind(&s.created_at)
        .bind(&s.expires_at)
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(unavailable)
    }

    async fn session(&self, token_sha256: &str) -> Result<Option<SessionRecord>> {
        let row: Option<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT token_sha256, account_id, csrf_token, created_at, expires_at
             FROM sessions WHERE token_sha256 = ?1",
        )
        .bind(token_sha256)
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(row.map(
            |(token_sha256, account_id, csrf_token, created_at, expires_at)| SessionRecord {
                token_sha256,
                account_id,
                csrf_token,
                created_at,
                expires_at,
            },
        ))
    }

    async fn delete_session(&self, token_sha256: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_sha256 = ?1")
            .bind(token_sha256)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    async fn create_api_token(&self, t: &ApiTokenRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO api_tokens (id, token_sha256, account_id, label, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(&t.id)
        .bind(&t.token_sha256)
        .bind(&t.account_id)
        .bind(&t.label)
        .bind(&t.created_at)
        .bind(&t.expires_at)
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(unavailable)
    }

    async fn api_token(&self, token_sha256: &str) -> Result<Option<ApiTokenRecord>> {
        let row: Option<ApiTokenRow> = sqlx::query_as(
            "SELECT id, token_sha256, account_id, label, created_at, expires_at, last_used_at
             FROM api_tokens WHERE token_sha256 = ?1",
        )
        .bind(token_sha256)
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(row.map(api_token_from_row))
    }

    async fn api_tokens(&self, account_id: &str) -> Result<Vec<ApiTokenRecord>> {
        let rows: Vec<ApiTokenRow> = sqlx::query_as(
            "SELECT id, token_sha256, account_id, label, created_at, expires_at, last_used_at
             FROM api_tokens WHERE account_id = ?1 ORDER BY created_at DESC, id",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(rows.into_iter().map(api_token_from_row).collect())
    }

    async fn touch_api_token(&self, id: &str, at: &str) -> Result<()> {
        sqlx::query("UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1")
            .bind(id)
            .bind(at)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    async fn delete_api_token(&self, account_id: &str, id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM api_tokens WHERE account_id = ?1 AND id = ?2")
            .bind(account_id)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(done.rows_affected() == 1)
    }

    async fn record_login_failure(&self, key: &str, at: &str, forget_before: &str) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        sqlx::query("DELETE FROM login_failures WHERE at < ?1")
            .bind(forget_before)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        sqlx::query("INSERT INTO login_failures (key_sha256, at) VALUES (?1, ?2)")
            .bind(key)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)
    }

    async fn login_failures_since(&self, key: &str, since: &str) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM login_failures WHERE key_sha256 = ?1 AND at >= ?2",
        )
        .bind(key)
        .bind(since)
        .fetch_one(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(n)
    }

    async fn login_failures_count(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM login_failures")
            .fetch_one(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(n)
    }

    async fn clear_login_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE key_sha256 = ?1")
            .bind(key)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(unavailable)
    }
}

type ApiTokenRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
);

fn api_token_from_row(row: ApiTokenRow) -> ApiTokenRecord {
    let (id, token_sha256, account_id, label, created_at, expires_at, last_used_at) = row;
    ApiTokenRecord {
        id,
        token_sha256,
        account_id,
        label,
        created_at,
        expires_at,
        last_used_at,
    }
}

type AccountRow = (String, String, String, String, String);

fn account_from_row(row: AccountRow) -> AccountRecord {
    let (id, username, display_name, password_hash, created_at) = row;
    AccountRecord {
        id,
        username,
        display_name,
        password_hash,
        created_at,
    }
}
