//! Use cases on a real store: SQLite by default, PostgreSQL (a fresh schema per test) when
//! `PLENARY_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use plenary_app::{App, AppError, demo};
use plenary_domain::DomainError;
use plenary_domain::access::Actor;
use plenary_domain::command::Command;
use plenary_domain::model::{Body, BodyId, GroupKind, GroupVisibility, MemberCategory, Region};
use plenary_store::Verification;
use plenary_store_postgres::testing::PostgresHarness;

/// A fresh application on a fresh store.
struct TestApp {
    app: App,
    _dir: Option<tempfile::TempDir>,
}

impl TestApp {
    async fn new() -> Self {
        let (app, dir) = common::fresh_app().await;
        Self { app, _dir: dir }
    }

    async fn with_demo() -> Self {
        let t = Self::new().await;
        demo::load(&t.app).await.expect("demo loads");
        t
    }

    async fn event_count(&self) -> i64 {
        self.app.head().await.unwrap().seq
    }
}

#[tokio::test]
async fn every_demo_command_is_one_event_on_the_log() {
    let t = TestApp::with_demo().await;
    let count = t.event_count().await;
    let today = time::OffsetDateTime::now_utc().date();
    assert_eq!(
        count as usize,
        demo::commands().unwrap().len() + demo::documents(today).unwrap().len()
    );
    let mut events = Vec::new();
    while let Some(page) = Some(
        t.app
            .events(&Actor::system(), events.len() as i64, 1000)
            .await
            .unwrap(),
    )
    .filter(|p| !p.is_empty())
    {
        events.extend(page);
    }
    assert_eq!(events.len() as i64, count);
    assert!(
        events
            .iter()
            .all(|e| e.actor == "system" && e.payload.is_some())
    );
    let public = t.app.events(&Actor::anonymous(), 0, 1000).await.unwrap();
    let withheld = public.iter().filter(|e| e.payload.is_none()).count();
    assert_eq!(
        withheld, 2,
        "the two restricted documents' content is withheld"
    );
}

#[tokio::test]
async fn demo_record_verifies_and_every_view_can_be_rebuilt_from_it() {
    let t = TestApp::with_demo().await;
    assert!(matches!(
        t.app.verify().await.unwrap(),
        Verification::Intact(_)
    ));
    let live = t.app.store().snapshot_views().await.unwrap();
    t.app.store().rebuild_views().await.unwrap();
    let rebuilt = t.app.store().snapshot_views().await.unwrap();
    assert_eq!(rebuilt, live);
}

#[tokio::test]
async fn demo_has_the_193_member_states_in_their_regions() {
    let t = TestApp::with_demo().await;
    let members = t
        .app
        .members(&Actor::anonymous(), demo::BODY)
        .await
        .unwrap();
    let states: Vec<_> = members
        .iter()
        .filter_map(|m| match m.category {
            MemberCategory::MemberState { region } => Some(region),
            _ => None,
        })
        .collect();
    assert_eq!(states.len(), 193);
    let count = |r| states.iter().filter(|&&x| x == r).count();
    assert_eq!(
        [
            count(Region::A),
            count(Region::B),
            count(Region::C),
            count(Region::D),
            count(Region::E)
        ],
        [35, 27, 28, 54, 49]
    );
    assert!(
        members
            .iter()
            .any(|m| matches!(m.category, MemberCategory::Observer { .. }))
    );
    assert!(
        members
            .iter()
            .any(|m| m.category == MemberCategory::SectorMember)
    );
}

#[tokio::test]
async fn demo_has_the_committees_and_closed_ad_hoc_groups_that_owe_reports() {
    let t = TestApp::with_demo().await;
    let groups = t
        .app
        .groups(&Actor::anonymous(), demo::CONFERENCE)
        .await
        .unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    for expected in [
        "Plenary",
        "Steering Committee",
        "Credentials Committee",
        "Budget Control Committee",
        "Editorial Committee",
        "Committee 5 (Policy and Legal Matters)",
        "Committee 6 (Administration and Management)",
        "Working Group of the Plenary",
    ] {
        assert!(names.contains(&expected), "missing {expected}");
    }
    let closed: Vec<_> = groups
        .iter()
        .filter(|g| g.visibility == GroupVisibility::Closed)
        .collect();
    assert!(!closed.is_empty());
    for g in closed {
        assert_eq!(g.kind, GroupKind::AdHocGroup);
        assert!(
            g.reporting.is_some(),
            "closed group {} owes no report",
            g.id
        );
    }
}

#[tokio::test]
async fn demo_resolutions_have_an_earlier_and_a_busan_revision() {
    let t = TestApp::with_demo().await;
    let instruments = t
        .app
        .instruments(&Actor::anonymous(), demo::BODY)
        .await
        .unwrap();
    let numbers: Vec<&str> = instruments.iter().map(|i| i.number.as_str()).collect();
    for n in ["64", "101", "102", "130", "133", "175"] {
        assert!(numbers.contains(&n), "missing Resolution {n}");
    }
    for i in &instruments {
        assert_eq!(i.revisions.len(), 2, "{}", i.id);
        assert!(
            i.revisions[1].citation.ends_with("(Rev. Busan, 2014)"),
            "{}",
            i.revisions[1].citation
        );
        let latest = t
            .app
            .revision(&Actor::anonymous(), i.revisions[1].id.as_str())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(latest.previous.as_ref(), Some(&i.revisions[0].id));
        plenary_text::parse(&latest.text).expect("stored text parses");
    }
}

#[tokio::test]
async fn a_batch_with_one_refused_command_writes_nothing() {
    let t = TestApp::with_demo().await;
    let before = t.event_count().await;
    let views = t.app.store().snapshot_views().await.unwrap();
    let good = Command::EstablishBody(Body {
        id: BodyId::new("un").unwrap(),
        name: "United Nations".into(),
        acronym: "UN".into(),
    });
    let duplicate = Command::EstablishBody(Body {
        id: BodyId::new("itu").unwrap(),
        name: "Again".into(),
        acronym: "ITU".into(),
    });
    let err = t
        .app
        .execute_all(&Actor::system(), &[good, duplicate])
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Domain(DomainError::AlreadyExists { .. })),
        "{err}"
    );
    assert_eq!(t.event_count().await, before);
    assert_eq!(t.app.store().snapshot_views().await.unwrap(), views);
}

#[tokio::test]
async fn only_the_secretariat_may_establish_a_body_and_a_refusal_writes_nothing() {
    let t = TestApp::new().await;
    let cmd = Command::EstablishBody(Body {
        id: BodyId::new("un").unwrap(),
        name: "United Nations".into(),
        acronym: "UN".into(),
    });
    let err = t
        .app
        .execute(&Actor::anonymous(), cmd.clone())
        .await
        .unwrap_err();
    match err {
        AppError::Domain(DomainError::Forbidden { reason }) => {
            assert!(reason.contains("secretariat"), "{reason}")
        }
        other => panic!("expected forbidden, got {other}"),
    }
    assert_eq!(t.event_count().await, 0);
    t.app.execute(&Actor::system(), cmd).await.unwrap();
    assert_eq!(t.event_count().await, 1);
}

#[tokio::test]
async fn live_subscribers_receive_each_recorded_event() {
    let t = TestApp::new().await;
    let mut rx = t.app.subscribe();
    let cmd = Command::EstablishBody(Body {
        id: BodyId::new("un").unwrap(),
        name: "United Nations".into(),
        acronym: "UN".into(),
    });
    let events = t.app.execute(&Actor::system(), cmd).await.unwrap();
    let got = rx.recv().await.unwrap();
    assert_eq!(got.hash, events[0].hash);
}

/// Two app servers on one PostgreSQL database: a live subscriber on one sees the events
/// recorded through the other, in seq order. (PostgreSQL only: SQLite has one process.)
#[tokio::test]
async fn live_events_cross_app_servers_on_postgres() {
    let Ok(_) = std::env::var(plenary_store_postgres::testing::URL_VAR) else {
        return;
    };
    let harness = PostgresHarness::from_env().unwrap();
    let url = harness.fresh_url().await;
    let a = App::new(PostgresHarness::open(&url).await.0);
    let b = App::new(PostgresHarness::open(&url).await.0);
    assert!(a.follow_shared_log().await.unwrap());
    assert!(b.follow_shared_log().await.unwrap());
    let mut on_b = b.subscribe();
    let mut on_a = a.subscribe();
    for (id, name) in [
        ("un", "United Nations"),
        ("wmo", "World Meteorological Organization"),
    ] {
        let cmd = Command::EstablishBody(Body {
            id: BodyId::new(id).unwrap(),
            name: name.into(),
            acronym: id.to_uppercase(),
        });
        a.execute(&Actor::system(), cmd).await.unwrap();
    }
    let wait = std::time::Duration::from_secs(10);
    for expected in [1, 2] {
        let got = tokio::time::timeout(wait, on_b.recv())
            .await
            .expect("in time")
            .unwrap();
        assert_eq!(got.seq, expected);
        let local = tokio::time::timeout(wait, on_a.recv())
            .await
            .expect("in time")
            .unwrap();
        assert_eq!(
            local.hash, got.hash,
            "each server publishes each event once, in order"
        );
    }
}
