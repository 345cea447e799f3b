//! The Academy's pods and their delegates, and the superpod's agreements put before the Academy
//! circle. `academy_pod_members.user_id` is the primary key: a student is in one pod at most,
//! even when hosts form pods at once.

use crate::error::{Error, Result};
use crate::schema::{
    academy_enrolment_members, academy_enrolments, academy_linked_agreements, academy_pod_members,
    academy_pods, circles, users,
};
use crate::text_enum::DbEnum;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::academy::EnrolmentStatus;
use praxis_domain::decisions::AgreementTopic;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = academy_pods)]
pub struct PodRow {
    pub circle_id: String,
    pub delegate_id: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = academy_linked_agreements)]
pub struct LinkedAgreementRow {
    /// The superpod's agreement.
    pub agreement_id: String,
    #[diesel(deserialize_as = DbEnum<AgreementTopic>, serialize_as = DbEnum<AgreementTopic>)]
    pub topic: AgreementTopic,
    /// The Academy circle, which answers it.
    pub answering_circle_id: String,
    /// The driver put before the Academy circle.
    pub driver_id: String,
    /// The Academy circle's agreement answering that driver.
    pub answer_agreement_id: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// A student of a confirmed enrolment, with what pods are formed by.
#[derive(Debug, Clone)]
pub struct ConfirmedStudent {
    pub user_id: String,
    pub enrolment_id: String,
    pub org_name: String,
    pub time_zone: String,
}

/// Inserts a pod with its students. A student already in a pod is the conflict
/// `already-in-a-pod` (the primary key decides, so concurrent forms cannot both place one).
pub fn insert(
    conn: &mut DbConnection,
    row: &PodRow,
    members: &[String],
    at: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(academy_pods::table)
        .values(row.clone())
        .execute(conn)?;
    let rows: Vec<_> = members
        .iter()
        .map(|m| {
            (
                academy_pod_members::user_id.eq(m),
                academy_pod_members::pod_id.eq(&row.circle_id),
                academy_pod_members::added_at.eq(at),
            )
        })
        .collect();
    for values in rows {
        match diesel::insert_into(academy_pod_members::table)
            .values(values)
            .execute(conn)
            .map_err(Error::from)
        {
            Ok(_) => {}
            Err(Error::UniqueViolation(_)) => {
                return Err(praxis_domain::Error::conflict(
                    "already-in-a-pod",
                    "A student named is already in a pod; a student is in one pod at most.",
                )
                .into())
            }
            Err(other) => return Err(other),
        }
    }
    Ok(())
}

pub fn find(conn: &mut DbConnection, circle_id: &str) -> Result<Option<PodRow>> {
    Ok(academy_pods::table
        .find(circle_id)
        .select(PodRow::as_select())
        .first(conn)
        .optional()?)
}

/// The pod a student is in, if any.
pub fn pod_of(conn: &mut DbConnection, user: &str) -> Result<Option<String>> {
    Ok(academy_pod_members::table
        .find(user)
        .select(academy_pod_members::pod_id)
        .first(conn)
        .optional()?)
}

/// Which of `users` are in a pod already.
pub fn already_in_a_pod(conn: &mut DbConnection, users: &[String]) -> Result<Vec<String>> {
    Ok(academy_pod_members::table
        .filter(academy_pod_members::user_id.eq_any(users))
        .select(academy_pod_members::user_id)
        .order(academy_pod_members::user_id.asc())
        .load(conn)?)
}

/// How many pods exist (forming names new pods after them).
pub fn count(conn: &mut DbConnection) -> Result<i64> {
    Ok(academy_pods::table.count().get_result(conn)?)
}

/// The pods these circles are, oldest first.
pub fn of_circles(conn: &mut DbConnection, circles: &[String]) -> Result<Vec<PodRow>> {
    Ok(academy_pods::table
        .filter(academy_pods::circle_id.eq_any(circles))
        .select(PodRow::as_select())
        .order((
            academy_pods::created_at.asc(),
            academy_pods::circle_id.asc(),
        ))
        .load(conn)?)
}

/// Every pod with a delegate, oldest first.
pub fn with_delegates(conn: &mut DbConnection) -> Result<Vec<PodRow>> {
    Ok(academy_pods::table
        .filter(academy_pods::delegate_id.is_not_null())
        .select(PodRow::as_select())
        .order((
            academy_pods::created_at.asc(),
            academy_pods::circle_id.asc(),
        ))
        .load(conn)?)
}

/// Records the pod's delegate, replacing the previous one.
pub fn set_delegate(conn: &mut DbConnection, pod: &str, delegate: &str) -> Result<()> {
    diesel::update(academy_pods::table.find(pod))
        .set(academy_pods::delegate_id.eq(Some(delegate)))
        .execute(conn)?;
    Ok(())
}

/// How many pods `user` is the delegate of.
pub fn delegations(conn: &mut DbConnection, user: &str) -> Result<i64> {
    Ok(academy_pods::table
        .filter(academy_pods::delegate_id.eq(user))
        .count()
        .get_result(conn)?)
}

/// The students of confirmed enrolments among `users` (all of them when `None`), each once
/// (with their oldest confirmed enrolment), ordered by id.
pub fn confirmed_students(
    conn: &mut DbConnection,
    among: Option<&[String]>,
) -> Result<Vec<ConfirmedStudent>> {
    let mut query = academy_enrolment_members::table
        .inner_join(academy_enrolments::table)
        .filter(academy_enrolments::status.eq(DbEnum(EnrolmentStatus::Confirmed)))
        .select((
            academy_enrolment_members::user_id,
            academy_enrolments::id,
            academy_enrolments::org_name,
        ))
        .order((
            academy_enrolment_members::user_id.asc(),
            academy_enrolments::confirmed_at.asc(),
            academy_enrolments::id.asc(),
        ))
        .into_boxed();
    if let Some(among) = among {
        query = query.filter(academy_enrolment_members::user_id.eq_any(among.to_vec()));
    }
    let mut rows: Vec<(String, String, String)> = query.load(conn)?;
    rows.dedup_by(|a, b| a.0 == b.0);
    let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    let zones: std::collections::HashMap<String, String> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::time_zone))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|(user_id, enrolment_id, org_name)| ConfirmedStudent {
            time_zone: zones.get(&user_id).cloned().unwrap_or_default(),
            user_id,
            enrolment_id,
            org_name,
        })
        .collect())
}

pub fn insert_link(conn: &mut DbConnection, row: &LinkedAgreementRow) -> Result<()> {
    diesel::insert_into(academy_linked_agreements::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn link_of_agreement(
    conn: &mut DbConnection,
    agreement: &str,
) -> Result<Option<LinkedAgreementRow>> {
    Ok(academy_linked_agreements::table
        .find(agreement)
        .select(LinkedAgreementRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn link_of_driver(conn: &mut DbConnection, driver: &str) -> Result<Option<LinkedAgreementRow>> {
    Ok(academy_linked_agreements::table
        .filter(academy_linked_agreements::driver_id.eq(driver))
        .select(LinkedAgreementRow::as_select())
        .first(conn)
        .optional()?)
}

/// The links of these superpod agreements.
pub fn links_of(conn: &mut DbConnection, agreements: &[String]) -> Result<Vec<LinkedAgreementRow>> {
    Ok(academy_linked_agreements::table
        .filter(academy_linked_agreements::agreement_id.eq_any(agreements))
        .select(LinkedAgreementRow::as_select())
        .load(conn)?)
}

/// Links the answer to the driver's superpod agreement; `false` when it was answered already.
pub fn answer(
    conn: &mut DbConnection,
    driver: &str,
    answer_agreement: &str,
    at: NaiveDateTime,
) -> Result<bool> {
    let changed = diesel::update(
        academy_linked_agreements::table
            .filter(academy_linked_agreements::driver_id.eq(driver))
            .filter(academy_linked_agreements::answer_agreement_id.is_null()),
    )
    .set((
        academy_linked_agreements::answer_agreement_id.eq(Some(answer_agreement)),
        academy_linked_agreements::answered_at.eq(Some(at)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The superpod's agreements put before the Academy circle, oldest first, after `after`
/// (index `academy_linked_agreements_list_idx`).
pub fn links_page(
    conn: &mut DbConnection,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<LinkedAgreementRow>> {
    let mut query = academy_linked_agreements::table
        .select(LinkedAgreementRow::as_select())
        .order((
            academy_linked_agreements::created_at.asc(),
            academy_linked_agreements::agreement_id.asc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            academy_linked_agreements::created_at
                .gt(at)
                .or(academy_linked_agreements::created_at
                    .eq(at)
                    .and(academy_linked_agreements::agreement_id.gt(id))),
        );
    }
    Ok(query.load(conn)?)
}

/// The names of these pods' circles.
pub fn names(conn: &mut DbConnection, pods: &[String]) -> Result<Vec<(String, String)>> {
    Ok(circles::table
        .filter(circles::id.eq_any(pods))
        .select((circles::id, circles::name))
        .load(conn)?)
}
