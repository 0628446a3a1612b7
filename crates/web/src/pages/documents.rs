//! The document list (filters and paging), a document, the restriction register, and the
//! secretariat's form to restrict a document.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use plenary_domain::access::{Actor, can_read_document};
use plenary_domain::command::Command;
use plenary_domain::documents::{Document, DocumentKind, Relation, Restriction, RestrictionReason};
use plenary_domain::model::{Conference, Group, Language};
use serde::Deserialize;

use super::conference_of;
use super::forms::check_csrf;
use super::{
    Chrome, FieldError, OrPage, Page, error_for, not_found, page, refusal, render, visitor,
    wire_name, words,
};
use crate::WebState;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/conferences/{id}/documents", get(list))
        .route("/conferences/{id}/restrictions", get(register))
        .route("/documents/{id}", get(document))
        .route("/documents/{id}/restrict", post(restrict))
        .route("/documents/{id}/declassify", post(declassify))
}

/// Documents per page of the list.
pub(crate) const PAGE_SIZE: usize = 20;

pub(super) const KINDS: [DocumentKind; 7] = [
    DocumentKind::Contribution,
    DocumentKind::Temporary,
    DocumentKind::Information,
    DocumentKind::Draft,
    DocumentKind::Report,
    DocumentKind::Output,
    DocumentKind::Statement,
];

/// The kind named in a URL or form (`contribution`, `report`, …).
pub(super) fn parse_kind(name: &str) -> Option<DocumentKind> {
    KINDS.into_iter().find(|k| wire_name(k) == name)
}

/// The filters of the document list, as given in the query string.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ListQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    sponsor: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: String,
}

#[derive(Template)]
#[template(path = "documents.html")]
struct ListPage {
    chrome: Chrome,
    conference: Conference,
    groups: Vec<Group>,
    kinds: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    can_publish: bool,
    sponsors: Vec<String>,
    q: ListQuery,
    errors: Vec<FieldError>,
    documents: Vec<Document>,
    total: usize,
    page: usize,
    pages: usize,
    base_query: String,
}

impl ListPage {
    fn error(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }

    fn first_shown(&self) -> usize {
        if self.total == 0 {
            0
        } else {
            (self.page - 1) * PAGE_SIZE + 1
        }
    }

    fn last_shown(&self) -> usize {
        (self.page * PAGE_SIZE).min(self.total)
    }
}

pub(super) fn language_name(l: Language) -> &'static str {
    match l {
        Language::Arabic => "Arabic",
        Language::Chinese => "Chinese",
        Language::English => "English",
        Language::French => "French",
        Language::Russian => "Russian",
        Language::Spanish => "Spanish",
    }
}

fn parse_date(field: &'static str, value: &str) -> Result<Option<time::Date>, FieldError> {
    if value.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value, format)
        .map(Some)
        .map_err(|_| FieldError {
            field,
            message: format!("'{value}' is not a date: write it as YYYY-MM-DD"),
        })
}

async fn list(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    page(list_page(&s, &headers, &id, q).await)
}

async fn list_page(s: &WebState, headers: &HeaderMap, id: &str, q: ListQuery) -> Page {
    let v = visitor(s, headers).await?;
    let who = &v.actor;
    let conference = conference_of(s, who, id).await?;
    let groups = s.app.groups(who, id).await.or_page("documents")?;
    let all = s.app.documents(who, id).await.or_page("documents")?;
    let mut errors = Vec::new();
    let kind = match q.kind.as_str() {
        "" => None,
        k => {
            let found = parse_kind(k);
            if found.is_none() {
                errors.push(FieldError {
                    field: "kind",
                    message: format!("'{k}' is not a kind of document"),
                });
            }
            found
        }
    };
    let language = match q.language.as_str() {
        "" => None,
        l => {
            let found = Language::ALL.into_iter().find(|x| wire_name(x) == l);
            if found.is_none() {
                errors.push(FieldError {
                    field: "language",
                    message: format!("'{l}' is not one of the six languages"),
                });
            }
            found
        }
    };
    if !q.group.is_empty() && !groups.iter().any(|g| g.id.as_str() == q.group) {
        errors.push(FieldError {
            field: "group",
            message: format!("'{}' is not a group of this conference", q.group),
        });
    }
    let from = parse_date("from", &q.from).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let to = parse_date("to", &q.to).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let page_no = match q.page.as_str() {
        "" => 1,
        p => p
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1)
            .unwrap_or_else(|| {
                errors.push(FieldError {
                    field: "page",
                    message: format!("'{p}' is not a page number"),
                });
                1
            }),
    };
    let mut sponsors: Vec<String> = all
        .iter()
        .flat_map(|d| d.sponsors.iter().map(|m| m.to_string()))
        .collect();
    sponsors.sort();
    sponsors.dedup();
    let filtered: Vec<Document> = all
        .into_iter()
        .filter(|d| kind.is_none_or(|k| d.kind == k))
        .filter(|d| q.group.is_empty() || d.group.as_ref().is_some_and(|g| g.as_str() == q.group))
        .filter(|d| q.sponsor.is_empty() || d.sponsors.iter().any(|m| m.as_str() == q.sponsor))
        .filter(|d| language.is_none_or(|l| d.versions.iter().any(|v| v.language == l)))
        .filter(|d| from.is_none_or(|f| d.submitted_on >= f))
        .filter(|d| to.is_none_or(|t| d.submitted_on <= t))
        .collect();
    let total = filtered.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page_no = page_no.min(pages);
    let documents = filtered
        .into_iter()
        .skip((page_no - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    // Only values that passed the checks above go back into links.
    let mut base_query = String::new();
    for (key, value) in [
        ("kind", kind.map(|k| wire_name(&k))),
        (
            "group",
            (!q.group.is_empty() && errors.iter().all(|e| e.field != "group"))
                .then(|| q.group.clone()),
        ),
        (
            "sponsor",
            sponsors.iter().find(|s| **s == q.sponsor).cloned(),
        ),
        ("language", language.map(|l| wire_name(&l))),
        ("from", from.map(|d| d.to_string())),
        ("to", to.map(|d| d.to_string())),
    ] {
        if let Some(v) = value {
            base_query.push_str(&format!("{key}={v}&"));
        }
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let html = render(&ListPage {
        can_publish: v.actor.is_secretariat() && v.chrome.csrf.is_some(),
        chrome: v.chrome,
        groups,
        kinds: KINDS.iter().map(|k| (wire_name(k), words(k))).collect(),
        languages: Language::ALL
            .iter()
            .map(|l| (wire_name(l), language_name(*l).to_owned()))
            .collect(),
        sponsors,
        q,
        errors,
        documents,
        total,
        page: page_no,
        pages,
        base_query,
        conference,
    });
    Ok((status, html).into_response())
}

/// The restrict form's fields, as posted.
#[derive(Debug, Default, Deserialize)]
pub(super) struct RestrictForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    decided_by: String,
    #[serde(default)]
    review_on: String,
    #[serde(default)]
    title_restricted: Option<String>,
    /// Why a restriction is lifted early (the lift form).
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    chrome: Chrome,
    conference: Conference,
    document: Document,
    group_name: Option<String>,
    relation: Option<(String, String)>,
    related: Vec<Document>,
    withheld: bool,
    restricted_now: bool,
    can_restrict: bool,
    can_declassify: bool,
    reasons: Vec<(String, String)>,
    form: RestrictForm,
    errors: Vec<FieldError>,
}

impl DocumentPage {
    fn error(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }

    fn lang(&self, l: &Language) -> String {
        wire_name(l)
    }

    fn lang_name(&self, l: &Language) -> &'static str {
        language_name(*l)
    }

    /// A version whose text is an instrument in the notation (a proposal's amended text)
    /// is laid out as one, with its sections, paragraphs and footnotes.
    fn as_instrument(&self, text: &str) -> Option<super::instruments::TextView> {
        plenary_text::parse(text)
            .ok()
            .filter(|i| !i.sections.is_empty())
            .map(|i| super::instruments::text_view(&i, false))
    }

    fn paragraphs(&self, text: &str) -> Vec<String> {
        text.split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect()
    }
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

async fn document(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let page = document_page(
                &s,
                v.actor,
                v.chrome,
                &id,
                RestrictForm::default(),
                Vec::new(),
            )
            .await?;
            Ok(render(&page))
        }
        .await,
    )
}

async fn document_page(
    s: &WebState,
    who: Actor,
    chrome: Chrome,
    id: &str,
    form: RestrictForm,
    errors: Vec<FieldError>,
) -> Result<DocumentPage, Response> {
    let Some(document) = s.app.document(&who, id).await.or_page("document")? else {
        return Err(not_found("document"));
    };
    let conf = document.conference.as_str();
    let conference = conference_of(s, &who, conf).await?;
    let group_name = match &document.group {
        Some(g) => s
            .app
            .group(&who, g.as_str())
            .await
            .or_page("document")?
            .map(|g| g.name),
        None => None,
    };
    let relation = match &document.relation {
        Some(Relation::Addendum { of }) => Some(("Addendum to".to_owned(), of.clone())),
        Some(Relation::Revision { of }) => Some(("Revision of".to_owned(), of.clone())),
        Some(Relation::Corrigendum { of }) => Some(("Corrigendum to".to_owned(), of.clone())),
        None => None,
    };
    let mut related = Vec::new();
    for r in &document.related {
        if let Some(d) = s.app.document(&who, r).await.or_page("document")? {
            related.push(d);
        }
    }
    let today = today();
    let restricted_now = document.is_restricted_on(today);
    Ok(DocumentPage {
        withheld: !can_read_document(&who, &document, today),
        can_restrict: who.is_secretariat() && chrome.csrf.is_some() && !restricted_now,
        can_declassify: who.is_secretariat() && chrome.csrf.is_some() && restricted_now,
        restricted_now,
        reasons: RestrictionReason::ALL
            .iter()
            .map(|r| (wire_name(r), format!("{} ({})", words(r), r.describe())))
            .collect(),
        chrome,
        conference,
        document,
        group_name,
        relation,
        related,
        form,
        errors,
    })
}

/// Where a refusal's field shows on the form.
fn form_field(field: &str) -> &'static str {
    match field {
        "restriction.reason" | "reason" => "reason",
        "restriction.justification" => "justification",
        "restriction.decided_by" => "decided_by",
        "restriction.review_on" | "review_on" => "review_on",
        "note" => "note",
        "decided_by" => "decided_by",
        _ => "form",
    }
}

/// The secretariat lifts a restriction before its review date: the document becomes
/// public, and the register keeps the restriction with who lifted it and why.
async fn declassify(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<RestrictForm>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            check_csrf(&v.chrome, &form.csrf)?;
            let command = Command::DeclassifyDocument {
                document: id.clone(),
                decided_by: form.decided_by.trim().to_owned(),
                note: form.note.trim().to_owned(),
            };
            let (status, refused) = match s.app.execute(&v.actor, command).await {
                Ok(_) => return Ok(Redirect::to(&format!("/documents/{id}")).into_response()),
                Err(e) => refusal(e, form_field, "form")?,
            };
            let page = document_page(&s, v.actor, v.chrome, &id, form, vec![refused]).await?;
            Ok((status, render(&page)).into_response())
        }
        .await,
    )
}

async fn restrict(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<RestrictForm>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            check_csrf(&v.chrome, &form.csrf)?;
            let mut errors = Vec::new();
            let reason = RestrictionReason::ALL
                .into_iter()
                .find(|r| wire_name(r) == form.reason);
            if reason.is_none() {
                errors.push(FieldError {
                    field: "reason",
                    message: "choose one of the reasons in the list".into(),
                });
            }
            let review_on = match parse_date("review_on", &form.review_on) {
                Ok(Some(d)) => Some(d),
                Ok(None) => {
                    errors.push(FieldError {
                        field: "review_on",
                        message: "a restriction needs a review date".into(),
                    });
                    None
                }
                Err(e) => {
                    errors.push(e);
                    None
                }
            };
            if let (Some(reason), Some(review_on)) = (reason, review_on) {
                let command = Command::RestrictDocument {
                    document: id.clone(),
                    restriction: Restriction {
                        reason,
                        justification: form.justification.trim().to_owned(),
                        decided_by: form.decided_by.trim().to_owned(),
                        decided_on: today(),
                        review_on,
                        title_restricted: form.title_restricted.is_some(),
                    },
                };
                match s.app.execute(&v.actor, command).await {
                    Ok(_) => return Ok(Redirect::to(&format!("/documents/{id}")).into_response()),
                    Err(e) => {
                        let (status, refused) = refusal(e, form_field, "form")?;
                        errors.push(refused);
                        let page = document_page(&s, v.actor, v.chrome, &id, form, errors).await?;
                        return Ok((status, render(&page)).into_response());
                    }
                }
            }
            let page = document_page(&s, v.actor, v.chrome, &id, form, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        .await,
    )
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    chrome: Chrome,
    conference: Conference,
    entries: Vec<RegisterEntry>,
}

struct RegisterEntry {
    document: Document,
    restriction: Restriction,
    state: &'static str,
}

async fn register(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let conference = conference_of(&s, &v.actor, &id).await?;
            let today = today();
            let entries = s
                .app
                .restriction_register(&id)
                .await
                .or_page("register")?
                .into_iter()
                .filter_map(|d| {
                    let (restriction, state) = match &d.restriction {
                        Some(r) if r.holds_on(today) => (r.clone(), "in force"),
                        Some(r) => (r.clone(), "lapsed: review date reached"),
                        None => (d.restriction_history.last()?.clone(), "lifted"),
                    };
                    Some(RegisterEntry {
                        document: d,
                        restriction,
                        state,
                    })
                })
                .collect();
            Ok(render(&RegisterPage {
                chrome: v.chrome,
                conference,
                entries,
            }))
        }
        .await,
    )
}

/// A reason as the register writes it.
pub(super) fn reason_words(r: &RestrictionReason) -> String {
    format!("{} ({})", words(r), r.describe())
}

impl RegisterPage {
    fn reason(&self, r: &RestrictionReason) -> String {
        reason_words(r)
    }
}

impl DocumentPage {
    fn reason(&self, r: &RestrictionReason) -> String {
        reason_words(r)
    }
}
