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

    /// The query string is malformed or names an unknown parameter.
    pub fn invalid_query(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "Invalid query",
            detail,
        )
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

/// Every stable problem code the API answers, with its HTTP status and title. The OpenAPI
/// document lists each operation's codes from here.
pub(crate) const CODES: &[(&str, StatusCode, &str)] = &[
    ("invalid_query", StatusCode::BAD_REQUEST, "Invalid query"),
    (
        "unreadable_body",
        StatusCode::BAD_REQUEST,
        "Unreadable body",
    ),
    (
        "bad_credentials",
        StatusCode::UNAUTHORIZED,
        "Bad credentials",
    ),
    ("not_signed_in", StatusCode::UNAUTHORIZED, "Not signed in"),
    ("forbidden", StatusCode::FORBIDDEN, "Forbidden"),
    (
        "csrf_token_missing",
        StatusCode::FORBIDDEN,
        "CSRF token missing or wrong",
    ),
    ("not_found", StatusCode::NOT_FOUND, "Not found"),
    ("no_such_route", StatusCode::NOT_FOUND, "No such route"),
    ("already_exists", StatusCode::CONFLICT, "Already exists"),
    (
        "payload_too_large",
        StatusCode::PAYLOAD_TOO_LARGE,
        "Payload too large",
    ),
    (
        "unsupported_media_type",
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "Unsupported media type",
    ),
    (
        "unsupported_file_type",
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "Unsupported file type",
    ),
    (
        "invalid_field",
        StatusCode::UNPROCESSABLE_ENTITY,
        "Invalid input",
    ),
    (
        "invalid_json",
        StatusCode::UNPROCESSABLE_ENTITY,
        "Invalid input",
    ),
    (
        "too_many_sign_ins",
        StatusCode::TOO_MANY_REQUESTS,
        "Too many failed sign-ins",
    ),
    (
        "too_many_requests",
        StatusCode::TOO_MANY_REQUESTS,
        "Too many requests",
    ),
    (
        "corrupt_state",
        StatusCode::INTERNAL_SERVER_ERROR,
        "Corrupt state",
    ),
    (
        "internal",
        StatusCode::INTERNAL_SERVER_ERROR,
        "Internal error",
    ),
    (
        "store_unavailable",
        StatusCode::SERVICE_UNAVAILABLE,
        "Storage unavailable",
    ),
];

/// The HTTP status of a stable code.
pub(crate) fn status_of(code: &str) -> Option<StatusCode> {
    CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, s, _)| *s)
}

/// The title of a stable code.
pub(crate) fn title_of(code: &str) -> &'static str {
    CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or("", |(_, _, t)| t)
}

/// The JSON Schema of a problem detail.
pub(crate) fn schema() -> serde_json::Value {
    let codes: Vec<&str> = CODES.iter().map(|(c, _, _)| *c).collect();
    serde_json::json!({
        "type": "object",
        "description": "An RFC 9457 problem detail (application/problem+json).",
        "required": ["type", "title", "status", "detail", "code"],
        "properties": {
            "type": { "type": "string", "description": "urn:plenary:problem:<code>" },
            "title": { "type": "string" },
            "status": { "type": "integer" },
            "detail": { "type": "string", "description": "What went wrong, naming the field and the rule." },
            "code": { "type": "string", "enum": codes, "description": "The stable machine code." },
            "field": { "type": "string", "description": "The field or parameter at fault." },
        },
    })
}

impl From<axum::extract::rejection::BytesRejection> for Problem {
    fn from(e: axum::extract::rejection::BytesRejection) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "Payload too large",
                format!(
                    "the body is over the limit of {} bytes",
                    crate::MAX_BODY_BYTES
                ),
            )
        } else {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "unreadable_body",
                "Unreadable body",
                e.body_text(),
            )
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_domain_refusal_answers_a_listed_code_with_its_listed_status() {
        let refusals = [
            DomainError::invalid("f", "r"),
            DomainError::NotFound {
                kind: "k".into(),
                id: "i".into(),
            },
            DomainError::AlreadyExists {
                kind: "k".into(),
                id: "i".into(),
            },
            DomainError::Forbidden { reason: "r".into() },
            DomainError::CorruptState {
                kind: "k".into(),
                id: "i".into(),
                detail: "d".into(),
            },
        ];
        for e in refusals {
            let p = Problem::from(e);
            assert_eq!(
                status_of(p.code).map(|s| s.as_u16()),
                Some(p.status),
                "{}",
                p.code
            );
        }
    }
}
