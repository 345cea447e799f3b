//! The e-course's content as members read it and hosts write it. A draft course or lesson is
//! invisible (404) to everyone but hosts; a published course's outline (titles, durations) is
//! open to every signed-in member so they can see what they would get; a lesson's body, video
//! and exercise need an entitlement (403 `entitlement-required`).

use crate::access::ViewerContext;
use crate::entitlements::{held, is_host, may_open};
use crate::error::{Error, Result};
use crate::learning::signed_in;
use chrono::{DateTime, NaiveDateTime, Utc};
use praxis_domain::courses::{self as rules, CourseChanges, CourseDraft, LessonFields};
use praxis_domain::ids::{CourseId, CourseModuleId, LessonId, UserId};
use praxis_domain::resources::{may_translate, Language};
use praxis_domain::Money;
use praxis_persistence::courses::{self as repo, CourseRow, LessonRow, ModuleRow};
use praxis_persistence::{audit, to_db_time, DbConnection};
use std::collections::HashSet;

/// A course as one caller sees it: its translations, whether they may open its lessons, and
/// what it costs bought alone (empty when it is not sold alone).
#[derive(Debug, Clone)]
pub struct CourseView {
    pub row: CourseRow,
    pub translations: Vec<CourseRow>,
    pub entitled: bool,
    pub prices: Vec<Money>,
}

fn visible(ctx: &ViewerContext, published: bool) -> bool {
    published || is_host(ctx)
}

/// The views of `rows` in a fixed number of queries however many there are: their
/// translations at once, the caller's holding entitlements at once, the plans' deductions once.
fn views(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    rows: Vec<CourseRow>,
) -> Result<Vec<CourseView>> {
    let groups: Vec<String> = rows.iter().map(|r| r.translation_group.clone()).collect();
    let siblings = repo::in_groups(conn, &groups)?;
    let held: HashSet<String> = match (is_host(ctx), ctx.user_id.as_deref()) {
        (false, Some(user)) => held(conn, &UserId::from_trusted(user), None)?
            .into_iter()
            .map(|e| e.course_id)
            .collect(),
        _ => HashSet::new(),
    };
    let deductions = crate::course_orders::e_course_deductions(conn)?;
    rows.into_iter()
        .map(|row| -> Result<CourseView> {
            Ok(CourseView {
                translations: siblings
                    .iter()
                    .filter(|s| s.translation_group == row.translation_group && s.id != row.id)
                    .filter(|s| visible(ctx, s.published))
                    .cloned()
                    .collect(),
                entitled: is_host(ctx) || held.contains(&row.translation_group),
                prices: crate::course_orders::prices_of(&row, &deductions)?,
                row,
            })
        })
        .collect()
}

/// A course the caller may see; 404 for a draft unless they host.
pub fn visible_course(conn: &mut DbConnection, ctx: &ViewerContext, id: &str) -> Result<CourseRow> {
    repo::find_course(conn, id)?
        .filter(|c| visible(ctx, c.published))
        .ok_or(Error::NotFound("course"))
}

/// Published courses (drafts too for hosts), newest first: up to `limit + 1` after `after`.
pub fn list(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<CourseView>> {
    signed_in(ctx)?;
    let rows = repo::page_courses(conn, is_host(ctx), after, limit + 1)?;
    views(conn, ctx, rows)
}

/// A course's outline: its modules in order, each with the lessons the caller may see.
#[derive(Debug, Clone)]
pub struct Outline {
    pub course: CourseView,
    pub modules: Vec<(ModuleRow, Vec<LessonRow>)>,
}

/// The modules of `course` in order with their lessons in order; drafts only for hosts.
pub fn outline_of(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    course: &CourseRow,
) -> Result<Vec<(ModuleRow, Vec<LessonRow>)>> {
    let modules = repo::modules_of(conn, &course.id)?;
    let lessons = repo::lessons_of_course(conn, &course.id)?;
    Ok(modules
        .into_iter()
        .map(|m| {
            let of_module = lessons
                .iter()
                .filter(|l| l.module_id == m.id && visible(ctx, l.published))
                .cloned()
                .collect();
            (m, of_module)
        })
        .collect())
}

pub fn outline(conn: &mut DbConnection, ctx: &ViewerContext, id: &CourseId) -> Result<Outline> {
    signed_in(ctx)?;
    let row = visible_course(conn, ctx, id.as_str())?;
    let modules = outline_of(conn, ctx, &row)?;
    let course = views(conn, ctx, vec![row])?
        .pop()
        .ok_or(Error::NotFound("course"))?;
    Ok(Outline { course, modules })
}

/// A lesson the caller may see, with its course; 404 for a draft (of either) unless they
/// host.
pub fn visible_lesson(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &LessonId,
) -> Result<(LessonRow, CourseRow)> {
    signed_in(ctx)?;
    let lesson = repo::find_lesson(conn, id.as_str())?
        .filter(|l| visible(ctx, l.published))
        .ok_or(Error::NotFound("lesson"))?;
    let course =
        visible_course(conn, ctx, &lesson.course_id).map_err(|_| Error::NotFound("lesson"))?;
    Ok((lesson, course))
}

/// A lesson the caller may open: visible, and they hold the course (or host); 403
/// `entitlement-required` otherwise.
pub fn openable_lesson(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &LessonId,
) -> Result<(LessonRow, CourseRow)> {
    let (lesson, course) = visible_lesson(conn, ctx, id)?;
    if !may_open(conn, ctx, &course)? {
        return Err(Error::forbidden(
            "entitlement-required",
            "This lesson is part of the e-course: it comes with a yearly subscription, or can \
             be bought on its own.",
        ));
    }
    Ok((lesson, course))
}

fn audited(
    conn: &mut DbConnection,
    host: &UserId,
    action: &str,
    subject_type: &str,
    id: &str,
    after: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(host),
            action,
            subject_type,
            id,
            None,
            Some(&after),
            now,
        ),
    )?;
    Ok(())
}

/// Adds a draft course, optionally as the translation of another (409 `translation-exists`
/// when that language is taken). Hosts; audited.
pub fn create(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    draft: CourseDraft,
    translation_of: Option<&CourseId>,
    now: DateTime<Utc>,
) -> Result<CourseView> {
    let host = signed_in(ctx)?;
    let id = CourseId::new().into_inner();
    // A translation is the same course: it takes the original's price.
    let (group, price_cents, price_currency) = match translation_of {
        None => (id.clone(), None, None),
        Some(original) => {
            let original = repo::find_course(conn, original.as_str())?
                .ok_or_else(|| Error::field("translation_of", "is not a course"))?;
            let siblings =
                repo::in_groups(conn, std::slice::from_ref(&original.translation_group))?;
            let taken: Vec<Language> = siblings
                .iter()
                .filter_map(|c| Language::parse(&c.language).ok())
                .collect();
            let first = Language::parse(&original.language)
                .map_err(|_| Error::internal("stored language is invalid"))?;
            may_translate(first, &taken, draft.language)?;
            (
                original.translation_group,
                original.price_cents,
                original.price_currency,
            )
        }
    };
    let at = to_db_time(now);
    let row = CourseRow {
        id,
        translation_group: group,
        language: draft.language.as_str().to_owned(),
        title: draft.title,
        summary: draft.summary,
        published: false,
        included_with_yearly: draft.included_with_yearly,
        created_by: Some(host.as_str().to_owned()),
        created_at: at,
        updated_at: at,
        price_cents,
        price_currency,
    };
    repo::insert_course(conn, &row)?;
    audited(
        conn,
        &host,
        "course.created",
        "course",
        &row.id,
        serde_json::json!({"title": row.title, "language": row.language}),
        now,
    )?;
    views(conn, ctx, vec![row])?
        .pop()
        .ok_or(Error::NotFound("course"))
}

/// Edits a course (title, summary, published, included with yearly, its price bought alone:
/// set on every translation, since they are one course). Hosts; audited.
pub fn update(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &CourseId,
    changes: CourseChanges,
    now: DateTime<Utc>,
) -> Result<CourseView> {
    let host = signed_in(ctx)?;
    let course = repo::find_course(conn, id.as_str())?.ok_or(Error::NotFound("course"))?;
    let after = serde_json::json!({
        "title": changes.title, "published": changes.published,
        "included_with_yearly": changes.included_with_yearly,
        "price": changes.price.map(|p| p.map(|m| serde_json::json!({
            "amount": m.cents, "currency": m.currency.as_str(),
        }))),
    });
    if let Some(price) = changes.price {
        repo::set_group_price(
            conn,
            &course.translation_group,
            price.map(|m| (m.cents, m.currency.to_string())),
            to_db_time(now),
        )?;
    }
    repo::update_course(
        conn,
        id.as_str(),
        &repo::CourseChanges {
            title: changes.title,
            summary: changes.summary,
            published: changes.published,
            included_with_yearly: changes.included_with_yearly,
            updated_at: Some(to_db_time(now)),
        },
    )?;
    audited(
        conn,
        &host,
        "course.updated",
        "course",
        id.as_str(),
        after,
        now,
    )?;
    let row = repo::find_course(conn, id.as_str())?.ok_or(Error::NotFound("course"))?;
    views(conn, ctx, vec![row])?
        .pop()
        .ok_or(Error::NotFound("course"))
}

/// Adds a module at the end of a course. Hosts; audited.
pub fn add_module(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    course: &CourseId,
    title: &str,
    now: DateTime<Utc>,
) -> Result<ModuleRow> {
    let host = signed_in(ctx)?;
    let title = praxis_domain::learning::text("title", title, rules::TITLE_MAX_CHARS)?;
    repo::find_course(conn, course.as_str())?.ok_or(Error::NotFound("course"))?;
    let count = repo::modules_of(conn, course.as_str())?.len();
    let at = to_db_time(now);
    let row = ModuleRow {
        id: CourseModuleId::new().into_inner(),
        course_id: course.as_str().to_owned(),
        position: i32::try_from(count + 1).unwrap_or(i32::MAX),
        title,
        created_at: at,
        updated_at: at,
    };
    repo::insert_module(conn, &row)?;
    audited(
        conn,
        &host,
        "course_module.created",
        "course_module",
        &row.id,
        serde_json::json!({"course_id": row.course_id, "title": row.title}),
        now,
    )?;
    Ok(row)
}

/// Renames a module and/or moves it to `position` among its course's modules. Hosts; audited.
pub fn update_module(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &CourseModuleId,
    title: Option<String>,
    position: Option<usize>,
    now: DateTime<Utc>,
) -> Result<ModuleRow> {
    let host = signed_in(ctx)?;
    let module = repo::find_module(conn, id.as_str())?.ok_or(Error::NotFound("module"))?;
    let at = to_db_time(now);
    if let Some(title) = &title {
        repo::rename_module(conn, id.as_str(), title, at)?;
    }
    if let Some(position) = position {
        let order: Vec<String> = repo::modules_of(conn, &module.course_id)?
            .into_iter()
            .map(|m| m.id)
            .collect();
        repo::order_modules(conn, &rules::moved(&order, &module.id, position), at)?;
    }
    audited(
        conn,
        &host,
        "course_module.updated",
        "course_module",
        id.as_str(),
        serde_json::json!({"title": title, "position": position}),
        now,
    )?;
    repo::find_module(conn, id.as_str())?.ok_or(Error::NotFound("module"))
}

/// Adds a lesson at the end of a module, a draft unless `published`. Hosts; audited.
pub fn add_lesson(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    module: &CourseModuleId,
    fields: LessonFields,
    published: bool,
    now: DateTime<Utc>,
) -> Result<LessonRow> {
    let host = signed_in(ctx)?;
    let module = repo::find_module(conn, module.as_str())?.ok_or(Error::NotFound("module"))?;
    let count = repo::lessons_of_module(conn, &module.id)?.len();
    let video = fields.video.flatten();
    let at = to_db_time(now);
    let row = LessonRow {
        id: LessonId::new().into_inner(),
        course_id: module.course_id.clone(),
        module_id: module.id.clone(),
        position: i32::try_from(count + 1).unwrap_or(i32::MAX),
        title: fields.title.unwrap_or_default(),
        video_url: video.as_ref().map(|(url, _)| url.clone()),
        duration_seconds: video.map(|(_, seconds)| seconds),
        body: fields.body.unwrap_or_default(),
        exercise_prompt: fields.exercise_prompt.flatten(),
        published,
        created_at: at,
        updated_at: at,
    };
    repo::insert_lesson(conn, &row)?;
    audited(
        conn,
        &host,
        "lesson.created",
        "lesson",
        &row.id,
        serde_json::json!({"module_id": row.module_id, "title": row.title, "published": published}),
        now,
    )?;
    Ok(row)
}

/// Edits a lesson, publishes or withdraws it, or moves it to `position` in its module. Hosts;
/// audited.
pub fn update_lesson(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &LessonId,
    fields: LessonFields,
    published: Option<bool>,
    position: Option<usize>,
    now: DateTime<Utc>,
) -> Result<LessonRow> {
    let host = signed_in(ctx)?;
    let lesson = repo::find_lesson(conn, id.as_str())?.ok_or(Error::NotFound("lesson"))?;
    let at = to_db_time(now);
    let after =
        serde_json::json!({"title": fields.title, "published": published, "position": position});
    let video = fields.video.clone();
    repo::update_lesson(
        conn,
        id.as_str(),
        &repo::LessonChanges {
            title: fields.title,
            video_url: video.clone().map(|v| v.map(|(url, _)| url)),
            duration_seconds: video.map(|v| v.map(|(_, seconds)| seconds)),
            body: fields.body,
            exercise_prompt: fields.exercise_prompt,
            published,
            updated_at: Some(at),
        },
    )?;
    if let Some(position) = position {
        let order: Vec<String> = repo::lessons_of_module(conn, &lesson.module_id)?
            .into_iter()
            .map(|l| l.id)
            .collect();
        repo::order_lessons(conn, &rules::moved(&order, &lesson.id, position), at)?;
    }
    audited(
        conn,
        &host,
        "lesson.updated",
        "lesson",
        id.as_str(),
        after,
        now,
    )?;
    repo::find_lesson(conn, id.as_str())?.ok_or(Error::NotFound("lesson"))
}
