//! The caller's profile as `/me`, login and registration answer it.

use crate::error::ApiResult;
use crate::state::AppState;
use praxis_app::me::Profile;
use praxis_domain::access::Access;
use praxis_domain::ids::UserId;
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
    "id": "019380aa-7c4e-7cc3-a1a6-0c1b5f7d2e10", "email": "ana@example.org", "email_verified": true, "display_name": "Ana",
    "listed": false, "bio": null, "languages": ["es", "en"],
    "roles": [], "time_zone": "Europe/Madrid", "locale": "es",
    "calendar_feed_url": "http://127.0.0.1:8080/api/v1/calendar/4kq….ics",
    "spaces": [{"slug": "lobby", "access": "granted"}, {"slug": "pro-lounge", "access": "denied", "reason": "requires an active PRO subscription"}],
    "entitlements": []
}))]
pub struct MeResponse {
    pub id: String,
    pub email: String,
    /// Whether the member opened the link mailed to `email`. Until then they read but do not
    /// post or pay (403 `email-verification-required`); `POST /api/v1/auth/verification-mail`
    /// sends a new link.
    pub email_verified: bool,
    pub display_name: String,
    /// Whether the member appears in the member directory (off until they turn it on).
    pub listed: bool,
    /// Shown in the directory when listed.
    pub bio: Option<String>,
    /// Languages spoken, as ISO 639 codes.
    pub languages: Vec<String>,
    /// `host` and/or `admin`.
    pub roles: Vec<String>,
    pub time_zone: String,
    pub locale: String,
    /// Personal iCalendar feed of the events the member may attend. Keep it private.
    pub calendar_feed_url: String,
    pub spaces: Vec<SpaceAccessResponse>,
    /// The e-course entitlements the member holds, each with its source (`subscription`,
    /// `grant`, `purchase`).
    pub entitlements: Vec<crate::dto::courses::EntitlementResponse>,
}

impl MeResponse {
    /// The profile as the member sees it; the feed URL is under the public `base` URL.
    pub fn from_profile(profile: Profile, base: &str) -> Self {
        let user = profile.user;
        Self {
            calendar_feed_url: format!("{base}/api/v1/calendar/{}.ics", user.calendar_feed_token),
            id: user.id,
            email: user.email,
            email_verified: user.email_verified_at.is_some(),
            listed: user.listed,
            languages: praxis_domain::account::Languages::from_stored(&user.languages)
                .codes()
                .to_vec(),
            bio: user.bio,
            display_name: user.display_name,
            roles: profile
                .roles
                .iter()
                .map(|r| r.as_str().to_owned())
                .collect(),
            time_zone: user.time_zone,
            locale: user.locale,
            spaces: profile
                .spaces
                .into_iter()
                .map(|space| {
                    let (access, reason) = match space.access {
                        Access::Granted => (SpaceAccess::Granted, None),
                        Access::Denied { reason, .. } => (SpaceAccess::Denied, Some(reason)),
                    };
                    SpaceAccessResponse {
                        slug: space.slug,
                        access,
                        reason,
                    }
                })
                .collect(),
            entitlements: profile.entitlements.into_iter().map(Into::into).collect(),
        }
    }
}

/// Loads the member's profile as it is now and answers it as `/me` does.
pub async fn load_me(state: &AppState, member: UserId) -> ApiResult<MeResponse> {
    let now = state.now();
    let profile = state
        .read(move |conn| praxis_app::me::profile(conn, &member, now))
        .await?;
    Ok(MeResponse::from_profile(profile, &state.config.public_url))
}
