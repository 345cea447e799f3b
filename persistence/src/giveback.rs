//! PRO give-back: session proposals and their decisions, the events a member facilitated, and
//! the attendees of an event for those who manage it.

use crate::error::Result;
use crate::keyset::{self, StatusQueue};
use crate::schema::{event_feedback, event_rsvps, events, session_proposals, users};
use crate::text_enum::DbEnum;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::giveback::ProposalStatus;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = session_proposals)]
pub struct ProposalRow {
    pub id: String,
    pub user_id: String,
    pub title: String,
    pub format: String,
    pub description: String,
    /// The slug of the lounge it is proposed for.
    pub space: String,
    /// RFC 3339 instants, comma-separated.
    pub proposed_times: String,
    pub time_zone: String,
    #[diesel(deserialize_as = DbEnum<ProposalStatus>, serialize_as = DbEnum<ProposalStatus>)]
    pub status: ProposalStatus,
    pub note: Option<String>,
    pub event_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
}

pub fn insert_proposal(conn: &mut DbConnection, row: &ProposalRow) -> Result<()> {
    diesel::insert_into(session_proposals::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_proposal(conn: &mut DbConnection, id: &str) -> Result<Option<ProposalRow>> {
    Ok(session_proposals::table
        .find(id)
        .select(ProposalRow::as_select())
        .first(conn)
        .optional()?)
}

/// A page of proposals, of one member and one status when given, newest first, after the
/// keyset cursor `(created_at, id)` (indexes `session_proposals_user_idx`, `_status_idx`).
pub fn proposals_page(
    conn: &mut DbConnection,
    user_id: Option<&str>,
    status: Option<ProposalStatus>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ProposalRow>> {
    let mut query = session_proposals::table
        .select(ProposalRow::as_select())
        .into_boxed();
    if let Some(user_id) = user_id {
        query = query.filter(session_proposals::user_id.eq(user_id.to_owned()));
    }
    let columns = StatusQueue {
        status: session_proposals::status,
        key: session_proposals::created_at,
        id: session_proposals::id,
    };
    keyset::status_page(
        conn,
        query,
        columns,
        status.map(|s| s.as_str()),
        after,
        limit,
    )
}

/// How a proposal leaves `submitted`.
#[derive(Debug, Clone)]
pub struct ProposalClosing<'a> {
    pub status: ProposalStatus,
    pub note: Option<&'a str>,
    pub event_id: Option<&'a str>,
    pub at: NaiveDateTime,
    pub by: &'a str,
}

/// Decides a submitted proposal. `false` when it was no longer submitted: the condition is in
/// the `UPDATE`, so of two concurrent decisions only one changes the row.
pub fn close_proposal(
    conn: &mut DbConnection,
    id: &str,
    closing: &ProposalClosing<'_>,
) -> Result<bool> {
    let changed = diesel::update(
        session_proposals::table
            .find(id)
            .filter(session_proposals::status.eq(DbEnum(ProposalStatus::Submitted))),
    )
    .set((
        session_proposals::status.eq(DbEnum(closing.status)),
        session_proposals::note.eq(closing.note),
        session_proposals::event_id.eq(closing.event_id),
        session_proposals::decided_at.eq(Some(closing.at)),
        session_proposals::decided_by.eq(Some(closing.by)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// A page of the events a member facilitated in these spaces, latest first, after the keyset
/// cursor `(starts_at, id)` (index `events_facilitator_idx`).
pub fn facilitated_page(
    conn: &mut DbConnection,
    facilitator: &str,
    space_ids: &[String],
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<crate::events::EventRow>> {
    let mut query = events::table
        .filter(events::facilitator_id.eq(facilitator.to_owned()))
        .filter(events::space_id.eq_any(space_ids.to_vec()))
        .select(crate::events::EventRow::as_select())
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            events::starts_at
                .lt(at)
                .or(events::starts_at.eq(at).and(events::id.lt(id))),
        );
    }
    Ok(query
        .order((events::starts_at.desc(), events::id.desc()))
        .limit(limit)
        .load(conn)?)
}

/// One attendee of an event, as its managers see them.
#[derive(Debug, Clone, Queryable)]
pub struct AttendeeRow {
    pub user_id: String,
    pub display_name: String,
    pub rsvped_at: NaiveDateTime,
}

/// A page of who RSVP'd to one event or occurrence, in the order they did, after the keyset
/// cursor `(created_at, user_id)` (index `event_rsvps_event_created_idx`).
pub fn attendees_page(
    conn: &mut DbConnection,
    event_id: &str,
    occurrence_start: NaiveDateTime,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<AttendeeRow>> {
    let mut query = event_rsvps::table
        .inner_join(users::table.on(users::id.eq(event_rsvps::user_id)))
        .filter(event_rsvps::event_id.eq(event_id.to_owned()))
        .filter(event_rsvps::occurrence_start.eq(occurrence_start))
        .select((
            event_rsvps::user_id,
            users::display_name,
            event_rsvps::created_at,
        ))
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            event_rsvps::created_at.gt(at).or(event_rsvps::created_at
                .eq(at)
                .and(event_rsvps::user_id.gt(id))),
        );
    }
    Ok(query
        .order((event_rsvps::created_at.asc(), event_rsvps::user_id.asc()))
        .limit(limit)
        .load(conn)?)
}

/// One attendee's feedback on an event or occurrence.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = event_feedback)]
pub struct FeedbackRow {
    pub event_id: String,
    pub occurrence_start: NaiveDateTime,
    pub user_id: String,
    pub clarity: i32,
    pub engagement: i32,
    pub usefulness: i32,
    pub worked: String,
    pub try_next: String,
    pub anonymous: bool,
    pub created_at: NaiveDateTime,
}

/// Stores feedback; a second from the same attendee is 409 `feedback-given` (the primary key
/// decides, so two concurrent submissions cannot both pass).
pub fn insert_feedback(conn: &mut DbConnection, row: &FeedbackRow) -> Result<()> {
    match diesel::insert_into(event_feedback::table)
        .values(row.clone())
        .execute(conn)
    {
        Ok(_) => Ok(()),
        Err(e) => match crate::Error::from(e) {
            crate::Error::UniqueViolation(_) => Err(praxis_domain::Error::conflict(
                "feedback-given",
                "You already gave feedback on this event.",
            )
            .into()),
            other => Err(other),
        },
    }
}

/// Every piece of feedback on an event or occurrence, oldest first, with the giver's name.
pub fn feedback_of(
    conn: &mut DbConnection,
    event_id: &str,
    occurrence_start: NaiveDateTime,
) -> Result<Vec<(FeedbackRow, String)>> {
    Ok(event_feedback::table
        .inner_join(users::table.on(users::id.eq(event_feedback::user_id)))
        .filter(event_feedback::event_id.eq(event_id))
        .filter(event_feedback::occurrence_start.eq(occurrence_start))
        .order((
            event_feedback::created_at.asc(),
            event_feedback::user_id.asc(),
        ))
        .select((FeedbackRow::as_select(), users::display_name))
        .load(conn)?)
}
