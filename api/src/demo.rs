//! The demo community's content for `praxis seed-demo`: everyone has accepted the terms, and
//! there are posts in each space, a monthly theme, events (one a recurring Q&A series) and a
//! few resources, so every endpoint has something to show in Swagger UI.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use praxis_app::event_planning;
use praxis_domain::event_plans::{NewEvent, NewEventInput, NewTheme};
use praxis_domain::ids::UserId;
use praxis_persistence::learning::resources::{self, ResourceRow};
use praxis_persistence::posts::{self, PostRow};
use praxis_persistence::{terms, to_db_time, DbConnection};
use std::collections::HashMap;

/// (space, author, kind, title, body, topics)
type DemoPost = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const POSTS: &[DemoPost] = &[
    ("lobby", "host@praxis.example", "article", "Welcome to the Lobby",
     "This is the public square of our Sociocracy 3.0 community. Introduce yourself and tell us which pattern you are exploring.", &["consent"]),
    ("lobby", "lucia@praxis.example", "question", "How do you describe a driver?",
     "We keep mixing drivers with solutions. Any tips for describing the situation and the need?", &["drivers"]),
    ("lobby-members", "pat@praxis.example", "discussion", "Study group for the S3 practical guide",
     "Anyone up for reading one chapter a week and meeting on Fridays?", &[]),
    ("practitioner-lounge", "pat@praxis.example", "question", "Objections that keep coming back",
     "In our circle the same objection returns every review. How do you integrate it for good?", &["consent", "facilitation"]),
    ("pro-lounge", "priya@praxis.example", "discussion", "Supervision: a client's leadership team resists roles",
     "Sharing a case for peer feedback (details anonymised, confidential to this lounge).", &["roles-and-circles"]),
];

fn at_hour(day: DateTime<Utc>, hour: u32) -> DateTime<Utc> {
    day.with_hour(hour)
        .and_then(|d| d.with_minute(0))
        .and_then(|d| d.with_second(0))
        .and_then(|d| d.with_nanosecond(0))
        .unwrap_or(day)
}

pub fn community(
    conn: &mut DbConnection,
    people: &HashMap<&str, String>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let at = to_db_time(now);
    if let Some(current) = terms::current(conn)? {
        let version = praxis_domain::ids::TermsVersion::from_trusted(current.version);
        for id in people.values() {
            let id = praxis_domain::ids::UserId::from_trusted(id.as_str());
            terms::accept(conn, &id, &version, at)?;
        }
    }
    let person = |email: &str| people.get(email).cloned().unwrap_or_default();
    for (i, (space, author, kind, title, body, topics)) in POSTS.iter().enumerate() {
        let when = to_db_time(now - Duration::hours(48 - 6 * i64::try_from(i).unwrap_or(0)));
        let topics: Vec<String> = topics.iter().map(|t| (*t).to_owned()).collect();
        posts::insert(
            conn,
            &PostRow {
                id: uuid::Uuid::now_v7().to_string(),
                space_id: format!("space-{space}"),
                author_id: person(author),
                kind: praxis_domain::discussion::PostKind::parse(kind)?,
                title: (*title).to_owned(),
                body: (*body).to_owned(),
                status: praxis_domain::discussion::ContentStatus::Published,
                pinned: i == 0,
                crossposted_from: None,
                created_at: when,
                updated_at: when,
                edited_at: None,
                comment_count: 0,
            },
            &topics,
        )?;
    }

    // Themes and events are planned as a host plans them, through the same use cases.
    let host = person("host@praxis.example");
    let host_id = UserId::from_trusted(host.clone());
    let theme = NewTheme::parse(
        &format!("{}-{:02}", now.year(), now.month()),
        "Consent decision-making in practice",
        Some("Proposals, objections and how to resolve them."),
        "practitioner-lounge",
    )?;
    let theme_id = event_planning::create_theme(conn, &host_id, theme, now)?.id;
    let demo_events = [
        (
            "community_meetup",
            "Community Meet-up",
            "lobby-members",
            3,
            17,
            None,
        ),
        (
            "learning_session",
            "Learning Session: consent",
            "practitioner-lounge",
            7,
            9,
            Some(theme_id.as_str()),
        ),
        (
            "qa_session",
            "Q&A session",
            "practitioner-lounge",
            10,
            18,
            None,
        ),
        (
            "pro_meetup",
            "PRO Community Meet-up",
            "pro-lounge",
            14,
            15,
            None,
        ),
    ];
    for (kind, title, space, days, hour, theme_id) in demo_events {
        let start = at_hour(now + Duration::days(days), hour);
        let plan = NewEvent::parse(&NewEventInput {
            kind,
            format: Some("open_space"),
            title,
            description: Some("Times vary so members around the world can join some of them."),
            space,
            theme_id,
            starts_at: start,
            ends_at: start + Duration::minutes(90),
            join_url: "https://meet.example.org/praxis-demo",
            ..NewEventInput::default()
        })?;
        event_planning::create(conn, &host_id, plan, now)?;
    }

    let group = uuid::Uuid::now_v7().to_string();
    for (language, title, summary) in [
        (
            "en",
            "Sociocracy 3.0 — a practical guide",
            "The patterns, the principles and how to start.",
        ),
        (
            "es",
            "Sociocracia 3.0 — una guía práctica",
            "Los patrones, los principios y cómo empezar.",
        ),
    ] {
        resources::insert(
            conn,
            &ResourceRow {
                id: uuid::Uuid::now_v7().to_string(),
                kind: "article".to_owned(),
                title: title.to_owned(),
                summary: summary.to_owned(),
                body_or_url: "https://sociocracy30.org/guide/".to_owned(),
                language: language.to_owned(),
                visibility: "public".to_owned(),
                space_id: None,
                org_type: None,
                translation_group: group.clone(),
                created_by: Some(host.clone()),
                created_at: at,
                updated_at: at,
                theme_id: None,
            },
        )?;
    }
    Ok(())
}
