//! Settings the server keeps in its own database, such as a generated JWT secret.

use crate::error::{Error, Result};
use crate::schema::settings;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

pub fn get(conn: &mut DbConnection, key: &str) -> Result<Option<String>> {
    Ok(settings::table
        .find(key)
        .select(settings::value)
        .first(conn)
        .optional()?)
}

/// Stores `value` unless the key already has one, and returns the value that is stored. Several
/// nodes starting at once all end up with the first one's value.
pub fn get_or_insert(
    conn: &mut DbConnection,
    key: &str,
    value: &str,
    at: NaiveDateTime,
) -> Result<(String, bool)> {
    if let Some(existing) = get(conn, key)? {
        return Ok((existing, false));
    }
    let inserted = diesel::insert_into(settings::table)
        .values((
            settings::key.eq(key),
            settings::value.eq(value),
            settings::updated_at.eq(at),
        ))
        .execute(conn);
    match inserted.map_err(Error::from) {
        Ok(_) => Ok((value.to_owned(), true)),
        Err(Error::UniqueViolation(_)) => {
            get(conn, key)?.map(|v| (v, false)).ok_or(Error::NotFound)
        }
        Err(other) => Err(other),
    }
}
