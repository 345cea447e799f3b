//! Building audit entries: who changed what, before and after, and when.

use chrono::{DateTime, Utc};
use praxis_domain::ids::UserId;
use praxis_persistence::audit::AuditRow;
use praxis_persistence::to_db_time;
use serde::Serialize;

/// An entry for `action` (e.g. `refund_request.approved`) on a subject. Record it with
/// `praxis_persistence::audit::record` in the same transaction as the change.
pub fn entry<B: Serialize, A: Serialize>(
    actor: Option<&UserId>,
    action: &str,
    subject_type: &str,
    subject_id: &str,
    before: Option<&B>,
    after: Option<&A>,
    at: DateTime<Utc>,
) -> AuditRow {
    AuditRow {
        id: uuid::Uuid::now_v7().to_string(),
        at: to_db_time(at),
        actor_id: actor.map(|a| a.as_str().to_owned()),
        action: action.to_owned(),
        subject_type: subject_type.to_owned(),
        subject_id: subject_id.to_owned(),
        before_json: before.and_then(|b| serde_json::to_string(b).ok()),
        after_json: after.and_then(|a| serde_json::to_string(a).ok()),
    }
}

/// A page of the audit log for admins, newest first (`limit` rows after the keyset `after`).
pub fn page(
    conn: &mut praxis_persistence::DbConnection,
    after: Option<(chrono::NaiveDateTime, String)>,
    limit: i64,
) -> crate::Result<Vec<AuditRow>> {
    Ok(praxis_persistence::audit::page(conn, after, limit)?)
}
