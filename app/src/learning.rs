//! What learning (questions, recordings, assignments, submissions, resources) asks of access:
//! the space some content lives in, whether the caller may read it or take part in it, and the
//! event a question or a recording hangs on. Outside the space everything answers 404.

use crate::access::{content_denied, Space, ViewerContext};
use crate::error::{Error, Result};
use crate::events::{find_occurrence, materialize};
use chrono::{DateTime, Utc};
use praxis_domain::access::{Access, Denial};
use praxis_domain::events::EventRef as EventName;
use praxis_domain::ids::{EventId, SpaceId, UserId};
use praxis_persistence::learning::{find_event, EventRef};
use praxis_persistence::{events as event_repo, spaces, to_db_time, DbConnection};

/// A space by id (content rows name their space by id).
pub fn space_by_id(conn: &mut DbConnection, id: &SpaceId) -> Result<Space> {
    spaces::find_by_ids(conn, &[id.as_str().to_owned()])?
        .pop()
        .map(Space::from_row)
        .transpose()?
        .ok_or(Error::NotFound("space"))
}

/// The space of some content, if the caller may read it; otherwise the answer for content
/// (404 named `what`, or 403 when only the new terms stand in the way).
pub fn readable_content_space(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    space_id: &SpaceId,
    what: &'static str,
) -> Result<Space> {
    let space = space_by_id(conn, space_id).map_err(|e| renamed(e, what))?;
    match ctx.access(&space) {
        Access::Granted => Ok(space),
        denied => Err(renamed(content_denied(denied), what)),
    }
}

/// "Not found" named as what the caller asked for, so nothing tells a hidden space apart.
pub fn renamed(err: Error, what: &'static str) -> Error {
    match err {
        Error::NotFound(_) => Error::NotFound(what),
        other => other,
    }
}

/// The caller must be able to take part in the space (members who accepted the terms).
pub fn require_write(ctx: &ViewerContext, space: &Space) -> Result<()> {
    match ctx.write_access(space) {
        Access::Granted => Ok(()),
        Access::Denied {
            denial: Denial::SignInRequired,
            reason,
        } => Err(Error::unauthenticated("authentication-required", reason)),
        denied => Err(content_denied(denied)),
    }
}

/// An event the caller may read, with its space; 404 for an unknown event or one outside.
///
/// Questions and recordings hang on an event's own row: an occurrence of a series
/// (`<series id>@<start>`) gets one the first time a reader who may see it asks for it. The
/// space is checked before anything is written, so outsiders never create rows.
pub fn readable_event(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &EventId,
    now: DateTime<Utc>,
) -> Result<(EventRef, Space)> {
    if let Some(event) = find_event(conn, id.as_str())? {
        let space_id = SpaceId::from_trusted(event.space_id.clone());
        let space = readable_content_space(conn, ctx, &space_id, "event")?;
        return Ok((event, space));
    }
    let occurrence_id = EventName::parse(id.as_str()).map_err(|_| Error::NotFound("event"))?;
    let EventName::Occurrence {
        series_id,
        original_start,
    } = &occurrence_id
    else {
        return Err(Error::NotFound("event"));
    };
    let occurrence = find_occurrence(conn, &occurrence_id)?.ok_or(Error::NotFound("event"))?;
    let space_id = SpaceId::from_trusted(occurrence.space_id.clone());
    let space = readable_content_space(conn, ctx, &space_id, "event")?;
    let start = to_db_time(*original_start);
    let row_id = match event_repo::find_override(conn, series_id, start)? {
        Some(row) => row.id,
        None => match materialize(conn, &occurrence, now) {
            Ok(id) => id,
            // Another request made the row at the same moment: use theirs.
            Err(e) if e.is_conflict() => event_repo::find_override(conn, series_id, start)?
                .map(|row| row.id)
                .ok_or(Error::NotFound("event"))?,
            Err(other) => return Err(other),
        },
    };
    let event = find_event(conn, &row_id)?.ok_or(Error::NotFound("event"))?;
    Ok((event, space))
}

/// The signed-in caller's id; the API only calls member use cases for signed-in members.
pub fn signed_in(ctx: &ViewerContext) -> Result<UserId> {
    ctx.user_id
        .as_deref()
        .map(UserId::from_trusted)
        .ok_or_else(|| Error::unauthenticated("authentication-required", "Sign in first."))
}
