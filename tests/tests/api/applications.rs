//! PRO applications: complete or refused, one open per member, withdrawn by their owner only,
//! decided once by a host with a note, a mail and an audit entry.

use crate::dto::{self, Application, AuditEntry, Page};
use crate::helpers::{problem, spawn_app, TestApp};
use diesel::prelude::*;
use praxis_persistence::outbox::OutboxRow;
use praxis_persistence::schema::outbox;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashSet;

pub fn complete_application() -> Value {
    json!({
        "training": "S3 Practitioner Training, 2024",
        "experience": "Two years facilitating consent decisions in a cooperative",
        "helping_others": "I host a monthly practice circle",
        "commitment": true
    })
}

pub async fn apply(app: &TestApp, token: &str) -> Application {
    let response = app
        .post(
            "/api/v1/pro-applications",
            Some(token),
            &complete_application(),
        )
        .await;
    dto::json_with(response, StatusCode::CREATED).await
}

/// The caller's applications; fails the test unless the list answers 200.
async fn mine(app: &TestApp, token: &str) -> Vec<Application> {
    let page: Page<Application> = dto::json_with(
        app.get("/api/v1/pro-applications/mine", Some(token)).await,
        StatusCode::OK,
    )
    .await;
    page.items
}

async fn mail_to(app: &TestApp, email: &str) -> Vec<OutboxRow> {
    let db = app.state.db.clone();
    let email = email.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        outbox::table
            .filter(outbox::recipient.eq(email))
            .select(OutboxRow::as_select())
            .load(&mut *conn)
            .unwrap_or_else(|e| panic!("{e}"))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn incomplete_application_names_every_missing_field_and_stores_nothing() {
    let app = spawn_app().await;
    let member = app.member().await;
    let token = Some(member.access_token.as_str());
    for body in [
        json!({"training": "none", "helping_others": "later"}),
        json!({"experience": "  ", "commitment": false}),
    ] {
        let response = app.post("/api/v1/pro-applications", token, &body).await;
        let problem = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(
            problem.fields(),
            vec!["experience", "commitment"],
            "{problem}"
        );
    }
    assert!(mine(&app, &member.access_token).await.is_empty());
}

#[tokio::test]
async fn a_member_has_one_open_application_and_may_reapply_after_withdrawing() {
    let app = spawn_app().await;
    let member = app.member().await;
    let token = member.access_token.as_str();
    let first = apply(&app, token).await;
    assert_eq!(first.status, "submitted");
    assert!(first.commitment);
    assert!(first.note.is_none());
    let second = app
        .post(
            "/api/v1/pro-applications",
            Some(token),
            &complete_application(),
        )
        .await;
    assert_eq!(
        problem(second, StatusCode::CONFLICT).await.kind,
        "application-open"
    );
    let id = first.id.as_str();
    let withdrawn = app
        .post(
            &format!("/api/v1/pro-applications/{id}/withdraw"),
            Some(token),
            &json!({}),
        )
        .await;
    assert_eq!(withdrawn.status(), StatusCode::OK);
    let again = app
        .post(
            &format!("/api/v1/pro-applications/{id}/withdraw"),
            Some(token),
            &json!({}),
        )
        .await;
    assert_eq!(
        problem(again, StatusCode::CONFLICT).await.kind,
        "application-not-open"
    );
    app.clock.advance(chrono::Duration::seconds(1));
    let reapplied = apply(&app, token).await;
    let statuses: Vec<String> = mine(&app, token)
        .await
        .into_iter()
        .map(|a| a.status)
        .collect();
    assert_eq!(statuses, vec!["submitted", "withdrawn"]);
    assert_ne!(reapplied.id, first.id);
}

#[tokio::test]
async fn concurrent_submissions_open_exactly_one_application() {
    let app = spawn_app().await;
    let member = app.member().await;
    let body = complete_application();
    let requests = (0..10).map(|_| {
        app.post(
            "/api/v1/pro-applications",
            Some(&member.access_token),
            &body,
        )
    });
    let statuses: Vec<StatusCode> = futures_util::future::join_all(requests)
        .await
        .iter()
        .map(|r| r.status())
        .collect();
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let conflicts = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, conflicts), (1, 9), "{statuses:?}");
    assert_eq!(mine(&app, &member.access_token).await.len(), 1);
}

#[tokio::test]
async fn another_members_application_is_not_found_on_withdraw() {
    let app = spawn_app().await;
    let owner = app.member().await;
    let other = app.member().await;
    let application = apply(&app, &owner.access_token).await;
    let id = application.id.as_str();
    let response = app
        .post(
            &format!("/api/v1/pro-applications/{id}/withdraw"),
            Some(&other.access_token),
            &json!({}),
        )
        .await;
    problem(response, StatusCode::NOT_FOUND).await;
    assert_eq!(mine(&app, &owner.access_token).await[0].status, "submitted");
}

#[tokio::test]
async fn host_approves_with_a_note_the_applicant_sees_mailed_and_audited() {
    let app = spawn_app().await;
    let applicant_email = format!("a{}@example.org", uuid::Uuid::new_v4().simple());
    app.register(&applicant_email).await;
    let applicant = app.login(&applicant_email).await;
    let host = app.as_host().await;
    let admin = app.as_admin().await;
    let application = apply(&app, &applicant.access_token).await;
    let id = application.id.as_str();
    let path = format!("/api/v1/admin/pro-applications/{id}/decision");
    let decided = app
        .post(
            &path,
            Some(&host.access_token),
            &json!({"decision": "approve", "note": "Welcome to PRO!"}),
        )
        .await;
    assert_eq!(decided.status(), StatusCode::OK);
    let seen = &mine(&app, &applicant.access_token).await[0];
    assert_eq!(seen.id, id);
    assert_eq!(seen.status, "approved");
    assert_eq!(seen.note.as_deref(), Some("Welcome to PRO!"));
    assert!(seen.decided_at.is_some());

    let mails = mail_to(&app, &applicant_email).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].kind, "application_decision");
    assert!(mails[0].body.contains("Welcome to PRO!"));

    let log: Vec<AuditEntry> = app
        .items("/api/v1/admin/audit-log", Some(&admin.access_token))
        .await;
    let entry = log
        .iter()
        .find(|e| e.action == "pro_application.approved")
        .unwrap_or_else(|| panic!("an approval entry: {log:?}"));
    assert_eq!(entry.subject_id, id);
    assert_eq!(entry.actor_id.as_deref(), Some(host.user_id.as_str()));
    let (before, after) = (
        entry.before.as_ref().expect("before"),
        entry.after.as_ref().expect("after"),
    );
    assert_eq!(before["status"], "submitted");
    assert_eq!(after["status"], "approved");

    let twice = app
        .post(
            &path,
            Some(&host.access_token),
            &json!({"decision": "reject", "note": "changed my mind"}),
        )
        .await;
    assert_eq!(
        problem(twice, StatusCode::CONFLICT).await.kind,
        "application-not-open"
    );
    let again = app
        .post(
            "/api/v1/pro-applications",
            Some(&applicant.access_token),
            &complete_application(),
        )
        .await;
    assert_eq!(
        problem(again, StatusCode::CONFLICT).await.kind,
        "application-approved"
    );
}

#[tokio::test]
async fn rejection_needs_a_note_and_decisions_are_validated() {
    let app = spawn_app().await;
    let member = app.member().await;
    let host = app.as_host().await;
    let application = apply(&app, &member.access_token).await;
    let id = application.id.as_str();
    let path = format!("/api/v1/admin/pro-applications/{id}/decision");
    for body in [
        json!({"decision": "reject"}),
        json!({"decision": "maybe", "note": "x"}),
    ] {
        let response = app.post(&path, Some(&host.access_token), &body).await;
        problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let unknown = app
        .post(
            "/api/v1/admin/pro-applications/nope/decision",
            Some(&host.access_token),
            &json!({"decision": "approve"}),
        )
        .await;
    problem(unknown, StatusCode::NOT_FOUND).await;
    let rejected = app
        .post(
            &path,
            Some(&host.access_token),
            &json!({"decision": "reject", "note": "Practise a few more months first."}),
        )
        .await;
    assert_eq!(rejected.status(), StatusCode::OK);
    assert_eq!(mine(&app, &member.access_token).await[0].status, "rejected");
}

#[tokio::test]
async fn members_cannot_list_or_decide_applications() {
    let app = spawn_app().await;
    let member = app.member().await;
    let application = apply(&app, &member.access_token).await;
    let id = application.id.as_str();
    let list = app
        .get("/api/v1/admin/pro-applications", Some(&member.access_token))
        .await;
    assert_eq!(
        problem(list, StatusCode::FORBIDDEN).await.kind,
        "host-role-required"
    );
    let decide = app
        .post(
            &format!("/api/v1/admin/pro-applications/{id}/decision"),
            Some(&member.access_token),
            &json!({"decision": "approve"}),
        )
        .await;
    problem(decide, StatusCode::FORBIDDEN).await;
    let anonymous = app.get("/api/v1/pro-applications/mine", None).await;
    problem(anonymous, StatusCode::UNAUTHORIZED).await;
    assert_eq!(
        mine(&app, &member.access_token).await[0].status,
        "submitted"
    );
}

#[tokio::test]
async fn admin_application_list_pages_without_duplicates_and_filters_by_status() {
    let app = spawn_app().await;
    let member = app.member().await;
    let host = app.as_host().await;
    let token = member.access_token.as_str();
    // 25 applications by one member: 24 withdrawn and the last still submitted. Half share an
    // instant, so the id breaks ties in the keyset.
    for i in 0..25 {
        let application = apply(&app, token).await;
        if i < 24 {
            let id = application.id.as_str();
            let response = app
                .post(
                    &format!("/api/v1/pro-applications/{id}/withdraw"),
                    Some(token),
                    &json!({}),
                )
                .await;
            assert_eq!(response.status(), StatusCode::OK);
        }
        if i % 2 == 0 {
            app.clock.advance(chrono::Duration::seconds(1));
        }
    }
    let mut seen = HashSet::new();
    let mut sizes = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/admin/pro-applications?cursor={c}"),
            None => "/api/v1/admin/pro-applications".to_owned(),
        };
        let page: Page<Application> = dto::json_with(
            app.get(&path, Some(&host.access_token)).await,
            StatusCode::OK,
        )
        .await;
        sizes.push(page.items.len());
        for item in page.items {
            assert!(seen.insert(item.id));
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(sizes, vec![20, 5]);
    let open: Page<Application> = dto::json_with(
        app.get(
            "/api/v1/admin/pro-applications?status=submitted&limit=100",
            Some(&host.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(open.items.len(), 1);
    assert_eq!(open.items[0].status, "submitted");
    assert_eq!(open.next_cursor, None);
    let bad = app
        .get(
            "/api/v1/admin/pro-applications?status=open",
            Some(&host.access_token),
        )
        .await;
    problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
}
