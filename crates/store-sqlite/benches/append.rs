//! Durable appends per second through the store, next to a plain INSERT loop on the same
//! SQLite database (same durability settings). `bench/record.sh` runs it.
//!
//! `PLENARY_BENCH_APPENDS=N` sets the count (default 2000). With
//! `PLENARY_BENCH_LOG_DIR=DIR PLENARY_BENCH_LOG_EVENTS=N` it instead fills a data directory
//! with a log of N events for the verify benchmark.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use plenary_store::conformance::{Harness, fill, measure_appends};
use plenary_store_sqlite::testing::{SqliteHarness, open_store};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken from the command line.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        if let Ok(dir) = std::env::var("PLENARY_BENCH_LOG_DIR") {
            let n = env_usize("PLENARY_BENCH_LOG_EVENTS", 100_000);
            let (store, _) = open_store(std::path::Path::new(&dir)).await;
            fill(&store, n).await;
            println!("filled {dir} with {} events", n + 1);
            return;
        }
        let n = env_usize("PLENARY_BENCH_APPENDS", 2000);
        let f = SqliteHarness.fresh().await;
        let (plenary, plain) = measure_appends(&f, n).await;
        println!(
            "sqlite: {n} durable appends: plenary {plenary:.0}/s, plain INSERT loop {plain:.0}/s, ratio {:.2}",
            plenary / plain
        );
    });
}
