//! Submissions to assignments (one per member, `private` to author and hosts or `shared` with
//! the space, editable until due) and the feedback thread on each.

use crate::auth::Caller;
use crate::dto::learning::{author, AuthorResponse};
use crate::error::{ApiError, ApiResult};
use crate::extract::PathId;
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{get, patch, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::access::{load_viewer, Space, ViewerContext};
use praxis_app::assignments::readable_assignment;
use praxis_app::learning::{readable_content_space, require_write};
use praxis_domain::error::Errors;
use praxis_domain::ids::{AssignmentId, SpaceId};
use praxis_domain::learning::{self, SubmissionViewer, SubmissionVisibility};
use praxis_openapi::Problem;
use praxis_persistence::learning::assignments::{
    self, AssignmentRow, FeedbackRow, SubmissionRow, SubmissionScope,
};
use praxis_persistence::{from_db_time, to_db_time, users, DbConnection};
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

fn viewer(ctx: &ViewerContext, space: &Space, author_id: &str) -> SubmissionViewer {
    SubmissionViewer {
        is_author: ctx.user_id.as_deref() == Some(author_id),
        is_host: ctx.can_moderate(space),
        reads_space: ctx.access(space).is_granted(),
        writes_space: ctx.write_access(space).is_granted(),
    }
}

fn visibility_of(row: &SubmissionRow) -> ApiResult<SubmissionVisibility> {
    SubmissionVisibility::parse(&row.visibility)
        .map_err(|_| ApiError::internal("stored submission visibility is invalid"))
}

/// A submission the caller may read, with its assignment, space and the caller's standing.
fn readable_submission(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &str,
) -> ApiResult<(SubmissionRow, AssignmentRow, Space, SubmissionViewer)> {
    let not_found = ApiError::NotFound("submission");
    let row = assignments::find_submission(conn, id)?.ok_or(ApiError::NotFound("submission"))?;
    let assignment =
        assignments::find(conn, &row.assignment_id)?.ok_or(ApiError::NotFound("submission"))?;
    let space_id = SpaceId::from_trusted(assignment.space_id.clone());
    let space = readable_content_space(conn, ctx, &space_id, "submission")?;
    let who = viewer(ctx, &space, &row.author_id);
    if !learning::can_view_submission(who, visibility_of(&row)?) {
        return Err(not_found);
    }
    Ok((row, assignment, space, who))
}

fn submission_responses(
    conn: &mut DbConnection,
    rows: Vec<SubmissionRow>,
) -> ApiResult<Vec<SubmissionResponse>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let authors: Vec<String> = rows.iter().map(|r| r.author_id.clone()).collect();
    let names = users::display_names(conn, &authors)?;
    let counts = assignments::feedback_counts(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| SubmissionResponse {
            author: author(&names, &r.author_id),
            feedback_count: counts.get(&r.id).copied().unwrap_or(0),
            id: r.id,
            assignment_id: r.assignment_id,
            body: r.body,
            visibility: r.visibility,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
        })
        .collect())
}

fn one(conn: &mut DbConnection, row: SubmissionRow) -> ApiResult<SubmissionResponse> {
    submission_responses(conn, vec![row])?
        .pop()
        .ok_or(ApiError::NotFound("submission"))
}

/// The submissions the caller may read: hosts see all, members the shared ones and their own.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])), params(("id" = String, Path, description = "Assignment id"), PageParams),
    responses(
        (status = 200, description = "A page of submissions, oldest first", body = SubmissionPage),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/assignments/{id}/submissions")]
pub async fn list_submissions(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId<AssignmentId>,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let now = state.now();
    let user = caller.user_id;
    let page = state
        .db(move |conn| {
            let ctx = load_viewer(conn, Some(&user), now)?;
            let (assignment, space) = readable_assignment(conn, &ctx, &id)?;
            let scope = if ctx.can_moderate(&space) {
                SubmissionScope::All
            } else {
                SubmissionScope::SharedAndOwn(user.clone())
            };
            let rows =
                assignments::submissions_page(conn, &assignment.id, scope, after, limit + 1)?;
            let page = Page::from_rows(rows, limit, |r| (r.created_at, r.id.clone()), |r| r);
            Ok(SubmissionPage {
                items: submission_responses(conn, page.items)?,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Submits the caller's response to an assignment, once, until it is due.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])), request_body = SubmissionRequest,
    params(("id" = String, Path, description = "Assignment id")),
    responses(
        (status = 201, description = "Submitted", body = SubmissionResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already submitted (`submission-exists`: edit it instead) or past due (`assignment-closed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/assignments/{id}/submissions")]
pub async fn create_submission(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId<AssignmentId>,
    body: Json<SubmissionRequest>,
) -> ApiResult<HttpResponse> {
    let mut errors = Errors::new();
    let text = errors.take(learning::text("body", &body.0.body, 50_000));
    let visibility = errors.take(SubmissionVisibility::parse(&body.0.visibility));
    errors.finish()?;
    let (text, visibility) = text
        .zip(visibility)
        .ok_or_else(|| ApiError::internal("validated submission fields missing"))?;
    let now = state.now();
    let user = caller.user_id;
    let response = state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&user), now)?;
            let (assignment, space) = readable_assignment(conn, &ctx, &id)?;
            require_write(&ctx, &space)?;
            learning::submissions_open(from_db_time(assignment.due_at), now)?;
            let row = SubmissionRow {
                id: uuid::Uuid::now_v7().to_string(),
                assignment_id: assignment.id,
                author_id: user.clone(),
                body: text,
                visibility: visibility.as_str().to_owned(),
                created_at: to_db_time(now),
                updated_at: to_db_time(now),
            };
            match assignments::insert_submission(conn, &row) {
                Err(praxis_persistence::Error::UniqueViolation(_)) => {
                    return Err(ApiError::Conflict {
                        kind: "submission-exists",
                        detail: "You already submitted to this assignment; edit that submission (PATCH /api/v1/submissions/{id}).".into(),
                    })
                }
                other => other?,
            }
            one(conn, row)
        })
        .await?;
    Ok(HttpResponse::Created().json(response))
}

/// One submission: the author and hosts; the space too when it is shared.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])), params(("id" = String, Path, description = "Submission id")),
    responses(
        (status = 200, description = "The submission", body = SubmissionResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/submissions/{id}")]
pub async fn get_submission(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let user = caller.user_id;
    let id = path.into_inner();
    let response = state
        .db(move |conn| {
            let ctx = load_viewer(conn, Some(&user), now)?;
            let (row, ..) = readable_submission(conn, &ctx, &id)?;
            one(conn, row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}

/// Edits one's own submission (text or visibility) until the assignment is due.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])), request_body = SubmissionChanges,
    params(("id" = String, Path, description = "Submission id")),
    responses(
        (status = 200, description = "Edited", body = SubmissionResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the author (`not-submission-author`), or terms to accept", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Past due (`assignment-closed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/submissions/{id}")]
pub async fn edit_submission(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<SubmissionChanges>,
) -> ApiResult<HttpResponse> {
    let mut errors = Errors::new();
    let text = body
        .0
        .body
        .as_deref()
        .and_then(|b| errors.take(learning::text("body", b, 50_000)));
    let visibility = body
        .0
        .visibility
        .as_deref()
        .and_then(|v| errors.take(SubmissionVisibility::parse(v)));
    errors.finish()?;
    let now = state.now();
    let user = caller.user_id;
    let id = path.into_inner();
    let response = state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&user), now)?;
            let (row, assignment, space, who) = readable_submission(conn, &ctx, &id)?;
            if !who.is_author {
                return Err(ApiError::forbidden(
                    "not-submission-author",
                    "Only the author may edit a submission.",
                ));
            }
            require_write(&ctx, &space)?;
            learning::submissions_open(from_db_time(assignment.due_at), now)?;
            let body = text.unwrap_or(row.body);
            let visibility = visibility.map_or(row.visibility, |v| v.as_str().to_owned());
            assignments::update_submission(conn, &id, &body, &visibility, to_db_time(now))?;
            let row =
                assignments::find_submission(conn, &id)?.ok_or(ApiError::NotFound("submission"))?;
            one(conn, row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}

/// The feedback on a submission, oldest first: for whoever may read the submission.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])), params(("id" = String, Path, description = "Submission id"), PageParams),
    responses(
        (status = 200, description = "A page of feedback", body = FeedbackPage),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/submissions/{id}/feedback")]
pub async fn list_feedback(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let now = state.now();
    let user = caller.user_id;
    let id = path.into_inner();
    let page = state
        .db(move |conn| {
            let ctx = load_viewer(conn, Some(&user), now)?;
            readable_submission(conn, &ctx, &id)?;
            let rows = assignments::feedback_page(conn, &id, after, limit + 1)?;
            let authors: Vec<String> = rows.iter().map(|r| r.author_id.clone()).collect();
            let names = users::display_names(conn, &authors)?;
            let page = Page::from_rows(
                rows,
                limit,
                |r| (r.created_at, r.id.clone()),
                |r| feedback_response(&names, r),
            );
            Ok(FeedbackPage {
                items: page.items,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

fn feedback_response(
    names: &std::collections::HashMap<String, String>,
    row: FeedbackRow,
) -> FeedbackResponse {
    FeedbackResponse {
        author: author(names, &row.author_id),
        id: row.id,
        submission_id: row.submission_id,
        body: row.body,
        created_at: from_db_time(row.created_at),
    }
}

/// Gives feedback: hosts on any submission, peers on shared ones, the author in their own thread.
#[utoipa::path(tag = "learning",
    security(("bearer" = [])), request_body = FeedbackRequest,
    params(("id" = String, Path, description = "Submission id")),
    responses(
        (status = 201, description = "Given", body = FeedbackResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Terms to accept, or not allowed to give feedback here (`feedback-not-allowed`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid body", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/submissions/{id}/feedback")]
pub async fn create_feedback(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<FeedbackRequest>,
) -> ApiResult<HttpResponse> {
    let text = learning::text("body", &body.0.body, 10_000)?;
    let now = state.now();
    let user = caller.user_id;
    let id = path.into_inner();
    let response = state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&user), now)?;
            let (row, _, space, who) = readable_submission(conn, &ctx, &id)?;
            if !learning::can_give_feedback(who, visibility_of(&row)?) {
                require_write(&ctx, &space)?;
                return Err(ApiError::forbidden(
                    "feedback-not-allowed",
                    "Peers give feedback only on shared submissions.",
                ));
            }
            let feedback = FeedbackRow {
                id: uuid::Uuid::now_v7().to_string(),
                submission_id: row.id,
                author_id: user.clone(),
                body: text,
                created_at: to_db_time(now),
            };
            assignments::insert_feedback(conn, &feedback)?;
            let names = users::display_names(conn, std::slice::from_ref(&user))?;
            Ok(feedback_response(&names, feedback))
        })
        .await?;
    Ok(HttpResponse::Created().json(response))
}
