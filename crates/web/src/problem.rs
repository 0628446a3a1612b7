//! Errors as RFC 9457 problem details (`application/problem+json`), one stable code each.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use plenary_app::AppError;
use plenary_domain::DomainError;
use serde::Serialize;

/// A problem detail: what went wrong, for people and for programs.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:plenary:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong this time, naming the field and the rule where there is one.
    pub detail: String,
    /// The stable machine code.
    pub code: String,
    /// The field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Problem {
    /// A problem with a status, code, title and detail.
    pub fn new(status: StatusCode, code: &str, title: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("urn:plenary:problem:{code}"),
            title: title.into(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.into(),
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
