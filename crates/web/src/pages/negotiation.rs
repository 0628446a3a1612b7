//! The negotiation's pages: proposals (the list, one proposal with its amendments, and the
//! delegate's form to submit one), drafts (the bracketed text with each alternative and the
//! delegations behind it, what was withdrawn, the history event by event, and the chair's
//! forms to resolve a bracket and record adoption), reports and follow-ups.
//!
//! Every write is a command through the same use case as the JSON API, so the domain
//! decides who may act; the forms are only shown to visitors who plausibly may, and a
//! refusal comes back next to the field it names.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use plenary_domain::access::{Actor, Role};
use plenary_domain::command::Command;
use plenary_domain::event::Change;
use plenary_domain::model::MemberCategory;
use plenary_domain::model::{
    Conference, ConferenceId, Group, GroupId, Instrument, InstrumentId, Language, MemberId,
};
use plenary_domain::negotiation::{
    Ballot, Decision, DecisionRecord, Draft, DraftState, DraftVersion, FollowUp, Outcome, Proposal,
    ProposalInput, ProposalStatus, Reading, Report,
};
use plenary_domain::rights::CredentialsStatus;
use serde::Deserialize;

use super::conference_of;
use super::forms::check_csrf;
use super::instruments::{ReadingPart, TextView, reading, text_view};
use super::record::{BracketView, WithdrawalView, bracket_views, texts_of, withdrawal_views};
use super::{
    Chrome, FieldError, OrPage, Page, error_for, error_page, not_found, page, parse_sponsors,
    refusal, render, to_created, visitor,
};
use crate::WebState;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/conferences/{id}/proposals", get(proposals))
        .route(
            "/conferences/{id}/proposals/new",
            get(proposal_form).post(submit_proposal),
        )
        .route("/proposals/{id}", get(proposal))
        .route("/conferences/{id}/drafts", get(drafts))
        .route("/drafts/{id}", get(draft))
        .route("/drafts/{id}/resolve", post(resolve_bracket))
        .route("/drafts/{id}/compromise", post(adopt_compromise))
        .route("/drafts/{id}/adopt", post(adopt_draft))
        .route("/drafts/{id}/vote", post(vote_on_draft))
        .route("/reports/{id}", get(report))
        .route("/conferences/{id}/follow-ups", get(follow_ups))
}

/// An instrument's heading from its text in the notation: `Resolution 102: Title`.
fn heading_of(text: &str) -> String {
    plenary_text::parse(text)
        .map(|i| heading(&i))
        .unwrap_or_default()
}

/// A parsed instrument's heading.
fn heading(i: &plenary_text::Instrument) -> String {
    if i.number.is_empty() {
        format!("{}: {}", i.kind, i.title)
    } else {
        format!("{} {}: {}", i.kind, i.number, i.title)
    }
}

fn parsed_text(text: &str, what: &str, open_only: bool) -> Result<TextView, Response> {
    plenary_text::parse(text)
        .map(|i| text_view(&i, open_only))
        .map_err(|e| {
            tracing::error!(error = %e, what, "stored text does not parse");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The stored text could not be read.",
            )
        })
}

fn group_name(groups: &[Group], id: &GroupId) -> String {
    groups
        .iter()
        .find(|g| &g.id == id)
        .map(|g| g.short_name.clone())
        .unwrap_or_else(|| id.to_string())
}

fn status_words(status: &ProposalStatus) -> String {
    match status {
        ProposalStatus::Submitted => "submitted".into(),
        ProposalStatus::Compiled { draft } => format!("compiled into {draft}"),
        ProposalStatus::Withdrawn { reason, by } => match reason {
            Some(r) => format!("by {by}: {r}"),
            None => format!("by {by}"),
        },
    }
}

fn draft_state_words(state: &DraftState) -> String {
    match state {
        DraftState::Negotiating => "under negotiation".into(),
        DraftState::Adopted { revision } => format!("adopted as {revision}"),
        DraftState::NotAdopted => "not adopted (rejected by vote)".into(),
    }
}

/// What a version's event did, in words.
fn version_words(kind: &str) -> String {
    kind.trim_start_matches("draft.")
        .trim_start_matches("proposal.")
        .replace(['_', '.'], " ")
}

// ---------------------------------------------------------------------------------------
// Proposals

struct ProposalRow {
    proposal: Proposal,
    group: String,
}

#[derive(Template)]
#[template(path = "proposals.html")]
struct ProposalsPage {
    chrome: Chrome,
    conference: Conference,
    rows: Vec<ProposalRow>,
    can_submit: bool,
}

/// The member a visitor is a delegate of, if any.
fn delegate_member(actor: &Actor) -> Option<String> {
    actor.roles.iter().find_map(|r| match r {
        Role::Delegate { member } => Some(member.to_string()),
        _ => None,
    })
}

async fn proposals(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let conference = conference_of(&s, &v.actor, &id).await?;
            let groups = s.app.groups(&v.actor, &id).await.or_page("proposals")?;
            let rows = s
                .app
                .proposals(&v.actor, &id)
                .await
                .or_page("proposals")?
                .into_iter()
                .map(|p| ProposalRow {
                    group: group_name(&groups, &p.group),
                    proposal: p,
                })
                .collect();
            Ok(render(&ProposalsPage {
                can_submit: delegate_member(&v.actor).is_some() && v.chrome.csrf.is_some(),
                chrome: v.chrome,
                conference,
                rows,
            }))
        }
        .await,
    )
}

#[derive(Template)]
#[template(path = "proposal.html")]
struct ProposalPage {
    chrome: Chrome,
    proposal: Proposal,
    group: String,
    status: String,
    heading: String,
    /// The text; `None` when it is withheld from this reader (a restricted document).
    text: Option<TextView>,
    /// The proposal's changes, as a redline against the revision it amends.
    redline: Option<String>,
}

async fn proposal(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let Some(proposal) = s.app.proposal(&v.actor, &id).await.or_page("proposal")? else {
                return Err(not_found("proposal"));
            };
            let groups = s
                .app
                .groups(&v.actor, proposal.conference.as_str())
                .await
                .or_page("proposal")?;
            // A restricted proposal reaches a reader without access without its text.
            let withheld = proposal.text.is_empty();
            let text = if withheld {
                None
            } else {
                Some(parsed_text(&proposal.text, "proposal", false)?)
            };
            let redline = match &proposal.base {
                Some(_) if withheld => None,
                Some(base) => match s.app.revision(&v.actor, base.as_str()).await {
                    Ok(Some(rev)) => redline_of(&rev.text, &proposal.text),
                    _ => None,
                },
                None => None,
            };
            Ok(render(&ProposalPage {
                group: group_name(&groups, &proposal.group),
                status: status_words(&proposal.status),
                heading: heading_of(&proposal.text),
                chrome: v.chrome,
                text,
                redline,
                proposal,
            }))
        }
        .await,
    )
}

/// The redline between two texts in the notation, its headings under the page's own.
pub(super) fn redline_of(old: &str, new: &str) -> Option<String> {
    let (a, b) = (
        plenary_text::parse(old).ok()?,
        plenary_text::parse(new).ok()?,
    );
    Some(nested_headings(&plenary_text::render::redline_html(
        &plenary_text::diff(&a, &b),
    )))
}

/// Moves a rendered fragment's headings one level down, under the page's `h1` and `h2`.
pub(super) fn nested_headings(html: &str) -> String {
    html.replace("<h3>", "<h4>")
        .replace("</h3>", "</h4>")
        .replace("<h2>", "<h3>")
        .replace("</h2>", "</h3>")
        .replace("<h1>", "<h3>")
        .replace("</h1>", "</h3>")
}

/// The proposal form's fields, as posted (and as shown again after a refusal).
#[derive(Debug, Default, Deserialize)]
pub(super) struct ProposalForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    instrument: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    sponsors: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    reasons: String,
}

#[derive(Template)]
#[template(path = "proposal_form.html")]
struct ProposalFormPage {
    chrome: Chrome,
    conference: Conference,
    groups: Vec<Group>,
    instruments: Vec<Instrument>,
    form: ProposalForm,
    errors: Vec<FieldError>,
}

impl ProposalFormPage {
    fn error(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

#[derive(Debug, Default, Deserialize)]
struct StartFrom {
    #[serde(default)]
    instrument: String,
}

async fn proposal_form(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<StartFrom>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let Some(member) = delegate_member(&v.actor) else {
                return Err(error_page(
                    StatusCode::FORBIDDEN,
                    "Only delegates of member states submit proposals: sign in as a delegate.",
                ));
            };
            let mut form = ProposalForm {
                sponsors: member.to_uppercase(),
                instrument: q.instrument.clone(),
                ..ProposalForm::default()
            };
            if !q.instrument.is_empty() {
                let Some(instrument) = s
                    .app
                    .instrument(&v.actor, &q.instrument)
                    .await
                    .or_page("proposal form")?
                else {
                    return Err(not_found("instrument"));
                };
                if let Some(latest) = instrument.revisions.last()
                    && let Some(rev) = s
                        .app
                        .revision(&v.actor, latest.id.as_str())
                        .await
                        .or_page("proposal form")?
                {
                    form.title = format!("Proposed revision of {}", rev.citation);
                    form.text = rev.text;
                }
            }
            let page = proposal_form_page(&s, v.actor, v.chrome, &id, form, Vec::new()).await?;
            Ok(render(&page))
        }
        .await,
    )
}

async fn proposal_form_page(
    s: &WebState,
    who: Actor,
    chrome: Chrome,
    conference: &str,
    form: ProposalForm,
    errors: Vec<FieldError>,
) -> Result<ProposalFormPage, Response> {
    let conference = conference_of(s, &who, conference).await?;
    let groups = s
        .app
        .groups(&who, conference.id.as_str())
        .await
        .or_page("proposal form")?;
    let instruments = s
        .app
        .instruments(&who, conference.body.as_str())
        .await
        .or_page("proposal form")?;
    Ok(ProposalFormPage {
        chrome,
        conference,
        groups,
        instruments,
        form,
        errors,
    })
}

/// Where a refusal of the domain shows on the proposal form.
fn proposal_field(field: &str) -> &'static str {
    match field.rsplit('.').next().unwrap_or(field) {
        "group" => "group",
        "instrument" => "instrument",
        "title" => "title",
        "sponsors" | "sponsor" => "sponsors",
        "text" => "text",
        "reasons" => "reasons",
        _ => "form",
    }
}

/// Reads "provision: reason" lines.
fn parse_reasons(text: &str) -> Result<BTreeMap<String, String>, FieldError> {
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match line.split_once(':') {
            Some((p, r)) if !p.trim().is_empty() && !r.trim().is_empty() => {
                out.insert(p.trim().to_owned(), r.trim().to_owned());
            }
            _ => {
                return Err(FieldError {
                    field: "reasons",
                    message: format!(
                        "line {} should read `provision: reason` (e.g. `resolves.2: to cover privacy`)",
                        n + 1
                    ),
                });
            }
        }
    }
    Ok(out)
}

async fn submit_proposal(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ProposalForm>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            check_csrf(&v.chrome, &form.csrf)?;
            let mut errors = Vec::new();
            let group = match GroupId::new(form.group.trim()) {
                Ok(g) => Some(g),
                Err(_) => {
                    errors.push(FieldError {
                        field: "group",
                        message: "choose the group that is to consider the proposal".into(),
                    });
                    None
                }
            };
            let instrument = if form.instrument.trim().is_empty() {
                Ok(None)
            } else {
                InstrumentId::new(form.instrument.trim()).map(Some)
            };
            let instrument = instrument.unwrap_or_else(|_| {
                errors.push(FieldError {
                    field: "instrument",
                    message: "choose an instrument from the list, or a new one".into(),
                });
                None
            });
            let sponsors = parse_sponsors(&form.sponsors).unwrap_or_else(|e| {
                errors.push(e);
                Vec::new()
            });
            let reasons = parse_reasons(&form.reasons).unwrap_or_else(|e| {
                errors.push(e);
                BTreeMap::new()
            });
            let conference = ConferenceId::new(&id);
            if let (Some(group), Ok(conference), true) = (group, conference, errors.is_empty()) {
                let command = Command::SubmitProposal(ProposalInput {
                    conference,
                    group,
                    instrument,
                    title: form.title.trim().to_owned(),
                    sponsors,
                    text: form.text.replace("\r\n", "\n"),
                    reasons,
                    language: Language::English,
                });
                match s.app.execute(&v.actor, command).await {
                    Ok(events) => {
                        return Ok(to_created(
                            &events,
                            |c| match c {
                                Change::ProposalSubmitted(p) => {
                                    Some(format!("/proposals/{}", p.id))
                                }
                                _ => None,
                            },
                            format!("/conferences/{id}/proposals"),
                        ));
                    }
                    Err(e) => {
                        let (status, refused) = refusal(e, proposal_field, "form")?;
                        errors.push(refused);
                        let page =
                            proposal_form_page(&s, v.actor, v.chrome, &id, form, errors).await?;
                        return Ok((status, render(&page)).into_response());
                    }
                }
            }
            let page = proposal_form_page(&s, v.actor, v.chrome, &id, form, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        .await,
    )
}

// ---------------------------------------------------------------------------------------
// Drafts

struct DraftRow {
    draft: Draft,
    heading: String,
    group: String,
    state: String,
    brackets: usize,
}

#[derive(Template)]
#[template(path = "drafts.html")]
struct DraftsPage {
    chrome: Chrome,
    conference: Conference,
    rows: Vec<DraftRow>,
}

async fn drafts(State(s): State<WebState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let conference = conference_of(&s, &v.actor, &id).await?;
            let groups = s.app.groups(&v.actor, &id).await.or_page("drafts")?;
            let rows = s
                .app
                .drafts(&v.actor, &id)
                .await
                .or_page("drafts")?
                .into_iter()
                .map(|d| {
                    let parsed = plenary_text::parse(&d.text).ok();
                    DraftRow {
                        heading: parsed.as_ref().map(heading).unwrap_or_default(),
                        brackets: parsed
                            .as_ref()
                            .map_or(0, |i| plenary_text::brackets_of(i).len()),
                        group: group_name(&groups, &d.group),
                        state: draft_state_words(&d.state),
                        draft: d,
                    }
                })
                .collect();
            Ok(render(&DraftsPage {
                chrome: v.chrome,
                conference,
                rows,
            }))
        }
        .await,
    )
}

/// A decision on the draft as the page tells it.
struct DecisionView {
    summary: String,
    ballots: Vec<(String, &'static str)>,
}

fn decision_view(d: &DecisionRecord, groups: &[Group]) -> DecisionView {
    let group = group_name(groups, &d.occasion.group);
    let at = d
        .occasion
        .meeting
        .as_ref()
        .map(|m| format!(" at meeting {m}"))
        .unwrap_or_default();
    let how = match &d.tally {
        Some(t) => format!(
            "Recorded vote in {group}{at}: {} in favour, {} against, {} abstaining",
            t.yes, t.no, t.abstain
        ),
        None => format!("Adopted by consensus in {group}{at}"),
    };
    let what = match &d.outcome {
        Outcome::Forwarded { to } => format!("forwarded to {}", group_name(groups, to)),
        Outcome::Adopted {
            revision,
            renumbered,
        } if !renumbered.is_empty() => {
            let moves: Vec<String> = renumbered
                .iter()
                .map(|r| format!("{} became {}", r.from, r.to))
                .collect();
            format!(
                "adopted as {revision}, its paragraphs renumbered ({})",
                moves.join(", ")
            )
        }
        Outcome::Adopted { revision, .. } => format!("adopted as {revision}"),
        Outcome::NotAdopted => "not carried: the draft is not adopted".to_owned(),
    };
    let ballots = match &d.decision {
        Decision::Vote { votes } => votes
            .iter()
            .map(|(m, b)| {
                let word = match b {
                    Ballot::Yes => "yes",
                    Ballot::No => "no",
                    Ballot::Abstain => "abstain",
                };
                (m.as_str().to_uppercase(), word)
            })
            .collect(),
        Decision::Consensus => Vec::new(),
    };
    DecisionView {
        summary: format!("{how}; {what}."),
        ballots,
    }
}

/// An open bracket, for the chair's form: its provision and its alternatives.
struct BracketChoice {
    id: String,
    label: String,
    alternatives: Vec<(String, Vec<ReadingPart>)>,
}

#[derive(Template)]
#[template(path = "draft.html")]
struct DraftPage {
    chrome: Chrome,
    draft: Draft,
    heading: String,
    group: String,
    state: String,
    /// The adopted revision's page, once adopted.
    adopted_link: Option<String>,
    /// The instrument revised and the revision the draft started from, by citation.
    revises: Option<String>,
    base_citation: Option<String>,
    path: Vec<String>,
    text: TextView,
    open_only: bool,
    /// Shown as of this event (time travel), with the version in force then.
    as_of: Option<DraftVersion>,
    /// Every version of the draft, newest first.
    versions: Vec<DraftVersion>,
    proposals: Vec<Proposal>,
    withdrawals: Vec<WithdrawalView>,
    /// Each bracket the draft has had, with its history.
    brackets: Vec<BracketView>,
    alternatives: usize,
    /// Chair's work: the brackets to resolve (empty when the visitor does not chair).
    choices: Vec<BracketChoice>,
    can_adopt: bool,
    /// The member states that may vote (credentials in order), for a recorded vote.
    voters: Vec<(String, String)>,
    /// The decisions taken on the draft, in words, with each ballot of a recorded vote.
    decisions: Vec<DecisionView>,
    errors: Vec<FieldError>,
}

impl DraftPage {
    fn error(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }

    fn event_words(&self, kind: &str) -> String {
        version_words(kind)
    }

    fn reading_words(&self, reading: &Reading) -> &'static str {
        match reading {
            Reading::First => "First reading",
            Reading::Second => "Second reading",
        }
    }

    /// The page's query with the "open brackets only" filter set or not (time travel kept).
    fn query(&self, open_only: bool) -> String {
        let mut parts = Vec::new();
        if let Some(v) = &self.as_of {
            parts.push(format!("as_of={}", v.seq));
        }
        if open_only {
            parts.push("open=1".to_owned());
        }
        parts.join("&")
    }
}

#[derive(Debug, Default, Deserialize)]
struct DraftQuery {
    #[serde(default)]
    open: String,
    #[serde(default)]
    as_of: String,
}

async fn draft(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<DraftQuery>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let as_of = if q.as_of.is_empty() {
                None
            } else {
                Some(q.as_of.parse::<i64>().map_err(|_| {
                    error_page(
                        StatusCode::BAD_REQUEST,
                        "as_of must be an event number (a whole number).",
                    )
                })?)
            };
            let page = draft_page(
                &s,
                v.actor,
                v.chrome,
                &id,
                !q.open.is_empty(),
                as_of,
                vec![],
            )
            .await?;
            Ok(render(&page))
        }
        .await,
    )
}

/// Whether the actor chairs the group.
fn chairs(actor: &Actor, group: &GroupId) -> bool {
    actor
        .roles
        .iter()
        .any(|r| matches!(r, Role::Chair { group: g } if g == group))
}

async fn draft_page(
    s: &WebState,
    who: Actor,
    chrome: Chrome,
    id: &str,
    open_only: bool,
    as_of: Option<i64>,
    errors: Vec<FieldError>,
) -> Result<DraftPage, Response> {
    let Some(draft) = s.app.draft(&who, id).await.or_page("draft")? else {
        return Err(not_found("draft"));
    };
    let as_of = match as_of {
        Some(seq) => Some(
            s.app
                .draft_as_of(&who, id, seq)
                .await
                .or_page("draft")?
                .ok_or_else(|| not_found("version of this draft at that point"))?
                .version,
        ),
        None => None,
    };
    let shown = as_of.as_ref().map_or(draft.text.as_str(), |v| &v.text);
    let parsed = plenary_text::parse(shown).map_err(|e| {
        tracing::error!(error = %e, draft = id, "stored draft does not parse");
        error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The stored text of this draft could not be read.",
        )
    })?;
    let open = plenary_text::brackets_of(&parsed);
    let alternatives = open.iter().map(|b| b.alternatives.len()).sum();
    let text = text_view(&parsed, open_only);
    let heading = heading(&parsed);
    let groups = s
        .app
        .groups(&who, draft.conference.as_str())
        .await
        .or_page("draft")?;
    let negotiating = matches!(draft.state, DraftState::Negotiating);
    let may_act = as_of.is_none()
        && negotiating
        && chrome.csrf.is_some()
        && (chairs(&who, &draft.group) || who.is_secretariat());
    let choices = if may_act {
        // Only the current text is acted on (`may_act` excludes time travel): it is `parsed`.
        bracket_choices(&parsed)
    } else {
        Vec::new()
    };
    let mut proposals = Vec::new();
    for p in &draft.proposals {
        if let Some(found) = s.app.proposal(&who, p).await.or_page("draft")? {
            proposals.push(found);
        }
    }
    let instrument = match &draft.instrument {
        Some(i) => s.app.instrument(&who, i.as_str()).await.or_page("draft")?,
        None => None,
    };
    let revises = instrument
        .as_ref()
        .map(|i| format!("{} {}", i.kind.word(), i.number));
    let base_citation = draft.base.as_ref().map(|b| {
        instrument
            .as_ref()
            .and_then(|i| i.revisions.iter().find(|r| &r.id == b))
            .map_or_else(|| b.to_string(), |r| r.citation.clone())
    });
    let mut versions = s.app.draft_versions(&who, id).await.or_page("draft")?;
    let texts = texts_of(&versions);
    let withdrawals = withdrawal_views(&draft.withdrawals, &texts, &groups);
    // The versions are at hand: their histories are read from them, not fetched again.
    let histories = plenary_domain::negotiation::history::bracket_histories(&versions);
    let brackets = bracket_views(&histories, &texts, &proposals, &groups);
    versions.reverse();
    let voters = if may_act {
        voters(s, &who, &draft).await?
    } else {
        Vec::new()
    };
    let decisions = draft
        .decisions
        .iter()
        .map(|d| decision_view(d, &groups))
        .collect();
    Ok(DraftPage {
        voters,
        decisions,
        group: group_name(&groups, &draft.group),
        state: draft_state_words(&draft.state),
        adopted_link: match (&draft.state, &draft.instrument) {
            (DraftState::Adopted { revision }, Some(i)) => {
                Some(format!("/instruments/{i}?rev={revision}"))
            }
            _ => None,
        },
        path: draft.path.iter().map(|g| group_name(&groups, g)).collect(),
        can_adopt: may_act,
        revises,
        base_citation,
        chrome,
        heading,
        text,
        open_only,
        as_of,
        versions,
        proposals,
        withdrawals,
        brackets,
        alternatives,
        choices,
        errors,
        draft,
    })
}

/// The member states whose credentials are in order at the draft's conference, by name:
/// who may vote in a recorded vote.
async fn voters(
    s: &WebState,
    who: &Actor,
    draft: &Draft,
) -> Result<Vec<(String, String)>, Response> {
    let conference = conference_of(s, who, draft.conference.as_str()).await?;
    let members = s
        .app
        .members(who, conference.body.as_str())
        .await
        .or_page("draft")?;
    let mut out: Vec<(String, String)> = s
        .app
        .delegations(who, conference.id.as_str())
        .await
        .or_page("draft")?
        .into_iter()
        .filter(|d| d.credentials == CredentialsStatus::InOrder)
        .filter_map(|d| {
            members
                .iter()
                .find(|m| {
                    m.id == d.member && matches!(m.category, MemberCategory::MemberState { .. })
                })
                .map(|m| (m.id.to_string(), m.name.clone()))
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

fn bracket_choices(inst: &plenary_text::Instrument) -> Vec<BracketChoice> {
    let mut out = Vec::new();
    for (_, _, p) in inst.provisions() {
        for inline in &p.text.0 {
            if let plenary_text::Inline::Bracket(b) = inline {
                out.push(BracketChoice {
                    id: b.id.clone(),
                    label: p.label.clone(),
                    alternatives: b
                        .alternatives
                        .iter()
                        .map(|a| (a.sponsors.join(", "), reading(&a.text)))
                        .collect(),
                });
            }
        }
    }
    out
}

#[derive(Debug, Default, Deserialize)]
struct ResolveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    bracket: String,
    #[serde(default)]
    alternative: String,
    #[serde(default)]
    meeting: String,
}

async fn resolve_bracket(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ResolveForm>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            check_csrf(&v.chrome, &form.csrf)?;
            let Ok(alternative) = form.alternative.parse::<usize>() else {
                let errors = vec![FieldError {
                    field: "resolve",
                    message: format!(
                        "bracket {}: choose the alternative the group agreed on",
                        form.bracket
                    ),
                }];
                let page = draft_page(&s, v.actor, v.chrome, &id, false, None, errors).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
            };
            let command = Command::ResolveBracket {
                draft: id.clone(),
                bracket: form.bracket.clone(),
                alternative,
                meeting: meeting_of(&form.meeting),
            };
            act(&s, v, &id, command, "resolve").await
        }
        .await,
    )
}

#[derive(Debug, Default, Deserialize)]
struct CompromiseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    bracket: String,
    #[serde(default)]
    text: String,
    /// The proposals it combines, comma-separated.
    #[serde(default)]
    combines: String,
    #[serde(default)]
    meeting: String,
}

/// The chair adopts a suggested combination as the compromise for a bracket.
async fn adopt_compromise(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<CompromiseForm>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            check_csrf(&v.chrome, &form.csrf)?;
            let command = Command::ReplaceBracket {
                draft: id.clone(),
                bracket: form.bracket.clone(),
                text: form.text.clone(),
                combines: form
                    .combines
                    .split(',')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect(),
                meeting: meeting_of(&form.meeting),
            };
            act(&s, v, &id, command, "resolve").await
        }
        .await,
    )
}

#[derive(Debug, Default, Deserialize)]
struct AdoptForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    meeting: String,
}

async fn adopt_draft(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<AdoptForm>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            check_csrf(&v.chrome, &form.csrf)?;
            let command = Command::AdoptDraft {
                draft: id.clone(),
                decision: Decision::Consensus,
                meeting: meeting_of(&form.meeting),
            };
            act(&s, v, &id, command, "adopt").await
        }
        .await,
    )
}

/// A recorded vote from the draft page: one ballot field per member state
/// (`ballot.<member>`: yes, no, abstain, or none for not voting).
async fn vote_on_draft(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let field = |name: &str| {
                fields
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.as_str())
                    .unwrap_or_default()
            };
            check_csrf(&v.chrome, field("csrf"))?;
            let mut votes = BTreeMap::new();
            let mut bad = None;
            for (key, value) in &fields {
                let Some(member) = key.strip_prefix("ballot.") else {
                    continue;
                };
                let ballot = match value.as_str() {
                    "yes" => Ballot::Yes,
                    "no" => Ballot::No,
                    "abstain" => Ballot::Abstain,
                    "none" | "" => continue,
                    other => {
                        bad = Some(format!(
                            "{member}: '{other}' is not a ballot (yes, no or abstain)"
                        ));
                        break;
                    }
                };
                match MemberId::new(member) {
                    Ok(m) => {
                        votes.insert(m, ballot);
                    }
                    Err(_) => {
                        bad = Some(format!("'{member}' is not a member"));
                        break;
                    }
                }
            }
            if let Some(message) = bad {
                let page = draft_page(
                    &s,
                    v.actor,
                    v.chrome,
                    &id,
                    false,
                    None,
                    vec![FieldError {
                        field: "vote",
                        message,
                    }],
                )
                .await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
            }
            let command = Command::AdoptDraft {
                draft: id.clone(),
                decision: Decision::Vote { votes },
                meeting: meeting_of(field("meeting")),
            };
            act(&s, v, &id, command, "vote").await
        }
        .await,
    )
}

fn meeting_of(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Runs a chair's command from the draft page: back to the draft when recorded, or the page
/// again with the refusal next to the form.
async fn act(
    s: &WebState,
    v: super::Visitor,
    id: &str,
    command: Command,
    field: &'static str,
) -> Page {
    let (status, refused) = match s.app.execute(&v.actor, command).await {
        Ok(_) => return Ok(Redirect::to(&format!("/drafts/{id}")).into_response()),
        Err(e) => refusal(e, |_| field, field)?,
    };
    let page = draft_page(s, v.actor, v.chrome, id, false, None, vec![refused]).await?;
    Ok((status, render(&page)).into_response())
}

// ---------------------------------------------------------------------------------------
// Reports and follow-ups

struct ReportedView {
    draft: String,
    title: String,
    brackets: usize,
    text: TextView,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    chrome: Chrome,
    report: Report,
    group: String,
    to: String,
    drafts: Vec<ReportedView>,
    withdrawals: Vec<WithdrawalView>,
}

async fn report(State(s): State<WebState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let Some(report) = s.app.report(&v.actor, &id).await.or_page("report")? else {
                return Err(not_found("report"));
            };
            let groups = s
                .app
                .groups(&v.actor, report.conference.as_str())
                .await
                .or_page("report")?;
            let mut drafts = Vec::new();
            for d in &report.drafts {
                drafts.push(ReportedView {
                    draft: d.draft.clone(),
                    title: d.title.clone(),
                    brackets: d.open_brackets.len(),
                    text: parsed_text(&d.text, "report", false)?,
                });
            }
            let mut texts = Vec::new();
            let mut seen: Vec<&str> = Vec::new();
            for w in &report.withdrawals {
                if let Some(d) = w.draft.as_deref()
                    && !seen.contains(&d)
                {
                    seen.push(d);
                    let versions = s.app.draft_versions(&v.actor, d).await.or_page("report")?;
                    texts.extend(texts_of(&versions));
                }
            }
            let withdrawals = withdrawal_views(&report.withdrawals, &texts, &groups);
            Ok(render(&ReportPage {
                withdrawals,
                group: group_name(&groups, &report.group),
                to: group_name(&groups, &report.to),
                chrome: v.chrome,
                drafts,
                report,
            }))
        }
        .await,
    )
}

struct FollowUpRow {
    follow_up: FollowUp,
    group: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "follow_ups.html")]
struct FollowUpsPage {
    chrome: Chrome,
    conference: Conference,
    rows: Vec<FollowUpRow>,
}

async fn follow_ups(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let conference = conference_of(&s, &v.actor, &id).await?;
            let groups = s.app.groups(&v.actor, &id).await.or_page("follow-ups")?;
            let today = time::OffsetDateTime::now_utc().date();
            let rows = s
                .app
                .follow_ups(&v.actor, &id)
                .await
                .or_page("follow-ups")?
                .into_iter()
                .map(|f| FollowUpRow {
                    group: group_name(&groups, &f.group),
                    overdue: f.closed.is_none() && f.due_on < today,
                    follow_up: f,
                })
                .collect();
            Ok(render(&FollowUpsPage {
                chrome: v.chrome,
                conference,
                rows,
            }))
        }
        .await,
    )
}
