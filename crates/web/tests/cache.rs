//! Pages kept for anonymous readers: a change of the record, even one written by another
//! process on the same database, shows on the next page; signed-in and anonymous readers
//! never get each other's pages. SQLite by default, PostgreSQL when
//! `PLENARY_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../app/tests/common/mod.rs"]
mod common;
mod support;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use plenary_app::{App, demo};
use plenary_domain::access::Actor;
use plenary_domain::command::Command;
use plenary_domain::documents::{Restriction, RestrictionReason};
use plenary_web::{WebConfig, router};
use tower::ServiceExt;

const TOKEN: &str = "cache-test-admin-token";
const PUBLIC_DOC: &str = "/documents/pp-14.dt-1";
const PUBLIC_TEXT: &str = "Illustrative temporary document";
const RESTRICTED_DOC: &str = "/documents/pp-14.adm-1";
const RESTRICTED_TEXT: &str = "Illustrative restricted content";

fn site(app: App) -> Router {
    router(
        app,
        WebConfig {
            admin_token: Some(TOKEN.into()),
            ..WebConfig::default()
        },
    )
}

async fn get(
    router: &Router,
    path: &str,
    credentials: Option<(header::HeaderName, &str)>,
) -> String {
    let mut req = Request::get(path);
    if let Some((name, value)) = credentials {
        req = req.header(name, value);
    }
    let res = router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let body = res.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(body.to_vec()).unwrap()
}

fn restriction() -> Restriction {
    let today = time::OffsetDateTime::now_utc().date();
    Restriction {
        reason: RestrictionReason::PersonalData,
        justification: "Names a participant who asked not to be named; cache test.".into(),
        decided_by: "Secretary-General".into(),
        decided_on: today,
        review_on: today + time::Duration::days(90),
        title_restricted: false,
    }
}

#[tokio::test]
async fn a_restriction_written_by_another_process_shows_on_the_next_anonymous_page() {
    let (here, elsewhere, _dir) = common::two_stores().await;
    let app = App::new(here);
    demo::load(&app).await.unwrap();
    let web = site(app);
    for _ in 0..3 {
        let page = get(&web, PUBLIC_DOC, None).await;
        assert!(
            page.contains(PUBLIC_TEXT),
            "the public text is shown: {page}"
        );
    }
    let list = get(&web, "/conferences/pp-14/documents", None).await;
    // Another process on the same database restricts the document.
    App::new(elsewhere)
        .execute(
            &Actor::system(),
            Command::RestrictDocument {
                document: "pp-14.dt-1".into(),
                restriction: restriction(),
            },
        )
        .await
        .unwrap();
    for _ in 0..2 {
        let page = get(&web, PUBLIC_DOC, None).await;
        assert!(
            !page.contains(PUBLIC_TEXT),
            "the page from before the restriction is served again: {page}"
        );
        assert!(page.contains("asked not to be named"), "{page}");
    }
    assert_ne!(
        get(&web, "/conferences/pp-14/documents", None).await,
        list,
        "the document list shows the restriction"
    );
}

#[tokio::test]
async fn signed_in_and_anonymous_readers_never_get_each_others_pages() {
    let (here, _, _dir) = common::two_stores().await;
    let app = App::new(here);
    demo::load(&app).await.unwrap();
    let web = site(app);
    let bearer = format!("Bearer {TOKEN}");
    let signed_in = || Some((header::AUTHORIZATION, bearer.as_str()));

    // Anonymous first: its page is kept, and the secretariat still sees the content.
    for _ in 0..2 {
        assert!(
            !get(&web, RESTRICTED_DOC, None)
                .await
                .contains(RESTRICTED_TEXT)
        );
    }
    for _ in 0..2 {
        assert!(
            get(&web, RESTRICTED_DOC, signed_in())
                .await
                .contains(RESTRICTED_TEXT)
        );
    }
    // Signed in first, on another page: the anonymous reader still does not.
    let path = "/documents/pp-14.adm-2";
    assert!(get(&web, path, signed_in()).await.contains(RESTRICTED_TEXT));
    for _ in 0..2 {
        assert!(!get(&web, path, None).await.contains(RESTRICTED_TEXT));
    }

    // A reader signed in by cookie is not anonymous either, whatever other cookies it sends.
    let create = r#"{"username":"sec.cache","display_name":"Secretariat","password":"long enough password","roles":[{"role":"secretariat"}]}"#;
    let res = web
        .clone()
        .oneshot(
            Request::post("/api/v1/accounts")
                .header(header::AUTHORIZATION, bearer.as_str())
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(create))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let (session, _) = support::sign_in(&web, "sec.cache", "long enough password").await;
    let cookie = format!("theme=dark; {session}");
    let page = get(
        &web,
        RESTRICTED_DOC,
        Some((header::COOKIE, cookie.as_str())),
    )
    .await;
    assert!(page.contains(RESTRICTED_TEXT), "{page}");
    assert!(
        !get(&web, RESTRICTED_DOC, Some((header::COOKIE, "theme=dark")))
            .await
            .contains(RESTRICTED_TEXT)
    );
}
