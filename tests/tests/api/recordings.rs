//! Recordings with chapters (DOMAIN.md "Events and recordings"): visible only to the event's
//! space, searchable by chapter text among what the caller may see.

use crate::helpers::{problem, spawn_app};
use crate::questions::{insert_event, json, LOUNGE};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn recording(duration: i64, starts: &[i64]) -> Value {
    json!({
        "video_url": "https://video.example.org/session",
        "duration_seconds": duration,
        "chapters": starts.iter().enumerate().map(|(i, s)| json!({
            "start_seconds": s,
            "title": format!("Part {i}: Consent DECISIONS"),
            "description": "Objections, concerns and tensions",
        })).collect::<Vec<_>>(),
    })
}

#[tokio::test]
async fn chapters_outside_the_duration_or_out_of_order_are_refused_with_422() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let event = insert_event(&app, LOUNGE, "Learning session", -Duration::days(1)).await;
    let path = format!("/api/v1/admin/events/{event}/recording");
    let token = Some(host.access_token.as_str());

    let outside = app
        .request(
            Method::PUT,
            &path,
            token,
            Some(&recording(3600, &[0, 600, 3600])),
        )
        .await;
    let body = problem(outside, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.fields()[0], "chapters[2].start_seconds");

    let unordered = app
        .request(
            Method::PUT,
            &path,
            token,
            Some(&recording(3600, &[0, 600, 300])),
        )
        .await;
    let body = problem(unordered, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.fields()[0], "chapters[2].start_seconds");

    let created = app
        .request(Method::PUT, &path, token, Some(&recording(3600, &[0, 600])))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let replaced = app
        .request(
            Method::PUT,
            &path,
            token,
            Some(&recording(3600, &[0, 60, 120])),
        )
        .await;
    let replaced = json(replaced, StatusCode::OK).await;
    assert_eq!(replaced["chapters"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM recording_chapters")
            .await,
        3
    );

    let member = app.member().await;
    let by_member = app
        .request(
            Method::PUT,
            &path,
            Some(&member.access_token),
            Some(&recording(3600, &[0])),
        )
        .await;
    problem(by_member, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn recordings_and_chapter_search_are_visible_only_to_the_events_space() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let lounge_event = insert_event(&app, LOUNGE, "Lounge session", -Duration::days(2)).await;
    let lobby_event = insert_event(&app, "space-lobby", "Open meet-up", -Duration::days(1)).await;
    for event in [&lounge_event, &lobby_event] {
        let put = app
            .request(
                Method::PUT,
                &format!("/api/v1/admin/events/{event}/recording"),
                Some(&host.access_token),
                Some(&recording(5400, &[0, 900])),
            )
            .await;
        assert_eq!(put.status(), StatusCode::CREATED);
    }
    let practitioner = app.member().await;
    app.subscribed(&practitioner, "practitioner", "monthly")
        .await;
    let lobby = app.member().await;

    let lounge_path = format!("/api/v1/events/{lounge_event}/recording");
    problem(
        app.get(&lounge_path, Some(&lobby.access_token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let seen = json(
        app.get(&lounge_path, Some(&practitioner.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen["chapters"][1]["start_seconds"], 900);

    let search = "/api/v1/recordings?q=consent%20decisions";
    let found = json(
        app.get(search, Some(&practitioner.access_token)).await,
        StatusCode::OK,
    )
    .await;
    let events: Vec<&str> = found["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {found}"))
        .iter()
        .map(|h| h["event"]["id"].as_str().expect("event id"))
        .collect();
    assert_eq!(events.len(), 4, "two chapters of each recording: {found}");
    assert!(events.contains(&lounge_event.as_str()));
    assert_eq!(found["items"][0]["chapter"]["start_seconds"], 0);

    for token in [Some(lobby.access_token.as_str()), None] {
        let found = json(app.get(search, token).await, StatusCode::OK).await;
        let events: Vec<&str> = found["items"]
            .as_array()
            .unwrap_or_else(|| panic!("a page: {found}"))
            .iter()
            .map(|h| h["event"]["id"].as_str().expect("event id"))
            .collect();
        assert_eq!(events, vec![lobby_event.as_str(), lobby_event.as_str()]);
    }
    let by_description = json(
        app.get(
            "/api/v1/recordings?q=TENSIONS&limit=1",
            Some(&practitioner.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(by_description["items"].as_array().map(Vec::len), Some(1));
    assert!(by_description["next_cursor"].is_string());
    let nothing = json(
        app.get(
            "/api/v1/recordings?q=100%25",
            Some(&practitioner.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        nothing["items"].as_array().map(Vec::len),
        Some(0),
        "wildcards are literal"
    );
    problem(
        app.get("/api/v1/recordings?q=a", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
}
