//! A new report, as a member files it: what it is about and why, with every invalid field
//! reported at once (the rules are in [`crate::moderation`]).

use crate::error::{Errors, Result};
use crate::moderation::{parse_reason, SubjectType};
use crate::Error;

/// A report, as checked. The subject id is kept as sent: an id that names nothing the reporter
/// can read answers 404, whatever its shape.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub subject_type: SubjectType,
    pub subject_id: String,
    pub reason: String,
}

impl NewReport {
    pub fn parse(subject_type: &str, subject_id: &str, reason: &str) -> Result<Self> {
        let mut errors = Errors::new();
        let subject = errors.take(SubjectType::parse(subject_type));
        let reason = errors.take(parse_reason(reason));
        errors.finish()?;
        match (subject, reason) {
            (Some(subject_type), Some(reason)) => Ok(Self {
                subject_type,
                subject_id: subject_id.to_owned(),
                reason,
            }),
            _ => Err(Error::field("subject_type", "is invalid")),
        }
    }
}
