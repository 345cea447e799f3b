//! Helpers for the discussion tests: writing posts and comments, sealed rooms, and the cast of
//! outsiders every confidentiality test checks against.

use crate::dto::{self, Comment, Page, Post};
use crate::helpers::{Session, TestApp};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::json;

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
    ) -> Post {
        let response = self
            .post(
                &format!("/api/v1/spaces/{space}/posts"),
                Some(&author.access_token),
                &json!({"kind": "discussion", "title": title, "body": format!("Body of *{title}*"), "topics": topics}),
            )
            .await;
        let post: Post = dto::json_with(response, StatusCode::CREATED).await;
        assert_eq!(post.space, space, "post in {space}");
        assert_eq!(post.title, title, "post in {space}");
        post
    }

    /// Comments on a post (optionally replying to a comment) and returns the comment.
    pub async fn write_comment(
        &self,
        author: &Session,
        post_id: &str,
        body: &str,
        parent: Option<&str>,
    ) -> Comment {
        let response = self
            .post(
                &format!("/api/v1/posts/{post_id}/comments"),
                Some(&author.access_token),
                &json!({"body": body, "parent_id": parent}),
            )
            .await;
        let comment: Comment = dto::json_with(response, StatusCode::CREATED).await;
        assert_eq!(comment.post_id, post_id, "comment on {post_id}");
        assert_eq!(comment.parent_id.as_deref(), parent, "comment on {post_id}");
        comment
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

    /// The items of a list the caller may read: fails the test unless the list answers 200 with
    /// a well-formed page, so an error never reads as an empty list.
    pub async fn items<T: DeserializeOwned>(&self, path: &str, token: Option<&str>) -> Vec<T> {
        let page: Page<T> = dto::json_with(self.get(path, token).await, StatusCode::OK).await;
        page.items
    }
}
