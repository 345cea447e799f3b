//! Reminders of events a member RSVP'd to: a day and an hour before.

use chrono::{DateTime, Duration, Utc};

crate::string_enum! {
    /// The reminders members get before an event they RSVP'd to.
    pub enum Reminder {
        DayBefore => "24h",
        HourBefore => "1h",
    }
    field = "reminder";
}

impl Reminder {
    pub fn lead(&self) -> Duration {
        match self {
            Self::DayBefore => Duration::hours(24),
            Self::HourBefore => Duration::hours(1),
        }
    }
}

/// The reminder due at `now` for an event starting at `start`, if any: the day-before one
/// between 24 h and 1 h ahead, the hour-before one in the last hour. A day-before reminder not
/// sent in time is skipped rather than sent an hour before, next to the hour-before one.
pub fn due_reminder(start: DateTime<Utc>, now: DateTime<Utc>) -> Option<Reminder> {
    if now >= start {
        None
    } else if now >= start - Reminder::HourBefore.lead() {
        Some(Reminder::HourBefore)
    } else if now >= start - Reminder::DayBefore.lead() {
        Some(Reminder::DayBefore)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn reminders_fall_due_a_day_and_an_hour_before() {
        let start = utc(2026, 5, 2, 18, 0);
        assert_eq!(due_reminder(start, start - Duration::hours(25)), None);
        assert_eq!(
            due_reminder(start, start - Duration::hours(24)),
            Some(Reminder::DayBefore)
        );
        assert_eq!(
            due_reminder(start, start - Duration::minutes(59)),
            Some(Reminder::HourBefore)
        );
        assert_eq!(due_reminder(start, start), None);
    }
}
