//! Drivers and proposals: members describe drivers, draft proposals answering them, and write
//! new versions (integrating objections), every version kept.

use super::{as_member, record, rounds, Subject};
use crate::circles;
use crate::error::{Error, Result};
use crate::page::{PageRequest, Paged};
use chrono::{DateTime, Utc};
use praxis_domain::decisions::{
    self, DriverDraft, ObjectionStatus, ProposalDraft, ProposalStatus, SubjectKind, LONG_TEXT_MAX,
};
use praxis_domain::ids::{CircleId, DriverId, ObjectionId, ProposalId, UserId};
use praxis_domain::learning::text;
use praxis_persistence::decisions::{
    self as repo, AnswerRow, DriverRow, HistoryRow, ObjectionRow, ProposalRow, RoundRow, VersionRow,
};
use praxis_persistence::{to_db_time, users, DbConnection};
use std::collections::HashMap;

pub(crate) fn insert_driver(
    conn: &mut DbConnection,
    circle: &CircleId,
    author: Option<&UserId>,
    draft: DriverDraft,
    now: DateTime<Utc>,
) -> Result<DriverRow> {
    let row = DriverRow {
        id: DriverId::new().into_inner(),
        circle_id: circle.as_str().to_owned(),
        author_id: author.map(|a| a.as_str().to_owned()),
        situation: draft.situation,
        effect: draft.effect,
        need: draft.need,
        created_at: to_db_time(now),
    };
    repo::insert_driver(conn, &row)?;
    let detail = serde_json::json!({"driver_id": row.id});
    record(
        conn,
        circle.as_str(),
        None,
        None,
        author,
        "driver.described",
        detail,
        now,
    )?;
    Ok(row)
}

/// A member describes a driver in their circle.
pub fn add_driver(
    conn: &mut DbConnection,
    user: &UserId,
    circle: &CircleId,
    draft: DriverDraft,
    now: DateTime<Utc>,
) -> Result<DriverRow> {
    as_member(conn, user, circle)?;
    insert_driver(conn, circle, Some(user), draft, now)
}

/// A circle's drivers, oldest first (its members and mentors).
pub fn drivers(
    conn: &mut DbConnection,
    user: &UserId,
    circle: &CircleId,
    page: &PageRequest,
) -> Result<Paged<DriverRow>> {
    circles::readable(conn, user, circle)?;
    let rows = repo::drivers_page(conn, circle.as_str(), page.after.clone(), page.fetch())?;
    Ok(page.cut(rows, |r| (r.created_at, r.id.clone())))
}

pub(crate) fn insert_proposal(
    conn: &mut DbConnection,
    driver: &DriverRow,
    author: Option<&UserId>,
    draft: ProposalDraft,
    subject: Subject,
    now: DateTime<Utc>,
) -> Result<ProposalId> {
    let id = ProposalId::new();
    let at = to_db_time(now);
    repo::insert_proposal(
        conn,
        &ProposalRow {
            id: id.as_str().to_owned(),
            circle_id: driver.circle_id.clone(),
            driver_id: driver.id.clone(),
            author_id: author.map(|a| a.as_str().to_owned()),
            title: draft.title,
            status: ProposalStatus::Draft,
            subject_kind: subject.kind,
            subject_id: subject.id,
            topic: subject.topic,
            supersedes_id: subject.supersedes,
            review_after_days: draft.review_after_days,
            created_at: at,
            updated_at: at,
        },
    )?;
    repo::insert_version(
        conn,
        &VersionRow {
            id: praxis_domain::ids::ProposalVersionId::new().into_inner(),
            proposal_id: id.as_str().to_owned(),
            number: 1,
            body: draft.body,
            author_id: author.map(|a| a.as_str().to_owned()),
            created_at: at,
        },
    )?;
    let detail = serde_json::json!({"driver_id": driver.id});
    record(
        conn,
        &driver.circle_id,
        Some(id.as_str()),
        None,
        author,
        "proposal.drafted",
        detail,
        now,
    )?;
    Ok(id)
}

/// A member drafts a proposal answering a driver of their circle. `subject.supersedes` names
/// an active agreement of the same circle that this one replaces once agreed; a pod's proposal
/// may name a member of the pod as its delegate, and a superpod's proposal may carry a topic
/// the Academy circle answers (`praxis_domain::pods::proposal_subject`).
pub fn propose(
    conn: &mut DbConnection,
    user: &UserId,
    driver: &DriverId,
    draft: ProposalDraft,
    subject: Subject,
    now: DateTime<Utc>,
) -> Result<ProposalView> {
    let driver = repo::find_driver(conn, driver.as_str())?.ok_or(Error::NotFound("driver"))?;
    let circle = CircleId::from_trusted(driver.circle_id.clone());
    circles::readable(conn, user, &circle).map_err(|_| Error::NotFound("driver"))?;
    let row = as_member(conn, user, &circle)?;
    praxis_domain::pods::proposal_subject(
        row.kind,
        subject.kind,
        subject.id.as_deref(),
        subject.topic,
    )?;
    if let (Some(SubjectKind::Delegate), Some(delegate)) = (subject.kind, subject.id.as_deref()) {
        crate::academy::pods::check_delegate(conn, &row.id, delegate)?;
    }
    if let Some(old) = &subject.supersedes {
        let agreement = repo::find_agreement(conn, old)?
            .filter(|a| a.circle_id == driver.circle_id)
            .ok_or_else(|| Error::field("supersedes", "no agreement of this circle has this id"))?;
        decisions::may_change_agreement(agreement.status)?;
    }
    let id = insert_proposal(conn, &driver, Some(user), draft, subject, now)?;
    show(conn, user, &id)
}

/// A round with the answers given in it.
#[derive(Debug, Clone)]
pub struct RoundView {
    pub row: RoundRow,
    pub answers: Vec<AnswerRow>,
}

/// A proposal as its circle reads it: the driver, every version, every round with its
/// answers, every objection and how it ended, the agreement it became, and the history.
#[derive(Debug, Clone)]
pub struct ProposalView {
    pub row: ProposalRow,
    pub driver: DriverRow,
    pub versions: Vec<VersionRow>,
    pub rounds: Vec<RoundView>,
    pub objections: Vec<ObjectionRow>,
    pub agreement_id: Option<String>,
    pub history: Vec<HistoryRow>,
    /// Display names of everyone named above.
    pub names: HashMap<String, String>,
}

/// The proposal and its circle if `user` reads the circle; 404 otherwise.
pub(crate) fn readable(
    conn: &mut DbConnection,
    user: &UserId,
    id: &str,
) -> Result<(ProposalRow, CircleId)> {
    let row = repo::find_proposal(conn, id)?.ok_or(Error::NotFound("proposal"))?;
    let circle = CircleId::from_trusted(row.circle_id.clone());
    circles::readable(conn, user, &circle).map_err(|_| Error::NotFound("proposal"))?;
    Ok((row, circle))
}

/// Everything about a proposal, loaded in a fixed number of queries.
pub(crate) fn view(conn: &mut DbConnection, row: ProposalRow) -> Result<ProposalView> {
    let driver = repo::find_driver(conn, &row.driver_id)?
        .ok_or_else(|| Error::internal("proposal without its driver"))?;
    let versions = repo::versions(conn, &row.id)?;
    let rounds = repo::rounds(conn, &row.id)?;
    let ids: Vec<String> = rounds.iter().map(|r| r.id.clone()).collect();
    let mut answers = repo::answers(conn, &ids)?;
    let objections = repo::objections_of(conn, &row.id)?;
    let agreement_id = repo::agreement_of(conn, &row.id)?.map(|a| a.id);
    let history = repo::history(conn, Some(&row.id), None)?;
    let mut people: Vec<String> = answers.iter().map(|a| a.user_id.clone()).collect();
    people.extend(objections.iter().map(|o| o.objector_id.clone()));
    people.extend(versions.iter().filter_map(|v| v.author_id.clone()));
    people.extend(history.iter().filter_map(|h| h.actor_id.clone()));
    people.extend(row.author_id.clone());
    people.sort();
    people.dedup();
    let names = users::display_names(conn, &people)?;
    let rounds = rounds
        .into_iter()
        .map(|round| {
            let (mine, rest): (Vec<AnswerRow>, Vec<AnswerRow>) =
                answers.drain(..).partition(|a| a.round_id == round.id);
            answers = rest;
            RoundView {
                row: round,
                answers: mine,
            }
        })
        .collect();
    Ok(ProposalView {
        row,
        driver,
        versions,
        rounds,
        objections,
        agreement_id,
        history,
        names,
    })
}

/// A proposal with its versions, rounds, answers and objections: the circle only.
pub fn show(conn: &mut DbConnection, user: &UserId, id: &ProposalId) -> Result<ProposalView> {
    let (row, _) = readable(conn, user, id.as_str())?;
    view(conn, row)
}

/// A member writes a new version; the objections it `integrates` (standing ones of this
/// proposal) end as integrated. If a round is open it closes as amended and the next one opens
/// on the new text with the same deadline (so every member answers the new version).
pub fn amend(
    conn: &mut DbConnection,
    user: &UserId,
    id: &ProposalId,
    body: &str,
    integrates: &[ObjectionId],
    now: DateTime<Utc>,
) -> Result<ProposalView> {
    let (row, circle) = readable(conn, user, id.as_str())?;
    as_member(conn, user, &circle)?;
    let open = repo::open_round(conn, &row.id)?;
    decisions::may_amend(
        row.status,
        open.as_ref().is_some_and(|r| r.agreement_id.is_some()),
    )?;
    let body = text("body", body, LONG_TEXT_MAX)?;
    let mut settle = Vec::new();
    for objection in integrates {
        let found = repo::find_objection(conn, objection.as_str())?
            .filter(|o| o.proposal_id == row.id && o.status == ObjectionStatus::Standing)
            .ok_or_else(|| {
                Error::field(
                    "integrates",
                    format!("{objection} is not a standing objection to this proposal"),
                )
            })?;
        settle.push(found.id);
    }
    let number = repo::versions(conn, &row.id)?
        .last()
        .map_or(1, |v| v.number + 1);
    let version = VersionRow {
        id: praxis_domain::ids::ProposalVersionId::new().into_inner(),
        proposal_id: row.id.clone(),
        number,
        body,
        author_id: Some(user.as_str().to_owned()),
        created_at: to_db_time(now),
    };
    repo::insert_version(conn, &version)?;
    for objection in &settle {
        repo::settle_objection(
            conn,
            objection,
            ObjectionStatus::Integrated,
            Some(&version.id),
            to_db_time(now),
        )?;
    }
    let detail = serde_json::json!({"version": number, "integrates": settle});
    record(
        conn,
        &row.circle_id,
        Some(&row.id),
        None,
        Some(user),
        "proposal.amended",
        detail,
        now,
    )?;
    if let Some(open) = open {
        rounds::reopen_on_new_version(conn, user, &row, &open, now)?;
    }
    show(conn, user, id)
}
