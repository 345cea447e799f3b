//! The local payment provider's books: its charges and refunds, once per idempotency key, and
//! the card each of its customers has on file. Development and tests only.

use crate::error::Result;
use crate::schema::{local_provider_cards, local_provider_ledger};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = local_provider_ledger)]
pub struct LedgerRow {
    pub idempotency_key: String,
    /// `charge` or `refund`.
    pub kind: String,
    pub reference: String,
    pub amount_cents: i64,
    pub currency: String,
    /// `succeeded`, or `declined: <reason>`.
    pub outcome: String,
    pub created_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConnection, key: &str) -> Result<Option<LedgerRow>> {
    Ok(local_provider_ledger::table
        .find(key)
        .select(LedgerRow::as_select())
        .first(conn)
        .optional()?)
}

/// Records an entry; `UniqueViolation` when its key was used (the caller reads that one back).
pub fn insert(conn: &mut DbConnection, row: &LedgerRow) -> Result<()> {
    diesel::insert_into(local_provider_ledger::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Entries of `kind` and their total in cents.
pub fn totals(conn: &mut DbConnection, kind: &str) -> Result<(usize, i64)> {
    let amounts: Vec<i64> = local_provider_ledger::table
        .filter(local_provider_ledger::kind.eq(kind))
        .select(local_provider_ledger::amount_cents)
        .load(conn)?;
    Ok((amounts.len(), amounts.iter().sum()))
}

/// Whether the customer's card on file declines; `None` when no card was ever set (the default
/// card, which pays).
pub fn card_declines(conn: &mut DbConnection, customer: &str) -> Result<Option<bool>> {
    Ok(local_provider_cards::table
        .find(customer)
        .select(local_provider_cards::declining)
        .first(conn)
        .optional()?)
}

/// Puts a card on file for the customer, replacing the one there.
pub fn set_card(
    conn: &mut DbConnection,
    customer: &str,
    declining: bool,
    at: NaiveDateTime,
) -> Result<()> {
    let updated = diesel::update(local_provider_cards::table.find(customer))
        .set((
            local_provider_cards::declining.eq(declining),
            local_provider_cards::updated_at.eq(at),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(local_provider_cards::table)
            .values((
                local_provider_cards::customer_reference.eq(customer),
                local_provider_cards::declining.eq(declining),
                local_provider_cards::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}
