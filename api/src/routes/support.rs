//! On-demand support for PRO members: requests with a private thread between the member and the
//! hosts, and the hosts' first-response figures.

use crate::auth::{Host, Member};
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::{Page, QueueParams};
use crate::responses::{AuthErrors, HostOnly, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::support::{self, Metrics, Thread};
use praxis_domain::ids::SupportRequestId;
use praxis_domain::support::{
    parse_requested_status, text, NewSupportRequest, SupportStatus, BODY_MAX,
};
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use praxis_persistence::support::SupportRequestRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

const PROBLEM: &str = "application/problem+json";

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(open_request)
        .service(list_requests)
        .service(read_request)
        .service(post_message)
        .service(set_status)
        .service(support_metrics);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"topic": "Selecting roles in a new circle", "body": "How do we run our first role selection?", "urgency": "normal"}))]
pub struct SupportRequestBody {
    pub topic: String,
    pub body: String,
    /// `low`, `normal` (default) or `high`.
    #[serde(default)]
    pub urgency: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupportRequestResponse {
    pub id: String,
    /// The member who asked.
    pub member_id: String,
    pub topic: String,
    pub body: String,
    /// `low`, `normal` or `high`.
    pub urgency: String,
    /// `open`, `answered`, `resolved` or `withdrawn`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When a host first answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_response_at: Option<DateTime<Utc>>,
}

impl From<SupportRequestRow> for SupportRequestResponse {
    fn from(row: SupportRequestRow) -> Self {
        Self {
            id: row.id,
            member_id: row.user_id,
            topic: row.topic,
            body: row.body,
            urgency: row.urgency.as_str().to_owned(),
            status: row.status.as_str().to_owned(),
            created_at: from_db_time(row.created_at),
            updated_at: from_db_time(row.updated_at),
            first_response_at: row.first_response_at.map(from_db_time),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupportMessageResponse {
    pub id: String,
    pub author_id: String,
    pub author_name: String,
    /// Whether a host wrote it.
    pub from_host: bool,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A request with its whole thread, oldest message first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportThreadResponse {
    #[serde(flatten)]
    pub request: SupportRequestResponse,
    pub messages: Vec<SupportMessageResponse>,
}

impl From<Thread> for SupportThreadResponse {
    fn from(t: Thread) -> Self {
        Self {
            request: t.request.into(),
            messages: t
                .messages
                .into_iter()
                .map(|(m, name)| SupportMessageResponse {
                    id: m.id,
                    author_id: m.author_id,
                    author_name: name,
                    from_host: m.from_host,
                    body: m.body,
                    created_at: from_db_time(m.created_at),
                })
                .collect(),
        }
    }
}

/// Opens a support request; every host is mailed. PRO members only (403
/// `pro-membership-required`), at most `PRAXIS_SUPPORT_REQUESTS_PER_DAY` (default 5) in any
/// 24 hours (429 with `Retry-After`).
#[utoipa::path(tag = "support", security(("bearer" = [])),
    request_body = SupportRequestBody,
    responses(
        (status = 201, description = "Opened", body = SupportRequestResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        AuthErrors,
        (status = 403, description = "Not a PRO member (`pro-membership-required`), or the current terms are not accepted", body = Problem, content_type = PROBLEM),
        Invalid,
        (status = 429, description = "Too many requests today (`rate-limited`)", body = Problem, content_type = PROBLEM),
    ))]
#[post("/support-requests")]
pub async fn open_request(
    state: web::Data<AppState>,
    member: Member,
    body: Json<SupportRequestBody>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let new = NewSupportRequest::parse(&body.topic, &body.body, body.urgency.as_deref())?;
    let (now, per_day) = (state.now(), state.config.support_requests_per_day);
    let row = state
        .write(move |c| support::open(c, &member.ctx, new, per_day, now))
        .await?;
    Ok(HttpResponse::Created().json(SupportRequestResponse::from(row)))
}

/// Support requests, newest first, of one status (`open`, `answered`, `resolved`, `withdrawn`)
/// when given: a member's own (also after losing PRO), or, to hosts, every member's.
#[utoipa::path(tag = "support", security(("bearer" = [])), params(QueueParams),
    responses(
        (status = 200, description = "A page of requests", body = Page<SupportRequestResponse>),
        AuthErrors,
        Invalid,
    ))]
#[get("/support-requests")]
pub async fn list_requests(
    state: web::Data<AppState>,
    member: Member,
    query: Query<QueueParams>,
) -> ApiResult<HttpResponse> {
    let (status, limit, after) = query.0.parse::<SupportStatus>()?;
    let rows = state
        .read(move |c| support::list(c, &member.ctx, status, after, limit + 1))
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |r| (r.created_at, r.id.clone()),
        SupportRequestResponse::from,
    );
    Ok(HttpResponse::Ok().json(page))
}

/// A request and its thread: its member (also after losing PRO) and the hosts; 404 for
/// everyone else.
#[utoipa::path(tag = "support", security(("bearer" = [])),
    params(("id" = String, Path, description = "Support request id")),
    responses(
        (status = 200, description = "The request and its thread", body = SupportThreadResponse),
        AuthErrors,
        NotVisible,
    ))]
#[get("/support-requests/{id}")]
pub async fn read_request(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<SupportRequestId>,
) -> ApiResult<HttpResponse> {
    let thread = state
        .read(move |c| support::read(c, &member.ctx, &id))
        .await?;
    Ok(HttpResponse::Ok().json(SupportThreadResponse::from(thread)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Start with the role description; then nominate."}))]
pub struct SupportMessageBody {
    pub body: String,
}

/// Writes in the thread. A host's message answers the request (its first one records the
/// first-response time) and mails the member; the member's reopens it. 403
/// `pro-membership-required` for a member who lost PRO; 409 `support-request-closed` once
/// resolved or withdrawn.
#[utoipa::path(tag = "support", security(("bearer" = [])),
    params(("id" = String, Path, description = "Support request id")),
    request_body = SupportMessageBody,
    responses(
        (status = 201, description = "Written: the request and its thread", body = SupportThreadResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        AuthErrors,
        (status = 403, description = "The member no longer has PRO (`pro-membership-required`)", body = Problem, content_type = PROBLEM),
        NotVisible,
        (status = 409, description = "Resolved or withdrawn (`support-request-closed`)", body = Problem, content_type = PROBLEM),
        Invalid,
    ))]
#[post("/support-requests/{id}/messages")]
pub async fn post_message(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<SupportRequestId>,
    body: Json<SupportMessageBody>,
) -> ApiResult<HttpResponse> {
    let body = text("body", &body.0.body, BODY_MAX)?;
    let now = state.now();
    let thread = state
        .write(move |c| support::post(c, &member.ctx, &id, body, now))
        .await?;
    Ok(HttpResponse::Created().json(SupportThreadResponse::from(thread)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "resolved"}))]
pub struct SupportStatusBody {
    /// `answered` (hosts), `resolved` (either) or `withdrawn` (the member).
    pub status: String,
}

/// Sets the status: hosts mark a request answered, the member withdraws it, either resolves
/// it. 409 `support-status-not-allowed` or `support-request-closed` otherwise.
#[utoipa::path(tag = "support", security(("bearer" = [])),
    params(("id" = String, Path, description = "Support request id")),
    request_body = SupportStatusBody,
    responses(
        (status = 200, description = "The request", body = SupportRequestResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        AuthErrors,
        (status = 403, description = "The member no longer has PRO (`pro-membership-required`)", body = Problem, content_type = PROBLEM),
        NotVisible,
        (status = 409, description = "Not allowed from this status or by this caller", body = Problem, content_type = PROBLEM),
        Invalid,
    ))]
#[post("/support-requests/{id}/status")]
pub async fn set_status(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<SupportRequestId>,
    body: Json<SupportStatusBody>,
) -> ApiResult<HttpResponse> {
    let status = parse_requested_status(&body.0.status)?;
    let now = state.now();
    let row = state
        .write(move |c| support::set_status(c, &member.ctx, &id, status, now))
        .await?;
    Ok(HttpResponse::Ok().json(SupportRequestResponse::from(row)))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"window_days": 30, "responded": 4, "median_first_response_seconds": 5400.0, "mean_first_response_seconds": 7200.0, "open": 2, "answered": 1, "resolved": 3, "withdrawn": 0}))]
pub struct SupportMetricsResponse {
    /// The figures cover requests opened in this many past days.
    pub window_days: i64,
    /// Requests of the window a host answered.
    pub responded: usize,
    /// `null` when none was answered.
    pub median_first_response_seconds: Option<f64>,
    pub mean_first_response_seconds: Option<f64>,
    /// Requests now in each status (all time).
    pub open: i64,
    pub answered: i64,
    pub resolved: i64,
    pub withdrawn: i64,
}

impl From<Metrics> for SupportMetricsResponse {
    fn from(m: Metrics) -> Self {
        let count = |status: SupportStatus| {
            m.counts
                .iter()
                .find(|(s, _)| s == status.as_str())
                .map_or(0, |(_, n)| *n)
        };
        Self {
            window_days: m.window_days,
            responded: m.responded,
            median_first_response_seconds: m.median_seconds,
            mean_first_response_seconds: m.mean_seconds,
            open: count(SupportStatus::Open),
            answered: count(SupportStatus::Answered),
            resolved: count(SupportStatus::Resolved),
            withdrawn: count(SupportStatus::Withdrawn),
        }
    }
}

/// First-response time over the last 30 days (median and mean) and the requests in each
/// status. Hosts and admins.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, description = "The figures", body = SupportMetricsResponse),
        HostOnly,
    ))]
#[get("/admin/support-metrics")]
pub async fn support_metrics(state: web::Data<AppState>, _host: Host) -> ApiResult<HttpResponse> {
    let now = state.now();
    let metrics = state.read(move |c| support::metrics(c, now)).await?;
    Ok(HttpResponse::Ok().json(SupportMetricsResponse::from(metrics)))
}
