//! Badge classes, requests with their evidence and reviews, and awards. The rules that decide
//! live in `praxis_domain::badges`; here the constraints that keep them true under concurrency:
//! one open request per student and class, one award per request, one held award per class and
//! member.

use crate::error::{Error, Result};
use crate::keyset::{self, Order, StatusQueue};
use crate::schema::{badge_awards, badge_classes, badge_evidence, badge_requests, badge_reviews};
use crate::text_enum::{DbEnum, DbEnumOpt};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::badges::{
    AwardVisibility, BadgeClassStatus, BadgeRequestStatus, ObjectionResolution, ReviewAnswer,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = badge_classes)]
pub struct BadgeClassRow {
    pub id: String,
    pub name: String,
    pub criteria: String,
    /// The skills, one per line.
    pub skills: String,
    pub required_reviewers: i32,
    #[diesel(deserialize_as = DbEnum<BadgeClassStatus>, serialize_as = DbEnum<BadgeClassStatus>)]
    pub status: BadgeClassStatus,
    pub proposed_by: Option<String>,
    pub proposal_id: Option<String>,
    pub created_at: NaiveDateTime,
}

impl BadgeClassRow {
    pub fn skill_list(&self) -> Vec<String> {
        self.skills.lines().map(str::to_owned).collect()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = badge_requests)]
pub struct BadgeRequestRow {
    pub id: String,
    pub badge_class_id: String,
    pub user_id: String,
    #[diesel(deserialize_as = DbEnum<BadgeRequestStatus>, serialize_as = DbEnum<BadgeRequestStatus>)]
    pub status: BadgeRequestStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = badge_evidence)]
pub struct EvidenceRow {
    pub id: String,
    pub request_id: String,
    pub text: String,
    pub url: Option<String>,
    pub added_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = badge_reviews)]
pub struct ReviewRow {
    pub id: String,
    pub request_id: String,
    pub reviewer_id: String,
    #[diesel(deserialize_as = DbEnum<ReviewAnswer>, serialize_as = DbEnum<ReviewAnswer>)]
    pub answer: ReviewAnswer,
    pub reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = DbEnumOpt<ObjectionResolution>, serialize_as = DbEnumOpt<ObjectionResolution>)]
    pub resolution: Option<ObjectionResolution>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = badge_awards)]
pub struct AwardRow {
    pub id: String,
    pub badge_class_id: String,
    pub request_id: Option<String>,
    pub user_id: String,
    #[diesel(deserialize_as = DbEnum<AwardVisibility>, serialize_as = DbEnum<AwardVisibility>)]
    pub visibility: AwardVisibility,
    pub awarded_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_reason: Option<String>,
    pub revoked_by: Option<String>,
}

/// Runs an insert, turning a unique violation into the conflict given.
fn insert_unique(
    result: diesel::QueryResult<usize>,
    kind: &'static str,
    detail: &'static str,
) -> Result<()> {
    match result.map_err(Error::from) {
        Ok(_) => Ok(()),
        Err(Error::UniqueViolation(_)) => Err(praxis_domain::Error::conflict(kind, detail).into()),
        Err(other) => Err(other),
    }
}

/// Inserts a class; the name is unique whatever its case (`badge-name-taken`).
pub fn insert_class(conn: &mut DbConnection, row: &BadgeClassRow) -> Result<()> {
    insert_unique(
        diesel::insert_into(badge_classes::table)
            .values(row.clone())
            .execute(conn),
        "badge-name-taken",
        "A badge class with this name exists already.",
    )
}

pub fn find_class(conn: &mut DbConnection, id: &str) -> Result<Option<BadgeClassRow>> {
    Ok(badge_classes::table
        .find(id)
        .select(BadgeClassRow::as_select())
        .first(conn)
        .optional()?)
}

/// A page of classes of one status (all when `None`), newest first, after `(created_at, id)`
/// (index `badge_classes_list_idx`).
pub fn page_classes(
    conn: &mut DbConnection,
    status: Option<BadgeClassStatus>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<BadgeClassRow>> {
    let query = badge_classes::table
        .select(BadgeClassRow::as_select())
        .into_boxed();
    let columns = StatusQueue {
        status: badge_classes::status,
        key: badge_classes::created_at,
        id: badge_classes::id,
    };
    keyset::status_page(
        conn,
        query,
        columns,
        status.map(|s| s.as_str()),
        after,
        limit,
    )
}

/// The proposed classes waiting on a superpod proposal.
pub fn classes_of_proposal(conn: &mut DbConnection, proposal_id: &str) -> Result<Vec<String>> {
    Ok(badge_classes::table
        .filter(badge_classes::proposal_id.eq(proposal_id))
        .filter(badge_classes::status.eq(DbEnum(BadgeClassStatus::Proposed)))
        .select(badge_classes::id)
        .load(conn)?)
}

/// Moves a proposed class to `status`; `false` when it was no longer proposed.
pub fn settle_proposed_class(
    conn: &mut DbConnection,
    id: &str,
    status: BadgeClassStatus,
) -> Result<bool> {
    let changed = diesel::update(
        badge_classes::table
            .find(id)
            .filter(badge_classes::status.eq(DbEnum(BadgeClassStatus::Proposed))),
    )
    .set(badge_classes::status.eq(DbEnum(status)))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Inserts a request: one open request per student and class (`badge-request-open`).
pub fn insert_request(conn: &mut DbConnection, row: &BadgeRequestRow) -> Result<()> {
    insert_unique(
        diesel::insert_into(badge_requests::table)
            .values(row.clone())
            .execute(conn),
        "badge-request-open",
        "You already have an open request for this badge; add evidence to it instead.",
    )
}

pub fn find_request(conn: &mut DbConnection, id: &str) -> Result<Option<BadgeRequestRow>> {
    Ok(badge_requests::table
        .find(id)
        .select(BadgeRequestRow::as_select())
        .first(conn)
        .optional()?)
}

/// Writes the request row first thing in a transaction: on PostgreSQL the row lock makes
/// concurrent reviews of one request take turns (SQLite's write transactions already do), so
/// the last consent always sees the others and the award is never missed.
pub fn lock_request(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> Result<bool> {
    let changed = diesel::update(badge_requests::table.find(id))
        .set(badge_requests::updated_at.eq(at))
        .execute(conn)?;
    Ok(changed == 1)
}

pub fn mark_awarded(conn: &mut DbConnection, id: &str) -> Result<()> {
    diesel::update(badge_requests::table.find(id))
        .set(badge_requests::status.eq(DbEnum(BadgeRequestStatus::Awarded)))
        .execute(conn)?;
    Ok(())
}

pub fn insert_evidence(conn: &mut DbConnection, rows: &[EvidenceRow]) -> Result<()> {
    for row in rows {
        diesel::insert_into(badge_evidence::table)
            .values(row.clone())
            .execute(conn)?;
    }
    Ok(())
}

/// A request's evidence, oldest first.
pub fn evidence_of(conn: &mut DbConnection, request_id: &str) -> Result<Vec<EvidenceRow>> {
    Ok(badge_evidence::table
        .filter(badge_evidence::request_id.eq(request_id))
        .order((badge_evidence::added_at.asc(), badge_evidence::id.asc()))
        .select(EvidenceRow::as_select())
        .load(conn)?)
}

pub fn insert_review(conn: &mut DbConnection, row: &ReviewRow) -> Result<()> {
    diesel::insert_into(badge_reviews::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// A request's reviews, oldest first: the whole record, answers kept as given.
pub fn reviews_of(conn: &mut DbConnection, request_id: &str) -> Result<Vec<ReviewRow>> {
    Ok(badge_reviews::table
        .filter(badge_reviews::request_id.eq(request_id))
        .order((badge_reviews::created_at.asc(), badge_reviews::id.asc()))
        .select(ReviewRow::as_select())
        .load(conn)?)
}

/// Ends the reviewer's standing objections on a request, saying how; returns how many ended.
pub fn end_objections(
    conn: &mut DbConnection,
    request_id: &str,
    reviewer_id: &str,
    how: ObjectionResolution,
    at: NaiveDateTime,
) -> Result<usize> {
    Ok(diesel::update(
        badge_reviews::table
            .filter(badge_reviews::request_id.eq(request_id))
            .filter(badge_reviews::reviewer_id.eq(reviewer_id))
            .filter(badge_reviews::answer.eq(DbEnum(ReviewAnswer::Objection)))
            .filter(badge_reviews::resolved_at.is_null()),
    )
    .set((
        badge_reviews::resolved_at.eq(Some(at)),
        badge_reviews::resolution.eq(DbEnumOpt(Some(how))),
    ))
    .execute(conn)?)
}

/// Inserts an award. `false` when the request (or the class, for this member) already has one:
/// of concurrent last consents exactly one awards.
pub fn insert_award(conn: &mut DbConnection, row: &AwardRow) -> Result<bool> {
    match diesel::insert_into(badge_awards::table)
        .values(row.clone())
        .execute(conn)
        .map_err(Error::from)
    {
        Ok(_) => Ok(true),
        Err(Error::UniqueViolation(_)) => Ok(false),
        Err(other) => Err(other),
    }
}

pub fn find_award(conn: &mut DbConnection, id: &str) -> Result<Option<AwardRow>> {
    Ok(badge_awards::table
        .find(id)
        .select(AwardRow::as_select())
        .first(conn)
        .optional()?)
}

/// The award a request led to, if any.
pub fn award_of_request(conn: &mut DbConnection, request_id: &str) -> Result<Option<AwardRow>> {
    Ok(badge_awards::table
        .filter(badge_awards::request_id.eq(request_id))
        .select(AwardRow::as_select())
        .first(conn)
        .optional()?)
}

/// Whether the member holds the class (an award not revoked).
pub fn holds(conn: &mut DbConnection, class_id: &str, user_id: &str) -> Result<bool> {
    let held: i64 = badge_awards::table
        .filter(badge_awards::badge_class_id.eq(class_id))
        .filter(badge_awards::user_id.eq(user_id))
        .filter(badge_awards::revoked_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(held > 0)
}

/// A page of a member's awards with their classes, newest first, after `(awarded_at, id)`
/// (index `badge_awards_user_idx`): only those of the visibilities given, revoked ones only
/// when asked.
pub fn page_awards_of(
    conn: &mut DbConnection,
    user_id: &str,
    visibilities: &[AwardVisibility],
    with_revoked: bool,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<(AwardRow, BadgeClassRow)>> {
    let shown: Vec<DbEnum<AwardVisibility>> = visibilities.iter().copied().map(DbEnum).collect();
    let mut query = badge_awards::table
        .inner_join(badge_classes::table)
        .filter(badge_awards::user_id.eq(user_id))
        .filter(badge_awards::visibility.eq_any(shown))
        .order((badge_awards::awarded_at.desc(), badge_awards::id.desc()))
        .limit(limit)
        .select((AwardRow::as_select(), BadgeClassRow::as_select()))
        .into_boxed();
    if !with_revoked {
        query = query.filter(badge_awards::revoked_at.is_null());
    }
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Desc,
            badge_awards::awarded_at,
            badge_awards::id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}

pub fn set_visibility(
    conn: &mut DbConnection,
    id: &str,
    visibility: AwardVisibility,
) -> Result<()> {
    diesel::update(badge_awards::table.find(id))
        .set(badge_awards::visibility.eq(DbEnum(visibility)))
        .execute(conn)?;
    Ok(())
}

/// Revokes an award not yet revoked; `false` when it already was.
pub fn revoke(
    conn: &mut DbConnection,
    id: &str,
    reason: &str,
    by: &str,
    at: NaiveDateTime,
) -> Result<bool> {
    let changed = diesel::update(
        badge_awards::table
            .find(id)
            .filter(badge_awards::revoked_at.is_null()),
    )
    .set((
        badge_awards::revoked_at.eq(Some(at)),
        badge_awards::revoked_reason.eq(Some(reason)),
        badge_awards::revoked_by.eq(Some(by)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Retires a class that is proposed or active (its superpod agreement was retired); `false`
/// when it was retired already.
pub fn retire_class(conn: &mut DbConnection, id: &str) -> Result<bool> {
    let live = [
        DbEnum(BadgeClassStatus::Proposed),
        DbEnum(BadgeClassStatus::Active),
    ];
    let changed = diesel::update(
        badge_classes::table
            .find(id)
            .filter(badge_classes::status.eq_any(live)),
    )
    .set(badge_classes::status.eq(DbEnum(BadgeClassStatus::Retired)))
    .execute(conn)?;
    Ok(changed == 1)
}
