//! The e-course (DOMAIN.md "Learning", issue 11 part 1): hosts build courses of ordered
//! modules and lessons and publish them; members see published ones, open lessons only with an
//! entitlement, and see their progress, resume point and completion.

use crate::helpers::{problem, spawn_app, Session, TestApp};
use crate::questions::json;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub fn id(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("an id: {v}"))
        .to_owned()
}

pub async fn post_ok(app: &TestApp, who: &Session, path: &str, body: Value) -> Value {
    json(
        app.post(path, Some(&who.access_token), &body).await,
        StatusCode::CREATED,
    )
    .await
}

pub async fn patch_ok(app: &TestApp, who: &Session, path: &str, body: Value) -> Value {
    json(
        app.patch(path, Some(&who.access_token), &body).await,
        StatusCode::OK,
    )
    .await
}

pub async fn put_json(app: &TestApp, who: &Session, path: &str, body: Value) -> reqwest::Response {
    app.request(Method::PUT, path, Some(&who.access_token), Some(&body))
        .await
}

pub async fn get_ok(app: &TestApp, who: &Session, path: &str) -> Value {
    json(app.get(path, Some(&who.access_token)).await, StatusCode::OK).await
}

/// A course as a host builds it.
pub struct Built {
    pub course: String,
    pub module: String,
    pub lessons: Vec<String>,
}

/// A published course with one module of `lessons` published lessons (video, text, exercise).
pub async fn published_course(app: &TestApp, host: &Session, lessons: usize) -> Built {
    let course = post_ok(app, host, "/api/v1/admin/courses",
        json!({"title": "Sociocracy 3.0 step by step", "summary": "From drivers to agreements", "language": "en"})).await;
    let course = id(&course);
    let module = post_ok(
        app,
        host,
        &format!("/api/v1/admin/courses/{course}/modules"),
        json!({"title": "Drivers"}),
    )
    .await;
    let module = id(&module);
    let mut ids = Vec::new();
    for n in 1..=lessons {
        let lesson = post_ok(app, host, &format!("/api/v1/admin/modules/{module}/lessons"),
            json!({"title": format!("Lesson {n}"), "video_url": format!("https://video.example/{n}"), "duration_seconds": 600,
                "body": format!("Text of lesson {n}"), "exercise_prompt": "Name a driver in your team.", "published": true})).await;
        ids.push(id(&lesson));
    }
    patch_ok(
        app,
        host,
        &format!("/api/v1/admin/courses/{course}"),
        json!({"published": true}),
    )
    .await;
    Built {
        course,
        module,
        lessons: ids,
    }
}

pub async fn grant(app: &TestApp, host: &Session, member: &Session, course: &str) -> Value {
    post_ok(
        app,
        host,
        "/api/v1/admin/entitlements",
        json!({"user_id": member.user_id, "course_id": course, "reason": "Scholarship"}),
    )
    .await
}

#[tokio::test]
async fn a_draft_course_and_a_draft_lesson_are_invisible_to_members() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let course = post_ok(
        &app,
        &host,
        "/api/v1/admin/courses",
        json!({"title": "Draft course", "language": "en"}),
    )
    .await;
    let course = id(&course);
    assert_eq!(course.len(), 36);
    let path = format!("/api/v1/courses/{course}");
    problem(
        app.get(&path, Some(&member.access_token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let listed = get_ok(&app, &member, "/api/v1/courses").await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        get_ok(&app, &host, "/api/v1/courses").await["items"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    let built = published_course(&app, &host, 2).await;
    let draft = post_ok(
        &app,
        &host,
        &format!("/api/v1/admin/modules/{}/lessons", built.module),
        json!({"title": "Not yet", "body": "Draft text"}),
    )
    .await;
    grant(&app, &host, &member, &built.course).await;
    let outline = get_ok(&app, &member, &format!("/api/v1/courses/{}", built.course)).await;
    let titles: Vec<&str> = outline["modules"][0]["lessons"]
        .as_array()
        .expect("lessons")
        .iter()
        .filter_map(|l| l["title"].as_str())
        .collect();
    assert_eq!(titles, vec!["Lesson 1", "Lesson 2"]);
    problem(
        app.get(
            &format!("/api/v1/lessons/{}", id(&draft)),
            Some(&member.access_token),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let seen_by_host = get_ok(&app, &host, &format!("/api/v1/lessons/{}", id(&draft))).await;
    assert_eq!(seen_by_host["published"], false);
}

#[tokio::test]
async fn the_outline_is_open_to_members_but_a_lesson_needs_the_course() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let built = published_course(&app, &host, 1).await;
    let outline = get_ok(&app, &member, &format!("/api/v1/courses/{}", built.course)).await;
    assert_eq!(outline["course"]["entitled"], false);
    assert_eq!(outline["modules"][0]["lessons"][0]["duration_seconds"], 600);
    assert!(outline["modules"][0]["lessons"][0].get("body").is_none());
    let lesson = format!("/api/v1/lessons/{}", built.lessons[0]);
    let refused = problem(
        app.get(&lesson, Some(&member.access_token)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(refused.kind, "entitlement-required");
    let progress = put_json(
        &app,
        &member,
        &format!("{lesson}/progress"),
        json!({"completed": true}),
    )
    .await;
    assert_eq!(
        problem(progress, StatusCode::FORBIDDEN).await.kind,
        "entitlement-required"
    );
    problem(
        app.get("/api/v1/courses", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn a_host_grants_the_course_free_once_and_the_grant_is_audited() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let built = published_course(&app, &host, 1).await;
    let granted = grant(&app, &host, &member, &built.course).await;
    assert_eq!(granted["source"], "grant");
    let lesson = get_ok(
        &app,
        &member,
        &format!("/api/v1/lessons/{}", built.lessons[0]),
    )
    .await;
    assert_eq!(lesson["body"], "Text of lesson 1");
    assert_eq!(lesson["video_url"], "https://video.example/1");
    let mine = get_ok(&app, &member, "/api/v1/me/entitlements").await;
    assert_eq!(mine["items"][0]["source"], "grant");
    assert_eq!(mine["items"][0]["course_id"], built.course.as_str());
    let again = app
        .post(
            "/api/v1/admin/entitlements",
            Some(&host.access_token),
            &json!({"user_id": member.user_id, "course_id": built.course, "reason": "Twice"}),
        )
        .await;
    assert_eq!(
        problem(again, StatusCode::CONFLICT).await.kind,
        "entitlement-exists"
    );
    let by_member = app
        .post(
            "/api/v1/admin/entitlements",
            Some(&member.access_token),
            &json!({"user_id": member.user_id, "course_id": built.course, "reason": "Me"}),
        )
        .await;
    problem(by_member, StatusCode::FORBIDDEN).await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'entitlement.granted'")
            .await,
        1
    );
}

#[tokio::test]
async fn progress_shows_percent_and_resume_point_and_completing_every_lesson_records_completion() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let built = published_course(&app, &host, 3).await;
    grant(&app, &host, &member, &built.course).await;
    let lesson = |n: usize| format!("/api/v1/lessons/{}", built.lessons[n]);

    let first = json(
        put_json(
            &app,
            &member,
            &format!("{}/progress", lesson(0)),
            json!({"completed": true}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(first["course"]["percent"], 33);
    let second = json(
        put_json(
            &app,
            &member,
            &format!("{}/progress", lesson(1)),
            json!({"position_seconds": 120}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(second["lesson"]["position_seconds"], 120);
    assert_eq!(
        second["course"]["resume_lesson_id"],
        built.lessons[1].as_str()
    );
    let beyond = put_json(
        &app,
        &member,
        &format!("{}/progress", lesson(1)),
        json!({"position_seconds": 601}),
    )
    .await;
    assert_eq!(
        problem(beyond, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        vec!["position_seconds"]
    );
    let outline = get_ok(&app, &member, &format!("/api/v1/courses/{}", built.course)).await;
    assert_eq!(outline["modules"][0]["percent"], 33);
    assert_eq!(
        outline["modules"][0]["lessons"][1]["progress"]["position_seconds"],
        120
    );
    assert!(outline["progress"]["completed_at"].is_null());

    for n in 1..3 {
        put_json(
            &app,
            &member,
            &format!("{}/progress", lesson(n)),
            json!({"completed": true}),
        )
        .await;
    }
    let outline = get_ok(&app, &member, &format!("/api/v1/courses/{}", built.course)).await;
    assert_eq!(outline["progress"]["percent"], 100);
    assert!(outline["progress"]["resume_lesson_id"].is_null());
    assert!(outline["progress"]["completed_at"].is_string(), "{outline}");
}

#[tokio::test]
async fn moving_a_lesson_or_a_module_keeps_the_others_in_order() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let built = published_course(&app, &host, 3).await;
    let moved = patch_ok(
        &app,
        &host,
        &format!("/api/v1/admin/lessons/{}", built.lessons[2]),
        json!({"position": 1, "title": "Lesson 3, now first"}),
    )
    .await;
    assert_eq!(moved["position"], 1);
    let second = post_ok(
        &app,
        &host,
        &format!("/api/v1/admin/courses/{}/modules", built.course),
        json!({"title": "Agreements"}),
    )
    .await;
    assert_eq!(second["position"], 2);
    patch_ok(
        &app,
        &host,
        &format!("/api/v1/admin/modules/{}", id(&second)),
        json!({"position": 1}),
    )
    .await;
    let outline = get_ok(&app, &host, &format!("/api/v1/courses/{}", built.course)).await;
    let modules: Vec<&str> = outline["modules"]
        .as_array()
        .expect("modules")
        .iter()
        .filter_map(|m| m["title"].as_str())
        .collect();
    assert_eq!(modules, vec!["Agreements", "Drivers"]);
    let lessons: Vec<&str> = outline["modules"][1]["lessons"]
        .as_array()
        .expect("lessons")
        .iter()
        .filter_map(|l| l["title"].as_str())
        .collect();
    assert_eq!(lessons, vec!["Lesson 3, now first", "Lesson 1", "Lesson 2"]);
    let bad = app
        .patch(
            &format!("/api/v1/admin/lessons/{}", built.lessons[0]),
            Some(&host.access_token),
            &json!({"position": 0}),
        )
        .await;
    assert_eq!(
        problem(bad, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        vec!["position"]
    );
}

#[tokio::test]
async fn exercise_answers_are_read_only_by_their_author_and_the_hosts() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let other = app.member().await;
    let built = published_course(&app, &host, 1).await;
    grant(&app, &host, &member, &built.course).await;
    grant(&app, &host, &other, &built.course).await;
    let lesson = format!("/api/v1/lessons/{}", built.lessons[0]);
    let written = json(
        put_json(
            &app,
            &member,
            &format!("{lesson}/exercise"),
            json!({"answer": "Our meetings overrun"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(written["answer"], "Our meetings overrun");
    let mine = get_ok(&app, &member, &lesson).await;
    assert_eq!(mine["answer"]["answer"], "Our meetings overrun");
    let theirs = get_ok(&app, &other, &lesson).await;
    assert!(theirs["answer"].is_null());
    let answers = format!(
        "/api/v1/admin/lessons/{}/exercise-answers",
        built.lessons[0]
    );
    let listed = get_ok(&app, &host, &answers).await;
    assert_eq!(listed["items"][0]["user_id"], member.user_id.as_str());
    problem(
        app.get(&answers, Some(&other.access_token)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let empty = put_json(
        &app,
        &member,
        &format!("{lesson}/exercise"),
        json!({"answer": "  "}),
    )
    .await;
    assert_eq!(
        problem(empty, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        vec!["answer"]
    );
}

#[tokio::test]
async fn a_translation_is_one_per_language_and_the_course_opens_in_every_language() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let built = published_course(&app, &host, 1).await;
    let spanish = post_ok(&app, &host, "/api/v1/admin/courses",
        json!({"title": "Sociocracia 3.0 paso a paso", "language": "es", "translation_of": built.course})).await;
    let module = post_ok(
        &app,
        &host,
        &format!("/api/v1/admin/courses/{}/modules", id(&spanish)),
        json!({"title": "Impulsores"}),
    )
    .await;
    let leccion = post_ok(
        &app,
        &host,
        &format!("/api/v1/admin/modules/{}/lessons", id(&module)),
        json!({"title": "Lección 1", "body": "Texto", "published": true}),
    )
    .await;
    patch_ok(
        &app,
        &host,
        &format!("/api/v1/admin/courses/{}", id(&spanish)),
        json!({"published": true}),
    )
    .await;
    let again = app
        .post(
            "/api/v1/admin/courses",
            Some(&host.access_token),
            &json!({"title": "Otra", "language": "es", "translation_of": built.course}),
        )
        .await;
    assert_eq!(
        problem(again, StatusCode::CONFLICT).await.kind,
        "translation-exists"
    );
    grant(&app, &host, &member, &built.course).await;
    let outline = get_ok(&app, &member, &format!("/api/v1/courses/{}", id(&spanish))).await;
    assert_eq!(outline["course"]["entitled"], true);
    assert_eq!(
        outline["course"]["translations"][0]["id"],
        built.course.as_str()
    );
    let read = get_ok(&app, &member, &format!("/api/v1/lessons/{}", id(&leccion))).await;
    assert_eq!(read["body"], "Texto");
}
