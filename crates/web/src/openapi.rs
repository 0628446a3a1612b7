//! The API's OpenAPI 3.1 description, generated from the code. Every route under `/api/v1`
//! is one [`Operation`] of one table ([`operations`]); the same table builds the router
//! ([`router`]) and the document ([`document`]), so the two cannot diverge. Schemas come
//! from the Rust types (`schemars`: JSON Schema 2020-12, the dialect OpenAPI 3.1 uses).

use std::sync::OnceLock;

use axum::Router;
use axum::handler::Handler;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::WebState;
use crate::problem::{self, Problem};

/// Where the API lives.
pub(crate) const PREFIX: &str = "/api/v1";

type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

fn schema_of<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

fn one_of<A: JsonSchema, B: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    let (a, b) = (g.subschema_for::<A>(), g.subschema_for::<B>());
    schemars::json_schema!({ "oneOf": [a, b] })
}

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Anyone; credentials, when given, shape what is seen.
    Read,
    /// A bearer token, or a session cookie with its CSRF token.
    Write,
    /// Nobody is signed in yet (signing in).
    SignIn,
}

/// A query parameter.
#[derive(Debug, Clone)]
struct Param {
    name: &'static str,
    description: String,
    schema: Value,
}

/// What a request or response carries.
#[derive(Debug, Clone, Copy)]
enum Content {
    /// JSON of a Rust type.
    Json(SchemaFn),
    /// A file of one of these media types.
    File(&'static [&'static str]),
}

impl Content {
    fn describe(self, g: &mut SchemaGenerator) -> Value {
        match self {
            Self::Json(schema) => json!({ "application/json": { "schema": schema(g) } }),
            Self::File(types) => types
                .iter()
                .map(|t| ((*t).to_owned(), json!({})))
                .collect::<Map<_, _>>()
                .into(),
        }
    }
}

/// One route of the API: how it is served and how it is described.
#[derive(Debug)]
pub(crate) struct Operation {
    method: Method,
    path: &'static str,
    service: MethodRouter<WebState>,
    id: &'static str,
    summary: &'static str,
    tag: &'static str,
    access: Access,
    query: Vec<Param>,
    body: Option<Content>,
    ok: (u16, &'static str, Option<Content>),
    paged: bool,
    problems: Vec<&'static str>,
}

macro_rules! constructor {
    ($name:ident, $method:ident) => {
        /// An operation served by `handler` (summary: what it does for the caller).
        pub(crate) fn $name<H, T>(
            path: &'static str,
            id: &'static str,
            summary: &'static str,
            handler: H,
        ) -> Self
        where
            H: Handler<T, WebState>,
            T: 'static,
        {
            Self::new(
                Method::$method,
                path,
                id,
                summary,
                axum::routing::$name(handler),
            )
        }
    };
}

impl Operation {
    fn new(
        method: Method,
        path: &'static str,
        id: &'static str,
        summary: &'static str,
        service: MethodRouter<WebState>,
    ) -> Self {
        Self {
            method,
            path,
            service,
            id,
            summary,
            tag: "record",
            access: Access::Read,
            query: Vec::new(),
            body: None,
            ok: (200, "OK", None),
            paged: false,
            problems: vec!["bad_credentials", "store_unavailable"],
        }
    }

    constructor!(get, GET);
    constructor!(post, POST);
    constructor!(delete, DELETE);

    /// The group it is listed under.
    pub(crate) fn tag(mut self, tag: &'static str) -> Self {
        self.tag = tag;
        self
    }

    /// A write: needs a bearer token, or a session cookie and its CSRF token.
    pub(crate) fn writes(mut self) -> Self {
        self.access = Access::Write;
        self.problems.extend(["forbidden", "csrf_token_missing"]);
        self
    }

    /// Signing in: no credentials.
    pub(crate) fn signs_in(mut self) -> Self {
        self.access = Access::SignIn;
        self
    }

    /// Takes a JSON body of type `T`.
    pub(crate) fn json_body<T: JsonSchema>(mut self) -> Self {
        self.body = Some(Content::Json(schema_of::<T>));
        self.problems.extend([
            "unsupported_media_type",
            "invalid_json",
            "payload_too_large",
            "unreadable_body",
        ]);
        self
    }

    /// Answers `status` with a JSON body of type `T`.
    pub(crate) fn returns<T: JsonSchema>(mut self, status: u16, description: &'static str) -> Self {
        self.ok = (status, description, Some(Content::Json(schema_of::<T>)));
        self
    }

    /// Takes a file of one of `types` as the body, up to the configured file size limit
    /// (instead of the JSON body limit).
    pub(crate) fn file_body(mut self, types: &'static [&'static str]) -> Self {
        self.body = Some(Content::File(types));
        self.service = self
            .service
            .layer(axum::extract::DefaultBodyLimit::disable());
        self.problems.extend([
            "unsupported_file_type",
            "payload_too_large",
            "unreadable_body",
        ]);
        self
    }

    /// Answers a file of one of `types`.
    pub(crate) fn returns_file(
        mut self,
        types: &'static [&'static str],
        description: &'static str,
    ) -> Self {
        self.ok = (200, description, Some(Content::File(types)));
        self
    }

    /// Answers `status` without a body.
    pub(crate) fn returns_nothing(mut self, status: u16, description: &'static str) -> Self {
        self.ok = (status, description, None);
        self
    }

    /// Answers a page of a list of `T`: `limit` and `cursor` in the query, a `Link` to the
    /// next page.
    pub(crate) fn pages<T: JsonSchema>(mut self, description: &'static str) -> Self {
        self.ok = (200, description, Some(Content::Json(schema_of::<Vec<T>>)));
        self.paged = true;
        self.query.push(limit_param());
        self.query.push(Param {
            name: "cursor",
            description: "Where the page starts: the opaque value of the previous page's \
                          `next` link. Absent for the first page."
                .into(),
            schema: json!({ "type": "string" }),
        });
        self.problems.extend(["invalid_query", "invalid_field"]);
        self
    }

    /// Answers a page of the event log: `after` (a seq) and `limit` in the query.
    pub(crate) fn pages_the_log<T: JsonSchema>(mut self, description: &'static str) -> Self {
        self.ok = (200, description, Some(Content::Json(schema_of::<Vec<T>>)));
        self.paged = true;
        self.query.push(Param {
            name: "after",
            description: "The seq after which the page starts (0: from the first event).".into(),
            schema: json!({ "type": "integer", "minimum": 0, "default": 0 }),
        });
        self.query.push(limit_param());
        self.problems.extend(["invalid_query", "invalid_field"]);
        self
    }

    /// Takes a query parameter.
    pub(crate) fn query(
        mut self,
        name: &'static str,
        description: &'static str,
        schema: Value,
    ) -> Self {
        self.query.push(Param {
            name,
            description: description.into(),
            schema,
        });
        self
    }

    /// Answers `status` with JSON of type `A` or of type `B`.
    pub(crate) fn returns_one_of<A: JsonSchema, B: JsonSchema>(
        mut self,
        status: u16,
        description: &'static str,
    ) -> Self {
        self.ok = (status, description, Some(Content::Json(one_of::<A, B>)));
        self
    }

    /// Other problems it may answer, by stable code.
    pub(crate) fn problems(mut self, codes: &[&'static str]) -> Self {
        self.problems.extend_from_slice(codes);
        self
    }

    fn describe(&self, g: &mut SchemaGenerator) -> Value {
        let mut op = json!({
            "operationId": self.id,
            "summary": self.summary,
            "tags": [self.tag],
        });
        let mut parameters: Vec<Value> = path_params(self.path)
            .map(|name| {
                json!({
                    "name": name, "in": "path", "required": true,
                    "description": format!("The {name} of the item."),
                    "schema": plenary_domain::schema::id_schema(),
                })
            })
            .collect();
        parameters.extend(self.query.iter().map(|p| {
            json!({ "name": p.name, "in": "query", "required": false,
                    "description": p.description, "schema": p.schema })
        }));
        if !parameters.is_empty() {
            op["parameters"] = Value::Array(parameters);
        }
        if let Some(content) = self.body {
            op["requestBody"] = json!({ "required": true, "content": content.describe(g) });
        }
        let mut responses = Map::new();
        let (status, description, schema) = self.ok;
        let mut ok = json!({ "description": description });
        if let Some(content) = schema {
            ok["content"] = content.describe(g);
        }
        if self.paged {
            ok["headers"] = json!({ "Link": { "$ref": "#/components/headers/Link" } });
        }
        if self.method == Method::GET {
            let headers = ok
                .as_object_mut()
                .map(|o| o.entry("headers").or_insert_with(|| json!({})));
            if let Some(h) = headers {
                h["ETag"] = json!({ "$ref": "#/components/headers/ETag" });
            }
            responses.insert(
                "304".into(),
                json!({ "description": "Not modified: the If-None-Match tag is current." }),
            );
        }
        responses.insert(status.to_string(), ok);
        for (status, codes) in problem_groups(&self.problems) {
            responses.insert(status.to_string(), problem_response(status, &codes));
        }
        op["responses"] = Value::Object(responses);
        op["security"] = match self.access {
            Access::Read => json!([{}, { "bearer": [] }, { "session": [] }]),
            Access::Write => json!([{ "bearer": [] }, { "session": [], "csrf": [] }]),
            Access::SignIn => json!([{}]),
        };
        op
    }
}

fn limit_param() -> Param {
    Param {
        name: "limit",
        description: format!(
            "How many items a page holds (default {}, at most {}).",
            crate::api::DEFAULT_PAGE,
            crate::api::MAX_PAGE
        ),
        schema: json!({
            "type": "integer", "minimum": 1,
            "maximum": crate::api::MAX_PAGE, "default": crate::api::DEFAULT_PAGE,
        }),
    }
}

/// The `{name}` segments of a path.
fn path_params(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
}

/// The codes grouped by their HTTP status, in status order, each list in code order.
fn problem_groups(codes: &[&'static str]) -> Vec<(u16, Vec<&'static str>)> {
    let mut groups: std::collections::BTreeMap<u16, Vec<&'static str>> = Default::default();
    for code in codes {
        let status = problem::status_of(code).map_or(500, |s| s.as_u16());
        let list = groups.entry(status).or_default();
        if !list.contains(code) {
            list.push(code);
        }
    }
    groups
        .into_iter()
        .map(|(s, mut l)| {
            l.sort_unstable();
            (s, l)
        })
        .collect()
}

fn problem_response(status: u16, codes: &[&str]) -> Value {
    let titles: Vec<String> = codes
        .iter()
        .map(|c| format!("`{c}`: {}", problem::title_of(c)))
        .collect();
    json!({
        "description": titles.join("; "),
        "content": { "application/problem+json": { "schema": {
            "allOf": [
                { "$ref": "#/components/schemas/Problem" },
                { "properties": {
                    "status": { "const": status },
                    "code": { "enum": codes },
                } },
            ],
        } } },
    })
}

/// Every operation of the API, in the order the document lists them.
pub(crate) fn operations() -> Vec<Operation> {
    let mut all = crate::api::operations();
    all.extend(crate::negotiation::operations());
    all.extend(crate::session::operations());
    all.extend(crate::search::operations());
    all
}

/// The router of `/api/v1`, from the table.
pub(crate) fn router() -> Router<WebState> {
    operations()
        .into_iter()
        .fold(Router::new(), |r, op| r.route(op.path, op.service))
        .fallback(no_such_route)
}

async fn no_such_route() -> Problem {
    Problem::new(
        axum::http::StatusCode::NOT_FOUND,
        "no_such_route",
        "No such route",
        "the API has no such route: see /api/openapi.json",
    )
}

/// The OpenAPI 3.1 document of the API.
pub fn document() -> Value {
    let mut g = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator();
    let mut paths = Map::new();
    let mut tags: Vec<&str> = Vec::new();
    for op in operations() {
        let item = paths
            .entry(format!("{PREFIX}{}", op.path))
            .or_insert_with(|| json!({}));
        item[op.method.as_str().to_ascii_lowercase()] = op.describe(&mut g);
        if !tags.contains(&op.tag) {
            tags.push(op.tag);
        }
    }
    let mut schemas = g.take_definitions(true);
    schemas.insert("Problem".into(), problem::schema());
    json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Plenary API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The public record of intergovernmental conferences: every state \
                change is an event on a hash-chained log. Reads are open to anyone (restricted \
                content is withheld from readers without access); writes need a bearer token \
                or a session cookie with its CSRF token. Errors are RFC 9457 problem details \
                with a stable `code`.",
            "license": { "name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later" },
        },
        "tags": tags.iter().map(|t| json!({ "name": t })).collect::<Vec<_>>(),
        "paths": paths,
        "components": {
            "schemas": schemas,
            "headers": {
                "Link": {
                    "description": "RFC 8288: `<...>; rel=\"next\"` names the next page, \
                                    when there is one.",
                    "schema": { "type": "string" },
                },
                "ETag": {
                    "description": "The version of the response (the log's head, the day \
                                    and the reader); send it back in If-None-Match.",
                    "schema": { "type": "string" },
                },
            },
            "securitySchemes": {
                "bearer": {
                    "type": "http", "scheme": "bearer",
                    "description": "An API token (POST /api/v1/tokens) or the server's admin token.",
                },
                "session": {
                    "type": "apiKey", "in": "cookie", "name": crate::api::SESSION_COOKIE,
                    "description": "The session cookie set by POST /api/v1/session.",
                },
                "csrf": {
                    "type": "apiKey", "in": "header", "name": "X-CSRF-Token",
                    "description": "The session's CSRF token (returned at sign-in); unsafe \
                                    requests signed in by cookie must carry it.",
                },
            },
        },
    })
}

/// `GET /api/openapi.json`.
pub(crate) async fn serve() -> Response {
    static DOC: OnceLock<String> = OnceLock::new();
    let text = DOC.get_or_init(|| document().to_string());
    ([(header::CONTENT_TYPE, "application/json")], text.as_str()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_code_an_operation_names_has_a_status_and_title() {
        for op in operations() {
            for code in &op.problems {
                assert!(
                    problem::status_of(code).is_some(),
                    "{} names unknown code {code}",
                    op.id
                );
            }
        }
    }

    #[test]
    fn operation_ids_are_unique() {
        let mut ids: Vec<&str> = operations().iter().map(|o| o.id).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }
}
