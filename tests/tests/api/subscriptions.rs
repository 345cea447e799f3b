//! Subscriptions, limited places, the waitlist and payments (DOMAIN.md "Plans and
//! entitlements", "Subscriptions, payments, invoices").

use crate::billing_helpers::payment_event;
use crate::dto::{self, Assistance, Money, Page, Plan, RefundQuote, Subscription, WebhookReply};
use crate::helpers::{problem, spawn_app, spawn_app_with, WEBHOOK_SECRET};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn eur(amount: i64) -> Money {
    Money {
        amount,
        currency: "EUR".to_owned(),
    }
}

async fn webhook_reply(response: reqwest::Response) -> WebhookReply {
    dto::json_with(response, StatusCode::OK).await
}

#[tokio::test]
async fn payment_activates_subscription_for_one_calendar_month_and_opens_the_lounge() {
    let app = spawn_app().await;
    let member = app.member().await;
    assert!(!app.granted(&member, "practitioner-lounge").await);
    let pending = app.checkout(&member, "practitioner", "monthly").await;
    assert_eq!(pending.status, "pending_payment");
    assert_eq!(pending.amount_due, eur(2500));
    assert!(pending.checkout_id.starts_with("chk_"), "{pending:?}");
    let paid = app.pay(&pending.checkout_id, 2500).await;
    let paid = webhook_reply(paid).await;
    assert_eq!(paid.status, "processed");
    assert!(
        paid.invoice_number
            .as_deref()
            .is_some_and(|n| n.ends_with("-000001")),
        "{paid:?}"
    );
    let sub: Subscription = dto::json_with(
        app.get(
            &format!("/api/v1/subscriptions/{}", &pending.id),
            Some(&member.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(sub.status, "active");
    let (start, end) = (
        sub.current_period_start.expect("current_period_start"),
        sub.current_period_end.expect("current_period_end"),
    );
    assert_eq!(praxis_domain::calendar::add_months(start, 1), end);
    assert!(app.granted(&member, "practitioner-lounge").await);
    assert!(!app.granted(&member, "pro-lounge").await);
    let plans: Page<Plan> =
        dto::json_with(app.get("/api/v1/plans", None).await, StatusCode::OK).await;
    let practitioner = plans
        .items
        .iter()
        .find(|p| p.slug == "practitioner")
        .expect("the Practitioner plan is listed");
    let limit = practitioner
        .seat_limit
        .expect("the Practitioner plan has a seat limit");
    assert_eq!(practitioner.seats_left, Some(limit - 1));
}

#[tokio::test]
async fn yearly_subscription_runs_twelve_calendar_months_and_renewal_extends_it() {
    let app = spawn_app().await;
    let member = app.member().await;
    let sub = app.subscribed(&member, "practitioner", "yearly").await;
    let (start, end) = (
        sub.current_period_start.expect("current_period_start"),
        sub.current_period_end.expect("current_period_end"),
    );
    assert_eq!(praxis_domain::calendar::add_months(start, 12), end);
    // A second payment event for the same checkout is the same money again, not a renewal:
    // renewals are charged by the renewal job (tests/api/renewals.rs).
    let again = webhook_reply(app.pay(&sub.checkout_id, 25000).await).await;
    assert_eq!(again.status, "duplicate", "{again:?}");
    app.clock.set(end - Duration::hours(1));
    app.run_jobs().await;
    assert_eq!(app.invoices(&member).await.len(), 2);
    let member = app.relogin(&member).await;
    let renewed: Subscription = dto::json_with(
        app.get(
            &format!("/api/v1/subscriptions/{}", &sub.id),
            Some(&member.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        renewed.current_period_start.expect("current_period_start"),
        end
    );
    assert_eq!(
        renewed.current_period_end.expect("current_period_end"),
        praxis_domain::calendar::add_months(end, 12)
    );
}

#[tokio::test]
async fn replayed_webhook_creates_one_payment_and_one_invoice() {
    let app = spawn_app().await;
    let member = app.member().await;
    let pending = app.checkout(&member, "practitioner", "monthly").await;
    let event = payment_event("evt_replayed", &pending.checkout_id, 2500);
    let first = webhook_reply(app.webhook(&event).await).await;
    assert_eq!(first.status, "processed");
    for _ in 0..3 {
        let again = webhook_reply(app.webhook(&event).await).await;
        assert_eq!(again.status, "duplicate");
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM invoices").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM payments").await, 1);
}

#[tokio::test]
async fn bad_signature_and_stale_timestamp_are_401_and_change_nothing() {
    let app = spawn_app().await;
    let member = app.member().await;
    let pending = app.checkout(&member, "practitioner", "monthly").await;
    let event = payment_event("evt_1", &pending.checkout_id, 2500);
    let wrong_secret = app
        .webhook_signed(&event, app.clock_now(), "not-the-secret")
        .await;
    assert_eq!(
        problem(wrong_secret, StatusCode::UNAUTHORIZED).await.kind,
        "invalid-signature"
    );
    let stale = app
        .webhook_signed(&event, app.clock_now() - 301, WEBHOOK_SECRET)
        .await;
    problem(stale, StatusCode::UNAUTHORIZED).await;
    let unsigned = app.post("/api/v1/payments/webhook", None, &event).await;
    problem(unsigned, StatusCode::UNAUTHORIZED).await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM payments").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM webhook_events").await,
        0
    );
    let sub: Subscription = dto::json_with(
        app.get(
            &format!("/api/v1/subscriptions/{}", &pending.id),
            Some(&member.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(sub.status, "pending_payment");
    // The same event, correctly signed within tolerance, still applies.
    let fine = app
        .webhook_signed(&event, app.clock_now() - 299, WEBHOOK_SECRET)
        .await;
    assert_eq!(fine.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_checkout_or_wrong_amount_is_422_and_changes_nothing() {
    let app = spawn_app().await;
    let member = app.member().await;
    let pending = app.checkout(&member, "practitioner", "monthly").await;
    let checkout = &pending.checkout_id;
    problem(
        app.webhook(&payment_event("evt_a", "chk_unknown", 2500))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    problem(
        app.webhook(&payment_event("evt_b", checkout, 2499)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let wrong_currency = json!({"id": "evt_c", "type": "payment.succeeded", "data": {"checkout_id": checkout, "amount": 2500, "currency": "USD"}});
    problem(
        app.webhook(&wrong_currency).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM payments").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM webhook_events").await,
        0
    );
    let ignored = app
        .webhook(&json!({"id": "evt_d", "type": "customer.updated", "data": {}}))
        .await;
    assert_eq!(webhook_reply(ignored).await.status, "ignored");
}

#[tokio::test]
async fn webhook_data_of_the_wrong_shape_is_a_422_naming_the_field_without_rust_types() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"checkout_id": "chk_x", "amount": "lots", "currency": "EUR"}),
            "data.amount",
        ),
        (
            json!({"checkout_id": "chk_x", "currency": "EUR"}),
            "data.amount",
        ),
        (json!("not an object"), "data"),
    ];
    for (i, (data, field)) in cases.into_iter().enumerate() {
        let event =
            json!({"id": format!("evt_shape_{i}"), "type": "payment.succeeded", "data": data});
        let response = app.webhook(&event).await;
        let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(body.fields(), vec![field], "{body}");
        let text = body.to_string();
        for rust in ["PaymentData", "i64", "struct", "::"] {
            assert!(!text.contains(rust), "{rust:?} in {text}");
        }
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM webhook_events").await,
        0
    );
}

#[tokio::test]
async fn pro_requires_an_approved_application() {
    let app = spawn_app().await;
    let member = app.member().await;
    let refused = app.subscribe(&member, "pro", "monthly", "regular").await;
    assert_eq!(
        problem(refused, StatusCode::FORBIDDEN).await.kind,
        "application-required"
    );
    app.approve_pro_application(&member.user_id).await;
    app.subscribed(&member, "pro", "monthly").await;
    assert!(app.granted(&member, "pro-lounge").await);
    assert!(
        app.granted(&member, "practitioner-lounge").await,
        "PRO includes the Practitioner Lounge"
    );
}

#[tokio::test]
async fn one_paid_subscription_per_member() {
    let app = spawn_app().await;
    let member = app.member().await;
    let pending = app.checkout(&member, "practitioner", "monthly").await;
    let twice = app
        .subscribe(&member, "practitioner", "yearly", "regular")
        .await;
    assert_eq!(
        problem(twice, StatusCode::CONFLICT).await.kind,
        "checkout-pending"
    );
    let paid = app.pay(&pending.checkout_id, 2500).await;
    assert_eq!(paid.status(), StatusCode::OK);
    let again = app
        .subscribe(&member, "practitioner", "monthly", "supporter")
        .await;
    assert_eq!(
        problem(again, StatusCode::CONFLICT).await.kind,
        "already-subscribed"
    );
    let lobby = app.subscribe(&member, "lobby", "monthly", "regular").await;
    problem(lobby, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[tokio::test]
async fn moving_from_practitioner_to_pro_credits_unused_days_and_ends_practitioner() {
    let app = spawn_app().await;
    let member = app.member().await;
    app.approve_pro_application(&member.user_id).await;
    let practitioner = app.subscribed(&member, "practitioner", "yearly").await;
    app.clock.advance(Duration::days(73));
    let member = app.relogin(&member).await;
    let pro = app.checkout(&member, "pro", "yearly").await;
    let (start, end) = (
        practitioner
            .current_period_start
            .expect("current_period_start"),
        practitioner.current_period_end.expect("current_period_end"),
    );
    let total_days = (end - start).num_days();
    let unused = (end - (start + Duration::days(73))).num_days();
    let credit = 25000 * unused / total_days;
    assert_eq!(pro.credit_applied.amount, credit);
    assert_eq!(pro.amount_due.amount, 49000 - credit);
    // Until PRO is paid the Practitioner subscription keeps running.
    assert!(app.granted(&member, "practitioner-lounge").await);
    let paid = app.pay(&pro.checkout_id, 49000 - credit).await;
    assert_eq!(paid.status(), StatusCode::OK);
    let old: Subscription = dto::json_with(
        app.get(
            &format!("/api/v1/subscriptions/{}", &practitioner.id),
            Some(&member.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(old.status, "cancelled");
    assert!(app.granted(&member, "pro-lounge").await);
}

#[tokio::test]
async fn cancelling_pro_closes_both_lounges_on_the_next_request() {
    let app = spawn_app().await;
    let member = app.member().await;
    app.approve_pro_application(&member.user_id).await;
    let sub = app.subscribed(&member, "pro", "monthly").await;
    assert!(app.granted(&member, "pro-lounge").await);
    let cancelled = app
        .post(
            &format!("/api/v1/subscriptions/{}/cancel", &sub.id),
            Some(&member.access_token),
            &json!({}),
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    assert!(!app.granted(&member, "pro-lounge").await);
    assert!(!app.granted(&member, "practitioner-lounge").await);
    let twice = app
        .post(
            &format!("/api/v1/subscriptions/{}/cancel", &sub.id),
            Some(&member.access_token),
            &json!({}),
        )
        .await;
    problem(twice, StatusCode::CONFLICT).await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'cancellation'")
            .await,
        1
    );
}

#[tokio::test]
async fn another_members_subscription_is_404() {
    let app = spawn_app().await;
    let (owner, other) = (app.member().await, app.member().await);
    let sub = app.checkout(&owner, "practitioner", "monthly").await;
    let id = &sub.id;
    problem(
        app.get(
            &format!("/api/v1/subscriptions/{id}"),
            Some(&other.access_token),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.post(
            &format!("/api/v1/subscriptions/{id}/cancel"),
            Some(&other.access_token),
            &json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn an_unpaid_period_expires_access_at_read_time_and_in_the_sweep() {
    let app = spawn_app().await;
    let member = app.member().await;
    let sub = app.subscribed(&member, "practitioner", "monthly").await;
    // Not renewing: an auto-renewing subscription is charged by the job instead of lapsing.
    let off = app
        .patch(
            &format!("/api/v1/subscriptions/{}", sub.id),
            Some(&member.access_token),
            &json!({"auto_renew": false}),
        )
        .await;
    assert_eq!(off.status(), StatusCode::OK);
    app.clock
        .set(sub.current_period_end.expect("current_period_end") + Duration::seconds(1));
    let member = app.relogin(&member).await;
    assert!(!app.granted(&member, "practitioner-lounge").await);
    let read: Subscription = dto::json_with(
        app.get(
            &format!("/api/v1/subscriptions/{}", &sub.id),
            Some(&member.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read.status, "expired");
    app.run_jobs().await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM subscriptions WHERE status = 'expired'")
            .await,
        1
    );
    // A renewal payment after expiry is refused: the provider must refund it.
    let late = app.pay(&sub.checkout_id, 2500).await;
    problem(late, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn idempotency_key_replays_the_first_answer_and_refuses_another_body() {
    let app = spawn_app_with(|_| {}).await;
    let member = app.member().await;
    let send = |body: Value| {
        app.client
            .post(app.url("/api/v1/subscriptions"))
            .bearer_auth(&member.access_token)
            .header("Idempotency-Key", "key-1")
            .json(&body)
            .send()
    };
    let body =
        json!({"plan": "practitioner", "billing_period": "monthly", "price_version": "regular"});
    let first = send(body.clone()).await.unwrap_or_else(|e| panic!("{e}"));
    let first: Subscription = dto::json_with(first, StatusCode::CREATED).await;
    let again = send(body.clone()).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        again
            .headers()
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let again: Subscription = dto::json_with(again, StatusCode::CREATED).await;
    assert_eq!(again.id, first.id);
    assert_eq!(again.checkout_id, first.checkout_id);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM subscriptions").await,
        1
    );
    let other = send(
        json!({"plan": "practitioner", "billing_period": "yearly", "price_version": "regular"}),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    problem(other, StatusCode::UNPROCESSABLE_ENTITY).await;
    // Keys are kept 24 hours.
    app.clock.advance(Duration::hours(25));
    app.run_jobs().await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM idempotency_keys")
            .await,
        0
    );
}

#[tokio::test]
async fn subscription_changes_are_audited() {
    let app = spawn_app().await;
    let member = app.member().await;
    app.subscribed(&member, "practitioner", "monthly").await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'subscription.created'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'subscription.activated'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_granted_assistance_price_is_used_by_the_next_checkout_and_refunded_as_paid() {
    let app = spawn_app().await;
    let member = app.member().await;
    let host = app.as_host().await;
    let asked = app
        .post(
            "/api/v1/price-assistance-requests",
            Some(&member.access_token),
            &json!({"plan": "practitioner", "billing_period": "yearly", "message": "I am a student.", "proposed_amount": {"amount": 12000, "currency": "EUR"}}),
        )
        .await;
    let asked: Assistance = dto::json_with(asked, StatusCode::CREATED).await;
    let granted = app
        .post(
            &format!("/api/v1/admin/price-assistance-requests/{}/decision", &asked.id),
            Some(&host.access_token),
            &json!({"decision": "grant", "amount": {"amount": 15000, "currency": "EUR"}, "note": "Welcome!"}),
        )
        .await;
    let granted: Assistance = dto::json_with(granted, StatusCode::OK).await;
    assert_eq!(granted.status, "granted");
    let pending = app.checkout(&member, "practitioner", "yearly").await;
    assert_eq!(pending.amount_due.amount, 15000);
    let paid = app.pay(&pending.checkout_id, 15000).await;
    assert_eq!(paid.status(), StatusCode::OK);
    let quote: RefundQuote = dto::json_with(
        app.get(
            &format!("/api/v1/subscriptions/{}/refund-quote", pending.id),
            Some(&member.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(quote.refundable.amount, 15000 - 9900);
}

#[tokio::test]
async fn requests_of_an_account_deleted_meanwhile_never_answer_500() {
    use diesel::RunQueryDsl;
    let app = spawn_app().await;
    let member = app.member().await;
    let db = app.state.db.clone();
    let id = member.user_id.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        diesel::sql_query(format!("DELETE FROM users WHERE id = '{id}'"))
            .execute(&mut *conn)
            .unwrap_or_else(|e| panic!("{e}"));
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let token = Some(member.access_token.as_str());
    for response in [
        app.subscribe(&member, "practitioner", "monthly", "regular")
            .await,
        app.get("/api/v1/me", token).await,
        app.patch("/api/v1/me", token, &json!({"locale": "es"}))
            .await,
        app.post("/api/v1/plans/practitioner/waitlist", token, &json!({}))
            .await,
    ] {
        assert!(response.status().is_client_error(), "{}", response.status());
    }
}

#[tokio::test]
async fn invoice_numbers_are_gapless_and_unique_per_year_under_concurrent_payments() {
    let app = spawn_app().await;
    let mut checkouts = Vec::new();
    for _ in 0..10 {
        let member = app.member().await;
        let pending = app.checkout(&member, "practitioner", "monthly").await;
        checkouts.push(pending.checkout_id.clone());
    }
    let payments = checkouts.iter().map(|c| app.pay(c, 2500));
    let responses = futures_util::future::join_all(payments).await;
    let mut numbers = Vec::new();
    for response in responses {
        let body = webhook_reply(response).await;
        numbers.push(body.invoice_number.expect("an invoice number"));
    }
    numbers.sort();
    let year = app.clock_now_utc().format("%Y").to_string();
    let expected: Vec<String> = (1..=10).map(|n| format!("{year}-{n:06}")).collect();
    assert_eq!(numbers, expected);
}

/// Rule: a key whose request died before answering is in use only for the lease
/// (`PRAXIS_IDEMPOTENCY_LEASE_SECS`); then a retry takes it over and finishes the subscription
/// the dead request had started, rather than starting another.
#[tokio::test]
async fn a_key_left_unanswered_is_taken_over_after_its_lease_and_finishes_the_same_start() {
    use diesel::{ExpressionMethods, RunQueryDsl};
    use praxis_persistence::schema::idempotency_keys as k;
    let app = spawn_app_with(|c| c.idempotency_lease = std::time::Duration::from_secs(30)).await;
    let member = app.member().await;
    let send = || {
        app.client
            .post(app.url("/api/v1/subscriptions"))
            .bearer_auth(&member.access_token)
            .header("Idempotency-Key", "cut-off")
            .json(&json!({"plan": "practitioner", "billing_period": "monthly", "price_version": "regular"}))
            .send()
    };
    let first = send().await.unwrap_or_else(|e| panic!("{e}"));
    let first: Subscription = dto::json_with(first, StatusCode::CREATED).await;
    // As a crash would leave it: the start committed, its answer never stored, the lease running.
    let (db, until) = (
        app.state.db.clone(),
        praxis_persistence::to_db_time(app.state.now() + Duration::seconds(30)),
    );
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        diesel::update(k::table)
            .set((
                k::status_code.eq(None::<i32>),
                k::response_body.eq(None::<String>),
                k::locked_until.eq(until),
            ))
            .execute(&mut *conn)
            .unwrap_or_else(|e| panic!("{e}"));
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let busy = send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        problem(busy, StatusCode::CONFLICT).await.kind,
        "idempotency-key-in-use"
    );
    app.clock.advance(Duration::seconds(31));
    let retried = send().await.unwrap_or_else(|e| panic!("{e}"));
    let retried: Subscription = dto::json_with(retried, StatusCode::CREATED).await;
    assert_eq!(retried.id, first.id, "the retry finishes the same start");
    assert_eq!(retried.checkout_id, first.checkout_id);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM subscriptions").await,
        1
    );
    let replayed = send().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(replayed.headers().get("idempotent-replayed").is_some());
}
