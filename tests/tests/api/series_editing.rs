//! Hosts edit whole recurring series (issue 11, part 4; DOMAIN.md "Events and recordings"):
//! changing or ending a series changes or cancels its future occurrences only, RSVPs follow a
//! moved occurrence, and members who RSVP'd to one are told once each, unless they may no
//! longer read the space.

use crate::events::create_event;
use crate::helpers::{problem, spawn_app, Session, TestApp};
use chrono::{DateTime, Duration, DurationRound, Utc};
use reqwest::{Method, StatusCode};
use serde_json::json;

const CANCELLED_MAIL: &str = "event_series_cancelled";
const MOVED_MAIL: &str = "event_series_moved";

/// A weekly series of four one-hour occurrences in `space`, the first a day from the app's
/// clock (on the hour, UTC); answers the series id and the occurrence ids in order.
async fn weekly_series(
    app: &TestApp,
    host: &Session,
    space: &str,
    kind: &str,
) -> (String, Vec<String>) {
    let start = (app.clock_now_utc() + Duration::days(1))
        .duration_trunc(Duration::hours(1))
        .unwrap_or_else(|e| panic!("{e}"));
    let weekday = start
        .format("%a")
        .to_string()
        .to_lowercase()
        .chars()
        .take(2)
        .collect::<String>();
    let body = json!({
        "kind": kind, "title": "Weekly practice", "description": "Every week.", "space": space,
        "starts_at": start.to_rfc3339(), "ends_at": (start + Duration::hours(1)).to_rfc3339(),
        "join_url": "https://meet.example.org/weekly",
        "recurrence": {"frequency": "weekly", "by_weekday": [weekday], "count": 4, "time_zone": "UTC"},
    });
    let first = create_event(app, host, body).await;
    let series_id = first.series_id.clone().expect("a series");
    let ids = (0..4)
        .map(|week| {
            let at: DateTime<Utc> = start + Duration::weeks(week);
            format!("{series_id}@{}", at.format("%Y%m%dT%H%M%SZ"))
        })
        .collect();
    (series_id, ids)
}

async fn end_series(app: &TestApp, session: &Session, id: &str) -> reqwest::Response {
    app.request(
        Method::DELETE,
        &format!("/api/v1/admin/series/{id}"),
        Some(&session.access_token),
        None,
    )
    .await
}

/// The bodies of the series-cancelled mails queued for `email`.
async fn cancelled_mails(app: &TestApp, email: &str) -> Vec<String> {
    mails(app, email, CANCELLED_MAIL).await
}

/// The bodies of the mails of `kind` queued for `email`.
async fn mails(app: &TestApp, email: &str, kind: &'static str) -> Vec<String> {
    let db = app.state.db.clone();
    let email = email.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        praxis_persistence::outbox::for_recipient(&mut conn, &email)
            .unwrap_or_else(|e| panic!("outbox for {email}: {e}"))
            .into_iter()
            .filter(|m| m.kind == kind)
            .map(|m| m.body)
            .collect()
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

async fn rsvp_ok(app: &TestApp, member: &Session, id: &str) {
    let answer = app.rsvp(member, id).await;
    assert_eq!(answer.status(), StatusCode::OK, "RSVP to {id}");
}

/// A host's weekly series where one member (in Bogotá) RSVP'd to the first, third and fourth
/// occurrences, another to the second, and a third member to none.
struct RsvpdSeries {
    host: Session,
    twice: Session,
    once: Session,
    never: Session,
    series_id: String,
    occurrences: Vec<String>,
}

async fn rsvpd_series(app: &TestApp) -> RsvpdSeries {
    let host = app.as_host().await;
    let (twice, once, never) = (app.member().await, app.member().await, app.member().await);
    let zone = app
        .patch(
            "/api/v1/me",
            Some(&twice.access_token),
            &json!({"time_zone": "America/Bogota"}),
        )
        .await;
    assert_eq!(zone.status(), StatusCode::OK);
    let (series_id, occurrences) = weekly_series(app, &host, "lobby-members", "qa_session").await;
    for id in [&occurrences[0], &occurrences[2], &occurrences[3]] {
        rsvp_ok(app, &twice, id).await;
    }
    rsvp_ok(app, &once, &occurrences[1]).await;
    RsvpdSeries {
        host,
        twice,
        once,
        never,
        series_id,
        occurrences,
    }
}

#[tokio::test]
async fn cancelling_a_series_cancels_only_future_occurrences_and_tells_those_who_rsvpd() {
    let app = spawn_app().await;
    let RsvpdSeries {
        host,
        twice,
        once,
        never,
        series_id,
        occurrences,
    } = rsvpd_series(&app).await;

    app.clock.advance(Duration::days(2));
    let (host, never) = (app.relogin(&host).await, app.relogin(&never).await);
    let once = app.relogin(&once).await;
    let now = app.clock_now_utc();
    assert_eq!(
        end_series(&app, &host, &series_id).await.status(),
        StatusCode::NO_CONTENT
    );

    let left = app
        .events_between(
            Some(&never.access_token),
            now - Duration::days(7),
            now + Duration::days(40),
        )
        .await;
    let left: Vec<String> = left.into_iter().map(|e| e.id).collect();
    assert_eq!(
        left,
        vec![occurrences[0].clone()],
        "only the past one stays"
    );
    let gone = app
        .get(
            &format!("/api/v1/events/{}", occurrences[1]),
            Some(&once.access_token),
        )
        .await;
    problem(gone, StatusCode::NOT_FOUND).await;

    let to_twice = cancelled_mails(&app, &twice.email).await;
    assert_eq!(to_twice.len(), 1, "one mail for two cancelled occurrences");
    let third = now - Duration::days(2) + Duration::weeks(2);
    let third_local = third
        .duration_trunc(Duration::hours(1))
        .unwrap_or_else(|e| panic!("{e}"))
        .with_timezone(&chrono_tz::America::Bogota)
        .format("%H:%M")
        .to_string();
    assert!(
        to_twice[0].contains("America/Bogota") && to_twice[0].contains(&third_local),
        "the new state in the member's own zone: {}",
        to_twice[0]
    );
    assert_eq!(to_twice[0].matches("\n- ").count(), 2, "{}", to_twice[0]);
    assert_eq!(cancelled_mails(&app, &once.email).await.len(), 1);
    assert!(cancelled_mails(&app, &never.email).await.is_empty());

    // The day before the cancelled second occurrence, no reminder goes out for it.
    app.clock.advance(Duration::days(5) + Duration::hours(12));
    app.run_jobs().await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'event_reminder'")
            .await,
        0
    );
}

#[tokio::test]
async fn ending_a_series_twice_answers_the_same_and_tells_and_audits_once() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let (series_id, occurrences) = weekly_series(&app, &host, "lobby-members", "qa_session").await;
    rsvp_ok(&app, &member, &occurrences[1]).await;
    for _ in 0..2 {
        assert_eq!(
            end_series(&app, &host, &series_id).await.status(),
            StatusCode::NO_CONTENT
        );
    }
    assert_eq!(cancelled_mails(&app, &member.email).await.len(), 1);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'series.cancelled'")
            .await,
        1
    );
    let now = app.clock_now_utc();
    let left = app
        .events_between(Some(&member.access_token), now, now + Duration::days(40))
        .await;
    assert!(
        left.is_empty(),
        "a series ended before it began has no occurrence"
    );
}

#[tokio::test]
async fn only_hosts_end_a_series_and_an_unknown_series_answers_404() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let (series_id, _) = weekly_series(&app, &host, "lobby-members", "qa_session").await;
    problem(
        end_series(&app, &member, &series_id).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        end_series(&app, &host, "0190aaaa-0000-7000-8000-000000000000").await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_member_who_left_a_sealed_room_is_not_told_its_series_ended() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let host = app.as_host().await;
    let (stays, leaves) = (app.member().await, app.member().await);
    let created = app
        .post(
            "/api/v1/admin/spaces",
            Some(&admin.access_token),
            &json!({"slug": "supervision-9", "name": "Supervision 9", "visibility": "sealed"}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let membership = |method: Method, user: String| {
        let path = format!("/api/v1/admin/spaces/supervision-9/members/{user}");
        let token = admin.access_token.clone();
        let app = &app;
        async move { app.request(method, &path, Some(&token), None).await }
    };
    for member in [&stays, &leaves] {
        let added = membership(Method::PUT, member.user_id.to_string()).await;
        assert_eq!(added.status(), StatusCode::NO_CONTENT);
    }
    let start = (app.clock_now_utc() + Duration::days(1))
        .duration_trunc(Duration::hours(1))
        .unwrap_or_else(|e| panic!("{e}"));
    let weekday = start
        .format("%a")
        .to_string()
        .to_lowercase()
        .chars()
        .take(2)
        .collect::<String>();
    let response = app
        .post(
            "/api/v1/admin/events",
            Some(&admin.access_token),
            &json!({
                "kind": "supervision", "title": "Sealed case", "description": "", "space": "supervision-9",
                "starts_at": start.to_rfc3339(), "ends_at": (start + Duration::hours(1)).to_rfc3339(),
                "join_url": "https://meet.example.org/sealed",
                "recurrence": {"frequency": "weekly", "by_weekday": [weekday], "count": 2, "time_zone": "UTC"},
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: serde_json::Value = response.json().await.unwrap_or_else(|e| panic!("{e}"));
    let series_id = created["series_id"]
        .as_str()
        .unwrap_or_else(|| panic!("a series: {created}"))
        .to_owned();
    let first = format!("{series_id}@{}", start.format("%Y%m%dT%H%M%SZ"));
    for member in [&stays, &leaves] {
        rsvp_ok(&app, member, &first).await;
    }
    let removed = membership(Method::DELETE, leaves.user_id.to_string()).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);

    assert_eq!(
        end_series(&app, &host, &series_id).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(cancelled_mails(&app, &stays.email).await.len(), 1);
    assert!(cancelled_mails(&app, &leaves.email).await.is_empty());
}

async fn change_series(
    app: &TestApp,
    session: &Session,
    id: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    app.patch(
        &format!("/api/v1/admin/series/{id}"),
        Some(&session.access_token),
        &body,
    )
    .await
}

#[tokio::test]
async fn moving_a_series_moves_its_future_occurrences_keeps_the_past_and_mails_each_rsvpd_member_once(
) {
    let app = spawn_app().await;
    let RsvpdSeries {
        host,
        twice,
        once,
        never,
        series_id,
        occurrences,
    } = rsvpd_series(&app).await;
    let first = app.clock_now_utc() + Duration::days(1);
    let first = first
        .duration_trunc(Duration::hours(1))
        .unwrap_or_else(|e| panic!("{e}"));

    app.clock.advance(Duration::days(2));
    let (host, never) = (app.relogin(&host).await, app.relogin(&never).await);
    let twice = app.relogin(&twice).await;
    let now = app.clock_now_utc();
    let hour = (first.format("%H").to_string().parse::<i64>().unwrap_or(0) + 2) % 24;
    let answer = change_series(
        &app,
        &host,
        &series_id,
        json!({"time_of_day": format!("{hour:02}:00"), "duration_minutes": 90, "title": "Evening practice"}),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let answer: serde_json::Value = answer.json().await.unwrap_or_else(|e| panic!("{e}"));
    let new_id = answer["series_id"].as_str().unwrap_or_default().to_owned();
    assert!(!new_id.is_empty() && new_id != series_id, "{answer}");

    let seen = app
        .events_between(
            Some(&never.access_token),
            now - Duration::days(7),
            now + Duration::days(40),
        )
        .await;
    let seen: Vec<(String, String, i64)> = seen
        .iter()
        .map(|e| {
            (
                e.id.clone(),
                e.title.clone(),
                (e.ends_at - e.starts_at).num_minutes(),
            )
        })
        .collect();
    let moved = |week: i64| {
        let day = (first + Duration::weeks(week)).date_naive();
        let at = day
            .and_hms_opt(u32::try_from(hour).unwrap_or(0), 0, 0)
            .unwrap_or_default();
        format!("{new_id}@{}", at.and_utc().format("%Y%m%dT%H%M%SZ"))
    };
    assert_eq!(
        seen,
        vec![
            (occurrences[0].clone(), "Weekly practice".to_owned(), 60),
            (moved(1), "Evening practice".to_owned(), 90),
            (moved(2), "Evening practice".to_owned(), 90),
            (moved(3), "Evening practice".to_owned(), 90),
        ],
        "the past stays as it was, the future moves"
    );
    let followed = app
        .get(
            &format!("/api/v1/events/{}", moved(2)),
            Some(&twice.access_token),
        )
        .await;
    let followed: crate::dto::Event = crate::dto::json_with(followed, StatusCode::OK).await;
    assert_eq!(
        (followed.rsvp, followed.attendees),
        (true, 1),
        "the RSVP follows"
    );

    let to_twice = mails(&app, &twice.email, MOVED_MAIL).await;
    assert_eq!(to_twice.len(), 1, "one mail for two moved occurrences");
    assert!(to_twice[0].contains("America/Bogota"), "{}", to_twice[0]);
    assert_eq!(to_twice[0].matches("\n- ").count(), 2, "{}", to_twice[0]);
    assert_eq!(mails(&app, &once.email, MOVED_MAIL).await.len(), 1);
    assert!(mails(&app, &never.email, MOVED_MAIL).await.is_empty());
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'series.changed'")
            .await,
        1
    );
}

#[tokio::test]
async fn renaming_a_series_keeps_its_times_and_rsvps_and_mails_nobody() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let (series_id, occurrences) = weekly_series(&app, &host, "lobby-members", "qa_session").await;
    rsvp_ok(&app, &member, &occurrences[1]).await;
    let answer = change_series(&app, &host, &series_id, json!({"title": "Renamed"})).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let answer: serde_json::Value = answer.json().await.unwrap_or_else(|e| panic!("{e}"));
    let new_id = answer["series_id"].as_str().unwrap_or_default();
    let same_time = occurrences[1].replace(&series_id, new_id);
    let seen = app
        .get(
            &format!("/api/v1/events/{same_time}"),
            Some(&member.access_token),
        )
        .await;
    let seen: crate::dto::Event = crate::dto::json_with(seen, StatusCode::OK).await;
    assert_eq!((seen.title.as_str(), seen.rsvp), ("Renamed", true));
    assert!(mails(&app, &member.email, MOVED_MAIL).await.is_empty());
}

#[tokio::test]
async fn a_series_change_names_a_bad_field_and_an_unknown_or_ended_series_is_refused() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let (series_id, _) = weekly_series(&app, &host, "lobby-members", "qa_session").await;
    let refused = problem(
        change_series(
            &app,
            &host,
            &series_id,
            json!({"time_of_day": "7pm", "duration_minutes": 0}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let fields: Vec<String> = refused
        .errors
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, vec!["time_of_day", "duration_minutes"]);
    problem(
        change_series(&app, &member, &series_id, json!({"title": "Mine"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        change_series(
            &app,
            &host,
            "0190aaaa-0000-7000-8000-000000000000",
            json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let ended = end_series(&app, &host, &series_id).await;
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    let conflict = problem(
        change_series(&app, &host, &series_id, json!({"title": "Too late"})).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(conflict.kind, "series-ended");
}
