//! Hosts end a whole recurring series from now on: its future occurrences are cancelled, its
//! past ones (and one under way) stay as they were, and every member who RSVP'd to a cancelled
//! occurrence and may still read the space is told once, by mail through the outbox.
//!
//! The series keeps its id and rule; ending it sets its last date (`until_date`) to the local
//! date of the last occurrence that has started, so every occurrence after it disappears from
//! lists, calendars and reminders at once (reminders look occurrences up by the series id and
//! original start, and find none). RSVPs stay as history; a second ending changes nothing.

use crate::access::{all_spaces, load_viewer};
use crate::error::{Error, Result};
use crate::events::series_rule;
use chrono::{DateTime, Duration, Utc};
use praxis_domain::event_plans::EventStatus;
use praxis_domain::ids::UserId;
use praxis_persistence::events::{self as repo, RsvpRow, SeriesRow};
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::{from_db_time, to_db_time, users, DbConnection};
use std::collections::{BTreeMap, HashSet};

/// Cancels every occurrence of series `id` starting after `now` (404 `series` when there is no
/// such series). Audited when it changes something; ending an ended series changes nothing.
pub fn cancel(conn: &mut DbConnection, host: &UserId, id: &str, now: DateTime<Utc>) -> Result<()> {
    let series = repo::find_series(conn, id)?.ok_or(Error::NotFound("series"))?;
    let rule = series_rule(&series)?;
    let last_started = rule
        .occurrences_between(DateTime::<Utc>::MIN_UTC, now + Duration::seconds(1))
        .last()
        .copied();
    let last_date = match last_started {
        Some(start) => start.with_timezone(&rule.time_zone).date_naive(),
        // Nothing has started: the series ends before its first date and has no occurrence.
        None => rule.starts_on.pred_opt().unwrap_or(rule.starts_on),
    };
    if rule.rule.until.is_some_and(|until| until <= last_date) {
        return Ok(());
    }
    let cancelled = cancelled_rsvps(conn, &series, now)?;
    repo::end_series(
        conn,
        id,
        &last_date.format("%Y-%m-%d").to_string(),
        to_db_time(now),
    )?;
    tell_members(conn, &series, &cancelled, now)?;
    praxis_persistence::audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(host),
            "series.cancelled",
            "series",
            id,
            None,
            Some(&serde_json::json!({
                "ends_on": last_date.format("%Y-%m-%d").to_string(),
                "members_told": cancelled.len(),
            })),
            now,
        )
        .in_space(&series.space_id),
    )?;
    Ok(())
}

/// The original starts of the occurrences each member RSVP'd to that the ending cancels: real
/// occurrences after `now` not cancelled before, by member.
fn cancelled_rsvps(
    conn: &mut DbConnection,
    series: &SeriesRow,
    now: DateTime<Utc>,
) -> Result<BTreeMap<String, Vec<DateTime<Utc>>>> {
    let rule = series_rule(series)?;
    let already: HashSet<DateTime<Utc>> =
        repo::overrides_of(conn, std::slice::from_ref(&series.id))?
            .into_iter()
            .filter(|row| row.status == EventStatus::Cancelled.as_str())
            .filter_map(|row| row.original_start.map(from_db_time))
            .collect();
    let mut by_member: BTreeMap<String, Vec<DateTime<Utc>>> = BTreeMap::new();
    for RsvpRow {
        occurrence_start,
        user_id,
        ..
    } in repo::series_rsvps_after(conn, &series.id, to_db_time(now))?
    {
        let start = from_db_time(occurrence_start);
        if !already.contains(&start) && rule.has_occurrence(start) {
            by_member.entry(user_id).or_default().push(start);
        }
    }
    Ok(by_member)
}

/// One mail per member, with the cancelled times in their own zone, to those who may still
/// read the series' space (a member who left a sealed room learns nothing of it).
fn tell_members(
    conn: &mut DbConnection,
    series: &SeriesRow,
    cancelled: &BTreeMap<String, Vec<DateTime<Utc>>>,
    now: DateTime<Utc>,
) -> Result<()> {
    let spaces = all_spaces(conn)?;
    let Some(space) = spaces.iter().find(|s| s.row.id == series.space_id) else {
        return Ok(());
    };
    for (user_id, starts) in cancelled {
        let Some(user) = users::find_by_id(conn, user_id)? else {
            continue;
        };
        if !load_viewer(conn, Some(user_id), now)?
            .access(space)
            .is_granted()
        {
            continue;
        }
        let zone: chrono_tz::Tz = user.time_zone.parse().unwrap_or(chrono_tz::UTC);
        let times: Vec<String> = starts
            .iter()
            .map(|s| {
                format!(
                    "- {} ({})",
                    s.with_timezone(&zone).format("%A %e %B %Y, %H:%M"),
                    zone.name()
                )
            })
            .collect();
        outbox::enqueue(
            conn,
            Mail {
                kind: "event_series_cancelled",
                recipient: user.email,
                subject: format!("Cancelled: {}", series.title),
                body: format!(
                    "The hosts ended the series \"{title}\". These sessions you RSVP'd to will \
                     not take place:\n\n{times}\n",
                    title = series.title,
                    times = times.join("\n"),
                ),
            },
            to_db_time(now),
        )?;
    }
    Ok(())
}
