//! Server-rendered pages. Readable without JavaScript; every page shares one layout
//! (`templates/base.html`: skip link, `lang`, the signed-in state) and every read goes
//! through the same use cases, and so the same access policy, as the JSON API.
//!
//! - `site`: home, conference, group.
//! - `documents`: document list, document, restriction register, the restrict and lift
//!   forms.
//! - `publish`: the secretariat's form to publish a document.
//! - `instruments`: an instrument's text with a provision anchor each, its revisions, and
//!   the redline between any two.
//! - `feeds`: Atom (RFC 4287) and iCalendar (RFC 5545).
//! - `negotiation`: proposals (and the delegate's form), drafts (and the chair's forms),
//!   reports, follow-ups.
//! - `forms`: sign-in and sign-out, and the CSRF check every page form passes.
// A page that cannot be shown returns the error page to send instead (`Result<_,
// Response>`); it is built at most once per request, so its size does not matter.
#![allow(clippy::result_large_err)]

mod documents;
mod feeds;
mod forms;
mod instruments;
mod negotiation;
mod publish;
mod record;
mod site;

use askama::Template;
use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use plenary_app::AppError;
use plenary_domain::DomainError;
use plenary_domain::access::{Actor, Role};
use plenary_domain::event::{Change, RecordedEvent};
use plenary_domain::model::{Conference, Group, MemberId};

use crate::WebState;
use crate::api::identify;

pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .merge(site::routes())
        .merge(documents::routes())
        .merge(instruments::routes())
        .merge(negotiation::routes())
        .merge(publish::routes())
        .merge(feeds::routes())
        .merge(forms::routes())
        .route("/static/plenary.css", get(stylesheet))
}

const STYLESHEET: &str = include_str!("../../static/plenary.css");

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}

/// What the layout shows of the visitor: whether signed in, as whom, and the CSRF token
/// that the forms of a signed-in page carry.
#[derive(Debug, Clone, Default)]
pub(crate) struct Chrome {
    /// The account id, when signed in.
    pub user: Option<String>,
    /// A short description of the roles held.
    pub roles: String,
    /// The session's CSRF token (cookie sessions only).
    pub csrf: Option<String>,
}

/// Who is reading a page.
pub(crate) struct Visitor {
    pub actor: Actor,
    pub chrome: Chrome,
}

/// Identifies the visitor of a page (anonymous, or by session cookie or token).
pub(crate) async fn visitor(s: &WebState, headers: &HeaderMap) -> Result<Visitor, Response> {
    let (actor, csrf) = identify(s, headers)
        .await
        .map_err(|_| error_page(StatusCode::UNAUTHORIZED, "The credentials are not valid."))?;
    let user = (actor.id != Actor::anonymous().id).then(|| actor.id.clone());
    let roles = actor
        .roles
        .iter()
        .map(|r| match r {
            Role::Secretariat => "secretariat".to_owned(),
            Role::Delegate { member } => format!("delegate of {member}"),
            Role::Chair { group } => format!("chair of {group}"),
            Role::Observer { member } => format!("observer for {member}"),
            Role::Public => "public".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Visitor {
        chrome: Chrome { user, roles, csrf },
        actor,
    })
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    message: String,
}

/// Renders a template into an HTML response (a 500 page when the template fails).
pub(crate) fn render(t: &impl Template) -> Response {
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

/// An error page with a status.
pub(crate) fn error_page(status: StatusCode, message: &str) -> Response {
    let page = ErrorPage {
        chrome: Chrome::default(),
        status: status.as_u16(),
        message: message.into(),
    };
    let html = page.render().unwrap_or_else(|_| message.to_owned());
    (status, Html(html)).into_response()
}

/// A 404 page naming what was asked for.
pub(crate) fn not_found(what: &str) -> Response {
    error_page(StatusCode::NOT_FOUND, &format!("There is no such {what}."))
}

/// Turns a failed read into an error page: unknown ids are 404, the rest 503 (logged).
pub(crate) trait OrPage<T> {
    fn or_page(self, page: &str) -> Result<T, Response>;
}

impl<T> OrPage<T> for Result<T, AppError> {
    fn or_page(self, page: &str) -> Result<T, Response> {
        self.map_err(|e| failed(e, page))
    }
}

/// The error page for a failed use case: unknown ids are 404, the rest 503 (logged).
pub(crate) fn failed(e: AppError, page: &str) -> Response {
    match e {
        AppError::Domain(DomainError::NotFound { kind, .. }) => not_found(&kind),
        other => {
            tracing::error!(error = %other, page, "page read failed");
            error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "The record is unavailable right now.",
            )
        }
    }
}

/// The snake_case name of a serialized unit enum value (a kind, a language code).
pub(crate) fn wire_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// A wire name made readable: `safety_and_security` → `safety and security`.
pub(crate) fn words<T: serde::Serialize>(value: &T) -> String {
    wire_name(value).replace('_', " ")
}

/// A refused value, shown next to the field it belongs to (`form`: above the form).
pub(crate) struct FieldError {
    pub field: &'static str,
    pub message: String,
}

/// The message for a field, if one was refused.
pub(crate) fn error_for<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}

/// A command refused by the domain, for its form: a broken rule goes next to the field it
/// names (`field_of` maps the domain's field to the form's), a refusal without a field
/// (not allowed, not found, already there) goes to `fallback`; a failure of the platform
/// is an error page. The status is 403 for what the visitor may not do, 422 otherwise.
pub(crate) fn refusal(
    e: AppError,
    field_of: impl Fn(&str) -> &'static str,
    fallback: &'static str,
) -> Result<(StatusCode, FieldError), Response> {
    match e {
        AppError::Domain(DomainError::InvalidField { field, rule }) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldError {
                field: field_of(&field),
                message: rule,
            },
        )),
        AppError::Domain(DomainError::Forbidden { reason }) => Ok((
            StatusCode::FORBIDDEN,
            FieldError {
                field: fallback,
                message: reason,
            },
        )),
        AppError::Domain(
            e @ (DomainError::NotFound { .. } | DomainError::AlreadyExists { .. }),
        ) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldError {
                field: fallback,
                message: e.to_string(),
            },
        )),
        other => Err(failed(other, "form")),
    }
}

/// A conference by id, or the 404 page.
pub(crate) async fn conference_of(
    s: &WebState,
    who: &Actor,
    id: &str,
) -> Result<Conference, Response> {
    s.app
        .conference(who, id)
        .await
        .or_page("conference")?
        .ok_or_else(|| not_found("conference"))
}

/// A group by id, or the 404 page.
pub(crate) async fn group_of(s: &WebState, who: &Actor, id: &str) -> Result<Group, Response> {
    s.app
        .group(who, id)
        .await
        .or_page("group")?
        .ok_or_else(|| not_found("group"))
}

/// Reads a form's sponsors: member codes separated by commas or spaces (`BRA, ARG`).
pub(crate) fn parse_sponsors(text: &str) -> Result<Vec<MemberId>, FieldError> {
    text.split([',', ' '])
        .filter(|p| !p.trim().is_empty())
        .map(|p| MemberId::new(&p.trim().to_lowercase()))
        .collect::<Result<_, _>>()
        .map_err(|_| FieldError {
            field: "sponsors",
            message: "list member codes separated by commas, e.g. BRA, ARG".into(),
        })
}

/// After a form recorded its command: to the page of what it made (found in the events by
/// `made`), or to `fallback`.
pub(crate) fn to_created(
    events: &[RecordedEvent],
    made: impl Fn(Change) -> Option<String>,
    fallback: String,
) -> Response {
    let to = events
        .iter()
        .find_map(|e| e.change().ok().and_then(&made))
        .unwrap_or(fallback);
    Redirect::to(&to).into_response()
}

/// The body of a response as sent, so that both outcomes of a handler read as one type.
pub(crate) type Page = Result<Response, Response>;

/// Collapses a page result.
pub(crate) fn page(result: Page) -> Response {
    result.unwrap_or_else(|e| e)
}
