//! The Terms and Conditions (with the Member Guidelines and the Terms of Confidentiality), their
//! acceptance, and publishing a new version that everyone must accept again.

use crate::auth::{Admin, Member};
use crate::error::ApiResult;
use crate::extract::Json;
use crate::responses::{AdminOnly, AuthErrors, Invalid};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::terms;
use praxis_domain::terms::NewTerms;
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use praxis_persistence::terms::TermsRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_terms)
        .service(accept_terms)
        .service(list_acceptances)
        .service(publish_terms);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TermsResponse {
    #[schema(example = "2026-01")]
    pub version: String,
    pub terms: String,
    pub member_guidelines: String,
    pub confidentiality: String,
    pub published_at: DateTime<Utc>,
}

impl From<TermsRow> for TermsResponse {
    fn from(row: TermsRow) -> Self {
        Self {
            version: row.version,
            terms: row.terms,
            member_guidelines: row.member_guidelines,
            confidentiality: row.confidentiality,
            published_at: from_db_time(row.published_at),
        }
    }
}

/// The version of the terms in force. Public.
#[utoipa::path(tag = "terms",
    responses(
        (status = 200, description = "The current terms", body = TermsResponse),
        (status = 404, description = "No terms published yet", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/terms")]
pub async fn get_terms(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let current = state.read(terms::current).await?;
    Ok(HttpResponse::Ok().json(TermsResponse::from(current)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"version": "2026-01"}))]
pub struct AcceptTermsRequest {
    /// The version being accepted: it must be the current one.
    pub version: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptanceResponse {
    pub version: String,
    pub accepted_at: DateTime<Utc>,
}

/// Accepts the current terms; private spaces open (again) with the next request.
#[utoipa::path(tag = "terms", security(("bearer" = [])),
    request_body = AcceptTermsRequest,
    responses(
        (status = 201, description = "Accepted (or already accepted: the first time is kept)", body = AcceptanceResponse),
        AuthErrors,
        (status = 409, description = "Not the current version (`terms-version-outdated`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[post("/me/terms-acceptances")]
pub async fn accept_terms(
    state: web::Data<AppState>,
    member: Member,
    body: Json<AcceptTermsRequest>,
) -> ApiResult<HttpResponse> {
    let version = body.0.version;
    let now = state.now();
    let accepted_at = {
        let version = version.clone();
        state
            .write(move |conn| terms::accept(conn, &member.id, &version, now))
            .await?
    };
    Ok(HttpResponse::Created().json(AcceptanceResponse {
        version,
        accepted_at: from_db_time(accepted_at),
    }))
}

/// Every version the caller accepted, and when.
#[utoipa::path(tag = "terms", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's acceptances, newest first", body = Vec<AcceptanceResponse>),
        AuthErrors,
    ))]
#[get("/me/terms-acceptances")]
pub async fn list_acceptances(
    state: web::Data<AppState>,
    member: Member,
) -> ApiResult<HttpResponse> {
    let rows = state
        .read(move |conn| terms::acceptances(conn, &member.id))
        .await?;
    let items: Vec<AcceptanceResponse> = rows
        .into_iter()
        .map(|(version, at)| AcceptanceResponse {
            version,
            accepted_at: from_db_time(at),
        })
        .collect();
    Ok(HttpResponse::Ok().json(items))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"version": "2026-12", "terms": "…", "member_guidelines": "…", "confidentiality": "…"}))]
pub struct PublishTermsRequest {
    /// A new, unique version name (1–40 characters).
    pub version: String,
    pub terms: String,
    pub member_guidelines: String,
    pub confidentiality: String,
}

/// Publishes a new version of the terms. Every member must accept it before reaching private
/// spaces again. Admins only; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    request_body = PublishTermsRequest,
    responses(
        (status = 201, description = "Published", body = TermsResponse),
        AdminOnly,
        (status = 409, description = "That version exists (`terms-version-exists`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[post("/admin/terms")]
pub async fn publish_terms(
    state: web::Data<AppState>,
    Admin(admin): Admin,
    body: Json<PublishTermsRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let draft = NewTerms::parse(
        &body.version,
        &body.terms,
        &body.member_guidelines,
        &body.confidentiality,
    )?;
    let now = state.now();
    let published = state
        .write(move |conn| terms::publish(conn, &admin.id, draft, now))
        .await?;
    Ok(HttpResponse::Created().json(TermsResponse::from(published)))
}
