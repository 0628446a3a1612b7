//! The HTML pages, feeds and calendars: restricted content never reaches a reader without
//! access on any page (found by following every link from the home page), brackets are
//! drawn with their sponsors, and pages answer 304 when unchanged. SQLite by default,
//! PostgreSQL when `PLENARY_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../app/tests/common/mod.rs"]
mod common;

use std::collections::{BTreeSet, VecDeque};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use plenary_app::{App, demo};
use plenary_domain::access::Actor;
use plenary_domain::command::Command;
use plenary_domain::documents::{
    DocumentKind, LanguageVersion, Restriction, RestrictionReason, Series, Submission,
};
use plenary_domain::model::{
    BodyId, ConferenceId, GroupId, Instrument, InstrumentId, InstrumentKind, Language, RevisionId,
};
use plenary_web::{WebConfig, router};
use proptest::prelude::*;
use tower::ServiceExt;

async fn demo_site() -> (App, Router, Option<tempfile::TempDir>) {
    let (app, dir) = common::fresh_app().await;
    demo::load(&app).await.unwrap();
    let router = router(app.clone(), WebConfig::default());
    (app, router, dir)
}

async fn get(router: &Router, path: &str, etag: Option<&str>) -> (StatusCode, String, String) {
    let mut req = Request::get(path);
    if let Some(tag) = etag {
        req = req.header(header::IF_NONE_MATCH, tag);
    }
    let res = router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let tag = res
        .headers()
        .get(header::ETAG)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned(), tag)
}

/// Every page, feed and calendar reachable from the home page by links, with its body.
async fn crawl(router: &Router) -> Vec<(String, String)> {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from(["/".to_owned()]);
    let mut out = Vec::new();
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) || seen.len() > 500 {
            continue;
        }
        let (status, body, _) = get(router, &path, None).await;
        assert!(
            status == StatusCode::OK || status == StatusCode::NOT_FOUND,
            "{path}: {status}"
        );
        for link in body.split("href=\"").skip(1) {
            let Some(end) = link.find('"') else { continue };
            let href = link[..end].replace("&amp;", "&");
            let href = href.split('#').next().unwrap_or_default();
            let target = if let Some(query) = href.strip_prefix('?') {
                format!("{}?{query}", path.split('?').next().unwrap_or_default())
            } else {
                href.to_owned()
            };
            if target.starts_with('/')
                && !target.starts_with("/api/")
                && !target.starts_with("/static/")
            {
                queue.push_back(target);
            }
        }
        out.push((path, body));
    }
    out
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

fn marker(kind: &str, i: usize, salt: u64) -> String {
    format!(
        "{kind}Marker{i}x{:08x}",
        (salt ^ i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

    /// Random documents, some restricted (some with their titles), addressed to a group:
    /// no restricted text or withheld title reaches the public on any page, feed or
    /// calendar linked from the home page, and each restriction shows in the register.
    #[test]
    fn restricted_content_never_reaches_a_public_page(
        plan in proptest::collection::vec((any::<bool>(), any::<bool>(), 0usize..3), 1..5),
        salt in any::<u64>(),
    ) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let (app, router, _dir) = demo_site().await;
            let kinds = [DocumentKind::Contribution, DocumentKind::Information, DocumentKind::Report];
            let mut hidden = Vec::new();
            let mut shown = Vec::new();
            let mut justifications = Vec::new();
            for (i, (restricted, title_restricted, kind)) in plan.iter().enumerate() {
                let title = marker("Title", i, salt);
                let text = marker("Text", i, salt);
                let justification = format!(
                    "Names identifiable people with details of their private lives ({}).",
                    marker("Why", i, salt)
                );
                let restriction = restricted.then(|| Restriction {
                    reason: RestrictionReason::PersonalData,
                    justification: justification.clone(),
                    decided_by: "Secretary-General".into(),
                    decided_on: today(),
                    review_on: today() + time::Duration::days(90),
                    title_restricted: *title_restricted,
                });
                let submission = Submission {
                    conference: ConferenceId::new(demo::CONFERENCE).unwrap(),
                    series: Series::Main,
                    kind: kinds[*kind],
                    title: title.clone(),
                    sponsors: vec![],
                    group: Some(GroupId::new("pp-14.wg-pl").unwrap()),
                    relation: None,
                    versions: vec![LanguageVersion {
                        language: Language::English,
                        text: Some(text.clone()),
                        file: None,
                    }],
                    restriction,
                };
                app.execute(&Actor::system(), Command::SubmitDocument(submission))
                    .await
                    .unwrap();
                if *restricted {
                    hidden.push(text);
                    justifications.push(justification);
                    if *title_restricted { hidden.push(title) } else { shown.push(title) }
                } else {
                    shown.push(text);
                    shown.push(title);
                }
            }
            let pages = crawl(&router).await;
            for (path, body) in &pages {
                for h in &hidden {
                    assert!(!body.contains(h.as_str()), "{path} leaks restricted content {h}");
                }
                assert!(!body.contains("Illustrative restricted content"), "{path} leaks the demo's restricted content");
            }
            for s in &shown {
                assert!(pages.iter().any(|(_, b)| b.contains(s.as_str())), "public content {s} is on no page");
            }
            let feeds = pages.iter().filter(|(p, _)| p.ends_with(".atom")).count();
            assert!(feeds >= 3, "the crawl reaches the conference, kind and group feeds ({feeds})");
            let (_, register, _) = get(&router, "/conferences/pp-14/restrictions", None).await;
            for j in &justifications {
                assert!(register.contains(j.as_str()), "the register lacks {j}");
            }
        });
    }
}

#[tokio::test]
async fn brackets_show_as_marks_with_their_sponsors_and_can_be_filtered() {
    let (app, router, _dir) = demo_site().await;
    let text = "Draft new Resolution ARB/1\nAn illustrative draft\n\nThe Plenipotentiary Conference,\n\n## resolves\n1 to [{ARB} promote | {USA} encourage] cooperation;\n2 to report to the Council;\n3 to [{RCC} play an active role |] in this field;\n";
    let id = InstrumentId::new("itu.draft-arb-1").unwrap();
    app.execute_all(
        &Actor::system(),
        &[
            Command::RegisterInstrument(Instrument {
                id: id.clone(),
                body: BodyId::new("itu").unwrap(),
                kind: InstrumentKind::Resolution,
                number: "ARB/1".into(),
                title: "An illustrative draft".into(),
                revisions: vec![],
            }),
            Command::RecordRevision(plenary_domain::model::Revision {
                id: RevisionId::new("itu.draft-arb-1.1").unwrap(),
                instrument: id,
                citation: "Draft new Resolution ARB/1".into(),
                title: "An illustrative draft".into(),
                previous: None,
                adopted_on: None,
                text: text.into(),
                draft: None,
                record: None,
            }),
        ],
    )
    .await
    .unwrap();
    let (status, page, _) = get(&router, "/instruments/itu.draft-arb-1", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("2 brackets open"), "{page}");
    assert_eq!(page.matches("class=\"bracket\"").count(), 2);
    for sponsor in ["ARB", "USA", "RCC"] {
        assert!(
            page.contains(&format!("<span class=\"sponsors\">{sponsor}</span>")),
            "{sponsor}"
        );
    }
    assert!(
        page.contains("(delete)"),
        "an empty alternative reads as a deletion"
    );
    assert!(page.contains("id=\"p-resolves.2\""));
    let (_, open, _) = get(&router, "/instruments/itu.draft-arb-1?open=1", None).await;
    assert!(open.contains("id=\"p-resolves.1\"") && open.contains("id=\"p-resolves.3\""));
    assert!(
        !open.contains("id=\"p-resolves.2\""),
        "agreed paragraphs are left out"
    );
}

#[tokio::test]
async fn an_unchanged_page_answers_304_and_a_change_gives_a_new_version() {
    let (app, router, _dir) = demo_site().await;
    let path = "/conferences/pp-14/documents";
    let (status, _, tag) = get(&router, path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!tag.is_empty());
    let (status, body, _) = get(&router, path, Some(&tag)).await;
    assert_eq!((status, body.as_str()), (StatusCode::NOT_MODIFIED, ""));
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
    let (status, _, _) = get(&router, path, Some(&tag)).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_bad_filter_is_named_next_to_its_field_and_unknown_pages_are_404() {
    let (_app, router, _dir) = demo_site().await;
    let (status, page, _) = get(
        &router,
        "/conferences/pp-14/documents?kind=memo&from=yesterday",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("id=\"e-kind\">&#39;memo&#39; is not a kind of document"));
    assert!(page.contains("id=\"e-from\">&#39;yesterday&#39; is not a date"));
    for path in [
        "/documents/nope",
        "/groups/nope",
        "/instruments/nope",
        "/conferences/nope/documents",
        "/conferences/pp-14/kinds/memo/feed.atom",
        "/instruments/itu.res-102?rev=itu.res-101.busan-2014",
    ] {
        assert_eq!(
            get(&router, path, None).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}
