//! The public contact form: stored for the hosts, mailed to the community's address with the
//! sender as `Reply-To`, a honeypot that stores nothing, and a rate limit per client IP.

use crate::helpers::{problem, spawn_app, spawn_app_with, TestApp};
use crate::mail_support::SmtpSink;
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{json, Value};

const COMMUNITY: &str = "hello@praxis.example";

fn message(website: &str) -> Value {
    json!({
        "name": "Ana Pérez",
        "email": "ana@example.org",
        "subject": "Workshops",
        "body": "Do you run workshops in Spanish?",
        "website": website,
    })
}

async fn stored(app: &TestApp) -> Vec<Value> {
    let host = app.as_host().await;
    let list = app
        .get("/api/v1/admin/contact-messages", Some(&host.access_token))
        .await;
    assert_eq!(list.status(), StatusCode::OK);
    let list: Value = list.json().await.unwrap_or_else(|e| panic!("{e}"));
    list["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn contact_mail_goes_to_the_community_with_the_sender_as_reply_to() {
    let sink = SmtpSink::start();
    let url = sink.url();
    let app = spawn_app_with(|c| {
        c.smtp_url = Some(SecretString::from(url));
        c.contact_to = Some(COMMUNITY.to_owned());
    })
    .await;
    let sent = app.post("/api/v1/contact", None, &message("")).await;
    assert_eq!(sent.status(), StatusCode::ACCEPTED);
    let items = stored(&app).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["email"], "ana@example.org");

    app.deliver_mail().await;
    let received = sink.wait_for(1).await;
    let mail = received
        .iter()
        .find(|m| m.contains(COMMUNITY))
        .unwrap_or_else(|| panic!("no mail to the community in {received:?}"));
    assert!(
        mail.lines()
            .any(|l| l.starts_with("Reply-To:") && l.contains("ana@example.org")),
        "{mail}"
    );
}

#[tokio::test]
async fn a_filled_honeypot_stores_and_sends_nothing() {
    let app = spawn_app_with(|c| c.contact_to = Some(COMMUNITY.to_owned())).await;
    let before = app.outbox_count().await;
    let robot = app
        .post("/api/v1/contact", None, &message("https://spam.example"))
        .await;
    assert_eq!(robot.status(), StatusCode::ACCEPTED);
    assert_eq!(app.outbox_count().await, before);
    assert!(stored(&app).await.is_empty());
}

#[tokio::test]
async fn without_a_community_address_a_message_is_stored_only() {
    let app = spawn_app().await;
    let sent = app.post("/api/v1/contact", None, &message("")).await;
    assert_eq!(sent.status(), StatusCode::ACCEPTED);
    assert!(app.outbox_for(COMMUNITY).await.is_empty());
    assert_eq!(stored(&app).await.len(), 1);
}

#[tokio::test]
async fn a_contact_message_names_its_invalid_fields_and_members_cannot_list_them() {
    let app = spawn_app().await;
    let invalid = app
        .post(
            "/api/v1/contact",
            None,
            &json!({"name": "", "email": "x", "subject": "a\nb", "body": " "}),
        )
        .await;
    let invalid = problem(invalid, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(invalid.fields().len(), 4, "{invalid}");
    let member = app.member().await;
    let refused = app
        .get("/api/v1/admin/contact-messages", Some(&member.access_token))
        .await;
    problem(refused, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn the_contact_form_is_rate_limited_per_client_ip() {
    let app = spawn_app_with(|c| c.auth_rate_per_minute = 2).await;
    for _ in 0..2 {
        let sent = app.post("/api/v1/contact", None, &message("")).await;
        assert_eq!(sent.status(), StatusCode::ACCEPTED);
    }
    let limited = app.post("/api/v1/contact", None, &message("")).await;
    assert!(limited.headers().contains_key("retry-after"));
    problem(limited, StatusCode::TOO_MANY_REQUESTS).await;
}
