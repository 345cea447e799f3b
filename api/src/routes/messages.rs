//! Direct messages between members, and blocking. A conversation is readable only by its
//! participants: to anyone else — hosts and admins included — it does not exist (404).

use crate::auth::Member;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{AuthErrors, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{delete, get, post, put};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::messages::{self, Conversation, Message};
use praxis_domain::conversations::NewConversation;
use praxis_domain::ids::{ConversationId, UserId};
use praxis_domain::messaging::MessageBody;
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use serde::{Deserialize, Serialize};
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

fn conversation_response(conversation: Conversation) -> ConversationResponse {
    ConversationResponse {
        participants: conversation
            .participants
            .into_iter()
            .map(|p| ParticipantResponse {
                user_id: p.user_id,
                display_name: p.display_name,
            })
            .collect(),
        id: conversation.row.id,
        created_at: from_db_time(conversation.row.created_at),
        last_message_at: from_db_time(conversation.row.last_message_at),
    }
}

fn message_response(message: Message) -> MessageResponse {
    let row = message.row;
    MessageResponse {
        author_name: message.author_name,
        id: row.id,
        conversation_id: row.conversation_id,
        author_id: row.author_id,
        body: row.body,
        created_at: from_db_time(row.created_at),
    }
}

/// The caller's conversations, most recently active first.
#[utoipa::path(tag = "messages", security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of conversations", body = Page<ConversationResponse>),
        AuthErrors,
        Invalid,
    ))]
#[get("/conversations")]
pub async fn list_conversations(
    state: web::Data<AppState>,
    member: Member,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (page.0.limit()?, page.0.after()?);
    let items = state
        .read(move |conn| messages::conversations(conn, &member.id, after, limit + 1))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        items,
        limit,
        |c| (c.row.last_message_at, c.row.id.clone()),
        conversation_response,
    )))
}

/// Starts a conversation with other members and sends its first message. Needs the current
/// terms accepted; refused when any of them blocked the caller.
#[utoipa::path(tag = "messages", security(("bearer" = [])),
    request_body = CreateConversationRequest,
    responses(
        (status = 201, description = "The conversation", body = ConversationResponse),
        AuthErrors,
        (status = 403, description = "Current terms not accepted (`terms-acceptance-required`), or the email address not verified (`email-verification-required`), or a participant blocked the caller (`blocked`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: no, too many or unknown participants, the caller listed, empty or long body", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/conversations")]
pub async fn create_conversation(
    state: web::Data<AppState>,
    member: Member,
    body: Json<CreateConversationRequest>,
) -> ApiResult<HttpResponse> {
    let request = body.0;
    let conversation = NewConversation::parse(&member.id, &request.participant_ids, &request.body)?;
    let now = state.now();
    let created = state
        .write(move |conn| messages::start(conn, &member.ctx, &member.id, conversation, now))
        .await?;
    Ok(HttpResponse::Created().json(conversation_response(created)))
}

/// Messages of a conversation the caller takes part in, newest first.
#[utoipa::path(tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Conversation id"), PageParams),
    responses(
        (status = 200, description = "A page of messages", body = Page<MessageResponse>),
        AuthErrors,
        (status = 404, description = "No such conversation, or the caller is not in it (admins included)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[get("/conversations/{id}/messages")]
pub async fn list_messages(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<ConversationId>,
    page: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (page.0.limit()?, page.0.after()?);
    let rows = state
        .read(move |conn| messages::messages(conn, &member.id, &id, after, limit + 1))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |m| (m.row.created_at, m.row.id.clone()),
        message_response,
    )))
}

/// Sends a message to a conversation the caller takes part in. Refused when another
/// participant blocked the caller.
#[utoipa::path(tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Conversation id")),
    request_body = SendMessageRequest,
    responses(
        (status = 201, description = "The message", body = MessageResponse),
        AuthErrors,
        (status = 403, description = "Current terms not accepted (`terms-acceptance-required`), or the email address not verified (`email-verification-required`), or a participant blocked the caller (`blocked`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 422, description = "Empty or too long body", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/conversations/{id}/messages")]
pub async fn send_message(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<ConversationId>,
    body: Json<SendMessageRequest>,
) -> ApiResult<HttpResponse> {
    let body = MessageBody::parse(&body.0.body)?;
    let now = state.now();
    let message = state
        .write(move |conn| messages::send(conn, &member.ctx, &member.id, &id, body, now))
        .await?;
    Ok(HttpResponse::Created().json(message_response(message)))
}

/// The member a path names; an id of no possible member answers like an unknown one.
fn path_member(raw: &str) -> ApiResult<UserId> {
    UserId::parse(raw).map_err(|_| ApiError::NotFound("member"))
}

/// Blocks a member: from now on they cannot start a conversation with the caller or write to
/// one the caller is in. Blocking twice changes nothing.
#[utoipa::path(tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Member id")),
    responses(
        (status = 204, description = "Blocked"),
        AuthErrors,
        (status = 404, description = "No such member", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The caller themselves", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/members/{id}/block")]
pub async fn block_member(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let other = path_member(&path)?;
    let now = state.now();
    state
        .write(move |conn| messages::block(conn, &member.id, &other, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lifts a block; lifting one that does not exist changes nothing.
#[utoipa::path(tag = "messages", security(("bearer" = [])),
    params(("id" = String, Path, description = "Member id")),
    responses(
        (status = 204, description = "Not blocked"),
        AuthErrors,
        (status = 404, description = "No such member", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The caller themselves", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/members/{id}/block")]
pub async fn unblock_member(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let other = path_member(&path)?;
    state
        .write(move |conn| messages::unblock(conn, &member.id, &other))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
