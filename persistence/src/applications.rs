//! PRO applications: one open (submitted) application per member, enforced by a partial unique
//! index, and decisions that change only an application still submitted.

use crate::error::{Error, Result};
use crate::keyset::{self, StatusQueue};
use crate::schema::pro_applications;
use crate::text_enum::DbEnum;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::applications::ApplicationStatus;
use praxis_domain::ids::{ApplicationId, UserId};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = pro_applications)]
pub struct ApplicationRow {
    pub id: String,
    pub user_id: String,
    pub training: String,
    pub experience: String,
    pub helping_others: String,
    pub commitment: bool,
    #[diesel(deserialize_as = DbEnum<ApplicationStatus>, serialize_as = DbEnum<ApplicationStatus>)]
    pub status: ApplicationStatus,
    pub note: Option<String>,
    pub submitted_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
}

/// Inserts a submitted application. A member who already has one open gets the conflict
/// `application-open`: the unique index decides, so concurrent submissions cannot both pass.
pub fn insert(conn: &mut DbConnection, row: &ApplicationRow) -> Result<()> {
    match diesel::insert_into(pro_applications::table)
        .values(row.clone())
        .execute(conn)
    {
        Ok(_) => Ok(()),
        Err(e) => match Error::from(e) {
            Error::UniqueViolation(_) => Err(praxis_domain::Error::conflict(
                "application-open",
                "You already have an open application; withdraw it or wait for the decision.",
            )
            .into()),
            other => Err(other),
        },
    }
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<ApplicationRow>> {
    Ok(pro_applications::table
        .find(id)
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()?)
}

/// A page of the member's applications, newest first, after the keyset cursor
/// `(submitted_at, id)` (index `pro_applications_user_idx`).
pub fn page_for_user(
    conn: &mut DbConnection,
    user_id: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ApplicationRow>> {
    let query = pro_applications::table
        .filter(pro_applications::user_id.eq(user_id.to_owned()))
        .select(ApplicationRow::as_select())
        .into_boxed();
    let columns = StatusQueue {
        status: pro_applications::status,
        key: pro_applications::submitted_at,
        id: pro_applications::id,
    };
    keyset::status_page(conn, query, columns, None, after, limit)
}

/// A page of applications, optionally of one status, newest first, after the keyset cursor
/// `(submitted_at, id)`.
pub fn page(
    conn: &mut DbConnection,
    status: Option<ApplicationStatus>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ApplicationRow>> {
    let status = status.map(|s| s.as_str());
    let query = pro_applications::table
        .select(ApplicationRow::as_select())
        .into_boxed();
    let columns = StatusQueue {
        status: pro_applications::status,
        key: pro_applications::submitted_at,
        id: pro_applications::id,
    };
    keyset::status_page(conn, query, columns, status, after, limit)
}

/// How an application leaves `submitted`.
#[derive(Debug, Clone)]
pub struct Closing<'a> {
    pub status: ApplicationStatus,
    pub note: Option<&'a str>,
    pub at: NaiveDateTime,
    pub by: &'a UserId,
}

/// Moves a submitted application to its final status. Returns `false` when it was no longer
/// submitted: the condition is in the `UPDATE` itself, so of two concurrent decisions only one
/// changes the row.
pub fn close(conn: &mut DbConnection, id: &ApplicationId, closing: &Closing<'_>) -> Result<bool> {
    let changed = diesel::update(
        pro_applications::table
            .find(id.as_str())
            .filter(pro_applications::status.eq(DbEnum(ApplicationStatus::Submitted))),
    )
    .set((
        pro_applications::status.eq(DbEnum(closing.status)),
        pro_applications::note.eq(closing.note),
        pro_applications::decided_at.eq(Some(closing.at)),
        pro_applications::decided_by.eq(Some(closing.by.as_str())),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Whether the member has an approved application: PRO may be subscribed to only then.
pub fn has_approved_application(conn: &mut DbConnection, user_id: &str) -> Result<bool> {
    let approved: i64 = pro_applications::table
        .filter(pro_applications::user_id.eq(user_id))
        .filter(pro_applications::status.eq(DbEnum(ApplicationStatus::Approved)))
        .count()
        .get_result(conn)?;
    Ok(approved > 0)
}
