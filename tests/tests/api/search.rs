//! Search (DOMAIN.md "Terms and confidentiality"): a hit, its snippet and the number of hits
//! come only from what the caller may read at that moment.

use crate::dto::{self, SearchHit};
use crate::helpers::{spawn_app, Session, TestApp};
use reqwest::StatusCode;
use std::collections::BTreeSet;

/// Everyone the confidentiality rules are about, with content in every kind of space.
struct World {
    app: TestApp,
    admin: Session,
    lobby_member: Session,
    lapsed: Session,
    practitioner: Session,
    pro: Session,
    participant: Session,
}

async fn world() -> World {
    let app = spawn_app().await;
    let lapsed = app.member().await;
    app.subscribed(&lapsed, "practitioner", "monthly").await;
    // Past the end of the paid month: the Practitioner plan has lapsed.
    app.clock.advance(chrono::Duration::days(40));
    let lapsed = app.relogin(&lapsed).await;
    let admin = app.as_admin().await;
    let lobby_member = app.member().await;
    let practitioner = app.member().await;
    app.subscribed(&practitioner, "practitioner", "monthly")
        .await;
    let pro = app.member().await;
    app.approve_pro_application(&pro.user_id).await;
    app.subscribed(&pro, "pro", "monthly").await;
    let participant = app.member().await;
    app.sealed_space(&admin, "supervision-search", &[&participant])
        .await;

    let author = &pro;
    app.insert_post(
        "lobby",
        author,
        "Welcome zebra",
        "Common ground for everyone.",
        "published",
    )
    .await;
    let lounge = app
        .insert_post(
            "practitioner-lounge",
            author,
            "Pangolin practice",
            "Common ground, practitioners only.",
            "published",
        )
        .await;
    app.insert_comment(
        &lounge,
        author,
        "An ocelot objection, common too.",
        "published",
    )
    .await;
    app.insert_post(
        "pro-lounge",
        author,
        "Quokka circle",
        "Common ground for PRO.",
        "published",
    )
    .await;
    app.insert_post(
        "supervision-search",
        &participant,
        "Narwhal case",
        "Common ground of a client's story.",
        "published",
    )
    .await;
    World {
        app,
        admin,
        lobby_member,
        lapsed,
        practitioner,
        pro,
        participant,
    }
}

/// The hits for `q`. The page is read strictly (`Page` and `SearchHit` refuse unknown fields), so
/// a total or any other count next to `items` fails the test.
async fn hits(app: &TestApp, who: Option<&Session>, q: &str) -> Vec<SearchHit> {
    let page = app.search(who.map(|s| s.access_token.as_str()), q).await;
    assert_eq!(page.next_cursor, None, "{q}: {page:?}");
    page.items
}

/// The search answers an outsider exactly as if the word did not exist: no hit, no snippet.
async fn invisible(app: &TestApp, who: Option<&Session>, word: &str) {
    let response = app
        .search_response(who.map(|s| s.access_token.as_str()), word)
        .await;
    let text = response
        .text()
        .await
        .unwrap_or_else(|e| panic!("search {word}: {e}"));
    let page: dto::Page<SearchHit> = dto::parse(&text, &format!("search {word}"));
    assert!(page.items.is_empty(), "{word} leaked: {text}");
    assert_eq!(page.next_cursor, None, "{word} leaked: {text}");
    assert!(!text.to_lowercase().contains(word), "{word} leaked: {text}");
}

fn spaces_of(hits: &[SearchHit]) -> Vec<String> {
    let mut spaces: Vec<String> = hits.iter().map(|h| h.space.clone()).collect();
    spaces.sort();
    spaces.dedup();
    spaces
}

#[tokio::test]
async fn search_hits_are_invisible_to_every_outsider() {
    let w = world().await;
    let app = &w.app;
    for who in [None, Some(&w.lobby_member), Some(&w.lapsed)] {
        for word in ["pangolin", "ocelot", "quokka", "narwhal"] {
            invisible(app, who, word).await;
        }
        let common = hits(app, who, "common ground").await;
        assert_eq!(spaces_of(&common), ["lobby"], "only the Lobby's hit counts");
        assert_eq!(common.len(), 1);
    }
    // A Practitioner looking into the PRO Lounge, an admin into a sealed room.
    invisible(app, Some(&w.practitioner), "quokka").await;
    invisible(app, Some(&w.practitioner), "narwhal").await;
    invisible(app, Some(&w.admin), "narwhal").await;
    invisible(app, Some(&w.pro), "narwhal").await;
    assert_eq!(
        spaces_of(&hits(app, Some(&w.practitioner), "common").await),
        ["lobby", "practitioner-lounge"]
    );
    assert_eq!(
        spaces_of(&hits(app, Some(&w.admin), "common").await),
        ["lobby", "practitioner-lounge", "pro-lounge"]
    );
}

#[tokio::test]
async fn search_finds_posts_and_comments_the_caller_may_read_with_snippets() {
    let w = world().await;
    let app = &w.app;
    let found = hits(app, Some(&w.practitioner), "Pangolin").await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, "post");
    assert_eq!(found[0].space, "practitioner-lounge");
    assert_eq!(found[0].comment_id, None);
    let comment = hits(app, Some(&w.pro), "ocelot").await;
    assert_eq!(comment.len(), 1);
    assert_eq!(comment[0].kind, "comment");
    assert_eq!(comment[0].title, "Pangolin practice");
    assert_eq!(comment[0].post_id, found[0].post_id);
    assert!(comment[0].comment_id.is_some(), "{comment:?}");
    assert!(comment[0].snippet.contains("**ocelot**"), "{comment:?}");
    assert_eq!(hits(app, Some(&w.pro), "quokka").await.len(), 1);
    assert_eq!(hits(app, Some(&w.participant), "narwhal").await.len(), 1);
    assert_eq!(hits(app, None, "zebra").await.len(), 1);
    let all = hits(app, Some(&w.pro), "common").await;
    assert_eq!(all.len(), 4, "three posts and a comment: {all:?}");
}

#[tokio::test]
async fn search_never_shows_hidden_or_deleted_posts_and_comments() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    app.insert_post("lobby", &host, "Axolotl hidden", "gone", "hidden")
        .await;
    app.insert_post("lobby", &host, "Axolotl deleted", "gone", "deleted")
        .await;
    // A published post and comment matching the same word: the search works, and finds only them.
    let visible = app
        .insert_post(
            "lobby",
            &host,
            "Axolotl visible",
            "A visible post",
            "published",
        )
        .await;
    let visible_comment = app
        .insert_comment(&visible, &host, "axolotl comment published", "published")
        .await;
    app.insert_comment(&visible, &host, "axolotl comment hidden", "hidden")
        .await;
    app.insert_comment(&visible, &host, "axolotl comment deleted", "deleted")
        .await;
    let gone = app
        .insert_post("lobby", &host, "Removed later", "visible", "hidden")
        .await;
    app.insert_comment(&gone, &host, "axolotl under a hidden post", "published")
        .await;
    let expected = BTreeSet::from([
        ("post".to_owned(), visible.clone(), None),
        ("comment".to_owned(), visible.clone(), Some(visible_comment)),
    ]);
    for who in [None, Some(&host)] {
        let found = hits(&app, who, "axolotl").await;
        let found_keys: BTreeSet<_> = found
            .iter()
            .map(|h| (h.kind.clone(), h.post_id.clone(), h.comment_id.clone()))
            .collect();
        assert_eq!(found_keys, expected, "{found:?}");
        assert_eq!(found.len(), 2, "{found:?}");
        for hit in &found {
            assert!(
                !hit.snippet.contains("hidden")
                    && !hit.snippet.contains("deleted")
                    && !hit.snippet.contains("gone"),
                "{hit:?}"
            );
        }
        // Words only in hidden or deleted content find nothing.
        invisible(&app, who, "removed").await;
    }
}

#[tokio::test]
async fn search_of_odd_input_never_fails_with_a_server_error() {
    let app = spawn_app().await;
    let member = app.member().await;
    app.insert_post(
        "lobby",
        &member,
        "Consent AND objections",
        "Quotes \" and stars *",
        "published",
    )
    .await;
    let long = "word ".repeat(200);
    let too_long = "x".repeat(1001);
    let odd = [
        "\"",
        "\"unterminated",
        "*",
        "consent*",
        "AND",
        "OR",
        "NOT",
        "consent AND",
        "NEAR(a b)",
        "title:consent",
        "-consent",
        "^consent",
        "(",
        ")",
        "{}",
        "🙂",
        "🙂 consent",
        "'; DROP TABLE posts; --",
        "\\",
        "%",
        "_",
        "\u{0}",
        "é",
        "İstanbul",
        long.as_str(),
        too_long.as_str(),
        "",
    ];
    for q in odd {
        let response = app.search_response(Some(&member.access_token), q).await;
        match response.status() {
            StatusCode::OK => {
                let _: dto::Page<SearchHit> = dto::json(response).await;
            }
            StatusCode::UNPROCESSABLE_ENTITY => {
                crate::helpers::problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
            status => panic!(
                "{q:?} → {status} {}",
                response.text().await.unwrap_or_else(|e| e.to_string())
            ),
        }
    }
    let found = app.search(None, "and").await.items;
    assert_eq!(found.len(), 1, "AND is a word like any other");
    assert_eq!(found[0].title, "Consent AND objections");
    crate::helpers::problem(
        app.search_response(None, "*** \"").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let limit = app.get("/api/v1/search?q=consent&limit=101", None).await;
    assert_eq!(limit.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
