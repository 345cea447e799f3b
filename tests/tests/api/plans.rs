use crate::dto::{self, Page, Plan};
use crate::helpers::{problem, spawn_app};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn plan_catalogue_is_public_and_shaped_as_the_contract_says() {
    let app = spawn_app().await;
    let body: Page<Plan> =
        dto::json_with(app.get("/api/v1/plans", None).await, StatusCode::OK).await;
    let items = body.items;
    let slugs: Vec<&str> = items.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(slugs, vec!["lobby", "practitioner", "pro"]);
    let lobby = &items[0];
    assert_eq!(lobby.seat_limit, None);
    assert!(lobby.prices.is_empty());
    let practitioner = &items[1];
    assert!(!practitioner.requires_application);
    assert_eq!(practitioner.e_course_deduction.amount, 9900);
    assert_eq!(practitioner.e_course_deduction.currency, "EUR");
    assert!(practitioner.seat_limit.is_some());
    assert_eq!(practitioner.seats_left, practitioner.seat_limit);
    assert_eq!(practitioner.prices.len(), 4);
    let pro = &items[2];
    assert!(pro.requires_application);
    assert!(!pro.prices.is_empty(), "PRO has prices: {pro:?}");
    for price in &pro.prices {
        assert!(price.amount.amount > 0, "{price:?}");
        assert_eq!(price.amount.currency, "EUR");
    }
}

#[tokio::test]
async fn admin_changes_a_plan_and_the_catalogue_shows_it() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let before = app.get("/api/v1/plans", None).await;
    let etag = before.headers().get("etag").cloned();
    let changed = app
        .patch(
            "/api/v1/admin/plans/practitioner",
            Some(&admin.access_token),
            &json!({"seat_limit": 2, "prices": [{"billing_period": "monthly", "price_version": "regular", "amount": {"amount": 2900, "currency": "EUR"}}]}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let plan: Plan = dto::json(changed).await;
    assert_eq!(plan.seat_limit, Some(2));
    let after = app.get("/api/v1/plans", None).await;
    assert_ne!(
        after.headers().get("etag").cloned(),
        etag,
        "the ETag follows the content"
    );
    let body: Page<Plan> = dto::json_with(after, StatusCode::OK).await;
    let practitioner = body
        .items
        .iter()
        .find(|p| p.slug == "practitioner")
        .expect("the Practitioner plan is listed");
    let monthly_regular = practitioner
        .prices
        .iter()
        .find(|p| p.billing_period == "monthly" && p.price_version == "regular");
    assert_eq!(monthly_regular.map(|p| p.amount.amount), Some(2900));
}

#[tokio::test]
async fn only_admins_change_plans() {
    let app = spawn_app().await;
    let member = app.member().await;
    let host = app.as_host().await;
    for token in [&member.access_token, &host.access_token] {
        let response = app
            .patch(
                "/api/v1/admin/plans/pro",
                Some(token),
                &json!({"seat_limit": 1}),
            )
            .await;
        assert_eq!(
            problem(response, StatusCode::FORBIDDEN).await.kind,
            "admin-role-required"
        );
    }
    let anonymous = app
        .patch("/api/v1/admin/plans/pro", None, &json!({"seat_limit": 1}))
        .await;
    problem(anonymous, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn invalid_plan_changes_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let token = Some(admin.access_token.as_str());
    let before: Value = app
        .get("/api/v1/plans", None)
        .await
        .json()
        .await
        .expect("a JSON body");
    let cases = [
        ("practitioner", json!({"seat_limit": -1})),
        (
            "practitioner",
            json!({"prices": [{"billing_period": "weekly", "price_version": "regular", "amount": {"amount": 100, "currency": "EUR"}}]}),
        ),
        (
            "practitioner",
            json!({"prices": [{"billing_period": "monthly", "price_version": "supporter", "amount": {"amount": 100, "currency": "EUR"}}]}),
        ),
        (
            "practitioner",
            json!({"prices": [{"billing_period": "monthly", "price_version": "regular", "amount": {"amount": 100, "currency": "USD"}}]}),
        ),
        (
            "practitioner",
            json!({"e_course_deduction": {"amount": -5, "currency": "EUR"}}),
        ),
        ("lobby", json!({"seat_limit": 10})),
    ];
    for (plan, body) in cases {
        let response = app
            .patch(&format!("/api/v1/admin/plans/{plan}"), token, &body)
            .await;
        problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let unknown = app
        .patch("/api/v1/admin/plans/gold", token, &json!({"seat_limit": 1}))
        .await;
    problem(unknown, StatusCode::NOT_FOUND).await;
    let after: Value = app
        .get("/api/v1/plans", None)
        .await
        .json()
        .await
        .expect("a JSON body");
    assert_eq!(before, after);
}
