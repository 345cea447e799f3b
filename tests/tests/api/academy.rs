//! The Academy's enrolments (DOMAIN.md "Sociocracy Academy"): an organisation enrols an
//! implementation circle of 1–3 people; hosts confirm it into a cohort with limited seats.

use crate::circle_helpers::{body, id};
use crate::helpers::{problem, spawn_app, Session, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn enrol(app: &TestApp, who: &Session, members: &[&Session]) -> reqwest::Response {
    let ids: Vec<&str> = members.iter().map(|m| m.user_id.as_str()).collect();
    app.post(
        "/api/v1/academy/enrolments",
        Some(&who.access_token),
        &json!({"organisation": {"name": "Acme Cooperative", "size": 40, "sector": "software",
            "country": "de", "languages": ["de", "en"]}, "member_ids": ids}),
    )
    .await
}

async fn cohort(app: &TestApp, host: &Session, capacity: i64) -> String {
    let response = app
        .post(
            "/api/v1/admin/academy/cohorts",
            Some(&host.access_token),
            &json!({"name": "Spring", "capacity": capacity}),
        )
        .await;
    id(&body(response, StatusCode::CREATED).await)
}

async fn confirm(
    app: &TestApp,
    host: &Session,
    enrolment: &str,
    cohort: &str,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/admin/academy/enrolments/{enrolment}/confirm"),
        Some(&host.access_token),
        &json!({"cohort_id": cohort}),
    )
    .await
}

#[tokio::test]
async fn an_implementation_circle_has_one_to_three_people() {
    let app = spawn_app().await;
    let m: Vec<Session> = futures_util::future::join_all((0..4).map(|_| app.member())).await;
    let none = problem(
        enrol(&app, &m[0], &[]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(none.fields(), ["member_ids"]);
    let four = problem(
        enrol(&app, &m[0], &[&m[0], &m[1], &m[2], &m[3]]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(four.fields(), ["member_ids"]);
    let three = body(
        enrol(&app, &m[0], &[&m[0], &m[1], &m[2]]).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(three["status"], "pending");
    assert_eq!(three["organisation"]["country"], "DE");
    let mine = body(
        app.get("/api/v1/academy/enrolments/mine", Some(&m[2].access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["items"][0]["id"], three["id"]);
}

#[tokio::test]
async fn a_confirmed_enrolment_becomes_its_members_implementation_circle() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let (ada, bo) = (app.member().await, app.member().await);
    let enrolment = id(&body(enrol(&app, &ada, &[&ada, &bo]).await, StatusCode::CREATED).await);
    let spring = cohort(&app, &host, 5).await;
    problem(
        confirm(&app, &ada, &enrolment, &spring).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let confirmed = body(
        confirm(&app, &host, &enrolment, &spring).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(confirmed["status"], "confirmed");
    assert_eq!(confirmed["seat"], 1);
    let circle = confirmed["circle_id"].as_str().unwrap();
    let seen: Value = body(
        app.get(&format!("/api/v1/circles/{circle}"), Some(&bo.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen["kind"], "implementation");
    assert_eq!(seen["members"].as_array().unwrap().len(), 2);
    problem(
        confirm(&app, &host, &enrolment, &spring).await,
        StatusCode::CONFLICT,
    )
    .await;
}

#[tokio::test]
async fn confirming_past_a_cohorts_capacity_is_refused_even_when_hosts_confirm_at_once() {
    let app = spawn_app().await;
    let (host, other_host) = (app.as_host().await, app.as_host().await);
    let members: Vec<Session> = futures_util::future::join_all((0..6).map(|_| app.member())).await;
    let mut enrolments = Vec::new();
    for m in &members {
        enrolments.push(id(
            &body(enrol(&app, m, &[m]).await, StatusCode::CREATED).await
        ));
    }
    let small = cohort(&app, &host, 2).await;
    let attempts = enrolments.iter().enumerate().map(|(i, e)| {
        let who = if i % 2 == 0 { &host } else { &other_host };
        confirm(&app, who, e, &small)
    });
    let statuses: Vec<StatusCode> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.status())
        .collect();
    let confirmed = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let full = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((confirmed, full), (2, 4), "{statuses:?}");
}
