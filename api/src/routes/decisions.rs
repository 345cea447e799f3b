//! Consent decisions: proposals answering drivers, their versions, consent rounds and answers,
//! objections, and agreements with reviews. Everything answers 404 outside the circle.

use crate::auth::Member;
use crate::dto::decisions::{AgreementResponse, ProposalResponse};
use crate::error::ApiResult;
use crate::extract::{Json, PathId};
use crate::responses::{AuthErrors, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{get, post, put};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::decisions::{agreements, proposals, rounds, Subject};
use praxis_domain::decisions::{AgreementTopic, Answer, ProposalDraft, SubjectKind};
use praxis_domain::ids::{AgreementId, DriverId, ObjectionId, ProposalId, RoundId};
use praxis_openapi::Problem;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(propose)
        .service(get_proposal)
        .service(amend_proposal)
        .service(open_round)
        .service(answer_round)
        .service(resolve_objection)
        .service(get_agreement)
        .service(review_agreement)
        .service(retire_agreement);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Match within a week",
    "body": "Hosts propose a mentor within seven days of enrolment.", "review_after_days": 90}))]
pub struct ProposalRequest {
    /// 1–200 characters.
    pub title: String,
    /// 1–10 000 characters: the first version.
    pub body: String,
    /// When the agreement comes up for review, in days after it is agreed (default 180).
    pub review_after_days: Option<i32>,
    /// An active agreement of the same circle this proposal replaces once agreed.
    pub supersedes: Option<String>,
    /// What the proposal decides beyond its text: `delegate` (in a pod's circle: the member
    /// named in `subject_id` becomes the pod's delegate to the superpod once agreed). Badge
    /// classes are proposed with `POST /api/v1/badges`.
    pub subject_kind: Option<String>,
    /// The subject: for `delegate`, a member of the pod.
    pub subject_id: Option<String>,
    /// In the superpod only: `programming`, `enrolment` or `scheduling`. Once agreed, the
    /// agreement goes before the Academy circle, which answers it.
    pub topic: Option<String>,
}

impl ProposalRequest {
    /// The draft and what it decides, every invalid field reported at once.
    fn parse(self) -> praxis_domain::Result<(ProposalDraft, Subject)> {
        let mut errors = praxis_domain::error::Errors::new();
        let draft = errors.take(ProposalDraft::parse(
            &self.title,
            &self.body,
            self.review_after_days,
        ));
        let kind = errors.take(
            self.subject_kind
                .as_deref()
                .map(SubjectKind::parse)
                .transpose(),
        );
        let topic = errors.take(self.topic.as_deref().map(AgreementTopic::parse).transpose());
        errors.finish()?;
        let subject = Subject {
            kind: kind.flatten(),
            id: self.subject_id,
            topic: topic.flatten(),
            supersedes: self.supersedes,
        };
        match draft {
            Some(draft) => Ok((draft, subject)),
            None => Err(praxis_domain::Error::field("title", "invalid")),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Hosts propose a mentor within five days.", "integrates": []}))]
pub struct VersionRequest {
    pub body: String,
    /// Standing objections to this proposal that the new version integrates.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub integrates: Vec<ObjectionId>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"closes_at": "2026-12-12T17:00:00Z"}))]
pub struct RoundRequest {
    /// The deadline: in the future, at most 90 days away.
    pub closes_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"answer": "objection", "reason": "Mentors in Asia would never be matched in time."}))]
pub struct AnswerRequest {
    /// `consent`, `concern` or `objection`.
    pub answer: String,
    /// Required for an objection (the harm or the worthwhile improvement it reveals); a
    /// concern's note.
    pub reason: Option<String>,
}

const MENTOR_403: &str =
    "A mentor of the circle, who reads without taking part (`not-a-circle-member`)";

/// Drafts a proposal answering a driver (the circle's members). In a pod, a proposal with
/// `subject_kind: delegate` chooses the pod's delegate to the superpod; in the superpod, a
/// `topic` puts the agreement before the Academy circle.
#[utoipa::path(tag = "decisions", security(("bearer" = [])), request_body = ProposalRequest,
    params(("id" = String, Path, description = "Driver id")),
    responses(
        (status = 201, description = "Drafted", body = ProposalResponse),
        AuthErrors,
        (status = 403, description = MENTOR_403, body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 409, description = "The agreement to supersede is no longer active (`agreement-not-active`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[post("/drivers/{id}/proposals")]
pub async fn propose(
    state: web::Data<AppState>,
    member: Member,
    PathId(driver): PathId<DriverId>,
    body: Json<ProposalRequest>,
) -> ApiResult<HttpResponse> {
    let (draft, subject) = body.0.parse()?;
    let now = state.now();
    let proposal = state
        .write(move |c| proposals::propose(c, &member.id, &driver, draft, subject, now))
        .await?;
    Ok(HttpResponse::Created().json(ProposalResponse::from(proposal)))
}

/// A proposal with its driver, every version (compared with the one before), every round with
/// its answers, every objection and how it ended, and the history: the circle only.
#[utoipa::path(tag = "decisions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Proposal id")),
    responses(
        (status = 200, description = "The proposal", body = ProposalResponse),
        AuthErrors,
        NotVisible,
    ))]
#[get("/proposals/{id}")]
pub async fn get_proposal(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<ProposalId>,
) -> ApiResult<HttpResponse> {
    let proposal = state
        .read(move |c| proposals::show(c, &member.id, &id))
        .await?;
    Ok(HttpResponse::Ok().json(ProposalResponse::from(proposal)))
}

/// Writes a new version, integrating standing objections. An open round closes as `amended`
/// and the next one opens on the new text with the same deadline.
#[utoipa::path(tag = "decisions", security(("bearer" = [])), request_body = VersionRequest,
    params(("id" = String, Path, description = "Proposal id")),
    responses(
        (status = 201, description = "The proposal with the new version", body = ProposalResponse),
        AuthErrors,
        (status = 403, description = MENTOR_403, body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 409, description = "The proposal is an agreement (`proposal-agreed`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[post("/proposals/{id}/versions")]
pub async fn amend_proposal(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<ProposalId>,
    body: Json<VersionRequest>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let body = body.0;
    let proposal = state
        .write(move |c| proposals::amend(c, &member.id, &id, &body.body, &body.integrates, now))
        .await?;
    Ok(HttpResponse::Created().json(ProposalResponse::from(proposal)))
}

/// Opens a consent round on the proposal's latest version, closing at `closes_at`.
#[utoipa::path(tag = "decisions", security(("bearer" = [])), request_body = RoundRequest,
    params(("id" = String, Path, description = "Proposal id")),
    responses(
        (status = 201, description = "The proposal with the open round", body = ProposalResponse),
        AuthErrors,
        (status = 403, description = MENTOR_403, body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 409, description = "A round is open already (`round-open`), or the proposal is an agreement (`proposal-agreed`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[post("/proposals/{id}/rounds")]
pub async fn open_round(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<ProposalId>,
    body: Json<RoundRequest>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let closes_at = body.0.closes_at;
    let proposal = state
        .write(move |c| rounds::open_round(c, &member.id, &id, closes_at, now))
        .await?;
    Ok(HttpResponse::Created().json(ProposalResponse::from(proposal)))
}

/// Answers a round: `consent`, `concern` (a note that does not block) or `objection` (a reason
/// is required). Answering again while the round is open replaces the answer. The round ends
/// agreed as soon as every member answered with no objection standing.
#[utoipa::path(tag = "decisions", security(("bearer" = [])), request_body = AnswerRequest,
    params(("id" = String, Path, description = "Round id")),
    responses(
        (status = 200, description = "The proposal with the answer", body = ProposalResponse),
        AuthErrors,
        (status = 403, description = MENTOR_403, body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 409, description = "The round is closed (`round-closed`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[put("/rounds/{id}/answer")]
pub async fn answer_round(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<RoundId>,
    body: Json<AnswerRequest>,
) -> ApiResult<HttpResponse> {
    let answer = Answer::parse(&body.0.answer, body.0.reason.as_deref())?;
    let now = state.now();
    let proposal = state
        .write(move |c| rounds::answer(c, &member.id, &id, answer, now))
        .await?;
    Ok(HttpResponse::Ok().json(ProposalResponse::from(proposal)))
}

/// The objector resolves their objection.
#[utoipa::path(tag = "decisions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Objection id")),
    responses(
        (status = 200, description = "The proposal with the objection resolved", body = ProposalResponse),
        AuthErrors,
        (status = 403, description = "Not the objector (`not-the-objector`)", body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 409, description = "The objection no longer stands (`objection-settled`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/objections/{id}/resolve")]
pub async fn resolve_objection(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<ObjectionId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let proposal = state
        .write(move |c| rounds::resolve(c, &member.id, &id, now))
        .await?;
    Ok(HttpResponse::Ok().json(ProposalResponse::from(proposal)))
}

/// An agreement with its review date, the text agreed and its whole history: the circle only.
#[utoipa::path(tag = "decisions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Agreement id")),
    responses(
        (status = 200, description = "The agreement", body = AgreementResponse),
        AuthErrors,
        NotVisible,
    ))]
#[get("/agreements/{id}")]
pub async fn get_agreement(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<AgreementId>,
) -> ApiResult<HttpResponse> {
    let agreement = state
        .read(move |c| agreements::show(c, &member.id, &id))
        .await?;
    Ok(HttpResponse::Ok().json(AgreementResponse::from(agreement)))
}

/// Opens a review: a new consent round on the agreement's latest version. Agreed, it sets the
/// next review date; objected, the agreement stays as it was.
#[utoipa::path(tag = "decisions", security(("bearer" = [])), request_body = RoundRequest,
    params(("id" = String, Path, description = "Agreement id")),
    responses(
        (status = 201, description = "The agreement with the review round", body = AgreementResponse),
        AuthErrors,
        (status = 403, description = MENTOR_403, body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 409, description = "The agreement is not active (`agreement-not-active`), or a review is open (`round-open`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[post("/agreements/{id}/reviews")]
pub async fn review_agreement(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<AgreementId>,
    body: Json<RoundRequest>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let closes_at = body.0.closes_at;
    let agreement = state
        .write(move |c| agreements::review(c, &member.id, &id, closes_at, now))
        .await?;
    Ok(HttpResponse::Created().json(AgreementResponse::from(agreement)))
}

/// Retires an active agreement (the circle's members); recorded in its history. A badge class the
/// superpod agreed to is retired with its agreement.
#[utoipa::path(tag = "decisions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Agreement id")),
    responses(
        (status = 200, description = "The retired agreement", body = AgreementResponse),
        AuthErrors,
        (status = 403, description = MENTOR_403, body = Problem, content_type = "application/problem+json"),
        NotVisible,
        (status = 409, description = "The agreement is not active (`agreement-not-active`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/agreements/{id}/retire")]
pub async fn retire_agreement(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<AgreementId>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let agreement = state
        .write(move |c| agreements::retire(c, &member.id, &id, now))
        .await?;
    Ok(HttpResponse::Ok().json(AgreementResponse::from(agreement)))
}
