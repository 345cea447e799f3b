//! Open Badges 3.0: an award exported as a signed `OpenBadgeCredential` (`vc+jwt`), the
//! community's public issuer profile with its verification key, and public verification.

use crate::auth::viewer::Member;
use crate::error::ApiResult;
use crate::extract::{Json, PathId};
use crate::responses::{AuthErrors, Invalid};
use crate::state::AppState;
use actix_web::{get, post, web, HttpResponse};
use praxis_app::credentials;
use praxis_domain::ids::BadgeAwardId;
use praxis_openapi::Problem;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export_credential)
        .service(issuer_profile)
        .service(verify_credential);
}

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialResponse {
    /// The credential's id, `urn:uuid:<award id>`.
    pub id: String,
    /// Always `vc+jwt`: a compact JWS (`alg: EdDSA`) whose payload is the credential.
    #[schema(example = "vc+jwt")]
    pub format: String,
    /// The signed credential.
    pub credential: String,
}

/// The holder's award as an Open Badges 3.0 `OpenBadgeCredential`, signed with the
/// community's Ed25519 key (`vc+jwt`). The subject is named by a salted hash of the holder's
/// address, never the address. The holder only.
#[utoipa::path(tag = "badges", security(("bearer" = [])),
    params(("id" = String, Path, description = "Badge award id")),
    responses(
        (status = 200, description = "The signed credential", body = CredentialResponse),
        AuthErrors,
        (status = 404, description = "No such award of the caller's", body = Problem, content_type = PROBLEM),
        (status = 409, description = "The award was revoked (`badge-award-revoked`)", body = Problem, content_type = PROBLEM),
    ))]
#[get("/badge-awards/{id}/credential")]
pub async fn export_credential(
    state: web::Data<AppState>,
    member: Member,
    id: PathId<BadgeAwardId>,
) -> ApiResult<HttpResponse> {
    let (id, now, issuer) = (id.into_inner(), state.now(), state.issuer.clone());
    let answer_id = format!("urn:uuid:{id}");
    let credential = state
        .read(move |c| credentials::export(c, &issuer, &member.id, &id, now))
        .await?;
    Ok(HttpResponse::Ok().json(CredentialResponse {
        id: answer_id,
        format: credentials::TYP.to_owned(),
        credential,
    }))
}

/// The community as an Open Badges issuer (`Profile`), with its verification key as a JWK
/// (`kty: OKP`, `crv: Ed25519`) under `verificationMethod`. Public.
#[utoipa::path(tag = "badges",
    responses(
        (status = 200, description = "The issuer profile", body = Object),
    ))]
#[get("/credentials/issuer")]
pub async fn issuer_profile(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.issuer.profile()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// A credential as exported (`vc+jwt`).
    pub credential: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"valid": false, "reason": "revoked", "credential_id": "urn:uuid:01938a2b-7c4e-7cc3-a1a6-0c1b5f7d2e10"}))]
pub struct VerifyResponse {
    pub valid: bool,
    /// Why not: `malformed`, `unsupported_header`, `bad_signature`, `wrong_issuer`,
    /// `not_yet_valid`, `expired`, `unknown_award` or `revoked`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The credential's id, once its signature held.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<String>,
}

/// Verifies a credential: the signature with the community's key, the issuer, the validity
/// window and revocation. Public; an invalid credential is a `200` with `valid: false`.
#[utoipa::path(tag = "badges", request_body = VerifyRequest,
    responses(
        (status = 200, description = "The verdict", body = VerifyResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        Invalid,
    ))]
#[post("/credentials/verify")]
pub async fn verify_credential(
    state: web::Data<AppState>,
    body: Json<VerifyRequest>,
) -> ApiResult<HttpResponse> {
    let (token, now, issuer) = (body.0.credential, state.now(), state.issuer.clone());
    let verdict = state
        .read(move |c| credentials::verify(c, &issuer, &token, now))
        .await?;
    Ok(HttpResponse::Ok().json(VerifyResponse {
        valid: verdict.valid,
        reason: verdict.reason.map(|r| r.as_str().to_owned()),
        credential_id: verdict.credential_id,
    }))
}
