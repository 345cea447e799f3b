//! Invoices: one per payment, numbered without gaps per calendar year.

use crate::error::Result;
use crate::keyset::{self, Order};
use crate::schema::invoices;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = invoices)]
pub struct InvoiceRow {
    pub id: String,
    /// `2026-000001`: year and a gapless sequence within it.
    pub number: String,
    pub user_id: String,
    pub payment_id: String,
    pub issued_at: NaiveDateTime,
    pub description: String,
    pub amount_cents: i64,
    pub credit_applied_cents: i64,
    pub currency: String,
    /// The billing address as it was when the invoice was issued (JSON), if one was set.
    pub billing_address_json: Option<String>,
}

pub fn insert(conn: &mut DbConnection, row: &InvoiceRow) -> Result<()> {
    diesel::insert_into(invoices::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The member's invoices, newest first, after the keyset cursor `(issued_at, id)`, with what has
/// been refunded of each one's payment: one query.
pub fn list_for_user(
    conn: &mut DbConnection,
    user_id: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<(InvoiceRow, i64)>> {
    use crate::schema::payments;
    let mut query = invoices::table
        .inner_join(payments::table)
        .filter(invoices::user_id.eq(user_id))
        .select((InvoiceRow::as_select(), payments::refunded_cents))
        .order((invoices::issued_at.desc(), invoices::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Desc,
            invoices::issued_at,
            invoices::id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}

pub fn count_for_payment(conn: &mut DbConnection, payment_id: &str) -> Result<i64> {
    Ok(invoices::table
        .filter(invoices::payment_id.eq(payment_id))
        .count()
        .get_result(conn)?)
}
