//! The public contact form: each message is stored for the hosts and, when the community has an
//! address for it (`to`), mailed there through the outbox with the sender as `Reply-To`.

use crate::error::Result;
use chrono::{DateTime, Utc};
use praxis_domain::contact::ContactDraft;
use praxis_persistence::contact::{self as store, ContactMessageRow};
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::{to_db_time, DbConnection};

/// Stores the message and queues it to `to` when set.
pub fn send(
    conn: &mut DbConnection,
    draft: ContactDraft,
    to: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let row = ContactMessageRow {
        id: uuid::Uuid::now_v7().to_string(),
        name: draft.name,
        email: draft.email.as_str().to_owned(),
        subject: draft.subject,
        body: draft.body,
        created_at: to_db_time(now),
    };
    store::insert(conn, &row)?;
    if let Some(to) = to {
        outbox::enqueue_with_reply_to(
            conn,
            Mail {
                kind: "contact_message",
                recipient: to.to_owned(),
                subject: format!("Contact form: {}", row.subject),
                body: format!(
                    "From: {} <{}>\n\n{}\n\n--\nReply to this mail to answer the sender.\n",
                    row.name, row.email, row.body
                ),
            },
            row.email.clone(),
            row.created_at,
        )?;
    }
    Ok(())
}

/// A page of messages, newest first (`limit` rows after the keyset `after`).
pub fn list(
    conn: &mut DbConnection,
    after: Option<(chrono::NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ContactMessageRow>> {
    Ok(store::page(conn, after, limit)?)
}
