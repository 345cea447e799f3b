//! One-click unsubscribe (RFC 8058) from bulk and notification mail, without signing in: the
//! token in the mail's `List-Unsubscribe` link names the member and the kind of mail. `GET` only
//! says what it would turn off, because mail scanners fetch links before anyone clicks; `POST`
//! turns it off.

use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::http::header::CACHE_CONTROL;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use praxis_app::unsubscribe::{self, Unsubscription};
use praxis_domain::mail::MailCategory;
use praxis_openapi::Problem;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(describe_unsubscribe)
        .service(confirm_unsubscribe);
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "category": "event_reminders",
    "description": "Email reminders 24 hours and 1 hour before events you RSVP'd to.",
    "subscribed": false
}))]
pub struct UnsubscribeResponse {
    /// The kind of mail the link turns off: `event_reminders` or `notifications`.
    #[schema(value_type = String)]
    pub category: MailCategory,
    /// What turning it off stops, for the member to read.
    pub description: &'static str,
    /// Whether the member still gets this kind of mail.
    pub subscribed: bool,
}

/// What RFC 8058 mail clients send; any other body (none, JSON) is accepted too.
#[derive(ToSchema)]
#[schema(example = json!({"List-Unsubscribe": "One-Click"}))]
pub struct OneClickForm {
    #[schema(rename = "List-Unsubscribe", example = "One-Click")]
    pub list_unsubscribe: String,
}

fn answer(found: Unsubscription) -> HttpResponse {
    HttpResponse::Ok()
        // The answer is about one member; no shared cache may keep it.
        .insert_header((CACHE_CONTROL, "private, no-store"))
        .json(UnsubscribeResponse {
            category: found.category,
            description: found.category.description(),
            subscribed: found.subscribed,
        })
}

/// Says which kind of mail the link turns off, and whether it is still on. Changes nothing:
/// link scanners in mail systems fetch links that nobody clicked.
#[utoipa::path(tag = "me",
    params(("token" = String, Path, description = "The token from the mail's unsubscribe link")),
    responses(
        (status = 200, description = "What the link turns off", body = UnsubscribeResponse),
        (status = 404, description = "Not a genuine unsubscribe link, or its account is gone (`not-found`)", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/unsubscribe/{token}")]
pub async fn describe_unsubscribe(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let token = path.into_inner();
    let found = state
        .read(move |c| unsubscribe::describe(c, &token))
        .await?;
    Ok(answer(found))
}

/// Turns off the kind of mail the link names, without signing in: the RFC 8058 one-click
/// unsubscribe that mail clients POST with the form body `List-Unsubscribe=One-Click`. The body
/// is not required (the SPA may send none, or JSON). Doing it again changes nothing more.
#[utoipa::path(tag = "me",
    params(("token" = String, Path, description = "The token from the mail's unsubscribe link")),
    request_body(content = Option<OneClickForm>, content_type = "application/x-www-form-urlencoded",
        description = "`List-Unsubscribe=One-Click`, as RFC 8058 clients send it; optional"),
    responses(
        (status = 200, description = "Turned off", body = UnsubscribeResponse),
        (status = 404, description = "Not a genuine unsubscribe link, or its account is gone (`not-found`); nothing changed", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/unsubscribe/{token}")]
pub async fn confirm_unsubscribe(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let token = path.into_inner();
    let now = state.now();
    let found = state
        .write(move |c| unsubscribe::unsubscribe(c, &token, now))
        .await?;
    Ok(answer(found))
}
