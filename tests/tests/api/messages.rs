//! Direct messages: readable only by participants, and blocking.

use crate::dto::{self, Conversation, Message, Page};
use crate::helpers::{problem, spawn_app, Session, TestApp};
use reqwest::StatusCode;
use serde_json::json;

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

/// Starts a conversation that must be created.
async fn started(app: &TestApp, from: &Session, to: &[&Session], body: &str) -> Conversation {
    let conversation: Conversation =
        dto::json_with(start(app, from, to, body).await, StatusCode::CREATED).await;
    assert_eq!(
        conversation.participants.len(),
        to.len() + 1,
        "{conversation:?}"
    );
    conversation
}

/// A page of the caller's conversations, or of a conversation's messages: must answer 200.
async fn page<T: serde::de::DeserializeOwned>(app: &TestApp, path: &str, who: &Session) -> Page<T> {
    dto::json_with(app.get(path, Some(&who.access_token)).await, StatusCode::OK).await
}

#[tokio::test]
async fn a_conversation_is_readable_only_by_its_participants_not_even_by_admins() {
    let app = spawn_app().await;
    let (alice, bob, outsider) = (app.member().await, app.member().await, app.member().await);
    let admin = app.as_admin().await;
    let conversation = started(&app, &alice, &[&bob], "A secret about the walrus").await;
    let id = conversation.id.clone();

    let path = format!("/api/v1/conversations/{id}/messages");
    let read: Page<Message> = page(&app, &path, &bob).await;
    assert_eq!(read.items.len(), 1);
    assert_eq!(read.items[0].body, "A secret about the walrus");
    assert_eq!(read.items[0].author_id, alice.user_id);
    assert_eq!(read.items[0].conversation_id, id);
    let listed: Page<Conversation> = page(&app, "/api/v1/conversations", &bob).await;
    assert_eq!(listed.items.len(), 1);
    let first = &listed.items[0];
    assert_eq!(first.id, id);
    let mut who: Vec<&str> = first
        .participants
        .iter()
        .map(|p| p.user_id.as_str())
        .collect();
    who.sort_unstable();
    let mut expected = [alice.user_id.as_str(), bob.user_id.as_str()];
    expected.sort_unstable();
    assert_eq!(who, expected);
    assert!(
        first
            .participants
            .iter()
            .all(|p| !p.display_name.is_empty()),
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
        let theirs = app
            .get("/api/v1/conversations", Some(&who.access_token))
            .await;
        assert_eq!(theirs.status(), StatusCode::OK);
        let text = theirs.text().await.expect("the list's body");
        let theirs: Page<Conversation> = dto::parse(&text, "conversations");
        assert!(theirs.items.is_empty(), "{text}");
        assert!(!text.contains("walrus"), "{text}");
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
    let id = started(&app, &alice, &[&bob, &carol], "hello both")
        .await
        .id;

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
    assert_eq!(refused.kind, "blocked");
    assert!(
        !refused.to_string().contains(&bob.user_id),
        "who blocked is not told"
    );
    let refused = problem(
        start(&app, &alice, &[&bob], "new thread").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(refused.kind, "blocked");
    let refused = problem(
        start(&app, &alice, &[&carol, &bob], "group").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(refused.kind, "blocked");
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
    // On SQLite the seeded terms are stamped with the database's wall clock while migrating,
    // which can be a second after this app's manual clock started; "current" is the one
    // published last, so publish clearly later, as any real publication would be.
    app.clock.advance(chrono::Duration::minutes(1));
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
    assert_eq!(refused.kind, "terms-acceptance-required");
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
    let id = started(&app, &alice, &[&bob], "m0").await.id;
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
        let page: Page<Message> = page(&app, &path, &alice).await;
        seen.extend(page.items.into_iter().map(|m| m.body));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let expected: Vec<String> = (0..25).rev().map(|i| format!("m{i}")).collect();
    assert_eq!(seen, expected);
}
