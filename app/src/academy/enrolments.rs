//! Enrolments: an organisation enrols an implementation circle of 1–3 people; a host confirms
//! it into a cohort, which gives it a seat (never more than the cohort has, even when hosts
//! confirm at once) and makes its implementation circle.

use crate::circles::{self, NewCircle};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use praxis_domain::academy::{self, EnrolmentStatus, Organisation};
use praxis_domain::decisions::CircleKind;
use praxis_domain::ids::{CohortId, EnrolmentId, UserId};
use praxis_persistence::academy::{self as repo, CohortRow, EnrolmentRow};
use praxis_persistence::{audit, mentoring, to_db_time, users, DbConnection};

/// An enrolment with the people of its implementation circle, its topics and its mentor.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub row: EnrolmentRow,
    pub member_ids: Vec<String>,
    /// What the organisation wants its mentor to know about, lower case.
    pub topics: Vec<String>,
    /// The mentor a host matched it with: id and display name.
    pub mentor: Option<(String, String)>,
}

pub(crate) fn load(conn: &mut DbConnection, row: EnrolmentRow) -> Result<Enrolment> {
    let member_ids = repo::members_of(conn, &row.id)?;
    let topics = mentoring::topics_of(conn, &row.id)?;
    let mentor = match mentoring::mentorship_of(conn, &row.id)? {
        Some(m) => {
            let name = users::display_names(conn, std::slice::from_ref(&m.mentor_id))?
                .remove(&m.mentor_id)
                .unwrap_or_default();
            Some((m.mentor_id, name))
        }
        None => None,
    };
    Ok(Enrolment {
        row,
        member_ids,
        topics,
        mentor,
    })
}

/// A member enrols an organisation with its implementation circle (1–3 existing members) and
/// the topics it wants a mentor for (checked with [`praxis_domain::mentoring::topics`]).
pub fn enrol(
    conn: &mut DbConnection,
    user: &UserId,
    organisation: Organisation,
    member_ids: Vec<UserId>,
    topics: Vec<String>,
    now: DateTime<Utc>,
) -> Result<Enrolment> {
    let ids: Vec<String> = member_ids.iter().map(|m| m.as_str().to_owned()).collect();
    academy::circle_size(&ids)?;
    circles::existing_users(conn, "member_ids", &member_ids)?;
    let row = EnrolmentRow {
        id: EnrolmentId::new().into_inner(),
        requested_by: Some(user.as_str().to_owned()),
        org_name: organisation.name,
        org_size: organisation.size,
        org_sector: organisation.sector,
        org_country: organisation.country,
        org_languages: organisation.languages.join(","),
        status: EnrolmentStatus::Pending,
        cohort_id: None,
        seat: None,
        circle_id: None,
        confirmed_by: None,
        confirmed_at: None,
        created_at: to_db_time(now),
    };
    repo::insert_enrolment(conn, &row, &ids)?;
    mentoring::insert_topics(conn, &row.id, &topics)?;
    load(conn, row)
}

/// The enrolments the member asked for or is part of.
pub fn mine(conn: &mut DbConnection, user: &UserId) -> Result<Vec<Enrolment>> {
    repo::of_user(conn, user.as_str())?
        .into_iter()
        .map(|row| load(conn, row))
        .collect()
}

/// A host opens a cohort with `capacity` seats. Audited.
pub fn create_cohort(
    conn: &mut DbConnection,
    host: &UserId,
    name: &str,
    capacity: i64,
    now: DateTime<Utc>,
) -> Result<CohortRow> {
    let name = praxis_domain::learning::text("name", name, 200)?;
    let capacity = i32::try_from(capacity)
        .ok()
        .filter(|c| *c > 0)
        .ok_or_else(|| Error::field("capacity", "must be a positive number"))?;
    let row = CohortRow {
        id: CohortId::new().into_inner(),
        name,
        capacity,
        created_at: to_db_time(now),
    };
    repo::insert_cohort(conn, &row)?;
    let after = serde_json::json!({"name": row.name, "capacity": capacity});
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(host),
            "academy.cohort_created",
            "academy_cohort",
            &row.id,
            None,
            Some(&after),
            now,
        ),
    )?;
    Ok(row)
}

/// A host confirms an enrolment into a cohort: it takes the next seat (409 `cohort-full` when
/// none is left, 409 `enrolment-confirmed` the second time) and its implementation circle is
/// made. Audited.
pub fn confirm(
    conn: &mut DbConnection,
    host: &UserId,
    enrolment: &EnrolmentId,
    cohort: &CohortId,
    now: DateTime<Utc>,
) -> Result<Enrolment> {
    let cohort = repo::lock_cohort(conn, cohort.as_str())?
        .ok_or_else(|| Error::field("cohort_id", "no cohort has this id"))?;
    let row =
        repo::find_enrolment(conn, enrolment.as_str())?.ok_or(Error::NotFound("enrolment"))?;
    academy::may_confirm(row.status)?;
    let seat = academy::next_seat(repo::seats_taken(conn, &cohort.id)?, cohort.capacity)?;
    let members: Vec<UserId> = repo::members_of(conn, &row.id)?
        .into_iter()
        .map(UserId::from_trusted)
        .collect();
    let draft = NewCircle::parse(
        &row.org_name,
        &format!("The implementation circle of {}.", row.org_name),
        CircleKind::Implementation,
        members,
    )?;
    let circle = circles::create(conn, None, draft, now)?;
    repo::confirm(
        conn,
        &row.id,
        &cohort.id,
        seat,
        &circle.row.id,
        host.as_str(),
        to_db_time(now),
    )?;
    let after =
        serde_json::json!({"cohort_id": cohort.id, "seat": seat, "circle_id": circle.row.id});
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(host),
            "academy.enrolment_confirmed",
            "academy_enrolment",
            &row.id,
            None,
            Some(&after),
            now,
        ),
    )?;
    let row = repo::find_enrolment(conn, &row.id)?.ok_or(Error::NotFound("enrolment"))?;
    load(conn, row)
}
