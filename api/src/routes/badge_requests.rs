//! Asking for a badge and reviewing it by peer consent: the student gives evidence, eligible
//! reviewers consent or object with a reason, objections end by their author. The record is
//! the student's and the reviewers'; to anyone else it does not exist (404).

use crate::auth::viewer::Member;
use crate::dto::badges::{BadgeRequestResponse, EvidenceRequest};
use crate::error::ApiResult;
use crate::extract::{Json, PathId};
use crate::responses::{AuthErrors, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{get, post, put, web, HttpResponse};
use praxis_app::badge_reviews;
use praxis_domain::badges::{parse_evidence, Evidence, EvidenceDraft, Review};
use praxis_domain::ids::{BadgeClassId, BadgeRequestId};
use praxis_openapi::Problem;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(request_badge)
        .service(get_badge_request)
        .service(review_badge_request)
        .service(add_badge_evidence)
        .service(resolve_badge_objection);
}

const PROBLEM: &str = "application/problem+json";

fn evidence(body: EvidenceRequest) -> praxis_domain::Result<Vec<Evidence>> {
    parse_evidence(
        body.evidence
            .into_iter()
            .map(|e| EvidenceDraft {
                text: e.text,
                url: e.url,
            })
            .collect(),
    )
}

/// Asks for an active badge with evidence. One open request per badge.
#[utoipa::path(tag = "badges", security(("bearer" = [])), request_body = EvidenceRequest,
    params(("id" = String, Path, description = "Badge class id")),
    responses(
        (status = 201, description = "Requested", body = BadgeRequestResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        AuthErrors,
        (status = 404, description = "No such badge class", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Not active (`badge-class-not-active`), already held (`badge-held`) or already requested (`badge-request-open`)", body = Problem, content_type = PROBLEM),
        Invalid,
    ))]
#[post("/badges/{id}/requests")]
pub async fn request_badge(
    state: web::Data<AppState>,
    member: Member,
    id: PathId<BadgeClassId>,
    body: Json<EvidenceRequest>,
) -> ApiResult<HttpResponse> {
    let evidence = evidence(body.0)?;
    let (id, now) = (id.into_inner(), state.now());
    let record = state
        .write(move |c| badge_reviews::request(c, &member.id, &id, &evidence, now))
        .await?;
    Ok(HttpResponse::Created().json(BadgeRequestResponse::from(record)))
}

/// The whole record of a request: evidence, each review, each objection and how it ended.
/// The student and the reviewers only.
#[utoipa::path(tag = "badges", security(("bearer" = [])),
    params(("id" = String, Path, description = "Badge request id")),
    responses(
        (status = 200, description = "The record", body = BadgeRequestResponse),
        AuthErrors,
        NotVisible,
    ))]
#[get("/badge-requests/{id}")]
pub async fn get_badge_request(
    state: web::Data<AppState>,
    member: Member,
    id: PathId<BadgeRequestId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let record = state
        .read(move |c| badge_reviews::record(c, &member.id, &id))
        .await?;
    Ok(HttpResponse::Ok().json(BadgeRequestResponse::from(record)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"answer": "objection", "reason": "The evidence shows a vote, not a consent round"}))]
pub struct ReviewRequest {
    /// `consent` or `objection`.
    pub answer: String,
    /// Required for an objection: the harm or worthwhile improvement it reveals.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A reviewer answers: `consent`, or `objection` with a reason. Consenting resolves one's
/// standing objection; the answer that completes the consent awards the badge. Eligible
/// reviewers only (holders of the badge, the student's pod co-members); never the student.
#[utoipa::path(tag = "badges", security(("bearer" = [])), request_body = ReviewRequest,
    params(("id" = String, Path, description = "Badge request id")),
    responses(
        (status = 200, description = "Answered; the record as it now stands", body = BadgeRequestResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        AuthErrors,
        (status = 403, description = "The student's own request (`own-badge-request`)", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such request, or not one the caller may review", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Already awarded (`badge-request-closed`)", body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid answer, or an objection without a `reason`", body = Problem, content_type = PROBLEM),
    ))]
#[put("/badge-requests/{id}/review")]
pub async fn review_badge_request(
    state: web::Data<AppState>,
    member: Member,
    id: PathId<BadgeRequestId>,
    body: Json<ReviewRequest>,
) -> ApiResult<HttpResponse> {
    let review = Review::parse(&body.0.answer, body.0.reason)?;
    let (id, now) = (id.into_inner(), state.now());
    let record = state
        .write(move |c| badge_reviews::review(c, &member.id, &id, &review, now))
        .await?;
    Ok(HttpResponse::Ok().json(BadgeRequestResponse::from(record)))
}

/// The student adds evidence to their open request (to answer an objection, say).
#[utoipa::path(tag = "badges", security(("bearer" = [])), request_body = EvidenceRequest,
    params(("id" = String, Path, description = "Badge request id")),
    responses(
        (status = 201, description = "Added; the record as it now stands", body = BadgeRequestResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        AuthErrors,
        (status = 403, description = "A reviewer, not the student (`not-the-student`)", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such request, or not visible to the caller", body = Problem, content_type = PROBLEM),
        (status = 409, description = "Already awarded (`badge-request-closed`)", body = Problem, content_type = PROBLEM),
        Invalid,
    ))]
#[post("/badge-requests/{id}/evidence")]
pub async fn add_badge_evidence(
    state: web::Data<AppState>,
    member: Member,
    id: PathId<BadgeRequestId>,
    body: Json<EvidenceRequest>,
) -> ApiResult<HttpResponse> {
    let evidence = evidence(body.0)?;
    let (id, now) = (id.into_inner(), state.now());
    let record = state
        .write(move |c| badge_reviews::add_evidence(c, &member.id, &id, &evidence, now))
        .await?;
    Ok(HttpResponse::Created().json(BadgeRequestResponse::from(record)))
}

/// The objector resolves their standing objection without consenting (yet). If the consent is
/// then complete, the badge is awarded.
#[utoipa::path(tag = "badges", security(("bearer" = [])),
    params(("id" = String, Path, description = "Badge request id")),
    responses(
        (status = 200, description = "Resolved; the record as it now stands", body = BadgeRequestResponse),
        AuthErrors,
        (status = 403, description = "The student's own request (`own-badge-request`)", body = Problem, content_type = PROBLEM),
        (status = 404, description = "No such request, or not one the caller may review", body = Problem, content_type = PROBLEM),
        (status = 409, description = "No standing objection of the caller's (`no-standing-objection`), or already awarded", body = Problem, content_type = PROBLEM),
    ))]
#[post("/badge-requests/{id}/objection/resolve")]
pub async fn resolve_badge_objection(
    state: web::Data<AppState>,
    member: Member,
    id: PathId<BadgeRequestId>,
) -> ApiResult<HttpResponse> {
    let (id, now) = (id.into_inner(), state.now());
    let record = state
        .write(move |c| badge_reviews::resolve_objection(c, &member.id, &id, now))
        .await?;
    Ok(HttpResponse::Ok().json(BadgeRequestResponse::from(record)))
}
