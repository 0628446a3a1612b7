//! The JSON API under `/api/v1`.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures::Stream;
use plenary_domain::access::{Actor, Role};
use plenary_domain::command::Command;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::{Problem, WebState};

pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/conferences", get(conferences))
        .route("/conferences/{id}", get(conference))
        .route("/conferences/{id}/groups", get(groups))
        .route("/bodies/{id}/members", get(members))
        .route("/bodies/{id}/instruments", get(instruments))
        .route("/revisions/{id}", get(revision))
        .route("/conferences/{id}/documents", get(documents))
        .route("/conferences/{id}/restriction-register", get(register))
        .route("/conferences/{id}/delegations", get(delegations))
        .route("/conferences/{id}/reporting", get(reporting))
        .route("/documents/{id}", get(document))
        .route("/groups/{id}", get(group))
        .route("/groups/{id}/rights", get(group_rights))
        .route("/events", get(events))
        .route("/events/live", get(live))
        .route("/chain/head", get(head))
        .route("/commands", post(command))
        .route("/revisions/{id}/record", get(revision_record))
}

/// The name of the session cookie.
pub(crate) const SESSION_COOKIE: &str = "plenary_session";
/// The header that unsafe requests of a cookie session must carry.
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";

fn bad_credentials(detail: &str) -> Problem {
    Problem::new(
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
        "Bad credentials",
        detail,
    )
}

pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_owned())
}

/// Who is asking, and how: a bearer token (the configured admin token or an API token), a
/// session cookie (with its CSRF token), or nobody (anonymous).
pub(crate) async fn identify(
    state: &WebState,
    headers: &HeaderMap,
) -> Result<(Actor, Option<String>), Problem> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let presented = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| bad_credentials("Authorization must be 'Bearer <token>'"))?;
        if let Some(token) = &state.config.admin_token
            && bool::from(token.as_bytes().ct_eq(presented.as_bytes()))
        {
            return Ok((
                Actor {
                    id: "admin-token".into(),
                    roles: vec![Role::Secretariat],
                },
                None,
            ));
        }
        return match state.app.token_actor(presented).await? {
            Some(actor) => Ok((actor, None)),
            None => Err(bad_credentials("the token is not valid")),
        };
    }
    if let Some(token) = session_cookie(headers)
        && let Some(s) = state.app.session_actor(&token).await?
    {
        return Ok((s.actor, Some(s.csrf_token)));
    }
    Ok((Actor::anonymous(), None))
}

/// The reader of a safe request.
pub(crate) async fn reader(state: &WebState, headers: &HeaderMap) -> Result<Actor, Problem> {
    Ok(identify(state, headers).await?.0)
}

/// The actor of an unsafe request: a cookie session must echo its CSRF token.
pub(crate) async fn writer(state: &WebState, headers: &HeaderMap) -> Result<Actor, Problem> {
    let (actor, csrf) = identify(state, headers).await?;
    if let Some(expected) = csrf {
        let given = headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "csrf_token_missing",
                "CSRF token missing or wrong",
                "a request signed in by cookie must carry the session's X-CSRF-Token header",
            ));
        }
    }
    Ok(actor)
}

/// The found item as JSON, or a 404 problem naming what was asked for.
pub(crate) fn found_or_404<T: serde::Serialize>(
    found: Option<T>,
    what: &str,
    id: &str,
) -> Result<Response, Problem> {
    match found {
        Some(item) => Ok(Json(item).into_response()),
        None => Err(Problem::not_found(&format!("{what} '{id}'"))),
    }
}

async fn conferences(State(s): State<WebState>, headers: HeaderMap) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    Ok(Json(s.app.conferences(&who).await?).into_response())
}

async fn conference(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    found_or_404(s.app.conference(&who, &id).await?, "conference", &id)
}

async fn groups(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    Ok(Json(s.app.groups(&who, &id).await?).into_response())
}

async fn members(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    Ok(Json(s.app.members(&who, &id).await?).into_response())
}

async fn instruments(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    Ok(Json(s.app.instruments(&who, &id).await?).into_response())
}

async fn revision(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    found_or_404(s.app.revision(&who, &id).await?, "revision", &id)
}

/// What the record says about a revision: its document's workflow, decision, sponsors and
/// provenance, the recorded vote on its symbol, and its other languages.
async fn revision_record(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    found_or_404(s.app.revision_record(&who, &id).await?, "revision", &id)
}

pub(crate) async fn existing_conference(
    s: &WebState,
    who: &Actor,
    id: &str,
) -> Result<(), Problem> {
    match s.app.conference(who, id).await? {
        Some(_) => Ok(()),
        None => Err(Problem::not_found(&format!("conference '{id}'"))),
    }
}

async fn documents(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    Ok(Json(s.app.documents(&who, &id).await?).into_response())
}

async fn register(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    Ok(Json(s.app.restriction_register(&id).await?).into_response())
}

async fn delegations(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    Ok(Json(s.app.delegations(&who, &id).await?).into_response())
}

async fn reporting(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    Ok(Json(s.app.reporting_duties(&who, &id).await?).into_response())
}

async fn document(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    found_or_404(s.app.document(&who, &id).await?, "document", &id)
}

async fn group(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    found_or_404(s.app.group(&who, &id).await?, "group", &id)
}

async fn group_rights(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    Ok(Json(s.app.rights_matrix(&who, &id).await?).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Page {
    #[serde(default)]
    after: i64,
    #[serde(default = "default_limit")]
    limit: u32,
}

fn default_limit() -> u32 {
    100
}

/// The largest page of events one request returns.
const MAX_EVENTS_PAGE: u32 = 1000;

async fn events(
    State(s): State<WebState>,
    headers: HeaderMap,
    page: Result<Query<Page>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    let Query(page) = page.map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "Invalid query",
            e.body_text(),
        )
    })?;
    if page.after < 0 {
        return Err(invalid("after", "must be 0 or a seq of the log"));
    }
    if page.limit == 0 || page.limit > MAX_EVENTS_PAGE {
        return Err(invalid(
            "limit",
            &format!("must be between 1 and {MAX_EVENTS_PAGE}"),
        ));
    }
    Ok(Json(s.app.events(&who, page.after, page.limit).await?).into_response())
}

async fn head(State(s): State<WebState>) -> Result<Response, Problem> {
    Ok(Json(s.app.head().await?).into_response())
}

/// Server-sent events: every event recorded by this process from now on, as the reader
/// may see it.
async fn live(
    State(s): State<WebState>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Problem> {
    let who = reader(&s, &headers).await?;
    let rx = s.app.subscribe();
    let app = s.app.clone();
    let stream = futures::stream::unfold((rx, who, app), |(mut rx, who, app)| async move {
        let event = match rx.recv().await {
            Ok(e) => {
                let Ok(view) = app.event_view(&who, &e).await else {
                    return None;
                };
                let data = serde_json::to_string(&view).unwrap_or_default();
                Event::default()
                    .id(e.seq.to_string())
                    .event(e.kind.clone())
                    .data(data)
            }
            // A slow reader missed events: it should re-read /events from its last id.
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                Event::default().event("resync").data("{}")
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok(event), (rx, who, app)))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

pub(crate) fn invalid(field: &str, rule: &str) -> Problem {
    let mut p = Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_field",
        "Invalid input",
        format!("{field}: {rule}"),
    );
    p.field = Some(field.into());
    p
}

/// Carries out one command, given as `{"command": "...", "input": {...}}`.
async fn command(
    State(s): State<WebState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    let who = writer(&s, &headers).await?;
    let command: Command = crate::session::json_body(&headers, &body)?;
    let events = s.app.execute(&who, command).await?;
    let mut views = Vec::with_capacity(events.len());
    for e in &events {
        views.push(s.app.event_view(&who, e).await?);
    }
    Ok((StatusCode::CREATED, Json(views)).into_response())
}
