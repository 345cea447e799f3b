//! `Idempotency-Key` on requests that move money or seats: the same key and body return the
//! first answer again and never act twice; the same key with another body is refused (422); a
//! retry while the first is still running gets 409. Keys are kept 24 hours.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use chrono::Duration;
use praxis_domain::FieldError;
use praxis_openapi::PROBLEM_JSON;
use praxis_persistence::idempotency::{self, IdempotencyRow};
use praxis_persistence::to_db_time;
use sha2::{Digest, Sha256};
use std::future::Future;

pub const HEADER: &str = "Idempotency-Key";
pub const RETENTION_HOURS: i64 = 24;

fn key_of(req: &HttpRequest) -> ApiResult<Option<String>> {
    let Some(value) = req.headers().get(HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default().trim();
    if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(ApiError::Validation(vec![FieldError::new(
            HEADER,
            "must be 1 to 255 visible ASCII characters",
        )]));
    }
    Ok(Some(key.to_owned()))
}

enum Claim {
    New,
    Replay(u16, String),
}

/// Runs `action` at most once per (member, endpoint, key).
pub async fn once<F, Fut>(
    state: &AppState,
    req: &HttpRequest,
    user_id: &str,
    endpoint: &'static str,
    body: &[u8],
    action: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = ApiResult<(StatusCode, serde_json::Value)>>,
{
    let Some(key) = key_of(req)? else {
        let (status, value) = action().await?;
        return Ok(HttpResponse::build(status).json(value));
    };
    let hash = hex::encode(Sha256::digest(body));
    let now = state.now();
    let (user, k, h) = (user_id.to_owned(), key.clone(), hash.clone());
    let claim = state
        .db_write(move |conn| {
            if let Some(existing) = idempotency::find(conn, &user, endpoint, &k)? {
                if existing.created_at < to_db_time(now - Duration::hours(RETENTION_HOURS)) {
                    idempotency::release(conn, &user, endpoint, &k)?;
                } else if existing.request_hash != h {
                    return Err(ApiError::Validation(vec![FieldError::new(
                        HEADER,
                        "this key was used with a different request body",
                    )]));
                } else {
                    return match (existing.status_code, existing.response_body) {
                        (Some(status), Some(body)) => {
                            Ok(Claim::Replay(u16::try_from(status).unwrap_or(500), body))
                        }
                        _ => Err(ApiError::Conflict {
                            kind: "idempotency-key-in-use",
                            detail:
                                "A request with this key is still being processed; retry shortly."
                                    .into(),
                        }),
                    };
                }
            }
            let claimed = idempotency::claim(
                conn,
                &IdempotencyRow {
                    user_id: user,
                    endpoint: endpoint.to_owned(),
                    idempotency_key: k,
                    request_hash: h,
                    status_code: None,
                    response_body: None,
                    created_at: to_db_time(now),
                },
            );
            match claimed {
                Err(praxis_persistence::Error::UniqueViolation(_)) => Err(ApiError::Conflict {
                    kind: "idempotency-key-in-use",
                    detail: "A request with this key is still being processed; retry shortly."
                        .into(),
                }),
                other => other.map(|()| Claim::New).map_err(ApiError::from),
            }
        })
        .await?;
    if let Claim::Replay(status, body) = claim {
        return Ok(stored_response(status, body));
    }

    let result = action().await;
    let (status, body) = match &result {
        Ok((status, value)) => (status.as_u16(), value.to_string()),
        Err(error) => {
            let status = actix_web::ResponseError::status_code(error);
            if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
                // Nothing was decided: let the client retry with the same key.
                let (user, k) = (user_id.to_owned(), key.clone());
                let _ = state
                    .db_write(move |conn| Ok(idempotency::release(conn, &user, endpoint, &k)?))
                    .await;
                return result.map(|_| HttpResponse::InternalServerError().finish());
            }
            (
                status.as_u16(),
                serde_json::to_string(&error.problem()).unwrap_or_default(),
            )
        }
    };
    let (user, k, stored) = (user_id.to_owned(), key, body.clone());
    state
        .db_write(move |conn| {
            Ok(idempotency::complete(
                conn,
                &user,
                endpoint,
                &k,
                i32::from(status),
                &stored,
            )?)
        })
        .await?;
    match result {
        Ok((status, value)) => Ok(HttpResponse::build(status).json(value)),
        Err(error) => Err(error),
    }
}

fn stored_response(status: u16, body: String) -> HttpResponse {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        PROBLEM_JSON
    };
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header(("Idempotent-Replayed", "true"))
        .body(body)
}
