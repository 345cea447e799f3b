//! PRO applications: what an application must state, and how its status may change.
//!
//! PRO is by application only. Without experience using S3 or without the explicit commitment to
//! participate actively, an application is incomplete and refused with an error for each gap.

use crate::error::Errors;
use crate::{Error, Result};

/// The longest answer to any question, in characters: room for a thorough answer, bounded so
/// nobody stores a book.
pub const MAX_ANSWER_CHARS: usize = 4000;
/// The longest note a host may write to the applicant.
pub const MAX_NOTE_CHARS: usize = 2000;

/// An application as typed: every field may be missing, so all gaps are reported together.
#[derive(Debug, Clone, Default)]
pub struct ApplicationDraft {
    pub training: Option<String>,
    pub experience: Option<String>,
    pub helping_others: Option<String>,
    pub commitment: Option<bool>,
}

/// A complete application: experience stated and the commitment given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProApplication {
    training: String,
    experience: String,
    helping_others: String,
}

impl ProApplication {
    pub fn parse(draft: ApplicationDraft) -> Result<Self> {
        let mut errors = Errors::new();
        let training = errors.take(answer("training", draft.training, false));
        let experience = errors.take(answer("experience", draft.experience, true));
        let helping_others = errors.take(answer("helping_others", draft.helping_others, false));
        if draft.commitment != Some(true) {
            errors.push(
                "commitment",
                "PRO members commit to participate actively (\"pay it forward\"); confirm it \
                 with true",
            );
        }
        errors.finish()?;
        match (training, experience, helping_others) {
            (Some(training), Some(experience), Some(helping_others)) => Ok(Self {
                training,
                experience,
                helping_others,
            }),
            _ => Err(Error::field("", "the application is incomplete")),
        }
    }

    /// Formal S3 training taken, or why an exception is justified.
    pub fn training(&self) -> &str {
        &self.training
    }

    /// Experience using S3 patterns.
    pub fn experience(&self) -> &str {
        &self.experience
    }

    /// How the applicant helps, or intends to help, others learn and apply S3.
    pub fn helping_others(&self) -> &str {
        &self.helping_others
    }

    /// A complete application always carries the commitment.
    pub fn commitment(&self) -> bool {
        true
    }
}

fn answer(field: &str, raw: Option<String>, required: bool) -> Result<String> {
    let text = raw.unwrap_or_default().trim().to_owned();
    if required && text.is_empty() {
        return Err(Error::field(
            field,
            "is required: describe your experience using S3 patterns",
        ));
    }
    bounded(field, text, MAX_ANSWER_CHARS)
}

fn bounded(field: &str, text: String, max: usize) -> Result<String> {
    if text.chars().count() > max {
        return Err(Error::field(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(Error::field(field, "must not contain control characters"));
    }
    Ok(text)
}

crate::string_enum! {
    /// Where an application to PRO is in its life.
    pub enum ApplicationStatus {
        Submitted => "submitted",
        Approved => "approved",
        Rejected => "rejected",
        Withdrawn => "withdrawn",
    }
    field = "status", field_param;
}

impl ApplicationStatus {
    /// Only a submitted application is still open.
    pub fn is_open(&self) -> bool {
        matches!(self, Self::Submitted)
    }
}

/// What may happen to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationEvent {
    Approve,
    Reject,
    Withdraw,
}

impl ApplicationEvent {
    /// A host's decision as typed: `approve` or `reject`.
    pub fn parse_decision(raw: &str) -> Result<Self> {
        match raw {
            "approve" => Ok(Self::Approve),
            "reject" => Ok(Self::Reject),
            _ => Err(Error::field("decision", "must be one of: approve, reject")),
        }
    }
}

/// `submitted → approved | rejected | withdrawn`; nothing else. A decided or withdrawn
/// application stays as it is.
pub fn transition(
    current: ApplicationStatus,
    event: ApplicationEvent,
) -> Result<ApplicationStatus> {
    if !current.is_open() {
        return Err(Error::conflict(
            "application-not-open",
            format!(
                "This application is already {}; only a submitted application can be decided \
                 or withdrawn.",
                current.as_str()
            ),
        ));
    }
    Ok(match event {
        ApplicationEvent::Approve => ApplicationStatus::Approved,
        ApplicationEvent::Reject => ApplicationStatus::Rejected,
        ApplicationEvent::Withdraw => ApplicationStatus::Withdrawn,
    })
}

/// The host's note to the applicant. Optional when approving; a rejection must say why, so the
/// applicant knows what to change before applying again.
pub fn decision_note(event: ApplicationEvent, raw: Option<String>) -> Result<Option<String>> {
    let text = bounded(
        "note",
        raw.unwrap_or_default().trim().to_owned(),
        MAX_NOTE_CHARS,
    )?;
    if text.is_empty() {
        if event == ApplicationEvent::Reject {
            return Err(Error::field(
                "note",
                "is required when rejecting: tell the applicant why",
            ));
        }
        return Ok(None);
    }
    Ok(Some(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> ApplicationDraft {
        ApplicationDraft {
            training: Some("S3 Practitioner Training, 2024".into()),
            experience: Some("Facilitated consent decision-making in two teams".into()),
            helping_others: Some("I host a local practice group".into()),
            commitment: Some(true),
        }
    }

    fn fields(result: Result<ProApplication>) -> Vec<String> {
        match result {
            Err(Error::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn application_without_commitment_or_experience_names_both_fields() {
        let draft = ApplicationDraft {
            experience: Some("   ".into()),
            commitment: Some(false),
            ..complete()
        };
        assert_eq!(
            fields(ProApplication::parse(draft)),
            vec!["experience", "commitment"]
        );
        let missing = ApplicationDraft {
            experience: None,
            commitment: None,
            ..complete()
        };
        assert_eq!(
            fields(ProApplication::parse(missing)),
            vec!["experience", "commitment"]
        );
    }

    #[test]
    fn application_answers_are_trimmed_and_bounded() {
        let parsed = ProApplication::parse(ApplicationDraft {
            training: Some("  none yet, but I co-wrote a guide  ".into()),
            ..complete()
        });
        assert_eq!(
            parsed.map(|a| a.training().to_owned()),
            Ok("none yet, but I co-wrote a guide".to_owned())
        );
        let long = ApplicationDraft {
            helping_others: Some("x".repeat(MAX_ANSWER_CHARS + 1)),
            ..complete()
        };
        assert_eq!(fields(ProApplication::parse(long)), vec!["helping_others"]);
        let exact = ApplicationDraft {
            helping_others: Some("é".repeat(MAX_ANSWER_CHARS)),
            ..complete()
        };
        assert!(ProApplication::parse(exact).is_ok());
    }

    #[test]
    fn application_status_moves_only_from_submitted() {
        use ApplicationEvent::*;
        use ApplicationStatus::*;
        assert_eq!(transition(Submitted, Approve), Ok(Approved));
        assert_eq!(transition(Submitted, Reject), Ok(Rejected));
        assert_eq!(transition(Submitted, Withdraw), Ok(Withdrawn));
        for from in [Approved, Rejected, Withdrawn] {
            for event in [Approve, Reject, Withdraw] {
                assert!(matches!(
                    transition(from, event),
                    Err(Error::Conflict {
                        kind: "application-not-open",
                        ..
                    })
                ));
            }
        }
    }

    #[test]
    fn rejection_needs_a_note_approval_does_not() {
        assert_eq!(decision_note(ApplicationEvent::Approve, None), Ok(None));
        assert!(decision_note(ApplicationEvent::Reject, Some(" ".into())).is_err());
        assert_eq!(
            decision_note(
                ApplicationEvent::Reject,
                Some(" more practice first ".into())
            ),
            Ok(Some("more practice first".into()))
        );
        assert!(decision_note(ApplicationEvent::Approve, Some("x".repeat(2001))).is_err());
    }

    #[test]
    fn application_status_round_trips() {
        for s in ["submitted", "approved", "rejected", "withdrawn"] {
            assert_eq!(
                ApplicationStatus::parse("status", s).map(|x| x.as_str()),
                Ok(s)
            );
        }
        assert!(ApplicationStatus::parse("status", "open").is_err());
    }
}
