//! Hosts write the e-course: courses (with translations), modules and lessons, reordered by
//! `position`, published with `published`; they read exercise answers and grant a course free.
//! Every change is audited.

use crate::auth::Host;
use crate::dto::billing::{refund_response, RefundResponse};
use crate::dto::courses::{
    CourseResponse, EntitlementResponse, ExerciseAnswerPage, ExerciseAnswerResponse,
    LessonResponse, ModuleResponse,
};
use crate::dto::money::MoneyDto;
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{HostOnly, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{get, patch, post};
use actix_web::{web, HttpResponse};
use praxis_app::entitlements::{self, EntitlementView};
use praxis_app::{course_orders, course_progress, courses};
use praxis_domain::courses::{self as rules, LessonInput};
use praxis_domain::ids::{CourseId, CourseModuleId, CourseOrderId, LessonId, RefundId, UserId};
use praxis_openapi::Problem;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_course)
        .service(update_course)
        .service(create_module)
        .service(update_module)
        .service(create_lesson)
        .service(update_lesson)
        .service(list_answers)
        .service(grant_entitlement)
        .service(refund_course_order);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Sociocracy 3.0 step by step", "summary": "Twelve lessons…", "language": "en"}))]
pub struct CreateCourseRequest {
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// `en` or `es`.
    pub language: String,
    /// Whether a member's first paid yearly subscription opens it (default `true`).
    pub included_with_yearly: Option<bool>,
    /// The id of the course this one translates (one course per language).
    #[schema(value_type = Option<String>)]
    pub translation_of: Option<CourseId>,
}

/// Adds a draft course, optionally as the translation of another. Hosts and admins; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])), request_body = CreateCourseRequest,
    responses(
        (status = 201, description = "Created (a draft)", body = CourseResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        HostOnly,
        (status = 409, description = "A translation in this language exists (`translation-exists`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[post("/admin/courses")]
pub async fn create_course(
    state: web::Data<AppState>,
    Host(host): Host,
    body: Json<CreateCourseRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let draft = rules::parse_course(
        &body.title,
        &body.summary,
        &body.language,
        body.included_with_yearly.unwrap_or(true),
    )?;
    let now = state.now();
    let view = state
        .write(move |c| courses::create(c, &host.ctx, draft, body.translation_of.as_ref(), now))
        .await?;
    Ok(HttpResponse::Created().json(CourseResponse::from(view)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"published": true, "price": {"amount": 9900, "currency": "EUR"}}))]
pub struct UpdateCourseRequest {
    pub title: Option<String>,
    pub summary: Option<String>,
    /// Publishing shows the course to members; `false` makes it a draft again.
    pub published: Option<bool>,
    pub included_with_yearly: Option<bool>,
    /// Its price bought alone (above zero), for every translation; `null` removes it (a course
    /// included with yearly subscriptions then costs the plans' e-course deduction; another is
    /// not sold alone). Left out, the price stays.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<MoneyDto>)]
    pub price: Option<Option<MoneyDto>>,
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`, by `default`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Edits, publishes or withdraws a course, or sets its price bought alone. Fields left out stay
/// as they are. Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Course id")), request_body = UpdateCourseRequest,
    responses(
        (status = 200, description = "The course", body = CourseResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        HostOnly,
        NotVisible,
        Invalid,
    ))]
#[patch("/admin/courses/{id}")]
pub async fn update_course(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<CourseId>,
    body: Json<UpdateCourseRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let mut changes = rules::parse_course_changes(
        body.title.as_deref(),
        body.summary.as_deref(),
        body.published,
        body.included_with_yearly,
    )?;
    changes.price = body
        .price
        .map(|price| {
            price
                .map(|p| rules::parse_price(p.amount, &p.currency))
                .transpose()
        })
        .transpose()?;
    let now = state.now();
    let view = state
        .write(move |c| courses::update(c, &host.ctx, &id, changes, now))
        .await?;
    Ok(HttpResponse::Ok().json(CourseResponse::from(view)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Drivers and tensions"}))]
pub struct ModuleRequest {
    pub title: Option<String>,
    /// 1-based place among the course's modules (PATCH only): the module moves there and the
    /// others keep their order.
    pub position: Option<i64>,
}

/// Adds a module at the end of a course. Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Course id")), request_body = ModuleRequest,
    responses(
        (status = 201, description = "Created", body = ModuleResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        HostOnly,
        NotVisible,
        Invalid,
    ))]
#[post("/admin/courses/{id}/modules")]
pub async fn create_module(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<CourseId>,
    body: Json<ModuleRequest>,
) -> ApiResult<HttpResponse> {
    let title = body.0.title.unwrap_or_default();
    let now = state.now();
    let row = state
        .write(move |c| courses::add_module(c, &host.ctx, &id, &title, now))
        .await?;
    Ok(HttpResponse::Created().json(ModuleResponse::from(row)))
}

/// Renames a module or moves it (`position`). Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Module id")), request_body = ModuleRequest,
    responses(
        (status = 200, description = "The module", body = ModuleResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        HostOnly,
        NotVisible,
        Invalid,
    ))]
#[patch("/admin/modules/{id}")]
pub async fn update_module(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<CourseModuleId>,
    body: Json<ModuleRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let title = body
        .title
        .map(|t| praxis_domain::learning::text("title", &t, rules::TITLE_MAX_CHARS))
        .transpose()?;
    let position = body.position.map(rules::parse_position).transpose()?;
    let now = state.now();
    let row = state
        .write(move |c| courses::update_module(c, &host.ctx, &id, title, position, now))
        .await?;
    Ok(HttpResponse::Ok().json(ModuleResponse::from(row)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "What is a driver?", "video_url": "https://video.example/s3/drivers", "duration_seconds": 540,
    "body": "A **driver** is…", "exercise_prompt": "Describe a driver in your team.", "published": true}))]
pub struct LessonRequest {
    pub title: Option<String>,
    /// With `duration_seconds`; an empty text removes the video (PATCH).
    pub video_url: Option<String>,
    pub duration_seconds: Option<i64>,
    /// Markdown.
    pub body: Option<String>,
    /// An empty text removes the exercise (PATCH).
    pub exercise_prompt: Option<String>,
    /// Drafts (the default) are seen by hosts only.
    pub published: Option<bool>,
    /// 1-based place among the module's lessons (PATCH only).
    pub position: Option<i64>,
}

impl LessonRequest {
    fn input(&self) -> LessonInput<'_> {
        LessonInput {
            title: self.title.as_deref(),
            video_url: self.video_url.as_deref(),
            duration_seconds: self.duration_seconds,
            body: self.body.as_deref(),
            exercise_prompt: self.exercise_prompt.as_deref(),
        }
    }
}

/// Adds a lesson at the end of a module: a title and a video (URL with duration), a Markdown
/// text or both, and an optional exercise. Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Module id")), request_body = LessonRequest,
    responses(
        (status = 201, description = "Created", body = LessonResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        HostOnly,
        NotVisible,
        Invalid,
    ))]
#[post("/admin/modules/{id}/lessons")]
pub async fn create_lesson(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<CourseModuleId>,
    body: Json<LessonRequest>,
) -> ApiResult<HttpResponse> {
    let fields = rules::parse_lesson(&body.0.input())?;
    let published = body.0.published.unwrap_or(false);
    let now = state.now();
    let row = state
        .write(move |c| courses::add_lesson(c, &host.ctx, &id, fields, published, now))
        .await?;
    Ok(HttpResponse::Created().json(LessonResponse::new(row, None, None)))
}

/// Edits, publishes, withdraws or moves (`position`) a lesson. Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Lesson id")), request_body = LessonRequest,
    responses(
        (status = 200, description = "The lesson", body = LessonResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        HostOnly,
        NotVisible,
        Invalid,
    ))]
#[patch("/admin/lessons/{id}")]
pub async fn update_lesson(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<LessonId>,
    body: Json<LessonRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let fields = rules::parse_lesson_changes(&body.input())?;
    let position = body.position.map(rules::parse_position).transpose()?;
    let published = body.published;
    let now = state.now();
    let row = state
        .write(move |c| courses::update_lesson(c, &host.ctx, &id, fields, published, position, now))
        .await?;
    Ok(HttpResponse::Ok().json(LessonResponse::new(row, None, None)))
}

/// The answers members wrote to a lesson's exercise, latest first. Hosts only.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Lesson id"), PageParams),
    responses(
        (status = 200, description = "A page of answers", body = ExerciseAnswerPage),
        HostOnly,
        NotVisible,
        Invalid,
    ))]
#[get("/admin/lessons/{id}/exercise-answers")]
pub async fn list_answers(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<LessonId>,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let rows = state
        .read(move |c| course_progress::answers(c, &host.ctx, &id, after, limit))
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |r| (r.updated_at, r.user_id.clone()),
        ExerciseAnswerResponse::from,
    );
    Ok(HttpResponse::Ok().json(ExerciseAnswerPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"user_id": "019380aa-7c4e-7cc3-a1a6-0c1b5f7d2e10", "course_id": "019380aa-7c4e-7cc3-a1a6-0c1b5f7d2e11",
    "reason": "Scholarship for the Bogotá circle"}))]
pub struct GrantRequest {
    #[schema(value_type = String)]
    pub user_id: UserId,
    #[schema(value_type = String)]
    pub course_id: CourseId,
    /// Why, for the audit log.
    pub reason: String,
}

/// Gives a member a course free. Audited. 409 `entitlement-exists` when they hold it already.
#[utoipa::path(tag = "admin", security(("bearer" = [])), request_body = GrantRequest,
    responses(
        (status = 201, description = "Granted", body = EntitlementResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        HostOnly,
        NotVisible,
        (status = 409, description = "The member holds the course already (`entitlement-exists`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[post("/admin/entitlements")]
pub async fn grant_entitlement(
    state: web::Data<AppState>,
    Host(host): Host,
    body: Json<GrantRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let now = state.now();
    let row = state
        .write(move |c| {
            entitlements::grant(
                c,
                &host.ctx,
                &body.user_id,
                &body.course_id,
                &body.reason,
                now,
            )
        })
        .await?;
    Ok(
        HttpResponse::Created().json(EntitlementResponse::from(EntitlementView {
            row,
            course: None,
        })),
    )
}

/// Refunds a course bought alone, whole (what remains unrefunded of its payment), through the
/// payment provider: the member loses the course at once, and is told by mail. The refund is
/// listed in `GET /admin/refunds` (with `request_id` null) and retried from there if the
/// provider fails it. Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Course order id")),
    responses(
        (status = 200, description = "The refund (`succeeded`, `pending` until the provider confirms, or `failed`)", body = RefundResponse),
        HostOnly,
        NotVisible,
        (status = 409, description = "The order was never paid (`nothing-paid`), or its payment is refunded already (`nothing-refundable`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/course-orders/{id}/refund")]
pub async fn refund_course_order(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<CourseOrderId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let refund = state
        .write(move |c| course_orders::refund(c, &host.ctx, &id, now))
        .await?;
    let refund_id = RefundId::from_trusted(refund.id.clone());
    state.pay_out(refund).await;
    let refund = state
        .read(move |c| praxis_app::billing::payouts::find(c, &refund_id))
        .await?;
    Ok(HttpResponse::Ok().json(refund_response(refund)?))
}
