//! Helpers for the discussion tests: writing posts and comments, sealed rooms, and the cast of
//! outsiders every confidentiality test checks against.

use crate::helpers::{Session, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Someone outside a space, by how they look into it.
pub struct Outsider {
    pub who: &'static str,
    pub session: Option<Session>,
}

impl Outsider {
    pub fn token(&self) -> Option<&str> {
        self.session.as_ref().map(|s| s.access_token.as_str())
    }
}

impl TestApp {
    /// Publishes a post and returns it.
    pub async fn write_post(
        &self,
        author: &Session,
        space: &str,
        title: &str,
        topics: &[&str],
    ) -> Value {
        let response = self
            .post(
                &format!("/api/v1/spaces/{space}/posts"),
                Some(&author.access_token),
                &json!({"kind": "discussion", "title": title, "body": format!("Body of *{title}*"), "topics": topics}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "post in {space}");
        response.json().await.unwrap_or_default()
    }

    /// Comments on a post (optionally replying to a comment) and returns the comment.
    pub async fn write_comment(
        &self,
        author: &Session,
        post_id: &str,
        body: &str,
        parent: Option<&str>,
    ) -> Value {
        let response = self
            .post(
                &format!("/api/v1/posts/{post_id}/comments"),
                Some(&author.access_token),
                &json!({"body": body, "parent_id": parent}),
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "comment on {post_id}"
        );
        response.json().await.unwrap_or_default()
    }

    /// A member with an active PRO subscription.
    pub async fn pro_member(&self) -> Session {
        let member = self.member().await;
        self.approve_pro_application(&member.user_id).await;
        self.subscribed(&member, "pro", "monthly").await;
        member
    }

    /// A sealed room with these participants.
    pub async fn sealed_room(&self, admin: &Session, slug: &str, participants: &[&Session]) {
        let created = self
            .post(
                "/api/v1/admin/spaces",
                Some(&admin.access_token),
                &json!({"slug": slug, "name": "Supervision", "description": "Sealed", "visibility": "sealed"}),
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        for p in participants {
            let added = self
                .put(
                    &format!("/api/v1/admin/spaces/{slug}/members/{}", p.user_id),
                    Some(&admin.access_token),
                )
                .await;
            assert_eq!(added.status(), StatusCode::NO_CONTENT);
        }
    }

    /// Anonymous, a Lobby member, a lapsed Practitioner and a Practitioner: everyone who must not
    /// see PRO Lounge content. Moves the clock past a month (the lapse), so sessions made before
    /// this call must log in again.
    pub async fn pro_lounge_outsiders(&self) -> Vec<Outsider> {
        let lapsed = self.member().await;
        self.subscribed(&lapsed, "practitioner", "monthly").await;
        self.clock.advance(chrono::Duration::days(40));
        let lapsed = self.relogin(&lapsed).await;
        let practitioner = self.member().await;
        self.subscribed(&practitioner, "practitioner", "monthly")
            .await;
        vec![
            Outsider {
                who: "anonymous",
                session: None,
            },
            Outsider {
                who: "lobby member",
                session: Some(self.member().await),
            },
            Outsider {
                who: "lapsed practitioner",
                session: Some(lapsed),
            },
            Outsider {
                who: "practitioner",
                session: Some(practitioner),
            },
        ]
    }

    /// The items of a list response, or an empty list for an error.
    pub async fn items(&self, path: &str, token: Option<&str>) -> Vec<Value> {
        let body: Value = self.get(path, token).await.json().await.unwrap_or_default();
        body["items"].as_array().cloned().unwrap_or_default()
    }
}

pub fn id(value: &Value) -> String {
    value["id"].as_str().unwrap_or_default().to_owned()
}
