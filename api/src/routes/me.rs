//! The caller's own profile, roles and the spaces they may enter, and why.

use crate::access::{all_spaces, load_viewer};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use praxis_domain::access::Access;
use praxis_domain::account::{DisplayName, Locale, TimeZone};
use praxis_domain::error::Errors;
use praxis_openapi::Problem;
use praxis_persistence::to_db_time;
use praxis_persistence::users::{self, UserChanges};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/me")
            .route(web::get().to(get_me))
            .route(web::patch().to(patch_me)),
    );
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpaceAccess {
    Granted,
    Denied,
}

#[derive(Serialize, ToSchema)]
pub struct SpaceAccessResponse {
    #[schema(example = "practitioner-lounge")]
    pub slug: String,
    pub access: SpaceAccess,
    /// Why access is denied, for a person to read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019380aa-7c4e-7cc3-a1a6-0c1b5f7d2e10", "email": "ana@example.org", "display_name": "Ana",
    "roles": [], "time_zone": "Europe/Madrid", "locale": "es",
    "calendar_feed_url": "http://127.0.0.1:8080/api/v1/calendar/4kq….ics",
    "spaces": [{"slug": "lobby", "access": "granted"}, {"slug": "pro-lounge", "access": "denied", "reason": "requires an active PRO subscription"}]
}))]
pub struct MeResponse {
    pub id: String,
    pub email: String,
    pub display_name: String,
    /// `host` and/or `admin`.
    pub roles: Vec<String>,
    pub time_zone: String,
    pub locale: String,
    /// Personal iCalendar feed of the events the member may attend. Keep it private.
    pub calendar_feed_url: String,
    pub spaces: Vec<SpaceAccessResponse>,
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

/// Builds the profile as it is now: roles and space access are derived at this moment.
pub async fn load_me(state: &AppState, user_id: String) -> ApiResult<MeResponse> {
    let public_url = state.config.public_url.clone();
    let now = state.now();
    state
        .db(move |conn| {
            let user = users::find_by_id(conn, &user_id)?.ok_or_else(|| {
                ApiError::unauthorized("invalid-token", "The account no longer exists.")
            })?;
            let ctx = load_viewer(conn, Some(&user_id), now)?;
            let spaces = all_spaces(conn)?
                .iter()
                .filter(|space| ctx.may_know(space))
                .map(|space| {
                    let (access, reason) = match ctx.access(space) {
                        Access::Granted => (SpaceAccess::Granted, None),
                        Access::Denied { reason, .. } => (SpaceAccess::Denied, Some(reason)),
                    };
                    SpaceAccessResponse {
                        slug: space.row.slug.clone(),
                        access,
                        reason,
                    }
                })
                .collect();
            let roles = ctx
                .viewer
                .member
                .as_ref()
                .map(|m| m.roles.iter().map(|r| r.as_str().to_owned()).collect())
                .unwrap_or_default();
            Ok(MeResponse {
                calendar_feed_url: format!(
                    "{public_url}/api/v1/calendar/{}.ics",
                    user.calendar_feed_token
                ),
                id: user.id,
                email: user.email,
                display_name: user.display_name,
                roles,
                time_zone: user.time_zone,
                locale: user.locale,
                spaces,
            })
        })
        .await
}

/// The caller's profile, roles, and each space with whether they may enter it and why.
#[utoipa::path(get, path = "/api/v1/me", tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's profile", body = MeResponse),
        (status = 401, description = "Missing or invalid access token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_me(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(load_me(&state, caller.user_id).await?))
}

/// Changes the display name, time zone or locale. Fields left out stay as they are.
#[utoipa::path(patch, path = "/api/v1/me", tag = "me", security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "The updated profile", body = MeResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid access token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
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
        .write(move |conn| match users::update(conn, &id, &changes) {
            Err(praxis_persistence::Error::NotFound) => Err(ApiError::unauthorized(
                "invalid-token",
                "The account no longer exists.",
            )),
            other => Ok(other?),
        })
        .await?;
    Ok(HttpResponse::Ok().json(load_me(&state, caller.user_id).await?))
}
