//! The invoice shape clients see, shared by the customer hub and the member's billing pages.

use crate::error::{ApiError, ApiResult};
use crate::routes::billing_address::{parse_snapshot, BillingAddressResponse};
use crate::routes::plans::MoneyDto;
use chrono::{DateTime, Utc};
use praxis_domain::{Currency, Money};
use praxis_persistence::from_db_time;
use praxis_persistence::invoices::InvoiceRow;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01938a6e-1b2c-7d3e-8f40-5a6b7c8d9e0f", "number": "2026-000001",
    "issued_at": "2026-01-15T10:00:00Z", "description": "Practitioner, yearly",
    "amount": {"amount": 12300, "currency": "EUR"}, "credit_applied": {"amount": 0, "currency": "EUR"},
    "refunded": {"amount": 0, "currency": "EUR"},
    "billing_address": {"name": "Ana Pérez", "line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES"}
}))]
pub struct InvoiceResponse {
    pub id: String,
    /// Gapless per year: `2026-000001`.
    pub number: String,
    pub issued_at: DateTime<Utc>,
    pub description: String,
    /// What was paid.
    pub amount: MoneyDto,
    /// Credit from an earlier subscription taken off this payment.
    pub credit_applied: MoneyDto,
    /// What has been refunded of this payment so far.
    pub refunded: MoneyDto,
    /// The address as it was when the invoice was issued; `null` if none was set.
    pub billing_address: Option<BillingAddressResponse>,
}

/// The response for an invoice and what has been refunded of its payment.
pub fn invoice_response(row: InvoiceRow, refunded_cents: i64) -> ApiResult<InvoiceResponse> {
    let currency = Currency::parse("currency", &row.currency).map_err(|_| {
        ApiError::internal(format!(
            "invoice {} has currency {:?}",
            row.id, row.currency
        ))
    })?;
    let money = |cents| MoneyDto::from(Money { cents, currency });
    Ok(InvoiceResponse {
        billing_address: parse_snapshot(row.billing_address_json.as_deref()),
        amount: money(row.amount_cents),
        credit_applied: money(row.credit_applied_cents),
        refunded: money(refunded_cents),
        issued_at: from_db_time(row.issued_at),
        id: row.id,
        number: row.number,
        description: row.description,
    })
}
