//! The e-course is an entitlement, not access by plan (DOMAIN.md "Learning"): the first paid
//! yearly subscription grants it for good, cancelling or a refund with the e-course deduction
//! keeps it, a refund of the whole payment takes it back, and monthly plans never grant it.

use crate::courses::{get_ok, published_course, put_json};
use crate::helpers::{problem, spawn_app, Session, TestApp};
use crate::questions::json;
use crate::refunds::{approved, asked};
use praxis_domain::payments::{ProviderRefund, RefundState};
use praxis_domain::{Currency, Money};
use reqwest::StatusCode;
use serde_json::json;

/// The sources of the member's entitlements that hold, oldest first.
pub async fn sources(app: &TestApp, member: &Session) -> Vec<String> {
    get_ok(app, member, "/api/v1/me/entitlements").await["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["source"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_yearly_practitioner_who_cancels_and_is_refunded_with_the_deduction_still_opens_lesson_3_and_keeps_progress(
) {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let built = published_course(&app, &host, 3).await;
    let sub = app.subscribed(&member, "practitioner", "yearly").await;
    assert_eq!(sources(&app, &member).await, vec!["subscription"]);
    let third = format!("/api/v1/lessons/{}", built.lessons[2]);
    json(
        put_json(
            &app,
            &member,
            &format!("{third}/progress"),
            json!({"position_seconds": 90}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    let cancelled = app.cancel(&member, &sub.id).await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    let request = asked(&app, &member, &sub).await;
    let decided = approved(&app, &host, &request.id).await;
    assert_eq!(decided.status, "approved");
    assert!(!app.granted(&member, "practitioner-lounge").await);

    let lesson = get_ok(&app, &member, &third).await;
    assert_eq!(lesson["body"], "Text of lesson 3");
    assert_eq!(lesson["progress"]["position_seconds"], 90);
    assert_eq!(sources(&app, &member).await, vec!["subscription"]);
}

#[tokio::test]
async fn a_monthly_practitioner_does_not_have_the_e_course() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let built = published_course(&app, &host, 1).await;
    app.subscribed(&member, "practitioner", "monthly").await;
    assert!(sources(&app, &member).await.is_empty());
    let refused = problem(
        app.get(
            &format!("/api/v1/lessons/{}", built.lessons[0]),
            Some(&member.access_token),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(refused.kind, "entitlement-required");
}

#[tokio::test]
async fn a_yearly_pro_subscription_grants_the_e_course_too_and_me_lists_it_with_its_source() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    published_course(&app, &host, 1).await;
    app.approve_pro_application(&member.user_id).await;
    app.subscribed(&member, "pro", "yearly").await;
    assert_eq!(sources(&app, &member).await, vec!["subscription"]);
    let me = get_ok(&app, &member, "/api/v1/me").await;
    assert_eq!(me["entitlements"][0]["source"], "subscription");
}

#[tokio::test]
async fn a_refund_of_the_whole_payment_removes_the_e_course() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let built = published_course(&app, &host, 1).await;
    let sub = app.subscribed(&member, "practitioner", "yearly").await;
    let lesson = format!("/api/v1/lessons/{}", built.lessons[0]);
    get_ok(&app, &member, &lesson).await;

    // The whole payment is refunded at the provider (e.g. from its dashboard), and the
    // provider reports it.
    let whole = ProviderRefund {
        reference: "re_whole".to_owned(),
        amount: Money {
            cents: sub.amount_due.amount,
            currency: Currency::parse("currency", &sub.amount_due.currency).expect("currency"),
        },
        state: RefundState::Succeeded,
        refund_id: None,
    };
    let checkout = sub.checkout_id.clone();
    let now = app.state.now();
    app.state
        .write(move |c| {
            praxis_app::billing::payouts::reconcile(c, "evt_whole_refund", &checkout, &[whole], now)
        })
        .await
        .expect("reconcile");

    assert!(sources(&app, &member).await.is_empty());
    let refused = problem(
        app.get(&lesson, Some(&member.access_token)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(refused.kind, "entitlement-required");
}
