//! Price assistance: members ask for a price within their means; hosts grant a reduced price
//! (an audited price override the checkout then charges) or decline.

use crate::auth::viewer::{Host, Member};
use crate::dto::money::MoneyDto;
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{AuthErrors, HostOnly, Invalid};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::assistance;
use praxis_domain::assistance::{
    AssistanceDecision, AssistanceDraft, AssistanceRequest, AssistanceStatus,
};
use praxis_domain::ids::AssistanceRequestId;
use praxis_openapi::Problem;
use praxis_persistence::assistance::AssistanceRow;
use praxis_persistence::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(request_assistance)
        .service(my_assistance_requests)
        .service(list_assistance_requests)
        .service(decide_assistance_request);
}

const PROBLEM: &str = "application/problem+json";

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"plan": "practitioner", "billing_period": "monthly",
    "message": "I am a student and can afford about 10 EUR a month.",
    "proposed_amount": {"amount": 1000, "currency": "EUR"}}))]
pub struct AssistanceRequestBody {
    /// `practitioner` or `pro`.
    pub plan: String,
    /// `monthly` or `yearly`.
    pub billing_period: String,
    /// Your situation, for the hosts.
    pub message: String,
    /// The price per period you can pay.
    pub proposed_amount: MoneyDto,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01938a2b-7c4e-7cc3-a1a6-0c1b5f7d2e10", "user_id": "01938a2a-0000-7000-8000-000000000001",
    "plan": "practitioner", "billing_period": "monthly", "message": "I am a student.",
    "proposed_amount": {"amount": 1000, "currency": "EUR"}, "status": "granted",
    "granted_amount": {"amount": 1200, "currency": "EUR"}, "note": "Granted for a year.",
    "requested_at": "2026-11-21T10:00:00Z", "decided_at": "2026-11-22T08:00:00Z"
}))]
pub struct AssistanceResponse {
    pub id: String,
    /// The member who asked.
    pub user_id: String,
    pub plan: String,
    pub billing_period: String,
    pub message: String,
    pub proposed_amount: MoneyDto,
    /// `pending`, `granted` or `declined`.
    #[schema(example = "pending")]
    pub status: String,
    /// The price granted, which the checkout charges from now on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub granted_amount: Option<MoneyDto>,
    /// The host's note to the member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub requested_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<AssistanceRow> for AssistanceResponse {
    fn from(row: AssistanceRow) -> Self {
        let money = |cents: i64| MoneyDto {
            amount: cents,
            currency: row.currency.clone(),
        };
        Self {
            proposed_amount: money(row.proposed_cents),
            granted_amount: row.granted_cents.map(money),
            id: row.id,
            user_id: row.user_id,
            plan: row.plan_slug,
            billing_period: row.billing_period,
            message: row.message,
            status: row.status,
            note: row.note,
            requested_at: from_db_time(row.requested_at),
            decided_at: row.decided_at.map(from_db_time),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AssistancePage {
    pub items: Vec<AssistanceResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl TryFrom<AssistanceRequestBody> for AssistanceRequest {
    type Error = praxis_domain::Error;

    fn try_from(body: AssistanceRequestBody) -> praxis_domain::Result<Self> {
        AssistanceRequest::parse(AssistanceDraft {
            plan: body.plan,
            billing_period: body.billing_period,
            message: body.message,
            proposed_amount: body.proposed_amount.parse("proposed_amount"),
        })
    }
}

/// Asks the hosts for a price within the caller's means.
#[utoipa::path(tag = "plans",
    security(("bearer" = [])), request_body = AssistanceRequestBody,
    responses(
        (status = 201, description = "Request recorded", body = AssistanceResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        AuthErrors,
        (status = 409, description = "A request for this plan and period already waits (`assistance-request-open`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid request (the Lobby is free; the proposal must be below the regular price)", body = Problem, content_type = PROBLEM),
    ))]
#[post("/price-assistance-requests")]
pub async fn request_assistance(
    state: web::Data<AppState>,
    member: Member,
    body: Json<AssistanceRequestBody>,
) -> ApiResult<HttpResponse> {
    let request = AssistanceRequest::try_from(body.0)?;
    let now = state.now();
    let row = state
        .write(move |c| assistance::ask(c, &member.id, request, now))
        .await?;
    Ok(HttpResponse::Created().json(AssistanceResponse::from(row)))
}

/// The caller's assistance requests, newest first, in keyset pages.
#[utoipa::path(tag = "plans",
    security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of the caller's requests", body = AssistancePage),
        AuthErrors,
        Invalid,
    ))]
#[get("/price-assistance-requests/mine")]
pub async fn my_assistance_requests(
    state: web::Data<AppState>,
    member: Member,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let rows = state
        .read(move |c| assistance::mine(c, &member.id, after, limit + 1))
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |r| (r.requested_at, r.id.clone()),
        AssistanceResponse::from,
    );
    Ok(HttpResponse::Ok().json(AssistancePage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssistanceListParams {
    /// Only requests in this status: `pending`, `granted` or `declined`.
    pub status: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Assistance requests for hosts to answer, newest first. Hosts and admins.
#[utoipa::path(tag = "admin",
    security(("bearer" = [])), params(AssistanceListParams),
    responses(
        (status = 200, description = "A page of requests", body = AssistancePage),
        HostOnly,
        (status = 422, description = "Invalid status, limit or cursor", body = Problem, content_type = PROBLEM),
    ))]
#[get("/admin/price-assistance-requests")]
pub async fn list_assistance_requests(
    state: web::Data<AppState>,
    _host: Host,
    query: Query<AssistanceListParams>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let status = query
        .status
        .as_deref()
        .map(|s| AssistanceStatus::parse("status", s))
        .transpose()?;
    let params = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    };
    let (limit, after) = (params.limit()?, params.after()?);
    let rows = state
        .read(move |c| assistance::list(c, status, after, limit + 1))
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |r| (r.requested_at, r.id.clone()),
        AssistanceResponse::from,
    );
    Ok(HttpResponse::Ok().json(AssistancePage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"decision": "grant", "amount": {"amount": 1200, "currency": "EUR"}, "note": "Granted; we are glad to have you."}))]
pub struct AssistanceDecisionRequest {
    /// `grant` or `decline`.
    pub decision: String,
    /// The price per period the member will pay. Required to grant; leave out to decline.
    #[serde(default)]
    pub amount: Option<MoneyDto>,
    /// Shown to the member.
    #[serde(default)]
    pub note: Option<String>,
}

/// Grants a reduced price (a price override for the member, plan and period, replacing earlier
/// ones) or declines. Hosts and admins; audited, and the member is mailed.
#[utoipa::path(tag = "admin",
    security(("bearer" = [])), request_body = AssistanceDecisionRequest,
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "Decided", body = AssistanceResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        HostOnly,
        (status = 404, description = "No such request", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Already decided (`assistance-request-decided`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid decision, or an amount above the regular price", body = Problem, content_type = PROBLEM),
    ))]
#[post("/admin/price-assistance-requests/{id}/decision")]
pub async fn decide_assistance_request(
    state: web::Data<AppState>,
    Host(host): Host,
    id: PathId<AssistanceRequestId>,
    body: Json<AssistanceDecisionRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let amount = body.amount.map(|m| m.parse("amount"));
    let decision = AssistanceDecision::parse(&body.decision, amount, body.note)?;
    let (id, now) = (id.into_inner(), state.now());
    let row = state
        .write(move |c| assistance::decide(c, &host.id, &id, &decision, now))
        .await?;
    Ok(HttpResponse::Ok().json(AssistanceResponse::from(row)))
}
