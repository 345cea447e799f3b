//! Newsletter issues: a host writes one for a language; it goes to that language's confirmed
//! subscribers through the mail outbox, at most a budget per minute (walked by the job tick),
//! each mail with its recipient's unsubscribe link and one-click `List-Unsubscribe` header.

use crate::error::Result;
use crate::mail_links::MailLinks;
use chrono::{DateTime, Duration, Utc};
use praxis_domain::ids::UserId;
use praxis_domain::newsletter::IssueDraft;
use praxis_persistence::newsletter_issues::{self as store, Counts, IssueRow};
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::{audit, to_db_time, DbConnection};
use serde::Serialize;

/// What the audit log keeps of an issue.
#[derive(Serialize)]
struct AuditView<'a> {
    subject: &'a str,
    language: &'a str,
    recipients: i32,
}

/// Queues an issue to the confirmed subscribers of its language; answers it with the number of
/// recipients. Audited.
pub fn send(
    conn: &mut DbConnection,
    host: &UserId,
    draft: IssueDraft,
    now: DateTime<Utc>,
) -> Result<IssueRow> {
    let mut row = IssueRow {
        id: uuid::Uuid::now_v7().to_string(),
        subject: draft.subject,
        body: draft.body,
        language: draft.language.as_str().to_owned(),
        created_by: host.as_str().to_owned(),
        created_at: to_db_time(now),
        recipients: 0,
    };
    store::insert_with_deliveries(conn, &mut row)?;
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(host),
            "newsletter.sent",
            "newsletter",
            &row.id,
            None,
            Some(&AuditView {
                subject: &row.subject,
                language: &row.language,
                recipients: row.recipients,
            }),
            now,
        ),
    )?;
    Ok(row)
}

/// A page of issues, newest first (`limit` rows after the keyset `after`), with their counts.
pub fn list(
    conn: &mut DbConnection,
    after: Option<(chrono::NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<(IssueRow, Counts)>> {
    let rows = store::page(conn, after, limit)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let counts = store::counts(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let c = counts.get(&row.id).copied().unwrap_or_default();
            (row, c)
        })
        .collect())
}

/// Moves waiting deliveries into the outbox, as many as the last minute's budget `per_minute`
/// leaves (0 sends none); answers how many. One transaction.
pub fn queue_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    links: &MailLinks,
    per_minute: u32,
) -> Result<usize> {
    let at = to_db_time(now);
    let used = store::queued_since(conn, to_db_time(now - Duration::minutes(1)))?;
    let budget = i64::from(per_minute) - used;
    if budget <= 0 {
        return Ok(0);
    }
    let waiting = store::waiting(conn, budget)?;
    for delivery in &waiting {
        let page = links.newsletter_unsubscribe_page(&delivery.unsubscribe_token);
        let outbox_id = outbox::enqueue_bulk(
            conn,
            Mail {
                kind: "newsletter",
                recipient: delivery.recipient.clone(),
                subject: delivery.subject.clone(),
                body: format!(
                    "{}\n\n--\nYou get this because you subscribed to the Praxis newsletter.\n\
                     Unsubscribe: {page}\n",
                    delivery.body
                ),
            },
            links.newsletter_one_click(&delivery.unsubscribe_token),
            at,
        )?;
        store::mark_queued(conn, &delivery.id, &outbox_id, at)?;
    }
    Ok(waiting.len())
}
