//! Test support: a harness for the shared behaviour suite and raw access beneath the store.

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use plenary_store::conformance::{Fixture, Harness, RawAccess};
use plenary_store::{Backend, Store};
use sqlx::SqlitePool;

use crate::SqliteBackend;

/// Fresh SQLite databases in temporary directories.
#[derive(Debug, Default)]
pub struct SqliteHarness;

/// Opens a migrated store in `dir`.
///
/// # Panics
/// When the database cannot be opened (tests only).
pub async fn open_store(dir: &Path) -> (Store, SqliteBackend) {
    let backend = SqliteBackend::open(dir).await.expect("open sqlite");
    backend.migrate().await.expect("migrate sqlite");
    (Store::new(Arc::new(backend.clone())), backend)
}

#[async_trait]
impl Harness for SqliteHarness {
    async fn fresh(&self) -> Fixture {
        // The directory must outlive the test; it is left for the OS to clean.
        let dir = tempfile::tempdir().expect("tempdir").keep();
        let (store, backend) = open_store(&dir).await;
        let (second, _) = open_store(&dir).await;
        Fixture {
            store,
            second,
            raw: Box::new(SqliteRaw {
                pool: backend.pool().clone(),
            }),
        }
    }
}

/// Raw SQL on a SQLite database.
#[derive(Debug, Clone)]
pub struct SqliteRaw {
    /// The pool to use.
    pub pool: SqlitePool,
}

#[async_trait]
impl RawAccess for SqliteRaw {
    async fn try_update_event(&self, seq: i64) -> Result<(), String> {
        sqlx::query("UPDATE events SET actor = 'x' WHERE seq = ?1")
            .bind(seq)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    async fn try_delete_event(&self, seq: i64) -> Result<(), String> {
        sqlx::query("DELETE FROM events WHERE seq = ?1")
            .bind(seq)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    async fn tamper_payload(&self, seq: i64, payload: &str) -> Result<(), String> {
        sqlx::raw_sql("DROP TRIGGER IF EXISTS events_refuse_update")
            .execute(&self.pool)
            .await
            .map_err(|e| e.to_string())?;
        sqlx::query("UPDATE events SET payload = ?1 WHERE seq = ?2")
            .bind(payload)
            .bind(seq)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    async fn forget_latest_migration(&self) -> Result<(), String> {
        sqlx::query(
            "DELETE FROM schema_migrations
             WHERE version = (SELECT max(version) FROM schema_migrations)",
        )
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
    }

    async fn drop_chain_head(&self) -> Result<(), String> {
        sqlx::raw_sql("DROP TABLE chain_head; DROP TABLE schema_migrations")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    async fn plain_insert_loop(
        &self,
        n: usize,
        payload: &str,
    ) -> Result<std::time::Duration, String> {
        sqlx::raw_sql(
            "DROP TABLE IF EXISTS bench_plain;
             CREATE TABLE bench_plain (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, at TEXT NOT NULL,
                 actor TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL,
                 visibility TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)",
        )
        .execute(&self.pool)
        .await
        .map_err(|e| e.to_string())?;
        let started = std::time::Instant::now();
        for i in 0..n {
            let seq = i as i64 + 1;
            sqlx::query(
                "INSERT INTO bench_plain (seq, id, at, actor, kind, payload, visibility, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .bind(seq)
            .bind(format!("00000000-0000-7000-8000-{seq:012}"))
            .bind("2014-10-20T09:00:00.000000Z")
            .bind("system")
            .bind("member.admitted")
            .bind(payload)
            .bind("public")
            .bind(format!("{:064x}", seq - 1))
            .bind(format!("{seq:064x}"))
            .execute(&self.pool)
            .await
            .map_err(|e| e.to_string())?;
        }
        Ok(started.elapsed())
    }
}
