//! Conditional GETs for cacheable public reads: a strong ETag over the body, and 304 when the
//! client already holds it.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Whether the request's `If-None-Match` names `etag` (or `*`).
pub fn client_holds(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == "*" || t == etag)
        })
}

/// The strong ETag of a body: the first 16 bytes of its SHA-256, quoted.
pub fn of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

pub fn json_with_etag<T: Serialize>(req: &HttpRequest, value: &T) -> HttpResponse {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let etag = of(&body);
    let matches = client_holds(req, &etag);
    let mut response = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        // Shared caches may keep it, but must ask again each time: seats change.
        .insert_header((header::CACHE_CONTROL, "public, no-cache"));
    if matches {
        response.finish()
    } else {
        response.content_type("application/json").body(body)
    }
}
