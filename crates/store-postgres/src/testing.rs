//! Test support: fresh schemas on the server named by `PLENARY_TEST_POSTGRES_URL`, and raw
//! access beneath the store.

use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use plenary_store::conformance::{Fixture, Harness, RawAccess};
use plenary_store::{Backend, Store};
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;

use crate::PostgresBackend;

/// The variable that names the test server; tests on PostgreSQL run only when it is set.
pub const URL_VAR: &str = "PLENARY_TEST_POSTGRES_URL";

/// Fresh schemas in the test database.
#[derive(Debug, Clone)]
pub struct PostgresHarness {
    url: String,
}

impl PostgresHarness {
    /// A harness when `PLENARY_TEST_POSTGRES_URL` is set; `None` (and a note on stderr)
    /// when it is not.
    pub fn from_env() -> Option<Self> {
        match std::env::var(URL_VAR) {
            Ok(url) if !url.is_empty() => Some(Self { url }),
            _ => {
                eprintln!("{URL_VAR} is not set: skipping the PostgreSQL run of this test");
                None
            }
        }
    }

    /// Creates a fresh, empty schema and returns a URL whose connections use it.
    ///
    /// # Panics
    /// When the server cannot be reached: with the variable set, an unreachable server is
    /// a failure, not a reason to skip.
    pub async fn fresh_url(&self) -> String {
        let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
        let admin = PgPool::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("{URL_VAR} is set but PostgreSQL is unreachable: {e}"));
        sqlx::raw_sql(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .expect("create schema");
        admin.close().await;
        let sep = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-c%20search_path%3D{schema}", self.url)
    }

    /// Opens a migrated store on `url`.
    ///
    /// # Panics
    /// When the server cannot be reached.
    pub async fn open(url: &str) -> (Store, PostgresBackend) {
        let options = PgConnectOptions::from_str(url).expect("test URL");
        let backend = PostgresBackend::connect_with(options)
            .await
            .expect("connect to PostgreSQL");
        backend.migrate().await.expect("migrate PostgreSQL");
        (Store::new(Arc::new(backend.clone())), backend)
    }
}

#[async_trait]
impl Harness for PostgresHarness {
    async fn fresh(&self) -> Fixture {
        let url = self.fresh_url().await;
        let (store, backend) = Self::open(&url).await;
        let (second, _) = Self::open(&url).await;
        Fixture {
            store,
            second,
            raw: Box::new(PostgresRaw {
                pool: backend.pool().clone(),
            }),
        }
    }
}

/// Raw SQL on a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresRaw {
    /// The pool to use.
    pub pool: PgPool,
}

#[async_trait]
impl RawAccess for PostgresRaw {
    async fn try_update_event(&self, seq: i64) -> Result<(), String> {
        sqlx::query("UPDATE events SET actor = 'x' WHERE seq = $1")
            .bind(seq)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    async fn try_delete_event(&self, seq: i64) -> Result<(), String> {
        sqlx::query("DELETE FROM events WHERE seq = $1")
            .bind(seq)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    async fn tamper_payload(&self, seq: i64, payload: &str) -> Result<(), String> {
        sqlx::raw_sql("DROP TRIGGER IF EXISTS events_refuse_update_delete ON events")
            .execute(&self.pool)
            .await
            .map_err(|e| e.to_string())?;
        sqlx::query("UPDATE events SET payload = $1 WHERE seq = $2")
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
        sqlx::raw_sql("DROP TABLE chain_head CASCADE; DROP TABLE schema_migrations")
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
             CREATE TABLE bench_plain (seq BIGINT PRIMARY KEY, id TEXT NOT NULL, at TEXT NOT NULL,
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
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
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
