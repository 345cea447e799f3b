//! The resource library: public resources for everybody, space-limited ones only for those who
//! may read the space; translations link to each other.

use crate::auth::{Caller, OptionalCaller};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::access::{all_spaces, load_viewer, readable_space};
use praxis_app::learning::readable_content_space;
use praxis_domain::error::Errors;
use praxis_domain::ids::SpaceId;
use praxis_domain::resources::{self as library, Language, ResourceInput, ResourceKind};
use praxis_domain::FieldError;
use praxis_openapi::Problem;
use praxis_persistence::learning::resources::{self, ResourceFilter, ResourceRow};
use praxis_persistence::{from_db_time, to_db_time, DbConnection};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
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

/// Responses for rows the caller may see, with their visible translations (one query for all)
/// and space slugs.
fn responses(
    conn: &mut DbConnection,
    rows: Vec<ResourceRow>,
    readable: &HashSet<String>,
) -> ApiResult<Vec<ResourceResponse>> {
    let spaces: HashMap<String, String> = all_spaces(conn)?
        .into_iter()
        .map(|s| (s.row.id, s.row.slug))
        .collect();
    let groups: Vec<String> = rows.iter().map(|r| r.translation_group.clone()).collect();
    let siblings = resources::in_groups(conn, &groups)?;
    let visible = |r: &ResourceRow| {
        r.space_id
            .as_ref()
            .is_none_or(|space| readable.contains(space))
    };
    Ok(rows
        .into_iter()
        .map(|row| ResourceResponse {
            translations: siblings
                .iter()
                .filter(|s| s.translation_group == row.translation_group && s.id != row.id)
                .filter(|s| visible(s))
                .map(|s| TranslationLink {
                    id: s.id.clone(),
                    language: s.language.clone(),
                    title: s.title.clone(),
                })
                .collect(),
            space: row.space_id.as_ref().and_then(|id| spaces.get(id).cloned()),
            id: row.id,
            kind: row.kind,
            title: row.title,
            summary: row.summary,
            body_or_url: row.body_or_url,
            language: row.language,
            visibility: row.visibility,
            org_type: row.org_type,
            created_at: from_db_time(row.created_at),
        })
        .collect())
}

/// Adds a resource, optionally as the translation of another. Hosts and admins; audited.
#[utoipa::path(tag = "admin",
    security(("bearer" = [])), request_body = CreateResourceRequest,
    responses(
        (status = 201, description = "Created", body = ResourceResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such space", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A translation in this language exists (`translation-exists`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/resources")]
pub async fn create_resource(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateResourceRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
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
    let now = state.now();
    let user = caller.user_id;
    let response = state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&user), now)?;
            let space = match &resource.space {
                Some(slug) => Some(readable_space(conn, &ctx, slug)?),
                None => None,
            };
            let id = uuid::Uuid::now_v7().to_string();
            let group = match &body.translation_of {
                None => id.clone(),
                Some(original) => {
                    let original = resources::find(conn, original)?.ok_or_else(|| {
                        ApiError::Validation(vec![FieldError::new(
                            "translation_of",
                            "is not a resource",
                        )])
                    })?;
                    let taken: Vec<Language> = resources::in_groups(
                        conn,
                        std::slice::from_ref(&original.translation_group),
                    )?
                    .iter()
                    .filter_map(|r| Language::parse(&r.language).ok())
                    .collect();
                    let original_language = Language::parse(&original.language)
                        .map_err(|_| ApiError::internal("stored language is invalid"))?;
                    library::may_translate(original_language, &taken, resource.language)?;
                    original.translation_group
                }
            };
            let row = ResourceRow {
                id,
                kind: resource.kind.as_str().to_owned(),
                title: resource.title,
                summary: resource.summary,
                body_or_url: resource.body_or_url,
                language: resource.language.as_str().to_owned(),
                visibility: resource.visibility.as_str().to_owned(),
                space_id: space.as_ref().map(|s| s.row.id.clone()),
                org_type: resource.org_type,
                translation_group: group,
                created_by: Some(user.clone()),
                created_at: to_db_time(now),
                updated_at: to_db_time(now),
            };
            resources::insert(conn, &row)?;
            praxis_persistence::audit::record(
                conn,
                &praxis_app::audit::entry::<(), _>(
                    Some(&user),
                    "resource.created",
                    "resource",
                    &row.id,
                    None,
                    Some(&serde_json::json!({"kind": row.kind, "title": row.title, "language": row.language, "visibility": row.visibility})),
                    now,
                ),
            )?;
            let readable: HashSet<String> =
                ctx.readable_space_ids(&all_spaces(conn)?).into_iter().collect();
            responses(conn, vec![row], &readable)?
                .pop()
                .ok_or(ApiError::NotFound("resource"))
        })
        .await?;
    Ok(HttpResponse::Created().json(response))
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
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown kind or language, or invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/resources")]
pub async fn list_resources(
    state: web::Data<AppState>,
    caller: OptionalCaller,
    query: Query<ResourceParams>,
) -> ApiResult<HttpResponse> {
    let params = query.0;
    let paging = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let (limit, after) = (paging.limit()?, paging.after()?);
    let mut errors = Errors::new();
    let kind = params.kind.as_deref().and_then(|k| {
        errors.take(ResourceKind::parse(k).map_err(|_| {
            praxis_domain::Error::field(
                "kind",
                format!("must be one of: {}", ResourceKind::ALL.join(", ")),
            )
        }))
    });
    let language = params.lang.as_deref().and_then(|l| {
        errors.take(Language::parse(l).map_err(|_| {
            praxis_domain::Error::field(
                "lang",
                format!("must be one of: {}", Language::ALL.join(", ")),
            )
        }))
    });
    let q = params.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if q.is_some_and(|q| q.chars().count() > 100) {
        errors.push("q", "must be at most 100 characters");
    }
    errors.finish()?;
    let filter = ResourceFilter {
        kind: kind.map(|k| k.as_str().to_owned()),
        language: language.map(|l| l.as_str().to_owned()),
        query: q.map(str::to_owned),
    };
    let now = state.now();
    let user_id = caller.0.map(|c| c.user_id);
    let page = state
        .db(move |conn| {
            let ctx = load_viewer(conn, user_id.as_deref(), now)?;
            let readable = ctx.readable_space_ids(&all_spaces(conn)?);
            let rows = resources::page(conn, &readable, &filter, after, limit + 1)?;
            let page = Page::from_rows(rows, limit, |r| (r.created_at, r.id.clone()), |r| r);
            let readable: HashSet<String> = readable.into_iter().collect();
            Ok(ResourcePage {
                items: responses(conn, page.items, &readable)?,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One resource; a space-limited one answers 404 outside its space.
#[utoipa::path(tag = "learning",
    security((), ("bearer" = [])),
    params(("id" = String, Path, description = "Resource id")),
    responses(
        (status = 200, description = "The resource", body = ResourceResponse),
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Terms to accept (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such resource, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/resources/{id}")]
pub async fn get_resource(
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
            let row = resources::find(conn, &id)?.ok_or(ApiError::NotFound("resource"))?;
            if let Some(space_id) = &row.space_id {
                let space_id = SpaceId::from_trusted(space_id.clone());
                readable_content_space(conn, &ctx, &space_id, "resource")?;
            }
            let readable: HashSet<String> = ctx
                .readable_space_ids(&all_spaces(conn)?)
                .into_iter()
                .collect();
            responses(conn, vec![row], &readable)?
                .pop()
                .ok_or(ApiError::NotFound("resource"))
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}
