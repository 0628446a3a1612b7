//! What protects visitors and accounts: security headers on every response, cookies marked
//! Secure behind TLS, limits on sign-in work per address and in total, bounded sign-in
//! fields, and API tokens their holders can list and revoke.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use plenary_app::App;
use plenary_web::{SignInLimits, WebConfig, router};
use tower::ServiceExt;

const TOKEN: &str = "secretariat-token";

/// A fresh store (SQLite; PostgreSQL when PLENARY_TEST_POSTGRES_URL is set) with one
/// delegate account, served with `config`.
async fn serve(config: WebConfig) -> (Router, tempfile::TempDir) {
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
    let app = App::new(store);
    let config = WebConfig {
        admin_token: Some(TOKEN.into()),
        ..config
    };
    let router = router(app, config);
    let create = r#"{"username":"bra.delegate","display_name":"A delegate of Brazil","password":"long enough password","roles":[]}"#;
    let res = router
        .clone()
        .oneshot(
            Request::post("/api/v1/accounts")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                .body(Body::from(create))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    (router, dir)
}

async fn body_of(res: axum::response::Response) -> String {
    let b = res.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&b).into_owned()
}

fn sign_in_from(from: [u8; 4], username: &str, password: &str) -> Request<Body> {
    let body = serde_json::json!({ "username": username, "password": password }).to_string();
    let mut req = Request::post("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((from, 40000))));
    req
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_no_page_can_be_framed() {
    let (router, _d) = serve(WebConfig::default()).await;
    for path in [
        "/",
        "/sign-in",
        "/static/plenary.css",
        "/api/v1/events",
        "/api/v1/nothing-here",
        "/no-such-page",
        "/healthz",
    ] {
        let res = router
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let h = res.headers();
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("style-src 'self'"), "{path}: {csp}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY", "{path}");
        assert_eq!(h[header::REFERRER_POLICY], "same-origin", "{path}");
        assert!(
            h.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
            "{path}: HSTS only when asked for"
        );
    }
    let (router, _d) = serve(WebConfig {
        hsts: true,
        ..WebConfig::default()
    })
    .await;
    let res = router
        .oneshot(Request::get("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert!(
        res.headers()[header::STRICT_TRANSPORT_SECURITY]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
}

#[tokio::test]
async fn cookies_are_secure_when_the_site_is_behind_tls_and_only_then() {
    let cookies = |res: &axum::response::Response| -> Vec<String> {
        res.headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    };
    // Configured: the sign-in form's cookie and the session cookie.
    let (router, _d) = serve(WebConfig {
        secure_cookies: true,
        ..WebConfig::default()
    })
    .await;
    let form = router
        .clone()
        .oneshot(Request::get("/sign-in").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let set = cookies(&form);
    assert!(
        !set.is_empty() && set.iter().all(|c| c.contains("; Secure")),
        "{set:?}"
    );
    let res = router
        .clone()
        .oneshot(sign_in_from(
            [192, 0, 2, 1],
            "bra.delegate",
            "long enough password",
        ))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let set = cookies(&res);
    assert!(set.iter().all(|c| c.contains("; Secure")), "{set:?}");

    // Not configured: Secure only when the proxy says the request came over TLS.
    let (router, _d) = serve(WebConfig::default()).await;
    let plain = router
        .clone()
        .oneshot(Request::get("/sign-in").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert!(cookies(&plain).iter().all(|c| !c.contains("Secure")));
    let proxied = router
        .oneshot(
            Request::get("/sign-in")
                .header("x-forwarded-proto", "https")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let set = cookies(&proxied);
    assert!(
        !set.is_empty() && set.iter().all(|c| c.contains("; Secure")),
        "{set:?}"
    );
}

#[tokio::test]
async fn sign_ins_beyond_an_addresss_limit_wait_with_retry_after_while_others_sign_in() {
    let (router, _d) = serve(WebConfig {
        sign_in_limits: SignInLimits {
            per_address_burst: 3,
            per_address_per_minute: 1,
            total_burst: 1000,
            total_per_minute: 1000,
        },
        ..WebConfig::default()
    })
    .await;
    let flooder = [198, 51, 100, 7];
    for _ in 0..3 {
        let res = router
            .clone()
            .oneshot(sign_in_from(flooder, "bra.delegate", "guess guess guess"))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = router
        .clone()
        .oneshot(sign_in_from(flooder, "bra.delegate", "guess guess guess"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body = body_of(res).await;
    let p: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(p["code"], "too_many_requests", "{body}");
    // The delegate, from another address, still signs in.
    let res = router
        .oneshot(sign_in_from(
            [192, 0, 2, 1],
            "bra.delegate",
            "long enough password",
        ))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit_and_otherwise_none_escapes()
{
    let limits = SignInLimits {
        per_address_burst: 1,
        per_address_per_minute: 1,
        total_burst: 1000,
        total_per_minute: 1000,
    };
    let proxy = [10, 0, 0, 1];
    let via_proxy = |client: &str| {
        let mut req = sign_in_from(proxy, "bra.delegate", "guess guess guess");
        req.headers_mut().insert(
            "x-forwarded-for",
            format!("203.0.113.250, {client}").parse().unwrap(),
        );
        req
    };
    for (trusted, second) in [
        (true, StatusCode::UNAUTHORIZED),
        (false, StatusCode::TOO_MANY_REQUESTS),
    ] {
        let (router, _d) = serve(WebConfig {
            sign_in_limits: limits,
            trust_forwarded_for: trusted,
            ..WebConfig::default()
        })
        .await;
        let first = router
            .clone()
            .oneshot(via_proxy("192.0.2.1"))
            .await
            .unwrap();
        assert_eq!(
            first.status(),
            StatusCode::UNAUTHORIZED,
            "trusted: {trusted}"
        );
        let other = router
            .clone()
            .oneshot(via_proxy("192.0.2.2"))
            .await
            .unwrap();
        assert_eq!(other.status(), second, "trusted: {trusted}");
    }
}

#[tokio::test]
async fn the_whole_server_takes_only_so_many_sign_ins_from_many_addresses() {
    let (router, _d) = serve(WebConfig {
        sign_in_limits: SignInLimits {
            per_address_burst: 100,
            per_address_per_minute: 100,
            total_burst: 2,
            total_per_minute: 1,
        },
        ..WebConfig::default()
    })
    .await;
    let mut statuses = Vec::new();
    for i in 0..4 {
        let res = router
            .clone()
            .oneshot(sign_in_from(
                [203, 0, 113, i],
                "bra.delegate",
                "guess guess guess",
            ))
            .await
            .unwrap();
        statuses.push(res.status());
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(res.headers().contains_key(header::RETRY_AFTER));
        }
    }
    // The account creation in `serve` took one of the two.
    assert_eq!(
        statuses,
        [
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}

#[tokio::test]
async fn an_overlong_username_or_password_is_a_problem_naming_the_field() {
    let (router, _d) = serve(WebConfig::default()).await;
    for (username, password, field) in [
        (
            "a".repeat(100_000),
            "guess guess guess".to_owned(),
            "username",
        ),
        ("bra.delegate".to_owned(), "p".repeat(1025), "password"),
        ("nobody.here".to_owned(), "p".repeat(1025), "password"),
    ] {
        let res = router
            .clone()
            .oneshot(sign_in_from([192, 0, 2, 9], &username, &password))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p: serde_json::Value = serde_json::from_str(&body_of(res).await).unwrap();
        assert_eq!(p["code"], "invalid_field");
        assert_eq!(p["field"], field);
    }
}

#[tokio::test]
async fn a_delegate_lists_and_revokes_their_api_tokens_and_a_revoked_token_stops_working() {
    let (router, _d) = serve(WebConfig::default()).await;
    let (cookie, csrf) = support::sign_in(&router, "bra.delegate", "long enough password").await;
    let res = router
        .clone()
        .oneshot(
            Request::post("/api/v1/tokens")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::COOKIE, cookie.as_str())
                .header("x-csrf-token", csrf.as_str())
                .body(Body::from(r#"{"label":"scripts","expires_in_days":30}"#))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let issued: serde_json::Value = serde_json::from_str(&body_of(res).await).unwrap();
    let secret = issued["token"].as_str().unwrap().to_owned();
    let id = issued["id"].as_str().unwrap().to_owned();
    assert!(issued["expires_at"].as_str().unwrap() > issued["created_at"].as_str().unwrap());

    let bearer = |req: axum::http::request::Builder| {
        req.header(header::AUTHORIZATION, format!("Bearer {secret}"))
            .body(Body::empty())
            .unwrap()
    };
    let res = router
        .clone()
        .oneshot(bearer(Request::get("/api/v1/tokens")))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body = body_of(res).await;
    assert!(
        !body.contains(&secret),
        "the list never shows a secret: {body}"
    );
    let listed: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["label"], "scripts");
    assert_eq!(listed[0]["expires_at"], issued["expires_at"]);

    let res = router
        .clone()
        .oneshot(bearer(Request::delete(format!("/api/v1/tokens/{id}"))))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = router
        .clone()
        .oneshot(bearer(Request::get("/api/v1/session")))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Revoking it again finds nothing.
    let res = router
        .oneshot(
            Request::delete(format!("/api/v1/tokens/{id}"))
                .header(header::COOKIE, cookie.as_str())
                .header("x-csrf-token", csrf.as_str())
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
