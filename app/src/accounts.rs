//! Accounts: registering one, and finding the account a login names. The password itself is
//! hashed and checked by the caller (on the blocking pool), never here.

use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use praxis_domain::account::Email;
use praxis_domain::ids::UserId;
use praxis_domain::profiles::NewAccount;
use praxis_persistence::users::{self, NewUserRow, UserRow};
use praxis_persistence::{to_db_time, DbConnection};

/// Registers an account on the free Lobby plan with the given password hash and calendar feed
/// token: 409 `email-taken` when the email is registered already.
pub fn register(
    conn: &mut DbConnection,
    account: &NewAccount,
    password_hash: &str,
    feed_token: &str,
    now: DateTime<Utc>,
) -> Result<UserId> {
    let id = UserId::new();
    let at = to_db_time(now);
    let inserted = users::insert(
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
        },
    );
    match inserted {
        Err(praxis_persistence::Error::UniqueViolation(_)) => Err(Error::conflict(
            "email-taken",
            "An account with this email already exists; log in instead.",
        )),
        other => {
            other?;
            Ok(id)
        }
    }
}

/// The account registered with `email`, if any, for checking a login's password.
pub fn by_email(conn: &mut DbConnection, email: &Email) -> Result<Option<UserRow>> {
    Ok(users::find_by_email(conn, email.as_str())?)
}
