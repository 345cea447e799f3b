//! Members RSVP to events they may attend. Places are counted under a lock in the write
//! transaction, so of many members asking for the last place exactly one gets it.

use crate::access::ViewerContext;
use crate::error::{Error, Result};
use crate::events::readable_occurrence;
use crate::learning::signed_in;
use chrono::{DateTime, Utc};
use praxis_domain::events;
use praxis_domain::ids::EventId;
use praxis_persistence::events::{self as repo, RsvpRow};
use praxis_persistence::{to_db_time, DbConnection};

/// Takes a place at an event or occurrence that has not started and is not cancelled (409
/// `event-cancelled`, `event-started`, `event-full`). Asking again changes nothing.
pub fn rsvp(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &EventId,
    now: DateTime<Utc>,
) -> Result<()> {
    let user = signed_in(ctx)?;
    let (occurrence, _) = readable_occurrence(conn, ctx, id)?;
    if occurrence.cancelled {
        return Err(Error::conflict(
            "event-cancelled",
            "This event is cancelled.",
        ));
    }
    if occurrence.starts_at <= now {
        return Err(Error::conflict(
            "event-started",
            "This event has already started.",
        ));
    }
    let event_id = EventId::from_trusted(occurrence.rsvp_event_id.clone());
    let start = to_db_time(occurrence.rsvp_start);
    repo::lock_for_rsvp(conn, event_id.as_str(), occurrence.series_id.is_some())?;
    if repo::has_rsvp(conn, &event_id, start, &user)? {
        return Ok(());
    }
    let taken = repo::count_rsvps(conn, event_id.as_str(), start)?;
    let capacity = occurrence.capacity.and_then(|c| u32::try_from(c).ok());
    if !events::has_place(capacity, u64::try_from(taken).unwrap_or(u64::MAX)) {
        return Err(Error::conflict(
            "event-full",
            "Every place of this event is taken.",
        ));
    }
    repo::insert_rsvp(
        conn,
        &RsvpRow {
            event_id: event_id.into_inner(),
            occurrence_start: start,
            user_id: user.into_inner(),
            created_at: to_db_time(now),
        },
    )?;
    Ok(())
}

/// Withdraws the caller's RSVP; withdrawing one that does not exist changes nothing.
pub fn withdraw(conn: &mut DbConnection, ctx: &ViewerContext, id: &EventId) -> Result<()> {
    let user = signed_in(ctx)?;
    let (occurrence, _) = readable_occurrence(conn, ctx, id)?;
    let event_id = EventId::from_trusted(occurrence.rsvp_event_id);
    repo::delete_rsvp(conn, &event_id, to_db_time(occurrence.rsvp_start), &user)?;
    Ok(())
}
