//! Refunds exactly as DOMAIN.md "Refunds" defines them, through the HTTP API.

use crate::dto::{self, Money, Page, RefundQuote, RefundRequest, Subscription};
use crate::helpers::{problem, spawn_app, Session, TestApp};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

fn eur(amount: i64) -> Money {
    Money {
        amount,
        currency: "EUR".to_owned(),
    }
}

pub async fn quote(app: &TestApp, member: &Session, sub: &Subscription) -> RefundQuote {
    let response = app
        .get(
            &format!("/api/v1/subscriptions/{}/refund-quote", sub.id),
            Some(&member.access_token),
        )
        .await;
    dto::json_with(response, StatusCode::OK).await
}

pub async fn ask(app: &TestApp, member: &Session, sub: &Subscription) -> reqwest::Response {
    app.post(
        "/api/v1/refund-requests",
        Some(&member.access_token),
        &json!({"subscription_id": sub.id, "message": "Please refund what the rules allow."}),
    )
    .await
}

/// Asks for a refund that must be recorded.
pub async fn asked(app: &TestApp, member: &Session, sub: &Subscription) -> RefundRequest {
    let request: RefundRequest =
        dto::json_with(ask(app, member, sub).await, StatusCode::CREATED).await;
    assert_eq!(request.subscription_id, sub.id);
    assert_eq!(request.status, "pending");
    request
}

/// A host approves the request, which must succeed.
pub async fn approved(app: &TestApp, host: &Session, request_id: &str) -> RefundRequest {
    dto::json_with(
        app.post(
            &format!("/api/v1/admin/refund-requests/{request_id}/decision"),
            Some(&host.access_token),
            &json!({"decision": "approve"}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

async fn requests(app: &TestApp, who: &Session, path: &str) -> Vec<RefundRequest> {
    let page: Page<RefundRequest> =
        dto::json_with(app.get(path, Some(&who.access_token)).await, StatusCode::OK).await;
    page.items
}

#[tokio::test]
async fn yearly_refund_quote_is_full_months_times_amount_over_12_minus_the_e_course() {
    let app = spawn_app().await;
    let member = app.member().await;
    let sub = app.subscribed(&member, "practitioner", "yearly").await;
    let fresh = quote(&app, &member, &sub).await;
    assert_eq!(fresh.rule, "yearly_full_months");
    assert_eq!(fresh.full_months, Some(12));
    assert_eq!(fresh.refundable, eur(25000 - 9900));
    app.clock.advance(Duration::days(62));
    let member = app.relogin(&member).await;
    let later = quote(&app, &member, &sub).await;
    let months = i64::from(later.full_months.expect("full months in a yearly quote"));
    assert!((9..=10).contains(&months), "{later:?}");
    assert_eq!(later.deduction, Some(eur(9900)));
    assert_eq!(later.refundable.amount, 25000 * months / 12 - 9900);
    assert!(later.explanation.contains("9900"), "{later:?}");
}

#[tokio::test]
async fn yearly_supporter_refund_is_based_on_what_was_actually_paid() {
    let app = spawn_app().await;
    let member = app.member().await;
    let pending = app
        .subscribe(&member, "practitioner", "yearly", "supporter")
        .await;
    let pending: Subscription = dto::json_with(pending, StatusCode::CREATED).await;
    assert_eq!(pending.amount_due, eur(40000));
    let paid = app.pay(&pending.checkout_id, 40000).await;
    assert_eq!(paid.status(), StatusCode::OK);
    let q = quote(&app, &member, &pending).await;
    assert_eq!(q.refundable.amount, 40000 - 9900);
}

#[tokio::test]
async fn monthly_refund_is_the_whole_payment_within_24_hours_and_nothing_after() {
    let app = spawn_app().await;
    let member = app.member().await;
    let sub = app.subscribed(&member, "practitioner", "monthly").await;
    app.clock.advance(Duration::hours(24));
    let member = app.relogin(&member).await;
    let inside = quote(&app, &member, &sub).await;
    assert_eq!(inside.rule, "monthly_24h");
    assert_eq!(
        inside.refundable,
        eur(2500),
        "exactly 24 hours is still inside"
    );
    app.clock.advance(Duration::seconds(1));
    let outside = quote(&app, &member, &sub).await;
    assert_eq!(outside.refundable.amount, 0);
    let refused = ask(&app, &member, &sub).await;
    assert_eq!(
        problem(refused, StatusCode::CONFLICT).await.kind,
        "nothing-refundable"
    );
}

#[tokio::test]
async fn a_refund_request_freezes_the_quote_and_approval_pays_it_once() {
    let app = spawn_app().await;
    let member = app.member().await;
    let host = app.as_host().await;
    let sub = app.subscribed(&member, "practitioner", "yearly").await;
    let asked = asked(&app, &member, &sub).await;
    assert_eq!(asked.quote.refundable, eur(25000 - 9900));
    let again = ask(&app, &member, &sub).await;
    assert_eq!(
        problem(again, StatusCode::CONFLICT).await.kind,
        "refund-request-pending"
    );

    // Months pass before the host decides: the frozen quote is what gets paid.
    app.clock.advance(Duration::days(100));
    let host = app.relogin(&host).await;
    let list = requests(&app, &host, "/api/v1/admin/refund-requests?status=pending").await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, asked.id);
    assert_eq!(
        list[0].quote.refundable,
        eur(25000 - 9900),
        "the quote is frozen"
    );
    let id = &asked.id;
    let approved = app
        .post(
            &format!("/api/v1/admin/refund-requests/{id}/decision"),
            Some(&host.access_token),
            &json!({"decision": "approve", "note": "Good luck!"}),
        )
        .await;
    let approved: RefundRequest = dto::json_with(approved, StatusCode::OK).await;
    assert_eq!(approved.status, "approved");
    assert_eq!(approved.note.as_deref(), Some("Good luck!"));
    let refund = approved.refund.expect("an approved request has a refund");
    assert_eq!(refund.amount, eur(25000 - 9900));
    assert_eq!(refund.status, "succeeded");
    assert_eq!(app.payments.refunds_paid(), (1, 25000 - 9900));
    // The refunded subscription ends, and the member was told.
    let member = app.relogin(&member).await;
    assert!(!app.granted(&member, "practitioner-lounge").await);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'refund_decision'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'refund_request.approved'")
            .await,
        1
    );
    let rejected = app
        .post(
            &format!("/api/v1/admin/refund-requests/{id}/decision"),
            Some(&host.access_token),
            &json!({"decision": "reject"}),
        )
        .await;
    assert_eq!(
        problem(rejected, StatusCode::CONFLICT).await.kind,
        "already-decided"
    );
    let quote_now = quote(&app, &member, &sub).await;
    assert_eq!(
        quote_now.refundable.amount, 0,
        "the months already refunded are not refunded again"
    );
}

#[tokio::test]
async fn twenty_concurrent_approvals_of_one_refund_request_pay_once() {
    let app = spawn_app().await;
    let member = app.member().await;
    let host = app.as_host().await;
    let sub = app.subscribed(&member, "practitioner", "yearly").await;
    let asked = asked(&app, &member, &sub).await;
    let path = format!("/api/v1/admin/refund-requests/{}/decision", asked.id);
    let body = json!({"decision": "approve"});
    let approvals = (0..20).map(|_| app.post(&path, Some(&host.access_token), &body));
    let responses = futures_util::future::join_all(approvals).await;
    assert!(
        responses.iter().all(|r| r.status() == StatusCode::OK),
        "{:?}",
        responses.iter().map(|r| r.status()).collect::<Vec<_>>()
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM refunds").await, 1);
    assert_eq!(app.payments.refunds_paid(), (1, 25000 - 9900));
    assert_eq!(
        app.count("SELECT CAST(COALESCE(SUM(refunded_cents), 0) AS BIGINT) AS n FROM payments")
            .await,
        25000 - 9900
    );
}

#[tokio::test]
async fn only_hosts_decide_refunds_and_members_see_their_own_requests() {
    let app = spawn_app().await;
    let (member, other) = (app.member().await, app.member().await);
    let sub = app.subscribed(&member, "practitioner", "monthly").await;
    let asked = asked(&app, &member, &sub).await;
    let path = format!("/api/v1/admin/refund-requests/{}/decision", asked.id);
    problem(
        app.post(
            &path,
            Some(&member.access_token),
            &json!({"decision": "approve"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        app.get("/api/v1/admin/refund-requests", Some(&member.access_token))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // Another member cannot quote or ask about this subscription.
    problem(
        app.get(
            &format!("/api/v1/subscriptions/{}/refund-quote", &sub.id),
            Some(&other.access_token),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(ask(&app, &other, &sub).await, StatusCode::NOT_FOUND).await;
    let mine = requests(&app, &member, "/api/v1/refund-requests").await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].id, asked.id);
    let theirs = requests(&app, &other, "/api/v1/refund-requests").await;
    assert!(theirs.is_empty(), "{theirs:?}");
    let host = app.as_host().await;
    problem(
        app.post(
            &path,
            Some(&host.access_token),
            &json!({"decision": "maybe"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let rejected: RefundRequest = dto::json_with(
        app.post(
            &path,
            Some(&host.access_token),
            &json!({"decision": "reject", "note": "Outside the policy."}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rejected.status, "rejected");
    assert!(rejected.refund.is_none(), "{rejected:?}");
    assert_eq!(app.payments.refunds_paid(), (0, 0));
    assert!(
        app.granted(&member, "practitioner-lounge").await,
        "a rejected refund leaves the subscription running"
    );
}

#[tokio::test]
async fn a_refund_request_with_an_idempotency_key_is_recorded_once() {
    let app = spawn_app().await;
    let member = app.member().await;
    let sub = app.subscribed(&member, "practitioner", "yearly").await;
    let send = || {
        app.client
            .post(app.url("/api/v1/refund-requests"))
            .bearer_auth(&member.access_token)
            .header("Idempotency-Key", "refund-once")
            .json(&json!({"subscription_id": sub.id, "message": "Moving on."}))
            .send()
    };
    let first: RefundRequest = dto::json_with(
        send().await.unwrap_or_else(|e| panic!("{e}")),
        StatusCode::CREATED,
    )
    .await;
    let second: RefundRequest = dto::json_with(
        send().await.unwrap_or_else(|e| panic!("{e}")),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(second.id, first.id);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM refund_requests").await,
        1
    );
}

/// Rule: an `Idempotency-Key` is scoped to the caller, the method and the concrete path. A host
/// deciding two refund requests with one key gets each decided, never the first answer
/// replayed for the second (which would leave it undecided).
#[tokio::test]
async fn an_idempotency_key_is_scoped_to_the_refund_request_it_decides() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let mut asked_ids = Vec::new();
    for _ in 0..2 {
        let member = app.member().await;
        let sub = app.subscribed(&member, "practitioner", "yearly").await;
        asked_ids.push(asked(&app, &member, &sub).await.id);
    }
    for id in &asked_ids {
        let decided = app
            .client
            .post(app.url(&format!("/api/v1/admin/refund-requests/{id}/decision")))
            .bearer_auth(&host.access_token)
            .header("Idempotency-Key", "one-key-for-both")
            .json(&json!({"decision": "approve"}))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(decided.headers().get("idempotent-replayed").is_none());
        let decided: RefundRequest = dto::json_with(decided, StatusCode::OK).await;
        assert_eq!(
            &decided.id, id,
            "the answer is about the request in the path"
        );
        assert_eq!(decided.status, "approved");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM refund_requests WHERE status = 'approved'")
            .await,
        2
    );
    assert_eq!(app.payments.refunds_paid().0, 2);
}

/// Rule: a keyed refund request commits its claim, its effect and its answer together, so a
/// refusal is replayed too and leaves nothing behind but the answer.
#[tokio::test]
async fn a_keyed_refund_request_refused_is_answered_the_same_again() {
    let app = spawn_app().await;
    let member = app.member().await;
    let sub = app.checkout(&member, "practitioner", "yearly").await;
    let send = || {
        app.client
            .post(app.url("/api/v1/refund-requests"))
            .bearer_auth(&member.access_token)
            .header("Idempotency-Key", "nothing-paid")
            .json(&json!({"subscription_id": sub.id, "message": "Never mind."}))
            .send()
    };
    let first = problem(
        send().await.unwrap_or_else(|e| panic!("{e}")),
        StatusCode::CONFLICT,
    )
    .await;
    let again = send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        again
            .headers()
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let again = problem(again, StatusCode::CONFLICT).await;
    assert_eq!(again.kind, first.kind);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM refund_requests").await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM idempotency_keys WHERE status_code = 409")
            .await,
        1
    );
}
