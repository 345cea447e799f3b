//! Host moderation of posts and comments: hide, restore, pin, each in the audit log; hidden
//! content is 404 to everyone but the hosts who may read its space.

use crate::dto::{self, AuditEntry, Comment, Post};
use crate::helpers::{problem, spawn_app};
use reqwest::StatusCode;
use serde_json::json;
use std::collections::HashSet;

#[tokio::test]
async fn hosts_hide_restore_and_pin_with_an_audit_entry_and_hidden_posts_are_404_to_others() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let admin = app.as_admin().await;
    let author = app.member().await;
    let post = app.write_post(&author, "lobby", "Off topic", &[]).await;
    let other = app.write_post(&author, "lobby", "On topic", &[]).await;
    let path = format!("/api/v1/posts/{}", post.id);
    let by_member = app
        .post(
            &format!("/api/v1/admin/posts/{}/hide", post.id),
            Some(&author.access_token),
            &json!({}),
        )
        .await;
    problem(by_member, StatusCode::FORBIDDEN).await;
    for action in ["hide", "pin"] {
        let r = app
            .post(
                &format!("/api/v1/admin/posts/{}/{action}", post.id),
                Some(&host.access_token),
                &json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT, "{action}");
    }
    for token in [None, Some(author.access_token.as_str())] {
        problem(app.get(&path, token).await, StatusCode::NOT_FOUND).await;
        let listed: Vec<Post> = app.items("/api/v1/spaces/lobby/posts", token).await;
        let ids: Vec<&str> = listed.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, [other.id.as_str()], "only the hidden post is gone");
    }
    let as_host: Post = dto::json_with(
        app.get(&path, Some(&host.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(as_host.status, "hidden");
    assert!(as_host.pinned);
    let restored = app
        .post(
            &format!("/api/v1/admin/posts/{}/restore", post.id),
            Some(&host.access_token),
            &json!({}),
        )
        .await;
    assert_eq!(restored.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path, None).await.status(), StatusCode::OK);
    let comment = app.write_comment(&author, &post.id, "rude", None).await;
    let kind = app.write_comment(&author, &post.id, "kind", None).await;
    let hidden = app
        .post(
            &format!("/api/v1/admin/comments/{}/hide", comment.id),
            Some(&host.access_token),
            &json!({}),
        )
        .await;
    assert_eq!(hidden.status(), StatusCode::NO_CONTENT);
    let comments: Vec<Comment> = app.items(&format!("{path}/comments"), None).await;
    let ids: Vec<&str> = comments.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [kind.id.as_str()], "only the hidden comment is gone");
    let log: Vec<AuditEntry> = app
        .items("/api/v1/admin/audit-log", Some(&admin.access_token))
        .await;
    let actions: HashSet<String> = log.into_iter().map(|e| e.action).collect();
    for action in [
        "post.hidden",
        "post.pinned",
        "post.restored",
        "comment.hidden",
    ] {
        assert!(actions.contains(action), "{action} in {actions:?}");
    }
}
