//! Accounts and sign-in on a real store (SQLite; PostgreSQL when
//! `PLENARY_TEST_POSTGRES_URL` is set).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::fresh_app;

use plenary_app::AppError;
use plenary_app::accounts::{
    DEFAULT_TOKEN_DAYS, MAX_LOGIN_FAILURES, MAX_PASSWORD_BYTES, NewAccount, SignInError,
};
use plenary_domain::DomainError;
use plenary_domain::access::{Actor, Role};
use plenary_domain::model::MemberId;

fn delegate(username: &str) -> NewAccount {
    NewAccount {
        username: username.into(),
        display_name: "A delegate of Brazil".into(),
        password: "correct horse battery staple".into(),
        roles: vec![Role::Delegate {
            member: MemberId::new("bra").unwrap(),
        }],
    }
}

#[tokio::test]
async fn a_delegate_signs_in_and_the_session_carries_their_roles() {
    let (app, _d) = fresh_app().await;
    app.create_account(&Actor::system(), delegate("bra.delegate"))
        .await
        .unwrap();
    let opened = app
        .sign_in("bra.delegate", "correct horse battery staple")
        .await
        .unwrap();
    let s = app.session_actor(&opened.token).await.unwrap().unwrap();
    assert_eq!(s.actor.id, "bra.delegate");
    assert_eq!(
        s.actor.roles,
        vec![Role::Delegate {
            member: MemberId::new("bra").unwrap()
        }]
    );
    assert_eq!(s.csrf_token, opened.csrf_token);
    app.sign_out(&opened.token).await.unwrap();
    assert!(app.session_actor(&opened.token).await.unwrap().is_none());
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_name_get_the_same_answer() {
    let (app, _d) = fresh_app().await;
    app.create_account(&Actor::system(), delegate("bra.delegate"))
        .await
        .unwrap();
    assert!(matches!(
        app.sign_in("bra.delegate", "wrong password!!").await,
        Err(SignInError::Invalid)
    ));
    assert!(matches!(
        app.sign_in("nobody.here", "wrong password!!").await,
        Err(SignInError::Invalid)
    ));
}

#[tokio::test]
async fn sign_ins_are_limited_after_repeated_failures_even_with_the_right_password() {
    let (app, _d) = fresh_app().await;
    app.create_account(&Actor::system(), delegate("bra.delegate"))
        .await
        .unwrap();
    for _ in 0..MAX_LOGIN_FAILURES {
        assert!(matches!(
            app.sign_in("bra.delegate", "guess guess guess").await,
            Err(SignInError::Invalid)
        ));
    }
    let err = app
        .sign_in("bra.delegate", "correct horse battery staple")
        .await
        .unwrap_err();
    assert!(matches!(err, SignInError::RateLimited { .. }), "{err}");
    // The secretariat can reset the password, which lifts the limit.
    app.reset_password(&Actor::system(), "bra.delegate", "a brand new passphrase")
        .await
        .unwrap();
    assert!(
        app.sign_in("bra.delegate", "a brand new passphrase")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn resetting_a_password_ends_the_accounts_sessions_and_api_tokens() {
    let (app, _d) = fresh_app().await;
    app.create_account(&Actor::system(), delegate("bra.delegate"))
        .await
        .unwrap();
    let opened = app
        .sign_in("bra.delegate", "correct horse battery staple")
        .await
        .unwrap();
    let issued = app
        .issue_api_token(&bra_delegate(), "scripts", None)
        .await
        .unwrap();
    app.reset_password(&Actor::system(), "bra.delegate", "a brand new passphrase")
        .await
        .unwrap();
    assert!(app.session_actor(&opened.token).await.unwrap().is_none());
    // A stolen token must not outlive the reset that was meant to lock the thief out.
    assert!(app.token_actor(&issued.token).await.unwrap().is_none());
    assert!(
        app.list_api_tokens(&bra_delegate())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn api_tokens_act_for_their_account() {
    let (app, _d) = fresh_app().await;
    app.create_account(&Actor::system(), delegate("bra.delegate"))
        .await
        .unwrap();
    let who = Actor {
        id: "bra.delegate".into(),
        roles: vec![],
    };
    let token = app
        .issue_api_token(&who, "scripts", None)
        .await
        .unwrap()
        .token;
    let actor = app.token_actor(&token).await.unwrap().unwrap();
    assert_eq!(actor.id, "bra.delegate");
    assert!(app.token_actor("not-a-token").await.unwrap().is_none());
    assert!(
        app.issue_api_token(&Actor::anonymous(), "x", None)
            .await
            .is_err()
    );
}

fn bra_delegate() -> Actor {
    Actor {
        id: "bra.delegate".into(),
        roles: vec![],
    }
}

fn invalid_field(err: &SignInError) -> Option<&str> {
    match err {
        SignInError::Field(DomainError::InvalidField { field, .. }) => Some(field),
        _ => None,
    }
}

#[tokio::test]
async fn a_sign_in_with_an_overlong_username_is_refused_naming_the_field_and_stores_nothing() {
    let (app, _d) = fresh_app().await;
    // Before: each such request stored the name as sent (up to the 1 MB body limit).
    let huge = "a".repeat(100_000);
    let err = app.sign_in(&huge, "wrong password!!").await.unwrap_err();
    assert_eq!(invalid_field(&err), Some("username"), "{err}");
    assert_eq!(
        app.store().accounts().login_failures_count().await.unwrap(),
        0
    );
}

#[tokio::test]
async fn an_overlong_password_gets_the_same_refusal_for_a_known_and_an_unknown_name() {
    let (app, _d) = fresh_app().await;
    app.create_account(&Actor::system(), delegate("bra.delegate"))
        .await
        .unwrap();
    // Refused before any lookup: a known name no longer skips the hash an unknown one runs,
    // so the time taken cannot tell them apart.
    let long = "p".repeat(MAX_PASSWORD_BYTES + 1);
    for name in ["bra.delegate", "nobody.here"] {
        let err = app.sign_in(name, &long).await.unwrap_err();
        assert_eq!(invalid_field(&err), Some("password"), "{name}: {err}");
    }
    assert_eq!(
        app.store().accounts().login_failures_count().await.unwrap(),
        0
    );
}

#[tokio::test]
async fn failed_sign_ins_are_counted_for_every_spelling_of_a_name_and_forgotten_after_the_window() {
    let (app, _d) = fresh_app().await;
    app.create_account(&Actor::system(), delegate("bra.delegate"))
        .await
        .unwrap();
    let accounts = app.store().accounts();
    // A failure from yesterday, under some other name's key.
    let key = "0".repeat(64);
    accounts
        .record_login_failure(
            &key,
            "2000-01-01T00:00:00.000000Z",
            "2000-01-01T00:00:00.000000Z",
        )
        .await
        .unwrap();
    assert_eq!(accounts.login_failures_count().await.unwrap(), 1);
    for name in ["bra.delegate", "BRA.Delegate"] {
        assert!(matches!(
            app.sign_in(name, "guess guess guess").await,
            Err(SignInError::Invalid)
        ));
    }
    // The old failure is gone; the two new ones count for one name.
    assert_eq!(accounts.login_failures_count().await.unwrap(), 2);
    for _ in 2..MAX_LOGIN_FAILURES {
        let _ = app.sign_in("bra.delegate", "guess guess guess").await;
    }
    let err = app
        .sign_in("bra.delegate", "correct horse battery staple")
        .await
        .unwrap_err();
    assert!(matches!(err, SignInError::RateLimited { .. }), "{err}");
}

#[tokio::test]
async fn an_api_token_lasts_ninety_days_unless_asked_otherwise_within_bounds() {
    let (app, _d) = fresh_app().await;
    app.create_account(&Actor::system(), delegate("bra.delegate"))
        .await
        .unwrap();
    let days_of = |v: &plenary_app::accounts::ApiTokenView| {
        let parse = |t: &str| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).unwrap()
        };
        (parse(&v.expires_at) - parse(&v.created_at)).whole_days()
    };
    let default = app
        .issue_api_token(&bra_delegate(), "scripts", None)
        .await
        .unwrap();
    assert_eq!(days_of(&default.view), i64::from(DEFAULT_TOKEN_DAYS));
    let week = app
        .issue_api_token(&bra_delegate(), "a week", Some(7))
        .await
        .unwrap();
    assert_eq!(days_of(&week.view), 7);
    for bad in [0, 367, 100_000] {
        let err = app
            .issue_api_token(&bra_delegate(), "bad", Some(bad))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, AppError::Domain(DomainError::InvalidField { field, .. }) if field == "expires_in_days"),
            "{bad}: {err}"
        );
    }
    assert_eq!(app.list_api_tokens(&bra_delegate()).await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_expired_api_token_no_longer_acts() {
    let (app, _d) = fresh_app().await;
    let account = app
        .create_account(&Actor::system(), delegate("bra.delegate"))
        .await
        .unwrap();
    let secret = "an expired token's secret";
    app.store()
        .accounts()
        .create_api_token(&plenary_store::ApiTokenRecord {
            id: "expired".into(),
            token_sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(secret)),
            account_id: account.id,
            label: "old scripts".into(),
            created_at: "2020-01-01T00:00:00.000000Z".into(),
            expires_at: "2020-03-31T00:00:00.000000Z".into(),
            last_used_at: None,
        })
        .await
        .unwrap();
    assert!(app.token_actor(secret).await.unwrap().is_none());
}

#[tokio::test]
async fn api_tokens_are_listed_without_secrets_and_revoked_only_by_their_holder() {
    let (app, _d) = fresh_app().await;
    app.create_account(&Actor::system(), delegate("bra.delegate"))
        .await
        .unwrap();
    app.create_account(&Actor::system(), delegate("arg.delegate"))
        .await
        .unwrap();
    let issued = app
        .issue_api_token(&bra_delegate(), "scripts", None)
        .await
        .unwrap();
    assert!(app.token_actor(&issued.token).await.unwrap().is_some());
    let listed = app.list_api_tokens(&bra_delegate()).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, issued.view.id);
    assert_eq!(listed[0].label, "scripts");
    // Using the token notes it, to the hour.
    assert!(listed[0].last_used_at.is_some());
    let shown = serde_json::to_string(&listed).unwrap();
    assert!(!shown.contains(&issued.token), "{shown}");

    let other = Actor {
        id: "arg.delegate".into(),
        roles: vec![],
    };
    assert!(app.list_api_tokens(&other).await.unwrap().is_empty());
    let err = app
        .revoke_api_token(&other, &issued.view.id)
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Domain(DomainError::NotFound { .. })),
        "{err}"
    );
    assert!(app.token_actor(&issued.token).await.unwrap().is_some());
    assert!(app.list_api_tokens(&Actor::anonymous()).await.is_err());

    app.revoke_api_token(&bra_delegate(), &issued.view.id)
        .await
        .unwrap();
    assert!(app.token_actor(&issued.token).await.unwrap().is_none());
    assert!(
        app.list_api_tokens(&bra_delegate())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn only_the_secretariat_creates_accounts_with_valid_names_and_passwords() {
    let (app, _d) = fresh_app().await;
    let err = app
        .create_account(&Actor::anonymous(), delegate("someone"))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        AppError::Domain(DomainError::Forbidden { .. })
    ));
    let mut weak = delegate("someone");
    weak.password = "short".into();
    let err = app
        .create_account(&Actor::system(), weak)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Domain(DomainError::InvalidField { field, .. }) if field == "password"),
        "{err}"
    );
    let err = app
        .create_account(&Actor::system(), delegate("Bad Name"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Domain(DomainError::InvalidField { field, .. }) if field == "username"),
        "{err}"
    );
    app.create_account(&Actor::system(), delegate("someone"))
        .await
        .unwrap();
    let err = app
        .create_account(&Actor::system(), delegate("someone"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Domain(DomainError::AlreadyExists { .. })),
        "{err}"
    );
    assert_eq!(app.list_accounts(&Actor::system()).await.unwrap().len(), 1);
    assert!(app.list_accounts(&Actor::anonymous()).await.is_err());
}
