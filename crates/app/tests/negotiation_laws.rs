//! Laws of the negotiation, over random sequences of commands (the API's `POST /commands`
//! carries exactly these to `App::execute`), on a real store:
//! - a group's report always carries every open bracket of its drafts and every withdrawal
//!   made in the group, whatever was done before it;
//! - a draft "as of" any event is exactly what replaying the log up to that event gives.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use plenary_app::{App, demo};
use plenary_domain::access::{Actor, Role};
use plenary_domain::command::Command;
use plenary_domain::event::Change;
use plenary_domain::model::{ConferenceId, GroupId, InstrumentId, Language, MemberId};
use plenary_domain::negotiation::text_ops::open_brackets;
use plenary_domain::negotiation::{
    Compilation, Draft, Operation, ProposalInput, Report, Withdrawal,
};
use plenary_domain::projection::{self, DocKey, DocKind, DocSet};
use proptest::prelude::*;

const ADHOC: &str = "pp-14.adhoc-internet";
const DRAFT: &str = "pp-14.dt-res-102";

fn actor(id: &str, role: Role) -> Actor {
    Actor {
        id: id.into(),
        roles: vec![role],
    }
}

fn chair() -> Actor {
    actor(
        "chair",
        Role::Chair {
            group: GroupId::new(ADHOC).unwrap(),
        },
    )
}

/// What a participant may try; indices pick among what exists at that moment.
#[derive(Debug, Clone)]
enum Move {
    Resolve { bracket: usize, alternative: usize },
    Replace { bracket: usize },
    Open { provision: usize },
    WithdrawProposal { proposal: usize, as_sponsor: bool },
    WithdrawAlternative { bracket: usize, alternative: usize },
    Report,
    ResolveAsStranger { bracket: usize },
}

fn moves() -> impl Strategy<Value = Move> {
    prop_oneof![
        (0..6usize, 1..4usize).prop_map(|(bracket, alternative)| Move::Resolve {
            bracket,
            alternative
        }),
        (0..6usize).prop_map(|bracket| Move::Replace { bracket }),
        (0..12usize).prop_map(|provision| Move::Open { provision }),
        (0..3usize, any::<bool>()).prop_map(|(proposal, as_sponsor)| Move::WithdrawProposal {
            proposal,
            as_sponsor
        }),
        (0..6usize, 1..4usize).prop_map(|(bracket, alternative)| Move::WithdrawAlternative {
            bracket,
            alternative
        }),
        Just(Move::Report),
        (0..6usize).prop_map(|bracket| Move::ResolveAsStranger { bracket }),
    ]
}

async fn setup() -> (App, Option<tempfile::TempDir>, Vec<(String, &'static str)>) {
    let (app, dir) = common::fresh_app().await;
    app.execute_all(&Actor::system(), &demo::commands().unwrap())
        .await
        .unwrap();
    let mut ids = Vec::new();
    for (sponsor, text) in [
        ("rcc", demo::RES102_PROPOSAL_RCC),
        ("citel", demo::RES102_PROPOSAL_CITEL),
        ("bra", demo::RES102_PROPOSAL_BRA),
    ] {
        let events = app
            .execute(
                &Actor::system(),
                Command::SubmitProposal(ProposalInput {
                    conference: ConferenceId::new("pp-14").unwrap(),
                    group: GroupId::new(ADHOC).unwrap(),
                    instrument: Some(InstrumentId::new("itu.res-102").unwrap()),
                    title: format!("Proposals of {sponsor}"),
                    sponsors: vec![MemberId::new(sponsor).unwrap()],
                    text: text.into(),
                    reasons: Default::default(),
                    language: Language::English,
                }),
            )
            .await
            .unwrap();
        let id = events
            .iter()
            .find(|e| e.kind == "proposal.submitted")
            .map(|e| {
                serde_json::from_str::<serde_json::Value>(&e.payload).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .unwrap();
        ids.push((id, sponsor));
    }
    app.execute(
        &chair(),
        Command::CompileDraft(Compilation {
            id: DRAFT.into(),
            conference: ConferenceId::new("pp-14").unwrap(),
            group: GroupId::new(ADHOC).unwrap(),
            instrument: Some(InstrumentId::new("itu.res-102").unwrap()),
            proposals: ids.iter().map(|(id, _)| id.clone()).collect(),
            meeting: None,
        }),
    )
    .await
    .unwrap();
    (app, dir, ids)
}

async fn draft(app: &App) -> Draft {
    app.draft(&Actor::anonymous(), DRAFT)
        .await
        .unwrap()
        .unwrap()
}

async fn play(app: &App, ids: &[(String, &str)], m: &Move) {
    let d = draft(app).await;
    let text = plenary_text::parse(&d.text).unwrap();
    let open = open_brackets(&text);
    let provisions: Vec<String> = text
        .provisions()
        .iter()
        .map(|(_, _, p)| p.id.clone())
        .collect();
    let pick = |i: usize| open.get(i % open.len().max(1)).map(|b| b.id.clone());
    let command = match m {
        Move::Resolve {
            bracket,
            alternative,
        } => pick(*bracket).map(|b| {
            (
                chair(),
                Command::ResolveBracket {
                    draft: DRAFT.into(),
                    bracket: b,
                    alternative: *alternative,
                    meeting: None,
                },
            )
        }),
        Move::Replace { bracket } => pick(*bracket).map(|b| {
            (
                chair(),
                Command::ReplaceBracket {
                    draft: DRAFT.into(),
                    bracket: b,
                    text: "as agreed in the corridor".into(),
                    combines: Vec::new(),
                    meeting: None,
                },
            )
        }),
        Move::Open { provision } => provisions
            .get(provision % provisions.len().max(1))
            .map(|p| {
                let words = text
                    .provision(p)
                    .map(|x| x.text.to_plain())
                    .unwrap_or_default()
                    .split_whitespace()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" ");
                (
                    chair(),
                    Command::OpenBracket {
                        draft: DRAFT.into(),
                        provision: p.clone(),
                        words,
                        alternative: "other words".into(),
                        sponsors: vec![MemberId::new("usa").unwrap()],
                        meeting: None,
                    },
                )
            }),
        Move::WithdrawProposal {
            proposal,
            as_sponsor,
        } => {
            let (id, sponsor) = &ids[proposal % ids.len()];
            let who = if *as_sponsor && *sponsor == "bra" {
                actor(
                    "bra",
                    Role::Delegate {
                        member: MemberId::new("bra").unwrap(),
                    },
                )
            } else if *as_sponsor {
                Actor::system()
            } else {
                actor(
                    "usa",
                    Role::Delegate {
                        member: MemberId::new("usa").unwrap(),
                    },
                )
            };
            Some((
                who,
                Command::WithdrawProposal {
                    proposal: id.clone(),
                    reason: Some("changed our minds".into()),
                },
            ))
        }
        Move::WithdrawAlternative {
            bracket,
            alternative,
        } => pick(*bracket).map(|b| {
            (
                chair(),
                Command::WithdrawAlternative {
                    draft: DRAFT.into(),
                    bracket: b,
                    alternative: *alternative,
                    reason: None,
                    meeting: None,
                },
            )
        }),
        Move::Report => Some((
            chair(),
            Command::SubmitReport {
                group: GroupId::new(ADHOC).unwrap(),
                narrative: "Progress report.".into(),
                meeting: None,
            },
        )),
        Move::ResolveAsStranger { bracket } => pick(*bracket).map(|b| {
            (
                actor(
                    "usa",
                    Role::Delegate {
                        member: MemberId::new("usa").unwrap(),
                    },
                ),
                Command::ResolveBracket {
                    draft: DRAFT.into(),
                    bracket: b,
                    alternative: 1,
                    meeting: None,
                },
            )
        }),
    };
    let Some((who, command)) = command else {
        return;
    };
    let before = app.head().await.unwrap().seq;
    // Refusals are part of the game (a stranger, a bad index, a withdrawn item): they
    // must write nothing.
    if app.execute(&who, command).await.is_err() {
        assert_eq!(
            app.head().await.unwrap().seq,
            before,
            "a refusal writes nothing"
        );
    }
}

/// Every event up to `seq`, replayed through the projection alone.
async fn replay_until(app: &App, seq: i64) -> DocSet {
    let mut docs = DocSet::new();
    let mut after = 0;
    'pages: loop {
        let page = app.store().backend().events(after, 500).await.unwrap();
        if page.is_empty() {
            break;
        }
        for e in &page {
            if e.seq > seq {
                break 'pages;
            }
            let change = e.change().unwrap();
            for key in projection::touches(&change) {
                if !docs.is_loaded(&key) {
                    docs.load(key, None);
                }
            }
            projection::apply(&mut docs, &change, e.seq).unwrap();
            after = e.seq;
        }
    }
    docs
}

/// The withdrawals made in `group`, read straight from the log.
async fn withdrawals_on_the_log(app: &App, group: &str, up_to: i64) -> Vec<Withdrawal> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = app.store().backend().events(after, 500).await.unwrap();
        if page.is_empty() {
            return out;
        }
        for e in &page {
            after = e.seq;
            if e.seq > up_to {
                return out;
            }
            match e.change().unwrap() {
                Change::ProposalWithdrawn { withdrawal, .. }
                    if withdrawal.group.as_str() == group =>
                {
                    out.push(withdrawal)
                }
                Change::DraftRevised {
                    operation: Operation::AlternativeWithdrawn { withdrawal },
                    occasion,
                    ..
                } if occasion.group.as_str() == group => out.push(withdrawal),
                _ => {}
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn no_sequence_of_commands_yields_a_report_without_an_open_bracket_or_a_withdrawal(
        plan in proptest::collection::vec(moves(), 1..14)
    ) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let (app, _dir, ids) = setup().await;
            for m in &plan {
                // The state the report must reflect, taken before the step.
                let before = draft(&app).await;
                let seq_before = app.head().await.unwrap().seq;
                play(&app, &ids, m).await;
                let reports = app.reports(&Actor::anonymous(), "pp-14").await.unwrap();
                let mut fresh: Vec<&Report> = Vec::new();
                for r in &reports {
                    let key = DocKey::new(DocKind::Report, r.id.as_str());
                    let version = app.store().backend().doc(&key).await.unwrap().map_or(0, |d| d.version);
                    if version > seq_before {
                        fresh.push(r);
                    }
                }
                for r in fresh {
                    // Every bracket open in the draft when the report was made is in it.
                    let text = plenary_text::parse(&before.text).unwrap();
                    let reported = r.drafts.iter().find(|d| d.draft == DRAFT);
                    if before.group.as_str() == ADHOC {
                        let reported = reported.expect("the group's draft is in its report");
                        assert_eq!(reported.open_brackets, open_brackets(&text));
                    }
                    // Every withdrawal made in the group, as the log has them, is in it.
                    let logged = withdrawals_on_the_log(&app, ADHOC, seq_before).await;
                    assert_eq!(r.withdrawals, logged);
                }
            }
            // Time travel: the draft as of any event is what replaying the log gives.
            let head = app.head().await.unwrap().seq;
            let compiled = app.draft_versions(&Actor::anonymous(), DRAFT).await.unwrap()[0].seq;
            for n in [compiled - 1, compiled, (compiled + head) / 2, head - 1, head] {
                let replayed = replay_until(&app, n).await;
                let expected: Option<Draft> = replayed.get(&DocKey::new(DocKind::Draft, DRAFT)).unwrap();
                let as_of = app.draft_as_of(&Actor::anonymous(), DRAFT, n).await.unwrap();
                assert_eq!(as_of.map(|a| a.version.text), expected.map(|d| d.text), "as of {n}");
            }
        });
    }
}
