//! Use cases on a real store: SQLite by default, PostgreSQL (a fresh schema per test) when
//! `PLENARY_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use plenary_app::{App, AppError, demo};
use plenary_domain::DomainError;
use plenary_domain::access::Actor;
use plenary_domain::command::Command;
use plenary_domain::model::{Body, BodyId, GroupKind, GroupVisibility, MemberCategory, Region};
use plenary_domain::negotiation::DraftState;
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
async fn every_demo_command_is_one_event_on_the_log_and_the_negotiations_name_their_actors() {
    let t = TestApp::with_demo().await;
    let count = t.event_count().await;
    let today = time::OffsetDateTime::now_utc().date();
    let world = demo::commands().unwrap().len() + demo::documents(today).unwrap().len();
    assert!(count as usize > world, "the negotiations follow the world");
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
    assert!(events.iter().all(|e| e.payload.is_some()));
    assert!(events[..world].iter().all(|e| e.actor == "system"));
    let actors: std::collections::BTreeSet<&str> =
        events[world..].iter().map(|e| e.actor.as_str()).collect();
    for who in [
        "demo-secretariat",
        "demo-delegate-bra",
        "demo-chair-adhoc-internet",
        "demo-chair-wg-pl",
        "demo-chair-pl",
    ] {
        assert!(actors.contains(who), "{who} acts in the demo: {actors:?}");
    }
    let mut public = Vec::new();
    while let Some(page) = Some(
        t.app
            .events(&Actor::anonymous(), public.len() as i64, 1000)
            .await
            .unwrap(),
    )
    .filter(|p| !p.is_empty())
    {
        public.extend(page);
    }
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
async fn demo_resolutions_show_every_state_from_bracketed_to_adopted() {
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
        let under_negotiation = ["130", "133"].contains(&i.number.as_str());
        assert_eq!(
            i.revisions.len(),
            if under_negotiation { 1 } else { 2 },
            "{}",
            i.id
        );
        if under_negotiation {
            continue;
        }
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
        assert_eq!(
            latest.draft.is_some(),
            i.number == "102",
            "102 was adopted from a draft"
        );
    }
    let drafts = t
        .app
        .drafts(&Actor::anonymous(), demo::CONFERENCE)
        .await
        .unwrap();
    let state = |id: &str| drafts.iter().find(|d| d.id == id).unwrap();
    assert!(matches!(
        state("pp-14.dt-res-102").state,
        DraftState::Adopted { .. }
    ));
    let reported = state("pp-14.dt-res-130");
    assert_eq!(reported.reports.len(), 1);
    assert!(reported.text.contains('['), "reported with its brackets");
    let bracketed = state("pp-14.dt-res-133");
    assert_eq!(bracketed.group.as_str(), "pp-14.adhoc-internet");
    assert!(bracketed.text.contains('['));
    let follow_ups = t
        .app
        .follow_ups(&Actor::anonymous(), demo::CONFERENCE)
        .await
        .unwrap();
    assert_eq!(follow_ups.len(), 1);
    assert!(follow_ups[0].closed.is_none());
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
