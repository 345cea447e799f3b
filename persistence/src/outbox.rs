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
}

/// A message to send.
#[derive(Debug, Clone)]
pub struct Mail {
    pub kind: &'static str,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

/// Queues a message. Call it inside the transaction of the change the message reports.
pub fn enqueue(conn: &mut DbConnection, mail: Mail, now: NaiveDateTime) -> Result<String> {
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
        })
        .execute(conn)?;
    Ok(id)
}
