//! Refresh tokens: stored only as hashes, rotated on each use, revoked by family.

use crate::error::Result;
use crate::keyset::{self, Order};
use crate::schema::refresh_tokens;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: String,
    pub family_id: String,
    pub user_id: String,
    pub token_hash: String,
    pub issued_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &RefreshTokenRow) -> Result<()> {
    diesel::insert_into(refresh_tokens::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_by_hash(conn: &mut DbConnection, token_hash: &str) -> Result<Option<RefreshTokenRow>> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a token used if, and only if, it is still unused and unrevoked. Of two requests
/// presenting the same token at once exactly one gets `true`; the other is a reuse.
pub fn claim(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> Result<bool> {
    let updated = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(id))
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(at))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Revokes every token of a family: after a reuse, or at logout.
pub fn revoke_family(conn: &mut DbConnection, family_id: &str, at: NaiveDateTime) -> Result<usize> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(at))
    .execute(conn)?)
}

/// A live session: the current (unused, unrevoked, unexpired) refresh token of a family, with
/// when the family began.
#[derive(Debug, Clone)]
pub struct LiveSession {
    /// The current token's row id: the tie-breaker of the list's keyset.
    pub token_id: String,
    pub family_id: String,
    pub started_at: NaiveDateTime,
    pub last_refreshed_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// A page of the member's live sessions, most recently refreshed first, after the keyset cursor
/// `(issued_at, token id)`: two queries for the page (its rows, then when each family began).
pub fn live_sessions(
    conn: &mut DbConnection,
    user_id: &str,
    at: NaiveDateTime,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<LiveSession>> {
    let mut query = refresh_tokens::table
        .filter(refresh_tokens::user_id.eq(user_id))
        .filter(refresh_tokens::used_at.is_null())
        .filter(refresh_tokens::revoked_at.is_null())
        .filter(refresh_tokens::expires_at.gt(at))
        .order((refresh_tokens::issued_at.desc(), refresh_tokens::id.desc()))
        .select((
            refresh_tokens::id,
            refresh_tokens::family_id,
            refresh_tokens::issued_at,
            refresh_tokens::expires_at,
        ))
        .limit(limit)
        .into_boxed();
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Desc,
            refresh_tokens::issued_at,
            refresh_tokens::id,
            cursor,
        ));
    }
    let current: Vec<(String, String, NaiveDateTime, NaiveDateTime)> = query.load(conn)?;
    let families: Vec<&String> = current.iter().map(|(_, f, _, _)| f).collect();
    let starts: std::collections::HashMap<String, Option<NaiveDateTime>> = refresh_tokens::table
        .filter(refresh_tokens::user_id.eq(user_id))
        .filter(refresh_tokens::family_id.eq_any(families))
        .group_by(refresh_tokens::family_id)
        .select((
            refresh_tokens::family_id,
            diesel::dsl::min(refresh_tokens::issued_at),
        ))
        .load::<(String, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .collect();
    Ok(current
        .into_iter()
        .map(|(token_id, family_id, issued_at, expires_at)| LiveSession {
            started_at: starts
                .get(&family_id)
                .copied()
                .flatten()
                .unwrap_or(issued_at),
            token_id,
            family_id,
            last_refreshed_at: issued_at,
            expires_at,
        })
        .collect())
}

/// Revokes every refresh token of the member: "sign out everywhere", a password reset or change.
pub fn revoke_all_of(conn: &mut DbConnection, user_id: &str, at: NaiveDateTime) -> Result<usize> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(at))
    .execute(conn)?)
}
