//! Asking for a badge and reviewing it by peer consent. The student gives evidence; eligible
//! reviewers (holders of the badge, and the student's pod co-members) consent or object with a
//! reason; an objection stands until its author resolves it or consents. The badge is awarded,
//! exactly once, in the transaction of the answer that completes the consent.
//!
//! The whole record is readable by the student and the reviewers, and by nobody else: to them
//! the request does not exist.

use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use praxis_domain::badges::{
    is_awarded, may_review, BadgeRequestStatus, Evidence, ObjectionResolution, Review,
    ReviewAnswer, ReviewerStanding,
};
use praxis_domain::ids::{BadgeClassId, BadgeRequestId, UserId};
use praxis_persistence::badges::{
    self, AwardRow, BadgeClassRow, BadgeRequestRow, EvidenceRow, ReviewRow,
};
use praxis_persistence::{to_db_time, DbConnection};

/// A request with everything that happened to it.
#[derive(Debug, Clone)]
pub struct Record {
    pub request: BadgeRequestRow,
    pub class: BadgeClassRow,
    pub evidence: Vec<EvidenceRow>,
    pub reviews: Vec<ReviewRow>,
    pub award: Option<AwardRow>,
}

impl Record {
    /// Each reviewer's latest answer and whether an objection of theirs stands.
    pub fn standings(&self) -> Vec<ReviewerStanding> {
        standings(&self.reviews)
    }
}

fn standings(reviews: &[ReviewRow]) -> Vec<ReviewerStanding> {
    let mut out: Vec<ReviewerStanding> = Vec::new();
    for review in reviews {
        let stands = review.answer == ReviewAnswer::Objection && review.resolved_at.is_none();
        match out.iter_mut().find(|s| s.reviewer == review.reviewer_id) {
            Some(standing) => {
                standing.latest = review.answer;
                standing.objection_stands |= stands;
            }
            None => out.push(ReviewerStanding {
                reviewer: review.reviewer_id.clone(),
                latest: review.answer,
                objection_stands: stands,
            }),
        }
    }
    out
}

/// Whether `reviewer` may review `student`'s requests for `class`: they hold the badge, or
/// they share a pod with the student.
pub fn eligible_reviewer(
    conn: &mut DbConnection,
    class: &BadgeClassRow,
    student: &str,
    reviewer: &str,
) -> Result<bool> {
    if reviewer == student {
        return Ok(false);
    }
    if badges::holds(conn, &class.id, reviewer)? {
        return Ok(true);
    }
    crate::badge_proposals::share_a_pod(conn, student, reviewer)
}

/// A student asks for an active badge with evidence. One open request per badge; a badge
/// already held cannot be asked for again.
pub fn request(
    conn: &mut DbConnection,
    student: &UserId,
    class_id: &BadgeClassId,
    evidence: &[Evidence],
    now: DateTime<Utc>,
) -> Result<Record> {
    let class = crate::badges::active_class(conn, class_id)?;
    if badges::holds(conn, &class.id, student.as_str())? {
        return Err(Error::conflict(
            "badge-held",
            "You already hold this badge.",
        ));
    }
    let at = to_db_time(now);
    let request = BadgeRequestRow {
        id: BadgeRequestId::new().into_inner(),
        badge_class_id: class.id.clone(),
        user_id: student.as_str().to_owned(),
        status: BadgeRequestStatus::Open,
        created_at: at,
        updated_at: at,
    };
    badges::insert_request(conn, &request)?;
    add_evidence_rows(conn, &request.id, evidence, now)?;
    load(conn, request)
}

/// The record, for the student and eligible or past reviewers; not found for anyone else.
pub fn record(conn: &mut DbConnection, reader: &UserId, id: &BadgeRequestId) -> Result<Record> {
    let request = visible_request(conn, reader, id)?;
    load(conn, request)
}

/// The student adds evidence to their open request; an objector may then resolve their
/// objection or consent.
pub fn add_evidence(
    conn: &mut DbConnection,
    student: &UserId,
    id: &BadgeRequestId,
    evidence: &[Evidence],
    now: DateTime<Utc>,
) -> Result<Record> {
    let request = visible_request(conn, student, id)?;
    if request.user_id != student.as_str() {
        return Err(Error::forbidden(
            "not-the-student",
            "Only the student who asked for the badge adds evidence.",
        ));
    }
    if request.status != BadgeRequestStatus::Open {
        return Err(closed());
    }
    badges::lock_request(conn, &request.id, to_db_time(now))?;
    add_evidence_rows(conn, &request.id, evidence, now)?;
    load(conn, request)
}

/// A reviewer answers. A consent resolves the reviewer's standing objection; a new objection
/// replaces it. The answer that completes the consent awards the badge.
pub fn review(
    conn: &mut DbConnection,
    reviewer: &UserId,
    id: &BadgeRequestId,
    answer: &Review,
    now: DateTime<Utc>,
) -> Result<Record> {
    let at = to_db_time(now);
    let (request, class) = reviewable(conn, reviewer, id, at)?;
    let reviews = badges::reviews_of(conn, &request.id)?;
    let mine = standings(&reviews)
        .into_iter()
        .find(|s| s.reviewer == reviewer.as_str());
    let already_consented = mine
        .as_ref()
        .is_some_and(|s| s.latest == ReviewAnswer::Consent && !s.objection_stands);
    if !(already_consented && answer.answer == ReviewAnswer::Consent) {
        let how = match answer.answer {
            ReviewAnswer::Consent => ObjectionResolution::Consented,
            ReviewAnswer::Objection => ObjectionResolution::Replaced,
        };
        badges::end_objections(conn, &request.id, reviewer.as_str(), how, at)?;
        badges::insert_review(
            conn,
            &ReviewRow {
                id: uuid::Uuid::now_v7().to_string(),
                request_id: request.id.clone(),
                reviewer_id: reviewer.as_str().to_owned(),
                answer: answer.answer,
                reason: answer.reason.clone(),
                created_at: at,
                resolved_at: None,
                resolution: None,
            },
        )?;
    }
    settle(conn, request, &class, now)
}

/// The objector resolves their standing objection without consenting (yet).
pub fn resolve_objection(
    conn: &mut DbConnection,
    reviewer: &UserId,
    id: &BadgeRequestId,
    now: DateTime<Utc>,
) -> Result<Record> {
    let at = to_db_time(now);
    let (request, class) = reviewable(conn, reviewer, id, at)?;
    let ended = badges::end_objections(
        conn,
        &request.id,
        reviewer.as_str(),
        ObjectionResolution::Resolved,
        at,
    )?;
    if ended == 0 {
        return Err(Error::conflict(
            "no-standing-objection",
            "You have no standing objection on this request.",
        ));
    }
    settle(conn, request, &class, now)
}

/// The open request and its class, locked for this transaction, if `reviewer` may review it.
fn reviewable(
    conn: &mut DbConnection,
    reviewer: &UserId,
    id: &BadgeRequestId,
    at: chrono::NaiveDateTime,
) -> Result<(BadgeRequestRow, BadgeClassRow)> {
    if !badges::lock_request(conn, id.as_str(), at)? {
        return Err(Error::NotFound("badge request"));
    }
    let request = find(conn, id)?;
    let class = class_of(conn, &request)?;
    let eligible = eligible_reviewer(conn, &class, &request.user_id, reviewer.as_str())?;
    may_review(
        request.user_id == reviewer.as_str(),
        eligible,
        request.status,
    )?;
    Ok((request, class))
}

/// Awards the badge when the consent is complete, then answers the record.
fn settle(
    conn: &mut DbConnection,
    mut request: BadgeRequestRow,
    class: &BadgeClassRow,
    now: DateTime<Utc>,
) -> Result<Record> {
    let reviews = badges::reviews_of(conn, &request.id)?;
    if is_awarded(&standings(&reviews), class.required_reviewers) {
        let award = crate::badges::new_award(class, Some(&request.id), &request.user_id, now);
        // The request row is locked, so this is the only award; the unique index still holds
        // if a revoked award is being replaced.
        if badges::insert_award(conn, &award)? {
            crate::badges::announce(conn, &award, now)?;
        }
        badges::mark_awarded(conn, &request.id)?;
        request.status = BadgeRequestStatus::Awarded;
    }
    load(conn, request)
}

fn add_evidence_rows(
    conn: &mut DbConnection,
    request_id: &str,
    evidence: &[Evidence],
    now: DateTime<Utc>,
) -> Result<()> {
    let at = to_db_time(now);
    let rows: Vec<EvidenceRow> = evidence
        .iter()
        .map(|e| EvidenceRow {
            id: uuid::Uuid::now_v7().to_string(),
            request_id: request_id.to_owned(),
            text: e.text.clone(),
            url: e.url.clone(),
            added_at: at,
        })
        .collect();
    Ok(badges::insert_evidence(conn, &rows)?)
}

fn find(conn: &mut DbConnection, id: &BadgeRequestId) -> Result<BadgeRequestRow> {
    badges::find_request(conn, id.as_str())?.ok_or(Error::NotFound("badge request"))
}

fn class_of(conn: &mut DbConnection, request: &BadgeRequestRow) -> Result<BadgeClassRow> {
    badges::find_class(conn, &request.badge_class_id)?
        .ok_or_else(|| Error::internal("a badge request without its class"))
}

/// The request if `reader` is its student, an eligible reviewer or one who reviewed it.
fn visible_request(
    conn: &mut DbConnection,
    reader: &UserId,
    id: &BadgeRequestId,
) -> Result<BadgeRequestRow> {
    let request = find(conn, id)?;
    if request.user_id == reader.as_str() {
        return Ok(request);
    }
    let class = class_of(conn, &request)?;
    if eligible_reviewer(conn, &class, &request.user_id, reader.as_str())? {
        return Ok(request);
    }
    let reviewed = badges::reviews_of(conn, &request.id)?
        .iter()
        .any(|r| r.reviewer_id == reader.as_str());
    if reviewed {
        Ok(request)
    } else {
        Err(Error::NotFound("badge request"))
    }
}

fn load(conn: &mut DbConnection, request: BadgeRequestRow) -> Result<Record> {
    let class = class_of(conn, &request)?;
    let evidence = badges::evidence_of(conn, &request.id)?;
    let reviews = badges::reviews_of(conn, &request.id)?;
    let award = badges::award_of_request(conn, &request.id)?;
    Ok(Record {
        request,
        class,
        evidence,
        reviews,
        award,
    })
}

fn closed() -> Error {
    Error::conflict(
        "badge-request-closed",
        "This badge is already awarded; the record stays as it is.",
    )
}
