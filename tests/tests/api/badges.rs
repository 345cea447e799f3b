//! Badge classes and awards: a public catalogue, classes hosts create and students propose,
//! founding holders, awards shown to whom their holder chooses, and revocation by hosts.

use crate::dto::{self, Page};
use crate::helpers::{problem, spawn_app, Session, TestApp};
use reqwest::{Method, Response, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Debug, Clone, Deserialize)]
pub struct BadgeClass {
    pub id: String,
    pub name: String,
    pub criteria: String,
    pub skills: Vec<String>,
    pub required_reviewers: i32,
    pub status: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Evidence {
    pub text: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Review {
    pub reviewer_id: String,
    pub answer: String,
    pub reason: Option<String>,
    pub objection: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BadgeRequest {
    pub id: String,
    pub badge: BadgeClass,
    pub student_id: String,
    pub status: String,
    pub evidence: Vec<Evidence>,
    pub reviews: Vec<Review>,
    pub consents: usize,
    pub standing_objections: usize,
    pub award_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Award {
    pub id: String,
    pub badge: BadgeClass,
    pub holder_id: String,
    pub visibility: String,
    pub revoked_at: Option<String>,
    pub revoked_reason: Option<String>,
}

pub fn class_body(name: &str) -> Value {
    json!({
        "name": name,
        "criteria": "Facilitated at least three consent rounds, one with an objection integrated",
        "skills": ["facilitation", "consent decision-making"]
    })
}

/// An active class created by a host.
pub async fn active_class(app: &TestApp, host: &Session, name: &str) -> BadgeClass {
    let response = app
        .post(
            "/api/v1/admin/badges",
            Some(&host.access_token),
            &class_body(name),
        )
        .await;
    dto::json_with(response, StatusCode::CREATED).await
}

/// `n` members named founding holders of `class` by `host`.
pub async fn founding_holders(
    app: &TestApp,
    host: &Session,
    class: &BadgeClass,
    n: usize,
) -> Vec<Session> {
    let mut holders = Vec::new();
    for _ in 0..n {
        let holder = app.member().await;
        let response = app
            .post(
                &format!("/api/v1/admin/badges/{}/holders", class.id),
                Some(&host.access_token),
                &json!({"user_id": holder.user_id}),
            )
            .await;
        let _: Award = dto::json_with(response, StatusCode::CREATED).await;
        holders.push(holder);
    }
    holders
}

pub async fn ask_for(app: &TestApp, student: &Session, class: &BadgeClass) -> BadgeRequest {
    let response = app
        .post(
            &format!("/api/v1/badges/{}/requests", class.id),
            Some(&student.access_token),
            &json!({"evidence": [{"text": "Facilitated our hiring-policy consent round", "url": "https://example.org/minutes/1"}]}),
        )
        .await;
    dto::json_with(response, StatusCode::CREATED).await
}

pub async fn review(app: &TestApp, reviewer: &Session, request_id: &str, body: Value) -> Response {
    app.request(
        Method::PUT,
        &format!("/api/v1/badge-requests/{request_id}/review"),
        Some(&reviewer.access_token),
        Some(&body),
    )
    .await
}

pub async fn consent(app: &TestApp, reviewer: &Session, request_id: &str) -> BadgeRequest {
    let response = review(app, reviewer, request_id, json!({"answer": "consent"})).await;
    dto::json_with(response, StatusCode::OK).await
}

/// A member holding an award of a fresh class (named by a host), with the host.
async fn holder_with_award(app: &TestApp) -> (Session, Session, Award) {
    let host = app.as_host().await;
    let class = active_class(app, &host, "Retrospective host").await;
    let holder = founding_holders(app, &host, &class, 1).await.remove(0);
    let awards = badges_of(app, None, &holder.user_id).await;
    assert!(
        awards.is_empty(),
        "members-only awards are hidden from visitors"
    );
    let mine = badges_of(app, Some(&holder), &holder.user_id).await;
    (host, holder, mine[0].clone())
}

pub async fn badges_of(app: &TestApp, reader: Option<&Session>, holder: &str) -> Vec<Award> {
    let response = app
        .get(
            &format!("/api/v1/members/{holder}/badges"),
            reader.map(|r| r.access_token.as_str()),
        )
        .await;
    let page: Page<Award> = dto::json_with(response, StatusCode::OK).await;
    page.items
}

#[tokio::test]
async fn hosts_create_active_badges_listed_publicly_with_three_reviewers_by_default() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let class = active_class(&app, &host, "Consent facilitator").await;
    assert_eq!(class.status, "active");
    assert_eq!(class.required_reviewers, 3);
    assert_eq!(
        class.skills,
        vec!["facilitation", "consent decision-making"]
    );
    let page: Page<BadgeClass> =
        dto::json_with(app.get("/api/v1/badges", None).await, StatusCode::OK).await;
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].name, "Consent facilitator");
    assert!(!page.items[0].criteria.is_empty());
    let one: BadgeClass = dto::json_with(
        app.get(&format!("/api/v1/badges/{}", class.id), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(one.id, class.id);
    // The name is taken whatever its case.
    let again = app
        .post(
            "/api/v1/admin/badges",
            Some(&host.access_token),
            &class_body("CONSENT FACILITATOR"),
        )
        .await;
    problem(again, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn only_hosts_create_active_badges_and_a_class_names_what_it_certifies() {
    let app = spawn_app().await;
    let member = app.member().await;
    let refused = app
        .post(
            "/api/v1/admin/badges",
            Some(&member.access_token),
            &class_body("Sneaky"),
        )
        .await;
    problem(refused, StatusCode::FORBIDDEN).await;
    let host = app.as_host().await;
    let invalid = app
        .post(
            "/api/v1/admin/badges",
            Some(&host.access_token),
            &json!({"name": " ", "criteria": "x", "skills": [], "required_reviewers": 0}),
        )
        .await;
    let problem = problem(invalid, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        problem.fields(),
        vec!["name", "skills", "required_reviewers"]
    );
}

#[tokio::test]
async fn a_badge_a_student_proposes_waits_as_proposed_and_cannot_be_requested_yet() {
    let app = spawn_app().await;
    let academy = crate::superpod::academy(&app).await;
    let student = academy.others[0].clone();
    let response = app
        .post(
            "/api/v1/badges",
            Some(&student.access_token),
            &class_body("Role selection"),
        )
        .await;
    let proposed: BadgeClass = dto::json_with(response, StatusCode::CREATED).await;
    assert_eq!(proposed.status, "proposed");
    let active: Page<BadgeClass> =
        dto::json_with(app.get("/api/v1/badges", None).await, StatusCode::OK).await;
    assert!(active.items.is_empty());
    let listed: Page<BadgeClass> = dto::json_with(
        app.get("/api/v1/badges?status=proposed", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed.items.len(), 1);
    let other = app.member().await;
    let asked = app
        .post(
            &format!("/api/v1/badges/{}/requests", proposed.id),
            Some(&other.access_token),
            &json!({"evidence": [{"text": "I selected roles"}]}),
        )
        .await;
    problem(asked, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn an_award_is_shown_to_whom_its_holder_chooses() {
    let app = spawn_app().await;
    let (_host, holder, award) = holder_with_award(&app).await;
    assert_eq!(award.visibility, "members");
    assert_eq!(award.holder_id, holder.user_id);
    let member = app.member().await;
    assert_eq!(
        badges_of(&app, Some(&member), &holder.user_id).await.len(),
        1
    );
    let path = format!("/api/v1/badge-awards/{}", award.id);
    // Only the holder chooses.
    let not_theirs = app
        .patch(
            &path,
            Some(&member.access_token),
            &json!({"visibility": "public"}),
        )
        .await;
    problem(not_theirs, StatusCode::NOT_FOUND).await;
    for (visibility, visitor, member_sees) in
        [("public", 1, 1), ("private", 0, 0), ("members", 0, 1)]
    {
        let changed: Award = dto::json_with(
            app.patch(
                &path,
                Some(&holder.access_token),
                &json!({"visibility": visibility}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(changed.visibility, visibility);
        assert_eq!(badges_of(&app, None, &holder.user_id).await.len(), visitor);
        assert_eq!(
            badges_of(&app, Some(&member), &holder.user_id).await.len(),
            member_sees
        );
        assert_eq!(
            badges_of(&app, Some(&holder), &holder.user_id).await.len(),
            1
        );
    }
    let wrong = app
        .patch(
            &path,
            Some(&holder.access_token),
            &json!({"visibility": "friends"}),
        )
        .await;
    assert_eq!(
        problem(wrong, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        vec!["visibility"]
    );
}

#[tokio::test]
async fn a_revoked_award_is_recorded_with_its_reason_audited_and_hidden_from_others() {
    let app = spawn_app().await;
    let (host, holder, award) = holder_with_award(&app).await;
    let path = format!("/api/v1/admin/badge-awards/{}/revoke", award.id);
    let no_reason = app.post(&path, Some(&host.access_token), &json!({})).await;
    assert_eq!(
        problem(no_reason, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        vec!["reason"]
    );
    let by_member = app
        .post(
            &path,
            Some(&holder.access_token),
            &json!({"reason": "mine"}),
        )
        .await;
    problem(by_member, StatusCode::FORBIDDEN).await;
    let revoked: Award = dto::json_with(
        app.post(
            &path,
            Some(&host.access_token),
            &json!({"reason": "The evidence was someone else's work"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(revoked.revoked_at.is_some());
    assert_eq!(
        revoked.revoked_reason.as_deref(),
        Some("The evidence was someone else's work")
    );
    let twice = app
        .post(&path, Some(&host.access_token), &json!({"reason": "again"}))
        .await;
    problem(twice, StatusCode::CONFLICT).await;
    let member = app.member().await;
    assert!(badges_of(&app, Some(&member), &holder.user_id)
        .await
        .is_empty());
    let own = badges_of(&app, Some(&holder), &holder.user_id).await;
    assert!(own[0].revoked_at.is_some());
    let admin = app.as_admin().await;
    let log: Value = dto::json_with(
        app.get("/api/v1/admin/audit-log", Some(&admin.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default();
    assert!(actions.contains(&"badge_award.revoked"), "{actions:?}");
}

#[tokio::test]
async fn badges_of_an_unknown_member_are_not_found() {
    let app = spawn_app().await;
    let response = app
        .get(
            &format!("/api/v1/members/{}/badges", uuid::Uuid::new_v4()),
            None,
        )
        .await;
    problem(response, StatusCode::NOT_FOUND).await;
}
