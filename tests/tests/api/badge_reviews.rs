//! Badges awarded by peer consent: evidence, consents and objections with reasons, objections
//! resolved by new evidence, exactly one award, and a record only the student and the reviewers
//! can read.

use crate::badges::{
    active_class, ask_for, badges_of, consent, founding_holders, review, BadgeRequest,
};
use crate::dto;
use crate::helpers::{problem, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_badge_objected_to_with_a_reason_is_resolved_with_new_evidence_and_awarded_by_three_peers(
) {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let class = active_class(&app, &host, "Consent facilitator").await;
    let peers = founding_holders(&app, &host, &class, 3).await;
    let student = app.member().await;
    let request = ask_for(&app, &student, &class).await;
    assert_eq!(request.status, "open");
    assert_eq!(request.evidence.len(), 1);

    // An objection without a reason is refused, naming the field.
    let bare = review(&app, &peers[0], &request.id, json!({"answer": "objection"})).await;
    let refused = problem(bare, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused.fields(), vec!["reason"]);

    let objected: BadgeRequest = dto::json_with(
        review(
            &app,
            &peers[0],
            &request.id,
            json!({"answer": "objection", "reason": "The minutes show a vote, not a consent round"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(objected.standing_objections, 1);
    consent(&app, &peers[1], &request.id).await;
    let blocked = consent(&app, &peers[2], &request.id).await;
    assert_eq!(blocked.consents, 2);
    assert_eq!(
        blocked.status, "open",
        "a standing objection blocks the award"
    );

    // New evidence; the objector then consents, which resolves the objection and completes it.
    let with_more: BadgeRequest = dto::json_with(
        app.post(
            &format!("/api/v1/badge-requests/{}/evidence", request.id),
            Some(&student.access_token),
            &json!({"evidence": [{"text": "Recording of the consent round I facilitated", "url": "https://example.org/rec/7"}]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(with_more.evidence.len(), 2);
    let awarded = consent(&app, &peers[0], &request.id).await;
    assert_eq!(awarded.status, "awarded");
    assert_eq!(awarded.consents, 3);
    assert_eq!(awarded.standing_objections, 0);
    let award_id = awarded.award_id.clone().expect("an award");

    // The whole record: each answer as given, and how the objection ended.
    let record: BadgeRequest = dto::json_with(
        app.get(
            &format!("/api/v1/badge-requests/{}", request.id),
            Some(&student.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(record.reviews.len(), 4);
    let objection = &record.reviews[0];
    assert_eq!(objection.reviewer_id, peers[0].user_id);
    assert_eq!(objection.answer, "objection");
    assert_eq!(
        objection.reason.as_deref(),
        Some("The minutes show a vote, not a consent round")
    );
    assert_eq!(objection.objection.as_deref(), Some("consented"));
    assert_eq!(record.student_id, student.user_id);
    assert_eq!(record.badge.id, class.id);
    assert!(record.evidence[1].url.is_some());
    assert!(!record.evidence[0].text.is_empty());

    // The award is the student's, and the record is closed.
    let mine = badges_of(&app, Some(&student), &student.user_id).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].id, award_id);
    assert_eq!(mine[0].badge.name, "Consent facilitator");
    let late = review(&app, &peers[1], &request.id, json!({"answer": "consent"})).await;
    problem(late, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn the_objector_may_resolve_their_objection_and_the_award_follows_when_consent_is_complete() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let class = active_class(&app, &host, "Driver mapping").await;
    let peers = founding_holders(&app, &host, &class, 4).await;
    let student = app.member().await;
    let request = ask_for(&app, &student, &class).await;
    review(
        &app,
        &peers[3],
        &request.id,
        json!({"answer": "objection", "reason": "Show a driver you mapped with others"}),
    )
    .await;
    for peer in &peers[..3] {
        assert_eq!(consent(&app, peer, &request.id).await.status, "open");
    }
    let path = format!("/api/v1/badge-requests/{}/objection/resolve", request.id);
    let not_an_objector = app
        .post(&path, Some(&peers[0].access_token), &json!({}))
        .await;
    problem(not_an_objector, StatusCode::CONFLICT).await;
    let resolved: BadgeRequest = dto::json_with(
        app.post(&path, Some(&peers[3].access_token), &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(resolved.status, "awarded");
    assert_eq!(resolved.reviews[0].objection.as_deref(), Some("resolved"));
}

#[tokio::test]
async fn the_student_cannot_review_their_own_request_and_only_eligible_reviewers_may() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let class = active_class(&app, &host, "Role selection").await;
    let peers = founding_holders(&app, &host, &class, 1).await;
    let student = app.member().await;
    let request = ask_for(&app, &student, &class).await;
    let own = review(&app, &student, &request.id, json!({"answer": "consent"})).await;
    problem(own, StatusCode::FORBIDDEN).await;
    let stranger = app.member().await;
    let outsider = review(&app, &stranger, &request.id, json!({"answer": "consent"})).await;
    problem(outsider, StatusCode::NOT_FOUND).await;
    let reviewed = consent(&app, &peers[0], &request.id).await;
    assert_eq!(reviewed.consents, 1);
    // Consenting twice counts once.
    assert_eq!(consent(&app, &peers[0], &request.id).await.consents, 1);
}

#[tokio::test]
async fn nobody_but_the_student_and_reviewers_reads_a_badge_request() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let class = active_class(&app, &host, "Navigation via tension").await;
    let peers = founding_holders(&app, &host, &class, 1).await;
    let student = app.member().await;
    let request = ask_for(&app, &student, &class).await;
    let path = format!("/api/v1/badge-requests/{}", request.id);
    for reader in [&student, &peers[0]] {
        let seen: BadgeRequest = dto::json_with(
            app.get(&path, Some(&reader.access_token)).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(seen.id, request.id);
    }
    let stranger = app.member().await;
    for response in [
        app.get(&path, Some(&stranger.access_token)).await,
        app.get(&path, Some(&host.access_token)).await,
        app.post(
            &format!("{path}/evidence"),
            Some(&stranger.access_token),
            &json!({"evidence": [{"text": "not mine"}]}),
        )
        .await,
        app.post(
            &format!("{path}/objection/resolve"),
            Some(&stranger.access_token),
            &json!({}),
        )
        .await,
    ] {
        problem(response, StatusCode::NOT_FOUND).await;
    }
    problem(app.get(&path, None).await, StatusCode::UNAUTHORIZED).await;
    // A reviewer sees the record but adds no evidence.
    let by_reviewer = app
        .post(
            &format!("{path}/evidence"),
            Some(&peers[0].access_token),
            &json!({"evidence": [{"text": "for them"}]}),
        )
        .await;
    problem(by_reviewer, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn one_open_request_per_badge_and_evidence_is_checked_field_by_field() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let class = active_class(&app, &host, "Proposal forming").await;
    let student = app.member().await;
    let path = format!("/api/v1/badges/{}/requests", class.id);
    let invalid = app
        .post(
            &path,
            Some(&student.access_token),
            &json!({"evidence": [{"text": "ok"}, {"text": "", "url": "ftp://x"}]}),
        )
        .await;
    assert_eq!(
        problem(invalid, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        vec!["evidence[1].text", "evidence[1].url"]
    );
    ask_for(&app, &student, &class).await;
    let again = app
        .post(
            &path,
            Some(&student.access_token),
            &json!({"evidence": [{"text": "once more"}]}),
        )
        .await;
    problem(again, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn concurrent_last_consents_award_the_badge_exactly_once() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let class = active_class(&app, &host, "Concurrent consent").await;
    let peers = founding_holders(&app, &host, &class, 6).await;
    let student = app.member().await;
    let request = ask_for(&app, &student, &class).await;
    consent(&app, &peers[0], &request.id).await;
    consent(&app, &peers[1], &request.id).await;
    let answers = futures_util::future::join_all(
        peers[2..]
            .iter()
            .map(|peer| review(&app, peer, &request.id, json!({"answer": "consent"}))),
    )
    .await;
    let statuses: Vec<StatusCode> = answers.iter().map(|r| r.status()).collect();
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    assert!(statuses.contains(&StatusCode::OK));
    let awards = badges_of(&app, Some(&student), &student.user_id).await;
    assert_eq!(awards.len(), 1, "exactly one award");
}
