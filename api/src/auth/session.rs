//! The token pair a session answers with: the refresh token from `praxis_app::sessions` and an
//! access token signed here (JWTs are how HTTP callers prove who they are).

use crate::auth::jwt::{JwtKeys, ACCESS_TOKEN_SECONDS};
use crate::error::{ApiError, ApiResult};
use chrono::{DateTime, Utc};
use praxis_app::sessions::Grant;

pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
}

/// Signs the access token that goes with a new refresh token.
pub fn pair(jwt: &JwtKeys, grant: Grant, now: DateTime<Utc>) -> ApiResult<TokenPair> {
    Ok(TokenPair {
        access_token: jwt
            .issue(grant.user.as_str(), grant.generation, now)
            .map_err(ApiError::internal)?,
        refresh_token: grant.refresh_token,
        expires_in: ACCESS_TOKEN_SECONDS,
    })
}
