//! The card on file in the customer hub: what renewals are charged to, and a form to replace it
//! (a Stripe SetupIntent the SPA confirms with Stripe Elements).

use crate::auth::hub::HubCaller;
use crate::error::{ApiError, ApiResult};
use crate::state::{blocking, AppState};
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use praxis_domain::ids::UserId;
use praxis_openapi::Problem;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_payment_method)
        .service(setup_payment_method);
}

/// The card renewals are charged to, as the provider describes it (never the number).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030}))]
pub struct PaymentMethodResponse {
    pub brand: String,
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: i32,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"client_secret": "seti_1Q…_secret_…"}))]
pub struct PaymentMethodSetupResponse {
    /// Confirm it with Stripe Elements (`stripe.confirmCardSetup`); the card then becomes the
    /// one renewals are charged to.
    pub client_secret: String,
}

/// The member's customer at the active provider; none until a checkout created one.
async fn customer(state: &AppState, hub: HubCaller) -> ApiResult<String> {
    let (member, provider) = (UserId::from_trusted(hub.user_id), state.payments.kind());
    state
        .read(move |c| praxis_app::subscriptions::customer_reference(c, &member, provider))
        .await?
        .ok_or(ApiError::NotFound("payment method"))
}

/// The card on file for renewals: brand, last four digits and expiry.
#[utoipa::path(tag = "hub", security(("hub_token" = [])),
    responses(
        (status = 200, description = "The card on file", body = PaymentMethodResponse),
        (status = 401, description = "Missing or invalid hub token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No card on file", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/hub/payment-method")]
pub async fn get_payment_method(
    state: web::Data<AppState>,
    hub: HubCaller,
) -> ApiResult<HttpResponse> {
    let customer = customer(&state, hub).await?;
    let provider = state.payments.clone();
    let card = blocking(move || provider.payment_method(&customer))
        .await?
        .map_err(|e| ApiError::Unavailable(e.to_string()))?
        .ok_or(ApiError::NotFound("payment method"))?;
    Ok(HttpResponse::Ok().json(PaymentMethodResponse {
        brand: card.brand,
        last4: card.last4,
        exp_month: card.exp_month,
        exp_year: card.exp_year,
    }))
}

/// Starts replacing the card on file: answers the `client_secret` the SPA confirms the new card
/// with. Renewals then charge the newest card saved.
#[utoipa::path(tag = "hub", security(("hub_token" = [])),
    responses(
        (status = 200, description = "What to confirm the new card with", body = PaymentMethodSetupResponse),
        (status = 401, description = "Missing or invalid hub token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Nothing paid yet, so no customer to save a card for", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/hub/payment-method/setup")]
pub async fn setup_payment_method(
    state: web::Data<AppState>,
    hub: HubCaller,
) -> ApiResult<HttpResponse> {
    let customer = customer(&state, hub).await?;
    let provider = state.payments.clone();
    let client_secret = blocking(move || provider.setup_payment_method(&customer))
        .await?
        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    Ok(HttpResponse::Ok().json(PaymentMethodSetupResponse { client_secret }))
}
