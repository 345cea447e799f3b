//! Posts and comments as the access layer lets the caller see them: loading one (404 to anyone
//! outside its space, on every path), building a page of responses with a fixed number of
//! queries, and the notifications new content causes.

use crate::access::{readable_space, space_denied, Space, ViewerContext};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use praxis_domain::access::Access;
use praxis_domain::discussion::{self, ContentStatus, NotificationLevel, PostKind};
use praxis_domain::ids::{CommentId, NotificationId, PostId, SpaceId, UserId};
use praxis_domain::FieldError;
use praxis_persistence::comments::{self, CommentRow};
use praxis_persistence::notifications::{self as notes, NotificationRow};
use praxis_persistence::posts::{self, PostRow};
use praxis_persistence::{from_db_time, spaces, users, DbConnection};
use std::collections::BTreeMap;

/// A post the caller may read, its space, and whether the caller moderates that space.
pub struct VisiblePost {
    pub row: PostRow,
    pub space: Space,
    pub moderator: bool,
}

impl VisiblePost {
    pub fn status(&self) -> Result<ContentStatus> {
        Ok(self.row.status)
    }

    /// Answers 403 `not-author` unless `user` wrote the post.
    pub fn require_author(&self, user: &UserId) -> Result<()> {
        require_author(&self.row.author_id, user)
    }

    /// Answers with the reason unless the caller may write in the post's space now.
    pub fn require_write(&self, ctx: &ViewerContext) -> Result<()> {
        match ctx.write_access(&self.space) {
            Access::Granted => Ok(()),
            denied => Err(space_denied(denied)),
        }
    }
}

/// Answers 403 `not-author` unless `user` is `author_id` (as stored in a row).
pub(crate) fn require_author(author_id: &str, user: &UserId) -> Result<()> {
    if author_id == user.as_str() {
        Ok(())
    } else {
        Err(Error::forbidden(
            "not-author",
            "Only its author may change or move this.",
        ))
    }
}

/// The post `id` if the caller may read it now: 404 when it does not exist, is in a space the
/// caller may not read, was deleted, or is hidden and the caller does not moderate its space.
pub fn readable_post(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &PostId,
) -> Result<VisiblePost> {
    let row = posts::find(conn, id.as_str())?.ok_or(Error::NotFound("post"))?;
    let space = spaces::find_by_ids(conn, std::slice::from_ref(&row.space_id))?
        .pop()
        .map(Space::from_row)
        .transpose()?
        .ok_or(Error::NotFound("post"))?;
    let access = ctx.access(&space);
    if !access.is_granted() {
        return Err(crate::access::content_denied(access));
    }
    let moderator = ctx.can_moderate(&space);
    let post = VisiblePost {
        row,
        space,
        moderator,
    };
    if !post.status()?.visible_to(moderator) {
        return Err(Error::NotFound("post"));
    }
    Ok(post)
}

/// A published post the caller may read (commenting, reacting, crossposting).
pub fn published_post(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &PostId,
) -> Result<VisiblePost> {
    let post = readable_post(conn, ctx, id)?;
    if post.status()? != ContentStatus::Published {
        return Err(Error::NotFound("post"));
    }
    Ok(post)
}

/// The comment `id` with its post, if the caller may read both now.
pub fn readable_comment(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &CommentId,
) -> Result<(CommentRow, VisiblePost)> {
    let comment = comments::find(conn, id.as_str())?.ok_or(Error::NotFound("comment"))?;
    let post_id = PostId::from_trusted(comment.post_id.clone());
    let post = readable_post(conn, ctx, &post_id).map_err(|e| match e {
        Error::NotFound(_) => Error::NotFound("comment"),
        other => other,
    })?;
    let status = comment.status;
    if !status.visible_to(post.moderator) {
        return Err(Error::NotFound("comment"));
    }
    Ok((comment, post))
}

/// The signed-in member acting: a visitor may read but never write.
pub fn acting_member(ctx: &ViewerContext) -> Result<UserId> {
    ctx.user_id
        .as_deref()
        .map(UserId::from_trusted)
        .ok_or_else(|| Error::unauthenticated("authentication-required", "Sign in to do this."))
}

/// The statuses of content a caller sees in a list, as stored: hidden content only if they
/// moderate.
pub fn listed_statuses(moderator: bool) -> Vec<&'static str> {
    let shown: &[ContentStatus] = if moderator {
        &[ContentStatus::Published, ContentStatus::Hidden]
    } else {
        &[ContentStatus::Published]
    };
    shown.iter().map(ContentStatus::as_str).collect()
}

/// One validation error holding every field error of several parses, so a client sees all of
/// them at once. Give it the failures (`result.err()`) of each field.
pub fn invalid(
    failures: impl IntoIterator<Item = Option<praxis_domain::Error>>,
) -> praxis_domain::Error {
    let fields = failures
        .into_iter()
        .flatten()
        .flat_map(|error| match error {
            praxis_domain::Error::Validation(fields) => fields,
            other => vec![FieldError::new("", other.to_string())],
        })
        .collect();
    praxis_domain::Error::Validation(fields)
}

/// A space the caller may write in now, or the right refusal (401/403/404 as for reading).
pub fn writable_space(conn: &mut DbConnection, ctx: &ViewerContext, slug: &str) -> Result<Space> {
    let space = readable_space(conn, ctx, slug)?;
    match ctx.write_access(&space) {
        Access::Granted => Ok(space),
        denied => Err(space_denied(denied)),
    }
}

/// Reaction counts by kind, e.g. `{"like": 3, "thanks": 1}`.
pub type ReactionCounts = BTreeMap<String, i64>;

/// A post as the caller may see it, with what a page shows of it.
#[derive(Debug, Clone)]
pub struct PostView {
    pub id: String,
    /// The slug of the space it is in.
    pub space: String,
    pub author_id: String,
    pub author_name: String,
    /// `article`, `question` or `discussion`.
    pub kind: PostKind,
    pub title: String,
    /// Markdown, as written.
    pub body: String,
    /// `published`, or `hidden` (only hosts who moderate the space see hidden posts).
    pub status: ContentStatus,
    pub pinned: bool,
    pub topics: Vec<String>,
    pub comment_count: i64,
    pub reactions: ReactionCounts,
    /// The post this one was crossposted from, when the caller may read that one too.
    pub crossposted_from: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
}

/// Responses for posts the caller may read, with authors, topics, comment and reaction counts
/// and crosspost sources each fetched in one query for the whole page.
pub fn post_views(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    spaces: &[Space],
    rows: Vec<PostRow>,
) -> Result<Vec<PostView>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut authors: Vec<String> = rows.iter().map(|r| r.author_id.clone()).collect();
    authors.sort();
    authors.dedup();
    let names = users::display_names(conn, &authors)?;
    let mut topics = posts::topics_of(conn, &ids)?;
    let mut reactions = comments::reaction_counts(conn, "post", &ids)?;
    let sources: Vec<String> = rows
        .iter()
        .filter_map(|r| r.crossposted_from.clone())
        .collect();
    let readable_sources: Vec<String> = if sources.is_empty() {
        Vec::new()
    } else {
        let readable = ctx.readable_space_ids(spaces);
        posts::spaces_of(conn, &sources)?
            .into_iter()
            .filter(|(_, space_id, status)| {
                status == ContentStatus::Published.as_str() && readable.contains(space_id)
            })
            .map(|(id, _, _)| id)
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|r| PostView {
            space: spaces
                .iter()
                .find(|s| s.row.id == r.space_id)
                .map(|s| s.row.slug.clone())
                .unwrap_or_default(),
            author_name: names.get(&r.author_id).cloned().unwrap_or_default(),
            topics: topics.remove(&r.id).unwrap_or_default(),
            comment_count: r.comment_count,
            reactions: reactions.remove(&r.id).unwrap_or_default(),
            crossposted_from: r
                .crossposted_from
                .filter(|source| readable_sources.contains(source)),
            id: r.id,
            author_id: r.author_id,
            kind: r.kind,
            title: r.title,
            body: r.body,
            status: r.status,
            pinned: r.pinned,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            edited_at: r.edited_at.map(from_db_time),
        })
        .collect())
}

/// A comment as the caller may see it.
#[derive(Debug, Clone)]
pub struct CommentView {
    pub id: String,
    pub post_id: String,
    /// The comment this one replies to.
    pub parent_id: Option<String>,
    pub author_id: String,
    pub author_name: String,
    /// Markdown, as written.
    pub body: String,
    /// `published`, or `hidden` (seen only by hosts who moderate the space).
    pub status: ContentStatus,
    pub reactions: ReactionCounts,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
}

/// Responses for comments the caller may read: authors and reactions in one query each.
pub fn comment_views(conn: &mut DbConnection, rows: Vec<CommentRow>) -> Result<Vec<CommentView>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let authors: Vec<String> = rows.iter().map(|r| r.author_id.clone()).collect();
    let names = users::display_names(conn, &authors)?;
    let mut reactions = comments::reaction_counts(conn, "comment", &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| CommentView {
            author_name: names.get(&r.author_id).cloned().unwrap_or_default(),
            reactions: reactions.remove(&r.id).unwrap_or_default(),
            id: r.id,
            post_id: r.post_id,
            parent_id: r.parent_id,
            author_id: r.author_id,
            body: r.body,
            status: r.status,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            edited_at: r.edited_at.map(from_db_time),
        })
        .collect())
}

/// New content to tell people about, in the transaction that creates it.
pub struct NewContent<'a> {
    pub author: &'a UserId,
    pub space: &'a SpaceId,
    pub post: &'a PostId,
    /// Set for a comment.
    pub comment: Option<&'a CommentId>,
    /// The author of the post or comment replied to.
    pub replied_to: Option<&'a UserId>,
    pub body: &'a str,
    /// For a new post: its topics (followers of the space and of these topics are told).
    pub new_post_topics: Option<&'a [String]>,
}

/// Creates the notifications new content causes (`praxis_domain::discussion::recipients`).
/// Whether a recipient may read the content is decided when they list their notifications, so
/// someone who loses access never sees it, and someone who gains it later does.
pub fn notify(
    conn: &mut DbConnection,
    content: &NewContent<'_>,
    now: chrono::NaiveDateTime,
) -> Result<()> {
    let mentioned = discussion::mentioned_ids(content.body);
    let mentioned = if mentioned.is_empty() {
        mentioned
    } else {
        let existing = notes::existing_users(conn, &mentioned)?;
        mentioned
            .into_iter()
            .filter(|id| existing.contains(id))
            .collect()
    };
    let followers = match content.new_post_topics {
        Some(topics) => notes::followers(conn, content.space.as_str(), topics)?,
        None => Vec::new(),
    };
    let mut everyone: Vec<String> = mentioned.iter().chain(followers.iter()).cloned().collect();
    everyone.extend(content.replied_to.map(|id| id.as_str().to_owned()));
    if everyone.is_empty() {
        return Ok(());
    }
    let levels = notes::levels(conn, content.space, &everyone)?;
    let recipients = discussion::recipients(
        content.author.as_str(),
        content.replied_to.map(UserId::as_str),
        &mentioned,
        &followers,
        |id| {
            levels
                .get(id)
                .and_then(|l| NotificationLevel::parse(l).ok())
                .unwrap_or_default()
        },
    );
    let rows: Vec<NotificationRow> = recipients
        .into_iter()
        .map(|r| NotificationRow {
            id: NotificationId::new().into_inner(),
            user_id: r.user_id,
            kind: r.kind.as_str().to_owned(),
            actor_id: Some(content.author.as_str().to_owned()),
            space_id: content.space.as_str().to_owned(),
            post_id: Some(content.post.as_str().to_owned()),
            comment_id: content.comment.map(|id| id.as_str().to_owned()),
            created_at: now,
            read_at: None,
        })
        .collect();
    notes::insert(conn, &rows)?;
    Ok(())
}
