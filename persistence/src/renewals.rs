//! Renewal charges: one claim row per subscription, period and attempt, so a period is charged
//! at most once per attempt whatever number of nodes run the renewal job.

use crate::error::Result;
use crate::schema::renewal_attempts;
use crate::text_enum::DbEnum;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::subscriptions::RenewalAttemptStatus;

/// Attempts that have not reached an outcome: being charged, or waiting for the webhook.
const OPEN: [DbEnum<RenewalAttemptStatus>; 2] = [
    DbEnum(RenewalAttemptStatus::Charging),
    DbEnum(RenewalAttemptStatus::Pending),
];

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = renewal_attempts)]
pub struct RenewalAttemptRow {
    pub id: String,
    pub subscription_id: String,
    /// The end of the period this charge renews.
    pub period_end: NaiveDateTime,
    /// 0 the first charge, 1-3 the retries in the grace period.
    pub attempt: i32,
    /// What the provider was asked with: `renew-{subscription}-{period end}-{attempt}`.
    pub idempotency_key: String,
    #[diesel(deserialize_as = DbEnum<RenewalAttemptStatus>, serialize_as = DbEnum<RenewalAttemptStatus>)]
    pub status: RenewalAttemptStatus,
    pub payment_reference: Option<String>,
    pub failure_reason: Option<String>,
    pub claimed_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

/// Inserts a claim; a `UniqueViolation` means another node claimed this attempt first.
pub fn claim(conn: &mut DbConnection, row: &RenewalAttemptRow) -> Result<()> {
    diesel::insert_into(renewal_attempts::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The attempts made for these subscriptions (for the job's one read of a batch).
pub fn for_subscriptions(
    conn: &mut DbConnection,
    subscription_ids: &[String],
) -> Result<Vec<RenewalAttemptRow>> {
    Ok(renewal_attempts::table
        .filter(renewal_attempts::subscription_id.eq_any(subscription_ids))
        .select(RenewalAttemptRow::as_select())
        .load(conn)?)
}

/// The attempts of one subscription's period, first attempt first.
pub fn for_period(
    conn: &mut DbConnection,
    subscription_id: &str,
    period_end: NaiveDateTime,
) -> Result<Vec<RenewalAttemptRow>> {
    Ok(renewal_attempts::table
        .filter(renewal_attempts::subscription_id.eq(subscription_id))
        .filter(renewal_attempts::period_end.eq(period_end))
        .order(renewal_attempts::attempt.asc())
        .select(RenewalAttemptRow::as_select())
        .load(conn)?)
}

/// The attempt the provider's payment `reference` belongs to, once it is known.
pub fn find_by_reference(
    conn: &mut DbConnection,
    reference: &str,
) -> Result<Option<RenewalAttemptRow>> {
    Ok(renewal_attempts::table
        .filter(renewal_attempts::payment_reference.eq(reference))
        .select(RenewalAttemptRow::as_select())
        .first(conn)
        .optional()?)
}

/// The subscription's attempt still without an outcome, if any (at most one: a retry is only
/// claimed once the attempt before it has declined).
pub fn open_for(
    conn: &mut DbConnection,
    subscription_id: &str,
) -> Result<Option<RenewalAttemptRow>> {
    Ok(renewal_attempts::table
        .filter(renewal_attempts::subscription_id.eq(subscription_id))
        .filter(renewal_attempts::status.eq_any(OPEN))
        .order(renewal_attempts::claimed_at.desc())
        .select(RenewalAttemptRow::as_select())
        .first(conn)
        .optional()?)
}

/// Records an attempt's outcome (or that it is pending), with the provider's payment id.
pub fn finish(
    conn: &mut DbConnection,
    id: &str,
    status: RenewalAttemptStatus,
    reference: Option<&str>,
    reason: Option<&str>,
    at: NaiveDateTime,
) -> Result<()> {
    let finished = (status != RenewalAttemptStatus::Pending).then_some(at);
    diesel::update(renewal_attempts::table.find(id))
        .set((
            renewal_attempts::status.eq(DbEnum(status)),
            renewal_attempts::failure_reason.eq(reason),
            renewal_attempts::finished_at.eq(finished),
        ))
        .execute(conn)?;
    if let Some(reference) = reference {
        diesel::update(renewal_attempts::table.find(id))
            .set(renewal_attempts::payment_reference.eq(reference))
            .execute(conn)?;
    }
    Ok(())
}

/// Claims left `charging` since before `before`: their node died or lost the provider's answer.
pub fn stale(
    conn: &mut DbConnection,
    before: NaiveDateTime,
    limit: i64,
) -> Result<Vec<RenewalAttemptRow>> {
    Ok(renewal_attempts::table
        .filter(renewal_attempts::status.eq(DbEnum(RenewalAttemptStatus::Charging)))
        .filter(renewal_attempts::claimed_at.lt(before))
        .order(renewal_attempts::claimed_at.asc())
        .select(RenewalAttemptRow::as_select())
        .limit(limit)
        .load(conn)?)
}

/// Takes over a stale claim: `true` for the one node whose update still saw the old claim time.
pub fn retake(
    conn: &mut DbConnection,
    id: &str,
    claimed_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<bool> {
    let updated = diesel::update(
        renewal_attempts::table
            .filter(renewal_attempts::id.eq(id))
            .filter(renewal_attempts::status.eq(DbEnum(RenewalAttemptStatus::Charging)))
            .filter(renewal_attempts::claimed_at.eq(claimed_at)),
    )
    .set(renewal_attempts::claimed_at.eq(now))
    .execute(conn)?;
    Ok(updated == 1)
}
