//! The server's accept loop: hyper's HTTP/1 connections with a header-read timeout (which,
//! since hyper 1.6, also closes a kept-alive connection that sends no next request in
//! time), and a bound on open connections. `axum::serve` sets no timer, so hyper's
//! timeout never fired there: 300 clients that opened a request and never finished it
//! held their connections forever and kept `/readyz` from answering.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

/// How the server treats connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeOptions {
    /// A client must send a request's whole header within this time, counted from the
    /// first byte, or from the end of the previous response on a kept-alive connection
    /// (the idle timeout); otherwise the connection is closed.
    pub header_read_timeout: Duration,
    /// Connections open at once; beyond, new ones wait in the listen queue until one
    /// closes.
    pub max_connections: usize,
    /// How long in-flight requests (live streams included) may take to finish at shutdown.
    pub shutdown_grace: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then lets open requests finish
/// within [`ServeOptions::shutdown_grace`]. Handlers see the peer address as
/// `ConnectInfo<SocketAddr>`.
///
/// # Errors
/// Never at present; accept errors (too many open files) are logged and retried.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(options.max_connections));
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let mut stopping = stop_rx.clone();
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = stopping.wait_for(|s| *s) => break,
        };
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors, most likely: wait for some to close.
                    tracing::warn!(error = %e, "accepting a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopping.wait_for(|s| *s) => break,
        };
        // Responses go out as soon as they are written, not held back for the next segment.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY");
        }
        let router = router.clone();
        let service = tower::service_fn(move |req: Request<Incoming>| {
            let mut req = req.map(Body::new);
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            router.clone().oneshot(req)
        });
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(options.header_read_timeout);
            let conn =
                builder.serve_connection(TokioIo::new(tcp), TowerToHyperService::new(service));
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, %peer, "connection ended");
                    }
                    return;
                }
                _ = stop.wait_for(|s| *s) => {}
            }
            conn.as_mut().graceful_shutdown();
            if tokio::time::timeout(options.shutdown_grace, conn)
                .await
                .is_err()
            {
                tracing::debug!(%peer, "connection cut at shutdown");
            }
        });
    }
    drop(listener);
    // Wait for every connection to close: each holds a permit until it does.
    let all = u32::try_from(options.max_connections).unwrap_or(u32::MAX);
    let grace = options.shutdown_grace + Duration::from_secs(1);
    let _ = tokio::time::timeout(grace, permits.acquire_many(all)).await;
    Ok(())
}
