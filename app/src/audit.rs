//! Building audit entries: who changed what, before and after, and when; and reading them back
//! without leaking a space's content.
//!
//! An entry whose subject lives in a space (an assignment, an event and its recording, a
//! question, a resource, a theme, a post, a comment, a report of either) is tied to that space
//! with [`AuditRow::in_space`]. The log then tells every admin *that* it happened (actor, action,
//! subject, space, time) and shows `before`/`after`, which may quote titles, notes or links, only
//! to an admin who may read the space: a sealed room's entries carry no content outside it.

use crate::access::{all_spaces, ViewerContext};
use chrono::{DateTime, Utc};
use praxis_domain::ids::UserId;
use praxis_persistence::audit::AuditRow;
use praxis_persistence::to_db_time;
use serde::Serialize;
use std::collections::HashSet;

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
        space_id: None,
    }
}

/// An entry as one reader may see it.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub row: AuditRow,
    /// `before`/`after` were removed: the subject lives in a space the reader may not read.
    pub withheld: bool,
}

/// A page of the audit log for an admin, newest first (`limit` rows after the keyset `after`),
/// with the content of entries in spaces the reader may not read withheld.
pub fn page(
    conn: &mut praxis_persistence::DbConnection,
    reader: &ViewerContext,
    after: Option<(chrono::NaiveDateTime, String)>,
    limit: i64,
) -> crate::Result<Vec<AuditEntry>> {
    let rows = praxis_persistence::audit::page(conn, after, limit)?;
    let readable: HashSet<String> = reader
        .readable_space_ids(&all_spaces(conn)?)
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| withhold_unless_readable(row, &readable))
        .collect())
}

/// Clears `before`/`after` of an entry tied to a space outside `readable`.
fn withhold_unless_readable(mut row: AuditRow, readable: &HashSet<String>) -> AuditEntry {
    let withheld = row
        .space_id
        .as_ref()
        .is_some_and(|space| !readable.contains(space));
    if withheld {
        row.before_json = None;
        row.after_json = None;
    }
    AuditEntry { row, withheld }
}

/// Records a host's change to `(action, subject type, subject id)`, the fields `before` and
/// `after` it, tied to the space the subject lives in (if any) so the log withholds them from
/// admins who may not read it.
pub fn record_change(
    conn: &mut praxis_persistence::DbConnection,
    actor: &UserId,
    (action, subject_type, subject_id): (&str, &str, &str),
    space: Option<&str>,
    (before, after): (&serde_json::Value, &serde_json::Value),
    at: DateTime<Utc>,
) -> crate::Result<()> {
    let row = entry(
        Some(actor),
        action,
        subject_type,
        subject_id,
        Some(before),
        Some(after),
        at,
    );
    let row = match space {
        Some(space) => row.in_space(space),
        None => row,
    };
    praxis_persistence::audit::record(conn, &row)?;
    Ok(())
}
