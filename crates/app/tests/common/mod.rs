//! The test store: SQLite in a temporary directory by default, a fresh PostgreSQL schema
//! when `PLENARY_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, dead_code)]

use plenary_app::App;
use plenary_store::Store;
use plenary_store_postgres::testing::{PostgresHarness, URL_VAR};

/// A fresh application on a fresh store; keep the directory alive as long as the app.
pub async fn fresh_app() -> (App, Option<tempfile::TempDir>) {
    if std::env::var(URL_VAR).is_ok() {
        let harness = PostgresHarness::from_env().unwrap();
        let (store, _) = PostgresHarness::open(&harness.fresh_url().await).await;
        return (App::new(store), None);
    }
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = plenary_store_sqlite::testing::open_store(dir.path()).await;
    (App::new(store), Some(dir))
}

/// Two stores over one fresh database, each with its own connections, as two processes
/// have; keep the directory alive as long as the stores.
pub async fn two_stores() -> (Store, Store, Option<tempfile::TempDir>) {
    if std::env::var(URL_VAR).is_ok() {
        let harness = PostgresHarness::from_env().unwrap();
        let url = harness.fresh_url().await;
        let (one, _) = PostgresHarness::open(&url).await;
        let (other, _) = PostgresHarness::open(&url).await;
        return (one, other, None);
    }
    let dir = tempfile::tempdir().unwrap();
    let (one, _) = plenary_store_sqlite::testing::open_store(dir.path()).await;
    let (other, _) = plenary_store_sqlite::testing::open_store(dir.path()).await;
    (one, other, Some(dir))
}
