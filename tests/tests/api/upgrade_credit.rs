//! The upgrade credit (DOMAIN.md "Plans and entitlements": moving from Practitioner to PRO credits
//! the unused part of the paid period to the first PRO payment) is consumed, like a refund:
//!
//! - a refund quote or approval of the Practitioner payment subtracts what was credited from it,
//!   from the moment the PRO checkout is created (its credit is frozen while it can be paid) until
//!   that checkout lapses unpaid, when the credit comes back;
//! - a refund request made before the upgrade is approved at its frozen quote less the credit
//!   given since; when the credit took it all, approving is refused (409 `refund-credited`) and
//!   the host rejects it, or approves once the checkout has lapsed;
//! - a refund approved first ends the Practitioner subscription, so a later upgrade gets no
//!   credit;
//! - upgrade and approval lock the payment, so run concurrently they never both count the same
//!   days;
//! - an upgrade whose credit covers the PRO price is active at once, with an invoice showing the
//!   price, the credit applied and 0 paid.

use crate::dto::{self, RefundRequest, Subscription};
use crate::helpers::{problem, spawn_app, Session, TestApp};
use crate::refunds::{ask, asked, quote};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

/// A member with a paid yearly Practitioner subscription and an approved PRO application, 73 days
/// into the year; returns the member signed in again and the subscription.
async fn practitioner_73_days_in(app: &TestApp) -> (Session, Subscription) {
    let member = app.member().await;
    app.approve_pro_application(&member.user_id).await;
    let practitioner = app.subscribed(&member, "practitioner", "yearly").await;
    app.clock.advance(Duration::days(73));
    (app.relogin(&member).await, practitioner)
}

async fn decide(app: &TestApp, host: &Session, request: &str, decision: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/admin/refund-requests/{request}/decision"),
        Some(&host.access_token),
        &json!({"decision": decision}),
    )
    .await
}

#[tokio::test]
async fn upgrade_credit_is_consumed_so_a_refund_after_the_upgrade_never_pays_the_months_again() {
    let app = spawn_app().await;
    let (member, practitioner) = practitioner_73_days_in(&app).await;
    let before = quote(&app, &member, &practitioner).await;
    assert!(before.refundable.amount > 0, "{before:?}");

    let pro = app.checkout(&member, "pro", "yearly").await;
    let credit = pro.credit_applied.amount;
    assert!(credit > before.refundable.amount, "{pro:?}");
    let paid = app.pay(&pro.checkout_id, pro.amount_due.amount).await;
    assert_eq!(paid.status(), StatusCode::OK);
    assert_eq!(
        app.subscription(&member, &practitioner.id).await.status,
        "cancelled"
    );

    let after = quote(&app, &member, &practitioner).await;
    assert_eq!(after.refundable.amount, 0, "{after:?}");
    assert!(after.explanation.contains("credited"), "{after:?}");
    let refused = ask(&app, &member, &practitioner).await;
    assert_eq!(
        problem(refused, StatusCode::CONFLICT).await.kind,
        "nothing-refundable"
    );
    assert_eq!(app.payments.refunds_paid(), (0, 0));
}

#[tokio::test]
async fn upgrade_credit_frozen_by_a_pending_checkout_is_consumed_until_the_checkout_lapses() {
    let app = spawn_app().await;
    let (member, practitioner) = practitioner_73_days_in(&app).await;
    let before = quote(&app, &member, &practitioner).await;
    let pro = app.checkout(&member, "pro", "yearly").await;
    assert!(pro.credit_applied.amount > 0, "{pro:?}");

    let pending = quote(&app, &member, &practitioner).await;
    assert_eq!(pending.refundable.amount, 0, "{pending:?}");
    let refused = ask(&app, &member, &practitioner).await;
    assert_eq!(
        problem(refused, StatusCode::CONFLICT).await.kind,
        "nothing-refundable"
    );

    // The checkout's hold runs out unpaid: the credit is given back to the Practitioner payment.
    app.clock.advance(Duration::minutes(31));
    app.run_jobs().await;
    let member = app.relogin(&member).await;
    assert_eq!(app.subscription(&member, &pro.id).await.status, "expired");
    let lapsed = quote(&app, &member, &practitioner).await;
    assert_eq!(lapsed.refundable, before.refundable, "{lapsed:?}");
}

#[tokio::test]
async fn upgrade_credit_given_after_a_refund_request_is_seen_by_the_approval_in_both_orders() {
    let app = spawn_app().await;
    let host = app.as_host().await;

    // Request, then upgrade (credit frozen), then approval: the credit took the months the
    // request quoted, so approving is refused and nothing is paid.
    let (member, practitioner) = practitioner_73_days_in(&app).await;
    let host = app.relogin(&host).await;
    let request = asked(&app, &member, &practitioner).await;
    assert!(request.quote.refundable.amount > 0, "{request:?}");
    let pro = app.checkout(&member, "pro", "yearly").await;
    assert!(pro.credit_applied.amount > 0, "{pro:?}");
    let refused = decide(&app, &host, &request.id, "approve").await;
    assert_eq!(
        problem(refused, StatusCode::CONFLICT).await.kind,
        "refund-credited"
    );
    assert_eq!(app.payments.refunds_paid(), (0, 0));
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM refunds").await, 0);
    // Once the checkout lapses unpaid, the credit is back and the frozen quote is paid.
    app.clock.advance(Duration::minutes(31));
    app.run_jobs().await;
    let host = app.relogin(&host).await;
    let approved: RefundRequest = dto::json_with(
        decide(&app, &host, &request.id, "approve").await,
        StatusCode::OK,
    )
    .await;
    let refund = approved.refund.expect("an approved request has a refund");
    assert_eq!(refund.amount, request.quote.refundable);

    // The other order: a refund approved first ends the Practitioner subscription, so the
    // upgrade that follows carries no credit and the member pays the full PRO price.
    let (other, other_practitioner) = practitioner_73_days_in(&app).await;
    let host = app.relogin(&host).await;
    let request = asked(&app, &other, &other_practitioner).await;
    let approved: RefundRequest = dto::json_with(
        decide(&app, &host, &request.id, "approve").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        approved.refund.map(|r| r.amount),
        Some(request.quote.refundable.clone())
    );
    let pro = app.checkout(&other, "pro", "yearly").await;
    assert_eq!(pro.credit_applied.amount, 0, "{pro:?}");
    assert_eq!(pro.amount_due, pro.period_price);
}

#[tokio::test]
async fn upgrade_and_refund_approval_fired_concurrently_never_both_count_the_same_days() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let mut members = Vec::new();
    for _ in 0..6 {
        let member = app.member().await;
        app.approve_pro_application(&member.user_id).await;
        let practitioner = app.subscribed(&member, "practitioner", "yearly").await;
        members.push((member, practitioner));
    }
    app.clock.advance(Duration::days(73));
    let host = app.relogin(&host).await;
    let mut requests = Vec::new();
    for (member, practitioner) in &members {
        let member = app.relogin(member).await;
        let request = asked(&app, &member, practitioner).await;
        requests.push((member, request));
    }

    let races = requests.iter().map(|(member, request)| async {
        let (upgrade, approval) = tokio::join!(
            app.subscribe(member, "pro", "yearly", "regular"),
            decide(&app, &host, &request.id, "approve"),
        );
        let upgrade: Subscription = dto::json_with(upgrade, StatusCode::CREATED).await;
        let refunded = match approval.status() {
            StatusCode::OK => {
                let decided: RefundRequest = dto::json_with(approval, StatusCode::OK).await;
                decided.refund.map(|r| r.amount.amount).unwrap_or(0)
            }
            _ => {
                let problem = problem(approval, StatusCode::CONFLICT).await;
                assert_eq!(problem.kind, "refund-credited");
                0
            }
        };
        (request.quote.refundable.amount, upgrade, refunded)
    });
    for (quoted, upgrade, refunded) in futures_util::future::join_all(races).await {
        let credit = upgrade.credit_applied.amount;
        assert!(
            (refunded == quoted && credit == 0) || (refunded == 0 && credit > 0),
            "the same days counted twice or lost: refunded {refunded} of {quoted}, credit {credit}"
        );
    }
}

#[tokio::test]
async fn upgrade_whose_credit_covers_the_price_activates_at_once_with_an_invoice_showing_the_credit(
) {
    let app = spawn_app().await;
    let member = app.member().await;
    app.approve_pro_application(&member.user_id).await;
    let practitioner = app.subscribed(&member, "practitioner", "yearly").await;
    let member = app.relogin(&member).await;

    // A year of Practitioner (25000) covers a month of PRO (4900): nothing is due.
    let response = app.subscribe(&member, "pro", "monthly", "regular").await;
    let pro: Subscription = dto::json_with(response, StatusCode::CREATED).await;
    assert_eq!(pro.status, "active", "{pro:?}");
    assert_eq!(pro.amount_due.amount, 0);
    assert_eq!(pro.credit_applied.amount, 4900);
    assert_eq!(pro.hold_expires_at, None);
    let (start, end) = (
        pro.current_period_start.expect("a paid period"),
        pro.current_period_end.expect("a paid period"),
    );
    assert!((end - start).num_days() >= 28, "{pro:?}");
    assert!(app.granted(&member, "pro-lounge").await);
    assert_eq!(
        app.subscription(&member, &practitioner.id).await.status,
        "cancelled"
    );

    let invoices = app.invoices(&member).await;
    assert_eq!(invoices.len(), 2, "{invoices:?}");
    let invoice = invoices
        .iter()
        .find(|i| i.credit_applied.amount > 0)
        .expect("the PRO invoice");
    assert_eq!(invoice.price.amount, 4900);
    assert_eq!(invoice.credit_applied.amount, 4900);
    assert_eq!(invoice.amount.amount, 0);
    assert!(invoice.description.contains("credited"), "{invoice:?}");
    let receipts = app.mail_bodies("receipt").await;
    assert!(
        receipts.iter().any(|b| b.contains("credited")),
        "{receipts:?}"
    );

    // Only the credit actually applied is consumed: the rest of the year stays refundable.
    let left = quote(&app, &member, &practitioner).await;
    assert_eq!(left.full_months, Some(12));
    assert_eq!(left.refundable.amount, 25000 - 9900 - 4900, "{left:?}");
}
