//! Price assistance requests and the price overrides a host grants from them.

use crate::error::{Error, Result};
use crate::keyset::{self, StatusQueue};
use crate::schema::{price_assistance_requests, price_overrides};
use crate::text_enum::DbEnum;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::assistance::AssistanceStatus;
use praxis_domain::ids::{AssistanceRequestId, UserId};
use praxis_domain::plans::{BillingPeriod, PlanSlug};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = price_assistance_requests)]
pub struct AssistanceRow {
    pub id: String,
    pub user_id: String,
    pub plan_slug: String,
    pub billing_period: String,
    pub message: String,
    pub proposed_cents: i64,
    pub currency: String,
    /// `pending`, `granted` or `declined`.
    pub status: String,
    pub granted_cents: Option<i64>,
    pub note: Option<String>,
    pub requested_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
}

/// A reduced price for one member, plan and billing period. The checkout charges it instead of
/// the catalogue price while it is not revoked, and stores its id on the subscription.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = price_overrides)]
pub struct PriceOverrideRow {
    pub id: String,
    pub user_id: String,
    pub plan_slug: String,
    pub billing_period: String,
    pub amount_cents: i64,
    pub currency: String,
    pub granted_by: String,
    pub request_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &AssistanceRow) -> Result<()> {
    diesel::insert_into(price_assistance_requests::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Whether the member already waits for an answer about this plan and period.
pub fn has_pending(
    conn: &mut DbConnection,
    user_id: &str,
    plan: PlanSlug,
    period: BillingPeriod,
) -> Result<bool> {
    let pending: i64 = price_assistance_requests::table
        .filter(price_assistance_requests::user_id.eq(user_id))
        .filter(price_assistance_requests::plan_slug.eq(plan.as_str()))
        .filter(price_assistance_requests::billing_period.eq(period.as_str()))
        .filter(price_assistance_requests::status.eq(DbEnum(AssistanceStatus::Pending)))
        .count()
        .get_result(conn)?;
    Ok(pending > 0)
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<AssistanceRow>> {
    Ok(price_assistance_requests::table
        .find(id)
        .select(AssistanceRow::as_select())
        .first(conn)
        .optional()?)
}

/// A page of the member's requests, newest first, after the keyset cursor `(requested_at, id)`
/// (index `price_assistance_user_idx`).
pub fn page_for_user(
    conn: &mut DbConnection,
    user_id: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<AssistanceRow>> {
    let query = price_assistance_requests::table
        .filter(price_assistance_requests::user_id.eq(user_id.to_owned()))
        .select(AssistanceRow::as_select())
        .into_boxed();
    let columns = StatusQueue {
        status: price_assistance_requests::status,
        key: price_assistance_requests::requested_at,
        id: price_assistance_requests::id,
    };
    keyset::status_page(conn, query, columns, None, after, limit)
}

/// A page of requests, optionally of one status, newest first, after the keyset cursor
/// `(requested_at, id)`.
pub fn page(
    conn: &mut DbConnection,
    status: Option<AssistanceStatus>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<AssistanceRow>> {
    use price_assistance_requests as r;
    let status = status.map(|s| s.as_str());
    let query = r::table.select(AssistanceRow::as_select()).into_boxed();
    let columns = StatusQueue {
        status: r::status,
        key: r::requested_at,
        id: r::id,
    };
    keyset::status_page(conn, query, columns, status, after, limit)
}

/// How a request is answered.
#[derive(Debug, Clone)]
pub struct Decision<'a> {
    pub status: AssistanceStatus,
    pub granted_cents: Option<i64>,
    pub note: Option<&'a str>,
    pub at: NaiveDateTime,
    pub by: &'a UserId,
}

/// Decides a pending request. Returns `false` when it was no longer pending: the condition is in
/// the `UPDATE`, so of two concurrent decisions only one takes effect.
pub fn decide(
    conn: &mut DbConnection,
    id: &AssistanceRequestId,
    decision: &Decision<'_>,
) -> Result<bool> {
    use price_assistance_requests as r;
    let pending = r::status.eq(DbEnum(AssistanceStatus::Pending));
    let changed = diesel::update(r::table.find(id.as_str()).filter(pending))
        .set((
            r::status.eq(DbEnum(decision.status)),
            r::granted_cents.eq(decision.granted_cents),
            r::note.eq(decision.note),
            r::decided_at.eq(Some(decision.at)),
            r::decided_by.eq(Some(decision.by.as_str())),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Writes an override after revoking the member's earlier live overrides for the same plan and
/// period, so exactly one applies. Returns the ids revoked, for the audit entry.
pub fn grant_override(conn: &mut DbConnection, row: &PriceOverrideRow) -> Result<Vec<String>> {
    use price_overrides as o;
    let live = o::table
        .filter(o::user_id.eq(&row.user_id))
        .filter(o::plan_slug.eq(&row.plan_slug))
        .filter(o::billing_period.eq(&row.billing_period))
        .filter(o::revoked_at.is_null());
    let revoked: Vec<String> = live.select(o::id).load(conn)?;
    diesel::update(live)
        .set(o::revoked_at.eq(Some(row.created_at)))
        .execute(conn)?;
    diesel::insert_into(o::table).values(row).execute(conn)?;
    Ok(revoked)
}

/// The reduced price that applies to this member, plan and period now, if any.
pub fn active_override(
    conn: &mut DbConnection,
    user_id: &str,
    plan: PlanSlug,
    period: BillingPeriod,
) -> Result<Option<PriceOverrideRow>> {
    use price_overrides as o;
    Ok(o::table
        .filter(o::user_id.eq(user_id))
        .filter(o::plan_slug.eq(plan.as_str()))
        .filter(o::billing_period.eq(period.as_str()))
        .filter(o::revoked_at.is_null())
        .select(PriceOverrideRow::as_select())
        .order((o::created_at.desc(), o::id.desc()))
        .first(conn)
        .optional()?)
}

/// Reads an override back by id (the subscription stores it).
pub fn find_override(conn: &mut DbConnection, id: &str) -> Result<PriceOverrideRow> {
    price_overrides::table
        .find(id)
        .select(PriceOverrideRow::as_select())
        .first(conn)
        .map_err(Error::from)
}
