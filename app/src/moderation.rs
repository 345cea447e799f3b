//! Hosts moderate posts and comments in spaces they moderate: hide, restore, pin, unpin. Each
//! action is in the audit log, written in the same transaction. A sealed room is moderated by
//! nobody outside it: its content answers 404 to hosts and admins who are not participants.
//!
//! That the caller is a host at all is checked where the request enters; here, that they
//! moderate the content's space.

use crate::access::ViewerContext;
use crate::content::{acting_member, readable_comment, readable_post};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use praxis_domain::discussion::{moderate, Moderation};
use praxis_domain::ids::{CommentId, PostId};
use praxis_persistence::comments::{self, CommentChanges};
use praxis_persistence::posts::{self, PostChanges};
use praxis_persistence::{audit, to_db_time, DbConnection};
use serde_json::json;

#[derive(Clone, Copy)]
enum PostAction {
    Status(Moderation),
    Pin(bool),
}

/// Hides a post: 404 to everyone but the hosts who moderate its space.
pub fn hide_post(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &PostId,
    now: DateTime<Utc>,
) -> Result<()> {
    moderate_post(conn, ctx, id, PostAction::Status(Moderation::Hide), now)
}

/// Publishes a hidden post again.
pub fn restore_post(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &PostId,
    now: DateTime<Utc>,
) -> Result<()> {
    moderate_post(conn, ctx, id, PostAction::Status(Moderation::Restore), now)
}

/// Pins a post in its space.
pub fn pin_post(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &PostId,
    now: DateTime<Utc>,
) -> Result<()> {
    moderate_post(conn, ctx, id, PostAction::Pin(true), now)
}

/// Unpins a post.
pub fn unpin_post(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &PostId,
    now: DateTime<Utc>,
) -> Result<()> {
    moderate_post(conn, ctx, id, PostAction::Pin(false), now)
}

/// Hides a comment: 404 to everyone but the hosts who moderate its space.
pub fn hide_comment(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &CommentId,
    now: DateTime<Utc>,
) -> Result<()> {
    moderate_comment(conn, ctx, id, Moderation::Hide, now)
}

/// Publishes a hidden comment again.
pub fn restore_comment(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &CommentId,
    now: DateTime<Utc>,
) -> Result<()> {
    moderate_comment(conn, ctx, id, Moderation::Restore, now)
}

fn moderate_post(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &PostId,
    action: PostAction,
    now: DateTime<Utc>,
) -> Result<()> {
    let host = acting_member(ctx)?;
    let post = readable_post(conn, ctx, id)?;
    if !post.moderator {
        return Err(Error::NotFound("post"));
    }
    let before = json!({"status": post.row.status.as_str(), "pinned": post.row.pinned});
    let mut changes = PostChanges {
        updated_at: Some(to_db_time(now)),
        ..Default::default()
    };
    let (status, pinned, name) = match action {
        PostAction::Status(m) => {
            let status = moderate(post.status()?, m)?;
            changes.status = Some(status);
            let name = match m {
                Moderation::Hide => "post.hidden",
                Moderation::Restore => "post.restored",
            };
            (status, post.row.pinned, name)
        }
        PostAction::Pin(pinned) => {
            changes.pinned = Some(pinned);
            let name = if pinned {
                "post.pinned"
            } else {
                "post.unpinned"
            };
            (post.status()?, pinned, name)
        }
    };
    let after = json!({"status": status.as_str(), "pinned": pinned});
    posts::update(conn, &post.row.id, &changes)?;
    audit::record(
        conn,
        &crate::audit::entry(
            Some(&host),
            name,
            "post",
            &post.row.id,
            Some(&before),
            Some(&after),
            now,
        )
        .in_space(&post.row.space_id),
    )?;
    Ok(())
}

fn moderate_comment(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &CommentId,
    action: Moderation,
    now: DateTime<Utc>,
) -> Result<()> {
    let host = acting_member(ctx)?;
    let (comment, post) = readable_comment(conn, ctx, id)?;
    if !post.moderator {
        return Err(Error::NotFound("comment"));
    }
    let current = comment.status;
    let next = moderate(current, action)?;
    comments::update(
        conn,
        &comment.id,
        &CommentChanges {
            status: Some(next),
            updated_at: Some(to_db_time(now)),
            ..Default::default()
        },
    )?;
    let name = match action {
        Moderation::Hide => "comment.hidden",
        Moderation::Restore => "comment.restored",
    };
    audit::record(
        conn,
        &crate::audit::entry(
            Some(&host),
            name,
            "comment",
            &comment.id,
            Some(&json!({"status": comment.status})),
            Some(&json!({"status": next.as_str()})),
            now,
        )
        .in_space(&post.row.space_id),
    )?;
    Ok(())
}
