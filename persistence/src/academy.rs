//! The Academy's cohorts and enrolments. A confirmed enrolment holds seat n of its cohort;
//! `(cohort_id, seat)` is unique, so two confirmations never share a seat.

use crate::error::{Error, Result};
use crate::schema::{academy_cohorts, academy_enrolment_members, academy_enrolments};
use crate::text_enum::DbEnum;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::academy::EnrolmentStatus;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = academy_cohorts)]
pub struct CohortRow {
    pub id: String,
    pub name: String,
    pub capacity: i32,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = academy_enrolments)]
pub struct EnrolmentRow {
    pub id: String,
    pub requested_by: Option<String>,
    pub org_name: String,
    pub org_size: i32,
    pub org_sector: String,
    pub org_country: String,
    pub org_languages: String,
    #[diesel(deserialize_as = DbEnum<EnrolmentStatus>, serialize_as = DbEnum<EnrolmentStatus>)]
    pub status: EnrolmentStatus,
    pub cohort_id: Option<String>,
    pub seat: Option<i32>,
    pub circle_id: Option<String>,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn insert_cohort(conn: &mut DbConnection, row: &CohortRow) -> Result<()> {
    diesel::insert_into(academy_cohorts::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The cohort, locked until the transaction ends on PostgreSQL (SQLite's immediate transaction
/// already serialises writers), so seats are counted one confirmation at a time.
pub fn lock_cohort(conn: &mut DbConnection, id: &str) -> Result<Option<CohortRow>> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("SELECT id FROM academy_cohorts WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Text, _>(id)
            .execute(pg)?;
    }
    Ok(academy_cohorts::table
        .filter(academy_cohorts::id.eq(id))
        .select(CohortRow::as_select())
        .first(conn)
        .optional()?)
}

/// How many seats of the cohort confirmed enrolments hold.
pub fn seats_taken(conn: &mut DbConnection, cohort: &str) -> Result<i64> {
    Ok(academy_enrolments::table
        .filter(academy_enrolments::cohort_id.eq(cohort))
        .count()
        .get_result(conn)?)
}

pub fn insert_enrolment(
    conn: &mut DbConnection,
    row: &EnrolmentRow,
    members: &[String],
) -> Result<()> {
    diesel::insert_into(academy_enrolments::table)
        .values(row.clone())
        .execute(conn)?;
    for member in members {
        diesel::insert_into(academy_enrolment_members::table)
            .values((
                academy_enrolment_members::enrolment_id.eq(&row.id),
                academy_enrolment_members::user_id.eq(member),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find_enrolment(conn: &mut DbConnection, id: &str) -> Result<Option<EnrolmentRow>> {
    Ok(academy_enrolments::table
        .filter(academy_enrolments::id.eq(id))
        .select(EnrolmentRow::as_select())
        .first(conn)
        .optional()?)
}

/// The people of an enrolment's implementation circle.
pub fn members_of(conn: &mut DbConnection, enrolment: &str) -> Result<Vec<String>> {
    Ok(academy_enrolment_members::table
        .filter(academy_enrolment_members::enrolment_id.eq(enrolment))
        .order(academy_enrolment_members::user_id.asc())
        .select(academy_enrolment_members::user_id)
        .load(conn)?)
}

/// The enrolments `user` asked for or is part of, oldest first.
pub fn of_user(conn: &mut DbConnection, user: &str) -> Result<Vec<EnrolmentRow>> {
    let theirs = academy_enrolment_members::table
        .filter(academy_enrolment_members::user_id.eq(user))
        .select(academy_enrolment_members::enrolment_id);
    Ok(academy_enrolments::table
        .filter(
            academy_enrolments::requested_by
                .eq(user)
                .or(academy_enrolments::id.eq_any(theirs)),
        )
        .select(EnrolmentRow::as_select())
        .order((
            academy_enrolments::created_at.asc(),
            academy_enrolments::id.asc(),
        ))
        .load(conn)?)
}

/// Confirms a pending enrolment into seat `seat` of `cohort`. A seat another confirmation took
/// meanwhile is the conflict `cohort-full`.
pub fn confirm(
    conn: &mut DbConnection,
    id: &str,
    cohort: &str,
    seat: i32,
    circle: &str,
    by: &str,
    at: NaiveDateTime,
) -> Result<()> {
    let result = diesel::update(
        academy_enrolments::table
            .filter(academy_enrolments::id.eq(id))
            .filter(academy_enrolments::status.eq(DbEnum(EnrolmentStatus::Pending))),
    )
    .set((
        academy_enrolments::status.eq(DbEnum(EnrolmentStatus::Confirmed)),
        academy_enrolments::cohort_id.eq(Some(cohort)),
        academy_enrolments::seat.eq(Some(seat)),
        academy_enrolments::circle_id.eq(Some(circle)),
        academy_enrolments::confirmed_by.eq(Some(by)),
        academy_enrolments::confirmed_at.eq(Some(at)),
    ))
    .execute(conn);
    match result.map_err(Error::from) {
        Ok(_) => Ok(()),
        Err(Error::UniqueViolation(_)) => Err(praxis_domain::Error::conflict(
            "cohort-full",
            "Another confirmation took this seat; every seat of the cohort is taken.",
        )
        .into()),
        Err(other) => Err(other),
    }
}
