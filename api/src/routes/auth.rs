//! Register, log in, refresh and log out.

use crate::auth::password;
use crate::auth::rate_limit::{client_ip, Limited};
use crate::auth::reauth::{confirm_password, hash_new};
use crate::auth::session::{self, TokenPair};
use crate::auth::Member;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::responses::Invalid;
use crate::state::{blocking, AppState};
use actix_web::post;
use actix_web::{web, HttpRequest, HttpResponse};
use praxis_app::accounts;
use praxis_app::sessions::{self, Rotation};
use praxis_domain::account::{Email, Password};
use praxis_domain::ids::UserId;
use praxis_domain::profiles::{NewAccount, NewAccountInput};
use praxis_openapi::Problem;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(register)
        .service(login)
        .service(refresh)
        .service(logout)
        .service(change_password);
}

#[derive(Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    /// 10 to 256 characters.
    pub new_password: String,
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"email": "ana@example.org", "password": "a long passphrase", "display_name": "Ana", "time_zone": "Europe/Madrid", "locale": "es"}))]
pub struct RegisterRequest {
    pub email: String,
    /// 10 to 256 characters.
    pub password: String,
    pub display_name: String,
    /// IANA time zone; defaults to UTC.
    pub time_zone: Option<String>,
    /// `en` (default) or `es`.
    pub locale: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"email": "ana@example.org", "password": "a long passphrase"}))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJIUzI1NiJ9…", "refresh_token": "q1w2e3…", "expires_in": 900, "token_type": "Bearer"}))]
pub struct TokenResponse {
    /// HS256 JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Opaque; exchange it at `/auth/refresh` for a new pair. Each one works once.
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub token_type: &'static str,
}

impl From<TokenPair> for TokenResponse {
    fn from(pair: TokenPair) -> Self {
        Self {
            access_token: pair.access_token,
            refresh_token: pair.refresh_token,
            expires_in: pair.expires_in,
            token_type: "Bearer",
        }
    }
}

/// What registering answers, the same whether the address was new or had an account already.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"email": "ana@example.org", "message": "Check your mail: we sent a link to confirm this address. Until you confirm, you can read but not post or pay."}))]
pub struct RegistrationAccepted {
    /// The address as stored: trimmed and lower-cased.
    pub email: String,
    pub message: &'static str,
}

const REGISTRATION_ACCEPTED: &str = "Check your mail: we sent a link to confirm this address. \
     Until you confirm, you can read but not post or pay.";

/// Creates an account on the free Lobby plan and mails a link to verify its address. The answer
/// is the same when the address has an account already (its owner is mailed that someone tried
/// to register with it), in comparable time: the password is hashed and one mail queued on both
/// paths. Log in with the password to use the account; until the link is opened it reads but
/// does not post or pay (403 `email-verification-required`).
#[utoipa::path(tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 202, description = "Registered, or already registered: either way check your mail", body = RegistrationAccepted),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        Invalid,
        (status = 429, description = "Rate limited per client IP or email; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/register")]
pub async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    state.auth_limiter.check_with_email(
        Limited::Register,
        client_ip(&req, &state.config),
        &body.email,
    )?;
    let account = NewAccount::parse(&NewAccountInput {
        email: &body.email,
        password: &body.password,
        display_name: &body.display_name,
        time_zone: body.time_zone.as_deref(),
        locale: body.locale.as_deref(),
    })?;
    let (account, password_hash) = blocking(move || {
        let hash = password::hash(account.password.expose());
        (account, hash)
    })
    .await?;
    let password_hash = password_hash.map_err(ApiError::internal)?;
    let now = state.now();
    let feed_token = crate::auth::tokens::generate();
    let links = state.config.mail_links();
    let email = account.email.as_str().to_owned();
    state
        .write(move |conn| {
            accounts::register(conn, &account, &password_hash, &feed_token, &links, now)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(RegistrationAccepted {
        email,
        message: REGISTRATION_ACCEPTED,
    }))
}

/// Logs in with email and password. An unknown email and a wrong password get the same answer
/// in comparable time.
#[utoipa::path(tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong email or password (`invalid-credentials`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
        (status = 429, description = "Rate limited per client IP or email; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    state.auth_limiter.check_with_email(
        Limited::Login,
        client_ip(&req, &state.config),
        &body.email,
    )?;
    let email = Email::parse(&body.email).ok();
    let user = match email {
        Some(email) => {
            state
                .read(move |conn| accounts::by_email(conn, &email))
                .await?
        }
        None => None,
    };
    let stored = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| state.dummy_hash.to_string());
    let password = body.password;
    let matches = blocking(move || password::verify(&password, &stored)).await?;
    let Some(user) = user.filter(|_| matches) else {
        return Err(ApiError::unauthorized(
            "invalid-credentials",
            "The email or password is not correct.",
        ));
    };
    let now = state.now();
    let user_id = UserId::from_trusted(user.id);
    let grant = state
        .write(move |conn| sessions::start(conn, &user_id, None, now))
        .await?;
    let pair = session::pair(&state.jwt, grant, now)?;
    Ok(HttpResponse::Ok().json(TokenResponse::from(pair)))
}

/// Exchanges a refresh token for a new pair. Each refresh token works once; presenting a used
/// one revokes every token of its session.
#[utoipa::path(tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair", body = TokenResponse),
        (status = 401, description = "Invalid, expired, revoked or reused (`invalid-refresh-token`, `refresh-token-reused`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
        (status = 429, description = "Rate limited; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    state
        .auth_limiter
        .check(Limited::Refresh, client_ip(&req, &state.config))?;
    let presented = body.0.refresh_token;
    let now = state.now();
    match state
        .write(move |conn| sessions::rotate(conn, &presented, now))
        .await?
    {
        Rotation::Rotated(grant) => {
            let pair = session::pair(&state.jwt, grant, now)?;
            Ok(HttpResponse::Ok().json(TokenResponse::from(pair)))
        }
        Rotation::Reused => Err(ApiError::unauthorized(
            "refresh-token-reused",
            "This refresh token was already used, so the session has been revoked; log in again.",
        )),
    }
}

/// Ends the session of the given refresh token (its whole family). Always 204.
#[utoipa::path(tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 204, description = "Logged out"),
        Invalid,
    ))]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let presented = body.0.refresh_token;
    let now = state.now();
    state
        .write(move |conn| sessions::revoke(conn, &presented, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Changes the caller's password, given the current one. Every session is signed out and the
/// answer starts a new one, so the device that made the change stays signed in; the member is
/// told by mail.
#[utoipa::path(tag = "me", security(("bearer" = [])), request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Changed: a new session for this device", body = TokenResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Wrong current password (`invalid-current-password`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
        (status = 429, description = "Rate limited; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/me/password")]
pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    member: Member,
    body: Json<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let new_password = Password::parse(&body.new_password).map_err(|e| match e {
        praxis_domain::Error::Validation(errors) => praxis_domain::Error::Validation(
            errors
                .into_iter()
                .map(|f| praxis_domain::FieldError::new("new_password", f.message))
                .collect(),
        ),
        other => other,
    })?;
    confirm_password(&req, &state, &member.id, body.current_password).await?;
    let hash = hash_new(new_password).await?;
    let now = state.now();
    let links = state.config.mail_links();
    let id = member.id;
    let grant = state
        .write(move |conn| {
            accounts::set_password(conn, &id, &hash, &links, now)?;
            sessions::start(conn, &id, None, now)
        })
        .await?;
    state.wake_mailer();
    let pair = session::pair(&state.jwt, grant, now)?;
    Ok(HttpResponse::Ok().json(TokenResponse::from(pair)))
}
