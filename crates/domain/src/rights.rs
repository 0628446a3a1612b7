//! Participation rights: who may attend, speak, submit documents, make proposals and vote
//! in which group. ITU-style defaults, configurable per conference and per group.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::model::{Accreditation, GroupId, GroupVisibility, MemberCategory};

/// A right in a group.
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
#[serde(rename_all = "snake_case")]
pub enum Right {
    /// Be present at the group's meetings.
    Attend,
    /// Take the floor (be put on the speakers' list).
    Speak,
    /// Submit documents (contributions, information documents) to the group.
    SubmitDocuments,
    /// Make proposals on instruments (ADD / MOD / SUP / NOC, new drafts).
    Propose,
    /// Vote. Also requires credentials in order.
    Vote,
}

impl Right {
    /// Every right, in order.
    pub const ALL: [Right; 5] = [
        Self::Attend,
        Self::Speak,
        Self::SubmitDocuments,
        Self::Propose,
        Self::Vote,
    ];
}

/// The categories of participant the rights matrix distinguishes.
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
#[serde(rename_all = "snake_case")]
pub enum ParticipantCategory {
    /// A member state.
    MemberState,
    /// A sector member.
    SectorMember,
    /// An associate.
    Associate,
    /// Academia.
    Academia,
    /// Civil society accredited to WSIS.
    WsisCivilSociety,
    /// An intergovernmental organisation.
    Intergovernmental,
    /// A UN agency or programme.
    UnAgency,
    /// A regional telecommunication organisation.
    RegionalTelecommunicationOrganisation,
}

impl ParticipantCategory {
    /// Every category, in order.
    pub const ALL: [ParticipantCategory; 8] = [
        Self::MemberState,
        Self::SectorMember,
        Self::Associate,
        Self::Academia,
        Self::WsisCivilSociety,
        Self::Intergovernmental,
        Self::UnAgency,
        Self::RegionalTelecommunicationOrganisation,
    ];

    /// The category of a member.
    pub fn of(category: &MemberCategory) -> Self {
        match category {
            MemberCategory::MemberState { .. } => Self::MemberState,
            MemberCategory::SectorMember => Self::SectorMember,
            MemberCategory::Associate => Self::Associate,
            MemberCategory::Academia => Self::Academia,
            MemberCategory::Observer { accreditation } => match accreditation {
                Accreditation::WsisCivilSociety => Self::WsisCivilSociety,
                Accreditation::Intergovernmental => Self::Intergovernmental,
                Accreditation::UnAgency => Self::UnAgency,
                Accreditation::RegionalTelecommunicationOrganisation => {
                    Self::RegionalTelecommunicationOrganisation
                }
            },
        }
    }

    /// Whether this is an observer category.
    pub fn is_observer(self) -> bool {
        matches!(
            self,
            Self::WsisCivilSociety
                | Self::Intergovernmental
                | Self::UnAgency
                | Self::RegionalTelecommunicationOrganisation
        )
    }
}

/// The state of a delegation's credentials, on which the right to vote depends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CredentialsStatus {
    /// Found in order by the Credentials Committee.
    InOrder,
    /// Found not in order.
    NotInOrder,
    /// Not yet examined.
    Pending,
}

/// A change to the default rights: grant or withdraw rights for a category, in one group
/// or (with `group: None`) in every group of the conference. Later rules win.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RightsRule {
    /// The group, or every group when `None`.
    pub group: Option<GroupId>,
    /// The category it concerns.
    pub category: ParticipantCategory,
    /// Rights granted.
    #[serde(default)]
    pub grant: BTreeSet<Right>,
    /// Rights withdrawn.
    #[serde(default)]
    pub withdraw: BTreeSet<Right>,
    /// Why (e.g. "Plenary decision of 21 October: accredited observers may speak in COM5").
    pub basis: String,
}

/// The ITU-style default rights of a category in a group of the given visibility, before
/// any rule of the conference:
/// - member states attend, speak, submit, propose and vote everywhere;
/// - sector members, associates and academia attend public groups and submit (information)
///   documents; they speak only where the conference grants it;
/// - observers attend public groups; they speak only where the conference grants it;
/// - closed groups are for member states unless the conference opens them.
pub fn default_rights(
    category: ParticipantCategory,
    visibility: GroupVisibility,
) -> BTreeSet<Right> {
    use Right::*;
    let closed = visibility == GroupVisibility::Closed;
    let rights: &[Right] = match category {
        ParticipantCategory::MemberState => &[Attend, Speak, SubmitDocuments, Propose, Vote],
        ParticipantCategory::SectorMember
        | ParticipantCategory::Associate
        | ParticipantCategory::Academia => {
            if closed {
                &[]
            } else {
                &[Attend, SubmitDocuments]
            }
        }
        _ => {
            if closed {
                &[]
            } else {
                &[Attend]
            }
        }
    };
    rights.iter().copied().collect()
}

/// The rights of a participant of `category` in `group`, under the conference's rules, with
/// the delegation's credentials: the defaults, then every applicable rule in order; the
/// vote also needs credentials in order, and only member states ever vote.
pub fn rights_in(
    category: ParticipantCategory,
    group: &GroupId,
    visibility: GroupVisibility,
    rules: &[RightsRule],
    credentials: CredentialsStatus,
) -> BTreeSet<Right> {
    let mut rights = default_rights(category, visibility);
    for rule in rules {
        let applies = rule.category == category && rule.group.as_ref().is_none_or(|g| g == group);
        if applies {
            rights.extend(rule.grant.iter().copied());
            for r in &rule.withdraw {
                rights.remove(r);
            }
        }
    }
    if category != ParticipantCategory::MemberState || credentials != CredentialsStatus::InOrder {
        rights.remove(&Right::Vote);
    }
    // Whoever may speak, submit or propose must be able to attend.
    if rights.iter().any(|r| *r != Right::Attend) {
        rights.insert(Right::Attend);
    }
    rights
}

#[cfg(test)]
mod tests {
    use super::*;

    fn com5() -> GroupId {
        GroupId::new("pp-14.com5").unwrap()
    }

    #[test]
    fn member_states_vote_only_with_credentials_in_order() {
        let g = com5();
        let v = |c| {
            rights_in(
                ParticipantCategory::MemberState,
                &g,
                GroupVisibility::Public,
                &[],
                c,
            )
        };
        assert!(v(CredentialsStatus::InOrder).contains(&Right::Vote));
        assert!(!v(CredentialsStatus::Pending).contains(&Right::Vote));
        assert!(!v(CredentialsStatus::NotInOrder).contains(&Right::Vote));
        assert!(v(CredentialsStatus::NotInOrder).contains(&Right::Speak));
    }

    #[test]
    fn observers_may_speak_where_the_conference_grants_it() {
        let g = com5();
        let other = GroupId::new("pp-14.com6").unwrap();
        let rule = RightsRule {
            group: Some(g.clone()),
            category: ParticipantCategory::WsisCivilSociety,
            grant: [Right::Speak].into(),
            withdraw: BTreeSet::new(),
            basis: "Plenary decision".into(),
        };
        let cs = ParticipantCategory::WsisCivilSociety;
        let ok = CredentialsStatus::InOrder;
        assert!(
            rights_in(
                cs,
                &g,
                GroupVisibility::Public,
                std::slice::from_ref(&rule),
                ok
            )
            .contains(&Right::Speak)
        );
        assert!(
            !rights_in(cs, &other, GroupVisibility::Public, &[rule], ok).contains(&Right::Speak)
        );
    }

    #[test]
    fn no_rule_can_give_an_observer_the_vote() {
        let rule = RightsRule {
            group: None,
            category: ParticipantCategory::WsisCivilSociety,
            grant: Right::ALL.into_iter().collect(),
            withdraw: BTreeSet::new(),
            basis: "test".into(),
        };
        let r = rights_in(
            ParticipantCategory::WsisCivilSociety,
            &com5(),
            GroupVisibility::Public,
            &[rule],
            CredentialsStatus::InOrder,
        );
        assert!(!r.contains(&Right::Vote));
        assert!(r.contains(&Right::Propose));
    }

    #[test]
    fn closed_groups_are_for_member_states_by_default() {
        for c in ParticipantCategory::ALL {
            let r = default_rights(c, GroupVisibility::Closed);
            assert_eq!(
                r.contains(&Right::Attend),
                c == ParticipantCategory::MemberState,
                "{c:?}"
            );
        }
    }
}
