//! Refunds paid through Stripe, against localstripe: each approval moves money once, dashboard
//! refunds are reconciled, and a refund Stripe refuses is failed with its reason.

use crate::dto::{self, Page, Refund};
use crate::helpers::problem;
use crate::refunds::{approved, asked};
use crate::stripe_support::{paid_with_stripe, spawn_stripe_app};
use reqwest::StatusCode;
use serde_json::{json, Value};

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
    assert_eq!(refund.request_id.as_deref(), Some(request.id.as_str()));
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
