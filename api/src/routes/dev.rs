//! Development routes: the development clock (`PRAXIS_DEV_CLOCK=on`) and paying with the local
//! payment provider. Each answers 404 unless its setting is on, as if it did not exist.

use crate::auth::viewer::Member;
use crate::dto::billing::{respond, SubscriptionResponse};
use crate::dto::course_orders::CourseOrderResponse;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::responses::AuthErrors;
use crate::state::AppState;
use actix_web::{post, put};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use praxis_app::billing::local::{self, PaidCheckout};
use praxis_domain::payments::ProviderKind;
use praxis_domain::FieldError;
use praxis_openapi::Problem;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(advance_clock)
        .service(pay_checkout)
        .service(put_card);
}

/// The furthest one call moves the clock: a year and a day, enough for any yearly renewal.
const MAX_ADVANCE_SECONDS: i64 = 366 * 24 * 60 * 60;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"advance_seconds": 2_592_000}))]
pub struct AdvanceClockRequest {
    /// How far to move the clock forward: 1 to 31622400 seconds (366 days).
    pub advance_seconds: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClockResponse {
    /// The server's time after moving it and running the periodic jobs.
    pub now: DateTime<Utc>,
}

/// Moves the server's clock forward and runs every periodic job once at the new time
/// (renewal charges and retries, expiring lapsed subscriptions and checkouts, waitlist offers,
/// reminders): renewals and grace periods can be walked through in minutes. Only with
/// `PRAXIS_DEV_CLOCK=on`; otherwise 404. Time never moves back.
#[utoipa::path(tag = "development", request_body = AdvanceClockRequest,
    responses(
        (status = 200, description = "The new time, the periodic jobs having run at it", body = ClockResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The development clock is off", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`advance_seconds` missing or outside 1–31622400", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/dev/clock")]
pub async fn advance_clock(
    state: web::Data<AppState>,
    body: Json<AdvanceClockRequest>,
) -> ApiResult<HttpResponse> {
    if !state.config.dev_clock {
        return Err(ApiError::NotFound("development clock"));
    }
    let seconds = body.0.advance_seconds;
    if !(1..=MAX_ADVANCE_SECONDS).contains(&seconds) {
        return Err(ApiError::Validation(vec![FieldError::new(
            "advance_seconds",
            format!("must be between 1 and {MAX_ADVANCE_SECONDS}"),
        )]));
    }
    if !state.clock.advance(Duration::seconds(seconds)) {
        return Err(ApiError::internal("this server's clock cannot move"));
    }
    crate::jobs::run_once(&state).await?;
    Ok(HttpResponse::Ok().json(ClockResponse { now: state.now() }))
}

/// The card to keep on file at the local provider.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"card": "declining"}))]
pub struct LocalCardRequest {
    /// `visa` (pays; the default) or `declining` (renewals charged to it are declined, to walk
    /// through the grace period).
    pub card: Option<String>,
}

impl LocalCardRequest {
    /// Whether the card declines; `None` when no card was named.
    fn declining(&self) -> ApiResult<Option<bool>> {
        match self.card.as_deref() {
            None => Ok(None),
            Some("visa") => Ok(Some(false)),
            Some("declining") => Ok(Some(true)),
            Some(_) => Err(ApiError::Validation(vec![FieldError::new(
                "card",
                "must be one of: visa, declining",
            )])),
        }
    }
}

fn local_provider_only(state: &AppState) -> ApiResult<()> {
    if state.payments.kind() == ProviderKind::Local {
        Ok(())
    } else {
        Err(ApiError::NotFound("local payment provider"))
    }
}

/// Pays a checkout with the local payment provider: the `checkout_url` of a subscription or of
/// a course bought alone started with it. The payment takes the path a provider's webhook takes
/// (activation and the seat, or the course granted; an invoice with the next gapless number, the
/// receipt mail); paying again changes nothing.
/// `card` saves a card for later renewals (`declining` to see a renewal fail). Only while the
/// local provider is active; otherwise 404.
#[utoipa::path(tag = "development", request_body = LocalCardRequest,
    params(("checkout_id" = String, Path, description = "The subscription's `checkout_id`")),
    responses(
        (status = 200, description = "The paid subscription, or the paid course order", body = PaidCheckoutResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such checkout, or the local provider is not active", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The subscription has ended or the course order was abandoned (`checkout-closed`), or its hold expired and the plan is full (`checkout-expired`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown card", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/dev/checkouts/{checkout_id}/pay")]
pub async fn pay_checkout(
    state: web::Data<AppState>,
    checkout_id: web::Path<String>,
    body: Json<LocalCardRequest>,
) -> ApiResult<HttpResponse> {
    local_provider_only(&state)?;
    let declining = body.0.declining()?;
    let (checkout_id, links, now) = (
        checkout_id.into_inner(),
        state.config.mail_links(),
        state.now(),
    );
    let (_, paid) = state
        .write(move |c| local::pay_checkout(c, &checkout_id, declining, &links, now))
        .await?;
    Ok(HttpResponse::Ok().json(match paid {
        PaidCheckout::Subscription(row) => {
            PaidCheckoutResponse::Subscription(respond(row, state.now())?)
        }
        PaidCheckout::Course(order) => {
            PaidCheckoutResponse::CourseOrder(state.course_order_answer(order).await?)
        }
    }))
}

/// What a paid checkout paid for: a subscription, or a course bought on its own.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PaidCheckoutResponse {
    Subscription(SubscriptionResponse),
    CourseOrder(CourseOrderResponse),
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LocalCardResponse {
    /// The member's customer at the local provider.
    pub customer: String,
    /// `visa` or `declining`.
    pub card: String,
}

/// Puts a card on file for the caller at the local provider, as updating the card in the
/// customer hub does with a real one: the next renewal charge or retry uses it. Only while the
/// local provider is active; otherwise 404.
#[utoipa::path(tag = "development", security(("bearer" = [])), request_body = LocalCardRequest,
    responses(
        (status = 200, description = "The card on file", body = LocalCardResponse),
        AuthErrors,
        (status = 404, description = "The local provider is not active", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`card` missing or unknown", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/dev/payment-method")]
pub async fn put_card(
    state: web::Data<AppState>,
    member: Member,
    body: Json<LocalCardRequest>,
) -> ApiResult<HttpResponse> {
    local_provider_only(&state)?;
    let declining = body.0.declining()?.ok_or_else(|| {
        ApiError::Validation(vec![FieldError::new(
            "card",
            "must be one of: visa, declining",
        )])
    })?;
    let now = state.now();
    let customer = state
        .write(move |c| local::set_card(c, &member.id, declining, now))
        .await?;
    let card = if declining { "declining" } else { "visa" };
    Ok(HttpResponse::Ok().json(LocalCardResponse {
        customer,
        card: card.to_owned(),
    }))
}
