//! Q&A questions (DOMAIN.md "Events and recordings"): asked in advance by members of the event's
//! space, up-voted once each, answered by hosts with an email to the asker.

use crate::dto::{self, Page, Question};
use crate::helpers::{problem, spawn_app, Session, TestApp};
use chrono::Duration;
use diesel::prelude::*;
use praxis_api::clock::Clock;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub const LOUNGE: &str = "space-practitioner-lounge";

/// Inserts a single event directly (the events API is built elsewhere) and returns its id.
pub async fn insert_event(
    app: &TestApp,
    space_id: &str,
    title: &str,
    starts_in: Duration,
) -> String {
    use praxis_persistence::schema::events as e;
    let db = app.state.db.clone();
    let now = app.clock.now();
    let start = praxis_persistence::to_db_time(now + starts_in);
    let created = praxis_persistence::to_db_time(now);
    let id = uuid::Uuid::new_v4().to_string();
    let (event_id, space, title) = (id.clone(), space_id.to_owned(), title.to_owned());
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        diesel::insert_into(e::table)
            .values((
                e::id.eq(event_id),
                e::kind.eq("qa_session"),
                e::title.eq(title),
                e::description.eq("Questions in advance"),
                e::space_id.eq(space),
                e::starts_at.eq(start),
                e::ends_at.eq(start + Duration::hours(1)),
                e::time_zone.eq("Europe/Berlin"),
                e::join_url.eq("https://meet.example.org/qa"),
                e::status.eq("scheduled"),
                e::created_at.eq(created),
                e::updated_at.eq(created),
            ))
            .execute(&mut *conn)
            .unwrap_or_else(|e| panic!("{e}"));
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    id
}

/// Asserts the status and reads the body, failing the test (with the body) when it is not JSON.
pub async fn json(response: reqwest::Response, status: StatusCode) -> Value {
    crate::dto::json_with(response, status).await
}

async fn ask(app: &TestApp, who: &Session, event: &str, body: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/events/{event}/questions"),
        Some(&who.access_token),
        &json!({"body": body}),
    )
    .await
}

async fn vote(app: &TestApp, who: &Session, question: &str, method: Method) -> reqwest::Response {
    app.request(
        method,
        &format!("/api/v1/questions/{question}/vote"),
        Some(&who.access_token),
        None,
    )
    .await
}

#[tokio::test]
async fn lounge_event_questions_are_hidden_from_lobby_members_and_open_to_practitioners() {
    let app = spawn_app().await;
    let event = insert_event(&app, LOUNGE, "Lounge Q&A", Duration::days(1)).await;
    let practitioner = app.member().await;
    app.subscribed(&practitioner, "practitioner", "monthly")
        .await;
    let lobby = app.member().await;

    let asked: Question = dto::json_with(
        ask(&app, &practitioner, &event, "How do we review agreements?").await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(asked.votes, 0);
    assert!(asked.mine);
    assert_eq!(asked.event_id, event);

    let path = format!("/api/v1/events/{event}/questions");
    problem(
        app.get(&path, Some(&lobby.access_token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(app.get(&path, None).await, StatusCode::NOT_FOUND).await;
    problem(
        ask(&app, &lobby, &event, "Let me in?").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let question = asked.id.as_str();
    problem(
        vote(&app, &lobby, question, Method::PUT).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    let listed: Page<Question> = dto::json_with(
        app.get(&path, Some(&practitioner.access_token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].body, "How do we review agreements?");
}

#[tokio::test]
async fn one_vote_per_member_never_on_ones_own_question_and_list_ordered_by_votes_then_age() {
    let app = spawn_app().await;
    let event = insert_event(&app, "space-lobby-members", "Lobby Q&A", Duration::days(1)).await;
    let (a, b, c) = (app.member().await, app.member().await, app.member().await);
    let mut ids = Vec::new();
    for (who, body) in [
        (&a, "First question"),
        (&b, "Second question"),
        (&b, "Third question"),
    ] {
        let asked: Question =
            dto::json_with(ask(&app, who, &event, body).await, StatusCode::CREATED).await;
        ids.push(asked.id);
    }
    let [first, second, third]: [String; 3] = ids.try_into().expect("three questions");

    let own = vote(&app, &a, &first, Method::PUT).await;
    assert_eq!(
        problem(own, StatusCode::FORBIDDEN).await.kind,
        "own-question"
    );
    for _ in 0..2 {
        assert_eq!(
            vote(&app, &c, &third, Method::PUT).await.status(),
            StatusCode::NO_CONTENT
        );
    }
    assert_eq!(
        vote(&app, &a, &third, Method::PUT).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        vote(&app, &c, &second, Method::PUT).await.status(),
        StatusCode::NO_CONTENT
    );

    let path = format!("/api/v1/events/{event}/questions");
    let listed: Page<Question> =
        dto::json_with(app.get(&path, Some(&c.access_token)).await, StatusCode::OK).await;
    let order: Vec<(String, i32)> = listed
        .items
        .iter()
        .map(|q| (q.id.clone(), q.votes))
        .collect();
    assert_eq!(
        order,
        vec![(third.clone(), 2), (second.clone(), 1), (first.clone(), 0)]
    );
    assert!(listed.items[0].voted_by_me);
    assert!(!listed.items[2].voted_by_me);

    // Paged one at a time, the order holds.
    let page: Page<Question> = dto::json_with(
        app.get(&format!("{path}?limit=2"), Some(&c.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page.items.len(), 2);
    let cursor = page.next_cursor.expect("next_cursor");
    let rest: Page<Question> = dto::json_with(
        app.get(
            &format!("{path}?limit=2&cursor={cursor}"),
            Some(&c.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let rest_ids: Vec<&str> = rest.items.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(rest_ids, [first.as_str()]);
    assert_eq!(rest.next_cursor, None);

    assert_eq!(
        vote(&app, &c, &third, Method::DELETE).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM question_votes").await,
        2,
        "withdrawn, and never counted twice"
    );
}

#[tokio::test]
async fn questions_are_closed_once_the_event_started() {
    let app = spawn_app().await;
    let event = insert_event(&app, "space-lobby-members", "Soon", Duration::hours(2)).await;
    let (asker, other) = (app.member().await, app.member().await);
    let asked: Question = dto::json_with(
        ask(&app, &asker, &event, "Draft").await,
        StatusCode::CREATED,
    )
    .await;
    let path = format!("/api/v1/questions/{}", asked.id);
    let edited: Question = dto::json_with(
        app.patch(&path, Some(&asker.access_token), &json!({"body": "Final"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited.id, asked.id);
    assert_eq!(edited.body, "Final");
    let by_other = app
        .patch(
            &path,
            Some(&other.access_token),
            &json!({"body": "Mine now"}),
        )
        .await;
    assert_eq!(
        problem(by_other, StatusCode::FORBIDDEN).await.kind,
        "not-question-author"
    );

    app.clock.advance(Duration::hours(3));
    let asker = app.relogin(&asker).await;
    let late = ask(&app, &asker, &event, "Too late").await;
    assert_eq!(
        problem(late, StatusCode::CONFLICT).await.kind,
        "questions-closed"
    );
    let late_edit = app
        .patch(
            &path,
            Some(&asker.access_token),
            &json!({"body": "Changed"}),
        )
        .await;
    assert_eq!(
        problem(late_edit, StatusCode::CONFLICT).await.kind,
        "questions-closed"
    );
}

#[tokio::test]
async fn answering_marks_the_question_and_emails_the_asker_even_if_absent() {
    let app = spawn_app().await;
    let event = insert_event(&app, "space-lobby-members", "Q&A", Duration::days(1)).await;
    let asker = app.member().await;
    let host = app.as_host().await;
    let asked: Question = dto::json_with(
        ask(&app, &asker, &event, "What is a driver?").await,
        StatusCode::CREATED,
    )
    .await;
    let path = format!("/api/v1/admin/questions/{}/answer", asked.id);

    let by_member = app.post(&path, Some(&asker.access_token), &json!({})).await;
    problem(by_member, StatusCode::FORBIDDEN).await;
    let answered: Question = dto::json_with(
        app.post(
            &path,
            Some(&host.access_token),
            &json!({"recording_seconds": 754, "note": "See the Troika part."}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(answered.answered);
    assert_eq!(answered.recording_seconds, Some(754));
    assert_eq!(
        answered.answer_note.as_deref(),
        Some("See the Troika part.")
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'question_answered'")
            .await,
        1
    );
    let bad = app
        .post(
            &path,
            Some(&host.access_token),
            &json!({"recording_seconds": -5}),
        )
        .await;
    assert_eq!(
        problem(bad, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields()[0],
        "recording_seconds"
    );
}

#[tokio::test]
async fn questions_can_be_asked_for_an_occurrence_of_a_recurring_q_and_a_series() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let practitioner = app.member().await;
    app.subscribed(&practitioner, "practitioner", "monthly")
        .await;
    let lobby_member = app.member().await;
    let start = app.clock_now_utc() + chrono::Duration::days(2);
    let body = json!({
        "kind": "qa_session", "title": "Q&A", "description": "Twice a month.", "space": "practitioner-lounge",
        "starts_at": start.to_rfc3339(), "ends_at": (start + chrono::Duration::hours(1)).to_rfc3339(),
        "join_url": "https://meet.example.org/qa",
        "recurrence": {"frequency": "weekly", "interval": 2, "by_weekday": [start.format("%a").to_string().to_lowercase()[..2].to_owned()], "count": 4, "time_zone": "UTC"},
    });
    crate::events::create_event(&app, &host, body).await;
    let list = app
        .events_between(
            Some(&practitioner.access_token),
            start - chrono::Duration::days(1),
            start + chrono::Duration::days(60),
        )
        .await;
    let occurrence = crate::events::ids(&list)
        .into_iter()
        .find(|id| id.contains('@'))
        .unwrap_or_else(|| panic!("an occurrence of the series: {list:?}"));
    // Outsiders can neither read nor create anything on it.
    let outside = app
        .get(
            &format!("/api/v1/events/{occurrence}/questions"),
            Some(&lobby_member.access_token),
        )
        .await;
    problem(outside, StatusCode::NOT_FOUND).await;
    problem(
        ask(&app, &lobby_member, &occurrence, "Let me in?").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM events WHERE series_id IS NOT NULL")
            .await,
        0
    );
    let asked = ask(
        &app,
        &practitioner,
        &occurrence,
        "How do we review agreements?",
    )
    .await;
    let asked: Question = dto::json_with(asked, StatusCode::CREATED).await;
    let listed: Page<Question> = dto::json_with(
        app.get(
            &format!("/api/v1/events/{occurrence}/questions"),
            Some(&practitioner.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let listed_ids: Vec<&str> = listed.items.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(listed_ids, [asked.id.as_str()]);
    assert_eq!(listed.items[0].body, "How do we review agreements?");
    // Note: `event_id` here is the id of the row made for the occurrence, not the
    // `<series>@<start>` id the question was asked on (and the event list shows).
    assert_eq!(listed.items[0].event_id, asked.event_id);
    // The occurrence still lists once, unchanged.
    let again = app
        .events_between(
            Some(&practitioner.access_token),
            start - chrono::Duration::days(1),
            start + chrono::Duration::days(60),
        )
        .await;
    assert_eq!(crate::events::ids(&again).len(), 4);
}

#[tokio::test]
async fn no_answer_mail_to_an_asker_who_can_no_longer_read_the_space() {
    let app = spawn_app().await;
    let event = insert_event(&app, "space-lobby-members", "Q&A", Duration::days(1)).await;
    let asker = app.member().await;
    let host = app.as_host().await;
    let admin = app.as_admin().await;
    let asked: Question = dto::json_with(
        ask(&app, &asker, &event, "What is a tension?").await,
        StatusCode::CREATED,
    )
    .await;
    // New terms close every private space to the asker until they accept them again.
    app.clock.advance(chrono::Duration::minutes(1));
    let published = app
        .post(
            "/api/v1/admin/terms",
            Some(&admin.access_token),
            &json!({"version": "2026-12", "terms": "New terms.", "member_guidelines": "Be kind.", "confidentiality": "It stays here."}),
        )
        .await;
    assert_eq!(published.status(), StatusCode::CREATED);
    app.accept_terms(&host).await;
    problem(
        app.get(
            &format!("/api/v1/events/{event}/questions"),
            Some(&asker.access_token),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let answered: Question = dto::json_with(
        app.post(
            &format!("/api/v1/admin/questions/{}/answer", asked.id),
            Some(&host.access_token),
            &json!({"note": "A tension is a driver you have not yet named."}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(answered.answered);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'question_answered'")
            .await,
        0
    );
}
