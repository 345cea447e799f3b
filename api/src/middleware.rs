//! What every response gets: a request id, security headers, a problem body for any error
//! actix produced itself, a log line and metrics.

use crate::error::{problem_for_status, problem_response};
use crate::state::AppState;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};
use praxis_openapi::{PROBLEM_JSON, SWAGGER_CSP};
use std::time::Instant;
use tracing::Instrument;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being served, also sent back in `x-request-id`.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Accepts a caller's request id when it is short and plain, so ids can be traced across
/// services; otherwise makes one.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

fn add_security_headers(path: &str, headers: &mut actix_web::http::header::HeaderMap) {
    let csp = if path.starts_with("/swagger-ui") {
        SWAGGER_CSP
    } else {
        API_CSP
    };
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if let Ok(value) = HeaderValue::from_str(csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    // Tokens and personal data must not sit in shared caches; cacheable reads set their own.
    if path.starts_with("/api/v1") && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// An error status whose body is not already a problem (actix's own 404, 405, 413…) gets one.
fn ensure_problem_body(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return res;
    }
    let (req, old) = res.into_parts();
    let mut new = problem_response(&problem_for_status(status));
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(req, new)
}

pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let id = request_id(&req);
    req.extensions_mut().insert(RequestId(id.clone()));
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.metrics.clone());
    let span = tracing::info_span!("request", request_id = %id, method = %method, route = %route);

    // Handlers' errors arrive here as responses already; an `Err` would come only from a
    // middleware below, and actix renders it with its own `error_response`.
    let res = next.call(req).instrument(span.clone()).await?;
    let mut res = ensure_problem_body(res.map_into_boxed_body());
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    add_security_headers(&path, res.headers_mut());

    let status = res.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    if let Some(metrics) = metrics {
        metrics.observe(&method, &route, status, seconds);
    }
    span.in_scope(|| {
        if res.status().is_server_error() {
            tracing::error!(status, ms = seconds * 1000.0, path = %path, "request failed");
        } else {
            tracing::info!(status, ms = seconds * 1000.0, path = %path, "request");
        }
    });
    Ok(res)
}

/// A path whose percent-decoded text breaks the shared text rule (`/posts/%00`) names nothing
/// that exists, so it answers 404 before any handler hands it to the database, which would fail
/// on it (PostgreSQL refuses U+0000 in text).
pub async fn refuse_control_in_path(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let decoded = percent_decode(req.path());
    if praxis_domain::text::has_forbidden_control(&String::from_utf8_lossy(&decoded)) {
        let response =
            problem_response(&problem_for_status(actix_web::http::StatusCode::NOT_FOUND));
        return Ok(req.into_response(response));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

fn percent_decode(path: &str) -> Vec<u8> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}
