//! The caller's own profile, roles and the spaces they may enter, and why.

use crate::auth::Caller;
use crate::dto::me::{load_me, MeResponse};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::state::AppState;
use actix_web::{get, patch};
use actix_web::{web, HttpResponse};
use praxis_domain::account::{DisplayName, Locale, TimeZone};
use praxis_domain::error::Errors;
use praxis_openapi::Problem;
use praxis_persistence::to_db_time;
use praxis_persistence::users::{self, UserChanges};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_me).service(patch_me);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"display_name": "Ana P.", "time_zone": "America/Bogota", "locale": "en"}))]
pub struct UpdateMeRequest {
    pub display_name: Option<String>,
    /// IANA time zone name.
    pub time_zone: Option<String>,
    /// `en` or `es`.
    pub locale: Option<String>,
}

/// The caller's profile, roles, and each space with whether they may enter it and why.
#[utoipa::path(tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's profile", body = MeResponse),
        (status = 401, description = "Missing or invalid access token", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/me")]
pub async fn get_me(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(load_me(&state, caller.user_id).await?))
}

/// Changes the display name, time zone or locale. Fields left out stay as they are.
#[utoipa::path(tag = "me", security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "The updated profile", body = MeResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid access token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/me")]
pub async fn patch_me(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<UpdateMeRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let mut errors = Errors::new();
    let display_name = body
        .display_name
        .as_deref()
        .and_then(|v| errors.take(DisplayName::parse(v)));
    let time_zone = body
        .time_zone
        .as_deref()
        .and_then(|v| errors.take(TimeZone::parse(v)));
    let locale = body
        .locale
        .as_deref()
        .and_then(|v| errors.take(Locale::parse(v)));
    errors.finish()?;
    let changes = UserChanges {
        display_name: display_name.map(|n| n.as_str().to_owned()),
        time_zone: time_zone.map(|t| t.name().to_owned()),
        locale: locale.map(|l| l.as_str().to_owned()),
        updated_at: Some(to_db_time(state.now())),
    };
    let id = caller.user_id.clone();
    state
        .db_write(move |conn| match users::update(conn, &id, &changes) {
            Err(praxis_persistence::Error::NotFound) => Err(ApiError::unauthorized(
                "invalid-token",
                "The account no longer exists.",
            )),
            other => Ok(other?),
        })
        .await?;
    Ok(HttpResponse::Ok().json(load_me(&state, caller.user_id).await?))
}
