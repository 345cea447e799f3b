//! Both engines: matching migrations, reversible migrations, and data that survives restarts.

use crate::helpers::{spawn_app, PASSWORD};
use praxis_persistence::migrations;
use reqwest::StatusCode;
use serde_json::json;

#[test]
fn migration_directories_match_name_for_name() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let names = |engine: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(root.join(engine))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let sqlite = names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, names("postgres"));
    for name in &sqlite {
        for engine in ["sqlite", "postgres"] {
            for file in ["up.sql", "down.sql"] {
                assert!(
                    root.join(engine).join(name).join(file).is_file(),
                    "{engine}/{name}/{file}"
                );
            }
        }
    }
    let (embedded_sqlite, embedded_pg) = migrations::migration_names();
    assert_eq!(embedded_sqlite, embedded_pg);
}

#[tokio::test]
async fn migrations_up_down_up_leave_the_same_schema() {
    let app = spawn_app().await;
    let db = app.state.db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        let first = migrations::schema_snapshot(&mut conn).unwrap_or_else(|e| panic!("{e}"));
        assert!(first.iter().any(|l| l.contains("users")), "{first:?}");
        migrations::revert_all(&mut conn).unwrap_or_else(|e| panic!("down: {e}"));
        let empty = migrations::schema_snapshot(&mut conn).unwrap_or_else(|e| panic!("{e}"));
        assert!(empty.is_empty(), "down left {empty:?}");
        migrations::run_pending(&mut conn).unwrap_or_else(|e| panic!("up again: {e}"));
        let second = migrations::schema_snapshot(&mut conn).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first, second);
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn a_restarted_server_keeps_accounts_and_its_signing_secret() {
    let app = spawn_app().await;
    app.register("ana@example.org").await;
    let session = app.login("ana@example.org").await;
    let app = app.restart().await;
    // The generated JWT secret was stored, so tokens from before the restart still work.
    assert_eq!(
        app.get("/api/v1/me", Some(&session.access_token))
            .await
            .status(),
        StatusCode::OK
    );
    let login = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "ana@example.org", "password": PASSWORD}),
        )
        .await;
    assert_eq!(login.status(), StatusCode::OK);
    let refresh = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": session.refresh_token}),
        )
        .await;
    assert_eq!(refresh.status(), StatusCode::OK);
}

#[tokio::test]
async fn seed_demo_fills_an_empty_database_once_with_a_working_community() {
    let app = spawn_app().await;
    let config = app.config.clone();
    let first = tokio::task::spawn_blocking(move || praxis_api::cli::seed_demo(&config))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(first.is_ok(), "{first:?}");
    let config = app.config.clone();
    let second = tokio::task::spawn_blocking(move || praxis_api::cli::seed_demo(&config))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(second.is_err(), "seed-demo only fills an empty database");
    let login = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "priya@praxis.example", "password": praxis_api::cli::DEMO_PASSWORD}),
        )
        .await;
    let token: serde_json::Value = login.json().await.expect("a JSON body");
    let token = token["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned();
    let lounge = app
        .get("/api/v1/spaces/pro-lounge/posts", Some(&token))
        .await;
    assert_eq!(lounge.status(), StatusCode::OK);
    let posts: serde_json::Value = lounge.json().await.expect("a JSON body");
    assert_eq!(posts["items"].as_array().map(Vec::len), Some(1));
}
