//! Events as callers see them: single events and series occurrences resolved into one shape,
//! filtered by the access layer before anything is shown, counted or exported.

use crate::access::{all_spaces, content_denied, Space, ViewerContext};
use crate::error::{Error, Result};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use praxis_domain::access::Access;
use praxis_domain::event_plans::EventStatus;
use praxis_domain::event_queries::EventQuery;
use praxis_domain::events::{self, EventRef, Frequency, Rule, Series};
use praxis_domain::ids::EventId;
use praxis_persistence::events::{self as repo, EventRow, SeriesRow, ThemeRow};
use praxis_persistence::{from_db_time, to_db_time, users, DbConnection};
use std::collections::{HashMap, HashSet};

/// How far a host may move one occurrence of a series from its original start: expansion looks
/// this far around a range, so a farther move would drop the occurrence from lists.
pub const MAX_MOVE_DAYS: i64 = 7;

/// One event a member can attend: a single event, or one occurrence of a series with any
/// change a host made to it.
#[derive(Debug, Clone)]
pub struct Occurrence {
    /// `<event id>` or `<series id>@<original start>`.
    pub id: String,
    /// What RSVPs hang on: the event or series id, and the original start.
    pub rsvp_event_id: String,
    pub rsvp_start: DateTime<Utc>,
    pub series_id: Option<String>,
    pub kind: String,
    pub format: Option<String>,
    pub title: String,
    pub description: String,
    pub space_id: String,
    pub theme_id: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub time_zone: String,
    pub join_url: String,
    pub capacity: Option<i32>,
    pub host_id: Option<String>,
    /// The PRO member who runs this event and manages it (single events only).
    pub facilitator_id: Option<String>,
    pub cancelled: bool,
    pub updated_at: DateTime<Utc>,
}

impl Occurrence {
    pub fn from_single(row: EventRow) -> Self {
        let start = from_db_time(row.original_start.unwrap_or(row.starts_at));
        Self {
            id: row.id.clone(),
            rsvp_event_id: row.id,
            rsvp_start: start,
            series_id: None,
            kind: row.kind,
            format: row.format,
            title: row.title,
            description: row.description,
            space_id: row.space_id,
            theme_id: row.theme_id,
            starts_at: from_db_time(row.starts_at),
            ends_at: from_db_time(row.ends_at),
            time_zone: row.time_zone,
            join_url: row.join_url,
            capacity: row.capacity,
            host_id: row.host_id,
            facilitator_id: row.facilitator_id,
            cancelled: row.status == EventStatus::Cancelled.as_str(),
            updated_at: from_db_time(row.updated_at),
        }
    }

    /// The occurrence of `series` originally starting at `start`, with its change if any.
    pub fn from_series(
        series: &SeriesRow,
        start: DateTime<Utc>,
        change: Option<&EventRow>,
    ) -> Self {
        let base = Self {
            id: EventRef::occurrence_id(&series.id, start),
            rsvp_event_id: series.id.clone(),
            rsvp_start: start,
            series_id: Some(series.id.clone()),
            kind: series.kind.clone(),
            format: series.format.clone(),
            title: series.title.clone(),
            description: series.description.clone(),
            space_id: series.space_id.clone(),
            theme_id: series.theme_id.clone(),
            starts_at: start,
            ends_at: start + Duration::minutes(i64::from(series.duration_minutes)),
            time_zone: series.time_zone.clone(),
            join_url: series.join_url.clone(),
            capacity: series.capacity,
            host_id: series.host_id.clone(),
            facilitator_id: None,
            cancelled: false,
            updated_at: from_db_time(series.updated_at),
        };
        match change {
            None => base,
            Some(row) => Self {
                title: row.title.clone(),
                description: row.description.clone(),
                starts_at: from_db_time(row.starts_at),
                ends_at: from_db_time(row.ends_at),
                join_url: row.join_url.clone(),
                capacity: row.capacity,
                cancelled: row.status == EventStatus::Cancelled.as_str(),
                updated_at: from_db_time(row.updated_at),
                ..base
            },
        }
    }

    fn overlaps(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        self.starts_at < to && self.ends_at > from
    }
}

/// The rule of a stored series.
pub fn series_rule(row: &SeriesRow) -> Result<Series> {
    let corrupt = |what: &str| Error::internal(format!("series {} has an invalid {what}", row.id));
    let frequency = Frequency::parse(&row.frequency).map_err(|_| corrupt("frequency"))?;
    let weekdays = events::weekdays_from_string(&row.by_weekday).map_err(|_| corrupt("weekday"))?;
    let until = row
        .until_date
        .as_deref()
        .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d"))
        .transpose()
        .map_err(|_| corrupt("until date"))?;
    let rule = Rule::new(
        frequency,
        u32::try_from(row.repeat_interval).ok(),
        weekdays,
        row.week_of_month,
        until,
        row.occurrence_count.and_then(|c| u32::try_from(c).ok()),
    )
    .map_err(|_| corrupt("rule"))?;
    Ok(Series {
        rule,
        time_zone: row.time_zone.parse().map_err(|_| corrupt("time zone"))?,
        local_start: NaiveTime::parse_from_str(&row.local_start, "%H:%M")
            .map_err(|_| corrupt("local start"))?,
        starts_on: NaiveDate::parse_from_str(&row.starts_on, "%Y-%m-%d")
            .map_err(|_| corrupt("first date"))?,
        duration: Duration::minutes(i64::from(row.duration_minutes)),
    })
}

/// Every occurrence of these series overlapping `[from, to)`, with changes applied.
fn expand(
    conn: &mut DbConnection,
    series: &[SeriesRow],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Occurrence>> {
    let ids: Vec<String> = series.iter().map(|s| s.id.clone()).collect();
    let changes: HashMap<(String, DateTime<Utc>), EventRow> = repo::overrides_of(conn, &ids)?
        .into_iter()
        .filter_map(|row| {
            let key = (row.series_id.clone()?, from_db_time(row.original_start?));
            Some((key, row))
        })
        .collect();
    let margin = Duration::days(MAX_MOVE_DAYS);
    let mut found = Vec::new();
    for row in series {
        let rule = series_rule(row)?;
        for start in rule.occurrences_between(from - margin, to + margin) {
            let change = changes.get(&(row.id.clone(), start));
            let occurrence = Occurrence::from_series(row, start, change);
            if occurrence.overlaps(from, to) {
                found.push(occurrence);
            }
        }
    }
    Ok(found)
}

/// Events in these spaces overlapping `[from, to)`, of one kind if given, by start.
pub fn occurrences_between(
    conn: &mut DbConnection,
    space_ids: &[String],
    kind: Option<&str>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Occurrence>> {
    let mut found: Vec<Occurrence> =
        repo::singles_between(conn, space_ids, kind, to_db_time(from), to_db_time(to))?
            .into_iter()
            .map(Occurrence::from_single)
            .collect();
    let series = repo::series_in(conn, space_ids, kind)?;
    found.extend(expand(conn, &series, from, to)?);
    found.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.id.cmp(&b.id)));
    Ok(found)
}

/// The event an id names, whoever asks; `None` when there is no such event or occurrence.
pub fn find_occurrence(conn: &mut DbConnection, id: &EventRef) -> Result<Option<Occurrence>> {
    match id {
        EventRef::Single(id) => Ok(repo::find_event(conn, id)?.map(Occurrence::from_single)),
        EventRef::Occurrence {
            series_id,
            original_start,
        } => {
            let Some(series) = repo::find_series(conn, series_id)? else {
                return Ok(None);
            };
            if !series_rule(&series)?.has_occurrence(*original_start) {
                return Ok(None);
            }
            let change = repo::find_override(conn, series_id, to_db_time(*original_start))?;
            Ok(Some(Occurrence::from_series(
                &series,
                *original_start,
                change.as_ref(),
            )))
        }
    }
}

/// The event an id names if the caller may read its space, with that space. Anyone else gets
/// 404, as if it did not exist (or 403 when only the new terms stand in the way).
pub fn readable_occurrence(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &EventId,
) -> Result<(Occurrence, Space)> {
    let id = EventRef::parse(id.as_str()).map_err(|_| Error::NotFound("event"))?;
    let occurrence = find_occurrence(conn, &id)?.ok_or(Error::NotFound("event"))?;
    let space = all_spaces(conn)?
        .into_iter()
        .find(|s| s.row.id == occurrence.space_id)
        .ok_or(Error::NotFound("event"))?;
    match ctx.access(&space) {
        Access::Granted => Ok((occurrence, space)),
        denied => Err(match content_denied(denied) {
            Error::NotFound(_) => Error::NotFound("event"),
            other => other,
        }),
    }
}

/// Whether the caller may attend (and so see the join link): a signed-in member who may read
/// the event's space. Visitors see public events without the link.
pub fn may_attend(ctx: &ViewerContext, space: &Space) -> bool {
    ctx.user_id.is_some() && ctx.access(space).is_granted()
}

/// Gives a series occurrence a row of its own (to change it, or to hang questions and a
/// recording on it), identical to the occurrence until changed. Returns the row's id.
pub fn materialize(
    conn: &mut DbConnection,
    occurrence: &Occurrence,
    now: DateTime<Utc>,
) -> Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    repo::insert_event(
        conn,
        &EventRow {
            id: id.clone(),
            series_id: occurrence.series_id.clone(),
            original_start: Some(to_db_time(occurrence.rsvp_start)),
            kind: occurrence.kind.clone(),
            format: occurrence.format.clone(),
            title: occurrence.title.clone(),
            description: occurrence.description.clone(),
            space_id: occurrence.space_id.clone(),
            theme_id: occurrence.theme_id.clone(),
            starts_at: to_db_time(occurrence.starts_at),
            ends_at: to_db_time(occurrence.ends_at),
            time_zone: occurrence.time_zone.clone(),
            join_url: occurrence.join_url.clone(),
            capacity: occurrence.capacity,
            host_id: occurrence.host_id.clone(),
            status: EventStatus::Scheduled.as_str().to_owned(),
            created_at: to_db_time(now),
            updated_at: to_db_time(now),
            facilitator_id: occurrence.facilitator_id.clone(),
        },
    )?;
    Ok(id)
}

/// Events overlapping the query's range in the spaces the caller may read (of one monthly
/// theme when `theme` is given), series expanded into their occurrences, by start; with every
/// space (responses name spaces by slug).
///
/// At most `take` occurrences after the cursor `(starts_at, id)`: series are expanded over the
/// bounded range first, then the page is cut.
pub fn list(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    query: &EventQuery,
    theme: Option<&praxis_domain::ids::ThemeId>,
    after: Option<(DateTime<Utc>, String)>,
    take: i64,
) -> Result<(Vec<Occurrence>, Vec<Space>)> {
    let spaces = all_spaces(conn)?;
    let readable = ctx.readable_space_ids(&spaces);
    let kind = query.kind.map(|k| k.as_str());
    let mut found = occurrences_between(conn, &readable, kind, query.from, query.to)?;
    if let Some(theme) = theme {
        found.retain(|o| o.theme_id.as_deref() == Some(theme.as_str()));
    }
    let page = crate::page::after_key(found, |o| (o.starts_at, o.id.clone()), after.as_ref(), take);
    Ok((page, spaces))
}

/// One event or occurrence the caller may read, with every space (404 otherwise).
pub fn read(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &EventId,
) -> Result<(Occurrence, Vec<Space>)> {
    let (occurrence, _) = readable_occurrence(conn, ctx, id)?;
    Ok((occurrence, all_spaces(conn)?))
}

/// A page of the monthly themes of the spaces the caller may read, newest month first, after
/// the cursor `(month, id)`, each with the slug of its space (`limit` rows: ask one more to
/// learn whether another page follows).
pub fn themes(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    after: Option<(String, String)>,
    limit: i64,
) -> Result<Vec<(ThemeRow, String)>> {
    let spaces = all_spaces(conn)?;
    let readable = ctx.readable_space_ids(&spaces);
    let slugs: HashMap<String, String> =
        spaces.into_iter().map(|s| (s.row.id, s.row.slug)).collect();
    Ok(repo::themes_page(conn, &readable, after, limit)?
        .into_iter()
        .map(|row| {
            let slug = slugs.get(&row.space_id).cloned().unwrap_or_default();
            (row, slug)
        })
        .collect())
}

/// What shows beside events for one caller: their time zone (UTC for visitors), whether they
/// may attend in each space (by space id), and the RSVPs, keyed by `(rsvp event id, start)`.
#[derive(Debug, Clone)]
pub struct Attendance {
    pub zone: chrono_tz::Tz,
    pub attending: HashMap<String, bool>,
    pub counts: HashMap<(String, DateTime<Utc>), u64>,
    pub mine: HashSet<(String, DateTime<Utc>)>,
}

/// Loads the caller's zone and the RSVPs of these occurrences (one query for all).
pub fn attendance(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    spaces: &[Space],
    occurrences: &[Occurrence],
) -> Result<Attendance> {
    let zone = match &ctx.user_id {
        Some(id) => users::find_by_id(conn, id)?
            .and_then(|u| u.time_zone.parse().ok())
            .unwrap_or(chrono_tz::UTC),
        None => chrono_tz::UTC,
    };
    let ids: Vec<String> = occurrences
        .iter()
        .map(|o| o.rsvp_event_id.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut counts = HashMap::new();
    let mut mine = HashSet::new();
    let starts = occurrences.iter().map(|o| o.rsvp_start);
    if let (Some(from), Some(to)) = (starts.clone().min(), starts.max()) {
        let (from, to) = (to_db_time(from), to_db_time(to));
        let user = ctx.user_id.as_deref();
        for (event, start, count, by_me) in repo::rsvp_tallies(conn, &ids, from, to, user)? {
            let key = (event, from_db_time(start));
            if by_me > 0 {
                mine.insert(key.clone());
            }
            counts.insert(key, u64::try_from(count).unwrap_or(0));
        }
    }
    Ok(Attendance {
        zone,
        attending: spaces
            .iter()
            .map(|s| (s.row.id.clone(), may_attend(ctx, s)))
            .collect(),
        counts,
        mine,
    })
}
