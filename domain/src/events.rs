//! Events: kinds and formats, recurring series kept at their wall-clock time in their own zone,
//! occurrence ids, bounded ranges, RSVP capacity and when reminders are due.
//!
//! A series is stored as a rule in local time (e.g. "second Tuesday, 18:00, Europe/Berlin"), and
//! expanded to UTC instants one local date at a time, so each occurrence gets the UTC offset its
//! own date has: 17:00Z in winter, 16:00Z in summer.

use crate::{Error, Result};
use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;

/// The longest range a list or feed expands at once.
pub const MAX_RANGE_DAYS: i64 = 366;
/// A series expands at most this many years past its first date, whatever `until` says.
const MAX_SERIES_YEARS: i32 = 20;

crate::string_enum! {
    /// The kinds of events the community runs.
    pub enum EventKind {
        CommunityMeetup => "community_meetup",
        LearningSession => "learning_session",
        QaSession => "qa_session",
        ProMeetup => "pro_meetup",
        Supervision => "supervision",
        Intervision => "intervision",
    }
    field = "kind";
}

crate::string_enum! {
    /// How a session is facilitated.
    pub enum EventFormat {
        OpenSpace => "open_space",
        WorldCafe => "world_cafe",
        WiseCrowds => "wise_crowds",
        TroikaConsulting => "troika_consulting",
        Talk => "talk",
        Other => "other",
    }
    field = "format";
}

crate::string_enum! {
    /// How often a series repeats.
    pub enum Frequency {
        Weekly => "weekly",
        Monthly => "monthly",
    }
    field = "recurrence.frequency";
}

/// A month a theme belongs to, `YYYY-MM`.
pub fn parse_month(raw: &str) -> Result<String> {
    let valid = raw.len() == 7
        && NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d").is_ok()
        && raw.as_bytes().get(4) == Some(&b'-');
    if valid {
        Ok(raw.to_owned())
    } else {
        Err(Error::field("month", "must be a month such as 2026-12"))
    }
}

fn weekday_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mo",
        Weekday::Tue => "tu",
        Weekday::Wed => "we",
        Weekday::Thu => "th",
        Weekday::Fri => "fr",
        Weekday::Sat => "sa",
        Weekday::Sun => "su",
    }
}

/// Weekdays as two-letter codes (`mo`…`su`), as in RFC 5545 `BYDAY`.
pub fn parse_weekdays(codes: &[String]) -> Result<Vec<Weekday>> {
    let all = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    let mut days = Vec::new();
    for code in codes {
        let lower = code.trim().to_ascii_lowercase();
        let day = all
            .iter()
            .find(|d| weekday_code(**d) == lower)
            .ok_or_else(|| {
                Error::field(
                    "recurrence.by_weekday",
                    "use two-letter weekdays: mo, tu, we, th, fr, sa, su",
                )
            })?;
        if !days.contains(day) {
            days.push(*day);
        }
    }
    if days.is_empty() {
        return Err(Error::field(
            "recurrence.by_weekday",
            "name at least one weekday",
        ));
    }
    Ok(days)
}

/// Weekdays as stored: `mo,we`.
pub fn weekdays_to_string(days: &[Weekday]) -> String {
    days.iter()
        .map(|d| weekday_code(*d))
        .collect::<Vec<_>>()
        .join(",")
}

pub fn weekdays_from_string(stored: &str) -> Result<Vec<Weekday>> {
    let codes: Vec<String> = stored.split(',').map(str::to_owned).collect();
    parse_weekdays(&codes)
}

/// How a series repeats, in local dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub frequency: Frequency,
    /// Every n weeks or months.
    pub interval: u32,
    pub weekdays: Vec<Weekday>,
    /// Monthly: 1..=4 for the n-th weekday of the month, -1 for the last one.
    pub week_of_month: Option<i32>,
    /// Last local date (inclusive).
    pub until: Option<NaiveDate>,
    /// Number of occurrences.
    pub count: Option<u32>,
}

impl Rule {
    /// Checks the combination of fields a client sent.
    pub fn new(
        frequency: Frequency,
        interval: Option<u32>,
        weekdays: Vec<Weekday>,
        week_of_month: Option<i32>,
        until: Option<NaiveDate>,
        count: Option<u32>,
    ) -> Result<Self> {
        let interval = interval.unwrap_or(1);
        if !(1..=12).contains(&interval) {
            return Err(Error::field(
                "recurrence.interval",
                "must be between 1 and 12",
            ));
        }
        match (frequency, week_of_month) {
            (Frequency::Monthly, None) => {
                return Err(Error::field(
                    "recurrence.week_of_month",
                    "a monthly series needs the week of the month: 1–4, or -1 for the last",
                ))
            }
            (Frequency::Monthly, Some(n)) if !matches!(n, 1..=4 | -1) => {
                return Err(Error::field(
                    "recurrence.week_of_month",
                    "must be 1–4, or -1 for the last",
                ))
            }
            (Frequency::Weekly, Some(_)) => {
                return Err(Error::field(
                    "recurrence.week_of_month",
                    "only monthly series have a week of the month",
                ))
            }
            _ => {}
        }
        if count == Some(0) || count.is_some_and(|c| c > 1000) {
            return Err(Error::field(
                "recurrence.count",
                "must be between 1 and 1000",
            ));
        }
        Ok(Self {
            frequency,
            interval,
            weekdays,
            week_of_month,
            until,
            count,
        })
    }

    /// Whether the rule, anchored at `first`, produces `date`.
    fn matches(&self, first: NaiveDate, date: NaiveDate) -> bool {
        if date < first || !self.weekdays.contains(&date.weekday()) {
            return false;
        }
        let interval = i64::from(self.interval);
        match self.frequency {
            Frequency::Weekly => {
                // Compare Monday-based week starts.
                let monday = |d: NaiveDate| {
                    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
                };
                let weeks = (monday(date) - monday(first)).num_days() / 7;
                weeks % interval == 0
            }
            Frequency::Monthly => {
                let months = i64::from(date.year() - first.year()) * 12 + i64::from(date.month())
                    - i64::from(first.month());
                if months % interval != 0 {
                    return false;
                }
                let nth = i32::try_from((date.day() - 1) / 7 + 1).unwrap_or(0);
                match self.week_of_month {
                    Some(-1) => (date + Duration::days(7)).month() != date.month(),
                    Some(n) => n == nth,
                    None => false,
                }
            }
        }
    }
}

/// A recurring series: a rule in local dates and a wall-clock start in its own zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub rule: Rule,
    pub time_zone: Tz,
    pub local_start: NaiveTime,
    /// The first local date the rule may produce.
    pub starts_on: NaiveDate,
    pub duration: Duration,
}

/// The UTC instant of a wall-clock time in `tz`. A time skipped by a spring-forward change moves
/// forward by the gap (RFC 5545 §3.3.5); a time that happens twice takes the first.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.with_timezone(&Utc),
        // In a spring-forward gap: read the time with the offset in force before the gap,
        // which lands the same distance past the change.
        LocalResult::None => {
            use chrono::Offset;
            let before = tz
                .offset_from_local_datetime(&(local - Duration::hours(3)))
                .earliest()
                .map_or(0, |o| o.fix().local_minus_utc());
            Utc.from_utc_datetime(&(local - Duration::seconds(i64::from(before))))
        }
    }
}

impl Series {
    /// Starts (UTC) of every occurrence overlapping `[from, to)`, in order.
    pub fn occurrences_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<DateTime<Utc>> {
        let mut found = Vec::new();
        let mut produced: u32 = 0;
        let last = self
            .starts_on
            .with_year(self.starts_on.year() + MAX_SERIES_YEARS)
            .unwrap_or(self.starts_on);
        let last = self.rule.until.map_or(last, |u| u.min(last));
        let mut date = self.starts_on;
        while date <= last {
            if self.rule.matches(self.starts_on, date) {
                produced += 1;
                if self.rule.count.is_some_and(|c| produced > c) {
                    break;
                }
                let start = local_to_utc(self.time_zone, date.and_time(self.local_start));
                if start >= to {
                    break;
                }
                if start + self.duration > from {
                    found.push(start);
                }
            }
            date = match date.succ_opt() {
                Some(next) => next,
                None => break,
            };
        }
        found
    }

    /// Whether `start` is one of the series' occurrences.
    pub fn has_occurrence(&self, start: DateTime<Utc>) -> bool {
        self.occurrences_between(start, start + Duration::seconds(1))
            .contains(&start)
    }
}

/// `[from, to)` for a list or feed: `to` after `from`, at most [`MAX_RANGE_DAYS`] long.
pub fn check_range(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<()> {
    if to <= from {
        return Err(Error::field("to", "must be after `from`"));
    }
    if to - from > Duration::days(MAX_RANGE_DAYS) {
        return Err(Error::field(
            "to",
            format!("the range may span at most {MAX_RANGE_DAYS} days"),
        ));
    }
    Ok(())
}

/// Which event an id names: a single event, or one occurrence of a series by its original start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventRef {
    Single(String),
    Occurrence {
        series_id: String,
        original_start: DateTime<Utc>,
    },
}

pub(crate) const OCCURRENCE_FORMAT: &str = "%Y%m%dT%H%M%SZ";

impl EventRef {
    /// `<event id>` or `<series id>@<original start as 20261208T170000Z>`.
    pub fn parse(raw: &str) -> Result<Self> {
        let invalid = || Error::NotFound("event");
        match raw.split_once('@') {
            None if !raw.is_empty() => Ok(Self::Single(raw.to_owned())),
            None => Err(invalid()),
            Some((series_id, start)) => {
                let at = NaiveDateTime::parse_from_str(start, OCCURRENCE_FORMAT)
                    .map_err(|_| invalid())?;
                if series_id.is_empty() {
                    return Err(invalid());
                }
                Ok(Self::Occurrence {
                    series_id: series_id.to_owned(),
                    original_start: at.and_utc(),
                })
            }
        }
    }

    pub fn occurrence_id(series_id: &str, original_start: DateTime<Utc>) -> String {
        format!("{series_id}@{}", original_start.format(OCCURRENCE_FORMAT))
    }

    pub fn id(&self) -> String {
        match self {
            Self::Single(id) => id.clone(),
            Self::Occurrence {
                series_id,
                original_start,
            } => Self::occurrence_id(series_id, *original_start),
        }
    }
}

/// Whether one more member may RSVP: no capacity means unlimited.
pub fn has_place(capacity: Option<u32>, taken: u64) -> bool {
    capacity.is_none_or(|c| taken < u64::from(c))
}

/// A capacity a host sets: at least one place.
pub fn parse_capacity(raw: Option<i64>) -> Result<Option<u32>> {
    match raw {
        None => Ok(None),
        Some(c) if (1..=100_000).contains(&c) => Ok(u32::try_from(c).ok()),
        Some(_) => Err(Error::field("capacity", "must be between 1 and 100000")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap_or_default()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn second_tuesday_berlin() -> Series {
        Series {
            rule: Rule::new(
                Frequency::Monthly,
                None,
                vec![Weekday::Tue],
                Some(2),
                None,
                None,
            )
            .unwrap_or_else(|e| panic!("{e}")),
            time_zone: chrono_tz::Europe::Berlin,
            local_start: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default(),
            starts_on: date(2026, 1, 1),
            duration: Duration::minutes(90),
        }
    }

    #[test]
    fn monthly_series_keeps_local_wall_clock_time_across_dst() {
        let starts = second_tuesday_berlin()
            .occurrences_between(utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0));
        assert_eq!(starts.len(), 12);
        // Second Tuesdays of 2026: Feb 10 (CET), Mar 10 (CET, before the Mar 29 change),
        // Apr 14 (CEST), Oct 13 (CEST, before the Oct 25 change), Nov 10 (CET).
        assert!(starts.contains(&utc(2026, 2, 10, 17, 0)));
        assert!(starts.contains(&utc(2026, 3, 10, 17, 0)));
        assert!(starts.contains(&utc(2026, 4, 14, 16, 0)));
        assert!(starts.contains(&utc(2026, 10, 13, 16, 0)));
        assert!(starts.contains(&utc(2026, 11, 10, 17, 0)));
        for start in starts {
            let local = start.with_timezone(&chrono_tz::Europe::Berlin);
            assert_eq!(
                local.time(),
                NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default()
            );
            assert_eq!(local.weekday(), Weekday::Tue);
            assert!((8..=14).contains(&local.day()));
        }
    }

    #[test]
    fn weekly_series_honours_interval_and_count() {
        let series = Series {
            rule: Rule::new(
                Frequency::Weekly,
                Some(2),
                vec![Weekday::Mon, Weekday::Thu],
                None,
                None,
                Some(5),
            )
            .unwrap_or_else(|e| panic!("{e}")),
            time_zone: chrono_tz::UTC,
            local_start: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
            starts_on: date(2026, 1, 5),
            duration: Duration::hours(1),
        };
        let starts = series.occurrences_between(utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0));
        let days: Vec<u32> = starts.iter().map(|s| s.day()).collect();
        assert_eq!(days, vec![5, 8, 19, 22, 2]);
    }

    #[test]
    fn series_stops_at_until_date() {
        let mut series = second_tuesday_berlin();
        series.rule.until = Some(date(2026, 3, 10));
        let starts = series.occurrences_between(utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0));
        assert_eq!(starts.len(), 3);
    }

    #[test]
    fn last_weekday_of_month_is_week_minus_one() {
        let mut series = second_tuesday_berlin();
        series.rule.week_of_month = Some(-1);
        let starts = series.occurrences_between(utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0));
        assert_eq!(starts, vec![utc(2026, 3, 31, 16, 0)]);
    }

    #[test]
    fn skipped_wall_clock_time_moves_forward_by_the_gap() {
        // 02:30 on 29 March 2026 does not exist in Berlin: it becomes 03:30 CEST = 01:30Z.
        let local = date(2026, 3, 29).and_hms_opt(2, 30, 0).unwrap_or_default();
        assert_eq!(
            local_to_utc(chrono_tz::Europe::Berlin, local),
            utc(2026, 3, 29, 1, 30)
        );
    }

    #[test]
    fn monthly_series_needs_week_of_month() {
        assert!(Rule::new(
            Frequency::Monthly,
            None,
            vec![Weekday::Tue],
            None,
            None,
            None
        )
        .is_err());
        assert!(Rule::new(
            Frequency::Monthly,
            None,
            vec![Weekday::Tue],
            Some(5),
            None,
            None
        )
        .is_err());
    }

    #[test]
    fn occurrence_id_round_trips() {
        let id = EventRef::occurrence_id("s1", utc(2026, 12, 8, 17, 0));
        assert_eq!(id, "s1@20261208T170000Z");
        assert_eq!(
            EventRef::parse(&id),
            Ok(EventRef::Occurrence {
                series_id: "s1".into(),
                original_start: utc(2026, 12, 8, 17, 0)
            })
        );
        assert!(EventRef::parse("s1@tomorrow").is_err());
    }

    #[test]
    fn range_is_bounded_to_366_days() {
        assert!(check_range(utc(2026, 1, 1, 0, 0), utc(2027, 1, 2, 0, 0)).is_ok());
        assert!(check_range(utc(2026, 1, 1, 0, 0), utc(2027, 1, 3, 0, 0)).is_err());
        assert!(check_range(utc(2026, 1, 1, 0, 0), utc(2026, 1, 1, 0, 0)).is_err());
    }

    #[test]
    fn capacity_limits_rsvps() {
        assert!(has_place(None, 1_000));
        assert!(has_place(Some(1), 0));
        assert!(!has_place(Some(1), 1));
    }

    #[test]
    fn theme_month_is_year_and_month() {
        assert!(parse_month("2026-12").is_ok());
        assert!(parse_month("2026-13").is_err());
        assert!(parse_month("202612").is_err());
    }
}
