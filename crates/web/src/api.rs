//! The JSON API under `/api/v1`.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use plenary_domain::access::{Actor, Role};
use plenary_domain::command::Command;
use subtle::ConstantTimeEq;

use crate::openapi::Operation;
use crate::{Problem, WebState};
use plenary_app::UploadError;
use plenary_domain::documents::FILE_MEDIA_TYPES;
use plenary_domain::model::Language;

/// The record's routes under `/api/v1`, served and described from this one table.
pub(crate) fn operations() -> Vec<Operation> {
    use plenary_app::{ReportingStatus, RightsRow};
    use plenary_domain::access::EventView;
    use plenary_domain::chain::Head;
    use plenary_domain::documents::{Document, FileRef};
    use plenary_domain::model::{Conference, Delegation, Group, Instrument, Member, Revision};
    vec![
        Operation::get("/conferences", "listConferences", "Every conference, latest first.", conferences)
            .pages::<Conference>("Conferences"),
        Operation::get("/conferences/{id}", "getConference", "One conference.", conference)
            .returns::<Conference>(200, "The conference")
            .problems(&["not_found"]),
        Operation::get("/conferences/{id}/groups", "listGroups", "The groups of a conference.", groups)
            .pages::<Group>("Groups, by id")
            .problems(&["not_found"]),
        Operation::get("/bodies/{id}/members", "listMembers", "The members of a body.", members)
            .pages::<Member>("Members, by id"),
        Operation::get("/bodies/{id}/instruments", "listInstruments", "The instruments of a body.", instruments)
            .pages::<Instrument>("Instruments, by id"),
        Operation::get("/revisions/{id}", "getRevision", "One revision of an instrument, with its text.", revision)
            .returns::<Revision>(200, "The revision")
            .problems(&["not_found"]),
        Operation::get("/conferences/{id}/documents", "listDocuments", "The documents of a conference, as the reader may see them.", documents)
            .pages::<Document>("Documents, by id; restricted content withheld from readers without access")
            .problems(&["not_found"]),
        Operation::get("/conferences/{id}/restriction-register", "listRestrictions", "The restriction register: every document that is or was restricted, with reason, justification, who decided and review date (never content).", register)
            .pages::<Document>("Register entries, by document id")
            .problems(&["not_found"]),
        Operation::get("/conferences/{id}/delegations", "listDelegations", "The delegations to a conference.", delegations)
            .pages::<Delegation>("Delegations, by id")
            .problems(&["not_found"]),
        Operation::get("/conferences/{id}/reporting", "listReportingDuties", "The reports groups owe, and whether they are overdue.", reporting)
            .pages::<ReportingStatus>("Reporting duties, by group id")
            .problems(&["not_found"]),
        Operation::get("/documents/{id}", "getDocument", "One document, as the reader may see it.", document)
            .returns::<Document>(200, "The document")
            .problems(&["not_found"]),
        Operation::get("/groups/{id}", "getGroup", "One group.", group)
            .returns::<Group>(200, "The group")
            .problems(&["not_found"]),
        Operation::get("/groups/{id}/rights", "getRightsMatrix", "The rights matrix of a group: each participant category's rights there.", group_rights)
            .pages::<RightsRow>("One row per participant category")
            .problems(&["not_found"]),
        Operation::get("/events", "listEvents", "The public log, in seq order: every event's place and hashes; its payload when the reader may see it.", events)
            .tag("log")
            .pages_the_log::<EventView>("Events"),
        Operation::get("/events/live", "streamEvents", "Server-sent events: every event recorded from now on, as the reader may see it.", live)
            .tag("log")
            .returns_nothing(200, "A text/event-stream of events (id: seq, event: kind, data: the event as in /events)"),
        Operation::get("/chain/head", "getChainHead", "The head of the chain: the last seq and hash.", head)
            .tag("log")
            .returns::<Head>(200, "The head"),
        Operation::get("/revisions/{id}/record", "getRevisionRecord", "The record behind a revision: the imported document's record, its vote and its translations.", revision_record)
            .returns::<plenary_app::import::RevisionRecordView>(200, "The revision's record")
            .problems(&["not_found"]),
        Operation::post("/documents/{id}/versions/{language}/file", "uploadFile", "Uploads the file of a language version (secretariat). Its type is recognized from its bytes; it is stored under its SHA-256 and recorded on the log.", upload_file)
            .tag("record")
            .writes()
            .file_body(FILE_MEDIA_TYPES)
            .returns::<FileRef>(201, "The stored file")
            .problems(&["not_found", "invalid_field"]),
        Operation::get("/documents/{id}/versions/{language}/file", "downloadFile", "The file of a language version, when the reader may read the document's content.", download_file)
            .returns_file(FILE_MEDIA_TYPES, "The file")
            .problems(&["not_found", "invalid_field"]),
        Operation::post("/commands", "executeCommand", "Carries out one command; answers the events it recorded.", command)
            .tag("commands")
            .writes()
            .json_body::<Command>()
            .returns::<Vec<EventView>>(201, "The recorded events")
            .problems(&["invalid_field", "not_found", "already_exists"]),
    ]
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

/// The query of a list: `limit` and `cursor`.
#[derive(Debug, Default)]
pub(crate) struct ListQuery {
    limit: u32,
    cursor: Option<String>,
    after: i64,
}

/// The default page size of every list.
pub(crate) const DEFAULT_PAGE: u32 = 100;
/// The largest page one request returns.
pub(crate) const MAX_PAGE: u32 = 1000;

/// Reads a list's query, naming the parameter at fault: `allowed` are the parameters the
/// list takes (`limit` and `cursor`, or `after` and `limit` for the log).
fn list_query(raw: Option<&str>, allowed: &[&str]) -> Result<ListQuery, Problem> {
    let mut q = ListQuery {
        limit: DEFAULT_PAGE,
        ..ListQuery::default()
    };
    let pairs: Vec<(String, String)> = match raw {
        Some(raw) => serde_urlencoded_pairs(raw)?,
        None => Vec::new(),
    };
    for (name, value) in pairs {
        if !allowed.contains(&name.as_str()) {
            let mut p = Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                "Invalid query",
                format!(
                    "unknown parameter '{name}': this list takes {}",
                    allowed.join(", ")
                ),
            );
            p.field = Some(name);
            return Err(p);
        }
        match name.as_str() {
            "limit" => {
                q.limit = value
                    .parse()
                    .ok()
                    .filter(|l| (1..=MAX_PAGE).contains(l))
                    .ok_or_else(|| {
                        invalid(
                            "limit",
                            &format!("must be a whole number from 1 to {MAX_PAGE}"),
                        )
                    })?;
            }
            "after" => {
                q.after = value
                    .parse()
                    .ok()
                    .filter(|a| *a >= 0)
                    .ok_or_else(|| invalid("after", "must be 0 or a seq of the log"))?;
            }
            _ => q.cursor = Some(value),
        }
    }
    Ok(q)
}

fn serde_urlencoded_pairs(raw: &str) -> Result<Vec<(String, String)>, Problem> {
    let uri = format!("/?{raw}")
        .parse()
        .map_err(|_| Problem::invalid_query("the query string is not valid"))?;
    let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map_err(|e| Problem::invalid_query(e.body_text()))?;
    Ok(pairs)
}

/// A cursor is the hex of the last item's key: opaque to clients, stable for us.
fn encode_cursor(key: &str) -> String {
    hex::encode(key)
}

fn decode_cursor(cursor: &str) -> Option<String> {
    String::from_utf8(hex::decode(cursor).ok()?).ok()
}

/// One page of `items` (kept in their order): those after the cursor's item, at most
/// `limit`, with an RFC 8288 `Link` to the next page when there is more.
pub(crate) fn page<T: serde::Serialize>(
    items: &[T],
    key: impl Fn(&T) -> String,
    uri: &Uri,
) -> Result<Response, Problem> {
    let q = list_query(uri.query(), &["limit", "cursor"])?;
    let start = match &q.cursor {
        None => 0,
        Some(c) => {
            let wanted = decode_cursor(c);
            wanted
                .and_then(|k| items.iter().position(|i| key(i) == k))
                .ok_or_else(|| {
                    invalid("cursor", "is not a cursor of this list: use the next link")
                })?
                + 1
        }
    };
    let limit = q.limit as usize;
    let shown: Vec<&T> = items.iter().skip(start).take(limit).collect();
    let mut res = Json(&shown).into_response();
    if start + limit < items.len()
        && let Some(last) = shown.last()
    {
        link_next(
            &mut res,
            uri,
            &format!("limit={limit}&cursor={}", encode_cursor(&key(last))),
        );
    }
    Ok(res)
}

/// Names the next page (`query` on the same path) in an RFC 8288 `Link` header.
fn link_next(res: &mut Response, uri: &Uri, query: &str) {
    let next = format!(
        "<{}{}?{query}>; rel=\"next\"",
        crate::openapi::PREFIX,
        uri.path()
    );
    if let Ok(v) = HeaderValue::from_str(&next) {
        res.headers_mut().insert(header::LINK, v);
    }
}

async fn conferences(
    State(s): State<WebState>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    page(&s.app.conferences(&who).await?, |c| c.id.to_string(), &uri)
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
    uri: Uri,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    page(&s.app.groups(&who, &id).await?, |g| g.id.to_string(), &uri)
}

async fn members(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    page(&s.app.members(&who, &id).await?, |m| m.id.to_string(), &uri)
}

async fn instruments(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    page(
        &s.app.instruments(&who, &id).await?,
        |i| i.id.to_string(),
        &uri,
    )
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
    uri: Uri,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    page(&s.app.documents(&who, &id).await?, |d| d.id.clone(), &uri)
}

async fn register(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    page(
        &s.app.restriction_register(&id).await?,
        |d| d.id.clone(),
        &uri,
    )
}

async fn delegations(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    page(
        &s.app.delegations(&who, &id).await?,
        |d| d.id.to_string(),
        &uri,
    )
}

async fn reporting(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    existing_conference(&s, &who, &id).await?;
    page(
        &s.app.reporting_duties(&who, &id).await?,
        |r| r.group.to_string(),
        &uri,
    )
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
    uri: Uri,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    page(
        &s.app.rights_matrix(&who, &id).await?,
        |r| format!("{:?}", r.category),
        &uri,
    )
}

async fn events(
    State(s): State<WebState>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    let q = list_query(uri.query(), &["after", "limit"])?;
    let events = s.app.events(&who, q.after, q.limit).await?;
    let head = s.app.head().await?;
    let mut res = Json(&events).into_response();
    if let Some(last) = events.last()
        && last.seq < head.seq
    {
        link_next(
            &mut res,
            &uri,
            &format!("after={}&limit={}", last.seq, q.limit),
        );
    }
    Ok(res)
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
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let who = writer(&s, &headers).await?;
    let body = body?;
    let command: Command = crate::session::json_body(&headers, &body)?;
    let events = s.app.execute(&who, command).await?;
    let mut views = Vec::with_capacity(events.len());
    for e in &events {
        views.push(s.app.event_view(&who, e).await?);
    }
    Ok((StatusCode::CREATED, Json(views)).into_response())
}

fn language(code: &str) -> Result<Language, Problem> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).map_err(|_| {
        invalid(
            "language",
            "must be one of the official language codes ar, zh, en, fr, ru, es",
        )
    })
}

/// Stores the body as the file of a language version.
async fn upload_file(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, lang)): Path<(String, String)>,
    body: axum::body::Body,
) -> Result<Response, Problem> {
    let who = writer(&s, &headers).await?;
    let language = language(&lang)?;
    let limit = s
        .config
        .max_file_bytes
        .unwrap_or(crate::DEFAULT_MAX_FILE_BYTES);
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "Payload too large",
            format!("the file is over the limit of {limit} bytes"),
        )
    })?;
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|v| v != "application/octet-stream" && !v.is_empty());
    match s
        .app
        .attach_file(&who, &id, language, declared.as_deref(), bytes.to_vec())
        .await
    {
        Ok(file) => Ok((StatusCode::CREATED, Json(file)).into_response()),
        Err(UploadError::UnsupportedType(detail)) => Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_file_type",
            "Unsupported file type",
            detail,
        )),
        Err(UploadError::App(e)) => Err(e.into()),
    }
}

/// The file of a language version, as an attachment that browsers will not run.
async fn download_file(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, lang)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    let language = language(&lang)?;
    let Some((file, bytes)) = s.app.file(&who, &id, language).await? else {
        return Err(Problem::not_found(&format!(
            "file of document '{id}' in '{lang}' that you may read"
        )));
    };
    let disposition = format!("attachment; filename=\"{}-{lang}\"", id);
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&file.media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox"),
    );
    Ok(res)
}
