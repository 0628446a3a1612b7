//! Conditional GET: every view derives from the log, so the chain head (with the day, for
//! restrictions that lapse by date, and the reader, whose access shapes the view) names
//! the version of any page or API response. A matching `If-None-Match` gets 304.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::WebState;

/// Paths that are not versioned by the log.
fn unversioned(path: &str) -> bool {
    matches!(
        path,
        "/healthz" | "/readyz" | "/api/v1/events/live" | "/api/v1/session" | "/sign-in"
    ) || path.starts_with("/static/")
}

/// Adds an ETag to successful GET responses and answers 304 when the client has it.
pub(crate) async fn conditional_get(
    State(s): State<WebState>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != Method::GET || unversioned(req.uri().path()) {
        return next.run(req).await;
    }
    let Ok(head) = s.app.head().await else {
        return next.run(req).await;
    };
    let mut who = Sha256::new();
    for name in [header::AUTHORIZATION, header::COOKIE] {
        if let Some(v) = req.headers().get(&name) {
            who.update(v.as_bytes());
        }
    }
    who.update(req.uri().to_string().as_bytes());
    let today = time::OffsetDateTime::now_utc().date();
    let tag = format!(
        "W/\"{}-{}-{}\"",
        head.seq,
        today,
        &hex_prefix(&who.finalize())
    );
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    if matches {
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&tag) {
            res.headers_mut().insert(header::ETAG, v);
        }
        return res;
    }
    let mut res = next.run(req).await;
    if res.status() == StatusCode::OK {
        if let Ok(v) = HeaderValue::from_str(&tag) {
            res.headers_mut().insert(header::ETAG, v);
        }
        res.headers_mut().insert(
            header::VARY,
            HeaderValue::from_static("Authorization, Cookie"),
        );
    }
    res
}

fn hex_prefix(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect()
}
