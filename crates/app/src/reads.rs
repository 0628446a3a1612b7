//! Reads for the pages: the meeting schedule and one instrument.
//!
//! Reading the meeting schedule. Meetings are public: their existence, time, room and
//! agenda are the schedule, even for closed groups (whose debates stay closed).

use plenary_domain::access::Actor;
use plenary_domain::meetings::Meeting;
use plenary_domain::projection::DocKind;

use crate::{App, Result};

impl App {
    /// The meetings of a conference, in the order they start.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn meetings(&self, _reader: &Actor, conference: &str) -> Result<Vec<Meeting>> {
        let mut all: Vec<Meeting> = self.list(DocKind::Meeting, Some(conference)).await?;
        all.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.id.cmp(&b.id)));
        Ok(all)
    }

    /// One instrument with its list of revisions.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn instrument(
        &self,
        _reader: &Actor,
        id: &str,
    ) -> Result<Option<plenary_domain::model::Instrument>> {
        self.get(DocKind::Instrument, id).await
    }
}
