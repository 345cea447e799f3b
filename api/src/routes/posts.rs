//! Posts: listing and writing them in a space, reading, editing and deleting one, and the
//! author's crosspost — the only way content ever moves between spaces.

use crate::auth::{Member, OptionalCaller, Viewer};
use crate::dto::content::{page_json, page_request, PostPage, PostResponse};
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::PageParams;
use crate::responses::{AuthErrors, BadToken, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{delete, get, patch, post};
use actix_web::{web, HttpRequest, HttpResponse};
use praxis_app::access::load_caller;
use praxis_app::posts::{self, NewPost, PostEdit, VersionScope};
use praxis_domain::ids::PostId;
use praxis_openapi::Problem;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_posts)
        .service(create_post)
        .service(get_post)
        .service(update_post)
        .service(delete_post)
        .service(crosspost);
}

/// The posts of a space, newest first (pinned ones are flagged with `pinned`, not reordered,
/// so the cursor stays exact). A space the caller may not enter answers 401/403 with the
/// reason, or 404 for invite-only and sealed spaces they are not in.
#[utoipa::path(tag = "posts",
    security((), ("bearer" = [])),
    params(("slug" = String, Path, description = "Space slug"), PageParams),
    responses(
        (status = 200, description = "A page of posts", body = PostPage),
        BadToken,
        (status = 403, description = "Not entitled (`space-access-denied`) or terms to accept (`terms-acceptance-required`), or the email address not verified (`email-verification-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        Invalid,
    ))]
#[get("/spaces/{slug}/posts")]
pub async fn list_posts(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: OptionalCaller,
    slug: web::Path<String>,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page_request(&query.0)?;
    let slug = slug.into_inner();
    let user = caller.0.map(|c| (c.user_id, c.generation));
    let (pages, public, now) = (state.pages.clone(), user.is_none(), state.now());
    // The caller's facts, the content version and, when the node has no current copy, the
    // page, in one trip to the blocking pool. Everyone allowed the same sees the same page.
    let cached = state
        .read(move |c| {
            let ctx = load_caller(c, user.as_ref().map(|(id, g)| (id.as_str(), *g)), now)?;
            let key = format!(
                "posts:{slug}:{}:{:?}:{}",
                page.limit,
                page.after,
                ctx.access_key()
            );
            pages.get_or_build(c, VersionScope::Space(&slug), key, |c| {
                page_json(posts::list_in_space(c, &ctx, &slug, &page)?)
            })
        })
        .await?;
    Ok(cached.respond(&req, public))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "question", "title": "How do you harvest objections?", "body": "In *consent* rounds, I…", "topics": ["consent"]}))]
pub struct CreatePostRequest {
    /// `article`, `question` or `discussion`.
    pub kind: String,
    /// 1–200 characters.
    pub title: String,
    /// Markdown, stored as written; 1–50 000 characters. Mention a member with `@[member-id]`.
    pub body: String,
    /// Topic slugs (`GET /api/v1/topics`), at most five.
    #[serde(default)]
    pub topics: Vec<String>,
}

impl TryFrom<CreatePostRequest> for NewPost {
    type Error = praxis_domain::Error;

    fn try_from(body: CreatePostRequest) -> Result<Self, Self::Error> {
        NewPost::parse(&body.kind, &body.title, &body.body, &body.topics)
    }
}

/// Writes a post. Members who may enter the space and accepted the current terms; visitors
/// only read the public Lobby.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("slug" = String, Path, description = "Space slug")),
    request_body = CreatePostRequest,
    responses(
        (status = 201, description = "Published", body = PostResponse),
        AuthErrors,
        (status = 403, description = "Not entitled (`space-access-denied`) or terms to accept (`terms-acceptance-required`), or the email address not verified (`email-verification-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 422, description = "Invalid fields or unknown topics", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/spaces/{slug}/posts")]
pub async fn create_post(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
    body: Json<CreatePostRequest>,
) -> ApiResult<HttpResponse> {
    let post = NewPost::try_from(body.0)?;
    let (slug, now) = (slug.into_inner(), state.now());
    let post = state
        .write(move |c| posts::publish(c, &member.ctx, &slug, post, now))
        .await?;
    Ok(HttpResponse::Created().json(PostResponse::from(post)))
}

/// One post. Anyone outside its space, and anyone at all once it is deleted (or hidden, except
/// the hosts who moderate the space), gets 404.
#[utoipa::path(tag = "posts",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses(
        (status = 200, description = "The post", body = PostResponse),
        BadToken,
        (status = 403, description = "Terms to accept before entering its space (`terms-acceptance-required`), or the email address not verified (`email-verification-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
    ))]
#[get("/posts/{id}")]
pub async fn get_post(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    PathId(id): PathId<PostId>,
) -> ApiResult<HttpResponse> {
    let post = state.read(move |c| posts::read(c, &ctx, &id)).await?;
    Ok(HttpResponse::Ok().json(PostResponse::from(post)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "How do you harvest objections? (edited)"}))]
pub struct UpdatePostRequest {
    pub kind: Option<String>,
    pub title: Option<String>,
    pub body: Option<String>,
    /// Replaces the topics when present.
    pub topics: Option<Vec<String>>,
}

impl TryFrom<UpdatePostRequest> for PostEdit {
    type Error = praxis_domain::Error;

    fn try_from(body: UpdatePostRequest) -> Result<Self, Self::Error> {
        PostEdit::parse(
            body.kind.as_deref(),
            body.title.as_deref(),
            body.body.as_deref(),
            body.topics.as_deref(),
        )
    }
}

/// Edits a post. Its author only, while they may still write in its space.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    request_body = UpdatePostRequest,
    responses(
        (status = 200, description = "The edited post", body = PostResponse),
        AuthErrors,
        (status = 403, description = "Not the author (`not-author`), or terms to accept", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 422, description = "Invalid fields or unknown topics", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/posts/{id}")]
pub async fn update_post(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<PostId>,
    body: Json<UpdatePostRequest>,
) -> ApiResult<HttpResponse> {
    let edit = PostEdit::try_from(body.0)?;
    let now = state.now();
    let post = state
        .write(move |c| posts::edit(c, &member.ctx, &id, edit, now))
        .await?;
    Ok(HttpResponse::Ok().json(PostResponse::from(post)))
}

/// Deletes a post: its author only. It is gone from every read, with its comments.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses(
        (status = 204, description = "Deleted"),
        AuthErrors,
        (status = 403, description = "Not the author (`not-author`), or terms to accept", body = Problem, content_type = "application/problem+json"),
        NotVisible,
    ))]
#[delete("/posts/{id}")]
pub async fn delete_post(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<PostId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .write(move |c| posts::delete(c, &member.ctx, &id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"space": "lobby"}))]
pub struct CrosspostRequest {
    /// The slug of a space the author may write in.
    pub space: String,
}

/// Copies a post into another space as a new post (with `crossposted_from`): only its author,
/// only into a space they may write in. Nothing else moves content between spaces.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    request_body = CrosspostRequest,
    responses(
        (status = 201, description = "The new post", body = PostResponse),
        AuthErrors,
        (status = 403, description = "Not the author (`not-author`), not entitled to the target space, or terms to accept", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 409, description = "The target is the post's own space (`same-space`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/posts/{id}/crosspost")]
pub async fn crosspost(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<PostId>,
    body: Json<CrosspostRequest>,
) -> ApiResult<HttpResponse> {
    let (target, now) = (body.0.space, state.now());
    let post = state
        .write(move |c| posts::crosspost(c, &member.ctx, &id, &target, now))
        .await?;
    Ok(HttpResponse::Created().json(PostResponse::from(post)))
}
