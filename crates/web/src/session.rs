//! Signing in and out, API tokens and accounts, under `/api/v1`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use plenary_app::AppError;
use plenary_app::accounts::{AccountView, ApiTokenView, NewAccount, SignInError};
use plenary_domain::access::Role;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::api::{SESSION_COOKIE, reader, session_cookie, writer};
use crate::openapi::Operation;
use crate::{Problem, WebState};

/// Who is signed in, as `GET /session` answers.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
struct Whoami {
    id: String,
    roles: Vec<Role>,
}

/// A session just opened.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
struct SignedIn {
    account: AccountView,
    /// The token that unsafe requests signed in by cookie must carry in X-CSRF-Token.
    csrf_token: String,
}

/// An API token just issued: the secret is shown once, here only.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
struct IssuedToken {
    /// The secret, for `Authorization: Bearer`.
    token: String,
    /// Its id, to revoke it by.
    id: String,
    label: String,
    created_at: String,
    /// When it stops working.
    expires_at: String,
}

/// Signing in and out, tokens and accounts, in the API's one route table.
pub(crate) fn operations() -> Vec<Operation> {
    vec![
        Operation::get("/session", "whoami", "Who is signed in.", whoami)
            .tag("accounts")
            .returns::<Whoami>(200, "The caller")
            .problems(&["not_signed_in"]),
        Operation::post(
            "/session",
            "signIn",
            "Signs in: sets the session cookie and answers the CSRF token.",
            sign_in,
        )
        .tag("accounts")
        .signs_in()
        .json_body::<Credentials>()
        .returns::<SignedIn>(201, "Signed in; the Set-Cookie header carries the session")
        .problems(&["invalid_field", "too_many_sign_ins", "too_many_requests"]),
        Operation::delete("/session", "signOut", "Signs out.", sign_out)
            .tag("accounts")
            .writes()
            .returns_nothing(204, "Signed out"),
        Operation::post(
            "/tokens",
            "issueToken",
            "Issues an API token for the signed-in account (shown once).",
            issue_token,
        )
        .tag("accounts")
        .writes()
        .json_body::<TokenRequest>()
        .returns::<IssuedToken>(201, "The token")
        .problems(&["invalid_field", "forbidden"]),
        Operation::get(
            "/tokens",
            "listTokens",
            "The signed-in account's API tokens, newest first, never their secrets.",
            list_tokens,
        )
        .tag("accounts")
        .returns::<Vec<ApiTokenView>>(200, "The tokens")
        .problems(&["forbidden"]),
        Operation::delete(
            "/tokens/{id}",
            "revokeToken",
            "Revokes one of the signed-in account's API tokens; it stops working at once.",
            revoke_token,
        )
        .tag("accounts")
        .writes()
        .returns_nothing(204, "Revoked")
        .problems(&["forbidden", "not_found"]),
        Operation::get(
            "/accounts",
            "listAccounts",
            "Every account (secretariat only).",
            list_accounts,
        )
        .tag("accounts")
        .returns::<Vec<AccountView>>(200, "Accounts")
        .problems(&["forbidden"]),
        Operation::post(
            "/accounts",
            "createAccount",
            "Creates an account (secretariat only).",
            create_account,
        )
        .tag("accounts")
        .writes()
        .json_body::<AccountRequest>()
        .returns::<AccountView>(201, "The account")
        .problems(&["invalid_field", "already_exists", "too_many_requests"]),
    ]
}

/// `application/json`, with or without parameters (`; charset=utf-8`), in any case; not
/// `application/jsonfoo`.
fn is_json_media_type(value: &str) -> bool {
    value
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

/// Parses a JSON body, naming the field at fault.
pub(crate) fn json_body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<T, Problem> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_json_media_type);
    if !is_json {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Unsupported media type",
            "send the body as application/json",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
            "Invalid input",
            format!("{path}: {}", e.inner()),
        );
        p.field = Some(path);
        p
    })?;
    de.end().map_err(|e| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
            "Invalid input",
            e.to_string(),
        )
    })?;
    Ok(value)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct Credentials {
    username: String,
    password: String,
}

/// `; Secure` when the site says it is behind TLS, or the proxy says this request came over
/// it; empty otherwise (a cookie marked Secure is never sent back over plain HTTP).
pub(crate) fn secure_attribute(headers: &HeaderMap, configured: bool) -> &'static str {
    let tls = configured
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    if tls { "; Secure" } else { "" }
}

pub(crate) fn cookie(headers: &HeaderMap, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = secure_attribute(headers, secure);
    let text = format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

async fn sign_in(
    State(s): State<WebState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let body = body?;
    let c: Credentials = json_body(&headers, &body)?;
    match s.app.sign_in(&c.username, &c.password).await {
        Ok(opened) => {
            let max_age = plenary_app::accounts::SESSION_HOURS * 3600;
            let mut res = (
                StatusCode::CREATED,
                Json(SignedIn {
                    account: opened.account,
                    csrf_token: opened.csrf_token,
                }),
            )
                .into_response();
            res.headers_mut().insert(
                header::SET_COOKIE,
                cookie(&headers, &opened.token, max_age, s.config.secure_cookies),
            );
            Ok(res)
        }
        Err(SignInError::Invalid) => Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "Bad credentials",
            "the username or password is not right",
        )),
        Err(SignInError::Field(e)) => Err(e.into()),
        Err(e @ SignInError::RateLimited { .. }) => Err(Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_sign_ins",
            "Too many failed sign-ins",
            e.to_string(),
        )),
        Err(SignInError::App(e)) => Err(e.into()),
    }
}

async fn whoami(State(s): State<WebState>, headers: HeaderMap) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    if who.id == "anonymous" {
        return Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "not_signed_in",
            "Not signed in",
            "no session",
        ));
    }
    Ok(Json(Whoami {
        id: who.id,
        roles: who.roles,
    })
    .into_response())
}

async fn sign_out(State(s): State<WebState>, headers: HeaderMap) -> Result<Response, Problem> {
    writer(&s, &headers).await?;
    if let Some(token) = session_cookie(&headers) {
        s.app.sign_out(&token).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        cookie(&headers, "", 0, s.config.secure_cookies),
    );
    Ok(res)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    label: String,
    /// How many days the token lasts (1 to 366; default 90).
    #[serde(default)]
    expires_in_days: Option<u32>,
}

async fn issue_token(
    State(s): State<WebState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let body = body?;
    let who = writer(&s, &headers).await?;
    let req: TokenRequest = json_body(&headers, &body)?;
    let issued = s
        .app
        .issue_api_token(&who, &req.label, req.expires_in_days)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedToken {
            token: issued.token,
            id: issued.view.id,
            label: issued.view.label,
            created_at: issued.view.created_at,
            expires_at: issued.view.expires_at,
        }),
    )
        .into_response())
}

async fn list_tokens(State(s): State<WebState>, headers: HeaderMap) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    Ok(Json(s.app.list_api_tokens(&who).await?).into_response())
}

async fn revoke_token(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let who = writer(&s, &headers).await?;
    s.app.revoke_api_token(&who, &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct AccountRequest {
    username: String,
    display_name: String,
    password: String,
    #[serde(default)]
    roles: Vec<Role>,
}

async fn create_account(
    State(s): State<WebState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let body = body?;
    let who = writer(&s, &headers).await?;
    let req: AccountRequest = json_body(&headers, &body)?;
    let view = s
        .app
        .create_account(
            &who,
            NewAccount {
                username: req.username,
                display_name: req.display_name,
                password: req.password,
                roles: req.roles,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

async fn list_accounts(State(s): State<WebState>, headers: HeaderMap) -> Result<Response, Problem> {
    let who = reader(&s, &headers).await?;
    let all = s
        .app
        .list_accounts(&who)
        .await
        .map_err(|e: AppError| Problem::from(e))?;
    Ok(Json(all).into_response())
}

#[cfg(test)]
mod tests {
    use super::is_json_media_type;

    #[test]
    fn only_application_json_is_taken_for_json() {
        assert!(is_json_media_type("application/json"));
        assert!(is_json_media_type("application/json; charset=utf-8"));
        assert!(is_json_media_type("Application/JSON"));
        assert!(!is_json_media_type("application/jsonfoo"));
        assert!(!is_json_media_type("text/plain"));
    }
}
