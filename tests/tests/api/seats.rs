//! Limited places and the waitlist (DOMAIN.md "Plans and entitlements": "Two people can never
//! both take the last seat").

use crate::dto::{self, Page, Plan, WaitlistEntry};
use crate::helpers::{problem, spawn_app, Session, TestApp};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn twenty_concurrent_subscribes_for_the_last_seat_let_exactly_one_in() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    app.set_seat_limit(&admin, "practitioner", 1).await;
    let mut members = Vec::new();
    for _ in 0..20 {
        members.push(app.member().await);
    }
    let attempts = members
        .iter()
        .map(|m| app.subscribe(m, "practitioner", "monthly", "regular"));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status())
        .collect();
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count(),
        19,
        "{statuses:?}"
    );
    let plans: Page<Plan> =
        dto::json_with(app.get("/api/v1/plans", None).await, StatusCode::OK).await;
    let practitioner = plans
        .items
        .iter()
        .find(|p| p.slug == "practitioner")
        .expect("the Practitioner plan is listed");
    assert_eq!(practitioner.seat_limit, Some(1));
    assert_eq!(practitioner.seats_left, Some(0));
}

async fn waitlist_entry(app: &TestApp, member: &Session) -> WaitlistEntry {
    dto::json_with(
        app.get(
            "/api/v1/plans/practitioner/waitlist",
            Some(&member.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn a_full_plan_answers_plan_full_and_a_lapsed_checkout_hold_frees_the_seat() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    app.set_seat_limit(&admin, "practitioner", 1).await;
    let (first, second) = (app.member().await, app.member().await);
    app.checkout(&first, "practitioner", "monthly").await;
    let full = app
        .subscribe(&second, "practitioner", "monthly", "regular")
        .await;
    assert_eq!(problem(full, StatusCode::CONFLICT).await.kind, "plan-full");
    app.clock.advance(Duration::minutes(31));
    let second = app.relogin(&second).await;
    let now_free = app
        .subscribe(&second, "practitioner", "monthly", "regular")
        .await;
    assert_eq!(now_free.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn waitlist_offers_a_freed_seat_to_the_first_in_line_for_48_hours() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    app.set_seat_limit(&admin, "practitioner", 1).await;
    let (holder, first, second) = (app.member().await, app.member().await, app.member().await);
    let early = app
        .post(
            "/api/v1/plans/practitioner/waitlist",
            Some(&first.access_token),
            &json!({}),
        )
        .await;
    assert_eq!(
        problem(early, StatusCode::CONFLICT).await.kind,
        "seats-available"
    );
    let sub = app.subscribed(&holder, "practitioner", "monthly").await;
    for (member, position) in [(&first, 1), (&second, 2)] {
        let joined = app
            .post(
                "/api/v1/plans/practitioner/waitlist",
                Some(&member.access_token),
                &json!({}),
            )
            .await;
        let joined: WaitlistEntry = dto::json_with(joined, StatusCode::CREATED).await;
        assert_eq!(joined.position, Some(position));
    }
    let twice = app
        .post(
            "/api/v1/plans/practitioner/waitlist",
            Some(&first.access_token),
            &json!({}),
        )
        .await;
    assert_eq!(
        problem(twice, StatusCode::CONFLICT).await.kind,
        "already-waiting"
    );

    let cancelled = app
        .post(
            &format!("/api/v1/subscriptions/{}/cancel", sub.id),
            Some(&holder.access_token),
            &json!({}),
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    let entry = waitlist_entry(&app, &first).await;
    assert_eq!(entry.status, "offered");
    assert!(entry.offer_expires_at.is_some(), "{entry:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'waitlist_offer'")
            .await,
        1
    );
    // The offered place is held: the second in line cannot take it.
    let held = app
        .subscribe(&second, "practitioner", "monthly", "regular")
        .await;
    assert_eq!(problem(held, StatusCode::CONFLICT).await.kind, "plan-full");
    // Unanswered for 48 hours, the offer passes to the next in line.
    app.clock
        .advance(Duration::hours(48) + Duration::seconds(1));
    app.run_jobs().await;
    let (first, second) = (app.relogin(&first).await, app.relogin(&second).await);
    let next = waitlist_entry(&app, &second).await;
    assert_eq!(next.status, "offered");
    let taken = app
        .subscribe(&second, "practitioner", "monthly", "regular")
        .await;
    assert_eq!(taken.status(), StatusCode::CREATED);
    let gone = app
        .subscribe(&first, "practitioner", "monthly", "regular")
        .await;
    assert_eq!(problem(gone, StatusCode::CONFLICT).await.kind, "plan-full");
}

#[tokio::test]
async fn a_payment_after_the_hold_expired_is_refused_when_the_seat_was_taken() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    app.set_seat_limit(&admin, "practitioner", 1).await;
    let (slow, quick) = (app.member().await, app.member().await);
    let late = app.checkout(&slow, "practitioner", "monthly").await;
    app.clock.advance(Duration::minutes(31));
    let quick = app.relogin(&quick).await;
    app.subscribed(&quick, "practitioner", "monthly").await;
    let refused = app.pay(&late.checkout_id, 2500).await;
    assert_eq!(
        problem(refused, StatusCode::CONFLICT).await.kind,
        "checkout-expired"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM subscriptions WHERE status = 'active'")
            .await,
        1
    );
}
