//! Bad input gets a clear error, never a panic; drafts with brackets export and read
//! back unchanged, and the export is schema-valid.

mod common;
use plenary_akn::{AknDocument, read, read_collection, write, write_instrument};

fn err(src: &str) -> String {
    read(src.as_bytes())
        .expect_err("must be refused")
        .to_string()
}

#[test]
fn malformed_xml_is_refused_with_a_clear_message() {
    assert!(err("<akomaNtoso><statement>").contains("not closed"));
    assert!(err("<akomaNtoso></statement>").contains("malformed XML"));
    assert!(err("<a b='1' b='2'/>").contains("malformed XML"));
    assert!(err("<akomaNtoso>&nope;</akomaNtoso>").contains("entity"));
    assert!(err("").contains("not XML"));
    assert!(err("Resolution 1\nTitle").contains("not XML"));
    assert!(
        read(b"\xff\xfe<")
            .expect_err("bad utf-8")
            .message
            .contains("UTF-8")
    );
}

#[test]
fn xml_that_is_not_akoma_ntoso_is_refused() {
    assert!(err("<html><body/></html>").contains("not Akoma Ntoso"));
    assert!(err("<akomaNtoso/>").contains("holds no document"));
    assert!(err("<akomaNtoso><foo/></akomaNtoso>").contains("not an Akoma Ntoso document type"));
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let src = format!("<akomaNtoso>{}", "<p>".repeat(10_000));
    assert!(err(&src).contains("deeper"));
}

#[test]
fn a_collection_read_as_one_document_names_the_count() {
    let inst = plenary_text::parse("Resolution 1\nOne\n\n## resolves\n1 to act;\n").expect("parse");
    let two =
        plenary_akn::write_collection(&[AknDocument::new(inst.clone()), AknDocument::new(inst)]);
    assert!(
        read(two.as_bytes())
            .expect_err("two")
            .message
            .contains("2 instruments")
    );
    assert_eq!(
        read_collection(two.as_bytes()).expect("collection").len(),
        2
    );
}

const DRAFT: &str = "\
Draft new Resolution ARB/1
ITU's role with regard to international public policy issues pertaining to the Internet
sponsors: ARB, RCC

The Plenipotentiary Conference of the International Telecommunication Union (Busan, 2014),

## considering
a) that the purpose of the Union is to [{ARB} promote | {USA,CAN} encourage] cooperation;
b) that <markup> & \"quotes\" survive[^1];

## resolves
1 to continue to [{RCC} play an active role |] in this field;
2 {#res-keep} to invite Member States:
    a) to participate [{USA} promote [{ARB} open | {RCC} secure] networks | {CHN} develop];
    b) [{NOC,ARB} base text | {USA} new text];

## instructs the Secretary-General
- to report;

[^1]: A footnote with [{ARB} its own | {USA} a] bracket.
";

#[test]
fn draft_with_brackets_round_trips_through_akoma_ntoso() {
    let inst = plenary_text::parse(DRAFT).expect("notation parses");
    let xml = write_instrument(&inst);
    let back = read(xml.as_bytes()).expect("export reads").instrument;
    assert_eq!(back, inst);
    // And again, through the full document.
    let doc = read(xml.as_bytes()).expect("reads");
    assert_eq!(
        read(write(&doc).as_bytes()).expect("reads").instrument,
        inst
    );
    assert!(xml.contains("<inline name=\"bracket\""));
    assert!(xml.contains("showAs=\"USA\""));

    let Some(_) = common::data_dir() else { return };
    let dir = tempfile::tempdir().expect("temporary directory");
    let out = dir.path().join("draft.xml");
    std::fs::write(&out, xml).expect("write");
    common::validate(&[out]);
}

#[test]
fn empty_instrument_exports_valid_and_reads_back() {
    let inst = plenary_text::Instrument::new("Decision", "5", None, "");
    let xml = write_instrument(&inst);
    assert_eq!(read(xml.as_bytes()).expect("reads").instrument, inst);
    let Some(_) = common::data_dir() else { return };
    let dir = tempfile::tempdir().expect("temporary directory");
    let out = dir.path().join("empty.xml");
    std::fs::write(&out, xml).expect("write");
    common::validate(&[out]);
}

#[test]
fn a_part_that_is_not_imported_is_named_with_its_size() {
    let src = r#"<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><statement name="resolution"><preface><p><docType>Resolution</docType> <docNumber>1</docNumber> <docTitle>A title</docTitle></p></preface><mainBody><paragraph eId="para_1"><num>1</num><content><p>Decides to act;</p></content></paragraph></mainBody><conclusions><p>Signed in Busan by forty delegations.</p></conclusions></statement></akomaNtoso>"#;
    let doc = read(src.as_bytes()).expect("reads");
    let said: Vec<&String> = doc
        .meta
        .warnings
        .iter()
        .filter(|w| w.contains("<conclusions>"))
        .collect();
    assert_eq!(said.len(), 1, "{:?}", doc.meta.warnings);
    assert!(said[0].contains("characters of text"), "{said:?}");
}

#[test]
fn invisible_characters_in_a_document_are_read_as_spaces_so_its_text_prints() {
    let src = "<akomaNtoso xmlns=\"http://docs.oasis-open.org/legaldocml/ns/akn/3.0\"><statement name=\"resolution\"><preface><p><docType>Resolution</docType> <docNumber>1</docNumber> <docTitle>A\u{85}title</docTitle></p></preface><mainBody><paragraph eId=\"para_1\"><num>1</num><content><p>Decides\u{9f} to\u{feff} act;</p></content></paragraph></mainBody></statement></akomaNtoso>";
    let doc = read(src.as_bytes()).expect("reads");
    let printed = plenary_text::print(&doc.instrument);
    let again = plenary_text::parse(&printed).expect("prints to notation that reads back");
    assert_eq!(again.title, "A title");
    assert_eq!(
        again.sections[0].provisions[0].text.to_plain(),
        "Decides to act;"
    );
}
