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

/// How a test fills the server's disk and frees it again.
trait Disk {
    /// After the first writes: from now on writes cannot find room.
    fn fill(&self, server: &Server);
    /// Room again.
    fn free(&self, server: &Server);
}

/// The scenario on any disk: writes before, while and after the disk is full, then a
/// crash, `plenary verify` and a restart that must show every acknowledged write.
fn acknowledged_writes_survive_a_full_disk(store_args: &[&str], disk: &dyn Disk) {
    let mut args = vec!["serve", "--admin-token", TOKEN];
    args.extend_from_slice(store_args);
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

    disk.fill(&server);
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
    assert!(refused > 0, "no write failed: the disk was not full");
    // While writes fail, the server is not ready (a load balancer sends writes elsewhere);
    // asserted last, after the record is checked.
    let ready_while_full = readyz(port);
    eprintln!(
        "on the full disk: {} writes acknowledged in all, {refused} refused; /readyz {ready_while_full}",
        acked.lock().unwrap().len(),
    );

    // The disk frees: writes resume, without a restart, and the server is ready again.
    disk.free(&server);
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
    let mut verify = vec!["verify"];
    verify.extend_from_slice(store_args);
    let out = run(&verify);
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

/// SQLite's files may not grow: the server's file size limit (RLIMIT_FSIZE) is lowered to
/// the smaller of the database and its write-ahead log (the first writes are still in the
/// log, the database file holds a page or two), so the log takes no frame and no
/// checkpoint makes room.
struct FileSizeLimit {
    dir: std::path::PathBuf,
}

impl Disk for FileSizeLimit {
    fn fill(&self, server: &Server) {
        let db = self.dir.join(plenary_store_sqlite::DATABASE_FILE);
        let wal = self
            .dir
            .join(format!("{}-wal", plenary_store_sqlite::DATABASE_FILE));
        limit_file_size(server, Some(file_size(&db).min(file_size(&wal))));
    }

    fn free(&self, server: &Server) {
        limit_file_size(server, None);
    }
}

#[test]
fn an_acknowledged_write_survives_a_full_disk() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    acknowledged_writes_survive_a_full_disk(
        &["--data-dir", &data],
        &FileSizeLimit {
            dir: dir.path().to_owned(),
        },
    );
}

/// PostgreSQL's tables live in a tablespace on a small tmpfs of their own; the test fills
/// what is left of it with a file, and frees it by removing the file. (The write-ahead
/// log stays on the server's own disk: this is a full data disk, the common case.)
struct TablespaceOnTmpfs {
    mount: std::path::PathBuf,
    filler: std::path::PathBuf,
    admin_url: String,
    tablespace: String,
    schema: String,
}

impl TablespaceOnTmpfs {
    const BYTES: u64 = 8 << 20;

    /// Mounts the tmpfs, owned by the PostgreSQL server's user, and creates the
    /// tablespace; `None` (with a message) when the server is on another machine or this
    /// process may not mount, except in CI, where both must hold.
    fn create(rt: &tokio::runtime::Runtime, admin_url: &str) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
        let skip = |why: String| {
            assert!(!in_ci, "{why} (CI needs it)");
            eprintln!("SKIPPED: a full disk on PostgreSQL: {why}");
        };
        let admin = rt.block_on(sqlx::PgPool::connect(admin_url)).unwrap();
        let (data_dir,): (String,) = rt
            .block_on(sqlx::query_as("SHOW data_directory").fetch_one(&admin))
            .unwrap();
        let Ok(owner) = std::fs::metadata(&data_dir) else {
            skip(format!(
                "the server's data directory {data_dir} is not on this machine"
            ));
            return None;
        };
        let mount = tempfile::tempdir().unwrap().keep();
        let options = std::ffi::CString::new(format!(
            "size={},mode=0700,uid={},gid={}",
            Self::BYTES,
            owner.uid(),
            owner.gid()
        ))
        .unwrap();
        if let Err(e) = rustix::mount::mount(
            "tmpfs",
            &mount,
            "tmpfs",
            rustix::mount::MountFlags::empty(),
            options.as_c_str(),
        ) {
            skip(format!("cannot mount a tmpfs here ({e})"));
            return None;
        }
        let id = format!(
            "{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        let tablespace = format!("full_disk_{id}");
        let schema = format!("full_disk_{id}");
        rt.block_on(async {
            sqlx::raw_sql(&format!(
                "CREATE TABLESPACE {tablespace} LOCATION '{}'",
                mount.display()
            ))
            .execute(&admin)
            .await?;
            sqlx::raw_sql(&format!("CREATE SCHEMA {schema}"))
                .execute(&admin)
                .await
        })
        .unwrap();
        Some(Self {
            filler: mount.join("filler"),
            mount,
            admin_url: admin_url.to_owned(),
            tablespace,
            schema,
        })
    }

    /// The store's URL: its schema, every table in the tablespace.
    fn url(&self) -> String {
        let sep = if self.admin_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{sep}options=-c%20search_path%3D{}%20-c%20default_tablespace%3D{}",
            self.admin_url, self.schema, self.tablespace
        )
    }
}

impl Disk for TablespaceOnTmpfs {
    fn fill(&self, _: &Server) {
        use std::io::Write;
        let mut f = std::fs::File::create(&self.filler).unwrap();
        let chunk = vec![0_u8; 64 << 10];
        let mut written = 0;
        while written < Self::BYTES {
            match f.write(&chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => written += n as u64,
            }
        }
        let _ = f.sync_all();
    }

    fn free(&self, _: &Server) {
        std::fs::remove_file(&self.filler).unwrap();
    }
}

impl Drop for TablespaceOnTmpfs {
    /// Room first, then the schema and the tablespace are dropped, and only then is the
    /// tmpfs unmounted: PostgreSQL must never lose files it still has buffers or pending
    /// fsyncs for (its checkpointer would fail, and on a failed fsync stop the server).
    /// When a drop fails, the tmpfs stays mounted and the test says so.
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.filler);
        let rt = tokio::runtime::Runtime::new().unwrap();
        let dropped = rt.block_on(async {
            let admin = sqlx::PgPool::connect(&self.admin_url).await?;
            // Two statements apart: DROP TABLESPACE cannot run inside a transaction block.
            sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema))
                .execute(&admin)
                .await?;
            sqlx::raw_sql(&format!("DROP TABLESPACE IF EXISTS {}", self.tablespace))
                .execute(&admin)
                .await
        });
        match dropped {
            Ok(_) => {
                let _ = rustix::mount::unmount(&self.mount, rustix::mount::UnmountFlags::empty());
                let _ = std::fs::remove_dir(&self.mount);
            }
            Err(e) => eprintln!(
                "could not drop schema {} and tablespace {} ({e}): the tmpfs at {} stays mounted",
                self.schema,
                self.tablespace,
                self.mount.display()
            ),
        }
    }
}

#[test]
fn an_acknowledged_write_survives_a_full_disk_on_postgres() {
    let Ok(admin_url) = std::env::var("PLENARY_TEST_POSTGRES_URL") else {
        eprintln!("PLENARY_TEST_POSTGRES_URL is not set: skipping the PostgreSQL run");
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(disk) = TablespaceOnTmpfs::create(&rt, &admin_url) else {
        return;
    };
    drop(rt);
    let url = disk.url();
    acknowledged_writes_survive_a_full_disk(&["--database-url", &url], &disk);
}
