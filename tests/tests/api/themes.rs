//! Monthly themes tie events and assignments together (issue 11 part 4): a theme's page and
//! the `theme_id` filters show only what the caller may read.

use crate::courses::{get_ok, id, post_ok};
use crate::events::single_event;
use crate::helpers::{problem, spawn_app, Session, TestApp};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn titles(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .filter_map(|i| i["title"].as_str().map(str::to_owned))
        .collect()
}

/// A theme in `space` with one event and one assignment on it; returns the theme's id.
async fn themed(app: &TestApp, host: &Session, space: &str, name: &str) -> String {
    let start = app.clock_now_utc() + Duration::hours(2);
    let theme = post_ok(
        app,
        host,
        "/api/v1/admin/themes",
        json!({"month": start.format("%Y-%m").to_string(),
        "title": format!("{name} theme"), "description": "A month of practice.", "space": space}),
    )
    .await;
    let theme = id(&theme);
    let mut event = single_event(app, space, &format!("{name} meetup"), 2);
    event["theme_id"] = json!(theme);
    post_ok(app, host, "/api/v1/admin/events", event).await;
    post_ok(
        app,
        host,
        "/api/v1/admin/assignments",
        json!({"title": format!("{name} assignment"),
        "instructions": "Notice one driver.", "space": space, "theme_id": theme,
        "due_at": (start + Duration::days(7)).to_rfc3339()}),
    )
    .await;
    theme
}

#[tokio::test]
async fn a_theme_page_lists_only_what_the_caller_may_read() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let lobby_member = app.member().await;
    let practitioner = app.member().await;
    app.subscribed(&practitioner, "practitioner", "monthly")
        .await;
    let open = themed(&app, &host, "lobby", "Lobby").await;
    let lounge = themed(&app, &host, "practitioner-lounge", "Lounge").await;

    let page = get_ok(&app, &practitioner, &format!("/api/v1/themes/{lounge}")).await;
    assert_eq!(page["theme"]["title"], "Lounge theme");
    assert_eq!(titles(&page["events"]), vec!["Lounge meetup"]);
    assert_eq!(titles(&page["assignments"]), vec!["Lounge assignment"]);
    problem(
        app.get(
            &format!("/api/v1/themes/{lounge}"),
            Some(&lobby_member.access_token),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let page = get_ok(&app, &lobby_member, &format!("/api/v1/themes/{open}")).await;
    assert_eq!(titles(&page["events"]), vec!["Lobby meetup"]);
    assert_eq!(titles(&page["assignments"]), vec!["Lobby assignment"]);
}

#[tokio::test]
async fn events_and_assignments_filter_by_theme_within_what_the_caller_may_read() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let lobby_member = app.member().await;
    let practitioner = app.member().await;
    app.subscribed(&practitioner, "practitioner", "monthly")
        .await;
    let open = themed(&app, &host, "lobby", "Lobby").await;
    let lounge = themed(&app, &host, "practitioner-lounge", "Lounge").await;

    for (who, path, expected) in [
        (
            &practitioner,
            format!("/api/v1/events?theme_id={open}"),
            vec!["Lobby meetup"],
        ),
        (
            &practitioner,
            format!("/api/v1/assignments?theme_id={lounge}"),
            vec!["Lounge assignment"],
        ),
        (
            &lobby_member,
            format!("/api/v1/assignments?theme_id={lounge}"),
            vec![],
        ),
        (
            &lobby_member,
            format!("/api/v1/events?theme_id={lounge}"),
            vec![],
        ),
    ] {
        let page = get_ok(&app, who, &path).await;
        assert_eq!(titles(&page["items"]), expected, "{path}");
    }
}
