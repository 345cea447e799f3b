//! Reports: members flag what they can read; hosts resolve from a queue that never opens a
//! sealed room or a private conversation; every resolution is audited.

use crate::dto::{self, AuditEntry, Conversation, Message, Page, Report};
use crate::helpers::{problem, spawn_app, Session, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn report(app: &TestApp, who: &Session, kind: &str, id: &str) -> reqwest::Response {
    app.post(
        "/api/v1/reports",
        Some(&who.access_token),
        &json!({"subject_type": kind, "subject_id": id, "reason": "Breaks the guidelines"}),
    )
    .await
}

/// The report queue with `status`, parsed, and its raw text (to check for words).
async fn queue_with_text(app: &TestApp, host: &Session, status: &str) -> (Vec<Report>, String) {
    let response = app
        .get(
            &format!("/api/v1/admin/reports?status={status}"),
            Some(&host.access_token),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.expect("the queue's body");
    let page: Page<Report> = dto::parse(&text, "report queue");
    (page.items, text)
}

async fn queue(app: &TestApp, host: &Session, status: &str) -> Vec<Report> {
    queue_with_text(app, host, status).await.0
}

/// Starts a conversation and returns the id of its first message, as the recipient reads it.
async fn message_id(app: &TestApp, from: &Session, to: &Session, body: &str) -> String {
    let conversation: Conversation = dto::json_with(
        app.post(
            "/api/v1/conversations",
            Some(&from.access_token),
            &json!({"participant_ids": [to.user_id], "body": body}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let messages: Page<Message> = dto::json_with(
        app.get(
            &format!("/api/v1/conversations/{}/messages", conversation.id),
            Some(&to.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(messages.items.len(), 1);
    assert_eq!(messages.items[0].body, body);
    messages.items[0].id.clone()
}

#[tokio::test]
async fn reports_of_content_the_reporter_cannot_read_are_not_found() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let (author, member, participant) =
        (app.member().await, app.member().await, app.member().await);
    app.sealed_space(&admin, "supervision-reports", &[&participant])
        .await;
    let lounge = app
        .insert_post(
            "practitioner-lounge",
            &author,
            "Lounge",
            "lounge body",
            "published",
        )
        .await;
    let lounge_comment = app
        .insert_comment(&lounge, &author, "lounge comment", "published")
        .await;
    let sealed = app
        .insert_post(
            "supervision-reports",
            &participant,
            "Sealed",
            "sealed body",
            "published",
        )
        .await;
    let hidden = app
        .insert_post("lobby", &author, "Hidden", "hidden body", "hidden")
        .await;
    let message = message_id(&app, &author, &participant, "private words").await;

    for (kind, id) in [
        ("post", lounge.as_str()),
        ("comment", lounge_comment.as_str()),
        ("post", sealed.as_str()),
        ("post", hidden.as_str()),
        ("message", message.as_str()),
        ("post", "no-such-post"),
        ("comment", "no-such-comment"),
        ("message", "no-such-message"),
    ] {
        problem(report(&app, &member, kind, id).await, StatusCode::NOT_FOUND).await;
    }
    problem(
        report(&app, &admin, "post", &sealed).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        report(&app, &member, "user", &lounge).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM reports").await, 0);
    assert_eq!(
        report(&app, &participant, "message", &message)
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        report(&app, &participant, "post", &sealed).await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn hosts_resolve_reports_with_a_note_and_the_audit_log_records_it() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let (author, member) = (app.member().await, app.member().await);
    let post = app
        .insert_post(
            "lobby",
            &author,
            "Lobby post",
            "rude words here",
            "published",
        )
        .await;
    let comment = app
        .insert_comment(&post, &author, "a rude comment", "published")
        .await;
    assert_eq!(
        report(&app, &member, "post", &post).await.status(),
        StatusCode::CREATED
    );
    let created = report(&app, &member, "comment", &comment).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Report = dto::json_with(created, StatusCode::CREATED).await;
    assert_eq!(created.subject_id, comment);
    let id = created.id;

    problem(
        app.get("/api/v1/admin/reports", Some(&member.access_token))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let open = queue(&app, &host, "open").await;
    assert_eq!(open.len(), 2);
    assert_eq!(open[0].id, id, "newest first");
    assert_eq!(open[0].reporter.user_id, member.user_id);
    assert_eq!(
        open[0].content.as_ref().map(|c| c.excerpt.as_str()),
        Some("a rude comment")
    );

    let resolve = format!("/api/v1/admin/reports/{id}/resolve");
    problem(
        app.post(&resolve, Some(&member.access_token), &json!({"note": "x"}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        app.post(&resolve, Some(&host.access_token), &json!({"note": " "}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let resolved = app
        .post(
            &resolve,
            Some(&host.access_token),
            &json!({"note": "Hid the comment."}),
        )
        .await;
    let resolved: Report = dto::json_with(resolved, StatusCode::OK).await;
    assert_eq!(resolved.status, "resolved");
    assert_eq!(
        resolved.resolution_note.as_deref(),
        Some("Hid the comment.")
    );
    let twice = app
        .post(
            &resolve,
            Some(&host.access_token),
            &json!({"note": "again"}),
        )
        .await;
    assert_eq!(
        problem(twice, StatusCode::CONFLICT).await.kind,
        "report-already-resolved"
    );
    problem(
        app.post(
            "/api/v1/admin/reports/nope/resolve",
            Some(&host.access_token),
            &json!({"note": "x"}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;

    assert_eq!(queue(&app, &host, "open").await.len(), 1);
    let done = queue(&app, &host, "resolved").await;
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].id, id);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'report.resolved'")
            .await,
        1
    );
    let admin = app.as_admin().await;
    let log: Vec<AuditEntry> = app
        .items("/api/v1/admin/audit-log", Some(&admin.access_token))
        .await;
    assert!(
        log.iter()
            .any(|e| e.action == "report.resolved" && e.subject_id == id),
        "{log:?}"
    );
}

#[tokio::test]
async fn the_report_queue_never_shows_a_sealed_room_or_its_reasons_or_a_private_conversation() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let host = app.as_host().await;
    let (participant, other) = (app.member().await, app.member().await);
    app.sealed_space(&admin, "supervision-queue", &[&participant, &other])
        .await;
    let sealed = app
        .insert_post(
            "supervision-queue",
            &other,
            "Client Walrus",
            "the walrus story",
            "published",
        )
        .await;
    assert_eq!(
        report(&app, &participant, "post", &sealed).await.status(),
        StatusCode::CREATED
    );
    let message = message_id(&app, &other, &participant, "private walrus words").await;
    assert_eq!(
        report(&app, &participant, "message", &message)
            .await
            .status(),
        StatusCode::CREATED
    );

    for moderator in [&host, &admin] {
        let (open, text) = queue_with_text(&app, moderator, "open").await;
        assert_eq!(open.len(), 2);
        let mut subjects: Vec<&str> = open.iter().map(|r| r.subject_id.as_str()).collect();
        subjects.sort_unstable();
        let mut expected = [sealed.as_str(), message.as_str()];
        expected.sort_unstable();
        assert_eq!(subjects, expected);
        for item in &open {
            assert!(item.content.is_none(), "{item:?}");
            // The reporter's words about a sealed room stay in it; a message's report is the
            // reporter's to show the hosts.
            let in_the_sealed_room = item.subject_id == sealed;
            assert_eq!(item.reason_withheld, in_the_sealed_room, "{item:?}");
            assert_eq!(item.reason.is_none(), in_the_sealed_room, "{item:?}");
        }
        assert!(!text.to_lowercase().contains("walrus"), "{text}");
    }
}
