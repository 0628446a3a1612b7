//! The negotiation on a real store (SQLite, or PostgreSQL when `PLENARY_TEST_POSTGRES_URL`
//! is set): PP-14's Resolution 102 from Rev. Guadalajara to Rev. Busan, step by step.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use plenary_app::{App, AppError, demo};
use plenary_domain::DomainError;
use plenary_domain::access::{Actor, Role};
use plenary_domain::command::Command;
use plenary_domain::model::{GroupId, InstrumentId, MemberId};
use plenary_domain::negotiation::text_ops::open_brackets;
use plenary_domain::negotiation::{
    Ballot, Compilation, Decision, Draft, DraftState, OpenBracket, ProposalInput, ProposalStatus,
};

const CONF: &str = "pp-14";
const ADHOC: &str = "pp-14.adhoc-internet";
const WGPL: &str = "pp-14.wg-pl";
const PL: &str = "pp-14.pl";
const DRAFT: &str = "pp-14.dt-res-102";

fn chair(group: &str) -> Actor {
    Actor {
        id: format!("chair-{group}"),
        roles: vec![Role::Chair {
            group: GroupId::new(group).unwrap(),
        }],
    }
}

fn delegate(member: &str) -> Actor {
    Actor {
        id: format!("delegate-{member}"),
        roles: vec![Role::Delegate {
            member: MemberId::new(member).unwrap(),
        }],
    }
}

fn observer(member: &str) -> Actor {
    Actor {
        id: format!("observer-{member}"),
        roles: vec![Role::Observer {
            member: MemberId::new(member).unwrap(),
        }],
    }
}

struct Story {
    app: App,
    _dir: Option<tempfile::TempDir>,
}

impl Story {
    /// The demo's world (bodies, groups, members, delegations, Rev. Guadalajara of
    /// Resolution 102) without its negotiations.
    async fn new() -> Self {
        let (app, dir) = common::fresh_app().await;
        app.execute_all(&Actor::system(), &demo::commands().unwrap())
            .await
            .unwrap();
        Self { app, _dir: dir }
    }

    async fn seq(&self) -> i64 {
        self.app.head().await.unwrap().seq
    }

    async fn run(&self, actor: &Actor, c: Command) -> Result<(), AppError> {
        self.app.execute(actor, c).await.map(|_| ())
    }

    /// Runs a command that must be refused, and checks that nothing was written.
    async fn refused(&self, actor: &Actor, c: Command) -> DomainError {
        let before = self.seq().await;
        let err = self.app.execute(actor, c).await.unwrap_err();
        assert_eq!(self.seq().await, before, "a refusal writes nothing");
        match err {
            AppError::Domain(e) => e,
            other => panic!("expected a domain refusal, got {other:?}"),
        }
    }

    async fn draft(&self) -> Draft {
        self.app
            .draft(&Actor::anonymous(), DRAFT)
            .await
            .unwrap()
            .unwrap()
    }

    async fn open(&self) -> Vec<OpenBracket> {
        open_brackets(&plenary_text::parse(&self.draft().await.text).unwrap())
    }

    async fn propose(&self, actor: &Actor, sponsor: &str, text: &str) -> String {
        let before = self
            .app
            .proposals(&Actor::anonymous(), CONF)
            .await
            .unwrap()
            .len();
        self.run(actor, Command::SubmitProposal(proposal(sponsor, text)))
            .await
            .unwrap();
        let all = self.app.proposals(&Actor::anonymous(), CONF).await.unwrap();
        assert_eq!(all.len(), before + 1);
        all.into_iter()
            .find(|p| p.sponsors == [MemberId::new(sponsor).unwrap()])
            .unwrap()
            .id
    }
}

fn proposal(sponsor: &str, text: &str) -> ProposalInput {
    ProposalInput {
        conference: CONF.parse_id(),
        group: GroupId::new(ADHOC).unwrap(),
        instrument: Some(InstrumentId::new("itu.res-102").unwrap()),
        title: format!("Proposals of {}: Resolution 102", sponsor.to_uppercase()),
        sponsors: vec![MemberId::new(sponsor).unwrap()],
        text: text.to_owned(),
        reasons: Default::default(),
        language: plenary_domain::model::Language::English,
    }
}

trait ParseId {
    fn parse_id(&self) -> plenary_domain::model::ConferenceId;
}
impl ParseId for str {
    fn parse_id(&self) -> plenary_domain::model::ConferenceId {
        plenary_domain::model::ConferenceId::new(self).unwrap()
    }
}

/// The bracket of `provision` whose alternatives include `sponsor`.
fn bracket_of<'a>(open: &'a [OpenBracket], provision: &str, sponsor: &str) -> &'a OpenBracket {
    open.iter()
        .find(|b| {
            b.provision.as_deref() == Some(provision)
                && b.alternatives
                    .iter()
                    .any(|a| a.sponsors.iter().any(|s| s == sponsor))
        })
        .unwrap_or_else(|| panic!("no bracket of {sponsor} in {provision}: {open:#?}"))
}

/// The 1-based number of the alternative that `sponsor` stands behind.
fn alternative_of(b: &OpenBracket, sponsor: &str) -> usize {
    b.alternatives
        .iter()
        .position(|a| a.sponsors.iter().any(|s| s == sponsor))
        .unwrap()
        + 1
}

#[tokio::test]
async fn resolution_102_goes_from_guadalajara_to_busan_with_every_step_on_the_record() {
    let s = Story::new().await;
    let secretariat = Actor::system();

    // Three regional proposals: two regional organisations (entered by the secretariat)
    // and a member state on privacy (submitted by its own delegate).
    let rcc = s
        .propose(&secretariat, "rcc", demo::RES102_PROPOSAL_RCC)
        .await;
    let citel = s
        .propose(&secretariat, "citel", demo::RES102_PROPOSAL_CITEL)
        .await;
    let bra = s
        .propose(&delegate("bra"), "bra", demo::RES102_PROPOSAL_BRA)
        .await;
    let p = s
        .app
        .proposal(&Actor::anonymous(), &bra)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.symbol, "PP14/3");
    assert!(
        p.amendments
            .iter()
            .any(|a| a.action == "ADD" && a.provision.starts_with("recognizing.c")),
        "{:?}",
        p.amendments
    );

    // The ad hoc group's chair compiles them.
    s.run(
        &chair(ADHOC),
        Command::CompileDraft(Compilation {
            id: DRAFT.into(),
            conference: CONF.parse_id(),
            group: GroupId::new(ADHOC).unwrap(),
            instrument: Some(InstrumentId::new("itu.res-102").unwrap()),
            proposals: vec![rcc.clone(), citel.clone(), bra.clone()],
            meeting: Some("pp-14.adhoc-internet.1".into()),
        }),
    )
    .await
    .unwrap();
    let compiled = s.open().await;
    assert!(
        compiled
            .iter()
            .any(|b| b.provision.as_deref() == Some("recognizing.b"))
    );
    assert!(
        compiled
            .iter()
            .any(|b| b.provision.as_deref() == Some("resolves.2"))
    );
    let sg3 = bracket_of(&compiled, "instructs-the-secretary-general.3:bra", "BRA");
    assert_eq!(sg3.alternatives.len(), 2, "BRA's and CITEL's paragraph 3");
    for b in &compiled {
        for a in &b.alternatives {
            assert!(
                !a.sponsors.is_empty(),
                "every alternative names its sponsors"
            );
        }
    }

    // In the ad hoc group: resolves 2 keeps its base wording; Brazil withdraws its
    // privacy proposal, which leaves the text and stays on the record.
    for b in s
        .open()
        .await
        .iter()
        .filter(|b| b.provision.as_deref() == Some("resolves.2"))
    {
        let base = alternative_of(b, "NOC");
        s.run(
            &chair(ADHOC),
            Command::ResolveBracket {
                draft: DRAFT.into(),
                bracket: b.id.clone(),
                alternative: base,
                meeting: Some("pp-14.adhoc-internet.2".into()),
            },
        )
        .await
        .unwrap();
    }
    // Only the chair (or the secretariat) resolves brackets.
    let b = s.open().await[0].clone();
    let e = s
        .refused(
            &delegate("usa"),
            Command::ResolveBracket {
                draft: DRAFT.into(),
                bracket: b.id.clone(),
                alternative: 1,
                meeting: None,
            },
        )
        .await;
    assert!(matches!(e, DomainError::Forbidden { .. }), "{e}");
    // Only its sponsors withdraw a proposal.
    let e = s
        .refused(
            &delegate("usa"),
            Command::WithdrawProposal {
                proposal: bra.clone(),
                reason: None,
            },
        )
        .await;
    assert!(matches!(e, DomainError::Forbidden { .. }), "{e}");
    let withdrawn_bracket = bracket_of(
        &s.open().await,
        "instructs-the-secretary-general.3:bra",
        "BRA",
    )
    .id
    .clone();
    s.run(
        &delegate("bra"),
        Command::WithdrawProposal {
            proposal: bra.clone(),
            reason: Some(
                "To be pursued in the Council Working Group on Internet (CWG-Internet)".into(),
            ),
        },
    )
    .await
    .unwrap();
    let p = s
        .app
        .proposal(&Actor::anonymous(), &bra)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(p.status, ProposalStatus::Withdrawn { .. }));
    let draft = s.draft().await;
    assert!(!draft.text.contains("right to privacy"), "{}", draft.text);
    assert!(!draft.text.contains("BRA"), "{}", draft.text);
    assert_eq!(draft.withdrawals.len(), 1);
    // The withdrawal takes exactly Brazil's own words: its privacy paragraph and its
    // wording of instructs 3; CITEL's paragraph at the same place stays, relabelled c).
    let left = &draft.withdrawals[0].left;
    let places: Vec<Option<&str>> = left.iter().map(|l| l.provision.as_deref()).collect();
    assert_eq!(
        places,
        [
            Some("recognizing.c:bra"),
            Some("instructs-the-secretary-general.3:bra")
        ],
        "{left:#?}"
    );
    assert!(left[0].text.contains("right to privacy"), "{left:#?}");
    assert!(
        left[1]
            .text
            .contains("protection of privacy and personal data")
    );
    for l in left {
        assert!(
            !l.text.contains("affordable") && !l.text.contains('['),
            "{l:?}"
        );
        assert_eq!(l.sponsors, ["BRA"]);
    }
    let text = plenary_text::parse(&draft.text).unwrap();
    let citel_c = text.provision("recognizing.c:citel").unwrap();
    assert_eq!(citel_c.label, "c)");
    assert_eq!(citel_c.sponsors, ["CITEL"]);
    let sg3 = text
        .provision("instructs-the-secretary-general.3:citel")
        .unwrap();
    assert_eq!(
        (sg3.label.as_str(), sg3.sponsors.as_slice()),
        ("3", &["CITEL".to_owned()][..]),
        "CITEL's paragraph 3 is agreed so far, and names CITEL"
    );
    // A withdrawn item cannot be resolved, and a withdrawn proposal not withdrawn again.
    let e = s
        .refused(
            &chair(ADHOC),
            Command::ResolveBracket {
                draft: DRAFT.into(),
                bracket: withdrawn_bracket,
                alternative: 1,
                meeting: None,
            },
        )
        .await;
    assert!(
        e.to_string().contains("withdrawn") || e.to_string().contains("no open bracket"),
        "{e}"
    );
    let e = s
        .refused(
            &delegate("bra"),
            Command::WithdrawProposal {
                proposal: bra.clone(),
                reason: None,
            },
        )
        .await;
    assert!(e.to_string().contains("already withdrawn"), "{e}");

    // The United States object to the RCC's new paragraph 2 of "invites Member States",
    // which no other proposal touched: a bracket is opened on that agreed text.
    let e = s
        .refused(
            &chair(ADHOC),
            Command::OpenBracket {
                draft: DRAFT.into(),
                provision: "invites-member-states.2:rcc".into(),
                words: "national".into(),
                alternative: String::new(),
                sponsors: vec![MemberId::new("usa").unwrap()],
                meeting: None,
            },
        )
        .await;
    assert!(e.to_string().contains("occurs 2 times"), "{e}");
    s.run(
        &chair(ADHOC),
        Command::OpenBracket {
            draft: DRAFT.into(),
            provision: "invites-member-states.2:rcc".into(),
            words: "to ensure that the management of national Internet resources remains a matter of national sovereignty;".into(),
            alternative: String::new(),
            sponsors: vec![MemberId::new("usa").unwrap()],
            meeting: Some("pp-14.adhoc-internet.3".into()),
        },
    )
    .await
    .unwrap();

    // The report to the Working Group of the Plenary carries every open bracket with its
    // sponsors, and the withdrawal.
    let still_open = s.open().await;
    assert!(!still_open.is_empty());
    assert!(
        still_open.iter().all(|b| matches!(
            b.provision.as_deref(),
            Some("recognizing.b" | "invites-member-states.2:rcc")
        )),
        "{still_open:#?}"
    );
    assert!(
        still_open
            .iter()
            .any(|b| b.alternatives.iter().any(|a| a.sponsors == ["USA"]))
    );
    s.run(
        &chair(ADHOC),
        Command::SubmitReport {
            group: GroupId::new(ADHOC).unwrap(),
            narrative: "The group met three times. It could not agree on recognizing b).".into(),
            meeting: Some("pp-14.adhoc-internet.3".into()),
        },
    )
    .await
    .unwrap();
    let reports = s.app.reports(&Actor::anonymous(), CONF).await.unwrap();
    assert_eq!(reports.len(), 1);
    let report = &reports[0];
    assert_eq!(report.to.as_str(), WGPL);
    assert_eq!(report.drafts.len(), 1);
    assert_eq!(report.drafts[0].open_brackets, still_open);
    assert!(
        report.drafts[0]
            .open_brackets
            .iter()
            .any(|b| b.alternatives.iter().any(|a| a.sponsors == ["RCC"]))
    );
    assert_eq!(report.withdrawals.len(), 1);
    assert_eq!(report.withdrawals[0].symbol.as_deref(), Some("PP14/3"));
    assert_eq!(report.withdrawals[0].sponsors, ["BRA"]);
    let duties = s
        .app
        .reporting_duties(&Actor::anonymous(), CONF)
        .await
        .unwrap();
    let duty = duties.iter().find(|d| d.group.as_str() == ADHOC).unwrap();
    assert!(!duty.overdue && duty.fulfilled_by.as_deref() == Some(report.symbol.as_str()));
    assert_eq!(
        s.draft().await.group.as_str(),
        WGPL,
        "the report takes the draft to WG-PL"
    );

    // Text with open brackets cannot be adopted.
    let e = s
        .refused(
            &chair(WGPL),
            Command::AdoptDraft {
                draft: DRAFT.into(),
                decision: Decision::Consensus,
                meeting: None,
            },
        )
        .await;
    assert!(e.to_string().contains("open brackets"), "{e}");

    // The working group reaches consensus: CITEL's wording, without the RCC's additions.
    for b in s.open().await {
        let has = |who: &str| {
            b.alternatives
                .iter()
                .any(|a| a.sponsors.iter().any(|s| s == who))
        };
        let choice = if has("CITEL") {
            alternative_of(&b, "CITEL")
        } else if has("USA") {
            alternative_of(&b, "USA")
        } else {
            alternative_of(&b, "NOC")
        };
        s.run(
            &chair(WGPL),
            Command::ResolveBracket {
                draft: DRAFT.into(),
                bracket: b.id.clone(),
                alternative: choice,
                meeting: Some("pp-14.wg-pl.4".into()),
            },
        )
        .await
        .unwrap();
    }
    assert!(s.open().await.is_empty());
    s.run(
        &chair(WGPL),
        Command::AdoptDraft {
            draft: DRAFT.into(),
            decision: Decision::Consensus,
            meeting: Some("pp-14.wg-pl.4".into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        s.draft().await.group.as_str(),
        PL,
        "adoption forwards the draft to the plenary"
    );

    // The plenary adopts: Resolution 102 (Rev. Busan, 2014).
    s.run(
        &chair(PL),
        Command::AdoptDraft {
            draft: DRAFT.into(),
            decision: Decision::Consensus,
            meeting: Some("pp-14.pl.2".into()),
        },
    )
    .await
    .unwrap();
    let draft = s.draft().await;
    let DraftState::Adopted { revision } = &draft.state else {
        panic!("{:?}", draft.state)
    };
    assert_eq!(revision.as_str(), "itu.res-102.busan-2014");
    let rev = s
        .app
        .revision(&Actor::anonymous(), revision.as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rev.citation, "Resolution 102 (Rev. Busan, 2014)");
    assert_eq!(
        rev.adopted_on,
        Some(time::Date::from_calendar_date(2014, time::Month::November, 6).unwrap()),
        "adopted on the day of the plenary's meeting, not the day it was recorded"
    );
    assert_eq!(
        rev.previous.as_ref().unwrap().as_str(),
        "itu.res-102.guadalajara-2010"
    );

    // The adopted text is the Busan text, and the diff against Guadalajara shows exactly
    // the adopted changes.
    let adopted = plenary_text::parse(&rev.text).unwrap();
    let busan =
        plenary_text::parse(include_str!("../../../examples/res102-busan-2014.txt")).unwrap();
    assert_eq!(adopted.opening, busan.opening);
    assert_eq!(
        plenary_text::print(&adopted),
        plenary_text::print(&busan),
        "adopted text"
    );
    let guadalajara = plenary_text::parse(include_str!(
        "../../../examples/res102-guadalajara-2010.txt"
    ))
    .unwrap();
    let d = plenary_text::diff(&guadalajara, &adopted);
    let changed: Vec<String> = d
        .sections
        .iter()
        .flat_map(|s| &s.entries)
        .filter(|e| e.status != plenary_text::Status::Unchanged)
        .map(|e| {
            format!(
                "{} {}",
                e.status.name(),
                e.new.as_ref().or(e.old.as_ref()).unwrap().id
            )
        })
        .collect();
    assert_eq!(
        changed,
        [
            "added considering.d",
            "modified recognizing.a",
            "modified recognizing.b",
            "added recognizing.c",
            "modified resolves.1",
            "added instructs-the-secretary-general.3",
        ],
        "{changed:?}"
    );

    // Blame: each change points at the proposal that brought it.
    let blame = s
        .app
        .blame(&Actor::anonymous(), revision.as_str())
        .await
        .unwrap()
        .unwrap();
    let origin_of = |provision: &str, words: &str| {
        let p = blame
            .provisions
            .iter()
            .find(|p| p.provision == provision)
            .unwrap();
        let span = p
            .spans
            .iter()
            .find(|s| s.text.contains(words))
            .unwrap_or_else(|| panic!("'{words}' not in {provision}: {:?}", p.spans));
        &blame.origins[span.origin]
    };
    let symbols = |o: &plenary_domain::negotiation::blame::Origin| {
        o.proposals
            .iter()
            .map(|p| p.symbol.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        symbols(origin_of("recognizing.a", "intergovernmental")),
        ["PP14/2"]
    );
    assert_eq!(symbols(origin_of("resolves.1", "coordination")), ["PP14/2"]);
    assert_eq!(origin_of("recognizing.a", "technical").kind, "base");
    let d_origin = symbols(origin_of("considering.d", "CWG-Internet"));
    assert!(
        d_origin.contains(&"PP14/1".to_owned()) && d_origin.contains(&"PP14/2".to_owned()),
        "{d_origin:?}"
    );
    assert_eq!(
        symbols(origin_of("recognizing.c", "affordable")),
        ["PP14/2"]
    );
    assert_eq!(
        symbols(origin_of(
            "instructs-the-secretary-general.3",
            "open consultations"
        )),
        ["PP14/2"]
    );
    let c = blame
        .provisions
        .iter()
        .find(|p| p.provision == "recognizing.c")
        .unwrap();
    assert_eq!(
        symbols(&blame.origins[c.introduced_by]),
        ["PP14/2"],
        "who introduced recognizing c)"
    );
}

#[tokio::test]
async fn observers_cannot_propose_or_vote_and_pending_credentials_cannot_vote() {
    let s = Story::new().await;
    // An observer organisation (civil society) cannot make a proposal, even signed in as
    // its own representative.
    let mut input = proposal("apc", demo::RES102_PROPOSAL_BRA);
    input.group = GroupId::new("pp-14.com5").unwrap();
    let e = s
        .refused(&observer("apc"), Command::SubmitProposal(input.clone()))
        .await;
    assert!(matches!(e, DomainError::Forbidden { .. }), "{e}");
    assert!(e.to_string().contains("observer"), "{e}");
    // A delegate may only submit for its own member.
    let mut input = proposal("bra", demo::RES102_PROPOSAL_BRA);
    input.group = GroupId::new("pp-14.com5").unwrap();
    let e = s
        .refused(&delegate("arg"), Command::SubmitProposal(input.clone()))
        .await;
    assert!(matches!(e, DomainError::Forbidden { .. }), "{e}");
    s.run(&delegate("bra"), Command::SubmitProposal(input))
        .await
        .unwrap();
    let p = s
        .app
        .proposals(&Actor::anonymous(), CONF)
        .await
        .unwrap()
        .remove(0);
    s.run(
        &Actor::system(),
        Command::CompileDraft(Compilation {
            id: "pp-14.dt-privacy".into(),
            conference: CONF.parse_id(),
            group: GroupId::new("pp-14.com5").unwrap(),
            instrument: Some(InstrumentId::new("itu.res-102").unwrap()),
            proposals: vec![p.id.clone()],
            meeting: None,
        }),
    )
    .await
    .unwrap();
    // The compiled proposal cannot be compiled again.
    let e = s
        .refused(
            &Actor::system(),
            Command::CompileDraft(Compilation {
                id: "pp-14.dt-privacy-2".into(),
                conference: CONF.parse_id(),
                group: GroupId::new("pp-14.com5").unwrap(),
                instrument: Some(InstrumentId::new("itu.res-102").unwrap()),
                proposals: vec![p.id.clone()],
                meeting: None,
            }),
        )
        .await;
    assert!(e.to_string().contains("already compiled"), "{e}");
    let vote = |member: &str| Command::AdoptDraft {
        draft: "pp-14.dt-privacy".into(),
        decision: Decision::Vote {
            votes: [
                (MemberId::new("bra").unwrap(), Ballot::Yes),
                (MemberId::new(member).unwrap(), Ballot::No),
            ]
            .into(),
        },
        meeting: None,
    };
    let e = s.refused(&chair("pp-14.com5"), vote("apc")).await;
    assert!(e.to_string().contains("only member states vote"), "{e}");
    let e = s.refused(&chair("pp-14.com5"), vote("hti")).await;
    assert!(e.to_string().contains("credentials are pending"), "{e}");
    // Not the chair of that group: refused.
    let e = s.refused(&chair(ADHOC), vote("arg")).await;
    assert!(matches!(e, DomainError::Forbidden { .. }), "{e}");
    // A recorded vote with delegations in order: 1 yes, 1 no → not carried.
    s.run(&chair("pp-14.com5"), vote("arg")).await.unwrap();
    let d = s
        .app
        .draft(&Actor::anonymous(), "pp-14.dt-privacy")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.state, DraftState::NotAdopted);
}

#[tokio::test]
async fn a_step_names_only_a_scheduled_meeting_of_the_drafts_group() {
    let s = Story::new().await;
    let mut input = proposal("bra", demo::RES102_PROPOSAL_BRA);
    input.group = GroupId::new("pp-14.com5").unwrap();
    s.run(&delegate("bra"), Command::SubmitProposal(input))
        .await
        .unwrap();
    let p = s
        .app
        .proposals(&Actor::anonymous(), CONF)
        .await
        .unwrap()
        .remove(0);
    let compile = |meeting: &str| {
        Command::CompileDraft(Compilation {
            id: "pp-14.dt-privacy".into(),
            conference: CONF.parse_id(),
            group: GroupId::new("pp-14.com5").unwrap(),
            instrument: Some(InstrumentId::new("itu.res-102").unwrap()),
            proposals: vec![p.id.clone()],
            meeting: Some(meeting.into()),
        })
    };
    // Never scheduled.
    let e = s
        .refused(&chair("pp-14.com5"), compile("pp-14.com5.9"))
        .await;
    assert!(
        matches!(&e, DomainError::InvalidField { field, .. } if field == "meeting"),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("no meeting 'pp-14.com5.9' is scheduled"),
        "{e}"
    );
    // Scheduled, but a meeting of another group.
    let e = s
        .refused(&chair("pp-14.com5"), compile("pp-14.wg-pl.1"))
        .await;
    assert!(
        e.to_string()
            .contains("is a meeting of pp-14.wg-pl, not of pp-14.com5"),
        "{e}"
    );
    // Its own group's meeting: recorded, and the draft's history names it.
    s.run(&chair("pp-14.com5"), compile("pp-14.com5.1"))
        .await
        .unwrap();
    let versions = s
        .app
        .draft_versions(&Actor::anonymous(), "pp-14.dt-privacy")
        .await
        .unwrap();
    assert_eq!(
        versions[0].occasion.meeting.as_deref(),
        Some("pp-14.com5.1")
    );
    // A meeting that has not begun yet cannot have taken a step.
    let tomorrow = time::OffsetDateTime::now_utc() + time::Duration::days(1);
    s.run(
        &Actor::system(),
        Command::ScheduleMeeting(plenary_domain::meetings::Meeting {
            id: "pp-14.com5.2".into(),
            conference: CONF.parse_id(),
            group: GroupId::new("pp-14.com5").unwrap(),
            title: "Second meeting".into(),
            starts_at: tomorrow,
            ends_at: tomorrow + time::Duration::hours(3),
            room: "Room 5".into(),
            agenda: vec!["Report to the plenary".into()],
        }),
    )
    .await
    .unwrap();
    let e = s
        .refused(
            &chair("pp-14.com5"),
            Command::SubmitReport {
                group: GroupId::new("pp-14.com5").unwrap(),
                narrative: "The committee considered the proposal on privacy.".into(),
                meeting: Some("pp-14.com5.2".into()),
            },
        )
        .await;
    assert!(e.to_string().contains("has not taken place yet"), "{e}");
}

#[tokio::test]
async fn a_new_resolution_is_split_moved_read_twice_and_adopted_with_the_next_free_number() {
    let s = Story::new().await;
    let text = "Resolution 0\nThe role of ITU in open data\n\nThe Plenipotentiary Conference of the International Telecommunication Union (Busan, 2014),\n\n## considering\na) that open data supports development;\n\n## resolves\n1 to promote open data in the work of the Union;\n2 to make the documents of its conferences public;\n";
    let mut input = proposal("kor", text);
    input.instrument = None;
    input.group = GroupId::new("pp-14.com5").unwrap();
    s.run(&delegate("kor"), Command::SubmitProposal(input))
        .await
        .unwrap();
    let p = s
        .app
        .proposals(&Actor::anonymous(), CONF)
        .await
        .unwrap()
        .remove(0);
    assert!(p.amendments.iter().all(|a| a.action == "ADD"));
    let com5 = chair("pp-14.com5");
    s.run(
        &com5,
        Command::CompileDraft(Compilation {
            id: "pp-14.dt-open-data".into(),
            conference: CONF.parse_id(),
            group: GroupId::new("pp-14.com5").unwrap(),
            instrument: None,
            proposals: vec![p.id],
            meeting: None,
        }),
    )
    .await
    .unwrap();
    // Paragraph 2 goes to the working group as a draft of its own.
    s.run(
        &com5,
        Command::SplitDraft {
            draft: "pp-14.dt-open-data".into(),
            id: "pp-14.dt-open-documents".into(),
            provisions: vec!["resolves.2:kor".into()],
            to: GroupId::new(WGPL).unwrap(),
            meeting: None,
        },
    )
    .await
    .unwrap();
    let split = s
        .app
        .draft(&Actor::anonymous(), "pp-14.dt-open-documents")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(split.group.as_str(), WGPL);
    assert!(split.text.contains("public") && !split.text.contains("promote open data"));
    let rest = s
        .app
        .draft(&Actor::anonymous(), "pp-14.dt-open-data")
        .await
        .unwrap()
        .unwrap();
    assert!(!rest.text.contains("make the documents"));
    // Readings in order.
    let reading = |r| Command::RecordReading {
        draft: "pp-14.dt-open-data".into(),
        reading: r,
        meeting: None,
    };
    let e = s
        .refused(&com5, reading(plenary_domain::negotiation::Reading::Second))
        .await;
    assert!(e.to_string().contains("follows a first"), "{e}");
    s.run(&com5, reading(plenary_domain::negotiation::Reading::First))
        .await
        .unwrap();
    s.run(&com5, reading(plenary_domain::negotiation::Reading::Second))
        .await
        .unwrap();
    // Committee 5 adopts by vote (forwarded to the plenary), the plenary by consensus.
    s.run(
        &com5,
        Command::AdoptDraft {
            draft: "pp-14.dt-open-data".into(),
            decision: Decision::Vote {
                votes: [
                    (MemberId::new("kor").unwrap(), Ballot::Yes),
                    (MemberId::new("bra").unwrap(), Ballot::Yes),
                    (MemberId::new("arg").unwrap(), Ballot::Abstain),
                ]
                .into(),
            },
            meeting: None,
        },
    )
    .await
    .unwrap();
    s.run(
        &chair(PL),
        Command::AdoptDraft {
            draft: "pp-14.dt-open-data".into(),
            decision: Decision::Consensus,
            meeting: None,
        },
    )
    .await
    .unwrap();
    let d = s
        .app
        .draft(&Actor::anonymous(), "pp-14.dt-open-data")
        .await
        .unwrap()
        .unwrap();
    let DraftState::Adopted { revision } = d.state else {
        panic!("{:?}", d.state)
    };
    let rev = s
        .app
        .revision(&Actor::anonymous(), revision.as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        rev.citation, "Resolution 176 (Busan, 2014)",
        "the next free number after 175"
    );
    assert!(rev.previous.is_none());
    // A follow-up, open until closed.
    s.run(
        &com5,
        Command::ReferFollowUp(plenary_domain::negotiation::FollowUp {
            id: "pp-14.fu-open-data".into(),
            conference: CONF.parse_id(),
            group: GroupId::new("pp-14.com5").unwrap(),
            matter: "Open data policy of the Union".into(),
            referred_to: "ITU Council".into(),
            due_on: time::macros::date!(2015 - 06 - 30),
            draft: Some("pp-14.dt-open-data".into()),
            closed: None,
        }),
    )
    .await
    .unwrap();
    s.run(
        &com5,
        Command::CloseFollowUp {
            id: "pp-14.fu-open-data".into(),
            outcome: "Council adopted an open data policy.".into(),
        },
    )
    .await
    .unwrap();
    let e = s
        .refused(
            &com5,
            Command::CloseFollowUp {
                id: "pp-14.fu-open-data".into(),
                outcome: "again".into(),
            },
        )
        .await;
    assert!(e.to_string().contains("closed already"), "{e}");
}

/// A proposal on `instrument` by `sponsor`, as a delegate of that member submits it.
async fn propose_on(s: &Story, instrument: &str, sponsor: &str, text: &str) -> String {
    let mut input = proposal(sponsor, text);
    input.instrument = Some(InstrumentId::new(instrument).unwrap());
    s.run(&delegate(sponsor), Command::SubmitProposal(input))
        .await
        .unwrap();
    s.app
        .proposals(&Actor::anonymous(), CONF)
        .await
        .unwrap()
        .into_iter()
        .rev()
        .find(|p| p.sponsors == [MemberId::new(sponsor).unwrap()])
        .unwrap()
        .id
}

async fn compile(s: &Story, id: &str, instrument: &str, proposals: Vec<String>) -> Draft {
    s.run(
        &chair(ADHOC),
        Command::CompileDraft(Compilation {
            id: id.into(),
            conference: CONF.parse_id(),
            group: GroupId::new(ADHOC).unwrap(),
            instrument: Some(InstrumentId::new(instrument).unwrap()),
            proposals,
            meeting: None,
        }),
    )
    .await
    .unwrap();
    s.app.draft(&Actor::anonymous(), id).await.unwrap().unwrap()
}

/// The second case: Brazil and the United States each add a paragraph after
/// considering d) of Resolution 175.
#[tokio::test]
async fn two_additions_at_one_place_are_e_and_e_bis_each_with_its_sponsor() {
    let s = Story::new().await;
    let base = demo::RES175_BUSAN;
    let d = base
        .lines()
        .find(|l| l.starts_with("d) "))
        .expect("Resolution 175 has considering d)");
    let with = |words: &str| base.replacen(d, &format!("{d}\ne) {words}"), 1);
    let bra = propose_on(
        &s,
        "itu.res-175",
        "bra",
        &with("that captions and sign language should accompany every webcast of the Union;"),
    )
    .await;
    let usa = propose_on(
        &s,
        "itu.res-175",
        "usa",
        &with("that accessible procurement lowers the price of assistive technologies;"),
    )
    .await;
    let draft = compile(&s, "pp-14.dt-res-175", "itu.res-175", vec![usa, bra]).await;
    let text = plenary_text::parse(&draft.text).unwrap();
    let considering = &text.sections[0].provisions;
    let added: Vec<(&str, &[String], bool)> = considering
        .iter()
        .skip(4)
        .map(|p| {
            (
                p.label.as_str(),
                p.sponsors.as_slice(),
                p.text.has_brackets(),
            )
        })
        .collect();
    assert_eq!(
        added,
        [
            ("e)", &["BRA".to_owned()][..], false),
            ("e bis)", &["USA".to_owned()][..], false),
        ],
        "{}",
        draft.text
    );
    assert!(considering[4].text.to_plain().contains("captions"));
    assert_eq!(considering[4].id, "considering.e:bra");
    assert_eq!(considering[5].id, "considering.e:usa");
}

/// The third case: the Arab States (ASMG) and the United States reword the same
/// paragraph in different words; the Arab States also add a paragraph nobody contests.
#[tokio::test]
async fn two_rewordings_of_one_paragraph_are_one_bracket_of_sentences_their_sponsors_wrote() {
    let s = Story::new().await;
    let base = "Resolution 901\nThe private sector and the Internet\nsource: illustrative, written for this test\n\nThe Plenipotentiary Conference of the International Telecommunication Union (Busan, 2014),\n\n## recognizing\na) that the private sector plays a very important role in the expansion of the Internet;\n\n## resolves\n1 to encourage investment in broadband;\n2 to report to the Council;\n";
    let instrument = InstrumentId::new("itu.res-901").unwrap();
    let parsed = plenary_text::parse(base).unwrap();
    s.app
        .execute_all(
            &Actor::system(),
            &[
                Command::RegisterInstrument(plenary_domain::model::Instrument {
                    id: instrument.clone(),
                    body: plenary_domain::model::BodyId::new("itu").unwrap(),
                    kind: plenary_domain::model::InstrumentKind::Resolution,
                    number: "901".into(),
                    title: parsed.title.clone(),
                    revisions: Vec::new(),
                }),
                Command::RecordRevision(plenary_domain::model::Revision {
                    id: plenary_domain::model::RevisionId::new("itu.res-901.guadalajara-2010")
                        .unwrap(),
                    instrument: instrument.clone(),
                    citation: "Resolution 901".into(),
                    title: parsed.title.clone(),
                    previous: None,
                    adopted_on: None,
                    text: base.into(),
                    draft: None,
                    record: None,
                }),
            ],
        )
        .await
        .unwrap();
    let asmg_sentence = "that the public sector, in addition to the private sector, continues to play a very important role in the expansion of the Internet;";
    let usa_sentence =
        "that the private sector plays a leading role in the expansion of the Internet;";
    let asmg_text = base
        .replace(
            "that the private sector plays a very important role in the expansion of the Internet;",
            asmg_sentence,
        )
        .replace(
            "2 to report to the Council;\n",
            "2 to report to the Council;\n3 to invite the public sector to extend networks to rural areas;\n",
        );
    let usa_text = base.replace(
        "that the private sector plays a very important role in the expansion of the Internet;",
        usa_sentence,
    );
    let asmg = propose_on(&s, "itu.res-901", "asmg", &asmg_text).await;
    let usa = propose_on(&s, "itu.res-901", "usa", &usa_text).await;
    let draft = compile(
        &s,
        "pp-14.dt-res-901",
        "itu.res-901",
        vec![asmg.clone(), usa.clone()],
    )
    .await;
    let text = plenary_text::parse(&draft.text).unwrap();
    let open = open_brackets(&text);
    assert_eq!(open.len(), 1, "one bracket: {}", draft.text);
    assert_eq!(open[0].provision.as_deref(), Some("recognizing.a"));
    // Choosing each sponsor's alternative gives exactly the sentence it wrote; NOC the base.
    for (sponsor, sentence) in [
        ("ASMG", asmg_sentence),
        ("USA", usa_sentence),
        (
            "NOC",
            "that the private sector plays a very important role in the expansion of the Internet;",
        ),
    ] {
        let mut chosen = text.clone();
        let alt = plenary_domain::negotiation::text_ops::find_bracket(&text, &open[0].id)
            .unwrap()
            .alternatives
            .iter()
            .find(|a| a.sponsors == [sponsor])
            .unwrap()
            .text
            .clone();
        plenary_domain::negotiation::text_ops::replace_bracket(&mut chosen, &open[0].id, &alt)
            .unwrap();
        assert_eq!(
            chosen.provision("recognizing.a").unwrap().text.to_plain(),
            sentence
        );
    }
    // The Arab States' new paragraph is agreed, and names them.
    let r3 = text.provision("resolves.3:asmg").unwrap();
    assert_eq!(
        (r3.label.as_str(), r3.sponsors.as_slice()),
        ("3", &["ASMG".to_owned()][..])
    );
    assert!(!r3.text.has_brackets());
    // The combination of both changes is offered to the chair as a suggestion, not applied.
    let history = s
        .app
        .bracket_histories(&Actor::anonymous(), "pp-14.dt-res-901")
        .await
        .unwrap();
    let combined = "that the public sector, in addition to the private sector, continues to play a leading role in the expansion of the Internet;";
    let suggestion = history[0].suggestion.clone().expect("a suggestion");
    assert!(
        combined.contains(&suggestion.text) && !draft.text.contains("continues to play a leading"),
        "{suggestion:?}"
    );
    // The chair adopts it as a compromise: the record names both proposals.
    s.run(
        &chair(ADHOC),
        Command::ReplaceBracket {
            draft: "pp-14.dt-res-901".into(),
            bracket: open[0].id.clone(),
            text: suggestion.text.clone(),
            combines: vec![asmg.clone(), usa.clone()],
            meeting: None,
        },
    )
    .await
    .unwrap();
    let after = s
        .app
        .draft(&Actor::anonymous(), "pp-14.dt-res-901")
        .await
        .unwrap()
        .unwrap();
    let after_text = plenary_text::parse(&after.text).unwrap();
    assert_eq!(
        after_text
            .provision("recognizing.a")
            .unwrap()
            .text
            .to_plain(),
        combined
    );
    let history = s
        .app
        .bracket_histories(&Actor::anonymous(), "pp-14.dt-res-901")
        .await
        .unwrap();
    let closed = history[0].steps.last().unwrap();
    assert_eq!(
        closed.event,
        plenary_domain::negotiation::history::BracketEvent::Replaced
    );
    assert_eq!(closed.proposals, [asmg.clone(), usa.clone()]);
    // A compromise can only name proposals behind the bracket.
    let e = s
        .refused(
            &chair(ADHOC),
            Command::ReplaceBracket {
                draft: "pp-14.dt-res-901".into(),
                bracket: "b9".into(),
                text: "anything".into(),
                combines: vec!["pp-14.nothing".into()],
                meeting: None,
            },
        )
        .await;
    assert!(e.to_string().contains("bracket"), "{e}");
}
