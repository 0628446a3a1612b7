//! `plenary import` through the real binary: everything in ../shared/data imports and is
//! then searchable through the API (every text in its own language, every recorded vote),
//! a second run writes nothing, a bad file is named and the exit code says so, and the API
//! serves a revision's record — on SQLite, and on PostgreSQL when
//! `PLENARY_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../akn/tests/common/mod.rs"]
mod shared_data;
mod support;

use std::path::{Path, PathBuf};

use plenary_store_postgres::testing::PostgresHarness;
use shared_data::{data_dir, xml_files};
use support::{Server, http, run, stdout};

/// The voting records (`.json`) under `un-votes`, sorted.
fn vote_files(data: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for body in ["ga", "sc"] {
        for e in std::fs::read_dir(data.join("un-votes").join(body)).unwrap() {
            out.push(e.unwrap().path().to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

fn strings(paths: Vec<PathBuf>) -> Vec<String> {
    paths
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The number of events `plenary verify` finds intact.
fn events(store: &[&str]) -> u64 {
    let mut args = vec!["verify"];
    args.extend_from_slice(store);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    stdout(&out)
        .strip_prefix("intact: ")
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}", stdout(&out)))
}

fn import(store: &[&str], what: &str, files: &[String]) -> std::process::Output {
    let mut args = vec!["import", what];
    args.extend(files.iter().map(String::as_str));
    args.extend_from_slice(store);
    run(&args)
}

fn everything_imports_once_and_a_second_run_writes_nothing(store: &[&str]) {
    let Some(data) = data_dir() else { return };
    let mut akn = strings(xml_files(&data.join("un-ga-akn4un")));
    akn.extend(strings(xml_files(&data.join("un-sc-akn4un"))));
    akn.extend(strings(xml_files(&data.join("itu-pp"))));
    let votes = vote_files(&data);

    let out = import(store, "akn", &akn);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("A_RES_77_211-2228952E.xml: imported 0 instruments, 1 revision"),
        "77/211 joins the instrument of 75/176:\n{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("pp18_final_acts_akn.xml: imported 64 instruments, 64 revisions"),
        "{}",
        stdout(&out)
    );
    let out = import(store, "votes", &votes);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("77.json: imported 343 vote records"),
        "{}",
        stdout(&out)
    );
    let after_first = events(store);
    everything_imported_is_searchable(store, &akn, &votes);

    for (what, files) in [("akn", &akn), ("votes", &votes)] {
        let out = import(store, what, files);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        assert_eq!(
            text.lines()
                .filter(|l| l.ends_with("already imported (same SHA-256); nothing written"))
                .count(),
            files.len(),
            "{text}"
        );
    }
    assert_eq!(events(store), after_first);
}

/// Percent-encodes a query parameter's value.
fn encoded(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `GET /api/v1/search` with these parameters, as JSON.
fn search(port: u16, params: &[(&str, &str)]) -> serde_json::Value {
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", encoded(v)))
        .collect();
    let path = format!("/api/v1/search?{}", query.join("&"));
    let (status, body) = http(port, "GET", &path, None, None).unwrap();
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// A run of words from a text to look for as a phrase: five words from the middle, or
/// for a text without spaces (Chinese) eight characters.
fn phrase_from(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let picked = if words.len() >= 8 {
        words[2..7].join(" ")
    } else {
        // The longest run of Chinese characters (punctuation ends a run).
        let run = text
            .split(|c: char| !(c.is_alphabetic() && c as u32 > 0x2E80))
            .max_by_key(|r| r.chars().count())?;
        let chars: Vec<char> = run.chars().collect();
        if chars.len() < 10 {
            return None;
        }
        chars[1..9].iter().collect()
    };
    Some(picked.replace('"', " "))
}

/// Acceptance: after `plenary import`, everything imported is found through the API. The
/// right to privacy in the digital age at provision level in GA 75/176 and 77/211 (with
/// anchors); a phrase of every imported document in its own language (translations
/// included: ES-11/1 in Arabic, Chinese, French, German, Russian and Spanish); and the
/// first recorded vote of every voting record file, by its title.
fn everything_imported_is_searchable(store: &[&str], akn: &[String], votes: &[String]) {
    let mut args = vec!["serve"];
    args.extend_from_slice(store);
    let server = Server::start(&args);
    let port = server.port;

    let found = search(
        port,
        &[
            ("q", "\"right to privacy in the digital age\""),
            ("limit", "1000"),
        ],
    );
    let hits = found["hits"].as_array().unwrap();
    for revision in ["a-res-75-176", "a-res-77-211"] {
        let at: Vec<&serde_json::Value> = hits
            .iter()
            .filter(|h| h["place"]["revision"] == revision)
            .collect();
        assert!(!at.is_empty(), "{revision} not found: {found}");
        for h in at {
            assert_eq!(h["kind"], "provision", "{h}");
            let anchor = h["place"]["anchor"].as_str().expect("an anchor");
            assert!(anchor.starts_with("provision-"), "{h}");
            let link = h["link"].as_str().unwrap();
            assert_eq!(
                link,
                format!("/api/v1/revisions/{revision}#{anchor}"),
                "{h}"
            );
        }
    }

    let mut languages = std::collections::BTreeSet::new();
    for file in akn {
        let bytes = std::fs::read(file).unwrap();
        for doc in plenary_akn::read_collection(&bytes).unwrap() {
            let language = match doc.meta.language.as_deref() {
                Some("ara") => "ar",
                Some("zho") => "zh",
                Some("fra") => "fr",
                Some("rus") => "ru",
                Some("spa") => "es",
                Some("deu") => "de",
                _ => "en",
            };
            let Some(phrase) = doc
                .instrument
                .sections
                .iter()
                .flat_map(|s| &s.provisions)
                .find_map(|p| phrase_from(&p.text.to_plain()))
            else {
                continue;
            };
            let q = format!("\"{phrase}\"");
            // At provision level: in English the instrument's own provisions, in the other
            // languages the translation's.
            let kind = if language == "en" {
                "provision"
            } else {
                "translation"
            };
            let found = search(
                port,
                &[
                    ("q", &q),
                    ("language", language),
                    ("kind", kind),
                    ("limit", "5"),
                ],
            );
            assert!(
                found["total"].as_u64().unwrap() >= 1,
                "{file} ({language}): {q} not found as a {kind}"
            );
            let hit = &found["hits"][0];
            assert_eq!(hit["language"], language, "{hit}");
            assert_eq!(hit["kind"], kind, "{file}: {hit}");
            assert!(
                hit["place"]["anchor"].is_string(),
                "{file}: the hit links to its provision: {hit}"
            );
            languages.insert(language);
        }
    }
    assert_eq!(languages.len(), 7, "{languages:?}");

    for file in votes {
        let text = std::fs::read_to_string(file).unwrap();
        let Some(first) = text.lines().find(|l| !l.trim().is_empty()) else {
            continue;
        };
        let record: serde_json::Value = serde_json::from_str(first).unwrap();
        let title = record["title"]
            .as_str()
            .or_else(|| record["resolution_title"].as_str());
        let Some(title) = title.filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        let words: Vec<&str> = title.split_whitespace().take(8).collect();
        let q = format!("\"{}\"", words.join(" ").replace('"', " "));
        let found = search(port, &[("q", &q), ("kind", "vote"), ("limit", "1000")]);
        let symbol = record["symbol"].as_str().unwrap();
        assert!(
            found["hits"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["title"] == symbol),
            "{file}: the vote on {symbol} not found by {q}"
        );
    }
}

#[test]
fn everything_in_shared_data_imports_once_and_a_second_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    everything_imports_once_and_a_second_run_writes_nothing(&[
        "--data-dir",
        data.to_str().unwrap(),
    ]);
}

#[test]
fn postgres_everything_in_shared_data_imports_once_and_a_second_run_writes_nothing() {
    let Some(harness) = PostgresHarness::from_env() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = rt.block_on(harness.fresh_url());
    everything_imports_once_and_a_second_run_writes_nothing(&["--database-url", &url]);
}

#[test]
fn a_bad_file_among_good_ones_is_named_stores_nothing_and_the_exit_code_says_so() {
    let Some(data) = data_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let store_dir = dir.path().join("data");
    let store = ["--data-dir", store_dir.to_str().unwrap()];
    let good = std::fs::read_to_string(data.join("un-votes/ga/ES-11.json")).unwrap();
    let mut lines: Vec<&str> = good.lines().collect();
    lines.insert(1, "{not json");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, lines.join("\n")).unwrap();
    let ok = data.join("un-votes/ga/ES-10.json");
    let out = import(
        &store,
        "votes",
        &[
            bad.to_string_lossy().into_owned(),
            ok.to_string_lossy().into_owned(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = stderr(&out);
    assert!(err.contains("bad.json:2: not a JSON vote record"), "{err}");
    assert!(err.contains("1 file of 2 failed"), "{err}");
    assert!(
        stdout(&out).contains("ES-10.json: imported 3 vote records"),
        "{}",
        stdout(&out)
    );
    // Only ES-10 is on the record: its body, its 3 votes and the file.
    assert_eq!(events(&store), 5);

    let xml = dir.path().join("broken.xml");
    std::fs::write(&xml, "<akomaNtoso>\n  <act>\n</akomaNtoso>").unwrap();
    let out = import(&store, "akn", &[xml.to_string_lossy().into_owned()]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(stderr(&out).contains("broken.xml:3:"), "{}", stderr(&out));
    assert_eq!(events(&store), 5);
}

#[test]
fn the_api_serves_a_vetoed_drafts_record_with_its_veto() {
    let Some(data) = data_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let store_dir = dir.path().join("data");
    let store = ["--data-dir", store_dir.to_str().unwrap()];
    let draft = data.join("un-sc-akn4un/not-adopted-drafts/S_2023_506-2313545E.xml");
    let out = import(&store, "akn", &[draft.to_string_lossy().into_owned()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let server = Server::start(&["serve", "--data-dir", store_dir.to_str().unwrap()]);
    let (status, body) = http(
        server.port,
        "GET",
        "/api/v1/revisions/s-2023-506/record",
        None,
        None,
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let decision = &v["record"]["decision"];
    assert_eq!(decision["outcome"], "vetoed", "{body}");
    assert_eq!(decision["vetoed_by"][0]["member"], "rus", "{body}");
    assert_eq!(decision["tally"]["yes"], 13, "{body}");
    let (status, _) = http(
        server.port,
        "GET",
        "/api/v1/revisions/nope/record",
        None,
        None,
    )
    .unwrap();
    assert_eq!(status, 404);
}

#[test]
fn the_pp18_final_acts_import_after_the_demo_and_follow_its_revisions() {
    let Some(data) = data_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let store_dir = dir.path().join("data");
    let store = ["--data-dir", store_dir.to_str().unwrap()];
    let out = run(&["demo", "--data-dir", store[1], "--load-only"]);
    assert!(out.status.success(), "{out:?}");
    let acts = data.join("itu-pp/pp18_final_acts_akn.xml");
    let out = import(&store, "akn", &[acts.to_string_lossy().into_owned()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The demo holds six of the 64 instruments; their Dubai revisions follow the demo's.
    assert!(
        stdout(&out).contains("imported 58 instruments, 64 revisions"),
        "{}",
        stdout(&out)
    );
    let server = Server::start(&["serve", "--data-dir", store[1]]);
    let (status, body) = http(
        server.port,
        "GET",
        "/api/v1/revisions/itu.res-102.dubai-2018",
        None,
        None,
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["previous"], "itu.res-102.busan-2014", "{body}");
    assert_eq!(v["record"]["issued_by"], "itu", "{body}");
}
