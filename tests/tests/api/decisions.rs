//! Consent decisions (DOMAIN.md "S3 in the platform itself"): rounds, answers, objections
//! resolved or integrated into versions, agreements with reviews, reminders and deadlines
//! walked through with the development clock.

use crate::circle_helpers::{body, clock_app, id, last_round};
use crate::helpers::{problem, spawn_app};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_objection_without_a_reason_is_refused() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let ada = app.member().await;
    let (_, proposal) = app.proposal_in_round(&host, &[&ada]).await;
    let round = last_round(&proposal);
    for reason in [None, Some("  ")] {
        let refused = problem(
            app.answer(&ada, &round, "objection", reason).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(refused.fields(), ["reason"]);
    }
    let unknown = problem(
        app.answer(&ada, &round, "maybe", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(unknown.fields(), ["answer"]);
}

#[tokio::test]
async fn a_proposal_becomes_an_agreement_once_every_member_consents() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let (ada, bo) = (app.member().await, app.member().await);
    let (circle, proposal) = app.proposal_in_round(&host, &[&ada, &bo]).await;
    assert_eq!(proposal["status"], "in_round");
    let round = last_round(&proposal);
    let after_one = app
        .answered(&ada, &round, "concern", Some("Watch the hosts' load."))
        .await;
    assert_eq!(after_one["status"], "in_round");
    let agreed = app.answered(&bo, &round, "consent", None).await;
    assert_eq!(agreed["status"], "agreed");
    assert_eq!(agreed["rounds"][0]["status"], "agreed");
    let agreement_id = agreed["agreement_id"]
        .as_str()
        .expect("an agreement")
        .to_owned();

    let agreement = body(
        app.get(
            &format!("/api/v1/agreements/{agreement_id}"),
            Some(&bo.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(agreement["status"], "active");
    assert_eq!(
        agreement["body"],
        "Hosts propose a mentor within seven days."
    );
    assert!(agreement["review_at"].is_string());
    let actions: Vec<&str> = agreement["proposal"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["action"].as_str())
        .collect();
    for step in [
        "proposal.drafted",
        "round.opened",
        "round.answered",
        "round.closed",
        "agreement.made",
    ] {
        assert!(actions.contains(&step), "{step} in {actions:?}");
    }
    let list = body(
        app.get(
            &format!("/api/v1/circles/{circle}/agreements"),
            Some(&ada.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["items"][0]["id"], agreement_id.as_str());
    // A closed round takes no more answers.
    problem(
        app.answer(&ada, &round, "consent", None).await,
        StatusCode::CONFLICT,
    )
    .await;
}

#[tokio::test]
async fn answering_again_while_the_round_is_open_replaces_the_answer() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let (ada, bo) = (app.member().await, app.member().await);
    let (_, proposal) = app.proposal_in_round(&host, &[&ada, &bo]).await;
    let round = last_round(&proposal);
    app.answered(&ada, &round, "objection", Some("Too fast for volunteers."))
        .await;
    let after = app
        .answered(&ada, &round, "concern", Some("Still a little fast."))
        .await;
    let answers = after["rounds"][0]["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0]["answer"], "concern");
    assert_eq!(after["objections"][0]["status"], "withdrawn");
}

#[tokio::test]
async fn a_standing_objection_blocks_until_the_objector_resolves_it() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let (ada, bo) = (app.member().await, app.member().await);
    let (_, proposal) = app.proposal_in_round(&host, &[&ada, &bo]).await;
    let round = last_round(&proposal);
    let objected = app
        .answered(
            &ada,
            &round,
            "objection",
            Some("Volunteers cannot keep this pace."),
        )
        .await;
    let objection = id(&objected["objections"][0]);
    let all_in = app.answered(&bo, &round, "consent", None).await;
    assert_eq!(all_in["status"], "in_round", "a standing objection blocks");

    let path = format!("/api/v1/objections/{objection}/resolve");
    problem(
        app.post(&path, Some(&bo.access_token), &json!({})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let resolved = body(
        app.post(&path, Some(&ada.access_token), &json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(resolved["objections"][0]["status"], "resolved");
    assert_eq!(resolved["status"], "agreed");
    problem(
        app.post(&path, Some(&ada.access_token), &json!({})).await,
        StatusCode::CONFLICT,
    )
    .await;
}

#[tokio::test]
async fn an_integrated_objection_ends_the_round_as_amended_and_the_new_version_gets_a_new_round() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let (ada, bo) = (app.member().await, app.member().await);
    let (_, proposal) = app.proposal_in_round(&host, &[&ada, &bo]).await;
    let proposal_id = id(&proposal);
    let round = last_round(&proposal);
    let objected = app
        .answered(&bo, &round, "objection", Some("Seven days is too long."))
        .await;
    let objection = id(&objected["objections"][0]);

    let path = format!("/api/v1/proposals/{proposal_id}/versions");
    let wrong = app
        .post(
            &path,
            Some(&ada.access_token),
            &json!({"body": "x", "integrates": [uuid::Uuid::new_v4().to_string()]}),
        )
        .await;
    assert_eq!(
        problem(wrong, StatusCode::UNPROCESSABLE_ENTITY)
            .await
            .fields(),
        ["integrates"]
    );
    let amended = app
        .post(
            &path,
            Some(&ada.access_token),
            &json!({"body": "Hosts propose a mentor within five days.", "integrates": [objection]}),
        )
        .await;
    let amended = body(amended, StatusCode::CREATED).await;
    let versions = amended["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "versions are kept");
    assert_eq!(versions[1]["integrates"][0], objection.as_str());
    let ops: Vec<&str> = versions[1]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["op"].as_str())
        .collect();
    assert_eq!(ops, ["removed", "added"]);
    assert_eq!(amended["objections"][0]["status"], "integrated");
    let rounds = amended["rounds"].as_array().unwrap();
    assert_eq!(rounds[0]["status"], "amended");
    assert_eq!(rounds[1]["status"], "open");
    assert_eq!(rounds[1]["version_id"], versions[1]["id"]);
    assert_eq!(rounds[1]["closes_at"], rounds[0]["closes_at"]);

    let next = last_round(&amended);
    app.answered(&ada, &next, "consent", None).await;
    let agreed = app.answered(&bo, &next, "consent", None).await;
    assert_eq!(agreed["status"], "agreed");
}

#[tokio::test]
async fn a_round_deadline_closes_the_round_when_the_clock_walks_agreed_or_objected() {
    let app = clock_app().await;
    let host = app.as_host().await;
    let (ada, bo) = (app.member().await, app.member().await);
    // A round where only one member answers is agreed when its deadline passes.
    let (_, quiet) = app.proposal_in_round(&host, &[&ada, &bo]).await;
    app.answered(&ada, &last_round(&quiet), "consent", None)
        .await;
    // A round with a standing objection at the deadline ends objected.
    let (_, blocked) = app.proposal_in_round(&host, &[&ada, &bo]).await;
    app.answered(
        &bo,
        &last_round(&blocked),
        "objection",
        Some("Harms newcomers."),
    )
    .await;

    app.clock_forward(Duration::days(6)).await;
    // Access tokens expire as the clock walks on.
    let ada = app.relogin(&ada).await;
    assert_eq!(
        app.proposal_of(&ada, &id(&quiet)).await["status"],
        "in_round"
    );
    app.clock_forward(Duration::days(1) + Duration::minutes(1))
        .await;
    // Access tokens expire as the clock walks on.
    let ada = app.relogin(&ada).await;
    let quiet = app.proposal_of(&ada, &id(&quiet)).await;
    assert_eq!(quiet["status"], "agreed");
    assert!(quiet["agreement_id"].is_string());
    let blocked = app.proposal_of(&ada, &id(&blocked)).await;
    assert_eq!(blocked["status"], "objected");
    assert_eq!(blocked["rounds"][0]["status"], "objected");
}

#[tokio::test]
async fn the_circle_is_reminded_before_the_review_date_and_a_review_opens_a_new_round() {
    let app = clock_app().await;
    let host = app.as_host().await;
    let ada = app.member().await;
    let (_, proposal) = app.proposal_in_round(&host, &[&ada]).await;
    let agreed = app
        .answered(&ada, &last_round(&proposal), "consent", None)
        .await;
    let agreement = agreed["agreement_id"].as_str().unwrap().to_owned();
    let reminders = |rows: Vec<praxis_persistence::outbox::OutboxRow>| {
        rows.into_iter()
            .filter(|m| m.kind == "agreement_review_due")
            .count()
    };
    // Reviewed after 30 days; the reminder goes a week before.
    app.clock_forward(Duration::days(22)).await;
    // Access tokens expire as the clock walks on.
    let ada = app.relogin(&ada).await;
    assert_eq!(reminders(app.outbox_for(&ada.email).await), 0);
    app.clock_forward(Duration::days(1) + Duration::hours(1))
        .await;
    // Access tokens expire as the clock walks on.
    let ada = app.relogin(&ada).await;
    assert_eq!(reminders(app.outbox_for(&ada.email).await), 1);
    app.clock_forward(Duration::days(1)).await;
    // Access tokens expire as the clock walks on.
    let ada = app.relogin(&ada).await;
    assert_eq!(
        reminders(app.outbox_for(&ada.email).await),
        1,
        "once per review date"
    );

    let closes_at = app.server_now() + Duration::days(3);
    let review = app
        .post(
            &format!("/api/v1/agreements/{agreement}/reviews"),
            Some(&ada.access_token),
            &json!({"closes_at": closes_at}),
        )
        .await;
    let review = body(review, StatusCode::CREATED).await;
    let rounds = review["proposal"]["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 2);
    assert_eq!(rounds[1]["agreement_id"], agreement.as_str());
    let before = review["review_at"].clone();
    app.answered(&ada, &id(&rounds[1]), "consent", None).await;
    let reviewed = body(
        app.get(
            &format!("/api/v1/agreements/{agreement}"),
            Some(&ada.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_ne!(reviewed["review_at"], before, "the next review date is set");
    assert_eq!(reviewed["status"], "active");
}

#[tokio::test]
async fn an_agreement_is_superseded_by_the_one_replacing_it_and_can_be_retired() {
    let app = spawn_app().await;
    let host = app.as_host().await;
    let ada = app.member().await;
    let (circle, proposal) = app.proposal_in_round(&host, &[&ada]).await;
    let first = app
        .answered(&ada, &last_round(&proposal), "consent", None)
        .await;
    let first = first["agreement_id"].as_str().unwrap().to_owned();
    let driver = id(&app.driver(&ada, &circle).await);
    let replacing = app
        .post(
            &format!("/api/v1/drivers/{driver}/proposals"),
            Some(&ada.access_token),
            &json!({"title": "Match within five days", "body": "Five days.", "supersedes": first}),
        )
        .await;
    let replacing = body(replacing, StatusCode::CREATED).await;
    let replacing = app.round(&ada, &id(&replacing), Duration::days(2)).await;
    let second = app
        .answered(&ada, &last_round(&replacing), "consent", None)
        .await;
    let second = second["agreement_id"].as_str().unwrap().to_owned();
    let old = body(
        app.get(
            &format!("/api/v1/agreements/{first}"),
            Some(&ada.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(old["status"], "superseded");
    assert_eq!(old["superseded_by"], second.as_str());

    let retire = format!("/api/v1/agreements/{second}/retire");
    let retired = body(
        app.post(&retire, Some(&ada.access_token), &json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(retired["status"], "retired");
    problem(
        app.post(&retire, Some(&ada.access_token), &json!({})).await,
        StatusCode::CONFLICT,
    )
    .await;
}
