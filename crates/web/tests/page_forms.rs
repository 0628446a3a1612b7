//! The pages of the work on the demo conference: drafts drawn with their brackets,
//! sponsors, withdrawals and history; the chair resolving a bracket, the delegate
//! submitting a proposal, the secretariat publishing a document and lifting a restriction,
//! all through page forms, where a refusal is named next to its field and writes nothing;
//! and no form for a visitor who may not act. SQLite by default, PostgreSQL when
//! `PLENARY_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../app/tests/common/mod.rs"]
mod common;
mod support;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use plenary_app::accounts::NewAccount;
use plenary_app::{App, demo};
use plenary_domain::access::{Actor, Role};
use plenary_domain::model::{GroupId, MemberId};
use plenary_web::{WebConfig, router};
use tower::ServiceExt;

struct Site {
    app: App,
    router: Router,
    _dir: Option<tempfile::TempDir>,
}

impl Site {
    async fn demo() -> Self {
        let (app, dir) = common::fresh_app().await;
        demo::load(&app).await.unwrap();
        let router = router(app.clone(), WebConfig::default());
        Self {
            app,
            router,
            _dir: dir,
        }
    }

    async fn send(&self, req: Request<Body>) -> (StatusCode, String, String) {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let location = res
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            String::from_utf8_lossy(&body).into_owned(),
            location,
        )
    }

    async fn get(&self, path: &str, session: Option<&str>) -> (StatusCode, String) {
        let mut req = Request::get(path);
        if let Some(cookie) = session {
            req = req.header(header::COOKIE, cookie);
        }
        let (status, body, _) = self.send(req.body(Body::empty()).unwrap()).await;
        (status, body)
    }

    /// Posts a page form as a browser does.
    async fn post_form(
        &self,
        path: &str,
        session: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String, String) {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, session)
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    async fn head(&self) -> i64 {
        self.app.head().await.unwrap().seq
    }

    /// Creates an account with one role and signs it in: the session cookie and the CSRF
    /// token its page forms carry.
    async fn signed_in(&self, username: &str, role: Role) -> (String, String) {
        let password = "a long enough passphrase";
        self.app
            .create_account(
                &Actor::system(),
                NewAccount {
                    username: username.into(),
                    display_name: username.into(),
                    password: password.into(),
                    roles: vec![role],
                },
            )
            .await
            .unwrap();
        support::sign_in(&self.router, username, password).await
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The number in "N brackets open" (or "1 bracket open").
/// The bracket named by the first of the chair's resolve forms on a draft page.
fn first_bracket_form(page: &str) -> String {
    page.split("name=\"bracket\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a resolve form names its bracket")
        .to_owned()
}

fn open_brackets(page: &str) -> usize {
    let at = page.find(" bracket").expect("a bracket count");
    let digits: String = page[..at]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().unwrap()
}

#[tokio::test]
async fn a_draft_page_draws_brackets_with_sponsors_and_filters_to_open_ones() {
    let site = Site::demo().await;
    let (status, page) = site.get("/drafts/pp-14.dt-res-130", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        open_brackets(&page),
        2,
        "Resolution 130 is reported with two brackets"
    );
    assert_eq!(page.matches("class=\"bracket\"").count(), 2);
    for sponsor in ["RCC", "CEPT"] {
        assert!(
            page.contains(&format!("<span class=\"sponsors\">{sponsor}")),
            "{sponsor} labels its alternative"
        );
    }
    assert!(
        page.contains("id=\"p-considering.a\""),
        "agreed text is shown"
    );
    let (_, open) = site.get("/drafts/pp-14.dt-res-130?open=1", None).await;
    assert!(open.contains("id=\"p-recalling.b:cept\"") && open.contains("id=\"p-resolves.2\""));
    assert!(
        !open.contains("id=\"p-considering.a\""),
        "agreed paragraphs are left out"
    );
    assert!(
        !page.contains("Chair&#39;s work") && !page.contains("Chair's work"),
        "the public gets no chair's forms"
    );
}

#[tokio::test]
async fn a_draft_keeps_what_was_withdrawn_and_every_version_on_its_page() {
    let site = Site::demo().await;
    let (status, page) = site.get("/drafts/pp-14.dt-res-102", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("adopted as itu.res-102.busan-2014"), "{page}");
    assert!(page.contains("/instruments/itu.res-102?rev=itu.res-102.busan-2014"));
    // Brazil's withdrawn proposal is listed, with the words that left the text.
    let withdrawn = &page[page.find("id=\"withdrawn-h\"").unwrap()..];
    assert!(withdrawn.contains("PP14/3"), "{withdrawn}");
    assert!(withdrawn.contains("BRA"));
    assert!(
        withdrawn.contains("<del>"),
        "the words that left the text are struck"
    );
    // The first version in the history is the compilation; as of it, brackets were open.
    let first = page
        .rsplit("?as_of=")
        .next()
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let (status, then) = site
        .get(&format!("/drafts/pp-14.dt-res-102?as_of={first}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(then.contains(&format!("The draft as it stood after event {first}")));
    assert!(
        open_brackets(&then) > 0,
        "the compiled text had brackets open"
    );
    let (status, _) = site.get("/drafts/pp-14.dt-res-102?as_of=soon", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = site.get("/drafts/pp-14.dt-nothing", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_chair_resolves_a_bracket_by_form_and_a_refusal_writes_nothing() {
    let site = Site::demo().await;
    // Resolution 130 went to the Working Group of the Plenary with the ad hoc group's report.
    let group = GroupId::new("pp-14.wg-pl").unwrap();
    let (session, csrf) = site.signed_in("chair.wg-pl", Role::Chair { group }).await;
    let (_, page) = site.get("/drafts/pp-14.dt-res-130", Some(&session)).await;
    assert!(page.contains("Chair&#39;s work") || page.contains("Chair's work"));
    let bracket = first_bracket_form(&page);

    // No alternative chosen, an alternative that does not exist, no CSRF token: refused,
    // nothing written.
    let before = site.head().await;
    let path = "/drafts/pp-14.dt-res-130/resolve";
    let (status, page, _) = site
        .post_form(path, &session, &[("csrf", &csrf), ("bracket", &bracket)])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"e-resolve\"") && page.contains("choose the alternative"));
    let (status, page, _) = site
        .post_form(
            path,
            &session,
            &[("csrf", &csrf), ("bracket", &bracket), ("alternative", "9")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"e-resolve\""), "{page}");
    let (status, _, _) = site
        .post_form(
            path,
            &session,
            &[("bracket", &bracket), ("alternative", "1")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(site.head().await, before, "refusals write nothing");

    let (status, _, location) = site
        .post_form(
            path,
            &session,
            &[("csrf", &csrf), ("bracket", &bracket), ("alternative", "1")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/drafts/pp-14.dt-res-130");
    let (_, page) = site.get("/drafts/pp-14.dt-res-130", None).await;
    assert_eq!(open_brackets(&page), 1);
    assert!(!page.contains(&format!("id=\"b-{bracket}\"")));
    let history = &page[page.find("id=\"history-h\"").unwrap()..];
    assert!(history.contains("revised, by chair.wg-pl"), "{history}");
}

#[tokio::test]
async fn only_the_chair_of_the_drafts_group_gets_the_forms_and_may_act() {
    let site = Site::demo().await;
    // The ad hoc group had the draft before it reported it to the Working Group.
    let former = GroupId::new("pp-14.adhoc-security").unwrap();
    let (session, csrf) = site
        .signed_in("chair.ah-sec", Role::Chair { group: former })
        .await;
    let (_, page) = site.get("/drafts/pp-14.dt-res-130", Some(&session)).await;
    assert!(!page.contains("form method=\"post\" action=\"/drafts/"));
    let before = site.head().await;
    let (status, page, _) = site
        .post_form(
            "/drafts/pp-14.dt-res-130/adopt",
            &session,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        page.contains("id=\"e-adopt\""),
        "the refusal is on the page: {page}"
    );
    assert_eq!(site.head().await, before);
}

#[tokio::test]
async fn a_delegate_submits_a_proposal_by_form_and_bad_input_is_named_next_to_its_field() {
    let site = Site::demo().await;
    let (anonymous, _) = site.get("/conferences/pp-14/proposals/new", None).await;
    assert_eq!(anonymous, StatusCode::FORBIDDEN);
    let member = MemberId::new("bra").unwrap();
    let (session, csrf) = site
        .signed_in("delegate.bra", Role::Delegate { member })
        .await;
    let (status, form) = site
        .get(
            "/conferences/pp-14/proposals/new?instrument=itu.res-133",
            Some(&session),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("internationalized (multilingual) domain names"));
    let revision = site
        .app
        .revision(&Actor::anonymous(), "itu.res-133.guadalajara-2010")
        .await
        .unwrap();
    let latest = match revision {
        Some(r) => r.text,
        None => panic!("the demo has Resolution 133 (Rev. Guadalajara, 2010)"),
    };
    let amended = latest.replacen(
        "so that the views of all regions are heard;",
        "so that the views of all regions and language communities are heard;",
        1,
    );
    assert_ne!(amended, latest);
    let path = "/conferences/pp-14/proposals/new";
    let before = site.head().await;
    let fields = |group: &'static str, reasons: &'static str, title: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("group", group.to_owned()),
            ("instrument", "itu.res-133".to_owned()),
            ("title", title.to_owned()),
            ("sponsors", "BRA".to_owned()),
            ("text", amended.clone()),
            ("reasons", reasons.to_owned()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        let session = session.clone();
        let site = &site;
        async move {
            let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            site.post_form(path, &session, &refs).await
        }
    };
    let (status, page, _) = post(fields("", "", "Brazil: Resolution 133")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"e-group\""));
    assert!(
        page.contains("value=\"Brazil: Resolution 133\""),
        "the form keeps what was typed"
    );
    let (status, page, _) = post(fields(
        "pp-14.com5",
        "no colon here",
        "Brazil: Resolution 133",
    ))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"e-reasons\"") && page.contains("line 1"));
    let (status, page, _) = post(fields("pp-14.com5", "", "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("id=\"e-title\""),
        "the domain's refusal lands on its field: {page}"
    );
    assert_eq!(site.head().await, before, "refusals write nothing");

    let (status, _, location) = post(fields(
        "pp-14.com5",
        "invites-member-states.1: so that language communities are heard",
        "Brazil: Resolution 133",
    ))
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/proposals/pp-14.main-"), "{location}");
    let (_, page) = site.get(&location, None).await;
    assert!(page.contains("<h1 id=\"title-h\">Brazil: Resolution 133</h1>"));
    assert!(page.contains("invites-member-states.1"));
    assert!(page.contains("so that language communities are heard"));
    assert!(page.contains("<ins>"), "the redline shows the new words");
    let (_, list) = site.get("/conferences/pp-14/proposals", None).await;
    assert!(list.contains(&format!("href=\"{location}\"")));
}

#[tokio::test]
async fn a_restricted_proposal_shows_its_notice_and_nothing_of_its_text_or_reasons() {
    use plenary_domain::command::Command;
    use plenary_domain::documents::{Restriction, RestrictionReason};
    use plenary_domain::model::{ConferenceId, InstrumentId, Language};
    use plenary_domain::negotiation::ProposalInput;

    let site = Site::demo().await;
    let base = site
        .app
        .revision(&Actor::anonymous(), "itu.res-133.guadalajara-2010")
        .await
        .unwrap()
        .unwrap()
        .text;
    let secret = "WithheldWordingMarker";
    let why = "WithheldReasonMarker";
    let text = base.replacen(
        "so that the views of all regions are heard;",
        &format!("so that the views of all regions are heard, {secret};"),
        1,
    );
    let delegate = Actor {
        id: "delegate.bra".into(),
        roles: vec![Role::Delegate {
            member: MemberId::new("bra").unwrap(),
        }],
    };
    let events = site
        .app
        .execute(
            &delegate,
            Command::SubmitProposal(ProposalInput {
                conference: ConferenceId::new("pp-14").unwrap(),
                group: GroupId::new("pp-14.com5").unwrap(),
                instrument: Some(InstrumentId::new("itu.res-133").unwrap()),
                title: "Brazil: a confidential amendment".into(),
                sponsors: vec![MemberId::new("bra").unwrap()],
                text,
                reasons: [("invites-member-states.1".to_owned(), why.to_owned())].into(),
                language: Language::English,
            }),
        )
        .await
        .unwrap();
    let id = events
        .iter()
        .find_map(|e| match e.change() {
            Ok(plenary_domain::event::Change::ProposalSubmitted(p)) => Some(p.id),
            _ => None,
        })
        .unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    site.app
        .execute(
            &Actor::system(),
            Command::RestrictDocument {
                document: id.clone(),
                restriction: Restriction {
                    reason: RestrictionReason::PersonalData,
                    justification: "Names the officials of an administration with their health details."
                        .into(),
                    decided_by: "Secretary-General".into(),
                    decided_on: today,
                    review_on: today + time::Duration::days(30),
                    title_restricted: false,
                },
            },
        )
        .await
        .unwrap();
    let (status, page) = site.get(&format!("/proposals/{id}"), None).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a restricted proposal's page is not an error"
    );
    assert!(page.contains("Restricted proposal"));
    assert!(
        page.contains("Brazil: a confidential amendment"),
        "the title is not withheld"
    );
    for path in [
        format!("/proposals/{id}"),
        "/conferences/pp-14/proposals".to_owned(),
        format!("/documents/{id}"),
        format!("/api/v1/proposals/{id}"),
        "/api/v1/conferences/pp-14/proposals".to_owned(),
    ] {
        let (_, body) = site.get(&path, None).await;
        assert!(!body.contains(secret), "{path} leaks the withheld wording");
        assert!(!body.contains(why), "{path} leaks the withheld reason");
        assert!(
            !body.contains("invites-member-states.1"),
            "{path} shows which provisions the restricted proposal touches"
        );
    }
    // Search finds neither (the query itself is echoed, so count the hits).
    for q in [secret, why] {
        let (status, body) = site.get(&format!("/api/v1/search?q={q}"), None).await;
        assert_eq!(status, StatusCode::OK);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["total"], 0, "search finds restricted text: {body}");
    }
}

#[tokio::test]
async fn the_secretariat_publishes_a_document_and_bad_input_is_named_next_to_its_field() {
    let site = Site::demo().await;
    let member = MemberId::new("bra").unwrap();
    let (delegate, _) = site
        .signed_in("delegate.bra", Role::Delegate { member })
        .await;
    let (status, _) = site
        .get("/conferences/pp-14/documents/new", Some(&delegate))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "only the secretariat publishes"
    );
    let (session, csrf) = site.signed_in("sec.pub", Role::Secretariat).await;
    let (_, list) = site
        .get("/conferences/pp-14/documents", Some(&session))
        .await;
    assert!(list.contains("href=\"/conferences/pp-14/documents/new\""));
    let path = "/conferences/pp-14/documents/new";
    let before = site.head().await;
    let text = "The secretariat informs delegations that the plenary hall opens at 08:30.";
    let base = [
        ("csrf", csrf.as_str()),
        ("series", "administrative"),
        ("kind", "information"),
        ("title", "Opening hours of the plenary hall"),
        ("group", ""),
        ("sponsors", ""),
        ("language", "en"),
        ("text", text),
        ("relation", ""),
        ("of", ""),
    ];
    let with = |field: &str, value: &'static str| {
        base.iter()
            .map(|(k, v)| (*k, if *k == field { value } else { *v }))
            .collect::<Vec<_>>()
    };
    for (field, value, error) in [
        ("kind", "memo", "e-kind"),
        ("language", "latin", "e-language"),
        ("text", "  ", "e-text"),
        ("relation", "revision", "e-of"),
        ("sponsors", "B R A!", "e-sponsors"),
        ("title", "", "e-title"),
    ] {
        let (status, page, _) = site.post_form(path, &session, &with(field, value)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}");
        assert!(
            page.contains(&format!("id=\"{error}\"")),
            "{field}={value}: {page}"
        );
    }
    assert_eq!(site.head().await, before, "refusals write nothing");
    let (status, _, location) = site.post_form(path, &session, &base).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/documents/pp-14.adm-"), "{location}");
    let (status, page) = site.get(&location, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Opening hours of the plenary hall") && page.contains(text));
}

#[tokio::test]
async fn the_secretariat_lifts_a_restriction_and_the_register_keeps_it() {
    let site = Site::demo().await;
    let (_, before_page) = site.get("/documents/pp-14.adm-2", None).await;
    assert!(before_page.contains("Restricted document"));
    assert!(!before_page.contains("Illustrative restricted content"));
    let (session, csrf) = site.signed_in("sec.lift", Role::Secretariat).await;
    let (_, page) = site.get("/documents/pp-14.adm-2", Some(&session)).await;
    assert!(page.contains("Lift the restriction"));
    let path = "/documents/pp-14.adm-2/declassify";
    let before = site.head().await;
    let (status, page, _) = site
        .post_form(
            path,
            &session,
            &[
                ("csrf", &csrf),
                ("decided_by", "Secretary-General"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"e-note\""), "{page}");
    assert_eq!(site.head().await, before);
    let (status, _, location) = site
        .post_form(
            path,
            &session,
            &[
                ("csrf", &csrf),
                ("decided_by", "Secretary-General"),
                (
                    "note",
                    "The participants concerned agreed to its publication.",
                ),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/documents/pp-14.adm-2");
    let (_, page) = site.get("/documents/pp-14.adm-2", None).await;
    assert!(!page.contains("Restricted document"));
    assert!(
        page.contains("Illustrative restricted content"),
        "the content is public now"
    );
    assert!(page.contains("Earlier restrictions"));
    let (_, register) = site.get("/conferences/pp-14/restrictions", None).await;
    assert!(
        register.contains("lifted"),
        "the register keeps the lifted restriction"
    );
}

#[tokio::test]
async fn a_chair_records_a_vote_and_the_draft_page_shows_each_ballot_and_the_outcome() {
    let site = Site::demo().await;
    let group = GroupId::new("pp-14.wg-pl").unwrap();
    let (session, csrf) = site.signed_in("chair.wg-pl", Role::Chair { group }).await;
    let path = "/drafts/pp-14.dt-res-130";
    // Resolve both brackets first: text with open brackets cannot be adopted.
    for _ in 0..2 {
        let (_, page) = site.get(path, Some(&session)).await;
        let bracket = first_bracket_form(&page);
        let (status, _, _) = site
            .post_form(
                &format!("{path}/resolve"),
                &session,
                &[("csrf", &csrf), ("bracket", &bracket), ("alternative", "1")],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
    let (_, page) = site.get(path, Some(&session)).await;
    assert!(page.contains("name=\"ballot.bra\""), "Brazil may vote");
    assert!(
        !page.contains("name=\"ballot.hti\""),
        "a delegation whose credentials are pending is not on the ballot"
    );
    let vote = format!("{path}/vote");
    let before = site.head().await;
    for (fields, status) in [
        (
            vec![("ballot.bra", "maybe")],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            vec![("ballot.bra", "none")],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (vec![("ballot.hti", "yes")], StatusCode::FORBIDDEN),
    ] {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend(fields);
        let (got, page, _) = site.post_form(&vote, &session, &all).await;
        assert_eq!(got, status, "{all:?}");
        assert!(
            page.contains("id=\"e-vote\""),
            "{all:?}: the refusal is shown"
        );
    }
    assert_eq!(site.head().await, before, "refusals write nothing");
    let (status, _, _) = site
        .post_form(
            &vote,
            &session,
            &[
                ("csrf", &csrf),
                ("ballot.bra", "yes"),
                ("ballot.arg", "yes"),
                ("ballot.usa", "no"),
                ("ballot.fra", "abstain"),
                ("ballot.deu", "none"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = site.get(path, None).await;
    let decisions = &page[page.find("id=\"decisions-h\"").unwrap()..];
    assert!(
        decisions.contains(
            "Recorded vote in WG-PL: 2 in favour, 1 against, 1 abstaining; forwarded to PL."
        ),
        "{decisions}"
    );
    for ballot in ["BRA: yes", "ARG: yes", "USA: no", "FRA: abstain"] {
        assert!(decisions.contains(ballot), "{ballot}");
    }
    assert!(!decisions.contains("DEU:"), "not voting is not a ballot");
}
