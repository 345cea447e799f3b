//! The resource library's rules (DOMAIN.md "Learning"): articles, case studies (by
//! organisation type), interviews, courses and coaching packages, public or limited to a
//! space, in English and Spanish with one translation per language.

use crate::error::Errors;
use crate::learning::{optional_text, text};
use crate::{Error, Result};

crate::string_enum! {
    /// What a resource is.
    pub enum ResourceKind {
        Article => "article",
        CaseStudy => "case_study",
        Interview => "interview",
        Course => "course",
        CoachingPackage => "coaching_package",
    }
    field = "kind";
}

crate::string_enum! {
    /// The language a resource is written in.
    pub enum Language { En => "en", Es => "es" }
    field = "language";
}

crate::string_enum! {
    /// Who may read a resource: everyone, or the members of one space.
    pub enum ResourceVisibility { Public => "public", Space => "space" }
    field = "visibility";
}

/// A resource as a host sends it, before validation.
#[derive(Debug, Clone)]
pub struct ResourceInput<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body_or_url: &'a str,
    pub language: &'a str,
    pub visibility: &'a str,
    pub space: Option<&'a str>,
    pub org_type: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub kind: ResourceKind,
    pub title: String,
    pub summary: String,
    pub body_or_url: String,
    pub language: Language,
    pub visibility: ResourceVisibility,
    /// The slug of the space a `space` resource is limited to.
    pub space: Option<String>,
    /// Only case studies are filed by organisation type.
    pub org_type: Option<String>,
}

/// Parses a resource: a `space` resource names its space and a `public` one none; only case
/// studies carry an organisation type.
pub fn parse_resource(input: &ResourceInput<'_>) -> Result<Resource> {
    let mut errors = Errors::new();
    let kind = errors.take(ResourceKind::parse(input.kind));
    let language = errors.take(Language::parse(input.language));
    let visibility = errors.take(ResourceVisibility::parse(input.visibility));
    let title = errors.take(text("title", input.title, 200));
    let summary = errors.take(optional_text("summary", input.summary, 2000));
    let body_or_url = errors.take(text("body_or_url", input.body_or_url, 100_000));
    let space = input.space.map(str::trim).filter(|s| !s.is_empty());
    match (visibility, space) {
        (Some(ResourceVisibility::Space), None) => {
            errors.push("space", "is required when visibility is `space`")
        }
        (Some(ResourceVisibility::Public), Some(_)) => {
            errors.push("space", "only `space` resources name a space")
        }
        _ => {}
    }
    let org_type = input.org_type.map(str::trim).filter(|s| !s.is_empty());
    let org_type = match (kind, org_type) {
        (Some(ResourceKind::CaseStudy), Some(o)) => {
            errors.take(text("org_type", o, ORG_TYPE_MAX_CHARS))
        }
        (Some(_), Some(_)) => {
            errors.push("org_type", "only case studies have an organisation type");
            None
        }
        _ => None,
    };
    errors.finish()?;
    match (kind, language, visibility, title, summary, body_or_url) {
        (
            Some(kind),
            Some(language),
            Some(visibility),
            Some(title),
            Some(summary),
            Some(body_or_url),
        ) => Ok(Resource {
            kind,
            title,
            summary,
            body_or_url,
            language,
            visibility,
            space: space.map(str::to_owned),
            org_type,
        }),
        _ => Err(Error::field("body", "invalid resource")),
    }
}

/// The longest organisation type of a case study.
pub const ORG_TYPE_MAX_CHARS: usize = 100;

/// A host's change to a resource, as sent: each field sent replaces the stored one; `space`
/// and `org_type` sent as null clear it. The merged resource is parsed as a new one is, so
/// every rule of a new resource still holds after a change.
#[derive(Debug, Clone, Default)]
pub struct ResourceChange {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub body_or_url: Option<String>,
    pub language: Option<String>,
    pub visibility: Option<String>,
    pub space: Option<Option<String>>,
    pub org_type: Option<Option<String>>,
}

impl ResourceChange {
    /// Whether it changes none of its own fields.
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.summary.is_none()
            && self.body_or_url.is_none()
            && self.language.is_none()
            && self.visibility.is_none()
            && self.space.is_none()
            && self.org_type.is_none()
    }

    /// The resource after the change, checked. Making a resource public without naming a
    /// space takes it out of its space (a public resource names none).
    pub fn apply(&self, current: &ResourceInput<'_>) -> Result<Resource> {
        let visibility = self.visibility.as_deref().unwrap_or(current.visibility);
        let space = match (&self.space, self.visibility.as_deref()) {
            (Some(space), _) => space.as_deref(),
            (None, Some("public")) => None,
            (None, _) => current.space,
        };
        parse_resource(&ResourceInput {
            kind: current.kind,
            title: self.title.as_deref().unwrap_or(current.title),
            summary: self.summary.as_deref().unwrap_or(current.summary),
            body_or_url: self.body_or_url.as_deref().unwrap_or(current.body_or_url),
            language: self.language.as_deref().unwrap_or(current.language),
            visibility,
            space,
            org_type: match &self.org_type {
                Some(org_type) => org_type.as_deref(),
                None => current.org_type,
            },
        })
    }
}

/// A translation is in another language than the resource it translates, and a group holds
/// one resource per language.
pub fn may_translate(original: Language, taken: &[Language], language: Language) -> Result<()> {
    if original == language || taken.contains(&language) {
        return Err(Error::conflict(
            "translation-exists",
            format!(
                "This resource already exists in `{}`; translations are one per language.",
                language.as_str()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn space_resources_name_a_space_and_only_case_studies_have_an_org_type() {
        let base = ResourceInput {
            kind: "article",
            title: "Consent",
            summary: "",
            body_or_url: "https://example.org",
            language: "en",
            visibility: "space",
            space: None,
            org_type: Some("cooperative"),
        };
        let errors = match parse_resource(&base) {
            Err(Error::Validation(e)) => e.into_iter().map(|e| e.field).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(errors, vec!["space", "org_type"]);
        let case_study = ResourceInput {
            kind: "case_study",
            visibility: "public",
            ..base
        };
        assert!(parse_resource(&case_study).is_ok());
    }

    #[test]
    fn a_change_is_checked_as_a_new_resource_and_making_it_public_leaves_its_space() {
        let current = ResourceInput {
            kind: "article",
            title: "Consent",
            summary: "",
            body_or_url: "Text",
            language: "en",
            visibility: "space",
            space: Some("practitioner-lounge"),
            org_type: None,
        };
        let public = ResourceChange {
            visibility: Some("public".into()),
            ..Default::default()
        };
        assert_eq!(public.apply(&current).map(|r| r.space).ok(), Some(None));
        let bad = ResourceChange {
            title: Some(" ".into()),
            org_type: Some(Some("cooperative".into())),
            ..Default::default()
        };
        let fields = match bad.apply(&current) {
            Err(Error::Validation(e)) => e.into_iter().map(|e| e.field).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(fields, vec!["title", "org_type"]);
    }

    #[test]
    fn translations_are_one_per_language() {
        assert!(may_translate(Language::En, &[], Language::Es).is_ok());
        assert!(may_translate(Language::En, &[], Language::En).is_err());
        assert!(may_translate(Language::En, &[Language::Es], Language::Es).is_err());
    }
}
