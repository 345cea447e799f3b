//! On-demand support for PRO members: a request with a private thread between the member and
//! the hosts, whose status moves `open → answered → resolved`, or `withdrawn` by the member.

use crate::error::Errors;
use crate::{Error, Result};

/// The longest topic, in characters.
pub const TOPIC_MAX: usize = 200;
/// The longest request or message, in characters.
pub const BODY_MAX: usize = 5000;
/// New requests a member may open per day unless configured otherwise.
pub const DEFAULT_REQUESTS_PER_DAY: u32 = 5;

crate::string_enum! {
    /// Where a support request is.
    pub enum SupportStatus {
        /// Waiting for the hosts.
        Open => "open",
        /// The hosts answered; waiting for the member.
        Answered => "answered",
        /// Settled.
        Resolved => "resolved",
        /// The member took it back.
        Withdrawn => "withdrawn",
    }
    field = "status", field_param;
}

crate::string_enum! {
    /// How soon the member needs an answer.
    pub enum Urgency {
        Low => "low",
        Normal => "normal",
        High => "high",
    }
    field = "urgency";
}

/// Who acts on a request: the member who opened it, or a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Member,
    Host,
}

/// What happens to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportEvent {
    /// Someone writes in the thread: a host's message answers it, the member's reopens it.
    Message(Actor),
    /// Someone asks for a status (`answered`, `resolved`, `withdrawn`).
    SetStatus(Actor, SupportStatus),
}

fn closed() -> Error {
    Error::conflict(
        "support-request-closed",
        "This request is resolved or withdrawn; open a new one.",
    )
}

fn not_allowed(detail: &str) -> Error {
    Error::conflict("support-status-not-allowed", detail.to_owned())
}

/// The status after `event`, or why it may not happen: nothing moves a resolved or withdrawn
/// request (409 `support-request-closed`); only hosts mark it answered; only the member
/// withdraws it; either may resolve it.
pub fn transition(from: SupportStatus, event: SupportEvent) -> Result<SupportStatus> {
    use SupportStatus::{Answered, Open, Resolved, Withdrawn};
    if matches!(from, Resolved | Withdrawn) {
        return Err(closed());
    }
    match event {
        SupportEvent::Message(Actor::Host) => Ok(Answered),
        SupportEvent::Message(Actor::Member) => Ok(Open),
        SupportEvent::SetStatus(Actor::Host, Answered) => Ok(Answered),
        SupportEvent::SetStatus(Actor::Member, Answered) => {
            Err(not_allowed("Only the hosts mark a request answered."))
        }
        SupportEvent::SetStatus(_, Resolved) => Ok(Resolved),
        SupportEvent::SetStatus(Actor::Member, Withdrawn) => Ok(Withdrawn),
        SupportEvent::SetStatus(Actor::Host, Withdrawn) => {
            Err(not_allowed("Only the member withdraws their request."))
        }
        SupportEvent::SetStatus(_, Open) => Err(not_allowed(
            "A request reopens when the member writes in its thread.",
        )),
    }
}

/// The statuses a caller may ask for.
pub fn parse_requested_status(raw: &str) -> Result<SupportStatus> {
    match SupportStatus::parse("status", raw)? {
        SupportStatus::Open => Err(Error::field(
            "status",
            "must be one of: answered, resolved, withdrawn",
        )),
        status => Ok(status),
    }
}

/// A new request, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSupportRequest {
    pub topic: String,
    pub body: String,
    pub urgency: Urgency,
}

impl NewSupportRequest {
    pub fn parse(topic: &str, body: &str, urgency: Option<&str>) -> Result<Self> {
        let mut errors = Errors::new();
        let topic = errors.take(text("topic", topic, TOPIC_MAX));
        let body = errors.take(text("body", body, BODY_MAX));
        let urgency = match urgency {
            None => Some(Urgency::Normal),
            Some(raw) => errors.take(Urgency::parse(raw)),
        };
        errors.finish()?;
        match (topic, body, urgency) {
            (Some(topic), Some(body), Some(urgency)) => Ok(Self {
                topic,
                body,
                urgency,
            }),
            _ => Err(Error::field("", "the request is incomplete")),
        }
    }
}

/// Trimmed text of 1 to `max` characters.
pub fn text(field: &str, raw: &str, max: usize) -> Result<String> {
    let value = raw.trim().to_owned();
    if value.is_empty() || value.chars().count() > max {
        return Err(Error::field(
            field,
            format!("must be between 1 and {max} characters"),
        ));
    }
    Ok(value)
}

/// Whether one more request fits today's allowance (`limit` 0 switches the limit off).
pub fn within_daily_limit(opened_last_day: i64, limit: u32) -> bool {
    limit == 0 || opened_last_day < i64::from(limit)
}

/// The median of some durations in seconds (the mean of the middle two for an even count).
pub fn median(mut seconds: Vec<i64>) -> Option<f64> {
    if seconds.is_empty() {
        return None;
    }
    seconds.sort_unstable();
    let mid = seconds.len() / 2;
    let value = if seconds.len().is_multiple_of(2) {
        (seconds[mid - 1] as f64 + seconds[mid] as f64) / 2.0
    } else {
        seconds[mid] as f64
    };
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use SupportStatus::*;

    #[test]
    fn a_host_message_answers_and_a_member_message_reopens() {
        assert_eq!(
            transition(Open, SupportEvent::Message(Actor::Host)).ok(),
            Some(Answered)
        );
        assert_eq!(
            transition(Answered, SupportEvent::Message(Actor::Member)).ok(),
            Some(Open)
        );
    }

    #[test]
    fn a_resolved_or_withdrawn_request_never_moves_again() {
        for from in [Resolved, Withdrawn] {
            for event in [
                SupportEvent::Message(Actor::Member),
                SupportEvent::Message(Actor::Host),
                SupportEvent::SetStatus(Actor::Host, Answered),
                SupportEvent::SetStatus(Actor::Member, Resolved),
            ] {
                assert!(transition(from, event).is_err(), "{from:?} {event:?}");
            }
        }
    }

    #[test]
    fn only_hosts_answer_and_only_the_member_withdraws() {
        assert!(transition(Open, SupportEvent::SetStatus(Actor::Member, Answered)).is_err());
        assert!(transition(Open, SupportEvent::SetStatus(Actor::Host, Withdrawn)).is_err());
        assert_eq!(
            transition(Open, SupportEvent::SetStatus(Actor::Member, Withdrawn)).ok(),
            Some(Withdrawn)
        );
        assert_eq!(
            transition(Answered, SupportEvent::SetStatus(Actor::Host, Resolved)).ok(),
            Some(Resolved)
        );
    }

    #[test]
    fn the_daily_limit_allows_up_to_the_configured_count() {
        assert!(within_daily_limit(4, 5));
        assert!(!within_daily_limit(5, 5));
        assert!(within_daily_limit(500, 0));
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![30, 10, 20]), Some(20.0));
        assert_eq!(median(vec![40, 10, 20, 30]), Some(25.0));
    }
}
