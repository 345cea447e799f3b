//! Recordings of events, with chapters: set by hosts, read only by the event's space, and
//! searched by chapter text among the recordings the caller may see.

use crate::auth::{Host, Viewer};
use crate::dto::learning::cursor;
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::PageParams;
use crate::responses::{BadToken, HostOnly, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{get, put};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::recordings::{self, Published, RecordingView};
use praxis_domain::ids::EventId;
use praxis_domain::learning::{self, ChapterInput, Recording};
use praxis_domain::learning_drafts::ChapterQuery;
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use praxis_persistence::learning::recordings::{ChapterHit, ChapterRow, HitKey};
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

impl From<RecordingView> for RecordingResponse {
    fn from(view: RecordingView) -> Self {
        Self {
            event_id: view.event.id,
            event_title: view.event.title,
            video_url: view.recording.video_url,
            duration_seconds: view.recording.duration_seconds,
            chapters: view
                .chapters
                .into_iter()
                .map(ChapterResponse::from)
                .collect(),
            updated_at: from_db_time(view.recording.updated_at),
        }
    }
}

impl RecordingRequest {
    fn parse(self) -> praxis_domain::Result<Recording> {
        let chapters: Vec<ChapterInput> = self
            .chapters
            .into_iter()
            .map(|c| ChapterInput {
                start_seconds: c.start_seconds,
                title: c.title,
                description: c.description,
            })
            .collect();
        learning::parse_recording(&self.video_url, self.duration_seconds, &chapters)
    }
}

/// Sets (or replaces) an event's recording and its chapters. Hosts and admins; audited.
#[utoipa::path(tag = "admin",
    security(("bearer" = [])), request_body = RecordingRequest,
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 200, description = "Replaced", body = RecordingResponse),
        (status = 201, description = "Created", body = RecordingResponse),
        HostOnly,
        NotVisible,
        Invalid,
    ))]
#[put("/admin/events/{id}/recording")]
pub async fn put_recording(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(event): PathId<EventId>,
    body: Json<RecordingRequest>,
) -> ApiResult<HttpResponse> {
    let recording = body.0.parse()?;
    let now = state.now();
    let (published, view) = state
        .write(move |c| recordings::publish(c, &host.ctx, &event, recording, now))
        .await?;
    let response = RecordingResponse::from(view);
    Ok(match published {
        Published::Replaced => HttpResponse::Ok().json(response),
        Published::Created => HttpResponse::Created().json(response),
    })
}

/// An event's recording with its chapters: only for those who may read the event's space.
#[utoipa::path(tag = "learning",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 200, description = "The recording", body = RecordingResponse),
        BadToken,
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
    ))]
#[get("/events/{id}/recording")]
pub async fn get_recording(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    PathId(event): PathId<EventId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let view = state
        .read(move |c| recordings::watch(c, &ctx, &event, now))
        .await?;
    Ok(HttpResponse::Ok().json(RecordingResponse::from(view)))
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
        BadToken,
        Invalid,
    ))]
#[get("/recordings")]
pub async fn search_recordings(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    query: Query<SearchParams>,
) -> ApiResult<HttpResponse> {
    let params = query.0;
    let q = ChapterQuery::parse(&params.q)?;
    let limit = PageParams {
        limit: params.limit,
        cursor: None,
    }
    .limit()?;
    let after = params.cursor.as_deref().map(after).transpose()?;
    let (hits, more) = state
        .read(move |c| recordings::search(c, &ctx, &q, after, limit))
        .await?;
    let next_cursor = hits.last().filter(|_| more).map(|h| {
        cursor::encode(&[
            cursor::micros(h.event_starts_at),
            h.chapter.event_id.clone(),
            h.chapter.start_seconds.to_string(),
        ])
    });
    Ok(HttpResponse::Ok().json(ChapterHitPage {
        items: hits.into_iter().map(ChapterHitResponse::from).collect(),
        next_cursor,
    }))
}

fn after(raw: &str) -> ApiResult<HitKey> {
    let parts = cursor::decode(raw, 3)?;
    Ok((
        cursor::instant(&parts[0])?,
        parts[1].clone(),
        cursor::int(&parts[2])?,
    ))
}

impl From<ChapterHit> for ChapterHitResponse {
    fn from(h: ChapterHit) -> Self {
        Self {
            event: EventSummary {
                id: h.chapter.event_id.clone(),
                title: h.event_title,
                starts_at: from_db_time(h.event_starts_at),
            },
            video_url: h.video_url,
            chapter: h.chapter.into(),
        }
    }
}
