//! Where badges meet the Academy's circles: a proposed badge class is a proposal in the
//! superpod, and a student's pod co-members may review their badge requests.
//!
//! Until circles, pods and the superpod exist in this build, a proposed class waits for its
//! proposal (none is opened) and reviewers are the badge's holders only.

use crate::error::Result;
use chrono::{DateTime, Utc};
use praxis_domain::ids::UserId;
use praxis_persistence::badges::BadgeClassRow;
use praxis_persistence::DbConnection;

/// Opens the superpod proposal for a proposed class; answers its id, if one was opened.
pub fn open(
    _conn: &mut DbConnection,
    _student: &UserId,
    _class: &BadgeClassRow,
    _now: DateTime<Utc>,
) -> Result<Option<String>> {
    Ok(None)
}

/// Whether two members share a pod.
pub fn share_a_pod(_conn: &mut DbConnection, _student: &str, _reviewer: &str) -> Result<bool> {
    Ok(false)
}
