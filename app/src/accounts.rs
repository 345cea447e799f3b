//! Accounts: registering one (without revealing whether the address had one already), proving
//! the address by a mailed link, resetting and changing the password, moving to a new address,
//! and the member's sessions. Passwords are hashed and checked by the caller (on the blocking
//! pool), never here.

use crate::error::{Error, Result};
use crate::mail_links::MailLinks;
use crate::tokens;
use chrono::{DateTime, Duration, Utc};
use praxis_domain::account::{AccountTokenPurpose, Email};
use praxis_domain::ids::UserId;
use praxis_domain::profiles::NewAccount;
use praxis_domain::webhooks::WebhookEvent;
use praxis_persistence::account_tokens::{self, AccountTokenRow};
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::tokens::{self as refresh_tokens, LiveSession};
use praxis_persistence::users::{self, NewUserRow, UserRow};
use praxis_persistence::{to_db_time, DbConnection};

/// How long a verification link works.
pub const VERIFY_EMAIL_HOURS: i64 = 48;
/// How long a password-reset link works.
pub const PASSWORD_RESET_MINUTES: i64 = 15;
/// How long the link confirming a new address works.
pub const EMAIL_CHANGE_HOURS: i64 = 24;

/// Registers an account on the free Lobby plan, unverified, and mails it a verification link.
/// When the address has an account already nothing is created and its owner is mailed that
/// someone tried to register with it: either way one mail is queued and the caller answers the
/// same, so registering never tells whether an address is known. Returns the new account, if one
/// was made.
pub fn register(
    conn: &mut DbConnection,
    account: &NewAccount,
    password_hash: &str,
    feed_token: &str,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<Option<UserId>> {
    let at = to_db_time(now);
    if let Some(existing) = users::find_by_email(conn, account.email.as_str())? {
        outbox::enqueue(conn, attempted_registration_mail(&existing, links), at)?;
        return Ok(None);
    }
    let id = UserId::new();
    users::insert(
        conn,
        &NewUserRow {
            id: id.as_str(),
            email: account.email.as_str(),
            password_hash,
            display_name: account.display_name.as_str(),
            time_zone: account.time_zone.name(),
            locale: account.locale.as_str(),
            calendar_feed_token: feed_token,
            created_at: at,
            updated_at: at,
            email_verified_at: None,
        },
    )?;
    let token = issue(conn, &id, AccountTokenPurpose::VerifyEmail, None, now)?;
    outbox::enqueue(
        conn,
        verification_mail(account.email.as_str(), &links.verify_email(&token), &token),
        at,
    )?;
    crate::webhooks::emit(
        conn,
        WebhookEvent::MemberJoined,
        serde_json::json!({"member_id": id.as_str()}),
        now,
    )?;
    Ok(Some(id))
}

/// The account registered with `email`, if any, for checking a login's password.
pub fn by_email(conn: &mut DbConnection, email: &Email) -> Result<Option<UserRow>> {
    Ok(users::find_by_email(conn, email.as_str())?)
}

/// The member's account (401 when it was erased meanwhile).
pub fn account(conn: &mut DbConnection, member: &UserId) -> Result<UserRow> {
    users::find_by_id(conn, member.as_str())?
        .ok_or_else(|| Error::unauthenticated("invalid-token", "The account no longer exists."))
}

/// Creates a single-use token, spending the member's earlier ones of the same purpose so only
/// the newest link works.
fn issue(
    conn: &mut DbConnection,
    user: &UserId,
    purpose: AccountTokenPurpose,
    new_email: Option<&Email>,
    now: DateTime<Utc>,
) -> Result<String> {
    let at = to_db_time(now);
    let lifetime = match purpose {
        AccountTokenPurpose::VerifyEmail => Duration::hours(VERIFY_EMAIL_HOURS),
        AccountTokenPurpose::PasswordReset => Duration::minutes(PASSWORD_RESET_MINUTES),
        AccountTokenPurpose::EmailChange => Duration::hours(EMAIL_CHANGE_HOURS),
    };
    account_tokens::spend_all(conn, user.as_str(), purpose.as_str(), at)?;
    let token = tokens::generate();
    account_tokens::insert(
        conn,
        &AccountTokenRow {
            id: uuid::Uuid::now_v7().to_string(),
            user_id: user.as_str().to_owned(),
            purpose: purpose.as_str().to_owned(),
            token_hash: tokens::hash(&token),
            new_email: new_email.map(|e| e.as_str().to_owned()),
            created_at: at,
            expires_at: to_db_time(now + lifetime),
            used_at: None,
        },
    )?;
    Ok(token)
}

/// Spends a token of `purpose`: its row if the token is known, unused and unexpired, marked used
/// in the same step so it never works twice. Run in a write transaction.
fn redeem(
    conn: &mut DbConnection,
    purpose: AccountTokenPurpose,
    presented: &str,
    now: DateTime<Utc>,
) -> Result<AccountTokenRow> {
    let at = to_db_time(now);
    let invalid = || {
        Error::unauthenticated(
            "invalid-account-token",
            "This link is invalid, expired or already used; ask for a new one.",
        )
    };
    let row = account_tokens::find_live(conn, purpose.as_str(), &tokens::hash(presented), at)?
        .ok_or_else(invalid)?;
    if !account_tokens::claim(conn, &row.id, at)? {
        return Err(invalid());
    }
    Ok(row)
}

/// Mails the member a new verification link (409 `email-already-verified` when there is nothing
/// to verify); earlier links stop working.
pub fn send_verification(
    conn: &mut DbConnection,
    member: &UserId,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<()> {
    let user = account(conn, member)?;
    if user.email_verified_at.is_some() {
        return Err(Error::conflict(
            "email-already-verified",
            "Your email address is verified already.",
        ));
    }
    let token = issue(conn, member, AccountTokenPurpose::VerifyEmail, None, now)?;
    outbox::enqueue(
        conn,
        verification_mail(&user.email, &links.verify_email(&token), &token),
        to_db_time(now),
    )?;
    Ok(())
}

/// Marks the address of a verification link's account verified; the link works once.
pub fn verify_email(
    conn: &mut DbConnection,
    presented: &str,
    now: DateTime<Utc>,
) -> Result<UserId> {
    let row = redeem(conn, AccountTokenPurpose::VerifyEmail, presented, now)?;
    users::mark_verified(conn, &row.user_id, to_db_time(now))?;
    Ok(UserId::from_trusted(row.user_id))
}

/// Mails a password-reset link to the account of `email`, if there is one. Returns whether a
/// mail was queued; the HTTP answer must not depend on it.
pub fn request_password_reset(
    conn: &mut DbConnection,
    email: &Email,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Some(user) = users::find_by_email(conn, email.as_str())? else {
        return Ok(false);
    };
    let id = UserId::from_trusted(user.id);
    let token = issue(conn, &id, AccountTokenPurpose::PasswordReset, None, now)?;
    outbox::enqueue(
        conn,
        password_reset_mail(&user.email, &links.password_reset(&token), &token),
        to_db_time(now),
    )?;
    Ok(true)
}

/// Sets a new password with a reset link (once, within its 15 minutes) and signs the account
/// out everywhere. Opening the mailed link proves the address, so it counts as verified too.
pub fn reset_password(
    conn: &mut DbConnection,
    presented: &str,
    new_password_hash: &str,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<UserId> {
    let row = redeem(conn, AccountTokenPurpose::PasswordReset, presented, now)?;
    let user = UserId::from_trusted(row.user_id);
    users::mark_verified(conn, user.as_str(), to_db_time(now))?;
    set_password(conn, &user, new_password_hash, links, now)?;
    Ok(user)
}

/// Replaces the member's password hash, revokes every refresh token they hold and tells them by
/// mail. The caller checked the current password (or a reset link) first.
pub fn set_password(
    conn: &mut DbConnection,
    member: &UserId,
    new_password_hash: &str,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<()> {
    let at = to_db_time(now);
    let user = account(conn, member)?;
    users::set_password_hash(conn, member.as_str(), new_password_hash, at)?;
    refresh_tokens::revoke_all_of(conn, member.as_str(), at)?;
    users::bump_session_generation(conn, member.as_str())?;
    account_tokens::spend_all(
        conn,
        member.as_str(),
        AccountTokenPurpose::PasswordReset.as_str(),
        at,
    )?;
    outbox::enqueue(conn, password_changed_mail(&user.email, links), at)?;
    Ok(())
}

/// Asks to move the member's account to `new_email`: a confirmation link goes to the new address
/// and nothing changes until it is opened. An address another account holds gets a mail saying
/// so instead, and the caller answers the same, so this never tells whether an address is known.
pub fn request_email_change(
    conn: &mut DbConnection,
    member: &UserId,
    new_email: &Email,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<()> {
    let at = to_db_time(now);
    let user = account(conn, member)?;
    if user.email == new_email.as_str() {
        return Err(Error::Domain(praxis_domain::Error::field(
            "email",
            "is already your address",
        )));
    }
    if users::find_by_email(conn, new_email.as_str())?.is_some() {
        outbox::enqueue(conn, address_taken_mail(new_email.as_str(), links), at)?;
        return Ok(());
    }
    let token = issue(
        conn,
        member,
        AccountTokenPurpose::EmailChange,
        Some(new_email),
        now,
    )?;
    outbox::enqueue(
        conn,
        confirm_email_mail(new_email.as_str(), &links.confirm_email(&token), &token),
        at,
    )?;
    Ok(())
}

/// Moves the account to the address a confirmation link was sent to (once, within a day), and
/// tells the old address. 409 `email-taken` when another account took the address meanwhile.
pub fn confirm_email_change(
    conn: &mut DbConnection,
    presented: &str,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<UserId> {
    let at = to_db_time(now);
    let row = redeem(conn, AccountTokenPurpose::EmailChange, presented, now)?;
    let member = UserId::from_trusted(row.user_id);
    let new_email = row
        .new_email
        .ok_or_else(|| Error::internal("an email-change token without its address"))?;
    let old = account(conn, &member)?;
    if users::find_by_email(conn, &new_email)?.is_some() {
        return Err(Error::conflict(
            "email-taken",
            "Another account uses this address now.",
        ));
    }
    match users::set_email(conn, member.as_str(), &new_email, at) {
        Err(praxis_persistence::Error::UniqueViolation(_)) => {
            return Err(Error::conflict(
                "email-taken",
                "Another account uses this address now.",
            ))
        }
        other => other?,
    }
    outbox::enqueue(conn, email_changed_mail(&old.email, &new_email, links), at)?;
    Ok(member)
}

/// A page of the member's signed-in sessions (refresh-token families still alive), most recently
/// used first.
pub fn sessions(
    conn: &mut DbConnection,
    member: &UserId,
    page: &crate::page::PageRequest,
    now: DateTime<Utc>,
) -> Result<crate::page::Paged<LiveSession>> {
    let rows = refresh_tokens::live_sessions(
        conn,
        member.as_str(),
        to_db_time(now),
        page.after.clone(),
        page.fetch(),
    )?;
    Ok(page.cut(rows, |s| (s.last_refreshed_at, s.token_id.clone())))
}

/// Signs the member out everywhere: every refresh token is revoked, so no session can be renewed,
/// and the session generation moves on, so access tokens already issued stop working at once.
/// Returns how many sessions were live.
pub fn sign_out_everywhere(
    conn: &mut DbConnection,
    member: &UserId,
    now: DateTime<Utc>,
) -> Result<usize> {
    let revoked = refresh_tokens::revoke_all_of(conn, member.as_str(), to_db_time(now))?;
    users::bump_session_generation(conn, member.as_str())?;
    Ok(revoked)
}

// The mails. Links and tokens stand on lines of their own, so mail clients make the link
// clickable and an API user can copy the token.

fn verification_mail(recipient: &str, link: &str, token: &str) -> Mail {
    Mail {
        kind: "verify_email",
        recipient: recipient.to_owned(),
        subject: "Confirm your email address for Praxis".to_owned(),
        body: format!(
            "Hello,\n\n\
             please confirm that this is your email address by opening this link within\n\
             {VERIFY_EMAIL_HOURS} hours. It works once:\n\n\
             {link}\n\n\
             Using the API directly? Send this token to POST /api/v1/auth/verify-email:\n\n\
             {token}\n\n\
             Until you confirm, you can read but not post or pay.\n\
             If you did not create an account, ignore this message.\n"
        ),
    }
}

fn attempted_registration_mail(user: &UserRow, links: &MailLinks) -> Mail {
    let forgot = links.forgot_password();
    Mail {
        kind: "registration_attempt",
        recipient: user.email.clone(),
        subject: "Someone tried to register with your email address".to_owned(),
        body: format!(
            "Hello {name},\n\n\
             someone just tried to create a Praxis account with this email address, which\n\
             already has one. Nothing was changed.\n\n\
             If it was you, log in instead; if you forgot your password, reset it here:\n\n\
             {forgot}\n\n\
             If it was not you, you can ignore this message.\n",
            name = user.display_name
        ),
    }
}

fn password_reset_mail(recipient: &str, link: &str, token: &str) -> Mail {
    Mail {
        kind: "password_reset",
        recipient: recipient.to_owned(),
        subject: "Reset your Praxis password".to_owned(),
        body: format!(
            "Hello,\n\n\
             someone asked to reset the password of your Praxis account. To choose a new one,\n\
             open this link within {PASSWORD_RESET_MINUTES} minutes. It works once:\n\n\
             {link}\n\n\
             Using the API directly? Send this token with the new password to\n\
             POST /api/v1/auth/password-reset/confirm:\n\n\
             {token}\n\n\
             Setting a new password signs you out on every device.\n\
             If you did not ask for this, ignore this message; your password stays as it is.\n"
        ),
    }
}

fn password_changed_mail(recipient: &str, links: &MailLinks) -> Mail {
    let forgot = links.forgot_password();
    Mail {
        kind: "password_changed",
        recipient: recipient.to_owned(),
        subject: "Your Praxis password was changed".to_owned(),
        body: format!(
            "Hello,\n\n\
             the password of your Praxis account was just changed, and every device was\n\
             signed out.\n\n\
             If that was not you, reset your password at once:\n\n\
             {forgot}\n"
        ),
    }
}

fn confirm_email_mail(recipient: &str, link: &str, token: &str) -> Mail {
    Mail {
        kind: "confirm_email",
        recipient: recipient.to_owned(),
        subject: "Confirm your new email address for Praxis".to_owned(),
        body: format!(
            "Hello,\n\n\
             someone asked to move a Praxis account to this email address. To confirm, open\n\
             this link within {EMAIL_CHANGE_HOURS} hours. It works once:\n\n\
             {link}\n\n\
             Using the API directly? Send this token to POST /api/v1/me/email/confirm:\n\n\
             {token}\n\n\
             If you did not ask for this, ignore this message; nothing changes.\n"
        ),
    }
}

fn address_taken_mail(recipient: &str, links: &MailLinks) -> Mail {
    let forgot = links.forgot_password();
    Mail {
        kind: "email_change_attempt",
        recipient: recipient.to_owned(),
        subject: "Someone tried to use your email address on Praxis".to_owned(),
        body: format!(
            "Hello,\n\n\
             someone asked to move another Praxis account to this email address, which already\n\
             has an account. Nothing was changed.\n\n\
             If you forgot your password, reset it here:\n\n\
             {forgot}\n"
        ),
    }
}

fn email_changed_mail(old: &str, new: &str, links: &MailLinks) -> Mail {
    let forgot = links.forgot_password();
    Mail {
        kind: "email_changed",
        recipient: old.to_owned(),
        subject: "Your Praxis email address was changed".to_owned(),
        body: format!(
            "Hello,\n\n\
             the email address of your Praxis account was changed to {new}. Mail about the\n\
             account goes there from now on.\n\n\
             If that was not you, reset your password at once and write to us:\n\n\
             {forgot}\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_mails_carry_the_link_and_the_token_on_lines_of_their_own() {
        let link = "https://praxis.example/verify-email?token=tok_1";
        for mail in [
            verification_mail("ana@example.org", link, "tok_1"),
            password_reset_mail("ana@example.org", link, "tok_1"),
            confirm_email_mail("ana@example.org", link, "tok_1"),
        ] {
            assert!(mail.body.lines().any(|l| l == link), "{}", mail.body);
            assert!(mail.body.lines().any(|l| l == "tok_1"), "{}", mail.body);
            assert!(mail.body.is_ascii());
        }
    }
}
