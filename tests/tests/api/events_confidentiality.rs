//! Events and who may read them: management answers never carry what the manager may not read
//! (DOMAIN.md "Terms and confidentiality"), and PRO kinds of events never land in spaces people
//! without PRO read (DOMAIN.md "Events and recordings": kinds belong to spaces).

use crate::helpers::{problem, spawn_app};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn managing_a_sealed_room_event_answers_no_title_description_or_join_link_to_outsiders() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let inside = app.member().await;
    let created = app
        .post(
            "/api/v1/admin/spaces",
            Some(&admin.access_token),
            &json!({"slug": "supervision-3", "name": "Supervision 3", "visibility": "sealed"}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let added = app
        .request(
            Method::PUT,
            &format!(
                "/api/v1/admin/spaces/supervision-3/members/{}",
                inside.user_id
            ),
            Some(&admin.access_token),
            None,
        )
        .await;
    assert_eq!(added.status(), StatusCode::NO_CONTENT);

    let start = app.clock_now_utc() + Duration::hours(48);
    let secret = "The case of the quarrelling circle";
    let response = app
        .post(
            "/api/v1/admin/events",
            Some(&admin.access_token),
            &json!({
                "kind": "supervision", "title": secret,
                "description": "Confidential details", "space": "supervision-3",
                "starts_at": start.to_rfc3339(),
                "ends_at": (start + Duration::minutes(90)).to_rfc3339(),
                "join_url": "https://meet.example.org/secret-room",
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let withheld = |body: &Value| {
        let text = body.to_string();
        assert!(
            !text.contains(secret)
                && !text.contains("Confidential details")
                && !text.contains("secret-room"),
            "a management answer carries sealed content: {text}"
        );
        assert_eq!(body["content_withheld"], json!(true), "{text}");
    };
    let created: Value = response.json().await.unwrap_or_else(|e| panic!("{e}"));
    withheld(&created);
    let id = created["id"]
        .as_str()
        .unwrap_or_else(|| panic!("an id: {created}"))
        .to_owned();

    problem(
        app.get(&format!("/api/v1/events/{id}"), Some(&admin.access_token))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let patched = app
        .patch(
            &format!("/api/v1/admin/events/{id}"),
            Some(&admin.access_token),
            &json!({}),
        )
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    withheld(&patched.json().await.unwrap_or_else(|e| panic!("{e}")));
    let cancelled = app
        .delete(
            &format!("/api/v1/admin/events/{id}"),
            Some(&admin.access_token),
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::NO_CONTENT);
    assert!(cancelled
        .text()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .is_empty());
}

#[tokio::test]
async fn pro_event_kinds_belong_to_the_pro_lounge_or_sealed_rooms_never_the_lobby_or_practitioner_lounge(
) {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let start = app.clock_now_utc() + Duration::hours(48);
    let event = |kind: &str, space: &str| {
        json!({
            "kind": kind, "title": "Peer supervision", "space": space,
            "starts_at": start.to_rfc3339(),
            "ends_at": (start + Duration::minutes(90)).to_rfc3339(),
            "join_url": "https://meet.example.org/pro",
        })
    };
    for kind in ["pro_meetup", "supervision", "intervision"] {
        for space in ["lobby", "lobby-members", "practitioner-lounge"] {
            let refused = app
                .post(
                    "/api/v1/admin/events",
                    Some(&host.access_token),
                    &event(kind, space),
                )
                .await;
            assert_eq!(
                problem(refused, StatusCode::UNPROCESSABLE_ENTITY)
                    .await
                    .fields(),
                ["kind"],
                "{kind} in {space}"
            );
        }
        let created = app
            .post(
                "/api/v1/admin/events",
                Some(&host.access_token),
                &event(kind, "pro-lounge"),
            )
            .await;
        assert_eq!(
            created.status(),
            StatusCode::CREATED,
            "{kind} in pro-lounge"
        );
    }
    let created = app
        .post(
            "/api/v1/admin/events",
            Some(&host.access_token),
            &event("community_meetup", "lobby"),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
}
