//! Direct messages: who a conversation may be started with, what a message may hold, and
//! blocking. A conversation is readable only by its participants — no role sees into it.

use crate::ids::UserId;
use crate::{Error, FieldError, Result};

/// The longest message, in characters.
pub const MAX_BODY_CHARS: usize = 4000;
/// The most people a member may start a conversation with (besides themselves).
pub const MAX_RECIPIENTS: usize = 20;

/// A message body: trimmed, 1 to [`MAX_BODY_CHARS`] characters, stored as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageBody(String);

impl MessageBody {
    pub fn parse(raw: &str) -> Result<Self> {
        let trimmed = raw.trim();
        let chars = trimmed.chars().count();
        if chars == 0 || chars > MAX_BODY_CHARS {
            return Err(Error::field(
                "body",
                format!("must be between 1 and {MAX_BODY_CHARS} characters"),
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The other people of a new conversation: at least one, at most [`MAX_RECIPIENTS`], never the
/// sender, each once.
pub fn parse_recipients(sender: &UserId, ids: &[String]) -> Result<Vec<String>> {
    let sender_id = sender.as_str();
    let mut errors = Vec::new();
    let mut recipients: Vec<String> = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let id = id.trim();
        if id == sender_id {
            errors.push(FieldError::new(
                format!("participant_ids[{i}]"),
                "is you: list the other members only",
            ));
        } else if id.is_empty() {
            errors.push(FieldError::new(format!("participant_ids[{i}]"), "is empty"));
        } else if !recipients.iter().any(|r| r == id) {
            recipients.push(id.to_owned());
        }
    }
    if errors.is_empty() && !(1..=MAX_RECIPIENTS).contains(&recipients.len()) {
        errors.push(FieldError::new(
            "participant_ids",
            format!("must name between 1 and {MAX_RECIPIENTS} other members"),
        ));
    }
    if errors.is_empty() {
        Ok(recipients)
    } else {
        Err(Error::Validation(errors))
    }
}

/// Nobody may start a conversation with, or write to, someone who blocked them. The answer
/// says only that it is not possible — not who blocked, nor since when.
pub fn ensure_not_blocked(blocked_by_a_recipient: bool) -> Result<()> {
    if blocked_by_a_recipient {
        return Err(Error::forbidden(
            "blocked",
            "You cannot send messages to this conversation.",
        ));
    }
    Ok(())
}

/// A member blocks someone else, never themselves.
pub fn ensure_may_block(blocker: &UserId, blocked: &UserId) -> Result<()> {
    if blocker == blocked {
        return Err(Error::field("id", "you cannot block yourself"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(raw: &[&str]) -> Vec<String> {
        raw.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn message_body_is_trimmed_and_length_limited() {
        assert_eq!(
            MessageBody::parse("  hello  ").map(|b| b.as_str().to_owned()),
            Ok("hello".to_owned())
        );
        assert!(MessageBody::parse("   ").is_err());
        assert!(MessageBody::parse(&"x".repeat(MAX_BODY_CHARS + 1)).is_err());
        assert!(MessageBody::parse(&"é".repeat(MAX_BODY_CHARS)).is_ok());
    }

    #[test]
    fn recipients_exclude_the_sender_and_repeats() {
        assert_eq!(
            parse_recipients(&UserId::from_trusted("me"), &ids(&["a", "b", "a"])),
            Ok(ids(&["a", "b"]))
        );
        assert!(parse_recipients(&UserId::from_trusted("me"), &ids(&["me"])).is_err());
        assert!(parse_recipients(&UserId::from_trusted("me"), &[]).is_err());
        let many: Vec<String> = (0..=MAX_RECIPIENTS).map(|i| format!("u{i}")).collect();
        assert!(parse_recipients(&UserId::from_trusted("me"), &many).is_err());
    }

    #[test]
    fn blocked_sender_is_refused_without_saying_who_blocked() {
        match ensure_not_blocked(true) {
            Err(Error::Forbidden { kind, detail }) => {
                assert_eq!(kind, "blocked");
                assert!(!detail.contains("blocked you"));
            }
            other => panic!("{other:?}"),
        }
        assert!(ensure_not_blocked(false).is_ok());
        assert!(ensure_may_block(&UserId::from_trusted("a"), &UserId::from_trusted("a")).is_err());
    }
}
