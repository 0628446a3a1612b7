//! Helpers for tests that run the real `plenary` binary.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn plenary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_plenary"))
}

pub fn run(args: &[&str]) -> Output {
    plenary().args(args).output().expect("run plenary")
}

/// Runs plenary with `input` on its standard input.
pub fn run_with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = plenary()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start plenary");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write stdin");
    child.wait_with_output().expect("wait for plenary")
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running server, killed (SIGKILL) when dropped.
#[derive(Debug)]
pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Server {
    pub fn start(args: &[&str]) -> Server {
        Server::start_from(plenary(), args)
    }

    /// Starts `command` (the binary, or a shell that execs it) with `args`. Its log goes
    /// through a pipe into the test's output (shown when the test fails), never straight
    /// into a file the server writes: a test may limit what the server can write.
    pub fn start_from(mut command: Command, args: &[&str]) -> Server {
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let mut child = command
            .args(args)
            .args(["--listen", &listen])
            .env("PLENARY_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start plenary");
        let log = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(log).lines().map_while(Result::ok) {
                eprintln!("{line}");
            }
        });
        let server = Server { child, port };
        server.wait_healthy(Duration::from_secs(60));
        server
    }

    /// Polls /healthz until it answers 200; returns how long that took.
    pub fn wait_healthy(&self, deadline: Duration) -> Duration {
        let started = Instant::now();
        while started.elapsed() < deadline {
            if let Ok((200, _)) = http(self.port, "GET", "/healthz", None, None) {
                return started.elapsed();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("server did not become healthy within {deadline:?}");
    }

    /// kill -9: no chance to flush or shut down cleanly.
    pub fn kill9(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 client: one request per connection. Returns status and body.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    json: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let body = json.unwrap_or("");
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if let Some(t) = token {
        req.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    if json.is_some() {
        req.push_str("Content-Type: application/json\r\n");
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status: u16 = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status in {text:?}")))?;
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Ok((status, body))
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn sqlite_file(dir: &Path) -> std::path::PathBuf {
    dir.join("plenary.sqlite3")
}
