//! Pods (communities of practice): hosts make pods of students across organisations, by hand
//! or formed by the rule in `praxis_domain::pods`; each pod is a circle with its own sealed
//! space, and its delegate to the superpod is chosen by a consent round in the pod's circle
//! (a proposal with the subject kind `delegate` naming a pod member).
//!
//! The first pod also makes the Academy circle (see [`super::superpod`]), with the host who
//! made the pod as its first member.

use super::superpod;
use crate::circles::{self, Circle, NewCircle};
use crate::decisions::record;
use crate::error::{Error, Result};
use chrono::{DateTime, Offset, Utc};
use praxis_domain::decisions::{CircleKind, MemberRole};
use praxis_domain::ids::{CircleId, UserId};
use praxis_domain::pods::{self as rules, SizeRange, Student};
use praxis_persistence::decisions::ProposalRow;
use praxis_persistence::pods::{self as repo, PodRow};
use praxis_persistence::{audit, to_db_time, DbConnection};
use std::collections::HashSet;

/// A pod: its circle (members, sealed space) and its delegate, if chosen.
#[derive(Debug, Clone)]
pub struct Pod {
    pub circle: Circle,
    pub delegate_id: Option<String>,
}

fn load(conn: &mut DbConnection, row: PodRow) -> Result<Pod> {
    let circle = circles::find(conn, &CircleId::from_trusted(row.circle_id))?;
    Ok(Pod {
        circle,
        delegate_id: row.delegate_id,
    })
}

/// Makes one pod of `members` (already checked to be students in no pod).
fn make(
    conn: &mut DbConnection,
    host: &UserId,
    name: &str,
    members: Vec<UserId>,
    now: DateTime<Utc>,
) -> Result<Pod> {
    let draft = NewCircle::parse(
        name,
        "A community of practice of the Sociocracy Academy: students of several \
         organisations learning together. It chooses its delegate to the superpod by consent.",
        CircleKind::Pod,
        members,
    )?;
    let ids: Vec<String> = draft
        .member_ids
        .iter()
        .map(|m| m.as_str().to_owned())
        .collect();
    let circle = circles::create(conn, Some(host), draft, now)?;
    let row = PodRow {
        circle_id: circle.row.id.clone(),
        delegate_id: None,
        created_by: Some(host.as_str().to_owned()),
        created_at: to_db_time(now),
    };
    repo::insert(conn, &row, &ids, to_db_time(now))?;
    Ok(Pod {
        circle,
        delegate_id: None,
    })
}

/// A host makes a pod of students of confirmed enrolments (422 naming `member_ids` for anyone
/// else), none of them in a pod yet (409 `already-in-a-pod`). Audited (the circle's creation).
pub fn create(
    conn: &mut DbConnection,
    host: &UserId,
    name: &str,
    member_ids: Vec<UserId>,
    now: DateTime<Utc>,
) -> Result<Pod> {
    let ids: Vec<String> = member_ids.iter().map(|m| m.as_str().to_owned()).collect();
    rules::pod_members(&ids)?;
    let students = repo::confirmed_students(conn, Some(&ids))?;
    if let Some(missing) = ids
        .iter()
        .find(|id| !students.iter().any(|s| &s.user_id == *id))
    {
        return Err(Error::field(
            "member_ids",
            format!("{missing} is not a student of a confirmed enrolment"),
        ));
    }
    if !repo::already_in_a_pod(conn, &ids)?.is_empty() {
        return Err(Error::conflict(
            "already-in-a-pod",
            "A student named is already in a pod; a student is in one pod at most.",
        ));
    }
    superpod::academy_circle(conn, Some(host), now)?;
    make(conn, host, name, member_ids, now)
}

/// The UTC offset of an IANA time zone at `now`, in minutes (UTC when it does not parse).
fn offset_minutes(zone: &str, now: DateTime<Utc>) -> i32 {
    let zone: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    now.with_timezone(&zone).offset().fix().local_minus_utc() / 60
}

/// A host forms pods of every confirmed student not yet in a pod, by the rule of
/// `praxis_domain::pods::form`; the new pods are named after the ones that exist ("Pod 3").
/// Two hosts forming at once never place a student twice: the loser gets 409
/// `already-in-a-pod` and nothing of theirs is kept. Audited.
pub fn form(
    conn: &mut DbConnection,
    host: &UserId,
    range: SizeRange,
    now: DateTime<Utc>,
) -> Result<Vec<Pod>> {
    let confirmed = repo::confirmed_students(conn, None)?;
    let ids: Vec<String> = confirmed.iter().map(|s| s.user_id.clone()).collect();
    let placed: HashSet<String> = repo::already_in_a_pod(conn, &ids)?.into_iter().collect();
    let waiting: Vec<Student> = confirmed
        .into_iter()
        .filter(|s| !placed.contains(&s.user_id))
        .map(|s| Student {
            utc_offset_minutes: offset_minutes(&s.time_zone, now),
            organisation: format!("{}\u{1f}{}", s.org_name, s.enrolment_id),
            id: s.user_id,
        })
        .collect();
    let groups = rules::form(&waiting, range)?;
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    superpod::academy_circle(conn, Some(host), now)?;
    let existing = repo::count(conn)?;
    let mut pods = Vec::with_capacity(groups.len());
    for (number, group) in (existing + 1..).zip(groups) {
        let members = group.into_iter().map(UserId::from_trusted).collect();
        pods.push(make(conn, host, &format!("Pod {number}"), members, now)?);
    }
    let after = serde_json::json!({
        "size_min": range.min, "size_max": range.max,
        "pods": pods.iter().map(|p| &p.circle.row.id).collect::<Vec<_>>(),
    });
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(host),
            "academy.pods_formed",
            "academy",
            "pods",
            None,
            Some(&after),
            now,
        ),
    )?;
    Ok(pods)
}

/// The pods the member is in (a student is in one at most).
pub fn mine(conn: &mut DbConnection, user: &UserId) -> Result<Vec<Pod>> {
    let Some(pod) = repo::pod_of(conn, user.as_str())? else {
        return Ok(Vec::new());
    };
    repo::of_circles(conn, &[pod])?
        .into_iter()
        .map(|row| load(conn, row))
        .collect()
}

/// Whether two members share a pod.
pub fn share_a_pod(conn: &mut DbConnection, one: &str, other: &str) -> Result<bool> {
    let first = repo::pod_of(conn, one)?;
    Ok(first.is_some() && first == repo::pod_of(conn, other)?)
}

/// Checks a delegate proposal's subject: a member of this pod (422 naming `subject_id`).
pub(crate) fn check_delegate(conn: &mut DbConnection, pod: &str, delegate: &str) -> Result<()> {
    if repo::pod_of(conn, delegate)?.as_deref() != Some(pod) {
        return Err(Error::field(
            "subject_id",
            "the delegate must be a member of this pod",
        ));
    }
    Ok(())
}

/// A proposal naming a pod's delegate was agreed: the member becomes the pod's delegate
/// (replacing the previous one) and sits in the superpod, made on first need; the previous
/// delegate leaves the superpod unless they are still the delegate of another pod.
pub(crate) fn delegate_agreed(
    conn: &mut DbConnection,
    proposal: &ProposalRow,
    now: DateTime<Utc>,
) -> Result<()> {
    let (Some(pod), Some(delegate)) = (
        repo::find(conn, &proposal.circle_id)?,
        proposal.subject_id.as_deref(),
    ) else {
        return Ok(());
    };
    if repo::pod_of(conn, delegate)?.as_deref() != Some(pod.circle_id.as_str()) {
        // The member left the pod while the round ran: the agreement stands as text only.
        let detail = serde_json::json!({"delegate_id": delegate, "reason": "not a member"});
        return record(
            conn,
            &pod.circle_id,
            Some(&proposal.id),
            None,
            None,
            "delegate.not_seated",
            detail,
            now,
        );
    }
    repo::set_delegate(conn, &pod.circle_id, delegate)?;
    let superpod = superpod::superpod_circle(conn, now)?;
    let superpod_id = CircleId::from_trusted(superpod.id.clone());
    let delegate_id = UserId::from_trusted(delegate.to_owned());
    circles::put_member(
        conn,
        None,
        &superpod_id,
        &delegate_id,
        MemberRole::Member,
        now,
    )?;
    if let Some(previous) = pod.delegate_id.as_deref().filter(|p| *p != delegate) {
        if repo::delegations(conn, previous)? == 0 {
            superpod::leave(conn, &superpod, previous)?;
        }
    }
    let detail = serde_json::json!({"delegate_id": delegate, "previous": pod.delegate_id});
    record(
        conn,
        &pod.circle_id,
        Some(&proposal.id),
        None,
        None,
        "delegate.chosen",
        detail,
        now,
    )
}
