//! Versions of the Terms and Conditions and who accepted which, when.

use crate::error::Result;
use crate::schema::{terms_acceptances, terms_versions};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::ids::{TermsVersion, UserId};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = terms_versions)]
pub struct TermsRow {
    pub version: String,
    pub terms: String,
    pub member_guidelines: String,
    pub confidentiality: String,
    pub published_at: NaiveDateTime,
    pub published_by: Option<String>,
}

/// The version in force: the one published last.
pub fn current(conn: &mut DbConnection) -> Result<Option<TermsRow>> {
    Ok(terms_versions::table
        .select(TermsRow::as_select())
        .order((
            terms_versions::published_at.desc(),
            terms_versions::version.desc(),
        ))
        .first(conn)
        .optional()?)
}

/// Publishes a version; one already published is a `UniqueViolation`.
pub fn publish(conn: &mut DbConnection, row: &TermsRow) -> Result<()> {
    diesel::insert_into(terms_versions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Records an acceptance; accepting the same version again keeps the first time.
pub fn accept(
    conn: &mut DbConnection,
    user_id: &UserId,
    version: &TermsVersion,
    at: NaiveDateTime,
) -> Result<NaiveDateTime> {
    if let Some(existing) = accepted_at(conn, user_id, version)? {
        return Ok(existing);
    }
    diesel::insert_into(terms_acceptances::table)
        .values((
            terms_acceptances::user_id.eq(user_id.as_str()),
            terms_acceptances::version.eq(version.as_str()),
            terms_acceptances::accepted_at.eq(at),
        ))
        .execute(conn)?;
    Ok(at)
}

pub fn accepted_at(
    conn: &mut DbConnection,
    user_id: &UserId,
    version: &TermsVersion,
) -> Result<Option<NaiveDateTime>> {
    Ok(terms_acceptances::table
        .find((user_id.as_str(), version.as_str()))
        .select(terms_acceptances::accepted_at)
        .first(conn)
        .optional()?)
}

/// Every version the member accepted, newest first.
pub fn acceptances(
    conn: &mut DbConnection,
    user_id: &UserId,
) -> Result<Vec<(String, NaiveDateTime)>> {
    Ok(terms_acceptances::table
        .filter(terms_acceptances::user_id.eq(user_id.as_str()))
        .order(terms_acceptances::accepted_at.desc())
        .select((terms_acceptances::version, terms_acceptances::accepted_at))
        .load(conn)?)
}
