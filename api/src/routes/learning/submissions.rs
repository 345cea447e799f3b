//! Submissions to assignments (one per member, `private` to author and hosts or `shared` with
//! the space, editable until due) and the feedback thread on each.

use crate::auth::Member;
use crate::dto::learning::AuthorResponse;
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{AuthErrors, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{get, patch, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::submissions::{self, FeedbackView, SubmissionView};
use praxis_domain::ids::{AssignmentId, SubmissionId};
use praxis_domain::learning_drafts::{feedback_text, NewSubmission, SubmissionChange};
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_submissions)
        .service(create_submission)
        .service(get_submission)
        .service(edit_submission)
        .service(list_feedback)
        .service(create_feedback);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "This month I noticed…", "visibility": "shared"}))]
pub struct SubmissionRequest {
    pub body: String,
    /// `private` (the author and the hosts) or `shared` (everyone in the space).
    pub visibility: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionChanges {
    pub body: Option<String>,
    pub visibility: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionResponse {
    pub id: String,
    pub assignment_id: String,
    pub author: AuthorResponse,
    pub body: String,
    pub visibility: String,
    pub feedback_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionPage {
    pub items: Vec<SubmissionResponse>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Thank you: the way you named the driver helped me."}))]
pub struct FeedbackRequest {
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackResponse {
    pub id: String,
    pub submission_id: String,
    pub author: AuthorResponse,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackPage {
    pub items: Vec<FeedbackResponse>,
    pub next_cursor: Option<String>,
}

impl From<SubmissionView> for SubmissionResponse {
    fn from(view: SubmissionView) -> Self {
        let r = view.row;
        Self {
            author: AuthorResponse::new(r.author_id, view.author_name),
            feedback_count: view.feedback_count,
            id: r.id,
            assignment_id: r.assignment_id,
            body: r.body,
            visibility: r.visibility,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
        }
    }
}

impl From<FeedbackView> for FeedbackResponse {
    fn from(view: FeedbackView) -> Self {
        let r = view.row;
        Self {
            author: AuthorResponse::new(r.author_id, view.author_name),
            id: r.id,
            submission_id: r.submission_id,
            body: r.body,
            created_at: from_db_time(r.created_at),
        }
    }
}

/// The submissions the caller may read: hosts see all, members the shared ones and their own.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])), params(("id" = String, Path, description = "Assignment id"), PageParams),
    responses(
        (status = 200, description = "A page of submissions, oldest first", body = SubmissionPage),
        AuthErrors,
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        Invalid,
    ))]
#[get("/assignments/{id}/submissions")]
pub async fn list_submissions(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<AssignmentId>,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let views = state
        .read(move |c| submissions::list(c, &member.ctx, &id, after, limit))
        .await?;
    let page = Page::from_rows(
        views,
        limit,
        |v| (v.row.created_at, v.row.id.clone()),
        SubmissionResponse::from,
    );
    Ok(HttpResponse::Ok().json(SubmissionPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Submits the caller's response to an assignment, once, until it is due.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])), request_body = SubmissionRequest,
    params(("id" = String, Path, description = "Assignment id")),
    responses(
        (status = 201, description = "Submitted", body = SubmissionResponse),
        AuthErrors,
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 409, description = "Already submitted (`submission-exists`: edit it instead) or past due (`assignment-closed`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[post("/assignments/{id}/submissions")]
pub async fn create_submission(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<AssignmentId>,
    body: Json<SubmissionRequest>,
) -> ApiResult<HttpResponse> {
    let draft = NewSubmission::parse(&body.0.body, &body.0.visibility)?;
    let now = state.now();
    let view = state
        .write(move |c| submissions::submit(c, &member.ctx, &id, draft, now))
        .await?;
    Ok(HttpResponse::Created().json(SubmissionResponse::from(view)))
}

/// One submission: the author and hosts; the space too when it is shared.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])), params(("id" = String, Path, description = "Submission id")),
    responses(
        (status = 200, description = "The submission", body = SubmissionResponse),
        AuthErrors,
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
    ))]
#[get("/submissions/{id}")]
pub async fn get_submission(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<SubmissionId>,
) -> ApiResult<HttpResponse> {
    let view = state
        .read(move |c| submissions::read(c, &member.ctx, &id))
        .await?;
    Ok(HttpResponse::Ok().json(SubmissionResponse::from(view)))
}

/// Edits one's own submission (text or visibility) until the assignment is due.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])), request_body = SubmissionChanges,
    params(("id" = String, Path, description = "Submission id")),
    responses(
        (status = 200, description = "Edited", body = SubmissionResponse),
        AuthErrors,
        (status = 403, description = "Not the author (`not-submission-author`), or terms to accept", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 409, description = "Past due (`assignment-closed`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[patch("/submissions/{id}")]
pub async fn edit_submission(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<SubmissionId>,
    body: Json<SubmissionChanges>,
) -> ApiResult<HttpResponse> {
    let change = SubmissionChange::parse(body.0.body.as_deref(), body.0.visibility.as_deref())?;
    let now = state.now();
    let view = state
        .write(move |c| submissions::edit(c, &member.ctx, &id, change, now))
        .await?;
    Ok(HttpResponse::Ok().json(SubmissionResponse::from(view)))
}

/// The feedback on a submission, oldest first: for whoever may read the submission.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])), params(("id" = String, Path, description = "Submission id"), PageParams),
    responses(
        (status = 200, description = "A page of feedback", body = FeedbackPage),
        AuthErrors,
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        Invalid,
    ))]
#[get("/submissions/{id}/feedback")]
pub async fn list_feedback(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<SubmissionId>,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let views = state
        .read(move |c| submissions::feedback(c, &member.ctx, &id, after, limit))
        .await?;
    let page = Page::from_rows(
        views,
        limit,
        |v| (v.row.created_at, v.row.id.clone()),
        FeedbackResponse::from,
    );
    Ok(HttpResponse::Ok().json(FeedbackPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Gives feedback: hosts on any submission, peers on shared ones, the author in their own thread.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])), request_body = FeedbackRequest,
    params(("id" = String, Path, description = "Submission id")),
    responses(
        (status = 201, description = "Given", body = FeedbackResponse),
        AuthErrors,
        (status = 403, description = "Terms to accept, or not allowed to give feedback here (`feedback-not-allowed`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        Invalid,
    ))]
#[post("/submissions/{id}/feedback")]
pub async fn create_feedback(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<SubmissionId>,
    body: Json<FeedbackRequest>,
) -> ApiResult<HttpResponse> {
    let text = feedback_text(&body.0.body)?;
    let now = state.now();
    let view = state
        .write(move |c| submissions::give_feedback(c, &member.ctx, &id, text, now))
        .await?;
    Ok(HttpResponse::Created().json(FeedbackResponse::from(view)))
}
