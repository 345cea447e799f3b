//! Q&A: members of an event's space ask questions before it starts, edit their own until then,
//! up-vote others' once each; hosts mark them answered and the asker is told by email.

use crate::auth::{Member, Viewer};
use crate::dto::learning::{cursor, AuthorResponse};
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::PageParams;
use crate::responses::{AuthErrors, BadToken, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{delete, get, patch, post, put};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::questions::{self, Answer, Question};
use praxis_domain::ids::{EventId, QuestionId};
use praxis_domain::learning::{self, QUESTION_MAX_CHARS};
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use praxis_persistence::learning::questions::QuestionKey;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_questions)
        .service(ask_question)
        .service(edit_question)
        .service(vote_question)
        .service(unvote_question)
        .service(answer_question);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "How do you handle objections that keep coming back?"}))]
pub struct QuestionRequest {
    /// 1–1000 characters.
    pub body: String,
}

impl QuestionRequest {
    fn parse(self) -> praxis_domain::Result<String> {
        learning::text("body", &self.body, QUESTION_MAX_CHARS)
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"recording_seconds": 1312, "note": "Answered with the Troika example."}))]
pub struct AnswerRequest {
    /// The second of the recording where the question was answered.
    pub recording_seconds: Option<i64>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionResponse {
    pub id: String,
    pub event_id: String,
    pub body: String,
    pub author: AuthorResponse,
    pub votes: i32,
    /// Whether the caller up-voted it.
    pub voted_by_me: bool,
    /// Whether the caller asked it (and may edit it until the event starts).
    pub mine: bool,
    pub answered: bool,
    pub answered_at: Option<DateTime<Utc>>,
    /// Where in the recording it was answered.
    pub recording_seconds: Option<i32>,
    pub answer_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Question> for QuestionResponse {
    fn from(q: Question) -> Self {
        let row = q.row;
        Self {
            voted_by_me: q.voted_by_me,
            mine: q.mine,
            author: AuthorResponse::new(row.author_id, q.author_name),
            answered: row.answered_at.is_some(),
            answered_at: row.answered_at.map(from_db_time),
            id: row.id,
            event_id: row.event_id,
            body: row.body,
            votes: row.vote_count,
            recording_seconds: row.recording_seconds,
            answer_note: row.answer_note,
            created_at: from_db_time(row.created_at),
            updated_at: from_db_time(row.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionPage {
    pub items: Vec<QuestionResponse>,
    pub next_cursor: Option<String>,
}

fn after(params: &PageParams) -> ApiResult<Option<QuestionKey>> {
    let Some(raw) = params.cursor.as_deref() else {
        return Ok(None);
    };
    let parts = cursor::decode(raw, 3)?;
    Ok(Some((
        cursor::int(&parts[0])?,
        cursor::instant(&parts[1])?,
        parts[2].clone(),
    )))
}

/// An event's questions, most up-voted first, then oldest first. Only for those who may read
/// the event's space.
#[utoipa::path(tag = "learning",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Event id"), PageParams),
    responses(
        (status = 200, description = "A page of questions", body = QuestionPage),
        BadToken,
        (status = 403, description = "Terms to accept (`terms-acceptance-required`), or the email address not verified (`email-verification-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        Invalid,
    ))]
#[get("/events/{id}/questions")]
pub async fn list_questions(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    PathId(event): PathId<EventId>,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, after(&query.0)?);
    let now = state.now();
    let list = state
        .read(move |c| questions::list(c, &ctx, &event, after, limit, now))
        .await?;
    let next_cursor = list.items.last().filter(|_| list.more).map(|q| {
        cursor::encode(&[
            q.row.vote_count.to_string(),
            cursor::micros(q.row.created_at),
            q.row.id.clone(),
        ])
    });
    Ok(HttpResponse::Ok().json(QuestionPage {
        items: list.items.into_iter().map(QuestionResponse::from).collect(),
        next_cursor,
    }))
}

/// Asks a question before the event starts. Members of the event's space.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])), request_body = QuestionRequest,
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 201, description = "Asked", body = QuestionResponse),
        AuthErrors,
        (status = 403, description = "Terms to accept (`terms-acceptance-required`), or the email address not verified (`email-verification-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 409, description = "The event has started or was cancelled (`questions-closed`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[post("/events/{id}/questions")]
pub async fn ask_question(
    state: web::Data<AppState>,
    member: Member,
    PathId(event): PathId<EventId>,
    body: Json<QuestionRequest>,
) -> ApiResult<HttpResponse> {
    let text = body.0.parse()?;
    let now = state.now();
    let question = state
        .write(move |c| questions::ask(c, &member.ctx, &event, text, now))
        .await?;
    Ok(HttpResponse::Created().json(QuestionResponse::from(question)))
}

/// Edits one's own question until the event starts.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])), request_body = QuestionRequest,
    params(("id" = String, Path, description = "Question id")),
    responses(
        (status = 200, description = "Edited", body = QuestionResponse),
        AuthErrors,
        (status = 403, description = "Not the asker (`not-question-author`), or terms to accept", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 409, description = "The event has started (`questions-closed`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[patch("/questions/{id}")]
pub async fn edit_question(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<QuestionId>,
    body: Json<QuestionRequest>,
) -> ApiResult<HttpResponse> {
    let text = body.0.parse()?;
    let now = state.now();
    let question = state
        .write(move |c| questions::edit(c, &member.ctx, &id, text, now))
        .await?;
    Ok(HttpResponse::Ok().json(QuestionResponse::from(question)))
}

/// Up-votes a question; voting again changes nothing (one vote per member).
#[utoipa::path(tag = "learning",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    responses(
        (status = 204, description = "The caller's vote counts (once)"),
        AuthErrors,
        (status = 403, description = "One's own question (`own-question`), or terms to accept", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 409, description = "The event has ended (`voting-closed`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/questions/{id}/vote")]
pub async fn vote_question(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<QuestionId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .write(move |c| questions::vote(c, &member.ctx, &id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Withdraws the caller's vote, if any.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    responses(
        (status = 204, description = "The caller has no vote on it"),
        AuthErrors,
        (status = 403, description = "One's own question (`own-question`), or terms to accept", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 409, description = "The event has ended (`voting-closed`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/questions/{id}/vote")]
pub async fn unvote_question(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<QuestionId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .write(move |c| questions::unvote(c, &member.ctx, &id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Marks a question answered, optionally at a recording time; the asker is emailed even if
/// they were absent. Hosts and admins, and the PRO member who facilitates the question's
/// event (that event only).
#[utoipa::path(tag = "admin",
    security(("bearer" = [])), request_body = AnswerRequest,
    params(("id" = String, Path, description = "Question id")),
    responses(
        (status = 200, description = "Answered", body = QuestionResponse),
        AuthErrors,
        (status = 403, description = "Neither a host nor the event's facilitator (`event-manager-required`), or terms to accept", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        Invalid,
    ))]
#[post("/admin/questions/{id}/answer")]
pub async fn answer_question(
    state: web::Data<AppState>,
    host: Member,
    PathId(id): PathId<QuestionId>,
    body: Json<AnswerRequest>,
) -> ApiResult<HttpResponse> {
    let answer = Answer {
        recording_seconds: body.0.recording_seconds,
        note: body.0.note,
    };
    let now = state.now();
    let links = state.config.mail_links();
    let question = state
        .write(move |c| questions::answer(c, &host.ctx, &id, answer, &links, now))
        .await?;
    Ok(HttpResponse::Ok().json(QuestionResponse::from(question)))
}
