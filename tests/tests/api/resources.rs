//! The resource library (DOMAIN.md "Learning"): public or limited to a space, in English and
//! Spanish with translations linked to each other.

use crate::helpers::{problem, spawn_app, Session, TestApp};
use crate::questions::json;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn create(app: &TestApp, host: &Session, body: Value) -> Value {
    json(
        app.post("/api/v1/admin/resources", Some(&host.access_token), &body)
            .await,
        StatusCode::CREATED,
    )
    .await
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {page}"))
        .iter()
        .map(|i| i["title"].as_str().expect("title").to_owned())
        .collect()
}

#[tokio::test]
async fn resources_are_listed_by_language_and_kind_with_translations_linked() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let case = create(&app, &host, json!({"kind": "case_study", "title": "A bakery adopts S3", "summary": "Cooperative",
        "body_or_url": "https://example.org/bakery", "language": "en", "visibility": "public", "org_type": "cooperative"})).await;
    let caso = create(&app, &host, json!({"kind": "case_study", "title": "Una panadería adopta S3", "summary": "Cooperativa",
        "body_or_url": "https://example.org/es/panaderia", "language": "es", "visibility": "public", "org_type": "cooperativa",
        "translation_of": case["id"]})).await;
    create(&app, &host, json!({"kind": "article", "title": "Consent in practice", "body_or_url": "Text", "language": "en", "visibility": "public"})).await;

    let spanish = json(
        app.get("/api/v1/resources?lang=es", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(titles(&spanish), vec!["Una panadería adopta S3"]);
    assert_eq!(spanish["items"][0]["translations"][0]["id"], case["id"]);
    assert_eq!(spanish["items"][0]["translations"][0]["language"], "en");
    let articles = json(
        app.get("/api/v1/resources?kind=article&lang=en", None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(titles(&articles), vec!["Consent in practice"]);
    let cases = json(
        app.get("/api/v1/resources?kind=case_study", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cases["items"].as_array().map(Vec::len), Some(2));
    let searched = json(
        app.get("/api/v1/resources?q=BAKERY", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(titles(&searched), vec!["A bakery adopts S3"]);
    let one = json(
        app.get(
            &format!("/api/v1/resources/{}", case["id"].as_str().expect("id")),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(one["translations"][0]["id"], caso["id"]);

    let again = app.post("/api/v1/admin/resources", Some(&host.access_token), &json!({"kind": "case_study", "title": "Otra",
        "body_or_url": "x", "language": "es", "visibility": "public", "translation_of": case["id"]})).await;
    assert_eq!(
        problem(again, StatusCode::CONFLICT).await.kind,
        "translation-exists"
    );
    let bad = app.get("/api/v1/resources?kind=podcast", None).await;
    assert_eq!(
        problem(bad, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields()[0],
        "kind"
    );
    let org_on_article = app
        .post(
            "/api/v1/admin/resources",
            Some(&host.access_token),
            &json!({"kind": "article", "title": "x",
        "body_or_url": "x", "language": "en", "visibility": "public", "org_type": "ngo"}),
        )
        .await;
    assert_eq!(
        problem(org_on_article, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields()[0],
        "org_type"
    );
}

#[tokio::test]
async fn space_limited_resources_are_invisible_outside_their_space() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let public = create(&app, &host, json!({"kind": "interview", "title": "Open interview", "body_or_url": "x", "language": "en", "visibility": "public"})).await;
    let limited = create(
        &app,
        &host,
        json!({"kind": "course", "title": "Lounge course", "body_or_url": "x", "language": "en",
        "visibility": "space", "space": "practitioner-lounge"}),
    )
    .await;
    let traduccion = create(&app, &host, json!({"kind": "interview", "title": "Entrevista del salón", "body_or_url": "x", "language": "es",
        "visibility": "space", "space": "practitioner-lounge", "translation_of": public["id"]})).await;
    assert_eq!(limited["space"], "practitioner-lounge");
    let practitioner = app.member().await;
    app.subscribed(&practitioner, "practitioner", "monthly")
        .await;
    let lobby = app.member().await;

    for token in [None, Some(lobby.access_token.as_str())] {
        let page = json(app.get("/api/v1/resources", token).await, StatusCode::OK).await;
        assert_eq!(titles(&page), vec!["Open interview"]);
        assert_eq!(
            page["items"][0]["translations"],
            json!([]),
            "a hidden translation is not linked"
        );
        let path = format!("/api/v1/resources/{}", limited["id"].as_str().expect("id"));
        problem(app.get(&path, token).await, StatusCode::NOT_FOUND).await;
    }
    let page = json(
        app.get("/api/v1/resources", Some(&practitioner.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        titles(&page),
        vec!["Entrevista del salón", "Lounge course", "Open interview"]
    );
    assert_eq!(page["items"][2]["translations"][0]["id"], traduccion["id"]);
}
