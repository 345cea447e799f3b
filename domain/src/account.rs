//! Accounts: the values a person gives when registering or editing their profile, and roles.

use crate::{Error, Result};
use validator::ValidateEmail;

/// A normalised email address: trimmed and lower-cased, so `Ana@Example.org ` and
/// `ana@example.org` are one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self> {
        let normalised = raw.trim().to_lowercase();
        if normalised.len() > 254 || !normalised.validate_email() {
            return Err(Error::field("email", "must be a valid email address"));
        }
        Ok(Self(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as typed: 10 to 256 characters. It is never stored, only its hash.
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(raw: &str) -> Result<Self> {
        let chars = raw.chars().count();
        if !(Self::MIN_CHARS..=Self::MAX_CHARS).contains(&chars) {
            return Err(Error::field(
                "password",
                format!(
                    "must be between {} and {} characters",
                    Self::MIN_CHARS,
                    Self::MAX_CHARS
                ),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// The name shown to other members: 1 to 80 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self> {
        let trimmed = raw.trim();
        let chars = trimmed.chars().count();
        if chars == 0 || chars > 80 {
            return Err(Error::field(
                "display_name",
                "must be between 1 and 80 characters",
            ));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(Error::field(
                "display_name",
                "must not contain control characters",
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An IANA time zone such as `Europe/Madrid`; events are shown to the member in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(chrono_tz::Tz);

impl TimeZone {
    pub fn parse(raw: &str) -> Result<Self> {
        raw.parse::<chrono_tz::Tz>().map(Self).map_err(|_| {
            Error::field(
                "time_zone",
                "must be an IANA time zone name such as Europe/Madrid",
            )
        })
    }

    pub fn utc() -> Self {
        Self(chrono_tz::UTC)
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.0
    }
}

crate::string_enum! {
    /// The languages the community serves content in.
    pub enum Locale {
        En => "en",
        Es => "es",
    }
    field = "locale";
}

crate::string_enum! {
    /// Roles are data granted to an account, never inferred from anything else.
    pub enum Role {
        Host => "host",
        Admin => "admin",
    }
    field = "role";
}

/// A short self-description shown in the member directory: up to 500 characters, trimmed, no
/// control characters but line breaks. Empty means none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bio(Option<String>);

impl Bio {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(raw: &str) -> Result<Self> {
        let trimmed = raw.trim();
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(Error::field(
                "bio",
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if trimmed.chars().any(|c| c.is_control() && c != '\n') {
            return Err(Error::field("bio", "must not contain control characters"));
        }
        Ok(Self((!trimmed.is_empty()).then(|| trimmed.to_owned())))
    }

    pub fn into_inner(self) -> Option<String> {
        self.0
    }
}

/// The languages a member speaks: up to 10 ISO 639 codes (2 or 3 lower-case letters), each once,
/// in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Languages(Vec<String>);

impl Languages {
    pub const MAX: usize = 10;

    pub fn parse(raw: &[String]) -> Result<Self> {
        if raw.len() > Self::MAX {
            return Err(Error::field(
                "languages",
                format!("must list at most {} languages", Self::MAX),
            ));
        }
        let mut codes: Vec<String> = Vec::with_capacity(raw.len());
        for code in raw {
            let code = code.trim().to_lowercase();
            if !(2..=3).contains(&code.len()) || !code.chars().all(|c| c.is_ascii_lowercase()) {
                return Err(Error::field(
                    "languages",
                    "must be ISO 639 codes of 2 or 3 letters, such as en or es",
                ));
            }
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        Ok(Self(codes))
    }

    /// Reads the stored form (`en,es`); never fails, an empty text is no languages.
    pub fn from_stored(stored: &str) -> Self {
        Self(
            stored
                .split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }

    /// The stored form: codes joined by commas.
    pub fn to_stored(&self) -> String {
        self.0.join(",")
    }

    pub fn codes(&self) -> &[String] {
        &self.0
    }
}

crate::string_enum! {
    /// What a single-use token mailed to a member lets them do.
    pub enum AccountTokenPurpose {
        /// Prove they own the address they registered with.
        VerifyEmail => "verify_email",
        /// Set a new password without the old one.
        PasswordReset => "password_reset",
        /// Move the account to a new address, proved by opening the link sent there.
        EmailChange => "email_change",
    }
    field = "purpose";
}

/// Admins may do everything hosts may; hosts run the community day to day.
pub fn can_administer(roles: &[Role]) -> bool {
    roles.contains(&Role::Admin)
}

pub fn can_host(roles: &[Role]) -> bool {
    roles.contains(&Role::Host) || roles.contains(&Role::Admin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised_to_lower_case_and_trimmed() {
        let email = Email::parse("  Ana.Perez@Example.ORG ").map(|e| e.as_str().to_owned());
        assert_eq!(email, Ok("ana.perez@example.org".to_owned()));
    }

    #[test]
    fn email_must_be_valid() {
        for bad in ["", "ana", "ana@", "@example.org", "ana example@x.org"] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn password_length_is_between_10_and_256_characters() {
        assert!(Password::parse("123456789").is_err());
        assert!(Password::parse("1234567890").is_ok());
        assert!(Password::parse(&"é".repeat(256)).is_ok());
        assert!(Password::parse(&"a".repeat(257)).is_err());
    }

    #[test]
    fn password_is_never_printed() {
        let password = Password::parse("correct horse battery").map(|p| format!("{p:?}"));
        assert_eq!(password, Ok("Password(***)".to_owned()));
    }

    #[test]
    fn time_zone_must_be_an_iana_name() {
        assert_eq!(
            TimeZone::parse("America/Bogota").map(|t| t.name()),
            Ok("America/Bogota")
        );
        assert!(TimeZone::parse("Mars/Olympus").is_err());
        assert!(TimeZone::parse("+02:00").is_err());
    }

    #[test]
    fn locale_is_en_or_es() {
        assert_eq!(Locale::parse("es"), Ok(Locale::Es));
        assert!(Locale::parse("fr").is_err());
    }

    #[test]
    fn display_name_is_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Ana ").map(|n| n.as_str().to_owned()),
            Ok("Ana".to_owned())
        );
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(81)).is_err());
        assert!(DisplayName::parse("a\u{7}b").is_err());
    }

    #[test]
    fn admins_can_do_what_hosts_can() {
        assert!(can_host(&[Role::Admin]));
        assert!(can_host(&[Role::Host]));
        assert!(!can_administer(&[Role::Host]));
        assert!(!can_host(&[]));
    }
}
