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
