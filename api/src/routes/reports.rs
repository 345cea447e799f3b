//! Reports: members flag content they can read; hosts work through the queue and resolve each
//! report with a note, audited. The queue shows reported content only where the host may read
//! it: never a sealed room's, never a private conversation's.

use crate::auth::{Host, Member};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{AuthErrors, HostOnly, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::reports::{self, Report};
use praxis_domain::ids::ReportId;
use praxis_domain::moderation::{self, ReportStatus};
use praxis_domain::reports::NewReport;
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_report)
        .service(list_reports)
        .service(resolve_report);
}

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
    /// The reporter's words; absent in the hosts' queue when the report is about a sealed room
    /// (or any space) the host may not read (`reason_withheld: true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `true` when the reason stays in a space the reader may not read: the queue says that
    /// something there was reported, never what.
    pub reason_withheld: bool,
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

fn report_response(report: Report) -> ReportResponse {
    let row = report.row;
    ReportResponse {
        reporter: ReporterResponse {
            display_name: report.reporter_name,
            user_id: row.reporter_id,
        },
        id: row.id,
        subject_type: row.subject_type,
        subject_id: row.subject_id,
        reason: (!report.reason_withheld).then_some(row.reason),
        reason_withheld: report.reason_withheld,
        status: row.status,
        content: report.content.map(|c| ReportedContent {
            space: c.space_slug,
            post_id: c.post_id,
            title: c.title,
            excerpt: c.excerpt,
            published: c.published,
        }),
        resolution_note: row.resolution_note,
        resolved_by: row.resolved_by,
        created_at: from_db_time(row.created_at),
        resolved_at: row.resolved_at.map(from_db_time),
    }
}

/// Flags a post, comment or message the caller can read for the hosts.
#[utoipa::path(tag = "moderation", security(("bearer" = [])),
    request_body = CreateReportRequest,
    responses(
        (status = 201, description = "The report", body = ReportResponse),
        AuthErrors,
        (status = 403, description = "The current terms must be accepted first (`terms-acceptance-required`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        Invalid,
    ))]
#[post("/reports")]
pub async fn create_report(
    state: web::Data<AppState>,
    member: Member,
    body: Json<CreateReportRequest>,
) -> ApiResult<HttpResponse> {
    let request = body.0;
    let report = NewReport::parse(&request.subject_type, &request.subject_id, &request.reason)?;
    let now = state.now();
    let filed = state
        .write(move |conn| reports::file(conn, &member.ctx, &member.id, report, now))
        .await?;
    Ok(HttpResponse::Created().json(report_response(filed)))
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
        HostOnly,
        (status = 422, description = "Invalid status, limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/admin/reports")]
pub async fn list_reports(
    state: web::Data<AppState>,
    Host(host): Host,
    params: Query<ReportListParams>,
) -> ApiResult<HttpResponse> {
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
    let items = state
        .read(move |conn| reports::queue(conn, &host.ctx, status, after, limit + 1))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        items,
        limit,
        |r| (r.row.created_at, r.row.id.clone()),
        report_response,
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
        HostOnly,
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already resolved (`report-already-resolved`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing or too long note", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/reports/{id}/resolve")]
pub async fn resolve_report(
    state: web::Data<AppState>,
    Host(host): Host,
    path: web::Path<String>,
    body: Json<ResolveReportRequest>,
) -> ApiResult<HttpResponse> {
    let note = moderation::parse_resolution_note(&body.0.note)?;
    // Parsed after the role check, not by `PathId`: a member who is not a host learns 403 for
    // any id, never whether it names a report.
    let id = ReportId::parse(&path).map_err(|_| ApiError::NotFound("report"))?;
    let now = state.now();
    let resolved = state
        .write(move |conn| reports::resolve(conn, &host.ctx, &host.id, &id, note, now))
        .await?;
    Ok(HttpResponse::Ok().json(report_response(resolved)))
}
