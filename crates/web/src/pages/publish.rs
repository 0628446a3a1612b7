//! The secretariat publishes a document: it is numbered in its series and is public from
//! that moment, unless a restriction from the fixed list is decided with it (that is the
//! restrict form's work, on the document's page).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use plenary_domain::access::Actor;
use plenary_domain::command::Command;
use plenary_domain::documents::{LanguageVersion, Relation, Series, Submission};
use plenary_domain::event::Change;
use plenary_domain::model::{Conference, ConferenceId, Group, GroupId, Language};
use serde::Deserialize;

use super::conference_of;
use super::documents::{KINDS, language_name, parse_kind};
use super::forms::check_csrf;
use super::{
    Chrome, FieldError, OrPage, error_for, error_page, page, parse_sponsors, refusal, render,
    to_created, visitor, wire_name, words,
};
use crate::WebState;

pub(super) fn routes() -> Router<WebState> {
    Router::new().route(
        "/conferences/{id}/documents/new",
        get(publish_form).post(publish),
    )
}

const SERIES: [(Series, &str); 3] = [
    (
        Series::Main,
        "Main documents (contributions, reports, outputs)",
    ),
    (Series::Temporary, "Temporary documents (DT)"),
    (Series::Administrative, "Administrative documents (ADM)"),
];

/// The form's fields, as posted (and shown again after a refusal).
#[derive(Debug, Default, Deserialize)]
pub(super) struct PublishForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    series: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    sponsors: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    relation: String,
    #[serde(default)]
    of: String,
}

#[derive(Template)]
#[template(path = "publish.html")]
struct PublishPage {
    chrome: Chrome,
    conference: Conference,
    groups: Vec<Group>,
    series: Vec<(String, &'static str)>,
    kinds: Vec<(String, String)>,
    languages: Vec<(String, &'static str)>,
    form: PublishForm,
    errors: Vec<FieldError>,
}

impl PublishPage {
    fn error(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

async fn publish_page(
    s: &WebState,
    who: &Actor,
    chrome: Chrome,
    conference: &str,
    form: PublishForm,
    errors: Vec<FieldError>,
) -> Result<PublishPage, Response> {
    let conference = conference_of(s, who, conference).await?;
    let groups = s
        .app
        .groups(who, conference.id.as_str())
        .await
        .or_page("publish")?;
    Ok(PublishPage {
        chrome,
        groups,
        series: SERIES.iter().map(|(s, l)| (wire_name(s), *l)).collect(),
        kinds: KINDS.iter().map(|k| (wire_name(k), words(k))).collect(),
        languages: Language::ALL
            .iter()
            .map(|l| (wire_name(l), language_name(*l)))
            .collect(),
        conference,
        form,
        errors,
    })
}

async fn publish_form(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            if !v.actor.is_secretariat() {
                return Err(error_page(
                    StatusCode::FORBIDDEN,
                    "Only the secretariat publishes documents: sign in as secretariat staff.",
                ));
            }
            let form = PublishForm {
                series: "main".into(),
                language: "en".into(),
                ..PublishForm::default()
            };
            let page = publish_page(&s, &v.actor, v.chrome, &id, form, Vec::new()).await?;
            Ok(render(&page))
        }
        .await,
    )
}

/// Where a refusal of the domain shows on the form.
fn publish_field(field: &str) -> &'static str {
    match field.rsplit('.').next().unwrap_or(field) {
        "series" => "series",
        "kind" => "kind",
        "title" => "title",
        "group" => "group",
        "sponsors" | "sponsor" => "sponsors",
        "language" => "language",
        "text" | "versions" => "text",
        "relation" | "of" => "of",
        _ => "form",
    }
}

/// Reads the form into a submission, naming every field that is wrong.
fn submission(conference: &str, form: &PublishForm) -> Result<Submission, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut refuse = |field: &'static str, message: &str| {
        errors.push(FieldError {
            field,
            message: message.to_owned(),
        });
    };
    let series = SERIES
        .iter()
        .map(|(s, _)| *s)
        .find(|s| wire_name(s) == form.series);
    if series.is_none() {
        refuse("series", "choose a series from the list");
    }
    let kind = parse_kind(&form.kind);
    if kind.is_none() {
        refuse("kind", "choose a kind from the list");
    }
    let group = if form.group.is_empty() {
        None
    } else {
        let g = GroupId::new(&form.group).ok();
        if g.is_none() {
            refuse("group", "choose a group from the list, or the conference");
        }
        g
    };
    let sponsors = parse_sponsors(&form.sponsors).unwrap_or_else(|e| {
        refuse(e.field, &e.message);
        Vec::new()
    });
    let language = Language::ALL
        .into_iter()
        .find(|l| wire_name(l) == form.language);
    if language.is_none() {
        refuse("language", "choose a language from the list");
    }
    let text = form.text.replace("\r\n", "\n");
    if text.trim().is_empty() {
        refuse("text", "a document needs its text");
    }
    let of = form.of.trim().to_owned();
    let relation = match form.relation.as_str() {
        "" => None,
        _ if of.is_empty() => {
            refuse(
                "of",
                "name the earlier document (its id, e.g. pp-14.main-12)",
            );
            None
        }
        "addendum" => Some(Relation::Addendum { of }),
        "revision" => Some(Relation::Revision { of }),
        "corrigendum" => Some(Relation::Corrigendum { of }),
        _ => {
            refuse("of", "choose addendum, revision or corrigendum");
            None
        }
    };
    let conference = ConferenceId::new(conference).ok();
    match (conference, series, kind, language) {
        (Some(conference), Some(series), Some(kind), Some(language)) if errors.is_empty() => {
            Ok(Submission {
                conference,
                series,
                kind,
                title: form.title.trim().to_owned(),
                sponsors,
                group,
                relation,
                versions: vec![LanguageVersion {
                    language,
                    text: Some(text),
                    file: None,
                }],
                restriction: None,
            })
        }
        _ => Err(errors),
    }
}

async fn publish(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<PublishForm>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            check_csrf(&v.chrome, &form.csrf)?;
            let errors = match submission(&id, &form) {
                Err(errors) => errors,
                Ok(submission) => {
                    match s
                        .app
                        .execute(&v.actor, Command::SubmitDocument(submission))
                        .await
                    {
                        Ok(events) => {
                            return Ok(to_created(
                                &events,
                                |c| match c {
                                    Change::DocumentSubmitted(d) => {
                                        Some(format!("/documents/{}", d.id))
                                    }
                                    _ => None,
                                },
                                format!("/conferences/{id}/documents"),
                            ));
                        }
                        Err(e) => {
                            let (status, refused) = refusal(e, publish_field, "form")?;
                            let page =
                                publish_page(&s, &v.actor, v.chrome, &id, form, vec![refused])
                                    .await?;
                            return Ok((status, render(&page)).into_response());
                        }
                    }
                }
            };
            let page = publish_page(&s, &v.actor, v.chrome, &id, form, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        .await,
    )
}
