//! Themes, events, recurrence and RSVPs (DOMAIN.md "Events and recordings"): events follow the
//! access rules of their space, series keep their wall-clock time across DST, capacity holds
//! under concurrency, and reminders go out once.

use crate::dto::{self, Event, Page, Theme};
use crate::helpers::{problem, spawn_app, Session, TestApp};
use chrono::{DateTime, Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Creates an event as a host and returns its response.
pub async fn create_event(app: &TestApp, host: &Session, body: Value) -> Event {
    let response = app
        .post("/api/v1/admin/events", Some(&host.access_token), &body)
        .await;
    let event: Event = dto::json_with(response, StatusCode::CREATED).await;
    assert_eq!(
        Some(event.title.as_str()),
        body["title"].as_str(),
        "create event"
    );
    event
}

fn utc(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|e| panic!("{rfc3339}: {e}"))
        .with_timezone(&Utc)
}

/// A single event of `kind` in `space`, starting `in_hours` from the app's clock, 90 minutes long.
pub fn single_event(app: &TestApp, space: &str, title: &str, in_hours: i64) -> Value {
    let start = app.clock_now_utc() + Duration::hours(in_hours);
    json!({
        "kind": "community_meetup", "format": "open_space", "title": title,
        "description": "Bring a question.", "space": space,
        "starts_at": start.to_rfc3339(), "ends_at": (start + Duration::minutes(90)).to_rfc3339(),
        "join_url": format!("https://meet.example.org/{space}"),
    })
}

pub fn ids(list: &[Event]) -> Vec<String> {
    list.iter().map(|e| e.id.clone()).collect()
}

impl TestApp {
    pub fn clock_now_utc(&self) -> DateTime<Utc> {
        use praxis_api::clock::Clock;
        self.clock.now()
    }

    pub async fn events_between(
        &self,
        token: Option<&str>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<Event> {
        let path = format!(
            "/api/v1/events?from={}&to={}",
            from.format("%Y-%m-%dT%H:%M:%SZ"),
            to.format("%Y-%m-%dT%H:%M:%SZ")
        );
        let page: Page<Event> = dto::json_with(self.get(&path, token).await, StatusCode::OK).await;
        page.items
    }

    pub async fn rsvp(&self, session: &Session, id: &str) -> reqwest::Response {
        self.request(
            Method::PUT,
            &format!("/api/v1/events/{id}/rsvp"),
            Some(&session.access_token),
            None,
        )
        .await
    }
}

#[tokio::test]
async fn lobby_member_cannot_see_a_lounge_event_or_its_join_link_but_a_practitioner_can() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let lobby_member = app.member().await;
    let practitioner = app.member().await;
    app.subscribed(&practitioner, "practitioner", "monthly")
        .await;
    let lounge = create_event(
        &app,
        &host,
        single_event(&app, "practitioner-lounge", "Lounge session", 48),
    )
    .await;
    let open = create_event(&app, &host, single_event(&app, "lobby", "Open session", 50)).await;
    let id = lounge.id.clone();
    let path = format!("/api/v1/events/{id}");

    let hidden = app.get(&path, Some(&lobby_member.access_token)).await;
    let body = problem(hidden, StatusCode::NOT_FOUND).await;
    assert!(!body.to_string().contains("meet.example.org"));
    assert_eq!(
        app.get(&path, None).await.status(),
        StatusCode::NOT_FOUND,
        "visitors neither"
    );
    problem(app.rsvp(&lobby_member, &id).await, StatusCode::NOT_FOUND).await;
    let now = app.clock_now_utc();
    let list = app
        .events_between(
            Some(&lobby_member.access_token),
            now,
            now + Duration::days(30),
        )
        .await;
    assert_eq!(ids(&list), vec![open.id], "only the Lobby's event");
    assert!(list.iter().all(|e| e.space != "practitioner-lounge"));

    let seen: Event = dto::json_with(
        app.get(&path, Some(&practitioner.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        seen.join_url.as_deref(),
        Some("https://meet.example.org/practitioner-lounge")
    );
    assert_eq!(seen.space, "practitioner-lounge");
    let list = app
        .events_between(
            Some(&practitioner.access_token),
            now,
            now + Duration::days(30),
        )
        .await;
    assert!(ids(&list).contains(&id));
}

#[tokio::test]
async fn join_link_is_only_for_members_who_may_attend_not_visitors() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let event = create_event(&app, &host, single_event(&app, "lobby", "Open meet-up", 24)).await;
    let path = format!("/api/v1/events/{}", event.id);
    let raw: Value = dto::json_with(app.get(&path, None).await, StatusCode::OK).await;
    let visitor: Event = dto::from_value(&raw);
    assert_eq!(visitor.title, "Open meet-up");
    assert!(
        raw.get("join_url").is_none() && visitor.join_url.is_none(),
        "{raw}"
    );
    let seen: Event = dto::json_with(
        app.get(&path, Some(&member.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        seen.join_url.as_deref(),
        Some("https://meet.example.org/lobby")
    );
}

#[tokio::test]
async fn times_are_given_in_utc_and_in_the_members_own_time_zone() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let changed = app
        .patch(
            "/api/v1/me",
            Some(&member.access_token),
            &json!({"time_zone": "America/Bogota"}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let body = json!({
        "kind": "learning_session", "title": "Learning", "description": "", "space": "lobby-members",
        "starts_at": "2027-02-03T17:00:00Z", "ends_at": "2027-02-03T18:00:00Z",
        "join_url": "https://meet.example.org/learn", "time_zone": "Europe/Madrid",
    });
    let event = create_event(&app, &host, body).await;
    let seen: Event = dto::json_with(
        app.get(
            &format!("/api/v1/events/{}", event.id),
            Some(&member.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen.starts_at, utc("2027-02-03T17:00:00Z"));
    assert_eq!(seen.starts_at_local, "2027-02-03T12:00:00-05:00");
    assert_eq!(seen.local_time_zone, "America/Bogota");
    assert_eq!(seen.event_time_zone, "Europe/Madrid");
}

#[tokio::test]
async fn second_tuesday_berlin_series_stays_at_18_00_berlin_across_march_and_october_changes() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let body = json!({
        "kind": "community_meetup", "title": "Second Tuesday", "description": "", "space": "lobby",
        "starts_at": "2027-01-12T17:00:00Z", "ends_at": "2027-01-12T18:30:00Z",
        "join_url": "https://meet.example.org/tuesday",
        "recurrence": {"frequency": "monthly", "by_weekday": ["tu"], "week_of_month": 2, "time_zone": "Europe/Berlin"},
    });
    let first = create_event(&app, &host, body).await;
    assert_eq!(first.starts_at, utc("2027-01-12T17:00:00Z"));
    let from = utc("2027-01-01T00:00:00Z");
    let list = app
        .events_between(Some(&member.access_token), from, from + Duration::days(365))
        .await;
    let starts: Vec<DateTime<Utc>> = list.iter().map(|e| e.starts_at).collect();
    assert_eq!(starts.len(), 12, "{starts:?}");
    // DST in 2027: 28 March and 31 October.
    for (winter_or_summer, expected) in [
        ("before the March change", "2027-03-09T17:00:00Z"),
        ("after the March change", "2027-04-13T16:00:00Z"),
        ("before the October change", "2027-10-12T16:00:00Z"),
        ("after the October change", "2027-11-09T17:00:00Z"),
    ] {
        assert!(
            starts.contains(&utc(expected)),
            "{winter_or_summer}: {starts:?}"
        );
    }
    let series_id = first.series_id.as_deref().expect("a series");
    let one: Event = dto::json_with(
        app.get(
            &format!("/api/v1/events/{series_id}@20270413T160000Z"),
            Some(&member.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(one.ends_at, utc("2027-04-13T17:30:00Z"));
    assert_eq!(
        app.get(
            &format!("/api/v1/events/{series_id}@20270414T160000Z"),
            Some(&member.access_token)
        )
        .await
        .status(),
        StatusCode::NOT_FOUND,
        "not an occurrence of the series"
    );
}

#[tokio::test]
async fn host_cancels_or_moves_a_single_occurrence_and_the_rest_of_the_series_stays() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let body = json!({
        "kind": "qa_session", "title": "Weekly Q&A", "description": "", "space": "lobby-members",
        "starts_at": "2027-03-01T15:00:00Z", "ends_at": "2027-03-01T16:00:00Z",
        "join_url": "https://meet.example.org/qa",
        "recurrence": {"frequency": "weekly", "by_weekday": ["mo"], "count": 4, "time_zone": "UTC"},
    });
    let first = create_event(&app, &host, body).await;
    let series_id = first.series_id.clone().expect("a series");
    let token = Some(host.access_token.as_str());
    let cancelled = app
        .request(
            Method::DELETE,
            &format!("/api/v1/admin/events/{series_id}@20270308T150000Z"),
            token,
            None,
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::NO_CONTENT);
    let moved = app
        .patch(
            &format!("/api/v1/admin/events/{series_id}@20270315T150000Z"),
            token,
            &json!({"starts_at": "2027-03-16T15:00:00Z", "ends_at": "2027-03-16T16:00:00Z", "title": "Q&A (Tuesday)"}),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
    let from = utc("2027-03-01T00:00:00Z");
    let list = app
        .events_between(Some(&member.access_token), from, from + Duration::days(60))
        .await;
    let seen: Vec<(String, String, String)> = list
        .iter()
        .map(|e| {
            (
                e.starts_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                e.status.clone(),
                e.title.clone(),
            )
        })
        .collect();
    let expected: Vec<(String, String, String)> = [
        ("2027-03-01T15:00:00Z", "scheduled", "Weekly Q&A"),
        ("2027-03-08T15:00:00Z", "cancelled", "Weekly Q&A"),
        ("2027-03-16T15:00:00Z", "scheduled", "Q&A (Tuesday)"),
        ("2027-03-22T15:00:00Z", "scheduled", "Weekly Q&A"),
    ]
    .iter()
    .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!(seen, expected);
    let rsvp = app
        .rsvp(&member, &format!("{series_id}@20270308T150000Z"))
        .await;
    assert_eq!(
        problem(rsvp, StatusCode::CONFLICT).await.kind,
        "event-cancelled"
    );
}

#[tokio::test]
async fn ten_concurrent_rsvps_for_one_place_give_exactly_one() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let mut body = single_event(&app, "lobby-members", "One place", 72);
    body["capacity"] = json!(1);
    let event = create_event(&app, &host, body).await;
    assert_eq!(event.capacity, Some(1));
    let id = event.id;
    let mut members = Vec::new();
    for _ in 0..10 {
        members.push(app.member().await);
    }
    let answers = futures_util::future::join_all(members.iter().map(|m| app.rsvp(m, &id))).await;
    let mut ok = 0;
    let mut full = 0;
    for answer in answers {
        match answer.status() {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => {
                assert_eq!(
                    problem(answer, StatusCode::CONFLICT).await.kind,
                    "event-full"
                );
                full += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((ok, full), (1, 9));
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM event_rsvps").await, 1);
}

#[tokio::test]
async fn rsvp_is_idempotent_and_can_be_withdrawn() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let event = create_event(&app, &host, single_event(&app, "lobby", "Meet-up", 30)).await;
    let id = event.id;
    for _ in 0..2 {
        let answer: Event = dto::json_with(app.rsvp(&member, &id).await, StatusCode::OK).await;
        assert_eq!((answer.rsvp, answer.attendees), (true, 1));
    }
    let withdrawn = app
        .request(
            Method::DELETE,
            &format!("/api/v1/events/{id}/rsvp"),
            Some(&member.access_token),
            None,
        )
        .await;
    assert_eq!(withdrawn.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM event_rsvps").await, 0);
}

#[tokio::test]
async fn listing_more_than_366_days_is_refused() {
    let app = spawn_app().await;
    let response = app
        .get(
            "/api/v1/events?from=2027-01-01T00:00:00Z&to=2028-01-03T00:00:00Z",
            None,
        )
        .await;
    problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[tokio::test]
async fn members_cannot_create_events_or_themes() {
    let app = spawn_app().await;
    let member = app.member().await;
    let body = single_event(&app, "lobby", "Mine", 5);
    let refused = app
        .post("/api/v1/admin/events", Some(&member.access_token), &body)
        .await;
    problem(refused, StatusCode::FORBIDDEN).await;
    let refused = app
        .post(
            "/api/v1/admin/themes",
            Some(&member.access_token),
            &json!({"month": "2026-12", "title": "T", "description": "", "space": "lobby"}),
        )
        .await;
    problem(refused, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn themes_are_listed_only_for_spaces_the_caller_may_read() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    for (space, title) in [("lobby", "Open theme"), ("pro-lounge", "PRO theme")] {
        let created = app
            .post(
                "/api/v1/admin/themes",
                Some(&host.access_token),
                &json!({"month": "2026-12", "title": title, "description": "A month of practice.", "space": space}),
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
    }
    let listed: Page<Theme> = dto::json_with(
        app.get("/api/v1/themes", Some(&member.access_token)).await,
        StatusCode::OK,
    )
    .await;
    let titles: Vec<&str> = listed.items.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, vec!["Open theme"]);
    let duplicate = app
        .post(
            "/api/v1/admin/themes",
            Some(&host.access_token),
            &json!({"month": "2026-12", "title": "Again", "description": "", "space": "lobby"}),
        )
        .await;
    assert_eq!(
        problem(duplicate, StatusCode::CONFLICT).await.kind,
        "theme-exists"
    );
}

#[tokio::test]
async fn reminders_are_queued_once_a_day_and_an_hour_before_unless_turned_off() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let wants = app.member().await;
    let opted_out = app.member().await;
    let event = create_event(
        &app,
        &host,
        single_event(&app, "lobby-members", "Reminded", 48),
    )
    .await;
    let id = event.id;
    for member in [&wants, &opted_out] {
        assert_eq!(app.rsvp(member, &id).await.status(), StatusCode::OK);
    }
    let off = app
        .patch(
            "/api/v1/me/event-reminders",
            Some(&opted_out.access_token),
            &json!({"enabled": false}),
        )
        .await;
    assert_eq!(off.status(), StatusCode::OK);
    let reminders = "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'event_reminder'";

    app.clock.advance(Duration::hours(23));
    app.run_jobs().await;
    assert_eq!(
        app.count(reminders).await,
        0,
        "25 hours before: nothing yet"
    );

    app.clock.advance(Duration::minutes(61));
    app.run_jobs().await;
    app.run_jobs().await;
    assert_eq!(
        app.count(reminders).await,
        1,
        "the day-before reminder, once"
    );

    app.clock.advance(Duration::hours(23));
    app.run_jobs().await;
    app.run_jobs().await;
    assert_eq!(
        app.count(reminders).await,
        2,
        "the hour-before reminder, once"
    );

    app.clock.advance(Duration::hours(2));
    app.run_jobs().await;
    assert_eq!(app.count(reminders).await, 2, "nothing after the start");
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM event_reminders_sent")
            .await,
        2
    );
    let db = app.state.db.clone();
    let (to_wants, to_opted_out) = tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        let count = |conn: &mut praxis_persistence::DbConnection, email: &str| {
            praxis_persistence::outbox::for_recipient(conn, email)
                .unwrap_or_else(|e| panic!("outbox for {email}: {e}"))
                .iter()
                .filter(|m| m.kind == "event_reminder")
                .count()
        };
        (
            count(&mut conn, &wants.email),
            count(&mut conn, &opted_out.email),
        )
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((to_wants, to_opted_out), (2, 0));
}

#[tokio::test]
async fn an_occurrence_moves_at_most_seven_days_so_it_never_drops_out_of_lists() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let body = json!({
        "kind": "qa_session", "title": "Weekly Q&A", "description": "", "space": "lobby-members",
        "starts_at": "2027-03-01T15:00:00Z", "ends_at": "2027-03-01T16:00:00Z",
        "join_url": "https://meet.example.org/qa",
        "recurrence": {"frequency": "weekly", "by_weekday": ["mo"], "count": 4, "time_zone": "UTC"},
    });
    let first = create_event(&app, &host, body).await;
    let series_id = first.series_id.expect("a series");
    let far = app
        .patch(
            &format!("/api/v1/admin/events/{series_id}@20270308T150000Z"),
            Some(&host.access_token),
            &json!({"starts_at": "2027-04-08T15:00:00Z", "ends_at": "2027-04-08T16:00:00Z"}),
        )
        .await;
    let body = problem(far, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body.fields(), ["starts_at"]);
}
