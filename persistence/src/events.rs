//! Themes, event series, single events and changed occurrences, RSVPs and reminders.

use crate::connection::Lockable;
use crate::error::{Error, Result};
use crate::schema::{
    event_reminder_settings, event_reminders_sent, event_rsvps, event_series, events, themes, users,
};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::ids::{EventId, UserId};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = themes)]
pub struct ThemeRow {
    pub id: String,
    pub month: String,
    pub title: String,
    pub description: String,
    pub space_id: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = event_series)]
pub struct SeriesRow {
    pub id: String,
    pub kind: String,
    pub format: Option<String>,
    pub title: String,
    pub description: String,
    pub space_id: String,
    pub theme_id: Option<String>,
    pub join_url: String,
    pub capacity: Option<i32>,
    pub host_id: Option<String>,
    pub time_zone: String,
    pub local_start: String,
    pub duration_minutes: i32,
    pub frequency: String,
    pub repeat_interval: i32,
    pub by_weekday: String,
    pub week_of_month: Option<i32>,
    pub starts_on: String,
    pub until_date: Option<String>,
    pub occurrence_count: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A single event, or a changed or cancelled occurrence of a series (`series_id` and
/// `original_start` name the occurrence). A single event's `original_start` is the start it was
/// created with, so its RSVPs stay attached when it moves.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: String,
    pub series_id: Option<String>,
    pub original_start: Option<NaiveDateTime>,
    pub kind: String,
    pub format: Option<String>,
    pub title: String,
    pub description: String,
    pub space_id: String,
    pub theme_id: Option<String>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub time_zone: String,
    pub join_url: String,
    pub capacity: Option<i32>,
    pub host_id: Option<String>,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The PRO member who runs the event (an accepted session proposal); they manage this
    /// event, and only this one.
    pub facilitator_id: Option<String>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = events)]
pub struct EventChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub join_url: Option<String>,
    pub capacity: Option<Option<i32>>,
    pub status: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = event_rsvps)]
pub struct RsvpRow {
    /// The single event's id, or the series id for an occurrence.
    pub event_id: String,
    /// The single event's `original_start`, or the occurrence's original start.
    pub occurrence_start: NaiveDateTime,
    pub user_id: String,
    pub created_at: NaiveDateTime,
}

// Themes

pub fn insert_theme(conn: &mut DbConnection, row: &ThemeRow) -> Result<()> {
    diesel::insert_into(themes::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_theme(conn: &mut DbConnection, id: &str) -> Result<Option<ThemeRow>> {
    Ok(themes::table
        .find(id)
        .select(ThemeRow::as_select())
        .first(conn)
        .optional()?)
}

/// Replaces a theme's month, title and description. Another theme of its space in the new
/// month is a `UniqueViolation`.
pub fn update_theme(conn: &mut DbConnection, row: &ThemeRow) -> Result<()> {
    diesel::update(themes::table.find(&row.id))
        .set((
            themes::month.eq(&row.month),
            themes::title.eq(&row.title),
            themes::description.eq(&row.description),
        ))
        .execute(conn)?;
    Ok(())
}

/// A page of the themes of these spaces, newest month first, after the cursor `(month, id)`.
///
/// Keyed by the `"YYYY-MM"` text of the month, so not `keyset::after`'s `(instant, id)`; the
/// same predicate spelled for text, with its leading `month <= ?` that lets the index seek.
pub fn themes_page(
    conn: &mut DbConnection,
    space_ids: &[String],
    after: Option<(String, String)>,
    limit: i64,
) -> Result<Vec<ThemeRow>> {
    let mut query = themes::table
        .filter(themes::space_id.eq_any(space_ids))
        .order((themes::month.desc(), themes::id.desc()))
        .select(ThemeRow::as_select())
        .limit(limit)
        .into_boxed();
    if let Some((month, id)) = after {
        query = query.filter(
            themes::month.le(month.clone()).and(
                themes::month
                    .lt(month.clone())
                    .or(themes::month.eq(month).and(themes::id.lt(id))),
            ),
        );
    }
    Ok(query.load(conn)?)
}

// Series and events

pub fn insert_series(conn: &mut DbConnection, row: &SeriesRow) -> Result<()> {
    diesel::insert_into(event_series::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_series(conn: &mut DbConnection, id: &str) -> Result<Option<SeriesRow>> {
    Ok(event_series::table
        .find(id)
        .select(SeriesRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every series in these spaces, of one kind if given.
pub fn series_in(
    conn: &mut DbConnection,
    space_ids: &[String],
    kind: Option<&str>,
) -> Result<Vec<SeriesRow>> {
    let mut query = event_series::table
        .filter(event_series::space_id.eq_any(space_ids))
        .select(SeriesRow::as_select())
        .order(event_series::id.asc())
        .into_boxed();
    if let Some(kind) = kind {
        query = query.filter(event_series::kind.eq(kind.to_owned()));
    }
    Ok(query.load(conn)?)
}

pub fn insert_event(conn: &mut DbConnection, row: &EventRow) -> Result<()> {
    diesel::insert_into(events::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_event(conn: &mut DbConnection, id: &str) -> Result<Option<EventRow>> {
    Ok(events::table
        .find(id)
        .filter(events::series_id.is_null())
        .select(EventRow::as_select())
        .first(conn)
        .optional()?)
}

/// The row that changes or cancels one occurrence of a series, if any.
pub fn find_override(
    conn: &mut DbConnection,
    series_id: &str,
    original_start: NaiveDateTime,
) -> Result<Option<EventRow>> {
    Ok(events::table
        .filter(events::series_id.eq(series_id))
        .filter(events::original_start.eq(original_start))
        .select(EventRow::as_select())
        .first(conn)
        .optional()?)
}

/// Single events in these spaces overlapping `[from, to)`.
pub fn singles_between(
    conn: &mut DbConnection,
    space_ids: &[String],
    kind: Option<&str>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<EventRow>> {
    let mut query = events::table
        .filter(events::series_id.is_null())
        .filter(events::space_id.eq_any(space_ids))
        .filter(events::starts_at.lt(to))
        .filter(events::ends_at.gt(from))
        .select(EventRow::as_select())
        .order((events::starts_at.asc(), events::id.asc()))
        .into_boxed();
    if let Some(kind) = kind {
        query = query.filter(events::kind.eq(kind.to_owned()));
    }
    Ok(query.load(conn)?)
}

/// Every changed or cancelled occurrence of these series.
pub fn overrides_of(conn: &mut DbConnection, series_ids: &[String]) -> Result<Vec<EventRow>> {
    if series_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(events::table
        .filter(events::series_id.eq_any(series_ids))
        .select(EventRow::as_select())
        .load(conn)?)
}

pub fn update_event(conn: &mut DbConnection, id: &str, changes: &EventChanges) -> Result<()> {
    let updated = diesel::update(events::table.find(id))
        .set(changes)
        .execute(conn)?;
    if updated == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

// RSVPs

/// Serialises RSVPs to one event or series (PostgreSQL; SQLite write transactions already are).
pub fn lock_for_rsvp(conn: &mut DbConnection, event_id: &str, is_series: bool) -> Result<()> {
    let row = if is_series {
        Lockable::EventSeries
    } else {
        Lockable::Event
    };
    crate::connection::lock_row(conn, row, event_id)
}

pub fn count_rsvps(
    conn: &mut DbConnection,
    event_id: &str,
    occurrence_start: NaiveDateTime,
) -> Result<i64> {
    Ok(event_rsvps::table
        .filter(event_rsvps::event_id.eq(event_id))
        .filter(event_rsvps::occurrence_start.eq(occurrence_start))
        .count()
        .get_result(conn)?)
}

pub fn has_rsvp(
    conn: &mut DbConnection,
    event: &EventId,
    occurrence_start: NaiveDateTime,
    user: &UserId,
) -> Result<bool> {
    let (event_id, user_id) = (event.as_str(), user.as_str());
    Ok(event_rsvps::table
        .filter(event_rsvps::event_id.eq(event_id))
        .filter(event_rsvps::occurrence_start.eq(occurrence_start))
        .filter(event_rsvps::user_id.eq(user_id))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

pub fn insert_rsvp(conn: &mut DbConnection, row: &RsvpRow) -> Result<()> {
    diesel::insert_into(event_rsvps::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn delete_rsvp(
    conn: &mut DbConnection,
    event: &EventId,
    occurrence_start: NaiveDateTime,
    user: &UserId,
) -> Result<bool> {
    let (event_id, user_id) = (event.as_str(), user.as_str());
    let deleted = diesel::delete(
        event_rsvps::table
            .filter(event_rsvps::event_id.eq(event_id))
            .filter(event_rsvps::occurrence_start.eq(occurrence_start))
            .filter(event_rsvps::user_id.eq(user_id)),
    )
    .execute(conn)?;
    Ok(deleted > 0)
}

/// RSVPs per occurrence of these events or series that start originally within `[from, to]`,
/// each with how many of them `user_id` made (0 or 1), in one query over the primary key
/// `(event_id, occurrence_start, user_id)`: the RSVPs to a series' other occurrences, past or
/// far ahead, are never read.
pub fn rsvp_tallies(
    conn: &mut DbConnection,
    event_ids: &[String],
    from: NaiveDateTime,
    to: NaiveDateTime,
    user_id: Option<&str>,
) -> Result<Vec<(String, NaiveDateTime, i64, i64)>> {
    use diesel::dsl::{count_star, sql};
    use diesel::sql_types::{BigInt, Text};
    if event_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mine = sql::<BigInt>("COALESCE(SUM(CASE WHEN user_id = ")
        .bind::<Text, _>(user_id.unwrap_or("").to_owned())
        .sql(" THEN 1 ELSE 0 END), 0)");
    Ok(event_rsvps::table
        .filter(event_rsvps::event_id.eq_any(event_ids))
        .filter(event_rsvps::occurrence_start.ge(from))
        .filter(event_rsvps::occurrence_start.le(to))
        .group_by((event_rsvps::event_id, event_rsvps::occurrence_start))
        .select((
            event_rsvps::event_id,
            event_rsvps::occurrence_start,
            count_star(),
            mine,
        ))
        .load(conn)?)
}

/// RSVPs to occurrences originally starting within `[from, to]`: the reminder job's
/// candidates, on `event_rsvps_start_idx (occurrence_start, …)`, so neither past RSVPs nor
/// those far ahead are read.
pub fn rsvps_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<RsvpRow>> {
    Ok(event_rsvps::table
        .filter(event_rsvps::occurrence_start.ge(from))
        .filter(event_rsvps::occurrence_start.le(to))
        .order((
            event_rsvps::occurrence_start.asc(),
            event_rsvps::event_id.asc(),
            event_rsvps::user_id.asc(),
        ))
        .select(RsvpRow::as_select())
        .load(conn)?)
}

// Reminders

/// Whether the member gets event reminders (on unless turned off).
/// Which of these members turned event reminders off, in one query.
pub fn reminders_disabled(
    conn: &mut DbConnection,
    user_ids: &[String],
) -> Result<std::collections::HashSet<String>> {
    Ok(event_reminder_settings::table
        .filter(event_reminder_settings::user_id.eq_any(user_ids))
        .filter(event_reminder_settings::enabled.eq(false))
        .select(event_reminder_settings::user_id)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// The reminders already queued for RSVPs to occurrences originally starting within
/// `[from, to]`, as `(event id, original start, user id, reminder)`, in one query.
pub fn reminders_queued_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<std::collections::HashSet<(String, NaiveDateTime, String, String)>> {
    Ok(event_reminders_sent::table
        .filter(event_reminders_sent::occurrence_start.ge(from))
        .filter(event_reminders_sent::occurrence_start.le(to))
        .select((
            event_reminders_sent::event_id,
            event_reminders_sent::occurrence_start,
            event_reminders_sent::user_id,
            event_reminders_sent::reminder,
        ))
        .load(conn)?
        .into_iter()
        .collect())
}

pub fn reminders_enabled(conn: &mut DbConnection, user_id: &str) -> Result<bool> {
    Ok(event_reminder_settings::table
        .find(user_id)
        .select(event_reminder_settings::enabled)
        .first::<bool>(conn)
        .optional()?
        .unwrap_or(true))
}

pub fn set_reminders(
    conn: &mut DbConnection,
    user_id: &str,
    enabled: bool,
    at: NaiveDateTime,
) -> Result<()> {
    let updated = diesel::update(event_reminder_settings::table.find(user_id))
        .set((
            event_reminder_settings::enabled.eq(enabled),
            event_reminder_settings::updated_at.eq(at),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(event_reminder_settings::table)
            .values((
                event_reminder_settings::user_id.eq(user_id),
                event_reminder_settings::enabled.eq(enabled),
                event_reminder_settings::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Whether this reminder was already queued for this RSVP.
pub fn reminder_queued(conn: &mut DbConnection, rsvp: &RsvpRow, reminder: &str) -> Result<bool> {
    Ok(event_reminders_sent::table
        .filter(event_reminders_sent::event_id.eq(&rsvp.event_id))
        .filter(event_reminders_sent::occurrence_start.eq(rsvp.occurrence_start))
        .filter(event_reminders_sent::user_id.eq(&rsvp.user_id))
        .filter(event_reminders_sent::reminder.eq(reminder))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Records a reminder as queued; a second record for the same one is a `UniqueViolation`.
pub fn record_reminder(
    conn: &mut DbConnection,
    rsvp: &RsvpRow,
    reminder: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(event_reminders_sent::table)
        .values((
            event_reminders_sent::event_id.eq(&rsvp.event_id),
            event_reminders_sent::occurrence_start.eq(rsvp.occurrence_start),
            event_reminders_sent::user_id.eq(&rsvp.user_id),
            event_reminders_sent::reminder.eq(reminder),
            event_reminders_sent::queued_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

// Calendar feeds

/// The member a personal feed token belongs to.
pub fn user_by_feed_token(conn: &mut DbConnection, token: &str) -> Result<Option<String>> {
    Ok(users::table
        .filter(users::calendar_feed_token.eq(token))
        .select(users::id)
        .first(conn)
        .optional()?)
}

pub fn set_feed_token(
    conn: &mut DbConnection,
    user_id: &str,
    token: &str,
    at: NaiveDateTime,
) -> Result<()> {
    let updated = diesel::update(users::table.find(user_id))
        .set((
            users::calendar_feed_token.eq(token),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

// Whole series

/// Ends a series on the local date `until`: the last date it may still produce an occurrence.
pub fn end_series(conn: &mut DbConnection, id: &str, until: &str, at: NaiveDateTime) -> Result<()> {
    diesel::update(event_series::table.find(id))
        .set((
            event_series::until_date.eq(Some(until)),
            event_series::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The RSVPs to the occurrences of a series originally starting after `after`, by member and
/// start (over the primary key `(event_id, occurrence_start, user_id)`).
pub fn series_rsvps_after(
    conn: &mut DbConnection,
    series_id: &str,
    after: NaiveDateTime,
) -> Result<Vec<RsvpRow>> {
    Ok(event_rsvps::table
        .filter(event_rsvps::event_id.eq(series_id))
        .filter(event_rsvps::occurrence_start.gt(after))
        .order((event_rsvps::user_id, event_rsvps::occurrence_start))
        .select(RsvpRow::as_select())
        .load(conn)?)
}

/// Moves what hangs on one occurrence of a series (its RSVPs, the reminders already queued for
/// them, and its changed row with any questions or recording on it) to the occurrence that
/// replaces it in the series continuing it; the changed row takes `starts`/`ends`.
pub fn rekey_occurrence(
    conn: &mut DbConnection,
    old: (&str, NaiveDateTime),
    new: (&str, NaiveDateTime),
    keep_reminders: bool,
    moved_row: Option<(&str, NaiveDateTime, NaiveDateTime)>,
) -> Result<()> {
    diesel::update(
        event_rsvps::table
            .filter(event_rsvps::event_id.eq(old.0))
            .filter(event_rsvps::occurrence_start.eq(old.1)),
    )
    .set((
        event_rsvps::event_id.eq(new.0),
        event_rsvps::occurrence_start.eq(new.1),
    ))
    .execute(conn)?;
    if keep_reminders {
        diesel::update(
            event_reminders_sent::table
                .filter(event_reminders_sent::event_id.eq(old.0))
                .filter(event_reminders_sent::occurrence_start.eq(old.1)),
        )
        .set((
            event_reminders_sent::event_id.eq(new.0),
            event_reminders_sent::occurrence_start.eq(new.1),
        ))
        .execute(conn)?;
    }
    if let Some((row_id, starts, ends)) = moved_row {
        diesel::update(events::table.find(row_id))
            .set((
                events::series_id.eq(Some(new.0)),
                events::original_start.eq(Some(new.1)),
                events::starts_at.eq(starts),
                events::ends_at.eq(ends),
            ))
            .execute(conn)?;
    }
    Ok(())
}
