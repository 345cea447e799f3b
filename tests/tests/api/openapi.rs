use crate::helpers::spawn_app;
use serde_json::Value;

#[tokio::test]
async fn served_openapi_document_matches_the_committed_one() {
    let app = spawn_app().await;
    let served: Value = app
        .get("/api-docs/openapi.json", None)
        .await
        .json()
        .await
        .expect("a JSON body");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.json");
    let committed: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the committed openapi.json"))
            .expect("the committed openapi.json parses");
    assert!(
        served == committed,
        "openapi.json is out of date: run `make openapi` and commit the result"
    );
    assert!(served["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.1")));
}

#[tokio::test]
async fn every_operation_documents_its_errors_and_security() {
    let app = spawn_app().await;
    let doc: Value = app
        .get("/api-docs/openapi.json", None)
        .await
        .json()
        .await
        .expect("a JSON body");
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let paths = doc["paths"].as_object().cloned().expect("an object");
    assert!(paths.len() >= 9);
    for (path, operations) in paths {
        for (method, operation) in operations.as_object().cloned().expect("an object") {
            let responses = operation["responses"]
                .as_object()
                .cloned()
                .expect("an object");
            assert!(!responses.is_empty(), "{method} {path} has no responses");
            let needs_auth = operation["security"].is_array();
            if needs_auth {
                assert!(
                    responses.contains_key("401"),
                    "{method} {path} must document 401"
                );
            }
        }
    }
}

/// Issue 9, item 14 (the API document lists every status an operation answers): what the shared
/// extractors answer before a handler runs — a malformed JSON body (400), a body of another
/// media type (415), a path id that cannot be an id (404) — is in every operation's documented
/// responses, as schemathesis' status-code conformance check expects. Sent as an admin, so role
/// gates let the request reach the extractors.
#[tokio::test]
async fn every_status_the_shared_extractors_answer_is_documented() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let doc: Value = app
        .get("/api-docs/openapi.json", None)
        .await
        .json()
        .await
        .expect("a JSON body");
    let client = reqwest::Client::new();
    let mut undocumented = Vec::new();
    for (template, operations) in doc["paths"].as_object().cloned().expect("paths") {
        for (method, operation) in operations.as_object().cloned().expect("operations") {
            let Ok(method) = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()) else {
                continue;
            };
            let documented = operation["responses"]
                .as_object()
                .cloned()
                .expect("responses");
            let mut tries: Vec<(&str, String, &str)> = Vec::new();
            let path = concrete(&template, "00000000-0000-7000-8000-000000000000");
            if operation.get("requestBody").is_some() {
                tries.push(("application/json", path.clone(), "{"));
                tries.push(("text/plain", path.clone(), "{}"));
            }
            if template.contains("{id}") {
                tries.push(("application/json", concrete(&template, "not-an-id"), "{}"));
            }
            for (content_type, path, body) in tries {
                let response = client
                    .request(method.clone(), app.url(&path))
                    .bearer_auth(&admin.access_token)
                    .header("content-type", content_type)
                    .body(body)
                    .send()
                    .await
                    .expect("a response");
                let status = response.status().as_u16().to_string();
                if !documented.contains_key(&status) {
                    undocumented.push(format!(
                        "{method} {path} ({content_type} {body}) → {status}"
                    ));
                }
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "undocumented statuses:\n{}",
        undocumented.join("\n")
    );
}

/// The template with every path parameter filled: `id`s with `id`, the rest with values that
/// exist in every database (the Lobby, the Practitioner plan, the `like` reaction).
fn concrete(template: &str, id: &str) -> String {
    template
        .replace("{id}", id)
        .replace("{user_id}", id)
        .replace("{slug}", "lobby")
        .replace("{plan}", "practitioner")
        .replace("{kind}", "like")
        .replace("{feed_token}", "not-a-feed-token")
}
