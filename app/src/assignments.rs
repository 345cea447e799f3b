//! Monthly, optional assignments: set by hosts in a space, read by those who may read it.

use crate::access::{all_spaces, readable_space, Space, ViewerContext};
use crate::error::{Error, Result};
use crate::learning::{readable_content_space, signed_in};
use chrono::{DateTime, NaiveDateTime, Utc};
use praxis_domain::ids::{AssignmentId, SpaceId};
use praxis_domain::learning;
use praxis_domain::learning_drafts::{AssignmentChange, NewAssignment};
use praxis_persistence::learning::assignments::{self as repo, AssignmentRow};
use praxis_persistence::{audit, from_db_time, to_db_time, DbConnection};
use std::collections::HashMap;

/// An assignment whose space the caller may read; 404 otherwise.
pub fn readable_assignment(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &AssignmentId,
) -> Result<(AssignmentRow, Space)> {
    let row = repo::find(conn, id)?.ok_or(Error::NotFound("assignment"))?;
    let space_id = SpaceId::from_trusted(row.space_id.clone());
    let space = readable_content_space(conn, ctx, &space_id, "assignment")?;
    Ok((row, space))
}

/// An assignment as callers see it.
#[derive(Debug, Clone)]
pub struct AssignmentView {
    pub row: AssignmentRow,
    /// The slug of its space.
    pub space_slug: String,
    /// Whether submissions are still taken and edited.
    pub open: bool,
}

impl AssignmentView {
    fn new(row: AssignmentRow, space_slug: String, now: DateTime<Utc>) -> Self {
        let open = learning::submissions_open(from_db_time(row.due_at), now).is_ok();
        Self {
            row,
            space_slug,
            open,
        }
    }
}

/// Sets an assignment in a space the host may read, optionally on a monthly theme of that
/// space. Hosts; audited.
pub fn set(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    draft: NewAssignment,
    now: DateTime<Utc>,
) -> Result<AssignmentView> {
    let user = signed_in(ctx)?;
    let space = readable_space(conn, ctx, &draft.space)?;
    if let Some(theme) = &draft.theme_id {
        if repo::theme_space(conn, theme)?.as_deref() != Some(&space.row.id) {
            return Err(Error::field(
                "theme_id",
                "must be a monthly theme of the same space",
            ));
        }
    }
    let row = AssignmentRow {
        id: AssignmentId::new().into_inner(),
        space_id: space.row.id.clone(),
        theme_id: draft.theme_id,
        title: draft.title,
        instructions: draft.instructions,
        due_at: to_db_time(draft.due_at),
        created_by: Some(user.as_str().to_owned()),
        created_at: to_db_time(now),
        updated_at: to_db_time(now),
    };
    repo::insert(conn, &row)?;
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(&user),
            "assignment.created",
            "assignment",
            &row.id,
            None,
            Some(&serde_json::json!({
                "title": row.title,
                "space": space.row.slug,
                "due_at": draft.due_at,
            })),
            now,
        )
        .in_space(&row.space_id),
    )?;
    Ok(AssignmentView::new(row, space.row.slug, now))
}

/// A host's change to an assignment in a space they may read (404 otherwise): the rules of a
/// new one hold (a due date sent is in the future, a theme is one of its space); audited with
/// what changed.
pub fn change(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &AssignmentId,
    change: AssignmentChange,
    now: DateTime<Utc>,
) -> Result<AssignmentView> {
    let user = signed_in(ctx)?;
    let (before, space) = readable_assignment(conn, ctx, id)?;
    if let Some(Some(theme)) = &change.theme_id {
        if repo::theme_space(conn, theme)?.as_deref() != Some(&before.space_id) {
            return Err(Error::field(
                "theme_id",
                "must be a monthly theme of the assignment's space",
            ));
        }
    }
    let row = AssignmentRow {
        title: change.title.unwrap_or_else(|| before.title.clone()),
        instructions: change
            .instructions
            .unwrap_or_else(|| before.instructions.clone()),
        due_at: change.due_at.map(to_db_time).unwrap_or(before.due_at),
        theme_id: change.theme_id.unwrap_or_else(|| before.theme_id.clone()),
        updated_at: to_db_time(now),
        ..before.clone()
    };
    repo::update(conn, &row)?;
    let summary = |r: &AssignmentRow| {
        serde_json::json!({
            "title": r.title,
            "due_at": from_db_time(r.due_at),
            "theme_id": r.theme_id,
            "instructions_changed": r.instructions != before.instructions,
        })
    };
    crate::audit::record_change(
        conn,
        &user,
        ("assignment.changed", "assignment", &row.id),
        Some(&row.space_id),
        (&summary(&before), &summary(&row)),
        now,
    )?;
    Ok(AssignmentView::new(row, space.row.slug, now))
}

/// Assignments in the spaces the caller may read (of one monthly theme when `theme` is
/// given), latest due first: up to `limit + 1` after `after` (the extra one tells that another
/// page exists).
pub fn list(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    theme: Option<&praxis_domain::ids::ThemeId>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<Vec<AssignmentView>> {
    let spaces = all_spaces(conn)?;
    let readable = ctx.readable_space_ids(&spaces);
    let slugs: HashMap<String, String> =
        spaces.into_iter().map(|s| (s.row.id, s.row.slug)).collect();
    Ok(
        repo::page(conn, &readable, theme.map(|t| t.as_str()), after, limit + 1)?
            .into_iter()
            .map(|row| {
                let slug = slugs.get(&row.space_id).cloned().unwrap_or_default();
                AssignmentView::new(row, slug, now)
            })
            .collect(),
    )
}

/// One assignment; 404 outside its space.
pub fn read(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &AssignmentId,
    now: DateTime<Utc>,
) -> Result<AssignmentView> {
    let (row, space) = readable_assignment(conn, ctx, id)?;
    Ok(AssignmentView::new(row, space.row.slug, now))
}
