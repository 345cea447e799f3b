//! Notifications: replies, `@[member-id]` mentions and new posts in what you follow, never to
//! the author, per-space levels, and only about content the member may still read.

use crate::dto::{self, Notification, Post, Subscription};
use crate::helpers::{problem, spawn_app, Session, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn notifications(app: &TestApp, member: &Session) -> Vec<Notification> {
    app.items("/api/v1/notifications", Some(&member.access_token))
        .await
}

async fn kinds(app: &TestApp, member: &Session) -> Vec<String> {
    notifications(app, member)
        .await
        .into_iter()
        .map(|n| n.kind)
        .collect()
}

#[tokio::test]
async fn replies_mentions_and_new_posts_notify_everyone_but_the_author() {
    let app = spawn_app().await;
    let (author, follower, mentioned) =
        (app.member().await, app.member().await, app.member().await);
    app.put("/api/v1/spaces/lobby/follow", Some(&follower.access_token))
        .await;
    app.put("/api/v1/spaces/lobby/follow", Some(&author.access_token))
        .await;
    let body = format!("Thoughts, @[{}]?", mentioned.user_id);
    let post = app
        .post(
            "/api/v1/spaces/lobby/posts",
            Some(&author.access_token),
            &json!({"kind": "question", "title": "Q", "body": body}),
        )
        .await;
    let post: Post = dto::json_with(post, StatusCode::CREATED).await;
    assert_eq!(kinds(&app, &follower).await, vec!["new_post"]);
    assert_eq!(kinds(&app, &mentioned).await, vec!["mention"]);
    assert!(kinds(&app, &author).await.is_empty(), "never the author");
    let comment = app
        .write_comment(&mentioned, &post.id, "An answer", None)
        .await;
    assert_eq!(kinds(&app, &author).await, vec!["reply"]);
    app.write_comment(&author, &post.id, "Thanks", Some(&comment.id))
        .await;
    let items = notifications(&app, &mentioned).await;
    assert_eq!(items[0].kind, "reply");
    assert_eq!(items[0].post_title, "Q");
    assert_eq!(items[0].post_id, post.id);
    assert_eq!(items[0].space, "lobby");
    assert!(!items[0].read);
    let read = app
        .post(
            &format!("/api/v1/notifications/{}/read", items[0].id),
            Some(&mentioned.access_token),
            &json!({}),
        )
        .await;
    assert_eq!(read.status(), StatusCode::NO_CONTENT);
    let someone_elses = app
        .post(
            &format!("/api/v1/notifications/{}/read", items[0].id),
            Some(&author.access_token),
            &json!({}),
        )
        .await;
    problem(someone_elses, StatusCode::NOT_FOUND).await;
    app.post(
        "/api/v1/notifications/read-all",
        Some(&mentioned.access_token),
        &json!({}),
    )
    .await;
    let items = notifications(&app, &mentioned).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items.iter().all(|n| n.read), "{items:?}");
}

#[tokio::test]
async fn cancelling_pro_removes_pro_lounge_notifications_on_the_next_request() {
    let app = spawn_app().await;
    let (member, colleague) = (app.pro_member().await, app.pro_member().await);
    let token = Some(member.access_token.as_str());
    app.put("/api/v1/spaces/pro-lounge/follow", token).await;
    app.write_post(&colleague, "pro-lounge", "For PROs", &[])
        .await;
    app.write_post(&colleague, "lobby", "For all", &[]).await;
    let public = app.write_post(&member, "lobby", "Mine", &[]).await;
    app.write_comment(
        &colleague,
        &public.id,
        &format!("@[{}] see the lounge", member.user_id),
        None,
    )
    .await;
    assert_eq!(kinds(&app, &member).await, vec!["reply", "new_post"]);
    let subs: Vec<Subscription> = app.items("/api/v1/subscriptions", token).await;
    let sub = subs.first().expect("the PRO subscription");
    let cancelled = app
        .post(
            &format!("/api/v1/subscriptions/{}/cancel", sub.id),
            token,
            &json!({}),
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    assert_eq!(
        kinds(&app, &member).await,
        vec!["reply"],
        "the lounge's notification is gone"
    );
}

#[tokio::test]
async fn notifications_never_reveal_content_to_outsiders_or_after_it_is_deleted_or_hidden() {
    let app = spawn_app().await;
    let outsiders = app.pro_lounge_outsiders().await;
    let admin = app.as_admin().await;
    let host = app.as_host().await;
    let pro = app.pro_member().await;
    let participant = app.member().await;
    app.sealed_room(&admin, "supervision-4", &[&participant])
        .await;
    let mut members: Vec<Session> = outsiders.iter().filter_map(|o| o.session.clone()).collect();
    members.push(admin.clone());
    for m in &members {
        app.put("/api/v1/topics/consent/follow", Some(&m.access_token))
            .await;
    }
    let mentions: String = members
        .iter()
        .map(|m| format!("@[{}] ", m.user_id))
        .collect();
    let lounge = app
        .post(
            "/api/v1/spaces/pro-lounge/posts",
            Some(&pro.access_token),
            &json!({"kind": "discussion", "title": "PRO", "body": mentions, "topics": ["consent"]}),
        )
        .await;
    assert_eq!(lounge.status(), StatusCode::CREATED);
    let sealed = app
        .post(
            "/api/v1/spaces/supervision-4/posts",
            Some(&participant.access_token),
            &json!({"kind": "discussion", "title": "Sealed", "body": mentions, "topics": ["consent"]}),
        )
        .await;
    assert_eq!(sealed.status(), StatusCode::CREATED);
    let admin_sees = notifications(&app, &admin).await;
    assert!(
        admin_sees.iter().any(|n| n.space == "pro-lounge"),
        "an admin may read the PRO Lounge and is told about it: {admin_sees:?}"
    );
    assert!(
        admin_sees.iter().all(|n| n.space != "supervision-4"),
        "an admin is told nothing from a sealed room: {admin_sees:?}"
    );
    for m in members.iter().filter(|m| m.user_id != admin.user_id) {
        assert!(
            kinds(&app, m).await.is_empty(),
            "{} sees a notification",
            m.email
        );
    }
    assert!(
        app.count("SELECT COUNT(*) AS n FROM notifications").await >= 8,
        "the rows exist; the list filters them"
    );

    let reader = app.member().await;
    app.put("/api/v1/spaces/lobby/follow", Some(&reader.access_token))
        .await;
    let gone = app.write_post(&pro, "lobby", "Soon deleted", &[]).await;
    let hidden = app.write_post(&pro, "lobby", "Soon hidden", &[]).await;
    let stays = app.write_post(&pro, "lobby", "Stays", &[]).await;
    assert_eq!(kinds(&app, &reader).await.len(), 3);
    let deleted = app
        .delete(
            &format!("/api/v1/posts/{}", gone.id),
            Some(&pro.access_token),
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let hide = app
        .post(
            &format!("/api/v1/admin/posts/{}/hide", hidden.id),
            Some(&host.access_token),
            &json!({}),
        )
        .await;
    assert_eq!(hide.status(), StatusCode::NO_CONTENT);
    let left: Vec<String> = notifications(&app, &reader)
        .await
        .into_iter()
        .map(|n| n.post_id)
        .collect();
    assert_eq!(left, [stays.id], "only the post still readable is notified");
}

#[tokio::test]
async fn notification_levels_mute_a_space_or_keep_only_what_is_addressed_to_you() {
    let app = spawn_app().await;
    let (reader, writer) = (app.member().await, app.member().await);
    let token = Some(reader.access_token.as_str());
    app.put("/api/v1/spaces/lobby/follow", token).await;
    let set = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/spaces/lobby/notification-level",
            token,
            Some(&json!({"level": "mentions"})),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    app.write_post(&writer, "lobby", "Not for you", &[]).await;
    assert!(kinds(&app, &reader).await.is_empty());
    app.post(
        "/api/v1/spaces/lobby/posts",
        Some(&writer.access_token),
        &json!({"kind": "article", "title": "Hi", "body": format!("@[{}]", reader.user_id)}),
    )
    .await;
    assert_eq!(kinds(&app, &reader).await, vec!["mention"]);
    app.request(
        reqwest::Method::PUT,
        "/api/v1/spaces/lobby/notification-level",
        token,
        Some(&json!({"level": "muted"})),
    )
    .await;
    app.post(
        "/api/v1/spaces/lobby/posts",
        Some(&writer.access_token),
        &json!({"kind": "article", "title": "Hi", "body": format!("@[{}]", reader.user_id)}),
    )
    .await;
    assert_eq!(kinds(&app, &reader).await.len(), 1);
    let bad = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/spaces/lobby/notification-level",
            token,
            Some(&json!({"level": "loud"})),
        )
        .await;
    problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
    let lounge = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/spaces/pro-lounge/notification-level",
            token,
            Some(&json!({"level": "all"})),
        )
        .await;
    problem(lounge, StatusCode::FORBIDDEN).await;
}
