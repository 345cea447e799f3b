//! A monthly theme's page: the theme with its events and assignments, each read through the
//! same access rules as their own lists, so a theme never shows anything the caller could not
//! read on its own (404 for a theme of a space the caller may not read).

use crate::access::{Space, ViewerContext};
use crate::assignments::{self, AssignmentView};
use crate::error::{Error, Result};
use crate::events::{self, Occurrence};
use crate::learning::readable_content_space;
use chrono::{DateTime, Utc};
use praxis_domain::event_queries::EventQuery;
use praxis_domain::ids::{SpaceId, ThemeId};
use praxis_persistence::events::{self as repo, ThemeRow};
use praxis_persistence::DbConnection;

/// At most this many events and assignments on a theme's page: a month holds far fewer.
const PAGE_ITEMS: i64 = 100;

pub struct ThemePage {
    pub theme: ThemeRow,
    pub space_slug: String,
    /// The theme's events in its month, series expanded, by start.
    pub events: Vec<Occurrence>,
    /// Every space, for the events' responses.
    pub spaces: Vec<Space>,
    pub assignments: Vec<AssignmentView>,
}

pub fn page(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &ThemeId,
    now: DateTime<Utc>,
) -> Result<ThemePage> {
    let theme = repo::find_theme(conn, id.as_str())?.ok_or(Error::NotFound("theme"))?;
    let space_id = SpaceId::from_trusted(theme.space_id.clone());
    let space = readable_content_space(conn, ctx, &space_id, "theme")?;
    let (from, to) = praxis_domain::themes::month_range(&theme.month)
        .ok_or_else(|| Error::internal(format!("theme {} has an invalid month", theme.id)))?;
    let query = EventQuery {
        from,
        to,
        kind: None,
    };
    let (events, spaces) = events::list(conn, ctx, &query, Some(id), None, PAGE_ITEMS)?;
    let assignments = assignments::list(conn, ctx, Some(id), None, PAGE_ITEMS - 1, now)?;
    Ok(ThemePage {
        theme,
        space_slug: space.row.slug,
        events,
        spaces,
        assignments,
    })
}
