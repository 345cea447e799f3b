//! Currency comes from the plan (DOMAIN.md: "Money is integer minor units with an ISO currency"):
//! the checkout sent to the provider, the payment, the invoice, the receipt, the refund quote,
//! the refund and its mail are all in the plan's currency, never a hard-coded EUR.

use crate::dto::Subscription;
use crate::helpers::{problem, spawn_app};
use crate::refunds::{asked, quote};
use reqwest::StatusCode;

#[tokio::test]
async fn currency_comes_from_the_plan_in_checkout_invoice_refund_and_mail() {
    let app = spawn_app().await;
    app.set_plan_currency("practitioner", "CHF").await;
    let member = app.member().await;
    let host = app.as_host().await;

    let pending = app.checkout(&member, "practitioner", "yearly").await;
    assert_eq!(pending.amount_due.currency, "CHF");
    assert_eq!(pending.period_price.currency, "CHF");
    assert!(
        pending.checkout_url.ends_with("currency=CHF"),
        "the provider is asked for CHF: {}",
        pending.checkout_url
    );
    let in_euros = app.pay(&pending.checkout_id, 25000).await;
    problem(in_euros, StatusCode::UNPROCESSABLE_ENTITY).await;
    let paid = app.pay_in(&pending.checkout_id, 25000, "CHF").await;
    assert_eq!(paid.status(), StatusCode::OK);

    let invoices = app.invoices(&member).await;
    assert_eq!(invoices.len(), 1);
    for money in [
        &invoices[0].price,
        &invoices[0].amount,
        &invoices[0].credit_applied,
        &invoices[0].refunded,
    ] {
        assert_eq!(money.currency, "CHF", "{invoices:?}");
    }
    let receipts = app.mail_bodies("receipt").await;
    assert!(receipts[0].contains("250.00 CHF"), "{receipts:?}");

    let sub = Subscription {
        status: "active".into(),
        ..pending
    };
    let member = app.relogin(&member).await;
    let quoted = quote(&app, &member, &sub).await;
    assert_eq!(quoted.refundable.currency, "CHF");
    assert_eq!(quoted.deduction.map(|d| d.currency).as_deref(), Some("CHF"));
    let request = asked(&app, &member, &sub).await;
    assert_eq!(request.quote.refundable.currency, "CHF");
    let approved = crate::refunds::approved(&app, &host, &request.id).await;
    let refund = approved.refund.expect("an approved request has a refund");
    assert_eq!(refund.amount.currency, "CHF");
    let decisions = app.mail_bodies("refund_decision").await;
    assert!(
        decisions[0].contains(&format!(
            "{}.{:02} CHF",
            refund.amount.amount / 100,
            refund.amount.amount % 100
        )),
        "{decisions:?}"
    );
}

#[tokio::test]
async fn upgrade_credit_is_never_carried_across_currencies() {
    let app = spawn_app().await;
    app.set_plan_currency("practitioner", "CHF").await;
    let member = app.member().await;
    app.approve_pro_application(&member.user_id).await;
    let practitioner = app.subscribed(&member, "practitioner", "yearly").await;
    assert_eq!(practitioner.period_price.currency, "CHF");
    let refused = app.subscribe(&member, "pro", "yearly", "regular").await;
    assert_eq!(
        problem(refused, StatusCode::CONFLICT).await.kind,
        "upgrade-currency-mismatch"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM subscriptions WHERE plan_slug = 'pro'")
            .await,
        0
    );
}
