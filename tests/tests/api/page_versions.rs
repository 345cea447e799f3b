//! The content versions cached pages are tagged with (issue 14): a write moves the version of
//! the space it is in (and of every feed), never another space's, so a comment in a lounge does
//! not throw away the Lobby's cached pages, while names, spaces and plans move every page.

use crate::helpers::{spawn_app, TestApp};
use praxis_persistence::content_version::{self, Scope};
use reqwest::StatusCode;
use serde_json::json;

/// The versions of the Lobby, the PRO Lounge and the feeds, in that order.
async fn versions(app: &TestApp) -> [i64; 3] {
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        let mut read = |scope| content_version::current(&mut conn, scope).unwrap();
        [
            read(Scope::Space("lobby")),
            read(Scope::Space("pro-lounge")),
            read(Scope::Everything),
        ]
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_write_in_one_space_moves_that_space_and_the_feeds_but_leaves_other_spaces_pages_current()
{
    let app = spawn_app().await;
    let pro = app.pro_member().await;
    let token = Some(pro.access_token.as_str());

    let before = versions(&app).await;
    let lounge_post = app
        .write_post(&pro, "pro-lounge", "In the lounge", &[])
        .await;
    let after_post = versions(&app).await;
    assert_eq!(after_post[0], before[0], "the Lobby's pages stay current");
    assert!(after_post[1] > before[1], "the lounge's pages are stale");
    assert!(after_post[2] > before[2], "feeds are stale");

    let comment = app
        .write_comment(&pro, &lounge_post.id, "A comment.", None)
        .await;
    let react = app
        .put(
            &format!("/api/v1/comments/{}/reactions/like", comment.id),
            token,
        )
        .await;
    assert_eq!(react.status(), StatusCode::NO_CONTENT);
    let after_comment = versions(&app).await;
    assert_eq!(
        after_comment[0], before[0],
        "lounge comments leave the Lobby"
    );
    assert!(after_comment[1] > after_post[1]);

    let lobby_post = app.write_post(&pro, "lobby", "In the Lobby", &[]).await;
    let react = app
        .put(
            &format!("/api/v1/posts/{}/reactions/like", lobby_post.id),
            token,
        )
        .await;
    assert_eq!(react.status(), StatusCode::NO_CONTENT);
    let after_lobby = versions(&app).await;
    assert!(after_lobby[0] > after_comment[0]);
    assert_eq!(
        after_lobby[1], after_comment[1],
        "Lobby posts leave the lounge"
    );

    // Following moves only the feeds.
    let follow = app.put("/api/v1/spaces/lobby/follow", token).await;
    assert_eq!(follow.status(), StatusCode::NO_CONTENT);
    let after_follow = versions(&app).await;
    assert_eq!(after_follow[..2], after_lobby[..2]);
    assert!(after_follow[2] > after_lobby[2]);

    // An author's new name shows on every page.
    let renamed = app
        .patch("/api/v1/me", token, &json!({"display_name": "Renamed"}))
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let after_rename = versions(&app).await;
    for (now, earlier) in after_rename.iter().zip(after_follow) {
        assert!(*now > earlier, "{after_rename:?} after {after_follow:?}");
    }
}
