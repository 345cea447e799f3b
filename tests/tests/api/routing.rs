//! Every operation in the OpenAPI document is served: handlers register their own path and
//! method, so a documented operation that no handler answers would be a broken promise to
//! integrators.

use crate::helpers::spawn_app;
use reqwest::StatusCode;
use serde_json::Value;

/// A path template with every `{param}` filled in.
fn concrete(template: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in template.chars() {
        match c {
            '{' => in_param = true,
            '}' => {
                in_param = false;
                out.push_str("00000000-0000-7000-8000-000000000000");
            }
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

#[tokio::test]
#[allow(clippy::expect_used)]
async fn every_documented_operation_is_routed_and_others_are_405() {
    let app = spawn_app().await;
    let response = app.get("/api-docs/openapi.json", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let doc: Value = response.json().await.expect("the document is JSON");
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 100, "only {} paths documented", paths.len());
    let mut checked = 0;
    for (template, operations) in paths {
        let path = concrete(template);
        let operations = operations.as_object().expect("operations");
        for method in ["get", "post", "put", "patch", "delete"] {
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let body = (method != "get" && method != "delete").then(|| serde_json::json!({}));
            let response = app.request(m, &path, None, body.as_ref()).await;
            let status = response.status();
            let text = response.text().await.expect("body");
            if operations.contains_key(method) {
                checked += 1;
                assert_ne!(
                    status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path}: {text}"
                );
                assert!(
                    !(status == StatusCode::NOT_FOUND && text.contains("No such resource.")),
                    "{method} {template} is documented but not routed: {text}"
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path} is not documented and must answer 405: {text}"
                );
            }
        }
    }
    assert!(checked >= 128, "only {checked} operations checked");
}
