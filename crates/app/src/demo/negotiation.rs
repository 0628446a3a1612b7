//! The demo's negotiations, so that a newcomer sees every state of a draft:
//! - Resolution 102 goes all the way: three proposals (RCC, CITEL, Brazil on privacy),
//!   compiled in the closed ad hoc group on the Internet, brackets resolved, Brazil's
//!   proposal withdrawn, a bracket opened for the United States, the ad hoc group's
//!   report to the Working Group of the Plenary, consensus there, and the plenary's
//!   adoption as "Resolution 102 (Rev. Busan, 2014)"; the privacy question is referred to
//!   the Council.
//! - Resolution 130 is reported: the ad hoc group on security reports it to the working
//!   group with its brackets still open.
//! - Resolution 133 is bracketed: under negotiation in the ad hoc group on the Internet,
//!   where the chair has adopted the combination of APT's and the Arab States' changes to
//!   the reporting paragraph that the draft suggested, as a recorded compromise.
//!
//! The sponsors are real organisations; the proposals and the steps are our illustration.

use plenary_domain::DomainError;
use plenary_domain::access::{Actor, Role};
use plenary_domain::command::Command;
use plenary_domain::model::{ConferenceId, GroupId, InstrumentId, Language, MemberId};
use plenary_domain::negotiation::text_ops::open_brackets;
use plenary_domain::negotiation::{
    Compilation, Decision, FollowUp, OpenBracket, ProposalInput, Reading,
};
use time::macros::date;

use super::{CONFERENCE, RES102_PROPOSAL_BRA, RES102_PROPOSAL_CITEL, RES102_PROPOSAL_RCC};
use crate::{App, Result};

const RES130_BUSAN: &str = include_str!("texts/res130-busan-2014.txt");
const RES133_BUSAN: &str = include_str!("texts/res133-busan-2014.txt");

fn chair(group: &str) -> Result<Actor> {
    Ok(Actor {
        id: format!("demo-chair-{group}"),
        roles: vec![Role::Chair {
            group: GroupId::new(&format!("{CONFERENCE}.{group}"))?,
        }],
    })
}

fn delegate(member: &str) -> Result<Actor> {
    Ok(Actor {
        id: format!("demo-delegate-{member}"),
        roles: vec![Role::Delegate {
            member: MemberId::new(member)?,
        }],
    })
}

fn group(suffix: &str) -> Result<GroupId> {
    Ok(GroupId::new(&format!("{CONFERENCE}.{suffix}"))?)
}

/// A proposal's text on a revision: the revised wording with our replacements, each of
/// which must apply.
fn variant(base: &str, replacements: &[(&str, &str)]) -> std::result::Result<String, DomainError> {
    let mut text = base.replace("(Rev. Busan, 2014)", "(Rev. Guadalajara, 2010)");
    for (from, to) in replacements {
        if !text.contains(from) {
            return Err(DomainError::invalid(
                "demo proposal",
                format!("'{from}' not found"),
            ));
        }
        text = text.replacen(from, to, 1);
    }
    Ok(text)
}

struct Negotiation<'a> {
    app: &'a App,
    conference: ConferenceId,
}

impl Negotiation<'_> {
    async fn run(&self, actor: &Actor, command: Command) -> Result<()> {
        self.app.execute(actor, command).await.map(|_| ())
    }

    async fn propose(
        &self,
        actor: &Actor,
        group_suffix: &str,
        instrument: &str,
        sponsor: &str,
        title: &str,
        text: &str,
    ) -> Result<String> {
        let events = self
            .app
            .execute(
                actor,
                Command::SubmitProposal(ProposalInput {
                    conference: self.conference.clone(),
                    group: group(group_suffix)?,
                    instrument: Some(InstrumentId::new(instrument)?),
                    title: title.to_owned(),
                    sponsors: vec![MemberId::new(sponsor)?],
                    text: text.to_owned(),
                    reasons: Default::default(),
                    language: Language::English,
                }),
            )
            .await?;
        let id = events
            .iter()
            .find(|e| e.kind == "proposal.submitted")
            .and_then(|e| serde_json::from_str::<serde_json::Value>(&e.payload).ok())
            .and_then(|v| v["id"].as_str().map(str::to_owned))
            .ok_or_else(|| DomainError::invalid("demo proposal", "was not recorded"))?;
        Ok(id)
    }

    async fn compile(
        &self,
        actor: &Actor,
        id: &str,
        group_suffix: &str,
        instrument: &str,
        proposals: Vec<String>,
        meeting: &str,
    ) -> Result<()> {
        self.run(
            actor,
            Command::CompileDraft(Compilation {
                id: id.to_owned(),
                conference: self.conference.clone(),
                group: group(group_suffix)?,
                instrument: Some(InstrumentId::new(instrument)?),
                proposals,
                meeting: Some(meeting.to_owned()),
            }),
        )
        .await
    }

    async fn open(&self, draft: &str) -> Result<Vec<OpenBracket>> {
        let d = self
            .app
            .draft(&Actor::anonymous(), draft)
            .await?
            .ok_or_else(|| DomainError::NotFound {
                kind: "draft".into(),
                id: draft.into(),
            })?;
        let text = plenary_text::parse(&d.text)
            .map_err(|e| DomainError::invalid("demo draft", e.message))?;
        Ok(open_brackets(&text))
    }

    /// Resolves the open brackets `pick` chooses an alternative for (by sponsor label),
    /// leaving the others open.
    async fn resolve(
        &self,
        actor: &Actor,
        draft: &str,
        meeting: &str,
        pick: impl Fn(&OpenBracket) -> Option<&'static str>,
    ) -> Result<()> {
        for b in self.open(draft).await? {
            let Some(sponsor) = pick(&b) else { continue };
            let Some(k) = b
                .alternatives
                .iter()
                .position(|a| a.sponsors.iter().any(|s| s == sponsor))
            else {
                continue;
            };
            self.run(
                actor,
                Command::ResolveBracket {
                    draft: draft.to_owned(),
                    bracket: b.id.clone(),
                    alternative: k + 1,
                    meeting: Some(meeting.to_owned()),
                },
            )
            .await?;
        }
        Ok(())
    }
}

fn in_provision(b: &OpenBracket, provision: &str) -> bool {
    b.provision.as_deref() == Some(provision)
}

fn has(b: &OpenBracket, sponsor: &str) -> bool {
    b.alternatives
        .iter()
        .any(|a| a.sponsors.iter().any(|s| s == sponsor))
}

/// Runs the demo's negotiations on a store holding the demo's world.
///
/// # Errors
/// Only if the built-in data is malformed (a bug, caught by the tests) or the store fails.
pub async fn run(app: &App) -> Result<()> {
    let n = Negotiation {
        app,
        conference: ConferenceId::new(CONFERENCE)?,
    };
    let secretariat = Actor {
        id: "demo-secretariat".into(),
        roles: vec![Role::Secretariat],
    };
    let ah_int = chair("adhoc-internet")?;
    let ah_sec = chair("adhoc-security")?;
    let wg = chair("wg-pl")?;
    let pl = chair("pl")?;

    // Resolution 102: the whole path.
    let draft = "pp-14.dt-res-102";
    let rcc = n
        .propose(
            &secretariat,
            "adhoc-internet",
            "itu.res-102",
            "rcc",
            "Common proposals of the RCC Administrations: Resolution 102",
            RES102_PROPOSAL_RCC,
        )
        .await?;
    let citel = n
        .propose(
            &secretariat,
            "adhoc-internet",
            "itu.res-102",
            "citel",
            "Inter-American proposals: Resolution 102",
            RES102_PROPOSAL_CITEL,
        )
        .await?;
    let bra = n
        .propose(
            &delegate("bra")?,
            "adhoc-internet",
            "itu.res-102",
            "bra",
            "Brazil: privacy in Resolution 102",
            RES102_PROPOSAL_BRA,
        )
        .await?;
    n.compile(
        &ah_int,
        draft,
        "adhoc-internet",
        "itu.res-102",
        vec![rcc, citel, bra.clone()],
        "pp-14.adhoc-internet.1",
    )
    .await?;
    n.run(
        &ah_int,
        Command::RecordReading {
            draft: draft.into(),
            reading: Reading::First,
            meeting: Some("pp-14.adhoc-internet.1".into()),
        },
    )
    .await?;
    n.resolve(&ah_int, draft, "pp-14.adhoc-internet.2", |b| {
        in_provision(b, "resolves.2").then_some("NOC")
    })
    .await?;
    n.run(
        &delegate("bra")?,
        Command::WithdrawProposal {
            proposal: bra,
            reason: Some("Brazil will pursue the question of privacy in the Council Working Group on Internet.".into()),
        },
    )
    .await?;
    n.run(
        &ah_int,
        Command::OpenBracket {
            draft: draft.into(),
            provision: "invites-member-states.2:rcc".into(),
            words: "to ensure that the management of national Internet resources remains a matter of national sovereignty;".into(),
            alternative: String::new(),
            sponsors: vec![MemberId::new("usa")?],
            meeting: Some("pp-14.adhoc-internet.3".into()),
        },
    )
    .await?;
    n.run(
        &ah_int,
        Command::SubmitReport {
            group: group("adhoc-internet")?,
            narrative: "The ad hoc group met three times in closed session. It agreed on most of the revision of Resolution 102; recognizing b) and the new paragraph 2 of invites Member States remain in square brackets, with their sponsors, for the Working Group of the Plenary. Brazil withdrew its proposal on privacy.".into(),
            meeting: Some("pp-14.adhoc-internet.3".into()),
        },
    )
    .await?;
    n.resolve(&wg, draft, "pp-14.wg-pl.4", |b| {
        Some(if has(b, "CITEL") {
            "CITEL"
        } else if has(b, "USA") {
            "USA"
        } else {
            "NOC"
        })
    })
    .await?;
    for reading in [Reading::First, Reading::Second] {
        n.run(
            &wg,
            Command::RecordReading {
                draft: draft.into(),
                reading,
                meeting: Some("pp-14.wg-pl.4".into()),
            },
        )
        .await?;
    }
    n.run(
        &wg,
        Command::AdoptDraft {
            draft: draft.into(),
            decision: Decision::Consensus,
            meeting: Some("pp-14.wg-pl.4".into()),
        },
    )
    .await?;
    n.run(
        &pl,
        Command::AdoptDraft {
            draft: draft.into(),
            decision: Decision::Consensus,
            meeting: Some("pp-14.pl.2".into()),
        },
    )
    .await?;
    n.run(
        &wg,
        Command::ReferFollowUp(FollowUp {
            id: "pp-14.fu-privacy".into(),
            conference: n.conference.clone(),
            group: group("wg-pl")?,
            matter: "The protection of privacy and personal data in international Internet-related public policy, withdrawn from Resolution 102 by its sponsor, to be further discussed in the Council.".into(),
            referred_to: "ITU Council (Council Working Group on Internet)".into(),
            due_on: date!(2015 - 06 - 30),
            draft: Some(draft.into()),
            closed: None,
        }),
    )
    .await?;

    // Resolution 130: reported with its brackets.
    let draft = "pp-14.dt-res-130";
    let cept = n
        .propose(
            &secretariat,
            "adhoc-security",
            "itu.res-130",
            "cept",
            "European common proposals: Resolution 130",
            &variant(RES130_BUSAN, &[])?,
        )
        .await?;
    let rcc = n
        .propose(
            &secretariat,
            "adhoc-security",
            "itu.res-130",
            "rcc",
            "Common proposals of the RCC Administrations: Resolution 130",
            &variant(
                RES130_BUSAN,
                &[
                    (
                        "b) UNGA Resolution 68/167, on the right to privacy in the digital age;\n",
                        "",
                    ),
                    ("lead facilitator", "facilitator"),
                    // The RCC keeps the Guadalajara wording of resolves 2 explicitly (NOC), so
                    // that CEPT's "lead facilitator" and the old wording meet in brackets.
                    (
                        "source: abridged and reworded for Plenary's demo; not the official text\n",
                        "source: abridged and reworded for Plenary's demo; not the official text\nnoc: resolves.2\n",
                    ),
                ],
            )?,
        )
        .await?;
    n.compile(
        &ah_sec,
        draft,
        "adhoc-security",
        "itu.res-130",
        vec![cept, rcc],
        "pp-14.adhoc-security.1",
    )
    .await?;
    // The RCC objects to the new reference to the right to privacy: it asks for its deletion.
    n.run(
        &ah_sec,
        Command::OpenBracket {
            draft: draft.into(),
            provision: "recalling.b:cept".into(),
            words: "UNGA Resolution 68/167, on the right to privacy in the digital age;".into(),
            alternative: String::new(),
            sponsors: vec![MemberId::new("rcc")?],
            meeting: Some("pp-14.adhoc-security.1".into()),
        },
    )
    .await?;
    n.run(
        &ah_sec,
        Command::SubmitReport {
            group: group("adhoc-security")?,
            narrative: "The ad hoc group could not agree on the reference to the right to privacy or on ITU's role in WSIS Action Line C5; both remain in square brackets.".into(),
            meeting: Some("pp-14.adhoc-security.2".into()),
        },
    )
    .await?;

    // Resolution 133: still bracketed in the ad hoc group.
    let draft = "pp-14.dt-res-133";
    let apt = n
        .propose(
            &secretariat,
            "adhoc-internet",
            "itu.res-133",
            "apt",
            "Asia-Pacific common proposals: Resolution 133",
            &variant(RES133_BUSAN, &[])?,
        )
        .await?;
    let asmg = n
        .propose(
            &secretariat,
            "adhoc-internet",
            "itu.res-133",
            "asmg",
            "Common proposals of the Arab States: Resolution 133",
            &variant(RES133_BUSAN, &[
                ("universal acceptance of internationalized domain names and e-mail addresses", "universal acceptance of internationalized domain names, in all six official languages of the Union"),
                ("4 to report annually to the Council", "4 to report to each session of the Council"),
            ])?,
        )
        .await?;
    n.compile(
        &ah_int,
        draft,
        "adhoc-internet",
        "itu.res-133",
        vec![apt.clone(), asmg.clone()],
        "pp-14.adhoc-internet.4",
    )
    .await?;
    // APT's "annually" and the Arab States' "to each session of" change different words
    // of the reporting paragraph: the draft suggests their combination, and the chair
    // adopts it as the group's compromise, on the record with both proposals.
    let reader = Actor::anonymous();
    for b in n.app.bracket_histories(&reader, draft).await? {
        let Some(suggestion) = b.suggestion.filter(|_| b.open) else {
            continue;
        };
        n.run(
            &ah_int,
            Command::ReplaceBracket {
                draft: draft.to_owned(),
                bracket: b.bracket.clone(),
                text: suggestion.text,
                combines: vec![apt.clone(), asmg.clone()],
                meeting: Some("pp-14.adhoc-internet.5".to_owned()),
            },
        )
        .await?;
    }
    Ok(())
}
