//! Payments received through the provider's webhooks, replay protection, and gapless invoice
//! numbers.

use crate::error::{Error, Result};
use crate::schema::{checkout_client_secrets, payment_customers, payments, webhook_events};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = payments)]
pub struct PaymentRow {
    pub id: String,
    /// The subscription whose period this pays; `None` for a course bought on its own.
    pub subscription_id: Option<String>,
    pub user_id: String,
    pub provider_event_id: String,
    pub amount_cents: i64,
    pub credit_applied_cents: i64,
    pub currency: String,
    pub refunded_cents: i64,
    pub paid_at: NaiveDateTime,
    pub period_start: NaiveDateTime,
    pub period_end: NaiveDateTime,
    /// The provider's id of the payment (a Stripe PaymentIntent); refunds are made on it.
    pub provider_payment_id: Option<String>,
    /// The course order this pays, for a course bought on its own (exactly one of this and
    /// `subscription_id` is set).
    pub course_order_id: Option<String>,
}

/// Records a webhook event id; `false` when it was seen before (a replay).
pub fn record_event(
    conn: &mut DbConnection,
    event_id: &str,
    event_type: &str,
    at: NaiveDateTime,
) -> Result<bool> {
    let seen: i64 = webhook_events::table
        .filter(webhook_events::event_id.eq(event_id))
        .count()
        .get_result(conn)?;
    if seen > 0 {
        return Ok(false);
    }
    diesel::insert_into(webhook_events::table)
        .values((
            webhook_events::event_id.eq(event_id),
            webhook_events::event_type.eq(event_type),
            webhook_events::received_at.eq(at),
        ))
        .execute(conn)?;
    Ok(true)
}

pub fn insert(conn: &mut DbConnection, row: &PaymentRow) -> Result<()> {
    diesel::insert_into(payments::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The payment recorded for the provider's payment id, if any: money is received once per id.
pub fn find_by_provider_payment_id(
    conn: &mut DbConnection,
    reference: &str,
) -> Result<Option<PaymentRow>> {
    Ok(payments::table
        .filter(payments::provider_payment_id.eq(reference))
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<PaymentRow>> {
    Ok(payments::table
        .find(id)
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()?)
}

/// The payment of a course order, once paid.
pub fn find_by_course_order(conn: &mut DbConnection, order_id: &str) -> Result<Option<PaymentRow>> {
    Ok(payments::table
        .filter(payments::course_order_id.eq(order_id))
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()?)
}

/// Locks a payment until commit (PostgreSQL; SQLite's immediate transaction is already serial),
/// so an upgrade drawing credit from it and a refund paying from it take turns, and neither
/// counts days the other has just taken.
pub fn lock(conn: &mut DbConnection, id: &str) -> Result<()> {
    crate::connection::lock_row(conn, crate::connection::Lockable::Payment, id)
}

/// The subscription's most recent payment: the one a refund or an upgrade credit is about.
pub fn latest_for_subscription(
    conn: &mut DbConnection,
    subscription_id: &str,
) -> Result<Option<PaymentRow>> {
    Ok(payments::table
        .filter(payments::subscription_id.eq(subscription_id))
        .order((payments::paid_at.desc(), payments::id.desc()))
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()?)
}

/// Adds to what was refunded of a payment, never beyond what was paid (the table's CHECK is the
/// last guard; this refuses first with a clear error).
pub fn add_refunded(conn: &mut DbConnection, id: &str, cents: i64) -> Result<()> {
    let updated = diesel::update(
        payments::table
            .filter(payments::id.eq(id))
            .filter((payments::refunded_cents + cents).le(payments::amount_cents)),
    )
    .set(payments::refunded_cents.eq(payments::refunded_cents + cents))
    .execute(conn)?;
    if updated == 1 {
        Ok(())
    } else {
        Err(Error::Domain(praxis_domain::Error::conflict(
            "refund-exceeds-payment",
            "This refund would exceed what remains unrefunded of the payment.",
        )))
    }
}

#[derive(QueryableByName)]
struct LastNumber {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    last_number: i32,
}

/// The next invoice number of `year`, formatted `2026-000001`. Call inside the transaction that
/// writes the invoice: the counter row stays locked until commit, and a rolled-back transaction
/// gives its number back, so numbers have no gaps.
pub fn next_invoice_number(conn: &mut DbConnection, year: i32) -> Result<String> {
    let sql_create = format!(
        "INSERT INTO invoice_counters (year, last_number) VALUES ({year}, 0) ON CONFLICT (year) DO NOTHING"
    );
    let sql_bump =
        format!("UPDATE invoice_counters SET last_number = last_number + 1 WHERE year = {year}");
    let sql_read = format!("SELECT last_number FROM invoice_counters WHERE year = {year}");
    diesel::sql_query(sql_create).execute(conn)?;
    diesel::sql_query(sql_bump).execute(conn)?;
    let row: LastNumber = diesel::sql_query(sql_read).get_result(conn)?;
    Ok(format!("{year}-{:06}", row.last_number))
}

/// The provider's customer kept for `user_id`, if one was created.
pub fn customer_reference(
    conn: &mut DbConnection,
    user_id: &str,
    provider: &str,
) -> Result<Option<String>> {
    Ok(payment_customers::table
        .filter(payment_customers::user_id.eq(user_id))
        .filter(payment_customers::provider.eq(provider))
        .select(payment_customers::customer_reference)
        .first(conn)
        .optional()?)
}

/// Keeps the provider's customer for `user_id`; the first one kept stays (a concurrent checkout
/// that created another is not recorded over it).
pub fn keep_customer_reference(
    conn: &mut DbConnection,
    user_id: &str,
    provider: &str,
    reference: &str,
    at: NaiveDateTime,
) -> Result<()> {
    if customer_reference(conn, user_id, provider)?.is_some() {
        return Ok(());
    }
    diesel::insert_into(payment_customers::table)
        .values((
            payment_customers::user_id.eq(user_id),
            payment_customers::provider.eq(provider),
            payment_customers::customer_reference.eq(reference),
            payment_customers::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Gives back what a refund the provider failed had counted against the payment.
pub fn remove_refunded(conn: &mut DbConnection, id: &str, cents: i64) -> Result<()> {
    diesel::update(
        payments::table
            .filter(payments::id.eq(id))
            .filter(payments::refunded_cents.ge(cents)),
    )
    .set(payments::refunded_cents.eq(payments::refunded_cents - cents))
    .execute(conn)?;
    Ok(())
}

/// Keeps what the SPA confirms the checkout `checkout_id` with (its first value stays).
pub fn keep_client_secret(
    conn: &mut DbConnection,
    checkout_id: &str,
    secret: &str,
    at: NaiveDateTime,
) -> Result<()> {
    let known: i64 = checkout_client_secrets::table
        .filter(checkout_client_secrets::checkout_id.eq(checkout_id))
        .count()
        .get_result(conn)?;
    if known == 0 {
        diesel::insert_into(checkout_client_secrets::table)
            .values((
                checkout_client_secrets::checkout_id.eq(checkout_id),
                checkout_client_secrets::client_secret.eq(secret),
                checkout_client_secrets::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The client secrets of several checkouts in one query: `(checkout_id, client_secret)`.
pub fn client_secrets(
    conn: &mut DbConnection,
    checkout_ids: &[String],
) -> Result<Vec<(String, String)>> {
    if checkout_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(checkout_client_secrets::table
        .filter(checkout_client_secrets::checkout_id.eq_any(checkout_ids))
        .select((
            checkout_client_secrets::checkout_id,
            checkout_client_secrets::client_secret,
        ))
        .load(conn)?)
}
