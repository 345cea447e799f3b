//! The resource library: public resources for everybody, space-limited ones only for those who
//! may read the space; translations link to each other.

use crate::auth::{Host, Viewer};
use crate::dto::learning::ResourceResponse;
use crate::error::ApiResult;
use crate::extract::{nullable, Json, PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{BadToken, HostOnly, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{get, patch, post};
use actix_web::{web, HttpResponse};
use praxis_app::resources::{self, Placement};
use praxis_domain::ids::{PostId, ResourceId, ThemeId};
use praxis_domain::learning_drafts::ResourceQuery;
use praxis_domain::resources::{self as library, ResourceChange, ResourceInput};
use praxis_openapi::Problem;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_resource)
        .service(change_resource)
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
    /// The monthly theme it belongs to (of its space, for a `space` resource).
    pub theme_id: Option<String>,
    /// The discussion (a post the host may read) this resource is derived from. Its title,
    /// summary and text must be new: refused (422, naming the field) when one repeats 12 or
    /// more consecutive words of the post or a comment (compared lower-cased, punctuation
    /// ignored), or a whole short comment of 6 words or more, or links to a post, comment,
    /// event, recording, space or resource of a space that is not public.
    pub derived_from_post_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResourcePage {
    pub items: Vec<ResourceResponse>,
    pub next_cursor: Option<String>,
}

/// Adds a resource, optionally as the translation of another, on a monthly theme, or derived
/// from a discussion as new text. Hosts and admins; audited.
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
    let placement = Placement {
        translation_of: body.translation_of,
        theme_id: body.theme_id.as_deref().map(ThemeId::parse).transpose()?,
        derived_from_post_id: body
            .derived_from_post_id
            .as_deref()
            .map(PostId::parse)
            .transpose()?,
    };
    let now = state.now();
    let view = state
        .write(move |c| resources::add(c, &host.ctx, resource, placement, now))
        .await?;
    Ok(HttpResponse::Created().json(ResourceResponse::from(view)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "A cooperative bakery adopts S3", "theme_id": null}))]
pub struct ChangeResourceRequest {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub body_or_url: Option<String>,
    /// `en` or `es`; free in its translation group (409 `translation-exists` otherwise).
    pub language: Option<String>,
    /// `public` (leaves its space unless `space` is sent) or `space`.
    pub visibility: Option<String>,
    /// The slug of the space a `space` resource is limited to; `null` for none.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(nullable, value_type = Option<String>)]
    pub space: Option<Option<String>>,
    /// Case studies only; `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(nullable, value_type = Option<String>)]
    pub org_type: Option<Option<String>>,
    /// A monthly theme (of its space, for a `space` resource); `null` takes it off its theme.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(nullable, value_type = Option<String>)]
    pub theme_id: Option<Option<String>>,
}

/// Changes a resource (the fields sent; at least one), checked as a new one is; translations
/// stay one per language, and a resource derived from a discussion stays new text (the rule
/// of `derived_from_post_id`). Hosts and admins who may read its space; audited.
#[utoipa::path(tag = "admin",
    security(("bearer" = [])), request_body = ChangeResourceRequest,
    params(("id" = String, Path, description = "Resource id")),
    responses(
        (status = 200, description = "The resource as changed", body = ResourceResponse),
        HostOnly,
        NotVisible,
        (status = 409, description = "A translation in this language exists (`translation-exists`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[patch("/admin/resources/{id}")]
pub async fn change_resource(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<ResourceId>,
    body: Json<ChangeResourceRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let theme = body
        .theme_id
        .map(|t| t.as_deref().map(ThemeId::parse).transpose())
        .transpose()?;
    let change = ResourceChange {
        title: body.title,
        summary: body.summary,
        body_or_url: body.body_or_url,
        language: body.language,
        visibility: body.visibility,
        space: body.space,
        org_type: body.org_type,
    };
    let now = state.now();
    let view = state
        .write(move |c| resources::change(c, &host.ctx, &id, change, theme, now))
        .await?;
    Ok(HttpResponse::Ok().json(ResourceResponse::from(view)))
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
    /// Only the resources of this monthly theme.
    pub theme_id: Option<String>,
    /// Only the case studies of this kind of organisation (free text, matched exactly after
    /// trimming; 1–100 characters).
    pub org_type: Option<String>,
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
        params.theme_id.as_deref(),
        params.org_type.as_deref(),
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
