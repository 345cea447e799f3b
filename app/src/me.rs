//! A member's own profile: who they are, their roles and each space they may know of with
//! whether they may enter it now and why not; and changes to their name, zone and language.

use crate::access::{all_spaces, load_viewer};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use praxis_domain::access::Access;
use praxis_domain::account::Role;
use praxis_domain::ids::UserId;
use praxis_domain::profiles::ProfileChange;
use praxis_persistence::users::{self, UserChanges, UserRow};
use praxis_persistence::{to_db_time, DbConnection};

/// A space the member may know of, and whether they may enter it now.
#[derive(Debug, Clone)]
pub struct SpaceAccess {
    pub slug: String,
    pub access: Access,
}

/// The member's profile as it is now: roles and space access are derived at this moment.
#[derive(Debug, Clone)]
pub struct Profile {
    pub user: UserRow,
    pub roles: Vec<Role>,
    pub spaces: Vec<SpaceAccess>,
    /// The e-course entitlements the member holds, with their source.
    pub entitlements: Vec<crate::entitlements::EntitlementView>,
}

fn account_gone() -> Error {
    Error::unauthenticated("invalid-token", "The account no longer exists.")
}

/// The member's profile (401 `invalid-token` when the account was deleted meanwhile).
pub fn profile(conn: &mut DbConnection, member: &UserId, now: DateTime<Utc>) -> Result<Profile> {
    let user = users::find_by_id(conn, member.as_str())?.ok_or_else(account_gone)?;
    let ctx = load_viewer(conn, Some(member.as_str()), now)?;
    let spaces = all_spaces(conn)?
        .iter()
        .filter(|space| ctx.may_know(space))
        .map(|space| SpaceAccess {
            slug: space.row.slug.clone(),
            access: ctx.access(space),
        })
        .collect();
    let entitlements = crate::entitlements::mine(conn, &ctx)?;
    let roles = ctx.viewer.member.map(|m| m.roles).unwrap_or_default();
    Ok(Profile {
        user,
        roles,
        spaces,
        entitlements,
    })
}

/// Changes the member's name, time zone, language or directory profile; what the change leaves
/// out stays.
pub fn update(
    conn: &mut DbConnection,
    member: &UserId,
    change: ProfileChange,
    now: DateTime<Utc>,
) -> Result<()> {
    let changes = UserChanges {
        display_name: change.display_name.map(|n| n.as_str().to_owned()),
        time_zone: change.time_zone.map(|t| t.name().to_owned()),
        locale: change.locale.map(|l| l.as_str().to_owned()),
        listed: change.listed,
        bio: change.bio.map(|b| b.into_inner()),
        languages: change.languages.map(|l| l.to_stored()),
        updated_at: Some(to_db_time(now)),
    };
    match users::update(conn, member.as_str(), &changes) {
        Err(praxis_persistence::Error::NotFound) => Err(account_gone()),
        other => Ok(other?),
    }
}
