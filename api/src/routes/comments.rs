//! Comments with replies, and reactions on posts and comments. Every path loads the post
//! through the access layer first, so a post outside the caller's spaces is 404 here too.

use crate::auth::{Member, Viewer};
use crate::dto::content::{next_cursor, page_request, CommentResponse};
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::PageParams;
use crate::responses::{AuthErrors, BadToken, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{delete, get, patch, post, put};
use actix_web::{web, HttpResponse};
use praxis_app::comments::{self, NewComment, ReactionTarget};
use praxis_domain::discussion::{Markdown, ReactionKind};
use praxis_domain::ids::{CommentId, PostId};
use praxis_openapi::Problem;
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
        BadToken,
        (status = 403, description = "Terms to accept (`terms-acceptance-required`), or the email address not verified (`email-verification-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        Invalid,
    ))]
#[get("/posts/{id}/comments")]
pub async fn list_comments(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    PathId(id): PathId<PostId>,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page_request(&query.0)?;
    let comments = state
        .read(move |c| comments::list(c, &ctx, &id, &page))
        .await?;
    Ok(HttpResponse::Ok().json(CommentPage {
        items: comments.items.into_iter().map(Into::into).collect(),
        next_cursor: next_cursor(comments.next),
    }))
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

impl TryFrom<CreateCommentRequest> for NewComment {
    type Error = praxis_domain::Error;

    fn try_from(body: CreateCommentRequest) -> Result<Self, Self::Error> {
        NewComment::parse(&body.body, body.parent_id.as_deref())
    }
}

/// Comments on a post; the author of the post (or of the comment replied to) and mentioned
/// members are notified.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    request_body = CreateCommentRequest,
    responses(
        (status = 201, description = "Published", body = CommentResponse),
        AuthErrors,
        (status = 403, description = "Terms to accept (`terms-acceptance-required`), or the email address not verified (`email-verification-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 422, description = "Invalid body, or a parent that is not a comment of this post", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/posts/{id}/comments")]
pub async fn create_comment(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<PostId>,
    body: Json<CreateCommentRequest>,
) -> ApiResult<HttpResponse> {
    let comment = NewComment::try_from(body.0)?;
    let now = state.now();
    let comment = state
        .write(move |c| comments::comment(c, &member.ctx, &id, comment, now))
        .await?;
    Ok(HttpResponse::Created().json(CommentResponse::from(comment)))
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
        AuthErrors,
        (status = 403, description = "Not the author (`not-author`), or terms to accept", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        Invalid,
    ))]
#[patch("/comments/{id}")]
pub async fn update_comment(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<CommentId>,
    body: Json<UpdateCommentRequest>,
) -> ApiResult<HttpResponse> {
    let text = Markdown::comment_body(&body.0.body)?;
    let now = state.now();
    let comment = state
        .write(move |c| comments::edit(c, &member.ctx, &id, text, now))
        .await?;
    Ok(HttpResponse::Ok().json(CommentResponse::from(comment)))
}

/// Deletes a comment: its author only. Replies to it stay.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id")),
    responses(
        (status = 204, description = "Deleted"),
        AuthErrors,
        (status = 403, description = "Not the author (`not-author`), or terms to accept", body = Problem, content_type = "application/problem+json"),
        NotVisible,
    ))]
#[delete("/comments/{id}")]
pub async fn delete_comment(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<CommentId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .write(move |c| comments::delete(c, &member.ctx, &id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The `{kind}` of a reaction path.
fn reaction_kind(req: &actix_web::HttpRequest) -> ApiResult<ReactionKind> {
    Ok(ReactionKind::parse(
        req.match_info().get("kind").unwrap_or_default(),
    )?)
}

/// Adds or removes the caller's reaction on a published post or comment they may write on.
async fn change_reaction(
    state: &AppState,
    member: Member,
    target: ReactionTarget,
    kind: ReactionKind,
    add: bool,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .write(move |c| {
            if add {
                comments::react(c, &member.ctx, &target, kind, now)
            } else {
                comments::unreact(c, &member.ctx, &target, kind)
            }
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Reacts to a post (`like`, `insightful` or `thanks`); reacting twice changes nothing.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id"), ("kind" = String, Path, description = "`like`, `insightful` or `thanks`")),
    responses(
        (status = 204, description = "The reaction is there"),
        AuthErrors,
        (status = 403, description = "Terms to accept (`terms-acceptance-required`), or the email address not verified (`email-verification-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 422, description = "Unknown reaction kind", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/posts/{id}/reactions/{kind}")]
pub async fn react_to_post(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<PostId>,
    req: actix_web::HttpRequest,
) -> ApiResult<HttpResponse> {
    let kind = reaction_kind(&req)?;
    change_reaction(&state, member, ReactionTarget::Post(id), kind, true).await
}

/// Removes the caller's reaction from a post.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id"), ("kind" = String, Path, description = "`like`, `insightful` or `thanks`")),
    responses(
        (status = 204, description = "The reaction is gone"),
        AuthErrors,
        (status = 403, description = "Terms to accept (`terms-acceptance-required`), or the email address not verified (`email-verification-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 422, description = "Unknown reaction kind", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/posts/{id}/reactions/{kind}")]
pub async fn unreact_to_post(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<PostId>,
    req: actix_web::HttpRequest,
) -> ApiResult<HttpResponse> {
    let kind = reaction_kind(&req)?;
    change_reaction(&state, member, ReactionTarget::Post(id), kind, false).await
}

/// Reacts to a comment (`like`, `insightful` or `thanks`).
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id"), ("kind" = String, Path, description = "`like`, `insightful` or `thanks`")),
    responses(
        (status = 204, description = "The reaction is there"),
        AuthErrors,
        (status = 403, description = "Terms to accept (`terms-acceptance-required`), or the email address not verified (`email-verification-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 422, description = "Unknown reaction kind", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/comments/{id}/reactions/{kind}")]
pub async fn react_to_comment(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<CommentId>,
    req: actix_web::HttpRequest,
) -> ApiResult<HttpResponse> {
    let kind = reaction_kind(&req)?;
    change_reaction(&state, member, ReactionTarget::Comment(id), kind, true).await
}

/// Removes the caller's reaction from a comment.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Comment id"), ("kind" = String, Path, description = "`like`, `insightful` or `thanks`")),
    responses(
        (status = 204, description = "The reaction is gone"),
        AuthErrors,
        (status = 403, description = "Terms to accept (`terms-acceptance-required`), or the email address not verified (`email-verification-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 422, description = "Unknown reaction kind", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/comments/{id}/reactions/{kind}")]
pub async fn unreact_to_comment(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<CommentId>,
    req: actix_web::HttpRequest,
) -> ApiResult<HttpResponse> {
    let kind = reaction_kind(&req)?;
    change_reaction(&state, member, ReactionTarget::Comment(id), kind, false).await
}
