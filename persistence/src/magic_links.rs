//! Magic links of the customer hub: single-use, short-lived, stored only as hashes.

use crate::error::Result;
use crate::schema::magic_links;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = magic_links)]
pub struct MagicLinkRow {
    pub id: String,
    pub user_id: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &MagicLinkRow) -> Result<()> {
    diesel::insert_into(magic_links::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_by_hash(conn: &mut DbConnection, token_hash: &str) -> Result<Option<MagicLinkRow>> {
    Ok(magic_links::table
        .filter(magic_links::token_hash.eq(token_hash))
        .select(MagicLinkRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a link used if, and only if, it is unused and unexpired at `at`. Of two requests
/// presenting the same link at once exactly one gets `true`.
pub fn claim(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> Result<bool> {
    let updated = diesel::update(
        magic_links::table
            .filter(magic_links::id.eq(id))
            .filter(magic_links::used_at.is_null())
            .filter(magic_links::expires_at.gt(at)),
    )
    .set(magic_links::used_at.eq(at))
    .execute(conn)?;
    Ok(updated == 1)
}
