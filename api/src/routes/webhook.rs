//! The payment provider's webhook.

use crate::error::{ApiError, ApiResult};
use crate::extract::{parse_json, parse_json_value};
use crate::payments::signature::{self, SignatureError};
use crate::payments::webhooks::{answer_payment, raw_body, WebhookResponse};
use crate::state::AppState;
use actix_web::post;
use actix_web::{web, HttpRequest, HttpResponse};
use praxis_app::billing::webhook::{self, PaymentSucceeded};
use praxis_openapi::Problem;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub const SIGNATURE_HEADER: &str = "Praxis-Signature";

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(payment_webhook);
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"id": "evt_123", "type": "payment.succeeded", "data": {"checkout_id": "chk_…", "amount": 12300, "currency": "EUR"}}))]
pub struct WebhookEvent {
    /// The provider's event id; a replayed id has no effect.
    pub id: String,
    /// `payment.succeeded`; other types are acknowledged and ignored.
    #[serde(rename = "type")]
    pub event_type: String,
    pub data: serde_json::Value,
}

#[derive(Debug, Deserialize)]
struct PaymentData {
    checkout_id: String,
    amount: i64,
    currency: String,
}

/// Receives signed payment events: header `Praxis-Signature: t=<unix seconds>,v1=<hex
/// HMAC-SHA256 of "<t>.<raw body>">`. A bad signature or a timestamp more than 5 minutes off →
/// 401 and nothing changes; a replayed event id → 200 with no effect; an unknown checkout or an
/// amount/currency that does not match → 422 and nothing changes.
#[utoipa::path(tag = "payments", request_body = WebhookEvent,
    params(("Praxis-Signature" = String, Header, description = "t=<unix seconds>,v1=<hex HMAC-SHA256>")),
    responses(
        (status = 200, description = "Processed, a duplicate, or ignored", body = WebhookResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing, invalid or stale signature (`invalid-signature`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The subscription has ended (`checkout-closed`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown checkout, or amount/currency mismatch", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/payments/webhook")]
pub async fn payment_webhook(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let body = raw_body(&state, payload).await?;
    let header = req
        .headers()
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok());
    if let Err(reason) = signature::verify(
        &state.webhook_secret,
        header,
        &body,
        state.now().timestamp(),
    ) {
        tracing::warn!(?reason, "payment webhook refused");
        let detail = match reason {
            SignatureError::Stale => "The signature's timestamp is outside the 5-minute tolerance.",
            SignatureError::Missing => "The Praxis-Signature header is missing.",
            _ => "The Praxis-Signature header does not match the body.",
        };
        return Err(ApiError::unauthorized("invalid-signature", detail));
    }
    let event: WebhookEvent = parse_json(&body)?;
    if event.event_type != "payment.succeeded" {
        tracing::info!(event = %event.id, kind = %event.event_type, "webhook event ignored");
        return Ok(HttpResponse::Ok().json(WebhookResponse {
            status: "ignored",
            invoice_number: None,
        }));
    }
    let data: PaymentData = parse_json_value(event.data, "data")?;
    let payment = PaymentSucceeded {
        event_id: event.id,
        checkout_id: data.checkout_id,
        amount_cents: data.amount,
        currency: data.currency,
    };
    let now = state.now();
    let event_id = payment.event_id.clone();
    let links = state.config.mail_links();
    let outcome = state
        .write(move |conn| webhook::apply(conn, &payment, &links, now))
        .await;
    answer_payment(&event_id, outcome)
}
