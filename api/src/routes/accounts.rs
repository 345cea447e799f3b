//! Proving an address, resetting a forgotten password, moving to a new address and the
//! member's sessions. Every mailed link is single-use and short-lived; the endpoints that take
//! an address answer the same whether it has an account or not.

use crate::auth::rate_limit::{client_ip, Limited};
use crate::auth::reauth::{confirm_password, hash_new};
use crate::auth::Member;
use crate::error::ApiResult;
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{AuthErrors, Invalid};
use crate::state::AppState;
use actix_web::{delete, get, post};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::accounts;
use praxis_app::page::PageRequest;
use praxis_domain::account::{Email, Password};
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use praxis_persistence::tokens::LiveSession;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(verify_email)
        .service(send_verification_mail)
        .service(request_password_reset)
        .service(confirm_password_reset)
        .service(request_email_change)
        .service(confirm_email_change)
        .service(list_sessions)
        .service(sign_out_everywhere);
}

#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    /// The token from the mailed link.
    pub token: String,
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"email": "ana@example.org"}))]
pub struct PasswordResetRequest {
    pub email: String,
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordResetConfirmation {
    /// The token from the mailed link.
    pub token: String,
    /// The new password, 10 to 256 characters.
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
pub struct EmailChangeRequest {
    /// The new address; a confirmation link goes there.
    pub email: String,
    /// The current password: an access token alone cannot move the account.
    pub password: String,
}

/// A mail is on its way (or, where the answer must not tell, may be).
#[derive(Serialize, ToSchema)]
pub struct Accepted {
    pub message: &'static str,
}

/// A signed-in session: one login, renewed by its refresh tokens until it ends.
#[derive(Serialize, ToSchema)]
pub struct SessionResponse {
    /// The session's id (its refresh-token family).
    pub id: String,
    pub started_at: DateTime<Utc>,
    /// When its refresh token was last renewed (or the login, if never).
    pub last_refreshed_at: DateTime<Utc>,
    /// When it ends unless renewed.
    pub expires_at: DateTime<Utc>,
}

impl From<LiveSession> for SessionResponse {
    fn from(s: LiveSession) -> Self {
        Self {
            id: s.family_id,
            started_at: from_db_time(s.started_at),
            last_refreshed_at: from_db_time(s.last_refreshed_at),
            expires_at: from_db_time(s.expires_at),
        }
    }
}

/// Confirms the caller's address with the token of a verification link. Each link works once,
/// within 48 hours.
#[utoipa::path(tag = "auth", request_body = TokenRequest,
    responses(
        (status = 204, description = "The address is verified"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown, expired or used link (`invalid-account-token`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
        (status = 429, description = "Rate limited; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/verify-email")]
pub async fn verify_email(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<TokenRequest>,
) -> ApiResult<HttpResponse> {
    state
        .auth_limiter
        .check(Limited::Verification, client_ip(&req, &state.config))?;
    let presented = body.0.token;
    let now = state.now();
    state
        .write(move |conn| accounts::verify_email(conn, &presented, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mails the caller a new verification link; earlier links stop working.
#[utoipa::path(tag = "auth", security(("bearer" = [])),
    responses(
        (status = 202, description = "A new link is on its way", body = Accepted),
        AuthErrors,
        (status = 409, description = "The address is verified already (`email-already-verified`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited per client IP or email; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/verification-mail")]
pub async fn send_verification_mail(
    req: HttpRequest,
    state: web::Data<AppState>,
    member: Member,
) -> ApiResult<HttpResponse> {
    // Keyed by the account, whose address is not known before this read.
    state.auth_limiter.check_with_email(
        Limited::Verification,
        client_ip(&req, &state.config),
        member.id.as_str(),
    )?;
    let now = state.now();
    let links = state.config.mail_links();
    state
        .write(move |conn| accounts::send_verification(conn, &member.id, &links, now))
        .await?;
    state.wake_mailer();
    Ok(HttpResponse::Accepted().json(Accepted {
        message:
            "A new link to confirm your address is on its way. It works once, within 48 hours.",
    }))
}

/// Mails a single-use link to set a new password, valid 15 minutes. The answer is the same
/// whether or not the address has an account.
#[utoipa::path(tag = "auth", request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "A link is sent if the address has an account", body = Accepted),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an email address", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited per client IP or email; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/password-reset")]
pub async fn request_password_reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<PasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    state.auth_limiter.check_with_email(
        Limited::PasswordReset,
        client_ip(&req, &state.config),
        &body.0.email,
    )?;
    let email = Email::parse(&body.0.email)?;
    let now = state.now();
    let links = state.config.mail_links();
    // Both paths run one write transaction; only a known address queues a mail.
    state
        .write(move |conn| accounts::request_password_reset(conn, &email, &links, now))
        .await?;
    state.wake_mailer();
    Ok(HttpResponse::Accepted().json(Accepted {
        message: "If an account uses this address, a link to set a new password is on its way. \
                  It works once, within 15 minutes.",
    }))
}

/// Sets a new password with the token of a reset link. The link works once; every session of
/// the account is signed out (log in again with the new password), and the address counts as
/// verified.
#[utoipa::path(tag = "auth", request_body = PasswordResetConfirmation,
    responses(
        (status = 204, description = "The password is changed; every session is signed out"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown, expired or used link (`invalid-account-token`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
        (status = 429, description = "Rate limited; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/password-reset/confirm")]
pub async fn confirm_password_reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<PasswordResetConfirmation>,
) -> ApiResult<HttpResponse> {
    state
        .auth_limiter
        .check(Limited::PasswordReset, client_ip(&req, &state.config))?;
    let body = body.0;
    let hash = hash_new(Password::parse(&body.password)?).await?;
    let now = state.now();
    let links = state.config.mail_links();
    state
        .write(move |conn| accounts::reset_password(conn, &body.token, &hash, &links, now))
        .await?;
    state.wake_mailer();
    Ok(HttpResponse::NoContent().finish())
}

/// Asks to move the account to a new address: a single-use link valid 24 hours goes there, and
/// the address changes only when it is opened (the old address is then told). The answer is the
/// same when the new address has an account already (that address is mailed so instead).
#[utoipa::path(tag = "me", security(("bearer" = [])), request_body = EmailChangeRequest,
    responses(
        (status = 202, description = "A confirmation link is on its way to the new address", body = Accepted),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
        (status = 403, description = "Wrong current password (`invalid-current-password`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
        (status = 429, description = "Rate limited; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/me/email")]
pub async fn request_email_change(
    req: HttpRequest,
    state: web::Data<AppState>,
    member: Member,
    body: Json<EmailChangeRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let email = Email::parse(&body.email)?;
    confirm_password(&req, &state, &member.id, body.password).await?;
    let now = state.now();
    let links = state.config.mail_links();
    state
        .write(move |conn| accounts::request_email_change(conn, &member.id, &email, &links, now))
        .await?;
    state.wake_mailer();
    Ok(HttpResponse::Accepted().json(Accepted {
        message: "Open the link we sent to the new address to confirm it. It works once, within 24 hours.",
    }))
}

/// Moves the account to the new address with the token of its confirmation link (works once,
/// within 24 hours; no sign-in needed, the link may be opened on another device). The new
/// address counts as verified, and the old one is told of the change.
#[utoipa::path(tag = "me", request_body = TokenRequest,
    responses(
        (status = 204, description = "The account uses the new address"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown, expired or used link (`invalid-account-token`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another account took the address meanwhile (`email-taken`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
        (status = 429, description = "Rate limited; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/me/email/confirm")]
pub async fn confirm_email_change(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<TokenRequest>,
) -> ApiResult<HttpResponse> {
    state
        .auth_limiter
        .check(Limited::Verification, client_ip(&req, &state.config))?;
    let presented = body.0.token;
    let now = state.now();
    let links = state.config.mail_links();
    state
        .write(move |conn| accounts::confirm_email_change(conn, &presented, &links, now))
        .await?;
    state.wake_mailer();
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's signed-in sessions, most recently renewed first.
#[utoipa::path(tag = "me", security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of sessions", body = Page<SessionResponse>),
        AuthErrors,
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/me/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    member: Member,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = PageRequest {
        limit: page.0.limit()?,
        after: page.0.after()?,
    };
    let now = state.now();
    let paged = state
        .read(move |conn| accounts::sessions(conn, &member.id, &page, now))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_paged(paged, SessionResponse::from)))
}

/// Signs the caller out everywhere: no session can be renewed any more. Access tokens already
/// issued (this one included) keep working until they expire, within 15 minutes.
#[utoipa::path(tag = "me", security(("bearer" = [])),
    responses(
        (status = 204, description = "Every session is signed out"),
        AuthErrors,
    ))]
#[delete("/me/sessions")]
pub async fn sign_out_everywhere(
    state: web::Data<AppState>,
    member: Member,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .write(move |conn| accounts::sign_out_everywhere(conn, &member.id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
