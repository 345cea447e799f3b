//! Assignments, one submission per member each, and feedback on submissions.

use crate::error::Result;
use crate::keyset::{self, Order};
use crate::schema::{assignments, submission_feedback, submissions};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::ids::{AssignmentId, SubmissionId};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = assignments)]
pub struct AssignmentRow {
    pub id: String,
    pub space_id: String,
    pub theme_id: Option<String>,
    pub title: String,
    pub instructions: String,
    pub due_at: NaiveDateTime,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = submissions)]
pub struct SubmissionRow {
    pub id: String,
    pub assignment_id: String,
    pub author_id: String,
    pub body: String,
    pub visibility: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = submission_feedback)]
pub struct FeedbackRow {
    pub id: String,
    pub submission_id: String,
    pub author_id: String,
    pub body: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &AssignmentRow) -> Result<()> {
    diesel::insert_into(assignments::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Replaces an assignment's title, instructions, due date and theme.
pub fn update(conn: &mut DbConnection, row: &AssignmentRow) -> Result<()> {
    diesel::update(assignments::table.filter(assignments::id.eq(&row.id)))
        .set((
            assignments::title.eq(&row.title),
            assignments::instructions.eq(&row.instructions),
            assignments::due_at.eq(row.due_at),
            assignments::theme_id.eq(&row.theme_id),
            assignments::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &AssignmentId) -> Result<Option<AssignmentRow>> {
    Ok(assignments::table
        .filter(assignments::id.eq(id.as_str()))
        .select(AssignmentRow::as_select())
        .first(conn)
        .optional()?)
}

/// Assignments in `space_ids`, latest due first.
pub fn page(
    conn: &mut DbConnection,
    space_ids: &[String],
    theme_id: Option<&str>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<AssignmentRow>> {
    if space_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = assignments::table
        .filter(assignments::space_id.eq_any(space_ids))
        .select(AssignmentRow::as_select())
        .order((assignments::due_at.desc(), assignments::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(theme) = theme_id {
        query = query.filter(assignments::theme_id.eq(theme.to_owned()));
    }
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Desc,
            assignments::due_at,
            assignments::id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}

/// A second submission by the same member is a `UniqueViolation`.
pub fn insert_submission(conn: &mut DbConnection, row: &SubmissionRow) -> Result<()> {
    diesel::insert_into(submissions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_submission(
    conn: &mut DbConnection,
    id: &SubmissionId,
) -> Result<Option<SubmissionRow>> {
    Ok(submissions::table
        .filter(submissions::id.eq(id.as_str()))
        .select(SubmissionRow::as_select())
        .first(conn)
        .optional()?)
}

/// Which submissions of an assignment a reader gets: all (hosts), or the shared ones plus
/// their own, or only their own.
#[derive(Debug, Clone)]
pub enum SubmissionScope {
    All,
    SharedAndOwn(String),
    Own(String),
}

/// An assignment's submissions in `scope`, oldest first; the filter is in SQL so pages are full.
pub fn submissions_page(
    conn: &mut DbConnection,
    assignment_id: &str,
    scope: SubmissionScope,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<SubmissionRow>> {
    let mut query = submissions::table
        .filter(submissions::assignment_id.eq(assignment_id))
        .select(SubmissionRow::as_select())
        .order((submissions::created_at.asc(), submissions::id.asc()))
        .limit(limit)
        .into_boxed();
    query = match scope {
        SubmissionScope::All => query,
        SubmissionScope::SharedAndOwn(user) => query.filter(
            submissions::visibility
                .eq("shared")
                .or(submissions::author_id.eq(user)),
        ),
        SubmissionScope::Own(user) => query.filter(submissions::author_id.eq(user)),
    };
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Asc,
            submissions::created_at,
            submissions::id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}

pub fn update_submission(
    conn: &mut DbConnection,
    id: &SubmissionId,
    body: &str,
    visibility: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(submissions::table.filter(submissions::id.eq(id.as_str())))
        .set((
            submissions::body.eq(body),
            submissions::visibility.eq(visibility),
            submissions::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Feedback counts of several submissions in one query.
pub fn feedback_counts(
    conn: &mut DbConnection,
    submission_ids: &[String],
) -> Result<std::collections::HashMap<String, i64>> {
    if submission_ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(String, i64)> = submission_feedback::table
        .filter(submission_feedback::submission_id.eq_any(submission_ids))
        .group_by(submission_feedback::submission_id)
        .select((
            submission_feedback::submission_id,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

pub fn insert_feedback(conn: &mut DbConnection, row: &FeedbackRow) -> Result<()> {
    diesel::insert_into(submission_feedback::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// A submission's feedback, oldest first.
pub fn feedback_page(
    conn: &mut DbConnection,
    submission_id: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<FeedbackRow>> {
    let mut query = submission_feedback::table
        .filter(submission_feedback::submission_id.eq(submission_id))
        .select(FeedbackRow::as_select())
        .order((
            submission_feedback::created_at.asc(),
            submission_feedback::id.asc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Asc,
            submission_feedback::created_at,
            submission_feedback::id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}

/// The space of a monthly theme, if the theme exists.
pub fn theme_space(conn: &mut DbConnection, theme_id: &str) -> Result<Option<String>> {
    use crate::schema::themes;
    Ok(themes::table
        .filter(themes::id.eq(theme_id))
        .select(themes::space_id)
        .first(conn)
        .optional()?)
}
