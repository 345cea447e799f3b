//! Search over the posts and comments the caller may read now.

use crate::access::{all_spaces, ViewerContext};
use crate::error::Result;
use chrono::{DateTime, Utc};
use praxis_domain::search::SearchQuery;
use praxis_persistence::search as repo;
use praxis_persistence::{from_db_time, DbConnection};
use std::collections::HashMap;

/// One hit.
#[derive(Debug, Clone)]
pub struct SearchHitView {
    /// `post` or `comment`.
    pub kind: String,
    pub post_id: String,
    pub comment_id: Option<String>,
    /// Slug of the space the post is in.
    pub space: String,
    /// The post's title (for a comment, its post's).
    pub title: String,
    /// A short excerpt of the body, matched words wrapped in `**`.
    pub snippet: String,
    pub created_at: DateTime<Utc>,
    /// The page cursor's key: the hit's instant and id.
    pub key: (chrono::NaiveDateTime, String),
}

/// Up to `limit` hits, newest first, after the keyset cursor `after`, among published posts
/// and comments in the spaces the caller may read at this moment (visitors: public spaces).
/// Other spaces are filtered out inside the query, before anything is ordered or cut, so hidden
/// content never shows up in a hit, a snippet or the number of hits.
pub fn search(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    query: &SearchQuery,
    after: Option<(chrono::NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<SearchHitView>> {
    let spaces = all_spaces(conn)?;
    let readable = ctx.readable_space_ids(&spaces);
    let slugs: HashMap<String, String> =
        spaces.into_iter().map(|s| (s.row.id, s.row.slug)).collect();
    let rows = repo::search(conn, &query.quoted_terms(), &readable, after, limit)?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(SearchHitView {
                space: slugs.get(&row.space_id)?.clone(),
                key: (row.created_at, row.hit_id),
                kind: row.kind,
                post_id: row.post_id,
                comment_id: row.comment_id,
                title: row.title,
                snippet: row.snippet,
                created_at: from_db_time(row.created_at),
            })
        })
        .collect())
}
