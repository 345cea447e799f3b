//! Event reminders: a mail 24 hours and another 1 hour before each event a member RSVP'd to,
//! queued through the outbox exactly once each (a row per reminder records it), unless the
//! member turned reminders off or may no longer attend. Each carries a one-click opt-out
//! (`crate::unsubscribe`).

use crate::access::{all_spaces, load_viewer};
use crate::error::Result;
use crate::events::{find_occurrence, Occurrence};
use crate::mail_links::MailLinks;
use crate::unsubscribe::{self, OptOut};
use chrono::{DateTime, Duration, Utc};
use praxis_domain::events::EventRef;
use praxis_domain::ids::UserId;
use praxis_domain::mail::MailCategory;
use praxis_domain::reminders::{due_reminder, Reminder};
use praxis_persistence::events::{self as repo, RsvpRow};
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::{from_db_time, to_db_time, users, write_tx, Database, DbConnection};
use std::collections::HashMap;

/// RSVPs whose original start is further back than this cannot be due: an occurrence moves at
/// most a week (see `crate::events`) and reminders stop at the start.
const LOOKBACK_DAYS: i64 = 8;
/// Nor those whose original start is further ahead than this: the first reminder is a day
/// before the start, which is at most a week before the original one.
const LOOKAHEAD_DAYS: i64 = 9;

struct Due {
    rsvp: RsvpRow,
    reminder: Reminder,
    mail: Mail,
    opt_out: OptOut,
}

/// The event an RSVP is for: a single event's id, or a series id with the original start.
fn rsvp_occurrence(conn: &mut DbConnection, rsvp: &RsvpRow) -> Result<Option<Occurrence>> {
    if let Some(single) = find_occurrence(conn, &EventRef::Single(rsvp.event_id.clone()))? {
        return Ok(Some(single));
    }
    find_occurrence(
        conn,
        &EventRef::Occurrence {
            series_id: rsvp.event_id.clone(),
            original_start: from_db_time(rsvp.occurrence_start),
        },
    )
}

fn message(o: &Occurrence, reminder: Reminder, zone: chrono_tz::Tz, opt_out: &str) -> String {
    let when = match reminder {
        Reminder::DayBefore => "tomorrow",
        Reminder::HourBefore => "in one hour",
    };
    format!(
        "\"{title}\" starts {when}: {local} ({zone}), {utc} UTC.\n\nJoin: {join}\n\n\
         You get this because you RSVP'd. Turn event reminders off with one click:\n{opt_out}\n",
        title = o.title,
        local = o
            .starts_at
            .with_timezone(&zone)
            .format("%A %e %B %Y, %H:%M"),
        zone = zone.name(),
        utc = o.starts_at.format("%Y-%m-%d %H:%M"),
        join = o.join_url,
    )
}

/// The reminders due now that were not queued yet. What a tick reads is bounded by the RSVPs
/// within the window where a reminder can fall due (three queries for all of them, one per
/// occurrence for its schedule), never by the history; only a reminder newly due costs more.
fn due_now(conn: &mut DbConnection, now: DateTime<Utc>, links: &MailLinks) -> Result<Vec<Due>> {
    let from = to_db_time(now - Duration::days(LOOKBACK_DAYS));
    let to = to_db_time(now + Duration::days(LOOKAHEAD_DAYS));
    let rsvps = repo::rsvps_between(conn, from, to)?;
    if rsvps.is_empty() {
        return Ok(Vec::new());
    }
    let queued = repo::reminders_queued_between(conn, from, to)?;
    let mut users: Vec<String> = rsvps.iter().map(|r| r.user_id.clone()).collect();
    users.sort();
    users.dedup();
    let disabled = repo::reminders_disabled(conn, &users)?;
    let spaces = all_spaces(conn)?;
    let mut events: HashMap<(String, DateTime<Utc>), Option<Occurrence>> = HashMap::new();
    let mut due = Vec::new();
    for rsvp in rsvps {
        if disabled.contains(&rsvp.user_id) {
            continue;
        }
        let key = (rsvp.event_id.clone(), from_db_time(rsvp.occurrence_start));
        let occurrence = match events.get(&key) {
            Some(found) => found.clone(),
            None => {
                let found = rsvp_occurrence(conn, &rsvp)?;
                events.insert(key, found.clone());
                found
            }
        };
        let Some(occurrence) = occurrence.filter(|o| !o.cancelled) else {
            continue;
        };
        let Some(reminder) = due_reminder(occurrence.starts_at, now) else {
            continue;
        };
        let sent = (
            rsvp.event_id.clone(),
            rsvp.occurrence_start,
            rsvp.user_id.clone(),
            reminder.as_str().to_owned(),
        );
        if queued.contains(&sent) {
            continue;
        }
        let Some(user) = users::find_by_id(conn, &rsvp.user_id)? else {
            continue;
        };
        let ctx = load_viewer(conn, Some(&rsvp.user_id), now)?;
        let may_attend = spaces
            .iter()
            .find(|s| s.row.id == occurrence.space_id)
            .is_some_and(|s| ctx.access(s).is_granted());
        if !may_attend {
            continue;
        }
        let zone = user.time_zone.parse().unwrap_or(chrono_tz::UTC);
        let opt_out = unsubscribe::opt_out(
            conn,
            links,
            &UserId::from_trusted(user.id.clone()),
            MailCategory::EventReminders,
            now,
        )?;
        due.push(Due {
            mail: Mail {
                kind: "event_reminder",
                recipient: user.email,
                subject: format!("Reminder: {}", occurrence.title),
                body: message(&occurrence, reminder, zone, &opt_out.page),
            },
            opt_out,
            rsvp,
            reminder,
        });
    }
    Ok(due)
}

/// Queues every reminder due now; returns how many were queued. Each is its own transaction
/// that records it and queues its mail together, so two nodes never send one twice. Runs on a
/// blocking thread: it takes connections from `db` as it goes.
pub fn queue_due(db: &Database, now: DateTime<Utc>, links: &MailLinks) -> Result<usize> {
    let due = due_now(&mut *db.conn()?, now, links)?;
    let mut queued = 0;
    for item in due {
        let result = write_tx(&mut *db.conn()?, |conn| -> Result<bool> {
            if repo::reminder_queued(conn, &item.rsvp, item.reminder.as_str())? {
                return Ok(false);
            }
            repo::record_reminder(conn, &item.rsvp, item.reminder.as_str(), to_db_time(now))?;
            // Bulk mail: mail clients offer its one-click opt-out (RFC 8058).
            outbox::enqueue_bulk(conn, item.mail, item.opt_out.one_click, to_db_time(now))?;
            Ok(true)
        });
        match result {
            Ok(true) => queued += 1,
            Ok(false) => {}
            // Another node queued it between our check and insert.
            Err(e) if e.is_conflict() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(queued)
}
