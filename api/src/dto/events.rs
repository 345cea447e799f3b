//! Themes and events as clients see them, in UTC and in the caller's own time zone.

use chrono::{DateTime, Utc};
use praxis_app::access::{Space, ViewerContext};
use praxis_app::events::{self, Occurrence};
use praxis_domain::event_plans::EventStatus;
use praxis_persistence::events as repo;
use praxis_persistence::from_db_time;
use praxis_persistence::DbConnection;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ThemeResponse {
    pub id: String,
    #[schema(example = "2026-12")]
    pub month: String,
    pub title: String,
    pub description: String,
    /// The slug of the space the theme belongs to.
    pub space: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ThemeListResponse {
    pub items: Vec<ThemeResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

pub fn theme_response(row: repo::ThemeRow, space_slug: &str) -> ThemeResponse {
    ThemeResponse {
        id: row.id,
        month: row.month,
        title: row.title,
        description: row.description,
        space: space_slug.to_owned(),
        created_at: from_db_time(row.created_at),
    }
}

pub fn slugs(spaces: &[Space]) -> HashMap<String, String> {
    spaces
        .iter()
        .map(|s| (s.row.id.clone(), s.row.slug.clone()))
        .collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventResponse {
    /// A single event's id, or `<series id>@<original start, e.g. 20261208T170000Z>` for an
    /// occurrence of a series.
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series_id: Option<String>,
    /// `community_meetup`, `learning_session`, `qa_session`, `pro_meetup`, `supervision` or
    /// `intervision`.
    pub kind: String,
    /// `open_space`, `world_cafe`, `wise_crowds`, `troika_consulting`, `talk` or `other`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    pub title: String,
    pub description: String,
    /// The slug of the space: who may attend.
    pub space: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme_id: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The start in the caller's time zone (UTC for visitors), with its offset.
    #[schema(example = "2026-12-08T18:00:00+01:00")]
    pub starts_at_local: String,
    pub ends_at_local: String,
    /// The caller's time zone the local times are in.
    pub local_time_zone: String,
    /// The zone the event is planned in (a series keeps its wall-clock time there).
    pub event_time_zone: String,
    /// `scheduled` or `cancelled`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<i32>,
    /// RSVPs so far.
    pub attendees: u64,
    /// Whether the caller RSVP'd.
    pub rsvp: bool,
    /// Only for members who may attend.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_url: Option<String>,
    /// The PRO member who runs this session (an accepted session proposal); they manage it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facilitator_id: Option<String>,
}

/// What a manager learns of an event in a space they may not read (a sealed room they are not
/// in): that it exists and when, never its title, description or join link.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventAcknowledgement {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series_id: Option<String>,
    pub kind: String,
    /// The slug of the space.
    pub space: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// `scheduled` or `cancelled`.
    pub status: String,
    /// Always `true`: the content is withheld because the caller may not read the space.
    pub content_withheld: bool,
}

impl From<EventResponse> for EventAcknowledgement {
    fn from(e: EventResponse) -> Self {
        Self {
            id: e.id,
            series_id: e.series_id,
            kind: e.kind,
            space: e.space,
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            status: e.status,
            content_withheld: true,
        }
    }
}

/// A management answer: the whole event when the manager may read its space, an acknowledgement
/// without content otherwise.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ManagedEventResponse {
    Full(Box<EventResponse>),
    Withheld(EventAcknowledgement),
}

/// What a response needs besides the event: who asks, where, and the RSVPs.
pub struct ResponseContext {
    pub zone: chrono_tz::Tz,
    pub slugs: HashMap<String, String>,
    pub attending: HashMap<String, bool>,
    pub counts: HashMap<(String, DateTime<Utc>), u64>,
    pub mine: HashSet<(String, DateTime<Utc>)>,
}

impl ResponseContext {
    /// Loads the caller's zone and the RSVPs of these events.
    pub fn load(
        conn: &mut DbConnection,
        ctx: &ViewerContext,
        spaces: &[Space],
        occurrences: &[Occurrence],
    ) -> praxis_app::Result<Self> {
        let attendance = events::attendance(conn, ctx, spaces, occurrences)?;
        Ok(Self {
            zone: attendance.zone,
            slugs: slugs(spaces),
            attending: attendance.attending,
            counts: attendance.counts,
            mine: attendance.mine,
        })
    }

    pub fn respond(&self, o: Occurrence) -> EventResponse {
        let key = (o.rsvp_event_id.clone(), o.rsvp_start);
        let attend = self.attending.get(&o.space_id).copied().unwrap_or(false);
        EventResponse {
            starts_at_local: o.starts_at.with_timezone(&self.zone).to_rfc3339(),
            ends_at_local: o.ends_at.with_timezone(&self.zone).to_rfc3339(),
            local_time_zone: self.zone.name().to_owned(),
            space: self.slugs.get(&o.space_id).cloned().unwrap_or_default(),
            status: if o.cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Scheduled
            }
            .as_str()
            .to_owned(),
            attendees: self.counts.get(&key).copied().unwrap_or(0),
            rsvp: self.mine.contains(&key),
            join_url: attend.then_some(o.join_url),
            id: o.id,
            series_id: o.series_id,
            kind: o.kind,
            format: o.format,
            title: o.title,
            description: o.description,
            theme_id: o.theme_id,
            starts_at: o.starts_at,
            ends_at: o.ends_at,
            event_time_zone: o.time_zone,
            capacity: o.capacity,
            facilitator_id: o.facilitator_id,
        }
    }
}
