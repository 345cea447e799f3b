//! iCalendar feeds: the personal feed lists exactly the events the member may attend now, is
//! valid RFC 5545 (parsed back with the icalendar crate), and can be revoked; the Lobby feed is
//! public.

use crate::dto::{self, CalendarFeed, Event, Me};
use crate::events::{create_event, single_event};
use crate::helpers::{spawn_app, Session, TestApp};
use icalendar::{Calendar, Component};
use reqwest::StatusCode;
use std::collections::BTreeSet;

/// The path of the member's personal feed, from `/me`.
async fn feed_url(app: &TestApp, session: &Session) -> String {
    let me: Me = dto::json_with(
        app.get("/api/v1/me", Some(&session.access_token)).await,
        StatusCode::OK,
    )
    .await;
    feed_path(&me.calendar_feed_url)
}

fn feed_path(url: &str) -> String {
    let (_, path) = url
        .split_once("/api/v1/")
        .unwrap_or_else(|| panic!("not a feed URL: {url:?}"));
    format!("/api/v1/{path}")
}

/// Fetches a feed and parses it back; returns the UIDs of its events.
async fn feed_uids(app: &TestApp, path: &str) -> BTreeSet<String> {
    let response = app.get(path, None).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .expect("a content-type")
        .to_owned();
    assert!(content_type.starts_with("text/calendar"), "{content_type}");
    let body = response.text().await.expect("the feed's body");
    assert!(body.starts_with("BEGIN:VCALENDAR\r\n"), "{body}");
    let calendar: Calendar = body
        .parse()
        .unwrap_or_else(|e| panic!("feed does not parse: {e}\n{body}"));
    calendar
        .events()
        .map(|event| {
            assert!(event.get_timestamp().is_some(), "DTSTAMP");
            assert!(event.get_start().is_some(), "DTSTART");
            assert!(event.get_end().is_some(), "DTEND");
            event.get_uid().expect("UID").to_owned()
        })
        .collect()
}

fn uid(event: &Event) -> String {
    format!("{}@praxis", event.id)
}

#[tokio::test]
async fn personal_feed_parses_and_lists_exactly_the_events_the_member_may_attend() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let lobby_member = app.member().await;
    let practitioner = app.member().await;
    app.subscribed(&practitioner, "practitioner", "monthly")
        .await;
    let public = create_event(&app, &host, single_event(&app, "lobby", "Public", 24)).await;
    let members = create_event(
        &app,
        &host,
        single_event(&app, "lobby-members", "Members", 26),
    )
    .await;
    let lounge = create_event(
        &app,
        &host,
        single_event(&app, "practitioner-lounge", "Lounge", 28),
    )
    .await;
    let pro = create_event(&app, &host, single_event(&app, "pro-lounge", "PRO", 30)).await;

    let lobby_feed = feed_uids(&app, &feed_url(&app, &lobby_member).await).await;
    assert_eq!(lobby_feed, BTreeSet::from([uid(&public), uid(&members)]));
    let practitioner_feed = feed_uids(&app, &feed_url(&app, &practitioner).await).await;
    assert_eq!(
        practitioner_feed,
        BTreeSet::from([uid(&public), uid(&members), uid(&lounge)])
    );
    assert!(!practitioner_feed.contains(&uid(&pro)));
}

#[tokio::test]
async fn personal_feed_expands_a_series_with_utc_times_and_leaves_out_cancelled_occurrences() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let start = app.clock_now_utc() + chrono::Duration::days(2);
    let body = serde_json::json!({
        "kind": "community_meetup", "title": "Weekly", "description": "", "space": "lobby",
        "starts_at": start.to_rfc3339(), "ends_at": (start + chrono::Duration::hours(1)).to_rfc3339(),
        "join_url": "https://meet.example.org/weekly",
        "recurrence": {"frequency": "weekly", "by_weekday": [start.format("%a").to_string()[..2].to_lowercase()], "count": 3, "time_zone": "UTC"},
    });
    let first = create_event(&app, &host, body).await;
    let uids = feed_uids(&app, &feed_url(&app, &member).await).await;
    assert_eq!(uids.len(), 3, "{uids:?}");
    assert!(uids.contains(&uid(&first)));
    let cancelled = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/admin/events/{}", first.id),
            Some(&host.access_token),
            None,
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::NO_CONTENT);
    let uids = feed_uids(&app, &feed_url(&app, &member).await).await;
    assert_eq!(uids.len(), 2);
    assert!(!uids.contains(&uid(&first)));
}

#[tokio::test]
async fn unknown_feed_token_is_404_and_rotating_revokes_the_old_feed() {
    let app = spawn_app().await;
    let member = app.member().await;
    assert_eq!(
        app.get("/api/v1/calendar/not-a-token.ics", None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let old = feed_url(&app, &member).await;
    assert_eq!(app.get(&old, None).await.status(), StatusCode::OK);
    let rotated: CalendarFeed = dto::json_with(
        app.post(
            "/api/v1/me/calendar-feed/rotate",
            Some(&member.access_token),
            &serde_json::json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let new = feed_url(&app, &member).await;
    assert_ne!(old, new);
    assert_eq!(feed_path(&rotated.calendar_feed_url), new);
    assert_eq!(app.get(&old, None).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&new, None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn public_lobby_feed_lists_only_lobby_events_without_join_links() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let public = create_event(&app, &host, single_event(&app, "lobby", "Public", 24)).await;
    create_event(
        &app,
        &host,
        single_event(&app, "lobby-members", "Members", 26),
    )
    .await;
    assert_eq!(
        feed_uids(&app, "/api/v1/calendar/lobby.ics").await,
        BTreeSet::from([uid(&public)])
    );
    let response = app.get("/api/v1/calendar/lobby.ics", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.expect("the feed's body");
    assert!(body.contains("Public"), "the feed lists the event: {body}");
    assert!(!body.contains("meet.example.org"), "{body}");
}
