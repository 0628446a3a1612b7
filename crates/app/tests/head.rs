//! The chain head a reader gets: never older than the last append committed before it
//! asked, even when the append came from another process on the same database and many
//! readers ask at once. SQLite by default, PostgreSQL when `PLENARY_TEST_POSTGRES_URL` is
//! set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use plenary_app::App;
use plenary_domain::access::Actor;
use plenary_domain::command::Command;
use plenary_domain::model::{Body, BodyId};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_asking_at_once_see_every_append_committed_before_they_asked() {
    let (here, elsewhere, _dir) = common::two_stores().await;
    let reader = App::new(here);
    let writer = App::new(elsewhere);
    // Readers keep asking in the background, so that reads are always under way.
    let busy = {
        let reader = reader.clone();
        tokio::spawn(async move {
            loop {
                let _ = reader.head().await;
                tokio::task::yield_now().await;
            }
        })
    };
    for i in 0..20 {
        let events = writer
            .execute(
                &Actor::system(),
                Command::EstablishBody(Body {
                    id: BodyId::new(&format!("body-{i}")).unwrap(),
                    name: format!("Body {i}"),
                    acronym: format!("B{i}"),
                }),
            )
            .await
            .unwrap();
        let appended = events.last().unwrap().seq;
        let heads = futures::future::join_all((0..32).map(|_| reader.head())).await;
        for head in heads {
            let seq = head.unwrap().seq;
            assert!(
                seq >= appended,
                "a reader got head {seq} after {appended} was committed"
            );
        }
    }
    busy.abort();
}
