//! Where badges meet the Academy's circles: a badge class a student proposes is a proposal in
//! the superpod (the delegates decide it by consent; agreed, the class becomes active), and a
//! student's pod co-members may review their badge requests.
//!
//! Only students in a pod propose classes (403 `not-a-student` otherwise), and only once the
//! superpod exists (409 `no-superpod`: it is made when the first pod agrees on its delegate).

use crate::academy::{pods, superpod};
use crate::decisions::{self, Subject};
use crate::error::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use praxis_domain::badges::BadgeClassStatus;
use praxis_domain::decisions::{DriverDraft, ProposalDraft, SubjectKind, SHORT_TEXT_MAX};
use praxis_domain::ids::{CircleId, UserId};
use praxis_persistence::badges::{self, BadgeClassRow};
use praxis_persistence::decisions::ProposalRow;
use praxis_persistence::{pods as pod_repo, DbConnection};

/// How long the superpod's round on a proposed class stays open.
pub const ROUND_DAYS: i64 = 14;

/// Opens the superpod proposal for a proposed class; answers its id.
pub fn open(
    conn: &mut DbConnection,
    student: &UserId,
    class: &BadgeClassRow,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    if pod_repo::pod_of(conn, student.as_str())?.is_none() {
        return Err(Error::forbidden(
            "not-a-student",
            "Students in a pod propose new badges; the superpod decides them.",
        ));
    }
    let superpod = superpod::find_superpod(conn)?.ok_or_else(|| {
        Error::conflict(
            "no-superpod",
            "There is no superpod yet to decide a new badge: it forms when the first pod \
             agrees on its delegate.",
        )
    })?;
    let driver = DriverDraft::parse(
        &format!("A student proposes a new badge: {}.", class.name),
        "Skills the Academy teaches are not yet certified by any badge.",
        "A badge class the superpod consents to, so students can ask for it.",
    )?;
    let title: String = format!("New badge: {}", class.name)
        .chars()
        .take(SHORT_TEXT_MAX)
        .collect();
    let body = format!(
        "Criteria: {}\n\nSkills:\n{}",
        class.criteria,
        class
            .skill_list()
            .iter()
            .map(|s| format!("- {s}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let body: String = body
        .chars()
        .take(praxis_domain::decisions::LONG_TEXT_MAX)
        .collect();
    let proposal = ProposalDraft::parse(&title, &body, None)?;
    let subject = Subject {
        kind: Some(SubjectKind::BadgeClass),
        id: Some(class.id.clone()),
        ..Subject::default()
    };
    let (id, _) = decisions::open_proposal(
        conn,
        &CircleId::from_trusted(superpod.id),
        Some(student),
        driver,
        proposal,
        subject,
        now + Duration::days(ROUND_DAYS),
        now,
    )?;
    Ok(Some(id.into_inner()))
}

/// The superpod agreed a proposed class: it becomes active.
pub(crate) fn agreed(conn: &mut DbConnection, proposal: &ProposalRow) -> Result<()> {
    for class in badges::classes_of_proposal(conn, &proposal.id)? {
        badges::settle_proposed_class(conn, &class, BadgeClassStatus::Active)?;
    }
    Ok(())
}

/// The superpod retired the agreement that made a class: the class is retired (it can no
/// longer be asked for; awards made stay).
pub(crate) fn retired(conn: &mut DbConnection, proposal: &ProposalRow) -> Result<()> {
    if proposal.subject_kind == Some(SubjectKind::BadgeClass) {
        if let Some(class) = &proposal.subject_id {
            badges::retire_class(conn, class)?;
        }
    }
    Ok(())
}

/// Whether two members share a pod.
pub fn share_a_pod(conn: &mut DbConnection, student: &str, reviewer: &str) -> Result<bool> {
    pods::share_a_pod(conn, student, reviewer)
}
