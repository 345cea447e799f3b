//! The mailing list: addresses that asked for the newsletter, confirmed by a mailed single-use
//! link (double opt-in), removed by the unsubscribe link every issue carries.

use crate::error::Result;
use crate::schema::newsletter_subscribers as subs;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = subs)]
pub struct SubscriberRow {
    pub id: String,
    pub email: String,
    pub language: String,
    pub created_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    pub token_hash: Option<String>,
    pub token_expires_at: Option<NaiveDateTime>,
    pub unsubscribe_token: String,
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<SubscriberRow>> {
    Ok(subs::table
        .filter(subs::email.eq(email))
        .select(SubscriberRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert(conn: &mut DbConnection, row: &SubscriberRow) -> Result<()> {
    diesel::insert_into(subs::table).values(row).execute(conn)?;
    Ok(())
}

/// A new confirm link for a pending subscriber (it replaces the older one), and the language
/// asked for this time.
pub fn renew_token(
    conn: &mut DbConnection,
    id: &str,
    language: &str,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> Result<()> {
    diesel::update(subs::table.filter(subs::id.eq(id)))
        .set((
            subs::language.eq(language),
            subs::token_hash.eq(Some(token_hash)),
            subs::token_expires_at.eq(Some(expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Spends a live confirm token: of two requests presenting it at once exactly one gets `true`.
pub fn confirm(conn: &mut DbConnection, token_hash: &str, at: NaiveDateTime) -> Result<bool> {
    let updated = diesel::update(
        subs::table
            .filter(subs::token_hash.eq(token_hash))
            .filter(subs::token_expires_at.gt(at)),
    )
    .set((
        subs::confirmed_at.eq(Some(at)),
        subs::token_hash.eq(None::<String>),
        subs::token_expires_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Removes the address the unsubscribe token belongs to; answers it, `None` when none does.
pub fn unsubscribe(conn: &mut DbConnection, unsubscribe_token: &str) -> Result<Option<String>> {
    let email: Option<String> = subs::table
        .filter(subs::unsubscribe_token.eq(unsubscribe_token))
        .select(subs::email)
        .first(conn)
        .optional()?;
    if let Some(email) = &email {
        diesel::delete(subs::table.filter(subs::email.eq(email))).execute(conn)?;
    }
    Ok(email)
}
