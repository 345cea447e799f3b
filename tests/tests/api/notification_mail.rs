//! Notification mail (issue 13, part 5): the settings document, each notification mailed at
//! once for members who chose `immediate`, only what they may read, and the RFC 8058 one-click
//! opt-out every notification mail carries, which works without signing in. Time moves through
//! the development clock, which runs the jobs.

use crate::dto::{self, Post};
use crate::helpers::{problem, spawn_app_with, Session, TestApp};
use crate::mail_support::{message_text, SmtpSink};
use praxis_persistence::outbox::OutboxRow;
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{json, Value};

pub const API_URL: &str = "https://api.praxis.example";

/// An app with the development clock on, mailing through a real SMTP server.
pub async fn spawn_mailing() -> (SmtpSink, TestApp) {
    let sink = SmtpSink::start();
    let url = sink.url();
    let app = spawn_app_with(|c| {
        c.smtp_url = Some(SecretString::from(url));
        c.public_url = API_URL.to_owned();
        c.dev_clock = true;
    })
    .await;
    (sink, app)
}

/// Moves the server's clock forward through `POST /api/v1/dev/clock`, which runs the jobs.
pub async fn clock_forward(app: &TestApp, seconds: i64) {
    let moved = app
        .post(
            "/api/v1/dev/clock",
            None,
            &json!({"advance_seconds": seconds}),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
}

pub async fn put_settings(app: &TestApp, member: &Session, body: &Value) -> Value {
    let saved = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/me/notification-settings",
            Some(&member.access_token),
            Some(body),
        )
        .await;
    dto::json_with(saved, StatusCode::OK).await
}

pub async fn settings(app: &TestApp, member: &Session) -> Value {
    let member = app.relogin(member).await;
    let got = app
        .get(
            "/api/v1/me/notification-settings",
            Some(&member.access_token),
        )
        .await;
    dto::json_with(got, StatusCode::OK).await
}

/// A post in `space` by `author` that mentions `who`.
pub async fn mention(
    app: &TestApp,
    author: &Session,
    space: &str,
    title: &str,
    who: &Session,
) -> Post {
    let author = app.relogin(author).await;
    let response = app
        .post(
            &format!("/api/v1/spaces/{space}/posts"),
            Some(&author.access_token),
            &json!({"kind": "discussion", "title": title, "body": format!("Over to you, @[{}]", who.user_id)}),
        )
        .await;
    dto::json_with(response, StatusCode::CREATED).await
}

/// The outbox rows of `kind` to `member`.
pub async fn mails(app: &TestApp, member: &Session, kind: &str) -> Vec<OutboxRow> {
    app.outbox_for(&member.email)
        .await
        .into_iter()
        .filter(|m| m.kind == kind)
        .collect()
}

/// Cancels the member's (PRO) subscription, which closes the PRO Lounge to them at once.
pub async fn lose_pro(app: &TestApp, member: &Session) {
    let subs: Vec<dto::Subscription> = app
        .items("/api/v1/subscriptions", Some(&member.access_token))
        .await;
    let cancelled = app.cancel(member, &subs[0].id).await;
    assert_eq!(cancelled.status(), StatusCode::OK);
}

#[tokio::test]
async fn notification_settings_list_every_readable_space_and_mail_is_off_until_chosen() {
    let (_sink, app) = spawn_mailing().await;
    let member = app.member().await;
    let got = settings(&app, &member).await;
    assert_eq!(got["delivery"], "daily");
    assert_eq!(got["mail"], false, "members opt in to notification mail");
    assert_eq!(got["spaces"]["lobby"], "all");
    assert!(got["spaces"].get("pro-lounge").is_none(), "{got}");
    let saved = put_settings(
        &app,
        &member,
        &json!({"delivery": "weekly", "spaces": {"lobby": "none", "lobby-members": "mentions"}}),
    )
    .await;
    assert_eq!(saved["delivery"], "weekly");
    assert_eq!(saved["mail"], true);
    assert!(saved["next_digest_at"].is_string(), "{saved}");
    assert_eq!(saved["spaces"]["lobby"], "none");
    assert_eq!(saved["spaces"]["lobby-members"], "mentions");
    assert_eq!(settings(&app, &member).await, saved);
}

#[tokio::test]
async fn notification_settings_refuse_an_unknown_or_unreadable_space_naming_it() {
    let (_sink, app) = spawn_mailing().await;
    let member = app.member().await;
    for (body, field) in [
        (
            json!({"delivery": "daily", "spaces": {"pro-lounge": "all"}}),
            "spaces.pro-lounge",
        ),
        (
            json!({"delivery": "daily", "spaces": {"no-such-space": "all"}}),
            "spaces.no-such-space",
        ),
        (
            json!({"delivery": "daily", "spaces": {"lobby": "loud"}}),
            "spaces.lobby",
        ),
        (json!({"delivery": "hourly"}), "delivery"),
    ] {
        let refused = app
            .request(
                reqwest::Method::PUT,
                "/api/v1/me/notification-settings",
                Some(&member.access_token),
                Some(&body),
            )
            .await;
        let refused = problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
        let fields: Vec<String> = refused
            .errors
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec![field], "{body}");
    }
    assert_eq!(
        settings(&app, &member).await["mail"],
        false,
        "nothing changed"
    );
}

#[tokio::test]
async fn immediate_delivery_mails_each_notification_with_a_one_click_unsubscribe_that_needs_no_sign_in(
) {
    let (sink, app) = spawn_mailing().await;
    let (member, author) = (app.member().await, app.member().await);
    put_settings(&app, &member, &json!({"delivery": "immediate"})).await;
    mention(&app, &author, "lobby", "Consent rounds", &member).await;
    clock_forward(&app, 60).await;
    let queued = mails(&app, &member, "notification").await;
    assert_eq!(queued.len(), 1, "{queued:?}");
    app.deliver_mail().await;
    let received = sink.wait_for(1).await;
    let mail = received
        .iter()
        .find(|m| m.contains("Consent rounds"))
        .unwrap_or_else(|| panic!("no notification mail: {received:?}"));
    let text = message_text(mail);
    assert!(text.contains("mentioned you"), "{text}");
    assert!(
        mail.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{mail}"
    );
    let one_click = queued[0]
        .list_unsubscribe
        .clone()
        .expect("List-Unsubscribe");
    let path = one_click
        .strip_prefix(API_URL)
        .unwrap_or_else(|| panic!("{one_click}"));
    assert!(path.starts_with("/api/v1/unsubscribe/"), "{path}");

    // What a mail client's button sends: a form POST without a token.
    let unsubscribed = app
        .client
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("POST");
    let body: Value = dto::json_with(unsubscribed, StatusCode::OK).await;
    assert_eq!(body["category"], "notifications");
    assert_eq!(body["subscribed"], false);
    assert_eq!(settings(&app, &member).await["mail"], false);

    mention(&app, &author, "lobby", "After unsubscribing", &member).await;
    clock_forward(&app, 60).await;
    assert_eq!(
        mails(&app, &member, "notification").await.len(),
        1,
        "no more mail"
    );
}

#[tokio::test]
async fn immediate_delivery_mails_each_notification_once_and_nothing_from_a_muted_space() {
    let (_sink, app) = spawn_mailing().await;
    let (member, author) = (app.member().await, app.member().await);
    put_settings(
        &app,
        &member,
        &json!({"delivery": "immediate", "spaces": {"lobby-members": "none"}}),
    )
    .await;
    mention(&app, &author, "lobby", "First", &member).await;
    mention(&app, &author, "lobby", "Second", &member).await;
    mention(&app, &author, "lobby-members", "Muted", &member).await;
    clock_forward(&app, 60).await;
    clock_forward(&app, 60).await;
    let subjects: Vec<String> = mails(&app, &member, "notification")
        .await
        .into_iter()
        .map(|m| m.subject)
        .collect();
    assert_eq!(subjects.len(), 2, "{subjects:?}");
    assert!(
        subjects.iter().all(|s| !s.contains("Muted")),
        "{subjects:?}"
    );
}

#[tokio::test]
async fn immediate_mail_is_withheld_when_the_member_may_not_read_the_space_when_it_is_due() {
    let (_sink, app) = spawn_mailing().await;
    let (member, colleague) = (app.pro_member().await, app.pro_member().await);
    put_settings(&app, &member, &json!({"delivery": "immediate"})).await;
    mention(&app, &colleague, "pro-lounge", "Lounge secret", &member).await;
    lose_pro(&app, &member).await;
    clock_forward(&app, 60).await;
    let queued = mails(&app, &member, "notification").await;
    assert!(queued.is_empty(), "{queued:?}");
}
