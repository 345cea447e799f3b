//! The caller's notifications: only those whose content they may still read, decided at the
//! moment they ask, so losing access to a space makes its notifications disappear.

use crate::auth::Member;
use crate::dto::content::{next_cursor, page_request};
use crate::error::ApiResult;
use crate::extract::{PathId, Query};
use crate::pagination::PageParams;
use crate::responses::{AuthErrors, Invalid};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::notifications::{self, NotificationView};
use praxis_domain::ids::NotificationId;
use praxis_openapi::Problem;
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

impl From<NotificationView> for NotificationResponse {
    fn from(v: NotificationView) -> Self {
        Self {
            id: v.id,
            kind: v.kind,
            actor_id: v.actor_id,
            actor_name: v.actor_name,
            space: v.space,
            post_id: v.post_id,
            post_title: v.post_title,
            comment_id: v.comment_id,
            created_at: v.created_at,
            read: v.read,
        }
    }
}

/// The caller's notifications, newest first: only about content they may read now.
#[utoipa::path(tag = "notifications", security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of notifications", body = NotificationPage),
        AuthErrors,
        Invalid,
    ))]
#[get("/notifications")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    member: Member,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page_request(&query.0)?;
    let notes = state
        .read(move |c| notifications::list(c, &member.ctx, &page))
        .await?;
    Ok(HttpResponse::Ok().json(NotificationPage {
        items: notes.items.into_iter().map(Into::into).collect(),
        next_cursor: next_cursor(notes.next),
    }))
}

/// Marks one notification read.
#[utoipa::path(tag = "notifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "Notification id")),
    responses(
        (status = 204, description = "Read"),
        AuthErrors,
        (status = 404, description = "No such notification of the caller's, or about content they may no longer read", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/notifications/{id}/read")]
pub async fn read_notification(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<NotificationId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .write(move |c| notifications::mark_read(c, &member.ctx, &id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Marks every notification the caller can see read.
#[utoipa::path(tag = "notifications", security(("bearer" = [])),
    responses((status = 204, description = "All read"), AuthErrors))]
#[post("/notifications/read-all")]
pub async fn read_all_notifications(
    state: web::Data<AppState>,
    member: Member,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    state
        .write(move |c| notifications::mark_all_read(c, &member.ctx, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
