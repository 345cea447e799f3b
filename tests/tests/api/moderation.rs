//! Host moderation of posts and comments: hide, restore, pin, each in the audit log; hidden
//! content is 404 to everyone but the hosts who may read its space.

use crate::discussion_helpers::id;
use crate::helpers::{problem, spawn_app};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashSet;

#[tokio::test]
async fn hosts_hide_restore_and_pin_with_an_audit_entry_and_hidden_posts_are_404_to_others() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let admin = app.as_admin().await;
    let author = app.member().await;
    let post = app.write_post(&author, "lobby", "Off topic", &[]).await;
    let path = format!("/api/v1/posts/{}", id(&post));
    let by_member = app
        .post(
            &format!("/api/v1/admin/posts/{}/hide", id(&post)),
            Some(&author.access_token),
            &json!({}),
        )
        .await;
    problem(by_member, StatusCode::FORBIDDEN).await;
    for action in ["hide", "pin"] {
        let r = app
            .post(
                &format!("/api/v1/admin/posts/{}/{action}", id(&post)),
                Some(&host.access_token),
                &json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT, "{action}");
    }
    for token in [None, Some(author.access_token.as_str())] {
        problem(app.get(&path, token).await, StatusCode::NOT_FOUND).await;
        assert!(app
            .items("/api/v1/spaces/lobby/posts", token)
            .await
            .is_empty());
    }
    let as_host: Value = app
        .get(&path, Some(&host.access_token))
        .await
        .json()
        .await
        .unwrap_or_default();
    assert_eq!(as_host["status"], "hidden");
    assert_eq!(as_host["pinned"], true);
    app.post(
        &format!("/api/v1/admin/posts/{}/restore", id(&post)),
        Some(&host.access_token),
        &json!({}),
    )
    .await;
    assert_eq!(app.get(&path, None).await.status(), StatusCode::OK);
    let comment = app.write_comment(&author, &id(&post), "rude", None).await;
    app.post(
        &format!("/api/v1/admin/comments/{}/hide", id(&comment)),
        Some(&host.access_token),
        &json!({}),
    )
    .await;
    assert!(app
        .items(&format!("{path}/comments"), None)
        .await
        .is_empty());
    let log = app
        .items("/api/v1/admin/audit-log", Some(&admin.access_token))
        .await;
    let actions: HashSet<String> = log
        .iter()
        .filter_map(|e| e["action"].as_str().map(str::to_owned))
        .collect();
    for action in [
        "post.hidden",
        "post.pinned",
        "post.restored",
        "comment.hidden",
    ] {
        assert!(actions.contains(action), "{action} in {actions:?}");
    }
}
