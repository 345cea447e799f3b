//! Comments (with replies) and reactions on posts and comments; counts for a page of either in
//! one query each.

use crate::error::Result;
use crate::keyset::{self, Order};
use crate::schema::{comments, reactions};
use crate::text_enum::DbEnum;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use praxis_domain::discussion::ContentStatus;
use praxis_domain::ids::UserId;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = comments)]
pub struct CommentRow {
    pub id: String,
    pub post_id: String,
    pub author_id: String,
    pub parent_id: Option<String>,
    pub body: String,
    #[diesel(deserialize_as = DbEnum<ContentStatus>, serialize_as = DbEnum<ContentStatus>)]
    pub status: ContentStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = comments)]
pub struct CommentChanges {
    pub body: Option<String>,
    #[diesel(serialize_as = DbEnum<ContentStatus>)]
    pub status: Option<ContentStatus>,
    pub updated_at: Option<NaiveDateTime>,
    pub edited_at: Option<Option<NaiveDateTime>>,
}

pub fn insert(conn: &mut DbConnection, row: &CommentRow) -> Result<()> {
    diesel::insert_into(comments::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<CommentRow>> {
    Ok(comments::table
        .find(id)
        .select(CommentRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn update(conn: &mut DbConnection, id: &str, changes: &CommentChanges) -> Result<()> {
    diesel::update(comments::table.find(id))
        .set(changes.clone())
        .execute(conn)?;
    Ok(())
}

/// A page of a post's comments in the given states, oldest first (a conversation reads
/// forwards), after the cursor `(at, id)`: served by `comments_post_idx (post_id, created_at, id)`.
pub fn page_of_post(
    conn: &mut DbConnection,
    post_id: &str,
    statuses: &[&str],
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<CommentRow>> {
    let mut query = comments::table
        .filter(comments::post_id.eq(post_id))
        .filter(comments::status.eq_any(statuses))
        .select(CommentRow::as_select())
        .order((comments::created_at.asc(), comments::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Asc,
            comments::created_at,
            comments::id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}

/// Adds a reaction; adding it twice changes nothing.
pub fn react(
    conn: &mut DbConnection,
    target_type: &str,
    target_id: &str,
    user_id: &UserId,
    kind: &str,
    at: NaiveDateTime,
) -> Result<()> {
    let user_id = user_id.as_str();
    let exists: i64 = reactions::table
        .filter(reactions::target_type.eq(target_type))
        .filter(reactions::target_id.eq(target_id))
        .filter(reactions::user_id.eq(user_id))
        .filter(reactions::kind.eq(kind))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        diesel::insert_into(reactions::table)
            .values((
                reactions::target_type.eq(target_type),
                reactions::target_id.eq(target_id),
                reactions::user_id.eq(user_id),
                reactions::kind.eq(kind),
                reactions::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn unreact(
    conn: &mut DbConnection,
    target_type: &str,
    target_id: &str,
    user_id: &UserId,
    kind: &str,
) -> Result<()> {
    let user_id = user_id.as_str();
    diesel::delete(
        reactions::table
            .filter(reactions::target_type.eq(target_type))
            .filter(reactions::target_id.eq(target_id))
            .filter(reactions::user_id.eq(user_id))
            .filter(reactions::kind.eq(kind)),
    )
    .execute(conn)?;
    Ok(())
}

/// Reaction counts by kind for several posts or comments, in one query.
pub fn reaction_counts(
    conn: &mut DbConnection,
    target_type: &str,
    ids: &[String],
) -> Result<HashMap<String, BTreeMap<String, i64>>> {
    let rows: Vec<(String, String, i64)> = reactions::table
        .filter(reactions::target_type.eq(target_type))
        .filter(reactions::target_id.eq_any(ids))
        .group_by((reactions::target_id, reactions::kind))
        .select((reactions::target_id, reactions::kind, count_star()))
        .load(conn)?;
    let mut out: HashMap<String, BTreeMap<String, i64>> = HashMap::new();
    for (id, kind, n) in rows {
        out.entry(id).or_default().insert(kind, n);
    }
    Ok(out)
}
