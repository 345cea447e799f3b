//! Price assistance: members ask for a price within their means; hosts grant a reduced price
//! (an audited price override the checkout then charges) or decline.

use crate::auth::Caller;
use crate::dto::money::MoneyDto;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_domain::assistance::{
    check_reduced_price, ensure_pending, AssistanceDecision, AssistanceDraft, AssistanceRequest,
    AssistanceStatus,
};
use praxis_domain::ids::{AssistanceRequestId, UserId};
use praxis_domain::plans::{BillingPeriod, PlanSlug};
use praxis_domain::{Currency, Money};
use praxis_openapi::Problem;
use praxis_persistence::assistance::{self, AssistanceRow, Decision, PriceOverrideRow};
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::{audit, from_db_time, plans, to_db_time, users};
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
pub struct AssistanceListResponse {
    pub items: Vec<AssistanceResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct AssistancePage {
    pub items: Vec<AssistanceResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Asks the hosts for a price within the caller's means.
#[utoipa::path(tag = "plans",
    security(("bearer" = [])), request_body = AssistanceRequestBody,
    responses(
        (status = 201, description = "Request recorded", body = AssistanceResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        (status = 401, description = "Missing or invalid access token", body = Problem, content_type = PROBLEM),
        (status = 409, description = "A request for this plan and period already waits (`assistance-request-open`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid request (the Lobby is free; the proposal must be below the regular price)", body = Problem, content_type = PROBLEM),
    ))]
#[post("/price-assistance-requests")]
pub async fn request_assistance(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<AssistanceRequestBody>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let request = AssistanceRequest::parse(AssistanceDraft {
        plan: body.plan,
        billing_period: body.billing_period,
        message: body.message,
        proposed_amount: body.proposed_amount.parse("proposed_amount"),
    })?;
    let now = to_db_time(state.now());
    let row = state
        .db_write(move |conn| {
            request.check_against(&plans::find(conn, request.plan)?)?;
            let (plan, period) = (request.plan, request.billing_period);
            if assistance::has_pending(conn, &caller.user_id, plan, period)? {
                return Err(ApiError::Conflict {
                    kind: "assistance-request-open",
                    detail: "You already asked about this plan and period; the hosts will answer."
                        .to_owned(),
                });
            }
            let row = AssistanceRow {
                id: uuid::Uuid::now_v7().to_string(),
                user_id: caller.user_id,
                plan_slug: plan.as_str().to_owned(),
                billing_period: period.as_str().to_owned(),
                message: request.message,
                proposed_cents: request.proposed_amount.cents,
                currency: request.proposed_amount.currency.to_string(),
                status: AssistanceStatus::Pending.as_str().to_owned(),
                granted_cents: None,
                note: None,
                requested_at: now,
                decided_at: None,
                decided_by: None,
            };
            assistance::insert(conn, &row)?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(AssistanceResponse::from(row)))
}

/// The caller's assistance requests, newest first.
#[utoipa::path(tag = "plans",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's requests", body = AssistanceListResponse),
        (status = 401, description = "Missing or invalid access token", body = Problem, content_type = PROBLEM),
    ))]
#[get("/price-assistance-requests/mine")]
pub async fn my_assistance_requests(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<HttpResponse> {
    let rows = state
        .db(move |conn| Ok(assistance::list_for_user(conn, &caller.user_id)?))
        .await?;
    Ok(HttpResponse::Ok().json(AssistanceListResponse {
        items: rows.into_iter().map(Into::into).collect(),
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
        (status = 401, description = "Missing or invalid access token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not a host or admin (`host-role-required`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid status, limit or cursor", body = Problem, content_type = PROBLEM),
    ))]
#[get("/admin/price-assistance-requests")]
pub async fn list_assistance_requests(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<AssistanceListParams>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
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
        .db(move |conn| Ok(assistance::page(conn, status, after, limit + 1)?))
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
        (status = 401, description = "Missing or invalid access token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not a host or admin (`host-role-required`)", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such request", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Already decided (`assistance-request-decided`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid decision, or an amount above the regular price", body = Problem, content_type = PROBLEM),
    ))]
#[post("/admin/price-assistance-requests/{id}/decision")]
pub async fn decide_assistance_request(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<AssistanceDecisionRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
    let body = body.0;
    let amount = body.amount.map(|m| m.parse("amount"));
    let decision = AssistanceDecision::parse(&body.decision, amount, body.note)?;
    let id = AssistanceRequestId::from_trusted(path.into_inner());
    let host = UserId::from_trusted(caller.user_id);
    let now = state.now();
    let row = state
        .db_write(move |conn| {
            let before =
                assistance::find(conn, id.as_str())?.ok_or(ApiError::NotFound("request"))?;
            let status = AssistanceStatus::parse("status", &before.status)
                .map_err(|_| ApiError::internal(format!("request {id} has a bad status")))?;
            ensure_pending(status)?;
            let (plan, period) = stored_plan(&before)?;
            let (granted, note) = match &decision {
                AssistanceDecision::Grant { amount, note } => {
                    check_reduced_price("amount", period, *amount, &plans::find(conn, plan)?)?;
                    (Some(*amount), note.clone())
                }
                AssistanceDecision::Decline { note } => (None, note.clone()),
            };
            let changed = assistance::decide(
                conn,
                &id,
                &Decision {
                    status: decision.status(),
                    granted_cents: granted.map(|m| m.cents),
                    note: note.as_deref(),
                    at: to_db_time(now),
                    by: &host,
                },
            )?;
            if !changed {
                return Err(ApiError::Conflict {
                    kind: "assistance-request-decided",
                    detail: "This request was decided a moment ago.".to_owned(),
                });
            }
            let after =
                assistance::find(conn, id.as_str())?.ok_or(ApiError::NotFound("request"))?;
            let mut audit_after = serde_json::json!(AssistanceResponse::from(after.clone()));
            if let Some(amount) = granted {
                let override_row = override_for(&after, amount, host.as_str(), now);
                let revoked = assistance::grant_override(conn, &override_row)?;
                audit_after["price_override_id"] = override_row.id.into();
                audit_after["revoked_override_ids"] = revoked.into();
            }
            let member =
                users::find_by_id(conn, &after.user_id)?.ok_or(ApiError::NotFound("member"))?;
            outbox::enqueue(conn, decision_mail(&member.email, &after), to_db_time(now))?;
            audit::record(
                conn,
                &praxis_app::audit::entry(
                    Some(host.as_str()),
                    &format!("price_assistance.{}", after.status),
                    "price_assistance_request",
                    &after.id,
                    Some(&AssistanceResponse::from(before)),
                    Some(&audit_after),
                    now,
                ),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(AssistanceResponse::from(row)))
}

fn stored_plan(row: &AssistanceRow) -> ApiResult<(PlanSlug, BillingPeriod)> {
    let plan = PlanSlug::parse(&row.plan_slug);
    let period = BillingPeriod::parse("billing_period", &row.billing_period);
    match (plan, period) {
        (Ok(plan), Ok(period)) => Ok((plan, period)),
        _ => Err(ApiError::internal(format!(
            "assistance request {} has a bad plan or period",
            row.id
        ))),
    }
}

fn override_for(
    request: &AssistanceRow,
    amount: Money,
    host: &str,
    now: DateTime<Utc>,
) -> PriceOverrideRow {
    PriceOverrideRow {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: request.user_id.clone(),
        plan_slug: request.plan_slug.clone(),
        billing_period: request.billing_period.clone(),
        amount_cents: amount.cents,
        currency: amount.currency.to_string(),
        granted_by: host.to_owned(),
        request_id: Some(request.id.clone()),
        created_at: to_db_time(now),
        revoked_at: None,
    }
}

fn decision_mail(recipient: &str, request: &AssistanceRow) -> Mail {
    let currency = Currency::parse("currency", &request.currency).unwrap_or(Currency::EUR);
    let (subject, outcome) = match request.granted_cents {
        Some(cents) => (
            "Your price assistance is granted",
            format!(
                "The hosts granted you a price of {}.{:02} {currency} per {} period for the {} plan. \
                 It applies when you subscribe.",
                cents / 100,
                cents % 100,
                request.billing_period,
                request.plan_slug
            ),
        ),
        None => (
            "About your price assistance request",
            format!(
                "The hosts could not grant a reduced price for the {} plan this time.",
                request.plan_slug
            ),
        ),
    };
    let note = request
        .note
        .as_deref()
        .map(|n| format!("\n\nA note from the hosts:\n{n}"))
        .unwrap_or_default();
    Mail {
        kind: "assistance_decision",
        recipient: recipient.to_owned(),
        subject: subject.to_owned(),
        body: format!("{outcome}{note}\n"),
    }
}
