//! The JSON API of the negotiation (reads; the writes are commands, `POST /commands`):
//! proposals, drafts (now, as of an event or a time, every version), reports, group
//! records, follow-ups, and the provenance (blame) of revisions.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::api::{existing_conference, found_or_404, invalid, page, reader};
use crate::openapi::Operation;
use crate::{Problem, WebState};

/// The negotiation's reads, in the API's one route table.
pub(crate) fn operations() -> Vec<Operation> {
    use plenary_app::negotiation::DraftAsOf;
    use plenary_domain::negotiation::blame::Blame;
    use plenary_domain::negotiation::history::BracketHistory;
    use plenary_domain::negotiation::{
        Draft, DraftVersion, FollowUp, GroupRecord, Proposal, Report,
    };
    vec![
        Operation::get("/conferences/{id}/proposals", "listProposals", "The proposals of a conference.", proposals)
            .tag("negotiation")
            .pages::<Proposal>("Proposals, by id")
            .problems(&["not_found"]),
        Operation::get("/proposals/{id}", "getProposal", "One proposal.", proposal)
            .tag("negotiation")
            .returns::<Proposal>(200, "The proposal")
            .problems(&["not_found"]),
        Operation::get("/conferences/{id}/drafts", "listDrafts", "The negotiating texts of a conference.", drafts)
            .tag("negotiation")
            .pages::<Draft>("Drafts, by id")
            .problems(&["not_found"]),
        Operation::get("/drafts/{id}", "getDraft", "One draft now, or as it stood after an event (`as_of`, a seq) or at a time (`at`, RFC 3339); with either, the answer is a DraftAsOf.", draft)
            .tag("negotiation")
            .query("as_of", "The draft as it stood after this event seq.", serde_json::json!({ "type": "integer", "minimum": 0 }))
            .query("at", "The draft as it stood at this time (RFC 3339).", serde_json::json!({ "type": "string", "format": "date-time" }))
            .returns_one_of::<Draft, DraftAsOf>(200, "The draft (now), or the version in force then")
            .problems(&["not_found", "invalid_query", "invalid_field"]),
        Operation::get("/drafts/{id}/versions", "listDraftVersions", "Every version of a draft, event by event.", versions)
            .tag("negotiation")
            .pages::<DraftVersion>("Versions, in seq order")
            .problems(&["not_found"]),
        Operation::get("/drafts/{id}/brackets", "listDraftBrackets", "Every bracket the draft has had, open or closed, each with its own history: opened by which compilation or objection, alternatives withdrawn, closed by whom, at which meeting, to which alternative or compromise; an open bracket whose alternatives change different words carries the combined wording the chair may adopt (`replace_bracket` with `combines`).", brackets)
            .tag("negotiation")
            .pages::<BracketHistory>("Brackets, in the order they opened")
            .problems(&["not_found"]),
        Operation::get("/conferences/{id}/reports", "listReports", "The reports of a conference's groups.", reports)
            .tag("negotiation")
            .pages::<Report>("Reports, by id")
            .problems(&["not_found"]),
        Operation::get("/reports/{id}", "getReport", "One report, with its open brackets and withdrawals.", report)
            .tag("negotiation")
            .returns::<Report>(200, "The report")
            .problems(&["not_found"]),
        Operation::get("/groups/{id}/record", "getGroupRecord", "What a group did: drafts, readings, reports.", group_record)
            .tag("negotiation")
            .returns::<GroupRecord>(200, "The group's record")
            .problems(&["not_found"]),
        Operation::get("/conferences/{id}/follow-ups", "listFollowUps", "Matters referred to other organs, and their outcomes.", follow_ups)
            .tag("negotiation")
            .pages::<FollowUp>("Follow-ups, by id")
            .problems(&["not_found"]),
        Operation::get("/revisions/{id}/blame", "getBlame", "Where each provision and word of a revision came from.", blame)
            .tag("negotiation")
            .returns::<Blame>(200, "The provenance")
            .problems(&["not_found"]),
    ]
}

async fn proposals(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    page(&s.app.proposals(&who, &id).await?, |p| p.id.clone(), &uri)
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
    uri: Uri,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    page(&s.app.drafts(&who, &id).await?, |d| d.id.clone(), &uri)
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
    let Query(q) = query.map_err(|e| Problem::invalid_query(e.body_text()))?;
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
    uri: Uri,
) -> Result<Response, Problem> {
    let who = existing_draft(&s, &headers, &id).await?;
    page(
        &s.app.draft_versions(&who, &id).await?,
        |v| v.seq.to_string(),
        &uri,
    )
}

/// The reader, once the draft is known to exist (404 otherwise).
async fn existing_draft(
    s: &WebState,
    headers: &HeaderMap,
    id: &str,
) -> Result<plenary_domain::access::Actor, Problem> {
    let who = reader(s, headers).await?;
    if s.app.draft(&who, id).await?.is_none() {
        return Err(Problem::not_found(&format!("draft '{id}'")));
    }
    Ok(who)
}

async fn brackets(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, Problem> {
    let who = existing_draft(&s, &headers, &id).await?;
    page(
        &s.app.bracket_histories(&who, &id).await?,
        |b| b.bracket.clone(),
        &uri,
    )
}

async fn reports(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    page(&s.app.reports(&who, &id).await?, |r| r.id.clone(), &uri)
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
    uri: Uri,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    page(&s.app.follow_ups(&who, &id).await?, |f| f.id.clone(), &uri)
}

async fn blame(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    found_or_404(s.app.blame(&who, &id).await?, "revision", &id)
}
