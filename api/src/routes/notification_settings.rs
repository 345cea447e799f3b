//! A member's notification settings as one document: how notification mail is delivered (at
//! once, or a daily or weekly digest at 07:00 in their time zone) and how much they hear from
//! each space they may read.

use crate::auth::Member;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::responses::{AuthErrors, Invalid};
use crate::state::AppState;
use actix_web::{get, put};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::notification_settings::{self, NotificationSettings, SettingsChange};
use praxis_domain::notification_mail::{level_name, MailDelivery};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_notification_settings)
        .service(put_notification_settings);
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "delivery": "daily",
    "mail": true,
    "next_digest_at": "2026-12-07T12:00:00Z",
    "spaces": {"lobby": "all", "lobby-members": "mentions", "practitioner-lounge": "none"}
}))]
pub struct NotificationSettingsResponse {
    /// `immediate` (each notification mailed within a minute), `daily` (a digest at 07:00 in
    /// the member's time zone) or `weekly` (the same, on Mondays).
    pub delivery: String,
    /// Whether notification mail is sent at all: off until the member saves a delivery, and
    /// after the one-click unsubscribe of a notification mail.
    pub mail: bool,
    /// When the next digest is built (UTC); absent with `immediate` or with mail off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_digest_at: Option<DateTime<Utc>>,
    /// Every space the member may read now, by slug: `all` (replies, mentions and new posts in
    /// what they follow), `mentions` (mentions and replies) or `none`. Applies in the app and by
    /// mail.
    pub spaces: BTreeMap<String, String>,
}

impl From<NotificationSettings> for NotificationSettingsResponse {
    fn from(s: NotificationSettings) -> Self {
        Self {
            delivery: s.delivery.as_str().to_owned(),
            mail: s.mail,
            next_digest_at: s.next_digest_at,
            spaces: s
                .spaces
                .into_iter()
                .map(|(slug, level)| (slug, level_name(level).to_owned()))
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"delivery": "weekly", "spaces": {"lobby": "mentions"}}))]
pub struct NotificationSettingsRequest {
    /// `immediate`, `daily` or `weekly`.
    pub delivery: String,
    /// Levels to set, by space slug (`all`, `mentions`, `none`); spaces left out keep theirs.
    /// A slug naming no space the member may read is refused (422 naming `spaces.<slug>`).
    #[serde(default)]
    pub spaces: BTreeMap<String, String>,
    /// `false` keeps the choice but sends no mail; saving without it turns mail on.
    #[serde(default)]
    pub mail: Option<bool>,
}

/// The caller's notification settings: delivery of notification mail and the level of every
/// space they may read.
#[utoipa::path(tag = "me", security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = NotificationSettingsResponse),
        AuthErrors,
    ))]
#[get("/me/notification-settings")]
pub async fn get_notification_settings(
    state: web::Data<AppState>,
    member: Member,
) -> ApiResult<HttpResponse> {
    let settings = state
        .read(move |c| notification_settings::get(c, &member.ctx))
        .await?;
    Ok(HttpResponse::Ok().json(NotificationSettingsResponse::from(settings)))
}

/// Saves how notification mail is delivered (turning it on unless `mail` is `false`; only
/// notifications from now on are mailed) and the levels of the spaces named.
#[utoipa::path(tag = "me", security(("bearer" = [])),
    request_body = NotificationSettingsRequest,
    responses(
        (status = 200, description = "The settings now in force", body = NotificationSettingsResponse),
        AuthErrors,
        Invalid,
    ))]
#[put("/me/notification-settings")]
pub async fn put_notification_settings(
    state: web::Data<AppState>,
    member: Member,
    body: Json<NotificationSettingsRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let change = SettingsChange {
        delivery: MailDelivery::parse(&body.delivery)?,
        mail: body.mail,
        spaces: body.spaces,
    };
    let now = state.now();
    let settings = state
        .write(move |c| notification_settings::update(c, &member.ctx, change, now))
        .await?;
    Ok(HttpResponse::Ok().json(NotificationSettingsResponse::from(settings)))
}
