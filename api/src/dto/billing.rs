//! Billing bodies shared by the member's API and the customer hub: addresses, invoices,
//! subscriptions and refund requests.

use crate::dto::money::MoneyDto;
use crate::error::{ApiError, ApiResult};
use crate::pagination::Page;
use chrono::{DateTime, Utc};
use praxis_app::billing::address::{parse_snapshot, AddressSnapshot};
use praxis_app::billing::Subscription;
use praxis_domain::billing::{BillingAddress, BillingAddressInput};
use praxis_domain::ids::SubscriptionId;
use praxis_domain::refunds::RefundQuote;
use praxis_domain::subscriptions::SubscriptionStatus;
use praxis_domain::{Currency, Money};
use praxis_persistence::from_db_time;
use praxis_persistence::invoices::InvoiceRow;
use praxis_persistence::refunds::{RefundRequestRow, RefundRow};
use praxis_persistence::subscriptions::SubscriptionRow;
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

impl From<AddressSnapshot> for BillingAddressResponse {
    fn from(row: AddressSnapshot) -> Self {
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

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01938a6e-1b2c-7d3e-8f40-5a6b7c8d9e0f", "number": "2026-000001",
    "issued_at": "2026-01-15T10:00:00Z", "description": "Practitioner, yearly",
    "price": {"amount": 12300, "currency": "EUR"},
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
    /// The period's price before any credit: `credit_applied` + `amount`.
    pub price: MoneyDto,
    /// Credit from an earlier subscription taken off the price.
    pub credit_applied: MoneyDto,
    /// The total paid: the price less the credit (0 when an upgrade's credit covered it all).
    pub amount: MoneyDto,
    /// What has been refunded of this payment so far.
    pub refunded: MoneyDto,
    /// The address as it was when the invoice was issued; `null` if none was set.
    pub billing_address: Option<BillingAddressResponse>,
}

/// A currency read back from a row; it was written from a parsed one, so a bad one is a fault.
fn stored_currency(what: &str, id: &str, code: &str) -> ApiResult<Currency> {
    Currency::parse("currency", code)
        .map_err(|_| ApiError::internal(format!("{what} {id} has currency {code:?}")))
}

/// The response for an invoice and what has been refunded of its payment.
pub fn invoice_response(row: InvoiceRow, refunded_cents: i64) -> ApiResult<InvoiceResponse> {
    let currency = stored_currency("invoice", &row.id, &row.currency)?;
    let money = |cents| MoneyDto::from(Money { cents, currency });
    Ok(InvoiceResponse {
        billing_address: parse_snapshot(row.billing_address_json.as_deref()).map(Into::into),
        price: money(row.amount_cents.saturating_add(row.credit_applied_cents)),
        amount: money(row.amount_cents),
        credit_applied: money(row.credit_applied_cents),
        refunded: money(refunded_cents),
        issued_at: from_db_time(row.issued_at),
        id: row.id,
        number: row.number,
        description: row.description,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionResponse {
    pub id: String,
    pub plan: String,
    pub billing_period: String,
    pub price_version: String,
    /// `pending_payment`, `active`, `past_due` (a renewal payment failed: access is kept until
    /// `grace_until` while it is retried), `cancelled` or `expired` (as of this request).
    pub status: String,
    /// Renews by itself at `current_period_end`; turned off, the subscription ends then.
    pub auto_renew: bool,
    /// While a renewal is under way or has failed: access lasts until then even after
    /// `current_period_end`.
    pub grace_until: Option<DateTime<Utc>>,
    /// Pay this checkout to activate; the provider's webhook reports the payment.
    pub checkout_id: String,
    pub checkout_url: String,
    /// What the first payment costs: the period price less any credit.
    pub amount_due: MoneyDto,
    /// Credit from an upgraded Practitioner subscription, taken off the first payment.
    pub credit_applied: MoneyDto,
    /// What each later period costs.
    pub period_price: MoneyDto,
    pub current_period_start: Option<DateTime<Utc>>,
    pub current_period_end: Option<DateTime<Utc>>,
    /// Until when a pending checkout holds its seat.
    pub hold_expires_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// When the next renewal is charged and how much: the period's end at the period price,
    /// while the subscription is active and renews by itself; null otherwise.
    pub next_renewal: Option<NextRenewal>,
    /// How this subscription is paid; for a pending one, what the SPA pays its checkout with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment: Option<SubscriptionPayment>,
}

/// The next renewal of an auto-renewing subscription, as the customer hub shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NextRenewal {
    /// When it is charged (the end of the current period; the charge may come up to
    /// `PRAXIS_RENEWAL_WINDOW_HOURS` earlier).
    pub at: DateTime<Utc>,
    pub amount: MoneyDto,
}

/// How a subscription is paid: with the local provider the checkout's page (`checkout_url`);
/// with Stripe the PaymentIntent's `client_secret` and the `publishable_key` the SPA confirms it
/// with in Stripe Elements. Checkout fields are given while the subscription waits for payment.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"provider": "stripe", "client_secret": "pi_3Q…_secret_…", "publishable_key": "pk_test_…"}))]
pub struct SubscriptionPayment {
    /// `local` or `stripe`.
    pub provider: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkout_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publishable_key: Option<String>,
}

/// What the subscription answers say about payment: the provider, its publishable key, and the
/// client secrets of the checkouts answered.
pub struct PaymentView {
    pub provider: praxis_domain::payments::ProviderKind,
    pub publishable_key: Option<String>,
    pub client_secrets: std::collections::HashMap<String, String>,
}

impl PaymentView {
    pub fn apply(&self, response: &mut SubscriptionResponse) {
        let pending = response.status == SubscriptionStatus::PendingPayment.as_str();
        response.payment = Some(SubscriptionPayment {
            provider: self.provider.as_str().to_owned(),
            checkout_url: Some(response.checkout_url.clone())
                .filter(|url| pending && !url.is_empty()),
            client_secret: self
                .client_secrets
                .get(&response.checkout_id)
                .filter(|_| pending)
                .cloned(),
            publishable_key: self.publishable_key.clone().filter(|_| pending),
        });
    }
}

pub fn subscription_response(sub: &Subscription) -> SubscriptionResponse {
    let row = &sub.row;
    SubscriptionResponse {
        id: row.id.clone(),
        plan: row.plan_slug.as_str().to_owned(),
        billing_period: row.billing_period.as_str().to_owned(),
        price_version: row.price_version.as_str().to_owned(),
        status: sub.status.as_str().to_owned(),
        auto_renew: row.auto_renew,
        grace_until: row.grace_until.map(from_db_time),
        checkout_id: row.checkout_id.clone(),
        checkout_url: row.checkout_url.clone(),
        amount_due: sub.money(row.amount_due_cents).into(),
        credit_applied: sub.money(row.credit_cents).into(),
        period_price: sub.money(row.period_price_cents).into(),
        current_period_start: row.current_period_start.map(from_db_time),
        current_period_end: row.current_period_end.map(from_db_time),
        hold_expires_at: (sub.status == SubscriptionStatus::PendingPayment)
            .then(|| from_db_time(row.hold_expires_at)),
        ended_at: row.ended_at.map(from_db_time),
        next_renewal: row
            .current_period_end
            .filter(|_| sub.status == SubscriptionStatus::Active && row.auto_renew)
            .map(|end| NextRenewal {
                at: from_db_time(end),
                amount: sub.money(row.period_price_cents).into(),
            }),
        payment: None,
    }
}

pub fn respond(row: SubscriptionRow, now: DateTime<Utc>) -> ApiResult<SubscriptionResponse> {
    Ok(subscription_response(&Subscription::from_row(row, now)?))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"refundable": {"amount": 18683, "currency": "EUR"}, "rule": "yearly_full_months", "full_months": 7, "deduction": {"amount": 9900, "currency": "EUR"}, "explanation": "7 full months remain of the yearly period: 49000 × 7 / 12 = 28583 cents, minus the e-course (9900) = 18683 cents."}))]
pub struct RefundQuoteResponse {
    pub refundable: MoneyDto,
    /// `yearly_full_months` or `monthly_24h`.
    pub rule: String,
    /// Yearly: whole calendar months left in the paid year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_months: Option<u32>,
    /// Yearly: the e-course price deducted (the member keeps the e-course).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deduction: Option<MoneyDto>,
    pub explanation: String,
}

impl From<RefundQuote> for RefundQuoteResponse {
    fn from(q: RefundQuote) -> Self {
        Self {
            refundable: q.refundable.into(),
            rule: q.rule.as_str().to_owned(),
            full_months: q.full_months,
            deduction: q.deduction.map(Into::into),
            explanation: q.explanation,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RefundRequestResponse {
    pub id: String,
    pub subscription_id: String,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    pub message: String,
    /// The quote as computed when the request was made; approval pays this (never more than
    /// what remains unrefunded).
    pub quote: RefundQuoteResponse,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The host's note, shown to the member.
    pub note: Option<String>,
    /// The refund paid, once approved.
    pub refund: Option<RefundResponse>,
}

/// A refund paid (or being paid) through the payment provider.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193…", "request_id": "0193…", "amount": {"amount": 18683, "currency": "EUR"}, "status": "failed", "provider_reference": "re_3Q…", "failure_reason": "charge_for_pending_refund_disputed"}))]
pub struct RefundResponse {
    pub id: String,
    /// The refund request it pays; `null` for a host's refund of a course bought alone.
    pub request_id: Option<String>,
    pub amount: MoneyDto,
    /// `pending` (sent to the provider, not confirmed yet), `succeeded` or `failed` (see
    /// `failure_reason`; hosts may retry it).
    pub status: String,
    /// The provider's id of the refund (a Stripe `re_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_reference: Option<String>,
    /// Why the provider refused or failed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
}

pub fn refund_response(refund: RefundRow) -> ApiResult<RefundResponse> {
    let currency = stored_currency("refund", &refund.id, &refund.currency)?;
    Ok(RefundResponse {
        amount: MoneyDto::from(Money {
            cents: refund.amount_cents,
            currency,
        }),
        status: refund.status.as_str().to_owned(),
        id: refund.id,
        request_id: refund.refund_request_id,
        provider_reference: refund.provider_reference,
        failure_reason: refund.failure_reason,
    })
}

pub fn request_response(
    row: RefundRequestRow,
    refund: Option<RefundRow>,
) -> ApiResult<RefundRequestResponse> {
    let currency = stored_currency("refund request", &row.id, &row.currency)?;
    let money = |cents: i64| MoneyDto::from(Money { cents, currency });
    Ok(RefundRequestResponse {
        quote: RefundQuoteResponse {
            refundable: money(row.quote_cents),
            rule: row.quote_rule.as_str().to_owned(),
            full_months: row.quote_full_months.and_then(|m| u32::try_from(m).ok()),
            deduction: row.quote_deduction_cents.map(money),
            explanation: row.quote_explanation,
        },
        id: row.id,
        subscription_id: row.subscription_id,
        status: row.status.as_str().to_owned(),
        message: row.message,
        requested_at: from_db_time(row.requested_at),
        decided_at: row.decided_at.map(from_db_time),
        note: row.decision_note,
        refund: refund.map(refund_response).transpose()?,
    })
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"subscription_id": "0193…", "message": "I moved abroad and cannot take part any more."}))]
pub struct CreateRefundRequest {
    pub subscription_id: String,
    /// A few words for the hosts (1–4000 characters).
    pub message: String,
}

impl CreateRefundRequest {
    /// The subscription and the message. An id that cannot be one answers like an unknown one.
    pub fn parse(&self) -> ApiResult<(SubscriptionId, String)> {
        let message = praxis_domain::refunds::parse_request_message(&self.message)?;
        let subscription = SubscriptionId::parse(&self.subscription_id)
            .map_err(|_| ApiError::NotFound("subscription"))?;
        Ok((subscription, message))
    }
}

/// A page of subscriptions (rows fetched with one more than `limit` to know if more follow).
pub fn subscription_page(
    rows: Vec<SubscriptionRow>,
    limit: i64,
    now: DateTime<Utc>,
) -> ApiResult<Page<SubscriptionResponse>> {
    let page = Page::from_rows(rows, limit, |r| (r.created_at, r.id.clone()), |r| r);
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|row| respond(row, now))
            .collect::<ApiResult<_>>()?,
        next_cursor: page.next_cursor,
    })
}

/// Switches a subscription's auto-renewal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"auto_renew": false}))]
pub struct AutoRenewRequest {
    /// `false` cancels at the period's end (no renewal is charged; access ends with the paid
    /// period); `true` renews again, allowed while the subscription is live.
    pub auto_renew: bool,
}
