//! A course bought on its own: the order, and how its checkout is paid.

use crate::dto::billing::SubscriptionPayment;
use crate::dto::money::MoneyDto;
use chrono::{DateTime, Utc};
use praxis_domain::courses::CourseOrderStatus;
use praxis_domain::payments::ProviderKind;
use praxis_persistence::course_orders::CourseOrderRow;
use praxis_persistence::from_db_time;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-…", "course_id": "019380aa-7c4e-7cc3-a1a6-0c1b5f7d2e10", "status": "pending",
    "amount": {"amount": 9900, "currency": "EUR"}, "checkout_id": "chk_…",
    "checkout_url": "http://localhost:8080/api/v1/dev/checkouts/chk_…/pay?amount=9900&currency=EUR",
    "payment": {"provider": "local", "checkout_url": "http://localhost:8080/api/v1/dev/checkouts/chk_…/pay?amount=9900&currency=EUR"},
    "created_at": "2026-12-06T10:00:00Z", "paid_at": null}))]
pub struct CourseOrderResponse {
    pub id: String,
    /// The course bought (in the language chosen; every translation opens with it).
    pub course_id: String,
    /// `pending` (waiting for the provider to confirm the payment; a declined card leaves it
    /// here to pay again), `paid` (the course is granted and invoiced) or `abandoned` (the
    /// checkout could not be opened; nothing was charged).
    pub status: String,
    /// The price paid once.
    pub amount: MoneyDto,
    /// Pay this checkout; the provider's webhook reports the payment.
    pub checkout_id: String,
    pub checkout_url: String,
    /// How the checkout is paid while the order is pending: the local provider's page, or the
    /// PaymentIntent's `client_secret` with Stripe's `publishable_key`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment: Option<SubscriptionPayment>,
    pub created_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
}

impl CourseOrderResponse {
    /// The order as answered, with how a pending one is paid at `provider`.
    pub fn new(
        row: CourseOrderRow,
        provider: ProviderKind,
        publishable_key: Option<String>,
        client_secret: Option<String>,
    ) -> Self {
        let pending = row.status == CourseOrderStatus::Pending;
        let payment = pending.then(|| SubscriptionPayment {
            provider: provider.as_str().to_owned(),
            checkout_url: Some(row.checkout_url.clone()).filter(|url| !url.is_empty()),
            client_secret,
            publishable_key,
        });
        Self {
            amount: MoneyDto {
                amount: row.amount_cents,
                currency: row.currency,
            },
            id: row.id,
            course_id: row.course_id,
            status: row.status.as_str().to_owned(),
            checkout_id: row.checkout_id,
            checkout_url: row.checkout_url,
            payment,
            created_at: from_db_time(row.created_at),
            paid_at: row.paid_at.map(from_db_time),
        }
    }
}
