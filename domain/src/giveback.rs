//! PRO members give back: they propose sessions for their peers, which hosts accept (an event
//! the proposer facilitates) or decline with a note. What a proposal and a decision must hold.

use crate::account::TimeZone;
use crate::error::Errors;
use crate::event_plans::{check_times, DESCRIPTION_MAX, TITLE_MAX};
use crate::events::{EventFormat, EventKind};
use crate::{Error, Result};
use chrono::{DateTime, Utc};

/// The spaces a PRO member may propose a session for, by slug.
pub const PROPOSAL_SPACES: &[&str] = &["pro-lounge", "practitioner-lounge"];
/// At most this many proposed times per proposal.
pub const MAX_PROPOSED_TIMES: usize = 5;
/// The longest note a host writes to the proposer, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

crate::string_enum! {
    /// Where a session proposal is in its life.
    pub enum ProposalStatus {
        Submitted => "submitted",
        Accepted => "accepted",
        Declined => "declined",
    }
    field = "status", field_param;
}

/// A proposal as sent.
#[derive(Debug, Clone, Default)]
pub struct ProposalDraft {
    pub title: String,
    pub format: String,
    pub description: String,
    pub space: String,
    pub proposed_times: Vec<DateTime<Utc>>,
    pub time_zone: String,
}

/// A complete proposal: a titled, described session in a lounge, at one or more future times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionProposal {
    pub title: String,
    pub format: EventFormat,
    pub description: String,
    /// `pro-lounge` or `practitioner-lounge`.
    pub space: String,
    /// Future instants, in order, without repeats.
    pub proposed_times: Vec<DateTime<Utc>>,
    pub time_zone: TimeZone,
}

fn text(errors: &mut Errors, field: &str, raw: &str, max: usize) -> String {
    let value = raw.trim().to_owned();
    if value.is_empty() || value.chars().count() > max {
        errors.push(field, format!("must be between 1 and {max} characters"));
    }
    value
}

impl SessionProposal {
    /// Parses a proposal made at `now`; every invalid field is reported at once.
    pub fn parse(draft: ProposalDraft, now: DateTime<Utc>) -> Result<Self> {
        let mut errors = Errors::new();
        let title = text(&mut errors, "title", &draft.title, TITLE_MAX);
        let description = text(
            &mut errors,
            "description",
            &draft.description,
            DESCRIPTION_MAX,
        );
        let format = errors.take(EventFormat::parse(&draft.format));
        let space = draft.space.trim().to_owned();
        if !PROPOSAL_SPACES.contains(&space.as_str()) {
            errors.push(
                "space",
                format!("must be one of: {}", PROPOSAL_SPACES.join(", ")),
            );
        }
        let mut times = draft.proposed_times;
        times.sort_unstable();
        times.dedup();
        if times.is_empty() || times.len() > MAX_PROPOSED_TIMES {
            errors.push(
                "proposed_times",
                format!("propose between 1 and {MAX_PROPOSED_TIMES} times"),
            );
        } else if times.iter().any(|t| *t <= now) {
            errors.push(
                "proposed_times",
                "every proposed time must be in the future",
            );
        }
        let time_zone = errors.take(TimeZone::parse(&draft.time_zone));
        errors.finish()?;
        match (format, time_zone) {
            (Some(format), Some(time_zone)) => Ok(Self {
                title,
                format,
                description,
                space,
                proposed_times: times,
                time_zone,
            }),
            _ => Err(Error::field("", "the proposal is incomplete")),
        }
    }
}

/// The kind of event an accepted proposal becomes: a PRO meet-up in the PRO Lounge, a learning
/// session in the Practitioner Lounge.
pub fn event_kind_for(space: &str) -> EventKind {
    if space == "pro-lounge" {
        EventKind::ProMeetup
    } else {
        EventKind::LearningSession
    }
}

/// A host's decision on a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposalDecision {
    /// The session takes place then, at that link; the note is optional.
    Accept {
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        join_url: String,
        note: Option<String>,
    },
    /// Declined, with a note the proposer reads (required).
    Decline { note: String },
}

/// A decision as sent.
#[derive(Debug, Clone, Default)]
pub struct DecisionDraft {
    pub decision: String,
    pub note: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub join_url: Option<String>,
}

impl ProposalDecision {
    pub fn parse(draft: DecisionDraft) -> Result<Self> {
        let note = draft
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        if note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
        {
            return Err(Error::field(
                "note",
                format!("must be at most {MAX_NOTE_CHARS} characters"),
            ));
        }
        match draft.decision.as_str() {
            "accept" => {
                let mut errors = Errors::new();
                if draft.starts_at.is_none() {
                    errors.push("starts_at", "required to accept: when the session starts");
                }
                if draft.ends_at.is_none() {
                    errors.push("ends_at", "required to accept: when the session ends");
                }
                let join_url = draft.join_url.unwrap_or_default().trim().to_owned();
                if !(join_url.starts_with("https://") || join_url.starts_with("http://")) {
                    errors.push("join_url", "required to accept: an http(s) URL");
                }
                errors.finish()?;
                let (Some(starts_at), Some(ends_at)) = (draft.starts_at, draft.ends_at) else {
                    return Err(Error::field("starts_at", "required to accept"));
                };
                check_times(starts_at, ends_at)?;
                Ok(Self::Accept {
                    starts_at,
                    ends_at,
                    join_url,
                    note,
                })
            }
            "decline" => note
                .map(|note| Self::Decline { note })
                .ok_or_else(|| Error::field("note", "say why the proposal is declined")),
            _ => Err(Error::field("decision", "must be one of: accept, decline")),
        }
    }

    pub fn status(&self) -> ProposalStatus {
        match self {
            Self::Accept { .. } => ProposalStatus::Accepted,
            Self::Decline { .. } => ProposalStatus::Declined,
        }
    }

    pub fn note(&self) -> Option<&str> {
        match self {
            Self::Accept { note, .. } => note.as_deref(),
            Self::Decline { note } => Some(note),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn draft() -> ProposalDraft {
        ProposalDraft {
            title: "Troika practice".into(),
            format: "troika_consulting".into(),
            description: "We practise Troika Consulting on real cases.".into(),
            space: "pro-lounge".into(),
            proposed_times: vec![now() + Duration::days(3)],
            time_zone: "Europe/Madrid".into(),
        }
    }

    fn fields(err: Error) -> Vec<String> {
        match err {
            Error::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => vec![format!("{other:?}")],
        }
    }

    #[test]
    fn a_complete_proposal_parses() {
        let parsed = SessionProposal::parse(draft(), now()).ok();
        assert_eq!(
            parsed.map(|p| p.format),
            Some(EventFormat::TroikaConsulting)
        );
    }

    #[test]
    fn a_proposal_for_another_space_is_refused() {
        let err = SessionProposal::parse(
            ProposalDraft {
                space: "lobby".into(),
                ..draft()
            },
            now(),
        );
        assert_eq!(err.err().map(fields), Some(vec!["space".to_owned()]));
    }

    #[test]
    fn a_proposal_needs_future_times() {
        for times in [vec![], vec![now() - Duration::hours(1)]] {
            let err = SessionProposal::parse(
                ProposalDraft {
                    proposed_times: times,
                    ..draft()
                },
                now(),
            );
            assert_eq!(
                err.err().map(fields),
                Some(vec!["proposed_times".to_owned()])
            );
        }
    }

    #[test]
    fn declining_needs_a_note_and_accepting_needs_times_and_a_link() {
        let decline = DecisionDraft {
            decision: "decline".into(),
            ..Default::default()
        };
        assert_eq!(
            ProposalDecision::parse(decline).err().map(fields),
            Some(vec!["note".to_owned()])
        );
        let accept = DecisionDraft {
            decision: "accept".into(),
            ..Default::default()
        };
        assert_eq!(
            ProposalDecision::parse(accept).err().map(fields),
            Some(vec![
                "starts_at".into(),
                "ends_at".into(),
                "join_url".into()
            ])
        );
    }

    #[test]
    fn an_accepted_session_in_the_pro_lounge_is_a_pro_meetup() {
        assert_eq!(event_kind_for("pro-lounge"), EventKind::ProMeetup);
        assert_eq!(
            event_kind_for("practitioner-lounge"),
            EventKind::LearningSession
        );
    }
}
