//! What members follow — topics and spaces — how much they hear from a space, and the feed of
//! what they follow and may read now.

use crate::access::{all_spaces, readable_space, Space, ViewerContext};
use crate::content::{self, acting_member, PostView};
use crate::error::{Error, Result};
use crate::page::{PageRequest, Paged};
use chrono::{DateTime, Utc};
use praxis_domain::discussion::NotificationLevel;
use praxis_domain::ids::TopicId;
use praxis_persistence::notifications as follows;
use praxis_persistence::{posts, spaces, to_db_time, DbConnection};

/// Follows a topic: its new posts (in spaces the caller may read) reach the feed.
pub fn follow_topic(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    topic: &TopicId,
    now: DateTime<Utc>,
) -> Result<()> {
    let member = acting_member(ctx)?;
    require_topic(conn, topic)?;
    follows::follow_topic(conn, &member, topic, to_db_time(now))?;
    Ok(())
}

pub fn unfollow_topic(conn: &mut DbConnection, ctx: &ViewerContext, topic: &TopicId) -> Result<()> {
    let member = acting_member(ctx)?;
    require_topic(conn, topic)?;
    follows::unfollow_topic(conn, &member, topic)?;
    Ok(())
}

fn require_topic(conn: &mut DbConnection, topic: &TopicId) -> Result<()> {
    let slug = [topic.as_str().to_owned()];
    if posts::existing_topics(conn, &slug)?.is_empty() {
        return Err(Error::NotFound("topic"));
    }
    Ok(())
}

/// Follows the space `slug`, which the caller must be allowed to read.
pub fn follow_space(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let member = acting_member(ctx)?;
    let space = readable_space(conn, ctx, slug)?;
    follows::follow_space(conn, &member, &space.id(), to_db_time(now))?;
    Ok(())
}

/// Stops following the space `slug`; allowed even after losing access to it, as long as the
/// caller may know it exists.
pub fn unfollow_space(conn: &mut DbConnection, ctx: &ViewerContext, slug: &str) -> Result<()> {
    let member = acting_member(ctx)?;
    let space = spaces::find_by_slug(conn, slug)?
        .map(Space::from_row)
        .transpose()?
        .filter(|s| ctx.may_know(s))
        .ok_or(Error::NotFound("space"))?;
    follows::unfollow_space(conn, &member, &space.id())?;
    Ok(())
}

/// Sets how much the caller hears from the space `slug`, which they must be allowed to read.
pub fn set_notification_level(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    slug: &str,
    level: NotificationLevel,
) -> Result<NotificationLevel> {
    let member = acting_member(ctx)?;
    let space = readable_space(conn, ctx, slug)?;
    follows::set_level(conn, &member, &space.id(), level.as_str())?;
    Ok(level)
}

/// Newest first: published posts in spaces the caller follows or with topics they follow, in
/// spaces they may read now (filtered in the query, before paging).
pub fn feed(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    page: &PageRequest,
) -> Result<Paged<PostView>> {
    let member = acting_member(ctx)?;
    let spaces = all_spaces(conn)?;
    let readable = ctx.readable_space_ids(&spaces);
    let rows = posts::feed_page(conn, &member, &readable, page.after.clone(), page.fetch())?;
    page.cut(rows, |r| (r.created_at, r.id.clone()))
        .try_map(|rows| content::post_views(conn, ctx, &spaces, rows))
}
