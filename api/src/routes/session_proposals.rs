//! PRO give-back: PRO members propose sessions; hosts accept (an event the proposer
//! facilitates) or decline with a note.

use crate::auth::viewer::{Host, Member};
use crate::error::ApiResult;
use crate::extract::{Json, PathId, Query};
use crate::pagination::{Page, PageParams, QueueParams};
use crate::responses::{AuthErrors, HostOnly, Invalid};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::session_proposals;
use praxis_domain::giveback::{
    DecisionDraft, ProposalDecision, ProposalDraft, ProposalStatus, SessionProposal,
};
use praxis_domain::ids::SessionProposalId;
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use praxis_persistence::giveback::ProposalRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

const PROBLEM: &str = "application/problem+json";

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(propose_session)
        .service(my_proposals)
        .service(list_proposals)
        .service(decide_proposal);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Troika Consulting on real tensions", "format": "troika_consulting",
    "description": "Bring a tension from your organisation; we practise Troika in threes.",
    "space": "practitioner-lounge",
    "proposed_times": ["2027-01-12T17:00:00Z", "2027-01-14T08:00:00Z"],
    "time_zone": "Europe/Madrid"
}))]
pub struct ProposalRequest {
    pub title: String,
    /// `open_space`, `world_cafe`, `wise_crowds`, `troika_consulting`, `talk` or `other`.
    pub format: String,
    pub description: String,
    /// `pro-lounge` or `practitioner-lounge`: who may attend.
    pub space: String,
    /// One to five future instants (RFC 3339) the proposer could run it at.
    pub proposed_times: Vec<DateTime<Utc>>,
    /// The proposer's IANA time zone, for the hosts to read the times in.
    pub time_zone: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01938a2b-7c4e-7cc3-a1a6-0c1b5f7d2e10", "proposer_id": "01938a2a-0000-7000-8000-000000000001",
    "title": "Troika Consulting on real tensions", "format": "troika_consulting",
    "description": "Bring a tension from your organisation.", "space": "practitioner-lounge",
    "proposed_times": ["2027-01-12T17:00:00Z"], "time_zone": "Europe/Madrid", "status": "accepted",
    "note": "Lovely idea.", "event_id": "01938a2c-7c4e-7cc3-a1a6-0c1b5f7d2e10",
    "created_at": "2026-12-05T10:00:00Z", "decided_at": "2026-12-06T09:30:00Z"
}))]
pub struct ProposalResponse {
    pub id: String,
    pub proposer_id: String,
    pub title: String,
    pub format: String,
    pub description: String,
    pub space: String,
    pub proposed_times: Vec<String>,
    pub time_zone: String,
    /// `submitted`, `accepted` or `declined`.
    pub status: String,
    /// The host's note to the proposer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The event an accepted proposal became (its `facilitator_id` is the proposer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<ProposalRow> for ProposalResponse {
    fn from(row: ProposalRow) -> Self {
        Self {
            id: row.id,
            proposer_id: row.user_id,
            title: row.title,
            format: row.format,
            description: row.description,
            space: row.space,
            proposed_times: row
                .proposed_times
                .split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            time_zone: row.time_zone,
            status: row.status.as_str().to_owned(),
            note: row.note,
            event_id: row.event_id,
            created_at: from_db_time(row.created_at),
            decided_at: row.decided_at.map(from_db_time),
        }
    }
}

fn page_of(rows: Vec<ProposalRow>, limit: i64) -> Page<ProposalResponse> {
    Page::from_rows(
        rows,
        limit,
        |r| (r.created_at, r.id.clone()),
        ProposalResponse::from,
    )
}

/// Proposes a session for peers. PRO members only (403 `pro-membership-required`).
#[utoipa::path(tag = "give-back", security(("bearer" = [])),
    request_body = ProposalRequest,
    responses(
        (status = 201, description = "Proposed", body = ProposalResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        AuthErrors,
        (status = 403, description = "Not a PRO member (`pro-membership-required`), or the current terms are not accepted (`terms-acceptance-required`)", body = Problem, content_type = PROBLEM),
        Invalid,
    ))]
#[post("/session-proposals")]
pub async fn propose_session(
    state: web::Data<AppState>,
    member: Member,
    body: Json<ProposalRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let now = state.now();
    let proposal = SessionProposal::parse(
        ProposalDraft {
            title: body.title,
            format: body.format,
            description: body.description,
            space: body.space,
            proposed_times: body.proposed_times,
            time_zone: body.time_zone,
        },
        now,
    )?;
    let row = state
        .write(move |c| session_proposals::propose(c, &member.ctx, proposal, now))
        .await?;
    Ok(HttpResponse::Created().json(ProposalResponse::from(row)))
}

/// The caller's proposals, newest first, in keyset pages.
#[utoipa::path(tag = "give-back", security(("bearer" = [])), params(PageParams),
    responses(
        (status = 200, description = "A page of the caller's proposals", body = Page<ProposalResponse>),
        AuthErrors,
        Invalid,
    ))]
#[get("/session-proposals/mine")]
pub async fn my_proposals(
    state: web::Data<AppState>,
    member: Member,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let rows = state
        .read(move |c| session_proposals::mine(c, &member.id, after, limit + 1))
        .await?;
    Ok(HttpResponse::Ok().json(page_of(rows, limit)))
}

/// Session proposals for hosts to decide, newest first, of one status (`submitted`, `accepted`
/// or `declined`) when given. Hosts and admins.
#[utoipa::path(tag = "admin", security(("bearer" = [])), params(QueueParams),
    responses(
        (status = 200, description = "A page of proposals", body = Page<ProposalResponse>),
        HostOnly,
        (status = 422, description = "Invalid status, limit or cursor", body = Problem, content_type = PROBLEM),
    ))]
#[get("/admin/session-proposals")]
pub async fn list_proposals(
    state: web::Data<AppState>,
    _host: Host,
    query: Query<QueueParams>,
) -> ApiResult<HttpResponse> {
    let (status, limit, after) = query.0.parse::<ProposalStatus>()?;
    let rows = state
        .read(move |c| session_proposals::list(c, status, after, limit + 1))
        .await?;
    Ok(HttpResponse::Ok().json(page_of(rows, limit)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "decision": "accept", "note": "Thank you for giving back!",
    "starts_at": "2027-01-12T17:00:00Z", "ends_at": "2027-01-12T18:30:00Z",
    "join_url": "https://meet.example.org/troika"
}))]
pub struct ProposalDecisionRequest {
    /// `accept` or `decline`.
    pub decision: String,
    /// Shown to the proposer. Required when declining.
    #[serde(default)]
    pub note: Option<String>,
    /// Required when accepting: when the event starts.
    #[serde(default)]
    pub starts_at: Option<DateTime<Utc>>,
    /// Required when accepting: when it ends (at most 24 hours later).
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
    /// Required when accepting: where attendees join.
    #[serde(default)]
    pub join_url: Option<String>,
}

/// Accepts a submitted proposal (it becomes a single event in its lounge, whose
/// `facilitator_id` is the proposer: they may edit that event and see its RSVPs) or declines
/// it with a note. Hosts and admins; the proposer is mailed and the decision audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    request_body = ProposalDecisionRequest,
    params(("id" = String, Path, description = "Proposal id")),
    responses(
        (status = 200, description = "Decided", body = ProposalResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        HostOnly,
        (status = 404, description = "No such proposal", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Already decided (`proposal-not-open`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid decision, note, times or join link", body = Problem, content_type = PROBLEM),
    ))]
#[post("/admin/session-proposals/{id}/decision")]
pub async fn decide_proposal(
    state: web::Data<AppState>,
    Host(host): Host,
    id: PathId<SessionProposalId>,
    body: Json<ProposalDecisionRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let decision = ProposalDecision::parse(DecisionDraft {
        decision: body.decision,
        note: body.note,
        starts_at: body.starts_at,
        ends_at: body.ends_at,
        join_url: body.join_url,
    })?;
    let (id, now) = (id.into_inner(), state.now());
    let row = state
        .write(move |c| session_proposals::decide(c, &host.id, &id, decision, now))
        .await?;
    Ok(HttpResponse::Ok().json(ProposalResponse::from(row)))
}
