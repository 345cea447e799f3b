//! Sessions: an access token plus a refresh token of a family. Each refresh rotates the
//! refresh token; presenting one that was already used revokes the whole family, because only a
//! thief (or a client that lost a response) would do that.

use crate::auth::jwt::{JwtKeys, ACCESS_TOKEN_SECONDS};
use crate::auth::tokens;
use crate::error::{ApiError, ApiResult};
use chrono::{DateTime, Duration, Utc};
use praxis_persistence::tokens::{self as repo, RefreshTokenRow};
use praxis_persistence::{to_db_time, DbConnection};

pub const REFRESH_TOKEN_DAYS: i64 = 30;

pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
}

/// Starts a new family (at login) or continues one (at refresh).
pub fn issue(
    conn: &mut DbConnection,
    jwt: &JwtKeys,
    user_id: &str,
    family_id: Option<&str>,
    now: DateTime<Utc>,
) -> ApiResult<TokenPair> {
    let refresh_token = tokens::generate();
    let family = family_id
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    repo::insert(
        conn,
        &RefreshTokenRow {
            id: uuid::Uuid::now_v7().to_string(),
            family_id: family,
            user_id: user_id.to_owned(),
            token_hash: tokens::hash(&refresh_token),
            issued_at: to_db_time(now),
            expires_at: to_db_time(now + Duration::days(REFRESH_TOKEN_DAYS)),
            used_at: None,
            revoked_at: None,
        },
    )?;
    let access_token = jwt.issue(user_id, now).map_err(ApiError::internal)?;
    Ok(TokenPair {
        access_token,
        refresh_token,
        expires_in: ACCESS_TOKEN_SECONDS,
    })
}

fn invalid() -> ApiError {
    ApiError::unauthorized(
        "invalid-refresh-token",
        "The refresh token is invalid, expired or revoked; log in again.",
    )
}

pub enum Rotation {
    Rotated(TokenPair),
    /// The token had been used before: its family is now revoked. The revocation must be
    /// committed even though the request fails, so it is returned rather than raised.
    Reused,
}

/// Exchanges a refresh token for a new pair. Run in a write transaction.
pub fn rotate(
    conn: &mut DbConnection,
    jwt: &JwtKeys,
    presented: &str,
    now: DateTime<Utc>,
) -> ApiResult<Rotation> {
    let at = to_db_time(now);
    let row = repo::find_by_hash(conn, &tokens::hash(presented))?.ok_or_else(invalid)?;
    if row.revoked_at.is_some() || row.expires_at <= at {
        return Err(invalid());
    }
    if row.used_at.is_some() || !repo::claim(conn, &row.id, at)? {
        repo::revoke_family(conn, &row.family_id, at)?;
        tracing::warn!(family = %row.family_id, "refresh token reused; family revoked");
        return Ok(Rotation::Reused);
    }
    issue(conn, jwt, &row.user_id, Some(&row.family_id), now).map(Rotation::Rotated)
}

/// Logs out: revokes the family of the presented token. Unknown tokens change nothing.
pub fn revoke(conn: &mut DbConnection, presented: &str, now: DateTime<Utc>) -> ApiResult<()> {
    if let Some(row) = repo::find_by_hash(conn, &tokens::hash(presented))? {
        repo::revoke_family(conn, &row.family_id, to_db_time(now))?;
    }
    Ok(())
}
