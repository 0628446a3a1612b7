//! The JSON API refuses bad input with a problem naming the field and the rule, and
//! writes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use plenary_app::App;
use plenary_web::{MAX_BODY_BYTES, WebConfig, router};
use tower::ServiceExt;

const TOKEN: &str = "secretariat-token";

struct TestWeb {
    app: App,
    router: Router,
    _dir: tempfile::TempDir,
}

impl TestWeb {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = plenary_store_sqlite::testing::open_store(dir.path()).await;
        let app = App::new(store);
        plenary_app::demo::load(&app).await.unwrap();
        let router = router(
            app.clone(),
            WebConfig {
                admin_token: Some(TOKEN.into()),
            },
        );
        Self {
            app,
            router,
            _dir: dir,
        }
    }

    async fn send(&self, req: Request<Body>) -> (StatusCode, String, String) {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let ctype = res
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (status, ctype, String::from_utf8_lossy(&body).into_owned())
    }

    async fn post(
        &self,
        token: Option<&str>,
        ctype: &str,
        body: impl Into<Body>,
    ) -> (StatusCode, String, String) {
        let mut req = Request::post("/api/v1/commands").header(header::CONTENT_TYPE, ctype);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req.body(body.into()).unwrap()).await
    }

    async fn events(&self) -> i64 {
        self.app.head().await.unwrap().seq
    }
}

fn problem(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {body}"))
}

#[tokio::test]
async fn an_unknown_field_is_refused_naming_it_and_nothing_is_written() {
    let t = TestWeb::new().await;
    let before = t.events().await;
    let body = r#"{"command":"establish_body","input":{"id":"un","name":"United Nations","acronym":"UN","colour":"blue"}}"#;
    let (status, ctype, body) = t.post(Some(TOKEN), "application/json", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(ctype, "application/problem+json");
    let p = problem(&body);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("unknown field `colour`"),
        "{p}"
    );
    assert_eq!(p["code"], "invalid_json");
    assert_eq!(t.events().await, before);
}

#[tokio::test]
async fn a_wrong_type_is_refused_naming_the_path() {
    let t = TestWeb::new().await;
    let body = r#"{"command":"convene_conference","input":{"id":"c","body":"itu","name":"C","short_name":"C","city":"X","country":"Y","opens_on":20141020,"closes_on":"2014-11-07","languages":["en"]}}"#;
    let (status, _, body) = t.post(Some(TOKEN), "application/json", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = problem(&body);
    assert_eq!(p["field"], "input.opens_on", "{p}");
}

#[tokio::test]
async fn a_rule_broken_in_the_domain_names_the_field_and_the_rule() {
    let t = TestWeb::new().await;
    let before = t.events().await;
    let body = r#"{"command":"convene_conference","input":{"id":"c","body":"itu","name":"C","short_name":"C","city":"X","country":"Y","opens_on":"2014-11-20","closes_on":"2014-11-07","languages":["en"]}}"#;
    let (status, _, body) = t.post(Some(TOKEN), "application/json", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = problem(&body);
    assert_eq!(p["code"], "invalid_field");
    assert_eq!(p["field"], "closes_on");
    assert!(
        p["detail"].as_str().unwrap().contains("before opens_on"),
        "{p}"
    );
    assert_eq!(t.events().await, before);
}

#[tokio::test]
async fn an_oversize_body_is_refused_with_413() {
    let t = TestWeb::new().await;
    let big = format!(
        r#"{{"command":"establish_body","input":{{"id":"x","name":"{}","acronym":"X"}}}}"#,
        "n".repeat(MAX_BODY_BYTES + 1)
    );
    let before = t.events().await;
    let (status, _, _) = t.post(Some(TOKEN), "application/json", big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(t.events().await, before);
}

#[tokio::test]
async fn writes_without_the_secretariat_role_are_forbidden() {
    let t = TestWeb::new().await;
    let before = t.events().await;
    let body = r#"{"command":"establish_body","input":{"id":"un","name":"United Nations","acronym":"UN"}}"#;
    let (status, _, res) = t.post(None, "application/json", body).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{res}");
    let (status, _, _) = t.post(Some("wrong"), "application/json", body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = t.post(Some(TOKEN), "text/plain", body).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(t.events().await, before);
    let (status, _, _) = t.post(Some(TOKEN), "application/json", body).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(t.events().await, before + 1);
}

#[tokio::test]
async fn unknown_ids_are_404_problems() {
    let t = TestWeb::new().await;
    for path in [
        "/api/v1/conferences/nope",
        "/api/v1/revisions/nope",
        "/api/v1/conferences/nope/groups",
    ] {
        let (status, ctype, _) = t
            .send(Request::get(path).body(Body::empty()).unwrap())
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(ctype, "application/problem+json");
    }
}

#[tokio::test]
async fn the_event_log_pages_and_refuses_bad_paging() {
    let t = TestWeb::new().await;
    let (status, _, body) = t
        .send(
            Request::get("/api/v1/events?after=10&limit=5")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let events: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, vec![11, 12, 13, 14, 15]);
    assert_eq!(events[0]["prev_hash"], {
        let (_, _, b) = t
            .send(
                Request::get("/api/v1/events?after=9&limit=1")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        let e: Vec<serde_json::Value> = serde_json::from_str(&b).unwrap();
        e[0]["hash"].clone()
    });
    for bad in [
        "/api/v1/events?limit=0",
        "/api/v1/events?limit=5000",
        "/api/v1/events?after=-1",
    ] {
        let (status, _, body) = t.send(Request::get(bad).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
    }
    let (status, _, _) = t
        .send(
            Request::get("/api/v1/events?limit=abc")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
