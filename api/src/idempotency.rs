//! `Idempotency-Key` on requests that move money or seats, as the IETF idempotency-key draft
//! (draft-ietf-httpapi-idempotency-key-header) describes it:
//!
//! - A key is scoped to the caller, the method and the concrete path
//!   (`POST /api/v1/admin/refund-requests/{this id}/decision`): the same key sent to another
//!   resource, or by another caller, is another key. Every keyed endpoint goes through this
//!   module, so the scope is decided here once.
//! - The same key, scope and body return the first answer again (`Idempotent-Replayed: true`)
//!   and never act twice; the same key and scope with another body is refused with 422; a retry
//!   while the first request is still running gets 409 `idempotency-key-in-use`.
//! - A 5xx or 429 answer is not kept: the key is let go, and a retry runs again (finishing
//!   what the failed run had committed, if anything).
//! - Keys are kept 24 hours.
//!
//! A request cut off by a crash never leaves its key stuck. Where the effect is local
//! ([`once_in_tx`]) the claim, the effect and the stored answer commit in one transaction: a
//! retry sees the answer or finds nothing and runs. Where the effect wraps a provider call
//! ([`once`]) the claim is held for a short lease (`PRAXIS_IDEMPOTENCY_LEASE_SECS`), renewed
//! while the request runs; once a dead request's lease has passed a retry takes the claim over,
//! and finishes what the dead one had committed ([`Attempt::resumed`]) rather than doing it again.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use praxis_domain::FieldError;
use praxis_openapi::PROBLEM_JSON;
use praxis_persistence::idempotency::{self, IdempotencyRow, KeyId};
use praxis_persistence::{to_db_time, DbConnection};
use sha2::{Digest, Sha256};
use std::future::Future;

pub const HEADER: &str = "Idempotency-Key";
pub const RETENTION_HOURS: i64 = 24;
const IN_USE: &str = "idempotency-key-in-use";

fn in_use() -> praxis_app::Error {
    praxis_app::Error::Conflict {
        kind: IN_USE,
        detail: "A request with this key is still being processed; retry shortly.".into(),
    }
}

/// A keyed request: its key in its scope, and the hash of its body.
struct Keyed {
    id: KeyId,
    hash: String,
}

fn keyed(req: &HttpRequest, user_id: &str, body: &[u8]) -> ApiResult<Option<Keyed>> {
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
    Ok(Some(Keyed {
        id: KeyId {
            user_id: user_id.to_owned(),
            endpoint: format!("{} {}", req.method(), req.path()),
            key: key.to_owned(),
        },
        hash: hex::encode(Sha256::digest(body)),
    }))
}

/// What an earlier request left under a key.
enum Found {
    Nothing,
    Answer(u16, String),
    /// A claim whose request died unanswered and whose lease has passed, with what that
    /// request had committed.
    Abandoned(Option<String>),
}

fn look_up(conn: &mut DbConnection, keyed: &Keyed, now: DateTime<Utc>) -> ApiResult<Found> {
    let Some(row) = idempotency::find(conn, &keyed.id)? else {
        return Ok(Found::Nothing);
    };
    if row.created_at < to_db_time(now - Duration::hours(RETENTION_HOURS)) {
        idempotency::forget(conn, &keyed.id)?;
        return Ok(Found::Nothing);
    }
    if row.request_hash != keyed.hash {
        return Err(ApiError::Validation(vec![FieldError::new(
            HEADER,
            "this key was used with a different request body",
        )]));
    }
    match (row.status_code, row.response_body, row.locked_until) {
        (Some(status), Some(body), _) => {
            Ok(Found::Answer(u16::try_from(status).unwrap_or(500), body))
        }
        (_, _, Some(until)) if until > to_db_time(now) => Err(in_use().into()),
        // No lease at all: a claim from before leases existed, as dead as an expired one.
        _ => Ok(Found::Abandoned(row.resource_id)),
    }
}

fn claim(
    conn: &mut DbConnection,
    keyed: &Keyed,
    attempt: &str,
    now: DateTime<Utc>,
    locked_until: Option<DateTime<Utc>>,
) -> ApiResult<()> {
    let row = IdempotencyRow {
        user_id: keyed.id.user_id.clone(),
        endpoint: keyed.id.endpoint.clone(),
        idempotency_key: keyed.id.key.clone(),
        request_hash: keyed.hash.clone(),
        status_code: None,
        response_body: None,
        created_at: to_db_time(now),
        attempt_id: Some(attempt.to_owned()),
        locked_until: locked_until.map(to_db_time),
        resource_id: None,
    };
    match idempotency::claim(conn, &row) {
        // Another request with this key committed its claim first.
        Err(praxis_persistence::Error::UniqueViolation(_)) => Err(in_use().into()),
        other => Ok(other?),
    }
}

/// Whether an error answer decided the request (and is replayed), or decided nothing and the
/// key is let go for a retry.
fn decided(error: &ApiError) -> bool {
    let status = actix_web::ResponseError::status_code(error);
    !(status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS)
}

fn stored(result: &Result<(StatusCode, serde_json::Value), ApiError>) -> (i32, String) {
    match result {
        Ok((status, value)) => (i32::from(status.as_u16()), value.to_string()),
        Err(error) => (
            i32::from(actix_web::ResponseError::status_code(error).as_u16()),
            serde_json::to_string(&error.problem()).unwrap_or_default(),
        ),
    }
}

/// One run of a keyed request that wraps a provider call (see [`once`]).
#[derive(Clone)]
pub struct Attempt {
    held: Option<(KeyId, String)>,
    resumed: Option<String>,
}

impl Attempt {
    /// What an earlier run of this request, cut off before answering, had committed (noted by
    /// [`Attempt::record`]): the work to finish instead of starting again.
    pub fn resumed(&self) -> Option<&str> {
        self.resumed.as_deref()
    }

    /// Notes, in the transaction of the effect, what the effect committed. Fails (rolling the
    /// effect back) when this run no longer holds the key, because a retry took it over.
    pub fn record(&self, conn: &mut DbConnection, resource: &str) -> praxis_app::Result<()> {
        match &self.held {
            Some((id, attempt)) if !idempotency::record(conn, id, attempt, resource)? => {
                Err(in_use())
            }
            _ => Ok(()),
        }
    }
}

/// Runs `action` at most once per key in its scope (caller, method and concrete path), for
/// actions that call the payment provider between their transactions. The claim is committed
/// first and leased; the lease is renewed while `action` runs, so only a request that died loses
/// its key, and the retry taking it over gets [`Attempt::resumed`].
pub async fn once<F, Fut>(
    state: &AppState,
    req: &HttpRequest,
    user_id: &str,
    body: &[u8],
    action: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce(Attempt) -> Fut,
    Fut: Future<Output = ApiResult<(StatusCode, serde_json::Value)>>,
{
    let Some(keyed) = keyed(req, user_id, body)? else {
        let unkeyed = Attempt {
            held: None,
            resumed: None,
        };
        let (status, value) = action(unkeyed).await?;
        return Ok(HttpResponse::build(status).json(value));
    };
    let attempt_id = uuid::Uuid::new_v4().to_string();
    let (now, lease) = (state.now(), lease(state));
    let (id, attempt) = (keyed.id.clone(), attempt_id.clone());
    let found = state
        .db_write(move |conn| match look_up(conn, &keyed, now)? {
            Found::Answer(status, body) => Ok(Err((status, body))),
            Found::Nothing => {
                claim(conn, &keyed, &attempt, now, Some(now + lease))?;
                Ok(Ok(None))
            }
            Found::Abandoned(resource) => {
                let until = to_db_time(now + lease);
                if idempotency::take_over(conn, &keyed.id, &attempt, to_db_time(now), until)? {
                    Ok(Ok(resource))
                } else {
                    Err(in_use().into())
                }
            }
        })
        .await?;
    let resumed = match found {
        Ok(resumed) => resumed,
        Err((status, body)) => return Ok(stored_response(status, body)),
    };
    let renewal = Renewal(actix_web::rt::spawn(renew(
        state.clone(),
        id.clone(),
        attempt_id.clone(),
    )));
    let result = action(Attempt {
        held: Some((id.clone(), attempt_id.clone())),
        resumed,
    })
    .await;
    drop(renewal);
    let settled = match &result {
        Err(error) if !decided(error) => {
            let now = to_db_time(state.now());
            state
                .db_write(move |conn| Ok(idempotency::release(conn, &id, &attempt_id, now)?))
                .await
        }
        _ => {
            let (status, body) = stored(&result);
            state
                .db_write(move |conn| {
                    Ok(idempotency::complete(
                        conn,
                        &id,
                        &attempt_id,
                        status,
                        &body,
                    )?)
                })
                .await
        }
    };
    if let Err(e) = settled {
        // The effect stands; the key's lease lapses and a retry finishes or replays it.
        tracing::warn!(error = %e, "idempotency key not settled");
    }
    let (status, value) = result?;
    Ok(HttpResponse::build(status).json(value))
}

/// Runs the local `effect` at most once per key in its scope (caller, method and concrete path),
/// with the claim, the effect and the stored answer in one write transaction: nothing of a
/// request cut off midway is left behind, so its retry simply runs.
pub async fn once_in_tx<F>(
    state: &AppState,
    req: &HttpRequest,
    user_id: &str,
    body: &[u8],
    effect: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce(&mut DbConnection) -> praxis_app::Result<(StatusCode, serde_json::Value)>
        + Send
        + 'static,
{
    let Some(keyed) = keyed(req, user_id, body)? else {
        let (status, value) = state.write(effect).await?;
        return Ok(HttpResponse::build(status).json(value));
    };
    let now = state.now();
    let answer = state
        .db_write(move |conn| {
            match look_up(conn, &keyed, now)? {
                Found::Answer(status, body) => return Ok(Err((status, body))),
                // A claim of this kind commits with its answer; an unanswered one was left by
                // code before leases and committed nothing with it.
                Found::Abandoned(_) => idempotency::forget(conn, &keyed.id)?,
                Found::Nothing => {}
            }
            let attempt = uuid::Uuid::new_v4().to_string();
            claim(conn, &keyed, &attempt, now, None)?;
            // A savepoint: a refusal undoes the effect's writes and keeps the claim to answer.
            let result = match praxis_persistence::savepoint(conn, effect).map_err(ApiError::from) {
                Err(error) if !decided(&error) => return Err(error),
                other => other,
            };
            let (status, body) = stored(&result);
            idempotency::complete(conn, &keyed.id, &attempt, status, &body)?;
            Ok(Ok(result))
        })
        .await?;
    let (status, value) = match answer {
        Ok(result) => result?,
        Err((status, body)) => return Ok(stored_response(status, body)),
    };
    Ok(HttpResponse::build(status).json(value))
}

fn lease(state: &AppState) -> Duration {
    Duration::from_std(state.config.idempotency_lease).unwrap_or(Duration::seconds(30))
}

/// The task renewing a lease, stopped when dropped: also when the request's future is dropped
/// midway (the client went away), so an abandoned claim lapses like a crashed one.
struct Renewal(tokio::task::JoinHandle<()>);

impl Drop for Renewal {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Keeps renewing the lease of a running attempt, every third of the lease, until it is aborted
/// or the claim is no longer the attempt's.
async fn renew(state: AppState, id: KeyId, attempt: String) {
    let every = state.config.idempotency_lease / 3;
    loop {
        tokio::time::sleep(every).await;
        let until = to_db_time(state.now() + lease(&state));
        let (id, attempt) = (id.clone(), attempt.clone());
        let renewed = state
            .db(move |conn| Ok(idempotency::renew(conn, &id, &attempt, until)?))
            .await;
        if !matches!(renewed, Ok(true)) {
            return;
        }
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
