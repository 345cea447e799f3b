//! Paying with Stripe, end to end against localstripe: the SPA's confirmation of the
//! PaymentIntent is made in localstripe, whose signed webhooks reach the app.
//!
//! Where localstripe lacks what Stripe has, `tests/localstripe_launcher.py` patches it (see its
//! docstring); what it cannot do is said at the test that would need it.

use crate::dto::{self};
use crate::helpers::{problem, spawn_app};
use crate::stripe_support::{
    confirm, hub_token, paid_with_stripe, spawn_stripe_app, stripe_checkout, subscription,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

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
