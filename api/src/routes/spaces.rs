//! Spaces: listing what the caller may know of, reading one, and creating spaces and managing
//! participants (hosts and admins).

use crate::auth::{Caller, OptionalCaller};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::state::AppState;
use actix_web::{delete, get, post, put};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::access::{all_spaces, load_viewer, Space, ViewerContext};
use praxis_domain::access::{Access, Visibility};
use praxis_domain::error::Errors;
use praxis_domain::plans::PlanSlug;
use praxis_openapi::Problem;
use praxis_persistence::spaces::{self, SpaceRow};
use praxis_persistence::{from_db_time, to_db_time, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_spaces)
        .service(get_space)
        .service(create_space)
        .service(list_space_members)
        .service(add_space_member)
        .service(remove_space_member);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceResponse {
    #[schema(example = "practitioner-lounge")]
    pub slug: String,
    pub name: String,
    pub description: String,
    /// `public`, `members`, `plans`, `invite` or `sealed`.
    pub visibility: String,
    /// For `plans` spaces: the plans that open it.
    pub plans: Vec<String>,
    /// `granted` or `denied` for the caller, now.
    pub access: String,
    /// Why access is denied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub fn space_response(space: &Space, ctx: &ViewerContext) -> SpaceResponse {
    let (access, reason) = match ctx.access(space) {
        Access::Granted => ("granted", None),
        Access::Denied { reason, .. } => ("denied", Some(reason)),
    };
    SpaceResponse {
        slug: space.row.slug.clone(),
        name: space.row.name.clone(),
        description: space.row.description.clone(),
        visibility: space.visibility.as_str().to_owned(),
        plans: space.plans.iter().map(|p| p.as_str().to_owned()).collect(),
        access: access.to_owned(),
        reason,
        created_at: from_db_time(space.row.created_at),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceListResponse {
    pub items: Vec<SpaceResponse>,
}

/// The spaces the caller may know of, each with whether they may enter and why not.
/// Invite-only and sealed spaces appear only to those inside them.
#[utoipa::path(tag = "spaces",
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Spaces", body = SpaceListResponse),
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/spaces")]
pub async fn list_spaces(
    state: web::Data<AppState>,
    caller: OptionalCaller,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let user_id = caller.0.map(|c| c.user_id);
    let items = state
        .db(move |conn| {
            let ctx = load_viewer(conn, user_id.as_deref(), now)?;
            Ok(all_spaces(conn)?
                .iter()
                .filter(|s| ctx.may_know(s))
                .map(|s| space_response(s, &ctx))
                .collect())
        })
        .await?;
    Ok(HttpResponse::Ok().json(SpaceListResponse { items }))
}

/// One space. A space the caller may not enter answers 401/403 with the reason, or 404 when
/// it is invite-only or sealed and the caller is not in it.
#[utoipa::path(tag = "spaces",
    security((), ("bearer" = [])),
    params(("slug" = String, Path, description = "Space slug")),
    responses(
        (status = 200, description = "The space", body = SpaceResponse),
        (status = 401, description = "Sign in to enter", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not entitled (`space-access-denied`) or terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such space, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/spaces/{slug}")]
pub async fn get_space(
    state: web::Data<AppState>,
    caller: OptionalCaller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let user_id = caller.0.map(|c| c.user_id);
    let slug = path.into_inner();
    let response = state
        .db(move |conn| {
            let ctx = load_viewer(conn, user_id.as_deref(), now)?;
            let space = praxis_app::access::readable_space(conn, &ctx, &slug)?;
            Ok(space_response(&space, &ctx))
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"slug": "supervision-circle-1", "name": "Supervision circle 1", "description": "A sealed supervision room.", "visibility": "sealed"}))]
pub struct CreateSpaceRequest {
    /// Lower-case letters, digits and dashes, 3–60 characters.
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    /// `public`, `members`, `plans`, `invite` or `sealed`.
    pub visibility: String,
    /// For `plans`: which plans open it.
    pub plans: Option<Vec<String>>,
}

fn valid_slug(slug: &str) -> bool {
    (3..=60).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

/// Creates a space. Hosts and admins; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    request_body = CreateSpaceRequest,
    responses(
        (status = 201, description = "Created", body = SpaceResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Slug taken (`space-exists`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/spaces")]
pub async fn create_space(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateSpaceRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
    let body = body.0;
    let mut errors = Errors::new();
    if !valid_slug(&body.slug) {
        errors.push("slug", "must be 3–60 lower-case letters, digits and dashes");
    }
    let name = body.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 120 {
        errors.push("name", "must be between 1 and 120 characters");
    }
    let description = body.description.unwrap_or_default().trim().to_owned();
    if description.chars().count() > 2000 {
        errors.push("description", "must be at most 2000 characters");
    }
    let mut plans = Vec::new();
    for (i, raw) in body.plans.unwrap_or_default().iter().enumerate() {
        match PlanSlug::parse(raw) {
            Ok(plan) if plan.is_paid() => plans.push(plan),
            _ => errors.push(format!("plans[{i}]"), "must be one of: practitioner, pro"),
        }
    }
    let visibility = errors.take(Visibility::parse(&body.visibility, &plans));
    errors.finish()?;
    let visibility =
        visibility.ok_or_else(|| ApiError::internal("validated visibility missing"))?;
    if !matches!(visibility, Visibility::Plans(_)) && !plans.is_empty() {
        return Err(ApiError::Validation(vec![praxis_domain::FieldError::new(
            "plans",
            "only `plans` spaces list plans",
        )]));
    }
    let now = state.now();
    let row = SpaceRow {
        id: uuid::Uuid::now_v7().to_string(),
        slug: body.slug,
        name,
        description,
        visibility: visibility.as_str().to_owned(),
        built_in: false,
        created_by: Some(caller.user_id.clone()),
        created_at: to_db_time(now),
        updated_at: to_db_time(now),
    };
    let plan_names: Vec<String> = plans.iter().map(|p| p.as_str().to_owned()).collect();
    let actor = caller.user_id.clone();
    let response = state
        .db_write(move |conn| {
            match spaces::insert(conn, &row, &plan_names) {
                Err(praxis_persistence::Error::UniqueViolation(_)) => {
                    return Err(ApiError::Conflict { kind: "space-exists", detail: "A space with this slug exists.".into() })
                }
                other => other?,
            }
            praxis_persistence::audit::record(
                conn,
                &praxis_app::audit::entry::<(), _>(Some(&actor), "space.created", "space", &row.id, None, Some(&serde_json::json!({"slug": row.slug, "visibility": row.visibility, "plans": plan_names})), now),
            )?;
            let ctx = load_viewer(conn, Some(&actor), now)?;
            let space = Space::from_row((row, plan_names))?;
            Ok(space_response(&space, &ctx))
        })
        .await?;
    Ok(HttpResponse::Created().json(response))
}

/// An invite-only or sealed space by slug, for managing its participants. Hosts and admins
/// manage participants even of a sealed room they cannot read.
fn managed_space(conn: &mut praxis_persistence::DbConnection, slug: &str) -> ApiResult<Space> {
    let space = spaces::find_by_slug(conn, slug)?
        .map(Space::from_row)
        .transpose()?
        .ok_or(ApiError::NotFound("space"))?;
    if space.visibility.is_listed() {
        return Err(ApiError::Conflict {
            kind: "space-not-invite-only",
            detail: "Only invite-only and sealed spaces have named participants.".into(),
        });
    }
    Ok(space)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceMemberResponse {
    pub user_id: String,
    pub display_name: String,
}

/// The named participants of an invite-only or sealed space.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("slug" = String, Path, description = "Space slug")),
    responses(
        (status = 200, description = "Participants", body = Vec<SpaceMemberResponse>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such space", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an invite-only or sealed space", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/admin/spaces/{slug}/members")]
pub async fn list_space_members(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
    let slug = path.into_inner();
    let members = state
        .db(move |conn| {
            let space = managed_space(conn, &slug)?;
            let ids = spaces::member_ids(conn, &space.row.id)?;
            let names = users::display_names(conn, &ids)?;
            Ok(ids
                .into_iter()
                .map(|id| SpaceMemberResponse {
                    display_name: names.get(&id).cloned().unwrap_or_default(),
                    user_id: id,
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(members))
}

async fn change_member(
    state: &AppState,
    caller: &Caller,
    slug: String,
    user_id: String,
    add: bool,
) -> ApiResult<()> {
    caller.require_host(state).await?;
    let now = state.now();
    let actor = caller.user_id.clone();
    state
        .db_write(move |conn| {
            let space = managed_space(conn, &slug)?;
            if users::find_by_id(conn, &user_id)?.is_none() {
                return Err(ApiError::NotFound("member"));
            }
            let changed = if add {
                spaces::add_member(conn, &space.row.id, &user_id, &actor, to_db_time(now))?
            } else {
                spaces::remove_member(conn, &space.row.id, &user_id)?
            };
            if changed {
                let action = if add {
                    "space.member_added"
                } else {
                    "space.member_removed"
                };
                praxis_persistence::audit::record(
                    conn,
                    &praxis_app::audit::entry::<(), _>(
                        Some(&actor),
                        action,
                        "space",
                        &space.row.id,
                        None,
                        Some(&serde_json::json!({"user_id": user_id})),
                        now,
                    ),
                )?;
            }
            Ok(())
        })
        .await
}

/// Adds a participant to an invite-only or sealed space.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("slug" = String, Path, description = "Space slug"), ("user_id" = String, Path, description = "Member id")),
    responses(
        (status = 204, description = "The member participates"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such space or member", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an invite-only or sealed space", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/admin/spaces/{slug}/members/{user_id}")]
pub async fn add_space_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (slug, user_id) = path.into_inner();
    change_member(&state, &caller, slug, user_id, true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Removes a participant; their access ends with this request.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("slug" = String, Path, description = "Space slug"), ("user_id" = String, Path, description = "Member id")),
    responses(
        (status = 204, description = "The member no longer participates"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such space or member", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an invite-only or sealed space", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/admin/spaces/{slug}/members/{user_id}")]
pub async fn remove_space_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (slug, user_id) = path.into_inner();
    change_member(&state, &caller, slug, user_id, false).await?;
    Ok(HttpResponse::NoContent().finish())
}
