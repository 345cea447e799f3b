//! Hosts plan themes and events: single events, recurring series kept at their wall-clock time
//! in their own zone, changes to or cancellation of a single occurrence (an exception), and the
//! end of a whole series.

use crate::auth::{Host, Member};
use crate::dto::events::{theme_response, ManagedEventResponse, ResponseContext, ThemeResponse};
use crate::error::ApiResult;
use crate::extract::Json;
use crate::responses::{HostOnly, Invalid};
use crate::state::AppState;
use actix_web::{delete, patch, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use praxis_app::access::all_spaces;
use praxis_app::events::find_occurrence;
use praxis_app::{event_planning, facilitation, series_editing};
use praxis_domain::account::can_host;
use praxis_domain::event_plans::{
    EventChange, EventChangeInput, NewEvent, NewEventInput, NewTheme, RecurrenceInput,
    SeriesChange, SeriesChangeInput,
};
use praxis_domain::events::EventRef;
use praxis_openapi::Problem;
use praxis_persistence::DbConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_theme)
        .service(create_event)
        .service(update_event)
        .service(cancel_event)
        .service(cancel_series)
        .service(update_series);
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
        HostOnly,
        (status = 409, description = "The space has a theme that month (`theme-exists`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[post("/admin/themes")]
pub async fn create_theme(
    state: web::Data<AppState>,
    Host(host): Host,
    body: Json<CreateThemeRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let theme = NewTheme::parse(
        &body.month,
        &body.title,
        body.description.as_deref(),
        &body.space,
    )?;
    let now = state.now();
    let row = state
        .write(move |conn| event_planning::create_theme(conn, &host.id, theme, now))
        .await?;
    Ok(HttpResponse::Created().json(theme_response(row, &body.space)))
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

impl CreateEventRequest {
    fn parse(&self) -> praxis_domain::Result<NewEvent> {
        NewEvent::parse(&NewEventInput {
            kind: &self.kind,
            format: self.format.as_deref(),
            title: &self.title,
            description: self.description.as_deref(),
            space: &self.space,
            theme_id: self.theme_id.as_deref(),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            join_url: &self.join_url,
            capacity: self.capacity,
            time_zone: self.time_zone.as_deref(),
            recurrence: self.recurrence.as_ref().map(|r| RecurrenceInput {
                frequency: &r.frequency,
                interval: r.interval,
                by_weekday: &r.by_weekday,
                week_of_month: r.week_of_month,
                until: r.until,
                count: r.count,
                time_zone: &r.time_zone,
            }),
        })
    }
}

/// Creates a single event or a recurring series. Hosts and admins; audited. Answers the event,
/// or the first occurrence of the series; to a manager who may not read the event's space (a
/// sealed room they are not in) only an acknowledgement (`content_withheld`: id, kind, space,
/// times, status), never the title, description or join link.
///
/// Kinds belong to spaces (422 naming `kind` otherwise): `community_meetup`, `learning_session`
/// and `qa_session` go to any space; `pro_meetup` only to a space PRO alone opens (the PRO
/// Lounge); `supervision` and `intervision` to such a space or to a sealed or invite-only room.
/// None of the PRO kinds goes to the Lobby, the Lobby members' room or the Practitioner Lounge.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    request_body = CreateEventRequest,
    responses(
        (status = 201, description = "Created: the event or the series' first occurrence, or an acknowledgement without content when the caller may not read its space", body = ManagedEventResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        HostOnly,
        Invalid,
    ))]
#[post("/admin/events")]
pub async fn create_event(
    state: web::Data<AppState>,
    Host(host): Host,
    body: Json<CreateEventRequest>,
) -> ApiResult<HttpResponse> {
    let plan = body.0.parse()?;
    let now = state.now();
    let response = state
        .write(move |conn| {
            let created = event_planning::create(conn, &host.id, plan, now)?;
            managed_event(conn, &host, &created)
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
/// Hosts and admins, and the PRO member who facilitates this event (an accepted session
/// proposal; that event only); audited. Answers the changed event, or, to a manager who may not read its
/// space (a sealed room they are not in), an acknowledgement without title, description or
/// join link (`content_withheld`).
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id, or `<series id>@<original start>`")),
    request_body = UpdateEventRequest,
    responses(
        (status = 200, description = "The changed event, or an acknowledgement without content when the caller may not read its space", body = ManagedEventResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        HostOnly,
        (status = 404, description = "No such event or occurrence", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[patch("/admin/events/{id}")]
pub async fn update_event(
    state: web::Data<AppState>,
    manager: Member,
    path: web::Path<String>,
    body: Json<UpdateEventRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let change = EventChange::parse(&EventChangeInput {
        title: body.title.as_deref(),
        description: body.description.as_deref(),
        starts_at: body.starts_at,
        ends_at: body.ends_at,
        join_url: body.join_url.as_deref(),
        capacity: body.capacity,
        status: body.status.as_deref(),
    })?;
    let response = change_event(&state, manager, &path, change).await?;
    Ok(HttpResponse::Ok().json(response))
}

/// Cancels one event or one occurrence of a series (an exception to the series). Hosts and
/// admins; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id, or `<series id>@<original start>`")),
    responses(
        (status = 204, description = "Cancelled"),
        HostOnly,
        (status = 404, description = "No such event or occurrence", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/admin/events/{id}")]
pub async fn cancel_event(
    state: web::Data<AppState>,
    Host(host): Host,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    change_event(&state, host, &path, EventChange::cancel()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"time_of_day": "19:00", "duration_minutes": 75, "title": "Weekly Q&A (evening)"}))]
pub struct UpdateSeriesRequest {
    pub title: Option<String>,
    pub description: Option<String>,
    pub join_url: Option<String>,
    /// `HH:MM`, the new wall-clock start in the series' own time zone.
    pub time_of_day: Option<String>,
    pub duration_minutes: Option<i64>,
}

/// The series that continues a changed one (future occurrences have new ids under it).
#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesChangedResponse {
    pub series_id: String,
    /// `<series id>@<original start>` of the next occurrence.
    pub next_occurrence_id: String,
}

/// Changes a recurring series from now on: past occurrences keep their history, future ones
/// take the new texts, time of day and length and continue under a new series id with their
/// RSVPs; each member who RSVP'd to a moved occurrence and may still read its space is told
/// once by mail, in their own time zone. Hosts and admins; audited. The answer carries no
/// content, so it is the same to hosts outside a sealed room.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Series id")),
    request_body = UpdateSeriesRequest,
    responses(
        (status = 200, description = "The series continuing this one", body = SeriesChangedResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        HostOnly,
        (status = 404, description = "No such series", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No occurrence is left to change (`series-ended`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[patch("/admin/series/{id}")]
pub async fn update_series(
    state: web::Data<AppState>,
    Host(host): Host,
    path: web::Path<String>,
    body: Json<UpdateSeriesRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let change = SeriesChange::parse(&SeriesChangeInput {
        title: body.title.as_deref(),
        description: body.description.as_deref(),
        join_url: body.join_url.as_deref(),
        time_of_day: body.time_of_day.as_deref(),
        duration_minutes: body.duration_minutes,
    })?;
    let now = state.now();
    let id = path.into_inner();
    let changed = state
        .write(move |conn| series_editing::change(conn, &host.id, &id, change, now))
        .await?;
    Ok(HttpResponse::Ok().json(SeriesChangedResponse {
        series_id: changed.series_id,
        next_occurrence_id: changed.next_occurrence_id,
    }))
}

/// Ends a recurring series now: every occurrence after now is cancelled, past ones (and one under
/// way) stay, and each member who RSVP'd to a cancelled occurrence and may still read its space
/// is told once by mail. Hosts and admins; audited. Ending an ended series answers the same.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Series id")),
    responses(
        (status = 204, description = "The series ends now"),
        HostOnly,
        (status = 404, description = "No such series", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/admin/series/{id}")]
pub async fn cancel_series(
    state: web::Data<AppState>,
    Host(host): Host,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let id = path.into_inner();
    state
        .write(move |conn| series_editing::cancel(conn, &host.id, &id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Applies a change to one event or occurrence and answers it as its host sees it. Hosts may
/// change any event, a facilitator only theirs (403 `host-role-required` otherwise).
async fn change_event(
    state: &AppState,
    host: Member,
    raw_id: &str,
    change: EventChange,
) -> ApiResult<ManagedEventResponse> {
    let parsed = EventRef::parse(raw_id);
    let now = state.now();
    state
        .write(move |conn| {
            let id = match parsed {
                Ok(id) => id,
                Err(_) if !can_host(host.roles()) => return Err(facilitation::refused()),
                Err(_) => return Err(praxis_app::Error::NotFound("event")),
            };
            facilitation::may_change(conn, &host.ctx, &id)?;
            event_planning::change(conn, &host.id, &id, change, now)?;
            managed_event(conn, &host, &id)
        })
        .await
}

/// The event as its host sees it after a change. Hosts manage events of sealed rooms they
/// cannot enter, and a management answer never carries what they may not read: outside the
/// space they get an acknowledgement without title, description or join link.
fn managed_event(
    conn: &mut DbConnection,
    host: &Member,
    id: &EventRef,
) -> praxis_app::Result<ManagedEventResponse> {
    let occurrence = find_occurrence(conn, id)?.ok_or(praxis_app::Error::NotFound("event"))?;
    let spaces = all_spaces(conn)?;
    let readable = spaces
        .iter()
        .find(|s| s.row.id == occurrence.space_id)
        .is_some_and(|s| host.ctx.access(s).is_granted());
    let responses =
        ResponseContext::load(conn, &host.ctx, &spaces, std::slice::from_ref(&occurrence))?;
    let event = responses.respond(occurrence);
    Ok(if readable {
        ManagedEventResponse::Full(Box::new(event))
    } else {
        ManagedEventResponse::Withheld(event.into())
    })
}
