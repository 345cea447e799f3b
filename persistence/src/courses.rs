//! The e-course's content: courses (translations grouped), their ordered modules and ordered
//! lessons. Entitlements and progress live in `course_members`.

use crate::error::Result;
use crate::keyset::{self, Order};
use crate::schema::{course_modules, courses, lessons};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = courses)]
pub struct CourseRow {
    pub id: String,
    pub translation_group: String,
    pub language: String,
    pub title: String,
    pub summary: String,
    pub published: bool,
    pub included_with_yearly: bool,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Its own price bought alone, with `price_currency`; NULL for none (then a course
    /// included with yearly subscriptions costs the plans' e-course deduction).
    pub price_cents: Option<i64>,
    pub price_currency: Option<String>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = courses)]
pub struct CourseChanges {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub published: Option<bool>,
    pub included_with_yearly: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = course_modules)]
pub struct ModuleRow {
    pub id: String,
    pub course_id: String,
    pub position: i32,
    pub title: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = lessons)]
pub struct LessonRow {
    pub id: String,
    pub course_id: String,
    pub module_id: String,
    pub position: i32,
    pub title: String,
    pub video_url: Option<String>,
    pub duration_seconds: Option<i32>,
    pub body: String,
    pub exercise_prompt: Option<String>,
    pub published: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// `None` leaves a column as it is; `Some(None)` writes NULL.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = lessons)]
pub struct LessonChanges {
    pub title: Option<String>,
    pub video_url: Option<Option<String>>,
    pub duration_seconds: Option<Option<i32>>,
    pub body: Option<String>,
    pub exercise_prompt: Option<Option<String>>,
    pub published: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn insert_course(conn: &mut DbConnection, row: &CourseRow) -> Result<()> {
    diesel::insert_into(courses::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_course(conn: &mut DbConnection, id: &str) -> Result<Option<CourseRow>> {
    Ok(courses::table
        .find(id)
        .select(CourseRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn update_course(conn: &mut DbConnection, id: &str, changes: &CourseChanges) -> Result<()> {
    diesel::update(courses::table.find(id))
        .set(changes)
        .execute(conn)?;
    Ok(())
}

/// Sets (or with `None` clears) the price of every translation of a course: the price is the
/// course's, whatever language it is bought in.
pub fn set_group_price(
    conn: &mut DbConnection,
    group: &str,
    price: Option<(i64, String)>,
    at: NaiveDateTime,
) -> Result<()> {
    let (cents, currency) = price.unzip();
    diesel::update(courses::table.filter(courses::translation_group.eq(group)))
        .set((
            courses::price_cents.eq(cents),
            courses::price_currency.eq(currency),
            courses::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Courses newest first, only published ones unless `drafts`.
pub fn page_courses(
    conn: &mut DbConnection,
    drafts: bool,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<CourseRow>> {
    let mut query = courses::table
        .select(CourseRow::as_select())
        .order((courses::created_at.desc(), courses::id.desc()))
        .limit(limit)
        .into_boxed();
    if !drafts {
        query = query.filter(courses::published.eq(true));
    }
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Desc,
            courses::created_at,
            courses::id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}

/// Every course of the given translation groups, in one query.
pub fn in_groups(conn: &mut DbConnection, groups: &[String]) -> Result<Vec<CourseRow>> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    Ok(courses::table
        .filter(courses::translation_group.eq_any(groups))
        .order((courses::language.asc(), courses::id.asc()))
        .select(CourseRow::as_select())
        .load(conn)?)
}

/// The translation groups a yearly subscription opens.
pub fn groups_included_with_yearly(conn: &mut DbConnection) -> Result<Vec<String>> {
    Ok(courses::table
        .filter(courses::included_with_yearly.eq(true))
        .select(courses::translation_group)
        .distinct()
        .load(conn)?)
}

pub fn insert_module(conn: &mut DbConnection, row: &ModuleRow) -> Result<()> {
    diesel::insert_into(course_modules::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_module(conn: &mut DbConnection, id: &str) -> Result<Option<ModuleRow>> {
    Ok(course_modules::table
        .find(id)
        .select(ModuleRow::as_select())
        .first(conn)
        .optional()?)
}

/// A course's modules in order.
pub fn modules_of(conn: &mut DbConnection, course_id: &str) -> Result<Vec<ModuleRow>> {
    Ok(course_modules::table
        .filter(course_modules::course_id.eq(course_id))
        .order((course_modules::position.asc(), course_modules::id.asc()))
        .select(ModuleRow::as_select())
        .load(conn)?)
}

pub fn rename_module(
    conn: &mut DbConnection,
    id: &str,
    title: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(course_modules::table.find(id))
        .set((
            course_modules::title.eq(title),
            course_modules::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Numbers modules 1, 2, … in the order of `ids`.
pub fn order_modules(conn: &mut DbConnection, ids: &[String], at: NaiveDateTime) -> Result<()> {
    for (i, id) in ids.iter().enumerate() {
        let position = i32::try_from(i + 1).unwrap_or(i32::MAX);
        diesel::update(course_modules::table.find(id))
            .set((
                course_modules::position.eq(position),
                course_modules::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn insert_lesson(conn: &mut DbConnection, row: &LessonRow) -> Result<()> {
    diesel::insert_into(lessons::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_lesson(conn: &mut DbConnection, id: &str) -> Result<Option<LessonRow>> {
    Ok(lessons::table
        .find(id)
        .select(LessonRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn update_lesson(conn: &mut DbConnection, id: &str, changes: &LessonChanges) -> Result<()> {
    diesel::update(lessons::table.find(id))
        .set(changes)
        .execute(conn)?;
    Ok(())
}

/// A course's lessons, module by module as `modules` orders them is the caller's job: here by
/// module, then position.
pub fn lessons_of_course(conn: &mut DbConnection, course_id: &str) -> Result<Vec<LessonRow>> {
    Ok(lessons::table
        .filter(lessons::course_id.eq(course_id))
        .order((
            lessons::module_id.asc(),
            lessons::position.asc(),
            lessons::id.asc(),
        ))
        .select(LessonRow::as_select())
        .load(conn)?)
}

/// A module's lessons in order.
pub fn lessons_of_module(conn: &mut DbConnection, module_id: &str) -> Result<Vec<LessonRow>> {
    Ok(lessons::table
        .filter(lessons::module_id.eq(module_id))
        .order((lessons::position.asc(), lessons::id.asc()))
        .select(LessonRow::as_select())
        .load(conn)?)
}

/// Numbers a module's lessons 1, 2, … in the order of `ids`.
pub fn order_lessons(conn: &mut DbConnection, ids: &[String], at: NaiveDateTime) -> Result<()> {
    for (i, id) in ids.iter().enumerate() {
        let position = i32::try_from(i + 1).unwrap_or(i32::MAX);
        diesel::update(lessons::table.find(id))
            .set((lessons::position.eq(position), lessons::updated_at.eq(at)))
            .execute(conn)?;
    }
    Ok(())
}
