//! Posts, comments, reactions and crossposts (DOMAIN.md "Terms and confidentiality"): content in
//! a space is visible only to those who may read it, on every path.

use crate::discussion_helpers::Outsider;
use crate::dto::{self, Comment, Post};
use crate::helpers::{problem, spawn_app};
use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeMap;
use std::collections::HashSet;

/// Every path to a post, a comment and a reaction answers 404 to the outsider, and nothing they
/// can list shows it or counts it.
async fn assert_cannot_see(
    app: &crate::helpers::TestApp,
    outsider: &Outsider,
    space: &str,
    post: &str,
    comment: &str,
) {
    let who = outsider.who;
    let token = outsider.token();
    let reads = [
        format!("/api/v1/posts/{post}"),
        format!("/api/v1/posts/{post}/comments"),
    ];
    for path in reads {
        let response = app.get(&path, token).await;
        assert_eq!(
            response.status(),
            StatusCode::NOT_FOUND,
            "{who}: GET {path}"
        );
    }
    let body = json!({"body": "x", "title": "x"});
    let writes = [
        app.patch(&format!("/api/v1/posts/{post}"), token, &body)
            .await,
        app.delete(&format!("/api/v1/posts/{post}"), token).await,
        app.post(
            &format!("/api/v1/posts/{post}/comments"),
            token,
            &json!({"body": "x"}),
        )
        .await,
        app.post(
            &format!("/api/v1/posts/{post}/crosspost"),
            token,
            &json!({"space": "lobby"}),
        )
        .await,
        app.put(&format!("/api/v1/posts/{post}/reactions/like"), token)
            .await,
        app.delete(&format!("/api/v1/posts/{post}/reactions/like"), token)
            .await,
        app.patch(
            &format!("/api/v1/comments/{comment}"),
            token,
            &json!({"body": "x"}),
        )
        .await,
        app.delete(&format!("/api/v1/comments/{comment}"), token)
            .await,
        app.put(&format!("/api/v1/comments/{comment}/reactions/like"), token)
            .await,
    ];
    for response in writes {
        let url = response.url().path().to_owned();
        let status = response.status();
        // Visitors are asked to sign in before anything is looked up.
        let expected = if token.is_none() {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(status, expected, "{who}: write {url}");
    }
    let list = app
        .get(&format!("/api/v1/spaces/{space}/posts"), token)
        .await;
    assert!(
        [
            StatusCode::UNAUTHORIZED,
            StatusCode::FORBIDDEN,
            StatusCode::NOT_FOUND
        ]
        .contains(&list.status()),
        "{who}: list {space} answered {}",
        list.status()
    );
    let text = list
        .text()
        .await
        .unwrap_or_else(|e| panic!("{who}: list {space}: {e}"));
    assert!(!text.contains(post), "{who}: the list names the post");
    let lobby: Vec<Post> = app.items("/api/v1/spaces/lobby/posts", token).await;
    for lobby_item in lobby {
        assert_ne!(lobby_item.id, post, "{who}: not in the Lobby either");
    }
}

#[tokio::test]
async fn pro_lounge_posts_comments_and_reactions_are_invisible_to_everyone_outside_it() {
    let app = spawn_app().await;
    let outsiders = app.pro_lounge_outsiders().await;
    let pro = app.pro_member().await;
    let other_pro = app.pro_member().await;
    let post = app
        .write_post(&pro, "pro-lounge", "A PRO matter", &["consent"])
        .await;
    assert_eq!(post.topics, ["consent"]);
    let comment = app
        .write_comment(&other_pro, &post.id, "A PRO reply", None)
        .await;
    let liked = app
        .put(
            &format!("/api/v1/posts/{}/reactions/like", post.id),
            Some(&other_pro.access_token),
        )
        .await;
    assert_eq!(liked.status(), StatusCode::NO_CONTENT);
    let seen: Post = dto::json_with(
        app.get(
            &format!("/api/v1/posts/{}", post.id),
            Some(&other_pro.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen.reactions, BTreeMap::from([("like".to_owned(), 1)]));
    assert_eq!(seen.comment_count, 1);
    for outsider in &outsiders {
        assert_cannot_see(&app, outsider, "pro-lounge", &post.id, &comment.id).await;
    }
}

#[tokio::test]
async fn a_sealed_room_s_content_is_invisible_to_admins_hosts_and_members_outside_it() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let (inside, peer) = (app.member().await, app.member().await);
    app.sealed_room(&admin, "supervision-7", &[&inside, &peer])
        .await;
    let post = app
        .write_post(&inside, "supervision-7", "A case", &[])
        .await;
    let comment = app.write_comment(&peer, &post.id, "Thoughts", None).await;
    let outsiders = vec![
        Outsider {
            who: "admin",
            session: Some(admin.clone()),
        },
        Outsider {
            who: "host",
            session: Some(app.as_host().await),
        },
        Outsider {
            who: "lobby member",
            session: Some(app.member().await),
        },
        Outsider {
            who: "anonymous",
            session: None,
        },
    ];
    for outsider in &outsiders {
        assert_cannot_see(&app, outsider, "supervision-7", &post.id, &comment.id).await;
    }
    let hide = app
        .post(
            &format!("/api/v1/admin/posts/{}/hide", post.id),
            Some(&admin.access_token),
            &json!({}),
        )
        .await;
    problem(hide, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn losing_the_subscription_closes_the_lounge_posts_on_the_next_request() {
    let app = spawn_app().await;
    let member = app.member().await;
    let sub = app.subscribed(&member, "practitioner", "monthly").await;
    let post = app
        .write_post(&member, "practitioner-lounge", "Mine", &[])
        .await;
    let path = format!("/api/v1/posts/{}", post.id);
    assert_eq!(
        app.get(&path, Some(&member.access_token)).await.status(),
        StatusCode::OK
    );
    app.post(
        &format!("/api/v1/subscriptions/{}/cancel", sub.id),
        Some(&member.access_token),
        &json!({}),
    )
    .await;
    problem(
        app.get(&path, Some(&member.access_token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.delete(&path, Some(&member.access_token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn listing_a_space_you_cannot_enter_answers_with_the_reason_or_404_for_secret_ones() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let member = app.member().await;
    app.sealed_room(&admin, "supervision-2", &[]).await;
    problem(
        app.get("/api/v1/spaces/lobby-members/posts", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let denied = problem(
        app.get(
            "/api/v1/spaces/pro-lounge/posts",
            Some(&member.access_token),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(denied.kind, "space-access-denied");
    problem(
        app.get(
            "/api/v1/spaces/supervision-2/posts",
            Some(&admin.access_token),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(
        app.get("/api/v1/spaces/lobby/posts", None).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn visitors_read_the_lobby_and_only_members_who_accepted_the_terms_write() {
    let app = spawn_app().await;
    let member = app.member().await;
    let post = app.write_post(&member, "lobby", "Hello", &[]).await;
    assert_eq!(
        app.get(&format!("/api/v1/posts/{}", post.id), None)
            .await
            .status(),
        StatusCode::OK
    );
    let anonymous = app
        .post(
            "/api/v1/spaces/lobby/posts",
            None,
            &json!({"kind": "article", "title": "t", "body": "b"}),
        )
        .await;
    problem(anonymous, StatusCode::UNAUTHORIZED).await;
    let email = format!("n{}@example.org", uuid::Uuid::new_v4().simple());
    app.register(&email).await;
    let newcomer = app.login(&email).await;
    let blocked = app
        .post(
            "/api/v1/spaces/lobby/posts",
            Some(&newcomer.access_token),
            &json!({"kind": "article", "title": "t", "body": "b"}),
        )
        .await;
    assert_eq!(
        problem(blocked, StatusCode::FORBIDDEN).await.kind,
        "terms-acceptance-required"
    );
}

#[tokio::test]
async fn post_fields_are_validated_and_the_body_is_stored_as_written() {
    let app = spawn_app().await;
    let member = app.member().await;
    let token = Some(member.access_token.as_str());
    let invalid = app.post("/api/v1/spaces/lobby/posts", token, &json!({"kind": "rant", "title": "", "body": "x".repeat(50_001), "topics": ["no-such-topic"]})).await;
    let invalid = problem(invalid, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(invalid.fields().len() >= 3, "{invalid}");
    let unknown_topic = app
        .post(
            "/api/v1/spaces/lobby/posts",
            token,
            &json!({"kind": "article", "title": "t", "body": "b", "topics": ["no-such-topic"]}),
        )
        .await;
    assert_eq!(
        problem(unknown_topic, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        ["topics[0]"]
    );
    let markdown = "# Title\n\n<b>raw</b> *as written*  \n";
    let created = app
        .post(
            "/api/v1/spaces/lobby/posts",
            token,
            &json!({"kind": "article", "title": "t", "body": markdown}),
        )
        .await;
    let created: Post = dto::json_with(created, StatusCode::CREATED).await;
    assert_eq!(created.body, markdown);
}

#[tokio::test]
async fn only_the_author_edits_or_deletes_and_deleted_content_is_gone_from_every_read() {
    let app = spawn_app().await;
    let (author, other) = (app.member().await, app.member().await);
    let post = app.write_post(&author, "lobby", "Original", &[]).await;
    let path = format!("/api/v1/posts/{}", post.id);
    let by_other = app
        .patch(
            &path,
            Some(&other.access_token),
            &json!({"title": "Hijacked"}),
        )
        .await;
    assert_eq!(
        problem(by_other, StatusCode::FORBIDDEN).await.kind,
        "not-author"
    );
    problem(
        app.delete(&path, Some(&other.access_token)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let edited = app
        .patch(
            &path,
            Some(&author.access_token),
            &json!({"title": "Edited", "topics": ["drivers"]}),
        )
        .await;
    let edited: Post = dto::json_with(edited, StatusCode::OK).await;
    assert_eq!(edited.title, "Edited");
    assert_eq!(edited.topics, ["drivers"]);
    assert!(edited.edited_at.is_some(), "{edited:?}");

    let comment = app.write_comment(&other, &post.id, "A comment", None).await;
    let comment_path = format!("/api/v1/comments/{}", comment.id);
    problem(
        app.patch(
            &comment_path,
            Some(&author.access_token),
            &json!({"body": "no"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        app.delete(&comment_path, Some(&other.access_token))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let comments: Vec<Comment> = app.items(&format!("{path}/comments"), None).await;
    assert!(comments.is_empty(), "{comments:?}");

    assert_eq!(
        app.delete(&path, Some(&author.access_token)).await.status(),
        StatusCode::NO_CONTENT
    );
    // The other member's post stays listed: the list answers, and only the deleted one is gone.
    let kept = app.write_post(&other, "lobby", "Kept", &[]).await;
    for token in [None, Some(author.access_token.as_str())] {
        problem(app.get(&path, token).await, StatusCode::NOT_FOUND).await;
        let listed: Vec<Post> = app.items("/api/v1/spaces/lobby/posts", token).await;
        let ids: Vec<&str> = listed.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, [kept.id.as_str()]);
    }
}

#[tokio::test]
async fn comments_reply_only_to_comments_of_the_same_post() {
    let app = spawn_app().await;
    let member = app.member().await;
    let first = app.write_post(&member, "lobby", "First", &[]).await;
    let second = app.write_post(&member, "lobby", "Second", &[]).await;
    let root = app.write_comment(&member, &first.id, "Root", None).await;
    let reply = app
        .write_comment(&member, &first.id, "Reply", Some(&root.id))
        .await;
    assert_eq!(reply.parent_id.as_deref(), Some(root.id.as_str()));
    let elsewhere = app
        .post(
            &format!("/api/v1/posts/{}/comments", second.id),
            Some(&member.access_token),
            &json!({"body": "x", "parent_id": root.id.clone()}),
        )
        .await;
    assert_eq!(
        problem(elsewhere, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        ["parent_id"]
    );
    let items: Vec<Comment> = app
        .items(&format!("/api/v1/posts/{}/comments", first.id), None)
        .await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].id, root.id);
    assert_eq!(items[1].id, reply.id);
    assert_eq!(items[1].parent_id.as_deref(), Some(root.id.as_str()));
}

#[tokio::test]
async fn reactions_come_from_a_fixed_set_and_are_counted_once_per_member() {
    let app = spawn_app().await;
    let (a, b) = (app.member().await, app.member().await);
    let post = app.write_post(&a, "lobby", "React", &[]).await;
    let comment = app.write_comment(&a, &post.id, "c", None).await;
    for who in [&a, &b, &b] {
        let r = app
            .put(
                &format!("/api/v1/posts/{}/reactions/like", post.id),
                Some(&who.access_token),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    app.put(
        &format!("/api/v1/comments/{}/reactions/thanks", comment.id),
        Some(&b.access_token),
    )
    .await;
    problem(
        app.put(
            &format!("/api/v1/posts/{}/reactions/angry", post.id),
            Some(&b.access_token),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let items: Vec<Post> = app.items("/api/v1/spaces/lobby/posts", None).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].reactions, BTreeMap::from([("like".to_owned(), 2)]));
    assert_eq!(items[0].comment_count, 1);
    app.delete(
        &format!("/api/v1/posts/{}/reactions/like", post.id),
        Some(&b.access_token),
    )
    .await;
    let seen: Post = dto::json_with(
        app.get(&format!("/api/v1/posts/{}", post.id), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen.reactions, BTreeMap::from([("like".to_owned(), 1)]));
    let comments: Vec<Comment> = app
        .items(&format!("/api/v1/posts/{}/comments", post.id), None)
        .await;
    assert_eq!(comments.len(), 1);
    assert_eq!(
        comments[0].reactions,
        BTreeMap::from([("thanks".to_owned(), 1)])
    );
}

#[tokio::test]
async fn only_the_author_crossposts_and_only_into_a_space_they_may_write_in() {
    let app = spawn_app().await;
    let author = app.member().await;
    app.subscribed(&author, "practitioner", "monthly").await;
    let colleague = app.member().await;
    app.subscribed(&colleague, "practitioner", "monthly").await;
    let post = app
        .write_post(
            &author,
            "practitioner-lounge",
            "A generic question",
            &["drivers"],
        )
        .await;
    let path = format!("/api/v1/posts/{}/crosspost", post.id);
    let by_other = app
        .post(
            &path,
            Some(&colleague.access_token),
            &json!({"space": "lobby"}),
        )
        .await;
    assert_eq!(
        problem(by_other, StatusCode::FORBIDDEN).await.kind,
        "not-author"
    );
    let into_pro = app
        .post(
            &path,
            Some(&author.access_token),
            &json!({"space": "pro-lounge"}),
        )
        .await;
    problem(into_pro, StatusCode::FORBIDDEN).await;
    let copied = app
        .post(
            &path,
            Some(&author.access_token),
            &json!({"space": "lobby"}),
        )
        .await;
    assert_eq!(copied.status(), StatusCode::CREATED);
    let copied: Post = dto::json_with(copied, StatusCode::CREATED).await;
    assert_ne!(copied.id, post.id, "a crosspost is a new post");
    assert_eq!(copied.space, "lobby");
    assert_eq!(copied.topics, ["drivers"]);
    assert_eq!(
        copied.crossposted_from.as_deref(),
        Some(post.id.as_str()),
        "the author may read the source"
    );
    let response = app.get(&format!("/api/v1/posts/{}", copied.id), None).await;
    let raw: serde_json::Value = dto::json_with(response, StatusCode::OK).await;
    let seen_by_visitor: Post = dto::from_value(&raw);
    assert_eq!(seen_by_visitor.id, copied.id);
    assert!(
        raw.get("crossposted_from").is_none() && seen_by_visitor.crossposted_from.is_none(),
        "the private source is not named to outsiders: {raw}"
    );
    problem(
        app.get(&format!("/api/v1/posts/{}", post.id), None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_list_of_45_posts_pages_as_20_20_5_without_duplicates_or_gaps_while_new_posts_arrive() {
    let app = spawn_app().await;
    let member = app.member().await;
    let mut written = HashSet::new();
    for i in 0..45 {
        let post = app
            .write_post(&member, "lobby", &format!("Post {i}"), &[])
            .await;
        written.insert(post.id);
        if i % 7 == 0 {
            app.clock.advance(chrono::Duration::seconds(1));
        }
    }
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/spaces/lobby/posts?cursor={c}"),
            None => "/api/v1/spaces/lobby/posts".to_owned(),
        };
        let page: dto::Page<Post> =
            dto::json_with(app.get(&path, None).await, StatusCode::OK).await;
        sizes.push(page.items.len());
        seen.extend(page.items.into_iter().map(|p| p.id));
        // Someone posts between pages: it is newer than everything listed, so it never shifts a page.
        app.write_post(&member, "lobby", "Arrived meanwhile", &[])
            .await;
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(sizes, vec![20, 20, 5]);
    let unique: HashSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "no duplicates");
    assert_eq!(unique, written, "no gaps");
}

#[tokio::test]
async fn a_cached_list_page_changes_with_the_next_comment_and_answers_304_until_then() {
    let app = spawn_app().await;
    let author = app.member().await;
    app.accept_terms(&author).await;
    let post = app.write_post(&author, "lobby", "Cached", &[]).await;
    let lobby = "/api/v1/spaces/lobby/posts?limit=20";
    let first = app.get(lobby, None).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(
        first.headers()["cache-control"].to_str().unwrap(),
        "public, no-cache"
    );
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let page: serde_json::Value = first.json().await.unwrap();
    assert_eq!(page["items"][0]["comment_count"], 0);
    let held = app
        .client
        .get(format!("{}{lobby}", app.address))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(held.status(), StatusCode::NOT_MODIFIED);

    app.write_comment(&author, &post.id, "A comment.", None)
        .await;
    let after = app
        .client
        .get(format!("{}{lobby}", app.address))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::OK, "the old ETag is stale");
    assert_ne!(after.headers()["etag"].to_str().unwrap(), etag);
    let page: serde_json::Value = after.json().await.unwrap();
    assert_eq!(page["items"][0]["comment_count"], 1);
    let as_member = app.get(lobby, Some(&author.access_token)).await;
    assert_eq!(
        as_member.headers()["cache-control"].to_str().unwrap(),
        "private, no-cache"
    );
}
