//! Assignments (DOMAIN.md "Learning"): one submission per member, private to author and hosts
//! or shared with the space, editable until due; feedback from hosts, and peers on shared ones.

use crate::helpers::{problem, spawn_app, Session, TestApp};
use crate::questions::json;
use chrono::{Duration, SecondsFormat};
use praxis_api::clock::Clock;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn assignment(app: &TestApp, host: &Session, space: &str, due_in: Duration) -> String {
    let due = (app.clock.now() + due_in).to_rfc3339_opts(SecondsFormat::Secs, true);
    let created = app
        .post(
            "/api/v1/admin/assignments",
            Some(&host.access_token),
            &json!({"title": "Map a driver", "instructions": "Describe one driver you noticed.", "space": space, "due_at": due}),
        )
        .await;
    json(created, StatusCode::CREATED).await["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

async fn submit(app: &TestApp, who: &Session, id: &str, visibility: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/assignments/{id}/submissions"),
        Some(&who.access_token),
        &json!({"body": format!("My {visibility} answer"), "visibility": visibility}),
    )
    .await
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {page}"))
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn lounge_assignments_are_hidden_from_lobby_members_and_open_to_practitioners() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let lounge = assignment(&app, &host, "practitioner-lounge", Duration::days(7)).await;
    let lobby_one = assignment(&app, &host, "lobby-members", Duration::days(8)).await;
    let practitioner = app.member().await;
    app.subscribed(&practitioner, "practitioner", "monthly")
        .await;
    let lobby = app.member().await;

    let seen = json(
        app.get("/api/v1/assignments", Some(&lobby.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ids(&seen), vec![lobby_one.clone()]);
    problem(
        app.get(
            &format!("/api/v1/assignments/{lounge}"),
            Some(&lobby.access_token),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.get(
            &format!("/api/v1/assignments/{lounge}/submissions"),
            Some(&lobby.access_token),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        submit(&app, &lobby, &lounge, "shared").await,
        StatusCode::NOT_FOUND,
    )
    .await;

    let seen = json(
        app.get("/api/v1/assignments", Some(&practitioner.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        ids(&seen),
        vec![lobby_one, lounge.clone()],
        "latest due first"
    );
    assert_eq!(
        submit(&app, &practitioner, &lounge, "shared")
            .await
            .status(),
        StatusCode::CREATED
    );
    let visitor = json(app.get("/api/v1/assignments", None).await, StatusCode::OK).await;
    assert_eq!(ids(&visitor), Vec::<String>::new());
}

#[tokio::test]
async fn shared_submissions_are_visible_to_peers_and_private_ones_only_to_author_and_hosts() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let id = assignment(&app, &host, "lobby-members", Duration::days(7)).await;
    let (sharer, keeper, peer) = (app.member().await, app.member().await, app.member().await);
    let shared = json(
        submit(&app, &sharer, &id, "shared").await,
        StatusCode::CREATED,
    )
    .await;
    let private = json(
        submit(&app, &keeper, &id, "private").await,
        StatusCode::CREATED,
    )
    .await;
    let (shared, private) = (
        shared["id"].as_str().expect("id").to_owned(),
        private["id"].as_str().expect("id").to_owned(),
    );
    let list = format!("/api/v1/assignments/{id}/submissions");

    let by_peer = json(
        app.get(&list, Some(&peer.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ids(&by_peer), vec![shared.clone()]);
    let by_keeper = json(
        app.get(&list, Some(&keeper.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ids(&by_keeper), vec![shared.clone(), private.clone()]);
    let by_host = json(
        app.get(&list, Some(&host.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ids(&by_host), vec![shared.clone(), private.clone()]);

    problem(
        app.get(
            &format!("/api/v1/submissions/{private}"),
            Some(&peer.access_token),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let feedback = |s: &str| format!("/api/v1/submissions/{s}/feedback");
    problem(
        app.get(&feedback(&private), Some(&peer.access_token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.post(
            &feedback(&private),
            Some(&peer.access_token),
            &json!({"body": "Nice"}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;

    let peer_feedback = app
        .post(
            &feedback(&shared),
            Some(&peer.access_token),
            &json!({"body": "Helpful, thank you"}),
        )
        .await;
    assert_eq!(peer_feedback.status(), StatusCode::CREATED);
    let host_feedback = app
        .post(
            &feedback(&private),
            Some(&host.access_token),
            &json!({"body": "Well observed"}),
        )
        .await;
    assert_eq!(host_feedback.status(), StatusCode::CREATED);
    let thread = json(
        app.get(&feedback(&private), Some(&keeper.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(thread["items"][0]["body"], "Well observed");
    let listed = json(
        app.get(&list, Some(&sharer.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["items"][0]["feedback_count"], 1);

    // Making it private takes it away from peers at once.
    let hidden = app
        .patch(
            &format!("/api/v1/submissions/{shared}"),
            Some(&sharer.access_token),
            &json!({"visibility": "private"}),
        )
        .await;
    assert_eq!(hidden.status(), StatusCode::OK);
    problem(
        app.get(&feedback(&shared), Some(&peer.access_token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn one_submission_per_member_editable_by_its_author_until_due() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let id = assignment(&app, &host, "lobby-members", Duration::days(1)).await;
    let (author, peer) = (app.member().await, app.member().await);
    let first = json(
        submit(&app, &author, &id, "shared").await,
        StatusCode::CREATED,
    )
    .await;
    let second = submit(&app, &author, &id, "private").await;
    assert_eq!(
        problem(second, StatusCode::CONFLICT).await.kind,
        "submission-exists"
    );
    let path = format!("/api/v1/submissions/{}", first["id"].as_str().expect("id"));
    let by_peer = app
        .patch(
            &path,
            Some(&peer.access_token),
            &json!({"body": "Hijacked"}),
        )
        .await;
    assert_eq!(
        problem(by_peer, StatusCode::FORBIDDEN).await.kind,
        "not-submission-author"
    );
    let edited = json(
        app.patch(
            &path,
            Some(&author.access_token),
            &json!({"body": "Revised"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["body"], "Revised");
    let bad = app
        .patch(
            &path,
            Some(&author.access_token),
            &json!({"visibility": "everyone"}),
        )
        .await;
    assert_eq!(
        problem(bad, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields()[0],
        "visibility"
    );

    app.clock.advance(Duration::days(2));
    let author = app.relogin(&author).await;
    let late = app
        .patch(
            &path,
            Some(&author.access_token),
            &json!({"body": "Too late"}),
        )
        .await;
    assert_eq!(
        problem(late, StatusCode::CONFLICT).await.kind,
        "assignment-closed"
    );
    let late_peer = app.relogin(&peer).await;
    assert_eq!(
        problem(
            submit(&app, &late_peer, &id, "shared").await,
            StatusCode::CONFLICT
        )
        .await
        .kind,
        "assignment-closed"
    );
}
