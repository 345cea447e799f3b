//! Renewals charged off-session through Stripe, against localstripe: once per period, declines
//! into the grace period, and the whole journey of issue 10 with each movement counted.

use crate::dto::{self};
use crate::helpers::{Session, TestApp};
use crate::refunds::{approved, asked};
use crate::stripe_support::{
    hub_token, paid_with_stripe, spawn_stripe_app_with, subscription, LocalStripe,
};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

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
