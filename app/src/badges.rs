//! Badge classes and awards: hosts create classes, students propose them, hosts name a class's
//! founding holders (its first reviewers), holders choose who sees their awards, and hosts
//! revoke an award with a reason. Requests and peer review are in `badge_reviews`.

use crate::error::{Error, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use praxis_domain::badges::{AwardVisibility, BadgeClassSpec, BadgeClassStatus};
use praxis_domain::ids::{BadgeAwardId, BadgeClassId, UserId};
use praxis_persistence::badges::{self, AwardRow, BadgeClassRow};
use praxis_persistence::{audit, from_db_time, to_db_time, users, DbConnection};
use serde::Serialize;

/// A host creates a class that may be requested at once. Audited.
pub fn create(
    conn: &mut DbConnection,
    host: &UserId,
    spec: &BadgeClassSpec,
    now: DateTime<Utc>,
) -> Result<BadgeClassRow> {
    let row = class_row(spec, BadgeClassStatus::Active, None, now);
    badges::insert_class(conn, &row)?;
    audit::record(
        conn,
        &crate::audit::entry(
            Some(host),
            "badge_class.created",
            "badge_class",
            &row.id,
            None::<&()>,
            Some(&ClassView::from(&row)),
            now,
        ),
    )?;
    Ok(row)
}

/// A student proposes a class: it is `proposed` until the superpod agrees to it (see
/// [`crate::badge_proposals`]).
pub fn propose(
    conn: &mut DbConnection,
    student: &UserId,
    spec: &BadgeClassSpec,
    now: DateTime<Utc>,
) -> Result<BadgeClassRow> {
    let mut row = class_row(spec, BadgeClassStatus::Proposed, Some(student), now);
    row.proposal_id = crate::badge_proposals::open(conn, student, &row, now)?;
    badges::insert_class(conn, &row)?;
    Ok(row)
}

fn class_row(
    spec: &BadgeClassSpec,
    status: BadgeClassStatus,
    proposed_by: Option<&UserId>,
    now: DateTime<Utc>,
) -> BadgeClassRow {
    BadgeClassRow {
        id: BadgeClassId::new().into_inner(),
        name: spec.name.clone(),
        criteria: spec.criteria.clone(),
        skills: spec.skills.join("\n"),
        required_reviewers: spec.required_reviewers,
        status,
        proposed_by: proposed_by.map(|u| u.as_str().to_owned()),
        proposal_id: None,
        created_at: to_db_time(now),
    }
}

/// A page of classes, newest first; `None` lists every status.
pub fn list(
    conn: &mut DbConnection,
    status: Option<BadgeClassStatus>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<BadgeClassRow>> {
    Ok(badges::page_classes(conn, status, after, limit)?)
}

/// One class; classes are public.
pub fn get(conn: &mut DbConnection, id: &BadgeClassId) -> Result<BadgeClassRow> {
    badges::find_class(conn, id.as_str())?.ok_or(Error::NotFound("badge class"))
}

/// An active class, or `badge-class-not-active`.
pub fn active_class(conn: &mut DbConnection, id: &BadgeClassId) -> Result<BadgeClassRow> {
    let class = get(conn, id)?;
    if class.status != BadgeClassStatus::Active {
        return Err(Error::conflict(
            "badge-class-not-active",
            "This badge class is not active: it cannot be requested or awarded yet.",
        ));
    }
    Ok(class)
}

/// A host names a founding holder of an active class: the first peers who can review requests.
/// Audited.
pub fn grant(
    conn: &mut DbConnection,
    host: &UserId,
    class_id: &BadgeClassId,
    holder: &UserId,
    now: DateTime<Utc>,
) -> Result<AwardRow> {
    let class = active_class(conn, class_id)?;
    users::find_by_id(conn, holder.as_str())?.ok_or(Error::NotFound("member"))?;
    let row = new_award(&class, None, holder.as_str(), now);
    if !badges::insert_award(conn, &row)? {
        return Err(Error::conflict(
            "badge-held",
            "This member already holds this badge.",
        ));
    }
    announce(conn, &row, now)?;
    audit::record(
        conn,
        &crate::audit::entry(
            Some(host),
            "badge_award.granted",
            "badge_award",
            &row.id,
            None::<&()>,
            Some(&AwardView::from(&row)),
            now,
        ),
    )?;
    Ok(row)
}

/// Tells integrators' webhooks of an award: the award and its class, not the holder (who
/// chooses who may see their badges, and has not chosen yet).
pub fn announce(conn: &mut DbConnection, award: &AwardRow, now: DateTime<Utc>) -> Result<()> {
    crate::webhooks::emit(
        conn,
        praxis_domain::webhooks::WebhookEvent::BadgeAwarded,
        serde_json::json!({"award_id": award.id, "badge_class_id": award.badge_class_id}),
        now,
    )?;
    Ok(())
}

/// A new award of `class`, seen by members until its holder chooses otherwise.
pub fn new_award(
    class: &BadgeClassRow,
    request_id: Option<&str>,
    holder: &str,
    now: DateTime<Utc>,
) -> AwardRow {
    AwardRow {
        id: BadgeAwardId::new().into_inner(),
        badge_class_id: class.id.clone(),
        request_id: request_id.map(str::to_owned),
        user_id: holder.to_owned(),
        visibility: AwardVisibility::Members,
        awarded_at: to_db_time(now),
        revoked_at: None,
        revoked_reason: None,
        revoked_by: None,
    }
}

/// A page of a member's awards as `reader` may see them: the holder sees all, revoked ones
/// included; others see the awards whose visibility shows to them.
pub fn of_member(
    conn: &mut DbConnection,
    reader: Option<&UserId>,
    holder: &UserId,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<(AwardRow, BadgeClassRow)>> {
    users::find_by_id(conn, holder.as_str())?.ok_or(Error::NotFound("member"))?;
    let is_holder = reader == Some(holder);
    let shown: Vec<AwardVisibility> = AwardVisibility::ALL
        .into_iter()
        .filter(|v| v.shows_to(is_holder, reader.is_some()))
        .collect();
    Ok(badges::page_awards_of(
        conn,
        holder.as_str(),
        &shown,
        is_holder,
        after,
        limit,
    )?)
}

/// The holder's own award, or not found for anyone else.
pub fn own_award(
    conn: &mut DbConnection,
    holder: &UserId,
    id: &BadgeAwardId,
) -> Result<(AwardRow, BadgeClassRow)> {
    let award = badges::find_award(conn, id.as_str())?
        .filter(|a| a.user_id == holder.as_str())
        .ok_or(Error::NotFound("badge award"))?;
    let class = badges::find_class(conn, &award.badge_class_id)?
        .ok_or_else(|| Error::internal("an award without its class"))?;
    Ok((award, class))
}

/// The holder chooses who sees their award.
pub fn set_visibility(
    conn: &mut DbConnection,
    holder: &UserId,
    id: &BadgeAwardId,
    visibility: AwardVisibility,
) -> Result<(AwardRow, BadgeClassRow)> {
    let (mut award, class) = own_award(conn, holder, id)?;
    badges::set_visibility(conn, &award.id, visibility)?;
    award.visibility = visibility;
    Ok((award, class))
}

/// A host revokes an award, with the reason recorded and audited; its credential stops
/// verifying.
pub fn revoke(
    conn: &mut DbConnection,
    host: &UserId,
    id: &BadgeAwardId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<AwardRow> {
    let before = badges::find_award(conn, id.as_str())?.ok_or(Error::NotFound("badge award"))?;
    let at = to_db_time(now);
    if !badges::revoke(conn, id.as_str(), reason, host.as_str(), at)? {
        return Err(Error::conflict(
            "badge-award-revoked",
            "This award is already revoked.",
        ));
    }
    let mut after = before.clone();
    after.revoked_at = Some(at);
    after.revoked_reason = Some(reason.to_owned());
    after.revoked_by = Some(host.as_str().to_owned());
    audit::record(
        conn,
        &crate::audit::entry(
            Some(host),
            "badge_award.revoked",
            "badge_award",
            &after.id,
            Some(&AwardView::from(&before)),
            Some(&AwardView::from(&after)),
            now,
        ),
    )?;
    Ok(after)
}

/// A class as the audit log keeps it.
#[derive(Serialize)]
struct ClassView<'a> {
    id: &'a str,
    name: &'a str,
    criteria: &'a str,
    skills: Vec<String>,
    required_reviewers: i32,
    status: BadgeClassStatus,
}

impl<'a> From<&'a BadgeClassRow> for ClassView<'a> {
    fn from(row: &'a BadgeClassRow) -> Self {
        Self {
            id: &row.id,
            name: &row.name,
            criteria: &row.criteria,
            skills: row.skill_list(),
            required_reviewers: row.required_reviewers,
            status: row.status,
        }
    }
}

/// An award as the audit log keeps it.
#[derive(Serialize)]
struct AwardView<'a> {
    id: &'a str,
    badge_class_id: &'a str,
    user_id: &'a str,
    awarded_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revoked_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revoked_reason: Option<&'a str>,
}

impl<'a> From<&'a AwardRow> for AwardView<'a> {
    fn from(row: &'a AwardRow) -> Self {
        Self {
            id: &row.id,
            badge_class_id: &row.badge_class_id,
            user_id: &row.user_id,
            awarded_at: from_db_time(row.awarded_at),
            revoked_at: row.revoked_at.map(from_db_time),
            revoked_reason: row.revoked_reason.as_deref(),
        }
    }
}
