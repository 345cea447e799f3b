//! Direct messages: conversations, their participants and messages, and blocks between members.

use crate::error::Result;
use crate::keyset::{self, Order};
use crate::schema::{conversation_participants, conversations, messages, user_blocks};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::ids::{ConversationId, UserId};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = conversations)]
pub struct ConversationRow {
    pub id: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub last_message_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = messages)]
pub struct MessageRow {
    pub id: String,
    pub conversation_id: String,
    pub author_id: String,
    pub body: String,
    pub created_at: NaiveDateTime,
}

/// Creates a conversation between `participant_ids` (the creator included).
pub fn insert_conversation(
    conn: &mut DbConnection,
    row: &ConversationRow,
    participant_ids: &[String],
) -> Result<()> {
    diesel::insert_into(conversations::table)
        .values(row)
        .execute(conn)?;
    for user_id in participant_ids {
        diesel::insert_into(conversation_participants::table)
            .values((
                conversation_participants::conversation_id.eq(&row.id),
                conversation_participants::user_id.eq(user_id),
                conversation_participants::joined_at.eq(row.created_at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The conversation, only when `user_id` takes part in it.
pub fn find_for_participant(
    conn: &mut DbConnection,
    conversation_id: &ConversationId,
    user_id: &UserId,
) -> Result<Option<ConversationRow>> {
    Ok(conversations::table
        .inner_join(conversation_participants::table)
        .filter(conversations::id.eq(conversation_id.as_str()))
        .filter(conversation_participants::user_id.eq(user_id.as_str()))
        .select(ConversationRow::as_select())
        .first(conn)
        .optional()?)
}

/// The conversations `user_id` takes part in, most recently active first, after the keyset
/// cursor `(last_message_at, id)`.
pub fn page_conversations(
    conn: &mut DbConnection,
    user_id: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ConversationRow>> {
    let mut query = conversations::table
        .inner_join(conversation_participants::table)
        .filter(conversation_participants::user_id.eq(user_id.to_owned()))
        .select(ConversationRow::as_select())
        .order((
            conversations::last_message_at.desc(),
            conversations::id.desc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Desc,
            conversations::last_message_at,
            conversations::id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}

/// `(conversation_id, user_id)` of every participant of several conversations, in one query.
pub fn participants(
    conn: &mut DbConnection,
    conversation_ids: &[String],
) -> Result<Vec<(String, String)>> {
    if conversation_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(conversation_participants::table
        .filter(conversation_participants::conversation_id.eq_any(conversation_ids))
        .order((
            conversation_participants::conversation_id.asc(),
            conversation_participants::joined_at.asc(),
            conversation_participants::user_id.asc(),
        ))
        .select((
            conversation_participants::conversation_id,
            conversation_participants::user_id,
        ))
        .load(conn)?)
}

/// Adds a message and marks the conversation active at its time.
pub fn insert_message(conn: &mut DbConnection, row: &MessageRow) -> Result<()> {
    diesel::insert_into(messages::table)
        .values(row)
        .execute(conn)?;
    diesel::update(conversations::table.find(&row.conversation_id))
        .set(conversations::last_message_at.eq(row.created_at))
        .execute(conn)?;
    Ok(())
}

/// Messages of a conversation, newest first, after the keyset cursor `(created_at, id)`.
pub fn page_messages(
    conn: &mut DbConnection,
    conversation_id: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<MessageRow>> {
    let mut query = messages::table
        .filter(messages::conversation_id.eq(conversation_id.to_owned()))
        .select(MessageRow::as_select())
        .order((messages::created_at.desc(), messages::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Desc,
            messages::created_at,
            messages::id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}

/// The conversation a message belongs to and its participants, for reports.
pub fn message_participants(
    conn: &mut DbConnection,
    message_id: &str,
) -> Result<Option<Vec<String>>> {
    let conversation: Option<String> = messages::table
        .find(message_id)
        .select(messages::conversation_id)
        .first(conn)
        .optional()?;
    let Some(conversation) = conversation else {
        return Ok(None);
    };
    Ok(Some(
        conversation_participants::table
            .filter(conversation_participants::conversation_id.eq(conversation))
            .select(conversation_participants::user_id)
            .load(conn)?,
    ))
}

/// Blocks `blocked_id` for `blocker_id`; blocking twice changes nothing.
pub fn block(
    conn: &mut DbConnection,
    blocker_id: &UserId,
    blocked_id: &UserId,
    at: NaiveDateTime,
) -> Result<bool> {
    if is_blocked_by_any(conn, blocked_id, std::slice::from_ref(blocker_id))? {
        return Ok(false);
    }
    diesel::insert_into(user_blocks::table)
        .values((
            user_blocks::blocker_id.eq(blocker_id.as_str()),
            user_blocks::blocked_id.eq(blocked_id.as_str()),
            user_blocks::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(true)
}

pub fn unblock(conn: &mut DbConnection, blocker_id: &UserId, blocked_id: &UserId) -> Result<bool> {
    let removed = diesel::delete(
        user_blocks::table
            .filter(user_blocks::blocker_id.eq(blocker_id.as_str()))
            .filter(user_blocks::blocked_id.eq(blocked_id.as_str())),
    )
    .execute(conn)?;
    Ok(removed > 0)
}

/// Whether any of `others` blocked `sender`: one query.
pub fn is_blocked_by_any(
    conn: &mut DbConnection,
    sender_id: &UserId,
    others: &[UserId],
) -> Result<bool> {
    if others.is_empty() {
        return Ok(false);
    }
    let others: Vec<&str> = others.iter().map(UserId::as_str).collect();
    let n: i64 = user_blocks::table
        .filter(user_blocks::blocked_id.eq(sender_id.as_str()))
        .filter(user_blocks::blocker_id.eq_any(others))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
