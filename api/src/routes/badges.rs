//! Badge classes: the public catalogue, classes proposed by students, classes hosts create, and
//! the founding holders hosts name (a new class's first reviewers).

use crate::auth::viewer::{Host, Member};
use crate::dto::badges::{BadgeAwardResponse, BadgeClassPage, BadgeClassResponse};
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{AuthErrors, HostOnly, Invalid};
use crate::state::AppState;
use actix_web::{get, post, web, HttpResponse};
use praxis_app::badges;
use praxis_domain::badges::{BadgeClassDraft, BadgeClassSpec, BadgeClassStatus};
use praxis_domain::ids::{BadgeClassId, UserId};
use praxis_openapi::Problem;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_badges)
        .service(get_badge)
        .service(propose_badge)
        .service(create_badge)
        .service(grant_badge);
}

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Consent facilitator",
    "criteria": "Facilitated at least three consent rounds, one with an objection integrated",
    "skills": ["facilitation", "consent decision-making"]
}))]
pub struct BadgeClassRequest {
    pub name: Option<String>,
    /// What a holder must have shown.
    pub criteria: Option<String>,
    /// 1 to 12 skills the badge certifies.
    pub skills: Option<Vec<String>>,
    /// How many reviewers must consent, 1 to 20 (default 3). Hosts only; a student's proposal
    /// takes the default.
    #[serde(default)]
    pub required_reviewers: Option<i32>,
}

impl BadgeClassRequest {
    fn parse(self) -> praxis_domain::Result<BadgeClassSpec> {
        BadgeClassSpec::try_from(BadgeClassDraft {
            name: self.name,
            criteria: self.criteria,
            skills: self.skills,
            required_reviewers: self.required_reviewers,
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BadgeListParams {
    /// `active` (default), `proposed` or `retired`.
    pub status: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The badge catalogue, newest first: what each badge certifies and how many peers must
/// consent. Public.
#[utoipa::path(tag = "badges", params(BadgeListParams),
    responses(
        (status = 200, description = "A page of badge classes", body = BadgeClassPage),
        (status = 422, description = "Invalid status, limit or cursor", body = Problem, content_type = PROBLEM),
    ))]
#[get("/badges")]
pub async fn list_badges(
    state: web::Data<AppState>,
    query: Query<BadgeListParams>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let status = match query.status.as_deref() {
        Some(raw) => BadgeClassStatus::parse(raw)?,
        None => BadgeClassStatus::Active,
    };
    let params = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    };
    let (limit, after) = (params.limit()?, params.after()?);
    let rows = state
        .read(move |c| badges::list(c, Some(status), after, limit + 1))
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |r| (r.created_at, r.id.clone()),
        BadgeClassResponse::from,
    );
    Ok(HttpResponse::Ok().json(BadgeClassPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// One badge class (the `achievement` of its credentials). Public.
#[utoipa::path(tag = "badges",
    params(("id" = String, Path, description = "Badge class id")),
    responses(
        (status = 200, description = "The badge class", body = BadgeClassResponse),
        (status = 404, description = "No such badge class", body = Problem, content_type = PROBLEM),
    ))]
#[get("/badges/{id}")]
pub async fn get_badge(
    state: web::Data<AppState>,
    id: PathId<BadgeClassId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let row = state.read(move |c| badges::get(c, &id)).await?;
    Ok(HttpResponse::Ok().json(BadgeClassResponse::from(row)))
}

/// A student proposes a new badge: the class is `proposed` and a proposal (subject kind
/// `badge_class`) opens in the superpod with a 14-day round; the class becomes `active` when
/// the superpod agrees. Only students in a pod propose, and only once the superpod exists.
#[utoipa::path(tag = "badges", security(("bearer" = [])), request_body = BadgeClassRequest,
    responses(
        (status = 201, description = "Proposed", body = BadgeClassResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        AuthErrors,
        (status = 403, description = "The caller is not a student in a pod (`not-a-student`)", body = Problem, content_type = PROBLEM),
        (status = 409, description = "A badge with this name exists (`badge-name-taken`), or no superpod exists yet to decide it (`no-superpod`)", body = Problem, content_type = PROBLEM),
        Invalid,
    ))]
#[post("/badges")]
pub async fn propose_badge(
    state: web::Data<AppState>,
    member: Member,
    body: Json<BadgeClassRequest>,
) -> ApiResult<HttpResponse> {
    let mut body = body.0;
    body.required_reviewers = None;
    let spec = body.parse()?;
    let now = state.now();
    let row = state
        .write(move |c| badges::propose(c, &member.id, &spec, now))
        .await?;
    Ok(HttpResponse::Created().json(BadgeClassResponse::from(row)))
}

/// Creates an active badge class. Hosts and admins; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])), request_body = BadgeClassRequest,
    responses(
        (status = 201, description = "Created", body = BadgeClassResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        HostOnly,
        (status = 409, description = "A badge with this name exists (`badge-name-taken`)", body = Problem, content_type = PROBLEM),
        Invalid,
    ))]
#[post("/admin/badges")]
pub async fn create_badge(
    state: web::Data<AppState>,
    Host(host): Host,
    body: Json<BadgeClassRequest>,
) -> ApiResult<HttpResponse> {
    let spec = body.0.parse()?;
    let now = state.now();
    let row = state
        .write(move |c| badges::create(c, &host.id, &spec, now))
        .await?;
    Ok(HttpResponse::Created().json(BadgeClassResponse::from(row)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    /// The member who holds the badge from the start.
    pub user_id: String,
}

/// Names a founding holder of an active class: the first peers who can review requests for it.
/// Hosts and admins; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])), request_body = GrantRequest,
    params(("id" = String, Path, description = "Badge class id")),
    responses(
        (status = 201, description = "Awarded", body = BadgeAwardResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        HostOnly,
        (status = 404, description = "No such badge class or member", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Not active (`badge-class-not-active`) or already held (`badge-held`)", body = Problem, content_type = PROBLEM),
        Invalid,
    ))]
#[post("/admin/badges/{id}/holders")]
pub async fn grant_badge(
    state: web::Data<AppState>,
    Host(host): Host,
    id: PathId<BadgeClassId>,
    body: Json<GrantRequest>,
) -> ApiResult<HttpResponse> {
    let holder = UserId::parse_field("user_id", &body.0.user_id)?;
    let (id, now) = (id.into_inner(), state.now());
    let answer = state
        .write(move |c| {
            let award = badges::grant(c, &host.id, &id, &holder, now)?;
            let class = badges::get(c, &id)?;
            Ok((award, class))
        })
        .await?;
    Ok(HttpResponse::Created().json(BadgeAwardResponse::from(answer)))
}
