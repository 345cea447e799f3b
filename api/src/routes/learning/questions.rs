//! Q&A: members of an event's space ask questions before it starts, edit their own until then,
//! up-vote others' once each; hosts mark them answered and the asker is told by email.

use super::{author, cursor, readable_event, require_write, AuthorResponse};
use crate::auth::{Caller, OptionalCaller};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::pagination::PageParams;
use crate::state::AppState;
use actix_web::{delete, get, patch, post, put};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::access::load_viewer;
use praxis_domain::learning::{self, QUESTION_MAX_CHARS};
use praxis_openapi::Problem;
use praxis_persistence::learning::questions::{self, QuestionKey, QuestionRow};
use praxis_persistence::learning::recordings;
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::{from_db_time, to_db_time, users, DbConnection};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
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

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionPage {
    pub items: Vec<QuestionResponse>,
    pub next_cursor: Option<String>,
}

/// Responses for rows, with names and the caller's votes batched (two queries per page).
fn responses(
    conn: &mut DbConnection,
    rows: Vec<QuestionRow>,
    caller: Option<&str>,
) -> ApiResult<Vec<QuestionResponse>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let authors: Vec<String> = rows.iter().map(|r| r.author_id.clone()).collect();
    let names = users::display_names(conn, &authors)?;
    let voted: HashSet<String> = match caller {
        Some(user) => questions::voted_by(conn, user, &ids)?,
        None => HashSet::new(),
    };
    Ok(rows
        .into_iter()
        .map(|row| QuestionResponse {
            voted_by_me: voted.contains(&row.id),
            mine: caller == Some(row.author_id.as_str()),
            author: author(&names, &row.author_id),
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
        })
        .collect())
}

fn one(conn: &mut DbConnection, id: &str, caller: &str) -> ApiResult<QuestionResponse> {
    let row = questions::find(conn, id)?.ok_or(ApiError::NotFound("question"))?;
    responses(conn, vec![row], Some(caller))?
        .pop()
        .ok_or(ApiError::NotFound("question"))
}

/// A question whose event the caller may read.
fn readable_question(
    conn: &mut DbConnection,
    ctx: &praxis_app::access::ViewerContext,
    id: &str,
) -> ApiResult<(
    QuestionRow,
    praxis_persistence::learning::EventRef,
    praxis_app::access::Space,
)> {
    let question = questions::find(conn, id)?.ok_or(ApiError::NotFound("question"))?;
    let (event, space) = readable_event(conn, ctx, &question.event_id).map_err(|e| match e {
        ApiError::NotFound(_) => ApiError::NotFound("question"),
        other => other,
    })?;
    Ok((question, event, space))
}

/// An event's questions, most up-voted first, then oldest first. Only for those who may read
/// the event's space.
#[utoipa::path(tag = "learning",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Event id"), PageParams),
    responses(
        (status = 200, description = "A page of questions", body = QuestionPage),
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/events/{id}/questions")]
pub async fn list_questions(
    state: web::Data<AppState>,
    caller: OptionalCaller,
    path: web::Path<String>,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let limit = query.0.limit()?;
    let after: Option<QuestionKey> = match query.0.cursor.as_deref() {
        None => None,
        Some(raw) => {
            let parts = cursor::decode(raw, 3)?;
            Some((
                cursor::int(&parts[0])?,
                cursor::instant(&parts[1])?,
                parts[2].clone(),
            ))
        }
    };
    let now = state.now();
    let user_id = caller.0.map(|c| c.user_id);
    let event_id = path.into_inner();
    let page = state
        .db(move |conn| {
            let ctx = load_viewer(conn, user_id.as_deref(), now)?;
            let (event, _) = readable_event(conn, &ctx, &event_id)?;
            let mut rows = questions::page(conn, &event.id, after, limit + 1)?;
            let more = rows.len() > usize::try_from(limit).unwrap_or(0);
            rows.truncate(usize::try_from(limit).unwrap_or(0));
            let next_cursor = rows.last().filter(|_| more).map(|r| {
                cursor::encode(&[
                    r.vote_count.to_string(),
                    cursor::micros(r.created_at),
                    r.id.clone(),
                ])
            });
            Ok(QuestionPage {
                items: responses(conn, rows, user_id.as_deref())?,
                next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Asks a question before the event starts. Members of the event's space.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])), request_body = QuestionRequest,
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 201, description = "Asked", body = QuestionResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The event has started or was cancelled (`questions-closed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid body", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/events/{id}/questions")]
pub async fn ask_question(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<QuestionRequest>,
) -> ApiResult<HttpResponse> {
    let text = learning::text("body", &body.0.body, QUESTION_MAX_CHARS)?;
    let now = state.now();
    let event_id = path.into_inner();
    let user = caller.user_id;
    let response = state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&user), now)?;
            let (event, space) = readable_event(conn, &ctx, &event_id)?;
            require_write(&ctx, &space)?;
            if event.status == "cancelled" {
                return Err(ApiError::Conflict {
                    kind: "questions-closed",
                    detail: "The event was cancelled.".into(),
                });
            }
            learning::questions_open(from_db_time(event.starts_at), now)?;
            let row = QuestionRow {
                id: uuid::Uuid::now_v7().to_string(),
                event_id: event.id.clone(),
                author_id: user.clone(),
                body: text,
                vote_count: 0,
                answered_at: None,
                answered_by: None,
                recording_seconds: None,
                answer_note: None,
                created_at: to_db_time(now),
                updated_at: to_db_time(now),
            };
            questions::insert(conn, &row)?;
            one(conn, &row.id, &user)
        })
        .await?;
    Ok(HttpResponse::Created().json(response))
}

/// Edits one's own question until the event starts.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])), request_body = QuestionRequest,
    params(("id" = String, Path, description = "Question id")),
    responses(
        (status = 200, description = "Edited", body = QuestionResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the asker (`not-question-author`), or terms to accept", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such question, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The event has started (`questions-closed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid body", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/questions/{id}")]
pub async fn edit_question(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<QuestionRequest>,
) -> ApiResult<HttpResponse> {
    let text = learning::text("body", &body.0.body, QUESTION_MAX_CHARS)?;
    let now = state.now();
    let id = path.into_inner();
    let user = caller.user_id;
    let response = state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&user), now)?;
            let (question, event, space) = readable_question(conn, &ctx, &id)?;
            require_write(&ctx, &space)?;
            learning::may_edit_question(
                question.author_id == user,
                from_db_time(event.starts_at),
                now,
            )?;
            questions::update_body(conn, &id, &text, to_db_time(now))?;
            one(conn, &id, &user)
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}

async fn set_vote(state: &AppState, caller: Caller, id: String, up: bool) -> ApiResult<()> {
    let now = state.now();
    let user = caller.user_id;
    state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&user), now)?;
            let (question, event, space) = readable_question(conn, &ctx, &id)?;
            require_write(&ctx, &space)?;
            learning::may_vote(question.author_id == user, from_db_time(event.ends_at), now)?;
            if up {
                questions::vote(conn, &id, &user, to_db_time(now))?;
            } else {
                questions::unvote(conn, &id, &user)?;
            }
            Ok(())
        })
        .await
}

/// Up-votes a question; voting again changes nothing (one vote per member).
#[utoipa::path(tag = "learning",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    responses(
        (status = 204, description = "The caller's vote counts (once)"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "One's own question (`own-question`), or terms to accept", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such question, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The event has ended (`voting-closed`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/questions/{id}/vote")]
pub async fn vote_question(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    set_vote(&state, caller, path.into_inner(), true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Withdraws the caller's vote, if any.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    responses(
        (status = 204, description = "The caller has no vote on it"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "One's own question (`own-question`), or terms to accept", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such question, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The event has ended (`voting-closed`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/questions/{id}/vote")]
pub async fn unvote_question(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    set_vote(&state, caller, path.into_inner(), false).await?;
    Ok(HttpResponse::NoContent().finish())
}

fn answered_mail(
    recipient: &str,
    event: &praxis_persistence::learning::EventRef,
    question: &str,
    seconds: Option<i32>,
    note: Option<&str>,
    public_url: &str,
) -> Mail {
    let at = seconds
        .map(|s| {
            format!(
                "\nIt was answered at {}:{:02}:{:02} in the recording.",
                s / 3600,
                (s / 60) % 60,
                s % 60
            )
        })
        .unwrap_or_default();
    let note = note
        .map(|n| format!("\n\nThe host's note: {n}"))
        .unwrap_or_default();
    Mail {
        kind: "question_answered",
        recipient: recipient.to_owned(),
        subject: format!("Your question was answered: {}", event.title),
        body: format!(
            "Your question for \"{}\" was answered in the session:\n\n> {question}\n{at}{note}\n\n\
             {public_url}/events/{}\n",
            event.title, event.id
        ),
    }
}

/// Marks a question answered, optionally at a recording time; the asker is emailed even if
/// they were absent. Hosts and admins.
#[utoipa::path(tag = "admin",
    security(("bearer" = [])), request_body = AnswerRequest,
    params(("id" = String, Path, description = "Question id")),
    responses(
        (status = 200, description = "Answered", body = QuestionResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such question", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Recording time outside the recording, or note too long", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/questions/{id}/answer")]
pub async fn answer_question(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<AnswerRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
    let now = state.now();
    let id = path.into_inner();
    let user = caller.user_id;
    let public_url = state.config.public_url.clone();
    let body = body.0;
    let response = state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&user), now)?;
            let (question, event, _) = readable_question(conn, &ctx, &id)?;
            let duration = recordings::find(conn, &event.id)?.map(|(r, _)| r.duration_seconds);
            let (seconds, note) =
                learning::parse_answer(body.recording_seconds, duration, body.note.as_deref())?;
            questions::mark_answered(conn, &id, &user, to_db_time(now), seconds, note.as_deref())?;
            if let Some(asker) = users::find_by_id(conn, &question.author_id)? {
                let mail = answered_mail(
                    &asker.email,
                    &event,
                    &question.body,
                    seconds,
                    note.as_deref(),
                    &public_url,
                );
                outbox::enqueue(conn, mail, to_db_time(now))?;
            }
            praxis_persistence::audit::record(
                conn,
                &praxis_app::audit::entry::<(), _>(
                    Some(&user),
                    "question.answered",
                    "question",
                    &id,
                    None,
                    Some(&serde_json::json!({"recording_seconds": seconds, "note": note})),
                    now,
                ),
            )?;
            one(conn, &id, &user)
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}
