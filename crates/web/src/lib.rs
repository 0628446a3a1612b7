//! Plenary's HTTP surface: server-rendered pages, the JSON API under `/api/v1`, and the
//! live stream of the public record. Handlers parse, call one use case in `plenary-app`,
//! and render; they hold no rules and no SQL.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod api;
mod cache;
mod etag;
mod headers;
mod limits;
mod negotiation;
mod openapi;
mod pages;
mod problem;
mod search;
mod serve;
mod session;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use plenary_app::App;

pub use limits::SignInLimits;
pub use openapi::document as openapi_document;
pub use problem::Problem;
pub use serve::{ServeOptions, serve};

/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Settings of the HTTP surface.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// A bearer token that grants the secretariat role on the API, for bootstrapping and
    /// scripting until accounts exist. `None` disables token writes.
    pub admin_token: Option<String>,
    /// Mark session cookies `Secure` even when no proxy says the request came over TLS.
    pub secure_cookies: bool,
    /// Send `Strict-Transport-Security` (the site is served over TLS only).
    pub hsts: bool,
    /// Limits on sign-ins and other argon2 work, per client address and in total.
    pub sign_in_limits: SignInLimits,
    /// Take the client's address from the last `X-Forwarded-For` entry (the one the
    /// reverse proxy in front added), not the TCP peer (which is then the proxy). Only
    /// behind such a proxy: otherwise a client names any address it likes.
    pub trust_forwarded_for: bool,
    /// The largest file a language version may have, in bytes (`None`:
    /// [`DEFAULT_MAX_FILE_BYTES`]). Other requests keep [`MAX_BODY_BYTES`].
    pub max_file_bytes: Option<usize>,
}

/// The default largest file of a language version, in bytes.
pub const DEFAULT_MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

/// Shared state of the handlers: one allocation, so that cloning it (axum clones a route's
/// service, state included, for every request) costs one reference count.
#[derive(Debug, Clone)]
pub struct WebState(Arc<Shared>);

/// What the handlers share.
#[derive(Debug)]
pub struct Shared {
    app: App,
    config: WebConfig,
    /// Rendered responses for anonymous readers (see `cache`).
    pages: cache::PageCache,
    /// The buckets of [`WebConfig::sign_in_limits`].
    limiter: limits::Limiter,
}

impl std::ops::Deref for WebState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Builds the router over an application.
pub fn router(app: App, config: WebConfig) -> Router {
    let state = WebState(Arc::new(Shared {
        app,
        limiter: limits::Limiter::new(config.sign_in_limits),
        config,
        pages: cache::PageCache::default(),
    }));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .merge(pages::routes())
        .merge(search::routes())
        .route("/api/openapi.json", get(openapi::serve))
        .nest(openapi::PREFIX, openapi::router())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            etag::conditional_get,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::limit_argon2,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Alive: the process answers.
async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready: the store can serve (schema, chain head, and writes again after one failed).
async fn readyz(State(state): State<WebState>) -> impl IntoResponse {
    match state.app.ready().await {
        Ok(()) => (StatusCode::OK, "ready\n".to_owned()),
        Err(e) => {
            tracing::warn!(error = %e, "store not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "store unavailable\n".to_owned(),
            )
        }
    }
}
