//! Durability under disk errors, through the real binary: while the server may not grow
//! its files (RLIMIT_FSIZE, so every write past the limit fails with EFBIG, as on a full
//! disk), every write is answered with an error or with an acknowledgement that survives a
//! restart; `/readyz` says not ready while writes fail; and once the disk frees, writes
//! resume without a restart.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Resource, Rlimit, prlimit};
use support::{Server, http, run};

const TOKEN: &str = "test-secretariat-token";

/// The binary, started by a shell that ignores SIGXFSZ first (an ignored signal stays
/// ignored across `exec`), so that a write past the limit fails with EFBIG instead of
/// killing the process: what `trap '' XFSZ; ulimit -f N` gives an operator.
fn plenary_ignoring_sigxfsz() -> Command {
    let mut c = Command::new("/bin/sh");
    c.args([
        "-c",
        r#"trap '' XFSZ; exec "$0" "$@""#,
        env!("CARGO_BIN_EXE_plenary"),
    ]);
    c
}

/// Sets the server's file size limit: `Some(bytes)`, or `None` for no limit.
fn limit_file_size(server: &Server, bytes: Option<u64>) {
    let pid = Pid::from_raw(i32::try_from(server.child.id()).unwrap()).unwrap();
    prlimit(
        Some(pid),
        Resource::Fsize,
        Rlimit {
            current: bytes,
            maximum: None,
        },
    )
    .expect("prlimit RLIMIT_FSIZE on the server");
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Admits a member; returns the status and, when acknowledged, the event's seq and hash.
fn admit(port: u16, id: &str) -> (u16, Option<(i64, String)>) {
    let body = format!(
        r#"{{"command":"admit_member","input":{{"id":"{id}","body":"itu","name":"Organisation {id}","category":{{"category":"sector_member"}}}}}}"#
    );
    match http(port, "POST", "/api/v1/commands", Some(TOKEN), Some(&body)) {
        Ok((201, res)) => {
            let events: serde_json::Value = serde_json::from_str(&res).unwrap();
            let seq = events[0]["seq"].as_i64().unwrap();
            let hash = events[0]["hash"].as_str().unwrap().to_owned();
            (201, Some((seq, hash)))
        }
        Ok((status, _)) => (status, None),
        Err(e) => panic!("write {id} got no answer: {e}"),
    }
}

fn readyz(port: u16) -> u16 {
    http(port, "GET", "/readyz", None, None).unwrap().0
}

/// Every event of the record, by seq: its hash.
fn all_hashes(port: u16) -> BTreeMap<i64, String> {
    let mut found = BTreeMap::new();
    let mut after = 0;
    loop {
        let (status, res) = http(
            port,
            "GET",
            &format!("/api/v1/events?after={after}&limit=1000"),
            None,
            None,
        )
        .unwrap();
        assert_eq!(status, 200, "{res}");
        let events: Vec<serde_json::Value> = serde_json::from_str(&res).unwrap();
        if events.is_empty() {
            return found;
        }
        for e in &events {
            after = e["seq"].as_i64().unwrap();
            found.insert(after, e["hash"].as_str().unwrap().to_owned());
        }
    }
}

#[test]
fn an_acknowledged_write_survives_a_full_disk() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let args = ["serve", "--admin-token", TOKEN, "--data-dir", &data];
    let mut server = Server::start_from(plenary_ignoring_sigxfsz(), &args);
    let port = server.port;
    let body = r#"{"command":"establish_body","input":{"id":"itu","name":"International Telecommunication Union","acronym":"ITU"}}"#;
    let (status, res) = http(port, "POST", "/api/v1/commands", Some(TOKEN), Some(body)).unwrap();
    assert_eq!(status, 201, "{res}");
    let acked: Arc<Mutex<BTreeMap<i64, String>>> = Arc::default();
    for i in 0..20 {
        let (status, ack) = admit(port, &format!("before-{i}"));
        assert_eq!(status, 201);
        let (seq, hash) = ack.unwrap();
        acked.lock().unwrap().insert(seq, hash);
    }

    // The disk is full: no file of the server may grow past the smaller of the database
    // and its write-ahead log (the first writes are still in the log, the database file
    // holds a page or two), so the log takes no frame and no checkpoint makes room.
    let db = dir.path().join(plenary_store_sqlite::DATABASE_FILE);
    let wal = dir
        .path()
        .join(format!("{}-wal", plenary_store_sqlite::DATABASE_FILE));
    let limit = file_size(&db).min(file_size(&wal));
    eprintln!(
        "db {} wal {} limit {limit}",
        file_size(&db),
        file_size(&wal)
    );
    limit_file_size(&server, Some(limit));

    // Writers keep writing; each write is answered at once, with 201 or 503.
    let refused = Arc::new(Mutex::new(0_usize));
    let started = Instant::now();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let acked = Arc::clone(&acked);
            let refused = Arc::clone(&refused);
            std::thread::spawn(move || {
                for i in 0..50 {
                    if started.elapsed() > Duration::from_secs(20) {
                        return;
                    }
                    match admit(port, &format!("full-{w}-{i}")) {
                        (201, Some((seq, hash))) => {
                            assert!(
                                acked.lock().unwrap().insert(seq, hash).is_none(),
                                "seq {seq} acknowledged twice"
                            );
                        }
                        (503, _) => *refused.lock().unwrap() += 1,
                        (status, _) => panic!("a write on a full disk answered {status}"),
                    }
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let refused = *refused.lock().unwrap();
    assert!(refused > 0, "no write failed: the limit did not bite");
    // While writes fail, the server is not ready (a load balancer sends writes elsewhere);
    // asserted last, after the record is checked.
    let ready_while_full = readyz(port);
    eprintln!(
        "acked {} refused {refused} ready {ready_while_full} db {} wal {}",
        acked.lock().unwrap().len(),
        file_size(&db),
        file_size(&wal)
    );

    // The disk frees: writes resume, without a restart, and the server is ready again.
    limit_file_size(&server, None);
    let resumed = (0..50).find_map(|i| {
        let (status, ack) = admit(port, &format!("after-{i}"));
        if status != 201 {
            std::thread::sleep(Duration::from_millis(100));
        }
        ack
    });
    let (seq, hash) = resumed.expect("writes did not resume once the disk freed");
    acked.lock().unwrap().insert(seq, hash);
    let ready_once_freed = readyz(port);

    // A crash, then a restart: every acknowledged write is there, with the same hash, and
    // the chain verifies.
    server.kill9();
    let out = run(&["verify", "--data-dir", &data]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let server = Server::start(&args);
    let found = all_hashes(server.port);
    let acked = acked.lock().unwrap();
    let lost: Vec<_> = acked
        .iter()
        .filter(|(seq, hash)| found.get(seq) != Some(hash))
        .map(|(seq, _)| *seq)
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged writes lost or replaced after a restart: seqs {lost:?}",
        lost.len(),
        acked.len()
    );
    assert_eq!(ready_while_full, 503, "/readyz while the disk is full");
    assert_eq!(ready_once_freed, 200, "/readyz once the disk freed");
}
