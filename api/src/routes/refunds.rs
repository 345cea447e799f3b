//! Refund quotes, refund requests and the hosts' decisions on them.

use crate::auth::Caller;
use crate::billing::refunds::{self, Decision};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::idempotency;
use crate::pagination::{Page, PageParams};
use crate::routes::plans::MoneyDto;
use crate::state::{blocking, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_domain::payments::RefundOrder;
use praxis_domain::refunds::RefundQuote;
use praxis_domain::{Currency, FieldError, Money};
use praxis_openapi::Problem;
use praxis_persistence::refunds::{self as repo, RefundRequestRow, RefundRow};
use praxis_persistence::{from_db_time, subscriptions, to_db_time};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/subscriptions/{id}/refund-quote").route(web::get().to(refund_quote)),
    )
    .service(
        web::resource("/refund-requests")
            .route(web::post().to(create_refund_request))
            .route(web::get().to(list_my_refund_requests)),
    )
    .service(web::resource("/admin/refund-requests").route(web::get().to(list_refund_requests)))
    .service(
        web::resource("/admin/refund-requests/{id}/decision")
            .route(web::post().to(decide_refund_request)),
    );
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"refundable": {"amount": 18683, "currency": "EUR"}, "rule": "yearly_full_months", "full_months": 7, "deduction": {"amount": 9900, "currency": "EUR"}, "explanation": "7 full months remain of the yearly period: 49000 × 7 / 12 = 28583 cents, minus the e-course (9900) = 18683 cents."}))]
pub struct RefundQuoteResponse {
    pub refundable: MoneyDto,
    /// `yearly_full_months` or `monthly_24h`.
    pub rule: String,
    /// Yearly: whole calendar months left in the paid year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_months: Option<u32>,
    /// Yearly: the e-course price deducted (the member keeps the e-course).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deduction: Option<MoneyDto>,
    pub explanation: String,
}

impl From<RefundQuote> for RefundQuoteResponse {
    fn from(q: RefundQuote) -> Self {
        Self {
            refundable: q.refundable.into(),
            rule: q.rule.as_str().to_owned(),
            full_months: q.full_months,
            deduction: q.deduction.map(Into::into),
            explanation: q.explanation,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RefundRequestResponse {
    pub id: String,
    pub subscription_id: String,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    pub message: String,
    /// The quote as computed when the request was made; approval pays this (never more than
    /// what remains unrefunded).
    pub quote: RefundQuoteResponse,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The host's note, shown to the member.
    pub note: Option<String>,
    /// The refund paid, once approved.
    pub refund: Option<RefundResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RefundResponse {
    pub id: String,
    pub amount: MoneyDto,
    /// `pending` (sent to the provider) or `succeeded`.
    pub status: String,
}

pub fn request_response(row: RefundRequestRow, refund: Option<RefundRow>) -> RefundRequestResponse {
    let currency = Currency::parse("currency", &row.currency).unwrap_or(Currency::EUR);
    let money = |cents: i64| MoneyDto::from(Money { cents, currency });
    RefundRequestResponse {
        quote: RefundQuoteResponse {
            refundable: money(row.quote_cents),
            rule: row.quote_rule,
            full_months: row.quote_full_months.and_then(|m| u32::try_from(m).ok()),
            deduction: row.quote_deduction_cents.map(money),
            explanation: row.quote_explanation,
        },
        id: row.id,
        subscription_id: row.subscription_id,
        status: row.status,
        message: row.message,
        requested_at: from_db_time(row.requested_at),
        decided_at: row.decided_at.map(from_db_time),
        note: row.decision_note,
        refund: refund.map(|r| RefundResponse {
            id: r.id,
            amount: money(r.amount_cents),
            status: r.status,
        }),
    }
}

/// What a refund asked for now would pay, by which rule, and why.
#[utoipa::path(get, path = "/api/v1/subscriptions/{id}/refund-quote", tag = "refunds", security(("bearer" = [])),
    params(("id" = String, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "The quote", body = RefundQuoteResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the caller's, or unknown", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing paid yet (`nothing-paid`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn refund_quote(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let now = state.now();
    let (_, _, quote) = state
        .db(move |conn| refunds::quote_for(conn, &caller.user_id, &id, now))
        .await?;
    Ok(HttpResponse::Ok().json(RefundQuoteResponse::from(quote)))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"subscription_id": "0193…", "message": "I moved abroad and cannot take part any more."}))]
pub struct CreateRefundRequest {
    pub subscription_id: String,
    /// A few words for the hosts (1–4000 characters).
    pub message: String,
}

pub fn parse_message(message: &str) -> ApiResult<String> {
    let trimmed = message.trim();
    let chars = trimmed.chars().count();
    if chars == 0 || chars > 4000 {
        return Err(ApiError::Validation(vec![FieldError::new(
            "message",
            "must be between 1 and 4000 characters",
        )]));
    }
    Ok(trimmed.to_owned())
}

/// Asks for a refund; the quote at this moment is recorded with the request. Accepts
/// `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/refund-requests", tag = "refunds", security(("bearer" = [])),
    request_body = CreateRefundRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key and body return the first answer")),
    responses(
        (status = 201, description = "The request, with its frozen quote", body = RefundRequestResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the caller's subscription", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing paid or refundable, or a request already pending", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or the key reused with another body", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_refund_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateRefundRequest>,
) -> ApiResult<HttpResponse> {
    let request = body.0;
    let message = parse_message(&request.message)?;
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
            let row = submit(&state_ref, &user_id, request.subscription_id, message).await?;
            let body =
                serde_json::to_value(request_response(row, None)).map_err(ApiError::internal)?;
            Ok((StatusCode::CREATED, body))
        },
    )
    .await
}

/// Records a refund request for `user_id` (from the API or the customer hub).
pub async fn submit(
    state: &AppState,
    user_id: &str,
    subscription_id: String,
    message: String,
) -> ApiResult<RefundRequestRow> {
    let now = state.now();
    let user_id = user_id.to_owned();
    state
        .write(move |conn| refunds::request(conn, &user_id, &subscription_id, &message, now))
        .await
}

/// The caller's refund requests, newest first.
#[utoipa::path(get, path = "/api/v1/refund-requests", tag = "refunds", security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of refund requests", body = Page<RefundRequestResponse>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
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
#[utoipa::path(get, path = "/api/v1/admin/refund-requests", tag = "admin", security(("bearer" = [])),
    params(RefundListParams),
    responses(
        (status = 200, description = "A page of refund requests", body = Page<RefundRequestResponse>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid status, limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
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
#[utoipa::path(post, path = "/api/v1/admin/refund-requests/{id}/decision", tag = "admin", security(("bearer" = [])),
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
                pay_out(&state, refund).await;
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

/// Pays a recorded refund through the provider, keyed by the refund's id so a retry never pays
/// twice, and records the provider's confirmation. A failure leaves the refund pending for the
/// periodic retry.
pub async fn pay_out(state: &AppState, refund: RefundRow) {
    let (refund_id, payment_id) = (refund.id.clone(), refund.payment_id.clone());
    let checkout = state
        .db(move |conn| {
            let payment = praxis_persistence::payments::find(conn, &payment_id)?
                .ok_or(ApiError::NotFound("payment"))?;
            let sub = subscriptions::find(conn, &payment.subscription_id)?
                .ok_or(ApiError::NotFound("subscription"))?;
            Ok(sub.checkout_id)
        })
        .await;
    let Ok(checkout_id) = checkout else {
        tracing::error!(refund = %refund_id, "refund's payment not found");
        return;
    };
    let order = RefundOrder {
        idempotency_key: refund.id.clone(),
        checkout_id,
        amount: Money {
            cents: refund.amount_cents,
            currency: Currency::parse("currency", &refund.currency).unwrap_or(Currency::EUR),
        },
    };
    let provider = state.payments.clone();
    match blocking(move || provider.refund(&order)).await {
        Ok(Ok(receipt)) => {
            let now = to_db_time(state.now());
            let result = state
                .write(move |conn| Ok(repo::confirm(conn, &refund_id, &receipt.reference, now)?))
                .await;
            if let Err(e) = result {
                tracing::warn!(error = %e, "refund paid but not yet confirmed; the retry will confirm it");
            }
        }
        Ok(Err(e)) => {
            tracing::warn!(refund = %refund.id, error = %e, "refund not paid yet; will retry")
        }
        Err(e) => {
            tracing::warn!(refund = %refund.id, error = %e, "refund not paid yet; will retry")
        }
    }
}
