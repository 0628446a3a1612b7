//! The built-in demo conference: an illustrative PP-14 (Busan, 2014) of the ITU, written by
//! the Plenary team. Facts (group names, member states and regions, resolution numbers and
//! titles) are real; the resolution texts are abridged paraphrases, not official texts.
//!
//! The demo is loaded through the same commands as any user action, so it is on the log.

use plenary_domain::DomainError;
use plenary_domain::access::Actor;
use plenary_domain::command::Command;
use plenary_domain::documents::{
    DocumentKind, LanguageVersion, Restriction, RestrictionReason, Series, Submission,
};
use plenary_domain::model::{
    Accreditation, Body, BodyId, Conference, ConferenceId, Delegation, DelegationId, Group,
    GroupId, GroupKind, GroupVisibility, Instrument, InstrumentId, InstrumentKind, Language,
    Member, MemberCategory, MemberId, Region, ReportingDuty, Revision, RevisionId,
};
use plenary_domain::rights::{CredentialsStatus, ParticipantCategory, Right, RightsRule};
use time::Date;
use time::macros::date;

use crate::{App, Result};

mod meetings;
mod negotiation;

/// The demo body's id.
pub const BODY: &str = "itu";
/// The demo conference's id.
pub const CONFERENCE: &str = "pp-14";

const MEMBER_STATES: &str = include_str!("member_states.tsv");

/// The RCC's illustrative proposals on Resolution 102 (Rev. Guadalajara, 2010).
pub const RES102_PROPOSAL_RCC: &str = include_str!("texts/res102-proposal-rcc.txt");
/// CITEL's illustrative proposals on Resolution 102 (Rev. Guadalajara, 2010).
pub const RES102_PROPOSAL_CITEL: &str = include_str!("texts/res102-proposal-citel.txt");
/// Brazil's illustrative proposal on privacy in Resolution 102 (Rev. Guadalajara, 2010).
pub const RES102_PROPOSAL_BRA: &str = include_str!("texts/res102-proposal-bra.txt");
/// Resolution 175 (Rev. Busan, 2014), abridged in our own words: the demo's latest
/// revision of it.
pub const RES175_BUSAN: &str = include_str!("texts/res175-busan-2014.txt");

/// One revision of a demo resolution: its file name, text and date of adoption.
type DemoRevision = (&'static str, &'static str, Date);

/// The demo's resolutions: number and revisions, oldest first.
const RESOLUTIONS: &[(&str, &[DemoRevision])] = &[
    (
        "64",
        &[
            (
                "res064-guadalajara-2010",
                include_str!("texts/res064-guadalajara-2010.txt"),
                date!(2010 - 10 - 22),
            ),
            (
                "res064-busan-2014",
                include_str!("texts/res064-busan-2014.txt"),
                date!(2014 - 11 - 07),
            ),
        ],
    ),
    (
        "101",
        &[
            (
                "res101-guadalajara-2010",
                include_str!("texts/res101-guadalajara-2010.txt"),
                date!(2010 - 10 - 22),
            ),
            (
                "res101-busan-2014",
                include_str!("texts/res101-busan-2014.txt"),
                date!(2014 - 11 - 07),
            ),
        ],
    ),
    (
        "102",
        &[(
            "res102-guadalajara-2010",
            include_str!("../../../../examples/res102-guadalajara-2010.txt"),
            date!(2010 - 10 - 22),
        )],
    ),
    (
        "130",
        &[(
            "res130-guadalajara-2010",
            include_str!("texts/res130-guadalajara-2010.txt"),
            date!(2010 - 10 - 22),
        )],
    ),
    (
        "133",
        &[(
            "res133-guadalajara-2010",
            include_str!("texts/res133-guadalajara-2010.txt"),
            date!(2010 - 10 - 22),
        )],
    ),
    (
        "175",
        &[
            (
                "res175-guadalajara-2010",
                include_str!("texts/res175-guadalajara-2010.txt"),
                date!(2010 - 10 - 22),
            ),
            ("res175-busan-2014", RES175_BUSAN, date!(2014 - 11 - 07)),
        ],
    ),
];

fn id<T>(
    f: fn(&str) -> std::result::Result<T, DomainError>,
    s: &str,
) -> std::result::Result<T, DomainError> {
    f(s)
}

/// Every command of the demo, in order.
///
/// # Errors
/// Only if the built-in data is malformed (a bug, caught by the tests).
pub fn commands() -> std::result::Result<Vec<Command>, DomainError> {
    let body = id(BodyId::new, BODY)?;
    let conf = id(ConferenceId::new, CONFERENCE)?;
    let mut out = vec![Command::EstablishBody(Body {
        id: body.clone(),
        name: "International Telecommunication Union".into(),
        acronym: "ITU".into(),
    })];
    out.push(Command::ConveneConference(Conference {
        id: conf.clone(),
        body: body.clone(),
        name: "Plenipotentiary Conference 2014".into(),
        short_name: "PP-14".into(),
        city: "Busan".into(),
        country: "Korea (Republic of)".into(),
        opens_on: date!(2014 - 10 - 20),
        closes_on: date!(2014 - 11 - 07),
        languages: Language::ALL.to_vec(),
        rights_rules: Vec::new(),
    }));
    out.extend(groups(&conf)?.into_iter().map(Command::EstablishGroup));
    out.extend(members(&body)?.into_iter().map(Command::AdmitMember));
    out.extend(instruments(&body)?);
    out.extend(participation(&conf, &body)?);
    out.extend(meetings::schedule(&conf)?);
    Ok(out)
}

/// Member states whose credentials the demo leaves pending (illustrative), so that the
/// effect on the right to vote is visible.
const CREDENTIALS_PENDING: &[&str] = &["cog", "hti", "ssd"];

/// Delegations of every member state and of the observers, the credentials findings, and
/// the conference's decision to let WSIS-accredited civil society speak in Committee 5.
fn participation(
    conf: &ConferenceId,
    body: &BodyId,
) -> std::result::Result<Vec<Command>, DomainError> {
    let mut out = Vec::new();
    let observers = [
        "apc", "cdt", "apt", "atu", "cept", "citel", "rcc", "asmg", "unesco", "isoc",
    ];
    let states = member_states(body)?;
    let ids = states
        .iter()
        .map(|m| m.id.as_str().to_owned())
        .chain(observers.iter().map(|o| (*o).to_owned()));
    for member in ids {
        let id = DelegationId::new(&format!("{conf}.{member}"))?;
        out.push(Command::AccreditDelegation(Delegation {
            id: id.clone(),
            conference: conf.clone(),
            member: MemberId::new(&member)?,
            credentials: CredentialsStatus::Pending,
        }));
        if !CREDENTIALS_PENDING.contains(&member.as_str()) {
            out.push(Command::RecordCredentials {
                delegation: id,
                status: CredentialsStatus::InOrder,
            });
        }
    }
    out.push(Command::AdoptRightsRule {
        conference: conf.clone(),
        rule: RightsRule {
            group: Some(GroupId::new(&format!("{conf}.com5"))?),
            category: ParticipantCategory::WsisCivilSociety,
            grant: [Right::Speak].into(),
            withdraw: Default::default(),
            basis: "Decision of the Plenary at its second meeting (illustrative): WSIS-accredited civil society may take the floor in Committee 5".into(),
        },
    });
    Ok(out)
}

/// The demo's documents: a few public ones and two restricted for stated reasons. They are
/// submitted on the day the demo is loaded, so that the restrictions' review dates are
/// ahead.
pub fn documents(today: Date) -> std::result::Result<Vec<Command>, DomainError> {
    let conf = ConferenceId::new(CONFERENCE)?;
    let english = |text: &str| {
        vec![LanguageVersion {
            language: Language::English,
            text: Some(text.to_owned()),
            file: None,
        }]
    };
    let submission =
        |series, kind, title: &str, sponsors: &[&str], group: Option<&str>, text: &str| {
            Ok::<_, DomainError>(Submission {
                conference: conf.clone(),
                series,
                kind,
                title: title.to_owned(),
                sponsors: sponsors
                    .iter()
                    .map(|s| MemberId::new(s))
                    .collect::<std::result::Result<_, _>>()?,
                group: group
                    .map(|g| GroupId::new(&format!("{conf}.{g}")))
                    .transpose()?,
                relation: None,
                versions: english(text),
                restriction: None,
            })
        };
    let review = today + time::Duration::days(180);
    let mut out = vec![
        Command::SubmitDocument(submission(
            Series::Temporary,
            DocumentKind::Temporary,
            "Draft time management plan",
            &[],
            Some("com1"),
            "Illustrative temporary document: the meetings of the committees week by week.",
        )?),
        Command::SubmitDocument(submission(
            Series::Administrative,
            DocumentKind::Information,
            "Security arrangements at the conference venue",
            &[],
            None,
            "Illustrative restricted content: entry points, guard posts and evacuation routes of the venue.",
        )?),
        Command::SubmitDocument(submission(
            Series::Administrative,
            DocumentKind::Information,
            "Requests for medical assistance from participants",
            &[],
            None,
            "Illustrative restricted content: names of participants and the assistance each asked for.",
        )?),
    ];
    out.push(Command::RestrictDocument {
        document: format!("{conf}.adm-1"),
        restriction: Restriction {
            reason: RestrictionReason::SafetyAndSecurity,
            justification: "Describes the guard posts and evacuation routes of the venue; publishing them would endanger participants.".into(),
            decided_by: "Secretary-General (illustrative)".into(),
            decided_on: today,
            review_on: review,
            title_restricted: false,
        },
    });
    out.push(Command::RestrictDocument {
        document: format!("{conf}.adm-2"),
        restriction: Restriction {
            reason: RestrictionReason::PersonalData,
            justification: "Names identifiable participants together with their health needs; disclosure would infringe their privacy.".into(),
            decided_by: "Secretary-General (illustrative)".into(),
            decided_on: today,
            review_on: review,
            title_restricted: true,
        },
    });
    Ok(out)
}

fn groups(conf: &ConferenceId) -> std::result::Result<Vec<Group>, DomainError> {
    let g = |suffix: &str| GroupId::new(&format!("{conf}.{suffix}"));
    #[allow(clippy::type_complexity)]
    let spec: &[(
        &str,
        Option<&str>,
        GroupKind,
        &str,
        &str,
        &str,
        Option<&str>,
        GroupVisibility,
        Option<(&str, &str, Date)>,
    )] = &[
        (
            "pl",
            None,
            GroupKind::Plenary,
            "Plenary",
            "PL",
            "The supreme organ of the conference: adopts the Final Acts, elects the Union's officials and decides on every report of its committees.",
            Some("Wonki Min (Korea (Republic of))"),
            GroupVisibility::Public,
            None,
        ),
        (
            "com1",
            Some("pl"),
            GroupKind::Committee,
            "Steering Committee",
            "COM1",
            "Composed of the chairs and vice-chairs of the conference and its committees; organizes the work and the timetable.",
            None,
            GroupVisibility::Public,
            None,
        ),
        (
            "com2",
            Some("pl"),
            GroupKind::Committee,
            "Credentials Committee",
            "COM2",
            "Verifies the credentials of delegations, on which the right to vote depends, and reports to the plenary.",
            None,
            GroupVisibility::Public,
            Some((
                "pl",
                "Report on the credentials of delegations",
                date!(2014 - 11 - 05),
            )),
        ),
        (
            "com3",
            Some("pl"),
            GroupKind::Committee,
            "Budget Control Committee",
            "COM3",
            "Assesses the organization of the conference and its costs, and estimates the financial implications of its decisions.",
            None,
            GroupVisibility::Public,
            Some((
                "pl",
                "Report on the expenditure of the conference",
                date!(2014 - 11 - 05),
            )),
        ),
        (
            "com4",
            Some("pl"),
            GroupKind::Committee,
            "Editorial Committee",
            "COM4",
            "Perfects the wording of texts without altering their sense and aligns the six language versions.",
            None,
            GroupVisibility::Public,
            None,
        ),
        (
            "com5",
            Some("pl"),
            GroupKind::Committee,
            "Committee 5 (Policy and Legal Matters)",
            "COM5",
            "Considers proposals on the Constitution and Convention, the General Rules of conferences, and policy and legal resolutions.",
            None,
            GroupVisibility::Public,
            Some((
                "pl",
                "Report on policy and legal matters",
                date!(2014 - 11 - 04),
            )),
        ),
        (
            "com6",
            Some("pl"),
            GroupKind::Committee,
            "Committee 6 (Administration and Management)",
            "COM6",
            "Considers the strategic and financial plans, the contributory units and the administrative resolutions.",
            None,
            GroupVisibility::Public,
            Some((
                "pl",
                "Report on the financial plan 2016-2019",
                date!(2014 - 11 - 03),
            )),
        ),
        (
            "wg-pl",
            Some("pl"),
            GroupKind::WorkingGroup,
            "Working Group of the Plenary",
            "WG-PL",
            "Considers the resolutions on Internet, security and other cross-cutting questions referred to it by the plenary.",
            Some("Fabio Bigi (Italy)"),
            GroupVisibility::Public,
            Some((
                "pl",
                "Report on the resolutions referred to the working group",
                date!(2014 - 11 - 05),
            )),
        ),
        (
            "adhoc-internet",
            Some("wg-pl"),
            GroupKind::AdHocGroup,
            "Ad hoc group on Internet-related resolutions",
            "AH-INT",
            "Seeks consensus on the revisions of Resolutions 101, 102 and 133 and on proposals on the Internet.",
            None,
            GroupVisibility::Closed,
            Some((
                "wg-pl",
                "Outcome on Resolutions 101, 102 and 133, with any text still in square brackets",
                date!(2014 - 10 - 31),
            )),
        ),
        (
            "adhoc-security",
            Some("wg-pl"),
            GroupKind::AdHocGroup,
            "Ad hoc group on confidence and security in the use of ICTs",
            "AH-SEC",
            "Seeks consensus on the revision of Resolution 130 and on related proposals.",
            None,
            GroupVisibility::Closed,
            Some(("wg-pl", "Outcome on Resolution 130", date!(2014 - 11 - 01))),
        ),
        (
            "adhoc-finance",
            Some("com6"),
            GroupKind::AdHocGroup,
            "Ad hoc group on the financial plan",
            "AH-FIN",
            "Reconciles the expenditure of the financial plan with the contributory units announced by Member States.",
            None,
            GroupVisibility::Closed,
            Some((
                "com6",
                "Balanced draft financial plan",
                date!(2014 - 10 - 30),
            )),
        ),
    ];
    spec.iter()
        .map(
            |(suffix, parent, kind, name, short, mandate, chair, vis, duty)| {
                Ok(Group {
                    id: g(suffix)?,
                    conference: conf.clone(),
                    parent: parent.map(g).transpose()?,
                    kind: *kind,
                    name: (*name).into(),
                    short_name: (*short).into(),
                    mandate: (*mandate).into(),
                    chair: chair.map(Into::into),
                    visibility: *vis,
                    reporting: duty
                        .map(|(to, subject, due)| {
                            Ok::<_, DomainError>(ReportingDuty {
                                to: g(to)?,
                                subject: subject.to_string(),
                                due_on: due,
                            })
                        })
                        .transpose()?,
                })
            },
        )
        .collect()
}

/// Parses the member-state table: `id <TAB> name <TAB> region`, `#` comments.
fn member_states(body: &BodyId) -> std::result::Result<Vec<Member>, DomainError> {
    MEMBER_STATES
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(n, line)| {
            let bad = || {
                DomainError::invalid(
                    "member_states.tsv",
                    format!("line {}: expected id, name and region A-E", n + 1),
                )
            };
            let mut cols = line.split('\t');
            let (Some(id), Some(name), Some(region)) = (cols.next(), cols.next(), cols.next())
            else {
                return Err(bad());
            };
            let region = match region {
                "A" => Region::A,
                "B" => Region::B,
                "C" => Region::C,
                "D" => Region::D,
                "E" => Region::E,
                _ => return Err(bad()),
            };
            Ok(Member {
                id: MemberId::new(id)?,
                body: body.clone(),
                name: name.into(),
                category: MemberCategory::MemberState { region },
            })
        })
        .collect()
}

fn members(body: &BodyId) -> std::result::Result<Vec<Member>, DomainError> {
    let mut all = member_states(body)?;
    let others: &[(&str, &str, MemberCategory)] = &[
        (
            "ericsson",
            "Telefonaktiebolaget LM Ericsson",
            MemberCategory::SectorMember,
        ),
        (
            "huawei",
            "Huawei Technologies Co., Ltd.",
            MemberCategory::SectorMember,
        ),
        ("isoc", "Internet Society", MemberCategory::SectorMember),
        (
            "apc",
            "Association for Progressive Communications",
            MemberCategory::Observer {
                accreditation: Accreditation::WsisCivilSociety,
            },
        ),
        (
            "cdt",
            "Center for Democracy and Technology",
            MemberCategory::Observer {
                accreditation: Accreditation::WsisCivilSociety,
            },
        ),
        (
            "apt",
            "Asia-Pacific Telecommunity",
            MemberCategory::Observer {
                accreditation: Accreditation::RegionalTelecommunicationOrganisation,
            },
        ),
        (
            "atu",
            "African Telecommunications Union",
            MemberCategory::Observer {
                accreditation: Accreditation::RegionalTelecommunicationOrganisation,
            },
        ),
        (
            "cept",
            "European Conference of Postal and Telecommunications Administrations",
            MemberCategory::Observer {
                accreditation: Accreditation::RegionalTelecommunicationOrganisation,
            },
        ),
        (
            "citel",
            "Inter-American Telecommunication Commission",
            MemberCategory::Observer {
                accreditation: Accreditation::RegionalTelecommunicationOrganisation,
            },
        ),
        (
            "rcc",
            "Regional Commonwealth in the field of Communications",
            MemberCategory::Observer {
                accreditation: Accreditation::RegionalTelecommunicationOrganisation,
            },
        ),
        (
            "asmg",
            "Arab Spectrum Management Group",
            MemberCategory::Observer {
                accreditation: Accreditation::RegionalTelecommunicationOrganisation,
            },
        ),
        (
            "unesco",
            "United Nations Educational, Scientific and Cultural Organization",
            MemberCategory::Observer {
                accreditation: Accreditation::UnAgency,
            },
        ),
    ];
    for (id, name, category) in others {
        all.push(Member {
            id: MemberId::new(id)?,
            body: body.clone(),
            name: (*name).into(),
            category: category.clone(),
        });
    }
    Ok(all)
}

fn instruments(body: &BodyId) -> std::result::Result<Vec<Command>, DomainError> {
    let mut out = Vec::new();
    for (number, revisions) in RESOLUTIONS {
        let instrument = InstrumentId::new(&format!("{body}.res-{number}"))?;
        let mut previous: Option<RevisionId> = None;
        for (i, (file, text, adopted_on)) in revisions.iter().enumerate() {
            let parsed = plenary_text::parse(text)
                .map_err(|e| DomainError::invalid(format!("demo text {file}"), e.to_string()))?;
            if i == 0 {
                out.push(Command::RegisterInstrument(Instrument {
                    id: instrument.clone(),
                    body: body.clone(),
                    kind: InstrumentKind::Resolution,
                    number: (*number).into(),
                    title: parsed.title.clone(),
                    revisions: Vec::new(),
                }));
            }
            let place = file
                .rsplit_once(&format!("res{:0>3}-", number))
                .map_or(*file, |(_, p)| p);
            let id = RevisionId::new(&format!("{instrument}.{place}"))?;
            out.push(Command::RecordRevision(Revision {
                id: id.clone(),
                instrument: instrument.clone(),
                citation: parsed.citation(),
                title: parsed.title.clone(),
                previous: previous.replace(id),
                adopted_on: Some(*adopted_on),
                text: (*text).into(),
                draft: None,
                record: None,
            }));
        }
    }
    Ok(out)
}

/// Loads the demo into an empty store: the world in one transaction, then the
/// negotiations step by step, each by its chair or sponsor. Returns the number of events.
///
/// # Errors
/// When the store is not empty (the demo's ids exist already) or fails.
pub async fn load(app: &App) -> Result<usize> {
    let mut commands = commands()?;
    commands.extend(documents(time::OffsetDateTime::now_utc().date())?);
    app.execute_all(&Actor::system(), &commands).await?;
    negotiation::run(app).await?;
    let events = app.head().await?.seq;
    tracing::info!(events, "demo conference loaded");
    Ok(usize::try_from(events).unwrap_or(usize::MAX))
}
