//! Large exports of a member's personal data (GDPR art. 15 and 20): an export of more than
//! `inline_max_rows` rows is not built in the request but by the periodic job, which stores the
//! document behind a single-use token and mails the member the link; the link works once, for
//! `EXPORT_LINK_HOURS`, without signing in (like a password-reset link, it is the secret).

use crate::error::{Error, Result};
use crate::mail_links::MailLinks;
use crate::privacy;
use chrono::{DateTime, Duration, Utc};
use praxis_domain::ids::UserId;
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::{export_files, personal_data, to_db_time, users, DbConnection};
use serde_json::Value;

/// How long a mailed export link works.
pub const EXPORT_LINK_HOURS: i64 = 24;

/// Exports built per job pass (each is one member's whole data).
const PER_PASS: i64 = 20;

/// What `GET /me/export` answers.
pub enum Export {
    /// Small enough to answer at once.
    Inline(Value),
    /// Built in the background and mailed as a link (`true` when this request queued it, `false`
    /// when one was already waiting).
    Queued(bool),
}

/// The member's export now when it holds at most `inline_max_rows` rows, else a request for the
/// periodic job to build it and mail the link. Run in a write transaction.
pub fn request(
    conn: &mut DbConnection,
    member: &UserId,
    inline_max_rows: i64,
    now: DateTime<Utc>,
) -> Result<Export> {
    if personal_data::export_rows(conn, member.as_str())? <= inline_max_rows {
        return Ok(Export::Inline(privacy::export(conn, member, now)?));
    }
    let id = uuid::Uuid::now_v7().to_string();
    let queued = export_files::request(conn, &id, member.as_str(), to_db_time(now))?;
    Ok(Export::Queued(queued))
}

/// Builds waiting exports and queues the mail of each link, forgetting downloaded and expired
/// ones: the document is what Praxis holds when it is built. Run in a write transaction;
/// answers how many were built.
pub fn build_pending(
    conn: &mut DbConnection,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<usize> {
    let at = to_db_time(now);
    export_files::purge(conn, at)?;
    let mut built = 0;
    for pending in export_files::pending(conn, PER_PASS)? {
        let member = UserId::from_trusted(pending.user_id);
        let document = privacy::export(conn, &member, now)?;
        let body = serde_json::to_string(&document).map_err(Error::internal)?;
        let token = crate::tokens::generate();
        let expires = now + Duration::hours(EXPORT_LINK_HOURS);
        let stored = export_files::store(
            conn,
            &pending.id,
            &crate::tokens::hash(&token),
            &body,
            at,
            to_db_time(expires),
        )?;
        if !stored {
            continue;
        }
        let user = users::find_by_id(conn, member.as_str())?.ok_or(Error::NotFound("member"))?;
        outbox::enqueue(
            conn,
            link_mail(&user.email, &links.export_download(&token)),
            at,
        )?;
        built += 1;
    }
    Ok(built)
}

/// The document behind a mailed link, once (404 afterwards, when expired or unknown).
pub fn download(conn: &mut DbConnection, token: &str, now: DateTime<Utc>) -> Result<String> {
    export_files::take(conn, &crate::tokens::hash(token), to_db_time(now))?
        .ok_or(Error::NotFound("export"))
}

fn link_mail(recipient: &str, link: &str) -> Mail {
    Mail {
        kind: "data_export",
        recipient: recipient.to_owned(),
        subject: "Your Praxis data export is ready".to_owned(),
        body: format!(
            "The export of everything Praxis holds about you is ready.\n\n\
             Download it here (the link works once, for {EXPORT_LINK_HOURS} hours):\n{link}\n\n\
             If you did not ask for it, change your password: someone signed in as you did."
        ),
    }
}
