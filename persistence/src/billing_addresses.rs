//! The billing address of a member: one per account, copied into each invoice when issued.

use crate::error::Result;
use crate::schema::billing_addresses;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = billing_addresses)]
// Optional fields cleared by the member must become NULL, not be skipped.
#[diesel(treat_none_as_null = true, primary_key(user_id))]
pub struct BillingAddressRow {
    pub user_id: String,
    pub name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub postal_code: String,
    pub region: Option<String>,
    pub country: String,
    pub vat_id: Option<String>,
    pub updated_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConnection, user_id: &str) -> Result<Option<BillingAddressRow>> {
    Ok(billing_addresses::table
        .find(user_id)
        .select(BillingAddressRow::as_select())
        .first(conn)
        .optional()?)
}

/// Sets the member's address, replacing any earlier one. Run it in a write transaction: it reads
/// first so it needs no engine-specific upsert.
pub fn put(conn: &mut DbConnection, row: &BillingAddressRow) -> Result<()> {
    if find(conn, &row.user_id)?.is_some() {
        diesel::update(billing_addresses::table.find(&row.user_id))
            .set(row)
            .execute(conn)?;
    } else {
        diesel::insert_into(billing_addresses::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}
