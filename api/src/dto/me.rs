//! The caller's profile as `/me`, login and registration answer it.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use praxis_app::access::{all_spaces, load_viewer};
use praxis_domain::access::Access;
use praxis_persistence::users;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpaceAccess {
    Granted,
    Denied,
}

#[derive(Serialize, ToSchema)]
pub struct SpaceAccessResponse {
    #[schema(example = "practitioner-lounge")]
    pub slug: String,
    pub access: SpaceAccess,
    /// Why access is denied, for a person to read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019380aa-7c4e-7cc3-a1a6-0c1b5f7d2e10", "email": "ana@example.org", "display_name": "Ana",
    "roles": [], "time_zone": "Europe/Madrid", "locale": "es",
    "calendar_feed_url": "http://127.0.0.1:8080/api/v1/calendar/4kq….ics",
    "spaces": [{"slug": "lobby", "access": "granted"}, {"slug": "pro-lounge", "access": "denied", "reason": "requires an active PRO subscription"}]
}))]
pub struct MeResponse {
    pub id: String,
    pub email: String,
    pub display_name: String,
    /// `host` and/or `admin`.
    pub roles: Vec<String>,
    pub time_zone: String,
    pub locale: String,
    /// Personal iCalendar feed of the events the member may attend. Keep it private.
    pub calendar_feed_url: String,
    pub spaces: Vec<SpaceAccessResponse>,
}

/// Builds the profile as it is now: roles and space access are derived at this moment.
pub async fn load_me(state: &AppState, user_id: String) -> ApiResult<MeResponse> {
    let public_url = state.config.public_url.clone();
    let now = state.now();
    state
        .db(move |conn| {
            let user = users::find_by_id(conn, &user_id)?.ok_or_else(|| {
                ApiError::unauthorized("invalid-token", "The account no longer exists.")
            })?;
            let ctx = load_viewer(conn, Some(&user_id), now)?;
            let spaces = all_spaces(conn)?
                .iter()
                .filter(|space| ctx.may_know(space))
                .map(|space| {
                    let (access, reason) = match ctx.access(space) {
                        Access::Granted => (SpaceAccess::Granted, None),
                        Access::Denied { reason, .. } => (SpaceAccess::Denied, Some(reason)),
                    };
                    SpaceAccessResponse {
                        slug: space.row.slug.clone(),
                        access,
                        reason,
                    }
                })
                .collect();
            let roles = ctx
                .viewer
                .member
                .as_ref()
                .map(|m| m.roles.iter().map(|r| r.as_str().to_owned()).collect())
                .unwrap_or_default();
            Ok(MeResponse {
                calendar_feed_url: format!(
                    "{public_url}/api/v1/calendar/{}.ics",
                    user.calendar_feed_token
                ),
                id: user.id,
                email: user.email,
                display_name: user.display_name,
                roles,
                time_zone: user.time_zone,
                locale: user.locale,
                spaces,
            })
        })
        .await
}
