//! Content for the search, messages and reports tests: posts and comments are written straight
//! into the database (the posts API is built elsewhere), spaces and members through the API.

use crate::dto::{self, Page, SearchHit};
use crate::helpers::{Session, TestApp};
use diesel::prelude::*;
use praxis_persistence::schema::{comments, posts, spaces};
use reqwest::{Response, StatusCode};
use serde_json::json;

impl TestApp {
    fn insert_blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut praxis_persistence::DbConnection) -> T + Send + 'static,
    ) -> tokio::task::JoinHandle<T> {
        let db = self.state.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
            f(&mut conn)
        })
    }

    /// A post in the space with `slug`, with `status` `published`, `hidden` or `deleted`.
    pub async fn insert_post(
        &self,
        slug: &str,
        author: &Session,
        title: &str,
        body: &str,
        status: &str,
    ) -> String {
        let id = uuid::Uuid::now_v7().to_string();
        let (slug, author, title, body, status, post_id) = (
            slug.to_owned(),
            author.user_id.clone(),
            title.to_owned(),
            body.to_owned(),
            status.to_owned(),
            id.clone(),
        );
        let now = praxis_persistence::to_db_time(praxis_api::clock::Clock::now(&self.clock));
        self.insert_blocking(move |conn| {
            let space_id: String = spaces::table
                .filter(spaces::slug.eq(&slug))
                .select(spaces::id)
                .first(conn)
                .unwrap_or_else(|e| panic!("space {slug}: {e}"));
            diesel::insert_into(posts::table)
                .values((
                    posts::id.eq(post_id),
                    posts::space_id.eq(space_id),
                    posts::author_id.eq(author),
                    posts::kind.eq("discussion"),
                    posts::title.eq(title),
                    posts::body.eq(body),
                    posts::status.eq(status),
                    posts::pinned.eq(false),
                    posts::created_at.eq(now),
                    posts::updated_at.eq(now),
                ))
                .execute(conn)
                .unwrap_or_else(|e| panic!("insert post: {e}"));
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        id
    }

    pub async fn insert_comment(
        &self,
        post_id: &str,
        author: &Session,
        body: &str,
        status: &str,
    ) -> String {
        let id = uuid::Uuid::now_v7().to_string();
        let (post_id, author, body, status, comment_id) = (
            post_id.to_owned(),
            author.user_id.clone(),
            body.to_owned(),
            status.to_owned(),
            id.clone(),
        );
        let now = praxis_persistence::to_db_time(praxis_api::clock::Clock::now(&self.clock));
        self.insert_blocking(move |conn| {
            diesel::insert_into(comments::table)
                .values((
                    comments::id.eq(comment_id),
                    comments::post_id.eq(post_id),
                    comments::author_id.eq(author),
                    comments::body.eq(body),
                    comments::status.eq(status),
                    comments::created_at.eq(now),
                    comments::updated_at.eq(now),
                ))
                .execute(conn)
                .unwrap_or_else(|e| panic!("insert comment: {e}"));
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        id
    }

    /// A sealed room with these participants, created by an admin.
    pub async fn sealed_space(&self, admin: &Session, slug: &str, participants: &[&Session]) {
        let created = self
            .post(
                "/api/v1/admin/spaces",
                Some(&admin.access_token),
                &json!({"slug": slug, "name": "Supervision", "description": "Sealed", "visibility": "sealed"}),
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        for member in participants {
            let added = self
                .request(
                    reqwest::Method::PUT,
                    &format!("/api/v1/admin/spaces/{slug}/members/{}", member.user_id),
                    Some(&admin.access_token),
                    None,
                )
                .await;
            assert_eq!(added.status(), StatusCode::NO_CONTENT);
        }
    }

    /// `GET /api/v1/search?q=` with the query string encoded, whatever it answers.
    pub async fn search_response(&self, token: Option<&str>, q: &str) -> Response {
        let mut request = self
            .client
            .get(self.url("/api/v1/search"))
            .query(&[("q", q)]);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("search: {e}"))
    }

    /// A search that must succeed: fails the test on any other answer than 200 with a page of
    /// well-formed hits, so an error never reads as "nothing found".
    pub async fn search(&self, token: Option<&str>, q: &str) -> Page<SearchHit> {
        dto::json_with(self.search_response(token, q).await, StatusCode::OK).await
    }
}
