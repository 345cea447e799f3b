//! Q&A: members of an event's space ask questions before it starts, edit their own until then,
//! up-vote others' once each; hosts (and an event's facilitator) mark them answered and the
//! asker is told by e-mail.

use crate::access::{load_viewer, Space, ViewerContext};
use crate::error::{Error, Result};
use crate::facilitation;
use crate::learning::{readable_event, renamed, require_write, signed_in};
use crate::mail_links::MailLinks;
use chrono::{DateTime, Utc};
use praxis_domain::event_plans::EventStatus;
use praxis_domain::ids::{EventId, QuestionId, UserId};
use praxis_domain::learning;
use praxis_persistence::learning::questions::{self as repo, QuestionKey, QuestionRow};
use praxis_persistence::learning::{recordings, EventRef};
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::{audit, from_db_time, to_db_time, users, DbConnection};
use std::collections::HashSet;

/// A question as one caller sees it.
#[derive(Debug, Clone)]
pub struct Question {
    pub row: QuestionRow,
    pub author_name: String,
    /// Whether the caller up-voted it.
    pub voted_by_me: bool,
    /// Whether the caller asked it.
    pub mine: bool,
}

/// One page of an event's questions, and whether more follow.
#[derive(Debug, Clone)]
pub struct QuestionList {
    pub items: Vec<Question>,
    pub more: bool,
}

/// What a host says when marking a question answered, checked against the recording.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub recording_seconds: Option<i64>,
    pub note: Option<String>,
}

/// Questions for rows, with names and the caller's votes batched (two queries per page).
fn views(
    conn: &mut DbConnection,
    rows: Vec<QuestionRow>,
    caller: Option<&UserId>,
) -> Result<Vec<Question>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let authors: Vec<String> = rows.iter().map(|r| r.author_id.clone()).collect();
    let names = users::display_names(conn, &authors)?;
    let voted: HashSet<String> = match caller {
        Some(user) => repo::voted_by(conn, user, &ids)?,
        None => HashSet::new(),
    };
    Ok(rows
        .into_iter()
        .map(|row| Question {
            voted_by_me: voted.contains(&row.id),
            mine: caller.is_some_and(|c| c.as_str() == row.author_id),
            author_name: names.get(&row.author_id).cloned().unwrap_or_default(),
            row,
        })
        .collect())
}

fn one(conn: &mut DbConnection, id: &QuestionId, caller: &UserId) -> Result<Question> {
    let row = repo::find(conn, id)?.ok_or(Error::NotFound("question"))?;
    views(conn, vec![row], Some(caller))?
        .pop()
        .ok_or(Error::NotFound("question"))
}

/// A question whose event the caller may read, with the event and its space.
fn readable_question(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &QuestionId,
    now: DateTime<Utc>,
) -> Result<(QuestionRow, EventRef, Space)> {
    let question = repo::find(conn, id)?.ok_or(Error::NotFound("question"))?;
    let event_id = EventId::from_trusted(question.event_id.clone());
    let (event, space) =
        readable_event(conn, ctx, &event_id, now).map_err(|e| renamed(e, "question"))?;
    Ok((question, event, space))
}

/// An event's questions, most up-voted first, then oldest first: up to `limit` after `after`.
/// Only for those who may read the event's space.
pub fn list(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    event: &EventId,
    after: Option<QuestionKey>,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<QuestionList> {
    let (event, _) = readable_event(conn, ctx, event, now)?;
    let max = usize::try_from(limit).unwrap_or(0);
    let mut rows = repo::page(conn, &event.id, after, limit + 1)?;
    let more = rows.len() > max;
    rows.truncate(max);
    let caller = ctx.user_id.as_deref().map(UserId::from_trusted);
    Ok(QuestionList {
        items: views(conn, rows, caller.as_ref())?,
        more,
    })
}

/// Asks a question before the event starts (members of the event's space).
pub fn ask(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    event: &EventId,
    body: String,
    now: DateTime<Utc>,
) -> Result<Question> {
    let user = signed_in(ctx)?;
    let (event, space) = readable_event(conn, ctx, event, now)?;
    require_write(ctx, &space)?;
    if event.status == EventStatus::Cancelled.as_str() {
        return Err(Error::conflict(
            "questions-closed",
            "The event was cancelled.",
        ));
    }
    learning::questions_open(from_db_time(event.starts_at), now)?;
    let id = QuestionId::new();
    repo::insert(
        conn,
        &QuestionRow {
            id: id.as_str().to_owned(),
            event_id: event.id,
            author_id: user.as_str().to_owned(),
            body,
            vote_count: 0,
            answered_at: None,
            answered_by: None,
            recording_seconds: None,
            answer_note: None,
            created_at: to_db_time(now),
            updated_at: to_db_time(now),
        },
    )?;
    one(conn, &id, &user)
}

/// Edits one's own question until the event starts.
pub fn edit(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &QuestionId,
    body: String,
    now: DateTime<Utc>,
) -> Result<Question> {
    let user = signed_in(ctx)?;
    let (question, event, space) = readable_question(conn, ctx, id, now)?;
    require_write(ctx, &space)?;
    learning::may_edit_question(
        question.author_id == user.as_str(),
        from_db_time(event.starts_at),
        now,
    )?;
    repo::update_body(conn, id, &body, to_db_time(now))?;
    one(conn, id, &user)
}

/// Up-votes someone else's question until the event ends; voting again changes nothing.
pub fn vote(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &QuestionId,
    now: DateTime<Utc>,
) -> Result<()> {
    let user = may_vote(conn, ctx, id, now)?;
    repo::vote(conn, id, &user, to_db_time(now))?;
    Ok(())
}

/// Withdraws the caller's vote, if any, until the event ends.
pub fn unvote(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &QuestionId,
    now: DateTime<Utc>,
) -> Result<()> {
    let user = may_vote(conn, ctx, id, now)?;
    repo::unvote(conn, id, &user)?;
    Ok(())
}

fn may_vote(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &QuestionId,
    now: DateTime<Utc>,
) -> Result<UserId> {
    let user = signed_in(ctx)?;
    let (question, event, space) = readable_question(conn, ctx, id, now)?;
    require_write(ctx, &space)?;
    learning::may_vote(
        question.author_id == user.as_str(),
        from_db_time(event.ends_at),
        now,
    )?;
    Ok(user)
}

/// Marks a question answered, optionally at a second of the recording; the asker is e-mailed
/// even if they were absent (linking to the event's page in the app), but only while they may
/// still read the event's space. Those who manage the event: hosts, and the PRO member who
/// facilitates it, for that event only (404 outside its space, 403 `event-manager-required`
/// to other readers). Audited.
pub fn answer(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &QuestionId,
    answer: Answer,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<Question> {
    let user = signed_in(ctx)?;
    let (question, event, space) = readable_question(conn, ctx, id, now)?;
    facilitation::managed(conn, ctx, &EventId::from_trusted(event.id.clone()))
        .map_err(|e| renamed(e, "question"))?;
    let duration = recordings::find(conn, &EventId::from_trusted(event.id.clone()))?
        .map(|(r, _)| r.duration_seconds);
    let (seconds, note) =
        learning::parse_answer(answer.recording_seconds, duration, answer.note.as_deref())?;
    repo::mark_answered(conn, id, &user, to_db_time(now), seconds, note.as_deref())?;
    // The mail quotes the event and the question: only for an asker who may still read the
    // space now (a cancelled plan, a removal or unaccepted new terms close it).
    if let Some(asker) = users::find_by_id(conn, &question.author_id)? {
        let asker_ctx = load_viewer(conn, Some(&asker.id), now)?;
        if asker_ctx.access(&space).is_granted() {
            let mail = answered_mail(
                &asker.email,
                &event,
                &question.body,
                seconds,
                note.as_deref(),
                links,
            );
            outbox::enqueue(conn, mail, to_db_time(now))?;
        }
    }
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(&user),
            "question.answered",
            "question",
            id.as_str(),
            None,
            Some(&serde_json::json!({"recording_seconds": seconds, "note": note})),
            now,
        )
        .in_space(&space.row.id),
    )?;
    one(conn, id, &user)
}

fn answered_mail(
    recipient: &str,
    event: &EventRef,
    question: &str,
    seconds: Option<i32>,
    note: Option<&str>,
    links: &MailLinks,
) -> Mail {
    let at = seconds
        .map(|s| {
            format!(
                "\nIt was answered at {}:{:02}:{:02} in the recording.",
                s / 3600,
                (s / 60) % 60,
                s % 60
            )
        })
        .unwrap_or_default();
    let note = note
        .map(|n| format!("\n\nThe host's note: {n}"))
        .unwrap_or_default();
    Mail {
        kind: "question_answered",
        recipient: recipient.to_owned(),
        subject: format!("Your question was answered: {}", event.title),
        body: format!(
            "Your question for \"{}\" was answered in the session:\n\n> {question}\n{at}{note}\n\n\
             {}\n",
            event.title,
            links.event(&event.id)
        ),
    }
}
