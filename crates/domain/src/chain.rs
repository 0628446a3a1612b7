//! The hash chain that makes the public record verifiable.
//!
//! Each event's hash is `SHA-256(prev_hash_bytes ‖ header)`, where `header` is the canonical
//! JSON of `{actor, at, id, kind, payload_sha256, seq, visibility}` and `payload_sha256` is the
//! SHA-256 of the payload's canonical text. Committing to the payload through its own digest
//! means the chain can be verified by anyone, even over restricted events whose payload they
//! cannot see, and a restricted payload can be checked against the chain once declassified.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::event::RecordedEvent;

/// The hash that precedes the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The end of the chain: the last event's seq and hash (seq 0 and [`GENESIS_HASH`] when empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Head {
    /// The last seq (0 for an empty log).
    pub seq: i64,
    /// The last hash (hex).
    pub hash: String,
}

impl Head {
    /// The head of an empty log.
    pub fn genesis() -> Self {
        Self {
            seq: 0,
            hash: GENESIS_HASH.to_owned(),
        }
    }
}

/// SHA-256 of a payload's canonical text, hex.
pub fn payload_digest(payload: &str) -> String {
    hex::encode(Sha256::digest(payload.as_bytes()))
}

/// The canonical header bytes an event's hash covers: the canonical JSON of
/// `{actor, at, id, kind, payload_sha256, seq, visibility}` (keys in canonical order).
/// Written directly rather than through a JSON map, since `verify` does this for every
/// event; a test checks it against [`crate::canonical`].
pub fn header_bytes(event: &RecordedEvent) -> String {
    let mut out = String::with_capacity(256 + event.actor.len() + event.kind.len());
    out.push_str("{\"actor\":");
    push_json_string(&mut out, &event.actor);
    out.push_str(",\"at\":");
    push_json_string(&mut out, &event.at);
    out.push_str(",\"id\":\"");
    out.push_str(&event.id.hyphenated().to_string());
    out.push_str("\",\"kind\":");
    push_json_string(&mut out, &event.kind);
    out.push_str(",\"payload_sha256\":\"");
    out.push_str(&payload_digest(&event.payload));
    out.push_str("\",\"seq\":");
    out.push_str(&event.seq.to_string());
    out.push_str(",\"visibility\":");
    push_json_string(&mut out, &event.visibility.as_stored());
    out.push('}');
    out
}

fn push_json_string(out: &mut String, s: &str) {
    // serde_json's escaping, as the canonical writer uses; plain ASCII needs none.
    if s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned()));
    }
}

/// The hash an event must carry, given its fields and `prev_hash`.
pub fn event_hash(event: &RecordedEvent) -> String {
    let mut hasher = Sha256::new();
    // A malformed prev_hash is hashed as its text so that the mismatch still shows up.
    match hex::decode(&event.prev_hash) {
        Ok(bytes) => hasher.update(&bytes),
        Err(_) => hasher.update(event.prev_hash.as_bytes()),
    }
    hasher.update(header_bytes(event).as_bytes());
    hex::encode(hasher.finalize())
}

/// Why the chain is broken at an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// A seq is missing or out of order.
    #[error("seq {found}: expected seq {expected} (a gap or reordering)")]
    Gap {
        /// The seq that should have come.
        expected: i64,
        /// The seq that came.
        found: i64,
    },
    /// The event does not point at its predecessor's hash.
    #[error("seq {seq}: prev_hash does not match the hash of seq {}", seq - 1)]
    BrokenLink {
        /// The event's seq.
        seq: i64,
    },
    /// The event's content does not hash to its stored hash: it was altered.
    #[error("seq {seq}: content does not match its hash (altered after it was written)")]
    Altered {
        /// The event's seq.
        seq: i64,
    },
}

impl ChainBreak {
    /// The seq where the chain first breaks.
    pub fn seq(&self) -> i64 {
        match self {
            Self::Gap { found, .. } => *found,
            Self::BrokenLink { seq } | Self::Altered { seq } => *seq,
        }
    }
}

/// Checks events one by one, in seq order, from the start of the log.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    head: Head,
    bytes: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self::new()
    }
}

impl ChainVerifier {
    /// A verifier expecting seq 1 after the genesis hash.
    pub fn new() -> Self {
        Self {
            head: Head::genesis(),
            bytes: 0,
        }
    }

    /// Checks the next event.
    ///
    /// # Errors
    /// The first break found; after an error the verifier should not be fed further.
    pub fn check(&mut self, event: &RecordedEvent) -> Result<(), ChainBreak> {
        let expected = self.head.seq + 1;
        if event.seq != expected {
            return Err(ChainBreak::Gap {
                expected,
                found: event.seq,
            });
        }
        if event.prev_hash != self.head.hash {
            return Err(ChainBreak::BrokenLink { seq: event.seq });
        }
        if event_hash(event) != event.hash {
            return Err(ChainBreak::Altered { seq: event.seq });
        }
        self.bytes += event.payload.len() as u64;
        self.head = Head {
            seq: event.seq,
            hash: event.hash.clone(),
        };
        Ok(())
    }

    /// The head after the events checked so far.
    pub fn head(&self) -> &Head {
        &self.head
    }

    /// Payload bytes checked so far.
    pub fn payload_bytes(&self) -> u64 {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::to_canonical_string;
    use crate::event::{Change, PendingEvent, Timestamp};
    use crate::model::{Body, BodyId};
    use uuid::Uuid;

    fn chain(n: usize) -> Vec<RecordedEvent> {
        let mut head = Head::genesis();
        let at = Timestamp::parse("2014-10-20T09:00:00Z").unwrap();
        (0..n)
            .map(|i| {
                let pending = PendingEvent::public(Change::BodyEstablished(Body {
                    id: BodyId::new(&format!("body-{i}")).unwrap(),
                    name: format!("Body {i}"),
                    acronym: format!("B{i}"),
                }));
                let e =
                    RecordedEvent::seal(&head, Uuid::from_u128(i as u128), &at, "system", &pending);
                head = Head {
                    seq: e.seq,
                    hash: e.hash.clone(),
                };
                e
            })
            .collect()
    }

    fn verify(events: &[RecordedEvent]) -> Result<Head, ChainBreak> {
        let mut v = ChainVerifier::new();
        for e in events {
            v.check(e)?;
        }
        Ok(v.head().clone())
    }

    #[test]
    fn an_untouched_chain_verifies_to_its_last_hash() {
        let events = chain(5);
        let head = verify(&events).unwrap();
        assert_eq!(head.seq, 5);
        assert_eq!(head.hash, events[4].hash);
    }

    #[test]
    fn an_altered_payload_is_found_at_its_seq() {
        let mut events = chain(5);
        events[2].payload = events[2].payload.replace("Body 2", "Body X");
        assert_eq!(verify(&events), Err(ChainBreak::Altered { seq: 3 }));
    }

    #[test]
    fn a_rehashed_alteration_breaks_the_next_link() {
        let mut events = chain(5);
        events[2].actor = "intruder".into();
        events[2].hash = event_hash(&events[2]);
        assert_eq!(verify(&events), Err(ChainBreak::BrokenLink { seq: 4 }));
    }

    #[test]
    fn a_removed_event_is_a_gap() {
        let mut events = chain(5);
        events.remove(1);
        assert_eq!(
            verify(&events),
            Err(ChainBreak::Gap {
                expected: 2,
                found: 3
            })
        );
    }

    #[test]
    fn the_fast_header_is_exactly_the_canonical_json_of_the_header() {
        let mut events = chain(3);
        events[1].actor = "dél\"égué\\\n".into();
        events[2].visibility = crate::event::Visibility::Restricted("document:pp-14.adm-1".into());
        for e in &events {
            let reference = to_canonical_string(&serde_json::json!({
                "actor": e.actor,
                "at": e.at,
                "id": e.id.to_string(),
                "kind": e.kind,
                "payload_sha256": payload_digest(&e.payload),
                "seq": e.seq,
                "visibility": e.visibility.as_stored(),
            }));
            assert_eq!(header_bytes(e), reference);
        }
    }

    #[test]
    fn the_hash_commits_to_the_payload_only_through_its_digest() {
        let events = chain(1);
        let header = header_bytes(&events[0]);
        assert!(header.contains(&payload_digest(&events[0].payload)));
        assert!(!header.contains("Body 0"));
    }
}
