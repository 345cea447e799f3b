//! PRO applications: members apply, withdraw and follow theirs; hosts review and decide.

use crate::auth::viewer::{Host, Member};
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{AuthErrors, HostOnly, Invalid};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::applications;
use praxis_domain::applications::{
    decision_note, ApplicationDraft, ApplicationEvent, ApplicationStatus, ProApplication,
};
use praxis_domain::ids::ApplicationId;
use praxis_openapi::Problem;
use praxis_persistence::applications::ApplicationRow;
use praxis_persistence::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(submit_application)
        .service(my_applications)
        .service(withdraw_application)
        .service(list_applications)
        .service(decide_application);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "training": "S3 Practitioner Training with a licensed trainer, 2024",
    "experience": "Two years facilitating consent decision-making and role selection in a cooperative",
    "helping_others": "I host a monthly practice circle in my city",
    "commitment": true
}))]
pub struct ApplicationRequest {
    /// Formal S3 training taken, or why an exception is justified.
    #[serde(default)]
    pub training: Option<String>,
    /// Experience using S3 patterns. Required.
    #[serde(default)]
    pub experience: Option<String>,
    /// How you help, or intend to help, others learn and apply S3.
    #[serde(default)]
    pub helping_others: Option<String>,
    /// The commitment to participate actively ("pay it forward"). Must be `true`.
    #[serde(default)]
    pub commitment: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01938a2b-7c4e-7cc3-a1a6-0c1b5f7d2e10", "user_id": "01938a2a-0000-7000-8000-000000000001",
    "training": "S3 Practitioner Training, 2024", "experience": "Two years facilitating",
    "helping_others": "A monthly practice circle", "commitment": true, "status": "approved",
    "note": "Welcome to PRO!", "submitted_at": "2026-11-21T10:00:00Z", "decided_at": "2026-11-23T09:30:00Z"
}))]
pub struct ApplicationResponse {
    pub id: String,
    /// The applicant.
    pub user_id: String,
    pub training: String,
    pub experience: String,
    pub helping_others: String,
    pub commitment: bool,
    /// `submitted`, `approved`, `rejected` or `withdrawn`.
    #[schema(example = "submitted")]
    pub status: String,
    /// The host's note to the applicant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub submitted_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<ApplicationRow> for ApplicationResponse {
    fn from(row: ApplicationRow) -> Self {
        Self {
            id: row.id,
            user_id: row.user_id,
            training: row.training,
            experience: row.experience,
            helping_others: row.helping_others,
            commitment: row.commitment,
            status: row.status.as_str().to_owned(),
            note: row.note,
            submitted_at: from_db_time(row.submitted_at),
            decided_at: row.decided_at.map(from_db_time),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationPage {
    pub items: Vec<ApplicationResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl From<Page<ApplicationResponse>> for ApplicationPage {
    fn from(page: Page<ApplicationResponse>) -> Self {
        Self {
            items: page.items,
            next_cursor: page.next_cursor,
        }
    }
}

const PROBLEM: &str = "application/problem+json";

impl TryFrom<ApplicationRequest> for ProApplication {
    type Error = praxis_domain::Error;

    fn try_from(body: ApplicationRequest) -> praxis_domain::Result<Self> {
        ProApplication::parse(ApplicationDraft {
            training: body.training,
            experience: body.experience,
            helping_others: body.helping_others,
            commitment: body.commitment,
        })
    }
}

/// Applies for PRO. One open application per member at a time.
#[utoipa::path(tag = "applications",
    security(("bearer" = [])), request_body = ApplicationRequest,
    responses(
        (status = 201, description = "Application submitted", body = ApplicationResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        AuthErrors,
        (status = 409, description = "An application is already open (`application-open`) or approved (`application-approved`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Incomplete: each missing or invalid field is named", body = Problem, content_type = PROBLEM),
    ))]
#[post("/pro-applications")]
pub async fn submit_application(
    state: web::Data<AppState>,
    member: Member,
    body: Json<ApplicationRequest>,
) -> ApiResult<HttpResponse> {
    let application = ProApplication::try_from(body.0)?;
    let now = state.now();
    let row = state
        .write(move |c| applications::submit(c, &member.id, &application, now))
        .await?;
    Ok(HttpResponse::Created().json(ApplicationResponse::from(row)))
}

/// The caller's applications, newest first, in keyset pages.
#[utoipa::path(tag = "applications",
    security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of the caller's applications", body = ApplicationPage),
        AuthErrors,
        Invalid,
    ))]
#[get("/pro-applications/mine")]
pub async fn my_applications(
    state: web::Data<AppState>,
    member: Member,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let rows = state
        .read(move |c| applications::mine(c, &member.id, after, limit + 1))
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |r| (r.submitted_at, r.id.clone()),
        ApplicationResponse::from,
    );
    Ok(HttpResponse::Ok().json(ApplicationPage::from(page)))
}

/// Withdraws the caller's own submitted application.
#[utoipa::path(tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Withdrawn", body = ApplicationResponse),
        AuthErrors,
        (status = 404, description = "No such application of the caller's", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Already decided or withdrawn (`application-not-open`)", body = Problem, content_type = PROBLEM),
    ))]
#[post("/pro-applications/{id}/withdraw")]
pub async fn withdraw_application(
    state: web::Data<AppState>,
    member: Member,
    id: PathId<ApplicationId>,
) -> ApiResult<HttpResponse> {
    let (id, now) = (id.into_inner(), state.now());
    let row = state
        .write(move |c| applications::withdraw(c, &member.id, &id, now))
        .await?;
    Ok(HttpResponse::Ok().json(ApplicationResponse::from(row)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationListParams {
    /// Only applications in this status: `submitted`, `approved`, `rejected` or `withdrawn`.
    pub status: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Applications for hosts to review, newest first. Hosts and admins.
#[utoipa::path(tag = "admin",
    security(("bearer" = [])), params(ApplicationListParams),
    responses(
        (status = 200, description = "A page of applications", body = ApplicationPage),
        HostOnly,
        (status = 422, description = "Invalid status, limit or cursor", body = Problem, content_type = PROBLEM),
    ))]
#[get("/admin/pro-applications")]
pub async fn list_applications(
    state: web::Data<AppState>,
    _host: Host,
    query: Query<ApplicationListParams>,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let status = query
        .status
        .as_deref()
        .map(|s| ApplicationStatus::parse("status", s))
        .transpose()?;
    let params = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    };
    let (limit, after) = (params.limit()?, params.after()?);
    let rows = state
        .read(move |c| applications::list(c, status, after, limit + 1))
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |r| (r.submitted_at, r.id.clone()),
        ApplicationResponse::from,
    );
    Ok(HttpResponse::Ok().json(ApplicationPage::from(page)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"decision": "approve", "note": "Welcome to PRO! Your experience with role selection stood out."}))]
pub struct ApplicationDecisionRequest {
    /// `approve` or `reject`.
    pub decision: String,
    /// Shown to the applicant. Required when rejecting.
    #[serde(default)]
    pub note: Option<String>,
}

/// Approves or rejects a submitted application. Hosts and admins; the applicant is mailed and
/// the decision audited.
#[utoipa::path(tag = "admin",
    security(("bearer" = [])), request_body = ApplicationDecisionRequest,
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Decided", body = ApplicationResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        HostOnly,
        (status = 404, description = "No such application", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Already decided or withdrawn (`application-not-open`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid decision or note", body = Problem, content_type = PROBLEM),
    ))]
#[post("/admin/pro-applications/{id}/decision")]
pub async fn decide_application(
    state: web::Data<AppState>,
    Host(host): Host,
    id: PathId<ApplicationId>,
    body: Json<ApplicationDecisionRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let event = ApplicationEvent::parse_decision(&body.decision)?;
    let note = decision_note(event, body.note)?;
    let (id, now) = (id.into_inner(), state.now());
    let row = state
        .write(move |c| applications::decide(c, &host.id, &id, event, note, now))
        .await?;
    Ok(HttpResponse::Ok().json(ApplicationResponse::from(row)))
}
