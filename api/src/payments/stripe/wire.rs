//! Stripe's wire shapes: the form bodies Praxis posts and the parts of Stripe's JSON answers
//! it reads (API version `super::API_VERSION`). Only what the adapter uses is typed; serde
//! ignores the rest.

use serde::{Deserialize, Serialize};

// Requests. Stripe's nested form keys are the serde names; `None` fields are left out.

#[derive(Serialize)]
pub(super) struct CreateCustomer<'a> {
    pub(super) email: &'a str,
    pub(super) name: &'a str,
    #[serde(rename = "metadata[praxis_user_id]")]
    pub(super) user_id: &'a str,
}

#[derive(Serialize)]
pub(super) struct CreatePaymentIntent<'a> {
    pub(super) amount: i64,
    pub(super) currency: String,
    pub(super) customer: &'a str,
    pub(super) description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) setup_future_usage: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) payment_method: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) off_session: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) confirm: Option<bool>,
    #[serde(
        rename = "metadata[praxis_subscription_id]",
        skip_serializing_if = "Option::is_none"
    )]
    pub(super) subscription_id: Option<&'a str>,
    #[serde(
        rename = "metadata[praxis_course_order_id]",
        skip_serializing_if = "Option::is_none"
    )]
    pub(super) course_order_id: Option<&'a str>,
    #[serde(rename = "metadata[praxis_purpose]")]
    pub(super) purpose: &'static str,
    #[serde(
        rename = "metadata[praxis_checkout_id]",
        skip_serializing_if = "Option::is_none"
    )]
    pub(super) checkout_id: Option<&'a str>,
    /// A renewal's key names its subscription period, so it says which period was charged.
    #[serde(
        rename = "metadata[praxis_charge_key]",
        skip_serializing_if = "Option::is_none"
    )]
    pub(super) charge_key: Option<&'a str>,
}

#[derive(Serialize)]
pub(super) struct CreateRefund<'a> {
    pub(super) payment_intent: &'a str,
    pub(super) amount: i64,
    #[serde(rename = "metadata[praxis_refund_id]")]
    pub(super) refund_id: &'a str,
}

#[derive(Serialize)]
pub(super) struct CreateSetupIntent<'a> {
    pub(super) customer: &'a str,
    pub(super) usage: &'static str,
    #[serde(rename = "metadata[praxis_purpose]")]
    pub(super) purpose: &'static str,
}

// Responses: only the fields Praxis reads.

/// A field Stripe answers as an id, or as the object when expanded.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Expandable<T> {
    Id(String),
    Object(Box<T>),
}

#[derive(Debug, Deserialize)]
pub(super) struct List<T> {
    pub(super) data: Vec<T>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ErrorBody {
    pub(super) error: ApiError,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ApiError {
    #[serde(rename = "type", default)]
    pub(super) kind: String,
    pub(super) code: Option<String>,
    pub(super) decline_code: Option<String>,
    pub(super) message: Option<String>,
    pub(super) payment_intent: Option<IdOnly>,
}

#[derive(Debug, Deserialize)]
pub(super) struct IdOnly {
    pub(super) id: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct Customer {
    pub(super) id: String,
    #[serde(default)]
    pub(super) deleted: bool,
    pub(super) invoice_settings: Option<InvoiceSettings>,
}

#[derive(Debug, Deserialize)]
pub(super) struct InvoiceSettings {
    pub(super) default_payment_method: Option<Expandable<PaymentMethod>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentMethod {
    pub id: String,
    pub card: Option<Card>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Card {
    pub brand: String,
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: i32,
}

#[derive(Debug, Deserialize)]
pub(super) struct PaymentIntent {
    pub(super) id: String,
    pub(super) status: String,
    pub(super) client_secret: Option<String>,
    pub(super) last_payment_error: Option<ApiError>,
}

#[derive(Debug, Deserialize)]
pub(super) struct SetupIntent {
    pub(super) client_secret: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Refund {
    pub(super) id: String,
    pub(super) amount: i64,
    pub(super) currency: String,
    pub(super) status: String,
    pub(super) failure_reason: Option<String>,
    #[serde(default)]
    pub(super) metadata: RefundMetadata,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct RefundMetadata {
    pub(super) praxis_refund_id: Option<String>,
}
