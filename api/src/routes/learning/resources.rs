//! The resource library: public resources for everybody, space-limited ones only for those who
//! may read the space; translations link to each other.

use crate::auth::{Host, Viewer};
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{BadToken, HostOnly, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::resources::{self, ResourceView};
use praxis_domain::ids::ResourceId;
use praxis_domain::learning_drafts::ResourceQuery;
use praxis_domain::resources::{self as library, ResourceInput};
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_resource)
        .service(list_resources)
        .service(get_resource);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "case_study", "title": "A cooperative bakery adopts S3", "summary": "How a 40-person cooperative…",
    "body_or_url": "https://example.org/cases/bakery", "language": "en", "visibility": "public", "org_type": "cooperative"}))]
pub struct CreateResourceRequest {
    /// `article`, `case_study`, `interview`, `course` or `coaching_package`.
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    pub body_or_url: String,
    /// `en` or `es`.
    pub language: String,
    /// `public` (everybody) or `space` (those who may read `space`).
    pub visibility: String,
    /// The slug of the space a `space` resource is limited to.
    pub space: Option<String>,
    /// Case studies only: the kind of organisation.
    pub org_type: Option<String>,
    /// The id of the resource this one translates.
    pub translation_of: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TranslationLink {
    pub id: String,
    pub language: String,
    pub title: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResourceResponse {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub body_or_url: String,
    pub language: String,
    pub visibility: String,
    /// The slug of the space a `space` resource is limited to.
    pub space: Option<String>,
    pub org_type: Option<String>,
    /// The same resource in other languages, those the caller may see.
    pub translations: Vec<TranslationLink>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResourcePage {
    pub items: Vec<ResourceResponse>,
    pub next_cursor: Option<String>,
}

impl From<ResourceView> for ResourceResponse {
    fn from(view: ResourceView) -> Self {
        let row = view.row;
        Self {
            translations: view
                .translations
                .into_iter()
                .map(|s| TranslationLink {
                    id: s.id,
                    language: s.language,
                    title: s.title,
                })
                .collect(),
            space: view.space_slug,
            id: row.id,
            kind: row.kind,
            title: row.title,
            summary: row.summary,
            body_or_url: row.body_or_url,
            language: row.language,
            visibility: row.visibility,
            org_type: row.org_type,
            created_at: from_db_time(row.created_at),
        }
    }
}

/// Adds a resource, optionally as the translation of another. Hosts and admins; audited.
#[utoipa::path(tag = "admin",
    security(("bearer" = [])), request_body = CreateResourceRequest,
    responses(
        (status = 201, description = "Created", body = ResourceResponse),
        HostOnly,
        NotVisible,
        (status = 409, description = "A translation in this language exists (`translation-exists`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[post("/admin/resources")]
pub async fn create_resource(
    state: web::Data<AppState>,
    Host(host): Host,
    body: Json<CreateResourceRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let resource = library::parse_resource(&ResourceInput {
        kind: &body.kind,
        title: &body.title,
        summary: &body.summary,
        body_or_url: &body.body_or_url,
        language: &body.language,
        visibility: &body.visibility,
        space: body.space.as_deref(),
        org_type: body.org_type.as_deref(),
    })?;
    let translation_of = body.translation_of;
    let now = state.now();
    let view = state
        .write(move |c| resources::add(c, &host.ctx, resource, translation_of.as_deref(), now))
        .await?;
    Ok(HttpResponse::Created().json(ResourceResponse::from(view)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResourceParams {
    /// `article`, `case_study`, `interview`, `course` or `coaching_package`.
    pub kind: Option<String>,
    /// `en` or `es`.
    pub lang: Option<String>,
    /// Text to find in titles and summaries (case-insensitive).
    pub q: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The library: public resources for everybody, space-limited ones for those who may read the
/// space. Newest first.
#[utoipa::path(tag = "learning",
    security((), ("bearer" = [])), params(ResourceParams),
    responses(
        (status = 200, description = "A page of resources", body = ResourcePage),
        BadToken,
        Invalid,
    ))]
#[get("/resources")]
pub async fn list_resources(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    query: Query<ResourceParams>,
) -> ApiResult<HttpResponse> {
    let params = query.0;
    let paging = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let (limit, after) = (paging.limit()?, paging.after()?);
    let filter = ResourceQuery::parse(
        params.kind.as_deref(),
        params.lang.as_deref(),
        params.q.as_deref(),
    )?;
    let views = state
        .read(move |c| resources::list(c, &ctx, filter, after, limit))
        .await?;
    let page = Page::from_rows(
        views,
        limit,
        |v| (v.row.created_at, v.row.id.clone()),
        ResourceResponse::from,
    );
    Ok(HttpResponse::Ok().json(ResourcePage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// One resource; a space-limited one answers 404 outside its space.
#[utoipa::path(tag = "learning",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Resource id")),
    responses(
        (status = 200, description = "The resource", body = ResourceResponse),
        BadToken,
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
    ))]
#[get("/resources/{id}")]
pub async fn get_resource(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    PathId(id): PathId<ResourceId>,
) -> ApiResult<HttpResponse> {
    let view = state.read(move |c| resources::read(c, &ctx, &id)).await?;
    Ok(HttpResponse::Ok().json(ResourceResponse::from(view)))
}
