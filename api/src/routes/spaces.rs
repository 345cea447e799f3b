//! Spaces: listing what the caller may know of, reading one, and creating spaces and managing
//! participants (hosts and admins).

use crate::auth::{Host, Viewer};
use crate::dto::learning::cursor;
use crate::error::ApiResult;
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{BadToken, HostOnly, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{delete, get, post, put};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::access::{readable_space, Space, ViewerContext};
use praxis_app::spaces;
use praxis_domain::access::Access;
use praxis_domain::ids::UserId;
use praxis_domain::spaces::{NewSpace, NewSpaceInput};
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
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
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The cursor's key: built-in or not, created at, slug.
fn space_cursor(raw: &str) -> ApiResult<spaces::SpaceKey> {
    let parts = cursor::decode(raw, 3)?;
    let later = match parts[0].as_str() {
        "0" => false,
        "1" => true,
        _ => return Err(cursor::invalid()),
    };
    Ok((later, cursor::instant(&parts[1])?, parts[2].clone()))
}

/// The spaces the caller may know of, each with whether they may enter and why not, in keyset
/// pages: built-in spaces first, then by creation. Invite-only and sealed spaces appear only to
/// those inside them.
#[utoipa::path(tag = "spaces",
    security((), ("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of spaces", body = SpaceListResponse),
        BadToken,
        Invalid,
    ))]
#[get("/spaces")]
pub async fn list_spaces(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let limit = query.0.limit()?;
    let after = query.0.cursor.as_deref().map(space_cursor).transpose()?;
    let viewer = ctx.clone();
    let visible = state
        .read(move |conn| spaces::visible(conn, &viewer, after, limit + 1))
        .await?;
    let page = Page::from_keyed_rows(
        visible,
        limit,
        |s| {
            let (later, at, slug) = spaces::list_key(s);
            vec![u8::from(later).to_string(), cursor::micros(at), slug]
        },
        |s| space_response(&s, &ctx),
    );
    Ok(HttpResponse::Ok().json(SpaceListResponse {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
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
        NotVisible,
    ))]
#[get("/spaces/{slug}")]
pub async fn get_space(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let slug = path.into_inner();
    let viewer = ctx.clone();
    let space = state
        .read(move |conn| readable_space(conn, &viewer, &slug))
        .await?;
    Ok(HttpResponse::Ok().json(space_response(&space, &ctx)))
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

impl CreateSpaceRequest {
    fn parse(&self) -> praxis_domain::Result<NewSpace> {
        NewSpace::parse(&NewSpaceInput {
            slug: &self.slug,
            name: &self.name,
            description: self.description.as_deref(),
            visibility: &self.visibility,
            plans: self.plans.as_deref().unwrap_or_default(),
        })
    }
}

/// Creates a space. Hosts and admins; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    request_body = CreateSpaceRequest,
    responses(
        (status = 201, description = "Created", body = SpaceResponse),
        HostOnly,
        (status = 409, description = "Slug taken (`space-exists`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[post("/admin/spaces")]
pub async fn create_space(
    state: web::Data<AppState>,
    Host(host): Host,
    body: Json<CreateSpaceRequest>,
) -> ApiResult<HttpResponse> {
    let space = body.0.parse()?;
    let now = state.now();
    let id = host.id.clone();
    let created = state
        .write(move |conn| spaces::create(conn, &id, space, now))
        .await?;
    Ok(HttpResponse::Created().json(space_response(&created, &host.ctx)))
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
        HostOnly,
        (status = 404, description = "No such space", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an invite-only or sealed space", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/admin/spaces/{slug}/members")]
pub async fn list_space_members(
    state: web::Data<AppState>,
    _host: Host,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let slug = path.into_inner();
    let participants = state
        .read(move |conn| spaces::participants(conn, &slug))
        .await?;
    let members: Vec<SpaceMemberResponse> = participants
        .into_iter()
        .map(|p| SpaceMemberResponse {
            user_id: p.user_id.into_inner(),
            display_name: p.display_name,
        })
        .collect();
    Ok(HttpResponse::Ok().json(members))
}

/// The member a path names. A segment that is not a member id names nobody: it is looked up
/// like any other, after the space is checked, and answers 404 `member` exactly as an unknown
/// id does.
fn path_member(raw: String) -> UserId {
    UserId::parse(&raw).unwrap_or_else(|_| UserId::from_trusted(raw))
}

/// Adds a participant to an invite-only or sealed space.
///
/// In a sealed room hosts and admins add and remove *other* people, never themselves
/// (403 `sealed-self-admission`): nobody outside a sealed room can make themselves a reader.
/// Each change is audited (who, which room, which member; never content) and every current
/// participant is mailed who was added or removed. Invite-only spaces have no such limit.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("slug" = String, Path, description = "Space slug"), ("user_id" = String, Path, description = "Member id")),
    responses(
        (status = 204, description = "The member participates"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin (`host-role-required`), or naming oneself in a sealed room (`sealed-self-admission`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such space or member", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an invite-only or sealed space", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/admin/spaces/{slug}/members/{user_id}")]
pub async fn add_space_member(
    state: web::Data<AppState>,
    Host(host): Host,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (slug, member) = path.into_inner();
    let member = path_member(member);
    let now = state.now();
    state
        .write(move |conn| spaces::add_participant(conn, &host.id, &slug, &member, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Removes a participant; their access ends with this request.
///
/// In a sealed room a manager never removes themselves (403 `sealed-self-admission`); the
/// change is audited and the remaining participants are mailed who left.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("slug" = String, Path, description = "Space slug"), ("user_id" = String, Path, description = "Member id")),
    responses(
        (status = 204, description = "The member no longer participates"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin (`host-role-required`), or naming oneself in a sealed room (`sealed-self-admission`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such space or member", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an invite-only or sealed space", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/admin/spaces/{slug}/members/{user_id}")]
pub async fn remove_space_member(
    state: web::Data<AppState>,
    Host(host): Host,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (slug, member) = path.into_inner();
    let member = path_member(member);
    let now = state.now();
    state
        .write(move |conn| spaces::remove_participant(conn, &host.id, &slug, &member, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
