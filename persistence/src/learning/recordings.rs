//! Event recordings and their chapters, and the chapter search.

use super::{contains_pattern, lower};
use crate::error::Result;
use crate::schema::{events, recording_chapters, recordings};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::ids::EventId;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = recordings)]
pub struct RecordingRow {
    pub event_id: String,
    pub video_url: String,
    pub duration_seconds: i32,
    pub updated_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = recording_chapters)]
pub struct ChapterRow {
    pub event_id: String,
    pub start_seconds: i32,
    pub title: String,
    pub description: String,
}

/// A chapter found by search, with its recording's video and its event.
#[derive(Debug, Clone)]
pub struct ChapterHit {
    pub chapter: ChapterRow,
    pub video_url: String,
    pub event_title: String,
    pub event_starts_at: NaiveDateTime,
}

/// The keyset of search results: newest event first, then its chapters in order.
pub type HitKey = (NaiveDateTime, String, i32);

/// Creates or replaces an event's recording and all its chapters. Returns whether it existed.
pub fn replace(
    conn: &mut DbConnection,
    row: &RecordingRow,
    chapters: &[ChapterRow],
) -> Result<bool> {
    let existed = find_row(conn, &row.event_id)?.is_some();
    if existed {
        diesel::update(recordings::table.filter(recordings::event_id.eq(&row.event_id)))
            .set((
                recordings::video_url.eq(&row.video_url),
                recordings::duration_seconds.eq(row.duration_seconds),
                recordings::updated_by.eq(&row.updated_by),
                recordings::updated_at.eq(row.updated_at),
            ))
            .execute(conn)?;
        diesel::delete(
            recording_chapters::table.filter(recording_chapters::event_id.eq(&row.event_id)),
        )
        .execute(conn)?;
    } else {
        diesel::insert_into(recordings::table)
            .values(row)
            .execute(conn)?;
    }
    for chapter in chapters {
        diesel::insert_into(recording_chapters::table)
            .values(chapter)
            .execute(conn)?;
    }
    Ok(existed)
}

fn find_row(conn: &mut DbConnection, event_id: &str) -> Result<Option<RecordingRow>> {
    Ok(recordings::table
        .filter(recordings::event_id.eq(event_id))
        .select(RecordingRow::as_select())
        .first(conn)
        .optional()?)
}

/// An event's recording with its chapters in order.
pub fn find(
    conn: &mut DbConnection,
    event: &EventId,
) -> Result<Option<(RecordingRow, Vec<ChapterRow>)>> {
    let event_id = event.as_str();
    let Some(row) = find_row(conn, event_id)? else {
        return Ok(None);
    };
    let chapters = recording_chapters::table
        .filter(recording_chapters::event_id.eq(event_id))
        .order(recording_chapters::start_seconds.asc())
        .select(ChapterRow::as_select())
        .load(conn)?;
    Ok(Some((row, chapters)))
}

/// Chapters whose title or description contains `needle` (case-insensitive), only of events in
/// `space_ids`: filtered in SQL, before anything is counted or shown.
pub fn search(
    conn: &mut DbConnection,
    space_ids: &[String],
    needle: &str,
    after: Option<HitKey>,
    limit: i64,
) -> Result<Vec<ChapterHit>> {
    if space_ids.is_empty() {
        return Ok(Vec::new());
    }
    let pattern = contains_pattern(needle);
    let mut query = recording_chapters::table
        .inner_join(recordings::table)
        .inner_join(events::table.on(events::id.eq(recording_chapters::event_id)))
        .filter(events::space_id.eq_any(space_ids))
        .filter(
            lower(recording_chapters::title)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(recording_chapters::description)
                    .like(pattern)
                    .escape('\\')),
        )
        .select((
            ChapterRow::as_select(),
            recordings::video_url,
            events::title,
            events::starts_at,
        ))
        .order((
            events::starts_at.desc(),
            events::id.desc(),
            recording_chapters::start_seconds.asc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some((at, id, start)) = after {
        query = query.filter(
            events::starts_at.lt(at).or(events::starts_at.eq(at).and(
                events::id.lt(id.clone()).or(events::id
                    .eq(id)
                    .and(recording_chapters::start_seconds.gt(start))),
            )),
        );
    }
    let rows: Vec<(ChapterRow, String, String, NaiveDateTime)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(chapter, video_url, event_title, event_starts_at)| ChapterHit {
                chapter,
                video_url,
                event_title,
                event_starts_at,
            },
        )
        .collect())
}

/// A recording listed on a theme's page, with its event.
#[derive(Debug, Clone)]
pub struct ThemeRecording {
    pub recording: RecordingRow,
    pub event_title: String,
    pub event_starts_at: NaiveDateTime,
}

/// The recordings of a theme's events in `space_ids`, by the events' start: one query.
pub fn of_theme(
    conn: &mut DbConnection,
    theme_id: &str,
    space_ids: &[String],
    limit: i64,
) -> Result<Vec<ThemeRecording>> {
    if space_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(RecordingRow, String, NaiveDateTime)> = recordings::table
        .inner_join(events::table)
        .filter(events::theme_id.eq(theme_id))
        .filter(events::space_id.eq_any(space_ids))
        .select((RecordingRow::as_select(), events::title, events::starts_at))
        .order((events::starts_at.asc(), events::id.asc()))
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(recording, event_title, event_starts_at)| ThemeRecording {
            recording,
            event_title,
            event_starts_at,
        })
        .collect())
}
