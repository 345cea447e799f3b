//! Mentor profiles, mentorships (a confirmed enrolment's mentor) and enrolments' topics. A
//! mentee holds place n of its mentor and `(mentor_id, place)` is unique, so two confirmations
//! never share a place, on either engine.

use crate::error::{Error, Result};
use crate::schema::{academy_enrolment_topics, academy_mentor_profiles, academy_mentorships};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = academy_mentor_profiles)]
pub struct MentorProfileRow {
    pub user_id: String,
    /// ISO 639-1 codes joined by commas.
    pub languages: String,
    pub time_zone: String,
    /// Lower-case topics joined by newlines.
    pub topics: String,
    pub capacity: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = academy_mentorships)]
pub struct MentorshipRow {
    pub enrolment_id: String,
    pub mentor_id: String,
    pub place: i32,
    pub matched_by: Option<String>,
    pub matched_at: NaiveDateTime,
}

/// Creates or replaces the member's profile (keeping when it was first published).
pub fn put_profile(conn: &mut DbConnection, row: &MentorProfileRow) -> Result<MentorProfileRow> {
    let changed = diesel::update(
        academy_mentor_profiles::table.filter(academy_mentor_profiles::user_id.eq(&row.user_id)),
    )
    .set((
        academy_mentor_profiles::languages.eq(&row.languages),
        academy_mentor_profiles::time_zone.eq(&row.time_zone),
        academy_mentor_profiles::topics.eq(&row.topics),
        academy_mentor_profiles::capacity.eq(row.capacity),
        academy_mentor_profiles::updated_at.eq(row.updated_at),
    ))
    .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(academy_mentor_profiles::table)
            .values(row.clone())
            .execute(conn)?;
    }
    find_profile(conn, &row.user_id)?.ok_or(Error::NotFound)
}

pub fn find_profile(conn: &mut DbConnection, user: &str) -> Result<Option<MentorProfileRow>> {
    Ok(academy_mentor_profiles::table
        .filter(academy_mentor_profiles::user_id.eq(user))
        .select(MentorProfileRow::as_select())
        .first(conn)
        .optional()?)
}

/// The profile, locked until the transaction ends on PostgreSQL (SQLite's immediate
/// transaction already serialises writers), so places are counted one confirmation at a time.
pub fn lock_profile(conn: &mut DbConnection, user: &str) -> Result<Option<MentorProfileRow>> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query(
            "SELECT user_id FROM academy_mentor_profiles WHERE user_id = $1 FOR UPDATE",
        )
        .bind::<diesel::sql_types::Text, _>(user)
        .execute(pg)?;
    }
    find_profile(conn, user)
}

/// Locks the enrolment's row until the transaction ends on PostgreSQL, so two hosts matching
/// the same enrolment at once take turns (always before the mentor's profile: one lock order).
pub fn lock_enrolment(conn: &mut DbConnection, enrolment: &str) -> Result<()> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("SELECT id FROM academy_enrolments WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Text, _>(enrolment)
            .execute(pg)?;
    }
    Ok(())
}

/// Every profile that takes mentees at all (capacity above zero), by user id.
pub fn open_profiles(conn: &mut DbConnection) -> Result<Vec<MentorProfileRow>> {
    Ok(academy_mentor_profiles::table
        .filter(academy_mentor_profiles::capacity.gt(0))
        .order(academy_mentor_profiles::user_id.asc())
        .select(MentorProfileRow::as_select())
        .load(conn)?)
}

/// How many mentees each mentor has now, in one query.
pub fn mentee_counts(conn: &mut DbConnection) -> Result<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = academy_mentorships::table
        .group_by(academy_mentorships::mentor_id)
        .select((academy_mentorships::mentor_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The places the mentor's mentees hold, leaving out `except` (an enrolment being re-matched).
pub fn places_of(conn: &mut DbConnection, mentor: &str, except: &str) -> Result<Vec<i32>> {
    Ok(academy_mentorships::table
        .filter(academy_mentorships::mentor_id.eq(mentor))
        .filter(academy_mentorships::enrolment_id.ne(except))
        .select(academy_mentorships::place)
        .load(conn)?)
}

pub fn mentee_count(conn: &mut DbConnection, mentor: &str) -> Result<i64> {
    Ok(academy_mentorships::table
        .filter(academy_mentorships::mentor_id.eq(mentor))
        .count()
        .get_result(conn)?)
}

pub fn mentorship_of(conn: &mut DbConnection, enrolment: &str) -> Result<Option<MentorshipRow>> {
    Ok(academy_mentorships::table
        .filter(academy_mentorships::enrolment_id.eq(enrolment))
        .select(MentorshipRow::as_select())
        .first(conn)
        .optional()?)
}

/// Makes `row` the enrolment's mentorship, freeing the place of the one it replaces. A place
/// another confirmation took meanwhile is the conflict `mentor-full`.
pub fn put_mentorship(conn: &mut DbConnection, row: &MentorshipRow) -> Result<()> {
    diesel::delete(
        academy_mentorships::table.filter(academy_mentorships::enrolment_id.eq(&row.enrolment_id)),
    )
    .execute(conn)?;
    let inserted = diesel::insert_into(academy_mentorships::table)
        .values(row.clone())
        .execute(conn);
    match inserted.map_err(Error::from) {
        Ok(_) => Ok(()),
        Err(Error::UniqueViolation(_)) => Err(praxis_domain::Error::conflict(
            "mentor-full",
            "Another confirmation took this place; the mentor has no free place.",
        )
        .into()),
        Err(other) => Err(other),
    }
}

/// A page of the mentor's mentorships, oldest match first, after `(matched_at, enrolment_id)`.
pub fn mentees_page(
    conn: &mut DbConnection,
    mentor: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<MentorshipRow>> {
    let mut query = academy_mentorships::table
        .filter(academy_mentorships::mentor_id.eq(mentor))
        .order((
            academy_mentorships::matched_at.asc(),
            academy_mentorships::enrolment_id.asc(),
        ))
        .limit(limit)
        .select(MentorshipRow::as_select())
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            academy_mentorships::matched_at
                .gt(at)
                .or(academy_mentorships::matched_at
                    .eq(at)
                    .and(academy_mentorships::enrolment_id.gt(id))),
        );
    }
    Ok(query.load(conn)?)
}

pub fn insert_topics(conn: &mut DbConnection, enrolment: &str, topics: &[String]) -> Result<()> {
    for topic in topics {
        diesel::insert_into(academy_enrolment_topics::table)
            .values((
                academy_enrolment_topics::enrolment_id.eq(enrolment),
                academy_enrolment_topics::topic.eq(topic),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The topics of an enrolment, alphabetically.
pub fn topics_of(conn: &mut DbConnection, enrolment: &str) -> Result<Vec<String>> {
    Ok(academy_enrolment_topics::table
        .filter(academy_enrolment_topics::enrolment_id.eq(enrolment))
        .order(academy_enrolment_topics::topic.asc())
        .select(academy_enrolment_topics::topic)
        .load(conn)?)
}
