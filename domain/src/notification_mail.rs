//! Notification mail: how a member wants to hear by mail about what they are notified of in the
//! app (each notification at once, or a daily or weekly digest at a fixed local hour), and the
//! per-space levels as the settings document names them (`all`, `mentions`, `none`).

use crate::discussion::NotificationLevel;
use crate::{Error, Result};
use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

crate::string_enum! {
    /// When notification mail goes out.
    #[derive(Default)]
    pub enum MailDelivery {
        /// One mail per notification, at the next job tick.
        Immediate => "immediate",
        /// One digest a day at [`DIGEST_HOUR`] in the member's time zone.
        #[default]
        Daily => "daily",
        /// One digest a week, on Mondays at [`DIGEST_HOUR`] in the member's time zone.
        Weekly => "weekly",
    }
    field = "delivery";
}

/// The local hour (in the member's time zone) digests are built at.
pub const DIGEST_HOUR: u32 = 7;

/// Notifications older than this are never mailed: a digest is about what is new, and the job
/// reads a bounded window rather than the whole history.
pub const MAIL_WINDOW_DAYS: i64 = 8;

/// A space level as the settings document spells it: `none` is the in-app `muted`.
pub fn level_name(level: NotificationLevel) -> &'static str {
    match level {
        NotificationLevel::All => "all",
        NotificationLevel::Mentions => "mentions",
        NotificationLevel::Muted => "none",
    }
}

/// Parses a space level of the settings document (`all`, `mentions` or `none`), naming `field`.
pub fn parse_level(field: &str, raw: &str) -> Result<NotificationLevel> {
    match raw {
        "all" => Ok(NotificationLevel::All),
        "mentions" => Ok(NotificationLevel::Mentions),
        "none" => Ok(NotificationLevel::Muted),
        _ => Err(Error::field(field, "must be one of: all, mentions, none")),
    }
}

/// When the next digest after `after` is due: the next [`DIGEST_HOUR`]:00 in `zone` (daily), or
/// the next Monday at that hour (weekly); `None` for immediate delivery. A local time that does
/// not exist (a DST gap) moves to the first instant after it.
pub fn next_digest_at(
    delivery: MailDelivery,
    zone: Tz,
    after: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if delivery == MailDelivery::Immediate {
        return None;
    }
    let hour = NaiveTime::from_hms_opt(DIGEST_HOUR, 0, 0)?;
    let mut day = after.with_timezone(&zone).date_naive();
    // Two weeks of days always hold a Monday after `after`.
    for _ in 0..15 {
        let wanted = delivery == MailDelivery::Daily || day.weekday() == Weekday::Mon;
        if wanted {
            let local = day.and_time(hour);
            let at = zone
                .from_local_datetime(&local)
                .earliest()
                .or_else(|| {
                    zone.from_local_datetime(&(local + Duration::hours(1)))
                        .earliest()
                })
                .map(|t| t.with_timezone(&Utc));
            if let Some(at) = at.filter(|at| *at > after) {
                return Some(at);
            }
        }
        day = day.succ_opt()?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn daily_digest_is_due_at_seven_in_the_members_time_zone() {
        let bogota: Tz = "America/Bogota".parse().unwrap_or(chrono_tz::UTC);
        // 06:00 in Bogotá (UTC-5) is 11:00Z: today's 07:00 there is 12:00Z.
        assert_eq!(
            next_digest_at(MailDelivery::Daily, bogota, utc("2026-12-07T11:00:00Z")),
            Some(utc("2026-12-07T12:00:00Z"))
        );
        // Exactly at 07:00 the next one is tomorrow's.
        assert_eq!(
            next_digest_at(MailDelivery::Daily, bogota, utc("2026-12-07T12:00:00Z")),
            Some(utc("2026-12-08T12:00:00Z"))
        );
    }

    #[test]
    fn daily_digest_keeps_seven_local_across_a_dst_change() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap_or(chrono_tz::UTC);
        // 29 March 2026 Berlin moves to summer time: 07:00 local is 05:00Z from then on.
        assert_eq!(
            next_digest_at(MailDelivery::Daily, berlin, utc("2026-03-28T07:00:00Z")),
            Some(utc("2026-03-29T05:00:00Z"))
        );
    }

    #[test]
    fn weekly_digest_is_due_on_monday_at_seven_local() {
        // Saturday 5 December 2026: the next Monday is the 7th.
        assert_eq!(
            next_digest_at(
                MailDelivery::Weekly,
                chrono_tz::UTC,
                utc("2026-12-05T10:00:00Z")
            ),
            Some(utc("2026-12-07T07:00:00Z"))
        );
        // On Monday after 07:00: a week later.
        assert_eq!(
            next_digest_at(
                MailDelivery::Weekly,
                chrono_tz::UTC,
                utc("2026-12-07T08:00:00Z")
            ),
            Some(utc("2026-12-14T07:00:00Z"))
        );
    }

    #[test]
    fn immediate_delivery_has_no_digest() {
        assert_eq!(
            next_digest_at(MailDelivery::Immediate, chrono_tz::UTC, Utc::now()),
            None
        );
    }

    #[test]
    fn space_level_none_is_the_in_app_muted_level_and_others_are_refused() {
        assert_eq!(
            parse_level("spaces.lobby", "none").ok(),
            Some(NotificationLevel::Muted)
        );
        assert_eq!(level_name(NotificationLevel::Muted), "none");
        assert!(parse_level("spaces.lobby", "muted").is_err());
    }
}
