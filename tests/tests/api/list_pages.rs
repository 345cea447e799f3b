//! API.md "Lists": every list answers `{items, next_cursor}` in keyset pages (`?limit=` default
//! 20, max 100, `?cursor=` from the previous page; 422 for a bad limit or cursor). These walk
//! the lists that were once a single page or a bare array: search, events, themes, spaces,
//! topics and a member's own applications and assistance requests.

use crate::dto::{self, KeysetPage};
use crate::helpers::{problem, spawn_app, TestApp};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashSet;

/// `path` with `limit` (and `cursor`) added to its query.
fn with_page(path: &str, limit: i64, cursor: Option<&str>) -> String {
    let joiner = if path.contains('?') { '&' } else { '?' };
    match cursor {
        Some(c) => format!("{path}{joiner}limit={limit}&cursor={c}"),
        None => format!("{path}{joiner}limit={limit}"),
    }
}

/// The `key` of every item of a list, read page by page with `limit`: fails unless every page
/// but the last is full, none repeats an item, and the walk gives exactly the one-page list.
async fn walk(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    limit: i64,
    key: &str,
) -> Vec<String> {
    let key_of = |item: &Value| item[key].as_str().unwrap_or_default().to_owned();
    let whole: KeysetPage<Value> = dto::json_with(
        app.get(&with_page(path, 100, None), token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        whole.next_cursor, None,
        "{path}: one page of 100 holds it all"
    );
    let expected: Vec<String> = whole.items.iter().map(key_of).collect();
    let (mut seen, mut cursor, mut pages) = (Vec::new(), None::<String>, 0);
    loop {
        let page: KeysetPage<Value> = dto::json_with(
            app.get(&with_page(path, limit, cursor.as_deref()), token)
                .await,
            StatusCode::OK,
        )
        .await;
        pages += 1;
        assert!(
            page.items.len() <= usize::try_from(limit).unwrap_or(0),
            "{path}"
        );
        seen.extend(page.items.iter().map(key_of));
        match page.next_cursor {
            Some(next) => {
                assert_eq!(
                    page.items.len(),
                    usize::try_from(limit).unwrap_or(0),
                    "{path}"
                );
                cursor = Some(next);
            }
            None => break,
        }
        assert!(pages < 100, "{path}: the pages never end");
    }
    assert_eq!(seen, expected, "{path}: the pages together are the list");
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(
        unique.len(),
        seen.len(),
        "{path}: an item repeats across pages"
    );
    seen
}

/// A bad `limit` or `cursor` is a 422 naming the field, never a 500 or a silent first page.
async fn refuses_bad_pages(app: &TestApp, path: &str, token: Option<&str>) {
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=AAAA", "cursor"),
    ] {
        let joiner = if path.contains('?') { '&' } else { '?' };
        let response = app.get(&format!("{path}{joiner}{query}"), token).await;
        let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(body.fields(), vec![field], "{path}?{query}");
    }
}

#[tokio::test]
async fn topics_spaces_and_themes_are_keyset_pages() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let admin = app.as_admin().await;
    let member = app.member().await;
    for n in 0..5 {
        let topic =
            json!({"slug": format!("topic-{n}"), "name": format!("Topic {n}"), "description": ""});
        let created = app
            .post("/api/v1/admin/topics", Some(&host.access_token), &topic)
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let space = json!({"slug": format!("room-{n}"), "name": format!("Room {n}"),
            "description": "A room", "visibility": "members"});
        let created = app
            .post("/api/v1/admin/spaces", Some(&admin.access_token), &space)
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let theme = json!({"month": format!("2027-0{}", n + 1), "title": format!("Theme {n}"),
            "description": "A month of practice.", "space": "lobby-members"});
        let created = app
            .post("/api/v1/admin/themes", Some(&host.access_token), &theme)
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        app.clock.advance(Duration::milliseconds(1));
    }
    let token = Some(member.access_token.as_str());

    let topics = walk(&app, "/api/v1/topics", token, 2, "slug").await;
    let mut sorted = topics.clone();
    sorted.sort();
    assert_eq!(topics, sorted, "topics by slug");
    assert!(topics.len() >= 5, "{topics:?}");

    let spaces = walk(&app, "/api/v1/spaces", token, 2, "slug").await;
    assert_eq!(
        spaces.first().map(String::as_str),
        Some("lobby"),
        "built-in first"
    );
    let rooms: Vec<&str> = spaces
        .iter()
        .map(String::as_str)
        .filter(|s| s.starts_with("room-"))
        .collect();
    assert_eq!(
        rooms,
        ["room-0", "room-1", "room-2", "room-3", "room-4"],
        "then by creation"
    );

    let themes = walk(&app, "/api/v1/themes", token, 2, "month").await;
    assert_eq!(
        themes,
        ["2027-05", "2027-04", "2027-03", "2027-02", "2027-01"]
    );

    for path in ["/api/v1/topics", "/api/v1/spaces", "/api/v1/themes"] {
        refuses_bad_pages(&app, path, token).await;
    }
}

#[tokio::test]
async fn events_are_keyset_pages_by_start_with_series_expanded() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let start = app.clock_now_utc() + Duration::days(1);
    for n in 0..3 {
        let at = start + Duration::hours(n);
        let created = app
            .post(
                "/api/v1/admin/events",
                Some(&host.access_token),
                &json!({"kind": "community_meetup", "title": format!("Meet-up {n}"),
                    "description": "Open", "space": "lobby",
                    "starts_at": at.to_rfc3339(), "ends_at": (at + Duration::hours(1)).to_rfc3339(),
                    "join_url": "https://meet.example.org/lobby"}),
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
    }
    // Two events at the same instant: the id breaks the tie, so neither is skipped.
    let created = app
        .post(
            "/api/v1/admin/events",
            Some(&host.access_token),
            &json!({"kind": "community_meetup", "title": "Same start",
                "description": "Open", "space": "lobby",
                "starts_at": start.to_rfc3339(), "ends_at": (start + Duration::hours(1)).to_rfc3339(),
                "join_url": "https://meet.example.org/lobby"}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let path = format!(
        "/api/v1/events?from={}&to={}",
        start.format("%Y-%m-%dT%H:%M:%SZ"),
        (start + Duration::days(2)).format("%Y-%m-%dT%H:%M:%SZ")
    );
    let ids = walk(&app, &path, None, 1, "id").await;
    assert_eq!(ids.len(), 4, "{ids:?}");
    refuses_bad_pages(&app, &path, None).await;
}

#[tokio::test]
async fn search_hits_are_keyset_pages_newest_first() {
    let app = spawn_app().await;
    let author = app.member().await;
    let mut posts = Vec::new();
    for n in 0..5 {
        posts.push(
            app.insert_post(
                "lobby",
                &author,
                &format!("Walrus {n}"),
                "a walrus in the circle",
                "published",
            )
            .await,
        );
        app.clock.advance(Duration::seconds(1));
    }
    let ids = walk(&app, "/api/v1/search?q=walrus", None, 2, "post_id").await;
    posts.reverse();
    assert_eq!(ids, posts, "newest first");
    refuses_bad_pages(&app, "/api/v1/search?q=walrus", None).await;
}

#[tokio::test]
async fn a_member_s_applications_and_assistance_requests_are_keyset_pages() {
    let app = spawn_app().await;
    let member = app.member().await;
    let token = member.access_token.as_str();
    for _ in 0..3 {
        let application = crate::applications::apply(&app, token).await;
        let withdrawn = app
            .post(
                &format!("/api/v1/pro-applications/{}/withdraw", application.id),
                Some(token),
                &json!({}),
            )
            .await;
        assert_eq!(withdrawn.status(), StatusCode::OK);
        app.clock.advance(Duration::milliseconds(1));
    }
    let applications = walk(&app, "/api/v1/pro-applications/mine", Some(token), 2, "id").await;
    assert_eq!(applications.len(), 3);
    refuses_bad_pages(&app, "/api/v1/pro-applications/mine", Some(token)).await;

    for (plan, period) in [
        ("practitioner", "monthly"),
        ("practitioner", "yearly"),
        ("pro", "monthly"),
    ] {
        let asked = app
            .post(
                "/api/v1/price-assistance-requests",
                Some(token),
                &json!({"plan": plan, "billing_period": period,
                    "message": "I am a student.",
                    "proposed_amount": {"amount": 100, "currency": "EUR"}}),
            )
            .await;
        assert_eq!(asked.status(), StatusCode::CREATED, "{plan} {period}");
        app.clock.advance(Duration::milliseconds(1));
    }
    let requests = walk(
        &app,
        "/api/v1/price-assistance-requests/mine",
        Some(token),
        2,
        "id",
    )
    .await;
    assert_eq!(requests.len(), 3);
    refuses_bad_pages(&app, "/api/v1/price-assistance-requests/mine", Some(token)).await;
}
