//! Drivers, proposals and their versions, consent rounds with their answers and objections,
//! agreements, and the history of every step.

use crate::error::Result;
use crate::schema::{
    agreements, consent_rounds, decision_history, drivers, objections, proposal_versions,
    proposals, round_answers,
};
use crate::text_enum::{DbEnum, DbEnumOpt};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::decisions::{
    AgreementStatus, AgreementTopic, AnswerKind, ObjectionStatus, ProposalStatus, RoundStatus,
    SubjectKind,
};

/// The keyset of lists in a circle: creation, then id.
pub type CreatedKey = (NaiveDateTime, String);

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = drivers)]
pub struct DriverRow {
    pub id: String,
    pub circle_id: String,
    pub author_id: Option<String>,
    pub situation: String,
    pub effect: String,
    pub need: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = proposals)]
pub struct ProposalRow {
    pub id: String,
    pub circle_id: String,
    pub driver_id: String,
    pub author_id: Option<String>,
    pub title: String,
    #[diesel(deserialize_as = DbEnum<ProposalStatus>, serialize_as = DbEnum<ProposalStatus>)]
    pub status: ProposalStatus,
    #[diesel(deserialize_as = DbEnumOpt<SubjectKind>, serialize_as = DbEnumOpt<SubjectKind>)]
    pub subject_kind: Option<SubjectKind>,
    pub subject_id: Option<String>,
    #[diesel(deserialize_as = DbEnumOpt<AgreementTopic>, serialize_as = DbEnumOpt<AgreementTopic>)]
    pub topic: Option<AgreementTopic>,
    pub supersedes_id: Option<String>,
    pub review_after_days: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = proposal_versions)]
pub struct VersionRow {
    pub id: String,
    pub proposal_id: String,
    pub number: i32,
    pub body: String,
    pub author_id: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = consent_rounds)]
pub struct RoundRow {
    pub id: String,
    pub proposal_id: String,
    pub agreement_id: Option<String>,
    pub version_id: String,
    pub opened_by: Option<String>,
    pub opened_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    #[diesel(deserialize_as = DbEnum<RoundStatus>, serialize_as = DbEnum<RoundStatus>)]
    pub status: RoundStatus,
    pub closed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = round_answers)]
pub struct AnswerRow {
    pub round_id: String,
    pub user_id: String,
    #[diesel(deserialize_as = DbEnum<AnswerKind>, serialize_as = DbEnum<AnswerKind>)]
    pub answer: AnswerKind,
    pub note: Option<String>,
    pub answered_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = objections)]
pub struct ObjectionRow {
    pub id: String,
    pub round_id: String,
    pub proposal_id: String,
    pub objector_id: String,
    pub reason: String,
    #[diesel(deserialize_as = DbEnum<ObjectionStatus>, serialize_as = DbEnum<ObjectionStatus>)]
    pub status: ObjectionStatus,
    pub integrated_version_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub settled_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = agreements)]
pub struct AgreementRow {
    pub id: String,
    pub circle_id: String,
    pub proposal_id: String,
    pub version_id: String,
    #[diesel(deserialize_as = DbEnum<AgreementStatus>, serialize_as = DbEnum<AgreementStatus>)]
    pub status: AgreementStatus,
    pub review_at: NaiveDateTime,
    pub reminded_for: Option<NaiveDateTime>,
    pub superseded_by: Option<String>,
    pub agreed_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = decision_history)]
pub struct HistoryRow {
    pub id: String,
    pub circle_id: String,
    pub proposal_id: Option<String>,
    pub agreement_id: Option<String>,
    pub actor_id: Option<String>,
    pub action: String,
    pub detail: String,
    pub at: NaiveDateTime,
}

macro_rules! insert_fn {
    ($name:ident, $row:ty, $table:path) => {
        pub fn $name(conn: &mut DbConnection, row: &$row) -> Result<()> {
            diesel::insert_into($table)
                .values(row.clone())
                .execute(conn)?;
            Ok(())
        }
    };
}

insert_fn!(insert_driver, DriverRow, drivers::table);
insert_fn!(insert_proposal, ProposalRow, proposals::table);
insert_fn!(insert_version, VersionRow, proposal_versions::table);
insert_fn!(insert_round, RoundRow, consent_rounds::table);
insert_fn!(insert_objection, ObjectionRow, objections::table);
insert_fn!(insert_agreement, AgreementRow, agreements::table);
insert_fn!(record, HistoryRow, decision_history::table);

pub fn find_driver(conn: &mut DbConnection, id: &str) -> Result<Option<DriverRow>> {
    Ok(drivers::table
        .filter(drivers::id.eq(id))
        .select(DriverRow::as_select())
        .first(conn)
        .optional()?)
}

/// A circle's drivers, oldest first, after `after`.
pub fn drivers_page(
    conn: &mut DbConnection,
    circle: &str,
    after: Option<CreatedKey>,
    limit: i64,
) -> Result<Vec<DriverRow>> {
    let mut query = drivers::table
        .filter(drivers::circle_id.eq(circle))
        .select(DriverRow::as_select())
        .order((drivers::created_at.asc(), drivers::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            drivers::created_at
                .gt(at)
                .or(drivers::created_at.eq(at).and(drivers::id.gt(id))),
        );
    }
    Ok(query.load(conn)?)
}

pub fn find_proposal(conn: &mut DbConnection, id: &str) -> Result<Option<ProposalRow>> {
    Ok(proposals::table
        .filter(proposals::id.eq(id))
        .select(ProposalRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn set_proposal_status(
    conn: &mut DbConnection,
    id: &str,
    status: ProposalStatus,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(proposals::table.filter(proposals::id.eq(id)))
        .set((
            proposals::status.eq(DbEnum(status)),
            proposals::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// A proposal's versions, first to last.
pub fn versions(conn: &mut DbConnection, proposal: &str) -> Result<Vec<VersionRow>> {
    Ok(proposal_versions::table
        .filter(proposal_versions::proposal_id.eq(proposal))
        .select(VersionRow::as_select())
        .order(proposal_versions::number.asc())
        .load(conn)?)
}

pub fn find_version(conn: &mut DbConnection, id: &str) -> Result<Option<VersionRow>> {
    Ok(proposal_versions::table
        .filter(proposal_versions::id.eq(id))
        .select(VersionRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_round(conn: &mut DbConnection, id: &str) -> Result<Option<RoundRow>> {
    Ok(consent_rounds::table
        .filter(consent_rounds::id.eq(id))
        .select(RoundRow::as_select())
        .first(conn)
        .optional()?)
}

/// A proposal's rounds (its own and its agreement's reviews), oldest first.
pub fn rounds(conn: &mut DbConnection, proposal: &str) -> Result<Vec<RoundRow>> {
    Ok(consent_rounds::table
        .filter(consent_rounds::proposal_id.eq(proposal))
        .select(RoundRow::as_select())
        .order((consent_rounds::opened_at.asc(), consent_rounds::id.asc()))
        .load(conn)?)
}

/// The open round on a proposal, if any.
pub fn open_round(conn: &mut DbConnection, proposal: &str) -> Result<Option<RoundRow>> {
    Ok(consent_rounds::table
        .filter(consent_rounds::proposal_id.eq(proposal))
        .filter(consent_rounds::status.eq(DbEnum(RoundStatus::Open)))
        .select(RoundRow::as_select())
        .first(conn)
        .optional()?)
}

/// Open rounds whose deadline has passed at `now`, oldest deadline first.
pub fn due_rounds(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> Result<Vec<String>> {
    Ok(consent_rounds::table
        .filter(consent_rounds::status.eq(DbEnum(RoundStatus::Open)))
        .filter(consent_rounds::closes_at.le(now))
        .order(consent_rounds::closes_at.asc())
        .select(consent_rounds::id)
        .limit(limit)
        .load(conn)?)
}

/// Closes an open round with `status`; whether it was still open (two closers never both win).
pub fn close_round(
    conn: &mut DbConnection,
    id: &str,
    status: RoundStatus,
    at: NaiveDateTime,
) -> Result<bool> {
    let changed = diesel::update(
        consent_rounds::table
            .filter(consent_rounds::id.eq(id))
            .filter(consent_rounds::status.eq(DbEnum(RoundStatus::Open))),
    )
    .set((
        consent_rounds::status.eq(DbEnum(status)),
        consent_rounds::closed_at.eq(Some(at)),
    ))
    .execute(conn)?;
    Ok(changed > 0)
}

/// Records `row`, replacing the member's earlier answer in the same round.
pub fn put_answer(conn: &mut DbConnection, row: &AnswerRow) -> Result<()> {
    diesel::delete(
        round_answers::table
            .filter(round_answers::round_id.eq(&row.round_id))
            .filter(round_answers::user_id.eq(&row.user_id)),
    )
    .execute(conn)?;
    diesel::insert_into(round_answers::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The answers given in these rounds.
pub fn answers(conn: &mut DbConnection, rounds: &[String]) -> Result<Vec<AnswerRow>> {
    Ok(round_answers::table
        .filter(round_answers::round_id.eq_any(rounds))
        .select(AnswerRow::as_select())
        .order((
            round_answers::answered_at.asc(),
            round_answers::user_id.asc(),
        ))
        .load(conn)?)
}

pub fn find_objection(conn: &mut DbConnection, id: &str) -> Result<Option<ObjectionRow>> {
    Ok(objections::table
        .filter(objections::id.eq(id))
        .select(ObjectionRow::as_select())
        .first(conn)
        .optional()?)
}

/// The objection `objector` raised in `round`, whatever became of it.
pub fn objection_of(
    conn: &mut DbConnection,
    round: &str,
    objector: &str,
) -> Result<Option<ObjectionRow>> {
    Ok(objections::table
        .filter(objections::round_id.eq(round))
        .filter(objections::objector_id.eq(objector))
        .select(ObjectionRow::as_select())
        .first(conn)
        .optional()?)
}

/// A proposal's objections, oldest first.
pub fn objections_of(conn: &mut DbConnection, proposal: &str) -> Result<Vec<ObjectionRow>> {
    Ok(objections::table
        .filter(objections::proposal_id.eq(proposal))
        .select(ObjectionRow::as_select())
        .order((objections::created_at.asc(), objections::id.asc()))
        .load(conn)?)
}

/// Raises the objection again with a new reason (the objector answered `objection` anew).
pub fn restate_objection(
    conn: &mut DbConnection,
    id: &str,
    reason: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(objections::table.filter(objections::id.eq(id)))
        .set((
            objections::reason.eq(reason),
            objections::status.eq(DbEnum(ObjectionStatus::Standing)),
            objections::integrated_version_id.eq(None::<String>),
            objections::created_at.eq(at),
            objections::settled_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Settles a standing objection; whether it was standing.
pub fn settle_objection(
    conn: &mut DbConnection,
    id: &str,
    status: ObjectionStatus,
    version: Option<&str>,
    at: NaiveDateTime,
) -> Result<bool> {
    let changed = diesel::update(
        objections::table
            .filter(objections::id.eq(id))
            .filter(objections::status.eq(DbEnum(ObjectionStatus::Standing))),
    )
    .set((
        objections::status.eq(DbEnum(status)),
        objections::integrated_version_id.eq(version),
        objections::settled_at.eq(Some(at)),
    ))
    .execute(conn)?;
    Ok(changed > 0)
}

/// How many objections to a proposal stand (whichever round raised them).
pub fn standing_on(conn: &mut DbConnection, proposal: &str) -> Result<i64> {
    Ok(objections::table
        .filter(objections::proposal_id.eq(proposal))
        .filter(objections::status.eq(DbEnum(ObjectionStatus::Standing)))
        .count()
        .get_result(conn)?)
}

/// Withdraws `objector`'s standing objections to a proposal (they answered again); how many.
pub fn withdraw_standing(
    conn: &mut DbConnection,
    proposal: &str,
    objector: &str,
    at: NaiveDateTime,
) -> Result<usize> {
    Ok(diesel::update(
        objections::table
            .filter(objections::proposal_id.eq(proposal))
            .filter(objections::objector_id.eq(objector))
            .filter(objections::status.eq(DbEnum(ObjectionStatus::Standing))),
    )
    .set((
        objections::status.eq(DbEnum(ObjectionStatus::Withdrawn)),
        objections::settled_at.eq(Some(at)),
    ))
    .execute(conn)?)
}

pub fn find_agreement(conn: &mut DbConnection, id: &str) -> Result<Option<AgreementRow>> {
    Ok(agreements::table
        .filter(agreements::id.eq(id))
        .select(AgreementRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn agreement_of(conn: &mut DbConnection, proposal: &str) -> Result<Option<AgreementRow>> {
    Ok(agreements::table
        .filter(agreements::proposal_id.eq(proposal))
        .select(AgreementRow::as_select())
        .first(conn)
        .optional()?)
}

/// A circle's agreements, oldest first, after `after`.
pub fn agreements_page(
    conn: &mut DbConnection,
    circle: &str,
    after: Option<CreatedKey>,
    limit: i64,
) -> Result<Vec<AgreementRow>> {
    let mut query = agreements::table
        .filter(agreements::circle_id.eq(circle))
        .select(AgreementRow::as_select())
        .order((agreements::agreed_at.asc(), agreements::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            agreements::agreed_at
                .gt(at)
                .or(agreements::agreed_at.eq(at).and(agreements::id.gt(id))),
        );
    }
    Ok(query.load(conn)?)
}

/// Ends an active agreement (superseded or retired); whether it was active.
pub fn end_agreement(
    conn: &mut DbConnection,
    id: &str,
    status: AgreementStatus,
    superseded_by: Option<&str>,
    at: NaiveDateTime,
) -> Result<bool> {
    let changed = diesel::update(
        agreements::table
            .filter(agreements::id.eq(id))
            .filter(agreements::status.eq(DbEnum(AgreementStatus::Active))),
    )
    .set((
        agreements::status.eq(DbEnum(status)),
        agreements::superseded_by.eq(superseded_by),
        agreements::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(changed > 0)
}

/// Sets the next review date (after a review agreed) and the version now agreed.
pub fn reviewed(
    conn: &mut DbConnection,
    id: &str,
    version: &str,
    review_at: NaiveDateTime,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(agreements::table.filter(agreements::id.eq(id)))
        .set((
            agreements::version_id.eq(version),
            agreements::review_at.eq(review_at),
            agreements::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Active agreements reviewed on or before `until`, not yet reminded of that date.
pub fn reviews_before(
    conn: &mut DbConnection,
    until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<AgreementRow>> {
    Ok(agreements::table
        .filter(agreements::status.eq(DbEnum(AgreementStatus::Active)))
        .filter(agreements::review_at.le(until))
        .filter(
            agreements::reminded_for
                .is_null()
                .or(agreements::reminded_for.ne(agreements::review_at.nullable())),
        )
        .select(AgreementRow::as_select())
        .order(agreements::review_at.asc())
        .limit(limit)
        .load(conn)?)
}

/// Marks the circle reminded of the review date `review_at`.
pub fn reminded(conn: &mut DbConnection, id: &str, review_at: NaiveDateTime) -> Result<()> {
    diesel::update(agreements::table.filter(agreements::id.eq(id)))
        .set(agreements::reminded_for.eq(Some(review_at)))
        .execute(conn)?;
    Ok(())
}

/// The history of a proposal, or of an agreement, oldest first.
pub fn history(
    conn: &mut DbConnection,
    proposal: Option<&str>,
    agreement: Option<&str>,
) -> Result<Vec<HistoryRow>> {
    let mut query = decision_history::table
        .select(HistoryRow::as_select())
        .order((decision_history::at.asc(), decision_history::id.asc()))
        .into_boxed();
    if let Some(proposal) = proposal {
        query = query.filter(decision_history::proposal_id.eq(proposal.to_owned()));
    }
    if let Some(agreement) = agreement {
        query = query.filter(decision_history::agreement_id.eq(agreement.to_owned()));
    }
    Ok(query.load(conn)?)
}
