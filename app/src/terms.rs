//! The Terms and Conditions: members accept the version in force, admins publish a new one that
//! everyone must accept again before reaching private spaces.

use crate::error::{Error, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use praxis_domain::ids::{TermsVersion, UserId};
use praxis_domain::terms::NewTerms;
use praxis_persistence::terms::{self as repo, TermsRow};
use praxis_persistence::{audit, to_db_time, DbConnection};

/// The version in force (404 before any is published).
pub fn current(conn: &mut DbConnection) -> Result<TermsRow> {
    repo::current(conn)?.ok_or(Error::NotFound("terms"))
}

/// Accepts `version`, which must be the one in force (409 `terms-version-outdated` otherwise);
/// accepting again keeps the first time. Answers when it was accepted.
pub fn accept(
    conn: &mut DbConnection,
    member: &UserId,
    version: &str,
    now: DateTime<Utc>,
) -> Result<NaiveDateTime> {
    let current = current(conn)?;
    if current.version != version {
        return Err(Error::conflict(
            "terms-version-outdated",
            format!(
                "The current version is {}; accept that one.",
                current.version
            ),
        ));
    }
    let version = TermsVersion::from_trusted(current.version);
    Ok(repo::accept(conn, member, &version, to_db_time(now))?)
}

/// Every version the member accepted, newest first, with when.
pub fn acceptances(
    conn: &mut DbConnection,
    member: &UserId,
) -> Result<Vec<(String, NaiveDateTime)>> {
    Ok(repo::acceptances(conn, member)?)
}

/// Publishes a new version (409 `terms-version-exists` for a name already used); audited.
pub fn publish(
    conn: &mut DbConnection,
    admin: &UserId,
    terms: NewTerms,
    now: DateTime<Utc>,
) -> Result<TermsRow> {
    let row = TermsRow {
        version: terms.version,
        terms: terms.terms,
        member_guidelines: terms.member_guidelines,
        confidentiality: terms.confidentiality,
        published_at: to_db_time(now),
        published_by: Some(admin.as_str().to_owned()),
    };
    match repo::publish(conn, &row) {
        Err(praxis_persistence::Error::UniqueViolation(_)) => {
            return Err(Error::conflict(
                "terms-version-exists",
                "That version was already published; choose a new version name.",
            ))
        }
        other => other?,
    }
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(admin),
            "terms.published",
            "terms",
            &row.version,
            None,
            Some(&serde_json::json!({"version": row.version})),
            now,
        ),
    )?;
    Ok(row)
}
