//! The mailing list's subscriptions: asking by address (the answer never says whether the
//! address was known), confirming by the mailed single-use link, leaving by the link every
//! newsletter mail carries, without signing in.

use crate::error::{Error, Result};
use crate::mail_links::MailLinks;
use crate::tokens;
use chrono::{DateTime, Duration, Utc};
use praxis_domain::newsletter::{SubscriptionDraft, CONFIRM_LINK_HOURS};
use praxis_persistence::newsletter::{self as repo, SubscriberRow};
use praxis_persistence::newsletter_issues;
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::{to_db_time, DbConnection};

/// Far longer than any token we issue; anything longer is refused before any work.
const MAX_TOKEN_CHARS: usize = 256;

/// Records the request and mails a confirm link, unless the address is confirmed already (then
/// nothing happens: the owner is subscribed, and a stranger learns nothing). Asking again while
/// pending sends a new link that replaces the older one.
pub fn subscribe(
    conn: &mut DbConnection,
    draft: &SubscriptionDraft,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<()> {
    let at = to_db_time(now);
    let token = tokens::generate();
    let expires_at = to_db_time(now + Duration::hours(CONFIRM_LINK_HOURS));
    let language = draft.language.as_str();
    let unsubscribe_token = match repo::find_by_email(conn, draft.email.as_str())? {
        Some(row) if row.confirmed_at.is_some() => return Ok(()),
        Some(row) => {
            repo::renew_token(conn, &row.id, language, &tokens::hash(&token), expires_at)?;
            row.unsubscribe_token
        }
        None => {
            let row = SubscriberRow {
                id: uuid::Uuid::now_v7().to_string(),
                email: draft.email.as_str().to_owned(),
                language: language.to_owned(),
                created_at: at,
                confirmed_at: None,
                token_hash: Some(tokens::hash(&token)),
                token_expires_at: Some(expires_at),
                unsubscribe_token: tokens::generate(),
            };
            repo::insert(conn, &row)?;
            row.unsubscribe_token
        }
    };
    outbox::enqueue(
        conn,
        Mail {
            kind: "newsletter_confirmation",
            recipient: draft.email.as_str().to_owned(),
            subject: "Confirm your newsletter subscription".to_owned(),
            body: format!(
                "Someone, hopefully you, asked for the Praxis newsletter at this address.\n\n\
                 To receive it, confirm within {CONFIRM_LINK_HOURS} hours:\n{}\n\n\
                 If it was not you, ignore this mail: nothing is sent without confirmation.\n\
                 To forget this address now: {}\n",
                links.newsletter_confirm(&token),
                links.newsletter_unsubscribe_page(&unsubscribe_token),
            ),
        },
        at,
    )?;
    Ok(())
}

/// Spends a confirm link: once, within its hours.
pub fn confirm(conn: &mut DbConnection, token: &str, now: DateTime<Utc>) -> Result<()> {
    if token.len() > MAX_TOKEN_CHARS || !repo::confirm(conn, &tokens::hash(token), to_db_time(now))?
    {
        return Err(Error::NotFound("confirm link"));
    }
    Ok(())
}

/// Removes the address an unsubscribe link belongs to, with everything stored about it.
/// Issues not yet in the outbox are not sent to it any more.
pub fn unsubscribe(conn: &mut DbConnection, token: &str) -> Result<()> {
    let left = if token.len() > MAX_TOKEN_CHARS {
        None
    } else {
        repo::unsubscribe(conn, token)?
    };
    let email = left.ok_or(Error::NotFound("unsubscribe link"))?;
    newsletter_issues::forget_waiting(conn, &email)?;
    Ok(())
}
