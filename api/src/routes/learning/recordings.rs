//! Recordings of events, with chapters: set by hosts, read only by the event's space, and
//! searched by chapter text among the recordings the caller may see.

use crate::auth::{Caller, OptionalCaller};
use crate::dto::learning::cursor;
use crate::error::{ApiError, ApiResult};
use crate::extract::PathId;
use crate::extract::{Json, Query};
use crate::state::AppState;
use actix_web::{get, put};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::access::{all_spaces, load_viewer};
use praxis_app::learning::readable_event;
use praxis_domain::ids::EventId;
use praxis_domain::learning::{self, ChapterInput};
use praxis_domain::FieldError;
use praxis_openapi::Problem;
use praxis_persistence::learning::recordings::{self, ChapterRow, HitKey, RecordingRow};
use praxis_persistence::learning::EventRef;
use praxis_persistence::{from_db_time, to_db_time};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(put_recording)
        .service(get_recording)
        .service(search_recordings);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChapterRequest {
    /// Seconds from the start of the recording; inside the duration, after the previous one.
    pub start_seconds: i64,
    pub title: String,
    /// The topics of the chapter.
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"video_url": "https://video.example.org/s3-learning-2026-12", "duration_seconds": 5400,
    "chapters": [{"start_seconds": 0, "title": "Welcome", "description": "Check-in"},
                 {"start_seconds": 900, "title": "Consent decision making", "description": "Objections and concerns"}]}))]
pub struct RecordingRequest {
    pub video_url: String,
    pub duration_seconds: i64,
    pub chapters: Vec<ChapterRequest>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChapterResponse {
    pub start_seconds: i32,
    pub title: String,
    pub description: String,
}

impl From<ChapterRow> for ChapterResponse {
    fn from(row: ChapterRow) -> Self {
        Self {
            start_seconds: row.start_seconds,
            title: row.title,
            description: row.description,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordingResponse {
    pub event_id: String,
    pub event_title: String,
    pub video_url: String,
    pub duration_seconds: i32,
    /// In order of start.
    pub chapters: Vec<ChapterResponse>,
    pub updated_at: DateTime<Utc>,
}

fn recording_response(
    event: &EventRef,
    row: RecordingRow,
    chapters: Vec<ChapterRow>,
) -> RecordingResponse {
    RecordingResponse {
        event_id: event.id.clone(),
        event_title: event.title.clone(),
        video_url: row.video_url,
        duration_seconds: row.duration_seconds,
        chapters: chapters.into_iter().map(ChapterResponse::from).collect(),
        updated_at: from_db_time(row.updated_at),
    }
}

/// Sets (or replaces) an event's recording and its chapters. Hosts and admins; audited.
#[utoipa::path(tag = "admin",
    security(("bearer" = [])), request_body = RecordingRequest,
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 200, description = "Replaced", body = RecordingResponse),
        (status = 201, description = "Created", body = RecordingResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, e.g. `chapters[2].start_seconds` outside the duration or out of order", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/admin/events/{id}/recording")]
pub async fn put_recording(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(event_id): PathId<EventId>,
    body: Json<RecordingRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
    let body = body.0;
    let inputs: Vec<ChapterInput> = body
        .chapters
        .into_iter()
        .map(|c| ChapterInput {
            start_seconds: c.start_seconds,
            title: c.title,
            description: c.description,
        })
        .collect();
    let recording = learning::parse_recording(&body.video_url, body.duration_seconds, &inputs)?;
    let now = state.now();
    let user = caller.user_id;
    let (existed, response) = state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&user), now)?;
            let (event, _) = readable_event(conn, &ctx, &event_id, now)?;
            let row = RecordingRow {
                event_id: event.id.clone(),
                video_url: recording.video_url.clone(),
                duration_seconds: recording.duration_seconds,
                updated_by: Some(user.clone()),
                created_at: to_db_time(now),
                updated_at: to_db_time(now),
            };
            let chapters: Vec<ChapterRow> = recording
                .chapters
                .iter()
                .map(|c| ChapterRow {
                    event_id: event.id.clone(),
                    start_seconds: c.start_seconds,
                    title: c.title.clone(),
                    description: c.description.clone(),
                })
                .collect();
            let existed = recordings::replace(conn, &row, &chapters)?;
            praxis_persistence::audit::record(
                conn,
                &praxis_app::audit::entry::<(), _>(
                    Some(&user),
                    "recording.updated",
                    "event",
                    &event.id,
                    None,
                    Some(&serde_json::json!({"video_url": row.video_url, "duration_seconds": row.duration_seconds, "chapters": chapters.len()})),
                    now,
                ),
            )?;
            let (row, chapters) = recordings::find(conn, &event.id)?
                .ok_or(ApiError::NotFound("recording"))?;
            Ok((existed, recording_response(&event, row, chapters)))
        })
        .await?;
    Ok(if existed {
        HttpResponse::Ok().json(response)
    } else {
        HttpResponse::Created().json(response)
    })
}

/// An event's recording with its chapters: only for those who may read the event's space.
#[utoipa::path(tag = "learning",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 200, description = "The recording", body = RecordingResponse),
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event or recording, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/events/{id}/recording")]
pub async fn get_recording(
    state: web::Data<AppState>,
    caller: OptionalCaller,
    PathId(event_id): PathId<EventId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let user_id = caller.0.map(|c| c.user_id);
    let response = state
        .db(move |conn| {
            let ctx = load_viewer(conn, user_id.as_deref(), now)?;
            let (event, _) = readable_event(conn, &ctx, &event_id, now)?;
            let (row, chapters) =
                recordings::find(conn, &event.id)?.ok_or(ApiError::NotFound("recording"))?;
            Ok(recording_response(&event, row, chapters))
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Text to find in chapter titles and descriptions (2–100 characters, case-insensitive).
    pub q: String,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventSummary {
    pub id: String,
    pub title: String,
    pub starts_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChapterHitResponse {
    pub event: EventSummary,
    pub video_url: String,
    pub chapter: ChapterResponse,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChapterHitPage {
    pub items: Vec<ChapterHitResponse>,
    pub next_cursor: Option<String>,
}

/// Chapters whose title or description contains `q`, among the recordings of events the caller
/// may see; each with its start time and its event. Newest events first.
#[utoipa::path(tag = "learning",
    security((), ("bearer" = [])), params(SearchParams),
    responses(
        (status = 200, description = "Matching chapters", body = ChapterHitPage),
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing or invalid `q`, limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/recordings")]
pub async fn search_recordings(
    state: web::Data<AppState>,
    caller: OptionalCaller,
    query: Query<SearchParams>,
) -> ApiResult<HttpResponse> {
    let params = query.0;
    let q = params.q.trim().to_owned();
    if !(2..=100).contains(&q.chars().count()) {
        return Err(ApiError::Validation(vec![FieldError::new(
            "q",
            "must be between 2 and 100 characters",
        )]));
    }
    let limit = crate::pagination::PageParams {
        limit: params.limit,
        cursor: None,
    }
    .limit()?;
    let after: Option<HitKey> = match params.cursor.as_deref() {
        None => None,
        Some(raw) => {
            let parts = cursor::decode(raw, 3)?;
            Some((
                cursor::instant(&parts[0])?,
                parts[1].clone(),
                cursor::int(&parts[2])?,
            ))
        }
    };
    let now = state.now();
    let user_id = caller.0.map(|c| c.user_id);
    let page = state
        .db(move |conn| {
            let ctx = load_viewer(conn, user_id.as_deref(), now)?;
            let readable = ctx.readable_space_ids(&all_spaces(conn)?);
            let mut hits = recordings::search(conn, &readable, &q, after, limit + 1)?;
            let max = usize::try_from(limit).unwrap_or(0);
            let more = hits.len() > max;
            hits.truncate(max);
            let next_cursor = hits.last().filter(|_| more).map(|h| {
                cursor::encode(&[
                    cursor::micros(h.event_starts_at),
                    h.chapter.event_id.clone(),
                    h.chapter.start_seconds.to_string(),
                ])
            });
            Ok(ChapterHitPage {
                items: hits
                    .into_iter()
                    .map(|h| ChapterHitResponse {
                        event: EventSummary {
                            id: h.chapter.event_id.clone(),
                            title: h.event_title,
                            starts_at: from_db_time(h.event_starts_at),
                        },
                        video_url: h.video_url,
                        chapter: h.chapter.into(),
                    })
                    .collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}
