//! What browsers, caches and operators see: CORS, security headers, request ids, ETags,
//! health, readiness, metrics and Swagger UI.

use crate::helpers::{spawn_app, spawn_app_with};
use reqwest::{Method, StatusCode};

async fn preflight(app: &crate::helpers::TestApp, origin: &str) -> reqwest::Response {
    app.client
        .request(Method::OPTIONS, app.url("/api/v1/auth/login"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type, authorization",
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn cors_preflight_is_allowed_only_for_configured_origins() {
    let app =
        spawn_app_with(|c| c.cors_origins = vec!["https://app.praxis.example".to_owned()]).await;
    let allowed = preflight(&app, "https://app.praxis.example").await;
    assert!(allowed.status().is_success());
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("https://app.praxis.example")
    );
    let other = preflight(&app, "https://evil.example").await;
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn no_cors_origin_is_allowed_by_default() {
    let app = spawn_app().await;
    let response = preflight(&app, "https://app.praxis.example").await;
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}

#[tokio::test]
async fn every_response_has_security_headers_and_a_request_id() {
    let app = spawn_app().await;
    for path in ["/health", "/api/v1/plans", "/api/v1/nope"] {
        let response = app.get(path, None).await;
        let headers = response.headers();
        assert_eq!(
            headers
                .get("x-content-type-options")
                .and_then(|v| v.to_str().ok()),
            Some("nosniff"),
            "{path}"
        );
        assert!(headers.get("referrer-policy").is_some(), "{path}");
        assert!(headers.get("content-security-policy").is_some(), "{path}");
        assert!(
            headers.get("x-request-id").is_some_and(|v| !v.is_empty()),
            "{path}"
        );
    }
    let echoed = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "trace-123")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        echoed
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("trace-123")
    );
}

#[tokio::test]
async fn plan_catalogue_supports_if_none_match() {
    let app = spawn_app().await;
    let first = app.get("/api/v1/plans", None).await;
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("the header")
        .to_owned();
    assert!(etag.starts_with('"'));
    let again = app
        .client
        .get(app.url("/api/v1/plans"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let stale = app
        .client
        .get(app.url("/api/v1/plans"))
        .header("if-none-match", "\"something-else\"")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stale.status(), StatusCode::OK);
}

#[tokio::test]
async fn health_ready_and_metrics() {
    let app = spawn_app().await;
    assert_eq!(app.get("/health", None).await.status(), StatusCode::OK);
    let ready: serde_json::Value = app
        .get("/ready", None)
        .await
        .json()
        .await
        .expect("a JSON body");
    assert_eq!(ready["status"], "ready");
    app.get("/api/v1/plans", None).await;
    let metrics = app
        .get("/metrics", None)
        .await
        .text()
        .await
        .expect("a body");
    assert!(
        metrics.contains(
            r#"praxis_http_requests_total{method="GET",route="/api/v1/plans",status="200"}"#
        ),
        "{metrics}"
    );
    assert!(metrics.contains("praxis_http_request_duration_seconds_bucket"));
    assert!(
        metrics.contains(r#"praxis_db_pool_connections{state="max"} 8"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn swagger_ui_is_served_from_vendored_assets() {
    let app = spawn_app().await;
    let redirect = app.get("/swagger-ui", None).await;
    assert!(redirect.status().is_redirection());
    let page = app.get("/swagger-ui/", None).await;
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .expect("the header")
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(page.text().await.expect("a body").contains("swagger-ui"));
    let bundle = app.get("/swagger-ui/swagger-ui-bundle.js", None).await;
    assert_eq!(bundle.status(), StatusCode::OK);
    let initializer = app
        .get("/swagger-ui/swagger-initializer.js", None)
        .await
        .text()
        .await
        .expect("a body");
    assert!(initializer.contains("/api-docs/openapi.json"));
}
