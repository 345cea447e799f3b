//! What members do with posts: read a space's posts and one post, publish, edit and delete
//! their own, and crosspost one of theirs — the only way content ever moves between spaces.

use crate::access::{all_spaces, readable_space_among, Space, ViewerContext};
use crate::content::{
    self, acting_member, invalid, listed_statuses, published_post, readable_post, writable_space,
    NewContent, PostView,
};
use crate::error::{Error, Result};
use crate::page::{PageRequest, Paged};
use chrono::{DateTime, Utc};
use praxis_domain::discussion::{parse_topics, ContentStatus, Markdown, PostKind, PostTitle};
use praxis_domain::ids::{PostId, SpaceId, UserId};
use praxis_domain::FieldError;
pub use praxis_persistence::content_version::Scope as VersionScope;
use praxis_persistence::posts::{self, PostChanges, PostRow};
use praxis_persistence::{to_db_time, DbConnection};

/// A post as its author wrote it, every field checked.
#[derive(Debug, Clone)]
pub struct NewPost {
    pub kind: PostKind,
    pub title: PostTitle,
    pub body: Markdown,
    /// Topic slugs, without repeats; whether they exist is checked when publishing.
    pub topics: Vec<String>,
}

impl NewPost {
    /// Parses every field and names each one that is wrong.
    pub fn parse(
        kind: &str,
        title: &str,
        body: &str,
        topics: &[String],
    ) -> praxis_domain::Result<Self> {
        match (
            PostKind::parse(kind),
            PostTitle::parse(title),
            Markdown::post_body(body),
            parse_topics(topics),
        ) {
            (Ok(kind), Ok(title), Ok(body), Ok(topics)) => Ok(Self {
                kind,
                title,
                body,
                topics,
            }),
            (kind, title, body, topics) => {
                Err(invalid([kind.err(), title.err(), body.err(), topics.err()]))
            }
        }
    }
}

/// What an author changes in a post: only the fields present.
#[derive(Debug, Clone, Default)]
pub struct PostEdit {
    pub kind: Option<PostKind>,
    pub title: Option<PostTitle>,
    pub body: Option<Markdown>,
    /// Replaces the topics when present.
    pub topics: Option<Vec<String>>,
}

impl PostEdit {
    /// Parses the fields present and names each one that is wrong.
    pub fn parse(
        kind: Option<&str>,
        title: Option<&str>,
        body: Option<&str>,
        topics: Option<&[String]>,
    ) -> praxis_domain::Result<Self> {
        match (
            kind.map(PostKind::parse).transpose(),
            title.map(PostTitle::parse).transpose(),
            body.map(Markdown::post_body).transpose(),
            topics.map(parse_topics).transpose(),
        ) {
            (Ok(kind), Ok(title), Ok(body), Ok(topics)) => Ok(Self {
                kind,
                title,
                body,
                topics,
            }),
            (kind, title, body, topics) => {
                Err(invalid([kind.err(), title.err(), body.err(), topics.err()]))
            }
        }
    }
}

/// The posts of the space `slug`, newest first; hidden ones too for those who moderate it.
pub fn list_in_space(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    slug: &str,
    page: &PageRequest,
) -> Result<Paged<PostView>> {
    let spaces = all_spaces(conn)?;
    let space = readable_space_among(ctx, &spaces, slug)?;
    let statuses = listed_statuses(ctx.can_moderate(&space));
    let rows = posts::page_in_space(
        conn,
        &space.row.id,
        &statuses,
        page.after.clone(),
        page.fetch(),
    )?;
    page.cut(rows, |r| (r.created_at, r.id.clone()))
        .try_map(|rows| content::post_views(conn, ctx, &spaces, rows))
}

/// The content version cached pages of `scope` are current at (see
/// `praxis_persistence::content_version`).
pub fn content_version(conn: &mut DbConnection, scope: VersionScope<'_>) -> Result<i64> {
    Ok(praxis_persistence::content_version::current(conn, scope)?)
}

/// One post, if the caller may read it now.
pub fn read(conn: &mut DbConnection, ctx: &ViewerContext, id: &PostId) -> Result<PostView> {
    let post = readable_post(conn, ctx, id)?;
    view(conn, ctx, post.row)
}

/// Publishes a post in the space `slug`, which the caller must be allowed to write in; tells
/// followers and mentioned members.
pub fn publish(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    slug: &str,
    post: NewPost,
    now: DateTime<Utc>,
) -> Result<PostView> {
    let author = acting_member(ctx)?;
    let space = writable_space(conn, ctx, slug)?;
    insert(conn, ctx, &author, &space, post, None, now)
}

/// Edits a post: its author only, while they may still write in its space.
pub fn edit(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &PostId,
    edit: PostEdit,
    now: DateTime<Utc>,
) -> Result<PostView> {
    let author = acting_member(ctx)?;
    let post = readable_post(conn, ctx, id)?;
    post.require_author(&author)?;
    post.require_write(ctx)?;
    if let Some(topics) = &edit.topics {
        check_topics(conn, topics)?;
        posts::set_topics(conn, &post.row.id, topics)?;
    }
    let at = to_db_time(now);
    posts::update(
        conn,
        &post.row.id,
        &PostChanges {
            kind: edit.kind,
            title: edit.title.map(PostTitle::into_inner),
            body: edit.body.map(Markdown::into_inner),
            updated_at: Some(at),
            edited_at: Some(Some(at)),
            ..Default::default()
        },
    )?;
    let row = posts::find(conn, &post.row.id)?.ok_or(Error::NotFound("post"))?;
    view(conn, ctx, row)
}

/// Deletes a post: its author only. It is gone from every read, with its comments.
pub fn delete(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &PostId,
    now: DateTime<Utc>,
) -> Result<()> {
    let author = acting_member(ctx)?;
    let post = readable_post(conn, ctx, id)?;
    post.require_author(&author)?;
    post.require_write(ctx)?;
    posts::update(
        conn,
        &post.row.id,
        &PostChanges {
            status: Some(ContentStatus::Deleted),
            updated_at: Some(to_db_time(now)),
            ..Default::default()
        },
    )?;
    Ok(())
}

/// Copies one of the caller's published posts into the space `target`, which they may write
/// in, as a new post naming its source. 409 `same-space` for the post's own space.
pub fn crosspost(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &PostId,
    target: &str,
    now: DateTime<Utc>,
) -> Result<PostView> {
    let author = acting_member(ctx)?;
    let source = published_post(conn, ctx, id)?;
    source.require_author(&author)?;
    let target = writable_space(conn, ctx, target)?;
    if target.row.id == source.space.row.id {
        return Err(Error::conflict(
            "same-space",
            "The post is already in this space.",
        ));
    }
    let topics = posts::topics_of(conn, std::slice::from_ref(&source.row.id))?
        .remove(&source.row.id)
        .unwrap_or_default();
    let copy = NewPost {
        kind: source.row.kind,
        title: PostTitle::parse(&source.row.title)?,
        body: Markdown::post_body(&source.row.body)?,
        topics,
    };
    let from = Some(source.row.id.clone());
    insert(conn, ctx, &author, &target, copy, from, now)
}

/// 422 naming every topic that does not exist.
fn check_topics(conn: &mut DbConnection, topics: &[String]) -> Result<()> {
    let existing = posts::existing_topics(conn, topics)?;
    let unknown: Vec<FieldError> = topics
        .iter()
        .enumerate()
        .filter(|(_, t)| !existing.contains(t))
        .map(|(i, _)| {
            FieldError::new(
                format!("topics[{i}]"),
                "is not a topic (see GET /api/v1/topics)",
            )
        })
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid(unknown))
    }
}

/// Inserts a post in `space`, tells followers and mentioned members, and answers with it.
fn insert(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    author: &UserId,
    space: &Space,
    post: NewPost,
    crossposted_from: Option<String>,
    now: DateTime<Utc>,
) -> Result<PostView> {
    check_topics(conn, &post.topics)?;
    let id = PostId::new();
    let space_id = SpaceId::from_trusted(space.row.id.clone());
    let row = PostRow {
        id: id.as_str().to_owned(),
        space_id: space_id.as_str().to_owned(),
        author_id: author.as_str().to_owned(),
        kind: post.kind,
        title: post.title.into_inner(),
        body: post.body.into_inner(),
        status: ContentStatus::Published,
        pinned: false,
        crossposted_from,
        created_at: to_db_time(now),
        updated_at: to_db_time(now),
        edited_at: None,
        comment_count: 0,
    };
    posts::insert(conn, &row, &post.topics)?;
    content::notify(
        conn,
        &NewContent {
            author,
            space: &space_id,
            post: &id,
            comment: None,
            replied_to: None,
            body: &row.body,
            new_post_topics: Some(&post.topics),
        },
        row.created_at,
    )?;
    view(conn, ctx, row)
}

/// The view of one post the caller may read.
fn view(conn: &mut DbConnection, ctx: &ViewerContext, row: PostRow) -> Result<PostView> {
    let spaces = all_spaces(conn)?;
    content::post_views(conn, ctx, &spaces, vec![row])?
        .pop()
        .ok_or(Error::NotFound("post"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn fields(result: praxis_domain::Result<impl std::fmt::Debug>) -> Vec<String> {
        match result {
            Err(praxis_domain::Error::Validation(errors)) => {
                errors.into_iter().map(|e| e.field).collect()
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_new_post_names_every_invalid_field_at_once() {
        let many: Vec<String> = (0..6).map(|i| format!("t{i}")).collect();
        assert_eq!(
            fields(NewPost::parse("poem", " ", "", &many)),
            vec!["kind", "title", "body", "topics"]
        );
        let post =
            NewPost::parse("question", " Why? ", "*body*", &["a".into(), "a".into()]).unwrap();
        assert_eq!(post.title.into_inner(), "Why?");
        assert_eq!(post.topics, vec!["a".to_owned()]);
    }

    #[test]
    fn a_post_edit_checks_only_the_fields_present() {
        let edit = PostEdit::parse(None, Some("New title"), None, None).unwrap();
        assert!(edit.kind.is_none() && edit.body.is_none() && edit.topics.is_none());
        assert_eq!(
            fields(PostEdit::parse(Some("poem"), None, Some(" "), None)),
            vec!["kind", "body"]
        );
    }
}
