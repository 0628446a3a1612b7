//! Search: `GET /api/v1/search` (JSON, or CSV with `format=csv` or `Accept: text/csv`)
//! and the search page `/search`. Both parse the same parameters and call
//! `App::search`, which passes the reader's access to the database.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use plenary_app::SearchRequest;
use plenary_domain::DomainError;
use plenary_domain::search::{Filters, LANGUAGES, MAX_LIMIT, SearchHit, SearchResults, Status};

use crate::api::reader;
use crate::pages::{Chrome, visitor};
use crate::{Problem, WebState};

/// Hits per page unless `limit` says otherwise (an export takes [`MAX_LIMIT`]).
const PAGE: u32 = 20;

pub(crate) fn routes() -> Router<WebState> {
    Router::new().route("/search", get(page))
}

/// `GET /api/v1/search`, in the API's route table.
pub(crate) fn operations() -> Vec<crate::openapi::Operation> {
    use serde_json::json;
    let text = json!({ "type": "string" });
    let day = json!({ "type": "string", "format": "date" });
    vec![
        crate::openapi::Operation::get(
            "/search",
            "search",
            "Full-text search of every text the reader may read (docs/search.md): words, \"phrases\", prefix*, OR, -not; hits with the typed words together first, then newest first; facets over all hits; JSON, or CSV with format=csv or Accept: text/csv.",
            api,
        )
        .tag("search")
        .query("q", "The query.", text.clone())
        .query("conference", "Only this conference.", text.clone())
        .query("group", "Only this group.", text.clone())
        .query("kind", "Only this kind of entry.", text.clone())
        .query("sponsor", "Only texts this member sponsors.", text.clone())
        .query("language", "Only this language (ar, zh, en, fr, ru, es, de).", text.clone())
        .query("status", "Only adopted, open_bracket or withdrawn text.", text.clone())
        .query("from", "From this day.", day.clone())
        .query("to", "Up to this day.", day)
        .query("limit", "Hits per page.", json!({ "type": "integer", "minimum": 1 }))
        .query("offset", "Hits to skip.", json!({ "type": "integer", "minimum": 0 }))
        .query("format", "csv for a CSV export.", json!({ "enum": ["json", "csv"] }))
        .query(
            "facets",
            "false to leave out the facet counts (faster); JSON counts them by default, CSV never.",
            json!({ "type": "boolean" }),
        )
        .returns::<SearchResults>(200, "Hits (each with a link), the total and the facets")
        .problems(&["invalid_field"]),
    ]
}

/// The query parameters, as given.
type Params = Vec<(String, String)>;

fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

fn number(params: &Params, name: &str, default: u32) -> Result<u32, DomainError> {
    param(params, name).map_or(Ok(default), |v| {
        v.parse()
            .map_err(|_| DomainError::invalid(name, "must be a whole number"))
    })
}

fn day(params: &Params, name: &str) -> Result<Option<time::Date>, DomainError> {
    param(params, name)
        .map(|v| {
            time::Date::parse(v, time::macros::format_description!("[year]-[month]-[day]"))
                .map_err(|_| DomainError::invalid(name, "must be a date written YYYY-MM-DD"))
        })
        .transpose()
}

fn flag(params: &Params, name: &str, default: bool) -> Result<bool, DomainError> {
    match param(params, name) {
        None => Ok(default),
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(_) => Err(DomainError::invalid(name, "must be true or false")),
    }
}

/// Reads a search from query parameters; every bad value is refused naming its field.
/// Facets are counted unless `facets=false` (`default_facets` for an export: none).
fn request(
    params: &Params,
    default_limit: u32,
    default_facets: bool,
) -> Result<SearchRequest, DomainError> {
    let language = param(params, "language")
        .map(|v| {
            if LANGUAGES.contains(&v) {
                Ok(v.to_owned())
            } else {
                Err(DomainError::invalid(
                    "language",
                    format!("must be one of {}", LANGUAGES.join(", ")),
                ))
            }
        })
        .transpose()?;
    let status = param(params, "status")
        .map(|v| {
            Status::parse(v).ok_or_else(|| {
                DomainError::invalid("status", "must be one of adopted, open_bracket, withdrawn")
            })
        })
        .transpose()?;
    let text = |name: &str| param(params, name).map(str::to_owned);
    Ok(SearchRequest {
        q: param(params, "q").unwrap_or_default().to_owned(),
        filters: Filters {
            conference: text("conference"),
            group: text("group"),
            kind: text("kind"),
            sponsor: text("sponsor"),
            language,
            status,
            from: day(params, "from")?,
            to: day(params, "to")?,
        },
        limit: number(params, "limit", default_limit)?,
        offset: number(params, "offset", 0)?,
        facets: flag(params, "facets", default_facets)?,
    })
}

fn wants_csv(params: &Params, headers: &HeaderMap) -> bool {
    param(params, "format") == Some("csv")
        || headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/csv"))
}

/// Where a hit can be read: a provision on its revision (with its anchor), a document, a
/// draft, or the record of a revision (its translations and recorded vote).
fn link(hit: &SearchHit) -> String {
    let p = &hit.place;
    if let Some(record) = &p.record {
        return format!(
            "/api/v1/revisions/{record}/record{}",
            p.anchor
                .as_ref()
                .map(|a| format!("#{a}"))
                .unwrap_or_default()
        );
    }
    match (&p.revision, &p.document) {
        (Some(rev), _) => format!(
            "/api/v1/revisions/{rev}{}",
            p.anchor
                .as_ref()
                .map(|a| format!("#{a}"))
                .unwrap_or_default()
        ),
        (None, Some(doc)) => format!("/api/v1/documents/{doc}"),
        (None, None) => match &p.draft {
            Some(draft) => format!(
                "/api/v1/drafts/{draft}{}",
                p.anchor
                    .as_ref()
                    .map(|a| format!("#{a}"))
                    .unwrap_or_default()
            ),
            None => String::new(),
        },
    }
}

fn snippet_text(hit: &SearchHit) -> String {
    hit.snippet.iter().map(|p| p.text.as_str()).collect()
}

/// One CSV cell (RFC 4180). A cell that a spreadsheet would read as a formula (one that
/// begins with `=`, `+`, `-`, `@`, a tab or a carriage return) is opened by `'`, so that
/// opening an export never runs what a text says (OWASP, "CSV injection").
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The hits as CSV (RFC 4180), one row each, with a header.
fn csv(results: &SearchResults) -> String {
    let mut out = String::from(
        "id,kind,title,language,conference,group,date,status,sponsors,label,section,link,snippet\r\n",
    );
    for h in &results.hits {
        let row = [
            h.id.clone(),
            h.kind.clone(),
            h.title.clone(),
            h.language.clone(),
            h.conference.clone().unwrap_or_default(),
            h.group.clone().unwrap_or_default(),
            h.date.map(|d| d.to_string()).unwrap_or_default(),
            h.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            h.sponsors.join(" "),
            h.place.label.clone().unwrap_or_default(),
            h.place.section.clone().unwrap_or_default(),
            link(h),
            snippet_text(h),
        ];
        let cells: Vec<String> = row.iter().map(|c| csv_field(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

async fn api(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    let csv_wanted = wants_csv(&params, &headers);
    let default_limit = if csv_wanted { MAX_LIMIT } else { PAGE };
    let request = request(&params, default_limit, !csv_wanted)?;
    let results = s.app.search(&who, &request).await?;
    if csv_wanted {
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"plenary-search.csv\"",
                ),
            ],
            csv(&results),
        )
            .into_response());
    }
    let hits: Vec<serde_json::Value> = results
        .hits
        .iter()
        .map(|h| {
            let mut v = serde_json::to_value(h).unwrap_or_default();
            v["link"] = link(h).into();
            v
        })
        .collect();
    Ok(axum::Json(serde_json::json!({
        "total": results.total,
        "limit": request.limit,
        "offset": request.offset,
        "hits": hits,
        "facets": results.facets,
    }))
    .into_response())
}

// ---------------------------------------------------------------------------------------
// The page

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    params: Form,
    error: Option<String>,
    results: Option<PageResults>,
}

/// The form as filled in, to show it again.
#[derive(Default)]
struct Form {
    q: String,
    conference: String,
    group: String,
    kind: String,
    sponsor: String,
    language: String,
    status: String,
    from: String,
    to: String,
}

struct PageResults {
    total: u64,
    first: u64,
    last: u64,
    hits: Vec<PageHit>,
    facets: Vec<PageFacet>,
    previous: Option<String>,
    next: Option<String>,
    csv: String,
    json: String,
}

struct PageHit {
    hit: SearchHit,
    link: String,
    language: String,
    status: String,
}

struct PageFacet {
    label: &'static str,
    values: Vec<(String, u64, String, bool)>,
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn query_string(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl Form {
    fn of(params: &Params) -> Self {
        let get = |n: &str| param(params, n).unwrap_or_default().to_owned();
        Self {
            q: get("q"),
            conference: get("conference"),
            group: get("group"),
            kind: get("kind"),
            sponsor: get("sponsor"),
            language: get("language"),
            status: get("status"),
            from: get("from"),
            to: get("to"),
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.clone()),
            ("conference", self.conference.clone()),
            ("group", self.group.clone()),
            ("kind", self.kind.clone()),
            ("sponsor", self.sponsor.clone()),
            ("language", self.language.clone()),
            ("status", self.status.clone()),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
        ]
    }

    /// The query string of this search with one parameter set (or, when it already has
    /// that value, removed: a second click on a facet undoes it).
    fn with(&self, name: &str, value: &str) -> String {
        let mut pairs = self.pairs();
        for (k, v) in &mut pairs {
            if *k == name {
                *v = if v == value {
                    String::new()
                } else {
                    value.to_owned()
                };
            }
        }
        query_string(&pairs)
    }
}

const FACET_LABELS: [(&str, &str); 6] = [
    ("kind", "Kind"),
    ("status", "Status"),
    ("language", "Language"),
    ("sponsor", "Sponsor"),
    ("conference", "Conference"),
    ("group", "Group"),
];

fn page_results(form: &Form, request: &SearchRequest, r: SearchResults) -> PageResults {
    let facets = FACET_LABELS
        .iter()
        .filter_map(|(name, label)| {
            let facet = r.facets.iter().find(|f| f.name == *name)?;
            let chosen = form
                .pairs()
                .into_iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v)
                .unwrap_or_default();
            Some(PageFacet {
                label,
                values: facet
                    .values
                    .iter()
                    .map(|v| {
                        (
                            v.value.clone(),
                            v.count,
                            form.with(name, &v.value),
                            v.value == chosen,
                        )
                    })
                    .collect(),
            })
        })
        .filter(|f| !f.values.is_empty())
        .collect();
    let base = query_string(&form.pairs());
    let limit = request.limit;
    let at = |offset: u32| format!("/search?{base}&limit={limit}&offset={offset}");
    let shown = r.hits.len() as u64;
    let offset = u64::from(request.offset);
    PageResults {
        total: r.total,
        first: if shown == 0 { 0 } else { offset + 1 },
        last: offset + shown,
        previous: (request.offset > 0).then(|| at(request.offset.saturating_sub(request.limit))),
        next: (offset + shown < r.total).then(|| at(request.offset + request.limit)),
        csv: format!("/api/v1/search?{base}&format=csv"),
        json: format!("/api/v1/search?{base}"),
        facets,
        hits: r
            .hits
            .into_iter()
            .map(|hit| PageHit {
                link: link(&hit),
                language: hit.language.clone(),
                status: hit
                    .status
                    .map(|s| s.as_str().replace('_', " "))
                    .unwrap_or_default(),
                hit,
            })
            .collect(),
    }
}

async fn page(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Response {
    let who = match visitor(&s, &headers).await {
        Ok(v) => v,
        Err(response) => return response,
    };
    let mut page = SearchPage {
        chrome: who.chrome,
        params: Form::of(&params),
        error: None,
        results: None,
    };
    let who = who.actor;
    if page.params.q.is_empty() {
        return render(&page, StatusCode::OK);
    }
    let outcome = match request(&params, PAGE, true) {
        Ok(request) => s
            .app
            .search(&who, &request)
            .await
            .map(|r| (request, r))
            .map_err(Problem::from),
        Err(e) => Err(Problem::from(e)),
    };
    match outcome {
        Ok((request, r)) => {
            page.results = Some(page_results(&page.params, &request, r));
            render(&page, StatusCode::OK)
        }
        Err(p) => {
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::BAD_REQUEST);
            page.error = Some(p.detail);
            render(&page, status)
        }
    }
}

fn render(page: &SearchPage, status: StatusCode) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "search template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be rendered.",
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn a_csv_cell_that_looks_like_a_formula_is_opened_by_a_quote() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+1"), "'+1");
        assert_eq!(csv_field("-2"), "'-2");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("Resolution 102"), "Resolution 102");
    }
}
