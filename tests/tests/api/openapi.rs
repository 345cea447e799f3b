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
