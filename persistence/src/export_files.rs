//! Large personal-data exports: a member's request waits here until the periodic job builds
//! the document; the document waits, behind a single-use token mailed to the member, until it is
//! downloaded (its body is dropped then) or expires.

use crate::error::Result;
use crate::schema::export_files;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A request waiting to be built.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = export_files)]
pub struct PendingExport {
    pub id: String,
    pub user_id: String,
}

/// Records a request for the member's export unless one is already waiting to be built, and
/// answers whether it is new (a second click queues nothing more).
pub fn request(
    conn: &mut DbConnection,
    id: &str,
    user_id: &str,
    at: NaiveDateTime,
) -> Result<bool> {
    let waiting: i64 = export_files::table
        .filter(export_files::user_id.eq(user_id))
        .filter(export_files::built_at.is_null())
        .count()
        .get_result(conn)?;
    if waiting > 0 {
        return Ok(false);
    }
    diesel::insert_into(export_files::table)
        .values((
            export_files::id.eq(id),
            export_files::user_id.eq(user_id),
            export_files::requested_at.eq(at),
        ))
        .execute(conn)?;
    Ok(true)
}

/// The oldest requests waiting to be built.
pub fn pending(conn: &mut DbConnection, limit: i64) -> Result<Vec<PendingExport>> {
    Ok(export_files::table
        .filter(export_files::built_at.is_null())
        .order((export_files::requested_at.asc(), export_files::id.asc()))
        .limit(limit)
        .select(PendingExport::as_select())
        .load(conn)?)
}

/// Stores a built document behind `token_hash` until `expires_at`; `false` when the request is
/// gone (the member was erased) or was built already.
pub fn store(
    conn: &mut DbConnection,
    id: &str,
    token_hash: &str,
    body: &str,
    at: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<bool> {
    let updated = diesel::update(
        export_files::table
            .filter(export_files::id.eq(id))
            .filter(export_files::built_at.is_null()),
    )
    .set((
        export_files::token_hash.eq(token_hash),
        export_files::body.eq(body),
        export_files::built_at.eq(at),
        export_files::expires_at.eq(expires_at),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// The document behind `token_hash`, once: of two requests presenting the same token exactly
/// one gets it, and only before it expires. The body is dropped as it is handed over.
pub fn take(
    conn: &mut DbConnection,
    token_hash: &str,
    at: NaiveDateTime,
) -> Result<Option<String>> {
    let live = export_files::table
        .filter(export_files::token_hash.eq(token_hash))
        .filter(export_files::downloaded_at.is_null())
        .filter(export_files::expires_at.gt(at));
    let Some((id, body)) = live
        .select((export_files::id, export_files::body))
        .first::<(String, Option<String>)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let claimed = diesel::update(
        export_files::table
            .filter(export_files::id.eq(&id))
            .filter(export_files::downloaded_at.is_null()),
    )
    .set((
        export_files::downloaded_at.eq(at),
        export_files::body.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(if claimed == 1 { body } else { None })
}

/// Forgets documents downloaded or expired before `at`.
pub fn purge(conn: &mut DbConnection, at: NaiveDateTime) -> Result<usize> {
    Ok(diesel::delete(
        export_files::table.filter(
            export_files::downloaded_at
                .is_not_null()
                .or(export_files::expires_at.le(at)),
        ),
    )
    .execute(conn)?)
}
