//! Price assistance: members ask, hosts grant a reduced price (an audited override the checkout
//! will charge) or decline.

use crate::dto::{self, Assistance, AuditEntry, Money, Page};
use crate::helpers::{problem, spawn_app, TestApp};
use praxis_domain::plans::{BillingPeriod, PlanSlug};
use praxis_persistence::assistance::{self, AssistanceRow, PriceOverrideRow};
use praxis_persistence::to_db_time;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashSet;

fn request_body(plan: &str, period: &str, amount: i64) -> Value {
    json!({
        "plan": plan, "billing_period": period,
        "message": "I am a student and can afford a little each month.",
        "proposed_amount": {"amount": amount, "currency": "EUR"}
    })
}

async fn ask(app: &TestApp, token: &str, plan: &str, period: &str) -> Assistance {
    let response = app
        .post(
            "/api/v1/price-assistance-requests",
            Some(token),
            &request_body(plan, period, 1000),
        )
        .await;
    let asked: Assistance = dto::json_with(response, StatusCode::CREATED).await;
    assert_eq!(
        (asked.plan.as_str(), asked.billing_period.as_str()),
        (plan, period)
    );
    asked
}

/// Assistance requests at `path` (the member's own, or the admin list); must answer 200.
async fn requests(app: &TestApp, token: Option<&str>, path: &str) -> Page<Assistance> {
    dto::json_with(app.get(path, token).await, StatusCode::OK).await
}

async fn active_override(app: &TestApp, user_id: &str) -> Option<PriceOverrideRow> {
    let db = app.state.db.clone();
    let user_id = user_id.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        assistance::active_override(
            &mut conn,
            &user_id,
            PlanSlug::Practitioner,
            BillingPeriod::Monthly,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn lobby_and_invalid_requests_are_refused() {
    let app = spawn_app().await;
    let member = app.member().await;
    let token = Some(member.access_token.as_str());
    let lobby = app
        .post(
            "/api/v1/price-assistance-requests",
            token,
            &request_body("lobby", "monthly", 0),
        )
        .await;
    let body = problem(lobby, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.fields()[0], "plan");
    let above_regular = app
        .post(
            "/api/v1/price-assistance-requests",
            token,
            &request_body("practitioner", "monthly", 1_000_000),
        )
        .await;
    let body = problem(above_regular, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.fields()[0], "proposed_amount.amount");
    let mine = requests(&app, token, "/api/v1/price-assistance-requests/mine").await;
    assert!(mine.items.is_empty(), "{mine:?}");
}

#[tokio::test]
async fn granting_writes_an_override_the_checkout_can_use_and_replaces_earlier_ones() {
    let app = spawn_app().await;
    let member = app.member().await;
    let host = app.as_host().await;
    let admin = app.as_admin().await;
    let first = ask(&app, &member.access_token, "practitioner", "monthly").await;
    assert_eq!(first.status, "pending");
    let again = app
        .post(
            "/api/v1/price-assistance-requests",
            Some(&member.access_token),
            &request_body("practitioner", "monthly", 900),
        )
        .await;
    assert_eq!(
        problem(again, StatusCode::CONFLICT).await.kind,
        "assistance-request-open"
    );
    let id = first.id.as_str();
    let path = format!("/api/v1/admin/price-assistance-requests/{id}/decision");
    let missing_amount = app
        .post(
            &path,
            Some(&host.access_token),
            &json!({"decision": "grant"}),
        )
        .await;
    problem(missing_amount, StatusCode::UNPROCESSABLE_ENTITY).await;
    let granted = app
        .post(
            &path,
            Some(&host.access_token),
            &json!({"decision": "grant", "amount": {"amount": 1200, "currency": "EUR"}, "note": "Glad to have you."}),
        )
        .await;
    let granted: Assistance = dto::json_with(granted, StatusCode::OK).await;
    assert_eq!(granted.status, "granted");
    assert_eq!(
        granted.granted_amount,
        Some(Money {
            amount: 1200,
            currency: "EUR".to_owned()
        })
    );
    let first_override = active_override(&app, &member.user_id).await;
    assert_eq!(first_override.as_ref().map(|o| o.amount_cents), Some(1200));
    assert_eq!(
        first_override.as_ref().and_then(|o| o.request_id.clone()),
        Some(id.to_owned())
    );
    let twice = app
        .post(
            &path,
            Some(&host.access_token),
            &json!({"decision": "decline"}),
        )
        .await;
    assert_eq!(
        problem(twice, StatusCode::CONFLICT).await.kind,
        "assistance-request-decided"
    );

    // A second grant for the same plan and period replaces the first override.
    app.clock.advance(chrono::Duration::seconds(5));
    let second = ask(&app, &member.access_token, "practitioner", "monthly").await;
    let second_id = second.id.as_str();
    let response = app
        .post(
            &format!("/api/v1/admin/price-assistance-requests/{second_id}/decision"),
            Some(&host.access_token),
            &json!({"decision": "grant", "amount": {"amount": 800, "currency": "EUR"}}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let current = active_override(&app, &member.user_id).await;
    assert_eq!(current.as_ref().map(|o| o.amount_cents), Some(800));
    assert_ne!(
        current.map(|o| o.id),
        first_override.map(|o| o.id),
        "the earlier override is revoked"
    );

    let log: Vec<AuditEntry> = app
        .items("/api/v1/admin/audit-log", Some(&admin.access_token))
        .await;
    let grants: Vec<&AuditEntry> = log
        .iter()
        .filter(|e| e.action == "price_assistance.granted")
        .collect();
    assert_eq!(grants.len(), 2);
    assert_eq!(grants[0].subject_id, second_id);
    let after = grants[0].after.as_ref().expect("after");
    assert!(after["price_override_id"].is_string(), "{after}");
    assert_eq!(
        after["revoked_override_ids"].as_array().map(Vec::len),
        Some(1),
        "{after}"
    );
}

#[tokio::test]
async fn declining_leaves_no_override_and_the_member_sees_it() {
    let app = spawn_app().await;
    let member = app.member().await;
    let host = app.as_host().await;
    let request = ask(&app, &member.access_token, "practitioner", "monthly").await;
    let id = request.id.as_str();
    let declined = app
        .post(
            &format!("/api/v1/admin/price-assistance-requests/{id}/decision"),
            Some(&host.access_token),
            &json!({"decision": "decline", "note": "Not this season, sorry."}),
        )
        .await;
    assert_eq!(declined.status(), StatusCode::OK);
    assert!(active_override(&app, &member.user_id).await.is_none());
    let mine = requests(
        &app,
        Some(&member.access_token),
        "/api/v1/price-assistance-requests/mine",
    )
    .await;
    assert_eq!(mine.items.len(), 1);
    assert_eq!(mine.items[0].status, "declined");
    assert_eq!(
        mine.items[0].note.as_deref(),
        Some("Not this season, sorry.")
    );
    assert!(mine.items[0].granted_amount.is_none());
}

#[tokio::test]
async fn members_cannot_list_or_decide_assistance_requests() {
    let app = spawn_app().await;
    let member = app.member().await;
    let request = ask(&app, &member.access_token, "pro", "yearly").await;
    let id = request.id.as_str();
    let list = app
        .get(
            "/api/v1/admin/price-assistance-requests",
            Some(&member.access_token),
        )
        .await;
    problem(list, StatusCode::FORBIDDEN).await;
    let decide = app
        .post(
            &format!("/api/v1/admin/price-assistance-requests/{id}/decision"),
            Some(&member.access_token),
            &json!({"decision": "decline"}),
        )
        .await;
    problem(decide, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn admin_assistance_list_pages_without_duplicates() {
    let app = spawn_app().await;
    let member = app.member().await;
    let host = app.as_host().await;
    let db = app.state.db.clone();
    let user_id = member.user_id.clone();
    let start = praxis_api::clock::Clock::now(&app.clock);
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        for i in 0..25i64 {
            let row = AssistanceRow {
                id: uuid::Uuid::now_v7().to_string(),
                user_id: user_id.clone(),
                plan_slug: "practitioner".into(),
                billing_period: "monthly".into(),
                message: format!("request {i}"),
                proposed_cents: 1000,
                currency: "EUR".into(),
                status: "declined".into(),
                granted_cents: None,
                note: None,
                // Pairs share an instant, so the id breaks ties in the keyset.
                requested_at: to_db_time(start + chrono::Duration::seconds(i / 2)),
                decided_at: None,
                decided_by: None,
            };
            assistance::insert(&mut conn, &row).unwrap_or_else(|e| panic!("{e}"));
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let mut seen = HashSet::new();
    let mut sizes = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => {
                format!("/api/v1/admin/price-assistance-requests?status=declined&cursor={c}")
            }
            None => "/api/v1/admin/price-assistance-requests?status=declined".to_owned(),
        };
        let page = requests(&app, Some(&host.access_token), &path).await;
        sizes.push(page.items.len());
        for item in page.items {
            assert_eq!(item.status, "declined");
            assert!(seen.insert(item.id));
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(sizes, vec![20, 5]);
    let pending = requests(
        &app,
        Some(&host.access_token),
        "/api/v1/admin/price-assistance-requests?status=pending",
    )
    .await;
    assert!(pending.items.is_empty(), "{pending:?}");
}
