//! The superpod (DOMAIN.md "Sociocracy Academy"): the pods' delegates, linked to the Academy
//! circle, which answers the superpod's agreements about programming, enrolment and
//! scheduling; students propose new badges there; pod members review each other's badges.

use crate::badges::{active_class, ask_for, class_body, consent, review, BadgeClass};
use crate::circle_helpers::{body, id, last_round};
use crate::dto;
use crate::helpers::{problem, spawn_app, Session, TestApp};
use crate::pods::{agreed_by, cohort, elect, make_pod, students, superpod};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Two pods of two organisations, each with its delegate: the superpod exists.
pub struct Academy {
    pub host: Session,
    pub delegates: [Session; 2],
    /// Pod members who are not delegates.
    pub others: Vec<Session>,
    pub academy_circle: String,
    pub superpod_circle: String,
}

pub async fn academy(app: &TestApp) -> Academy {
    let host = app.as_host().await;
    let spring = cohort(app, &host).await;
    let mut acme = students(app, &host, &spring, "Acme", "Europe/Berlin", 2).await;
    let bricks = students(app, &host, &spring, "Bricks", "America/Bogota", 2).await;
    let north = make_pod(app, &host, "North", &[&acme[0], &bricks[0]]).await;
    let south = make_pod(app, &host, "South", &[&acme[1], &bricks[1]]).await;
    for (pod, members) in [
        (&north, [&acme[0], &bricks[0]]),
        (&south, [&acme[1], &bricks[1]]),
    ] {
        let pod = pod["circle_id"].as_str().unwrap();
        elect(app, pod, &members, &members[0].user_id).await;
    }
    let seen = body(superpod(app, &acme[0]).await, StatusCode::OK).await;
    let superpod_circle = seen["circle"]["id"].as_str().unwrap().to_owned();
    let academy_circle = seen["circle"]["linked_circle_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = acme.remove(1);
    let first = acme.remove(0);
    Academy {
        host,
        delegates: [first, second],
        others: bricks,
        academy_circle,
        superpod_circle,
    }
}

/// A proposal in `circle` answering a new driver, with `extra` fields, agreed by `members`.
async fn agree(
    app: &TestApp,
    circle: &str,
    members: &[&Session],
    driver: Option<String>,
    extra: Value,
) -> Value {
    let driver = match driver {
        Some(driver) => driver,
        None => id(&app.driver(members[0], circle).await),
    };
    let mut request =
        json!({"title": "Sessions on Tuesdays", "body": "Pods meet on Tuesdays at 15:00 UTC."});
    for (k, v) in extra.as_object().unwrap() {
        request[k] = v.clone();
    }
    let proposal = body(
        app.post(
            &format!("/api/v1/drivers/{driver}/proposals"),
            Some(&members[0].access_token),
            &request,
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    agreed_by(app, &proposal, members).await
}

fn agreements(seen: &Value) -> &Vec<Value> {
    seen["agreements"]["items"].as_array().unwrap()
}

#[tokio::test]
async fn a_superpod_agreement_on_scheduling_is_put_before_the_academy_circle_which_answers_it() {
    let app = spawn_app().await;
    let a = academy(&app).await;
    let delegates = [&a.delegates[0], &a.delegates[1]];
    let scheduling = agree(
        &app,
        &a.superpod_circle,
        &delegates,
        None,
        json!({"topic": "scheduling"}),
    )
    .await;
    let internal = agree(
        &app,
        &a.superpod_circle,
        &delegates,
        None,
        json!({"title": "We meet monthly"}),
    )
    .await;

    let seen = body(superpod(&app, &a.delegates[0]).await, StatusCode::OK).await;
    assert_eq!(agreements(&seen).len(), 2);
    let linked = &agreements(&seen)[0];
    assert_eq!(linked["id"], scheduling["agreement_id"]);
    assert_eq!(linked["academy"]["topic"], "scheduling");
    assert_eq!(linked["academy"]["answer_status"], "pending");
    assert_eq!(agreements(&seen)[1]["academy"], Value::Null);
    let driver = linked["academy"]["driver_id"].as_str().unwrap().to_owned();

    // The Academy circle sees the agreement, its text quoted in a driver of its own, and not
    // the superpod's agreement that has no topic.
    let drivers = body(
        app.get(
            &format!("/api/v1/circles/{}/drivers", a.academy_circle),
            Some(&a.host.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let put_before = drivers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == driver.as_str())
        .expect("the driver is in the Academy circle");
    assert!(put_before["situation"]
        .as_str()
        .unwrap()
        .contains("Pods meet on Tuesdays at 15:00 UTC."));
    let academy_view = body(superpod(&app, &a.host).await, StatusCode::OK).await;
    assert_eq!(agreements(&academy_view).len(), 1);
    assert_ne!(agreements(&academy_view)[0]["id"], internal["agreement_id"]);

    // The Academy circle answers: its agreement is linked back to the superpod's.
    let answer = agree(
        &app,
        &a.academy_circle,
        &[&a.host],
        Some(driver.clone()),
        json!({"title": "Tuesdays confirmed", "body": "The Academy schedules pod sessions on Tuesdays."}),
    )
    .await;
    let seen = body(superpod(&app, &a.delegates[1]).await, StatusCode::OK).await;
    let linked = &agreements(&seen)[0]["academy"];
    assert_eq!(linked["answer_status"], "answered");
    assert_eq!(linked["answer"]["agreement_id"], answer["agreement_id"]);
    assert_eq!(
        linked["answer"]["body"],
        "The Academy schedules pod sessions on Tuesdays."
    );

    // Nobody outside those circles sees any of it.
    let outsider = &a.others[0];
    problem(superpod(&app, outsider).await, StatusCode::NOT_FOUND).await;
    for path in [
        format!("/api/v1/circles/{}/drivers", a.academy_circle),
        format!(
            "/api/v1/agreements/{}",
            answer["agreement_id"].as_str().unwrap()
        ),
        format!(
            "/api/v1/agreements/{}",
            scheduling["agreement_id"].as_str().unwrap()
        ),
    ] {
        problem(
            app.get(&path, Some(&outsider.access_token)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
}

#[tokio::test]
async fn a_topic_is_refused_outside_the_superpod() {
    let app = spawn_app().await;
    let a = academy(&app).await;
    let driver = id(&app.driver(&a.host, &a.academy_circle).await);
    let refused = app
        .post(
            &format!("/api/v1/drivers/{driver}/proposals"),
            Some(&a.host.access_token),
            &json!({"title": "t", "body": "b", "topic": "scheduling"}),
        )
        .await;
    assert_eq!(
        problem(refused, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        ["topic"]
    );
    let unknown = app
        .post(
            &format!("/api/v1/drivers/{driver}/proposals"),
            Some(&a.host.access_token),
            &json!({"title": "t", "body": "b", "subject_kind": "emperor"}),
        )
        .await;
    assert_eq!(
        problem(unknown, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        ["subject_kind"]
    );
}

#[tokio::test]
async fn the_superpod_is_404_to_a_student_who_is_not_a_delegate() {
    let app = spawn_app().await;
    let a = academy(&app).await;
    for student in &a.others {
        problem(superpod(&app, student).await, StatusCode::NOT_FOUND).await;
        let circle = app
            .get(
                &format!("/api/v1/circles/{}", a.superpod_circle),
                Some(&student.access_token),
            )
            .await;
        problem(circle, StatusCode::NOT_FOUND).await;
    }
    let stranger = app.member().await;
    problem(superpod(&app, &stranger).await, StatusCode::NOT_FOUND).await;
    body(superpod(&app, &a.delegates[1]).await, StatusCode::OK).await;
}

async fn propose_badge(app: &TestApp, student: &Session, name: &str) -> reqwest::Response {
    app.post(
        "/api/v1/badges",
        Some(&student.access_token),
        &class_body(name),
    )
    .await
}

#[tokio::test]
async fn a_badge_class_proposed_by_a_student_becomes_active_when_the_superpod_agrees() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let spring = cohort(&app, &host).await;
    let early = students(&app, &host, &spring, "Early", "Europe/Lisbon", 2).await;
    make_pod(&app, &host, "Early pod", &[&early[0], &early[1]]).await;
    // No superpod yet: nobody could decide it.
    let waiting = propose_badge(&app, &early[0], "Role selection").await;
    assert_eq!(
        problem(waiting, StatusCode::CONFLICT).await.kind,
        "no-superpod"
    );

    let a = academy(&app).await;
    let stranger = app.member().await;
    let refused = propose_badge(&app, &stranger, "Role selection").await;
    assert_eq!(
        problem(refused, StatusCode::FORBIDDEN).await.kind,
        "not-a-student"
    );

    let student = &a.others[0];
    let proposed: Value = body(
        propose_badge(&app, student, "Role selection").await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(proposed["status"], "proposed");
    let proposal = proposed["proposal_id"].as_str().unwrap().to_owned();
    // The proposal is the superpod's: its delegates decide, nobody else reads it.
    problem(
        app.get(
            &format!("/api/v1/proposals/{proposal}"),
            Some(&stranger.access_token),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let open = app.proposal_of(&a.delegates[0], &proposal).await;
    assert_eq!(open["subject_kind"], "badge_class");
    assert_eq!(open["circle_id"], a.superpod_circle.as_str());
    let round = last_round(&open);
    app.answered(&a.delegates[0], &round, "consent", None).await;
    let agreed = app.answered(&a.delegates[1], &round, "consent", None).await;
    assert_eq!(agreed["status"], "agreed");

    let class: BadgeClass = dto::json_with(
        app.get(
            &format!("/api/v1/badges/{}", proposed["id"].as_str().unwrap()),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(class.status, "active");
    ask_for(&app, &a.delegates[0], &class).await;
}

#[tokio::test]
async fn a_badge_class_is_retired_when_the_superpod_retires_its_agreement() {
    let app = spawn_app().await;
    let a = academy(&app).await;
    let proposed = body(
        propose_badge(&app, &a.others[1], "Facilitation").await,
        StatusCode::CREATED,
    )
    .await;
    let open = app
        .proposal_of(&a.delegates[1], proposed["proposal_id"].as_str().unwrap())
        .await;
    let round = last_round(&open);
    app.answered(&a.delegates[0], &round, "consent", None).await;
    let agreed = app.answered(&a.delegates[1], &round, "consent", None).await;
    let class_id = proposed["id"].as_str().unwrap();
    let agreement = agreed["agreement_id"].as_str().unwrap();
    body(
        app.post(
            &format!("/api/v1/agreements/{agreement}/retire"),
            Some(&a.delegates[1].access_token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let retired: BadgeClass = dto::json_with(
        app.get(&format!("/api/v1/badges/{class_id}"), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(retired.status, "retired");
}

#[tokio::test]
async fn a_pod_member_may_review_a_badge_request() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let spring = cohort(&app, &host).await;
    let acme = students(&app, &host, &spring, "Acme", "Europe/Berlin", 2).await;
    let bricks = students(&app, &host, &spring, "Bricks", "America/Bogota", 2).await;
    make_pod(&app, &host, "North", &[&acme[0], &bricks[0]]).await;
    make_pod(&app, &host, "South", &[&acme[1], &bricks[1]]).await;
    let class = active_class(&app, &host, "Role selection").await;
    let request = ask_for(&app, &acme[0], &class).await;
    // A co-member of the pod reviews; a student of another pod (no holder) may not.
    let reviewed = consent(&app, &bricks[0], &request.id).await;
    assert_eq!(reviewed.consents, 1);
    let other_pod = review(&app, &bricks[1], &request.id, json!({"answer": "consent"})).await;
    problem(other_pod, StatusCode::NOT_FOUND).await;
}
