//! The Terms and Conditions (with the Member Guidelines and the Terms of Confidentiality), their
//! acceptance, and publishing a new version that everyone must accept again.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_domain::error::Errors;
use praxis_openapi::Problem;
use praxis_persistence::terms::{self, TermsRow};
use praxis_persistence::{from_db_time, to_db_time};
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
    let current = state.db(|conn| Ok(terms::current(conn)?)).await?;
    let current = current.ok_or(ApiError::NotFound("terms"))?;
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
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not the current version (`terms-version-outdated`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/me/terms-acceptances")]
pub async fn accept_terms(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<AcceptTermsRequest>,
) -> ApiResult<HttpResponse> {
    let version = body.0.version;
    let now = to_db_time(state.now());
    let accepted = state
        .db_write(move |conn| {
            let current = terms::current(conn)?.ok_or(ApiError::NotFound("terms"))?;
            if current.version != version {
                return Err(ApiError::Conflict {
                    kind: "terms-version-outdated",
                    detail: format!(
                        "The current version is {}; accept that one.",
                        current.version
                    ),
                });
            }
            let at = terms::accept(conn, &caller.user_id, &version, now)?;
            Ok(AcceptanceResponse {
                version,
                accepted_at: from_db_time(at),
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(accepted))
}

/// Every version the caller accepted, and when.
#[utoipa::path(tag = "terms", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's acceptances, newest first", body = Vec<AcceptanceResponse>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/me/terms-acceptances")]
pub async fn list_acceptances(
    state: web::Data<AppState>,
    caller: Caller,
) -> ApiResult<HttpResponse> {
    let rows = state
        .db(move |conn| Ok(terms::acceptances(conn, &caller.user_id)?))
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
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "That version exists (`terms-version-exists`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/terms")]
pub async fn publish_terms(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<PublishTermsRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_admin(&state).await?;
    let body = body.0;
    let mut errors = Errors::new();
    let version = body.version.trim().to_owned();
    if version.is_empty() || version.chars().count() > 40 {
        errors.push("version", "must be between 1 and 40 characters");
    }
    for (field, text) in [
        ("terms", &body.terms),
        ("member_guidelines", &body.member_guidelines),
        ("confidentiality", &body.confidentiality),
    ] {
        let chars = text.trim().chars().count();
        if chars == 0 || chars > 100_000 {
            errors.push(field, "must be between 1 and 100000 characters");
        }
    }
    errors.finish()?;
    let now = state.now();
    let row = TermsRow {
        version,
        terms: body.terms.trim().to_owned(),
        member_guidelines: body.member_guidelines.trim().to_owned(),
        confidentiality: body.confidentiality.trim().to_owned(),
        published_at: to_db_time(now),
        published_by: Some(caller.user_id.clone()),
    };
    let published = state
        .db_write(move |conn| {
            match terms::publish(conn, &row) {
                Err(praxis_persistence::Error::UniqueViolation(_)) => {
                    return Err(ApiError::Conflict {
                        kind: "terms-version-exists",
                        detail: "That version was already published; choose a new version name."
                            .into(),
                    })
                }
                other => other?,
            }
            praxis_persistence::audit::record(
                conn,
                &praxis_app::audit::entry::<(), _>(
                    Some(&caller.user_id),
                    "terms.published",
                    "terms",
                    &row.version,
                    None,
                    Some(&serde_json::json!({"version": row.version})),
                    now,
                ),
            )?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(TermsResponse::from(published)))
}
