//! The transactional mail outbox: a message is written in the same transaction as the change it
//! reports, and a worker delivers it later, retrying with backoff, surviving restarts.

use crate::error::Result;
use crate::schema::outbox;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: String,
    /// `magic_link`, `receipt`, `cancellation`, `refund_decision`, `application_decision`,
    /// `waitlist_offer`…
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub sent_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    /// The one-click opt-out URL of bulk and notification mail, sent as `List-Unsubscribe` with
    /// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058); `None` for transactional
    /// mail.
    pub list_unsubscribe: Option<String>,
    /// Where replies go (`Reply-To`), when not to us: the sender of a contact-form message.
    pub reply_to: Option<String>,
}

/// A message to send.
#[derive(Debug, Clone)]
pub struct Mail {
    pub kind: &'static str,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

/// Queues a transactional message (no opt-out). Call it inside the transaction of the change the
/// message reports.
pub fn enqueue(conn: &mut DbConnection, mail: Mail, now: NaiveDateTime) -> Result<String> {
    insert(conn, mail, None, None, now)
}

/// Queues a transactional message whose replies go to `reply_to` rather than to us.
pub fn enqueue_with_reply_to(
    conn: &mut DbConnection,
    mail: Mail,
    reply_to: String,
    now: NaiveDateTime,
) -> Result<String> {
    insert(conn, mail, None, Some(reply_to), now)
}

/// Queues a bulk or notification message whose recipient can turn its kind off at
/// `list_unsubscribe`, a URL that unsubscribes on POST without signing in (RFC 8058).
pub fn enqueue_bulk(
    conn: &mut DbConnection,
    mail: Mail,
    list_unsubscribe: String,
    now: NaiveDateTime,
) -> Result<String> {
    insert(conn, mail, Some(list_unsubscribe), None, now)
}

fn insert(
    conn: &mut DbConnection,
    mail: Mail,
    list_unsubscribe: Option<String>,
    reply_to: Option<String>,
    now: NaiveDateTime,
) -> Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(outbox::table)
        .values(&OutboxRow {
            id: id.clone(),
            kind: mail.kind.to_owned(),
            recipient: mail.recipient,
            subject: mail.subject,
            body: mail.body,
            created_at: now,
            attempts: 0,
            next_attempt_at: now,
            locked_until: None,
            sent_at: None,
            last_error: None,
            list_unsubscribe,
            reply_to,
        })
        .execute(conn)?;
    Ok(id)
}

/// Claims up to `limit` messages that are due at `now` and not leased by another worker, leasing
/// each until `lease_until`. Each claim is a conditional UPDATE, so of two nodes reading the
/// same row only one gets it; a node that dies mid-send leaves a lease that simply runs out.
pub fn claim_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<OutboxRow>> {
    let candidates: Vec<OutboxRow> = outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::next_attempt_at.le(now))
        .filter(
            outbox::locked_until
                .is_null()
                .or(outbox::locked_until.lt(now)),
        )
        .order((outbox::next_attempt_at.asc(), outbox::id.asc()))
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)?;
    let mut claimed = Vec::with_capacity(candidates.len());
    for row in candidates {
        let updated = diesel::update(
            outbox::table
                .filter(outbox::id.eq(&row.id))
                .filter(outbox::sent_at.is_null())
                .filter(
                    outbox::locked_until
                        .is_null()
                        .or(outbox::locked_until.lt(now)),
                ),
        )
        .set(outbox::locked_until.eq(lease_until))
        .execute(conn)?;
        if updated == 1 {
            claimed.push(OutboxRow {
                locked_until: Some(lease_until),
                ..row
            });
        }
    }
    Ok(claimed)
}

/// Records a delivery. The row is kept: the outbox is also the record of what was sent.
pub fn mark_sent(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> Result<()> {
    diesel::update(outbox::table.filter(outbox::id.eq(id)))
        .set((
            outbox::sent_at.eq(at),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a failed attempt and when to try again; releases the lease.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: &str,
    error: &str,
    next_attempt_at: NaiveDateTime,
) -> Result<()> {
    diesel::update(outbox::table.filter(outbox::id.eq(id)))
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(Some(error)),
            outbox::next_attempt_at.eq(next_attempt_at),
            outbox::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<OutboxRow>> {
    Ok(outbox::table
        .filter(outbox::id.eq(id))
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every message to `recipient`, oldest first; for tests and support.
pub fn for_recipient(conn: &mut DbConnection, recipient: &str) -> Result<Vec<OutboxRow>> {
    Ok(outbox::table
        .filter(outbox::recipient.eq(recipient))
        .order((outbox::created_at.asc(), outbox::id.asc()))
        .select(OutboxRow::as_select())
        .load(conn)?)
}

pub fn count(conn: &mut DbConnection) -> Result<i64> {
    Ok(outbox::table.count().get_result(conn)?)
}
