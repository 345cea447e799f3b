//! Mentor matching for the Academy: a mentor publishes a profile (languages, time zone, topics,
//! how many mentees they take); for a confirmed enrolment the matcher ranks the mentors who share
//! a language with the organisation and still have a free place, and shows why.
//!
//! The score is out of 100, in integer points, so the same inputs always give the same ranking:
//! - **language** (30): a shared language is required; a mentor without one is never listed.
//! - **time zone** (0–30): the minutes of the mentor's working day (09:00–17:00 in their zone)
//!   on the reference date when every member of the implementation circle is also in their own
//!   09:00–17:00, whatever their local date is then. A mentor meets the circle together, so it is
//!   the time all of them share, not an average. The windows are placed with chrono-tz on the
//!   reference date, so a summer-time shift in one zone and not the other changes the overlap
//!   exactly as it does in life. `30 × minutes / 480`, rounded down.
//! - **topics** (0–30): the share of the enrolment's topics (those it named, and its sector)
//!   that the mentor lists: `30 × shared / needed`, rounded down.
//! - **capacity** (0–10): the share of the mentor's places still free, `10 × free / capacity`
//!   rounded down, so a mentor with room to spare comes before one taking a last mentee.
//!
//! A full mentor (no free place) is never listed. Ties are broken by the mentor's id.

use crate::academy::language_codes;
use crate::error::Errors;
use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The most mentees one mentor may take: a coach meets each circle regularly.
pub const MAX_CAPACITY: i32 = 50;
/// How many topics a mentor or an enrolment may name, and how long each may be.
pub const MAX_TOPICS: usize = 20;
pub const TOPIC_MAX_CHARS: usize = 80;

/// The working day the overlap is measured on, in each person's own zone.
pub const WORK_STARTS_AT: u32 = 9;
pub const WORK_ENDS_AT: u32 = 17;
const WORK_MINUTES: i64 = ((WORK_ENDS_AT - WORK_STARTS_AT) * 60) as i64;

pub const LANGUAGE_POINTS: i64 = 30;
pub const TIME_ZONE_POINTS: i64 = 30;
pub const TOPIC_POINTS: i64 = 30;
pub const CAPACITY_POINTS: i64 = 10;

/// Topics as compared: trimmed, lower-cased, each once, in the order given; 1–80 characters
/// each, at most 20.
pub fn topics(field: &str, raw: &[String]) -> Result<Vec<String>> {
    if raw.len() > MAX_TOPICS {
        return Err(Error::field(
            field,
            format!("name at most {MAX_TOPICS} topics"),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for topic in raw {
        let topic = crate::learning::text(field, topic, TOPIC_MAX_CHARS)?.to_lowercase();
        if !out.contains(&topic) {
            out.push(topic);
        }
    }
    Ok(out)
}

/// A mentor's profile as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentorProfile {
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    pub time_zone: Tz,
    pub topics: Vec<String>,
    /// How many mentees the mentor takes at once (0: none for now).
    pub capacity: i32,
}

impl MentorProfile {
    /// Parses every field, naming each one that is wrong.
    pub fn parse(
        languages: &[String],
        time_zone: &str,
        topics_given: &[String],
        capacity: i64,
    ) -> Result<Self> {
        let mut errors = Errors::new();
        let languages = errors.take(language_codes("languages", languages));
        let time_zone = errors.take(time_zone.trim().parse::<Tz>().map_err(|_| {
            Error::field(
                "time_zone",
                "must be an IANA time zone name such as Europe/Madrid",
            )
        }));
        let topics_given = errors.take(topics("topics", topics_given));
        let capacity = errors.take(
            i32::try_from(capacity)
                .ok()
                .filter(|c| (0..=MAX_CAPACITY).contains(c))
                .ok_or_else(|| {
                    Error::field(
                        "capacity",
                        format!("must be between 0 and {MAX_CAPACITY} mentees"),
                    )
                }),
        );
        errors.finish()?;
        Ok(Self {
            languages: languages.unwrap_or_default(),
            time_zone: time_zone.unwrap_or(chrono_tz::UTC),
            topics: topics_given.unwrap_or_default(),
            capacity: capacity.unwrap_or_default(),
        })
    }
}

/// What an enrolment asks of its mentor.
#[derive(Debug, Clone)]
pub struct Need {
    /// The organisation's languages.
    pub languages: Vec<String>,
    /// The zones of the implementation circle's members.
    pub member_zones: Vec<Tz>,
    /// The enrolment's topics and its sector, lower case.
    pub topics: Vec<String>,
}

/// A mentor as the matcher weighs them.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub mentor_id: String,
    pub profile: MentorProfile,
    /// Confirmed mentees now.
    pub mentees: i64,
}

/// Why a mentor ranks where they do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    pub shared_languages: Vec<String>,
    pub overlap_minutes: i64,
    pub shared_topics: Vec<String>,
    pub free_places: i64,
    pub language: i64,
    pub time_zone: i64,
    pub topics: i64,
    pub capacity: i64,
    pub total: i64,
}

/// The places a mentor still has; never negative (a lowered capacity keeps its mentees).
pub fn free_places(capacity: i32, mentees: i64) -> i64 {
    (i64::from(capacity) - mentees).max(0)
}

/// The mentor's working window on `date` in their zone, as UTC instants. On the rare day a
/// clock change falls on 09:00 the earliest valid instant is used; a time that does not exist
/// that day gives no window.
fn working_window(zone: Tz, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let at = |hour| {
        date.and_hms_opt(hour, 0, 0)
            .and_then(|local| zone.from_local_datetime(&local).earliest())
            .map(|t| t.with_timezone(&Utc))
    };
    Some((at(WORK_STARTS_AT)?, at(WORK_ENDS_AT)?))
}

type Span = (DateTime<Utc>, DateTime<Utc>);

fn intersect(a: Span, b: Span) -> Option<Span> {
    let start = a.0.max(b.0);
    let end = a.1.min(b.1);
    (start < end).then_some((start, end))
}

/// The minutes of the mentor's working day on `date` when every member is in working hours
/// too. A member's working day may fall on the day before or after in their own calendar
/// (Tokyo's morning is Los Angeles's afternoon of the day before), so theirs are taken on the
/// three dates around `date`.
pub fn working_overlap_minutes(mentor: Tz, members: &[Tz], date: NaiveDate) -> i64 {
    let Some(own) = working_window(mentor, date) else {
        return 0;
    };
    let mut shared = vec![own];
    for zone in members {
        let theirs: Vec<Span> = [date - Duration::days(1), date, date + Duration::days(1)]
            .into_iter()
            .filter_map(|day| working_window(*zone, day))
            .collect();
        shared = shared
            .iter()
            .flat_map(|span| theirs.iter().filter_map(|t| intersect(*span, *t)))
            .collect();
    }
    shared
        .iter()
        .map(|(start, end)| (*end - *start).num_minutes())
        .sum()
}

fn shared(needed: &[String], offered: &[String]) -> Vec<String> {
    needed
        .iter()
        .filter(|n| offered.contains(n))
        .cloned()
        .collect()
}

/// The mentor's score for the need on `date`, or `None` when they share no language or have no
/// free place (such a mentor is never proposed).
pub fn score(need: &Need, mentor: &Candidate, date: NaiveDate) -> Option<Score> {
    let shared_languages = shared(&need.languages, &mentor.profile.languages);
    let free = free_places(mentor.profile.capacity, mentor.mentees);
    if shared_languages.is_empty() || free == 0 {
        return None;
    }
    let overlap_minutes =
        working_overlap_minutes(mentor.profile.time_zone, &need.member_zones, date)
            .min(WORK_MINUTES);
    let shared_topics = shared(&need.topics, &mentor.profile.topics);
    let needed = i64::try_from(need.topics.len()).unwrap_or(i64::MAX);
    let matched = i64::try_from(shared_topics.len()).unwrap_or(0);
    let time_zone = TIME_ZONE_POINTS * overlap_minutes / WORK_MINUTES;
    let topics = if needed == 0 {
        0
    } else {
        TOPIC_POINTS * matched / needed
    };
    let capacity = CAPACITY_POINTS * free / i64::from(mentor.profile.capacity);
    Some(Score {
        total: LANGUAGE_POINTS + time_zone + topics + capacity,
        shared_languages,
        overlap_minutes,
        shared_topics,
        free_places: free,
        language: LANGUAGE_POINTS,
        time_zone,
        topics,
        capacity,
    })
}

/// The mentors worth proposing, best first: total descending, then mentor id.
pub fn rank(need: &Need, mentors: Vec<Candidate>, date: NaiveDate) -> Vec<(Candidate, Score)> {
    let mut ranked: Vec<(Candidate, Score)> = mentors
        .into_iter()
        .filter_map(|m| score(need, &m, date).map(|s| (m, s)))
        .collect();
    ranked.sort_by(|a, b| {
        b.1.total
            .cmp(&a.1.total)
            .then_with(|| a.0.mentor_id.cmp(&b.0.mentor_id))
    });
    ranked
}

/// Whether a host may match the mentor with an organisation of `languages`: 422 on
/// `mentor_id` when they share none.
pub fn may_mentor(org_languages: &[String], mentor_languages: &[String]) -> Result<()> {
    if shared(org_languages, mentor_languages).is_empty() {
        return Err(Error::field(
            "mentor_id",
            "the mentor shares no language with the organisation",
        ));
    }
    Ok(())
}

/// The place a new mentee takes with a mentor of `capacity` whose mentees hold `taken`: the
/// lowest free one, or 409 `mentor-full`. Places are numbered so that `(mentor, place)` can be
/// unique in storage: two confirmations can never share the last one.
pub fn next_place(capacity: i32, taken: &[i32]) -> Result<i32> {
    let count = i64::try_from(taken.len()).unwrap_or(i64::MAX);
    if free_places(capacity, count) == 0 {
        return Err(Error::conflict(
            "mentor-full",
            format!("The mentor already has the {capacity} mentees they take."),
        ));
    }
    (1..=capacity)
        .find(|place| !taken.contains(place))
        .ok_or_else(|| Error::conflict("mentor-full", "Every place of the mentor is taken."))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use chrono_tz::{America, Asia, Europe};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn mentor(id: &str, languages: &[&str], zone: Tz, topics: &[&str], cap: i32) -> Candidate {
        Candidate {
            mentor_id: id.to_owned(),
            profile: MentorProfile {
                languages: languages.iter().map(|s| (*s).to_owned()).collect(),
                time_zone: zone,
                topics: topics.iter().map(|s| (*s).to_owned()).collect(),
                capacity: cap,
            },
            mentees: 0,
        }
    }

    fn need(languages: &[&str], zones: &[Tz], topics: &[&str]) -> Need {
        Need {
            languages: languages.iter().map(|s| (*s).to_owned()).collect(),
            member_zones: zones.to_vec(),
            topics: topics.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn a_mentor_without_a_shared_language_is_never_proposed() {
        let n = need(&["de", "en"], &[Europe::Berlin], &[]);
        let fr = mentor("a", &["fr"], Europe::Berlin, &[], 3);
        assert_eq!(score(&n, &fr, day(2026, 7, 1)), None);
        assert!(rank(&n, vec![fr], day(2026, 7, 1)).is_empty());
        assert!(may_mentor(&n.languages, &["fr".to_owned()]).is_err());
        assert!(may_mentor(&n.languages, &["en".to_owned()]).is_ok());
    }

    #[test]
    fn a_full_mentor_is_not_proposed_and_takes_no_place() {
        let n = need(&["en"], &[Europe::Berlin], &[]);
        let mut full = mentor("a", &["en"], Europe::Berlin, &[], 2);
        full.mentees = 2;
        assert_eq!(score(&n, &full, day(2026, 7, 1)), None);
        let closed = mentor("b", &["en"], Europe::Berlin, &[], 0);
        assert_eq!(score(&n, &closed, day(2026, 7, 1)), None);
        assert!(matches!(
            next_place(2, &[1, 2]),
            Err(Error::Conflict {
                kind: "mentor-full",
                ..
            })
        ));
        // A capacity lowered below the mentees kept is full too.
        assert!(next_place(1, &[2, 3]).is_err());
        assert_eq!(free_places(1, 3), 0);
    }

    #[test]
    fn a_new_mentee_takes_the_lowest_free_place() {
        assert_eq!(next_place(3, &[]).unwrap(), 1);
        assert_eq!(next_place(3, &[1, 3]).unwrap(), 2);
        assert_eq!(next_place(3, &[2]).unwrap(), 1);
    }

    #[test]
    fn the_same_zone_shares_the_whole_working_day() {
        assert_eq!(
            working_overlap_minutes(Europe::Berlin, &[Europe::Berlin], day(2026, 7, 1)),
            480
        );
    }

    #[test]
    fn working_hours_overlap_follows_daylight_saving_time_in_each_zone() {
        // Summer: Berlin 09–17 CEST is 07–15 UTC, New York 09–17 EDT is 13–21 UTC.
        assert_eq!(
            working_overlap_minutes(Europe::Berlin, &[America::New_York], day(2026, 7, 1)),
            120
        );
        // 20 March: New York is on summer time since 8 March, Berlin not until 29 March:
        // Berlin 08–16 UTC against New York 13–21 UTC.
        assert_eq!(
            working_overlap_minutes(Europe::Berlin, &[America::New_York], day(2026, 3, 20)),
            180
        );
    }

    #[test]
    fn a_member_whose_working_day_falls_on_another_date_still_overlaps() {
        // Tokyo 09–17 on 15 January is 00–08 UTC; Los Angeles's 14 January 09–17 PST is
        // 17:00–01:00 UTC, so the two share Tokyo's first hour.
        assert_eq!(
            working_overlap_minutes(Asia::Tokyo, &[America::Los_Angeles], day(2026, 1, 15)),
            60
        );
    }

    #[test]
    fn the_overlap_is_the_time_every_member_of_the_circle_shares() {
        // Kolkata 09–17 is 03:30–11:30 UTC; Tokyo 00–08 UTC; Berlin in January 08–16 UTC.
        let date = day(2026, 1, 15);
        assert_eq!(
            working_overlap_minutes(Asia::Kolkata, &[Asia::Tokyo], date),
            270
        );
        assert_eq!(
            working_overlap_minutes(Asia::Kolkata, &[Asia::Tokyo, Europe::Berlin], date),
            0
        );
        assert_eq!(
            working_overlap_minutes(Asia::Kolkata, &[Europe::Berlin], date),
            210
        );
    }

    #[test]
    fn matches_are_ranked_by_total_then_mentor_id_with_their_score_parts() {
        let date = day(2026, 1, 15);
        let n = need(&["en"], &[Asia::Kolkata], &["onboarding", "healthcare"]);
        let near = mentor("b", &["en", "hi"], Asia::Kolkata, &["healthcare"], 4);
        let far = mentor("c", &["en"], Asia::Tokyo, &["onboarding"], 2);
        let twin = mentor("a", &["en", "hi"], Asia::Kolkata, &["healthcare"], 4);
        let ranked = rank(&n, vec![far, near, twin], date);
        let ids: Vec<&str> = ranked.iter().map(|(m, _)| m.mentor_id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        let (_, best) = &ranked[0];
        assert_eq!(
            best,
            &Score {
                shared_languages: vec!["en".into()],
                overlap_minutes: 480,
                shared_topics: vec!["healthcare".into()],
                free_places: 4,
                language: 30,
                time_zone: 30,
                topics: 15,
                capacity: 10,
                total: 85,
            }
        );
        let (_, far) = &ranked[2];
        assert_eq!(
            (far.overlap_minutes, far.time_zone, far.topics, far.total),
            (270, 16, 15, 71)
        );
    }

    #[test]
    fn a_profile_names_languages_a_real_zone_topics_and_a_sane_capacity() {
        let ok = MentorProfile::parse(
            &["EN".into(), "es".into(), "en".into()],
            "America/Bogota",
            &["Onboarding ".into(), "onboarding".into()],
            3,
        )
        .unwrap();
        assert_eq!(ok.languages, ["en", "es"]);
        assert_eq!(ok.topics, ["onboarding"]);
        assert_eq!(ok.time_zone, America::Bogota);
        match MentorProfile::parse(&[], "Mars/Olympus", &["".into()], -1) {
            Err(Error::Validation(errors)) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["languages", "time_zone", "topics", "capacity"]);
            }
            other => panic!("{other:?}"),
        }
        assert!(MentorProfile::parse(&["en".into()], "UTC", &[], i64::MAX).is_err());
        assert!(MentorProfile::parse(&["en".into()], "UTC", &[], 51).is_err());
        assert!(MentorProfile::parse(&["en".into()], "UTC", &[], 0).is_ok());
    }
}
