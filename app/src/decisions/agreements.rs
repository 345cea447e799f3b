//! Agreements: read by the circle with their history, reviewed by a new round, retired, and
//! reminded to the circle before their review date (the job tick).

use super::proposals::{view, ProposalView};
use super::{as_member, record, rounds};
use crate::circles;
use crate::error::{Error, Result};
use crate::page::{PageRequest, Paged};
use chrono::{DateTime, Duration, Utc};
use praxis_domain::decisions::{self, AgreementStatus, REVIEW_REMINDER_DAYS};
use praxis_domain::ids::{AgreementId, CircleId, UserId};
use praxis_persistence::decisions::{self as repo, AgreementRow, ProposalRow, VersionRow};
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::{from_db_time, to_db_time, users, DbConnection};

/// An agreement with the proposal it came from (versions, rounds, history) and the text
/// agreed.
#[derive(Debug, Clone)]
pub struct AgreementView {
    pub row: AgreementRow,
    pub title: String,
    pub version: VersionRow,
    pub proposal: ProposalView,
}

fn agreed_text(conn: &mut DbConnection, row: &AgreementRow) -> Result<VersionRow> {
    repo::find_version(conn, &row.version_id)?
        .ok_or_else(|| Error::internal("agreement without its version"))
}

fn readable(
    conn: &mut DbConnection,
    user: &UserId,
    id: &AgreementId,
) -> Result<(AgreementRow, ProposalRow, CircleId)> {
    let row = repo::find_agreement(conn, id.as_str())?.ok_or(Error::NotFound("agreement"))?;
    let circle = CircleId::from_trusted(row.circle_id.clone());
    circles::readable(conn, user, &circle).map_err(|_| Error::NotFound("agreement"))?;
    let proposal = repo::find_proposal(conn, &row.proposal_id)?
        .ok_or_else(|| Error::internal("agreement without its proposal"))?;
    Ok((row, proposal, circle))
}

fn full(
    conn: &mut DbConnection,
    row: AgreementRow,
    proposal: ProposalRow,
) -> Result<AgreementView> {
    let version = agreed_text(conn, &row)?;
    Ok(AgreementView {
        title: proposal.title.clone(),
        proposal: view(conn, proposal)?,
        version,
        row,
    })
}

/// An agreement with its review date and history: the circle only.
pub fn show(conn: &mut DbConnection, user: &UserId, id: &AgreementId) -> Result<AgreementView> {
    let (row, proposal, _) = readable(conn, user, id)?;
    full(conn, row, proposal)
}

/// An agreement in a list: its title and the text agreed.
#[derive(Debug, Clone)]
pub struct AgreementItem {
    pub row: AgreementRow,
    pub title: String,
    pub body: String,
}

/// A circle's agreements, oldest first: its members and mentors only.
pub fn list(
    conn: &mut DbConnection,
    user: &UserId,
    circle: &CircleId,
    page: &PageRequest,
) -> Result<Paged<AgreementItem>> {
    circles::readable(conn, user, circle)?;
    list_of(conn, circle, page)
}

/// A circle's agreements for use cases that already checked access (the Academy circle
/// reading the superpod's).
pub fn list_of(
    conn: &mut DbConnection,
    circle: &CircleId,
    page: &PageRequest,
) -> Result<Paged<AgreementItem>> {
    let rows = repo::agreements_page(conn, circle.as_str(), page.after.clone(), page.fetch())?;
    page.cut(rows, |r| (r.agreed_at, r.id.clone()))
        .try_map(|rows| {
            rows.into_iter()
                .map(|row| {
                    let version = agreed_text(conn, &row)?;
                    let title = repo::find_proposal(conn, &row.proposal_id)?
                        .map(|p| p.title)
                        .unwrap_or_default();
                    Ok(AgreementItem {
                        row,
                        title,
                        body: version.body,
                    })
                })
                .collect()
        })
}

/// A member opens a review of an active agreement: a new round on its latest version.
pub fn review(
    conn: &mut DbConnection,
    user: &UserId,
    id: &AgreementId,
    closes_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<AgreementView> {
    let (row, proposal, circle) = readable(conn, user, id)?;
    as_member(conn, user, &circle)?;
    decisions::may_change_agreement(row.status)?;
    rounds::open_review(conn, user, &proposal, &row.id, closes_at, now)?;
    show(conn, user, id)
}

/// A member retires an active agreement; recorded in its history.
pub fn retire(
    conn: &mut DbConnection,
    user: &UserId,
    id: &AgreementId,
    now: DateTime<Utc>,
) -> Result<AgreementView> {
    let (row, proposal, circle) = readable(conn, user, id)?;
    as_member(conn, user, &circle)?;
    decisions::may_change_agreement(row.status)?;
    repo::end_agreement(
        conn,
        &row.id,
        AgreementStatus::Retired,
        None,
        to_db_time(now),
    )?;
    record(
        conn,
        &row.circle_id,
        Some(&proposal.id),
        Some(&row.id),
        Some(user),
        "agreement.retired",
        serde_json::json!({}),
        now,
    )?;
    crate::badge_proposals::retired(conn, &proposal)?;
    show(conn, user, id)
}

/// Mails every member of the circle about agreements due for review within
/// [`REVIEW_REMINDER_DAYS`] (once per review date); how many agreements were reminded.
pub fn remind_reviews(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize> {
    let until = to_db_time(now + Duration::days(REVIEW_REMINDER_DAYS));
    let due = repo::reviews_before(conn, until, 200)?;
    for agreement in &due {
        let title = repo::find_proposal(conn, &agreement.proposal_id)?
            .map(|p| p.title)
            .unwrap_or_default();
        let circle = CircleId::from_trusted(agreement.circle_id.clone());
        let name = circles::find(conn, &circle)?.row.name;
        for member in circles::members_of(conn, &circle)? {
            let Some(user) = users::find_by_id(conn, member.as_str())? else {
                continue;
            };
            let when = from_db_time(agreement.review_at).format("%Y-%m-%d %H:%M UTC");
            let mail = Mail {
                kind: "agreement_review_due",
                recipient: user.email,
                subject: format!("Review due: {title}"),
                body: format!(
                    "The agreement \"{title}\" of the circle \"{name}\" is due for review on \
                     {when}.\nOpen a review round: POST /api/v1/agreements/{}/reviews\n",
                    agreement.id
                ),
            };
            outbox::enqueue(conn, mail, to_db_time(now))?;
        }
        repo::reminded(conn, &agreement.id, agreement.review_at)?;
        let detail = serde_json::json!({"review_at": agreement.review_at});
        record(
            conn,
            &agreement.circle_id,
            Some(&agreement.proposal_id),
            Some(&agreement.id),
            None,
            "agreement.review_reminded",
            detail,
            now,
        )?;
    }
    Ok(due.len())
}
