//! The mailing list: anyone may ask for the newsletter by address, in one of the community's
//! languages; only an address whose owner opened the mailed link gets issues (double opt-in).

use crate::account::{Email, Locale};
use crate::error::Errors;
use crate::string_enum::StringEnum;

/// How long a confirm link works.
pub const CONFIRM_LINK_HOURS: i64 = 48;

/// Asking for the newsletter, as parsed from input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionDraft {
    pub email: Email,
    pub language: Locale,
}

impl SubscriptionDraft {
    /// Every invalid field at once.
    pub fn parse(email: &str, language: &str) -> crate::Result<Self> {
        let mut errors = Errors::new();
        let email = errors.take(Email::parse(email));
        let language = errors.take(<Locale as StringEnum>::parse_field("language", language));
        errors.finish()?;
        match (email, language) {
            (Some(email), Some(language)) => Ok(Self { email, language }),
            _ => Err(crate::Error::field("", "the request is incomplete")),
        }
    }
}

/// The longest subject and body an issue may have, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 50_000;

/// A newsletter issue a host writes, as parsed from input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueDraft {
    pub subject: String,
    /// Markdown, mailed as written.
    pub body: String,
    pub language: Locale,
}

impl IssueDraft {
    /// Every invalid field at once.
    pub fn parse(subject: &str, body: &str, language: &str) -> crate::Result<Self> {
        let mut errors = Errors::new();
        let subject = errors.take(crate::support::text("subject", subject, MAX_SUBJECT_CHARS));
        let body = errors.take(crate::support::text("body", body, MAX_BODY_CHARS));
        let language = errors.take(<Locale as StringEnum>::parse_field("language", language));
        errors.finish()?;
        match (subject, body, language) {
            (Some(subject), Some(body), Some(language)) => Ok(Self {
                subject,
                body,
                language,
            }),
            _ => Err(crate::Error::field("", "the request is incomplete")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscription_names_every_invalid_field() {
        match SubscriptionDraft::parse("nope", "fr") {
            Err(crate::Error::Validation(fields)) => assert_eq!(fields.len(), 2),
            other => panic!("expected two field errors, got {other:?}"),
        }
        assert!(SubscriptionDraft::parse("Ana@Example.org", "es").is_ok());
    }

    #[test]
    fn an_issue_needs_a_subject_a_body_and_a_language() {
        match IssueDraft::parse(" ", "", "de") {
            Err(crate::Error::Validation(fields)) => assert_eq!(fields.len(), 3),
            other => panic!("expected three field errors, got {other:?}"),
        }
        assert!(IssueDraft::parse("News", "# Hello", "en").is_ok());
    }
}
