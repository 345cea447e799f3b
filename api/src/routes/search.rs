//! Search over the posts and comments the caller may read now.

use crate::auth::Viewer;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::responses::BadToken;
use crate::state::AppState;
use actix_web::get;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::content::invalid;
use praxis_app::search::SearchHitView;
use praxis_domain::search::SearchQuery;
use praxis_openapi::Problem;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(search);
}

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 50;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find (all of them). Punctuation and operators are ignored; at most 1000
    /// characters.
    pub q: Option<String>,
    /// Hits to return, 1 to 50 (default 20).
    pub limit: Option<i64>,
    /// Accepted for symmetry with other lists; search returns only the best page, so there is
    /// never a next page.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"kind": "comment", "post_id": "0193…", "comment_id": "0194…", "space": "practitioner-lounge", "title": "Objections as gifts", "snippet": "…we treat every **objection** as a gift…", "created_at": "2026-11-21T10:00:00Z"}))]
pub struct SearchHit {
    /// `post` or `comment`.
    pub kind: String,
    pub post_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment_id: Option<String>,
    /// Slug of the space the post is in.
    pub space: String,
    /// The post's title (for a comment, its post's).
    pub title: String,
    /// A short excerpt of the body, matched words wrapped in `**`.
    pub snippet: String,
    pub created_at: DateTime<Utc>,
}

/// The best hits, best first. `next_cursor` is always `null`: search returns the top `limit`
/// hits and no total, so nothing about hidden content can be counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    pub items: Vec<SearchHit>,
    pub next_cursor: Option<String>,
}

/// What a search asks for, every parameter checked.
fn parse(params: &SearchParams) -> Result<(SearchQuery, i64), praxis_domain::Error> {
    let query = SearchQuery::parse(params.q.as_deref().unwrap_or_default());
    let limit = match params.limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(praxis_domain::Error::field(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        )),
    };
    match (query, limit) {
        (Ok(query), Ok(limit)) => Ok((query, limit)),
        (query, limit) => Err(invalid([query.err(), limit.err()])),
    }
}

/// Searches published posts and comments in the spaces the caller may read at this moment
/// (visitors: public spaces). Other spaces are filtered out inside the query, before ranking,
/// so hidden content never shows up in a hit, a snippet or the number of hits.
#[utoipa::path(tag = "spaces",
    security((), ("bearer" = [])),
    params(SearchParams),
    responses(
        (status = 200, description = "The best hits, best first; `next_cursor` is always null", body = SearchResponse),
        BadToken,
        (status = 422, description = "`q` missing, without a single word, or too long; invalid `limit`", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/search")]
pub async fn search(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    params: Query<SearchParams>,
) -> ApiResult<HttpResponse> {
    let (query, limit) = parse(&params.0)?;
    let hits = state
        .read(move |c| praxis_app::search::search(c, &ctx, &query, limit))
        .await?;
    Ok(HttpResponse::Ok().json(SearchResponse {
        items: hits.into_iter().map(Into::into).collect(),
        next_cursor: None,
    }))
}

impl From<SearchHitView> for SearchHit {
    fn from(v: SearchHitView) -> Self {
        Self {
            kind: v.kind,
            post_id: v.post_id,
            comment_id: v.comment_id,
            space: v.space,
            title: v.title,
            snippet: v.snippet,
            created_at: v.created_at,
        }
    }
}
