//! The public contact form: a name, an address to answer, a subject and a message. A hidden
//! `website` field no person fills catches form-filling robots.

use crate::account::Email;
use crate::error::Errors;
use crate::support::text;

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 5_000;

/// A message from the contact form, as parsed from input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactDraft {
    pub name: String,
    pub email: Email,
    pub subject: String,
    pub body: String,
}

/// Whether the honeypot field was filled: only robots see it.
pub fn is_robot(website: Option<&str>) -> bool {
    website.is_some_and(|w| !w.trim().is_empty())
}

impl ContactDraft {
    /// Every invalid field at once. A name or subject with line breaks is refused: they go into
    /// mail headers.
    pub fn parse(name: &str, email: &str, subject: &str, body: &str) -> crate::Result<Self> {
        let mut errors = Errors::new();
        let name = errors.take(single_line("name", name, MAX_NAME_CHARS));
        let email = errors.take(Email::parse(email));
        let subject = errors.take(single_line("subject", subject, MAX_SUBJECT_CHARS));
        let body = errors.take(text("body", body, MAX_BODY_CHARS));
        errors.finish()?;
        match (name, email, subject, body) {
            (Some(name), Some(email), Some(subject), Some(body)) => Ok(Self {
                name,
                email,
                subject,
                body,
            }),
            _ => Err(crate::Error::field("", "the request is incomplete")),
        }
    }
}

fn single_line(field: &str, raw: &str, max: usize) -> crate::Result<String> {
    let value = text(field, raw, max)?;
    if value.chars().any(char::is_control) {
        return Err(crate::Error::field(field, "must be one line"));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_message_names_every_invalid_field() {
        match ContactDraft::parse("Ana\r\nBcc: x", "nope", "", "") {
            Err(crate::Error::Validation(fields)) => assert_eq!(fields.len(), 4),
            other => panic!("expected four field errors, got {other:?}"),
        }
        assert!(ContactDraft::parse("Ana", "ana@example.org", "Hello", "A question").is_ok());
    }

    #[test]
    fn only_a_filled_honeypot_marks_a_robot() {
        assert!(!is_robot(None));
        assert!(!is_robot(Some(" ")));
        assert!(is_robot(Some("https://spam.example")));
    }
}
