//! Security Council drafts that were not adopted: workflow outcome, veto, votes.

mod common;

#[test]
fn vetoed_draft_reads_with_its_veto_and_the_vetoing_member() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let src = std::fs::read(data.join("un-sc-akn4un/not-adopted-drafts/S_2023_506-2313545E.xml"))
        .expect("draft file");
    let d = plenary_akn::read(&src).expect("reads");
    assert_eq!(d.meta.doc_name, "draftResolution");
    assert_eq!(d.instrument.kind, "Draft resolution");
    assert_eq!(d.meta.symbol.as_deref(), Some("S/2023/506"));
    assert_eq!(d.meta.outcome(), Some("veto"));
    assert_eq!(d.meta.vetoed_by, vec!["Russian Federation".to_string()]);
    let veto = d.meta.workflow.last().expect("a veto step");
    assert_eq!(veto.date, "2023-07-11");
    assert_eq!(veto.document.as_deref(), Some("S/PV.9371"));
    let v = d.meta.votes.as_ref().expect("a recorded vote");
    assert_eq!((v.yes, v.no, v.abstain), (Some(13), Some(1), Some(1)));
    assert_eq!(
        d.meta.sponsors,
        vec!["Brazil".to_string(), "Switzerland".to_string()]
    );
    assert_eq!(d.instrument.meta("sponsors"), Some("Brazil, Switzerland"));
}

#[test]
fn a_veto_sentence_ending_with_the_meeting_record_still_names_the_member() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let src = std::fs::read(data.join("un-sc-akn4un/not-adopted-drafts/S_2023_638-2316801E.xml"))
        .expect("draft file");
    let d = plenary_akn::read(&src).expect("reads");
    assert_eq!(d.meta.vetoed_by, vec!["Russian Federation".to_string()]);
}

#[test]
fn an_operative_paragraph_opening_with_an_italic_adverb_is_headed_by_adverb_and_verb() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let src = std::fs::read(data.join("un-sc-akn4un/not-adopted-drafts/S_2023_792-2320737E.xml"))
        .expect("draft file");
    let d = plenary_akn::read(&src).expect("reads");
    let headings: Vec<&str> = d
        .instrument
        .sections
        .iter()
        .map(|s| s.heading.as_str())
        .collect();
    assert!(headings.contains(&"Further expresses"), "{headings:?}");
    assert!(!headings.contains(&"Further"), "{headings:?}");
    let section = d
        .instrument
        .sections
        .iter()
        .find(|s| s.heading == "Further expresses")
        .expect("the section");
    let text = section.provisions[0].text.to_plain();
    assert!(text.starts_with("its deepest sympathy"), "{text}");
}

#[test]
fn failed_draft_lists_the_voters_from_the_akn4un_extension() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let src = std::fs::read(data.join("un-sc-akn4un/not-adopted-drafts/S_2023_212-2305680E.xml"))
        .expect("draft file");
    let d = plenary_akn::read(&src).expect("reads");
    assert_eq!(d.meta.outcome(), Some("notAdopted"));
    assert!(d.meta.vetoed_by.is_empty());
    let v = d.meta.votes.as_ref().expect("a recorded vote");
    assert_eq!(v.yes, Some(3));
    assert_eq!(v.yes_voters, vec!["BRAZIL", "CHINA", "RUSSIAN FEDERATION"]);
    assert_eq!(v.abstain, Some(12));
    assert_eq!(v.abstain_voters.len(), 12);
    assert!(d.meta.sponsors.contains(&"Russian Federation".to_string()));
    assert!(
        d.meta
            .sponsors
            .contains(&"Bolivarian Republic of Venezuela".to_string())
    );
}

#[test]
fn general_assembly_recorded_vote_and_frbr_identifiers() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let src = std::fs::read(data.join("un-ga-akn4un/75_240_E.xml")).expect("file");
    let d = plenary_akn::read(&src).expect("reads");
    let v = d.meta.votes.as_ref().expect("vote");
    assert_eq!(v.outcome, "adoptedRecordedVote");
    assert_eq!((v.yes, v.no, v.abstain), (Some(92), Some(50), Some(21)));
    assert!(
        d.meta
            .frbr_work
            .as_deref()
            .is_some_and(|w| w.starts_with("/akn/un/statement/deliberation/unga/"))
    );
    assert!(
        d.meta
            .frbr_expression
            .as_deref()
            .is_some_and(|w| w.contains("eng@"))
    );
    assert_eq!(d.instrument.number, "75/240");
}

#[test]
fn schema_invalid_un_files_read_leniently_with_a_warning() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let src = std::fs::read(data.join("un-ga-akn4un/A_RES_80_173-2520874E.xml")).expect("file");
    let d = plenary_akn::read(&src).expect("reads");
    assert!(
        d.meta.warnings.iter().any(|w| w.contains("preambles")),
        "{:?}",
        d.meta.warnings
    );
    let src = std::fs::read(data.join("un-sc-akn4un/S_PRST_2000_10-0035804E.xml")).expect("file");
    let d = plenary_akn::read(&src).expect("reads");
    assert!(
        d.meta.warnings.iter().any(|w| w.contains("no date")),
        "{:?}",
        d.meta.warnings
    );
    assert_eq!(d.instrument.kind, "Presidential statement");
}
