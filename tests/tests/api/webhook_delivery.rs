//! Sending webhooks: signed per Standard Webhooks, retried with backoff, never to an internal
//! address, and an endpoint that keeps failing is disabled with a mail to the admins.

use crate::webhook_support::{expected_signature, local_app, Hooked, Receiver};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn a_delivery_is_signed_verifiably_and_carries_ids_only() {
    let hooked = Hooked::start(&[], &["member.joined"]).await;
    let secret = hooked.endpoint["secret"].as_str().expect("secret");
    assert!(secret.starts_with("whsec_"), "{secret}");

    let member = hooked.member_joins().await;

    let received = hooked.receiver.received();
    assert_eq!(received.len(), 1, "{received:?}");
    let request = &received[0];
    assert_eq!(
        request.header("webhook-signature"),
        expected_signature(secret, request)
    );
    let timestamp: i64 = request
        .header("webhook-timestamp")
        .parse()
        .expect("seconds");
    assert!((timestamp - hooked.app.clock_now()).abs() <= 5);
    let body = request.json();
    assert_eq!(body["type"], "member.joined");
    assert_eq!(
        body["data"],
        serde_json::json!({"member_id": member.user_id})
    );
    assert!(body["timestamp"].is_string());
    assert!(!request.body.contains(&member.email), "{}", request.body);

    let log = hooked.log().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["id"], request.header("webhook-id"));
    assert_eq!(log[0]["status"], "delivered");
    assert_eq!(log[0]["attempts"][0]["status_code"], 200);
}

#[tokio::test]
async fn a_delivery_answered_with_500_is_retried_after_the_backoff_under_the_same_id() {
    let hooked = Hooked::start(&[500], &["member.joined"]).await;
    hooked.member_joins().await;
    assert_eq!(hooked.receiver.received().len(), 1);
    let log = hooked.log().await;
    assert_eq!(log[0]["status"], "pending");
    assert_eq!(log[0]["attempts"][0]["status_code"], 500);
    assert_eq!(log[0]["attempts"][0]["succeeded"], false);

    // The first retry waits 5 seconds.
    hooked.app.tick(Duration::seconds(6)).await;
    let received = hooked.receiver.received();
    assert_eq!(received.len(), 2);
    assert_eq!(
        received[0].header("webhook-id"),
        received[1].header("webhook-id")
    );
    let log = hooked.log().await;
    assert_eq!(log[0]["status"], "delivered");
    let statuses: Vec<&Value> = log[0]["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .map(|a| &a["status_code"])
        .collect();
    assert_eq!(statuses, vec![500, 200]);
}

#[tokio::test]
async fn a_delivery_is_never_sent_to_an_address_that_became_private() {
    let mut app = local_app().await;
    let admin = app.as_admin().await;
    let receiver = Receiver::start(&[]);
    // Registered while private addresses were allowed; then the operator turns that off.
    let endpoint = app
        .register_webhook(
            &admin,
            &format!("http://localhost:{}/hooks", receiver.port),
            &["member.joined"],
        )
        .await;
    app.config.webhooks.allow_private = false;
    let app = app.restart().await;
    let admin = app.relogin(&admin).await;
    app.member().await;
    app.tick(Duration::seconds(1)).await;

    assert!(receiver.received().is_empty());
    let log = app
        .webhook_deliveries(&admin, endpoint["id"].as_str().expect("id"))
        .await;
    assert_eq!(log[0]["status"], "pending");
    let attempt = &log[0]["attempts"][0];
    assert_eq!(attempt["status_code"], Value::Null);
    assert!(
        attempt["error"]
            .as_str()
            .expect("error")
            .contains("internal"),
        "{attempt}"
    );
}

#[tokio::test]
async fn an_endpoint_failing_every_attempt_is_disabled_and_the_admins_are_mailed() {
    let Hooked {
        app,
        admin,
        receiver,
        endpoint,
    } = Hooked::start(&[500; 20], &["member.joined"]).await;
    let id = endpoint["id"].as_str().expect("id");
    app.member().await;
    app.tick(Duration::seconds(1)).await;
    for _ in 0..7 {
        // Longer than the longest wait of the schedule (10 hours).
        app.tick(Duration::hours(11)).await;
    }
    assert_eq!(receiver.received().len(), 8);
    // Hours went by: the admin's access token has expired.
    let admin = app.relogin(&admin).await;
    let log = app.webhook_deliveries(&admin, id).await;
    assert_eq!(log[0]["status"], "failed");
    assert_eq!(log[0]["attempts"].as_array().expect("attempts").len(), 8);

    let list: Value = crate::dto::json_with(
        app.get("/api/v1/admin/webhooks", Some(&admin.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(list["items"][0]["disabled_at"].is_string(), "{list}");
    let mails = app.outbox_for(&admin.email).await;
    assert!(
        mails.iter().any(|m| m.kind == "webhook_endpoint_disabled"),
        "{mails:?}"
    );

    // A disabled endpoint gets nothing new.
    app.member().await;
    app.tick(Duration::hours(11)).await;
    assert_eq!(receiver.received().len(), 8);
    let admin = app.relogin(&admin).await;
    assert_eq!(app.webhook_deliveries(&admin, id).await.len(), 1);

    // Redelivering turns it back on and sends the same delivery again.
    let delivery = log[0]["id"].as_str().expect("delivery id");
    let redelivered = app
        .post(
            &format!("/api/v1/admin/webhook-deliveries/{delivery}/redeliver"),
            Some(&admin.access_token),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(redelivered.status(), StatusCode::ACCEPTED);
    app.tick(Duration::seconds(1)).await;
    let received = receiver.received();
    assert_eq!(received.len(), 9);
    assert_eq!(received[8].header("webhook-id"), delivery);
}
