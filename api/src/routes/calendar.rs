//! iCalendar feeds: each member's secret, revocable feed of the events they may attend now, a
//! public feed of Lobby events, and the member's reminder preference.

use crate::auth::{tokens, Caller};
use crate::error::ApiResult;
use crate::extract::Json;
use crate::responses::AuthErrors;
use crate::state::AppState;
use actix_web::{get, patch, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus};
use praxis_app::calendar;
use praxis_app::events::Occurrence;
use praxis_domain::ids::UserId;
use praxis_openapi::Problem;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

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
    let found = state
        .read(move |c| calendar::member_feed(c, &token, now))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(CALENDAR_CONTENT_TYPE)
        .insert_header((actix_web::http::header::CACHE_CONTROL, "private, no-store"))
        .body(ics("Praxis", found, true, now)))
}

/// The public feed of Lobby events, for anyone; join links are for members only.
#[utoipa::path(tag = "events",
    responses(
        (status = 200, description = "RFC 5545 calendar", content_type = "text/calendar", body = String),
    ))]
#[get("/calendar/lobby.ics")]
pub async fn lobby_feed(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let now = state.now();
    let found = state.read(move |c| calendar::lobby_feed(c, now)).await?;
    Ok(HttpResponse::Ok()
        .content_type(CALENDAR_CONTENT_TYPE)
        .body(ics("Praxis Lobby", found, false, now)))
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
        AuthErrors,
    ))]
#[post("/me/calendar-feed/rotate")]
pub async fn rotate_feed_token(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let token = tokens::generate();
    let stored = token.clone();
    let user = UserId::from_trusted(caller.user_id);
    state
        .write(move |c| calendar::rotate_feed_token(c, &user, &stored, now))
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
        AuthErrors,
    ))]
#[get("/me/event-reminders")]
pub async fn get_reminders(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    let user = UserId::from_trusted(caller.user_id);
    let enabled = state
        .read(move |c| calendar::reminders_enabled(c, &user))
        .await?;
    Ok(HttpResponse::Ok().json(EventRemindersSetting { enabled }))
}

/// Turns event reminders on or off.
#[utoipa::path(tag = "me", security(("bearer" = [])),
    request_body = EventRemindersSetting,
    responses(
        (status = 200, description = "The setting", body = EventRemindersSetting),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
    ))]
#[patch("/me/event-reminders")]
pub async fn patch_reminders(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<EventRemindersSetting>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let enabled = body.0.enabled;
    let user = UserId::from_trusted(caller.user_id);
    state
        .write(move |c| calendar::set_reminders(c, &user, enabled, now))
        .await?;
    Ok(HttpResponse::Ok().json(EventRemindersSetting { enabled }))
}
