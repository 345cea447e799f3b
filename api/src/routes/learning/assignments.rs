//! Monthly, optional assignments: set by hosts in a space, read by those who may read it.

use crate::auth::{Host, Viewer};
use crate::dto::learning::AssignmentResponse;
use crate::error::ApiResult;
use crate::extract::{nullable, Json, PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{BadToken, HostOnly, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{get, patch, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::assignments;
use praxis_domain::ids::{AssignmentId, ThemeId};
use praxis_domain::learning_drafts::{AssignmentChange, NewAssignment};
use praxis_openapi::Problem;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_assignment)
        .service(change_assignment)
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"due_at": "2027-01-15T23:59:00Z", "theme_id": null}))]
pub struct ChangeAssignmentRequest {
    /// 1–200 characters.
    pub title: Option<String>,
    /// 1–20000 characters.
    pub instructions: Option<String>,
    /// In the future.
    pub due_at: Option<DateTime<Utc>>,
    /// A monthly theme of the assignment's space; `null` takes it off its theme.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(nullable, value_type = Option<String>)]
    pub theme_id: Option<Option<String>>,
}

/// Changes an assignment (the fields sent; at least one): the rules of a new one hold (a due
/// date in the future, a theme of its space). Hosts and admins who may read its space;
/// audited.
#[utoipa::path(tag = "admin",
    security(("bearer" = [])), request_body = ChangeAssignmentRequest,
    params(("id" = String, Path, description = "Assignment id")),
    responses(
        (status = 200, description = "The assignment as changed", body = AssignmentResponse),
        HostOnly,
        NotVisible,
        Invalid,
    ))]
#[patch("/admin/assignments/{id}")]
pub async fn change_assignment(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<AssignmentId>,
    body: Json<ChangeAssignmentRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let now = state.now();
    let change = AssignmentChange::parse(
        body.title.as_deref(),
        body.instructions.as_deref(),
        body.due_at,
        body.theme_id.as_ref().map(Option::as_deref),
        now,
    )?;
    let view = state
        .write(move |c| assignments::change(c, &host.ctx, &id, change, now))
        .await?;
    Ok(HttpResponse::Ok().json(AssignmentResponse::from(view)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentPage {
    pub items: Vec<AssignmentResponse>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssignmentParams {
    /// Only the assignments of this monthly theme.
    pub theme_id: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Assignments in the spaces the caller may read, latest due first; `theme_id` keeps those of
/// one monthly theme.
#[utoipa::path(tag = "learning",
    security((), ("bearer" = [])), params(AssignmentParams),
    responses(
        (status = 200, description = "A page of assignments", body = AssignmentPage),
        BadToken,
        Invalid,
    ))]
#[get("/assignments")]
pub async fn list_assignments(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    query: Query<AssignmentParams>,
) -> ApiResult<HttpResponse> {
    let params = query.0;
    let paging = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let (limit, after) = (paging.limit()?, paging.after()?);
    let theme = params.theme_id.as_deref().map(ThemeId::parse).transpose()?;
    let now = state.now();
    let views = state
        .read(move |c| assignments::list(c, &ctx, theme.as_ref(), after, limit, now))
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
