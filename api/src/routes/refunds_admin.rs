//! Refunds as hosts follow them: each approved request's refund, its state at the payment
//! provider, and a retry for one the provider failed.

use crate::auth::viewer::Host;
use crate::dto::billing::{refund_response, RefundResponse};
use crate::error::ApiResult;
use crate::extract::{PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::HostOnly;
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use praxis_app::billing::payouts;
use praxis_domain::ids::RefundId;
use praxis_domain::StringEnum;
use praxis_openapi::Problem;
use praxis_persistence::refunds::RefundStatus;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_refunds).service(retry_refund);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RefundsParams {
    /// `pending`, `succeeded` or `failed`.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Refunds newest first: `pending` until the payment provider confirms them, `succeeded`, or
/// `failed` with the provider's reason.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(RefundsParams),
    responses(
        (status = 200, description = "A page of refunds", body = Page<RefundResponse>),
        HostOnly,
        (status = 422, description = "Invalid status, limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/admin/refunds")]
pub async fn list_refunds(
    state: web::Data<AppState>,
    _host: Host,
    params: Query<RefundsParams>,
) -> ApiResult<HttpResponse> {
    let params = params.0;
    let status = params
        .status
        .as_deref()
        .map(|raw| RefundStatus::parse_field("status", raw))
        .transpose()?;
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let (limit, after) = (page.limit()?, page.after()?);
    let rows = state
        .read(move |c| payouts::list(c, status, after, limit + 1))
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |r| (r.created_at, r.id.clone()),
        refund_response,
    );
    let items = page.items.into_iter().collect::<ApiResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// Sends a failed refund to the payment provider again (under a new idempotency key): it is
/// `pending` again and answered with what the provider said this time.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Refund id")),
    responses(
        (status = 200, description = "The refund after the retry", body = RefundResponse),
        HostOnly,
        (status = 404, description = "Unknown refund", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The refund has not failed (`refund-not-failed`), or the payment has no room left for it (`refund-exceeds-payment`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/refunds/{id}/retry")]
pub async fn retry_refund(
    state: web::Data<AppState>,
    Host(host): Host,
    id: PathId<RefundId>,
) -> ApiResult<HttpResponse> {
    let (id, now) = (id.into_inner(), state.now());
    let again = id.clone();
    let refund = state
        .write(move |c| payouts::retry(c, &again, &host.id, now))
        .await?;
    state.pay_out(refund).await;
    let refund = state.read(move |c| payouts::find(c, &id)).await?;
    Ok(HttpResponse::Ok().json(refund_response(refund)?))
}
