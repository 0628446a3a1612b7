//! The public record, end to end through the real binary: the demo verifies, tampering is
//! named by seq, and an acknowledged append survives `kill -9` — on SQLite, and on
//! PostgreSQL when `PLENARY_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use plenary_store::conformance::RawAccess;
use plenary_store_postgres::testing::{PostgresHarness, PostgresRaw};
use plenary_store_sqlite::testing::SqliteRaw;
use support::{Server, http, run, stdout};

const TOKEN: &str = "test-secretariat-token";

#[test]
fn demo_record_verifies_and_a_tampered_payload_is_named_by_its_seq() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let out = run(&["demo", "--data-dir", data, "--load-only"]);
    assert!(out.status.success(), "{out:?}");

    let out = run(&["verify", "--data-dir", data]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(stdout(&out).starts_with("intact: "), "{}", stdout(&out));

    // An intruder with database access drops the triggers and alters one payload.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite:{data}/plenary.sqlite3"))
            .await
            .unwrap();
        let raw = SqliteRaw { pool: pool.clone() };
        let (payload,): (String,) = sqlx::query_as("SELECT payload FROM events WHERE seq = 42")
            .fetch_one(&pool)
            .await
            .unwrap();
        let forged = payload.replacen("\"name\":\"", "\"name\":\"Forged ", 1);
        assert_ne!(forged, payload);
        raw.tamper_payload(42, &forged).await.unwrap();
        pool.close().await;
    });

    let out = run(&["verify", "--data-dir", data]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(stdout(&out).contains("seq 42"), "{}", stdout(&out));
}

#[test]
fn verify_on_a_directory_without_a_record_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["verify", "--data-dir", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no Plenary record in"), "{err}");
    assert!(
        !dir.path().join("plenary.sqlite3").exists(),
        "verify must not create a store"
    );
}

#[test]
fn postgres_record_verifies_and_a_tampered_payload_is_named_by_its_seq() {
    let Some(harness) = PostgresHarness::from_env() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = rt.block_on(async {
        let url = harness.fresh_url().await;
        let (store, _) = PostgresHarness::open(&url).await;
        plenary_app::demo::load(&plenary_app::App::new(store))
            .await
            .unwrap();
        url
    });
    let out = run(&["verify", "--database-url", &url]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    rt.block_on(async {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        let raw = PostgresRaw { pool: pool.clone() };
        assert!(raw.try_update_event(1).await.is_err());
        assert!(raw.try_delete_event(1).await.is_err());
        let (payload,): (String,) = sqlx::query_as("SELECT payload FROM events WHERE seq = 42")
            .fetch_one(&pool)
            .await
            .unwrap();
        raw.tamper_payload(
            42,
            &payload.replacen("\"name\":\"", "\"name\":\"Forged ", 1),
        )
        .await
        .unwrap();
    });
    let out = run(&["verify", "--database-url", &url]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(stdout(&out).contains("seq 42"), "{}", stdout(&out));
}

/// Writers keep appending while the server is killed with SIGKILL; every append the
/// server acknowledged must be in the record after a restart, and the chain must verify.
fn acknowledged_appends_survive_kill9(store_args: &[&str], verify_args: &[&str]) {
    let mut args = vec!["serve", "--admin-token", TOKEN];
    args.extend_from_slice(store_args);
    let mut server = Server::start(&args);
    let body = r#"{"command":"establish_body","input":{"id":"itu","name":"International Telecommunication Union","acronym":"ITU"}}"#;
    let (status, res) = http(
        server.port,
        "POST",
        "/api/v1/commands",
        Some(TOKEN),
        Some(body),
    )
    .unwrap();
    assert_eq!(status, 201, "{res}");

    let acked: Arc<Mutex<BTreeMap<i64, String>>> = Arc::default();
    let port = server.port;
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let acked = Arc::clone(&acked);
            std::thread::spawn(move || {
                for i in 0..1000 {
                    let id = format!("org-{w}-{i}");
                    let body = format!(
                        r#"{{"command":"admit_member","input":{{"id":"{id}","body":"itu","name":"Organisation {w} {i}","category":{{"category":"sector_member"}}}}}}"#
                    );
                    match http(port, "POST", "/api/v1/commands", Some(TOKEN), Some(&body)) {
                        Ok((201, res)) => {
                            let events: serde_json::Value = serde_json::from_str(&res).unwrap();
                            let seq = events[0]["seq"].as_i64().unwrap();
                            acked.lock().unwrap().insert(seq, id);
                        }
                        // The server is gone: stop.
                        _ => return,
                    }
                }
            })
        })
        .collect();
    // Kill while the writers are mid-flight, once enough appends were acknowledged.
    while acked.lock().unwrap().len() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    server.kill9();
    for w in writers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 60);

    // The chain is intact after the crash.
    let out = run(verify_args);
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    // Restart the server on the same store and read back every acknowledged append.
    let server = Server::start(&args);
    let last = *acked.keys().last().unwrap();
    let mut found = BTreeMap::new();
    let mut after = 0;
    while after < last {
        let (status, res) = http(
            server.port,
            "GET",
            &format!("/api/v1/events?after={after}&limit=1000"),
            None,
            None,
        )
        .unwrap();
        assert_eq!(status, 200, "{res}");
        let events: Vec<serde_json::Value> = serde_json::from_str(&res).unwrap();
        if events.is_empty() {
            break;
        }
        for e in &events {
            after = e["seq"].as_i64().unwrap();
            if let Some(id) = e["payload"]["id"].as_str() {
                found.insert(after, id.to_owned());
            }
        }
    }
    for (seq, id) in &acked {
        assert_eq!(
            found.get(seq),
            Some(id),
            "acknowledged append at seq {seq} was lost"
        );
    }
}

#[test]
fn acknowledged_appends_survive_kill9_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    acknowledged_appends_survive_kill9(&["--data-dir", &data], &["verify", "--data-dir", &data]);
}

#[test]
fn acknowledged_appends_survive_kill9_on_postgres() {
    let Some(harness) = PostgresHarness::from_env() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = rt.block_on(harness.fresh_url());
    acknowledged_appends_survive_kill9(
        &["--database-url", &url],
        &["verify", "--database-url", &url],
    );
}

#[test]
fn demo_serves_health_home_and_conference_pages() {
    let server = Server::start(&["demo"]);
    let (status, body) = http(server.port, "GET", "/readyz", None, None).unwrap();
    assert_eq!((status, body.as_str()), (200, "ready\n"));
    let (status, body) = http(server.port, "GET", "/", None, None).unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("Plenipotentiary Conference 2014"), "{body}");
    let (status, body) = http(server.port, "GET", "/conferences/pp-14", None, None).unwrap();
    assert_eq!(status, 200);
    for group in [
        "Committee 5 (Policy and Legal Matters)",
        "Working Group of the Plenary",
        "closed",
    ] {
        assert!(body.contains(group), "missing {group}");
    }
    let (status, _) = http(server.port, "GET", "/conferences/nope", None, None).unwrap();
    assert_eq!(status, 404);
}

#[test]
fn admin_creates_a_secretariat_account_from_a_password_on_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let create = |username: &str, name: &str, password: &[u8]| {
        support::run_with_stdin(
            &[
                "admin",
                "--data-dir",
                data,
                "create-secretariat",
                "--username",
                username,
                "--display-name",
                name,
            ],
            password,
        )
    };
    let out = create(
        "sec.first",
        "First secretariat account",
        b"a long enough passphrase\n",
    );
    assert!(out.status.success(), "{out:?}");
    let out = run(&["admin", "--data-dir", data, "list-users"]);
    assert!(
        stdout(&out).contains("sec.first\tFirst secretariat account"),
        "{}",
        stdout(&out)
    );
    // A short password is refused with the rule, and nothing is created.
    let out = create("sec.second", "Second", b"short\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("password: must have at least 12 characters")
    );
    assert!(!stdout(&run(&["admin", "--data-dir", data, "list-users"])).contains("sec.second"));
}

#[test]
fn exec_records_a_script_of_commands_or_names_the_bad_line_and_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let script = dir.path().join("setup.jsonl");
    let body = r#"{"command":"establish_body","input":{"id":"wsis","name":"World Summit on the Information Society","acronym":"WSIS"}}"#;
    std::fs::write(
        &script,
        format!(
            "# set up\n{body}\n{{\"command\":\"establish_body\",\"input\":{{\"id\":\"x\"}}}}\n"
        ),
    )
    .unwrap();
    let out = run(&["exec", "--data-dir", data, script.to_str().unwrap()]);
    assert_ne!(out.status.code(), Some(0), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(err.contains("setup.jsonl:3"), "names the line: {err}");
    let out = run(&["verify", "--data-dir", data]);
    assert!(
        stdout(&out).contains("intact: 0 events"),
        "nothing recorded: {}",
        stdout(&out)
    );

    std::fs::write(&script, format!("{body}\n")).unwrap();
    let out = run(&[
        "exec",
        "--data-dir",
        data,
        "--actor",
        "sec.staff",
        script.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        stdout(&out).contains("1 commands recorded as 1 events"),
        "{}",
        stdout(&out)
    );
    // The same script again is refused by the domain, naming the command, and writes
    // nothing.
    let out = run(&["exec", "--data-dir", data, script.to_str().unwrap()]);
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        err.contains("setup.jsonl:1: refused; nothing was recorded")
            && err.contains("exists already"),
        "names the file and line of the refused command: {err}"
    );
    let out = run(&["verify", "--data-dir", data]);
    assert!(
        stdout(&out).contains("intact: 1 events"),
        "{}",
        stdout(&out)
    );
}
