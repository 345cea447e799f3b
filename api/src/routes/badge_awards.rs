//! Awarded badges: a member's badges as the reader may see them, the holder's choice of who
//! sees each, and revocation by a host (recorded with its reason, audited).

use crate::auth::viewer::{Host, Member, Viewer};
use crate::dto::badges::{BadgeAwardPage, BadgeAwardResponse};
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{AuthErrors, BadToken, HostOnly, Invalid};
use crate::state::AppState;
use actix_web::{get, patch, post, web, HttpResponse};
use praxis_app::badges;
use praxis_domain::badges::{revocation_reason, AwardVisibility};
use praxis_domain::ids::{BadgeAwardId, UserId};
use praxis_openapi::Problem;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(member_badges)
        .service(update_badge_award)
        .service(revoke_badge_award);
}

const PROBLEM: &str = "application/problem+json";

/// A member's badges, newest first, as the caller may see them: `public` ones to everyone,
/// `members` ones to signed-in members, all (revoked ones too) to the holder.
#[utoipa::path(tag = "badges", security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Member id"), PageParams),
    responses(
        (status = 200, description = "A page of awards", body = BadgeAwardPage),
        BadToken,
        (status = 404, description = "No such member", body = Problem, content_type = PROBLEM),
        Invalid,
    ))]
#[get("/members/{id}/badges")]
pub async fn member_badges(
    state: web::Data<AppState>,
    Viewer(viewer): Viewer,
    id: PathId<UserId>,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let (holder, reader) = (id.into_inner(), viewer.user_id.map(UserId::from_trusted));
    let rows = state
        .read(move |c| badges::of_member(c, reader.as_ref(), &holder, after, limit + 1))
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |(a, _)| (a.awarded_at, a.id.clone()),
        BadgeAwardResponse::from,
    );
    Ok(HttpResponse::Ok().json(BadgeAwardPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"visibility": "public"}))]
pub struct AwardChanges {
    /// `public`, `members` or `private`.
    pub visibility: String,
}

/// The holder chooses who sees their award.
#[utoipa::path(tag = "badges", security(("bearer" = [])), request_body = AwardChanges,
    params(("id" = String, Path, description = "Badge award id")),
    responses(
        (status = 200, description = "Changed", body = BadgeAwardResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        AuthErrors,
        (status = 404, description = "No such award of the caller's", body = Problem, content_type = PROBLEM),
        Invalid,
    ))]
#[patch("/badge-awards/{id}")]
pub async fn update_badge_award(
    state: web::Data<AppState>,
    member: Member,
    id: PathId<BadgeAwardId>,
    body: Json<AwardChanges>,
) -> ApiResult<HttpResponse> {
    let visibility = AwardVisibility::parse(&body.0.visibility)?;
    let id = id.into_inner();
    let answer = state
        .write(move |c| badges::set_visibility(c, &member.id, &id, visibility))
        .await?;
    Ok(HttpResponse::Ok().json(BadgeAwardResponse::from(answer)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "The evidence was found to be someone else's work"}))]
pub struct RevokeRequest {
    /// Why, recorded with the award and in the audit log.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Revokes an award: its credential stops verifying (`reason: revoked`). Hosts and admins;
/// audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])), request_body = RevokeRequest,
    params(("id" = String, Path, description = "Badge award id")),
    responses(
        (status = 200, description = "Revoked", body = BadgeAwardResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        HostOnly,
        (status = 404, description = "No such award", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Already revoked (`badge-award-revoked`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "No `reason`", body = Problem, content_type = PROBLEM),
    ))]
#[post("/admin/badge-awards/{id}/revoke")]
pub async fn revoke_badge_award(
    state: web::Data<AppState>,
    Host(host): Host,
    id: PathId<BadgeAwardId>,
    body: Json<RevokeRequest>,
) -> ApiResult<HttpResponse> {
    let reason = revocation_reason(body.0.reason)?;
    let (id, now) = (id.into_inner(), state.now());
    let answer = state
        .write(move |c| {
            let award = badges::revoke(c, &host.id, &id, &reason, now)?;
            let class = badges::get(
                c,
                &praxis_domain::ids::BadgeClassId::from_trusted(award.badge_class_id.clone()),
            )?;
            Ok((award, class))
        })
        .await?;
    Ok(HttpResponse::Ok().json(BadgeAwardResponse::from(answer)))
}
