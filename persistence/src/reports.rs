//! Reports of posts, comments and messages, and what a reported subject is: where it lives and
//! whether it is still published, so the access rules can decide who may see it.

use crate::error::Result;
use crate::keyset::{self, Order};
use crate::schema::{comments, posts, reports};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::ids::{ReportId, UserId};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = reports)]
pub struct ReportRow {
    pub id: String,
    pub reporter_id: String,
    pub subject_type: String,
    pub subject_id: String,
    pub reason: String,
    pub status: String,
    pub resolution_note: Option<String>,
    pub resolved_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
}

/// A post or comment as access needs it: its space and whether it (and its post) is published.
#[derive(Debug, Clone)]
pub struct ContentFacts {
    pub id: String,
    pub post_id: String,
    pub space_id: String,
    pub published: bool,
    pub title: String,
    pub body: String,
}

/// Posts by id with their space and status, in one query.
pub fn posts_facts(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<ContentFacts>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, String, String, String, String)> = posts::table
        .filter(posts::id.eq_any(ids))
        .select((
            posts::id,
            posts::space_id,
            posts::status,
            posts::title,
            posts::body,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, space_id, status, title, body)| ContentFacts {
            post_id: id.clone(),
            id,
            space_id,
            published: status == "published",
            title,
            body,
        })
        .collect())
}

/// Comments by id with their post's space, published only when both are, in one query.
pub fn comments_facts(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<ContentFacts>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, String, String, String, String, String, String)> = comments::table
        .inner_join(posts::table)
        .filter(comments::id.eq_any(ids))
        .select((
            comments::id,
            comments::post_id,
            posts::space_id,
            comments::status,
            posts::status,
            posts::title,
            comments::body,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, post_id, space_id, status, post_status, title, body)| ContentFacts {
                id,
                post_id,
                space_id,
                published: status == "published" && post_status == "published",
                title,
                body,
            },
        )
        .collect())
}

pub fn insert(conn: &mut DbConnection, row: &ReportRow) -> Result<()> {
    diesel::insert_into(reports::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &ReportId) -> Result<Option<ReportRow>> {
    Ok(reports::table
        .find(id.as_str())
        .select(ReportRow::as_select())
        .first(conn)
        .optional()?)
}

/// Locks a report until commit (PostgreSQL; SQLite's immediate transaction is already serial).
pub fn lock(conn: &mut DbConnection, id: &ReportId) -> Result<()> {
    crate::connection::lock_row(conn, crate::connection::Lockable::Report, id.as_str())
}

/// Marks an open report resolved; false when it was not open.
pub fn resolve(
    conn: &mut DbConnection,
    id: &ReportId,
    by: &UserId,
    note: &str,
    at: NaiveDateTime,
) -> Result<bool> {
    let updated = diesel::update(
        reports::table
            .filter(reports::id.eq(id.as_str()))
            .filter(reports::status.eq("open")),
    )
    .set((
        reports::status.eq("resolved"),
        reports::resolved_by.eq(by.as_str()),
        reports::resolution_note.eq(note),
        reports::resolved_at.eq(at),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Reports of one status, newest first, after the keyset cursor `(created_at, id)`; the order
/// `reports_status_idx` holds.
pub fn page(
    conn: &mut DbConnection,
    status: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ReportRow>> {
    let mut query = reports::table
        .filter(reports::status.eq(status.to_owned()))
        .select(ReportRow::as_select())
        .order((reports::created_at.desc(), reports::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Desc,
            reports::created_at,
            reports::id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}
