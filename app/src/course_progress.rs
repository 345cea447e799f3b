//! How far a member has come in a course: each lesson started or completed with the last video
//! position, a percent per module and for the course, where to resume, and a completion record
//! once every published lesson is complete. Exercise answers are private to the member and the
//! hosts. Progress and answers stay with the member even if they lose the course.

use crate::access::ViewerContext;
use crate::courses::{openable_lesson, outline_of, Outline};
use crate::entitlements::is_host;
use crate::error::{Error, Result};
use crate::learning::signed_in;
use chrono::{DateTime, NaiveDateTime, Utc};
use praxis_domain::courses as rules;
use praxis_domain::ids::{CourseId, LessonId, UserId};
use praxis_persistence::course_members::{self as repo, AnswerRow, ProgressRow};
use praxis_persistence::courses::{self as content, CourseRow, LessonRow, ModuleRow};
use praxis_persistence::{to_db_time, DbConnection};
use std::collections::HashMap;

/// A member's progress through one course.
#[derive(Debug, Clone, Default)]
pub struct CourseProgress {
    /// Progress per lesson id.
    pub lessons: HashMap<String, ProgressRow>,
    /// Percent of published lessons complete, per module id.
    pub modules: HashMap<String, u8>,
    pub percent: u8,
    pub resume_lesson_id: Option<String>,
    pub completed_at: Option<NaiveDateTime>,
}

/// The member's progress over `modules` (in order, with their lessons in order).
pub fn of_course(
    conn: &mut DbConnection,
    user: &UserId,
    course: &CourseRow,
    modules: &[(ModuleRow, Vec<LessonRow>)],
) -> Result<CourseProgress> {
    let lessons: HashMap<String, ProgressRow> =
        repo::progress_of_course(conn, user.as_str(), &course.id)?
            .into_iter()
            .map(|p| (p.lesson_id.clone(), p))
            .collect();
    let complete = |l: &LessonRow| lessons.get(&l.id).is_some_and(|p| p.completed_at.is_some());
    let published: Vec<&LessonRow> = modules
        .iter()
        .flat_map(|(_, ls)| ls.iter())
        .filter(|l| l.published)
        .collect();
    let done = published.iter().filter(|l| complete(l)).count();
    let module_percent = modules
        .iter()
        .map(|(m, ls)| {
            let ls: Vec<&LessonRow> = ls.iter().filter(|l| l.published).collect();
            let done = ls.iter().filter(|l| complete(l)).count();
            (m.id.clone(), rules::percent(done, ls.len()))
        })
        .collect();
    let states: Vec<(bool, Option<NaiveDateTime>)> = published
        .iter()
        .map(|l| (complete(l), lessons.get(&l.id).map(|p| p.updated_at)))
        .collect();
    let resume = rules::resume_index(&states).and_then(|i| published.get(i).map(|l| l.id.clone()));
    Ok(CourseProgress {
        modules: module_percent,
        percent: rules::percent(done, published.len()),
        resume_lesson_id: resume,
        completed_at: repo::completion(conn, user.as_str(), &course.id)?,
        lessons,
    })
}

/// What a member sends about a lesson: completed or not, and where the video is.
#[derive(Debug, Clone, Default)]
pub struct ProgressUpdate {
    pub completed: Option<bool>,
    pub position_seconds: Option<i64>,
}

/// Records the caller's progress on a lesson they may open; records the course complete the
/// first time every published lesson is. Returns the lesson's progress and the course's.
pub fn record(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &LessonId,
    update: ProgressUpdate,
    now: DateTime<Utc>,
) -> Result<(ProgressRow, CourseProgress)> {
    let user = signed_in(ctx)?;
    let (lesson, course) = openable_lesson(conn, ctx, id)?;
    let position = update
        .position_seconds
        .map(|p| rules::parse_position_seconds(p, lesson.duration_seconds))
        .transpose()?;
    let at = to_db_time(now);
    let before = repo::progress(conn, user.as_str(), &lesson.id)?;
    let row = ProgressRow {
        user_id: user.as_str().to_owned(),
        lesson_id: lesson.id.clone(),
        course_id: course.id.clone(),
        position_seconds: position
            .or(before.as_ref().map(|b| b.position_seconds))
            .unwrap_or(0),
        started_at: before.as_ref().map_or(at, |b| b.started_at),
        completed_at: match update.completed {
            Some(true) => before.as_ref().and_then(|b| b.completed_at).or(Some(at)),
            Some(false) => None,
            None => before.as_ref().and_then(|b| b.completed_at),
        },
        updated_at: at,
    };
    repo::save_progress(conn, &row)?;
    let modules = outline_of(conn, ctx, &course)?;
    let mut progress = of_course(conn, &user, &course, &modules)?;
    if progress.percent == 100 && progress.completed_at.is_none() {
        repo::record_completion(conn, user.as_str(), &course.id, at)?;
        progress.completed_at = Some(at);
    }
    Ok((row, progress))
}

/// A course's outline with the caller's progress through it.
pub fn course(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &CourseId,
) -> Result<(Outline, CourseProgress)> {
    let user = signed_in(ctx)?;
    let outline = crate::courses::outline(conn, ctx, id)?;
    let progress = of_course(conn, &user, &outline.course.row, &outline.modules)?;
    Ok((outline, progress))
}

/// A lesson the caller may open, with their progress and answer on it.
pub fn lesson(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &LessonId,
) -> Result<(LessonRow, Option<ProgressRow>, Option<AnswerRow>)> {
    let user = signed_in(ctx)?;
    let (lesson, _) = openable_lesson(conn, ctx, id)?;
    let progress = repo::progress(conn, user.as_str(), &lesson.id)?;
    let answer = repo::answer(conn, user.as_str(), &lesson.id)?;
    Ok((lesson, progress, answer))
}

/// Writes the caller's answer to a lesson's exercise (409 `no-exercise` when it has none).
pub fn answer(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &LessonId,
    answer: String,
    now: DateTime<Utc>,
) -> Result<AnswerRow> {
    let user = signed_in(ctx)?;
    let (lesson, _) = openable_lesson(conn, ctx, id)?;
    if lesson.exercise_prompt.is_none() {
        return Err(Error::conflict(
            "no-exercise",
            "This lesson has no exercise to answer.",
        ));
    }
    let at = to_db_time(now);
    let before = repo::answer(conn, user.as_str(), &lesson.id)?;
    let row = AnswerRow {
        user_id: user.as_str().to_owned(),
        lesson_id: lesson.id,
        answer,
        created_at: before.map_or(at, |b| b.created_at),
        updated_at: at,
    };
    repo::save_answer(conn, &row)?;
    Ok(row)
}

/// The answers to a lesson's exercise, latest first: hosts only (the route admits only them),
/// up to `limit + 1` after `after`.
pub fn answers(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &LessonId,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<AnswerRow>> {
    if !is_host(ctx) {
        return Err(Error::NotFound("lesson"));
    }
    content::find_lesson(conn, id.as_str())?.ok_or(Error::NotFound("lesson"))?;
    Ok(repo::answers_to(conn, id.as_str(), after, limit + 1)?)
}
