//! The JSON API of the negotiation (reads; the writes are commands, `POST /commands`):
//! proposals, drafts (now, as of an event or a time, every version), reports, group
//! records, follow-ups, and the provenance (blame) of revisions.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use crate::api::{existing_conference, found_or_404, invalid, reader};
use crate::{Problem, WebState};

pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/conferences/{id}/proposals", get(proposals))
        .route("/proposals/{id}", get(proposal))
        .route("/conferences/{id}/drafts", get(drafts))
        .route("/drafts/{id}", get(draft))
        .route("/drafts/{id}/versions", get(versions))
        .route("/conferences/{id}/reports", get(reports))
        .route("/reports/{id}", get(report))
        .route("/groups/{id}/record", get(group_record))
        .route("/conferences/{id}/follow-ups", get(follow_ups))
        .route("/revisions/{id}/blame", get(blame))
}

async fn proposals(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    Ok(Json(s.app.proposals(&who, &id).await?).into_response())
}

async fn proposal(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    found_or_404(s.app.proposal(&who, &id).await?, "proposal", &id)
}

async fn drafts(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    Ok(Json(s.app.drafts(&who, &id).await?).into_response())
}

/// `?as_of=<seq>` or `?at=<RFC 3339 time>`: the draft as it stood then.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AsOf {
    as_of: Option<String>,
    at: Option<String>,
}

async fn draft(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    query: Result<Query<AsOf>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    let Query(q) = query.map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "Invalid query",
            e.body_text(),
        )
    })?;
    let seq = match (&q.as_of, &q.at) {
        (None, None) => return found_or_404(s.app.draft(&who, &id).await?, "draft", &id),
        (Some(_), Some(_)) => return Err(invalid("as_of", "give as_of or at, not both")),
        (Some(n), None) => n
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| invalid("as_of", "must be an event seq (0 or more)"))?,
        (None, Some(t)) => s.app.seq_at(t).await?,
    };
    if s.app.draft(&who, &id).await?.is_none() {
        return Err(Problem::not_found(&format!("draft '{id}'")));
    }
    match s.app.draft_as_of(&who, &id, seq).await? {
        Some(v) => Ok(Json(v).into_response()),
        None => Err(Problem::not_found(&format!(
            "draft '{id}' as of event {seq} (it was compiled later)"
        ))),
    }
}

async fn versions(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    if s.app.draft(&who, &id).await?.is_none() {
        return Err(Problem::not_found(&format!("draft '{id}'")));
    }
    Ok(Json(s.app.draft_versions(&who, &id).await?).into_response())
}

async fn reports(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    Ok(Json(s.app.reports(&who, &id).await?).into_response())
}

async fn report(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    found_or_404(s.app.report(&who, &id).await?, "report", &id)
}

async fn group_record(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    if s.app.group(&who, &id).await?.is_none() {
        return Err(Problem::not_found(&format!("group '{id}'")));
    }
    Ok(Json(s.app.group_record(&who, &id).await?).into_response())
}

async fn follow_ups(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    Ok(Json(s.app.follow_ups(&who, &id).await?).into_response())
}

async fn blame(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    found_or_404(s.app.blame(&who, &id).await?, "revision", &id)
}
