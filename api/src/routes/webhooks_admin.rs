//! Admins register integrators' webhook endpoints, read each one's delivery log (status per
//! attempt), redeliver, and remove endpoints. Every change is audited. Deliveries are sent by the
//! job tick (`crate::webhooks`).

use crate::auth::Admin;
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{AdminOnly, Invalid, NotVisible};
use crate::state::{blocking, AppState};
use actix_web::{delete, get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::webhooks::DeliveryLog;
use praxis_domain::ids::{WebhookDeliveryId, WebhookEndpointId};
use praxis_domain::webhooks::{NewEndpoint, WebhookEvent};
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use praxis_persistence::webhooks::{AttemptRow, DeliveryRow, EndpointRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(register_webhook)
        .service(list_webhooks)
        .service(list_webhook_deliveries)
        .service(redeliver_webhook)
        .service(delete_webhook);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://crm.example.org/hooks/praxis", "events": ["member.joined", "payment.received"], "description": "CRM sync"}))]
pub struct RegisterWebhookRequest {
    /// `https://` (or `http://` with `PRAXIS_WEBHOOKS_ALLOW_HTTP=on`), reaching public
    /// addresses only (unless `PRAXIS_WEBHOOKS_ALLOW_PRIVATE=on`).
    pub url: String,
    /// One or more of `member.joined`, `subscription.activated`, `subscription.cancelled`,
    /// `subscription.expired`, `payment.received`, `refund.paid`, `application.decided`,
    /// `event.created`, `badge.awarded`.
    pub events: Vec<String>,
    /// At most 200 characters.
    pub description: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEndpointResponse {
    pub id: String,
    pub url: String,
    #[schema(value_type = Vec<String>)]
    pub events: Vec<WebhookEvent>,
    pub description: String,
    pub created_at: DateTime<Utc>,
    /// Set when a delivery failed every attempt; nothing new is sent until a redelivery.
    pub disabled_at: Option<DateTime<Utc>>,
}

impl From<&EndpointRow> for WebhookEndpointResponse {
    fn from(row: &EndpointRow) -> Self {
        Self {
            id: row.id.clone(),
            url: row.url.clone(),
            events: WebhookEvent::parse_list(&row.events),
            description: row.description.clone(),
            created_at: from_db_time(row.created_at),
            disabled_at: row.disabled_at.map(from_db_time),
        }
    }
}

/// A new endpoint with its signing secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisteredWebhookResponse {
    #[serde(flatten)]
    pub endpoint: WebhookEndpointResponse,
    /// `whsec_` + base64 key: verify `webhook-signature` (`v1,<base64 HMAC-SHA256 of
    /// "<webhook-id>.<webhook-timestamp>.<body>">`) with the base64-decoded part after `whsec_`.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

#[derive(Serialize, ToSchema)]
pub struct WebhookEndpointPage {
    pub items: Vec<WebhookEndpointResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAttemptResponse {
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status; `null` when none came (refused address, timeout).
    pub status_code: Option<i32>,
    pub succeeded: bool,
    pub error: Option<String>,
}

/// One event queued for an endpoint (its id is the `webhook-id` header).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryResponse {
    pub id: String,
    pub endpoint_id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub created_at: DateTime<Utc>,
    /// `pending` (to be tried, maybe again), `delivered` or `failed` (every attempt failed).
    pub status: String,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Every attempt, oldest first.
    pub attempts: Vec<WebhookAttemptResponse>,
}

impl WebhookDeliveryResponse {
    fn new(row: DeliveryRow, attempts: Vec<AttemptRow>) -> Self {
        let status = match (row.delivered_at, row.given_up_at) {
            (Some(_), _) => "delivered",
            (None, Some(_)) => "failed",
            (None, None) => "pending",
        };
        Self {
            id: row.id,
            endpoint_id: row.endpoint_id,
            event_type: row.event_type,
            created_at: from_db_time(row.created_at),
            status: status.to_owned(),
            next_attempt_at: (status == "pending").then(|| from_db_time(row.next_attempt_at)),
            delivered_at: row.delivered_at.map(from_db_time),
            attempts: attempts
                .into_iter()
                .map(|a| WebhookAttemptResponse {
                    at: from_db_time(a.attempted_at),
                    status_code: a.status_code,
                    succeeded: a.succeeded,
                    error: a.error,
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct WebhookDeliveryPage {
    pub items: Vec<WebhookDeliveryResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Registers an endpoint for the events named. The answer holds its secret, shown only here.
/// The host must resolve to public addresses only. Admins only; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    request_body = RegisterWebhookRequest,
    responses(
        (status = 201, description = "Registered; keep the secret", body = RegisteredWebhookResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        AdminOnly,
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[post("/admin/webhooks")]
pub async fn register_webhook(
    state: web::Data<AppState>,
    Admin(admin): Admin,
    body: Json<RegisterWebhookRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let policy = state.config.webhooks;
    let draft = NewEndpoint::parse(&body.url, &body.events, body.description.as_deref(), policy)?;
    let url = draft.url.clone();
    blocking(move || crate::webhooks::check_url(&url, policy)).await??;
    let now = state.now();
    let row = state
        .write(move |c| praxis_app::webhooks::register(c, &admin.id, draft, now))
        .await?;
    Ok(HttpResponse::Created().json(RegisteredWebhookResponse {
        endpoint: WebhookEndpointResponse::from(&row),
        secret: row.secret,
    }))
}

/// The registered endpoints, newest first (never their secrets). Admins only.
#[utoipa::path(tag = "admin", security(("bearer" = [])), params(PageParams),
    responses(
        (status = 200, description = "A page of endpoints", body = WebhookEndpointPage),
        AdminOnly,
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/admin/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    _admin: Admin,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let rows = state
        .read(move |c| praxis_app::webhooks::list(c, after, limit + 1))
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |r| (r.created_at, r.id.clone()),
        |r| WebhookEndpointResponse::from(&r),
    );
    Ok(HttpResponse::Ok().json(WebhookEndpointPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// An endpoint's deliveries, newest first, each with the status of every attempt. Admins only.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Endpoint id"), PageParams),
    responses(
        (status = 200, description = "A page of deliveries", body = WebhookDeliveryPage),
        AdminOnly,
        NotVisible,
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/admin/webhooks/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    _admin: Admin,
    id: PathId<WebhookEndpointId>,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (id, limit, after) = (id.into_inner(), query.0.limit()?, query.0.after()?);
    let rows = state
        .read(move |c| praxis_app::webhooks::deliveries(c, &id, after, limit + 1))
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |(r, _): &DeliveryLog| (r.created_at, r.id.clone()),
        |(r, attempts)| WebhookDeliveryResponse::new(r, attempts),
    );
    Ok(HttpResponse::Ok().json(WebhookDeliveryPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Sends a delivery again from its first attempt, under the same `webhook-id`, at the next
/// job tick; a disabled endpoint is enabled again. Admins only; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Delivery id")),
    responses(
        (status = 202, description = "Queued again", body = WebhookDeliveryResponse),
        AdminOnly,
        NotVisible,
    ))]
#[post("/admin/webhook-deliveries/{id}/redeliver")]
pub async fn redeliver_webhook(
    state: web::Data<AppState>,
    Admin(admin): Admin,
    id: PathId<WebhookDeliveryId>,
) -> ApiResult<HttpResponse> {
    let (id, now) = (id.into_inner(), state.now());
    let row = state
        .write(move |c| praxis_app::webhooks::redeliver(c, &admin.id, &id, now))
        .await?;
    Ok(HttpResponse::Accepted().json(WebhookDeliveryResponse::new(row, Vec::new())))
}

/// Removes an endpoint and its delivery log; nothing more is sent to it. Admins only; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Endpoint id")),
    responses(
        (status = 204, description = "Removed"),
        AdminOnly,
        NotVisible,
    ))]
#[delete("/admin/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    Admin(admin): Admin,
    id: PathId<WebhookEndpointId>,
) -> ApiResult<HttpResponse> {
    let (id, now) = (id.into_inner(), state.now());
    state
        .write(move |c| praxis_app::webhooks::delete(c, &admin.id, &id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
