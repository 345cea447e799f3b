//! The audit log: who changed what money, seat or decision, before and after, and when.

use crate::error::Result;
use crate::keyset::{self, Order};
use crate::schema::audit_log;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: String,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    /// The space the subject lives in, when it lives in one: `before` and `after` may quote its
    /// content, so they are shown only to readers of that space.
    pub space_id: Option<String>,
}

impl AuditRow {
    /// Ties the entry to the space its subject lives in (see [`AuditRow::space_id`]).
    #[must_use]
    pub fn in_space(mut self, space_id: &str) -> Self {
        self.space_id = Some(space_id.to_owned());
        self
    }
}

/// Appends an entry; call it in the same transaction as the change it records.
pub fn record(conn: &mut DbConnection, row: &AuditRow) -> Result<()> {
    diesel::insert_into(audit_log::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// A page of entries, newest first, after the keyset cursor `(at, id)` when given.
pub fn page(
    conn: &mut DbConnection,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<AuditRow>> {
    let mut query = audit_log::table
        .select(AuditRow::as_select())
        .order((audit_log::at.desc(), audit_log::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Desc,
            audit_log::at,
            audit_log::id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}
