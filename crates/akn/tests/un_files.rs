//! Every official UN file reads, survives read → write → read unchanged, and every
//! export validates against the OASIS 2018 schema.

mod common;
use plenary_akn::{AknDocument, read_collection, write_collection};

fn without_warnings(docs: &[AknDocument]) -> Vec<AknDocument> {
    docs.iter()
        .cloned()
        .map(|mut d| {
            d.meta.warnings.clear();
            d
        })
        .collect()
}

#[test]
fn every_un_file_round_trips_and_its_export_is_schema_valid() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let mut files = common::xml_files(&data.join("un-ga-akn4un"));
    files.extend(common::xml_files(&data.join("un-sc-akn4un")));
    assert!(
        files.len() >= 40,
        "expected the UN files, found {}",
        files.len()
    );
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut exports = Vec::new();
    for f in &files {
        let src = std::fs::read(f).expect("readable file");
        let docs = read_collection(&src).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for d in &docs {
            assert!(
                !d.instrument.sections.is_empty(),
                "{}: no sections read",
                f.display()
            );
        }
        let xml = write_collection(&docs);
        let again = read_collection(xml.as_bytes())
            .unwrap_or_else(|e| panic!("{}: export unreadable: {e}", f.display()));
        let (a, b) = (without_warnings(&docs), without_warnings(&again));
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(
                x.instrument,
                y.instrument,
                "{}: instrument changed",
                f.display()
            );
            assert_eq!(x.meta, y.meta, "{}: metadata changed", f.display());
        }
        assert_eq!(a.len(), b.len());
        let out = dir.path().join(f.file_name().expect("file name"));
        std::fs::write(&out, xml).expect("write export");
        exports.push(out);
    }
    common::validate(&exports);
}

/// A delegate can take any English UN resolution or statement into the notation and back:
/// the notation text parses to the same instrument. (S/PRST/2000/10's paragraphs stand
/// under no keyword: its heading is written `##! text`.) Adopted texts only: see below
/// for the drafts.
#[test]
fn english_un_resolutions_convert_to_notation_that_parses_back() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let mut checked = 0;
    for dir in ["un-ga-akn4un", "un-sc-akn4un"] {
        for file in common::xml_files(&data.join(dir)) {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let draft = file
                .components()
                .any(|c| c.as_os_str() == "not-adopted-drafts");
            if !name.ends_with("E.xml") || draft {
                continue;
            }
            let bytes = std::fs::read(&file).expect("read");
            for doc in plenary_akn::read_collection(&bytes).expect("reads") {
                let text = plenary_text::print(&doc.instrument);
                let back = plenary_text::parse(&text)
                    .unwrap_or_else(|e| panic!("{name}: notation does not parse back: {e}"));
                assert_eq!(back, doc.instrument, "{name}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 15, "only {checked} resolutions checked");
}

/// Every UN text in every language reads into notation that parses back, section by
/// section: translations' headings (`Réaffirmant`, `重申`) and a statement's unheaded
/// paragraphs are written `##! heading` and taken as written, so each provision of a
/// translation keeps its place (search finds translations at provision level).
#[test]
fn every_un_text_in_every_language_converts_to_notation_that_parses_back() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let mut languages = std::collections::BTreeSet::new();
    for dir in ["un-ga-akn4un", "un-sc-akn4un"] {
        for file in common::xml_files(&data.join(dir)) {
            let bytes = std::fs::read(&file).expect("read");
            for doc in plenary_akn::read_collection(&bytes).expect("reads") {
                let text = plenary_text::print(&doc.instrument);
                let back = plenary_text::parse(&text).unwrap_or_else(|e| {
                    panic!("{}: notation does not parse back: {e}", file.display())
                });
                let headings = |i: &plenary_text::Instrument| -> Vec<String> {
                    i.sections.iter().map(|s| s.heading.clone()).collect()
                };
                assert_eq!(
                    headings(&back),
                    headings(&doc.instrument),
                    "{}",
                    file.display()
                );
                assert_eq!(
                    back.provisions().len(),
                    doc.instrument.provisions().len(),
                    "{}",
                    file.display()
                );
                languages.insert(doc.meta.language.clone().unwrap_or_default());
            }
        }
    }
    assert!(languages.len() >= 7, "{languages:?}");
}
