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
}
