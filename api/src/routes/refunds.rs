//! Refund quotes, refund requests and the hosts' decisions on them.

use crate::auth::viewer::{Host, Member};
use crate::dto::billing::{
    request_response, CreateRefundRequest, RefundQuoteResponse, RefundRequestResponse,
};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, PathId, Query};
use crate::idempotency;
use crate::pagination::{Page, PageParams};
use crate::responses::{AuthErrors, HostOnly, NotVisible};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{get, post};
use actix_web::{web, HttpRequest, HttpResponse};
use praxis_app::billing::refunds::{self, decision_note, Decision, RequestFilter};
use praxis_domain::ids::{RefundRequestId, SubscriptionId};
use praxis_domain::StringEnum;
use praxis_openapi::Problem;
use praxis_persistence::refunds::RefundRequestStatus;
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
        AuthErrors,
        NotVisible,
        (status = 409, description = "Nothing paid yet (`nothing-paid`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/subscriptions/{id}/refund-quote")]
pub async fn refund_quote(
    state: web::Data<AppState>,
    member: Member,
    id: PathId<SubscriptionId>,
) -> ApiResult<HttpResponse> {
    let (id, now) = (id.into_inner(), state.now());
    let (_, _, quote) = state
        .read(move |c| refunds::quote_for(c, &member.id, &id, now))
        .await?;
    Ok(HttpResponse::Ok().json(RefundQuoteResponse::from(quote)))
}

/// Asks for a refund; the quote at this moment is recorded with the request. Accepts
/// `Idempotency-Key`.
#[utoipa::path(tag = "refunds", security(("bearer" = [])),
    request_body = CreateRefundRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Scoped to the caller, method and path: a retry with the same key and body gets the first answer; another body is refused (422); while the first still runs, 409 `idempotency-key-in-use`")),
    responses(
        (status = 201, description = "The request, with its frozen quote", body = RefundRequestResponse),
        AuthErrors,
        (status = 404, description = "Not the caller's subscription", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing paid or refundable, a request already pending, or the key in use (`idempotency-key-in-use`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or the key reused with another body", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/refund-requests")]
pub async fn create_refund_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    member: Member,
    body: Json<CreateRefundRequest>,
) -> ApiResult<HttpResponse> {
    let request = body.0;
    let (subscription, message) = request.parse()?;
    let canonical = serde_json::to_vec(&request).unwrap_or_default();
    let now = state.now();
    let user = member.id.clone();
    idempotency::once_in_tx(&state, &req, member.id.as_str(), &canonical, move |c| {
        let row = refunds::request(c, &user, &subscription, &message, now)?;
        let response =
            request_response(row, None).map_err(|e| praxis_app::Error::Internal(e.to_string()))?;
        let body = serde_json::to_value(response)
            .map_err(|e| praxis_app::Error::Internal(e.to_string()))?;
        Ok((StatusCode::CREATED, body))
    })
    .await
}

/// The caller's refund requests, newest first.
#[utoipa::path(tag = "refunds", security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of refund requests", body = Page<RefundRequestResponse>),
        AuthErrors,
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/refund-requests")]
pub async fn list_my_refund_requests(
    state: web::Data<AppState>,
    member: Member,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let filter = RequestFilter {
        status: None,
        member: Some(member.id),
    };
    list(&state, filter, page.0).await
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
        HostOnly,
        (status = 422, description = "Invalid status, limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/admin/refund-requests")]
pub async fn list_refund_requests(
    state: web::Data<AppState>,
    _host: Host,
    params: Query<RefundListParams>,
) -> ApiResult<HttpResponse> {
    let params = params.0;
    let status = params
        .status
        .as_deref()
        .map(|raw| RefundRequestStatus::parse_field("status", raw))
        .transpose()?;
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    list(
        &state,
        RequestFilter {
            status,
            member: None,
        },
        page,
    )
    .await
}

async fn list(
    state: &AppState,
    filter: RequestFilter,
    page: PageParams,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (page.limit()?, page.after()?);
    let rows = state
        .read(move |c| refunds::list_requests(c, &filter, after, limit + 1))
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |(r, _)| (r.requested_at, r.id.clone()),
        |(r, f)| request_response(r, f),
    );
    let items = page.items.into_iter().collect::<ApiResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
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
        ("Idempotency-Key" = Option<String>, Header, description = "Scoped to the caller, method and path: a retry with the same key and body gets the first answer; another body is refused (422); while the first still runs, 409 `idempotency-key-in-use`")),
    request_body = RefundDecisionRequest,
    responses(
        (status = 200, description = "The decided request", body = RefundRequestResponse),
        HostOnly,
        (status = 404, description = "Unknown request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided the other way (`already-decided`), or the key in use (`idempotency-key-in-use`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid decision, or the key reused with another body", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/refund-requests/{id}/decision")]
pub async fn decide_refund_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    Host(host): Host,
    id: PathId<RefundRequestId>,
    body: Json<RefundDecisionRequest>,
) -> ApiResult<HttpResponse> {
    let request_id = id.into_inner();
    let body = body.0;
    let decision = Decision::parse(&body.decision)?;
    let note = decision_note(body.note.as_deref())?;
    let canonical = serde_json::to_vec(&body).unwrap_or_default();
    let state_ref = state.clone();
    let host_id = host.id.clone();
    idempotency::once(
        &state,
        &req,
        host.id.as_str(),
        &canonical,
        // Deciding is itself idempotent (the same decision again pays nothing), so a retry
        // that takes over the key of a decision cut off midway simply decides again.
        |_| async move {
            let state = state_ref;
            let now = state.now();
            let id = request_id.clone();
            let (decided, new_refund) = state
                .write(move |c| refunds::decide(c, &id, decision, &host_id, note.as_deref(), now))
                .await?;
            if let Some(refund) = new_refund {
                state.pay_out(refund).await;
            }
            let refund = state
                .read(move |c| refunds::refund_of(c, &request_id))
                .await?;
            let body = serde_json::to_value(request_response(decided, refund)?)
                .map_err(ApiError::internal)?;
            Ok((StatusCode::OK, body))
        },
    )
    .await
}
