//! Circles (DOMAIN.md "S3 in the platform itself"): named groups with a sealed space of their
//! own; nothing of a circle is readable outside it, on any path.

use crate::circle_helpers::{body, id, last_round};
use crate::helpers::{problem, spawn_app};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn hosts_create_circles_and_members_read_only_their_own() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let (ada, bo, outsider) = (app.member().await, app.member().await, app.member().await);
    let circle = app.circle(&host, "Onboarding", &[&ada, &bo]).await;
    assert_eq!(circle["kind"], "circle");
    assert_eq!(circle["members"].as_array().unwrap().len(), 2);
    let circle_id = id(&circle);

    let mine = body(
        app.get("/api/v1/circles", Some(&ada.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["items"][0]["id"], circle_id.as_str());
    assert_eq!(mine["items"][0]["my_role"], "member");
    let none = body(
        app.get("/api/v1/circles", Some(&outsider.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(none["items"].as_array().unwrap().is_empty());

    let path = format!("/api/v1/circles/{circle_id}");
    body(app.get(&path, Some(&bo.access_token)).await, StatusCode::OK).await;
    for who in [&outsider, &host] {
        problem(
            app.get(&path, Some(&who.access_token)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
}

#[tokio::test]
async fn only_hosts_create_circles_and_members_must_exist() {
    let app = spawn_app().await;
    let member = app.member().await;
    let refused = app
        .post(
            "/api/v1/admin/circles",
            Some(&member.access_token),
            &json!({"name": "Mine", "member_ids": []}),
        )
        .await;
    problem(refused, StatusCode::FORBIDDEN).await;
    let host = app.as_host().await;
    let unknown = app
        .post(
            "/api/v1/admin/circles",
            Some(&host.access_token),
            &json!({"name": "Ghosts", "member_ids": [uuid::Uuid::new_v4().to_string()]}),
        )
        .await;
    let invalid = problem(unknown, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(invalid.fields(), ["member_ids"]);
}

#[tokio::test]
async fn a_removed_member_loses_access_with_the_request_and_an_added_one_gains_it() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let (ada, bo) = (app.member().await, app.member().await);
    let circle = id(&app.circle(&host, "Onboarding", &[&ada]).await);
    let path = format!("/api/v1/circles/{circle}");
    problem(
        app.get(&path, Some(&bo.access_token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    let member_path = format!("/api/v1/admin/circles/{circle}/members/{}", bo.user_id);
    body(
        app.put(&member_path, Some(&host.access_token)).await,
        StatusCode::OK,
    )
    .await;
    body(app.get(&path, Some(&bo.access_token)).await, StatusCode::OK).await;
    problem(
        app.put(&member_path, Some(&ada.access_token)).await,
        StatusCode::FORBIDDEN,
    )
    .await;

    let ada_path = format!("/api/v1/admin/circles/{circle}/members/{}", ada.user_id);
    let after = body(
        app.delete(&ada_path, Some(&host.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(after["members"].as_array().unwrap().len(), 1);
    problem(
        app.get(&path, Some(&ada.access_token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn nobody_outside_a_circle_reads_its_drivers_proposals_rounds_or_agreements() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let (ada, bo) = (app.member().await, app.member().await);
    let (circle, proposal) = app.proposal_in_round(&host, &[&ada, &bo]).await;
    let proposal_id = id(&proposal);
    let round = last_round(&proposal);
    let objected = app
        .answered(
            &ada,
            &round,
            "objection",
            Some("Mentors far away are never matched."),
        )
        .await;
    let objection = id(&objected["objections"][0]);
    app.answered(&ada, &round, "consent", None).await;
    let agreed = app.answered(&bo, &round, "consent", None).await;
    let agreement = agreed["agreement_id"].as_str().expect("agreed").to_owned();
    let driver = proposal["driver"]["id"].as_str().unwrap().to_owned();
    let space = body(
        app.get(
            &format!("/api/v1/circles/{circle}"),
            Some(&ada.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await["space_slug"]
        .as_str()
        .unwrap()
        .to_owned();
    // Something posted in the circle's space, which outsiders must not find either.
    let post = app
        .post(
            &format!("/api/v1/spaces/{space}/posts"),
            Some(&ada.access_token),
            &json!({"kind": "discussion", "title": "Circle notes zebrafish", "body": "zebrafish", "topics": []}),
        )
        .await;
    body(post, StatusCode::CREATED).await;

    let reads = [
        format!("/api/v1/circles/{circle}"),
        format!("/api/v1/circles/{circle}/drivers"),
        format!("/api/v1/circles/{circle}/agreements"),
        format!("/api/v1/proposals/{proposal_id}"),
        format!("/api/v1/agreements/{agreement}"),
        format!("/api/v1/spaces/{space}"),
        format!("/api/v1/spaces/{space}/posts"),
    ];
    let later = app.server_now() + Duration::days(3);
    let writes = [
        (
            Method::POST,
            format!("/api/v1/circles/{circle}/drivers"),
            json!({"situation": "s", "effect": "e", "need": "n"}),
        ),
        (
            Method::POST,
            format!("/api/v1/drivers/{driver}/proposals"),
            json!({"title": "t", "body": "b"}),
        ),
        (
            Method::POST,
            format!("/api/v1/proposals/{proposal_id}/versions"),
            json!({"body": "b"}),
        ),
        (
            Method::POST,
            format!("/api/v1/proposals/{proposal_id}/rounds"),
            json!({"closes_at": later}),
        ),
        (
            Method::PUT,
            format!("/api/v1/rounds/{round}/answer"),
            json!({"answer": "consent"}),
        ),
        (
            Method::POST,
            format!("/api/v1/objections/{objection}/resolve"),
            json!({}),
        ),
        (
            Method::POST,
            format!("/api/v1/agreements/{agreement}/reviews"),
            json!({"closes_at": later}),
        ),
        (
            Method::POST,
            format!("/api/v1/agreements/{agreement}/retire"),
            json!({}),
        ),
    ];
    let outsider = app.member().await;
    for who in [&outsider, &host] {
        for path in &reads {
            let response = app.get(path, Some(&who.access_token)).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "GET {path}");
        }
        for (method, path, payload) in &writes {
            let response = app
                .request(method.clone(), path, Some(&who.access_token), Some(payload))
                .await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{method} {path}");
        }
        let found = app.search(Some(&who.access_token), "zebrafish").await;
        assert!(found.items.is_empty(), "search finds nothing of the circle");
    }
    // Visitors learn nothing either.
    for path in &reads {
        let status = app.get(path, None).await.status();
        assert!(
            matches!(status, StatusCode::UNAUTHORIZED | StatusCode::NOT_FOUND),
            "{path}"
        );
    }
}
