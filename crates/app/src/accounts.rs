//! Accounts and sign-in: argon2id password hashes, database-backed sessions with a CSRF
//! token each, API tokens, and a limit on failed sign-ins. Accounts are not on the public
//! record; only hashes of secrets are stored.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use plenary_domain::DomainError;
use plenary_domain::access::{Actor, Role};
use plenary_domain::event::Timestamp;
use plenary_store::{AccountRecord, ApiTokenRecord, SessionRecord};
use sha2::{Digest, Sha256};

use crate::{App, AppError, Result};

/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted, in bytes (argon2 input stays bounded). A sign-in with a
/// longer one is refused before any lookup, the same for every username.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Longest username accepted, in bytes; a sign-in with a longer one is refused before any
/// lookup.
pub const MAX_USERNAME_BYTES: usize = 64;
/// Failed sign-ins allowed per username within [`LOGIN_WINDOW_MINUTES`].
pub const MAX_LOGIN_FAILURES: i64 = 5;
/// The window of the sign-in limit.
pub const LOGIN_WINDOW_MINUTES: i64 = 15;
/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;
/// How long an API token lasts unless its holder asks for less or more.
pub const DEFAULT_TOKEN_DAYS: u32 = 90;
/// The longest life an API token may be given.
pub const MAX_TOKEN_DAYS: u32 = 366;
/// A token's last use is noted at most once per this many minutes (not a write per request).
const TOKEN_USE_RESOLUTION_MINUTES: i64 = 60;

/// An API token just issued: the secret is shown once, here only.
#[derive(Debug, Clone)]
pub struct IssuedApiToken {
    /// The secret, for `Authorization: Bearer`.
    pub token: String,
    /// What the holder sees of it afterwards.
    pub view: ApiTokenView,
}

/// An API token as its holder sees it in the list: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct ApiTokenView {
    /// Its id, to revoke it by.
    pub id: String,
    /// What it is for.
    pub label: String,
    /// When it was issued.
    pub created_at: String,
    /// When it stops working.
    pub expires_at: String,
    /// When it last identified a request, to the hour; absent if never.
    pub last_used_at: Option<String>,
}

impl From<ApiTokenRecord> for ApiTokenView {
    fn from(t: ApiTokenRecord) -> Self {
        Self {
            id: t.id,
            label: t.label,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
        }
    }
}

/// A new account's details.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Sign-in name: 3 to 64 lowercase letters, digits, `.`, `_` or `-`.
    pub username: String,
    /// The name shown.
    pub display_name: String,
    /// The password (at least [`MIN_PASSWORD_CHARS`] characters).
    pub password: String,
    /// Its roles.
    pub roles: Vec<Role>,
}

/// An account as shown to its holder and to the secretariat (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct AccountView {
    /// Its id.
    pub id: String,
    /// The sign-in name.
    pub username: String,
    /// The name shown.
    pub display_name: String,
    /// Its roles.
    pub roles: Vec<Role>,
}

/// A session just opened: the cookie token (shown once) and its CSRF token.
#[derive(Debug, Clone)]
pub struct OpenedSession {
    /// The secret for the session cookie.
    pub token: String,
    /// The token that unsafe requests must echo in `X-CSRF-Token`.
    pub csrf_token: String,
    /// Who signed in.
    pub account: AccountView,
}

/// Who a session belongs to, and its CSRF token.
#[derive(Debug, Clone)]
pub struct SessionActor {
    /// The actor.
    pub actor: Actor,
    /// The CSRF token of the session.
    pub csrf_token: String,
}

fn random_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| {
        AppError::Store(plenary_store::StoreError::Unavailable(format!(
            "no randomness: {e}"
        )))
    })?;
    Ok(hex::encode(bytes))
}

fn sha256(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn now() -> Timestamp {
    Timestamp::new(time::OffsetDateTime::now_utc())
}

fn check_username(username: &str) -> std::result::Result<(), DomainError> {
    let ok = (3..=64).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "username",
            "use 3 to 64 lowercase letters, digits, '.', '_' or '-'",
        ))
    }
}

fn check_password(password: &str) -> std::result::Result<(), DomainError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(DomainError::invalid(
            "password",
            format!("must have at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(DomainError::invalid(
            "password",
            format!("must have at most {MAX_PASSWORD_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// The key failed sign-ins are counted under: bounded (a SHA-256), and the same for every
/// spelling of one name.
fn failure_key(username: &str) -> String {
    sha256(&username.trim().to_lowercase())
}

/// Refuses a sign-in whose username or password is longer than any account's could be,
/// before any lookup: the same answer, after the same work, whether the name exists or not.
fn check_sign_in_lengths(username: &str, password: &str) -> std::result::Result<(), DomainError> {
    if username.len() > MAX_USERNAME_BYTES {
        return Err(DomainError::invalid(
            "username",
            format!("must have at most {MAX_USERNAME_BYTES} bytes"),
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(DomainError::invalid(
            "password",
            format!("must have at most {MAX_PASSWORD_BYTES} bytes"),
        ));
    }
    Ok(())
}

fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| {
        AppError::Store(plenary_store::StoreError::Unavailable(format!(
            "no randomness: {e}"
        )))
    })?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| AppError::Store(plenary_store::StoreError::Unavailable(e.to_string())))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Store(plenary_store::StoreError::Unavailable(e.to_string())))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Checks a password off the async workers: argon2 takes tens of milliseconds of CPU, which
/// would otherwise hold up every request scheduled on the same thread.
async fn verify_password_blocking(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// A hash checked when the username is unknown, so that an unknown name takes as long as
/// a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not the password of anyone").unwrap_or_default())
}

fn parse_roles(texts: &[String]) -> Vec<Role> {
    texts
        .iter()
        .filter_map(|t| serde_json::from_str(t).ok())
        .collect()
}

fn actor_of(account: &AccountRecord, roles: Vec<Role>) -> Actor {
    Actor {
        id: account.username.clone(),
        roles,
    }
}

impl App {
    /// Creates an account. Only the secretariat may.
    ///
    /// # Errors
    /// Forbidden, a bad username or password (naming the field), or a taken username.
    pub async fn create_account(&self, by: &Actor, new: NewAccount) -> Result<AccountView> {
        if !by.is_secretariat() {
            return Err(DomainError::Forbidden {
                reason: format!(
                    "creating accounts requires the secretariat role, which '{}' does not hold",
                    by.id
                ),
            }
            .into());
        }
        check_username(&new.username)?;
        check_password(&new.password)?;
        if new.display_name.trim().is_empty() {
            return Err(DomainError::invalid("display_name", "must not be empty").into());
        }
        let record = AccountRecord {
            id: uuid_like()?,
            username: new.username.clone(),
            display_name: new.display_name.trim().to_owned(),
            password_hash: hash_password(&new.password)?,
            created_at: now().to_string(),
        };
        let roles: Vec<String> = new
            .roles
            .iter()
            .map(|r| serde_json::to_string(r).unwrap_or_default())
            .collect();
        self.store
            .accounts()
            .create_account(&record, &roles)
            .await?;
        Ok(AccountView {
            id: record.id,
            username: record.username,
            display_name: record.display_name,
            roles: new.roles,
        })
    }

    /// Every account (secretariat only).
    ///
    /// # Errors
    /// Forbidden, or a storage failure.
    pub async fn list_accounts(&self, by: &Actor) -> Result<Vec<AccountView>> {
        if !by.is_secretariat() {
            return Err(DomainError::Forbidden {
                reason: "listing accounts requires the secretariat role".into(),
            }
            .into());
        }
        let mut out = Vec::new();
        for a in self.store.accounts().accounts().await? {
            let roles = parse_roles(&self.store.accounts().roles(&a.id).await?);
            out.push(AccountView {
                id: a.id,
                username: a.username,
                display_name: a.display_name,
                roles,
            });
        }
        Ok(out)
    }

    /// Sets a new password (secretariat only) and ends the account's sessions and API
    /// tokens.
    ///
    /// # Errors
    /// Forbidden, unknown username, or a bad password.
    pub async fn reset_password(&self, by: &Actor, username: &str, password: &str) -> Result<()> {
        if !by.is_secretariat() {
            return Err(DomainError::Forbidden {
                reason: "resetting passwords requires the secretariat role".into(),
            }
            .into());
        }
        check_password(password)?;
        let account = self
            .store
            .accounts()
            .account_by_username(username)
            .await?
            .ok_or_else(|| DomainError::NotFound {
                kind: "account".into(),
                id: username.into(),
            })?;
        self.store
            .accounts()
            .set_password_hash(&account.id, &hash_password(password)?)
            .await?;
        self.store
            .accounts()
            .clear_login_failures(&failure_key(username))
            .await?;
        Ok(())
    }

    /// Signs in: checks the password, within the limit on failed attempts, and opens a
    /// session.
    ///
    /// # Errors
    /// [`SignInError::Field`] for a username or password longer than any account's
    /// (before any lookup, and storing nothing),
    /// [`SignInError::RateLimited`] after too many failures (even with the right password),
    /// [`SignInError::Invalid`] for a wrong name or password (the same for both).
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> std::result::Result<OpenedSession, SignInError> {
        check_sign_in_lengths(username, password).map_err(SignInError::Field)?;
        let store = self.store.accounts();
        let at = now();
        let since =
            Timestamp::new(at.get() - time::Duration::minutes(LOGIN_WINDOW_MINUTES)).to_string();
        let key = failure_key(username);
        let failures = store
            .login_failures_since(&key, &since)
            .await
            .map_err(SignInError::store)?;
        if failures >= MAX_LOGIN_FAILURES {
            return Err(SignInError::RateLimited {
                minutes: LOGIN_WINDOW_MINUTES,
            });
        }
        let account = store
            .account_by_username(username)
            .await
            .map_err(SignInError::store)?;
        // Known or not, the name costs one argon2 verification.
        let ok = match &account {
            Some(a) => verify_password_blocking(password, &a.password_hash).await,
            None => {
                verify_password_blocking(password, dummy_hash()).await;
                false
            }
        };
        let Some(account) = account.filter(|_| ok) else {
            store
                .record_login_failure(&key, &at.to_string(), &since)
                .await
                .map_err(SignInError::store)?;
            return Err(SignInError::Invalid);
        };
        store
            .clear_login_failures(&key)
            .await
            .map_err(SignInError::store)?;
        let token = random_token().map_err(SignInError::App)?;
        let csrf_token = random_token().map_err(SignInError::App)?;
        let expires = Timestamp::new(at.get() + time::Duration::hours(SESSION_HOURS));
        store
            .create_session(&SessionRecord {
                token_sha256: sha256(&token),
                account_id: account.id.clone(),
                csrf_token: csrf_token.clone(),
                created_at: at.to_string(),
                expires_at: expires.to_string(),
            })
            .await
            .map_err(SignInError::store)?;
        let roles = parse_roles(&store.roles(&account.id).await.map_err(SignInError::store)?);
        Ok(OpenedSession {
            token,
            csrf_token,
            account: AccountView {
                id: account.id,
                username: account.username,
                display_name: account.display_name,
                roles,
            },
        })
    }

    /// The actor of a session cookie token, if the session is open and unexpired.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn session_actor(&self, token: &str) -> Result<Option<SessionActor>> {
        let store = self.store.accounts();
        let Some(session) = store.session(&sha256(token)).await? else {
            return Ok(None);
        };
        if session.expires_at <= now().to_string() {
            store.delete_session(&session.token_sha256).await?;
            return Ok(None);
        }
        let Some(account) = store.account(&session.account_id).await? else {
            return Ok(None);
        };
        let roles = parse_roles(&store.roles(&account.id).await?);
        Ok(Some(SessionActor {
            actor: actor_of(&account, roles),
            csrf_token: session.csrf_token,
        }))
    }

    /// Ends a session.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn sign_out(&self, token: &str) -> Result<()> {
        Ok(self.store.accounts().delete_session(&sha256(token)).await?)
    }

    /// Issues an API token for the signed-in account (shown once), lasting
    /// `expires_in_days` ([`DEFAULT_TOKEN_DAYS`] if not given).
    ///
    /// # Errors
    /// Forbidden for anonymous, a bad label or life (naming the field), or a storage
    /// failure.
    pub async fn issue_api_token(
        &self,
        by: &Actor,
        label: &str,
        expires_in_days: Option<u32>,
    ) -> Result<IssuedApiToken> {
        let store = self.store.accounts();
        let account = self
            .own_account(by, "sign in to obtain an API token")
            .await?;
        if label.trim().is_empty() || label.len() > 200 {
            return Err(DomainError::invalid(
                "label",
                "give 1 to 200 characters saying what the token is for",
            )
            .into());
        }
        let days = expires_in_days.unwrap_or(DEFAULT_TOKEN_DAYS);
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(DomainError::invalid(
                "expires_in_days",
                format!("give 1 to {MAX_TOKEN_DAYS} days"),
            )
            .into());
        }
        let token = random_token()?;
        let at = now();
        let record = ApiTokenRecord {
            id: uuid_like()?,
            token_sha256: sha256(&token),
            account_id: account.id,
            label: label.trim().to_owned(),
            created_at: at.to_string(),
            expires_at: Timestamp::new(at.get() + time::Duration::days(i64::from(days)))
                .to_string(),
            last_used_at: None,
        };
        store.create_api_token(&record).await?;
        Ok(IssuedApiToken {
            token,
            view: record.into(),
        })
    }

    /// The API tokens of the signed-in account, newest first (expired ones too, until
    /// revoked), never their secrets.
    ///
    /// # Errors
    /// Forbidden for anonymous, or a storage failure.
    pub async fn list_api_tokens(&self, by: &Actor) -> Result<Vec<ApiTokenView>> {
        let account = self
            .own_account(by, "sign in to list your API tokens")
            .await?;
        let tokens = self.store.accounts().api_tokens(&account.id).await?;
        Ok(tokens.into_iter().map(ApiTokenView::from).collect())
    }

    /// Revokes one of the signed-in account's API tokens: it stops working at once.
    ///
    /// # Errors
    /// Forbidden for anonymous, not found if the account holds no token with that id (a
    /// token of another account included), or a storage failure.
    pub async fn revoke_api_token(&self, by: &Actor, id: &str) -> Result<()> {
        let account = self
            .own_account(by, "sign in to revoke your API tokens")
            .await?;
        if self
            .store
            .accounts()
            .delete_api_token(&account.id, id)
            .await?
        {
            Ok(())
        } else {
            Err(DomainError::NotFound {
                kind: "API token".into(),
                id: id.into(),
            }
            .into())
        }
    }

    async fn own_account(&self, by: &Actor, reason: &str) -> Result<AccountRecord> {
        Ok(self
            .store
            .accounts()
            .account_by_username(&by.id)
            .await?
            .ok_or_else(|| DomainError::Forbidden {
                reason: reason.into(),
            })?)
    }

    /// The actor of an API token, if it is known and unexpired.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn token_actor(&self, token: &str) -> Result<Option<Actor>> {
        let store = self.store.accounts();
        let Some(t) = store.api_token(&sha256(token)).await? else {
            return Ok(None);
        };
        let at = now();
        if t.expires_at <= at.to_string() {
            return Ok(None);
        }
        let Some(account) = store.account(&t.account_id).await? else {
            return Ok(None);
        };
        let stale =
            Timestamp::new(at.get() - time::Duration::minutes(TOKEN_USE_RESOLUTION_MINUTES))
                .to_string();
        if t.last_used_at.as_ref().is_none_or(|used| *used < stale) {
            store.touch_api_token(&t.id, &at.to_string()).await?;
        }
        let roles = parse_roles(&store.roles(&account.id).await?);
        Ok(Some(actor_of(&account, roles)))
    }
}

fn uuid_like() -> Result<String> {
    Ok(random_token()?[..32].to_owned())
}

/// Why a sign-in failed.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// A username or password longer than any account's, refused before any lookup.
    #[error(transparent)]
    Field(DomainError),
    /// Wrong username or password (not saying which).
    #[error("the username or password is not right")]
    Invalid,
    /// Too many failures for this username.
    #[error("too many failed sign-ins; try again in {minutes} minutes")]
    RateLimited {
        /// The window.
        minutes: i64,
    },
    /// The store failed.
    #[error(transparent)]
    App(AppError),
}

impl SignInError {
    fn store(e: plenary_store::StoreError) -> Self {
        Self::App(e.into())
    }
}
