//! Billing address DTOs, shared by the customer hub and invoices (which keep a copy of the
//! address as it was when each was issued).

use chrono::NaiveDateTime;
use praxis_domain::billing::{BillingAddress, BillingAddressInput};
use praxis_persistence::billing_addresses::BillingAddressRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The address to put on invoices.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Ana Pérez", "line1": "Calle Mayor 1", "line2": "2º B", "city": "Madrid", "postal_code": "28013", "region": "Madrid", "country": "ES", "vat_id": "ESB12345678"}))]
pub struct PutBillingAddressRequest {
    /// Person or organisation, 1–200 characters.
    pub name: String,
    /// 1–200 characters.
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    /// 1–20 characters.
    pub postal_code: String,
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. `ES`.
    pub country: String,
    /// Two-letter prefix and 2–13 letters or digits, e.g. `ESB12345678`.
    pub vat_id: Option<String>,
}

impl PutBillingAddressRequest {
    pub fn parse(&self) -> praxis_domain::Result<BillingAddress> {
        BillingAddress::parse(&BillingAddressInput {
            name: &self.name,
            line1: &self.line1,
            line2: self.line2.as_deref(),
            city: &self.city,
            postal_code: &self.postal_code,
            region: self.region.as_deref(),
            country: &self.country,
            vat_id: self.vat_id.as_deref(),
        })
    }
}

/// A billing address. Also the JSON kept in `invoices.billing_address_json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"name": "Ana Pérez", "line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"}))]
pub struct BillingAddressResponse {
    pub name: String,
    pub line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    pub city: String,
    pub postal_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<String>,
}

impl From<BillingAddressRow> for BillingAddressResponse {
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

/// The row that stores `address` as the member's billing address.
pub fn billing_address_row(
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

/// The copy of the member's address to keep in a new invoice (`invoices.billing_address_json`),
/// read back by [`parse_snapshot`].
pub fn billing_address_snapshot(row: &BillingAddressRow) -> String {
    serde_json::to_string(&BillingAddressResponse::from(row.clone())).unwrap_or_default()
}

/// The address kept in an invoice; `None` when none was kept or it cannot be read.
pub fn parse_snapshot(json: Option<&str>) -> Option<BillingAddressResponse> {
    let json = json?;
    match serde_json::from_str(json) {
        Ok(address) => Some(address),
        Err(e) => {
            tracing::warn!(error = %e, "invoice billing address snapshot is unreadable");
            None
        }
    }
}
