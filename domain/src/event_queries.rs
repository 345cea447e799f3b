//! What a caller asks of the event list: a range of at most `events::MAX_RANGE_DAYS` and
//! optionally one kind. Each field is checked in turn and the first problem is reported.

use crate::events::{check_range, EventKind};
use crate::{Error, Result};
use chrono::{DateTime, Duration, Utc};

/// The range a list covers when `to` is left out.
pub const DEFAULT_RANGE_DAYS: i64 = 30;

/// Events overlapping `[from, to)`, of one kind if given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventQuery {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub kind: Option<EventKind>,
}

fn instant(field: &str, raw: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| {
            Error::field(
                field,
                "must be an RFC 3339 instant such as 2026-12-01T00:00:00Z",
            )
        })
}

impl EventQuery {
    /// `from` defaults to `now`, `to` to 30 days after `from`.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        kind: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        let from = from
            .map(|raw| instant("from", raw))
            .transpose()?
            .unwrap_or(now);
        let to = to
            .map(|raw| instant("to", raw))
            .transpose()?
            .unwrap_or(from + Duration::days(DEFAULT_RANGE_DAYS));
        check_range(from, to)?;
        let kind = kind.map(EventKind::parse).transpose()?;
        Ok(Self { from, to, kind })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_query_defaults_to_thirty_days_from_now() {
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let query = EventQuery::parse(None, None, None, now);
        assert_eq!(
            query.ok(),
            Some(EventQuery {
                from: now,
                to: now + Duration::days(30),
                kind: None,
            })
        );
    }

    #[test]
    fn event_query_names_the_field_that_is_not_an_instant() {
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let Err(Error::Validation(errors)) = EventQuery::parse(None, Some("soon"), None, now)
        else {
            panic!("expected a validation error");
        };
        assert_eq!(errors[0].field, "to");
    }
}
