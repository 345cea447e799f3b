//! The e-course as members and hosts see it: courses, outlines with progress, lessons,
//! exercise answers and entitlements.

use crate::dto::money::MoneyDto;
use chrono::{DateTime, NaiveDateTime, Utc};
use praxis_app::course_progress::CourseProgress;
use praxis_app::courses::{CourseView, Outline};
use praxis_app::entitlements::EntitlementView;
use praxis_persistence::course_members::{AnswerRow, ProgressRow};
use praxis_persistence::courses::{CourseRow, LessonRow, ModuleRow};
use praxis_persistence::from_db_time;
use serde::Serialize;
use utoipa::ToSchema;

fn at(t: NaiveDateTime) -> DateTime<Utc> {
    from_db_time(t)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CourseTranslation {
    pub id: String,
    pub language: String,
    pub title: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019380aa-7c4e-7cc3-a1a6-0c1b5f7d2e10", "language": "en", "title": "Sociocracy 3.0 step by step",
    "summary": "Twelve lessons…", "published": true, "included_with_yearly": true, "translations": [], "entitled": true,
    "prices": [{"amount": 9900, "currency": "EUR"}], "own_price": null, "created_at": "2026-12-01T10:00:00Z"}))]
pub struct CourseResponse {
    pub id: String,
    /// `en` or `es`.
    pub language: String,
    pub title: String,
    pub summary: String,
    /// Drafts are seen by hosts only.
    pub published: bool,
    /// Whether a member's first paid yearly subscription opens it.
    pub included_with_yearly: bool,
    /// The same course in other languages (published ones, or all for hosts).
    pub translations: Vec<CourseTranslation>,
    /// Whether the caller may open its lessons (an entitlement, or the host role).
    pub entitled: bool,
    /// What it costs bought alone (`POST /courses/{id}/checkout`), one price per currency;
    /// empty when it is not sold alone. Without a price of its own, a course included with
    /// yearly subscriptions costs the plans' e-course deduction (the figure a yearly refund
    /// deducts for it).
    pub prices: Vec<MoneyDto>,
    /// The price a host set for it, if any (`PATCH /admin/courses/{id}` `price`).
    pub own_price: Option<MoneyDto>,
    pub created_at: DateTime<Utc>,
}

impl From<CourseView> for CourseResponse {
    fn from(view: CourseView) -> Self {
        let row = view.row;
        Self {
            translations: view
                .translations
                .into_iter()
                .map(|t| CourseTranslation {
                    id: t.id,
                    language: t.language,
                    title: t.title,
                })
                .collect(),
            entitled: view.entitled,
            prices: view.prices.into_iter().map(MoneyDto::from).collect(),
            own_price: row
                .price_cents
                .zip(row.price_currency)
                .map(|(amount, currency)| MoneyDto { amount, currency }),
            id: row.id,
            language: row.language,
            title: row.title,
            summary: row.summary,
            published: row.published,
            included_with_yearly: row.included_with_yearly,
            created_at: at(row.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CoursePage {
    pub items: Vec<CourseResponse>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ModuleResponse {
    pub id: String,
    pub course_id: String,
    /// 1-based place among the course's modules.
    pub position: i32,
    pub title: String,
}

impl From<ModuleRow> for ModuleResponse {
    fn from(row: ModuleRow) -> Self {
        Self {
            id: row.id,
            course_id: row.course_id,
            position: row.position,
            title: row.title,
        }
    }
}

/// The caller's progress through a course.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseProgressResponse {
    /// Percent of published lessons complete, rounded down.
    pub percent: u8,
    /// Where to go on: the incomplete lesson touched last, else the first incomplete one;
    /// `null` once every lesson is complete.
    pub resume_lesson_id: Option<String>,
    /// When every published lesson was first complete.
    pub completed_at: Option<DateTime<Utc>>,
}

impl From<&CourseProgress> for CourseProgressResponse {
    fn from(p: &CourseProgress) -> Self {
        Self {
            percent: p.percent,
            resume_lesson_id: p.resume_lesson_id.clone(),
            completed_at: p.completed_at.map(at),
        }
    }
}

/// The caller's progress on one lesson.
#[derive(Debug, Serialize, ToSchema)]
pub struct LessonProgressResponse {
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The last position reached in the lesson's video.
    pub position_seconds: i32,
}

impl From<&ProgressRow> for LessonProgressResponse {
    fn from(row: &ProgressRow) -> Self {
        Self {
            started_at: at(row.started_at),
            completed_at: row.completed_at.map(at),
            position_seconds: row.position_seconds,
        }
    }
}

/// A lesson in a course's outline: what it is, not what it says.
#[derive(Debug, Serialize, ToSchema)]
pub struct LessonSummary {
    pub id: String,
    pub position: i32,
    pub title: String,
    pub duration_seconds: Option<i32>,
    pub has_exercise: bool,
    pub published: bool,
    /// The caller's progress; `null` before they start it.
    pub progress: Option<LessonProgressResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ModuleOutline {
    pub id: String,
    pub position: i32,
    pub title: String,
    /// Percent of the module's published lessons the caller completed.
    pub percent: u8,
    pub lessons: Vec<LessonSummary>,
}

/// A course with its modules and lessons in order and the caller's progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseDetailResponse {
    pub course: CourseResponse,
    pub modules: Vec<ModuleOutline>,
    pub progress: CourseProgressResponse,
}

impl CourseDetailResponse {
    pub fn new(outline: Outline, progress: &CourseProgress) -> Self {
        Self {
            course: outline.course.into(),
            modules: outline
                .modules
                .into_iter()
                .map(|(m, lessons)| ModuleOutline {
                    percent: progress.modules.get(&m.id).copied().unwrap_or(0),
                    id: m.id,
                    position: m.position,
                    title: m.title,
                    lessons: lessons
                        .into_iter()
                        .map(|l| LessonSummary {
                            progress: progress.lessons.get(&l.id).map(Into::into),
                            id: l.id,
                            position: l.position,
                            title: l.title,
                            duration_seconds: l.duration_seconds,
                            has_exercise: l.exercise_prompt.is_some(),
                            published: l.published,
                        })
                        .collect(),
                })
                .collect(),
            progress: progress.into(),
        }
    }
}

/// An answer to a lesson's exercise: read by its author and the hosts only.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExerciseAnswerResponse {
    pub lesson_id: String,
    pub user_id: String,
    pub answer: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<AnswerRow> for ExerciseAnswerResponse {
    fn from(row: AnswerRow) -> Self {
        Self {
            lesson_id: row.lesson_id,
            user_id: row.user_id,
            answer: row.answer,
            created_at: at(row.created_at),
            updated_at: at(row.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExerciseAnswerPage {
    pub items: Vec<ExerciseAnswerResponse>,
    pub next_cursor: Option<String>,
}

/// A whole lesson: its video, text and exercise, with the caller's progress and answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct LessonResponse {
    pub id: String,
    pub course_id: String,
    pub module_id: String,
    pub position: i32,
    pub title: String,
    pub video_url: Option<String>,
    pub duration_seconds: Option<i32>,
    /// Markdown.
    pub body: String,
    pub exercise_prompt: Option<String>,
    pub published: bool,
    pub progress: Option<LessonProgressResponse>,
    /// The caller's own answer to the exercise.
    pub answer: Option<ExerciseAnswerResponse>,
}

impl LessonResponse {
    pub fn new(row: LessonRow, progress: Option<ProgressRow>, answer: Option<AnswerRow>) -> Self {
        Self {
            id: row.id,
            course_id: row.course_id,
            module_id: row.module_id,
            position: row.position,
            title: row.title,
            video_url: row.video_url,
            duration_seconds: row.duration_seconds,
            body: row.body,
            exercise_prompt: row.exercise_prompt,
            published: row.published,
            progress: progress.as_ref().map(Into::into),
            answer: answer.map(Into::into),
        }
    }
}

/// What recording progress answers: the lesson's progress and the course's.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressResponse {
    pub lesson_id: String,
    pub lesson: LessonProgressResponse,
    pub course: CourseProgressResponse,
}

/// An entitlement: what opens a course to the member, and where it came from.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019380aa-7c4e-7cc3-a1a6-0c1b5f7d2e11", "course_id": "019380aa-7c4e-7cc3-a1a6-0c1b5f7d2e10",
    "course_title": "Sociocracy 3.0 step by step", "source": "subscription", "granted_at": "2026-12-01T10:00:00Z"}))]
pub struct EntitlementResponse {
    pub id: String,
    /// The course (its first language); it opens every translation too.
    pub course_id: String,
    pub course_title: Option<String>,
    /// `subscription` (the first paid yearly subscription), `grant` (a host) or `purchase`.
    pub source: String,
    pub granted_at: DateTime<Utc>,
}

impl From<EntitlementView> for EntitlementResponse {
    fn from(view: EntitlementView) -> Self {
        Self {
            id: view.row.id,
            course_id: view.row.course_id,
            course_title: view.course.map(|c: CourseRow| c.title),
            source: view.row.source.as_str().to_owned(),
            granted_at: at(view.row.granted_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntitlementList {
    pub items: Vec<EntitlementResponse>,
    /// Always `null`: a member holds few entitlements, all on one page.
    pub next_cursor: Option<String>,
}
