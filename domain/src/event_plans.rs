//! What a host plans: a new event or series, or a change to one event or occurrence, parsed
//! from raw input into values that can only hold what the rules allow. Every invalid field is
//! reported at once, with its path (`recurrence.time_zone`).

use crate::access::Visibility;
use crate::account::TimeZone;
use crate::error::{Errors, Result};
use crate::events::{self, EventFormat, EventKind, Frequency, Rule};
use crate::ids::ThemeId;
use crate::plans::PlanSlug;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Longest title of an event, in characters.
pub const TITLE_MAX: usize = 200;
/// Longest description of an event, in characters.
pub const DESCRIPTION_MAX: usize = 5000;
/// Longest join URL, in bytes.
pub const JOIN_URL_MAX: usize = 2000;
/// Longest an event may last.
pub const MAX_DURATION_HOURS: i64 = 24;

crate::string_enum! {
    /// Whether an event takes place.
    pub enum EventStatus {
        Scheduled => "scheduled",
        Cancelled => "cancelled",
    }
    field = "status"
}

/// Trimmed text of at most `max` characters; at least one when `required`.
fn text(errors: &mut Errors, field: &str, raw: &str, max: usize, required: bool) -> String {
    let value = raw.trim().to_owned();
    if (required && value.is_empty()) || value.chars().count() > max {
        errors.push(field, format!("must be between 1 and {max} characters"));
    }
    value
}

/// An http(s) URL members join the event at.
fn join_url(errors: &mut Errors, raw: &str) -> String {
    let value = raw.trim().to_owned();
    if !(value.starts_with("https://") || value.starts_with("http://"))
        || value.len() > JOIN_URL_MAX
    {
        errors.push("join_url", "must be an http(s) URL");
    }
    value
}

fn check_duration(errors: &mut Errors, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) {
    let duration = ends_at - starts_at;
    if duration <= Duration::zero() || duration > Duration::hours(MAX_DURATION_HOURS) {
        errors.push("ends_at", "must be after starts_at, at most 24 hours later");
    }
}

/// Whether an event from `starts_at` to `ends_at` lasts a positive time of at most a day.
pub fn check_times(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Result<()> {
    let mut errors = Errors::new();
    check_duration(&mut errors, starts_at, ends_at);
    errors.finish()
}

fn capacity(errors: &mut Errors, raw: Option<i64>) -> Option<i32> {
    errors
        .take(events::parse_capacity(raw))
        .flatten()
        .and_then(|c| i32::try_from(c).ok())
}

/// A monthly theme of a space, as checked.
#[derive(Debug, Clone)]
pub struct NewTheme {
    /// `YYYY-MM`.
    pub month: String,
    pub title: String,
    pub description: String,
    /// The slug of its space.
    pub space: String,
}

impl NewTheme {
    pub fn parse(month: &str, title: &str, description: Option<&str>, space: &str) -> Result<Self> {
        let mut errors = Errors::new();
        let month = errors.take(events::parse_month(month));
        let title = text(&mut errors, "title", title, TITLE_MAX, true);
        let description = text(
            &mut errors,
            "description",
            description.unwrap_or(""),
            DESCRIPTION_MAX,
            false,
        );
        errors.finish()?;
        match month {
            Some(month) => Ok(Self {
                month,
                title,
                description,
                space: space.to_owned(),
            }),
            None => Err(crate::Error::field("month", "must be YYYY-MM")),
        }
    }
}

/// A host's change to a monthly theme: each field sent replaces the stored one (at least one).
/// The space stays: the theme's events and assignments live there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThemeChange {
    pub month: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
}

impl ThemeChange {
    pub fn parse(
        month: Option<&str>,
        title: Option<&str>,
        description: Option<&str>,
    ) -> Result<Self> {
        let mut errors = Errors::new();
        if month.is_none() && title.is_none() && description.is_none() {
            errors.push("body", "send at least one of: month, title, description");
        }
        let month = month.and_then(|m| errors.take(events::parse_month(m)));
        let title = title.map(|t| text(&mut errors, "title", t, TITLE_MAX, true));
        let description =
            description.map(|d| text(&mut errors, "description", d, DESCRIPTION_MAX, false));
        errors.finish()?;
        Ok(Self {
            month,
            title,
            description,
        })
    }
}

/// How a series repeats, as sent.
#[derive(Debug, Clone, Default)]
pub struct RecurrenceInput<'a> {
    pub frequency: &'a str,
    pub interval: Option<u32>,
    pub by_weekday: &'a [String],
    pub week_of_month: Option<i32>,
    pub until: Option<NaiveDate>,
    pub count: Option<u32>,
    pub time_zone: &'a str,
}

/// A new event or series, as sent.
#[derive(Debug, Clone, Default)]
pub struct NewEventInput<'a> {
    pub kind: &'a str,
    pub format: Option<&'a str>,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub space: &'a str,
    pub theme_id: Option<&'a str>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub join_url: &'a str,
    pub capacity: Option<i64>,
    pub time_zone: Option<&'a str>,
    pub recurrence: Option<RecurrenceInput<'a>>,
}

/// A new single event, or a series when `recurrence` is set.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: EventKind,
    pub format: Option<EventFormat>,
    pub title: String,
    pub description: String,
    /// The slug of the space whose members may attend (checked against the spaces by the use
    /// case).
    pub space: String,
    pub theme_id: Option<ThemeId>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub join_url: String,
    pub capacity: Option<i32>,
    /// The zone a single event is planned in.
    pub time_zone: TimeZone,
    /// The rule of a series, and the zone whose wall-clock time it keeps.
    pub recurrence: Option<(Rule, TimeZone)>,
    /// The PRO member who runs a single event born of their session proposal.
    pub facilitator_id: Option<crate::ids::UserId>,
}

impl NewEvent {
    pub fn parse(input: &NewEventInput<'_>) -> Result<Self> {
        let mut errors = Errors::new();
        let kind = errors.take(EventKind::parse(input.kind));
        let format = input
            .format
            .and_then(|f| errors.take(EventFormat::parse(f)));
        let title = text(&mut errors, "title", input.title, TITLE_MAX, true);
        let description = text(
            &mut errors,
            "description",
            input.description.unwrap_or(""),
            DESCRIPTION_MAX,
            false,
        );
        let theme_id = input
            .theme_id
            .and_then(|t| errors.take(ThemeId::parse_field("theme_id", t)));
        let join_url = join_url(&mut errors, input.join_url);
        let capacity = capacity(&mut errors, input.capacity);
        check_duration(&mut errors, input.starts_at, input.ends_at);
        let time_zone = input
            .time_zone
            .map(|z| errors.take(TimeZone::parse(z)))
            .unwrap_or(Some(TimeZone::utc()));
        let recurrence = input
            .recurrence
            .as_ref()
            .map(|r| parse_recurrence(&mut errors, r));
        errors.finish()?;
        let recurrence = match recurrence {
            None => None,
            Some(Some(parsed)) => Some(parsed),
            // A recurrence that failed recorded its errors, so `finish` already answered.
            Some(None) => return Err(crate::Error::field("recurrence", "is invalid")),
        };
        match (kind, time_zone) {
            (Some(kind), Some(time_zone)) => Ok(Self {
                kind,
                format,
                title,
                description,
                space: input.space.to_owned(),
                theme_id,
                starts_at: input.starts_at,
                ends_at: input.ends_at,
                join_url,
                capacity,
                time_zone,
                recurrence,
                facilitator_id: None,
            }),
            // Every field that failed recorded an error, so `finish` already answered.
            _ => Err(crate::Error::field("", "invalid event")),
        }
    }

    pub fn duration(&self) -> Duration {
        self.ends_at - self.starts_at
    }
}

fn parse_recurrence(errors: &mut Errors, r: &RecurrenceInput<'_>) -> Option<(Rule, TimeZone)> {
    let zone = errors.take(TimeZone::parse(r.time_zone).map_err(|_| {
        crate::Error::field("recurrence.time_zone", "must be an IANA time zone name")
    }));
    let frequency = errors.take(Frequency::parse(r.frequency));
    let weekdays = errors.take(events::parse_weekdays(r.by_weekday));
    let rule = errors.take(Rule::new(
        frequency?,
        r.interval,
        weekdays?,
        r.week_of_month,
        r.until,
        r.count,
    ));
    Some((rule?, zone?))
}

/// A change to one event or occurrence, as sent. Absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct EventChangeInput<'a> {
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub join_url: Option<&'a str>,
    pub capacity: Option<i64>,
    pub status: Option<&'a str>,
}

/// A checked change to one event or occurrence.
#[derive(Debug, Clone, Default)]
pub struct EventChange {
    pub title: Option<String>,
    pub description: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub join_url: Option<String>,
    pub capacity: Option<i32>,
    pub status: Option<EventStatus>,
}

impl EventChange {
    pub fn parse(input: &EventChangeInput<'_>) -> Result<Self> {
        let mut errors = Errors::new();
        let status = input.status.and_then(|s| {
            let parsed = EventStatus::parse(s).ok();
            if parsed.is_none() {
                errors.push("status", "must be scheduled or cancelled");
            }
            parsed
        });
        let change = Self {
            title: input
                .title
                .map(|t| text(&mut errors, "title", t, TITLE_MAX, true)),
            description: input
                .description
                .map(|d| text(&mut errors, "description", d, DESCRIPTION_MAX, false)),
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            join_url: input.join_url.map(|u| join_url(&mut errors, u)),
            capacity: input.capacity.and_then(|c| capacity(&mut errors, Some(c))),
            status,
        };
        errors.finish()?;
        Ok(change)
    }

    /// Cancelling: only the status changes.
    pub fn cancel() -> Self {
        Self {
            status: Some(EventStatus::Cancelled),
            ..Self::default()
        }
    }
}

/// A change to a whole series from now on (`PATCH /admin/series/{id}`): texts and the join
/// link as for one event, and the wall-clock time and length of every future occurrence.
#[derive(Debug, Clone, Default)]
pub struct SeriesChange {
    pub text: EventChange,
    /// The new local time of day (`HH:MM`, in the series' zone).
    pub time_of_day: Option<chrono::NaiveTime>,
    pub duration_minutes: Option<i32>,
}

/// What a client sends to change a series.
#[derive(Debug, Default)]
pub struct SeriesChangeInput<'a> {
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    pub join_url: Option<&'a str>,
    pub time_of_day: Option<&'a str>,
    pub duration_minutes: Option<i64>,
}

/// The longest occurrence of a series, in minutes (a working day).
pub const SERIES_DURATION_MAX: i64 = 12 * 60;

impl SeriesChange {
    pub fn parse(input: &SeriesChangeInput<'_>) -> Result<Self> {
        let text = EventChange::parse(&EventChangeInput {
            title: input.title,
            description: input.description,
            join_url: input.join_url,
            ..EventChangeInput::default()
        });
        let mut errors = Errors::new();
        let time_of_day = input.time_of_day.and_then(|raw| {
            let parsed = chrono::NaiveTime::parse_from_str(raw, "%H:%M").ok();
            if parsed.is_none() {
                errors.push(
                    "time_of_day",
                    "must be HH:MM (24-hour, in the series' time zone)",
                );
            }
            parsed
        });
        let duration_minutes = input.duration_minutes.and_then(|m| {
            if !(1..=SERIES_DURATION_MAX).contains(&m) {
                errors.push(
                    "duration_minutes",
                    format!("must be between 1 and {SERIES_DURATION_MAX}"),
                );
            }
            i32::try_from(m).ok()
        });
        let text = match text {
            Ok(text) => text,
            Err(e) => {
                errors.finish()?;
                return Err(e);
            }
        };
        errors.finish()?;
        Ok(Self {
            text,
            time_of_day,
            duration_minutes,
        })
    }

    /// Whether the change moves occurrences (so members who RSVP'd are told).
    pub fn moves(&self) -> bool {
        self.time_of_day.is_some() || self.duration_minutes.is_some()
    }
}

#[cfg(test)]
mod series_change_tests {
    use super::*;

    #[test]
    fn a_series_change_names_a_bad_time_of_day_and_duration() {
        let refused = SeriesChange::parse(&SeriesChangeInput {
            time_of_day: Some("25:00"),
            duration_minutes: Some(0),
            ..SeriesChangeInput::default()
        });
        let text = format!("{refused:?}");
        assert!(
            text.contains("time_of_day") && text.contains("duration_minutes"),
            "{text}"
        );
    }
}

/// Kinds belong to spaces (DOMAIN.md "Events and recordings"): community meet-ups, learning and
/// Q&A sessions go anywhere a host plans them; a PRO meet-up only to a space that PRO alone opens
/// (the PRO Lounge); supervision and intervision to such a space or to a sealed or invite-only
/// room whose participants the hosts name. So none of them lands in the Lobby, the Lobby
/// members' room or the Practitioner Lounge, where people without PRO would read it.
pub fn kind_belongs_to_space(kind: EventKind, space: &Visibility) -> Result<()> {
    let pro_only =
        matches!(space, Visibility::Plans(plans) if plans.iter().all(|p| *p == PlanSlug::Pro));
    let named_room = matches!(space, Visibility::Sealed | Visibility::Invite);
    let fits = match kind {
        EventKind::CommunityMeetup | EventKind::LearningSession | EventKind::QaSession => true,
        EventKind::ProMeetup => pro_only,
        EventKind::Supervision | EventKind::Intervision => pro_only || named_room,
    };
    if fits {
        Ok(())
    } else {
        Err(crate::Error::field(
            "kind",
            format!(
                "a {} event belongs to the PRO Lounge{}",
                kind.as_str(),
                if kind == EventKind::ProMeetup {
                    ""
                } else {
                    " or a sealed or invite-only room"
                }
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> DateTime<Utc> {
        raw.parse().unwrap_or_default()
    }

    fn input() -> NewEventInput<'static> {
        NewEventInput {
            kind: "community_meetup",
            title: "Meet-up",
            space: "lobby",
            starts_at: at("2026-12-08T17:00:00Z"),
            ends_at: at("2026-12-08T18:00:00Z"),
            join_url: "https://meet.example.org/x",
            ..NewEventInput::default()
        }
    }

    #[test]
    fn an_event_lasts_a_positive_time_of_at_most_24_hours() {
        assert!(NewEvent::parse(&input()).is_ok());
        let backwards = NewEventInput {
            ends_at: at("2026-12-08T16:00:00Z"),
            ..input()
        };
        assert!(NewEvent::parse(&backwards).is_err());
        let too_long = NewEventInput {
            ends_at: at("2026-12-09T17:00:01Z"),
            ..input()
        };
        assert!(NewEvent::parse(&too_long).is_err());
    }

    #[test]
    fn a_new_event_reports_every_invalid_field_at_once() {
        let bad = NewEventInput {
            kind: "party",
            title: "",
            join_url: "ftp://x",
            recurrence: Some(RecurrenceInput {
                frequency: "daily",
                time_zone: "Mars/Olympus",
                ..RecurrenceInput::default()
            }),
            ..input()
        };
        let Err(crate::Error::Validation(errors)) = NewEvent::parse(&bad) else {
            panic!("expected validation errors");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for field in ["kind", "title", "join_url", "recurrence.time_zone"] {
            assert!(fields.contains(&field), "{field} missing from {fields:?}");
        }
    }

    #[test]
    fn an_event_change_accepts_only_scheduled_or_cancelled() {
        let ok = EventChangeInput {
            status: Some("cancelled"),
            ..EventChangeInput::default()
        };
        assert_eq!(
            EventChange::parse(&ok).ok().and_then(|c| c.status),
            Some(EventStatus::Cancelled)
        );
        let bad = EventChangeInput {
            status: Some("postponed"),
            ..EventChangeInput::default()
        };
        assert!(EventChange::parse(&bad).is_err());
    }

    #[test]
    fn pro_kinds_belong_to_the_pro_lounge_or_named_rooms_never_lobby_or_practitioner_lounge() {
        let lobby = Visibility::Public;
        let members = Visibility::Members;
        let practitioner = Visibility::Plans(vec![PlanSlug::Practitioner, PlanSlug::Pro]);
        let pro = Visibility::Plans(vec![PlanSlug::Pro]);
        for kind in [
            EventKind::ProMeetup,
            EventKind::Supervision,
            EventKind::Intervision,
        ] {
            for space in [&lobby, &members, &practitioner] {
                assert!(kind_belongs_to_space(kind, space).is_err(), "{kind:?}");
            }
            assert!(kind_belongs_to_space(kind, &pro).is_ok(), "{kind:?}");
        }
        assert!(kind_belongs_to_space(EventKind::Supervision, &Visibility::Sealed).is_ok());
        assert!(kind_belongs_to_space(EventKind::Intervision, &Visibility::Invite).is_ok());
        assert!(kind_belongs_to_space(EventKind::ProMeetup, &Visibility::Sealed).is_err());
        assert!(kind_belongs_to_space(EventKind::CommunityMeetup, &lobby).is_ok());
        assert!(kind_belongs_to_space(EventKind::QaSession, &practitioner).is_ok());
    }
}
