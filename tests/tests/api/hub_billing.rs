//! The customer hub acting on billing: the invoice carries the billing address of its day, and
//! the hub can cancel and ask for a refund for its own account only.

use crate::dto::{self, Invoice, Page, RefundRequest, Subscription};
use crate::helpers::{problem, spawn_app};
use crate::hub::{emailed_token, open_session};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn hub_request(
    app: &crate::helpers::TestApp,
    method: reqwest::Method,
    path: &str,
    hub_token: &str,
    body: Option<&Value>,
) -> reqwest::Response {
    app.request(method, path, Some(hub_token), body).await
}

#[tokio::test]
async fn hub_shows_invoices_with_the_address_of_their_day_and_cancels_and_asks_for_a_refund() {
    let app = spawn_app().await;
    let member = app.member().await;
    let other = app.member().await;
    app.deliver_mail().await;
    let token = emailed_token(&app, &member.email).await;
    let session: Value = open_session(&app, &token)
        .await
        .json()
        .await
        .expect("a JSON body");
    let hub_token = session["hub_token"].as_str().expect("hub_token").to_owned();
    let address = json!({"name": "Ana Pérez", "line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013", "country": "ES", "vat_id": "ESX1234567X"});
    let put = hub_request(
        &app,
        reqwest::Method::PUT,
        "/api/v1/hub/billing-address",
        &hub_token,
        Some(&address),
    )
    .await;
    assert_eq!(put.status(), StatusCode::OK);

    let sub = app.subscribed(&member, "practitioner", "yearly").await;
    let other_sub = app.subscribed(&other, "practitioner", "monthly").await;
    // A later address change does not rewrite issued invoices.
    let moved = json!({"name": "Ana Pérez", "line1": "Rua Augusta 2", "city": "Lisboa", "postal_code": "1100-048", "country": "PT"});
    hub_request(
        &app,
        reqwest::Method::PUT,
        "/api/v1/hub/billing-address",
        &hub_token,
        Some(&moved),
    )
    .await;
    let invoices: Page<Invoice> = dto::json_with(
        hub_request(
            &app,
            reqwest::Method::GET,
            "/api/v1/hub/invoices",
            &hub_token,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(invoices.items.len(), 1, "only this account's invoices");
    let invoice = &invoices.items[0];
    assert_eq!(invoice.amount.amount, 25000);
    assert_eq!(invoice.amount.currency, "EUR");
    assert_eq!(
        invoice.billing_address.as_ref().map(|a| a.city.as_str()),
        Some("Madrid")
    );

    let subs: Page<Subscription> = dto::json_with(
        hub_request(
            &app,
            reqwest::Method::GET,
            "/api/v1/hub/subscriptions",
            &hub_token,
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let sub_ids: Vec<&str> = subs.items.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        sub_ids,
        [sub.id.as_str()],
        "only this account's subscriptions"
    );
    let foreign = hub_request(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/hub/subscriptions/{}/cancel", &other_sub.id),
        &hub_token,
        Some(&json!({})),
    )
    .await;
    problem(foreign, StatusCode::NOT_FOUND).await;
    let foreign_refund = hub_request(
        &app,
        reqwest::Method::POST,
        "/api/v1/hub/refund-requests",
        &hub_token,
        Some(&json!({"subscription_id": other_sub.id, "message": "mine?"})),
    )
    .await;
    problem(foreign_refund, StatusCode::NOT_FOUND).await;

    let cancelled = hub_request(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/hub/subscriptions/{}/cancel", &sub.id),
        &hub_token,
        Some(&json!({})),
    )
    .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    assert!(!app.granted(&member, "practitioner-lounge").await);
    let refund = hub_request(
        &app,
        reqwest::Method::POST,
        "/api/v1/hub/refund-requests",
        &hub_token,
        Some(&json!({"subscription_id": sub.id, "message": "Cancelled via the hub."})),
    )
    .await;
    let refund: RefundRequest = dto::json_with(refund, StatusCode::CREATED).await;
    assert_eq!(refund.subscription_id, sub.id);
    assert_eq!(refund.quote.rule, "yearly_full_months");
    // The member's API token does not open the hub.
    let api_token = hub_request(
        &app,
        reqwest::Method::GET,
        "/api/v1/hub/subscriptions",
        &member.access_token,
        None,
    )
    .await;
    problem(api_token, StatusCode::UNAUTHORIZED).await;
}
