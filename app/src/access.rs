//! The one place handlers learn what the caller may see: the viewer's facts are loaded from the
//! database at the moment of the request and every read and write path asks
//! `praxis_domain::access` through these helpers.

use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use praxis_domain::access::{self, Access, Denial, MemberFacts, SpaceFacts, Viewer, Visibility};
use praxis_domain::plans::PlanSlug;
use praxis_persistence::spaces::{self, SpaceRow, SpaceWithPlans};
use praxis_persistence::{to_db_time, viewer, DbConnection};
use std::collections::HashSet;

/// The caller as access rules see them, at this moment.
#[derive(Debug, Clone, Default)]
pub struct ViewerContext {
    pub user_id: Option<String>,
    pub viewer: Viewer,
    /// Invite-only and sealed spaces the caller is a named participant of.
    pub participant_of: HashSet<String>,
    /// The account's session generation (0 for visitors).
    pub session_generation: i64,
}

/// A space with its access rule.
#[derive(Debug, Clone)]
pub struct Space {
    pub row: SpaceRow,
    pub plans: Vec<PlanSlug>,
    pub visibility: Visibility,
}

impl Space {
    /// The space's id, typed.
    pub fn id(&self) -> praxis_domain::ids::SpaceId {
        praxis_domain::ids::SpaceId::from_trusted(self.row.id.clone())
    }

    pub fn from_row((row, plans): SpaceWithPlans) -> Result<Self> {
        let plans: Vec<PlanSlug> = plans
            .iter()
            .filter_map(|p| PlanSlug::parse(p).ok())
            .collect();
        let visibility = Visibility::parse(&row.visibility, &plans).map_err(|_| {
            Error::internal(format!("space {} has an invalid visibility", row.slug))
        })?;
        Ok(Self {
            row,
            plans,
            visibility,
        })
    }
}

/// Loads what access depends on: roles, the active subscription, acceptance of the current
/// terms, and participation, in one round trip (`praxis_persistence::viewer::facts`).
pub fn load_viewer(
    conn: &mut DbConnection,
    user_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ViewerContext> {
    let Some(user_id) = user_id else {
        return Ok(ViewerContext::default());
    };
    let Some(facts) = viewer::facts(conn, user_id, to_db_time(now))? else {
        return Err(Error::unauthenticated(
            "invalid-token",
            "The account no longer exists.",
        ));
    };
    Ok(ViewerContext {
        user_id: Some(user_id.to_owned()),
        viewer: Viewer {
            member: Some(MemberFacts {
                roles: facts.roles,
                active_plan: facts
                    .active_plan
                    .and_then(|slug| PlanSlug::parse(&slug).ok()),
                accepted_current_terms: facts.accepted_current_terms,
                email_verified: facts.email_verified,
            }),
        },
        participant_of: facts.participant_of.into_iter().collect(),
        session_generation: facts.session_generation,
    })
}

/// The caller of a request, named by their access token's user id and session generation:
/// [`load_viewer`] in the same round trip, refused when the token was issued before the account
/// signed out everywhere or changed its password.
pub fn load_caller(
    conn: &mut DbConnection,
    caller: Option<(&str, i64)>,
    now: DateTime<Utc>,
) -> Result<ViewerContext> {
    let ctx = load_viewer(conn, caller.map(|c| c.0), now)?;
    match caller {
        Some((_, generation)) if generation != ctx.session_generation => {
            Err(Error::unauthenticated(
                "invalid-token",
                "This session was signed out (everywhere, or by a password change); log in again.",
            ))
        }
        _ => Ok(ctx),
    }
}

impl ViewerContext {
    /// Everything access decisions depend on, as text and without the caller's id: two callers
    /// with the same key are allowed the same and shown the same lists (cache keys).
    pub fn access_key(&self) -> String {
        let mut participant_of: Vec<&str> =
            self.participant_of.iter().map(String::as_str).collect();
        participant_of.sort_unstable();
        match &self.viewer.member {
            None => "visitor".to_owned(),
            Some(m) => {
                let roles: Vec<&str> = m.roles.iter().map(|r| r.as_str()).collect();
                format!(
                    "roles={};plan={};terms={};in={}",
                    roles.join(","),
                    m.active_plan.map_or("", |p| p.as_str()),
                    m.accepted_current_terms,
                    participant_of.join(",")
                )
            }
        }
    }

    fn facts(&self, space: &Space) -> SpaceFacts {
        SpaceFacts {
            visibility: space.visibility.clone(),
            is_participant: self.participant_of.contains(&space.row.id),
        }
    }

    /// Whether the caller may read the space.
    pub fn access(&self, space: &Space) -> Access {
        access::space_access(&self.viewer, &self.facts(space))
    }

    /// Whether the caller may post or comment in the space.
    pub fn write_access(&self, space: &Space) -> Access {
        access::can_write(&self.viewer, &self.facts(space))
    }

    pub fn can_moderate(&self, space: &Space) -> bool {
        access::can_moderate(&self.viewer, &self.facts(space))
    }

    /// Whether the caller may learn that the space exists at all.
    pub fn may_know(&self, space: &Space) -> bool {
        !matches!(
            self.access(space),
            Access::Denied {
                denial: Denial::Hidden,
                ..
            }
        )
    }

    /// The ids of every space whose content the caller may read: lists, feeds and search filter
    /// by these before anything is counted, ranked or shown.
    pub fn readable_space_ids(&self, all: &[Space]) -> Vec<String> {
        all.iter()
            .filter(|s| self.access(s).is_granted())
            .map(|s| s.row.id.clone())
            .collect()
    }
}

/// Refuses members who have not verified their email address yet (403
/// `email-verification-required`): they read, but neither write to people nor pay.
pub fn require_verified_email(ctx: &ViewerContext) -> Result<()> {
    match &ctx.viewer.member {
        Some(member) if !member.email_verified => Err(Error::forbidden(
            "email-verification-required",
            access::VERIFY_EMAIL_REASON,
        )),
        _ => Ok(()),
    }
}

/// Every space, with its rule.
pub fn all_spaces(conn: &mut DbConnection) -> Result<Vec<Space>> {
    spaces::all(conn)?
        .into_iter()
        .map(Space::from_row)
        .collect()
}

/// The answer for a space the caller may not enter: 404 when its existence is secret, 401 for
/// visitors, 403 with the reason otherwise.
pub fn space_denied(access: Access) -> Error {
    match access {
        Access::Granted => Error::internal("access granted treated as denied"),
        Access::Denied {
            denial: Denial::Hidden,
            ..
        } => Error::NotFound("space"),
        Access::Denied {
            denial: Denial::SignInRequired,
            reason,
        } => Error::unauthenticated("authentication-required", reason),
        Access::Denied {
            denial: Denial::TermsRequired,
            reason,
        } => Error::forbidden("terms-acceptance-required", reason),
        Access::Denied {
            denial: Denial::NotEntitled,
            reason,
        } => Error::forbidden("space-access-denied", reason),
        Access::Denied {
            denial: Denial::EmailUnverified,
            reason,
        } => Error::forbidden("email-verification-required", reason),
    }
}

/// The answer for content (a post, comment, reaction…) in a space the caller may not read:
/// always 404, so nobody outside learns it exists — except an entitled member who only has to
/// accept the new terms, who is told so.
pub fn content_denied(access: Access) -> Error {
    match access {
        Access::Denied {
            denial: Denial::TermsRequired,
            reason,
        } => Error::forbidden("terms-acceptance-required", reason),
        Access::Denied {
            denial: Denial::EmailUnverified,
            reason,
        } => Error::forbidden("email-verification-required", reason),
        _ => Error::NotFound("content"),
    }
}

/// A space by slug that the caller may read, or the right refusal.
pub fn readable_space(conn: &mut DbConnection, ctx: &ViewerContext, slug: &str) -> Result<Space> {
    let space = spaces::find_by_slug(conn, slug)?
        .map(Space::from_row)
        .transpose()?
        .ok_or(Error::NotFound("space"))?;
    granted(ctx, space)
}

/// The space `slug` among `all` (from [`all_spaces`]) if the caller may read it, or the right
/// refusal: for use cases that need every space anyway, one lookup fewer.
pub fn readable_space_among(ctx: &ViewerContext, all: &[Space], slug: &str) -> Result<Space> {
    let space = all
        .iter()
        .find(|s| s.row.slug == slug)
        .cloned()
        .ok_or(Error::NotFound("space"))?;
    granted(ctx, space)
}

fn granted(ctx: &ViewerContext, space: Space) -> Result<Space> {
    match ctx.access(&space) {
        Access::Granted => Ok(space),
        denied => Err(space_denied(denied)),
    }
}
