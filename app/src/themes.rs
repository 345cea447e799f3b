//! A monthly theme's page: the theme with its events, assignments, recordings and resources,
//! each read through the same access rules as their own lists, so a theme never shows anything
//! the caller could not read on its own (404 for a theme of a space the caller may not read).
//! Hosts edit a theme's month, title and description.

use crate::access::{Space, ViewerContext};
use crate::assignments::{self, AssignmentView};
use crate::error::{Error, Result};
use crate::events::{self, Occurrence};
use crate::learning::{readable_content_space, signed_in};
use crate::resources::{self, ResourceView};
use chrono::{DateTime, Utc};
use praxis_domain::event_plans::ThemeChange;
use praxis_domain::event_queries::EventQuery;
use praxis_domain::ids::{SpaceId, ThemeId};
use praxis_persistence::events::{self as repo, ThemeRow};
use praxis_persistence::learning::recordings::{self, ThemeRecording};
use praxis_persistence::DbConnection;

/// At most this many items of each kind on a theme's page: a month holds far fewer.
const PAGE_ITEMS: i64 = 100;

pub struct ThemePage {
    pub theme: ThemeRow,
    pub space_slug: String,
    /// The theme's events in its month, series expanded, by start.
    pub events: Vec<Occurrence>,
    /// Every space, for the events' responses.
    pub spaces: Vec<Space>,
    pub assignments: Vec<AssignmentView>,
    /// Recordings of the theme's events the caller may watch, by the events' start.
    pub recordings: Vec<ThemeRecording>,
    /// Resources on the theme the caller may read, newest first.
    pub resources: Vec<ResourceView>,
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
    let readable = ctx.readable_space_ids(&spaces);
    let recordings = recordings::of_theme(conn, id.as_str(), &readable, PAGE_ITEMS)?;
    let resources = resources::of_theme(conn, ctx, id, PAGE_ITEMS)?;
    Ok(ThemePage {
        theme,
        space_slug: space.row.slug,
        events,
        spaces,
        assignments,
        recordings,
        resources,
    })
}

/// A host's change to a theme of a space they may read (404 otherwise): one theme per space
/// and month (409 `theme-exists`). Audited with the fields before and after.
pub fn change(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &ThemeId,
    change: ThemeChange,
    now: DateTime<Utc>,
) -> Result<(ThemeRow, String)> {
    let user = signed_in(ctx)?;
    let before = repo::find_theme(conn, id.as_str())?.ok_or(Error::NotFound("theme"))?;
    let space_id = SpaceId::from_trusted(before.space_id.clone());
    let space = readable_content_space(conn, ctx, &space_id, "theme")?;
    let row = ThemeRow {
        month: change.month.unwrap_or_else(|| before.month.clone()),
        title: change.title.unwrap_or_else(|| before.title.clone()),
        description: change
            .description
            .unwrap_or_else(|| before.description.clone()),
        ..before.clone()
    };
    match repo::update_theme(conn, &row) {
        Err(praxis_persistence::Error::UniqueViolation(_)) => {
            return Err(Error::conflict(
                "theme-exists",
                "This space already has a theme for that month.",
            ))
        }
        other => other?,
    }
    let summary = |r: &ThemeRow| serde_json::json!({"month": r.month, "title": r.title, "description": r.description});
    crate::audit::record_change(
        conn,
        &user,
        ("theme.changed", "theme", &row.id),
        Some(&row.space_id),
        (&summary(&before), &summary(&row)),
        now,
    )?;
    Ok((row, space.row.slug))
}
