//! Atom feeds (RFC 4287) of documents, per conference, group and document kind; and
//! iCalendar (RFC 5545) of meetings, per conference and group. Documents appear as the
//! reader may see them: a restricted one keeps its entry (symbol, register reason) but
//! never its content, and its title only when the restriction leaves it public.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use plenary_domain::access::Actor;
use plenary_domain::documents::Document;
use plenary_domain::meetings::Meeting;
use plenary_domain::model::{Conference, Group};
use time::OffsetDateTime;

use super::documents::{parse_kind, reason_words};
use super::{OrPage, Page, not_found, page, visitor, words};
use super::{conference_of, group_of};
use crate::WebState;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/conferences/{id}/feed.atom", get(conference_feed))
        .route("/conferences/{id}/kinds/{kind}/feed.atom", get(kind_feed))
        .route("/groups/{id}/feed.atom", get(group_feed))
        .route("/conferences/{id}/meetings.ics", get(conference_calendar))
        .route("/groups/{id}/meetings.ics", get(group_calendar))
}

/// Entries per feed: the latest documents.
const FEED_ENTRIES: usize = 50;

/// The site's address as the client asked for it, for the absolute IRIs Atom needs.
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

fn midnight(d: time::Date) -> String {
    format!("{d}T00:00:00Z")
}

struct Entry {
    id: String,
    title: String,
    updated: String,
    kind: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "feed.xml")]
struct Feed {
    base: String,
    path: String,
    alternate: String,
    title: String,
    subtitle: String,
    author: String,
    updated: String,
    entries: Vec<Entry>,
}

fn entry(d: &Document, base: &str, today: time::Date) -> Entry {
    let mut updated = d.submitted_on;
    for r in d.restriction.iter().chain(&d.restriction_history) {
        updated = updated.max(r.decided_on);
    }
    if let Some(on) = d.declassified_on {
        updated = updated.max(on);
    }
    let mut summary = format!("{} {}", words(&d.kind), d.symbol);
    if !d.sponsors.is_empty() {
        let sponsors: Vec<String> = d
            .sponsors
            .iter()
            .map(|m| m.as_str().to_uppercase())
            .collect();
        summary += &format!(", submitted by {}", sponsors.join(", "));
    }
    summary += &format!(" on {}.", d.submitted_on);
    if let Some(r) = d.restriction.as_ref().filter(|r| r.holds_on(today)) {
        summary += &format!(
            " Restricted: {}; to be reviewed on {}. See the restriction register.",
            reason_words(&r.reason),
            r.review_on
        );
    }
    Entry {
        id: format!("{base}/documents/{}", d.id),
        title: format!("{}: {}", d.symbol, d.title),
        updated: midnight(updated),
        kind: super::wire_name(&d.kind),
        summary,
    }
}

fn atom(feed: &Feed) -> Response {
    match feed.render() {
        Ok(xml) => (
            [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
            xml,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "feed failed");
            super::error_page(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "The feed could not be rendered.",
            )
        }
    }
}

/// Builds a feed of a conference's documents that pass `keep`.
#[allow(clippy::too_many_arguments)]
async fn documents_feed(
    s: &WebState,
    headers: &HeaderMap,
    who: &Actor,
    conference: &Conference,
    path: String,
    alternate: String,
    title: String,
    keep: impl Fn(&Document) -> bool,
) -> Page {
    let base = base_url(headers);
    let today = time::OffsetDateTime::now_utc().date();
    let mut docs: Vec<Document> = s
        .app
        .documents(who, conference.id.as_str())
        .await
        .or_page("feed")?
        .into_iter()
        .filter(|d| keep(d))
        .collect();
    docs.sort_by(|a, b| b.submitted_on.cmp(&a.submitted_on).then(b.id.cmp(&a.id)));
    docs.truncate(FEED_ENTRIES);
    let entries: Vec<Entry> = docs.iter().map(|d| entry(d, &base, today)).collect();
    let updated = entries
        .iter()
        .map(|e| e.updated.clone())
        .max()
        .unwrap_or_else(|| midnight(conference.opens_on));
    Ok(atom(&Feed {
        subtitle: format!(
            "Documents of the {} ({}, {}), newest first",
            conference.name, conference.city, conference.country
        ),
        author: format!("Secretariat of {}", conference.short_name),
        base,
        path,
        alternate,
        title,
        updated,
        entries,
    }))
}

async fn conference_feed(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let c = conference_of(&s, &v.actor, &id).await?;
            let title = format!("{}: documents", c.short_name);
            documents_feed(
                &s,
                &headers,
                &v.actor,
                &c,
                format!("/conferences/{id}/feed.atom"),
                format!("/conferences/{id}/documents"),
                title,
                |_| true,
            )
            .await
        }
        .await,
    )
}

async fn kind_feed(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, kind)): Path<(String, String)>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let c = conference_of(&s, &v.actor, &id).await?;
            let Some(k) = parse_kind(&kind) else {
                return Err(not_found("kind of document"));
            };
            let title = format!("{}: {} documents", c.short_name, words(&k));
            documents_feed(
                &s,
                &headers,
                &v.actor,
                &c,
                format!("/conferences/{id}/kinds/{kind}/feed.atom"),
                format!("/conferences/{id}/documents?kind={kind}"),
                title,
                |d| d.kind == k,
            )
            .await
        }
        .await,
    )
}

async fn group_feed(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let g = group_of(&s, &v.actor, &id).await?;
            let c = conference_of(&s, &v.actor, g.conference.as_str()).await?;
            let title = format!("{}: documents of {}", c.short_name, g.name);
            documents_feed(
                &s,
                &headers,
                &v.actor,
                &c,
                format!("/groups/{id}/feed.atom"),
                format!("/groups/{id}"),
                title,
                |d| d.group.as_ref() == Some(&g.id),
            )
            .await
        }
        .await,
    )
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a character (RFC 5545 §3.1).
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn utc_stamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn calendar(name: &str, base: &str, meetings: &[Meeting], groups: &[Group]) -> Response {
    // DTSTAMP changes with the day only, like the pages' ETags.
    let stamp = format!(
        "{}T000000Z",
        OffsetDateTime::now_utc()
            .date()
            .to_string()
            .replace('-', "")
    );
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Plenary//Meetings//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        fold(line, &mut out);
    }
    fold(&format!("X-WR-CALNAME:{}", ics_text(name)), &mut out);
    for m in meetings {
        let group = groups
            .iter()
            .find(|g| g.id == m.group)
            .map_or_else(|| m.group.to_string(), |g| g.name.clone());
        let agenda = m
            .agenda
            .iter()
            .enumerate()
            .map(|(i, a)| format!("{}. {a}", i + 1))
            .collect::<Vec<_>>()
            .join("\n");
        fold("BEGIN:VEVENT", &mut out);
        fold(&format!("UID:{}@plenary", m.id), &mut out);
        fold(&format!("DTSTAMP:{stamp}"), &mut out);
        fold(&format!("DTSTART:{}", utc_stamp(m.starts_at)), &mut out);
        fold(&format!("DTEND:{}", utc_stamp(m.ends_at)), &mut out);
        fold(
            &format!("SUMMARY:{}", ics_text(&format!("{group}: {}", m.title))),
            &mut out,
        );
        fold(&format!("LOCATION:{}", ics_text(&m.room)), &mut out);
        fold(
            &format!("DESCRIPTION:{}", ics_text(&format!("Agenda:\n{agenda}"))),
            &mut out,
        );
        fold(&format!("URL:{base}/groups/{}", m.group), &mut out);
        fold("END:VEVENT", &mut out);
    }
    fold("END:VCALENDAR", &mut out);
    (
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        out,
    )
        .into_response()
}

async fn conference_calendar(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let c = conference_of(&s, &v.actor, &id).await?;
            let groups = s.app.groups(&v.actor, &id).await.or_page("calendar")?;
            let meetings = s.app.meetings(&v.actor, &id).await.or_page("calendar")?;
            let name = format!("{}: meetings", c.short_name);
            Ok(calendar(&name, &base_url(&headers), &meetings, &groups))
        }
        .await,
    )
}

async fn group_calendar(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let g = group_of(&s, &v.actor, &id).await?;
            let conf = g.conference.as_str();
            let meetings: Vec<Meeting> = s
                .app
                .meetings(&v.actor, conf)
                .await
                .or_page("calendar")?
                .into_iter()
                .filter(|m| m.group == g.id)
                .collect();
            let name = format!("{}: meetings", g.name);
            Ok(calendar(
                &name,
                &base_url(&headers),
                &meetings,
                std::slice::from_ref(&g),
            ))
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_calendar_lines_fold_without_splitting_a_character() {
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "é".repeat(60)), &mut out);
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{line:?}");
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "é".repeat(60)));
    }

    #[test]
    fn calendar_text_escapes_separators() {
        assert_eq!(ics_text("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }
}
