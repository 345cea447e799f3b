//! PRO give-back (DOMAIN.md "Learning"): PRO members propose sessions; hosts accept (an event the
//! proposer facilitates and manages, for that event only) or decline with a note, which is
//! mailed; a member's page lists the sessions they ran.

use crate::events::single_event;
use crate::helpers::{problem, spawn_app, Session, TestApp};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn proposal(app: &TestApp, space: &str) -> Value {
    let at = app.clock_now_utc() + Duration::days(10);
    json!({
        "title": "Troika practice", "format": "troika_consulting",
        "description": "We practise Troika Consulting on real tensions.", "space": space,
        "proposed_times": [at.to_rfc3339()], "time_zone": "Europe/Madrid",
    })
}

impl TestApp {
    /// Proposes a session as `member`, answering the created proposal.
    pub async fn propose(&self, member: &Session, space: &str) -> Value {
        let response = self
            .post(
                "/api/v1/session-proposals",
                Some(&member.access_token),
                &proposal(self, space),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "propose");
        response.json().await.expect("proposal")
    }

    /// A PRO member's session in `space`, accepted by a host: (facilitator, host, event id).
    /// It starts in two days and lasts 90 minutes.
    pub async fn accepted_session(&self, space: &str) -> (Session, Session, String) {
        let pro = self.pro_member().await;
        let host = self.as_host().await;
        let proposed = self.propose(&pro, space).await;
        let start = self.clock_now_utc() + Duration::days(2);
        let decided = self
            .post(
                &format!(
                    "/api/v1/admin/session-proposals/{}/decision",
                    proposed["id"].as_str().expect("id")
                ),
                Some(&host.access_token),
                &json!({"decision": "accept", "note": "Thank you!",
                    "starts_at": start.to_rfc3339(),
                    "ends_at": (start + Duration::minutes(90)).to_rfc3339(),
                    "join_url": "https://meet.example.org/troika"}),
            )
            .await;
        assert_eq!(decided.status(), StatusCode::OK, "accept");
        let decided: Value = decided.json().await.expect("decision");
        assert_eq!(decided["status"], "accepted");
        let event = decided["event_id"].as_str().expect("event id").to_owned();
        (pro, host, event)
    }
}

async fn decide(app: &TestApp, host: &Session, id: &str, body: Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/admin/session-proposals/{id}/decision"),
        Some(&host.access_token),
        &body,
    )
    .await
}

#[tokio::test]
async fn only_a_pro_member_may_propose_a_session() {
    let app = spawn_app().await;
    let practitioner = app.member().await;
    app.subscribed(&practitioner, "practitioner", "monthly")
        .await;
    let response = app
        .post(
            "/api/v1/session-proposals",
            Some(&practitioner.access_token),
            &proposal(&app, "practitioner-lounge"),
        )
        .await;
    let refused = problem(response, StatusCode::FORBIDDEN).await;
    assert!(
        refused.kind.contains("pro-membership-required"),
        "{refused}"
    );

    let pro = app.pro_member().await;
    let proposed = app.propose(&pro, "practitioner-lounge").await;
    assert_eq!(proposed["status"], "submitted");
    let mine: Value = app
        .get("/api/v1/session-proposals/mine", Some(&pro.access_token))
        .await
        .json()
        .await
        .expect("page");
    assert_eq!(mine["items"][0]["id"], proposed["id"]);
}

#[tokio::test]
async fn a_proposal_for_a_space_other_than_the_lounges_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let pro = app.pro_member().await;
    let response = app
        .post(
            "/api/v1/session-proposals",
            Some(&pro.access_token),
            &proposal(&app, "lobby"),
        )
        .await;
    let invalid = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields: Vec<String> = invalid
        .errors
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["space"]);
}

#[tokio::test]
async fn a_pro_members_accepted_session_becomes_an_event_they_manage_and_no_other() {
    let app = spawn_app().await;
    let (pro, host, event_id) = app.accepted_session("pro-lounge").await;

    let event: Value = app
        .get(
            &format!("/api/v1/events/{event_id}"),
            Some(&pro.access_token),
        )
        .await
        .json()
        .await
        .expect("event");
    assert_eq!(event["facilitator_id"], pro.user_id.as_str());
    assert_eq!(event["kind"], "pro_meetup");
    assert_eq!(event["space"], "pro-lounge");

    // The facilitator edits their event and sees who attends.
    let attendee = app.pro_member().await;
    let rsvp = app
        .put(
            &format!("/api/v1/events/{event_id}/rsvp"),
            Some(&attendee.access_token),
        )
        .await;
    assert_eq!(rsvp.status(), StatusCode::OK);
    let changed = app
        .patch(
            &format!("/api/v1/admin/events/{event_id}"),
            Some(&pro.access_token),
            &json!({"title": "Troika practice, round two"}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let attendees: Value = app
        .get(
            &format!("/api/v1/events/{event_id}/attendees"),
            Some(&pro.access_token),
        )
        .await
        .json()
        .await
        .expect("attendees");
    assert_eq!(attendees["items"][0]["user_id"], attendee.user_id.as_str());

    // Any other event stays closed to them, and the attendees stay closed to other members.
    let other = crate::events::create_event(
        &app,
        &host,
        single_event(&app, "practitioner-lounge", "Someone else's", 24),
    )
    .await;
    let edit_other = app
        .patch(
            &format!("/api/v1/admin/events/{}", other.id),
            Some(&pro.access_token),
            &json!({"title": "Hijacked"}),
        )
        .await;
    problem(edit_other, StatusCode::FORBIDDEN).await;
    let other_attendees = app
        .get(
            &format!("/api/v1/events/{}/attendees", other.id),
            Some(&pro.access_token),
        )
        .await;
    problem(other_attendees, StatusCode::FORBIDDEN).await;
    let peeking = app
        .get(
            &format!("/api/v1/events/{event_id}/attendees"),
            Some(&attendee.access_token),
        )
        .await;
    problem(peeking, StatusCode::FORBIDDEN).await;
    let outsider = app.member().await;
    let hidden = app
        .get(
            &format!("/api/v1/events/{event_id}/attendees"),
            Some(&outsider.access_token),
        )
        .await;
    problem(hidden, StatusCode::NOT_FOUND).await;
    let cancel = app
        .delete(
            &format!("/api/v1/admin/events/{event_id}"),
            Some(&pro.access_token),
        )
        .await;
    problem(cancel, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn a_declined_proposal_keeps_the_note_and_mails_the_proposer() {
    let app = spawn_app().await;
    let pro = app.pro_member().await;
    let host = app.as_host().await;
    let proposed = app.propose(&pro, "practitioner-lounge").await;
    let id = proposed["id"].as_str().expect("id");

    let without_note = decide(&app, &host, id, json!({"decision": "decline"})).await;
    let invalid = problem(without_note, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(invalid.errors.unwrap_or_default()[0].field, "note");

    let declined = decide(
        &app,
        &host,
        id,
        json!({"decision": "decline", "note": "We ran Troika last week."}),
    )
    .await;
    assert_eq!(declined.status(), StatusCode::OK);
    let mine: Value = app
        .get("/api/v1/session-proposals/mine", Some(&pro.access_token))
        .await
        .json()
        .await
        .expect("page");
    assert_eq!(mine["items"][0]["status"], "declined");
    assert_eq!(mine["items"][0]["note"], "We ran Troika last week.");
    let mails = app.mail_bodies("session_proposal_decision").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("We ran Troika last week."), "{mails:?}");

    let again = decide(
        &app,
        &host,
        id,
        json!({"decision": "decline", "note": "Twice"}),
    )
    .await;
    problem(again, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn hosts_list_proposals_by_status_and_members_may_not() {
    let app = spawn_app().await;
    let pro = app.pro_member().await;
    let host = app.as_host().await;
    let proposed = app.propose(&pro, "pro-lounge").await;
    let listed: Value = app
        .get(
            "/api/v1/admin/session-proposals?status=submitted",
            Some(&host.access_token),
        )
        .await
        .json()
        .await
        .expect("page");
    assert_eq!(listed["items"][0]["id"], proposed["id"]);
    let accepted: Value = app
        .get(
            "/api/v1/admin/session-proposals?status=accepted",
            Some(&host.access_token),
        )
        .await
        .json()
        .await
        .expect("page");
    assert_eq!(accepted["items"].as_array().map(Vec::len), Some(0));
    let refused = app
        .get("/api/v1/admin/session-proposals", Some(&pro.access_token))
        .await;
    problem(refused, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn a_members_page_lists_the_sessions_they_ran_only_when_they_are_listed() {
    let app = spawn_app().await;
    let (pro, _host, event_id) = app.accepted_session("practitioner-lounge").await;
    let path = format!("/api/v1/members/{}/sessions", pro.user_id);
    let own: Value = app
        .get(&path, Some(&pro.access_token))
        .await
        .json()
        .await
        .expect("page");
    assert_eq!(own["items"][0]["id"], event_id.as_str());

    let stranger = app.pro_member().await;
    problem(
        app.get(&path, Some(&stranger.access_token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let listed = app
        .patch(
            "/api/v1/me",
            Some(&pro.access_token),
            &json!({"listed": true}),
        )
        .await;
    assert_eq!(listed.status(), StatusCode::OK);
    let seen: Value = app
        .get(&path, Some(&stranger.access_token))
        .await
        .json()
        .await
        .expect("page");
    assert_eq!(seen["items"][0]["id"], event_id.as_str());

    // A member who may not read the lounge does not see the session.
    let basic = app.member().await;
    let none: Value = app
        .get(&path, Some(&basic.access_token))
        .await
        .json()
        .await
        .expect("page");
    assert_eq!(none["items"].as_array().map(Vec::len), Some(0));
}
