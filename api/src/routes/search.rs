//! Search over the posts and comments the caller may read now.

use crate::auth::OptionalCaller;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::state::AppState;
use actix_web::get;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::access::{all_spaces, load_viewer};
use praxis_domain::search::SearchQuery;
use praxis_domain::FieldError;
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use praxis_persistence::search::{self as repo, SearchHitRow};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
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

/// Searches published posts and comments in the spaces the caller may read at this moment
/// (visitors: public spaces). Other spaces are filtered out inside the query, before ranking,
/// so hidden content never shows up in a hit, a snippet or the number of hits.
#[utoipa::path(tag = "spaces",
    security((), ("bearer" = [])),
    params(SearchParams),
    responses(
        (status = 200, description = "The best hits, best first; `next_cursor` is always null", body = SearchResponse),
        (status = 401, description = "An invalid token was sent", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`q` missing, without a single word, or too long; invalid `limit`", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/search")]
pub async fn search(
    state: web::Data<AppState>,
    caller: OptionalCaller,
    params: Query<SearchParams>,
) -> ApiResult<HttpResponse> {
    let params = params.0;
    let query = SearchQuery::parse(params.q.as_deref().unwrap_or_default())?;
    let limit = match params.limit {
        None => DEFAULT_LIMIT,
        Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            )]))
        }
    };
    let now = state.now();
    let user_id = caller.0.map(|c| c.user_id);
    let items = state
        .db(move |conn| {
            let ctx = load_viewer(conn, user_id.as_deref(), now)?;
            let spaces = all_spaces(conn)?;
            let readable = ctx.readable_space_ids(&spaces);
            let slugs: HashMap<String, String> =
                spaces.into_iter().map(|s| (s.row.id, s.row.slug)).collect();
            let rows = repo::search(conn, &query.quoted_terms(), &readable, limit)?;
            Ok(rows
                .into_iter()
                .filter_map(|row| hit(row, &slugs))
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(SearchResponse {
        items,
        next_cursor: None,
    }))
}

fn hit(row: SearchHitRow, slugs: &HashMap<String, String>) -> Option<SearchHit> {
    Some(SearchHit {
        space: slugs.get(&row.space_id)?.clone(),
        kind: row.kind,
        post_id: row.post_id,
        comment_id: row.comment_id,
        title: row.title,
        snippet: row.snippet,
        created_at: from_db_time(row.created_at),
    })
}
