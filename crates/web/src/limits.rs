//! Limits on the work an anonymous client can make the server do. Each sign-in (and each
//! account created) runs argon2, tens of milliseconds of CPU by design; unlimited, a flood of
//! them slows every other request. Token buckets, per client address and for the whole
//! server, answer `429` with `Retry-After` once spent.
//!
//! Hand-written rather than `governor`: two buckets and a bounded map are a few dozen lines,
//! and the crate would bring its own clock and hashing dependencies into a slow build.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::{Problem, WebState};

/// How many argon2 requests (sign-ins, accounts created) are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInLimits {
    /// Requests one client address may make at once, after a quiet spell.
    pub per_address_burst: u32,
    /// Requests per minute one client address may keep making.
    pub per_address_per_minute: u32,
    /// Requests the whole server takes at once, from every address together.
    pub total_burst: u32,
    /// Requests per minute the whole server keeps taking.
    pub total_per_minute: u32,
}

impl Default for SignInLimits {
    /// Enough for people signing in (a delegation behind one address included); a flood is
    /// held to well under one core of argon2.
    fn default() -> Self {
        Self {
            per_address_burst: 20,
            per_address_per_minute: 20,
            total_burst: 60,
            total_per_minute: 600,
        }
    }
}

/// Addresses remembered at most; past this, buckets that have refilled are forgotten (they
/// hold nothing a new bucket would not), and if none has, all are.
const MAX_ADDRESSES: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl Bucket {
    fn full(burst: u32, now: Instant) -> Self {
        Self {
            tokens: f64::from(burst),
            updated: now,
        }
    }

    fn refill(&mut self, now: Instant, burst: u32, per_minute: u32) {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * f64::from(per_minute) / 60.0).min(f64::from(burst));
        self.updated = now;
    }

    /// How long until one token is there (zero: there is one now).
    fn wait(&self, per_minute: u32) -> Duration {
        if self.tokens >= 1.0 {
            return Duration::ZERO;
        }
        if per_minute == 0 {
            return Duration::from_secs(3600);
        }
        Duration::from_secs_f64((1.0 - self.tokens) * 60.0 / f64::from(per_minute))
    }
}

/// The buckets of one server.
#[derive(Debug)]
pub(crate) struct Limiter {
    limits: SignInLimits,
    state: Mutex<Buckets>,
}

#[derive(Debug)]
struct Buckets {
    total: Bucket,
    by_address: HashMap<IpAddr, Bucket>,
}

/// One client: an IPv4 address, or an IPv6 /64 (what one subscriber is usually given).
fn client_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

impl Limiter {
    pub(crate) fn new(limits: SignInLimits) -> Self {
        let now = Instant::now();
        Self {
            limits,
            state: Mutex::new(Buckets {
                total: Bucket::full(limits.total_burst, now),
                by_address: HashMap::new(),
            }),
        }
    }

    /// Takes one token from the client's bucket and the server's, or says how long to wait.
    /// A refused request takes nothing.
    pub(crate) fn take(&self, client: Option<IpAddr>) -> Result<(), Duration> {
        let l = self.limits;
        let now = Instant::now();
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Buckets { total, by_address } = &mut *state;
        if by_address.len() >= MAX_ADDRESSES {
            by_address.retain(|_, b| {
                b.refill(now, l.per_address_burst, l.per_address_per_minute);
                b.tokens < f64::from(l.per_address_burst)
            });
            if by_address.len() >= MAX_ADDRESSES {
                by_address.clear();
            }
        }
        total.refill(now, l.total_burst, l.total_per_minute);
        let mut wait = total.wait(l.total_per_minute);
        let mut own = None;
        if let Some(ip) = client {
            let b = by_address
                .entry(client_of(ip))
                .or_insert_with(|| Bucket::full(l.per_address_burst, now));
            b.refill(now, l.per_address_burst, l.per_address_per_minute);
            wait = wait.max(b.wait(l.per_address_per_minute));
            own = Some(b);
        }
        if !wait.is_zero() {
            return Err(wait);
        }
        total.tokens -= 1.0;
        if let Some(b) = own {
            b.tokens -= 1.0;
        }
        Ok(())
    }
}

/// Requests that run argon2: signing in (API and page) and creating an account.
fn runs_argon2(method: &Method, path: &str) -> bool {
    method == Method::POST && matches!(path, "/api/v1/session" | "/sign-in" | "/api/v1/accounts")
}

/// The address the nearest proxy saw: the last `X-Forwarded-For` entry (earlier entries
/// are whatever the client wrote).
fn forwarded_client(headers: &axum::http::HeaderMap) -> Option<IpAddr> {
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .last()?;
    last.trim().parse().ok()
}

/// Middleware: refuses argon2 requests beyond the limits with `429` and `Retry-After`.
pub(crate) async fn limit_argon2(State(s): State<WebState>, req: Request, next: Next) -> Response {
    if !runs_argon2(req.method(), req.uri().path()) {
        return next.run(req).await;
    }
    let forwarded = s
        .config
        .trust_forwarded_for
        .then(|| forwarded_client(req.headers()))
        .flatten();
    let client = forwarded.or_else(|| {
        req.extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
    });
    match s.limiter.take(client) {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let seconds = seconds.max(1);
            let detail = format!(
                "too many sign-in attempts from your address or in total; try again in {seconds} seconds"
            );
            let mut res = if req.uri().path().starts_with("/api/") {
                Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_requests",
                    "Too many requests",
                    detail,
                )
                .into_response()
            } else {
                (StatusCode::TOO_MANY_REQUESTS, format!("{detail}.\n")).into_response()
            };
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            res
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_spends_its_burst_then_waits_while_another_address_still_signs_in() {
        let limiter = Limiter::new(SignInLimits {
            per_address_burst: 3,
            per_address_per_minute: 1,
            total_burst: 100,
            total_per_minute: 100,
        });
        let one = IpAddr::from([192, 0, 2, 1]);
        let other = IpAddr::from([192, 0, 2, 2]);
        for _ in 0..3 {
            assert_eq!(limiter.take(Some(one)), Ok(()));
        }
        let wait = limiter.take(Some(one)).err().unwrap_or_default();
        assert!(wait > Duration::from_secs(50), "{wait:?}");
        assert_eq!(limiter.take(Some(other)), Ok(()));
    }

    #[test]
    fn the_whole_server_is_limited_across_addresses() {
        let limiter = Limiter::new(SignInLimits {
            per_address_burst: 100,
            per_address_per_minute: 100,
            total_burst: 2,
            total_per_minute: 1,
        });
        assert_eq!(limiter.take(Some(IpAddr::from([192, 0, 2, 1]))), Ok(()));
        assert_eq!(limiter.take(Some(IpAddr::from([192, 0, 2, 2]))), Ok(()));
        assert!(limiter.take(Some(IpAddr::from([192, 0, 2, 3]))).is_err());
        assert!(limiter.take(None).is_err());
    }

    #[test]
    fn one_ipv6_subscriber_is_one_client() {
        let a: IpAddr = IpAddr::from([0x2001, 0xdb8, 1, 2, 0, 0, 0, 1]);
        let b: IpAddr = IpAddr::from([0x2001, 0xdb8, 1, 2, 9, 9, 9, 9]);
        assert_eq!(client_of(a), client_of(b));
    }
}
