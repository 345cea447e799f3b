//! Reports: members flag content they can read; hosts work through the queue and resolve each
//! report with a note, audited. The queue shows reported content only where the host may read
//! it: never a sealed room's, never a private conversation's.

use crate::access::{all_spaces, content_denied, Space, ViewerContext};
use crate::error::{Error, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use praxis_domain::access::{Access, Denial};
use praxis_domain::ids::{ReportId, UserId};
use praxis_domain::moderation::{self, ReportStatus, SubjectType};
use praxis_domain::reports::NewReport;
use praxis_persistence::reports::{self as repo, ContentFacts, ReportRow};
use praxis_persistence::{audit, messages, to_db_time, users, DbConnection};
use std::collections::HashMap;

/// How much of a body the queue shows.
const EXCERPT_CHARS: usize = 280;

/// The reported content, for a host who may read it.
#[derive(Debug, Clone)]
pub struct ReportedContent {
    pub space_slug: String,
    pub post_id: String,
    pub title: String,
    pub excerpt: String,
    pub published: bool,
}

/// A report with its reporter's name and, in the hosts' queue, the content they may read.
/// `reason_withheld`: the reporter's words about a post or comment in a space the host may not
/// read (a sealed room they are not in) stay in that room — a reason usually quotes what it
/// reports, so the queue says only *that* something there was reported.
#[derive(Debug, Clone)]
pub struct Report {
    pub row: ReportRow,
    pub reporter_name: String,
    pub content: Option<ReportedContent>,
    pub reason_withheld: bool,
}

/// Whether the caller may read a post or comment: published, in a space they may read.
fn content_access(ctx: &ViewerContext, spaces: &[Space], facts: &ContentFacts) -> Access {
    let space = spaces.iter().find(|s| s.row.id == facts.space_id);
    match space {
        Some(space) if facts.published => ctx.access(space),
        _ => Access::Denied {
            denial: Denial::Hidden,
            reason: "not found".to_owned(),
        },
    }
}

/// Refuses a report of anything the reporter cannot read, exactly as reading it would.
fn ensure_reporter_may_read(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    reporter: &UserId,
    subject: SubjectType,
    id: &str,
) -> Result<()> {
    let ids = [id.to_owned()];
    let facts = match subject {
        SubjectType::Message => {
            let participants = messages::message_participants(conn, id)?.unwrap_or_default();
            return if participants.iter().any(|p| p == reporter.as_str()) {
                Ok(())
            } else {
                Err(Error::NotFound("content"))
            };
        }
        SubjectType::Post => repo::posts_facts(conn, &ids)?,
        SubjectType::Comment => repo::comments_facts(conn, &ids)?,
    };
    let facts = facts.first().ok_or(Error::NotFound("content"))?;
    match content_access(ctx, &all_spaces(conn)?, facts) {
        Access::Granted => Ok(()),
        denied => Err(content_denied(denied)),
    }
}

/// Files a report of a post, comment or message the reporter can read (404 otherwise, as
/// reading it would answer).
pub fn file(
    conn: &mut DbConnection,
    reporter: &ViewerContext,
    reporter_id: &UserId,
    report: NewReport,
    now: DateTime<Utc>,
) -> Result<Report> {
    ensure_reporter_may_read(
        conn,
        reporter,
        reporter_id,
        report.subject_type,
        &report.subject_id,
    )?;
    let row = ReportRow {
        id: ReportId::new().into_inner(),
        reporter_id: reporter_id.as_str().to_owned(),
        subject_type: report.subject_type.as_str().to_owned(),
        subject_id: report.subject_id,
        reason: report.reason,
        status: ReportStatus::Open.as_str().to_owned(),
        resolution_note: None,
        resolved_by: None,
        created_at: to_db_time(now),
        resolved_at: None,
    };
    repo::insert(conn, &row)?;
    let names = users::display_names(conn, &[reporter_id.as_str().to_owned()])?;
    Ok(Report {
        reporter_name: names.get(reporter_id.as_str()).cloned().unwrap_or_default(),
        row,
        content: None,
        reason_withheld: false,
    })
}

/// Reports with reporter names and, where the host may read it, the content: a fixed number of
/// queries for any page.
fn for_host(
    conn: &mut DbConnection,
    host: &ViewerContext,
    rows: Vec<ReportRow>,
) -> Result<Vec<Report>> {
    let spaces = all_spaces(conn)?;
    let ids_of = |kind: SubjectType| -> Vec<String> {
        rows.iter()
            .filter(|r| r.subject_type == kind.as_str())
            .map(|r| r.subject_id.clone())
            .collect()
    };
    let posts = repo::posts_facts(conn, &ids_of(SubjectType::Post))?;
    let comments = repo::comments_facts(conn, &ids_of(SubjectType::Comment))?;
    let reporters: Vec<String> = rows.iter().map(|r| r.reporter_id.clone()).collect();
    let names: HashMap<String, String> = users::display_names(conn, &reporters)?;
    // What the host may see of each report: `None` when the subject is a post or comment in a
    // space the host may not read; otherwise the content when it is a post or comment (a message
    // is the reporter's to show: its reason stays, its content never appears).
    let visible = |row: &ReportRow| -> Option<Option<ReportedContent>> {
        let facts = match SubjectType::parse(&row.subject_type).ok() {
            Some(SubjectType::Post) => posts.iter().find(|f| f.id == row.subject_id),
            Some(SubjectType::Comment) => comments.iter().find(|f| f.id == row.subject_id),
            Some(SubjectType::Message) | None => return Some(None),
        };
        let Some(facts) = facts else {
            return Some(None);
        };
        let space = spaces.iter().find(|s| s.row.id == facts.space_id)?;
        // Hidden posts stay visible to a host who may read the space: moderating them is the
        // point. A sealed room or a room the host is not in shows nothing.
        if !host.access(space).is_granted() {
            return None;
        }
        Some(Some(ReportedContent {
            space_slug: space.row.slug.clone(),
            post_id: facts.post_id.clone(),
            title: facts.title.clone(),
            excerpt: facts.body.chars().take(EXCERPT_CHARS).collect(),
            published: facts.published,
        }))
    };
    let visibility: Vec<Option<Option<ReportedContent>>> = rows.iter().map(visible).collect();
    Ok(rows
        .into_iter()
        .zip(visibility)
        .map(|(row, visible)| Report {
            reporter_name: names.get(&row.reporter_id).cloned().unwrap_or_default(),
            reason_withheld: visible.is_none(),
            content: visible.flatten(),
            row,
        })
        .collect())
}

/// The hosts' queue of reports of one status, newest first, after the keyset cursor.
pub fn queue(
    conn: &mut DbConnection,
    host: &ViewerContext,
    status: ReportStatus,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<Report>> {
    let rows = repo::page(conn, status.as_str(), after, limit)?;
    for_host(conn, host, rows)
}

/// The space of the reported post or comment (none for a message, or content gone since).
fn reported_space(conn: &mut DbConnection, row: &ReportRow) -> Result<Option<String>> {
    let ids = [row.subject_id.clone()];
    let facts = match SubjectType::parse(&row.subject_type).map_err(Error::internal)? {
        SubjectType::Post => repo::posts_facts(conn, &ids)?,
        SubjectType::Comment => repo::comments_facts(conn, &ids)?,
        SubjectType::Message => return Ok(None),
    };
    Ok(facts.into_iter().next().map(|f| f.space_id))
}

/// Resolves an open report with a note (409 `report-already-resolved` for a resolved one);
/// audited as `report.resolved`.
pub fn resolve(
    conn: &mut DbConnection,
    host: &ViewerContext,
    host_id: &UserId,
    id: &ReportId,
    note: String,
    now: DateTime<Utc>,
) -> Result<Report> {
    repo::lock(conn, id)?;
    let before = repo::find(conn, id)?.ok_or(Error::NotFound("report"))?;
    let status = ReportStatus::parse(&before.status).map_err(Error::internal)?;
    moderation::ensure_resolvable(status)?;
    if !repo::resolve(conn, id, host_id, &note, to_db_time(now))? {
        return Err(Error::internal("open report not resolved"));
    }
    let entry = crate::audit::entry(
        Some(host_id),
        "report.resolved",
        "report",
        id.as_str(),
        Some(&serde_json::json!({"status": before.status})),
        Some(&serde_json::json!({"status": "resolved", "note": note})),
        now,
    );
    // The note may speak of the reported content: it is the space's to show.
    let entry = match reported_space(conn, &before)? {
        Some(space) => entry.in_space(&space),
        None => entry,
    };
    audit::record(conn, &entry)?;
    let row = repo::find(conn, id)?.ok_or(Error::NotFound("report"))?;
    for_host(conn, host, vec![row])?
        .pop()
        .ok_or_else(|| Error::internal("resolved report missing"))
}
