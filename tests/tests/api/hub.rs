//! The customer hub: magic links by email, hub sessions, billing address and invoices.

use crate::dto::{self, BillingAddress, HubSession, Invoice, Me, Money, Page};
use crate::helpers::{problem, spawn_app, spawn_app_with, TestApp};
use crate::mail_support::{message_text, SmtpSink};
use chrono::{Duration, NaiveDateTime, Utc};
use diesel::{ExpressionMethods, RunQueryDsl};
use praxis_persistence::invoices::{self, InvoiceRow};
use praxis_persistence::schema::{payments, subscriptions};
use praxis_persistence::to_db_time;
use reqwest::{Method, StatusCode};
use secrecy::SecretString;
use serde_json::{json, Value};

/// The token in a magic-link message: the end of the line holding `/hub?token=`.
pub fn magic_link_token(message: &str) -> Option<String> {
    message_text(message)
        .lines()
        .find_map(|l| l.trim_end().split_once("/hub?token="))
        .map(|(_, token)| token.trim().to_owned())
}

pub async fn ask_link(app: &TestApp, email: &str) -> reqwest::Response {
    app.post("/api/v1/hub/magic-link", None, &json!({"email": email}))
        .await
}

/// Registers `email`, asks for a link, delivers it to the mail directory and returns its token.
pub async fn emailed_token(app: &TestApp, email: &str) -> String {
    assert_eq!(ask_link(app, email).await.status(), StatusCode::ACCEPTED);
    assert_eq!(app.deliver_mail().await, 1);
    let files = app.mail_files();
    let message = files.last().cloned().expect("the magic-link message");
    magic_link_token(&message).unwrap_or_else(|| panic!("no link in {message}"))
}

pub async fn open_session(app: &TestApp, token: &str) -> reqwest::Response {
    app.post("/api/v1/hub/sessions", None, &json!({"token": token}))
        .await
}

/// A member signed in to the hub: (user id, hub token).
pub async fn hub_member(app: &TestApp) -> (String, String) {
    let session = app.member().await;
    let me: Me = dto::json_with(
        app.get("/api/v1/me", Some(&session.access_token)).await,
        StatusCode::OK,
    )
    .await;
    let token = emailed_token(app, &me.email).await;
    let body: HubSession = dto::json_with(open_session(app, &token).await, StatusCode::OK).await;
    assert!(!body.hub_token.is_empty(), "{body:?}");
    (session.user_id, body.hub_token)
}

#[tokio::test]
async fn magic_link_answers_the_same_for_unknown_email_and_sends_nothing() {
    let app = spawn_app().await;
    app.register("ana@example.org").await;
    let unknown = ask_link(&app, "nobody@example.org").await;
    assert_eq!(unknown.status(), StatusCode::ACCEPTED);
    let unknown: Value = unknown.json().await.expect("a JSON body");
    assert!(app.outbox_for("nobody@example.org").await.is_empty());
    assert_eq!(app.outbox_count().await, 0);
    assert_eq!(app.deliver_mail().await, 0);
    assert!(app.mail_files().is_empty());

    let known = ask_link(&app, "Ana@Example.org").await;
    assert_eq!(known.status(), StatusCode::ACCEPTED);
    let known: Value = known.json().await.expect("a JSON body");
    assert_eq!(known, unknown);
    assert_eq!(app.outbox_for("ana@example.org").await.len(), 1);
}

#[tokio::test]
async fn magic_link_is_mailed_over_smtp_and_works_only_once() {
    let sink = SmtpSink::start();
    let app = spawn_app_with(|c| {
        c.smtp_url = Some(SecretString::from(sink.url()));
        c.public_url = "https://praxis.example".to_owned();
    })
    .await;
    app.register("ana@example.org").await;
    assert_eq!(
        ask_link(&app, "ana@example.org").await.status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(app.deliver_mail().await, 1);
    let messages = sink.wait_for(1).await;
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert!(message.contains("To: ana@example.org"), "{message}");
    assert!(
        message_text(message).contains("https://praxis.example/hub?token="),
        "{message}"
    );
    let token = magic_link_token(message).expect("a link in the message");
    let rows = app.outbox_for("ana@example.org").await;
    assert!(rows[0].sent_at.is_some());
    assert_eq!(rows[0].kind, "magic_link");

    let first = open_session(&app, &token).await;
    let body: HubSession = dto::json_with(first, StatusCode::OK).await;
    assert_eq!(body.expires_in, 1800);
    assert_eq!(body.token_type, "Bearer");
    let again = problem(open_session(&app, &token).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(again.kind, "invalid-magic-link");
}

#[tokio::test]
async fn magic_link_expires_after_15_minutes() {
    let app = spawn_app().await;
    app.register("ana@example.org").await;
    let token = emailed_token(&app, "ana@example.org").await;
    app.clock.advance(Duration::minutes(16));
    let body = problem(open_session(&app, &token).await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(body.kind, "invalid-magic-link");
    let unknown = problem(
        open_session(&app, "not-a-token").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(unknown.kind, "invalid-magic-link");
}

#[tokio::test]
async fn hub_token_is_refused_by_the_api_and_access_token_by_the_hub() {
    let app = spawn_app().await;
    let (_, hub_token) = hub_member(&app).await;
    let session = app.member().await;
    problem(
        app.get("/api/v1/me", Some(&hub_token)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let refused = problem(
        app.get("/api/v1/hub/billing-address", Some(&session.access_token))
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(refused.kind, "invalid-hub-token");
    let missing = problem(
        app.get("/api/v1/hub/invoices", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(missing.kind, "hub-authentication-required");
}

#[tokio::test]
async fn hub_token_expires_after_30_minutes() {
    let app = spawn_app().await;
    let (_, hub_token) = hub_member(&app).await;
    let ok = app.get("/api/v1/hub/invoices", Some(&hub_token)).await;
    assert_eq!(ok.status(), StatusCode::OK);
    app.clock.advance(Duration::minutes(31));
    problem(
        app.get("/api/v1/hub/invoices", Some(&hub_token)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn magic_link_requests_are_rate_limited_per_email_known_or_not() {
    // The suite turns rate limits off by default; this test needs them on.
    let app = spawn_app_with(|c| c.auth_rate_per_minute = 20).await;
    for _ in 0..5 {
        assert_eq!(
            ask_link(&app, "nobody@example.org").await.status(),
            StatusCode::ACCEPTED
        );
    }
    let limited = ask_link(&app, "nobody@example.org").await;
    let retry_after = limited
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .expect("a numeric retry-after");
    assert!(retry_after > 0);
    problem(limited, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(
        ask_link(&app, "other@example.org").await.status(),
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn magic_link_requests_are_rate_limited_per_client_ip() {
    let app = spawn_app_with(|c| c.auth_rate_per_minute = 3).await;
    for n in 0..3 {
        let status = ask_link(&app, &format!("p{n}@example.org")).await.status();
        assert_eq!(status, StatusCode::ACCEPTED);
    }
    problem(
        ask_link(&app, "p9@example.org").await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
}

#[tokio::test]
async fn magic_link_needs_a_well_formed_email() {
    let app = spawn_app().await;
    let body = problem(
        ask_link(&app, "not an email").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(body.fields()[0], "email");
}

fn address() -> Value {
    json!({"name": "Ana Pérez", "line1": "Calle Mayor 1", "line2": "2º B", "city": "Madrid",
           "postal_code": "28013", "region": "Madrid", "country": "es", "vat_id": "ES B1234 5678"})
}

#[tokio::test]
async fn billing_address_is_validated_naming_every_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let (_, hub_token) = hub_member(&app).await;
    let none = problem(
        app.get("/api/v1/hub/billing-address", Some(&hub_token))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(none.kind, "not-found");
    let invalid = json!({"name": "", "line1": "x".repeat(201), "city": "Madrid",
        "postal_code": "123456789012345678901", "country": "XX", "vat_id": "E1"});
    let body = problem(
        app.request(
            Method::PUT,
            "/api/v1/hub/billing-address",
            Some(&hub_token),
            Some(&invalid),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let mut fields = body.fields();
    fields.sort();
    assert_eq!(
        fields,
        vec!["country", "line1", "name", "postal_code", "vat_id"]
    );
    let missing = problem(
        app.request(
            Method::PUT,
            "/api/v1/hub/billing-address",
            Some(&hub_token),
            Some(&json!({"name": "Ana"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(missing.fields()[0], "line1");
    problem(
        app.get("/api/v1/hub/billing-address", Some(&hub_token))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn billing_address_vat_id_with_multi_byte_characters_is_a_422_not_a_dropped_connection() {
    let app = spawn_app().await;
    let (_, hub_token) = hub_member(&app).await;
    let accents = format!("e{}", "\u{0301}".repeat(40));
    for vat_id in ["\u{202e}probe", "\u{10ffff}", accents.as_str()] {
        let address = json!({"name": "Ana", "line1": "Calle Mayor 1", "city": "Madrid",
            "postal_code": "28013", "country": "ES", "vat_id": vat_id});
        let body = problem(
            app.request(
                Method::PUT,
                "/api/v1/hub/billing-address",
                Some(&hub_token),
                Some(&address),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(body.fields(), vec!["vat_id"], "{vat_id:?}");
    }
}

#[tokio::test]
async fn billing_address_round_trips_and_replaces_the_previous_one() {
    let app = spawn_app().await;
    let (_, hub_token) = hub_member(&app).await;
    let put = app
        .request(
            Method::PUT,
            "/api/v1/hub/billing-address",
            Some(&hub_token),
            Some(&address()),
        )
        .await;
    let stored: BillingAddress = dto::json_with(put, StatusCode::OK).await;
    assert_eq!(stored.country, "ES");
    assert_eq!(stored.vat_id.as_deref(), Some("ESB12345678"));
    let got: BillingAddress = dto::json_with(
        app.get("/api/v1/hub/billing-address", Some(&hub_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(got, stored);

    let changed = json!({"name": "Ana Pérez SL", "line1": "Gran Vía 2", "city": "Madrid",
                         "postal_code": "28001", "country": "ES"});
    let put = app
        .request(
            Method::PUT,
            "/api/v1/hub/billing-address",
            Some(&hub_token),
            Some(&changed),
        )
        .await;
    assert_eq!(put.status(), StatusCode::OK);
    let got: Value = dto::json_with(
        app.get("/api/v1/hub/billing-address", Some(&hub_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(got, changed);
}

/// An active subscription with one paid invoice per `issued_at`, newest last.
async fn insert_invoices(
    app: &TestApp,
    user_id: &str,
    issued: Vec<NaiveDateTime>,
    first_number: usize,
) {
    let db = app.state.db.clone();
    let user_id = user_id.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        let now = to_db_time(Utc::now());
        let subscription_id = uuid::Uuid::now_v7().to_string();
        diesel::insert_into(subscriptions::table)
            .values((
                subscriptions::id.eq(&subscription_id),
                subscriptions::user_id.eq(&user_id),
                subscriptions::plan_slug.eq("practitioner"),
                subscriptions::billing_period.eq("monthly"),
                subscriptions::price_version.eq("regular"),
                subscriptions::status.eq("active"),
                subscriptions::currency.eq("EUR"),
                subscriptions::period_price_cents.eq(1500_i64),
                subscriptions::amount_due_cents.eq(1500_i64),
                subscriptions::checkout_id.eq(uuid::Uuid::new_v4().to_string()),
                subscriptions::checkout_url.eq("https://pay.example/checkout"),
                subscriptions::hold_expires_at.eq(now),
                subscriptions::created_at.eq(now),
                subscriptions::updated_at.eq(now),
            ))
            .execute(&mut *conn)
            .unwrap_or_else(|e| panic!("subscription: {e}"));
        for (n, at) in issued.into_iter().enumerate() {
            let payment_id = uuid::Uuid::now_v7().to_string();
            diesel::insert_into(payments::table)
                .values((
                    payments::id.eq(&payment_id),
                    payments::subscription_id.eq(&subscription_id),
                    payments::user_id.eq(&user_id),
                    payments::provider_event_id.eq(uuid::Uuid::new_v4().to_string()),
                    payments::amount_cents.eq(1500_i64),
                    payments::credit_applied_cents.eq(0_i64),
                    payments::currency.eq("EUR"),
                    payments::refunded_cents.eq(if n == 0 { 500_i64 } else { 0 }),
                    payments::paid_at.eq(at),
                    payments::period_start.eq(at),
                    payments::period_end.eq(at + Duration::days(30)),
                ))
                .execute(&mut *conn)
                .unwrap_or_else(|e| panic!("payment: {e}"));
            invoices::insert(
                &mut conn,
                &InvoiceRow {
                    id: uuid::Uuid::now_v7().to_string(),
                    number: format!("2026-{:06}", first_number + n),
                    user_id: user_id.clone(),
                    payment_id,
                    issued_at: at,
                    description: "Practitioner, monthly".to_owned(),
                    amount_cents: 1500,
                    credit_applied_cents: 0,
                    currency: "EUR".to_owned(),
                    billing_address_json: (n == 0).then(|| {
                        r#"{"name":"Ana","line1":"Calle Mayor 1","city":"Madrid","postal_code":"28013","country":"ES"}"#
                            .to_owned()
                    }),
                },
            )
            .unwrap_or_else(|e| panic!("invoice: {e}"));
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn hub_invoices_are_listed_newest_first_in_keyset_pages() {
    let app = spawn_app().await;
    let (user_id, hub_token) = hub_member(&app).await;
    let start = to_db_time(Utc::now() - Duration::days(90));
    let issued = (0..3).map(|n| start + Duration::days(30 * n)).collect();
    insert_invoices(&app, &user_id, issued, 1).await;
    // Someone else's invoice never shows.
    let (other_id, _) = hub_member(&app).await;
    insert_invoices(&app, &other_id, vec![start], 100).await;

    let first: Page<Invoice> = dto::json_with(
        app.get("/api/v1/hub/invoices?limit=2", Some(&hub_token))
            .await,
        StatusCode::OK,
    )
    .await;
    let numbers = |page: &Page<Invoice>| -> Vec<String> {
        page.items.iter().map(|i| i.number.clone()).collect()
    };
    let eur = |amount| Money {
        amount,
        currency: "EUR".to_owned(),
    };
    assert_eq!(numbers(&first), vec!["2026-000003", "2026-000002"]);
    assert_eq!(first.items[0].amount, eur(1500));
    assert!(first.items[0].billing_address.is_none());
    let cursor = first.next_cursor.clone().expect("next_cursor");
    assert!(!cursor.is_empty());

    let second: Page<Invoice> = dto::json_with(
        app.get(
            &format!("/api/v1/hub/invoices?limit=2&cursor={cursor}"),
            Some(&hub_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(numbers(&second), vec!["2026-000001"]);
    assert_eq!(second.next_cursor, None);
    let oldest = &second.items[0];
    assert_eq!(oldest.refunded, eur(500));
    assert_eq!(oldest.credit_applied, eur(0));
    assert_eq!(
        oldest.billing_address.as_ref().map(|a| a.country.as_str()),
        Some("ES")
    );

    let bad = problem(
        app.get("/api/v1/hub/invoices?limit=500", Some(&hub_token))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(bad.fields()[0], "limit");
}
