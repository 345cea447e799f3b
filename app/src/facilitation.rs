//! The PRO member who facilitates an event (an accepted session proposal) manages it like a
//! host, for that event only: they change it and see who RSVP'd. A member's page lists the
//! sessions they ran.

use crate::access::{all_spaces, Space, ViewerContext};
use crate::error::{Error, Result};
use crate::events::{find_occurrence, readable_occurrence, Occurrence};
use chrono::NaiveDateTime;
use praxis_domain::account::can_host;
use praxis_domain::events::EventRef;
use praxis_domain::ids::{EventId, UserId};
use praxis_persistence::giveback::{self as repo, AttendeeRow};
use praxis_persistence::{to_db_time, users, DbConnection};

/// Whether the caller hosts the community (hosts and admins).
pub fn is_host(ctx: &ViewerContext) -> bool {
    ctx.viewer
        .member
        .as_ref()
        .is_some_and(|m| can_host(&m.roles))
}

/// Whether the caller facilitates this event.
pub fn facilitates(ctx: &ViewerContext, occurrence: &Occurrence) -> bool {
    ctx.user_id.is_some() && occurrence.facilitator_id == ctx.user_id
}

/// The refusal of a change to someone who neither hosts nor facilitates the event.
pub fn refused() -> Error {
    Error::forbidden(
        "host-role-required",
        "Only hosts and admins, or the member who facilitates this event, may do this.",
    )
}

/// Whether the caller may change this event: hosts may change any; the facilitator of a single
/// event only that event, while they may still read its space. Everyone else gets the refusal
/// hosts-only changes always gave (403 `host-role-required`), whether the event exists or not.
pub fn may_change(conn: &mut DbConnection, ctx: &ViewerContext, id: &EventRef) -> Result<()> {
    if is_host(ctx) {
        return Ok(());
    }
    let occurrence = find_occurrence(conn, id)?.ok_or_else(refused)?;
    if !facilitates(ctx, &occurrence) {
        return Err(refused());
    }
    let event_id = EventId::from_trusted(id.id());
    readable_occurrence(conn, ctx, &event_id).map_err(|_| refused())?;
    Ok(())
}

/// The event, if the caller manages it: a host or its facilitator who may read its space. 404
/// for those who may not read it; 403 `event-manager-required` for the others.
pub fn managed(conn: &mut DbConnection, ctx: &ViewerContext, id: &EventId) -> Result<Occurrence> {
    let (occurrence, _) = readable_occurrence(conn, ctx, id)?;
    if is_host(ctx) || facilitates(ctx, &occurrence) {
        Ok(occurrence)
    } else {
        Err(Error::forbidden(
            "event-manager-required",
            "Only hosts and the event's facilitator manage this event.",
        ))
    }
}

/// A page of who RSVP'd to an event the caller manages, in the order they did.
pub fn attendees(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &EventId,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<AttendeeRow>> {
    let occurrence = managed(conn, ctx, id)?;
    Ok(repo::attendees_page(
        conn,
        &occurrence.rsvp_event_id,
        to_db_time(occurrence.rsvp_start),
        after,
        limit,
    )?)
}

/// A page of the sessions a member facilitated, latest first, in the spaces the caller may
/// read, with every space. A member who is not listed in the directory is 404 to everyone but
/// themselves and hosts.
pub fn sessions_run(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    member: &UserId,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<(Vec<Occurrence>, Vec<Space>)> {
    let user = users::find_by_id(conn, member.as_str())?.ok_or(Error::NotFound("member"))?;
    let own = ctx.user_id.as_deref() == Some(member.as_str());
    if !(user.listed || own || is_host(ctx)) {
        return Err(Error::NotFound("member"));
    }
    let spaces = all_spaces(conn)?;
    let readable = ctx.readable_space_ids(&spaces);
    let rows = repo::facilitated_page(conn, member.as_str(), &readable, after, limit)?;
    Ok((
        rows.into_iter().map(Occurrence::from_single).collect(),
        spaces,
    ))
}
