//! Circles: hosts create them and manage who is inside; members read their circles, describe
//! drivers and read agreements. Everything of a circle answers 404 to anyone outside it.

use crate::auth::{Host, Member};
use crate::dto::content::page_request;
use crate::dto::decisions::{AgreementSummary, CircleResponse, DriverRequest, DriverResponse};
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{AuthErrors, HostOnly, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{delete, get, post, put};
use actix_web::{web, HttpResponse};
use praxis_app::circles::{self, NewCircle};
use praxis_app::decisions::{agreements, proposals};
use praxis_domain::decisions::{CircleKind, DriverDraft, MemberRole};
use praxis_domain::ids::{CircleId, UserId};
use praxis_openapi::Problem;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_circle)
        .service(list_circles)
        .service(get_circle)
        .service(put_circle_member)
        .service(remove_circle_member)
        .service(add_driver)
        .service(list_drivers)
        .service(list_agreements);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Onboarding circle", "description": "Welcomes new members.",
    "member_ids": ["0190c5a4-7b1e-7c3d-9f00-2a6b1c0d4e5f"]}))]
pub struct CreateCircleRequest {
    /// 1–200 characters.
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The members who answer its consent rounds.
    #[schema(value_type = Vec<String>)]
    pub member_ids: Vec<UserId>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CircleListParams {
    /// Only circles of this kind: `circle`, `implementation`, `pod`, `superpod`, `academy`.
    pub kind: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Creates a circle with a sealed space of its own and its members (hosts). Audited.
#[utoipa::path(tag = "circles", security(("bearer" = [])), request_body = CreateCircleRequest,
    responses(
        (status = 201, description = "Created", body = CircleResponse),
        HostOnly,
        Invalid,
    ))]
#[post("/admin/circles")]
pub async fn create_circle(
    state: web::Data<AppState>,
    Host(host): Host,
    body: Json<CreateCircleRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let draft = NewCircle::parse(
        &body.name,
        &body.description,
        CircleKind::Circle,
        body.member_ids,
    )?;
    let now = state.now();
    let circle = state
        .write(move |c| circles::create(c, Some(&host.id), draft, now))
        .await?;
    Ok(HttpResponse::Created().json(CircleResponse::from(circle)))
}

/// The circles the caller is in (as a member or a mentor), oldest first.
#[utoipa::path(tag = "circles", security(("bearer" = [])), params(CircleListParams),
    responses(
        (status = 200, description = "A page of circles", body = Page<CircleResponse>),
        AuthErrors,
        Invalid,
    ))]
#[get("/circles")]
pub async fn list_circles(
    state: web::Data<AppState>,
    member: Member,
    query: Query<CircleListParams>,
) -> ApiResult<HttpResponse> {
    let kind = query.0.kind.as_deref().map(CircleKind::parse).transpose()?;
    let page = page_request(&PageParams {
        limit: query.0.limit,
        cursor: query.0.cursor.clone(),
    })?;
    let list = state
        .read(move |c| circles::mine(c, &member.id, kind, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_paged(list, CircleResponse::from)))
}

/// A circle with everyone in it: its members and mentors only (404 to anyone else).
#[utoipa::path(tag = "circles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Circle id")),
    responses(
        (status = 200, description = "The circle", body = CircleResponse),
        AuthErrors,
        NotVisible,
    ))]
#[get("/circles/{id}")]
pub async fn get_circle(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<CircleId>,
) -> ApiResult<HttpResponse> {
    let circle = state
        .read(move |c| circles::show(c, &member.id, &id))
        .await?;
    Ok(HttpResponse::Ok().json(CircleResponse::from(circle)))
}

fn circle_and_member(path: (String, String)) -> ApiResult<(CircleId, UserId)> {
    let circle =
        CircleId::parse(&path.0).map_err(|_| crate::error::ApiError::NotFound("circle"))?;
    let user = UserId::parse(&path.1).map_err(|_| crate::error::ApiError::NotFound("member"))?;
    Ok((circle, user))
}

/// Puts a member in a circle (and its space); putting one twice changes nothing. Hosts manage
/// who is inside without reading what is inside. Audited.
#[utoipa::path(tag = "circles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Circle id"), ("user_id" = String, Path, description = "Member id")),
    responses(
        (status = 200, description = "The circle with its members", body = CircleResponse),
        HostOnly,
        (status = 404, description = "No such circle or member", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/admin/circles/{id}/members/{user_id}")]
pub async fn put_circle_member(
    state: web::Data<AppState>,
    Host(host): Host,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (circle, user) = circle_and_member(path.into_inner())?;
    let now = state.now();
    let circle = state
        .write(move |c| {
            circles::put_member(c, Some(&host.id), &circle, &user, MemberRole::Member, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CircleResponse::from(circle)))
}

/// Takes someone out of a circle and its space; their access ends with this request. Audited.
#[utoipa::path(tag = "circles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Circle id"), ("user_id" = String, Path, description = "Member id")),
    responses(
        (status = 200, description = "The circle with its members", body = CircleResponse),
        HostOnly,
        (status = 404, description = "No such circle or member", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/admin/circles/{id}/members/{user_id}")]
pub async fn remove_circle_member(
    state: web::Data<AppState>,
    Host(host): Host,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (circle, user) = circle_and_member(path.into_inner())?;
    let now = state.now();
    let circle = state
        .write(move |c| circles::remove_member(c, &host.id, &circle, &user, now))
        .await?;
    Ok(HttpResponse::Ok().json(CircleResponse::from(circle)))
}

/// Describes a driver in the circle (its members).
#[utoipa::path(tag = "circles", security(("bearer" = [])), request_body = DriverRequest,
    params(("id" = String, Path, description = "Circle id")),
    responses(
        (status = 201, description = "Described", body = DriverResponse),
        AuthErrors,
        (status = 403, description = "A mentor of the circle, who reads without taking part (`not-a-circle-member`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        Invalid,
    ))]
#[post("/circles/{id}/drivers")]
pub async fn add_driver(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<CircleId>,
    body: Json<DriverRequest>,
) -> ApiResult<HttpResponse> {
    let draft = DriverDraft::parse(&body.0.situation, &body.0.effect, &body.0.need)?;
    let now = state.now();
    let driver = state
        .write(move |c| proposals::add_driver(c, &member.id, &id, draft, now))
        .await?;
    Ok(HttpResponse::Created().json(DriverResponse::from(driver)))
}

/// The circle's drivers, oldest first: the circle only.
#[utoipa::path(tag = "circles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Circle id"), PageParams),
    responses(
        (status = 200, description = "A page of drivers", body = Page<DriverResponse>),
        AuthErrors,
        NotVisible,
        Invalid,
    ))]
#[get("/circles/{id}/drivers")]
pub async fn list_drivers(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<CircleId>,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page_request(&query.0)?;
    let list = state
        .read(move |c| proposals::drivers(c, &member.id, &id, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_paged(list, DriverResponse::from)))
}

/// The circle's agreements, oldest first: the circle only.
#[utoipa::path(tag = "circles", security(("bearer" = [])),
    params(("id" = String, Path, description = "Circle id"), PageParams),
    responses(
        (status = 200, description = "A page of agreements", body = Page<AgreementSummary>),
        AuthErrors,
        NotVisible,
        Invalid,
    ))]
#[get("/circles/{id}/agreements")]
pub async fn list_agreements(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<CircleId>,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page_request(&query.0)?;
    let list = state
        .read(move |c| agreements::list(c, &member.id, &id, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_paged(list, AgreementSummary::from)))
}
