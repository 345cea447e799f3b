//! Idempotency keys: the first answer to a keyed request, replayed for its retries, and the
//! claim (attempt and lease) of the request still running under a key.

use crate::error::Result;
use crate::schema::idempotency_keys as k;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = k)]
pub struct IdempotencyRow {
    pub user_id: String,
    /// The scope: method and concrete path (`POST /api/v1/admin/refund-requests/…/decision`).
    pub endpoint: String,
    pub idempotency_key: String,
    pub request_hash: String,
    pub status_code: Option<i32>,
    pub response_body: Option<String>,
    pub created_at: NaiveDateTime,
    /// The attempt holding an unanswered claim.
    pub attempt_id: Option<String>,
    /// Until when that attempt holds it; after that a retry may take it over.
    pub locked_until: Option<NaiveDateTime>,
    /// What the attempt had committed before it was cut off, for the retry to finish.
    pub resource_id: Option<String>,
}

/// One key: whose, in which scope (method and concrete path), and the client's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyId {
    pub user_id: String,
    pub endpoint: String,
    pub key: String,
}

type ByKey<'a> = diesel::dsl::Find<k::table, (&'a str, &'a str, &'a str)>;

fn by_key(id: &KeyId) -> ByKey<'_> {
    k::table.find((id.user_id.as_str(), id.endpoint.as_str(), id.key.as_str()))
}

/// The claim while `attempt` holds it unanswered.
fn held<'a>(
    id: &'a KeyId,
    attempt: &'a str,
) -> diesel::dsl::Filter<
    diesel::dsl::Filter<ByKey<'a>, diesel::dsl::Eq<k::attempt_id, &'a str>>,
    diesel::dsl::IsNull<k::status_code>,
> {
    by_key(id)
        .filter(k::attempt_id.eq(attempt))
        .filter(k::status_code.is_null())
}

pub fn find(conn: &mut DbConnection, id: &KeyId) -> Result<Option<IdempotencyRow>> {
    Ok(by_key(id)
        .select(IdempotencyRow::as_select())
        .first(conn)
        .optional()?)
}

/// Claims a key; a concurrent claim of the same key fails with a unique violation.
pub fn claim(conn: &mut DbConnection, row: &IdempotencyRow) -> Result<()> {
    diesel::insert_into(k::table).values(row).execute(conn)?;
    Ok(())
}

/// Hands an unanswered claim whose lease has passed to `attempt`; false when it is answered or
/// still leased (another retry took it over first).
pub fn take_over(
    conn: &mut DbConnection,
    id: &KeyId,
    attempt: &str,
    now: NaiveDateTime,
    locked_until: NaiveDateTime,
) -> Result<bool> {
    let target = by_key(id)
        .filter(k::status_code.is_null())
        .filter(k::locked_until.is_null().or(k::locked_until.le(now)));
    let changed = diesel::update(target)
        .set((k::attempt_id.eq(attempt), k::locked_until.eq(locked_until)))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Extends the lease of `attempt`'s claim; false when the claim is no longer its own.
pub fn renew(
    conn: &mut DbConnection,
    id: &KeyId,
    attempt: &str,
    locked_until: NaiveDateTime,
) -> Result<bool> {
    let changed = diesel::update(held(id, attempt))
        .set(k::locked_until.eq(locked_until))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Notes what `attempt` committed, in the same transaction as that effect; false when the claim
/// is no longer its own (the effect must then roll back).
pub fn record(conn: &mut DbConnection, id: &KeyId, attempt: &str, resource: &str) -> Result<bool> {
    let changed = diesel::update(held(id, attempt))
        .set(k::resource_id.eq(resource))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Stores the answer of `attempt`; a claim taken over by another attempt is left to it.
pub fn complete(
    conn: &mut DbConnection,
    id: &KeyId,
    attempt: &str,
    status: i32,
    body: &str,
) -> Result<()> {
    diesel::update(held(id, attempt))
        .set((
            k::status_code.eq(status),
            k::response_body.eq(body),
            k::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Lets `attempt`'s unanswered claim go at once: the next retry takes it over, and finishes
/// whatever the attempt had recorded as committed.
pub fn release(
    conn: &mut DbConnection,
    id: &KeyId,
    attempt: &str,
    now: NaiveDateTime,
) -> Result<()> {
    diesel::update(held(id, attempt))
        .set(k::locked_until.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Drops a key whatever its state (one past its retention).
pub fn forget(conn: &mut DbConnection, id: &KeyId) -> Result<()> {
    diesel::delete(by_key(id)).execute(conn)?;
    Ok(())
}

/// Forgets keys created before `cutoff` (they are kept 24 hours).
pub fn forget_before(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize> {
    Ok(diesel::delete(k::table.filter(k::created_at.lt(cutoff))).execute(conn)?)
}
