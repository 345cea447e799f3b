//! Large exports of personal data (issue 13, part 3): built in the background by the periodic
//! job and mailed as a link that downloads the document once, within 24 hours, without signing
//! in; small exports are answered at once.

use crate::helpers::{problem, spawn_app_with, Session, TestApp};
use crate::mail_support::token_after;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::Value;

/// An app whose exports of more than three rows go through the background.
async fn app() -> TestApp {
    spawn_app_with(|c| {
        c.dev_clock = true;
        c.export_inline_max_rows = 3;
    })
    .await
}

/// The token of the newest export link mailed to the member.
async fn mailed_link(app: &TestApp, member: &Session) -> Option<String> {
    app.outbox_for(&member.email)
        .await
        .into_iter()
        .rev()
        .find(|r| r.kind == "data_export")
        .and_then(|r| token_after(&r.body, "/api/v1/me/export/"))
}

#[tokio::test]
async fn a_large_export_is_built_in_the_background_and_its_mailed_link_downloads_it_once() {
    let app = app().await;
    let member = app.member().await;
    for title in ["One", "Two", "Three"] {
        app.write_post(&member, "lobby", title, &[]).await;
    }
    let asked = app
        .get("/api/v1/me/export", Some(&member.access_token))
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let queued: Value = asked.json().await.unwrap();
    assert_eq!(queued["status"], "building");
    // A second click queues nothing more.
    let again = app
        .get("/api/v1/me/export", Some(&member.access_token))
        .await;
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    assert!(
        mailed_link(&app, &member).await.is_none(),
        "built by the job, not the request"
    );

    app.advance(Duration::seconds(60)).await;
    let token = mailed_link(&app, &member).await.expect("the mailed link");
    let links = app
        .outbox_for(&member.email)
        .await
        .into_iter()
        .filter(|r| r.kind == "data_export")
        .count();
    assert_eq!(links, 1, "one export for two clicks");
    let path = format!("/api/v1/me/export/{token}");
    let downloaded = app.get(&path, None).await;
    assert_eq!(downloaded.status(), StatusCode::OK);
    assert_eq!(downloaded.headers()["cache-control"], "no-store");
    let document: Value = downloaded.json().await.unwrap();
    assert_eq!(document["member_id"], member.user_id.as_str());
    let titles: Vec<&str> = document["sections"]["posts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["title"].as_str())
        .collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    // The link works once.
    problem(app.get(&path, None).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn an_export_link_expires_after_a_day_and_a_made_up_one_is_not_found() {
    let app = app().await;
    let member = app.member().await;
    for title in ["One", "Two", "Three", "Four"] {
        app.write_post(&member, "lobby", title, &[]).await;
    }
    let asked = app
        .get("/api/v1/me/export", Some(&member.access_token))
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    app.advance(Duration::seconds(60)).await;
    let token = mailed_link(&app, &member).await.expect("the mailed link");
    app.advance(Duration::hours(24)).await;
    let expired = app.get(&format!("/api/v1/me/export/{token}"), None).await;
    problem(expired, StatusCode::NOT_FOUND).await;
    let made_up = app.get("/api/v1/me/export/not-a-real-token", None).await;
    problem(made_up, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_small_export_is_answered_at_once() {
    let app = spawn_app_with(|c| c.dev_clock = true).await;
    let member = app.member().await;
    let answered = app
        .get("/api/v1/me/export", Some(&member.access_token))
        .await;
    assert_eq!(answered.status(), StatusCode::OK);
    let document: Value = answered.json().await.unwrap();
    assert_eq!(document["format"], "praxis-export/1");
}
