//! The waitlist of a full plan: first come, first offered.

use crate::error::Result;
use crate::keyset::{self, Order};
use crate::schema::waitlist_entries;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = waitlist_entries)]
pub struct WaitlistRow {
    pub id: String,
    pub user_id: String,
    pub plan_slug: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub offered_at: Option<NaiveDateTime>,
    pub offer_expires_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &WaitlistRow) -> Result<()> {
    diesel::insert_into(waitlist_entries::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The member's open entry (waiting or offered) for a plan.
pub fn open_entry(
    conn: &mut DbConnection,
    user_id: &str,
    plan_slug: &str,
) -> Result<Option<WaitlistRow>> {
    Ok(waitlist_entries::table
        .filter(waitlist_entries::user_id.eq(user_id))
        .filter(waitlist_entries::plan_slug.eq(plan_slug))
        .filter(waitlist_entries::status.eq_any(["waiting", "offered"]))
        .select(WaitlistRow::as_select())
        .first(conn)
        .optional()?)
}

/// 1-based place in the queue of a waiting entry.
pub fn position(conn: &mut DbConnection, entry: &WaitlistRow) -> Result<i64> {
    let ahead: i64 = waitlist_entries::table
        .filter(waitlist_entries::plan_slug.eq(&entry.plan_slug))
        .filter(waitlist_entries::status.eq("waiting"))
        // Ahead in the queue (oldest first) is past the entry when read newest first.
        .filter(keyset::after(
            Order::Desc,
            waitlist_entries::created_at,
            waitlist_entries::id,
            (entry.created_at, entry.id.clone()),
        ))
        .count()
        .get_result(conn)?;
    Ok(ahead + 1)
}

/// The first `limit` waiting entries of a plan, in order of arrival.
pub fn first_waiting(
    conn: &mut DbConnection,
    plan_slug: &str,
    limit: i64,
) -> Result<Vec<WaitlistRow>> {
    Ok(waitlist_entries::table
        .filter(waitlist_entries::plan_slug.eq(plan_slug))
        .filter(waitlist_entries::status.eq("waiting"))
        .order((
            waitlist_entries::created_at.asc(),
            waitlist_entries::id.asc(),
        ))
        .limit(limit)
        .select(WaitlistRow::as_select())
        .load(conn)?)
}

pub fn set_status(
    conn: &mut DbConnection,
    id: &str,
    status: &str,
    offer: Option<(NaiveDateTime, NaiveDateTime)>,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(waitlist_entries::table.find(id))
        .set((
            waitlist_entries::status.eq(status),
            waitlist_entries::updated_at.eq(at),
        ))
        .execute(conn)?;
    if let Some((offered_at, expires_at)) = offer {
        diesel::update(waitlist_entries::table.find(id))
            .set((
                waitlist_entries::offered_at.eq(offered_at),
                waitlist_entries::offer_expires_at.eq(expires_at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Offers that ran out before `now`.
pub fn lapsed_offers(conn: &mut DbConnection, now: NaiveDateTime) -> Result<Vec<WaitlistRow>> {
    Ok(waitlist_entries::table
        .filter(waitlist_entries::status.eq("offered"))
        .filter(waitlist_entries::offer_expires_at.le(now))
        .select(WaitlistRow::as_select())
        .load(conn)?)
}
