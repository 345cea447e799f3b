//! Subscriptions to paid plans, and the waitlist of a full plan.

use crate::auth::Caller;
use crate::dto::billing::{respond, subscription_page, SubscriptionResponse};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::idempotency;
use crate::pagination::{Page, PageParams};
use crate::state::{blocking, AppState};
use actix_web::http::StatusCode;
use actix_web::{delete, get, post};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::billing::checkout::{self, StartSubscription};
use praxis_app::billing::{lifecycle, seats};
use praxis_domain::error::Errors;
use praxis_domain::payments::CheckoutRequest;
use praxis_domain::plans::{BillingPeriod, PlanSlug, PriceVersion};
use praxis_openapi::Problem;
use praxis_persistence::subscriptions::{self as repo, SubscriptionRow};
use praxis_persistence::waitlist::{self, WaitlistRow};
use praxis_persistence::{from_db_time, to_db_time, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_subscription)
        .service(list_subscriptions)
        .service(get_subscription)
        .service(cancel_subscription)
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
    fn parse(&self, user_id: &str) -> ApiResult<StartSubscription> {
        let mut errors = Errors::new();
        let plan = match PlanSlug::parse(&self.plan) {
            Ok(PlanSlug::Lobby) => {
                errors.push("plan", "the Lobby is free: registering is all it takes");
                None
            }
            Ok(plan) => Some(plan),
            Err(_) => {
                errors.push("plan", "must be one of: practitioner, pro");
                None
            }
        };
        let period = errors.take(BillingPeriod::parse("billing_period", &self.billing_period));
        let version = errors.take(PriceVersion::parse("price_version", &self.price_version));
        errors.finish()?;
        match (plan, period, version) {
            (Some(plan), Some(period), Some(version)) => Ok(StartSubscription {
                user_id: user_id.to_owned(),
                plan,
                period,
                version,
            }),
            _ => Err(ApiError::internal("validated fields missing")),
        }
    }
}

/// Starts a subscription: a `pending_payment` subscription holding a seat while its checkout is
/// paid. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "subscriptions", security(("bearer" = [])),
    request_body = CreateSubscriptionRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key and body return the first answer")),
    responses(
        (status = 201, description = "Pending subscription with its checkout", body = SubscriptionResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "PRO without an approved application (`application-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Plan full (`plan-full`), already subscribed, a checkout pending, or the key in use", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or the key reused with another body", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable; nothing was kept", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/subscriptions")]
pub async fn create_subscription(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateSubscriptionRequest>,
) -> ApiResult<HttpResponse> {
    let request = body.0;
    let start = request.parse(&caller.user_id)?;
    let canonical = serde_json::to_vec(&request).unwrap_or_default();
    let state_ref = state.clone();
    idempotency::once(
        &state,
        &req,
        &caller.user_id,
        "POST /subscriptions",
        &canonical,
        || async move {
            let state = state_ref;
            let now = state.now();
            let hold = state.config.holds.checkout;
            let pending = state
                .write(move |conn| checkout::start(conn, &start, now, hold))
                .await?;
            let (user_id, sub_id) = (pending.user_id.clone(), pending.id.clone());
            let email = state
                .db(move |conn| {
                    Ok(users::find_by_id(conn, &user_id)?
                        .map(|u| u.email)
                        .unwrap_or_default())
                })
                .await?;
            let provider = state.payments.clone();
            let order = CheckoutRequest {
                subscription_id: sub_id.clone(),
                customer_email: email,
                description: format!("{} plan, {}", pending.plan_slug, pending.billing_period),
                amount: praxis_domain::Money::eur(pending.amount_due_cents),
            };
            let created = blocking(move || provider.create_checkout(&order)).await?;
            let row = match created {
                Ok(checkout) => {
                    let id = sub_id.clone();
                    state
                        .write(move |conn| checkout::attach_checkout(conn, &id, &checkout))
                        .await?
                }
                Err(e) => {
                    let id = sub_id.clone();
                    let at = to_db_time(now);
                    state
                        .db_write(move |conn| {
                            Ok(repo::end(conn, &id, "expired", "checkout_failed", at)?)
                        })
                        .await?;
                    return Err(ApiError::Unavailable(e.to_string()));
                }
            };
            let body = serde_json::to_value(respond(row, now)?).map_err(ApiError::internal)?;
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
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/subscriptions")]
pub async fn list_subscriptions(
    state: web::Data<AppState>,
    caller: Caller,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    list_for(&state, caller.user_id, page.0).await
}

/// A page of `user_id`'s subscriptions.
async fn list_for(state: &AppState, user_id: String, page: PageParams) -> ApiResult<HttpResponse> {
    let (limit, after) = (page.limit()?, page.after()?);
    let rows = state
        .read(move |conn| praxis_app::billing::subscriptions_of(conn, &user_id, after, limit + 1))
        .await?;
    Ok(HttpResponse::Ok().json(subscription_page(rows, limit, state.now())?))
}

async fn own_subscription(
    state: &AppState,
    caller: &Caller,
    id: String,
) -> ApiResult<SubscriptionRow> {
    let user_id = caller.user_id.clone();
    state
        .db(move |conn| {
            repo::find(conn, &id)?
                .filter(|r| r.user_id == user_id)
                .ok_or(ApiError::NotFound("subscription"))
        })
        .await
}

/// One of the caller's subscriptions.
#[utoipa::path(tag = "subscriptions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "The subscription", body = SubscriptionResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the caller's, or unknown", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/subscriptions/{id}")]
pub async fn get_subscription(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let row = own_subscription(&state, &caller, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(respond(row, state.now())?))
}

/// Cancels a subscription at once: its spaces close with this request (cancelling PRO closes
/// both lounges). A refund, where the rules allow one, is asked for separately.
#[utoipa::path(tag = "subscriptions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "The cancelled subscription", body = SubscriptionResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the caller's, or unknown", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already cancelled or expired (`subscription-not-live`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/subscriptions/{id}/cancel")]
pub async fn cancel_subscription(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let row = cancel_for(&state, &caller.user_id, &caller.user_id, id).await?;
    Ok(HttpResponse::Ok().json(respond(row, state.now())?))
}

/// Cancels `user_id`'s subscription on behalf of `actor_id` (the member, or the hub).
async fn cancel_for(
    state: &AppState,
    user_id: &str,
    actor_id: &str,
    id: String,
) -> ApiResult<SubscriptionRow> {
    let now = state.now();
    let hold = state.config.holds.waitlist_offer;
    let public_url = state.config.public_url.clone();
    let (user_id, actor_id) = (user_id.to_owned(), actor_id.to_owned());
    state
        .write(move |conn| {
            lifecycle::cancel(conn, &user_id, &id, &actor_id, now, hold, &public_url)
        })
        .await
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

fn waitlist_response(row: WaitlistRow, position: Option<i64>) -> WaitlistEntryResponse {
    WaitlistEntryResponse {
        id: row.id,
        plan: row.plan_slug,
        status: row.status,
        position,
        joined_at: from_db_time(row.created_at),
        offer_expires_at: row.offer_expires_at.map(from_db_time),
    }
}

fn paid_plan(raw: &str) -> ApiResult<PlanSlug> {
    match PlanSlug::parse(raw)? {
        PlanSlug::Lobby => Err(ApiError::NotFound("waitlist")),
        plan => Ok(plan),
    }
}

/// Joins the waitlist of a full plan. When a place frees, the first in line is offered it by
/// email and it is held for them for a while (48 hours by default).
#[utoipa::path(tag = "subscriptions", security(("bearer" = [])),
    params(("plan" = String, Path, description = "`practitioner` or `pro`")),
    responses(
        (status = 201, description = "On the waitlist", body = WaitlistEntryResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan, or the plan has no waitlist", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already waiting (`already-waiting`), already subscribed, or places are free (`seats-available`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/plans/{plan}/waitlist")]
pub async fn join_waitlist(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let plan = paid_plan(&path.into_inner())?;
    let now = state.now();
    let user_id = caller.user_id;
    let (row, position) = state
        .db_write(move |conn| {
            repo::lock_plan(conn, plan.as_str())?;
            if waitlist::open_entry(conn, &user_id, plan.as_str())?.is_some() {
                return Err(ApiError::Conflict {
                    kind: "already-waiting",
                    detail: "You are already on this plan's waitlist.".into(),
                });
            }
            if repo::active_plan(conn, &user_id, to_db_time(now))?.as_deref() == Some(plan.as_str())
            {
                return Err(ApiError::Conflict {
                    kind: "already-subscribed",
                    detail: "You already have this plan.".into(),
                });
            }
            if seats::free_seats(conn, plan, Some(&user_id), now)?.is_some_and(|free| free > 0) {
                return Err(ApiError::Conflict {
                    kind: "seats-available",
                    detail: "This plan has free places: subscribe instead of waiting.".into(),
                });
            }
            let at = to_db_time(now);
            let row = WaitlistRow {
                id: uuid::Uuid::now_v7().to_string(),
                user_id: user_id.clone(),
                plan_slug: plan.as_str().to_owned(),
                status: "waiting".into(),
                created_at: at,
                offered_at: None,
                offer_expires_at: None,
                updated_at: at,
            };
            waitlist::insert(conn, &row)?;
            praxis_persistence::audit::record(
                conn,
                &praxis_app::audit::entry::<(), _>(
                    Some(&user_id),
                    "waitlist.joined",
                    "waitlist_entry",
                    &row.id,
                    None,
                    Some(&serde_json::json!({"plan": plan.as_str()})),
                    now,
                ),
            )?;
            let position = waitlist::position(conn, &row)?;
            Ok((row, position))
        })
        .await?;
    Ok(HttpResponse::Created().json(waitlist_response(row, Some(position))))
}

/// The caller's place on a plan's waitlist.
#[utoipa::path(tag = "subscriptions", security(("bearer" = [])),
    params(("plan" = String, Path, description = "`practitioner` or `pro`")),
    responses(
        (status = 200, description = "The caller's entry", body = WaitlistEntryResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not on this waitlist", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/plans/{plan}/waitlist")]
pub async fn get_waitlist_entry(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let plan = paid_plan(&path.into_inner())?;
    let (row, position) = state
        .db(move |conn| {
            let row = waitlist::open_entry(conn, &caller.user_id, plan.as_str())?
                .ok_or(ApiError::NotFound("waitlist entry"))?;
            let position = if row.status == "waiting" {
                Some(waitlist::position(conn, &row)?)
            } else {
                None
            };
            Ok((row, position))
        })
        .await?;
    Ok(HttpResponse::Ok().json(waitlist_response(row, position)))
}

/// Leaves a plan's waitlist (and gives back an offered place).
#[utoipa::path(tag = "subscriptions", security(("bearer" = [])),
    params(("plan" = String, Path, description = "`practitioner` or `pro`")),
    responses(
        (status = 204, description = "Left the waitlist"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not on this waitlist", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/plans/{plan}/waitlist")]
pub async fn leave_waitlist(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let plan = paid_plan(&path.into_inner())?;
    let now = state.now();
    let hold = state.config.holds.waitlist_offer;
    let public_url = state.config.public_url.clone();
    state
        .db_write(move |conn| {
            repo::lock_plan(conn, plan.as_str())?;
            let row = waitlist::open_entry(conn, &caller.user_id, plan.as_str())?
                .ok_or(ApiError::NotFound("waitlist entry"))?;
            waitlist::set_status(conn, &row.id, "left", None, to_db_time(now))?;
            if row.status == "offered" {
                seats::offer_free_seats(conn, plan, now, hold, &public_url)?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
