//! Monthly themes and events for members: lists expanded over a bounded range, one event, and
//! RSVPs with a capacity. Only what the caller may read is ever shown or counted.

use crate::auth::{Caller, OptionalCaller};
use crate::dto::events::{
    slugs, theme_response, EventResponse, ResponseContext, ThemeListResponse,
};
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::state::AppState;
use actix_web::{delete, get, put};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use praxis_app::access::{all_spaces, load_viewer};
use praxis_app::events::{occurrences_between, readable_occurrence};
use praxis_domain::events::{self, EventKind};
use praxis_openapi::Problem;
use praxis_persistence::events::{self as repo, RsvpRow};
use praxis_persistence::{to_db_time, DbConnection};
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
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/themes")]
pub async fn list_themes(
    state: web::Data<AppState>,
    caller: OptionalCaller,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let user_id = caller.0.map(|c| c.user_id);
    let items = state
        .db(move |conn| {
            let ctx = load_viewer(conn, user_id.as_deref(), now)?;
            let spaces = all_spaces(conn)?;
            let slugs = slugs(&spaces);
            let readable = ctx.readable_space_ids(&spaces);
            Ok(repo::themes_in(conn, &readable)?
                .into_iter()
                .map(|row| {
                    let slug = slugs.get(&row.space_id).cloned().unwrap_or_default();
                    theme_response(row, &slug)
                })
                .collect())
        })
        .await?;
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

fn parse_instant(field: &str, raw: &str) -> ApiResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| {
            ApiError::Validation(vec![praxis_domain::FieldError::new(
                field,
                "must be an RFC 3339 instant such as 2026-12-01T00:00:00Z",
            )])
        })
}

/// Events overlapping `[from, to)` in the spaces the caller may read, series expanded into
/// their occurrences, by start.
#[utoipa::path(tag = "events",
    security((), ("bearer" = [])),
    params(EventListParams),
    responses(
        (status = 200, description = "Events in the range", body = EventListResponse),
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid range or kind (at most 366 days)", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    caller: OptionalCaller,
    query: Query<EventListParams>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let params = query.0;
    let from = params
        .from
        .as_deref()
        .map(|raw| parse_instant("from", raw))
        .transpose()?
        .unwrap_or(now);
    let to = params
        .to
        .as_deref()
        .map(|raw| parse_instant("to", raw))
        .transpose()?
        .unwrap_or(from + Duration::days(30));
    events::check_range(from, to)?;
    let kind = params
        .kind
        .as_deref()
        .map(EventKind::parse)
        .transpose()?
        .map(|k| k.as_str());
    let user_id = caller.0.map(|c| c.user_id);
    let items = state
        .db(move |conn| {
            let ctx = load_viewer(conn, user_id.as_deref(), now)?;
            let spaces = all_spaces(conn)?;
            let readable = ctx.readable_space_ids(&spaces);
            let found = occurrences_between(conn, &readable, kind, from, to)?;
            let responses = ResponseContext::load(conn, &ctx, &spaces, &found)?;
            Ok(found.into_iter().map(|o| responses.respond(o)).collect())
        })
        .await?;
    Ok(HttpResponse::Ok().json(EventListResponse { items }))
}

/// Loads one event the caller may read and answers it.
pub fn event_for(
    conn: &mut DbConnection,
    user_id: Option<&str>,
    id: &str,
    now: DateTime<Utc>,
) -> ApiResult<EventResponse> {
    let ctx = load_viewer(conn, user_id, now)?;
    let (occurrence, _) = readable_occurrence(conn, &ctx, id)?;
    let spaces = all_spaces(conn)?;
    let responses = ResponseContext::load(conn, &ctx, &spaces, std::slice::from_ref(&occurrence))?;
    Ok(responses.respond(occurrence))
}

/// One event or occurrence. 404 for anyone who may not read its space.
#[utoipa::path(tag = "events",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Event id, or `<series id>@<original start>` for an occurrence")),
    responses(
        (status = 200, description = "The event", body = EventResponse),
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Accept the current terms first (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/events/{id}")]
pub async fn get_event(
    state: web::Data<AppState>,
    caller: OptionalCaller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let user_id = caller.0.map(|c| c.user_id);
    let id = path.into_inner();
    let response = state
        .db(move |conn| event_for(conn, user_id.as_deref(), &id, now))
        .await?;
    Ok(HttpResponse::Ok().json(response))
}

/// RSVPs to an event. Places are counted under a lock in the write transaction, so of many
/// members asking for the last place exactly one gets it.
#[utoipa::path(tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event or occurrence id")),
    responses(
        (status = 200, description = "The caller attends; the event with its RSVP count", body = EventResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Accept the current terms first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No place left (`event-full`), cancelled (`event-cancelled`) or already started (`event-started`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/events/{id}/rsvp")]
pub async fn put_rsvp(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let user_id = caller.user_id;
    let id = path.into_inner();
    let response = state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&user_id), now)?;
            let (occurrence, _) = readable_occurrence(conn, &ctx, &id)?;
            if occurrence.cancelled {
                return Err(ApiError::Conflict {
                    kind: "event-cancelled",
                    detail: "This event is cancelled.".into(),
                });
            }
            if occurrence.starts_at <= now {
                return Err(ApiError::Conflict {
                    kind: "event-started",
                    detail: "This event has already started.".into(),
                });
            }
            let event_id = occurrence.rsvp_event_id.clone();
            let start = to_db_time(occurrence.rsvp_start);
            repo::lock_for_rsvp(conn, &event_id, occurrence.series_id.is_some())?;
            if !repo::has_rsvp(conn, &event_id, start, &user_id)? {
                let taken = repo::count_rsvps(conn, &event_id, start)?;
                let capacity = occurrence.capacity.and_then(|c| u32::try_from(c).ok());
                if !events::has_place(capacity, u64::try_from(taken).unwrap_or(u64::MAX)) {
                    return Err(ApiError::Conflict {
                        kind: "event-full",
                        detail: "Every place of this event is taken.".into(),
                    });
                }
                repo::insert_rsvp(
                    conn,
                    &RsvpRow {
                        event_id,
                        occurrence_start: start,
                        user_id: user_id.clone(),
                        created_at: to_db_time(now),
                    },
                )?;
            }
            event_for(conn, Some(&user_id), &id, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}

/// Withdraws the caller's RSVP; withdrawing one that does not exist changes nothing.
#[utoipa::path(tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event or occurrence id")),
    responses(
        (status = 204, description = "The caller no longer attends"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Accept the current terms first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/events/{id}/rsvp")]
pub async fn delete_rsvp(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let user_id = caller.user_id;
    let id = path.into_inner();
    state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&user_id), now)?;
            let (occurrence, _) = readable_occurrence(conn, &ctx, &id)?;
            repo::delete_rsvp(
                conn,
                &occurrence.rsvp_event_id,
                to_db_time(occurrence.rsvp_start),
                &user_id,
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
