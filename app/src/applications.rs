//! Applying for PRO: a member applies, follows and withdraws their application; a host decides
//! it, which mails the applicant and leaves an audit entry.

use crate::error::{Error, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use praxis_domain::applications::{
    transition, ApplicationEvent, ApplicationStatus, ProApplication,
};
use praxis_domain::ids::{ApplicationId, UserId};
use praxis_persistence::applications::{self, ApplicationRow, Closing};
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::{audit, from_db_time, to_db_time, users, DbConnection};
use serde::Serialize;

/// Submits a PRO application. A member whose application is already approved has nothing to
/// apply for; one with an open application gets `application-open`. Run in a write transaction.
pub fn submit(
    conn: &mut DbConnection,
    member: &UserId,
    application: &ProApplication,
    now: DateTime<Utc>,
) -> Result<ApplicationRow> {
    if applications::has_approved_application(conn, member.as_str())? {
        return Err(Error::conflict(
            "application-approved",
            "Your application is already approved; you may subscribe to PRO.",
        ));
    }
    let row = ApplicationRow {
        id: ApplicationId::new().into_inner(),
        user_id: member.as_str().to_owned(),
        training: application.training().to_owned(),
        experience: application.experience().to_owned(),
        helping_others: application.helping_others().to_owned(),
        commitment: application.commitment(),
        status: ApplicationStatus::Submitted,
        note: None,
        submitted_at: to_db_time(now),
        decided_at: None,
        decided_by: None,
    };
    applications::insert(conn, &row)?;
    Ok(row)
}

/// A page of the member's applications, newest first, after the keyset cursor.
pub fn mine(
    conn: &mut DbConnection,
    member: &UserId,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ApplicationRow>> {
    Ok(applications::page_for_user(
        conn,
        member.as_str(),
        after,
        limit,
    )?)
}

/// Withdraws the member's own submitted application. Run in a write transaction.
pub fn withdraw(
    conn: &mut DbConnection,
    member: &UserId,
    id: &ApplicationId,
    now: DateTime<Utc>,
) -> Result<ApplicationRow> {
    let row = applications::find(conn, id.as_str())?
        .filter(|row| row.user_id == member.as_str())
        .ok_or(Error::NotFound("application"))?;
    close(
        conn,
        row,
        ApplicationEvent::Withdraw,
        None,
        to_db_time(now),
        member,
    )
}

/// A page of applications for hosts, optionally of one status, newest first.
pub fn list(
    conn: &mut DbConnection,
    status: Option<ApplicationStatus>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ApplicationRow>> {
    Ok(applications::page(conn, status, after, limit)?)
}

/// A host approves or rejects a submitted application; the applicant is mailed and the decision
/// audited, in the same transaction. Run in a write transaction.
pub fn decide(
    conn: &mut DbConnection,
    host: &UserId,
    id: &ApplicationId,
    event: ApplicationEvent,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<ApplicationRow> {
    let at = to_db_time(now);
    let before = applications::find(conn, id.as_str())?.ok_or(Error::NotFound("application"))?;
    let before_view = AuditView::from(&before);
    let row = close(conn, before.clone(), event, note, at, host)?;
    let applicant = users::find_by_id(conn, &row.user_id)?.ok_or(Error::NotFound("applicant"))?;
    outbox::enqueue(conn, decision_mail(&applicant.email, &row), at)?;
    audit::record(
        conn,
        &crate::audit::entry(
            Some(host),
            &format!("pro_application.{}", row.status),
            "pro_application",
            &row.id,
            Some(&before_view),
            Some(&AuditView::from(&row)),
            now,
        ),
    )?;
    crate::webhooks::emit(
        conn,
        praxis_domain::webhooks::WebhookEvent::ApplicationDecided,
        serde_json::json!({
            "application_id": row.id, "member_id": row.user_id, "status": row.status,
        }),
        now,
    )?;
    Ok(row)
}

/// Applies `event` to a stored application: the rule first, then a conditional update that a
/// concurrent change cannot slip past.
fn close(
    conn: &mut DbConnection,
    mut row: ApplicationRow,
    event: ApplicationEvent,
    note: Option<String>,
    at: NaiveDateTime,
    by: &UserId,
) -> Result<ApplicationRow> {
    let next = transition(row.status, event)?;
    let closing = Closing {
        status: next,
        note: note.as_deref(),
        at,
        by,
    };
    let id = ApplicationId::from_trusted(row.id.clone());
    if !applications::close(conn, &id, &closing)? {
        // Someone else closed it between our read and our update.
        return Err(Error::conflict(
            "application-not-open",
            "This application was decided or withdrawn a moment ago.",
        ));
    }
    row.status = next;
    row.note = note;
    row.decided_at = Some(at);
    row.decided_by = Some(by.as_str().to_owned());
    Ok(row)
}

/// An application as the audit log keeps it (the shape the API shows).
#[derive(Serialize)]
struct AuditView<'a> {
    id: &'a str,
    user_id: &'a str,
    training: &'a str,
    experience: &'a str,
    helping_others: &'a str,
    commitment: bool,
    status: ApplicationStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    submitted_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decided_at: Option<DateTime<Utc>>,
}

impl<'a> From<&'a ApplicationRow> for AuditView<'a> {
    fn from(row: &'a ApplicationRow) -> Self {
        Self {
            id: &row.id,
            user_id: &row.user_id,
            training: &row.training,
            experience: &row.experience,
            helping_others: &row.helping_others,
            commitment: row.commitment,
            status: row.status,
            note: row.note.as_deref(),
            submitted_at: from_db_time(row.submitted_at),
            decided_at: row.decided_at.map(from_db_time),
        }
    }
}

fn decision_mail(recipient: &str, application: &ApplicationRow) -> Mail {
    let (subject, outcome) = if application.status == ApplicationStatus::Approved {
        (
            "Your PRO application is approved",
            "Your application to the PRO Lounge is approved: you may now subscribe to PRO.",
        )
    } else {
        (
            "About your PRO application",
            "Your application to the PRO Lounge was not approved this time. You are welcome to \
             apply again.",
        )
    };
    let note = application
        .note
        .as_deref()
        .map(|n| format!("\n\nA note from the hosts:\n{n}"))
        .unwrap_or_default();
    Mail {
        kind: "application_decision",
        recipient: recipient.to_owned(),
        subject: subject.to_owned(),
        body: format!("{outcome}{note}\n"),
    }
}
