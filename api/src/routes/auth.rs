//! Register, log in, refresh and log out.

use crate::auth::password;
use crate::auth::rate_limit::{client_ip, Limited};
use crate::auth::session::{self, TokenPair};
use crate::dto::me::{load_me, MeResponse};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::responses::Invalid;
use crate::state::{blocking, AppState};
use actix_web::post;
use actix_web::{web, HttpRequest, HttpResponse};
use praxis_app::accounts;
use praxis_app::sessions::{self, Rotation};
use praxis_domain::account::Email;
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
        .service(logout);
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

/// Creates an account on the free Lobby plan.
#[utoipa::path(tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created", body = MeResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email is already registered (`email-taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        Invalid,
        (status = 429, description = "Rate limited; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/register")]
pub async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    state
        .auth_limiter
        .check(Limited::Register, client_ip(&req, &state.config))?;
    let body = body.0;
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
    let id = state
        .write(move |conn| accounts::register(conn, &account, &password_hash, &feed_token, now))
        .await?;
    let me = load_me(&state, id).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", "/api/v1/me"))
        .json(me))
}

/// Logs in with email and password. An unknown email and a wrong password get the same answer
/// in comparable time.
#[utoipa::path(tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong email or password (`invalid-credentials`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
        (status = 429, description = "Rate limited; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    state
        .auth_limiter
        .check(Limited::Login, client_ip(&req, &state.config))?;
    let body = body.0;
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
