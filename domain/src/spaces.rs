//! A new space, as a host asks for it: a slug, a name, a description and who may read it, parsed
//! into values that can only hold what the rules allow. Every invalid field is reported at once.

use crate::access::Visibility;
use crate::error::{Errors, Result};
use crate::plans::PlanSlug;
use crate::Error;

/// Longest name of a space, in characters.
pub const NAME_MAX: usize = 120;
/// Longest description of a space, in characters.
pub const DESCRIPTION_MAX: usize = 2000;

/// A space slug as a host chooses it: 3–60 lower-case letters, digits and dashes, not starting
/// or ending with a dash.
pub fn valid_slug(slug: &str) -> bool {
    (3..=60).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

/// A new space, as sent.
#[derive(Debug, Clone, Default)]
pub struct NewSpaceInput<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub visibility: &'a str,
    pub plans: &'a [String],
}

/// A new space, as checked.
#[derive(Debug, Clone)]
pub struct NewSpace {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Who may read it; for `plans`, the plans that open it.
    pub visibility: Visibility,
}

impl NewSpace {
    pub fn parse(input: &NewSpaceInput<'_>) -> Result<Self> {
        let mut errors = Errors::new();
        if !valid_slug(input.slug) {
            errors.push("slug", "must be 3–60 lower-case letters, digits and dashes");
        }
        let name = input.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > NAME_MAX {
            errors.push(
                "name",
                format!("must be between 1 and {NAME_MAX} characters"),
            );
        }
        let description = input.description.unwrap_or_default().trim().to_owned();
        if description.chars().count() > DESCRIPTION_MAX {
            errors.push(
                "description",
                format!("must be at most {DESCRIPTION_MAX} characters"),
            );
        }
        let mut plans = Vec::new();
        for (i, raw) in input.plans.iter().enumerate() {
            match PlanSlug::parse(raw) {
                Ok(plan) if plan.is_paid() => plans.push(plan),
                _ => errors.push(format!("plans[{i}]"), "must be one of: practitioner, pro"),
            }
        }
        let visibility = errors.take(Visibility::parse(input.visibility, &plans));
        errors.finish()?;
        let Some(visibility) = visibility else {
            return Err(Error::field("visibility", "is invalid"));
        };
        // Only once every field is right: plans listed for a space they cannot open.
        if !matches!(visibility, Visibility::Plans(_)) && !plans.is_empty() {
            return Err(Error::field("plans", "only `plans` spaces list plans"));
        }
        Ok(Self {
            slug: input.slug.to_owned(),
            name,
            description,
            visibility,
        })
    }

    /// The plans that open it (none unless its visibility is `plans`).
    pub fn plans(&self) -> &[PlanSlug] {
        match &self.visibility {
            Visibility::Plans(plans) => plans,
            _ => &[],
        }
    }
}

/// Who may change a room's participants: for a sealed room, a manager names *other* people,
/// never themselves (adding or removing), so nobody outside can make themselves a reader and
/// nobody inside quietly rewrites their own membership. Invite-only spaces have no such limit.
pub fn may_change_participant(
    visibility: &Visibility,
    manager: &crate::ids::UserId,
    member: &crate::ids::UserId,
) -> Result<()> {
    if matches!(visibility, Visibility::Sealed) && manager == member {
        return Err(Error::forbidden(
            "sealed-self-admission",
            "In a sealed room you may add or remove other people, never yourself.",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn input<'a>(visibility: &'a str, plans: &'a [String]) -> NewSpaceInput<'a> {
        NewSpaceInput {
            slug: "circle-1",
            name: "Circle",
            description: None,
            visibility,
            plans,
        }
    }

    #[test]
    fn new_space_reports_every_invalid_field() {
        let plans = vec!["lobby".to_owned()];
        let err = NewSpace::parse(&NewSpaceInput {
            slug: "-x",
            name: " ",
            description: Some(&"d".repeat(DESCRIPTION_MAX + 1)),
            visibility: "nobody",
            plans: &plans,
        })
        .unwrap_err();
        let Error::Validation(fields) = err else {
            panic!("{err:?}")
        };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            names,
            ["slug", "name", "description", "plans[0]", "visibility"]
        );
    }

    #[test]
    fn new_space_lists_plans_only_when_plans_open_it() {
        let pro = vec!["pro".to_owned()];
        assert!(NewSpace::parse(&input("sealed", &pro)).is_err());
        let space = NewSpace::parse(&input("plans", &pro)).unwrap();
        assert_eq!(space.plans(), &[PlanSlug::Pro]);
        assert!(NewSpace::parse(&input("plans", &[])).is_err());
        assert!(NewSpace::parse(&input("sealed", &[])).is_ok());
    }

    #[test]
    fn sealed_room_managers_never_change_their_own_participation() {
        use crate::ids::UserId;
        let (admin, other) = (UserId::new(), UserId::new());
        let err = may_change_participant(&Visibility::Sealed, &admin, &admin).unwrap_err();
        assert!(matches!(
            err,
            Error::Forbidden {
                kind: "sealed-self-admission",
                ..
            }
        ));
        assert!(may_change_participant(&Visibility::Sealed, &admin, &other).is_ok());
        assert!(may_change_participant(&Visibility::Invite, &admin, &admin).is_ok());
    }
}
