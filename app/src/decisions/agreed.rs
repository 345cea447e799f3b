//! What happens when a round ends agreed: the proposal becomes an agreement (superseding the
//! one it replaces), or a reviewed agreement takes its new version and next review date; then
//! [`on_agreement`] acts on what the proposal decides.

use super::record;
use crate::error::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use praxis_domain::decisions::{AgreementStatus, ProposalStatus, SubjectKind};
use praxis_domain::ids::AgreementId;
use praxis_persistence::decisions::{self as repo, AgreementRow, ProposalRow, RoundRow};
use praxis_persistence::{to_db_time, DbConnection};

fn review_date(proposal: &ProposalRow, now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::days(i64::from(proposal.review_after_days))
}

/// The proposal becomes an agreement on the version the round asked about.
pub(crate) fn agree(
    conn: &mut DbConnection,
    proposal: &ProposalRow,
    round: &RoundRow,
    now: DateTime<Utc>,
) -> Result<()> {
    let at = to_db_time(now);
    let agreement = AgreementRow {
        id: AgreementId::new().into_inner(),
        circle_id: proposal.circle_id.clone(),
        proposal_id: proposal.id.clone(),
        version_id: round.version_id.clone(),
        status: AgreementStatus::Active,
        review_at: to_db_time(review_date(proposal, now)),
        reminded_for: None,
        superseded_by: None,
        agreed_at: at,
        updated_at: at,
    };
    repo::insert_agreement(conn, &agreement)?;
    repo::set_proposal_status(conn, &proposal.id, ProposalStatus::Agreed, at)?;
    let detail =
        serde_json::json!({"agreement_id": agreement.id, "review_at": agreement.review_at});
    record(
        conn,
        &proposal.circle_id,
        Some(&proposal.id),
        Some(&agreement.id),
        None,
        "agreement.made",
        detail,
        now,
    )?;
    if let Some(old) = &proposal.supersedes_id {
        if repo::end_agreement(
            conn,
            old,
            AgreementStatus::Superseded,
            Some(&agreement.id),
            at,
        )? {
            let old_proposal = repo::find_agreement(conn, old)?.map(|a| a.proposal_id);
            let detail = serde_json::json!({"superseded_by": agreement.id});
            record(
                conn,
                &proposal.circle_id,
                old_proposal.as_deref(),
                Some(old),
                None,
                "agreement.superseded",
                detail,
                now,
            )?;
        }
    }
    on_agreement(conn, proposal, &agreement, now)
}

/// A review round ended agreed: the agreement holds the reviewed version until its next review.
pub(crate) fn reviewed(
    conn: &mut DbConnection,
    proposal: &ProposalRow,
    agreement: &str,
    round: &RoundRow,
    now: DateTime<Utc>,
) -> Result<()> {
    let next = review_date(proposal, now);
    repo::reviewed(
        conn,
        agreement,
        &round.version_id,
        to_db_time(next),
        to_db_time(now),
    )?;
    let detail = serde_json::json!({"review_at": to_db_time(next)});
    record(
        conn,
        &proposal.circle_id,
        Some(&proposal.id),
        Some(agreement),
        None,
        "agreement.reviewed",
        detail,
        now,
    )?;
    let row = repo::find_agreement(conn, agreement)?
        .ok_or_else(|| Error::internal("reviewed agreement vanished"))?;
    on_agreement(conn, proposal, &row, now)
}

/// Acts on what an agreed proposal decides, in the same transaction. Add an arm here for a
/// new kind of subject; the linked-circle step (the Academy answering the superpod) runs for
/// every agreement.
pub fn on_agreement(
    conn: &mut DbConnection,
    proposal: &ProposalRow,
    agreement: &AgreementRow,
    now: DateTime<Utc>,
) -> Result<()> {
    match proposal.subject_kind {
        None => {}
        Some(SubjectKind::Delegate) => crate::academy::pods::delegate_agreed(conn, proposal, now)?,
        Some(SubjectKind::BadgeClass) => crate::badge_proposals::agreed(conn, proposal)?,
    }
    crate::academy::superpod::agreement_made(conn, proposal, agreement, now)
}
