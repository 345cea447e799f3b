//! Full-text search over published posts and published comments of published posts.
//!
//! The readable spaces are part of the query itself: rows of other spaces are excluded before
//! anything is ranked, cut to a page or turned into a snippet, so no count, rank or snippet of
//! hidden content can leave the database. SQLite uses the FTS5 table `search_fts` (bm25,
//! `snippet()`); PostgreSQL the generated `search_vector` columns (`ts_rank`, `ts_headline`).

use crate::error::Result;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamp};

/// Matched words in snippets are wrapped in `**`, Markdown's bold, like the bodies themselves.
pub const MARK: &str = "**";

#[derive(Debug, Clone, QueryableByName)]
pub struct SearchHitRow {
    /// `post` or `comment`.
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub post_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub comment_id: Option<String>,
    #[diesel(sql_type = Text)]
    pub space_id: String,
    /// The post's title (for a comment: the title of its post).
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub snippet: String,
    #[diesel(sql_type = Timestamp)]
    pub created_at: NaiveDateTime,
}

const SQLITE: &str = "
SELECT f.kind AS kind,
       f.post_id AS post_id,
       CASE WHEN f.kind = 'comment' THEN f.ref_id END AS comment_id,
       p.space_id AS space_id,
       p.title AS title,
       snippet(search_fts, 1, '**', '**', '…', 24) AS snippet,
       CASE WHEN f.kind = 'comment' THEN c.created_at ELSE p.created_at END AS created_at
FROM search_fts f
JOIN posts p ON p.id = f.post_id
LEFT JOIN comments c ON f.kind = 'comment' AND c.id = f.ref_id
WHERE search_fts MATCH ?
  AND p.status = 'published'
  AND p.space_id IN (SELECT value FROM json_each(?))
  AND (f.kind = 'post' OR c.status = 'published')
ORDER BY bm25(search_fts, 5.0, 1.0), f.ref_id
LIMIT ?";

// The headline is computed only for the page, after ranking and the limit.
const POSTGRES: &str = "
WITH q AS (SELECT websearch_to_tsquery('simple', $1) AS query),
top AS (
    SELECT 'post' AS kind, p.id AS post_id, NULL::text AS comment_id, p.space_id, p.title,
           p.body, p.created_at, ts_rank(p.search_vector, q.query) AS rank, p.id AS sort_id
    FROM posts p, q
    WHERE p.search_vector @@ q.query
      AND p.status = 'published'
      AND p.space_id = ANY($2)
    UNION ALL
    SELECT 'comment', c.post_id, c.id, p.space_id, p.title,
           c.body, c.created_at, ts_rank(c.search_vector, q.query), c.id
    FROM comments c JOIN posts p ON p.id = c.post_id, q
    WHERE c.search_vector @@ q.query
      AND c.status = 'published'
      AND p.status = 'published'
      AND p.space_id = ANY($2)
    ORDER BY rank DESC, sort_id
    LIMIT $3
)
SELECT top.kind, top.post_id, top.comment_id, top.space_id, top.title,
       ts_headline('simple', top.body, q.query,
                   'StartSel=**, StopSel=**, MaxWords=30, MinWords=12, MaxFragments=1') AS snippet,
       top.created_at
FROM top, q
ORDER BY top.rank DESC, top.sort_id";

/// The best `limit` hits for `match_terms` (quoted words, see
/// `praxis_domain::search::SearchQuery::quoted_terms`) within `space_ids`, best first.
pub fn search(
    conn: &mut DbConnection,
    match_terms: &str,
    space_ids: &[String],
    limit: i64,
) -> Result<Vec<SearchHitRow>> {
    if space_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(match conn {
        DbConnection::Sqlite(sqlite) => {
            let ids = serde_json::to_string(space_ids)
                .map_err(|e| crate::Error::Other(format!("space ids: {e}")))?;
            diesel::sql_query(SQLITE)
                .bind::<Text, _>(match_terms)
                .bind::<Text, _>(ids)
                .bind::<BigInt, _>(limit)
                .load(sqlite)?
        }
        DbConnection::Pg(pg) => diesel::sql_query(POSTGRES)
            .bind::<Text, _>(match_terms)
            .bind::<Array<Text>, _>(space_ids)
            .bind::<BigInt, _>(limit)
            .load(pg)?,
    })
}
