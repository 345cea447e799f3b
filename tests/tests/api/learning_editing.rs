//! Hosts edit themes, assignments and resources (issue 11 parts 4 and 5); a theme's page lists
//! the recordings and resources the caller may read; case studies filter by organisation
//! type; a resource derived from a lounge discussion is new text; a session's facilitator
//! answers the questions of their own session.

use crate::courses::{get_ok, id, patch_ok, post_ok};
use crate::events::single_event;
use crate::helpers::{problem, spawn_app, Session, TestApp};
use crate::questions::json;
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn titles(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .filter_map(|i| i["title"].as_str().map(str::to_owned))
        .collect()
}

/// `count` takes a fixed query; these tests count rows of ids they just made.
async fn count(app: &TestApp, sql: String) -> i64 {
    app.count(sql.leak()).await
}

async fn theme(app: &TestApp, host: &Session, space: &str, month_offset_days: i64) -> String {
    let month = (app.clock_now_utc() + Duration::days(month_offset_days))
        .format("%Y-%m")
        .to_string();
    let theme = post_ok(
        app,
        host,
        "/api/v1/admin/themes",
        json!({"month": month, "title": format!("Theme of {space}"),
            "description": "A month of practice.", "space": space}),
    )
    .await;
    id(&theme)
}

async fn resource(app: &TestApp, host: &Session, body: Value) -> Value {
    post_ok(app, host, "/api/v1/admin/resources", body).await
}

async fn themed_event_with_recording(
    app: &TestApp,
    host: &Session,
    space: &str,
    theme: &str,
    title: &str,
) -> String {
    let mut event = single_event(app, space, title, 2);
    event["theme_id"] = json!(theme);
    let event = id(&post_ok(app, host, "/api/v1/admin/events", event).await);
    let published = app
        .request(
            Method::PUT,
            &format!("/api/v1/admin/events/{event}/recording"),
            Some(&host.access_token),
            Some(&json!({"video_url": format!("https://video.example.org/{}", title.replace(' ', "-")),
                "duration_seconds": 3600, "chapters": []})),
        )
        .await;
    assert_eq!(published.status(), StatusCode::CREATED, "recording");
    event
}

fn recording_titles(page: &Value) -> Vec<String> {
    page["recordings"]
        .as_array()
        .unwrap_or_else(|| panic!("recordings: {page}"))
        .iter()
        .filter_map(|r| r["event_title"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_theme_page_lists_only_the_recordings_and_resources_the_caller_may_read() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let lobby_member = app.member().await;
    let practitioner = app.member().await;
    app.subscribed(&practitioner, "practitioner", "monthly")
        .await;
    let lobby = theme(&app, &host, "lobby", 0).await;
    let lounge = theme(&app, &host, "practitioner-lounge", 0).await;
    themed_event_with_recording(&app, &host, "lobby", &lobby, "Lobby meetup").await;
    themed_event_with_recording(
        &app,
        &host,
        "practitioner-lounge",
        &lounge,
        "Lounge session",
    )
    .await;
    resource(
        &app,
        &host,
        json!({"kind": "article", "title": "Open reading", "body_or_url": "Text",
        "language": "en", "visibility": "public", "theme_id": lobby}),
    )
    .await;
    resource(&app, &host, json!({"kind": "article", "title": "Lounge reading", "body_or_url": "Text",
        "language": "en", "visibility": "space", "space": "practitioner-lounge", "theme_id": lobby}))
    .await;
    resource(
        &app,
        &host,
        json!({"kind": "article", "title": "Not on a theme", "body_or_url": "Text",
        "language": "en", "visibility": "public"}),
    )
    .await;

    let path = format!("/api/v1/themes/{lobby}");
    let visitor = json(app.get(&path, None).await, StatusCode::OK).await;
    let member = get_ok(&app, &lobby_member, &path).await;
    for page in [&visitor, &member] {
        assert_eq!(titles(&page["resources"]), vec!["Open reading"]);
        assert_eq!(recording_titles(page), vec!["Lobby meetup"]);
    }
    let reader = get_ok(&app, &practitioner, &path).await;
    assert_eq!(
        titles(&reader["resources"]),
        vec!["Lounge reading", "Open reading"]
    );
    assert_eq!(reader["resources"][0]["theme_id"], json!(lobby));

    let lounge_path = format!("/api/v1/themes/{lounge}");
    let reader = get_ok(&app, &practitioner, &lounge_path).await;
    assert_eq!(recording_titles(&reader), vec!["Lounge session"]);
    assert_eq!(
        reader["recordings"][0]["video_url"],
        "https://video.example.org/Lounge-session"
    );
    for token in [None, Some(lobby_member.access_token.as_str())] {
        problem(app.get(&lounge_path, token).await, StatusCode::NOT_FOUND).await;
    }

    // The library's `theme_id` filter answers the same, within what the caller may read.
    let filtered = json(
        app.get(&format!("/api/v1/resources?theme_id={lobby}"), None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(titles(&filtered["items"]), vec!["Open reading"]);
    let bad = app.get("/api/v1/resources?theme_id=not-an-id", None).await;
    assert_eq!(
        problem(bad, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        vec!["theme_id"]
    );
}

#[tokio::test]
async fn hosts_edit_a_theme_an_assignment_and_a_resource_and_each_edit_is_audited() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let theme_id = theme(&app, &host, "practitioner-lounge", 0).await;
    let due = app.clock_now_utc() + Duration::days(7);
    let assignment = post_ok(
        &app,
        &host,
        "/api/v1/admin/assignments",
        json!({"title": "Map a driver", "instructions": "Notice one driver.",
            "space": "practitioner-lounge", "due_at": due.to_rfc3339()}),
    )
    .await;
    let created = resource(
        &app,
        &host,
        json!({"kind": "case_study", "title": "A bakery", "body_or_url": "Text",
        "language": "en", "visibility": "public", "org_type": "cooperative"}),
    )
    .await;

    let changed = patch_ok(
        &app,
        &host,
        &format!("/api/v1/admin/themes/{theme_id}"),
        json!({"title": "Consent decisions", "description": "Deciding together."}),
    )
    .await;
    assert_eq!(changed["title"], "Consent decisions");
    assert_eq!(changed["description"], "Deciding together.");
    assert_eq!(changed["space"], "practitioner-lounge");

    let later = due + Duration::days(3);
    let changed = patch_ok(
        &app,
        &host,
        &format!("/api/v1/admin/assignments/{}", id(&assignment)),
        json!({"title": "Map two drivers", "due_at": later.to_rfc3339(), "theme_id": theme_id}),
    )
    .await;
    assert_eq!(changed["title"], "Map two drivers");
    assert_eq!(changed["instructions"], "Notice one driver.");
    assert_eq!(changed["theme_id"], json!(theme_id));
    let cleared = patch_ok(
        &app,
        &host,
        &format!("/api/v1/admin/assignments/{}", id(&assignment)),
        json!({"theme_id": null}),
    )
    .await;
    assert_eq!(cleared["theme_id"], Value::Null);
    assert_eq!(cleared["title"], "Map two drivers");

    let changed = patch_ok(
        &app,
        &host,
        &format!("/api/v1/admin/resources/{}", id(&created)),
        json!({"title": "A cooperative bakery", "visibility": "space", "space": "practitioner-lounge",
            "theme_id": theme_id, "org_type": "worker cooperative"}),
    )
    .await;
    assert_eq!(changed["title"], "A cooperative bakery");
    assert_eq!(changed["space"], "practitioner-lounge");
    assert_eq!(changed["org_type"], "worker cooperative");
    assert_eq!(changed["theme_id"], json!(theme_id));
    assert_eq!(changed["body_or_url"], "Text");

    for (action, subject, n) in [
        ("theme.changed", theme_id.clone(), 1),
        ("assignment.changed", id(&assignment), 2),
        ("resource.changed", id(&created), 1),
    ] {
        assert_eq!(
            count(
                &app,
                format!(
                    "SELECT COUNT(*) AS n FROM audit_log WHERE action = '{action}' \
                     AND subject_id = '{subject}' AND before_json IS NOT NULL"
                )
            )
            .await,
            n,
            "{action}"
        );
    }
}

#[tokio::test]
async fn edits_keep_the_rules_of_new_themes_assignments_and_resources_and_change_nothing_when_refused(
) {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let lounge_theme = theme(&app, &host, "practitioner-lounge", 0).await;
    let next_month = theme(&app, &host, "practitioner-lounge", 40).await;
    let lobby_theme = theme(&app, &host, "lobby", 0).await;
    let due = app.clock_now_utc() + Duration::days(7);
    let assignment = post_ok(
        &app,
        &host,
        "/api/v1/admin/assignments",
        json!({"title": "Map a driver", "instructions": "Notice one driver.",
            "space": "practitioner-lounge", "theme_id": lounge_theme, "due_at": due.to_rfc3339()}),
    )
    .await;
    let path = format!("/api/v1/admin/assignments/{}", id(&assignment));
    let past = app.clock_now_utc() - Duration::hours(1);
    for (body, field) in [
        (
            json!({"due_at": past.to_rfc3339(), "title": "Changed"}),
            "due_at",
        ),
        (
            json!({"theme_id": "0190a8c4-0000-7000-8000-000000000000"}),
            "theme_id",
        ),
        (json!({"theme_id": lobby_theme}), "theme_id"),
        (json!({"title": " "}), "title"),
        (json!({}), "body"),
    ] {
        let refused = app.patch(&path, Some(&host.access_token), &body).await;
        let refused = problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(refused.fields().contains(&field), "{body}");
    }
    let unchanged = get_ok(
        &app,
        &host,
        &format!("/api/v1/assignments/{}", id(&assignment)),
    )
    .await;
    assert_eq!(unchanged["title"], "Map a driver");
    assert_eq!(unchanged["theme_id"], json!(lounge_theme));

    let month_taken = app
        .patch(
            &format!("/api/v1/admin/themes/{next_month}"),
            Some(&host.access_token),
            &json!({"month": (app.clock_now_utc()).format("%Y-%m").to_string()}),
        )
        .await;
    assert_eq!(
        problem(month_taken, StatusCode::CONFLICT).await.kind,
        "theme-exists"
    );
    let bad_month = app
        .patch(
            &format!("/api/v1/admin/themes/{next_month}"),
            Some(&host.access_token),
            &json!({"month": "2026-13", "title": ""}),
        )
        .await;
    assert_eq!(
        problem(bad_month, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        vec!["month", "title"]
    );
    problem(
        app.patch(
            "/api/v1/admin/themes/0190a8c4-0000-7000-8000-000000000000",
            Some(&host.access_token),
            &json!({"title": "x"}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;

    let english = resource(
        &app,
        &host,
        json!({"kind": "article", "title": "Consent", "body_or_url": "Text",
        "language": "en", "visibility": "public"}),
    )
    .await;
    let spanish = resource(
        &app,
        &host,
        json!({"kind": "article", "title": "Consentimiento", "body_or_url": "Texto",
        "language": "es", "visibility": "public", "translation_of": id(&english)}),
    )
    .await;
    let spanish_path = format!("/api/v1/admin/resources/{}", id(&spanish));
    let taken = app
        .patch(
            &spanish_path,
            Some(&host.access_token),
            &json!({"language": "en"}),
        )
        .await;
    assert_eq!(
        problem(taken, StatusCode::CONFLICT).await.kind,
        "translation-exists"
    );
    let invalid = app
        .patch(
            &spanish_path,
            Some(&host.access_token),
            &json!({"visibility": "space", "org_type": "ngo", "theme_id": "0190a8c4-0000-7000-8000-000000000000"}),
        )
        .await;
    assert_eq!(
        problem(invalid, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        vec!["space", "org_type"]
    );
    let unknown_theme = app
        .patch(
            &spanish_path,
            Some(&host.access_token),
            &json!({"theme_id": "0190a8c4-0000-7000-8000-000000000000"}),
        )
        .await;
    assert_eq!(
        problem(unknown_theme, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        vec!["theme_id"]
    );
    let still = json(
        app.get(&format!("/api/v1/resources/{}", id(&spanish)), None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(still["language"], "es");
    assert_eq!(still["visibility"], "public");
    assert_eq!(still["translations"][0]["id"], english["id"]);
}

#[tokio::test]
async fn a_member_cannot_edit_a_resource() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let created = resource(
        &app,
        &host,
        json!({"kind": "article", "title": "Consent", "body_or_url": "Text",
        "language": "en", "visibility": "public"}),
    )
    .await;
    let theme_id = theme(&app, &host, "lobby", 0).await;
    for path in [
        format!("/api/v1/admin/resources/{}", id(&created)),
        format!("/api/v1/admin/themes/{theme_id}"),
    ] {
        let refused = app
            .patch(
                &path,
                Some(&member.access_token),
                &json!({"title": "Mine now"}),
            )
            .await;
        assert_eq!(
            problem(refused, StatusCode::FORBIDDEN).await.kind,
            "host-role-required"
        );
        problem(
            app.patch(&path, None, &json!({"title": "Mine now"})).await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    let unchanged = json(
        app.get(&format!("/api/v1/resources/{}", id(&created)), None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(unchanged["title"], "Consent");
    // A host who may not read a resource's space does not find it to edit (an unknown id).
    problem(
        app.patch(
            "/api/v1/admin/resources/0190a8c4-0000-7000-8000-000000000000",
            Some(&host.access_token),
            &json!({"title": "x"}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn case_studies_filter_by_organisation_type() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let practitioner = app.member().await;
    app.subscribed(&practitioner, "practitioner", "monthly")
        .await;
    for (title, org_type, visibility) in [
        ("Bakery", "cooperative", "public"),
        ("School", "school", "public"),
        ("Farm", "cooperative", "public"),
        ("Lounge co-op", "cooperative", "space"),
    ] {
        let mut body = json!({"kind": "case_study", "title": title, "body_or_url": "Text",
            "language": "en", "visibility": visibility, "org_type": org_type});
        if visibility == "space" {
            body["space"] = json!("practitioner-lounge");
        }
        resource(&app, &host, body).await;
    }
    let visitor = json(
        app.get("/api/v1/resources?org_type=cooperative", None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(titles(&visitor["items"]), vec!["Farm", "Bakery"]);
    let reader = get_ok(
        &app,
        &practitioner,
        "/api/v1/resources?kind=case_study&org_type=%20cooperative%20",
    )
    .await;
    assert_eq!(
        titles(&reader["items"]),
        vec!["Lounge co-op", "Farm", "Bakery"]
    );
    // Pages of one keep to the filter.
    let first = get_ok(
        &app,
        &practitioner,
        "/api/v1/resources?org_type=cooperative&limit=2",
    )
    .await;
    assert_eq!(titles(&first["items"]), vec!["Lounge co-op", "Farm"]);
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let second = get_ok(
        &app,
        &practitioner,
        &format!("/api/v1/resources?org_type=cooperative&limit=2&cursor={cursor}"),
    )
    .await;
    assert_eq!(titles(&second["items"]), vec!["Bakery"]);
    let none = json(
        app.get("/api/v1/resources?org_type=hospital", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(titles(&none["items"]), Vec::<String>::new());
    let too_long = app
        .get(
            &format!("/api/v1/resources?org_type={}", "x".repeat(101)),
            None,
        )
        .await;
    assert_eq!(
        problem(too_long, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        vec!["org_type"]
    );
}

const POST_BODY: &str = "Our bakery's consent round stalled because two bakers kept raising \
    the same objection about weekend shifts, so we paused the round and mapped the driver \
    together before deciding anything.";
const COMMENT: &str = "What helped us was asking each objector which need of theirs the \
    proposal leaves unmet, and writing that need on the board for everyone to see.";

/// A discussion in the Practitioner Lounge with a comment; returns the post's id.
async fn lounge_discussion(app: &TestApp) -> (String, Session) {
    let practitioner = app.member().await;
    app.subscribed(&practitioner, "practitioner", "monthly")
        .await;
    let post = post_ok(
        app,
        &practitioner,
        "/api/v1/spaces/practitioner-lounge/posts",
        json!({"kind": "discussion", "title": "Objections that return", "body": POST_BODY}),
    )
    .await;
    let post_id = id(&post);
    app.write_comment(&practitioner, &post_id, COMMENT, None)
        .await;
    (post_id, practitioner)
}

fn derived(post_id: &str, body: &str) -> Value {
    json!({"kind": "article", "title": "When objections return", "summary": "A pattern we see",
        "body_or_url": body, "language": "en", "visibility": "public",
        "derived_from_post_id": post_id})
}

async fn refused_field(app: &TestApp, host: &Session, body: Value) -> Vec<String> {
    let refused = app
        .post("/api/v1/admin/resources", Some(&host.access_token), &body)
        .await;
    problem(refused, StatusCode::UNPROCESSABLE_ENTITY)
        .await
        .fields()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_resource_derived_from_a_lounge_discussion_may_not_copy_its_text() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let (post_id, _) = lounge_discussion(&app).await;
    // Twelve words of the post in a row, with other case and punctuation.
    let from_post =
        "In short: two bakers KEPT raising the same objection, about weekend shifts -- \
                     so we paused the round.";
    // Twelve words of the comment.
    let from_comment =
        "Our advice was asking each objector which need of theirs the proposal leaves unmet.";
    for body in [from_post, from_comment] {
        assert_eq!(
            refused_field(&app, &host, derived(&post_id, body)).await,
            vec!["body_or_url"],
            "{body}"
        );
    }
    let mut copied_summary = derived(&post_id, "New text.");
    copied_summary["summary"] = json!(COMMENT);
    assert_eq!(
        refused_field(&app, &host, copied_summary).await,
        vec!["summary"]
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM resources WHERE title = 'When objections return'".to_owned()
        )
        .await,
        0,
        "nothing is created"
    );
    // A post the host cannot name (unknown) is refused without telling why.
    assert_eq!(
        refused_field(
            &app,
            &host,
            derived("0190a8c4-0000-7000-8000-000000000000", "New text.")
        )
        .await,
        vec!["derived_from_post_id"]
    );
}

#[tokio::test]
async fn a_resource_derived_from_a_lounge_discussion_may_not_link_to_private_content() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let (post_id, practitioner) = lounge_discussion(&app).await;
    let lounge_event = id(&post_ok(
        &app,
        &host,
        "/api/v1/admin/events",
        single_event(&app, "practitioner-lounge", "Lounge session", 2),
    )
    .await);
    let lounge_article = resource(
        &app,
        &host,
        json!({"kind": "article", "title": "Lounge only", "body_or_url": "Text",
        "language": "en", "visibility": "space", "space": "practitioner-lounge"}),
    )
    .await;
    let lobby_post = post_ok(
        &app,
        &practitioner,
        "/api/v1/spaces/lobby/posts",
        json!({"kind": "discussion", "title": "Open question", "body": "Anyone may read this."}),
    )
    .await;
    for body in [
        format!("Read the thread at https://app.example.org/posts/{post_id} for more."),
        format!("See /api/v1/events/{lounge_event}/recording."),
        format!("Watch https://app.example.org/recordings/{lounge_event}"),
        "Join us in https://app.example.org/spaces/pro-lounge".to_owned(),
        format!("Background: /resources/{}", id(&lounge_article)),
    ] {
        assert_eq!(
            refused_field(&app, &host, derived(&post_id, &body)).await,
            vec!["body_or_url"],
            "{body}"
        );
    }
    // Public content may be linked: the Lobby, its posts, a public page elsewhere.
    let open = format!(
        "Start in https://app.example.org/spaces/lobby, read /posts/{} and https://example.org/posts/x.",
        id(&lobby_post)
    );
    resource(&app, &host, derived(&post_id, &open)).await;
}

#[tokio::test]
async fn a_resource_derived_from_a_lounge_discussion_with_genuinely_new_text_is_published_and_recorded(
) {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let (post_id, _) = lounge_discussion(&app).await;
    let new_text = "When an objection comes back round after round, stop and look for the need \
                    behind it: name it, write it down, and amend the proposal to meet it.";
    let created = resource(&app, &host, derived(&post_id, new_text)).await;
    assert_eq!(created["body_or_url"], new_text);
    let visitor = json(
        app.get(&format!("/api/v1/resources/{}", id(&created)), None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(visitor["title"], "When objections return");

    let resource_id = id(&created);
    assert_eq!(
        count(
            &app,
            format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'resource.derived' \
                 AND subject_id = '{resource_id}' AND after_json LIKE '%{post_id}%' \
                 AND after_json LIKE '%practitioner-lounge%' AND after_json NOT LIKE '%bakers%'"
            )
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            format!(
                "SELECT COUNT(*) AS n FROM resource_derivations WHERE resource_id = '{resource_id}' \
                 AND post_id = '{post_id}' AND post_space_id = 'space-practitioner-lounge'"
            )
        )
        .await,
        1
    );

    // The rule holds on every edit.
    let path = format!("/api/v1/admin/resources/{resource_id}");
    let copied = app
        .patch(
            &path,
            Some(&host.access_token),
            &json!({"body_or_url": format!("{new_text} {COMMENT}")}),
        )
        .await;
    assert_eq!(
        problem(copied, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        vec!["body_or_url"]
    );
    let linked = app
        .patch(
            &path,
            Some(&host.access_token),
            &json!({"summary": format!("From /posts/{post_id}")}),
        )
        .await;
    assert_eq!(
        problem(linked, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        vec!["summary"]
    );
    let edited = patch_ok(
        &app,
        &host,
        &path,
        json!({"summary": "A pattern worth knowing"}),
    )
    .await;
    assert_eq!(edited["summary"], "A pattern worth knowing");
    assert_eq!(edited["body_or_url"], new_text);
}

async fn ask(app: &TestApp, member: &Session, event: &str) -> String {
    id(&post_ok(
        app,
        member,
        &format!("/api/v1/events/{event}/questions"),
        json!({"body": "How do you keep a round short?"}),
    )
    .await)
}

#[tokio::test]
async fn a_facilitator_marks_questions_of_their_own_session_answered_and_no_other() {
    let app = spawn_app().await;
    let (facilitator, host, own_event) = app.accepted_session("pro-lounge").await;
    let peer = app.pro_member().await;
    let other_event = id(&post_ok(
        &app,
        &host,
        "/api/v1/admin/events",
        json!({
            "kind": "pro_meetup", "title": "PRO meetup", "description": "Peers.",
            "space": "pro-lounge",
            "starts_at": (app.clock_now_utc() + Duration::days(3)).to_rfc3339(),
            "ends_at": (app.clock_now_utc() + Duration::days(3) + Duration::hours(1)).to_rfc3339(),
            "join_url": "https://meet.example.org/pro",
        }),
    )
    .await);
    let own_question = ask(&app, &peer, &own_event).await;
    let other_question = ask(&app, &peer, &other_event).await;
    let answer = |question: &str| format!("/api/v1/admin/questions/{question}/answer");

    let answered = json(
        app.post(
            &answer(&own_question),
            Some(&facilitator.access_token),
            &json!({"note": "We timed each round."}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(answered["answered"], true);
    assert_eq!(answered["answer_note"], "We timed each round.");
    assert_eq!(
        count(
            &app,
            format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'question.answered' \
                 AND subject_id = '{own_question}' AND actor_id = '{}'",
                facilitator.user_id
            )
        )
        .await,
        1
    );

    for who in [&facilitator, &peer] {
        let refused = app
            .post(
                &answer(&other_question),
                Some(&who.access_token),
                &json!({}),
            )
            .await;
        assert_eq!(
            problem(refused, StatusCode::FORBIDDEN).await.kind,
            "event-manager-required"
        );
    }
    let refused = app
        .post(&answer(&own_question), Some(&peer.access_token), &json!({}))
        .await;
    problem(refused, StatusCode::FORBIDDEN).await;
    // Someone who may not read the session's space does not find the question at all.
    let practitioner = app.member().await;
    app.subscribed(&practitioner, "practitioner", "monthly")
        .await;
    problem(
        app.post(
            &answer(&other_question),
            Some(&practitioner.access_token),
            &json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let other = get_ok(
        &app,
        &host,
        &format!("/api/v1/events/{other_event}/questions"),
    )
    .await;
    assert_eq!(other["items"][0]["answered"], false);
    // Hosts still answer any question.
    let by_host = json(
        app.post(
            &answer(&other_question),
            Some(&host.access_token),
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(by_host["answered"], true);
}
