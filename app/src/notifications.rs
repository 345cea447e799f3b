//! A member's notifications: only those whose content they may still read, decided at the
//! moment they ask, so losing access to a space makes its notifications disappear.

use crate::access::{all_spaces, ViewerContext};
use crate::content::acting_member;
use crate::error::{Error, Result};
use crate::page::{PageRequest, Paged};
use chrono::{DateTime, Utc};
use praxis_domain::ids::NotificationId;
use praxis_persistence::notifications::{self, NotificationRow};
use praxis_persistence::{from_db_time, posts, to_db_time, users, DbConnection};

/// A notification as its recipient sees it.
#[derive(Debug, Clone)]
pub struct NotificationView {
    pub id: String,
    /// `reply`, `mention` or `new_post`.
    pub kind: String,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    /// The slug of the space the content is in.
    pub space: String,
    pub post_id: String,
    pub post_title: String,
    pub comment_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// The caller's notifications, newest first: only about content they may read now. Names and
/// titles are fetched in one query each for the page.
pub fn list(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    page: &PageRequest,
) -> Result<Paged<NotificationView>> {
    let member = acting_member(ctx)?;
    let spaces = all_spaces(conn)?;
    let readable = ctx.readable_space_ids(&spaces);
    let rows = notifications::page(conn, &member, &readable, page.after.clone(), page.fetch())?;
    let page: Paged<NotificationRow> = page.cut(rows, |r| (r.created_at, r.id.clone()));
    let actors: Vec<String> = page
        .items
        .iter()
        .filter_map(|n| n.actor_id.clone())
        .collect();
    let names = users::display_names(conn, &actors)?;
    let post_ids: Vec<String> = page
        .items
        .iter()
        .filter_map(|n| n.post_id.clone())
        .collect();
    let titles = posts::titles(conn, &post_ids)?;
    page.try_map(|rows| {
        Ok(rows
            .into_iter()
            .map(|n| {
                let post_id = n.post_id.unwrap_or_default();
                NotificationView {
                    actor_name: n.actor_id.as_ref().and_then(|a| names.get(a).cloned()),
                    space: spaces
                        .iter()
                        .find(|s| s.row.id == n.space_id)
                        .map(|s| s.row.slug.clone())
                        .unwrap_or_default(),
                    post_title: titles.get(&post_id).cloned().unwrap_or_default(),
                    post_id,
                    id: n.id,
                    kind: n.kind,
                    actor_id: n.actor_id,
                    comment_id: n.comment_id,
                    created_at: from_db_time(n.created_at),
                    read: n.read_at.is_some(),
                }
            })
            .collect())
    })
}

/// Marks one of the caller's notifications read; 404 for anyone else's, and for one about a
/// space the caller may no longer read.
pub fn mark_read(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &NotificationId,
    now: DateTime<Utc>,
) -> Result<()> {
    let member = acting_member(ctx)?;
    let note = notifications::find(conn, id.as_str())?
        .filter(|n| n.user_id == member.as_str())
        .ok_or(Error::NotFound("notification"))?;
    let readable = ctx.readable_space_ids(&all_spaces(conn)?);
    if !readable.contains(&note.space_id) {
        return Err(Error::NotFound("notification"));
    }
    notifications::mark_read(conn, &note.id, to_db_time(now))?;
    Ok(())
}

/// Marks read every notification the caller can see.
pub fn mark_all_read(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    now: DateTime<Utc>,
) -> Result<()> {
    let member = acting_member(ctx)?;
    let readable = ctx.readable_space_ids(&all_spaces(conn)?);
    notifications::mark_all_read(conn, &member, &readable, to_db_time(now))?;
    Ok(())
}
