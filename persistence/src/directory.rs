//! The member directory: only members who chose to be listed, newest first, searchable by name
//! and by a topic they follow; and the topics each member of a page follows, in one query.

use crate::error::Result;
use crate::keyset::{self, Order};
use crate::learning::{contains_pattern, lower};
use crate::schema::{topic_follows, users};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::HashMap;

/// What the directory shows of a member: nothing about plans, spaces or activity.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct DirectoryRow {
    pub id: String,
    pub display_name: String,
    pub bio: Option<String>,
    pub languages: String,
    pub time_zone: String,
    pub created_at: NaiveDateTime,
}

/// A page of listed members, newest first, after the keyset cursor `(created_at, id)`;
/// `name` matches part of the display name case-insensitively, `topic` keeps those who follow it.
pub fn page(
    conn: &mut DbConnection,
    name: Option<&str>,
    topic: Option<&str>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<DirectoryRow>> {
    let mut query = users::table
        .filter(users::listed.eq(true))
        .order((users::created_at.desc(), users::id.desc()))
        .select(DirectoryRow::as_select())
        .limit(limit)
        .into_boxed();
    if let Some(name) = name {
        query = query.filter(
            lower(users::display_name)
                .like(contains_pattern(name))
                .escape('\\'),
        );
    }
    if let Some(topic) = topic {
        query = query.filter(
            users::id.eq_any(
                topic_follows::table
                    .filter(topic_follows::topic_slug.eq(topic.to_owned()))
                    .select(topic_follows::user_id),
            ),
        );
    }
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Desc,
            users::created_at,
            users::id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}

/// The topics each of `user_ids` follows, by slug, in one query.
pub fn topics_followed(
    conn: &mut DbConnection,
    user_ids: &[String],
) -> Result<HashMap<String, Vec<String>>> {
    let mut by_user: HashMap<String, Vec<String>> = HashMap::new();
    if user_ids.is_empty() {
        return Ok(by_user);
    }
    let rows: Vec<(String, String)> = topic_follows::table
        .filter(topic_follows::user_id.eq_any(user_ids))
        .order((topic_follows::user_id, topic_follows::topic_slug))
        .select((topic_follows::user_id, topic_follows::topic_slug))
        .load(conn)?;
    for (user, topic) in rows {
        by_user.entry(user).or_default().push(topic);
    }
    Ok(by_user)
}
