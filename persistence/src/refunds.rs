//! Refund requests (with the quote frozen when asked) and the refunds paid for them.

use crate::error::Result;
use crate::keyset::{self, StatusQueue};
use crate::schema::{provider_refunds, refund_requests, refunds};
use crate::text_enum::DbEnum;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::ids::{RefundId, RefundRequestId, UserId};
use praxis_domain::refunds::RefundRule;
pub use praxis_domain::refunds::{RefundRequestStatus, RefundStatus};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refund_requests)]
pub struct RefundRequestRow {
    pub id: String,
    pub user_id: String,
    pub subscription_id: String,
    pub payment_id: String,
    pub message: String,
    #[diesel(deserialize_as = DbEnum<RefundRequestStatus>, serialize_as = DbEnum<RefundRequestStatus>)]
    pub status: RefundRequestStatus,
    pub quote_cents: i64,
    pub currency: String,
    #[diesel(deserialize_as = DbEnum<RefundRule>, serialize_as = DbEnum<RefundRule>)]
    pub quote_rule: RefundRule,
    pub quote_full_months: Option<i32>,
    pub quote_deduction_cents: Option<i64>,
    pub quote_explanation: String,
    pub requested_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
    pub decision_note: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refunds)]
pub struct RefundRow {
    pub id: String,
    /// The member's request it pays; `None` for a host's refund of a course bought alone.
    pub refund_request_id: Option<String>,
    pub payment_id: String,
    pub amount_cents: i64,
    pub currency: String,
    #[diesel(deserialize_as = DbEnum<RefundStatus>, serialize_as = DbEnum<RefundStatus>)]
    pub status: RefundStatus,
    pub provider_reference: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The provider's reason when it refused or failed the refund.
    pub failure_reason: Option<String>,
    /// How many times the refund was sent again after failing: each try has its own
    /// idempotency key, since the provider answers a key it has seen with its first answer.
    pub attempt: i32,
}

impl RefundRow {
    /// A new refund of `amount_cents` of a payment, pending until the provider pays it; for a
    /// member's request, or (`None`) a host's refund of a course bought alone.
    pub fn pending(
        request: Option<String>,
        payment_id: &str,
        amount_cents: i64,
        currency: &str,
        at: NaiveDateTime,
    ) -> Self {
        Self {
            id: uuid::Uuid::now_v7().to_string(),
            refund_request_id: request,
            payment_id: payment_id.to_owned(),
            amount_cents,
            currency: currency.to_owned(),
            status: RefundStatus::Pending,
            provider_reference: None,
            created_at: at,
            updated_at: at,
            failure_reason: None,
            attempt: 0,
        }
    }

    /// The idempotency key of this refund's current try at the provider: our refund id, then
    /// `<id>-retry-<n>`.
    pub fn idempotency_key(&self) -> String {
        if self.attempt == 0 {
            self.id.clone()
        } else {
            format!("{}-retry-{}", self.id, self.attempt)
        }
    }
}

pub fn insert_request(conn: &mut DbConnection, row: &RefundRequestRow) -> Result<()> {
    diesel::insert_into(refund_requests::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_request(conn: &mut DbConnection, id: &str) -> Result<Option<RefundRequestRow>> {
    Ok(refund_requests::table
        .find(id)
        .select(RefundRequestRow::as_select())
        .first(conn)
        .optional()?)
}

/// Locks a request until commit (PostgreSQL; SQLite's immediate transaction is already serial),
/// so concurrent decisions on it queue up and the first one decides.
pub fn lock_request(conn: &mut DbConnection, id: &str) -> Result<()> {
    crate::connection::lock_row(conn, crate::connection::Lockable::RefundRequest, id)
}

/// Decides a pending request; `false` if it was no longer pending.
pub fn decide(
    conn: &mut DbConnection,
    id: &RefundRequestId,
    status: RefundRequestStatus,
    by: &UserId,
    note: Option<&str>,
    at: NaiveDateTime,
) -> Result<bool> {
    let updated = diesel::update(
        refund_requests::table
            .filter(refund_requests::id.eq(id.as_str()))
            .filter(refund_requests::status.eq(DbEnum(RefundRequestStatus::Pending))),
    )
    .set((
        refund_requests::status.eq(DbEnum(status)),
        refund_requests::decided_by.eq(by.as_str()),
        refund_requests::decision_note.eq(note),
        refund_requests::decided_at.eq(at),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Requests newest first, optionally of one status (or one member), after a keyset cursor.
pub fn page_requests(
    conn: &mut DbConnection,
    status: Option<RefundRequestStatus>,
    user: Option<&UserId>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<RefundRequestRow>> {
    let mut query = refund_requests::table
        .select(RefundRequestRow::as_select())
        .into_boxed();
    if let Some(user) = user {
        query = query.filter(refund_requests::user_id.eq(user.as_str().to_owned()));
    }
    let status = status.map(|s| s.as_str());
    let columns = StatusQueue {
        status: refund_requests::status,
        key: refund_requests::requested_at,
        id: refund_requests::id,
    };
    keyset::status_page(conn, query, columns, status, after, limit)
}

pub fn insert_refund(conn: &mut DbConnection, row: &RefundRow) -> Result<()> {
    diesel::insert_into(refunds::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn refund_for_request(conn: &mut DbConnection, request_id: &str) -> Result<Option<RefundRow>> {
    Ok(refunds::table
        .filter(refunds::refund_request_id.eq(request_id))
        .select(RefundRow::as_select())
        .first(conn)
        .optional()?)
}

/// Refunds recorded but not yet confirmed by the provider (to retry).
pub fn unconfirmed(conn: &mut DbConnection, limit: i64) -> Result<Vec<RefundRow>> {
    Ok(refunds::table
        .filter(refunds::status.eq(DbEnum(RefundStatus::Pending)))
        .order(refunds::created_at.asc())
        .limit(limit)
        .select(RefundRow::as_select())
        .load(conn)?)
}

/// Records that the provider paid a refund, under its own `reference`.
pub fn confirm(
    conn: &mut DbConnection,
    id: &RefundId,
    reference: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(refunds::table.find(id.as_str()))
        .set((
            refunds::status.eq(DbEnum(RefundStatus::Succeeded)),
            refunds::provider_reference.eq(reference),
            refunds::failure_reason.eq(None::<String>),
            refunds::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records the provider's reference of a refund it accepted but has not settled yet.
pub fn mark_sent(
    conn: &mut DbConnection,
    id: &RefundId,
    reference: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(
        refunds::table
            .find(id.as_str())
            .filter(refunds::status.eq(DbEnum(RefundStatus::Pending))),
    )
    .set((
        refunds::provider_reference.eq(reference),
        refunds::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(())
}

/// Records that the provider refused or failed a pending refund; `false` if it was not pending.
pub fn fail(
    conn: &mut DbConnection,
    id: &RefundId,
    reference: Option<&str>,
    reason: &str,
    at: NaiveDateTime,
) -> Result<bool> {
    let updated = diesel::update(
        refunds::table
            .find(id.as_str())
            .filter(refunds::status.eq(DbEnum(RefundStatus::Pending))),
    )
    .set((
        refunds::status.eq(DbEnum(RefundStatus::Failed)),
        refunds::provider_reference.eq(reference),
        refunds::failure_reason.eq(reason),
        refunds::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Sends a failed refund again: pending, under the next attempt's key; `false` if it was not
/// failed.
pub fn retry(conn: &mut DbConnection, id: &RefundId, at: NaiveDateTime) -> Result<bool> {
    let updated = diesel::update(
        refunds::table
            .find(id.as_str())
            .filter(refunds::status.eq(DbEnum(RefundStatus::Failed))),
    )
    .set((
        refunds::status.eq(DbEnum(RefundStatus::Pending)),
        refunds::provider_reference.eq(None::<String>),
        refunds::attempt.eq(refunds::attempt + 1),
        refunds::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn find_refund(conn: &mut DbConnection, id: &str) -> Result<Option<RefundRow>> {
    Ok(refunds::table
        .find(id)
        .select(RefundRow::as_select())
        .first(conn)
        .optional()?)
}

/// Refunds newest first, optionally of one status, after a keyset cursor.
pub fn page_refunds(
    conn: &mut DbConnection,
    status: Option<RefundStatus>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<RefundRow>> {
    let query = refunds::table.select(RefundRow::as_select()).into_boxed();
    let columns = StatusQueue {
        status: refunds::status,
        key: refunds::created_at,
        id: refunds::id,
    };
    keyset::status_page(
        conn,
        query,
        columns,
        status.map(|s| s.as_str()),
        after,
        limit,
    )
}

/// The refunds of one payment (reconciling the provider's refunds of it).
pub fn refunds_of_payment(conn: &mut DbConnection, payment_id: &str) -> Result<Vec<RefundRow>> {
    Ok(refunds::table
        .filter(refunds::payment_id.eq(payment_id))
        .select(RefundRow::as_select())
        .load(conn)?)
}

/// A refund made at the provider outside Praxis, counted against its payment.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = provider_refunds)]
pub struct ProviderRefundRow {
    pub reference: String,
    pub payment_id: String,
    pub amount_cents: i64,
    pub currency: String,
    pub recorded_at: NaiveDateTime,
}

/// Whether the provider refund `reference` was recorded already.
pub fn provider_refund_known(conn: &mut DbConnection, reference: &str) -> Result<bool> {
    let ours: i64 = refunds::table
        .filter(refunds::provider_reference.eq(reference))
        .count()
        .get_result(conn)?;
    let outside: i64 = provider_refunds::table
        .filter(provider_refunds::reference.eq(reference))
        .count()
        .get_result(conn)?;
    Ok(ours + outside > 0)
}

pub fn insert_provider_refund(conn: &mut DbConnection, row: &ProviderRefundRow) -> Result<()> {
    diesel::insert_into(provider_refunds::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The refunds of several requests in one query (list pages).
pub fn refunds_for_requests(
    conn: &mut DbConnection,
    request_ids: &[String],
) -> Result<Vec<RefundRow>> {
    if request_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(refunds::table
        .filter(refunds::refund_request_id.eq_any(request_ids))
        .select(RefundRow::as_select())
        .load(conn)?)
}
