//! Errors as RFC 9457 problem details (`application/problem+json`), one stable code each.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use plenary_app::AppError;
use plenary_domain::DomainError;
use serde::Serialize;

/// A problem detail: what went wrong, for people and for programs. Serialized with
/// `type` = `urn:plenary:problem:<code>`.
#[derive(Debug, Clone)]
pub struct Problem {
    /// A short summary of the kind of problem.
    pub title: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong this time, naming the field and the rule where there is one.
    pub detail: String,
    /// The stable machine code.
    pub code: &'static str,
    /// The field at fault, when there is one.
    pub field: Option<String>,
}

#[derive(Serialize)]
struct ProblemJson<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
    code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ProblemJson {
            kind: format!("urn:plenary:problem:{}", self.code),
            title: self.title,
            status: self.status,
            detail: &self.detail,
            code: self.code,
            field: self.field.as_deref(),
        }
        .serialize(s)
    }
}

impl Problem {
    /// A problem with a status, code, title and detail.
    pub fn new(
        status: StatusCode,
        code: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            title,
            status: status.as_u16(),
            detail: detail.into(),
            code,
            field: None,
        }
    }

    /// The resource does not exist (or is not visible to the reader).
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "Not found",
            format!("no {what}"),
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = (status, Json(self)).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        res
    }
}

impl From<DomainError> for Problem {
    fn from(e: DomainError) -> Self {
        let (status, title) = match &e {
            DomainError::InvalidField { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "Invalid input"),
            DomainError::NotFound { .. } => (StatusCode::NOT_FOUND, "Not found"),
            DomainError::AlreadyExists { .. } => (StatusCode::CONFLICT, "Already exists"),
            DomainError::Forbidden { .. } => (StatusCode::FORBIDDEN, "Forbidden"),
            DomainError::CorruptState { .. } => {
                (StatusCode::INTERNAL_SERVER_ERROR, "Corrupt state")
            }
            DomainError::MustRead { .. } => (StatusCode::INTERNAL_SERVER_ERROR, "Internal error"),
        };
        let mut p = Problem::new(status, e.code(), title, e.to_string());
        if let DomainError::InvalidField { field, .. } = &e {
            p.field = Some(field.clone());
        }
        p
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Domain(d) => d.into(),
            AppError::Store(s) => {
                tracing::error!(error = %s, "store failure");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store_unavailable",
                    "Storage unavailable",
                    "the store could not complete the request; nothing was written",
                )
            }
        }
    }
}
