//! Hosts moderate posts and comments in spaces they may read: hide, restore, pin, unpin. Each
//! action is in the audit log, written in the same transaction. A sealed room is moderated by
//! nobody outside it: its content answers 404 to hosts and admins who are not participants.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::post;
use actix_web::{web, HttpResponse};
use praxis_app::access::load_viewer;
use praxis_app::content::{readable_comment, readable_post};
use praxis_domain::discussion::{moderate, ContentStatus, Moderation};
use praxis_openapi::Problem;
use praxis_persistence::comments::{self, CommentChanges};
use praxis_persistence::posts::{self, PostChanges};
use praxis_persistence::to_db_time;
use serde_json::json;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(hide_post)
        .service(restore_post)
        .service(pin_post)
        .service(unpin_post)
        .service(hide_comment)
        .service(restore_comment);
}

#[derive(Clone, Copy)]
enum PostAction {
    Status(Moderation),
    Pin(bool),
}

async fn moderate_post(
    state: &AppState,
    caller: Caller,
    id: String,
    action: PostAction,
) -> ApiResult<HttpResponse> {
    caller.require_host(state).await?;
    let now = state.now();
    state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&caller.user_id), now)?;
            let post = readable_post(conn, &ctx, &id)?;
            if !post.moderator {
                return Err(ApiError::NotFound("post"));
            }
            let before = json!({"status": post.row.status, "pinned": post.row.pinned});
            let mut changes = PostChanges {
                updated_at: Some(to_db_time(now)),
                ..Default::default()
            };
            let name = match action {
                PostAction::Status(m) => {
                    changes.status = Some(moderate(post.status()?, m)?.as_str().to_owned());
                    if m == Moderation::Hide {
                        "post.hidden"
                    } else {
                        "post.restored"
                    }
                }
                PostAction::Pin(pinned) => {
                    changes.pinned = Some(pinned);
                    if pinned {
                        "post.pinned"
                    } else {
                        "post.unpinned"
                    }
                }
            };
            let after = json!({
                "status": changes.status.clone().unwrap_or_else(|| post.row.status.clone()),
                "pinned": changes.pinned.unwrap_or(post.row.pinned),
            });
            posts::update(conn, &post.row.id, &changes)?;
            praxis_persistence::audit::record(
                conn,
                &praxis_app::audit::entry(
                    Some(&caller.user_id),
                    name,
                    "post",
                    &post.row.id,
                    Some(&before),
                    Some(&after),
                    now,
                ),
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn moderate_comment(
    state: &AppState,
    caller: Caller,
    id: String,
    action: Moderation,
) -> ApiResult<HttpResponse> {
    caller.require_host(state).await?;
    let now = state.now();
    state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&caller.user_id), now)?;
            let (comment, post) = readable_comment(conn, &ctx, &id)?;
            if !post.moderator {
                return Err(ApiError::NotFound("comment"));
            }
            let current = ContentStatus::parse(&comment.status).map_err(ApiError::internal)?;
            let next = moderate(current, action)?;
            comments::update(
                conn,
                &comment.id,
                &CommentChanges {
                    status: Some(next.as_str().to_owned()),
                    updated_at: Some(to_db_time(now)),
                    ..Default::default()
                },
            )?;
            let name = if action == Moderation::Hide {
                "comment.hidden"
            } else {
                "comment.restored"
            };
            praxis_persistence::audit::record(
                conn,
                &praxis_app::audit::entry(
                    Some(&caller.user_id),
                    name,
                    "comment",
                    &comment.id,
                    Some(&json!({"status": comment.status})),
                    Some(&json!({"status": next.as_str()})),
                    now,
                ),
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Hides a post: 404 to everyone but the hosts who moderate its space. Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses(
        (status = 204, description = "Hidden"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin (`host-role-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/posts/{id}/hide")]
pub async fn hide_post(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    moderate_post(
        &state,
        caller,
        path.into_inner(),
        PostAction::Status(Moderation::Hide),
    )
    .await
}

/// Restores a hidden post. Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses(
        (status = 204, description = "Published again"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin (`host-role-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/posts/{id}/restore")]
pub async fn restore_post(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    moderate_post(
        &state,
        caller,
        path.into_inner(),
        PostAction::Status(Moderation::Restore),
    )
    .await
}

/// Pins a post in its space (shown with `pinned: true`). Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses(
        (status = 204, description = "Pinned"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin (`host-role-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/posts/{id}/pin")]
pub async fn pin_post(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    moderate_post(&state, caller, path.into_inner(), PostAction::Pin(true)).await
}

/// Unpins a post. Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses(
        (status = 204, description = "Unpinned"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin (`host-role-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/posts/{id}/unpin")]
pub async fn unpin_post(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    moderate_post(&state, caller, path.into_inner(), PostAction::Pin(false)).await
}

/// Hides a comment. Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id")),
    responses(
        (status = 204, description = "Hidden"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin (`host-role-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such comment, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/comments/{id}/hide")]
pub async fn hide_comment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    moderate_comment(&state, caller, path.into_inner(), Moderation::Hide).await
}

/// Restores a hidden comment. Audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id")),
    responses(
        (status = 204, description = "Published again"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin (`host-role-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such comment, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/comments/{id}/restore")]
pub async fn restore_comment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    moderate_comment(&state, caller, path.into_inner(), Moderation::Restore).await
}
