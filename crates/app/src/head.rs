//! Reading the chain head for many concurrent readers with few queries, and never a stale
//! one.
//!
//! Every page and API response is versioned by the head (ETags, the anonymous page cache of
//! the web crate), so every request reads it. The head cannot be remembered: another
//! process (`plenary exec` on the same SQLite file, a second server on the same PostgreSQL
//! database) may append at any time. Instead, requests that wait at the same moment share
//! one read: a request joins the next read that *starts after it arrived*, never one
//! already under way, so the head it gets includes every append committed before it asked.
//! When no read is under way, a request's read starts at once; under load, one read serves
//! every request that arrived while the previous one ran.

use std::sync::{Arc, Mutex, PoisonError};

use plenary_domain::chain::Head;
use plenary_store::{Store, StoreError};
use tokio::sync::oneshot;

type Reply = oneshot::Sender<Result<Head, String>>;

#[derive(Debug, Default)]
struct Queue {
    /// Requests waiting for the next read.
    waiting: Vec<Reply>,
    /// Whether a reader task is running (it starts the next read when one ends).
    reading: bool,
}

/// The shared reads of one application.
#[derive(Debug, Default)]
pub(crate) struct HeadReads {
    queue: Mutex<Queue>,
}

impl HeadReads {
    /// The head as committed when this was called, or later.
    pub(crate) async fn read(self: &Arc<Self>, store: &Store) -> Result<Head, StoreError> {
        let (tx, rx) = oneshot::channel();
        let start = {
            let mut q = self.lock();
            q.waiting.push(tx);
            !std::mem::replace(&mut q.reading, true)
        };
        if start {
            let this = Arc::clone(self);
            let store = store.clone();
            tokio::spawn(async move { this.serve(&store).await });
        }
        match rx.await {
            Ok(reply) => reply.map_err(StoreError::Unavailable),
            Err(_) => Err(StoreError::Unavailable(
                "the head reader stopped".to_owned(),
            )),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reads for the waiting requests, batch after batch, until none waits.
    async fn serve(&self, store: &Store) {
        // Should a read panic, its requests get an error and the next one starts a reader.
        let mut stopped = Stopped {
            reads: self,
            cleanly: false,
        };
        loop {
            let batch = {
                let mut q = self.lock();
                if q.waiting.is_empty() {
                    // Under the same lock as the check, so that a request queued after it
                    // sees no reader and starts one.
                    q.reading = false;
                    stopped.cleanly = true;
                    return;
                }
                std::mem::take(&mut q.waiting)
            };
            // Every request of the batch arrived before this read starts.
            let head = store.backend().head().await.map_err(|e| e.to_string());
            for reply in batch {
                // A request that went away no longer needs it.
                let _ = reply.send(head.clone());
            }
        }
    }
}

/// Marks the reader stopped if its task ends without emptying the queue (a panic): the
/// waiting requests get an error, and the next request starts a new reader.
struct Stopped<'a> {
    reads: &'a HeadReads,
    cleanly: bool,
}

impl Drop for Stopped<'_> {
    fn drop(&mut self) {
        if !self.cleanly {
            let mut q = self.reads.lock();
            q.reading = false;
            q.waiting.clear();
        }
    }
}
