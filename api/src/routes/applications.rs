//! PRO applications: members apply, withdraw and follow theirs; hosts review and decide.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_domain::applications::{
    decision_note, transition, ApplicationDraft, ApplicationEvent, ApplicationStatus,
    ProApplication,
};
use praxis_openapi::Problem;
use praxis_persistence::applications::{self, ApplicationRow, Closing};
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::{audit, from_db_time, to_db_time, users, DbConnection};
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
            status: row.status,
            note: row.note,
            submitted_at: from_db_time(row.submitted_at),
            decided_at: row.decided_at.map(from_db_time),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationListResponse {
    pub items: Vec<ApplicationResponse>,
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

/// Applies for PRO. One open application per member at a time.
#[utoipa::path(tag = "applications",
    security(("bearer" = [])), request_body = ApplicationRequest,
    responses(
        (status = 201, description = "Application submitted", body = ApplicationResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        (status = 401, description = "Missing or invalid access token", body = Problem, content_type = PROBLEM),
        (status = 409, description = "An application is already open (`application-open`) or approved (`application-approved`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Incomplete: each missing or invalid field is named", body = Problem, content_type = PROBLEM),
    ))]
#[post("/pro-applications")]
pub async fn submit_application(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<ApplicationRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let application = ProApplication::parse(ApplicationDraft {
        training: body.training,
        experience: body.experience,
        helping_others: body.helping_others,
        commitment: body.commitment,
    })?;
    let row = ApplicationRow {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: caller.user_id,
        training: application.training().to_owned(),
        experience: application.experience().to_owned(),
        helping_others: application.helping_others().to_owned(),
        commitment: application.commitment(),
        status: ApplicationStatus::Submitted.as_str().to_owned(),
        note: None,
        submitted_at: to_db_time(state.now()),
        decided_at: None,
        decided_by: None,
    };
    let row = state
        .db_write(move |conn| {
            if applications::has_approved_application(conn, &row.user_id)? {
                return Err(ApiError::Conflict {
                    kind: "application-approved",
                    detail: "Your application is already approved; you may subscribe to PRO."
                        .to_owned(),
                });
            }
            applications::insert(conn, &row)?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(ApplicationResponse::from(row)))
}

/// The caller's applications, newest first.
#[utoipa::path(tag = "applications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's applications", body = ApplicationListResponse),
        (status = 401, description = "Missing or invalid access token", body = Problem, content_type = PROBLEM),
    ))]
#[get("/pro-applications/mine")]
pub async fn my_applications(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<HttpResponse> {
    let rows = state
        .db(move |conn| Ok(applications::list_for_user(conn, &caller.user_id)?))
        .await?;
    Ok(HttpResponse::Ok().json(ApplicationListResponse {
        items: rows.into_iter().map(Into::into).collect(),
    }))
}

/// Withdraws the caller's own submitted application.
#[utoipa::path(tag = "applications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Withdrawn", body = ApplicationResponse),
        (status = 401, description = "Missing or invalid access token", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such application of the caller's", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Already decided or withdrawn (`application-not-open`)", body = Problem, content_type = PROBLEM),
    ))]
#[post("/pro-applications/{id}/withdraw")]
pub async fn withdraw_application(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let now = to_db_time(state.now());
    let row = state
        .db_write(move |conn| {
            let row = applications::find(conn, &id)?
                .filter(|row| row.user_id == caller.user_id)
                .ok_or(ApiError::NotFound("application"))?;
            close(
                conn,
                row,
                ApplicationEvent::Withdraw,
                None,
                now,
                &caller.user_id,
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(ApplicationResponse::from(row)))
}

/// Applies `event` to a stored application: the rule first, then a conditional update that a
/// concurrent change cannot slip past.
fn close(
    conn: &mut DbConnection,
    mut row: ApplicationRow,
    event: ApplicationEvent,
    note: Option<String>,
    at: chrono::NaiveDateTime,
    by: &str,
) -> ApiResult<ApplicationRow> {
    let current = ApplicationStatus::parse("status", &row.status)
        .map_err(|_| ApiError::internal(format!("application {} has a bad status", row.id)))?;
    let next = transition(current, event)?;
    let closing = Closing {
        status: next.as_str(),
        note: note.as_deref(),
        at,
        by,
    };
    if !applications::close(conn, &row.id, &closing)? {
        // Someone else closed it between our read and our update.
        return Err(ApiError::Conflict {
            kind: "application-not-open",
            detail: "This application was decided or withdrawn a moment ago.".to_owned(),
        });
    }
    row.status = next.as_str().to_owned();
    row.note = note;
    row.decided_at = Some(at);
    row.decided_by = Some(by.to_owned());
    Ok(row)
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
        (status = 401, description = "Missing or invalid access token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not a host or admin (`host-role-required`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid status, limit or cursor", body = Problem, content_type = PROBLEM),
    ))]
#[get("/admin/pro-applications")]
pub async fn list_applications(
    state: web::Data<AppState>,
    caller: Caller,
    query: Query<ApplicationListParams>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
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
        .db(move |conn| {
            Ok(applications::page(
                conn,
                status.map(|s| s.as_str()),
                after,
                limit + 1,
            )?)
        })
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
        (status = 401, description = "Missing or invalid access token", body = Problem, content_type = PROBLEM),
        (status = 403, description = "Not a host or admin (`host-role-required`)", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such application", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Already decided or withdrawn (`application-not-open`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid decision or note", body = Problem, content_type = PROBLEM),
    ))]
#[post("/admin/pro-applications/{id}/decision")]
pub async fn decide_application(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Json<ApplicationDecisionRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
    let body = body.0;
    let event = ApplicationEvent::parse_decision(&body.decision)?;
    let note = decision_note(event, body.note)?;
    let id = path.into_inner();
    let now = state.now();
    let row = state
        .db_write(move |conn| {
            let before = applications::find(conn, &id)?.ok_or(ApiError::NotFound("application"))?;
            let before_view = ApplicationResponse::from(before.clone());
            let row = close(conn, before, event, note, to_db_time(now), &caller.user_id)?;
            let after_view = ApplicationResponse::from(row.clone());
            let applicant =
                users::find_by_id(conn, &row.user_id)?.ok_or(ApiError::NotFound("applicant"))?;
            outbox::enqueue(
                conn,
                decision_mail(&applicant.email, &after_view),
                to_db_time(now),
            )?;
            audit::record(
                conn,
                &praxis_app::audit::entry(
                    Some(&caller.user_id),
                    &format!("pro_application.{}", row.status),
                    "pro_application",
                    &row.id,
                    Some(&before_view),
                    Some(&after_view),
                    now,
                ),
            )?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ApplicationResponse::from(row)))
}

fn decision_mail(recipient: &str, application: &ApplicationResponse) -> Mail {
    let (subject, outcome) = if application.status == "approved" {
        (
            "Your PRO application is approved",
            "Your application to the PRO Lounge is approved: you may now subscribe to PRO.",
        )
    } else {
        (
            "About your PRO application",
            "Your application to the PRO Lounge was not approved this time. You are welcome to \
             apply again.",
        )
    };
    let note = application
        .note
        .as_deref()
        .map(|n| format!("\n\nA note from the hosts:\n{n}"))
        .unwrap_or_default();
    Mail {
        kind: "application_decision",
        recipient: recipient.to_owned(),
        subject: subject.to_owned(),
        body: format!("{outcome}{note}\n"),
    }
}
