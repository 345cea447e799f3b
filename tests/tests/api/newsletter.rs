//! The mailing list: double opt-in by a single-use mailed link, answers that never tell known
//! from unknown addresses, unsubscribing by the link without signing in, and rate limits.

use crate::circle_helpers::clock_app;
use crate::helpers::{problem, spawn_app, spawn_app_with, TestApp};
use crate::mail_support::token_after;
use reqwest::StatusCode;
use serde_json::{json, Value};

const CONFIRM: &str = "/newsletter/confirm?token=";
const LEAVE: &str = "/newsletter/unsubscribe?token=";

async fn subscribe(app: &TestApp, email: &str, language: &str) -> (StatusCode, Value) {
    let response = app
        .post(
            "/api/v1/newsletter/subscriptions",
            None,
            &json!({"email": email, "language": language}),
        )
        .await;
    let status = response.status();
    let body = response.json().await.unwrap_or_else(|e| panic!("{e}"));
    (status, body)
}

/// The newsletter mails to `email`, oldest first.
async fn confirmation_mails(app: &TestApp, email: &str) -> Vec<String> {
    app.outbox_for(email)
        .await
        .into_iter()
        .filter(|r| r.kind == "newsletter_confirmation")
        .map(|r| r.body)
        .collect()
}

/// The token after `marker` in the newest confirmation mail to `email`.
async fn token(app: &TestApp, email: &str, marker: &str) -> String {
    let mails = confirmation_mails(app, email).await;
    let body = mails
        .last()
        .unwrap_or_else(|| panic!("no confirmation mail to {email}"));
    token_after(body, marker).unwrap_or_else(|| panic!("no {marker} link in {body}"))
}

async fn post_token(app: &TestApp, path: &str, token: &str) -> StatusCode {
    app.post(path, None, &json!({"token": token}))
        .await
        .status()
}

#[tokio::test]
async fn subscribing_answers_the_same_for_known_and_unknown_addresses() {
    let app = spawn_app().await;
    app.register("member@example.org").await;
    let member = subscribe(&app, "member@example.org", "en").await;
    let stranger = subscribe(&app, "stranger@example.org", "es").await;
    assert_eq!(member.0, StatusCode::ACCEPTED);
    assert_eq!(member, stranger);

    let confirm = token(&app, "stranger@example.org", CONFIRM).await;
    assert_eq!(
        post_token(&app, "/api/v1/newsletter/confirm", &confirm).await,
        StatusCode::NO_CONTENT
    );
    // A confirmed address answers the same, and gets no new mail.
    assert_eq!(subscribe(&app, "Stranger@Example.org", "es").await, member);
    assert_eq!(
        confirmation_mails(&app, "stranger@example.org").await.len(),
        1
    );
}

#[tokio::test]
async fn a_confirm_link_works_once() {
    let app = spawn_app().await;
    subscribe(&app, "ana@example.org", "en").await;
    let confirm = token(&app, "ana@example.org", CONFIRM).await;
    assert_eq!(
        post_token(&app, "/api/v1/newsletter/confirm", &confirm).await,
        StatusCode::NO_CONTENT
    );
    let again = app
        .post(
            "/api/v1/newsletter/confirm",
            None,
            &json!({"token": confirm}),
        )
        .await;
    assert_eq!(
        problem(again, StatusCode::NOT_FOUND).await.kind,
        "not-found"
    );
}

#[tokio::test]
async fn asking_again_replaces_the_pending_confirm_link() {
    let app = spawn_app().await;
    subscribe(&app, "ana@example.org", "en").await;
    let first = token(&app, "ana@example.org", CONFIRM).await;
    subscribe(&app, "ana@example.org", "es").await;
    let second = token(&app, "ana@example.org", CONFIRM).await;
    assert_eq!(
        post_token(&app, "/api/v1/newsletter/confirm", &first).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post_token(&app, "/api/v1/newsletter/confirm", &second).await,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn a_confirm_link_expires_after_48_hours() {
    let app = clock_app().await;
    subscribe(&app, "ana@example.org", "en").await;
    let confirm = token(&app, "ana@example.org", CONFIRM).await;
    app.clock_forward(chrono::Duration::hours(49)).await;
    assert_eq!(
        post_token(&app, "/api/v1/newsletter/confirm", &confirm).await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn unsubscribing_by_the_mailed_link_needs_no_sign_in() {
    let app = spawn_app().await;
    subscribe(&app, "ana@example.org", "en").await;
    let confirm = token(&app, "ana@example.org", CONFIRM).await;
    let leave = token(&app, "ana@example.org", LEAVE).await;
    post_token(&app, "/api/v1/newsletter/confirm", &confirm).await;
    assert_eq!(
        post_token(&app, "/api/v1/newsletter/unsubscribe", &leave).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        post_token(&app, "/api/v1/newsletter/unsubscribe", &leave).await,
        StatusCode::NOT_FOUND
    );
    // The address is forgotten: asking again starts over with a new confirm link.
    subscribe(&app, "ana@example.org", "en").await;
    assert_eq!(confirmation_mails(&app, "ana@example.org").await.len(), 2);
}

#[tokio::test]
async fn the_one_click_unsubscribe_link_takes_a_form_post() {
    let app = spawn_app().await;
    subscribe(&app, "ana@example.org", "en").await;
    let leave = token(&app, "ana@example.org", LEAVE).await;
    let response = app
        .client
        .post(app.url(&format!("/api/v1/newsletter/unsubscribe/{leave}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_subscription_names_its_invalid_fields() {
    let app = spawn_app().await;
    let response = app
        .post(
            "/api/v1/newsletter/subscriptions",
            None,
            &json!({"email": "not an address", "language": "fr"}),
        )
        .await;
    let problem = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields = problem.fields();
    assert!(
        fields.contains(&"email") && fields.contains(&"language"),
        "{problem}"
    );
}

#[tokio::test]
async fn newsletter_requests_are_rate_limited_per_client_ip() {
    let app = spawn_app_with(|c| c.auth_rate_per_minute = 3).await;
    for n in 0..3 {
        let (status, _) = subscribe(&app, &format!("p{n}@example.org"), "en").await;
        assert_eq!(status, StatusCode::ACCEPTED);
    }
    let limited = app
        .post(
            "/api/v1/newsletter/subscriptions",
            None,
            &json!({"email": "p9@example.org", "language": "en"}),
        )
        .await;
    assert!(limited.headers().contains_key("retry-after"));
    problem(limited, StatusCode::TOO_MANY_REQUESTS).await;
}

#[tokio::test]
async fn newsletter_requests_are_rate_limited_per_email_address() {
    let app = spawn_app_with(|c| c.auth_rate_per_minute = 1000).await;
    for _ in 0..10 {
        let (status, _) = subscribe(&app, "ana@example.org", "en").await;
        assert_eq!(status, StatusCode::ACCEPTED);
    }
    let limited = app
        .post(
            "/api/v1/newsletter/subscriptions",
            None,
            &json!({"email": "ANA@example.org", "language": "en"}),
        )
        .await;
    problem(limited, StatusCode::TOO_MANY_REQUESTS).await;
    let (other, _) = subscribe(&app, "bo@example.org", "en").await;
    assert_eq!(other, StatusCode::ACCEPTED);
}

/// Subscribes `email` in `language` and opens the confirm link.
async fn confirmed(app: &TestApp, email: &str, language: &str) {
    subscribe(app, email, language).await;
    let confirm = token(app, email, CONFIRM).await;
    assert_eq!(
        post_token(app, "/api/v1/newsletter/confirm", &confirm).await,
        StatusCode::NO_CONTENT
    );
}

async fn issues_mailed(app: &TestApp, email: &str) -> Vec<praxis_persistence::outbox::OutboxRow> {
    app.outbox_for(email)
        .await
        .into_iter()
        .filter(|r| r.kind == "newsletter")
        .collect()
}

async fn first_issue(app: &TestApp, token: &str) -> Value {
    let list = app.get("/api/v1/admin/newsletters", Some(token)).await;
    assert_eq!(list.status(), StatusCode::OK);
    let list: Value = list.json().await.unwrap_or_else(|e| panic!("{e}"));
    list["items"][0].clone()
}

#[tokio::test]
async fn a_newsletter_reaches_only_confirmed_subscribers_of_its_language_throttled_with_counts() {
    let app = spawn_app_with(|c| {
        c.dev_clock = true;
        c.newsletter_per_minute = 2;
    })
    .await;
    let english = ["a@example.org", "b@example.org", "c@example.org"];
    for email in english {
        confirmed(&app, email, "en").await;
    }
    confirmed(&app, "es@example.org", "es").await;
    subscribe(&app, "pending@example.org", "en").await;
    let issue = json!({"subject": "News", "body": "# Hello\n\nThis month…", "language": "en"});

    let member = app.member().await;
    let refused = app
        .post(
            "/api/v1/admin/newsletters",
            Some(&member.access_token),
            &issue,
        )
        .await;
    problem(refused, StatusCode::FORBIDDEN).await;

    let host = app.as_host().await;
    let sent = app
        .post(
            "/api/v1/admin/newsletters",
            Some(&host.access_token),
            &issue,
        )
        .await;
    assert_eq!(sent.status(), StatusCode::ACCEPTED);
    let sent: Value = sent.json().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sent["recipients"], 3);

    // The first minute's budget is two mails.
    app.clock_forward(chrono::Duration::seconds(1)).await;
    let mut mailed = 0;
    for email in english {
        mailed += issues_mailed(&app, email).await.len();
    }
    assert_eq!(mailed, 2);
    app.deliver_mail().await;
    let counts = first_issue(&app, &host.access_token).await;
    assert_eq!(
        (&counts["queued"], &counts["sent"], &counts["failed"]),
        (&json!(1), &json!(2), &json!(0)),
        "{counts}"
    );

    app.clock_forward(chrono::Duration::seconds(61)).await;
    app.deliver_mail().await;
    for email in english {
        let mails = issues_mailed(&app, email).await;
        assert_eq!(mails.len(), 1, "{email}");
        let one_click = mails[0].list_unsubscribe.clone().unwrap_or_default();
        assert!(
            one_click.contains("/api/v1/newsletter/unsubscribe/"),
            "{one_click}"
        );
        assert!(mails[0].body.contains(LEAVE), "{}", mails[0].body);
    }
    assert!(issues_mailed(&app, "es@example.org").await.is_empty());
    assert!(issues_mailed(&app, "pending@example.org").await.is_empty());
    let counts = first_issue(&app, &host.access_token).await;
    assert_eq!(
        (&counts["queued"], &counts["sent"], &counts["failed"]),
        (&json!(0), &json!(3), &json!(0)),
        "{counts}"
    );
}
