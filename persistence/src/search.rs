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
    /// The post's id for a post, the comment's for a comment: the cursor's tie-breaker.
    #[diesel(sql_type = Text)]
    pub hit_id: String,
}

// `?1`… are numbered so the cursor binds can be used more than once. A comment's instant is its
// own (`c` is NULL for a post), its id the FTS row's `ref_id`.
const SQLITE: &str = "
SELECT f.kind AS kind,
       f.post_id AS post_id,
       CASE WHEN f.kind = 'comment' THEN f.ref_id END AS comment_id,
       p.space_id AS space_id,
       p.title AS title,
       snippet(search_fts, 1, '**', '**', '…', 24) AS snippet,
       COALESCE(c.created_at, p.created_at) AS created_at,
       f.ref_id AS hit_id
FROM search_fts f
JOIN posts p ON p.id = f.post_id
LEFT JOIN comments c ON f.kind = 'comment' AND c.id = f.ref_id
WHERE search_fts MATCH ?1
  AND p.status = 'published'
  AND p.space_id IN (SELECT value FROM json_each(?2))
  AND (f.kind = 'post' OR c.status = 'published')
  AND (?4 IS NULL
       OR COALESCE(c.created_at, p.created_at) < ?4
       OR (COALESCE(c.created_at, p.created_at) = ?4 AND f.ref_id < ?5))
ORDER BY COALESCE(c.created_at, p.created_at) DESC, f.ref_id DESC
LIMIT ?3";

// The headline is computed only for the page, after the cursor and the limit.
const POSTGRES: &str = "
WITH q AS (SELECT websearch_to_tsquery('simple', $1) AS query),
top AS (
    SELECT 'post' AS kind, p.id AS post_id, NULL::text AS comment_id, p.space_id, p.title,
           p.body, p.created_at, p.id AS hit_id
    FROM posts p, q
    WHERE p.search_vector @@ q.query
      AND p.status = 'published'
      AND p.space_id = ANY($2)
      AND ($4::timestamp IS NULL OR p.created_at < $4 OR (p.created_at = $4 AND p.id < $5))
    UNION ALL
    SELECT 'comment', c.post_id, c.id, p.space_id, p.title,
           c.body, c.created_at, c.id
    FROM comments c JOIN posts p ON p.id = c.post_id, q
    WHERE c.search_vector @@ q.query
      AND c.status = 'published'
      AND p.status = 'published'
      AND p.space_id = ANY($2)
      AND ($4::timestamp IS NULL OR c.created_at < $4 OR (c.created_at = $4 AND c.id < $5))
    ORDER BY created_at DESC, hit_id DESC
    LIMIT $3
)
SELECT top.kind, top.post_id, top.comment_id, top.space_id, top.title,
       ts_headline('simple', top.body, q.query,
                   'StartSel=**, StopSel=**, MaxWords=30, MinWords=12, MaxFragments=1') AS snippet,
       top.created_at, top.hit_id
FROM top, q
ORDER BY top.created_at DESC, top.hit_id DESC";

/// Up to `limit` hits for `match_terms` (quoted words, see
/// `praxis_domain::search::SearchQuery::quoted_terms`) within `space_ids`, newest first, after
/// the keyset cursor `(created_at, hit_id)`.
///
/// Newest first rather than by relevance: a relevance score (bm25, `ts_rank`) depends on every
/// other row, so a post written between two pages reorders the hits and a cursor on the score
/// repeats or skips some. The instant and id of a hit never change, so pages continue exactly.
pub fn search(
    conn: &mut DbConnection,
    match_terms: &str,
    space_ids: &[String],
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<SearchHitRow>> {
    if space_ids.is_empty() {
        return Ok(Vec::new());
    }
    let (after_at, after_id) = match after {
        Some((at, id)) => (Some(at), id),
        None => (None, String::new()),
    };
    Ok(match conn {
        DbConnection::Sqlite(sqlite) => {
            let ids = serde_json::to_string(space_ids)
                .map_err(|e| crate::Error::Other(format!("space ids: {e}")))?;
            diesel::sql_query(SQLITE)
                .bind::<Text, _>(match_terms)
                .bind::<Text, _>(ids)
                .bind::<BigInt, _>(limit)
                .bind::<Nullable<Timestamp>, _>(after_at)
                .bind::<Text, _>(after_id)
                .load(sqlite)?
        }
        DbConnection::Pg(pg) => diesel::sql_query(POSTGRES)
            .bind::<Text, _>(match_terms)
            .bind::<Array<Text>, _>(space_ids)
            .bind::<BigInt, _>(limit)
            .bind::<Nullable<Timestamp>, _>(after_at)
            .bind::<Text, _>(after_id)
            .load(pg)?,
    })
}
