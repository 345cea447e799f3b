//! The member directory: opt-in, searchable by name and topic, and showing nothing about plans,
//! spaces or activity.

use crate::dto::{self, Me, Page};
use crate::helpers::{problem, spawn_app, Session, TestApp};
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    display_name: String,
    bio: Option<String>,
    languages: Vec<String>,
    time_zone: String,
    topics: Vec<String>,
}

async fn directory(app: &TestApp, session: &Session, query: &str) -> Page<Entry> {
    dto::json_with(
        app.get(
            &format!("/api/v1/members{query}"),
            Some(&session.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

async fn list_me(app: &TestApp, session: &Session, name: &str, bio: &str) -> Me {
    dto::json_with(
        app.patch(
            "/api/v1/me",
            Some(&session.access_token),
            &json!({"listed": true, "display_name": name, "bio": bio, "languages": ["ES", "en"], "time_zone": "America/Bogota"}),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn the_directory_shows_only_members_who_opted_in() {
    let app = spawn_app().await;
    let ana = app.member().await;
    let hidden = app.member().await;
    let fresh = app.member().await;
    let me: Me = dto::json_with(
        app.get("/api/v1/me", Some(&fresh.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert!(!me.listed, "nobody is listed by default");
    assert!(directory(&app, &fresh, "").await.items.is_empty());

    let me = list_me(&app, &ana, "Ana Pérez", "Facilitator in Bogotá.").await;
    assert!(me.listed);
    assert_eq!(me.languages, vec!["es", "en"]);
    app.put("/api/v1/topics/consent/follow", Some(&ana.access_token))
        .await;
    list_me(&app, &hidden, "Hidden Person", "").await;
    let off = app
        .patch(
            "/api/v1/me",
            Some(&hidden.access_token),
            &json!({"listed": false}),
        )
        .await;
    assert_eq!(off.status(), StatusCode::OK);

    let page = directory(&app, &fresh, "").await;
    assert_eq!(page.items.len(), 1, "{page:?}");
    let entry = &page.items[0];
    assert_eq!(entry.id, ana.user_id);
    assert_eq!(entry.display_name, "Ana Pérez");
    assert_eq!(entry.bio.as_deref(), Some("Facilitator in Bogotá."));
    assert_eq!(entry.languages, vec!["es", "en"]);
    assert_eq!(entry.time_zone, "America/Bogota");
    assert_eq!(entry.topics, vec!["consent"]);
    // Nothing about plans, spaces, roles, email or activity: the entry has exactly these keys.
    let raw: Value = app
        .get("/api/v1/members", Some(&fresh.access_token))
        .await
        .json()
        .await
        .expect("json");
    let mut keys: Vec<&str> = raw["items"][0]
        .as_object()
        .expect("an entry")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            "bio",
            "display_name",
            "id",
            "languages",
            "time_zone",
            "topics"
        ]
    );
    // Visitors do not see it at all.
    problem(
        app.get("/api/v1/members", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn the_directory_is_searched_by_name_and_topic_in_keyset_pages() {
    let app = spawn_app().await;
    let viewer = app.member().await;
    let mut ids = Vec::new();
    for (i, name) in ["Ana Pérez", "Bea Ana", "Carl Díaz"].iter().enumerate() {
        let member = app.member().await;
        list_me(&app, &member, name, "").await;
        if i != 1 {
            app.put("/api/v1/topics/drivers/follow", Some(&member.access_token))
                .await;
        }
        ids.push(member.user_id);
        app.clock.advance(chrono::Duration::seconds(1));
    }
    let names = |page: &Page<Entry>| -> Vec<String> {
        page.items.iter().map(|e| e.display_name.clone()).collect()
    };
    // Newest first; names match case-insensitively anywhere.
    assert_eq!(
        names(&directory(&app, &viewer, "?q=ANA").await),
        vec!["Bea Ana", "Ana Pérez"]
    );
    assert_eq!(
        names(&directory(&app, &viewer, "?topic=drivers").await),
        vec!["Carl Díaz", "Ana Pérez"]
    );
    assert_eq!(
        names(&directory(&app, &viewer, "?q=ana&topic=drivers").await),
        vec!["Ana Pérez"]
    );
    // A LIKE wildcard is a character, not a pattern.
    assert!(directory(&app, &viewer, "?q=%25").await.items.is_empty());
    let first = directory(&app, &viewer, "?limit=2").await;
    assert_eq!(names(&first), vec!["Carl Díaz", "Bea Ana"]);
    let cursor = first.next_cursor.expect("a second page");
    let second = directory(&app, &viewer, &format!("?limit=2&cursor={cursor}")).await;
    assert_eq!(names(&second), vec!["Ana Pérez"]);
    assert!(second.next_cursor.is_none());
    let bad = app
        .get(
            &format!("/api/v1/members?q={}", "x".repeat(101)),
            Some(&viewer.access_token),
        )
        .await;
    assert_eq!(
        problem(bad, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        vec!["q"]
    );
    let bad = app
        .patch(
            "/api/v1/me",
            Some(&viewer.access_token),
            &json!({"bio": "x".repeat(501), "languages": ["english"]}),
        )
        .await;
    assert_eq!(
        problem(bad, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        vec!["bio", "languages"]
    );
}
