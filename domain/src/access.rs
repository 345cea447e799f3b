//! Who may enter which space, derived from what is true at the moment of the request.
//!
//! Nothing about access is stored on the member: it is computed every time from their roles and
//! their active subscription, so cancelling or expiring a subscription closes a space at once.

use crate::account::{can_host, Role};
use crate::plans::PlanSlug;

/// The spaces every community has from the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltInSpace {
    Lobby,
    LobbyMembers,
    PractitionerLounge,
    ProLounge,
}

impl BuiltInSpace {
    pub const ALL: [BuiltInSpace; 4] = [
        Self::Lobby,
        Self::LobbyMembers,
        Self::PractitionerLounge,
        Self::ProLounge,
    ];

    pub fn slug(&self) -> &'static str {
        match self {
            Self::Lobby => "lobby",
            Self::LobbyMembers => "lobby-members",
            Self::PractitionerLounge => "practitioner-lounge",
            Self::ProLounge => "pro-lounge",
        }
    }
}

/// What is known about the person asking, at the moment they ask.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    /// `None` for a visitor without an account.
    pub member: Option<MemberFacts>,
}

#[derive(Debug, Clone, Default)]
pub struct MemberFacts {
    pub roles: Vec<Role>,
    /// The plan of the member's active paid subscription, if any.
    pub active_plan: Option<PlanSlug>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Granted,
    Denied(&'static str),
}

/// Space access for a built-in space. PRO includes everything a Practitioner has; hosts run the
/// community and enter every built-in space.
pub fn built_in_space_access(viewer: &Viewer, space: BuiltInSpace) -> Access {
    let Some(member) = &viewer.member else {
        return match space {
            BuiltInSpace::Lobby => Access::Granted,
            _ => Access::Denied("sign in to enter this space"),
        };
    };
    if can_host(&member.roles) {
        return Access::Granted;
    }
    match (space, member.active_plan) {
        (BuiltInSpace::Lobby | BuiltInSpace::LobbyMembers, _) => Access::Granted,
        (BuiltInSpace::PractitionerLounge, Some(PlanSlug::Practitioner | PlanSlug::Pro)) => {
            Access::Granted
        }
        (BuiltInSpace::PractitionerLounge, _) => {
            Access::Denied("requires an active Practitioner or PRO subscription")
        }
        (BuiltInSpace::ProLounge, Some(PlanSlug::Pro)) => Access::Granted,
        (BuiltInSpace::ProLounge, _) => Access::Denied("requires an active PRO subscription"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BuiltInSpace::*;

    fn member(plan: Option<PlanSlug>, roles: Vec<Role>) -> Viewer {
        Viewer {
            member: Some(MemberFacts {
                roles,
                active_plan: plan,
            }),
        }
    }

    #[test]
    fn access_is_derived_from_plan_and_roles() {
        use Access::Granted as G;
        let visitor = Viewer::default();
        let lobby = member(None, vec![]);
        let practitioner = member(Some(PlanSlug::Practitioner), vec![]);
        let pro = member(Some(PlanSlug::Pro), vec![]);
        let host = member(None, vec![Role::Host]);
        let table: [(&Viewer, [bool; 4]); 5] = [
            (&visitor, [true, false, false, false]),
            (&lobby, [true, true, false, false]),
            (&practitioner, [true, true, true, false]),
            (&pro, [true, true, true, true]),
            (&host, [true, true, true, true]),
        ];
        for (viewer, expected) in table {
            for (space, granted) in BuiltInSpace::ALL.iter().zip(expected) {
                let access = built_in_space_access(viewer, *space);
                assert_eq!(access == G, granted, "{viewer:?} in {space:?}");
            }
        }
    }

    #[test]
    fn pro_includes_the_practitioner_lounge() {
        let pro = member(Some(PlanSlug::Pro), vec![]);
        assert_eq!(
            built_in_space_access(&pro, PractitionerLounge),
            Access::Granted
        );
    }

    #[test]
    fn denied_access_says_why() {
        let lobby = member(None, vec![]);
        assert!(matches!(
            built_in_space_access(&lobby, ProLounge),
            Access::Denied(reason) if reason.contains("PRO")
        ));
    }
}
