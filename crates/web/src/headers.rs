//! Security headers on every response. The pages are server-rendered with no script and no
//! inline style (one stylesheet, `/static/plenary.css`), so the policy allows only the
//! site's own stylesheet and images, forms posting to the site itself, and no framing: the
//! secretariat's forms cannot be put under another site's clickjacking overlay.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::WebState;

/// The Content-Security-Policy of every response.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; \
     img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Strict-Transport-Security when the site says it is served over TLS: a year, this host.
pub(crate) const HSTS: &str = "max-age=31536000";

/// Middleware: adds the headers a handler did not set itself.
pub(crate) async fn security_headers(
    State(s): State<WebState>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if s.config.hsts {
        set(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    res
}
