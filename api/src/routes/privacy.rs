//! A member's personal data: the export of everything held about them, and erasure (by
//! themselves, with their password, or by an admin on request).

use crate::auth::reauth::confirm_password;
use crate::auth::{Admin, Member};
use crate::error::ApiResult;
use crate::extract::{Json, PathId};
use crate::responses::{AdminOnly, AuthErrors, Invalid};
use crate::state::AppState;
use actix_web::{delete, get};
use actix_web::{web, HttpRequest, HttpResponse};
use praxis_app::exports::{self, Export};
use praxis_app::privacy::{self, ErasedBy};
use praxis_domain::account::Email;
use praxis_domain::ids::UserId;
use praxis_openapi::Problem;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export_me)
        .service(download_export)
        .service(erase_me)
        .service(erase_user);
}

/// Everything Praxis holds about the member (GDPR art. 15 and 20). `sections` has one list per
/// kind of record, each row the member's record as stored, column by column (times UTC,
/// booleans as stored by the engine: `true`/`false` or `1`/`0`), with secrets (password and
/// token hashes, the calendar-feed token) left out: `profile`, `roles`, `sessions`,
/// `terms_acceptances`, `subscriptions`, `waitlist_entries`, `payments`, `invoices`,
/// `billing_addresses`, `refund_requests`, `refunds`, `price_assistance_requests`,
/// `price_overrides`, `pro_applications`, `posts`, `comments`, `reactions`, `topic_follows`,
/// `space_follows`, `notification_settings`, `notifications`, `space_memberships`,
/// `conversations`, `conversation_participants`, `messages` (sent and received in the member's
/// own conversations), `blocks`, `reports`, `event_rsvps`, `event_reminder_settings`,
/// `questions`, `question_votes`, `submissions`, `feedback_given`, `feedback_received`,
/// `course_entitlements`, `lesson_progress`, `exercise_answers`, `course_completions`,
/// `audit_entries`. Of other people it holds only what the member could already read.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"format": "praxis-export/1", "generated_at": "2026-12-05T00:00:00Z", "member_id": "019380aa-7c4e-7cc3-a1a6-0c1b5f7d2e10", "sections": {"profile": [{"id": "019380aa-7c4e-7cc3-a1a6-0c1b5f7d2e10", "email": "ana@example.org", "display_name": "Ana"}], "posts": []}}))]
pub struct ExportDocument {
    /// `praxis-export/1`.
    pub format: String,
    pub generated_at: String,
    pub member_id: String,
    #[schema(value_type = Object)]
    pub sections: BTreeMap<String, Vec<serde_json::Value>>,
}

#[derive(Deserialize, ToSchema)]
pub struct EraseMeRequest {
    /// The current password, so a stolen access token cannot erase the account.
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
pub struct EraseUserRequest {
    /// The account's email address, typed again to confirm which account goes.
    pub email: String,
}

/// A large export on its way: built in the background and mailed as a single-use link.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "building", "link_valid_hours": 24, "message": "Your export is large: it is being built, and a link to download it will be mailed to you."}))]
pub struct ExportQueued {
    /// Always `building`.
    pub status: &'static str,
    /// How long the mailed link works once it is sent (it works once).
    pub link_valid_hours: i64,
    pub message: String,
}

/// Everything Praxis holds about the caller, as one JSON document (see `ExportDocument`). A
/// large export (more rows than `PRAXIS_EXPORT_INLINE_MAX_ROWS`) is built in the background
/// instead: 202, and the member is mailed a link that downloads it once within 24 hours.
#[utoipa::path(tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, description = "The export, as an attachment", body = ExportDocument),
        (status = 202, description = "A large export: built in the background, its link mailed", body = ExportQueued),
        AuthErrors,
    ))]
#[get("/me/export")]
pub async fn export_me(state: web::Data<AppState>, member: Member) -> ApiResult<HttpResponse> {
    let now = state.now();
    let max_rows = state.config.export_inline_max_rows;
    let export = state
        .write(move |conn| exports::request(conn, &member.id, max_rows, now))
        .await?;
    Ok(match export {
        Export::Inline(document) => attachment(HttpResponse::Ok()).json(document),
        Export::Queued(_) => HttpResponse::Accepted().json(ExportQueued {
            status: "building",
            link_valid_hours: exports::EXPORT_LINK_HOURS,
            message: "Your export is large: it is being built, and a link to download it will \
                      be mailed to you."
                .to_owned(),
        }),
    })
}

/// Downloads a large export through the link mailed to the member: once, within 24 hours of
/// the mail, without signing in (the link is the secret, like a password-reset link).
#[utoipa::path(tag = "me",
    params(("token" = String, Path, description = "The token from the mailed export link")),
    responses(
        (status = 200, description = "The export, as an attachment", body = ExportDocument),
        (status = 404, description = "Not a live export link: unknown, used already or expired (`not-found`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/me/export/{token}")]
pub async fn download_export(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let token = token.into_inner();
    let body = state
        .write(move |conn| exports::download(conn, &token, now))
        .await?;
    Ok(attachment(HttpResponse::Ok())
        .content_type("application/json")
        .body(body))
}

/// An answer the browser saves as `praxis-export.json`, kept by no cache.
fn attachment(mut response: actix_web::HttpResponseBuilder) -> actix_web::HttpResponseBuilder {
    response
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"praxis-export.json\"",
        ))
        .insert_header(("Cache-Control", "no-store"));
    response
}

async fn erase(state: &AppState, member: UserId, by: ErasedBy) -> ApiResult<()> {
    let now = state.now();
    let offers = state.offers();
    state
        .write(move |conn| privacy::erase(conn, &member, by, &offers, now))
        .await?;
    Ok(())
}

/// Erases the caller's account (GDPR art. 17), confirmed with the password: personal data is
/// deleted, live subscriptions are cancelled (no renewal), content others replied to or read
/// stays as by "former member", direct messages stay for the other participants, and invoices
/// and payments stay for bookkeeping with the billing snapshot on the invoice. The address can
/// register again at once. The only admin cannot erase themselves (409 `last-admin`).
#[utoipa::path(tag = "me", security(("bearer" = [])), request_body = EraseMeRequest,
    responses(
        (status = 204, description = "The account is erased"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        AuthErrors,
        (status = 403, description = "Wrong password (`invalid-current-password`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The only admin (`last-admin`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
        (status = 429, description = "Rate limited; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/me")]
pub async fn erase_me(
    req: HttpRequest,
    state: web::Data<AppState>,
    member: Member,
    body: Json<EraseMeRequest>,
) -> ApiResult<HttpResponse> {
    confirm_password(&req, &state, &member.id, body.0.password).await?;
    erase(&state, member.id, ErasedBy::Themselves).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Erases a member's account on their request, as `DELETE /api/v1/me` does; audited as
/// `user.erased` under the admin (naming only the "former member" account left behind). The
/// account's email must be given again, to confirm which account goes.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    request_body = EraseUserRequest,
    responses(
        (status = 204, description = "The account is erased"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        AdminOnly,
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The only admin (`last-admin`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The email is not the account's", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/admin/users/{id}")]
pub async fn erase_user(
    state: web::Data<AppState>,
    Admin(admin): Admin,
    id: PathId<UserId>,
    body: Json<EraseUserRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let email = Email::parse(&body.0.email)?;
    let now = state.now();
    let offers = state.offers();
    state
        .write(move |conn| privacy::erase_on_request(conn, &admin.id, &id, &email, &offers, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
