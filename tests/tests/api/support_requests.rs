//! On-demand support for PRO members (DOMAIN.md "Learning"): a private thread between the member
//! and the hosts, mail through the outbox, first-response time for hosts, a daily limit, and
//! read-only access to one's own requests after losing PRO.

use crate::helpers::{problem, spawn_app, spawn_app_with, Session, TestApp};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

impl TestApp {
    async fn open_support(&self, member: &Session) -> reqwest::Response {
        self.post(
            "/api/v1/support-requests",
            Some(&member.access_token),
            &json!({"topic": "Role selection", "body": "How do we run our first one?", "urgency": "high"}),
        )
        .await
    }

    async fn opened_support(&self, member: &Session) -> String {
        let response = self.open_support(member).await;
        assert_eq!(response.status(), StatusCode::CREATED, "open support");
        let opened: Value = response.json().await.expect("request");
        opened["id"].as_str().expect("id").to_owned()
    }

    async fn write_support(&self, who: &Session, id: &str, body: &str) -> reqwest::Response {
        self.post(
            &format!("/api/v1/support-requests/{id}/messages"),
            Some(&who.access_token),
            &json!({"body": body}),
        )
        .await
    }
}

#[tokio::test]
async fn a_support_request_is_invisible_to_another_pro_member_and_to_a_practitioner() {
    let app = spawn_app().await;
    let pro = app.pro_member().await;
    let id = app.opened_support(&pro).await;
    let other_pro = app.pro_member().await;
    let practitioner = app.member().await;
    app.subscribed(&practitioner, "practitioner", "monthly")
        .await;
    let path = format!("/api/v1/support-requests/{id}");
    for outsider in [&other_pro, &practitioner] {
        problem(
            app.get(&path, Some(&outsider.access_token)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
        let write = app.write_support(outsider, &id, "Let me in").await;
        problem(write, StatusCode::NOT_FOUND).await;
        let list: Value = app
            .get("/api/v1/support-requests", Some(&outsider.access_token))
            .await
            .json()
            .await
            .expect("page");
        assert_eq!(list["items"].as_array().map(Vec::len), Some(0));
    }
    let refused = app.open_support(&practitioner).await;
    let refused = problem(refused, StatusCode::FORBIDDEN).await;
    assert!(
        refused.kind.contains("pro-membership-required"),
        "{refused}"
    );
}

#[tokio::test]
async fn hosts_are_mailed_a_new_request_and_the_member_each_answer_through_the_outbox() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let pro = app.pro_member().await;
    let id = app.opened_support(&pro).await;
    assert_eq!(app.mail_bodies("support_request_opened").await.len(), 1);

    app.clock.advance(Duration::hours(2));
    let (host, pro) = (app.relogin(&host).await, app.relogin(&pro).await);
    let answered = app
        .write_support(&host, &id, "Start with the role description.")
        .await;
    assert_eq!(answered.status(), StatusCode::CREATED);
    let thread: Value = answered.json().await.expect("thread");
    assert_eq!(thread["status"], "answered");
    assert_eq!(thread["messages"][0]["from_host"], true);
    let reply = app.write_support(&pro, &id, "Thanks, and then?").await;
    let reply: Value = reply.json().await.expect("thread");
    assert_eq!(reply["status"], "open");
    let again = app.write_support(&host, &id, "Then nominate.").await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(app.mail_bodies("support_request_answered").await.len(), 2);

    let metrics: Value = app
        .get("/api/v1/admin/support-metrics", Some(&host.access_token))
        .await
        .json()
        .await
        .expect("metrics");
    assert_eq!(metrics["responded"], 1);
    assert_eq!(metrics["median_first_response_seconds"], 7200.0);
    assert_eq!(metrics["answered"], 1);
    problem(
        app.get("/api/v1/admin/support-metrics", Some(&pro.access_token))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn a_resolved_request_takes_no_more_messages_and_only_the_member_withdraws() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let pro = app.pro_member().await;
    let id = app.opened_support(&pro).await;
    let status = |who: &Session, status: &str| {
        let (path, token) = (
            format!("/api/v1/support-requests/{id}/status"),
            who.access_token.clone(),
        );
        let body = json!({"status": status});
        let app = &app;
        async move { app.post(&path, Some(&token), &body).await }
    };
    problem(status(&host, "withdrawn").await, StatusCode::CONFLICT).await;
    problem(status(&pro, "answered").await, StatusCode::CONFLICT).await;
    let resolved = status(&pro, "resolved").await;
    assert_eq!(resolved.status(), StatusCode::OK);
    let closed = app.write_support(&host, &id, "One more thing").await;
    let closed = problem(closed, StatusCode::CONFLICT).await;
    assert!(closed.kind.contains("support-request-closed"), "{closed}");
}

#[tokio::test]
async fn a_member_who_loses_pro_reads_their_requests_but_cannot_open_or_write() {
    let app = spawn_app().await;
    let member = app.member().await;
    app.approve_pro_application(&member.user_id).await;
    let subscription = app.subscribed(&member, "pro", "monthly").await;
    let id = app.opened_support(&member).await;
    let cancelled = app.cancel(&member, &subscription.id).await;
    assert!(cancelled.status().is_success(), "{}", cancelled.status());

    let read = app
        .get(
            &format!("/api/v1/support-requests/{id}"),
            Some(&member.access_token),
        )
        .await;
    assert_eq!(read.status(), StatusCode::OK);
    let write = app.write_support(&member, &id, "Still there?").await;
    let write = problem(write, StatusCode::FORBIDDEN).await;
    assert!(write.kind.contains("pro-membership-required"), "{write}");
    let open = problem(app.open_support(&member).await, StatusCode::FORBIDDEN).await;
    assert!(open.kind.contains("pro-membership-required"), "{open}");
}

#[tokio::test]
async fn new_support_requests_are_limited_per_member_per_day() {
    let app = spawn_app_with(|c| c.support_requests_per_day = 2).await;
    let pro = app.pro_member().await;
    app.opened_support(&pro).await;
    app.opened_support(&pro).await;
    let limited = app.open_support(&pro).await;
    assert!(limited.headers().get("retry-after").is_some());
    problem(limited, StatusCode::TOO_MANY_REQUESTS).await;

    app.clock.advance(Duration::hours(25));
    let pro = app.relogin(&pro).await;
    app.opened_support(&pro).await;
}
