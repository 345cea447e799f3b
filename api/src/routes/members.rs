//! The member directory.

use crate::auth::Member;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::pagination::{Page, PageParams};
use crate::responses::AuthErrors;
use crate::state::AppState;
use actix_web::get;
use actix_web::{web, HttpResponse};
use praxis_app::directory::{self, Listing, Search};
use praxis_app::page::PageRequest;
use praxis_domain::FieldError;
use praxis_openapi::Problem;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_members);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MembersParams {
    /// Part of a display name (case-insensitive), at most 100 characters.
    pub q: Option<String>,
    /// Only members who follow this topic (its slug).
    pub topic: Option<String>,
    /// Members per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (pass the same `q` and `topic`).
    pub cursor: Option<String>,
}

/// A listed member: what they chose to show, nothing about plans, spaces or activity.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "019380aa-7c4e-7cc3-a1a6-0c1b5f7d2e10", "display_name": "Ana", "bio": "Facilitator in Bogotá; S3 in schools.", "languages": ["es", "en"], "time_zone": "America/Bogota", "topics": ["consent", "drivers"]}))]
pub struct DirectoryEntry {
    pub id: String,
    pub display_name: String,
    pub bio: Option<String>,
    /// ISO 639 codes.
    pub languages: Vec<String>,
    /// IANA time zone.
    pub time_zone: String,
    /// Slugs of the topics they follow.
    pub topics: Vec<String>,
}

impl From<Listing> for DirectoryEntry {
    fn from(l: Listing) -> Self {
        Self {
            id: l.id,
            display_name: l.display_name,
            bio: l.bio,
            languages: l.languages.codes().to_vec(),
            time_zone: l.time_zone,
            topics: l.topics,
        }
    }
}

fn search(params: &MembersParams) -> ApiResult<Search> {
    let mut errors = Vec::new();
    let name = params.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if name.is_some_and(|q| q.chars().count() > 100) {
        errors.push(FieldError::new("q", "must be at most 100 characters"));
    }
    let topic = params
        .topic
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if topic.is_some_and(|t| t.chars().count() > 64) {
        errors.push(FieldError::new("topic", "must be at most 64 characters"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(Search {
        name: name.map(str::to_owned),
        topic: topic.map(str::to_owned),
    })
}

/// Members who chose to be listed (`PATCH /api/v1/me {"listed": true}`; nobody is listed until
/// they do), newest first, by part of their name and a topic they follow. Signed-in members only.
#[utoipa::path(tag = "members", security(("bearer" = [])), params(MembersParams),
    responses(
        (status = 200, description = "A page of listed members", body = Page<DirectoryEntry>),
        AuthErrors,
        (status = 422, description = "Invalid search, limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/members")]
pub async fn list_members(
    state: web::Data<AppState>,
    _member: Member,
    query: Query<MembersParams>,
) -> ApiResult<HttpResponse> {
    let params = query.0;
    let search = search(&params)?;
    let paging = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let page = PageRequest {
        limit: paging.limit()?,
        after: paging.after()?,
    };
    let paged = state
        .read(move |conn| directory::list(conn, &search, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_paged(paged, DirectoryEntry::from)))
}
