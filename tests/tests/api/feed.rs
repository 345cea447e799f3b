//! The feed and following (DOMAIN.md "Terms and confidentiality"): what a member follows and may
//! read now, newest first; nothing from a space they may not read.

use crate::dto::{self, Page, Post, Subscription, Topic};
use crate::helpers::{problem, spawn_app, TestApp};
use reqwest::StatusCode;
use serde_json::json;

fn ids(items: &[Post]) -> Vec<String> {
    items.iter().map(|p| p.id.clone()).collect()
}

async fn feed(app: &TestApp, token: Option<&str>) -> Vec<Post> {
    app.items("/api/v1/feed", token).await
}

/// Whether the caller follows the topic; fails the test when the topic is not listed.
async fn following(app: &TestApp, token: Option<&str>, slug: &str) -> bool {
    let topics: dto::KeysetPage<Topic> = dto::json_with(
        app.get("/api/v1/topics?limit=100", token).await,
        StatusCode::OK,
    )
    .await;
    topics
        .items
        .iter()
        .find(|t| t.slug == slug)
        .unwrap_or_else(|| panic!("topic {slug} is listed: {topics:?}"))
        .following
}

#[tokio::test]
async fn the_feed_shows_followed_spaces_and_topics_newest_first_and_only_what_is_readable_now() {
    let app = spawn_app().await;
    let pro = app.pro_member().await;
    let other = app.pro_member().await;
    let token = Some(pro.access_token.as_str());
    for path in [
        "/api/v1/spaces/pro-lounge/follow",
        "/api/v1/topics/consent/follow",
    ] {
        assert_eq!(app.put(path, token).await.status(), StatusCode::NO_CONTENT);
    }
    assert!(following(&app, token, "consent").await);
    assert!(!following(&app, token, "drivers").await);
    let in_lounge = app.write_post(&other, "pro-lounge", "Lounge", &[]).await;
    app.clock.advance(chrono::Duration::seconds(1));
    let unrelated = app
        .write_post(&other, "lobby", "Unrelated", &["drivers"])
        .await;
    app.clock.advance(chrono::Duration::seconds(1));
    let by_topic = app
        .write_post(&other, "lobby", "Consent", &["consent"])
        .await;
    let items = feed(&app, token).await;
    assert_eq!(ids(&items), vec![by_topic.id.clone(), in_lounge.id.clone()]);
    assert!(!ids(&items).contains(&unrelated.id));

    let subs: Vec<Subscription> = app.items("/api/v1/subscriptions", token).await;
    let sub = subs.first().expect("the PRO subscription");
    let cancelled = app
        .post(
            &format!("/api/v1/subscriptions/{}/cancel", sub.id),
            token,
            &json!({}),
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    assert_eq!(
        ids(&feed(&app, token).await),
        vec![by_topic.id.clone()],
        "the lounge leaves the feed at once"
    );
    assert_eq!(
        app.request(
            reqwest::Method::DELETE,
            "/api/v1/spaces/pro-lounge/follow",
            token,
            None
        )
        .await
        .status(),
        StatusCode::NO_CONTENT
    );
    problem(
        app.get("/api/v1/feed", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    problem(
        app.put("/api/v1/topics/no-such-topic/follow", token).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn feed_items_and_topic_attachments_never_reach_outsiders() {
    let app = spawn_app().await;
    let outsiders = app.pro_lounge_outsiders().await;
    let admin = app.as_admin().await;
    let pro = app.pro_member().await;
    let participant = app.member().await;
    app.sealed_room(&admin, "supervision-3", &[&participant])
        .await;
    let members: Vec<_> = outsiders.iter().filter_map(|o| o.session.clone()).collect();
    for member in members.iter().chain([&admin]) {
        let token = Some(member.access_token.as_str());
        app.put("/api/v1/topics/consent/follow", token).await;
        app.put("/api/v1/spaces/lobby/follow", token).await;
        problem(
            app.put("/api/v1/spaces/supervision-3/follow", token).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
    for member in &members {
        let lounge = app
            .put(
                "/api/v1/spaces/pro-lounge/follow",
                Some(&member.access_token),
            )
            .await;
        assert_eq!(
            lounge.status(),
            StatusCode::FORBIDDEN,
            "only spaces you may read can be followed"
        );
    }
    let secret = app
        .write_post(&pro, "pro-lounge", "PRO secret", &["consent"])
        .await;
    let sealed = app
        .write_post(&participant, "supervision-3", "Sealed case", &["consent"])
        .await;
    let public = app.write_post(&pro, "lobby", "Public", &["consent"]).await;
    for member in &members {
        let theirs = ids(&feed(&app, Some(&member.access_token)).await);
        assert_eq!(theirs, vec![public.id.clone()], "{}", member.email);
    }
    let admin_feed = ids(&feed(&app, Some(&admin.access_token)).await);
    assert!(admin_feed.contains(&public.id) && admin_feed.contains(&secret.id));
    assert!(
        !admin_feed.contains(&sealed.id),
        "admins never read a sealed room"
    );
    let participant_feed = feed(&app, Some(&participant.access_token)).await;
    assert!(
        participant_feed.is_empty(),
        "following nothing, a feed is empty"
    );
}

#[tokio::test]
async fn the_feed_pages_by_cursor_without_duplicates() {
    let app = spawn_app().await;
    let (reader, writer) = (app.member().await, app.member().await);
    app.put("/api/v1/spaces/lobby/follow", Some(&reader.access_token))
        .await;
    for i in 0..25 {
        app.write_post(&writer, "lobby", &format!("P{i}"), &[])
            .await;
    }
    let first: Page<Post> = dto::json_with(
        app.get("/api/v1/feed", Some(&reader.access_token)).await,
        StatusCode::OK,
    )
    .await;
    let cursor = first.next_cursor.expect("a second page");
    let second: Page<Post> = dto::json_with(
        app.get(
            &format!("/api/v1/feed?cursor={cursor}"),
            Some(&reader.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(second.next_cursor, None, "two pages only");
    let second = second.items;
    let mut all = ids(&first.items);
    assert_eq!((all.len(), second.len()), (20, 5));
    all.extend(ids(&second));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 25);
}

#[tokio::test]
async fn hosts_define_topics_members_then_follow() {
    let app = crate::helpers::spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let body = serde_json::json!({"slug": "retrospectives", "name": "Retrospectives", "description": "Learning from what happened."});
    let refused = app
        .post("/api/v1/admin/topics", Some(&member.access_token), &body)
        .await;
    crate::helpers::problem(refused, reqwest::StatusCode::FORBIDDEN).await;
    let created = app
        .post("/api/v1/admin/topics", Some(&host.access_token), &body)
        .await;
    assert_eq!(created.status(), reqwest::StatusCode::CREATED);
    let again = app
        .post("/api/v1/admin/topics", Some(&host.access_token), &body)
        .await;
    crate::helpers::problem(again, reqwest::StatusCode::CONFLICT).await;
    let follow = app
        .put(
            "/api/v1/topics/retrospectives/follow",
            Some(&member.access_token),
        )
        .await;
    assert!(follow.status().is_success());
    assert!(following(&app, Some(&member.access_token), "retrospectives").await);
}
