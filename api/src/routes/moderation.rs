//! Hosts moderate posts and comments in spaces they may read: hide, restore, pin, unpin. Each
//! action is in the audit log, written in the same transaction. A sealed room is moderated by
//! nobody outside it: its content answers 404 to hosts and admins who are not participants.

use crate::auth::Host;
use crate::error::ApiResult;
use crate::extract::PathId;
use crate::responses::{HostOnly, NotVisible};
use crate::state::AppState;
use actix_web::post;
use actix_web::{web, HttpResponse};
use praxis_app::moderation;
use praxis_domain::ids::{CommentId, PostId};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(hide_post)
        .service(restore_post)
        .service(pin_post)
        .service(unpin_post)
        .service(hide_comment)
        .service(restore_comment);
}

/// Hides a post: 404 to everyone but the hosts who moderate its space. Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses((status = 204, description = "Hidden"), HostOnly, NotVisible))]
#[post("/admin/posts/{id}/hide")]
pub async fn hide_post(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<PostId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .write(move |c| moderation::hide_post(c, &host.ctx, &id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Restores a hidden post. Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses((status = 204, description = "Published again"), HostOnly, NotVisible))]
#[post("/admin/posts/{id}/restore")]
pub async fn restore_post(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<PostId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .write(move |c| moderation::restore_post(c, &host.ctx, &id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Pins a post in its space (shown with `pinned: true`). Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses((status = 204, description = "Pinned"), HostOnly, NotVisible))]
#[post("/admin/posts/{id}/pin")]
pub async fn pin_post(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<PostId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .write(move |c| moderation::pin_post(c, &host.ctx, &id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Unpins a post. Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses((status = 204, description = "Unpinned"), HostOnly, NotVisible))]
#[post("/admin/posts/{id}/unpin")]
pub async fn unpin_post(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<PostId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .write(move |c| moderation::unpin_post(c, &host.ctx, &id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Hides a comment. Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id")),
    responses((status = 204, description = "Hidden"), HostOnly, NotVisible))]
#[post("/admin/comments/{id}/hide")]
pub async fn hide_comment(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<CommentId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .write(move |c| moderation::hide_comment(c, &host.ctx, &id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Restores a hidden comment. Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id")),
    responses((status = 204, description = "Published again"), HostOnly, NotVisible))]
#[post("/admin/comments/{id}/restore")]
pub async fn restore_comment(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<CommentId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .write(move |c| moderation::restore_comment(c, &host.ctx, &id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
