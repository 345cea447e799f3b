//! Recordings of events, with chapters: published by hosts, read only by the event's space,
//! and searched by chapter text among the recordings the caller may see.

use crate::access::{all_spaces, ViewerContext};
use crate::error::{Error, Result};
use crate::learning::{readable_event, signed_in};
use chrono::{DateTime, Utc};
use praxis_domain::ids::EventId;
use praxis_domain::learning::Recording;
use praxis_domain::learning_drafts::ChapterQuery;
use praxis_persistence::learning::recordings::{
    self as repo, ChapterHit, ChapterRow, HitKey, RecordingRow,
};
use praxis_persistence::learning::EventRef;
use praxis_persistence::{audit, to_db_time, DbConnection};

/// A recording with its chapters (in order of start) and its event.
#[derive(Debug, Clone)]
pub struct RecordingView {
    pub event: EventRef,
    pub recording: RecordingRow,
    pub chapters: Vec<ChapterRow>,
}

/// Whether publishing made the recording or replaced one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    Created,
    Replaced,
}

/// Sets (or replaces) an event's recording and its chapters. Hosts; audited.
pub fn publish(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    event: &EventId,
    recording: Recording,
    now: DateTime<Utc>,
) -> Result<(Published, RecordingView)> {
    let user = signed_in(ctx)?;
    let (event, _) = readable_event(conn, ctx, event, now)?;
    let row = RecordingRow {
        event_id: event.id.clone(),
        video_url: recording.video_url,
        duration_seconds: recording.duration_seconds,
        updated_by: Some(user.as_str().to_owned()),
        created_at: to_db_time(now),
        updated_at: to_db_time(now),
    };
    let chapters: Vec<ChapterRow> = recording
        .chapters
        .into_iter()
        .map(|c| ChapterRow {
            event_id: event.id.clone(),
            start_seconds: c.start_seconds,
            title: c.title,
            description: c.description,
        })
        .collect();
    let existed = repo::replace(conn, &row, &chapters)?;
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(&user),
            "recording.updated",
            "event",
            &event.id,
            None,
            Some(&serde_json::json!({
                "video_url": row.video_url,
                "duration_seconds": row.duration_seconds,
                "chapters": chapters.len(),
            })),
            now,
        )
        .in_space(&event.space_id),
    )?;
    let (recording, chapters) = repo::find(conn, &EventId::from_trusted(event.id.clone()))?
        .ok_or(Error::NotFound("recording"))?;
    let published = if existed {
        Published::Replaced
    } else {
        Published::Created
    };
    Ok((
        published,
        RecordingView {
            event,
            recording,
            chapters,
        },
    ))
}

/// An event's recording with its chapters: only for those who may read the event's space.
pub fn watch(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    event: &EventId,
    now: DateTime<Utc>,
) -> Result<RecordingView> {
    let (event, _) = readable_event(conn, ctx, event, now)?;
    let (recording, chapters) = repo::find(conn, &EventId::from_trusted(event.id.clone()))?
        .ok_or(Error::NotFound("recording"))?;
    Ok(RecordingView {
        event,
        recording,
        chapters,
    })
}

/// Chapters matching `query` among the recordings of events the caller may see, newest events
/// first: up to `limit` after `after`, and whether more follow.
pub fn search(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    query: &ChapterQuery,
    after: Option<HitKey>,
    limit: i64,
) -> Result<(Vec<ChapterHit>, bool)> {
    let readable = ctx.readable_space_ids(&all_spaces(conn)?);
    let mut hits = repo::search(conn, &readable, query.as_str(), after, limit + 1)?;
    let max = usize::try_from(limit).unwrap_or(0);
    let more = hits.len() > max;
    hits.truncate(max);
    Ok((hits, more))
}
