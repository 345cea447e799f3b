//! A member's personal data: everything Praxis holds about them as one JSON document (GDPR art.
//! 15 and 20), and erasure (art. 17): their personal data goes, their content stays as by
//! "former member", bookkeeping records stay with the billing snapshot on the invoice.

use crate::error::{Error, Result};
use crate::subscriptions::{self, Offers};
use chrono::{DateTime, Utc};
use praxis_domain::ids::{SubscriptionId, UserId};
use praxis_persistence::personal_data::{self, Erased, SECTIONS};
use praxis_persistence::users::{self, NewUserRow};
use praxis_persistence::{to_db_time, DbConnection};
use serde_json::{Map, Value};

/// The version of the export document's layout.
pub const EXPORT_FORMAT: &str = "praxis-export/1";

/// Shown wherever an erased member's content is.
pub const FORMER_MEMBER: &str = "former member";

/// Everything stored about the member: `{format, generated_at, member_id, sections: {name:
/// [rows]}}`, each section the member's rows of one table as stored (secrets left out), and of
/// other people only what the member could already read (the messages of their own
/// conversations, feedback on their own submissions).
pub fn export(conn: &mut DbConnection, member: &UserId, now: DateTime<Utc>) -> Result<Value> {
    crate::accounts::account(conn, member)?;
    let mut sections = Map::new();
    for section in SECTIONS {
        let rows = personal_data::export_section(conn, section, member.as_str())?;
        sections.insert(section.name.to_owned(), Value::Array(rows));
    }
    Ok(serde_json::json!({
        "format": EXPORT_FORMAT,
        "generated_at": now,
        "member_id": member.as_str(),
        "sections": sections,
    }))
}

/// Who asked for an erasure.
pub enum ErasedBy {
    /// The member, who confirmed with their password.
    Themselves,
    /// An admin acting on a request (audited under their id).
    Admin(UserId),
}

/// Erases the member: live subscriptions are cancelled the way a member cancels them (no
/// renewal; the seat frees), then personal data is deleted and what others need is kept under a
/// new "former member" account, whose id the audit entry names. The address can register again
/// at once. The last admin cannot be erased (409 `last-admin`), so a community always keeps one.
/// Run in a write transaction.
pub fn erase(
    conn: &mut DbConnection,
    member: &UserId,
    by: ErasedBy,
    offers: &Offers,
    now: DateTime<Utc>,
) -> Result<UserId> {
    let user = crate::accounts::account(conn, member)?;
    let admins = personal_data::admin_ids(conn)?;
    if admins.iter().any(|a| a == member.as_str()) && admins.len() == 1 {
        return Err(Error::conflict(
            "last-admin",
            "This is the only admin: grant the admin role to someone else first.",
        ));
    }
    let live = personal_data::live_subscription_ids(conn, member.as_str())?;
    let actor = match &by {
        ErasedBy::Themselves => member.clone(),
        ErasedBy::Admin(admin) => admin.clone(),
    };
    for id in live {
        match subscriptions::cancel(
            conn,
            member,
            &SubscriptionId::from_trusted(id),
            &actor,
            now,
            offers,
        ) {
            Ok(_) | Err(Error::Conflict { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    let former = UserId::new();
    let at = to_db_time(now);
    users::insert(
        conn,
        &NewUserRow {
            id: former.as_str(),
            email: &format!("{}{}", former.as_str(), personal_data::ERASED_DOMAIN),
            // Not a hash: no password ever matches it.
            password_hash: "!",
            display_name: FORMER_MEMBER,
            time_zone: "UTC",
            locale: "en",
            calendar_feed_token: &crate::tokens::generate(),
            created_at: at,
            updated_at: at,
            email_verified_at: None,
        },
    )?;
    personal_data::erase(
        conn,
        &Erased {
            user_id: member.as_str(),
            email: &user.email,
            display_name: &user.display_name,
        },
        former.as_str(),
    )?;
    let admin = match &by {
        ErasedBy::Themselves => None,
        ErasedBy::Admin(admin) => Some(admin),
    };
    praxis_persistence::audit::record(
        conn,
        &crate::audit::entry::<(), ()>(
            admin,
            "user.erased",
            "user",
            former.as_str(),
            None,
            None,
            now,
        ),
    )?;
    Ok(former)
}

/// An admin erases a member on their request, naming the account's address again to confirm
/// which account goes (422 naming `email` when it is not this account's; 404 for no account).
pub fn erase_on_request(
    conn: &mut DbConnection,
    admin: &UserId,
    member: &UserId,
    confirm_email: &praxis_domain::account::Email,
    offers: &Offers,
    now: DateTime<Utc>,
) -> Result<UserId> {
    let user = users::find_by_id(conn, member.as_str())?.ok_or(Error::NotFound("user"))?;
    if user.email != confirm_email.as_str() {
        return Err(Error::Domain(praxis_domain::Error::field(
            "email",
            "is not this account's address",
        )));
    }
    erase(conn, member, ErasedBy::Admin(admin.clone()), offers, now)
}
