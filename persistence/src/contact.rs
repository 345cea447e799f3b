//! Messages sent through the public contact form: personal data of their senders (by address).

use crate::error::Result;
use crate::schema::contact_messages;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = contact_messages)]
pub struct ContactMessageRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub body: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &ContactMessageRow) -> Result<()> {
    diesel::insert_into(contact_messages::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Newest first, strictly after `after` (`(created_at, id)` of the last item seen).
pub fn page(
    conn: &mut DbConnection,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ContactMessageRow>> {
    let mut query = contact_messages::table
        .select(ContactMessageRow::as_select())
        .order((
            contact_messages::created_at.desc(),
            contact_messages::id.desc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            contact_messages::created_at
                .lt(at)
                .or(contact_messages::created_at
                    .eq(at)
                    .and(contact_messages::id.lt(id))),
        );
    }
    Ok(query.load(conn)?)
}
