//! Consent rounds: opening one, answering it, resolving objections, and closing it when every
//! member answered or its deadline passed (the job tick closes those past their deadline).

use super::proposals::{readable, show, ProposalView};
use super::{agreed, as_member, record};
use crate::circles;
use crate::error::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use praxis_domain::decisions::{
    self, Answer, ObjectionStatus, Outcome, ProposalStatus, RoundFacts, RoundStatus,
};
use praxis_domain::ids::{CircleId, ObjectionId, ProposalId, RoundId, UserId};
use praxis_persistence::decisions::{self as repo, AnswerRow, ObjectionRow, ProposalRow, RoundRow};
use praxis_persistence::{from_db_time, to_db_time, DbConnection};
use std::collections::HashSet;

/// Inserts an open round on the proposal's latest version (for an agreement's review when
/// `agreement` is set) and marks the proposal in a round.
fn insert(
    conn: &mut DbConnection,
    by: Option<&UserId>,
    proposal: &ProposalRow,
    agreement: Option<&str>,
    closes_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<RoundId> {
    let version = repo::versions(conn, &proposal.id)?
        .pop()
        .ok_or_else(|| Error::internal("proposal without a version"))?;
    let id = RoundId::new();
    repo::insert_round(
        conn,
        &RoundRow {
            id: id.as_str().to_owned(),
            proposal_id: proposal.id.clone(),
            agreement_id: agreement.map(str::to_owned),
            version_id: version.id,
            opened_by: by.map(|u| u.as_str().to_owned()),
            opened_at: to_db_time(now),
            closes_at: to_db_time(closes_at),
            status: RoundStatus::Open,
            closed_at: None,
        },
    )?;
    if agreement.is_none() {
        repo::set_proposal_status(conn, &proposal.id, ProposalStatus::InRound, to_db_time(now))?;
    }
    let detail = serde_json::json!({"round_id": id, "version": version.number,
        "closes_at": closes_at, "review": agreement.is_some()});
    record(
        conn,
        &proposal.circle_id,
        Some(&proposal.id),
        agreement,
        by,
        "round.opened",
        detail,
        now,
    )?;
    Ok(id)
}

/// Opens a round on a proposal (no membership check: [`open_round`] and the module interface
/// check it their own way).
pub(crate) fn open(
    conn: &mut DbConnection,
    by: Option<&UserId>,
    proposal: &ProposalId,
    closes_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<RoundId> {
    let row = repo::find_proposal(conn, proposal.as_str())?.ok_or(Error::NotFound("proposal"))?;
    decisions::may_open_round(row.status)?;
    let closes_at = decisions::round_deadline(closes_at, now)?;
    insert(conn, by, &row, None, closes_at, now)
}

/// Opens an agreement's review round on its proposal's latest version.
pub(crate) fn open_review(
    conn: &mut DbConnection,
    by: &UserId,
    proposal: &ProposalRow,
    agreement: &str,
    closes_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<RoundId> {
    if repo::open_round(conn, &proposal.id)?.is_some() {
        return Err(Error::conflict(
            "round-open",
            "A review round is already open on this agreement.",
        ));
    }
    let closes_at = decisions::round_deadline(closes_at, now)?;
    insert(conn, Some(by), proposal, Some(agreement), closes_at, now)
}

/// A member opens a consent round on a proposal of their circle, closing at `closes_at`.
pub fn open_round(
    conn: &mut DbConnection,
    user: &UserId,
    proposal: &ProposalId,
    closes_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<ProposalView> {
    let (_, circle) = readable(conn, user, proposal.as_str())?;
    as_member(conn, user, &circle)?;
    open(conn, Some(user), proposal, closes_at, now)?;
    show(conn, user, proposal)
}

/// Closes the open round as amended and opens the next on the new version, with the same
/// deadline (or a week when that one has passed).
pub(crate) fn reopen_on_new_version(
    conn: &mut DbConnection,
    by: &UserId,
    proposal: &ProposalRow,
    open: &RoundRow,
    now: DateTime<Utc>,
) -> Result<RoundId> {
    repo::close_round(conn, &open.id, RoundStatus::Amended, to_db_time(now))?;
    let deadline = from_db_time(open.closes_at);
    let closes_at = if deadline > now {
        deadline
    } else {
        now + Duration::days(7)
    };
    insert(
        conn,
        Some(by),
        proposal,
        open.agreement_id.as_deref(),
        closes_at,
        now,
    )
}

/// A member answers a round; answering again while it is open replaces the earlier answer
/// (and withdraws their earlier objection). The round closes at once if this was the last
/// answer and no objection stands.
pub fn answer(
    conn: &mut DbConnection,
    user: &UserId,
    round: &RoundId,
    answer: Answer,
    now: DateTime<Utc>,
) -> Result<ProposalView> {
    let row = repo::find_round(conn, round.as_str())?.ok_or(Error::NotFound("round"))?;
    let (proposal, circle) =
        readable(conn, user, &row.proposal_id).map_err(|_| Error::NotFound("round"))?;
    let (_, role) = circles::readable(conn, user, &circle)?;
    decisions::may_answer(role, row.status)?;
    let at = to_db_time(now);
    repo::put_answer(
        conn,
        &AnswerRow {
            round_id: row.id.clone(),
            user_id: user.as_str().to_owned(),
            answer: answer.kind(),
            note: answer.note().map(str::to_owned),
            answered_at: at,
        },
    )?;
    repo::withdraw_standing(conn, &proposal.id, user.as_str(), at)?;
    if let Answer::Objection(reason) = &answer {
        match repo::objection_of(conn, &row.id, user.as_str())? {
            Some(earlier) => repo::restate_objection(conn, &earlier.id, reason, at)?,
            None => repo::insert_objection(
                conn,
                &ObjectionRow {
                    id: ObjectionId::new().into_inner(),
                    round_id: row.id.clone(),
                    proposal_id: proposal.id.clone(),
                    objector_id: user.as_str().to_owned(),
                    reason: reason.clone(),
                    status: ObjectionStatus::Standing,
                    integrated_version_id: None,
                    created_at: at,
                    settled_at: None,
                },
            )?,
        }
    }
    let detail = serde_json::json!({"round_id": row.id, "answer": answer.kind().as_str()});
    record(
        conn,
        &proposal.circle_id,
        Some(&proposal.id),
        row.agreement_id.as_deref(),
        Some(user),
        "round.answered",
        detail,
        now,
    )?;
    settle(conn, &row.id, now)?;
    show(conn, user, &ProposalId::from_trusted(proposal.id))
}

/// The objector resolves their objection; the open round closes at once if every member
/// answered and nothing else stands.
pub fn resolve(
    conn: &mut DbConnection,
    user: &UserId,
    objection: &ObjectionId,
    now: DateTime<Utc>,
) -> Result<ProposalView> {
    let row =
        repo::find_objection(conn, objection.as_str())?.ok_or(Error::NotFound("objection"))?;
    let (proposal, _) =
        readable(conn, user, &row.proposal_id).map_err(|_| Error::NotFound("objection"))?;
    decisions::may_resolve(row.objector_id == user.as_str(), row.status)?;
    repo::settle_objection(
        conn,
        &row.id,
        ObjectionStatus::Resolved,
        None,
        to_db_time(now),
    )?;
    let detail = serde_json::json!({"objection_id": row.id});
    record(
        conn,
        &proposal.circle_id,
        Some(&proposal.id),
        None,
        Some(user),
        "objection.resolved",
        detail,
        now,
    )?;
    if let Some(open) = repo::open_round(conn, &proposal.id)? {
        settle(conn, &open.id, now)?;
    }
    show(conn, user, &ProposalId::from_trusted(proposal.id))
}

/// Decides the round's outcome at `now` and acts on it; whether it closed.
pub(crate) fn settle(conn: &mut DbConnection, round: &str, now: DateTime<Utc>) -> Result<bool> {
    let Some(row) = repo::find_round(conn, round)? else {
        return Ok(false);
    };
    let proposal = repo::find_proposal(conn, &row.proposal_id)?
        .ok_or_else(|| Error::internal("round without its proposal"))?;
    let members: HashSet<String> =
        circles::members_of(conn, &CircleId::from_trusted(proposal.circle_id.clone()))?
            .into_iter()
            .map(UserId::into_inner)
            .collect();
    let answered = repo::answers(conn, std::slice::from_ref(&row.id))?
        .iter()
        .filter(|a| members.contains(&a.user_id))
        .count();
    let facts = RoundFacts {
        status: row.status,
        members: members.len(),
        answered,
        standing_objections: usize::try_from(repo::standing_on(conn, &proposal.id)?)
            .unwrap_or(usize::MAX),
        closes_at: from_db_time(row.closes_at),
    };
    let status = match decisions::outcome(&facts, now) {
        Outcome::StaysOpen => return Ok(false),
        Outcome::Agreed => RoundStatus::Agreed,
        Outcome::Objected => RoundStatus::Objected,
    };
    if !repo::close_round(conn, &row.id, status, to_db_time(now))? {
        return Ok(false);
    }
    let detail = serde_json::json!({"round_id": row.id, "outcome": status.as_str(),
        "answered": answered, "members": members.len()});
    record(
        conn,
        &proposal.circle_id,
        Some(&proposal.id),
        row.agreement_id.as_deref(),
        None,
        "round.closed",
        detail,
        now,
    )?;
    match (status, row.agreement_id.as_deref()) {
        (RoundStatus::Agreed, None) => agreed::agree(conn, &proposal, &row, now)?,
        (RoundStatus::Agreed, Some(agreement)) => {
            agreed::reviewed(conn, &proposal, agreement, &row, now)?
        }
        (_, None) => repo::set_proposal_status(
            conn,
            &proposal.id,
            ProposalStatus::Objected,
            to_db_time(now),
        )?,
        // A review that ends objected leaves the agreement as it was, due for review.
        (_, Some(_)) => {}
    }
    Ok(true)
}

/// Closes every open round whose deadline passed (the job tick); how many closed.
pub fn close_due(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize> {
    let mut closed = 0;
    for round in repo::due_rounds(conn, to_db_time(now), 200)? {
        if settle(conn, &round, now)? {
            closed += 1;
        }
    }
    Ok(closed)
}
