//! Consent decisions in a circle (S3): drivers, proposals with versions, consent rounds,
//! objections, agreements and their reviews. The rules are the state machine in
//! `praxis_domain::decisions`; this module applies them in one transaction per step and
//! records every step in `decision_history`, which only the circle reads.
//!
//! # Interface for other modules
//!
//! - [`open_proposal`] starts a decision from code: a driver, a proposal and its first round
//!   in one call, with no membership check on the author (the caller decides who may ask).
//!   Give it a [`Subject`] to say what the proposal decides beyond its text
//!   (`SubjectKind::Delegate` + the member; `SubjectKind::BadgeClass` + the class id) and,
//!   in the superpod, a topic the Academy circle must answer.
//! - When a proposal becomes an agreement, [`agreed::on_agreement`] runs in the same
//!   transaction with the proposal and the agreement: it dispatches on `subject_kind`. A
//!   module that needs to act on agreements adds an arm there.
//! - [`proposal_status`] tells where a proposal stands; [`crate::circles::members_of`] names
//!   who answers.
//! - Time: [`rounds::close_due`] closes rounds past their deadline and
//!   [`agreements::remind_reviews`] mails review reminders; the job tick runs both, so the
//!   development clock walks through them.

pub mod agreed;
pub mod agreements;
pub mod proposals;
pub mod rounds;

use crate::circles;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use praxis_domain::decisions::{
    AgreementTopic, DriverDraft, MemberRole, ProposalDraft, ProposalStatus, SubjectKind,
};
use praxis_domain::ids::{CircleId, ProposalId, RoundId, UserId};
use praxis_persistence::circles::CircleRow;
use praxis_persistence::decisions::{self as repo, HistoryRow};
use praxis_persistence::{to_db_time, DbConnection};

/// What a proposal decides beyond its text, and what it is about.
#[derive(Debug, Clone, Default)]
pub struct Subject {
    pub kind: Option<SubjectKind>,
    pub id: Option<String>,
    /// In the superpod: programming, enrolment or scheduling, answered by the Academy circle.
    pub topic: Option<AgreementTopic>,
    /// The agreement this proposal replaces once agreed.
    pub supersedes: Option<String>,
}

/// Records one step of a decision: where (circle, proposal, agreement), who, what, when.
#[allow(clippy::too_many_arguments)] // each is one column of the history row
pub(crate) fn record(
    conn: &mut DbConnection,
    circle: &str,
    proposal: Option<&str>,
    agreement: Option<&str>,
    actor: Option<&UserId>,
    action: &str,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    repo::record(
        conn,
        &HistoryRow {
            id: uuid::Uuid::now_v7().to_string(),
            circle_id: circle.to_owned(),
            proposal_id: proposal.map(str::to_owned),
            agreement_id: agreement.map(str::to_owned),
            actor_id: actor.map(|a| a.as_str().to_owned()),
            action: action.to_owned(),
            detail: detail.to_string(),
            at: to_db_time(now),
        },
    )?;
    Ok(())
}

/// The circle if `user` answers its rounds: 404 to outsiders, 403 to its mentors.
pub(crate) fn as_member(
    conn: &mut DbConnection,
    user: &UserId,
    circle: &CircleId,
) -> Result<CircleRow> {
    let (row, role) = circles::readable(conn, user, circle)?;
    if role != MemberRole::Member {
        return Err(Error::forbidden(
            "not-a-circle-member",
            "Only the circle's members take part in its decisions; mentors read them.",
        ));
    }
    Ok(row)
}

/// Starts a decision from code: a driver, a proposal answering it and a round closing at
/// `closes_at`, authored by `author` (who need not be in the circle: the caller decides).
#[allow(clippy::too_many_arguments)]
pub fn open_proposal(
    conn: &mut DbConnection,
    circle: &CircleId,
    author: Option<&UserId>,
    driver: DriverDraft,
    proposal: ProposalDraft,
    subject: Subject,
    closes_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(ProposalId, RoundId)> {
    let driver = proposals::insert_driver(conn, circle, author, driver, now)?;
    let id = proposals::insert_proposal(conn, &driver, author, proposal, subject, now)?;
    let round = rounds::open(conn, author, &id, closes_at, now)?;
    Ok((id, round))
}

/// Where a proposal stands (for modules waiting on a decision).
pub fn proposal_status(conn: &mut DbConnection, id: &ProposalId) -> Result<ProposalStatus> {
    Ok(repo::find_proposal(conn, id.as_str())?
        .ok_or(Error::NotFound("proposal"))?
        .status)
}
