//! What a person gives about themselves: a new account at registration, and changes to their
//! profile later. Each is parsed whole, every invalid field reported at once.

use crate::account::{Bio, DisplayName, Email, Languages, Locale, Password, TimeZone};
use crate::error::{Errors, Result};
use crate::Error;

/// A new account, as sent.
#[derive(Debug, Clone, Default)]
pub struct NewAccountInput<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub display_name: &'a str,
    pub time_zone: Option<&'a str>,
    pub locale: Option<&'a str>,
}

/// A new account, as checked; UTC and English unless chosen.
#[derive(Debug)]
pub struct NewAccount {
    pub email: Email,
    pub password: Password,
    pub display_name: DisplayName,
    pub time_zone: TimeZone,
    pub locale: Locale,
}

impl NewAccount {
    pub fn parse(input: &NewAccountInput<'_>) -> Result<Self> {
        let mut errors = Errors::new();
        let email = errors.take(Email::parse(input.email));
        let password = errors.take(Password::parse(input.password));
        let display_name = errors.take(DisplayName::parse(input.display_name));
        let time_zone = errors.take(input.time_zone.map_or(Ok(TimeZone::utc()), TimeZone::parse));
        let locale = errors.take(input.locale.map_or(Ok(Locale::En), Locale::parse));
        errors.finish()?;
        match (email, password, display_name, time_zone, locale) {
            (Some(email), Some(password), Some(display_name), Some(time_zone), Some(locale)) => {
                Ok(Self {
                    email,
                    password,
                    display_name,
                    time_zone,
                    locale,
                })
            }
            _ => Err(Error::field("email", "is invalid")),
        }
    }
}

/// Changes to a profile; what is absent stays as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfileChange {
    pub display_name: Option<DisplayName>,
    pub time_zone: Option<TimeZone>,
    pub locale: Option<Locale>,
    /// Whether to appear in the member directory.
    pub listed: Option<bool>,
    pub bio: Option<Bio>,
    pub languages: Option<Languages>,
}

/// A profile change as given, before parsing.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProfileChangeInput<'a> {
    pub display_name: Option<&'a str>,
    pub time_zone: Option<&'a str>,
    pub locale: Option<&'a str>,
    pub listed: Option<bool>,
    pub bio: Option<&'a str>,
    pub languages: Option<&'a [String]>,
}

impl ProfileChange {
    pub fn parse(input: ProfileChangeInput<'_>) -> Result<Self> {
        let mut errors = Errors::new();
        let display_name = input
            .display_name
            .and_then(|v| errors.take(DisplayName::parse(v)));
        let time_zone = input
            .time_zone
            .and_then(|v| errors.take(TimeZone::parse(v)));
        let locale = input.locale.and_then(|v| errors.take(Locale::parse(v)));
        let bio = input.bio.and_then(|v| errors.take(Bio::parse(v)));
        let languages = input
            .languages
            .and_then(|v| errors.take(Languages::parse(v)));
        errors.finish()?;
        Ok(Self {
            display_name,
            time_zone,
            locale,
            listed: input.listed,
            bio,
            languages,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn new_account_reports_every_invalid_field() {
        let err = NewAccount::parse(&NewAccountInput {
            email: "nope",
            password: "short",
            display_name: "Ana",
            time_zone: Some("Mars/Base"),
            locale: Some("fr"),
        })
        .unwrap_err();
        let Error::Validation(fields) = err else {
            panic!("{err:?}")
        };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["email", "password", "time_zone", "locale"]);
    }

    #[test]
    fn profile_change_keeps_what_is_absent() {
        let change = ProfileChange::parse(ProfileChangeInput {
            time_zone: Some("Europe/Madrid"),
            ..Default::default()
        });
        assert!(change.is_ok_and(|c| c.display_name.is_none()
            && c.time_zone.is_some()
            && c.listed.is_none()));
        assert!(ProfileChange::parse(ProfileChangeInput {
            display_name: Some(" "),
            locale: Some("xx"),
            ..Default::default()
        })
        .is_err());
    }

    #[test]
    fn directory_profile_takes_a_short_bio_and_language_codes() {
        let languages = vec!["EN".to_owned(), "es".to_owned(), "en".to_owned()];
        let change = ProfileChange::parse(ProfileChangeInput {
            listed: Some(true),
            bio: Some("  Facilitator in Bogotá  "),
            languages: Some(&languages),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(change.listed, Some(true));
        assert_eq!(
            change.bio.unwrap().into_inner().as_deref(),
            Some("Facilitator in Bogotá")
        );
        assert_eq!(change.languages.unwrap().to_stored(), "en,es");
        assert_eq!(Bio::parse("   ").unwrap().into_inner(), None);
        let long = "x".repeat(Bio::MAX_CHARS + 1);
        let bad = vec!["english".to_owned()];
        let err = ProfileChange::parse(ProfileChangeInput {
            bio: Some(&long),
            languages: Some(&bad),
            ..Default::default()
        })
        .unwrap_err();
        let Error::Validation(fields) = err else {
            panic!("{err:?}")
        };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["bio", "languages"]);
    }
}
