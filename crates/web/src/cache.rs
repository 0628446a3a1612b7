//! Rendered responses for anonymous readers, kept in memory.
//!
//! A page or API response of a versioned path depends only on the record (named by the
//! chain head), the day (restrictions lapse by date), the reader, and the request. For a
//! reader without credentials (no `Authorization` header and no session cookie) the reader
//! is always the same, so the bytes of a `200 OK` can be served again to the next
//! anonymous request that carries the same key: the head's seq, the day, the URI and the
//! request headers the handlers read ([`SHAPING_HEADERS`]).
//!
//! The head is read from the store for every request (by [`crate::etag`]), never kept in
//! memory, because another process (`plenary exec` on the same SQLite file, a second server
//! on the same PostgreSQL database) may append events: a page of an older head would be
//! served from before a restriction. A response is stored only when the head and the day
//! read again after it was rendered are those of its key, so an entry shows exactly the
//! record at its head, never a mix of two.
//!
//! The cache keeps one generation (one head and day): the first request that sees a newer
//! head or day drops every entry. It is bounded by entries and by bytes; when full, arbitrary
//! entries make room. A handler that starts reading another request header must add it to
//! [`SHAPING_HEADERS`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri, header};
use axum::response::Response;

use crate::api::session_cookie;

/// The request headers, besides the credentials, that handlers read to shape a response:
/// `Host` and `X-Forwarded-Proto` (the absolute links of feeds), `Accept` (CSV or JSON).
pub(crate) const SHAPING_HEADERS: [HeaderName; 3] = [
    header::HOST,
    HeaderName::from_static("x-forwarded-proto"),
    header::ACCEPT,
];

/// At most this many responses are kept.
pub(crate) const MAX_ENTRIES: usize = 4096;
/// At most this many bytes of bodies are kept.
pub(crate) const MAX_BYTES: usize = 64 * 1024 * 1024;
/// A larger body is never kept.
pub(crate) const MAX_ENTRY_BYTES: u64 = 1024 * 1024;

/// Whether the request carries no credentials: no `Authorization` header and no session
/// cookie. Such a reader is anonymous, whatever other cookies it sends.
pub(crate) fn anonymous(headers: &HeaderMap) -> bool {
    !headers.contains_key(header::AUTHORIZATION) && session_cookie(headers).is_none()
}

/// The version of the record a response shows: the head's seq and the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Version {
    pub(crate) seq: i64,
    pub(crate) day: time::Date,
}

/// What an anonymous response depends on besides the version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    uri: Uri,
    shaping: [Option<HeaderValue>; 3],
}

impl Key {
    pub(crate) fn of(uri: &Uri, headers: &HeaderMap) -> Self {
        Self {
            uri: uri.clone(),
            shaping: SHAPING_HEADERS.map(|name| headers.get(&name).cloned()),
        }
    }

    fn cost(&self, body: &Bytes) -> usize {
        body.len() + self.uri.to_string().len() + 256
    }
}

#[derive(Debug)]
struct Entry {
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Debug)]
struct Generation {
    version: Option<Version>,
    entries: HashMap<Key, Arc<Entry>>,
    bytes: usize,
}

impl Generation {
    /// Moves to `version` if it is newer (dropping every entry); whether the generation is
    /// now `version`.
    fn at(&mut self, version: Version) -> bool {
        let newer = self
            .version
            .is_none_or(|v| (version.day, version.seq) > (v.day, v.seq));
        if newer {
            self.version = Some(version);
            self.entries.clear();
            self.bytes = 0;
        }
        self.version == Some(version)
    }
}

/// The cache of one server.
#[derive(Debug)]
pub(crate) struct PageCache {
    generation: Mutex<Generation>,
    max_entries: usize,
    max_bytes: usize,
}

impl Default for PageCache {
    fn default() -> Self {
        Self::new(MAX_ENTRIES, MAX_BYTES)
    }
}

impl PageCache {
    pub(crate) fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self {
            generation: Mutex::new(Generation {
                version: None,
                entries: HashMap::new(),
                bytes: 0,
            }),
            max_entries,
            max_bytes,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generation> {
        // A panic while holding the lock leaves a consistent map; keep serving.
        self.generation
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The response stored for `key` at `version`.
    pub(crate) fn get(&self, version: Version, key: &Key) -> Option<Response> {
        let entry = {
            let mut g = self.lock();
            if !g.at(version) {
                return None;
            }
            Arc::clone(g.entries.get(key)?)
        };
        let mut res = Response::new(Body::from(entry.body.clone()));
        *res.headers_mut() = entry.headers.clone();
        Some(res)
    }

    /// Whether a response could be stored: a `200 OK` of known, bounded length that sets
    /// no cookie and does not forbid storing.
    pub(crate) fn storable(res: &Response) -> bool {
        res.status() == StatusCode::OK
            && !res.headers().contains_key(header::SET_COOKIE)
            && !res
                .headers()
                .get(header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("no-store") || v.contains("private"))
            && res
                .body()
                .size_hint()
                .exact()
                .is_some_and(|n| n <= MAX_ENTRY_BYTES)
    }

    /// Stores a response's parts and body for `key` at `version`, if the cache is still at
    /// that version (a newer head seen meanwhile makes it worthless).
    pub(crate) fn put(&self, version: Version, key: Key, headers: HeaderMap, body: Bytes) {
        let cost = key.cost(&body);
        if cost > self.max_bytes || self.max_entries == 0 {
            return;
        }
        let mut g = self.lock();
        if !g.at(version) {
            return;
        }
        if let Some(old) = g.entries.remove(&key) {
            g.bytes -= key.cost(&old.body);
        }
        while g.entries.len() >= self.max_entries || g.bytes + cost > self.max_bytes {
            let Some(victim) = g.entries.keys().next().cloned() else {
                break;
            };
            if let Some(old) = g.entries.remove(&victim) {
                g.bytes -= victim.cost(&old.body);
            }
        }
        g.bytes += cost;
        g.entries.insert(key, Arc::new(Entry { headers, body }));
    }

    /// The number of responses held (for tests and logs).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(seq: i64) -> Version {
        Version {
            seq,
            day: time::macros::date!(2026 - 11 - 29),
        }
    }

    fn key(path: &str) -> Key {
        Key::of(&path.parse().unwrap(), &HeaderMap::new())
    }

    #[test]
    fn a_newer_head_drops_every_response_of_the_older_one() {
        let cache = PageCache::default();
        cache.put(version(5), key("/a"), HeaderMap::new(), Bytes::from("five"));
        assert!(cache.get(version(5), &key("/a")).is_some());
        assert!(cache.get(version(6), &key("/a")).is_none());
        assert!(
            cache.get(version(5), &key("/a")).is_none(),
            "once a newer head is seen, the older one's pages are gone"
        );
        cache.put(version(5), key("/a"), HeaderMap::new(), Bytes::from("late"));
        assert_eq!(
            cache.len(),
            0,
            "a page rendered at an older head is not kept"
        );
    }

    #[test]
    fn the_cache_stays_within_its_bounds() {
        let cache = PageCache::new(3, 10_000);
        for i in 0..10 {
            cache.put(
                version(1),
                key(&format!("/p{i}")),
                HeaderMap::new(),
                Bytes::from("x"),
            );
        }
        assert_eq!(cache.len(), 3);
        let cache = PageCache::new(100, 2_000);
        for i in 0..10 {
            cache.put(
                version(1),
                key(&format!("/p{i}")),
                HeaderMap::new(),
                Bytes::from(vec![b'x'; 600]),
            );
        }
        assert!(cache.lock().bytes <= 2_000 && cache.len() == 2);
    }

    #[test]
    fn requests_that_differ_in_a_shaping_header_have_their_own_responses() {
        let cache = PageCache::default();
        let uri: Uri = "/api/v1/search?q=x".parse().unwrap();
        let mut csv = HeaderMap::new();
        csv.insert(header::ACCEPT, HeaderValue::from_static("text/csv"));
        cache.put(
            version(1),
            Key::of(&uri, &csv),
            HeaderMap::new(),
            Bytes::from("csv"),
        );
        assert!(
            cache
                .get(version(1), &Key::of(&uri, &HeaderMap::new()))
                .is_none()
        );
        assert!(cache.get(version(1), &Key::of(&uri, &csv)).is_some());
    }
}
