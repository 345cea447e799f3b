//! Direct messages between members, and blocking. A conversation is readable only by its
//! participants: to anyone else — hosts and admins included — it does not exist (404).

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{delete, get, post, put};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::access::load_viewer;
use praxis_domain::error::Errors;
use praxis_domain::messaging::{self, MessageBody};
use praxis_domain::FieldError;
use praxis_openapi::Problem;
use praxis_persistence::messages::{self as repo, ConversationRow, MessageRow};
use praxis_persistence::{from_db_time, to_db_time, users, DbConnection};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_conversations)
        .service(create_conversation)
        .service(list_messages)
        .service(send_message)
        .service(block_member)
        .service(unblock_member);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantResponse {
    pub user_id: String,
    pub display_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationResponse {
    pub id: String,
    /// Everyone in the conversation, the caller included.
    pub participants: Vec<ParticipantResponse>,
    pub created_at: DateTime<Utc>,
    pub last_message_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageResponse {
    pub id: String,
    pub conversation_id: String,
    pub author_id: String,
    pub author_name: String,
    /// Markdown, as written.
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"participant_ids": ["0193…"], "body": "Hi! Could we talk about your question on objections?"}))]
pub struct CreateConversationRequest {
    /// The other members (1–20), not the caller.
    pub participant_ids: Vec<String>,
    /// The first message (1–4000 characters).
    pub body: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Thanks, that helps."}))]
pub struct SendMessageRequest {
    /// 1–4000 characters.
    pub body: String,
}

/// Conversations with their participants and names: two queries for any number.
fn conversation_responses(
    conn: &mut DbConnection,
    rows: Vec<ConversationRow>,
) -> ApiResult<Vec<ConversationResponse>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let pairs = repo::participants(conn, &ids)?;
    let user_ids: Vec<String> = pairs.iter().map(|(_, u)| u.clone()).collect();
    let names = users::display_names(conn, &user_ids)?;
    let mut by_conversation: HashMap<String, Vec<ParticipantResponse>> = HashMap::new();
    for (conversation, user_id) in pairs {
        by_conversation
            .entry(conversation)
            .or_default()
            .push(ParticipantResponse {
                display_name: names.get(&user_id).cloned().unwrap_or_default(),
                user_id,
            });
    }
    Ok(rows
        .into_iter()
        .map(|row| ConversationResponse {
            participants: by_conversation.remove(&row.id).unwrap_or_default(),
            id: row.id,
            created_at: from_db_time(row.created_at),
            last_message_at: from_db_time(row.last_message_at),
        })
        .collect())
}

fn message_response(row: MessageRow, names: &HashMap<String, String>) -> MessageResponse {
    MessageResponse {
        author_name: names.get(&row.author_id).cloned().unwrap_or_default(),
        id: row.id,
        conversation_id: row.conversation_id,
        author_id: row.author_id,
        body: row.body,
        created_at: from_db_time(row.created_at),
    }
}

/// Writing to members is taking part in the community: it needs the current terms accepted.
fn require_current_terms(
    conn: &mut DbConnection,
    user_id: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let ctx = load_viewer(conn, Some(user_id), now)?;
    match ctx.viewer.member {
        Some(member) if member.accepted_current_terms => Ok(()),
        _ => Err(ApiError::forbidden(
            "terms-acceptance-required",
            "accept the current Terms and Conditions (POST /api/v1/me/terms-acceptances) to write to members",
        )),
    }
}

/// The caller's conversations, most recently active first.
#[utoipa::path(tag = "messages", security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of conversations", body = Page<ConversationResponse>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/conversations")]
pub async fn list_conversations(
    state: web::Data<AppState>,
    caller: Caller,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (page.0.limit()?, page.0.after()?);
    let items = state
        .db(move |conn| {
            let rows = repo::page_conversations(conn, &caller.user_id, after, limit + 1)?;
            conversation_responses(conn, rows)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        items,
        limit,
        |c| (to_db_time(c.last_message_at), c.id.clone()),
        |c| c,
    )))
}

/// Starts a conversation with other members and sends its first message. Needs the current
/// terms accepted; refused when any of them blocked the caller.
#[utoipa::path(tag = "messages", security(("bearer" = [])),
    request_body = CreateConversationRequest,
    responses(
        (status = 201, description = "The conversation", body = ConversationResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted (`terms-acceptance-required`), or a participant blocked the caller (`blocked`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: no, too many or unknown participants, the caller listed, empty or long body", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/conversations")]
pub async fn create_conversation(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateConversationRequest>,
) -> ApiResult<HttpResponse> {
    let request = body.0;
    let mut errors = Errors::new();
    let recipients = errors.take(messaging::parse_recipients(
        &caller.user_id,
        &request.participant_ids,
    ));
    let body = errors.take(MessageBody::parse(&request.body));
    errors.finish()?;
    let (Some(recipients), Some(body)) = (recipients, body) else {
        return Err(ApiError::internal("validated fields missing"));
    };
    let now = state.now();
    let sender = caller.user_id;
    let created = state
        .db_write(move |conn| {
            require_current_terms(conn, &sender, now)?;
            let names = users::display_names(conn, &recipients)?;
            let unknown: Vec<FieldError> = recipients
                .iter()
                .filter(|id| !names.contains_key(*id))
                .map(|id| FieldError::new("participant_ids", format!("no member {id}")))
                .collect();
            if !unknown.is_empty() {
                return Err(ApiError::Validation(unknown));
            }
            messaging::ensure_not_blocked(repo::is_blocked_by_any(conn, &sender, &recipients)?)?;
            let at = to_db_time(now);
            let row = ConversationRow {
                id: uuid::Uuid::now_v7().to_string(),
                created_by: sender.clone(),
                created_at: at,
                last_message_at: at,
            };
            let mut everyone = vec![sender.clone()];
            everyone.extend(recipients);
            repo::insert_conversation(conn, &row, &everyone)?;
            repo::insert_message(
                conn,
                &MessageRow {
                    id: uuid::Uuid::now_v7().to_string(),
                    conversation_id: row.id.clone(),
                    author_id: sender,
                    body: body.as_str().to_owned(),
                    created_at: at,
                },
            )?;
            conversation_responses(conn, vec![row])?
                .pop()
                .ok_or_else(|| ApiError::internal("created conversation missing"))
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Messages of a conversation the caller takes part in, newest first.
#[utoipa::path(tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Conversation id"), PageParams),
    responses(
        (status = 200, description = "A page of messages", body = Page<MessageResponse>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation, or the caller is not in it (admins included)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/conversations/{id}/messages")]
pub async fn list_messages(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (page.0.limit()?, page.0.after()?);
    let id = path.into_inner();
    let (rows, names) = state
        .db(move |conn| {
            repo::find_for_participant(conn, &id, &caller.user_id)?
                .ok_or(ApiError::NotFound("conversation"))?;
            let rows = repo::page_messages(conn, &id, after, limit + 1)?;
            let authors: Vec<String> = rows.iter().map(|m| m.author_id.clone()).collect();
            let names = users::display_names(conn, &authors)?;
            Ok((rows, names))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |m| (m.created_at, m.id.clone()),
        |m| message_response(m, &names),
    )))
}

/// Sends a message to a conversation the caller takes part in. Refused when another
/// participant blocked the caller.
#[utoipa::path(tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Conversation id")),
    request_body = SendMessageRequest,
    responses(
        (status = 201, description = "The message", body = MessageResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Current terms not accepted (`terms-acceptance-required`), or a participant blocked the caller (`blocked`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such conversation, or the caller is not in it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long body", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/conversations/{id}/messages")]
pub async fn send_message(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<SendMessageRequest>,
) -> ApiResult<HttpResponse> {
    let body = MessageBody::parse(&body.0.body)?;
    let id = path.into_inner();
    let now = state.now();
    let sender = caller.user_id;
    let message = state
        .db_write(move |conn| {
            repo::find_for_participant(conn, &id, &sender)?
                .ok_or(ApiError::NotFound("conversation"))?;
            require_current_terms(conn, &sender, now)?;
            let others: Vec<String> = repo::participants(conn, std::slice::from_ref(&id))?
                .into_iter()
                .map(|(_, user)| user)
                .filter(|user| *user != sender)
                .collect();
            messaging::ensure_not_blocked(repo::is_blocked_by_any(conn, &sender, &others)?)?;
            let row = MessageRow {
                id: uuid::Uuid::now_v7().to_string(),
                conversation_id: id,
                author_id: sender.clone(),
                body: body.as_str().to_owned(),
                created_at: to_db_time(now),
            };
            repo::insert_message(conn, &row)?;
            let names = users::display_names(conn, &[sender])?;
            Ok(message_response(row, &names))
        })
        .await?;
    Ok(HttpResponse::Created().json(message))
}

async fn change_block(
    state: &AppState,
    caller: Caller,
    other: String,
    block: bool,
) -> ApiResult<()> {
    messaging::ensure_may_block(&caller.user_id, &other)?;
    let now = to_db_time(state.now());
    state
        .db_write(move |conn| {
            if users::find_by_id(conn, &other)?.is_none() {
                return Err(ApiError::NotFound("member"));
            }
            if block {
                repo::block(conn, &caller.user_id, &other, now)?;
            } else {
                repo::unblock(conn, &caller.user_id, &other)?;
            }
            Ok(())
        })
        .await
}

/// Blocks a member: from now on they cannot start a conversation with the caller or write to
/// one the caller is in. Blocking twice changes nothing.
#[utoipa::path(tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Member id")),
    responses(
        (status = 204, description = "Blocked"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The caller themselves", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/members/{id}/block")]
pub async fn block_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    change_block(&state, caller, path.into_inner(), true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lifts a block; lifting one that does not exist changes nothing.
#[utoipa::path(tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Member id")),
    responses(
        (status = 204, description = "Not blocked"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The caller themselves", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/members/{id}/block")]
pub async fn unblock_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    change_block(&state, caller, path.into_inner(), false).await?;
    Ok(HttpResponse::NoContent().finish())
}
