//! Paying with Stripe, end to end against localstripe: the SPA's confirmation of the
//! PaymentIntent is made in localstripe, whose signed webhooks reach the app.
//!
//! Where localstripe lacks what Stripe has, `tests/localstripe_launcher.py` patches it (see its
//! docstring); what it cannot do is said at the test that would need it.

use crate::dto::{self, HubSession, Page, Refund, Subscription};
use crate::helpers::{problem, spawn_app, Session, TestApp};
use crate::refunds::{approved, asked};
use crate::stripe_support::{spawn_stripe_app, spawn_stripe_app_with, LocalStripe};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Subscribes to the monthly Practitioner plan and answers the pending subscription, its
/// PaymentIntent's id and the raw answer.
async fn stripe_checkout(app: &TestApp, member: &Session) -> (Subscription, String) {
    let pending = app.checkout(member, "practitioner", "monthly").await;
    let intent = pending.checkout_id.clone();
    (pending, intent)
}

/// What the SPA does with Stripe Elements: confirms the PaymentIntent with a card.
async fn confirm(stripe: &LocalStripe, intent: &str, card: &str) -> (u16, Value) {
    stripe
        .post(
            &format!("/v1/payment_intents/{intent}/confirm"),
            &[("payment_method", card)],
        )
        .await
}

async fn subscription(app: &TestApp, member: &Session, id: &str) -> Subscription {
    dto::json_with(
        app.get(
            &format!("/api/v1/subscriptions/{id}"),
            Some(&member.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

/// Subscribes, pays with `pm_card_visa` in localstripe and waits for Stripe's webhook to
/// activate the subscription.
async fn paid_with_stripe(
    app: &TestApp,
    stripe: &LocalStripe,
    member: &Session,
) -> (Subscription, String) {
    let (pending, intent) = stripe_checkout(app, member).await;
    let (status, confirmed) = confirm(stripe, &intent, "pm_card_visa").await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["status"], "succeeded", "{confirmed}");
    let id = pending.id.clone();
    app.eventually("the payment_intent.succeeded webhook", || async {
        subscription(app, member, &id).await.status == "active"
    })
    .await;
    (subscription(app, member, &pending.id).await, intent)
}

async fn hub_token(app: &TestApp, member: &Session) -> String {
    app.deliver_mail().await;
    let token = crate::hub::emailed_token(app, &member.email).await;
    let hub: HubSession =
        dto::json_with(crate::hub::open_session(app, &token).await, StatusCode::OK).await;
    hub.hub_token
}

#[tokio::test]
async fn a_stripe_checkout_is_a_payment_intent_the_spa_confirms_with_its_client_secret() {
    let (app, stripe) = spawn_stripe_app().await;
    let member = app.member().await;
    let (pending, intent) = stripe_checkout(&app, &member).await;
    assert!(intent.starts_with("pi_"), "{intent}");
    let payment = pending.payment.clone().expect("a payment block");
    assert_eq!(payment.provider, "stripe");
    assert_eq!(payment.publishable_key.as_deref(), Some("pk_test_praxis"));
    let secret = payment.client_secret.expect("a client secret");
    assert!(secret.starts_with(&format!("{intent}_secret_")), "{secret}");
    // Read again (the SPA reloads), the pending subscription still carries its client secret.
    let again = subscription(&app, &member, &pending.id).await;
    assert_eq!(again.payment.and_then(|p| p.client_secret), Some(secret));

    // The PaymentIntent at Stripe: the plan's amount and currency, saved for renewals, our ids
    // in its metadata, paid by the member's customer.
    let at_stripe = stripe.get(&format!("/v1/payment_intents/{intent}")).await;
    assert_eq!(at_stripe["amount"], pending.amount_due.amount);
    assert_eq!(at_stripe["currency"], "eur");
    assert_eq!(at_stripe["setup_future_usage"], "off_session");
    assert_eq!(at_stripe["metadata"]["praxis_subscription_id"], pending.id);
    assert_eq!(at_stripe["metadata"]["praxis_purpose"], "checkout");
    let customer = at_stripe["customer"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(customer.starts_with("cus_"), "{at_stripe}");
    let at_stripe_customer = stripe.get(&format!("/v1/customers/{customer}")).await;
    assert_eq!(at_stripe_customer["email"], member.email.as_str());
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM payment_customers WHERE provider = 'stripe'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_member_who_pays_with_stripe_is_activated_invoiced_and_mailed_a_receipt() {
    let (app, stripe) = spawn_stripe_app().await;
    let member = app.member().await;
    let (active, intent) = paid_with_stripe(&app, &stripe, &member).await;
    assert_eq!(active.status, "active");
    assert!(app.granted(&member, "practitioner-lounge").await);
    assert_eq!(
        active
            .payment
            .as_ref()
            .and_then(|p| p.client_secret.clone()),
        None,
        "a paid checkout gives no client secret any more"
    );
    assert_eq!(app.mail_bodies("receipt").await.len(), 1);
    let invoices = app.invoices(&member).await;
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0].amount, active.amount_due);
    assert!(invoices[0].number.ends_with("-000001"), "{:?}", invoices[0]);
    // The payment keeps the PaymentIntent: refunds are made on it.
    let db = app.state.db.clone();
    let kept = tokio::task::spawn_blocking(move || {
        use diesel::prelude::*;
        use praxis_persistence::schema::payments as p;
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        p::table
            .select(p::provider_payment_id)
            .load::<Option<String>>(&mut *conn)
            .unwrap_or_else(|e| panic!("{e}"))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kept, vec![Some(intent)]);
}

#[tokio::test]
async fn a_replayed_stripe_event_or_a_new_event_for_a_paid_intent_changes_nothing() {
    let (app, stripe) = spawn_stripe_app().await;
    let member = app.member().await;
    let (_, intent) = paid_with_stripe(&app, &stripe, &member).await;
    let events = stripe
        .get("/v1/events?type=payment_intent.succeeded&limit=10")
        .await;
    let event = events["data"][0].clone();
    assert_eq!(event["data"]["object"]["id"], intent.as_str(), "{events}");
    let replayed = app.stripe_event(&event).await;
    let body: Value = dto::json_with(replayed, StatusCode::OK).await;
    assert_eq!(body["status"], "duplicate");
    // Stripe may also report one payment in two events: the PaymentIntent is applied once.
    let mut another = event.clone();
    another["id"] = json!("evt_another_delivery");
    let body: Value = dto::json_with(app.stripe_event(&another).await, StatusCode::OK).await;
    assert_eq!(body["status"], "duplicate");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM payments").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM invoices").await, 1);
    assert_eq!(app.mail_bodies("receipt").await.len(), 1);
}

#[tokio::test]
async fn a_stripe_payment_of_another_amount_or_currency_is_refused_with_422_and_changes_nothing() {
    let (app, _stripe) = spawn_stripe_app().await;
    let member = app.member().await;
    let (pending, intent) = stripe_checkout(&app, &member).await;
    let due = pending.amount_due.amount;
    let event = |amount: i64, currency: &str| {
        json!({"id": "evt_amount", "type": "payment_intent.succeeded", "data": {"object": {
            "id": intent, "object": "payment_intent", "amount": amount, "amount_received": amount,
            "currency": currency, "status": "succeeded",
            "metadata": {"praxis_purpose": "checkout", "praxis_subscription_id": pending.id}}}})
    };
    for (amount, currency) in [(due - 1, "eur"), (due, "usd")] {
        let refused = app.stripe_event(&event(amount, currency)).await;
        problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    assert_eq!(
        subscription(&app, &member, &pending.id).await.status,
        "pending_payment"
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM payments").await, 0);
    // Nothing was kept, the event id included: the corrected event is applied.
    let body: Value =
        dto::json_with(app.stripe_event(&event(due, "eur")).await, StatusCode::OK).await;
    assert_eq!(body["status"], "processed");
    assert_eq!(
        subscription(&app, &member, &pending.id).await.status,
        "active"
    );
}

#[tokio::test]
async fn a_declined_stripe_checkout_stays_pending_and_the_failure_is_audited() {
    let (app, stripe) = spawn_stripe_app().await;
    let member = app.member().await;
    let (pending, intent) = stripe_checkout(&app, &member).await;
    let (status, declined) = confirm(&stripe, &intent, "pm_card_chargeCustomerFail").await;
    assert_eq!(status, 402, "{declined}");
    app.eventually("the payment_intent.payment_failed webhook", || async {
        app.count(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'subscription.payment_failed'",
        )
        .await
            == 1
    })
    .await;
    let still = subscription(&app, &member, &pending.id).await;
    assert_eq!(still.status, "pending_payment");
    assert!(
        still.payment.and_then(|p| p.client_secret).is_some(),
        "the member can try another card"
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM payments").await, 0);
}

#[tokio::test]
async fn twenty_concurrent_approvals_create_exactly_one_refund_at_stripe() {
    let (app, stripe) = spawn_stripe_app().await;
    let member = app.member().await;
    let host = app.as_host().await;
    let (active, intent) = paid_with_stripe(&app, &stripe, &member).await;
    let request = asked(&app, &member, &active).await;
    let path = format!("/api/v1/admin/refund-requests/{}/decision", request.id);
    let body = json!({"decision": "approve"});
    let approvals = (0..20).map(|_| app.post(&path, Some(&host.access_token), &body));
    let answers = futures_util::future::join_all(approvals).await;
    assert!(answers.iter().all(|r| r.status() == StatusCode::OK));
    let decided = approved(&app, &host, &request.id).await;
    let refund = decided.refund.expect("a refund");
    let at_stripe = stripe.refunds_of(&intent).await;
    assert_eq!(at_stripe.len(), 1, "{at_stripe:?}");
    assert_eq!(at_stripe[0]["amount"], active.amount_due.amount);
    assert_eq!(
        at_stripe[0]["metadata"]["praxis_refund_id"],
        refund.id.as_str()
    );
    assert_eq!(refund.status, "succeeded");
    assert_eq!(refund.request_id, request.id);
    assert_eq!(
        refund.provider_reference.as_deref(),
        at_stripe[0]["id"].as_str()
    );

    // Stripe's charge.refunded for our own refund, and the periodic retry, change nothing.
    app.eventually("the charge.refunded webhook", || async {
        app.count("SELECT COUNT(*) AS n FROM webhook_events WHERE event_type = 'charge.refunded'")
            .await
            == 1
    })
    .await;
    app.run_jobs().await;
    assert_eq!(stripe.refunds_of(&intent).await.len(), 1);
    assert_eq!(
        app.count("SELECT CAST(COALESCE(SUM(refunded_cents), 0) AS BIGINT) AS n FROM payments")
            .await,
        active.amount_due.amount
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM provider_refunds")
            .await,
        0
    );
    let listed: Page<Refund> = dto::json_with(
        app.get(
            "/api/v1/admin/refunds?status=succeeded",
            Some(&host.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].id, refund.id);
    let retried = app
        .post(
            &format!("/api/v1/admin/refunds/{}/retry", refund.id),
            Some(&host.access_token),
            &json!({}),
        )
        .await;
    assert_eq!(
        problem(retried, StatusCode::CONFLICT).await.kind,
        "refund-not-failed"
    );
}

#[tokio::test]
async fn a_refund_made_from_stripes_dashboard_is_recorded_and_nothing_is_refunded_past_what_was_paid(
) {
    let (app, stripe) = spawn_stripe_app().await;
    let member = app.member().await;
    let host = app.as_host().await;
    let (active, intent) = paid_with_stripe(&app, &stripe, &member).await;
    let paid = active.amount_due.amount;
    // Someone refunds part of the payment from Stripe's dashboard.
    let (status, outside) = stripe
        .post(
            "/v1/refunds",
            &[("payment_intent", &intent), ("amount", "1000")],
        )
        .await;
    assert_eq!(status, 200, "{outside}");
    app.eventually("the charge.refunded webhook", || async {
        app.count("SELECT COUNT(*) AS n FROM provider_refunds")
            .await
            == 1
    })
    .await;
    let invoices = app.invoices(&member).await;
    assert_eq!(invoices[0].refunded.amount, 1000);

    // The member's refund then pays at most what remains.
    let request = asked(&app, &member, &active).await;
    assert!(
        request.quote.refundable.amount <= paid - 1000,
        "{request:?}"
    );
    let decided = approved(&app, &host, &request.id).await;
    let refund = decided.refund.expect("a refund");
    assert_eq!(refund.status, "succeeded");
    app.eventually("both charge.refunded webhooks", || async {
        app.count("SELECT COUNT(*) AS n FROM webhook_events WHERE event_type = 'charge.refunded'")
            .await
            == 2
    })
    .await;
    let total: i64 = stripe
        .refunds_of(&intent)
        .await
        .iter()
        .map(|r| r["amount"].as_i64().unwrap_or_default())
        .sum();
    assert!(total <= paid, "{total} refunded of {paid}");
    assert_eq!(
        app.count("SELECT CAST(COALESCE(SUM(refunded_cents), 0) AS BIGINT) AS n FROM payments")
            .await,
        total
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM provider_refunds")
            .await,
        1
    );
}

#[tokio::test]
async fn a_refund_stripe_refuses_is_failed_with_its_reason_and_never_paid_past_the_payment() {
    let (app, stripe) = spawn_stripe_app().await;
    let member = app.member().await;
    let host = app.as_host().await;
    let (active, intent) = paid_with_stripe(&app, &stripe, &member).await;
    let paid = active.amount_due.amount;
    let request = asked(&app, &member, &active).await;
    assert_eq!(request.quote.refundable.amount, paid);
    // A dashboard refund whose webhook has not reached Praxis yet when the host approves.
    stripe.register_webhook("http://127.0.0.1:9/lost").await;
    let (status, outside) = stripe
        .post(
            "/v1/refunds",
            &[("payment_intent", &intent), ("amount", "1000")],
        )
        .await;
    assert_eq!(status, 200, "{outside}");
    let decided = approved(&app, &host, &request.id).await;
    let refund = decided.refund.expect("a refund");
    assert_eq!(refund.status, "failed");
    let reason = refund.failure_reason.clone().unwrap_or_default();
    assert!(
        reason.contains("greater than unrefunded amount"),
        "{reason}"
    );
    assert_eq!(stripe.refunds_of(&intent).await.len(), 1);
    let failed: Page<Refund> = dto::json_with(
        app.get(
            "/api/v1/admin/refunds?status=failed",
            Some(&host.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(failed.items.len(), 1);
    assert_eq!(
        failed.items[0].failure_reason.as_deref(),
        Some(reason.as_str())
    );
    assert_eq!(
        app.count("SELECT CAST(COALESCE(SUM(refunded_cents), 0) AS BIGINT) AS n FROM payments")
            .await,
        0,
        "a failed refund counts nothing against the payment"
    );

    // The dashboard refund's event arrives late: recorded, and the retry would now refund past
    // what was paid, so it is refused and nothing moves.
    let late = stripe.latest_event("charge.refunded").await;
    let body: Value = dto::json_with(app.stripe_event(&late).await, StatusCode::OK).await;
    assert_eq!(body["status"], "processed", "{late}");
    let retried = app
        .post(
            &format!("/api/v1/admin/refunds/{}/retry", refund.id),
            Some(&host.access_token),
            &json!({}),
        )
        .await;
    assert_eq!(
        problem(retried, StatusCode::CONFLICT).await.kind,
        "refund-exceeds-payment"
    );
    assert_eq!(stripe.refunds_of(&intent).await.len(), 1);
    assert_eq!(
        app.count("SELECT CAST(COALESCE(SUM(refunded_cents), 0) AS BIGINT) AS n FROM payments")
            .await,
        1000
    );
}

#[tokio::test]
async fn the_hub_shows_the_card_stripe_saved_and_a_new_card_replaces_it() {
    let (app, stripe) = spawn_stripe_app().await;
    let member = app.member().await;
    paid_with_stripe(&app, &stripe, &member).await;
    let hub = hub_token(&app, &member).await;
    let card: Value = dto::json_with(
        app.get("/api/v1/hub/payment-method", Some(&hub)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        card,
        json!({"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030})
    );
    let setup: Value = dto::json_with(
        app.post("/api/v1/hub/payment-method/setup", Some(&hub), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let secret = setup["client_secret"].as_str().unwrap_or_default();
    let setup_intent = secret.split("_secret_").next().unwrap_or_default();
    assert!(setup_intent.starts_with("seti_"), "{setup}");
    // The SPA confirms the SetupIntent with the new card (localstripe knows few test cards by
    // name, so the card is created first; it calls every card brand `visa`).
    let (_, new_card) = stripe
        .post(
            "/v1/payment_methods",
            &[
                ("type", "card"),
                ("card[number]", "5555555555554444"),
                ("card[exp_month]", "3"),
                ("card[exp_year]", "2031"),
                ("card[cvc]", "123"),
            ],
        )
        .await;
    let new_card = new_card["id"].as_str().unwrap_or_default().to_owned();
    let (status, confirmed) = stripe
        .post(
            &format!("/v1/setup_intents/{setup_intent}/confirm"),
            &[("payment_method", &new_card)],
        )
        .await;
    assert_eq!(status, 200, "{confirmed}");
    let card: Value = dto::json_with(
        app.get("/api/v1/hub/payment-method", Some(&hub)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(card["last4"], "4444");
    assert_eq!(card["exp_year"], 2031);
}

#[tokio::test]
async fn the_hub_has_no_card_for_a_member_who_never_paid() {
    let (app, _stripe) = spawn_stripe_app().await;
    let member = app.member().await;
    let hub = hub_token(&app, &member).await;
    problem(
        app.get("/api/v1/hub/payment-method", Some(&hub)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.post("/api/v1/hub/payment-method/setup", Some(&hub), &json!({}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn stripe_events_need_a_valid_signature_and_unknown_types_are_acknowledged() {
    let (app, _stripe) = spawn_stripe_app().await;
    let event =
        json!({"id": "evt_other", "type": "customer.created", "data": {"object": {"id": "cus_1"}}});
    let body: Value = dto::json_with(app.stripe_event(&event).await, StatusCode::OK).await;
    assert_eq!(body["status"], "ignored");
    let forged = app
        .client
        .post(app.url("/api/v1/payments/stripe/webhook"))
        .header("content-type", "application/json")
        .header(
            "Stripe-Signature",
            praxis_api::payments::signature::sign(
                b"whsec_not_ours",
                app.clock_now(),
                event.to_string().as_bytes(),
            ),
        )
        .body(event.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        problem(forged, StatusCode::UNAUTHORIZED).await.kind,
        "invalid-signature"
    );
}

#[tokio::test]
async fn stripe_signatures_are_timed_by_the_real_clock_not_the_apps_injected_one() {
    let (app, _stripe) = spawn_stripe_app().await;
    let event =
        json!({"id": "evt_clock", "type": "customer.created", "data": {"object": {"id": "cus_1"}}});
    // The app's clock moved on a month (a development clock): Stripe's events still pass.
    app.clock.advance(chrono::Duration::days(31));
    let body: Value = dto::json_with(app.stripe_event(&event).await, StatusCode::OK).await;
    assert_eq!(body["status"], "ignored");
    let stale = app
        .stripe_event_at(&event, chrono::Utc::now().timestamp() - 301)
        .await;
    assert_eq!(
        problem(stale, StatusCode::UNAUTHORIZED).await.kind,
        "invalid-signature"
    );
}

#[tokio::test]
async fn the_stripe_webhook_is_not_found_with_the_local_provider() {
    let app = spawn_app().await;
    let signed = app
        .stripe_event(&json!({"id": "evt_1", "type": "ping"}))
        .await;
    problem(signed, StatusCode::NOT_FOUND).await;
    // Unsigned, it is refused as unsigned whichever provider is configured.
    let unsigned = app
        .post("/api/v1/payments/stripe/webhook", None, &json!({}))
        .await;
    assert_eq!(
        problem(unsigned, StatusCode::UNAUTHORIZED).await.kind,
        "invalid-signature"
    );
}

#[tokio::test]
async fn the_local_provider_answers_a_checkout_url_and_refunds_list_by_status() {
    let app = spawn_app().await;
    let member = app.member().await;
    let host = app.as_host().await;
    let pending = app.checkout(&member, "practitioner", "monthly").await;
    let payment = pending.payment.clone().expect("a payment block");
    assert_eq!(payment.provider, "local");
    assert!(payment.checkout_url.is_some());
    assert_eq!(payment.client_secret, None);
    problem(
        app.get(
            "/api/v1/admin/refunds?status=lost",
            Some(&host.access_token),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    problem(
        app.get("/api/v1/admin/refunds", Some(&member.access_token))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        app.post(
            "/api/v1/admin/refunds/not-an-id/retry",
            Some(&host.access_token),
            &json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

/// Counts rows of `webhook_events` of one kind.
async fn events_of(app: &TestApp, kind: &'static str) -> i64 {
    match kind {
        "renewal.succeeded" => {
            app.count(
                "SELECT COUNT(*) AS n FROM webhook_events WHERE event_type = 'renewal.succeeded'",
            )
            .await
        }
        _ => {
            app.count(
                "SELECT COUNT(*) AS n FROM webhook_events WHERE event_type = 'renewal.failed'",
            )
            .await
        }
    }
}

#[tokio::test]
async fn a_stripe_renewal_is_charged_off_session_to_the_saved_card_once_per_period() {
    let (app, stripe) = spawn_stripe_app_with(|c| c.dev_clock = true).await;
    let member = app.member().await;
    let (active, checkout) = paid_with_stripe(&app, &stripe, &member).await;
    let end = active.period_end();
    app.dev_clock_to(end - Duration::hours(2)).await;
    let member = app.relogin(&member).await;

    let renewals = stripe.renewals_of(&active.id).await;
    assert_eq!(renewals.len(), 1, "{renewals:?}");
    let paid_checkout = stripe.get(&format!("/v1/payment_intents/{checkout}")).await;
    assert_eq!(renewals[0]["status"], "succeeded");
    assert_eq!(renewals[0]["amount"], active.period_price.amount);
    assert_eq!(renewals[0]["customer"], paid_checkout["customer"]);
    assert_eq!(
        renewals[0]["payment_method"], paid_checkout["payment_method"],
        "the card saved at checkout"
    );
    let renewed = subscription(&app, &member, &active.id).await;
    assert_eq!(renewed.status, "active");
    assert!(
        renewed.period_end() >= end + Duration::days(28),
        "{renewed:?}"
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM invoices").await, 2);
    assert_eq!(app.mail_bodies("receipt").await.len(), 2);

    // Stripe's payment_intent.succeeded for the renewal arrives after the job recorded it.
    app.eventually("the renewal's webhook", || async {
        events_of(&app, "renewal.succeeded").await == 1
    })
    .await;
    app.dev_clock_to(end - Duration::hours(1)).await;
    assert_eq!(stripe.renewals_of(&active.id).await.len(), 1);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM payments").await, 2);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM invoices").await, 2);
}

#[tokio::test]
async fn a_declined_stripe_renewal_is_past_due_retried_then_expired_and_its_seat_freed() {
    let (app, stripe) = spawn_stripe_app_with(|c| c.dev_clock = true).await;
    let admin = app.as_admin().await;
    app.set_seat_limit(&admin, "practitioner", 1).await;
    let member = app.member().await;
    let (active, _) = paid_with_stripe(&app, &stripe, &member).await;
    // The member puts a card on file that Stripe will decline (it saves, charges fail).
    put_card_on_file(&app, &stripe, &member, "pm_card_chargeCustomerFail").await;
    let waiting = app.member().await;
    assert_eq!(
        app.join_waitlist(&waiting, "practitioner").await.status(),
        StatusCode::CREATED
    );
    let end = active.period_end();

    app.dev_clock_to(end - Duration::hours(2)).await;
    let mut member = app.relogin(&member).await;
    assert_eq!(
        subscription(&app, &member, &active.id).await.status,
        "past_due"
    );
    for (day, charges) in [(1, 2), (3, 3), (5, 4)] {
        app.dev_clock_to(end + Duration::days(day) + Duration::minutes(1))
            .await;
        member = app.relogin(&member).await;
        assert_eq!(
            stripe.renewals_of(&active.id).await.len(),
            charges,
            "charges by day {day}"
        );
        assert_eq!(
            subscription(&app, &member, &active.id).await.status,
            "past_due"
        );
    }
    let renewals = stripe.renewals_of(&active.id).await;
    assert!(
        renewals
            .iter()
            .all(|pi| pi["status"] == "requires_payment_method"),
        "{renewals:?}"
    );
    // Stripe's payment_intent.payment_failed for each decline changes nothing more.
    app.eventually("the declines' webhooks", || async {
        events_of(&app, "renewal.failed").await == 4
    })
    .await;
    assert_eq!(app.mail_bodies("renewal_failed").await.len(), 4);

    app.dev_clock_to(end + Duration::days(7) + Duration::minutes(1))
        .await;
    let member = app.relogin(&member).await;
    assert!(!app.granted(&member, "practitioner-lounge").await);
    assert_eq!(
        subscription(&app, &member, &active.id).await.status,
        "expired"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'waitlist_offer'")
            .await,
        1,
        "the freed seat is offered to the waitlist"
    );
    assert_eq!(stripe.renewals_of(&active.id).await.len(), 4);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM payments").await, 1);
}

/// The member confirms, in the SPA, a SetupIntent from the hub with `card`: the new card
/// renewals are charged to.
async fn put_card_on_file(app: &TestApp, stripe: &LocalStripe, member: &Session, card: &str) {
    let hub = hub_token(app, member).await;
    let setup: Value = dto::json_with(
        app.post("/api/v1/hub/payment-method/setup", Some(&hub), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let setup_intent = setup["client_secret"]
        .as_str()
        .and_then(|s| s.split("_secret_").next())
        .unwrap_or_default()
        .to_owned();
    let (status, saved) = stripe
        .post(
            &format!("/v1/setup_intents/{setup_intent}/confirm"),
            &[("payment_method", card)],
        )
        .await;
    assert_eq!(status, 200, "{saved}");
}

/// The whole journey of issue 10's acceptance, with every money movement counted at Stripe.
#[tokio::test]
async fn a_member_pays_renews_fails_a_renewal_recovers_with_a_new_card_cancels_and_is_refunded_each_movement_once_at_stripe(
) {
    let (app, stripe) = spawn_stripe_app_with(|c| c.dev_clock = true).await;
    let host = app.as_host().await;
    let member = app.member().await;
    let (active, checkout) = paid_with_stripe(&app, &stripe, &member).await;

    // Renewed off-session to the card saved at checkout.
    let first_end = active.period_end();
    app.dev_clock_to(first_end - Duration::hours(2)).await;
    let member = app.relogin(&member).await;
    let renewed = subscription(&app, &member, &active.id).await;
    assert_eq!(renewed.status, "active");
    let second_end = renewed.period_end();
    assert!(second_end > first_end, "{renewed:?}");
    assert_eq!(stripe.renewals_of(&active.id).await.len(), 1);

    // A card that declines is put on file: the next renewal fails and grace begins.
    put_card_on_file(&app, &stripe, &member, "pm_card_chargeCustomerFail").await;
    app.dev_clock_to(second_end - Duration::hours(2)).await;
    let member = app.relogin(&member).await;
    assert_eq!(
        subscription(&app, &member, &active.id).await.status,
        "past_due"
    );
    assert_eq!(stripe.renewals_of(&active.id).await.len(), 2);
    assert!(app.granted(&member, "practitioner-lounge").await);

    // The member recovers by putting a good card on file; the day-one retry charges it.
    let (_, good_card) = stripe
        .post(
            "/v1/payment_methods",
            &[
                ("type", "card"),
                ("card[number]", "4242424242424242"),
                ("card[exp_month]", "8"),
                ("card[exp_year]", "2032"),
                ("card[cvc]", "123"),
            ],
        )
        .await;
    let good_card = good_card["id"].as_str().unwrap_or_default().to_owned();
    put_card_on_file(&app, &stripe, &member, &good_card).await;
    app.dev_clock_to(second_end + Duration::days(1) + Duration::minutes(1))
        .await;
    let member = app.relogin(&member).await;
    let recovered = subscription(&app, &member, &active.id).await;
    assert_eq!(recovered.status, "active", "{recovered:?}");
    assert!(recovered.period_end() > second_end, "{recovered:?}");
    let renewals = stripe.renewals_of(&active.id).await;
    assert_eq!(renewals.len(), 3, "{renewals:?}");
    let succeeded = renewals
        .iter()
        .filter(|pi| pi["status"] == "succeeded")
        .count();
    assert_eq!(succeeded, 2, "{renewals:?}");

    // Cancels (no renewal at the period's end) and asks for a refund, which a host approves.
    let cancelled = app
        .patch(
            &format!("/api/v1/subscriptions/{}", active.id),
            Some(&member.access_token),
            &json!({"auto_renew": false}),
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    let request = asked(&app, &member, &recovered).await;
    let host = app.relogin(&host).await;
    let decided = approved(&app, &host, &request.id).await;
    let refund = decided.refund.expect("a refund");
    app.eventually("the charge.refunded webhook", || async {
        app.count("SELECT COUNT(*) AS n FROM webhook_events WHERE event_type = 'charge.refunded'")
            .await
            == 1
    })
    .await;
    app.run_jobs().await;

    // Each movement once at Stripe: one checkout, three renewal attempts (two paid), one refund
    // of the quoted amount on one of the paid intents.
    let mut intents = vec![checkout];
    intents.extend(
        renewals
            .iter()
            .filter_map(|pi| pi["id"].as_str().map(str::to_owned)),
    );
    let mut refunds = Vec::new();
    for intent in &intents {
        refunds.extend(stripe.refunds_of(intent).await);
    }
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    assert_eq!(refunds[0]["amount"], request.quote.refundable.amount);
    assert_eq!(
        refund.provider_reference.as_deref(),
        refunds[0]["id"].as_str()
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM payments").await, 3);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM invoices").await, 3);
    assert_eq!(stripe.renewals_of(&active.id).await.len(), 3);
}
