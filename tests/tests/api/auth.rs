use crate::dto::{self, Access, Me, Tokens};
use crate::helpers::{problem, spawn_app, spawn_app_with, PASSWORD};
use base64::Engine;
use jsonwebtoken::{encode, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn register_login_and_me_round_trip() {
    let app = spawn_app().await;
    let created = app.register("  Ana.Perez@Example.ORG ").await;
    assert_eq!(created.email, "ana.perez@example.org");
    assert_eq!(created.time_zone, "UTC");
    assert_eq!(created.locale, "en");
    let session = app.login("ANA.PEREZ@example.org").await;
    let me: Me = dto::json_with(
        app.get("/api/v1/me", Some(&session.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me.id, session.user_id);
    assert_eq!(me.email, "ana.perez@example.org");
    assert!(me.roles.is_empty(), "{:?}", me.roles);
    assert!(
        me.calendar_feed_url.ends_with(".ics"),
        "{}",
        me.calendar_feed_url
    );
    let spaces = me.spaces;
    let access: Vec<(&str, Access)> = spaces.iter().map(|s| (s.slug.as_str(), s.access)).collect();
    // Until the terms are accepted, only public reading is open.
    assert_eq!(
        access,
        vec![
            ("lobby", Access::Granted),
            ("lobby-members", Access::Denied),
            ("practitioner-lounge", Access::Denied),
            ("pro-lounge", Access::Denied),
        ]
    );
    assert!(spaces[0].reason.is_none(), "{spaces:?}");
    assert!(
        spaces[1]
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("Terms")),
        "{spaces:?}"
    );
    assert!(
        spaces[3]
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("PRO")),
        "{spaces:?}"
    );
    app.accept_terms(&session).await;
    assert!(app.granted(&session, "lobby-members").await);
    assert!(!app.granted(&session, "practitioner-lounge").await);
}

#[tokio::test]
async fn register_reports_every_invalid_field() {
    let app = spawn_app().await;
    let response = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": "not-an-email", "password": "short", "display_name": " ", "time_zone": "Mars/Base", "locale": "fr"}),
        )
        .await;
    let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let mut fields = body.fields();
    fields.sort();
    assert_eq!(
        fields,
        vec!["display_name", "email", "locale", "password", "time_zone"]
    );
    // Nothing was created.
    let login = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "not-an-email", "password": "short"}),
        )
        .await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn login_answers_the_same_for_unknown_email_and_wrong_password() {
    let app = spawn_app().await;
    app.register("ana@example.org").await;
    let unknown = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "nobody@example.org", "password": PASSWORD}),
        )
        .await;
    let wrong = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "ana@example.org", "password": "wrong password!"}),
        )
        .await;
    let mut unknown = problem(unknown, StatusCode::UNAUTHORIZED).await;
    let mut wrong = problem(wrong, StatusCode::UNAUTHORIZED).await;
    unknown.instance = None;
    wrong.instance = None;
    assert_eq!(unknown, wrong);
    assert_eq!(unknown.kind, "invalid-credentials");
}

#[tokio::test]
async fn refresh_rotates_and_reusing_an_old_token_revokes_the_family() {
    let app = spawn_app().await;
    app.register("ana@example.org").await;
    let session = app.login("ana@example.org").await;
    let first = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": session.refresh_token}),
        )
        .await;
    let first: Tokens = dto::json_with(first, StatusCode::OK).await;
    assert_eq!(first.token_type, "Bearer");
    let rotated = first.refresh_token.clone();
    assert_ne!(rotated, session.refresh_token);
    let me = app.get("/api/v1/me", Some(&first.access_token)).await;
    assert_eq!(me.status(), StatusCode::OK);

    // The old token again: a thief, or a replay. The whole family is revoked.
    let reuse = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": session.refresh_token}),
        )
        .await;
    assert_eq!(
        problem(reuse, StatusCode::UNAUTHORIZED).await.kind,
        "refresh-token-reused"
    );
    let after = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": rotated}),
        )
        .await;
    assert_eq!(
        problem(after, StatusCode::UNAUTHORIZED).await.kind,
        "invalid-refresh-token"
    );

    // Another session of the same member is untouched.
    let other = app.login("ana@example.org").await;
    let ok = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": other.refresh_token}),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn concurrent_refreshes_of_one_token_let_exactly_one_through() {
    let app = spawn_app_with(|c| c.auth_rate_per_minute = 0).await;
    app.register("ana@example.org").await;
    let session = app.login("ana@example.org").await;
    let body = json!({"refresh_token": session.refresh_token});
    let attempts = (0..10).map(|_| app.post("/api/v1/auth/refresh", None, &body));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count(),
        9,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn logout_revokes_the_refresh_token() {
    let app = spawn_app().await;
    app.register("ana@example.org").await;
    let session = app.login("ana@example.org").await;
    let out = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({"refresh_token": session.refresh_token}),
        )
        .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let refresh = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": session.refresh_token}),
        )
        .await;
    problem(refresh, StatusCode::UNAUTHORIZED).await;
    let unknown = app
        .post(
            "/api/v1/auth/logout",
            None,
            &json!({"refresh_token": "never-issued"}),
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::NO_CONTENT);
}

fn sign(claims: &Value, secret: &str) -> String {
    encode(
        &Header::default(),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("sign a token")
}

#[tokio::test]
async fn tampered_none_expired_and_foreign_tokens_are_refused() {
    let app = spawn_app().await;
    app.register("ana@example.org").await;
    let session = app.login("ana@example.org").await;
    let secret = app.jwt_secret().await;
    let now = app.clock_now();
    let claims = |exp: i64, aud: &str, iss: &str| json!({"sub": session.user_id, "iss": iss, "aud": aud, "iat": now - 10, "exp": exp});

    // The genuine token works, and a freshly signed one with the same claims does too.
    assert_eq!(
        app.get("/api/v1/me", Some(&session.access_token))
            .await
            .status(),
        StatusCode::OK
    );
    let genuine = sign(&claims(now + 600, "praxis-api", "praxis"), &secret);
    assert_eq!(
        app.get("/api/v1/me", Some(&genuine)).await.status(),
        StatusCode::OK
    );

    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = session.access_token.split('.').collect();
    let mut payload: Value =
        serde_json::from_slice(&engine.decode(parts[1]).expect("a base64 payload"))
            .expect("JSON claims");
    payload["sub"] = json!("someone-else");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        engine.encode(payload.to_string()),
        parts[2]
    );
    let none = format!(
        "{}.{}.",
        engine.encode(r#"{"alg":"none","typ":"JWT"}"#),
        engine.encode(claims(now + 600, "praxis-api", "praxis").to_string())
    );
    let expired = sign(&claims(now - 1, "praxis-api", "praxis"), &secret);
    let wrong_audience = sign(&claims(now + 600, "another-api", "praxis"), &secret);
    let wrong_issuer = sign(&claims(now + 600, "praxis-api", "someone"), &secret);
    let wrong_secret = sign(
        &claims(now + 600, "praxis-api", "praxis"),
        "another-secret-another-secret-another-secret",
    );
    for (name, token) in [
        ("tampered", tampered),
        ("alg none", none),
        ("expired", expired),
        ("wrong audience", wrong_audience),
        ("wrong issuer", wrong_issuer),
        ("wrong secret", wrong_secret),
        ("garbage", "not.a.jwt".to_owned()),
    ] {
        let response = app.get("/api/v1/me", Some(&token)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{name}");
        assert_eq!(
            problem(response, StatusCode::UNAUTHORIZED).await.kind,
            "invalid-token",
            "{name}"
        );
    }
    let missing = app.get("/api/v1/me", None).await;
    assert_eq!(
        problem(missing, StatusCode::UNAUTHORIZED).await.kind,
        "authentication-required"
    );
}

#[tokio::test]
async fn access_token_expires_after_15_minutes() {
    let app = spawn_app().await;
    app.register("ana@example.org").await;
    let session = app.login("ana@example.org").await;
    app.clock.advance(chrono::Duration::minutes(14));
    assert_eq!(
        app.get("/api/v1/me", Some(&session.access_token))
            .await
            .status(),
        StatusCode::OK
    );
    app.clock.advance(chrono::Duration::minutes(1));
    assert_eq!(
        app.get("/api/v1/me", Some(&session.access_token))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn patch_me_changes_profile_and_refuses_invalid_values() {
    let app = spawn_app().await;
    let session = app.member().await;
    let token = Some(session.access_token.as_str());
    let changed = app
        .patch(
            "/api/v1/me",
            token,
            &json!({"display_name": "Ana P.", "time_zone": "America/Bogota", "locale": "es"}),
        )
        .await;
    let me: Me = dto::json_with(changed, StatusCode::OK).await;
    assert_eq!(
        (
            me.display_name.as_str(),
            me.time_zone.as_str(),
            me.locale.as_str()
        ),
        ("Ana P.", "America/Bogota", "es")
    );

    let invalid = app
        .patch(
            "/api/v1/me",
            token,
            &json!({"time_zone": "Europe/Atlantis", "locale": "de"}),
        )
        .await;
    let body = problem(invalid, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.fields().len(), 2, "{body}");
    let me: Me = dto::json_with(app.get("/api/v1/me", token).await, StatusCode::OK).await;
    assert_eq!(
        (me.time_zone.as_str(), me.locale.as_str()),
        ("America/Bogota", "es"),
        "an invalid change changes nothing"
    );
}

#[tokio::test]
async fn auth_rate_limit_answers_429_with_retry_after_and_ignores_spoofed_forwarded_for() {
    let app = spawn_app_with(|c| c.auth_rate_per_minute = 3).await;
    let attempt = |spoof: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/register"))
            .header("x-forwarded-for", spoof)
            .json(&json!({"email": "x", "password": "y", "display_name": "z"}))
            .send()
    };
    for spoof in ["1.1.1.1", "2.2.2.2", "3.3.3.3"] {
        let response = attempt(spoof).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let limited = attempt("4.4.4.4").await.unwrap_or_else(|e| panic!("{e}"));
    let retry_after: u64 = limited
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a numeric header");
    assert!(retry_after >= 1);
    assert_eq!(
        problem(limited, StatusCode::TOO_MANY_REQUESTS).await.kind,
        "rate-limited"
    );
    // Login has its own bucket.
    let login = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "nobody@example.org", "password": PASSWORD}),
        )
        .await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn auth_rate_limit_zero_turns_limits_off() {
    let app = spawn_app_with(|c| c.auth_rate_per_minute = 0).await;
    for _ in 0..30 {
        let response = app
            .post(
                "/api/v1/auth/register",
                None,
                &json!({"email": "x", "password": "y", "display_name": "z"}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
    let app = spawn_app_with(|c| {
        c.auth_rate_per_minute = 2;
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap_or_else(|_| unreachable!())];
    })
    .await;
    let attempt = |client_ip: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/register"))
            .header("x-forwarded-for", client_ip)
            .json(&json!({"email": "x", "password": "y", "display_name": "z"}))
            .send()
    };
    // Behind our proxy, each client address has its own bucket.
    for ip in [
        "198.51.100.1",
        "198.51.100.1",
        "198.51.100.2",
        "198.51.100.2",
    ] {
        assert_eq!(
            attempt(ip).await.map(|r| r.status()).ok(),
            Some(StatusCode::UNPROCESSABLE_ENTITY)
        );
    }
    assert_eq!(
        attempt("198.51.100.1").await.map(|r| r.status()).ok(),
        Some(StatusCode::TOO_MANY_REQUESTS)
    );
}
