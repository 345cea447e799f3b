//! The e-course as members take it: the catalogue, a course's outline with the caller's
//! progress, a lesson, progress and exercise answers, and the caller's entitlements. Drafts
//! answer 404 to members; a lesson's content needs an entitlement (403 `entitlement-required`).

use crate::auth::Member;
use crate::dto::courses::{
    CourseDetailResponse, CoursePage, CourseResponse, EntitlementList, EntitlementResponse,
    ExerciseAnswerResponse, LessonResponse, ProgressResponse,
};
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{AuthErrors, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{get, put};
use actix_web::{web, HttpResponse};
use praxis_app::course_progress::{self, ProgressUpdate};
use praxis_app::{courses, entitlements};
use praxis_domain::courses as rules;
use praxis_domain::ids::{CourseId, LessonId};
use praxis_openapi::Problem;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_courses)
        .service(get_course)
        .service(get_lesson)
        .service(put_progress)
        .service(put_exercise)
        .service(my_entitlements);
}

/// Published courses, newest first (hosts see drafts too), each saying whether the caller may
/// open its lessons.
#[utoipa::path(tag = "e-course", security(("bearer" = [])), params(PageParams),
    responses(
        (status = 200, description = "A page of courses", body = CoursePage),
        AuthErrors,
        Invalid,
    ))]
#[get("/courses")]
pub async fn list_courses(
    state: web::Data<AppState>,
    member: Member,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let paging = query.0;
    let (limit, after) = (paging.limit()?, paging.after()?);
    let views = state
        .read(move |c| courses::list(c, &member.ctx, after, limit))
        .await?;
    let page = Page::from_rows(
        views,
        limit,
        |v| (v.row.created_at, v.row.id.clone()),
        CourseResponse::from,
    );
    Ok(HttpResponse::Ok().json(CoursePage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// A course's outline (modules and lessons in order, titles and durations) with the caller's
/// progress: open to every member, so they see what the course holds. 404 for a draft.
#[utoipa::path(tag = "e-course", security(("bearer" = [])),
    params(("id" = String, Path, description = "Course id")),
    responses(
        (status = 200, description = "The course", body = CourseDetailResponse),
        AuthErrors,
        NotVisible,
    ))]
#[get("/courses/{id}")]
pub async fn get_course(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<CourseId>,
) -> ApiResult<HttpResponse> {
    let (outline, progress) = state
        .read(move |c| course_progress::course(c, &member.ctx, &id))
        .await?;
    Ok(HttpResponse::Ok().json(CourseDetailResponse::new(outline, &progress)))
}

/// A lesson with its video, Markdown text and exercise, and the caller's progress and answer.
/// 403 `entitlement-required` without the course; 404 for a draft.
#[utoipa::path(tag = "e-course", security(("bearer" = [])),
    params(("id" = String, Path, description = "Lesson id")),
    responses(
        (status = 200, description = "The lesson", body = LessonResponse),
        AuthErrors,
        (status = 403, description = "The course is not the caller's (`entitlement-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
    ))]
#[get("/lessons/{id}")]
pub async fn get_lesson(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<LessonId>,
) -> ApiResult<HttpResponse> {
    let (lesson, progress, answer) = state
        .read(move |c| course_progress::lesson(c, &member.ctx, &id))
        .await?;
    Ok(HttpResponse::Ok().json(LessonResponse::new(lesson, progress, answer)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"position_seconds": 312, "completed": false}))]
pub struct ProgressRequest {
    /// Mark the lesson complete (`true`) or not complete again (`false`); left out, unchanged.
    pub completed: Option<bool>,
    /// Where the video is, 0 to its duration; left out, unchanged.
    pub position_seconds: Option<i64>,
}

/// Records the caller's progress on a lesson (started now if not before); the course is
/// recorded complete the first time every published lesson is.
#[utoipa::path(tag = "e-course", security(("bearer" = [])),
    params(("id" = String, Path, description = "Lesson id")), request_body = ProgressRequest,
    responses(
        (status = 200, description = "The lesson's and the course's progress", body = ProgressResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
        (status = 403, description = "The course is not the caller's (`entitlement-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        Invalid,
    ))]
#[put("/lessons/{id}/progress")]
pub async fn put_progress(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<LessonId>,
    body: Json<ProgressRequest>,
) -> ApiResult<HttpResponse> {
    let update = ProgressUpdate {
        completed: body.0.completed,
        position_seconds: body.0.position_seconds,
    };
    let now = state.now();
    let (lesson, course) = state
        .write(move |c| course_progress::record(c, &member.ctx, &id, update, now))
        .await?;
    Ok(HttpResponse::Ok().json(ProgressResponse {
        lesson: (&lesson).into(),
        lesson_id: lesson.lesson_id,
        course: (&course).into(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"answer": "In my team the driver was…"}))]
pub struct ExerciseRequest {
    pub answer: String,
}

/// Writes the caller's answer to the lesson's exercise (replacing an earlier one). Only the
/// caller and the hosts read it. 409 `no-exercise` for a lesson without one.
#[utoipa::path(tag = "e-course", security(("bearer" = [])),
    params(("id" = String, Path, description = "Lesson id")), request_body = ExerciseRequest,
    responses(
        (status = 200, description = "The answer", body = ExerciseAnswerResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
        (status = 403, description = "The course is not the caller's (`entitlement-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 409, description = "The lesson has no exercise (`no-exercise`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[put("/lessons/{id}/exercise")]
pub async fn put_exercise(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<LessonId>,
    body: Json<ExerciseRequest>,
) -> ApiResult<HttpResponse> {
    let answer = rules::parse_answer(&body.0.answer)?;
    let now = state.now();
    let row = state
        .write(move |c| course_progress::answer(c, &member.ctx, &id, answer, now))
        .await?;
    Ok(HttpResponse::Ok().json(ExerciseAnswerResponse::from(row)))
}

/// The courses the caller holds, each with where it came from (`subscription`, `grant`,
/// `purchase`). A course from a payment refunded whole is no longer listed.
#[utoipa::path(tag = "e-course", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's entitlements", body = EntitlementList),
        AuthErrors,
    ))]
#[get("/me/entitlements")]
pub async fn my_entitlements(
    state: web::Data<AppState>,
    member: Member,
) -> ApiResult<HttpResponse> {
    let views = state
        .read(move |c| entitlements::mine(c, &member.ctx))
        .await?;
    Ok(HttpResponse::Ok().json(EntitlementList {
        items: views.into_iter().map(EntitlementResponse::from).collect(),
        next_cursor: None,
    }))
}
