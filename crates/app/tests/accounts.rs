//! Accounts and sign-in on a real store (SQLite; PostgreSQL when
//! `PLENARY_TEST_POSTGRES_URL` is set).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::fresh_app;

use plenary_app::AppError;
use plenary_app::accounts::{MAX_LOGIN_FAILURES, NewAccount, SignInError};
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
async fn resetting_a_password_ends_the_accounts_sessions() {
    let (app, _d) = fresh_app().await;
    app.create_account(&Actor::system(), delegate("bra.delegate"))
        .await
        .unwrap();
    let opened = app
        .sign_in("bra.delegate", "correct horse battery staple")
        .await
        .unwrap();
    app.reset_password(&Actor::system(), "bra.delegate", "a brand new passphrase")
        .await
        .unwrap();
    assert!(app.session_actor(&opened.token).await.unwrap().is_none());
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
    let token = app.issue_api_token(&who, "scripts").await.unwrap();
    let actor = app.token_actor(&token).await.unwrap().unwrap();
    assert_eq!(actor.id, "bra.delegate");
    assert!(app.token_actor("not-a-token").await.unwrap().is_none());
    assert!(app.issue_api_token(&Actor::anonymous(), "x").await.is_err());
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
