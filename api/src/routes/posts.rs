//! Posts: listing and writing them in a space, reading, editing and deleting one, and the
//! author's crosspost — the only way content ever moves between spaces.

use crate::auth::{Caller, OptionalCaller};
use crate::dto::content::{post_responses, PostPage, PostResponse};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{delete, get, patch, post};
use actix_web::{web, HttpResponse};
use praxis_app::access::{all_spaces, load_viewer, readable_space, Space, ViewerContext};
use praxis_app::content::{self, published_post, readable_post, writable_space, NewContent};
use praxis_domain::discussion::{parse_topics, ContentStatus, Markdown, PostKind, PostTitle};
use praxis_domain::error::Errors;
use praxis_domain::FieldError;
use praxis_openapi::Problem;
use praxis_persistence::posts::{self, PostChanges, PostRow};
use praxis_persistence::{to_db_time, DbConnection};
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
        (status = 401, description = "Sign in to enter, or an invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not entitled (`space-access-denied`) or terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such space, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/spaces/{slug}/posts")]
pub async fn list_posts(
    state: web::Data<AppState>,
    caller: OptionalCaller,
    path: web::Path<String>,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let now = state.now();
    let user_id = caller.0.map(|c| c.user_id);
    let slug = path.into_inner();
    let page = state
        .db(move |conn| {
            let ctx = load_viewer(conn, user_id.as_deref(), now)?;
            let space = readable_space(conn, &ctx, &slug)?;
            let statuses: &[&str] = if ctx.can_moderate(&space) {
                &["published", "hidden"]
            } else {
                &["published"]
            };
            let rows = posts::page_in_space(conn, &space.row.id, statuses, after, limit + 1)?;
            let page = Page::from_rows(rows, limit, |r| (r.created_at, r.id.clone()), |r| r);
            let spaces = all_spaces(conn)?;
            Ok(PostPage {
                items: post_responses(conn, &ctx, &spaces, page.items)?,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
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

struct PostInput {
    kind: PostKind,
    title: PostTitle,
    body: Markdown,
    topics: Vec<String>,
}

fn parse_post(body: CreatePostRequest) -> ApiResult<PostInput> {
    let mut errors = Errors::new();
    let kind = errors.take(PostKind::parse(&body.kind));
    let title = errors.take(PostTitle::parse(&body.title));
    let text = errors.take(Markdown::post_body(&body.body));
    let topics = errors.take(parse_topics(&body.topics));
    errors.finish()?;
    match (kind, title, text, topics) {
        (Some(kind), Some(title), Some(body), Some(topics)) => Ok(PostInput {
            kind,
            title,
            body,
            topics,
        }),
        _ => Err(ApiError::internal("validated post fields missing")),
    }
}

/// 422 naming every topic that does not exist.
fn check_topics(conn: &mut DbConnection, topics: &[String]) -> ApiResult<()> {
    let existing = posts::existing_topics(conn, topics)?;
    let unknown: Vec<FieldError> = topics
        .iter()
        .enumerate()
        .filter(|(_, t)| !existing.contains(t))
        .map(|(i, _)| {
            FieldError::new(
                format!("topics[{i}]"),
                "is not a topic (see GET /api/v1/topics)",
            )
        })
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(unknown))
    }
}

/// Inserts a post in `space`, tells followers and mentioned members, and answers with it.
fn publish(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    space: &Space,
    input: PostInput,
    crossposted_from: Option<String>,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiResult<PostResponse> {
    check_topics(conn, &input.topics)?;
    let author_id = ctx
        .user_id
        .clone()
        .ok_or_else(|| ApiError::internal("anonymous writer"))?;
    let row = PostRow {
        id: uuid::Uuid::now_v7().to_string(),
        space_id: space.row.id.clone(),
        author_id,
        kind: input.kind.as_str().to_owned(),
        title: input.title.into_inner(),
        body: input.body.into_inner(),
        status: ContentStatus::Published.as_str().to_owned(),
        pinned: false,
        crossposted_from,
        created_at: to_db_time(now),
        updated_at: to_db_time(now),
        edited_at: None,
    };
    posts::insert(conn, &row, &input.topics)?;
    content::notify(
        conn,
        &NewContent {
            author_id: &row.author_id,
            space_id: &row.space_id,
            post_id: &row.id,
            comment_id: None,
            replied_to: None,
            body: &row.body,
            new_post_topics: Some(&input.topics),
        },
        row.created_at,
    )?;
    let spaces = all_spaces(conn)?;
    post_responses(conn, ctx, &spaces, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("created post missing"))
}

/// Writes a post. Members who may enter the space and accepted the current terms; visitors
/// only read the public Lobby.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("slug" = String, Path, description = "Space slug")),
    request_body = CreatePostRequest,
    responses(
        (status = 201, description = "Published", body = PostResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not entitled (`space-access-denied`) or terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such space, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or unknown topics", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/spaces/{slug}/posts")]
pub async fn create_post(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<CreatePostRequest>,
) -> ApiResult<HttpResponse> {
    let slug = path.into_inner();
    let now = state.now();
    let response = state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&caller.user_id), now)?;
            let space = writable_space(conn, &ctx, &slug)?;
            let input = parse_post(body.0)?;
            publish(conn, &ctx, &space, input, None, now)
        })
        .await?;
    Ok(HttpResponse::Created().json(response))
}

/// One post. Anyone outside its space, and anyone at all once it is deleted (or hidden, except
/// the hosts who moderate the space), gets 404.
#[utoipa::path(tag = "posts",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses(
        (status = 200, description = "The post", body = PostResponse),
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Terms to accept before entering its space (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/posts/{id}")]
pub async fn get_post(
    state: web::Data<AppState>,
    caller: OptionalCaller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let user_id = caller.0.map(|c| c.user_id);
    let id = path.into_inner();
    let response = state
        .db(move |conn| {
            let ctx = load_viewer(conn, user_id.as_deref(), now)?;
            let post = readable_post(conn, &ctx, &id)?;
            let spaces = all_spaces(conn)?;
            post_responses(conn, &ctx, &spaces, vec![post.row])?
                .pop()
                .ok_or(ApiError::NotFound("post"))
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
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

/// Edits a post. Its author only, while they may still write in its space.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    request_body = UpdatePostRequest,
    responses(
        (status = 200, description = "The edited post", body = PostResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the author (`not-author`), or terms to accept", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields or unknown topics", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/posts/{id}")]
pub async fn update_post(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<UpdatePostRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let now = state.now();
    let response = state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&caller.user_id), now)?;
            let post = readable_post(conn, &ctx, &id)?;
            post.require_author(&caller.user_id)?;
            post.require_write(&ctx)?;
            let body = body.0;
            let mut errors = Errors::new();
            let kind = body
                .kind
                .as_deref()
                .and_then(|k| errors.take(PostKind::parse(k)));
            let title = body
                .title
                .as_deref()
                .and_then(|t| errors.take(PostTitle::parse(t)));
            let text = body
                .body
                .as_deref()
                .and_then(|b| errors.take(Markdown::post_body(b)));
            let topics = body
                .topics
                .as_deref()
                .and_then(|t| errors.take(parse_topics(t)));
            errors.finish()?;
            if let Some(topics) = &topics {
                check_topics(conn, topics)?;
                posts::set_topics(conn, &post.row.id, topics)?;
            }
            let at = to_db_time(now);
            posts::update(
                conn,
                &post.row.id,
                &PostChanges {
                    kind: kind.map(|k| k.as_str().to_owned()),
                    title: title.map(PostTitle::into_inner),
                    body: text.map(Markdown::into_inner),
                    updated_at: Some(at),
                    edited_at: Some(Some(at)),
                    ..Default::default()
                },
            )?;
            let row = posts::find(conn, &post.row.id)?.ok_or(ApiError::NotFound("post"))?;
            let spaces = all_spaces(conn)?;
            post_responses(conn, &ctx, &spaces, vec![row])?
                .pop()
                .ok_or(ApiError::NotFound("post"))
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}

/// Deletes a post: its author only. It is gone from every read, with its comments.
#[utoipa::path(tag = "posts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the author (`not-author`), or terms to accept", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/posts/{id}")]
pub async fn delete_post(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let now = state.now();
    state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&caller.user_id), now)?;
            let post = readable_post(conn, &ctx, &id)?;
            post.require_author(&caller.user_id)?;
            post.require_write(&ctx)?;
            posts::update(
                conn,
                &post.row.id,
                &PostChanges {
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
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the author (`not-author`), not entitled to the target space, or terms to accept", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post or space, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The target is the post's own space (`same-space`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/posts/{id}/crosspost")]
pub async fn crosspost(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<CrosspostRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let now = state.now();
    let response = state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&caller.user_id), now)?;
            let source = published_post(conn, &ctx, &id)?;
            source.require_author(&caller.user_id)?;
            let target = writable_space(conn, &ctx, &body.0.space)?;
            if target.row.id == source.space.row.id {
                return Err(ApiError::Conflict {
                    kind: "same-space",
                    detail: "The post is already in this space.".into(),
                });
            }
            let topics = posts::topics_of(conn, std::slice::from_ref(&source.row.id))?
                .remove(&source.row.id)
                .unwrap_or_default();
            let input = PostInput {
                kind: PostKind::parse(&source.row.kind)?,
                title: PostTitle::parse(&source.row.title)?,
                body: Markdown::post_body(&source.row.body)?,
                topics,
            };
            publish(conn, &ctx, &target, input, Some(source.row.id.clone()), now)
        })
        .await?;
    Ok(HttpResponse::Created().json(response))
}
