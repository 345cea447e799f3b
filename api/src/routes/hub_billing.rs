//! What the customer hub does with a subscription: see it, cancel it, ask for a refund. The hub
//! token (from an emailed link) is scoped to its account's billing, so these act for that account.

use crate::auth::hub::HubCaller;
use crate::dto::billing::{
    request_response, subscription_response, AutoRenewRequest, CreateRefundRequest,
    RefundRequestResponse, SubscriptionResponse,
};
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{get, patch, post};
use actix_web::{web, HttpResponse};
use praxis_app::billing::refunds;
use praxis_app::subscriptions;
use praxis_domain::ids::{SubscriptionId, UserId};
use praxis_openapi::Problem;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_hub_subscriptions)
        .service(cancel_hub_subscription)
        .service(update_hub_subscription)
        .service(create_hub_refund_request);
}

/// The hub account's subscriptions, newest first.
#[utoipa::path(tag = "hub", security(("hub_token" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of subscriptions", body = Page<SubscriptionResponse>),
        (status = 401, description = "Missing or invalid hub token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/hub/subscriptions")]
pub async fn list_hub_subscriptions(
    state: web::Data<AppState>,
    hub: HubCaller,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (page.0.limit()?, page.0.after()?);
    let member = UserId::from_trusted(hub.user_id);
    let rows = state
        .read(move |c| subscriptions::list(c, &member, after, limit + 1))
        .await?;
    Ok(HttpResponse::Ok().json(state.subscription_page(rows, limit).await?))
}

/// Cancels one of the hub account's subscriptions at once.
#[utoipa::path(tag = "hub", security(("hub_token" = [])),
    params(("id" = String, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "The cancelled subscription", body = SubscriptionResponse),
        (status = 401, description = "Missing or invalid hub token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not this account's subscription", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already cancelled or expired", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/hub/subscriptions/{id}/cancel")]
pub async fn cancel_hub_subscription(
    state: web::Data<AppState>,
    hub: HubCaller,
    id: PathId<SubscriptionId>,
) -> ApiResult<HttpResponse> {
    let (id, now, offers) = (id.into_inner(), state.now(), state.offers());
    let member = UserId::from_trusted(hub.user_id);
    let row = state
        .write(move |c| subscriptions::cancel(c, &member, &id, &member, now, &offers))
        .await?;
    let sub = praxis_app::billing::Subscription::from_row(row, state.now())?;
    Ok(HttpResponse::Ok().json(subscription_response(&sub)))
}

/// Turns auto-renewal of one of the hub account's subscriptions off (it ends at its period's
/// end) or back on (while it is live).
#[utoipa::path(tag = "hub", security(("hub_token" = [])),
    params(("id" = String, Path, description = "Subscription id")),
    request_body = AutoRenewRequest,
    responses(
        (status = 200, description = "The subscription", body = SubscriptionResponse),
        (status = 401, description = "Missing or invalid hub token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not this account's subscription", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Cancelled or expired (`subscription-not-live`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/hub/subscriptions/{id}")]
pub async fn update_hub_subscription(
    state: web::Data<AppState>,
    hub: HubCaller,
    id: PathId<SubscriptionId>,
    body: Json<AutoRenewRequest>,
) -> ApiResult<HttpResponse> {
    let (id, now, on) = (id.into_inner(), state.now(), body.0.auto_renew);
    let member = UserId::from_trusted(hub.user_id);
    let row = state
        .write(move |c| {
            praxis_app::billing::renewals::set_auto_renew(c, &member, &id, on, &member, now)
        })
        .await?;
    let sub = praxis_app::billing::Subscription::from_row(row, state.now())?;
    Ok(HttpResponse::Ok().json(subscription_response(&sub)))
}

/// Asks for a refund of one of the hub account's subscriptions; the quote now is recorded.
#[utoipa::path(tag = "hub", security(("hub_token" = [])),
    request_body = CreateRefundRequest,
    responses(
        (status = 201, description = "The request, with its frozen quote", body = RefundRequestResponse),
        (status = 401, description = "Missing or invalid hub token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not this account's subscription", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing paid or refundable, or a request already pending", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/hub/refund-requests")]
pub async fn create_hub_refund_request(
    state: web::Data<AppState>,
    hub: HubCaller,
    body: Json<CreateRefundRequest>,
) -> ApiResult<HttpResponse> {
    let (subscription, message) = body.0.parse()?;
    let (member, now) = (UserId::from_trusted(hub.user_id), state.now());
    let row = state
        .write(move |c| refunds::request(c, &member, &subscription, &message, now))
        .await?;
    let response = request_response(row, None)?;
    Ok(HttpResponse::Created().json(response))
}
