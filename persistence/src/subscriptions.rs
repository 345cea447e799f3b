//! Subscriptions and the seats they hold.

use crate::error::Result;
use crate::keyset::{self, Order};
use crate::schema::{subscriptions, waitlist_entries};
use crate::text_enum::DbEnum;
use crate::waitlist::WaitlistStatus;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::ids::{CheckoutId, SubscriptionId, UserId};
use praxis_domain::plans::{BillingPeriod, PlanSlug, PriceVersion};
use praxis_domain::subscriptions::SubscriptionStatus;

/// The statuses that hold access or a seat; the others are final.
const LIVE: [DbEnum<SubscriptionStatus>; 2] = [
    DbEnum(SubscriptionStatus::PendingPayment),
    DbEnum(SubscriptionStatus::Active),
];

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = subscriptions)]
pub struct SubscriptionRow {
    pub id: String,
    pub user_id: String,
    #[diesel(deserialize_as = DbEnum<PlanSlug>, serialize_as = DbEnum<PlanSlug>)]
    pub plan_slug: PlanSlug,
    #[diesel(deserialize_as = DbEnum<BillingPeriod>, serialize_as = DbEnum<BillingPeriod>)]
    pub billing_period: BillingPeriod,
    #[diesel(deserialize_as = DbEnum<PriceVersion>, serialize_as = DbEnum<PriceVersion>)]
    pub price_version: PriceVersion,
    /// As stored: an active subscription past its period still reads `active` here.
    #[diesel(deserialize_as = DbEnum<SubscriptionStatus>, serialize_as = DbEnum<SubscriptionStatus>)]
    pub status: SubscriptionStatus,
    pub currency: String,
    pub period_price_cents: i64,
    pub credit_cents: i64,
    pub amount_due_cents: i64,
    pub checkout_id: String,
    pub checkout_url: String,
    pub hold_expires_at: NaiveDateTime,
    pub replaces_subscription_id: Option<String>,
    pub price_override_id: Option<String>,
    pub current_period_start: Option<NaiveDateTime>,
    pub current_period_end: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
    pub end_reason: Option<String>,
    /// The payment `credit_cents` was drawn from (an upgrade's credit).
    pub credit_payment_id: Option<String>,
    /// Renews by itself at the period's end; off, it ends then (cancel at period end).
    pub auto_renew: bool,
    /// While a renewal is under way, access lasts until then (see `RenewalState`).
    pub grace_until: Option<NaiveDateTime>,
    /// When its renewal payment failed; it reads `past_due` while this is set.
    pub past_due_since: Option<NaiveDateTime>,
}

impl SubscriptionRow {
    /// Where its renewal stands, for `effective_status`.
    pub fn renewal_state(&self) -> praxis_domain::subscriptions::RenewalState {
        praxis_domain::subscriptions::RenewalState {
            past_due: self.past_due_since.is_some(),
            grace_until: self.grace_until.map(crate::from_db_time),
        }
    }
}

/// Active at `now`: an active subscription in its paid period, or past it while its renewal is
/// under way (the grace period). Past-due subscriptions are stored `active`, so this covers them.
macro_rules! holds_access_at {
    ($now:expr) => {
        subscriptions::status
            .eq(DbEnum(SubscriptionStatus::Active))
            .and(
                subscriptions::current_period_end
                    .gt($now)
                    .or(subscriptions::grace_until.gt($now)),
            )
    };
}

/// Serialises everything that takes or frees a seat of one plan. SQLite's immediate transaction
/// already holds the database's write lock; on PostgreSQL the plan's row is locked until commit,
/// so of many requests for the last seat exactly one sees it free.
pub fn lock_plan(conn: &mut DbConnection, plan: PlanSlug) -> Result<()> {
    crate::connection::lock_row(conn, crate::connection::Lockable::Plan, plan.as_str())
}

/// Serialises a member's own subscription changes (PostgreSQL; SQLite is already serial).
pub fn lock_user(conn: &mut DbConnection, user: &UserId) -> Result<()> {
    crate::connection::lock_row(conn, crate::connection::Lockable::User, user.as_str())
}

pub fn insert(conn: &mut DbConnection, row: &SubscriptionRow) -> Result<()> {
    // The enum columns serialise by value.
    diesel::insert_into(subscriptions::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<SubscriptionRow>> {
    Ok(subscriptions::table
        .find(id)
        .select(SubscriptionRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_checkout(
    conn: &mut DbConnection,
    checkout_id: &str,
) -> Result<Option<SubscriptionRow>> {
    Ok(subscriptions::table
        .filter(subscriptions::checkout_id.eq(checkout_id))
        .select(SubscriptionRow::as_select())
        .first(conn)
        .optional()?)
}

/// The member's subscriptions that are pending or active as stored (the caller applies
/// read-time expiry).
pub fn live_for_user(conn: &mut DbConnection, user_id: &str) -> Result<Vec<SubscriptionRow>> {
    Ok(subscriptions::table
        .filter(subscriptions::user_id.eq(user_id))
        .filter(subscriptions::status.eq_any(LIVE))
        .select(SubscriptionRow::as_select())
        .load(conn)?)
}

/// The plan of the member's subscription that is active at `now`, if any.
pub fn active_plan(
    conn: &mut DbConnection,
    user_id: &str,
    now: NaiveDateTime,
) -> Result<Option<String>> {
    Ok(subscriptions::table
        .filter(subscriptions::user_id.eq(user_id))
        .filter(holds_access_at!(now))
        .select(subscriptions::plan_slug)
        .first(conn)
        .optional()?)
}

pub fn page_for_user(
    conn: &mut DbConnection,
    user_id: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<SubscriptionRow>> {
    let mut query = subscriptions::table
        .filter(subscriptions::user_id.eq(user_id))
        .select(SubscriptionRow::as_select())
        .order((subscriptions::created_at.desc(), subscriptions::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Desc,
            subscriptions::created_at,
            subscriptions::id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}

/// Seats of a plan taken at `now`: active subscriptions in their period, pending checkouts within
/// their hold, and open waitlist offers (except `except_offer_of`'s own, which is theirs to take).
pub fn seats_taken(
    conn: &mut DbConnection,
    plan: PlanSlug,
    now: NaiveDateTime,
    except_offer_of: Option<&UserId>,
) -> Result<i64> {
    let plan_slug = plan.as_str();
    let active: i64 = subscriptions::table
        .filter(subscriptions::plan_slug.eq(plan_slug))
        .filter(holds_access_at!(now))
        .count()
        .get_result(conn)?;
    let pending: i64 = subscriptions::table
        .filter(subscriptions::plan_slug.eq(plan_slug))
        .filter(subscriptions::status.eq(DbEnum(SubscriptionStatus::PendingPayment)))
        .filter(subscriptions::hold_expires_at.gt(now))
        .count()
        .get_result(conn)?;
    let mut offers = waitlist_entries::table
        .filter(waitlist_entries::plan_slug.eq(plan_slug))
        .filter(waitlist_entries::status.eq(DbEnum(WaitlistStatus::Offered)))
        .filter(waitlist_entries::offer_expires_at.gt(now))
        .into_boxed();
    if let Some(user_id) = except_offer_of {
        offers = offers.filter(waitlist_entries::user_id.ne(user_id.as_str().to_owned()));
    }
    let offers: i64 = offers.count().get_result(conn)?;
    Ok(active + pending + offers)
}

/// Ends a subscription (cancelled or expired) if it is still live; `false` if it was not.
pub fn end(
    conn: &mut DbConnection,
    id: &str,
    status: SubscriptionStatus,
    reason: &str,
    at: NaiveDateTime,
) -> Result<bool> {
    let updated = diesel::update(
        subscriptions::table
            .filter(subscriptions::id.eq(id))
            .filter(subscriptions::status.eq_any(LIVE)),
    )
    .set((
        subscriptions::status.eq(DbEnum(status)),
        subscriptions::end_reason.eq(reason),
        subscriptions::ended_at.eq(at),
        subscriptions::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// What has been credited from a payment to upgrades: the credit of every checkout drawn from it
/// that can still be paid (`pending_payment`) or was paid (it has had a period). An abandoned,
/// failed or cancelled checkout gives its credit back.
pub fn credited_from(conn: &mut DbConnection, payment_id: &str) -> Result<i64> {
    let credits: Vec<i64> = subscriptions::table
        .filter(subscriptions::credit_payment_id.eq(payment_id))
        .filter(
            subscriptions::status
                .eq(DbEnum(SubscriptionStatus::PendingPayment))
                .or(subscriptions::current_period_start.is_not_null()),
        )
        .select(subscriptions::credit_cents)
        .load(conn)?;
    Ok(credits.iter().sum())
}

/// Records a paid period: activates a pending subscription or extends an active one, ending
/// any renewal under way (it is paid).
pub fn set_period(
    conn: &mut DbConnection,
    id: &str,
    start: NaiveDateTime,
    end: NaiveDateTime,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(subscriptions::table.find(id))
        .set((
            subscriptions::status.eq(DbEnum(SubscriptionStatus::Active)),
            subscriptions::current_period_start.eq(start),
            subscriptions::current_period_end.eq(end),
            subscriptions::updated_at.eq(at),
            subscriptions::grace_until.eq(None::<NaiveDateTime>),
            subscriptions::past_due_since.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Active subscriptions whose access ended before `now`: the period is over and no renewal is
/// under way, or its grace period is over too (for the expiry job).
pub fn lapsed(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<SubscriptionRow>> {
    Ok(subscriptions::table
        .filter(subscriptions::status.eq(DbEnum(SubscriptionStatus::Active)))
        .filter(subscriptions::current_period_end.le(now))
        .filter(
            subscriptions::grace_until
                .is_null()
                .or(subscriptions::grace_until.le(now)),
        )
        .select(SubscriptionRow::as_select())
        .limit(limit)
        .load(conn)?)
}

/// Active auto-renewing subscriptions whose period ends by `horizon`, oldest end first, a page
/// of `limit` after the keyset `after` (period end, id): the candidates for a renewal charge (the
/// caller decides which attempt, if any, is due).
pub fn renewal_candidates(
    conn: &mut DbConnection,
    horizon: NaiveDateTime,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<SubscriptionRow>> {
    let end = subscriptions::current_period_end.assume_not_null();
    let mut query = subscriptions::table
        .filter(subscriptions::status.eq(DbEnum(SubscriptionStatus::Active)))
        .filter(subscriptions::auto_renew.eq(true))
        .filter(subscriptions::current_period_end.le(horizon))
        .order((end.asc(), subscriptions::id.asc()))
        .select(SubscriptionRow::as_select())
        .limit(limit)
        .into_boxed();
    if let Some(cursor) = after {
        query = query.filter(keyset::after(Order::Asc, end, subscriptions::id, cursor));
    }
    Ok(query.load(conn)?)
}

/// Turns auto-renewal on or off. Off also ends any grace: a member who stops renewing keeps
/// access only until the paid period ends.
pub fn set_auto_renew(
    conn: &mut DbConnection,
    id: &str,
    on: bool,
    at: NaiveDateTime,
) -> Result<()> {
    let target = subscriptions::table.find(id);
    if on {
        diesel::update(target)
            .set((
                subscriptions::auto_renew.eq(true),
                subscriptions::updated_at.eq(at),
            ))
            .execute(conn)?;
    } else {
        diesel::update(target)
            .set((
                subscriptions::auto_renew.eq(false),
                subscriptions::grace_until.eq(None::<NaiveDateTime>),
                subscriptions::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Marks a renewal under way: access is kept until `grace_until` (kept if already set).
pub fn start_grace(conn: &mut DbConnection, id: &str, grace_until: NaiveDateTime) -> Result<()> {
    diesel::update(
        subscriptions::table
            .filter(subscriptions::id.eq(id))
            .filter(subscriptions::grace_until.is_null()),
    )
    .set(subscriptions::grace_until.eq(grace_until))
    .execute(conn)?;
    Ok(())
}

/// Marks the renewal payment failed (kept from the first failure); `false` if it already was.
pub fn mark_past_due(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> Result<bool> {
    let updated = diesel::update(
        subscriptions::table
            .filter(subscriptions::id.eq(id))
            .filter(subscriptions::past_due_since.is_null()),
    )
    .set((
        subscriptions::past_due_since.eq(at),
        subscriptions::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Pending checkouts whose hold ran out before `now` (for the expiry job).
pub fn abandoned(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<SubscriptionRow>> {
    Ok(subscriptions::table
        .filter(subscriptions::status.eq(DbEnum(SubscriptionStatus::PendingPayment)))
        .filter(subscriptions::hold_expires_at.le(now))
        .select(SubscriptionRow::as_select())
        .limit(limit)
        .load(conn)?)
}

/// Sets the provider's checkout on a subscription created before the provider was asked.
pub fn set_checkout(
    conn: &mut DbConnection,
    id: &SubscriptionId,
    checkout: &CheckoutId,
    url: &str,
) -> Result<()> {
    diesel::update(subscriptions::table.find(id.as_str()))
        .set((
            subscriptions::checkout_id.eq(checkout.as_str()),
            subscriptions::checkout_url.eq(url),
        ))
        .execute(conn)?;
    Ok(())
}

/// An approved PRO application for the demo community (`praxis seed-demo`).
pub fn approve_pro_application_for_demo(
    conn: &mut DbConnection,
    user_id: &str,
    at: NaiveDateTime,
) -> Result<()> {
    use crate::schema::pro_applications as p;
    use praxis_domain::applications::ApplicationStatus;
    diesel::insert_into(p::table)
        .values((
            p::id.eq(uuid::Uuid::now_v7().to_string()),
            p::user_id.eq(user_id),
            p::training.eq("S3 Practitioner training, 2024"),
            p::experience.eq("Three years facilitating consent decision making in a cooperative"),
            p::helping_others.eq("Runs a monthly S3 practice circle"),
            p::commitment.eq(true),
            p::status.eq(DbEnum(ApplicationStatus::Approved)),
            p::note.eq("Welcome to the PRO Lounge!"),
            p::submitted_at.eq(at),
            p::decided_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
