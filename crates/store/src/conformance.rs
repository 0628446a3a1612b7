//! The behaviour suite that every backend must pass. A backend's tests implement
//! [`Harness`] and call [`conformance_tests!`](crate::conformance_tests), which turns every
//! function here into a test of that backend.

use async_trait::async_trait;
use plenary_domain::chain::ChainBreak;
use plenary_domain::command::{self, Command};
use plenary_domain::event::{RecordedEvent, Timestamp};
use plenary_domain::model::{Body, BodyId, Member, MemberCategory, MemberId, Region};
use plenary_domain::projection::{DocKey, DocKind};

use crate::{Result, Store, StoreError, Verification};

mod search;
pub use search::*;

/// A fresh database for one test.
#[derive(Debug)]
pub struct Fixture {
    /// The store under test.
    pub store: Store,
    /// A second store over an independent connection pool to the same database, as a
    /// second app server would have.
    pub second: Store,
    /// Raw access beneath the store, to prove what the database itself refuses.
    pub raw: Box<dyn RawAccess>,
}

/// Makes fresh fixtures for a backend.
#[async_trait]
pub trait Harness: Send + Sync {
    /// A fresh, migrated, empty database.
    async fn fresh(&self) -> Fixture;
}

/// Raw SQL access beneath the store, for tests that prove the database's own guarantees.
#[async_trait]
pub trait RawAccess: Send + Sync + std::fmt::Debug {
    /// Tries `UPDATE events SET actor = 'x' WHERE seq = $1`.
    async fn try_update_event(&self, seq: i64) -> Result<(), String>;
    /// Tries `DELETE FROM events WHERE seq = $1`.
    async fn try_delete_event(&self, seq: i64) -> Result<(), String>;
    /// Drops the append-only triggers and rewrites one payload, as an intruder with
    /// database access would.
    async fn tamper_payload(&self, seq: i64, payload: &str) -> Result<(), String>;
    /// Forgets that the latest migration was applied, as a database left by an older
    /// build would be.
    async fn forget_latest_migration(&self) -> Result<(), String>;
    /// Drops the chain head and the list of migrations, as a database recreated empty
    /// has neither.
    async fn drop_chain_head(&self) -> Result<(), String>;
    /// The peer of the append benchmark: `n` plain `INSERT`s of event-shaped rows (same
    /// columns, the given payload), each its own durable transaction, into a scratch
    /// table of the same database. Returns the time taken.
    async fn plain_insert_loop(
        &self,
        n: usize,
        payload: &str,
    ) -> Result<std::time::Duration, String>;
}

/// Appends per second through [`Store::record`] (lock, decide, seal, project, commit; each
/// its own durable transaction) next to the backend's plain `INSERT` loop on the same
/// database. Returns (plenary per second, plain per second).
///
/// # Panics
/// When the store fails (benchmarks only).
pub async fn measure_appends(f: &Fixture, n: usize) -> (f64, f64) {
    run(&f.store, itu()).await.expect("itu");
    let started = std::time::Instant::now();
    for i in 0..n {
        run(&f.store, member_state(i)).await.expect("append");
    }
    let plenary = n as f64 / started.elapsed().as_secs_f64();
    let sample = f
        .store
        .backend()
        .events(1, 1)
        .await
        .expect("events")
        .pop()
        .expect("one event")
        .payload;
    let plain = f
        .raw
        .plain_insert_loop(n, &sample)
        .await
        .expect("plain loop");
    (plenary, n as f64 / plain.as_secs_f64())
}

/// Fills a store with `n` member admissions, 1000 to a transaction (for verify benchmarks).
///
/// # Panics
/// When the store fails (benchmarks only).
pub async fn fill(store: &Store, n: usize) {
    run(store, itu()).await.expect("itu");
    let mut i = 0;
    while i < n {
        let batch: Vec<Command> = (i..(i + 1000).min(n)).map(member_state).collect();
        let reads: Vec<Vec<DocKey>> = batch.iter().map(command::reads).collect();
        let decides: Vec<Box<crate::Decide<'_>>> = batch
            .iter()
            .map(|c| {
                Box::new(move |docs: &plenary_domain::projection::DocSet| {
                    command::decide(c, docs, now().get().date())
                }) as Box<crate::Decide<'_>>
            })
            .collect();
        let steps: Vec<crate::Step<'_>> = reads
            .iter()
            .zip(&decides)
            .map(|(r, d)| crate::Step {
                reads: r,
                decide: d.as_ref(),
            })
            .collect();
        store
            .record_all("system", now(), &steps)
            .await
            .expect("batch");
        i += batch.len();
    }
}

fn now() -> Timestamp {
    Timestamp::new(time::OffsetDateTime::now_utc())
}

/// Records a command as the system actor.
///
/// # Errors
/// As [`Store::record`].
pub async fn run(store: &Store, command: Command) -> Result<Vec<RecordedEvent>> {
    let reads = command::reads(&command);
    store
        .record("system", now(), &reads, &|docs| {
            command::decide(&command, docs, now().get().date())
        })
        .await
}

fn itu() -> Command {
    Command::EstablishBody(Body {
        id: BodyId::new("itu").expect("valid id"),
        name: "International Telecommunication Union".into(),
        acronym: "ITU".into(),
    })
}

fn member_state(i: usize) -> Command {
    Command::AdmitMember(Member {
        id: MemberId::new(&format!("state-{i:03}")).expect("valid id"),
        body: BodyId::new("itu").expect("valid id"),
        name: format!("Member State {i}"),
        category: MemberCategory::MemberState { region: Region::D },
    })
}

async fn event_count(store: &Store) -> i64 {
    store.backend().head().await.expect("head").seq
}

async fn all_events(store: &Store) -> Vec<RecordedEvent> {
    store.backend().events(0, 1_000_000).await.expect("events")
}

/// Events get seq 1, 2, 3… and the chain verifies to the last hash.
pub async fn appended_events_form_a_gapless_verified_chain(h: &dyn Harness) {
    let f = h.fresh().await;
    run(&f.store, itu()).await.expect("itu");
    for i in 0..5 {
        run(&f.store, member_state(i)).await.expect("member");
    }
    let events = all_events(&f.store).await;
    let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, vec![1, 2, 3, 4, 5, 6]);
    match f.store.verify().await.expect("verify") {
        Verification::Intact(v) => {
            assert_eq!(v.head.seq, 6);
            assert_eq!(v.head.hash, events[5].hash);
        }
        Verification::Broken(b) => panic!("chain broken: {b}"),
    }
}

/// A command the domain refuses leaves the log and the views exactly as they were.
pub async fn refused_command_writes_nothing(h: &dyn Harness) {
    let f = h.fresh().await;
    run(&f.store, itu()).await.expect("itu");
    let before_views = f.store.snapshot_views().await.expect("views");
    let before = event_count(&f.store).await;
    let err = run(&f.store, itu())
        .await
        .expect_err("duplicate body must be refused");
    assert!(matches!(err, StoreError::Domain(_)), "{err}");
    assert_eq!(event_count(&f.store).await, before);
    assert_eq!(f.store.snapshot_views().await.expect("views"), before_views);
}

/// The database itself refuses UPDATE and DELETE on the log.
pub async fn the_database_refuses_update_and_delete_of_events(h: &dyn Harness) {
    let f = h.fresh().await;
    run(&f.store, itu()).await.expect("itu");
    let update = f.raw.try_update_event(1).await;
    assert!(update.is_err(), "UPDATE events succeeded");
    let delete = f.raw.try_delete_event(1).await;
    assert!(delete.is_err(), "DELETE FROM events succeeded");
    assert!(
        update.expect_err("refused").contains("append-only"),
        "the refusal should say why"
    );
    assert_eq!(event_count(&f.store).await, 1);
    assert!(matches!(
        f.store.verify().await,
        Ok(Verification::Intact(_))
    ));
}

/// A store says it is ready only while it can serve: not on a database an older build
/// left (a migration missing), nor on one recreated empty (every read would fail).
pub async fn a_store_is_ready_only_while_its_database_can_serve(h: &dyn Harness) {
    let f = h.fresh().await;
    run(&f.store, itu()).await.expect("itu");
    f.store
        .ready()
        .await
        .expect("a migrated store with a record is ready");
    f.raw.forget_latest_migration().await.expect("forget");
    let missing = f
        .store
        .ready()
        .await
        .expect_err("ready with a migration missing");
    assert!(
        missing.to_string().contains("migration"),
        "the error should name the missing migration: {missing}"
    );
    f.raw.drop_chain_head().await.expect("drop");
    assert!(
        f.store.ready().await.is_err(),
        "ready on a database without a record"
    );
}

/// Recomputing every view from the log gives exactly the views kept live.
pub async fn views_rebuilt_from_the_log_equal_the_live_views(h: &dyn Harness) {
    let f = h.fresh().await;
    run(&f.store, itu()).await.expect("itu");
    for i in 0..20 {
        run(&f.store, member_state(i)).await.expect("member");
    }
    let live = f.store.snapshot_views().await.expect("live");
    assert_eq!(live.len(), 21);
    let replayed = f.store.rebuild_views().await.expect("rebuild");
    assert_eq!(replayed, 21);
    let rebuilt = f.store.snapshot_views().await.expect("rebuilt");
    assert_eq!(rebuilt, live);
}

/// Fifty writers at once, over two independent pools, never fork the chain or leave a gap.
pub async fn concurrent_writers_never_fork_the_chain(h: &dyn Harness) {
    let f = h.fresh().await;
    run(&f.store, itu()).await.expect("itu");
    let mut tasks = Vec::new();
    for i in 0..50 {
        let store = if i % 2 == 0 {
            f.store.clone()
        } else {
            f.second.clone()
        };
        tasks.push(tokio::spawn(
            async move { run(&store, member_state(i)).await },
        ));
    }
    for t in futures::future::join_all(tasks).await {
        t.expect("task").expect("append");
    }
    let events = all_events(&f.store).await;
    let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=51).collect::<Vec<_>>());
    for pair in events.windows(2) {
        assert_eq!(
            pair[1].prev_hash, pair[0].hash,
            "fork at seq {}",
            pair[1].seq
        );
    }
    assert!(matches!(
        f.second.verify().await,
        Ok(Verification::Intact(_))
    ));
    let members = f
        .store
        .backend()
        .docs(DocKind::Member, Some("itu"))
        .await
        .expect("members");
    assert_eq!(members.len(), 50);
}

/// An altered payload is found, and reported at its seq.
pub async fn verify_names_the_first_altered_event(h: &dyn Harness) {
    let f = h.fresh().await;
    run(&f.store, itu()).await.expect("itu");
    for i in 0..3 {
        run(&f.store, member_state(i)).await.expect("member");
    }
    let third = &all_events(&f.store).await[2];
    let forged = third.payload.replace("Member State 1", "Member State 9");
    assert_ne!(forged, third.payload);
    f.raw.tamper_payload(3, &forged).await.expect("tamper");
    match f.store.verify().await.expect("verify") {
        Verification::Broken(ChainBreak::Altered { seq }) => assert_eq!(seq, 3),
        other => panic!("expected a break at seq 3, got {other:?}"),
    }
}

/// Documents are listed by kind and parent, ordered by id.
pub async fn documents_are_listed_by_parent_in_id_order(h: &dyn Harness) {
    let f = h.fresh().await;
    run(&f.store, itu()).await.expect("itu");
    for i in [3, 1, 2] {
        run(&f.store, member_state(i)).await.expect("member");
    }
    let ids: Vec<String> = f
        .store
        .backend()
        .docs(DocKind::Member, Some("itu"))
        .await
        .expect("docs")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids, vec!["state-001", "state-002", "state-003"]);
    assert!(
        f.store
            .backend()
            .docs(DocKind::Member, Some("un"))
            .await
            .expect("docs")
            .is_empty()
    );
    let doc = f
        .store
        .backend()
        .doc(&DocKey::new(DocKind::Member, "state-002"))
        .await
        .expect("doc")
        .expect("present");
    assert_eq!(doc.version, 4);
    assert_eq!(doc.parent.as_deref(), Some("itu"));
}

/// Generates one `#[tokio::test]` per behaviour of the suite for a backend's harness.
#[macro_export]
macro_rules! conformance_tests {
    ($harness:expr) => {
        $crate::conformance_tests!(@each $harness;
            appended_events_form_a_gapless_verified_chain,
            refused_command_writes_nothing,
            the_database_refuses_update_and_delete_of_events,
            views_rebuilt_from_the_log_equal_the_live_views,
            concurrent_writers_never_fork_the_chain,
            verify_names_the_first_altered_event,
            documents_are_listed_by_parent_in_id_order,
            search_finds_provisions_and_documents_by_words_phrases_prefixes_or_and_exclusions,
            search_is_language_aware,
            search_counts_facets_and_filters_by_every_criterion,
            search_never_shows_what_the_reader_may_not_read,
            search_snippets_mark_the_matched_words,
            search_shows_the_typed_phrase_first_then_newest_first,
            search_index_follows_the_views_and_survives_a_rebuild,
            search_finds_a_restricted_documents_public_title_but_never_its_text,
            search_finds_translations_and_recorded_votes,
            restricted_documents_come_from_the_index_as_a_scan_would_find_them,
            a_store_is_ready_only_while_its_database_can_serve,
        );
    };
    (@each $harness:expr; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() {
                let Some(harness) = $harness else { return };
                $crate::conformance::$name(&harness).await;
            }
        )*
    };
}
