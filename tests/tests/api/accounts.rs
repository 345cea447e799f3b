//! Accounts: verified addresses, password reset and change, a new address, sessions; none of
//! which tells whether an address has an account.

use crate::dto::{self, Me, Page, Tokens};
use crate::helpers::{problem, spawn_app, spawn_app_with, Session, TestApp, PASSWORD};
use crate::mail_support::token_after;
use chrono::Duration;
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Instant;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionEntry {
    id: String,
    started_at: String,
    last_refreshed_at: String,
    expires_at: String,
}

fn register_body(email: &str, password: &str) -> Value {
    json!({"email": email, "password": password, "display_name": "Someone"})
}

/// The token in the newest mail of `kind` to `email`, after `marker`.
async fn mailed_token(app: &TestApp, email: &str, kind: &str, marker: &str) -> String {
    let row = app
        .outbox_for(email)
        .await
        .into_iter()
        .rev()
        .find(|r| r.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} mail to {email}"));
    token_after(&row.body, marker).unwrap_or_else(|| panic!("no link in {}", row.body))
}

async fn me(app: &TestApp, token: &str) -> Me {
    dto::json_with(app.get("/api/v1/me", Some(token)).await, StatusCode::OK).await
}

async fn refresh_status(app: &TestApp, refresh_token: &str) -> StatusCode {
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": refresh_token}),
    )
    .await
    .status()
}

async fn login_status(app: &TestApp, email: &str, password: &str) -> StatusCode {
    app.post(
        "/api/v1/auth/login",
        None,
        &json!({"email": email, "password": password}),
    )
    .await
    .status()
}

#[tokio::test]
async fn registration_with_a_known_email_answers_exactly_as_a_new_one_and_mails_the_owner() {
    let app = spawn_app().await;
    app.register("ana@example.org").await;
    let known = app
        .post(
            "/api/v1/auth/register",
            None,
            &register_body("ANA@example.org", "an attacker's passphrase"),
        )
        .await;
    let new = app
        .post(
            "/api/v1/auth/register",
            None,
            &register_body("bea@example.org", "another passphrase"),
        )
        .await;
    assert_eq!(known.status(), StatusCode::ACCEPTED);
    assert_eq!(new.status(), StatusCode::ACCEPTED);
    let mut known: Value = known.json().await.expect("json");
    let mut new: Value = new.json().await.expect("json");
    // Only the address echoed back differs.
    known["email"] = Value::Null;
    new["email"] = Value::Null;
    assert_eq!(known, new);
    // The owner is told someone tried; the password stays theirs.
    let ana_mail = app.outbox_for("ana@example.org").await;
    assert_eq!(
        ana_mail.iter().map(|r| r.kind.as_str()).collect::<Vec<_>>(),
        vec!["registration_attempt"]
    );
    assert_eq!(
        login_status(&app, "ana@example.org", "an attacker's passphrase").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_status(&app, "ana@example.org", PASSWORD).await,
        StatusCode::OK
    );
    let bea_mail = app.outbox_for("bea@example.org").await;
    assert_eq!(bea_mail.len(), 1);
    assert_eq!(bea_mail[0].kind, "verify_email");
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

#[tokio::test]
async fn known_and_unknown_emails_take_comparable_time_to_register_and_log_in() {
    let app = spawn_app().await;
    app.register("ana@example.org").await;
    let mut timings: [Vec<f64>; 4] = Default::default();
    for round in 0..5 {
        let cases = [
            (
                "/api/v1/auth/register",
                register_body("ana@example.org", PASSWORD),
            ),
            (
                "/api/v1/auth/register",
                register_body(&format!("new{round}@example.org"), PASSWORD),
            ),
            (
                "/api/v1/auth/login",
                json!({"email": "ana@example.org", "password": "wrong passphrase"}),
            ),
            (
                "/api/v1/auth/login",
                json!({"email": "nobody@example.org", "password": "wrong passphrase"}),
            ),
        ];
        for (i, (path, body)) in cases.iter().enumerate() {
            let started = Instant::now();
            let status = app.post(path, None, body).await.status();
            timings[i].push(started.elapsed().as_secs_f64());
            assert!(
                status == StatusCode::ACCEPTED || status == StatusCode::UNAUTHORIZED,
                "{path}: {status}"
            );
        }
    }
    let [known_reg, new_reg, known_login, unknown_login] = timings.map(median);
    // Both paths hash with argon2 (tens of milliseconds); a path without it would be many times
    // faster. The bound is loose so a busy machine does not fail it.
    for (a, b, what) in [
        (known_reg, new_reg, "register"),
        (known_login, unknown_login, "login"),
    ] {
        let ratio = a / b;
        assert!(
            (0.33..3.0).contains(&ratio),
            "{what}: known {a:.4}s vs unknown {b:.4}s"
        );
    }
}

#[tokio::test]
async fn unverified_members_read_but_cannot_post_or_pay_and_are_told_why() {
    let app = spawn_app().await;
    app.register_unverified("una@example.org").await;
    let session = app.login("una@example.org").await;
    app.accept_terms(&session).await;
    let profile = me(&app, &session.access_token).await;
    assert!(!profile.email_verified);
    assert_eq!(
        app.get("/api/v1/spaces/lobby/posts", Some(&session.access_token))
            .await
            .status(),
        StatusCode::OK
    );
    let post = app
        .post(
            "/api/v1/spaces/lobby/posts",
            Some(&session.access_token),
            &json!({"kind": "discussion", "title": "Hello", "body": "First post"}),
        )
        .await;
    let refused = problem(post, StatusCode::FORBIDDEN).await;
    assert_eq!(refused.kind, "email-verification-required");
    assert!(refused.detail.contains("verification-mail"), "{refused}");
    let pay = app
        .subscribe(&session, "practitioner", "monthly", "regular")
        .await;
    assert_eq!(
        problem(pay, StatusCode::FORBIDDEN).await.kind,
        "email-verification-required"
    );
    let other = app.member().await;
    let message = app
        .post(
            "/api/v1/conversations",
            Some(&session.access_token),
            &json!({"participant_ids": [other.user_id], "body": "hi"}),
        )
        .await;
    assert_eq!(
        problem(message, StatusCode::FORBIDDEN).await.kind,
        "email-verification-required"
    );

    // Opening the mailed link lifts it.
    let token = mailed_token(
        &app,
        "una@example.org",
        "verify_email",
        "/verify-email?token=",
    )
    .await;
    let verified = app
        .post("/api/v1/auth/verify-email", None, &json!({"token": token}))
        .await;
    assert_eq!(verified.status(), StatusCode::NO_CONTENT);
    assert!(me(&app, &session.access_token).await.email_verified);
    let post = app
        .post(
            "/api/v1/spaces/lobby/posts",
            Some(&session.access_token),
            &json!({"kind": "discussion", "title": "Hello", "body": "First post"}),
        )
        .await;
    assert_eq!(post.status(), StatusCode::CREATED);
}

async fn verify(app: &TestApp, token: String) -> reqwest::Response {
    app.post("/api/v1/auth/verify-email", None, &json!({"token": token}))
        .await
}

#[tokio::test]
async fn verification_link_is_single_use_and_expires_after_48_hours() {
    let app = spawn_app().await;
    app.register_unverified("una@example.org").await;
    let (_, token) = app.verification_token("una@example.org").await;
    assert_eq!(
        verify(&app, token.clone()).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        problem(verify(&app, token).await, StatusCode::UNAUTHORIZED)
            .await
            .kind,
        "invalid-account-token"
    );

    app.register_unverified("late@example.org").await;
    let (_, late) = app.verification_token("late@example.org").await;
    app.clock.advance(Duration::hours(48));
    problem(verify(&app, late).await, StatusCode::UNAUTHORIZED).await;
    let session = app.login("late@example.org").await;
    assert!(!me(&app, &session.access_token).await.email_verified);

    // A new link replaces the old ones; once verified there is nothing to resend.
    let resend = app
        .post(
            "/api/v1/auth/verification-mail",
            Some(&session.access_token),
            &json!({}),
        )
        .await;
    assert_eq!(resend.status(), StatusCode::ACCEPTED);
    let (_, fresh) = app.verification_token("late@example.org").await;
    assert_eq!(verify(&app, fresh).await.status(), StatusCode::NO_CONTENT);
    let again = app
        .post(
            "/api/v1/auth/verification-mail",
            Some(&session.access_token),
            &json!({}),
        )
        .await;
    assert_eq!(
        problem(again, StatusCode::CONFLICT).await.kind,
        "email-already-verified"
    );
    assert_eq!(
        problem(
            verify(&app, "made-up".into()).await,
            StatusCode::UNAUTHORIZED
        )
        .await
        .kind,
        "invalid-account-token"
    );
}

async fn ask_reset(app: &TestApp, email: &str) -> reqwest::Response {
    app.post(
        "/api/v1/auth/password-reset",
        None,
        &json!({"email": email}),
    )
    .await
}

async fn confirm_reset(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post(
        "/api/v1/auth/password-reset/confirm",
        None,
        &json!({"token": token, "password": password}),
    )
    .await
}

#[tokio::test]
async fn password_reset_answers_the_same_for_an_unknown_email_and_mails_nothing() {
    let app = spawn_app().await;
    app.register("ana@example.org").await;
    let unknown = ask_reset(&app, "nobody@example.org").await;
    assert_eq!(unknown.status(), StatusCode::ACCEPTED);
    let unknown: Value = unknown.json().await.expect("json");
    assert_eq!(app.outbox_count().await, 0);
    let known = ask_reset(&app, "Ana@Example.org").await;
    assert_eq!(known.status(), StatusCode::ACCEPTED);
    let known: Value = known.json().await.expect("json");
    assert_eq!(known, unknown);
    assert_eq!(app.outbox_for("ana@example.org").await.len(), 1);
}

#[tokio::test]
async fn password_reset_link_is_single_use_expires_after_15_minutes_and_revokes_every_refresh_token(
) {
    let app = spawn_app().await;
    let session = app.member().await;
    let other_device = app.login(&session.email).await;

    assert_eq!(
        ask_reset(&app, &session.email).await.status(),
        StatusCode::ACCEPTED
    );
    let stale = mailed_token(&app, &session.email, "password_reset", "?token=").await;
    app.clock.advance(Duration::minutes(15));
    problem(
        confirm_reset(&app, &stale, "a brand new passphrase").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    assert_eq!(
        ask_reset(&app, &session.email).await.status(),
        StatusCode::ACCEPTED
    );
    let token = mailed_token(&app, &session.email, "password_reset", "?token=").await;
    // A weak password is refused without spending the link.
    let weak = confirm_reset(&app, &token, "short").await;
    assert_eq!(
        problem(weak, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        vec!["password"]
    );
    assert_eq!(
        confirm_reset(&app, &token, "a brand new passphrase")
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        problem(
            confirm_reset(&app, &token, "yet another passphrase").await,
            StatusCode::UNAUTHORIZED
        )
        .await
        .kind,
        "invalid-account-token"
    );
    assert_eq!(
        login_status(&app, &session.email, PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_status(&app, &session.email, "a brand new passphrase").await,
        StatusCode::OK
    );
    for old in [&session, &other_device] {
        assert_eq!(
            refresh_status(&app, &old.refresh_token).await,
            StatusCode::UNAUTHORIZED
        );
    }
    let kinds: Vec<String> = app
        .outbox_for(&session.email)
        .await
        .into_iter()
        .map(|r| r.kind)
        .collect();
    assert_eq!(
        kinds,
        vec!["password_reset", "password_reset", "password_changed"]
    );
}

async fn change(app: &TestApp, session: &Session, current: &str, new: &str) -> reqwest::Response {
    app.post(
        "/api/v1/me/password",
        Some(&session.access_token),
        &json!({"current_password": current, "new_password": new}),
    )
    .await
}

#[tokio::test]
async fn password_change_needs_the_current_password_and_signs_out_other_sessions() {
    let app = spawn_app().await;
    let session = app.member().await;
    let other_device = app.login(&session.email).await;
    assert_eq!(
        problem(
            change(&app, &session, "not my password", "a brand new passphrase").await,
            StatusCode::FORBIDDEN
        )
        .await
        .kind,
        "invalid-current-password"
    );
    assert_eq!(
        problem(
            change(&app, &session, PASSWORD, "short").await,
            StatusCode::UNPROCESSABLE_ENTITY
        )
        .await
        .fields(),
        vec!["new_password"]
    );
    let fresh: Tokens = dto::json_with(
        change(&app, &session, PASSWORD, "a brand new passphrase").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me(&app, &fresh.access_token).await.id, session.user_id);
    assert_eq!(
        refresh_status(&app, &other_device.refresh_token).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        refresh_status(&app, &fresh.refresh_token).await,
        StatusCode::OK
    );
    assert_eq!(
        login_status(&app, &session.email, "a brand new passphrase").await,
        StatusCode::OK
    );
}

async fn ask_email_change(app: &TestApp, session: &Session, email: &str) -> reqwest::Response {
    app.post(
        "/api/v1/me/email",
        Some(&session.access_token),
        &json!({"email": email, "password": PASSWORD}),
    )
    .await
}

async fn confirm_email(app: &TestApp, token: String) -> reqwest::Response {
    app.post("/api/v1/me/email/confirm", None, &json!({"token": token}))
        .await
}

#[tokio::test]
async fn a_new_email_is_confirmed_at_the_new_address_and_the_old_one_is_told() {
    let app = spawn_app().await;
    let session = app.member().await;
    let wrong = app
        .post(
            "/api/v1/me/email",
            Some(&session.access_token),
            &json!({"email": "new@example.org", "password": "not my password"}),
        )
        .await;
    problem(wrong, StatusCode::FORBIDDEN).await;
    let asked = ask_email_change(&app, &session, "New@Example.org").await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let asked: Value = asked.json().await.expect("json");
    // Nothing changes until the new address confirms.
    assert_eq!(me(&app, &session.access_token).await.email, session.email);
    let token = mailed_token(&app, "new@example.org", "confirm_email", "?token=").await;
    assert_eq!(
        confirm_email(&app, token.clone()).await.status(),
        StatusCode::NO_CONTENT
    );
    problem(confirm_email(&app, token).await, StatusCode::UNAUTHORIZED).await;
    let profile = me(&app, &session.access_token).await;
    assert_eq!(profile.email, "new@example.org");
    assert!(profile.email_verified);
    let notices = app.outbox_for(&session.email).await;
    assert_eq!(
        notices.last().map(|r| r.kind.as_str()),
        Some("email_changed")
    );
    assert!(notices
        .last()
        .is_some_and(|r| r.body.contains("new@example.org")));
    assert_eq!(
        login_status(&app, "new@example.org", PASSWORD).await,
        StatusCode::OK
    );
    assert_eq!(
        login_status(&app, &session.email, PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    // The old address is free to register again.
    app.register(&session.email).await;

    // An address another account holds answers the same, and only its owner hears of it.
    let second = app.member().await;
    let taken = ask_email_change(&app, &second, "new@example.org").await;
    assert_eq!(taken.status(), StatusCode::ACCEPTED);
    let taken: Value = taken.json().await.expect("json");
    assert_eq!(taken, asked);
    let owner_mail = app.outbox_for("new@example.org").await;
    assert_eq!(
        owner_mail.last().map(|r| r.kind.as_str()),
        Some("email_change_attempt")
    );
    assert_eq!(me(&app, &second.access_token).await.email, second.email);
}

#[tokio::test]
async fn sessions_are_listed_and_sign_out_everywhere_revokes_them_all() {
    let app = spawn_app().await;
    let first = app.member().await;
    let second = app.login(&first.email).await;
    app.clock.advance(Duration::seconds(5));
    let third = app.login(&first.email).await;
    let other = app.member().await;
    let page: Page<SessionEntry> = dto::json_with(
        app.get("/api/v1/me/sessions?limit=3", Some(&first.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page.items.len(), 3);
    let cursor = page.next_cursor.clone().expect("a second page");
    let rest: Page<SessionEntry> = dto::json_with(
        app.get(
            &format!("/api/v1/me/sessions?limit=3&cursor={cursor}"),
            Some(&first.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rest.items.len(), 1);
    assert!(rest.next_cursor.is_none());
    let ids: std::collections::HashSet<String> = page
        .items
        .iter()
        .chain(&rest.items)
        .map(|s| s.id.clone())
        .collect();
    // One entry per login: registering logged in once too.
    assert_eq!(ids.len(), 4, "one entry per login");
    assert!(page.items[0].started_at >= rest.items[0].started_at);
    assert!(page
        .items
        .iter()
        .all(|s| s.expires_at > s.last_refreshed_at));

    let out = app
        .delete("/api/v1/me/sessions", Some(&third.access_token))
        .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    for session in [&first, &second, &third] {
        assert_eq!(
            refresh_status(&app, &session.refresh_token).await,
            StatusCode::UNAUTHORIZED
        );
    }
    // Access tokens die with their sessions; a new sign-in sees only itself.
    let again = app.login(&first.email).await;
    let page: Page<SessionEntry> = dto::json_with(
        app.get("/api/v1/me/sessions", Some(&again.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page.items.len(), 1);
    // Another member's sessions are untouched.
    assert_eq!(
        refresh_status(&app, &other.refresh_token).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn login_reset_and_verification_are_rate_limited_per_email_from_any_address() {
    let app = spawn_app_with(|c| {
        c.auth_rate_per_minute = 1000;
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap_or_else(|_| unreachable!())];
    })
    .await;
    app.register("ana@example.org").await;
    for (path, body) in [
        (
            "/api/v1/auth/login",
            json!({"email": "ana@example.org", "password": "guess"}),
        ),
        (
            "/api/v1/auth/password-reset",
            json!({"email": "ana@example.org"}),
        ),
        (
            "/api/v1/auth/login",
            json!({"email": "nobody@example.org", "password": "guess"}),
        ),
    ] {
        let send = |ip: String| {
            app.client
                .post(app.url(path))
                .header("x-forwarded-for", ip)
                .json(&body)
                .send()
        };
        // The helper's own login spent one of Ana's.
        let quota = if path.ends_with("login") && body["email"] == "ana@example.org" {
            9
        } else {
            10
        };
        for n in 0..quota {
            let status = send(format!("198.51.100.{n}"))
                .await
                .expect("sent")
                .status();
            assert_ne!(status, StatusCode::TOO_MANY_REQUESTS, "{path} #{n}");
        }
        let limited = send("203.0.113.1".to_owned()).await.expect("sent");
        assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS, "{path}");
        assert!(limited.headers().contains_key("retry-after"));
    }
    // Another address is not affected.
    assert_eq!(
        login_status(&app, "bea@example.org", "guess").await,
        StatusCode::UNAUTHORIZED
    );
}
