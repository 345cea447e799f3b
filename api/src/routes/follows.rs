//! Topics, following topics and spaces, notification levels per space, and the feed of what a
//! member follows and may read now.

use crate::auth::{Caller, Member, Viewer};
use crate::dto::content::{page_json, page_request, PostPage, TopicResponse};
use crate::dto::learning::cursor;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{AuthErrors, BadToken, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{delete, get, put};
use actix_web::{web, HttpRequest, HttpResponse};
use praxis_app::access::load_caller;
use praxis_app::posts::VersionScope;
use praxis_app::{follows, topics};
use praxis_domain::discussion::NotificationLevel;
use praxis_domain::ids::TopicId;
use praxis_openapi::Problem;
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

/// A page of topics.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopicPage {
    pub items: Vec<TopicResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The topics hosts defined, by slug, in keyset pages, with whether the caller follows each.
#[utoipa::path(tag = "following",
    security((), ("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of topics", body = TopicPage),
        BadToken,
        Invalid,
    ))]
#[get("/topics")]
pub async fn list_topics(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let limit = query.0.limit()?;
    // The cursor is the last slug seen; anything that is not a slug is not one we returned.
    let after = match query.0.cursor.as_deref() {
        Some(raw) => {
            let slug = cursor::decode(raw, 1)?.concat();
            Some(
                TopicId::parse(&slug)
                    .map_err(|_| cursor::invalid())?
                    .into_inner(),
            )
        }
        None => None,
    };
    let topics = state
        .read(move |c| topics::list(c, &ctx, after, limit + 1))
        .await?;
    let page = Page::from_keyed_rows(topics, limit, |t| vec![t.slug.clone()], Into::into);
    Ok(HttpResponse::Ok().json(TopicPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// A topic's slug from the path: text that cannot be a slug names no topic.
fn topic(slug: web::Path<String>) -> ApiResult<TopicId> {
    TopicId::parse(&slug).map_err(|_| ApiError::NotFound("topic"))
}

/// Follows a topic: its new posts (in spaces the caller may read) reach the feed.
#[utoipa::path(tag = "following", security(("bearer" = [])),
    params(("slug" = String, Path, description = "Topic slug")),
    responses((status = 204, description = "Following"), AuthErrors, NotVisible))]
#[put("/topics/{slug}/follow")]
pub async fn follow_topic(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (topic, now) = (topic(slug)?, state.now());
    state
        .write(move |c| follows::follow_topic(c, &member.ctx, &topic, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Stops following a topic.
#[utoipa::path(tag = "following", security(("bearer" = [])),
    params(("slug" = String, Path, description = "Topic slug")),
    responses((status = 204, description = "Not following"), AuthErrors, NotVisible))]
#[delete("/topics/{slug}/follow")]
pub async fn unfollow_topic(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let topic = topic(slug)?;
    state
        .write(move |c| follows::unfollow_topic(c, &member.ctx, &topic))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Follows a space the caller may read: its new posts reach the feed and notifications.
#[utoipa::path(tag = "following", security(("bearer" = [])),
    params(("slug" = String, Path, description = "Space slug")),
    responses(
        (status = 204, description = "Following"),
        AuthErrors,
        (status = 403, description = "Not entitled (`space-access-denied`) or terms to accept", body = Problem, content_type = "application/problem+json"),
        NotVisible,
    ))]
#[put("/spaces/{slug}/follow")]
pub async fn follow_space(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (slug, now) = (slug.into_inner(), state.now());
    state
        .write(move |c| follows::follow_space(c, &member.ctx, &slug, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Stops following a space; allowed even after losing access to it.
#[utoipa::path(tag = "following", security(("bearer" = [])),
    params(("slug" = String, Path, description = "Space slug")),
    responses((status = 204, description = "Not following"), AuthErrors, NotVisible))]
#[delete("/spaces/{slug}/follow")]
pub async fn unfollow_space(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let slug = slug.into_inner();
    state
        .write(move |c| follows::unfollow_space(c, &member.ctx, &slug))
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
        AuthErrors,
        (status = 403, description = "Not entitled (`space-access-denied`) or terms to accept", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        Invalid,
    ))]
#[put("/spaces/{slug}/notification-level")]
pub async fn set_notification_level(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
    body: Json<NotificationLevelRequest>,
) -> ApiResult<HttpResponse> {
    let level = NotificationLevel::parse(&body.0.level)?;
    let slug = slug.into_inner();
    let level = state
        .write(move |c| follows::set_notification_level(c, &member.ctx, &slug, level))
        .await?;
    Ok(HttpResponse::Ok().json(NotificationLevelRequest {
        level: level.as_str().to_owned(),
    }))
}

/// Newest first: published posts in spaces the caller follows or with topics they follow, in
/// spaces they may read now (filtered in the query, before paging).
#[utoipa::path(tag = "following", security(("bearer" = [])),
    params(PageParams),
    responses((status = 200, description = "A page of the feed", body = PostPage), AuthErrors, Invalid))]
#[get("/feed")]
pub async fn get_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page_request(&query.0)?;
    let (pages, now) = (state.pages.clone(), state.now());
    // A member's own feed, cached on this node like the space pages (follows move the
    // content version too); facts, version and page in one trip.
    let cached = state
        .read(move |c| {
            let ctx = load_caller(c, Some((caller.user_id.as_str(), caller.generation)), now)?;
            let key = format!(
                "feed:{}:{}:{:?}:{}",
                caller.user_id,
                page.limit,
                page.after,
                ctx.access_key()
            );
            pages.get_or_build(c, VersionScope::Everything, key, |c| {
                page_json(follows::feed(c, &ctx, &page)?)
            })
        })
        .await?;
    Ok(cached.respond(&req, false))
}
