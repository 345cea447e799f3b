//! Personal data: the export holds every kind of record of the member and nothing private of
//! anyone else; erasure leaves the email, name and id nowhere but on invoices.

use crate::dto::{self, Conversation, Me, Message, Page, Post};
use crate::helpers::{problem, spawn_app, Session, TestApp, PASSWORD};
use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};
use praxis_persistence::DbConnection;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn named(app: &TestApp, session: &Session, name: &str) {
    let me: Me = dto::json_with(
        app.patch(
            "/api/v1/me",
            Some(&session.access_token),
            &json!({"display_name": name, "listed": true, "bio": format!("I am {name}")}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me.display_name, name);
}

async fn converse(app: &TestApp, from: &Session, to: &Session, body: &str) -> Conversation {
    dto::json_with(
        app.post(
            "/api/v1/conversations",
            Some(&from.access_token),
            &json!({"participant_ids": [to.user_id], "body": body}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

async fn reply(app: &TestApp, from: &Session, conversation: &str, body: &str) {
    let sent = app
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            Some(&from.access_token),
            &json!({"body": body}),
        )
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
}

/// A member with one of each kind of record the tests can make through the API, and a friend
/// they talk to.
async fn busy_member(app: &TestApp, name: &str) -> (Session, Session, Post, Conversation) {
    let member = app.member().await;
    let friend = app.member().await;
    named(app, &member, name).await;
    app.put("/api/v1/topics/consent/follow", Some(&member.access_token))
        .await;
    let post = app
        .write_post(&member, "lobby", "Objections as gifts", &["consent"])
        .await;
    app.write_comment(&friend, &post.id, "Thank you!", None)
        .await;
    app.write_comment(&member, &post.id, "You are welcome", None)
        .await;
    let conversation = converse(app, &member, &friend, "Hello from me").await;
    reply(app, &friend, &conversation.id, "Hello back from friend").await;
    app.subscribed(&member, "practitioner", "monthly").await;
    (member, friend, post, conversation)
}

async fn export(app: &TestApp, session: &Session) -> Value {
    let response = app
        .get("/api/v1/me/export", Some(&session.access_token))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response
        .headers()
        .get("content-disposition")
        .is_some_and(|v| v.to_str().unwrap_or("").starts_with("attachment")));
    response.json().await.expect("json")
}

#[tokio::test]
async fn an_export_holds_every_kind_of_record_and_nothing_private_of_others() {
    let app = spawn_app().await;
    let (member, _friend, post, _) = busy_member(&app, "Zelda Exportson").await;
    // Others talk privately among themselves.
    let third = app.member().await;
    let other = app.member().await;
    converse(&app, &third, &other, "A secret between others").await;

    let document = export(&app, &member).await;
    assert_eq!(document["format"], "praxis-export/1");
    assert_eq!(document["member_id"], member.user_id.as_str());
    let sections = document["sections"].as_object().expect("sections");
    for name in praxis_persistence::personal_data::SECTIONS
        .iter()
        .map(|s| s.name)
    {
        assert!(sections.get(name).is_some_and(Value::is_array), "{name}");
    }
    for name in [
        "profile",
        "sessions",
        "terms_acceptances",
        "subscriptions",
        "payments",
        "invoices",
        "posts",
        "comments",
        "topic_follows",
        "conversations",
        "conversation_participants",
        "messages",
        "audit_entries",
    ] {
        assert!(
            !sections[name].as_array().expect("rows").is_empty(),
            "{name} is empty"
        );
    }
    assert_eq!(sections["profile"][0]["display_name"], "Zelda Exportson");
    assert_eq!(sections["posts"][0]["id"], post.id.as_str());
    let bodies: Vec<&str> = sections["messages"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|m| m["body"].as_str())
        .collect();
    assert!(bodies.contains(&"Hello from me"), "{bodies:?}");
    assert!(bodies.contains(&"Hello back from friend"), "{bodies:?}");
    let text = document.to_string();
    for absent in [
        "A secret between others",
        "$argon2",
        "password_hash",
        "token_hash",
    ] {
        assert!(!text.contains(absent), "the export holds {absent}");
    }
    assert!(!text.contains(&third.user_id) && !text.contains(&other.email));
    problem(
        app.get("/api/v1/me/export", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The tables (other than `invoices`) in which `needle` appears in any column.
async fn tables_holding(app: &TestApp, needle: &str) -> Vec<String> {
    let db = app.state.db.clone();
    let needle = needle.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut pooled = db.conn().unwrap_or_else(|e| panic!("{e}"));
        let conn: &mut DbConnection = &mut pooled;
        let mut found = Vec::new();
        match conn {
            DbConnection::Sqlite(c) => {
                let tables: Vec<Name> = diesel::sql_query(
                    "SELECT name FROM sqlite_master WHERE type = 'table' \
                     AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__diesel%'",
                )
                .load(c)
                .unwrap();
                for table in tables {
                    let columns: Vec<Name> =
                        diesel::sql_query("SELECT name FROM pragma_table_info(?1)")
                            .bind::<Text, _>(&table.name)
                            .load(c)
                            .unwrap();
                    let any = columns
                        .iter()
                        .map(|col| format!("instr(CAST(\"{}\" AS TEXT), ?1) > 0", col.name))
                        .collect::<Vec<_>>()
                        .join(" OR ");
                    let sql = format!("SELECT count(*) AS n FROM \"{}\" WHERE {any}", table.name);
                    let hits: Vec<Count> = diesel::sql_query(sql)
                        .bind::<Text, _>(&needle)
                        .load(c)
                        .unwrap();
                    if hits[0].n > 0 {
                        found.push(table.name);
                    }
                }
            }
            DbConnection::Pg(c) => {
                let tables: Vec<Name> = diesel::sql_query(
                    "SELECT table_name::text AS name FROM information_schema.tables \
                     WHERE table_schema = 'public' AND table_name NOT LIKE '__diesel%'",
                )
                .load(c)
                .unwrap();
                for table in tables {
                    let sql = format!(
                        "SELECT count(*) AS n FROM \"{}\" t WHERE strpos(t::text, $1) > 0",
                        table.name
                    );
                    let hits: Vec<Count> = diesel::sql_query(sql)
                        .bind::<Text, _>(&needle)
                        .load(c)
                        .unwrap();
                    if hits[0].n > 0 {
                        found.push(table.name);
                    }
                }
            }
        }
        found.retain(|t| t != "invoices");
        found.sort();
        found
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn after_erasure_the_email_name_and_id_appear_nowhere_outside_invoices() {
    let app = spawn_app().await;
    let name = "Zelda Erasington";
    let (member, friend, post, conversation) = busy_member(&app, name).await;
    for needle in [member.email.as_str(), name, member.user_id.as_str()] {
        assert!(!tables_holding(&app, needle).await.is_empty(), "{needle}");
    }

    let wrong = erase_me(&app, &member, "not my password").await;
    assert_eq!(
        problem(wrong, StatusCode::FORBIDDEN).await.kind,
        "invalid-current-password"
    );
    let erased = erase_me(&app, &member, PASSWORD).await;
    assert_eq!(erased.status(), StatusCode::NO_CONTENT);

    for needle in [member.email.as_str(), name, member.user_id.as_str()] {
        assert_eq!(
            tables_holding(&app, needle).await,
            Vec::<String>::new(),
            "{needle} survived erasure"
        );
    }
    // The content others replied to stays, as by "former member".
    let kept: Post = dto::json_with(
        app.get(
            &format!("/api/v1/posts/{}", post.id),
            Some(&friend.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(kept.author_name, "former member");
    assert_ne!(kept.author_id, member.user_id);
    // The friend keeps the conversation, both sides of it.
    let messages: Page<Message> = dto::json_with(
        app.get(
            &format!("/api/v1/conversations/{}/messages", conversation.id),
            Some(&friend.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let bodies: Vec<&str> = messages.items.iter().map(|m| m.body.as_str()).collect();
    assert!(bodies.contains(&"Hello from me") && bodies.contains(&"Hello back from friend"));
    assert!(messages
        .items
        .iter()
        .any(|m| m.author_name == "former member"));
    // The subscription ended (its seat is free), the invoice stayed.
    let statuses = app
        .query_texts("SELECT status AS name FROM subscriptions")
        .await;
    assert_eq!(statuses, vec!["cancelled"]);
    assert_eq!(
        app.query_texts("SELECT id AS name FROM invoices")
            .await
            .len(),
        1
    );
    // The old token names nobody; the address can register again.
    problem(
        app.get("/api/v1/me", Some(&member.access_token)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    app.register(&member.email).await;
}

impl TestApp {
    /// The text column `name` of the rows a query selects.
    async fn query_texts(&self, sql: &'static str) -> Vec<String> {
        let db = self.state.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
            let rows: Vec<Name> = diesel::sql_query(sql).load(&mut *conn).unwrap();
            rows.into_iter().map(|r| r.name).collect()
        })
        .await
        .unwrap()
    }
}

async fn erase_me(app: &TestApp, who: &Session, password: &str) -> reqwest::Response {
    app.request(
        reqwest::Method::DELETE,
        "/api/v1/me",
        Some(&who.access_token),
        Some(&json!({"password": password})),
    )
    .await
}

async fn erase(app: &TestApp, who: &Session, id: &str, email: &str) -> reqwest::Response {
    app.request(
        reqwest::Method::DELETE,
        &format!("/api/v1/admin/users/{id}"),
        Some(&who.access_token),
        Some(&json!({"email": email})),
    )
    .await
}

#[tokio::test]
async fn admins_erase_on_request_with_the_address_confirmed_and_it_is_audited() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let member = app.member().await;
    let other = app.member().await;
    problem(
        erase(&app, &other, &member.user_id, &member.email).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        problem(
            erase(&app, &admin, &member.user_id, "someone@example.org").await,
            StatusCode::UNPROCESSABLE_ENTITY
        )
        .await
        .fields(),
        vec!["email"]
    );
    problem(
        erase(&app, &admin, "no-such-user", &member.email).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(
        erase(&app, &admin, &member.user_id, &member.email)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        erase(&app, &admin, &member.user_id, &member.email)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let log: Value = app
        .get("/api/v1/admin/audit-log", Some(&admin.access_token))
        .await
        .json()
        .await
        .expect("json");
    let entry = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["action"] == "user.erased")
        .expect("an audit entry");
    assert_eq!(entry["actor_id"], admin.user_id.as_str());
    assert_ne!(entry["subject_id"], member.user_id.as_str());
    // The only admin cannot go: someone must be able to run the community.
    let last = erase_me(&app, &admin, PASSWORD).await;
    assert_eq!(problem(last, StatusCode::CONFLICT).await.kind, "last-admin");
}

/// Counts the rows a query selects (`SELECT COUNT(*) AS n …`).
async fn rows(app: &TestApp, sql: String) -> i64 {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        let count: Count = diesel::sql_query(sql).get_result(&mut *conn).unwrap();
        count.n
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn erasure_keeps_only_what_others_answered_and_conversations_someone_is_still_in() {
    let app = spawn_app().await;
    let (member, friend, third) = (app.member().await, app.member().await, app.member().await);
    let answered = app.write_post(&member, "lobby", "Answered", &[]).await;
    app.write_comment(&friend, &answered.id, "An answer", None)
        .await;
    let unanswered = app.write_post(&member, "lobby", "Unanswered", &[]).await;
    let elsewhere = app.write_post(&friend, "lobby", "The friend's", &[]).await;
    let replied = app
        .write_comment(&member, &elsewhere.id, "Replied to", None)
        .await;
    app.write_comment(&friend, &elsewhere.id, "A reply", Some(&replied.id))
        .await;
    let lonely = app
        .write_comment(&member, &elsewhere.id, "Nobody answered", None)
        .await;
    let own_reply = app
        .write_comment(&member, &elsewhere.id, "My own follow-up", Some(&lonely.id))
        .await;
    let kept_for_friend = converse(&app, &member, &friend, "Hello friend").await;
    let with_third = converse(&app, &member, &third, "Hello third").await;
    reply(&app, &third, &with_third.id, "Hello back").await;

    // The third leaves first: the member still has that conversation.
    let third_gone = erase_me(&app, &third, PASSWORD).await;
    assert_eq!(third_gone.status(), StatusCode::NO_CONTENT);
    let count_of =
        |table: &str, id: &str| format!("SELECT COUNT(*) AS n FROM {table} WHERE id = '{id}'");
    assert_eq!(
        rows(&app, count_of("conversations", &with_third.id)).await,
        1
    );

    let gone = erase_me(&app, &member, PASSWORD).await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    // What others answered stays, as by "former member"; the rest goes.
    assert_eq!(rows(&app, count_of("posts", &answered.id)).await, 1);
    assert_eq!(rows(&app, count_of("posts", &unanswered.id)).await, 0);
    assert_eq!(rows(&app, count_of("comments", &replied.id)).await, 1);
    for id in [&lonely.id, &own_reply.id] {
        assert_eq!(rows(&app, count_of("comments", id)).await, 0, "{id}");
    }
    let not_found = app
        .get(
            &format!("/api/v1/posts/{}", unanswered.id),
            Some(&friend.access_token),
        )
        .await;
    assert_eq!(not_found.status(), StatusCode::NOT_FOUND);
    let kept: Post = dto::json_with(
        app.get(
            &format!("/api/v1/posts/{}", answered.id),
            Some(&friend.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(kept.author_name, "former member");
    // Messages stay for a participant still here; with both gone, the conversation goes.
    assert_eq!(
        rows(&app, count_of("conversations", &kept_for_friend.id)).await,
        1
    );
    assert_eq!(
        rows(&app, count_of("conversations", &with_third.id)).await,
        0
    );
    assert_eq!(
        rows(
            &app,
            format!(
                "SELECT COUNT(*) AS n FROM messages WHERE conversation_id = '{}'",
                with_third.id
            )
        )
        .await,
        0
    );
}
