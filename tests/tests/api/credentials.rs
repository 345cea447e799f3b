//! Open Badges 3.0 credentials: an exported credential verifies with an independent JOSE
//! library (Python's joserfc, `tests/verify_credential.py`) and with `/credentials/verify`; a
//! modified one fails both; a revoked award stops verifying.

use crate::badges::{active_class, founding_holders, Award};
use crate::dto;
use crate::helpers::{problem, spawn_app, Session, TestApp};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

#[derive(Debug, Deserialize)]
pub struct Credential {
    pub id: String,
    pub format: String,
    pub credential: String,
}

#[derive(Debug, Deserialize)]
pub struct Verdict {
    pub valid: bool,
    pub reason: Option<String>,
}

/// Verifies `token` with joserfc against `jwk`: the answer of the Python script.
pub fn independent_verify(jwk: &Value, token: &str) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("verify_credential.py");
    let mut child = Command::new("python3")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start python3 {}: {e}", script.display()));
    let input = json!({"jwk": jwk, "token": token}).to_string();
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write to the verifier");
    let output = child.wait_with_output().expect("the verifier runs");
    assert!(
        output.status.success(),
        "the verifier failed; is joserfc installed? python3 -m pip install -r tests/requirements.txt"
    );
    serde_json::from_slice(&output.stdout).expect("the verifier answers JSON")
}

pub async fn issuer(app: &TestApp) -> Value {
    dto::json_with(
        app.get("/api/v1/credentials/issuer", None).await,
        StatusCode::OK,
    )
    .await
}

pub async fn verify(app: &TestApp, token: &str) -> Verdict {
    dto::json_with(
        app.post(
            "/api/v1/credentials/verify",
            None,
            &json!({"credential": token}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

/// A holder with one award, its credential exported, and the host who named them.
async fn exported(app: &TestApp) -> (Session, Session, Award, Credential) {
    let host = app.as_host().await;
    let class = active_class(app, &host, "Consent facilitator").await;
    let holder = founding_holders(app, &host, &class, 1).await.remove(0);
    let awards = crate::badges::badges_of(app, Some(&holder), &holder.user_id).await;
    let award = awards[0].clone();
    let credential: Credential = dto::json_with(
        app.get(
            &format!("/api/v1/badge-awards/{}/credential", award.id),
            Some(&holder.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    (host, holder, award, credential)
}

fn payload_of(token: &str) -> Value {
    let part = token.split('.').nth(1).expect("a payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("json")
}

#[tokio::test]
async fn an_exported_credential_verifies_with_an_independent_library_and_a_modified_one_fails() {
    let app = spawn_app().await;
    let (_host, holder, award, credential) = exported(&app).await;
    assert_eq!(credential.format, "vc+jwt");
    assert_eq!(credential.id, format!("urn:uuid:{}", award.id));
    let profile = issuer(&app).await;
    let jwk = &profile["verificationMethod"][0]["publicKeyJwk"];
    assert_eq!(jwk["kty"], "OKP");
    assert_eq!(jwk["crv"], "Ed25519");

    let checked = independent_verify(jwk, &credential.credential);
    assert_eq!(checked["valid"], true, "{checked}");
    assert_eq!(checked["header"]["typ"], "vc+jwt");
    assert_eq!(checked["header"]["alg"], "EdDSA");
    assert_eq!(
        checked["header"]["kid"],
        profile["verificationMethod"][0]["id"]
    );
    let vc = &checked["payload"];
    assert_eq!(vc["@context"][0], "https://www.w3.org/ns/credentials/v2");
    assert!(vc["@context"][1]
        .as_str()
        .is_some_and(|c| c.starts_with("https://purl.imsglobal.org/spec/ob/v3p0/context")));
    assert_eq!(vc["type"][1], "OpenBadgeCredential");
    assert_eq!(vc["issuer"]["id"], profile["id"]);
    let subject = &vc["credentialSubject"];
    assert_eq!(subject["achievement"]["name"], "Consent facilitator");
    assert!(subject["achievement"]["criteria"]["narrative"].is_string());
    assert_eq!(subject["identifier"][0]["hashed"], true);
    assert!(
        !credential.credential.contains(&holder.email) && !vc.to_string().contains(&holder.email),
        "the raw address never appears"
    );
    assert!(verify(&app, &credential.credential).await.valid);

    // The same signature over a changed payload: both verifiers refuse it.
    let parts: Vec<&str> = credential.credential.split('.').collect();
    let mut changed = payload_of(&credential.credential);
    changed["credentialSubject"]["achievement"]["name"] = json!("Master facilitator");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(changed.to_string()),
        parts[2]
    );
    let refused = independent_verify(jwk, &forged);
    assert_eq!(refused["valid"], false, "{refused}");
    let verdict = verify(&app, &forged).await;
    assert!(!verdict.valid);
    assert_eq!(verdict.reason.as_deref(), Some("bad_signature"));
    let garbage = verify(&app, "not-a-credential").await;
    assert_eq!(garbage.reason.as_deref(), Some("malformed"));
}

#[tokio::test]
async fn a_revoked_award_stops_verifying_and_has_no_credential() {
    let app = spawn_app().await;
    let (host, holder, award, credential) = exported(&app).await;
    let revoked = app
        .post(
            &format!("/api/v1/admin/badge-awards/{}/revoke", award.id),
            Some(&host.access_token),
            &json!({"reason": "Awarded by mistake"}),
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    let verdict = verify(&app, &credential.credential).await;
    assert!(!verdict.valid);
    assert_eq!(verdict.reason.as_deref(), Some("revoked"));
    let again = app
        .get(
            &format!("/api/v1/badge-awards/{}/credential", award.id),
            Some(&holder.access_token),
        )
        .await;
    problem(again, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn only_the_holder_exports_a_credential_and_the_key_survives_a_restart() {
    let app = spawn_app().await;
    let (_host, _holder, award, credential) = exported(&app).await;
    let other = app.member().await;
    let response = app
        .get(
            &format!("/api/v1/badge-awards/{}/credential", award.id),
            Some(&other.access_token),
        )
        .await;
    problem(response, StatusCode::NOT_FOUND).await;
    let before = issuer(&app).await;
    let app = app.restart().await;
    let after = issuer(&app).await;
    assert_eq!(
        before["verificationMethod"][0]["publicKeyJwk"],
        after["verificationMethod"][0]["publicKeyJwk"]
    );
    assert!(verify(&app, &credential.credential).await.valid);
}
