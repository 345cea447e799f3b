//! What members do with comments and reactions: read a post's comments, comment or reply, edit
//! and delete their own, react to a post or comment. Every path loads the post through the
//! access layer first, so a post outside the caller's spaces is 404 here too.

use crate::access::ViewerContext;
use crate::content::{
    self, acting_member, invalid, listed_statuses, published_post, readable_comment, readable_post,
    CommentView, NewContent, VisiblePost,
};
use crate::error::{Error, Result};
use crate::page::{PageRequest, Paged};
use chrono::{DateTime, Utc};
use praxis_domain::discussion::{ContentStatus, Markdown, ReactionKind};
use praxis_domain::ids::{CommentId, PostId, SpaceId, UserId};
use praxis_persistence::comments::{self, CommentChanges, CommentRow};
use praxis_persistence::{to_db_time, DbConnection};

const PARENT_INVALID: &str = "must be a published comment of the same post";

/// A comment as its author wrote it, every field checked.
#[derive(Debug, Clone)]
pub struct NewComment {
    pub body: Markdown,
    /// The comment replied to; that it is a published comment of the same post is checked
    /// when commenting.
    pub parent: Option<CommentId>,
}

impl NewComment {
    /// Parses every field and names each one that is wrong.
    pub fn parse(body: &str, parent_id: Option<&str>) -> praxis_domain::Result<Self> {
        let parent = parent_id
            .map(|raw| {
                CommentId::parse(raw)
                    .map_err(|_| praxis_domain::Error::field("parent_id", PARENT_INVALID))
            })
            .transpose();
        match (Markdown::comment_body(body), parent) {
            (Ok(body), Ok(parent)) => Ok(Self { body, parent }),
            (body, parent) => Err(invalid([body.err(), parent.err()])),
        }
    }
}

/// What a reaction is on.
#[derive(Debug, Clone)]
pub enum ReactionTarget {
    Post(PostId),
    Comment(CommentId),
}

impl ReactionTarget {
    fn kind(&self) -> &'static str {
        match self {
            Self::Post(_) => "post",
            Self::Comment(_) => "comment",
        }
    }

    fn id(&self) -> &str {
        match self {
            Self::Post(id) => id.as_str(),
            Self::Comment(id) => id.as_str(),
        }
    }
}

/// The comments of a post, oldest first; hidden ones too for those who moderate its space.
pub fn list(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    post_id: &PostId,
    page: &PageRequest,
) -> Result<Paged<CommentView>> {
    let post = readable_post(conn, ctx, post_id)?;
    let statuses = listed_statuses(post.moderator);
    let rows = comments::page_of_post(
        conn,
        &post.row.id,
        &statuses,
        page.after.clone(),
        page.fetch(),
    )?;
    page.cut(rows, |r| (r.created_at, r.id.clone()))
        .try_map(|rows| content::comment_views(conn, rows))
}

/// Comments on a published post the caller may write on; the author of the post (or of the
/// comment replied to) and mentioned members are told.
pub fn comment(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    post_id: &PostId,
    comment: NewComment,
    now: DateTime<Utc>,
) -> Result<CommentView> {
    let author = acting_member(ctx)?;
    let post = published_post(conn, ctx, post_id)?;
    post.require_write(ctx)?;
    let parent = match &comment.parent {
        None => None,
        Some(parent_id) => Some(
            comments::find(conn, parent_id.as_str())?
                .filter(|p| p.post_id == post.row.id && p.status == ContentStatus::Published)
                .ok_or_else(|| Error::field("parent_id", PARENT_INVALID))?,
        ),
    };
    let at = to_db_time(now);
    let id = CommentId::new();
    let row = CommentRow {
        id: id.as_str().to_owned(),
        post_id: post.row.id.clone(),
        author_id: author.as_str().to_owned(),
        parent_id: parent.as_ref().map(|p| p.id.clone()),
        body: comment.body.into_inner(),
        status: ContentStatus::Published,
        created_at: at,
        updated_at: at,
        edited_at: None,
    };
    comments::insert(conn, &row)?;
    // Stored ids, taken as they are.
    let replied_to = UserId::from_trusted(
        parent
            .as_ref()
            .map_or(post.row.author_id.as_str(), |p| p.author_id.as_str()),
    );
    content::notify(
        conn,
        &NewContent {
            author: &author,
            space: &SpaceId::from_trusted(post.row.space_id.clone()),
            post: &PostId::from_trusted(post.row.id.clone()),
            comment: Some(&id),
            replied_to: Some(&replied_to),
            body: &row.body,
            new_post_topics: None,
        },
        at,
    )?;
    view(conn, row)
}

/// Edits a comment: its author only, while they may still write in its space.
pub fn edit(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &CommentId,
    body: Markdown,
    now: DateTime<Utc>,
) -> Result<CommentView> {
    let comment = own_comment(conn, ctx, id)?;
    let at = to_db_time(now);
    comments::update(
        conn,
        &comment.id,
        &CommentChanges {
            body: Some(body.into_inner()),
            updated_at: Some(at),
            edited_at: Some(Some(at)),
            ..Default::default()
        },
    )?;
    let row = comments::find(conn, &comment.id)?.ok_or(Error::NotFound("comment"))?;
    view(conn, row)
}

/// Deletes a comment: its author only. Replies to it stay.
pub fn delete(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &CommentId,
    now: DateTime<Utc>,
) -> Result<()> {
    let comment = own_comment(conn, ctx, id)?;
    comments::update(
        conn,
        &comment.id,
        &CommentChanges {
            status: Some(ContentStatus::Deleted),
            updated_at: Some(to_db_time(now)),
            ..Default::default()
        },
    )?;
    Ok(())
}

/// Adds the caller's reaction to a published post or comment they may write on; reacting
/// twice changes nothing.
pub fn react(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    target: &ReactionTarget,
    kind: ReactionKind,
    now: DateTime<Utc>,
) -> Result<()> {
    let member = acting_member(ctx)?;
    writable_target(conn, ctx, target)?;
    comments::react(
        conn,
        target.kind(),
        target.id(),
        &member,
        kind.as_str(),
        to_db_time(now),
    )?;
    Ok(())
}

/// Removes the caller's reaction from a published post or comment they may write on.
pub fn unreact(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    target: &ReactionTarget,
    kind: ReactionKind,
) -> Result<()> {
    let member = acting_member(ctx)?;
    writable_target(conn, ctx, target)?;
    comments::unreact(conn, target.kind(), target.id(), &member, kind.as_str())?;
    Ok(())
}

/// The published post (or the post of the published comment) a reaction is on, if the caller
/// may write there now.
fn writable_target(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    target: &ReactionTarget,
) -> Result<VisiblePost> {
    let post = match target {
        ReactionTarget::Post(id) => published_post(conn, ctx, id)?,
        ReactionTarget::Comment(id) => {
            let (comment, post) = readable_comment(conn, ctx, id)?;
            let published = ContentStatus::Published;
            if comment.status != published || post.row.status != published {
                return Err(Error::NotFound("comment"));
            }
            post
        }
    };
    post.require_write(ctx)?;
    Ok(post)
}

/// A comment the caller wrote and may still change: in a space they may write in.
fn own_comment(conn: &mut DbConnection, ctx: &ViewerContext, id: &CommentId) -> Result<CommentRow> {
    let author = acting_member(ctx)?;
    let (comment, post) = readable_comment(conn, ctx, id)?;
    content::require_author(&comment.author_id, &author)?;
    post.require_write(ctx)?;
    Ok(comment)
}

fn view(conn: &mut DbConnection, row: CommentRow) -> Result<CommentView> {
    content::comment_views(conn, vec![row])?
        .pop()
        .ok_or(Error::NotFound("comment"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_parent_that_cannot_be_a_comment_id_is_not_a_comment_of_the_post() {
        match NewComment::parse(" ", Some("42")) {
            Err(praxis_domain::Error::Validation(errors)) => {
                let fields: Vec<(&str, &str)> = errors
                    .iter()
                    .map(|e| (e.field.as_str(), e.message.as_str()))
                    .collect();
                assert_eq!(
                    fields,
                    vec![
                        ("body", "must be between 1 and 10000 characters"),
                        ("parent_id", PARENT_INVALID)
                    ]
                );
            }
            other => panic!("{other:?}"),
        }
        let parent = CommentId::new();
        let reply = NewComment::parse("Yes.", Some(parent.as_str())).unwrap();
        assert_eq!(reply.parent, Some(parent));
    }
}
