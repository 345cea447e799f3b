//! What opens the e-course to a member: an entitlement, never a plan (DOMAIN.md "Learning").
//! A member's first paid yearly subscription grants it in the transaction that activates the
//! subscription; a host grants it free (audited); a purchase grants it (not built yet).
//!
//! An entitlement from a payment lasts as long as that payment is not refunded whole: it is
//! derived from the payment at each read, so every path that refunds (an approved request, a
//! refund made at the provider, a failed refund given back) counts without each having to
//! remember the e-course.

use crate::access::ViewerContext;
use crate::error::{Error, Result};
use crate::learning::signed_in;
use chrono::{DateTime, Utc};
use praxis_domain::account::can_host;
use praxis_domain::courses::{self as rules, EntitlementSource};
use praxis_domain::ids::{CourseId, EntitlementId, UserId};
use praxis_domain::plans::BillingPeriod;
use praxis_persistence::course_members::{self as repo, EntitlementRow, NewEntitlementRow};
use praxis_persistence::courses::{self as content, CourseRow};
use praxis_persistence::{audit, to_db_time, DbConnection};
use std::collections::HashMap;

/// Whether the caller is a host or an admin: they read every course, drafts included.
pub fn is_host(ctx: &ViewerContext) -> bool {
    ctx.viewer
        .member
        .as_ref()
        .is_some_and(|m| can_host(&m.roles))
}

/// The entitlements of `rows` that still hold: not revoked, and for those from a payment, the
/// payment not refunded whole. One query for the payments.
fn holding(conn: &mut DbConnection, rows: Vec<EntitlementRow>) -> Result<Vec<EntitlementRow>> {
    let payment_ids: Vec<String> = rows
        .iter()
        .filter(|r| r.source != EntitlementSource::Grant)
        .filter_map(|r| r.source_id.clone())
        .collect();
    let paid: HashMap<String, (i64, i64)> = repo::paid(conn, &payment_ids)?
        .into_iter()
        .map(|p| (p.id, (p.amount_cents, p.refunded_cents)))
        .collect();
    Ok(rows
        .into_iter()
        .filter(|r| match (&r.source, &r.source_id) {
            (EntitlementSource::Grant, _) | (_, None) => true,
            (_, Some(payment)) => paid
                .get(payment)
                .is_none_or(|(amount, refunded)| rules::payment_keeps_course(*amount, *refunded)),
        })
        .collect())
}

/// The member's entitlements that hold, optionally for one course (translation group).
pub fn held(
    conn: &mut DbConnection,
    user: &UserId,
    course_group: Option<&str>,
) -> Result<Vec<EntitlementRow>> {
    let rows = repo::entitlements_of(conn, user.as_str(), course_group)?;
    holding(conn, rows)
}

/// Whether the caller may open the lessons of `course`: hosts always, members with an
/// entitlement to its translation group.
pub fn may_open(conn: &mut DbConnection, ctx: &ViewerContext, course: &CourseRow) -> Result<bool> {
    if is_host(ctx) {
        return Ok(true);
    }
    let Some(user) = ctx.user_id.as_deref() else {
        return Ok(false);
    };
    Ok(!held(
        conn,
        &UserId::from_trusted(user),
        Some(&course.translation_group),
    )?
    .is_empty())
}

/// Grants the courses included with a yearly subscription when `payment` activates one: the
/// member's first paid yearly subscription opens them for good. A member who already holds
/// them from a subscription gets nothing more; monthly plans grant nothing. Run in the
/// activation's transaction.
pub fn grant_for_activation(
    conn: &mut DbConnection,
    user: &UserId,
    period: BillingPeriod,
    payment_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if !rules::activation_grants_course(period) {
        return Ok(());
    }
    let held = held(conn, user, None)?;
    for group in content::groups_included_with_yearly(conn)? {
        let has = held
            .iter()
            .any(|e| e.course_id == group && e.source == EntitlementSource::Subscription);
        if has {
            continue;
        }
        repo::insert_entitlement(
            conn,
            NewEntitlementRow {
                id: EntitlementId::new().into_inner(),
                user_id: user.as_str().to_owned(),
                course_id: group,
                source: EntitlementSource::Subscription,
                source_id: Some(payment_id.to_owned()),
                reason: None,
                granted_by: None,
                granted_at: to_db_time(now),
            },
        )?;
    }
    Ok(())
}

/// A host grants a course free to a member (audited). 404 for an unknown member or course; 409
/// `entitlement-exists` when the member already holds it.
pub fn grant(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    member: &UserId,
    course: &CourseId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<EntitlementRow> {
    let host = signed_in(ctx)?;
    if !is_host(ctx) {
        return Err(Error::forbidden(
            "host-role-required",
            "Only hosts and admins may do this.",
        ));
    }
    let reason = praxis_domain::learning::text("reason", reason, 1000)?;
    if !repo::user_exists(conn, member.as_str())? {
        return Err(Error::NotFound("member"));
    }
    let course = content::find_course(conn, course.as_str())?.ok_or(Error::NotFound("course"))?;
    if !held(conn, member, Some(&course.translation_group))?.is_empty() {
        return Err(Error::conflict(
            "entitlement-exists",
            "The member already has this course.",
        ));
    }
    let id = EntitlementId::new().into_inner();
    repo::insert_entitlement(
        conn,
        NewEntitlementRow {
            id: id.clone(),
            user_id: member.as_str().to_owned(),
            course_id: course.translation_group.clone(),
            source: EntitlementSource::Grant,
            source_id: None,
            reason: Some(reason.clone()),
            granted_by: Some(host.as_str().to_owned()),
            granted_at: to_db_time(now),
        },
    )?;
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(&host),
            "entitlement.granted",
            "user",
            member.as_str(),
            None,
            Some(&serde_json::json!({
                "entitlement_id": id, "course_id": course.translation_group, "reason": reason,
            })),
            now,
        ),
    )?;
    held(conn, member, Some(&course.translation_group))?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or(Error::NotFound("entitlement"))
}

/// An entitlement with the course it opens, in the language the member reads it first.
#[derive(Debug, Clone)]
pub struct EntitlementView {
    pub row: EntitlementRow,
    pub course: Option<CourseRow>,
}

/// The caller's entitlements that hold, oldest first, each with its course (the original).
pub fn mine(conn: &mut DbConnection, ctx: &ViewerContext) -> Result<Vec<EntitlementView>> {
    let user = signed_in(ctx)?;
    let rows = held(conn, &user, None)?;
    let groups: Vec<String> = rows.iter().map(|r| r.course_id.clone()).collect();
    let courses = content::in_groups(conn, &groups)?;
    Ok(rows
        .into_iter()
        .map(|row| EntitlementView {
            course: courses
                .iter()
                .find(|c| c.id == row.course_id)
                .or_else(|| {
                    courses
                        .iter()
                        .find(|c| c.translation_group == row.course_id)
                })
                .cloned(),
            row,
        })
        .collect())
}
