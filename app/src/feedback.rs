//! Attendees who RSVP'd give structured feedback on an event once, after it ended; its
//! facilitator and the hosts read the aggregate and the comments, and nobody else learns that
//! there is any.

use crate::access::ViewerContext;
use crate::error::{Error, Result};
use crate::events::{find_occurrence, readable_occurrence, Occurrence};
use crate::facilitation::{facilitates, is_host};
use chrono::{DateTime, Utc};
use praxis_domain::events::EventRef;
use praxis_domain::feedback::{self, Averages, Feedback, Ratings};
use praxis_domain::ids::{EventId, UserId};
use praxis_persistence::events as events_repo;
use praxis_persistence::giveback::{self as repo, FeedbackRow};
use praxis_persistence::{to_db_time, DbConnection};

/// One comment as the facilitator reads it: attributed, or without any author.
#[derive(Debug, Clone)]
pub struct Comment {
    pub worked: String,
    pub try_next: String,
    /// `(id, display name)` of the giver, unless they chose to stay anonymous.
    pub author: Option<(String, String)>,
}

/// The aggregate of an event's feedback.
#[derive(Debug, Clone)]
pub struct Summary {
    pub count: usize,
    pub averages: Option<Averages>,
    pub comments: Vec<Comment>,
}

/// Gives feedback on an event the caller may read and RSVP'd to (403 `rsvp-required`
/// otherwise), once it ended (409 `event-not-ended`), once (409 `feedback-given`).
pub fn give(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &EventId,
    given: Feedback,
    now: DateTime<Utc>,
) -> Result<()> {
    let user = ctx
        .user_id
        .as_deref()
        .map(UserId::from_trusted)
        .ok_or_else(|| Error::unauthenticated("authentication-required", "Sign in first."))?;
    let (occurrence, _) = readable_occurrence(conn, ctx, id)?;
    let event_id = EventId::from_trusted(occurrence.rsvp_event_id.clone());
    let start = to_db_time(occurrence.rsvp_start);
    if !events_repo::has_rsvp(conn, &event_id, start, &user)? {
        return Err(Error::forbidden(
            "rsvp-required",
            "Only members who RSVP'd to this event give feedback on it.",
        ));
    }
    feedback::may_give(occurrence.ends_at <= now)?;
    repo::insert_feedback(
        conn,
        &FeedbackRow {
            event_id: event_id.into_inner(),
            occurrence_start: start,
            user_id: user.into_inner(),
            clarity: given.ratings.clarity,
            engagement: given.ratings.engagement,
            usefulness: given.ratings.usefulness,
            worked: given.worked,
            try_next: given.try_next,
            anonymous: given.anonymous,
            created_at: to_db_time(now),
        },
    )?;
    Ok(())
}

/// The event, if the caller reads its feedback: its facilitator, or a host who may read its
/// space (feedback on a sealed room's session stays in the room). Everyone else, attendees
/// included, gets 404 as if there were no such thing.
fn readable_by(conn: &mut DbConnection, ctx: &ViewerContext, id: &EventId) -> Result<Occurrence> {
    let parsed = EventRef::parse(id.as_str()).map_err(|_| Error::NotFound("feedback"))?;
    let occurrence = find_occurrence(conn, &parsed)?.ok_or(Error::NotFound("feedback"))?;
    let host = is_host(ctx) && readable_occurrence(conn, ctx, id).is_ok();
    if host || facilitates(ctx, &occurrence) {
        Ok(occurrence)
    } else {
        Err(Error::NotFound("feedback"))
    }
}

/// The count, the averages and the comments of an event's feedback, for its facilitator and
/// the hosts.
pub fn summary(conn: &mut DbConnection, ctx: &ViewerContext, id: &EventId) -> Result<Summary> {
    let occurrence = readable_by(conn, ctx, id)?;
    let rows = repo::feedback_of(
        conn,
        &occurrence.rsvp_event_id,
        to_db_time(occurrence.rsvp_start),
    )?;
    let ratings: Vec<Ratings> = rows
        .iter()
        .map(|(r, _)| Ratings {
            clarity: r.clarity,
            engagement: r.engagement,
            usefulness: r.usefulness,
        })
        .collect();
    Ok(Summary {
        count: rows.len(),
        averages: feedback::averages(&ratings),
        comments: rows
            .into_iter()
            .map(|(row, name)| Comment {
                author: (!row.anonymous).then_some((row.user_id, name)),
                worked: row.worked,
                try_next: row.try_next,
            })
            .collect(),
    })
}
