//! A monthly theme's page: the theme with the events and assignments on it that the caller may
//! read. A theme of a space the caller may not read answers 404.

use crate::auth::Viewer;
use crate::dto::events::{theme_response, EventResponse, ResponseContext, ThemeResponse};
use crate::dto::learning::AssignmentResponse;
use crate::error::ApiResult;
use crate::extract::PathId;
use crate::responses::{BadToken, NotVisible};
use crate::state::AppState;
use actix_web::get;
use actix_web::{web, HttpResponse};
use praxis_app::themes;
use praxis_domain::ids::ThemeId;
use praxis_openapi::Problem;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_theme);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ThemePageResponse {
    pub theme: ThemeResponse,
    /// The theme's events in its month, series expanded, by start.
    pub events: Vec<EventResponse>,
    /// The theme's assignments, latest due first.
    pub assignments: Vec<AssignmentResponse>,
}

/// A monthly theme with its events and assignments, each as the caller may read it.
#[utoipa::path(tag = "events",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Theme id")),
    responses(
        (status = 200, description = "The theme's page", body = ThemePageResponse),
        BadToken,
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
    ))]
#[get("/themes/{id}")]
pub async fn get_theme(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    PathId(id): PathId<ThemeId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let response = state
        .read(move |c| {
            let page = themes::page(c, &ctx, &id, now)?;
            let responses = ResponseContext::load(c, &ctx, &page.spaces, &page.events)?;
            Ok(ThemePageResponse {
                theme: theme_response(page.theme, &page.space_slug),
                events: page
                    .events
                    .into_iter()
                    .map(|o| responses.respond(o))
                    .collect(),
                assignments: page.assignments.into_iter().map(Into::into).collect(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}
