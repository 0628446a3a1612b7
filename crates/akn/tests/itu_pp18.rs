//! The ITU PP-18 Final Acts (a messy third-party conversion) read into its 64
//! instruments, with labels, footnotes and headings repaired.

mod common;
use plenary_akn::{AknDocument, read_collection, write_collection};
use plenary_text::{Inline, Part, Provision};

fn final_acts() -> Option<Vec<AknDocument>> {
    let data = common::data_dir()?;
    let src = std::fs::read(data.join("itu-pp/pp18_final_acts_akn.xml")).expect("PP-18 file");
    Some(read_collection(&src).expect("PP-18 reads"))
}

fn is_label(l: &str) -> bool {
    if l == "-" {
        return true;
    }
    let digits = l.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        return l[digits..].chars().all(|c| c.is_ascii_lowercase());
    }
    let core = l.strip_prefix('(').unwrap_or(l);
    core.strip_suffix(')')
        .is_some_and(|c| !c.is_empty() && c.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn starts_with_label(p: &Provision) -> bool {
    match p.text.0.first() {
        Some(Inline::Run { text }) => text.split_whitespace().next().is_some_and(|w| {
            w.len() <= 4 && w != "-" && is_label(w) && (p.label == "-" || w.ends_with(')'))
        }),
        _ => false,
    }
}

#[test]
fn final_acts_hold_61_resolutions_2_decisions_and_1_recommendation() {
    let Some(docs) = final_acts() else { return };
    assert_eq!(docs.len(), 64);
    let count = |k: &str| docs.iter().filter(|d| d.instrument.kind == k).count();
    assert_eq!(count("Resolution"), 61);
    assert_eq!(count("Decision"), 2);
    assert_eq!(count("Recommendation"), 1);
    for d in &docs {
        assert!(
            d.meta
                .warnings
                .iter()
                .any(|w| w.contains("repaired the third-party ITU conversion")),
            "{}: the repairs are reported",
            d.instrument.citation()
        );
    }
}

#[test]
fn key_resolutions_have_preamble_operative_parts_and_separate_labels() {
    let Some(docs) = final_acts() else { return };
    for n in ["101", "102", "130", "133", "175"] {
        let d = docs
            .iter()
            .find(|d| d.instrument.kind == "Resolution" && d.instrument.number == n)
            .unwrap_or_else(|| panic!("Resolution {n} is in the Final Acts"));
        let inst = &d.instrument;
        assert_eq!(inst.revision.as_deref(), Some("Rev. Dubai, 2018"));
        assert!(!inst.title.is_empty(), "Resolution {n} has a title");
        assert!(
            inst.opening
                .to_plain()
                .starts_with("The Plenipotentiary Conference")
        );
        let pre = inst
            .sections
            .iter()
            .filter(|s| s.part() == Part::Preamble)
            .count();
        let op = inst
            .sections
            .iter()
            .filter(|s| Section_is_operative(&s.heading))
            .count();
        assert!(pre >= 2, "Resolution {n}: {pre} preamble sections");
        assert!(op >= 2, "Resolution {n}: {op} operative sections");
        for (_, _, p) in inst.provisions() {
            assert!(
                is_label(&p.label),
                "Resolution {n}: bad label {:?}",
                p.label
            );
            assert!(
                !starts_with_label(p),
                "Resolution {n}: label left in the text of {}: {}",
                p.id,
                p.text.to_plain()
            );
            assert!(
                !p.text.to_plain().contains("_____"),
                "Resolution {n}: footnote left inline in {}",
                p.id
            );
        }
        // The first recital of each preamble section carries its own label.
        for s in inst.sections.iter().filter(|s| s.part() == Part::Preamble) {
            if s.provisions.len() > 1
                && let Some(first) = s.provisions.first()
            {
                assert_ne!(first.label, "-", "Resolution {n}: `{}` a) label", s.heading);
            }
        }
        // The notation round-trips (labels are valid notation labels).
        let text = plenary_text::print(inst);
        let back = plenary_text::parse(&text).unwrap_or_else(|e| {
            panic!(
                "Resolution {n}: notation does not parse: {}:{} {}",
                e.line, e.column, e.message
            )
        });
        assert_eq!(&back, inst, "Resolution {n}: notation round trip");
    }
    // Resolution 101: the heading glued to paragraph 3 becomes its own section, and the
    // footnote glued to `organizations2` becomes a reference.
    let r101 = &docs
        .iter()
        .find(|d| d.instrument.number == "101")
        .expect("101")
        .instrument;
    assert!(
        r101.sections
            .iter()
            .any(|s| s.heading
                == "instructs the Director of the Telecommunication Development Bureau")
    );
    let resolves = r101
        .sections
        .iter()
        .find(|s| s.heading == "resolves")
        .expect("resolves");
    assert_eq!(resolves.provisions[0].label, "1");
    assert!(
        resolves.provisions[0]
            .text
            .to_plain()
            .starts_with("to explore ways and means")
    );
    assert!(
        resolves.provisions[0]
            .text
            .to_plain()
            .contains("organizations[^2] involved")
    );
    let recognizing = r101
        .sections
        .iter()
        .find(|s| s.heading == "recognizing")
        .expect("recognizing");
    assert_eq!(
        recognizing.provisions[0].children.len(),
        4,
        "i) to iv) under a)"
    );
}

#[allow(non_snake_case)]
fn Section_is_operative(h: &str) -> bool {
    plenary_text::Section::part_of(h) == Some(Part::Operative)
}

#[test]
fn final_acts_export_validates_and_reads_back_the_same() {
    let Some(docs) = final_acts() else { return };
    let xml = write_collection(&docs);
    let again = read_collection(xml.as_bytes()).expect("export reads");
    assert_eq!(again.len(), docs.len());
    for (a, b) in docs.iter().zip(&again) {
        assert_eq!(a.instrument, b.instrument, "{}", a.instrument.citation());
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let out = dir.path().join("pp18.xml");
    std::fs::write(&out, xml).expect("write export");
    common::validate(&[out]);
}

#[test]
fn every_instrument_of_the_final_acts_reads_back_from_the_notation_it_prints() {
    let Some(docs) = final_acts() else { return };
    for d in &docs {
        let printed = plenary_text::print(&d.instrument);
        let read = plenary_text::parse(&printed)
            .unwrap_or_else(|e| panic!("{} does not read back: {e:?}", d.instrument.citation()));
        assert_eq!(
            read.provisions().len(),
            d.instrument.provisions().len(),
            "{}: every provision reads back as one (numbered paragraphs such as 2.1 too)",
            d.instrument.citation()
        );
    }
}
