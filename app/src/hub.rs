//! The customer hub's sign-in: a person asks for a single-use link by email and exchanges it
//! for a short-lived hub token (signed by the API, with its own audience).

use crate::error::{Error, Result};
use crate::mail_links::MailLinks;
use crate::tokens;
use chrono::{DateTime, Duration, Utc};
use praxis_domain::account::Email;
use praxis_domain::ids::UserId;
use praxis_persistence::magic_links::{self, MagicLinkRow};
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::{to_db_time, users, DbConnection};

/// How long a link works.
pub const MAGIC_LINK_MINUTES: i64 = 15;

/// Creates a magic link for the account of `email`, if there is one, and queues the mail that
/// carries it, in the caller's transaction. Returns whether a mail was queued; the HTTP answer
/// must not depend on it.
pub fn request_magic_link(
    conn: &mut DbConnection,
    email: &Email,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Some(user) = users::find_by_email(conn, email.as_str())? else {
        return Ok(false);
    };
    let token = tokens::generate();
    magic_links::insert(
        conn,
        &MagicLinkRow {
            id: uuid::Uuid::now_v7().to_string(),
            user_id: user.id,
            token_hash: tokens::hash(&token),
            created_at: to_db_time(now),
            expires_at: to_db_time(now + Duration::minutes(MAGIC_LINK_MINUTES)),
            used_at: None,
        },
    )?;
    outbox::enqueue(
        conn,
        magic_link_mail(&user.email, &links.hub_sign_in(&token), &token),
        to_db_time(now),
    )?;
    Ok(true)
}

fn magic_link_mail(recipient: &str, link: &str, token: &str) -> Mail {
    // The link and the token each stand on a line of their own, so mail clients make the link
    // clickable and an API user can copy the token.
    Mail {
        kind: "magic_link",
        recipient: recipient.to_owned(),
        subject: "Your link to the Praxis customer hub".to_owned(),
        body: format!(
            "Hello,\n\n\
             here is your link to the Praxis customer hub, where you can update your billing\n\
             address and see your invoices. It works once, within {MAGIC_LINK_MINUTES} minutes:\n\n\
             {link}\n\n\
             Using the API directly? Send this token to POST /api/v1/hub/sessions:\n\n\
             {token}\n\n\
             If you did not ask for this link, ignore this message; nothing changes.\n"
        ),
    }
}

fn invalid_link() -> Error {
    Error::unauthenticated(
        "invalid-magic-link",
        "This link is invalid, expired or already used; ask for a new one.",
    )
}

/// Spends a magic link: returns its account if the link is known, unused and unexpired, and marks
/// it used in the same step, so it never works twice. Run in a write transaction.
pub fn redeem_magic_link(
    conn: &mut DbConnection,
    presented: &str,
    now: DateTime<Utc>,
) -> Result<UserId> {
    let at = to_db_time(now);
    let row =
        magic_links::find_by_hash(conn, &tokens::hash(presented))?.ok_or_else(invalid_link)?;
    if !magic_links::claim(conn, &row.id, at)? {
        return Err(invalid_link());
    }
    Ok(UserId::from_trusted(row.user_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_link_mail_carries_the_link_and_the_token_on_lines_of_their_own() {
        let link = "https://praxis.example/hub?token=tok_123";
        let mail = magic_link_mail("ana@example.org", link, "tok_123");
        assert!(mail.body.lines().any(|l| l == link));
        assert!(mail.body.lines().any(|l| l == "tok_123"));
        assert!(mail.body.is_ascii());
    }
}
