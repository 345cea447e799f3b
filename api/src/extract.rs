//! Request extractors with problem-detail errors: JSON bodies (with the path of the field that
//! failed) and query strings.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use praxis_domain::text::{has_forbidden_control, FORBIDDEN_CONTROL_MESSAGE};
use praxis_domain::FieldError;
use serde::de::DeserializeOwned;

/// A JSON body, at most the configured size (64 KiB by default). Malformed JSON is a 400; JSON of
/// the wrong shape is a 422 naming the field; a body over the limit is a 413.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<AppState>>()
            .map(|s| s.config.body_limit_bytes)
            .unwrap_or(64 * 1024);
        let is_json =
            req.content_type() == "application/json" || req.content_type().ends_with("+json");
        let declared = req
            .headers()
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if declared.is_some_and(|n| n > limit) {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            if !is_json {
                return Err(ApiError::UnsupportedMediaType(
                    "Send the body as JSON with `Content-Type: application/json`.".to_owned(),
                ));
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| {
                    ApiError::BadRequest("The request body could not be read.".into())
                })?;
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge { limit });
                }
                body.extend_from_slice(&chunk);
            }
            parse_json(&body).map(Json)
        })
    }
}

pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    refuse_control_characters(body)?;
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_data() {
            ApiError::Validation(vec![field_error("", path, &inner)])
        } else {
            ApiError::BadRequest(format!(
                "The body is not valid JSON (line {}, column {}).",
                inner.line(),
                inner.column()
            ))
        }
    })?;
    deserializer.end().map_err(|_| {
        ApiError::BadRequest("The body has trailing characters after the JSON value.".into())
    })?;
    Ok(value)
}

/// A part of a body already parsed as JSON (`at` names it, such as `data`), read as `T` with
/// the same field errors as a whole body: the path under `at`, no Rust type names.
pub fn parse_json_value<T: DeserializeOwned>(
    value: serde_json::Value,
    at: &str,
) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        ApiError::Validation(vec![field_error(at, path, &err.into_inner())])
    })
}

/// The field a data error names (`items[0].count`, or the missing field's path) under `at`,
/// with serde's message stripped of positions and Rust type names.
fn field_error(at: &str, path: String, err: &serde_json::Error) -> FieldError {
    let path = if path == "." { String::new() } else { path };
    let field = match (path.is_empty(), missing_field(err)) {
        (true, Some(missing)) => missing,
        (false, Some(missing)) => format!("{path}.{missing}"),
        (_, None) => path,
    };
    let field = match (at.is_empty(), field.is_empty()) {
        (true, true) => "body".to_owned(),
        (true, false) => field,
        (false, true) => at.to_owned(),
        (false, false) if field.starts_with('[') => format!("{at}{field}"),
        (false, false) => format!("{at}.{field}"),
    };
    FieldError::new(field, describe(err))
}

/// JSON can carry a control character in a string only as a `\u` escape, so a body without one
/// is skipped cheaply; otherwise every string (and key) is checked against the shared text rule
/// and the first offender is a 422 naming its path, before any field is read.
fn refuse_control_characters(body: &[u8]) -> Result<(), ApiError> {
    if !body.windows(2).any(|w| w == b"\\u") {
        return Ok(());
    }
    // Malformed JSON is left to the typed parse, which reports it as a 400.
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Ok(());
    };
    match control_path(&value, String::new()) {
        None => Ok(()),
        Some(path) => Err(ApiError::Validation(vec![FieldError::new(
            if path.is_empty() {
                "body".to_owned()
            } else {
                path
            },
            FORBIDDEN_CONTROL_MESSAGE,
        )])),
    }
}

/// The path (`items[0].title`, as serde_path_to_error writes it) of the first string holding a
/// forbidden control character.
fn control_path(value: &serde_json::Value, path: String) -> Option<String> {
    match value {
        serde_json::Value::String(text) => has_forbidden_control(text).then_some(path),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| control_path(item, format!("{path}[{i}]"))),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let inner = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            if has_forbidden_control(key) {
                Some(inner)
            } else {
                control_path(item, inner)
            }
        }),
        _ => None,
    }
}

fn missing_field(err: &serde_json::Error) -> Option<String> {
    let message = err.to_string();
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next().map(str::to_owned)
}

/// serde's message without its position and without Rust type names.
fn describe(err: &serde_json::Error) -> String {
    let message = err.to_string();
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    if message.starts_with("missing field") {
        return "is required".to_owned();
    }
    let replacements = [
        ("expected struct ", "expected an object"),
        ("expected enum ", "expected one of the documented values"),
        ("expected u8", "expected a non-negative whole number"),
        ("expected u16", "expected a non-negative whole number"),
        ("expected u32", "expected a non-negative whole number"),
        ("expected u64", "expected a non-negative whole number"),
        ("expected usize", "expected a non-negative whole number"),
        ("expected i32", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
    ];
    for (needle, replacement) in replacements {
        if let Some(at) = message.find(needle) {
            return format!("{}{replacement}", &message[..at]);
        }
    }
    message
}

/// A query string; a value of the wrong shape is a 400 naming the parameter.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some(name) = control_parameter(req.query_string()) {
            return std::future::ready(Err(ApiError::Validation(vec![FieldError::new(
                name,
                FORBIDDEN_CONTROL_MESSAGE,
            )])));
        }
        std::future::ready(
            serde_urlencoded_from(req.query_string())
                .map(Query)
                .map_err(|message| ApiError::Validation(vec![FieldError::new("query", message)])),
        )
    }
}

/// The name of the first query parameter whose decoded name or value breaks the shared text rule.
fn control_parameter(query: &str) -> Option<String> {
    let pairs = serde_urlencoded_from::<Vec<(String, String)>>(query).ok()?;
    pairs
        .into_iter()
        .find(|(name, value)| has_forbidden_control(name) || has_forbidden_control(value))
        .map(|(name, _)| {
            if has_forbidden_control(&name) {
                "query".to_owned()
            } else {
                name
            }
        })
}

fn serde_urlencoded_from<T: DeserializeOwned>(query: &str) -> Result<T, String> {
    web::Query::<T>::from_query(query)
        .map(web::Query::into_inner)
        .map_err(|e| {
            let text = e.to_string();
            text.split(" at line ").next().unwrap_or(&text).to_owned()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        count: u32,
    }

    fn fields(result: Result<Body, ApiError>) -> Vec<(String, String)> {
        match result {
            Err(ApiError::Validation(errors)) => {
                errors.into_iter().map(|e| (e.field, e.message)).collect()
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn json_errors_name_the_field_without_rust_types() {
        let missing = fields(parse_json(br#"{"items": []}"#));
        assert_eq!(missing, vec![("name".to_owned(), "is required".to_owned())]);
        let nested = fields(parse_json(br#"{"name": "x", "items": [{"count": -1}]}"#));
        assert_eq!(nested[0].0, "items[0].count");
        assert!(!nested[0].1.contains("u32"), "{}", nested[0].1);
        let shape = fields(parse_json(br#"[1]"#));
        assert!(!shape[0].1.contains("Body"), "{}", shape[0].1);
    }

    #[test]
    fn json_strings_with_control_characters_are_refused_naming_the_field() {
        let nul = fields(parse_json(br#"{"name": "a\u0000b", "items": []}"#));
        assert_eq!(nul[0].0, "name");
        let nested = fields(parse_json(
            br#"{"name": "x", "items": [{"count": 1, "note": "\u001b"}]}"#,
        ));
        assert_eq!(nested[0].0, "items[0].note");
        assert!(parse_json::<Body>(br#"{"name": "line\nbreak\ttab\u00e9", "items": []}"#).is_ok());
    }

    #[test]
    fn query_parameters_with_control_characters_are_named() {
        assert_eq!(control_parameter("q=a%00b&limit=3"), Some("q".to_owned()));
        assert_eq!(control_parameter("q=plain%20text"), None);
    }

    #[test]
    fn json_value_errors_name_the_field_under_its_parent() {
        let value = serde_json::json!({"name": "x", "items": [{"count": "many"}]});
        let nested = fields(parse_json_value(value, "data"));
        assert_eq!(nested[0].0, "data.items[0].count");
        assert!(!nested[0].1.contains("u32"), "{}", nested[0].1);
        let missing = fields(parse_json_value(serde_json::json!({"items": []}), "data"));
        assert_eq!(
            missing[0],
            ("data.name".to_owned(), "is required".to_owned())
        );
        let shape = fields(parse_json_value(serde_json::json!(3), "data"));
        assert_eq!(shape[0].0, "data");
        assert!(!shape[0].1.contains("Body"), "{}", shape[0].1);
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        assert!(matches!(
            parse_json::<Body>(b"{\"name\": "),
            Err(ApiError::BadRequest(_))
        ));
    }
}

/// The `{id}` of a path, checked on the way in as the id type it names. Text that cannot be
/// such an id names nothing that exists, so it answers 404 exactly as an unknown id does.
#[derive(Debug, Clone)]
pub struct PathId<T>(pub T);

impl<T: praxis_domain::ids::Id + 'static> actix_web::FromRequest for PathId<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(
            req.match_info()
                .get("id")
                .and_then(|raw| T::parse(raw).ok())
                .map(PathId)
                .ok_or(ApiError::NotFound(T::what())),
        )
    }
}

impl<T> PathId<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// For `#[serde(default, deserialize_with = "nullable")]` on an `Option<Option<T>>` field of a
/// PATCH body: absent is `None` (unchanged), `null` is `Some(None)` (cleared), a value is
/// `Some(Some(value))`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}
