//! Hosts plan themes and events: single events, recurring series kept at their wall-clock time
//! in their own zone, and changes to or cancellation of a single occurrence (an exception).

use crate::auth::Caller;
use crate::dto::events::{theme_response, EventResponse, ResponseContext, ThemeResponse};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::state::AppState;
use actix_web::{delete, patch, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use praxis_app::access::{all_spaces, load_viewer};
use praxis_app::events::{find_occurrence, series_rule};
use praxis_domain::account::TimeZone;
use praxis_domain::error::Errors;
use praxis_domain::events::{self, EventFormat, EventKind, EventRef, Frequency, Rule};
use praxis_openapi::Problem;
use praxis_persistence::events::{self as repo, EventChanges, EventRow, SeriesRow, ThemeRow};
use praxis_persistence::{audit, to_db_time, DbConnection};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_theme)
        .service(create_event)
        .service(update_event)
        .service(cancel_event);
}

fn text(errors: &mut Errors, field: &str, raw: &str, max: usize, required: bool) -> String {
    let value = raw.trim().to_owned();
    if (required && value.is_empty()) || value.chars().count() > max {
        errors.push(field, format!("must be between 1 and {max} characters"));
    }
    value
}

fn join_url(errors: &mut Errors, raw: &str) -> String {
    let value = raw.trim().to_owned();
    if !(value.starts_with("https://") || value.starts_with("http://")) || value.len() > 2000 {
        errors.push("join_url", "must be an http(s) URL");
    }
    value
}

fn space_id(conn: &mut DbConnection, slug: &str) -> ApiResult<String> {
    all_spaces(conn)?
        .into_iter()
        .find(|s| s.row.slug == slug)
        .map(|s| s.row.id)
        .ok_or_else(|| {
            ApiError::Validation(vec![praxis_domain::FieldError::new(
                "space",
                "no such space",
            )])
        })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"month": "2026-12", "title": "Listening", "description": "A month on listening.", "space": "practitioner-lounge"}))]
pub struct CreateThemeRequest {
    /// `YYYY-MM`.
    pub month: String,
    pub title: String,
    pub description: Option<String>,
    /// Space slug.
    pub space: String,
}

/// Creates the monthly theme of a space. Hosts and admins; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    request_body = CreateThemeRequest,
    responses(
        (status = 201, description = "Created", body = ThemeResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The space has a theme that month (`theme-exists`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/themes")]
pub async fn create_theme(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateThemeRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
    let body = body.0;
    let mut errors = Errors::new();
    let month = errors.take(events::parse_month(&body.month));
    let title = text(&mut errors, "title", &body.title, 200, true);
    let description = text(
        &mut errors,
        "description",
        body.description.as_deref().unwrap_or(""),
        5000,
        false,
    );
    errors.finish()?;
    let month = month.ok_or_else(|| ApiError::internal("validated month missing"))?;
    let now = state.now();
    let actor = caller.user_id;
    let response = state
        .db_write(move |conn| {
            let row = ThemeRow {
                id: uuid::Uuid::now_v7().to_string(),
                month,
                title,
                description,
                space_id: space_id(conn, &body.space)?,
                created_at: to_db_time(now),
            };
            match repo::insert_theme(conn, &row) {
                Err(praxis_persistence::Error::UniqueViolation(_)) => {
                    return Err(ApiError::Conflict {
                        kind: "theme-exists",
                        detail: "This space already has a theme for that month.".into(),
                    })
                }
                other => other?,
            }
            audit::record(
                conn,
                &praxis_app::audit::entry::<(), _>(
                    Some(&actor),
                    "theme.created",
                    "theme",
                    &row.id,
                    None,
                    Some(&serde_json::json!({"month": row.month, "space": body.space})),
                    now,
                ),
            )?;
            Ok(theme_response(row, &body.space))
        })
        .await?;
    Ok(HttpResponse::Created().json(response))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecurrenceRequest {
    /// `weekly` or `monthly`.
    pub frequency: String,
    /// Every n weeks or months (1–12, default 1).
    pub interval: Option<u32>,
    /// Two-letter weekdays: `mo`, `tu`, `we`, `th`, `fr`, `sa`, `su`.
    pub by_weekday: Vec<String>,
    /// Monthly: 1–4 for the n-th weekday of the month, -1 for the last.
    pub week_of_month: Option<i32>,
    /// Last date (inclusive, in `time_zone`).
    pub until: Option<NaiveDate>,
    /// Number of occurrences.
    pub count: Option<u32>,
    /// IANA zone whose wall-clock time the series keeps across daylight-saving changes.
    pub time_zone: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "community_meetup", "format": "open_space", "title": "Community meet-up",
    "description": "Monthly open space.", "space": "lobby",
    "starts_at": "2026-12-08T17:00:00Z", "ends_at": "2026-12-08T18:30:00Z",
    "join_url": "https://meet.example.org/praxis", "capacity": 40,
    "recurrence": {"frequency": "monthly", "by_weekday": ["tu"], "week_of_month": 2, "time_zone": "Europe/Berlin"}
}))]
pub struct CreateEventRequest {
    pub kind: String,
    pub format: Option<String>,
    pub title: String,
    pub description: Option<String>,
    /// Space slug: who may attend.
    pub space: String,
    pub theme_id: Option<String>,
    /// The (first) start, UTC or with an offset. A series keeps this wall-clock time in its zone.
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub join_url: String,
    pub capacity: Option<i64>,
    /// The zone a single event is planned in (UTC by default).
    pub time_zone: Option<String>,
    pub recurrence: Option<RecurrenceRequest>,
}

fn parse_rule(errors: &mut Errors, r: &RecurrenceRequest) -> Option<(Rule, TimeZone)> {
    let zone = errors.take(TimeZone::parse(&r.time_zone).map_err(|_| {
        praxis_domain::Error::field("recurrence.time_zone", "must be an IANA time zone name")
    }));
    let frequency = errors.take(Frequency::parse(&r.frequency));
    let weekdays = errors.take(events::parse_weekdays(&r.by_weekday));
    let rule = errors.take(Rule::new(
        frequency?,
        r.interval,
        weekdays?,
        r.week_of_month,
        r.until,
        r.count,
    ));
    Some((rule?, zone?))
}

/// Creates a single event or a recurring series. Hosts and admins; audited. Answers the event,
/// or the first occurrence of the series.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    request_body = CreateEventRequest,
    responses(
        (status = 201, description = "Created: the event or the series' first occurrence", body = EventResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/events")]
pub async fn create_event(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateEventRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
    let body = body.0;
    let mut errors = Errors::new();
    let kind = errors.take(EventKind::parse(&body.kind));
    let format = body
        .format
        .as_deref()
        .and_then(|f| errors.take(EventFormat::parse(f)))
        .map(|f| f.as_str().to_owned());
    let title = text(&mut errors, "title", &body.title, 200, true);
    let description = text(
        &mut errors,
        "description",
        body.description.as_deref().unwrap_or(""),
        5000,
        false,
    );
    let join_url = join_url(&mut errors, &body.join_url);
    let capacity = errors
        .take(events::parse_capacity(body.capacity))
        .flatten()
        .and_then(|c| i32::try_from(c).ok());
    let duration = body.ends_at - body.starts_at;
    if duration <= Duration::zero() || duration > Duration::hours(24) {
        errors.push("ends_at", "must be after starts_at, at most 24 hours later");
    }
    let single_zone = body
        .time_zone
        .as_deref()
        .map(|z| errors.take(TimeZone::parse(z)))
        .unwrap_or(Some(TimeZone::utc()));
    let rule = body.recurrence.as_ref().map(|r| parse_rule(&mut errors, r));
    errors.finish()?;
    let kind = kind.ok_or_else(|| ApiError::internal("validated kind missing"))?;
    let now = to_db_time(state.now());
    let actor = caller.user_id;
    let response = state
        .db_write(move |conn| {
            let space_id = space_id(conn, &body.space)?;
            if let Some(theme_id) = &body.theme_id {
                let theme = repo::find_theme(conn, theme_id)?;
                if theme.is_none_or(|t| t.space_id != space_id) {
                    return Err(ApiError::Validation(vec![praxis_domain::FieldError::new(
                        "theme_id",
                        "no such theme in this space",
                    )]));
                }
            }
            let id = uuid::Uuid::now_v7().to_string();
            let created = match rule.flatten() {
                None => {
                    let row = EventRow {
                        id: id.clone(),
                        series_id: None,
                        original_start: Some(to_db_time(body.starts_at)),
                        kind: kind.as_str().to_owned(),
                        format,
                        title,
                        description,
                        space_id,
                        theme_id: body.theme_id,
                        starts_at: to_db_time(body.starts_at),
                        ends_at: to_db_time(body.ends_at),
                        time_zone: single_zone.unwrap_or(TimeZone::utc()).name().to_owned(),
                        join_url,
                        capacity,
                        host_id: Some(actor.clone()),
                        status: "scheduled".to_owned(),
                        created_at: now,
                        updated_at: now,
                    };
                    repo::insert_event(conn, &row)?;
                    id.clone()
                }
                Some((rule, zone)) => {
                    let local = body.starts_at.with_timezone(&zone.tz());
                    let row = SeriesRow {
                        id: id.clone(),
                        kind: kind.as_str().to_owned(),
                        format,
                        title,
                        description,
                        space_id,
                        theme_id: body.theme_id,
                        join_url,
                        capacity,
                        host_id: Some(actor.clone()),
                        time_zone: zone.name().to_owned(),
                        local_start: local.format("%H:%M").to_string(),
                        duration_minutes: i32::try_from(duration.num_minutes()).unwrap_or(1),
                        frequency: rule.frequency.as_str().to_owned(),
                        repeat_interval: i32::try_from(rule.interval).unwrap_or(1),
                        by_weekday: events::weekdays_to_string(&rule.weekdays),
                        week_of_month: rule.week_of_month,
                        starts_on: local.date_naive().format("%Y-%m-%d").to_string(),
                        until_date: rule.until.map(|d| d.format("%Y-%m-%d").to_string()),
                        occurrence_count: rule.count.and_then(|c| i32::try_from(c).ok()),
                        created_at: now,
                        updated_at: now,
                    };
                    let first = series_rule(&row)?
                        .occurrences_between(body.starts_at, body.starts_at + Duration::days(800))
                        .first()
                        .copied()
                        .ok_or_else(|| {
                            ApiError::Validation(vec![praxis_domain::FieldError::new(
                                "recurrence",
                                "the series has no occurrence from starts_at on",
                            )])
                        })?;
                    repo::insert_series(conn, &row)?;
                    EventRef::occurrence_id(&id, first)
                }
            };
            audit::record(
                conn,
                &praxis_app::audit::entry::<(), _>(
                    Some(&actor),
                    "event.created",
                    "event",
                    &id,
                    None,
                    Some(&serde_json::json!({"space": body.space, "kind": kind.as_str()})),
                    now.and_utc(),
                ),
            )?;
            let created = EventRef::parse(&created).map_err(|_| ApiError::NotFound("event"))?;
            managed_event(conn, &actor, &created, now.and_utc())
        })
        .await?;
    Ok(HttpResponse::Created().json(response))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"starts_at": "2026-12-08T18:00:00Z", "ends_at": "2026-12-08T19:30:00Z"}))]
pub struct UpdateEventRequest {
    pub title: Option<String>,
    pub description: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub join_url: Option<String>,
    pub capacity: Option<i64>,
    /// `scheduled` or `cancelled`.
    pub status: Option<String>,
}

/// Changes one event, or one occurrence of a series (the rest of the series stays as it is).
/// Hosts and admins; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id, or `<series id>@<original start>`")),
    request_body = UpdateEventRequest,
    responses(
        (status = 200, description = "The changed event", body = EventResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event or occurrence", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/admin/events/{id}")]
pub async fn update_event(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<UpdateEventRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
    let body = body.0;
    let mut errors = Errors::new();
    let status = body.status.as_deref().and_then(|s| match s {
        "scheduled" | "cancelled" => Some(s.to_owned()),
        _ => {
            errors.push("status", "must be scheduled or cancelled");
            None
        }
    });
    let changes = EventChanges {
        title: body
            .title
            .map(|t| text(&mut errors, "title", &t, 200, true)),
        description: body
            .description
            .map(|d| text(&mut errors, "description", &d, 5000, false)),
        starts_at: body.starts_at.map(to_db_time),
        ends_at: body.ends_at.map(to_db_time),
        join_url: body.join_url.map(|u| join_url(&mut errors, &u)),
        capacity: body.capacity.and_then(|c| {
            errors
                .take(events::parse_capacity(Some(c)))
                .map(|c| c.and_then(|c| i32::try_from(c).ok()))
        }),
        status,
        updated_at: None,
    };
    errors.finish()?;
    let id = path.into_inner();
    let response = change_event(&state, caller.user_id, id, changes).await?;
    Ok(HttpResponse::Ok().json(response))
}

/// Cancels one event or one occurrence of a series (an exception to the series). Hosts and
/// admins; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id, or `<series id>@<original start>`")),
    responses(
        (status = 204, description = "Cancelled"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event or occurrence", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/admin/events/{id}")]
pub async fn cancel_event(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
    let changes = EventChanges {
        status: Some("cancelled".to_owned()),
        ..Default::default()
    };
    change_event(&state, caller.user_id, path.into_inner(), changes).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Applies changes to a single event's row, or to the row that changes one occurrence
/// (created from the series on its first change).
async fn change_event(
    state: &AppState,
    actor: String,
    raw_id: String,
    mut changes: EventChanges,
) -> ApiResult<EventResponse> {
    let now = state.now();
    changes.updated_at = Some(to_db_time(now));
    state
        .db_write(move |conn| {
            let id = EventRef::parse(&raw_id).map_err(|_| ApiError::NotFound("event"))?;
            let current = find_occurrence(conn, &id)?.ok_or(ApiError::NotFound("event"))?;
            let starts = changes.starts_at.map_or(current.starts_at, |s| s.and_utc());
            let ends = changes.ends_at.map_or(current.ends_at, |e| e.and_utc());
            if ends <= starts || ends - starts > Duration::hours(24) {
                return Err(ApiError::Validation(vec![praxis_domain::FieldError::new(
                    "ends_at",
                    "must be after starts_at, at most 24 hours later",
                )]));
            }
            if let EventRef::Occurrence { original_start, .. } = &id {
                if (starts - *original_start).num_seconds().abs() > praxis_app::events::MAX_MOVE_DAYS * 86_400 {
                    return Err(ApiError::Validation(vec![praxis_domain::FieldError::new(
                        "starts_at",
                        format!(
                            "an occurrence of a series moves at most {} days from its original start; \
                             cancel it and create a single event instead",
                            praxis_app::events::MAX_MOVE_DAYS
                        ),
                    )]));
                }
            }
            let row_id = match &id {
                EventRef::Single(event_id) => event_id.clone(),
                EventRef::Occurrence {
                    series_id,
                    original_start,
                } => {
                    match repo::find_override(conn, series_id, to_db_time(*original_start))? {
                        Some(row) => row.id,
                        None => praxis_app::events::materialize(conn, &current, now)?,
                    }
                }
            };
            repo::update_event(conn, &row_id, &changes)?;
            audit::record(
                conn,
                &praxis_app::audit::entry::<(), _>(
                    Some(&actor),
                    "event.changed",
                    "event",
                    &raw_id,
                    None,
                    Some(&serde_json::json!({"status": changes.status, "starts_at": changes.starts_at})),
                    now,
                ),
            )?;
            managed_event(conn, &actor, &id, now)
        })
        .await
}

/// The event as its host sees it after a change, whether or not they may read its space (hosts
/// manage events of sealed rooms they cannot enter).
fn managed_event(
    conn: &mut DbConnection,
    actor: &str,
    id: &EventRef,
    now: DateTime<Utc>,
) -> ApiResult<EventResponse> {
    let occurrence = find_occurrence(conn, id)?.ok_or(ApiError::NotFound("event"))?;
    let ctx = load_viewer(conn, Some(actor), now)?;
    let spaces = all_spaces(conn)?;
    let responses = ResponseContext::load(conn, &ctx, &spaces, std::slice::from_ref(&occurrence))?;
    Ok(responses.respond(occurrence))
}
