//! Server-rendered pages. Readable without JavaScript.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use plenary_domain::model::{Conference, Group, GroupVisibility};

use crate::WebState;
use crate::api::reader;

pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/", get(home))
        .route("/conferences/{id}", get(conference))
        .route("/static/plenary.css", get(stylesheet))
}

const STYLESHEET: &str = include_str!("../static/plenary.css");

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    conferences: Vec<Conference>,
}

#[derive(Template)]
#[template(path = "conference.html")]
struct ConferencePage {
    conference: Conference,
    groups: Vec<GroupRow>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    message: String,
}

struct GroupRow {
    overdue: bool,
    group: Group,
    depth: usize,
    parent_name: Option<String>,
    closed: bool,
}

fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be rendered.",
            )
        }
    }
}

fn error_page(status: StatusCode, message: &str) -> Response {
    let page = ErrorPage {
        status: status.as_u16(),
        message: message.into(),
    };
    let html = page.render().unwrap_or_else(|_| message.to_owned());
    (status, Html(html)).into_response()
}

async fn home(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let Ok(who) = reader(&s, &headers).await else {
        return error_page(StatusCode::UNAUTHORIZED, "The credentials are not valid.");
    };
    match s.app.conferences(&who).await {
        Ok(conferences) => render(&HomePage { conferences }),
        Err(e) => {
            tracing::error!(error = %e, "home page");
            error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "The record is unavailable right now.",
            )
        }
    }
}

async fn conference(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Ok(who) = reader(&s, &headers).await else {
        return error_page(StatusCode::UNAUTHORIZED, "The credentials are not valid.");
    };
    let found = match s.app.conference(&who, &id).await {
        Ok(found) => found,
        Err(e) => {
            tracing::error!(error = %e, "conference page");
            return error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "The record is unavailable right now.",
            );
        }
    };
    let Some(conference) = found else {
        return error_page(StatusCode::NOT_FOUND, "There is no such conference.");
    };
    let groups = match s.app.groups(&who, &id).await {
        Ok(g) => g,
        Err(e) => {
            tracing::error!(error = %e, "conference page");
            return error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "The record is unavailable right now.",
            );
        }
    };
    render(&ConferencePage {
        conference,
        groups: tree(groups),
    })
}

/// Orders groups as a tree (each parent before its children), with their depth.
fn tree(groups: Vec<Group>) -> Vec<GroupRow> {
    fn walk(all: &[Group], parent: Option<&str>, depth: usize, out: &mut Vec<GroupRow>) {
        for g in all
            .iter()
            .filter(|g| g.parent.as_ref().map(|p| p.as_str()) == parent)
        {
            let parent_name = g
                .parent
                .as_ref()
                .and_then(|p| all.iter().find(|x| &x.id == p))
                .map(|p| p.short_name.clone());
            let today = time::OffsetDateTime::now_utc().date();
            out.push(GroupRow {
                overdue: g.reporting.as_ref().is_some_and(|r| r.due_on < today),
                group: g.clone(),
                depth,
                parent_name,
                closed: g.visibility == GroupVisibility::Closed,
            });
            if depth < 16 {
                walk(all, Some(g.id.as_str()), depth + 1, out);
            }
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    walk(&groups, None, 0, &mut out);
    out
}
