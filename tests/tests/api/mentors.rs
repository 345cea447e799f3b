//! Academy mentor matching (DOMAIN.md "Sociocracy Academy", issue 12 part 3): mentors publish
//! a profile; hosts see ranked matches for a confirmed enrolment with the score's parts and
//! confirm one, never past the mentor's capacity; a mentor reads only their mentees' circles.
//!
//! The zones used here keep no summer time (Kolkata, Tokyo, Nairobi, Bogotá), so the overlaps
//! do not depend on the day the tests run; the summer-time rule is tested in the domain.

use crate::circle_helpers::{body, id, last_round};
use crate::dto::AuditEntry;
use crate::helpers::{problem, spawn_app, Session, TestApp};
use chrono::Duration;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

async fn mentor_profile(app: &TestApp, who: &Session, profile: &Value) -> Response {
    app.request(
        Method::PUT,
        "/api/v1/academy/mentor-profile",
        Some(&who.access_token),
        Some(profile),
    )
    .await
}

/// A member who publishes a profile speaking `languages` in `zone`.
async fn new_mentor(
    app: &TestApp,
    languages: &[&str],
    zone: &str,
    topics: &[&str],
    cap: i64,
) -> Session {
    let who = app.member().await;
    in_zone(app, &who, zone).await;
    let profile = json!({"languages": languages, "time_zone": zone, "topics": topics,
        "capacity": cap});
    body(mentor_profile(app, &who, &profile).await, StatusCode::OK).await;
    who
}

async fn in_zone(app: &TestApp, who: &Session, zone: &str) {
    let response = app
        .patch(
            "/api/v1/me",
            Some(&who.access_token),
            &json!({"time_zone": zone}),
        )
        .await;
    body(response, StatusCode::OK).await;
}

/// An enrolment of `members` (each in `zone`), confirmed into a cohort of its own: its id
/// and its implementation circle.
async fn confirmed_enrolment(
    app: &TestApp,
    host: &Session,
    members: &[&Session],
    zone: &str,
    languages: &[&str],
    topics: &[&str],
) -> (String, String) {
    for m in members {
        in_zone(app, m, zone).await;
    }
    let ids: Vec<&str> = members.iter().map(|m| m.user_id.as_str()).collect();
    let enrolled = app
        .post(
            "/api/v1/academy/enrolments",
            Some(&members[0].access_token),
            &json!({"organisation": {"name": "Clinic Cooperative", "size": 25,
                "sector": "Healthcare", "country": "IN", "languages": languages},
                "member_ids": ids, "topics": topics}),
        )
        .await;
    let enrolment = id(&body(enrolled, StatusCode::CREATED).await);
    let cohort = app
        .post(
            "/api/v1/admin/academy/cohorts",
            Some(&host.access_token),
            &json!({"name": "Cohort", "capacity": 1}),
        )
        .await;
    let cohort = id(&body(cohort, StatusCode::CREATED).await);
    let confirmed = app
        .post(
            &format!("/api/v1/admin/academy/enrolments/{enrolment}/confirm"),
            Some(&host.access_token),
            &json!({"cohort_id": cohort}),
        )
        .await;
    let confirmed = body(confirmed, StatusCode::OK).await;
    let circle = confirmed["circle_id"].as_str().unwrap().to_owned();
    (enrolment, circle)
}

async fn matches(app: &TestApp, host: &Session, enrolment: &str) -> Response {
    app.get(
        &format!("/api/v1/admin/academy/enrolments/{enrolment}/mentor-matches"),
        Some(&host.access_token),
    )
    .await
}

async fn matched_ids(app: &TestApp, host: &Session, enrolment: &str) -> Vec<String> {
    body(matches(app, host, enrolment).await, StatusCode::OK).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["mentor_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn assign(app: &TestApp, host: &Session, enrolment: &str, mentor: &Session) -> Response {
    app.post(
        &format!("/api/v1/admin/academy/enrolments/{enrolment}/mentor"),
        Some(&host.access_token),
        &json!({"mentor_id": mentor.user_id}),
    )
    .await
}

async fn my_profile(app: &TestApp, who: &Session) -> Value {
    body(
        app.get("/api/v1/academy/mentor-profile", Some(&who.access_token))
            .await,
        StatusCode::OK,
    )
    .await
}
const KOLKATA: &str = "Asia/Kolkata";

#[tokio::test]
async fn a_mentor_profile_needs_languages_a_real_time_zone_and_a_sane_capacity() {
    let app = spawn_app().await;
    let ana = app.member().await;
    problem(
        app.get("/api/v1/academy/mentor-profile", Some(&ana.access_token))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.request(
            Method::PUT,
            "/api/v1/academy/mentor-profile",
            None,
            Some(&json!({"languages": ["en"], "time_zone": "UTC", "capacity": 1})),
        )
        .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let cases = [
        (
            json!({"languages": ["en"], "time_zone": "Mars/Olympus_Mons", "capacity": 2}),
            "time_zone",
        ),
        (
            json!({"languages": [], "time_zone": "UTC", "capacity": 2}),
            "languages",
        ),
        (
            json!({"languages": ["english"], "time_zone": "UTC", "capacity": 2}),
            "languages",
        ),
        (
            json!({"languages": ["en"], "time_zone": "UTC", "capacity": -1}),
            "capacity",
        ),
        (
            json!({"languages": ["en"], "time_zone": "UTC", "capacity": 51}),
            "capacity",
        ),
        (
            json!({"languages": ["en"], "time_zone": "UTC", "capacity": 9_223_372_036_854_775_808_u64}),
            "capacity",
        ),
        (
            json!({"languages": ["en"], "time_zone": "UTC", "topics": [" "], "capacity": 1}),
            "topics",
        ),
    ];
    for (profile, field) in cases {
        let refused = problem(
            mentor_profile(&app, &ana, &profile).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(refused.fields(), [field], "{profile}");
    }
    problem(
        app.get("/api/v1/academy/mentor-profile", Some(&ana.access_token))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;

    let published = body(
        mentor_profile(
            &app,
            &ana,
            &json!({"languages": ["ES", "en", "es"], "time_zone": "America/Bogota",
                "topics": ["Onboarding", "onboarding ", "Governance"], "capacity": 2}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(published["languages"], json!(["es", "en"]));
    assert_eq!(published["topics"], json!(["onboarding", "governance"]));
    assert_eq!(published["time_zone"], "America/Bogota");
    let mine = my_profile(&app, &ana).await;
    assert_eq!(
        (&mine["capacity"], &mine["mentees"], &mine["free_places"]),
        (&json!(2), &json!(0), &json!(2))
    );
    let changed = body(
        mentor_profile(
            &app,
            &ana,
            &json!({"languages": ["es"], "time_zone": "UTC", "capacity": 0}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["capacity"], 0);
    assert_eq!(changed["topics"], json!([]));
    assert_eq!(changed["created_at"], published["created_at"]);
}

#[tokio::test]
async fn a_mentor_without_a_shared_language_is_never_proposed() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let student = app.member().await;
    let (enrolment, _) =
        confirmed_enrolment(&app, &host, &[&student], KOLKATA, &["de", "en"], &[]).await;
    let french = new_mentor(&app, &["fr"], KOLKATA, &["healthcare"], 3).await;
    let english = new_mentor(&app, &["en", "fr"], "Asia/Tokyo", &[], 3).await;
    assert_eq!(
        matched_ids(&app, &host, &enrolment).await,
        std::slice::from_ref(&english.user_id)
    );
    let refused = problem(
        assign(&app, &host, &enrolment, &french).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(refused.fields(), ["mentor_id"]);
    assert_eq!(my_profile(&app, &french).await["mentees"], 0);
    let matched = body(
        assign(&app, &host, &enrolment, &english).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(matched["mentor"]["id"], english.user_id.as_str());
}

#[tokio::test]
async fn matches_are_ranked_with_their_score_parts() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let (student, colleague) = (app.member().await, app.member().await);
    let (enrolment, _) = confirmed_enrolment(
        &app,
        &host,
        &[&student, &colleague],
        KOLKATA,
        &["en", "hi"],
        &["Onboarding", "governance"],
    )
    .await;
    // The enrolment's topics are its own and its sector: governance, onboarding, healthcare.
    let best = new_mentor(
        &app,
        &["en"],
        KOLKATA,
        &["onboarding", "governance", "healthcare"],
        2,
    )
    .await;
    // Tokyo 09–17 is 00–08 UTC, Kolkata 03:30–11:30 UTC: 270 minutes.
    let tokyo = new_mentor(&app, &["hi"], "Asia/Tokyo", &["onboarding"], 4).await;
    // Nairobi 09–17 is 06–14 UTC: 330 minutes. Two alike, ordered by id.
    let nairobi = new_mentor(&app, &["en"], "Africa/Nairobi", &[], 1).await;
    let nairobi_too = new_mentor(&app, &["en"], "Africa/Nairobi", &[], 1).await;
    // Bogotá 09–17 is 14–22 UTC: no overlap.
    let bogota = new_mentor(&app, &["en"], "America/Bogota", &[], 5).await;
    // In the circle: never its own mentor.
    body(
        mentor_profile(
            &app,
            &colleague,
            &json!({"languages": ["en"], "time_zone": KOLKATA, "capacity": 3}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    // Tokyo already mentors another organisation: 3 of 4 places free.
    let other = app.member().await;
    let (elsewhere, _) = confirmed_enrolment(&app, &host, &[&other], KOLKATA, &["hi"], &[]).await;
    body(
        assign(&app, &host, &elsewhere, &tokyo).await,
        StatusCode::OK,
    )
    .await;

    let ranked = body(matches(&app, &host, &enrolment).await, StatusCode::OK).await;
    let items = ranked["items"].as_array().unwrap();
    let mut alike = [nairobi.user_id.clone(), nairobi_too.user_id.clone()];
    alike.sort();
    let ids: Vec<&str> = items
        .iter()
        .map(|m| m["mentor_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            best.user_id.as_str(),
            tokyo.user_id.as_str(),
            alike[0].as_str(),
            alike[1].as_str(),
            bogota.user_id.as_str()
        ]
    );
    let parts = |m: &Value| {
        let s = &m["score"];
        [
            s["language"].as_i64().unwrap(),
            s["time_zone"].as_i64().unwrap(),
            s["topics"].as_i64().unwrap(),
            s["capacity"].as_i64().unwrap(),
            s["total"].as_i64().unwrap(),
        ]
    };
    assert_eq!(parts(&items[0]), [30, 30, 30, 10, 100]);
    assert_eq!(items[0]["overlap_minutes"], 480);
    assert_eq!(
        items[0]["shared_topics"],
        json!(["governance", "onboarding", "healthcare"])
    );
    assert_eq!(parts(&items[1]), [30, 16, 10, 7, 63]);
    assert_eq!(items[1]["overlap_minutes"], 270);
    assert_eq!(items[1]["shared_languages"], json!(["hi"]));
    assert_eq!(
        (&items[1]["mentees"], &items[1]["free_places"]),
        (&json!(1), &json!(3))
    );
    assert_eq!(parts(&items[2]), [30, 20, 0, 10, 60]);
    assert_eq!(items[2]["overlap_minutes"], 330);
    assert_eq!(parts(&items[3]), parts(&items[2]));
    assert_eq!(parts(&items[4]), [30, 0, 0, 10, 40]);
    assert!(items.iter().all(|m| m["display_name"] == "Test Member"));

    // The ranking is what a host confirms from; only hosts see it.
    problem(
        matches(&app, &student, &enrolment).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let limited = app
        .get(
            &format!("/api/v1/admin/academy/enrolments/{enrolment}/mentor-matches?limit=2"),
            Some(&host.access_token),
        )
        .await;
    assert_eq!(
        body(limited, StatusCode::OK).await["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let bad_limit = app
        .get(
            &format!("/api/v1/admin/academy/enrolments/{enrolment}/mentor-matches?limit=0"),
            Some(&host.access_token),
        )
        .await;
    assert_eq!(
        problem(bad_limit, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        ["limit"]
    );
}

#[tokio::test]
async fn a_full_mentor_is_not_proposed_and_cannot_be_confirmed() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let (a, b) = (app.member().await, app.member().await);
    let (first, _) = confirmed_enrolment(&app, &host, &[&a], KOLKATA, &["en"], &[]).await;
    let (second, _) = confirmed_enrolment(&app, &host, &[&b], KOLKATA, &["en"], &[]).await;
    let mentor = new_mentor(&app, &["en"], KOLKATA, &[], 1).await;
    assert_eq!(
        matched_ids(&app, &host, &second).await,
        std::slice::from_ref(&mentor.user_id)
    );
    body(assign(&app, &host, &first, &mentor).await, StatusCode::OK).await;
    // Matching the same mentor again changes nothing and takes no second place.
    body(assign(&app, &host, &first, &mentor).await, StatusCode::OK).await;
    let profile = my_profile(&app, &mentor).await;
    assert_eq!(
        (&profile["mentees"], &profile["free_places"]),
        (&json!(1), &json!(0))
    );
    assert!(matched_ids(&app, &host, &second).await.is_empty());
    let full = problem(
        assign(&app, &host, &second, &mentor).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(full.kind, "mentor-full");
    let mine = body(
        app.get("/api/v1/academy/enrolments/mine", Some(&b.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["items"][0]["mentor"], Value::Null);
}

#[tokio::test]
async fn two_hosts_confirming_the_last_mentee_place_at_once_never_exceed_capacity() {
    let app = spawn_app().await;
    let (host, other_host) = (app.as_host().await, app.as_host().await);
    let students: Vec<Session> =
        futures_util::future::join_all((0..10).map(|_| app.member())).await;
    let mut enrolments = Vec::new();
    for s in &students {
        enrolments.push(
            confirmed_enrolment(&app, &host, &[s], KOLKATA, &["en"], &[])
                .await
                .0,
        );
    }
    let mentor = new_mentor(&app, &["en"], KOLKATA, &[], 1).await;
    let attempts = enrolments.iter().enumerate().map(|(i, e)| {
        let who = if i % 2 == 0 { &host } else { &other_host };
        assign(&app, who, e, &mentor)
    });
    let statuses: Vec<StatusCode> = futures_util::future::join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.status())
        .collect();
    let matched = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let full = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((matched, full), (1, 9), "{statuses:?}");
    assert_eq!(my_profile(&app, &mentor).await["mentees"], 1);
    let mentees = body(
        app.get("/api/v1/academy/mentees", Some(&mentor.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mentees["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn re_matching_an_enrolment_frees_the_old_mentors_place_and_circle_seat() {
    let app = spawn_app().await;
    let (host, admin) = (app.as_host().await, app.as_admin().await);
    let (a, b) = (app.member().await, app.member().await);
    let (first, circle) = confirmed_enrolment(&app, &host, &[&a], KOLKATA, &["en"], &[]).await;
    let (second, _) = confirmed_enrolment(&app, &host, &[&b], KOLKATA, &["en"], &[]).await;
    let (old, new) = (
        new_mentor(&app, &["en"], KOLKATA, &[], 1).await,
        new_mentor(&app, &["en"], KOLKATA, &[], 1).await,
    );
    body(assign(&app, &host, &first, &old).await, StatusCode::OK).await;
    let circle_path = format!("/api/v1/circles/{circle}");
    body(
        app.get(&circle_path, Some(&old.access_token)).await,
        StatusCode::OK,
    )
    .await;
    let matched = body(assign(&app, &host, &first, &new).await, StatusCode::OK).await;
    assert_eq!(matched["mentor"]["id"], new.user_id.as_str());
    problem(
        app.get(&circle_path, Some(&old.access_token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let seen = body(
        app.get(&circle_path, Some(&new.access_token)).await,
        StatusCode::OK,
    )
    .await;
    let roles: Vec<(&str, &str)> = seen["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["user_id"].as_str().unwrap(), m["role"].as_str().unwrap()))
        .collect();
    assert!(
        roles.contains(&(new.user_id.as_str(), "mentor")),
        "{roles:?}"
    );
    assert!(!roles.iter().any(|(u, _)| *u == old.user_id), "{roles:?}");
    // The old mentor's only place is free again.
    assert_eq!(my_profile(&app, &old).await["mentees"], 0);
    body(assign(&app, &host, &second, &old).await, StatusCode::OK).await;

    let log: Vec<AuditEntry> = app
        .items("/api/v1/admin/audit-log", Some(&admin.access_token))
        .await;
    let rematch = log
        .iter()
        .find(|e| e.action == "academy.mentor_matched" && e.before.is_some())
        .unwrap_or_else(|| panic!("a re-match entry: {log:?}"));
    assert_eq!(rematch.subject_id, first);
    assert_eq!(rematch.actor_id.as_deref(), Some(host.user_id.as_str()));
    assert_eq!(
        rematch.before.as_ref().unwrap()["mentor_id"],
        old.user_id.as_str()
    );
    assert_eq!(
        rematch.after.as_ref().unwrap()["mentor_id"],
        new.user_id.as_str()
    );
}

/// A circle's driver, a proposal in an open round and a post in its space, made by `member`:
/// the round's id, the proposal's, the driver's and the space's slug.
async fn circle_content(app: &TestApp, member: &Session, circle: &str) -> [String; 4] {
    let driver = id(&app.driver(member, circle).await);
    let proposal = app
        .proposal(member, &driver, "Meet the mentor monthly.")
        .await;
    let proposal = app.round(member, &id(&proposal), Duration::days(7)).await;
    let space = body(
        app.get(
            &format!("/api/v1/circles/{circle}"),
            Some(&member.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await["space_slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let post = app
        .post(
            &format!("/api/v1/spaces/{space}/posts"),
            Some(&member.access_token),
            &json!({"kind": "discussion", "title": "Circle notes", "body": "Our notes.", "topics": []}),
        )
        .await;
    body(post, StatusCode::CREATED).await;
    [last_round(&proposal), id(&proposal), driver, space]
}

fn reads(circle: &str, content: &[String; 4]) -> Vec<String> {
    let [_, proposal, _, space] = content;
    vec![
        format!("/api/v1/circles/{circle}"),
        format!("/api/v1/circles/{circle}/drivers"),
        format!("/api/v1/circles/{circle}/agreements"),
        format!("/api/v1/proposals/{proposal}"),
        format!("/api/v1/spaces/{space}"),
        format!("/api/v1/spaces/{space}/posts"),
    ]
}

#[tokio::test]
async fn a_mentor_reads_their_mentees_circle_and_no_other() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let (a, b) = (app.member().await, app.member().await);
    let (mine, my_circle) = confirmed_enrolment(&app, &host, &[&a], KOLKATA, &["en"], &[]).await;
    let (_, other_circle) = confirmed_enrolment(&app, &host, &[&b], KOLKATA, &["en"], &[]).await;
    let mentor = new_mentor(&app, &["en"], KOLKATA, &[], 2).await;
    let ours = circle_content(&app, &a, &my_circle).await;
    let theirs = circle_content(&app, &b, &other_circle).await;
    for path in reads(&my_circle, &ours) {
        problem(
            app.get(&path, Some(&mentor.access_token)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
    body(assign(&app, &host, &mine, &mentor).await, StatusCode::OK).await;
    for path in reads(&my_circle, &ours) {
        let response = app.get(&path, Some(&mentor.access_token)).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    for path in reads(&other_circle, &theirs) {
        let response = app.get(&path, Some(&mentor.access_token)).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let mentees = body(
        app.get("/api/v1/academy/mentees", Some(&mentor.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    let items = mentees["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["enrolment"]["id"], mine.as_str());
    assert_eq!(items[0]["enrolment"]["circle_id"], my_circle.as_str());
    // The students see who their mentor is.
    let enrolments = body(
        app.get("/api/v1/academy/enrolments/mine", Some(&a.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        enrolments["items"][0]["mentor"],
        json!({"id": mentor.user_id, "display_name": "Test Member"})
    );
    // Someone who mentors nobody has no mentees.
    let nobody = body(
        app.get("/api/v1/academy/mentees", Some(&b.access_token))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(nobody["items"], json!([]));
}

#[tokio::test]
async fn a_mentor_cannot_answer_a_consent_round_of_their_mentees_circle() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let student = app.member().await;
    let (enrolment, circle) =
        confirmed_enrolment(&app, &host, &[&student], KOLKATA, &["en"], &[]).await;
    let mentor = new_mentor(&app, &["en"], KOLKATA, &[], 1).await;
    body(
        assign(&app, &host, &enrolment, &mentor).await,
        StatusCode::OK,
    )
    .await;
    let [round, proposal, ..] = circle_content(&app, &student, &circle).await;
    let refused = problem(
        app.answer(&mentor, &round, "objection", Some("Too slow."))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(refused.kind, "not-a-circle-member");
    problem(
        app.answer(&mentor, &round, "consent", None).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // The student alone makes the agreement: the mentor's attempt counted for nothing.
    let agreed = app.answered(&student, &round, "consent", None).await;
    assert!(agreed["agreement_id"].is_string(), "{agreed}");
    let seen = app.proposal_of(&mentor, &proposal).await;
    assert_eq!(seen["agreement_id"], agreed["agreement_id"]);
}

#[tokio::test]
async fn only_hosts_match_confirmed_enrolments_with_mentors_from_outside_the_circle() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let (student, colleague) = (app.member().await, app.member().await);
    let (enrolment, _) =
        confirmed_enrolment(&app, &host, &[&student, &colleague], KOLKATA, &["en"], &[]).await;
    let mentor = new_mentor(&app, &["en"], KOLKATA, &[], 2).await;
    problem(
        assign(&app, &student, &enrolment, &mentor).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // A member without a profile, an unknown enrolment, and a malformed mentor id.
    let stranger = app.member().await;
    problem(
        assign(&app, &host, &enrolment, &stranger).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let unknown = "0190c5a4-7b1e-7c3d-9f00-2a6b1c0d4e5f";
    problem(
        assign(&app, &host, unknown, &mentor).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(matches(&app, &host, unknown).await, StatusCode::NOT_FOUND).await;
    let malformed = app
        .post(
            &format!("/api/v1/admin/academy/enrolments/{enrolment}/mentor"),
            Some(&host.access_token),
            &json!({"mentor_id": "not-an-id"}),
        )
        .await;
    assert_eq!(
        problem(malformed, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        ["mentor_id"]
    );
    // A colleague in the circle cannot be its mentor.
    body(
        mentor_profile(
            &app,
            &colleague,
            &json!({"languages": ["en"], "time_zone": KOLKATA, "capacity": 2}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let inside = problem(
        assign(&app, &host, &enrolment, &colleague).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(inside.fields(), ["mentor_id"]);
    // A pending enrolment has no circle to mentor yet.
    let pending = app
        .post(
            "/api/v1/academy/enrolments",
            Some(&stranger.access_token),
            &json!({"organisation": {"name": "Later Ltd", "size": 3, "sector": "retail",
                "country": "FR", "languages": ["en"]}, "member_ids": [stranger.user_id]}),
        )
        .await;
    let pending = id(&body(pending, StatusCode::CREATED).await);
    assert_eq!(
        problem(matches(&app, &host, &pending).await, StatusCode::CONFLICT)
            .await
            .kind,
        "enrolment-not-confirmed"
    );
    assert_eq!(
        problem(
            assign(&app, &host, &pending, &mentor).await,
            StatusCode::CONFLICT
        )
        .await
        .kind,
        "enrolment-not-confirmed"
    );
    // Topics given at enrolment are checked too.
    let too_long = "x".repeat(81);
    let refused = app
        .post(
            "/api/v1/academy/enrolments",
            Some(&stranger.access_token),
            &json!({"organisation": {"name": "Later Ltd", "size": 3, "sector": "retail",
                "country": "FR", "languages": ["en"]}, "member_ids": [stranger.user_id],
                "topics": [too_long]}),
        )
        .await;
    assert_eq!(
        problem(refused, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        ["topics"]
    );
}
