//! Refund quotes, refund requests and the hosts' decisions on them.

use crate::auth::Caller;
use crate::dto::billing::{
    request_response, CreateRefundRequest, RefundQuoteResponse, RefundRequestResponse,
};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::idempotency;
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{get, post};
use actix_web::{web, HttpRequest, HttpResponse};
use praxis_app::billing::refunds::{self, Decision};
use praxis_domain::FieldError;
use praxis_openapi::Problem;
use praxis_persistence::refunds::{self as repo, RefundRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(refund_quote)
        .service(create_refund_request)
        .service(list_my_refund_requests)
        .service(list_refund_requests)
        .service(decide_refund_request);
}

/// What a refund asked for now would pay, by which rule, and why.
#[utoipa::path(tag = "refunds", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "The quote", body = RefundQuoteResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the caller's, or unknown", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing paid yet (`nothing-paid`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/subscriptions/{id}/refund-quote")]
pub async fn refund_quote(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let now = state.now();
    let (_, _, quote) = state
        .read(move |conn| refunds::quote_for(conn, &caller.user_id, &id, now))
        .await?;
    Ok(HttpResponse::Ok().json(RefundQuoteResponse::from(quote)))
}

/// Asks for a refund; the quote at this moment is recorded with the request. Accepts
/// `Idempotency-Key`.
#[utoipa::path(tag = "refunds", security(("bearer" = [])),
    request_body = CreateRefundRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key and body return the first answer")),
    responses(
        (status = 201, description = "The request, with its frozen quote", body = RefundRequestResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the caller's subscription", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing paid or refundable, or a request already pending", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or the key reused with another body", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/refund-requests")]
pub async fn create_refund_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateRefundRequest>,
) -> ApiResult<HttpResponse> {
    let request = body.0;
    let message = praxis_domain::refunds::parse_request_message(&request.message)?;
    let canonical = serde_json::to_vec(&request).unwrap_or_default();
    let user_id = caller.user_id.clone();
    let state_ref = state.clone();
    idempotency::once(
        &state,
        &req,
        &caller.user_id,
        "POST /refund-requests",
        &canonical,
        || async move {
            let now = state_ref.now();
            let row = state_ref
                .write(move |conn| {
                    refunds::request(conn, &user_id, &request.subscription_id, &message, now)
                })
                .await?;
            let body =
                serde_json::to_value(request_response(row, None)).map_err(ApiError::internal)?;
            Ok((StatusCode::CREATED, body))
        },
    )
    .await
}

/// The caller's refund requests, newest first.
#[utoipa::path(tag = "refunds", security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of refund requests", body = Page<RefundRequestResponse>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/refund-requests")]
pub async fn list_my_refund_requests(
    state: web::Data<AppState>,
    caller: Caller,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    list(&state, None, Some(caller.user_id), page.0).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RefundListParams {
    /// `pending`, `approved` or `rejected`.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Refund requests for hosts to decide, newest first.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(RefundListParams),
    responses(
        (status = 200, description = "A page of refund requests", body = Page<RefundRequestResponse>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid status, limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/admin/refund-requests")]
pub async fn list_refund_requests(
    state: web::Data<AppState>,
    caller: Caller,
    params: Query<RefundListParams>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
    let params = params.0;
    let status = match params.status.as_deref() {
        None => None,
        Some(s @ ("pending" | "approved" | "rejected")) => Some(s.to_owned()),
        Some(_) => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "status",
                "must be one of: pending, approved, rejected",
            )]))
        }
    };
    list(
        &state,
        status,
        None,
        PageParams {
            limit: params.limit,
            cursor: params.cursor,
        },
    )
    .await
}

async fn list(
    state: &AppState,
    status: Option<String>,
    user_id: Option<String>,
    page: PageParams,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (page.limit()?, page.after()?);
    let rows = state
        .db(move |conn| {
            let rows = repo::page_requests(
                conn,
                status.as_deref(),
                user_id.as_deref(),
                after,
                limit + 1,
            )?;
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            let mut refunds: std::collections::HashMap<String, RefundRow> =
                repo::refunds_for_requests(conn, &ids)?
                    .into_iter()
                    .map(|r| (r.refund_request_id.clone(), r))
                    .collect();
            Ok(rows
                .into_iter()
                .map(|row| {
                    let refund = refunds.remove(&row.id);
                    (row, refund)
                })
                .collect::<Vec<_>>())
        })
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |(r, _)| (r.requested_at, r.id.clone()),
        |(r, f)| request_response(r, f),
    );
    Ok(HttpResponse::Ok().json(page))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"decision": "approve", "note": "Refunded as our policy says. Good luck with the move!"}))]
pub struct RefundDecisionRequest {
    /// `approve` or `reject`.
    pub decision: String,
    /// Shown to the member.
    pub note: Option<String>,
}

/// Approves (paying the frozen quote through the payment provider) or rejects a refund request.
/// Approving again returns the same result and never pays twice. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Refund request id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key and body return the first answer")),
    request_body = RefundDecisionRequest,
    responses(
        (status = 200, description = "The decided request", body = RefundRequestResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided the other way (`already-decided`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid decision", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/refund-requests/{id}/decision")]
pub async fn decide_refund_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<RefundDecisionRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
    let request_id = path.into_inner();
    let body = body.0;
    let decision = match body.decision.as_str() {
        "approve" => Decision::Approve,
        "reject" => Decision::Reject,
        _ => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "decision",
                "must be one of: approve, reject",
            )]))
        }
    };
    let note = body
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    if note.as_ref().is_some_and(|n| n.chars().count() > 4000) {
        return Err(ApiError::Validation(vec![FieldError::new(
            "note",
            "must be at most 4000 characters",
        )]));
    }
    let canonical = serde_json::to_vec(&body).unwrap_or_default();
    let endpoint = "POST /admin/refund-requests/{id}/decision";
    let host = caller.user_id.clone();
    let state_ref = state.clone();
    idempotency::once(
        &state,
        &req,
        &caller.user_id,
        endpoint,
        &canonical,
        || async move {
            let state = state_ref;
            let now = state.now();
            let id = request_id.clone();
            let (decided, new_refund) = state
                .write(move |conn| {
                    refunds::decide(conn, &id, decision, &host, note.as_deref(), now)
                })
                .await?;
            if let Some(refund) = new_refund {
                state.pay_out(refund).await;
            }
            let id = request_id;
            let refund = state
                .db(move |conn| Ok(repo::refund_for_request(conn, &id)?))
                .await?;
            let body = serde_json::to_value(request_response(decided, refund))
                .map_err(ApiError::internal)?;
            Ok((StatusCode::OK, body))
        },
    )
    .await
}
