//! Durable appends per second through the store, next to a plain INSERT loop on the same
//! PostgreSQL database. Needs `PLENARY_TEST_POSTGRES_URL`. `bench/record.sh` runs it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use plenary_store::conformance::{Harness, measure_appends};
use plenary_store_postgres::testing::PostgresHarness;

fn main() {
    let Some(harness) = PostgresHarness::from_env() else {
        return;
    };
    let n = std::env::var("PLENARY_BENCH_APPENDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let f = harness.fresh().await;
        let (plenary, plain) = measure_appends(&f, n).await;
        println!(
            "postgres: {n} durable appends: plenary {plenary:.0}/s, plain INSERT loop {plain:.0}/s, ratio {:.2}",
            plenary / plain
        );
    });
}
