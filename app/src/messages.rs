//! Direct messages between members, and blocking. A conversation exists only for its
//! participants: to anyone else — hosts and admins included — it answers 404. Writing to members
//! is taking part in the community, so it needs the current terms accepted.

use crate::access::ViewerContext;
use crate::error::{Error, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use praxis_domain::conversations::NewConversation;
use praxis_domain::ids::{ConversationId, MessageId, UserId};
use praxis_domain::messaging::{self, MessageBody};
use praxis_domain::FieldError;
use praxis_persistence::messages::{self as repo, ConversationRow, MessageRow};
use praxis_persistence::{to_db_time, users, DbConnection};
use std::collections::HashMap;

/// A participant of a conversation, with their name.
#[derive(Debug, Clone)]
pub struct Participant {
    pub user_id: String,
    pub display_name: String,
}

/// A conversation with everyone in it, the caller included.
#[derive(Debug, Clone)]
pub struct Conversation {
    pub row: ConversationRow,
    pub participants: Vec<Participant>,
}

/// A message with its author's name.
#[derive(Debug, Clone)]
pub struct Message {
    pub row: MessageRow,
    pub author_name: String,
}

/// Writing to members needs a verified email address and the current terms accepted.
fn require_current_terms(ctx: &ViewerContext) -> Result<()> {
    crate::access::require_verified_email(ctx)?;
    match &ctx.viewer.member {
        Some(member) if member.accepted_current_terms => Ok(()),
        _ => Err(Error::forbidden(
            "terms-acceptance-required",
            "accept the current Terms and Conditions (POST /api/v1/me/terms-acceptances) to write to members",
        )),
    }
}

/// Conversations with their participants and names: two queries for any number.
fn with_participants(
    conn: &mut DbConnection,
    rows: Vec<ConversationRow>,
) -> Result<Vec<Conversation>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let pairs = repo::participants(conn, &ids)?;
    let user_ids: Vec<String> = pairs.iter().map(|(_, u)| u.clone()).collect();
    let names = users::display_names(conn, &user_ids)?;
    let mut by_conversation: HashMap<String, Vec<Participant>> = HashMap::new();
    for (conversation, user_id) in pairs {
        by_conversation
            .entry(conversation)
            .or_default()
            .push(Participant {
                display_name: names.get(&user_id).cloned().unwrap_or_default(),
                user_id,
            });
    }
    Ok(rows
        .into_iter()
        .map(|row| Conversation {
            participants: by_conversation.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

/// The member's conversations, most recently active first, after the keyset cursor.
pub fn conversations(
    conn: &mut DbConnection,
    member: &UserId,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<Conversation>> {
    let rows = repo::page_conversations(conn, member.as_str(), after, limit)?;
    with_participants(conn, rows)
}

/// Starts a conversation with other members and sends its first message. Refused without the
/// current terms, with 422 naming members that do not exist, and 403 `blocked` when any of them
/// blocked the sender.
pub fn start(
    conn: &mut DbConnection,
    sender: &ViewerContext,
    sender_id: &UserId,
    conversation: NewConversation,
    now: DateTime<Utc>,
) -> Result<Conversation> {
    require_current_terms(sender)?;
    let recipients = conversation.recipients;
    let ids: Vec<String> = recipients.iter().map(|r| r.as_str().to_owned()).collect();
    let names = users::display_names(conn, &ids)?;
    let unknown: Vec<FieldError> = recipients
        .iter()
        .filter(|id| !names.contains_key(id.as_str()))
        .map(|id| FieldError::new("participant_ids", format!("no member {id}")))
        .collect();
    if !unknown.is_empty() {
        return Err(Error::invalid(unknown));
    }
    messaging::ensure_not_blocked(repo::is_blocked_by_any(conn, sender_id, &recipients)?)?;
    let at = to_db_time(now);
    let row = ConversationRow {
        id: ConversationId::new().into_inner(),
        created_by: sender_id.as_str().to_owned(),
        created_at: at,
        last_message_at: at,
    };
    let mut everyone = vec![sender_id.as_str().to_owned()];
    everyone.extend(ids);
    repo::insert_conversation(conn, &row, &everyone)?;
    repo::insert_message(
        conn,
        &MessageRow {
            id: MessageId::new().into_inner(),
            conversation_id: row.id.clone(),
            author_id: sender_id.as_str().to_owned(),
            body: conversation.body.as_str().to_owned(),
            created_at: at,
        },
    )?;
    with_participants(conn, vec![row])?
        .pop()
        .ok_or_else(|| Error::internal("created conversation missing"))
}

/// Messages of a conversation the member takes part in, newest first, after the keyset cursor.
pub fn messages(
    conn: &mut DbConnection,
    member: &UserId,
    conversation: &ConversationId,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<Message>> {
    repo::find_for_participant(conn, conversation, member)?
        .ok_or(Error::NotFound("conversation"))?;
    let rows = repo::page_messages(conn, conversation.as_str(), after, limit)?;
    let authors: Vec<String> = rows.iter().map(|m| m.author_id.clone()).collect();
    let names = users::display_names(conn, &authors)?;
    Ok(rows
        .into_iter()
        .map(|row| Message {
            author_name: names.get(&row.author_id).cloned().unwrap_or_default(),
            row,
        })
        .collect())
}

/// Sends a message to a conversation the sender takes part in: 404 to anyone else, 403 without
/// the current terms or when another participant blocked the sender.
pub fn send(
    conn: &mut DbConnection,
    sender: &ViewerContext,
    sender_id: &UserId,
    conversation: &ConversationId,
    body: MessageBody,
    now: DateTime<Utc>,
) -> Result<Message> {
    repo::find_for_participant(conn, conversation, sender_id)?
        .ok_or(Error::NotFound("conversation"))?;
    require_current_terms(sender)?;
    let others: Vec<UserId> = repo::participants(conn, &[conversation.as_str().to_owned()])?
        .into_iter()
        .map(|(_, user)| UserId::from_trusted(user))
        .filter(|user| user != sender_id)
        .collect();
    messaging::ensure_not_blocked(repo::is_blocked_by_any(conn, sender_id, &others)?)?;
    let row = MessageRow {
        id: MessageId::new().into_inner(),
        conversation_id: conversation.as_str().to_owned(),
        author_id: sender_id.as_str().to_owned(),
        body: body.as_str().to_owned(),
        created_at: to_db_time(now),
    };
    repo::insert_message(conn, &row)?;
    let names = users::display_names(conn, &[sender_id.as_str().to_owned()])?;
    Ok(Message {
        author_name: names.get(sender_id.as_str()).cloned().unwrap_or_default(),
        row,
    })
}

/// Blocks `other` for `member`: from now on they cannot start a conversation with the member or
/// write to one the member is in. Blocking twice changes nothing.
pub fn block(
    conn: &mut DbConnection,
    member: &UserId,
    other: &UserId,
    now: DateTime<Utc>,
) -> Result<()> {
    ensure_blockable(conn, member, other)?;
    repo::block(conn, member, other, to_db_time(now))?;
    Ok(())
}

/// Lifts a block; lifting one that does not exist changes nothing.
pub fn unblock(conn: &mut DbConnection, member: &UserId, other: &UserId) -> Result<()> {
    ensure_blockable(conn, member, other)?;
    repo::unblock(conn, member, other)?;
    Ok(())
}

/// Someone else who exists: 422 for oneself, 404 `member` for nobody.
fn ensure_blockable(conn: &mut DbConnection, member: &UserId, other: &UserId) -> Result<()> {
    messaging::ensure_may_block(member, other)?;
    if users::find_by_id(conn, other.as_str())?.is_none() {
        return Err(Error::NotFound("member"));
    }
    Ok(())
}
