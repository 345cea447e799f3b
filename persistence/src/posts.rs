//! Posts and their topics; pages of posts by keyset, and what a page shows beside each post
//! (topics, comment counts) fetched in one query each.

use crate::error::Result;
use crate::keyset::{self, Order};
use crate::schema::{post_topics, posts, space_follows, topic_follows, topics};
use crate::text_enum::DbEnum;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::discussion::{ContentStatus, PostKind};
use praxis_domain::ids::UserId;
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = posts)]
pub struct PostRow {
    pub id: String,
    pub space_id: String,
    pub author_id: String,
    #[diesel(deserialize_as = DbEnum<PostKind>, serialize_as = DbEnum<PostKind>)]
    pub kind: PostKind,
    pub title: String,
    pub body: String,
    #[diesel(deserialize_as = DbEnum<ContentStatus>, serialize_as = DbEnum<ContentStatus>)]
    pub status: ContentStatus,
    pub pinned: bool,
    pub crossposted_from: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    /// Published comments, kept by triggers (migration `post_comment_counts`): write 0.
    pub comment_count: i64,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = posts)]
pub struct PostChanges {
    #[diesel(serialize_as = DbEnum<PostKind>)]
    pub kind: Option<PostKind>,
    pub title: Option<String>,
    pub body: Option<String>,
    #[diesel(serialize_as = DbEnum<ContentStatus>)]
    pub status: Option<ContentStatus>,
    pub pinned: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
    pub edited_at: Option<Option<NaiveDateTime>>,
}

/// Inserts a post with its topics.
pub fn insert(conn: &mut DbConnection, row: &PostRow, topic_slugs: &[String]) -> Result<()> {
    diesel::insert_into(posts::table)
        .values(row.clone())
        .execute(conn)?;
    set_topics(conn, &row.id, topic_slugs)
}

/// Replaces the topics of a post.
pub fn set_topics(conn: &mut DbConnection, post_id: &str, topic_slugs: &[String]) -> Result<()> {
    diesel::delete(post_topics::table.filter(post_topics::post_id.eq(post_id))).execute(conn)?;
    for slug in topic_slugs {
        diesel::insert_into(post_topics::table)
            .values((
                post_topics::post_id.eq(post_id),
                post_topics::topic_slug.eq(slug),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<PostRow>> {
    Ok(posts::table
        .find(id)
        .select(PostRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn update(conn: &mut DbConnection, id: &str, changes: &PostChanges) -> Result<()> {
    diesel::update(posts::table.find(id))
        .set(changes.clone())
        .execute(conn)?;
    Ok(())
}

/// A page of a space's posts, newest first, in the given states, after the cursor `(at, id)`:
/// served by `posts_space_idx (space_id, created_at DESC, id DESC)`.
pub fn page_in_space(
    conn: &mut DbConnection,
    space_id: &str,
    statuses: &[&str],
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<PostRow>> {
    let mut query = posts::table
        .filter(posts::space_id.eq(space_id))
        .filter(posts::status.eq_any(statuses))
        .select(PostRow::as_select())
        .order((posts::created_at.desc(), posts::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Desc,
            posts::created_at,
            posts::id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}

/// A page of the feed of `user_id`: published posts, newest first, in the spaces they may read
/// now (`readable_space_ids`), that are in a space they follow or carry a topic they follow. The
/// access filter is part of the query, so a page is never short or padded by hidden content.
/// Served by `posts_feed_idx (created_at DESC, id DESC)` from the cursor on: a page costs the
/// posts walked until it is full, whatever the size of the table.
pub fn feed_page(
    conn: &mut DbConnection,
    user_id: &UserId,
    readable_space_ids: &[String],
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<PostRow>> {
    let user_id = user_id.as_str();
    let followed_spaces = space_follows::table
        .filter(space_follows::user_id.eq(user_id))
        .select(space_follows::space_id);
    let followed_topics = topic_follows::table
        .filter(topic_follows::user_id.eq(user_id))
        .select(topic_follows::topic_slug);
    // Per post, through the `post_topics` primary key: never the list of every post that
    // carries a followed topic. `OFFSET 0` keeps PostgreSQL from turning this EXISTS into a
    // hashed subplan that reads all of `post_topics` for every page.
    let has_followed_topic = diesel::dsl::exists(
        post_topics::table
            .filter(post_topics::post_id.eq(posts::id))
            .filter(post_topics::topic_slug.eq_any(followed_topics))
            .offset(0),
    );
    // `space_id || ''` keeps the planner off `posts_space_idx`: reading every post of the
    // readable spaces to sort them costs as much as the spaces hold. Walking
    // `posts_feed_idx` newest first stops after a page of matches.
    let space = posts::space_id.concat("");
    let mut query = posts::table
        .filter(posts::status.eq(ContentStatus::Published.as_str()))
        .filter(space.eq_any(readable_space_ids))
        .filter(space.eq_any(followed_spaces).or(has_followed_topic))
        .select(PostRow::as_select())
        .order((posts::created_at.desc(), posts::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Desc,
            posts::created_at,
            posts::id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}

/// The topics of several posts, in one query.
pub fn topics_of(
    conn: &mut DbConnection,
    post_ids: &[String],
) -> Result<HashMap<String, Vec<String>>> {
    let rows: Vec<(String, String)> = post_topics::table
        .filter(post_topics::post_id.eq_any(post_ids))
        .select((post_topics::post_id, post_topics::topic_slug))
        .order((post_topics::post_id.asc(), post_topics::topic_slug.asc()))
        .load(conn)?;
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (post, topic) in rows {
        out.entry(post).or_default().push(topic);
    }
    Ok(out)
}

/// The space of each of several posts (to decide whether a crosspost's source may be named).
pub fn spaces_of(
    conn: &mut DbConnection,
    post_ids: &[String],
) -> Result<Vec<(String, String, String)>> {
    Ok(posts::table
        .filter(posts::id.eq_any(post_ids))
        .select((posts::id, posts::space_id, posts::status))
        .load(conn)?)
}

/// The titles of several posts, in one query (notification lists).
pub fn titles(conn: &mut DbConnection, post_ids: &[String]) -> Result<HashMap<String, String>> {
    let rows: Vec<(String, String)> = posts::table
        .filter(posts::id.eq_any(post_ids))
        .select((posts::id, posts::title))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = topics)]
pub struct TopicRow {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub created_at: NaiveDateTime,
}

/// A page of topics by slug, after the slug `after` (the primary key is the index).
pub fn topics_page(
    conn: &mut DbConnection,
    after: Option<String>,
    limit: i64,
) -> Result<Vec<TopicRow>> {
    let mut query = topics::table
        .select(TopicRow::as_select())
        .order(topics::slug.asc())
        .limit(limit)
        .into_boxed();
    if let Some(slug) = after {
        query = query.filter(topics::slug.gt(slug));
    }
    Ok(query.load(conn)?)
}

/// Which of these topic slugs exist.
pub fn existing_topics(conn: &mut DbConnection, slugs: &[String]) -> Result<Vec<String>> {
    Ok(topics::table
        .filter(topics::slug.eq_any(slugs))
        .select(topics::slug)
        .load(conn)?)
}

/// Defines a topic; a slug already taken is a `UniqueViolation`.
pub fn insert_topic(conn: &mut DbConnection, row: &TopicRow) -> Result<()> {
    diesel::insert_into(topics::table)
        .values((
            topics::slug.eq(&row.slug),
            topics::name.eq(&row.name),
            topics::description.eq(&row.description),
            topics::created_at.eq(row.created_at),
        ))
        .execute(conn)?;
    Ok(())
}
