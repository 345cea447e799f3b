//! The audit log endpoint: admins only, newest first, keyset pages.

use crate::dto::{self, AuditEntry, Page};
use crate::helpers::{problem, spawn_app};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashSet;

#[tokio::test]
async fn only_admins_read_the_audit_log() {
    let app = spawn_app().await;
    let member = app.member().await;
    let host = app.as_host().await;
    for token in [&member.access_token, &host.access_token] {
        let response = app.get("/api/v1/admin/audit-log", Some(token)).await;
        assert_eq!(
            problem(response, StatusCode::FORBIDDEN).await.kind,
            "admin-role-required"
        );
    }
    problem(
        app.get("/api/v1/admin/audit-log", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn audit_log_pages_newest_first_with_parsed_before_and_after() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let token = Some(admin.access_token.as_str());
    for limit in 1..=23 {
        let response = app
            .patch(
                "/api/v1/admin/plans/practitioner",
                token,
                &json!({"seat_limit": limit}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        app.clock.advance(chrono::Duration::milliseconds(1));
    }
    let mut seen = HashSet::new();
    let mut limits = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/admin/audit-log?limit=20&cursor={c}"),
            None => "/api/v1/admin/audit-log?limit=20".to_owned(),
        };
        let page: Page<AuditEntry> =
            dto::json_with(app.get(&path, token).await, StatusCode::OK).await;
        sizes.push(page.items.len());
        for entry in page.items {
            assert!(seen.insert(entry.id.clone()));
            assert_eq!(entry.action, "plan.updated");
            assert_eq!(entry.subject_type, "plan");
            assert_eq!(entry.actor_id.as_deref(), Some(admin.user_id.as_str()));
            assert!(
                entry.before.as_ref().is_some_and(Value::is_object),
                "{entry:?}"
            );
            let after = entry.after.as_ref().expect("after");
            limits.push(after["seat_limit"].as_i64().expect("seat_limit"));
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(sizes, vec![20, 3]);
    assert_eq!(limits, (1..=23).rev().collect::<Vec<i64>>(), "newest first");
    let bad = app
        .get("/api/v1/admin/audit-log?cursor=nonsense", token)
        .await;
    problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
}

/// The entries an admin reads, newest first (one page is enough for these tests).
async fn audit_entries(app: &crate::helpers::TestApp, token: &str) -> Vec<AuditEntry> {
    let page: Page<AuditEntry> = dto::json_with(
        app.get("/api/v1/admin/audit-log?limit=100", Some(token))
            .await,
        StatusCode::OK,
    )
    .await;
    page.items
}

/// DOMAIN.md "Terms and confidentiality": the audit log says *that* something happened in a
/// sealed room (actor, action, subject, space, time), never *what* it says, to an admin outside
/// it; an admin who is a participant reads the content. Covers assignments, resources,
/// recordings and question answers, whose entries held titles, notes and `video_url`.
#[tokio::test]
async fn audit_entries_of_a_sealed_room_withhold_content_from_admins_outside_it() {
    let app = spawn_app().await;
    let outsider = app.as_admin().await;
    let inside = app.as_admin().await;
    let asker = app.member().await;
    app.sealed_room(&outsider, "supervision-audit", &[&inside, &asker])
        .await;
    let inside_token = Some(inside.access_token.as_str());
    let start = app.clock_now_utc() + chrono::Duration::hours(48);
    let event = app
        .post(
            "/api/v1/admin/events",
            inside_token,
            &json!({
                "kind": "supervision", "title": "Walrus supervision",
                "description": "Walrus case", "space": "supervision-audit",
                "starts_at": start.to_rfc3339(),
                "ends_at": (start + chrono::Duration::minutes(90)).to_rfc3339(),
                "join_url": "https://meet.example.org/walrus-room",
            }),
        )
        .await;
    let event: Value = dto::json_with(event, StatusCode::CREATED).await;
    let event = event["id"].as_str().expect("event id").to_owned();
    let assignment = app
        .post(
            "/api/v1/admin/assignments",
            inside_token,
            &json!({"title": "Walrus assignment", "instructions": "Walrus steps",
                "space": "supervision-audit", "due_at": start.to_rfc3339()}),
        )
        .await;
    assert_eq!(assignment.status(), StatusCode::CREATED);
    let resource = app
        .post(
            "/api/v1/admin/resources",
            inside_token,
            &json!({"kind": "article", "title": "Walrus resource", "body_or_url": "Walrus text",
                "language": "en", "visibility": "space", "space": "supervision-audit"}),
        )
        .await;
    assert_eq!(
        resource.status(),
        StatusCode::CREATED,
        "{:?}",
        resource.text().await
    );
    let recording = app
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/admin/events/{event}/recording"),
            inside_token,
            Some(&json!({"video_url": "https://video.example.org/walrus", "duration_seconds": 600,
                "chapters": [{"start_seconds": 0, "title": "Walrus chapter", "description": "Walrus"}]})),
        )
        .await;
    assert_eq!(recording.status(), StatusCode::CREATED);
    let asked = app
        .post(
            &format!("/api/v1/events/{event}/questions"),
            Some(&asker.access_token),
            &json!({"body": "A walrus question?"}),
        )
        .await;
    let asked: Value = dto::json_with(asked, StatusCode::CREATED).await;
    let answered = app
        .post(
            &format!(
                "/api/v1/admin/questions/{}/answer",
                asked["id"].as_str().expect("question id")
            ),
            inside_token,
            &json!({"recording_seconds": 60, "note": "The walrus answer."}),
        )
        .await;
    assert_eq!(answered.status(), StatusCode::OK);

    let sealed_actions = [
        "event.created",
        "assignment.created",
        "resource.created",
        "recording.updated",
        "question.answered",
    ];
    let of_room = |entries: Vec<AuditEntry>| -> Vec<AuditEntry> {
        entries
            .into_iter()
            .filter(|e| sealed_actions.contains(&e.action.as_str()))
            .collect()
    };

    let seen_outside = of_room(audit_entries(&app, &outsider.access_token).await);
    assert_eq!(seen_outside.len(), sealed_actions.len(), "{seen_outside:?}");
    for entry in &seen_outside {
        assert!(entry.withheld, "{entry:?}");
        assert!(entry.before.is_none() && entry.after.is_none(), "{entry:?}");
        assert!(entry.space_id.is_some(), "the space is named: {entry:?}");
        assert_eq!(entry.actor_id.as_deref(), Some(inside.user_id.as_str()));
    }
    let text = app
        .get(
            "/api/v1/admin/audit-log?limit=100",
            Some(&outsider.access_token),
        )
        .await
        .text()
        .await
        .expect("body");
    assert!(!text.to_lowercase().contains("walrus"), "{text}");

    let seen_inside = of_room(audit_entries(&app, &inside.access_token).await);
    assert_eq!(seen_inside.len(), sealed_actions.len(), "{seen_inside:?}");
    assert!(seen_inside.iter().all(|e| !e.withheld), "{seen_inside:?}");
    let content = serde_json::to_string(
        &seen_inside
            .iter()
            .map(|e| e.after.clone())
            .collect::<Vec<_>>(),
    )
    .expect("json");
    for shown in [
        "Walrus assignment",
        "Walrus resource",
        "https://video.example.org/walrus",
        "The walrus answer.",
    ] {
        assert!(content.contains(shown), "{shown} in {content}");
    }
}

/// Entries outside any space (plans, terms, billing) keep their content for every admin.
#[tokio::test]
async fn audit_entries_outside_spaces_are_shown_in_full() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let other = app.as_admin().await;
    let changed = app
        .patch(
            "/api/v1/admin/plans/practitioner",
            Some(&admin.access_token),
            &json!({"seat_limit": 7}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let entries = audit_entries(&app, &other.access_token).await;
    let entry = entries
        .iter()
        .find(|e| e.action == "plan.updated")
        .expect("plan entry");
    assert!(!entry.withheld && entry.space_id.is_none(), "{entry:?}");
    assert_eq!(
        entry.after.as_ref().map(|a| a["seat_limit"].clone()),
        Some(json!(7))
    );
}
