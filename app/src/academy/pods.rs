//! Pods (communities of practice): each pod is a circle; its delegate is chosen by a consent
//! round in the pod's circle.

use crate::error::Result;
use chrono::{DateTime, Utc};
use praxis_persistence::decisions::ProposalRow;
use praxis_persistence::DbConnection;

/// A proposal naming a pod's delegate was agreed: the member becomes the pod's delegate.
pub(crate) fn delegate_agreed(
    _conn: &mut DbConnection,
    _proposal: &ProposalRow,
    _now: DateTime<Utc>,
) -> Result<()> {
    Ok(())
}
