//! Pods (DOMAIN.md "Sociocracy Academy"): hosts form pods of students across organisations,
//! each pod a circle with its own sealed space; a pod chooses its delegate by a consent round,
//! and the delegate joins the superpod.

use crate::circle_helpers::{body, id, last_round};
use crate::helpers::{problem, spawn_app, Session, TestApp};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

/// A cohort opened by `host`.
pub async fn cohort(app: &TestApp, host: &Session) -> String {
    let response = app
        .post(
            "/api/v1/admin/academy/cohorts",
            Some(&host.access_token),
            &json!({"name": "Spring", "capacity": 50}),
        )
        .await;
    id(&body(response, StatusCode::CREATED).await)
}

/// `n` (1–3) new members enrolled by `organisation` and confirmed into `cohort`, in `zone`.
pub async fn students(
    app: &TestApp,
    host: &Session,
    cohort: &str,
    organisation: &str,
    zone: &str,
    n: usize,
) -> Vec<Session> {
    let people: Vec<Session> = futures_util::future::join_all((0..n).map(|_| app.member())).await;
    for person in &people {
        let changed = app
            .patch(
                "/api/v1/me",
                Some(&person.access_token),
                &json!({"time_zone": zone}),
            )
            .await;
        assert_eq!(changed.status(), StatusCode::OK);
    }
    let ids: Vec<&str> = people.iter().map(|p| p.user_id.as_str()).collect();
    let enrolment = app
        .post(
            "/api/v1/academy/enrolments",
            Some(&people[0].access_token),
            &json!({"organisation": {"name": organisation, "size": 20, "sector": "education",
                "country": "NL", "languages": ["en"]}, "member_ids": ids}),
        )
        .await;
    let enrolment = id(&body(enrolment, StatusCode::CREATED).await);
    let confirmed = app
        .post(
            &format!("/api/v1/admin/academy/enrolments/{enrolment}/confirm"),
            Some(&host.access_token),
            &json!({"cohort_id": cohort}),
        )
        .await;
    body(confirmed, StatusCode::OK).await;
    people
}

pub async fn make_pod(app: &TestApp, host: &Session, name: &str, members: &[&Session]) -> Value {
    let ids: Vec<&str> = members.iter().map(|m| m.user_id.as_str()).collect();
    let response = app
        .post(
            "/api/v1/admin/academy/pods",
            Some(&host.access_token),
            &json!({"name": name, "member_ids": ids}),
        )
        .await;
    body(response, StatusCode::CREATED).await
}

pub async fn form(app: &TestApp, host: &Session, min: i64, max: i64) -> reqwest::Response {
    app.post(
        "/api/v1/admin/academy/pods/form",
        Some(&host.access_token),
        &json!({"size_min": min, "size_max": max}),
    )
    .await
}

pub async fn my_pods(app: &TestApp, who: &Session) -> Value {
    body(
        app.get("/api/v1/academy/pods/mine", Some(&who.access_token))
            .await,
        StatusCode::OK,
    )
    .await
}

/// Proposes `delegate` as the pod's delegate (by `members[0]`); the response of the request.
pub async fn propose_delegate(
    app: &TestApp,
    pod: &str,
    by: &Session,
    delegate: &str,
) -> reqwest::Response {
    let driver = id(&app.driver(by, pod).await);
    app.post(
        &format!("/api/v1/drivers/{driver}/proposals"),
        Some(&by.access_token),
        &json!({"title": "Our delegate", "body": "Our delegate to the superpod.",
            "subject_kind": "delegate", "subject_id": delegate}),
    )
    .await
}

/// Every pod member consents to `delegate`; the agreed proposal.
pub async fn elect(app: &TestApp, pod: &str, members: &[&Session], delegate: &str) -> Value {
    let proposal = body(
        propose_delegate(app, pod, members[0], delegate).await,
        StatusCode::CREATED,
    )
    .await;
    agreed_by(app, &proposal, members).await
}

/// Opens a week's round on `proposal` (by `members[0]`) and every member consents; the agreed
/// proposal.
pub async fn agreed_by(app: &TestApp, proposal: &Value, members: &[&Session]) -> Value {
    let proposal = app
        .round(members[0], &id(proposal), Duration::days(7))
        .await;
    let round = last_round(&proposal);
    let mut last = proposal;
    for member in members {
        last = app.answered(member, &round, "consent", None).await;
    }
    assert_eq!(last["status"], "agreed", "{last}");
    last
}

pub async fn superpod(app: &TestApp, who: &Session) -> reqwest::Response {
    app.get("/api/v1/academy/superpod", Some(&who.access_token))
        .await
}

fn ids_of(pod: &Value) -> Vec<String> {
    pod["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn forming_pods_balances_sizes_and_mixes_organisations() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let spring = cohort(&app, &host).await;
    let mut organisation_of: HashMap<String, &str> = HashMap::new();
    for (org, zone) in [
        ("Acme", "Europe/Berlin"),
        ("Bricks", "America/Bogota"),
        ("Canopy", "Asia/Tokyo"),
    ] {
        for s in students(&app, &host, &spring, org, zone, 3).await {
            organisation_of.insert(s.user_id, org);
        }
    }
    // Nine students cannot be split into pods of five or six; nothing is formed.
    let refused = problem(
        form(&app, &host, 5, 6).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(refused.fields(), ["size_min"]);
    let invalid = problem(
        form(&app, &host, 0, 99).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(invalid.fields(), ["size_min", "size_max"]);
    let student = app.member().await;
    problem(
        app.post(
            "/api/v1/admin/academy/pods/form",
            Some(&student.access_token),
            &json!({"size_min": 2, "size_max": 3}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;

    let formed = body(form(&app, &host, 2, 3).await, StatusCode::CREATED).await;
    let pods = formed["items"].as_array().unwrap();
    assert_eq!(pods.len(), 3);
    let mut everyone = HashSet::new();
    for pod in pods {
        let members = ids_of(pod);
        assert_eq!(members.len(), 3, "{pod}");
        let orgs: HashSet<&str> = members.iter().map(|m| organisation_of[m]).collect();
        assert_eq!(
            orgs.len(),
            3,
            "each pod mixes the three organisations: {pod}"
        );
        everyone.extend(members);
    }
    assert_eq!(everyone.len(), 9);
    // Everyone is in a pod now: forming again forms nothing.
    let again = body(form(&app, &host, 2, 3).await, StatusCode::CREATED).await;
    assert!(again["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_student_is_never_in_two_pods() {
    let app = spawn_app().await;
    let (host, other_host) = (app.as_host().await, app.as_host().await);
    let spring = cohort(&app, &host).await;
    let acme = students(&app, &host, &spring, "Acme", "Europe/Berlin", 3).await;
    let bricks = students(&app, &host, &spring, "Bricks", "America/Bogota", 3).await;
    make_pod(&app, &host, "Pod by hand", &[&acme[0], &bricks[0]]).await;
    let twice = app
        .post(
            "/api/v1/admin/academy/pods",
            Some(&host.access_token),
            &json!({"name": "Again", "member_ids": [acme[0].user_id, acme[1].user_id]}),
        )
        .await;
    assert_eq!(
        problem(twice, StatusCode::CONFLICT).await.kind,
        "already-in-a-pod"
    );
    let stranger = app.member().await;
    let not_a_student = app
        .post(
            "/api/v1/admin/academy/pods",
            Some(&host.access_token),
            &json!({"name": "Strangers", "member_ids": [stranger.user_id]}),
        )
        .await;
    let refused = problem(not_a_student, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields(), ["member_ids"]);

    // Two hosts form pods at once: every waiting student lands in exactly one pod.
    let (one, two) = tokio::join!(form(&app, &host, 2, 2), form(&app, &other_host, 2, 2));
    let mut placed: Vec<String> = Vec::new();
    for response in [one, two] {
        if response.status() == StatusCode::CREATED {
            let formed = body(response, StatusCode::CREATED).await;
            for pod in formed["items"].as_array().unwrap() {
                placed.extend(ids_of(pod));
            }
        } else {
            assert_eq!(
                problem(response, StatusCode::CONFLICT).await.kind,
                "already-in-a-pod"
            );
        }
    }
    placed.sort();
    let mut expected: Vec<String> = acme[1..]
        .iter()
        .chain(&bricks[1..])
        .map(|s| s.user_id.clone())
        .collect();
    expected.sort();
    assert_eq!(placed, expected);
    for s in acme.iter().chain(&bricks) {
        assert_eq!(my_pods(&app, s).await["items"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_pod_space_is_404_to_students_of_other_pods() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let spring = cohort(&app, &host).await;
    let acme = students(&app, &host, &spring, "Acme", "Europe/Berlin", 2).await;
    let bricks = students(&app, &host, &spring, "Bricks", "America/Bogota", 2).await;
    let north = make_pod(&app, &host, "North", &[&acme[0], &bricks[0]]).await;
    make_pod(&app, &host, "South", &[&acme[1], &bricks[1]]).await;
    let mine = my_pods(&app, &acme[0]).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["circle_id"], north["circle_id"]);
    assert_eq!(mine["items"][0]["delegate"], Value::Null);
    let circle = north["circle_id"].as_str().unwrap();
    let space = north["space_slug"].as_str().unwrap();
    let post = app
        .post(
            &format!("/api/v1/spaces/{space}/posts"),
            Some(&acme[0].access_token),
            &json!({"kind": "discussion", "title": "Pod notes", "body": "Our practice", "topics": []}),
        )
        .await;
    body(post, StatusCode::CREATED).await;
    let seen = app
        .get(
            &format!("/api/v1/spaces/{space}/posts"),
            Some(&bricks[0].access_token),
        )
        .await;
    body(seen, StatusCode::OK).await;
    for path in [
        format!("/api/v1/circles/{circle}"),
        format!("/api/v1/circles/{circle}/drivers"),
        format!("/api/v1/spaces/{space}"),
        format!("/api/v1/spaces/{space}/posts"),
    ] {
        for outsider in [&acme[1], &bricks[1], &host] {
            let response = app.get(&path, Some(&outsider.access_token)).await;
            problem(response, StatusCode::NOT_FOUND).await;
        }
    }
}

#[tokio::test]
async fn a_delegate_is_chosen_by_a_consent_round_in_the_pod_and_joins_the_superpod() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let spring = cohort(&app, &host).await;
    let acme = students(&app, &host, &spring, "Acme", "Europe/Berlin", 2).await;
    let bricks = students(&app, &host, &spring, "Bricks", "America/Bogota", 2).await;
    let pod = make_pod(&app, &host, "North", &[&acme[0], &bricks[0], &bricks[1]]).await;
    let pod_id = pod["circle_id"].as_str().unwrap();
    let members = [&acme[0], &bricks[0], &bricks[1]];

    // The delegate must be a member of the pod.
    let outsider = propose_delegate(&app, pod_id, &acme[0], &acme[1].user_id).await;
    let refused = problem(outsider, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields(), ["subject_id"]);
    // No superpod before the first delegate.
    problem(superpod(&app, &acme[0]).await, StatusCode::NOT_FOUND).await;

    let agreed = elect(&app, pod_id, &members, &acme[0].user_id).await;
    assert_eq!(agreed["subject_kind"], "delegate");
    let mine = my_pods(&app, &bricks[1]).await;
    assert_eq!(
        mine["items"][0]["delegate"]["user_id"],
        acme[0].user_id.as_str()
    );
    let seen = body(superpod(&app, &acme[0]).await, StatusCode::OK).await;
    assert_eq!(seen["circle"]["kind"], "superpod");
    assert_eq!(ids_of(&seen["circle"]), vec![acme[0].user_id.clone()]);
    assert_eq!(seen["delegates"][0]["pod_circle_id"], pod_id);
    assert!(seen["circle"]["linked_circle_id"].is_string());

    // A new round replaces the delegate: the previous one leaves the superpod.
    elect(&app, pod_id, &members, &bricks[1].user_id).await;
    problem(superpod(&app, &acme[0]).await, StatusCode::NOT_FOUND).await;
    let seen = body(superpod(&app, &bricks[1]).await, StatusCode::OK).await;
    assert_eq!(ids_of(&seen["circle"]), vec![bricks[1].user_id.clone()]);
    assert_eq!(seen["delegates"].as_array().unwrap().len(), 1);
}
