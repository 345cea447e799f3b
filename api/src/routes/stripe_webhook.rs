//! Stripe's webhook: signed events about PaymentIntents and refunds.
//!
//! `Stripe-Signature` is the same scheme as `Praxis-Signature` (`t=`, one or more `v1=` HMAC-SHA256
//! of `"{t}.{body}"`, 5 minutes of tolerance, compared in constant time), keyed with
//! `PRAXIS_STRIPE_WEBHOOK_SECRET`, the tolerance against the real clock. Each event id is
//! applied once.

use crate::error::{ApiError, ApiResult};
use crate::extract::parse_json_value;
use crate::payments::signature::{self, SignatureError};
use crate::payments::stripe::{PURPOSE_CHECKOUT, PURPOSE_COURSE, PURPOSE_RENEWAL};
use crate::payments::webhooks::{answer_payment, raw_body, WebhookResponse};
use crate::state::{blocking, AppState};
use actix_web::post;
use actix_web::{web, HttpRequest, HttpResponse};
use praxis_app::billing::payouts;
use praxis_app::billing::webhook::{self, PaymentSucceeded};
use praxis_domain::ids::SubscriptionId;
use praxis_openapi::Problem;
use secrecy::ExposeSecret;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub const SIGNATURE_HEADER: &str = "Stripe-Signature";

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(stripe_webhook);
}

/// A Stripe event, as Stripe sends it (only what Praxis reads).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"id": "evt_1Q…", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_3Q…", "amount": 2500, "amount_received": 2500, "currency": "eur", "metadata": {"praxis_subscription_id": "0193…", "praxis_purpose": "checkout"}}}}))]
pub struct StripeEvent {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub data: StripeEventData,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StripeEventData {
    pub object: serde_json::Value,
}

#[derive(Debug, Deserialize)]
struct PaymentIntentObject {
    id: String,
    amount: i64,
    amount_received: Option<i64>,
    currency: String,
    #[serde(default)]
    metadata: PraxisMetadata,
    last_payment_error: Option<PaymentError>,
}

#[derive(Debug, Default, Deserialize)]
struct PraxisMetadata {
    praxis_purpose: Option<String>,
    praxis_subscription_id: Option<String>,
}

impl PaymentIntentObject {
    /// The renewed subscription, for a renewal's PaymentIntent.
    fn renewal_of(&self) -> Option<SubscriptionId> {
        (self.metadata.praxis_purpose.as_deref() == Some(PURPOSE_RENEWAL))
            .then(|| self.metadata.praxis_subscription_id.clone())
            .flatten()
            .map(SubscriptionId::from_trusted)
    }

    /// Whether it pays a checkout opened by Praxis: a subscription's first period or a course
    /// bought on its own (both found by their checkout id).
    fn pays_checkout(&self) -> bool {
        matches!(
            self.metadata.praxis_purpose.as_deref(),
            Some(PURPOSE_CHECKOUT | PURPOSE_COURSE)
        )
    }

    fn failure_reason(&self) -> String {
        self.last_payment_error
            .as_ref()
            .and_then(|e| e.message.clone().or_else(|| e.code.clone()))
            .unwrap_or_else(|| "The payment failed.".to_owned())
    }
}

#[derive(Debug, Deserialize)]
struct PaymentError {
    message: Option<String>,
    code: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ChargeObject {
    payment_intent: Option<IdOrObject>,
}

/// Stripe's expandable field: an id, or the object with its id.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum IdOrObject {
    Id(String),
    Object { id: String },
}

impl IdOrObject {
    fn into_id(self) -> String {
        match self {
            Self::Id(id) | Self::Object { id } => id,
        }
    }
}

fn ignored() -> HttpResponse {
    HttpResponse::Ok().json(WebhookResponse {
        status: "ignored",
        invoice_number: None,
    })
}

fn processed(applied: bool) -> HttpResponse {
    HttpResponse::Ok().json(WebhookResponse {
        status: if applied { "processed" } else { "duplicate" },
        invoice_number: None,
    })
}

/// Receives Stripe's events (give Stripe this URL and subscribe it to
/// `payment_intent.succeeded`, `payment_intent.payment_failed` and `charge.refunded`).
/// `payment_intent.succeeded` for a checkout activates the subscription (seat, invoice, receipt)
/// exactly as the local provider's payment does, the payment keeping the PaymentIntent id; for a
/// course bought alone (`praxis_purpose=course`) it grants the course with its own invoice;
/// `payment_intent.payment_failed` for a checkout leaves it pending (the member may retry) and
/// audits why; a renewal's PaymentIntent (`praxis_purpose=renewal`) succeeding extends the period
/// (once, whether the renewal job or this event tells it first), failing starts or continues the
/// grace period (`past_due`); `charge.refunded` reconciles the payment's refunds with Stripe's (ours
/// confirmed, those made from Stripe's dashboard recorded, never past what was paid). A replayed
/// event or payment → 200 `duplicate`; other events → 200 `ignored`; a bad or stale signature →
/// 401; an unknown checkout or an amount/currency that does not match → 422, nothing changed.
/// Answers 404 unless the Stripe provider is configured (401 first when unsigned).
#[utoipa::path(tag = "payments", request_body = StripeEvent,
    params(("Stripe-Signature" = String, Header, description = "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\">[,v1=…]")),
    responses(
        (status = 200, description = "Processed, a duplicate, or ignored", body = WebhookResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing, invalid or stale signature (`invalid-signature`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The Stripe provider is not configured", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The subscription has ended (`checkout-closed`) or its hold expired on a full plan (`checkout-expired`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown checkout, or amount/currency mismatch", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Stripe could not be asked about the refunds; Stripe retries the event", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/payments/stripe/webhook")]
pub async fn stripe_webhook(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    // An unsigned request is refused the same way whichever provider is configured.
    if !req.headers().contains_key(SIGNATURE_HEADER) {
        return Err(ApiError::unauthorized(
            "invalid-signature",
            "The Stripe-Signature header is missing.",
        ));
    }
    let Some(stripe) = state.config.stripe.as_ref() else {
        return Err(ApiError::NotFound("Stripe webhook"));
    };
    let body = raw_body(&state, payload).await?;
    let header = req
        .headers()
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok());
    // Stripe signs with its own wall clock, so the tolerance is measured against ours, never the
    // injected one: moving the development clock must not make every Stripe event stale.
    if let Err(reason) = signature::verify(
        stripe.webhook_secret.expose_secret().as_bytes(),
        header,
        &body,
        chrono::Utc::now().timestamp(),
    ) {
        tracing::warn!(?reason, "Stripe webhook refused");
        let detail = match reason {
            SignatureError::Stale => "The signature's timestamp is outside the 5-minute tolerance.",
            SignatureError::Missing => "The Stripe-Signature header is missing.",
            _ => "The Stripe-Signature header does not match the body.",
        };
        return Err(ApiError::unauthorized("invalid-signature", detail));
    }
    let event: StripeEvent = crate::extract::parse_json(&body)?;
    match event.event_type.as_str() {
        "payment_intent.succeeded" => intent_succeeded(&state, event).await,
        "payment_intent.payment_failed" => intent_failed(&state, event).await,
        "charge.refunded" => charge_refunded(&state, event).await,
        _ => {
            tracing::info!(event = %event.id, kind = %event.event_type, "Stripe event ignored");
            Ok(ignored())
        }
    }
}

async fn intent_succeeded(state: &AppState, event: StripeEvent) -> ApiResult<HttpResponse> {
    let intent: PaymentIntentObject = parse_json_value(event.data.object, "data.object")?;
    let renewal = intent.renewal_of();
    if renewal.is_none() && !intent.pays_checkout() {
        tracing::info!(event = %event.id, intent = %intent.id, "Stripe payment not made by Praxis; ignored");
        return Ok(ignored());
    }
    let payment = PaymentSucceeded {
        event_id: event.id.clone(),
        checkout_id: intent.id,
        amount_cents: intent.amount_received.unwrap_or(intent.amount),
        currency: intent.currency.to_ascii_uppercase(),
    };
    let (now, links) = (state.now(), state.config.mail_links());
    let outcome = state
        .write(move |conn| match renewal {
            // The renewal job usually recorded it already from Stripe's answer: a replay then.
            Some(subscription) => {
                webhook::renewal_event_paid(conn, &payment, &subscription, &links, now)
            }
            None => webhook::apply(conn, &payment, &links, now),
        })
        .await;
    answer_payment(&event.id, outcome)
}

async fn intent_failed(state: &AppState, event: StripeEvent) -> ApiResult<HttpResponse> {
    let intent: PaymentIntentObject = parse_json_value(event.data.object, "data.object")?;
    let reason = intent.failure_reason();
    let (now, links, event_id) = (state.now(), state.config.mail_links(), event.id.clone());
    let recorded = match (intent.renewal_of(), intent.pays_checkout()) {
        (Some(subscription), _) => {
            state
                .write(move |conn| {
                    webhook::renewal_event_failed(
                        conn,
                        &event_id,
                        &subscription,
                        &intent.id,
                        &reason,
                        &links,
                        now,
                    )
                })
                .await
        }
        (None, true) => {
            state
                .write(move |conn| {
                    webhook::checkout_payment_failed(conn, &event_id, &intent.id, &reason, now)
                })
                .await
        }
        _ => {
            tracing::info!(event = %event.id, intent = %intent.id, "Stripe payment failure not for Praxis; ignored");
            return Ok(ignored());
        }
    };
    match recorded {
        Ok(applied) => Ok(processed(applied)),
        // A concurrent delivery of the same event won the insert of its id.
        Err(ApiError::Conflict {
            kind: "conflict", ..
        }) => Ok(processed(false)),
        Err(e) => Err(e),
    }
}

async fn charge_refunded(state: &AppState, event: StripeEvent) -> ApiResult<HttpResponse> {
    let charge: ChargeObject = parse_json_value(event.data.object, "data.object")?;
    let Some(intent) = charge.payment_intent.map(IdOrObject::into_id) else {
        return Ok(ignored());
    };
    // Current API versions leave a charge's refunds out of the event: ask Stripe for them.
    let provider = state.payments.clone();
    let asked = intent.clone();
    let reported = blocking(move || provider.refunds_of(&asked))
        .await?
        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    let (now, event_id) = (state.now(), event.id);
    let done = state
        .write(move |conn| payouts::reconcile(conn, &event_id, &intent, &reported, now))
        .await;
    match done {
        Ok(done) if done.replayed => Ok(processed(false)),
        Ok(done) if done.ignored => Ok(ignored()),
        Ok(done) => {
            tracing::info!(
                settled = done.settled,
                outside = done.recorded_outside,
                "Stripe refunds reconciled"
            );
            Ok(processed(true))
        }
        // A concurrent delivery of the same event won the insert of its id.
        Err(ApiError::Conflict {
            kind: "conflict", ..
        }) => Ok(processed(false)),
        Err(e) => Err(e),
    }
}
