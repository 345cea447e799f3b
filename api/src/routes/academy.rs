//! The Sociocracy Academy: organisations enrol implementation circles; hosts open cohorts and
//! confirm enrolments into them (seats are limited, even when hosts confirm at once).

use crate::auth::{Host, Member};
use crate::dto::academy::EnrolmentResponse;
use crate::error::ApiResult;
use crate::extract::{Json, PathId};
use crate::responses::{AuthErrors, HostOnly, Invalid};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::academy::enrolments;
use praxis_domain::academy::Organisation;
use praxis_domain::ids::{CohortId, EnrolmentId, UserId};
use praxis_openapi::Problem;
use praxis_persistence::academy::CohortRow;
use praxis_persistence::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(enrol)
        .service(my_enrolments)
        .service(create_cohort)
        .service(confirm_enrolment);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationRequest {
    pub name: String,
    /// People working in it.
    pub size: i64,
    pub sector: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organisation": {"name": "Acme Cooperative", "size": 40, "sector": "software",
    "country": "DE", "languages": ["de", "en"]}, "member_ids": ["0190c5a4-7b1e-7c3d-9f00-2a6b1c0d4e5f"],
    "topics": ["onboarding", "governance"]}))]
pub struct EnrolmentRequest {
    pub organisation: OrganisationRequest,
    /// The implementation circle: 1–3 members.
    #[schema(value_type = Vec<String>)]
    pub member_ids: Vec<UserId>,
    /// What the organisation wants a mentor for (up to 20, 1–80 characters each; compared
    /// without regard to case). The organisation's sector always counts as one more topic.
    #[serde(default)]
    pub topics: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Spring 2027", "capacity": 12}))]
pub struct CohortRequest {
    pub name: String,
    /// Seats: how many enrolments it takes.
    pub capacity: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CohortResponse {
    pub id: String,
    pub name: String,
    pub capacity: i32,
    pub created_at: DateTime<Utc>,
}

impl From<CohortRow> for CohortResponse {
    fn from(c: CohortRow) -> Self {
        Self {
            id: c.id,
            name: c.name,
            capacity: c.capacity,
            created_at: from_db_time(c.created_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    /// The cohort whose next seat the enrolment takes.
    #[schema(value_type = String)]
    pub cohort_id: CohortId,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentList {
    pub items: Vec<EnrolmentResponse>,
}

/// Enrols an organisation with its implementation circle of 1–3 members; a host confirms it.
#[utoipa::path(tag = "academy", security(("bearer" = [])), request_body = EnrolmentRequest,
    responses(
        (status = 201, description = "Enrolled, waiting for a host", body = EnrolmentResponse),
        AuthErrors,
        Invalid,
    ))]
#[post("/academy/enrolments")]
pub async fn enrol(
    state: web::Data<AppState>,
    member: Member,
    body: Json<EnrolmentRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let o = &body.organisation;
    let organisation = Organisation::parse(&o.name, o.size, &o.sector, &o.country, &o.languages)?;
    let topics = praxis_domain::mentoring::topics("topics", &body.topics)?;
    let now = state.now();
    let enrolment = state
        .write(move |c| {
            enrolments::enrol(c, &member.id, organisation, body.member_ids, topics, now)
        })
        .await?;
    Ok(HttpResponse::Created().json(EnrolmentResponse::from(enrolment)))
}

/// The enrolments the caller asked for or is part of.
#[utoipa::path(tag = "academy", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's enrolments", body = EnrolmentList),
        AuthErrors,
    ))]
#[get("/academy/enrolments/mine")]
pub async fn my_enrolments(state: web::Data<AppState>, member: Member) -> ApiResult<HttpResponse> {
    let list = state.read(move |c| enrolments::mine(c, &member.id)).await?;
    Ok(HttpResponse::Ok().json(EnrolmentList {
        items: list.into_iter().map(EnrolmentResponse::from).collect(),
    }))
}

/// Opens a cohort with a number of seats (hosts). Audited.
#[utoipa::path(tag = "academy", security(("bearer" = [])), request_body = CohortRequest,
    responses(
        (status = 201, description = "Opened", body = CohortResponse),
        HostOnly,
        Invalid,
    ))]
#[post("/admin/academy/cohorts")]
pub async fn create_cohort(
    state: web::Data<AppState>,
    Host(host): Host,
    body: Json<CohortRequest>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let body = body.0;
    let cohort = state
        .write(move |c| enrolments::create_cohort(c, &host.id, &body.name, body.capacity, now))
        .await?;
    Ok(HttpResponse::Created().json(CohortResponse::from(cohort)))
}

/// Confirms an enrolment into a cohort (hosts): it takes the cohort's next seat and its
/// implementation circle is made. Audited.
#[utoipa::path(tag = "academy", security(("bearer" = [])), request_body = ConfirmRequest,
    params(("id" = String, Path, description = "Enrolment id")),
    responses(
        (status = 200, description = "Confirmed", body = EnrolmentResponse),
        HostOnly,
        (status = 404, description = "No such enrolment", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Every seat of the cohort is taken (`cohort-full`), or the enrolment is confirmed already (`enrolment-confirmed`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[post("/admin/academy/enrolments/{id}/confirm")]
pub async fn confirm_enrolment(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<EnrolmentId>,
    body: Json<ConfirmRequest>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let cohort = body.0.cohort_id;
    let enrolment = state
        .write(move |c| enrolments::confirm(c, &host.id, &id, &cohort, now))
        .await?;
    Ok(HttpResponse::Ok().json(EnrolmentResponse::from(enrolment)))
}
