//! The waitlist of a full plan: first come, first offered.

use crate::error::Result;
use crate::keyset::{self, Order};
use crate::schema::waitlist_entries;
use crate::text_enum::DbEnum;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::ids::UserId;
use praxis_domain::plans::PlanSlug;
pub use praxis_domain::subscriptions::WaitlistStatus;

/// The entries that still hold a place in line.
const OPEN: [DbEnum<WaitlistStatus>; 2] = [
    DbEnum(WaitlistStatus::Waiting),
    DbEnum(WaitlistStatus::Offered),
];

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = waitlist_entries)]
pub struct WaitlistRow {
    pub id: String,
    pub user_id: String,
    #[diesel(deserialize_as = DbEnum<PlanSlug>, serialize_as = DbEnum<PlanSlug>)]
    pub plan_slug: PlanSlug,
    #[diesel(deserialize_as = DbEnum<WaitlistStatus>, serialize_as = DbEnum<WaitlistStatus>)]
    pub status: WaitlistStatus,
    pub created_at: NaiveDateTime,
    pub offered_at: Option<NaiveDateTime>,
    pub offer_expires_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &WaitlistRow) -> Result<()> {
    diesel::insert_into(waitlist_entries::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The member's open entry (waiting or offered) for a plan.
pub fn open_entry(
    conn: &mut DbConnection,
    user: &UserId,
    plan: PlanSlug,
) -> Result<Option<WaitlistRow>> {
    Ok(waitlist_entries::table
        .filter(waitlist_entries::user_id.eq(user.as_str()))
        .filter(waitlist_entries::plan_slug.eq(DbEnum(plan)))
        .filter(waitlist_entries::status.eq_any(OPEN))
        .select(WaitlistRow::as_select())
        .first(conn)
        .optional()?)
}

/// 1-based place in the queue of a waiting entry.
pub fn position(conn: &mut DbConnection, entry: &WaitlistRow) -> Result<i64> {
    let ahead: i64 = waitlist_entries::table
        .filter(waitlist_entries::plan_slug.eq(DbEnum(entry.plan_slug)))
        .filter(waitlist_entries::status.eq(DbEnum(WaitlistStatus::Waiting)))
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
    plan: PlanSlug,
    limit: i64,
) -> Result<Vec<WaitlistRow>> {
    Ok(waitlist_entries::table
        .filter(waitlist_entries::plan_slug.eq(DbEnum(plan)))
        .filter(waitlist_entries::status.eq(DbEnum(WaitlistStatus::Waiting)))
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
    status: WaitlistStatus,
    offer: Option<(NaiveDateTime, NaiveDateTime)>,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(waitlist_entries::table.find(id))
        .set((
            waitlist_entries::status.eq(DbEnum(status)),
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
        .filter(waitlist_entries::status.eq(DbEnum(WaitlistStatus::Offered)))
        .filter(waitlist_entries::offer_expires_at.le(now))
        .select(WaitlistRow::as_select())
        .load(conn)?)
}
