//! The JSON API refuses bad input with a problem naming the field and the rule, and
//! writes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use plenary_app::App;
use plenary_web::{MAX_BODY_BYTES, WebConfig, router};
use tower::ServiceExt;

const TOKEN: &str = "secretariat-token";
/// The file size limit of the test server.
const MAX_FILE: usize = 64 * 1024;

struct TestWeb {
    app: App,
    router: Router,
    _dir: tempfile::TempDir,
}

impl TestWeb {
    async fn new() -> Self {
        // SQLite by default; PostgreSQL (a fresh schema) when PLENARY_TEST_POSTGRES_URL is set.
        let dir = tempfile::tempdir().unwrap();
        let store = match plenary_store_postgres::testing::PostgresHarness::from_env() {
            Some(h) if std::env::var(plenary_store_postgres::testing::URL_VAR).is_ok() => {
                plenary_store_postgres::testing::PostgresHarness::open(&h.fresh_url().await)
                    .await
                    .0
            }
            _ => {
                plenary_store_sqlite::testing::open_store(dir.path())
                    .await
                    .0
            }
        };
        let files = dir.path().join("files");
        std::fs::create_dir_all(&files).unwrap();
        let app = App::new(store).with_files(std::sync::Arc::new(
            object_store::local::LocalFileSystem::new_with_prefix(&files).unwrap(),
        ));
        plenary_app::demo::load(&app).await.unwrap();
        let router = router(
            app.clone(),
            WebConfig {
                admin_token: Some(TOKEN.into()),
                secure_cookies: false,
                max_file_bytes: Some(MAX_FILE),
                ..WebConfig::default()
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
        self.post_to("/api/v1/commands", token, ctype, body).await
    }

    async fn post_to(
        &self,
        path: &str,
        token: Option<&str>,
        ctype: &str,
        body: impl Into<Body>,
    ) -> (StatusCode, String, String) {
        let mut req = Request::post(path).header(header::CONTENT_TYPE, ctype);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req.body(body.into()).unwrap()).await
    }

    async fn events(&self) -> i64 {
        self.app.head().await.unwrap().seq
    }

    /// How many blobs the file store holds.
    fn blobs(&self) -> usize {
        fn count(dir: &std::path::Path) -> usize {
            std::fs::read_dir(dir).map_or(0, |entries| {
                entries
                    .map(|e| e.unwrap().path())
                    .map(|p| if p.is_dir() { count(&p) } else { 1 })
                    .sum()
            })
        }
        count(&self._dir.path().join("files"))
    }

    async fn upload(
        &self,
        path: &str,
        token: Option<&str>,
        ctype: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, String, String) {
        self.post_to(path, token, ctype, bytes).await
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
async fn a_draft_as_of_a_bad_point_is_refused_naming_the_parameter() {
    let t = TestWeb::new().await;
    for (path, field) in [
        ("/api/v1/drafts/pp-14.dt-res-102?as_of=abc", Some("as_of")),
        ("/api/v1/drafts/pp-14.dt-res-102?as_of=-4", Some("as_of")),
        ("/api/v1/drafts/pp-14.dt-res-102?at=yesterday", Some("at")),
        (
            "/api/v1/drafts/pp-14.dt-res-102?as_of=3&at=2014-10-20T00:00:00Z",
            Some("as_of"),
        ),
        ("/api/v1/drafts/pp-14.dt-res-102?colour=red", None),
    ] {
        let (status, ctype, body) = t
            .send(Request::get(path).body(Body::empty()).unwrap())
            .await;
        assert!(status.is_client_error(), "{path}: {status}");
        assert_eq!(ctype, "application/problem+json", "{path}");
        if let Some(field) = field {
            assert_eq!(problem(&body)["field"], field, "{path}: {body}");
        }
    }
    // Before its compilation a draft did not exist: 404.
    let (status, _, _) = t
        .send(
            Request::get("/api/v1/drafts/pp-14.dt-res-102?as_of=1")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_ids_are_404_problems() {
    let t = TestWeb::new().await;
    for path in [
        "/api/v1/conferences/nope",
        "/api/v1/revisions/nope",
        "/api/v1/revisions/nope/record",
        "/api/v1/conferences/nope/groups",
        "/api/v1/proposals/nope",
        "/api/v1/drafts/nope",
        "/api/v1/drafts/nope?as_of=3",
        "/api/v1/drafts/nope/versions",
        "/api/v1/reports/nope",
        "/api/v1/groups/nope/record",
        "/api/v1/conferences/nope/drafts",
        "/api/v1/revisions/nope/blame",
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
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn sign_in_as(t: &TestWeb, username: &str, password: &str) -> (String, String) {
    support::sign_in(&t.router, username, password).await
}

#[tokio::test]
async fn a_signed_in_secretariat_writes_only_with_the_csrf_token() {
    let t = TestWeb::new().await;
    let create = r#"{"username":"sec.one","display_name":"Secretariat staff","password":"long enough password","roles":[{"role":"secretariat"}]}"#;
    let (status, _, body) = t
        .post_to("/api/v1/accounts", Some(TOKEN), "application/json", create)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (cookie, csrf) = sign_in_as(&t, "sec.one", "long enough password").await;
    let before = t.events().await;
    let cmd = r#"{"command":"establish_body","input":{"id":"un","name":"United Nations","acronym":"UN"}}"#;
    let post = |csrf: Option<&str>| {
        let mut req = Request::post("/api/v1/commands")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, cookie.as_str());
        if let Some(c) = csrf {
            req = req.header("x-csrf-token", c);
        }
        req.body(Body::from(cmd)).unwrap()
    };
    let (status, _, body) = t.send(post(None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(problem(&body)["code"], "csrf_token_missing");
    let (status, _, _) = t.send(post(Some("forged"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(t.events().await, before);
    let (status, _, body) = t.send(post(Some(&csrf))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let events: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(events[0]["actor"], "sec.one");
}

#[tokio::test]
async fn a_bad_sign_in_is_401_and_the_session_endpoint_says_who_is_signed_in() {
    let t = TestWeb::new().await;
    let create = r#"{"username":"obs.apc","display_name":"APC","password":"long enough password","roles":[{"role":"observer","member":"apc"}]}"#;
    assert_eq!(
        t.post_to("/api/v1/accounts", Some(TOKEN), "application/json", create)
            .await
            .0,
        StatusCode::CREATED
    );
    let bad = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            r#"{"username":"obs.apc","password":"nope nope nope"}"#,
        ))
        .unwrap();
    assert_eq!(t.send(bad).await.0, StatusCode::UNAUTHORIZED);
    let (cookie, _) = sign_in_as(&t, "obs.apc", "long enough password").await;
    let me = Request::get("/api/v1/session")
        .header(header::COOKIE, cookie.as_str())
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = t.send(me).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("obs.apc") && body.contains("observer"),
        "{body}"
    );
    // An observer may not write.
    let token = {
        let req = Request::post("/api/v1/tokens")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, cookie.as_str())
            .body(Body::from(r#"{"label":"x"}"#))
            .unwrap();
        let (status, _, body) = t.send(req).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "tokens need the CSRF token too: {body}"
        );
        let (cookie2, csrf) = sign_in_as(&t, "obs.apc", "long enough password").await;
        let req = Request::post("/api/v1/tokens")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, cookie2.as_str())
            .header("x-csrf-token", csrf)
            .body(Body::from(r#"{"label":"scripts"}"#))
            .unwrap();
        let (status, _, body) = t.send(req).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let cmd = r#"{"command":"establish_body","input":{"id":"un","name":"United Nations","acronym":"UN"}}"#;
    let (status, _, body) = t.post(Some(&token), "application/json", cmd).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let anon = Request::get("/api/v1/session").body(Body::empty()).unwrap();
    assert_eq!(t.send(anon).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unchanged_responses_answer_304_and_a_new_event_changes_the_etag() {
    let t = TestWeb::new().await;
    let get = |etag: Option<&str>| {
        let mut req = Request::get("/api/v1/conferences/pp-14/documents");
        if let Some(e) = etag {
            req = req.header(header::IF_NONE_MATCH, e);
        }
        req.body(Body::empty()).unwrap()
    };
    let res = t.router.clone().oneshot(get(None)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let etag = res
        .headers()
        .get(header::ETAG)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let res = t.router.clone().oneshot(get(Some(&etag))).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    let cmd = r#"{"command":"establish_body","input":{"id":"un","name":"United Nations","acronym":"UN"}}"#;
    assert_eq!(
        t.post(Some(TOKEN), "application/json", cmd).await.0,
        StatusCode::CREATED
    );
    let res = t.router.clone().oneshot(get(Some(&etag))).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // Another reader gets another tag: access shapes the view.
    let res = t
        .router
        .clone()
        .oneshot(
            Request::get("/api/v1/conferences/pp-14/documents")
                .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_ne!(
        res.headers().get(header::ETAG).unwrap().to_str().unwrap(),
        etag
    );
}

/// `If-None-Match: *` asks whether the resource exists (RFC 9110 §13.1.2): 304 for one
/// that does, and a missing path stays 404, on the API and on pages, for anonymous
/// readers (whose responses are kept) and signed-in ones.
#[tokio::test]
async fn if_none_match_any_answers_304_only_for_a_resource_that_exists() {
    let t = TestWeb::new().await;
    let get = |path: &str, token: Option<&str>| {
        let mut req = Request::get(path).header(header::IF_NONE_MATCH, "*");
        if let Some(token) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        req.body(Body::empty()).unwrap()
    };
    for token in [None, Some(TOKEN)] {
        for path in ["/api/v1/conferences/pp-14/documents", "/"] {
            // Twice: the second may come from the kept responses.
            for _ in 0..2 {
                let res = t.router.clone().oneshot(get(path, token)).await.unwrap();
                assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "{path} {token:?}");
            }
        }
        for path in ["/api/v1/conferences/no-such-conference", "/no/such/page"] {
            let res = t.router.clone().oneshot(get(path, token)).await.unwrap();
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path} {token:?}");
        }
    }
}

/// Every endpoint × every kind of caller: reads are open to all, writes only to those
/// with the right, and each refusal writes nothing.
#[tokio::test]
async fn authorization_matrix_every_endpoint_for_every_role() {
    let t = TestWeb::new().await;
    let accounts = [
        ("sec.staff", r#"[{"role":"secretariat"}]"#),
        ("bra.delegate", r#"[{"role":"delegate","member":"bra"}]"#),
        ("apc.observer", r#"[{"role":"observer","member":"apc"}]"#),
        ("chair.com5", r#"[{"role":"chair","group":"pp-14.com5"}]"#),
        ("member.public", r#"[{"role":"public"}]"#),
    ];
    let mut tokens = vec![("anonymous", None), ("admin-token", Some(TOKEN.to_owned()))];
    for (name, roles) in accounts {
        let body = format!(
            r#"{{"username":"{name}","display_name":"{name}","password":"long enough password","roles":{roles}}}"#
        );
        assert_eq!(
            t.post_to("/api/v1/accounts", Some(TOKEN), "application/json", body)
                .await
                .0,
            StatusCode::CREATED
        );
        let (cookie, csrf) = sign_in_as(&t, name, "long enough password").await;
        let req = Request::post("/api/v1/tokens")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, cookie.as_str())
            .header("x-csrf-token", csrf)
            .body(Body::from(r#"{"label":"matrix"}"#))
            .unwrap();
        let (status, _, body) = t.send(req).await;
        assert_eq!(status, StatusCode::CREATED);
        let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned();
        tokens.push((name, Some(token)));
    }
    let reads = [
        "/api/v1/conferences",
        "/api/v1/conferences/pp-14",
        "/api/v1/conferences/pp-14/groups",
        "/api/v1/conferences/pp-14/documents",
        "/api/v1/conferences/pp-14/restriction-register",
        "/api/v1/conferences/pp-14/delegations",
        "/api/v1/conferences/pp-14/reporting",
        "/api/v1/bodies/itu/members",
        "/api/v1/bodies/itu/instruments",
        "/api/v1/revisions/itu.res-102.busan-2014",
        "/api/v1/revisions/itu.res-102.busan-2014/record",
        "/api/v1/documents/pp-14.adm-1",
        "/api/v1/groups/pp-14.com5",
        "/api/v1/groups/pp-14.com5/rights",
        "/api/v1/events",
        "/api/v1/chain/head",
        "/api/v1/conferences/pp-14/proposals",
        "/api/v1/proposals/pp-14.main-1",
        "/api/v1/conferences/pp-14/drafts",
        "/api/v1/drafts/pp-14.dt-res-102",
        "/api/v1/drafts/pp-14.dt-res-102?as_of=700",
        "/api/v1/drafts/pp-14.dt-res-102/versions",
        "/api/v1/conferences/pp-14/reports",
        "/api/v1/groups/pp-14.adhoc-internet/record",
        "/api/v1/conferences/pp-14/follow-ups",
        "/api/v1/revisions/itu.res-102.busan-2014/blame",
        "/",
        "/conferences/pp-14",
    ];
    let secretariat = |who: &str| who == "admin-token" || who == "sec.staff";
    for (who, token) in &tokens {
        let auth = |req: axum::http::request::Builder| match token {
            Some(t) => req.header(header::AUTHORIZATION, format!("Bearer {t}")),
            None => req,
        };
        for path in reads {
            let (status, _, _) = t
                .send(auth(Request::get(path)).body(Body::empty()).unwrap())
                .await;
            assert_eq!(status, StatusCode::OK, "{who} GET {path}");
        }
        let before = t.events().await;
        let cmd = format!(
            r#"{{"command":"establish_body","input":{{"id":"body-{}","name":"A body","acronym":"AB"}}}}"#,
            who.replace('.', "-")
        );
        let (status, _, _) = t
            .send(
                auth(
                    Request::post("/api/v1/commands")
                        .header(header::CONTENT_TYPE, "application/json"),
                )
                .body(Body::from(cmd))
                .unwrap(),
            )
            .await;
        let expected = if secretariat(who) {
            StatusCode::CREATED
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, expected, "{who} POST /api/v1/commands");
        assert_eq!(
            t.events().await,
            before + i64::from(secretariat(who)),
            "{who}: a refusal writes nothing"
        );
        // A negotiation write: the chair of the group or the secretariat may refer a
        // matter; nobody else.
        let before = t.events().await;
        let cmd = format!(
            r#"{{"command":"refer_follow_up","input":{{"id":"pp-14.fu-{}","conference":"pp-14","group":"pp-14.com5","matter":"A matter","referred_to":"ITU Council","due_on":"2015-06-30"}}}}"#,
            who.replace('.', "-")
        );
        let (status, _, _) = t
            .send(
                auth(
                    Request::post("/api/v1/commands")
                        .header(header::CONTENT_TYPE, "application/json"),
                )
                .body(Body::from(cmd))
                .unwrap(),
            )
            .await;
        let allowed = secretariat(who) || *who == "chair.com5";
        let expected = if allowed {
            StatusCode::CREATED
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, expected, "{who} POST refer_follow_up");
        assert_eq!(
            t.events().await,
            before + i64::from(allowed),
            "{who}: a refusal writes nothing"
        );
        let (status, _, _) = t
            .send(
                auth(Request::get("/api/v1/accounts"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        let expected = if secretariat(who) {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, expected, "{who} GET /api/v1/accounts");
        let new = format!(
            r#"{{"username":"made-by-{}","display_name":"x","password":"long enough password"}}"#,
            who.replace('.', "-")
        );
        let (status, _, _) = t
            .send(
                auth(
                    Request::post("/api/v1/accounts")
                        .header(header::CONTENT_TYPE, "application/json"),
                )
                .body(Body::from(new))
                .unwrap(),
            )
            .await;
        let expected = if secretariat(who) {
            StatusCode::CREATED
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, expected, "{who} POST /api/v1/accounts");
        let (status, _, _) = t
            .send(
                auth(
                    Request::post("/api/v1/tokens")
                        .header(header::CONTENT_TYPE, "application/json"),
                )
                .body(Body::from(r#"{"label":"another"}"#))
                .unwrap(),
            )
            .await;
        let expected = match *who {
            "anonymous" | "admin-token" => StatusCode::FORBIDDEN,
            _ => StatusCode::CREATED,
        };
        assert_eq!(status, expected, "{who} POST /api/v1/tokens");
    }
}

/// The route table serves and describes every API route: each operation of the OpenAPI
/// document is served (neither the no-route problem nor 405), every other method on its
/// path answers 405, and a path the document does not name is the no-route problem.
#[tokio::test]
async fn the_openapi_document_and_the_router_name_the_same_routes() {
    let t = TestWeb::new().await;
    let (status, ctype, body) = t
        .send(
            Request::get("/api/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ctype, "application/json");
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc, plenary_web::openapi_document());
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 17, "{}", paths.len());
    let methods = ["get", "post", "put", "patch", "delete"];
    for (path, item) in paths {
        let concrete = path
            .split('/')
            .map(|s| if s.starts_with('{') { "nope" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        for method in methods {
            let req = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(&concrete)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let res = t.router.clone().oneshot(req).await.unwrap();
            let status = res.status();
            let sse = res
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.to_str().unwrap().starts_with("text/event-stream"));
            let body = if sse {
                String::new()
            } else {
                let b = res.into_body().collect().await.unwrap().to_bytes();
                String::from_utf8_lossy(&b).into_owned()
            };
            if let Some(op) = item.get(method) {
                assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
                assert!(!body.contains("no_such_route"), "{method} {path}: {body}");
                // Every answer the operation gives is one the document lists.
                assert!(
                    op["responses"].get(status.as_str()).is_some(),
                    "{method} {path} answered {status}, which the document does not list: {body}"
                );
                if !body.is_empty() && status.as_u16() >= 400 {
                    let p = problem(&body);
                    let codes = &op["responses"][status.as_str()]["content"]["application/problem+json"]
                        ["schema"]["allOf"][1]["properties"]["code"]["enum"];
                    assert!(
                        codes.as_array().unwrap().contains(&p["code"]),
                        "{method} {path}: code {} is not among {codes}",
                        p["code"]
                    );
                }
            } else {
                assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            }
        }
    }
    let (status, _, body) = t
        .send(
            Request::get("/api/v1/nothing-here")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(problem(&body)["code"], "no_such_route");
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    for s in ["bearer", "session", "csrf"] {
        assert!(schemes.contains_key(s), "{s}");
    }
    assert!(
        doc["components"]["schemas"]["Command"]["oneOf"]
            .as_array()
            .is_some_and(|v| v.len() >= 15),
        "{}",
        doc["components"]["schemas"]["Command"]
    );
}

/// The `rel="next"` target of a Link header, if any.
fn next_link(res: &axum::response::Response) -> Option<String> {
    let link = res.headers().get(header::LINK)?.to_str().unwrap();
    let target = link.strip_prefix('<')?.split_once(">; rel=\"next\"")?.0;
    Some(target.to_owned())
}

#[tokio::test]
async fn every_list_pages_by_limit_and_cursor_following_next_links() {
    let t = TestWeb::new().await;
    for list in [
        "/api/v1/conferences/pp-14/groups",
        "/api/v1/conferences/pp-14/documents",
        "/api/v1/bodies/itu/members",
        "/api/v1/groups/pp-14.com5/rights",
        "/api/v1/events",
    ] {
        let (_, _, whole) = t
            .send(
                Request::get(format!("{list}?limit=1000"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        let whole: Vec<serde_json::Value> = serde_json::from_str(&whole).unwrap();
        assert!(whole.len() > 2, "{list} has too few items to page");
        let mut seen = Vec::new();
        let mut next = Some(format!("{list}?limit=2"));
        while let Some(url) = next {
            let res = t
                .router
                .clone()
                .oneshot(Request::get(&url).body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{url}");
            next = next_link(&res);
            let b = res.into_body().collect().await.unwrap().to_bytes();
            let items: Vec<serde_json::Value> = serde_json::from_slice(&b).unwrap();
            assert!(items.len() <= 2, "{url}");
            assert!(next.is_none() || items.len() == 2, "{url}");
            seen.extend(items);
        }
        assert_eq!(seen, whole, "{list}: the pages put together are the list");
    }
    // The default page is 100 items.
    let (_, _, body) = t
        .send(Request::get("/api/v1/events").body(Body::empty()).unwrap())
        .await;
    let all: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(all.len().min(100), all.len());
}

#[tokio::test]
async fn a_bad_page_parameter_is_a_problem_naming_it() {
    let t = TestWeb::new().await;
    for (url, status, field) in [
        ("/api/v1/conferences?limit=0", 422, "limit"),
        ("/api/v1/conferences?limit=1001", 422, "limit"),
        ("/api/v1/conferences?limit=ten", 422, "limit"),
        (
            "/api/v1/conferences/pp-14/documents?cursor=zz",
            422,
            "cursor",
        ),
        (
            "/api/v1/conferences/pp-14/documents?cursor=6e6f7065",
            422,
            "cursor",
        ),
        ("/api/v1/conferences?after=3", 400, "after"),
        ("/api/v1/events?cursor=abc", 400, "cursor"),
        ("/api/v1/events?after=-1", 422, "after"),
    ] {
        let (got, ctype, body) = t.send(Request::get(url).body(Body::empty()).unwrap()).await;
        assert_eq!(got.as_u16(), status, "{url}: {body}");
        assert_eq!(ctype, "application/problem+json");
        assert_eq!(problem(&body)["field"], field, "{url}");
    }
}

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[tokio::test]
async fn a_language_version_takes_a_file_known_by_its_bytes_and_bad_uploads_change_nothing() {
    let t = TestWeb::new().await;
    let url = "/api/v1/documents/pp-14.main-1/versions/en/file";
    let before = t.events().await;
    let (status, _, body) = t
        .upload(url, Some(TOKEN), "application/pdf", PDF.to_vec())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let file: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(file["sha256"], sha256_hex(PDF));
    assert_eq!(file["key"], format!("sha256/{}", sha256_hex(PDF)));
    assert_eq!(file["size"], PDF.len());
    assert_eq!(file["media_type"], "application/pdf");
    assert_eq!(t.events().await, before + 1);
    assert_eq!(t.blobs(), 1);
    // The document lists it, and anyone may download it.
    let (_, _, doc) = t
        .send(
            Request::get("/api/v1/documents/pp-14.main-1")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(doc["versions"][0]["file"], file);
    let res = t
        .router
        .clone()
        .oneshot(Request::get(url).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/pdf");
    assert!(
        res.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let got = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&got[..], PDF);

    let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
    elf.resize(200, 0);
    let text = b"Resolution 102: a plain text version.\n".to_vec();
    let big = {
        let mut b = PDF.to_vec();
        b.resize(MAX_FILE + 1, b' ');
        b
    };
    let before = t.events().await;
    for (what, path, token, ctype, bytes, status, code) in [
        (
            "too big",
            url,
            Some(TOKEN),
            "application/pdf",
            big,
            413,
            "payload_too_large",
        ),
        (
            "an executable",
            url,
            Some(TOKEN),
            "application/pdf",
            elf.clone(),
            415,
            "unsupported_file_type",
        ),
        (
            "text sent as PDF",
            url,
            Some(TOKEN),
            "application/pdf",
            text.clone(),
            415,
            "unsupported_file_type",
        ),
        (
            "unknown document",
            "/api/v1/documents/pp-14.main-99/versions/en/file",
            Some(TOKEN),
            "application/pdf",
            PDF.to_vec(),
            404,
            "not_found",
        ),
        (
            "no such version",
            "/api/v1/documents/pp-14.main-1/versions/fr/file",
            Some(TOKEN),
            "application/pdf",
            PDF.to_vec(),
            422,
            "invalid_field",
        ),
        (
            "unknown language",
            "/api/v1/documents/pp-14.main-1/versions/xx/file",
            Some(TOKEN),
            "application/pdf",
            PDF.to_vec(),
            422,
            "invalid_field",
        ),
        (
            "anonymous",
            url,
            None,
            "text/plain",
            text.clone(),
            403,
            "forbidden",
        ),
    ] {
        let (got, ctype_back, body) = t.upload(path, token, ctype, bytes).await;
        assert_eq!(got.as_u16(), status, "{what}: {body}");
        assert_eq!(ctype_back, "application/problem+json", "{what}");
        assert_eq!(problem(&body)["code"], code, "{what}");
        assert_eq!(t.events().await, before, "{what}: nothing recorded");
        assert_eq!(t.blobs(), 1, "{what}: nothing stored");
    }
    // Plain text is allowed when it is plain text; the new file replaces the old one.
    let (status, _, body) = t
        .upload(url, Some(TOKEN), "text/plain; charset=utf-8", text.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, ctype, got) = t.send(Request::get(url).body(Body::empty()).unwrap()).await;
    assert_eq!(ctype, "text/plain");
    assert_eq!(got.as_bytes(), &text[..]);
}

#[tokio::test]
async fn a_restricted_documents_file_never_reaches_a_reader_without_access() {
    let t = TestWeb::new().await;
    let secret = b"%PDF-1.4\nguard posts and evacuation routes, file marker q7e1\n%%EOF\n".to_vec();
    let url = "/api/v1/documents/pp-14.adm-1/versions/en/file";
    let (status, _, body) = t
        .upload(url, Some(TOKEN), "application/pdf", secret.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let hash = sha256_hex(&secret);
    let (status, _, _) = t.send(Request::get(url).body(Body::empty()).unwrap()).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the public may not download it"
    );
    let mut public = String::new();
    for path in [
        "/api/v1/documents/pp-14.adm-1",
        "/api/v1/conferences/pp-14/documents?limit=1000",
        "/api/v1/conferences/pp-14/restriction-register?limit=1000",
        "/api/v1/events?limit=1000",
    ] {
        let (status, _, body) = t
            .send(Request::get(path).body(Body::empty()).unwrap())
            .await;
        assert_eq!(status, StatusCode::OK, "{path}");
        public += &body;
    }
    assert!(!public.contains(&hash), "the file's hash leaked");
    assert!(!public.contains("file marker"), "the file leaked");
    let (status, _, got) = t
        .send(
            Request::get(url)
                .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(got.contains("file marker"));
}
