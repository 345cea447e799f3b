//! Buying the e-course on its own: a one-off checkout through the payment port, paid like a
//! plan's first payment (the local provider's page, or Stripe Elements), and the order's state.

use crate::auth::viewer::Member;
use crate::dto::course_orders::CourseOrderResponse;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, PathId};
use crate::idempotency;
use crate::responses::{AuthErrors, NotVisible};
use crate::state::{blocking, AppState};
use actix_web::http::StatusCode;
use actix_web::{get, post};
use actix_web::{web, HttpRequest, HttpResponse};
use praxis_app::course_orders;
use praxis_domain::ids::{CourseId, CourseOrderId};
use praxis_openapi::Problem;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(checkout_course).service(get_course_order);
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"currency": "EUR"}))]
pub struct CourseCheckoutRequest {
    /// ISO 4217 code among the course's `prices`; needed only when it has several.
    pub currency: Option<String>,
}

/// Buys a published course on its own: a pending order and a one-off checkout through the
/// payment provider at the course's price (`prices` on the course). Once the provider confirms
/// the payment the course is the member's for good (source `purchase` in `GET /me/entitlements`)
/// with an invoice of its own; a refund of the whole payment takes it back. A pending order of
/// the same course is answered again (200) rather than doubled. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "e-course", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Course id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Scoped to the caller, method and path: a retry with the same key and body gets the first answer; another body is refused (422); while the first still runs, 409 `idempotency-key-in-use`"),
    ),
    request_body = CourseCheckoutRequest,
    responses(
        (status = 200, description = "The member's order of this course already waiting for payment", body = CourseOrderResponse),
        (status = 201, description = "A pending order with its checkout", body = CourseOrderResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
        (status = 403, description = "The email address is not verified yet (`email-verification-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such course, or a draft (`not-found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The member already holds the course (`already-entitled`), it has no price and is not sold alone (`course-not-for-sale`), an order of it waits for payment in another currency (`checkout-pending`), or the key is in use", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`currency` not among the course's prices, or needed to choose among them; or the key reused with another body", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable; nothing was charged", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/courses/{id}/checkout")]
pub async fn checkout_course(
    req: HttpRequest,
    state: web::Data<AppState>,
    member: Member,
    PathId(course): PathId<CourseId>,
    body: Json<CourseCheckoutRequest>,
) -> ApiResult<HttpResponse> {
    praxis_app::access::require_verified_email(&member.ctx)?;
    let request = body.0;
    let canonical = serde_json::to_vec(&request).unwrap_or_default();
    let state_ref = state.clone();
    let user_id = member.id.as_str().to_owned();
    idempotency::once(&state, &req, &user_id, &canonical, |attempt| async move {
        let state = state_ref;
        let (now, kind) = (state.now(), state.payments.kind());
        // A start cut off midway leaves its order pending: starting again picks it up.
        let started = state
            .write(move |c| {
                let started = course_orders::start(
                    c,
                    &member.ctx,
                    &course,
                    request.currency.as_deref(),
                    kind,
                    now,
                )?;
                attempt.record(c, &started.order.id)?;
                Ok(started)
            })
            .await?;
        let Some(order) = started.checkout else {
            let body = serde_json::to_value(state.course_order_answer(started.order).await?)
                .map_err(ApiError::internal)?;
            return Ok((StatusCode::OK, body));
        };
        let id = started.order.id;
        let provider = state.payments.clone();
        let row = match blocking(move || provider.create_checkout(&order)).await? {
            Ok(checkout) => {
                state
                    .write(move |c| course_orders::attach_checkout(c, &id, kind, &checkout, now))
                    .await?
            }
            Err(e) => {
                state
                    .write(move |c| course_orders::checkout_failed(c, &id, now))
                    .await?;
                return Err(ApiError::Unavailable(e.to_string()));
            }
        };
        let body = serde_json::to_value(state.course_order_answer(row).await?)
            .map_err(ApiError::internal)?;
        Ok((StatusCode::CREATED, body))
    })
    .await
}

/// One of the caller's course orders: pending until the provider confirms the payment, then
/// `paid`. Another member's order is 404.
#[utoipa::path(tag = "e-course", security(("bearer" = [])),
    params(("id" = String, Path, description = "Course order id")),
    responses(
        (status = 200, description = "The order", body = CourseOrderResponse),
        AuthErrors,
        NotVisible,
    ))]
#[get("/course-orders/{id}")]
pub async fn get_course_order(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<CourseOrderId>,
) -> ApiResult<HttpResponse> {
    let row = state
        .read(move |c| course_orders::find_mine(c, &member.ctx, &id))
        .await?;
    Ok(HttpResponse::Ok().json(state.course_order_answer(row).await?))
}
