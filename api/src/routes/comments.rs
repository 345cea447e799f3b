//! Comments with replies, and reactions on posts and comments. Every path loads the post
//! through the access layer first, so a post outside the caller's spaces is 404 here too.

use crate::auth::{Caller, OptionalCaller};
use crate::dto::content::{comment_responses, CommentResponse};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{delete, get, patch, post, put};
use actix_web::{web, HttpResponse};
use praxis_app::access::load_viewer;
use praxis_app::content::{self, published_post, readable_comment, readable_post, NewContent};
use praxis_domain::discussion::{ContentStatus, Markdown, ReactionKind};
use praxis_domain::FieldError;
use praxis_openapi::Problem;
use praxis_persistence::comments::{self, CommentChanges, CommentRow};
use praxis_persistence::to_db_time;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_comments)
        .service(create_comment)
        .service(update_comment)
        .service(delete_comment)
        .service(react_to_post)
        .service(unreact_to_post)
        .service(react_to_comment)
        .service(unreact_to_comment);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentPage {
    pub items: Vec<CommentResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The comments of a post, oldest first; replies carry `parent_id`.
#[utoipa::path(tag = "posts",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Post id"), PageParams),
    responses(
        (status = 200, description = "A page of comments", body = CommentPage),
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/posts/{id}/comments")]
pub async fn list_comments(
    state: web::Data<AppState>,
    caller: OptionalCaller,
    path: web::Path<String>,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let now = state.now();
    let user_id = caller.0.map(|c| c.user_id);
    let id = path.into_inner();
    let page = state
        .db(move |conn| {
            let ctx = load_viewer(conn, user_id.as_deref(), now)?;
            let post = readable_post(conn, &ctx, &id)?;
            let statuses: &[&str] = if post.moderator {
                &["published", "hidden"]
            } else {
                &["published"]
            };
            let rows = comments::page_of_post(conn, &post.row.id, statuses, after, limit + 1)?;
            let page = Page::from_rows(rows, limit, |r| (r.created_at, r.id.clone()), |r| r);
            Ok(CommentPage {
                items: comment_responses(conn, page.items)?,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "We use a round of clarifying questions first. @[01938a2a-0000-7000-8000-000000000002]", "parent_id": null}))]
pub struct CreateCommentRequest {
    /// Markdown, as written; 1–10 000 characters. Mention a member with `@[member-id]`.
    pub body: String,
    /// The comment (of the same post) this one replies to.
    pub parent_id: Option<String>,
}

/// Comments on a post; the author of the post (or of the comment replied to) and mentioned
/// members are notified.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    request_body = CreateCommentRequest,
    responses(
        (status = 201, description = "Published", body = CommentResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid body, or a parent that is not a comment of this post", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/posts/{id}/comments")]
pub async fn create_comment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<CreateCommentRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let now = state.now();
    let response = state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&caller.user_id), now)?;
            let post = published_post(conn, &ctx, &id)?;
            post.require_write(&ctx)?;
            let text = Markdown::comment_body(&body.0.body)?;
            let parent = match body.0.parent_id.as_deref() {
                None => None,
                Some(parent_id) => Some(
                    comments::find(conn, parent_id)?
                        .filter(|p| p.post_id == post.row.id && p.status == "published")
                        .ok_or_else(|| {
                            ApiError::Validation(vec![FieldError::new(
                                "parent_id",
                                "must be a published comment of the same post",
                            )])
                        })?,
                ),
            };
            let at = to_db_time(now);
            let row = CommentRow {
                id: uuid::Uuid::now_v7().to_string(),
                post_id: post.row.id.clone(),
                author_id: caller.user_id.clone(),
                parent_id: parent.as_ref().map(|p| p.id.clone()),
                body: text.into_inner(),
                status: ContentStatus::Published.as_str().to_owned(),
                created_at: at,
                updated_at: at,
                edited_at: None,
            };
            comments::insert(conn, &row)?;
            content::notify(
                conn,
                &NewContent {
                    author_id: &row.author_id,
                    space_id: &post.row.space_id,
                    post_id: &post.row.id,
                    comment_id: Some(&row.id),
                    replied_to: Some(
                        parent
                            .as_ref()
                            .map_or(post.row.author_id.as_str(), |p| p.author_id.as_str()),
                    ),
                    body: &row.body,
                    new_post_topics: None,
                },
                at,
            )?;
            comment_responses(conn, vec![row])?
                .pop()
                .ok_or_else(|| ApiError::internal("created comment missing"))
        })
        .await?;
    Ok(HttpResponse::Created().json(response))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Edited: we use a round of clarifying questions first."}))]
pub struct UpdateCommentRequest {
    pub body: String,
}

/// Edits a comment: its author only.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id")),
    request_body = UpdateCommentRequest,
    responses(
        (status = 200, description = "The edited comment", body = CommentResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the author (`not-author`), or terms to accept", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such comment, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid body", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/comments/{id}")]
pub async fn update_comment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<UpdateCommentRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let now = state.now();
    let response = state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&caller.user_id), now)?;
            let (comment, post) = readable_comment(conn, &ctx, &id)?;
            content::require_author(&comment.author_id, &caller.user_id)?;
            post.require_write(&ctx)?;
            let text = Markdown::comment_body(&body.0.body)?;
            let at = to_db_time(now);
            comments::update(
                conn,
                &comment.id,
                &CommentChanges {
                    body: Some(text.into_inner()),
                    updated_at: Some(at),
                    edited_at: Some(Some(at)),
                    ..Default::default()
                },
            )?;
            let row = comments::find(conn, &comment.id)?.ok_or(ApiError::NotFound("comment"))?;
            comment_responses(conn, vec![row])?
                .pop()
                .ok_or(ApiError::NotFound("comment"))
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}

/// Deletes a comment: its author only. Replies to it stay.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the author (`not-author`), or terms to accept", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such comment, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/comments/{id}")]
pub async fn delete_comment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let now = state.now();
    state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&caller.user_id), now)?;
            let (comment, post) = readable_comment(conn, &ctx, &id)?;
            content::require_author(&comment.author_id, &caller.user_id)?;
            post.require_write(&ctx)?;
            comments::update(
                conn,
                &comment.id,
                &CommentChanges {
                    status: Some(ContentStatus::Deleted.as_str().to_owned()),
                    updated_at: Some(to_db_time(now)),
                    ..Default::default()
                },
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Adds or removes the caller's reaction on a published post or comment they may write on.
async fn change_reaction(
    state: &AppState,
    caller: Caller,
    target: &'static str,
    id: String,
    kind: String,
    add: bool,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&caller.user_id), now)?;
            let post = if target == "post" {
                published_post(conn, &ctx, &id)?
            } else {
                let (comment, post) = readable_comment(conn, &ctx, &id)?;
                if comment.status != "published" || post.row.status != "published" {
                    return Err(ApiError::NotFound("comment"));
                }
                post
            };
            post.require_write(&ctx)?;
            let kind = ReactionKind::parse(&kind)?;
            if add {
                comments::react(
                    conn,
                    target,
                    &id,
                    &caller.user_id,
                    kind.as_str(),
                    to_db_time(now),
                )?;
            } else {
                comments::unreact(conn, target, &id, &caller.user_id, kind.as_str())?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Reacts to a post (`like`, `insightful` or `thanks`); reacting twice changes nothing.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id"), ("kind" = String, Path, description = "`like`, `insightful` or `thanks`")),
    responses(
        (status = 204, description = "The reaction is there"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown reaction kind", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/posts/{id}/reactions/{kind}")]
pub async fn react_to_post(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, kind) = path.into_inner();
    change_reaction(&state, caller, "post", id, kind, true).await
}

/// Removes the caller's reaction from a post.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id"), ("kind" = String, Path, description = "`like`, `insightful` or `thanks`")),
    responses(
        (status = 204, description = "The reaction is gone"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown reaction kind", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/posts/{id}/reactions/{kind}")]
pub async fn unreact_to_post(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, kind) = path.into_inner();
    change_reaction(&state, caller, "post", id, kind, false).await
}

/// Reacts to a comment (`like`, `insightful` or `thanks`).
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id"), ("kind" = String, Path, description = "`like`, `insightful` or `thanks`")),
    responses(
        (status = 204, description = "The reaction is there"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such comment, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown reaction kind", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/comments/{id}/reactions/{kind}")]
pub async fn react_to_comment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, kind) = path.into_inner();
    change_reaction(&state, caller, "comment", id, kind, true).await
}

/// Removes the caller's reaction from a comment.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id"), ("kind" = String, Path, description = "`like`, `insightful` or `thanks`")),
    responses(
        (status = 204, description = "The reaction is gone"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such comment, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown reaction kind", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/comments/{id}/reactions/{kind}")]
pub async fn unreact_to_comment(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, kind) = path.into_inner();
    change_reaction(&state, caller, "comment", id, kind, false).await
}
