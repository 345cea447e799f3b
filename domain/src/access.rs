//! Who may enter which space, derived from what is true at the moment of the request.
//!
//! Nothing about access is stored on the member: it is computed every time from their roles,
//! their active subscription, their participation in invite-only and sealed rooms, and whether
//! they accepted the current terms. Every read and write path calls [`space_access`], so
//! cancelling a subscription or publishing new terms closes a space on the very next request.

use crate::account::{can_host, Role};
use crate::plans::PlanSlug;
use crate::{Error, Result};

/// Who may read a space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Anyone reads, even without an account (the Lobby).
    Public,
    /// Every registered member.
    Members,
    /// Members with an active subscription to one of these plans (PRO includes Practitioner).
    Plans(Vec<PlanSlug>),
    /// Named members, and the hosts who run the community.
    Invite,
    /// Only its participants read it: not hosts, not admins (a supervision room). Admins may
    /// still manage who participates.
    Sealed,
}

impl Visibility {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Members => "members",
            Self::Plans(_) => "plans",
            Self::Invite => "invite",
            Self::Sealed => "sealed",
        }
    }

    /// Parses a visibility; `plans` needs at least one paid plan.
    pub fn parse(raw: &str, plans: &[PlanSlug]) -> Result<Self> {
        match raw {
            "public" => Ok(Self::Public),
            "members" => Ok(Self::Members),
            "plans" if plans.iter().any(PlanSlug::is_paid) => Ok(Self::Plans(plans.to_vec())),
            "plans" => Err(Error::field(
                "plans",
                "list at least one paid plan: practitioner, pro",
            )),
            "invite" => Ok(Self::Invite),
            "sealed" => Ok(Self::Sealed),
            _ => Err(Error::field(
                "visibility",
                "must be one of: public, members, plans, invite, sealed",
            )),
        }
    }

    /// Whether people outside the space may learn it exists.
    pub fn is_listed(&self) -> bool {
        !matches!(self, Self::Invite | Self::Sealed)
    }
}

/// What is known about the person asking, at the moment they ask.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    /// `None` for a visitor without an account.
    pub member: Option<MemberFacts>,
}

#[derive(Debug, Clone)]
pub struct MemberFacts {
    pub roles: Vec<Role>,
    /// The plan of the member's active paid subscription, if any.
    pub active_plan: Option<PlanSlug>,
    /// Whether the member accepted the current version of the terms (true when none is
    /// published).
    pub accepted_current_terms: bool,
    /// Whether the member proved they own their email address: until then they read, but do
    /// not post or pay.
    pub email_verified: bool,
}

impl Default for MemberFacts {
    fn default() -> Self {
        Self {
            roles: Vec::new(),
            active_plan: None,
            accepted_current_terms: true,
            email_verified: true,
        }
    }
}

/// Why a space is closed to someone, which decides how the API answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// Existence is secret: answer as if the space did not exist (404).
    Hidden,
    /// A visitor must sign in (401).
    SignInRequired,
    /// Entitled, but the current terms are not accepted yet (403 `terms-acceptance-required`).
    TermsRequired,
    /// Not entitled: no plan, lapsed, cancelled (403 with the reason).
    NotEntitled,
    /// May read, but must verify their email address before taking part (403
    /// `email-verification-required`).
    EmailUnverified,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Granted,
    Denied { denial: Denial, reason: String },
}

impl Access {
    pub fn is_granted(&self) -> bool {
        matches!(self, Self::Granted)
    }

    fn denied(denial: Denial, reason: impl Into<String>) -> Self {
        Self::Denied {
            denial,
            reason: reason.into(),
        }
    }
}

/// A space as the access rule needs it.
#[derive(Debug, Clone)]
pub struct SpaceFacts {
    pub visibility: Visibility,
    /// Whether the viewer is a named participant (invite and sealed spaces).
    pub is_participant: bool,
}

fn plan_grants(active: Option<PlanSlug>, listed: &[PlanSlug]) -> bool {
    match active {
        Some(PlanSlug::Pro) => {
            listed.contains(&PlanSlug::Pro) || listed.contains(&PlanSlug::Practitioner)
        }
        Some(plan) => listed.contains(&plan),
        None => false,
    }
}

fn plan_reason(listed: &[PlanSlug]) -> String {
    if listed == [PlanSlug::Pro] {
        "requires an active PRO subscription".to_owned()
    } else if listed.contains(&PlanSlug::Practitioner) {
        "requires an active Practitioner or PRO subscription".to_owned()
    } else {
        format!(
            "requires an active subscription to: {}",
            listed
                .iter()
                .map(PlanSlug::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// Whether `viewer` may read `space`. Entering anything but public reading requires the
/// current terms to be accepted.
pub fn space_access(viewer: &Viewer, space: &SpaceFacts) -> Access {
    let Some(member) = &viewer.member else {
        return match space.visibility {
            Visibility::Public => Access::Granted,
            Visibility::Invite | Visibility::Sealed => Access::denied(Denial::Hidden, "not found"),
            _ => Access::denied(Denial::SignInRequired, "sign in to enter this space"),
        };
    };
    let host = can_host(&member.roles);
    let entitled = match &space.visibility {
        Visibility::Public => return Access::Granted,
        Visibility::Members => Ok(()),
        Visibility::Plans(listed) if host || plan_grants(member.active_plan, listed) => Ok(()),
        Visibility::Plans(listed) => Err(Access::denied(Denial::NotEntitled, plan_reason(listed))),
        Visibility::Invite if host || space.is_participant => Ok(()),
        Visibility::Sealed if space.is_participant => Ok(()),
        Visibility::Invite | Visibility::Sealed => Err(Access::denied(Denial::Hidden, "not found")),
    };
    if let Err(denied) = entitled {
        return denied;
    }
    if !member.accepted_current_terms {
        return Access::denied(
            Denial::TermsRequired,
            "accept the current Terms and Conditions (POST /api/v1/me/terms-acceptances) to enter",
        );
    }
    Access::Granted
}

/// What an unverified member is told when they try to post or pay.
pub const VERIFY_EMAIL_REASON: &str = "verify your email address to take part: open the link we mailed you, or ask for a new one (POST /api/v1/auth/verification-mail)";

/// Whether `viewer` may post or comment in `space`: reading it, having verified their email
/// address, and for public spaces being a member who accepted the terms (visitors read the
/// Lobby; members write in it).
pub fn can_write(viewer: &Viewer, space: &SpaceFacts) -> Access {
    let read = space_access(viewer, space);
    match (&viewer.member, &space.visibility) {
        (None, _) => Access::denied(Denial::SignInRequired, "sign in to take part"),
        (Some(member), _) if !member.email_verified && read.is_granted() => {
            Access::denied(Denial::EmailUnverified, VERIFY_EMAIL_REASON)
        }
        (Some(member), Visibility::Public) if !member.accepted_current_terms => Access::denied(
            Denial::TermsRequired,
            "accept the current Terms and Conditions (POST /api/v1/me/terms-acceptances) to take part",
        ),
        _ => read,
    }
}

/// Whether `viewer` may moderate content in `space` (hide, restore, pin): hosts in spaces they
/// can read. In a sealed room nobody outside it moderates its content.
pub fn can_moderate(viewer: &Viewer, space: &SpaceFacts) -> bool {
    viewer.member.as_ref().is_some_and(|m| can_host(&m.roles))
        && space_access(viewer, space).is_granted()
}

#[cfg(test)]
mod tests {
    use super::*;
    use PlanSlug::{Practitioner, Pro};

    fn member(plan: Option<PlanSlug>, roles: Vec<Role>, terms: bool) -> Viewer {
        Viewer {
            member: Some(MemberFacts {
                roles,
                active_plan: plan,
                accepted_current_terms: terms,
                email_verified: true,
            }),
        }
    }

    fn space(visibility: Visibility, participant: bool) -> SpaceFacts {
        SpaceFacts {
            visibility,
            is_participant: participant,
        }
    }

    /// Every role × space × state: G granted, H hidden (404), S sign in (401), T terms (403),
    /// E not entitled (403).
    #[test]
    fn access_is_derived_per_request_for_every_role_space_and_state() {
        let lobby = space(Visibility::Public, false);
        let members = space(Visibility::Members, false);
        let practitioner_lounge = space(Visibility::Plans(vec![Practitioner, Pro]), false);
        let pro_lounge = space(Visibility::Plans(vec![Pro]), false);
        let invite_out = space(Visibility::Invite, false);
        let invite_in = space(Visibility::Invite, true);
        let sealed_out = space(Visibility::Sealed, false);
        let sealed_in = space(Visibility::Sealed, true);
        let spaces = [
            &lobby,
            &members,
            &practitioner_lounge,
            &pro_lounge,
            &invite_out,
            &invite_in,
            &sealed_out,
            &sealed_in,
        ];

        let visitor = Viewer::default();
        let lobby_member = member(None, vec![], true);
        let practitioner = member(Some(Practitioner), vec![], true);
        let lapsed_or_cancelled = member(None, vec![], true);
        let pro = member(Some(Pro), vec![], true);
        let pro_cancelled = member(None, vec![], true);
        let practitioner_old_terms = member(Some(Practitioner), vec![], false);
        let host = member(None, vec![Role::Host], true);
        let admin = member(None, vec![Role::Admin], true);

        let table: [(&str, &Viewer, &str); 9] = [
            ("visitor", &visitor, "GSSSHHHH"),
            ("lobby member", &lobby_member, "GGEEHGHG"),
            ("practitioner", &practitioner, "GGGEHGHG"),
            (
                "lapsed or cancelled practitioner",
                &lapsed_or_cancelled,
                "GGEEHGHG",
            ),
            ("pro", &pro, "GGGGHGHG"),
            ("pro cancelled", &pro_cancelled, "GGEEHGHG"),
            (
                "practitioner, terms outdated",
                &practitioner_old_terms,
                "GTTEHTHT",
            ),
            ("host", &host, "GGGGGGHG"),
            ("admin", &admin, "GGGGGGHG"),
        ];
        for (who, viewer, expected) in table {
            for (space, code) in spaces.iter().zip(expected.chars()) {
                let got = match space_access(viewer, space) {
                    Access::Granted => 'G',
                    Access::Denied {
                        denial: Denial::Hidden,
                        ..
                    } => 'H',
                    Access::Denied {
                        denial: Denial::SignInRequired,
                        ..
                    } => 'S',
                    Access::Denied {
                        denial: Denial::TermsRequired,
                        ..
                    } => 'T',
                    Access::Denied {
                        denial: Denial::NotEntitled,
                        ..
                    } => 'E',
                    Access::Denied {
                        denial: Denial::EmailUnverified,
                        ..
                    } => 'V',
                };
                assert_eq!(
                    got, code,
                    "{who} in {:?} (participant: {})",
                    space.visibility, space.is_participant
                );
            }
        }
    }

    #[test]
    fn unverified_members_read_but_do_not_write() {
        let mut unverified = member(Some(Pro), vec![], true);
        if let Some(m) = unverified.member.as_mut() {
            m.email_verified = false;
        }
        for visibility in [
            Visibility::Public,
            Visibility::Members,
            Visibility::Plans(vec![Pro]),
        ] {
            let room = space(visibility, false);
            assert!(space_access(&unverified, &room).is_granted());
            assert!(matches!(
                can_write(&unverified, &room),
                Access::Denied {
                    denial: Denial::EmailUnverified,
                    ..
                }
            ));
        }
        // A space they may not read stays hidden: being unverified reveals nothing more.
        assert!(matches!(
            can_write(&unverified, &space(Visibility::Invite, false)),
            Access::Denied {
                denial: Denial::Hidden,
                ..
            }
        ));
    }

    #[test]
    fn pro_includes_the_practitioner_lounge() {
        let pro = member(Some(Pro), vec![], true);
        let lounge = space(Visibility::Plans(vec![Practitioner]), false);
        assert!(space_access(&pro, &lounge).is_granted());
    }

    #[test]
    fn admins_manage_but_never_read_a_sealed_room() {
        let admin = member(None, vec![Role::Admin], true);
        let sealed = space(Visibility::Sealed, false);
        assert!(!space_access(&admin, &sealed).is_granted());
        assert!(!can_moderate(&admin, &sealed));
    }

    #[test]
    fn visitors_read_the_lobby_but_only_members_who_accepted_the_terms_write() {
        let lobby = space(Visibility::Public, false);
        assert!(space_access(&Viewer::default(), &lobby).is_granted());
        assert!(!can_write(&Viewer::default(), &lobby).is_granted());
        assert!(!can_write(&member(None, vec![], false), &lobby).is_granted());
        assert!(can_write(&member(None, vec![], true), &lobby).is_granted());
    }

    #[test]
    fn denied_access_says_why() {
        let lobby_member = member(None, vec![], true);
        let pro_lounge = space(Visibility::Plans(vec![Pro]), false);
        assert!(matches!(
            space_access(&lobby_member, &pro_lounge),
            Access::Denied { reason, .. } if reason.contains("PRO")
        ));
    }

    #[test]
    fn space_visibility_plans_needs_a_paid_plan() {
        assert!(Visibility::parse("plans", &[]).is_err());
        assert!(Visibility::parse("plans", &[PlanSlug::Lobby]).is_err());
        assert!(Visibility::parse("plans", &[Pro]).is_ok());
        assert!(Visibility::parse("secret", &[]).is_err());
    }
}
