//! Spaces, terms and confidentiality (DOMAIN.md "Terms and confidentiality", "Plans and
//! entitlements"): access derived per request.

use crate::dto::{self, Acceptance, Page, Space, SpaceMember, Terms};
use crate::helpers::{problem, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn publishing_new_terms_blocks_private_spaces_until_they_are_accepted_again() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let member = app.member().await;
    app.subscribed(&member, "practitioner", "monthly").await;
    let token = Some(member.access_token.as_str());
    assert_eq!(
        app.get("/api/v1/spaces/practitioner-lounge", token)
            .await
            .status(),
        StatusCode::OK
    );
    // On SQLite the seeded terms are stamped with the database's wall clock while migrating,
    // which can be a second after this app's manual clock started; "current" is the one
    // published last, so publish clearly later, as any real publication would be.
    app.clock.advance(chrono::Duration::minutes(1));
    let published = app
        .post(
            "/api/v1/admin/terms",
            Some(&admin.access_token),
            &json!({"version": "2026-12", "terms": "New terms.", "member_guidelines": "Be kind.", "confidentiality": "What is said here stays here."}),
        )
        .await;
    let published: Terms = dto::json_with(published, StatusCode::CREATED).await;
    assert_eq!(published.version, "2026-12");
    let blocked = app.get("/api/v1/spaces/practitioner-lounge", token).await;
    assert_eq!(
        problem(blocked, StatusCode::FORBIDDEN).await.kind,
        "terms-acceptance-required"
    );
    assert_eq!(
        app.get("/api/v1/spaces/lobby", token).await.status(),
        StatusCode::OK,
        "public reading stays open"
    );
    let outdated = app
        .post(
            "/api/v1/me/terms-acceptances",
            token,
            &json!({"version": "2026-01"}),
        )
        .await;
    assert_eq!(
        problem(outdated, StatusCode::CONFLICT).await.kind,
        "terms-version-outdated"
    );
    let current: Terms = dto::json_with(app.get("/api/v1/terms", None).await, StatusCode::OK).await;
    assert_eq!(current.version, "2026-12");
    assert_eq!(current.confidentiality, "What is said here stays here.");
    app.accept_terms(&member).await;
    assert_eq!(
        app.get("/api/v1/spaces/practitioner-lounge", token)
            .await
            .status(),
        StatusCode::OK
    );
    let history: Vec<Acceptance> = dto::json_with(
        app.get("/api/v1/me/terms-acceptances", token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        history.len(),
        2,
        "acceptances are kept with version and time"
    );
    let mut versions: Vec<&str> = history.iter().map(|a| a.version.as_str()).collect();
    versions.sort_unstable();
    assert_eq!(versions.last(), Some(&"2026-12"), "{history:?}");
    let again = app.post("/api/v1/admin/terms", Some(&admin.access_token), &json!({"version": "2026-12", "terms": "x", "member_guidelines": "y", "confidentiality": "z"})).await;
    assert_eq!(
        problem(again, StatusCode::CONFLICT).await.kind,
        "terms-version-exists"
    );
    let by_member = app.post("/api/v1/admin/terms", token, &json!({"version": "x", "terms": "x", "member_guidelines": "y", "confidentiality": "z"})).await;
    problem(by_member, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn entering_a_space_answers_with_the_reason_or_404_for_secret_ones() {
    let app = spawn_app().await;
    let member = app.member().await;
    let token = Some(member.access_token.as_str());
    assert_eq!(
        app.get("/api/v1/spaces/lobby", None).await.status(),
        StatusCode::OK
    );
    problem(
        app.get("/api/v1/spaces/lobby-members", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(
        app.get("/api/v1/spaces/lobby-members", token)
            .await
            .status(),
        StatusCode::OK
    );
    let lounge = problem(
        app.get("/api/v1/spaces/pro-lounge", token).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(lounge.kind, "space-access-denied");
    assert!(lounge.detail.contains("PRO"), "{lounge}");
    problem(
        app.get("/api/v1/spaces/no-such-space", token).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_sealed_room_is_read_only_by_its_participants_while_admins_manage_who_participates() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let (inside, outside) = (app.member().await, app.member().await);
    let created = app
        .post(
            "/api/v1/admin/spaces",
            Some(&admin.access_token),
            &json!({"slug": "supervision-1", "name": "Supervision 1", "description": "Sealed supervision room", "visibility": "sealed"}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let added = app
        .request(
            reqwest::Method::PUT,
            &format!(
                "/api/v1/admin/spaces/supervision-1/members/{}",
                inside.user_id
            ),
            Some(&admin.access_token),
            None,
        )
        .await;
    assert_eq!(added.status(), StatusCode::NO_CONTENT);
    let members: Vec<SpaceMember> = dto::json_with(
        app.get(
            "/api/v1/admin/spaces/supervision-1/members",
            Some(&admin.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let member_ids: Vec<&str> = members.iter().map(|m| m.user_id.as_str()).collect();
    assert_eq!(member_ids, [inside.user_id.as_str()]);

    assert_eq!(
        app.get("/api/v1/spaces/supervision-1", Some(&inside.access_token))
            .await
            .status(),
        StatusCode::OK
    );
    for token in [&outside.access_token, &admin.access_token] {
        problem(
            app.get("/api/v1/spaces/supervision-1", Some(token)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
        let list: Page<Space> =
            dto::json_with(app.get("/api/v1/spaces", Some(token)).await, StatusCode::OK).await;
        let slugs: Vec<&str> = list.items.iter().map(|s| s.slug.as_str()).collect();
        assert!(slugs.contains(&"lobby"), "the list answers: {slugs:?}");
        assert!(
            !slugs.contains(&"supervision-1"),
            "a sealed room is not even listed to outsiders: {slugs:?}"
        );
    }
    problem(
        app.get("/api/v1/spaces/supervision-1", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let removed = app
        .request(
            reqwest::Method::DELETE,
            &format!(
                "/api/v1/admin/spaces/supervision-1/members/{}",
                inside.user_id
            ),
            Some(&admin.access_token),
            None,
        )
        .await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    problem(
        app.get("/api/v1/spaces/supervision-1", Some(&inside.access_token))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn hosts_create_spaces_for_plans_and_members_cannot() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let member = app.member().await;
    let body = json!({"slug": "pro-reading-club", "name": "PRO reading club", "visibility": "plans", "plans": ["pro"]});
    problem(
        app.post("/api/v1/admin/spaces", Some(&member.access_token), &body)
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let created: Space = dto::json_with(
        app.post("/api/v1/admin/spaces", Some(&host.access_token), &body)
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created.slug, "pro-reading-club");
    assert_eq!(created.plans, ["pro"]);
    problem(
        app.post("/api/v1/admin/spaces", Some(&host.access_token), &body)
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    let invalid = app
        .post(
            "/api/v1/admin/spaces",
            Some(&host.access_token),
            &json!({"slug": "X Y", "name": "", "visibility": "plans", "plans": []}),
        )
        .await;
    let invalid = problem(invalid, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(invalid.fields().len() >= 3, "{invalid}");
    problem(
        app.get(
            "/api/v1/spaces/pro-reading-club",
            Some(&member.access_token),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn cancelling_pro_closes_both_lounges_on_the_very_next_request() {
    let app = spawn_app().await;
    let member = app.member().await;
    app.approve_pro_application(&member.user_id).await;
    let sub = app.subscribed(&member, "pro", "monthly").await;
    let token = Some(member.access_token.as_str());
    assert_eq!(
        app.get("/api/v1/spaces/pro-lounge", token).await.status(),
        StatusCode::OK
    );
    let cancelled = app
        .post(
            &format!("/api/v1/subscriptions/{}/cancel", sub.id),
            token,
            &json!({}),
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    problem(
        app.get("/api/v1/spaces/pro-lounge", token).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        app.get("/api/v1/spaces/practitioner-lounge", token).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn sealed_room_managers_add_others_never_themselves_and_participants_are_told() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let host = app.as_host().await;
    let (first, second) = (app.member().await, app.member().await);
    let created = app
        .post(
            "/api/v1/admin/spaces",
            Some(&admin.access_token),
            &json!({"slug": "supervision-2", "name": "Supervision 2", "visibility": "sealed"}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let change = |method: reqwest::Method, token: &str, member: &str| {
        let (app, token, member) = (&app, token.to_owned(), member.to_owned());
        async move {
            app.request(
                method,
                &format!("/api/v1/admin/spaces/supervision-2/members/{member}"),
                Some(&token),
                None,
            )
            .await
        }
    };
    for manager in [&admin, &host] {
        for method in [reqwest::Method::PUT, reqwest::Method::DELETE] {
            let refused = change(method, &manager.access_token, &manager.user_id).await;
            assert_eq!(
                problem(refused, StatusCode::FORBIDDEN).await.kind,
                "sealed-self-admission"
            );
        }
        problem(
            app.get("/api/v1/spaces/supervision-2", Some(&manager.access_token))
                .await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }

    let added = change(reqwest::Method::PUT, &admin.access_token, &first.user_id).await;
    assert_eq!(added.status(), StatusCode::NO_CONTENT);
    let added = change(reqwest::Method::PUT, &host.access_token, &second.user_id).await;
    assert_eq!(added.status(), StatusCode::NO_CONTENT);
    let told = |mails: Vec<praxis_persistence::outbox::OutboxRow>| {
        mails
            .into_iter()
            .filter(|m| m.kind == "sealed_participants_changed")
            .count()
    };
    assert_eq!(told(app.outbox_for(&first.email).await), 2);
    assert_eq!(told(app.outbox_for(&second.email).await), 1);
    assert_eq!(told(app.outbox_for(&admin.email).await), 0);
    let removed = change(
        reqwest::Method::DELETE,
        &admin.access_token,
        &second.user_id,
    )
    .await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_eq!(told(app.outbox_for(&first.email).await), 3);
}
