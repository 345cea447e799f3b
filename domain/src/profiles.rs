//! What a person gives about themselves: a new account at registration, and changes to their
//! profile later. Each is parsed whole, every invalid field reported at once.

use crate::account::{DisplayName, Email, Locale, Password, TimeZone};
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
}

impl ProfileChange {
    pub fn parse(
        display_name: Option<&str>,
        time_zone: Option<&str>,
        locale: Option<&str>,
    ) -> Result<Self> {
        let mut errors = Errors::new();
        let display_name = display_name.and_then(|v| errors.take(DisplayName::parse(v)));
        let time_zone = time_zone.and_then(|v| errors.take(TimeZone::parse(v)));
        let locale = locale.and_then(|v| errors.take(Locale::parse(v)));
        errors.finish()?;
        Ok(Self {
            display_name,
            time_zone,
            locale,
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
        let change = ProfileChange::parse(None, Some("Europe/Madrid"), None);
        assert!(change.is_ok_and(|c| c.display_name.is_none() && c.time_zone.is_some()));
        assert!(ProfileChange::parse(Some(" "), None, Some("xx")).is_err());
    }
}
