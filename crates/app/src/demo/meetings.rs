//! The demo's meeting schedule (illustrative): the plenary, Committee 5, the Working Group
//! of the Plenary and its closed ad hoc group on Internet-related resolutions, in Busan
//! time (UTC+9).

use plenary_domain::DomainError;
use plenary_domain::command::Command;
use plenary_domain::meetings::Meeting;
use plenary_domain::model::{ConferenceId, GroupId};
use time::macros::{date, offset, time};
use time::{Date, PrimitiveDateTime, Time};

/// One meeting: group suffix, number, day, start, end, room, agenda.
type Slot = (
    &'static str,
    u32,
    Date,
    Time,
    Time,
    &'static str,
    &'static [&'static str],
);

const SCHEDULE: &[Slot] = &[
    (
        "pl",
        1,
        date!(2014 - 10 - 20),
        time!(10:00),
        time!(12:30),
        "Plenary Hall, BEXCO",
        &[
            "Opening of the conference",
            "Election of the chair of the conference",
            "Structure of the conference",
        ],
    ),
    (
        "com5",
        1,
        date!(2014 - 10 - 22),
        time!(09:30),
        time!(12:30),
        "Room 5, BEXCO",
        &[
            "Organization of work",
            "Proposals on the Constitution and Convention",
        ],
    ),
    (
        "wg-pl",
        1,
        date!(2014 - 10 - 23),
        time!(14:30),
        time!(17:30),
        "Room 1, BEXCO",
        &[
            "Resolutions referred by the plenary",
            "Setting up ad hoc groups on the Internet and on security",
        ],
    ),
    (
        "adhoc-internet",
        1,
        date!(2014 - 10 - 27),
        time!(18:00),
        time!(21:00),
        "Room 3, BEXCO",
        &["Resolution 102", "Resolution 101", "Resolution 133"],
    ),
    (
        "adhoc-internet",
        2,
        date!(2014 - 10 - 28),
        time!(18:00),
        time!(21:00),
        "Room 3, BEXCO",
        &["Resolution 102: the compiled text, considering and recognizing"],
    ),
    (
        "adhoc-security",
        1,
        date!(2014 - 10 - 28),
        time!(14:30),
        time!(17:30),
        "Room 4, BEXCO",
        &["Resolution 130: compilation of the proposals"],
    ),
    (
        "adhoc-internet",
        3,
        date!(2014 - 10 - 30),
        time!(18:00),
        time!(21:00),
        "Room 3, BEXCO",
        &[
            "Resolution 102: instructs and invites",
            "Report to the Working Group of the Plenary",
        ],
    ),
    (
        "adhoc-internet",
        4,
        date!(2014 - 10 - 31),
        time!(18:00),
        time!(21:00),
        "Room 3, BEXCO",
        &["Resolution 133: compilation of the proposals"],
    ),
    (
        "adhoc-security",
        2,
        date!(2014 - 10 - 31),
        time!(14:30),
        time!(17:30),
        "Room 4, BEXCO",
        &["Report to the Working Group of the Plenary"],
    ),
    (
        "adhoc-internet",
        5,
        date!(2014 - 11 - 01),
        time!(10:00),
        time!(13:00),
        "Room 3, BEXCO",
        &["Resolution 133: instructs the Secretary-General"],
    ),
    (
        "wg-pl",
        2,
        date!(2014 - 11 - 03),
        time!(09:30),
        time!(12:30),
        "Room 1, BEXCO",
        &["Outcome of the ad hoc group on Internet-related resolutions"],
    ),
    (
        "wg-pl",
        3,
        date!(2014 - 11 - 04),
        time!(09:30),
        time!(12:30),
        "Room 1, BEXCO",
        &["Report of the ad hoc group on security"],
    ),
    (
        "wg-pl",
        4,
        date!(2014 - 11 - 05),
        time!(09:30),
        time!(12:30),
        "Room 1, BEXCO",
        &["Resolution 102: the brackets reported by the ad hoc group"],
    ),
    (
        "pl",
        2,
        date!(2014 - 11 - 06),
        time!(09:30),
        time!(12:30),
        "Plenary Hall, BEXCO",
        &["Reports of the committees", "Adoption of resolutions"],
    ),
];

fn ordinal(n: u32) -> &'static str {
    match n {
        1 => "First",
        2 => "Second",
        3 => "Third",
        4 => "Fourth",
        5 => "Fifth",
        _ => "Further",
    }
}

/// The commands that schedule the demo's meetings.
///
/// # Errors
/// Only if the built-in schedule is malformed (a bug, caught by the tests).
pub fn schedule(conf: &ConferenceId) -> Result<Vec<Command>, DomainError> {
    SCHEDULE
        .iter()
        .map(|(group, n, day, starts, ends, room, agenda)| {
            let group = GroupId::new(&format!("{conf}.{group}"))?;
            let at = |t: Time| PrimitiveDateTime::new(*day, t).assume_offset(offset!(+9));
            Ok(Command::ScheduleMeeting(Meeting {
                id: format!("{group}.{n}"),
                conference: conf.clone(),
                title: format!("{} meeting", ordinal(*n)),
                group,
                starts_at: at(*starts),
                ends_at: at(*ends),
                room: (*room).into(),
                agenda: agenda.iter().map(|a| (*a).to_owned()).collect(),
            }))
        })
        .collect()
}
