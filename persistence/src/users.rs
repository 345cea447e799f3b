//! Accounts and their roles.

use crate::error::{Error, Result};
use crate::schema::{user_roles, users};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::account::Role;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub time_zone: String,
    pub locale: String,
    pub calendar_feed_token: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// When the member proved they own `email`; `None` until then.
    pub email_verified_at: Option<NaiveDateTime>,
    /// Whether the member chose to appear in the member directory.
    pub listed: bool,
    pub bio: Option<String>,
    /// ISO 639 codes, comma-separated (`en,es`); empty when none were given.
    pub languages: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUserRow<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub time_zone: &'a str,
    pub locale: &'a str,
    pub calendar_feed_token: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub email_verified_at: Option<NaiveDateTime>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub time_zone: Option<String>,
    pub locale: Option<String>,
    pub listed: Option<bool>,
    /// `Some(None)` clears the bio.
    pub bio: Option<Option<String>>,
    pub languages: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

/// Marks the account's current email verified at `at` (unchanged if it was already).
pub fn mark_verified(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> Result<()> {
    diesel::update(
        users::table
            .find(id)
            .filter(users::email_verified_at.is_null()),
    )
    .set(users::email_verified_at.eq(at))
    .execute(conn)?;
    Ok(())
}

pub fn set_password_hash(
    conn: &mut DbConnection,
    id: &str,
    password_hash: &str,
    at: NaiveDateTime,
) -> Result<()> {
    let updated = diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// Moves the account to a new address, verified by the confirmation that calls this; an address
/// another account holds is a `UniqueViolation`.
pub fn set_email(conn: &mut DbConnection, id: &str, email: &str, at: NaiveDateTime) -> Result<()> {
    let updated = diesel::update(users::table.find(id))
        .set((
            users::email.eq(email),
            users::email_verified_at.eq(Some(at)),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    if updated == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// Inserts an account; an email already registered is a `UniqueViolation`.
pub fn insert(conn: &mut DbConnection, row: &NewUserRow<'_>) -> Result<()> {
    diesel::insert_into(users::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<UserRow>> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_id(conn: &mut DbConnection, id: &str) -> Result<Option<UserRow>> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn update(conn: &mut DbConnection, id: &str, changes: &UserChanges) -> Result<()> {
    let updated = diesel::update(users::table.find(id))
        .set(changes)
        .execute(conn)?;
    if updated == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

pub fn roles(conn: &mut DbConnection, user_id: &str) -> Result<Vec<Role>> {
    let names: Vec<String> = user_roles::table
        .filter(user_roles::user_id.eq(user_id))
        .order(user_roles::role.asc())
        .select(user_roles::role)
        .load(conn)?;
    names
        .iter()
        .map(|n| Role::parse(n).map_err(|_| Error::Corrupt(format!("unknown role {n:?}"))))
        .collect()
}

/// Grants a role; granting one the account already has changes nothing.
pub fn grant_role(
    conn: &mut DbConnection,
    user_id: &str,
    role: Role,
    at: NaiveDateTime,
) -> Result<bool> {
    let inserted = diesel::insert_into(user_roles::table)
        .values((
            user_roles::user_id.eq(user_id),
            user_roles::role.eq(role.as_str()),
            user_roles::granted_at.eq(at),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(true),
        Err(e) => match Error::from(e) {
            Error::UniqueViolation(_) => Ok(false),
            other => Err(other),
        },
    }
}

pub fn count(conn: &mut DbConnection) -> Result<i64> {
    Ok(users::table.count().get_result(conn)?)
}

/// Display names of several members in one query (list pages).
pub fn display_names(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<std::collections::HashMap<String, String>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(String, String)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Moves the account's session generation on: access tokens issued before stop working.
pub fn bump_session_generation(conn: &mut DbConnection, id: &str) -> Result<()> {
    diesel::update(users::table.find(id))
        .set(users::session_generation.eq(users::session_generation + 1))
        .execute(conn)?;
    Ok(())
}

/// The account's session generation, for the access tokens issued now.
pub fn session_generation(conn: &mut DbConnection, id: &str) -> Result<i64> {
    let generation: i32 = users::table
        .find(id)
        .select(users::session_generation)
        .first(conn)?;
    Ok(i64::from(generation))
}
