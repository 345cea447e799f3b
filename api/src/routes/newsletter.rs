//! The mailing list, for anyone (no sign-in): asking for it by address (double opt-in), the
//! mailed confirm link, and leaving it by the link in every newsletter mail, including the
//! one-click `List-Unsubscribe` POST (RFC 8058).

use crate::auth::rate_limit::{client_ip, Limited};
use crate::error::ApiResult;
use crate::extract::Json;
use crate::responses::Invalid;
use crate::state::AppState;
use actix_web::post;
use actix_web::{web, HttpRequest, HttpResponse};
use praxis_app::newsletter;
use praxis_domain::newsletter::SubscriptionDraft;
use praxis_openapi::Problem;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(subscribe)
        .service(confirm)
        .service(unsubscribe)
        .service(one_click_unsubscribe);
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"email": "ana@example.org", "language": "en"}))]
pub struct NewsletterSubscriptionRequest {
    pub email: String,
    /// Which issues: `en` or `es`.
    pub language: String,
}

/// A mailed link's token.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"token": "bG9uZyByYW5kb20gdG9rZW4"}))]
pub struct NewsletterToken {
    pub token: String,
}

/// The same answer whatever the address: it reveals nothing about who subscribes.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewsletterAccepted {
    pub message: &'static str,
}

/// Asks for the newsletter. A single-use link, valid 48 hours, is mailed to confirm; nothing
/// else is sent before it is opened. The answer is the same for new, pending and confirmed
/// addresses.
#[utoipa::path(tag = "newsletter", request_body = NewsletterSubscriptionRequest,
    responses(
        (status = 202, description = "A confirm link is on its way unless the address is subscribed already", body = NewsletterAccepted),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        Invalid,
        (status = 429, description = "Rate limited per client IP or email; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/newsletter/subscriptions")]
pub async fn subscribe(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<NewsletterSubscriptionRequest>,
) -> ApiResult<HttpResponse> {
    state.auth_limiter.check_with_email(
        Limited::Newsletter,
        client_ip(&req, &state.config),
        &body.0.email,
    )?;
    let draft = SubscriptionDraft::parse(&body.0.email, &body.0.language)?;
    let now = state.now();
    let links = state.config.mail_links();
    state
        .write(move |conn| newsletter::subscribe(conn, &draft, &links, now))
        .await?;
    state.wake_mailer();
    Ok(HttpResponse::Accepted().json(NewsletterAccepted {
        message: "Unless this address gets the newsletter already, a link to confirm it is on \
                  its way. It works once, within 48 hours.",
    }))
}

/// Confirms a subscription with the token of the mailed link; the link works once.
#[utoipa::path(tag = "newsletter", request_body = NewsletterToken,
    responses(
        (status = 204, description = "Confirmed: the address gets the newsletter"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, expired or used link (`not-found`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/newsletter/confirm")]
pub async fn confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<NewsletterToken>,
) -> ApiResult<HttpResponse> {
    state
        .auth_limiter
        .check(Limited::Newsletter, client_ip(&req, &state.config))?;
    let token = body.0.token;
    let now = state.now();
    state
        .write(move |conn| newsletter::confirm(conn, &token, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Leaves the newsletter with the token of the link in its mails, without signing in; the
/// address is forgotten.
#[utoipa::path(tag = "newsletter", request_body = NewsletterToken,
    responses(
        (status = 204, description = "Unsubscribed; the address is deleted from the list"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown link, or the address left already (`not-found`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/newsletter/unsubscribe")]
pub async fn unsubscribe(
    state: web::Data<AppState>,
    body: Json<NewsletterToken>,
) -> ApiResult<HttpResponse> {
    leave(state, body.0.token).await
}

/// The one-click opt-out (RFC 8058) that mail clients POST to from the `List-Unsubscribe`
/// header, with the form body `List-Unsubscribe=One-Click` (any body is accepted).
#[utoipa::path(tag = "newsletter",
    params(("token" = String, Path, description = "The token from the mail's unsubscribe link")),
    responses(
        (status = 204, description = "Unsubscribed; the address is deleted from the list"),
        (status = 404, description = "Unknown link, or the address left already (`not-found`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/newsletter/unsubscribe/{token}")]
pub async fn one_click_unsubscribe(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    leave(state, path.into_inner()).await
}

async fn leave(state: web::Data<AppState>, token: String) -> ApiResult<HttpResponse> {
    state
        .write(move |conn| newsletter::unsubscribe(conn, &token))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
