//! Follows of spaces and topics, notification levels per space, and notifications.

use crate::error::Result;
use crate::keyset::{self, Order};
use crate::schema::{
    comments, notification_settings, notifications, posts, space_follows, topic_follows,
};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::discussion::ContentStatus;
use praxis_domain::ids::{SpaceId, TopicId, UserId};
use std::collections::HashMap;

pub fn follow_space(
    conn: &mut DbConnection,
    user_id: &UserId,
    space_id: &SpaceId,
    at: NaiveDateTime,
) -> Result<()> {
    let user_id = user_id.as_str();
    let space_id = space_id.as_str();
    let exists: i64 = space_follows::table
        .filter(space_follows::user_id.eq(user_id))
        .filter(space_follows::space_id.eq(space_id))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        diesel::insert_into(space_follows::table)
            .values((
                space_follows::user_id.eq(user_id),
                space_follows::space_id.eq(space_id),
                space_follows::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn unfollow_space(conn: &mut DbConnection, user_id: &UserId, space_id: &SpaceId) -> Result<()> {
    let user_id = user_id.as_str();
    let space_id = space_id.as_str();
    diesel::delete(
        space_follows::table
            .filter(space_follows::user_id.eq(user_id))
            .filter(space_follows::space_id.eq(space_id)),
    )
    .execute(conn)?;
    Ok(())
}

pub fn follow_topic(
    conn: &mut DbConnection,
    user_id: &UserId,
    slug: &TopicId,
    at: NaiveDateTime,
) -> Result<()> {
    let user_id = user_id.as_str();
    let slug = slug.as_str();
    let exists: i64 = topic_follows::table
        .filter(topic_follows::user_id.eq(user_id))
        .filter(topic_follows::topic_slug.eq(slug))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        diesel::insert_into(topic_follows::table)
            .values((
                topic_follows::user_id.eq(user_id),
                topic_follows::topic_slug.eq(slug),
                topic_follows::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn unfollow_topic(conn: &mut DbConnection, user_id: &UserId, slug: &TopicId) -> Result<()> {
    let user_id = user_id.as_str();
    let slug = slug.as_str();
    diesel::delete(
        topic_follows::table
            .filter(topic_follows::user_id.eq(user_id))
            .filter(topic_follows::topic_slug.eq(slug)),
    )
    .execute(conn)?;
    Ok(())
}

/// The topics `user_id` follows.
pub fn followed_topics(conn: &mut DbConnection, user_id: &str) -> Result<Vec<String>> {
    Ok(topic_follows::table
        .filter(topic_follows::user_id.eq(user_id))
        .select(topic_follows::topic_slug)
        .load(conn)?)
}

/// Who follows the space or any of the topics: the audience of a new post.
pub fn followers(
    conn: &mut DbConnection,
    space_id: &str,
    topic_slugs: &[String],
) -> Result<Vec<String>> {
    let mut ids: Vec<String> = space_follows::table
        .filter(space_follows::space_id.eq(space_id))
        .select(space_follows::user_id)
        .load(conn)?;
    let by_topic: Vec<String> = topic_follows::table
        .filter(topic_follows::topic_slug.eq_any(topic_slugs))
        .select(topic_follows::user_id)
        .load(conn)?;
    ids.extend(by_topic);
    ids.sort();
    ids.dedup();
    Ok(ids)
}

pub fn set_level(
    conn: &mut DbConnection,
    user_id: &UserId,
    space_id: &SpaceId,
    level: &str,
) -> Result<()> {
    let user_id = user_id.as_str();
    let space_id = space_id.as_str();
    diesel::delete(
        notification_settings::table
            .filter(notification_settings::user_id.eq(user_id))
            .filter(notification_settings::space_id.eq(space_id)),
    )
    .execute(conn)?;
    diesel::insert_into(notification_settings::table)
        .values((
            notification_settings::user_id.eq(user_id),
            notification_settings::space_id.eq(space_id),
            notification_settings::level.eq(level),
        ))
        .execute(conn)?;
    Ok(())
}

/// The levels several members chose for one space (members without a setting are absent).
pub fn levels(
    conn: &mut DbConnection,
    space_id: &SpaceId,
    user_ids: &[String],
) -> Result<HashMap<String, String>> {
    let space_id = space_id.as_str();
    let rows: Vec<(String, String)> = notification_settings::table
        .filter(notification_settings::space_id.eq(space_id))
        .filter(notification_settings::user_id.eq_any(user_ids))
        .select((notification_settings::user_id, notification_settings::level))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Which of these ids are accounts.
pub fn existing_users(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<String>> {
    use crate::schema::users;
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select(users::id)
        .load(conn)?)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub actor_id: Option<String>,
    pub space_id: String,
    pub post_id: Option<String>,
    pub comment_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, rows: &[NotificationRow]) -> Result<()> {
    for row in rows {
        diesel::insert_into(notifications::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// A page of `user_id`'s notifications, newest first, showing only those whose content they
/// may still read: in a space they may read now, about a post (and comment) still published.
/// The filter is part of the query, before paging: served by `notifications_user_idx`.
///
/// The post and comment are joined by primary key rather than tested with `IN (SELECT id …
/// WHERE status = 'published')`: SQLite runs such a list subquery by scanning every post and
/// every comment first, on each page. A joined row is at most one post and one comment, so the
/// rows are the same.
pub fn page(
    conn: &mut DbConnection,
    user_id: &UserId,
    readable_space_ids: &[String],
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<NotificationRow>> {
    let user_id = user_id.as_str();
    let mut query = notifications::table
        .inner_join(posts::table.on(posts::id.nullable().eq(notifications::post_id)))
        .left_join(comments::table.on(comments::id.nullable().eq(notifications::comment_id)))
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::space_id.eq_any(readable_space_ids))
        .filter(posts::status.eq(ContentStatus::Published.as_str()))
        .filter(
            notifications::comment_id.is_null().or(comments::status
                .nullable()
                .eq(ContentStatus::Published.as_str())),
        )
        .select(NotificationRow::as_select())
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Desc,
            notifications::created_at,
            notifications::id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<NotificationRow>> {
    Ok(notifications::table
        .find(id)
        .select(NotificationRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn mark_read(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> Result<()> {
    diesel::update(
        notifications::table
            .find(id)
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(at))
    .execute(conn)?;
    Ok(())
}

/// Marks read every unread notification of `user_id` in the spaces they may read.
pub fn mark_all_read(
    conn: &mut DbConnection,
    user_id: &UserId,
    readable_space_ids: &[String],
    at: NaiveDateTime,
) -> Result<usize> {
    let user_id = user_id.as_str();
    Ok(diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::space_id.eq_any(readable_space_ids))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(at))
    .execute(conn)?)
}
