//! Monthly themes and events for members: lists expanded over a bounded range, one event, and
//! RSVPs with a capacity. Only what the caller may read is ever shown or counted.

use crate::auth::{Member, Viewer};
use crate::dto::events::{
    theme_response, EventResponse, ResponseContext, ThemeListResponse, ThemeResponse,
};
use crate::error::ApiResult;
use crate::extract::{PathId, Query};
use crate::responses::{AuthErrors, BadToken, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{delete, get, put};
use actix_web::{web, HttpResponse};
use praxis_app::access::ViewerContext;
use praxis_app::{events, rsvps};
use praxis_domain::event_queries::EventQuery;
use praxis_domain::ids::EventId;
use praxis_openapi::Problem;
use praxis_persistence::DbConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_themes)
        .service(list_events)
        .service(get_event)
        .service(put_rsvp)
        .service(delete_rsvp);
}

/// The monthly themes of the spaces the caller may read, newest month first.
#[utoipa::path(tag = "events",
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Themes", body = ThemeListResponse),
        BadToken,
    ))]
#[get("/themes")]
pub async fn list_themes(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
) -> ApiResult<HttpResponse> {
    let themes = state.read(move |c| events::themes(c, &ctx)).await?;
    let items: Vec<ThemeResponse> = themes
        .into_iter()
        .map(|(row, slug)| theme_response(row, &slug))
        .collect();
    Ok(HttpResponse::Ok().json(ThemeListResponse { items }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventListResponse {
    pub items: Vec<EventResponse>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct EventListParams {
    /// Start of the range (RFC 3339); now when left out.
    pub from: Option<String>,
    /// End of the range (RFC 3339), at most 366 days after `from`; 30 days after `from` when
    /// left out.
    pub to: Option<String>,
    /// Only events of this kind.
    pub kind: Option<String>,
}

/// Events overlapping `[from, to)` in the spaces the caller may read, series expanded into
/// their occurrences, by start.
#[utoipa::path(tag = "events",
    security((), ("bearer" = [])),
    params(EventListParams),
    responses(
        (status = 200, description = "Events in the range", body = EventListResponse),
        BadToken,
        Invalid,
    ))]
#[get("/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    query: Query<EventListParams>,
) -> ApiResult<HttpResponse> {
    let params = query.0;
    let query = EventQuery::parse(
        params.from.as_deref(),
        params.to.as_deref(),
        params.kind.as_deref(),
        state.now(),
    )?;
    let items = state
        .read(move |c| {
            let (found, spaces) = events::list(c, &ctx, &query)?;
            let responses = ResponseContext::load(c, &ctx, &spaces, &found)?;
            Ok(found.into_iter().map(|o| responses.respond(o)).collect())
        })
        .await?;
    Ok(HttpResponse::Ok().json(EventListResponse { items }))
}

/// One event the caller may read, as they see it.
fn event_for(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &EventId,
) -> praxis_app::Result<EventResponse> {
    let (occurrence, spaces) = events::read(conn, ctx, id)?;
    let responses = ResponseContext::load(conn, ctx, &spaces, std::slice::from_ref(&occurrence))?;
    Ok(responses.respond(occurrence))
}

/// One event or occurrence. 404 for anyone who may not read its space.
#[utoipa::path(tag = "events",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Event id, or `<series id>@<original start>` for an occurrence")),
    responses(
        (status = 200, description = "The event", body = EventResponse),
        BadToken,
        (status = 403, description = "Accept the current terms first (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
    ))]
#[get("/events/{id}")]
pub async fn get_event(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    PathId(id): PathId<EventId>,
) -> ApiResult<HttpResponse> {
    let response = state.read(move |c| event_for(c, &ctx, &id)).await?;
    Ok(HttpResponse::Ok().json(response))
}

/// RSVPs to an event. Places are counted under a lock in the write transaction, so of many
/// members asking for the last place exactly one gets it.
#[utoipa::path(tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event or occurrence id")),
    responses(
        (status = 200, description = "The caller attends; the event with its RSVP count", body = EventResponse),
        AuthErrors,
        (status = 403, description = "Accept the current terms first", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 409, description = "No place left (`event-full`), cancelled (`event-cancelled`) or already started (`event-started`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/events/{id}/rsvp")]
pub async fn put_rsvp(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<EventId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let response = state
        .write(move |c| {
            rsvps::rsvp(c, &member.ctx, &id, now)?;
            event_for(c, &member.ctx, &id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}

/// Withdraws the caller's RSVP; withdrawing one that does not exist changes nothing.
#[utoipa::path(tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event or occurrence id")),
    responses(
        (status = 204, description = "The caller no longer attends"),
        AuthErrors,
        (status = 403, description = "Accept the current terms first", body = Problem, content_type = "application/problem+json"),
        NotVisible,
    ))]
#[delete("/events/{id}/rsvp")]
pub async fn delete_rsvp(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<EventId>,
) -> ApiResult<HttpResponse> {
    state
        .write(move |c| rsvps::withdraw(c, &member.ctx, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
