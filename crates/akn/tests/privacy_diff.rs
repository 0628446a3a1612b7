//! `plenary diff` on the real right-to-privacy lineage: GA 75/176 → 77/211. The expected
//! redline is committed under tests/snapshots/; rewrite it with UPDATE_SNAPSHOTS=1 and
//! review the change.

mod common;
use plenary_text::{Status, diff, render};

fn read(path: &std::path::Path) -> plenary_text::Instrument {
    let src = std::fs::read(path).expect("readable file");
    plenary_akn::read(&src).expect("reads").instrument
}

#[test]
fn privacy_75_176_to_77_211_redline_matches_snapshot() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let old = read(&data.join("un-ga-akn4un/75_176_E.xml"));
    let new = read(&data.join("un-ga-akn4un/A_RES_77_211-2228952E.xml"));

    // The behaviour a reader relies on, stated directly.
    let d = diff(&old, &new);
    let all: Vec<_> = d.sections.iter().flat_map(|s| &s.entries).collect();
    let count = |st: Status| all.iter().filter(|e| e.status == st).count();
    assert!(
        count(Status::Unchanged) >= 5,
        "identical paragraphs stay unchanged"
    );
    assert!(
        count(Status::Added) >= 5,
        "paragraphs new in 77/211 are added"
    );
    assert!(
        count(Status::Modified) >= 5,
        "reworded paragraphs are modified"
    );
    // Reaffirms 1: the same right, so unchanged or modified with word changes only.
    let reworded = all
        .iter()
        .find(|e| e.status == Status::Modified && !e.changes.is_empty())
        .expect("a modified paragraph with word-level changes");
    assert!(reworded.old.is_some() && reworded.new.is_some());

    // What `plenary diff` prints for one pair of instruments.
    let got = render::redline_text(&d);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots/privacy_75_176_to_77_211.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &got).expect("write snapshot");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {}; run with UPDATE_SNAPSHOTS=1 and review it",
            path.display()
        )
    });
    if got != want {
        let first = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "redline differs from {} at line {}:\n got: {}\nwant: {}\n(run with UPDATE_SNAPSHOTS=1 to accept, then review)",
            path.display(),
            first + 1,
            got.lines().nth(first).unwrap_or(""),
            want.lines().nth(first).unwrap_or("")
        );
    }
}
