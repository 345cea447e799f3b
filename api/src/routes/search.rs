//! Search over the posts and comments the caller may read now.

use crate::auth::Viewer;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::pagination::{Page, PageParams};
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

use crate::pagination::{DEFAULT_LIMIT, MAX_LIMIT};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find (all of them). Punctuation and operators are ignored; at most 1000
    /// characters.
    pub q: Option<String>,
    /// Hits per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page (pass the same `q`).
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

/// A page of hits, newest first. There is no total, so nothing about hidden content can be
/// counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    pub items: Vec<SearchHit>,
    /// Pass as `cursor` (with the same `q`) for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// What a search asks for, every parameter checked (the cursor where it is decoded).
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
/// (visitors: public spaces), newest first (then by id), in keyset pages. Newest first because a
/// relevance score depends on every other row: a post written between two pages would reorder
/// the hits and a cursor would repeat or skip some. Other spaces are filtered out inside the
/// query, before anything is ordered or cut, so hidden content never shows up in a hit, a
/// snippet or the number of hits.
#[utoipa::path(tag = "spaces",
    security((), ("bearer" = [])),
    params(SearchParams),
    responses(
        (status = 200, description = "A page of hits, newest first", body = SearchResponse),
        BadToken,
        (status = 422, description = "`q` missing, without a single word, or too long; invalid `limit` or `cursor`", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/search")]
pub async fn search(
    state: web::Data<AppState>,
    Viewer(ctx): Viewer,
    params: Query<SearchParams>,
) -> ApiResult<HttpResponse> {
    let (query, limit) = parse(&params.0)?;
    let after = PageParams {
        limit: None,
        cursor: params.0.cursor.clone(),
    }
    .after()?;
    let hits = state
        .read(move |c| praxis_app::search::search(c, &ctx, &query, after, limit + 1))
        .await?;
    let page = Page::from_rows(hits, limit, |h| h.key.clone(), SearchHit::from);
    Ok(HttpResponse::Ok().json(SearchResponse {
        items: page.items,
        next_cursor: page.next_cursor,
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
