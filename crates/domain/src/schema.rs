//! JSON Schema (2020-12) of the domain's types, for the API's OpenAPI description. The
//! types derive `schemars::JsonSchema`; this module holds the few schemas no derive gives.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

/// The pattern every id matches (see [`crate::model::check_id`]).
pub const ID_PATTERN: &str = "^[a-z0-9][a-z0-9._-]{0,63}$";

/// The schema of an id: plain text of the shape [`crate::model::check_id`] accepts.
pub fn id_schema() -> Schema {
    json_schema!({
        "type": "string",
        "pattern": ID_PATTERN,
        "minLength": 1,
        "maxLength": 64,
    })
}

/// A calendar day as the API writes it: `YYYY-MM-DD` (RFC 3339 full-date).
#[derive(Debug)]
pub struct IsoDate;

impl JsonSchema for IsoDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IsoDate".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date" })
    }

    fn inline_schema() -> bool {
        true
    }
}

/// A point in time as the API writes it: RFC 3339 with its offset.
#[derive(Debug)]
pub struct IsoDateTime;

impl JsonSchema for IsoDateTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IsoDateTime".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date-time" })
    }

    fn inline_schema() -> bool {
        true
    }
}
