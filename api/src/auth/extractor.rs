//! The authenticated caller, taken from `Authorization: Bearer <access token>`.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use std::future::{ready, Ready};

/// A caller whose access token is valid. What they may do is derived per request from the
/// database (roles, subscriptions), never from the token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    /// The session generation the token was issued under (checked against the account's).
    pub generation: i64,
}

/// A caller if a valid token was sent; a visitor if no `Authorization` header was sent at all.
/// A header with a bad token is still refused, so a client learns its token is wrong.
#[derive(Debug, Clone)]
pub struct OptionalCaller(pub Option<Caller>);

/// The token of an `Authorization: Bearer` header: `None` without the header.
pub(crate) fn bearer(req: &HttpRequest) -> Option<Result<&str, ApiError>> {
    let header = req.headers().get(actix_web::http::header::AUTHORIZATION)?;
    Some(
        header
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "invalid-token",
                    "The Authorization header must be `Bearer <access token>`.",
                )
            }),
    )
}

fn authenticate(req: &HttpRequest, token: &str) -> Result<Caller, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("application state missing"))?;
    state
        .jwt
        .verify_session(token, state.now())
        .map(|(user_id, generation)| Caller {
            user_id,
            generation,
        })
        .ok_or_else(|| {
            ApiError::unauthorized(
                "invalid-token",
                "The access token is invalid or has expired; refresh it or log in again.",
            )
        })
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match bearer(req) {
            None => Err(ApiError::unauthorized(
                "authentication-required",
                "This endpoint needs `Authorization: Bearer <access token>`.",
            )),
            Some(Err(e)) => Err(e),
            Some(Ok(token)) => authenticate(req, token),
        })
    }
}

impl FromRequest for OptionalCaller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match bearer(req) {
            None => Ok(OptionalCaller(None)),
            Some(Err(e)) => Err(e),
            Some(Ok(token)) => authenticate(req, token).map(|c| OptionalCaller(Some(c))),
        })
    }
}
