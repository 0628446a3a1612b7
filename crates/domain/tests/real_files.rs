//! Real Word files with tracked changes (`../shared/data/docx`, pandoc's test files) are
//! recognized as Word by their structure: the check that refuses decompression bombs and
//! files that only begin like a format takes the real thing.

use plenary_domain::documents::recognize_file;

#[test]
fn real_word_files_are_recognized_as_word() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/docx");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing: CI must have ../shared/data",
            dir.display()
        );
        eprintln!(
            "skipped: {} is absent (it is beside the checkout in CI)",
            dir.display()
        );
        return;
    };
    let mut seen = 0;
    for e in entries.flatten() {
        let path = e.path();
        if path.extension().is_some_and(|x| x == "docx") {
            let bytes = std::fs::read(&path).unwrap_or_default();
            assert_eq!(
                recognize_file(&bytes),
                Ok("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                "{}",
                path.display()
            );
            seen += 1;
        }
    }
    assert!(seen > 0, "no .docx in {}", dir.display());
}
