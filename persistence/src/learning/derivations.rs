//! Resources derived from a discussion: the record of which post (in which space) a host drew
//! on, and what the derivation rule needs to read: the discussion's texts and the spaces of
//! the content a resource's text links to.

use crate::error::Result;
use crate::schema::{comments, event_series, events, posts, resource_derivations, resources};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = resource_derivations)]
pub struct DerivationRow {
    pub resource_id: String,
    pub post_id: String,
    pub post_space_id: String,
    pub derived_by: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &DerivationRow) -> Result<()> {
    diesel::insert_into(resource_derivations::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, resource_id: &str) -> Result<Option<DerivationRow>> {
    Ok(resource_derivations::table
        .filter(resource_derivations::resource_id.eq(resource_id))
        .select(DerivationRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every text of a discussion, whatever its status (a hidden or deleted comment is still
/// private content): the post's title and body, then each comment's body. Two queries.
pub fn discussion_texts(conn: &mut DbConnection, post_id: &str) -> Result<Vec<String>> {
    let Some((title, body)) = posts::table
        .find(post_id)
        .select((posts::title, posts::body))
        .first::<(String, String)>(conn)
        .optional()?
    else {
        return Ok(Vec::new());
    };
    let mut texts = vec![title, body];
    texts.extend(
        comments::table
            .filter(comments::post_id.eq(post_id))
            .select(comments::body)
            .load::<String>(conn)?,
    );
    Ok(texts)
}

/// The spaces of the posts with these ids, as `(id, space id)` pairs.
pub fn post_spaces(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<(String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(posts::table
        .filter(posts::id.eq_any(ids))
        .select((posts::id, posts::space_id))
        .load(conn)?)
}

/// The spaces of the comments with these ids (their posts' spaces).
pub fn comment_spaces(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<(String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(comments::table
        .inner_join(posts::table)
        .filter(comments::id.eq_any(ids))
        .select((comments::id, posts::space_id))
        .load(conn)?)
}

/// The spaces of the events (single events and changed occurrences, by id) and of the series
/// (by series id) with these ids.
pub fn event_spaces(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<(String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut found: Vec<(String, String)> = events::table
        .filter(events::id.eq_any(ids))
        .select((events::id, events::space_id))
        .load(conn)?;
    found.extend(
        event_series::table
            .filter(event_series::id.eq_any(ids))
            .select((event_series::id, event_series::space_id))
            .load::<(String, String)>(conn)?,
    );
    Ok(found)
}

/// The spaces of the space-limited resources with these ids (public resources have none).
pub fn resource_spaces(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<(String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, Option<String>)> = resources::table
        .filter(resources::id.eq_any(ids))
        .select((resources::id, resources::space_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, space)| space.map(|s| (id, s)))
        .collect())
}
