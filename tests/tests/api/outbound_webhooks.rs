//! Registering webhook endpoints: admins only, audited, the secret shown once, only `https://`
//! URLs to public addresses unless the operator allows otherwise, and events queued from the
//! use cases that report them.

use crate::dto;
use crate::helpers::{problem, spawn_app, spawn_app_with};
use crate::webhook_support::{local_app, Hooked};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn refused_url(app: &crate::helpers::TestApp, token: &str, url: &str) {
    let response = app
        .post(
            "/api/v1/admin/webhooks",
            Some(token),
            &json!({"url": url, "events": ["member.joined"]}),
        )
        .await;
    let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.fields(), vec!["url"], "{url}: {body}");
}

#[tokio::test]
async fn registration_refuses_http_and_private_addresses_unless_allowed() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let token = admin.access_token.as_str();
    for url in [
        "http://hooks.example.com/x",
        "http://127.0.0.1/hook",
        "https://127.0.0.1/hook",
        "https://10.0.0.8/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest/meta-data",
        // A host name that resolves to loopback.
        "https://localhost/hook",
        "https://localhost:8443/hook",
    ] {
        refused_url(&app, token, url).await;
    }
}

#[tokio::test]
async fn registration_with_http_allowed_still_refuses_a_name_resolving_to_loopback() {
    let app = spawn_app_with(|c| c.webhooks.allow_http = true).await;
    let admin = app.as_admin().await;
    refused_url(&app, &admin.access_token, "http://localhost:9/hook").await;
    refused_url(&app, &admin.access_token, "http://127.0.0.1:9/hook").await;
}

#[tokio::test]
async fn an_endpoint_needs_known_event_types() {
    let app = local_app().await;
    let admin = app.as_admin().await;
    let response = app
        .post(
            "/api/v1/admin/webhooks",
            Some(&admin.access_token),
            &json!({"url": "http://127.0.0.1:9/x", "events": ["member.left"]}),
        )
        .await;
    let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.fields(), vec!["events[0]"], "{body}");
}

#[tokio::test]
async fn only_admins_manage_webhooks() {
    let app = local_app().await;
    let member = app.member().await;
    let host = app.as_host().await;
    for token in [&member.access_token, &host.access_token] {
        let created = app
            .post(
                "/api/v1/admin/webhooks",
                Some(token),
                &json!({"url": "http://127.0.0.1:9/x", "events": ["member.joined"]}),
            )
            .await;
        problem(created, StatusCode::FORBIDDEN).await;
        let listed = app.get("/api/v1/admin/webhooks", Some(token)).await;
        problem(listed, StatusCode::FORBIDDEN).await;
    }
    let anonymous = app.get("/api/v1/admin/webhooks", None).await;
    problem(anonymous, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn the_secret_is_shown_once_and_registration_and_removal_are_audited() {
    let app = local_app().await;
    let admin = app.as_admin().await;
    let token = admin.access_token.as_str();
    let endpoint = app
        .register_webhook(
            &admin,
            "http://127.0.0.1:9/x",
            &["refund.paid", "member.joined"],
        )
        .await;
    let id = endpoint["id"].as_str().expect("id");
    assert_eq!(endpoint["events"], json!(["member.joined", "refund.paid"]));

    let list: Value = dto::json_with(
        app.get("/api/v1/admin/webhooks", Some(token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["items"][0]["id"], id);
    assert!(list["items"][0].get("secret").is_none(), "{list}");
    assert!(!list.to_string().contains("whsec_"), "{list}");

    let deleted = app
        .delete(&format!("/api/v1/admin/webhooks/{id}"), Some(token))
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let gone = app
        .get(
            &format!("/api/v1/admin/webhooks/{id}/deliveries"),
            Some(token),
        )
        .await;
    problem(gone, StatusCode::NOT_FOUND).await;
    let again = app
        .delete(&format!("/api/v1/admin/webhooks/{id}"), Some(token))
        .await;
    problem(again, StatusCode::NOT_FOUND).await;

    let audit: Value = dto::json_with(
        app.get("/api/v1/admin/audit-log", Some(token)).await,
        StatusCode::OK,
    )
    .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["subject_id"] == id)
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        vec!["webhook_endpoint.deleted", "webhook_endpoint.created"]
    );
    assert!(!audit.to_string().contains("whsec_"));
}

#[tokio::test]
async fn an_endpoint_receives_only_the_events_it_subscribed_to() {
    let hooked = Hooked::start(&[], &["application.decided"]).await;
    hooked.member_joins().await;
    assert!(hooked.receiver.received().is_empty());
    let log = hooked.log().await;
    assert!(log.is_empty(), "{log:?}");
}

#[tokio::test]
async fn an_awarded_badge_is_announced_with_ids_only() {
    let hooked = Hooked::start(&[], &["badge.awarded"]).await;
    let class = crate::badges::active_class(&hooked.app, &hooked.admin, "Facilitator").await;
    let holders = crate::badges::founding_holders(&hooked.app, &hooked.admin, &class, 1).await;
    hooked.app.tick(chrono::Duration::seconds(1)).await;
    let received = hooked.receiver.received();
    assert_eq!(received.len(), 1, "{received:?}");
    let body = received[0].json();
    assert_eq!(body["type"], "badge.awarded");
    assert_eq!(body["data"]["badge_class_id"], class.id.as_str());
    assert!(body["data"]["award_id"].is_string());
    // The holder chooses who sees their badges: integrators are not told who it is.
    assert!(
        !received[0].body.contains(&holders[0].user_id),
        "{}",
        received[0].body
    );
}
