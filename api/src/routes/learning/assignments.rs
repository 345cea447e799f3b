//! Monthly, optional assignments: set by hosts in a space, read by those who may read it.

use crate::auth::{Host, Viewer};
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{BadToken, HostOnly, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::assignments::{self, AssignmentView};
use praxis_domain::ids::AssignmentId;
use praxis_domain::learning_drafts::NewAssignment;
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use serde::{Deserialize, Serialize};
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

impl From<AssignmentView> for AssignmentResponse {
    fn from(view: AssignmentView) -> Self {
        let row = view.row;
        Self {
            id: row.id,
            space: view.space_slug,
            theme_id: row.theme_id,
            title: row.title,
            instructions: row.instructions,
            open: view.open,
            due_at: from_db_time(row.due_at),
            created_at: from_db_time(row.created_at),
        }
    }
}

/// Sets an assignment in a space, optionally on a monthly theme. Hosts and admins; audited.
#[utoipa::path(tag = "admin",
    security(("bearer" = [])), request_body = CreateAssignmentRequest,
    responses(
        (status = 201, description = "Created", body = AssignmentResponse),
        HostOnly,
        NotVisible,
        Invalid,
    ))]
#[post("/admin/assignments")]
pub async fn create_assignment(
    state: web::Data<AppState>,
    Host(host): Host,
    body: Json<CreateAssignmentRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let now = state.now();
    let draft = NewAssignment::parse(
        &body.title,
        &body.instructions,
        &body.space,
        body.theme_id.as_deref(),
        body.due_at,
        now,
    )?;
    let view = state
        .write(move |c| assignments::set(c, &host.ctx, draft, now))
        .await?;
    Ok(HttpResponse::Created().json(AssignmentResponse::from(view)))
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
        BadToken,
        Invalid,
    ))]
#[get("/assignments")]
pub async fn list_assignments(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let now = state.now();
    let views = state
        .read(move |c| assignments::list(c, &ctx, after, limit, now))
        .await?;
    let page = Page::from_rows(
        views,
        limit,
        |v| (v.row.due_at, v.row.id.clone()),
        AssignmentResponse::from,
    );
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
        BadToken,
        (status = 403, description = "Terms to accept (`terms-acceptance-required`), or the email address not verified (`email-verification-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
    ))]
#[get("/assignments/{id}")]
pub async fn get_assignment(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    PathId(id): PathId<AssignmentId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let view = state
        .read(move |c| assignments::read(c, &ctx, &id, now))
        .await?;
    Ok(HttpResponse::Ok().json(AssignmentResponse::from(view)))
}
