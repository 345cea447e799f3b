//! Hosts plan events: a single event or a recurring series kept at its wall-clock time in its
//! own zone, and changes to or cancellation of one event or one occurrence of a series (an
//! exception; the rest of the series stays). Every step is audited in its transaction.

use crate::access::{all_spaces, Space};
use crate::error::{Error, Result};
use crate::events::{find_occurrence, materialize, series_rule, MAX_MOVE_DAYS};
use chrono::{DateTime, Duration, Utc};
use praxis_domain::event_plans::{self, check_times, EventChange, EventStatus, NewEvent, NewTheme};
use praxis_domain::events::{self, EventRef};
use praxis_domain::ids::{SpaceId, UserId};
use praxis_persistence::events::{self as repo, EventChanges, EventRow, SeriesRow, ThemeRow};
use praxis_persistence::{audit, to_db_time, DbConnection};

/// The id of the space a host plans in, by slug: 422 naming `space` when there is none.
fn space_id(conn: &mut DbConnection, slug: &str) -> Result<SpaceId> {
    Ok(space(conn, slug)?.id())
}

/// The space a host plans in, by slug: 422 naming `space` when there is none.
fn space(conn: &mut DbConnection, slug: &str) -> Result<Space> {
    all_spaces(conn)?
        .into_iter()
        .find(|s| s.row.slug == slug)
        .ok_or_else(|| Error::field("space", "no such space"))
}

/// Creates the monthly theme of a space: one per space and month (409 `theme-exists`).
pub fn create_theme(
    conn: &mut DbConnection,
    host: &UserId,
    theme: NewTheme,
    now: DateTime<Utc>,
) -> Result<ThemeRow> {
    let row = ThemeRow {
        id: uuid::Uuid::now_v7().to_string(),
        month: theme.month,
        title: theme.title,
        description: theme.description,
        space_id: space_id(conn, &theme.space)?.into_inner(),
        created_at: to_db_time(now),
    };
    match repo::insert_theme(conn, &row) {
        Err(praxis_persistence::Error::UniqueViolation(_)) => {
            return Err(Error::conflict(
                "theme-exists",
                "This space already has a theme for that month.",
            ))
        }
        other => other?,
    }
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(host),
            "theme.created",
            "theme",
            &row.id,
            None,
            Some(&serde_json::json!({"month": row.month, "space": theme.space})),
            now,
        )
        .in_space(&row.space_id),
    )?;
    Ok(row)
}

/// Creates the event or series `plan` describes, hosted by `host`; answers the event, or the
/// first occurrence of the series.
pub fn create(
    conn: &mut DbConnection,
    host: &UserId,
    plan: NewEvent,
    now: DateTime<Utc>,
) -> Result<EventRef> {
    let space = space(conn, &plan.space)?;
    event_plans::kind_belongs_to_space(plan.kind, &space.visibility)?;
    let space_id = space.id();
    if let Some(theme_id) = &plan.theme_id {
        let theme = repo::find_theme(conn, theme_id.as_str())?;
        if theme.is_none_or(|t| t.space_id != space_id.as_str()) {
            return Err(Error::field("theme_id", "no such theme in this space"));
        }
    }
    let at = to_db_time(now);
    let id = uuid::Uuid::now_v7().to_string();
    let duration = plan.duration();
    let kind = plan.kind;
    let created = match plan.recurrence {
        None => {
            let row = EventRow {
                id: id.clone(),
                series_id: None,
                original_start: Some(to_db_time(plan.starts_at)),
                kind: kind.as_str().to_owned(),
                format: plan.format.map(|f| f.as_str().to_owned()),
                title: plan.title,
                description: plan.description,
                space_id: space_id.into_inner(),
                theme_id: plan.theme_id.map(|t| t.into_inner()),
                starts_at: to_db_time(plan.starts_at),
                ends_at: to_db_time(plan.ends_at),
                time_zone: plan.time_zone.name().to_owned(),
                join_url: plan.join_url,
                capacity: plan.capacity,
                host_id: Some(host.as_str().to_owned()),
                status: EventStatus::Scheduled.as_str().to_owned(),
                created_at: at,
                updated_at: at,
                facilitator_id: plan.facilitator_id.map(|f| f.into_inner()),
            };
            repo::insert_event(conn, &row)?;
            EventRef::Single(id.clone())
        }
        Some((rule, zone)) => {
            let local = plan.starts_at.with_timezone(&zone.tz());
            let row = SeriesRow {
                id: id.clone(),
                kind: kind.as_str().to_owned(),
                format: plan.format.map(|f| f.as_str().to_owned()),
                title: plan.title,
                description: plan.description,
                space_id: space_id.into_inner(),
                theme_id: plan.theme_id.map(|t| t.into_inner()),
                join_url: plan.join_url,
                capacity: plan.capacity,
                host_id: Some(host.as_str().to_owned()),
                time_zone: zone.name().to_owned(),
                local_start: local.format("%H:%M").to_string(),
                duration_minutes: i32::try_from(duration.num_minutes()).unwrap_or(1),
                frequency: rule.frequency.as_str().to_owned(),
                repeat_interval: i32::try_from(rule.interval).unwrap_or(1),
                by_weekday: events::weekdays_to_string(&rule.weekdays),
                week_of_month: rule.week_of_month,
                starts_on: local.date_naive().format("%Y-%m-%d").to_string(),
                until_date: rule.until.map(|d| d.format("%Y-%m-%d").to_string()),
                occurrence_count: rule.count.and_then(|c| i32::try_from(c).ok()),
                created_at: at,
                updated_at: at,
            };
            let first = series_rule(&row)?
                .occurrences_between(plan.starts_at, plan.starts_at + Duration::days(800))
                .first()
                .copied()
                .ok_or_else(|| {
                    Error::field(
                        "recurrence",
                        "the series has no occurrence from starts_at on",
                    )
                })?;
            repo::insert_series(conn, &row)?;
            EventRef::Occurrence {
                series_id: id.clone(),
                original_start: first,
            }
        }
    };
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(host),
            "event.created",
            "event",
            &id,
            None,
            Some(&serde_json::json!({"space": plan.space, "kind": kind.as_str()})),
            now,
        )
        .in_space(space.row.id.as_str()),
    )?;
    if matches!(
        space.visibility,
        praxis_domain::access::Visibility::Public | praxis_domain::access::Visibility::Members
    ) {
        // Events of invite-only, sealed or plan rooms are not announced outside them.
        crate::webhooks::emit(
            conn,
            praxis_domain::webhooks::WebhookEvent::EventCreated,
            serde_json::json!({"event_id": id, "kind": kind.as_str(), "space": plan.space}),
            now,
        )?;
    }
    Ok(created)
}

/// Applies `change` to a single event, or to the row that changes one occurrence of a series
/// (made from the series on its first change).
pub fn change(
    conn: &mut DbConnection,
    host: &UserId,
    id: &EventRef,
    change: EventChange,
    now: DateTime<Utc>,
) -> Result<()> {
    let current = find_occurrence(conn, id)?.ok_or(Error::NotFound("event"))?;
    let starts = change.starts_at.unwrap_or(current.starts_at);
    let ends = change.ends_at.unwrap_or(current.ends_at);
    check_times(starts, ends)?;
    if let EventRef::Occurrence { original_start, .. } = id {
        if (starts - *original_start).num_seconds().abs() > MAX_MOVE_DAYS * 86_400 {
            return Err(Error::field(
                "starts_at",
                format!(
                    "an occurrence of a series moves at most {MAX_MOVE_DAYS} days from its \
                     original start; cancel it and create a single event instead"
                ),
            ));
        }
    }
    let row_id = match id {
        EventRef::Single(event_id) => event_id.clone(),
        EventRef::Occurrence {
            series_id,
            original_start,
        } => match repo::find_override(conn, series_id, to_db_time(*original_start))? {
            Some(row) => row.id,
            None => materialize(conn, &current, now)?,
        },
    };
    let changes = EventChanges {
        title: change.title,
        description: change.description,
        starts_at: change.starts_at.map(to_db_time),
        ends_at: change.ends_at.map(to_db_time),
        join_url: change.join_url,
        capacity: change.capacity.map(Some),
        status: change.status.map(|s| s.as_str().to_owned()),
        updated_at: Some(to_db_time(now)),
    };
    repo::update_event(conn, &row_id, &changes)?;
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(host),
            "event.changed",
            "event",
            &id.id(),
            None,
            Some(&serde_json::json!({"status": changes.status, "starts_at": changes.starts_at})),
            now,
        )
        .in_space(&current.space_id),
    )?;
    Ok(())
}
