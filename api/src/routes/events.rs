//! Monthly themes and events for members: lists expanded over a bounded range, one event, and
//! RSVPs with a capacity. Only what the caller may read is ever shown or counted.

use crate::auth::{Member, Viewer};
use crate::dto::events::{
    theme_response, EventResponse, ResponseContext, ThemeListResponse, ThemeResponse,
};
use crate::dto::learning::cursor;
use crate::error::ApiResult;
use crate::extract::{PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{AuthErrors, BadToken, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{delete, get, put};
use actix_web::{web, HttpResponse};
use praxis_app::access::ViewerContext;
use praxis_app::{events, rsvps};
use praxis_domain::event_queries::EventQuery;
use praxis_domain::ids::{EventId, ThemeId};
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

/// The monthly themes of the spaces the caller may read, newest month first, in keyset pages.
#[utoipa::path(tag = "events",
    security((), ("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of themes", body = ThemeListResponse),
        BadToken,
        Invalid,
    ))]
#[get("/themes")]
pub async fn list_themes(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let limit = query.0.limit()?;
    let after = match query.0.cursor.as_deref() {
        Some(raw) => {
            let mut parts = cursor::decode(raw, 2)?.into_iter();
            parts.next().zip(parts.next())
        }
        None => None,
    };
    let themes = state
        .read(move |c| events::themes(c, &ctx, after, limit + 1))
        .await?;
    let page: Page<ThemeResponse> = Page::from_keyed_rows(
        themes,
        limit,
        |(row, _)| vec![row.month.clone(), row.id.clone()],
        |(row, slug)| theme_response(row, &slug),
    );
    Ok(HttpResponse::Ok().json(ThemeListResponse {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventListResponse {
    pub items: Vec<EventResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct EventListParams {
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (the same `from`, `to` and `kind` must be passed).
    pub cursor: Option<String>,
    /// Start of the range (RFC 3339); now when left out.
    pub from: Option<String>,
    /// End of the range (RFC 3339), at most 366 days after `from`; 30 days after `from` when
    /// left out.
    pub to: Option<String>,
    /// Only events of this kind.
    pub kind: Option<String>,
    /// Only events of this monthly theme.
    pub theme_id: Option<String>,
}

/// Events overlapping `[from, to)` in the spaces the caller may read, series expanded into
/// their occurrences, by start (then id), in keyset pages.
#[utoipa::path(tag = "events",
    security((), ("bearer" = [])),
    params(EventListParams),
    responses(
        (status = 200, description = "A page of events in the range", body = EventListResponse),
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
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let (limit, after) = (page.limit()?, page.after()?);
    let after = after.map(|(at, id)| (at.and_utc(), id));
    let query = EventQuery::parse(
        params.from.as_deref(),
        params.to.as_deref(),
        params.kind.as_deref(),
        state.now(),
    )?;
    let theme = params.theme_id.as_deref().map(ThemeId::parse).transpose()?;
    let page = state
        .read(move |c| {
            let (found, spaces) = events::list(c, &ctx, &query, theme.as_ref(), after, limit + 1)?;
            let responses = ResponseContext::load(c, &ctx, &spaces, &found)?;
            Ok(Page::from_rows(
                found,
                limit,
                |o| (o.starts_at.naive_utc(), o.id.clone()),
                |o| responses.respond(o),
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(EventListResponse {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
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
