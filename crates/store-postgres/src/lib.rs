//! The scale-out backend: PostgreSQL, shared by any number of `plenary serve` processes.
//!
//! Writers serialize on the `chain_head` row (`UPDATE … WHERE id = 1` takes its row lock,
//! which waits for the writer before it, in any process), so seq and hash always follow
//! the committed head. Commits are synchronous (`synchronous_commit` as the server has it,
//! `on` by default), so an acknowledged append is durable.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "testing")]
pub mod testing;

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
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};

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
        name: "search order",
        sql: include_str!("../migrations/0004_search_order.sql"),
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
/// statements number them.
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

const EVENT_COLUMNS: &str = "seq, id, at, actor, kind, payload, visibility, prev_hash, hash";

/// A fixed key for the advisory lock that serializes migrations across app servers.
const MIGRATION_LOCK: i64 = 0x0070_6c65_6e61_7279;

/// The PostgreSQL backend.
#[derive(Debug, Clone)]
pub struct PostgresBackend {
    pool: PgPool,
}

fn unavailable(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::Database(db) => StoreError::Refused(db.message().to_owned()),
        other => StoreError::Unavailable(other.to_string()),
    }
}

impl PostgresBackend {
    /// Connects to `url` (`postgres://…`).
    ///
    /// # Errors
    /// When the URL does not parse or the server cannot be reached.
    pub async fn connect(url: &str) -> Result<Self> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unavailable(format!("bad database URL: {e}")))?;
        Self::connect_with(options).await
    }

    /// Connects with explicit options.
    ///
    /// # Errors
    /// When the server cannot be reached.
    pub async fn connect_with(options: PgConnectOptions) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Unavailable(format!("cannot reach PostgreSQL: {e}")))?;
        Ok(Self { pool })
    }

    /// The connection pool (for the search index and other views of this backend).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait]
impl Backend for PostgresBackend {
    fn name(&self) -> &'static str {
        "postgres"
    }

    async fn migrate(&self) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        sqlx::Executor::execute(
            &mut *tx,
            sqlx::raw_sql(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )",
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
            sqlx::query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)")
                .bind(m.version)
                .bind(m.name)
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
        }
        tx.commit().await.map_err(unavailable)
    }

    async fn ready(&self) -> Result<()> {
        // A database recreated empty has no chain head; a read-only one (a standby, or
        // `default_transaction_read_only`) cannot take the next write.
        let (version, _seq, read_only): (Option<i64>, i64, String) = sqlx::query_as(
            "SELECT (SELECT max(version) FROM schema_migrations), seq,
                    current_setting('transaction_read_only')
             FROM chain_head WHERE id = 1",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(unavailable)?;
        if read_only == "on" {
            return Err(StoreError::Unavailable(
                "the database is read-only".to_owned(),
            ));
        }
        plenary_store::schema_is_current(MIGRATIONS, version)
    }

    async fn probe_write(&self) -> Result<()> {
        sqlx::query(
            "INSERT INTO write_probe (id, pad)
             SELECT 1, string_agg(decode(md5(random()::text), 'hex'), ''::bytea)
             FROM generate_series(1, $1 / 16)
             ON CONFLICT (id) DO UPDATE SET pad = excluded.pad",
        )
        .bind(i64::from(plenary_store::PROBE_BYTES))
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(unavailable)
    }

    async fn begin(&self) -> Result<Box<dyn WriteTx>> {
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        // Takes the head row's lock: the next writer, in any process, waits here.
        sqlx::query("UPDATE chain_head SET seq = seq WHERE id = 1")
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        Ok(Box::new(PostgresWrite { tx }))
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
            "SELECT {EVENT_COLUMNS} FROM events WHERE seq > $1 ORDER BY seq LIMIT $2"
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
            "SELECT id, parent, version, body FROM docs WHERE kind = $1 AND id = $2",
        )
        .bind(key.kind.as_str())
        .bind(&key.id)
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(row.map(|r| doc_from_row(r).1))
    }

    async fn search(&self, query: &SearchQuery) -> Result<Found> {
        let expr = tsquery_expression(&query.matching);
        let first = query.first.as_ref().map(tsquery_expression);
        let f = FilterValues::of(query);
        // Unnamed statements (not persistent) are planned with their parameters each time:
        // a cached generic plan cannot see the query text, so it cannot choose between the
        // GIN index (a rare word) and reading the table (a word in most entries).
        let page_sql = page_sql(first.is_some());
        let count_sql = format!("{} SELECT count(*) FROM hits", hits_cte(false));
        let facets_sql = format!("{} {SEARCH_FACETS}", hits_cte(true));
        let page = |c| {
            let q = bind_search!(sqlx::query_as(&page_sql), expr, query.hidden_scopes, f)
                .bind(i64::from(query.limit))
                .bind(i64::from(query.offset));
            match &first {
                Some(first) => q.bind(first),
                None => q,
            }
            .persistent(false)
            .fetch_all(c)
        };
        // A page past the last hit carries no total: count the hits apart.
        let count = |c| {
            bind_search!(
                sqlx::query_as::<_, (i64,)>(&count_sql),
                expr,
                query.hidden_scopes,
                f
            )
            .persistent(false)
            .fetch_one(c)
        };
        if !query.facets {
            // One statement sees one snapshot: no transaction needed.
            let mut c = self.pool.acquire().await.map_err(unavailable)?;
            let hits: Vec<SearchRow> = page(&mut *c).await.map_err(unavailable)?;
            let total = match hits.first() {
                Some(h) => h.2,
                None => count(&mut *c).await.map_err(unavailable)?.0,
            };
            return found_from_rows(hits, total, None);
        }
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        let hits: Vec<SearchRow> = page(&mut *tx).await.map_err(unavailable)?;
        let facets: Vec<FacetRow> =
            bind_search!(sqlx::query_as(&facets_sql), expr, query.hidden_scopes, f)
                .persistent(false)
                .fetch_all(&mut *tx)
                .await
                .map_err(unavailable)?;
        let total = match hits.first() {
            Some(h) => h.2,
            None => count(&mut *tx).await.map_err(unavailable)?.0,
        };
        tx.commit().await.map_err(unavailable)?;
        found_from_rows(hits, total, Some(facets))
    }

    async fn compact_search_index(&self) -> Result<()> {
        for sql in [
            "SELECT gin_clean_pending_list('search_entries_tokens'::regclass)",
            "ANALYZE search_entries",
        ] {
            sqlx::query(sql)
                .execute(&self.pool)
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }

    async fn appended(&self) -> Result<Option<plenary_store::Appended>> {
        let mut listener = sqlx::postgres::PgListener::connect_with(&self.pool)
            .await
            .map_err(unavailable)?;
        listener
            .listen("plenary_events")
            .await
            .map_err(unavailable)?;
        let stream = futures::stream::unfold(listener, |mut listener| async move {
            loop {
                match listener.recv().await {
                    Ok(n) => match n.payload().parse::<i64>() {
                        Ok(seq) => return Some((Ok(seq), listener)),
                        Err(_) => continue,
                    },
                    // The listener reconnects by itself; say so, so the follower re-reads.
                    Err(e) => return Some((Err(unavailable(e)), listener)),
                }
            }
        });
        Ok(Some(Box::pin(stream)))
    }

    async fn restricted_documents(&self) -> Result<Vec<(String, Doc)>> {
        // The partial index `docs_restricted`'s own condition, so the planner may use it.
        let rows: Vec<DocRow> = sqlx::query_as(
            "SELECT id, parent, version, body FROM docs
             WHERE kind = $1 AND jsonb_typeof(body::jsonb -> 'restriction') = 'object'
             ORDER BY id COLLATE \"C\"",
        )
        .bind(DocKind::Document.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(rows.into_iter().map(doc_from_row).collect())
    }

    async fn docs(&self, kind: DocKind, parent: Option<&str>) -> Result<Vec<(String, Doc)>> {
        let rows: Vec<DocRow> = match parent {
            Some(p) => sqlx::query_as(
                "SELECT id, parent, version, body FROM docs
                 WHERE kind = $1 AND parent = $2 ORDER BY id COLLATE \"C\"",
            )
            .bind(kind.as_str())
            .bind(p)
            .fetch_all(&self.pool)
            .await,
            None => sqlx::query_as(
                "SELECT id, parent, version, body FROM docs WHERE kind = $1 ORDER BY id COLLATE \"C\"",
            )
            .bind(kind.as_str())
            .fetch_all(&self.pool)
            .await,
        }
        .map_err(unavailable)?;
        Ok(rows.into_iter().map(doc_from_row).collect())
    }
}

/// The visible entries that match the tsquery text `$1`, with the filters `$3`–`$10` (NULL:
/// any; each statement is planned with its values, so the unused ones cost nothing) and
/// the hidden scopes `$2` left out.
const MATCHING: &str = " FROM search_entries e
    WHERE e.tokens @@ to_tsquery('simple', $1)
      AND (e.scope IS NULL OR NOT (e.scope = ANY($2::text[])))
      AND ($3::text IS NULL OR e.conference = $3)
      AND ($4::text IS NULL OR e.grp = $4)
      AND ($5::text IS NULL OR e.kind = $5)
      AND ($6::text IS NULL OR $6 = ANY(e.sponsors))
      AND ($7::text IS NULL OR e.language = $7)
      AND ($8::text IS NULL OR e.status = $8)
      AND ($9::text IS NULL OR e.day >= $9)
      AND ($10::text IS NULL OR e.day <= $10)";

/// The page: `$11` hits from `$12` on, those also matching `$13` (the query's words as a
/// phrase) first, then newest first (descending row number); every row carries the total.
/// Nothing is scored, but PostgreSQL still reads every hit's row: its GIN index holds no
/// word positions (a phrase is checked on the row) and cannot count by itself, so the
/// hits are gathered once, for the count and the page. (Reading the newest rows until the
/// page is full looks cheaper, but the planner overestimates phrases and then reads every
/// row of the table for a phrase that is rare.)
fn page_sql(first: bool) -> String {
    let first = if first {
        "e.tokens @@ to_tsquery('simple', $13)"
    } else {
        "false"
    };
    format!(
        "WITH hits AS MATERIALIZED (SELECT e.n, {first} AS first{MATCHING})
         SELECT e.body, h.tier, (SELECT count(*) FROM hits) AS total
         FROM (SELECT n, CASE WHEN first THEN 1.0::float8 ELSE 0.0::float8 END AS tier
               FROM hits ORDER BY first DESC, n DESC LIMIT $11 OFFSET $12) h
         JOIN search_entries e ON e.n = h.n ORDER BY h.tier DESC, h.n DESC"
    )
}

/// The hits a reader may see as a CTE `hits` of `$1`, with their facet columns when
/// asked.
fn hits_cte(facets: bool) -> String {
    let columns = if facets {
        "e.kind, e.language, e.conference, e.grp, e.status, e.sponsors"
    } else {
        "e.n"
    };
    format!("WITH hits AS MATERIALIZED (SELECT {columns}{MATCHING})")
}

/// Every facet's counts over all hits.
const SEARCH_FACETS: &str = "
    SELECT 'conference', conference, count(*) FROM hits WHERE conference IS NOT NULL GROUP BY conference
    UNION ALL SELECT 'group', grp, count(*) FROM hits WHERE grp IS NOT NULL GROUP BY grp
    UNION ALL SELECT 'kind', kind, count(*) FROM hits GROUP BY kind
    UNION ALL SELECT 'language', language, count(*) FROM hits GROUP BY language
    UNION ALL SELECT 'status', status, count(*) FROM hits WHERE status IS NOT NULL GROUP BY status
    UNION ALL SELECT 'sponsor', s, count(*) FROM hits, unnest(sponsors) s GROUP BY s";

/// A pattern as tsquery text: tokens are only word characters, so quoting is enough.
fn tsquery_pattern(p: &Pattern) -> String {
    let last = p.tokens.len().saturating_sub(1);
    let parts: Vec<String> = p
        .tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let star = if p.prefix && i == last { ":*" } else { "" };
            format!("'{t}'{star}")
        })
        .collect();
    format!("({})", parts.join(" <-> "))
}

/// A [`Match`] as tsquery text: `(a | b) & (c) & !(d | e)`.
fn tsquery_expression(m: &Match) -> String {
    let group = |ps: &[Pattern]| {
        let inner: Vec<String> = ps.iter().map(tsquery_pattern).collect();
        format!("({})", inner.join(" | "))
    };
    let mut parts: Vec<String> = m.require.iter().map(|g| group(g)).collect();
    if !m.exclude.is_empty() {
        parts.push(format!("!{}", group(&m.exclude)));
    }
    parts.join(" & ")
}

struct PostgresWrite {
    tx: Transaction<'static, Postgres>,
}

#[async_trait]
impl WriteTx for PostgresWrite {
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
            "SELECT id, parent, version, body FROM docs WHERE kind = $1 AND id = $2",
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
            "SELECT {EVENT_COLUMNS} FROM events WHERE seq > $1 ORDER BY seq LIMIT $2"
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
            "INSERT INTO events ({EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
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
        sqlx::query("UPDATE chain_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(e.seq)
            .bind(&e.hash)
            .execute(&mut *self.tx)
            .await
            .map_err(unavailable)?;
        // Tell the other app servers (delivered on commit, in commit order).
        sqlx::query("SELECT pg_notify('plenary_events', $1)")
            .bind(e.seq.to_string())
            .execute(&mut *self.tx)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn put(&mut self, key: &DocKey, doc: &Doc) -> Result<()> {
        sqlx::query(
            "INSERT INTO docs (kind, id, parent, version, body) VALUES ($1, $2, $3, $4, $5)
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
        sqlx::query("DELETE FROM search_entries WHERE source = $1")
            .bind(index_source(source))
            .execute(&mut *self.tx)
            .await
            .map_err(unavailable)?;
        if entries.is_empty() {
            return Ok(());
        }
        // One statement for all of a document's entries (a revision has hundreds).
        let rows: Vec<_> = entries.iter().map(|e| index_row(source, e)).collect();
        let column =
            |f: &dyn Fn(&plenary_store::IndexRow) -> Option<String>| -> Vec<Option<String>> {
                rows.iter().map(f).collect()
            };
        // Each entry takes the next free row number of its day (see `order_key`).
        sqlx::query(
            "INSERT INTO search_entries
             (n, id, source, kind, language, conference, grp, day, status, scope, sponsors, body, tokens)
             SELECT coalesce((SELECT max(s.n) FROM search_entries s
                              WHERE s.n >= r.key AND s.n < r.key + $14), r.key - 1)
                    + row_number() OVER (PARTITION BY r.key ORDER BY r.ord),
                    id, source, kind, language, conference, grp, day, status, scope,
                    ARRAY(SELECT jsonb_array_elements_text(sponsors::jsonb)), body,
                    to_tsvector('simple', tokens)
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                         $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
                         $13::bigint[]) WITH ORDINALITY
                  AS r(id, source, kind, language, conference, grp, day, status, scope, sponsors,
                       body, tokens, key, ord)",
        )
        .bind(column(&|r| Some(r.id.clone())))
        .bind(column(&|r| Some(r.source.clone())))
        .bind(column(&|r| Some(r.kind.clone())))
        .bind(column(&|r| Some(r.language.clone())))
        .bind(column(&|r| r.conference.clone()))
        .bind(column(&|r| r.group.clone()))
        .bind(column(&|r| r.day.clone()))
        .bind(column(&|r| r.status.clone()))
        .bind(column(&|r| r.scope.clone()))
        .bind(column(&|r| Some(serde_json::Value::from(r.sponsors.clone()).to_string())))
        .bind(column(&|r| Some(r.body.clone())))
        .bind(column(&|r| Some(r.tokens.clone())))
        .bind(rows.iter().map(|r| r.order_key).collect::<Vec<i64>>())
        .bind(search::ORDER_DAY_SPAN)
        .execute(&mut *self.tx)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn clear_views(&mut self) -> Result<()> {
        sqlx::query("DELETE FROM docs")
            .execute(&mut *self.tx)
            .await
            .map_err(unavailable)?;
        sqlx::query("DELETE FROM search_entries")
            .execute(&mut *self.tx)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn commit(self: Box<Self>) -> Result<()> {
        self.tx.commit().await.map_err(unavailable)
    }
}

#[async_trait]
impl AccountStore for PostgresBackend {
    async fn create_account(&self, a: &AccountRecord, roles: &[String]) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        let inserted = sqlx::query(
            "INSERT INTO accounts (id, username, display_name, password_hash, created_at)
             VALUES ($1, $2, $3, $4, $5)",
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
            sqlx::query("INSERT INTO account_roles (account_id, role) VALUES ($1, $2)")
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
            "SELECT id, username, display_name, password_hash, created_at FROM accounts WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(row.map(account_from_row))
    }

    async fn account(&self, id: &str) -> Result<Option<AccountRecord>> {
        let row: Option<AccountRow> = sqlx::query_as(
            "SELECT id, username, display_name, password_hash, created_at FROM accounts WHERE id = $1",
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
        let done = sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        sqlx::query("DELETE FROM sessions WHERE account_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        sqlx::query("DELETE FROM api_tokens WHERE account_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(done.rows_affected() == 1)
    }

    async fn roles(&self, id: &str) -> Result<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT role FROM account_roles WHERE account_id = $1 ORDER BY role")
                .bind(id)
                .fetch_all(&self.pool)
                .await
                .map_err(unavailable)?;
        Ok(rows.into_iter().map(|(r,)| r).collect())
    }

    async fn create_session(&self, s: &SessionRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_sha256, account_id, csrf_token, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
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
             FROM sessions WHERE token_sha256 = $1",
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
        sqlx::query("DELETE FROM sessions WHERE token_sha256 = $1")
            .bind(token_sha256)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    async fn create_api_token(&self, t: &ApiTokenRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO api_tokens (id, token_sha256, account_id, label, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
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
             FROM api_tokens WHERE token_sha256 = $1",
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
             FROM api_tokens WHERE account_id = $1 ORDER BY created_at DESC, id",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(rows.into_iter().map(api_token_from_row).collect())
    }

    async fn touch_api_token(&self, id: &str, at: &str) -> Result<()> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
            .bind(id)
            .bind(at)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    async fn delete_api_token(&self, account_id: &str, id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM api_tokens WHERE account_id = $1 AND id = $2")
            .bind(account_id)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(done.rows_affected() == 1)
    }

    async fn record_login_failure(&self, key: &str, at: &str, forget_before: &str) -> Result<()> {
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(forget_before)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        sqlx::query("INSERT INTO login_failures (key_sha256, at) VALUES ($1, $2)")
            .bind(key)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)
    }

    async fn login_failures_since(&self, key: &str, since: &str) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM login_failures WHERE key_sha256 = $1 AND at >= $2",
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
        sqlx::query("DELETE FROM login_failures WHERE key_sha256 = $1")
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
