//! Home, conference and group pages.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use plenary_app::{ReportingStatus, RightsRow};
use plenary_domain::documents::Document;
use plenary_domain::meetings::Meeting;
use plenary_domain::model::{Conference, Group, GroupVisibility, Instrument};
use plenary_domain::negotiation::GroupRecord;
use plenary_domain::rights::Right;

use super::{Chrome, OrPage, Page, page, render, visitor, words};
use super::{conference_of, group_of};
use crate::WebState;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/", get(home))
        .route("/conferences/{id}", get(conference))
        .route("/groups/{id}", get(group))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    conferences: Vec<Conference>,
}

#[derive(Template)]
#[template(path = "conference.html")]
struct ConferencePage {
    chrome: Chrome,
    conference: Conference,
    groups: Vec<GroupRow>,
    meetings: Vec<MeetingRow>,
    latest: Vec<Document>,
    duties: Vec<ReportingStatus>,
    instruments: Vec<Instrument>,
}

#[derive(Template)]
#[template(path = "group.html")]
struct GroupPage {
    chrome: Chrome,
    conference: Conference,
    group: Group,
    parent: Option<Group>,
    children: Vec<Group>,
    closed: bool,
    overdue: bool,
    rights: Vec<RightsLine>,
    meetings: Vec<MeetingRow>,
    documents: Vec<Document>,
    record: GroupRecord,
}

pub(super) struct GroupRow {
    overdue: bool,
    group: Group,
    depth: usize,
    parent_name: Option<String>,
    closed: bool,
}

/// A meeting as the schedule shows it: local times as the venue keeps them.
pub(super) struct MeetingRow {
    pub meeting: Meeting,
    pub group_name: String,
    pub day: String,
    pub hours: String,
    pub starts_iso: String,
}

pub(super) struct RightsLine {
    category: String,
    rights: Vec<(String, bool)>,
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

pub(super) fn meeting_rows(meetings: Vec<Meeting>, groups: &[Group]) -> Vec<MeetingRow> {
    meetings
        .into_iter()
        .map(|m| {
            let group_name = groups
                .iter()
                .find(|g| g.id == m.group)
                .map_or_else(|| m.group.to_string(), |g| g.short_name.clone());
            let hm = |t: time::OffsetDateTime| format!("{:02}:{:02}", t.hour(), t.minute());
            let offset = m.starts_at.offset();
            let zone = if offset.is_utc() {
                "UTC".to_owned()
            } else {
                format!(
                    "UTC{}{:02}:{:02}",
                    if offset.is_negative() { '−' } else { '+' },
                    offset.whole_hours().unsigned_abs(),
                    offset.minutes_past_hour().unsigned_abs()
                )
            };
            MeetingRow {
                group_name,
                day: format!(
                    "{} {} {}",
                    m.starts_at.weekday(),
                    m.starts_at.day(),
                    m.starts_at.month()
                ),
                hours: format!("{}–{} ({zone})", hm(m.starts_at), hm(m.ends_at)),
                starts_iso: m
                    .starts_at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
                meeting: m,
            }
        })
        .collect()
}

async fn home(State(s): State<WebState>, headers: HeaderMap) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let conferences = s.app.conferences(&v.actor).await.or_page("home")?;
            Ok(render(&HomePage {
                chrome: v.chrome,
                conferences,
            }))
        }
        .await,
    )
}

async fn conference(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    page(conference_page(&s, &headers, &id).await)
}

async fn conference_page(s: &WebState, headers: &HeaderMap, id: &str) -> Page {
    let v = visitor(s, headers).await?;
    let who = &v.actor;
    let conference = conference_of(s, who, id).await?;
    let groups = s.app.groups(who, id).await.or_page("conference")?;
    let meetings = s.app.meetings(who, id).await.or_page("conference")?;
    let mut latest = s.app.documents(who, id).await.or_page("conference")?;
    latest.sort_by(|a, b| b.submitted_on.cmp(&a.submitted_on).then(b.id.cmp(&a.id)));
    latest.truncate(5);
    let duties = s
        .app
        .reporting_duties(who, id)
        .await
        .or_page("conference")?;
    let instruments = s
        .app
        .instruments(who, conference.body.as_str())
        .await
        .or_page("conference")?;
    Ok(render(&ConferencePage {
        chrome: v.chrome,
        meetings: meeting_rows(meetings, &groups),
        groups: tree(groups),
        conference,
        latest,
        duties,
        instruments,
    }))
}

async fn group(State(s): State<WebState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    page(group_page(&s, &headers, &id).await)
}

async fn group_page(s: &WebState, headers: &HeaderMap, id: &str) -> Page {
    let v = visitor(s, headers).await?;
    let who = &v.actor;
    let group = group_of(s, who, id).await?;
    let conf = group.conference.as_str();
    let conference = conference_of(s, who, conf).await?;
    let groups = s.app.groups(who, conf).await.or_page("group")?;
    let rights = s.app.rights_matrix(who, id).await.or_page("group")?;
    let meetings: Vec<Meeting> = s
        .app
        .meetings(who, conf)
        .await
        .or_page("group")?
        .into_iter()
        .filter(|m| m.group == group.id)
        .collect();
    let documents: Vec<Document> = s
        .app
        .documents(who, conf)
        .await
        .or_page("group")?
        .into_iter()
        .filter(|d| d.group.as_ref() == Some(&group.id))
        .collect();
    let record = s
        .app
        .group_record(who, group.id.as_str())
        .await
        .or_page("group")?;
    let parent = group
        .parent
        .as_ref()
        .and_then(|p| groups.iter().find(|g| &g.id == p))
        .cloned();
    let children = groups
        .iter()
        .filter(|g| g.parent.as_ref() == Some(&group.id))
        .cloned()
        .collect();
    Ok(render(&GroupPage {
        chrome: v.chrome,
        meetings: meeting_rows(meetings, &groups),
        closed: group.visibility == GroupVisibility::Closed,
        overdue: group.reporting.as_ref().is_some_and(|r| r.due_on < today()),
        rights: rights_lines(rights),
        conference,
        group,
        parent,
        children,
        documents,
        record,
    }))
}

fn rights_lines(rows: Vec<RightsRow>) -> Vec<RightsLine> {
    rows.into_iter()
        .map(|r| RightsLine {
            category: words(&r.category),
            rights: Right::ALL
                .iter()
                .map(|right| (words(right), r.rights.contains(right)))
                .collect(),
        })
        .collect()
}

fn right_names() -> Vec<String> {
    Right::ALL.iter().map(words).collect()
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
            out.push(GroupRow {
                overdue: g.reporting.as_ref().is_some_and(|r| r.due_on < today()),
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

impl GroupPage {
    fn right_names(&self) -> Vec<String> {
        right_names()
    }
}
