//! Monthly, optional assignments: set by hosts in a space, read by those who may read it.

use crate::auth::{Caller, OptionalCaller};
use crate::error::{ApiError, ApiResult};
use crate::extract::PathId;
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::access::{all_spaces, load_viewer, readable_space};
use praxis_app::assignments::readable_assignment;
use praxis_domain::error::Errors;
use praxis_domain::ids::AssignmentId;
use praxis_domain::learning;
use praxis_openapi::Problem;
use praxis_persistence::learning::assignments::{self, AssignmentRow};
use praxis_persistence::{from_db_time, to_db_time};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_assignment)
        .service(list_assignments)
        .service(get_assignment);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Map one driver in your team", "instructions": "Describe a driver you noticed this month and how you responded.",
    "space": "practitioner-lounge", "due_at": "2026-12-31T23:59:00Z"}))]
pub struct CreateAssignmentRequest {
    pub title: String,
    pub instructions: String,
    /// The slug of the space it belongs to.
    pub space: String,
    /// A monthly theme of the same space.
    pub theme_id: Option<String>,
    pub due_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentResponse {
    pub id: String,
    /// The slug of its space.
    pub space: String,
    pub theme_id: Option<String>,
    pub title: String,
    pub instructions: String,
    pub due_at: DateTime<Utc>,
    /// Whether submissions are still taken and edited.
    pub open: bool,
    pub created_at: DateTime<Utc>,
}

fn assignment_response(
    row: AssignmentRow,
    space_slug: &str,
    now: DateTime<Utc>,
) -> AssignmentResponse {
    AssignmentResponse {
        id: row.id,
        space: space_slug.to_owned(),
        theme_id: row.theme_id,
        title: row.title,
        instructions: row.instructions,
        open: learning::submissions_open(from_db_time(row.due_at), now).is_ok(),
        due_at: from_db_time(row.due_at),
        created_at: from_db_time(row.created_at),
    }
}

/// Sets an assignment in a space, optionally on a monthly theme. Hosts and admins; audited.
#[utoipa::path(tag = "admin",
    security(("bearer" = [])), request_body = CreateAssignmentRequest,
    responses(
        (status = 201, description = "Created", body = AssignmentResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such space", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (empty title, due date in the past, theme of another space)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/assignments")]
pub async fn create_assignment(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateAssignmentRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
    let body = body.0;
    let now = state.now();
    let mut errors = Errors::new();
    let title = errors.take(learning::text("title", &body.title, 200));
    let instructions = errors.take(learning::text("instructions", &body.instructions, 20_000));
    errors.take(learning::due_in_future(body.due_at, now));
    errors.finish()?;
    let (title, instructions) = title
        .zip(instructions)
        .ok_or_else(|| ApiError::internal("validated assignment fields missing"))?;
    let user = caller.user_id;
    let response = state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&user), now)?;
            let space = readable_space(conn, &ctx, &body.space)?;
            if let Some(theme) = &body.theme_id {
                if assignments::theme_space(conn, theme)?.as_deref() != Some(&space.row.id) {
                    return Err(praxis_domain::Error::field(
                        "theme_id",
                        "must be a monthly theme of the same space",
                    )
                    .into());
                }
            }
            let row = AssignmentRow {
                id: uuid::Uuid::now_v7().to_string(),
                space_id: space.row.id.clone(),
                theme_id: body.theme_id,
                title,
                instructions,
                due_at: to_db_time(body.due_at),
                created_by: Some(user.clone()),
                created_at: to_db_time(now),
                updated_at: to_db_time(now),
            };
            assignments::insert(conn, &row)?;
            praxis_persistence::audit::record(
                conn,
                &praxis_app::audit::entry::<(), _>(
                    Some(&user),
                    "assignment.created",
                    "assignment",
                    &row.id,
                    None,
                    Some(&serde_json::json!({"title": row.title, "space": space.row.slug, "due_at": body.due_at})),
                    now,
                ),
            )?;
            Ok(assignment_response(row, &space.row.slug, now))
        })
        .await?;
    Ok(HttpResponse::Created().json(response))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentPage {
    pub items: Vec<AssignmentResponse>,
    pub next_cursor: Option<String>,
}

/// Assignments in the spaces the caller may read, latest due first.
#[utoipa::path(tag = "learning",
    security((), ("bearer" = [])), params(PageParams),
    responses(
        (status = 200, description = "A page of assignments", body = AssignmentPage),
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/assignments")]
pub async fn list_assignments(
    state: web::Data<AppState>,
    caller: OptionalCaller,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let now = state.now();
    let user_id = caller.0.map(|c| c.user_id);
    let page = state
        .db(move |conn| {
            let ctx = load_viewer(conn, user_id.as_deref(), now)?;
            let spaces = all_spaces(conn)?;
            let readable = ctx.readable_space_ids(&spaces);
            let slugs: HashMap<String, String> =
                spaces.into_iter().map(|s| (s.row.id, s.row.slug)).collect();
            let rows = assignments::page(conn, &readable, after, limit + 1)?;
            Ok(Page::from_rows(
                rows,
                limit,
                |r| (r.due_at, r.id.clone()),
                |r| {
                    let slug = slugs.get(&r.space_id).cloned().unwrap_or_default();
                    assignment_response(r, &slug, now)
                },
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(AssignmentPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// One assignment; 404 outside its space.
#[utoipa::path(tag = "learning",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Assignment id")),
    responses(
        (status = 200, description = "The assignment", body = AssignmentResponse),
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such assignment, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/assignments/{id}")]
pub async fn get_assignment(
    state: web::Data<AppState>,
    caller: OptionalCaller,
    PathId(id): PathId<AssignmentId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let user_id = caller.0.map(|c| c.user_id);
    let response = state
        .db(move |conn| {
            let ctx = load_viewer(conn, user_id.as_deref(), now)?;
            let (row, space) = readable_assignment(conn, &ctx, &id)?;
            Ok(assignment_response(row, &space.row.slug, now))
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}
