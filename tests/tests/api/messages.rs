//! Direct messages: readable only by participants, and blocking.

use crate::helpers::{problem, spawn_app, Session, TestApp};
use crate::social_helpers::items;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn start(app: &TestApp, from: &Session, to: &[&Session], body: &str) -> reqwest::Response {
    let ids: Vec<&str> = to.iter().map(|s| s.user_id.as_str()).collect();
    app.post(
        "/api/v1/conversations",
        Some(&from.access_token),
        &json!({"participant_ids": ids, "body": body}),
    )
    .await
}

async fn send(app: &TestApp, from: &Session, conversation: &str, body: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/conversations/{conversation}/messages"),
        Some(&from.access_token),
        &json!({"body": body}),
    )
    .await
}

async fn json(response: reqwest::Response) -> Value {
    response.json().await.unwrap_or_default()
}

#[tokio::test]
async fn a_conversation_is_readable_only_by_its_participants_not_even_by_admins() {
    let app = spawn_app().await;
    let (alice, bob, outsider) = (app.member().await, app.member().await, app.member().await);
    let admin = app.as_admin().await;
    let created = start(&app, &alice, &[&bob], "A secret about the walrus").await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let conversation = json(created).await;
    let id = conversation["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        conversation["participants"].as_array().map(Vec::len),
        Some(2)
    );

    let path = format!("/api/v1/conversations/{id}/messages");
    let read = json(app.get(&path, Some(&bob.access_token)).await).await;
    assert_eq!(items(&read)[0]["body"], "A secret about the walrus");
    assert_eq!(items(&read)[0]["author_id"], alice.user_id);
    let listed = json(
        app.get("/api/v1/conversations", Some(&bob.access_token))
            .await,
    )
    .await;
    assert_eq!(items(&listed).len(), 1);
    let first = items(&listed)[0].clone();
    let names: Vec<&str> = first["participants"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter_map(|x| x["display_name"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        names.len(),
        2,
        "participants and their names come with the list"
    );

    for who in [&outsider, &admin] {
        let body = problem(
            app.get(&path, Some(&who.access_token)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
        assert!(!body.to_string().contains("walrus"));
        problem(
            send(&app, who, &id, "let me in").await,
            StatusCode::NOT_FOUND,
        )
        .await;
        let theirs = json(
            app.get("/api/v1/conversations", Some(&who.access_token))
                .await,
        )
        .await;
        assert!(items(&theirs).is_empty(), "{theirs}");
        assert!(!theirs.to_string().contains("walrus"));
    }
    problem(app.get(&path, None).await, StatusCode::UNAUTHORIZED).await;
    problem(
        app.get(
            "/api/v1/conversations/no-such-id/messages",
            Some(&admin.access_token),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn nobody_can_start_a_conversation_with_or_write_to_someone_who_blocked_them() {
    let app = spawn_app().await;
    let (alice, bob, carol) = (app.member().await, app.member().await, app.member().await);
    let conversation = json(start(&app, &alice, &[&bob, &carol], "hello both").await).await;
    let id = conversation["id"].as_str().unwrap_or_default().to_owned();

    let blocked = app
        .put(
            &format!("/api/v1/members/{}/block", alice.user_id),
            Some(&bob.access_token),
        )
        .await;
    assert_eq!(blocked.status(), StatusCode::NO_CONTENT);
    let again = app
        .put(
            &format!("/api/v1/members/{}/block", alice.user_id),
            Some(&bob.access_token),
        )
        .await;
    assert_eq!(
        again.status(),
        StatusCode::NO_CONTENT,
        "blocking twice changes nothing"
    );

    let refused = problem(
        send(&app, &alice, &id, "still there?").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(refused["type"], "blocked");
    assert!(
        !refused.to_string().contains(&bob.user_id),
        "who blocked is not told"
    );
    let refused = problem(
        start(&app, &alice, &[&bob], "new thread").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(refused["type"], "blocked");
    let refused = problem(
        start(&app, &alice, &[&carol, &bob], "group").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(refused["type"], "blocked");
    assert_eq!(
        start(&app, &alice, &[&carol], "just us").await.status(),
        StatusCode::CREATED,
        "others still receive messages"
    );
    assert_eq!(
        send(&app, &bob, &id, "I may still write").await.status(),
        StatusCode::CREATED,
        "the one who blocks is not blocked"
    );

    let lifted = app
        .delete(
            &format!("/api/v1/members/{}/block", alice.user_id),
            Some(&bob.access_token),
        )
        .await;
    assert_eq!(lifted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        send(&app, &alice, &id, "back").await.status(),
        StatusCode::CREATED
    );
    problem(
        app.put(
            &format!("/api/v1/members/{}/block", bob.user_id),
            Some(&bob.access_token),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    problem(
        app.put("/api/v1/members/nobody/block", Some(&bob.access_token))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn starting_a_conversation_needs_current_terms_and_existing_members() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let (alice, bob) = (app.member().await, app.member().await);
    let unknown = app
        .post(
            "/api/v1/conversations",
            Some(&alice.access_token),
            &json!({"participant_ids": ["no-such-member"], "body": "hi"}),
        )
        .await;
    problem(unknown, StatusCode::UNPROCESSABLE_ENTITY).await;
    problem(
        start(&app, &alice, &[&alice], "me").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    problem(
        start(&app, &alice, &[&bob], "   ").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let published = app
        .post(
            "/api/v1/admin/terms",
            Some(&admin.access_token),
            &json!({"version": "2026-12", "terms": "New.", "member_guidelines": "Kind.", "confidentiality": "Stays here."}),
        )
        .await;
    assert_eq!(published.status(), StatusCode::CREATED);
    let refused = problem(
        start(&app, &alice, &[&bob], "hi").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(refused["type"], "terms-acceptance-required");
    app.accept_terms(&alice).await;
    assert_eq!(
        start(&app, &alice, &[&bob], "hi").await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn messages_page_newest_first_without_gaps() {
    let app = spawn_app().await;
    let (alice, bob) = (app.member().await, app.member().await);
    let conversation = json(start(&app, &alice, &[&bob], "m0").await).await;
    let id = conversation["id"].as_str().unwrap_or_default().to_owned();
    for i in 1..25 {
        app.clock.advance(chrono::Duration::milliseconds(1));
        assert_eq!(
            send(&app, &bob, &id, &format!("m{i}")).await.status(),
            StatusCode::CREATED
        );
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/conversations/{id}/messages?limit=10&cursor={c}"),
            None => format!("/api/v1/conversations/{id}/messages?limit=10"),
        };
        let page = json(app.get(&path, Some(&alice.access_token)).await).await;
        seen.extend(
            items(&page)
                .iter()
                .map(|m| m["body"].as_str().unwrap_or_default().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let expected: Vec<String> = (0..25).rev().map(|i| format!("m{i}")).collect();
    assert_eq!(seen, expected);
}
