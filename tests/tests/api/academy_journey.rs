//! One organisation's walk through the Sociocracy Academy (issue 12, "Done when"): it enrols
//! and is confirmed, its students are formed into a pod with another organisation's, the pod
//! chooses a delegate by consent, the superpod agrees on scheduling and the Academy circle sees
//! and answers it, and a student's badge is objected to with a reason, resolved with new
//! evidence, awarded by three peers and exported as a credential that verifies.

use crate::badges::{active_class, ask_for, consent, review, BadgeRequest};
use crate::circle_helpers::{body, id, last_round};
use crate::credentials::{independent_verify, issuer, verify, Credential};
use crate::dto;
use crate::helpers::{problem, spawn_app};
use crate::pods::{cohort, elect, form, my_pods, students, superpod};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn an_organisation_walks_from_enrolment_to_a_verified_badge() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let spring = cohort(&app, &host).await;

    // Enrolment and confirmation (the helper asserts both).
    let acme = students(&app, &host, &spring, "Acme", "Europe/Berlin", 3).await;
    let bricks = students(&app, &host, &spring, "Bricks", "America/Bogota", 3).await;

    // A mentor speaking the organisation's language is proposed with the score's parts, and a
    // host confirms the match: the mentor then reads Acme's implementation circle.
    let mentor = app.member().await;
    let profile = json!({"languages": ["en", "es"], "time_zone": "Europe/Berlin",
        "topics": ["education", "facilitation"], "capacity": 2});
    let published = app
        .request(
            Method::PUT,
            "/api/v1/academy/mentor-profile",
            Some(&mentor.access_token),
            Some(&profile),
        )
        .await;
    body(published, StatusCode::OK).await;
    let mine = body(
        app.get(
            "/api/v1/academy/enrolments/mine",
            Some(&acme[0].access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let enrolment = mine["items"][0]["id"].as_str().unwrap().to_owned();
    let acme_circle = mine["items"][0]["circle_id"].as_str().unwrap().to_owned();
    let proposed = body(
        app.get(
            &format!("/api/v1/admin/academy/enrolments/{enrolment}/mentor-matches"),
            Some(&host.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let best = &proposed["items"][0];
    assert_eq!(best["mentor_id"], mentor.user_id.as_str());
    assert_eq!(best["score"]["language"], 30, "{best}");
    assert!(best["score"]["total"].as_i64().unwrap() > 30, "{best}");
    let matched = app
        .post(
            &format!("/api/v1/admin/academy/enrolments/{enrolment}/mentor"),
            Some(&host.access_token),
            &json!({"mentor_id": mentor.user_id}),
        )
        .await;
    assert_eq!(
        body(matched, StatusCode::OK).await["mentor"]["id"],
        mentor.user_id.as_str()
    );
    let mentored = app
        .get(
            &format!("/api/v1/circles/{acme_circle}"),
            Some(&mentor.access_token),
        )
        .await;
    assert_eq!(mentored.status(), StatusCode::OK);

    // A pod is formed of both organisations' students.
    let formed = body(form(&app, &host, 3, 6).await, StatusCode::CREATED).await;
    assert_eq!(formed["items"].as_array().unwrap().len(), 1);
    let pod = my_pods(&app, &acme[0]).await["items"][0].clone();
    assert_eq!(pod["members"].as_array().unwrap().len(), 6);
    let pod_id = pod["circle_id"].as_str().unwrap().to_owned();

    // The pod chooses its delegate by a consent round.
    let everyone: Vec<_> = acme.iter().chain(&bricks).collect();
    elect(&app, &pod_id, &everyone, &acme[0].user_id).await;
    let delegate = &acme[0];
    let seen = body(superpod(&app, delegate).await, StatusCode::OK).await;
    let superpod_circle = seen["circle"]["id"].as_str().unwrap().to_owned();
    let academy_circle = seen["circle"]["linked_circle_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The superpod agrees on scheduling; the Academy circle sees it and answers.
    let driver = id(&app.driver(delegate, &superpod_circle).await);
    let proposal = body(
        app.post(
            &format!("/api/v1/drivers/{driver}/proposals"),
            Some(&delegate.access_token),
            &json!({"title": "Evening sessions", "body": "Pod sessions start at 17:00 UTC.",
                "topic": "scheduling"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let proposal = app.round(delegate, &id(&proposal), Duration::days(7)).await;
    let agreed = app
        .answered(delegate, &last_round(&proposal), "consent", None)
        .await;
    assert_eq!(agreed["status"], "agreed");
    let academy_view = body(superpod(&app, &host).await, StatusCode::OK).await;
    let linked = &academy_view["agreements"]["items"][0];
    assert_eq!(linked["body"], "Pod sessions start at 17:00 UTC.");
    assert_eq!(linked["academy"]["answer_status"], "pending");
    let academy_driver = linked["academy"]["driver_id"].as_str().unwrap().to_owned();
    let answer = body(
        app.post(
            &format!("/api/v1/drivers/{academy_driver}/proposals"),
            Some(&host.access_token),
            &json!({"title": "Evenings confirmed", "body": "The Academy moves pod sessions to 17:00 UTC."}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(answer["circle_id"], academy_circle.as_str());
    let answer = app.round(&host, &id(&answer), Duration::days(7)).await;
    app.answered(&host, &last_round(&answer), "consent", None)
        .await;
    let seen = body(superpod(&app, delegate).await, StatusCode::OK).await;
    assert_eq!(
        seen["agreements"]["items"][0]["academy"]["answer_status"],
        "answered"
    );

    // A student asks for a badge; pod peers review it.
    let class = active_class(&app, &host, "Consent facilitator").await;
    let student = &acme[1];
    let request = ask_for(&app, student, &class).await;
    let bare = review(
        &app,
        &bricks[0],
        &request.id,
        json!({"answer": "objection"}),
    )
    .await;
    assert_eq!(
        problem(bare, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        ["reason"]
    );
    let objected: BadgeRequest = dto::json_with(
        review(
            &app,
            &bricks[0],
            &request.id,
            json!({"answer": "objection", "reason": "The minutes show a vote, not a consent round"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(objected.standing_objections, 1);
    consent(&app, &bricks[1], &request.id).await;
    let blocked = consent(&app, &bricks[2], &request.id).await;
    assert_eq!((blocked.status.as_str(), blocked.consents), ("open", 2));
    let with_more: BadgeRequest = dto::json_with(
        app.post(
            &format!("/api/v1/badge-requests/{}/evidence", request.id),
            Some(&student.access_token),
            &json!({"evidence": [{"text": "Recording of the consent round I facilitated",
                "url": "https://example.org/rec/7"}]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(with_more.evidence.len(), 2);
    let awarded = consent(&app, &bricks[0], &request.id).await;
    assert_eq!(awarded.status, "awarded");
    assert_eq!(awarded.consents, 3);
    let award = awarded.award_id.expect("an award");

    // The credential exports and verifies, here and with an independent library.
    let credential: Credential = dto::json_with(
        app.get(
            &format!("/api/v1/badge-awards/{award}/credential"),
            Some(&student.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(verify(&app, &credential.credential).await.valid);
    let profile: Value = issuer(&app).await;
    let jwk = &profile["verificationMethod"][0]["publicKeyJwk"];
    assert_eq!(
        independent_verify(jwk, &credential.credential)["valid"],
        true
    );
}
