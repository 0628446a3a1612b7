//! An instrument: the text of one revision with an anchor per provision (brackets drawn
//! as visible marks with their alternatives and sponsors), the revision history, and the
//! redline between any two revisions.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use plenary_domain::model::{Instrument, Revision};
use plenary_domain::negotiation::blame::{Blame, Origin};
use plenary_text::{Inline, Part, Text};
use serde::Deserialize;

use super::{Chrome, OrPage, Page, error_page, not_found, page, render, visitor};
use crate::WebState;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/instruments/{id}", get(instrument))
        .route("/instruments/{id}/compare", get(compare))
}

/// One piece of running text: plain words, a footnote reference, or a bracket.
pub(crate) struct Piece {
    pub text: String,
    pub footnote: Option<String>,
    pub bracket: Option<BracketView>,
}

/// Disputed text: its alternatives, each with the delegations behind it.
pub(crate) struct BracketView {
    pub id: String,
    pub alternatives: Vec<AlternativeView>,
}

pub(crate) struct AlternativeView {
    pub sponsors: String,
    pub parts: Vec<ReadingPart>,
    pub deletion: bool,
}

/// A piece of words as a reader reads them: plain words, or a footnote reference (shown
/// as a footnote mark, never as notation). Brackets nested in an alternative read
/// `[one / other]`.
pub(crate) struct ReadingPart {
    pub text: String,
    pub footnote: Option<String>,
}

/// Words for reading: runs as they are, footnote references as marks, nested brackets as
/// `[one / other]`.
pub(crate) fn reading(text: &Text) -> Vec<ReadingPart> {
    fn walk(text: &Text, out: &mut Vec<ReadingPart>) {
        for inline in &text.0 {
            match inline {
                Inline::Run { text } => out.push(ReadingPart {
                    text: text.clone(),
                    footnote: None,
                }),
                Inline::FootnoteRef { label } => out.push(ReadingPart {
                    text: String::new(),
                    footnote: Some(label.clone()),
                }),
                Inline::Bracket(b) => {
                    out.push(ReadingPart {
                        text: "[".into(),
                        footnote: None,
                    });
                    for (k, a) in b.alternatives.iter().enumerate() {
                        if k > 0 {
                            out.push(ReadingPart {
                                text: " / ".into(),
                                footnote: None,
                            });
                        }
                        walk(&a.text, out);
                    }
                    out.push(ReadingPart {
                        text: "]".into(),
                        footnote: None,
                    });
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(text, &mut out);
    out
}

/// Inline notation (an alternative's or a compromise's wording, as the record keeps it)
/// for reading; text that does not parse is shown as it is.
pub(crate) fn reading_of(notation: &str) -> Vec<ReadingPart> {
    match plenary_domain::negotiation::text_ops::parse_inline("text", notation) {
        Ok(t) => reading(&t),
        Err(_) => vec![ReadingPart {
            text: notation.to_owned(),
            footnote: None,
        }],
    }
}

pub(crate) struct ProvisionView {
    pub anchor: String,
    pub label: String,
    pub depth: usize,
    pub pieces: Vec<Piece>,
    pub has_brackets: bool,
    /// Who proposed the paragraph's wording, in a negotiating text ("BRA, USA").
    pub proposers: Option<String>,
    /// Where the paragraph and its words came from, when asked for.
    pub provenance: Option<String>,
}

pub(crate) struct SectionView {
    pub heading: String,
    pub part: &'static str,
    pub provisions: Vec<ProvisionView>,
}

/// An instrument's text laid out for the page.
pub(crate) struct TextView {
    pub opening: Vec<Piece>,
    pub sections: Vec<SectionView>,
    pub footnotes: Vec<(String, Vec<Piece>)>,
    pub brackets: usize,
}

fn pieces(text: &Text) -> Vec<Piece> {
    text.0
        .iter()
        .map(|inline| match inline {
            Inline::Run { text } => Piece {
                text: text.clone(),
                footnote: None,
                bracket: None,
            },
            Inline::FootnoteRef { label } => Piece {
                text: String::new(),
                footnote: Some(label.clone()),
                bracket: None,
            },
            Inline::Bracket(b) => Piece {
                text: String::new(),
                footnote: None,
                bracket: Some(BracketView {
                    id: b.id.clone(),
                    alternatives: b
                        .alternatives
                        .iter()
                        .map(|a| AlternativeView {
                            sponsors: a.sponsors.join(", "),
                            deletion: a.text.is_empty(),
                            parts: reading(&a.text),
                        })
                        .collect(),
                }),
            },
        })
        .collect()
}

/// Lays out a parsed text; `open_only` keeps only the provisions with brackets.
pub(crate) fn text_view(inst: &plenary_text::Instrument, open_only: bool) -> TextView {
    let mut sections: Vec<SectionView> = inst
        .sections
        .iter()
        .map(|s| SectionView {
            heading: s.heading.clone(),
            part: match s.part() {
                Part::Preamble => "preamble",
                Part::Operative => "operative",
                Part::Annex => "annex",
            },
            provisions: Vec::new(),
        })
        .collect();
    for (sec, depth, p) in inst.provisions() {
        let has_brackets = p.text.has_brackets();
        if open_only && !has_brackets {
            continue;
        }
        if let Some(s) = sections.get_mut(sec) {
            s.provisions.push(ProvisionView {
                anchor: format!("p-{}", p.id),
                label: p.label.clone(),
                depth: depth.min(4),
                pieces: pieces(&p.text),
                has_brackets,
                proposers: (!p.sponsors.is_empty()).then(|| p.sponsors.join(", ")),
                provenance: None,
            });
        }
    }
    if open_only {
        sections.retain(|s| !s.provisions.is_empty());
    }
    TextView {
        opening: pieces(&inst.opening),
        sections,
        footnotes: inst
            .footnotes
            .iter()
            .map(|f| (f.label.clone(), pieces(&f.text)))
            .collect(),
        brackets: plenary_text::brackets_of(inst).len(),
    }
}

#[derive(Debug, Default, Deserialize)]
struct InstrumentQuery {
    #[serde(default)]
    rev: String,
    #[serde(default)]
    open: String,
    #[serde(default)]
    provenance: String,
}

#[derive(Template)]
#[template(path = "instrument.html")]
struct InstrumentPage {
    chrome: Chrome,
    instrument: Instrument,
    revision: Revision,
    text: TextView,
    open_only: bool,
    provenance: bool,
    from: String,
    to: String,
}

async fn load(
    s: &WebState,
    who: &plenary_domain::access::Actor,
    id: &str,
) -> Result<Instrument, Response> {
    s.app
        .instrument(who, id)
        .await
        .or_page("instrument")?
        .ok_or_else(|| not_found("instrument"))
}

async fn revision_of(
    s: &WebState,
    who: &plenary_domain::access::Actor,
    instrument: &Instrument,
    rev: &str,
) -> Result<Revision, Response> {
    if !instrument.revisions.iter().any(|r| r.id.as_str() == rev) {
        return Err(not_found("revision of this instrument"));
    }
    s.app
        .revision(who, rev)
        .await
        .or_page("instrument")?
        .ok_or_else(|| not_found("revision"))
}

fn parsed(revision: &Revision) -> Result<plenary_text::Instrument, Response> {
    plenary_text::parse(&revision.text).map_err(|e| {
        tracing::error!(error = %e, revision = %revision.id, "stored text does not parse");
        error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The stored text of this revision could not be read.",
        )
    })
}

async fn instrument(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<InstrumentQuery>,
) -> Response {
    page(instrument_page(&s, &headers, &id, q).await)
}

async fn instrument_page(s: &WebState, headers: &HeaderMap, id: &str, q: InstrumentQuery) -> Page {
    let v = visitor(s, headers).await?;
    let instrument = load(s, &v.actor, id).await?;
    let Some(latest) = instrument.revisions.last() else {
        return Err(not_found("revision of this instrument"));
    };
    let rev = if q.rev.is_empty() {
        latest.id.to_string()
    } else {
        q.rev.clone()
    };
    let revision = revision_of(s, &v.actor, &instrument, &rev).await?;
    let open_only = !q.open.is_empty();
    let provenance = !q.provenance.is_empty();
    let mut text = text_view(&parsed(&revision)?, open_only);
    if provenance
        && let Some(blame) = s
            .app
            .blame(&v.actor, revision.id.as_str())
            .await
            .or_page("instrument")?
    {
        annotate(&mut text, &blame, &instrument);
    }
    let to = revision.id.to_string();
    let from = revision
        .previous
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_else(|| to.clone());
    Ok(render(&InstrumentPage {
        chrome: v.chrome,
        instrument,
        revision,
        text,
        open_only,
        provenance,
        from,
        to,
    }))
}

/// One origin of words, in words: the proposals that brought them, the revision they
/// were already in, or what the group did to them.
fn origin_words(o: &Origin, instrument: &Instrument) -> String {
    if !o.proposals.is_empty() {
        return o
            .proposals
            .iter()
            .map(|p| {
                let sponsors: Vec<String> = p.sponsors.iter().map(|s| s.to_uppercase()).collect();
                format!("{} ({})", p.symbol, sponsors.join(", "))
            })
            .collect::<Vec<_>>()
            .join(", ");
    }
    let citation = o.revision.as_ref().map(|r| {
        instrument
            .revisions
            .iter()
            .find(|x| &x.id == r)
            .map_or_else(|| r.to_string(), |x| x.citation.clone())
    });
    match (o.kind.as_str(), citation) {
        ("base" | "revision.recorded" | "draft.adopted", Some(c)) => c,
        (kind, _) => {
            let what = match kind {
                "draft.revised" => "wording agreed".to_owned(),
                "draft.compiled" => "the compilation".to_owned(),
                other => other.trim_start_matches("draft.").replace(['_', '.'], " "),
            };
            match &o.group {
                Some(g) => format!("{what} in {g}"),
                None => what,
            }
        }
    }
}

/// Puts each provision's provenance under it: who introduced it, and where its words came
/// from when that differs.
fn annotate(text: &mut TextView, blame: &Blame, instrument: &Instrument) {
    let words = |i: usize| {
        blame
            .origins
            .get(i)
            .map(|o| origin_words(o, instrument))
            .unwrap_or_default()
    };
    for section in &mut text.sections {
        for p in &mut section.provisions {
            let Some(b) = blame
                .provisions
                .iter()
                .find(|b| format!("p-{}", b.provision) == p.anchor)
            else {
                continue;
            };
            let mut from: Vec<usize> = Vec::new();
            for span in &b.spans {
                if !from.contains(&span.origin) {
                    from.push(span.origin);
                }
            }
            let introduced = words(b.introduced_by);
            let others: Vec<String> = from
                .into_iter()
                .filter(|o| *o != b.introduced_by)
                .map(words)
                .filter(|w| !w.is_empty() && *w != introduced)
                .collect();
            p.provenance = Some(if others.is_empty() {
                format!("From {introduced}.")
            } else {
                format!(
                    "Introduced by {introduced}; words from {}.",
                    others.join("; ")
                )
            });
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct CompareQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    chrome: Chrome,
    instrument: Instrument,
    old: Revision,
    new: Revision,
    summary: String,
    redline: String,
    from: String,
    to: String,
}

async fn compare(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<CompareQuery>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let instrument = load(&s, &v.actor, &id).await?;
            if q.from.is_empty() || q.to.is_empty() {
                return Err(error_page(
                    StatusCode::BAD_REQUEST,
                    "Choose two revisions to compare (from and to).",
                ));
            }
            let old = revision_of(&s, &v.actor, &instrument, &q.from).await?;
            let new = revision_of(&s, &v.actor, &instrument, &q.to).await?;
            let (a, b) = (parsed(&old)?, parsed(&new)?);
            let d = plenary_text::diff(&a, &b);
            let summary = d.summary().describe();
            // The fragment's headings sit under the page's own h1.
            let redline = plenary_text::render::redline_html(&d)
                .replace("<h2>", "<h3>")
                .replace("</h2>", "</h3>")
                .replace("<h1>", "<h2>")
                .replace("</h1>", "</h2>");
            Ok(render(&ComparePage {
                chrome: v.chrome,
                from: q.from,
                to: q.to,
                instrument,
                old,
                new,
                summary,
                redline,
            })
            .into_response())
        }
        .await,
    )
}
