//! The real server on 127.0.0.1 keeps answering while clients hold connections open
//! without finishing a request (slowloris), closes those connections and idle kept-alive
//! ones after the header-read timeout, and keeps no more connections than its bound.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use support::{Server, http};

/// A client that starts a request and never finishes its headers.
fn slow_client(port: u16) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Still-Typing: ")
        .unwrap();
    s
}

/// Reads until the server closes the connection; the error if it does not within `limit`.
fn closed_within(s: &mut TcpStream, limit: Duration) -> Result<(), String> {
    s.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(format!("still open after {limit:?}"));
            }
            // Reset by the server: closed too.
            Err(_) => return Ok(()),
        }
    }
}

#[test]
fn three_hundred_slow_clients_neither_keep_readyz_from_answering_nor_keep_their_connections() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let server = Server::start(&["serve", "--data-dir", data, "--header-read-timeout", "2"]);
    let mut slow: Vec<TcpStream> = (0..300).map(|_| slow_client(server.port)).collect();
    let started = Instant::now();
    let (status, body) = http(server.port, "GET", "/readyz", None, None).unwrap();
    let took = started.elapsed();
    assert_eq!(status, 200, "{body}");
    assert!(took < Duration::from_secs(1), "/readyz took {took:?}");
    // Each slow client is cut off after the 2 s header-read timeout (20 s: generous).
    for (i, s) in slow.iter_mut().enumerate() {
        closed_within(s, Duration::from_secs(20)).unwrap_or_else(|e| panic!("client {i}: {e}"));
    }
}

#[test]
fn an_idle_kept_alive_connection_is_closed_after_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let server = Server::start(&["serve", "--data-dir", data, "--header-read-timeout", "1"]);
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !answer.ends_with(b"ok\n") {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "closed before answering");
        answer.extend_from_slice(&buf[..n]);
    }
    assert!(answer.starts_with(b"HTTP/1.1 200"));
    closed_within(&mut s, Duration::from_secs(20)).unwrap();
}

#[test]
fn beyond_its_bound_a_connection_waits_until_a_slow_one_is_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let server = Server::start(&[
        "serve",
        "--data-dir",
        data,
        "--header-read-timeout",
        "3",
        "--max-connections",
        "4",
    ]);
    // Wait until the health poll's connection is closed, so four slow clients fill the bound.
    std::thread::sleep(Duration::from_millis(200));
    let _slow: Vec<TcpStream> = (0..4).map(|_| slow_client(server.port)).collect();
    let mut next = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    next.write_all(b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    // Not served while the bound is full: the slow ones have 3 s before they are cut.
    next.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut buf = [0u8; 1024];
    let early = next.read(&mut buf);
    assert!(
        early
            .as_ref()
            .is_err_and(|e| matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "answered while the bound was full: {early:?}"
    );
    next.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut answer = Vec::new();
    next.read_to_end(&mut answer).unwrap();
    assert!(
        answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
}
