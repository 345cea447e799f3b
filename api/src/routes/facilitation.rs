//! What facilitating gives: an event's managers (hosts and its facilitator) see who RSVP'd, and
//! a member's page lists the sessions they ran.

use crate::auth::Member;
use crate::dto::events::{EventResponse, ResponseContext};
use crate::error::ApiResult;
use crate::extract::{PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{AuthErrors, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::get;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::facilitation;
use praxis_domain::ids::{EventId, UserId};
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use praxis_persistence::giveback::AttendeeRow;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_attendees).service(sessions_run);
}

/// Someone who RSVP'd.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"user_id": "01938a2a-0000-7000-8000-000000000001", "display_name": "Ana", "rsvped_at": "2026-12-05T10:00:00Z"}))]
pub struct AttendeeResponse {
    pub user_id: String,
    pub display_name: String,
    pub rsvped_at: DateTime<Utc>,
}

impl From<AttendeeRow> for AttendeeResponse {
    fn from(row: AttendeeRow) -> Self {
        Self {
            user_id: row.user_id,
            display_name: row.display_name,
            rsvped_at: from_db_time(row.rsvped_at),
        }
    }
}

/// Who RSVP'd to an event, in the order they did. Hosts, and the PRO member who facilitates
/// this event (only this one); 403 `event-manager-required` for other readers of the event,
/// 404 for everyone who may not read it.
#[utoipa::path(tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event or occurrence id"), PageParams),
    responses(
        (status = 200, description = "A page of attendees", body = Page<AttendeeResponse>),
        AuthErrors,
        (status = 403, description = "Not a host nor this event's facilitator (`event-manager-required`), or the current terms are not accepted", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        Invalid,
    ))]
#[get("/events/{id}/attendees")]
pub async fn list_attendees(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<EventId>,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let rows = state
        .read(move |c| facilitation::attendees(c, &member.ctx, &id, after, limit + 1))
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |r| (r.rsvped_at, r.user_id.clone()),
        AttendeeResponse::from,
    );
    Ok(HttpResponse::Ok().json(page))
}

/// The sessions a PRO member ran (events they facilitated), latest first, among the events the
/// caller may read. Signed-in members only. A member who is not listed in the directory is 404 to everyone but
/// themselves and hosts.
#[utoipa::path(tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "Member id"), PageParams),
    responses(
        (status = 200, description = "A page of events the member facilitated", body = Page<EventResponse>),
        AuthErrors,
        NotVisible,
        Invalid,
    ))]
#[get("/members/{id}/sessions")]
pub async fn sessions_run(
    state: web::Data<AppState>,
    caller: Member,
    PathId(member): PathId<UserId>,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let ctx = caller.ctx;
    let page = state
        .read(move |c| {
            let (found, spaces) = facilitation::sessions_run(c, &ctx, &member, after, limit + 1)?;
            let responses = ResponseContext::load(c, &ctx, &spaces, &found)?;
            Ok(Page::from_rows(
                found,
                limit,
                |o| (o.starts_at.naive_utc(), o.id.clone()),
                |o| responses.respond(o),
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}
