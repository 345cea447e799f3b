//! Topics, following topics and spaces, notification levels per space, and the feed of what a
//! member follows and may read now.

use crate::auth::{Caller, OptionalCaller};
use crate::dto::content::TopicResponse;
use crate::dto::content::{post_responses, PostPage};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{delete, get, put};
use actix_web::{web, HttpResponse};
use praxis_app::access::{all_spaces, load_viewer, readable_space};
use praxis_domain::discussion::NotificationLevel;
use praxis_openapi::Problem;
use praxis_persistence::notifications as follows;
use praxis_persistence::posts;
use praxis_persistence::{spaces, to_db_time};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_topics)
        .service(follow_topic)
        .service(unfollow_topic)
        .service(follow_space)
        .service(unfollow_space)
        .service(set_notification_level)
        .service(get_feed);
}

/// The topics hosts defined, with whether the caller follows each.
#[utoipa::path(tag = "following",
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Topics", body = Vec<TopicResponse>),
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/topics")]
pub async fn list_topics(
    state: web::Data<AppState>,
    caller: OptionalCaller,
) -> ApiResult<HttpResponse> {
    let user_id = caller.0.map(|c| c.user_id);
    let topics = state
        .db(move |conn| {
            let followed = match &user_id {
                Some(id) => follows::followed_topics(conn, id)?,
                None => Vec::new(),
            };
            Ok(posts::all_topics(conn)?
                .into_iter()
                .map(|t| TopicResponse {
                    following: followed.contains(&t.slug),
                    slug: t.slug,
                    name: t.name,
                    description: t.description,
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(topics))
}

async fn change_topic_follow(
    state: &AppState,
    caller: Caller,
    slug: String,
    follow: bool,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .db_write(move |conn| {
            if posts::existing_topics(conn, std::slice::from_ref(&slug))?.is_empty() {
                return Err(ApiError::NotFound("topic"));
            }
            if follow {
                follows::follow_topic(conn, &caller.user_id, &slug, to_db_time(now))?;
            } else {
                follows::unfollow_topic(conn, &caller.user_id, &slug)?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Follows a topic: its new posts (in spaces the caller may read) reach the feed.
#[utoipa::path(tag = "following", security(("bearer" = [])),
    params(("slug" = String, Path, description = "Topic slug")),
    responses(
        (status = 204, description = "Following"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such topic", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/topics/{slug}/follow")]
pub async fn follow_topic(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    change_topic_follow(&state, caller, path.into_inner(), true).await
}

/// Stops following a topic.
#[utoipa::path(tag = "following", security(("bearer" = [])),
    params(("slug" = String, Path, description = "Topic slug")),
    responses(
        (status = 204, description = "Not following"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such topic", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/topics/{slug}/follow")]
pub async fn unfollow_topic(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    change_topic_follow(&state, caller, path.into_inner(), false).await
}

/// Follows a space the caller may read: its new posts reach the feed and notifications.
#[utoipa::path(tag = "following", security(("bearer" = [])),
    params(("slug" = String, Path, description = "Space slug")),
    responses(
        (status = 204, description = "Following"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not entitled (`space-access-denied`) or terms to accept", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such space, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/spaces/{slug}/follow")]
pub async fn follow_space(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let slug = path.into_inner();
    let now = state.now();
    state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&caller.user_id), now)?;
            let space = readable_space(conn, &ctx, &slug)?;
            follows::follow_space(conn, &caller.user_id, &space.row.id, to_db_time(now))?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Stops following a space; allowed even after losing access to it.
#[utoipa::path(tag = "following", security(("bearer" = [])),
    params(("slug" = String, Path, description = "Space slug")),
    responses(
        (status = 204, description = "Not following"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such space, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/spaces/{slug}/follow")]
pub async fn unfollow_space(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let slug = path.into_inner();
    let now = state.now();
    state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&caller.user_id), now)?;
            let space = spaces::find_by_slug(conn, &slug)?
                .map(praxis_app::access::Space::from_row)
                .transpose()?
                .filter(|s| ctx.may_know(s))
                .ok_or(ApiError::NotFound("space"))?;
            follows::unfollow_space(conn, &caller.user_id, &space.row.id)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"level": "mentions"}))]
pub struct NotificationLevelRequest {
    /// `all` (replies, mentions and new posts in what you follow; the default), `mentions`
    /// (only what is addressed to you: mentions and replies) or `muted` (nothing).
    pub level: String,
}

/// Sets how much the caller hears from a space they may read.
#[utoipa::path(tag = "following", security(("bearer" = [])),
    params(("slug" = String, Path, description = "Space slug")),
    request_body = NotificationLevelRequest,
    responses(
        (status = 200, description = "The level now in force", body = NotificationLevelRequest),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not entitled (`space-access-denied`) or terms to accept", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such space, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown level", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/spaces/{slug}/notification-level")]
pub async fn set_notification_level(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<NotificationLevelRequest>,
) -> ApiResult<HttpResponse> {
    let slug = path.into_inner();
    let now = state.now();
    let level = state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&caller.user_id), now)?;
            let space = readable_space(conn, &ctx, &slug)?;
            let level = NotificationLevel::parse(&body.0.level)?;
            follows::set_level(conn, &caller.user_id, &space.row.id, level.as_str())?;
            Ok(level)
        })
        .await?;
    Ok(HttpResponse::Ok().json(NotificationLevelRequest {
        level: level.as_str().to_owned(),
    }))
}

/// Newest first: published posts in spaces the caller follows or with topics they follow, in
/// spaces they may read now (filtered in the query, before paging).
#[utoipa::path(tag = "following", security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of the feed", body = PostPage),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/feed")]
pub async fn get_feed(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let now = state.now();
    let page = state
        .db(move |conn| {
            let ctx = load_viewer(conn, Some(&caller.user_id), now)?;
            let spaces = all_spaces(conn)?;
            let readable = ctx.readable_space_ids(&spaces);
            let rows = posts::feed_page(conn, &caller.user_id, &readable, after, limit + 1)?;
            let page = Page::from_rows(rows, limit, |r| (r.created_at, r.id.clone()), |r| r);
            Ok(PostPage {
                items: post_responses(conn, &ctx, &spaces, page.items)?,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}
