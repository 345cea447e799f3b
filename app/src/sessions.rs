//! Sessions: a refresh token of a family, exchanged for a new one on each refresh. Presenting
//! one that was already used revokes the whole family, because only a thief (or a client that
//! lost a response) would do that. The access token that goes with each refresh token is signed
//! by the API; this module decides who gets one.

use crate::error::{Error, Result};
use crate::tokens;
use chrono::{DateTime, Duration, Utc};
use praxis_domain::ids::{TokenFamilyId, UserId};
use praxis_persistence::tokens::{self as repo, RefreshTokenRow};
use praxis_persistence::{to_db_time, DbConnection};

pub const REFRESH_TOKEN_DAYS: i64 = 30;

/// A new refresh token for `user`; the caller signs the access token that goes with it.
pub struct Grant {
    pub user: UserId,
    pub refresh_token: String,
    /// The account's session generation, carried by the access token issued with it.
    pub generation: i64,
}

/// Starts a new family (at login) or continues one (at refresh).
pub fn start(
    conn: &mut DbConnection,
    user: &UserId,
    family: Option<&TokenFamilyId>,
    now: DateTime<Utc>,
) -> Result<Grant> {
    let refresh_token = tokens::generate();
    let family = family.cloned().unwrap_or_else(TokenFamilyId::new);
    repo::insert(
        conn,
        &RefreshTokenRow {
            id: uuid::Uuid::now_v7().to_string(),
            family_id: family.into_inner(),
            user_id: user.as_str().to_owned(),
            token_hash: tokens::hash(&refresh_token),
            issued_at: to_db_time(now),
            expires_at: to_db_time(now + Duration::days(REFRESH_TOKEN_DAYS)),
            used_at: None,
            revoked_at: None,
        },
    )?;
    Ok(Grant {
        user: user.clone(),
        refresh_token,
        generation: praxis_persistence::users::session_generation(conn, user.as_str())?,
    })
}

fn invalid() -> Error {
    Error::unauthenticated(
        "invalid-refresh-token",
        "The refresh token is invalid, expired or revoked; log in again.",
    )
}

pub enum Rotation {
    Rotated(Grant),
    /// The token had been used before: its family is now revoked. The revocation must be
    /// committed even though the request fails, so it is returned rather than raised.
    Reused,
}

/// Exchanges a refresh token for a new one of the same family. Run in a write transaction.
pub fn rotate(conn: &mut DbConnection, presented: &str, now: DateTime<Utc>) -> Result<Rotation> {
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
    let user = UserId::from_trusted(row.user_id);
    let family = TokenFamilyId::from_trusted(row.family_id);
    start(conn, &user, Some(&family), now).map(Rotation::Rotated)
}

/// Logs out: revokes the family of the presented token. Unknown tokens change nothing.
pub fn revoke(conn: &mut DbConnection, presented: &str, now: DateTime<Utc>) -> Result<()> {
    if let Some(row) = repo::find_by_hash(conn, &tokens::hash(presented))? {
        repo::revoke_family(conn, &row.family_id, to_db_time(now))?;
    }
    Ok(())
}
