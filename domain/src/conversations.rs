//! A new conversation, as a member starts it: the other members and the first message, with
//! every invalid field reported at once (the rules themselves are in [`crate::messaging`]).

use crate::error::{Errors, Result};
use crate::ids::UserId;
use crate::messaging::{parse_recipients, MessageBody};
use crate::Error;

/// A new conversation, as checked: who else takes part (never the sender, each once) and the
/// first message. Whether the recipients exist is for the use case to find out.
#[derive(Debug, Clone)]
pub struct NewConversation {
    pub recipients: Vec<UserId>,
    pub body: MessageBody,
}

impl NewConversation {
    pub fn parse(sender: &UserId, participant_ids: &[String], body: &str) -> Result<Self> {
        let mut errors = Errors::new();
        let recipients = errors.take(parse_recipients(sender, participant_ids));
        let body = errors.take(MessageBody::parse(body));
        errors.finish()?;
        match (recipients, body) {
            (Some(recipients), Some(body)) => Ok(Self {
                // Ids that are not UUIDs name no member: the use case answers them as unknown
                // members, exactly like well-formed ids nobody has.
                recipients: recipients.into_iter().map(UserId::from_trusted).collect(),
                body,
            }),
            _ => Err(Error::field("body", "is invalid")),
        }
    }
}
