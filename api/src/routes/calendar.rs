//! iCalendar feeds: each member's secret, revocable feed of the events they may attend now, a
//! public feed of Lobby events, and the member's reminder preference.

use crate::auth::{tokens, Caller};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::state::AppState;
use actix_web::{get, patch, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus};
use praxis_app::access::{all_spaces, load_viewer};
use praxis_app::events::{occurrences_between, Occurrence};
use praxis_openapi::Problem;
use praxis_persistence::events as repo;
use praxis_persistence::to_db_time;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

/// Feeds cover a month back and a year ahead: what calendar apps show.
const FEED_PAST_DAYS: i64 = 30;
const FEED_AHEAD_DAYS: i64 = 335;
const LOBBY_SLUG: &str = "lobby";
const CALENDAR_CONTENT_TYPE: &str = "text/calendar; charset=utf-8";

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(lobby_feed)
        .service(member_feed)
        .service(rotate_feed_token)
        .service(get_reminders)
        .service(patch_reminders);
}

/// An RFC 5545 calendar of these events, one VEVENT per occurrence (series are expanded, so
/// every start is an exact UTC instant whatever zone rules the client knows). Cancelled
/// occurrences are left out.
fn ics(name: &str, occurrences: Vec<Occurrence>, with_links: bool, now: DateTime<Utc>) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for occurrence in occurrences.into_iter().filter(|o| !o.cancelled) {
        let mut event = icalendar::Event::new();
        event
            .uid(&format!("{}@praxis", occurrence.id))
            .timestamp(now)
            .last_modified(occurrence.updated_at)
            .starts(occurrence.starts_at)
            .ends(occurrence.ends_at)
            .summary(&occurrence.title)
            .status(EventStatus::Confirmed);
        if with_links {
            event
                .description(&format!(
                    "{}\n\nJoin: {}",
                    occurrence.description, occurrence.join_url
                ))
                .url(&occurrence.join_url)
                .location(&occurrence.join_url);
        } else {
            event.description(&occurrence.description);
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

fn window(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        now - Duration::days(FEED_PAST_DAYS),
        now + Duration::days(FEED_AHEAD_DAYS),
    )
}

/// The member's personal feed: exactly the events they may attend at the moment it is fetched,
/// with join links. The token in the URL is the only credential; rotate it if it leaks.
#[utoipa::path(tag = "events",
    params(("feed_token" = String, Path, description = "The secret token from `calendar_feed_url` in /me")),
    responses(
        (status = 200, description = "RFC 5545 calendar", content_type = "text/calendar", body = String),
        (status = 404, description = "Unknown or revoked token", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/calendar/{feed_token}.ics")]
pub async fn member_feed(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let token = path.into_inner();
    let body = state
        .db(move |conn| {
            let user_id =
                repo::user_by_feed_token(conn, &token)?.ok_or(ApiError::NotFound("calendar"))?;
            let ctx = load_viewer(conn, Some(&user_id), now)?;
            let readable = ctx.readable_space_ids(&all_spaces(conn)?);
            let (from, to) = window(now);
            let found = occurrences_between(conn, &readable, None, from, to)?;
            Ok(ics("Praxis", found, true, now))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(CALENDAR_CONTENT_TYPE)
        .insert_header((actix_web::http::header::CACHE_CONTROL, "private, no-store"))
        .body(body))
}

/// The public feed of Lobby events, for anyone; join links are for members only.
#[utoipa::path(tag = "events",
    responses(
        (status = 200, description = "RFC 5545 calendar", content_type = "text/calendar", body = String),
    ))]
#[get("/calendar/lobby.ics")]
pub async fn lobby_feed(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let now = state.now();
    let body = state
        .db(move |conn| {
            let visitor = load_viewer(conn, None, now)?;
            let lobby: Vec<String> = all_spaces(conn)?
                .into_iter()
                .filter(|s| s.row.slug == LOBBY_SLUG && visitor.access(s).is_granted())
                .map(|s| s.row.id)
                .collect();
            let (from, to) = window(now);
            let found = occurrences_between(conn, &lobby, None, from, to)?;
            Ok(ics("Praxis Lobby", found, false, now))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(CALENDAR_CONTENT_TYPE)
        .body(body))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeedResponse {
    /// The new personal feed URL; the previous one stops working now.
    pub calendar_feed_url: String,
}

/// Replaces the caller's feed token, revoking the old feed URL.
#[utoipa::path(tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, description = "The new feed URL", body = CalendarFeedResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/me/calendar-feed/rotate")]
pub async fn rotate_feed_token(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let token = tokens::generate();
    let stored = token.clone();
    let user_id = caller.user_id;
    state
        .db_write(move |conn| {
            match repo::set_feed_token(conn, &user_id, &stored, to_db_time(now)) {
                Err(praxis_persistence::Error::NotFound) => Err(ApiError::unauthorized(
                    "invalid-token",
                    "The account no longer exists.",
                )),
                other => Ok(other?),
            }
        })
        .await?;
    Ok(HttpResponse::Ok().json(CalendarFeedResponse {
        calendar_feed_url: format!("{}/api/v1/calendar/{token}.ics", state.config.public_url),
    }))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventRemindersSetting {
    /// Email reminders 24 hours and 1 hour before events the member RSVP'd to.
    pub enabled: bool,
}

/// Whether the caller gets event reminders by email.
#[utoipa::path(tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, description = "The setting", body = EventRemindersSetting),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/me/event-reminders")]
pub async fn get_reminders(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    let user_id = caller.user_id;
    let enabled = state
        .db(move |conn| Ok(repo::reminders_enabled(conn, &user_id)?))
        .await?;
    Ok(HttpResponse::Ok().json(EventRemindersSetting { enabled }))
}

/// Turns event reminders on or off.
#[utoipa::path(tag = "me", security(("bearer" = [])),
    request_body = EventRemindersSetting,
    responses(
        (status = 200, description = "The setting", body = EventRemindersSetting),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/me/event-reminders")]
pub async fn patch_reminders(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<EventRemindersSetting>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let enabled = body.0.enabled;
    let user_id = caller.user_id;
    state
        .db_write(move |conn| {
            Ok(repo::set_reminders(
                conn,
                &user_id,
                enabled,
                to_db_time(now),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(EventRemindersSetting { enabled }))
}
