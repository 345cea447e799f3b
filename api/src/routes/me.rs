//! The caller's own profile, roles and the spaces they may enter, and why.

use crate::auth::Member;
use crate::dto::me::{load_me, MeResponse};
use crate::error::ApiResult;
use crate::extract::Json;
use crate::responses::{AuthErrors, Invalid};
use crate::state::AppState;
use actix_web::{get, patch};
use actix_web::{web, HttpResponse};
use praxis_domain::profiles::{ProfileChange, ProfileChangeInput};
use praxis_openapi::Problem;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_me).service(patch_me);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"display_name": "Ana P.", "time_zone": "America/Bogota", "locale": "en", "listed": true, "bio": "Facilitator in Bogotá.", "languages": ["es", "en"]}))]
pub struct UpdateMeRequest {
    pub display_name: Option<String>,
    /// IANA time zone name.
    pub time_zone: Option<String>,
    /// `en` or `es`.
    pub locale: Option<String>,
    /// Appear in the member directory (`GET /api/v1/members`); off until the member turns it on.
    pub listed: Option<bool>,
    /// Up to 500 characters shown in the directory; an empty text removes it.
    pub bio: Option<String>,
    /// Languages spoken, as ISO 639 codes (at most 10).
    pub languages: Option<Vec<String>>,
}

/// The caller's profile, roles, and each space with whether they may enter it and why.
#[utoipa::path(tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's profile", body = MeResponse),
        AuthErrors,
    ))]
#[get("/me")]
pub async fn get_me(state: web::Data<AppState>, member: Member) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(load_me(&state, member.id).await?))
}

/// Changes the display name, time zone, locale, or what the member directory shows (whether
/// listed, bio, languages). Fields left out stay as they are.
#[utoipa::path(tag = "me", security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "The updated profile", body = MeResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
        Invalid,
    ))]
#[patch("/me")]
pub async fn patch_me(
    state: web::Data<AppState>,
    member: Member,
    body: Json<UpdateMeRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let change = ProfileChange::parse(ProfileChangeInput {
        display_name: body.display_name.as_deref(),
        time_zone: body.time_zone.as_deref(),
        locale: body.locale.as_deref(),
        listed: body.listed,
        bio: body.bio.as_deref(),
        languages: body.languages.as_deref(),
    })?;
    let now = state.now();
    let id = member.id.clone();
    state
        .write(move |conn| praxis_app::me::update(conn, &id, change, now))
        .await?;
    Ok(HttpResponse::Ok().json(load_me(&state, member.id).await?))
}
