//! Every failure is an RFC 9457 problem, including actix's own, and none leaks internals.

use crate::helpers::{problem, spawn_app, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

fn assert_no_internals(text: &str) {
    for leak in [
        "SELECT",
        "INSERT",
        "sqlite",
        "diesel",
        "panicked",
        "RegisterRequest",
        "praxis_",
        "::",
        "u32",
    ] {
        assert!(!text.contains(leak), "response leaks {leak:?}: {text}");
    }
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let body = problem(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(body.kind, "malformed-request");
    assert_no_internals(&body.to_string());
}

#[tokio::test]
async fn body_over_64_kib_is_413() {
    let app = spawn_app().await;
    let huge = json!({"email": "a@example.org", "password": PASSWORD, "display_name": "x".repeat(70 * 1024)});
    let response = app.post("/api/v1/auth/register", None, &huge).await;
    assert_eq!(
        problem(response, StatusCode::PAYLOAD_TOO_LARGE).await.kind,
        "payload-too-large"
    );
}

#[tokio::test]
async fn unknown_route_is_404_and_wrong_method_is_405() {
    let app = spawn_app().await;
    let unknown = app.get("/api/v1/no-such-thing", None).await;
    assert_eq!(
        problem(unknown, StatusCode::NOT_FOUND).await.kind,
        "not-found"
    );
    let outside = app.get("/definitely/not/here", None).await;
    problem(outside, StatusCode::NOT_FOUND).await;
    let wrong = app
        .request(reqwest::Method::DELETE, "/api/v1/plans", None, None)
        .await;
    assert_eq!(
        problem(wrong, StatusCode::METHOD_NOT_ALLOWED).await.kind,
        "method-not-allowed"
    );
    let wrong = app.get("/api/v1/auth/login", None).await;
    problem(wrong, StatusCode::METHOD_NOT_ALLOWED).await;
}

#[tokio::test]
async fn wrong_shape_is_422_naming_the_field_without_type_names() {
    let app = spawn_app().await;
    let missing = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": "a@example.org", "password": PASSWORD}),
        )
        .await;
    let body = problem(missing, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.fields()[0], "display_name");
    let wrong_type = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": 5, "password": PASSWORD, "display_name": "A"}),
        )
        .await;
    let body = problem(wrong_type, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.fields()[0], "email");
    assert_no_internals(&body.to_string());
    let not_an_object = app
        .post("/api/v1/auth/register", None, &json!([1, 2]))
        .await;
    let body = problem(not_an_object, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_no_internals(&body.to_string());
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "text/plain")
        .body("email=a")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    problem(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
}

#[tokio::test]
async fn text_with_a_nul_or_control_character_is_a_422_naming_the_field_on_every_engine() {
    let app = spawn_app().await;
    let member = app.member().await;
    let token = Some(member.access_token.as_str());
    let nul = app
        .post(
            "/api/v1/spaces/lobby/posts",
            token,
            &json!({"kind": "question", "title": "before\u{0}after", "body": "b"}),
        )
        .await;
    let body = problem(nul, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.fields(), vec!["title"]);
    assert_no_internals(&body.to_string());
    let escape = app
        .post(
            "/api/v1/spaces/lobby/posts",
            token,
            &json!({"kind": "question", "title": "t", "body": "b", "topics": ["\u{1b}[31m"]}),
        )
        .await;
    let body = problem(escape, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.fields(), vec!["topics[0]"]);
    let long_text = app
        .post(
            "/api/v1/spaces/lobby/posts",
            token,
            &json!({"kind": "question", "title": "t", "body": "line one\n\tline two\r\n"}),
        )
        .await;
    assert_eq!(
        long_text.status(),
        StatusCode::CREATED,
        "newlines and tabs keep working"
    );
    let query = app.get("/api/v1/search?q=a%00b", token).await;
    let body = problem(query, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.fields(), vec!["q"]);
}

#[tokio::test]
async fn path_text_with_a_nul_names_nothing_and_is_404_on_every_engine() {
    let app = spawn_app().await;
    let member = app.member().await;
    for path in [
        "/api/v1/spaces/%00/posts",
        "/api/v1/posts/%00",
        "/api/v1/spaces/lobby%00/posts",
    ] {
        for token in [None, Some(member.access_token.as_str())] {
            let body = problem(app.get(path, token).await, StatusCode::NOT_FOUND).await;
            assert_no_internals(&body.to_string());
        }
    }
}
