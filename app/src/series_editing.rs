//! Hosts change or end a whole recurring series from now on: past occurrences (and one under
//! way) keep their history, future ones change, move or are cancelled, and every member who
//! RSVP'd to a moved or cancelled occurrence and may still read the space is told once, by mail
//! through the outbox.
//!
//! The series keeps its id and rule; ending it sets its last date (`until_date`) to the local
//! date of the last occurrence that has started, so every occurrence after it disappears from
//! lists, calendars and reminders at once (reminders look occurrences up by the series id and
//! original start, and find none). RSVPs stay as history; a second ending changes nothing.
//!
//! A change splits the series: the old one ends after its last started occurrence (so the past
//! keeps its title, time and RSVPs) and a new series, with a new id, continues it from the
//! first future occurrence with the same rule and the remaining count. Each future occurrence
//! maps to the one on the same date in the new series, and what hangs on it is re-keyed to it
//! in the same transaction: RSVPs (so places, attendee lists and reminders follow the member to
//! the new time), its changed row (with questions or a recording), and, when its time did not
//! move, the reminders already queued (so none is sent twice; a moved occurrence gets fresh
//! reminders for its new time). Occurrence ids of the future change to `<new series id>@<start>`;
//! the answer names the new series and its next occurrence.

use crate::access::{all_spaces, load_viewer};
use crate::error::{Error, Result};
use crate::events::series_rule;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use praxis_domain::event_plans::EventStatus;
use praxis_domain::event_plans::SeriesChange;
use praxis_domain::events::{EventRef, Series};
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
    let (last_date, _) = started(&rule, now);
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
    let notice = Notice {
        kind: "event_series_cancelled",
        subject: format!("Cancelled: {}", series.title),
        intro: format!(
            "The hosts ended the series \"{}\". These sessions you RSVP'd to will not take place:",
            series.title
        ),
    };
    tell_members(conn, &series.space_id, &notice, &cancelled, now)?;
    audit(
        conn,
        (host, "series.cancelled", id, &series.space_id),
        &serde_json::json!({
            "ends_on": last_date.format("%Y-%m-%d").to_string(),
            "members_told": cancelled.len(),
        }),
        now,
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

/// The local date of the last occurrence that has started by `now` (or the day before the
/// first date when none has), and how many have started.
fn started(rule: &Series, now: DateTime<Utc>) -> (NaiveDate, usize) {
    let starts = rule.occurrences_between(DateTime::<Utc>::MIN_UTC, now + Duration::seconds(1));
    let last_date = match starts.last() {
        Some(start) => start.with_timezone(&rule.time_zone).date_naive(),
        // Nothing has started: the series ends before its first date and has no occurrence.
        None => rule.starts_on.pred_opt().unwrap_or(rule.starts_on),
    };
    (last_date, starts.len())
}

/// Records a host's step on a series `(host, action, series id, space id)`; `after` never
/// carries titles, descriptions or links (a series may be in a sealed room).
fn audit(
    conn: &mut DbConnection,
    (host, action, id, space_id): (&UserId, &str, &str, &str),
    after: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    praxis_persistence::audit::record(
        conn,
        &crate::audit::entry::<(), _>(Some(host), action, "series", id, None, Some(after), now)
            .in_space(space_id),
    )?;
    Ok(())
}

/// What a mail about a series says before the times it lists.
struct Notice {
    kind: &'static str,
    subject: String,
    intro: String,
}

/// One mail per member, with the times in their own zone, to those who may still read the
/// series' space (a member who left a sealed room learns nothing of it).
fn tell_members(
    conn: &mut DbConnection,
    space_id: &str,
    notice: &Notice,
    times_by_member: &BTreeMap<String, Vec<DateTime<Utc>>>,
    now: DateTime<Utc>,
) -> Result<()> {
    let spaces = all_spaces(conn)?;
    let Some(space) = spaces.iter().find(|s| s.row.id == space_id) else {
        return Ok(());
    };
    for (user_id, starts) in times_by_member {
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
                kind: notice.kind,
                recipient: user.email,
                subject: notice.subject.clone(),
                body: format!("{}\n\n{}\n", notice.intro, times.join("\n")),
            },
            to_db_time(now),
        )?;
    }
    Ok(())
}

/// The series continuing a changed one and its next occurrence's id.
#[derive(Debug, Clone)]
pub struct SeriesChanged {
    pub series_id: String,
    pub next_occurrence_id: String,
}

/// Changes series `id` from now on (see the module notes): 404 `series` when there is none,
/// 409 `series-ended` when no occurrence is left to change, 422 `time_of_day` when the next
/// occurrence would move into the past. Audited, without the texts.
pub fn change(
    conn: &mut DbConnection,
    host: &UserId,
    id: &str,
    change: SeriesChange,
    now: DateTime<Utc>,
) -> Result<SeriesChanged> {
    let old = repo::find_series(conn, id)?.ok_or(Error::NotFound("series"))?;
    let rule = series_rule(&old)?;
    let future: Vec<DateTime<Utc>> = rule
        .occurrences_between(now, DateTime::<Utc>::MAX_UTC)
        .into_iter()
        .filter(|start| *start > now)
        .collect();
    let Some(first) = future.first() else {
        return Err(Error::conflict(
            "series-ended",
            "This series has no occurrence left to change.",
        ));
    };
    let (last_date, started_count) = started(&rule, now);
    let new = continuation(&old, &change, *first, started_count, now);
    let new_starts =
        series_rule(&new)?.occurrences_between(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
    if new_starts.first().is_none_or(|start| *start <= now) {
        return Err(Error::field(
            "time_of_day",
            "the next occurrence would start in the past",
        ));
    }
    let moves: BTreeMap<DateTime<Utc>, DateTime<Utc>> = future
        .iter()
        .copied()
        .zip(new_starts.iter().copied())
        .collect();
    repo::end_series(
        conn,
        id,
        &last_date.format("%Y-%m-%d").to_string(),
        to_db_time(now),
    )?;
    repo::insert_series(conn, &new)?;
    let told = follow(conn, &old, &new, &moves, change.moves())?;
    let notice = Notice {
        kind: "event_series_moved",
        subject: format!("New time: {}", new.title),
        intro: format!(
            "The hosts changed the series \"{}\". The sessions you RSVP'd to now start at:",
            new.title
        ),
    };
    tell_members(conn, &new.space_id, &notice, &told, now)?;
    audit(
        conn,
        (host, "series.changed", id, &old.space_id),
        &serde_json::json!({
            "continued_by": new.id,
            "moved": change.moves(),
            "members_told": told.len(),
        }),
        now,
    )?;
    Ok(SeriesChanged {
        next_occurrence_id: EventRef::occurrence_id(&new.id, new_starts[0]),
        series_id: new.id,
    })
}

/// The series continuing `old` from `first` on, with the change applied.
fn continuation(
    old: &SeriesRow,
    change: &SeriesChange,
    first: DateTime<Utc>,
    started_count: usize,
    now: DateTime<Utc>,
) -> SeriesRow {
    let zone: chrono_tz::Tz = old.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let text = change.text.clone();
    SeriesRow {
        id: uuid::Uuid::now_v7().to_string(),
        title: text.title.unwrap_or_else(|| old.title.clone()),
        description: text.description.unwrap_or_else(|| old.description.clone()),
        join_url: text.join_url.unwrap_or_else(|| old.join_url.clone()),
        local_start: change.time_of_day.map_or_else(
            || old.local_start.clone(),
            |t| t.format("%H:%M").to_string(),
        ),
        duration_minutes: change.duration_minutes.unwrap_or(old.duration_minutes),
        starts_on: first
            .with_timezone(&zone)
            .date_naive()
            .format("%Y-%m-%d")
            .to_string(),
        occurrence_count: old
            .occurrence_count
            .map(|count| count.saturating_sub(i32::try_from(started_count).unwrap_or(i32::MAX))),
        created_at: to_db_time(now),
        updated_at: to_db_time(now),
        ..old.clone()
    }
}

/// Re-keys what hangs on each future occurrence of `old` to its continuation in `new` (only
/// occurrences with RSVPs or a changed row cost a write), and answers, by member, the new
/// times of the occurrences they RSVP'd to that moved (when `moved`) and are not cancelled.
fn follow(
    conn: &mut DbConnection,
    old: &SeriesRow,
    new: &SeriesRow,
    moves: &BTreeMap<DateTime<Utc>, DateTime<Utc>>,
    moved: bool,
) -> Result<BTreeMap<String, Vec<DateTime<Utc>>>> {
    let Some(first) = moves.keys().next() else {
        return Ok(BTreeMap::new());
    };
    let after = to_db_time(*first - Duration::seconds(1));
    let rsvps = repo::series_rsvps_after(conn, &old.id, after)?;
    let changed: BTreeMap<DateTime<Utc>, praxis_persistence::events::EventRow> =
        repo::overrides_of(conn, std::slice::from_ref(&old.id))?
            .into_iter()
            .filter_map(|row| Some((from_db_time(row.original_start?), row)))
            .filter(|(start, _)| moves.contains_key(start))
            .collect();
    let touched: std::collections::BTreeSet<DateTime<Utc>> = rsvps
        .iter()
        .map(|r| from_db_time(r.occurrence_start))
        .chain(changed.keys().copied())
        .collect();
    let length = Duration::minutes(i64::from(new.duration_minutes));
    for from in &touched {
        let Some(to) = moves.get(from) else { continue };
        let row = changed.get(from).map(|row| {
            let starts = from_db_time(row.starts_at) + (*to - *from);
            let ends = if moved {
                starts + length
            } else {
                from_db_time(row.ends_at) + (*to - *from)
            };
            (row.id.as_str(), to_db_time(starts), to_db_time(ends))
        });
        repo::rekey_occurrence(
            conn,
            (&old.id, to_db_time(*from)),
            (&new.id, to_db_time(*to)),
            from == to,
            row,
        )?;
    }
    let mut told: BTreeMap<String, Vec<DateTime<Utc>>> = BTreeMap::new();
    if moved {
        for rsvp in rsvps {
            let from = from_db_time(rsvp.occurrence_start);
            let cancelled = changed
                .get(&from)
                .is_some_and(|row| row.status == EventStatus::Cancelled.as_str());
            if let (Some(to), false) = (moves.get(&from), cancelled) {
                let shown = changed
                    .get(&from)
                    .map_or(*to, |row| from_db_time(row.starts_at) + (*to - from));
                told.entry(rsvp.user_id).or_default().push(shown);
            }
        }
    }
    Ok(told)
}
