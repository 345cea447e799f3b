//! Helpers for circles and consent decisions: a circle made by a host, a driver, a proposal,
//! a round, answers, and walking the development clock.

use crate::dto;
use crate::helpers::{spawn_app_with, Session, TestApp};
use chrono::{DateTime, Duration, Utc};
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

/// An app whose development clock `POST /api/v1/dev/clock` walks time and runs the jobs.
pub async fn clock_app() -> TestApp {
    spawn_app_with(|c| c.dev_clock = true).await
}

pub async fn body(response: Response, status: StatusCode) -> Value {
    dto::json_with(response, status).await
}

pub fn id(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

/// The id of the proposal's last round.
pub fn last_round(proposal: &Value) -> String {
    let rounds = proposal["rounds"].as_array().expect("rounds");
    id(rounds.last().expect("a round"))
}

impl TestApp {
    /// A circle a host creates with these members.
    pub async fn circle(&self, host: &Session, name: &str, members: &[&Session]) -> Value {
        let ids: Vec<&str> = members.iter().map(|m| m.user_id.as_str()).collect();
        let response = self
            .post(
                "/api/v1/admin/circles",
                Some(&host.access_token),
                &json!({"name": name, "description": "For the tests", "member_ids": ids}),
            )
            .await;
        body(response, StatusCode::CREATED).await
    }

    pub async fn driver(&self, member: &Session, circle: &str) -> Value {
        let response = self
            .post(
                &format!("/api/v1/circles/{circle}/drivers"),
                Some(&member.access_token),
                &json!({"situation": "New members wait weeks for a mentor.",
                    "effect": "Some give up.", "need": "Match them faster."}),
            )
            .await;
        body(response, StatusCode::CREATED).await
    }

    pub async fn proposal(&self, member: &Session, driver: &str, text: &str) -> Value {
        let response = self
            .post(
                &format!("/api/v1/drivers/{driver}/proposals"),
                Some(&member.access_token),
                &json!({"title": "Match within a week", "body": text, "review_after_days": 30}),
            )
            .await;
        body(response, StatusCode::CREATED).await
    }

    /// Opens a round closing `closes_in` from the server's now; the proposal after it.
    pub async fn round(&self, member: &Session, proposal: &str, closes_in: Duration) -> Value {
        let closes_at = self.server_now() + closes_in;
        let response = self
            .post(
                &format!("/api/v1/proposals/{proposal}/rounds"),
                Some(&member.access_token),
                &json!({"closes_at": closes_at}),
            )
            .await;
        body(response, StatusCode::CREATED).await
    }

    /// A circle of `members` with a proposal in an open round closing in a week.
    pub async fn proposal_in_round(&self, host: &Session, members: &[&Session]) -> (String, Value) {
        let circle = id(&self.circle(host, "Onboarding", members).await);
        let driver = id(&self.driver(members[0], &circle).await);
        let proposal = self
            .proposal(
                members[0],
                &driver,
                "Hosts propose a mentor within seven days.",
            )
            .await;
        let proposal = self
            .round(members[0], &id(&proposal), Duration::days(7))
            .await;
        (circle, proposal)
    }

    pub async fn answer(
        &self,
        member: &Session,
        round: &str,
        answer: &str,
        reason: Option<&str>,
    ) -> Response {
        self.request(
            Method::PUT,
            &format!("/api/v1/rounds/{round}/answer"),
            Some(&member.access_token),
            Some(&json!({"answer": answer, "reason": reason})),
        )
        .await
    }

    /// Answers and expects 200; the proposal after it.
    pub async fn answered(
        &self,
        member: &Session,
        round: &str,
        answer: &str,
        reason: Option<&str>,
    ) -> Value {
        body(
            self.answer(member, round, answer, reason).await,
            StatusCode::OK,
        )
        .await
    }

    pub async fn proposal_of(&self, member: &Session, proposal: &str) -> Value {
        let response = self
            .get(
                &format!("/api/v1/proposals/{proposal}"),
                Some(&member.access_token),
            )
            .await;
        body(response, StatusCode::OK).await
    }

    /// The server's clock.
    pub fn server_now(&self) -> DateTime<Utc> {
        use praxis_api::clock::Clock;
        self.clock.now()
    }

    /// Walks the server's clock forward through `POST /api/v1/dev/clock` (running the jobs).
    pub async fn clock_forward(&self, by: Duration) {
        let response = self
            .post(
                "/api/v1/dev/clock",
                None,
                &json!({"advance_seconds": by.num_seconds()}),
            )
            .await;
        body(response, StatusCode::OK).await;
    }
}
