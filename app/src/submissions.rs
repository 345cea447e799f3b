//! Submissions to assignments (one per member, `private` to author and hosts or `shared` with
//! the space, editable until due) and the feedback thread on each.

use crate::access::{Space, ViewerContext};
use crate::assignments::readable_assignment;
use crate::error::{Error, Result};
use crate::learning::{readable_content_space, require_write, signed_in};
use chrono::{DateTime, NaiveDateTime, Utc};
use praxis_domain::ids::{AssignmentId, FeedbackId, SpaceId, SubmissionId, UserId};
use praxis_domain::learning::{self, SubmissionViewer, SubmissionVisibility};
use praxis_domain::learning_drafts::{NewSubmission, SubmissionChange};
use praxis_persistence::learning::assignments::{
    self as repo, AssignmentRow, FeedbackRow, SubmissionRow, SubmissionScope,
};
use praxis_persistence::{from_db_time, to_db_time, users, DbConnection};

/// A submission with its author's name and how much feedback it has.
#[derive(Debug, Clone)]
pub struct SubmissionView {
    pub row: SubmissionRow,
    pub author_name: String,
    pub feedback_count: i64,
}

/// Feedback with its author's name.
#[derive(Debug, Clone)]
pub struct FeedbackView {
    pub row: FeedbackRow,
    pub author_name: String,
}

fn standing(ctx: &ViewerContext, space: &Space, author_id: &str) -> SubmissionViewer {
    SubmissionViewer {
        is_author: ctx.user_id.as_deref() == Some(author_id),
        is_host: ctx.can_moderate(space),
        reads_space: ctx.access(space).is_granted(),
        writes_space: ctx.write_access(space).is_granted(),
    }
}

fn visibility_of(row: &SubmissionRow) -> Result<SubmissionVisibility> {
    SubmissionVisibility::parse(&row.visibility)
        .map_err(|_| Error::internal("stored submission visibility is invalid"))
}

/// A submission the caller may read, with its assignment, space and the caller's standing.
fn readable_submission(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &SubmissionId,
) -> Result<(SubmissionRow, AssignmentRow, Space, SubmissionViewer)> {
    let row = repo::find_submission(conn, id)?.ok_or(Error::NotFound("submission"))?;
    let assignment = repo::find(conn, &AssignmentId::from_trusted(row.assignment_id.clone()))?
        .ok_or(Error::NotFound("submission"))?;
    let space_id = SpaceId::from_trusted(assignment.space_id.clone());
    let space = readable_content_space(conn, ctx, &space_id, "submission")?;
    let who = standing(ctx, &space, &row.author_id);
    if !learning::can_view_submission(who, visibility_of(&row)?) {
        return Err(Error::NotFound("submission"));
    }
    Ok((row, assignment, space, who))
}

fn views(conn: &mut DbConnection, rows: Vec<SubmissionRow>) -> Result<Vec<SubmissionView>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let authors: Vec<String> = rows.iter().map(|r| r.author_id.clone()).collect();
    let names = users::display_names(conn, &authors)?;
    let counts = repo::feedback_counts(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| SubmissionView {
            author_name: names.get(&row.author_id).cloned().unwrap_or_default(),
            feedback_count: counts.get(&row.id).copied().unwrap_or(0),
            row,
        })
        .collect())
}

fn one(conn: &mut DbConnection, row: SubmissionRow) -> Result<SubmissionView> {
    views(conn, vec![row])?
        .pop()
        .ok_or(Error::NotFound("submission"))
}

/// The submissions the caller may read, oldest first: hosts see all, members the shared ones
/// and their own. Up to `limit + 1` after `after` (the extra one tells that more follow).
pub fn list(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    assignment: &AssignmentId,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<SubmissionView>> {
    let user = signed_in(ctx)?;
    let (assignment, space) = readable_assignment(conn, ctx, assignment)?;
    let scope = if ctx.can_moderate(&space) {
        SubmissionScope::All
    } else {
        SubmissionScope::SharedAndOwn(user.into_inner())
    };
    let rows = repo::submissions_page(conn, &assignment.id, scope, after, limit + 1)?;
    views(conn, rows)
}

/// Submits the caller's response to an assignment, once, until it is due (409
/// `submission-exists` for a second one).
pub fn submit(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    assignment: &AssignmentId,
    draft: NewSubmission,
    now: DateTime<Utc>,
) -> Result<SubmissionView> {
    let user = signed_in(ctx)?;
    let (assignment, space) = readable_assignment(conn, ctx, assignment)?;
    require_write(ctx, &space)?;
    learning::submissions_open(from_db_time(assignment.due_at), now)?;
    let row = SubmissionRow {
        id: SubmissionId::new().into_inner(),
        assignment_id: assignment.id,
        author_id: user.into_inner(),
        body: draft.body,
        visibility: draft.visibility.as_str().to_owned(),
        created_at: to_db_time(now),
        updated_at: to_db_time(now),
    };
    match repo::insert_submission(conn, &row) {
        Err(praxis_persistence::Error::UniqueViolation(_)) => {
            return Err(Error::conflict(
                "submission-exists",
                "You already submitted to this assignment; edit that submission (PATCH /api/v1/submissions/{id}).",
            ))
        }
        other => other?,
    }
    one(conn, row)
}

/// One submission: the author and hosts; the space too when it is shared.
pub fn read(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &SubmissionId,
) -> Result<SubmissionView> {
    let (row, ..) = readable_submission(conn, ctx, id)?;
    one(conn, row)
}

/// Edits one's own submission (text or visibility) until the assignment is due.
pub fn edit(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &SubmissionId,
    change: SubmissionChange,
    now: DateTime<Utc>,
) -> Result<SubmissionView> {
    let (row, assignment, space, who) = readable_submission(conn, ctx, id)?;
    if !who.is_author {
        return Err(Error::forbidden(
            "not-submission-author",
            "Only the author may edit a submission.",
        ));
    }
    require_write(ctx, &space)?;
    learning::submissions_open(from_db_time(assignment.due_at), now)?;
    let body = change.body.unwrap_or(row.body);
    let visibility = change
        .visibility
        .map_or(row.visibility, |v| v.as_str().to_owned());
    repo::update_submission(conn, id, &body, &visibility, to_db_time(now))?;
    let row = repo::find_submission(conn, id)?.ok_or(Error::NotFound("submission"))?;
    one(conn, row)
}

/// The feedback on a submission, oldest first, for whoever may read the submission: up to
/// `limit + 1` after `after`.
pub fn feedback(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &SubmissionId,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<FeedbackView>> {
    readable_submission(conn, ctx, id)?;
    let rows = repo::feedback_page(conn, id.as_str(), after, limit + 1)?;
    let authors: Vec<String> = rows.iter().map(|r| r.author_id.clone()).collect();
    let names = users::display_names(conn, &authors)?;
    Ok(rows
        .into_iter()
        .map(|row| FeedbackView {
            author_name: names.get(&row.author_id).cloned().unwrap_or_default(),
            row,
        })
        .collect())
}

/// Gives feedback: hosts on any submission, peers on shared ones, the author in their own
/// thread (403 `feedback-not-allowed` otherwise).
pub fn give_feedback(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &SubmissionId,
    text: String,
    now: DateTime<Utc>,
) -> Result<FeedbackView> {
    let user: UserId = signed_in(ctx)?;
    let (row, _, space, who) = readable_submission(conn, ctx, id)?;
    if !learning::can_give_feedback(who, visibility_of(&row)?) {
        require_write(ctx, &space)?;
        return Err(Error::forbidden(
            "feedback-not-allowed",
            "Peers give feedback only on shared submissions.",
        ));
    }
    let feedback = FeedbackRow {
        id: FeedbackId::new().into_inner(),
        submission_id: row.id,
        author_id: user.as_str().to_owned(),
        body: text,
        created_at: to_db_time(now),
    };
    repo::insert_feedback(conn, &feedback)?;
    let names = users::display_names(conn, std::slice::from_ref(&feedback.author_id))?;
    Ok(FeedbackView {
        author_name: names.get(&feedback.author_id).cloned().unwrap_or_default(),
        row: feedback,
    })
}
