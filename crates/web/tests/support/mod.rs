//! What the web tests share: signing in through the API as a browser does.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// Signs in with `POST /api/v1/session`: the session cookie (`name=value`) and the CSRF
/// token its unsafe requests and page forms carry.
pub async fn sign_in(router: &Router, username: &str, password: &str) -> (String, String) {
    let body = serde_json::json!({ "username": username, "password": password }).to_string();
    let res = router
        .clone()
        .oneshot(
            Request::post("/api/v1/session")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{username} signs in");
    let cookie = res.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap().to_owned();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    (session, v["csrf_token"].as_str().unwrap().to_owned())
}
