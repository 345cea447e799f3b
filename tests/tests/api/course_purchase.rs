//! The e-course bought on its own (DOMAIN.md "Learning": "by buying it alone"): a one-off
//! checkout through the payment port, granted with its own invoice when the provider confirms
//! the payment, once whatever the retries; a failed payment grants nothing, and a refund of
//! the whole payment takes the course back. Local provider and Stripe (localstripe).

use crate::course_entitlements::sources;
use crate::courses::{get_ok, id, patch_ok, post_ok, published_course};
use crate::helpers::{problem, spawn_app, Session, TestApp};
use crate::questions::json;
use crate::stripe_support::{confirm, spawn_stripe_app, LocalStripe};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn buy(app: &TestApp, member: &Session, course: &str, body: Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/courses/{course}/checkout"),
        Some(&member.access_token),
        &body,
    )
    .await
}

/// Starts buying `course` and answers the pending order.
async fn ordered(app: &TestApp, member: &Session, course: &str) -> Value {
    let order = json(
        buy(app, member, course, json!({})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(order["status"], "pending", "{order}");
    order
}

async fn order(app: &TestApp, member: &Session, order_id: &str) -> Value {
    get_ok(app, member, &format!("/api/v1/course-orders/{order_id}")).await
}

async fn lesson_status(app: &TestApp, member: &Session, lesson: &str) -> StatusCode {
    app.get(
        &format!("/api/v1/lessons/{lesson}"),
        Some(&member.access_token),
    )
    .await
    .status()
}

/// Buys the course through Stripe: checkout, the SPA confirms with `pm_card_visa`, Stripe's
/// webhook marks the order paid. Answers the order and its PaymentIntent.
async fn bought_with_stripe(
    app: &TestApp,
    stripe: &LocalStripe,
    member: &Session,
    course: &str,
) -> (Value, String) {
    let pending = ordered(app, member, course).await;
    let intent = pending["checkout_id"].as_str().expect("intent").to_owned();
    let (status, confirmed) = confirm(stripe, &intent, "pm_card_visa").await;
    assert_eq!(status, 200, "{confirmed}");
    let order_id = id(&pending);
    app.eventually("the payment_intent.succeeded webhook", || async {
        order(app, member, &order_id).await["status"] == "paid"
    })
    .await;
    (order(app, member, &order_id).await, intent)
}

#[tokio::test]
async fn buying_the_course_alone_grants_it_with_its_own_invoice() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let built = published_course(&app, &host, 2).await;
    // Someone else's plan payment takes the first invoice number: the course's comes next in
    // the same gapless sequence.
    let other = app.member().await;
    app.subscribed(&other, "practitioner", "monthly").await;

    let listed = get_ok(&app, &member, "/api/v1/courses").await;
    assert_eq!(
        listed["items"][0]["prices"],
        json!([{"amount": 9900, "currency": "EUR"}]),
        "without a price of its own the course costs the e-course deduction"
    );
    assert_eq!(
        lesson_status(&app, &member, &built.lessons[0]).await,
        StatusCode::FORBIDDEN
    );

    let pending = ordered(&app, &member, &built.course).await;
    assert_eq!(
        pending["amount"],
        json!({"amount": 9900, "currency": "EUR"})
    );
    assert_eq!(pending["course_id"], built.course.as_str());
    let checkout = pending["checkout_id"]
        .as_str()
        .expect("checkout")
        .to_owned();
    let url = pending["checkout_url"].as_str().expect("url");
    assert!(
        url.contains(&format!("/api/v1/dev/checkouts/{checkout}/pay")),
        "{url}"
    );
    assert_eq!(pending["payment"]["provider"], "local");
    // Asking again answers the same order, not a second one.
    let again = json(
        buy(&app, &member, &built.course, json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["id"], pending["id"]);

    let pay = format!("/api/v1/dev/checkouts/{checkout}/pay");
    let paid = json(app.post(&pay, None, &json!({})).await, StatusCode::OK).await;
    assert_eq!(paid["status"], "paid", "{paid}");
    assert!(paid["paid_at"].is_string());
    // Paying the same checkout again changes nothing.
    json(app.post(&pay, None, &json!({})).await, StatusCode::OK).await;

    assert_eq!(sources(&app, &member).await, vec!["purchase"]);
    let me = get_ok(&app, &member, "/api/v1/me").await;
    assert!(me.to_string().contains("\"purchase\""), "{me}");
    assert_eq!(
        lesson_status(&app, &member, &built.lessons[1]).await,
        StatusCode::OK
    );
    let invoices = app.invoices(&member).await;
    assert_eq!(invoices.len(), 1, "{invoices:?}");
    let invoice = &invoices[0];
    assert!(
        invoice.description.contains("Sociocracy 3.0 step by step"),
        "{invoice:?}"
    );
    assert_eq!(invoice.amount.amount, 9900);
    assert_eq!(invoice.amount.currency, "EUR");
    assert!(invoice.number.ends_with("-000002"), "{invoice:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM payments WHERE course_order_id IS NOT NULL")
            .await,
        1
    );
    let receipts = app.mail_bodies("receipt").await;
    assert!(
        receipts
            .iter()
            .any(|b| b.contains("Sociocracy 3.0 step by step") && b.contains(&invoice.number)),
        "{receipts:?}"
    );
}

#[tokio::test]
async fn the_course_bought_through_stripe_is_granted_once_even_when_the_event_is_sent_twice() {
    let (app, stripe) = spawn_stripe_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let built = published_course(&app, &host, 1).await;
    let pending = ordered(&app, &member, &built.course).await;
    assert!(
        pending["payment"]["client_secret"].is_string(),
        "the SPA confirms it with Stripe Elements: {pending}"
    );
    let intent = pending["checkout_id"].as_str().expect("intent").to_owned();
    let at_stripe = stripe.get(&format!("/v1/payment_intents/{intent}")).await;
    assert_eq!(at_stripe["amount"], 9900);
    assert_eq!(at_stripe["metadata"]["praxis_purpose"], "course");
    assert_eq!(
        at_stripe["metadata"]["praxis_course_order_id"],
        pending["id"]
    );

    let (status, confirmed) = confirm(&stripe, &intent, "pm_card_visa").await;
    assert_eq!(status, 200, "{confirmed}");
    let order_id = id(&pending);
    app.eventually("the payment_intent.succeeded webhook", || async {
        order(&app, &member, &order_id).await["status"] == "paid"
    })
    .await;

    // Stripe sends the event again, and then the same payment under another event id.
    let event = stripe.latest_event("payment_intent.succeeded").await;
    let replayed = json(app.stripe_event(&event).await, StatusCode::OK).await;
    assert_eq!(replayed["status"], "duplicate");
    let mut another = event.clone();
    another["id"] = json!(format!("evt_{}", uuid::Uuid::new_v4().simple()));
    let again = json(app.stripe_event(&another).await, StatusCode::OK).await;
    assert_eq!(again["status"], "duplicate");

    assert_eq!(sources(&app, &member).await, vec!["purchase"]);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM payments WHERE course_order_id IS NOT NULL")
            .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM invoices").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM course_entitlements WHERE source = 'purchase'")
            .await,
        1
    );
    assert_eq!(
        lesson_status(&app, &member, &built.lessons[0]).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_member_who_holds_the_course_cannot_buy_it_again() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let built = published_course(&app, &host, 1).await;

    // Held from a yearly subscription.
    let yearly = app.member().await;
    app.subscribed(&yearly, "practitioner", "yearly").await;
    let refused = problem(
        buy(&app, &yearly, &built.course, json!({})).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(refused.kind, "already-entitled");

    // Held from buying it.
    let buyer = app.member().await;
    let pending = ordered(&app, &buyer, &built.course).await;
    let checkout = pending["checkout_id"].as_str().expect("checkout");
    json(
        app.post(
            &format!("/api/v1/dev/checkouts/{checkout}/pay"),
            None,
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let refused = problem(
        buy(&app, &buyer, &built.course, json!({})).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(refused.kind, "already-entitled");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM course_orders").await,
        1
    );
}

#[tokio::test]
async fn a_failed_course_payment_grants_nothing() {
    let (app, stripe) = spawn_stripe_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let built = published_course(&app, &host, 1).await;
    let pending = ordered(&app, &member, &built.course).await;
    let intent = pending["checkout_id"].as_str().expect("intent").to_owned();
    let (status, declined) = confirm(&stripe, &intent, "pm_card_chargeCustomerFail").await;
    assert_eq!(status, 402, "{declined}");
    app.eventually("the payment_intent.payment_failed webhook", || async {
        app.count(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'course_order.payment_failed'",
        )
        .await
            == 1
    })
    .await;

    let still = order(&app, &member, &id(&pending)).await;
    assert_eq!(
        still["status"], "pending",
        "the member may try another card"
    );
    assert!(sources(&app, &member).await.is_empty());
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM payments").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM invoices").await, 0);
    assert_eq!(
        lesson_status(&app, &member, &built.lessons[0]).await,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_whole_refund_of_the_course_payment_removes_it() {
    let (app, stripe) = spawn_stripe_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let built = published_course(&app, &host, 1).await;
    let (_, intent) = bought_with_stripe(&app, &stripe, &member, &built.course).await;

    // Part of it refunded from Stripe's dashboard: the course stays.
    let (status, part) = stripe
        .post(
            "/v1/refunds",
            &[("payment_intent", intent.as_str()), ("amount", "1000")],
        )
        .await;
    assert_eq!(status, 200, "{part}");
    app.eventually("the first charge.refunded webhook", || async {
        app.count("SELECT COUNT(*) AS n FROM provider_refunds")
            .await
            == 1
    })
    .await;
    assert_eq!(sources(&app, &member).await, vec!["purchase"]);

    // The rest refunded: the whole payment is given back, and the course with it.
    let (status, rest) = stripe
        .post(
            "/v1/refunds",
            &[("payment_intent", intent.as_str()), ("amount", "8900")],
        )
        .await;
    assert_eq!(status, 200, "{rest}");
    app.eventually("the second charge.refunded webhook", || async {
        app.count("SELECT COUNT(*) AS n FROM provider_refunds")
            .await
            == 2
    })
    .await;
    assert!(sources(&app, &member).await.is_empty());
    assert_eq!(
        lesson_status(&app, &member, &built.lessons[0]).await,
        StatusCode::FORBIDDEN
    );
    let courses = get_ok(&app, &member, "/api/v1/courses").await;
    assert_eq!(courses["items"][0]["entitled"], false);
    // The invoice stays, showing the refund.
    let invoices = app.invoices(&member).await;
    assert_eq!(invoices[0].refunded.amount, 9900);
}

#[tokio::test]
async fn a_draft_course_cannot_be_bought() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let draft = post_ok(
        &app,
        &host,
        "/api/v1/admin/courses",
        json!({"title": "Not ready yet", "language": "en"}),
    )
    .await;
    let refused = problem(
        buy(&app, &member, &id(&draft), json!({})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(refused.kind, "not-found");
    let unknown = uuid::Uuid::now_v7().to_string();
    problem(
        buy(&app, &member, &unknown, json!({})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM course_orders").await,
        0
    );
}

#[tokio::test]
async fn a_course_without_a_price_cannot_be_bought_alone_until_a_host_prices_it() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let built = published_course(&app, &host, 1).await;
    let path = format!("/api/v1/admin/courses/{}", built.course);
    // Not included with yearly subscriptions and no price of its own: not sold alone.
    let course = patch_ok(&app, &host, &path, json!({"included_with_yearly": false})).await;
    assert_eq!(course["prices"], json!([]));
    let refused = problem(
        buy(&app, &member, &built.course, json!({})).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(refused.kind, "course-not-for-sale");

    for bad in [
        json!({"price": {"amount": 0, "currency": "EUR"}}),
        json!({"price": {"amount": 4900, "currency": "euro"}}),
    ] {
        problem(
            app.patch(&path, Some(&host.access_token), &bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let priced = patch_ok(
        &app,
        &host,
        &path,
        json!({"price": {"amount": 4900, "currency": "EUR"}}),
    )
    .await;
    assert_eq!(
        priced["prices"],
        json!([{"amount": 4900, "currency": "EUR"}])
    );
    assert_eq!(
        priced["own_price"],
        json!({"amount": 4900, "currency": "EUR"})
    );
    let wrong_currency = problem(
        buy(&app, &member, &built.course, json!({"currency": "USD"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        wrong_currency
            .errors
            .unwrap_or_default()
            .iter()
            .any(|e| e.field == "currency"),
        "the currency is named"
    );
    let pending = ordered(&app, &member, &built.course).await;
    assert_eq!(
        pending["amount"],
        json!({"amount": 4900, "currency": "EUR"})
    );

    // Removing the price takes it off sale again; a price left out of a change stays.
    let unpriced = patch_ok(&app, &host, &path, json!({"price": null})).await;
    assert_eq!(unpriced["prices"], json!([]));
    assert_eq!(unpriced["own_price"], Value::Null);
}

#[tokio::test]
async fn a_course_without_its_own_price_follows_the_e_course_deduction_of_the_refund_rule() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let member = app.member().await;
    let built = published_course(&app, &admin, 1).await;
    for plan in ["practitioner", "pro"] {
        let changed = app
            .patch(
                &format!("/api/v1/admin/plans/{plan}"),
                Some(&admin.access_token),
                &json!({"e_course_deduction": {"amount": 7500, "currency": "EUR"}}),
            )
            .await;
        assert_eq!(changed.status(), StatusCode::OK);
    }
    let listed = get_ok(&app, &member, "/api/v1/courses").await;
    assert_eq!(
        listed["items"][0]["prices"],
        json!([{"amount": 7500, "currency": "EUR"}])
    );
    let pending = ordered(&app, &member, &built.course).await;
    assert_eq!(pending["amount"]["amount"], 7500);
}

#[tokio::test]
async fn a_host_refunds_a_course_bought_alone_whole_and_the_course_is_taken_back() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let built = published_course(&app, &host, 1).await;
    let pending = ordered(&app, &member, &built.course).await;
    let checkout = pending["checkout_id"].as_str().expect("checkout");
    let refund_path = format!("/api/v1/admin/course-orders/{}/refund", id(&pending));
    // Nothing paid yet, nothing to refund.
    let unpaid = problem(
        app.post(&refund_path, Some(&host.access_token), &json!({}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(unpaid.kind, "nothing-paid");
    json(
        app.post(
            &format!("/api/v1/dev/checkouts/{checkout}/pay"),
            None,
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(sources(&app, &member).await, vec!["purchase"]);

    // Only hosts refund.
    let refused = app
        .post(&refund_path, Some(&member.access_token), &json!({}))
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let refund = json(
        app.post(&refund_path, Some(&host.access_token), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(refund["status"], "succeeded", "{refund}");
    assert_eq!(refund["amount"], json!({"amount": 9900, "currency": "EUR"}));
    assert_eq!(refund["request_id"], Value::Null);
    assert!(sources(&app, &member).await.is_empty());
    assert_eq!(
        lesson_status(&app, &member, &built.lessons[0]).await,
        StatusCode::FORBIDDEN
    );
    // Refunded whole once: a second refund has nothing left to pay.
    let again = problem(
        app.post(&refund_path, Some(&host.access_token), &json!({}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(again.kind, "nothing-refundable");
    let invoices = app.invoices(&member).await;
    assert_eq!(invoices[0].refunded.amount, 9900);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM refunds").await, 1);
}
