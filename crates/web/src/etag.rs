//! Conditional GET: every view derives from the log, so the chain head (with the day, for
//! restrictions that lapse by date, and the reader, whose access shapes the view) names
//! the version of any page or API response. A matching `If-None-Match` gets 304. Anonymous
//! readers are answered from [`crate::cache`] when it holds the response of that version.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::WebState;
use crate::cache::{Key, PageCache, Version, anonymous};

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
    let Ok(version) = current(&s).await else {
        return next.run(req).await;
    };
    let mut who = Sha256::new();
    for name in [header::AUTHORIZATION, header::COOKIE] {
        if let Some(v) = req.headers().get(&name) {
            who.update(v.as_bytes());
        }
    }
    for name in &crate::cache::SHAPING_HEADERS {
        if let Some(v) = req.headers().get(name) {
            who.update(name.as_str().as_bytes());
            who.update(v.as_bytes());
        }
    }
    who.update(req.uri().to_string().as_bytes());
    let tag = format!(
        "W/\"{}-{}-{}\"",
        version.seq,
        version.day,
        hex::encode(&who.finalize()[..8])
    );
    let tag = HeaderValue::from_str(&tag).ok();
    let precondition = IfNoneMatch::of(req.headers(), tag.as_ref());
    // A tag of ours names a response that was 200 at this version: answer without
    // rendering. `*` matches only a resource that exists (RFC 9110 §13.1.2), which only
    // the response can tell: a missing path stays 404.
    if precondition == IfNoneMatch::Tag {
        return not_modified(tag);
    }
    let key = anonymous(req.headers()).then(|| Key::of(req.uri(), req.headers()));
    if let Some(key) = &key
        && let Some(mut res) = s.pages.get(version, key)
    {
        if precondition == IfNoneMatch::Any && res.status() == StatusCode::OK {
            return not_modified(tag);
        }
        if let Some(tag) = tag {
            res.headers_mut().insert(header::ETAG, tag);
        }
        return res;
    }
    let mut res = next.run(req).await;
    if res.status() != StatusCode::OK {
        return res;
    }
    if precondition == IfNoneMatch::Any {
        return not_modified(tag);
    }
    res.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Authorization, Cookie, Accept"),
    );
    if let Some(key) = key
        && PageCache::storable(&res)
    {
        res = store(&s, version, key, res).await;
    }
    if let Some(tag) = tag {
        res.headers_mut().insert(header::ETAG, tag);
    }
    res
}

/// What a request's `If-None-Match` asks of this response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IfNoneMatch {
    /// No header, or no tag that matches.
    No,
    /// One of its tags is this version's.
    Tag,
    /// `*`: any current representation.
    Any,
}

impl IfNoneMatch {
    fn of(headers: &axum::http::HeaderMap, tag: Option<&HeaderValue>) -> Self {
        let Some(value) = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
        else {
            return Self::No;
        };
        let mut any = false;
        for t in value.split(',').map(str::trim) {
            if tag.is_some_and(|tag| t == tag) {
                return Self::Tag;
            }
            any |= t == "*";
        }
        if any { Self::Any } else { Self::No }
    }
}

fn not_modified(tag: Option<HeaderValue>) -> Response {
    let mut res = StatusCode::NOT_MODIFIED.into_response();
    if let Some(tag) = tag {
        res.headers_mut().insert(header::ETAG, tag);
    }
    res
}

/// The version of the record now: the head read from the store (never remembered: another
/// process may have appended) and today's date.
async fn current(s: &WebState) -> plenary_app::Result<Version> {
    let head = s.app.head().await?;
    Ok(Version {
        seq: head.seq,
        day: time::OffsetDateTime::now_utc().date(),
    })
}

/// Keeps an anonymous response if the record is still at the version it was rendered for:
/// a change that committed while it rendered may show in part of it.
async fn store(s: &WebState, version: Version, key: Key, res: Response) -> Response {
    let (parts, body) = res.into_parts();
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(e) => {
            tracing::warn!(error = %e, "reading a rendered response");
            return crate::Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                "the rendered response could not be read",
            )
            .into_response();
        }
    };
    if current(s).await.is_ok_and(|now| now == version) {
        s.pages
            .put(version, key, parts.headers.clone(), body.clone());
    }
    Response::from_parts(parts, axum::body::Body::from(body))
}
