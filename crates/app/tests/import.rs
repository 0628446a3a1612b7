//! Importing the real UN records (../shared/data) into a real store: SQLite by default,
//! PostgreSQL (a fresh schema per test) when `PLENARY_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "../../akn/tests/common/mod.rs"]
mod shared_data;

use shared_data::{data_dir, validate, xml_files};
use std::path::{Path, PathBuf};

use plenary_app::App;
use plenary_app::import::{FileReport, SourceFile};
use plenary_domain::access::Actor;
use plenary_domain::model::{Instrument, Revision};
use plenary_domain::records::{Decision, StateRef};

fn un_files(data: &Path) -> Vec<PathBuf> {
    let mut files = xml_files(&data.join("un-ga-akn4un"));
    files.extend(xml_files(&data.join("un-sc-akn4un")));
    files
}

fn source(path: &Path) -> SourceFile {
    SourceFile {
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
        bytes: std::fs::read(path).unwrap(),
    }
}

fn find(data: &Path, name_starts: &str) -> PathBuf {
    un_files(data)
        .into_iter()
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(name_starts)
        })
        .unwrap_or_else(|| panic!("no UN file {name_starts}*"))
}

async fn import_all(app: &App, files: Vec<SourceFile>) -> Vec<FileReport> {
    app.import_akn(&Actor::system(), files)
        .await
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

fn ids(refs: &[StateRef]) -> Vec<&str> {
    refs.iter()
        .map(|s| s.member.as_ref().map_or("?", |m| m.as_str()))
        .collect()
}

#[tokio::test]
async fn every_official_un_file_imports_and_one_title_is_one_instrument() {
    let Some(data) = data_dir() else { return };
    let (app, _dir) = common::fresh_app().await;
    let files = un_files(&data);
    assert!(
        files.len() >= 40,
        "expected the UN files, found {}",
        files.len()
    );
    let reports = import_all(&app, files.iter().map(|f| source(f)).collect()).await;
    let revisions: usize = reports.iter().map(|r| r.revisions.len()).sum();
    let translations: usize = reports.iter().map(|r| r.translations).sum();
    // 75/101 holds parts A and B; ES-11/1 comes in seven languages (six translations).
    assert_eq!(revisions, files.len() - 6 + 1);
    assert_eq!(translations, 6);

    let reader = Actor::anonymous();
    let ga: Vec<Instrument> = app.instruments(&reader, "un-ga").await.unwrap();
    let privacy = ga
        .iter()
        .find(|i| i.id.as_str() == "un-ga.the-right-to-privacy-in-the-digital-age")
        .expect("the privacy instrument");
    let lineage: Vec<&str> = privacy.revisions.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(lineage, ["a-res-75-176", "a-res-77-211"]);
    let later: Revision = app
        .revision(&reader, "a-res-77-211")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(later.previous.as_ref().unwrap().as_str(), "a-res-75-176");
    assert!(
        later.text.starts_with("Resolution 77/211"),
        "{}",
        later.text
    );
    let security = ga
        .iter()
        .find(|i| {
            i.title
                .starts_with("Developments in the field of information")
        })
        .expect("the ICT security instrument");
    assert_eq!(security.revisions.len(), 3, "{:?}", security.revisions);

    // The two files the schema rejects are imported leniently, their warnings kept.
    for (id, warning) in [
        ("a-res-80-173", "2 preambles"),
        ("s-prst-2000-10", "has no date"),
    ] {
        let r = app.revision_record(&reader, id).await.unwrap().unwrap();
        let record = r.record.unwrap();
        assert!(
            record
                .provenance
                .warnings
                .iter()
                .any(|w| w.contains(warning)),
            "{id}: {:?}",
            record.provenance.warnings
        );
        assert_eq!(record.provenance.sha256.len(), 64);
    }
    let es11 = app
        .revision_record(&reader, "a-res-es-11-1")
        .await
        .unwrap()
        .unwrap();
    let languages: Vec<&str> = es11
        .translations
        .iter()
        .map(|t| t.language.as_str())
        .collect();
    assert_eq!(languages.len(), 6, "{languages:?}");
    assert!(languages.contains(&"fra"), "{languages:?}");
    assert!(matches!(
        app.verify().await.unwrap(),
        plenary_store::Verification::Intact(_)
    ));
}

#[tokio::test]
async fn reimporting_a_file_is_recognised_and_writes_nothing() {
    let Some(data) = data_dir() else { return };
    let (app, _dir) = common::fresh_app().await;
    let file = source(&find(&data, "A_RES_77_211"));
    let first = import_all(&app, vec![file.clone()]).await;
    assert!(!first[0].already_imported);
    let head = app.head().await.unwrap();
    let again = import_all(&app, vec![file]).await;
    assert!(again[0].already_imported);
    assert_eq!(app.head().await.unwrap(), head);
}

#[tokio::test]
async fn import_export_import_gives_the_same_model_and_exports_validate() {
    let Some(data) = data_dir() else { return };
    let (original, _d1) = common::fresh_app().await;
    let (exported, _d2) = common::fresh_app().await;
    let files = un_files(&data);
    let out = tempfile::tempdir().unwrap();
    let mut exports = Vec::new();
    let mut written = Vec::new();
    for f in &files {
        let src = source(f);
        let docs = plenary_akn::read_collection(&src.bytes).unwrap();
        let xml = plenary_akn::write_collection(&docs);
        let path = out.path().join(&src.name);
        std::fs::write(&path, &xml).unwrap();
        written.push(path);
        exports.push(SourceFile {
            name: src.name.clone(),
            bytes: xml.into_bytes(),
        });
    }
    let a = import_all(&original, files.iter().map(|f| source(f)).collect()).await;
    let b = import_all(&exported, exports).await;
    let reader = Actor::anonymous();
    let mut compared = 0;
    for (ra, rb) in a.iter().zip(&b) {
        assert_eq!(ra.revisions, rb.revisions, "{}", ra.file);
        for id in &ra.revisions {
            let mut x = original
                .revision(&reader, id.as_str())
                .await
                .unwrap()
                .unwrap();
            let mut y = exported
                .revision(&reader, id.as_str())
                .await
                .unwrap()
                .unwrap();
            // Provenance names the bytes read: the export's differ, and its reader has
            // nothing to repair.
            for r in [&mut x, &mut y] {
                r.record.as_mut().unwrap().provenance.sha256.clear();
                r.record.as_mut().unwrap().provenance.warnings.clear();
            }
            assert_eq!(x, y, "{}: {id}", ra.file);
            compared += 1;
        }
    }
    assert_eq!(compared, a.iter().map(|r| r.revisions.len()).sum::<usize>());
    assert!(compared >= 39, "{compared}");
    validate(&written);
}

#[tokio::test]
async fn a_vetoed_security_council_draft_keeps_its_veto_and_the_vetoing_member() {
    let Some(data) = data_dir() else { return };
    let (app, _dir) = common::fresh_app().await;
    import_all(&app, vec![source(&find(&data, "S_2023_506"))]).await;
    let view = app
        .revision_record(&Actor::anonymous(), "s-2023-506")
        .await
        .unwrap()
        .expect("the draft");
    assert_eq!(view.symbol.as_deref(), Some("S/2023/506"));
    let record = view.record.unwrap();
    assert_eq!(record.issued_by.as_str(), "un-sc");
    assert_eq!(record.document_type, "draftResolution");
    assert_eq!(
        record.frbr_work.as_deref(),
        Some("/akn/un/statement/deliberation/unsc/2023-07-11/2023-506/")
    );
    let Decision::Vetoed { vetoed_by, tally } = &record.decision else {
        panic!("not vetoed: {:?}", record.decision);
    };
    assert_eq!(ids(vetoed_by), ["rus"]);
    let tally = tally.as_ref().unwrap();
    assert_eq!((tally.yes, tally.no, tally.abstain), (13, 1, 1));
    assert_eq!(ids(&tally.no_members), ["rus"]);
    assert_eq!(ids(&tally.abstain_members), ["chn"]);
    let veto = record.workflow.last().unwrap();
    assert_eq!(
        (veto.outcome.as_str(), veto.document.as_deref()),
        ("veto", Some("S/PV.9371"))
    );
    let sponsors: Vec<(&str, bool)> = record
        .sponsors
        .iter()
        .map(|s| (s.state.member.as_ref().unwrap().as_str(), s.additional))
        .collect();
    assert_eq!(sponsors, [("bra", false), ("che", false)]);
    // Not adopted: no adoption date on the revision.
    let revision = app
        .revision(&Actor::anonymous(), "s-2023-506")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(revision.adopted_on, None);
}

fn votes_file(data: &Path, name: &str) -> SourceFile {
    source(&data.join("un-votes").join(name))
}

#[tokio::test]
async fn votes_attach_to_their_resolution_whichever_is_imported_first() {
    let Some(data) = data_dir() else { return };
    let system = Actor::system();
    let reader = Actor::anonymous();
    let texts = || {
        vec![
            source(&find(&data, "A_RES_77_211")),
            source(&find(&data, "A_RES_77_36")),
        ]
    };
    let (texts_first, _d1) = common::fresh_app().await;
    import_all(&texts_first, texts()).await;
    texts_first
        .import_votes(&system, votes_file(&data, "ga/77.json"))
        .await
        .unwrap();
    let (votes_first, _d2) = common::fresh_app().await;
    let report = votes_first
        .import_votes(&system, votes_file(&data, "ga/77.json"))
        .await
        .unwrap();
    assert!(report.votes > 300, "{report:?}");
    import_all(&votes_first, texts()).await;

    for id in ["a-res-77-211", "a-res-77-36"] {
        let a = texts_first
            .revision_record(&reader, id)
            .await
            .unwrap()
            .unwrap();
        let b = votes_first
            .revision_record(&reader, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(a.votes, b.votes, "{id}");
    }
    let privacy = texts_first
        .revision_record(&reader, "a-res-77-211")
        .await
        .unwrap()
        .unwrap();
    let v = privacy.votes.expect("the vote on A/RES/77/211");
    assert_eq!(v.adoption, "Without a vote");
    assert_eq!(v.tally, None);
    assert_eq!(v.meeting.as_deref(), Some("54th plenary meeting"));
    assert_eq!(v.meeting_record.as_deref(), Some("A/77/PV.54"));
    assert_eq!(v.date, Some(time::macros::date!(2022 - 12 - 15)));
    let original = v.sponsors.iter().filter(|s| !s.additional).count();
    assert_eq!(original, 37);
    let bolivia = v
        .sponsors
        .iter()
        .find(|s| s.state.name == "BOLIVIA (PLURINATIONAL STATE OF)")
        .unwrap();
    assert!(bolivia.additional);
    assert_eq!(bolivia.state.member.as_ref().unwrap().as_str(), "bol");

    let security = texts_first
        .revision_record(&reader, "a-res-77-36")
        .await
        .unwrap()
        .unwrap();
    let tally = security.votes.unwrap().tally.expect("a recorded vote");
    assert_eq!((tally.yes, tally.no, tally.abstain), (112, 52, 8));
    assert_eq!(tally.yes_members.len(), 112);
    assert_eq!(tally.no_members.len(), 52);
    assert_eq!(tally.abstain_members.len(), 8);
    assert!(ids(&tally.no_members).contains(&"usa"));
    assert!(ids(&tally.yes_members).contains(&"rus"));
    // The text's own record of the vote agrees.
    let Decision::AdoptedByVote { tally: own } = security.record.unwrap().decision else {
        panic!("77/36 was adopted by a recorded vote");
    };
    assert_eq!((own.yes, own.no, own.abstain), (112, 52, 8));
}

#[tokio::test]
async fn a_bad_json_line_is_named_by_file_and_line_and_nothing_of_the_file_is_stored() {
    let Some(data) = data_dir() else { return };
    let (app, _dir) = common::fresh_app().await;
    let good = std::fs::read_to_string(data.join("un-votes/ga/77.json")).unwrap();
    let mut lines: Vec<&str> = good.lines().take(5).collect();
    lines.insert(2, r#"{"symbol": "A/RES/77/3", "MS_in_favour": [}"#);
    let head = app.head().await.unwrap();
    let err = app
        .import_votes(
            &Actor::system(),
            SourceFile {
                name: "broken.json".into(),
                bytes: lines.join("\n").into_bytes(),
            },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("broken.json:3: "), "{err}");
    assert_eq!(app.head().await.unwrap(), head);

    lines[2] = r#"{"symbol": "E/RES/2024/1"}"#;
    let err = app
        .import_votes(
            &Actor::system(),
            SourceFile {
                name: "other.json".into(),
                bytes: lines.join("\n").into_bytes(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("other.json:3: symbol: 'E/RES/2024/1'"),
        "{err}"
    );
    assert_eq!(app.head().await.unwrap(), head);
}

#[tokio::test]
async fn malformed_xml_is_refused_with_its_position_and_the_other_files_still_import() {
    let Some(data) = data_dir() else { return };
    let (app, _dir) = common::fresh_app().await;
    let broken = SourceFile {
        name: "broken.xml".into(),
        bytes: b"<akomaNtoso xmlns=\"http://docs.oasis-open.org/legaldocml/ns/akn/3.0\">\n<act><meta></act>".to_vec(),
    };
    let results = app
        .import_akn(
            &Actor::system(),
            vec![broken, source(&find(&data, "A_RES_77_211"))],
        )
        .await;
    let err = results[0].as_ref().unwrap_err().to_string();
    assert!(err.starts_with("broken.xml:2:"), "{err}");
    let ok = results[1].as_ref().unwrap();
    assert_eq!(ok.revisions.len(), 1);
    assert!(
        app.revision(&Actor::anonymous(), "a-res-77-211")
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn an_older_revision_after_a_newer_one_is_refused_and_one_run_orders_them() {
    let Some(data) = data_dir() else { return };
    let (app, _dir) = common::fresh_app().await;
    import_all(&app, vec![source(&find(&data, "A_RES_77_211"))]).await;
    let head = app.head().await.unwrap();
    let results = app
        .import_akn(&Actor::system(), vec![source(&find(&data, "75_176"))])
        .await;
    let err = results[0].as_ref().unwrap_err().to_string();
    assert!(err.contains("revisions are recorded oldest first"), "{err}");
    assert_eq!(app.head().await.unwrap(), head);

    // Given newest first in one run, they are recorded oldest first.
    let (app, _dir) = common::fresh_app().await;
    let reports = import_all(
        &app,
        vec![
            source(&find(&data, "A_RES_77_211")),
            source(&find(&data, "75_176")),
        ],
    )
    .await;
    assert_eq!(reports[0].file, "75_176_E.xml");
}
