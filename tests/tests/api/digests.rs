//! Daily and weekly digests (issue 13, part 5): built in the periodic job at 07:00 in the
//! member's time zone, in their language, holding only what they may read when it is built,
//! each notification once. Time moves through the development clock.

use crate::helpers::{Session, TestApp};
use crate::notification_mail::{
    clock_forward, lose_pro, mails, mention, put_settings, spawn_mailing,
};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// Saves a daily digest for `member` and answers when it is due.
async fn daily(app: &TestApp, member: &Session) -> DateTime<Utc> {
    let saved: Value = put_settings(app, member, &json!({"delivery": "daily"})).await;
    saved["next_digest_at"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no next digest: {saved}"))
}

/// Moves the clock to `at` (and runs the jobs there).
async fn forward_to(app: &TestApp, at: DateTime<Utc>) {
    let now = app.clock_now_utc();
    // Whole seconds, rounded up: the clock keeps fractions.
    clock_forward(app, (at - now).num_seconds().max(0) + 1).await;
}

#[tokio::test]
async fn daily_digest_is_built_at_seven_local_time_in_the_members_language_each_item_once() {
    let (_sink, app) = spawn_mailing().await;
    let (member, author) = (app.member().await, app.member().await);
    let profile = app
        .patch(
            "/api/v1/me",
            Some(&member.access_token),
            &json!({"time_zone": "America/Bogota", "locale": "es"}),
        )
        .await;
    assert_eq!(profile.status(), reqwest::StatusCode::OK);
    let due = daily(&app, &member).await;
    assert_eq!(
        due.with_timezone(&chrono_tz::America::Bogota)
            .format("%H:%M")
            .to_string(),
        "07:00"
    );
    mention(&app, &author, "lobby", "Primera ronda", &member).await;
    mention(&app, &author, "lobby", "Segunda ronda", &member).await;
    forward_to(&app, due - chrono::Duration::minutes(2)).await;
    assert!(
        mails(&app, &member, "notification_digest").await.is_empty(),
        "not before 07:00"
    );
    forward_to(&app, due).await;
    let digests = mails(&app, &member, "notification_digest").await;
    assert_eq!(digests.len(), 1, "{digests:?}");
    let digest = &digests[0];
    assert!(
        digest.subject.contains("Tu resumen diario"),
        "{}",
        digest.subject
    );
    assert!(digest.body.contains("Primera ronda"), "{}", digest.body);
    assert!(digest.body.contains("Segunda ronda"), "{}", digest.body);
    assert!(digest.body.contains("te mencionó"), "{}", digest.body);
    assert!(digest.list_unsubscribe.is_some(), "one-click opt-out");

    // The next day: nothing new, no digest; then only what is new.
    clock_forward(&app, 24 * 3600).await;
    assert_eq!(mails(&app, &member, "notification_digest").await.len(), 1);
    mention(&app, &author, "lobby", "Tercera ronda", &member).await;
    clock_forward(&app, 24 * 3600).await;
    let digests = mails(&app, &member, "notification_digest").await;
    assert_eq!(digests.len(), 2, "{digests:?}");
    assert!(
        digests[1].body.contains("Tercera ronda"),
        "{}",
        digests[1].body
    );
    assert!(
        !digests[1].body.contains("Primera ronda"),
        "each item once: {}",
        digests[1].body
    );
}

#[tokio::test]
async fn a_digest_built_after_the_member_lost_access_to_a_space_holds_nothing_from_it() {
    let (_sink, app) = spawn_mailing().await;
    let (member, colleague) = (app.pro_member().await, app.pro_member().await);
    let due = daily(&app, &member).await;
    mention(&app, &colleague, "pro-lounge", "Lounge only", &member).await;
    mention(&app, &colleague, "lobby", "For everyone", &member).await;
    lose_pro(&app, &member).await;
    forward_to(&app, due).await;
    let digests = mails(&app, &member, "notification_digest").await;
    assert_eq!(digests.len(), 1, "{digests:?}");
    assert!(
        digests[0].body.contains("For everyone"),
        "{}",
        digests[0].body
    );
    assert!(
        !digests[0].body.contains("Lounge only"),
        "{}",
        digests[0].body
    );
    assert!(
        !digests[0].body.contains("PRO"),
        "nothing names the lounge: {}",
        digests[0].body
    );
    assert!(
        digests[0].subject.contains("daily Praxis digest: 1 new"),
        "{}",
        digests[0].subject
    );
}

#[tokio::test]
async fn weekly_digest_waits_for_monday_at_seven() {
    let (_sink, app) = spawn_mailing().await;
    let (member, author) = (app.member().await, app.member().await);
    let saved: Value = put_settings(&app, &member, &json!({"delivery": "weekly"})).await;
    let due: DateTime<Utc> = saved["next_digest_at"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{saved}"));
    assert_eq!(
        due.format("%a %H:%M").to_string(),
        "Mon 07:00",
        "UTC by default"
    );
    mention(&app, &author, "lobby", "Weekly news", &member).await;
    forward_to(&app, due - chrono::Duration::hours(1)).await;
    assert!(mails(&app, &member, "notification_digest").await.is_empty());
    forward_to(&app, due).await;
    let digests = mails(&app, &member, "notification_digest").await;
    assert_eq!(digests.len(), 1, "{digests:?}");
    assert!(
        digests[0].subject.contains("weekly"),
        "{}",
        digests[0].subject
    );
}
