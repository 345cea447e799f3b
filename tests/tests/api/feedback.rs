//! Feedback on a PRO member's session (DOMAIN.md "Learning"): attendees who RSVP'd give it once,
//! after the event ended; only the facilitator and the hosts read it, anonymous comments
//! without their author.

use crate::helpers::{problem, spawn_app, Session, TestApp};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn rated(clarity: i64, anonymous: bool) -> Value {
    json!({"ratings": {"clarity": clarity, "engagement": 4, "usefulness": 5},
        "worked": "Practising on real cases", "try_next": "More time per round",
        "anonymous": anonymous})
}

impl TestApp {
    async fn give_feedback(&self, who: &Session, event: &str, body: &Value) -> reqwest::Response {
        self.post(
            &format!("/api/v1/events/{event}/feedback"),
            Some(&who.access_token),
            body,
        )
        .await
    }

    /// A PRO member who RSVP'd to the event.
    async fn attendee(&self, event: &str) -> Session {
        let member = self.pro_member().await;
        let rsvp = self
            .put(
                &format!("/api/v1/events/{event}/rsvp"),
                Some(&member.access_token),
            )
            .await;
        assert_eq!(rsvp.status(), StatusCode::OK, "rsvp");
        member
    }
}

#[tokio::test]
async fn feedback_is_given_once_per_attendee_who_rsvpd_and_only_after_the_event_ended() {
    let app = spawn_app().await;
    let (_pro, _host, event) = app.accepted_session("pro-lounge").await;
    let attendee = app.attendee(&event).await;
    let absent = app.pro_member().await;

    let early = app.give_feedback(&attendee, &event, &rated(5, false)).await;
    let early = problem(early, StatusCode::CONFLICT).await;
    assert!(early.kind.contains("event-not-ended"), "{early}");

    app.clock.advance(Duration::days(3));
    let attendee = app.relogin(&attendee).await;
    let absent = app.relogin(&absent).await;
    let given = app.give_feedback(&attendee, &event, &rated(5, false)).await;
    assert_eq!(given.status(), StatusCode::NO_CONTENT);
    let twice = app.give_feedback(&attendee, &event, &rated(4, false)).await;
    let twice = problem(twice, StatusCode::CONFLICT).await;
    assert!(twice.kind.contains("feedback-given"), "{twice}");
    let not_there = app.give_feedback(&absent, &event, &rated(1, false)).await;
    let not_there = problem(not_there, StatusCode::FORBIDDEN).await;
    assert!(not_there.kind.contains("rsvp-required"), "{not_there}");
}

#[tokio::test]
async fn a_rating_outside_one_to_five_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let (_pro, _host, event) = app.accepted_session("pro-lounge").await;
    let attendee = app.attendee(&event).await;
    let response = app.give_feedback(&attendee, &event, &rated(6, false)).await;
    let invalid = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields: Vec<String> = invalid
        .errors
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["ratings.clarity"]);
}

#[tokio::test]
async fn feedback_is_visible_only_to_the_facilitator_and_hosts_and_anonymous_comments_carry_no_author(
) {
    let app = spawn_app().await;
    let (pro, host, event) = app.accepted_session("pro-lounge").await;
    let named = app.attendee(&event).await;
    let hidden = app.attendee(&event).await;
    app.clock.advance(Duration::days(3));
    let (pro, host) = (app.relogin(&pro).await, app.relogin(&host).await);
    let (named, hidden) = (app.relogin(&named).await, app.relogin(&hidden).await);
    let first = app.give_feedback(&named, &event, &rated(5, false)).await;
    assert_eq!(first.status(), StatusCode::NO_CONTENT);
    let second = app.give_feedback(&hidden, &event, &rated(4, true)).await;
    assert_eq!(second.status(), StatusCode::NO_CONTENT);

    let path = format!("/api/v1/events/{event}/feedback");
    for reader in [&pro, &host] {
        let summary = app.get(&path, Some(&reader.access_token)).await;
        assert_eq!(summary.status(), StatusCode::OK);
        let summary: Value = summary.json().await.expect("summary");
        assert_eq!(summary["count"], 2);
        assert_eq!(summary["averages"]["clarity"], 4.5);
        assert_eq!(summary["averages"]["usefulness"], 5.0);
        let comments = summary["comments"].as_array().expect("comments");
        assert_eq!(comments[0]["author_id"], named.user_id.as_str());
        assert!(comments[1].get("author_id").is_none(), "{summary}");
        assert!(comments[1].get("author_name").is_none(), "{summary}");
        assert!(!summary.to_string().contains(&hidden.user_id), "{summary}");
    }
    let outsider = app.pro_member().await;
    for other in [&named, &hidden, &outsider] {
        problem(
            app.get(&path, Some(&other.access_token)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
}
