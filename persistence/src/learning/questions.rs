//! Q&A questions asked before an event, their votes and their answers.

use crate::error::{Error, Result};
use crate::schema::{question_votes, questions};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::ids::{QuestionId, UserId};
use std::collections::HashSet;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = questions)]
pub struct QuestionRow {
    pub id: String,
    pub event_id: String,
    pub author_id: String,
    pub body: String,
    pub vote_count: i32,
    pub answered_at: Option<NaiveDateTime>,
    pub answered_by: Option<String>,
    pub recording_seconds: Option<i32>,
    pub answer_note: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The keyset of the question list: votes (descending), then age, then id.
pub type QuestionKey = (i32, NaiveDateTime, String);

pub fn insert(conn: &mut DbConnection, row: &QuestionRow) -> Result<()> {
    diesel::insert_into(questions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &QuestionId) -> Result<Option<QuestionRow>> {
    Ok(questions::table
        .filter(questions::id.eq(id.as_str()))
        .select(QuestionRow::as_select())
        .first(conn)
        .optional()?)
}

/// An event's questions, most votes first, then oldest first.
pub fn page(
    conn: &mut DbConnection,
    event_id: &str,
    after: Option<QuestionKey>,
    limit: i64,
) -> Result<Vec<QuestionRow>> {
    let mut query = questions::table
        .filter(questions::event_id.eq(event_id))
        .select(QuestionRow::as_select())
        .order((
            questions::vote_count.desc(),
            questions::created_at.asc(),
            questions::id.asc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some((votes, at, id)) = after {
        query = query.filter(
            questions::vote_count
                .lt(votes)
                .or(questions::vote_count.eq(votes).and(
                    questions::created_at
                        .gt(at)
                        .or(questions::created_at.eq(at).and(questions::id.gt(id))),
                )),
        );
    }
    Ok(query.load(conn)?)
}

pub fn update_body(
    conn: &mut DbConnection,
    id: &QuestionId,
    body: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(questions::table.filter(questions::id.eq(id.as_str())))
        .set((questions::body.eq(body), questions::updated_at.eq(at)))
        .execute(conn)?;
    Ok(())
}

/// Records `user_id`'s vote; a second vote changes nothing. Returns whether it was new.
pub fn vote(
    conn: &mut DbConnection,
    question: &QuestionId,
    user: &UserId,
    at: NaiveDateTime,
) -> Result<bool> {
    let (question_id, user_id) = (question.as_str(), user.as_str());
    let exists: i64 = question_votes::table
        .filter(question_votes::question_id.eq(question_id))
        .filter(question_votes::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    match diesel::insert_into(question_votes::table)
        .values((
            question_votes::question_id.eq(question_id),
            question_votes::user_id.eq(user_id),
            question_votes::created_at.eq(at),
        ))
        .execute(conn)
        .map_err(Error::from)
    {
        Err(Error::UniqueViolation(_)) => return Ok(false),
        other => other?,
    };
    diesel::update(questions::table.filter(questions::id.eq(question_id)))
        .set(questions::vote_count.eq(questions::vote_count + 1))
        .execute(conn)?;
    Ok(true)
}

/// Withdraws `user_id`'s vote, if any. Returns whether there was one.
pub fn unvote(conn: &mut DbConnection, question: &QuestionId, user: &UserId) -> Result<bool> {
    let (question_id, user_id) = (question.as_str(), user.as_str());
    let removed = diesel::delete(
        question_votes::table
            .filter(question_votes::question_id.eq(question_id))
            .filter(question_votes::user_id.eq(user_id)),
    )
    .execute(conn)?;
    if removed > 0 {
        diesel::update(questions::table.filter(questions::id.eq(question_id)))
            .set(questions::vote_count.eq(questions::vote_count - 1))
            .execute(conn)?;
    }
    Ok(removed > 0)
}

/// Which of `question_ids` `user_id` voted for, in one query.
pub fn voted_by(
    conn: &mut DbConnection,
    user: &UserId,
    question_ids: &[String],
) -> Result<HashSet<String>> {
    let user_id = user.as_str();
    if question_ids.is_empty() {
        return Ok(HashSet::new());
    }
    let ids: Vec<String> = question_votes::table
        .filter(question_votes::user_id.eq(user_id))
        .filter(question_votes::question_id.eq_any(question_ids))
        .select(question_votes::question_id)
        .load(conn)?;
    Ok(ids.into_iter().collect())
}

/// Marks a question answered (again: a later answer replaces the time and note).
pub fn mark_answered(
    conn: &mut DbConnection,
    id: &QuestionId,
    by: &UserId,
    at: NaiveDateTime,
    recording_seconds: Option<i32>,
    note: Option<&str>,
) -> Result<()> {
    diesel::update(questions::table.filter(questions::id.eq(id.as_str())))
        .set((
            questions::answered_at.eq(Some(at)),
            questions::answered_by.eq(Some(by.as_str())),
            questions::recording_seconds.eq(recording_seconds),
            questions::answer_note.eq(note),
            questions::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
