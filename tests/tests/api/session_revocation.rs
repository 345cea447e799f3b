//! Access tokens die with their sessions: "sign out everywhere", a password change and a
//! password reset refuse every access token issued before, at once rather than when it expires.

use crate::helpers::{problem, spawn_app, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

async fn me_status(app: &TestApp, token: &str) -> StatusCode {
    app.get("/api/v1/me", Some(token)).await.status()
}

#[tokio::test]
async fn an_access_token_dies_with_sign_out_everywhere() {
    let app = spawn_app().await;
    let first = app.member().await;
    let second = app.login(&first.email).await;
    let other = app.member().await;
    assert_eq!(me_status(&app, &second.access_token).await, StatusCode::OK);

    let out = app
        .delete("/api/v1/me/sessions", Some(&first.access_token))
        .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);

    for token in [&first.access_token, &second.access_token] {
        let refused = app.get("/api/v1/me", Some(token)).await;
        assert_eq!(
            problem(refused, StatusCode::UNAUTHORIZED).await.kind,
            "invalid-token"
        );
        // Also where a visitor is welcome: a dead token is refused, not taken as a visitor.
        assert_eq!(
            app.get("/api/v1/spaces/lobby/posts", Some(token))
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(me_status(&app, &other.access_token).await, StatusCode::OK);
    let again = app.login(&first.email).await;
    assert_eq!(me_status(&app, &again.access_token).await, StatusCode::OK);
}

#[tokio::test]
async fn an_access_token_dies_when_the_password_changes_and_the_new_one_works() {
    let app = spawn_app().await;
    let session = app.member().await;
    let other_device = app.login(&session.email).await;
    let changed = app
        .post(
            "/api/v1/me/password",
            Some(&session.access_token),
            &json!({"current_password": PASSWORD, "new_password": "a brand new passphrase"}),
        )
        .await;
    let fresh: crate::dto::Tokens = crate::dto::json_with(changed, StatusCode::OK).await;
    assert_eq!(
        me_status(&app, &other_device.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        me_status(&app, &session.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(me_status(&app, &fresh.access_token).await, StatusCode::OK);
}
