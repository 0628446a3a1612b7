//! Meetings: a group meets at a time, in a room, on an agenda. The secretariat schedules
//! them; the public follows them on the conference and group pages and in calendars.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::DomainError;
use crate::event::Change;
use crate::model::{ConferenceId, Group, GroupId, check_id};
use crate::projection::{DocKey, DocKind, DocSet};

/// The longest meeting accepted, in hours: a meeting runs within a day (night sessions
/// included); a longer one is several meetings.
pub const MAX_MEETING_HOURS: i64 = 24;

/// A meeting of a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    /// Its id, e.g. `pp-14.com5.3` (the group's id and the meeting's number).
    pub id: String,
    /// The conference.
    pub conference: ConferenceId,
    /// The group that meets.
    pub group: GroupId,
    /// Its title, e.g. "Third meeting of Committee 5".
    pub title: String,
    /// When it starts, with the local offset of the venue (or UTC).
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "crate::schema::IsoDateTime")]
    pub starts_at: OffsetDateTime,
    /// When it is scheduled to end, with an offset.
    #[serde(with = "time::serde::rfc3339")]
    #[schemars(with = "crate::schema::IsoDateTime")]
    pub ends_at: OffsetDateTime,
    /// Where it meets.
    pub room: String,
    /// The items of its agenda, in order.
    pub agenda: Vec<String>,
}

/// Checks a meeting to schedule against the current state and returns the change.
///
/// # Errors
/// The first rule broken, naming the field: an id taken or malformed, an unknown group or
/// one of another conference, an empty title or room, an end not after the start, a
/// meeting over [`MAX_MEETING_HOURS`], a blank agenda item.
pub(crate) fn schedule(m: &Meeting, docs: &DocSet) -> Result<Change, DomainError> {
    check_id("id", &m.id)?;
    crate::command::absent(docs, DocKind::Meeting, &m.id)?;
    let group: Group = docs
        .get(&DocKey::new(DocKind::Group, m.group.as_str()))?
        .ok_or_else(|| DomainError::NotFound {
            kind: "group".into(),
            id: m.group.to_string(),
        })?;
    if group.conference != m.conference {
        return Err(DomainError::invalid(
            "group",
            format!(
                "group '{}' belongs to another conference ({})",
                m.group, group.conference
            ),
        ));
    }
    crate::command::name("title", &m.title)?;
    crate::command::name("room", &m.room)?;
    if m.ends_at <= m.starts_at {
        return Err(DomainError::invalid(
            "ends_at",
            format!("must be after starts_at ({})", m.starts_at),
        ));
    }
    if (m.ends_at - m.starts_at).whole_hours() > MAX_MEETING_HOURS {
        return Err(DomainError::invalid(
            "ends_at",
            format!("a meeting lasts at most {MAX_MEETING_HOURS} hours"),
        ));
    }
    for (i, item) in m.agenda.iter().enumerate() {
        crate::command::name(&format!("agenda[{i}]"), item)?;
    }
    Ok(Change::MeetingScheduled(m.clone()))
}

/// The documents scheduling `m` reads.
pub(crate) fn reads(m: &Meeting) -> Vec<DocKey> {
    vec![
        DocKey::new(DocKind::Meeting, m.id.as_str()),
        DocKey::new(DocKind::Group, m.group.as_str()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{GroupKind, GroupVisibility};
    use time::macros::datetime;

    fn docs() -> DocSet {
        let mut docs = DocSet::new();
        let group = Group {
            id: GroupId::new("pp-14.com5").unwrap_or_else(|_| unreachable!()),
            conference: ConferenceId::new("pp-14").unwrap_or_else(|_| unreachable!()),
            parent: None,
            kind: GroupKind::Plenary,
            name: "Committee 5".into(),
            short_name: "COM5".into(),
            mandate: "Policy and legal matters.".into(),
            chair: None,
            visibility: GroupVisibility::Public,
            reporting: None,
        };
        docs.put(
            DocKey::new(DocKind::Group, "pp-14.com5"),
            Some("pp-14".into()),
            &group,
            1,
        );
        docs.load(DocKey::new(DocKind::Meeting, "pp-14.com5.1"), None);
        docs
    }

    fn meeting() -> Meeting {
        Meeting {
            id: "pp-14.com5.1".into(),
            conference: ConferenceId::new("pp-14").unwrap_or_else(|_| unreachable!()),
            group: GroupId::new("pp-14.com5").unwrap_or_else(|_| unreachable!()),
            title: "First meeting of Committee 5".into(),
            starts_at: datetime!(2014-10-22 09:30 +09:00),
            ends_at: datetime!(2014-10-22 12:30 +09:00),
            room: "Room 101".into(),
            agenda: vec!["Opening".into()],
        }
    }

    #[test]
    fn a_meeting_must_end_after_it_starts() {
        let mut m = meeting();
        m.ends_at = m.starts_at;
        let err = schedule(&m, &docs()).unwrap_err();
        assert!(
            matches!(err, DomainError::InvalidField { ref field, .. } if field == "ends_at"),
            "{err}"
        );
        assert!(schedule(&meeting(), &docs()).is_ok());
    }

    #[test]
    fn a_meeting_of_another_conference_s_group_is_refused() {
        let mut m = meeting();
        m.conference = ConferenceId::new("pp-18").unwrap_or_else(|_| unreachable!());
        let err = schedule(&m, &docs()).unwrap_err();
        assert!(
            matches!(err, DomainError::InvalidField { ref field, .. } if field == "group"),
            "{err}"
        );
    }

    #[test]
    fn a_blank_agenda_item_is_refused_naming_its_position() {
        let mut m = meeting();
        m.agenda.push(" ".into());
        let err = schedule(&m, &docs()).unwrap_err();
        assert_eq!(err, DomainError::invalid("agenda[1]", "must not be empty"));
    }

    #[test]
    fn meeting_times_keep_their_offset_in_json() {
        let json = serde_json::to_value(meeting()).unwrap_or_default();
        assert_eq!(json["starts_at"], "2014-10-22T09:30:00+09:00");
    }
}
