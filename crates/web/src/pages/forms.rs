//! Signing in and out with forms, and the CSRF checks of page forms.
//!
//! A signed-in page's forms carry the session's CSRF token in a hidden field. The sign-in
//! form, which has no session yet, carries a random token that must match a short-lived
//! cookie of its own (a double-submit token), so that no other site can sign a visitor in.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use plenary_app::accounts::SignInError;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::{Chrome, Page, error_page, page, render, visitor};
use crate::WebState;
use crate::api::session_cookie;

pub(super) fn routes() -> Router<WebState> {
    Router::new()
        .route("/sign-in", get(sign_in_form).post(sign_in))
        .route("/sign-out", post(sign_out))
}

/// The cookie that holds the sign-in form's token.
const SIGN_IN_COOKIE: &str = "plenary_sign_in";

/// Checks a page form's CSRF token against the visitor's session.
pub(super) fn check_csrf(chrome: &Chrome, given: &str) -> Result<(), Response> {
    let ok = chrome
        .csrf
        .as_deref()
        .is_some_and(|expected| bool::from(expected.as_bytes().ct_eq(given.as_bytes())));
    if ok {
        Ok(())
    } else {
        Err(error_page(
            StatusCode::FORBIDDEN,
            "This form has expired or did not come from this site: sign in, reload the page and try again.",
        ))
    }
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    token: String,
    username: String,
    error: Option<String>,
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn fresh_token() -> Result<String, Response> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| {
        tracing::error!(error = %e, "no randomness for a sign-in token");
        error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Signing in is unavailable right now.",
        )
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn with_sign_in_cookie(mut res: Response, token: &str, secure: &str) -> Response {
    let text = format!(
        "{SIGN_IN_COOKIE}={token}; Path=/sign-in; HttpOnly; SameSite=Strict; Max-Age=3600{secure}"
    );
    if let Ok(v) = HeaderValue::from_str(&text) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

async fn sign_in_form(State(s): State<WebState>, headers: HeaderMap) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            let token = match cookie_value(&headers, SIGN_IN_COOKIE) {
                Some(t) => t,
                None => fresh_token()?,
            };
            let res = render(&SignInPage {
                chrome: v.chrome,
                token: token.clone(),
                username: String::new(),
                error: None,
            });
            let secure = crate::session::secure_attribute(&headers, s.config.secure_cookies);
            Ok(with_sign_in_cookie(res, &token, secure))
        }
        .await,
    )
}

#[derive(Debug, Deserialize)]
struct SignInForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

async fn sign_in(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    page(sign_in_page(&s, &headers, form).await)
}

async fn sign_in_page(s: &WebState, headers: &HeaderMap, form: SignInForm) -> Page {
    let v = visitor(s, headers).await?;
    let expected = cookie_value(headers, SIGN_IN_COOKIE);
    let token_ok = expected
        .as_deref()
        .is_some_and(|e| bool::from(e.as_bytes().ct_eq(form.token.as_bytes())));
    let again = |status: StatusCode, error: String| -> Page {
        let token = fresh_token()?;
        let res = render(&SignInPage {
            chrome: v.chrome.clone(),
            token: token.clone(),
            username: form.username.clone(),
            error: Some(error),
        });
        let secure = crate::session::secure_attribute(headers, s.config.secure_cookies);
        Ok(with_sign_in_cookie(
            (status, res).into_response(),
            &token,
            secure,
        ))
    };
    if !token_ok {
        return again(
            StatusCode::FORBIDDEN,
            "The form expired or did not come from this site; please sign in again.".into(),
        );
    }
    match s.app.sign_in(&form.username, &form.password).await {
        Ok(opened) => {
            let max_age = plenary_app::accounts::SESSION_HOURS * 3600;
            let mut res = Redirect::to("/").into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                crate::session::cookie(headers, &opened.token, max_age, s.config.secure_cookies),
            );
            Ok(res)
        }
        Err(SignInError::Invalid) => again(
            StatusCode::UNAUTHORIZED,
            "The username or password is not right.".into(),
        ),
        Err(SignInError::Field(e)) => again(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
        Err(e @ SignInError::RateLimited { .. }) => {
            again(StatusCode::TOO_MANY_REQUESTS, e.to_string())
        }
        Err(SignInError::App(e)) => Err(super::failed(e, "sign-in")),
    }
}

#[derive(Debug, Deserialize)]
struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

async fn sign_out(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<SignOutForm>,
) -> Response {
    page(
        async {
            let v = visitor(&s, &headers).await?;
            check_csrf(&v.chrome, &form.csrf)?;
            if let Some(token) = session_cookie(&headers) {
                s.app
                    .sign_out(&token)
                    .await
                    .map_err(|e| super::failed(e, "sign-out"))?;
            }
            let mut res = Redirect::to("/").into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                crate::session::cookie(&headers, "", 0, s.config.secure_cookies),
            );
            Ok(res)
        }
        .await,
    )
}
