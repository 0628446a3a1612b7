//! Commands: what an actor asks for. [`decide`] checks a command against the current state
//! and turns it into the changes to record, or refuses it with a clear error.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::event::{Change, PendingEvent};
use crate::model::{Body, Conference, Group, GroupKind, Instrument, Member, Revision};
use crate::projection::{DocKey, DocKind, DocSet};

/// Longest name or title accepted, in characters.
pub const MAX_NAME_CHARS: usize = 500;
/// Longest text accepted (a revision's full text), in bytes.
pub const MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;

/// A request to change the state of the conference world.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", content = "input", rename_all = "snake_case")]
pub enum Command {
    /// Establish a body.
    EstablishBody(Body),
    /// Convene a conference of a body.
    ConveneConference(Conference),
    /// Establish a group of a conference.
    EstablishGroup(Group),
    /// Admit a member to a body.
    AdmitMember(Member),
    /// Register an instrument of a body (its revisions are recorded separately).
    RegisterInstrument(Instrument),
    /// Record a revision of an instrument, following its latest one.
    RecordRevision(Revision),
}

impl Command {
    /// The command's name, as in its JSON form.
    pub fn name(&self) -> &'static str {
        match self {
            Self::EstablishBody(_) => "establish_body",
            Self::ConveneConference(_) => "convene_conference",
            Self::EstablishGroup(_) => "establish_group",
            Self::AdmitMember(_) => "admit_member",
            Self::RegisterInstrument(_) => "register_instrument",
            Self::RecordRevision(_) => "record_revision",
        }
    }
}

/// The documents [`decide`] needs to see.
pub fn reads(command: &Command) -> Vec<DocKey> {
    use DocKind as K;
    match command {
        Command::EstablishBody(b) => vec![DocKey::new(K::Body, b.id.as_str())],
        Command::ConveneConference(c) => vec![
            DocKey::new(K::Conference, c.id.as_str()),
            DocKey::new(K::Body, c.body.as_str()),
        ],
        Command::EstablishGroup(g) => {
            let mut keys = vec![
                DocKey::new(K::Group, g.id.as_str()),
                DocKey::new(K::Conference, g.conference.as_str()),
            ];
            if let Some(p) = &g.parent {
                keys.push(DocKey::new(K::Group, p.as_str()));
            }
            if let Some(r) = &g.reporting {
                keys.push(DocKey::new(K::Group, r.to.as_str()));
            }
            keys
        }
        Command::AdmitMember(m) => vec![
            DocKey::new(K::Member, m.id.as_str()),
            DocKey::new(K::Body, m.body.as_str()),
        ],
        Command::RegisterInstrument(i) => vec![
            DocKey::new(K::Instrument, i.id.as_str()),
            DocKey::new(K::Body, i.body.as_str()),
        ],
        Command::RecordRevision(r) => {
            let mut keys = vec![
                DocKey::new(K::Revision, r.id.as_str()),
                DocKey::new(K::Instrument, r.instrument.as_str()),
            ];
            if let Some(p) = &r.previous {
                keys.push(DocKey::new(K::Revision, p.as_str()));
            }
            keys
        }
    }
}

/// Checks `command` against `docs` (which hold at least [`reads`]) and returns the changes
/// to record.
///
/// # Errors
/// The first rule the command breaks, naming the field.
pub fn decide(command: &Command, docs: &DocSet) -> Result<Vec<PendingEvent>, DomainError> {
    use DocKind as K;
    let change = match command {
        Command::EstablishBody(b) => {
            absent(docs, K::Body, b.id.as_str())?;
            name("name", &b.name)?;
            name("acronym", &b.acronym)?;
            Change::BodyEstablished(b.clone())
        }
        Command::ConveneConference(c) => {
            absent(docs, K::Conference, c.id.as_str())?;
            present(docs, K::Body, c.body.as_str())?;
            name("name", &c.name)?;
            name("short_name", &c.short_name)?;
            name("city", &c.city)?;
            name("country", &c.country)?;
            if c.closes_on < c.opens_on {
                return Err(DomainError::invalid(
                    "closes_on",
                    format!("{} is before opens_on {}", c.closes_on, c.opens_on),
                ));
            }
            if c.languages.is_empty() {
                return Err(DomainError::invalid(
                    "languages",
                    "at least one official language is required",
                ));
            }
            let mut langs = c.languages.clone();
            langs.sort();
            langs.dedup();
            if langs.len() != c.languages.len() {
                return Err(DomainError::invalid(
                    "languages",
                    "a language is listed twice",
                ));
            }
            Change::ConferenceConvened(c.clone())
        }
        Command::EstablishGroup(g) => {
            absent(docs, K::Group, g.id.as_str())?;
            present(docs, K::Conference, g.conference.as_str())?;
            name("name", &g.name)?;
            name("short_name", &g.short_name)?;
            match (&g.parent, g.kind) {
                (Some(_), GroupKind::Plenary) => {
                    return Err(DomainError::invalid(
                        "parent",
                        "a plenary has no parent group",
                    ));
                }
                (None, kind) if kind != GroupKind::Plenary => {
                    return Err(DomainError::invalid(
                        "parent",
                        "every group but the plenary answers to a parent group",
                    ));
                }
                _ => {}
            }
            if let Some(p) = &g.parent {
                same_conference(docs, "parent", p.as_str(), g)?;
            }
            if let Some(r) = &g.reporting {
                same_conference(docs, "reporting.to", r.to.as_str(), g)?;
                name("reporting.subject", &r.subject)?;
            }
            Change::GroupEstablished(g.clone())
        }
        Command::AdmitMember(m) => {
            absent(docs, K::Member, m.id.as_str())?;
            present(docs, K::Body, m.body.as_str())?;
            name("name", &m.name)?;
            Change::MemberAdmitted(m.clone())
        }
        Command::RegisterInstrument(i) => {
            absent(docs, K::Instrument, i.id.as_str())?;
            present(docs, K::Body, i.body.as_str())?;
            name("number", &i.number)?;
            name("title", &i.title)?;
            if !i.revisions.is_empty() {
                return Err(DomainError::invalid(
                    "revisions",
                    "must be empty: revisions are recorded one by one with record_revision",
                ));
            }
            Change::InstrumentRegistered(i.clone())
        }
        Command::RecordRevision(r) => {
            absent(docs, K::Revision, r.id.as_str())?;
            let key = DocKey::new(K::Instrument, r.instrument.as_str());
            let instrument: Instrument = docs.get(&key)?.ok_or_else(|| DomainError::NotFound {
                kind: "instrument".into(),
                id: r.instrument.to_string(),
            })?;
            name("citation", &r.citation)?;
            name("title", &r.title)?;
            if r.text.trim().is_empty() {
                return Err(DomainError::invalid("text", "must not be empty"));
            }
            if r.text.len() > MAX_TEXT_BYTES {
                return Err(DomainError::invalid(
                    "text",
                    format!("is {} bytes; the limit is {MAX_TEXT_BYTES}", r.text.len()),
                ));
            }
            let latest = instrument.revisions.last().map(|l| &l.id);
            if r.previous.as_ref() != latest {
                return Err(DomainError::invalid(
                    "previous",
                    match latest {
                        Some(l) => format!("must be the instrument's latest revision '{l}'"),
                        None => "must be empty: the instrument has no revision yet".to_owned(),
                    },
                ));
            }
            Change::RevisionRecorded(r.clone())
        }
    };
    Ok(vec![PendingEvent::public(change)])
}

fn name(field: &str, value: &str) -> Result<(), DomainError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(DomainError::invalid(field, "must not be empty"));
    }
    if trimmed != value {
        return Err(DomainError::invalid(
            field,
            "must not start or end with white space",
        ));
    }
    let chars = value.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(DomainError::invalid(
            field,
            format!("is {chars} characters; the limit is {MAX_NAME_CHARS}"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

fn absent(docs: &DocSet, kind: DocKind, id: &str) -> Result<(), DomainError> {
    if docs.exists(&DocKey::new(kind, id)) {
        return Err(DomainError::AlreadyExists {
            kind: kind.as_str().into(),
            id: id.into(),
        });
    }
    Ok(())
}

fn present(docs: &DocSet, kind: DocKind, id: &str) -> Result<(), DomainError> {
    if !docs.exists(&DocKey::new(kind, id)) {
        return Err(DomainError::NotFound {
            kind: kind.as_str().into(),
            id: id.into(),
        });
    }
    Ok(())
}

fn same_conference(docs: &DocSet, field: &str, id: &str, group: &Group) -> Result<(), DomainError> {
    let other: Group =
        docs.get(&DocKey::new(DocKind::Group, id))?
            .ok_or_else(|| DomainError::NotFound {
                kind: "group".into(),
                id: id.into(),
            })?;
    if other.conference != group.conference {
        return Err(DomainError::invalid(
            field,
            format!(
                "group '{id}' belongs to another conference ({})",
                other.conference
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BodyId;

    fn itu() -> Body {
        Body {
            id: BodyId::new("itu").unwrap(),
            name: "International Telecommunication Union".into(),
            acronym: "ITU".into(),
        }
    }

    #[test]
    fn commands_read_as_tagged_json() {
        let cmd: Command = serde_json::from_str(
            r#"{"command":"establish_body","input":{"id":"itu","name":"International Telecommunication Union","acronym":"ITU"}}"#,
        )
        .unwrap();
        assert_eq!(cmd, Command::EstablishBody(itu()));
    }

    #[test]
    fn unknown_fields_in_a_command_are_refused() {
        let err = serde_json::from_str::<Command>(
            r#"{"command":"establish_body","input":{"id":"itu","name":"x","acronym":"x","colour":"red"}}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
    }

    #[test]
    fn a_body_cannot_be_established_twice() {
        let cmd = Command::EstablishBody(itu());
        let mut docs = DocSet::new();
        for key in reads(&cmd) {
            docs.load(key, None);
        }
        let events = decide(&cmd, &docs).unwrap();
        for e in &events {
            crate::projection::apply(&mut docs, &e.change, 1).unwrap();
        }
        assert!(matches!(
            decide(&cmd, &docs),
            Err(DomainError::AlreadyExists { .. })
        ));
    }

    #[test]
    fn blank_names_are_refused_naming_the_field() {
        let mut body = itu();
        body.acronym = "  ".into();
        let err = decide(&Command::EstablishBody(body), &DocSet::new()).unwrap_err();
        assert_eq!(err, DomainError::invalid("acronym", "must not be empty"));
    }
}
