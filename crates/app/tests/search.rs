//! Search over real UN resolutions recorded through the normal commands: every text is
//! searchable at provision level. SQLite by default, PostgreSQL when
//! `PLENARY_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::fresh_app;
use plenary_app::{App, AppError, SearchRequest};
use plenary_domain::DomainError;
use plenary_domain::access::Actor;
use plenary_domain::command::Command;
use plenary_domain::model::{
    Body, BodyId, Instrument, InstrumentId, InstrumentKind, Revision, RevisionId,
};

fn data_dir() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if d.is_dir() {
        Some(d)
    } else {
        eprintln!(
            "SKIPPED: real data not found at {} (CI always has it)",
            d.display()
        );
        None
    }
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// Records every English UN resolution file (GA and SC) as an instrument with one
/// revision, its text converted from Akoma Ntoso to the notation. Returns the revision ids.
async fn record_un_resolutions(app: &App, data: &Path) -> Vec<String> {
    let mut commands = vec![Command::EstablishBody(Body {
        id: BodyId::new("un").unwrap(),
        name: "United Nations".into(),
        acronym: "UN".into(),
    })];
    let mut revisions = Vec::new();
    let mut seen = BTreeSet::new();
    for dir in ["un-ga-akn4un", "un-sc-akn4un"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(data.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "xml"))
            .collect();
        files.sort();
        for file in files {
            let Ok(docs) = plenary_akn::read_collection(&std::fs::read(&file).unwrap()) else {
                continue;
            };
            for d in docs {
                if d.meta.language.as_deref().is_some_and(|l| l != "eng") {
                    continue;
                }
                let symbol = d
                    .meta
                    .symbol
                    .clone()
                    .unwrap_or_else(|| d.instrument.citation());
                let id = format!("un.{}", slug(&symbol));
                if id.len() > 50 || !seen.insert(id.clone()) {
                    continue;
                }
                let title = if d.instrument.title.trim().is_empty() {
                    symbol.clone()
                } else {
                    d.instrument.title.clone()
                };
                let revision = format!("{id}.adopted");
                commands.push(Command::RegisterInstrument(Instrument {
                    id: InstrumentId::new(&id).unwrap(),
                    body: BodyId::new("un").unwrap(),
                    kind: InstrumentKind::Resolution,
                    number: symbol.clone(),
                    title: title.clone(),
                    revisions: Vec::new(),
                }));
                commands.push(Command::RecordRevision(Revision {
                    id: RevisionId::new(&revision).unwrap(),
                    instrument: InstrumentId::new(&id).unwrap(),
                    citation: symbol,
                    title,
                    previous: None,
                    adopted_on: d.meta.date.as_deref().and_then(|s| {
                        time::Date::parse(
                            s,
                            time::macros::format_description!("[year]-[month]-[day]"),
                        )
                        .ok()
                    }),
                    text: plenary_text::print(&d.instrument),
                    draft: None,
                    record: None,
                }));
                revisions.push(revision);
            }
        }
    }
    app.execute_all(&Actor::system(), &commands).await.unwrap();
    revisions
}

#[tokio::test]
async fn the_right_to_privacy_in_the_digital_age_is_found_in_75_176_and_77_211_at_provision_level()
{
    let Some(data) = data_dir() else { return };
    let (app, _dir) = fresh_app().await;
    record_un_resolutions(&app, &data).await;
    let mut request = SearchRequest::new("\"right to privacy in the digital age\"");
    request.limit = 1000;
    let results = app.search(&Actor::anonymous(), &request).await.unwrap();
    let revisions: BTreeSet<String> = results
        .hits
        .iter()
        .filter_map(|h| h.place.revision.clone())
        .collect();
    for want in ["un.a-res-75-176.adopted", "un.a-res-77-211.adopted"] {
        assert!(revisions.contains(want), "{want} not among {revisions:?}");
    }
    for hit in &results.hits {
        assert_eq!(hit.kind, "provision");
        let anchor = hit.place.anchor.as_deref().expect("a provision's anchor");
        assert!(anchor.starts_with("provision-"), "{anchor}");
        assert!(hit.place.label.is_some() && hit.place.section.is_some());
        let marked: String = hit
            .snippet
            .iter()
            .filter(|p| p.mark)
            .map(|p| p.text.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(marked.contains("privacy"), "{marked}");
    }
    assert_eq!(results.total as usize, results.hits.len());
}

#[tokio::test]
async fn every_recorded_un_resolution_is_searchable_by_its_own_words() {
    let Some(data) = data_dir() else { return };
    let (app, _dir) = fresh_app().await;
    let revisions = record_un_resolutions(&app, &data).await;
    assert!(
        revisions.len() >= 15,
        "only {} resolutions read",
        revisions.len()
    );
    for id in &revisions {
        let revision = app
            .revision(&Actor::anonymous(), id)
            .await
            .unwrap()
            .unwrap();
        // A text that does not parse back is indexed whole: look for its last words.
        let source = match plenary_text::parse(&revision.text) {
            Ok(instrument) => instrument
                .sections
                .iter()
                .flat_map(|s| &s.provisions)
                .map(|p| p.text.to_plain())
                .find(|t| !t.contains('[') && t.split_whitespace().count() >= 6),
            Err(_) => Some(revision.text.clone()),
        };
        let Some(source) = source else { continue };
        let words: Vec<String> = source
            .split_whitespace()
            .rev()
            .take(6)
            .map(|w| w.replace('"', ""))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let q = format!("\"{}\"", words.join(" "));
        let mut request = SearchRequest::new(&q);
        request.limit = 1000;
        let results = app.search(&Actor::anonymous(), &request).await.unwrap();
        assert!(
            results
                .hits
                .iter()
                .any(|h| h.place.revision.as_deref() == Some(id.as_str())),
            "{id}: {q} not found"
        );
    }
}

#[tokio::test]
async fn a_bad_query_is_refused_naming_the_field() {
    let (app, _dir) = fresh_app().await;
    for (q, limit, field) in [
        ("\"open", 20, "q"),
        ("", 20, "q"),
        ("privacy", 0, "limit"),
        ("privacy", 5000, "limit"),
    ] {
        let mut request = SearchRequest::new(q);
        request.limit = limit;
        let err = app.search(&Actor::anonymous(), &request).await.unwrap_err();
        assert!(
            matches!(&err, AppError::Domain(DomainError::InvalidField { field: f, .. }) if f == field),
            "{q}: {err}"
        );
    }
}

#[tokio::test]
async fn drafts_are_searchable_with_open_brackets_and_withdrawn_text_marked() {
    let (app, _dir) = fresh_app().await;
    plenary_app::demo::load(&app).await.unwrap();
    // Brazil's withdrawn privacy paragraph left the draft of Resolution 102 but stays
    // findable, marked withdrawn.
    let mut request = SearchRequest::new("\"people have offline\"");
    request.limit = 100;
    let results = app.search(&Actor::anonymous(), &request).await.unwrap();
    let withdrawn: Vec<_> = results
        .hits
        .iter()
        .filter(|h| h.place.draft.as_deref() == Some("pp-14.dt-res-102"))
        .collect();
    assert!(!withdrawn.is_empty(), "{:?}", results.hits);
    assert!(
        withdrawn
            .iter()
            .all(|h| h.status == Some(plenary_domain::search::Status::Withdrawn))
    );
    assert!(withdrawn.iter().all(|h| h.sponsors == ["BRA"]));
    // The Arab States' alternative in the bracketed draft of Resolution 133 is found as
    // text inside an open bracket, with its sponsors.
    let mut request = SearchRequest::new("\"six official languages\"");
    request.limit = 100;
    let results = app.search(&Actor::anonymous(), &request).await.unwrap();
    let open: Vec<_> = results
        .hits
        .iter()
        .filter(|h| h.place.draft.as_deref() == Some("pp-14.dt-res-133"))
        .collect();
    assert_eq!(open.len(), 1, "{:?}", results.hits);
    assert_eq!(
        open[0].status,
        Some(plenary_domain::search::Status::OpenBracket)
    );
    assert!(
        open[0].sponsors.contains(&"ASMG".to_owned()),
        "{:?}",
        open[0].sponsors
    );
}
