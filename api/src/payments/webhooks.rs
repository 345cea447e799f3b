//! What the payment providers' webhooks share over HTTP: the raw body they sign, and the answer
//! to a payment event once applied.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use futures_util::StreamExt;
use praxis_app::billing::webhook::Outcome;
use serde::Serialize;
use utoipa::ToSchema;

/// The raw body, as signed: webhooks are verified before anything parses them.
pub(crate) async fn raw_body(
    state: &AppState,
    mut payload: web::Payload,
) -> ApiResult<web::BytesMut> {
    let limit = state.config.body_limit_bytes;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|_| ApiError::BadRequest("The request body could not be read.".into()))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookResponse {
    /// `processed`, `duplicate` or `ignored`.
    pub status: &'static str,
    pub invoice_number: Option<String>,
}

/// The answer to a payment event once applied: two deliveries of one event at once make the
/// loser's insert of the event id (or of the provider's payment id) conflict, which is a replay.
pub(crate) fn answer_payment(
    event_id: &str,
    outcome: ApiResult<Outcome>,
) -> ApiResult<HttpResponse> {
    let outcome = match outcome {
        Err(ApiError::Conflict {
            kind: "conflict", ..
        }) => Ok(Outcome::Replayed),
        other => other,
    };
    match outcome {
        Ok(Outcome::Applied { invoice_number }) => {
            tracing::info!(event = %event_id, invoice = %invoice_number, "payment applied");
            Ok(HttpResponse::Ok().json(WebhookResponse {
                status: "processed",
                invoice_number: Some(invoice_number),
            }))
        }
        Ok(Outcome::Replayed) => {
            tracing::info!(event = %event_id, "webhook event replayed; no effect");
            Ok(HttpResponse::Ok().json(WebhookResponse {
                status: "duplicate",
                invoice_number: None,
            }))
        }
        Err(error) => {
            tracing::warn!(event = %event_id, error = %error, "payment event refused; nothing changed");
            Err(error)
        }
    }
}
