//! The customer hub: sign in with a link sent by email, then update the billing address and see
//! invoices. Cancelling and asking for a refund are in the subscription routes.

use crate::auth::hub::{HubCaller, HUB_AUDIENCE, HUB_TOKEN_SECONDS};
use crate::auth::rate_limit::client_ip;
use crate::dto::billing::InvoiceResponse;
use crate::dto::billing::{invoice_response, BillingAddressResponse, PutBillingAddressRequest};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{get, post, put};
use actix_web::{web, HttpRequest, HttpResponse};
use praxis_app::billing::address;
use praxis_domain::account::Email;
use praxis_domain::ids::UserId;
use praxis_openapi::Problem;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(request_magic_link)
        .service(create_hub_session)
        .service(get_billing_address)
        .service(put_billing_address)
        .service(list_hub_invoices);
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"email": "ana@example.org"}))]
pub struct MagicLinkRequest {
    /// The email the person paid with.
    pub email: String,
}

#[derive(Serialize, ToSchema)]
pub struct MagicLinkAccepted {
    pub message: &'static str,
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"token": "q1w2e3r4…"}))]
pub struct HubSessionRequest {
    /// The token from the emailed link (`/hub?token=…`).
    pub token: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"hub_token": "eyJhbGciOiJIUzI1NiJ9…", "expires_in": 1800, "token_type": "Bearer"}))]
pub struct HubSessionResponse {
    /// HS256 JWT for `Authorization: Bearer` on `/api/v1/hub/…` only.
    pub hub_token: String,
    /// Seconds until the hub token expires.
    pub expires_in: i64,
    pub token_type: &'static str,
}

/// The OpenAPI security scheme of hub tokens.
pub const HUB_SECURITY: &str = "hub_token";

const MAGIC_LINK_ACCEPTED: &str =
    "If an account uses this email, a link to the customer hub is on \
     its way. It works once, within 15 minutes.";

/// Emails a single-use link to the customer hub. The answer is the same whether or not the email
/// belongs to an account.
#[utoipa::path(tag = "hub", request_body = MagicLinkRequest,
    responses(
        (status = 202, description = "A link is sent if the email is known", body = MagicLinkAccepted),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an email address", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited per email or client IP; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/hub/magic-link")]
pub async fn request_magic_link(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<MagicLinkRequest>,
) -> ApiResult<HttpResponse> {
    let email = Email::parse(&body.0.email)?;
    state
        .hub_limiter
        .check(client_ip(&req, &state.config), &email)?;
    let now = state.now();
    let links = state.config.mail_links();
    // An unknown email queues nothing; the answer is the same either way.
    state
        .write(move |conn| praxis_app::hub::request_magic_link(conn, &email, &links, now))
        .await?;
    Ok(HttpResponse::Accepted().json(MagicLinkAccepted {
        message: MAGIC_LINK_ACCEPTED,
    }))
}

/// Exchanges the emailed token for a 30-minute hub token. Each link works once.
#[utoipa::path(tag = "hub", request_body = HubSessionRequest,
    responses(
        (status = 200, description = "Signed in to the hub", body = HubSessionResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown, expired or used link (`invalid-magic-link`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/hub/sessions")]
pub async fn create_hub_session(
    state: web::Data<AppState>,
    body: Json<HubSessionRequest>,
) -> ApiResult<HttpResponse> {
    let presented = body.0.token;
    let now = state.now();
    let user_id = state
        .write(move |conn| praxis_app::hub::redeem_magic_link(conn, &presented, now))
        .await?;
    let hub_token = state
        .jwt
        .issue_for(HUB_AUDIENCE, user_id.as_str(), now, HUB_TOKEN_SECONDS)
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(HubSessionResponse {
        hub_token,
        expires_in: HUB_TOKEN_SECONDS,
        token_type: "Bearer",
    }))
}

/// The billing address put on new invoices.
#[utoipa::path(tag = "hub", security(("hub_token" = [])),
    responses(
        (status = 200, description = "The billing address", body = BillingAddressResponse),
        (status = 401, description = "Missing or invalid hub token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No billing address set yet", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/hub/billing-address")]
pub async fn get_billing_address(
    state: web::Data<AppState>,
    caller: HubCaller,
) -> ApiResult<HttpResponse> {
    let member = UserId::from_trusted(caller.user_id);
    let address = state.read(move |c| address::find(c, &member)).await?;
    Ok(HttpResponse::Ok().json(BillingAddressResponse::from(address)))
}

/// Sets the billing address for invoices issued from now on; earlier invoices keep theirs.
#[utoipa::path(tag = "hub", security(("hub_token" = [])),
    request_body = PutBillingAddressRequest,
    responses(
        (status = 200, description = "The stored billing address", body = BillingAddressResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid hub token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named in `errors`", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/hub/billing-address")]
pub async fn put_billing_address(
    state: web::Data<AppState>,
    caller: HubCaller,
    body: Json<PutBillingAddressRequest>,
) -> ApiResult<HttpResponse> {
    let address = body.0.parse()?;
    let (member, now) = (UserId::from_trusted(caller.user_id), state.now());
    let stored = state
        .write(move |c| address::put(c, &member, &address, now))
        .await?;
    Ok(HttpResponse::Ok().json(BillingAddressResponse::from(stored)))
}

/// The member's invoices, newest first.
#[utoipa::path(tag = "hub", security(("hub_token" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of invoices", body = Page<InvoiceResponse>),
        (status = 401, description = "Missing or invalid hub token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid `limit` or `cursor`", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/hub/invoices")]
pub async fn list_hub_invoices(
    state: web::Data<AppState>,
    caller: HubCaller,
    params: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let limit = params.0.limit()?;
    let after = params.0.after()?;
    let member = UserId::from_trusted(caller.user_id);
    let rows = state
        .read(move |c| address::invoices(c, &member, after, limit + 1))
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |(row, _)| (row.issued_at, row.id.clone()),
        |(row, refunded)| invoice_response(row, refunded),
    );
    let items = page.items.into_iter().collect::<ApiResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}
