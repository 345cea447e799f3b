//! Single-use tokens mailed to a member (email verification, password reset, confirming a new
//! address): stored only as hashes, spent at most once, before they expire.

use crate::error::Result;
use crate::schema::account_tokens;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = account_tokens)]
pub struct AccountTokenRow {
    pub id: String,
    pub user_id: String,
    /// `verify_email`, `password_reset` or `email_change`.
    pub purpose: String,
    pub token_hash: String,
    /// The address an `email_change` token moves the account to.
    pub new_email: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &AccountTokenRow) -> Result<()> {
    diesel::insert_into(account_tokens::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The unused, unexpired token of `purpose` with this hash.
pub fn find_live(
    conn: &mut DbConnection,
    purpose: &str,
    token_hash: &str,
    at: NaiveDateTime,
) -> Result<Option<AccountTokenRow>> {
    Ok(account_tokens::table
        .filter(account_tokens::token_hash.eq(token_hash))
        .filter(account_tokens::purpose.eq(purpose))
        .filter(account_tokens::used_at.is_null())
        .filter(account_tokens::expires_at.gt(at))
        .select(AccountTokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a token used if, and only if, it is unused and unexpired at `at`. Of two requests
/// presenting the same token at once exactly one gets `true`.
pub fn claim(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> Result<bool> {
    let updated = diesel::update(
        account_tokens::table
            .filter(account_tokens::id.eq(id))
            .filter(account_tokens::used_at.is_null())
            .filter(account_tokens::expires_at.gt(at)),
    )
    .set(account_tokens::used_at.eq(at))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Spends every live token of `purpose` the member holds: a new link replaces older ones, and a
/// reset password makes other reset links useless.
pub fn spend_all(
    conn: &mut DbConnection,
    user_id: &str,
    purpose: &str,
    at: NaiveDateTime,
) -> Result<usize> {
    Ok(diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user_id))
            .filter(account_tokens::purpose.eq(purpose))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(at))
    .execute(conn)?)
}
