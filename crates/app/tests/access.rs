//! Public by default, restricted only for a stated reason — and restricted content never
//! leaks through any read surface. SQLite by default, PostgreSQL when
//! `PLENARY_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::fresh_app;

use plenary_app::{App, AppError, SearchRequest, demo};
use plenary_domain::DomainError;
use plenary_domain::access::{Actor, WITHHELD_TITLE};
use plenary_domain::command::Command;
use plenary_domain::documents::{
    DocumentKind, LanguageVersion, Restriction, RestrictionReason, Series, Submission,
};
use plenary_domain::model::{ConferenceId, Language};
use plenary_domain::rights::{ParticipantCategory, Right};
use proptest::prelude::*;

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

fn restriction(title_restricted: bool) -> Restriction {
    Restriction {
        reason: RestrictionReason::PersonalData,
        justification: "Names identifiable people with details of their private lives.".into(),
        decided_by: "Secretary-General".into(),
        decided_on: today(),
        review_on: today() + time::Duration::days(90),
        title_restricted,
    }
}

fn submission(title: &str, text: &str, restricted: Option<Restriction>) -> Command {
    Command::SubmitDocument(Submission {
        conference: ConferenceId::new(demo::CONFERENCE).unwrap(),
        series: Series::Administrative,
        kind: DocumentKind::Information,
        title: title.into(),
        sponsors: vec![],
        group: None,
        relation: None,
        versions: vec![LanguageVersion {
            language: Language::English,
            text: Some(text.into()),
            file: None,
        }],
        restriction: restricted,
    })
}

/// Everything an anonymous reader can get from the read surfaces, as one JSON text.
async fn public_surfaces(app: &App, reader: &Actor) -> String {
    let mut all = String::new();
    let conf = demo::CONFERENCE;
    all += &serde_json::to_string(&app.documents(reader, conf).await.unwrap()).unwrap();
    for d in app.documents(&Actor::system(), conf).await.unwrap() {
        all += &serde_json::to_string(&app.document(reader, &d.id).await.unwrap()).unwrap();
    }
    all += &serde_json::to_string(&app.restriction_register(conf).await.unwrap()).unwrap();
    // Search: hits, snippets and facet counts, for the markers and the demo's secrets.
    for q in ["marker", "guard OR entry OR medical OR security"] {
        let mut request = SearchRequest::new(q);
        request.limit = 1000;
        all += &serde_json::to_string(&app.search(reader, &request).await.unwrap()).unwrap();
    }
    let mut after = 0;
    loop {
        let page = app.events(reader, after, 1000).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.seq;
        all += &serde_json::to_string(&page).unwrap();
    }
    all
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Random documents, some restricted (some with their titles), read by the public and
    /// by the secretariat: no restricted text or withheld title reaches the public through
    /// documents, a document, the register or the event log; the secretariat sees all.
    #[test]
    fn restricted_content_never_reaches_the_public(plan in proptest::collection::vec((any::<bool>(), any::<bool>()), 1..6)) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let (app, _dir) = fresh_app().await;
            demo::load(&app).await.unwrap();
            let mut hidden = Vec::new();
            let mut shown = Vec::new();
            for (i, (restricted, title_restricted)) in plan.iter().enumerate() {
                let title = format!("Title marker {i} {}", uuid_like(i));
                let text = format!("Text marker {i} {}", uuid_like(i + 100));
                let r = restricted.then(|| restriction(*title_restricted));
                app.execute(&Actor::system(), submission(&title, &text, r)).await.unwrap();
                if *restricted {
                    hidden.push(text);
                    if *title_restricted { hidden.push(title) } else { shown.push(title) }
                } else {
                    shown.push(text);
                    shown.push(title);
                }
            }
            let public = public_surfaces(&app, &Actor::anonymous()).await;
            for h in &hidden {
                assert!(!public.contains(h.as_str()), "restricted content leaked: {h}");
            }
            for s in &shown {
                assert!(public.contains(s.as_str()), "public content missing: {s}");
            }
            // The demo's own restricted documents stay withheld too.
            assert!(!public.contains("entry points, guard posts"));
            // Search counts only what each reader may read: one entry per readable
            // document, or per public title of a restricted one, in the total and in
            // every facet.
            let marker = SearchRequest { limit: 1000, ..SearchRequest::new("marker") };
            let readable = plan
                .iter()
                .filter(|(restricted, title_restricted)| !restricted || !title_restricted)
                .count() as u64;
            for (reader, want) in [(Actor::anonymous(), readable), (Actor::system(), plan.len() as u64)] {
                let found = app.search(&reader, &marker).await.unwrap();
                assert_eq!(found.total, want, "search total for {}", reader.id);
                for facet in found.facets.iter().filter(|f| f.name == "kind" || f.name == "language") {
                    let counted: u64 = facet.values.iter().map(|v| v.count).sum();
                    assert_eq!(counted, want, "facet {} for {}", facet.name, reader.id);
                }
            }
            let secretariat = public_surfaces(&app, &Actor::system()).await;
            for h in hidden.iter().chain(&shown) {
                assert!(secretariat.contains(h.as_str()), "secretariat cannot see {h}");
            }
        });
    }
}

fn uuid_like(i: usize) -> String {
    format!(
        "q{:08x}z",
        (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32
    )
}

#[tokio::test]
async fn declassified_content_becomes_public_including_its_past_events() {
    let (app, _dir) = fresh_app().await;
    demo::load(&app).await.unwrap();
    let anonymous = Actor::anonymous();
    let secret = "entry points, guard posts";
    assert!(!public_surfaces(&app, &anonymous).await.contains(secret));
    app.execute(
        &Actor::system(),
        Command::DeclassifyDocument {
            document: "pp-14.adm-1".into(),
            decided_by: "Secretary-General".into(),
            note: "The conference has closed; the arrangements no longer apply.".into(),
        },
    )
    .await
    .unwrap();
    let public = public_surfaces(&app, &anonymous).await;
    assert!(public.contains(secret));
    let doc = app
        .document(&anonymous, "pp-14.adm-1")
        .await
        .unwrap()
        .unwrap();
    assert!(doc.restriction.is_none());
    assert_eq!(
        doc.restriction_history.len(),
        1,
        "the register keeps the lifted restriction"
    );
}

#[tokio::test]
async fn the_register_shows_reason_and_review_date_but_not_content() {
    let (app, _dir) = fresh_app().await;
    demo::load(&app).await.unwrap();
    let register = app.restriction_register(demo::CONFERENCE).await.unwrap();
    assert_eq!(register.len(), 2);
    for d in &register {
        let r = d.restriction.as_ref().unwrap();
        assert!(r.justification.len() >= 30);
        assert!(r.review_on > today());
        assert!(
            d.versions
                .iter()
                .all(|v| v.text.is_none() && v.file.is_none())
        );
    }
    let medical = register.iter().find(|d| d.symbol == "ADM/2").unwrap();
    assert_eq!(medical.title, WITHHELD_TITLE);
    let security = register.iter().find(|d| d.symbol == "ADM/1").unwrap();
    assert_eq!(
        security.title,
        "Security arrangements at the conference venue"
    );
}

#[tokio::test]
async fn a_restriction_needs_a_justification_and_a_review_date_ahead_and_a_refusal_writes_nothing()
{
    let (app, _dir) = fresh_app().await;
    demo::load(&app).await.unwrap();
    let before = app.head().await.unwrap().seq;
    let mut weak = restriction(false);
    weak.justification = "sensitive".into();
    let err = app
        .execute(
            &Actor::system(),
            Command::RestrictDocument {
                document: "pp-14.main-1".into(),
                restriction: weak,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Domain(DomainError::InvalidField { field, .. }) if field == "restriction.justification"),
        "{err}"
    );
    let mut past = restriction(false);
    past.decided_on = today() - time::Duration::days(30);
    past.review_on = today() - time::Duration::days(1);
    let err = app
        .execute(
            &Actor::system(),
            Command::RestrictDocument {
                document: "pp-14.main-1".into(),
                restriction: past,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Domain(DomainError::InvalidField { field, .. }) if field == "restriction.review_on"),
        "{err}"
    );
    // Renewing needs a new justification.
    let err = app
        .execute(&Actor::system(), Command::RenewRestriction { document: "pp-14.adm-1".into(), restriction: {
            let mut r = restriction(false);
            r.justification = "Describes the guard posts and evacuation routes of the venue; publishing them would endanger participants.".into();
            r.review_on = today() + time::Duration::days(300);
            r
        } })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("new justification"), "{err}");
    assert_eq!(app.head().await.unwrap().seq, before);
}

#[tokio::test]
async fn documents_are_numbered_in_their_series_and_addenda_take_the_base_number() {
    let (app, _dir) = fresh_app().await;
    demo::load(&app).await.unwrap();
    let events = app
        .execute(&Actor::system(), submission("Another note", "Text.", None))
        .await
        .unwrap();
    let (_, payload) = events[0].change().unwrap().to_kind_and_payload();
    assert_eq!(payload["symbol"], "ADM/3");
    let add = Command::SubmitDocument(Submission {
        relation: Some(plenary_domain::documents::Relation::Addendum {
            of: "pp-14.main-1".into(),
        }),
        ..match submission("Addendum", "More.", None) {
            Command::SubmitDocument(s) => s,
            _ => unreachable!(),
        }
    });
    let events = app.execute(&Actor::system(), add).await.unwrap();
    let (_, payload) = events[0].change().unwrap().to_kind_and_payload();
    assert_eq!(payload["symbol"], "PP14/1(Add.1)");
    let base = app
        .document(&Actor::anonymous(), "pp-14.main-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(base.related, vec!["pp-14.main-1.add-1".to_owned()]);
}

#[tokio::test]
async fn observers_may_speak_in_committee_5_but_never_vote() {
    let (app, _dir) = fresh_app().await;
    demo::load(&app).await.unwrap();
    let rights_of = |rows: &[plenary_app::RightsRow], c| {
        rows.iter()
            .find(|r| r.category == c)
            .unwrap()
            .rights
            .clone()
    };
    let com5 = app
        .rights_matrix(&Actor::anonymous(), "pp-14.com5")
        .await
        .unwrap();
    let cs = rights_of(&com5, ParticipantCategory::WsisCivilSociety);
    assert!(cs.contains(&Right::Speak) && !cs.contains(&Right::Vote));
    let com6 = app
        .rights_matrix(&Actor::anonymous(), "pp-14.com6")
        .await
        .unwrap();
    assert!(!rights_of(&com6, ParticipantCategory::WsisCivilSociety).contains(&Right::Speak));
    assert!(rights_of(&com6, ParticipantCategory::MemberState).contains(&Right::Vote));
    let delegations = app
        .delegations(&Actor::anonymous(), demo::CONFERENCE)
        .await
        .unwrap();
    assert!(
        delegations
            .iter()
            .any(|d| d.credentials == plenary_domain::rights::CredentialsStatus::Pending)
    );
}

#[tokio::test]
async fn a_restriction_past_its_review_date_is_recorded_as_lapsed_on_the_register_and_the_log() {
    let (app, _dir) = fresh_app().await;
    demo::load(&app).await.unwrap();
    let mut r = restriction(false);
    r.review_on = today() + time::Duration::days(1);
    let submitted = app
        .execute(
            &Actor::system(),
            submission(
                "Seating plan with home addresses",
                "Lapse marker text",
                Some(r.clone()),
            ),
        )
        .await
        .unwrap();
    let payload: serde_json::Value = serde_json::from_str(&submitted[0].payload).unwrap();
    let id = payload["id"].as_str().unwrap().to_owned();
    // Before its review date, nothing lapses.
    let early = app.record_lapsed_restrictions(today()).await.unwrap();
    assert!(!early.contains(&id), "{early:?}");
    let anonymous = Actor::anonymous();
    assert!(
        !public_surfaces(&app, &anonymous)
            .await
            .contains("Lapse marker text")
    );
    // On its review date (an injected "today"), the lapse is recorded.
    let lapsed = app.record_lapsed_restrictions(r.review_on).await.unwrap();
    assert!(lapsed.contains(&id), "{lapsed:?}");
    let register = app.restriction_register(demo::CONFERENCE).await.unwrap();
    let entry = register.iter().find(|d| d.id == id).unwrap();
    assert!(entry.restriction.is_none());
    assert_eq!(entry.restriction_history.last(), Some(&r));
    assert_eq!(entry.declassified_on, Some(r.review_on));
    let lapse = app
        .events(&anonymous, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .find(|e| {
            e.kind == "document.declassified"
                && e.payload
                    .as_ref()
                    .is_some_and(|p| p["document"] == id.as_str())
        })
        .unwrap();
    assert_eq!(
        lapse.payload.unwrap()["declassification"]["by"],
        "review_date_reached"
    );
    assert_eq!(lapse.actor, "system");
    // Recorded once: a second pass finds nothing more to record.
    assert!(
        app.record_lapsed_restrictions(r.review_on)
            .await
            .unwrap()
            .is_empty()
    );
}
