//! One-click opt-out from a kind of mail (RFC 8058), without signing in. Each bulk or
//! notification mail carries a token naming its recipient and its category, signed with
//! HMAC-SHA256 under a secret the server keeps in its database (generated on first use, shared by
//! every node). The token never expires (mail is read months later), opens no session and can do
//! one thing only: turn that category off for that member. A forged or altered token, or one for
//! an erased account, is simply not found.
//!
//! Reading what a token would turn off changes nothing, because mail scanners fetch links
//! before people click them; only the POST unsubscribes.

use crate::error::{Error, Result};
use crate::mail_links::MailLinks;
use crate::tokens;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use praxis_domain::ids::UserId;
use praxis_domain::mail::MailCategory;
use praxis_persistence::DbConnection;
use praxis_persistence::{events as event_repo, notification_mail, settings, to_db_time, users};
use sha2::Sha256;

const SECRET_SETTING: &str = "unsubscribe_secret";
/// Binds a signature to this use, so a MAC made for anything else never verifies here.
const CONTEXT: &[u8] = b"praxis-unsubscribe-v1\n";
/// Far longer than any token we issue; anything longer is refused before any work.
const MAX_TOKEN_CHARS: usize = 256;

/// What a token turns off, and whether it is still on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsubscription {
    pub category: MailCategory,
    pub subscribed: bool,
}

/// The two links an opt-out needs: the page a person opens from the mail's text, and the URL
/// a mail client POSTs to (`List-Unsubscribe`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptOut {
    pub page: String,
    pub one_click: String,
}

fn mac(secret: &[u8], payload: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
    mac.update(CONTEXT);
    mac.update(payload);
    mac
}

/// `base64url(user_id ":" category) "." base64url(HMAC)`.
fn sign(secret: &[u8], user: &UserId, category: MailCategory) -> String {
    let payload = format!("{}:{}", user.as_str(), category.as_str());
    let signature = mac(secret, payload.as_bytes()).finalize().into_bytes();
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(payload),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

/// The member and category of a token signed with `secret`; `None` for anything else.
fn verify(secret: &[u8], token: &str) -> Option<(UserId, MailCategory)> {
    if token.len() > MAX_TOKEN_CHARS {
        return None;
    }
    let (payload, signature) = token.split_once('.')?;
    let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    // Constant time, so timing does not reveal how much of a guess was right.
    mac(secret, &payload).verify_slice(&signature).ok()?;
    let (user, category) = std::str::from_utf8(&payload).ok()?.split_once(':')?;
    let category = MailCategory::parse(category).ok()?;
    Some((UserId::from_trusted(user.to_owned()), category))
}

fn not_found() -> Error {
    Error::NotFound("unsubscribe link")
}

/// A token for `user` and `category`, creating the signing secret on first use.
pub fn token(
    conn: &mut DbConnection,
    user: &UserId,
    category: MailCategory,
    now: DateTime<Utc>,
) -> Result<String> {
    let (secret, _) = settings::get_or_insert(
        conn,
        SECRET_SETTING,
        &(tokens::generate() + &tokens::generate()),
        to_db_time(now),
    )?;
    Ok(sign(secret.as_bytes(), user, category))
}

/// The opt-out links for a mail of `category` to `user`.
pub fn opt_out(
    conn: &mut DbConnection,
    links: &MailLinks,
    user: &UserId,
    category: MailCategory,
    now: DateTime<Utc>,
) -> Result<OptOut> {
    let token = token(conn, user, category, now)?;
    Ok(OptOut {
        page: links.unsubscribe_page(&token),
        one_click: links.one_click_unsubscribe(&token),
    })
}

/// The member and category a presented token names, if it is genuine and the account exists.
fn verified(conn: &mut DbConnection, token: &str) -> Result<(UserId, MailCategory)> {
    // No secret yet means no token was ever issued.
    let secret = settings::get(conn, SECRET_SETTING)?.ok_or_else(not_found)?;
    let (user, category) = verify(secret.as_bytes(), token).ok_or_else(not_found)?;
    if users::find_by_id(conn, user.as_str())?.is_none() {
        return Err(not_found());
    }
    Ok((user, category))
}

fn subscribed(conn: &mut DbConnection, user: &UserId, category: MailCategory) -> Result<bool> {
    Ok(match category {
        MailCategory::EventReminders => event_repo::reminders_enabled(conn, user.as_str())?,
        MailCategory::Notifications => {
            notification_mail::find(conn, user.as_str())?.is_some_and(|s| s.mail_enabled)
        }
    })
}

/// What `token` would turn off. Changes nothing.
pub fn describe(conn: &mut DbConnection, token: &str) -> Result<Unsubscription> {
    let (user, category) = verified(conn, token)?;
    Ok(Unsubscription {
        category,
        subscribed: subscribed(conn, &user, category)?,
    })
}

/// Turns off the category `token` names for its member; doing it again changes nothing more.
/// Run in a write transaction.
pub fn unsubscribe(
    conn: &mut DbConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Unsubscription> {
    let (user, category) = verified(conn, token)?;
    match category {
        MailCategory::EventReminders => {
            event_repo::set_reminders(conn, user.as_str(), false, to_db_time(now))?;
        }
        MailCategory::Notifications => {
            notification_mail::disable(conn, user.as_str(), to_db_time(now))?;
        }
    }
    Ok(Unsubscription {
        category,
        subscribed: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ana() -> UserId {
        UserId::from_trusted("0190c0de-0000-7000-8000-000000000001".to_owned())
    }

    #[test]
    fn unsubscribe_token_names_its_member_and_category() {
        let token = sign(b"secret", &ana(), MailCategory::EventReminders);
        assert_eq!(
            verify(b"secret", &token),
            Some((ana(), MailCategory::EventReminders))
        );
        assert!(token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
    }

    #[test]
    fn unsubscribe_token_is_refused_when_forged_altered_or_signed_with_another_secret() {
        let token = sign(b"secret", &ana(), MailCategory::EventReminders);
        assert_eq!(verify(b"other secret", &token), None);
        let (_, signature) = token.split_once('.').unwrap_or_default();
        let someone_else =
            URL_SAFE_NO_PAD.encode("0190c0de-0000-7000-8000-000000000002:event_reminders");
        assert_eq!(
            verify(b"secret", &format!("{someone_else}.{signature}")),
            None
        );
        for garbage in ["", ".", "abc", "a.b.c", &"x".repeat(10_000), &token[1..]] {
            assert_eq!(verify(b"secret", garbage), None, "{garbage}");
        }
    }
}
