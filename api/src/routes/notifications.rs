//! The caller's notifications: only those whose content they may still read, decided at the
//! moment they ask, so losing access to a space makes its notifications disappear.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::access::{all_spaces, load_viewer};
use praxis_openapi::Problem;
use praxis_persistence::notifications::{self, NotificationRow};
use praxis_persistence::{from_db_time, posts, to_db_time, users};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_notifications)
        .service(read_all_notifications)
        .service(read_notification);
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01938a2b-7c4e-7cc3-a1a6-0c1b5f7d2e10", "kind": "reply",
    "actor_id": "01938a2a-0000-7000-8000-000000000002", "actor_name": "Ana",
    "space": "practitioner-lounge", "post_id": "01938a2b-0000-7000-8000-000000000003",
    "post_title": "How do you harvest objections?", "comment_id": "01938a2b-0000-7000-8000-000000000004",
    "created_at": "2026-11-23T09:30:00Z", "read": false
}))]
pub struct NotificationResponse {
    pub id: String,
    /// `reply` (to your post or comment), `mention` (`@[your-member-id]`) or `new_post` (in a
    /// space or topic you follow).
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_name: Option<String>,
    /// The slug of the space the content is in.
    pub space: String,
    pub post_id: String,
    pub post_title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The caller's notifications, newest first: only about content they may read now.
#[utoipa::path(tag = "notifications", security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of notifications", body = NotificationPage),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/notifications")]
pub async fn list_notifications(
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
            let rows = notifications::page(conn, &caller.user_id, &readable, after, limit + 1)?;
            let page: Page<NotificationRow> =
                Page::from_rows(rows, limit, |r| (r.created_at, r.id.clone()), |r| r);
            let actors: Vec<String> = page
                .items
                .iter()
                .filter_map(|n| n.actor_id.clone())
                .collect();
            let names = users::display_names(conn, &actors)?;
            let post_ids: Vec<String> = page
                .items
                .iter()
                .filter_map(|n| n.post_id.clone())
                .collect();
            let titles = posts::titles(conn, &post_ids)?;
            let items = page
                .items
                .into_iter()
                .map(|n| {
                    let post_id = n.post_id.unwrap_or_default();
                    NotificationResponse {
                        actor_name: n.actor_id.as_ref().and_then(|a| names.get(a).cloned()),
                        space: spaces
                            .iter()
                            .find(|s| s.row.id == n.space_id)
                            .map(|s| s.row.slug.clone())
                            .unwrap_or_default(),
                        post_title: titles.get(&post_id).cloned().unwrap_or_default(),
                        post_id,
                        id: n.id,
                        kind: n.kind,
                        actor_id: n.actor_id,
                        comment_id: n.comment_id,
                        created_at: from_db_time(n.created_at),
                        read: n.read_at.is_some(),
                    }
                })
                .collect();
            Ok(NotificationPage {
                items,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Marks one notification read.
#[utoipa::path(tag = "notifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "Notification id")),
    responses(
        (status = 204, description = "Read"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notification of the caller's, or about content they may no longer read", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/notifications/{id}/read")]
pub async fn read_notification(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let now = state.now();
    state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&caller.user_id), now)?;
            let note = notifications::find(conn, &id)?
                .filter(|n| n.user_id == caller.user_id)
                .ok_or(ApiError::NotFound("notification"))?;
            let readable = ctx.readable_space_ids(&all_spaces(conn)?);
            if !readable.contains(&note.space_id) {
                return Err(ApiError::NotFound("notification"));
            }
            notifications::mark_read(conn, &note.id, to_db_time(now))?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Marks every notification the caller can see read.
#[utoipa::path(tag = "notifications", security(("bearer" = [])),
    responses(
        (status = 204, description = "All read"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/notifications/read-all")]
pub async fn read_all_notifications(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&caller.user_id), now)?;
            let readable = ctx.readable_space_ids(&all_spaces(conn)?);
            notifications::mark_all_read(conn, &caller.user_id, &readable, to_db_time(now))?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
