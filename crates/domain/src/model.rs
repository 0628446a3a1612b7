//! The entities of a conference world, as the views hold them.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::error::DomainError;

/// Checks the shape of an id: 1 to 64 characters, lowercase ASCII letters, digits, `-`, `.`
/// and `_`, starting with a letter or digit. Ids appear in URLs, so they stay plain.
///
/// # Errors
/// [`DomainError::InvalidField`] naming `field` and the rule.
pub fn check_id(field: &str, id: &str) -> Result<(), DomainError> {
    let ok_len = !id.is_empty() && id.len() <= 64;
    let ok_first = id
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let ok_chars = id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '_'));
    if ok_len && ok_first && ok_chars {
        Ok(())
    } else {
        Err(DomainError::invalid(
            field,
            format!(
                "'{id}' is not a valid id: use 1 to 64 lowercase letters, digits, '-', '.' or '_', starting with a letter or digit"
            ),
        ))
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Checks and wraps an id.
            ///
            /// # Errors
            /// When the id is not of the allowed shape (see [`check_id`]).
            pub fn new(id: &str) -> Result<Self, DomainError> {
                check_id($field, id)?;
                Ok(Self(id.to_owned()))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = DomainError;
            fn try_from(id: String) -> Result<Self, DomainError> {
                check_id($field, &id)?;
                Ok(Self(id))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                crate::schema::id_schema()
            }

            fn inline_schema() -> bool {
                true
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// Id of a body, e.g. `itu`.
    BodyId, "body"
);
id_type!(
    /// Id of a conference, e.g. `pp-14`.
    ConferenceId, "conference"
);
id_type!(
    /// Id of a group, e.g. `pp-14.com5`.
    GroupId, "group"
);
id_type!(
    /// Id of a member, e.g. `kor` for a member state or `isoc` for an observer.
    MemberId, "member"
);
id_type!(
    /// Id of an instrument, e.g. `itu.res-102`.
    InstrumentId, "instrument"
);
id_type!(
    /// Id of a revision of an instrument, e.g. `itu.res-102.guadalajara-2010`.
    RevisionId, "revision"
);

/// An organisation whose conferences Plenary runs (ITU, a UN body, a standards body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Body {
    /// Its id.
    pub id: BodyId,
    /// Its full name.
    pub name: String,
    /// Its acronym, e.g. `ITU`.
    pub acronym: String,
}

/// One of the six official languages of the UN system.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
pub enum Language {
    /// Arabic (A), written right to left.
    #[serde(rename = "ar")]
    Arabic,
    /// Chinese (C).
    #[serde(rename = "zh")]
    Chinese,
    /// English (E).
    #[serde(rename = "en")]
    English,
    /// French (F).
    #[serde(rename = "fr")]
    French,
    /// Russian (R).
    #[serde(rename = "ru")]
    Russian,
    /// Spanish (S).
    #[serde(rename = "es")]
    Spanish,
}

impl Language {
    /// All six, in the customary order A C E F R S.
    pub const ALL: [Language; 6] = [
        Self::Arabic,
        Self::Chinese,
        Self::English,
        Self::French,
        Self::Russian,
        Self::Spanish,
    ];

    /// The customary one-letter code (A C E F R S).
    pub fn letter(self) -> char {
        match self {
            Self::Arabic => 'A',
            Self::Chinese => 'C',
            Self::English => 'E',
            Self::French => 'F',
            Self::Russian => 'R',
            Self::Spanish => 'S',
        }
    }
}

/// A conference of a body: a plenipotentiary conference, a council session, an assembly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Conference {
    /// Its id.
    pub id: ConferenceId,
    /// The body that holds it.
    pub body: BodyId,
    /// Its full name.
    pub name: String,
    /// Its short name, e.g. `PP-14`.
    pub short_name: String,
    /// The host city, used in revision citations ("Rev. Busan, 2014").
    pub city: String,
    /// The host country.
    pub country: String,
    /// First day.
    #[schemars(with = "crate::schema::IsoDate")]
    pub opens_on: Date,
    /// Last day.
    #[schemars(with = "crate::schema::IsoDate")]
    pub closes_on: Date,
    /// Official languages of the conference.
    pub languages: Vec<Language>,
    /// Changes to the default participation rights, in the order adopted (added with
    /// `adopt_rights_rule`; empty when convened).
    #[serde(default)]
    pub rights_rules: Vec<crate::rights::RightsRule>,
}

impl Conference {
    /// The prefix of its main document symbols: the short name without punctuation
    /// ("PP-14" → "PP14").
    pub fn document_prefix(&self) -> String {
        self.short_name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect()
    }
}

/// What kind of group this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// The plenary meeting of the conference.
    Plenary,
    /// A committee (steering, credentials, budget control, editorial, policy, …).
    Committee,
    /// A working group, e.g. the Working Group of the Plenary.
    WorkingGroup,
    /// An ad hoc group set up for one question.
    AdHocGroup,
    /// A drafting group.
    DraftingGroup,
}

/// Whether the public may follow a group's meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupVisibility {
    /// Open to observers and webcast.
    Public,
    /// Closed meetings; the group still owes its parent a public report.
    Closed,
}

/// A report a group owes another group by a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportingDuty {
    /// The group the report goes to.
    pub to: GroupId,
    /// What is to be reported.
    pub subject: String,
    /// The date it is due.
    #[schemars(with = "crate::schema::IsoDate")]
    pub due_on: Date,
}

/// A group of a conference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Its id.
    pub id: GroupId,
    /// The conference it belongs to.
    pub conference: ConferenceId,
    /// The group it answers to (none for the plenary).
    pub parent: Option<GroupId>,
    /// Its kind.
    pub kind: GroupKind,
    /// Its full name.
    pub name: String,
    /// Its short name, e.g. `COM5`.
    pub short_name: String,
    /// Its terms of reference.
    pub mandate: String,
    /// Its chair, as "Name (Member)", if designated.
    pub chair: Option<String>,
    /// Public or closed.
    pub visibility: GroupVisibility,
    /// A report owed, if any.
    pub reporting: Option<ReportingDuty>,
}

/// An ITU administrative region (used for Council elections and statistics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Region {
    /// Region A: the Americas.
    A,
    /// Region B: Western Europe.
    B,
    /// Region C: Eastern Europe and Northern Asia.
    C,
    /// Region D: Africa.
    D,
    /// Region E: Asia and Australasia.
    E,
}

/// The accreditation under which an observer organisation takes part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Accreditation {
    /// Civil society accredited to the World Summit on the Information Society.
    WsisCivilSociety,
    /// An intergovernmental organisation.
    Intergovernmental,
    /// A United Nations agency or programme.
    UnAgency,
    /// A regional telecommunication organisation (APT, ATU, CEPT, CITEL, RCC, ASMG).
    RegionalTelecommunicationOrganisation,
}

/// How an organisation takes part in a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "category")]
pub enum MemberCategory {
    /// A member state, in a region.
    MemberState {
        /// Its region.
        region: Region,
    },
    /// A sector member (industry, operator, manufacturer).
    SectorMember,
    /// An associate of a sector.
    Associate,
    /// A university or research institution.
    Academia,
    /// An observer organisation with an accreditation.
    Observer {
        /// Under what it is accredited.
        accreditation: Accreditation,
    },
}

/// An organisation that takes part in a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Its id (ISO 3166 alpha-3 in lower case for member states).
    pub id: MemberId,
    /// The body it belongs to.
    pub body: BodyId,
    /// Its name.
    pub name: String,
    /// How it takes part.
    pub category: MemberCategory,
}

/// The kind of an instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InstrumentKind {
    /// A resolution.
    Resolution,
    /// A decision.
    Decision,
    /// A recommendation.
    Recommendation,
}

impl InstrumentKind {
    /// Reads a citation word ("Resolution", "decision"), in any case.
    pub fn parse(word: &str) -> Option<Self> {
        [Self::Resolution, Self::Decision, Self::Recommendation]
            .into_iter()
            .find(|k| k.word().eq_ignore_ascii_case(word.trim()))
    }

    /// The short code used in ids: `res`, `dec`, `rec`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Resolution => "res",
            Self::Decision => "dec",
            Self::Recommendation => "rec",
        }
    }

    /// The word used in citations: "Resolution", "Decision", "Recommendation".
    pub fn word(self) -> &'static str {
        match self {
            Self::Resolution => "Resolution",
            Self::Decision => "Decision",
            Self::Recommendation => "Recommendation",
        }
    }
}

/// A short reference to a revision, kept on its instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RevisionRef {
    /// The revision's id.
    pub id: RevisionId,
    /// Its citation, e.g. "Resolution 102 (Rev. Busan, 2014)".
    pub citation: String,
}

/// An instrument of a body: a resolution, decision or recommendation, with its revisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    /// Its id.
    pub id: InstrumentId,
    /// The body whose instrument it is.
    pub body: BodyId,
    /// Resolution, decision or recommendation.
    pub kind: InstrumentKind,
    /// Its number, e.g. `102`.
    pub number: String,
    /// Its current title.
    pub title: String,
    /// Its revisions, oldest first (filled in by the projection).
    #[serde(default)]
    pub revisions: Vec<RevisionRef>,
}

/// One revision of an instrument, with its full text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    /// Its id.
    pub id: RevisionId,
    /// The instrument it revises.
    pub instrument: InstrumentId,
    /// Its citation, e.g. "Resolution 102 (Rev. Busan, 2014)".
    pub citation: String,
    /// Its title.
    pub title: String,
    /// The revision it replaced, if any.
    pub previous: Option<RevisionId>,
    /// The date of adoption, if known.
    #[schemars(with = "Option<crate::schema::IsoDate>")]
    pub adopted_on: Option<Date>,
    /// The full text in Plenary's notation (see docs/notation.md).
    pub text: String,
    /// The draft it was adopted from, when adopted on the platform (for provenance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<String>,
    /// What an imported document says about itself (symbol, body, workflow, decision,
    /// sponsors, provenance); absent for revisions recorded by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<crate::records::RevisionRecord>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_refuse_spaces_capitals_and_empty() {
        for bad in ["", "PP-14", "pp 14", "-x", "é", &"x".repeat(65)] {
            assert!(ConferenceId::new(bad).is_err(), "{bad:?} should be refused");
        }
        for good in ["pp-14", "itu.res-102", "a_b", "7"] {
            assert!(
                ConferenceId::new(good).is_ok(),
                "{good:?} should be accepted"
            );
        }
    }

    #[test]
    fn a_bad_id_in_json_is_refused_with_the_field_named() {
        let err = serde_json::from_str::<Body>(r#"{"id":"I T U","name":"x","acronym":"x"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("body: 'I T U' is not a valid id"), "{err}");
    }
}

id_type!(
    /// Id of a delegation to a conference, e.g. `pp-14.kor`.
    DelegationId, "delegation"
);
id_type!(
    /// Id of a person on a delegation, e.g. `pp-14.kor.1`.
    DelegateId, "delegate"
);

/// A member's delegation to a conference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delegation {
    /// Its id.
    pub id: DelegationId,
    /// The conference.
    pub conference: ConferenceId,
    /// The member it represents.
    pub member: MemberId,
    /// The state of its credentials (set by the Credentials Committee).
    pub credentials: crate::rights::CredentialsStatus,
}

/// The stakeholder type of a person on a delegation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StakeholderType {
    /// Government.
    Government,
    /// Civil society.
    CivilSociety,
    /// Private sector.
    PrivateSector,
    /// Academia.
    Academia,
}

/// A person's role on a delegation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DelegateRole {
    /// Head of delegation.
    Head,
    /// Deputy head.
    Deputy,
    /// Delegate.
    Delegate,
    /// Adviser.
    Adviser,
}

/// Gender as the person declared it, if they chose to (for participation statistics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    /// Woman.
    Woman,
    /// Man.
    Man,
    /// Another gender identity.
    Other,
}

/// A person on a delegation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delegate {
    /// Its id.
    pub id: DelegateId,
    /// The delegation.
    pub delegation: DelegationId,
    /// The person's name.
    pub name: String,
    /// Their role.
    pub role: DelegateRole,
    /// Their stakeholder type.
    pub stakeholder: StakeholderType,
    /// Self-declared gender, optional.
    #[serde(default)]
    pub gender: Option<Gender>,
}
