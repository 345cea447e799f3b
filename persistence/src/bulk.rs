//! Loading many rows at once (the bench seeder): several hundred rows per INSERT statement,
//! so a million posts cost thousands of statements, not millions of round trips. Call these
//! inside one large transaction per batch.

use crate::comments::CommentRow;
use crate::error::Result;
use crate::posts::PostRow;
use crate::schema::{comments, post_topics, posts, terms_acceptances, users};
use crate::users::NewUserRow;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Rows per statement: below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters for
/// the widest table loaded here (posts, 12 columns).
const CHUNK: usize = 500;

/// Runs the same diesel statement on the engine's own connection: multi-row `INSERT … VALUES`
/// is not available through `MultiConnection`, but each engine has it.
macro_rules! on_engine {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            DbConnection::Sqlite($c) => $body,
            DbConnection::Pg($c) => $body,
        }
    };
}

/// Inserts posts and their `(post_id, topic_slug)` pairs.
pub fn posts(conn: &mut DbConnection, rows: &[PostRow], topics: &[(String, String)]) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        on_engine!(conn, |c| diesel::insert_into(posts::table)
            .values(chunk.to_vec())
            .execute(c))?;
    }
    for chunk in topics.chunks(CHUNK) {
        let values: Vec<_> = chunk
            .iter()
            .map(|(post, topic)| {
                (
                    post_topics::post_id.eq(post.as_str()),
                    post_topics::topic_slug.eq(topic.as_str()),
                )
            })
            .collect();
        on_engine!(conn, |c| diesel::insert_into(post_topics::table)
            .values(&values)
            .execute(c))?;
    }
    Ok(())
}

pub fn comments(conn: &mut DbConnection, rows: &[CommentRow]) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        on_engine!(conn, |c| diesel::insert_into(comments::table)
            .values(chunk.to_vec())
            .execute(c))?;
    }
    Ok(())
}

/// Inserts accounts that have accepted the terms `version` at `at`.
pub fn users(
    conn: &mut DbConnection,
    rows: &[NewUserRow<'_>],
    version: Option<&str>,
    at: NaiveDateTime,
) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        on_engine!(conn, |c| diesel::insert_into(users::table)
            .values(chunk)
            .execute(c))?;
        if let Some(version) = version {
            let accepted: Vec<_> = chunk
                .iter()
                .map(|u| {
                    (
                        terms_acceptances::user_id.eq(u.id),
                        terms_acceptances::version.eq(version),
                        terms_acceptances::accepted_at.eq(at),
                    )
                })
                .collect();
            on_engine!(conn, |c| diesel::insert_into(terms_acceptances::table)
                .values(&accepted)
                .execute(c))?;
        }
    }
    Ok(())
}
