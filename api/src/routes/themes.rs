//! A monthly theme's page: the theme with the events, assignments, recordings and resources on
//! it that the caller may read. A theme of a space the caller may not read answers 404. Hosts
//! edit a theme.

use crate::auth::{Host, Viewer};
use crate::dto::events::{theme_response, EventResponse, ResponseContext, ThemeResponse};
use crate::dto::learning::{AssignmentResponse, ResourceResponse};
use crate::error::ApiResult;
use crate::extract::{Json, PathId};
use crate::responses::{BadToken, HostOnly, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{get, patch};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::themes;
use praxis_domain::event_plans::ThemeChange;
use praxis_domain::ids::ThemeId;
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use praxis_persistence::learning::recordings::ThemeRecording;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_theme).service(change_theme);
}

/// A recording of one of the theme's events (its chapters are at
/// `GET /api/v1/events/{event_id}/recording`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ThemeRecordingResponse {
    pub event_id: String,
    pub event_title: String,
    pub event_starts_at: DateTime<Utc>,
    pub video_url: String,
    pub duration_seconds: i32,
}

impl From<ThemeRecording> for ThemeRecordingResponse {
    fn from(r: ThemeRecording) -> Self {
        Self {
            event_id: r.recording.event_id,
            event_title: r.event_title,
            event_starts_at: from_db_time(r.event_starts_at),
            video_url: r.recording.video_url,
            duration_seconds: r.recording.duration_seconds,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ThemePageResponse {
    pub theme: ThemeResponse,
    /// The theme's events in its month, series expanded, by start.
    pub events: Vec<EventResponse>,
    /// The theme's assignments, latest due first.
    pub assignments: Vec<AssignmentResponse>,
    /// Recordings of the theme's events the caller may watch, by the events' start.
    pub recordings: Vec<ThemeRecordingResponse>,
    /// Resources on the theme the caller may read, newest first.
    pub resources: Vec<ResourceResponse>,
}

/// A monthly theme with its events, assignments, recordings and resources, each only as the
/// caller may read it.
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
                recordings: page.recordings.into_iter().map(Into::into).collect(),
                resources: page.resources.into_iter().map(Into::into).collect(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Consent decision-making", "month": "2027-01"}))]
pub struct ChangeThemeRequest {
    /// `YYYY-MM`; one theme per space and month.
    pub month: Option<String>,
    /// 1–200 characters.
    pub title: Option<String>,
    /// At most 5000 characters.
    pub description: Option<String>,
}

/// Changes a theme's month, title or description (the fields sent; at least one). Hosts and
/// admins who may read its space; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    request_body = ChangeThemeRequest,
    params(("id" = String, Path, description = "Theme id")),
    responses(
        (status = 200, description = "The theme as changed", body = ThemeResponse),
        HostOnly,
        NotVisible,
        (status = 409, description = "The space has a theme that month (`theme-exists`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[patch("/admin/themes/{id}")]
pub async fn change_theme(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<ThemeId>,
    body: Json<ChangeThemeRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let change = ThemeChange::parse(
        body.month.as_deref(),
        body.title.as_deref(),
        body.description.as_deref(),
    )?;
    let now = state.now();
    let (row, slug) = state
        .write(move |c| themes::change(c, &host.ctx, &id, change, now))
        .await?;
    Ok(HttpResponse::Ok().json(theme_response(row, &slug)))
}
