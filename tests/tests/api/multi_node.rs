//! Several API nodes over one database (issue 14): two real `praxis` processes share it, and
//! - the last place of an event goes to exactly one of 50 members racing for it across both;
//! - a cached anonymous page on one node is never served after a write on the other;
//! - each queued mail is sent once, though both nodes run a mail worker;
//! - each periodic step runs once per tick across the nodes (claims raced from two pools).
//!
//! And `praxis bench-seed` fills a database for such load in large transactions.

use crate::crash_recovery::{grant_role, ids, until_ok, Server};
use crate::helpers::fresh_database;
use praxis_persistence::{job_claims, to_db_time, write_tx, Database};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::{Duration, Instant};

const RACERS: usize = 50;
const MAILS: usize = 20;

async fn get(server: &Server, path: &str, etag: Option<&str>) -> reqwest::Response {
    let request = server.client.get(format!("{}{path}", server.base));
    let request = match etag {
        Some(etag) => request.header("If-None-Match", etag),
        None => request,
    };
    request.send().await.unwrap()
}

/// The titles on the Lobby's first page as a visitor sees them, and its ETag.
async fn lobby_titles(server: &Server) -> (Vec<String>, String) {
    let response = get(server, "/api/v1/spaces/lobby/posts?limit=20", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let page: Value = response.json().await.unwrap();
    let titles = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_owned())
        .collect();
    (titles, etag)
}

/// The outbox ids among `queued` written as `<id>.eml` to either node's mail directory (an id
/// appears twice if it was sent twice).
fn sent_mail(dir: &std::path::Path, queued: &HashSet<String>) -> Vec<String> {
    ["mail-a", "mail-b"]
        .iter()
        .filter_map(|d| std::fs::read_dir(dir.join(d)).ok())
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".eml").map(str::to_owned)
        })
        .filter(|id| queued.contains(id))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_on_one_database_give_one_last_place_fresh_pages_and_each_mail_once() {
    let (database_url, _guard) = fresh_database().await;
    let dir = tempfile::tempdir().unwrap();
    let node = |name: &str| {
        vec![
            (
                "PRAXIS_MAIL_DIR",
                dir.path().join(name).display().to_string(),
            ),
            ("PRAXIS_JOB_PERIOD_SECS", "1".to_owned()),
        ]
    };
    let a = Server::start_with(&database_url, dir.path(), &node("mail-a")).await;
    let b = Server::start_with(&database_url, dir.path(), &node("mail-b")).await;
    let nodes = [&a, &b];

    // A visitor's Lobby page, cached on B; a member writes on A; B's next answer has the post.
    let (before, old_etag) = lobby_titles(&b).await;
    let (_, again) = lobby_titles(&b).await;
    assert_eq!(old_etag, again, "the same content keeps its ETag");
    let held = get(&b, "/api/v1/spaces/lobby/posts?limit=20", Some(&old_etag)).await;
    assert_eq!(held.status(), StatusCode::NOT_MODIFIED);
    let (writer, _) = a.member("writer@example.org").await;
    let posted = a
        .post(
            "/api/v1/spaces/lobby/posts",
            &writer,
            None,
            &json!({"kind": "discussion", "title": "Written on node A", "body": "Hello from A."}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::CREATED);
    let (after, new_etag) = lobby_titles(&b).await;
    assert!(!before.contains(&"Written on node A".to_owned()));
    assert_eq!(after.first().map(String::as_str), Some("Written on node A"));
    assert_ne!(old_etag, new_etag);
    let stale = get(&b, "/api/v1/spaces/lobby/posts?limit=20", Some(&old_etag)).await;
    assert_eq!(stale.status(), StatusCode::OK, "an old ETag is not current");

    // One place, 50 members, half of them asking node A and half node B, all at once.
    let host_email = "host@example.org";
    let (host, _) = a.member(host_email).await;
    grant_role(&database_url, dir.path(), host_email, "host");
    let start = chrono::Utc::now() + chrono::Duration::days(3);
    let event: Value = a
        .post(
            "/api/v1/admin/events",
            &host,
            None,
            &json!({
                "kind": "community_meetup", "format": "open_space", "title": "One place",
                "description": "Bring a question.", "space": "lobby-members",
                "starts_at": start.to_rfc3339(),
                "ends_at": (start + chrono::Duration::minutes(90)).to_rfc3339(),
                "join_url": "https://meet.example.org/one", "capacity": 1,
            }),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let event_id = event["id"].as_str().unwrap().to_owned();
    let mut racers = Vec::new();
    for i in 0..RACERS {
        let email = format!("racer{i}@example.org");
        racers.push((nodes[i % 2].member(&email).await.0, email));
    }
    let rsvps = racers.iter().enumerate().map(|(i, (token, _))| {
        nodes[i % 2]
            .client
            .put(format!(
                "{}/api/v1/events/{event_id}/rsvp",
                nodes[i % 2].base
            ))
            .bearer_auth(token)
            .send()
    });
    let answers = futures_util::future::join_all(rsvps).await;
    let statuses: Vec<StatusCode> = answers.into_iter().map(|r| r.unwrap().status()).collect();
    let won = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let full = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((won, full), (1, RACERS - 1), "{statuses:?}");
    let seats = ids(
        &database_url,
        format!("SELECT user_id AS id FROM event_rsvps WHERE event_id = '{event_id}'"),
    );
    assert_eq!(seats.len(), 1);

    // Mail queued on both nodes (hub sign-in links), delivered by both workers: once each.
    for (i, (_, email)) in racers.iter().take(MAILS).enumerate() {
        let asked = nodes[i % 2]
            .client
            .post(format!("{}/api/v1/hub/magic-link", nodes[i % 2].base))
            .json(&json!({"email": email}))
            .send()
            .await
            .unwrap();
        assert_eq!(asked.status(), StatusCode::ACCEPTED);
    }
    let queued: HashSet<String> = ids(
        &database_url,
        "SELECT id FROM outbox WHERE kind = 'magic_link'".to_owned(),
    )
    .into_iter()
    .collect();
    assert_eq!(queued.len(), MAILS);
    let deadline = Instant::now() + Duration::from_secs(120);
    let sent = loop {
        let sent = sent_mail(dir.path(), &queued);
        if sent.len() >= MAILS || Instant::now() > deadline {
            break sent;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // A moment more, for a second delivery to show up if there were one.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let again = sent_mail(dir.path(), &queued);
    assert_eq!(sent.len(), MAILS, "every queued mail was sent");
    assert_eq!(again.len(), MAILS, "no mail was sent twice");
    assert_eq!(again.iter().collect::<HashSet<_>>().len(), MAILS);

    // Both nodes tick every second: each step has been claimed, for a recent tick.
    let claimed = until_ok("periodic steps claimed", || {
        let steps = ids(
            &database_url,
            "SELECT name AS id FROM job_claims ORDER BY name".to_owned(),
        );
        (steps.len() >= 4)
            .then_some(steps)
            .ok_or("not yet".to_owned())
    });
    assert!(
        claimed.contains(&"event-reminders".to_owned()),
        "{claimed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_periodic_step_is_claimed_by_exactly_one_node_per_tick() {
    let (database_url, _guard) = fresh_database().await;
    let winners = tokio::task::spawn_blocking(move || {
        // Two pools are two nodes; four threads each race for the same ticks.
        let pools: Vec<Database> = (0..2)
            .map(|_| {
                until_ok("open", || {
                    Database::open(&database_url, 4).map_err(|e| e.to_string())
                })
            })
            .collect();
        let at = to_db_time(chrono::Utc::now());
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let db = pools[i % 2].clone();
                std::thread::spawn(move || {
                    let node = format!("node-{}", i % 2);
                    let mut won = Vec::new();
                    for tick in 1..=10_i64 {
                        for step in ["billing-sweep", "event-reminders"] {
                            let mut conn = db.conn().unwrap();
                            let claimed = write_tx(&mut conn, |c| {
                                job_claims::claim(c, step, tick, &node, at)
                            });
                            // A busy database is a lost race here, not a second run.
                            if claimed.unwrap_or(false) {
                                won.push((step, tick));
                            }
                        }
                    }
                    won
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    let distinct: HashSet<_> = winners.iter().collect();
    assert_eq!(distinct.len(), winners.len(), "a step ran twice in a tick");
    for step in ["billing-sweep", "event-reminders"] {
        assert!(
            winners.contains(&(step, 10)),
            "someone ran {step} for the last tick"
        );
    }
}

#[tokio::test]
async fn a_periodic_step_is_not_claimed_again_for_its_tick_or_an_older_one() {
    let (database_url, _guard) = fresh_database().await;
    tokio::task::spawn_blocking(move || {
        let db = until_ok("open", || {
            Database::open(&database_url, 2).map_err(|e| e.to_string())
        });
        let mut conn = db.conn().unwrap();
        let at = to_db_time(chrono::Utc::now());
        let mut claim = |tick, node: &str| {
            write_tx(&mut conn, |c| {
                job_claims::claim(c, "billing-sweep", tick, node, at)
            })
            .unwrap()
        };
        assert!(claim(5, "a"), "the first claim of a step");
        assert!(!claim(5, "b"), "the same tick again");
        assert!(!claim(4, "b"), "an older tick");
        assert!(claim(6, "b"), "the next tick");
        let mut conn = db.conn().unwrap();
        assert_eq!(
            job_claims::last(&mut conn, "billing-sweep").unwrap(),
            Some((6, "b".to_owned()))
        );
    })
    .await
    .unwrap();
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[tokio::test]
async fn bench_seed_adds_the_posts_and_comments_asked_for_with_counts_on_each_post() {
    use diesel::RunQueryDsl;
    let (database_url, _guard) = fresh_database().await;
    tokio::task::spawn_blocking(move || {
        let db = until_ok("open", || {
            Database::open(&database_url, 2).map_err(|e| e.to_string())
        });
        let seeded = praxis_api::bench_seed::seed(&db, 1_234, 2_000, 7).unwrap();
        assert_eq!(
            (seeded.posts, seeded.comments, seeded.authors),
            (1_234, 2_000, 7)
        );
        let mut conn = db.conn().unwrap();
        let mut count = |sql: &str| -> i64 {
            diesel::sql_query(sql)
                .get_result::<Count>(&mut conn)
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .n
        };
        assert_eq!(count("SELECT COUNT(*) AS n FROM posts"), 1_234);
        assert_eq!(count("SELECT COUNT(*) AS n FROM comments"), 2_000);
        assert_eq!(
            count("SELECT CAST(SUM(comment_count) AS BIGINT) AS n FROM posts"),
            2_000,
            "each post counts its comments"
        );
        assert_eq!(
            count("SELECT COUNT(DISTINCT space_id) AS n FROM posts"),
            4,
            "posts over the four built-in spaces"
        );
        assert!(count("SELECT COUNT(*) AS n FROM post_topics") > 0);
    })
    .await
    .unwrap();
}
