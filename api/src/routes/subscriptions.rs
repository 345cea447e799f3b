//! Subscriptions to paid plans, and the waitlist of a full plan.

use crate::auth::viewer::Member;
use crate::dto::billing::{respond, AutoRenewRequest, SubscriptionResponse};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, PathId, Query};
use crate::idempotency;
use crate::pagination::{Page, PageParams};
use crate::responses::{AuthErrors, NotVisible};
use crate::state::{blocking, AppState};
use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::subscriptions::{self, Resumed, StartSubscription};
use praxis_app::waitlist::{self, Place};
use praxis_domain::ids::{SubscriptionId, UserId};
use praxis_domain::plans::{BillingPeriod, PlanSlug, PriceVersion};
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_subscription)
        .service(list_subscriptions)
        .service(get_subscription)
        .service(cancel_subscription)
        .service(update_subscription)
        .service(join_waitlist)
        .service(get_waitlist_entry)
        .service(leave_waitlist);
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"plan": "practitioner", "billing_period": "yearly", "price_version": "regular"}))]
pub struct CreateSubscriptionRequest {
    /// `practitioner` or `pro`.
    pub plan: String,
    /// `monthly` or `yearly`.
    pub billing_period: String,
    /// `regular` or `supporter`.
    pub price_version: String,
}

impl CreateSubscriptionRequest {
    /// The start of a subscription, or every field that is wrong.
    fn parse(&self, member: &UserId) -> ApiResult<StartSubscription> {
        let plan = match PlanSlug::parse(&self.plan) {
            Ok(PlanSlug::Lobby) => Err(praxis_domain::Error::field(
                "plan",
                "the Lobby is free: registering is all it takes",
            )),
            Ok(plan) => Ok(plan),
            Err(_) => Err(praxis_domain::Error::field(
                "plan",
                "must be one of: practitioner, pro",
            )),
        };
        let period = BillingPeriod::parse("billing_period", &self.billing_period);
        let version = PriceVersion::parse("price_version", &self.price_version);
        match (plan, period, version) {
            (Ok(plan), Ok(period), Ok(version)) => Ok(StartSubscription {
                user_id: member.clone(),
                plan,
                period,
                version,
            }),
            // Every wrong field is named at once, in the order of the body.
            (plan, period, version) => Err(field_errors([plan.err(), period.err(), version.err()])),
        }
    }
}

/// The field errors of several parses, together.
fn field_errors(failed: impl IntoIterator<Item = Option<praxis_domain::Error>>) -> ApiError {
    let mut fields = Vec::new();
    for error in failed.into_iter().flatten() {
        match error {
            praxis_domain::Error::Validation(errors) => fields.extend(errors),
            other => return other.into(),
        }
    }
    ApiError::Validation(fields)
}

/// Starts a subscription: a `pending_payment` subscription holding a seat while its checkout is
/// paid. An upgrade whose credit covers the whole first price is `active` at once, with no
/// checkout to pay and an invoice showing the credit applied. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "subscriptions", security(("bearer" = [])),
    request_body = CreateSubscriptionRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Scoped to the caller, method and path: a retry with the same key and body gets the first answer; another body is refused (422); while the first still runs, 409 `idempotency-key-in-use`")),
    responses(
        (status = 201, description = "Pending subscription with its checkout; or, when an upgrade's credit covers the price, the subscription active at once", body = SubscriptionResponse),
        AuthErrors,
        (status = 403, description = "PRO without an approved application (`application-required`), or the email address not verified yet (`email-verification-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Plan full (`plan-full`), already subscribed, a checkout pending, or the key in use", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or the key reused with another body", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable; nothing was kept", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/subscriptions")]
pub async fn create_subscription(
    req: HttpRequest,
    state: web::Data<AppState>,
    member: Member,
    body: Json<CreateSubscriptionRequest>,
) -> ApiResult<HttpResponse> {
    praxis_app::access::require_verified_email(&member.ctx)?;
    let request = body.0;
    let start = request.parse(&member.id)?;
    let canonical = serde_json::to_vec(&request).unwrap_or_default();
    let state_ref = state.clone();
    let member_id = member.id.clone();
    idempotency::once(
        &state,
        &req,
        member.id.as_str(),
        &canonical,
        |attempt| async move {
            let state = state_ref;
            let now = state.now();
            let hold = state.config.holds.checkout;
            let links = state.config.mail_links();
            let kind = state.payments.kind();
            // A start cut off after it committed (the key's earlier attempt died) is finished,
            // never started twice.
            let resumed = attempt.resumed().map(SubscriptionId::from_trusted);
            let step = state
                .write(move |c| {
                    if let Some(id) = resumed {
                        if let Some(step) = subscriptions::resume(c, &member_id, &id, kind, now)? {
                            return Ok(step);
                        }
                    }
                    let started = subscriptions::start(c, &start, kind, &links, now, hold)?;
                    attempt.record(c, &started.subscription.id)?;
                    Ok(Resumed::Checkout(started))
                })
                .await?;
            let started = match step {
                Resumed::Attached(row) => {
                    let body = serde_json::to_value(state.subscription_answer(row, now).await?)
                        .map_err(ApiError::internal)?;
                    return Ok((StatusCode::CREATED, body));
                }
                Resumed::Checkout(started) => started,
            };
            // An upgrade whose credit covers the price is active already: nothing to pay.
            let Some(order) = started.order else {
                let body = serde_json::to_value(
                    state.subscription_answer(started.subscription, now).await?,
                )
                .map_err(ApiError::internal)?;
                return Ok((StatusCode::CREATED, body));
            };
            let id = SubscriptionId::from_trusted(started.subscription.id);
            let provider = state.payments.clone();
            let row = match blocking(move || provider.create_checkout(&order)).await? {
                Ok(checkout) => {
                    state
                        .write(move |c| {
                            subscriptions::attach_checkout(c, &id, kind, &checkout, now)
                        })
                        .await?
                }
                Err(e) => {
                    state
                        .write(move |c| subscriptions::checkout_failed(c, &id, now))
                        .await?;
                    return Err(ApiError::Unavailable(e.to_string()));
                }
            };
            let body = serde_json::to_value(state.subscription_answer(row, now).await?)
                .map_err(ApiError::internal)?;
            Ok((StatusCode::CREATED, body))
        },
    )
    .await
}

/// The caller's subscriptions, newest first.
#[utoipa::path(tag = "subscriptions", security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of subscriptions", body = Page<SubscriptionResponse>),
        AuthErrors,
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/subscriptions")]
pub async fn list_subscriptions(
    state: web::Data<AppState>,
    member: Member,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (page.0.limit()?, page.0.after()?);
    let rows = state
        .read(move |c| subscriptions::list(c, &member.id, after, limit + 1))
        .await?;
    Ok(HttpResponse::Ok().json(state.subscription_page(rows, limit).await?))
}

/// One of the caller's subscriptions.
#[utoipa::path(tag = "subscriptions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "The subscription", body = SubscriptionResponse),
        AuthErrors,
        NotVisible,
    ))]
#[get("/subscriptions/{id}")]
pub async fn get_subscription(
    state: web::Data<AppState>,
    member: Member,
    id: PathId<SubscriptionId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = state
        .read(move |c| subscriptions::find(c, &member.id, &id))
        .await?;
    Ok(HttpResponse::Ok().json(state.subscription_answer(row, state.now()).await?))
}

/// Cancels a subscription at once: its spaces close with this request (cancelling PRO closes
/// both lounges). A refund, where the rules allow one, is asked for separately.
#[utoipa::path(tag = "subscriptions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "The cancelled subscription", body = SubscriptionResponse),
        AuthErrors,
        NotVisible,
        (status = 409, description = "Already cancelled or expired (`subscription-not-live`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/subscriptions/{id}/cancel")]
pub async fn cancel_subscription(
    state: web::Data<AppState>,
    member: Member,
    id: PathId<SubscriptionId>,
) -> ApiResult<HttpResponse> {
    let (id, now, offers) = (id.into_inner(), state.now(), state.offers());
    let row = state
        .write(move |c| subscriptions::cancel(c, &member.id, &id, &member.id, now, &offers))
        .await?;
    Ok(HttpResponse::Ok().json(respond(row, state.now())?))
}

/// Turns auto-renewal off (the subscription ends at its period's end: no renewal is charged and
/// access ends with the paid period) or back on (while the subscription is live).
#[utoipa::path(tag = "subscriptions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id")),
    request_body = AutoRenewRequest,
    responses(
        (status = 200, description = "The subscription", body = SubscriptionResponse),
        AuthErrors,
        NotVisible,
        (status = 409, description = "Cancelled or expired (`subscription-not-live`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/subscriptions/{id}")]
pub async fn update_subscription(
    state: web::Data<AppState>,
    member: Member,
    id: PathId<SubscriptionId>,
    body: Json<AutoRenewRequest>,
) -> ApiResult<HttpResponse> {
    let (id, now, on) = (id.into_inner(), state.now(), body.0.auto_renew);
    let row = state
        .write(move |c| {
            praxis_app::billing::renewals::set_auto_renew(c, &member.id, &id, on, &member.id, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(respond(row, state.now())?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WaitlistEntryResponse {
    pub id: String,
    pub plan: String,
    /// `waiting` or `offered` (a place is held for you until `offer_expires_at`).
    pub status: String,
    /// 1-based place in the queue while waiting.
    pub position: Option<i64>,
    pub joined_at: DateTime<Utc>,
    pub offer_expires_at: Option<DateTime<Utc>>,
}

impl From<Place> for WaitlistEntryResponse {
    fn from(place: Place) -> Self {
        let row = place.entry;
        Self {
            id: row.id,
            plan: row.plan_slug.as_str().to_owned(),
            status: row.status.as_str().to_owned(),
            position: place.position,
            joined_at: from_db_time(row.created_at),
            offer_expires_at: row.offer_expires_at.map(from_db_time),
        }
    }
}

/// Joins the waitlist of a full plan. When a place frees, the first in line is offered it by
/// email and it is held for them for a while (48 hours by default).
#[utoipa::path(tag = "subscriptions", security(("bearer" = [])),
    params(("plan" = String, Path, description = "`practitioner` or `pro`")),
    responses(
        (status = 201, description = "On the waitlist", body = WaitlistEntryResponse),
        AuthErrors,
        (status = 404, description = "No such plan, or the plan has no waitlist", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already waiting (`already-waiting`), already subscribed, or places are free (`seats-available`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/plans/{plan}/waitlist")]
pub async fn join_waitlist(
    state: web::Data<AppState>,
    member: Member,
    plan: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (plan, now) = (PlanSlug::parse(&plan)?, state.now());
    let place = state
        .write(move |c| waitlist::join(c, &member.id, plan, now))
        .await?;
    Ok(HttpResponse::Created().json(WaitlistEntryResponse::from(place)))
}

/// The caller's place on a plan's waitlist.
#[utoipa::path(tag = "subscriptions", security(("bearer" = [])),
    params(("plan" = String, Path, description = "`practitioner` or `pro`")),
    responses(
        (status = 200, description = "The caller's entry", body = WaitlistEntryResponse),
        AuthErrors,
        (status = 404, description = "Not on this waitlist", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/plans/{plan}/waitlist")]
pub async fn get_waitlist_entry(
    state: web::Data<AppState>,
    member: Member,
    plan: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let plan = PlanSlug::parse(&plan)?;
    let place = state
        .read(move |c| waitlist::entry(c, &member.id, plan))
        .await?;
    Ok(HttpResponse::Ok().json(WaitlistEntryResponse::from(place)))
}

/// Leaves a plan's waitlist (and gives back an offered place).
#[utoipa::path(tag = "subscriptions", security(("bearer" = [])),
    params(("plan" = String, Path, description = "`practitioner` or `pro`")),
    responses(
        (status = 204, description = "Left the waitlist"),
        AuthErrors,
        (status = 404, description = "Not on this waitlist", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/plans/{plan}/waitlist")]
pub async fn leave_waitlist(
    state: web::Data<AppState>,
    member: Member,
    plan: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (plan, now, offers) = (PlanSlug::parse(&plan)?, state.now(), state.offers());
    state
        .write(move |c| waitlist::leave(c, &member.id, plan, now, &offers))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
