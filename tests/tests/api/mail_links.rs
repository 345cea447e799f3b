//! Links in mail (issue 9, item 17): links people open go to the SPA at `PRAXIS_APP_URL`, not to
//! the API; bulk mail carries an RFC 8058 one-click unsubscribe that works without signing in;
//! transactional mail carries none; the receipt carries the customer-hub link the FAQ promises.
//! Everything is read from what a real SMTP server received.

use crate::dto::{self, Question};
use crate::events::{create_event, single_event};
use crate::helpers::{problem, spawn_app_with, Session, TestApp};
use crate::mail_support::{message_text, SmtpSink};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Duration;
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{json, Value};

const API_URL: &str = "https://api.praxis.example";
const APP_URL: &str = "https://app.praxis.example";

/// An app whose API and SPA live at different URLs, mailing through a real SMTP server.
async fn spawn_with_sink() -> (SmtpSink, TestApp) {
    let sink = SmtpSink::start();
    let url = sink.url();
    let app = spawn_app_with(|c| {
        c.smtp_url = Some(SecretString::from(url));
        c.public_url = API_URL.to_owned();
        c.app_url = Some(APP_URL.to_owned());
    })
    .await;
    (sink, app)
}

/// Delivers what is queued and returns the one message that reached `recipient` with `subject`
/// in its subject line.
async fn received(app: &TestApp, sink: &SmtpSink, recipient: &str, subject: &str) -> String {
    app.deliver_mail().await;
    let wanted = |m: &String| {
        header(m, "To").as_deref() == Some(recipient)
            && header(m, "Subject").is_some_and(|s| s.contains(subject))
    };
    for _ in 0..200 {
        let found: Vec<String> = sink.messages().into_iter().filter(wanted).collect();
        if let [one] = found.as_slice() {
            return one.clone();
        }
        assert!(found.len() < 2, "more than one {subject:?} to {recipient}");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!(
        "no {subject:?} mail to {recipient}; got {:?}",
        sink.messages()
    )
}

/// A header's value, its folded continuation lines joined.
fn header(message: &str, name: &str) -> Option<String> {
    let head = message.split("\r\n\r\n").next().unwrap_or_default();
    let mut value: Option<String> = None;
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(v) = value.as_mut() {
                v.push_str(line.trim_start());
            }
            continue;
        }
        if value.is_some() {
            break;
        }
        if let Some((key, rest)) = line.split_once(':') {
            if key.eq_ignore_ascii_case(name) {
                value = Some(rest.trim().to_owned());
            }
        }
    }
    value
}

/// The line of the text that starts with `prefix`.
fn link(message: &str, prefix: &str) -> String {
    message_text(message)
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix} in {message}"))
        .to_owned()
}

#[tokio::test]
async fn hub_link_in_mail_points_at_the_app_url_not_the_api() {
    let (sink, app) = spawn_with_sink().await;
    app.register("ana@example.org").await;
    let asked = app
        .post(
            "/api/v1/hub/magic-link",
            None,
            &json!({"email": "ana@example.org"}),
        )
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let mail = received(&app, &sink, "ana@example.org", "customer hub").await;
    let token = link(&mail, APP_URL)
        .strip_prefix(&format!("{APP_URL}/hub?token="))
        .unwrap_or_else(|| panic!("not the app's hub route: {mail}"))
        .to_owned();
    assert!(!message_text(&mail).contains(API_URL), "{mail}");
    // The SPA's page spends it at the API.
    let session = app
        .post("/api/v1/hub/sessions", None, &json!({"token": token}))
        .await;
    assert_eq!(session.status(), StatusCode::OK);
    assert_eq!(header(&mail, "List-Unsubscribe"), None, "transactional");
}

#[tokio::test]
async fn receipt_carries_the_customer_hub_link_the_faq_promises_and_no_list_unsubscribe() {
    let (sink, app) = spawn_with_sink().await;
    let member = app.member().await;
    app.subscribed(&member, "practitioner", "monthly").await;
    let receipt = received(&app, &sink, &member.email, "receipt").await;
    // FAQ: "by following the link in the email you received with the invoice for your payment"
    // one reaches the Customer Hub to update the billing address or cancel.
    assert_eq!(
        link(&receipt, APP_URL),
        format!("{APP_URL}/hub"),
        "{receipt}"
    );
    let text = message_text(&receipt);
    assert!(text.contains("billing address"), "{text}");
    assert!(text.contains("cancel"), "{text}");
    // A receipt is transactional: no opt-out header, no unsubscribe link.
    assert_eq!(header(&receipt, "List-Unsubscribe"), None, "{receipt}");
    assert_eq!(header(&receipt, "List-Unsubscribe-Post"), None, "{receipt}");
    assert!(!text.contains("unsubscribe"), "{text}");
}

#[tokio::test]
async fn waitlist_offer_links_to_the_plan_page_in_the_app() {
    let (sink, app) = spawn_with_sink().await;
    let admin = app.as_admin().await;
    app.set_seat_limit(&admin, "practitioner", 1).await;
    let (holder, waiting) = (app.member().await, app.member().await);
    let sub = app.subscribed(&holder, "practitioner", "monthly").await;
    let joined = app.join_waitlist(&waiting, "practitioner").await;
    assert_eq!(joined.status(), StatusCode::CREATED);
    let cancelled = app.cancel(&holder, &sub.id).await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    let offer = received(&app, &sink, &waiting.email, "is yours until").await;
    assert_eq!(
        link(&offer, APP_URL),
        format!("{APP_URL}/plans/practitioner"),
        "{offer}"
    );
    assert_eq!(header(&offer, "List-Unsubscribe"), None, "transactional");
}

#[tokio::test]
async fn question_answered_mail_links_to_the_event_page_in_the_app() {
    let (sink, app) = spawn_with_sink().await;
    let event =
        crate::questions::insert_event(&app, "space-lobby-members", "Q&A", Duration::days(1)).await;
    let (asker, host) = (app.member().await, app.as_host().await);
    let asked = app
        .post(
            &format!("/api/v1/events/{event}/questions"),
            Some(&asker.access_token),
            &json!({"body": "What is a driver?"}),
        )
        .await;
    let question: Question = dto::json_with(asked, StatusCode::CREATED).await;
    let path = format!("/api/v1/admin/questions/{}/answer", question.id);
    let answered = app.post(&path, Some(&host.access_token), &json!({})).await;
    assert_eq!(answered.status(), StatusCode::OK);
    let mail = received(&app, &sink, &asker.email, "Your question was answered").await;
    assert_eq!(
        link(&mail, APP_URL),
        format!("{APP_URL}/events/{event}"),
        "{mail}"
    );
}

/// RSVPs `member` to an event 48 hours ahead and runs the jobs at the day-before reminder.
async fn reminded(app: &TestApp, sink: &SmtpSink, member: &Session) -> String {
    let host = app.as_host().await;
    let event = create_event(
        app,
        &host,
        single_event(app, "lobby-members", "Reminded", 48),
    )
    .await;
    assert_eq!(app.rsvp(member, &event.id).await.status(), StatusCode::OK);
    app.clock
        .advance(Duration::hours(24) + Duration::minutes(1));
    app.run_jobs().await;
    received(app, sink, &member.email, "Reminder: Reminded").await
}

/// The path of the one-click URL in `List-Unsubscribe: <…>`, which must be on the API.
fn one_click_path(mail: &str) -> String {
    let value = header(mail, "List-Unsubscribe").unwrap_or_else(|| panic!("no header: {mail}"));
    value
        .strip_prefix(&format!("<{API_URL}"))
        .and_then(|v| v.strip_suffix('>'))
        .filter(|p| p.starts_with("/api/v1/unsubscribe/"))
        .unwrap_or_else(|| panic!("not a one-click URL on the API: {value}"))
        .to_owned()
}

/// The member's reminder setting, read as the member (signed in afresh: the clock moved on).
async fn reminders_enabled(app: &TestApp, member: &Session) -> bool {
    let member = app.relogin(member).await;
    let setting: Value = app
        .get("/api/v1/me/event-reminders", Some(&member.access_token))
        .await
        .json()
        .await
        .expect("the setting");
    setting["enabled"].as_bool().expect("enabled")
}

#[tokio::test]
async fn event_reminder_carries_rfc_8058_one_click_unsubscribe_that_works_without_signing_in() {
    let (sink, app) = spawn_with_sink().await;
    let member = app.member().await;
    let mail = reminded(&app, &sink, &member).await;
    assert_eq!(
        header(&mail, "List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click"),
        "{mail}"
    );
    let path = one_click_path(&mail);
    let token = path.trim_start_matches("/api/v1/unsubscribe/");
    // The text offers the same opt-out as a page of the app, for people.
    assert_eq!(
        link(&mail, APP_URL),
        format!("{APP_URL}/unsubscribe/{token}"),
        "{mail}"
    );

    // Mail scanners fetch links: a GET only describes, and changes nothing.
    let described: Value = app.get(&path, None).await.json().await.expect("JSON");
    assert_eq!(described["category"], "event_reminders");
    assert_eq!(described["subscribed"], true);
    assert!(reminders_enabled(&app, &member).await);

    // What a mail client's unsubscribe button sends: a form POST, no Authorization header.
    let unsubscribed = app
        .client
        .post(app.url(&path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("POST");
    assert_eq!(unsubscribed.status(), StatusCode::OK);
    let body: Value = unsubscribed.json().await.expect("JSON");
    assert_eq!(body["subscribed"], false);
    assert!(!reminders_enabled(&app, &member).await);

    // The hour-before reminder is not sent any more.
    app.clock.advance(Duration::hours(23));
    app.run_jobs().await;
    let reminders = app
        .outbox_for(&member.email)
        .await
        .into_iter()
        .filter(|m| m.kind == "event_reminder")
        .count();
    assert_eq!(reminders, 1);
}

#[tokio::test]
async fn one_click_unsubscribe_accepts_an_empty_or_json_body_from_the_app() {
    let (sink, app) = spawn_with_sink().await;
    let member = app.member().await;
    let path = one_click_path(&reminded(&app, &sink, &member).await);
    let empty = app.client.post(app.url(&path)).send().await.expect("POST");
    assert_eq!(empty.status(), StatusCode::OK);
    assert!(!reminders_enabled(&app, &member).await);
    // Again, as the SPA would send it: nothing more changes.
    let again = app.post(&path, None, &json!({})).await;
    assert_eq!(again.status(), StatusCode::OK);
    let body: Value = again.json().await.expect("JSON");
    assert_eq!(body["subscribed"], false);
}

#[tokio::test]
async fn forged_unsubscribe_token_is_refused_with_404_and_changes_nothing() {
    let (sink, app) = spawn_with_sink().await;
    let (member, other) = (app.member().await, app.member().await);
    let path = one_click_path(&reminded(&app, &sink, &member).await);
    let token = path.trim_start_matches("/api/v1/unsubscribe/");
    let (_, signature) = token.split_once('.').expect("payload.signature");
    // The member's genuine signature on someone else's id.
    let payload = URL_SAFE_NO_PAD.encode(format!("{}:event_reminders", other.user_id));
    let forged = format!("{payload}.{signature}");
    let altered = format!("{}A", token);
    for bad in [
        forged.as_str(),
        altered.as_str(),
        "not-a-token",
        &"x".repeat(3000),
    ] {
        let path = format!("/api/v1/unsubscribe/{bad}");
        let refused = app.post(&path, None, &json!({})).await;
        assert_eq!(
            problem(refused, StatusCode::NOT_FOUND).await.kind,
            "not-found",
            "{bad}"
        );
        let described = app.get(&path, None).await;
        assert_eq!(
            problem(described, StatusCode::NOT_FOUND).await.kind,
            "not-found",
            "{bad}"
        );
    }
    assert!(reminders_enabled(&app, &other).await);
    assert!(reminders_enabled(&app, &member).await);
}
