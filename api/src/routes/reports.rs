//! Reports: members flag content they can read; hosts work through the queue and resolve each
//! report with a note, audited. The queue shows reported content only where the host may read
//! it: never a sealed room's, never a private conversation's.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::access::{all_spaces, content_denied, load_viewer, Space, ViewerContext};
use praxis_domain::access::Access;
use praxis_domain::error::Errors;
use praxis_domain::moderation::{self, ReportStatus, SubjectType};
use praxis_openapi::Problem;
use praxis_persistence::reports::{self as repo, ContentFacts, ReportRow};
use praxis_persistence::{from_db_time, messages, to_db_time, users, DbConnection};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_report)
        .service(list_reports)
        .service(resolve_report);
}

/// How much of a body the queue shows.
const EXCERPT_CHARS: usize = 280;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"subject_type": "comment", "subject_id": "0194…", "reason": "Shares a client's name."}))]
pub struct CreateReportRequest {
    /// `post`, `comment` or `message`.
    pub subject_type: String,
    pub subject_id: String,
    /// Why (1–2000 characters).
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReporterResponse {
    pub user_id: String,
    pub display_name: String,
}

/// The reported content, shown only when the host reading the queue may read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportedContent {
    /// Slug of the space.
    pub space: String,
    pub post_id: String,
    /// The post's title.
    pub title: String,
    /// The start of the reported body.
    pub excerpt: String,
    /// Whether it is still published (hosts may have hidden it since).
    pub published: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportResponse {
    pub id: String,
    /// `post`, `comment` or `message`.
    pub subject_type: String,
    pub subject_id: String,
    pub reason: String,
    /// `open` or `resolved`.
    pub status: String,
    pub reporter: ReporterResponse,
    /// In the hosts' queue: the content, when the host may read it; absent for sealed rooms,
    /// rooms the host is not in, and every message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<ReportedContent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution_note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_by: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<DateTime<Utc>>,
}

fn report_response(
    row: ReportRow,
    names: &HashMap<String, String>,
    content: Option<ReportedContent>,
) -> ReportResponse {
    ReportResponse {
        reporter: ReporterResponse {
            display_name: names.get(&row.reporter_id).cloned().unwrap_or_default(),
            user_id: row.reporter_id,
        },
        id: row.id,
        subject_type: row.subject_type,
        subject_id: row.subject_id,
        reason: row.reason,
        status: row.status,
        content,
        resolution_note: row.resolution_note,
        resolved_by: row.resolved_by,
        created_at: from_db_time(row.created_at),
        resolved_at: row.resolved_at.map(from_db_time),
    }
}

/// Whether the caller may read a post or comment: published, in a space they may read.
fn content_access(ctx: &ViewerContext, spaces: &[Space], facts: &ContentFacts) -> Access {
    let space = spaces.iter().find(|s| s.row.id == facts.space_id);
    match space {
        Some(space) if facts.published => ctx.access(space),
        _ => Access::Denied {
            denial: praxis_domain::access::Denial::Hidden,
            reason: "not found".to_owned(),
        },
    }
}

/// Refuses a report of anything the reporter cannot read, exactly as reading it would.
fn ensure_reporter_may_read(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    reporter: &str,
    subject: SubjectType,
    id: &str,
) -> ApiResult<()> {
    let ids = [id.to_owned()];
    let facts = match subject {
        SubjectType::Message => {
            let participants = messages::message_participants(conn, id)?.unwrap_or_default();
            return if participants.iter().any(|p| p == reporter) {
                Ok(())
            } else {
                Err(ApiError::NotFound("content"))
            };
        }
        SubjectType::Post => repo::posts_facts(conn, &ids)?,
        SubjectType::Comment => repo::comments_facts(conn, &ids)?,
    };
    let facts = facts.first().ok_or(ApiError::NotFound("content"))?;
    match content_access(ctx, &all_spaces(conn)?, facts) {
        Access::Granted => Ok(()),
        denied => Err(content_denied(denied).into()),
    }
}

/// Flags a post, comment or message the caller can read for the hosts.
#[utoipa::path(tag = "moderation", security(("bearer" = [])),
    request_body = CreateReportRequest,
    responses(
        (status = 201, description = "The report", body = ReportResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The current terms must be accepted first (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such content, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/reports")]
pub async fn create_report(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateReportRequest>,
) -> ApiResult<HttpResponse> {
    let request = body.0;
    let mut errors = Errors::new();
    let subject = errors.take(SubjectType::parse(&request.subject_type));
    let reason = errors.take(moderation::parse_reason(&request.reason));
    errors.finish()?;
    let (Some(subject), Some(reason)) = (subject, reason) else {
        return Err(ApiError::internal("validated fields missing"));
    };
    let now = state.now();
    let reporter = caller.user_id;
    let response = state
        .db_write(move |conn| {
            let ctx = load_viewer(conn, Some(&reporter), now)?;
            ensure_reporter_may_read(conn, &ctx, &reporter, subject, &request.subject_id)?;
            let row = ReportRow {
                id: uuid::Uuid::now_v7().to_string(),
                reporter_id: reporter.clone(),
                subject_type: subject.as_str().to_owned(),
                subject_id: request.subject_id,
                reason,
                status: ReportStatus::Open.as_str().to_owned(),
                resolution_note: None,
                resolved_by: None,
                created_at: to_db_time(now),
                resolved_at: None,
            };
            repo::insert(conn, &row)?;
            let names = users::display_names(conn, &[reporter])?;
            Ok(report_response(row, &names, None))
        })
        .await?;
    Ok(HttpResponse::Created().json(response))
}

/// Reports with reporter names and, where the host may read it, the content: a fixed number of
/// queries for any page.
fn queue_responses(
    conn: &mut DbConnection,
    host: &str,
    rows: Vec<ReportRow>,
    now: DateTime<Utc>,
) -> ApiResult<Vec<ReportResponse>> {
    let ctx = load_viewer(conn, Some(host), now)?;
    let spaces = all_spaces(conn)?;
    let ids_of = |kind: SubjectType| -> Vec<String> {
        rows.iter()
            .filter(|r| r.subject_type == kind.as_str())
            .map(|r| r.subject_id.clone())
            .collect()
    };
    let posts = repo::posts_facts(conn, &ids_of(SubjectType::Post))?;
    let comments = repo::comments_facts(conn, &ids_of(SubjectType::Comment))?;
    let reporters: Vec<String> = rows.iter().map(|r| r.reporter_id.clone()).collect();
    let names = users::display_names(conn, &reporters)?;
    let content = |row: &ReportRow| -> Option<ReportedContent> {
        let facts = match SubjectType::parse(&row.subject_type).ok()? {
            SubjectType::Post => posts.iter().find(|f| f.id == row.subject_id)?,
            SubjectType::Comment => comments.iter().find(|f| f.id == row.subject_id)?,
            SubjectType::Message => return None,
        };
        let space = spaces.iter().find(|s| s.row.id == facts.space_id)?;
        // Hidden posts stay visible to a host who may read the space: moderating them is the
        // point. A sealed room or a room the host is not in shows nothing.
        if !ctx.access(space).is_granted() {
            return None;
        }
        Some(ReportedContent {
            space: space.row.slug.clone(),
            post_id: facts.post_id.clone(),
            title: facts.title.clone(),
            excerpt: facts.body.chars().take(EXCERPT_CHARS).collect(),
            published: facts.published,
        })
    };
    let contents: Vec<Option<ReportedContent>> = rows.iter().map(content).collect();
    Ok(rows
        .into_iter()
        .zip(contents)
        .map(|(row, content)| report_response(row, &names, content))
        .collect())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportListParams {
    /// `open` (default) or `resolved`.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The hosts' queue of reports of one status, newest first.
#[utoipa::path(tag = "moderation", security(("bearer" = [])),
    params(ReportListParams),
    responses(
        (status = 200, description = "A page of reports", body = Page<ReportResponse>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid status, limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/admin/reports")]
pub async fn list_reports(
    state: web::Data<AppState>,
    caller: Caller,
    params: Query<ReportListParams>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
    let params = params.0;
    let status = match params.status.as_deref() {
        None => ReportStatus::Open,
        Some(raw) => ReportStatus::parse(raw)?,
    };
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let (limit, after) = (page.limit()?, page.after()?);
    let now = state.now();
    let items = state
        .db(move |conn| {
            let rows = repo::page(conn, status.as_str(), after, limit + 1)?;
            queue_responses(conn, &caller.user_id, rows, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        items,
        limit,
        |r| (to_db_time(r.created_at), r.id.clone()),
        |r| r,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "Hid the comment and wrote to its author."}))]
pub struct ResolveReportRequest {
    /// What was done (1–4000 characters).
    pub note: String,
}

/// Resolves an open report with a note; audited as `report.resolved`.
#[utoipa::path(tag = "moderation", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report id")),
    request_body = ResolveReportRequest,
    responses(
        (status = 200, description = "The resolved report", body = ReportResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already resolved (`report-already-resolved`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing or too long note", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/reports/{id}/resolve")]
pub async fn resolve_report(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<ResolveReportRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
    let note = moderation::parse_resolution_note(&body.0.note)?;
    let id = path.into_inner();
    let now = state.now();
    let host = caller.user_id;
    let response = state
        .db_write(move |conn| {
            repo::lock(conn, &id)?;
            let before = repo::find(conn, &id)?.ok_or(ApiError::NotFound("report"))?;
            let status = ReportStatus::parse(&before.status).map_err(ApiError::internal)?;
            moderation::ensure_resolvable(status)?;
            if !repo::resolve(conn, &id, &host, &note, to_db_time(now))? {
                return Err(ApiError::internal("open report not resolved"));
            }
            praxis_persistence::audit::record(
                conn,
                &praxis_app::audit::entry(
                    Some(&host),
                    "report.resolved",
                    "report",
                    &id,
                    Some(&serde_json::json!({"status": before.status})),
                    Some(&serde_json::json!({"status": "resolved", "note": note})),
                    now,
                ),
            )?;
            let row = repo::find(conn, &id)?.ok_or(ApiError::NotFound("report"))?;
            queue_responses(conn, &host, vec![row], now)?
                .pop()
                .ok_or_else(|| ApiError::internal("resolved report missing"))
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}
