//! What each member has of the e-course: entitlements that open a course, progress per
//! lesson, exercise answers and completion records. All of it is personal data
//! (`personal_data`).

use crate::error::Result;
use crate::keyset::{self, Order};
use crate::schema::{course_completions, course_entitlements, exercise_answers, lesson_progress};
use crate::schema::{payments, users};
use crate::text_enum::DbEnum;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::courses::EntitlementSource;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = course_entitlements)]
pub struct EntitlementRow {
    pub id: String,
    pub user_id: String,
    /// The course's translation group.
    pub course_id: String,
    #[diesel(deserialize_as = DbEnum<EntitlementSource>)]
    pub source: EntitlementSource,
    pub source_id: Option<String>,
    pub reason: Option<String>,
    pub granted_by: Option<String>,
    pub granted_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = course_entitlements)]
pub struct NewEntitlementRow {
    pub id: String,
    pub user_id: String,
    pub course_id: String,
    #[diesel(serialize_as = DbEnum<EntitlementSource>)]
    pub source: EntitlementSource,
    pub source_id: Option<String>,
    pub reason: Option<String>,
    pub granted_by: Option<String>,
    pub granted_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = lesson_progress)]
pub struct ProgressRow {
    pub user_id: String,
    pub lesson_id: String,
    pub course_id: String,
    pub position_seconds: i32,
    pub started_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = exercise_answers)]
pub struct AnswerRow {
    pub user_id: String,
    pub lesson_id: String,
    pub answer: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A payment as entitlements read it: how much was paid and how much refunded.
#[derive(Debug, Clone, Queryable)]
pub struct PaidRow {
    pub id: String,
    pub amount_cents: i64,
    pub refunded_cents: i64,
}

pub fn insert_entitlement(conn: &mut DbConnection, row: NewEntitlementRow) -> Result<()> {
    diesel::insert_into(course_entitlements::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The member's entitlements not revoked, oldest first; `course` narrows to one group.
pub fn entitlements_of(
    conn: &mut DbConnection,
    user_id: &str,
    course: Option<&str>,
) -> Result<Vec<EntitlementRow>> {
    let mut query = course_entitlements::table
        .filter(course_entitlements::user_id.eq(user_id))
        .filter(course_entitlements::revoked_at.is_null())
        .order((
            course_entitlements::granted_at.asc(),
            course_entitlements::id.asc(),
        ))
        .select(EntitlementRow::as_select())
        .into_boxed();
    if let Some(course) = course {
        query = query.filter(course_entitlements::course_id.eq(course.to_owned()));
    }
    Ok(query.load(conn)?)
}

/// What was paid and refunded of the given payments, in one query.
pub fn paid(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<PaidRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(payments::table
        .filter(payments::id.eq_any(ids))
        .select((
            payments::id,
            payments::amount_cents,
            payments::refunded_cents,
        ))
        .load(conn)?)
}

/// Whether a member account exists.
pub fn user_exists(conn: &mut DbConnection, user_id: &str) -> Result<bool> {
    Ok(users::table
        .find(user_id)
        .select(users::id)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

pub fn progress_of_course(
    conn: &mut DbConnection,
    user_id: &str,
    course_id: &str,
) -> Result<Vec<ProgressRow>> {
    Ok(lesson_progress::table
        .filter(lesson_progress::user_id.eq(user_id))
        .filter(lesson_progress::course_id.eq(course_id))
        .select(ProgressRow::as_select())
        .load(conn)?)
}

pub fn progress(
    conn: &mut DbConnection,
    user_id: &str,
    lesson_id: &str,
) -> Result<Option<ProgressRow>> {
    Ok(lesson_progress::table
        .find((user_id, lesson_id))
        .select(ProgressRow::as_select())
        .first(conn)
        .optional()?)
}

/// Writes a member's progress on a lesson, first time or again.
pub fn save_progress(conn: &mut DbConnection, row: &ProgressRow) -> Result<()> {
    let updated = diesel::update(lesson_progress::table.find((&row.user_id, &row.lesson_id)))
        .set((
            lesson_progress::position_seconds.eq(row.position_seconds),
            lesson_progress::completed_at.eq(row.completed_at),
            lesson_progress::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(lesson_progress::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn answer(
    conn: &mut DbConnection,
    user_id: &str,
    lesson_id: &str,
) -> Result<Option<AnswerRow>> {
    Ok(exercise_answers::table
        .find((user_id, lesson_id))
        .select(AnswerRow::as_select())
        .first(conn)
        .optional()?)
}

/// Writes a member's answer to a lesson's exercise, first time or again.
pub fn save_answer(conn: &mut DbConnection, row: &AnswerRow) -> Result<()> {
    let updated = diesel::update(exercise_answers::table.find((&row.user_id, &row.lesson_id)))
        .set((
            exercise_answers::answer.eq(&row.answer),
            exercise_answers::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(exercise_answers::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// A lesson's answers, latest first, keyed by `(updated_at, user_id)`.
pub fn answers_to(
    conn: &mut DbConnection,
    lesson_id: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<AnswerRow>> {
    let mut query = exercise_answers::table
        .filter(exercise_answers::lesson_id.eq(lesson_id))
        .order((
            exercise_answers::updated_at.desc(),
            exercise_answers::user_id.desc(),
        ))
        .limit(limit)
        .select(AnswerRow::as_select())
        .into_boxed();
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Desc,
            exercise_answers::updated_at,
            exercise_answers::user_id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}

pub fn completion(
    conn: &mut DbConnection,
    user_id: &str,
    course_id: &str,
) -> Result<Option<NaiveDateTime>> {
    Ok(course_completions::table
        .find((user_id, course_id))
        .select(course_completions::completed_at)
        .first(conn)
        .optional()?)
}

/// Records that the member completed the course, once.
pub fn record_completion(
    conn: &mut DbConnection,
    user_id: &str,
    course_id: &str,
    at: NaiveDateTime,
) -> Result<()> {
    if completion(conn, user_id, course_id)?.is_none() {
        diesel::insert_into(course_completions::table)
            .values((
                course_completions::user_id.eq(user_id),
                course_completions::course_id.eq(course_id),
                course_completions::completed_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}
