//! Idempotency keys: the first answer to a keyed request, replayed for its retries.

use crate::error::Result;
use crate::schema::idempotency_keys as k;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = k)]
pub struct IdempotencyRow {
    pub user_id: String,
    pub endpoint: String,
    pub idempotency_key: String,
    pub request_hash: String,
    pub status_code: Option<i32>,
    pub response_body: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn find(
    conn: &mut DbConnection,
    user_id: &str,
    endpoint: &str,
    key: &str,
) -> Result<Option<IdempotencyRow>> {
    Ok(k::table
        .find((user_id, endpoint, key))
        .select(IdempotencyRow::as_select())
        .first(conn)
        .optional()?)
}

/// Claims a key; a concurrent claim of the same key fails with a unique violation.
pub fn claim(conn: &mut DbConnection, row: &IdempotencyRow) -> Result<()> {
    diesel::insert_into(k::table).values(row).execute(conn)?;
    Ok(())
}

pub fn complete(
    conn: &mut DbConnection,
    user_id: &str,
    endpoint: &str,
    key: &str,
    status: i32,
    body: &str,
) -> Result<()> {
    diesel::update(k::table.find((user_id, endpoint, key)))
        .set((k::status_code.eq(status), k::response_body.eq(body)))
        .execute(conn)?;
    Ok(())
}

pub fn release(conn: &mut DbConnection, user_id: &str, endpoint: &str, key: &str) -> Result<()> {
    diesel::delete(k::table.find((user_id, endpoint, key))).execute(conn)?;
    Ok(())
}

/// Forgets keys created before `cutoff` (they are kept 24 hours).
pub fn forget_before(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize> {
    Ok(diesel::delete(k::table.filter(k::created_at.lt(cutoff))).execute(conn)?)
}
