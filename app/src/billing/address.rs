//! The member's billing address: the row that stores it, and the copy each invoice keeps of it
//! as it was when the invoice was issued (`invoices.billing_address_json`).

use chrono::NaiveDateTime;
use praxis_domain::billing::BillingAddress;
use praxis_persistence::billing_addresses::BillingAddressRow;
use serde::{Deserialize, Serialize};

/// The address kept in an invoice. Its JSON is stored, so its field names are a storage format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressSnapshot {
    pub name: String,
    pub line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    pub city: String,
    pub postal_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<String>,
}

impl From<BillingAddressRow> for AddressSnapshot {
    fn from(row: BillingAddressRow) -> Self {
        Self {
            name: row.name,
            line1: row.line1,
            line2: row.line2,
            city: row.city,
            postal_code: row.postal_code,
            region: row.region,
            country: row.country,
            vat_id: row.vat_id,
        }
    }
}

/// The JSON to keep in a new invoice, read back by [`parse_snapshot`].
pub fn snapshot(row: &BillingAddressRow) -> String {
    serde_json::to_string(&AddressSnapshot::from(row.clone())).unwrap_or_default()
}

/// The address kept in an invoice; `None` when none was kept or it cannot be read.
pub fn parse_snapshot(json: Option<&str>) -> Option<AddressSnapshot> {
    let json = json?;
    match serde_json::from_str(json) {
        Ok(address) => Some(address),
        Err(e) => {
            tracing::warn!(error = %e, "invoice billing address snapshot is unreadable");
            None
        }
    }
}

/// The row that stores `address` as the member's billing address.
pub fn row(
    user_id: &str,
    address: &BillingAddress,
    updated_at: NaiveDateTime,
) -> BillingAddressRow {
    BillingAddressRow {
        user_id: user_id.to_owned(),
        name: address.name().to_owned(),
        line1: address.line1().to_owned(),
        line2: address.line2().map(str::to_owned),
        city: address.city().to_owned(),
        postal_code: address.postal_code().to_owned(),
        region: address.region().map(str::to_owned),
        country: address.country().to_owned(),
        vat_id: address.vat_id().map(str::to_owned),
        updated_at,
    }
}

/// The member's billing address, as new invoices would keep it.
pub fn find(
    conn: &mut praxis_persistence::DbConnection,
    member: &praxis_domain::ids::UserId,
) -> crate::Result<AddressSnapshot> {
    praxis_persistence::billing_addresses::find(conn, member.as_str())?
        .map(AddressSnapshot::from)
        .ok_or(crate::Error::NotFound("billing address"))
}

/// Sets the member's billing address for invoices issued from now on; earlier invoices keep
/// theirs. Run in a write transaction.
pub fn put(
    conn: &mut praxis_persistence::DbConnection,
    member: &praxis_domain::ids::UserId,
    address: &BillingAddress,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::Result<AddressSnapshot> {
    let stored = row(
        member.as_str(),
        address,
        praxis_persistence::to_db_time(now),
    );
    praxis_persistence::billing_addresses::put(conn, &stored)?;
    Ok(AddressSnapshot::from(stored))
}

/// A page of the member's invoices, newest first, each with what was refunded of its payment.
pub fn invoices(
    conn: &mut praxis_persistence::DbConnection,
    member: &praxis_domain::ids::UserId,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> crate::Result<Vec<(praxis_persistence::invoices::InvoiceRow, i64)>> {
    Ok(praxis_persistence::invoices::list_for_user(
        conn,
        member.as_str(),
        after,
        limit,
    )?)
}
