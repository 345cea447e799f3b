//! Outbound webhooks: the endpoints integrators registered, and a durable queue of deliveries
//! written in the transaction of the change they report (like the mail outbox), claimed with a
//! lease so one node sends each, with one row per attempt.

use crate::error::Result;
use crate::schema::{webhook_attempts, webhook_deliveries, webhook_endpoints};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_endpoints)]
pub struct EndpointRow {
    pub id: String,
    pub url: String,
    pub description: String,
    /// Comma-separated event types.
    pub events: String,
    /// `whsec_` + base64 of the signing key.
    pub secret: String,
    pub created_at: NaiveDateTime,
    pub disabled_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: String,
    pub endpoint_id: String,
    pub event_type: String,
    pub payload: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub delivered_at: Option<NaiveDateTime>,
    pub given_up_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_attempts)]
pub struct AttemptRow {
    pub id: String,
    pub delivery_id: String,
    pub attempted_at: NaiveDateTime,
    pub status_code: Option<i32>,
    pub succeeded: bool,
    pub error: Option<String>,
}

pub fn insert_endpoint(conn: &mut DbConnection, row: &EndpointRow) -> Result<()> {
    diesel::insert_into(webhook_endpoints::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_endpoint(conn: &mut DbConnection, id: &str) -> Result<Option<EndpointRow>> {
    Ok(webhook_endpoints::table
        .find(id)
        .select(EndpointRow::as_select())
        .first(conn)
        .optional()?)
}

/// A page of endpoints, newest first, after the keyset `after`.
pub fn endpoints_page(
    conn: &mut DbConnection,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<EndpointRow>> {
    let mut query = webhook_endpoints::table
        .select(EndpointRow::as_select())
        .order((
            webhook_endpoints::created_at.desc(),
            webhook_endpoints::id.desc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            webhook_endpoints::created_at
                .lt(at)
                .or(webhook_endpoints::created_at
                    .eq(at)
                    .and(webhook_endpoints::id.lt(id))),
        );
    }
    Ok(query.load(conn)?)
}

/// Every endpoint that is not disabled (few: the caller filters by event).
pub fn enabled_endpoints(conn: &mut DbConnection) -> Result<Vec<EndpointRow>> {
    Ok(webhook_endpoints::table
        .filter(webhook_endpoints::disabled_at.is_null())
        .order(webhook_endpoints::id.asc())
        .select(EndpointRow::as_select())
        .load(conn)?)
}

/// Removes an endpoint with its deliveries and their attempts; whether it existed.
pub fn delete_endpoint(conn: &mut DbConnection, id: &str) -> Result<bool> {
    let deliveries = webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq(id))
        .select(webhook_deliveries::id);
    diesel::delete(
        webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(deliveries)),
    )
    .execute(conn)?;
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::endpoint_id.eq(id)))
        .execute(conn)?;
    Ok(diesel::delete(webhook_endpoints::table.find(id)).execute(conn)? == 1)
}

/// Disables an endpoint (unless it already is); whether this call disabled it.
pub fn disable_endpoint(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> Result<bool> {
    Ok(diesel::update(
        webhook_endpoints::table
            .find(id)
            .filter(webhook_endpoints::disabled_at.is_null()),
    )
    .set(webhook_endpoints::disabled_at.eq(at))
    .execute(conn)?
        == 1)
}

pub fn enable_endpoint(conn: &mut DbConnection, id: &str) -> Result<()> {
    diesel::update(webhook_endpoints::table.find(id))
        .set(webhook_endpoints::disabled_at.eq(None::<NaiveDateTime>))
        .execute(conn)?;
    Ok(())
}

pub fn insert_delivery(conn: &mut DbConnection, row: &DeliveryRow) -> Result<()> {
    diesel::insert_into(webhook_deliveries::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_delivery(conn: &mut DbConnection, id: &str) -> Result<Option<DeliveryRow>> {
    Ok(webhook_deliveries::table
        .find(id)
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()?)
}

/// A page of one endpoint's deliveries, newest first, after the keyset `after`.
pub fn deliveries_page(
    conn: &mut DbConnection,
    endpoint_id: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<DeliveryRow>> {
    let mut query = webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .select(DeliveryRow::as_select())
        .order((
            webhook_deliveries::created_at.desc(),
            webhook_deliveries::id.desc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            webhook_deliveries::created_at
                .lt(at)
                .or(webhook_deliveries::created_at
                    .eq(at)
                    .and(webhook_deliveries::id.lt(id))),
        );
    }
    Ok(query.load(conn)?)
}

/// The attempts of these deliveries, oldest first, in one query.
pub fn attempts_of(conn: &mut DbConnection, delivery_ids: &[String]) -> Result<Vec<AttemptRow>> {
    if delivery_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(delivery_ids))
        .order((
            webhook_attempts::attempted_at.asc(),
            webhook_attempts::id.asc(),
        ))
        .select(AttemptRow::as_select())
        .load(conn)?)
}

#[diesel::dsl::auto_type]
fn lease_free(now: NaiveDateTime) -> _ {
    webhook_deliveries::locked_until
        .is_null()
        .or(webhook_deliveries::locked_until.lt(now))
}

/// Claims up to `limit` deliveries due at `now` to enabled endpoints and not leased by another
/// node, leasing each until `lease_until`: a conditional UPDATE per row, so of two nodes only
/// one gets it; a node that dies mid-send leaves a lease that runs out.
pub fn claim_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<(DeliveryRow, EndpointRow)>> {
    let candidates: Vec<(DeliveryRow, EndpointRow)> = webhook_deliveries::table
        .inner_join(webhook_endpoints::table)
        .filter(webhook_endpoints::disabled_at.is_null())
        .filter(webhook_deliveries::delivered_at.is_null())
        .filter(webhook_deliveries::given_up_at.is_null())
        .filter(webhook_deliveries::next_attempt_at.le(now))
        .filter(lease_free(now))
        .order((
            webhook_deliveries::next_attempt_at.asc(),
            webhook_deliveries::id.asc(),
        ))
        .limit(limit)
        .select((DeliveryRow::as_select(), EndpointRow::as_select()))
        .load(conn)?;
    let mut claimed = Vec::with_capacity(candidates.len());
    for (row, endpoint) in candidates {
        let updated = diesel::update(
            webhook_deliveries::table
                .find(&row.id)
                .filter(webhook_deliveries::delivered_at.is_null())
                .filter(lease_free(now)),
        )
        .set(webhook_deliveries::locked_until.eq(lease_until))
        .execute(conn)?;
        if updated == 1 {
            claimed.push((
                DeliveryRow {
                    locked_until: Some(lease_until),
                    ..row
                },
                endpoint,
            ));
        }
    }
    Ok(claimed)
}

pub fn record_attempt(conn: &mut DbConnection, row: &AttemptRow) -> Result<()> {
    diesel::insert_into(webhook_attempts::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn mark_delivered(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> Result<()> {
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::delivered_at.eq(at),
            webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a failed attempt: `next` to try again, or `None` to give up at `at`.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: &str,
    attempts: i32,
    next: Option<NaiveDateTime>,
    at: NaiveDateTime,
) -> Result<()> {
    let given_up = next.is_none().then_some(at);
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::attempts.eq(attempts),
            webhook_deliveries::next_attempt_at.eq(next.unwrap_or(at)),
            webhook_deliveries::given_up_at.eq(given_up),
            webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Queues a delivery again from its first attempt, keeping its id (receivers deduplicate on it).
pub fn requeue(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> Result<()> {
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::attempts.eq(0),
            webhook_deliveries::next_attempt_at.eq(at),
            webhook_deliveries::delivered_at.eq(None::<NaiveDateTime>),
            webhook_deliveries::given_up_at.eq(None::<NaiveDateTime>),
            webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// The address of every admin, for the mail that an endpoint was disabled.
pub fn admin_addresses(conn: &mut DbConnection) -> Result<Vec<String>> {
    use crate::schema::{user_roles, users};
    Ok(users::table
        .inner_join(user_roles::table.on(user_roles::user_id.eq(users::id)))
        .filter(user_roles::role.eq(praxis_domain::account::Role::Admin.as_str()))
        .order(users::email.asc())
        .select(users::email)
        .load(conn)?)
}
